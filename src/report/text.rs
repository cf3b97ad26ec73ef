//! The human summary `actsim run` prints: compact aligned tables per fleet and per host,
//! outcomes by code, expectations with ✓/✗. Colour only when asked for (a terminal, and
//! `NO_COLOR` unset — decided by the caller).

use super::words::short_time as short;
use crate::code::Code;
use crate::kms::host::{POOLS, pool_index};
use crate::observe::Outcome;
use crate::observe::expect::time;
use crate::scenario::Model;
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

struct Paint {
    on: bool,
}

impl Paint {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    fn colour(&self, c: AnsiColor, text: &str) -> String {
        self.paint(Style::new().fg_color(Some(c.into())), text)
    }

    fn bold(&self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }
}

/// Lays out rows under a header: the first column left-aligned, the others right-aligned,
/// two spaces apart. Widths count the characters of the plain cells; `paint(column, cell)`
/// colours a cell after its padding is known, so escape codes never upset the alignment.
fn table(
    out: &mut String,
    header: &[&str],
    rows: &[Vec<String>],
    paint: impl Fn(usize, &str) -> String,
) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |plain: &[String], shown: &[String]| {
        let mut l = String::from(" ");
        for (c, ((cell, shown), w)) in plain.iter().zip(shown).zip(&widths).enumerate() {
            let pad = " ".repeat(w - cell.chars().count());
            if c == 0 {
                let _ = write!(l, " {shown}{pad}");
            } else {
                let _ = write!(l, "  {pad}{shown}");
            }
        }
        l.trim_end().to_owned()
    };
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let _ = writeln!(out, "{}", line(&header, &header));
    for row in rows {
        let shown: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| paint(c, cell))
            .collect();
        let _ = writeln!(out, "{}", line(row, &shown));
    }
}

pub fn text(model: &Model, seed: u64, outcome: &Outcome, colour: bool) -> String {
    let p = Paint { on: colour };
    let mut s = String::new();
    let _ = writeln!(s, "{}", p.bold(&model.name));
    if let Some(q) = &model.question {
        let _ = writeln!(s, "  {q}");
    }
    let _ = writeln!(
        s,
        "  seed {seed} · {} simulated · {} events",
        time(model.duration),
        outcome.events
    );

    let _ = writeln!(s, "\n{}", p.bold("Fleets at the end"));
    let rows: Vec<Vec<String>> = model
        .fleets
        .iter()
        .zip(&outcome.fleets)
        .map(|(f, r)| {
            let mut row = vec![f.name.clone(), r.machines.to_string()];
            row.extend(r.final_counts.iter().map(u64::to_string));
            row.push(short(r.first_licensed));
            row.push(short(r.all_licensed));
            row.push(
                r.min_licensed_share
                    .map_or("—".to_owned(), |v| format!("{:.1}%", v * 100.0)),
            );
            row.push(format!("{:.1}", r.notification_machine_days));
            row
        })
        .collect();
    table(
        &mut s,
        &[
            "fleet",
            "machines",
            "grace",
            "licensed",
            "oot_grace",
            "notification",
            "offline",
            "first licensed",
            "all licensed",
            "lowest share",
            "notif. days",
        ],
        &rows,
        |c, cell| match c {
            4 if cell != "0" => p.colour(AnsiColor::Yellow, cell),
            5 if cell != "0" => p.colour(AnsiColor::Red, cell),
            _ => cell.to_owned(),
        },
    );

    if !model.hosts.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("KMS hosts"));
        let rows: Vec<Vec<String>> = model
            .hosts
            .iter()
            .zip(&outcome.hosts)
            .map(|(h, st)| {
                let mut row = vec![
                    h.name.clone(),
                    st.requests.to_string(),
                    st.failures.to_string(),
                    st.peak_requests_per_hour.to_string(),
                ];
                for pool in POOLS {
                    let i = pool_index(pool);
                    row.push(st.max_count[i].to_string());
                    row.push(short(st.threshold_reached[i]));
                }
                row
            })
            .collect();
        table(
            &mut s,
            &[
                "host",
                "requests",
                "failed contacts",
                "peak/h",
                "max count Windows",
                "threshold at",
                "max count Office",
                "threshold at",
            ],
            &rows,
            |c, cell| match c {
                2 if cell != "0" => p.colour(AnsiColor::Yellow, cell),
                _ => cell.to_owned(),
            },
        );
    }

    for (d, &n) in model.domains.iter().zip(&outcome.stale_record_failures) {
        if n > 0 {
            let _ = writeln!(
                s,
                "\n  DNS {}: {n} failed connections to stale SRV records",
                d.name
            );
        }
    }

    let _ = writeln!(s, "\n{}", p.bold("Attempt outcomes"));
    let rows: Vec<Vec<String>> = Code::ALL
        .iter()
        .filter(|&&c| outcome.outcomes[c as usize] > 0)
        .map(|&c| {
            vec![
                c.as_str().to_owned(),
                outcome.outcomes[c as usize].to_string(),
                c.meaning().to_owned(),
            ]
        })
        .collect();
    for row in &rows {
        let _ = writeln!(s, "  {:<11} {:>12}  {}", row[0], row[1], row[2]);
    }

    if !outcome.expectations.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("Expectations"));
        for e in &outcome.expectations {
            let mark = if e.held {
                p.colour(AnsiColor::Green, "✓")
            } else {
                p.colour(AnsiColor::Red, "✗ FAILED")
            };
            let _ = writeln!(s, "  {mark} {}: {}", e.expect, e.detail);
        }
    }
    s
}
