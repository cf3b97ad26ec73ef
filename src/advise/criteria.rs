//! The criteria of Table 1 of the volume-activation planning guide, computed for each fleet
//! from the scenario — never asked of the user: whether the machines are joined to an Active
//! Directory domain and reach one of its domain controllers, how long they stay offline at a
//! stretch, whether their product supports AD-based activation, which KMS hosts they reach,
//! whether they reach the vendor's activation service, how often the timeline rebuilds them,
//! and which of them a KMS host would count.
//!
//! Reachability is the simulation's own (`net::topology`, NET-1), of the network as it stands
//! at the start of the run: a timeline that opens a port later is not planned on.

#![allow(clippy::indexing_slicing)] // indices are ids of sites, domains, products and hosts of the validated model, in range by construction

use crate::methods::{adba, mak};
use crate::model::{
    ActionModel, ArrivalModel, DEFAULT_KMS_PORT, DNS_PORT, Discovery, FleetAction, FleetId,
    FleetModel, HostId, Image, KeyGroup, Method, Model, Pool, PortModel, SiteId,
};
use crate::net::schedule::longest_offline;
use crate::net::topology::Topology;
use crate::time::{DAY, SimTime};

/// One year, for rates.
pub const YEAR: SimTime = 365 * DAY;

/// The network as the simulation sees it at t = 0, for the ports planning asks about.
pub struct Reach {
    topology: Topology,
}

impl Reach {
    pub fn new(model: &Model) -> Self {
        // The simulation's ports, and those of every method the plan may choose.
        let mut ports = crate::methods::ports_of_interest(model);
        ports.extend([
            adba::LDAP_PORT,
            mak::ACTIVATION_SERVICE_PORT,
            mak::VAMT_PORT,
            PortModel::Tcp(DEFAULT_KMS_PORT),
        ]);
        ports.sort();
        ports.dedup();
        Reach {
            topology: Topology::new(model.sites.len(), &model.links, ports),
        }
    }

    /// NET-1: whether site `from` reaches site `to` on `port`.
    pub fn reaches(&self, from: SiteId, to: SiteId, port: PortModel) -> bool {
        self.topology
            .port_id(port)
            .is_some_and(|p| self.topology.reaches(from, to, p))
    }
}

/// Everything Table 1 asks about one fleet.
#[derive(Debug, Clone)]
pub struct Criteria {
    pub fleet: FleetId,
    /// The most machines the fleet holds (its count plus every `AddMachines`).
    pub machines: u64,
    /// Its Windows licence is simulated (not a Kaspersky-only fleet).
    pub windows: bool,
    /// Joined to an Active Directory domain: its domain has domain controllers.
    pub joined: bool,
    /// ADBA-1: the domain has an activation object.
    pub activation_object: bool,
    /// ADBA-1: the product is of generation 3 or later.
    pub adba_product: bool,
    /// A site of its domain's controllers it reaches on TCP 389.
    pub dc_reached: Option<SiteId>,
    /// NET-2: the longest it stays offline at a stretch during the run.
    pub longest_offline: SimTime,
    /// The KMS hosts whose keys cover its product and that it reaches on their port, the
    /// host on its own site first.
    pub hosts: Vec<HostId>,
    /// Of those, the ones it finds through DNS (DNS-1, DNS-2: a record in its domain or a
    /// suffix it searches, and a DNS server it reaches on UDP 53).
    pub hosts_by_dns: Vec<HostId>,
    /// The longest span between two rebuilds of every machine (`Reimage` of the whole
    /// fleet), from its arrival to the end of the run; None if it is not rebuilt so.
    pub rebuilt_every: Option<SimTime>,
    /// MAK-2: it reaches the vendor's activation service (`internet`, TCP 443).
    pub internet: bool,
    /// MAK-2: a site that reaches it over WMI (TCP 135) and the activation service: where a
    /// VAMT proxy can stand.
    pub vamt_site: Option<SiteId>,
    /// MAK-1: activations besides the first per machine over the run (re-images,
    /// hardware changes, rearms, machines added).
    pub reactivations: u64,
    /// KMS-COUNT-3, KMS-COUNT-7: the machines a KMS host would keep in its table: 0 if
    /// they are offline longer than the retention window, 1 for clones of one image.
    pub counted: u64,
}

impl Criteria {
    /// The activations the fleet uses in a year: one per machine, and its re-activations at
    /// the run's rate.
    pub fn mak_per_year(&self, duration: SimTime) -> u64 {
        let rate = (self.reactivations as u128 * YEAR as u128).div_ceil(duration.max(1) as u128);
        self.machines.saturating_add(rate as u64)
    }

    /// The activations the fleet uses over the run.
    pub fn mak_in_run(&self) -> u64 {
        self.machines.saturating_add(self.reactivations)
    }
}

/// Whether host `h`'s keys cover `product` (KMS-HOST-2, KMS-GEN-1).
pub fn host_serves(model: &Model, h: HostId, f: &FleetModel) -> bool {
    let host = &model.kms.hosts[h];
    let product = &model.products[f.product];
    product.generation <= host.key_generation && host.keys.iter().any(|&k| covers(k, product.group))
}

/// KMS-HOST-2: a host key activates its group and every group below it; Office keys only
/// Office.
fn covers(key: KeyGroup, product: KeyGroup) -> bool {
    match (key, product) {
        (KeyGroup::Office, p) => p == KeyGroup::Office,
        (_, KeyGroup::Office) => false,
        (k, p) => p <= k,
    }
}

/// The criteria of every fleet, in file order.
pub fn of(model: &Model) -> Vec<Criteria> {
    let reach = Reach::new(model);
    model
        .fleets
        .enumerate()
        .map(|(id, f)| fleet(model, &reach, id, f))
        .collect()
}

