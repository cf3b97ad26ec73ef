//! What every chart shares: the time axis (calendar dates when the scenario has a `start`,
//! days otherwise) and the timeline events drawn as labelled vertical markers.

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use super::{DrawResult, palette, text};
use crate::model::Model;
use crate::report::words;
use chrono::{Datelike, Days, Months, NaiveDate};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// The x axis: simulated days from 0 to the end of the run.
#[derive(Debug, Clone, Copy)]
pub struct TimeAxis {
    pub end: f64,
    pub start: Option<NaiveDate>,
}

impl TimeAxis {
    pub fn of(model: &Model) -> Self {
        TimeAxis {
            end: model.duration as f64 / 86_400.0,
            start: model.start,
        }
    }

    /// A tick label: "Mar 14" (with the year when the run spans more than a year) or "day 30".
    pub fn label(&self, day: f64) -> String {
        match self.start {
            Some(start) => {
                let date = start
                    .checked_add_days(Days::new(day.max(0.0).floor() as u64))
                    .unwrap_or(start);
                date.format("%b %-d").to_string()
            }
            None => format!("day {}", day.round()),
        }
    }

    /// Tick positions and labels: month starts (or every few months) with a calendar, round
    /// day counts without; at most about a dozen.
    pub fn ticks(&self) -> Vec<(f64, String)> {
        let end = self.end;
        match self.start {
            Some(start) if end > 62.0 => {
                let months = [1u32, 2, 3, 6, 12]
                    .into_iter()
                    .find(|m| end / (30.4 * f64::from(*m)) <= 12.0)
                    .unwrap_or(24);
                // The start date itself, then month starts not too close to it.
                let mut out = vec![(0.0, start.format("%b %-d %Y").to_string())];
                let mut month = start.with_day(1).unwrap_or(start);
                if month < start {
                    month = month + Months::new(1);
                }
                while let Ok(day) = u64::try_from((month - start).num_days()) {
                    let d = day as f64;
                    if d > end {
                        break;
                    }
                    if month.month0() % months == 0 && d > end / 25.0 {
                        let format = if month.month() == 1 { "%b %Y" } else { "%b" };
                        out.push((d, month.format(format).to_string()));
                    }
                    month = month + Months::new(1);
                }
                out
            }
            _ => {
                let step = [1.0, 2.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0, 730.0]
                    .into_iter()
                    .find(|s| end / s <= 12.0)
                    .unwrap_or(1825.0);
                (0..)
                    .map(|i| f64::from(i) * step)
                    .take_while(|&d| d <= end)
                    .map(|d| (d, self.label(d)))
                    .collect()
            }
        }
    }
}

/// What every time chart of a run shares: the axis, the sample days, the timeline markers
/// and the height of the band their labels need above the first panel.
pub struct Timeline {
    pub axis: TimeAxis,
    pub days: Vec<f64>,
    pub markers: Vec<(f64, String)>,
    pub band: u32,
}

impl Timeline {
    pub fn new(model: &Model, tables: &crate::report::tables::RunTables) -> Self {
        let axis = TimeAxis::of(model);
        let markers = markers(model);
        let rows = label_rows_needed(&markers, &axis, f64::from(super::WIDTH - 130));
        Timeline {
            axis,
            days: tables.days().collect(),
            markers,
            band: (rows * LABEL_ROW) as u32 + 4,
        }
    }
}

/// Timeline events, merged per instant: (day, "kms1 down; kms1 restarted").
pub fn markers(model: &Model) -> Vec<(f64, String)> {
    let mut out: Vec<(f64, String)> = Vec::new();
    for e in &model.timeline {
        let day = e.at as f64 / 86_400.0;
        let label = words::action(model, &e.action);
        match out.last_mut() {
            Some((d, l)) if *d == day => {
                l.push_str("; ");
                l.push_str(&label);
            }
            _ => out.push((day, label)),
        }
    }
    out
}

/// The y range of a line chart up to `y_max`: from a little below zero, so that a line at
/// zero is drawn clear of the axis instead of on it.
pub fn lines_up_to(y_max: f64) -> std::ops::Range<f64> {
    -0.03 * y_max..y_max
}

