//! Reports of one run: `summary.json`, the CSV files, the charts, `report.html` and the human
//! summary, and writing them atomically.

pub mod chart;
mod files;
mod html;
mod series;
mod summary;
pub mod tables;
mod text;
pub mod words;

pub use files::write_atomically;
pub use series::{attempts_csv, hosts_csv, mak_keys_csv, timeseries_csv};
pub use summary::{Summary, summary};
pub use text::text;

use crate::engine::SimTime;
use crate::error::Error;
use crate::model::Model;
use crate::observe::Outcome;
use std::path::Path;
use tables::RunTables;

/// The copy of the scenario kept beside a run's outputs, for `actsim chart DIR`.
pub const SCENARIO_COPY: &str = "scenario.ron";
/// MAK keys over time, written when the scenario has MAK keys.
const MAK_KEYS: &str = "mak_keys.csv";

/// Writes every output file of `run --out DIR` (outputs.md), all or nothing; `summary` is
/// the run's `summary(model, seed, outcome)`.
pub fn write_run(
    dir: &Path,
    model: &Model,
    summary: &Summary,
    outcome: &Outcome,
) -> Result<(), Error> {
    let mut data = vec![
        ("summary.json", summary.to_json()),
        ("timeseries.csv", timeseries_csv(model, outcome)),
        ("hosts.csv", hosts_csv(model, outcome)),
        ("attempts.csv", attempts_csv(model, outcome)),
        (SCENARIO_COPY, model.source.clone().into_bytes()),
    ];
    if !model.mak_keys.is_empty() {
        data.push((MAK_KEYS, mak_keys_csv(model, outcome)));
    }
    let rendered = render(dir, model, &data)?;
    let all: Vec<(&str, Vec<u8>)> = data.into_iter().chain(rendered).collect();
    write_atomically(dir, &all)
}

/// `actsim chart DIR`: re-renders the charts and `report.html` of a previous run from its
/// files, byte-identical to what the run wrote.
pub fn rerender(dir: &Path) -> Result<(), Error> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| Error::io(dir.join(name), e));
    let model = crate::parse(
        &dir.join(SCENARIO_COPY).display().to_string(),
        &read(SCENARIO_COPY)?,
    )?;
    let mut data = Vec::new();
    for name in [
        "summary.json",
        "timeseries.csv",
        "hosts.csv",
        "attempts.csv",
    ] {
        data.push((name, read(name)?));
    }
    if !model.mak_keys.is_empty() {
        data.push((MAK_KEYS, read(MAK_KEYS)?));
    }
    let rendered = render(dir, &model, &data)?;
    write_atomically(dir, &rendered)
}

/// The charts (SVG and PNG) and `report.html` from a run's data files.
fn render(
    dir: &Path,
    model: &Model,
    data: &[(&str, Vec<u8>)],
) -> Result<Vec<(&'static str, Vec<u8>)>, Error> {
    let file = |name: &str| {
        data.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.as_slice())
            .unwrap_or_default()
    };
    let tables = RunTables::parse(
        model,
        file("timeseries.csv"),
        file("hosts.csv"),
        file("attempts.csv"),
        file(MAK_KEYS),
    )
    .map_err(|message| Error::Data {
        path: dir.to_owned(),
        message,
    })?;
    let summary: Summary =
        serde_json::from_slice(file("summary.json")).map_err(|e| Error::Data {
            path: dir.join("summary.json"),
            message: e.to_string(),
        })?;
    let drawn = |name: &str, r: Result<chart::Rendered, String>| {
        r.map_err(|message| Error::Data {
            path: dir.join(name),
            message,
        })
    };
    let activation = drawn(
        "activation.svg",
        chart::render(&chart::Activation::new(model, &tables)),
    )?;
    let kms_count = drawn(
        "kms-count.svg",
        chart::render(&chart::KmsCount::new(model, &tables)),
    )?;
    let load = drawn("load.svg", chart::render(&chart::Load::new(model, &tables)))?;
    let page = html::report(
        model,
        &summary,
        &[&activation.svg, &kms_count.svg, &load.svg],
    );
    Ok(vec![
        ("activation.svg", activation.svg.into_bytes()),
        ("activation.png", activation.png),
        ("kms-count.svg", kms_count.svg.into_bytes()),
        ("kms-count.png", kms_count.png),
        ("load.svg", load.svg.into_bytes()),
        ("load.png", load.png),
        ("report.html", page.into_bytes()),
    ])
}

/// The time series of a run as charts read them (through the same CSV text the run writes).
pub fn tables_of(model: &Model, outcome: &Outcome) -> RunTables {
    RunTables::parse(
        model,
        &timeseries_csv(model, outcome),
        &hosts_csv(model, outcome),
        &attempts_csv(model, outcome),
        &mak_keys_csv(model, outcome),
    )
    .expect("the CSV files of a run parse")
}

/// A time as a day number for tables: whole days plainly, others with four decimals.
pub fn day(t: SimTime) -> String {
    if t % 86_400 == 0 {
        (t / 86_400).to_string()
    } else {
        format!("{:.4}", t as f64 / 86_400.0)
    }
}
