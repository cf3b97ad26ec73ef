//! Outputs that must not change: the SHA-256 of `summary.json` and every CSV file of every
//! shipped scenario (`tests/golden-outputs.txt`). A refactor or a new method must leave them
//! byte-identical; an intended change of a rule or of the summary updates the file in the
//! same commit (regenerate with `tools/golden-outputs.sh` and review which lines changed).

use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A run's output files by name.
type Files = Vec<(&'static str, Vec<u8>)>;

#[test]
fn outputs_of_shipped_scenarios_are_unchanged() {
    let recorded = std::fs::read_to_string("tests/golden-outputs.txt").unwrap();
    let mut checked = 0;
    let mut last: Option<(String, Files)> = None;
    for line in recorded.lines() {
        let mut parts = line.split(' ');
        let (Some(name), Some(file), Some(sha)) = (parts.next(), parts.next(), parts.next()) else {
            panic!("bad line {line:?}");
        };
        if last.as_ref().is_none_or(|(n, _)| n != name) {
            let path = format!("scenarios/{name}.ron");
            let model = actsim::load(path.as_ref()).unwrap_or_else(|e| panic!("{e}"));
            let outcome = actsim::run(&model, model.seed);
            let mut files = actsim::report::data(&model, &outcome);
            files.push((
                "summary.json",
                actsim::report::summary(&model, model.seed, &outcome).to_json(),
            ));
            last = Some((name.to_owned(), files));
        }
        let (_, files) = last.as_ref().unwrap();
        let bytes = &files
            .iter()
            .find(|(n, _)| *n == file)
            .unwrap_or_else(|| panic!("{name} writes no {file}"))
            .1;
        assert_eq!(hex(bytes), sha, "{name}/{file} changed");
        checked += 1;
    }
    let scenarios = std::fs::read_dir("scenarios")
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "ron")
        })
        .count();
    let covered: std::collections::BTreeSet<&str> = recorded
        .lines()
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert_eq!(
        covered.len(),
        scenarios,
        "every shipped scenario is recorded"
    );
    assert!(checked > 0);
}
