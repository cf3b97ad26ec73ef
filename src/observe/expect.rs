//! Expectations (`expect` in a scenario): checked after the run against the samples and the
//! exact counters. A failure names the time and the value that broke it.

#![allow(clippy::indexing_slicing)] // indices are fleet, population, code and sample positions the observer itself allocates for the model it was given

use super::{Population, PopulationResult, Series};
use crate::methods::kms::stats::KmsStats;
use crate::model::{Column, ExpectKind, FleetId, Id, KmsExpect, KscExpect, Model, StateSet, When};
use crate::time::{SimTime, human as time};

/// One expectation's verdict; a sweep keeps each run's in its unit files (serde).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExpectResult {
    /// The expectation as written.
    pub expect: String,
    /// The line of its entry in the scenario file.
    pub line: usize,
    pub held: bool,
    /// The decisive value and time, in words.
    pub detail: String,
}

/// Sample indices an expectation looks at: every grid sample from `from` on, or the one
/// sample at `at`.
fn samples(series: &Series, when: When) -> impl Iterator<Item = usize> + '_ {
    (0..series.times.len()).filter(move |&i| match when {
        When::From(from) => series.on_grid[i] && series.times[i] >= from,
        When::At(at) => series.times[i] == at,
    })
}

/// The population an expectation on `fleet` reads, and its column: the family of the state
/// named (validation made sure the fleet has it), or the fleet's first family for `offline`.
#[allow(clippy::expect_used)] // validation resolved every expectation's fleet and the family of its state
fn locate(
    populations: &[PopulationResult],
    fleet: FleetId,
    column: Column,
) -> (usize, Population, usize) {
    let (p, result) = populations
        .iter()
        .enumerate()
        .find(|(_, r)| {
            r.population.fleet == fleet
                && match column {
                    Column::State { set, .. } => r.population.set == set,
                    Column::Offline => true,
                }
        })
        .expect("validation resolved the expectation's fleet and state");
    let c = match column {
        Column::State { index, .. } => usize::from(index),
        Column::Offline => result.population.offline(),
    };
    (p, result.population, c)
}

fn column_name(population: Population, c: usize) -> &'static str {
    population.set.columns().nth(c).unwrap_or("offline")
}

