//! Activation methods, one folder each, behind one seam: the `Method` enum of the model and
//! the dispatch in this file. The world owns the queue, the machines' licences, the network
//! and the timeline; for everything that depends on how a machine activates, it calls here.
//!
//! A new method is a folder (its validation, pure rules, server state, statistics), a
//! variant of `model::Method` (and of `schema::Activation` for the file format), and an arm
//! in each `match` below.

pub mod kms;
pub mod licence;
pub mod machines;

use crate::code::Code;
use crate::engine::Streams;
use crate::model::{MachineId, Method, Model, PolicyModel};
use crate::net::topology::Topology;
use crate::probe::Probe;
use crate::time::SimTime;
use licence::Timers;
use machines::Machines;

/// What a method's code may use besides its own state: the world's shared parts, borrowed
/// for one call.
pub(crate) struct Env<'a, P> {
    pub model: &'a Model,
    pub policy: &'a PolicyModel,
    pub topology: &'a Topology,
    pub machines: &'a mut Machines,
    pub streams: &'a mut Streams,
    pub probe: &'a mut P,
}

/// The servers of every method during a run.
#[derive(Debug)]
pub(crate) struct Methods {
    pub kms: kms::Kms,
}

impl Methods {
    pub fn new(model: &Model, topology: &Topology) -> Self {
        Methods {
            kms: kms::Kms::new(model, topology),
        }
    }

    /// One activation attempt of machine `m` by its fleet's method: None if it succeeded,
    /// else the code it failed with.
    pub fn attempt<P: Probe>(
        &mut self,
        env: &mut Env<'_, P>,
        m: MachineId,
        now: SimTime,
    ) -> Option<Code> {
        match env.model.fleets[env.machines[m].fleet].method {
            Method::Kms(k) => self.kms.exchange(env, m, k, now),
        }
    }

    /// The timers machine `m` follows now.
    pub fn timers(
        &self,
        model: &Model,
        policy: &PolicyModel,
        machines: &Machines,
        m: MachineId,
    ) -> Timers {
        match model.fleets[machines[m].fleet].method {
            Method::Kms(_) => kms::Kms::timers(model, policy, machines, m),
        }
    }

    /// A machine that starts `Activated` renewed last at `renewed_at` (before the start):
    /// its method's servers may remember it.
    pub fn place_at_start<P>(&mut self, env: &mut Env<'_, P>, m: MachineId, renewed_at: i64) {
        match env.model.fleets[env.machines[m].fleet].method {
            Method::Kms(k) => self.kms.place_at_start(env, m, k, renewed_at),
        }
    }
}
