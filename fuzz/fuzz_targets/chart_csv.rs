//! `actsim chart`'s CSV readers on arbitrary bytes: the input is split at 0xFF bytes into
//! the run's files (timeseries, hosts, attempts, attempts_by_fleet, risk), read against the
//! quickstart scenario; they must return an error, never panic.
#![no_main]

use actsim::report::tables::{Files, RunTables};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static MODEL: OnceLock<actsim::Model> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let model = MODEL.get_or_init(|| {
        actsim::parse(
            "quickstart.ron",
            include_bytes!("../../scenarios/quickstart.ron"),
        )
        .expect("the quickstart parses")
    });
    let mut parts = data.split(|&b| b == 0xFF);
    let mut next = || parts.next().unwrap_or_default();
    let files = Files {
        timeseries: next(),
        hosts: next(),
        attempts: next(),
        attempts_by_fleet: next(),
        risk: next(),
        ..Files::default()
    };
    let _ = RunTables::parse(model, &files);
});
