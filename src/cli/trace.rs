//! `actsim trace FILE --machine FLEET/INDEX [--at TIME] [--seed N]`: every attempt of one
//! machine, and with `--at` its status in the style of `slmgr /dlv`.

#![allow(clippy::indexing_slicing)] // indices are positions in records built just above

use super::{Exit, TraceArgs};
use crate::code::Code;
use crate::error::Error;
use crate::methods::licence::LicenceState;
use crate::model::FleetId;
use crate::observe::trace::{Happening, Record, Tracer};
use crate::scenario::duration;
use crate::time::{SimTime, human as time};
use crate::world::{Channel, KmsStatus, KscDevice, Status, World};
use std::fmt::Write;

pub fn trace(args: &TraceArgs) -> Exit {
    match run(args) {
        Ok(text) => {
            print!("{text}");
            Exit::Success
        }
        Err(e) => Exit::Error(e),
    }
}

fn run(args: &TraceArgs) -> Result<String, Error> {
    let model = super::load(&args.file, args.allow_large)?;
    let usage = Error::Usage;
    let (fleet_name, index) = args
        .machine
        .rsplit_once('/')
        .and_then(|(f, i)| Some((f, i.parse::<u32>().ok()?)))
        .ok_or_else(|| {
            usage(format!(
                "--machine {}: expected FLEET/INDEX, e.g. desktops/0",
                args.machine
            ))
        })?;
    let fleet: FleetId = model
        .fleets
        .position(|f| f.name == fleet_name)
        .ok_or_else(|| {
            usage(format!(
                "--machine {}: no fleet \"{fleet_name}\"",
                args.machine
            ))
        })?;
    let at = match &args.at {
        None => None,
        Some(text) => {
            let d = duration::parse(text).map_err(|e| usage(format!("--at {text}: {e}")))?;
            if d.0 < 0 || d.0 as u64 > model.duration {
                return Err(usage(format!(
                    "--at {text}: outside the run (0s to {})",
                    time(model.duration)
                )));
            }
            Some(d.0 as SimTime)
        }
    };
    let seed = args.seed.unwrap_or(model.seed);
    let world = World::new(&model, seed, Tracer::new(fleet, index));
    let (status, tracer) = match at {
        Some(t) => {
            let (status, ran) = world.run_to_status(t, fleet, index);
            (status, ran.probe)
        }
        None => (None, world.run(None).probe),
    };
    // Ctrl-C: a trace cut short would read as the machine's whole life.
    if crate::interrupt::requested() {
        return Err(crate::Error::Interrupted);
    }
    if !tracer.found() {
        return Err(usage(format!(
            "--machine {}: fleet \"{fleet_name}\" has no machine {index} (it starts with {})",
            args.machine, model.fleets[fleet].count
        )));
    }
    let mut out = format!(
        "{} — machine {}/{index}, seed {seed}\n\n",
        model.name, fleet_name
    );
    let never_activated = model.fleets[fleet].method == crate::model::Method::NotActivated;
    table(&mut out, &model, &tracer.records, never_activated);
    if let Some(s) = status {
        dlv(&mut out, &model, &s, tracer.last_count);
    }
    Ok(out)
}

/// One line of the trace table: the time and five columns.
struct Line {
    at: String,
    cells: [String; 5],
}

/// The widest a discovery or hosts-tried cell gets before it wraps onto the next line.
const WRAP: usize = 44;

/// An attempt's columns, to tell repeated attempts apart.
type AttemptKey<'a> = (&'a str, &'a [(String, String)], Option<u32>, Code);

fn attempt_key(r: &Record) -> Option<AttemptKey<'_>> {
    match &r.what {
        Happening::Attempt {
            discovery,
            tried,
            count,
            outcome,
            ..
        } => Some((discovery.as_str(), tried.as_slice(), *count, *outcome)),
        _ => None,
    }
}

