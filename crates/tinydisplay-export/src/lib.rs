//! Frames to images: the panel palettes, integer scaling, the pixel grid, PNG and animated GIF
//! encoding, and the golden-diff image. The one export implementation: the CLI's `render` and
//! emulator snapshots, the browser's downloads and canvas colours all come from here, so the
//! same request gives the same bytes everywhere (`tests/export/digests.txt` pins them).
//!
//! Pure: no file system, no clock, no threads; output goes to any [`std::io::Write`] or a
//! `Vec<u8>`. It builds for `wasm32-unknown-unknown`. Writing files atomically is the CLI's job.
//!
//! Everything works on an indexed image (one palette index per output pixel): a 1-bit panel never
//! needs more than four colours, and indexed PNG/GIF files are several times smaller than RGB.
//!
//! ```
//! use tinydisplay::Frame;
//! use tinydisplay_export::{png, Panel, Style};
//! let mut f = Frame::new(128, 64);
//! f.set_pixel(3, 2, true);
//! let bytes = png(&f, &Style { scale: 2, panel: Panel::Blue, grid: false }).unwrap();
//! assert_eq!(&bytes[1..4], b"PNG");
//! ```

mod diff;
mod gif_writer;
mod glass;

pub use diff::{diff_image, diff_png, GrayImage, DIFF_BAR, DIFF_UNKNOWN};
pub use gif_writer::{gif, gif_glass, GifWriter, MIN_GIF_DELAY_CS};
pub use glass::Glass;

use std::fmt;
use std::io::Write;
use tinydisplay::{Engine, Frame, Tick};

/// Palette index of a dark pixel.
pub const DARK: u8 = 0;
/// Palette index of a lit pixel in the panel's main colour (white or blue).
pub const LIT: u8 = 1;
/// Palette index of a lit pixel in the yellow band of a two-colour module.
pub const LIT_ALT: u8 = 2;
/// Palette index of the gap between pixels when the grid is on.
pub const GAP: u8 = 3;

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// The colours of one panel, by palette index ([`DARK`], [`LIT`], [`LIT_ALT`], [`GAP`]).
///
/// The values are the CLI's from before the browser shared them: dark is pure black, so that a
/// decoded `white` image is exactly black and white (the CLI's pixel tests rely on it); white is
/// pure white for the same reason; blue `64,180,255` and yellow `255,214,0` are what the common
/// blue and yellow-blue modules look like in photos; the grid gap `24,24,24` is dark enough to
/// read as the glass between pixels without looking like an unlit pixel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    pub dark: Rgb,
    pub lit: Rgb,
    pub lit_alt: Rgb,
    pub gap: Rgb,
}

impl Palette {
    /// The four entries in index order, 3 bytes each, as PNG's PLTE and GIF's colour table take.
    pub fn rgb_bytes(&self) -> [u8; 12] {
        let mut out = [0u8; 12];
        for (i, c) in [self.dark, self.lit, self.lit_alt, self.gap]
            .iter()
            .enumerate()
        {
            out[i * 3..i * 3 + 3].copy_from_slice(c);
        }
        out
    }

    /// The palette of a panel at `contrast` (the 0x81 command's argument): lit colours scaled
    /// by `(64 + contrast * 191 / 255) / 255`, so 255 is the full colour and 0 a quarter of it
    /// (a panel at contrast 0 is dim, not dark). Dark and the grid gap stay. Exports of frames
    /// without a display state use [`Panel::palette`] as it is, i.e. full brightness.
    ///
    /// Why this curve: the contrast byte sets the segment current, and a panel's luminance
    /// follows the current about linearly, but not from zero: at contrast 0 an SSD1306 still
    /// glows visibly (the datasheet's current steps start above zero, and luma.oled notes that
    /// contrast alone cannot fade a panel out). A straight line from a quarter to full is that,
    /// in integers only, so every target computes the same colours.
    ///
    /// ```
    /// let p = tinydisplay_export::Panel::White.palette();
    /// assert_eq!(p.at_contrast(255), p);
    /// assert_eq!(p.at_contrast(0).lit, [64, 64, 64]);
    /// assert_eq!(p.at_contrast(128).lit, [159, 159, 159]);
    /// ```
    pub fn at_contrast(mut self, contrast: u8) -> Palette {
        let level = 64 + u32::from(contrast) * 191 / 255;
        let scale = |c: Rgb| c.map(|v| (u32::from(v) * level / 255) as u8);
        self.lit = scale(self.lit);
        self.lit_alt = scale(self.lit_alt);
        self
    }

