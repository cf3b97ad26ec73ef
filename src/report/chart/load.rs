//! `load.svg/.png`: requests per hour per host (averaged over each sample interval), and
//! the attempts that did not succeed, by outcome code, per sample interval.

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use super::axis::{self, Timeline};
use super::{Chart, DrawResult, Swatch, WIDTH, palette, text};
use crate::code::Code;
use crate::model::Model;
use crate::report::findings::thousands;
use crate::report::tables::RunTables;
use plotters::coord::Shift;
use plotters::prelude::*;

const HEADER: u32 = 70;
const PANEL: u32 = 320;
/// Legend rows wrap at this width (the plot's).
const LEGEND_WIDTH: i32 = WIDTH as i32 - 150;

/// A named line of a panel.
struct Line {
    name: String,
    values: Vec<f64>,
}

pub struct Load {
    title: String,
    time: Timeline,
    per_host: Vec<Line>,
    by_code: Vec<Line>,
    /// MAK activations left, per key (empty without MAK keys).
    mak: Vec<Line>,
    interval: String,
}

impl Load {
    pub fn new(model: &Model, tables: &RunTables) -> Self {
        let hours = model.sample_every as f64 / 3_600.0;
        let per_host = model
            .kms
            .hosts
            .iter()
            .zip(&tables.hosts)
            .map(|(h, pools)| Line {
                name: h.name.clone(),
                values: (0..tables.times.len())
                    .map(|i| pools.iter().map(|p| p[i].requests).sum::<u64>() as f64 / hours)
                    .collect(),
            })
            .collect();
        // Each code's line names the fleets it came from, most first ("0xC004F074:
        // dmz-servers 55,901; laptops 120"), so a failure is never an anonymous line.
        let by_code = Code::ALL
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_failure())
            .filter(|(i, _)| tables.attempts.iter().any(|a| a[*i] > 0))
            .map(|(i, c)| {
                let mut from: Vec<(u64, &str)> = tables
                    .fleets
                    .iter()
                    .zip(&tables.fleet_attempts)
                    .map(|((name, _), a)| (a.iter().map(|s| s[i]).sum::<u64>(), name.as_str()))
                    .filter(|&(n, _)| n > 0)
                    .collect();
                from.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
                let mut fleets: Vec<String> = from
                    .iter()
                    .take(3)
                    .map(|(n, f)| format!("{f} {}", thousands(*n)))
                    .collect();
                if from.len() > 3 {
                    fleets.push(format!("{} more", from.len() - 3));
                }
                let name = if fleets.is_empty() {
                    c.as_str().to_owned()
                } else {
                    format!("{}: {}", c.as_str(), fleets.join(", "))
                };
                Line {
                    name,
                    values: tables.attempts.iter().map(|a| a[i] as f64).collect(),
                }
            })
            .collect();
        let mak = model
            .mak_keys
            .iter()
            .zip(&tables.mak_remaining)
            .map(|(k, left)| Line {
                name: format!("{} (of {})", k.name, k.activations),
                values: left.iter().map(|&v| v as f64).collect(),
            })
            .collect();
        Load {
            mak,
            title: model.name.clone(),
            time: Timeline::new(model, tables),
            per_host,
            by_code,
            interval: crate::time::human(model.sample_every),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        area: &DrawingArea<DB, Shift>,
        heading: &str,
        y_desc: &str,
        lines: &[Line],
        colour: impl Fn(usize) -> RGBColor,
        band: u32,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let highest = lines
            .iter()
            .flat_map(|l| &l.values)
            .fold(0.0f64, |a, &b| a.max(b));
        let y_max = (highest * 1.08).max(1.0);
        let entries: Vec<(Swatch, String)> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (Swatch::Line(colour(i)), l.name.clone()))
            .collect();
        let rows = super::legend_rows(&entries, LEGEND_WIDTH);
        let mut chart = axis::frame(
            root,
            area,
            &self.time.axis,
            (heading, 60 + (rows - 1) * super::LEGEND_ROW as u32 + band),
            axis::lines_up_to(y_max),
            y_desc,
        )?;
        axis::draw_marker_lines(&mut chart, &self.time.markers, y_max)?;
        for (i, line) in lines.iter().enumerate() {
            chart.draw_series(LineSeries::new(
                self.time
                    .days
                    .iter()
                    .copied()
                    .zip(line.values.iter().copied()),
                colour(i).stroke_width(2),
            ))?;
        }
        if entries.is_empty() {
            area.draw(&Text::new("none", (96, 34), text(16, palette::MARKER)))?;
        } else {
            super::legend_wrapped(area, (96, 42), &entries, LEGEND_WIDTH)?;
        }
        if band > 0 {
            axis::draw_marker_labels(root, &chart, &self.time.markers)?;
        }
        Ok(())
    }
}

impl Chart for Load {
    fn size(&self) -> (u32, u32) {
        let panels = if self.mak.is_empty() { 2 } else { 3 };
        (
            WIDTH,
            (HEADER + self.time.band + panels * PANEL + 10).max(super::MIN_HEIGHT),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (head, body) = root.split_vertically(HEADER);
        super::title(&head, &self.title, "")?;
        let band = self.time.band;
        let (first, rest) = body.split_vertically(band + PANEL);
        let (second, third) = if self.mak.is_empty() {
            (rest.clone(), rest.clone())
        } else {
            rest.split_vertically(PANEL)
        };
        self.panel(
            root,
            &first,
            &format!(
                "Requests answered per hour, per KMS host (average over each {})",
                self.interval
            ),
            "requests per hour",
            &self.per_host,
            palette::series,
            band,
        )?;
        self.panel(
            root,
            &second,
            &format!(
                "Attempts that did not succeed, by outcome, per {}",
                self.interval
            ),
            "attempts",
            &self.by_code,
            |i| palette::series(i + 1),
            0,
        )?;
        if !self.mak.is_empty() {
            self.panel(
                root,
                &third,
                "MAK activations left, per key (MAK-1: at zero, activation fails with 0xC004C020)",
                "activations left",
                &self.mak,
                |i| palette::series(i + 6),
                0,
            )?;
        }
        Ok(())
    }
}
