//! actsim in CI pipelines (docs/ci.md): JUnit reports that validate against the schema CI
//! servers read (tests/junit/junit.xsd, with xmllint when installed, and the same structure
//! checked in Rust always), GitHub annotations, `FILE:LINE` of failed expectations,
//! `compare --json`, and the GitHub Actions and GitLab CI jobs of docs/ci.md run here.

use super::support::{actsim, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// One test case of a report: its suite, name, and failure message if it failed.
#[derive(Debug)]
pub struct Case {
    pub suite: String,
    pub name: String,
    pub failure: Option<String>,
    pub details: String,
}

/// Checks the structure of a JUnit report as the schema does (and what a schema cannot
/// say: the counts match the cases), and returns its cases and each suite's properties.
pub fn junit(xml: &str) -> (Vec<Case>, Vec<Vec<(String, String)>>) {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let attrs = |n: roxmltree::Node, allowed: &[&str]| {
        for a in n.attributes() {
            assert!(
                allowed.contains(&a.name()),
                "{}: attribute {} is not in the schema",
                n.tag_name().name(),
                a.name()
            );
        }
    };
    attrs(root, &["name", "tests", "failures", "errors", "time"]);
    let count = |n: roxmltree::Node, a: &str| -> usize {
        n.attribute(a)
            .unwrap_or_else(|| panic!("{} without {a}", n.tag_name().name()))
            .parse()
            .expect("a count")
    };
    let (mut cases, mut properties) = (Vec::new(), Vec::new());
    for suite in root.children().filter(roxmltree::Node::is_element) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        attrs(
            suite,
            &[
                "name",
                "tests",
                "failures",
                "errors",
                "skipped",
                "time",
                "timestamp",
                "hostname",
                "id",
                "package",
                "file",
            ],
        );
        let name = suite.attribute("name").expect("a suite has a name");
        assert!(!name.is_empty());
        // Properties first, then test cases, then system-out.
        let order: Vec<&str> = suite
            .children()
            .filter(roxmltree::Node::is_element)
            .map(|c| c.tag_name().name())
            .collect();
        let rank = |t: &str| match t {
            "properties" => 0,
            "testcase" => 1,
            "system-out" => 2,
            "system-err" => 3,
            other => panic!("unexpected element {other} in a testsuite"),
        };
        assert!(
            order.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
            "{order:?}"
        );
        let mut props = Vec::new();
        for p in suite
            .children()
            .filter(|c| c.has_tag_name("properties"))
            .flat_map(|c| c.children().filter(roxmltree::Node::is_element))
        {
            assert_eq!(p.tag_name().name(), "property");
            attrs(p, &["name", "value"]);
            props.push((
                p.attribute("name").expect("name").to_owned(),
                p.attribute("value").expect("value").to_owned(),
            ));
        }
        properties.push(props);
        let mine: Vec<Case> = suite
            .children()
            .filter(|c| c.has_tag_name("testcase"))
            .map(|c| {
                attrs(c, &["name", "classname", "time"]);
                let failures: Vec<roxmltree::Node> =
                    c.children().filter(|f| f.has_tag_name("failure")).collect();
                assert!(failures.len() <= 1, "at most one failure per case");
                let failure = failures.first().map(|f| {
                    attrs(*f, &["message", "type"]);
                    assert!(f.attribute("type").is_some());
                    f.attribute("message").expect("a message").to_owned()
                });
                Case {
                    suite: name.to_owned(),
                    name: c.attribute("name").expect("a case has a name").to_owned(),
                    failure,
                    details: failures
                        .first()
                        .and_then(|f| f.text())
                        .unwrap_or_default()
                        .to_owned(),
                }
            })
            .collect();
        assert_eq!(count(suite, "tests"), mine.len(), "{name}: tests");
        assert_eq!(
            count(suite, "failures"),
            mine.iter().filter(|c| c.failure.is_some()).count(),
            "{name}: failures"
        );
        cases.extend(mine);
    }
    assert_eq!(count(root, "tests"), cases.len());
    assert_eq!(
        count(root, "failures"),
        cases.iter().filter(|c| c.failure.is_some()).count()
    );
    (cases, properties)
}