    /// The colour of palette index `i` (indices past [`GAP`] read as dark).
    pub fn colour(&self, i: u8) -> Rgb {
        match i {
            LIT => self.lit,
            LIT_ALT => self.lit_alt,
            GAP => self.gap,
            _ => self.dark,
        }
    }
}

const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];
const BLUE: Rgb = [64, 180, 255];
const YELLOW: Rgb = [255, 214, 0];
const GRID_GAP: Rgb = [24, 24, 24];

/// Rows at the top of a two-colour module's glass that light yellow: the band is part of the
/// glass, fixed at 16 rows whatever the scene draws.
pub const YELLOW_BAND_ROWS: u32 = 16;

/// The colour of the panel being imitated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Panel {
    /// White pixels.
    #[default]
    White,
    /// Blue pixels, like the common blue modules.
    Blue,
    /// Two-colour module: the top [`YELLOW_BAND_ROWS`] rows yellow, the rest blue.
    YellowBlue,
}

impl Panel {
    pub const ALL: [Panel; 3] = [Panel::White, Panel::Blue, Panel::YellowBlue];

    /// The names [`Panel::parse`] takes, in [`Panel::ALL`] order.
    pub const NAMES: [&'static str; 3] = ["white", "blue", "yellow-blue"];

    /// `white`, `blue` or `yellow-blue`: the CLI's `--panel` values and the browser's.
    pub fn name(self) -> &'static str {
        match self {
            Panel::White => "white",
            Panel::Blue => "blue",
            Panel::YellowBlue => "yellow-blue",
        }
    }

    pub fn parse(name: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.name() == name)
    }

    pub fn palette(self) -> Palette {
        Palette {
            dark: BLACK,
            lit: match self {
                Panel::White => WHITE,
                Panel::Blue | Panel::YellowBlue => BLUE,
            },
            lit_alt: YELLOW,
            gap: GRID_GAP,
        }
    }

    /// How many rows at the top light in [`Palette::lit_alt`] (0: none).
    pub fn alt_rows(self) -> u32 {
        match self {
            Panel::YellowBlue => YELLOW_BAND_ROWS,
            Panel::White | Panel::Blue => 0,
        }
    }

    /// The palette index of a lit pixel in panel row `y`.
    pub fn lit_index(self, y: u32) -> u8 {
        if y < self.alt_rows() {
            LIT_ALT
        } else {
            LIT
        }
    }
}

/// The largest scale any caller may ask for: 64 makes a 128x64 panel 8192x4096, already more
/// than a screen; beyond it a typo would allocate gigabytes before failing.
pub const MAX_SCALE: u32 = 64;

/// The largest image side: GIF stores sizes as 16 bits, and PNG is kept to the same bound so
/// that a size that works for one works for both.
pub const MAX_SIDE: u32 = u16::MAX as u32;

