//! The simulation state and the event loop: the one place that knows every part.
//!
//! Ordering semantics ("Time" in the format reference): events run in (time, scheduling
//! order). Timeline events are scheduled first, so at equal times they run in file order
//! before any machine activity. Machines present at the start are scheduled fleet by fleet in
//! index order, so at t = 0 they ask in that order (worked example 1).
//!
//! A machine has at most one live attempt and one live deadline: the event's time must equal
//! the machine's stored `next_attempt` / `deadline_event`, otherwise it is stale and dropped.
//! Processing always moves those times forward, so a stale duplicate can never run twice.
//!
//! Whatever depends on how a machine activates is asked of `methods`; whatever is observed
//! goes to the probe, which can read but never change the run.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, fleets and hosts that the model and the world create, in range by construction

mod licence;
mod online;
mod status;
mod timeline;

pub use status::{Channel, KmsStatus, KscDevice, Status};

use crate::engine::{EventQueue, Scheduler, Streams};
use crate::methods::kms::{Kms, REGISTRATION_INTERVAL};
use crate::methods::licence::Answer;
use crate::methods::machines::Machines;
use crate::methods::{self, Env, Methods};
use crate::model::{
    ArrivalModel, ExpectKind, FleetId, HostId, KmsExpect, MachineId, Model, OnlineModel,
    PolicyModel, Table, When,
};
use crate::net::schedule::DAILY_JITTER;
use crate::net::topology::Topology;
use crate::probe::{Probe, Sample};
use crate::progress::Progress;
use crate::time::SimTime;

#[derive(Debug, Clone, Copy)]
enum Event {
    /// The timeline entry with this index.
    Timeline(u32),
    Arrive(MachineId),
    Attempt(MachineId),
    /// The machine's licence deadline (end of grace, validity or out-of-tolerance grace).
    Deadline(MachineId),
    /// A host's daily SRV re-registration (KMS-HOST-8).
    Register(HostId),
    /// An event of an activation method's own.
    Method(methods::Event),
}

pub struct World<'m, P> {
    model: &'m Model,
    /// The policy now in force (SetPolicy changes it).
    policy: PolicyModel,
    topology: Topology,
    methods: Methods,
    /// Machines present per fleet.
    present: Table<FleetId, u64>,
    /// Per `Daily` fleet, present machines per jitter second (empty for other fleets).
    daily_jitters: Table<FleetId, Vec<u32>>,
    machines: Machines,
    queue: EventQueue<Event>,
    streams: Streams,
    probe: P,
    events: u64,
    /// Reused buffers of the samples (offline machines per fleet, host counts).
    offline: Vec<u64>,
    host_counts: Vec<Option<[u32; 2]>>,
    /// Reused list of the answers a method event gives.
    answers: Vec<(MachineId, Answer)>,
    /// Events the methods scheduled during the event being handled.
    later: Vec<(SimTime, methods::Event)>,
    /// The run stops after this instant (the scenario's end, or a trace's `--at`).
    end: SimTime,
    /// Where a watched run reports how far it has got (progress.rs).
    progress: Option<&'m Progress>,
}

/// What a run hands back: the probe, fed with everything that happened, and the number of
/// events handled (stale ones not counted).
pub struct Ran<P> {
    pub probe: P,
    pub events: u64,
}