/// Validates `file` against the JUnit schema with xmllint, when it is installed (.ci/run
/// installs it where it can; the structure is checked in Rust whatever happens).
pub fn xmllint(file: &Path) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit/junit.xsd");
    match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(file)
        .output()
    {
        Ok(o) => assert!(
            o.status.success(),
            "{} does not validate: {}",
            file.display(),
            text(&o.stderr)
        ),
        Err(_) => eprintln!("skipped: xmllint is not installed (apt-get install libxml2-utils)"),
    }
}

/// Reads a report, validates it both ways and returns its cases and properties.
fn report(file: &Path) -> (Vec<Case>, Vec<Vec<(String, String)>>) {
    xmllint(file);
    junit(&std::fs::read_to_string(file).expect("the report was written"))
}

const FAILING: &str = r#"// Twenty PCs never reach the threshold of 25.
Scenario(
    name: "too few", duration: "40d",
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq")],
    kms_hosts: [KmsHost(name: "kms1", site: "hq")],
    fleets: [Fleet(name: "pcs", site: "hq", count: 20, activation: Kms())],
    expect: [
        LicensedShare(fleet: "pcs", at_least: 0.0, from: "1d"),
        NoneIn(fleet: "pcs",
               state: Notification),
    ],
)
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn run_junit_lists_each_expectation_with_its_line_time_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "too-few.ron", FAILING);
    let file = scenario.display().to_string();
    let xml = dir.path().join("reports/run.xml");
    let o = actsim(&["run", &file, "--quiet", "--junit", xml.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    // stderr: compiler-style FILE:LINE (line 10: the NoneIn entry starts there).
    assert_eq!(
        text(&o.stderr),
        format!(
            "{file}:10: expectation failed: NoneIn(fleet: \"pcs\", state: Notification): \
             first machine in notification at 30d; at most 20 at once\n"
        )
    );
    let (cases, properties) = report(&xml);
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].failure, None, "the share expectation held");
    assert_eq!(
        cases[1].failure.as_deref(),
        Some("first machine in notification at 30d; at most 20 at once")
    );
    assert!(
        cases[1].details.starts_with(&format!("{file}:10: NoneIn")),
        "{}",
        cases[1].details
    );
    let props = &properties[0];
    let get = |n: &str| props.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    assert_eq!(get("seed"), Some("0"));
    assert_eq!(get("fleet.pcs.notification_machine_days"), Some("200"));
    assert_eq!(get("fleet.pcs.all_licensed_d"), Some(""), "never: empty");
    // The same run gives the same bytes (no clock in the report).
    let again = dir.path().join("again.xml");
    actsim(&["run", &file, "--quiet", "--junit", again.to_str().unwrap()]);
    assert_eq!(std::fs::read(&xml).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn run_junit_with_strict_adds_the_problems_as_a_case() {
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("run.xml");
    // Migration: every expectation holds, but the run finds a problem.
    let o = actsim(&[
        "run",
        "scenarios/migration.ron",
        "--quiet",
        "--strict",
        "--junit",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let (cases, _) = report(&xml);
    let strict = cases.last().unwrap();
    assert_eq!(strict.name, "no problem found (--strict)");
    assert!(
        strict.failure.as_deref().unwrap().contains("dmz-servers"),
        "{strict:?}"
    );
    assert!(cases[..cases.len() - 1].iter().all(|c| c.failure.is_none()));
    // The passing scenario: every case passes.
    let ok = dir.path().join("ok.xml");
    let o = actsim(&[
        "run",
        "scenarios/quickstart.ron",
        "--quiet",
        "--junit",
        ok.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let (cases, _) = report(&ok);
    assert_eq!(cases.len(), 5);
    assert!(cases.iter().all(|c| c.failure.is_none()));
}

#[test]
fn failed_expectations_name_their_line_in_the_terminal_summary() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "too-few.ron", FAILING);
    let o = actsim(&["run", scenario.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert!(
        out.contains("✗ FAILED line 10: NoneIn(fleet: \"pcs\", state: Notification)"),
        "{out}"
    );
}

#[test]
fn github_annotations_only_in_github_actions() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "too-few.ron", FAILING);
    let file = scenario.to_str().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(["run", file, "--quiet"])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!(
            "::error file={file},line=10,title=actsim%3A expectation failed::NoneIn(fleet: \
             \"pcs\", state: Notification): first machine in notification at 30d; at most 20 \
             at once"
        )),
        "{err}"
    );
    // The problem is a warning without --strict.
    assert!(
        err.contains(&format!(
            "::warning file={file},title=actsim%3A problem::pcs:"
        )),
        "{err}"
    );
    assert!(o.stdout.is_empty(), "annotations stay off stdout");
    // An invalid scenario: at its line and column.
    let bad = write(
        dir.path(),
        "bad.ron",
        &FAILING.replace("\"hq\")]", "\"hq2\")]"),
    );
    let o = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(["check", bad.to_str().unwrap()])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(65));
    let err = text(&o.stderr);
    assert!(
        err.lines().any(
            |l| l.starts_with(&format!("::error file={},line=", bad.display()))
                && l.contains(",col=")
                && l.contains("title=actsim%3A invalid scenario::")
        ),
        "{err}"
    );
    // Not in GitHub Actions: no workflow command.
    let o = actsim(&["run", file, "--quiet"]);
    assert!(!text(&o.stderr).contains("::error"));
}

