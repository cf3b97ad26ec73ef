//! Ctrl-C: a long run or sweep stops at the next check and the command exits 130 without
//! writing anything (a sweep keeps the units it finished: it resumes from them).
//!
//! The handler only sets a flag; the event loop reads it once every 1,024 events (a relaxed
//! load: nothing measurable), often enough that even a run whose events are slow (an
//! online schedule of one-second periods) stops within a second.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler (once per process; the CLI calls it).
pub fn install() {
    // Failing to install (a handler already set, no signal support) only loses Ctrl-C's
    // clean stop: the default action still stops the process, and nothing is half-written
    // because outputs are written atomically.
    let _ = ctrlc::set_handler(|| REQUESTED.store(true, Ordering::Relaxed));
}

/// Whether Ctrl-C was pressed.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Asks every run under way to stop, as Ctrl-C does (tests use it).
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}
