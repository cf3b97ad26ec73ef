//! `actsim sweep FILE --set PATH=V1,V2,... [--replications N] [--shard I/N | --shards N]
//! [--threads N] [--quiet] --out DIR` and `actsim merge DIR... --out DIR`.

use super::{Exit, MergeArgs, SweepArgs};
use crate::error::Error;
use crate::sweep::{self, Set, Sweep};
use std::io::IsTerminal;

/// The slice to run: `--shard I/N`, or with `--shards N` the index a cluster scheduler gives
/// (Slurm job arrays: `SLURM_ARRAY_TASK_ID` from `SLURM_ARRAY_TASK_MIN`; Kubernetes Indexed
/// Jobs: `JOB_COMPLETION_INDEX` from 0). `None`: the whole sweep.
fn slice(args: &SweepArgs) -> Result<Option<(u64, u64)>, Error> {
    let usage = |m: String| Error::Usage(m);
    if let Some(text) = &args.shard {
        let (i, n) = text
            .split_once('/')
            .and_then(|(i, n)| Some((i.parse::<u64>().ok()?, n.parse::<u64>().ok()?)))
            .ok_or_else(|| usage(format!("--shard {text}: expected I/N, e.g. 2/8")))?;
        if n == 0 || i == 0 || i > n {
            return Err(usage(format!("--shard {text}: I must be 1 to N")));
        }
        return Ok(Some((i, n)));
    }
    let Some(n) = args.shards else {
        return Ok(None);
    };
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let index = match (var("SLURM_ARRAY_TASK_ID"), var("JOB_COMPLETION_INDEX")) {
        (Some(id), _) => id.checked_sub(var("SLURM_ARRAY_TASK_MIN").unwrap_or(0)),
        (None, Some(index)) => Some(index),
        (None, None) => {
            return Err(usage(
                "--shards N needs SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX (or use --shard I/N)"
                    .into(),
            ));
        }
    };
    match index {
        Some(i) if n > 0 && i < n => Ok(Some((i + 1, n))),
        _ => Err(usage(format!(
            "the scheduler's task index is outside --shards {n}"
        ))),
    }
}

pub fn sweep(args: &SweepArgs) -> Exit {
    match run(args) {
        Ok(()) => Exit::Success,
        Err(e) => Exit::Error(e),
    }
}

#[allow(clippy::expect_used)] // the progress template is a constant, checked by every test that runs a sweep
fn run(args: &SweepArgs) -> Result<(), Error> {
    let sets = args
        .set
        .iter()
        .map(|s| Set::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::Usage)?;
    let slice = slice(args)?;
    let sweep = Sweep::new(&args.file, sets, args.replications)?;
    for model in &sweep.models {
        crate::resolve::limits::check_work(
            &args.file.display().to_string(),
            model,
            args.allow_large,
        )?;
    }
    crate::report::check_out_dir(&args.out, args.force)?;
    if let Some(unit) = sweep::foreign_unit(&args.out, &sweep.shape) {
        return Err(Error::Usage(format!(
            "{}: {} holds units of another sweep (another scenario, --set, --replications \
             or actsim version); nothing was run. Use another --out, or remove its units/ \
             folder",
            unit.display(),
            args.out.display()
        )));
    }
    let all = sweep.shape.units();
    let units: Vec<u64> = match slice {
        Some(s) => sweep::shard_units(all, s).collect(),
        None => (0..all).collect(),
    };
    // The bar is drawn on stderr: shown only when that is a terminal.
    let quiet = args.quiet || !std::io::stderr().is_terminal();
    let progress = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(units.len() as u64).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} runs  {elapsed_precise} (about {eta} left)",
            )
            .expect("a valid template"),
        )
    };
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let (ran, kept) = sweep.run_units(&args.out, &units, threads, &progress)?;
    let say = |text: String| {
        if !args.quiet {
            println!("{text}");
        }
    };
    match slice {
        Some((i, n)) => say(format!(
            "shard {i}/{n}: {} units ({ran} run, {kept} already complete) in {}; \
             when every shard is done: actsim merge DIR... --out RESULTS",
            units.len(),
            args.out.join("units").display()
        )),
        None => {
            let (shape, units) = sweep::merge(std::slice::from_ref(&args.out), &args.out)?;
            if let Some(path) = &args.junit {
                crate::report::write_file(path, &sweep::junit(&shape, &units))?;
            }
            say(format!(
                "{} runs ({ran} run now, {kept} already complete): {} combinations × {} replications; \
                 runs.csv and summary.csv in {}",
                units.len(),
                shape.combinations(),
                shape.replications,
                args.out.display()
            ));
        }
    }
    Ok(())
}

pub fn merge(args: &MergeArgs) -> Exit {
    let merged = crate::report::check_out_dir(&args.out, args.force)
        .and_then(|()| sweep::merge(&args.dirs, &args.out))
        .and_then(|(shape, units)| {
            if let Some(path) = &args.junit {
                crate::report::write_file(path, &sweep::junit(&shape, &units))?;
            }
            Ok((shape, units.len()))
        });
    match merged {
        Ok((shape, n)) => {
            println!(
                "merged {n} runs ({} combinations × {} replications) into {}",
                shape.combinations(),
                shape.replications,
                args.out.display()
            );
            Exit::Success
        }
        Err(e) => Exit::Error(e),
    }
}