/// The quickstart with one more policy line.
fn candidate(dir: &Path, policy: &str) -> PathBuf {
    let text = std::fs::read_to_string("scenarios/quickstart.ron").unwrap();
    let edited = text.replacen(
        "    timeline:",
        &format!("    policy: Policy({policy}),\n    timeline:"),
        1,
    );
    write(dir, "candidate.ron", &edited)
}

#[test]
fn compare_junit_and_json_list_every_condition() {
    let dir = tempfile::tempdir().unwrap();
    let cand = candidate(dir.path(), r#"renewal_interval: "1d""#);
    let xml = dir.path().join("compare.xml");
    let args = [
        "compare",
        "scenarios/quickstart.ron",
        cand.to_str().unwrap(),
        "--replications",
        "2",
        "--fail-if",
        "requests > base * 1.5",
        "--fail-if",
        "notification_machine_days > base",
    ];
    let mut with_junit = args.to_vec();
    with_junit.extend(["--junit", xml.to_str().unwrap()]);
    let o = actsim(&with_junit);
    assert_eq!(o.status.code(), Some(1));
    let (cases, properties) = report(&xml);
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].name, "--fail-if \"requests > base * 1.5\"");
    let message = cases[0].failure.as_deref().expect("requests went up");
    assert!(message.starts_with("candidate "), "{message}");
    assert_eq!(cases[1].failure, None);
    let props = &properties[0];
    assert!(props.iter().any(|(k, _)| k == "requests.base"));
    assert!(props.iter().any(|(k, _)| k == "host.kms1.requests.change"));

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let o = actsim(&json_args);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is only JSON");
    assert_eq!(v["failed"], true);
    assert_eq!(v["replications"], 2);
    assert_eq!(v["conditions"][0]["condition"], "requests > base * 1.5");
    assert_eq!(v["conditions"][0]["holds"], true);
    assert_eq!(v["conditions"][1]["holds"], false);
    let metrics = v["metrics"].as_array().unwrap();
    let requests = metrics.iter().find(|m| m["metric"] == "requests").unwrap();
    assert_eq!(requests["changed"], true);
    assert!(requests["change_ci95"].is_array());
    // Every metric is in the JSON, changed or not.
    assert!(metrics.iter().any(|m| m["changed"] == false));
}

