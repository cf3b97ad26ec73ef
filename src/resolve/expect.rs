//! Expectations: what must hold, checked after the run.

use super::Known;
use crate::methods::kms::resolve as kms;
use crate::model::{
    Column, ExpectKind, ExpectModel, FleetId, FleetModel, SimTime, Table, When, state::OFFLINE,
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
        // The column a state names in this fleet's samples; a state its method does not
        // report is an error that lists the ones it does.
        let column = |name: &str, fleet: FleetId, state: StateName| -> Result<Column> {
            let written = format!("{state:?}");
            if written == "Offline" {
                return Ok(Column::Offline);
            }
            let set = fleets[fleet].method.states();
            match set.index_of(&written) {
                Some(index) => Ok(Column::State { set, index }),
                None => {
                    let mut valid: Vec<&str> = set.expect_names().to_vec();
                    valid.push("Offline");
                    Err(c.error(
                        &strs(&anchors_for(name)),
                        format!(
                            "fleet \"{name}\" has no state {written}: its machines are counted in {} (and {OFFLINE})",
                            valid[..valid.len() - 1].join(", ")
                        ),
                    ))
                }
            }
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
        schema::Expect::ThresholdReached { host, pool, by } => {
            format!("ThresholdReached(host: \"{host}\", pool: {pool:?}, by: \"{by}\")")
        }
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
