//! The scenario language: RON schema, durations, validation into a resolved `Model`.

pub mod duration;
mod locate;
pub mod model;
pub mod schema;
mod validate;

pub use model::Model;
pub use validate::{MAX_MACHINES, MAX_SAMPLES};

use crate::error::Error;
use ron::extensions::Extensions;
use std::path::Path;

/// Reads and validates a scenario file. A file that cannot be read is an I/O error (74);
/// anything wrong with its content is a scenario error (65) with its position.
pub fn load(path: &Path) -> Result<Model, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse(&path.display().to_string(), &bytes)
}

/// Parses and validates scenario text; `file` names it in error messages.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Model, Error> {
    let (source, parsed) = parse_schema(file, bytes)?;
    validate::validate(file, source, parsed)
}

/// Parses scenario text into its schema, before validation (`actsim sweep` edits it there).
pub fn parse_schema<'b>(file: &str, bytes: &'b [u8]) -> Result<(&'b str, schema::Scenario), Error> {
    let source = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Error::Scenario {
            file: file.to_owned(),
            line,
            column,
            message: "the file is not UTF-8 text (is it a scenario file?)".to_owned(),
        }
    })?;
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    let parsed: schema::Scenario = options.from_str(source).map_err(|e| Error::Scenario {
        file: file.to_owned(),
        line: e.span.start.line.max(1),
        column: e.span.start.col.max(1),
        message: e.code.to_string(),
    })?;
    Ok((source, parsed))
}

/// Validates a parsed (possibly edited) scenario; errors point into `source`.
pub fn validate(file: &str, source: &str, parsed: schema::Scenario) -> Result<Model, Error> {
    validate::validate(file, source, parsed)
}
