//! `activation.svg/.png`: the licence states of each fleet over time, stacked, one panel per
//! fleet, with the offline count as a dashed line and the timeline events as markers.
//! `ksc.svg/.png` is the same chart for Kaspersky-managed devices (their key states), with a
//! last panel of each licence key's use against its device limit and the 90/100/110 %
//! bands at which the server raises its events (KSC-10).

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use super::axis::{self, Timeline};
use super::{Chart, DrawResult, Swatch, WIDTH, palette};
use crate::model::{Model, StateSet};
use crate::observe::MAX_COLUMNS;
use crate::report::findings::{Finding, Severity};
use crate::report::tables::RunTables;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Beyond this many fleets, the largest get a panel each and the rest share one.
const MAX_PANELS: usize = 6;
const HEADER: u32 = 100;
const PANEL: u32 = 250;

/// How one family of states is drawn: the stack bottom to top (column, colour, legend).
struct Look {
    stack: Vec<(usize, RGBColor, &'static str)>,
    offline: usize,
    subtitle: &'static str,
    /// What the counted things are called ("machines", "devices").
    things: &'static str,
}

impl Look {
    fn of(set: StateSet) -> Look {
        let colour = palette::state(set);
        // Good states at the bottom, the worst on top.
        let (order, names): (&[usize], [&'static str; 4]) = match set {
            StateSet::Windows => (
                &[1, 0, 2, 3],
                [
                    "initial grace",
                    "licensed",
                    "out-of-tolerance grace",
                    "notification",
                ],
            ),
            StateSet::Ksc => (
                &[1, 2, 0, 3],
                [
                    "no key",
                    "active key",
                    "active and reserve key",
                    "expired (limited mode)",
                ],
            ),
        };
        Look {
            stack: order.iter().map(|&i| (i, colour[i], names[i])).collect(),
            offline: set.names().len(),
            subtitle: match set {
                StateSet::Windows => "Licence state of every machine over time",
                StateSet::Ksc => "Kaspersky licence keys of every managed device over time",
            },
            things: match set {
                StateSet::Windows => "machines",
                StateSet::Ksc => "devices",
            },
        }
    }
}

type Rows = Vec<[u64; MAX_COLUMNS]>;

struct Panel {
    title: String,
    rows: Rows,
    /// What is wrong with the fleet (findings.rs), written in red under the title.
    problem: Option<String>,
    /// Machines at risk per sample (renewal overdue), drawn as a red line when any.
    risk: Vec<u64>,
    /// 0: a problem, 1: a note, 2: nothing found (findings.rs).
    rank: u8,
}

/// How troubled a fleet is, for the order of panels: problems, then notes, then the rest.
fn trouble(findings: &[Finding], fleet: &str) -> (u8, Option<String>) {
    let mine = findings.iter().filter(|f| f.subject == fleet);
    let mut rank = 2;
    let mut problem = None;
    for f in mine {
        match f.severity {
            Severity::Problem => {
                rank = 0;
                problem.get_or_insert_with(|| f.text.clone());
            }
            Severity::Note => rank = rank.min(1),
        }
    }
    (rank, problem)
}

/// A licence key's share of its device limit in use, per sample (KSC-10).
struct Usage {
    name: String,
    shares: Vec<f64>,
}

pub struct Activation {
    title: String,
    look: Look,
    time: Timeline,
    panels: Vec<Panel>,
    usage: Vec<Usage>,
}

fn peak(look: &Look, rows: &[[u64; MAX_COLUMNS]]) -> u64 {
    rows.iter()
        .map(|r| look.stack.iter().map(|&(i, _, _)| r[i]).sum::<u64>())
        .max()
        .unwrap_or(0)
}

/// Kaspersky-managed devices and licence keys: `ksc.svg/.png`.
pub struct Ksc;

impl Ksc {
    #[allow(clippy::new_ret_no_self)]
    pub fn new(model: &Model, tables: &RunTables, findings: &[Finding]) -> Activation {
        let mut chart = Activation::of(
            model,
            tables,
            (&tables.ksc_fleets, &[]),
            Look::of(StateSet::Ksc),
            findings,
        );
        chart.usage = tables
            .ksc_keys
            .iter()
            .map(|(name, devices, used)| Usage {
                name: format!("{name} ({devices} devices)"),
                shares: used
                    .iter()
                    .map(|&(a, r)| (a + r) as f64 / (*devices).max(1) as f64)
                    .collect(),
            })
            .collect();
        chart
    }
}

impl Activation {
    pub fn new(model: &Model, tables: &RunTables, findings: &[Finding]) -> Self {
        Self::of(
            model,
            tables,
            (&tables.fleets, &tables.risk),
            Look::of(StateSet::Windows),
            findings,
        )
    }

