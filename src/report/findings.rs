//! What is wrong in a run, whatever the expectations say: fleets whose attempts fail, licensed
//! machines whose renewals are overdue (the risk horizon), fleets that end below 100 %
//! licensed, KMS hosts whose DNS registration was refused or whose key did not take. The
//! terminal summary, `report.html` and the activation chart lead with these; `--strict`
//! turns problems into exit 1; `summary.json` lists them under `findings`.
//!
//! Computed from the summary alone, so `actsim chart DIR` re-renders the same words.

use super::summary::{FleetSummary, Summary};
use crate::code::Code;
use crate::model::Model;
use crate::time::{DAY, SimTime};
use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something is wrong at the end of the run or will go wrong after it: `--strict` fails.
    Problem,
    /// Something went wrong during the run and stopped (failures during a ramp-up).
    Note,
}

/// One finding of `summary.json` (`findings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// The fleet, host or domain concerned.
    pub subject: String,
    /// What is wrong, in words, starting with the subject.
    pub text: String,
}

/// Failures within this long of the end of the run count as still happening.
const STILL_FAILING: SimTime = DAY;

/// The findings of a run, problems first, each group in file order.
pub fn of(model: &Model, summary: &Summary) -> Vec<Finding> {
    let when = |t: SimTime| when(model, t);
    let mut out = Vec::new();
    for (name, f) in &summary.fleets {
        let never_activated = model
            .fleets
            .iter()
            .any(|m| &m.name == name && m.method == crate::model::Method::NotActivated);
        fleet(&mut out, summary, name, f, never_activated, &when);
        if let Some(k) = &f.ksc {
            devices(&mut out, name, k);
        } else if f.expired_device_days.is_some() {
            devices(&mut out, name, f);
        }
    }
    for (name, h) in &summary.hosts {
        for i in &h.key_installs {
            if let Some(reason) = &i.reason {
                let why = match reason.as_str() {
                    "os_cannot_hold" => "its OS cannot hold that generation",
                    "no_reactivations_left" => "the host has no re-activation left with that key",
                    _ => "the key is over its host limit",
                };
                out.push(problem(
                    name,
                    format!(
                        "{name}: the generation {} host key installed on {} did not take: {why}",
                        i.generation,
                        when(i.at_s)
                    ),
                ));
            }
        }
    }
    for (domain, d) in &summary.dns {
        for e in &d.events {
            match e.event.as_str() {
                "registration_refused" => {
                    // Hosts register once a day (KMS-HOST-8): refusals up to the last days
                    // of the run go on; earlier ones stopped (the record was freed).
                    let last = e.last_s.unwrap_or(e.at_s);
                    let times = format!("{} time{}", e.count, if e.count == 1 { "" } else { "s" });
                    if last + 2 * DAY >= summary.duration_s {
                        out.push(problem(
                            &e.target,
                            format!(
                                "{}: DNS registration in {domain} refused from {} to the end \
                                 ({times}): another host owns the record, clients do not \
                                 discover it",
                                e.target,
                                when(e.at_s)
                            ),
                        ));
                    } else {
                        out.push(note(
                            &e.target,
                            format!(
                                "{}: DNS registration in {domain} refused from {} to {} ({times}) \
                                 while another host owned the record",
                                e.target,
                                when(e.at_s),
                                when(last)
                            ),
                        ));
                    }
                }
                "record_removed" | "record_aged_out" => out.push(note(
                    &e.target,
                    format!(
                        "{}: SRV record in {domain} {} on {}",
                        e.target,
                        if e.event == "record_removed" {
                            "removed"
                        } else {
                            "aged out"
                        },
                        when(e.at_s)
                    ),
                )),
                _ => {}
            }
        }
        if d.stale_record_failures > 0 {
            out.push(note(
                domain,
                format!(
                    "DNS {domain}: {} connections to stale SRV records failed",
                    thousands(d.stale_record_failures)
                ),
            ));
        }
    }
    // Problems first; the sort is stable, so each group keeps file order.
    out.sort_by_key(|f| f.severity != Severity::Problem);
    out
}