/// How a frame becomes an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Output pixels per panel pixel, 1 to [`MAX_SCALE`].
    pub scale: u32,
    pub panel: Panel,
    /// Darken the last row and column of every scaled pixel, like the gaps of a real panel. Only
    /// drawn from scale 3 up: at 2 a gap would be half of every pixel.
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
    /// Output size for a `w` x `h` frame, or why this style cannot draw it.
    pub fn image_size(&self, w: u16, h: u16) -> Result<(u32, u32), ExportError> {
        if !(1..=MAX_SCALE).contains(&self.scale) {
            return Err(ExportError::Scale { scale: self.scale });
        }
        let (iw, ih) = (u32::from(w) * self.scale, u32::from(h) * self.scale);
        if iw > MAX_SIDE || ih > MAX_SIDE || iw == 0 || ih == 0 {
            return Err(ExportError::Size {
                scale: self.scale,
                width: iw,
                height: ih,
            });
        }
        Ok((iw, ih))
    }

    /// Whether the grid is drawn at this scale.
    pub fn grid_drawn(&self) -> bool {
        self.grid && self.scale >= 3
    }
}

/// Why an image could not be made. Bad requests (scale, size, tick order) are told apart from
/// encoder failures, which include the writer's I/O errors.
#[derive(Debug)]
pub enum ExportError {
    /// The scale is outside 1..=[`MAX_SCALE`].
    Scale {
        scale: u32,
    },
    /// The scaled image would be empty or exceed [`MAX_SIDE`].
    Size {
        scale: u32,
        width: u32,
        height: u32,
    },
    /// A frame of another size than the animation's.
    FrameSize {
        expected: (u16, u16),
        got: (u16, u16),
    },
    /// Animation ticks must increase.
    TickOrder {
        previous: u64,
        tick: u64,
    },
    /// An animation needs at least one frame.
    NoFrames,
    Png(png::EncodingError),
    Gif(gif::EncodingError),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Scale { scale } => {
                write!(f, "scale {scale} is outside 1..={MAX_SCALE}")
            }
            ExportError::Size {
                scale,
                width,
                height,
            } => write!(
                f,
                "scale {scale} gives a {width}x{height} image; images must be 1x1 to {MAX_SIDE}x{MAX_SIDE}"
            ),
            ExportError::FrameSize { expected, got } => write!(
                f,
                "a {}x{} frame in a {}x{} animation",
                got.0, got.1, expected.0, expected.1
            ),
            ExportError::TickOrder { previous, tick } => {
                write!(f, "tick {tick} after tick {previous}: ticks must increase")
            }
            ExportError::NoFrames => f.write_str("no frames to export"),
            ExportError::Png(e) => write!(f, "PNG: {e}"),
            ExportError::Gif(e) => write!(f, "GIF: {e}"),
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::Png(e) => Some(e),
            ExportError::Gif(e) => Some(e),
            _ => None,
        }
    }
}

impl From<png::EncodingError> for ExportError {
    fn from(e: png::EncodingError) -> Self {
        ExportError::Png(e)
    }
}

