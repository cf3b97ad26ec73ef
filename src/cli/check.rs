//! `actsim check FILE...`: one line per valid file on stdout, each error once on stderr,
//! then a summary line; exit 65 if any scenario is invalid, else 74 if any could not be read.

use super::Exit;
use crate::error::Error;
use crate::scenario::duration::Duration;
use std::path::PathBuf;

pub fn check(files: &[PathBuf]) -> Exit {
    let mut worst: Option<Error> = None;
    let mut bad = 0;
    for file in files {
        // What `actsim run` would accept: valid, and within the work budget.
        match super::load(file, false) {
            Ok(model) => {
                let machines: u64 = model.fleets.iter().map(|f| f.count).sum();
                let plural = |n: usize, one: &str, many: &str| {
                    format!("{n} {}", if n == 1 { one } else { many })
                };
                println!(
                    "{}: ok ({}, {} machines, {}, {})",
                    file.display(),
                    plural(model.fleets.len(), "fleet", "fleets"),
                    crate::numbers::thousands(machines),
                    plural(model.kms.hosts.len(), "KMS host", "KMS hosts"),
                    Duration(model.duration as i64)
                );
            }
            Err(e) => {
                eprintln!("{e}");
                super::github::annotate_error(&e);
                bad += 1;
                if worst.as_ref().is_none_or(|w| e.exit_code() < w.exit_code()) {
                    worst = Some(e);
                }
            }
        }
    }
    if files.len() > 1 || bad > 0 {
        eprintln!(
            "{} checked: {} valid, {bad} with errors",
            files.len(),
            files.len() - bad
        );
    }
    // Each error is printed above: the exit code only.
    worst.map_or(Exit::Success, |e| Exit::Reported(e.exit_code()))
}
