//! `actsim sweep` and `actsim merge`: thread-count independence, shards merged equal to the
//! whole, idempotent resumes, and the seed of a replication independent of the sweep.

use std::path::Path;
use std::process::{Command, Output};

const SCENARIO: &str = "scenarios/two-hosts.ron";
const SETS: [&str; 4] = [
    "--set",
    "fleets.desktops.count=20,40,80",
    "--set",
    "policy.renewal_interval=1d,7d",
];

fn actsim(args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn sweep(out: &Path, extra: &[&str]) {
    let mut args = vec!["sweep", SCENARIO];
    args.extend(SETS);
    args.extend([
        "--replications",
        "3",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    args.extend(extra);
    actsim(&args);
}

fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["runs.csv", "summary.csv", "sweep.svg", "sweep.png"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
        .collect()
}

#[test]
fn one_and_two_threads_write_the_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    sweep(a.path(), &["--threads", "1"]);
    sweep(b.path(), &["--threads", "2"]);
    assert!(outputs(a.path()) == outputs(b.path()));
    let runs = String::from_utf8(std::fs::read(a.path().join("runs.csv")).unwrap()).unwrap();
    assert_eq!(runs.lines().count(), 1 + 3 * 2 * 3, "18 runs and a header");
}

#[test]
fn three_shards_merged_equal_the_whole_sweep() {
    let whole = tempfile::tempdir().unwrap();
    sweep(whole.path(), &[]);
    let shards: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for (i, dir) in shards.iter().enumerate() {
        sweep(dir.path(), &["--shard", &format!("{}/3", i + 1)]);
        assert!(
            !dir.path().join("runs.csv").exists(),
            "a shard writes units only"
        );
    }
    let merged = tempfile::tempdir().unwrap();
    let mut args = vec!["merge"];
    let names: Vec<String> = shards
        .iter()
        .map(|d| d.path().display().to_string())
        .collect();
    args.extend(names.iter().map(String::as_str));
    args.extend(["--out", merged.path().to_str().unwrap()]);
    actsim(&args);
    assert!(outputs(whole.path()) == outputs(merged.path()));
}

#[test]
fn merge_refuses_an_incomplete_sweep() {
    let shard = tempfile::tempdir().unwrap();
    sweep(shard.path(), &["--shard", "1/3"]);
    let o = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(["merge", shard.path().to_str().unwrap(), "--out"])
        .arg(shard.path().join("merged"))
        .output()
        .unwrap();
    // Incomplete input, not an invalid scenario.
    assert_eq!(o.status.code(), Some(66));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("12 of 18 units are missing"), "{err}");
}

#[test]
fn the_scheduler_index_picks_the_shard() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    sweep(a.path(), &["--shard", "2/3"]);
    let mut args = vec!["sweep", SCENARIO];
    args.extend(SETS);
    args.extend(["--replications", "3", "--quiet", "--shards", "3", "--out"]);
    let o = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(&args)
        .arg(b.path())
        .env("JOB_COMPLETION_INDEX", "1")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let list = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d.join("units"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().ends_with(".json"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(list(a.path()), list(b.path()));
    assert_eq!(list(a.path()).len(), 6);
}

#[test]
fn a_rerun_keeps_complete_units_and_redoes_only_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), &[]);
    let before = outputs(dir.path());
    let unit = dir.path().join("units/u0000004.json");
    let kept = dir.path().join("units/u0000005.json");
    let kept_time = std::fs::metadata(&kept).unwrap().modified().unwrap();
    std::fs::remove_file(&unit).unwrap();
    let mut args = vec!["sweep", SCENARIO];
    args.extend(SETS);
    args.extend(["--replications", "3", "--out", dir.path().to_str().unwrap()]);
    let o = actsim(&args);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("1 run now, 17 already complete"), "{said}");
    assert!(unit.exists());
    assert_eq!(
        std::fs::metadata(&kept).unwrap().modified().unwrap(),
        kept_time
    );
    assert!(outputs(dir.path()) == before);
}

#[test]
fn replication_k_is_the_same_run_in_any_sweep() {
    // Replication 0 is the plain run; replication k's seed does not depend on the combination.
    let dir = tempfile::tempdir().unwrap();
    actsim(&[
        "sweep",
        SCENARIO,
        "--set",
        "fleets.desktops.count=300",
        "--replications",
        "2",
        "--quiet",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let runs = String::from_utf8(std::fs::read(dir.path().join("runs.csv")).unwrap()).unwrap();
    let rows: Vec<Vec<&str>> = runs.lines().map(|l| l.split(',').collect()).collect();
    let plain: serde_json::Value =
        serde_json::from_slice(&actsim(&["run", SCENARIO, "--json"]).stdout).unwrap();
    let requests = rows[0].iter().position(|h| *h == "requests").unwrap();
    let total: u64 = plain["hosts"]
        .as_object()
        .unwrap()
        .values()
        .map(|h| h["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(
        rows[1][3], "3",
        "replication 0 runs with the scenario's seed"
    );
    assert_eq!(rows[1][requests], total.to_string());
    assert_eq!(
        rows[2][3],
        actsim::sweep::replication_seed(3, 1).to_string()
    );
}

#[test]
fn a_bad_set_is_a_usage_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |set: &str| {
        Command::new(env!("CARGO_BIN_EXE_actsim"))
            .args(["sweep", SCENARIO, "--set", set, "--out"])
            .arg(&out)
            .output()
            .unwrap()
    };
    let o = run("fleets.nobody.count=1");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nobody"));
    let o = run("duration=100d,0d");
    assert_eq!(
        o.status.code(),
        Some(65),
        "a zero duration is an invalid scenario"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("two-hosts.ron:") && err.contains("duration=0d"),
        "{err}"
    );
    assert!(
        !out.exists(),
        "nothing runs when one combination is invalid"
    );
}

/// Shards may share one output directory (README, docs/outputs.md): the second shard once
/// refused the directory the first had created, which held units but no `.actsim` marker.
#[test]
fn shards_share_one_directory_and_merge_equals_the_whole() {
    let whole = tempfile::tempdir().unwrap();
    sweep(whole.path(), &[]);
    let scratch = tempfile::tempdir().unwrap();
    let shared = scratch.path().join("shards");
    for i in 1..=3 {
        sweep(&shared, &["--shard", &format!("{i}/3")]);
    }
    let merged = scratch.path().join("merged");
    actsim(&[
        "merge",
        shared.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(outputs(whole.path()) == outputs(&merged));
}
