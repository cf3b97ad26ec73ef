//! `actsim run FILE [--out DIR] [--seed N] [--json] [--quiet] [--strict]`

use super::{Exit, RunArgs};
use crate::report;
use std::io::IsTerminal;

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
    let seed = args.seed.unwrap_or(model.seed);
    let (outcome, event_log) = match &args.event_log {
        None => (crate::run(&model, seed), None),
        Some(path) => {
            let (outcome, log) = crate::run_with_event_log(&model, seed);
            (outcome, Some((path, log)))
        }
    };
    if crate::interrupt::requested() {
        return Exit::Error(crate::Error::Interrupted);
    }
    if let Some((path, log)) = &event_log
        && let Err(e) = crate::eventlog::write::write(path, &model, log)
    {
        return Exit::Error(e);
    }
    let summary = report::summary(&model, seed, &outcome);
    // Files first: if they cannot be written, nothing is printed as if the run succeeded.
    if let Some(dir) = &args.out
        && let Err(e) = report::write_run(dir, &model, &summary, &outcome)
    {
        return Exit::Error(e);
    }
    if args.json {
        let json = serde_json::to_string_pretty(&summary).expect("a summary always serialises");
        println!("{json}");
    } else if !args.quiet {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print!("{}", report::text(&model, &summary, colour));
    }
    let problems = args.strict && summary.problems().next().is_some();
    if args.json || args.quiet {
        for e in outcome.expectations.iter().filter(|e| !e.held) {
            eprintln!("expectation failed: {}: {}", e.expect, e.detail);
        }
        if args.strict {
            for f in summary.problems() {
                eprintln!("problem: {}", f.text);
            }
        }
    }
    if outcome.all_held() && !problems {
        Exit::Success
    } else {
        Exit::ExpectationFailed
    }
}