    /// Panels for `fleets` (with machines at risk per sample, when known). Fleets with a
    /// problem come first, in file order, then the others; beyond `MAX_PANELS`, the
    /// trouble-free largest get their own panel and the rest share one — a fleet with a
    /// finding is never lumped in there.
    fn of(
        model: &Model,
        tables: &RunTables,
        (fleets, risk): (&[(String, Rows)], &[Vec<u64>]),
        look: Look,
        findings: &[Finding],
    ) -> Self {
        let panel = |title: String, rows: Rows, risk: Vec<u64>, rank: u8, problem| Panel {
            title: format!("{title}: up to {} {}", peak(&look, &rows), look.things),
            rows,
            problem,
            risk,
            rank,
        };
        let mut panels: Vec<Panel> = fleets
            .iter()
            .enumerate()
            .map(|(i, (name, rows))| {
                let risk = risk.get(i).cloned().unwrap_or_default();
                let (rank, problem) = trouble(findings, name);
                panel(name.clone(), rows.clone(), risk, rank, problem)
            })
            .collect();
        // Problems first; stable, so equal fleets keep file order.
        panels.sort_by_key(|p| p.rank.min(1));
        if panels.len() > MAX_PANELS {
            // Troubled fleets first, then by size; the rest (all trouble-free) summed.
            panels.sort_by_key(|p| (p.rank, std::cmp::Reverse(peak(&look, &p.rows))));
            let troubled = panels.iter().take_while(|p| p.rank < 2).count();
            let rest = panels.split_off(troubled.max(MAX_PANELS - 1).min(panels.len()));
            if !rest.is_empty() {
                let mut sum = vec![[0u64; MAX_COLUMNS]; tables.times.len()];
                for p in &rest {
                    for (s, r) in sum.iter_mut().zip(&p.rows) {
                        for c in 0..MAX_COLUMNS {
                            s[c] += r[c];
                        }
                    }
                }
                let names: Vec<&str> = rest
                    .iter()
                    .map(|p| p.title.split(": up to ").next().unwrap_or_default())
                    .collect();
                let mut title = format!("other {} fleets: {}", rest.len(), names.join(", "));
                if title.chars().count() > 80 {
                    title = title.chars().take(77).collect::<String>() + "…";
                }
                panels.push(panel(title, sum, Vec::new(), 2, None));
            }
        }
        Activation {
            title: model.name.clone(),
            look,
            time: Timeline::new(model, tables),
            panels,
            usage: Vec::new(),
        }
    }

    /// The panels drawn: one per fleet, and the key usage panel if any.
    fn panel_count(&self) -> usize {
        self.panels.len() + usize::from(!self.usage.is_empty())
    }

    /// Each panel's height and the whole chart's.
    fn heights(&self) -> (u32, u32) {
        super::stacked(self.panel_count(), HEADER + self.time.band, PANEL)
    }

