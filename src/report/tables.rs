//! The time series of a run as the charts and the HTML report read them: parsed back from the
//! CSV files a run writes. Both `run --out` and `actsim chart DIR` render from these bytes, so
//! a re-render from the files is byte-identical to the original.

#![allow(clippy::indexing_slicing)] // indices are positions in series and tables built by the same run (equal lengths; files read back are checked by RunTables::parse and check)

use crate::code::Code;
use crate::engine::SimTime;
use crate::model::{Model, StateSet};
use crate::observe::{MAX_COLUMNS, Population};

/// One host and pool at one sample (a row of `hosts.csv`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolSample {
    /// None while the host does not exist.
    pub count: Option<u64>,
    pub requests: u64,
    pub failures: u64,
}

/// A fleet's name and, per sample, its counts in column order (states, then offline).
pub type FleetRows = (String, Vec<[u64; MAX_COLUMNS]>);

/// A licence key's name, its device limit, and per sample (active on, reserve on).
pub type KeyRows = (String, u64, Vec<(u64, u64)>);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunTables {
    /// Grid sample instants.
    pub times: Vec<SimTime>,
    /// Fleets counted in Windows licence states, in file order.
    pub fleets: Vec<FleetRows>,
    /// Fleets counted in Kaspersky key states (`ksc_timeseries.csv`).
    pub ksc_fleets: Vec<FleetRows>,
    /// Kaspersky licence keys: name, device limit, and per sample (active on, reserve on).
    pub ksc_keys: Vec<KeyRows>,
    /// `[host][pool][sample]`, pools in `Pool::ALL` order.
    pub hosts: Vec<[Vec<PoolSample>; 2]>,
    /// `[sample]`: outcomes by code since the previous sample, in `Code::ALL` order.
    pub attempts: Vec<[u64; Code::COUNT]>,
    /// `[key][sample]`: MAK activations left.
    pub mak_remaining: Vec<Vec<u64>>,
    /// Per fleet of `fleets`, in the same order: per sample, outcomes by code since the
    /// previous sample (`attempts_by_fleet.csv`).
    pub fleet_attempts: Vec<Vec<[u64; Code::COUNT]>>,
    /// Per fleet of `fleets`, in the same order: per sample, the machines at risk
    /// (`risk.csv`).
    pub risk: Vec<Vec<u64>>,
}

/// What is wrong with a CSV file, for `actsim chart DIR` on edited or foreign files.
pub type TableError = String;

/// The CSV files of a run, as bytes (empty for a file the scenario does not write).
#[derive(Debug, Clone, Copy, Default)]
pub struct Files<'a> {
    pub timeseries: &'a [u8],
    pub hosts: &'a [u8],
    pub attempts: &'a [u8],
    pub attempts_by_fleet: &'a [u8],
    pub risk: &'a [u8],
    pub mak_keys: &'a [u8],
    pub ksc_timeseries: &'a [u8],
    pub ksc_keys: &'a [u8],
}

/// The rows of one family's time series (`timeseries.csv` or `ksc_timeseries.csv`): its
/// populations in order, each with its counts per sample.
fn populations(
    model: &Model,
    name: &str,
    bytes: &[u8],
    set: StateSet,
    times: &[SimTime],
) -> Result<Vec<FleetRows>, TableError> {
    let mut out: Vec<FleetRows> = Population::of(model)
        .into_iter()
        .filter(|p| p.set == set)
        .map(|p| (model.fleets[p.fleet].name.clone(), Vec::new()))
        .collect();
    let rows = records(name, bytes)?;
    let expected: Vec<&str> = ["time_s", "day", "fleet"]
        .into_iter()
        .chain(set.columns())
        .collect();
    if rows[0].iter().collect::<Vec<_>>() != expected {
        return Err(format!("{name}: the header is not {}", expected.join(",")));
    }
    for (i, r) in rows.iter().enumerate().skip(1) {
        let fleet = out
            .iter()
            .position(|(f, _)| Some(f.as_str()) == r.get(2))
            .ok_or_else(|| format!("{name}: row {i}: unknown fleet"))?;
        at_sample(name, i, r, times, out[fleet].1.len())?;
        let mut counts = [0; MAX_COLUMNS];
        for (c, count) in counts.iter_mut().enumerate().take(set.columns().count()) {
            *count = number(name, i, r.get(3 + c))?;
        }
        out[fleet].1.push(counts);
    }
    Ok(out)
}

/// Where each code's column is in a header (`Code::ALL` order; None when not reported).
fn code_columns(header: &csv::StringRecord) -> Vec<Option<usize>> {
    Code::ALL
        .iter()
        .map(|c| header.iter().position(|h| h == c.as_str()))
        .collect()
}

/// A row's outcomes by code, from the columns `code_columns` found.
fn codes(
    name: &str,
    row: usize,
    r: &csv::StringRecord,
    columns: &[Option<usize>],
) -> Result<[u64; Code::COUNT], TableError> {
    let mut counts = [0; Code::COUNT];
    for (count, column) in counts.iter_mut().zip(columns) {
        if let Some(c) = column {
            *count = number(name, row, r.get(*c))?;
        }
    }
    Ok(counts)
}

