//! How far a run has got, for the progress bar of `actsim run` on long runs.
//!
//! The event loop already stops every 1,024 events to look for Ctrl-C (interrupt.rs); a
//! watched run also stores its simulated time and event count there, with two relaxed
//! stores. Nothing else is added per event, and the run reads nothing back, so watching can
//! neither slow a run measurably nor change what it computes.

use crate::time::SimTime;
use std::sync::atomic::{AtomicU64, Ordering};

/// The last checkpoint of a watched run.
#[derive(Debug, Default)]
pub struct Progress {
    now: AtomicU64,
    events: AtomicU64,
}

impl Progress {
    /// Called by the event loop every 1,024 events.
    pub fn set(&self, now: SimTime, events: u64) {
        self.now.store(now, Ordering::Relaxed);
        self.events.store(events, Ordering::Relaxed);
    }

    /// The simulated time and events handled at the last checkpoint.
    pub fn get(&self) -> (SimTime, u64) {
        (
            self.now.load(Ordering::Relaxed),
            self.events.load(Ordering::Relaxed),
        )
    }
}
