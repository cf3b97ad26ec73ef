//! The findings of an imported log, in words, problems first: refused requests by HRESULT,
//! days a host's reconstructed count was below a threshold, CMIDs shared by several
//! machines (KMS-COUNT-7), clients that stopped asking; then notes on what the log could
//! not show.

#![allow(clippy::indexing_slicing)] // ids of hosts, CMIDs and requests are positions in the interned tables of the same log, in range by construction

use super::{Log, RENEWAL, RETENTION, Replay, seconds};
use crate::code::Code;
use crate::eventlog::time::{SECONDS_PER_DAY, TICKS_PER_SECOND, format_date};
use crate::eventlog::{format_guid, hresult};
use crate::model::Pool;
use std::collections::BTreeMap;

/// How many examples a finding names before "and N more".
const EXAMPLES: usize = 5;

/// Whether a client silent for `since` seconds is overdue: longer than the renewal
/// interval and a day (the same slack as a run's machines at risk).
pub fn silent(since: i64) -> bool {
    since > RENEWAL + SECONDS_PER_DAY
}

fn date(s: i64) -> String {
    format_date(s * TICKS_PER_SECOND)
}

fn percent(part: u64, whole: u64) -> String {
    format!("{:.1} %", part as f64 * 100.0 / whole.max(1) as f64)
}

/// "a, b, c and 4 more".
fn some<T: AsRef<str>>(items: &[T]) -> String {
    let shown: Vec<&str> = items.iter().take(EXAMPLES).map(AsRef::as_ref).collect();
    let more = items.len().saturating_sub(EXAMPLES);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Consecutive dates as ranges: "2024-03-02 to 2024-03-05, 2024-03-09".
fn ranges(days: &[i64]) -> Vec<String> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &d in days {
        match out.last_mut() {
            Some((_, last)) if *last + SECONDS_PER_DAY == d => *last = d,
            _ => out.push((d, d)),
        }
    }
    out.into_iter()
        .map(|(a, b)| {
            if a == b {
                date(a)
            } else {
                format!("{} to {}", date(a), date(b))
            }
        })
        .collect()
}

