//! The validated scenario: names resolved to dense ids, durations in seconds, defaults
//! applied. This is what the simulation runs on; it never sees a name lookup again.

pub use super::schema::{HostOs, Image, KeyGroup, Pool, SrvUpdate, StateName};

pub type SiteId = u16;
pub type DomainId = u16;
pub type HostId = u16;
pub type HostKeyId = u16;
pub type ProductId = u16;
pub type FleetId = u16;

/// Seconds of simulated time since the scenario start.
pub type Secs = u64;

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    /// The question the scenario answers: its first-line comment, if any.
    pub question: Option<String>,
    /// The scenario text as read, written beside a run's outputs so that `actsim chart DIR`
    /// can re-render them.
    pub source: String,
    pub seed: u64,
    /// Calendar date of t = 0, for chart axes.
    pub start: Option<chrono::NaiveDate>,
    pub duration: Secs,
    pub sample_every: Secs,
    pub sites: Vec<String>,
    pub links: Vec<LinkModel>,
    pub domains: Vec<DomainModel>,
    pub hosts: Vec<HostModel>,
    pub host_keys: Vec<HostKeyModel>,
    pub manual_srv: Vec<SrvModel>,
    pub products: Vec<ProductModel>,
    pub fleets: Vec<FleetModel>,
    pub policy: PolicyModel,
    /// In file order, which is also the order of execution at equal times.
    pub timeline: Vec<TimedAction>,
    pub expect: Vec<ExpectModel>,
}

/// A link between two sites and the ports its firewall lets through (NET-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkModel {
    pub a: SiteId,
    pub b: SiteId,
    pub allow: Vec<PortModel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortModel {
    Tcp(u16),
    Udp(u16),
}

/// DNS queries go to UDP 53.
pub const DNS_PORT: PortModel = PortModel::Udp(53);

/// When a fleet's machines are online (NET-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnlineModel {
    Always,
    /// Online from 08:00 for `hours` every day, each machine's start jittered by up to 1 h.
    Daily {
        hours: u32,
    },
    /// Online inside these [from, to) intervals, sorted and disjoint.
    Windows(Vec<(Secs, Secs)>),
    /// Exponential on and off periods per machine.
    Random {
        mean_on: Secs,
        mean_off: Secs,
    },
}

#[derive(Debug, Clone)]
pub struct DomainModel {
    pub name: String,
    pub dns_site: SiteId,
    pub replication_delay: Secs,
    pub srv_update: SrvUpdate,
}

#[derive(Debug, Clone)]
pub struct HostModel {
    pub name: String,
    pub site: SiteId,
    pub domain: Option<DomainId>,
    pub os: HostOs,
    pub keys: Vec<KeyGroup>,
    /// The shared host key (CSVLK) it was activated with; None: a key of its own.
    pub host_key: Option<HostKeyId>,
    pub port: u16,
    pub publish: bool,
    /// Its own domain first, then the extra ones of `publish_domains` (DNS-2).
    pub publish_domains: Vec<DomainId>,
    pub priority: u16,
    pub weight: u16,
    pub activation_interval: Option<Secs>,
    pub renewal_interval: Option<Secs>,
}

