//! Atomic output: all the files of one command land together or not at all.
//!
//! Every file is first written into a staging directory inside the target directory (same
//! file system, so renames are atomic); then each is renamed into place, the file it
//! replaces moved aside first. If any step fails, everything done so far is undone: the
//! previous complete output (or nothing, in a directory this call created) is what remains,
//! never a mix of old and new or a truncated file. A target that is a directory (where a file
//! must go) is refused before anything is written.
//!
//! Output directories carry a marker file, `.actsim`, saying actsim wrote them: commands
//! refuse to write into a non-empty directory without it unless `--force` is given, so a
//! mistyped `--out` never overwrites somebody's own `report.html`.

use crate::error::Error;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The marker of a directory actsim wrote.
pub const MARKER: &str = ".actsim";

/// Whether `dir` may be written: it does not exist, is empty, or holds actsim's marker.
pub fn check_out_dir(dir: &Path, force: bool) -> Result<(), Error> {
    if force || !dir.exists() || dir.join(MARKER).exists() {
        return Ok(());
    }
    let empty = fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{}: the directory is not empty and actsim did not write it (no {MARKER} file); \
         choose another --out, or add --force to write into it anyway",
        dir.display()
    )))
}

/// A file written by a function rather than from bytes in memory (a large CSV written row
/// by row).
pub type Streamed<'a> = (&'a str, &'a dyn Fn(&mut dyn Write) -> std::io::Result<()>);

/// Writes `files` (names relative to `dir`, possibly with `/`) into `dir`, all or nothing,
/// with actsim's marker.
pub fn write_atomically(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), Error> {
    write_atomically_streamed(dir, files, &[])
}

