//! The command line (outputs.md): one file per subcommand. `execute` turns every result into
//! an exit code in one place.

mod advise;
mod check;
mod compare;
pub mod github;
mod import;
mod progress;
pub mod run;
mod shell;
mod sweep;
mod trace;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// `--version`: the package version, and the git commit when built from a git checkout
/// ("0.1.0 (git 715ea52a1b2c)"; build.rs).
pub const VERSION: &str = env!("ACTSIM_VERSION");

#[derive(Debug, Parser)]
#[command(
    name = "actsim",
    version = VERSION,
    about = "Deterministic simulator of software-activation networks"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one scenario and report what happened.
    Run(RunArgs),
    /// Redraw the charts and report.html of a previous `run --out DIR` from its files.
    Chart {
        /// The directory a run wrote (with scenario.ron, summary.json and the CSV files).
        dir: PathBuf,
        /// Redraw even if the directory has no .actsim marker (a run of an older version).
        #[arg(long)]
        force: bool,
    },
    /// Run a scenario for every combination of swept values, several seeds each.
    Sweep(SweepArgs),
    /// Join the unit results of sweep shards into the outputs of the whole sweep.
    Merge(MergeArgs),
    /// Run two scenarios with the same seeds and report what the change did.
    Compare(CompareArgs),
    /// Every attempt of one machine; with --at, its status then (slmgr /dlv style).
    Trace(TraceArgs),
    /// Start from the real network: KMS host event logs or a machine inventory.
    Import(ImportArgs),
    /// Which activation method for each fleet (Table 1 of the planning guide), with the
    /// advised scenario and both plans simulated side by side.
    Advise(AdviseArgs),
    /// Parse and validate scenarios without running them.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the shell completion script for SHELL on stdout.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout, or write one page per command into --dir.
    Man {
        /// Write actsim.1 and actsim-COMMAND.1 for every command into this directory.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Output directories of `actsim sweep --shard` runs.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write runs.csv, summary.csv and the chart.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write a JUnit XML report: per combination, one test case per expectation.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write into --out even if it is a non-empty directory actsim did not write.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file (RON).
    pub file: PathBuf,
    /// Write summary.json and the CSV files to this directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print exactly the summary JSON on stdout, nothing else.
    #[arg(long)]
    pub json: bool,
    /// Print nothing on stdout (errors and failed expectations still go to stderr).
    #[arg(long)]
    pub quiet: bool,
    /// Also exit 1 when the expectations hold but the run found a problem: a fleet whose
    /// attempts still fail at the end, machines at risk, a fleet not fully licensed at the
    /// end, a refused DNS registration, a host key that did not take.
    #[arg(long)]
    pub strict: bool,
    /// Run even if the scenario is estimated to need more than 500 million events.
    #[arg(long)]
    pub allow_large: bool,
    /// Write into --out even if it is a non-empty directory actsim did not write.
    #[arg(long)]
    pub force: bool,
    /// Also write a JUnit XML report (one test case per expectation, failed with its time
    /// and value; metrics as properties) for CI servers.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write the run's synthetic KMS event logs (host 12290, client 12288/12289) as
    /// CSV and event XML into this directory, or only the host events into a .csv or .xml
    /// file.
    #[arg(long)]
    pub event_log: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: ImportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Replay KMS hosts' request events (12290, event XML or CSV) through actsim's host
    /// model: requests.csv, hosts.csv, clients.csv, findings.txt, the count chart and a
    /// scenario of the network as of the last event.
    KmsLog {
        /// Exported logs of one or several hosts.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The directory to write into.
        #[arg(long)]
        out: PathBuf,
        /// Write into --out even if it is a non-empty directory actsim did not write.
        #[arg(long)]
        force: bool,
    },
    /// Turn an Active Directory or Intune machine inventory (CSV) into a scenario
    /// skeleton: fleets by operating system and OU or site, stale machines left out.
    Inventory {
        /// Get-ADComputer | Export-Csv, or Intune's managed devices export.
        file: PathBuf,
        /// The scenario file to write.
        #[arg(long)]
        out: PathBuf,
        /// A machine whose last logon (or sync) is older than this many days is stale.
        #[arg(long, default_value_t = 90)]
        stale_days: u32,
        /// The date staleness is measured from (YYYY-MM-DD); default: the newest last
        /// logon in the file, so the result never depends on the day it runs.
        #[arg(long)]
        as_of: Option<String>,
        /// Keep stale machines in the fleets (they are counted apart either way).
        #[arg(long)]
        include_stale: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The scenario file (RON).
    pub file: PathBuf,
    /// PATH=V1,V2,...: a field by dotted path (fleets.NAME.count, policy.renewal_interval,
    /// kms_hosts.NAME.weight, timeline.INDEX.at, ...) and its values; or a named list and
    /// which of its items exist (kms_hosts=kms1,kms1+kms2). Repeatable: every combination
    /// runs.
    #[arg(long)]
    pub set: Vec<String>,
    /// Seeds per combination.
    #[arg(long, default_value_t = 1)]
    pub replications: u64,
    /// Run only slice I of N (1-based), for a cluster job array.
    #[arg(long, conflicts_with = "shards")]
    pub shard: Option<String>,
    /// Run the slice given by SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, of N.
    #[arg(long)]
    pub shards: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar, no summary line.
    #[arg(long)]
    pub quiet: bool,
    /// Output directory: units/ (one file per run) and, for a whole sweep, runs.csv,
    /// summary.csv, sweep.svg, sweep.png.
    #[arg(long)]
    pub out: PathBuf,
    /// Run even if a combination is estimated to need more than 500 million events.
    #[arg(long)]
    pub allow_large: bool,
    /// Write into --out even if it is a non-empty directory actsim did not write.
    #[arg(long)]
    pub force: bool,
    /// Also write a JUnit XML report: per combination, one test case per expectation (failed
    /// if it failed in any replication); metric means as properties. Whole sweeps only.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["shard", "shards"])]
    pub junit: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The scenario as it is.
    pub base: PathBuf,
    /// The scenario with the change.
    pub candidate: PathBuf,
    /// Seeds to run each with (paired: replication k of both uses the same seed).
    #[arg(long, default_value_t = 1)]
    pub replications: u64,
    /// Seed of replication 0 (default: the base scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Exit 1 when this holds, e.g. "notification_machine_days > base". Repeatable. The
    /// metric names are checked before anything runs.
    #[arg(long = "fail-if")]
    pub fail_if: Vec<String>,
    /// List every metric, not only those that changed or that a --fail-if names.
    #[arg(long)]
    pub all: bool,
    /// Print exactly one JSON document on stdout (every metric, the conditions, warnings).
    #[arg(long)]
    pub json: bool,
    /// Also write a JUnit XML report: one test case per --fail-if, failed when it holds;
    /// every metric as properties.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Write compare.csv, compare.svg and compare.png here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run even if a scenario is estimated to need more than 500 million events.
    #[arg(long)]
    pub allow_large: bool,
    /// Write into --out even if it is a non-empty directory actsim did not write.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct AdviseArgs {
    /// The scenario file (RON): the network and the current plan.
    pub file: PathBuf,
    /// Write advised.ron, advice.html, advice.csv and the side-by-side charts here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// HOST:DURATION[@START]: the outage the fault runs simulate (default: the KMS host most
    /// machines reach, down for 7d from the middle of the run).
    #[arg(long)]
    pub fault: Option<String>,
    /// Seeds to run each plan with (paired: replication k of both uses the same seed).
    #[arg(long, default_value_t = 1)]
    pub replications: u64,
    /// Seed of replication 0 (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print nothing on stdout.
    #[arg(long)]
    pub quiet: bool,
    /// Run even if the scenario is estimated to need more than 500 million events.
    #[arg(long)]
    pub allow_large: bool,
    /// Write into --out even if it is a non-empty directory actsim did not write.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// The scenario file (RON).
    pub file: PathBuf,
    /// The machine: FLEET/INDEX, e.g. desktops/0.
    #[arg(long)]
    pub machine: String,
    /// Also show the machine's status at this time ("45d", "10d 6h").
    #[arg(long)]
    pub at: Option<String>,
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Run even if the scenario is estimated to need more than 500 million events.
    #[arg(long)]
    pub allow_large: bool,
}

/// Loads a scenario and checks its estimated work against the budget (resolve/limits.rs).
pub fn load(file: &std::path::Path, allow_large: bool) -> Result<crate::Model, crate::Error> {
    let model = crate::load(file)?;
    crate::resolve::limits::check_work(&file.display().to_string(), &model, allow_large)?;
    Ok(model)
}

/// How a command ended, converted to the process exit code in `code`.
#[derive(Debug)]
pub enum Exit {
    /// Ran, and every expectation held.
    Success,
    /// Ran, and at least one expectation failed.
    ExpectationFailed,
    /// Could not run (invalid scenario, I/O).
    Error(crate::Error),
    /// Failed with this code; the command already printed why.
    Reported(u8),
}

impl Exit {
    /// outputs.md, "Exit codes".
    pub fn code(&self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::ExpectationFailed => 1,
            Exit::Error(e) => e.exit_code(),
            Exit::Reported(code) => *code,
        }
    }
}

pub fn execute(cli: Cli) -> Exit {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check { files } => check::check(&files),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Trace(args) => trace::trace(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Merge(args) => sweep::merge(&args),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man { dir } => shell::man(dir.as_deref()),
        Command::Import(args) => import::import(&args),
        Command::Advise(args) => advise::advise(&args),
        Command::Chart { dir, force } => match crate::report::check_out_dir(&dir, force)
            .and_then(|()| crate::report::rerender(&dir))
        {
            Ok(()) => Exit::Success,
            Err(e) => Exit::Error(e),
        },
    }
}
