//! Simulated time: one name (`SimTime`) for an instant or a span, in whole seconds since the
//! scenario start, and how it is written for people.
//!
//! Integer time keeps runs reproducible bit for bit: no floating-point drift can reorder
//! events between machines or program versions.

use crate::scenario::duration::Duration;

/// Seconds since the scenario start (an instant) or a span of seconds.
pub type SimTime = u64;

/// "Never": no event is pending, no deadline runs.
pub const NEVER: SimTime = SimTime::MAX;

pub const MINUTE: SimTime = 60;
pub const HOUR: SimTime = 3_600;
pub const DAY: SimTime = 86_400;

/// An instant or span as the user writes it in a scenario ("52d 3h").
pub fn human(t: SimTime) -> String {
    Duration(i64::try_from(t).unwrap_or(i64::MAX)).to_string()
}
