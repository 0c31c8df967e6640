//! Frames to images: panel colours, scaling, PNG and animated GIF encoding, atomic file writes.
//!
//! Shared by `render`, the emulator's PNG snapshots and golden-diff images. Everything works on
//! an indexed image (one palette index per output pixel), because a 1-bit panel never needs more
//! than four colours; indexed PNG/GIF files are also several times smaller than RGB.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use tinydisplay::{Frame, Tick};

/// Palette indices of a [`Raster`].
pub const DARK: u8 = 0;
/// Lit pixel, main colour (white or blue).
pub const LIT: u8 = 1;
/// Lit pixel in the yellow band of a two-colour module.
pub const LIT_ALT: u8 = 2;
/// The gap between pixels when `grid` is on.
pub const GAP: u8 = 3;

/// The RGB palette, indexed by [`DARK`], [`LIT`], [`LIT_ALT`], [`GAP`].
///
/// Dark is pure black so that a decoded `--panel white` image is exactly black and white.
pub const PALETTE: [u8; 12] = [
    0, 0, 0, // dark
    255, 255, 255, // lit (replaced per panel, see `Panel::palette`)
    255, 214, 0, // yellow
    24, 24, 24, // grid gap
];

/// The colour of the panel being imitated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Panel {
    /// White pixels.
    #[default]
    White,
    /// Blue pixels, like the common blue modules.
    Blue,
    /// Two-colour module: the top 16 rows yellow, the rest blue.
    YellowBlue,
}

impl Panel {
    /// The RGB palette for this panel (4 entries of 3 bytes).
    pub fn palette(self) -> [u8; 12] {
        let mut p = PALETTE;
        let lit: [u8; 3] = match self {
            Panel::White => [255, 255, 255],
            Panel::Blue | Panel::YellowBlue => [64, 180, 255],
        };
        p[3..6].copy_from_slice(&lit);
        p
    }

    /// The palette index of a lit pixel in panel row `y`.
    pub fn lit_index(self, y: u32) -> u8 {
        // The two-colour modules have a fixed 16-row yellow band at the top of the glass.
        if self == Panel::YellowBlue && y < 16 {
            LIT_ALT
        } else {
            LIT
        }
    }
}

/// How a frame becomes an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Output pixels per panel pixel (>= 1).
    pub scale: u32,
    pub panel: Panel,
    /// Darken the last row and column of every scaled pixel, like the gaps of a real panel.
    pub grid: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            scale: 4,
            panel: Panel::White,
            grid: false,
        }
    }
}

impl Style {
    /// Output size for a `w` x `h` frame, or an error when it exceeds what PNG/GIF viewers take.
    pub fn image_size(&self, w: u16, h: u16) -> Result<(u32, u32), String> {
        let (iw, ih) = (u32::from(w) * self.scale, u32::from(h) * self.scale);
        // GIF sizes are u16; keep PNG to the same bound so that both outputs always work.
        if self.scale == 0 || iw > u32::from(u16::MAX) || ih > u32::from(u16::MAX) {
            return Err(format!(
                "--scale {} gives a {iw}x{ih} image; the limit is 65535x65535",
                self.scale
            ));
        }
        Ok((iw, ih))
    }
}

/// An indexed image: one palette index per pixel, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raster {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Raster {
    /// Scales and colours a frame. The caller checked the size with [`Style::image_size`].
    pub fn from_frame(frame: &Frame, style: &Style) -> Raster {
        let (w, h) = (u32::from(frame.width()), u32::from(frame.height()));
        let s = style.scale.max(1);
        let (iw, ih) = (w * s, h * s);
        let mut pixels = vec![DARK; (iw * ih) as usize];
        // Grid gaps only read as gaps when a pixel is at least 3 output pixels wide.
        let grid = style.grid && s >= 3;
        for y in 0..h {
            let lit = style.panel.lit_index(y);
            let mut row = vec![DARK; iw as usize];
            for x in 0..w {
                let on = frame.pixel(x as i32, y as i32);
                let c = if on { lit } else { DARK };
                let cell = &mut row[(x * s) as usize..((x + 1) * s) as usize];
                cell.fill(c);
                if grid {
                    cell[s as usize - 1] = GAP;
                }
            }
            for sy in 0..s {
                let start = ((y * s + sy) * iw) as usize;
                let line = &mut pixels[start..start + iw as usize];
                if grid && sy == s - 1 {
                    line.fill(GAP);
                } else {
                    line.copy_from_slice(&row);
                }
            }
        }
        Raster {
            width: iw,
            height: ih,
            pixels,
        }
    }
}

/// Encodes an indexed PNG.
pub fn write_png<W: Write>(out: W, raster: &Raster, panel: Panel) -> Result<(), String> {
    let mut enc = png::Encoder::new(out, raster.width, raster.height);
    enc.set_color(png::ColorType::Indexed);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_palette(panel.palette().to_vec());
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(&raster.pixels)
        .map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())
}

