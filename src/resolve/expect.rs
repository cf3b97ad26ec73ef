//! Expectations: what must hold, checked after the run.

use super::Known;
use crate::methods::kms::resolve as kms;
use crate::methods::ksc::resolve as ksc;
use crate::model::{
    Column, ExpectKind, ExpectModel, FleetId, FleetModel, KmsExpect, SimTime, StateSet, Table,
    When, state::OFFLINE,
};
use crate::scenario::check::{Checker, Result, strs};
use crate::scenario::duration::Duration;
use crate::scenario::schema::{self, StateName};

pub fn resolve(
    c: &Checker,
    declared: &[schema::Expect],
    known: &Known,
    fleets: &Table<FleetId, FleetModel>,
    duration: SimTime,
) -> Result<Vec<ExpectModel>> {
    let mut expect = Vec::new();
    // Every entry located in one pass (a scenario may hold many expectations).
    let lines = c.locator.list_items("expect");
    for (i, e) in declared.iter().enumerate() {
        let anchors_for = |name: &str| vec!["expect".to_owned(), format!("\"{name}\"")];
        let when = |name: &str, from: Option<Duration>, at: Option<Duration>| -> Result<When> {
            let owned = anchors_for(name);
            let a = strs(&owned);
            match (from, at) {
                (Some(f), None) => Ok(When::From(c.not_negative(&a, "from", f)?)),
                (None, Some(t)) => {
                    let t = c.not_negative(&a, "at", t)?;
                    if t > duration {
                        return Err(c.error(
                            &a,
                            format!("expectation {} looks past the end of the run", i + 1),
                        ));
                    }
                    Ok(When::At(t))
                }
                _ => Err(c.error(&a, "give exactly one of `from` or `at`")),
            }
        };
        // The column a state names in this fleet's samples; a state none of its families
        // has (Windows licence, Kaspersky keys) is an error that lists the ones it has.
        let column = |name: &str, fleet: FleetId, state: StateName| -> Result<Column> {
            let written = format!("{state:?}");
            if written == "Offline" {
                return Ok(Column::Offline);
            }
            let sets = families(&fleets[fleet]);
            for &set in &sets {
                if let Some(index) = set.index_of(&written) {
                    return Ok(Column::State { set, index });
                }
            }
            let valid: Vec<&str> = sets
                .iter()
                .flat_map(|s| s.expect_names())
                .copied()
                .collect();
            Err(c.error(
                &strs(&anchors_for(name)),
                format!(
                    "fleet \"{name}\" has no state {written}: its machines are counted in {} (and {OFFLINE})",
                    valid.join(", ")
                ),
            ))
        };
        let kind = match e {
            schema::Expect::LicensedShare {
                fleet: f,
                at_least,
                from,
                at,
            } => {
                let owned = anchors_for(f);
                let a = strs(&owned);
                if !(0.0..=1.0).contains(at_least) {
                    return Err(c.error(
                        &a,
                        format!("at_least {at_least} is not a share between 0 and 1"),
                    ));
                }
                ExpectKind::LicensedShare {
                    fleet: known.fleets.resolve(c, &a, f)?,
                    at_least: *at_least,
                    when: when(f, *from, *at)?,
                }
            }
            schema::Expect::NoneIn { fleet: f, state } => {
                let id = known.fleets.resolve(c, &strs(&anchors_for(f)), f)?;
                ExpectKind::NoneIn {
                    fleet: id,
                    column: column(f, id, *state)?,
                }
            }
            schema::Expect::NoneAtRisk { fleet: f, within } => {
                let owned = anchors_for(f);
                let a = strs(&owned);
                let id = known.fleets.resolve(c, &a, f)?;
                if !fleets[id].method.windows() {
                    return Err(c.error(
                        &a,
                        format!("fleet \"{f}\" has no Windows licences to be at risk (NoneAtRisk reads the renewals of KMS and AD-based activation)"),
                    ));
                }
                ExpectKind::NoneAtRisk {
                    fleet: id,
                    within: c.not_negative(&a, "within", *within)?,
                }
            }
            schema::Expect::ThresholdReached { host: h, pool, by } => {
                let a = anchors_for(h);
                ExpectKind::Kms(kms::threshold_reached(
                    c,
                    &known.kms,
                    &strs(&a),
                    h,
                    *pool,
                    *by,
                )?)
            }
            schema::Expect::HostCount {
                host: h,
                pool,
                at_least,
                at_most,
                from,
                at,
            } => {
                let owned = anchors_for(h);
                let a = strs(&owned);
                let host = known.kms.hosts.resolve(c, &a, h)?;
                let (at_least, at_most) = match (*at_least, *at_most) {
                    (None, None) => {
                        return Err(c.error(&a, "give `at_least`, `at_most` or both"));
                    }
                    (low, high) => (low.unwrap_or(0), high.unwrap_or(u32::MAX)),
                };
                if at_least > at_most {
                    return Err(c.error(
                        &a,
                        format!("at_least {at_least} is above at_most {at_most}"),
                    ));
                }
                ExpectKind::Kms(KmsExpect::HostCount {
                    host,
                    pool: *pool,
                    at_least,
                    at_most,
                    when: when(h, *from, *at)?,
                })
            }
            schema::Expect::KeyUsageBelow { key, share, from } => {
                let a = anchors_for(key);
                ExpectKind::Ksc(ksc::usage_below(
                    c,
                    &known.ksc,
                    &strs(&a),
                    key,
                    *share,
                    *from,
                )?)
            }
            schema::Expect::AtMost {
                fleet: f,
                state,
                count,
                from,
                at,
            } => {
                let id = known.fleets.resolve(c, &strs(&anchors_for(f)), f)?;
                ExpectKind::AtMost {
                    fleet: id,
                    column: column(f, id, *state)?,
                    count: *count,
                    when: when(f, *from, *at)?,
                }
            }
        };
        expect.push(ExpectModel {
            kind,
            text: describe(e),
            line: lines.get(i).map_or(1, |p| p.line),
        });
    }
    Ok(expect)
}

