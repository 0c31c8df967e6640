//! The PNG that shows a differing frame: expected | actual | XOR, side by side.

use super::job::{FrameBytes, Job, Target};
use std::path::{Path, PathBuf};

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

/// Gray 8-bit PNG of three panels side by side: expected, actual, and their XOR (differing
/// pixels lit). Panels are separated by a mid-gray bar.
pub fn write_diff_png(
    path: &Path,
    expected: Option<&FrameBytes>,
    actual: &FrameBytes,
    scale: u32,
) -> Result<(), String> {
    let (w, h, _) = *actual;
    let gap = 2 * scale;
    let pw = w * scale;
    let width = pw * 3 + gap * 2;
    let height = h * scale;
    let lit = |f: &FrameBytes, x: u32, y: u32| -> bool {
        let (fw, _, b) = f;
        b.get(((y / 8) * fw + x) as usize)
            .is_some_and(|v| v >> (y % 8) & 1 == 1)
    };
    let mut img = vec![128u8; (width * height) as usize];
    for y in 0..height {
        for x in 0..width {
            let panel = x / (pw + gap);
            let px = x % (pw + gap);
            if px >= pw {
                continue;
            }
            let (fx, fy) = (px / scale, y / scale);
            let e = expected.map(|e| lit(e, fx, fy));
            let a = lit(actual, fx, fy);
            let v = match panel {
                0 => match e {
                    Some(true) => 255,
                    Some(false) => 0,
                    None => 40, // unknown: dark gray
                },
                1 => {
                    if a {
                        255
                    } else {
                        0
                    }
                }
                _ => {
                    if e.is_some_and(|e| e != a) {
                        255
                    } else {
                        0
                    }
                }
            };
            img[(y * width + x) as usize] = v;
        }
    }
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut wr = enc.write_header().map_err(|e| e.to_string())?;
    wr.write_image_data(&img).map_err(|e| e.to_string())
}
