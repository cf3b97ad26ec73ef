//! The KMS sections of `summary.json`: one entry per host (`hosts`) and per DNS domain
//! (`dns`).

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use super::stats::KmsStats;
use crate::model::{KeyInstall, Model, Pool};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// `hosts.NAME` of the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostSummary {
    /// Requests the host received and answered over the run.
    pub requests: u64,
    /// Attempts that picked it and could not reach it.
    pub failures: u64,
    /// Per pool (`windows`, `office`), the highest count it answered with.
    pub max_count: IndexMap<String, u32>,
    /// Per pool, the first time the host answered with a count that activated the
    /// requester.
    pub threshold_reached_s: IndexMap<String, Option<u64>>,
    pub peak_requests_per_hour: u64,
    /// Per product that asked the host, in the order they first asked: its threshold and
    /// the first time a reply met it (KMS-CLI-1) — `threshold_reached_s` is the earliest
    /// of its pool.
    #[serde(default)]
    pub thresholds: Vec<ThresholdSummary>,
    /// KMS-GEN-3: the host keys installed during the run (absent when none was).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_installs: Vec<KeyInstallSummary>,
}

/// One entry of `hosts.NAME.thresholds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdSummary {
    pub product: String,
    pub pool: String,
    pub threshold: u32,
    pub reached_s: Option<u64>,
}

/// One entry of `hosts.NAME.key_installs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyInstallSummary {
    pub at_s: u64,
    pub generation: u8,
    /// Whether the host is activated with the new key.
    pub ok: bool,
    /// Why not: `os_cannot_hold` (the host keeps its old key), `over_host_limit` or
    /// `no_reactivations_left` (KMS-HOST-4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl HostSummary {
    pub fn max_count(&self, pool: Pool) -> u32 {
        self.max_count.get(pool.as_str()).copied().unwrap_or(0)
    }

    pub fn threshold_reached(&self, pool: Pool) -> Option<u64> {
        self.threshold_reached_s
            .get(pool.as_str())
            .copied()
            .flatten()
    }
}

/// `dns.DOMAIN` of the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DnsSummary {
    /// Attempts that picked a stale SRV record (DNS-4).
    pub stale_record_failures: u64,
    /// What happened to its records: refused registrations (DNS-3, the first with how many
    /// followed), records removed (`RemoveSrv`) or aged out (`RemoveHost`, DNS-4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<DnsEventSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DnsEventSummary {
    pub at_s: u64,
    /// The last of repeated refusals (absent for other events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_s: Option<u64>,
    pub target: String,
    pub event: String,
    pub count: u64,
}

pub fn hosts(model: &Model, stats: &KmsStats) -> IndexMap<String, HostSummary> {
    model
        .kms
        .hosts
        .iter()
        .zip(stats.hosts.iter().zip(&stats.key_installs))
        .map(|(h, (s, installs))| {
            let per_pool = |f: &dyn Fn(usize) -> u32| {
                Pool::ALL
                    .iter()
                    .map(|p| (p.as_str().to_owned(), f(p.index())))
                    .collect()
            };
            let summary = HostSummary {
                requests: s.requests,
                failures: s.failures,
                max_count: per_pool(&|p| s.max_count[p]),
                threshold_reached_s: Pool::ALL
                    .iter()
                    .map(|p| (p.as_str().to_owned(), s.threshold_reached[p.index()]))
                    .collect(),
                peak_requests_per_hour: s.peak_requests_per_hour,
                thresholds: s
                    .products()
                    .map(|(p, reached)| ThresholdSummary {
                        product: model.products[p].name.clone(),
                        pool: model.products[p].pool.as_str().to_owned(),
                        threshold: model.products[p].threshold,
                        reached_s: reached,
                    })
                    .collect(),
                key_installs: installs
                    .iter()
                    .map(|i| KeyInstallSummary {
                        at_s: i.at,
                        generation: i.generation,
                        ok: i.result == KeyInstall::Activated,
                        reason: i.result.reason().map(str::to_owned),
                    })
                    .collect(),
            };
            (h.name.clone(), summary)
        })
        .collect()
}

pub fn dns(
    model: &Model,
    stats: &KmsStats,
    events: &[crate::probe::DnsRecord],
) -> IndexMap<String, DnsSummary> {
    model
        .domains
        .enumerate()
        .zip(&stats.stale_record_failures)
        .map(|((id, d), &n)| {
            let summary = DnsSummary {
                stale_record_failures: n,
                events: events
                    .iter()
                    .filter(|e| e.domain == id)
                    .map(|e| DnsEventSummary {
                        at_s: e.at,
                        last_s: (e.event == crate::probe::DnsEvent::RegistrationRefused)
                            .then_some(e.last),
                        target: e.target.clone(),
                        event: e.event.as_str().to_owned(),
                        count: e.count,
                    })
                    .collect(),
            };
            (d.name.clone(), summary)
        })
        .collect()
}
