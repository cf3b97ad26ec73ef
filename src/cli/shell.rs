//! `actsim completions SHELL` and `actsim man [--dir DIR]`: generated from the command-line
//! definitions themselves (clap_complete, clap_mangen), so they can never disagree with
//! `--help`.

use super::{Cli, Exit};
use crate::error::Error;
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

pub fn completions(shell: clap_complete::Shell) -> Exit {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "actsim", &mut out);
    print(&out)
}

/// The page of `actsim` on stdout, or with `dir` one page per command written there
/// (`actsim.1`, `actsim-run.1`, ...), each file atomically.
pub fn man(dir: Option<&Path>) -> Exit {
    match dir {
        None => match page(Cli::command()) {
            Ok((_, bytes)) => print(&bytes),
            Err(e) => Exit::Error(Error::io("stdout", e)),
        },
        Some(dir) => match pages().and_then(|pages| {
            for (name, bytes) in pages {
                crate::report::write_file(&dir.join(&name), &bytes)?;
            }
            Ok(())
        }) {
            Ok(()) => Exit::Success,
            Err(e) => Exit::Error(e),
        },
    }
}

/// One page: its file name and its roff text.
fn page(cmd: clap::Command) -> std::io::Result<(String, Vec<u8>)> {
    let man = clap_mangen::Man::new(cmd);
    let mut bytes = Vec::new();
    man.render(&mut bytes)?;
    Ok((man.get_filename(), bytes))
}

/// The pages of `actsim` and of every command, named as `man` looks them up.
pub fn pages() -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut root = Cli::command().disable_help_subcommand(true);
    // Built, subcommands get their display names ("actsim-run").
    root.build();
    let mut pages = Vec::new();
    add_pages(&root, &mut pages)?;
    Ok(pages)
}

/// The page of `cmd`, then those of its commands, and of theirs (`actsim-import-kms-log`).
fn add_pages(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<(), Error> {
    pages.push(page(cmd.clone()).map_err(|e| Error::io("man page", e))?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        add_pages(sub, pages)?;
    }
    Ok(())
}

fn print(bytes: &[u8]) -> Exit {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Exit::Success,
        Err(e) => Exit::Error(Error::io("stdout", e)),
    }
}
