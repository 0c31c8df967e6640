//! The PNG that shows a differing frame: expected | actual | XOR, side by side.

use super::job::{FrameBytes, Job, Target};
use std::path::{Path, PathBuf};
use tinydisplay::Frame;

/// Writes the diff of `job` at `tick` on `target` to `DIR/SCENE-TARGET-[events-]TICK.png` and
/// returns its path; None when the target cannot give frames. The expected frame comes from
/// `reference` (the x86_64 target) when there is one other than `target`: when the reference
/// itself differs from the golden file, the expected frame is not recoverable from a hash, so
/// that panel is left dark gray.
pub fn diff_png(
    dir: &Path,
    target: &Target,
    reference: Option<&Target>,
    scene: &str,
    job: &Job,
    tick: u64,
) -> Option<PathBuf> {
    let actual = target.frame.as_ref()?(job, tick).ok()?;
    let expected = reference
        .filter(|r| !std::ptr::eq(*r, target))
        .and_then(|r| r.frame.as_ref())
        .and_then(|f| f(job, tick).ok());
    std::fs::create_dir_all(dir).ok()?;
    let safe: String = target
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let path = dir.join(format!(
        "{scene}-{safe}-{}{tick}.png",
        if job.events.is_some() { "events-" } else { "" }
    ));
    write_diff_png(&path, expected.as_ref(), &actual, 4).ok()?;
    Some(path)
}

/// The diff image of `tinydisplay-export` (expected | actual | XOR, the one export
/// implementation the CLI and the browser use too), written to `path`.
pub fn write_diff_png(
    path: &Path,
    expected: Option<&FrameBytes>,
    actual: &FrameBytes,
    scale: u32,
) -> Result<(), String> {
    let frame = |(w, h, b): &FrameBytes| -> Result<Frame, String> {
        let (w16, h16) = (u16::try_from(*w), u16::try_from(*h));
        match (w16, h16) {
            (Ok(w), Ok(h)) => Frame::from_bytes(w, h, b.clone())
                .ok_or_else(|| format!("a {w}x{h} frame cannot hold {} bytes", b.len())),
            _ => Err(format!("frame size {w}x{h} is out of range")),
        }
    };
    let expected = expected.map(frame).transpose()?;
    let png = tinydisplay_export::diff_png(expected.as_ref(), &frame(actual)?, scale)
        .map_err(|e| e.to_string())?;
    std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))
}
