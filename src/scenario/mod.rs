//! The scenario language: the RON schema (`schema.rs`), durations, and the tools validation
//! uses to point at the text (`locate.rs`, `check.rs`). Turning a parsed file into a `Model`
//! is `resolve`'s job.

pub(crate) mod check;
pub mod duration;
pub(crate) mod locate;
pub mod messages;
pub(crate) mod scan;
pub mod schema;
