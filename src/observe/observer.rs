//! The observer: counters per population, updated on every transition, KMS host statistics,
//! outcomes by code, and the samples that read them.

#![allow(clippy::indexing_slicing)] // indices are fleet, population, code and sample positions the observer itself allocates for the model it was given

use super::risk::{AtRisk, Horizon};
use super::{HostSample, MAX_COLUMNS, Outcome, Population, PopulationResult, Row, Series, expect};
use crate::code::Code;
use crate::methods::kms::stats::KmsStats;
use crate::methods::ksc::stats::KscStats;
use crate::methods::mak::stats::MakStats;
use crate::model::{
    DomainId, FleetId, HostId, Id, KeyInstall, LicenseKeyId, MachineId, MakKeyId, Model, Pool,
    ProductId, StateSet, Table,
};
use crate::probe::{DnsEvent, DnsRecord, Probe, Sample, StateIndex};
use crate::time::{DAY, NEVER, SimTime};

/// One population's live counters.
#[derive(Debug, Clone)]
struct Counters {
    population: Population,
    present: u64,
    by_state: [u64; MAX_COLUMNS],
    /// The most machines ever in each state at once (NoneIn is exact, not sampled).
    max_by_state: [u64; MAX_COLUMNS],
    /// When each state was first occupied.
    first_in_state: [Option<SimTime>; MAX_COLUMNS],
    first_licensed: Option<SimTime>,
    all_licensed: Option<SimTime>,
    /// Machine-seconds spent in the family's worst state, up to `integral_at`.
    worst_seconds: u128,
    integral_at: SimTime,
    /// Offline machines at the latest sample (the last one is the end of the run).
    final_offline: u64,
}

impl Counters {
    fn advance_integral(&mut self, now: SimTime) {
        let n = self.by_state[usize::from(self.population.set.worst())];
        self.worst_seconds += u128::from(n) * u128::from(now - self.integral_at);
        self.integral_at = now;
    }
}

/// Per fleet: arrivals still expected and the last one.
#[derive(Debug, Clone, Default)]
struct Arrivals {
    /// Machines of the scenario's initial count that have not arrived yet.
    pending: u64,
    last: SimTime,
}

/// Counters and samples of one run.
#[derive(Debug)]
pub struct Observer {
    populations: Vec<Counters>,
    /// Per fleet, its population's index per family (`StateSet::index`).
    population_of: Table<FleetId, [Option<u16>; StateSet::COUNT]>,
    arrivals: Table<FleetId, Arrivals>,
    kms: KmsStats,
    mak: MakStats,
    ksc: KscStats,
    dns_events: Vec<DnsRecord>,
    /// Per fleet, over the run and since the previous grid sample.
    fleet_outcomes: Table<FleetId, [u64; Code::COUNT]>,
    fleet_since: Table<FleetId, [u64; Code::COUNT]>,
    /// Per fleet, the first and the last failed attempt (`Code::is_failed_attempt`).
    fleet_failures: Table<FleetId, Option<(SimTime, SimTime)>>,
    /// Per fleet, the end days of its Windows licences (observe/risk.rs), and the validity
    /// and renewal interval it reads them with.
    horizons: Table<FleetId, Horizon>,
    timers: Table<FleetId, (SimTime, SimTime)>,
    series: Series,
}

