//! Scenario text → parse and validate → (when small) run, summary, data files, findings,
//! terminal text. Any panic is a finding; only runs whose worst-case work is small run, so
//! that a slow input means slow code, not a big scenario.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Runs only scenarios this small, so each input takes milliseconds.
const MAX_WORK: u64 = 200_000;
/// ... and keep this few sample values (the outputs are built and read back from them).
const MAX_SAMPLE_VALUES: u64 = 100_000;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = actsim::parse("fuzz.ron", data) else {
        return;
    };
    // The worst case (every attempt failing), not the healthy-network estimate: a network
    // without a reachable host retries every activation interval.
    let limits = (
        actsim::resolve::limits::worst_work(&model),
        actsim::resolve::limits::samples(&model) * actsim::resolve::limits::series(&model),
    );
    if limits.0 > MAX_WORK || limits.1 > MAX_SAMPLE_VALUES {
        return;
    }
    let outcome = actsim::run(&model, model.seed);
    let summary = actsim::report::summary(&model, model.seed, &outcome);
    let _ = actsim::report::text(&model, &summary, false);
    let _ = summary.to_json();
    let _ = actsim::report::data(&model, &outcome);
    let tables = actsim::report::tables_of(&model, &outcome);
    tables.check(&model, &summary).expect("a run's own files agree with its summary");
});
