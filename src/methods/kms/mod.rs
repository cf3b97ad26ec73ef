//! Windows Key Management Service: the hosts' counts (`host.rs`), how a client finds a host
//! (`discovery.rs`), one activation attempt (`attempt.rs`), and the hosts' life during a run
//! (timeline actions, SRV registration) here.

mod attempt;
pub mod discovery;
pub mod host;
pub(crate) mod resolve;
pub mod stats;
pub mod summary;

pub use host::{Cmid, KmsHost, Reply};

use crate::engine::Streams;
use crate::engine::random::{name_hash, stream_of};
use crate::model::{
    DNS_PORT, HostId, HostKeyId, KeyGroup, KeyInstall, KmsAction, Model, PolicyModel, Pool,
    PortModel, SrvTarget, Table,
};
use crate::net::dns::Registration;
use crate::net::dns::Zones;
use crate::net::topology::{PortId, Topology};
use crate::probe::{DnsEvent, Probe};
use crate::time::{DAY, SimTime};

/// Seconds between a publishing host's SRV registrations (KMS-HOST-8).
pub const REGISTRATION_INTERVAL: SimTime = DAY;
/// Re-activations a host's own key allows (KMS-HOST-4).
const OWN_KEY_REACTIVATIONS: u32 = 9;
/// Stream kind of a host's draws.
const HOST_STREAM: u64 = 0x4057;

/// KMS-CLI-1, KMS-CLI-8: a reply with `count` activates the client if it reaches the
/// product's threshold.
pub fn activates(count: u32, threshold: u32) -> bool {
    count >= threshold
}

/// The KMS hosts and DNS records during a run.
#[derive(Debug)]
pub(crate) struct Kms {
    pub hosts: Table<HostId, KmsHost>,
    /// KMS-HOST-4: per shared host key, the hosts activated with it so far.
    key_hosts: Table<HostKeyId, Vec<HostId>>,
    /// Whether each host still publishes itself in DNS (PublishOff stops it).
    publishing: Table<HostId, bool>,
    pub zones: Zones,
    /// Each host's TCP port among the topology's ports of interest.
    host_port: Table<HostId, PortId>,
    dns_port: PortId,
    /// Reused list of untried SRV records, so attempts do not allocate.
    untried: Vec<u16>,
}

impl Kms {
    pub fn new(model: &Model, topology: &Topology) -> Self {
        let port_id = |p: PortModel| {
            topology
                .port_id(p)
                .expect("ports of interest include every host port and DNS")
        };
        let (hosts, key_hosts) = initial_hosts(model);
        Kms {
            hosts,
            key_hosts,
            publishing: model.kms.hosts.iter().map(|h| h.publish).collect(),
            zones: Zones::at_start(model),
            host_port: model
                .kms
                .hosts
                .iter()
                .map(|h| port_id(PortModel::Tcp(h.port)))
                .collect(),
            dns_port: port_id(DNS_PORT),
            untried: Vec::new(),
        }
    }

    /// KMS-HOST-8: the first re-registration of host `h`, from a phase of its own in the
    /// first 24 hours (its records of t = 0 are settled by `Zones::at_start`).
    pub fn first_registration(model: &Model, streams: &mut Streams, h: HostId) -> SimTime {
        let stream = stream_of(name_hash(&model.kms.hosts[h].name), HOST_STREAM);
        1 + streams.below(stream, 0, REGISTRATION_INTERVAL)
    }

    /// KMS-HOST-8: a running, publishing host registers its SRV record in each of its
    /// publish domains (DNS-1, DNS-2); a later host under `CreatorOnly` is denied (DNS-3),
    /// which the host logs (event 12293) and the probe hears.
    pub fn register<P: Probe>(&mut self, model: &Model, probe: &mut P, h: HostId, now: SimTime) {
        if self.publishing[h] && self.hosts[h].up {
            for &d in &model.kms.hosts[h].publish_domains {
                if self.zones.register_during_run(model, h, d, now) == Registration::Denied {
                    let name = &model.kms.hosts[h].name;
                    probe.dns_event(d, name, DnsEvent::RegistrationRefused, now);
                }
            }
        }
    }

