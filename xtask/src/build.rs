//! The native programs other commands run, each built one way, here.
//!
//! - [`cli`]: the `tinydisplay` binary every check runs (`hash`, `play --display wire:`), in the
//!   dev profile. Debug rather than release: its frames are the same bytes (that is what the
//!   golden set proves), the `cargo-test` stage has already built it, and a release build costs
//!   minutes of LTO on two cores. It also keeps overflow checks on, so a check that feeds it odd
//!   input would see a panic rather than a wrapped number.
//! - [`cli_release`]: the release binary, for `cargo xtask bench` only (times of a debug build
//!   say nothing).
//! - [`golden_hasher`]: `xtask/examples/golden_hasher.rs`, for the host or a cross target.

use crate::util::{root, run, target_dir};
use std::path::PathBuf;
use std::process::Command;

/// Profile settings passed to cargo for the checking builds. They are the dev profile's defaults
/// today; saying them on the command line keeps them on if someone tunes `[profile.dev]` for
/// speed: the golden set and the checks must run with overflow checks, as `cargo test` does.
const CHECKED: [&str; 4] = [
    "--config",
    "profile.dev.overflow-checks=true",
    "--config",
    "profile.dev.debug-assertions=true",
];

/// The dev-profile `tinydisplay` binary, or `TINYDISPLAY_BIN` when that names one.
pub fn cli() -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("TINYDISPLAY_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let root = root();
    run(Command::new("cargo")
        .current_dir(&root)
        .args([
            "build",
            "--quiet",
            "-p",
            "tinydisplay-cli",
            "--bin",
            "tinydisplay",
        ])
        .args(CHECKED))?;
    Ok(target_dir(&root).join("debug/tinydisplay"))
}

/// The release `tinydisplay` binary (measurements only).
pub fn cli_release() -> Result<PathBuf, String> {
    let root = root();
    run(Command::new("cargo").current_dir(&root).args([
        "build",
        "--release",
        "-p",
        "tinydisplay-cli",
        "--bin",
        "tinydisplay",
    ]))?;
    Ok(target_dir(&root).join("release/tinydisplay"))
}

/// The golden hasher built for `target` (None: the host), in the dev profile with overflow
/// checks (the example refuses to hash otherwise, see its `overflow_checks_on`).
pub fn golden_hasher(target: Option<&str>) -> Result<PathBuf, String> {
    let root = root();
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&root)
        .args([
            "build",
            "--quiet",
            "-p",
            "xtask",
            "--example",
            "golden_hasher",
        ])
        .args(CHECKED);
    if let Some(t) = target {
        cmd.args(["--target", t]);
    }
    run(&mut cmd)?;
    let dir = target_dir(&root);
    let dir = match target {
        Some(t) => dir.join(t),
        None => dir,
    };
    Ok(dir.join("debug/examples/golden_hasher"))
}