impl Observer {
    pub fn new(model: &Model) -> Self {
        let populations: Vec<Counters> = Population::of(model)
            .into_iter()
            .map(|population| Counters {
                population,
                present: 0,
                by_state: [0; MAX_COLUMNS],
                max_by_state: [0; MAX_COLUMNS],
                first_in_state: [None; MAX_COLUMNS],
                first_licensed: None,
                all_licensed: None,
                worst_seconds: 0,
                integral_at: 0,
                final_offline: 0,
            })
            .collect();
        let mut population_of: Table<FleetId, [Option<u16>; StateSet::COUNT]> = model
            .fleets
            .iter()
            .map(|_| [None; StateSet::COUNT])
            .collect();
        for (i, c) in populations.iter().enumerate() {
            population_of[c.population.fleet][c.population.set.index()] = Some(i as u16);
        }
        Observer {
            populations,
            population_of,
            arrivals: model
                .fleets
                .iter()
                .map(|f| Arrivals {
                    pending: f.count,
                    last: 0,
                })
                .collect(),
            kms: KmsStats::new(model),
            mak: MakStats::new(model),
            ksc: KscStats::new(model),
            dns_events: Vec::new(),
            fleet_outcomes: model.fleets.iter().map(|_| [0; Code::COUNT]).collect(),
            fleet_since: model.fleets.iter().map(|_| [0; Code::COUNT]).collect(),
            fleet_failures: model.fleets.iter().map(|_| None).collect(),
            horizons: model
                .fleets
                .ids()
                .map(|f| Horizon::new(horizon_timers(model, f).2))
                .collect(),
            timers: model
                .fleets
                .ids()
                .map(|f| {
                    let (validity, renewal, _) = horizon_timers(model, f);
                    (validity, renewal)
                })
                .collect(),
            series: Series::default(),
        }
    }

    #[inline]
    fn count(&mut self, fleet: FleetId, code: Code, now: SimTime) {
        if code.is_failed_attempt() {
            let span = &mut self.fleet_failures[fleet];
            *span = Some((span.map_or(now, |(first, _)| first), now));
        }
        self.fleet_outcomes[fleet][code as usize] += 1;
        self.fleet_since[fleet][code as usize] += 1;
    }

    /// Closes the run at `end`: each population's results, the expectations checked, and
    /// everything sampled.
    pub fn finish(mut self, model: &Model, end: SimTime, events: u64) -> Outcome {
        let n = self.populations.len();
        let series = &self.series;
        let arrivals = &self.arrivals;
        let fleet_outcomes = &self.fleet_outcomes;
        let fleet_failures = &self.fleet_failures;
        let (horizons, timers) = (&self.horizons, &self.timers);
        let populations: Vec<PopulationResult> = self
            .populations
            .iter_mut()
            .enumerate()
            .map(|(p, c)| {
                c.advance_integral(end);
                let last_arrival = arrivals[c.population.fleet].last;
                let set = c.population.set;
                let min_licensed_share = (0..series.times.len())
                    .filter(|&i| series.on_grid[i] && series.times[i] > last_arrival)
                    .filter_map(|i| {
                        let row = series.rows[i * n + p];
                        (row.present > 0)
                            .then(|| set.licensed_in(&row.columns) as f64 / row.present as f64)
                    })
                    .reduce(f64::min);
                let mut final_counts = c.by_state;
                final_counts[c.population.offline()] = c.final_offline;
                let at_risk = at_risk(horizons, timers, c.population, end);
                PopulationResult {
                    outcomes: if c.population.set == StateSet::Windows {
                        fleet_outcomes[c.population.fleet]
                    } else {
                        [0; Code::COUNT]
                    },
                    at_risk,
                    failures: if c.population.set == StateSet::Windows {
                        fleet_failures[c.population.fleet]
                    } else {
                        None
                    },
                    population: c.population,
                    machines: c.present,
                    final_counts,
                    max_by_state: c.max_by_state,
                    first_in_state: c.first_in_state,
                    first_licensed: c.first_licensed,
                    all_licensed: c.all_licensed,
                    worst_machine_days: c.worst_seconds as f64 / DAY as f64,
                    min_licensed_share,
                    last_arrival,
                }
            })
            .collect();
        let expectations = expect::evaluate(model, end, &self.series, &populations, &self.kms);
        Outcome {
            events,
            populations,
            kms: self.kms,
            mak: self.mak,
            ksc: self.ksc,
            dns_events: self.dns_events,
            // The run's outcomes are its fleets'.
            outcomes: total(&self.fleet_outcomes),
            expectations,
            series: self.series,
        }
    }
}

impl Probe for Observer {
    fn arrived(&mut self, _m: MachineId, fleet: FleetId, scheduled: bool, now: SimTime) {
        let a = &mut self.arrivals[fleet];
        if scheduled {
            a.pending -= 1;
        }
        a.last = now;
    }

