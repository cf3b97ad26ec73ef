//! `actsim trace`: the life of one machine. Only the traced machine is recorded: for every
//! other machine each hook is one comparison of machine ids.

#![allow(clippy::indexing_slicing)] // indices are fleet, population, code and sample positions the observer itself allocates for the model it was given

use crate::code::Code;
use crate::model::{DomainId, FleetId, HostId, LicenseKeyId, MachineId, Pool, ProductId, StateSet};
use crate::probe::{KeysCause, Probe, StateIndex};
use crate::time::SimTime;

/// One thing that happened to the traced machine.
#[derive(Debug, Clone, PartialEq)]
pub enum Happening {
    /// It arrived, in this state.
    Arrived(&'static str),
    /// An attempt: how the host was found, each host tried and what it did, the count of
    /// the host that answered, the outcome, and when the next attempt is due.
    Attempt {
        discovery: String,
        tried: Vec<(String, String)>,
        count: Option<u32>,
        outcome: Code,
        next: SimTime,
    },
    /// An attempt fell due while offline; it waits until `until`.
    Offline {
        until: SimTime,
    },
    /// The method acts later (a telephone call placed, a proxy's batch awaited): the
    /// next attempt is at `until` (`NEVER`: the method calls back).
    Waiting {
        discovery: String,
        until: SimTime,
    },
    /// The state changed (by an attempt, a deadline or a timeline event).
    State {
        from: &'static str,
        to: &'static str,
    },
    /// A Kaspersky device's key slots changed (KSC-9).
    Keys {
        active: Option<LicenseKeyId>,
        reserve: Option<LicenseKeyId>,
        cause: KeysCause,
    },
    Retired,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub at: SimTime,
    pub what: Happening,
}

/// Records the happenings of machine `index` of `fleet`.
#[derive(Debug, Default)]
pub struct Tracer {
    fleet: Option<FleetId>,
    index: u32,
    machine: Option<MachineId>,
    pub records: Vec<Record>,
    /// Hosts tried in the attempt under way.
    tried: Vec<(String, String)>,
    discovery: String,
    /// The count returned in the attempt under way, and the last one ever returned.
    count: Option<u32>,
    pub last_count: Option<u32>,
}

impl Tracer {
    pub fn new(fleet: FleetId, index: u32) -> Self {
        Tracer {
            fleet: Some(fleet),
            index,
            ..Tracer::default()
        }
    }

    /// Whether the traced machine was ever created (the fleet has that many machines).
    pub fn found(&self) -> bool {
        self.machine.is_some()
    }

    fn traced(&self, m: MachineId) -> bool {
        self.machine == Some(m)
    }

    fn record(&mut self, at: SimTime, what: Happening) {
        self.records.push(Record { at, what });
    }
}

fn name(set: StateSet, state: StateIndex) -> &'static str {
    set.names()[usize::from(state)]
}

impl Probe for Tracer {
    fn created(&mut self, m: MachineId, fleet: FleetId, index: u32) {
        if self.fleet == Some(fleet) && self.index == index {
            self.machine = Some(m);
        }
    }

    fn arrived(&mut self, _m: MachineId, _f: FleetId, _scheduled: bool, _now: SimTime) {}

    fn transition(
        &mut self,
        m: MachineId,
        _fleet: FleetId,
        set: StateSet,
        from: Option<StateIndex>,
        to: Option<StateIndex>,
        now: SimTime,
    ) {
        if !self.traced(m) {
            return;
        }
        match (from, to) {
            (None, Some(s)) => self.record(now, Happening::Arrived(name(set, s))),
            (Some(a), Some(b)) => self.record(
                now,
                Happening::State {
                    from: name(set, a),
                    to: name(set, b),
                },
            ),
            _ => {}
        }
    }

    fn attempted(&mut self, m: MachineId, _f: FleetId, code: Code, next: SimTime, now: SimTime) {
        if self.traced(m) {
            let what = Happening::Attempt {
                discovery: std::mem::take(&mut self.discovery),
                tried: std::mem::take(&mut self.tried),
                count: self.count.take(),
                outcome: code,
                next,
            };
            self.record(now, what);
        }
    }

    fn offline(&mut self, m: MachineId, _f: FleetId, until: SimTime, now: SimTime) {
        if self.traced(m) {
            self.record(now, Happening::Offline { until });
        }
    }

    fn waiting(&mut self, m: MachineId, _f: FleetId, until: SimTime, now: SimTime) {
        if self.traced(m) {
            let discovery = std::mem::take(&mut self.discovery);
            self.tried.clear();
            self.record(now, Happening::Waiting { discovery, until });
        }
    }

    fn outcome(&mut self, _m: MachineId, _f: FleetId, _code: Code, _now: SimTime) {}

    fn retired(&mut self, m: MachineId, now: SimTime) {
        if self.traced(m) {
            self.record(now, Happening::Retired);
        }
    }

    fn host_request(&mut self, _h: HostId, _pool: Pool, _now: SimTime) {}

    fn host_count(
        &mut self,
        m: MachineId,
        _h: HostId,
        _product: ProductId,
        count: u32,
        _activating: bool,
        _now: SimTime,
    ) {
        if self.traced(m) {
            self.count = Some(count);
            self.last_count = Some(count);
        }
    }

    fn host_failure(&mut self, _h: HostId, _pool: Pool) {}

    fn stale_record(&mut self, _d: DomainId) {}

    fn ksc_keys(
        &mut self,
        m: MachineId,
        active: Option<LicenseKeyId>,
        reserve: Option<LicenseKeyId>,
        cause: KeysCause,
        now: SimTime,
    ) {
        if self.traced(m) {
            self.record(
                now,
                Happening::Keys {
                    active,
                    reserve,
                    cause,
                },
            );
        }
    }

    fn wants_words(&self, m: MachineId) -> bool {
        self.traced(m)
    }

    fn tried(&mut self, m: MachineId, target: String, result: String) {
        if self.traced(m) {
            self.tried.push((target, result));
        }
    }

    fn discovery(&mut self, m: MachineId, how: String) {
        if !self.traced(m) {
            return;
        }
        if !self.discovery.is_empty() {
            self.discovery.push_str(", then ");
        }
        self.discovery.push_str(&how);
    }
}
