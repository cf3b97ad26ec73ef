//! The resolved KMS part of a scenario: hosts, shared host keys, SRV records created by hand,
//! how a fleet finds its host, and the KMS timeline actions and expectations.

use super::{DomainId, HostId, HostKeyId, SimTime, SiteId, SrvId, Table, When};
use serde::{Deserialize, Serialize};

/// KMS-HOST-6: the TCP port a host listens on unless told otherwise.
pub const DEFAULT_KMS_PORT: u16 = 1688;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum HostOs {
    #[default]
    Server,
    Client,
}

/// KMS host key groups, lowest first (KMS-HOST-2), plus the separate Office key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum KeyGroup {
    ClientVl,
    ServerA,
    ServerB,
    ServerC,
    Office,
}

/// The counts a host keeps (KMS-COUNT-5): Windows clients and servers share one, Office has
/// its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Pool {
    Windows,
    Office,
}

impl Pool {
    pub const ALL: [Pool; 2] = [Pool::Windows, Pool::Office];

    /// The pool's position in per-pool arrays.
    pub fn index(self) -> usize {
        match self {
            Pool::Windows => 0,
            Pool::Office => 1,
        }
    }

    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Pool::Windows => "windows",
            Pool::Office => "office",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct KmsModel {
    pub hosts: Table<HostId, HostModel>,
    pub host_keys: Table<HostKeyId, HostKeyModel>,
    pub manual_srv: Table<SrvId, SrvModel>,
    /// The hosts' CMID tables at the start, in file order (empty unless a scenario writes
    /// `table`).
    pub start_tables: Vec<StartEntry>,
}

/// One CMID in a host's table at t = 0 (a host's `table` in the scenario).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartEntry {
    pub host: HostId,
    pub pool: Pool,
    /// The threshold of the client's product (KMS-COUNT-4: the table's capacity follows it).
    pub threshold: u32,
    pub cmid: u64,
    /// When it was last seen: before the start, so negative seconds.
    pub seen: i64,
}

/// A machine whose CMID a host's table names at the start: the fleet's machine of that
/// index takes the CMID and, if the fleet starts `Activated`, renewed last when its
/// latest entry was seen, on that entry's host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownMachine {
    pub cmid: u64,
    pub seen: i64,
    pub host: HostId,
}

#[derive(Debug, Clone)]
pub struct HostModel {
    pub name: String,
    pub site: SiteId,
    pub domain: Option<DomainId>,
    pub os: HostOs,
    pub keys: Vec<KeyGroup>,
    /// KMS-GEN-1: the generation of its host key at the start.
    pub key_generation: u8,
    /// KMS-GEN-2: the newest key generation its OS can hold at the start (None: any).
    pub os_generation: Option<u8>,
    /// The shared host key (CSVLK) it was activated with; None: a key of its own.
    pub host_key: Option<HostKeyId>,
    pub port: u16,
    pub publish: bool,
    /// Its own domain first, then the extra ones of `publish_domains` (DNS-2).
    pub publish_domains: Vec<DomainId>,
    pub priority: u16,
    pub weight: u16,
    pub activation_interval: Option<SimTime>,
    pub renewal_interval: Option<SimTime>,
    /// The host is built during the run (an `AddHost` names it): it does not exist before.
    pub built_later: bool,
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

/// How a KMS client finds its host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discovery {
    /// DNS-5: SRV records of its domain (and suffix search list).
    Dns,
    /// DNS-8: a host set by hand (slmgr /skms).
    Static(HostId),
}

/// A fleet's KMS settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KmsFleet {
    pub discovery: Discovery,
}

/// Timeline actions on KMS hosts and DNS records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KmsAction {
    HostDown(HostId),
    HostUp(HostId),
    HostRestart(HostId),
    HostReinstall(HostId),
    /// The host stops dynamic DNS publishing (slmgr /cdns); its record stays until removed.
    PublishOff(HostId),
    /// The host publishes itself again (slmgr /sdns).
    PublishOn(HostId),
    /// The host is built and starts serving.
    AddHost(HostId),
    /// The host is decommissioned for good.
    RemoveHost(HostId),
    /// An admin deletes the SRV records pointing at `target` in `domain`.
    RemoveSrv {
        domain: DomainId,
        target: SrvTarget,
    },
    /// KMS-GEN-2: the host's OS gets the update for keys up to `os_generation`.
    UpdateHost {
        host: HostId,
        os_generation: u8,
    },
    /// KMS-GEN-3: a new host key (its groups and generation) replaces the host's.
    InstallHostKey {
        host: HostId,
        keys: Vec<KeyGroup>,
        generation: u8,
        host_key: Option<HostKeyId>,
    },
}

/// What installing a host key came to (KMS-GEN-2, KMS-GEN-3, KMS-HOST-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyInstall {
    /// The host is activated with the new key.
    Activated,
    /// The host's OS cannot hold a key of that generation: it keeps its old key.
    OsCannotHold,
    /// The key is installed but cannot activate the host: the shared key is over its host
    /// limit (KMS-HOST-4).
    OverHostLimit,
    /// The key is installed but cannot activate the host: the host was activated with that
    /// key before and has used all its re-activations with it (KMS-HOST-4).
    NoReactivationsLeft,
}

impl KeyInstall {
    /// The reason of a failure, as written in outputs.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            KeyInstall::Activated => None,
            KeyInstall::OsCannotHold => Some("os_cannot_hold"),
            KeyInstall::OverHostLimit => Some("over_host_limit"),
            KeyInstall::NoReactivationsLeft => Some("no_reactivations_left"),
        }
    }
}

/// Expectations about KMS hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KmsExpect {
    ThresholdReached {
        host: HostId,
        pool: Pool,
        by: SimTime,
    },
    /// KMS-COUNT-2: the host's count in `pool` stays within `[at_least, at_most]` at the
    /// samples `when` names.
    HostCount {
        host: HostId,
        pool: Pool,
        at_least: u32,
        at_most: u32,
        when: When,
    },
}