#[test]
fn compare_shows_what_changed_without_float_noise() {
    let dir = tempfile::tempdir().unwrap();
    let cand = candidate(dir.path(), r#"renewal_interval: "1d""#);
    let args = [
        "compare",
        "scenarios/quickstart.ron",
        cand.to_str().unwrap(),
        "--replications",
        "3",
        "--fail-if",
        "failures > base",
    ];
    let o = actsim(&args);
    let out = text(&o.stdout);
    // The condition's verdict comes before the table.
    let verdict = out.find("ok   --fail-if \"failures > base\"").expect(&out);
    let table = out.find("  metric ").expect(&out);
    assert!(verdict < table, "{out}");
    let rows: Vec<&str> = out[table..].lines().skip(1).collect();
    // Changed metrics, plus the one the condition names although it did not change.
    assert!(rows.iter().any(|r| r.trim_start().starts_with("requests ")));
    assert!(rows.iter().any(|r| r.trim_start().starts_with("failures ")));
    assert!(
        !rows
            .iter()
            .any(|r| r.trim_start().starts_with("outcome.0xC004F074")),
        "an unchanged metric is left out: {out}"
    );
    assert!(
        rows.last()
            .unwrap()
            .contains("unchanged; --all lists every metric")
    );
    // No float noise: at most 4 decimals anywhere in the table.
    for word in out.split_whitespace() {
        let number = word.trim_matches(|c: char| "[],+()".contains(c));
        if let (Ok(_), Some((_, decimals))) = (number.parse::<f64>(), number.split_once('.')) {
            assert!(decimals.len() <= 4, "{word} in {out}");
        }
    }
    let mut all = args.to_vec();
    all.push("--all");
    let o = actsim(&all);
    let out = text(&o.stdout);
    assert!(out.contains("outcome.0xC004F074"));
    assert!(!out.contains("--all lists"));
}

#[test]
fn compare_checks_metric_names_before_running_anything() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let o = actsim(&[
        "compare",
        "scenarios/quickstart.ron",
        "scenarios/quickstart.ron",
        "--replications",
        "20",
        "--fail-if",
        "requets > base",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "nothing ran");
    assert!(!out.exists(), "nothing written");
    let err = text(&o.stderr);
    assert!(err.contains("no metric \"requets\""), "{err}");
    assert!(err.contains("did you mean \"requests\"?"), "{err}");
    assert!(
        err.contains("fleet.NAME.{final_licensed_share, min_licensed_share"),
        "{err}"
    );
    assert!(err.contains("desktops, servers, office"), "{err}");
    assert!(!err.contains("compare.csv"), "{err}");
}

#[test]
fn compare_warns_when_fleets_or_hosts_differ() {
    let o = actsim(&[
        "compare",
        "scenarios/quickstart.ron",
        "scenarios/two-hosts.ron",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: fleets \"servers\", \"office\" only in the base: not compared"),
        "{err}"
    );
    assert!(
        err.contains("warning: KMS hosts \"kms-primary\", \"kms-standby\" only in the candidate"),
        "{err}"
    );
    let o = actsim(&[
        "compare",
        "scenarios/quickstart.ron",
        "scenarios/mak-branch.ron",
    ]);
    let err = text(&o.stderr);
    assert!(err.contains("no fleet in common"), "{err}");
    let o = actsim(&[
        "compare",
        "scenarios/quickstart.ron",
        "scenarios/quickstart.ron",
    ]);
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
}

/// A scenario with two hosts, for sweeping which exist.
const TWO_HOSTS: &str = r#"// One KMS host or two for 30 lab PCs?
Scenario(
    name: "lab hosts", duration: "60d", seed: 5,
    sites: [Site(name: "hq")],
    domains: [Domain(name: "corp", dns_site: "hq", srv_update: AnyHost)],
    kms_hosts: [
        KmsHost(name: "kms1", site: "hq"),
        KmsHost(name: "kms2", site: "hq"),
    ],
    fleets: [Fleet(name: "pcs", site: "hq", count: 30, activation: Kms(),
                   arrival: Ramp(start: "0d", over: "10d"))],
    expect: [
        LicensedShare(fleet: "pcs", at_least: 1.0, from: "20d"),
    ],
)
"#;

#[test]
fn one_host_or_two_is_one_sweep_with_a_junit_report() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "hosts.ron", TWO_HOSTS);
    let out = dir.path().join("sweep");
    let xml = dir.path().join("sweep.xml");
    let o = actsim(&[
        "sweep",
        scenario.to_str().unwrap(),
        "--set",
        "kms_hosts=kms1,kms1+kms2",
        "--replications",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
        "--junit",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let rows: Vec<Vec<&str>> = runs.lines().map(|l| l.split(',').collect()).collect();
    let col = |name: &str| rows[0].iter().position(|h| *h == name).unwrap();
    // host.kms2.* exists only where kms2 does, and comes after host.kms1.*.
    assert!(col("host.kms1.threshold_reached_d") < col("host.kms2.requests"));
    assert_eq!(rows[1][col("kms_hosts")], "kms1");
    assert_eq!(rows[1][col("host.kms2.requests")], "");
    assert_eq!(rows[3][col("kms_hosts")], "kms1+kms2");
    assert_ne!(rows[3][col("host.kms2.requests")], "");
    // Thirty PCs share two hosts: neither reaches 25, so the second host makes it worse.
    assert_eq!(rows[1][col("fleet.pcs.final_licensed_share")], "1");
    assert_eq!(rows[3][col("fleet.pcs.final_licensed_share")], "0");

    let (cases, properties) = report(&xml);
    assert_eq!(cases.len(), 2, "one expectation × two combinations");
    assert_eq!(cases[0].suite, "kms_hosts=kms1");
    assert_eq!(cases[0].failure, None);
    assert_eq!(cases[1].suite, "kms_hosts=kms1+kms2");
    let message = cases[1].failure.as_deref().unwrap();
    assert!(
        message
            .starts_with("failed in 2 of 2 replications; replication 0 (seed 5): licensed share"),
        "{message}"
    );
    assert!(cases[1].details.starts_with("line 13: LicensedShare"));
    assert!(properties[1].contains(&("set kms_hosts".into(), "kms1+kms2".into())));
    assert!(properties[0].contains(&("host.kms2.requests.mean".into(), String::new())));

    // merge --junit writes the same report from the units.
    let merged = dir.path().join("merged");
    let again = dir.path().join("merged.xml");
    let o = actsim(&[
        "merge",
        out.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
        "--junit",
        again.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&xml).unwrap(), std::fs::read(&again).unwrap());
    assert_eq!(
        std::fs::read(out.join("runs.csv")).unwrap(),
        std::fs::read(merged.join("runs.csv")).unwrap()
    );
}

#[test]
fn a_list_value_that_leaves_out_a_referenced_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    // two-hosts.ron's expectations name kms-standby: a sweep without it is invalid.
    let o = actsim(&[
        "sweep",
        "scenarios/two-hosts.ron",
        "--set",
        "kms_hosts=kms-standby,kms-primary",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(65));
    let err = text(&o.stderr);
    // The first combination without kms-primary, which the timeline names.
    assert!(
        err.contains("with kms_hosts=kms-standby: unknown KMS host \"kms-primary\""),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
    let o = actsim(&[
        "sweep",
        "scenarios/two-hosts.ron",
        "--set",
        "kms_hosts=kms-primary+kms3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no item named \"kms3\""));
}

#[test]
fn junit_only_for_a_whole_sweep() {
    let o = actsim(&[
        "sweep",
        "scenarios/lab-threshold.ron",
        "--shard",
        "1/2",
        "--junit",
        "x.xml",
        "--out",
        "/nonexistent",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!Path::new("x.xml").exists());
}

/// The script lines of the step named `step` of the GitHub Actions workflow in docs/ci.md.
fn github_step(doc: &str, step: &str) -> String {
    let lines: Vec<&str> = doc.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("- name: {step}"))
        .unwrap_or_else(|| panic!("no step {step:?} in docs/ci.md"));
    let run = &lines[at + 1];
    assert_eq!(run.trim(), "run: |", "{step}");
    let indent = run.len() - run.trim_start().len();
    lines[at + 2..]
        .iter()
        .take_while(|l| l.len() - l.trim_start().len() > indent || l.trim().is_empty())
        .map(|l| l.trim_start())
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned()
}

/// The `script:` of the GitLab CI job in docs/ci.md, as one shell script.
fn gitlab_script(doc: &str) -> String {
    let lines: Vec<&str> = doc.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == "script:")
        .expect("a script in docs/ci.md");
    let indent = |l: &str| l.len() - l.trim_start().len();
    let item = indent(lines[at + 1]);
    let mut script = Vec::new();
    let mut i = at + 1;
    while i < lines.len() && indent(lines[i]) >= item && !lines[i].trim().is_empty() {
        let entry = lines[i]
            .trim_start()
            .strip_prefix("- ")
            .expect("a list item");
        if entry == "|" {
            i += 1;
            while i < lines.len() && indent(lines[i]) > item {
                script.push(lines[i].trim_start().to_owned());
                i += 1;
            }
        } else {
            script.push(entry.to_owned());
            i += 1;
        }
    }
    script.join("\n")
}

/// A scratch repository as a CI runner sees it: `network.ron` on `main` (the quickstart),
/// pushed to an `origin`, and a checkout of a change to it.
fn repository(dir: &Path, change: &str) -> PathBuf {
    let git = |cwd: &Path, args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(cwd)
            .env("GIT_AUTHOR_NAME", "ci")
            .env("GIT_AUTHOR_EMAIL", "ci@example.org")
            .env("GIT_COMMITTER_NAME", "ci")
            .env("GIT_COMMITTER_EMAIL", "ci@example.org")
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
    };
    let origin = dir.join("origin.git");
    git(dir, &["init", "-q", "--bare", "-b", "main", "origin.git"]);
    let work = dir.join("work");
    git(dir, &["init", "-q", "-b", "main", "work"]);
    let base = std::fs::read_to_string("scenarios/quickstart.ron").unwrap();
    std::fs::write(work.join("network.ron"), &base).unwrap();
    git(&work, &["add", "network.ron"]);
    git(&work, &["commit", "-q", "-m", "network"]);
    let url = format!("file://{}", origin.display());
    git(&work, &["remote", "add", "origin", &url]);
    git(&work, &["push", "-q", "origin", "main"]);
    git(&work, &["checkout", "-q", "-b", "change"]);
    let edited = base.replacen(
        "    timeline:",
        &format!("    policy: Policy({change}),\n    timeline:"),
        1,
    );
    std::fs::write(work.join("network.ron"), edited).unwrap();
    git(&work, &["commit", "-q", "-am", "change"]);
    work
}

