//! actsim: a deterministic simulator of software-activation networks.
//!
//! The crate is a library first; `src/main.rs` is a thin CLI over it so that integration
//! tests can run whole scenarios without spawning processes.
//!
//! ```no_run
//! let model = actsim::scenario::load("scenarios/quickstart.ron".as_ref()).unwrap();
//! let outcome = actsim::run(&model, model.seed);
//! println!("{}", actsim::report::text(&model, model.seed, &outcome, false));
//! ```

pub mod cli;
pub mod code;
pub mod compare;
pub mod engine;
pub mod error;
pub mod kms;
pub mod net;
pub mod observe;
pub mod report;
pub mod scenario;
pub mod sweep;
pub mod world;

pub use error::Error;
pub use observe::Outcome;
pub use scenario::Model;

/// Runs a validated scenario with `seed` (normally `model.seed`; `--seed` overrides it).
pub fn run(model: &Model, seed: u64) -> Outcome {
    world::World::new(model, seed).run()
}
