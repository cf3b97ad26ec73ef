//! The `actsim` binary: parses the command line and maps the result to an exit code.
//! Everything else lives in the library.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    restore_sigpipe();
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

/// `actsim run ... | head` must end quietly, as `cat` or `grep` do, when the reader has had
/// enough: Rust ignores SIGPIPE, so every `println!` after the pipe closed would panic (exit
/// 101 with a backtrace). The default action ends the process at once instead. Outputs are
/// written before anything is printed, and atomically, so nothing is left half-written.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: called first thing in main, before any other thread exists; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
