//! The numbers of one run that sweeps and comparisons report: named, flat, `None` when a
//! thing never happened (a fleet never licensed). Times are in days.

#![allow(clippy::indexing_slicing)] // indices are positions in results and statistics the sweep itself allocated, one per unit and metric

use crate::Outcome;
use crate::model::{Model, StateSet};
use crate::observe::Population;

/// Metric names and values of one run, in a fixed order for a given scenario.
pub type Metrics = Vec<(String, Option<f64>)>;

/// The totals a sweep charts and a `--fail-if` most often names.
pub const HEADLINE: [&str; 4] = [
    "min_licensed_share",
    "notification_machine_days",
    "requests",
    "peak_requests_per_hour",
];

fn days(t: Option<u64>) -> Option<f64> {
    t.map(|t| t as f64 / 86_400.0)
}

/// The metric names of a run of `model`, in the order `of` gives their values: known before
/// anything runs, so a `--fail-if` naming no metric is refused at once.
pub fn names(model: &Model) -> Vec<String> {
    let mut n: Vec<String> = HEADLINE
        .iter()
        .chain(&["failures", "expectations_failed", "events"])
        .map(|&name| name.to_owned())
        .collect();
    for p in Population::of(model) {
        let f = &model.fleets[p.fleet];
        // The Kaspersky side of a fleet that is also Windows clients: `fleet.NAME.ksc.*`.
        let name = if p.set != f.method.states() {
            format!("{}.ksc", f.name)
        } else {
            f.name.clone()
        };
        let worst = match p.set {
            StateSet::Windows => "notification_machine_days",
            StateSet::Ksc => "expired_device_days",
        };
        for m in [
            "final_licensed_share",
            "min_licensed_share",
            worst,
            "first_licensed_d",
            "all_licensed_d",
        ] {
            n.push(format!("fleet.{name}.{m}"));
        }
    }
    for h in model.kms.hosts.iter() {
        for m in [
            "requests",
            "failures",
            "peak_requests_per_hour",
            "threshold_reached_d",
        ] {
            n.push(format!("host.{}.{m}", h.name));
        }
    }
    for k in &model.mak_keys {
        for m in ["used", "remaining", "exhausted_d"] {
            n.push(format!("mak.{}.{m}", k.name));
        }
    }
    for k in model.ksc.keys.iter() {
        for m in ["peak_usage_share", "in_use"] {
            n.push(format!("ksc.{}.{m}", k.name));
        }
    }
    for c in model.codes() {
        n.push(format!("outcome.{}", c.as_str()));
    }
    n
}

/// The metrics of one run: `names(model)` with their values.
pub fn of(model: &Model, outcome: &Outcome) -> Metrics {
    let mut v: Vec<Option<f64>> = Vec::new();
    let fleets = &outcome.populations;
    v.push(
        fleets
            .iter()
            .filter_map(|f| f.min_licensed_share)
            .reduce(f64::min),
    );
    v.push(Some(fleets.iter().map(|f| f.worst_machine_days).sum()));
    v.push(Some(
        outcome.kms.hosts.iter().map(|h| h.requests as f64).sum(),
    ));
    v.push(
        outcome
            .kms
            .hosts
            .iter()
            .map(|h| h.peak_requests_per_hour as f64)
            .reduce(f64::max),
    );
    v.push(Some(
        outcome.kms.hosts.iter().map(|h| h.failures as f64).sum(),
    ));
    v.push(Some(
        outcome.expectations.iter().filter(|e| !e.held).count() as f64,
    ));
    v.push(Some(outcome.events as f64));
    for r in fleets {
        let licensed = r.population.set.licensed_in(&r.final_counts) as f64;
        v.push((r.machines > 0).then(|| licensed / r.machines as f64));
        v.push(r.min_licensed_share);
        v.push(Some(r.worst_machine_days));
        v.push(days(r.first_licensed));
        v.push(days(r.all_licensed));
    }
    for s in &outcome.kms.hosts {
        v.push(Some(s.requests as f64));
        v.push(Some(s.failures as f64));
        v.push(Some(s.peak_requests_per_hour as f64));
        v.push(days(s.threshold_reached[0]));
    }
    for s in &outcome.mak.keys {
        v.push(Some(s.used as f64));
        v.push(Some(s.remaining as f64));
        v.push(days(s.exhausted_at));
    }
    for s in &outcome.ksc.keys {
        v.push(Some(s.peak_usage_share));
        v.push(Some((s.active_on + s.reserve_on) as f64));
    }
    for c in model.codes() {
        v.push(Some(outcome.outcomes[c as usize] as f64));
    }
    names(model).into_iter().zip(v).collect()
}
