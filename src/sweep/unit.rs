//! One unit's result file (`units/u000042.json`): a manifest (actsim version, scenario hash,
//! sweep shape, unit, seed) and the unit's metrics. Written to a temporary name and renamed,
//! so a unit file is either complete or absent; a rerun keeps complete units of the same
//! sweep and version, which makes retries and resumes idempotent.

#![allow(clippy::indexing_slicing)] // indices are positions in results and statistics the sweep itself allocated, one per unit and metric

use super::Shape;
use super::metrics::Metrics;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    pub unit: u64,
    pub seed: u64,
    pub metrics: Metrics,
    /// The scenario's expectations in this run, for the sweep's JUnit report.
    #[serde(default)]
    pub expectations: Vec<crate::observe::expect::ExpectResult>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    actsim: String,
    sweep_id: String,
    shape: Shape,
    units: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct UnitFile {
    manifest: Manifest,
    result: UnitResult,
}

pub const UNITS_DIR: &str = "units";

fn name(u: u64) -> String {
    format!("u{u:07}.json")
}

pub fn path(dir: &Path, u: u64) -> PathBuf {
    dir.join(UNITS_DIR).join(name(u))
}

/// Writes unit `result` of the sweep `shape` into `dir/units/`, atomically.
#[allow(clippy::expect_used)] // a unit file is plain data with string keys: serialising it cannot fail
pub fn write(dir: &Path, shape: &Shape, result: &UnitResult) -> Result<(), Error> {
    let file = UnitFile {
        manifest: Manifest {
            actsim: env!("CARGO_PKG_VERSION").to_owned(),
            sweep_id: shape.id(),
            shape: shape.clone(),
            units: shape.units(),
        },
        result: result.clone(),
    };
    let mut bytes = serde_json::to_vec(&file).expect("a unit file serialises");
    bytes.push(b'\n');
    crate::report::write_atomically(&dir.join(UNITS_DIR), &[(&name(result.unit), bytes)])?;
    // The sweep's directory is actsim's from its first unit on, so that the other shards of
    // the sweep (which find it not empty) may write into it too.
    let marker = dir.join(crate::report::MARKER);
    if !marker.exists() {
        std::fs::write(&marker, b"written by actsim\n").map_err(|e| Error::io(&marker, e))?;
    }
    Ok(())
}

/// A unit file in `dir/units/` that belongs to another sweep (another scenario, `--set` or
/// `--replications`) or another actsim version, if any: a sweep refuses such a directory
/// before running anything.
pub fn foreign(dir: &Path, shape: &Shape) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir.join(UNITS_DIR)).ok()?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths.into_iter().find(|p| {
        let file = std::fs::read(p)
            .ok()
            .and_then(|b| serde_json::from_slice::<UnitFile>(&b).ok());
        file.is_none_or(|f| {
            f.manifest.sweep_id != shape.id() || f.manifest.actsim != env!("CARGO_PKG_VERSION")
        })
    })
}

/// The result of unit `u` if `dir` holds a complete one for this sweep and actsim version.
pub fn read_complete(dir: &Path, shape: &Shape, u: u64) -> Option<UnitResult> {
    let bytes = std::fs::read(path(dir, u)).ok()?;
    let file: UnitFile = serde_json::from_slice(&bytes).ok()?;
    let same = file.manifest.sweep_id == shape.id()
        && file.manifest.actsim == env!("CARGO_PKG_VERSION")
        && file.result.unit == u;
    same.then_some(file.result)
}

/// Every unit file under the `units/` folders of `dirs`: the sweep's shape (all files must
/// agree on it) and the results in unit order. A missing unit is an error naming how many
/// and the first of them.
pub fn read_all(dirs: &[PathBuf]) -> Result<(Shape, Vec<UnitResult>), Error> {
    let mut shape: Option<(Shape, PathBuf)> = None;
    let mut results: Vec<Option<UnitResult>> = Vec::new();
    for dir in dirs {
        let units = dir.join(UNITS_DIR);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&units)
            .map_err(|e| Error::io(&units, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        entries.sort();
        for p in entries {
            let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
            // Not one complete sweep: incomplete input (66), not an invalid scenario.
            let bad = |message: String| Error::Incomplete {
                path: p.clone(),
                message,
            };
            let file: UnitFile =
                serde_json::from_slice(&bytes).map_err(|e| bad(format!("not a unit file: {e}")))?;
            match &shape {
                None => {
                    results = vec![None; file.manifest.units as usize];
                    shape = Some((file.manifest.shape.clone(), p.clone()));
                }
                Some((s, first)) if *s != file.manifest.shape => {
                    return Err(bad(format!(
                        "belongs to another sweep than {} (different scenario, --set or --replications)",
                        first.display()
                    )));
                }
                Some(_) => {}
            }
            if file.manifest.actsim != env!("CARGO_PKG_VERSION") {
                return Err(bad(format!(
                    "written by actsim {}, not by this actsim {}: results of two versions \
                     may differ, so they are not merged; rerun that shard",
                    file.manifest.actsim,
                    env!("CARGO_PKG_VERSION")
                )));
            }
            let u = file.result.unit as usize;
            if u >= results.len() {
                return Err(bad(format!("unit {u} is outside the sweep")));
            }
            results[u] = Some(file.result);
        }
    }
    let Some((shape, _)) = shape else {
        return Err(Error::Incomplete {
            path: dirs.first().cloned().unwrap_or_default(),
            message: "no unit files found (run `actsim sweep ... --out DIR` first)".into(),
        });
    };
    let missing: Vec<usize> = (0..results.len())
        .filter(|&u| results[u].is_none())
        .collect();
    if let Some(first) = missing.first() {
        return Err(Error::Incomplete {
            path: dirs[0].clone(),
            message: format!(
                "{} of {} units are missing (the first is unit {first}): run the missing shards, then merge",
                missing.len(),
                results.len()
            ),
        });
    }
    Ok((shape, results.into_iter().flatten().collect()))
}