#[allow(clippy::expect_used)] // validation resolved every expectation's fleet and the family of its state
pub fn evaluate(
    model: &Model,
    end: SimTime,
    series: &Series,
    populations: &[PopulationResult],
    kms: &KmsStats,
) -> Vec<ExpectResult> {
    let keys = model.ksc.keys.len();
    let n = populations.len();
    model
        .expect
        .iter()
        .map(|e| {
            let (held, detail) = match e.kind {
                ExpectKind::LicensedShare { fleet, at_least, when } => {
                    let set = model.fleets[fleet].method.states();
                    let (p, _, _) = locate(populations, fleet, Column::State { set, index: 0 });
                    let shares = samples(series, when).filter_map(|i| {
                        let row = series.rows[i * n + p];
                        let licensed = set.licensed_in(&row.columns);
                        (row.present > 0)
                            .then(|| (series.times[i], licensed as f64 / row.present as f64))
                    });
                    let mut first_below = None;
                    let mut lowest: Option<(SimTime, f64)> = None;
                    for (t, share) in shares {
                        if share < at_least && first_below.is_none() {
                            first_below = Some((t, share));
                        }
                        if lowest.is_none_or(|(_, l)| share < l) {
                            lowest = Some((t, share));
                        }
                    }
                    match (first_below, lowest) {
                        (Some((t, v)), Some((lt, l))) => (
                            false,
                            format!(
                                "licensed share {v:.4} at {} is below {at_least}; lowest {l:.4} at {}",
                                time(t),
                                time(lt)
                            ),
                        ),
                        (None, Some((t, l))) => (true, format!("lowest {l:.4} at {}", time(t))),
                        _ => (true, "no machine present at the times checked".to_owned()),
                    }
                }
                ExpectKind::NoneIn { fleet, column } => {
                    let (p, population, c) = locate(populations, fleet, column);
                    let r = &populations[p];
                    let name = column_name(population, c);
                    match r.first_in_state[c] {
                        Some(t) => (
                            false,
                            format!(
                                "first machine in {name} at {}; at most {} at once",
                                time(t),
                                r.max_by_state[c]
                            ),
                        ),
                        None => (true, format!("no machine was ever in {name}")),
                    }
                }
                ExpectKind::AtMost { fleet, column, count, when } => {
                    let (p, population, c) = locate(populations, fleet, column);
                    let mut first_over = None;
                    let mut highest: Option<(SimTime, u64)> = None;
                    for i in samples(series, when) {
                        let v = series.rows[i * n + p].columns[c];
                        if v > count && first_over.is_none() {
                            first_over = Some((series.times[i], v));
                        }
                        if highest.is_none_or(|(_, h)| v > h) {
                            highest = Some((series.times[i], v));
                        }
                    }
                    let name = column_name(population, c);
                    match (first_over, highest) {
                        (Some((t, v)), Some((ht, h))) => (
                            false,
                            format!("{v} in {name} at {}, over {count}; highest {h} at {}", time(t), time(ht)),
                        ),
                        (None, Some((t, h))) => (true, format!("highest {h} in {name} at {}", time(t))),
                        _ => (true, "no sample at the times checked".to_owned()),
                    }
                }
                ExpectKind::Ksc(KscExpect::KeyUsageBelow { key, share, from }) => {
                    let devices = model.ksc.keys[key].devices as f64;
                    let mut first_over = None;
                    let mut highest: Option<(SimTime, f64)> = None;
                    for (g, t) in series.grid_times().enumerate() {
                        if t < from {
                            continue;
                        }
                        let (active, reserve) = series.ksc[g * keys + key.index()];
                        let used = (active + reserve) as f64 / devices;
                        if used >= share && first_over.is_none() {
                            first_over = Some((t, used));
                        }
                        if highest.is_none_or(|(_, h)| used > h) {
                            highest = Some((t, used));
                        }
                    }
                    match (first_over, highest) {
                        (Some((t, v)), Some((ht, h))) => (
                            false,
                            format!("usage {v:.4} of the limit at {} is not below {share}; highest {h:.4} at {}", time(t), time(ht)),
                        ),
                        (None, Some((t, h))) => (true, format!("highest usage {h:.4} at {}", time(t))),
                        _ => (true, "no sample at the times checked".to_owned()),
                    }
                }
                ExpectKind::NoneAtRisk { fleet, within } => {
                    let p = populations
                        .iter()
                        .position(|r| {
                            r.population.fleet == fleet && r.population.set == StateSet::Windows
                        })
                        .expect("validation made sure the fleet has Windows licences");
                    // At every grid sample, then at the end: machines at risk whose first
                    // licence ends within `within` of that instant.
                    let ends = series
                        .grid_times()
                        .enumerate()
                        .map(|(g, t)| (t, series.risk[g * n + p]))
                        .chain([(end, populations[p].at_risk)]);
                    let mut first = None;
                    let mut most: Option<(SimTime, u64)> = None;
                    for (t, r) in ends {
                        if r.machines == 0 {
                            continue;
                        }
                        if first.is_none() && r.earliest_end.is_some_and(|e| e <= t + within) {
                            first = Some((t, r));
                        }
                        if most.is_none_or(|(_, m)| r.machines > m) {
                            most = Some((t, r.machines));
                        }
                    }
                    match (first, most) {
                        (Some((t, r)), _) => (
                            false,
                            format!(
                                "{} machines at risk at {}, the first licence ending at {}",
                                r.machines,
                                time(t),
                                time(r.earliest_end.unwrap_or(t))
                            ),
                        ),
                        (None, Some((t, m))) => (
                            true,
                            format!("none ending within {}; at most {m} at risk at {} (licences ending later)", time(within), time(t)),
                        ),
                        (None, None) => (true, "no machine was ever at risk".to_owned()),
                    }
                }
                ExpectKind::Kms(KmsExpect::HostCount {
                    host,
                    pool,
                    at_least,
                    at_most,
                    when,
                }) => host_count(model, series, host.index() * 2 + pool.index(), (at_least, at_most), when),
                ExpectKind::Kms(KmsExpect::ThresholdReached { host, pool, by }) => {
                    let s = &kms.hosts[host];
                    let p = pool.index();
                    match s.threshold_reached[p] {
                        Some(t) if t <= by => (true, format!("reached at {}", time(t))),
                        Some(t) => (false, format!("reached only at {}, after {}", time(t), time(by))),
                        None => (false, format!("never reached; highest count {}", s.max_count[p])),
                    }
                }
            };
            ExpectResult {
                expect: e.text.clone(),
                held,
                detail,
                line: e.line,
            }
        })
        .collect()
}

/// `HostCount`: the count of one host's pool (`slot` = host × 2 + pool) at the samples
/// `when` names, read from the grid samples and, for `at` off the grid, from the extra
/// sample taken there. Samples where the host does not exist are not checked.
fn host_count(
    model: &Model,
    series: &Series,
    slot: usize,
    (at_least, at_most): (u32, u32),
    when: When,
) -> (bool, String) {
    let slots = model.kms.hosts.len() * 2;
    let (mut grid, mut off) = (0, 0);
    let mut counts = Vec::new();
    for (i, &t) in series.times.iter().enumerate() {
        let count = if series.on_grid[i] {
            grid += 1;
            series.hosts[(grid - 1) * slots + slot].count
        } else {
            off += 1;
            series.off_grid_counts[(off - 1) * slots + slot]
        };
        let wanted = match when {
            When::From(from) => series.on_grid[i] && t >= from,
            When::At(at) => t == at,
        };
        if let (true, Some(c)) = (wanted, count) {
            counts.push((t, c));
        }
    }
    let outside = counts.iter().find(|&&(_, c)| c < at_least || c > at_most);
    let lowest = counts.iter().min_by_key(|&&(t, c)| (c, t));
    let highest = counts
        .iter()
        .max_by_key(|&&(t, c)| (c, std::cmp::Reverse(t)));
    let range = match (lowest, highest) {
        (Some(&(lt, l)), Some(&(ht, h))) => {
            format!("lowest {l} at {}, highest {h} at {}", time(lt), time(ht))
        }
        _ => {
            return (
                true,
                "the host did not exist at the times checked".to_owned(),
            );
        }
    };
    match outside {
        Some(&(t, c)) => {
            let bound = if c < at_least {
                format!("below at_least {at_least}")
            } else {
                format!("above at_most {at_most}")
            };
            (
                false,
                format!("count {c} at {} is {bound}; {range}", time(t)),
            )
        }
        None => (true, range),
    }
}
