//! The `actsim` binary: parses the command line and maps the result to an exit code.
//! Everything else lives in the library.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap exits with code 2 on a bad command line, as outputs.md wants.
    let cli = actsim::cli::Cli::parse();
    actsim::interrupt::install();
    let exit = actsim::cli::execute(cli);
    if let actsim::cli::Exit::Error(e) = &exit {
        eprintln!("{e}");
        actsim::cli::github::annotate_error(e);
    }
    ExitCode::from(exit.code())
}
