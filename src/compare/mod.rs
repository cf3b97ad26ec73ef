//! `actsim compare BASE CANDIDATE`: both scenarios run with the same seeds and therefore the
//! same random streams (common random numbers: a machine's draws depend only on the seed,
//! its fleet's name and its index), so a difference comes from the change, not from luck.
//! With replications, each replication's difference is paired and the mean difference gets a
//! 95% confidence interval.

#![allow(clippy::indexing_slicing)] // indices are positions in series of the same run, of equal lengths

mod chart;
mod condition;

pub use condition::{Condition, Verdict};

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
    let new_row = |name: &String| Row {
        metric: name.clone(),
        base: Welford::default(),
        candidate: Welford::default(),
        change: Welford::default(),
    };
    let has = |side: usize, name: &String| runs[side].0.iter().any(|(n, _)| n == name);
    let mut rows: Vec<Row> = runs[0]
        .0
        .iter()
        .map(|(name, _)| name)
        .filter(|name| has(1, name))
        .map(new_row)
        .collect();
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

/// A value in words: "never" for a time that never came.
pub(super) fn show(v: Option<f64>) -> String {
    v.map_or_else(|| "never".to_owned(), crate::numbers::decimal)
}

/// What a scenario is made of, by name, for telling two unrelated scenarios apart.
fn parts(model: &Model) -> [(&'static str, Vec<&str>); 2] {
    [
        (
            "fleet",
            model.fleets.iter().map(|f| f.name.as_str()).collect(),
        ),
        (
            "KMS host",
            model.kms.hosts.iter().map(|h| h.name.as_str()).collect(),
        ),
    ]
}

/// Warnings when base and candidate differ in their fleets or hosts: metrics of a part
/// only one of them has are not compared, and scenarios with no fleet in common are
/// probably not two versions of one network.
pub fn differences(base: &Model, candidate: &Model) -> Vec<String> {
    let mut out = Vec::new();
    for ((kind, b), (_, c)) in parts(base).into_iter().zip(parts(candidate)) {
        let quoted = |names: Vec<&&str>| {
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let only_base: Vec<&&str> = b.iter().filter(|n| !c.contains(n)).collect();
        let only_candidate: Vec<&&str> = c.iter().filter(|n| !b.contains(n)).collect();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if !only_base.is_empty() {
            out.push(format!(
                "{kind}{} {} only in the base: not compared",
                plural(only_base.len()),
                quoted(only_base)
            ));
        }
        if !only_candidate.is_empty() {
            out.push(format!(
                "{kind}{} {} only in the candidate: not compared",
                plural(only_candidate.len()),
                quoted(only_candidate)
            ));
        }
        if kind == "fleet" && !b.is_empty() && !c.is_empty() && !b.iter().any(|n| c.contains(n)) {
            out.push(
                "base and candidate have no fleet in common: are they two versions of the \
                 same network?"
                    .to_owned(),
            );
        }
    }
    out
}

/// Which metrics the printed table lists.
#[derive(Debug, Clone, Copy)]
pub enum Shown<'a> {
    /// Those whose mean changed, and those a condition names.
    Changed { named: &'a [&'a str] },
    /// Every metric (`--all`).
    All,
}

impl Row {
    /// Whether the means differ (a value on one side only counts as a change).
    pub fn changed(&self) -> bool {
        self.base.mean() != self.candidate.mean()
    }