impl From<gif::EncodingError> for ExportError {
    fn from(e: gif::EncodingError) -> Self {
        ExportError::Gif(e)
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
    /// Scales and colours a frame: every panel pixel becomes a `scale` x `scale` square of its
    /// palette index; with the grid drawn, the square's last row and column are [`GAP`].
    pub fn from_frame(frame: &Frame, style: &Style) -> Result<Raster, ExportError> {
        Raster::from_frame_glass(frame, style, Glass::FULL)
    }

    /// [`Raster::from_frame`] of a panel in state `glass`: asleep, every pixel is dark (the grid
    /// stays: it is the glass between the pixels). Contrast is not in the raster but in the
    /// palette ([`Glass::palette`]).
    pub fn from_frame_glass(
        frame: &Frame,
        style: &Style,
        glass: Glass,
    ) -> Result<Raster, ExportError> {
        let (iw, ih) = style.image_size(frame.width(), frame.height())?;
        let s = style.scale;
        let grid = style.grid_drawn();
        let mut pixels = vec![DARK; iw as usize * ih as usize];
        let mut row = vec![DARK; iw as usize];
        for y in 0..u32::from(frame.height()) {
            let lit = style.panel.lit_index(y);
            for x in 0..u32::from(frame.width()) {
                let c = if glass.on && frame.pixel(x as i32, y as i32) {
                    lit
                } else {
                    DARK
                };
                let cell = &mut row[(x * s) as usize..((x + 1) * s) as usize];
                cell.fill(c);
                if grid {
                    cell[s as usize - 1] = GAP;
                }
            }
            for sy in 0..s {
                let start = (y * s + sy) as usize * iw as usize;
                let line = &mut pixels[start..start + iw as usize];
                if grid && sy == s - 1 {
                    line.fill(GAP);
                } else {
                    line.copy_from_slice(&row);
                }
            }
        }
        Ok(Raster {
            width: iw,
            height: ih,
            pixels,
        })
    }
}

/// Encodes `frame` as an indexed PNG into `out`.
///
/// Compression is `Fast` (fdeflate): measured on the example scenes it is several times faster
/// than the default level for files within a few percent of its size, which matters for a
/// directory of thousands of frames. Its output is a pure function of the pixels, so every
/// target gives the same bytes.
pub fn write_png<W: Write>(out: W, frame: &Frame, style: &Style) -> Result<(), ExportError> {
    let raster = Raster::from_frame(frame, style)?;
    write_indexed_png(out, &raster, &style.panel.palette())
}

/// [`write_png`] of a panel at `contrast` ([`Palette::at_contrast`]): what the glass shows.
pub fn write_png_at_contrast<W: Write>(
    out: W,
    frame: &Frame,
    style: &Style,
    contrast: u8,
) -> Result<(), ExportError> {
    let glass = Glass { contrast, on: true };
    write_png_glass(out, frame, style, glass)
}

/// [`write_png`] of a panel in state `glass`: lit colours at its contrast, all dark asleep.
/// At [`Glass::FULL`] the bytes are [`write_png`]'s.
pub fn write_png_glass<W: Write>(
    out: W,
    frame: &Frame,
    style: &Style,
    glass: Glass,
) -> Result<(), ExportError> {
    let raster = Raster::from_frame_glass(frame, style, glass)?;
    write_indexed_png(out, &raster, &glass.palette(style.panel))
}

/// An indexed PNG of `frame`.
pub fn png(frame: &Frame, style: &Style) -> Result<Vec<u8>, ExportError> {
    png_glass(frame, style, Glass::FULL)
}

/// An indexed PNG of `frame` on a panel in state `glass` ([`write_png_glass`]).
pub fn png_glass(frame: &Frame, style: &Style, glass: Glass) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    write_png_glass(&mut out, frame, style, glass)?;
    Ok(out)
}

/// The PNG of `engine`'s tick `tick` as its panel shows it (the frame, with the contrast and
/// sleep of the scene's display care: [`Glass::at`]). What `tinydisplay render X.png` and the
/// browser's PNG download save.
pub fn png_at(engine: &Engine, tick: Tick, style: &Style) -> Result<Vec<u8>, ExportError> {
    png_glass(&engine.render(tick), style, Glass::at(engine, tick))
}

/// The animated GIF of `engine`'s ticks `range` as its panel shows them ([`png_at`]'s rule for
/// every tick), rendered one after the other. The same bytes as `tinydisplay render X.gif`.
pub fn gif_at(
    engine: &Engine,
    range: std::ops::Range<Tick>,
    style: &Style,
) -> Result<Vec<u8>, ExportError> {
    if range.is_empty() {
        return Err(ExportError::NoFrames);
    }
    let mut g = GifWriter::new(
        Vec::new(),
        engine.width(),
        engine.height(),
        engine.tick_rate(),
        *style,
    )?;
    let mut frame = Frame::new(engine.width(), engine.height());
    for t in range.clone() {
        engine.render_into(t, &mut frame);
        g.push_glass(t, &frame, Glass::at(engine, t))?;
    }
    Ok(g.finish(range.end)?.0)
}

