//! On an admin's machine: output directories that cannot hurt (a marker, `--force`), a
//! sweep that refuses another sweep's directory before writing anything, exit codes that mean
//! one thing, shell completions, manual pages, `--version` with the commit, and the progress
//! of long runs.

use super::support::{actsim, text};
use std::path::Path;
use std::process::Command;

/// A directory holding somebody's own report.html.
fn foreign(dir: &Path) -> std::path::PathBuf {
    let mine = dir.join("mydocs");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("report.html"), "my own report").unwrap();
    mine
}

#[test]
fn no_command_writes_into_a_directory_actsim_did_not_write_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let mine = foreign(dir.path());
    let out = mine.to_str().unwrap();
    let sweep = [
        "sweep",
        "scenarios/lab-threshold.ron",
        "--set",
        "fleets.lab-a.count=24,25",
        "--quiet",
        "--out",
        out,
    ];
    let commands: Vec<Vec<&str>> = vec![
        vec!["run", "scenarios/quickstart.ron", "--quiet", "--out", out],
        sweep.to_vec(),
        vec!["chart", out],
        vec![
            "compare",
            "scenarios/quickstart.ron",
            "scenarios/quickstart.ron",
            "--out",
            out,
        ],
        vec!["merge", out, "--out", out],
    ];
    for args in &commands {
        let o = actsim(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("actsim did not write it (no .actsim file)"),
            "{args:?}: {}",
            text(&o.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(mine.join("report.html")).unwrap(),
            "my own report",
            "{args:?}"
        );
        assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1, "{args:?}");
    }
    // With --force the user says it is fine.
    let o = actsim(&[
        "run",
        "scenarios/quickstart.ron",
        "--quiet",
        "--out",
        out,
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(mine.join(".actsim").is_file());
    // From then on it is actsim's directory: no --force needed.
    let o = actsim(&["run", "scenarios/quickstart.ron", "--quiet", "--out", out]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn a_sweep_refuses_the_directory_of_another_sweep_before_writing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let run = |values: &str| {
        actsim(&[
            "sweep",
            "scenarios/lab-threshold.ron",
            "--set",
            values,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    assert_eq!(run("fleets.lab-a.count=24,25").status.code(), Some(0));
    let snapshot = || {
        let mut files: Vec<(String, Vec<u8>)> = walk(&out)
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    let o = run("fleets.lab-a.count=20,30");
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("holds units of another sweep"), "{err}");
    assert!(err.contains("nothing was run"), "{err}");
    assert!(
        snapshot() == before,
        "not one unit of the first sweep changed"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn merging_units_of_two_sweeps_is_incomplete_input_not_an_invalid_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (out, values) in [
        (&a, "fleets.lab-a.count=24,25"),
        (&b, "fleets.lab-a.count=20"),
    ] {
        let o = actsim(&[
            "sweep",
            "scenarios/lab-threshold.ron",
            "--set",
            values,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0));
    }
    let merged = dir.path().join("merged");
    let o = actsim(&[
        "merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(66));
    assert!(text(&o.stderr).contains("belongs to another sweep"));
    assert!(!merged.exists());
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = actsim(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = text(&o.stdout);
        for word in ["compare", "sweep", "fail-if", "junit"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    assert_eq!(actsim(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn the_manual_pages_come_from_the_command_line_definitions() {
    let o = actsim(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = text(&o.stdout);
    assert!(
        page.starts_with(".ie"),
        "roff: {}",
        &page[..40.min(page.len())]
    );
    assert!(page.contains(".TH actsim 1"), "{page}");
    assert!(page.contains("compare"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    let o = actsim(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "actsim-advise.1",
            "actsim-chart.1",
            "actsim-check.1",
            "actsim-compare.1",
            "actsim-completions.1",
            "actsim-import-inventory.1",
            "actsim-import-kms-log.1",
            "actsim-import.1",
            "actsim-man.1",
            "actsim-merge.1",
            "actsim-run.1",
            "actsim-sweep.1",
            "actsim-trace.1",
            "actsim.1",
        ]
    );
    let compare = std::fs::read_to_string(dir.path().join("actsim-compare.1")).unwrap();
    assert!(compare.contains("fail\\-if"), "{compare}");
}

#[test]
fn version_names_the_commit_when_built_from_git() {
    let o = actsim(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    let version = text(&o.stdout);
    assert!(
        version.starts_with(&format!("actsim {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    let head = Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short=12",
            "HEAD",
        ])
        .output();
    match head {
        Ok(h) if h.status.success() => {
            let commit = text(&h.stdout).trim().to_owned();
            assert_eq!(
                version.trim(),
                format!("actsim {} (git {commit})", env!("CARGO_PKG_VERSION"))
            );
        }
        // A source tarball: the version alone.
        _ => assert_eq!(
            version.trim(),
            format!("actsim {}", env!("CARGO_PKG_VERSION"))
        ),
    }
}

/// A watched run (the progress bar's) computes exactly what a plain run does, and its last
/// checkpoint is within 1,024 events of the end.
#[test]
fn watching_a_run_does_not_change_it() {
    let model = actsim::load(Path::new("scenarios/quickstart.ron")).unwrap();
    let plain = actsim::run(&model, model.seed);
    let progress = actsim::progress::Progress::default();
    let watched = actsim::run_watched(&model, model.seed, &progress);
    let json = |o: &actsim::Outcome| actsim::report::summary(&model, model.seed, o).to_json();
    assert!(json(&plain) == json(&watched));
    assert_eq!(
        actsim::report::timeseries_csv(&model, &plain),
        actsim::report::timeseries_csv(&model, &watched)
    );
    let (now, events) = progress.get();
    assert!(events > 0 && events % 1024 == 0, "{events}");
    assert!(watched.events - events < 1024);
    assert!(now > 0 && now <= model.duration);
}

/// A long `run --event-log` gets the progress bar too: the log and the outcome are the same
/// watched or not.
#[test]
fn watching_a_run_with_its_event_log_does_not_change_it() {
    let model = actsim::load(Path::new("scenarios/quickstart.ron")).unwrap();
    let (plain, plain_log) = actsim::run_with_event_log(&model, model.seed, None);
    let progress = actsim::progress::Progress::default();
    let (watched, watched_log) = actsim::run_with_event_log(&model, model.seed, Some(&progress));
    let json = |o: &actsim::Outcome| actsim::report::summary(&model, model.seed, o).to_json();
    assert!(json(&plain) == json(&watched));
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("plain.csv"), dir.path().join("watched.csv"));
    actsim::eventlog::write::write(&a, &model, &plain_log).unwrap();
    actsim::eventlog::write::write(&b, &model, &watched_log).unwrap();
    let log = std::fs::read(&a).unwrap();
    assert!(log.len() > 1000, "the quickstart's hosts answer requests");
    assert!(log == std::fs::read(&b).unwrap());
    assert!(progress.get().1 > 0);
}

#[test]
fn a_progress_bar_only_for_long_runs_on_a_terminal() {
    use actsim::cli::run::{PROGRESS_EVENTS, progress_wanted};
    use clap::Parser;
    let args = |extra: &[&str]| {
        let mut all = vec!["actsim", "run", "x.ron"];
        all.extend(extra);
        match actsim::cli::Cli::parse_from(all).command {
            actsim::cli::Command::Run(a) => a,
            _ => unreachable!(),
        }
    };
    let long = PROGRESS_EVENTS + 1;
    assert!(progress_wanted(long, true, &args(&[])));
    assert!(!progress_wanted(PROGRESS_EVENTS, true, &args(&[])), "short");
    assert!(!progress_wanted(long, false, &args(&[])), "stderr piped");
    assert!(!progress_wanted(long, true, &args(&["--quiet"])));
    assert!(!progress_wanted(long, true, &args(&["--json"])));
    // The million-machine year (about 4 s) gets one; the quickstart does not.
    let million = actsim::load(Path::new("scenarios/bench/million.ron")).unwrap();
    assert!(actsim::resolve::limits::work(&million).0 > PROGRESS_EVENTS);
    let quick = actsim::load(Path::new("scenarios/quickstart.ron")).unwrap();
    assert!(actsim::resolve::limits::work(&quick).0 < PROGRESS_EVENTS);
}