fn describe_when(from: &Option<Duration>, at: &Option<Duration>) -> String {
    match (from, at) {
        (Some(f), _) => format!(", from: \"{f}\""),
        (_, Some(a)) => format!(", at: \"{a}\""),
        _ => String::new(),
    }
}

/// The expectation in the scenario language, as it appears in reports.
fn describe(e: &schema::Expect) -> String {
    match e {
        schema::Expect::LicensedShare {
            fleet,
            at_least,
            from,
            at,
        } => format!(
            "LicensedShare(fleet: \"{fleet}\", at_least: {at_least}{})",
            describe_when(from, at)
        ),
        schema::Expect::NoneIn { fleet, state } => {
            format!("NoneIn(fleet: \"{fleet}\", state: {state:?})")
        }
        schema::Expect::NoneAtRisk { fleet, within } => {
            format!("NoneAtRisk(fleet: \"{fleet}\", within: \"{within}\")")
        }
        schema::Expect::ThresholdReached { host, pool, by } => {
            format!("ThresholdReached(host: \"{host}\", pool: {pool:?}, by: \"{by}\")")
        }
        schema::Expect::HostCount {
            host,
            pool,
            at_least,
            at_most,
            from,
            at,
        } => {
            let low = at_least.map_or(String::new(), |n| format!(", at_least: {n}"));
            let high = at_most.map_or(String::new(), |n| format!(", at_most: {n}"));
            format!(
                "HostCount(host: \"{host}\", pool: {pool:?}{low}{high}{})",
                describe_when(from, at)
            )
        }
        schema::Expect::KeyUsageBelow { key, share, from } => format!(
            "KeyUsageBelow(key: \"{key}\", share: {share}{})",
            describe_when(from, &None)
        ),
        schema::Expect::AtMost {
            fleet,
            state,
            count,
            from,
            at,
        } => format!(
            "AtMost(fleet: \"{fleet}\", state: {state:?}, count: {count}{})",
            describe_when(from, at)
        ),
    }
}

/// The families of states a fleet's machines are counted in: its method's, then Kaspersky
/// keys when a server also manages it.
fn families(fleet: &FleetModel) -> Vec<StateSet> {
    let mut sets = vec![fleet.method.states()];
    if fleet.ksc.is_some() {
        sets.push(StateSet::Ksc);
    }
    sets
}
