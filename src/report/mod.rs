//! Reports of one run: `summary.json`, the CSV files, the charts, `report.html` and the human
//! summary, and writing them atomically.

pub mod chart;
mod files;
pub mod findings;
pub(crate) mod html;
pub mod junit;
mod series;
mod summary;
pub mod tables;
pub(crate) mod text;
pub mod words;

pub use files::{
    MARKER, Streamed, check_out_dir, write_atomically, write_atomically_streamed, write_file,
};
pub use series::{
    attempts_by_fleet_csv, attempts_csv, hosts_csv, ksc_keys_csv, ksc_timeseries_csv, mak_keys_csv,
    risk_csv, timeseries_csv,
};
pub use summary::{Summary, summary};
pub use text::text;

use crate::engine::SimTime;
use crate::error::Error;
use crate::model::{Model, StateSet};
use crate::observe::{Outcome, Population};
use std::path::Path;
use tables::{Files, RunTables};

/// The copy of the scenario kept beside a run's outputs, for `actsim chart DIR`.
pub const SCENARIO_COPY: &str = "scenario.ron";
const MAK_KEYS: &str = "mak_keys.csv";
const KSC_TIMESERIES: &str = "ksc_timeseries.csv";
const KSC_KEYS: &str = "ksc_keys.csv";
const ATTEMPTS_BY_FLEET: &str = "attempts_by_fleet.csv";
const RISK: &str = "risk.csv";

/// The data files a run of `model` writes, besides `summary.json` and `scenario.ron`:
/// those of the methods it uses only.
fn data_files(model: &Model) -> Vec<&'static str> {
    let mut files = vec!["timeseries.csv", "hosts.csv", "attempts.csv"];
    if Population::of(model)
        .iter()
        .any(|p| p.set == StateSet::Windows)
    {
        files.extend([ATTEMPTS_BY_FLEET, RISK]);
    }
    if !model.mak_keys.is_empty() {
        files.push(MAK_KEYS);
    }
    if Population::of(model).iter().any(|p| p.set == StateSet::Ksc) {
        files.push(KSC_TIMESERIES);
    }
    if !model.ksc.keys.is_empty() {
        files.push(KSC_KEYS);
    }
    files
}

/// Every data file of a run, by name, as `run --out` writes them.
pub fn data(model: &Model, outcome: &Outcome) -> Vec<(&'static str, Vec<u8>)> {
    data_files(model)
        .into_iter()
        .map(|name| (name, data_file(model, outcome, name)))
        .collect()
}

/// The bytes of one data file of a run.
fn data_file(model: &Model, outcome: &Outcome, name: &str) -> Vec<u8> {
    match name {
        "timeseries.csv" => timeseries_csv(model, outcome),
        "hosts.csv" => hosts_csv(model, outcome),
        "attempts.csv" => attempts_csv(model, outcome),
        ATTEMPTS_BY_FLEET => attempts_by_fleet_csv(model, outcome),
        RISK => risk_csv(model, outcome),
        MAK_KEYS => mak_keys_csv(model, outcome),
        KSC_TIMESERIES => ksc_timeseries_csv(model, outcome),
        _ => ksc_keys_csv(model, outcome),
    }
}

/// Writes every output file of `run --out DIR`, all or nothing; `summary` is the run's
/// `summary(model, seed, outcome)`.
pub fn write_run(
    dir: &Path,
    model: &Model,
    summary: &Summary,
    outcome: &Outcome,
) -> Result<(), Error> {
    let mut data = vec![("summary.json", summary.to_json())];
    for name in data_files(model) {
        data.push((name, data_file(model, outcome, name)));
    }
    data.push((SCENARIO_COPY, model.source.clone().into_bytes()));
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
    let mut data = vec![("summary.json", read("summary.json")?)];
    for name in data_files(&model) {
        data.push((name, read(name)?));
    }
    let rendered = render(dir, &model, &data)?;
    write_atomically(dir, &rendered)
}