/// The frame of a time chart on `area`: the plotting area below a heading line (and `band`
/// pixels of marker labels), the y axis over `ys` (from 0, or a little below so that a line
/// at zero stands clear of the axis) described by `y_desc`, the time ticks along the bottom,
/// light horizontal grid lines.
pub fn frame<'a, DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &'a DrawingArea<DB, Shift>,
    axis: &TimeAxis,
    (heading, top): (&str, u32),
    ys: std::ops::Range<f64>,
    y_desc: &str,
) -> Result<Cartesian<'a, DB>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    area.draw(&Text::new(
        heading.to_owned(),
        (96, 4),
        text(18, palette::INK),
    ))?;
    let mut chart = ChartBuilder::on(area)
        .margin_top(top)
        .margin_right(40)
        .margin_left(10)
        .margin_bottom(4)
        .x_label_area_size(30)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..axis.end, ys.clone())?;
    let (y_min, y_max) = (ys.start, ys.end);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&|v| {
            if *v < 0.0 {
                String::new()
            } else {
                super::y_value(*v, y_max, 1)
            }
        })
        .y_desc(y_desc)
        .label_style(text(14, palette::INK))
        .axis_desc_style(text(14, palette::MARKER))
        .light_line_style(TRANSPARENT)
        .bold_line_style(palette::GRID)
        .draw()?;
    for (day, label) in axis.ticks() {
        chart.draw_series(LineSeries::new(
            [(day, y_min), (day, y_max)],
            palette::GRID.stroke_width(1),
        ))?;
        super::x_tick(root, chart.backend_coord(&(day, y_min)), label)?;
    }
    Ok(chart)
}

/// The most markers labelled; later ones are drawn as lines only.
const MAX_LABELS: usize = 14;
/// Height of one row of marker labels.
pub const LABEL_ROW: i32 = 20;

/// Rows for marker labels so that no two labels in a row overlap: (row, x, width) per
/// labelled marker, greedily, in time order.
fn label_rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    xs: &[(i32, &str)],
) -> Result<Vec<usize>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let style = text(14, palette::INK);
    let mut row_ends: Vec<i32> = Vec::new();
    let mut rows = Vec::new();
    for (x, label) in xs.iter().take(MAX_LABELS) {
        let (w, _) = area.estimate_text_size(label, &style)?;
        let row = row_ends
            .iter()
            .position(|&end| end + 12 < *x)
            .unwrap_or(row_ends.len());
        if row == row_ends.len() {
            row_ends.push(0);
        }
        row_ends[row] = x + 4 + w as i32;
        rows.push(row);
    }
    Ok(rows)
}

/// How many label rows the markers need over a plot `width` pixels wide: a first estimate
/// for reserving space (7 px per character).
pub fn label_rows_needed(markers: &[(f64, String)], axis: &TimeAxis, width: f64) -> i32 {
    let mut row_ends: Vec<f64> = Vec::new();
    for (day, label) in markers.iter().take(MAX_LABELS) {
        let x = day / axis.end.max(1e-9) * width;
        let w = label.chars().count() as f64 * 7.5;
        match row_ends.iter().position(|&end| end + 12.0 < x) {
            Some(r) => row_ends[r] = x + 4.0 + w,
            None => row_ends.push(x + 4.0 + w),
        }
    }
    row_ends.len() as i32
}

pub type Cartesian<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws the markers as dashed vertical lines across the plotting area of `chart`.
pub fn draw_marker_lines<DB: DrawingBackend>(
    chart: &mut Cartesian<'_, DB>,
    markers: &[(f64, String)],
    y_max: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let floor = chart.y_range().start;
    for (day, _) in markers {
        chart.draw_series(DashedLineSeries::new(
            [(*day, floor), (*day, y_max)],
            6,
            4,
            palette::MARKER.stroke_width(1),
        ))?;
    }
    Ok(())
}

/// Writes the marker labels above the plotting area of `chart`, on `root`, in staggered
/// rows ending just above `top` (the plotting area's top edge).
pub fn draw_marker_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Cartesian<'_, DB>,
    markers: &[(f64, String)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (_, top) = chart.backend_coord(&(0.0, chart.y_range().end));
    let xs: Vec<(i32, &str)> = markers
        .iter()
        .map(|(d, l)| (chart.backend_coord(&(*d, 0.0)).0, l.as_str()))
        .collect();
    let rows = label_rows(root, &xs)?;
    for ((x, label), row) in xs.iter().zip(rows) {
        // Row 0 sits just above the plot; each label has a short bar at its instant.
        let y = top - (row as i32 + 1) * LABEL_ROW;
        root.draw(&PathElement::new(
            vec![(*x, y + 1), (*x, y + LABEL_ROW - 3)],
            palette::MARKER.stroke_width(2),
        ))?;
        root.draw(&Text::new(
            label.to_string(),
            (*x + 4, y + 1),
            text(14, palette::INK),
        ))?;
    }
    Ok(())
}
