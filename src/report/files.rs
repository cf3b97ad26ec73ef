//! Atomic output: every file is written to a temporary name in the target directory and
//! renamed into place only when all of them were written, so a failure (disk full, no
//! permission) never leaves a mix of old and new or a truncated file behind.

use crate::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

pub fn write_atomically(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), Error> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let clean = |written: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in written {
            let _ = fs::remove_file(tmp);
        }
    };
    for (name, bytes) in files {
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let target = dir.join(name);
        if let Err(e) = fs::write(&tmp, bytes) {
            let _ = fs::remove_file(&tmp);
            clean(&written);
            return Err(Error::io(target, e));
        }
        written.push((tmp, target));
    }
    for (i, (tmp, target)) in written.iter().enumerate() {
        if let Err(e) = fs::rename(tmp, target) {
            clean(&written[i..]);
            return Err(Error::io(target, e));
        }
    }
    Ok(())
}
