//! `kms-count.svg/.png`: each host's count per pool over time, with the products'
//! thresholds as dashed lines labelled with their products and the table's capacity
//! (2 × the highest threshold, KMS-COUNT-4) as a dotted one. One panel per pool that any
//! fleet uses. Reference lines are drawn first and thin, the counts on top and thick, so a
//! count running along a threshold stays visible; the y axis starts a little below zero so
//! a host at zero is not lost in the axis; a host that does not exist yet (or any more) has
//! no line there.

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

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
    /// Distinct thresholds of the products in this pool that fleets use, ascending, each
    /// with the names of those products.
    thresholds: Vec<(u32, Vec<String>)>,
    /// `[host][sample]`; None while the host does not exist.
    counts: Vec<Vec<Option<f64>>>,
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
                let mut thresholds: Vec<(u32, Vec<String>)> = Vec::new();
                for f in &model.fleets {
                    let product = &model.products[f.product];
                    if product.pool != pool {
                        continue;
                    }
                    match thresholds.iter_mut().find(|(t, _)| *t == product.threshold) {
                        Some((_, names)) if names.contains(&product.name) => {}
                        Some((_, names)) => names.push(product.name.clone()),
                        None => thresholds.push((product.threshold, vec![product.name.clone()])),
                    }
                }
                thresholds.sort_by_key(|(t, _)| *t);
                let p = pool.index();
                let counts: Vec<Vec<Option<f64>>> = tables
                    .hosts
                    .iter()
                    .map(|h| h[p].iter().map(|s| s.count.map(|c| c as f64)).collect())
                    .collect();
                let used = !thresholds.is_empty()
                    || counts.iter().flatten().any(|&c| c.is_some_and(|c| c > 0.0));
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
            hosts: model
                .kms
                .hosts
                .enumerate()
                .map(|(id, h)| legend_name(model, id, &h.name))
                .collect(),
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
        let capacity = panel.thresholds.last().map(|&(t, _)| f64::from(2 * t));
        let highest = panel
            .counts
            .iter()
            .flatten()
            .flatten()
            .fold(0.0f64, |a, &b| a.max(b));
        let y_max = (capacity.unwrap_or(0.0).max(highest) * 1.08).max(1.0);
        let mut chart = axis::frame(
            root,
            area,
            &self.time.axis,
            (panel.name, 30 + band),
            axis::lines_up_to(y_max),
            "count (machines seen in the last 30 days)",
        )?;
        axis::draw_marker_lines(&mut chart, &self.time.markers, y_max)?;
        // Reference lines first and thin: the counts, drawn next, often run along them.
        let label = text(14, palette::MARKER);
        let end = self.time.axis.end;
        for (t, products) in &panel.thresholds {
            let y = f64::from(*t);
            chart.draw_series(DashedLineSeries::new(
                [(0.0, y), (end, y)],
                10,
                6,
                palette::MARKER.stroke_width(1),
            ))?;
            let words = format!("threshold {t}: {}", products.join(", "));
            right_label(root, &chart, (end, y), words, &label)?;
        }
        if let Some(c) = capacity {
            chart.draw_series(DottedLineSeries::new([(0.0, c), (end, c)], 0, 7, |p| {
                Circle::new(p, 1, palette::MARKER.filled())
            }))?;
            right_label(root, &chart, (end, c), format!("capacity {c}"), &label)?;
        }
        for (h, counts) in panel.counts.iter().enumerate() {
            // One line per stretch of samples while the host exists.
            let mut run: Vec<(f64, f64)> = Vec::new();
            let points = self.time.days.iter().copied().zip(counts.iter().copied());
            for (day, count) in points.chain([(f64::NAN, None)]) {
                match count {
                    Some(c) => run.push((day, c)),
                    None if !run.is_empty() => {
                        chart.draw_series(LineSeries::new(
                            run.drain(..),
                            palette::series(h).stroke_width(3),
                        ))?;
                    }
                    None => {}
                }
            }
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
        entries.push((Swatch::Dashed(palette::MARKER), "threshold".into()));
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

/// A host's legend entry: its name, and when it was built or decommissioned during the run.
fn legend_name(model: &Model, id: crate::model::HostId, name: &str) -> String {
    use crate::model::{ActionModel, KmsAction};
    let mut when = Vec::new();
    for e in &model.timeline {
        match e.action {
            ActionModel::Kms(KmsAction::AddHost(h)) if h == id => when.push(format!(
                "built {}",
                crate::report::words::short_time(Some(e.at))
            )),
            ActionModel::Kms(KmsAction::RemoveHost(h)) if h == id => when.push(format!(
                "removed {}",
                crate::report::words::short_time(Some(e.at))
            )),
            _ => {}
        }
    }
    if when.is_empty() {
        name.to_owned()
    } else {
        format!("{name} ({})", when.join(", "))
    }
}

/// Writes `words` just above the right end of a reference line at `at`, right-aligned.
fn right_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &axis::Cartesian<'_, DB>,
    at: (f64, f64),
    words: String,
    style: &TextStyle<'_>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (x, y) = chart.backend_coord(&at);
    let (w, _) = root.estimate_text_size(&words, style)?;
    root.draw(&Text::new(words, (x - w as i32 - 6, y - 18), style.clone()))?;
    Ok(())
}