    /// "=", "+12", "-0.0312" or "changed" (one side has no value).
    fn change(&self) -> String {
        match (self.base.mean(), self.candidate.mean()) {
            (b, c) if b == c => "=".to_owned(),
            (Some(_), Some(_)) => {
                let d = self.change.mean().unwrap_or(0.0);
                format!("{}{}", if d > 0.0 { "+" } else { "" }, show(Some(d)))
            }
            _ => "changed".to_owned(),
        }
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

    /// The table printed by `actsim compare`: by default only the metrics that changed (and
    /// those a condition names), with a line saying how many are left out.
    pub fn table(&self, shown: Shown) -> String {
        let rows: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| match shown {
                Shown::All => true,
                Shown::Changed { named } => r.changed() || named.contains(&r.metric.as_str()),
            })
            .collect();
        let mut s = String::new();
        let hidden = self.rows.len() - rows.len();
        if rows.is_empty() {
            let _ = writeln!(
                s,
                "no metric changed ({} compared; --all lists them)",
                self.rows.len()
            );
            return s;
        }
        let width = rows.iter().map(|r| r.metric.len()).max().unwrap_or(6);
        let _ = writeln!(
            s,
            "  {:<width$}  {:>14}  {:>14}  {:>14}  95% CI of change",
            "metric", "base", "candidate", "change"
        );
        for r in rows {
            let ci = r
                .change
                .ci95()
                .filter(|(lo, hi)| lo != hi)
                .map_or(String::new(), |(lo, hi)| {
                    format!("[{}, {}]", show(Some(lo)), show(Some(hi)))
                });
            let line = format!(
                "  {:<width$}  {:>14}  {:>14}  {:>14}  {ci}",
                r.metric,
                show(r.base.mean()),
                show(r.candidate.mean()),
                r.change()
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
        if hidden > 0 {
            let _ = writeln!(
                s,
                "  ({hidden} more metric{} unchanged; --all lists every metric)",
                if hidden == 1 { "" } else { "s" }
            );
        }
        s
    }

    /// The comparison as `compare --json` prints it: every metric with exact values (a time
    /// that never came is null), the conditions and the warnings.
    pub fn json(
        &self,
        files: (&str, &str),
        seed: u64,
        verdicts: &[Verdict],
        warnings: &[String],
    ) -> serde_json::Value {
        let metrics: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "metric": r.metric,
                    "changed": r.changed(),
                    "base_mean": r.base.mean(),
                    "candidate_mean": r.candidate.mean(),
                    "change_mean": r.change.mean(),
                    "change_ci95": r.change.ci95().map(|(lo, hi)| [lo, hi]),
                })
            })
            .collect();
        serde_json::json!({
            "base": files.0,
            "candidate": files.1,
            "seed": seed,
            "replications": self.replications,
            "failed": verdicts.iter().any(|v| v.holds),
            "warnings": warnings,
            "conditions": verdicts,
            "metrics": metrics,
        })
    }

    /// The JUnit report of `compare --junit`: one case per `--fail-if`, failed when it
    /// holds; every metric's base and candidate means and change as properties; the
    /// warnings and the table in `system-out`.
    pub fn junit(
        &self,
        files: (&str, &str),
        seed: u64,
        verdicts: &[Verdict],
        warnings: &[String],
    ) -> Vec<u8> {
        use crate::report::junit::{Case, Failure, Suite, classname, xml};
        let class = format!("compare.{}", classname(files.1));
        let cases = verdicts
            .iter()
            .map(|v| Case {
                name: format!("--fail-if \"{}\"", v.condition),
                classname: class.clone(),
                failure: v.holds.then(|| Failure {
                    message: v.detail(),
                    kind: "fail-if",
                    text: format!(
                        "{}: --fail-if \"{}\" holds: {}",
                        files.1,
                        v.condition,
                        v.detail()
                    ),
                }),
            })
            .collect();
        let mut properties = vec![
            ("base".to_owned(), files.0.to_owned()),
            ("candidate".to_owned(), files.1.to_owned()),
            ("seed".to_owned(), seed.to_string()),
            ("replications".to_owned(), self.replications.to_string()),
        ];
        let cell = |v: Option<f64>| v.map_or_else(String::new, crate::numbers::decimal);
        for r in &self.rows {
            properties.push((format!("{}.base", r.metric), cell(r.base.mean())));
            properties.push((format!("{}.candidate", r.metric), cell(r.candidate.mean())));
            properties.push((format!("{}.change", r.metric), cell(r.change.mean())));
        }
        let mut out = String::new();
        for w in warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        out.push_str(&self.table(Shown::Changed { named: &[] }));
        let suite = Suite {
            name: format!("compare {} with {}", files.1, files.0),
            file: Some(files.1.to_owned()),
            properties,
            cases,
            out,
        };
        xml("actsim compare", &[suite])
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
