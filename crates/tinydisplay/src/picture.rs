//! `kind = "image"`: a decoded picture ([`crate::asset::ImageAsset`]) compiled into 1-bit
//! frames at the widget's size, and an animated GIF's timing turned into ticks.
//!
//! Frame timing: each frame shows for `delay_ms * tick_rate / 1000` ticks rounded half up, at
//! least 1. The frame at tick `t` is found by a binary search in the cumulative ends, so the
//! cost does not grow with `t`. After its last play (`loop = N`, or the GIF's own count) the
//! last frame stays.

use crate::asset::ImageAsset;
use crate::dither::{dither, on_dark, resample};
use crate::error::SceneError;
use crate::image::PageImage;
use crate::limits::{MAX_BITMAP_SIDE, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_SPRITE_FRAMES};
use crate::scene::{Loop, Scale, Widget};
use crate::Tick;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// When each frame of an animation ends, in ticks from tick 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FrameTiming {
    /// Cumulative: frame `i` shows in `ends[i - 1]..ends[i]` (from 0 for frame 0) of each play.
    pub ends: Vec<u64>,
    /// `None`: forever; `Some(n)`: `n` plays, then the last frame stays.
    pub loops: Option<u32>,
}

impl FrameTiming {
    /// The frame shown at tick `t`, in O(log frames).
    pub(crate) fn frame_at(&self, t: Tick) -> usize {
        let (Some(&cycle), true) = (self.ends.last(), self.ends.len() > 1) else {
            return 0;
        };
        let cycle = cycle.max(1);
        if let Some(n) = self.loops {
            if t / cycle >= u64::from(n) {
                return self.ends.len() - 1;
            }
        }
        let pos = t % cycle;
        self.ends.partition_point(|&e| e <= pos)
    }
}

/// Ticks a frame of `delay_ms` shows at `tick_rate`: rounded half up, at least 1.
pub(crate) fn delay_ticks(delay_ms: u32, tick_rate: u32) -> u64 {
    ((u64::from(delay_ms) * u64::from(tick_rate) + 500) / 1000).max(1)
}

/// A compiled picture: its frames and, when animated, their timing.
pub(crate) struct Picture {
    pub frames: Vec<PageImage>,
    pub timing: Option<FrameTiming>,
}

fn err(path: &str, message: impl Into<String>) -> SceneError {
    SceneError::at_path(path, message)
}

/// Checks what a shell handed over, so a malformed asset (from a snapshot, a script) is an
/// error rather than a panic or an unbounded allocation.
fn check_asset(a: &ImageAsset, src: &str, path: &str) -> Result<(), SceneError> {
    let bad = |why: String| err(path, format!("asset {src:?} is malformed: {why}"));
    if a.width == 0 || a.height == 0 || a.width > MAX_IMAGE_SIDE || a.height > MAX_IMAGE_SIDE {
        return Err(bad(format!(
            "{}x{} (expected 1..={MAX_IMAGE_SIDE} on a side)",
            a.width, a.height
        )));
    }
    if a.frames.is_empty() || a.frames.len() > MAX_SPRITE_FRAMES {
        return Err(bad(format!(
            "{} frames (expected 1..={MAX_SPRITE_FRAMES})",
            a.frames.len()
        )));
    }
    let px = u64::from(a.width) * u64::from(a.height);
    if px * a.frames.len() as u64 > MAX_IMAGE_PIXELS {
        return Err(bad(format!(
            "{px} pixels x {} frames is more than {MAX_IMAGE_PIXELS}",
            a.frames.len()
        )));
    }
    for (i, f) in a.frames.iter().enumerate() {
        if f.luma.len() as u64 != px || f.alpha.len() as u64 != px {
            return Err(bad(format!(
                "frame {i} has {} luma and {} alpha bytes for {px} pixels",
                f.luma.len(),
                f.alpha.len()
            )));
        }
    }
    Ok(())
}

/// The drawn size: `w` x `h` when both are set, the picture's size when neither is, and with
/// one set the other keeps the aspect ratio (rounded half up, at least 1).
fn target_size(w: i32, h: i32, sw: u32, sh: u32) -> (i64, i64) {
    let (w, h, sw, sh) = (i64::from(w), i64::from(h), i64::from(sw), i64::from(sh));
    match (w, h) {
        (0, 0) => (sw, sh),
        (w, 0) => (w, ((sh * w * 2 + sw) / (sw * 2)).max(1)),
        (0, h) => (((sw * h * 2 + sh) / (sh * 2)).max(1), h),
        (w, h) => (w, h),
    }
}

