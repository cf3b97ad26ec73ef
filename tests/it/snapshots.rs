//! insta snapshots of the summary of every shipped scenario: a behaviour change shows up
//! as a reviewed diff (`cargo insta review`).

use std::path::Path;

#[test]
fn every_shipped_scenario_summary() {
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "quickstart and at least three question scenarios"
    );
    for file in files {
        let model = actsim::load(&file).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            model.question.is_some(),
            "{}: first line must state the question",
            file.display()
        );
        let outcome = actsim::run(&model, model.seed);
        let failed: Vec<_> = outcome.expectations.iter().filter(|e| !e.held).collect();
        assert!(failed.is_empty(), "{}: {failed:?}", file.display());
        let name = Path::new(&file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        insta::assert_json_snapshot!(name, actsim::report::summary(&model, model.seed, &outcome));
    }
}
