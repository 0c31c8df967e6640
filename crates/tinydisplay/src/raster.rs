//! Drawing resolved widgets into a page-layout [`Frame`].
//!
//! Everything is done on whole page bytes instead of pixel by pixel: boxes and the row spans
//! that `shape.rs` computes for circles, ellipses, rounded rectangles and lines (only their
//! visible rows, so the work follows the panel, not the shape) are filled with byte masks, and
//! text, bitmaps and sprites are blitted from [`PageImage`]s a byte column at a time. [`Canvas`]
//! is still an embedded-graphics `DrawTarget`, for rectangle outlines. The canvas applies the
//! clip box, the draw mode (on/off/xor) and the ordered-dither opacity in every path, so they all
//! agree pixel for pixel, and counts the bytes it touches (`RenderStats`).

use crate::event::EventLog;
use crate::frame::Frame;
use crate::frame::RenderStats;
use crate::image::{GlyphFont, PageImage};
use crate::model::{CSeries, Compiled, Node, WrapSpec};
use crate::qr;
use crate::scene::{Align, DrawMode, Kind};
use crate::shape;
use crate::state::{Resolved, Resolver};
use crate::Tick;
use alloc::string::String;
use core::convert::Infallible;
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    PrimitiveStyle, PrimitiveStyleBuilder, Rectangle, StrokeAlignment,
};

/// 4x4 Bayer matrix: a pixel is drawn when its threshold is below the opacity (0..=16).
const BAYER4: [[u8; 4]; 4] = [[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]];

/// `DITHER[opacity][x % 4]`: the pixels of one page byte that pass at that opacity. A page is
/// 8 rows, two periods of the 4x4 matrix, so the mask does not depend on the page.
const DITHER: [[u8; 4]; 17] = dither_table();

const fn dither_table() -> [[u8; 4]; 17] {
    let mut t = [[0u8; 4]; 17];
    let mut o = 0;
    while o <= 16 {
        let mut x = 0;
        while x < 4 {
            let mut m = 0u8;
            let mut b = 0;
            while b < 8 {
                if (BAYER4[b % 4][x] as usize) < o {
                    m |= 1 << b;
                }
                b += 1;
            }
            t[o][x] = m;
            x += 1;
        }
        o += 1;
    }
    t
}

/// Coordinates, sizes and radii are clamped to +-`LIMIT` before drawing (strokes to
/// `MAX_STROKE`). Everything a
/// scene can set without animation (+-32767) stays exact; larger animated values are far
/// off-panel anyway, and the clamp bounds every product in [`crate::shape`] (sizes up to 2^16,
/// squares of squares below 2^62) and in embedded-graphics' rectangle outline (the only shape
/// still drawn by it: four `fill_solid` calls).
const LIMIT: i32 = 1 << 15;

/// Largest stroke drawn: the validator's limit for a declared one (`0..=64`).
const MAX_STROKE: i32 = 64;

/// Inclusive-exclusive pixel box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Clip {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Clip {
    fn new(x: i32, y: i32, w: i32, h: i32) -> Clip {
        Clip {
            x0: x,
            y0: y,
            x1: x.saturating_add(w.max(0)),
            y1: y.saturating_add(h.max(0)),
        }
    }

    fn intersect(self, o: Clip) -> Clip {
        Clip {
            x0: self.x0.max(o.x0),
            y0: self.y0.max(o.y0),
            x1: self.x1.min(o.x1),
            y1: self.y1.min(o.y1),
        }
    }

    fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }

    /// Rows of page `page` inside the box, as a byte mask.
    #[inline]
    fn page_mask(&self, page: i32) -> u8 {
        let top = (self.y0 - page * 8).clamp(0, 8);
        let bottom = (self.y1 - page * 8).clamp(0, 8);
        ((0xFFu16 << top) & (0xFFu16 >> (8 - bottom))) as u8
    }
}

/// `row[i] = op(row[i], pat[i % 4])`, eight bytes per step as one u64: wasm32 has no vector
/// instructions in our build, so this is its only way to fill a wide box quickly (native code
/// gets the same from the auto-vectorizer). `op` must work bitwise, so that lanes stay apart.
#[inline(always)]
fn apply_pattern(row: &mut [u8], pat: [u8; 4], op: impl Fn(u64, u64) -> u64) {
    let wide = u64::from(u32::from_le_bytes(pat)) * 0x1_0000_0001;
    let mut words = row.chunks_exact_mut(8);
    for w in &mut words {
        let v = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        w.copy_from_slice(&op(v, wide).to_le_bytes());
    }
    // The remainder starts at a multiple of 8, so its pattern index starts at 0 again.
    for (i, b) in words.into_remainder().iter_mut().enumerate() {
        *b = op(u64::from(*b), u64::from(pat[i & 3])) as u8;
    }
}

/// A draw target over a frame, with clip, mode and dither. The clip is always inside the frame.
pub(crate) struct Canvas<'f> {
    frame: &'f mut Frame,
    clip: Clip,
    mode: DrawMode,
    opacity: u8,
    /// The work counter: page bytes read-modified-written so far (a byte written twice counts
    /// twice), and primitives drawn (see [`RenderStats`]).
    stats: RenderStats,
    /// Row spans of the shape being drawn, not yet written (see [`Canvas::span`]).
    spans: Spans,
}

/// Most spans of one row: an outline's left and right part, each cut in two by an arc's edges.
const SPAN_SLOTS: usize = 4;

/// One page's worth of a shape's row spans: `rows[slot][row]`, slot 0 the row's first span.
#[derive(Default)]
struct Spans {
    page: i32,
    last_row: Option<usize>,
    /// The slot of the last span of `last_row`.
    slot: usize,
    rows: [[Option<(i32, i32)>; 8]; SPAN_SLOTS],
}

