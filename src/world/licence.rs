//! A machine's Windows licence over its life: arrival, attempts (asked of its method),
//! deadlines, and the counters and events that follow every change.

#![allow(clippy::indexing_slicing)] // indices are ids of machines, fleets and hosts that the model and the world create, in range by construction

use super::{Event, World};
use crate::code::Code;
use crate::engine::Scheduler;
use crate::methods::licence::{Answer, Licence, LicenceState, Timers};
use crate::methods::machines::Presence;
use crate::model::{InitialModel, MachineId};
use crate::probe::Probe;
use crate::time::{NEVER, SimTime};

impl<P: Probe> World<'_, P> {
    /// A machine arrives: fresh in initial grace, or already activated (its fleet's
    /// `initial`; machines the timeline adds are always fresh). Its first attempt is at once
    /// (the format reference), or at its renewal time if activated.
    pub(super) fn arrive(&mut self, m: MachineId, now: SimTime, scheduled: bool) {
        self.machines[m].presence = Presence::Present;
        self.count_presence(m, true);
        let f = self.machines[m].fleet;
        self.probe.arrived(m, f, scheduled, now);
        {
            let (methods, mut env) = self.split();
            methods.ksc.arrive(&mut env, m, now);
        }
        if !self.model.fleets[f].method.windows() {
            return;
        }
        let initial = if scheduled {
            self.model.fleets[f].initial
        } else {
            InitialModel::Fresh
        };
        let (licence, first_attempt) = match initial {
            InitialModel::Fresh => (Licence::fresh(now, self.grace(m)), now),
            InitialModel::Activated { age_up_to } => self.already_activated(m, now, age_up_to),
        };
        self.machines[m].licence = licence;
        self.probe.licensed_until(f, NEVER, licence.licence_end());
        let state = licence.state.index();
        self.probe
            .transition(m, f, LicenceState::SET, None, Some(state), now);
        self.schedule_deadline(m, licence.deadline);
        self.schedule_attempt(m, first_attempt);
    }

    /// `Activated(age_up_to)`: the last successful renewal lies uniformly in the past
    /// `age_up_to`. If that is within the CMID retention window, the machine's method may
    /// remember it (a KMS host has its CMID). The next try is the renewal due then, or, if
    /// overdue, a uniform moment within one renewal interval (and before the licence ends).
    fn already_activated(
        &mut self,
        m: MachineId,
        now: SimTime,
        age_up_to: SimTime,
    ) -> (Licence, SimTime) {
        let stream = self.machines.stream(m);
        let fleet = &self.model.fleets[self.machines[m].fleet];
        let renewed_at = if let Some(known) = fleet.known.get(self.machines[m].index as usize) {
            // Named by a host's start table: it renewed when that host last saw it, and
            // its CMID is in the table already.
            self.machines[m].last_host = known.host;
            known.seen
        } else {
            let age = if age_up_to == 0 {
                0
            } else {
                let draw = self.machines.next_draw(m);
                self.streams.below(stream, draw, age_up_to)
            };
            let renewed_at = now as i64 - age as i64;
            if age < self.policy.cmid_retention {
                let (methods, mut env) = self.split();
                methods.place_at_start(&mut env, m, renewed_at);
            }
            renewed_at
        };
        let timers = self.timers(m);
        // `NEVER` validity or renewal (a MAK activation) stays `NEVER`.
        let after =
            |span: SimTime| -> Option<i64> { (span != NEVER).then(|| renewed_at + span as i64) };
        let deadline = after(timers.validity).map_or(NEVER, |d| d.max(now as i64) as SimTime);
        let first_attempt = match after(timers.renewal_interval) {
            None => NEVER,
            Some(due) if due >= now as i64 => due as SimTime,
            // Overdue at the start: in a running network these machines renew at phases
            // spread over the renewal interval, not all in the first hours (which would be
            // a load peak of the model's making, not of the network's) — and before the
            // licence would end.
            Some(_) => {
                let draw = self.machines.next_draw(m);
                let span = timers.renewal_interval.min(deadline.saturating_sub(now));
                now + self.streams.below(stream, draw, span.max(1))
            }
        };
        (Licence::licensed_until(deadline), first_attempt)
    }

    /// NET-2: nothing is attempted while offline; the attempt waits for the next online
    /// instant.
    pub(super) fn attempt_when_online(&mut self, m: MachineId, now: SimTime) {
        let online_at = self.next_online(m, now);
        if online_at == now {
            self.attempt(m, now);
        } else {
            let f = self.machines[m].fleet;
            self.probe.offline(m, f, online_at, now);
            self.machines[m].next_attempt = online_at;
            if online_at != NEVER {
                self.queue.push(online_at, Event::Attempt(m));
            }
        }
    }

    /// One attempt by the machine's method, and what it does to the licence.
    fn attempt(&mut self, m: MachineId, now: SimTime) {
        let answer = {
            let (methods, mut env) = self.split();
            methods.attempt(&mut env, m, now)
        };
        self.apply_answer(m, answer, now);
    }

    /// What a method answered for machine `m` (at an attempt, or in a batch of its own):
    /// the licence follows, the outcome is counted, the next attempt is scheduled.
    pub(super) fn apply_answer(&mut self, m: MachineId, answer: Answer, now: SimTime) {
        let after = self.machines[m].licence.after_attempt(now, answer);
        let f = self.machines[m].fleet;
        match after.outcome {
            Some(code) => self.probe.attempted(m, f, code, after.next_attempt, now),
            None => self.probe.waiting(m, f, after.next_attempt, now),
        }
        self.set_licence(m, after.licence, now);
        self.schedule_attempt(m, after.next_attempt);
    }

    /// A licence deadline fired. The deadline may have moved on since it was scheduled (a
    /// renewal extends validity without rescheduling), in which case it is re-armed.
    pub(super) fn deadline(&mut self, m: MachineId, now: SimTime) {
        self.machines[m].deadline_event = NEVER;
        let licence = self.machines[m].licence;
        if licence.deadline > now {
            self.schedule_deadline(m, licence.deadline);
            return;
        }
        let (next, notified) = licence.at_deadline(&self.timers(m));
        if notified {
            let f = self.machines[m].fleet;
            self.probe.outcome(m, f, Code::Notification, now);
        }
        self.set_licence(m, next, now);
    }

    /// The initial grace of machine `m`'s product: the product's own wins (KMS-CLI-5).
    pub(super) fn grace(&self, m: MachineId) -> SimTime {
        let fleet = &self.model.fleets[self.machines[m].fleet];
        self.model.products[fleet.product]
            .grace
            .unwrap_or(self.policy.grace)
    }

    /// The timers machine `m` follows now (its method decides, e.g. KMS-HOST-7).
    pub(super) fn timers(&self, m: MachineId) -> Timers {
        self.methods
            .timers(self.model, &self.policy, &self.machines, m)
    }

    /// Changes a present machine's licence, keeping the counters and the deadline event.
    #[inline(always)]
    pub(super) fn set_licence(&mut self, m: MachineId, licence: Licence, now: SimTime) {
        let old = std::mem::replace(&mut self.machines[m].licence, licence);
        let f = self.machines[m].fleet;
        let (from, to) = (old.licence_end(), licence.licence_end());
        if from != to {
            self.probe.licensed_until(f, from, to);
        }
        if old.state != licence.state {
            self.probe.transition(
                m,
                f,
                LicenceState::SET,
                Some(old.state.index()),
                Some(licence.state.index()),
                now,
            );
        }
        self.schedule_deadline(m, licence.deadline);
    }

    /// Makes sure a deadline event fires no later than `deadline`.
    fn schedule_deadline(&mut self, m: MachineId, deadline: SimTime) {
        if deadline < self.machines[m].deadline_event {
            self.machines[m].deadline_event = deadline;
            self.queue.push(deadline, Event::Deadline(m));
        }
    }

    /// The machine's next attempt is at `at` (`NEVER`: none is due).
    pub(super) fn schedule_attempt(&mut self, m: MachineId, at: SimTime) {
        self.machines[m].next_attempt = at;
        if at != NEVER {
            self.queue.push(at, Event::Attempt(m));
        }
    }
}