    /// A timeline action on a host or the DNS records.
    pub fn apply<P: Probe>(
        &mut self,
        model: &Model,
        policy: &PolicyModel,
        probe: &mut P,
        action: &KmsAction,
        now: SimTime,
    ) {
        match *action {
            KmsAction::HostDown(h) => self.hosts[h].up = false,
            KmsAction::HostUp(h) => {
                // KMS-COUNT-6: a host coming back has restarted its service.
                self.hosts[h].come_back(policy.restart_clears_cmids);
                // The service registers its SRV record as it starts (KMS-HOST-8).
                self.register(model, probe, h, now);
            }
            KmsAction::HostRestart(h) => {
                self.hosts[h].restart(policy.restart_clears_cmids);
                self.register(model, probe, h, now);
            }
            KmsAction::HostReinstall(h) => {
                self.hosts[h].reinstall();
                self.register(model, probe, h, now);
            }
            KmsAction::PublishOff(h) => self.publishing[h] = false,
            KmsAction::PublishOn(h) => {
                self.publishing[h] = true;
                self.register(model, probe, h, now);
            }
            KmsAction::AddHost(h) => {
                self.hosts[h].build();
                self.register(model, probe, h, now);
            }
            KmsAction::RemoveHost(h) => {
                self.hosts[h].decommission();
                let name = &model.kms.hosts[h].name;
                for (d, at) in self.zones.age_out(h, now) {
                    probe.dns_event(d, name, DnsEvent::AgedOut, at);
                }
            }
            KmsAction::RemoveSrv { domain, ref target } => {
                self.zones.remove(model, domain, target, now);
                let name = match target {
                    SrvTarget::Host(h) => model.kms.hosts[*h].name.as_str(),
                    SrvTarget::Unknown(n) => n.as_str(),
                };
                let at = now + model.domains[domain].replication_delay;
                probe.dns_event(domain, name, DnsEvent::Removed, at);
            }
            KmsAction::UpdateHost {
                host,
                os_generation,
            } => self.hosts[host].update_os(os_generation),
            KmsAction::InstallHostKey {
                host,
                ref keys,
                generation,
                host_key,
            } => {
                let result = self.install_key(model, host, keys, generation, host_key);
                probe.key_install(host, generation, result, now);
            }
        }
    }

    /// KMS-GEN-3, KMS-HOST-4: installs a new host key on `h` and activates the host with it,
    /// which uses one of a shared key's hosts (or, for a host activated with that key
    /// before, one of its reactivations). A key its OS cannot hold (KMS-GEN-2) changes
    /// nothing.
    fn install_key(
        &mut self,
        model: &Model,
        h: HostId,
        keys: &[KeyGroup],
        generation: u8,
        host_key: Option<HostKeyId>,
    ) -> KeyInstall {
        if !self.hosts[h].can_hold(generation) {
            return KeyInstall::OsCannotHold;
        }
        let (activated, reactivations) = match host_key {
            None => (true, OWN_KEY_REACTIVATIONS),
            Some(k) => {
                let key = &model.kms.host_keys[k];
                let hosts = &mut self.key_hosts[k];
                if hosts.contains(&h) {
                    let left = self.hosts[h].reactivations_left;
                    (left > 0, left.saturating_sub(1))
                } else if (hosts.len() as u64) < u64::from(key.max_hosts) {
                    hosts.push(h);
                    (true, key.reactivations)
                } else {
                    (false, 0)
                }
            }
        };
        self.hosts[h].install_key(keys.to_vec(), generation, activated, reactivations);
        if activated {
            KeyInstall::Activated
        } else {
            KeyInstall::OverHostLimit
        }
    }

    /// Each host's count per pool at `now` as a request would see it (KMS-COUNT-3), without
    /// changing any table; written into `out`, one entry per host.
    pub fn counts_at(&self, now: SimTime, retention: SimTime, out: &mut Vec<Option<[u32; 2]>>) {
        out.clear();
        out.extend(self.hosts.iter().map(|host| {
            host.present
                .then(|| Pool::ALL.map(|pool| host.pool(pool).count_at(now as i64, retention)))
        }));
    }
}

/// The hosts at t = 0, and the hosts each shared key activated. KMS-HOST-4: a shared host
/// key activates at most `max_hosts` hosts (the first ones in file order); the others stay
/// unactivated (KMS-HOST-10). A host with its own key is activated.
fn initial_hosts(model: &Model) -> (Table<HostId, KmsHost>, Table<HostKeyId, Vec<HostId>>) {
    let mut key_hosts: Table<HostKeyId, Vec<HostId>> =
        model.kms.host_keys.iter().map(|_| Vec::new()).collect();
    let hosts = model
        .kms
        .hosts
        .enumerate()
        .map(|(id, h)| {
            let (activated, reactivations) = match h.host_key {
                Some(k) => {
                    let key = &model.kms.host_keys[k];
                    let activated = (key_hosts[k].len() as u64) < u64::from(key.max_hosts);
                    if activated {
                        key_hosts[k].push(id);
                    }
                    (activated, key.reactivations)
                }
                None => (true, OWN_KEY_REACTIVATIONS),
            };
            let mut host = KmsHost::new(
                h.keys.clone(),
                h.key_generation,
                h.os_generation,
                activated,
                reactivations,
            );
            // A host built during the run is nowhere until then.
            host.present = !h.built_later;
            host.up = host.present;
            host
        })
        .collect();
    (hosts, key_hosts)
}