fn fleet(model: &Model, reach: &Reach, id: FleetId, f: &FleetModel) -> Criteria {
    let domain = f.domain.map(|d| &model.domains[d]);
    let arrival = match f.arrival {
        ArrivalModel::AllAtStart => 0,
        ArrivalModel::Ramp { start, .. } => start,
        ArrivalModel::At(t) => t,
    };
    let longest = longest_offline(&f.online, arrival, model.duration);
    let mut hosts: Vec<HostId> = model
        .kms
        .hosts
        .enumerate()
        .filter(|&(h, host)| {
            host_serves(model, h, f) && reach.reaches(f.site, host.site, PortModel::Tcp(host.port))
        })
        .map(|(h, _)| h)
        .collect();
    hosts.sort_by_key(|&h| model.kms.hosts[h].site != f.site);
    let hosts_by_dns = hosts
        .iter()
        .copied()
        .filter(|&h| found_by_dns(model, reach, f, h))
        .collect();
    let internet = reach.reaches(f.site, SiteId::FIRST, mak::ACTIVATION_SERVICE_PORT);
    let vamt_site = model
        .sites
        .ids()
        .filter(|&s| s != SiteId::FIRST)
        .find(|&s| {
            reach.reaches(s, f.site, mak::VAMT_PORT)
                && reach.reaches(s, SiteId::FIRST, mak::ACTIVATION_SERVICE_PORT)
        });
    let (added, reactivations) = fleet_actions(model, id, f);
    let machines = f.count.saturating_add(added);
    let counted = if longest > model.policy.cmid_retention {
        0
    } else if f.image == Image::Cloned {
        1
    } else {
        machines
    };
    Criteria {
        fleet: id,
        machines,
        windows: f.method.windows(),
        joined: domain.is_some_and(|d| !d.dc_sites.is_empty()),
        activation_object: domain.is_some_and(|d| d.adba),
        adba_product: model.products[f.product].supports_adba(),
        dc_reached: domain.and_then(|d| {
            d.dc_sites
                .iter()
                .copied()
                .find(|&dc| reach.reaches(f.site, dc, adba::LDAP_PORT))
        }),
        longest_offline: longest,
        hosts,
        hosts_by_dns,
        rebuilt_every: rebuilt_every(model, id, f, arrival),
        internet,
        vamt_site,
        reactivations,
        counted,
    }
}

/// DNS-1, DNS-2: the fleet's machines find host `h` through DNS — `h` publishes in the
/// fleet's domain or one of its suffixes, whose DNS server the fleet reaches.
fn found_by_dns(model: &Model, reach: &Reach, f: &FleetModel, h: HostId) -> bool {
    let host = &model.kms.hosts[h];
    host.publish
        && f.domain
            .into_iter()
            .chain(f.dns_suffixes.iter().copied())
            .any(|d| {
                host.publish_domains.contains(&d)
                    && reach.reaches(f.site, model.domains[d].dns_site, DNS_PORT)
            })
}

/// The fleet's timeline: machines added, and activations beyond the first per machine
/// (MAK-1: re-images, hardware changes and rearms each need one).
fn fleet_actions(model: &Model, id: FleetId, f: &FleetModel) -> (u64, u64) {
    let mut added = 0u64;
    let mut reactivations = 0u64;
    let mut present = f.count;
    for t in &model.timeline {
        let ActionModel::Fleet { fleet, action } = t.action else {
            continue;
        };
        if fleet != id {
            continue;
        }
        match action {
            FleetAction::AddMachines { count } => {
                added = added.saturating_add(count);
                present = present.saturating_add(count);
                reactivations = reactivations.saturating_add(count);
            }
            FleetAction::RetireMachines { count } => present = present.saturating_sub(count),
            FleetAction::Reimage { count } | FleetAction::HardwareChange { count } => {
                reactivations = reactivations.saturating_add(count.min(present));
            }
            FleetAction::Rearm => reactivations = reactivations.saturating_add(present),
        }
    }
    // Machines added are counted in `machines`, not again as re-activations.
    (added, reactivations.saturating_sub(added))
}

/// The longest span without a rebuild of the whole fleet, from its arrival to the end of the
/// run, if the timeline rebuilds every machine at all.
fn rebuilt_every(model: &Model, id: FleetId, f: &FleetModel, arrival: SimTime) -> Option<SimTime> {
    let rebuilds: Vec<SimTime> = model
        .timeline
        .iter()
        .filter_map(|t| match t.action {
            ActionModel::Fleet {
                fleet,
                action: FleetAction::Reimage { count } | FleetAction::HardwareChange { count },
            } if fleet == id && count >= f.count => Some(t.at),
            ActionModel::Fleet {
                fleet,
                action: FleetAction::Rearm,
            } if fleet == id => Some(t.at),
            _ => None,
        })
        .collect();
    if rebuilds.is_empty() {
        return None;
    }
    let mut longest = 0;
    let mut since = arrival;
    for t in rebuilds {
        longest = longest.max(t.saturating_sub(since));
        since = since.max(t);
    }
    Some(longest.max(model.duration.saturating_sub(since)))
}

/// Which pool a fleet's product joins (KMS-COUNT-5).
pub fn pool(model: &Model, f: &FleetModel) -> Pool {
    model.products[f.product].pool
}

/// Whether a fleet activates by KMS now, and through which discovery.
pub fn kms_discovery(f: &FleetModel) -> Option<Discovery> {
    match f.method {
        Method::Kms(k) => Some(k.discovery),
        _ => None,
    }
}