impl<'f> Canvas<'f> {
    pub(crate) fn new(frame: &'f mut Frame) -> Self {
        let clip = Clip {
            x0: 0,
            y0: 0,
            x1: i32::from(frame.width()),
            y1: i32::from(frame.height()),
        };
        Canvas {
            frame,
            clip,
            mode: DrawMode::On,
            opacity: 16,
            stats: RenderStats::default(),
            spans: Spans::default(),
        }
    }

    #[inline]
    fn apply(&mut self, idx: usize, m: u8) {
        self.stats.bytes_touched += 1;
        let b = &mut self.frame.as_bytes_mut()[idx];
        match self.mode {
            DrawMode::On => *b |= m,
            DrawMode::Off => *b &= !m,
            DrawMode::Xor => *b ^= m,
        }
    }

    #[inline]
    fn plot(&mut self, x: i32, y: i32) {
        if x < self.clip.x0 || x >= self.clip.x1 || y < self.clip.y0 || y >= self.clip.y1 {
            return;
        }
        let bit = (1u8 << (y & 7)) & DITHER[usize::from(self.opacity)][(x & 3) as usize];
        let idx = (y as usize / 8) * usize::from(self.frame.width()) + x as usize;
        self.apply(idx, bit);
    }

    /// Applies the mode to every pixel of `area` (clipped), a page byte at a time.
    fn fill_box(&mut self, area: Clip) {
        let a = area.intersect(self.clip);
        if a.is_empty() {
            return;
        }
        if a.x1 - a.x0 == 1 {
            // One column (steep line runs): one byte per page, no pattern set-up.
            let d = DITHER[usize::from(self.opacity)][(a.x0 & 3) as usize];
            let w = usize::from(self.frame.width());
            for page in (a.y0 / 8)..=((a.y1 - 1) / 8) {
                self.apply(page as usize * w + a.x0 as usize, a.page_mask(page) & d);
            }
            return;
        }
        for page in (a.y0 / 8)..=((a.y1 - 1) / 8) {
            self.fill_page(page, a.x0, a.x1, a.page_mask(page));
        }
    }

    /// Applies the mode to the rows `mask` of page `page`, columns `x0..x1` (inside the clip).
    #[inline]
    fn fill_page(&mut self, page: i32, x0: i32, x1: i32, mask: u8) {
        let w = usize::from(self.frame.width());
        let dither = DITHER[usize::from(self.opacity)];
        let x0 = x0 as usize;
        // The masks of the row's columns repeat every 4: byte i gets pat[i % 4].
        let pat = [0, 1, 2, 3].map(|i| mask & dither[(x0 + i) & 3]);
        let row = &mut self.frame.as_bytes_mut()[page as usize * w..][x0..x1 as usize];
        self.stats.bytes_touched += row.len() as u64;
        match self.mode {
            DrawMode::On => apply_pattern(row, pat, |b, m| b | m),
            DrawMode::Off => apply_pattern(row, pat, |b, m| b & !m),
            DrawMode::Xor => apply_pattern(row, pat, |b, m| b ^ m),
        }
    }

    /// Draws the lit pixels of `img` with its top-left corner at (`x`, `y`).
    fn blit(&mut self, img: &PageImage, x: i32, y: i32) {
        let a = self.clip.intersect(Clip::new(x, y, img.w, img.h));
        if a.is_empty() {
            return;
        }
        let fw = usize::from(self.frame.width());
        let iw = img.w as usize;
        let dither = DITHER[usize::from(self.opacity)];
        let mode = self.mode;
        let (c0, n) = ((a.x0 - x) as usize, (a.x1 - a.x0) as usize);
        let src_page = |p: i32| -> Option<&[u8]> {
            (p >= 0 && p < img.pages()).then(|| &img.data[p as usize * iw + c0..][..n])
        };
        let data = self.frame.as_bytes_mut();
        for page in (a.y0 / 8)..=((a.y1 - 1) / 8) {
            let mask = a.page_mask(page);
            // The 8 frame rows of this page are image rows top..top+8: the low bits of one
            // image page byte and the high bits of the next, shifted together.
            let top = page * 8 - y;
            let (sp, shift) = (top.div_euclid(8), top.rem_euclid(8) as u32);
            let (lo, hi) = (src_page(sp), src_page(sp + 1));
            let dst = &mut data[page as usize * fw + a.x0 as usize..][..n];
            self.stats.bytes_touched += n as u64;
            for (i, d) in dst.iter_mut().enumerate() {
                let pair =
                    lo.map_or(0, |r| u16::from(r[i])) | hi.map_or(0, |r| u16::from(r[i]) << 8);
                let m = (pair >> shift) as u8 & mask & dither[(a.x0 as usize + i) & 3];
                match mode {
                    DrawMode::On => *d |= m,
                    DrawMode::Off => *d &= !m,
                    DrawMode::Xor => *d ^= m,
                }
            }
        }
    }

    /// The clip as an inclusive box, for [`crate::shape`]'s line functions.
    fn visible(&self) -> shape::Visible {
        let c = self.clip;
        (
            i64::from(c.x0),
            i64::from(c.y0),
            i64::from(c.x1) - 1,
            i64::from(c.y1) - 1,
        )
    }

    /// Fills a half-open box that [`crate::shape`] computed inside the clip (so it fits i32s).
    fn box64(&mut self, x0: i64, y0: i64, x1: i64, y1: i64) {
        let fit = |v: i64| i32::try_from(v).ok();
        if let (Some(x0), Some(y0), Some(x1), Some(y1)) = (fit(x0), fit(y0), fit(x1), fit(y1)) {
            // Diagonal lines are mostly single pixels: skip the box set-up for those.
            if x1 - x0 == 1 && y1 - y0 == 1 {
                self.plot(x0, y0);
            } else {
                self.fill_box(Clip { x0, y0, x1, y1 });
            }
        }
    }