/// A Windows fleet: machines at risk, failing attempts, machines not licensed at the end
/// (for a fleet that is never activated, machines past their initial grace).
fn fleet(
    out: &mut Vec<Finding>,
    summary: &Summary,
    name: &str,
    f: &FleetSummary,
    never_activated: bool,
    when: &dyn Fn(SimTime) -> String,
) {
    if f.notification_machine_days.is_none() {
        return;
    }
    let end = summary.duration_s;
    let mut problems = Vec::new();
    if let Some(r) = f.at_risk.as_ref().filter(|r| r.machines > 0) {
        let since = r
            .last_renewed_s
            .map(|t| format!(" since {}", when(t)))
            .unwrap_or_default();
        let expiry = r
            .earliest_expiry_s
            .map(|t| format!(" and the first licence expires on {}", when(t)))
            .unwrap_or_default();
        problems.push(format!(
            "{} machine{} {} not renewed{since}{expiry}",
            thousands(r.machines),
            plural(r.machines),
            if r.machines == 1 { "has" } else { "have" },
        ));
    }
    let failed: Vec<(Code, u64)> = Code::ALL
        .iter()
        .filter(|c| c.is_failed_attempt())
        .filter_map(|&c| Some((c, *f.outcomes.get(c.as_str())?)))
        .filter(|&(_, n)| n > 0)
        .collect();
    let total: u64 = failed.iter().map(|(_, n)| n).sum();
    let codes = failed
        .iter()
        .map(|(c, n)| format!("{} × {}", c.as_str(), thousands(*n)))
        .collect::<Vec<_>>()
        .join(", ");
    let still = f
        .last_failure_s
        .is_some_and(|last| last + STILL_FAILING >= end);
    if total > 0 && still {
        let from = f.first_failure_s.map(when).unwrap_or_default();
        problems.push(format!(
            "{} attempt{} failed from {from} to the end ({codes})",
            thousands(total),
            plural(total)
        ));
    }
    let licensed = f.final_counts.get("licensed").copied().unwrap_or(0);
    if never_activated {
        // Initial grace is where such machines belong; past it, the rebuilds came too late.
        let late = f.final_counts.get("notification").copied().unwrap_or(0);
        if late > 0 {
            problems.push(format!(
                "{} of {} machines in notification at the end (the fleet is never activated: \
                 it must be rebuilt within its grace period)",
                thousands(late),
                thousands(f.machines)
            ));
        }
    } else if licensed < f.machines {
        let states: Vec<String> = ["grace", "oot_grace", "notification"]
            .iter()
            .filter_map(|s| Some((*s, *f.final_counts.get(*s)?)))
            .filter(|&(_, n)| n > 0)
            .map(|(s, n)| format!("{} in {}", thousands(n), state_words(s)))
            .collect();
        problems.push(format!(
            "{} of {} machines not licensed at the end ({})",
            thousands(f.machines - licensed),
            thousands(f.machines),
            states.join(", ")
        ));
    }
    if !problems.is_empty() {
        out.push(problem(name, format!("{name}: {}", problems.join("; "))));
    } else if total > 0 {
        let (from, to) = (
            f.first_failure_s.map(when).unwrap_or_default(),
            f.last_failure_s.map(when).unwrap_or_default(),
        );
        let span = if from == to {
            format!("on {from}")
        } else {
            format!("from {from} to {to}")
        };
        out.push(note(
            name,
            format!(
                "{name}: {} attempt{} failed {span}, none after ({codes})",
                thousands(total),
                plural(total)
            ),
        ));
    }
}

/// Kaspersky-managed devices without a valid key at the end.
fn devices(out: &mut Vec<Finding>, name: &str, f: &FleetSummary) {
    let bad: Vec<String> = [
        ("no_key", "without a key"),
        ("expired", "with an expired key"),
    ]
    .iter()
    .filter_map(|(s, words)| Some((*f.final_counts.get(*s)?, *words)))
    .filter(|&(n, _)| n > 0)
    .map(|(n, words)| format!("{} device{} {words}", thousands(n), plural(n)))
    .collect();
    if !bad.is_empty() {
        out.push(problem(
            name,
            format!("{name}: {} at the end (Kaspersky)", bad.join(", ")),
        ));
    }
}

/// The verdict that heads the terminal summary and `report.html`: what the expectations say,
/// then — first — what is wrong although they held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No expectation failed and nothing is wrong.
    Clean,
    /// No expectation failed, but there are problems.
    HeldBut,
    /// An expectation failed.
    Failed,
}

/// The verdict and its headline: "All 6 expectations held, but dmz-servers: 20 machines …".
pub fn verdict(summary: &Summary) -> (Verdict, String) {
    let n = summary.expectations.len();
    let failed = summary.failed();
    let problems: Vec<&Finding> = summary.problems().collect();
    let expectations = match (n, failed) {
        (0, _) => "No expectations were stated".to_owned(),
        (1, 0) => "The expectation held".to_owned(),
        (n, 0) => format!("All {n} expectations held"),
        (n, f) => format!("{f} of {n} expectations failed"),
    };
    let kind = if failed > 0 {
        Verdict::Failed
    } else if problems.is_empty() {
        Verdict::Clean
    } else {
        Verdict::HeldBut
    };
    let joint = if n == 0 || failed > 0 { ";" } else { ", but" };
    let text = match problems.as_slice() {
        [] => format!("{expectations}."),
        [one] => format!("{expectations}{joint} {}.", one.text),
        many => format!("{expectations}{joint} {} problems were found:", many.len()),
    };
    (kind, text)
}

fn problem(subject: &str, text: String) -> Finding {
    Finding {
        severity: Severity::Problem,
        subject: subject.to_owned(),
        text,
    }
}

fn note(subject: &str, text: String) -> Finding {
    Finding {
        severity: Severity::Note,
        subject: subject.to_owned(),
        text,
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn state_words(state: &str) -> &'static str {
    match state {
        "grace" => "initial grace",
        "oot_grace" => "out-of-tolerance grace",
        _ => "notification",
    }
}

/// An instant in words: "day 66", with the date when the scenario has a `start`
/// ("day 66, 2027-03-08").
pub fn when(model: &Model, t: SimTime) -> String {
    let day = t / DAY;
    match model
        .start
        .and_then(|s| s.checked_add_days(chrono::Days::new(day)))
    {
        Some(date) => format!("day {day} ({})", date.format("%Y-%m-%d")),
        None => format!("day {day}"),
    }
}

pub use crate::numbers::thousands;
