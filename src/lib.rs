//! actsim: a deterministic simulator of software-activation networks.
//!
//! The crate is a library first; `src/main.rs` is a thin CLI over it so that integration
//! tests can run whole scenarios without spawning processes.
//!
//! ```no_run
//! let model = actsim::load("scenarios/quickstart.ron".as_ref()).unwrap();
//! let outcome = actsim::run(&model, model.seed);
//! let summary = actsim::report::summary(&model, model.seed, &outcome);
//! println!("{}", actsim::report::text(&model, &summary, false));
//! ```
//!
//! Layers, each using only those before it: `time`, `engine` (queue, random streams) and
//! `code` → `model` (the resolved scenario) → `scenario` (the file's language) → `probe`
//! (what observers receive) → `net` → `methods` (one folder per activation method) →
//! `resolve` (file to model) → `world` (the event loop) → `observe` → `report` → `sweep`,
//! `compare` → `advise` → `cli`.

// Library code never unwraps, expects or indexes without saying why: each remaining use is
// allowed where it is, with the reason (a module's ids are in range by construction, a
// write to memory cannot fail). Tests may.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod advise;
pub mod cli;
pub mod code;
pub mod compare;
pub mod engine;
pub mod error;
pub mod interrupt;
pub mod methods;
pub mod model;
pub mod net;
pub mod numbers;
pub mod observe;
pub mod probe;
pub mod report;
pub mod resolve;
pub mod scenario;
pub mod sweep;
pub mod time;
pub mod world;

pub use error::Error;
pub use model::Model;
pub use observe::Outcome;
pub use resolve::{load, parse};

/// Runs a validated scenario with `seed` (normally `model.seed`; `--seed` overrides it).
pub fn run(model: &Model, seed: u64) -> Outcome {
    let ran = world::World::new(model, seed, observe::Observer::new(model)).run(None);
    ran.probe.finish(model, model.duration, ran.events)
}
