//! The resolved Kaspersky Security Center part of a scenario: Administration Servers, the
//! licence keys in their storage, how a fleet's devices are managed, the KSC timeline
//! actions and expectations.

use super::{FleetId, KscServerId, LicenseKeyId, SimTime, SiteId, Table};
pub use crate::scenario::schema::KeySource;

#[derive(Debug, Clone, Default)]
pub struct KscModel {
    pub servers: Table<KscServerId, KscServerModel>,
    /// Every server's keys (names are unique across servers).
    pub keys: Table<LicenseKeyId, LicenseKeyModel>,
}

#[derive(Debug, Clone)]
pub struct KscServerModel {
    pub name: String,
    pub site: SiteId,
    /// KSC-2: the port the Network Agents connect to.
    pub port: u16,
    /// KSC-3: the most devices keeping a connection at once.
    pub max_persistent: u32,
}

#[derive(Debug, Clone)]
pub struct LicenseKeyModel {
    pub name: String,
    pub server: KscServerId,
    /// KSC-5: a key added from an activation code is never distributed as a reserve.
    pub source: KeySource,
    pub valid_from: SimTime,
    /// KSC-8: the end of the licence term (`valid_from + valid_for`).
    pub expires: SimTime,
    /// KSC-8: how many devices the key covers.
    pub devices: u64,
    /// KSC-4: distributed automatically to managed devices.
    pub auto_distribute: bool,
}

/// How a fleet's devices are managed by a KSC server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KscFleet {
    pub server: KscServerId,
    /// KSC-3: the devices keep a connection to the server.
    pub persistent: bool,
    /// KSC-11: the devices sit in "Unassigned devices" and get no auto-distributed key.
    pub unassigned: bool,
}

/// Timeline actions on KSC servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KscAction {
    /// KSC-7: the key leaves the server's storage (devices that use it keep it).
    RemoveLicenseKey(LicenseKeyId),
}

/// Expectations about KSC keys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KscExpect {
    /// KSC-10: the key's devices in use stay below `share` of its limit.
    KeyUsageBelow {
        key: LicenseKeyId,
        share: f64,
        from: SimTime,
    },
}

/// Which KSC server manages a fleet's devices, if any.
pub fn managed(fleet: &super::FleetModel) -> Option<KscFleet> {
    match fleet.method {
        super::Method::Ksc(k) => Some(k),
        _ => fleet.ksc,
    }
}

/// The fleets a server manages.
pub fn fleets_of(model: &super::Model, server: KscServerId) -> impl Iterator<Item = FleetId> + '_ {
    model
        .fleets
        .enumerate()
        .filter(move |(_, f)| managed(f).is_some_and(|k| k.server == server))
        .map(|(id, _)| id)
}
