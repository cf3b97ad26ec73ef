//! `actsim trace`: the life of one machine. Only the traced machine is recorded: every hook
//! is one comparison of machine ids for the others, so tracing does not slow the run.

use super::{MachineId, NO_HOST, World};
use crate::code::Code;
use crate::engine::SimTime;
use crate::kms::client::LicenceState;
use crate::kms::host::Cmid;
use crate::scenario::model::{DiscoveryModel, FleetId, Model};

/// One thing that happened to the traced machine.
#[derive(Debug, Clone, PartialEq)]
pub enum Happening {
    Arrived(LicenceState),
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
    /// The licence state changed (by an attempt, a deadline or a timeline event).
    State {
        from: LicenceState,
        to: LicenceState,
    },
    Retired,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub at: SimTime,
    pub what: Happening,
}

/// The traced machine's status at the end of a traced run (`--at`): what `slmgr /dlv`
/// shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub at: SimTime,
    pub present: bool,
    pub state: LicenceState,
    /// End of the current grace, validity or out-of-tolerance period (None in notification).
    pub deadline: Option<SimTime>,
    /// The KMS host named by hand, or the one DNS discovery would offer first now.
    pub kms_name: Option<String>,
    pub static_host: bool,
    pub cached_host: Option<String>,
    pub activation_interval: SimTime,
    pub renewal_interval: SimTime,
    pub last_count: Option<u32>,
    pub cmid: Cmid,
    pub next_attempt: Option<SimTime>,
}

#[derive(Debug, Default)]
pub(super) struct Tracer {
    pub fleet: FleetId,
    pub index: u32,
    pub machine: Option<MachineId>,
    pub records: Vec<Record>,
    /// Hosts tried in the attempt under way.
    pub tried: Vec<(String, String)>,
    pub discovery: String,
    /// The count returned in the attempt under way, and the last one ever returned.
    pub count: Option<u32>,
    pub last_count: Option<u32>,
}

impl World<'_> {
    /// Whether machine `m` is the traced one (the only cost of tracing for the others).
    pub(super) fn traced(&self, m: MachineId) -> bool {
        self.trace.as_ref().is_some_and(|t| t.machine == Some(m))
    }

    /// Records a happening of the traced machine (callers check `traced` first).
    pub(super) fn record(&mut self, at: SimTime, what: Happening) {
        if let Some(t) = self.trace.as_mut() {
            t.records.push(Record { at, what });
        }
    }

    /// Notes a host tried in the attempt under way.
    pub(super) fn note_tried(
        &mut self,
        m: MachineId,
        target: impl FnOnce() -> String,
        result: impl FnOnce() -> String,
    ) {
        if self.traced(m)
            && let Some(t) = self.trace.as_mut()
        {
            t.tried.push((target(), result()));
        }
    }

    pub(super) fn note_discovery(&mut self, m: MachineId, how: impl FnOnce() -> String) {
        if self.traced(m)
            && let Some(t) = self.trace.as_mut()
        {
            if !t.discovery.is_empty() {
                t.discovery.push_str(", then ");
            }
            t.discovery.push_str(&how());
        }
    }

    /// The status of the traced machine now.
    pub(super) fn status(&mut self, now: SimTime) -> Option<Status> {
        let m = self.trace.as_ref()?.machine?;
        let i = m as usize;
        let model: &Model = self.model;
        let fleet = &model.fleets[usize::from(self.machines.hot[i].fleet)];
        let host_name = |h: u16| model.hosts[usize::from(h)].name.clone();
        let (kms_name, static_host) = match fleet.discovery {
            DiscoveryModel::Static(h) => (Some(host_name(h)), true),
            DiscoveryModel::Dns => (
                self.lookup(m, now).and_then(|d| {
                    let records = self.zones.records(d);
                    (0..records.len())
                        .filter(|&r| self.zones.visible(d, r, now))
                        .min_by_key(|&r| {
                            (records[r].priority, std::cmp::Reverse(records[r].weight))
                        })
                        .map(|r| match records[r].target {
                            crate::kms::discovery::Target::Host(h) => host_name(h),
                            crate::kms::discovery::Target::Stale(s) => {
                                match &model.manual_srv[usize::from(s)].target {
                                    crate::scenario::model::SrvTarget::Unknown(n) => n.clone(),
                                    crate::scenario::model::SrvTarget::Host(h) => host_name(*h),
                                }
                            }
                        })
                }),
                false,
            ),
        };
        let timers = self.timers(m);
        let licence = self.machines.hot[i].licence;
        let last = self.machines.hot[i].last_host;
        let next = self.machines.hot[i].next_attempt;
        Some(Status {
            at: now,
            present: self.machines.hot[i].presence == super::machines::Presence::Present,
            state: licence.state,
            deadline: (licence.deadline != crate::engine::NEVER).then_some(licence.deadline),
            kms_name,
            static_host,
            cached_host: (last != NO_HOST && fleet.host_caching).then(|| host_name(last)),
            activation_interval: timers.activation_interval,
            renewal_interval: timers.renewal_interval,
            last_count: self.trace.as_ref()?.last_count,
            cmid: self.machines.hot[i].cmid,
            next_attempt: (next != crate::engine::NEVER && next >= now).then_some(next),
        })
    }
}
