//! Reports of one run: `summary.json`, the CSV files and the human summary, and writing
//! them atomically.

mod files;
mod series;
mod summary;
mod text;

pub use files::write_atomically;
pub use series::{attempts_csv, hosts_csv, timeseries_csv};
pub use summary::summary;
pub use text::text;

use crate::engine::SimTime;
use crate::error::Error;
use crate::observe::Outcome;
use crate::scenario::Model;
use std::path::Path;

/// Writes every output file of `run --out DIR` (outputs.md), all or nothing.
pub fn write_run(dir: &Path, model: &Model, seed: u64, outcome: &Outcome) -> Result<(), Error> {
    let mut json = serde_json::to_vec_pretty(&summary(model, seed, outcome))
        .expect("a JSON value always serialises");
    json.push(b'\n');
    write_atomically(
        dir,
        &[
            ("summary.json", json),
            ("timeseries.csv", timeseries_csv(model, outcome)),
            ("hosts.csv", hosts_csv(model, outcome)),
            ("attempts.csv", attempts_csv(outcome)),
        ],
    )
}

/// A time as a day number for tables: whole days plainly, others with four decimals.
pub fn day(t: SimTime) -> String {
    if t % 86_400 == 0 {
        (t / 86_400).to_string()
    } else {
        format!("{:.4}", t as f64 / 86_400.0)
    }
}
