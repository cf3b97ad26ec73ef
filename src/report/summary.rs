//! `summary.json`: a typed `Summary` with every field the outputs reference lists, in a fixed
//! order, with no wall-clock value, so it is byte-identical for the same scenario, seed and
//! version. Reports read this struct (parsed back from the file by `actsim chart`), never
//! string paths into JSON.

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use super::findings::{self, Finding, Severity};
use crate::methods::kms::summary::{self as kms, DnsSummary, HostSummary};
use crate::methods::ksc::summary::{self as ksc, KeySummary};
use crate::methods::mak::summary::{self as mak, MakSummary};
use crate::model::{Model, StateSet};
use crate::observe::{Outcome, PopulationResult};
use crate::time::SimTime;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub scenario: String,
    pub question: Option<String>,
    pub seed: u64,
    pub start: Option<String>,
    pub duration_s: SimTime,
    pub sample_every_s: SimTime,
    pub events: u64,
    /// What is wrong, problems first (`findings.rs`); absent when nothing is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    pub fleets: IndexMap<String, FleetSummary>,
    pub hosts: IndexMap<String, HostSummary>,
    pub dns: IndexMap<String, DnsSummary>,
    pub mak_keys: IndexMap<String, MakSummary>,
    /// Kaspersky licence keys (absent without KSC servers).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub ksc_keys: IndexMap<String, KeySummary>,
    /// Attempts by outcome code, every code listed.
    pub outcomes: IndexMap<String, u64>,
    pub expectations: Vec<ExpectSummary>,
}

/// `fleets.NAME` of the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetSummary {
    /// Machines arrived and not retired at the end.
    pub machines: u64,
    /// Machines per state at the end, then `offline`.
    #[serde(rename = "final")]
    pub final_counts: IndexMap<String, u64>,
    pub first_licensed_s: Option<SimTime>,
    pub all_licensed_s: Option<SimTime>,
    /// Windows machines: machine-days in notification mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_machine_days: Option<f64>,
    /// Kaspersky devices: device-days with only an expired key (limited mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_device_days: Option<f64>,
    pub min_licensed_share: Option<f64>,
    /// Attempt outcomes of its machines by code (Windows fleets).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub outcomes: IndexMap<String, u64>,
    /// Licensed machines that did not renew in time at the end (Windows fleets): how many,
    /// the earliest end of licence among them, and when that machine last renewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_risk: Option<AtRiskSummary>,
    /// The first and the last failed attempt (no host, a refusal, a count too low, a MAK
    /// with nothing left) of its machines (Windows fleets that had one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_failure_s: Option<SimTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure_s: Option<SimTime>,
    /// The fleet's Kaspersky keys, when a server manages machines that are also Windows
    /// clients (`ksc` beside `activation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ksc: Option<Box<FleetSummary>>,
}

/// `fleets.NAME.at_risk` of the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AtRiskSummary {
    pub machines: u64,
    pub earliest_expiry_s: Option<SimTime>,
    pub last_renewed_s: Option<SimTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpectSummary {
    pub expect: String,
    pub held: bool,
    pub detail: String,
}

impl Summary {
    /// The findings that `--strict` fails on.
    pub fn problems(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Problem)
    }

    /// How many expectations failed.
    pub fn failed(&self) -> usize {
        self.expectations.iter().filter(|e| !e.held).count()
    }

    /// The summary as written to `summary.json`.
    #[allow(clippy::expect_used)] // a summary is plain data with string keys: serialising it cannot fail
    pub fn to_json(&self) -> Vec<u8> {
        let mut json = serde_json::to_vec_pretty(self).expect("a summary always serialises");
        json.push(b'\n');
        json
    }
}

/// Rounds to `digits` decimals so that the JSON shows meaningful figures only.
fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

fn fleet(model: &Model, r: &PopulationResult) -> FleetSummary {
    let worst = round(r.worst_machine_days, 3);
    let windows = r.population.set == StateSet::Windows;
    FleetSummary {
        machines: r.machines,
        final_counts: r
            .population
            .set
            .columns()
            .zip(r.final_counts)
            .map(|(name, n)| (name.to_owned(), n))
            .collect(),
        first_licensed_s: r.first_licensed,
        all_licensed_s: r.all_licensed,
        notification_machine_days: windows.then_some(worst),
        expired_device_days: (!windows).then_some(worst),
        min_licensed_share: r.min_licensed_share.map(|s| round(s, 6)),
        outcomes: if windows {
            model
                .codes()
                .iter()
                .map(|&c| (c.as_str().to_owned(), r.outcomes[c as usize]))
                .collect()
        } else {
            IndexMap::new()
        },
        first_failure_s: r.failures.map(|f| f.0),
        last_failure_s: r.failures.map(|f| f.1),
        at_risk: windows.then_some(AtRiskSummary {
            machines: r.at_risk.machines,
            earliest_expiry_s: r.at_risk.earliest_end,
            last_renewed_s: r.at_risk.last_renewed,
        }),
        ksc: None,
    }
}

/// One entry per fleet: its method's population, with its Kaspersky keys nested when a
/// server manages it beside a Windows method.
fn fleets(model: &Model, outcome: &Outcome) -> IndexMap<String, FleetSummary> {
    let mut map: IndexMap<String, FleetSummary> = IndexMap::new();
    for r in &outcome.populations {
        let f = &model.fleets[r.population.fleet];
        match map.get_mut(&f.name) {
            Some(primary) => primary.ksc = Some(Box::new(fleet(model, r))),
            None => {
                map.insert(f.name.clone(), fleet(model, r));
            }
        }
    }
    map
}

pub fn summary(model: &Model, seed: u64, outcome: &Outcome) -> Summary {
    let mut summary = Summary {
        scenario: model.name.clone(),
        question: model.question.clone(),
        seed,
        start: model.start.map(|d| d.format("%Y-%m-%d").to_string()),
        duration_s: model.duration,
        sample_every_s: model.sample_every,
        events: outcome.events,
        findings: Vec::new(),
        fleets: fleets(model, outcome),
        hosts: kms::hosts(model, &outcome.kms),
        dns: kms::dns(model, &outcome.kms, &outcome.dns_events),
        mak_keys: mak::keys(model, &outcome.mak),
        ksc_keys: ksc::keys(model, &outcome.ksc),
        outcomes: model
            .codes()
            .iter()
            .map(|&c| (c.as_str().to_owned(), outcome.outcomes[c as usize]))
            .collect(),
        expectations: outcome
            .expectations
            .iter()
            .map(|e| ExpectSummary {
                expect: e.expect.clone(),
                held: e.held,
                detail: e.detail.clone(),
            })
            .collect(),
    };
    summary.findings = findings::of(model, &summary);
    summary
}
