//! `activation.svg/.png`: the licence states of each fleet over time, stacked, one panel per
//! fleet, with the offline count as a dashed line and the timeline events as markers.

use super::axis::{self, Timeline};
use super::{Chart, DrawResult, Swatch, WIDTH, palette};
use crate::model::Model;
use crate::report::tables::RunTables;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Beyond this many fleets, the largest get a panel each and the rest share one.
const MAX_PANELS: usize = 6;
const HEADER: u32 = 100;
const PANEL: u32 = 250;

/// Bottom to top of the stack, as indices into `FLEET_COLUMNS`: licensed, grace,
/// oot_grace, notification.
const STACK: [usize; 4] = [1, 0, 2, 3];
const OFFLINE: usize = 4;

struct Panel {
    title: String,
    rows: Vec<[u64; 5]>,
}

pub struct Activation {
    title: String,
    time: Timeline,
    panels: Vec<Panel>,
}

fn peak(rows: &[[u64; 5]]) -> u64 {
    rows.iter()
        .map(|r| STACK.iter().map(|&i| r[i]).sum::<u64>())
        .max()
        .unwrap_or(0)
}

impl Activation {
    pub fn new(model: &Model, tables: &RunTables) -> Self {
        let mut fleets: Vec<(String, Vec<[u64; 5]>)> = model
            .fleets
            .iter()
            .zip(&tables.fleets)
            .map(|(f, rows)| (f.name.clone(), rows.clone()))
            .collect();
        if fleets.len() > MAX_PANELS {
            // Largest first (stable, so equal fleets keep file order); the rest summed.
            fleets.sort_by_key(|(_, rows)| std::cmp::Reverse(peak(rows)));
            let rest = fleets.split_off(MAX_PANELS - 1);
            let mut sum = vec![[0u64; 5]; tables.times.len()];
            for (_, rows) in &rest {
                for (s, r) in sum.iter_mut().zip(rows) {
                    for c in 0..5 {
                        s[c] += r[c];
                    }
                }
            }
            let names: Vec<&str> = rest.iter().map(|(n, _)| n.as_str()).collect();
            let mut title = format!("other {} fleets: {}", rest.len(), names.join(", "));
            if title.chars().count() > 80 {
                title = title.chars().take(77).collect::<String>() + "…";
            }
            fleets.push((title, sum));
        }
        let panels = fleets
            .into_iter()
            .map(|(name, rows)| Panel {
                title: format!("{name}: up to {} machines", peak(&rows)),
                rows,
            })
            .collect();
        Activation {
            title: model.name.clone(),
            time: Timeline::new(model, tables),
            panels,
        }
    }

    /// Each panel's height and the whole chart's.
    fn heights(&self) -> (u32, u32) {
        super::stacked(self.panels.len(), HEADER + self.time.band, PANEL)
    }

    fn panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
        band: u32,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let y_max = (peak(&panel.rows) as f64 * 1.05).max(1.0);
        let mut chart = axis::frame(
            root,
            area,
            &self.time.axis,
            (&panel.title, 30 + band),
            y_max,
            "machines",
        )?;
        // Cumulative sums, drawn top layer first with opaque fills.
        for top in (0..STACK.len()).rev() {
            let colour = palette::STATE[STACK[top]];
            let points: Vec<(f64, f64)> = self
                .time
                .days
                .iter()
                .zip(&panel.rows)
                .map(|(&d, r)| (d, STACK[..=top].iter().map(|&i| r[i]).sum::<u64>() as f64))
                .collect();
            chart.draw_series(
                AreaSeries::new(points, 0.0, colour.filled()).border_style(colour.stroke_width(1)),
            )?;
        }
        if panel.rows.iter().any(|r| r[OFFLINE] > 0) {
            chart.draw_series(DashedLineSeries::new(
                self.time
                    .days
                    .iter()
                    .zip(&panel.rows)
                    .map(|(&d, r)| (d, r[OFFLINE] as f64)),
                10,
                6,
                palette::STATE[OFFLINE].stroke_width(3),
            ))?;
        }
        axis::draw_marker_lines(&mut chart, &self.time.markers, y_max)?;
        if band > 0 {
            axis::draw_marker_labels(root, &chart, &self.time.markers)?;
        }
        Ok(())
    }
}

impl Chart for Activation {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.heights().1)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (head, body) = root.split_vertically(HEADER);
        super::title(
            &head,
            &self.title,
            "Licence state of every machine over time",
        )?;
        super::legend(
            &head,
            (26, 84),
            &[
                (Swatch::Fill(palette::STATE[1]), "licensed".into()),
                (Swatch::Fill(palette::STATE[0]), "initial grace".into()),
                (
                    Swatch::Fill(palette::STATE[2]),
                    "out-of-tolerance grace".into(),
                ),
                (Swatch::Fill(palette::STATE[3]), "notification".into()),
                (
                    Swatch::Dashed(palette::STATE[4]),
                    "offline (any state)".into(),
                ),
            ],
        )?;
        let Some(first_panel) = self.panels.first() else {
            return Ok(());
        };
        let band = self.time.band;
        let (h, _) = self.heights();
        let (first, rest) = body.split_vertically(band + h);
        self.panel(root, &first, first_panel, band)?;
        let others = &self.panels[1..];
        if !others.is_empty() {
            let (rest, _) = rest.split_vertically(h * others.len() as u32);
            for (area, panel) in rest.split_evenly((others.len(), 1)).iter().zip(others) {
                self.panel(root, area, panel, 0)?;
            }
        }
        Ok(())
    }
}
