//! Observation: the probes that watch a run. The `Observer` keeps incremental counters
//! updated on every state change and samples that read them (sampling never scans the fleet,
//! so its cost does not grow with the machine count); the `Tracer` records one machine's life.
//! Both only receive: nothing here can change a run.

pub mod expect;
mod observer;
pub mod risk;
pub mod trace;

pub use observer::Observer;

use crate::code::Code;
use crate::methods::kms::stats::KmsStats;
use crate::methods::ksc::stats::KscStats;
use crate::methods::mak::stats::MakStats;
use crate::model::{FleetId, Model, StateSet, state::MAX_STATES};
use crate::time::SimTime;

/// The most columns of a sample row: a family's states, then `offline`.
pub const MAX_COLUMNS: usize = MAX_STATES + 1;

/// One population's counts at a sample, in its family's column order (states, then
/// `offline`), and the machines present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub columns: [u64; MAX_COLUMNS],
    pub present: u64,
}

/// The machines of one fleet counted in one family of states. Every fleet has the one its
/// method reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Population {
    pub fleet: FleetId,
    pub set: StateSet,
}

impl Population {
    /// The populations of a scenario, in output order: each fleet's, in file order — its
    /// method's family, then its Kaspersky keys when a server also manages it.
    pub fn of(model: &Model) -> Vec<Population> {
        model
            .fleets
            .enumerate()
            .flat_map(|(fleet, f)| {
                let set = f.method.states();
                let also = f.ksc.map(|_| Population {
                    fleet,
                    set: StateSet::Ksc,
                });
                std::iter::once(Population { fleet, set }).chain(also)
            })
            .collect()
    }

    /// The column of `offline` in this population's rows.
    pub fn offline(self) -> usize {
        self.set.names().len()
    }
}

/// One row of `hosts.csv` (without time and names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostSample {
    /// None while the host does not exist (before `AddHost`, after `RemoveHost`).
    pub count: Option<u32>,
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
    /// `times.len() × populations` rows.
    pub rows: Vec<Row>,
    /// Grid samples only: `grid × hosts × 2 pools`.
    pub hosts: Vec<HostSample>,
    /// Samples off the grid (the instants of `at` expectations) only, in order: each host's
    /// count per pool, `off-grid samples × hosts × 2 pools` (None while a host does not
    /// exist), for `HostCount(at)`.
    pub off_grid_counts: Vec<Option<u32>>,
    /// Grid samples only: outcomes by code since the previous grid sample.
    pub attempts: Vec<[u64; Code::COUNT]>,
    /// Grid samples only: `grid × MAK keys` (used, remaining).
    pub mak: Vec<(u64, u64)>,
    /// Grid samples only: `grid × licence keys` (active on, reserve on).
    pub ksc: Vec<(u64, u64)>,
    /// Grid samples only: `grid × fleets`, outcomes by code since the previous grid sample.
    pub fleet_attempts: Vec<[u64; Code::COUNT]>,
    /// Grid samples only: `grid × populations`, the machines at risk (Windows populations;
    /// zero for others).
    pub risk: Vec<risk::AtRisk>,
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

/// What the observer hands over at the end of a run about one population.
#[derive(Debug, Clone)]
pub struct PopulationResult {
    pub population: Population,
    /// Machines present at the end.
    pub machines: u64,
    /// Per column (states, then offline): machines at the end.
    pub final_counts: [u64; MAX_COLUMNS],
    /// Per column: the most machines at once (states exactly, offline as sampled).
    pub max_by_state: [u64; MAX_COLUMNS],
    /// Per column: when it was first occupied.
    pub first_in_state: [Option<SimTime>; MAX_COLUMNS],
    pub first_licensed: Option<SimTime>,
    pub all_licensed: Option<SimTime>,
    /// Machine-days spent in the family's worst state (notification for Windows).
    pub worst_machine_days: f64,
    pub min_licensed_share: Option<f64>,
    pub last_arrival: SimTime,
    /// Attempt outcomes of the fleet's machines over the run, indexed by `Code`.
    pub outcomes: [u64; Code::COUNT],
    /// Machines at risk at the end of the run (Windows populations).
    pub at_risk: risk::AtRisk,
    /// The first and the last failed attempt of its machines (Windows populations).
    pub failures: Option<(SimTime, SimTime)>,
}

/// Everything one run produced, for reports.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Events handled (stale ones not counted).
    pub events: u64,
    /// Per population, in `Population::of` order.
    pub populations: Vec<PopulationResult>,
    /// KMS hosts and DNS.
    pub kms: KmsStats,
    /// MAK keys.
    pub mak: MakStats,
    /// Kaspersky licence keys.
    pub ksc: KscStats,
    /// What happened to each domain's SRV records, in order.
    pub dns_events: Vec<crate::probe::DnsRecord>,
    /// Attempt outcomes over the whole run, indexed by `Code`.
    pub outcomes: [u64; Code::COUNT],
    pub expectations: Vec<expect::ExpectResult>,
    pub series: Series,
}

impl Outcome {
    pub fn all_held(&self) -> bool {
        self.expectations.iter().all(|e| e.held)
    }

    /// The result of fleet `f`'s population in `set`.
    pub fn population(&self, fleet: FleetId, set: StateSet) -> Option<&PopulationResult> {
        self.populations
            .iter()
            .find(|p| p.population.fleet == fleet && p.population.set == set)
    }
}
