//! `actsim sweep` and `actsim merge`: a scenario run for every combination of swept values
//! and several seeds each.
//!
//! A sweep is a fixed, ordered list of units (combination × replication). Unit `u` is
//! combination `u / R`, replication `u % R`; combinations enumerate the `--set` lists like
//! nested loops, the last `--set` fastest. Replication `k` runs with `replication_seed(seed,
//! k)` whatever the combination, so combinations see the same random luck (common random
//! numbers) and replication k of a combination is the same run in any sweep. Each unit's
//! result is its own file; the outputs are a fold of the unit results in unit order, so the
//! single-machine sweep and the merge of shards print the same bytes.

#![allow(clippy::indexing_slicing)] // indices are positions in results and statistics the sweep itself allocated, one per unit and metric

mod chart;
pub mod metrics;
pub mod path;
pub mod stats;
mod unit;
pub use unit::foreign as foreign_unit;

pub use unit::UnitResult;

use crate::Model;
use crate::error::Error;
use crate::resolve;
use metrics::Metrics;
use sha2::{Digest, Sha256};
use stats::Welford;
use std::fmt::Write;
use std::path::Path;

/// One `--set PATH=V1,V2,...`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Set {
    pub path: String,
    pub values: Vec<String>,
}

impl Set {
    /// Parses `PATH=V1,V2,...`.
    pub fn parse(text: &str) -> Result<Set, String> {
        let (path, values) = text
            .split_once('=')
            .ok_or_else(|| format!("--set {text}: expected PATH=V1,V2,..."))?;
        let values: Vec<String> = values.split(',').map(|v| v.trim().to_owned()).collect();
        if path.is_empty() || values.iter().any(String::is_empty) {
            return Err(format!(
                "--set {text}: a path and non-empty values are needed"
            ));
        }
        Ok(Set {
            path: path.trim().to_owned(),
            values,
        })
    }
}

/// What identifies a sweep: the same shape means unit `u` is the same run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shape {
    pub scenario_sha256: String,
    pub sets: Vec<Set>,
    pub replications: u64,
}

impl Shape {
    pub fn combinations(&self) -> u64 {
        self.sets.iter().map(|s| s.values.len() as u64).product()
    }

    pub fn units(&self) -> u64 {
        self.combinations() * self.replications
    }

    /// The swept values of combination `c`, in `--set` order.
    pub fn params(&self, c: u64) -> Vec<&str> {
        let mut rest = c;
        let mut out: Vec<&str> = self
            .sets
            .iter()
            .rev()
            .map(|s| {
                let n = s.values.len() as u64;
                let v = s.values[(rest % n) as usize].as_str();
                rest /= n;
                v
            })
            .collect();
        out.reverse();
        out
    }

