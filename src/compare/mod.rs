//! `actsim compare BASE CANDIDATE`: both scenarios run with the same seeds and therefore the
//! same random streams (common random numbers: a machine's draws depend only on the seed,
//! its fleet's name and its index), so a difference comes from the change, not from luck.
//! With replications, each replication's difference is paired and the mean difference gets a
//! 95% confidence interval.

#![allow(clippy::indexing_slicing)] // indices are positions in series of the same run, of equal lengths

mod chart;
mod condition;

pub use condition::Condition;

use crate::model::Model;
use crate::report::tables::RunTables;
use crate::sweep::metrics::{self, Metrics};
use crate::sweep::replication_seed;
use crate::sweep::stats::Welford;
use std::fmt::Write;

/// One metric compared.
#[derive(Debug, Clone)]
pub struct Row {
    pub metric: String,
    pub base: Welford,
    pub candidate: Welford,
    /// Paired differences candidate − base, over replications where both have a value.
    pub change: Welford,
}

pub struct Comparison {
    pub replications: u64,
    pub rows: Vec<Row>,
    /// Metrics only one of the two runs has (a host or a key that exists in one scenario
    /// only): the other side is empty. Not in the text or CSV of `actsim compare`.
    pub one_sided: Vec<Row>,
    /// Replication 0 of each, for the chart.
    base_tables: RunTables,
    candidate_tables: RunTables,
}

/// Runs `base` and `candidate` with replications 0..n of `seed` on `threads` threads.
pub fn compare(
    base: &Model,
    candidate: &Model,
    seed: u64,
    replications: u64,
    threads: usize,
) -> Result<Comparison, String> {
    compare_with(base, candidate, seed, replications, threads, metrics::of)
}

/// As `compare`, with the numbers of each run taken by `measure` (`actsim advise` adds its
/// own to the sweep metrics).
pub fn compare_with(
    base: &Model,
    candidate: &Model,
    seed: u64,
    replications: u64,
    threads: usize,
    measure: impl Fn(&Model, &crate::Outcome) -> Metrics + Sync,
) -> Result<Comparison, String> {
    use rayon::prelude::*;
    let n = replications.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| e.to_string())?;
    let jobs: Vec<(u64, bool)> = (0..n).flat_map(|k| [(k, false), (k, true)]).collect();
    let runs: Vec<(Metrics, Option<RunTables>)> = pool.install(|| {
        jobs.par_iter()
            .map(|&(k, is_candidate)| {
                let model = if is_candidate { candidate } else { base };
                let outcome = crate::run(model, replication_seed(seed, k));
                let tables = (k == 0).then(|| crate::report::tables_of(model, &outcome));
                (measure(model, &outcome), tables)
            })
            .collect()
    });
    let mut rows: Vec<Row> = runs[0]
        .0
        .iter()
        .filter(|(name, _)| runs[1].0.iter().any(|(n, _)| n == name))
        .map(|(name, _)| Row {
            metric: name.clone(),
            base: Welford::default(),
            candidate: Welford::default(),
            change: Welford::default(),
        })
        .collect();
    let new_row = |name: &String| Row {
        metric: name.clone(),
        base: Welford::default(),
        candidate: Welford::default(),
        change: Welford::default(),
    };
    let has = |side: usize, name: &String| runs[side].0.iter().any(|(n, _)| n == name);
    let mut one_sided: Vec<Row> = runs[0]
        .0
        .iter()
        .map(|(name, _)| name)
        .filter(|name| !has(1, name))
        .chain(
            runs[1]
                .0
                .iter()
                .map(|(name, _)| name)
                .filter(|name| !has(0, name)),
        )
        .map(new_row)
        .collect();
    for pair in runs.chunks(2) {
        for row in &mut one_sided {
            row.base
                .add(crate::sweep::metric(&pair[0].0, &row.metric).flatten());
            row.candidate
                .add(crate::sweep::metric(&pair[1].0, &row.metric).flatten());
        }
        for row in &mut rows {
            let b = crate::sweep::metric(&pair[0].0, &row.metric).flatten();
            let c = crate::sweep::metric(&pair[1].0, &row.metric).flatten();
            row.base.add(b);
            row.candidate.add(c);
            row.change.add(b.zip(c).map(|(b, c)| c - b));
        }
    }
    let mut runs = runs.into_iter();
    let base_tables = runs.next().and_then(|r| r.1).ok_or("no base run")?;
    let candidate_tables = runs.next().and_then(|r| r.1).ok_or("no candidate run")?;
    Ok(Comparison {
        replications: n,
        rows,
        one_sided,
        base_tables,
        candidate_tables,
    })
}

