//! The `actsim` binary: exit codes, `--json`, files written, nothing half-written.

use super::support::actsim;
use std::path::Path;
use std::process::Output;

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const QUICKSTART: &str = "scenarios/quickstart.ron";

#[test]
fn run_prints_a_summary_and_exits_0() {
    let o = actsim(&["run", QUICKSTART]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("Fleets at the end") && out.contains("desktops"),
        "{out}"
    );
    assert!(out.contains("Expectations") && out.contains("✓"));
    assert!(
        !out.contains('\x1b'),
        "no colour codes when stdout is not a terminal"
    );
}

#[test]
fn json_prints_exactly_the_summary() {
    let o = actsim(&["run", QUICKSTART, "--json"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is only JSON");
    for field in [
        "scenario",
        "seed",
        "duration_s",
        "events",
        "fleets",
        "hosts",
        "mak_keys",
        "outcomes",
        "expectations",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    let fleet = &v["fleets"]["desktops"];
    for field in [
        "machines",
        "final",
        "first_licensed_s",
        "all_licensed_s",
        "notification_machine_days",
        "min_licensed_share",
    ] {
        assert!(
            fleet.get(field).is_some(),
            "missing fleets.desktops.{field}"
        );
    }
    let host = &v["hosts"]["kms1"];
    for field in [
        "requests",
        "failures",
        "max_count",
        "threshold_reached_s",
        "peak_requests_per_hour",
    ] {
        assert!(host.get(field).is_some(), "missing hosts.kms1.{field}");
    }
}

#[test]
fn seed_overrides_the_scenario_seed() {
    let o = actsim(&["run", QUICKSTART, "--json", "--seed", "99"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["seed"], 99);
}

#[test]
fn out_writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results");
    let o = actsim(&["run", QUICKSTART, "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "--quiet prints nothing");
    let data = [
        "summary.json",
        "timeseries.csv",
        "hosts.csv",
        "attempts.csv",
        "scenario.ron",
    ];
    for f in data.into_iter().chain(super::support::DRAWN) {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert!(ts.starts_with("time_s,day,fleet,grace,licensed,oot_grace,notification,offline\n"));
    let hosts = std::fs::read_to_string(out.join("hosts.csv")).unwrap();
    assert!(hosts.starts_with("time_s,day,host,pool,count,requests,failures\n"));
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        [".actsim"],
        "only the marker: no temporary files left behind"
    );
}

#[test]
fn a_failed_expectation_exits_1_naming_time_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fail.ron");
    let text = std::fs::read_to_string(QUICKSTART)
        .unwrap()
        .replace("pool: Windows, by: \"1d\"", "pool: Office, by: \"1d\"");
    std::fs::write(&file, text).unwrap();
    let o = actsim(&["run", file.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("FAILED") && out.contains("reached only at 2d 3h"),
        "{out}"
    );
    let o = actsim(&["run", file.to_str().unwrap(), "--json"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("reached only at 2d 3h"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_file_exits_74() {
    let o = actsim(&["run", "scenarios/no-such-file.ron"]);
    assert_eq!(code(&o), 74);
    assert!(stderr(&o).contains("no-such-file.ron"));
}

#[test]
fn invalid_scenario_exits_65_with_file_line_column_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.ron");
    std::fs::write(
        &file,
        "Scenario(\n  name: \"x\",\n  duration: \"0d\",\n  fleets: [],\n)\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = actsim(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 65);
    let err = stderr(&o);
    assert!(err.starts_with(&format!("{}:3:", file.display())), "{err}");
    assert!(!out.exists(), "nothing is written for an invalid scenario");
}

#[test]
fn unwritable_out_exits_74_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let out = blocker.join("results");
    let o = actsim(&["run", QUICKSTART, "--out", out.to_str().unwrap()]);
    assert_eq!(code(&o), 74, "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn bad_command_line_exits_2() {
    assert_eq!(code(&actsim(&["run"])), 2);
    assert_eq!(code(&actsim(&["frobnicate"])), 2);
    assert_eq!(
        code(&actsim(&["run", QUICKSTART, "--seed", "minus one"])),
        2
    );
}

#[test]
fn check_reports_one_line_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "Scenario(name: \"x\")").unwrap();
    let o = actsim(&["check", QUICKSTART, bad.to_str().unwrap()]);
    assert_eq!(code(&o), 65);
    // Valid files on stdout; each error once on stderr, then a summary line.
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(lines[0].contains("quickstart.ron: ok"));
    let err = String::from_utf8(o.stderr).unwrap();
    let lines: Vec<_> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with(&bad.display().to_string()));
    assert_eq!(lines[1], "2 checked: 1 valid, 1 with errors");
    let all: Vec<String> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| p.display().to_string())
        .collect();
    let args: Vec<&str> = std::iter::once("check")
        .chain(all.iter().map(String::as_str))
        .collect();
    assert_eq!(code(&actsim(&args)), 0);
    assert!(Path::new(QUICKSTART).exists());
}

#[test]
fn check_names_file_line_and_column_of_a_bad_link() {
    let dir = tempfile::tempdir().unwrap();
    for (name, link) in [
        (
            "unknown.ron",
            r#"Link(between: ("hq", "nowhere"), allow: [Tcp(1688)])"#,
        ),
        (
            "zero.ron",
            r#"Link(between: ("hq", "internet"), allow: [Tcp(0)])"#,
        ),
        (
            "big.ron",
            r#"Link(between: ("hq", "internet"), allow: [Udp(70000)])"#,
        ),
    ] {
        let file = dir.path().join(name);
        let text = std::fs::read_to_string(QUICKSTART).unwrap().replacen(
            "    fleets:",
            &format!("    links: [{link}],\n    fleets:"),
            1,
        );
        std::fs::write(&file, text).unwrap();
        let o = actsim(&["check", file.to_str().unwrap()]);
        assert_eq!(code(&o), 65, "{name}");
        let out = String::from_utf8(o.stderr).unwrap();
        let prefix = format!("{}:", file.display());
        let rest = out.strip_prefix(&prefix).unwrap_or_else(|| panic!("{out}"));
        let mut parts = rest.splitn(3, ':');
        let line: usize = parts.next().unwrap().parse().unwrap();
        let column: usize = parts.next().unwrap().parse().unwrap();
        assert!(line > 1 && column >= 1, "{out}");
    }
}
