//! The catalogue of mistakes (`tests/bad/`): one file per kind of mistake, each with its
//! expected position and message in `tests/bad/expected.txt`. `check` and `run --out`
//! must exit 65 with `FILE:LINE:COLUMN: message` on stderr and write nothing.

use super::support::actsim;
use std::path::Path;
use std::process::Command;

#[test]
fn every_mistake_is_reported_where_it_is_and_nothing_is_written() {
    let expected = std::fs::read_to_string("tests/bad/expected.txt").unwrap();
    let mut listed = Vec::new();
    for line in expected.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(file), Some(position), Some(message)) =
            (parts.next(), parts.next(), parts.next())
        else {
            panic!("bad line in expected.txt: {line:?}");
        };
        listed.push(file.to_owned());
        let path = format!("tests/bad/{file}");
        let o = actsim(&["check", &path]);
        assert_eq!(o.status.code(), Some(65), "{file}");
        let err = String::from_utf8_lossy(&o.stderr);
        let first = err.lines().next().unwrap_or_default();
        let want = format!("{path}:{position}: {message}");
        assert!(
            first.starts_with(&want),
            "{file}:\n  got  {first}\n  want {want}…"
        );

        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let o = actsim(&["run", &path, "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(65), "run {file}");
        assert!(!out.exists(), "run {file} wrote {}", out.display());
    }
    let mut files: Vec<String> = std::fs::read_dir("tests/bad")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    files.sort();
    listed.sort();
    assert_eq!(files, listed, "every file of tests/bad is in expected.txt");
}

/// Limit 9: a file over 64 MB is refused after reading 64 MB, not read to the end.
#[test]
fn an_oversize_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.ron");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(65 * 1024 * 1024).unwrap();
    let o = actsim(&["check", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(65));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("larger than 64 MB"), "{err}");
}

/// Limit 4: a tiny file with unbounded work is refused, and runs with --allow-large (here
/// interrupted at once through the library, to keep the test short).
#[test]
fn unbounded_work_needs_allow_large() {
    let o = actsim(&["run", "tests/bad/random-work.ron", "--quiet"]);
    assert_eq!(o.status.code(), Some(65));
    let model = actsim::load(Path::new("tests/bad/random-work.ron")).unwrap();
    assert!(actsim::resolve::limits::check_work("f", &model, true).is_ok());
}

/// Starts `actsim` with `args`, waits until it catches SIGINT (its handler is installed
/// before the scenario is loaded; Linux shows caught signals in /proc/PID/status), then
/// interrupts it as a terminal would. Waiting for the handler, not for a fixed time, keeps
/// the tests independent of the machine's load.
#[cfg(target_os = "linux")]
fn interrupted(args: &[&str]) -> std::process::Output {
    let child = Command::new(env!("CARGO_BIN_EXE_actsim"))
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let catches_sigint = || {
        std::fs::read_to_string(&status).ok().is_some_and(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("SigCgt:"))
                .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
                .is_some_and(|mask| mask & (1 << (2 - 1)) != 0)
        })
    };
    while !catches_sigint() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait_with_output().unwrap()
}

/// Ctrl-C stops a long run: exit 130 and nothing written.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_stops_a_run_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_arg = out.to_str().unwrap();
    let o = interrupted(&[
        "run",
        "tests/bad/random-work.ron",
        "--allow-large",
        "--quiet",
        "--out",
        out_arg,
    ]);
    assert_eq!(o.status.code(), Some(130));
    assert!(!out.exists(), "nothing written");
}

/// Ctrl-C stops a trace too: exit 130, and no partial trace that would read as the
/// machine's whole life (it once printed one and exited 0).
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_stops_a_trace_and_prints_no_partial_trace() {
    let o = interrupted(&[
        "trace",
        "tests/bad/random-work.ron",
        "--allow-large",
        "--machine",
        "pcs/0",
    ]);
    assert_eq!(o.status.code(), Some(130));
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
