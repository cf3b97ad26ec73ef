//! A machine's status at one instant, as `slmgr /dlv` shows it (`actsim trace --at`).

#![allow(clippy::indexing_slicing)] // indices are ids of machines, fleets and hosts that the model and the world create, in range by construction

use super::World;
use crate::methods::kms::Cmid;
use crate::methods::licence::LicenceState;
use crate::model::{Discovery, HostId, MachineId, MakMode, Method, SrvTarget};
use crate::net::dns::Target;
use crate::probe::Probe;
use crate::time::{NEVER, SimTime};

/// What `slmgr /dlv` shows of a machine at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub at: SimTime,
    pub present: bool,
    pub state: LicenceState,
    /// End of the current grace, validity or out-of-tolerance period (None when there is
    /// none: notification, or a MAK activation, which is for good).
    pub deadline: Option<SimTime>,
    /// The product's name and its activation ID (a stable id derived from the name).
    pub product: String,
    pub activation_id: String,
    pub channel: Channel,
    pub activation_interval: SimTime,
    pub renewal_interval: Option<SimTime>,
    pub cmid: Cmid,
    pub next_attempt: Option<SimTime>,
    /// Its Kaspersky licence keys, if a KSC server manages it.
    pub ksc: Option<KscDevice>,
}

/// A Kaspersky device's licence as the KSC console shows it: its keys and when they end.
#[derive(Debug, Clone, PartialEq)]
pub struct KscDevice {
    pub server: String,
    pub state: &'static str,
    /// (key, end of its licence term).
    pub active: Option<(String, SimTime)>,
    pub reserve: Option<(String, SimTime)>,
}

/// What the status shows of the machine's activation channel.
#[derive(Debug, Clone, PartialEq)]
pub enum Channel {
    Kms(KmsStatus),
    Mak {
        key: String,
        mode: &'static str,
        /// Activations left on the key now (MAK-1).
        remaining: u64,
    },
    Adba {
        /// The domain whose activation object it reads, if any.
        domain: Option<String>,
        /// The KMS side, used when ADBA cannot serve an attempt.
        fallback: Option<KmsStatus>,
    },
    /// A Kaspersky-managed device whose Windows activation is not modelled.
    None,
    /// A machine that is never activated (`NotActivated`).
    NotActivated,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KmsStatus {
    /// The KMS host named by hand, or the one DNS discovery would offer first now.
    pub kms_name: Option<String>,
    pub static_host: bool,
    pub cached_host: Option<String>,
}

/// A stable activation ID for a product (the real ones are per SKU).
fn activation_id(product: &str) -> String {
    let h = crate::engine::random::name_hash(product);
    let g = crate::engine::random::stream_of(h, 0xac71_0a7e);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xffff,
        g >> 48,
        g & 0xffff_ffff_ffff
    )
}

impl<P: Probe> World<'_, P> {
    /// The KMS side of machine `m`'s status, discovering by `discovery`.
    fn kms_status(&mut self, m: MachineId, discovery: Discovery, now: SimTime) -> KmsStatus {
        let model = self.model;
        let fleet = &model.fleets[self.machines[m].fleet];
        let host_name = |h: HostId| model.kms.hosts[h].name.clone();
        let (kms_name, static_host) = match discovery {
            Discovery::Static(h) => (Some(host_name(h)), true),
            Discovery::Dns => {
                let (methods, env) = self.split();
                let zones = &methods.kms.zones;
                let name = methods.kms.lookup(&env, m, now).and_then(|d| {
                    let records = zones.records(d);
                    (0..records.len())
                        .filter(|&r| zones.visible(d, r, now))
                        .min_by_key(|&r| {
                            (records[r].priority, std::cmp::Reverse(records[r].weight))
                        })
                        .map(|r| match records[r].target {
                            Target::Host(h) => host_name(h),
                            Target::Stale(s) => match &model.kms.manual_srv[s].target {
                                SrvTarget::Unknown(n) => n.clone(),
                                SrvTarget::Host(h) => host_name(*h),
                            },
                        })
                });
                (name, false)
            }
        };
        let last = self.machines[m].last_host;
        KmsStatus {
            kms_name,
            static_host,
            cached_host: (last != HostId::NONE && fleet.host_caching).then(|| host_name(last)),
        }
    }

    /// The status of machine `m` now.
    pub(super) fn status(&mut self, m: MachineId, now: SimTime) -> Status {
        let model = self.model;
        let fleet = &model.fleets[self.machines[m].fleet];
        let channel = match fleet.method {
            Method::Kms(k) => Channel::Kms(self.kms_status(m, k.discovery, now)),
            Method::Mak(mak) => Channel::Mak {
                key: model.mak_keys[mak.key].name.clone(),
                mode: match mak.mode {
                    MakMode::Independent => "independent",
                    MakMode::Proxy { .. } => "proxy (VAMT)",
                    MakMode::Phone { .. } => "telephone",
                },
                remaining: self.methods.mak.remaining(mak.key),
            },
            Method::Adba(a) => Channel::Adba {
                domain: fleet
                    .domain
                    .filter(|&d| model.domains[d].adba)
                    .map(|d| model.domains[d].name.clone()),
                fallback: a
                    .fallback_kms
                    .then(|| self.kms_status(m, Discovery::Dns, now)),
            },
            Method::Ksc(_) => Channel::None,
            Method::NotActivated => Channel::NotActivated,
        };
        let ksc = crate::model::ksc::managed(fleet).map(|k| {
            let slots = self.methods.ksc.slots(m);
            let storage = self.methods.ksc.storage();
            let key = |id: Option<crate::model::LicenseKeyId>| {
                id.map(|k| (model.ksc.keys[k].name.clone(), storage.expires(k)))
            };
            KscDevice {
                server: model.ksc.servers[k.server].name.clone(),
                state: crate::model::StateSet::Ksc.names()
                    [usize::from(storage.state(slots, now).index())],
                active: key(slots.active),
                reserve: key(slots.reserve),
            }
        });
        let timers = self.timers(m);
        let product = &model.products[fleet.product].name;
        let machine = &self.machines[m];
        let licence = machine.licence;
        let next = machine.next_attempt;
        Status {
            at: now,
            present: machine.is_present(),
            state: licence.state,
            deadline: (licence.deadline != NEVER).then_some(licence.deadline),
            product: product.clone(),
            activation_id: activation_id(product),
            channel,
            activation_interval: timers.activation_interval,
            renewal_interval: (timers.renewal_interval != NEVER).then_some(timers.renewal_interval),
            cmid: machine.cmid,
            next_attempt: (next != NEVER && next >= now).then_some(next),
            ksc,
        }
    }
}
