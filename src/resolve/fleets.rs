//! Fleets: where the machines are, how many, what they run, how they activate, when they
//! arrive and are online.

use super::{Known, MAX_MACHINES};
use crate::methods::adba::resolve as adba;
use crate::methods::kms::resolve as kms;
use crate::methods::ksc::resolve as ksc;
use crate::methods::mak::resolve as mak;
use crate::model::{
    ArrivalModel, FleetId, FleetModel, InitialModel, Method, OnlineModel, PolicyModel, SimTime,
    Table,
};
use crate::scenario::check::{Checker, Names, Result, strs};
use crate::scenario::duration::Duration;
use crate::scenario::schema::{self, Activation, Arrival, Initial, KscManaged, Online};

/// The fleets, and the machines they hold at the start.
pub fn resolve(
    c: &Checker,
    s: &schema::Scenario,
    known: &mut Known,
    policy: &PolicyModel,
    duration: SimTime,
) -> Result<(Table<FleetId, FleetModel>, u64)> {
    known.fleets = Names::declare(
        "fleet",
        c,
        "fleets",
        s.fleets.iter().map(|x| x.name.as_str()),
    )?;
    if s.fleets.is_empty() {
        return Err(c.error(&["fleets"], "the scenario has no fleets"));
    }
    let mut fleets = Table::new();
    let mut machines: u64 = 0;
    for f in &s.fleets {
        let q = format!("\"{}\"", f.name);
        let at = |field: String| -> [String; 3] { ["fleets".into(), q.clone(), field] };
        let site_id = known
            .sites
            .resolve(c, &strs(&at(format!("\"{}\"", f.site))), &f.site)?;
        let domain_id = match &f.domain {
            None => (!known.domains.is_empty()).then_some(crate::model::DomainId::FIRST),
            Some(n) => Some(known.domains.resolve(c, &strs(&at("domain:".into())), n)?),
        };
        machines = machines.saturating_add(f.count);
        if f.count > MAX_MACHINES {
            return Err(c.error(
                &strs(&at("count:".into())),
                format!(
                    "fleet \"{}\" has {} machines, over the limit of {MAX_MACHINES} per scenario",
                    f.name, f.count
                ),
            ));
        }
        let product =
            known
                .products
                .resolve(c, &strs(&at(format!("\"{}\"", f.product))), &f.product)?;
        let method = match &f.activation {
            Activation::Kms { discovery } => {
                Method::Kms(kms::fleet(c, &known.kms, &at, discovery)?)
            }
            Activation::Mak { key, mode } => Method::Mak(mak::fleet(
                c,
                &known.mak_keys,
                &known.sites,
                &at,
                key,
                mode,
            )?),
            Activation::Adba { fallback_kms } => Method::Adba(adba::fleet(*fallback_kms)),
            Activation::NotActivated => Method::NotActivated,
            Activation::Ksc {
                server,
                persistent,
                unassigned,
            } => Method::Ksc(ksc::fleet(
                c,
                &known.ksc,
                &at,
                server,
                *persistent,
                *unassigned,
            )?),
        };
        let arrival = match f.arrival {
            Arrival::AllAtStart => ArrivalModel::AllAtStart,
            Arrival::Ramp { start, over } => ArrivalModel::Ramp {
                start: c.not_negative(&strs(&at("Ramp".into())), "Ramp start", start)?,
                over: c.positive(&strs(&at("Ramp".into())), "Ramp over", over)?,
            },
            Arrival::At(t) => {
                ArrivalModel::At(c.not_negative(&strs(&at("At(".into())), "At", t)?)
            }
        };
        let online = online(c, &at, &f.online, duration)?;
        let mut dns_suffixes = Vec::new();
        for d in &f.dns_suffixes {
            dns_suffixes.push(
                known
                    .domains
                    .resolve(c, &strs(&at(format!("\"{d}\""))), d)?,
            );
        }
        let initial = match f.initial {
            Initial::Fresh => InitialModel::Fresh,
            Initial::Activated { age_up_to } => {
                let age = c.not_negative(&strs(&at("age_up_to".into())), "age_up_to", age_up_to)?;
                if method == Method::NotActivated {
                    return Err(c.error(
                        &strs(&at("initial:".into())),
                        "a fleet with activation NotActivated is never activated: it cannot \
                         start Activated (remove `initial`, or give it an activation method)",
                    ));
                }
                // The validity of the method's activation (a MAK one has none).
                let validity = match method {
                    Method::Kms(_) => Some(policy.validity),
                    Method::Adba(_) => Some(policy.adba_validity),
                    Method::Mak(_) | Method::Ksc(_) | Method::NotActivated => None,
                };
                if let Some(validity) = validity.filter(|&v| age >= v) {
                    return Err(c.error(
                        &strs(&at("age_up_to".into())),
                        format!(
                            "age_up_to \"{age_up_to}\" reaches past the validity period \
                             ({}): such machines would not be licensed",
                            Duration(validity as i64)
                        ),
                    ));
                }
                InitialModel::Activated { age_up_to: age }
            }
        };
        c.not_internet(site_id, &strs(&at(format!("\"{}\"", f.site))))?;
        let managed = match &f.ksc {
            None => None,
            Some(KscManaged::Ksc {
                server,
                persistent,
                unassigned,
            }) => {
                if let Method::Ksc(_) = method {
                    return Err(c.error(
                        &strs(&at("ksc:".into())),
                        "the fleet is already managed by Kaspersky (activation: Ksc); give `ksc` only beside a Windows activation method",
                    ));
                }
                Some(ksc::fleet(
                    c,
                    &known.ksc,
                    &at,
                    server,
                    *persistent,
                    *unassigned,
                )?)
            }
        };
        fleets.push(FleetModel {
            name: f.name.clone(),
            site: site_id,
            domain: domain_id,
            count: f.count,
            product,
            method,
            arrival,
            image: f.image,
            initial,
            honour_priority: f.honour_priority,
            host_caching: f.host_caching,
            clock_skew: f.clock_skew.secs(),
            online,
            dns_suffixes,
            ksc: managed,
            known: Vec::new(),
        });
    }
    Ok((fleets, machines))
}

