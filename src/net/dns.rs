//! DNS zones and their `_vlmcs._tcp` SRV records (DNS-1 to DNS-4, KMS-HOST-8).
//!
//! Records are never deleted from the vectors: a removal sets the moment it stops being
//! visible, and every change during the run becomes visible to clients only after the
//! domain's replication delay (DNS-4). Indices therefore stay stable.

#![allow(clippy::indexing_slicing)] // indices are site, domain, port and record positions built from the validated model

use crate::model::{DomainId, HostId, Model, SrvId, SrvTarget, SrvUpdate, Table};
use crate::time::{NEVER, SimTime};

/// One `_vlmcs._tcp` SRV record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SrvRecord {
    pub target: Target,
    pub port: u16,
    pub priority: u16,
    pub weight: u16,
}

/// Where a record points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Host(HostId),
    /// A name that is no host of the scenario (a stale record, DNS-4): nothing answers
    /// there. The manual record it came from.
    Stale(SrvId),
}

#[derive(Debug, Clone, Default)]
struct Zone {
    records: Vec<SrvRecord>,
    /// The host that registered each record dynamically (None: created by hand).
    owner: Vec<Option<HostId>>,
    visible_from: Vec<SimTime>,
    /// When a removal becomes visible (`NEVER`: not removed).
    hidden_from: Vec<SimTime>,
    creator_only: bool,
    replication_delay: SimTime,
    scavenging: SimTime,
}

#[derive(Debug, Clone, Default)]
pub struct Zones {
    zones: Table<DomainId, Zone>,
}

/// What a host's dynamic registration came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// Its record is there (new, or refreshed).
    Published,
    /// DNS-3: another host created the record and the permissions are `CreatorOnly`
    /// (event 12293 on the host).
    Denied,
}

impl Zones {
    /// The zones at t = 0: what exists at the start is settled and visible at once
    /// (scenario-format.md). Publishing hosts register in file order (DNS-1, DNS-2, DNS-3),
    /// then the records created by hand are added.
    pub fn at_start(model: &Model) -> Zones {
        let mut zones = Zones {
            zones: model
                .domains
                .iter()
                .map(|d| Zone {
                    creator_only: d.srv_update == SrvUpdate::CreatorOnly,
                    replication_delay: d.replication_delay,
                    scavenging: d.scavenging,
                    ..Zone::default()
                })
                .collect(),
        };
        for (h, host) in model.kms.hosts.enumerate() {
            // A host built during the run is nowhere at the start.
            if host.publish && !host.built_later {
                for &d in &host.publish_domains {
                    zones.register(model, h, d, 0, 0);
                }
            }
        }
        for (i, srv) in model.kms.manual_srv.enumerate() {
            let zone = &mut zones.zones[srv.domain];
            zone.records.push(SrvRecord {
                target: match srv.target {
                    SrvTarget::Host(h) => Target::Host(h),
                    SrvTarget::Unknown(_) => Target::Stale(i),
                },
                port: srv.port,
                priority: srv.priority,
                weight: srv.weight,
            });
            zone.owner.push(None);
            zone.visible_from.push(0);
            zone.hidden_from.push(NEVER);
        }
        zones
    }

    /// Host `h` registers its SRV record in domain `d` at `now`; the change is visible after
    /// `delay` (the domain's replication delay during the run, 0 at the start).
    fn register(
        &mut self,
        model: &Model,
        h: HostId,
        d: DomainId,
        now: SimTime,
        delay: SimTime,
    ) -> Registration {
        let zone = &mut self.zones[d];
        // A record exists on the DNS server until it is deleted there (a decommissioned
        // host's record until scavenging removes it, an admin's deletion at once); the
        // replication delay only holds back what clients see.
        let exists = |zone: &Zone, i: usize| {
            zone.hidden_from[i] == NEVER
                || zone.hidden_from[i].saturating_sub(zone.replication_delay) > now
        };
        if let Some(i) =
            (0..zone.records.len()).find(|&i| exists(zone, i) && zone.owner[i] == Some(h))
        {
            // KMS-HOST-8: a refresh changes nothing visible (and keeps a record that was
            // ageing out, for a host built again before scavenging).
            zone.hidden_from[i] = NEVER;
            return Registration::Published;
        }
        // DNS-3: only the host that created the record may update it.
        if zone.creator_only
            && (0..zone.records.len()).any(|i| exists(zone, i) && zone.owner[i].is_some())
        {
            return Registration::Denied;
        }
        let host = &model.kms.hosts[h];
        zone.records.push(SrvRecord {
            target: Target::Host(h),
            port: host.port,
            priority: host.priority,
            weight: host.weight,
        });
        zone.owner.push(Some(h));
        zone.visible_from.push(now + delay);
        zone.hidden_from.push(NEVER);
        Registration::Published
    }

    /// KMS-HOST-8: a publishing host (re-)registers in its publish domains; a change shows
    /// after the replication delay (DNS-4).
    pub fn register_during_run(
        &mut self,
        model: &Model,
        h: HostId,
        d: DomainId,
        now: SimTime,
    ) -> Registration {
        let delay = self.zones[d].replication_delay;
        self.register(model, h, d, now, delay)
    }

