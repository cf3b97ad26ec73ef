//! The human summary `actsim run` prints: compact aligned tables per fleet and per host,
//! outcomes by code, expectations with ✓/✗. Colour only when asked for (a terminal, and
//! `NO_COLOR` unset — decided by the caller).

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use super::findings::{self, Severity, Verdict};
use super::summary::{FleetSummary, Summary};
use super::words::short_time as short;
use crate::code::Code;
use crate::model::{Model, Pool};
use crate::time::human as time;
use anstyle::{AnsiColor, Style};
use std::fmt::Write;

/// Colours text when asked to (a terminal, `NO_COLOR` unset).
pub(crate) struct Paint {
    pub on: bool,
}

impl Paint {
    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    pub fn colour(&self, c: AnsiColor, text: &str) -> String {
        self.paint(Style::new().fg_color(Some(c.into())), text)
    }

    pub fn bold(&self, text: &str) -> String {
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
    table_aligned(out, header, rows, &[0], paint);
}

/// As `table`, with the columns of `left` left-aligned (words) and the others right-aligned
/// (numbers).
pub(crate) fn table_aligned(
    out: &mut String,
    header: &[&str],
    rows: &[Vec<String>],
    left: &[usize],
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
            let gap = if c == 0 { " " } else { "  " };
            if left.contains(&c) {
                let _ = write!(l, "{gap}{shown}{pad}");
            } else {
                let _ = write!(l, "{gap}{pad}{shown}");
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

/// The verdict first (findings.rs): the expectations, then what is wrong although they
/// held, then notes of what went wrong and stopped.
fn verdict(s: &mut String, p: &Paint, summary: &Summary) {
    let (kind, headline) = findings::verdict(summary);
    let headline = match kind {
        Verdict::Clean => p.colour(AnsiColor::Green, &headline),
        Verdict::HeldBut => p.bold(&p.colour(AnsiColor::Yellow, &headline)),
        Verdict::Failed => p.bold(&p.colour(AnsiColor::Red, &headline)),
    };
    let _ = writeln!(s, "\n{headline}");
    let problems: Vec<_> = summary.problems().collect();
    if problems.len() > 1 || (kind == Verdict::Failed && !problems.is_empty()) {
        for f in problems {
            let _ = writeln!(s, "  {} {}", p.colour(AnsiColor::Red, "✗"), f.text);
        }
    }
    for f in summary
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Note)
    {
        let _ = writeln!(s, "  · {}", f.text);
    }
}

pub fn text(model: &Model, summary: &Summary, colour: bool) -> String {
    let p = Paint { on: colour };
    let mut s = String::new();
    let _ = writeln!(s, "{}", p.bold(&model.name));
    if let Some(q) = &model.question {
        let _ = writeln!(s, "  {q}");
    }
    let _ = writeln!(
        s,
        "  seed {} · {} simulated · {} events",
        summary.seed,
        time(model.duration),
        summary.events
    );
    verdict(&mut s, &p, summary);

    // Windows fleets, then Kaspersky-managed devices (their own states).
    let windows: Vec<(&String, &FleetSummary)> = summary
        .fleets
        .iter()
        .filter(|(_, f)| f.notification_machine_days.is_some())
        .collect();
    let ksc: Vec<(&String, &FleetSummary)> = summary
        .fleets
        .iter()
        .filter_map(|(name, f)| match (&f.ksc, f.expired_device_days) {
            (Some(k), _) => Some((name, k.as_ref())),
            (None, Some(_)) => Some((name, f)),
            (None, None) => None,
        })
        .collect();
    let rows = |fleets: &[(&String, &FleetSummary)]| -> Vec<Vec<String>> {
        fleets
            .iter()
            .map(|(name, r)| {
                let mut row = vec![(*name).clone(), r.machines.to_string()];
                row.extend(r.final_counts.values().map(u64::to_string));
                row.push(short(r.first_licensed_s));
                row.push(short(r.all_licensed_s));
                row.push(
                    r.min_licensed_share
                        .map_or("—".to_owned(), |v| format!("{:.1}%", v * 100.0)),
                );
                row.push(format!(
                    "{:.1}",
                    r.notification_machine_days
                        .or(r.expired_device_days)
                        .unwrap_or(0.0)
                ));
                if r.notification_machine_days.is_some() {
                    let failed: u64 = Code::ALL
                        .iter()
                        .filter(|c| c.is_failed_attempt())
                        .filter_map(|c| r.outcomes.get(c.as_str()))
                        .sum();
                    row.push(failed.to_string());
                    row.push(r.at_risk.as_ref().map_or(0, |a| a.machines).to_string());
                }
                row
            })
            .collect()
    };
    if !windows.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("Fleets at the end"));
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
                "failed",
                "at risk",
            ],
            &rows(&windows),
            |c, cell| match c {
                4 | 11 if cell != "0" => p.colour(AnsiColor::Yellow, cell),
                5 | 12 if cell != "0" => p.colour(AnsiColor::Red, cell),
                _ => cell.to_owned(),
            },
        );
    }
    if !ksc.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("Kaspersky-managed devices at the end"));
        table(
            &mut s,
            &[
                "fleet",
                "devices",
                "no_key",
                "active",
                "active_with_reserve",
                "expired",
                "offline",
                "first with a key",
                "all with a key",
                "lowest share",
                "expired days",
            ],
            &rows(&ksc),
            |c, cell| match c {
                2 | 5 if cell != "0" => p.colour(AnsiColor::Red, cell),
                _ => cell.to_owned(),
            },
        );
    }
    if !summary.ksc_keys.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("Kaspersky licence keys"));
        let rows: Vec<Vec<String>> = summary
            .ksc_keys
            .iter()
            .map(|(name, k)| {
                vec![
                    name.clone(),
                    k.server.clone(),
                    k.devices_limit.to_string(),
                    k.active_on.to_string(),
                    k.reserve_on.to_string(),
                    format!("{:.1}%", k.peak_usage_share * 100.0),
                    format!(
                        "{}/{}/{}",
                        k.usage_events.info, k.usage_events.warning, k.usage_events.critical
                    ),
                    short(Some(k.expires_s)),
                ]
            })
            .collect();
        table(
            &mut s,
            &[
                "key",
                "server",
                "limit",
                "active on",
                "reserve on",
                "peak use",
                "info/warning/critical",
                "expires",
            ],
            &rows,
            |_, cell| cell.to_owned(),
        );
    }

    if !summary.hosts.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("KMS hosts"));
        let rows: Vec<Vec<String>> = summary
            .hosts
            .iter()
            .map(|(name, st)| {
                let mut row = vec![
                    name.clone(),
                    st.requests.to_string(),
                    st.failures.to_string(),
                    st.peak_requests_per_hour.to_string(),
                ];
                for pool in Pool::ALL {
                    row.push(st.max_count(pool).to_string());
                    row.push(short(st.threshold_reached(pool)));
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

    for (domain, d) in &summary.dns {
        if d.stale_record_failures > 0 {
            let _ = writeln!(
                s,
                "\n  DNS {domain}: {} failed connections to stale SRV records",
                d.stale_record_failures
            );
        }
    }

    let installs: Vec<String> = summary
        .hosts
        .iter()
        .flat_map(|(name, h)| {
            h.key_installs.iter().map(move |i| {
                let why = match i.reason.as_deref() {
                    None => return format!(
                        "  ✓ {name}: generation {} host key installed at {}",
                        i.generation,
                        time(i.at_s)
                    ),
                    Some("os_cannot_hold") => {
                        "its OS cannot hold that generation (install the update package first); it keeps its old key"
                    }
                    Some("no_reactivations_left") => {
                        "the host has no re-activation left with that key: the host is not activated"
                    }
                    Some(_) => "the key is over its host limit: the host is not activated",
                };
                format!(
                    "  ✗ {name}: the generation {} host key installed at {} did not take: {why}",
                    i.generation,
                    time(i.at_s)
                )
            })
        })
        .collect();
    if !installs.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("KMS host keys installed"));
        for line in installs {
            let line = if line.starts_with("  ✗") {
                p.colour(AnsiColor::Red, &line)
            } else {
                line
            };
            let _ = writeln!(s, "{line}");
        }
    }

    if !summary.mak_keys.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("MAK keys"));
        let rows: Vec<Vec<String>> = summary
            .mak_keys
            .iter()
            .map(|(name, k)| {
                vec![
                    name.clone(),
                    k.used.to_string(),
                    k.remaining.to_string(),
                    short(k.exhausted_s),
                ]
            })
            .collect();
        table(
            &mut s,
            &["key", "used", "remaining", "ran out at"],
            &rows,
            |c, cell| match c {
                2 if cell == "0" => p.colour(AnsiColor::Red, cell),
                _ => cell.to_owned(),
            },
        );
    }

    let count = |c: Code| summary.outcomes.get(c.as_str()).copied().unwrap_or(0);
    let rows: Vec<Vec<String>> = Code::ALL
        .iter()
        .filter(|&&c| count(c) > 0)
        .map(|&c| {
            vec![
                c.as_str().to_owned(),
                count(c).to_string(),
                c.meaning().to_owned(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("Attempt outcomes"));
    }
    for row in &rows {
        let _ = writeln!(s, "  {:<11} {:>12}  {}", row[0], row[1], row[2]);
    }

    if !summary.expectations.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("Expectations"));
        for (i, e) in summary.expectations.iter().enumerate() {
            // A failure names the line of its entry, to find it in the file.
            let mark = if e.held {
                p.colour(AnsiColor::Green, "✓")
            } else {
                let line = model.expect.get(i).map_or(1, |x| x.line);
                format!("{} line {line}:", p.colour(AnsiColor::Red, "✗ FAILED"))
            };
            let _ = writeln!(s, "  {mark} {}: {}", e.expect, e.detail);
        }
    }
    s
}