fn write_indexed_png<W: Write>(
    out: W,
    raster: &Raster,
    palette: &Palette,
) -> Result<(), ExportError> {
    let mut enc = png::Encoder::new(out, raster.width, raster.height);
    enc.set_color(png::ColorType::Indexed);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_palette(palette.rgb_bytes().to_vec());
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header()?;
    w.write_image_data(&raster.pixels)?;
    w.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn frame_with(pixels: &[(i32, i32)]) -> Frame {
        let mut f = Frame::new(8, 8);
        for &(x, y) in pixels {
            f.set_pixel(x, y, true);
        }
        f
    }

    /// The raster as one character per output pixel: `.` dark, `#` lit, `y` yellow, `+` gap.
    pub(crate) fn ascii(r: &Raster) -> String {
        r.pixels
            .chunks(r.width as usize)
            .map(|row| {
                let mut s: String = row
                    .iter()
                    .map(|&p| match p {
                        DARK => '.',
                        LIT => '#',
                        LIT_ALT => 'y',
                        GAP => '+',
                        _ => '?',
                    })
                    .collect();
                s.push('\n');
                s
            })
            .collect()
    }

    fn crop(r: &Raster, w: u32, h: u32) -> String {
        ascii(r)
            .lines()
            .take(h as usize)
            .map(|l| format!("{}\n", &l[..w as usize]))
            .collect()
    }

    #[test]
    fn raster_scales_and_colours() {
        let f = frame_with(&[(1, 0), (0, 1)]);
        let style = Style {
            scale: 2,
            panel: Panel::White,
            grid: false,
        };
        let r = Raster::from_frame(&f, &style).unwrap();
        assert_eq!((r.width, r.height), (16, 16));
        assert_eq!(
            crop(&r, 6, 6),
            "\
..##..
..##..
##....
##....
......
......
"
        );
    }

    #[test]
    fn grid_darkens_cell_edges_from_scale_3() {
        let f = frame_with(&[(0, 0)]);
        let grid = |scale| Style {
            scale,
            panel: Panel::White,
            grid: true,
        };
        let r = Raster::from_frame(&f, &grid(3)).unwrap();
        assert_eq!(
            crop(&r, 6, 6),
            "\
##+..+
##+..+
++++++
..+..+
..+..+
++++++
"
        );
        // At scale 2 a gap would be half of every pixel: no grid.
        let r = Raster::from_frame(&f, &grid(2)).unwrap();
        assert_eq!(crop(&r, 4, 2), "##..\n##..\n");
    }

    #[test]
    fn yellow_band_is_the_top_16_rows() {
        let mut f = Frame::new(2, 20);
        for y in 0..20 {
            f.set_pixel(0, y, true);
        }
        let style = Style {
            scale: 1,
            panel: Panel::YellowBlue,
            grid: false,
        };
        let r = Raster::from_frame(&f, &style).unwrap();
        assert_eq!(
            ascii(&r),
            format!("{}{}", "y.\n".repeat(16), "#.\n".repeat(4))
        );
        assert_eq!(Panel::Blue.lit_index(0), LIT);
    }

    /// The palette is the documented one; the browser reads the same values through wasm.
    #[test]
    fn palettes_are_the_documented_colours() {
        assert_eq!(
            Panel::White.palette().rgb_bytes(),
            [0, 0, 0, 255, 255, 255, 255, 214, 0, 24, 24, 24]
        );
        assert_eq!(Panel::Blue.palette().lit, [64, 180, 255]);
        assert_eq!(Panel::YellowBlue.palette().lit, [64, 180, 255]);
        assert_eq!(Panel::YellowBlue.palette().lit_alt, [255, 214, 0]);
        for p in Panel::ALL {
            assert_eq!(Panel::parse(p.name()), Some(p));
        }
        assert_eq!(Panel::NAMES.map(|n| Panel::parse(n).unwrap()), Panel::ALL);
        assert_eq!(Panel::parse("green"), None);
    }

    #[test]
    fn bad_scales_and_sizes_are_errors() {
        let f = Frame::new(128, 64);
        for scale in [0, MAX_SCALE + 1] {
            let s = Style {
                scale,
                ..Style::default()
            };
            assert!(
                matches!(png(&f, &s), Err(ExportError::Scale { .. })),
                "{scale}"
            );
        }
        let wide = Frame::new(2048, 8);
        let s = Style {
            scale: 32,
            ..Style::default()
        };
        let e = png(&wide, &s).unwrap_err();
        assert!(e.to_string().contains("65536x256"), "{e}");
        assert!(png(&Frame::new(0, 8), &Style::default()).is_err());
    }

    /// Decodes a PNG to one character per pixel by its red channel: `#` full (255), `o` the
    /// lit colour at contrast 64 (111), `.` dark, `?` anything else.
    fn png_ascii(bytes: &[u8]) -> String {
        let mut d = png::Decoder::new(std::io::Cursor::new(bytes));
        d.set_transformations(png::Transformations::EXPAND);
        let mut r = d.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        let px = info.color_type.samples();
        buf[..info.buffer_size()]
            .chunks(px * info.width as usize)
            .map(|row| {
                let mut s: String = row
                    .chunks(px)
                    .map(|p| match p[0] {
                        255 => '#',
                        111 => 'o',
                        0 => '.',
                        _ => '?',
                    })
                    .collect();
                s.push('\n');
                s
            })
            .collect()
    }

    /// Contrast is brightness: the same frame at contrast 64 exports its lit pixels at
    /// 64 + 64 * 191 / 255 = 111 of 255, dark pixels stay black, and a sleeping panel is dark.
    #[test]
    fn contrast_dims_the_lit_pixels_and_sleep_darkens_all() {
        let f = frame_with(&[(1, 0), (0, 1), (2, 1)]);
        let style = Style {
            scale: 1,
            panel: Panel::White,
            grid: false,
        };
        let crop = |a: String| -> String {
            a.lines()
                .take(2)
                .map(|l| format!("{}\n", &l[..4]))
                .collect()
        };
        let full = png_glass(&f, &style, Glass::FULL).unwrap();
        assert_eq!(
            full,
            png(&f, &style).unwrap(),
            "full brightness is the plain export"
        );
        assert_eq!(crop(png_ascii(&full)), ".#..\n#.#.\n");
        let dim = png_glass(
            &f,
            &style,
            Glass {
                contrast: 64,
                on: true,
            },
        )
        .unwrap();
        assert_eq!(crop(png_ascii(&dim)), ".o..\no.o.\n");
        let off = png_glass(
            &f,
            &style,
            Glass {
                contrast: 64,
                on: false,
            },
        )
        .unwrap();
        assert_eq!(png_ascii(&off), "........\n".repeat(8));
        // Every contrast step is at least as bright as the one below it.
        let lit = |c| Panel::Blue.palette().at_contrast(c).lit;
        assert!((1..=255u8).all(|c| (0..3).all(|i| lit(c)[i] >= lit(c - 1)[i])));
        assert!(lit(64)[2] < lit(255)[2]);
    }

    #[test]
    fn png_decodes_to_the_raster() {
        let f = frame_with(&[(3, 2), (7, 7)]);
        let style = Style {
            scale: 3,
            panel: Panel::Blue,
            grid: true,
        };
        let bytes = png(&f, &style).unwrap();
        let mut r = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (24, 24));
        assert_eq!(info.color_type, png::ColorType::Indexed);
        assert_eq!(
            r.info().palette.as_deref(),
            Some(&Panel::Blue.palette().rgb_bytes()[..])
        );
        assert_eq!(buf, Raster::from_frame(&f, &style).unwrap().pixels);
    }
}