    /// A short hash of the whole shape, written in every unit file.
    #[allow(clippy::expect_used)] // a shape is plain data with string keys: serialising it cannot fail
    pub fn id(&self) -> String {
        let text = serde_json::to_string(self).expect("a shape serialises");
        hex(&Sha256::digest(text.as_bytes()))[..16].to_owned()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The seed of replication `k`: the scenario's own seed for k = 0 (so replication 0 is the
/// plain run), then SplitMix64 of seed and k.
pub fn replication_seed(seed: u64, k: u64) -> u64 {
    if k == 0 {
        return seed;
    }
    let mut z = seed.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A sweep ready to run: its shape and one validated model per combination.
pub struct Sweep {
    pub shape: Shape,
    pub models: Vec<Model>,
}

impl Sweep {
    /// Reads the scenario once and builds the model of every combination, so a bad value
    /// is reported before anything runs.
    pub fn new(file: &Path, sets: Vec<Set>, replications: u64) -> Result<Sweep, Error> {
        let bytes = resolve::read_scenario(file)?;
        let name = file.display().to_string();
        let (source, base) = resolve::parse_schema(&name, &bytes)?;
        if replications == 0 {
            return Err(Error::Usage(
                "--replications 0: a sweep runs at least one seed per combination".into(),
            ));
        }
        for (i, set) in sets.iter().enumerate() {
            if set.path == "seed" {
                return Err(Error::Usage(
                    "--set seed=...: seeds are not swept; use --replications N (each \
                     combination runs N seeds) and the scenario's seed for the first"
                        .into(),
                ));
            }
            if sets[..i].iter().any(|s| s.path == set.path) {
                return Err(Error::Usage(format!(
                    "--set {}: this path is given twice; give all its values in one --set",
                    set.path
                )));
            }
            let mut seen: Vec<&str> = Vec::new();
            for v in &set.values {
                if seen.contains(&v.as_str()) {
                    return Err(Error::Usage(format!(
                        "--set {}: the value {v} is given twice",
                        set.path
                    )));
                }
                seen.push(v);
            }
        }
        let shape = Shape {
            scenario_sha256: hex(&Sha256::digest(&bytes)),
            sets,
            replications,
        };
        if shape.units() > 1_000_000 {
            return Err(Error::Usage(format!(
                "{} units is more than the limit of 1,000,000",
                shape.units()
            )));
        }
        let mut models = Vec::with_capacity(shape.combinations() as usize);
        for c in 0..shape.combinations() {
            let mut edited = base.clone();
            for (set, value) in shape.sets.iter().zip(shape.params(c)) {
                edited = path::apply(&edited, &set.path, value).map_err(Error::Usage)?;
            }
            models.push(
                resolve::validate(&name, source, edited).map_err(|e| match e {
                    Error::Scenario {
                        file,
                        line,
                        column,
                        message,
                    } => Error::Scenario {
                        file,
                        line,
                        column,
                        message: format!("with {}: {message}", describe(&shape, c)),
                    },
                    other => other,
                })?,
            );
        }
        Ok(Sweep { shape, models })
    }

    /// Runs unit `u`.
    pub fn run_unit(&self, u: u64) -> UnitResult {
        let r = self.shape.replications;
        let (c, k) = (u / r, u % r);
        let model = &self.models[c as usize];
        let seed = replication_seed(model.seed, k);
        let outcome = crate::run(model, seed);
        UnitResult {
            unit: u,
            seed,
            metrics: metrics::of(model, &outcome),
            expectations: outcome.expectations.clone(),
        }
    }
}

impl Sweep {
    /// Runs `units` (skipping those `dir` already holds complete) on `threads` threads,
    /// writing each result as it completes. Returns how many ran and how many were kept.
    pub fn run_units(
        &self,
        dir: &Path,
        units: &[u64],
        threads: usize,
        progress: &indicatif::ProgressBar,
    ) -> Result<(usize, usize), Error> {
        use rayon::prelude::*;
        let todo: Vec<u64> = units
            .iter()
            .copied()
            .filter(|&u| unit::read_complete(dir, &self.shape, u).is_none())
            .collect();
        progress.set_length(todo.len() as u64);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build()
            .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))?;
        // Results are written per unit (order does not matter for files); errors are
        // collected in unit order, so the first reported is always the same one.
        let written: Vec<Result<(), Error>> = pool.install(|| {
            todo.par_iter()
                .map(|&u| {
                    // Ctrl-C: units not started are skipped, a unit cut short is not
                    // written; those finished stay, and the sweep resumes from them.
                    if crate::interrupt::requested() {
                        return Err(Error::Interrupted);
                    }
                    let result = self.run_unit(u);
                    if crate::interrupt::requested() {
                        return Err(Error::Interrupted);
                    }
                    let r = unit::write(dir, &self.shape, &result);
                    progress.inc(1);
                    r
                })
                .collect()
        });
        progress.finish_and_clear();
        written.into_iter().collect::<Result<Vec<()>, Error>>()?;
        Ok((todo.len(), units.len() - todo.len()))
    }
}

/// Reads every unit of `dirs` and writes the sweep's outputs into `out` (`actsim merge`, and
/// the end of a whole sweep); returns the shape and the units, in unit order.
pub fn merge(dirs: &[std::path::PathBuf], out: &Path) -> Result<(Shape, Vec<UnitResult>), Error> {
    let (shape, units) = unit::read_all(dirs)?;
    let files = outputs(&shape, &units).map_err(|message| Error::Data {
        path: out.to_owned(),
        message,
    })?;
    crate::report::write_atomically(out, &files)?;
    Ok((shape, units))
}

/// "fleets.pcs.count=25, policy.renewal_interval=1d".
pub fn describe(shape: &Shape, c: u64) -> String {
    shape
        .sets
        .iter()
        .zip(shape.params(c))
        .map(|(s, v)| format!("{}={v}", s.path))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which units a shard runs: every `n`-th unit starting at `i - 1` (1-based `i`), so each
/// shard gets a share of every part of the sweep.
pub fn shard_units(units: u64, (i, n): (u64, u64)) -> impl Iterator<Item = u64> {
    (i - 1..units).step_by(n as usize)
}

fn cell(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

/// `runs.csv`, `summary.csv` and the sweep chart from every unit's result, in unit order.
pub fn outputs(
    shape: &Shape,
    units: &[UnitResult],
) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let names = metric_names(units);
    let mut align = Aligner::new(&names);
    let paths: Vec<&str> = shape.sets.iter().map(|s| s.path.as_str()).collect();

    let mut runs = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["unit", "combination", "replication", "seed"];
    header.extend(&paths);
    header.extend(&names);
    runs.write_record(&header).map_err(|e| e.to_string())?;
    for u in units {
        let c = u.unit / shape.replications;
        let mut row = vec![
            u.unit.to_string(),
            c.to_string(),
            (u.unit % shape.replications).to_string(),
            u.seed.to_string(),
        ];
        row.extend(shape.params(c).iter().map(|v| v.to_string()));
        row.extend(align.row(u).into_iter().map(cell));
        runs.write_record(&row).map_err(|e| e.to_string())?;
    }

    let stats = fold(shape, units, &mut align);
    let mut summary = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["combination"];
    header.extend(&paths);
    header.extend([
        "metric",
        "n",
        "missing",
        "mean",
        "sd",
        "ci95_low",
        "ci95_high",
        "min",
        "max",
    ]);
    summary.write_record(&header).map_err(|e| e.to_string())?;
    for (c, per_metric) in stats.iter().enumerate() {
        for (name, w) in names.iter().zip(per_metric) {
            let mut row = vec![c.to_string()];
            row.extend(shape.params(c as u64).iter().map(|v| v.to_string()));
            row.push(name.to_string());
            row.push(w.n.to_string());
            row.push(w.missing.to_string());
            row.push(cell(w.mean()));
            row.push(cell(w.sd()));
            let ci = w.ci95();
            row.push(cell(ci.map(|c| c.0)));
            row.push(cell(ci.map(|c| c.1)));
            row.push(cell((w.n > 0).then_some(w.min)));
            row.push(cell((w.n > 0).then_some(w.max)));
            summary.write_record(&row).map_err(|e| e.to_string())?;
        }
    }

    let mut files = vec![
        ("runs.csv", runs.into_inner().map_err(|e| e.to_string())?),
        (
            "summary.csv",
            summary.into_inner().map_err(|e| e.to_string())?,
        ),
    ];
    if !shape.sets.is_empty() {
        let drawn = crate::report::chart::render(&chart::SweepChart::new(shape, &names, &stats))?;
        files.push(("sweep.svg", drawn.svg.into_bytes()));
        files.push(("sweep.png", drawn.png));
    }
    Ok(files)
}

/// The JUnit report of a sweep (`--junit`): one suite per combination, named by its values;
/// one case per expectation, failed if it failed in any replication (with how many, and the
/// time and value of each failure); the swept values and every metric's mean over the
/// replications as properties.
pub fn junit(shape: &Shape, units: &[UnitResult]) -> Vec<u8> {
    use crate::report::junit::{Case, Failure, Suite, xml};
    let names = metric_names(units);
    let mut align = Aligner::new(&names);
    let stats = fold(shape, units, &mut align);
    let r = shape.replications as usize;
    // Units come complete and in unit order: combination c is the c-th run of R units.
    let suites = stats
        .iter()
        .zip(units.chunks(r.max(1)))
        .enumerate()
        .map(|(c, (per_metric, runs))| {
            let expectations = runs.first().map_or(&[][..], |u| &u.expectations[..]);
            // Unique per combination (readers group cases by classname), without the dots
            // Jenkins would read as packages.
            let classname = if shape.sets.is_empty() {
                "sweep".to_owned()
            } else {
                format!("sweep {}", describe(shape, c as u64)).replace('.', "_")
            };
            let cases = expectations
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let failed: Vec<(&UnitResult, &crate::observe::expect::ExpectResult)> = runs
                        .iter()
                        .filter_map(|u| u.expectations.get(i).map(|x| (u, x)))
                        .filter(|(_, x)| !x.held)
                        .collect();
                    let failure = failed.first().map(|(u, x)| {
                        let replication = |u: &UnitResult| u.unit % shape.replications;
                        let mut text = format!(
                            "line {}: {}: failed in {} of {r} replications",
                            e.line,
                            e.expect,
                            failed.len()
                        );
                        for (u, x) in &failed {
                            let _ = write!(
                                text,
                                "\nreplication {} (seed {}): {}",
                                replication(u),
                                u.seed,
                                x.detail
                            );
                        }
                        Failure {
                            message: format!(
                                "failed in {} of {r} replications; replication {} (seed {}): {}",
                                failed.len(),
                                replication(u),
                                u.seed,
                                x.detail
                            ),
                            kind: "expectation",
                            text,
                        }
                    });
                    Case {
                        name: e.expect.clone(),
                        classname: classname.clone(),
                        failure,
                    }
                })
                .collect();
            let mut properties: Vec<(String, String)> = shape
                .sets
                .iter()
                .zip(shape.params(c as u64))
                .map(|(set, v)| (format!("set {}", set.path), v.to_owned()))
                .collect();
            properties.push(("replications".into(), r.to_string()));
            for (name, w) in names.iter().zip(per_metric) {
                let mean = w.mean().map_or_else(String::new, crate::numbers::decimal);
                properties.push((format!("{name}.mean"), mean));
            }
            let name = if shape.sets.is_empty() {
                "the scenario as it is".to_owned()
            } else {
                describe(shape, c as u64)
            };
            Suite {
                name,
                properties,
                cases,
                ..Suite::default()
            }
        })
        .collect::<Vec<_>>();
    xml("actsim sweep", &suites)
}

