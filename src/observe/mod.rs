//! Observation: incremental counters updated on every state change, and samples that read
//! them. Sampling never scans the fleet, so its cost does not grow with the machine count.

pub mod expect;

use crate::code::Code;
use crate::engine::SimTime;
use crate::kms::client::LicenceState;
use crate::kms::host::{KmsHost, POOLS, pool_index};
use crate::scenario::model::{Model, Pool};

/// Columns of a fleet sample: the four licence states, then `offline`.
pub const FLEET_COLUMNS: [&str; 5] = ["grace", "licensed", "oot_grace", "notification", "offline"];
const OFFLINE: usize = 4;

/// One fleet's live counters.
#[derive(Debug, Clone, Default)]
struct FleetCounters {
    present: u64,
    by_state: [u64; 5],
    /// The most machines ever in each state at once (NoneIn is exact, not sampled).
    max_by_state: [u64; 5],
    /// When each state was first occupied.
    first_in_state: [Option<SimTime>; 5],
    /// Machines of the scenario's initial count that have not arrived yet.
    pending_arrivals: u64,
    last_arrival: SimTime,
    first_licensed: Option<SimTime>,
    all_licensed: Option<SimTime>,
    /// Machine-seconds spent in notification mode, up to `integral_at`.
    notification_seconds: u128,
    integral_at: SimTime,
    /// Offline machines at the latest sample (the last one is the end of the run).
    final_offline: u64,
}

impl FleetCounters {
    fn advance_integral(&mut self, now: SimTime) {
        let n = self.by_state[LicenceState::Notification as usize];
        self.notification_seconds += u128::from(n) * u128::from(now - self.integral_at);
        self.integral_at = now;
    }
}

/// One host's live statistics.
#[derive(Debug, Clone, Default)]
pub struct HostStats {
    pub requests: u64,
    pub failures: u64,
    pub max_count: [u32; 2],
    /// Per pool: the first time a reply's count activated the requester.
    pub threshold_reached: [Option<SimTime>; 2],
    pub peak_requests_per_hour: u64,
    hour: SimTime,
    hour_requests: u64,
    /// Per pool, since the previous grid sample.
    requests_since: [u64; 2],
    failures_since: [u64; 2],
}

/// One row of `hosts.csv` (without time and names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostSample {
    pub count: u32,
    pub requests: u64,
    pub failures: u64,
}

/// Everything sampled during a run.
#[derive(Debug, Clone, Default)]
pub struct Series {
    /// Sample instants: the grid (every `sample_every`, and the end) plus the instants of
    /// `at` expectations, which are checked but not written to the time series.
    pub times: Vec<SimTime>,
    pub on_grid: Vec<bool>,
    /// `times.len() × fleets` rows of `FLEET_COLUMNS`, plus machines present.
    pub fleets: Vec<([u64; 5], u64)>,
    /// Grid samples only: `grid × hosts × 2 pools`.
    pub hosts: Vec<HostSample>,
    /// Grid samples only: outcomes by code since the previous grid sample.
    pub attempts: Vec<[u64; Code::COUNT]>,
}

impl Series {
    /// The grid sample times, in order.
    pub fn grid_times(&self) -> impl Iterator<Item = SimTime> + '_ {
        self.times
            .iter()
            .zip(&self.on_grid)
            .filter(|(_, g)| **g)
            .map(|(t, _)| *t)
    }
}

/// Counters and samples of one run.
#[derive(Debug)]
pub struct Observer {
    fleets: Vec<FleetCounters>,
    pub hosts: Vec<HostStats>,
    pub outcomes: [u64; Code::COUNT],
    outcomes_since: [u64; Code::COUNT],
    /// Per domain, attempts that picked a stale SRV record (a name that is no host).
    pub stale_record_failures: Vec<u64>,
    pub series: Series,
}

/// What the observer hands over at the end of a run for reports.
#[derive(Debug, Clone)]
pub struct FleetResult {
    pub machines: u64,
    pub final_counts: [u64; 5],
    pub max_by_state: [u64; 5],
    pub first_in_state: [Option<SimTime>; 5],
    pub first_licensed: Option<SimTime>,
    pub all_licensed: Option<SimTime>,
    pub notification_machine_days: f64,
    pub min_licensed_share: Option<f64>,
    pub last_arrival: SimTime,
}

impl Observer {
    pub fn new(model: &Model) -> Self {
        Observer {
            fleets: model
                .fleets
                .iter()
                .map(|f| FleetCounters {
                    pending_arrivals: f.count,
                    ..FleetCounters::default()
                })
                .collect(),
            hosts: vec![HostStats::default(); model.hosts.len()],
            outcomes: [0; Code::COUNT],
            outcomes_since: [0; Code::COUNT],
            stale_record_failures: vec![0; model.domains.len()],
            series: Series::default(),
        }
    }

    /// A machine of the scenario's initial count arrived (not one added by the timeline).
    pub fn scheduled_arrival(&mut self, fleet: u16, now: SimTime) {
        let c = &mut self.fleets[usize::from(fleet)];
        c.pending_arrivals -= 1;
        c.last_arrival = now;
    }

    /// A machine added by the timeline arrived.
    pub fn added_arrival(&mut self, fleet: u16, now: SimTime) {
        self.fleets[usize::from(fleet)].last_arrival = now;
    }

