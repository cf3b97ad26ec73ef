//! The simulation state and event dispatch: the one place that knows every part.
//!
//! Ordering semantics (scenario-format.md, "Time"): events run in (time, scheduling order).
//! Timeline events are scheduled first, so at equal times they run in file order before any
//! machine activity. Machines present at the start are scheduled fleet by fleet in index
//! order, so at t = 0 they ask in that order (worked example 1).
//!
//! A machine has at most one live attempt and one live deadline: the event's time must equal
//! the machine's stored `next_attempt` / `deadline_event`, otherwise it is stale and dropped.
//! Processing always moves those times forward, so a stale duplicate can never run twice.

mod attempt;
mod machines;
mod online;
mod timeline;
pub mod trace;

pub use machines::{MachineId, NO_HOST};

use crate::code::Code;
use crate::engine::random::{name_hash, stream_of};
use crate::engine::{EventQueue, NEVER, Scheduler, SimTime, Streams};
use crate::kms::client::{Licence, Timers};
use crate::kms::host::KmsHost;
use crate::net::dns::Zones;
use crate::net::schedule::DAILY_JITTER;
use crate::net::topology::{PortId, Topology};
use crate::observe::{Observer, Outcome, expect};
use crate::scenario::model::{
    ArrivalModel, DNS_PORT, FleetId, HostId, InitialModel, Model, OnlineModel, PolicyModel,
    PortModel, When,
};
use machines::{Machines, Presence};

/// Re-activations a host's own key allows (KMS-HOST-4).
const OWN_KEY_REACTIVATIONS: u32 = 9;

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
}

/// Seconds between a publishing host's SRV registrations (KMS-HOST-8).
const REGISTRATION_INTERVAL: SimTime = 86_400;
/// Stream kind of a host's draws.
const HOST_STREAM: u64 = 0x4057;

pub struct World<'m> {
    model: &'m Model,
    /// The policy now in force (SetPolicy changes it).
    policy: PolicyModel,
    hosts: Vec<KmsHost>,
    /// Whether each host still publishes itself in DNS (PublishOff stops it).
    publishing: Vec<bool>,
    zones: Zones,
    topology: Topology,
    /// Each host's TCP port among the topology's ports of interest.
    host_port: Vec<PortId>,
    dns_port: PortId,
    /// Machines present per fleet.
    present: Vec<u64>,
    /// Per `Daily` fleet, present machines per jitter second (empty for other fleets).
    daily_jitters: Vec<Vec<u32>>,
    machines: Machines,
    queue: EventQueue<Event>,
    streams: Streams,
    obs: Observer,
    events: u64,
    /// Reused list of untried SRV records, so attempts do not allocate.
    untried: Vec<u16>,
    /// `actsim trace`: the one machine recorded, if any.
    trace: Option<Box<trace::Tracer>>,
    /// The run stops after this instant (the scenario's end, or a trace's `--at`).
    end: SimTime,
}

impl<'m> World<'m> {
    pub fn new(model: &'m Model, seed: u64) -> Self {
        Self::with_trace(model, seed, None)
    }