/// When the fleet's machines are online (NET-2).
fn online(
    c: &Checker,
    at: &dyn Fn(String) -> [String; 3],
    online: &Online,
    duration: SimTime,
) -> Result<OnlineModel> {
    Ok(match online {
        Online::Always => OnlineModel::Always,
        Online::Daily { hours } => {
            if !(1..=24).contains(hours) {
                return Err(c.error(
                    &strs(&at("Daily".into())),
                    format!("Daily hours {hours} is outside 1-24"),
                ));
            }
            OnlineModel::Daily { hours: *hours }
        }
        Online::Windows(windows) => {
            let a = at("Windows".into());
            let mut model: Vec<(SimTime, SimTime)> = Vec::new();
            for (from, to) in windows {
                let from_s = c.not_negative(&strs(&a), "window start", *from)?;
                let to_s = c.positive(&strs(&a), "window end", *to)?;
                if to_s <= from_s {
                    return Err(c.error(
                        &strs(&a),
                        format!("online window (\"{from}\", \"{to}\") ends before it starts"),
                    ));
                }
                if model.last().is_some_and(|&(_, end)| from_s < end) {
                    return Err(c.error(
                        &strs(&a),
                        format!("online window (\"{from}\", \"{to}\") overlaps or precedes the one before"),
                    ));
                }
                model.push((from_s, to_s));
            }
            // A window that reaches the end of the run stays open through the final
            // sample: ("220d", "365d") in a 365-day run means "online until the end".
            for w in model.iter_mut().filter(|w| w.1 >= duration) {
                w.1 = SimTime::MAX;
            }
            OnlineModel::Windows(model)
        }
        Online::Random { mean_on, mean_off } => {
            let a = at("Random".into());
            OnlineModel::Random {
                mean_on: c.positive(&strs(&a), "mean_on", *mean_on)?,
                mean_off: c.positive(&strs(&a), "mean_off", *mean_off)?,
            }
        }
    })
}