/// Writes one frame as a PNG file, atomically.
pub fn save_png(path: &Path, frame: &Frame, style: &Style) -> Result<(), String> {
    style.image_size(frame.width(), frame.height())?;
    let raster = Raster::from_frame(frame, style);
    write_atomic(path, |w| write_png(w, &raster, style.panel))
}

/// GIF frame delays are in 1/100 s. Browsers show delays below 2 (20 ms) as 10 (100 ms), so
/// a frame that would get less is merged into the next one rather than slowing the animation.
pub const MIN_GIF_DELAY_CS: u64 = 2;

/// Streams frames into an animated GIF (looping forever) at a given tick rate.
///
/// Timing: tick `t` is shown at `t / tick_rate` seconds. Each GIF frame's delay is the
/// difference of the *rounded absolute* times of its start and of the next shown frame, so
/// rounding errors never accumulate: the total duration is exact to 1/100 s whatever the rate.
/// At 60 ticks/s the ideal delay is 1.67 cs; with the 2 cs minimum this keeps two of every three
/// frames (delays 2, 3, 2, 3, ...), which plays at the right speed, where a naive `100 / 60 = 1`
/// would play 40% too fast or be clamped to 10 cs by browsers.
/// Consecutive identical frames are merged into one longer frame.
pub struct GifWriter<W: Write> {
    enc: gif::Encoder<W>,
    style: Style,
    tick_rate: u64,
    first_tick: Option<Tick>,
    /// The frame waiting for its delay: (start tick, frame).
    pending: Option<(Tick, Frame)>,
    /// The image shown so far, which the next frame is a difference to.
    prev: Option<Raster>,
    frames_written: u64,
}

/// Palette index that GIF frames after the first use for "unchanged" (transparent) pixels.
const KEEP: u8 = 4;

/// Only what changed since `prev`: the bounding box of the changed pixels, unchanged ones inside
/// it transparent. Transparent runs compress better than repeated content (measured: 10 s of
/// the stress scene 2.1 MB -> 1.3 MB, 5 s of the dashboard 536 KB -> 472 KB), and every viewer
/// composites such frames.
fn delta_frame(prev: &Raster, next: &Raster) -> gif::Frame<'static> {
    let w = next.width as usize;
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (i, (a, b)) in prev.pixels.iter().zip(&next.pixels).enumerate() {
        if a != b {
            let (x, y) = (i % w, i / w);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
        }
    }
    if x0 == usize::MAX {
        return empty_frame();
    }
    let mut px = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        let row = y * w;
        for x in x0..x1 {
            let (a, b) = (prev.pixels[row + x], next.pixels[row + x]);
            px.push(if a == b { KEEP } else { b });
        }
    }
    let mut f = gif::Frame::from_indexed_pixels((x1 - x0) as u16, (y1 - y0) as u16, px, Some(KEEP));
    f.left = x0 as u16;
    f.top = y0 as u16;
    f
}

/// A 1x1 transparent frame: shows nothing new, only extends the time.
fn empty_frame() -> gif::Frame<'static> {
    gif::Frame::from_indexed_pixels(1, 1, vec![KEEP], Some(KEEP))
}

impl<W: Write> GifWriter<W> {
    pub fn new(
        out: W,
        width: u16,
        height: u16,
        tick_rate: u32,
        style: Style,
    ) -> Result<Self, String> {
        let (iw, ih) = style.image_size(width, height)?;
        // The panel's four colours plus the transparent "unchanged" entry, `KEEP`.
        let mut palette = style.panel.palette().to_vec();
        palette.extend_from_slice(&[0, 0, 0]);
        let mut enc =
            gif::Encoder::new(out, iw as u16, ih as u16, &palette).map_err(|e| e.to_string())?;
        enc.set_repeat(gif::Repeat::Infinite)
            .map_err(|e| e.to_string())?;
        Ok(GifWriter {
            enc,
            style,
            tick_rate: u64::from(tick_rate.max(1)),
            first_tick: None,
            pending: None,
            prev: None,
            frames_written: 0,
        })
    }

    /// Centiseconds from the first tick to `tick`, rounded to nearest.
    fn cs_at(&self, tick: Tick) -> u64 {
        let rel = u128::from(tick - self.first_tick.unwrap_or(tick));
        ((rel * 100 + u128::from(self.tick_rate) / 2) / u128::from(self.tick_rate)) as u64
    }