    /// A world that records every happening of machine `index` of fleet `fleet`.
    pub fn with_trace(model: &'m Model, seed: u64, traced: Option<(FleetId, u32)>) -> Self {
        let topology = Topology::new(model.sites.len(), &model.links, Topology::ports_of(model));
        let port_id = |p: PortModel| {
            topology
                .port_id(p)
                .expect("ports of interest include every host port and DNS")
        };
        let host_port = model
            .hosts
            .iter()
            .map(|h| port_id(PortModel::Tcp(h.port)))
            .collect();
        let dns_port = port_id(DNS_PORT);
        let mut world = World {
            model,
            policy: model.policy,
            hosts: initial_hosts(model),
            publishing: model.hosts.iter().map(|h| h.publish).collect(),
            zones: Zones::at_start(model),
            topology,
            host_port,
            dns_port,
            present: vec![0; model.fleets.len()],
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
            obs: Observer::new(model),
            events: 0,
            untried: Vec::new(),
            trace: traced.map(|(fleet, index)| {
                Box::new(trace::Tracer {
                    fleet,
                    index,
                    ..trace::Tracer::default()
                })
            }),
            end: model.duration,
        };
        let total: u64 = model.fleets.iter().map(|f| f.count).sum();
        world.machines.reserve(total as usize);
        for (i, t) in model.timeline.iter().enumerate() {
            world.queue.push(t.at, Event::Timeline(i as u32));
        }
        for (h, host) in model.hosts.iter().enumerate() {
            // KMS-HOST-8: registered at t = 0 (Zones::at_start), then every 24 hours from a
            // phase of its own.
            let stream = stream_of(name_hash(&host.name), HOST_STREAM);
            let phase = 1 + world.streams.below(stream, 0, REGISTRATION_INTERVAL);
            world.queue.push(phase, Event::Register(h as HostId));
        }
        for (f, fleet) in model.fleets.iter().enumerate() {
            for _ in 0..fleet.count {
                let m = world.add_machine(f as FleetId);
                match fleet.arrival {
                    ArrivalModel::AllAtStart => {
                        world.obs.scheduled_arrival(f as u16, 0);
                        world.arrive(m, 0, fleet.initial);
                    }
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
        world
    }

    /// Runs to the end of the scenario and hands over everything observed.
    pub fn run(mut self) -> Outcome {
        let checkpoints = checkpoints(self.model);
        let next = self.run_events(&checkpoints);
        for &c in &checkpoints[next..] {
            self.sample(c);
        }
        let end = self.end;
        let fleets = self.obs.finish(end);
        let expectations = expect::evaluate(self.model, &self.obs.series, &fleets, &self.obs.hosts);
        Outcome {
            events: self.events,
            fleets,
            hosts: self.obs.hosts,
            outcomes: self.obs.outcomes,
            stale_record_failures: self.obs.stale_record_failures,
            expectations,
            series: self.obs.series,
        }
    }

    /// Runs the traced machine's life up to `until` (the end if None): its happenings, and
    /// its status at that instant.
    pub fn run_trace(
        mut self,
        until: Option<SimTime>,
    ) -> (Vec<trace::Record>, Option<trace::Status>) {
        if let Some(t) = until {
            self.end = t.min(self.end);
        }
        self.run_events(&checkpoints(self.model));
        let status = self.status(self.end);
        let records = self.trace.take().map(|t| t.records).unwrap_or_default();
        (records, status)
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
            }
        }
        next
    }

    fn sample(&mut self, (t, on_grid): (SimTime, bool)) {
        let offline = self.offline_counts(t);
        let retention = self.policy.cmid_retention;
        self.obs
            .sample(t, on_grid, &mut self.hosts, retention, &offline);
    }

    /// A new machine of fleet `f`, not arrived yet.
    fn add_machine(&mut self, f: FleetId) -> MachineId {
        let m = self.machines.add(f);
        if let Some(t) = self.trace.as_mut()
            && t.fleet == f
            && t.index == self.machines.hot[m as usize].index
        {
            t.machine = Some(m);
        }
        if let OnlineModel::Daily { .. } = self.model.fleets[usize::from(f)].online {
            self.machines.hot[m as usize].jitter = self.daily_jitter(m);
        }
        m
    }

    /// Routes one event; returns false if it was stale.
    fn handle(&mut self, now: SimTime, event: Event) -> bool {
        match event {
            Event::Timeline(i) => {
                self.apply(&self.model.timeline[i as usize].action, now);
                true
            }
            Event::Register(h) => {
                self.register(h, now);
                self.queue
                    .push(now + REGISTRATION_INTERVAL, Event::Register(h));
                true
            }
            Event::Arrive(m) => {
                let f = self.machines.hot[m as usize].fleet;
                self.obs.scheduled_arrival(f, now);
                self.arrive(m, now, self.model.fleets[usize::from(f)].initial);
                true
            }
            Event::Attempt(m) => {
                let live = self.machines.hot[m as usize].presence == Presence::Present
                    && self.machines.hot[m as usize].next_attempt == now;
                if live {
                    // NET-2: nothing is attempted while offline; the attempt waits for the
                    // next online instant.
                    let online_at = self.next_online(m, now);
                    if online_at == now {
                        self.attempt(m, now);
                    } else {
                        if self.traced(m) {
                            self.record(now, trace::Happening::Offline { until: online_at });
                        }
                        self.obs.outcome(Code::Offline);
                        self.machines.hot[m as usize].next_attempt = online_at;
                        if online_at != NEVER {
                            self.queue.push(online_at, Event::Attempt(m));
                        }
                    }
                }
                live
            }
            Event::Deadline(m) => {
                let live = self.machines.hot[m as usize].presence == Presence::Present
                    && self.machines.hot[m as usize].deadline_event == now;
                if live {
                    self.deadline(m, now);
                }
                live
            }
        }
    }

    /// A licence deadline fired. The deadline may have moved on since it was scheduled (a
    /// renewal extends validity without rescheduling), in which case it is re-armed.
    fn deadline(&mut self, m: MachineId, now: SimTime) {
        self.machines.hot[m as usize].deadline_event = NEVER;
        let licence = self.machines.hot[m as usize].licence;
        if licence.deadline > now {
            self.schedule_deadline(m, licence.deadline);
            return;
        }
        let (next, notified) = licence.at_deadline(&self.timers(m));
        if notified {
            self.obs.outcome(Code::Notification);
        }
        self.set_licence(m, next, now);
    }

    /// A machine arrives: fresh in initial grace, or already activated (`initial`). Its
    /// first attempt is at once (scenario-format.md), or at its renewal time if activated.
    fn arrive(&mut self, m: MachineId, now: SimTime, initial: InitialModel) {
        self.machines.hot[m as usize].presence = Presence::Present;
        self.count_presence(m, true);
        let f = self.machines.hot[m as usize].fleet;
        let (licence, first_attempt) = match initial {
            InitialModel::Fresh => (Licence::fresh(now, self.grace(m)), now),
            InitialModel::Activated { age_up_to } => self.already_activated(m, now, age_up_to),
        };
        self.machines.hot[m as usize].licence = licence;
        if self.traced(m) {
            self.record(now, trace::Happening::Arrived(licence.state));
        }
        self.obs.transition(f, None, Some(licence.state), now);
        self.schedule_deadline(m, licence.deadline);
        self.schedule_attempt(m, first_attempt);
    }

    /// `Activated(age_up_to)`: the last successful renewal lies uniformly in the past
    /// `age_up_to`. If that is within the CMID retention window, the CMID is already in the
    /// table of the host discovery picks now, which is also the cached host. The next try is
    /// the renewal due then, or, if overdue, a uniform moment within one activation interval.
    fn already_activated(
        &mut self,
        m: MachineId,
        now: SimTime,
        age_up_to: SimTime,
    ) -> (Licence, SimTime) {
        let stream = self.machines.stream(m);
        let age = if age_up_to == 0 {
            0
        } else {
            let draw = self.machines.next_draw(m);
            self.streams.below(stream, draw, age_up_to)
        };
        let renewed_at = now as i64 - age as i64;
        if age < self.policy.cmid_retention
            && let Some(h) = self.pick_host_at_start(m)
        {
            let product = &self.model.products[usize::from(
                self.model.fleets[usize::from(self.machines.hot[m as usize].fleet)].product,
            )];
            let table = self.hosts[usize::from(h)].pool_mut(product.pool);
            table.note_threshold(product.threshold);
            table.register(self.machines.hot[m as usize].cmid, renewed_at);
            self.machines.hot[m as usize].last_host = h;
        }
        let timers = self.timers(m);
        let deadline = (renewed_at + timers.validity as i64).max(now as i64) as SimTime;
        let due = renewed_at + timers.renewal_interval as i64;
        let first_attempt = if due >= now as i64 {
            due as SimTime
        } else {
            let draw = self.machines.next_draw(m);
            now + self.streams.below(stream, draw, timers.activation_interval)
        };
        (Licence::licensed_until(deadline), first_attempt)
    }

    /// KMS-HOST-8: a running, publishing host registers its SRV record in each of its
    /// publish domains (DNS-1, DNS-2); a later host under `CreatorOnly` is denied (DNS-3).
    fn register(&mut self, h: HostId, now: SimTime) {
        if self.publishing[usize::from(h)] && self.hosts[usize::from(h)].up {
            for &d in &self.model.hosts[usize::from(h)].publish_domains {
                self.zones.register_during_run(self.model, h, d, now);
            }
        }
    }

    /// The initial grace of machine `m`'s product: the product's own wins (KMS-CLI-5).
    fn grace(&self, m: MachineId) -> SimTime {
        let fleet = &self.model.fleets[usize::from(self.machines.hot[m as usize].fleet)];
        self.model.products[usize::from(fleet.product)]
            .grace
            .unwrap_or(self.policy.grace)
    }

    /// The timers machine `m` follows now: the policy's, overridden by the intervals its last
    /// host pushed in its reply (KMS-HOST-7).
    fn timers(&self, m: MachineId) -> Timers {
        let mut timers = Timers {
            activation_interval: self.policy.activation_interval,
            renewal_interval: self.policy.renewal_interval,
            validity: self.policy.validity,
            oot_grace: self.policy.oot_grace,
        };
        let h = self.machines.hot[m as usize].last_host;
        if h != NO_HOST {
            let host = &self.model.hosts[usize::from(h)];
            timers.activation_interval = host
                .activation_interval
                .unwrap_or(timers.activation_interval);
            timers.renewal_interval = host.renewal_interval.unwrap_or(timers.renewal_interval);
        }
        timers
    }

    /// Changes a present machine's licence, keeping the counters and the deadline event.
    fn set_licence(&mut self, m: MachineId, licence: Licence, now: SimTime) {
        let old = std::mem::replace(&mut self.machines.hot[m as usize].licence, licence);
        if old.state != licence.state {
            if self.traced(m) {
                let what = trace::Happening::State {
                    from: old.state,
                    to: licence.state,
                };
                self.record(now, what);
            }
            self.obs.transition(
                self.machines.hot[m as usize].fleet,
                Some(old.state),
                Some(licence.state),
                now,
            );
        }
        self.schedule_deadline(m, licence.deadline);
    }

    /// Makes sure a deadline event fires no later than `deadline`.
    fn schedule_deadline(&mut self, m: MachineId, deadline: SimTime) {
        if deadline < self.machines.hot[m as usize].deadline_event {
            self.machines.hot[m as usize].deadline_event = deadline;
            self.queue.push(deadline, Event::Deadline(m));
        }
    }

    fn schedule_attempt(&mut self, m: MachineId, at: SimTime) {
        self.machines.hot[m as usize].next_attempt = at;
        self.queue.push(at, Event::Attempt(m));
    }
}

/// The hosts at t = 0. KMS-HOST-4: a shared host key activates at most `max_hosts` hosts
/// (the first ones in file order); the others stay unactivated (KMS-HOST-10). A host with
/// its own key is activated.
fn initial_hosts(model: &Model) -> Vec<KmsHost> {
    let mut used = vec![0u32; model.host_keys.len()];
    model
        .hosts
        .iter()
        .map(|h| match h.host_key {
            Some(k) => {
                let key = &model.host_keys[usize::from(k)];
                let n = &mut used[usize::from(k)];
                *n += 1;
                KmsHost::new(h.keys.clone(), *n <= key.max_hosts, key.reactivations)
            }
            None => KmsHost::new(h.keys.clone(), true, OWN_KEY_REACTIVATIONS),
        })
        .collect()
}

/// Sample instants in order, each with whether it is on the output grid: every
/// `sample_every` from 0, the end of the run, and the instants of `at` expectations.
fn checkpoints(model: &Model) -> Vec<(SimTime, bool)> {
    let end = model.duration;
    let mut points: Vec<(SimTime, bool)> = (0..=end / model.sample_every)
        .map(|k| (k * model.sample_every, true))
        .collect();
    if end % model.sample_every != 0 {
        points.push((end, true));
    }
    for e in &model.expect {
        use crate::scenario::model::ExpectKind::*;
        if let LicensedShare {
            when: When::At(t), ..
        }
        | AtMost {
            when: When::At(t), ..
        } = e.kind
        {
            points.push((t, false));
        }
    }
    points.sort_by_key(|&(t, on_grid)| (t, !on_grid));
    points.dedup_by_key(|p| p.0);
    points
}
