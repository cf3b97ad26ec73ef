//! The numbers of one run that sweeps and comparisons report: named, flat, `None` when a
//! thing never happened (a fleet never licensed). Times are in days.

#![allow(clippy::indexing_slicing)] // indices are positions in results and statistics the sweep itself allocated, one per unit and metric

use crate::Outcome;
use crate::model::{Model, StateSet};

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

pub fn of(model: &Model, outcome: &Outcome) -> Metrics {
    let mut m: Metrics = Vec::new();
    let fleets = &outcome.populations;
    let min_share = fleets
        .iter()
        .filter_map(|f| f.min_licensed_share)
        .reduce(f64::min);
    m.push(("min_licensed_share".into(), min_share));
    m.push((
        "notification_machine_days".into(),
        Some(fleets.iter().map(|f| f.worst_machine_days).sum()),
    ));
    m.push((
        "requests".into(),
        Some(outcome.kms.hosts.iter().map(|h| h.requests as f64).sum()),
    ));
    m.push((
        "peak_requests_per_hour".into(),
        outcome
            .kms
            .hosts
            .iter()
            .map(|h| h.peak_requests_per_hour as f64)
            .reduce(f64::max),
    ));
    m.push((
        "failures".into(),
        Some(outcome.kms.hosts.iter().map(|h| h.failures as f64).sum()),
    ));
    m.push((
        "expectations_failed".into(),
        Some(outcome.expectations.iter().filter(|e| !e.held).count() as f64),
    ));
    m.push(("events".into(), Some(outcome.events as f64)));
    for r in fleets {
        let f = &model.fleets[r.population.fleet];
        let licensed = r.population.set.licensed_in(&r.final_counts) as f64;
        let share = (r.machines > 0).then(|| licensed / r.machines as f64);
        // The Kaspersky side of a fleet that is also Windows clients: `fleet.NAME.ksc.*`.
        let name = if r.population.set != f.method.states() {
            format!("{}.ksc", f.name)
        } else {
            f.name.clone()
        };
        m.push((format!("fleet.{name}.final_licensed_share"), share));
        m.push((
            format!("fleet.{name}.min_licensed_share"),
            r.min_licensed_share,
        ));
        let worst = match r.population.set {
            StateSet::Windows => "notification_machine_days",
            StateSet::Ksc => "expired_device_days",
        };
        m.push((format!("fleet.{name}.{worst}"), Some(r.worst_machine_days)));
        m.push((
            format!("fleet.{name}.first_licensed_d"),
            days(r.first_licensed),
        ));
        m.push((format!("fleet.{name}.all_licensed_d"), days(r.all_licensed)));
    }
    for (h, s) in model.kms.hosts.iter().zip(&outcome.kms.hosts) {
        let name = &h.name;
        m.push((format!("host.{name}.requests"), Some(s.requests as f64)));
        m.push((format!("host.{name}.failures"), Some(s.failures as f64)));
        m.push((
            format!("host.{name}.peak_requests_per_hour"),
            Some(s.peak_requests_per_hour as f64),
        ));
        m.push((
            format!("host.{name}.threshold_reached_d"),
            days(s.threshold_reached[0]),
        ));
    }
    for (k, s) in model.mak_keys.iter().zip(&outcome.mak.keys) {
        let name = &k.name;
        m.push((format!("mak.{name}.used"), Some(s.used as f64)));
        m.push((format!("mak.{name}.remaining"), Some(s.remaining as f64)));
        m.push((format!("mak.{name}.exhausted_d"), days(s.exhausted_at)));
    }
    for (k, s) in model.ksc.keys.iter().zip(&outcome.ksc.keys) {
        let name = &k.name;
        m.push((
            format!("ksc.{name}.peak_usage_share"),
            Some(s.peak_usage_share),
        ));
        m.push((
            format!("ksc.{name}.in_use"),
            Some((s.active_on + s.reserve_on) as f64),
        ));
    }
    for c in model.codes() {
        m.push((
            format!("outcome.{}", c.as_str()),
            Some(outcome.outcomes[c as usize] as f64),
        ));
    }
    m
}
