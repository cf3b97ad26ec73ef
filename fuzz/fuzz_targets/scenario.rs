//! Scenario text → parse and validate → (when small) run, summary, data files, findings,
//! terminal text. Any panic, and any run over its estimated work, is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Runs only scenarios this small, so each input takes milliseconds.
const MAX_WORK: u64 = 200_000;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = actsim::parse("fuzz.ron", data) else {
        return;
    };
    let (work, _) = actsim::resolve::limits::work(&model);
    if work > MAX_WORK {
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