/// Compiles an image widget `w` (at field `path`) from its decoded `asset`.
pub(crate) fn compile(
    w: &Widget,
    asset: &ImageAsset,
    tick_rate: u32,
    path: &str,
) -> Result<Picture, SceneError> {
    let src = w.src.as_deref().unwrap_or("");
    check_asset(asset, src, &format!("{path}.src"))?;
    let (dw, dh) = target_size(w.w, w.h, asset.width, asset.height);
    let side = MAX_BITMAP_SIDE as i64;
    if dw > side || dh > side {
        let field = if dw > side && w.w != 0 { "w" } else { "h" };
        return Err(err(
            &format!("{path}.{field}"),
            format!(
                "the picture would be drawn {dw}x{dh}: at most {side}x{side} (set `w`/`h` to scale it down)"
            ),
        ));
    }
    let frames_px = dw as u64 * dh as u64 * asset.frames.len() as u64;
    if frames_px > MAX_IMAGE_PIXELS {
        return Err(err(
            &format!("{path}.w"),
            format!(
                "{dw}x{dh} x {} frames is {frames_px} pixels: at most {MAX_IMAGE_PIXELS}",
                asset.frames.len()
            ),
        ));
    }
    let threshold = w.threshold.unwrap_or(128);
    if !(0..=255).contains(&threshold) {
        return Err(err(
            &format!("{path}.threshold"),
            format!("{threshold} is out of range: expected 0..=255"),
        ));
    }
    let loops = match w.loops {
        None => asset.loops,
        Some(Loop::Forever(true)) => None,
        Some(Loop::Forever(false)) => Some(1),
        Some(Loop::Times(0)) => {
            return Err(err(
                &format!("{path}.loop"),
                "expected true (forever), false (once) or a play count of at least 1",
            ))
        }
        Some(Loop::Times(n)) => Some(n),
    };
    let (sw, sh) = (asset.width as usize, asset.height as usize);
    let (dwu, dhu) = (dw as usize, dh as usize);
    // Shrinking averages (nearest would drop thin lines); enlarging keeps pixels square-edged.
    let scale = w.scale.unwrap_or(if dwu < sw || dhu < sh {
        Scale::Area
    } else {
        Scale::Nearest
    });
    let how = w.dither.unwrap_or_default();
    let mut frames = Vec::with_capacity(asset.frames.len());
    for f in &asset.frames {
        let grey = resample(&on_dark(f), (sw, sh), (dwu, dhu), scale);
        let bits = dither(&grey, dwu, dhu, how, threshold as u8);
        frames.push(PageImage::from_fn(dw as i32, dh as i32, |c, r| {
            bits[r as usize * dwu + c as usize]
        }));
    }
    let timing = (asset.frames.len() > 1).then(|| {
        let mut at = 0u64;
        let ends = asset
            .frames
            .iter()
            .map(|f| {
                at += delay_ticks(f.delay_ms, tick_rate);
                at
            })
            .collect();
        FrameTiming { ends, loops }
    });
    Ok(Picture { frames, timing })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn delays_round_half_up_at_least_one() {
        assert_eq!(delay_ticks(100, 60), 6);
        assert_eq!(delay_ticks(25, 60), 2); // 1.5 -> 2
        assert_eq!(delay_ticks(24, 60), 1); // 1.44 -> 1
        assert_eq!(delay_ticks(1, 60), 1); // 0.06 -> at least 1
        assert_eq!(delay_ticks(70, 10), 1); // 0.7 -> 1
    }

    #[test]
    fn frame_at_is_closed_form() {
        let t = FrameTiming {
            ends: vec![2, 5, 6],
            loops: None,
        };
        let got: Vec<usize> = (0..13).map(|i| t.frame_at(i)).collect();
        assert_eq!(got, [0, 0, 1, 1, 1, 2, 0, 0, 1, 1, 1, 2, 0]);
        // u64::MAX % 6 == 3: inside frame 1.
        assert_eq!(t.frame_at(u64::MAX), 1);
        let twice = FrameTiming {
            ends: vec![2, 5, 6],
            loops: Some(2),
        };
        assert_eq!(twice.frame_at(11), 2);
        assert_eq!(twice.frame_at(12), 2);
        assert_eq!(twice.frame_at(u64::MAX), 2);
        assert_eq!(twice.frame_at(7), 0);
    }

    #[test]
    fn aspect_kept_when_one_side_given() {
        assert_eq!(target_size(0, 0, 40, 20), (40, 20));
        assert_eq!(target_size(20, 0, 40, 20), (20, 10));
        assert_eq!(target_size(0, 5, 40, 20), (10, 5));
        assert_eq!(target_size(3, 0, 40, 20), (3, 2)); // 1.5 -> 2
    }
}
