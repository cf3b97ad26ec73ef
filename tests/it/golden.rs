//! Outputs that must not change: the SHA-256 of `summary.json` and the CSV files of every
//! scenario shipped before MAK, ADBA and generations came (`tests/golden-outputs.txt`,
//! recorded with the release before that change). A new method or rule must leave them
//! byte-identical; an intended change of a rule updates the file in the same commit.

use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn outputs_of_scenarios_shipped_before_generations_are_unchanged() {
    let recorded = std::fs::read_to_string("tests/golden-outputs.txt").unwrap();
    let mut checked = 0;
    for line in recorded.lines() {
        let mut parts = line.split(' ');
        let (Some(name), Some(file), Some(sha)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("bad line {line:?}");
        };
        let path = format!("scenarios/{name}.ron");
        let model = actsim::load(path.as_ref()).unwrap_or_else(|e| panic!("{e}"));
        let outcome = actsim::run(&model, model.seed);
        let bytes = match file {
            "summary.json" => actsim::report::summary(&model, model.seed, &outcome).to_json(),
            "timeseries.csv" => actsim::report::timeseries_csv(&model, &outcome),
            "hosts.csv" => actsim::report::hosts_csv(&model, &outcome),
            "attempts.csv" => actsim::report::attempts_csv(&model, &outcome),
            other => panic!("unknown file {other}"),
        };
        assert_eq!(hex(&bytes), sha, "{name}/{file} changed");
        checked += 1;
    }
    assert_eq!(checked, 40, "ten scenarios × four files");
}
