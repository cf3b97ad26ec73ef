//! The generic discrete-event core: simulated time, the event queue and counter-based random
//! streams. It knows nothing about activation; `world.rs` gives events their meaning.

pub mod queue;
pub mod random;

pub use queue::{EventQueue, Scheduler};
pub use random::Streams;

/// Simulated time: whole seconds since the scenario start. Integer time keeps runs
/// reproducible bit for bit (no floating-point drift in event order).
pub type SimTime = u64;

/// "Never": no event is pending.
pub const NEVER: SimTime = SimTime::MAX;