    /// Fills the pixels `x0..x1` of row `y`.
    ///
    /// A shape's spans come row by row, at most two per row (an outline's left and right
    /// part); they are gathered a page at a time and written by [`Canvas::flush_spans`], so
    /// that the columns all of a page's rows share cost one byte write instead of eight.
    fn span(&mut self, y: i64, x0: i64, x1: i64) {
        let c = self.clip;
        if !(i64::from(c.y0)..i64::from(c.y1)).contains(&y) {
            return;
        }
        let (page, row) = ((y / 8) as i32, (y % 8) as usize);
        if page != self.spans.page {
            self.flush_spans();
            self.spans.page = page;
        }
        // The slot is the span's place in its row, counted before dropping empty ones, so
        // that a row's right part never lands among the left parts.
        let slot = if self.spans.last_row == Some(row) {
            self.spans.slot + 1
        } else {
            0
        };
        self.spans.slot = slot;
        self.spans.last_row = Some(row);
        let (lo, hi) = (i64::from(c.x0), i64::from(c.x1));
        let (x0, x1) = (x0.clamp(lo, hi), x1.clamp(lo, hi));
        if x0 < x1 && slot < SPAN_SLOTS {
            self.spans.rows[slot][row] = Some((x0 as i32, x1 as i32));
        }
    }

    /// Writes the gathered spans of one page: per slot, the columns common to all its rows
    /// with one mask, then each row's remainder.
    fn flush_spans(&mut self) {
        let page = self.spans.page;
        let rows = core::mem::take(&mut self.spans.rows);
        self.spans.last_row = None;
        for slot in rows {
            let (mut lo, mut hi, mut mask) = (i32::MIN, i32::MAX, 0u8);
            for (r, s) in slot.iter().enumerate() {
                if let Some((a, b)) = s {
                    (lo, hi, mask) = (lo.max(*a), hi.min(*b), mask | 1 << r);
                }
            }
            if mask == 0 {
                continue;
            }
            if lo >= hi {
                (lo, hi) = (i32::MAX, i32::MAX);
            } else {
                self.fill_page(page, lo, hi, mask);
            }
            for (r, s) in slot.iter().enumerate() {
                if let Some((a, b)) = *s {
                    // Disjoint from the common part: every pixel is written once (xor).
                    if lo == i32::MAX {
                        self.fill_page(page, a, b, 1 << r);
                        continue;
                    }
                    if a < lo {
                        self.fill_page(page, a, lo, 1 << r);
                    }
                    if hi < b {
                        self.fill_page(page, hi, b, 1 << r);
                    }
                }
            }
        }
    }

    /// The clip's rows, for [`crate::shape`]'s scanline functions.
    fn rows(&self) -> (i64, i64) {
        (i64::from(self.clip.y0), i64::from(self.clip.y1))
    }

    /// Draws `text` in `font` with its top-left corner at (`x`, `y`); returns nothing, clips.
    fn text(&mut self, font: &GlyphFont, text: &str, x: i32, y: i32) {
        let (ink_left, ink_top, ink_bottom) = font.ink();
        if y.saturating_add(ink_top) >= self.clip.y1 || y.saturating_add(ink_bottom) <= self.clip.y0
        {
            return;
        }
        let Some(adv) = font.fixed_advance() else {
            // Proportional: walk the pens; a glyph's ink may start left of its pen (BDF
            // offsets), so stop only once even the leftmost ink is past the clip.
            let mut gx = x;
            for c in text.chars() {
                if gx.saturating_add(ink_left) >= self.clip.x1 {
                    break;
                }
                let g = font.glyph(c);
                let left = gx.saturating_add(g.dx);
                if left.saturating_add(g.img.w) > self.clip.x0 {
                    self.blit(&g.img, left, y.saturating_add(g.dy));
                }
                gx = gx.saturating_add(g.advance);
            }
            return;
        };
        let adv = adv.max(1);
        // Skip the characters left of the clip without looking up their glyphs.
        let skip = if x < self.clip.x0 {
            ((self.clip.x0 - x) / adv).max(0)
        } else {
            0
        };
        let mut gx = x + skip * adv;
        // ASCII (the common case) is sliced in O(1) instead of stepping over skipped characters.
        let rest = if text.is_ascii() {
            text.get(skip as usize..).unwrap_or("")
        } else {
            text
        };
        let skip = if text.is_ascii() { 0 } else { skip as usize };
        for c in rest.chars().skip(skip) {
            if gx >= self.clip.x1 {
                break;
            }
            self.blit(&font.glyph(c).img, gx, y);
            gx += adv;
        }
    }
}

impl OriginDimensions for Canvas<'_> {
    fn size(&self) -> Size {
        Size::new(
            u32::from(self.frame.width()),
            u32::from(self.frame.height()),
        )
    }
}

impl DrawTarget for Canvas<'_> {
    type Color = BinaryColor;
    type Error = Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = Pixel<Self::Color>>,
    {
        for Pixel(p, c) in pixels {
            // Off pixels of a shape are transparent: the mode decides what "drawing" means.
            if c.is_on() {
                self.plot(p.x, p.y);
            }
        }
        Ok(())
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Self::Color) -> Result<(), Self::Error> {
        if color.is_on() {
            let w = area.size.width.min(LIMIT as u32 * 4) as i32;
            let h = area.size.height.min(LIMIT as u32 * 4) as i32;
            self.fill_box(Clip::new(area.top_left.x, area.top_left.y, w, h));
        }
        Ok(())
    }
}

fn size(w: i32, h: i32) -> Size {
    Size::new(w.max(0) as u32, h.max(0) as u32)
}