pub fn findings(log: &Log, replay: &Replay) -> Vec<String> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let total = log.requests.len() as u64;

    // Refused requests by HRESULT.
    let mut failed: BTreeMap<u32, u64> = BTreeMap::new();
    for r in log.requests.iter().filter(|r| r.result != 0) {
        *failed.entry(r.result).or_default() += 1;
    }
    let n_failed: u64 = failed.values().sum();
    if n_failed > 0 {
        let mut by: Vec<(u32, u64)> = failed.into_iter().collect();
        by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let parts: Vec<String> = by
            .iter()
            .map(|&(code, n)| {
                let text = hresult(code);
                let meaning = Code::ALL
                    .iter()
                    .find(|c| c.as_str() == text)
                    .map_or("see Microsoft's activation error reference", |c| {
                        c.meaning()
                    });
                format!("{text} × {n} ({}; {meaning})", percent(n, total))
            })
            .collect();
        problems.push(format!(
            "problem: {} of {} requests ({}) were not processed: {}",
            n_failed,
            total,
            percent(n_failed, total),
            parts.join("; ")
        ));
    }

    // Days below a threshold, once the tables are complete.
    let complete = replay.day0 + RETENTION;
    for (h, host) in log.hosts.iter().enumerate() {
        for pool in Pool::ALL {
            let mut thresholds: BTreeMap<u32, Vec<String>> = BTreeMap::new();
            for r in log.requests.iter().filter(|r| usize::from(r.host) == h) {
                let sku = log.sku(r.sku);
                if sku.product.pool != pool {
                    continue;
                }
                let names = thresholds.entry(u32::from(r.threshold)).or_default();
                if !names.contains(&sku.product.name) {
                    names.push(sku.product.name.clone());
                }
            }
            for (t, products) in &thresholds {
                let days: Vec<i64> = replay
                    .times
                    .iter()
                    .zip(&replay.samples[h][pool.index()])
                    .filter(|(time, s)| {
                        **time >= complete && s.count.is_some_and(|c| c < u64::from(*t))
                    })
                    .map(|(time, _)| time - SECONDS_PER_DAY)
                    .collect();
                let low_requests = log
                    .requests
                    .iter()
                    .filter(|r| {
                        usize::from(r.host) == h
                            && u32::from(r.threshold) == *t
                            && log.sku(r.sku).product.pool == pool
                            && seconds(r.ticks) >= complete
                            && r.count < *t
                    })
                    .count();
                // Days below with no request in them: no client was refused, but any that
                // had asked would have been.
                let refused = if low_requests == 0 {
                    format!(
                        "no request got a count below {t} (a client asking then would not have activated, KMS-CLI-8)"
                    )
                } else {
                    format!(
                        "{low_requests} request{} got a count below {t} (KMS-CLI-8: those \
                         clients could not activate)",
                        if low_requests == 1 { "" } else { "s" }
                    )
                };
                if !days.is_empty() || low_requests > 0 {
                    problems.push(format!(
                        "problem: {host}'s {} count was below {t} (the threshold of {}) at the \
                         end of {} day{}{}; {refused}",
                        pool.as_str(),
                        products.join(", "),
                        days.len(),
                        if days.len() == 1 { "" } else { "s" },
                        if days.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", some(&ranges(&days)))
                        },
                    ));
                }
            }
        }
    }

    // Clones: one CMID under several names (KMS-COUNT-7).
    let clones: Vec<String> = replay
        .clients
        .iter()
        .enumerate()
        .filter(|(_, c)| c.names.len() > 1)
        .map(|(i, c)| {
            let names: Vec<&str> = c.names.iter().map(|&n| log.client(n)).collect();
            format!(
                "{} sent by {}",
                format_guid(log.cmid(i as u32)),
                some(&names)
            )
        })
        .collect();
    if !clones.is_empty() {
        let machines: usize = replay
            .clients
            .iter()
            .filter(|c| c.names.len() > 1)
            .map(|c| c.names.len())
            .sum();
        problems.push(format!(
            "problem: {} CMID{} {} shared by {machines} machines: clones of an image that was \
             not generalized (sysprep /generalize), which a host counts once (KMS-COUNT-7) — or a \
             machine renamed: {}",
            clones.len(),
            if clones.len() == 1 { "" } else { "s" },
            if clones.len() == 1 { "is" } else { "are" },
            some(&clones)
        ));
    }

    // Clients that stopped asking.
    let last_event = log.requests.last().map_or(0, |r| seconds(r.ticks));
    let mut quiet: Vec<(i64, String)> = replay
        .clients
        .iter()
        .map(|c| (c, &log.requests[c.last]))
        .filter(|(_, r)| silent(last_event - seconds(r.ticks)))
        .map(|(c, r)| {
            let name = c.names.last().map_or("", |&n| log.client(n));
            (
                seconds(r.ticks),
                format!(
                    "{name} (last {} on {})",
                    date(seconds(r.ticks)),
                    log.host(r.host)
                ),
            )
        })
        .collect();
    if !quiet.is_empty() {
        quiet.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let names: Vec<String> = quiet.into_iter().map(|(_, n)| n).collect();
        problems.push(format!(
            "problem: {} of {} clients last asked more than {} days before the last event \
             (the renewal interval and a day): offline, retired, or no longer reaching a \
             host — {}",
            names.len(),
            replay.clients.len(),
            (RENEWAL + SECONDS_PER_DAY) / SECONDS_PER_DAY,
            some(&names)
        ));
    }

    // Notes.
    notes.push(format!(
        "note: the hosts' tables are taken as empty before the first event, so counts are \
         lower bounds until {} (one retention window, 30 days, later); service restarts \
         do not appear in 12290 events and are not replayed",
        date(complete)
    ));
    let unknown: Vec<String> = log
        .skus
        .iter()
        .filter(|s| !s.known)
        .map(|s| format!("{} (threshold {})", format_guid(s.id), s.product.threshold))
        .collect();
    if !unknown.is_empty() {
        notes.push(format!(
            "note: {} activation id{} not in actsim's table of well-known ones became \
             products named by the id: {}",
            unknown.len(),
            if unknown.len() == 1 { " is" } else { "s are" },
            some(&unknown)
        ));
    }
    if log.skus.iter().any(|s| s.product.name == "Windows10") {
        notes.push(
            "note: Windows 10 and Windows 11 report the same activation ids; their clients \
             are taken as Windows10 (generation 5)"
                .to_owned(),
        );
    }
    if log.other_events > 0 {
        notes.push(format!(
            "note: {} events of other ids than 12290 were passed over",
            log.other_events
        ));
    }
    if problems.is_empty() {
        problems.push(format!(
            "no problem found: every one of {total} requests was processed, no host's count \
             fell below a threshold once its table was complete, no CMID was shared, every \
             client asked within the renewal interval and a day"
        ));
    }
    problems.extend(notes);
    problems
}