    fn transition(
        &mut self,
        _m: MachineId,
        fleet: FleetId,
        set: StateSet,
        from: Option<StateIndex>,
        to: Option<StateIndex>,
        now: SimTime,
    ) {
        let Some(p) = self.population_of[fleet][set.index()] else {
            return;
        };
        let pending = self.arrivals[fleet].pending;
        let c = &mut self.populations[usize::from(p)];
        c.advance_integral(now);
        if let Some(s) = from {
            c.by_state[usize::from(s)] -= 1;
            c.present -= 1;
        }
        if let Some(s) = to {
            let s = usize::from(s);
            let n = &mut c.by_state[s];
            *n += 1;
            c.max_by_state[s] = c.max_by_state[s].max(*n);
            c.first_in_state[s].get_or_insert(now);
            c.present += 1;
        }
        if to.is_some_and(|s| set.is_licensed(s)) && c.first_licensed.is_none() {
            c.first_licensed = Some(now);
        }
        let licensed_now = set.licensed_in(&c.by_state);
        if c.all_licensed.is_none() && pending == 0 && c.present > 0 && licensed_now == c.present {
            c.all_licensed = Some(now);
        }
    }

    fn attempted(&mut self, _m: MachineId, f: FleetId, code: Code, _next: SimTime, now: SimTime) {
        self.count(f, code, now);
    }

    fn offline(&mut self, _m: MachineId, f: FleetId, _until: SimTime, now: SimTime) {
        self.count(f, Code::Offline, now);
    }

    fn outcome(&mut self, _m: MachineId, f: FleetId, code: Code, now: SimTime) {
        self.count(f, code, now);
    }

    #[inline]
    fn licensed_until(&mut self, f: FleetId, from: SimTime, to: SimTime) {
        self.horizons[f].moved(from, to);
    }

    fn dns_event(&mut self, d: DomainId, target: &str, event: DnsEvent, at: SimTime) {
        // A refused registration repeats every day: counted on its first record.
        if event == DnsEvent::RegistrationRefused
            && let Some(r) = self
                .dns_events
                .iter_mut()
                .find(|r| r.domain == d && r.target == target && r.event == event)
        {
            r.count += 1;
            r.last = at;
            return;
        }
        self.dns_events.push(DnsRecord {
            domain: d,
            target: target.to_owned(),
            event,
            at,
            last: at,
            count: 1,
        });
    }

    fn host_request(&mut self, h: HostId, pool: Pool, now: SimTime) {
        self.kms.request(h, pool, now);
    }

    fn host_count(
        &mut self,
        _m: MachineId,
        h: HostId,
        product: ProductId,
        count: u32,
        activating: bool,
        now: SimTime,
    ) {
        self.kms.count(h, product, count, activating, now);
    }

    fn host_failure(&mut self, h: HostId, pool: Pool) {
        self.kms.failure(h, pool);
    }

    fn stale_record(&mut self, d: DomainId) {
        self.kms.stale_record(d);
    }

    fn key_install(&mut self, h: HostId, generation: u8, result: KeyInstall, now: SimTime) {
        self.kms.key_install(h, generation, result, now);
    }

    fn mak_activation(&mut self, key: MakKeyId, used: u64, remaining: u64, now: SimTime) {
        self.mak.activation(key, used, remaining, now);
    }

    fn ksc_usage(&mut self, key: LicenseKeyId, active_on: u64, reserve_on: u64, now: SimTime) {
        self.ksc.usage(key, active_on, reserve_on, now);
    }

