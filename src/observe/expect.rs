//! Expectations (`expect` in a scenario): checked after the run against the samples and the
//! exact counters. A failure names the time and the value that broke it.

use super::{FleetResult, HostStats, Series};
use crate::engine::SimTime;
use crate::kms::host::pool_index;
use crate::scenario::duration::Duration;
use crate::scenario::model::{ExpectKind, Model, StateName, When};

#[derive(Debug, Clone, PartialEq)]
pub struct ExpectResult {
    /// The expectation as written.
    pub expect: String,
    pub held: bool,
    /// The decisive value and time, in words.
    pub detail: String,
}

/// A scenario time as the user writes it ("52d 3h").
pub fn time(t: SimTime) -> String {
    Duration(t as i64).to_string()
}

/// The column of a Windows fleet state in samples (validation refuses KSC states here).
fn column(state: StateName) -> usize {
    match state {
        StateName::Grace => 0,
        StateName::Licensed => 1,
        StateName::OotGrace => 2,
        StateName::Notification => 3,
        _ => 4,
    }
}

/// Sample indices an expectation looks at: every grid sample from `from` on, or the one
/// sample at `at`.
fn samples(series: &Series, when: When) -> impl Iterator<Item = usize> + '_ {
    (0..series.times.len()).filter(move |&i| match when {
        When::From(from) => series.on_grid[i] && series.times[i] >= from,
        When::At(at) => series.times[i] == at,
    })
}

pub fn evaluate(
    model: &Model,
    series: &Series,
    fleets: &[FleetResult],
    hosts: &[HostStats],
) -> Vec<ExpectResult> {
    let n = model.fleets.len();
    model
        .expect
        .iter()
        .map(|e| {
            let (held, detail) = match e.kind {
                ExpectKind::LicensedShare { fleet, at_least, when } => {
                    let f = usize::from(fleet);
                    let shares = samples(series, when).filter_map(|i| {
                        let (row, present) = series.fleets[i * n + f];
                        (present > 0).then(|| (series.times[i], row[1] as f64 / present as f64))
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
                ExpectKind::NoneIn { fleet, state } => {
                    let r = &fleets[usize::from(fleet)];
                    let c = column(state);
                    match r.first_in_state[c] {
                        Some(t) => (
                            false,
                            format!(
                                "first machine in {} at {}; at most {} at once",
                                super::FLEET_COLUMNS[c],
                                time(t),
                                r.max_by_state[c]
                            ),
                        ),
                        None => (true, format!("no machine was ever in {}", super::FLEET_COLUMNS[c])),
                    }
                }
                ExpectKind::AtMost { fleet, state, count, when } => {
                    let (f, c) = (usize::from(fleet), column(state));
                    let mut first_over = None;
                    let mut highest: Option<(SimTime, u64)> = None;
                    for i in samples(series, when) {
                        let v = series.fleets[i * n + f].0[c];
                        if v > count && first_over.is_none() {
                            first_over = Some((series.times[i], v));
                        }
                        if highest.is_none_or(|(_, h)| v > h) {
                            highest = Some((series.times[i], v));
                        }
                    }
                    let name = super::FLEET_COLUMNS[c];
                    match (first_over, highest) {
                        (Some((t, v)), Some((ht, h))) => (
                            false,
                            format!("{v} in {name} at {}, over {count}; highest {h} at {}", time(t), time(ht)),
                        ),
                        (None, Some((t, h))) => (true, format!("highest {h} in {name} at {}", time(t))),
                        _ => (true, "no sample at the times checked".to_owned()),
                    }
                }
                ExpectKind::ThresholdReached { host, pool, by } => {
                    let s = &hosts[usize::from(host)];
                    let p = pool_index(pool);
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
            }
        })
        .collect()
}