fn git_available() -> bool {
    Command::new("git").arg("--version").output().is_ok()
}

/// Runs `script` with bash -e in `cwd`, `actsim` on the PATH.
fn bash(cwd: &Path, script: &str, env: &[(&str, &str)]) -> Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_actsim")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("bash");
    c.args(["-e", "-c", script])
        .current_dir(cwd)
        .env("PATH", path)
        .env_remove("GITHUB_ACTIONS");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// A job of docs/ci.md: its name, its script and the variables its CI server sets.
type Job<'a> = (&'a str, &'a String, Vec<(&'a str, &'a str)>);

/// The jobs of docs/ci.md, run here: a change that makes the hosts answer seven times as
/// many requests is blocked with a JUnit report naming the condition; a harmless change
/// passes.
#[test]
fn the_ci_jobs_of_the_docs_run_and_gate_the_change() {
    if !git_available() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let doc = std::fs::read_to_string("docs/ci.md").unwrap();
    assert!(doc.contains("cargo install --locked --git"));
    let github = github_step(&doc, "Compare with the target branch");
    let gitlab = gitlab_script(&doc);
    assert!(github.contains("actsim compare"), "{github}");
    assert!(gitlab.contains("actsim check network.ron"), "{gitlab}");
    let compare = |s: &str| s[s.find("actsim compare").unwrap()..].to_owned();
    assert_eq!(
        compare(&github),
        compare(&gitlab),
        "the two jobs gate alike"
    );

    for (change, blocked) in [
        (r#"renewal_interval: "1d""#, true),
        (r#"cmid_retention: "30d""#, false),
    ] {
        let jobs: [Job; 2] = [
            (
                "github",
                &github,
                vec![("GITHUB_BASE_REF", "main"), ("GITHUB_ACTIONS", "true")],
            ),
            (
                "gitlab",
                &gitlab,
                vec![("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")],
            ),
        ];
        for (name, script, env) in jobs {
            let dir = tempfile::tempdir().unwrap();
            let work = repository(dir.path(), change);
            let o = bash(&work, script, &env);
            let said = format!("{}{}", text(&o.stdout), text(&o.stderr));
            assert_eq!(
                o.status.code(),
                Some(if blocked { 1 } else { 0 }),
                "{name}, {change}: {said}"
            );
            let (cases, _) = report(&work.join("actsim-compare.xml"));
            let failed: Vec<&str> = cases
                .iter()
                .filter(|c| c.failure.is_some())
                .map(|c| c.name.as_str())
                .collect();
            if blocked {
                assert_eq!(failed, ["--fail-if \"requests > base * 1.5\""], "{name}");
            } else {
                assert!(failed.is_empty(), "{name}: {failed:?}");
            }
            assert_eq!(cases.len(), 3, "{name}");
            assert!(work.join("actsim-compare/compare.csv").is_file());
            if name == "github" && blocked {
                assert!(
                    said.contains("::error file=network.ron,title=actsim compare%3A the change is blocked::--fail-if \"requests > base * 1.5\" holds: candidate"),
                    "{said}"
                );
            }
        }
    }
}