    /// Reads the counters at the end of instant `now`; host counts are those a request
    /// would see (KMS-COUNT-3), read without touching the tables.
    fn sample(&mut self, s: &Sample<'_>) {
        let series = &mut self.series;
        series.times.push(s.now);
        series.on_grid.push(s.on_grid);
        for c in &mut self.populations {
            let off = s.offline[c.population.fleet.index()];
            let offline = c.population.offline();
            let mut columns = c.by_state;
            columns[offline] = off;
            c.max_by_state[offline] = c.max_by_state[offline].max(off);
            if off > 0 {
                c.first_in_state[offline].get_or_insert(s.now);
            }
            c.final_offline = off;
            series.rows.push(Row {
                columns,
                present: c.present,
            });
        }
        if !s.on_grid {
            series.off_grid_counts.extend(
                s.host_counts
                    .iter()
                    .flat_map(|c| Pool::ALL.map(|pool| c.map(|c| c[pool.index()]))),
            );
            return;
        }
        for (counts, stats) in s.host_counts.iter().zip(&mut self.kms.hosts) {
            for pool in Pool::ALL {
                let (requests, failures) = stats.take_since(pool);
                series.hosts.push(HostSample {
                    count: counts.map(|c| c[pool.index()]),
                    requests,
                    failures,
                });
            }
        }
        series
            .mak
            .extend(self.mak.keys.iter().map(|k| (k.used, k.remaining)));
        series
            .ksc
            .extend(self.ksc.keys.iter().map(|k| (k.active_on, k.reserve_on)));
        series.attempts.push(total(&self.fleet_since));
        for since in &mut self.fleet_since {
            series.fleet_attempts.push(std::mem::take(since));
        }
        for c in &self.populations {
            let r = at_risk(&self.horizons, &self.timers, c.population, s.now);
            series.risk.push(r);
        }
    }
}

/// Outcomes by code of all fleets together.
fn total(fleets: &Table<FleetId, [u64; Code::COUNT]>) -> [u64; Code::COUNT] {
    let mut all = [0; Code::COUNT];
    for f in fleets {
        for (a, n) in all.iter_mut().zip(f) {
            *a += n;
        }
    }
    all
}

/// A population's machines at risk at `now` (Windows populations; none for others).
fn at_risk(
    horizons: &Table<FleetId, Horizon>,
    timers: &Table<FleetId, (SimTime, SimTime)>,
    p: Population,
    now: SimTime,
) -> AtRisk {
    if p.set != StateSet::Windows {
        return AtRisk::default();
    }
    let (validity, renewal) = timers[p.fleet];
    horizons[p.fleet].at_risk(now, validity, renewal)
}

/// The validity and renewal interval a fleet's Windows licences follow, for its risk
/// horizon, and the longest a licence can last: KMS and ADBA licences have them; MAK
/// activations are for good and Kaspersky keys are not licences (`NEVER`: never at risk).
/// Under `SetPolicy` changes, the shortest validity and the longest renewal interval (a
/// host's own included) of the run, so that only a machine late under every policy is at
/// risk.
fn horizon_timers(model: &Model, f: FleetId) -> (SimTime, SimTime, SimTime) {
    use crate::model::{ActionModel, Method};
    const NONE: (SimTime, SimTime, SimTime) = (NEVER, NEVER, NEVER);
    let changes = model.timeline.iter().filter_map(|e| match &e.action {
        ActionModel::SetPolicy(change) => Some(change),
        _ => None,
    });
    let policy = &model.policy;
    match model.fleets[f].method {
        Method::Kms(_) => {
            let validities = changes.clone().filter_map(|c| c.validity);
            let renewals = changes
                .filter_map(|c| c.renewal_interval)
                .chain(model.kms.hosts.iter().filter_map(|h| h.renewal_interval));
            let shortest = validities.clone().fold(policy.validity, SimTime::min);
            let longest = validities.fold(policy.validity, SimTime::max);
            let renewal = renewals.fold(policy.renewal_interval, SimTime::max);
            (shortest, renewal, longest)
        }
        Method::Adba(_) => {
            // A machine that falls back to KMS holds a KMS licence.
            let validities = changes
                .flat_map(|c| [c.adba_validity, c.validity])
                .flatten()
                .chain([policy.validity]);
            let shortest = validities.clone().fold(policy.adba_validity, SimTime::min);
            let longest = validities.fold(policy.adba_validity, SimTime::max);
            (shortest, crate::methods::adba::RECHECK_INTERVAL, longest)
        }
        Method::Mak(_) | Method::Ksc(_) | Method::NotActivated => NONE,
    }
}