/// The trace as a table with fixed columns (long cells wrap within their column), times
/// as dates when the scenario has a `start`, and runs of identical attempts collapsed into
/// one line ("× 300, every 2h, until …").
fn table(out: &mut String, model: &crate::Model, records: &[Record], never_activated: bool) {
    let at = |t: SimTime| when(model, t);
    let mut lines: Vec<Line> = Vec::new();
    let mut i = 0;
    while i < records.len() {
        let r = &records[i];
        // A state change at the same instant as the attempt that caused it shares its line.
        let change_at = |k: usize| {
            records.get(k + 1).and_then(|n| match n.what {
                Happening::State { from, to } if n.at == records[k].at => Some((from, to)),
                _ => None,
            })
        };
        let change = change_at(i);
        let state =
            |c: Option<(&str, &str)>| c.map_or_else(String::new, |(f, t)| format!("{f} → {t}"));
        let cells = match &r.what {
            Happening::Attempt {
                discovery,
                tried,
                count,
                outcome,
                next,
            } => {
                // The run of identical attempts this one starts (none changes the state).
                let mut last = i;
                if change.is_none() {
                    while let Some(k) = Some(last + 1).filter(|&k| {
                        k < records.len() && attempt_key(&records[k]) == attempt_key(r)
                    }) {
                        if change_at(k).is_some() {
                            break;
                        }
                        last = k;
                    }
                }
                let repeats = last - i + 1;
                let (next, repeated) = if repeats >= 3 {
                    let gaps: Vec<SimTime> = records[i..=last]
                        .windows(2)
                        .map(|w| w[1].at - w[0].at)
                        .collect();
                    let every = if gaps.iter().all(|&g| g == gaps[0]) {
                        format!("every {}", time(gaps[0]))
                    } else {
                        "at varying intervals".to_owned()
                    };
                    let next = match records[last].what {
                        Happening::Attempt { next, .. } => next,
                        _ => *next,
                    };
                    let words = format!("× {repeats}, {every}, until {}; ", at(records[last].at));
                    i = last;
                    (next, words)
                } else {
                    (*next, String::new())
                };
                let mut after = repeated;
                if let Some(c) = change {
                    after.push_str(&state(Some(c)));
                    after.push_str("; ");
                    i += 1;
                }
                if next == crate::time::NEVER {
                    after.push_str("no attempt of its own due");
                } else {
                    let _ = write!(after, "next {}", at(next));
                }
                let tried: Vec<String> = tried
                    .iter()
                    .map(|(h, what)| format!("{h}: {what}"))
                    .collect();
                [
                    discovery.clone(),
                    tried.join("; "),
                    count.map_or_else(String::new, |c| c.to_string()),
                    outcome.as_str().to_owned(),
                    after,
                ]
            }
            Happening::Waiting { discovery, until } => [
                discovery.clone(),
                String::new(),
                String::new(),
                "waits".to_owned(),
                if *until == crate::time::NEVER && never_activated {
                    "never: the fleet is not activated".to_owned()
                } else if *until == crate::time::NEVER {
                    "until the method acts".to_owned()
                } else {
                    format!("next {}", at(*until))
                },
            ],
            Happening::Offline { until } => [
                String::new(),
                String::new(),
                String::new(),
                Code::Offline.as_str().to_owned(),
                format!("waits until {}", at(*until)),
            ],
            Happening::Arrived(s) => [
                "arrived".to_owned(),
                String::new(),
                String::new(),
                String::new(),
                (*s).to_owned(),
            ],
            Happening::State { from, to } => [
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                state(Some((*from, *to))),
            ],
            Happening::Retired => [
                "retired".to_owned(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            Happening::Keys {
                active,
                reserve,
                cause,
            } => {
                let name = |k: &Option<crate::model::LicenseKeyId>| {
                    k.map_or("none".to_owned(), |k| model.ksc.keys[k].name.clone())
                };
                [
                    cause.words().to_owned(),
                    String::new(),
                    String::new(),
                    String::new(),
                    format!("active {}, reserve {}", name(active), name(reserve)),
                ]
            }
        };
        lines.push(Line {
            at: at(r.at),
            cells,
        });
        i += 1;
    }
    layout(out, &lines);
}

/// Lays the lines out under a header in fixed columns: discovery and hosts tried wrap at
/// `WRAP` characters onto continuation lines, so no column ever shifts.
fn layout(out: &mut String, lines: &[Line]) {
    let header = Line {
        at: "time".to_owned(),
        cells: [
            "discovery".to_owned(),
            "hosts tried".to_owned(),
            "count".to_owned(),
            "outcome".to_owned(),
            "state / next attempt".to_owned(),
        ],
    };
    let width = |s: &str| s.chars().count();
    let time_w = lines
        .iter()
        .chain([&header])
        .map(|l| width(&l.at))
        .max()
        .unwrap_or(4);
    let mut widths = [0usize; 4];
    for l in lines.iter().chain([&header]) {
        for (c, w) in widths.iter_mut().enumerate() {
            let cell = width(&l.cells[c]);
            *w = (*w).max(if c < 2 { cell.min(WRAP) } else { cell });
        }
    }
    for l in [&header].into_iter().chain(lines) {
        let discovery = wrap(&l.cells[0], WRAP);
        let tried = wrap(&l.cells[1], WRAP);
        let rows = discovery.len().max(tried.len()).max(1);
        for row in 0..rows {
            let cell = |parts: &[String]| parts.get(row).cloned().unwrap_or_default();
            let first = row == 0;
            let line = format!(
                "  {:<tw$}  {:<w0$}  {:<w1$}  {:>w2$}  {:<w3$}  {}",
                if first { l.at.as_str() } else { "" },
                cell(&discovery),
                cell(&tried),
                if first { l.cells[2].as_str() } else { "" },
                if first { l.cells[3].as_str() } else { "" },
                if first { l.cells[4].as_str() } else { "" },
                tw = time_w,
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
            );
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
}

/// `text` in pieces of at most `width` characters, broken after spaces where possible.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_inclusive(' ') {
        if !current.is_empty() && current.chars().count() + word.trim_end().chars().count() > width
        {
            out.push(current.trim_end().to_owned());
            current.clear();
        }
        let mut word = word;
        // A single word longer than the column is cut.
        while word.chars().count() > width {
            let cut: String = word.chars().take(width).collect();
            out.push(cut.clone());
            word = &word[cut.len()..];
        }
        current.push_str(word);
    }
    if !current.trim_end().is_empty() {
        out.push(current.trim_end().to_owned());
    }
    out
}

/// An instant of the run: the date and time of day when the scenario has a `start`, the
/// time since the start otherwise.
fn when(model: &crate::Model, t: SimTime) -> String {
    match model.start {
        Some(start) => start
            .and_hms_opt(0, 0, 0)
            .and_then(|d| d.checked_add_signed(chrono::TimeDelta::seconds(t as i64)))
            .map_or_else(|| time(t), |d| d.format("%Y-%m-%d %H:%M:%S").to_string()),
        None => time(t),
    }
}

/// Minutes and days, as slmgr prints remaining times.
fn minutes(secs: SimTime) -> String {
    format!("{} minute(s) ({} day(s))", secs / 60, secs / 86_400)
}

fn dlv(out: &mut String, model: &crate::Model, s: &Status, last_count: Option<u32>) {
    let _ = writeln!(
        out,
        "\nStatus at {} (as slmgr /dlv would show it)",
        when(model, s.at)
    );
    if !s.present {
        let _ = writeln!(
            out,
            "  The machine is not present (not arrived yet, or retired)."
        );
        return;
    }
    if let Some(k) = &s.ksc {
        ksc_lines(out, s.at, k);
        if matches!(s.channel, Channel::None) {
            return;
        }
    }
    if !matches!(s.channel, Channel::Kms(_)) {
        let _ = writeln!(out, "  Name: {}", s.product);
        let _ = writeln!(out, "  Activation ID: {}", s.activation_id);
    }
    let remaining = s.deadline.map(|d| d.saturating_sub(s.at));
    let (status, line) = match s.state {
        LicenceState::Grace => (
            "Initial grace period",
            remaining.map(|r| format!("Time remaining: {}", minutes(r))),
        ),
        LicenceState::Licensed => (
            "Licensed",
            remaining.map(|r| format!("Volume activation expiration: {}", minutes(r))),
        ),
        LicenceState::OotGrace => (
            "Out-of-Tolerance grace period",
            remaining.map(|r| format!("Time remaining: {}", minutes(r))),
        ),
        LicenceState::Notification => (
            "Notification",
            Some("Notification Reason: 0xC004F009 (grace time expired)".to_owned()),
        ),
    };
    let _ = writeln!(out, "  License Status: {status}");
    if let Some(line) = line {
        let _ = writeln!(out, "  {line}");
    }
    match &s.channel {
        Channel::Kms(k) => kms_lines(out, s, k, last_count),
        Channel::Mak {
            key,
            mode,
            remaining,
        } => {
            let _ = writeln!(out, "  Product Key Channel: Volume:MAK ({mode}, key {key})");
            let _ = writeln!(out, "  Remaining MAK activations: {remaining}");
        }
        Channel::None => {}
        Channel::NotActivated => {
            let _ = writeln!(
                out,
                "  Configured Activation Type: none (the machine is never activated)"
            );
        }
        Channel::Adba { domain, fallback } => {
            let _ = writeln!(out, "  Configured Activation Type: AD (Active Directory)");
            let _ = writeln!(
                out,
                "  AD Activation Object: {}",
                domain
                    .as_ref()
                    .map_or("none in the machine's domain".to_owned(), |d| format!(
                        "in domain {d}"
                    ))
            );
            if let Some(k) = fallback {
                let _ = writeln!(out, "  KMS fallback:");
                kms_lines(out, s, k, last_count);
            }
        }
    }
    if let Some(next) = s.next_attempt {
        let _ = writeln!(
            out,
            "  Next activation or renewal attempt: {}",
            when(model, next)
        );
    }
}

/// A Kaspersky device's licence, as the KSC console shows it.
fn ksc_lines(out: &mut String, at: SimTime, k: &KscDevice) {
    let _ = writeln!(
        out,
        "  Kaspersky Security Center: {} ({})",
        k.server, k.state
    );
    let key = |slot: &Option<(String, SimTime)>| match slot {
        None => "none".to_owned(),
        Some((name, end)) if *end > at => format!(
            "{name}, valid until {} ({} day(s) left)",
            time(*end),
            (end - at) / 86_400
        ),
        Some((name, end)) => format!("{name}, expired at {} (limited mode)", time(*end)),
    };
    let _ = writeln!(out, "  Active key: {}", key(&k.active));
    let _ = writeln!(out, "  Reserve key: {}", key(&k.reserve));
}

/// The KMS client's lines of `slmgr /dlv`.
fn kms_lines(out: &mut String, s: &Status, k: &KmsStatus, last_count: Option<u32>) {
    let _ = writeln!(out, "  Client Machine ID (CMID): {:016x}", s.cmid);
    match (&k.kms_name, k.static_host) {
        (Some(h), true) => {
            let _ = writeln!(out, "  Registered KMS machine name: {h}");
        }
        (Some(h), false) => {
            let _ = writeln!(out, "  KMS machine name from DNS: {h}");
        }
        (None, _) => {
            let _ = writeln!(out, "  KMS machine name from DNS: none found");
        }
    }
    let _ = writeln!(
        out,
        "  KMS host caching: {}",
        k.cached_host
            .as_ref()
            .map_or("no host cached".to_owned(), |h| format!(
                "Enabled, cached host {h}"
            ))
    );
    let _ = writeln!(
        out,
        "  Activation interval: {} minutes",
        s.activation_interval / 60
    );
    if let Some(r) = s.renewal_interval {
        let _ = writeln!(out, "  Renewal interval: {} minutes", r / 60);
    }
    let _ = writeln!(
        out,
        "  Last count returned by a KMS host: {}",
        last_count.map_or("none yet".to_owned(), |c| c.to_string())
    );
}