#[derive(Debug, Clone)]
pub struct HostKeyModel {
    pub name: String,
    pub max_hosts: u32,
    pub reactivations: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SrvTarget {
    Host(HostId),
    /// A name that is no host of the scenario: a stale record (DNS-4).
    Unknown(String),
}

#[derive(Debug, Clone)]
pub struct SrvModel {
    pub domain: DomainId,
    pub target: SrvTarget,
    pub port: u16,
    pub priority: u16,
    pub weight: u16,
}

#[derive(Debug, Clone)]
pub struct ProductModel {
    pub name: String,
    pub threshold: u32,
    pub pool: Pool,
    pub group: KeyGroup,
    pub grace: Option<Secs>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiscoveryModel {
    Dns,
    Static(HostId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrivalModel {
    AllAtStart,
    /// Uniformly spread over [start, start + over).
    Ramp {
        start: Secs,
        over: Secs,
    },
    At(Secs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitialModel {
    Fresh,
    Activated { age_up_to: Secs },
}

#[derive(Debug, Clone)]
pub struct FleetModel {
    pub name: String,
    pub site: SiteId,
    pub domain: Option<DomainId>,
    pub count: u64,
    pub product: ProductId,
    pub discovery: DiscoveryModel,
    pub arrival: ArrivalModel,
    pub image: Image,
    pub initial: InitialModel,
    pub honour_priority: bool,
    pub host_caching: bool,
    /// Signed seconds; positive means the client's clock is ahead of the hosts'.
    pub clock_skew: i64,
    pub online: OnlineModel,
    /// DNS suffix search list, after its own domain (DNS-2).
    pub dns_suffixes: Vec<DomainId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyModel {
    pub activation_interval: Secs,
    pub renewal_interval: Secs,
    pub validity: Secs,
    pub grace: Secs,
    pub oot_grace: Secs,
    pub cmid_retention: Secs,
    pub restart_clears_cmids: bool,
}

impl Default for PolicyModel {
    /// The defaults of rules.md.
    fn default() -> Self {
        const DAY: Secs = 86_400;
        PolicyModel {
            activation_interval: 7_200, // KMS-CLI-2
            renewal_interval: 7 * DAY,  // KMS-CLI-3
            validity: 180 * DAY,        // KMS-CLI-4
            grace: 30 * DAY,            // KMS-CLI-5
            oot_grace: 30 * DAY,        // KMS-CLI-6
            cmid_retention: 30 * DAY,   // KMS-COUNT-3
            restart_clears_cmids: true, // KMS-COUNT-6
        }
    }
}

/// A `SetPolicy` change: only the fields given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyChange {
    pub activation_interval: Option<Secs>,
    pub renewal_interval: Option<Secs>,
    pub validity: Option<Secs>,
    pub grace: Option<Secs>,
    pub oot_grace: Option<Secs>,
    pub cmid_retention: Option<Secs>,
    pub restart_clears_cmids: Option<bool>,
}

impl PolicyModel {
    pub fn apply(&mut self, change: &PolicyChange) {
        let PolicyChange {
            activation_interval,
            renewal_interval,
            validity,
            grace,
            oot_grace,
            cmid_retention,
            restart_clears_cmids,
        } = *change;
        self.activation_interval = activation_interval.unwrap_or(self.activation_interval);
        self.renewal_interval = renewal_interval.unwrap_or(self.renewal_interval);
        self.validity = validity.unwrap_or(self.validity);
        self.grace = grace.unwrap_or(self.grace);
        self.oot_grace = oot_grace.unwrap_or(self.oot_grace);
        self.cmid_retention = cmid_retention.unwrap_or(self.cmid_retention);
        self.restart_clears_cmids = restart_clears_cmids.unwrap_or(self.restart_clears_cmids);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedAction {
    pub at: Secs,
    pub action: ActionModel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionModel {
    HostDown(HostId),
    HostUp(HostId),
    HostRestart(HostId),
    HostReinstall(HostId),
    Rearm {
        fleet: FleetId,
    },
    Reimage {
        fleet: FleetId,
        count: u64,
    },
    HardwareChange {
        fleet: FleetId,
        count: u64,
    },
    SetPolicy(PolicyChange),
    AddMachines {
        fleet: FleetId,
        count: u64,
    },
    RetireMachines {
        fleet: FleetId,
        count: u64,
    },
    /// The firewall of the link at this index stops letting the port through.
    Block {
        link: u16,
        port: PortModel,
    },
    Allow {
        link: u16,
        port: PortModel,
    },
    LinkDown(u16),
    LinkUp(u16),
    /// The host stops dynamic DNS publishing (slmgr /cdns); its record stays until removed.
    PublishOff(HostId),
    /// An admin deletes the SRV records pointing at `target` in `domain`.
    RemoveSrv {
        domain: DomainId,
        target: SrvTarget,
    },
}

/// When an expectation is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// At every sample from this time on.
    From(Secs),
    /// At this one instant.
    At(Secs),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExpectKind {
    LicensedShare {
        fleet: FleetId,
        at_least: f64,
        when: When,
    },
    NoneIn {
        fleet: FleetId,
        state: StateName,
    },
    ThresholdReached {
        host: HostId,
        pool: Pool,
        by: Secs,
    },
    AtMost {
        fleet: FleetId,
        state: StateName,
        count: u64,
        when: When,
    },
}

#[derive(Debug, Clone)]
pub struct ExpectModel {
    pub kind: ExpectKind,
    /// The expectation as the user wrote it, for reports.
    pub text: String,
}
