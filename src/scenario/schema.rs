//! The scenario file as written: serde types that mirror `scenario-format.md` name for name.
//!
//! Nothing here is checked beyond syntax; `validate` turns these into a resolved `Model`.
//! Every struct denies unknown fields, so a typo is an error and never silently ignored.

use super::duration::Duration;
pub use crate::model::{HostOs, Image, KeyGroup, Pool, SrvUpdate};
use serde::{Deserialize, Serialize};

fn yes() -> bool {
    true
}
fn default_sample_every() -> Duration {
    Duration(86_400)
}
fn default_scavenging() -> Duration {
    Duration(14 * 86_400)
}
fn default_replication_delay() -> Duration {
    Duration(900)
}
fn default_kms_port() -> i64 {
    i64::from(crate::model::DEFAULT_KMS_PORT)
}
fn default_host_keys() -> Vec<KeyGroup> {
    vec![KeyGroup::ServerC]
}
fn default_product() -> String {
    "WindowsClient".to_owned()
}
fn default_max_hosts() -> u32 {
    6
}
fn default_reactivations() -> u32 {
    9
}
fn default_ksc_port() -> i64 {
    13000
}
fn default_max_persistent() -> u32 {
    300
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub start: Option<String>,
    pub duration: Duration,
    #[serde(default = "default_sample_every")]
    pub sample_every: Duration,
    #[serde(default)]
    pub sites: Vec<Site>,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub domains: Vec<Domain>,
    #[serde(default)]
    pub kms_hosts: Vec<KmsHost>,
    #[serde(default)]
    pub host_keys: Vec<HostKey>,
    #[serde(default)]
    pub manual_srv: Vec<Srv>,
    #[serde(default)]
    pub mak_keys: Vec<MakKey>,
    #[serde(default)]
    pub products: Vec<Product>,
    pub fleets: Vec<Fleet>,
    #[serde(default)]
    pub ksc_servers: Vec<KscServer>,
    #[serde(default)]
    pub policy: Policy,
    #[serde(default)]
    pub timeline: Vec<Event>,
    #[serde(default)]
    pub expect: Vec<Expect>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Port {
    Tcp(i64),
    Udp(i64),
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub between: (String, String),
    #[serde(default)]
    pub allow: Vec<Port>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    pub name: String,
    pub dns_site: String,
    #[serde(default)]
    pub dc_sites: Vec<String>,
    #[serde(default)]
    pub adba: bool,
    #[serde(default = "default_replication_delay")]
    pub replication_delay: Duration,
    #[serde(default)]
    pub srv_update: SrvUpdate,
    /// DNS-4: how long a decommissioned host's dynamic SRV record stays before DNS
    /// scavenging removes it (no-refresh plus refresh interval of a Windows DNS zone).
    #[serde(default = "default_scavenging")]
    pub scavenging: Duration,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KmsHost {
    pub name: String,
    pub site: String,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub os: HostOs,
    #[serde(default = "default_host_keys")]
    pub keys: Vec<KeyGroup>,
    #[serde(default)]
    pub host_key: Option<String>,
    /// KMS-GEN-1: generation of its host key; None = the newest product in the scenario.
    #[serde(default)]
    pub key_generation: Option<u8>,
    /// KMS-GEN-2: the newest key generation its OS can hold; None = any.
    #[serde(default)]
    pub os_generation: Option<u8>,
    #[serde(default = "default_kms_port")]
    pub port: i64,
    #[serde(default = "yes")]
    pub publish: bool,
    #[serde(default)]
    pub publish_domains: Vec<String>,
    #[serde(default)]
    pub priority: u16,
    #[serde(default)]
    pub weight: u16,
    #[serde(default)]
    pub activation_interval: Option<Duration>,
    #[serde(default)]
    pub renewal_interval: Option<Duration>,
    /// The host's CMID tables at the start (`actsim import kms-log` writes them): the
    /// network continues from a known state. An addition to the v1 format; default empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub table: Vec<TableEntry>,
}

/// One CMID in a host's table at the start (KMS-COUNT-3): a client last seen `ago` before
/// t = 0. With `fleet`, it is a machine of that fleet (the fleet's machines take the
/// tables' CMIDs in order); without, a client outside the scenario, counted until it ages
/// out, whose `product` says the pool and threshold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum TableEntry {
    Seen {
        cmid: String,
        ago: Duration,
        #[serde(default)]
        fleet: Option<String>,
        #[serde(default)]
        product: Option<String>,
    },
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HostKey {
    pub name: String,
    #[serde(default = "default_max_hosts")]
    pub max_hosts: u32,
    #[serde(default = "default_reactivations")]
    pub reactivations: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Srv {
    pub domain: String,
    pub target: String,
    #[serde(default = "default_kms_port")]
    pub port: i64,
    #[serde(default)]
    pub priority: u16,
    #[serde(default)]
    pub weight: u16,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MakKey {
    pub name: String,
    pub activations: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub name: String,
    pub threshold: u32,
    pub pool: Pool,
    pub group: KeyGroup,
    #[serde(default)]
    pub grace: Option<Duration>,
    /// KMS-GEN-1: the product's generation; default 1.
    #[serde(default)]
    pub generation: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum Discovery {
    #[default]
    Dns,
    Static(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum MakMode {
    #[default]
    Independent,
    Proxy {
        via: String,
    },
    /// MAK-2: activation by telephone, `delay` after it is needed; no network.
    Phone {
        delay: Duration,
    },
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum Activation {
    Kms {
        #[serde(default)]
        discovery: Discovery,
    },
    Mak {
        key: String,
        #[serde(default)]
        mode: MakMode,
    },
    Adba {
        #[serde(default = "yes")]
        fallback_kms: bool,
    },
    /// The machines are never activated: lab machines rebuilt within their grace period
    /// (Table 1 of the planning guide, "None"). An addition to the v1 format.
    NotActivated,
    Ksc {
        server: String,
        #[serde(default)]
        persistent: bool,
        /// KSC-11: the devices sit in "Unassigned devices", outside any administration
        /// group, and receive no auto-distributed key. An addition to the v1 format.
        #[serde(default)]
        unassigned: bool,
    },
}

/// A fleet's Kaspersky Security Center management beside its Windows activation: the
/// machines are Windows clients and KSC-managed devices at once. An addition to the v1
/// format (`ksc: Some(Ksc(server: "ksc1"))` on a `Fleet`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum KscManaged {
    Ksc {
        server: String,
        #[serde(default)]
        persistent: bool,
        #[serde(default)]
        unassigned: bool,
    },
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum Arrival {
    #[default]
    AllAtStart,
    Ramp {
        start: Duration,
        over: Duration,
    },
    At(Duration),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum Online {
    #[default]
    Always,
    Daily {
        hours: u32,
    },
    Windows(Vec<(Duration, Duration)>),
    Random {
        mean_on: Duration,
        mean_off: Duration,
    },
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum Initial {
    #[default]
    Fresh,
    Activated {
        age_up_to: Duration,
    },
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fleet {
    pub name: String,
    pub site: String,
    #[serde(default)]
    pub domain: Option<String>,
    pub count: u64,
    #[serde(default = "default_product")]
    pub product: String,
    pub activation: Activation,
    #[serde(default)]
    pub arrival: Arrival,
    #[serde(default)]
    pub online: Online,
    #[serde(default)]
    pub image: Image,
    #[serde(default)]
    pub initial: Initial,
    #[serde(default = "yes")]
    pub honour_priority: bool,
    #[serde(default = "yes")]
    pub host_caching: bool,
    #[serde(default)]
    pub clock_skew: Duration,
    /// The client's DNS suffix search list (DNS-2): domains searched, in order, after its own
    /// when that has no `_vlmcs` record. An addition to the v1 format; default empty.
    #[serde(default)]
    pub dns_suffixes: Vec<String>,
    /// Kaspersky Security Center management beside `activation` (see `KscManaged`).
    #[serde(default)]
    pub ksc: Option<KscManaged>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum KeySource {
    KeyFile,
    ActivationCode,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseKey {
    pub name: String,
    pub source: KeySource,
    #[serde(default)]
    pub valid_from: Duration,
    pub valid_for: Duration,
    pub devices: u64,
    #[serde(default)]
    pub auto_distribute: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KscServer {
    pub name: String,
    pub site: String,
    #[serde(default = "default_ksc_port")]
    pub port: i64,
    #[serde(default = "default_max_persistent")]
    pub max_persistent: u32,
    #[serde(default)]
    pub keys: Vec<LicenseKey>,
}

/// Activation policy. Every field is optional: in `Scenario.policy` an absent field takes the
/// default of rules.md; in a timeline `SetPolicy` it leaves the current value unchanged.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default)]
    pub activation_interval: Option<Duration>,
    #[serde(default)]
    pub renewal_interval: Option<Duration>,
    #[serde(default)]
    pub validity: Option<Duration>,
    #[serde(default)]
    pub grace: Option<Duration>,
    #[serde(default)]
    pub oot_grace: Option<Duration>,
    #[serde(default)]
    pub cmid_retention: Option<Duration>,
    #[serde(default)]
    pub adba_validity: Option<Duration>,
    #[serde(default)]
    pub ksc_sync_interval: Option<Duration>,
    #[serde(default)]
    pub ksc_expiry_warning: Option<Duration>,
    #[serde(default)]
    pub restart_clears_cmids: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub at: Duration,
    #[serde(rename = "do")]
    pub action: Action,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum Action {
    HostDown(String),
    HostUp(String),
    HostRestart(String),
    HostReinstall(String),
    Block {
        between: (String, String),
        port: Port,
    },
    Allow {
        between: (String, String),
        port: Port,
    },
    LinkDown {
        between: (String, String),
    },
    LinkUp {
        between: (String, String),
    },
    Rearm {
        fleet: String,
    },
    Reimage {
        fleet: String,
        count: u64,
    },
    HardwareChange {
        fleet: String,
        count: u64,
    },
    SetPolicy(Policy),
    PublishOff(String),
    /// The host starts dynamic DNS publishing again (slmgr /sdns), registering at once.
    PublishOn(String),
    /// The host is built: it does not exist before (not in DNS, not counted, not drawn).
    AddHost(String),
    /// The host is decommissioned for good: it stops answering and registering; its
    /// dynamic SRV records age out of DNS after the domain's `scavenging` period.
    RemoveHost(String),
    RemoveSrv {
        domain: String,
        target: String,
    },
    AddMachines {
        fleet: String,
        count: u64,
    },
    RetireMachines {
        fleet: String,
        count: u64,
    },
    RemoveLicenseKey {
        server: String,
        key: String,
    },
    /// KMS-GEN-2: the host's OS gets the update package for newer keys.
    UpdateHost {
        host: String,
        os_generation: u8,
    },
    /// KMS-GEN-3: a new host key replaces the host's keys and generation.
    InstallHostKey {
        host: String,
        keys: Vec<KeyGroup>,
        generation: u8,
        #[serde(default)]
        host_key: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum StateName {
    Grace,
    Licensed,
    OotGrace,
    Notification,
    Offline,
    NoKey,
    Active,
    ActiveWithReserve,
    Expired,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub enum Expect {
    LicensedShare {
        fleet: String,
        at_least: f64,
        #[serde(default)]
        from: Option<Duration>,
        #[serde(default)]
        at: Option<Duration>,
    },
    NoneIn {
        fleet: String,
        state: StateName,
    },
    ThresholdReached {
        host: String,
        pool: Pool,
        by: Duration,
    },
    AtMost {
        fleet: String,
        state: StateName,
        count: u64,
        #[serde(default)]
        from: Option<Duration>,
        #[serde(default)]
        at: Option<Duration>,
    },
    /// At no sample, nor at the end, has the fleet a licensed machine whose renewal is
    /// overdue (by more than its renewal interval and a day) and whose licence ends within
    /// `within` of that instant.
    NoneAtRisk {
        fleet: String,
        within: Duration,
    },
    /// KMS-COUNT-2: the host's count in `pool` (the distinct CMIDs it has seen within the
    /// retention window) lies between `at_least` and `at_most` at every sample from `from`
    /// (or at the instant `at`). An addition to the v1 format.
    HostCount {
        host: String,
        pool: Pool,
        #[serde(default)]
        at_least: Option<u32>,
        #[serde(default)]
        at_most: Option<u32>,
        #[serde(default)]
        from: Option<Duration>,
        #[serde(default)]
        at: Option<Duration>,
    },
    /// KSC-10: at every sample from `from`, the key's devices in use (active or reserve)
    /// are below `share` of its device limit.
    KeyUsageBelow {
        key: String,
        share: f64,
        #[serde(default)]
        from: Option<Duration>,
    },
}
