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
//! Layers, each using only those before it: `time`, `engine` (queue, random streams),
//! `progress` (how far a run has got) and `code` → `model` (the resolved scenario) →
//! `scenario` (the file's language) → `probe` (what observers receive) → `net` → `methods`
//! (one folder per activation method) → `resolve` (file to model) → `world` (the event loop)
//! → `observe` → `report` → `sweep`, `compare` → `advise` (activation methods advised and
//! proved by simulation) → `eventlog` (event logs read and written) →
//! `import` (from logs and inventories) → `cli`.

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
pub mod eventlog;
pub mod import;
pub mod interrupt;
pub mod methods;
pub mod model;
pub mod net;
pub mod numbers;
pub mod observe;
pub mod probe;
pub mod progress;
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

/// Runs a validated scenario and keeps every KMS request for its event logs
/// (`actsim run --event-log`), reporting how far it has got to `progress` if given (as
/// `run_watched`); the outcome is the same as `run`'s.
pub fn run_with_event_log<'m>(
    model: &'m Model,
    seed: u64,
    progress: Option<&'m progress::Progress>,
) -> (Outcome, eventlog::write::EventLog) {
    let probe = (
        observe::Observer::new(model),
        eventlog::write::EventLog::default(),
    );
    let world = world::World::new(model, seed, probe);
    let world = match progress {
        Some(p) => world.watched(p),
        None => world,
    };
    let ran = world.run(None);
    let (observer, log) = ran.probe;
    (observer.finish(model, model.duration, ran.events), log)
}

/// Runs a validated scenario with `seed` (normally `model.seed`; `--seed` overrides it).
pub fn run(model: &Model, seed: u64) -> Outcome {
    let ran = world::World::new(model, seed, observe::Observer::new(model)).run(None);
    ran.probe.finish(model, model.duration, ran.events)
}

/// `run`, reporting how far it has got to `progress` (for a progress bar); the outcome is
/// the same.
pub fn run_watched(model: &Model, seed: u64, progress: &progress::Progress) -> Outcome {
    let ran = world::World::new(model, seed, observe::Observer::new(model))
        .watched(progress)
        .run(None);
    ran.probe.finish(model, model.duration, ran.events)
}
