//! GitHub Actions annotations: when `GITHUB_ACTIONS=true` (set by every GitHub Actions
//! runner), failures are also printed as workflow commands (`::error file=F,line=L::text`),
//! which GitHub shows on the pull request, at the line of the scenario file, and in the
//! run's summary. They go to stderr, which the runner reads as it reads stdout, so `--json`
//! keeps stdout exactly JSON.

use crate::error::Error;

/// How GitHub shows an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// One annotation: where (a file, a line, a column, each optional), a title and the text.
#[derive(Debug, Clone, Default)]
pub struct Annotation<'a> {
    pub file: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub title: &'a str,
    pub message: &'a str,
}

/// Whether this process runs in GitHub Actions.
pub fn active() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// Prints `a` on stderr as a workflow command, in GitHub Actions only.
pub fn annotate(level: Level, a: &Annotation) {
    if active() {
        eprintln!("{}", command(level, a));
    }
}

/// An invalid scenario at its `FILE:LINE:COLUMN`, an I/O error on its file.
pub fn annotate_error(e: &Error) {
    let message = e.to_string();
    let a = match e {
        Error::Scenario {
            file,
            line,
            column,
            message,
        } => Annotation {
            file: Some(file),
            line: Some(*line),
            column: Some(*column),
            title: "actsim: invalid scenario",
            message,
        },
        _ => Annotation {
            title: "actsim",
            message: &message,
            ..Annotation::default()
        },
    };
    annotate(Level::Error, &a);
}

/// The workflow command text.
pub fn command(level: Level, a: &Annotation) -> String {
    let mut props = Vec::new();
    if let Some(f) = a.file {
        props.push(format!("file={}", property(f)));
    }
    if let Some(l) = a.line {
        props.push(format!("line={l}"));
    }
    if let Some(c) = a.column {
        props.push(format!("col={c}"));
    }
    if !a.title.is_empty() {
        props.push(format!("title={}", property(a.title)));
    }
    let name = match level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    if props.is_empty() {
        format!("::{name}::{}", data(a.message))
    } else {
        format!("::{name} {}::{}", props.join(","), data(a.message))
    }
}

/// The message part: `%`, carriage returns and line breaks escaped.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which separate the properties.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_are_escaped() {
        let a = Annotation {
            file: Some("net/a,b.ron"),
            line: Some(9),
            column: None,
            title: "actsim: expectation failed",
            message: "NoneIn(fleet: \"pcs\"): 100% at 30d\nnext",
        };
        assert_eq!(
            command(Level::Error, &a),
            "::error file=net/a%2Cb.ron,line=9,title=actsim%3A expectation failed::\
             NoneIn(fleet: \"pcs\"): 100%25 at 30d%0Anext"
        );
        let w = Annotation {
            title: "",
            message: "m",
            ..Annotation::default()
        };
        assert_eq!(command(Level::Warning, &w), "::warning::m");
    }
}
