//! placeholder
use crate::error::Error;
use std::path::Path;
pub struct Options {
    pub stale_days: u32,
    pub as_of: Option<String>,
    pub include_stale: bool,
}
pub fn import(_file: &Path, _out: &Path, _o: &Options) -> Result<String, Error> {
    Err(Error::Usage("not yet".into()))
}