/// Outline style: strokes lie inside the widget's box, so a widget covers exactly x..x+w.
fn outline(width: i32) -> PrimitiveStyle<BinaryColor> {
    PrimitiveStyleBuilder::new()
        .stroke_color(BinaryColor::On)
        .stroke_width(width.max(0) as u32)
        .stroke_alignment(StrokeAlignment::Inside)
        .build()
}

/// Renders the scene at `tick` into `frame` (which the caller has cleared); returns the work
/// counter.
pub(crate) fn draw(c: &Compiled, log: &EventLog, tick: Tick, frame: &mut Frame) -> RenderStats {
    let rs = Resolver { c, log, tick };
    let mut cv = Canvas::new(frame);
    let full = cv.clip;
    // One text buffer for the whole frame: no allocation per widget.
    let mut text = String::new();
    for node in &c.roots {
        draw_node(&mut cv, &rs, node, 0, 0, full, 16, &mut text);
    }
    cv.stats
}

#[allow(clippy::too_many_arguments)]
fn draw_node(
    cv: &mut Canvas<'_>,
    rs: &Resolver<'_>,
    n: &Node,
    ox: i32,
    oy: i32,
    clip: Clip,
    parent_opacity: i32,
    text: &mut String,
) {
    let s = rs.props(n, ox, oy, text);
    let opacity = s.opacity.min(parent_opacity);
    if !s.visible || opacity <= 0 {
        return;
    }
    cv.clip = clip;
    cv.opacity = opacity as u8;
    cv.mode = if s.invert { DrawMode::Xor } else { n.mode };
    let x = s.x.clamp(-LIMIT, LIMIT);
    let y = s.y.clamp(-LIMIT, LIMIT);
    let size_lo = if n.kind == Kind::Line { -LIMIT } else { 0 };
    let w = s.w.clamp(size_lo, LIMIT);
    let h = s.h.clamp(size_lo, LIMIT);
    // Shapes inside their box: skip those entirely outside the clip before embedded-graphics
    // walks their rows (a 32767-pixel circle far off-panel took half a second).
    let boxed = match n.kind {
        Kind::Rect | Kind::Ellipse | Kind::Progress => Some(Clip::new(x, y, w, h)),
        Kind::Circle | Kind::Arc => Some(Clip::new(x, y, w, w)),
        _ => None,
    };
    if boxed.is_some_and(|b| b.intersect(clip).is_empty()) {
        return;
    }
    cv.stats.primitives += 1;
    // Animated strokes stay in the range a scene may declare: a thick line's parallels grow
    // with the width (and its threshold (2 width)^2 * length^2 must fit an i64).
    let stroke = s.stroke.clamp(0, MAX_STROKE);
    // Inside strokes of width 0 draw nothing (embedded-graphics has no stroke colour then).
    let shape_stroke = if n.fill {
        None
    } else {
        Some(i64::from(stroke))
    };
    let (bx, by, bw, bh) = (i64::from(x), i64::from(y), i64::from(w), i64::from(h));
    match n.kind {
        Kind::Rect => {
            if s.radius > 0 {
                if shape_stroke != Some(0) {
                    let radius = i64::from(s.radius.min(LIMIT));
                    let rows = cv.rows();
                    shape::rounded_rect((bx, by, bw, bh), radius, shape_stroke, rows, |y, a, b| {
                        cv.span(y, a, b)
                    });
                    cv.flush_spans();
                }
            } else if n.fill {
                cv.fill_box(Clip::new(x, y, w, h));
            } else {
                let r = Rectangle::new(Point::new(x, y), size(w, h));
                let _ = r.into_styled(outline(stroke)).draw(cv);
            }
        }
        Kind::Line => {
            let (a, b) = if n.polar {
                // LIMIT keeps the end within +-2^16, as for a `w`/`h` line.
                let len = i64::from(s.length.clamp(0, LIMIT));
                ((bx, by), shape::polar_end(bx, by, i64::from(s.angle), len))
            } else {
                ((bx, by), (bx + bw, by + bh))
            };
            let vis = cv.visible();
            if stroke == 1 {
                shape::line(a, b, vis, |x0, y0, x1, y1| cv.box64(x0, y0, x1, y1));
            } else if stroke > 1 {
                shape::thick_line(a, b, i64::from(stroke), vis, |x0, y0, x1, y1| {
                    cv.box64(x0, y0, x1, y1)
                });
            }
        }
        // An ellipse with w = h is the circle (embedded-graphics special-cases it the same way).
        Kind::Circle | Kind::Ellipse => {
            let bh = if n.kind == Kind::Circle { bw } else { bh };
            if shape_stroke != Some(0) {
                let rows = cv.rows();
                shape::oval((bx, by, bw, bh), shape_stroke, rows, |y, a, b| {
                    cv.span(y, a, b)
                });
                cv.flush_spans();
            }
        }
        Kind::Text if n.wrap.is_some() => {
            if let (true, Some(spec)) = (s.has_text, n.wrap) {
                draw_wrapped(cv, n, spec, text, (x, y, w, h), s.scroll_y, clip);
            }
        }
        Kind::Arc => {
            if shape_stroke != Some(0) {
                let rows = cv.rows();
                let (start, sweep) = (i64::from(s.start), i64::from(s.sweep));
                shape::arc((bx, by, bw), start, sweep, shape_stroke, rows, |y, a, b| {
                    cv.span(y, a, b)
                });
                cv.flush_spans();
            }
        }
        Kind::Qr => draw_qr(cv, n, (x, y, w, h), s.has_text.then_some(text.as_str())),
        Kind::Text => {
            if s.has_text {
                let tw = n.font.text_width(text);
                let tx = match n.align {
                    Align::Left => x,
                    Align::Center => x + (w - tw) / 2,
                    Align::Right => x + w - tw,
                };
                cv.text(&n.font, text, tx, y);
            }
        }
        Kind::Marquee => {
            if s.has_text && !text.is_empty() {
                let bh = if h > 0 { h } else { n.font.height };
                cv.clip = clip.intersect(Clip::new(x, y, w, bh));
                if cv.clip.is_empty() {
                    return;
                }
                let cycle = (n.font.cycle_width(text) + i64::from(n.gap)).max(1);
                // Copies of the text repeat every `cycle` pixels; at scroll 0 one starts at the
                // right edge, and a growing scroll moves them left. Start with the first copy
                // that reaches into the clip, so the loop is bounded by the box width.
                let origin = i64::from(x) + i64::from(w) - i64::from(s.scroll);
                let text_w = i64::from(n.font.text_width(text));
                let first = i64::from(cv.clip.x0) - text_w - origin;
                let k = first.div_euclid(cycle) + 1;
                let mut tx = origin + k * cycle;
                while tx < i64::from(cv.clip.x1) {
                    cv.text(&n.font, text, tx as i32, y);
                    tx += cycle;
                }
            }
        }
        Kind::Bitmap => {
            if let Some(b) = &n.bitmap {
                cv.blit(b, x, y);
            }
        }
        Kind::Sprite => {
            if let Some(b) = n.frames.get(s.frame.max(0) as usize) {
                cv.blit(b, x, y);
            }
        }
        Kind::Image => draw_image(cv, n, &s, (x, y), clip, opacity),
        Kind::Progress => draw_progress(cv, &s, (x, y, w, h), stroke),
        Kind::Sparkline => {
            let (lo, hi) = match &n.series {
                Some(CSeries::Input { min, max, .. }) | Some(CSeries::Wave { min, max, .. }) => {
                    (*min, *max)
                }
                None => (0, 1),
            };
            let span = (i128::from(hi) - i128::from(lo)).max(1);
            let rows = i128::from((h - 1).max(0));
            let bottom = y + (h - 1).max(0);
            // i64 when it cannot overflow: i128 division is a library call, once per column.
            let small = span < (1 << 31);
            let to_y = |v: i64| -> i32 {
                let v = v.clamp(lo, hi);
                // Nearest row, like the waves: v * rows / span rounded half up.
                let row = if small {
                    let (v, rows, span) = ((v - lo), rows as i64, span as i64);
                    (v * rows * 2 + span) / (span * 2)
                } else {
                    let v = i128::from(v) - i128::from(lo);
                    ((v * rows * 2 + span) / (span * 2)) as i64
                };
                bottom - row as i32
            };
            let samples = rs.samples(n, w);
            let stroke = stroke.max(1);
            let vis = cv.visible();
            // The newest sample is at the right edge (input history grows from the right).
            let start = x + w - samples.len() as i32;
            let mut prev: Option<Point> = None;
            for (i, v) in samples.iter().enumerate() {
                let p = Point::new(start + i as i32, to_y(v));
                let q = prev.unwrap_or(p);
                prev = Some(p);
                // Segments left or right of the clip (with the stroke's reach) draw nothing.
                let reach = stroke + 1;
                if p.x.max(q.x) < vis.0 as i32 - reach || p.x.min(q.x) > vis.2 as i32 + reach {
                    continue;
                }
                cv.stats.primitives += 1;
                let (a, b) = (
                    (i64::from(q.x), i64::from(q.y)),
                    (i64::from(p.x), i64::from(p.y)),
                );
                if stroke == 1 {
                    shape::line(a, b, vis, |x0, y0, x1, y1| cv.box64(x0, y0, x1, y1));
                } else {
                    shape::thick_line(a, b, i64::from(stroke), vis, |x0, y0, x1, y1| {
                        cv.box64(x0, y0, x1, y1)
                    });
                }
            }
        }
        Kind::Group => {
            let inner = if n.clip && w > 0 && h > 0 {
                clip.intersect(Clip::new(x, y, w, h))
            } else {
                clip
            };
            if !inner.is_empty() {
                // Children are placed relative to the group's unclamped position.
                for c in &n.children {
                    draw_node(cv, rs, c, s.x, s.y, inner, opacity, text);
                }
            }
            if s.invert && w > 0 && h > 0 {
                cv.clip = clip;
                cv.mode = DrawMode::Xor;
                cv.opacity = opacity as u8;
                cv.fill_box(Clip::new(x, y, w, h));
            }
        }
    }
}

