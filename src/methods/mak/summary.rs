//! The MAK section of `summary.json`: one entry per key (`mak_keys`).

use super::stats::MakStats;
use crate::model::Model;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// `mak_keys.NAME` of the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MakSummary {
    /// Activations used over the run (MAK-1).
    pub used: u64,
    /// Activations left at the end.
    pub remaining: u64,
    /// When the key ran out; null if it never did.
    pub exhausted_s: Option<u64>,
}

pub fn keys(model: &Model, stats: &MakStats) -> IndexMap<String, MakSummary> {
    model
        .mak_keys
        .iter()
        .zip(&stats.keys)
        .map(|(k, s)| {
            let summary = MakSummary {
                used: s.used,
                remaining: s.remaining,
                exhausted_s: s.exhausted_at,
            };
            (k.name.clone(), summary)
        })
        .collect()
}