/// Per combination, per metric: the values of its replications folded in order.
fn fold(shape: &Shape, units: &[UnitResult], align: &mut Aligner) -> Vec<Vec<Welford>> {
    let mut stats =
        vec![vec![Welford::default(); align.names.len()]; shape.combinations() as usize];
    for u in units {
        let c = (u.unit / shape.replications) as usize;
        for (w, v) in stats[c].iter_mut().zip(align.row(u)) {
            w.add(v);
        }
    }
    stats
}

/// Every metric name of the units, in order. Units of one sweep report the same metrics,
/// except where a `--set` keeps or drops named items (`kms_hosts=kms1,kms1+kms2`): a name
/// first seen in a later unit goes right after the name it follows there, so
/// `host.kms2.*` comes after `host.kms1.*`. Each distinct list of names is looked at once.
fn metric_names(units: &[UnitResult]) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    let mut known: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut previous: Option<&Metrics> = None;
    for u in units {
        if previous.is_some_and(|p| same_names(p, &u.metrics)) {
            continue;
        }
        previous = Some(&u.metrics);
        if u.metrics.iter().all(|(n, _)| known.contains(n.as_str())) {
            continue;
        }
        let mut after: Option<usize> = None;
        for (n, _) in &u.metrics {
            match names.iter().position(|x| x == n) {
                Some(i) => after = Some(i),
                None => {
                    let at = after.map_or(0, |i| i + 1);
                    names.insert(at, n);
                    known.insert(n);
                    after = Some(at);
                }
            }
        }
    }
    names
}