fn records(name: &str, bytes: &[u8]) -> Result<Vec<csv::StringRecord>, TableError> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| format!("{name}: {e}"))?
        .clone();
    let mut rows = vec![header];
    for r in reader.records() {
        rows.push(r.map_err(|e| format!("{name}: {e}"))?);
    }
    Ok(rows)
}

/// Checks that row `row` of file `name`, the `k`-th sample of its fleet, host or key, is
/// at that sample's time (`times`, from `attempts.csv`): rows of a file edited by hand that
/// were reordered, or whose times were changed, are refused rather than drawn at the wrong
/// place.
fn at_sample(
    name: &str,
    row: usize,
    r: &csv::StringRecord,
    times: &[SimTime],
    k: usize,
) -> Result<(), TableError> {
    let t = number(name, row, r.get(0))?;
    match times.get(k) {
        Some(&expected) if expected == t => Ok(()),
        Some(&expected) => Err(format!(
            "{name}: row {row}: time_s is {t}, but this sample is at {expected}"
        )),
        None => Err(format!(
            "{name}: row {row}: more samples than attempts.csv has"
        )),
    }
}

fn number(name: &str, row: usize, field: Option<&str>) -> Result<u64, TableError> {
    field
        .and_then(|f| f.parse().ok())
        .ok_or_else(|| format!("{name}: row {row}: a field is missing or not a number"))
}

impl RunTables {
    /// Parses the CSV files of a run of `model` (`mak_keys.csv`, `ksc_timeseries.csv` and
    /// `ksc_keys.csv` are empty when the scenario has no MAK key or Kaspersky fleet).
    pub fn parse(model: &Model, files: &Files<'_>) -> Result<Self, TableError> {
        let mut t = RunTables {
            hosts: vec![[Vec::new(), Vec::new()]; model.kms.hosts.len()],
            mak_remaining: vec![Vec::new(); model.mak_keys.len()],
            ..RunTables::default()
        };
        // The sample times, which every other file's rows must follow.
        let name = "attempts.csv";
        let rows = records(name, files.attempts)?;
        let columns = code_columns(&rows[0]);
        for (i, r) in rows.iter().enumerate().skip(1) {
            t.times.push(number(name, i, r.get(0))?);
            t.attempts.push(codes(name, i, r, &columns)?);
        }
        t.fleets = populations(
            model,
            "timeseries.csv",
            files.timeseries,
            StateSet::Windows,
            &t.times,
        )?;
        if Population::of(model).iter().any(|p| p.set == StateSet::Ksc) {
            t.ksc_fleets = populations(
                model,
                "ksc_timeseries.csv",
                files.ksc_timeseries,
                StateSet::Ksc,
                &t.times,
            )?;
        }
        if !model.ksc.keys.is_empty() {
            let name = "ksc_keys.csv";
            t.ksc_keys = model
                .ksc
                .keys
                .iter()
                .map(|k| (k.name.clone(), k.devices, Vec::new()))
                .collect();
            for (i, r) in records(name, files.ksc_keys)?.iter().enumerate().skip(1) {
                let key = model
                    .ksc
                    .keys
                    .iter()
                    .position(|k| Some(k.name.as_str()) == r.get(3))
                    .ok_or_else(|| format!("{name}: row {i}: unknown key"))?;
                at_sample(name, i, r, &t.times, t.ksc_keys[key].2.len())?;
                let used = (number(name, i, r.get(4))?, number(name, i, r.get(5))?);
                t.ksc_keys[key].2.push(used);
            }
        }

        let name = "hosts.csv";
        for (i, r) in records(name, files.hosts)?.iter().enumerate().skip(1) {
            let host = model
                .kms
                .hosts
                .iter()
                .position(|h| Some(h.name.as_str()) == r.get(2))
                .ok_or_else(|| format!("{name}: row {i}: unknown host"))?;
            let pool = match r.get(3) {
                Some("windows") => 0,
                Some("office") => 1,
                _ => return Err(format!("{name}: row {i}: unknown pool")),
            };
            at_sample(name, i, r, &t.times, t.hosts[host][pool].len())?;
            t.hosts[host][pool].push(PoolSample {
                count: match r.get(4) {
                    Some("") => None,
                    field => Some(number(name, i, field)?),
                },
                requests: number(name, i, r.get(5))?,
                failures: number(name, i, r.get(6))?,
            });
        }

        t.fleet_attempts = vec![Vec::new(); t.fleets.len()];
        t.risk = vec![Vec::new(); t.fleets.len()];
        if !t.fleets.is_empty() {
            let name = "attempts_by_fleet.csv";
            let rows = records(name, files.attempts_by_fleet)?;
            let columns = code_columns(&rows[0]);
            for (i, r) in rows.iter().enumerate().skip(1) {
                let f = t.fleet(name, i, r.get(2))?;
                at_sample(name, i, r, &t.times, t.fleet_attempts[f].len())?;
                t.fleet_attempts[f].push(codes(name, i, r, &columns)?);
            }
            let name = "risk.csv";
            for (i, r) in records(name, files.risk)?.iter().enumerate().skip(1) {
                let f = t.fleet(name, i, r.get(2))?;
                at_sample(name, i, r, &t.times, t.risk[f].len())?;
                t.risk[f].push(number(name, i, r.get(3))?);
            }
        }

        if !model.mak_keys.is_empty() {
            let name = "mak_keys.csv";
            for (i, r) in records(name, files.mak_keys)?.iter().enumerate().skip(1) {
                let key = model
                    .mak_keys
                    .iter()
                    .position(|k| Some(k.name.as_str()) == r.get(2))
                    .ok_or_else(|| format!("{name}: row {i}: unknown key"))?;
                at_sample(name, i, r, &t.times, t.mak_remaining[key].len())?;
                t.mak_remaining[key].push(number(name, i, r.get(4))?);
            }
        }

        let n = t.times.len();
        let consistent = t.fleets.iter().chain(&t.ksc_fleets).all(|f| f.1.len() == n)
            && t.ksc_keys.iter().all(|k| k.2.len() == n)
            && t.hosts.iter().flatten().all(|p| p.len() == n)
            && t.attempts.len() == n
            && t.fleet_attempts.iter().all(|f| f.len() == n)
            && t.risk.iter().all(|f| f.len() == n)
            && t.mak_remaining.iter().all(|k| k.len() == n);
        if !consistent {
            return Err("the run's CSV files disagree on the samples".into());
        }
        Ok(t)
    }

