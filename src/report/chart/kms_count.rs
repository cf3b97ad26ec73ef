//! `kms-count.svg/.png`: each host's count per pool over time, with the products'
//! thresholds as dashed lines and the table's capacity (2 × the highest threshold,
//! KMS-COUNT-4) as a dotted one. One panel per pool that any fleet uses.

use super::axis::{self, Timeline};
use super::{Chart, DrawResult, Swatch, WIDTH, palette, text};
use crate::model::Model;
use crate::model::Pool;
use crate::report::tables::RunTables;
use plotters::coord::Shift;
use plotters::prelude::*;

const HEADER: u32 = 100;
const PANEL: u32 = 300;

struct PoolPanel {
    name: &'static str,
    /// Distinct thresholds of the products in this pool that fleets use, ascending.
    thresholds: Vec<u32>,
    /// `[host][sample]`.
    counts: Vec<Vec<f64>>,
}

pub struct KmsCount {
    title: String,
    time: Timeline,
    hosts: Vec<String>,
    panels: Vec<PoolPanel>,
}

impl KmsCount {
    pub fn new(model: &Model, tables: &RunTables) -> Self {
        let panels = Pool::ALL
            .iter()
            .filter_map(|&pool| {
                let mut thresholds: Vec<u32> = model
                    .fleets
                    .iter()
                    .map(|f| &model.products[f.product])
                    .filter(|p| p.pool == pool)
                    .map(|p| p.threshold)
                    .collect();
                thresholds.sort_unstable();
                thresholds.dedup();
                let p = pool.index();
                let counts: Vec<Vec<f64>> = tables
                    .hosts
                    .iter()
                    .map(|h| h[p].iter().map(|s| s.count as f64).collect())
                    .collect();
                let used = !thresholds.is_empty() || counts.iter().flatten().any(|&c| c > 0.0);
                used.then_some(PoolPanel {
                    name: match pool {
                        Pool::Windows => "Windows pool (clients and servers)",
                        Pool::Office => "Office pool",
                    },
                    thresholds,
                    counts,
                })
            })
            .collect();
        KmsCount {
            title: model.name.clone(),
            time: Timeline::new(model, tables),
            hosts: model.kms.hosts.iter().map(|h| h.name.clone()).collect(),
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
        panel: &PoolPanel,
        band: u32,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let capacity = panel.thresholds.last().map(|&t| f64::from(2 * t));
        let highest = panel.counts.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
        let y_max = (capacity.unwrap_or(0.0).max(highest) * 1.08).max(1.0);
        let mut chart = axis::frame(
            root,
            area,
            &self.time.axis,
            (panel.name, 30 + band),
            y_max,
            "count (machines seen in the last 30 days)",
        )?;
        axis::draw_marker_lines(&mut chart, &self.time.markers, y_max)?;
        for (h, counts) in panel.counts.iter().enumerate() {
            chart.draw_series(LineSeries::new(
                self.time.days.iter().copied().zip(counts.iter().copied()),
                palette::series(h).stroke_width(3),
            ))?;
        }
        // Thresholds and capacity on top of the counts, which often run along them.
        let label = text(14, palette::MARKER);
        for &t in &panel.thresholds {
            let y = f64::from(t);
            chart.draw_series(DashedLineSeries::new(
                [(0.0, y), (self.time.axis.end, y)],
                10,
                6,
                palette::INK.stroke_width(2),
            ))?;
            let (x, py) = chart.backend_coord(&(self.time.axis.end, y));
            root.draw(&Text::new(
                format!("threshold {t}"),
                (x - 110, py - 18),
                label.clone(),
            ))?;
        }
        if let Some(c) = capacity {
            chart.draw_series(DottedLineSeries::new(
                [(0.0, c), (self.time.axis.end, c)],
                0,
                7,
                |p| Circle::new(p, 2, palette::INK.filled()),
            ))?;
            let (x, py) = chart.backend_coord(&(self.time.axis.end, c));
            root.draw(&Text::new(
                format!("capacity {c}"),
                (x - 110, py - 18),
                label.clone(),
            ))?;
        }
        if band > 0 {
            axis::draw_marker_labels(root, &chart, &self.time.markers)?;
        }
        Ok(())
    }
}

impl Chart for KmsCount {
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
            "KMS host counts: activation needs count ≥ threshold",
        )?;
        let mut entries: Vec<(Swatch, String)> = self
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (Swatch::Line(palette::series(i)), h.clone()))
            .collect();
        entries.push((Swatch::Dashed(palette::INK), "threshold".into()));
        super::legend(&head, (26, 84), &entries)?;
        let Some(first_panel) = self.panels.first() else {
            return Ok(());
        };
        let band = self.time.band;
        let (first, rest) = body.split_vertically(band + self.heights().0);
        self.panel(root, &first, first_panel, band)?;
        if let Some(second) = self.panels.get(1) {
            self.panel(root, &rest, second, 0)?;
        }
        Ok(())
    }
}
