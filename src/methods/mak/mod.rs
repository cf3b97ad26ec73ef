//! Multiple activation keys (MAK-1, MAK-2): a key with a fixed number of activations, used
//! by every activation of a machine — first install, re-image, hardware change, rearm. An
//! activation is for good: no renewal, no validity.
//!
//! Three ways to reach the vendor's activation service:
//! - `Independent`: the machine itself, over the internet (`Tcp(443)` to the built-in
//!   `internet` site), at each attempt; no path is 0xC004F074.
//! - `Proxy(via)`: a VAMT host at site `via` gathers the machines it reaches (`Tcp(135)`:
//!   WMI over RPC, from the proxy to the machine) and activates them in one batch every day
//!   at `PROXY_BATCH_AT`; only the proxy needs `internet` (`Tcp(443)`).
//! - `Phone(delay)`: someone calls; the activation happens `delay` (positive) after it is
//!   needed, with no network at all.
//!
//! At zero activations left the attempt fails with 0xC004C020 and the machine stays in
//! grace, then notification, retrying.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

pub(crate) mod resolve;
pub mod stats;
pub mod summary;

use super::Env;
use super::licence::Answer;
use crate::code::Code;
use crate::model::{
    FleetId, MachineId, MakFleet, MakKeyId, MakMode, Method, Model, PortModel, SiteId, Table,
};
use crate::net::topology::{PortId, Topology};
use crate::probe::Probe;
use crate::time::{DAY, HOUR, NEVER, SimTime};

/// HTTPS to the vendor's activation service (MAK independent, the VAMT proxy).
pub const ACTIVATION_SERVICE_PORT: PortModel = PortModel::Tcp(443);
/// WMI over RPC (endpoint mapper), from a VAMT proxy to the machines it activates.
pub const VAMT_PORT: PortModel = PortModel::Tcp(135);
/// The time of day of a VAMT proxy's daily batch.
pub const PROXY_BATCH_AT: SimTime = 12 * HOUR;

/// A machine has placed its telephone call (Phone mode).
const CALLED: u8 = 1;
/// A machine waits for its proxy's next batch (Proxy mode).
const WAITING: u8 = 2;

/// MAK-1: a key's activations: a fixed number, each used once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub allowed: u64,
    pub used: u64,
}

impl Key {
    /// Uses one activation if any is left; returns how many remain, or None when the key is
    /// exhausted (0xC004C020).
    pub fn take(&mut self) -> Option<u64> {
        (self.used < self.allowed).then(|| {
            self.used += 1;
            self.allowed - self.used
        })
    }
}

/// The keys during a run, and the machines waiting for a proxy.
#[derive(Debug)]
pub(crate) struct Mak {
    keys: Table<MakKeyId, Key>,
    /// Per fleet (empty unless it activates by proxy): the machines waiting for the batch.
    waiting: Table<FleetId, Vec<MachineId>>,
    service_port: Option<PortId>,
    vamt_port: Option<PortId>,
}

impl Mak {
    pub fn new(model: &Model, topology: &Topology) -> Self {
        Mak {
            keys: model
                .mak_keys
                .iter()
                .map(|k| Key {
                    allowed: k.activations,
                    used: 0,
                })
                .collect(),
            waiting: model.fleets.iter().map(|_| Vec::new()).collect(),
            service_port: topology.port_id(ACTIVATION_SERVICE_PORT),
            vamt_port: topology.port_id(VAMT_PORT),
        }
    }

