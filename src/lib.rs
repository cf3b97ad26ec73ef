//! actsim: a deterministic simulator of software-activation networks.
//!
//! The crate is a library first; `src/main.rs` is a thin CLI over it so that integration
//! tests can run whole scenarios without spawning processes.

pub mod code;
pub mod engine;
pub mod error;
pub mod kms;
pub mod scenario;