impl<'m, P: Probe> World<'m, P> {
    pub fn new(model: &'m Model, seed: u64, probe: P) -> Self {
        let topology = Topology::new(
            model.sites.len(),
            &model.links,
            methods::ports_of_interest(model),
        );
        let mut world = World {
            model,
            policy: model.policy,
            methods: Methods::new(model, &topology),
            topology,
            present: model.fleets.iter().map(|_| 0).collect(),
            daily_jitters: model
                .fleets
                .iter()
                .map(|f| match f.online {
                    OnlineModel::Daily { .. } => vec![0; DAILY_JITTER as usize],
                    _ => Vec::new(),
                })
                .collect(),
            machines: Machines::new(model.fleets.iter().map(|f| (f.name.clone(), f.image))),
            queue: EventQueue::default(),
            streams: Streams::new(seed),
            probe,
            events: 0,
            offline: Vec::new(),
            host_counts: Vec::new(),
            answers: Vec::new(),
            later: Vec::new(),
            end: model.duration,
            progress: None,
        };
        let total: u64 = model.fleets.iter().map(|f| f.count).sum();
        world.machines.reserve(total as usize);
        for (i, t) in model.timeline.iter().enumerate() {
            world.queue.push(t.at, Event::Timeline(i as u32));
        }
        for h in model.kms.hosts.ids() {
            let first = Kms::first_registration(model, &mut world.streams, h);
            world.queue.push(first, Event::Register(h));
        }
        for (t, e) in Methods::first_events(model) {
            world.queue.push(t, Event::Method(e));
        }
        for (f, fleet) in model.fleets.enumerate() {
            for i in 0..fleet.count {
                let m = world.add_machine(f);
                // A machine a host's start table names has that CMID.
                if let Some(known) = fleet.known.get(i as usize) {
                    world.machines[m].cmid = known.cmid;
                }
                match fleet.arrival {
                    ArrivalModel::AllAtStart => world.arrive(m, 0, true),
                    ArrivalModel::Ramp { start, over } => {
                        let stream = world.machines.stream(m);
                        let draw = world.machines.next_draw(m);
                        let t = start + world.streams.below(stream, draw, over);
                        world.queue.push(t, Event::Arrive(m));
                    }
                    ArrivalModel::At(t) => world.queue.push(t, Event::Arrive(m)),
                }
            }
        }
        world.flush_later();
        world
    }

