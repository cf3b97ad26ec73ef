//! `actsim compare BASE CANDIDATE [--replications N] [--seed N] [--fail-if COND]... [--out DIR]`

use super::{CompareArgs, Exit};
use crate::compare::{self, Condition};
use crate::error::Error;

pub fn compare(args: &CompareArgs) -> Exit {
    match run(args) {
        Ok(exit) => exit,
        Err(e) => Exit::Error(e),
    }
}

fn run(args: &CompareArgs) -> Result<Exit, Error> {
    let conditions = args
        .fail_if
        .iter()
        .map(|c| Condition::parse(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::Usage)?;
    let base = super::load(&args.base, args.allow_large)?;
    let candidate = super::load(&args.candidate, args.allow_large)?;
    if let Some(dir) = &args.out {
        crate::report::check_out_dir(dir, args.force)?;
    }
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let seed = args.seed.unwrap_or(base.seed);
    let result = compare::compare(&base, &candidate, seed, args.replications, threads)
        .map_err(Error::Usage)?;
    if crate::interrupt::requested() {
        return Err(Error::Interrupted);
    }
    let mut verdicts = Vec::new();
    for c in &conditions {
        let (holds, detail) = c.holds(&result).map_err(Error::Usage)?;
        verdicts.push((c, holds, detail));
    }
    if let Some(dir) = &args.out {
        let drawn = result
            .chart(&base, &candidate)
            .map_err(|message| Error::Data {
                path: dir.join("compare.svg"),
                message,
            })?;
        crate::report::write_atomically(
            dir,
            &[
                ("compare.csv", result.csv()),
                ("compare.svg", drawn.svg.into_bytes()),
                ("compare.png", drawn.png),
            ],
        )?;
    }
    print!(
        "{}",
        result.text(
            &args.base.display().to_string(),
            &args.candidate.display().to_string()
        )
    );
    let mut failed = false;
    for (c, holds, detail) in verdicts {
        failed |= holds;
        println!(
            "{} --fail-if {:?}: {detail}",
            if holds { "FAIL" } else { "ok  " },
            c.text
        );
    }
    Ok(if failed {
        Exit::ExpectationFailed
    } else {
        Exit::Success
    })
}
