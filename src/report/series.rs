//! The time-series files of outputs.md: `timeseries.csv`, `hosts.csv`, `attempts.csv`,
//! `attempts_by_fleet.csv`, `risk.csv`, and those of MAK keys and Kaspersky.

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use super::day;
use crate::model::{Id, Model, Pool, StateSet};
use crate::observe::{Outcome, Population};

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

/// csv's errors are I/O errors of the sink, and a `Vec` sink has none.
#[allow(clippy::expect_used)]
fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

/// Writes one record (to memory: cannot fail, see `finish`).
#[allow(clippy::expect_used)]
fn put<I, T>(w: &mut csv::Writer<Vec<u8>>, record: I)
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    w.write_record(record)
        .expect("writing to memory cannot fail");
}

/// One row per grid sample per fleet counted in Windows licence states:
/// `time_s,day,fleet,grace,licensed,oot_grace,notification,offline`.
pub fn timeseries_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    population_csv(model, outcome, StateSet::Windows)
}

/// One row per grid sample per Kaspersky-managed fleet:
/// `time_s,day,fleet,no_key,active,active_with_reserve,expired,offline`.
pub fn ksc_timeseries_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    population_csv(model, outcome, StateSet::Ksc)
}

/// One row per grid sample per licence key: `time_s,day,server,key,active_on,reserve_on`.
pub fn ksc_keys_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    let mut w = writer();
    put(
        &mut w,
        ["time_s", "day", "server", "key", "active_on", "reserve_on"],
    );
    let mut rows = outcome.series.ksc.iter();
    for t in outcome.series.grid_times() {
        for key in &model.ksc.keys {
            let Some(&(active, reserve)) = rows.next() else {
                break;
            };
            put(
                &mut w,
                [
                    t.to_string(),
                    day(t),
                    model.ksc.servers[key.server].name.clone(),
                    key.name.clone(),
                    active.to_string(),
                    reserve.to_string(),
                ],
            );
        }
    }
    finish(w)
}

/// The time series of one family of states, one row per grid sample per population.
fn population_csv(model: &Model, outcome: &Outcome, set: StateSet) -> Vec<u8> {
    let mut w = writer();
    let mut header = vec!["time_s", "day", "fleet"];
    header.extend(set.columns());
    put(&mut w, &header);
    let series = &outcome.series;
    let populations: Vec<Population> = outcome.populations.iter().map(|p| p.population).collect();
    let n = populations.len();
    for (i, &t) in series.times.iter().enumerate() {
        if !series.on_grid[i] {
            continue;
        }
        for (p, population) in populations.iter().enumerate() {
            if population.set != set {
                continue;
            }
            let row = series.rows[i * n + p];
            let mut record = vec![
                t.to_string(),
                day(t),
                model.fleets[population.fleet].name.clone(),
            ];
            record.extend(
                row.columns[..=population.offline()]
                    .iter()
                    .map(u64::to_string),
            );
            put(&mut w, &record);
        }
    }
    finish(w)
}

/// One row per grid sample per host and pool: `time_s,day,host,pool,count,requests,failures`;
/// `count` is empty while the host does not exist (before `AddHost`, after `RemoveHost`).
pub fn hosts_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    let mut w = writer();
    put(
        &mut w,
        [
            "time_s", "day", "host", "pool", "count", "requests", "failures",
        ],
    );
    let mut rows = outcome.series.hosts.iter();
    for t in outcome.series.grid_times() {
        for host in &model.kms.hosts {
            for pool in Pool::ALL {
                let Some(s) = rows.next() else { break };
                let pool = pool.as_str();
                put(
                    &mut w,
                    [
                        t.to_string(),
                        day(t),
                        host.name.clone(),
                        pool.to_owned(),
                        s.count.map_or_else(String::new, |c| c.to_string()),
                        s.requests.to_string(),
                        s.failures.to_string(),
                    ],
                );
            }
        }
    }
    finish(w)
}

/// One row per grid sample per MAK key: `time_s,day,key,used,remaining` (MAK-1).
pub fn mak_keys_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    let mut w = writer();
    put(&mut w, ["time_s", "day", "key", "used", "remaining"]);
    let mut rows = outcome.series.mak.iter();
    for t in outcome.series.grid_times() {
        for key in &model.mak_keys {
            let Some(&(used, remaining)) = rows.next() else {
                break;
            };
            put(
                &mut w,
                [
                    t.to_string(),
                    day(t),
                    key.name.clone(),
                    used.to_string(),
                    remaining.to_string(),
                ],
            );
        }
    }
    finish(w)
}

/// One row per grid sample: outcomes by code since the previous sample, one column per code
/// the scenario reports.
pub fn attempts_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    let codes = model.codes();
    let mut w = writer();
    let mut header = vec!["time_s", "day"];
    header.extend(codes.iter().map(|c| c.as_str()));
    put(&mut w, &header);
    for (t, counts) in outcome.series.grid_times().zip(&outcome.series.attempts) {
        let mut record = vec![t.to_string(), day(t)];
        record.extend(codes.iter().map(|&c| counts[c as usize].to_string()));
        put(&mut w, &record);
    }
    finish(w)
}

/// One row per grid sample per fleet counted in Windows licence states: its attempt outcomes
/// since the previous sample, one column per code the scenario reports —
/// `time_s,day,fleet,<codes>`.
pub fn attempts_by_fleet_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    let codes = model.codes();
    let mut w = writer();
    let mut header = vec!["time_s", "day", "fleet"];
    header.extend(codes.iter().map(|c| c.as_str()));
    put(&mut w, &header);
    let fleets = windows_fleets(outcome);
    let per_sample = outcome
        .series
        .fleet_attempts
        .chunks(model.fleets.len().max(1));
    for (t, counts) in outcome.series.grid_times().zip(per_sample) {
        for &f in &fleets {
            let mut record = vec![t.to_string(), day(t), model.fleets[f].name.clone()];
            record.extend(
                codes
                    .iter()
                    .map(|&c| counts[f.index()][c as usize].to_string()),
            );
            put(&mut w, &record);
        }
    }
    finish(w)
}

/// One row per grid sample per fleet counted in Windows licence states: the machines at risk
/// (licensed, renewal overdue by more than a day) and the earliest end of licence among them
/// — `time_s,day,fleet,at_risk,earliest_expiry_s` (empty when none is at risk).
pub fn risk_csv(model: &Model, outcome: &Outcome) -> Vec<u8> {
    let mut w = writer();
    put(
        &mut w,
        ["time_s", "day", "fleet", "at_risk", "earliest_expiry_s"],
    );
    let populations: Vec<Population> = outcome.populations.iter().map(|p| p.population).collect();
    let per_sample = outcome.series.risk.chunks(populations.len().max(1));
    for (t, risks) in outcome.series.grid_times().zip(per_sample) {
        for (population, risk) in populations.iter().zip(risks) {
            if population.set != StateSet::Windows {
                continue;
            }
            put(
                &mut w,
                [
                    t.to_string(),
                    day(t),
                    model.fleets[population.fleet].name.clone(),
                    risk.machines.to_string(),
                    risk.earliest_end
                        .map_or_else(String::new, |e| e.to_string()),
                ],
            );
        }
    }
    finish(w)
}

/// The fleets counted in Windows licence states, in file order.
fn windows_fleets(outcome: &Outcome) -> Vec<crate::model::FleetId> {
    outcome
        .populations
        .iter()
        .filter(|p| p.population.set == StateSet::Windows)
        .map(|p| p.population.fleet)
        .collect()
}
