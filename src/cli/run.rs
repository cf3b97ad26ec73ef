//! `actsim run FILE [--out DIR] [--seed N] [--json] [--quiet] [--strict] [--junit FILE]
//! [--event-log PATH]`

use super::github::{self, Annotation, Level};
use super::{Exit, RunArgs};
use crate::progress::Progress;
use crate::report;
use std::io::IsTerminal;

/// Runs estimated to handle more events than this (about two seconds at the 12 million
/// events a second of the million-machine year, README "Performance") show a progress bar.
pub const PROGRESS_EVENTS: u64 = 25_000_000;

/// Whether a run gets a progress bar: a long one, drawn on a terminal, unless the output is
/// to be machine-read or silent.
pub fn progress_wanted(estimated_events: u64, stderr_terminal: bool, args: &RunArgs) -> bool {
    estimated_events > PROGRESS_EVENTS && stderr_terminal && !args.quiet && !args.json
}

#[allow(clippy::expect_used)] // a summary is plain data with string keys: serialising it cannot fail
pub fn run(args: &RunArgs) -> Exit {
    let model = match super::load(&args.file, args.allow_large) {
        Ok(model) => model,
        Err(e) => return Exit::Error(e),
    };
    if let Some(dir) = &args.out
        && let Err(e) = report::check_out_dir(dir, args.force)
    {
        return Exit::Error(e);
    }
    // A directory of event logs is an output directory like --out: a foreign one is
    // refused without --force (a single .csv or .xml file is written beside others).
    if let Some(dir) = &args.event_log
        && crate::eventlog::write::single_file(dir).is_none()
        && let Err(e) = report::check_out_dir(dir, args.force)
    {
        return Exit::Error(e);
    }
    let seed = args.seed.unwrap_or(model.seed);
    // The run, keeping its KMS requests for --event-log, watched by a progress bar if long.
    let simulate = |progress: Option<&Progress>| match (&args.event_log, progress) {
        (Some(_), progress) => {
            let (outcome, log) = crate::run_with_event_log(&model, seed, progress);
            (outcome, Some(log))
        }
        (None, Some(p)) => (crate::run_watched(&model, seed, p), None),
        (None, None) => (crate::run(&model, seed), None),
    };
    let (events, _) = crate::resolve::limits::work(&model);
    let (outcome, event_log) = if progress_wanted(events, std::io::stderr().is_terminal(), args) {
        super::progress::run(&model, |p| simulate(Some(p)))
    } else {
        simulate(None)
    };
    if crate::interrupt::requested() {
        return Exit::Error(crate::Error::Interrupted);
    }
    if let (Some(path), Some(log)) = (&args.event_log, &event_log)
        && let Err(e) = crate::eventlog::write::write(path, &model, log)
    {
        return Exit::Error(e);
    }
    let summary = report::summary(&model, seed, &outcome);
    let file = args.file.display().to_string();
    // Files first: if they cannot be written, nothing is printed as if the run succeeded.
    if let Some(dir) = &args.out
        && let Err(e) = report::write_run(dir, &model, &summary, &outcome)
    {
        return Exit::Error(e);
    }
    if let Some(path) = &args.junit {
        let metrics = crate::sweep::metrics::of(&model, &outcome);
        let xml = report::junit::run(&file, &model, &summary, &metrics, args.strict);
        if let Err(e) = report::write_file(path, &xml) {
            return Exit::Error(e);
        }
    }
    if args.json {
        let json = serde_json::to_string_pretty(&summary).expect("a summary always serialises");
        println!("{json}");
    } else if !args.quiet {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print!("{}", report::text(&model, &summary, colour));
    }
    let failed = outcome
        .expectations
        .iter()
        .filter(|e| !e.held)
        .collect::<Vec<_>>();
    if args.json || args.quiet {
        for e in &failed {
            eprintln!(
                "{file}:{}: expectation failed: {}: {}",
                e.line, e.expect, e.detail
            );
        }
        if args.strict {
            for f in summary.problems() {
                eprintln!("problem: {}", f.text);
            }
        }
    }
    for e in &failed {
        let message = format!("{}: {}", e.expect, e.detail);
        github::annotate(
            Level::Error,
            &Annotation {
                file: Some(&file),
                line: Some(e.line),
                title: "actsim: expectation failed",
                message: &message,
                ..Annotation::default()
            },
        );
    }
    // Problems fail the step only with --strict; without, they still show on the PR.
    let level = if args.strict {
        Level::Error
    } else {
        Level::Warning
    };
    for f in summary.problems() {
        github::annotate(
            level,
            &Annotation {
                file: Some(&file),
                title: "actsim: problem",
                message: &f.text,
                ..Annotation::default()
            },
        );
    }
    let problems = args.strict && summary.problems().next().is_some();
    if failed.is_empty() && !problems {
        Exit::Success
    } else {
        Exit::ExpectationFailed
    }
}
