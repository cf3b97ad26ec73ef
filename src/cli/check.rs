//! `actsim check FILE...`: one line per file; exit 65 if any scenario is invalid, else 74 if
//! any could not be read.

use super::Exit;
use crate::error::Error;
use crate::scenario::duration::Duration;
use std::path::PathBuf;

pub fn check(files: &[PathBuf]) -> Exit {
    let mut worst: Option<Error> = None;
    for file in files {
        match crate::load(file) {
            Ok(model) => {
                let machines: u64 = model.fleets.iter().map(|f| f.count).sum();
                println!(
                    "{}: ok ({} fleets, {machines} machines, {} KMS hosts, {})",
                    file.display(),
                    model.fleets.len(),
                    model.kms.hosts.len(),
                    Duration(model.duration as i64)
                );
            }
            Err(e) => {
                println!("{e}");
                if worst.as_ref().is_none_or(|w| e.exit_code() < w.exit_code()) {
                    worst = Some(e);
                }
            }
        }
    }
    worst.map_or(Exit::Success, Exit::Error)
}
