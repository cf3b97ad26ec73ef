//! Activation methods, one folder each, behind one seam: the `Method` enum of the model and
//! the dispatch in this file. The world owns the queue, the machines' licences, the network
//! and the timeline; for everything that depends on how a machine activates, it calls here.
//!
//! A new method is a folder (its validation, pure rules, server state, statistics), a
//! variant of `model::Method` (and of `schema::Activation` for the file format), and an arm
//! in each `match` below.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

pub mod adba;
pub mod kms;
pub mod ksc;
pub mod licence;
pub mod machines;
pub mod mak;

use crate::engine::Streams;
use crate::model::{DNS_PORT, FleetId, MachineId, MakMode, Method, Model, PolicyModel, PortModel};
use crate::net::topology::Topology;
use crate::probe::Probe;
use crate::time::{NEVER, SimTime};
use licence::{Answer, Timers};
use machines::Machines;

/// An event of a method's own (small and `Copy`, as the world's events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A VAMT proxy's daily batch for a MAK fleet (MAK-2).
    MakBatch(FleetId),
    /// A Kaspersky-managed device synchronises with its server (KSC-1).
    KscSync(MachineId),
    /// A Kaspersky-managed device's active key reaches the end of its term (KSC-5).
    KscExpiry(MachineId),
}

/// What a method's code may use besides its own state: the world's shared parts, borrowed
/// for one call.
pub(crate) struct Env<'a, P> {
    pub model: &'a Model,
    pub policy: &'a PolicyModel,
    pub topology: &'a Topology,
    pub machines: &'a mut Machines,
    pub streams: &'a mut Streams,
    pub probe: &'a mut P,
    /// Events a method schedules for itself, pushed on the queue after the call.
    pub later: &'a mut Vec<(SimTime, Event)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MIX-1: each fleet uses its own method: its timers and its ports come from it.
    #[test]
    fn mix_1_each_fleet_activates_by_its_own_method() {
        let model = crate::parse(
            "mix.ron",
            br#"Scenario(name: "mix", duration: "1d",
                sites: [Site(name: "hq"), Site(name: "lab")],
                domains: [Domain(name: "corp", dns_site: "hq", dc_sites: ["hq"], adba: true)],
                kms_hosts: [KmsHost(name: "kms1", site: "hq")],
                mak_keys: [MakKey(name: "k", activations: 5)],
                fleets: [
                    Fleet(name: "kms", site: "hq", count: 1, activation: Kms()),
                    Fleet(name: "adba", site: "hq", count: 1, activation: Adba()),
                    Fleet(name: "mak", site: "lab", count: 1, activation: Mak(key: "k", mode: Proxy(via: "hq"))),
                ])"#,
        )
        .unwrap();
        let mut machines = Machines::new(model.fleets.iter().map(|f| (f.name.clone(), f.image)));
        let ids: Vec<MachineId> = model.fleets.ids().map(|f| machines.add(f)).collect();
        let methods = Methods::new(
            &model,
            &Topology::new(model.sites.len(), &model.links, ports_of_interest(&model)),
        );
        let validity = |m| methods.timers(&model, &model.policy, &machines, m).validity;
        assert_eq!(validity(ids[0]), model.policy.validity);
        assert_eq!(validity(ids[1]), model.policy.adba_validity);
        assert_eq!(validity(ids[2]), NEVER);
        let ports = ports_of_interest(&model);
        for p in [
            mak::ACTIVATION_SERVICE_PORT,
            mak::VAMT_PORT,
            adba::LDAP_PORT,
            DNS_PORT,
        ] {
            assert!(ports.contains(&p), "{p:?}");
        }
    }
}

/// The ports whose reachability the simulation asks about (NET-1): every KMS host's TCP
/// port and DNS, and the ports of the methods the fleets use.
pub fn ports_of_interest(model: &Model) -> Vec<PortModel> {
    let mut ports: Vec<PortModel> = model
        .kms
        .hosts
        .iter()
        .map(|h| PortModel::Tcp(h.port))
        .collect();
    ports.push(DNS_PORT);
    for f in &model.fleets {
        match f.method {
            Method::Kms(_) => {}
            Method::Mak(m) => {
                ports.push(mak::ACTIVATION_SERVICE_PORT);
                if let MakMode::Proxy { .. } = m.mode {
                    ports.push(mak::VAMT_PORT);
                }
            }
            Method::Adba(_) => ports.push(adba::LDAP_PORT),
            Method::Ksc(_) | Method::NotActivated => {}
        }
    }
    ports.extend(model.ksc.servers.iter().map(|s| PortModel::Tcp(s.port)));
    ports.sort();
    ports.dedup();
    ports
}

