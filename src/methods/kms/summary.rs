//! The KMS sections of `summary.json`: one entry per host (`hosts`) and per DNS domain
//! (`dns`).

use super::stats::KmsStats;
use crate::model::{Model, Pool};
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
}

pub fn hosts(model: &Model, stats: &KmsStats) -> IndexMap<String, HostSummary> {
    model
        .kms
        .hosts
        .iter()
        .zip(&stats.hosts)
        .map(|(h, s)| {
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
            };
            (h.name.clone(), summary)
        })
        .collect()
}

pub fn dns(model: &Model, stats: &KmsStats) -> IndexMap<String, DnsSummary> {
    model
        .domains
        .iter()
        .zip(&stats.stale_record_failures)
        .map(|(d, &n)| {
            let summary = DnsSummary {
                stale_record_failures: n,
            };
            (d.name.clone(), summary)
        })
        .collect()
}
