//! `sweep.svg/.png`: each headline metric against the first swept parameter, one line per
//! combination of the other parameters, with its 95% confidence band.

#![allow(clippy::indexing_slicing)] // indices are positions in results and statistics the sweep itself allocated, one per unit and metric

use super::Shape;
use super::metrics::HEADLINE;
use super::stats::Welford;
use crate::report::chart::{
    Chart, DrawResult, Swatch, WIDTH, legend, palette, text, title, x_tick,
};
use crate::scenario::duration;
use plotters::coord::Shift;
use plotters::prelude::*;

const HEIGHT: u32 = 950;

/// One x position: the value, the mean there and its 95% interval.
type Point = (f64, Option<f64>, Option<(f64, f64)>);

struct Series {
    label: String,
    points: Vec<Point>,
}

struct Panel {
    metric: String,
    series: Vec<Series>,
}

pub struct SweepChart {
    parameter: String,
    /// Tick labels of the x positions (the first parameter's values).
    labels: Vec<String>,
    xs: Vec<f64>,
    panels: Vec<Panel>,
    subtitle: String,
}

/// A value's position on the x axis: a number, a duration in days, or None.
fn numeric(v: &str) -> Option<f64> {
    v.parse::<f64>()
        .ok()
        .or_else(|| duration::parse(v).ok().map(|d| d.0 as f64 / 86_400.0))
}

impl SweepChart {
    pub fn new(shape: &Shape, names: &[&str], stats: &[Vec<Welford>]) -> Self {
        let first = &shape.sets[0];
        let numbers: Option<Vec<f64>> = first.values.iter().map(|v| numeric(v)).collect();
        let xs = numbers.unwrap_or_else(|| (0..first.values.len()).map(|i| i as f64).collect());
        let per_first = shape.combinations() / first.values.len() as u64;
        let panels = HEADLINE
            .iter()
            .filter_map(|m| names.iter().position(|n| n == m).map(|i| (m, i)))
            .map(|(metric, i)| Panel {
                metric: metric.to_string(),
                series: (0..per_first)
                    .map(|rest| {
                        let label = shape.sets[1..]
                            .iter()
                            .zip(&shape.params(rest)[1..])
                            .map(|(set, value)| {
                                format!("{} {value}", super::path::words(&set.path))
                            })
                            .collect::<Vec<_>>()
                            .join(", ");
                        Series {
                            label,
                            points: (0..first.values.len() as u64)
                                .map(|x| {
                                    let w = &stats[(x * per_first + rest) as usize][i];
                                    (xs[x as usize], w.mean(), w.ci95())
                                })
                                .collect(),
                        }
                    })
                    .collect(),
            })
            .collect();
        let others: Vec<String> = shape.sets[1..]
            .iter()
            .map(|s| super::path::words(&s.path))
            .collect();
        SweepChart {
            parameter: super::path::words(&first.path),
            labels: first.values.clone(),
            xs,
            panels,
            subtitle: format!(
                "mean of {} replication{} per point, 95% confidence band{}",
                shape.replications,
                if shape.replications == 1 { "" } else { "s" },
                if others.is_empty() {
                    String::new()
                } else {
                    format!("; one line per {}", others.join(", "))
                }
            ),
        }
    }

    fn panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        area: &DrawingArea<DB, Shift>,
        panel: &Panel,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let values = panel
            .series
            .iter()
            .flat_map(|s| &s.points)
            .flat_map(|(_, m, ci)| {
                m.iter()
                    .copied()
                    .chain(ci.iter().flat_map(|(lo, hi)| [*lo, *hi]))
            });
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let (lo, hi) = if lo.is_finite() {
            (lo.min(0.0), hi)
        } else {
            (0.0, 1.0)
        };
        // A flat metric (all zero, say) still gets a readable axis.
        let hi = if hi - lo < 1e-9 { lo + 1.0 } else { hi };
        let pad = (hi - lo) * 0.08;
        let x_min = self.xs.iter().copied().fold(f64::INFINITY, f64::min);
        let x_max = self.xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let x_pad = ((x_max - x_min) * 0.05).max(0.5);
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.metric, text(18, palette::INK))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d((x_min - x_pad)..(x_max + x_pad), lo..(hi + pad))?;
        let y_max = hi + pad;
        chart
            .configure_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&|v| tick_label(*v, (y_max - lo) / 6.0))
            .x_desc(&self.parameter)
            .label_style(text(14, palette::INK))
            .axis_desc_style(text(14, palette::MARKER))
            .light_line_style(TRANSPARENT)
            .bold_line_style(palette::GRID)
            .draw()?;
        // The swept values themselves as x ticks.
        for (x, label) in self.xs.iter().zip(&self.labels) {
            x_tick(root, chart.backend_coord(&(*x, lo)), label.clone())?;
        }
        for (i, s) in panel.series.iter().enumerate() {
            let colour = palette::series(i);
            let band: Vec<(f64, f64, f64)> = s
                .points
                .iter()
                .filter_map(|(x, _, ci)| ci.map(|(l, h)| (*x, l, h)))
                .collect();
            if band.len() > 1 {
                let polygon: Vec<(f64, f64)> = band
                    .iter()
                    .map(|(x, _, h)| (*x, *h))
                    .chain(band.iter().rev().map(|(x, l, _)| (*x, *l)))
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(
                    polygon,
                    colour.mix(0.18).filled(),
                )))?;
            }
            for (x, l, h) in &band {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(*x, *l), (*x, *h)],
                    colour.stroke_width(1),
                )))?;
            }
            let means: Vec<(f64, f64)> = s
                .points
                .iter()
                .filter_map(|(x, m, _)| m.map(|m| (*x, m)))
                .collect();
            chart.draw_series(LineSeries::new(means.clone(), colour.stroke_width(3)))?;
            chart.draw_series(means.iter().map(|p| Circle::new(*p, 4, colour.filled())))?;
        }
        Ok(())
    }
}

/// A y tick label with just enough decimals to tell ticks `step` apart (0.25 → 2 places,
/// 40 → none): never six ticks that all read "0.00".
fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step > 0.0 && step.is_finite() {
        (-step.log10().floor()).clamp(0.0, 6.0) as usize
    } else {
        0
    };
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    format!("{v:.decimals$}")
}

impl Chart for SweepChart {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let (head, body) = root.split_vertically(110);
        title(
            &head,
            &format!("Sweep over {}", self.parameter),
            &self.subtitle,
        )?;
        let entries: Vec<(Swatch, String)> = self
            .panels
            .first()
            .map(|p| {
                p.series
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| !s.label.is_empty())
                    .map(|(i, s)| (Swatch::Line(palette::series(i)), s.label.clone()))
                    .collect()
            })
            .unwrap_or_default();
        legend(&head, (26, 88), &entries)?;
        for (area, panel) in body.split_evenly((2, 2)).iter().zip(&self.panels) {
            self.panel(root, area, panel)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::tick_label;

    #[test]
    fn tick_labels_tell_ticks_apart() {
        assert_eq!(tick_label(0.25, 0.2), "0.2");
        assert_eq!(tick_label(0.0025, 0.0005), "0.0025");
        assert_eq!(tick_label(1200.0, 200.0), "1200");
        assert_eq!(tick_label(-0.0, 0.1), "0.0");
        let ticks: Vec<String> = (0..6)
            .map(|i| tick_label(f64::from(i) * 0.002, 0.002))
            .collect();
        let mut distinct = ticks.clone();
        distinct.dedup();
        assert_eq!(ticks, distinct);
    }
}
