//! The generic discrete-event core: the event queue and counter-based random streams. It
//! knows nothing about activation; the world gives events their meaning.

pub mod queue;
pub mod random;

pub use crate::time::{NEVER, SimTime};
pub use queue::{EventQueue, Scheduler};
pub use random::Streams;