/// `write_atomically`, with files too large to hold in memory written by their functions
/// into the same staging directory, so they land (or not) together with the others.
pub fn write_atomically_streamed(
    dir: &Path,
    files: &[(&str, Vec<u8>)],
    streamed: &[Streamed<'_>],
) -> Result<(), Error> {
    let names: Vec<&str> = files
        .iter()
        .map(|(n, _)| *n)
        .chain(streamed.iter().map(|(n, _)| *n))
        .collect();
    for name in &names {
        let target = dir.join(name);
        if target.is_dir() {
            return Err(Error::io(
                &target,
                std::io::Error::other("a directory stands where this file must go"),
            ));
        }
    }
    let created = !dir.exists();
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // Unique per call: a sweep writes units from several threads at once.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let staging = dir.join(format!(".actsim-staging-{}-{call}", std::process::id()));
    let result = stage(&staging, files, streamed).and_then(|()| commit(dir, &staging, &names));
    let _ = fs::remove_dir_all(&staging);
    if result.is_err() && created {
        // Nothing of ours is left in it: leave no empty directory behind.
        let _ = fs::remove_dir(dir);
    }
    result
}

/// Writes one file the user named (`--junit FILE`) atomically: to a temporary name beside it,
/// then renamed over it, so a reader never sees half a file and a failure leaves the previous
/// one. No marker: the file may go anywhere (a CI workspace, the repository's root).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if path.is_dir() {
        return Err(Error::io(
            path,
            std::io::Error::other("a directory stands where this file must go"),
        ));
    }
    let name = path
        .file_name()
        .ok_or_else(|| Error::io(path, std::io::Error::other("not a file name")))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let temp = dir.join(format!(
        ".{}.actsim-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = fs::write(&temp, bytes)
        .map_err(|e| Error::io(&temp, e))
        .and_then(|()| fs::rename(&temp, path).map_err(|e| Error::io(path, e)));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Writes every file (and the marker) under `staging`.
fn stage(
    staging: &Path,
    files: &[(&str, Vec<u8>)],
    streamed: &[Streamed<'_>],
) -> Result<(), Error> {
    let _ = fs::remove_dir_all(staging);
    fs::create_dir_all(staging).map_err(|e| Error::io(staging, e))?;
    let marker = (MARKER, b"written by actsim\n".to_vec());
    for (name, bytes) in files.iter().chain([&marker]) {
        let path = staging.join("new").join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    for (name, write) in streamed {
        let path = staging.join("new").join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut file = fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        write(&mut file)
            .and_then(|()| file.sync_data())
            .map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// Renames the staged files into `dir`, moving what they replace into the staging
/// directory first; on failure, puts everything back as it was.
fn commit(dir: &Path, staging: &Path, files: &[&str]) -> Result<(), Error> {
    // (target, backup of what it replaced, if anything)
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::with_capacity(files.len() + 1);
    let names = files.iter().copied().chain([MARKER]);
    for (i, name) in names.enumerate() {
        let target = dir.join(name);
        let staged = staging.join("new").join(name);
        let step = || -> Result<Option<PathBuf>, Error> {
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            // The marker is the same bytes in every write: one rename replaces it atomically.
            // Moving it aside and back, as other files are, would race with another writer
            // into the same directory (the threads of a sweep each write their unit into
            // units/), which then finds it gone.
            if name == MARKER {
                fs::rename(&staged, &target).map_err(|e| Error::io(&target, e))?;
                return Ok(None);
            }
            let backup = if target.exists() {
                let backup = staging.join(format!("old-{i}"));
                fs::rename(&target, &backup).map_err(|e| Error::io(&target, e))?;
                Some(backup)
            } else {
                None
            };
            if let Err(e) = fs::rename(&staged, &target) {
                if let Some(b) = &backup {
                    let _ = fs::rename(b, &target);
                }
                return Err(Error::io(&target, e));
            }
            Ok(backup)
        };
        match step() {
            Ok(backup) => done.push((target, backup)),
            Err(e) => {
                for (target, backup) in done.into_iter().rev() {
                    match backup {
                        Some(b) => {
                            let _ = fs::rename(b, &target);
                        }
                        None => {
                            let _ = fs::remove_file(&target);
                        }
                    }
                }
                return Err(e);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_leaves_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_atomically(
            &out,
            &[("a.txt", b"old a".to_vec()), ("b.txt", b"old b".to_vec())],
        )
        .unwrap();
        // A directory where b.txt must go: refused before anything is written.
        std::fs::remove_file(out.join("b.txt")).unwrap();
        std::fs::create_dir(out.join("b.txt")).unwrap();
        let r = write_atomically(
            &out,
            &[("a.txt", b"new a".to_vec()), ("b.txt", b"x".to_vec())],
        );
        assert!(r.is_err());
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"old a");
        // Staging is gone; the marker is there.
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with(".actsim-staging")),
            "{names:?}"
        );
        assert!(out.join(MARKER).exists());
    }

    #[test]
    fn a_failed_first_write_leaves_no_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new");
        // A name that cannot be created (a file under a file).
        std::fs::write(dir.path().join("plain"), b"").unwrap();
        let bad = dir.path().join("plain").join("out");
        assert!(write_atomically(&bad, &[("a.txt", vec![])]).is_err());
        assert!(write_atomically(&out, &[("a.txt", b"a".to_vec())]).is_ok());
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"a");
    }

    /// Several threads writing their own files into one directory at once (a sweep's units)
    /// all succeed: they once failed now and then, moving the shared marker aside under each
    /// other ("units/.actsim: No such file or directory", exit 74).
    #[test]
    fn concurrent_writes_into_one_directory_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("units");
        std::thread::scope(|s| {
            for t in 0..8 {
                let out = &out;
                s.spawn(move || {
                    for i in 0..200 {
                        let name = format!("u{t}-{i}.json");
                        write_atomically(out, &[(&name, vec![1])]).unwrap();
                    }
                });
            }
        });
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 8 * 200 + 1);
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn one_named_file_replaces_the_old_one_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports").join("junit.xml");
        write_file(&path, b"old").unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        // Only the file itself: no marker, no temporary left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("junit.xml")]);
        assert!(
            write_file(dir.path(), b"x").is_err(),
            "a directory is refused"
        );
    }

    #[test]
    fn foreign_directories_are_refused_without_force() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("report.html"), b"mine").unwrap();
        assert!(check_out_dir(dir.path(), false).is_err());
        assert!(check_out_dir(dir.path(), true).is_ok());
        let ours = dir.path().join("ours");
        write_atomically(&ours, &[("x", vec![])]).unwrap();
        assert!(check_out_dir(&ours, false).is_ok());
        assert!(check_out_dir(&dir.path().join("missing"), false).is_ok());
    }
}
