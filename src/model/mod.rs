//! The validated scenario: names resolved to typed ids, durations in seconds, defaults
//! applied. This is what the simulation runs on; it never looks a name up again.
//!
//! The generic parts (network, products, fleets, policy, timeline, expectations) are here;
//! each activation method's own resolved parts are in a file of their own (`kms.rs`).

pub mod catalogue;
mod ids;
pub mod kms;
pub mod ksc;
pub mod mak;
mod policy;
pub mod state;

pub use crate::time::SimTime;
pub use ids::{
    DomainId, FleetId, HostId, HostKeyId, Id, KscServerId, LicenseKeyId, LinkId, MAX_ITEMS,
    MachineId, MakKeyId, ProductId, SiteId, SrvId, Table,
};
pub use kms::{
    DEFAULT_KMS_PORT, Discovery, HostKeyModel, HostModel, HostOs, KeyGroup, KeyInstall, KmsAction,
    KmsExpect, KmsFleet, KnownMachine, Pool, SrvModel, SrvTarget, StartEntry,
};
pub use ksc::{KscAction, KscExpect, KscFleet};
pub use mak::{MakFleet, MakKeyModel, MakMode};
pub use policy::{PolicyChange, PolicyModel};
pub use state::{Column, StateSet};

use serde::{Deserialize, Serialize};

impl Model {
    /// The outcome codes this scenario reports, in output order: every scenario's, then
    /// those of the methods its fleets use.
    pub fn codes(&self) -> Vec<crate::code::Code> {
        use crate::code::Code;
        let mut codes = Code::BASE.to_vec();
        if self
            .fleets
            .iter()
            .any(|f| matches!(f.method, Method::Mak(_)))
        {
            codes.push(Code::MakExhausted);
        }
        codes
    }
}

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
    pub duration: SimTime,
    pub sample_every: SimTime,
    /// Site names; `SiteId` 0 is the built-in `internet`.
    pub sites: Table<SiteId, String>,
    pub links: Table<LinkId, LinkModel>,
    pub domains: Table<DomainId, DomainModel>,
    pub products: Table<ProductId, ProductModel>,
    pub fleets: Table<FleetId, FleetModel>,
    /// The KMS part of the network: hosts, host keys, manual SRV records.
    pub kms: kms::KmsModel,
    /// Multiple activation keys.
    pub mak_keys: Table<MakKeyId, MakKeyModel>,
    /// Kaspersky Security Center servers and their licence keys.
    pub ksc: ksc::KscModel,
    pub policy: PolicyModel,
    /// In file order, which is also the order of execution at equal times.
    pub timeline: Vec<TimedAction>,
    pub expect: Vec<ExpectModel>,
}

/// Whether a fleet's machines were installed from a generalized image (KMS-COUNT-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum Image {
    #[default]
    Generalized,
    /// Clones of one image that was not generalized: they share one CMID.
    Cloned,
}

/// Who may update a domain's `_vlmcs` SRV record (DNS-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum SrvUpdate {
    /// Only the host that created the record (the default permissions).
    #[default]
    CreatorOnly,
    /// Any KMS host (permissions changed for a group of hosts).
    AnyHost,
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
    Windows(Vec<(SimTime, SimTime)>),
    /// Exponential on and off periods per machine.
    Random {
        mean_on: SimTime,
        mean_off: SimTime,
    },
}

#[derive(Debug, Clone)]
pub struct DomainModel {
    pub name: String,
    pub dns_site: SiteId,
    /// Sites of its domain controllers (ADBA reaches one on TCP 389).
    pub dc_sites: Vec<SiteId>,
    /// ADBA-1: an Active Directory activation object exists in the domain.
    pub adba: bool,
    pub replication_delay: SimTime,
    pub srv_update: SrvUpdate,
    /// DNS-4: a decommissioned host's dynamic record ages out after this.
    pub scavenging: SimTime,
}

