//! Sets `ACTSIM_VERSION` for `actsim --version`: the package version, and the commit when
//! the source is a git checkout ("0.1.0 (git 715ea52a1b2c)"). Built from a source tarball,
//! without git, or with git failing, it is the package version alone.
//!
//! It reruns only when the checked-out commit can have changed (HEAD, the branch it points
//! to, packed refs), not on every source edit: Cargo then rebuilds the crate once per new
//! commit, which the version has to show anyway.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let in_repo = |args: &[&str]| {
        let mut all = vec!["-C", manifest.as_str()];
        all.extend(args);
        git(&all)
    };
    // Only this package's own checkout: a tarball unpacked inside another repository
    // must not take that repository's commit.
    let top = in_repo(&["rev-parse", "--show-toplevel"]).map(PathBuf::from);
    let ours = top
        .as_deref()
        .zip(Path::new(&manifest).canonicalize().ok())
        .is_some_and(|(top, manifest)| top.canonicalize().is_ok_and(|t| t == manifest));
    let commit = ours
        .then(|| in_repo(&["rev-parse", "--short=12", "HEAD"]))
        .flatten();
    match &commit {
        Some(c) => println!("cargo:rustc-env=ACTSIM_VERSION={version} (git {c})"),
        None => println!("cargo:rustc-env=ACTSIM_VERSION={version}"),
    }
    // What can move the commit. In a worktree HEAD lives in its own git dir, the branches
    // in the common one.
    let mut watched: Vec<PathBuf> = Vec::new();
    if ours {
        let dir = |arg: &str| {
            in_repo(&["rev-parse", arg]).map(|d| {
                let p = PathBuf::from(d);
                if p.is_absolute() {
                    p
                } else {
                    Path::new(&manifest).join(p)
                }
            })
        };
        if let Some(git_dir) = dir("--git-dir") {
            watched.push(git_dir.join("HEAD"));
        }
        if let Some(common) = dir("--git-common-dir") {
            watched.push(common.join("packed-refs"));
            if let Some(branch) = in_repo(&["symbolic-ref", "-q", "HEAD"]) {
                // A branch only in packed-refs gets a file of its own at its next commit:
                // until then, watch the folder where that file will appear.
                let file = common.join(branch);
                match file.parent() {
                    Some(folder) if !file.exists() => watched.push(folder.to_owned()),
                    _ => watched.push(file),
                }
            }
        }
    }
    // Always at least the script itself, so Cargo never falls back to rerunning on any
    // change in the package.
    println!("cargo:rerun-if-changed=build.rs");
    for path in watched.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
