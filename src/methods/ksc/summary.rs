//! The Kaspersky section of `summary.json`: one entry per licence key (`ksc_keys`).

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use super::stats::KscStats;
use crate::model::{ActionModel, KscAction, Model};
use crate::time::SimTime;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// `ksc_keys.NAME` of the summary (KSC-10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeySummary {
    pub server: String,
    pub devices_limit: u64,
    /// Devices holding it as active and as reserve at the end.
    pub active_on: u64,
    pub reserve_on: u64,
    /// The highest share of its device limit in use over the run.
    pub peak_usage_share: f64,
    /// Times its usage entered the Info (90 %), Warning (100 %) and Critical (110 %) bands.
    pub usage_events: UsageEvents,
    /// "Licence term expires soon" (a Warning, KSC-5): `ksc_expiry_warning` before the end,
    /// with the warning of the policy in force then (`SetPolicy` can change it).
    pub expires_soon_s: u64,
    /// The end of its licence term (a Critical event when reached).
    pub expires_s: u64,
    /// When it was removed from the server's storage (KSC-7); absent if never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_s: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageEvents {
    pub info: u64,
    pub warning: u64,
    pub critical: u64,
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// KSC-5: when a key ending at `expires` "expires soon": the first instant `t` at which
/// `expires - t` is within the warning in force at `t`. `changes` are the instants the
/// warning changes and its new value, in the order they apply (by time, file order within
/// an instant); `base` is the warning in force before the first.
pub fn expires_soon(
    expires: SimTime,
    base: SimTime,
    changes: impl IntoIterator<Item = (SimTime, SimTime)>,
) -> SimTime {
    let (mut from, mut warning) = (0, base);
    for (at, next) in changes {
        // The warning `warning` is in force over [from, at).
        let t = from.max(expires.saturating_sub(warning));
        if t < at {
            return t;
        }
        (from, warning) = (at.max(from), next);
    }
    from.max(expires.saturating_sub(warning))
}

pub fn keys(model: &Model, stats: &KscStats) -> IndexMap<String, KeySummary> {
    // The warning's changes in the order they apply.
    let mut changes: Vec<(SimTime, SimTime)> = model
        .timeline
        .iter()
        .filter_map(|t| match t.action {
            ActionModel::SetPolicy(change) => change.ksc_expiry_warning.map(|w| (t.at, w)),
            _ => None,
        })
        .collect();
    changes.sort_by_key(|&(at, _)| at);
    model
        .ksc
        .keys
        .enumerate()
        .zip(&stats.keys)
        .map(|((id, k), s)| {
            let removed_s = model.timeline.iter().find_map(|t| match t.action {
                ActionModel::Ksc(KscAction::RemoveLicenseKey(key)) if key == id => Some(t.at),
                _ => None,
            });
            let summary = KeySummary {
                server: model.ksc.servers[k.server].name.clone(),
                devices_limit: k.devices,
                active_on: s.active_on,
                reserve_on: s.reserve_on,
                peak_usage_share: round(s.peak_usage_share),
                usage_events: UsageEvents {
                    info: s.usage_events[0],
                    warning: s.usage_events[1],
                    critical: s.usage_events[2],
                },
                expires_soon_s: expires_soon(
                    k.expires,
                    model.policy.ksc_expiry_warning,
                    changes.iter().copied(),
                ),
                expires_s: k.expires,
                removed_s,
            };
            (k.name.clone(), summary)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: SimTime = 86_400;

    /// KSC-5: the "expires soon" instant follows the warning in force at the time.
    #[test]
    fn ksc_5_expires_soon_uses_the_warning_in_force() {
        // No change: the starting warning.
        assert_eq!(expires_soon(100 * D, 30 * D, []), 70 * D);
        // Raised to 60 days on day 5: soon from day 40.
        assert_eq!(expires_soon(100 * D, 30 * D, [(5 * D, 60 * D)]), 40 * D);
        // Raised on day 50, past the new window's start: soon from day 50.
        assert_eq!(expires_soon(100 * D, 30 * D, [(50 * D, 60 * D)]), 50 * D);
        // Lowered on day 50, after the old window had already begun on day 40.
        assert_eq!(expires_soon(100 * D, 60 * D, [(50 * D, 10 * D)]), 40 * D);
        // Lowered before the old window began: the new one counts.
        assert_eq!(expires_soon(100 * D, 60 * D, [(20 * D, 10 * D)]), 90 * D);
        // A warning longer than the key's life: soon from the start (or the change).
        assert_eq!(expires_soon(10 * D, 30 * D, []), 0);
        assert_eq!(expires_soon(100 * D, 30 * D, [(5 * D, 200 * D)]), 5 * D);
    }
}
