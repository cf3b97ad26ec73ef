//! `actsim compare`: common random numbers, paired differences, `--fail-if` exit codes.

use super::support::actsim;

/// The quickstart with one more policy line.
fn with_policy(dir: &std::path::Path, policy: &str) -> String {
    let text = std::fs::read_to_string("scenarios/quickstart.ron").unwrap();
    let at = text.find("    timeline:").unwrap();
    let edited = format!(
        "{}    policy: Policy({policy}),\n{}",
        &text[..at],
        &text[at..]
    );
    let path = dir.join("candidate.ron");
    std::fs::write(&path, edited).unwrap();
    path.display().to_string()
}

#[test]
fn a_scenario_compared_with_itself_shows_no_difference() {
    let dir = tempfile::tempdir().unwrap();
    let q = "scenarios/quickstart.ron";
    let o = actsim(&[
        "compare",
        q,
        q,
        "--replications",
        "3",
        "--out",
        dir.path().to_str().unwrap(),
        "--fail-if",
        "requests != base",
        "--fail-if",
        "notification_machine_days > base",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let csv = std::fs::read_to_string(dir.path().join("compare.csv")).unwrap();
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[2], cells[3], "{line}");
        assert!(cells[4].is_empty() || cells[4] == "0", "{line}");
    }
    assert!(dir.path().join("compare.png").is_file());
}

#[test]
fn a_shorter_renewal_interval_means_more_requests_and_fails_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let candidate = with_policy(dir.path(), r#"renewal_interval: "1d""#);
    let o = actsim(&[
        "compare",
        "scenarios/quickstart.ron",
        &candidate,
        "--replications",
        "2",
        "--fail-if",
        "requests > base * 2",
        "--fail-if",
        "notification_machine_days > base",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAIL --fail-if \"requests > base * 2\""),
        "{out}"
    );
    assert!(
        out.contains("ok   --fail-if \"notification_machine_days > base\""),
        "{out}"
    );
    let requests = out
        .lines()
        .find(|l| l.trim_start().starts_with("requests "))
        .unwrap();
    let cells: Vec<f64> = requests
        .split_whitespace()
        .skip(1)
        .take(2)
        .map(|c| c.parse().unwrap())
        .collect();
    assert!(cells[1] > 5.0 * cells[0], "daily renewals: {requests}");
}

#[test]
fn fail_if_mistakes_are_usage_errors() {
    let q = "scenarios/quickstart.ron";
    assert_eq!(
        actsim(&["compare", q, q, "--fail-if", "requests >> base"])
            .status
            .code(),
        Some(2)
    );
    let o = actsim(&["compare", q, q, "--fail-if", "happiness < base"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("happiness"));
}
