//! The resolved MAK part of a scenario: the keys and how a fleet uses one.

use super::{MakKeyId, SimTime, SiteId};

#[derive(Debug, Clone)]
pub struct MakKeyModel {
    pub name: String,
    /// MAK-1: how many activations the key allows.
    pub activations: u64,
}

/// How a MAK fleet reaches the vendor's activation service (MAK-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MakMode {
    /// Each machine activates over the internet (`Tcp(443)` to `internet`).
    Independent,
    /// A VAMT proxy at this site activates the machines it reaches in a daily batch.
    Proxy { via: SiteId },
    /// Each activation happens by telephone, this long after it is needed; no network.
    Phone { delay: SimTime },
}

/// A fleet's MAK settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MakFleet {
    pub key: MakKeyId,
    pub mode: MakMode,
}
