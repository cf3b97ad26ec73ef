//! `compare.svg/.png`: per fleet, the licensed share over time of the base (dashed grey)
//! and the candidate (solid blue); below, the requests per hour of all hosts together.

#![allow(clippy::indexing_slicing)] // indices are positions in series of the same run, of equal lengths

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
    /// The fleets not drawn, in words.
    left_out: Vec<String>,
    /// The legend's names of the two runs.
    names: [String; 2],
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
        // Fleets in both runs, those the change moved most first (the largest gap between
        // the licensed shares at any sample); the chart says which it leaves out and why.
        let mut common: Vec<(f64, Panel)> = bt
            .fleets
            .iter()
            .filter(|(name, _)| candidate.fleets.iter().any(|g| &g.name == name))
            .map(|(name, _)| {
                let (b, c) = (shares(bt, name), shares(ct, name));
                let gap = b
                    .iter()
                    .zip(&c)
                    .map(|(x, y)| (x - y).abs())
                    .fold(0.0f64, f64::max);
                let panel = Panel {
                    title: format!("{name}: licensed share"),
                    y_desc: "licensed share",
                    base: b,
                    candidate: c,
                };
                (gap, panel)
            })
            .collect();
        common.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut left_out: Vec<String> = Vec::new();
        if common.len() > MAX_PANELS {
            let names: Vec<String> = common[MAX_PANELS..]
                .iter()
                .map(|(_, p)| p.title.trim_end_matches(": licensed share").to_owned())
                .collect();
            left_out.push(format!("not drawn (changed least): {}", names.join(", ")));
            common.truncate(MAX_PANELS);
        }
        let only = |a: &RunTables, b: &Model, which: &str| {
            let names: Vec<&str> = a
                .fleets
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| !b.fleets.iter().any(|g| g.name == *n))
                .collect();
            (!names.is_empty()).then(|| format!("only in the {which}: {}", names.join(", ")))
        };
        left_out.extend(only(bt, candidate, "base"));
        left_out.extend(only(ct, base, "candidate"));
        let mut panels: Vec<Panel> = common.into_iter().map(|(_, p)| p).collect();
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
            left_out,
            names: ["base".into(), "candidate".into()],
        }
    }

    /// The same chart with its own title and names for the two runs (`actsim advise`:
    /// current and advised plans).
    pub fn labelled(mut self, title: String, base: &str, candidate: &str) -> Self {
        self.title = title;
        self.names = [base.to_owned(), candidate.to_owned()];
        self
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
        let mut subtitle = "same seeds and random streams; replication 0".to_owned();
        for words in &self.left_out {
            subtitle.push_str("; ");
            subtitle.push_str(words);
        }
        title(&head, &self.title, &subtitle)?;
        legend(
            &head,
            (26, 84),
            &[
                (Swatch::Dashed(BASE), self.names[0].clone()),
                (Swatch::Line(CANDIDATE), self.names[1].clone()),
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
            let mut chart = axis::frame(
                root,
                area,
                &self.axis,
                (&p.title, 30),
                axis::lines_up_to(y_max),
                p.y_desc,
            )?;
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
