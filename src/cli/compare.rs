//! `actsim compare BASE CANDIDATE [--replications N] [--seed N] [--fail-if COND]... [--all]
//! [--json] [--junit FILE] [--out DIR]`

use super::github::{self, Annotation, Level};
use super::{CompareArgs, Exit};
use crate::compare::{self, Condition, Shown};
use crate::error::Error;
use crate::sweep::metrics;

pub fn compare(args: &CompareArgs) -> Exit {
    match run(args) {
        Ok(exit) => exit,
        Err(e) => Exit::Error(e),
    }
}

/// Refuses a condition on a metric the comparison will not have, before anything runs: the
/// valid names are those both scenarios report, listed in the message (with the nearest
/// first when the name looks like a typo).
fn check_metrics(conditions: &[Condition], valid: &[String]) -> Result<(), Error> {
    for c in conditions {
        if valid.iter().any(|n| n == c.metric()) {
            continue;
        }
        let nearest = valid
            .iter()
            .map(|n| (strsim::jaro_winkler(n, c.metric()), n))
            .filter(|(score, _)| *score > 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map_or(String::new(), |(_, n)| format!(" (did you mean {n:?}?)"));
        return Err(Error::Usage(format!(
            "--fail-if {:?}: no metric {:?} in both scenarios{nearest}. The metrics are:\n{}",
            c.text,
            c.metric(),
            listing(valid)
        )));
    }
    Ok(())
}

/// Metric names, grouped so that a long list reads: the totals, then per kind of item
/// (`fleet`, `host`, `mak`, `ksc`) its metrics once and the items' names, then the codes.
fn listing(names: &[String]) -> String {
    let mut totals: Vec<&str> = Vec::new();
    let mut codes: Vec<&str> = Vec::new();
    // (kind, metrics, items), in order of first appearance.
    let mut kinds: Vec<(&str, Vec<&str>, Vec<&str>)> = Vec::new();
    for n in names {
        if let Some(code) = n.strip_prefix("outcome.") {
            codes.push(code);
            continue;
        }
        let parts = n
            .split_once('.')
            .and_then(|(kind, rest)| rest.rsplit_once('.').map(|(item, m)| (kind, item, m)));
        let Some((kind, item, metric)) = parts else {
            totals.push(n);
            continue;
        };
        match kinds.iter_mut().find(|k| k.0 == kind) {
            Some((_, metrics, items)) => {
                if !metrics.contains(&metric) {
                    metrics.push(metric);
                }
                if !items.contains(&item) {
                    items.push(item);
                }
            }
            None => kinds.push((kind, vec![metric], vec![item])),
        }
    }
    let mut lines = vec![format!("  {}", totals.join(", "))];
    for (kind, metrics, items) in kinds {
        lines.push(format!(
            "  {kind}.NAME.{{{}}} with NAME one of: {}",
            metrics.join(", "),
            items.join(", ")
        ));
    }
    if !codes.is_empty() {
        lines.push(format!(
            "  outcome.CODE with CODE one of: {}",
            codes.join(", ")
        ));
    }
    lines.join("\n")
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
    let names = metrics::names(&base);
    let in_candidate = metrics::names(&candidate);
    let valid: Vec<String> = names
        .into_iter()
        .filter(|n| in_candidate.contains(n))
        .collect();
    check_metrics(&conditions, &valid)?;
    if let Some(dir) = &args.out {
        crate::report::check_out_dir(dir, args.force)?;
    }
    let files = (
        args.base.display().to_string(),
        args.candidate.display().to_string(),
    );
    let files = (files.0.as_str(), files.1.as_str());
    let warnings = compare::differences(&base, &candidate);
    for w in &warnings {
        eprintln!("warning: {w}");
        github::annotate(
            Level::Warning,
            &Annotation {
                file: Some(files.1),
                title: "actsim compare",
                message: w,
                ..Annotation::default()
            },
        );
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
    let verdicts = conditions
        .iter()
        .map(|c| c.holds(&result))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::Usage)?;
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
    if let Some(path) = &args.junit {
        crate::report::write_file(path, &result.junit(files, seed, &verdicts, &warnings))?;
    }
    if args.json {
        let json = result.json(files, seed, &verdicts, &warnings);
        println!("{json:#}");
    } else {
        // What is wrong first: the conditions that hold, then the table.
        println!(
            "base: {}\ncandidate: {}\nsame seeds and random streams; {} replication{}",
            files.0,
            files.1,
            result.replications,
            if result.replications == 1 { "" } else { "s" }
        );
        if !verdicts.is_empty() {
            println!();
        }
        for v in &verdicts {
            println!(
                "{} --fail-if {:?}: {}",
                if v.holds { "FAIL" } else { "ok  " },
                v.condition,
                v.detail()
            );
        }
        println!();
        let named: Vec<&str> = conditions.iter().map(Condition::metric).collect();
        let shown = if args.all {
            Shown::All
        } else {
            Shown::Changed { named: &named }
        };
        print!("{}", result.table(shown));
    }
    for v in verdicts.iter().filter(|v| v.holds) {
        let message = format!("--fail-if \"{}\" holds: {}", v.condition, v.detail());
        github::annotate(
            Level::Error,
            &Annotation {
                file: Some(files.1),
                title: "actsim compare: the change is blocked",
                message: &message,
                ..Annotation::default()
            },
        );
    }
    Ok(if verdicts.iter().any(|v| v.holds) {
        Exit::ExpectationFailed
    } else {
        Exit::Success
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_metric_is_refused_with_the_valid_names() {
        let valid: Vec<String> = ["requests", "failures", "fleet.pcs.min_licensed_share"]
            .map(String::from)
            .to_vec();
        let ok = [Condition::parse("requests > base").unwrap()];
        assert!(check_metrics(&ok, &valid).is_ok());
        let typo = [Condition::parse("requets > base").unwrap()];
        let e = check_metrics(&typo, &valid).unwrap_err().to_string();
        assert!(e.contains("did you mean \"requests\"?"), "{e}");
        assert!(
            e.contains(
                "  requests, failures\n  fleet.NAME.{min_licensed_share} with NAME one of: pcs"
            ),
            "{e}"
        );
        assert!(!e.contains("compare.csv"), "{e}");
        let far = [Condition::parse("colour > base").unwrap()];
        let e = check_metrics(&far, &valid).unwrap_err().to_string();
        assert!(!e.contains("did you mean"), "{e}");
    }
}
