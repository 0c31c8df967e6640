//! What a golden target is asked to compute ([`Job`]) and what a target is ([`Target`]).

use super::format::{Golden, Hashes};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What one target computes for one scene: the frames at `ticks` then at `at`, optionally under an
/// event log. Paths are relative to the workspace root, where targets run.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub scene: PathBuf,
    pub events: Option<PathBuf>,
    pub ticks: Range<u64>,
    pub at: Vec<u64>,
}

impl Job {
    /// Arguments in the `tinydisplay hash` contract: `SCENE --ticks A..B --at .. [--events LOG]`.
    pub fn hash_args(&self) -> Vec<String> {
        let mut a = vec![
            self.scene.display().to_string(),
            "--ticks".into(),
            format!("{}..{}", self.ticks.start, self.ticks.end),
        ];
        if !self.at.is_empty() {
            a.push("--at".into());
            a.push(
                self.at
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
        if let Some(ev) = &self.events {
            a.push("--events".into());
            a.push(ev.display().to_string());
        }
        a
    }

    pub fn all_ticks(&self) -> Vec<u64> {
        self.ticks.clone().chain(self.at.iter().copied()).collect()
    }
}

/// The jobs that recompute a golden file's hashes: the plain frames, then (when the file has
/// `events` lines and the log exists) the frames under the event log.
pub fn jobs_for(golden: &Golden, scene: &Path, events: Option<&Path>) -> Vec<Job> {
    let base = Job {
        scene: scene.to_path_buf(),
        events: None,
        ticks: 0..golden.last + 1,
        at: golden.far.clone(),
    };
    let mut jobs = vec![base.clone()];
    if let (Some(_), Some(ev)) = (&golden.events, events) {
        jobs.push(Job {
            events: Some(ev.to_path_buf()),
            ..base
        });
    }
    jobs
}

/// The file the targets are given for the scene at `scene` (relative to `root`): the scene
/// itself when it names no files, else a bundle of it and its files written under
/// `target/golden/bundles/`, so that every target (the wasm ones read one file) decodes the
/// same bytes. A scene without files is hashed exactly as before.
pub fn target_scene(root: &Path, scene: &Path) -> Result<PathBuf, String> {
    let full = root.join(scene);
    let bytes = std::fs::read(&full).map_err(|e| format!("{}: {e}", full.display()))?;
    let name = scene.display().to_string();
    let Ok(parsed) = tinydisplay::parse_scene_text(&name, &bytes) else {
        // Broken scenes fail on the targets, with their own messages.
        return Ok(scene.to_path_buf());
    };
    if parsed.asset_refs().is_empty() {
        return Ok(scene.to_path_buf());
    }
    let file_name = scene
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    let resolver = tinydisplay_assets::dir_resolver(&full);
    let json = tinydisplay_assets::make_bundle(&file_name, &bytes, &*resolver)
        .map_err(|e| e.to_string())?;
    let dir = crate::util::target_dir(root).join("golden/bundles");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let out = dir.join(format!("{file_name}.bundle.json"));
    std::fs::write(&out, json).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(out)
}

/// One frame as `(width, height, page-layout bytes)`.
pub type FrameBytes = (u32, u32, Vec<u8>);

/// Computes the hashes of a batch of jobs, one [`Hashes`] per job in job order.
pub type Compute = Box<dyn Fn(&[Job]) -> Result<Vec<Hashes>, String>>;
/// Renders one frame of a job at a tick.
pub type FrameFn = Box<dyn Fn(&Job, u64) -> Result<FrameBytes, String>>;
/// The wire-stream hash of a scene's ticks `0..=last`.
pub type WireFn = Box<dyn Fn(&Path, u64) -> Result<String, String>>;

/// A way of computing frames that the golden set must prove equivalent to the others. Anything
/// it needs is built lazily inside its functions, so selecting one target builds only that.
pub struct Target {
    pub name: &'static str,
    pub compute: Compute,
    /// Renders one frame on this target, for the PNG diff. None: the target cannot give frames.
    pub frame: Option<FrameFn>,
    /// Hashes the SSD1306 wire stream. Only the reference target does: the flush planner is
    /// target-independent code, so the stream is pinned once, natively; frames are checked
    /// everywhere.
    pub wire: Option<WireFn>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_args_follow_the_cli_contract() {
        let j = Job {
            scene: "tests/scenes/a.toml".into(),
            events: Some("tests/scenes/a.events".into()),
            ticks: 0..3,
            at: vec![10, 20],
        };
        assert_eq!(
            j.hash_args(),
            [
                "tests/scenes/a.toml",
                "--ticks",
                "0..3",
                "--at",
                "10,20",
                "--events",
                "tests/scenes/a.events"
            ]
        );
        assert_eq!(j.all_ticks(), [0, 1, 2, 10, 20]);
    }
}
