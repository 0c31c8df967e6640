//! Disk accounting for `cargo xtask test`.
//!
//! A from-scratch run builds the workspace for the host, two ARM targets, two wasm builds, the
//! wasm test harness and an ASan fuzz build: several gigabytes. CI's disk is shared with other
//! jobs, and one run died with "No space left on device" halfway through the golden stage. So the
//! runner reports the free space after every stage, and once free space is low it deletes the
//! build output that only a finished stage needed (it is rebuilt by the next run, nothing else is
//! lost: never sources, goldens, corpora or reports).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Below this many MiB free, finished stages' private build output is removed.
pub const LOW_WATER_MB: u64 = 8 * 1024;

/// [`LOW_WATER_MB`], or `TINYDISPLAY_LOW_WATER_MB` from the environment: a huge value prunes
/// always (a small disk), 0 never (keep every build for the next run).
pub fn low_water_mb() -> u64 {
    std::env::var("TINYDISPLAY_LOW_WATER_MB")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(LOW_WATER_MB)
}

/// Free MiB on the filesystem holding `path`, from POSIX `df -Pk` (xtask has no libc binding,
/// and `df` is on every machine it runs on). None if `df` is missing or prints something else.
pub fn free_mb(path: &Path) -> Option<u64> {
    let out = Command::new("df").arg("-Pk").arg(path).output().ok()?;
    parse_df_free_kb(&String::from_utf8_lossy(&out.stdout)).map(|kb| kb / 1024)
}

/// The "Available" column (KiB) of `df -Pk`'s one data line.
fn parse_df_free_kb(text: &str) -> Option<u64> {
    let line = text.lines().nth(1)?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// MiB used by `dir` (0 if it does not exist), from `du -sk`.
pub fn dir_mb(dir: &Path) -> u64 {
    if !dir.exists() {
        return 0;
    }
    Command::new("du")
        .arg("-sk")
        .arg(dir)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kb| kb / 1024)
}

/// "12.3 GB" for a MiB count.
pub fn gb(mb: u64) -> String {
    format!("{:.1} GB", mb as f64 / 1024.0)
}

/// Build output that only `stage` uses; safe to delete once it has passed.
pub fn scratch_of(stage: &str, root: &Path, target: &Path) -> Vec<PathBuf> {
    match stage {
        // cargo-fuzz's own target dir: an ASan + coverage build of the engine.
        "fuzz" => vec![root.join("fuzz/target")],
        // The embedded-text comparison's own build (its own lock file, so its own directory).
        "wrapref" => vec![target.join("wrapref")],
        // The cross-built hashers; the wasm targets reuse the site's builds, which the browser
        // stage still needs.
        "golden" => vec![
            target.join("aarch64-unknown-linux-musl"),
            target.join("armv7-unknown-linux-gnueabihf"),
        ],
        _ => Vec::new(),
    }
}

/// After `stage` passed: when free space is below [`low_water_mb`], delete its scratch and say
/// how much that gave back. Returns a note for the summary ("" when nothing was done).
pub fn prune_after(stage: &str, root: &Path, target: &Path) -> String {
    let Some(free) = free_mb(root) else {
        return String::new();
    };
    let low_water = low_water_mb();
    if free >= low_water {
        return String::new();
    }
    let mut freed = 0;
    for dir in scratch_of(stage, root, target) {
        let mb = dir_mb(&dir);
        if mb > 0 && std::fs::remove_dir_all(&dir).is_ok() {
            eprintln!(
                "disk: {} free (< {}): removed {} ({}), only the {stage} stage builds it",
                gb(free),
                gb(low_water),
                dir.display(),
                gb(mb)
            );
            freed += mb;
        }
    }
    if freed > 0 {
        format!("pruned {}", gb(freed))
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn df_available_column() {
        let text = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n\
                    /dev/vda        263174212 20971520  75497472      22% /\n";
        assert_eq!(parse_df_free_kb(text), Some(75_497_472));
        assert_eq!(parse_df_free_kb("Filesystem\n"), None);
        assert_eq!(parse_df_free_kb(""), None);
    }

    #[test]
    fn scratch_never_names_sources_or_goldens() {
        let root = Path::new("/r");
        let target = Path::new("/r/target");
        for stage in [
            "setup",
            "fmt",
            "clippy",
            "cargo-test",
            "wrapref",
            "fuzz",
            "golden",
            "browser",
        ] {
            for dir in scratch_of(stage, root, target) {
                let inside_target = dir.starts_with(target);
                assert!(
                    inside_target || dir == root.join("fuzz/target"),
                    "{stage}: {}",
                    dir.display()
                );
            }
        }
    }

    #[test]
    fn a_missing_dir_weighs_nothing() {
        assert_eq!(dir_mb(Path::new("/nonexistent/tinydisplay/xtask")), 0);
    }
}