    /// KSC-10: each key's share of its device limit in use, against the 90 / 100 / 110 %
    /// bands of the server's Info, Warning and Critical events.
    fn usage_panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        area: &DrawingArea<DB, Shift>,
        band: u32,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let highest = self
            .usage
            .iter()
            .flat_map(|u| &u.shares)
            .fold(0.0f64, |a, &b| a.max(b));
        let y_max = (highest * 1.05).max(1.2);
        let mut chart = axis::frame(
            root,
            area,
            &self.time.axis,
            (
                "Licence keys: devices in use as a share of the device limit",
                60 + band,
            ),
            axis::lines_up_to(y_max),
            "share of the limit",
        )?;
        for (level, label) in [
            (0.9, "Info 90 %"),
            (1.0, "Warning 100 %"),
            (1.1, "Critical 110 %"),
        ] {
            let colour = if level < 1.0 {
                palette::MARKER
            } else {
                palette::STATE[3]
            };
            chart.draw_series(DashedLineSeries::new(
                [(0.0, level), (self.time.axis.end, level)],
                8,
                5,
                colour.stroke_width(1),
            ))?;
            chart.draw_series(std::iter::once(Text::new(
                label,
                (self.time.axis.end * 0.995, level),
                super::text(13, colour).pos(Pos::new(HPos::Right, VPos::Bottom)),
            )))?;
        }
        for (i, u) in self.usage.iter().enumerate() {
            chart.draw_series(LineSeries::new(
                self.time.days.iter().copied().zip(u.shares.iter().copied()),
                palette::series(i).stroke_width(3),
            ))?;
        }
        let entries: Vec<(Swatch, String)> = self
            .usage
            .iter()
            .enumerate()
            .map(|(i, u)| (Swatch::Line(palette::series(i)), u.name.clone()))
            .collect();
        super::legend(area, (96, 42 + band as i32), &entries)?;
        axis::draw_marker_lines(&mut chart, &self.time.markers, y_max)?;
        if band > 0 {
            axis::draw_marker_labels(root, &chart, &self.time.markers)?;
        }
        Ok(())
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
        let y_max = (peak(&self.look, &panel.rows) as f64 * 1.05).max(1.0);
        // A fleet with a problem says what it is, in red, under its title.
        let extra = if panel.problem.is_some() {
            PROBLEM_LINE
        } else {
            0
        };
        let mut chart = axis::frame(
            root,
            area,
            &self.time.axis,
            (&panel.title, 30 + extra + band),
            0.0..y_max,
            self.look.things,
        )?;
        if let Some(problem) = &panel.problem {
            let mut words: String = problem.chars().take(PROBLEM_CHARS).collect();
            if problem.chars().count() > PROBLEM_CHARS {
                words.push('…');
            }
            area.draw(&Text::new(
                words,
                (96, 26),
                super::text(15, palette::STATE[3]),
            ))?;
        }
        // Cumulative sums, drawn top layer first with opaque fills.
        let stack = &self.look.stack;
        for top in (0..stack.len()).rev() {
            let colour = stack[top].1;
            let points: Vec<(f64, f64)> = self
                .time
                .days
                .iter()
                .zip(&panel.rows)
                .map(|(&d, r)| {
                    (
                        d,
                        stack[..=top].iter().map(|&(i, _, _)| r[i]).sum::<u64>() as f64,
                    )
                })
                .collect();
            chart.draw_series(
                AreaSeries::new(points, 0.0, colour.filled()).border_style(colour.stroke_width(1)),
            )?;
        }
        let offline = self.look.offline;
        if panel.rows.iter().any(|r| r[offline] > 0) {
            chart.draw_series(DashedLineSeries::new(
                self.time
                    .days
                    .iter()
                    .zip(&panel.rows)
                    .map(|(&d, r)| (d, r[offline] as f64)),
                10,
                6,
                palette::STATE[4].stroke_width(3),
            ))?;
        }
        // Machines at risk: licensed, but their renewals are overdue (observe/risk.rs).
        // Drawn only where some are (with the samples either side, so it rises and
        // falls), never along the axis.
        let risk = &panel.risk;
        let near = |i: usize| {
            risk[i] > 0 || (i > 0 && risk[i - 1] > 0) || risk.get(i + 1).is_some_and(|&r| r > 0)
        };
        let mut run: Vec<(f64, f64)> = Vec::new();
        for i in 0..=risk.len().min(self.time.days.len()) {
            if i < risk.len().min(self.time.days.len()) && near(i) {
                run.push((self.time.days[i], risk[i] as f64));
            } else if !run.is_empty() {
                chart.draw_series(DashedLineSeries::new(
                    std::mem::take(&mut run),
                    12,
                    5,
                    palette::STATE[3].stroke_width(4),
                ))?;
            }
        }
        axis::draw_marker_lines(&mut chart, &self.time.markers, y_max)?;
        if band > 0 {
            axis::draw_marker_labels(root, &chart, &self.time.markers)?;
        }
        Ok(())
    }
}

/// Extra pixels above a panel whose fleet has a problem, for the red line saying what.
const PROBLEM_LINE: u32 = 22;
/// The most characters of a problem written on its panel.
const PROBLEM_CHARS: usize = 165;

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
        super::title(&head, &self.title, self.look.subtitle)?;
        let mut legend: Vec<(Swatch, String)> = self
            .look
            .stack
            .iter()
            .map(|&(_, colour, name)| (Swatch::Fill(colour), name.into()))
            .collect();
        legend.push((
            Swatch::Dashed(palette::STATE[4]),
            "offline (any state)".into(),
        ));
        if self.panels.iter().any(|p| p.risk.iter().any(|&r| r > 0)) {
            legend.push((
                Swatch::Dashed(palette::STATE[3]),
                "at risk (licensed, renewal overdue)".into(),
            ));
        }
        super::legend(&head, (26, 84), &legend)?;
        let band = self.time.band;
        let (h, _) = self.heights();
        let Some(first_panel) = self.panels.first() else {
            if !self.usage.is_empty() {
                let (first, _) = body.split_vertically(band + h);
                self.usage_panel(root, &first, band)?;
            }
            return Ok(());
        };
        let (first, rest) = body.split_vertically(band + h);
        self.panel(root, &first, first_panel, band)?;
        let others = &self.panels[1..];
        let n = others.len() + usize::from(!self.usage.is_empty());
        if n > 0 {
            let (rest, _) = rest.split_vertically(h * n as u32);
            let areas = rest.split_evenly((n, 1));
            for (area, panel) in areas.iter().zip(others) {
                self.panel(root, area, panel, 0)?;
            }
            if !self.usage.is_empty()
                && let Some(area) = areas.last()
            {
                self.usage_panel(root, area, 0)?;
            }
        }
        Ok(())
    }
}
