//! The Kaspersky section of `summary.json`: one entry per licence key (`ksc_keys`).

use super::stats::KscStats;
use crate::model::{ActionModel, KscAction, Model};
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
    /// "Licence term expires soon" (a Warning): `ksc_expiry_warning` before the end.
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

pub fn keys(model: &Model, stats: &KscStats) -> IndexMap<String, KeySummary> {
    let warning = model.policy.ksc_expiry_warning;
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
                expires_soon_s: k.expires.saturating_sub(warning),
                expires_s: k.expires,
                removed_s,
            };
            (k.name.clone(), summary)
        })
        .collect()
}