    /// DNS-4: a decommissioned host no longer refreshes its dynamic records: DNS scavenging
    /// removes them `scavenging` later (seen by clients after the replication delay too).
    /// Returns the domains and the instants its records disappear.
    pub fn age_out(&mut self, h: HostId, now: SimTime) -> Vec<(DomainId, SimTime)> {
        let mut gone = Vec::new();
        for (d, zone) in self.zones.enumerate_mut() {
            let at = now + zone.scavenging + zone.replication_delay;
            for i in 0..zone.records.len() {
                if zone.owner[i] == Some(h) && zone.hidden_from[i] == NEVER {
                    zone.hidden_from[i] = at;
                    gone.push((d, at));
                }
            }
        }
        gone
    }

    /// `RemoveSrv`: an admin deletes the records of `target` in domain `d`.
    pub fn remove(&mut self, model: &Model, d: DomainId, target: &SrvTarget, now: SimTime) {
        let zone = &mut self.zones[d];
        let gone = now + zone.replication_delay;
        for i in 0..zone.records.len() {
            let matches = match (zone.records[i].target, target) {
                (Target::Host(a), SrvTarget::Host(b)) => a == *b,
                (Target::Stale(m), SrvTarget::Unknown(name)) => {
                    model.kms.manual_srv[m].target == SrvTarget::Unknown(name.clone())
                }
                _ => false,
            };
            if matches && zone.hidden_from[i] == NEVER {
                zone.hidden_from[i] = gone;
            }
        }
    }

    /// All records of domain `d`, visible or not; index with `visible`.
    pub fn records(&self, d: DomainId) -> &[SrvRecord] {
        &self.zones[d].records
    }

    /// Whether record `i` of domain `d` is visible to clients at `now`.
    pub fn visible(&self, d: DomainId, i: usize, now: SimTime) -> bool {
        let zone = &self.zones[d];
        zone.visible_from[i] <= now && now < zone.hidden_from[i]
    }

    /// Whether domain `d` shows any record at `now`.
    pub fn any_visible(&self, d: DomainId, now: SimTime) -> bool {
        (0..self.records(d).len()).any(|i| self.visible(d, i, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Id;

    fn model(srv_update: &str) -> Model {
        let text = format!(
            r#"Scenario(name: "z", duration: "10d",
                sites: [Site(name: "hq")],
                domains: [Domain(name: "corp", dns_site: "hq", srv_update: {srv_update}, replication_delay: "1h")],
                kms_hosts: [KmsHost(name: "a", site: "hq"), KmsHost(name: "b", site: "hq")],
                manual_srv: [Srv(domain: "corp", target: "kms-old")],
                fleets: [Fleet(name: "f", site: "hq", count: 1, activation: Kms())])"#
        );
        crate::parse("z.ron", text.as_bytes()).unwrap()
    }

    const CORP: DomainId = DomainId::FIRST;

    fn host(i: usize) -> HostId {
        HostId::from_index(i)
    }

    fn stale(i: usize) -> Target {
        Target::Stale(SrvId::from_index(i))
    }

    fn targets(z: &Zones, now: SimTime) -> Vec<Target> {
        (0..z.records(CORP).len())
            .filter(|&i| z.visible(CORP, i, now))
            .map(|i| z.records(CORP)[i].target)
            .collect()
    }

    /// DNS-3: with default permissions only the first host publishes.
    #[test]
    fn dns_3_creator_only_denies_later_hosts_until_the_record_is_removed() {
        let m = model("CreatorOnly");
        let mut z = Zones::at_start(&m);
        assert_eq!(targets(&z, 0), vec![Target::Host(host(0)), stale(0)]);
        assert_eq!(
            z.register_during_run(&m, host(1), CORP, 100),
            Registration::Denied
        );
        // DNS-4: the removal shows after the replication delay; then "b" may create the record.
        z.remove(&m, CORP, &SrvTarget::Host(host(0)), 1_000);
        assert_eq!(
            targets(&z, 1_000 + 3_599),
            vec![Target::Host(host(0)), stale(0)]
        );
        assert_eq!(targets(&z, 1_000 + 3_600), vec![stale(0)]);
        assert_eq!(
            z.register_during_run(&m, host(1), CORP, 5_000),
            Registration::Published
        );
        assert_eq!(
            targets(&z, 5_000 + 3_600),
            vec![stale(0), Target::Host(host(1))]
        );
    }

    /// DNS-1, DNS-3: with permissions opened, every publishing host has its record.
    #[test]
    fn dns_1_any_host_publishes_every_host() {
        let m = model("AnyHost");
        let z = Zones::at_start(&m);
        assert_eq!(
            targets(&z, 0),
            vec![Target::Host(host(0)), Target::Host(host(1)), stale(0)]
        );
    }

    /// DNS-4, KMS-HOST-8: a record created by hand stays until removed; re-registration of a
    /// live record changes nothing.
    #[test]
    fn dns_4_manual_records_stay_until_removed() {
        let m = model("AnyHost");
        let mut z = Zones::at_start(&m);
        assert_eq!(
            z.register_during_run(&m, host(0), CORP, 86_400),
            Registration::Published
        );
        assert_eq!(z.records(CORP).len(), 3);
        z.remove(&m, CORP, &SrvTarget::Unknown("kms-old".into()), 0);
        assert_eq!(
            targets(&z, 3_600),
            vec![Target::Host(host(0)), Target::Host(host(1))]
        );
    }
}