    /// Adds the frame shown from `tick` on. Ticks must increase.
    pub fn push(&mut self, tick: Tick, frame: &Frame) -> Result<(), String> {
        if self.first_tick.is_none() {
            self.first_tick = Some(tick);
        }
        if let Some((start, pf)) = &self.pending {
            if pf == frame {
                return Ok(()); // unchanged: the pending frame simply lasts longer
            }
            let delay = self.cs_at(tick) - self.cs_at(*start);
            if delay < MIN_GIF_DELAY_CS {
                // Too short to show: the new frame takes over the slot from the same start.
                let start = *start;
                self.pending = Some((start, frame.clone()));
                return Ok(());
            }
            self.emit(delay)?;
        }
        self.pending = Some((tick, frame.clone()));
        Ok(())
    }

    fn emit(&mut self, delay_cs: u64) -> Result<(), String> {
        let Some((_, frame)) = self.pending.take() else {
            return Ok(());
        };
        let raster = Raster::from_frame(&frame, &self.style);
        let mut f = match &self.prev {
            None => gif::Frame::from_indexed_pixels(
                raster.width as u16,
                raster.height as u16,
                raster.pixels.clone(),
                None,
            ),
            Some(prev) => delta_frame(prev, &raster),
        };
        f.dispose = gif::DisposalMethod::Keep;
        self.prev = Some(raster);
        // Delays above u16 are split, the rest shown by empty (transparent) frames; in practice
        // only for very slow scenes.
        let mut left = delay_cs;
        loop {
            let d = left.min(u64::from(u16::MAX));
            f.delay = d as u16;
            self.enc.write_frame(&f).map_err(|e| e.to_string())?;
            self.frames_written += 1;
            left -= d;
            if left == 0 {
                break;
            }
            f = empty_frame();
            f.dispose = gif::DisposalMethod::Keep;
        }
        Ok(())
    }

    /// Writes the last frame, lasting until `end_tick` (exclusive end of the range), and returns
    /// the number of GIF frames written.
    pub fn finish(mut self, end_tick: Tick) -> Result<(W, u64), String> {
        if let Some((start, _)) = &self.pending {
            let delay = (self.cs_at(end_tick) - self.cs_at(*start)).max(MIN_GIF_DELAY_CS);
            self.emit(delay)?;
        }
        let n = self.frames_written;
        let w = self.enc.into_inner().map_err(|e| e.to_string())?;
        Ok((w, n))
    }
}

