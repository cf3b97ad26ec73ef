//! The limits that keep a run's work and memory bounded, each checked before anything is
//! allocated and reported as a scenario error where the scenario sets it (docs/scenario-format.md, "Limits").
//!
//! Two are estimates rather than counts: the **sample values** a run keeps (samples × series:
//! every series of `timeseries.csv`, `hosts.csv`, `attempts_by_fleet.csv`, `risk.csv` … is
//! held in memory and written at the end, about 150 bytes a value in all) and the **work**
//! (events a run handles, about one per machine per renewal interval plus one per online
//! period of its schedule). The work limit is a budget, not a wall: `--allow-large` runs a
//! bigger scenario anyway.

use crate::error::Error;
use crate::model::{Model, OnlineModel};
use crate::numbers::thousands;
use crate::scenario::locate::Locator;
use crate::time::SimTime;

/// The most sample values (samples × series) a run keeps: about 300 MB.
pub const MAX_SAMPLE_VALUES: u64 = 2_000_000;

/// The most events a run is estimated to handle without `--allow-large`: about a minute
/// on a 2-core machine (a million machines for a year is ~55 million).
pub const WORK_BUDGET: u64 = 500_000_000;

/// The longest scenario name (a title) and question.
pub const MAX_TITLE: usize = 200;

/// The largest scenario file read (bytes).
pub const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// The series a run samples: per fleet its states (and Kaspersky keys), its attempts and
/// risk; per host its two pools; per MAK and Kaspersky key one; and the run's attempts.
pub fn series(model: &Model) -> u64 {
    let fleets = model.fleets.len() as u64;
    let ksc_fleets = model
        .fleets
        .iter()
        .filter(|f| f.ksc.is_some() || !f.method.windows())
        .count() as u64;
    3 * fleets
        + ksc_fleets
        + 2 * model.kms.hosts.len() as u64
        + model.mak_keys.len() as u64
        + model.ksc.keys.len() as u64
        + 1
}

/// Grid samples of a run.
pub fn samples(model: &Model) -> u64 {
    model.duration / model.sample_every + 1
}

/// The events a run of `model` is expected to handle, and what drives them most, in words.
pub fn work(model: &Model) -> (u64, String) {
    let mut total: u64 = 0;
    let mut worst = (0u64, String::new());
    let renewal = model
        .kms
        .hosts
        .iter()
        .filter_map(|h| h.renewal_interval)
        .chain([model.policy.renewal_interval])
        .min()
        .unwrap_or(model.policy.renewal_interval)
        .max(1);
    let added = |f: crate::model::FleetId| -> u64 {
        model
            .timeline
            .iter()
            .filter_map(|e| match e.action {
                crate::model::ActionModel::Fleet {
                    fleet,
                    action: crate::model::FleetAction::AddMachines { count },
                } if fleet == f => Some(count),
                _ => None,
            })
            .sum()
    };
    for (id, f) in model.fleets.enumerate() {
        let machines = f.count + added(id);
        let period: SimTime = match &f.online {
            OnlineModel::Always => SimTime::MAX,
            OnlineModel::Daily { .. } => crate::time::DAY,
            OnlineModel::Windows(w) => model.duration / (w.len() as u64).max(1),
            OnlineModel::Random { mean_on, mean_off } => (mean_on + mean_off).max(1),
        };
        let per_machine = model.duration / renewal + 2 * (model.duration / period.max(1)) + 4;
        let events = machines.saturating_mul(per_machine);
        total = total.saturating_add(events);
        if events > worst.0 {
            let why = if period < renewal {
                format!(
                    "{machines} machines of fleet \"{}\" × {} online periods",
                    f.name,
                    model.duration / period.max(1)
                )
            } else {
                format!(
                    "{machines} machines of fleet \"{}\" × {} renewals",
                    f.name,
                    model.duration / renewal
                )
            };
            worst = (events, why);
        }
    }
    (total, worst.1)
}

/// The events a run of `model` may handle when every attempt fails: `work` counts one
/// event per machine per renewal interval, and a machine that cannot activate retries every
/// activation interval instead, up to renewal ÷ activation interval times more (84 × with
/// the defaults). The budget is checked against `work` — a failing network is what people
/// simulate, and it is still bounded — and this bound keeps the fuzzer's runs short.
pub fn worst_work(model: &Model) -> u64 {
    let (work, _) = work(model);
    let retry = model.policy.activation_interval.max(1);
    work.saturating_mul((model.policy.renewal_interval / retry).max(1))
}

/// Refuses a scenario whose estimated work is over `WORK_BUDGET`, unless `allow_large`.
pub fn check_work(file: &str, model: &Model, allow_large: bool) -> Result<(), Error> {
    let (events, why) = work(model);
    if allow_large || events <= WORK_BUDGET {
        return Ok(());
    }
    let at = Locator::new(&model.source).find(&["duration:"]);
    Err(Error::Scenario {
        file: file.to_owned(),
        line: at.line,
        column: at.column,
        message: format!(
            "this run would handle about {} events (mostly {why}), over the budget of {} \
             (about a minute); shorten it, or run it with --allow-large",
            thousands(events),
            thousands(WORK_BUDGET)
        ),
    })
}
