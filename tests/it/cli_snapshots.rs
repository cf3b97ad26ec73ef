//! Every command's success and each kind of bad input, as a user sees it: exit code, stdout
//! and stderr together in one snapshot (the way uv tests its CLI), with temporary paths
//! replaced by `[TMP]`. A change to any message shows up as a reviewed diff.

use crate::support::seen;
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const BAD_SITE: &str = r#"// A fleet placed on a site that does not exist.
Scenario(
    name: "bad", duration: "10d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [Fleet(name: "pcs", site: "branch", count: 30, activation: Kms())],
)
"#;

const FAILING: &str = r#"// Twenty PCs never reach the threshold of 25.
Scenario(
    name: "too few", duration: "40d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [Fleet(name: "pcs", site: "hq", count: 20, activation: Kms())],
    expect: [NoneIn(fleet: "pcs", state: Notification)],
)
"#;

const UNKNOWN_STATE: &str = r#"// A Windows fleet has no Kaspersky states.
Scenario(
    name: "state", duration: "10d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [Fleet(name: "pcs", site: "hq", count: 30, activation: Kms())],
    expect: [NoneIn(fleet: "pcs", state: Expired)],
)
"#;

#[test]
fn commands_as_users_see_them() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path();
    let bad = write(tmp, "bad.ron", BAD_SITE);
    let failing = write(tmp, "failing.ron", FAILING);
    let unknown_state = write(tmp, "state.ron", UNKNOWN_STATE);
    let garbage = write(tmp, "garbage.ron", "Scenario(name: \"x\", duration: 10d)");
    let missing = tmp.join("missing.ron").display().to_string();
    let out = tmp.join("out").display().to_string();
    let sweep_out = tmp.join("sweep").display().to_string();
    let foreign = tmp.join("mydocs").display().to_string();
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(tmp.join("mydocs/report.html"), "mine").unwrap();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("run-quickstart", vec!["run", "scenarios/quickstart.ron"]),
        (
            "run-out-quiet",
            vec![
                "run",
                "scenarios/branch-firewall.ron",
                "--out",
                &out,
                "--quiet",
            ],
        ),
        ("chart", vec!["chart", &out]),
        ("run-failing-expectation", vec!["run", &failing]),
        (
            "run-failing-expectation-quiet",
            vec!["run", &failing, "--quiet"],
        ),
        ("run-invalid", vec!["run", &bad]),
        ("run-unknown-state", vec!["run", &unknown_state]),
        ("run-syntax-error", vec!["run", &garbage]),
        ("run-missing-file", vec!["run", &missing]),
        ("run-no-file", vec!["run"]),
        ("unknown-command", vec!["frobnicate"]),
        (
            "check-mixed",
            vec!["check", "scenarios/quickstart.ron", &bad, &missing],
        ),
        (
            "check-ok",
            vec![
                "check",
                "scenarios/two-hosts.ron",
                "scenarios/lab-threshold.ron",
            ],
        ),
        (
            "trace-at",
            vec![
                "trace",
                "scenarios/lab-threshold.ron",
                "--machine",
                "lab-b/3",
                "--at",
                "2d",
            ],
        ),
        (
            "trace-no-such-machine",
            vec![
                "trace",
                "scenarios/quickstart.ron",
                "--machine",
                "desktops/999",
            ],
        ),
        (
            "trace-bad-machine",
            vec!["trace", "scenarios/quickstart.ron", "--machine", "desktops"],
        ),
        (
            "sweep",
            vec![
                "sweep",
                "scenarios/lab-threshold.ron",
                "--set",
                "fleets.lab-a.count=24,25",
                "--quiet",
                "--out",
                &sweep_out,
            ],
        ),
        (
            "sweep-bad-set",
            vec![
                "sweep",
                "scenarios/quickstart.ron",
                "--set",
                "fleets.nope.count=1",
                "--out",
                &sweep_out,
            ],
        ),
        (
            "compare-self",
            vec![
                "compare",
                "scenarios/host-outage.ron",
                "scenarios/host-outage.ron",
            ],
        ),
        (
            "compare-fail-if",
            vec![
                "compare",
                "scenarios/two-hosts.ron",
                "scenarios/two-hosts.ron",
                "--fail-if",
                "requests >= base",
            ],
        ),
        (
            "compare-unknown-metric",
            vec![
                "compare",
                "scenarios/two-hosts.ron",
                "scenarios/two-hosts.ron",
                "--fail-if",
                "host.kms-primry.requests > base",
            ],
        ),
        (
            "run-out-foreign",
            vec!["run", "scenarios/quickstart.ron", "--out", &foreign],
        ),
        ("chart-missing-dir", vec!["chart", &missing]),
        ("merge-missing", vec!["merge", &missing, "--out", &out]),
    ];
    for (name, args) in cases {
        insta::assert_snapshot!(name, seen(&args, tmp));
    }
}