/// Creates `path` by writing a temporary file next to it and renaming it into place, so that
/// an interrupted or failed write never leaves a half-written file under the real name.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> Result<(), String>,
) -> Result<(), String> {
    let tmp = temp_path(path);
    let file =
        File::create(&tmp).map_err(|e| format!("{}: cannot create file: {e}", path.display()))?;
    let result = (|| {
        let mut w = BufWriter::new(&file);
        write(&mut w)?;
        w.flush().map_err(|e| e.to_string())?;
        drop(w);
        file.sync_all().map_err(|e| e.to_string())
    })();
    drop(file);
    let result = result
        .map_err(|e| format!("{}: write failed: {e}", path.display()))
        .and_then(|()| {
            std::fs::rename(&tmp, path).map_err(|e| {
                format!(
                    "{}: cannot move the finished file into place: {e}",
                    path.display()
                )
            })
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `dir/.name.tmp-PID`: hidden, in the same directory (so the rename stays on one filesystem).
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_with(pixels: &[(i32, i32)]) -> Frame {
        let mut f = Frame::new(8, 8);
        for &(x, y) in pixels {
            f.set_pixel(x, y, true);
        }
        f
    }

    #[test]
    fn raster_scales_and_colours() {
        let f = frame_with(&[(1, 0)]);
        let r = Raster::from_frame(
            &f,
            &Style {
                scale: 2,
                panel: Panel::White,
                grid: false,
            },
        );
        assert_eq!((r.width, r.height), (16, 16));
        let at = |x: u32, y: u32| r.pixels[(y * r.width + x) as usize];
        assert_eq!([at(2, 0), at(3, 0), at(2, 1), at(3, 1)], [LIT; 4]);
        assert_eq!([at(1, 0), at(4, 0), at(2, 2)], [DARK; 3]);
    }

    #[test]
    fn grid_darkens_cell_edges() {
        let f = frame_with(&[(0, 0)]);
        let r = Raster::from_frame(
            &f,
            &Style {
                scale: 3,
                panel: Panel::White,
                grid: true,
            },
        );
        let row = |y: u32| r.pixels[(y * r.width) as usize..(y * r.width + 3) as usize].to_vec();
        assert_eq!(row(0), [LIT, LIT, GAP]);
        assert_eq!(row(2), [GAP, GAP, GAP]);
    }

    #[test]
    fn yellow_band_is_the_top_16_rows() {
        assert_eq!(Panel::YellowBlue.lit_index(15), LIT_ALT);
        assert_eq!(Panel::YellowBlue.lit_index(16), LIT);
        assert_eq!(Panel::Blue.lit_index(0), LIT);
    }

    /// Delays sum to the exact duration, with no frame under the browser minimum.
    #[test]
    fn gif_timing_does_not_drift() {
        let mut g = GifWriter::new(
            Vec::new(),
            8,
            8,
            60,
            Style {
                scale: 1,
                ..Style::default()
            },
        )
        .unwrap();
        for t in 0..600u64 {
            g.push(t, &frame_with(&[((t % 8) as i32, ((t / 8) % 8) as i32)]))
                .unwrap();
        }
        let (bytes, n) = g.finish(600).unwrap();
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut d = opts.read_info(bytes.as_slice()).unwrap();
        let (mut count, mut sum) = (0u64, 0u64);
        while let Some(fr) = d.read_next_frame().unwrap() {
            assert!(
                u64::from(fr.delay) >= MIN_GIF_DELAY_CS,
                "delay {}",
                fr.delay
            );
            count += 1;
            sum += u64::from(fr.delay);
        }
        assert_eq!(count, n);
        assert_eq!(sum, 1000, "600 ticks at 60/s are 10 s");
        // Two of every three 60 Hz ticks fit the 2 cs minimum.
        assert!((390..=410).contains(&n), "{n} frames kept of 600");
    }

    /// Decodes a GIF and composites its frames (as viewers do), giving each full image.
    pub(crate) fn composite(bytes: &[u8]) -> Vec<(u16, Vec<u8>)> {
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut d = opts.read_info(bytes).unwrap();
        let w = d.width() as usize;
        let mut canvas = vec![0u8; w * d.height() as usize];
        let mut out = Vec::new();
        while let Some(f) = d.read_next_frame().unwrap() {
            for (i, &p) in f.buffer.iter().enumerate() {
                if Some(p) != f.transparent {
                    let (x, y) = (
                        f.left as usize + i % f.width as usize,
                        f.top as usize + i / f.width as usize,
                    );
                    canvas[y * w + x] = p;
                }
            }
            out.push((f.delay, canvas.clone()));
        }
        out
    }

    /// Difference frames composite back to exactly the rendered images, including returning
    /// to an earlier image and a slot whose frame equals the one before it.
    #[test]
    fn delta_frames_composite_to_the_full_images() {
        let style = Style {
            scale: 2,
            ..Style::default()
        };
        let frames = [
            frame_with(&[(0, 0), (7, 7)]),
            frame_with(&[(1, 0), (7, 7)]),
            frame_with(&[(0, 0), (7, 7)]),
            frame_with(&[(3, 4)]),
            frame_with(&[]),
        ];
        // 10 ticks/s: every frame is its own 10 cs slot.
        let mut g = GifWriter::new(Vec::new(), 8, 8, 10, style).unwrap();
        for (t, f) in frames.iter().enumerate() {
            g.push(t as u64, f).unwrap();
        }
        let (bytes, n) = g.finish(frames.len() as u64).unwrap();
        assert_eq!(n, 5);
        let shown = composite(&bytes);
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(
                shown[i].1,
                Raster::from_frame(f, &style).pixels,
                "frame {i}"
            );
            assert_eq!(shown[i].0, 10);
        }
        // At 60 ticks/s, tick 2 replaces tick 1 in its slot, and tick 2 equals tick 0: an empty
        // difference frame still keeps the timing.
        let mut g = GifWriter::new(Vec::new(), 8, 8, 60, style).unwrap();
        for (t, f) in frames[..3].iter().enumerate() {
            g.push(t as u64, f).unwrap();
        }
        let (bytes, _) = g.finish(60).unwrap();
        let shown = composite(&bytes);
        assert_eq!(shown.iter().map(|s| u32::from(s.0)).sum::<u32>(), 100);
        assert_eq!(
            shown.last().unwrap().1,
            Raster::from_frame(&frames[0], &style).pixels
        );
    }

    #[test]
    fn identical_frames_merge() {
        let mut g = GifWriter::new(
            Vec::new(),
            8,
            8,
            10,
            Style {
                scale: 1,
                ..Style::default()
            },
        )
        .unwrap();
        let a = frame_with(&[(0, 0)]);
        let b = frame_with(&[(1, 1)]);
        for t in 0..10 {
            g.push(t, if t < 6 { &a } else { &b }).unwrap();
        }
        let (_, n) = g.finish(10).unwrap();
        assert_eq!(n, 2);
    }

    #[test]
    fn atomic_write_leaves_no_partial_file() {
        let dir = std::env::temp_dir().join(format!("td-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("out.png");
        std::fs::write(&p, b"old").unwrap();
        let r = write_atomic(&p, |w| {
            w.write_all(b"partial").map_err(|e| e.to_string())?;
            Err("disk full".into())
        });
        assert!(r.unwrap_err().contains("disk full"));
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert!(!temp_path(&p).exists());
        write_atomic(&p, |w| w.write_all(b"new").map_err(|e| e.to_string())).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
