//! The command line (outputs.md): one file per subcommand. `execute` turns every result into
//! an exit code in one place.

mod check;
mod run;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "actsim",
    version,
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
    },
    /// Parse and validate scenarios without running them.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
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
}

impl Exit {
    /// outputs.md, "Exit codes".
    pub fn code(&self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::ExpectationFailed => 1,
            Exit::Error(e) => e.exit_code(),
        }
    }
}

pub fn execute(cli: Cli) -> Exit {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check { files } => check::check(&files),
        Command::Chart { dir } => match crate::report::rerender(&dir) {
            Ok(()) => Exit::Success,
            Err(e) => Exit::Error(e),
        },
    }
}