#[derive(Debug, Clone)]
pub struct ProductModel {
    pub name: String,
    pub threshold: u32,
    pub pool: Pool,
    pub group: KeyGroup,
    pub grace: Option<SimTime>,
    /// KMS-GEN-1: the product's generation (see `catalogue`).
    pub generation: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrivalModel {
    AllAtStart,
    /// Uniformly spread over [start, start + over).
    Ramp {
        start: SimTime,
        over: SimTime,
    },
    At(SimTime),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitialModel {
    Fresh,
    Activated { age_up_to: SimTime },
}

/// How a fleet's machines activate (MIX-1: one method per machine at a time). Each
/// variant's rules live in its folder under `methods/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Kms(KmsFleet),
    Mak(MakFleet),
    Adba(AdbaFleet),
    /// Never activated (lab machines rebuilt within their grace period): the machine stays
    /// in initial grace until it is rebuilt or the grace ends.
    NotActivated,
    /// Kaspersky Security Center devices whose Windows activation is not modelled.
    Ksc(KscFleet),
}

impl Method {
    /// The states a fleet of this method reports.
    pub fn states(&self) -> StateSet {
        match self {
            Method::Kms(_) | Method::Mak(_) | Method::Adba(_) | Method::NotActivated => {
                StateSet::Windows
            }
            Method::Ksc(_) => StateSet::Ksc,
        }
    }

    /// Whether the machines hold a Windows licence the world drives.
    pub fn windows(&self) -> bool {
        self.states() == StateSet::Windows
    }
}

/// A fleet's AD-based activation settings (ADBA-1, ADBA-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdbaFleet {
    /// When ADBA cannot serve an attempt, the machine goes on to KMS discovery at once.
    pub fallback_kms: bool,
}

#[derive(Debug, Clone)]
pub struct FleetModel {
    pub name: String,
    pub site: SiteId,
    pub domain: Option<DomainId>,
    pub count: u64,
    pub product: ProductId,
    pub method: Method,
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
    /// Kaspersky Security Center management beside a Windows method (the machines are
    /// Windows clients and KSC devices at once).
    pub ksc: Option<KscFleet>,
    /// Its first machines, as the hosts' start tables name them (`KnownMachine`).
    pub known: Vec<KnownMachine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedAction {
    pub at: SimTime,
    pub action: ActionModel,
}

/// What a timeline entry does: to the network, to a fleet's machines, to the policy, or to
/// one activation method's servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionModel {
    Network(NetAction),
    Fleet { fleet: FleetId, action: FleetAction },
    SetPolicy(PolicyChange),
    Kms(KmsAction),
    Ksc(KscAction),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetAction {
    /// The firewall of the link stops letting the port through.
    Block {
        link: LinkId,
        port: PortModel,
    },
    Allow {
        link: LinkId,
        port: PortModel,
    },
    LinkDown(LinkId),
    LinkUp(LinkId),
}

/// Acts on the fleet's present machines, lowest indices first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetAction {
    Rearm,
    Reimage { count: u64 },
    HardwareChange { count: u64 },
    AddMachines { count: u64 },
    RetireMachines { count: u64 },
}

/// When an expectation is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// At every sample from this time on.
    From(SimTime),
    /// At this one instant.
    At(SimTime),
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
        column: Column,
    },
    AtMost {
        fleet: FleetId,
        column: Column,
        count: u64,
        when: When,
    },
    /// At no sample (nor at the end) has the fleet a machine at risk whose licence ends
    /// within `within` (observe/risk.rs).
    NoneAtRisk {
        fleet: FleetId,
        within: SimTime,
    },
    Kms(KmsExpect),
    Ksc(KscExpect),
}

#[derive(Debug, Clone)]
pub struct ExpectModel {
    pub kind: ExpectKind,
    /// The expectation as the user wrote it, for reports.
    pub text: String,
    /// The 1-based line of its entry in the scenario file, so a failure can be reported
    /// as `FILE:LINE` (terminal, JUnit, CI annotations).
    pub line: usize,
}