    /// The first batch of every proxy fleet: at `PROXY_BATCH_AT` on day 0.
    pub fn batches(model: &Model) -> impl Iterator<Item = (SimTime, FleetId)> + '_ {
        model
            .fleets
            .enumerate()
            .filter_map(|(f, fleet)| match fleet.method {
                Method::Mak(MakFleet {
                    mode: MakMode::Proxy { .. },
                    ..
                }) => Some((PROXY_BATCH_AT, f)),
                _ => None,
            })
    }

    /// Whether `from` reaches `to` on `port` (a port of interest when a fleet needs it).
    fn reaches(topology: &Topology, from: SiteId, to: SiteId, port: Option<PortId>) -> bool {
        port.is_some_and(|p| topology.reaches(from, to, p))
    }

    /// MAK-1: one activation of `key`, if any is left.
    fn activate<P: Probe>(&mut self, env: &mut Env<'_, P>, key: MakKeyId, now: SimTime) -> bool {
        let k = &mut self.keys[key];
        match k.take() {
            Some(remaining) => {
                env.probe.mak_activation(key, k.used, remaining, now);
                true
            }
            None => false,
        }
    }

    /// An activation for good (MAK-2), or 0xC004C020 with a retry `retry` later.
    fn answer<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        key: MakKeyId,
        retry: SimTime,
        now: SimTime,
    ) -> Answer {
        if self.activate(env, key, now) {
            Answer::Success {
                valid_for: NEVER,
                next: NEVER,
            }
        } else {
            if env.probe.wants_words(m) {
                let name = env.model.mak_keys[key].name.clone();
                env.probe.tried(m, name, "no activations left".to_owned());
            }
            Answer::Failure {
                code: Code::MakExhausted,
                retry,
            }
        }
    }

    /// One attempt of machine `m` of a MAK fleet.
    pub fn attempt<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        mak: MakFleet,
        now: SimTime,
    ) -> Answer {
        let retry = env.policy.activation_interval;
        let words = env.probe.wants_words(m);
        match mak.mode {
            MakMode::Independent => {
                let site = env.model.fleets[env.machines[m].fleet].site;
                if !Self::reaches(env.topology, site, SiteId::FIRST, self.service_port) {
                    if words {
                        env.probe.discovery(m, "MAK, independent".to_owned());
                        let why = "no path to internet on TCP 443".to_owned();
                        env.probe.tried(m, "activation service".to_owned(), why);
                    }
                    return Answer::Failure {
                        code: Code::NoHost,
                        retry,
                    };
                }
                if words {
                    env.probe.discovery(m, "MAK, independent".to_owned());
                }
                self.answer(env, m, mak.key, retry, now)
            }
            MakMode::Phone { delay } => {
                if env.machines[m].flags & CALLED == 0 {
                    env.machines[m].flags |= CALLED;
                    if words {
                        env.probe
                            .discovery(m, "MAK by telephone: call placed".to_owned());
                    }
                    return Answer::Wait { until: now + delay };
                }
                if words {
                    env.probe.discovery(m, "MAK by telephone".to_owned());
                }
                // MAK-1: at zero activations left (0xC004C020) it retries every activation
                // interval, as in the other modes (a retry `delay` later looped at one
                // instant for a zero delay).
                let answer = self.answer(env, m, mak.key, retry, now);
                if matches!(answer, Answer::Success { .. }) {
                    env.machines[m].flags &= !CALLED;
                }
                answer
            }
            MakMode::Proxy { .. } => {
                if env.machines[m].flags & WAITING == 0 {
                    env.machines[m].flags |= WAITING;
                    self.waiting[env.machines[m].fleet].push(m);
                }
                if words {
                    env.probe
                        .discovery(m, "MAK by proxy: waits for the VAMT batch".to_owned());
                }
                Answer::Wait { until: NEVER }
            }
        }
    }

    /// A VAMT proxy's daily batch for `fleet` (MAK-2): every waiting machine that is online
    /// and reached from the proxy is activated, while activations are left. The answers for
    /// the machines it dealt with go to `out`; the others keep waiting. Returns the time of
    /// the next batch.
    pub fn batch<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        fleet: FleetId,
        now: SimTime,
        out: &mut Vec<(MachineId, Answer)>,
    ) -> SimTime {
        let Method::Mak(MakFleet {
            key,
            mode: MakMode::Proxy { via },
        }) = env.model.fleets[fleet].method
        else {
            return NEVER;
        };
        let site = env.model.fleets[fleet].site;
        let proxy_online = Self::reaches(env.topology, via, SiteId::FIRST, self.service_port);
        let reached = Self::reaches(env.topology, via, site, self.vamt_port);
        let mut waiting = std::mem::take(&mut self.waiting[fleet]);
        let mut kept = 0;
        for i in 0..waiting.len() {
            let m = waiting[i];
            if !env.machines[m].is_present() {
                env.machines[m].flags &= !WAITING;
                continue;
            }
            let online_at = env.machines.next_online(env.model, env.streams, m, now);
            let answer = if online_at != now {
                env.probe.offline(m, fleet, now + DAY, now);
                None
            } else if !(proxy_online && reached) {
                if env.probe.wants_words(m) {
                    let why = if reached {
                        "the proxy has no path to internet on TCP 443"
                    } else {
                        "the proxy does not reach the machine on TCP 135"
                    };
                    env.probe
                        .discovery(m, "MAK by proxy (VAMT batch)".to_owned());
                    env.probe.tried(m, "VAMT proxy".to_owned(), why.to_owned());
                }
                Some(Answer::Failure {
                    code: Code::NoHost,
                    retry: NEVER,
                })
            } else {
                if env.probe.wants_words(m) {
                    env.probe
                        .discovery(m, "MAK by proxy (VAMT batch)".to_owned());
                }
                Some(self.answer(env, m, key, NEVER, now))
            };
            match answer {
                Some(a @ Answer::Success { .. }) => {
                    env.machines[m].flags &= !WAITING;
                    out.push((m, a));
                }
                other => {
                    out.extend(other.map(|a| (m, a)));
                    waiting[kept] = m;
                    kept += 1;
                }
            }
        }
        waiting.truncate(kept);
        self.waiting[fleet] = waiting;
        now + DAY
    }

    /// Activations left on a key now.
    pub fn remaining(&self, key: MakKeyId) -> u64 {
        let k = self.keys[key];
        k.allowed - k.used
    }
}

/// A machine installed anew (re-image, rearm, hardware change) starts a new activation: a
/// telephone call not yet placed. (A machine waiting for a batch keeps its place.)
pub fn reinstalled(flags: &mut u8) {
    *flags &= !CALLED;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MAK-1: a key allows a fixed number of activations; at zero the next one is refused.
    #[test]
    fn mak_1_a_key_allows_a_fixed_number_of_activations() {
        let mut k = Key {
            allowed: 3,
            used: 0,
        };
        assert_eq!(k.take(), Some(2));
        assert_eq!(k.take(), Some(1));
        assert_eq!(k.take(), Some(0));
        assert_eq!(k.take(), None);
        assert_eq!(k.used, 3, "a refused activation uses nothing");
    }

    /// MAK-2: a re-installed machine places a new telephone call; a proxy's waiting list
    /// keeps it.
    #[test]
    fn mak_2_a_reinstall_starts_a_new_call() {
        let mut flags = CALLED | WAITING;
        reinstalled(&mut flags);
        assert_eq!(flags, WAITING);
    }
}
