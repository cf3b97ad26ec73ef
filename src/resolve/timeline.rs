//! The timeline: what happens when, in file order.

#![allow(clippy::indexing_slicing)] // indices are positions checked just before, in the scenario text or the parsed lists

use super::network::link_between;
use super::{Known, MAX_TIMELINE, policy};
use crate::error::Error;
use crate::methods::kms::resolve as kms;
use crate::methods::ksc::resolve as ksc;
use crate::model::{
    ActionModel, FleetAction, KmsAction, KscAction, LinkId, LinkModel, NetAction, PortModel,
    SimTime, Table, TimedAction,
};
use crate::scenario::check::{Checker, Result};
use crate::scenario::schema::{self, Action as A};

pub fn resolve(
    c: &Checker,
    s: &schema::Scenario,
    known: &Known,
    links: &Table<LinkId, LinkModel>,
    ksc_model: &crate::model::ksc::KscModel,
    duration: SimTime,
    machines: &mut u64,
) -> Result<Vec<TimedAction>> {
    if s.timeline.len() > MAX_TIMELINE {
        return Err(c.error(
            &["timeline"],
            format!(
                "the timeline has {} events, over the limit of {MAX_TIMELINE}",
                s.timeline.len()
            ),
        ));
    }
    let mut timeline = Vec::new();
    for (i, e) in s.timeline.iter().enumerate() {
        // Located only when there is an error: finding the i-th event scans the text, so
        // doing it for every event made checking quadratic in the timeline's length.
        let here =
            |message: String| c.error_at(c.locator.find_item("timeline", "Event(", i), message);
        let when = e.at.secs();
        if when < 0 || when as SimTime > duration {
            return Err(here(format!(
                "event time \"{}\" lies outside the run (0s to \"{}\")",
                e.at, s.duration
            )));
        }
        let fleet = |name: &str| known.fleets.resolve_at(&here, name);
        let host = |name: &str| known.kms.hosts.resolve_at(&here, name);
        let count = |n: u64| -> Result<u64> {
            if n == 0 {
                return Err(here("count must be at least 1".into()));
            }
            Ok(n)
        };
        let port = |port: schema::Port| -> Result<PortModel> {
            let (schema::Port::Tcp(p) | schema::Port::Udp(p)) = port;
            let p16 = u16::try_from(p).ok().filter(|&p| p >= 1);
            let p16 = p16.ok_or_else(|| {
                let at = c.locator.find_in_item("timeline", "Event(", i, "port:");
                c.error_at(at, format!("port: {p} is outside 1-65535"))
            })?;
            Ok(match port {
                schema::Port::Tcp(_) => PortModel::Tcp(p16),
                schema::Port::Udp(_) => PortModel::Udp(p16),
            })
        };
        let link = |between: &(String, String)| link_between(&here, &known.sites, links, between);
        let on_fleet = |name: &str, action: FleetAction| -> Result<ActionModel> {
            Ok(ActionModel::Fleet {
                fleet: fleet(name)?,
                action,
            })
        };
        let action = match &e.action {
            A::Rearm { fleet: f } => on_fleet(f, FleetAction::Rearm)?,
            A::Reimage { fleet: f, count: n } => {
                on_fleet(f, FleetAction::Reimage { count: count(*n)? })?
            }
            A::HardwareChange { fleet: f, count: n } => {
                on_fleet(f, FleetAction::HardwareChange { count: count(*n)? })?
            }
            A::AddMachines { fleet: f, count: n } => {
                *machines = machines.saturating_add(*n);
                let f = fleet(f)?;
                ActionModel::Fleet {
                    fleet: f,
                    action: FleetAction::AddMachines { count: count(*n)? },
                }
            }
            A::RetireMachines { fleet: f, count: n } => {
                on_fleet(f, FleetAction::RetireMachines { count: count(*n)? })?
            }
            A::SetPolicy(p) => {
                let change = policy::change(c, &["timeline"], p).map_err(|e| match e {
                    Error::Scenario { message, .. } => here(message),
                    other => other,
                })?;
                ActionModel::SetPolicy(change)
            }
            A::Block { between, port: p } => ActionModel::Network(NetAction::Block {
                link: link(between)?,
                port: port(*p)?,
            }),
            A::Allow { between, port: p } => ActionModel::Network(NetAction::Allow {
                link: link(between)?,
                port: port(*p)?,
            }),
            A::LinkDown { between } => ActionModel::Network(NetAction::LinkDown(link(between)?)),
            A::LinkUp { between } => ActionModel::Network(NetAction::LinkUp(link(between)?)),
            A::RemoveLicenseKey { server, key } => ActionModel::Ksc(KscAction::RemoveLicenseKey(
                ksc::removed_key(&here, &known.ksc, &ksc_model.keys, server, key)?,
            )),
            A::HostDown(h) => ActionModel::Kms(KmsAction::HostDown(host(h)?)),
            A::HostUp(h) => ActionModel::Kms(KmsAction::HostUp(host(h)?)),
            A::HostRestart(h) => ActionModel::Kms(KmsAction::HostRestart(host(h)?)),
            A::HostReinstall(h) => ActionModel::Kms(KmsAction::HostReinstall(host(h)?)),
            A::PublishOff(h) => ActionModel::Kms(KmsAction::PublishOff(host(h)?)),
            A::PublishOn(h) => ActionModel::Kms(KmsAction::PublishOn(host(h)?)),
            A::AddHost(h) => ActionModel::Kms(KmsAction::AddHost(host(h)?)),
            A::RemoveHost(h) => ActionModel::Kms(KmsAction::RemoveHost(host(h)?)),
            A::RemoveSrv { domain, target } => ActionModel::Kms(KmsAction::RemoveSrv {
                domain: known.domains.resolve_at(&here, domain)?,
                target: kms::srv_target(&known.kms, target),
            }),
            A::UpdateHost {
                host: h,
                os_generation,
            } => ActionModel::Kms(KmsAction::UpdateHost {
                host: host(h)?,
                os_generation: kms::generation(c, &["timeline"], "os_generation", *os_generation)
                    .map_err(|_| here("os_generation must be 1 or more".into()))?,
            }),
            A::InstallHostKey {
                host: h,
                keys,
                generation,
                host_key,
            } => {
                let id = host(h)?;
                kms::keys_for(c, &[], h, kms_os(known, id), keys).map_err(|e| match e {
                    crate::error::Error::Scenario { message, .. } => here(message),
                    other => other,
                })?;
                ActionModel::Kms(KmsAction::InstallHostKey {
                    host: id,
                    keys: keys.clone(),
                    generation: kms::generation(c, &["timeline"], "generation", *generation)
                        .map_err(|_| here("generation must be 1 or more".into()))?,
                    host_key: host_key
                        .as_ref()
                        .map(|k| known.kms.host_keys.resolve_at(&here, k))
                        .transpose()?,
                })
            }
        };
        timeline.push(TimedAction {
            at: when as SimTime,
            action,
        });
    }
    Ok(timeline)
}

/// The OS of a KMS host (for KMS-HOST-3 on `InstallHostKey`).
fn kms_os(known: &Known, h: crate::model::HostId) -> crate::model::HostOs {
    known.kms.os[h]
}
