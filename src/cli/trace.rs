//! `actsim trace FILE --machine FLEET/INDEX [--at TIME] [--seed N]`: every attempt of one
//! machine, and with `--at` its status in the style of `slmgr /dlv`.

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
    let model = crate::load(&args.file)?;
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
    table(&mut out, &model, &tracer.records);
    if let Some(s) = status {
        dlv(&mut out, &s, tracer.last_count);
    }
    Ok(out)
}

fn table(out: &mut String, model: &crate::Model, records: &[Record]) {
    let _ = writeln!(
        out,
        "  {:<16} {:<26} {:<40} {:>6}  {:<11} state / next attempt",
        "time", "discovery", "hosts tried", "count", "outcome"
    );
    let mut i = 0;
    while i < records.len() {
        let r = &records[i];
        // A state change at the same instant as the attempt that caused it shares its line.
        let change = records.get(i + 1).and_then(|n| match n.what {
            Happening::State { from, to } if n.at == r.at => Some((from, to)),
            _ => None,
        });
        let state =
            |c: Option<(&str, &str)>| c.map_or_else(String::new, |(f, t)| format!("{f} → {t}"));
        let line = match &r.what {
            Happening::Attempt {
                discovery,
                tried,
                count,
                outcome,
                next,
            } => {
                let tried: Vec<String> = tried
                    .iter()
                    .map(|(h, what)| format!("{h}: {what}"))
                    .collect();
                let mut after = state(change);
                if !after.is_empty() {
                    after.push_str("; ");
                }
                if *next == crate::time::NEVER {
                    after.push_str("no attempt of its own due");
                } else {
                    let _ = write!(after, "next {}", time(*next));
                }
                i += usize::from(change.is_some());
                format!(
                    "{:<26} {:<40} {:>6}  {:<11} {after}",
                    discovery,
                    tried.join("; "),
                    count.map_or_else(String::new, |c| c.to_string()),
                    outcome.as_str()
                )
            }
            Happening::Waiting { discovery, until } => format!(
                "{:<26} {:<40} {:>6}  {:<11} {}",
                discovery,
                "",
                "",
                "waits",
                if *until == crate::time::NEVER {
                    "until the method acts".to_owned()
                } else {
                    format!("next {}", time(*until))
                }
            ),
            Happening::Offline { until } => format!(
                "{:<26} {:<40} {:>6}  {:<11} waits until {}",
                "",
                "",
                "",
                Code::Offline.as_str(),
                time(*until)
            ),
            Happening::Arrived(s) => {
                format!("{:<26} {:<40} {:>6}  {:<11} {s}", "arrived", "", "", "",)
            }
            Happening::State { from, to } => {
                format!(
                    "{:<26} {:<40} {:>6}  {:<11} {}",
                    "",
                    "",
                    "",
                    "",
                    state(Some((*from, *to)))
                )
            }
            Happening::Retired => "retired".to_owned(),
            Happening::Keys { active, reserve } => {
                let name = |k: &Option<crate::model::LicenseKeyId>| {
                    k.map_or("none".to_owned(), |k| model.ksc.keys[k].name.clone())
                };
                format!(
                    "{:<26} {:<40} {:>6}  {:<11} keys: active {}, reserve {}",
                    "Kaspersky sync",
                    "",
                    "",
                    "",
                    name(active),
                    name(reserve)
                )
            }
        };
        let _ = writeln!(out, "  {:<16} {}", time(r.at), line.trim_end());
        i += 1;
    }
}

/// Minutes and days, as slmgr prints remaining times.
fn minutes(secs: SimTime) -> String {
    format!("{} minute(s) ({} day(s))", secs / 60, secs / 86_400)
}

fn dlv(out: &mut String, s: &Status, last_count: Option<u32>) {
    let _ = writeln!(
        out,
        "\nStatus at {} (as slmgr /dlv would show it)",
        time(s.at)
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
        let _ = writeln!(out, "  Next activation or renewal attempt: {}", time(next));
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