/// A picture: its current frame (dithered when the scene compiled) drawn like a sprite's. `invert`
/// shows the negative: like a group's, it inverts the picture's box after drawing it.
fn draw_image(
    cv: &mut Canvas<'_>,
    n: &Node,
    s: &Resolved,
    (x, y): (i32, i32),
    clip: Clip,
    opacity: i32,
) {
    let Some(b) = n.frames.get(s.frame.max(0) as usize) else {
        return;
    };
    if s.invert {
        cv.mode = n.mode;
    }
    cv.blit(b, x, y);
    if s.invert {
        cv.clip = clip;
        cv.mode = DrawMode::Xor;
        cv.opacity = opacity as u8;
        cv.fill_box(Clip::new(x, y, b.w, b.h));
    }
}

/// A QR code, or when its text cannot fit: the box outlined and crossed, so the failure shows.
fn draw_qr(cv: &mut Canvas<'_>, n: &Node, b: (i32, i32, i32, i32), text: Option<&str>) {
    let Some(opts) = &n.qr else { return };
    // Sized to its box, a code far off the panel is not even encoded.
    if opts.module.is_none() && Clip::new(b.0, b.1, b.2, b.3).intersect(cv.clip).is_empty() {
        return;
    }
    let rows = (cv.clip.y0, cv.clip.y1);
    let cached = match (&opts.fixed, text) {
        (None, Some(t)) => opts.cache.get_or_encode(t, opts.ecc),
        _ => None,
    };
    let drawn = qr::draw(
        text.unwrap_or(""),
        opts.fixed.as_deref().or(cached.as_deref()),
        opts.ecc,
        opts.module,
        opts.negative,
        b,
        rows,
        |x, y, w, h| cv.fill_box(Clip::new(x, y, w, h)),
    );
    let (x, y, w, h) = b;
    if drawn == qr::Drawn::TooLong && w > 0 && h > 0 {
        let r = Rectangle::new(Point::new(x, y), size(w, h));
        let _ = r.into_styled(outline(1)).draw(cv);
        let vis = cv.visible();
        let (x0, y0) = (i64::from(x), i64::from(y));
        let (x1, y1) = (x0 + i64::from(w) - 1, y0 + i64::from(h) - 1);
        for (a, b) in [((x0, y0), (x1, y1)), ((x0, y1), (x1, y0))] {
            shape::line(a, b, vis, |x0, y0, x1, y1| cv.box64(x0, y0, x1, y1));
        }
    }
}