    /// A machine enters (`from` None), leaves (`to` None) or changes licence state.
    pub fn transition(
        &mut self,
        fleet: u16,
        from: Option<LicenceState>,
        to: Option<LicenceState>,
        now: SimTime,
    ) {
        let c = &mut self.fleets[usize::from(fleet)];
        c.advance_integral(now);
        if let Some(s) = from {
            c.by_state[s as usize] -= 1;
            c.present -= 1;
        }
        if let Some(s) = to {
            let n = &mut c.by_state[s as usize];
            *n += 1;
            c.max_by_state[s as usize] = c.max_by_state[s as usize].max(*n);
            c.first_in_state[s as usize].get_or_insert(now);
            c.present += 1;
        }
        if to == Some(LicenceState::Licensed) && c.first_licensed.is_none() {
            c.first_licensed = Some(now);
        }
        let licensed = c.by_state[LicenceState::Licensed as usize];
        if c.all_licensed.is_none()
            && c.pending_arrivals == 0
            && c.present > 0
            && licensed == c.present
        {
            c.all_licensed = Some(now);
        }
    }

    pub fn outcome(&mut self, code: Code) {
        self.outcomes[code as usize] += 1;
        self.outcomes_since[code as usize] += 1;
    }

    /// A request reached host `h` and was answered (a count or a refusal).
    pub fn host_request(&mut self, h: u16, pool: Pool, now: SimTime) {
        let s = &mut self.hosts[usize::from(h)];
        s.requests += 1;
        s.requests_since[pool_index(pool)] += 1;
        let hour = now / 3_600;
        if hour != s.hour {
            s.hour = hour;
            s.hour_requests = 0;
        }
        s.hour_requests += 1;
        s.peak_requests_per_hour = s.peak_requests_per_hour.max(s.hour_requests);
    }

    /// Host `h` replied with `count` in `pool`; `activating` if that count met the
    /// requester's threshold.
    pub fn host_count(&mut self, h: u16, pool: Pool, count: u32, activating: bool, now: SimTime) {
        let s = &mut self.hosts[usize::from(h)];
        let p = pool_index(pool);
        s.max_count[p] = s.max_count[p].max(count);
        if activating && s.threshold_reached[p].is_none() {
            s.threshold_reached[p] = Some(now);
        }
    }

    /// An attempt picked a stale SRV record of domain `d` (DNS-4): it failed and moved on.
    pub fn stale_record(&mut self, d: u16) {
        self.stale_record_failures[usize::from(d)] += 1;
    }

    /// An attempt picked host `h` but could not reach it.
    pub fn host_failure(&mut self, h: u16, pool: Pool) {
        let s = &mut self.hosts[usize::from(h)];
        s.failures += 1;
        s.failures_since[pool_index(pool)] += 1;
    }

    /// Takes a sample at the end of instant `now`. Host counts are read after expiring
    /// entries older than the retention window, so a sample shows the count a request
    /// would see.
    /// `offline` gives, per fleet, the present machines offline at `now`.
    pub fn sample(
        &mut self,
        now: SimTime,
        on_grid: bool,
        hosts: &mut [KmsHost],
        retention: u64,
        offline: &[u64],
    ) {
        let series = &mut self.series;
        series.times.push(now);
        series.on_grid.push(on_grid);
        for (c, &off) in self.fleets.iter_mut().zip(offline) {
            let mut row = c.by_state;
            row[OFFLINE] = off;
            c.max_by_state[OFFLINE] = c.max_by_state[OFFLINE].max(off);
            if off > 0 {
                c.first_in_state[OFFLINE].get_or_insert(now);
            }
            c.final_offline = off;
            series.fleets.push((row, c.present));
        }
        if !on_grid {
            return;
        }
        for (host, stats) in hosts.iter_mut().zip(&mut self.hosts) {
            for pool in POOLS {
                let p = pool_index(pool);
                let table = host.pool_mut(pool);
                table.expire(now as i64, retention);
                series.hosts.push(HostSample {
                    count: table.count(),
                    requests: std::mem::take(&mut stats.requests_since[p]),
                    failures: std::mem::take(&mut stats.failures_since[p]),
                });
            }
        }
        series
            .attempts
            .push(std::mem::take(&mut self.outcomes_since));
    }

    /// Closes the run at `end` and returns each fleet's results.
    pub fn finish(&mut self, end: SimTime) -> Vec<FleetResult> {
        let n = self.fleets.len();
        let series = &self.series;
        self.fleets
            .iter_mut()
            .enumerate()
            .map(|(f, c)| {
                c.advance_integral(end);
                let min_licensed_share = (0..series.times.len())
                    .filter(|&i| series.on_grid[i] && series.times[i] > c.last_arrival)
                    .filter_map(|i| {
                        let (row, present) = series.fleets[i * n + f];
                        (present > 0)
                            .then(|| row[LicenceState::Licensed as usize] as f64 / present as f64)
                    })
                    .reduce(f64::min);
                FleetResult {
                    machines: c.present,
                    final_counts: {
                        let mut counts = c.by_state;
                        counts[OFFLINE] = c.final_offline;
                        counts
                    },
                    max_by_state: c.max_by_state,
                    first_in_state: c.first_in_state,
                    first_licensed: c.first_licensed,
                    all_licensed: c.all_licensed,
                    notification_machine_days: c.notification_seconds as f64 / 86_400.0,
                    min_licensed_share,
                    last_arrival: c.last_arrival,
                }
            })
            .collect()
    }
}

/// Everything one run produced, for reports.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Events handled (stale ones not counted).
    pub events: u64,
    /// Per fleet, in scenario order.
    pub fleets: Vec<FleetResult>,
    /// Per KMS host, in scenario order.
    pub hosts: Vec<HostStats>,
    /// Attempt outcomes over the whole run, indexed by `Code`.
    pub outcomes: [u64; Code::COUNT],
    /// Per domain, attempts that tried a stale SRV record.
    pub stale_record_failures: Vec<u64>,
    pub expectations: Vec<expect::ExpectResult>,
    pub series: Series,
}

impl Outcome {
    pub fn all_held(&self) -> bool {
        self.expectations.iter().all(|e| e.held)
    }
}