    /// Checks files read back for `actsim chart` against the run's own scenario and summary
    /// before anything is drawn from them: the sample times are the scenario's grid, in
    /// order; each fleet's last row is its final counts in `summary.json`; no row counts
    /// more machines than the scenario can hold, no host more than a table can.
    pub fn check(&self, model: &Model, summary: &super::Summary) -> Result<(), TableError> {
        let every = model.sample_every;
        let mut grid: Vec<SimTime> = (0..=model.duration / every).map(|k| k * every).collect();
        if model.duration % every != 0 {
            grid.push(model.duration);
        }
        if self.times != grid {
            let first_bad = self
                .times
                .iter()
                .zip(&grid)
                .position(|(a, b)| a != b)
                .unwrap_or(self.times.len().min(grid.len()));
            return Err(format!(
                "the sample times are not the scenario's (every {}s from 0 to {}s): row {} \
                 differs",
                every,
                model.duration,
                first_bad + 1
            ));
        }
        let most: u64 = model.fleets.iter().map(|f| f.count).sum::<u64>()
            + model
                .timeline
                .iter()
                .filter_map(|e| match e.action {
                    crate::model::ActionModel::Fleet {
                        action: crate::model::FleetAction::AddMachines { count },
                        ..
                    } => Some(count),
                    _ => None,
                })
                .sum::<u64>();
        let families = [
            (StateSet::Windows, &self.fleets),
            (StateSet::Ksc, &self.ksc_fleets),
        ];
        for (set, fleets) in families {
            let states = set.names().len();
            for (name, rows) in fleets {
                if let Some(i) = rows
                    .iter()
                    .position(|r| r[..states].iter().sum::<u64>() > most)
                {
                    return Err(format!(
                        "{name}: row {} counts more machines than the scenario holds ({most})",
                        i + 1
                    ));
                }
                let Some(f) = summary.fleets.get(name) else {
                    return Err(format!("{name}: not a fleet of summary.json"));
                };
                let f = match (set, &f.ksc) {
                    (StateSet::Ksc, Some(k)) => k.as_ref(),
                    _ => f,
                };
                let last = rows
                    .last()
                    .map(|r| r[..=states].to_vec())
                    .unwrap_or_default();
                let expected: Vec<u64> = f.final_counts.values().copied().collect();
                if last != expected {
                    return Err(format!(
                        "{name}: the last row ({last:?}) is not the final counts of \
                         summary.json ({expected:?})"
                    ));
                }
            }
        }
        let capacity = 2 * model
            .products
            .iter()
            .map(|p| p.threshold)
            .max()
            .unwrap_or(0) as u64;
        for (h, pools) in self.hosts.iter().enumerate() {
            if let Some(s) = pools
                .iter()
                .flatten()
                .find(|s| s.count.is_some_and(|c| c > capacity))
            {
                return Err(format!(
                    "host {}: a count of {} is more than any table holds ({capacity})",
                    model.kms.hosts.as_slice()[h].name,
                    s.count.unwrap_or(0)
                ));
            }
        }
        Ok(())
    }

    /// The index in `fleets` of the fleet named in row `row` of file `name`.
    fn fleet(&self, name: &str, row: usize, field: Option<&str>) -> Result<usize, TableError> {
        self.fleets
            .iter()
            .position(|(f, _)| Some(f.as_str()) == field)
            .ok_or_else(|| format!("{name}: row {row}: unknown fleet"))
    }

    /// Days since the start of each sample, for chart axes.
    pub fn days(&self) -> impl Iterator<Item = f64> + '_ {
        self.times.iter().map(|&t| t as f64 / 86_400.0)
    }
}
