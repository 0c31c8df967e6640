//! Drawing resolved widgets into a page-layout [`Frame`].
//!
//! [`Canvas`] is an embedded-graphics `DrawTarget` for the primitives that embedded-graphics
//! rasterizes well (lines, circles, ellipses, rounded corners). Everything that is hot in real
//! scenes is done here on whole page bytes instead of pixel by pixel: `fill_solid` (rectangles,
//! outlines, bars, circle scanlines) uses byte masks, and text, bitmaps and sprites are blitted
//! from [`PageImage`]s a byte column at a time. The canvas applies the clip box, the draw mode
//! (on/off/xor) and the ordered-dither opacity in every path, so they all agree pixel for pixel.

use crate::event::EventLog;
use crate::frame::Frame;
use crate::image::{GlyphFont, PageImage};
use crate::limits::MAX_ELLIPSE_AREA;
use crate::model::{CSeries, Compiled, Node};
use crate::scene::{Align, DrawMode, Kind};
use crate::state::{Resolved, Resolver};
use crate::Tick;
use alloc::string::String;
use core::convert::Infallible;
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    Circle, Ellipse, Line, PrimitiveStyle, PrimitiveStyleBuilder, Rectangle, RoundedRectangle,
    StrokeAlignment,
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

/// Coordinates and sizes are clamped to +-`LIMIT` before drawing. Everything a scene can set
/// without animation (+-32767) stays exact; larger animated values are far off-panel anyway, and
/// the clamp keeps embedded-graphics' u32/i32 arithmetic (e.g. a circle's diameter squared) from
/// overflowing.
const LIMIT: i32 = 1 << 15;

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
        }
    }

    #[inline]
    fn apply(&mut self, idx: usize, m: u8) {
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
        let w = usize::from(self.frame.width());
        let dither = DITHER[usize::from(self.opacity)];
        let mode = self.mode;
        let x0 = a.x0 as usize;
        let data = self.frame.as_bytes_mut();
        for page in (a.y0 / 8)..=((a.y1 - 1) / 8) {
            let mask = a.page_mask(page);
            // The masks of the row's columns repeat every 4: byte i gets pat[i % 4].
            let pat = [0, 1, 2, 3].map(|i| mask & dither[(x0 + i) & 3]);
            let row = &mut data[page as usize * w..][x0..a.x1 as usize];
            match mode {
                DrawMode::On => apply_pattern(row, pat, |b, m| b | m),
                DrawMode::Off => apply_pattern(row, pat, |b, m| b & !m),
                DrawMode::Xor => apply_pattern(row, pat, |b, m| b ^ m),
            }
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

    /// A 1-pixel line from (`x0`, `y0`) to (`x1`, `y1`), both ends included: Bresenham, with
    /// the same pixels as embedded-graphics' 1-wide styled `Line` (a unit test compares them),
    /// which goes through its general thick-line iterator and cost a third of a dashboard frame.
    fn line1(&mut self, x0: i32, y0: i32, x1: i32, y1: i32) {
        let (dx, dy) = (x1 - x0, y1 - y0);
        let (sx, sy) = (if dx >= 0 { 1 } else { -1 }, if dy >= 0 { 1 } else { -1 });
        let (adx, ady) = (dx.abs(), dy.abs());
        // Ties go to y as the major axis, like embedded-graphics.
        let (major, minor, maj, min) = if ady >= adx {
            (ady, adx, (0, sy), (sx, 0))
        } else {
            (adx, ady, (sx, 0), (0, sy))
        };
        let (mut x, mut y) = (x0, y0);
        let mut err = 0i64;
        let (major2, minor2) = (2 * i64::from(major), 2 * i64::from(minor));
        for _ in 0..=major {
            if err > i64::from(major) {
                x += min.0;
                y += min.1;
                err -= major2;
            }
            self.plot(x, y);
            x += maj.0;
            y += maj.1;
            err += minor2;
        }
    }

    /// Draws `text` in `font` with its top-left corner at (`x`, `y`); returns nothing, clips.
    fn text(&mut self, font: &GlyphFont, text: &str, x: i32, y: i32) {
        if y >= self.clip.y1 || y.saturating_add(font.height) <= self.clip.y0 {
            return;
        }
        let adv = font.advance().max(1);
        // Skip the characters left of the clip without looking up their glyphs.
        let skip = if x < self.clip.x0 {
            ((self.clip.x0 - x) / adv).max(0)
        } else {
            0
        };
        let mut gx = x + skip * adv;
        for c in text.chars().skip(skip as usize) {
            if gx >= self.clip.x1 {
                break;
            }
            if let Some(g) = font.glyph(c) {
                self.blit(g, gx, y);
            }
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

/// Renders the scene at `tick` into `frame` (which the caller has cleared).
pub(crate) fn draw(c: &Compiled, log: &EventLog, tick: Tick, frame: &mut Frame) {
    let rs = Resolver { c, log, tick };
    let mut cv = Canvas::new(frame);
    let full = cv.clip;
    // One text buffer for the whole frame: no allocation per widget.
    let mut text = String::new();
    for node in &c.roots {
        draw_node(&mut cv, &rs, node, 0, 0, full, 16, &mut text);
    }
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
        Kind::Circle => Some(Clip::new(x, y, w, w)),
        _ => None,
    };
    if boxed.is_some_and(|b| b.intersect(clip).is_empty()) {
        return;
    }
    let fill = PrimitiveStyle::with_fill(BinaryColor::On);
    let shape_style = if n.fill { fill } else { outline(s.stroke) };
    match n.kind {
        Kind::Rect => {
            let r = Rectangle::new(Point::new(x, y), size(w, h));
            if s.radius > 0 {
                let _ = RoundedRectangle::with_equal_corners(
                    r,
                    size(s.radius.min(LIMIT), s.radius.min(LIMIT)),
                )
                .into_styled(shape_style)
                .draw(cv);
            } else if n.fill {
                cv.fill_box(Clip::new(x, y, w, h));
            } else {
                let _ = r.into_styled(shape_style).draw(cv);
            }
        }
        Kind::Line => {
            if s.stroke == 1 {
                cv.line1(x, y, x + w, y + h);
            } else if s.stroke > 1 {
                thick_line(cv, s.stroke, Point::new(x, y), Point::new(x + w, y + h));
            }
        }
        Kind::Circle => {
            let _ = Circle::new(Point::new(x, y), w as u32)
                .into_styled(shape_style)
                .draw(cv);
        }
        Kind::Ellipse => {
            // embedded-graphics tests points against w^2 * h^2 in u32; beyond that it would
            // overflow. The validator rejects such static sizes; animated ones are skipped.
            // An ellipse with w = h is the circle (embedded-graphics special-cases it the same
            // way; a unit test checks), drawn by scanlines instead of testing every point of
            // the bounding box, which took seconds for a 32767-pixel one.
            if w == h {
                let _ = Circle::new(Point::new(x, y), w as u32)
                    .into_styled(shape_style)
                    .draw(cv);
            } else if i64::from(w) * i64::from(h) <= MAX_ELLIPSE_AREA {
                let _ = Ellipse::new(Point::new(x, y), size(w, h))
                    .into_styled(shape_style)
                    .draw(cv);
            }
        }
        Kind::Text => {
            if s.has_text {
                let tw = n.font.text_width(text.chars().count());
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
                let chars = text.chars().count() as i64;
                let cycle = (chars * i64::from(n.font.advance()) + i64::from(n.gap)).max(1);
                // Copies of the text repeat every `cycle` pixels; at scroll 0 one starts at the
                // right edge, and a growing scroll moves them left. Start with the first copy
                // that reaches into the clip, so the loop is bounded by the box width.
                let origin = i64::from(x) + i64::from(w) - i64::from(s.scroll);
                let text_w = i64::from(n.font.text_width(chars as usize));
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
        Kind::Progress => draw_progress(cv, &s, x, y, w, h),
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
            let stroke = s.stroke.max(1);
            // The newest sample is at the right edge (input history grows from the right).
            let start = x + w - samples.len() as i32;
            let mut prev: Option<Point> = None;
            for (i, v) in samples.iter().enumerate() {
                let p = Point::new(start + i as i32, to_y(v));
                let q = prev.unwrap_or(p);
                if stroke == 1 {
                    cv.line1(q.x, q.y, p.x, p.y);
                } else {
                    thick_line(cv, stroke, q, p);
                }
                prev = Some(p);
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

/// Whether embedded-graphics can draw a line of this width and length: its thick-line
/// iterator computes `(2 * width)^2 * length^2` in i32.
fn thick_fits(a: Point, b: Point, width: i32) -> bool {
    let (dx, dy) = (i64::from(b.x - a.x), i64::from(b.y - a.y));
    let w2 = i64::from(2 * width).pow(2);
    w2 * (dx * dx + dy * dy) < i64::from(i32::MAX) / 2
}

/// A line of `width` > 1 pixels through embedded-graphics. A line too long for its arithmetic is
/// first cut to the clip box (grown by the width, so the ends stay off-panel), and if even that
/// is too long for the width, the width is reduced until it fits: no panic, no overflow.
fn thick_line(cv: &mut Canvas<'_>, width: i32, a: Point, b: Point) {
    let (mut a, mut b) = (a, b);
    if !thick_fits(a, b, width) {
        let m = width + 2;
        let c = cv.clip;
        match clip_segment(a, b, (c.x0 - m, c.y0 - m, c.x1 + m, c.y1 + m)) {
            Some((ca, cb)) => (a, b) = (ca, cb),
            None => return,
        }
    }
    let mut w = width;
    while w > 1 && !thick_fits(a, b, w) {
        w -= 1;
    }
    if w <= 1 {
        cv.line1(a.x, a.y, b.x, b.y);
    } else {
        let style = PrimitiveStyle::with_stroke(BinaryColor::On, w as u32);
        let _ = Line::new(a, b).into_styled(style).draw(cv);
    }
}

/// Cohen-Sutherland clipping of segment a-b to the box (x0, y0)..(x1, y1) (exclusive ends), in
/// integers (intersection points round toward zero).
fn clip_segment(a: Point, b: Point, bx: (i32, i32, i32, i32)) -> Option<(Point, Point)> {
    let (x0, y0, x1, y1) = (
        i64::from(bx.0),
        i64::from(bx.1),
        i64::from(bx.2) - 1,
        i64::from(bx.3) - 1,
    );
    let code = |p: (i64, i64)| -> u8 {
        let mut c = 0;
        if p.0 < x0 {
            c |= 1;
        } else if p.0 > x1 {
            c |= 2;
        }
        if p.1 < y0 {
            c |= 4;
        } else if p.1 > y1 {
            c |= 8;
        }
        c
    };
    let (mut p, mut q) = (
        (i64::from(a.x), i64::from(a.y)),
        (i64::from(b.x), i64::from(b.y)),
    );
    for _ in 0..8 {
        let (cp, cq) = (code(p), code(q));
        if cp | cq == 0 {
            return Some((
                Point::new(p.0 as i32, p.1 as i32),
                Point::new(q.0 as i32, q.1 as i32),
            ));
        }
        if cp & cq != 0 {
            return None;
        }
        let out = if cp != 0 { cp } else { cq };
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        // The outcode guarantees a non-zero delta along the axis being cut.
        let np = if out & 4 != 0 {
            (p.0 + dx * (y0 - p.1) / dy, y0)
        } else if out & 8 != 0 {
            (p.0 + dx * (y1 - p.1) / dy, y1)
        } else if out & 1 != 0 {
            (x0, p.1 + dy * (x0 - p.0) / dx)
        } else {
            (x1, p.1 + dy * (x1 - p.0) / dx)
        };
        if out == cp {
            p = np;
        } else {
            q = np;
        }
    }
    None
}

fn draw_progress(cv: &mut Canvas<'_>, s: &Resolved, x: i32, y: i32, w: i32, h: i32) {
    let st = s.stroke.max(0);
    if st > 0 {
        let r = Rectangle::new(Point::new(x, y), size(w, h));
        if s.radius > 0 {
            let _ = RoundedRectangle::with_equal_corners(
                r,
                size(s.radius.min(LIMIT), s.radius.min(LIMIT)),
            )
            .into_styled(outline(st))
            .draw(cv);
        } else {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn eg_line(x0: i32, y0: i32, x1: i32, y1: i32) -> Frame {
        let mut f = Frame::new(40, 40);
        let mut cv = Canvas::new(&mut f);
        let style = PrimitiveStyle::with_stroke(BinaryColor::On, 1);
        let _ = Line::new(Point::new(x0, y0), Point::new(x1, y1))
            .into_styled(style)
            .draw(&mut cv);
        f
    }

    fn our_line(x0: i32, y0: i32, x1: i32, y1: i32) -> Frame {
        let mut f = Frame::new(40, 40);
        Canvas::new(&mut f).line1(x0, y0, x1, y1);
        f
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
    fn round_ellipse_is_the_circle() {
        for d in 0..40u32 {
            for style in [
                PrimitiveStyle::with_fill(BinaryColor::On),
                outline(1),
                outline(3),
            ] {
                let (mut a, mut b) = (Frame::new(48, 48), Frame::new(48, 48));
                let _ = Ellipse::new(Point::new(2, 3), Size::new(d, d))
                    .into_styled(style)
                    .draw(&mut Canvas::new(&mut a));
                let _ = Circle::new(Point::new(2, 3), d)
                    .into_styled(style)
                    .draw(&mut Canvas::new(&mut b));
                assert_eq!(a, b, "diameter {d}");
            }
        }
    }

    #[test]
    fn clip_segment_keeps_inside_points_and_cuts_outside() {
        let p = |x, y| Point::new(x, y);
        assert_eq!(
            clip_segment(p(1, 1), p(5, 5), (0, 0, 10, 10)),
            Some((p(1, 1), p(5, 5)))
        );
        assert_eq!(
            clip_segment(p(-10, 5), p(20, 5), (0, 0, 10, 10)),
            Some((p(0, 5), p(9, 5)))
        );
        assert_eq!(clip_segment(p(-10, -10), p(-1, 20), (0, 0, 10, 10)), None);
        let (a, b) =
            clip_segment(p(-100_000, -50_000), p(100_000, 50_000), (0, 0, 10, 10)).unwrap();
        assert!(
            (0..10).contains(&a.x) && (0..10).contains(&b.y),
            "{a:?} {b:?}"
        );
    }

    #[test]
    fn thin_line_matches_embedded_graphics() {
        let mut mismatches = alloc::vec::Vec::new();
        for (x0, y0) in [(20, 20), (3, 17), (19, 5), (-9, 30), (47, -4)] {
            for x1 in 0..40 {
                for y1 in 0..40 {
                    if eg_line(x0, y0, x1, y1) != our_line(x0, y0, x1, y1) {
                        mismatches.push((x0, y0, x1, y1));
                    }
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{} lines differ, e.g. {:?}",
            mismatches.len(),
            &mismatches[..mismatches.len().min(10)]
        );
    }
}