fn show(v: Option<f64>) -> String {
    match v {
        None => "never".to_owned(),
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Some(x) => format!("{x:.4}"),
    }
}

impl Comparison {
    pub fn row(&self, metric: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.metric == metric)
    }

    /// The row of `metric`, whether both runs have it or one only.
    pub fn any_row(&self, metric: &str) -> Option<&Row> {
        self.row(metric)
            .or_else(|| self.one_sided.iter().find(|r| r.metric == metric))
    }

    /// The time series of replication 0 of the base and of the candidate.
    pub fn tables(&self) -> (&RunTables, &RunTables) {
        (&self.base_tables, &self.candidate_tables)
    }

    /// Rows worth reading: everything but outcome counts that are zero on both sides and the
    /// event count (an implementation figure).
    fn interesting(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| {
            r.metric != "events"
                && !(r.metric.starts_with("outcome.")
                    && r.base.mean() == Some(0.0)
                    && r.candidate.mean() == Some(0.0))
        })
    }

    /// The table printed by `actsim compare`.
    pub fn text(&self, base: &str, candidate: &str) -> String {
        let mut s = format!(
            "base: {base}\ncandidate: {candidate}\nsame seeds and random streams; {} replication{}\n\n",
            self.replications,
            if self.replications == 1 { "" } else { "s" }
        );
        let width = self.rows.iter().map(|r| r.metric.len()).max().unwrap_or(6);
        let _ = writeln!(
            s,
            "  {:<width$}  {:>14}  {:>14}  {:>14}  95% CI of change",
            "metric", "base", "candidate", "change"
        );
        for r in self.interesting() {
            let (b, c) = (r.base.mean(), r.candidate.mean());
            let change = match (b, c) {
                (Some(b), Some(c)) if b == c => "=".to_owned(),
                (Some(_), Some(_)) => {
                    let d = r.change.mean().unwrap_or(0.0);
                    format!("{}{}", if d > 0.0 { "+" } else { "" }, show(Some(d)))
                }
                (None, None) => "=".to_owned(),
                _ => "changed".to_owned(),
            };
            let ci = r
                .change
                .ci95()
                .filter(|(lo, hi)| lo != hi)
                .map_or(String::new(), |(lo, hi)| {
                    format!("[{}, {}]", show(Some(lo)), show(Some(hi)))
                });
            let _ = writeln!(
                s,
                "  {:<width$}  {:>14}  {:>14}  {:>14}  {ci}",
                r.metric,
                show(b),
                show(c),
                change
            );
        }
        s
    }

    /// `compare.csv`: one row per metric.
    pub fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record([
            "metric",
            "replications",
            "base_mean",
            "candidate_mean",
            "change_mean",
            "change_ci95_low",
            "change_ci95_high",
        ]);
        let cell = |v: Option<f64>| v.map_or_else(String::new, |x| x.to_string());
        for r in &self.rows {
            let ci = r.change.ci95();
            let _ = w.write_record([
                r.metric.clone(),
                self.replications.to_string(),
                cell(r.base.mean()),
                cell(r.candidate.mean()),
                cell(r.change.mean()),
                cell(ci.map(|c| c.0)),
                cell(ci.map(|c| c.1)),
            ]);
        }
        w.into_inner().unwrap_or_default()
    }

    /// `compare.svg` and `compare.png`: licensed share per fleet and the hosts' load, both
    /// scenarios overlaid (replication 0).
    pub fn chart(
        &self,
        base: &Model,
        candidate: &Model,
    ) -> Result<crate::report::chart::Rendered, String> {
        crate::report::chart::render(&self.chart_of(base, candidate))
    }

    /// The same chart with its own title and names for the two runs.
    pub fn chart_labelled(
        &self,
        base: &Model,
        candidate: &Model,
        title: String,
        names: [&str; 2],
    ) -> Result<crate::report::chart::Rendered, String> {
        crate::report::chart::render(
            &self
                .chart_of(base, candidate)
                .labelled(title, names[0], names[1]),
        )
    }

    fn chart_of(&self, base: &Model, candidate: &Model) -> chart::CompareChart {
        chart::CompareChart::new(base, candidate, &self.base_tables, &self.candidate_tables)
    }
}
