//! Active-Directory-based activation (ADBA-1, ADBA-2): a domain-joined machine of a product
//! that supports it (generation 3 and later) reads the activation object of its domain from
//! a domain controller over LDAP (`Tcp(389)`). No threshold, no count. It re-checks every 7
//! days and stays licensed while its last successful check is under `adba_validity` (180
//! days) old; then out-of-tolerance grace and notification, as a KMS client.
//!
//! With `fallback_kms` the machine goes on to KMS discovery within the same attempt when the
//! product is too old, the domain has no activation object, or no domain controller is
//! reachable (ADBA-2); the next attempt tries ADBA first again.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

pub(crate) mod resolve;

use super::Env;
use super::kms::Kms;
use super::licence::Answer;
use crate::code::Code;
use crate::model::{AdbaFleet, Discovery, KmsFleet, MachineId, PortModel};
use crate::net::topology::{PortId, Topology};
use crate::probe::Probe;
use crate::time::{DAY, SimTime};

/// LDAP, from a machine to a domain controller.
pub const LDAP_PORT: PortModel = PortModel::Tcp(389);
/// ADBA-2: an activated machine re-checks its activation this often.
pub const RECHECK_INTERVAL: SimTime = 7 * DAY;

/// Why ADBA could not serve an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Product,
    NoDomain,
    NoObject,
    NoController,
}

impl Refusal {
    fn words(self) -> &'static str {
        match self {
            Refusal::Product => "the product is older than generation 3",
            Refusal::NoDomain => "the machine is in no domain",
            Refusal::NoObject => "the domain has no activation object",
            Refusal::NoController => "no domain controller reachable on TCP 389",
        }
    }
}

#[derive(Debug)]
pub(crate) struct Adba {
    ldap_port: Option<PortId>,
}

impl Adba {
    pub fn new(topology: &Topology) -> Self {
        Adba {
            ldap_port: topology.port_id(LDAP_PORT),
        }
    }

    /// ADBA-1: whether machine `m` can read an activation object now, or why not.
    fn check<P>(&self, env: &Env<'_, P>, m: MachineId) -> Result<(), Refusal> {
        let model = env.model;
        let fleet = &model.fleets[env.machines[m].fleet];
        if !model.products[fleet.product].supports_adba() {
            return Err(Refusal::Product);
        }
        let domain = &model.domains[fleet.domain.ok_or(Refusal::NoDomain)?];
        if !domain.adba {
            return Err(Refusal::NoObject);
        }
        let port = self.ldap_port.ok_or(Refusal::NoController)?;
        if domain
            .dc_sites
            .iter()
            .any(|&dc| env.topology.reaches(fleet.site, dc, port))
        {
            Ok(())
        } else {
            Err(Refusal::NoController)
        }
    }

    /// One attempt of machine `m` of an ADBA fleet: ADBA, then KMS discovery if allowed.
    pub fn attempt<P: Probe>(
        &self,
        kms: &mut Kms,
        env: &mut Env<'_, P>,
        m: MachineId,
        adba: AdbaFleet,
        now: SimTime,
    ) -> Answer {
        match self.check(env, m) {
            Ok(()) => {
                if env.probe.wants_words(m) {
                    let name = env.model.fleets[env.machines[m].fleet]
                        .domain
                        .map(|d| env.model.domains[d].name.clone())
                        .unwrap_or_default();
                    env.probe.discovery(m, format!("ADBA: domain {name}"));
                    env.probe.tried(
                        m,
                        "domain controller".to_owned(),
                        "activation object read".to_owned(),
                    );
                }
                Answer::Success {
                    valid_for: env.policy.adba_validity,
                    next: RECHECK_INTERVAL,
                }
            }
            Err(why) => {
                if env.probe.wants_words(m) {
                    let then = if adba.fallback_kms {
                        "; KMS instead"
                    } else {
                        ""
                    };
                    env.probe
                        .discovery(m, format!("ADBA: {}{then}", why.words()));
                }
                if adba.fallback_kms {
                    let failure = kms.exchange(
                        env,
                        m,
                        KmsFleet {
                            discovery: Discovery::Dns,
                        },
                        now,
                    );
                    let timers = Kms::timers(env.model, env.policy, env.machines, m);
                    Answer::with_timers(failure, &timers)
                } else {
                    Answer::Failure {
                        code: Code::NoHost,
                        retry: env.policy.activation_interval,
                    }
                }
            }
        }
    }
}
