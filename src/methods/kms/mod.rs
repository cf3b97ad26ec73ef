//! Windows Key Management Service: the hosts' counts (`host.rs`), how a client finds a host
//! (`discovery.rs`), one activation attempt (`attempt.rs`), and the hosts' life during a run
//! (timeline actions, SRV registration) here.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

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
    /// KMS-HOST-4: per shared host key, the hosts activated with it so far and the
    /// re-activations each has left with it. A host's `reactivations_left` is that of the
    /// key it holds now; it goes back here when the host installs another key, so a host
    /// returning to a key finds its own count with that key.
    key_hosts: Table<HostKeyId, Vec<(HostId, u32)>>,
    /// The shared host key each host holds now (`None`: a key of its own).
    host_key: Table<HostId, Option<HostKeyId>>,
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
    #[allow(clippy::expect_used)] // the topology was built with every host port and DNS (methods::ports_of_interest)
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
            host_key: model.kms.hosts.iter().map(|h| h.host_key).collect(),
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
        // The re-activations left with the key it leaves stay with that key.
        if let Some(old) = self.host_key[h]
            && let Some(entry) = self.key_hosts[old].iter_mut().find(|e| e.0 == h)
        {
            entry.1 = self.hosts[h].reactivations_left;
        }
        self.host_key[h] = host_key;
        let (result, reactivations) = match host_key {
            None => (KeyInstall::Activated, OWN_KEY_REACTIVATIONS),
            Some(k) => {
                let key = &model.kms.host_keys[k];
                let hosts = &mut self.key_hosts[k];
                let room = (hosts.len() as u64) < u64::from(key.max_hosts);
                match hosts.iter_mut().find(|e| e.0 == h) {
                    // Activated with this key before: one of its re-activations with it.
                    Some((_, left)) if *left > 0 => {
                        *left -= 1;
                        (KeyInstall::Activated, *left)
                    }
                    Some(_) => (KeyInstall::NoReactivationsLeft, 0),
                    None if room => {
                        hosts.push((h, key.reactivations));
                        (KeyInstall::Activated, key.reactivations)
                    }
                    None => (KeyInstall::OverHostLimit, 0),
                }
            }
        };
        let activated = result == KeyInstall::Activated;
        self.hosts[h].install_key(keys.to_vec(), generation, activated, reactivations);
        result
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
type KeyHosts = Table<HostKeyId, Vec<(HostId, u32)>>;

fn initial_hosts(model: &Model) -> (Table<HostId, KmsHost>, KeyHosts) {
    let mut key_hosts: KeyHosts = model.kms.host_keys.iter().map(|_| Vec::new()).collect();
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
                        key_hosts[k].push((id, key.reactivations));
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
    let mut hosts: Table<HostId, KmsHost> = hosts;
    // The tables a scenario writes for the start (a network imported from its logs).
    for e in &model.kms.start_tables {
        let table = hosts[e.host].pool_mut(e.pool);
        table.note_threshold(e.threshold);
        table.register(e.cmid, e.seen);
    }
    (hosts, key_hosts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::ports_of_interest;
    use crate::model::Id;

    /// KMS-HOST-4, KMS-GEN-3: re-activations are counted per host and key. A host activated
    /// with A (2 re-activations) goes to B (none) and back to A: it uses one of A's, not
    /// B's count; back on B it has none left with B. Each return to A uses one of A's
    /// until none is left.
    #[test]
    fn kms_host_4_reactivations_are_counted_per_host_and_key() {
        let model = crate::parse(
            "keys.ron",
            br#"Scenario(name: "keys", duration: "1d",
                sites: [Site(name: "hq")],
                domains: [Domain(name: "corp", dns_site: "hq")],
                host_keys: [HostKey(name: "A", max_hosts: 6, reactivations: 2),
                            HostKey(name: "B", max_hosts: 6, reactivations: 0)],
                kms_hosts: [KmsHost(name: "kms1", site: "hq", host_key: Some("A"))],
                fleets: [Fleet(name: "s", site: "hq", count: 1, product: "WindowsServerC", activation: Kms())])"#,
        )
        .unwrap();
        let topology = Topology::new(model.sites.len(), &model.links, ports_of_interest(&model));
        let mut kms = Kms::new(&model, &topology);
        let h = HostId::FIRST;
        let (a, b) = (HostKeyId::from_index(0), HostKeyId::from_index(1));
        let mut install = |k| kms.install_key(&model, h, &[KeyGroup::ServerC], 8, Some(k));
        assert_eq!(install(b), KeyInstall::Activated);
        assert_eq!(install(a), KeyInstall::Activated);
        assert_eq!(install(b), KeyInstall::NoReactivationsLeft);
        assert_eq!(install(a), KeyInstall::Activated);
        assert_eq!(install(a), KeyInstall::NoReactivationsLeft);
        assert!(!kms.hosts[h].activated);
        assert_eq!(kms.key_hosts[a], vec![(h, 0)]);
        assert_eq!(kms.key_hosts[b], vec![(h, 0)]);
    }

    /// KMS-HOST-4: a `HostReinstall` uses a re-activation of the key the host holds; it is
    /// that key's count the host finds when it comes back to it.
    #[test]
    fn kms_host_4_a_reinstall_uses_the_current_keys_reactivations() {
        let model = crate::parse(
            "keys.ron",
            br#"Scenario(name: "keys", duration: "1d",
                sites: [Site(name: "hq")],
                domains: [Domain(name: "corp", dns_site: "hq")],
                host_keys: [HostKey(name: "A", max_hosts: 6, reactivations: 1),
                            HostKey(name: "B", max_hosts: 6, reactivations: 5)],
                kms_hosts: [KmsHost(name: "kms1", site: "hq", host_key: Some("A"))],
                fleets: [Fleet(name: "s", site: "hq", count: 1, product: "WindowsServerC", activation: Kms())])"#,
        )
        .unwrap();
        let topology = Topology::new(model.sites.len(), &model.links, ports_of_interest(&model));
        let mut kms = Kms::new(&model, &topology);
        let h = HostId::FIRST;
        let (a, b) = (HostKeyId::from_index(0), HostKeyId::from_index(1));
        kms.hosts[h].reinstall();
        assert!(kms.hosts[h].activated, "A's one re-activation");
        assert_eq!(
            kms.install_key(&model, h, &[KeyGroup::ServerC], 8, Some(b)),
            KeyInstall::Activated
        );
        assert_eq!(
            kms.install_key(&model, h, &[KeyGroup::ServerC], 8, Some(a)),
            KeyInstall::NoReactivationsLeft
        );
    }
}