fn same_names(a: &Metrics, b: &Metrics) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|((x, _), (y, _))| x == y)
}

/// A unit's values in the order of the sweep's metric names (`None` for a metric the unit
/// does not report), with the mapping kept from one unit to the next.
struct Aligner<'n> {
    names: &'n [&'n str],
    /// The names of the last unit aligned, and where each of `names` is among them.
    layout: Vec<String>,
    map: Vec<Option<usize>>,
}

impl<'n> Aligner<'n> {
    fn new(names: &'n [&'n str]) -> Self {
        Aligner {
            names,
            layout: Vec::new(),
            map: Vec::new(),
        }
    }

    fn row(&mut self, u: &UnitResult) -> Vec<Option<f64>> {
        let same = self.layout.len() == u.metrics.len()
            && self.layout.iter().zip(&u.metrics).all(|(a, (b, _))| a == b);
        if !same {
            self.layout = u.metrics.iter().map(|(n, _)| n.clone()).collect();
            let at: std::collections::HashMap<&str, usize> = self
                .layout
                .iter()
                .enumerate()
                .map(|(i, n)| (n.as_str(), i))
                .collect();
            self.map = self.names.iter().map(|n| at.get(n).copied()).collect();
        }
        self.map
            .iter()
            .map(|i| i.and_then(|i| u.metrics[i].1))
            .collect()
    }
}

/// Reads the value of a metric by name from a run's metrics.
pub fn metric(metrics: &Metrics, name: &str) -> Option<Option<f64>> {
    metrics.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(u: u64, names: &[&str]) -> UnitResult {
        UnitResult {
            unit: u,
            seed: 0,
            metrics: names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), Some(i as f64)))
                .collect(),
            expectations: Vec::new(),
        }
    }

    #[test]
    fn metrics_of_items_some_units_lack_go_after_the_ones_they_follow() {
        let units = [
            unit(0, &["requests", "host.a.requests", "outcome.activated"]),
            unit(1, &["requests", "host.a.requests", "outcome.activated"]),
            unit(
                2,
                &[
                    "requests",
                    "host.a.requests",
                    "host.b.requests",
                    "outcome.activated",
                ],
            ),
            unit(3, &["requests", "host.b.requests", "outcome.activated"]),
        ];
        let names = metric_names(&units);
        assert_eq!(
            names,
            [
                "requests",
                "host.a.requests",
                "host.b.requests",
                "outcome.activated"
            ]
        );
        let mut align = Aligner::new(&names);
        assert_eq!(
            align.row(&units[0]),
            [Some(0.0), Some(1.0), None, Some(2.0)]
        );
        assert_eq!(
            align.row(&units[3]),
            [Some(0.0), None, Some(1.0), Some(2.0)]
        );
        assert_eq!(
            align.row(&units[2]),
            [Some(0.0), Some(1.0), Some(2.0), Some(3.0)]
        );
    }
}
