//! `compare.svg/.png`: per fleet, the licensed share over time of the base (dashed grey)
//! and the candidate (solid blue); below, the requests per hour of all hosts together.

use crate::model::Model;
use crate::report::chart::axis::{self, TimeAxis};
use crate::report::chart::{Chart, DrawResult, MIN_HEIGHT, Swatch, WIDTH, legend, palette, title};
use crate::report::tables::RunTables;
use plotters::coord::Shift;
use plotters::prelude::*;

const HEADER: u32 = 100;
const PANEL: u32 = 230;
const MAX_PANELS: usize = 6;
const BASE: RGBColor = RGBColor(0x77, 0x77, 0x77);
const CANDIDATE: RGBColor = palette::SERIES[0];

struct Panel {
    title: String,
    y_desc: &'static str,
    base: Vec<f64>,
    candidate: Vec<f64>,
}

pub struct CompareChart {
    title: String,
    axis: TimeAxis,
    base_days: Vec<f64>,
    candidate_days: Vec<f64>,
    panels: Vec<Panel>,
}

fn shares(tables: &RunTables, fleet: &str) -> Vec<f64> {
    tables
        .fleets
        .iter()
        .find(|(name, _)| name == fleet)
        .map(|(_, rows)| rows.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let set = crate::model::StateSet::Windows;
            let present: u64 = r[..set.names().len()].iter().sum();
            if present == 0 {
                0.0
            } else {
                set.licensed_in(r) as f64 / present as f64
            }
        })
        .collect()
}

fn requests_per_hour(model: &Model, tables: &RunTables) -> Vec<f64> {
    let hours = model.sample_every as f64 / 3_600.0;
    (0..tables.times.len())
        .map(|i| {
            let n: u64 = tables
                .hosts
                .iter()
                .flatten()
                .map(|pool| pool[i].requests)
                .sum();
            n as f64 / hours
        })
        .collect()
}

impl CompareChart {
    pub fn new(base: &Model, candidate: &Model, bt: &RunTables, ct: &RunTables) -> Self {
        let mut panels: Vec<Panel> = bt
            .fleets
            .iter()
            .filter_map(|(name, _)| {
                candidate.fleets.iter().find(|g| &g.name == name)?;
                Some(Panel {
                    title: format!("{name}: licensed share"),
                    y_desc: "licensed share",
                    base: shares(bt, name),
                    candidate: shares(ct, name),
                })
            })
            .take(MAX_PANELS)
            .collect();
        panels.push(Panel {
            title: "all KMS hosts: requests answered per hour".into(),
            y_desc: "requests per hour",
            base: requests_per_hour(base, bt),
            candidate: requests_per_hour(candidate, ct),
        });
        let axis = TimeAxis {
            end: (base.duration.max(candidate.duration)) as f64 / 86_400.0,
            start: base.start,
        };
        CompareChart {
            title: format!("{} — compared", base.name),
            axis,
            base_days: bt.days().collect(),
            candidate_days: ct.days().collect(),
            panels,
        }
    }

    /// Each panel's height and the whole chart's.
    fn heights(&self) -> (u32, u32) {
        crate::report::chart::stacked(self.panels.len(), HEADER, PANEL)
    }
}

impl Chart for CompareChart {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.heights().1.max(MIN_HEIGHT))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (head, body) = root.split_vertically(HEADER);
        title(
            &head,
            &self.title,
            "same seeds and random streams; replication 0",
        )?;
        legend(
            &head,
            (26, 84),
            &[
                (Swatch::Dashed(BASE), "base".into()),
                (Swatch::Line(CANDIDATE), "candidate".into()),
            ],
        )?;
        let (h, _) = self.heights();
        let (body, _) = body.split_vertically(h * self.panels.len() as u32);
        for (area, p) in body
            .split_evenly((self.panels.len(), 1))
            .iter()
            .zip(&self.panels)
        {
            let top = p
                .base
                .iter()
                .chain(&p.candidate)
                .fold(0.0f64, |a, &b| a.max(b));
            let y_max = (top * 1.08).max(if p.y_desc == "licensed share" {
                1.05
            } else {
                1.0
            });
            let mut chart = axis::frame(root, area, &self.axis, (&p.title, 30), y_max, p.y_desc)?;
            chart.draw_series(DashedLineSeries::new(
                self.base_days.iter().copied().zip(p.base.iter().copied()),
                8,
                5,
                BASE.stroke_width(3),
            ))?;
            chart.draw_series(LineSeries::new(
                self.candidate_days
                    .iter()
                    .copied()
                    .zip(p.candidate.iter().copied()),
                CANDIDATE.stroke_width(2),
            ))?;
        }
        Ok(())
    }
}