/// The servers of every method during a run.
#[derive(Debug)]
pub(crate) struct Methods {
    pub kms: kms::Kms,
    pub mak: mak::Mak,
    adba: adba::Adba,
    pub ksc: ksc::Ksc,
}

impl Methods {
    pub fn new(model: &Model, topology: &Topology) -> Self {
        Methods {
            kms: kms::Kms::new(model, topology),
            mak: mak::Mak::new(model, topology),
            adba: adba::Adba::new(topology),
            ksc: ksc::Ksc::new(model, topology),
        }
    }

    /// The methods' own events at the start.
    pub fn first_events(model: &Model) -> impl Iterator<Item = (SimTime, Event)> + '_ {
        mak::Mak::batches(model).map(|(t, f)| (t, Event::MakBatch(f)))
    }

    /// One activation attempt of machine `m` by its fleet's method (MIX-1: each fleet uses
    /// its own).
    pub fn attempt<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        now: SimTime,
    ) -> Answer {
        match env.model.fleets[env.machines[m].fleet].method {
            Method::Kms(k) => {
                let failure = self.kms.exchange(env, m, k, now);
                let timers = kms::Kms::timers(env.model, env.policy, env.machines, m);
                Answer::with_timers(failure, &timers)
            }
            Method::Mak(k) => self.mak.attempt(env, m, k, now),
            Method::Adba(a) => self.adba.attempt(&mut self.kms, env, m, a, now),
            // A Kaspersky device's Windows activation is not modelled, and a machine that is
            // never activated stays in its grace: neither attempts.
            Method::Ksc(_) | Method::NotActivated => Answer::Wait { until: NEVER },
        }
    }

    /// A method's own event: the answers for the machines it dealt with go to `out`.
    /// Returns when the event recurs (`NEVER`: it does not).
    pub fn handle<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        event: Event,
        now: SimTime,
        out: &mut Vec<(MachineId, Answer)>,
    ) -> SimTime {
        match event {
            Event::MakBatch(fleet) => self.mak.batch(env, fleet, now, out),
            Event::KscSync(m) => {
                self.ksc.sync(env, m, now);
                NEVER
            }
            Event::KscExpiry(m) => {
                self.ksc.expiry(env, m, now);
                NEVER
            }
        }
    }

    /// Machine `m` was installed anew (re-image, rearm, hardware change): what its method
    /// remembered of the previous installation's activation is gone.
    pub fn reinstalled(machines: &mut Machines, m: MachineId) {
        mak::reinstalled(&mut machines[m].flags);
    }

    /// The timers machine `m` follows now.
    pub fn timers(
        &self,
        model: &Model,
        policy: &PolicyModel,
        machines: &Machines,
        m: MachineId,
    ) -> Timers {
        let policy_timers = Timers {
            activation_interval: policy.activation_interval,
            renewal_interval: policy.renewal_interval,
            validity: policy.validity,
            oot_grace: policy.oot_grace,
        };
        match model.fleets[machines[m].fleet].method {
            Method::Kms(_) => kms::Kms::timers(model, policy, machines, m),
            // MAK-2: an activation for good, nothing to renew.
            Method::Mak(_) => Timers {
                renewal_interval: NEVER,
                validity: NEVER,
                ..policy_timers
            },
            // ADBA-2: re-check every 7 days, valid for `adba_validity`.
            Method::Adba(_) => Timers {
                renewal_interval: adba::RECHECK_INTERVAL,
                validity: policy.adba_validity,
                ..policy_timers
            },
            Method::Ksc(_) | Method::NotActivated => policy_timers,
        }
    }

    /// A machine that starts `Activated` renewed last at `renewed_at` (before the start):
    /// its method's servers may remember it.
    pub fn place_at_start<P>(&mut self, env: &mut Env<'_, P>, m: MachineId, renewed_at: i64) {
        match env.model.fleets[env.machines[m].fleet].method {
            Method::Kms(k) => self.kms.place_at_start(env, m, k, renewed_at),
            Method::Mak(_) | Method::Adba(_) | Method::Ksc(_) | Method::NotActivated => {}
        }
    }
}
