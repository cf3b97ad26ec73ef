//! The time series of a run as the charts and the HTML report read them: parsed back from the
//! CSV files a run writes. Both `run --out` and `actsim chart DIR` render from these bytes, so
//! a re-render from the files is byte-identical to the original.

use crate::code::Code;
use crate::engine::SimTime;
use crate::model::{Model, StateSet};
use crate::observe::MAX_COLUMNS;

/// One host and pool at one sample (a row of `hosts.csv`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolSample {
    pub count: u64,
    pub requests: u64,
    pub failures: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunTables {
    /// Grid sample instants.
    pub times: Vec<SimTime>,
    /// `[fleet][sample]`: counts in the fleet's column order (states, then offline).
    pub fleets: Vec<Vec<[u64; MAX_COLUMNS]>>,
    /// `[host][pool][sample]`, pools in `Pool::ALL` order.
    pub hosts: Vec<[Vec<PoolSample>; 2]>,
    /// `[sample]`: outcomes by code since the previous sample, in `Code::ALL` order.
    pub attempts: Vec<[u64; Code::COUNT]>,
    /// `[key][sample]`: MAK activations left.
    pub mak_remaining: Vec<Vec<u64>>,
}

/// What is wrong with a CSV file, for `actsim chart DIR` on edited or foreign files.
pub type TableError = String;

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

fn number(name: &str, row: usize, field: Option<&str>) -> Result<u64, TableError> {
    field
        .and_then(|f| f.parse().ok())
        .ok_or_else(|| format!("{name}: row {row}: a field is missing or not a number"))
}

impl RunTables {
    /// Parses `timeseries.csv`, `hosts.csv` and `attempts.csv` of a run of `model`.
    pub fn parse(
        model: &Model,
        timeseries: &[u8],
        hosts: &[u8],
        attempts: &[u8],
        mak_keys: &[u8],
    ) -> Result<Self, TableError> {
        let mut t = RunTables {
            fleets: vec![Vec::new(); model.fleets.len()],
            hosts: vec![[Vec::new(), Vec::new()]; model.kms.hosts.len()],
            mak_remaining: vec![Vec::new(); model.mak_keys.len()],
            ..RunTables::default()
        };

        let name = "timeseries.csv";
        let rows = records(name, timeseries)?;
        let expected: Vec<&str> = ["time_s", "day", "fleet"]
            .into_iter()
            .chain(StateSet::Windows.columns())
            .collect();
        if rows[0].iter().collect::<Vec<_>>() != expected {
            return Err(format!("{name}: the header is not {}", expected.join(",")));
        }
        for (i, r) in rows.iter().enumerate().skip(1) {
            let time = number(name, i, r.get(0))?;
            let fleet = model
                .fleets
                .iter()
                .position(|f| Some(f.name.as_str()) == r.get(2))
                .ok_or_else(|| format!("{name}: row {i}: unknown fleet"))?;
            if fleet == 0 {
                t.times.push(time);
            }
            let mut counts = [0; MAX_COLUMNS];
            for (c, count) in counts.iter_mut().enumerate() {
                *count = number(name, i, r.get(3 + c))?;
            }
            t.fleets[fleet].push(counts);
        }

        let name = "hosts.csv";
        for (i, r) in records(name, hosts)?.iter().enumerate().skip(1) {
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
            t.hosts[host][pool].push(PoolSample {
                count: number(name, i, r.get(4))?,
                requests: number(name, i, r.get(5))?,
                failures: number(name, i, r.get(6))?,
            });
        }

        let name = "attempts.csv";
        let rows = records(name, attempts)?;
        let columns: Vec<Option<usize>> = Code::ALL
            .iter()
            .map(|c| rows[0].iter().position(|h| h == c.as_str()))
            .collect();
        for (i, r) in rows.iter().enumerate().skip(1) {
            let mut counts = [0; Code::COUNT];
            for (count, column) in counts.iter_mut().zip(&columns) {
                if let Some(c) = column {
                    *count = number(name, i, r.get(*c))?;
                }
            }
            t.attempts.push(counts);
        }

        if !model.mak_keys.is_empty() {
            let name = "mak_keys.csv";
            for (i, r) in records(name, mak_keys)?.iter().enumerate().skip(1) {
                let key = model
                    .mak_keys
                    .iter()
                    .position(|k| Some(k.name.as_str()) == r.get(2))
                    .ok_or_else(|| format!("{name}: row {i}: unknown key"))?;
                t.mak_remaining[key].push(number(name, i, r.get(4))?);
            }
        }

        let n = t.times.len();
        let consistent = t.fleets.iter().all(|f| f.len() == n)
            && t.hosts.iter().flatten().all(|p| p.len() == n)
            && t.attempts.len() == n
            && t.mak_remaining.iter().all(|k| k.len() == n);
        if !consistent {
            return Err(
                "timeseries.csv, hosts.csv and attempts.csv disagree on the samples".into(),
            );
        }
        Ok(t)
    }

    /// Days since the start of each sample, for chart axes.
    pub fn days(&self) -> impl Iterator<Item = f64> + '_ {
        self.times.iter().map(|&t| t as f64 / 86_400.0)
    }
}