/// The CSV files of a run, found among `data`.
fn files<'a>(data: &'a [(&str, Vec<u8>)]) -> Files<'a> {
    let file = |name: &str| {
        data.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.as_slice())
            .unwrap_or_default()
    };
    Files {
        timeseries: file("timeseries.csv"),
        hosts: file("hosts.csv"),
        attempts: file("attempts.csv"),
        attempts_by_fleet: file(ATTEMPTS_BY_FLEET),
        risk: file(RISK),
        mak_keys: file(MAK_KEYS),
        ksc_timeseries: file(KSC_TIMESERIES),
        ksc_keys: file(KSC_KEYS),
    }
}

/// The charts (SVG and PNG) and `report.html` from a run's data files.
fn render(
    dir: &Path,
    model: &Model,
    data: &[(&str, Vec<u8>)],
) -> Result<Vec<(&'static str, Vec<u8>)>, Error> {
    let tables = RunTables::parse(model, &files(data)).map_err(|message| Error::Data {
        path: dir.to_owned(),
        message,
    })?;
    let json = data
        .iter()
        .find(|(n, _)| *n == "summary.json")
        .map(|(_, b)| b.as_slice())
        .unwrap_or_default();
    let summary: Summary = serde_json::from_slice(json).map_err(|e| Error::Data {
        path: dir.join("summary.json"),
        message: e.to_string(),
    })?;
    tables
        .check(model, &summary)
        .map_err(|message| Error::Data {
            path: dir.to_owned(),
            message,
        })?;
    let drawn = |name: &str, r: Result<chart::Rendered, String>| {
        r.map_err(|message| Error::Data {
            path: dir.join(name),
            message,
        })
    };
    // The charts that apply to the scenario: Windows licences, KMS counts, load (attempts
    // of the Windows methods), Kaspersky keys.
    let windows = !tables.fleets.is_empty();
    let kms = !model.kms.hosts.is_empty();
    let ksc = !tables.ksc_fleets.is_empty() || !tables.ksc_keys.is_empty();
    let mut charts: Vec<(html::Figure, chart::Rendered)> = Vec::new();
    if windows {
        let r = chart::render(&chart::Activation::new(model, &tables, &summary.findings));
        charts.push((html::Figure::Activation, drawn("activation.svg", r)?));
    }
    if kms {
        let r = chart::render(&chart::KmsCount::new(model, &tables));
        charts.push((html::Figure::KmsCount, drawn("kms-count.svg", r)?));
    }
    if windows || kms {
        let r = chart::render(&chart::Load::new(model, &tables));
        charts.push((html::Figure::Load, drawn("load.svg", r)?));
    }
    if ksc {
        let r = chart::render(&chart::Ksc::new(model, &tables, &summary.findings));
        charts.push((html::Figure::Ksc, drawn("ksc.svg", r)?));
    }
    let figures: Vec<(html::Figure, &String)> = charts.iter().map(|(f, r)| (*f, &r.svg)).collect();
    let page = html::report(model, &summary, &figures);
    let mut out = Vec::new();
    for (figure, rendered) in charts {
        let (svg, png) = figure.files();
        out.push((svg, rendered.svg.into_bytes()));
        out.push((png, rendered.png));
    }
    out.push(("report.html", page.into_bytes()));
    Ok(out)
}

/// The time series of a run as charts read them (through the same CSV text the run writes).
#[allow(clippy::expect_used)] // a run's own CSV files always parse (every integration test reads them back)
pub fn tables_of(model: &Model, outcome: &Outcome) -> RunTables {
    RunTables::parse(model, &files(&data(model, outcome))).expect("the CSV files of a run parse")
}

/// A time as a day number for tables: whole days plainly, others with four decimals.
pub fn day(t: SimTime) -> String {
    if t % 86_400 == 0 {
        (t / 86_400).to_string()
    } else {
        format!("{:.4}", t as f64 / 86_400.0)
    }
}