fn draw_progress(cv: &mut Canvas<'_>, s: &Resolved, (x, y, w, h): (i32, i32, i32, i32), st: i32) {
    if st > 0 {
        if s.radius > 0 {
            let b = (i64::from(x), i64::from(y), i64::from(w), i64::from(h));
            let radius = i64::from(s.radius.min(LIMIT));
            let rows = cv.rows();
            shape::rounded_rect(b, radius, Some(i64::from(st)), rows, |y, a, b| {
                cv.span(y, a, b)
            });
            cv.flush_spans();
        } else {
            let r = Rectangle::new(Point::new(x, y), size(w, h));
            let _ = r.into_styled(outline(st)).draw(cv);
        }
    }
    let inner_w = i64::from((w - 2 * st).max(0));
    let span = i64::from(s.max) - i64::from(s.min);
    let v = (i64::from(s.value) - i64::from(s.min)).clamp(0, span.max(0));
    let fill_w = if span > 0 {
        (inner_w * v / span) as i32
    } else {
        0
    };
    cv.fill_box(Clip::new(x + st, y + st, fill_w, h - 2 * st));
}

// Wrapped text: `crate::wrap` breaks the lines, this draws the visible ones.

/// A character's advance, for line breaking: with [`wrap_spacing`], the one place wrapping asks
/// the font how wide a character is (mono fonts: all the same).
fn wrap_advance(font: &GlyphFont, c: char) -> i32 {
    font.advance_of(c)
}

/// The letter spacing included in each advance (not lit after a line's last character).
fn wrap_spacing(font: &GlyphFont) -> i32 {
    font.letter_spacing()
}

/// The ellipsis the font can draw: `…`, or `...` when the font has no glyph for it.
fn ellipsis_for(font: &GlyphFont) -> &'static str {
    if font.has_glyph('…') {
        "…"
    } else {
        "..."
    }
}

