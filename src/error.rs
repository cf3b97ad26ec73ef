//! Every way a command can fail, and the one place that maps failures to exit codes
//! (outputs.md: 2 bad command line, 65 invalid scenario, 74 I/O).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario does not parse or is inconsistent. Always carries a 1-based position.
    #[error("{file}:{line}:{column}: {message}")]
    Scenario {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// An input file (an event log, an inventory) holds something actsim cannot read.
    #[error("{file}:{line}: {message}")]
    Input {
        file: String,
        line: u64,
        message: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file of a previous run (for `actsim chart DIR`) is missing a part or inconsistent,
    /// or a chart could not be drawn from it.
    #[error("{}: {message}", path.display())]
    Data { path: PathBuf, message: String },
    /// Input that is well formed but not complete (a sweep directory some of whose units
    /// are missing, for `merge`).
    #[error("{}: {message}", path.display())]
    Incomplete { path: PathBuf, message: String },
    /// The command line asks for something impossible (clap reports its own errors).
    #[error("{0}")]
    Usage(String),
    /// Ctrl-C stopped the command; nothing was written.
    #[error("interrupted: nothing was written")]
    Interrupted,
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The process exit code for this failure (outputs.md, "Exit codes").
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Scenario { .. } | Error::Input { .. } | Error::Data { .. } => 65,
            Error::Io { .. } => 74,
            Error::Incomplete { .. } => 66,
            Error::Usage(_) => 2,
            Error::Interrupted => 130,
        }
    }
}