    /// Reports the run's simulated time and events to `progress` every 1,024 events.
    pub fn watched(mut self, progress: &'m Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Runs to the end of the scenario (or `until`, if earlier), taking every sample.
    pub fn run(mut self, until: Option<SimTime>) -> Ran<P> {
        if let Some(t) = until {
            self.end = t.min(self.end);
        }
        let checkpoints = checkpoints(self.model, self.end);
        let next = self.run_events(&checkpoints);
        // An interrupted run is thrown away: the samples left would only cost time (each
        // one walks every machine's online schedule up to its instant).
        if !crate::interrupt::requested() {
            for &c in &checkpoints[next..] {
                self.sample(c);
            }
        }
        Ran {
            probe: self.probe,
            events: self.events,
        }
    }

    /// Runs to `until` and returns the status of machine `index` of `fleet` then (`actsim
    /// trace --at`), with the probe; None if the fleet has no such machine.
    pub fn run_to_status(
        mut self,
        until: SimTime,
        fleet: FleetId,
        index: u32,
    ) -> (Option<Status>, Ran<P>) {
        self.end = until.min(self.end);
        let checkpoints = checkpoints(self.model, self.end);
        self.run_events(&checkpoints);
        let machine = self.machines.members[fleet].get(index as usize).copied();
        let status = machine.map(|m| self.status(m, self.end));
        let ran = Ran {
            probe: self.probe,
            events: self.events,
        };
        (status, ran)
    }

    /// Handles every event up to the end, taking the samples that fall before each; returns
    /// the index of the first sample not taken.
    fn run_events(&mut self, checkpoints: &[(SimTime, bool)]) -> usize {
        let end = self.end;
        let mut next = 0;
        while let Some(t) = self.queue.peek_time() {
            if t > end {
                break;
            }
            // A sample shows the state at the end of its instant: take every sample
            // strictly before the next event.
            while next < checkpoints.len() && checkpoints[next].0 < t {
                // A sample can be slow (see `run`): Ctrl-C is honoured between samples too.
                if crate::interrupt::requested() {
                    return next;
                }
                self.sample(checkpoints[next]);
                next += 1;
            }
            let Some((t, event)) = self.queue.pop() else {
                break;
            };
            // With many machines, reaching a machine's record is a cache miss: start
            // fetching the records of the next events while this one is handled.
            for next in self.queue.upcoming() {
                if let Event::Attempt(m) | Event::Deadline(m) | Event::Arrive(m) = next {
                    self.machines.prefetch(m);
                }
            }
            if self.handle(t, event) {
                self.events += 1;
                // Every 1,024 events: the progress of a watched run, and Ctrl-C
                // (interrupt.rs: the caller sees the flag and writes nothing).
                if self.events & 0x3FF == 0 {
                    if let Some(p) = self.progress {
                        p.set(t, self.events);
                    }
                    if crate::interrupt::requested() {
                        break;
                    }
                }
            }
            if !self.later.is_empty() {
                self.flush_later();
            }
        }
        next
    }

    /// A sample: the probe reads the counts at the end of instant `t`; nothing changes.
    fn sample(&mut self, (t, on_grid): (SimTime, bool)) {
        let mut offline = std::mem::take(&mut self.offline);
        self.offline_counts(t, &mut offline);
        let mut host_counts = std::mem::take(&mut self.host_counts);
        self.methods
            .kms
            .counts_at(t, self.policy.cmid_retention, &mut host_counts);
        self.probe.sample(&Sample {
            now: t,
            on_grid,
            offline: &offline,
            host_counts: &host_counts,
        });
        self.offline = offline;
        self.host_counts = host_counts;
    }

    /// A new machine of fleet `f`, not arrived yet.
    fn add_machine(&mut self, f: FleetId) -> MachineId {
        let m = self.machines.add(f);
        self.probe.created(m, f, self.machines[m].index);
        if let OnlineModel::Daily { .. } = self.model.fleets[f].online {
            self.machines[m].jitter = self.machines.daily_jitter(&mut self.streams, m);
        }
        m
    }

    /// The parts of the world a method works with, borrowed for one call, beside the
    /// methods' own state.
    fn split(&mut self) -> (&mut Methods, Env<'_, P>) {
        (
            &mut self.methods,
            Env {
                model: self.model,
                policy: &self.policy,
                topology: &self.topology,
                machines: &mut self.machines,
                streams: &mut self.streams,
                probe: &mut self.probe,
                later: &mut self.later,
            },
        )
    }

    /// Puts on the queue the events the methods scheduled for themselves.
    fn flush_later(&mut self) {
        for (t, e) in self.later.drain(..) {
            self.queue.push(t, Event::Method(e));
        }
    }

    /// Routes one event; returns false if it was stale.
    fn handle(&mut self, now: SimTime, event: Event) -> bool {
        match event {
            Event::Timeline(i) => {
                self.apply(&self.model.timeline[i as usize].action, now);
                true
            }
            Event::Register(h) => {
                self.methods
                    .kms
                    .register(self.model, &mut self.probe, h, now);
                self.queue
                    .push(now + REGISTRATION_INTERVAL, Event::Register(h));
                true
            }
            Event::Arrive(m) => {
                self.arrive(m, now, true);
                true
            }
            Event::Attempt(m) => {
                let live = self.machines[m].is_present() && self.machines[m].next_attempt == now;
                if live {
                    self.attempt_when_online(m, now);
                }
                live
            }
            Event::Deadline(m) => {
                let live = self.machines[m].is_present() && self.machines[m].deadline_event == now;
                if live {
                    self.deadline(m, now);
                }
                live
            }
            Event::Method(e) => {
                let mut answers = std::mem::take(&mut self.answers);
                answers.clear();
                let next = {
                    let (methods, mut env) = self.split();
                    methods.handle(&mut env, e, now, &mut answers)
                };
                for &(m, answer) in &answers {
                    self.apply_answer(m, answer, now);
                }
                self.answers = answers;
                if next != crate::time::NEVER {
                    self.queue.push(next, Event::Method(e));
                }
                true
            }
        }
    }
}

/// Sample instants in order up to `end`, each with whether it is on the output grid: every
/// `sample_every` from 0, the end of the run, and the instants of `at` expectations.
fn checkpoints(model: &Model, end: SimTime) -> Vec<(SimTime, bool)> {
    let run_end = model.duration;
    let mut points: Vec<(SimTime, bool)> = (0..=run_end / model.sample_every)
        .map(|k| (k * model.sample_every, true))
        .collect();
    if run_end % model.sample_every != 0 {
        points.push((run_end, true));
    }
    for e in &model.expect {
        if let ExpectKind::LicensedShare {
            when: When::At(t), ..
        }
        | ExpectKind::AtMost {
            when: When::At(t), ..
        }
        | ExpectKind::Kms(KmsExpect::HostCount {
            when: When::At(t), ..
        }) = e.kind
        {
            points.push((t, false));
        }
    }
    points.sort_by_key(|&(t, on_grid)| (t, !on_grid));
    points.dedup_by_key(|p| p.0);
    points.retain(|&(t, _)| t <= end);
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events stay small: a queue entry is the 8-byte key and the event.
    #[test]
    fn an_event_fits_in_eight_bytes() {
        assert!(
            std::mem::size_of::<Event>() <= 8,
            "{}",
            std::mem::size_of::<Event>()
        );
    }
}