/// Draws `text` broken into lines inside the box (clipped to it and to `clip`), the lines moved
/// up by `scroll_y` pixels. The layout walks the whole text (O(bytes), no allocation); only lines
/// that reach into the clip are blitted, each counted as a primitive.
fn draw_wrapped(
    cv: &mut Canvas<'_>,
    n: &Node,
    spec: WrapSpec,
    text: &str,
    (x, y, w, h): (i32, i32, i32, i32),
    scroll_y: i32,
    clip: Clip,
) {
    cv.clip = clip.intersect(Clip::new(x, y, w, h));
    if cv.clip.is_empty() {
        return;
    }
    let font: &GlyphFont = &n.font;
    let adv = |c: char| wrap_advance(font, c);
    let fh = i64::from(font.height);
    let pitch = (fh + i64::from(spec.line_spacing)).max(1);
    let top = i64::from(y) - i64::from(scroll_y);
    let (y0, y1) = (i64::from(cv.clip.y0), i64::from(cv.clip.y1));
    // With an ellipsis, nothing below the last line that fits wholly in the box is drawn (line k
    // spans top + k * pitch .. + fh); in a box lower than a line, that is the first line.
    let last = spec.ellipsis.then(|| {
        (i64::from(h) + i64::from(scroll_y) - fh)
            .div_euclid(pitch)
            .max(0)
    });
    let spacing = wrap_spacing(font);
    let mut lines = crate::wrap::lines(text, w, spacing, adv);
    let mut k = 0i64;
    while let Some(line) = lines.next() {
        let ly = top + k * pitch;
        if ly >= y1 || last.is_some_and(|l| k > l) {
            break;
        }
        if ly + fh > y0 {
            let ly = ly as i32;
            let more = last == Some(k) && crate::wrap::has_visible(&text[lines.rest()..]);
            let (end, body_w, tail) = if more {
                let e = ellipsis_for(font);
                let ew = e.chars().map(adv).sum::<i32>() - spacing;
                let (end, cw) = crate::wrap::cut_for(text, line, w, ew, adv);
                (end, cw, Some((e, ew)))
            } else {
                (line.end, line.width, None)
            };
            let lw = body_w.saturating_add(tail.map_or(0, |t| t.1));
            let lx = match n.align {
                Align::Left => x,
                Align::Center => x + (w - lw) / 2,
                Align::Right => x + w - lw,
            };
            cv.stats.primitives += 1;
            cv.text(font, &text[line.start..end], lx, ly);
            if let Some((e, _)) = tail {
                cv.text(font, e, lx.saturating_add(body_w), ly);
            }
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use embedded_graphics::primitives::{Circle, Ellipse, Line, RoundedRectangle};
    use proptest::prelude::*;

    /// Which style a comparison draws: filled, or an inside stroke of this width.
    type Stroke = Option<u32>;

    const STROKES: [Stroke; 5] = [None, Some(1), Some(2), Some(3), Some(6)];

    fn style(stroke: Stroke) -> PrimitiveStyle<BinaryColor> {
        match stroke {
            None => PrimitiveStyle::with_fill(BinaryColor::On),
            Some(s) => outline(s as i32),
        }
    }

    /// Draws twice: lit on a dark frame, and xor-dithered over a pattern, which tells a pixel
    /// written twice from one written once (and a dither or mode slip in any path).
    fn eg(w: u16, h: u16, draw: impl Fn(&mut Canvas<'_>)) -> (Frame, Frame) {
        let mut on = Frame::new(w, h);
        draw(&mut Canvas::new(&mut on));
        let mut xor = Frame::new(w, h);
        for (i, b) in xor.as_bytes_mut().iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37);
        }
        let mut cv = Canvas::new(&mut xor);
        cv.mode = DrawMode::Xor;
        cv.opacity = 11;
        draw(&mut cv);
        (on, xor)
    }

    fn ours_oval(fw: u16, fh: u16, b: (i32, i32, i32, i32), stroke: Stroke) -> (Frame, Frame) {
        eg(fw, fh, |cv| {
            let rows = cv.rows();
            let b = (
                i64::from(b.0),
                i64::from(b.1),
                i64::from(b.2),
                i64::from(b.3),
            );
            shape::oval(b, stroke.map(i64::from), rows, |y, x0, x1| {
                cv.span(y, x0, x1)
            });
            cv.flush_spans();
        })
    }

    fn ours_rounded(
        fw: u16,
        fh: u16,
        b: (i32, i32, i32, i32),
        r: u32,
        stroke: Stroke,
    ) -> (Frame, Frame) {
        eg(fw, fh, |cv| {
            let rows = cv.rows();
            let b = (
                i64::from(b.0),
                i64::from(b.1),
                i64::from(b.2),
                i64::from(b.3),
            );
            let s = stroke.map(i64::from);
            shape::rounded_rect(b, i64::from(r), s, rows, |y, x0, x1| cv.span(y, x0, x1));
            cv.flush_spans();
        })
    }

    fn ours_line(fw: u16, fh: u16, a: (i32, i32), b: (i32, i32), width: u32) -> (Frame, Frame) {
        eg(fw, fh, |cv| {
            let vis = cv.visible();
            let (a, b) = (
                (i64::from(a.0), i64::from(a.1)),
                (i64::from(b.0), i64::from(b.1)),
            );
            if width == 1 {
                shape::line(a, b, vis, |x0, y0, x1, y1| cv.box64(x0, y0, x1, y1));
            } else {
                shape::thick_line(a, b, i64::from(width), vis, |x0, y0, x1, y1| {
                    cv.box64(x0, y0, x1, y1)
                });
            }
        })
    }

    fn eg_oval(fw: u16, fh: u16, b: (i32, i32, i32, i32), stroke: Stroke) -> (Frame, Frame) {
        eg(fw, fh, |cv| {
            let _ = Ellipse::new(Point::new(b.0, b.1), size(b.2, b.3))
                .into_styled(style(stroke))
                .draw(cv);
        })
    }

    fn eg_rounded(
        fw: u16,
        fh: u16,
        b: (i32, i32, i32, i32),
        r: u32,
        stroke: Stroke,
    ) -> (Frame, Frame) {
        eg(fw, fh, |cv| {
            let rect = Rectangle::new(Point::new(b.0, b.1), size(b.2, b.3));
            let _ = RoundedRectangle::with_equal_corners(rect, Size::new(r, r))
                .into_styled(style(stroke))
                .draw(cv);
        })
    }

    fn eg_line(fw: u16, fh: u16, a: (i32, i32), b: (i32, i32), width: u32) -> (Frame, Frame) {
        eg(fw, fh, |cv| {
            let _ = Line::new(Point::new(a.0, a.1), Point::new(b.0, b.1))
                .into_styled(PrimitiveStyle::with_stroke(BinaryColor::On, width))
                .draw(cv);
        })
    }

    /// Fails with the first few differing cases.
    fn assert_none<T: core::fmt::Debug>(what: &str, bad: &[T]) {
        assert!(
            bad.is_empty(),
            "{} {what} differ from embedded-graphics, e.g. {:?}",
            bad.len(),
            &bad[..bad.len().min(8)]
        );
    }

    #[test]
    fn fill_box_equals_plotting_each_pixel() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: i32| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as i32
        };
        for case in 0..3000 {
            let (mut a, mut b) = (Frame::new(40, 24), Frame::new(40, 24));
            for (i, byte) in a.as_bytes_mut().iter_mut().enumerate() {
                *byte = (i as u8).wrapping_mul(37) ^ (case as u8);
            }
            b.as_bytes_mut().copy_from_slice(a.as_bytes());
            let mode = [DrawMode::On, DrawMode::Off, DrawMode::Xor][case % 3];
            let opacity = next(17) as u8;
            let area = Clip::new(next(50) - 5, next(34) - 5, next(45), next(30));
            let clip = Clip::new(next(20), next(12), 5 + next(35), 3 + next(21));
            for (f, by_pixel) in [(&mut a, false), (&mut b, true)] {
                let mut cv = Canvas::new(f);
                cv.clip = cv.clip.intersect(clip);
                cv.mode = mode;
                cv.opacity = opacity;
                if by_pixel {
                    for y in area.y0..area.y1 {
                        for x in area.x0..area.x1 {
                            cv.plot(x, y);
                        }
                    }
                } else {
                    cv.fill_box(area);
                }
            }
            assert_eq!(
                a, b,
                "case {case}: {area:?} in {clip:?}, {mode:?}, opacity {opacity}"
            );
        }
    }

    #[test]
    fn ovals_match_embedded_graphics_exhaustively() {
        // Every size up to 40x40, filled and stroked, inside the panel and across its edges.
        let mut bad = Vec::new();
        for w in 0..=40 {
            for h in 0..=40 {
                for (x, y) in [(2, 3), (-9, 17), (13, -21)] {
                    for stroke in STROKES {
                        let b = (x, y, w, h);
                        if eg_oval(32, 24, b, stroke) != ours_oval(32, 24, b, stroke) {
                            bad.push((b, stroke));
                        }
                    }
                }
            }
        }
        assert_none("ellipses", &bad);
    }

    #[test]
    fn circles_match_embedded_graphics_exhaustively() {
        let mut bad = Vec::new();
        for d in 0..=64 {
            for (x, y) in [(1, 1), (-20, 5), (7, -30), (25, 10)] {
                for stroke in STROKES.into_iter().chain([Some(4), Some(5), Some(11)]) {
                    let eg_frame = eg(40, 32, |cv| {
                        let _ = Circle::new(Point::new(x, y), d as u32)
                            .into_styled(style(stroke))
                            .draw(cv);
                    });
                    if eg_frame != ours_oval(40, 32, (x, y, d, d), stroke) {
                        bad.push((x, y, d, stroke));
                    }
                }
            }
        }
        assert_none("circles", &bad);
    }

    #[test]
    fn rounded_rects_match_embedded_graphics_exhaustively() {
        let mut bad = Vec::new();
        for w in 0..=26 {
            for h in 0..=26 {
                for r in [1, 2, 3, 4, 5, 7, 10, 13, 40] {
                    for (x, y) in [(2, 1), (-11, 9)] {
                        for stroke in STROKES {
                            let b = (x, y, w, h);
                            let ours = ours_rounded(24, 24, b, r, stroke);
                            if eg_rounded(24, 24, b, r, stroke) != ours {
                                bad.push((b, r, stroke));
                            }
                        }
                    }
                }
            }
        }
        assert_none("rounded rectangles", &bad);
    }

    #[test]
    fn lines_match_embedded_graphics_exhaustively() {
        // Ends inside and far outside a 24x16 panel, so most lines are clipped on both ends.
        let ends: Vec<(i32, i32)> = (-2..=6)
            .flat_map(|i| (-2..=6).map(move |j| (i * 5 - 3, j * 4 - 5)))
            .chain([(-60, 7), (90, -33), (11, 70), (-41, -41), (80, 40), (5, 5)])
            .collect();
        let mut bad = Vec::new();
        for &a in &ends {
            for &b in &ends {
                for width in [1, 2, 3, 4, 5, 8] {
                    if eg_line(24, 16, a, b, width) != ours_line(24, 16, a, b, width) {
                        bad.push((a, b, width));
                    }
                }
            }
        }
        assert_none("lines", &bad);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Larger shapes at random positions around a 128x64 panel, as far as embedded-graphics
        /// can go without overflowing (an ellipse's `w^2 h^2` must fit a u32).
        #[test]
        fn large_ovals_match(x in -300i32..200, y in -300i32..100, w in 0i32..600, h in 0i32..600,
                             s in 0usize..5) {
            let (w, h) = if i64::from(w) * i64::from(h) > 46_000 { (w, 46_000 / w.max(1)) } else { (w, h) };
            let b = (x, y, w, h);
            prop_assert_eq!(eg_oval(128, 64, b, STROKES[s]), ours_oval(128, 64, b, STROKES[s]));
        }

        #[test]
        fn large_circles_match(x in -3000i32..200, y in -3000i32..100, d in 0i32..3000, s in 0usize..5) {
            let eg_frame = eg(128, 64, |cv| {
                let _ = Circle::new(Point::new(x, y), d as u32)
                    .into_styled(style(STROKES[s]))
                    .draw(cv);
            });
            prop_assert_eq!(eg_frame, ours_oval(128, 64, (x, y, d, d), STROKES[s]));
        }

        #[test]
        fn large_rounded_rects_match(x in -2000i32..200, y in -2000i32..100, w in 0i32..2500,
                                     h in 0i32..2500, r in 1u32..2000, s in 0usize..5) {
            let b = (x, y, w, h);
            prop_assert_eq!(eg_rounded(128, 64, b, r, STROKES[s]), ours_rounded(128, 64, b, r, STROKES[s]));
        }

        /// embedded-graphics' thick line computes `(2 width)^2 * length^2` in i32: lengths up to
        /// about 2000 with widths up to 8 stay below that.
        #[test]
        fn long_lines_match(ax in -1000i32..1100, ay in -1000i32..1000, bx in -1000i32..1100,
                            by in -1000i32..1000, width in 1u32..9) {
            let (a, b) = ((ax, ay), (bx, by));
            prop_assert_eq!(eg_line(128, 64, a, b, width), ours_line(128, 64, a, b, width));
        }
    }
}

#[cfg(test)]
mod wrap_tests {
    use super::*;
    use embedded_graphics::image::ImageRaw;
    use embedded_graphics::mono_font::mapping::StrGlyphMapping;
    use embedded_graphics::mono_font::{DecorationDimensions, MonoFont};

    /// Two 2x1 glyphs, '?' (the replacement) and '…'.
    static WITH_ELLIPSIS: MonoFont<'static> = MonoFont {
        image: ImageRaw::new(&[0b1001_0000], 4),
        glyph_mapping: &StrGlyphMapping::new("?…", 0),
        character_size: Size::new(2, 1),
        character_spacing: 0,
        baseline: 0,
        underline: DecorationDimensions::new(0, 1),
        strikethrough: DecorationDimensions::new(0, 1),
    };

    #[test]
    fn the_ellipsis_is_the_glyph_when_the_font_has_it() {
        assert_eq!(ellipsis_for(&GlyphFont::from_mono(&WITH_ELLIPSIS)), "…");
        for name in crate::fonts::FONT_NAMES {
            let font = crate::fonts::build(name);
            assert_eq!(ellipsis_for(&font), "...", "{name}");
        }
        assert_eq!(ellipsis_for(&crate::fonts::build("uni_8")), "…");
    }
}
