//! What the observer counts about KMS hosts and DNS during a run: requests, failed contacts,
//! counts reached, the hourly peak, stale-record failures. Updated on each request; read at
//! samples and at the end.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, hosts, keys and slots that the model and the world create, in range by construction (a bad one is a bug the tests must catch, not an input error)

use crate::model::{DomainId, HostId, Id, KeyInstall, Model, Pool, ProductId, Table};
use crate::time::{HOUR, SimTime};

/// One host's statistics over the run.
#[derive(Debug, Clone, Default)]
pub struct HostStats {
    /// Requests the host received and answered, whatever the answer.
    pub requests: u64,
    /// Attempts that picked the host but could not reach it.
    pub failures: u64,
    /// Per pool (`Pool::index`), the highest count it answered with.
    pub max_count: [u32; 2],
    /// Per pool: the first time a reply's count activated the requester.
    pub threshold_reached: [Option<SimTime>; 2],
    pub peak_requests_per_hour: u64,
    /// Per product (by id): whether it asked, and when a reply first met its threshold.
    products: Vec<(bool, Option<SimTime>)>,
    /// The products that asked, in the order they first did.
    asked: Vec<ProductId>,
    hour: SimTime,
    hour_requests: u64,
    /// Per pool, since the previous grid sample.
    requests_since: [u64; 2],
    failures_since: [u64; 2],
}

impl HostStats {
    fn new(products: usize) -> Self {
        HostStats {
            products: vec![(false, None); products],
            ..HostStats::default()
        }
    }

    /// Each product that asked, in the order they first did, and when a reply first met
    /// its threshold.
    pub fn products(&self) -> impl Iterator<Item = (ProductId, Option<SimTime>)> + '_ {
        self.asked.iter().map(|&p| (p, self.products[p.index()].1))
    }

    fn request(&mut self, pool: Pool, now: SimTime) {
        self.requests += 1;
        self.requests_since[pool.index()] += 1;
        let hour = now / HOUR;
        if hour != self.hour {
            self.hour = hour;
            self.hour_requests = 0;
        }
        self.hour_requests += 1;
        self.peak_requests_per_hour = self.peak_requests_per_hour.max(self.hour_requests);
    }

    #[inline]
    fn count(
        &mut self,
        product: ProductId,
        pool: Pool,
        count: u32,
        activating: bool,
        now: SimTime,
    ) {
        let p = pool.index();
        self.max_count[p] = self.max_count[p].max(count);
        if activating && self.threshold_reached[p].is_none() {
            self.threshold_reached[p] = Some(now);
        }
        let entry = &mut self.products[product.index()];
        if !entry.0 {
            entry.0 = true;
            self.asked.push(product);
        }
        if activating && entry.1.is_none() {
            entry.1 = Some(now);
        }
    }

    /// Requests and failed contacts in `pool` since the previous call (one grid sample).
    pub fn take_since(&mut self, pool: Pool) -> (u64, u64) {
        let p = pool.index();
        (
            std::mem::take(&mut self.requests_since[p]),
            std::mem::take(&mut self.failures_since[p]),
        )
    }
}

/// A host key installed during the run (KMS-GEN-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Installed {
    pub at: SimTime,
    pub generation: u8,
    pub result: KeyInstall,
}

/// The KMS statistics of a run.
#[derive(Debug, Clone)]
pub struct KmsStats {
    pub hosts: Table<HostId, HostStats>,
    /// Each product's count pool.
    pools: Table<ProductId, Pool>,
    /// Per host, the key installations of the run, in order.
    pub key_installs: Table<HostId, Vec<Installed>>,
    /// Per domain, attempts that picked a stale SRV record (a name that is no host).
    pub stale_record_failures: Table<DomainId, u64>,
}

impl KmsStats {
    pub fn new(model: &Model) -> Self {
        KmsStats {
            pools: model.products.iter().map(|p| p.pool).collect(),
            hosts: model
                .kms
                .hosts
                .iter()
                .map(|_| HostStats::new(model.products.len()))
                .collect(),
            key_installs: model.kms.hosts.iter().map(|_| Vec::new()).collect(),
            stale_record_failures: model.domains.iter().map(|_| 0).collect(),
        }
    }

    pub fn key_install(&mut self, h: HostId, generation: u8, result: KeyInstall, now: SimTime) {
        self.key_installs[h].push(Installed {
            at: now,
            generation,
            result,
        });
    }

    pub fn request(&mut self, h: HostId, pool: Pool, now: SimTime) {
        self.hosts[h].request(pool, now);
    }

    #[inline]
    pub fn count(
        &mut self,
        h: HostId,
        product: ProductId,
        count: u32,
        activating: bool,
        now: SimTime,
    ) {
        let pool = self.pools[product];
        self.hosts[h].count(product, pool, count, activating, now);
    }

    pub fn failure(&mut self, h: HostId, pool: Pool) {
        let s = &mut self.hosts[h];
        s.failures += 1;
        s.failures_since[pool.index()] += 1;
    }

    pub fn stale_record(&mut self, d: DomainId) {
        self.stale_record_failures[d] += 1;
    }
}
