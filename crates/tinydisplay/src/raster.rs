//! Drawing resolved widgets into a page-layout [`Frame`] through embedded-graphics.
//!
//! [`Canvas`] is the `DrawTarget`. Its `fill_solid` works on whole page bytes with masks rather
//! than pixel by pixel (the hot path: rectangles, bars, text backgrounds), and it applies the
//! clip box, the draw mode (on/off/xor) and the ordered-dither opacity.

use crate::anim::{Bitmap, CSeries, Compiled, Node};
use crate::frame::Frame;
use crate::scene::{Align, DrawMode, Kind};
use crate::state::{FrameState, WidgetState};
use core::convert::Infallible;
use embedded_graphics::mono_font::MonoTextStyleBuilder;
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    Circle, Ellipse, Line, PrimitiveStyle, PrimitiveStyleBuilder, Rectangle, RoundedRectangle,
};
use embedded_graphics::text::{Baseline, Text};

/// 4x4 Bayer matrix: a pixel is drawn when its threshold is below the opacity (0..=16).
const BAYER4: [[u8; 4]; 4] = [[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]];

/// Inclusive-exclusive pixel box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Clip {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Clip {
    fn intersect(self, o: Clip) -> Clip {
        Clip { x0: self.x0.max(o.x0), y0: self.y0.max(o.y0), x1: self.x1.min(o.x1), y1: self.y1.min(o.y1) }
    }

    fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }
}

/// A draw target over a frame, with clip, mode and dither.
pub(crate) struct Canvas<'f> {
    frame: &'f mut Frame,
    pub clip: Clip,
    pub mode: DrawMode,
    pub opacity: u8,
}

impl<'f> Canvas<'f> {
    pub(crate) fn new(frame: &'f mut Frame) -> Self {
        let clip = Clip { x0: 0, y0: 0, x1: i32::from(frame.width()), y1: i32::from(frame.height()) };
        Canvas { frame, clip, mode: DrawMode::On, opacity: 16 }
    }

    #[inline]
    fn plot(&mut self, x: i32, y: i32, on: bool) {
        if x < self.clip.x0 || x >= self.clip.x1 || y < self.clip.y0 || y >= self.clip.y1 {
            return;
        }
        if self.opacity < 16 && BAYER4[(y & 3) as usize][(x & 3) as usize] >= self.opacity {
            return;
        }
        // `on` is the shape's colour: Off pixels of a shape are left alone (transparent).
        if !on {
            return;
        }
        let w = usize::from(self.frame.width());
        let idx = (y as usize / 8) * w + x as usize;
        let bit = 1u8 << (y & 7);
        let b = &mut self.frame.as_bytes_mut()[idx];
        match self.mode {
            DrawMode::On => *b |= bit,
            DrawMode::Off => *b &= !bit,
            DrawMode::Xor => *b ^= bit,
        }
    }

    /// Applies the mode to every pixel of `area` (clipped), a byte column at a time.
    fn fill_box(&mut self, area: Clip) {
        let a = area.intersect(self.clip);
        if a.is_empty() {
            return;
        }
        let w = usize::from(self.frame.width());
        let data = self.frame.as_bytes_mut();
        for page in (a.y0 / 8)..=((a.y1 - 1) / 8) {
            let top = (a.y0 - page * 8).max(0);
            let bottom = (a.y1 - page * 8).min(8);
            let mut mask = ((0xFFu16 << top) & (0xFFu16 >> (8 - bottom))) as u8;
            let row = page as usize * w;
            for x in a.x0..a.x1 {
                let mut m = mask;
                if self.opacity < 16 {
                    m &= dither_column(x, page, self.opacity);
                }
                let b = &mut data[row + x as usize];
                match self.mode {
                    DrawMode::On => *b |= m,
                    DrawMode::Off => *b &= !m,
                    DrawMode::Xor => *b ^= m,
                }
            }
            mask = 0;
            let _ = mask;
        }
    }
}

/// The dither mask of one byte column: bit b set when pixel (x, page*8+b) passes.
fn dither_column(x: i32, page: i32, opacity: u8) -> u8 {
    let mut m = 0u8;
    for b in 0..8 {
        let y = page * 8 + b;
        if BAYER4[(y & 3) as usize][(x & 3) as usize] < opacity {
            m |= 1 << b;
        }
    }
    m
}

impl OriginDimensions for Canvas<'_> {
    fn size(&self) -> Size {
        Size::new(u32::from(self.frame.width()), u32::from(self.frame.height()))
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
            self.plot(p.x, p.y, c.is_on());
        }
        Ok(())
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Self::Color) -> Result<(), Self::Error> {
        if color.is_on() {
            self.fill_box(to_clip(area));
        }
        Ok(())
    }
}

fn to_clip(r: &Rectangle) -> Clip {
    let x0 = r.top_left.x;
    let y0 = r.top_left.y;
    Clip {
        x0,
        y0,
        x1: x0.saturating_add(r.size.width.min(i32::MAX as u32) as i32),
        y1: y0.saturating_add(r.size.height.min(i32::MAX as u32) as i32),
    }
}

fn size(w: i32, h: i32) -> Size {
    Size::new(w.max(0) as u32, h.max(0) as u32)
}

/// Draws a frame state; `compiled` supplies the static parts (fonts, bitmaps, modes).
pub(crate) fn draw(compiled: &Compiled, state: &FrameState, frame: &mut Frame) {
    let mut canvas = Canvas::new(frame);
    let full = canvas.clip;
    for (node, ws) in compiled.roots.iter().zip(&state.widgets) {
        draw_node(&mut canvas, node, ws, full, 16);
    }
}

fn draw_node(cv: &mut Canvas<'_>, n: &Node, s: &WidgetState, clip: Clip, parent_opacity: i32) {
    let opacity = s.opacity.min(parent_opacity);
    if !s.visible || opacity <= 0 {
        return;
    }
    cv.clip = clip;
    cv.opacity = opacity as u8;
    cv.mode = if s.invert { DrawMode::Xor } else { n.mode };
    let (x, y, w, h) = (s.x, s.y, s.w, s.h);
    let on = BinaryColor::On;
    let stroke_style = PrimitiveStyle::with_stroke(on, s.stroke.max(0) as u32);
    let shape_style = if n.fill { PrimitiveStyle::with_fill(on) } else { stroke_style };
    match n.kind {
        Kind::Rect => {
            let r = Rectangle::new(Point::new(x, y), size(w, h));
            if s.radius > 0 {
                let _ = RoundedRectangle::with_equal_corners(r, size(s.radius, s.radius))
                    .into_styled(shape_style)
                    .draw(cv);
            } else if n.fill {
                cv.fill_box(to_clip(&r));
            } else {
                let _ = r.into_styled(stroke_style).draw(cv);
            }
        }
        Kind::Line => {
            let _ = Line::new(Point::new(x, y), Point::new(x.saturating_add(w), y.saturating_add(h)))
                .into_styled(stroke_style)
                .draw(cv);
        }
        Kind::Circle => {
            let _ = Circle::new(Point::new(x, y), w.max(0) as u32).into_styled(shape_style).draw(cv);
        }
        Kind::Ellipse => {
            let _ = Ellipse::new(Point::new(x, y), size(w, h)).into_styled(shape_style).draw(cv);
        }
        Kind::Text => {
            if let Some(text) = &s.text {
                draw_text(cv, n, text, x, y, w);
            }
        }
        Kind::Marquee => {
            if let Some(text) = &s.text {
                let box_ = Clip { x0: x, y0: y, x1: x.saturating_add(w), y1: y.saturating_add(h.max(n.font.character_size.height as i32)) };
                cv.clip = clip.intersect(box_);
                let cw = (n.font.character_size.width + n.font.character_spacing) as i32;
                let cycle = text.chars().count() as i32 * cw + n.gap;
                // Text enters from the right edge and scrolls left.
                let mut tx = x + w - s.scroll;
                while tx > x {
                    tx -= cycle.max(1);
                }
                while tx < x + w {
                    draw_text_at(cv, n, text, tx, y);
                    tx += cycle.max(1);
                }
            }
        }
        Kind::Bitmap => {
            if let Some(b) = &n.bitmap {
                blit(cv, b, x, y);
            }
        }
        Kind::Sprite => {
            if let Some(b) = n.frames.get(s.frame.max(0) as usize) {
                blit(cv, b, x, y);
            }
        }
        Kind::Progress => {
            let r = Rectangle::new(Point::new(x, y), size(w, h));
            let st = s.stroke.max(0);
            if st > 0 {
                let outline = PrimitiveStyleBuilder::new().stroke_color(on).stroke_width(st as u32).build();
                if s.radius > 0 {
                    let _ = RoundedRectangle::with_equal_corners(r, size(s.radius, s.radius))
                        .into_styled(outline)
                        .draw(cv);
                } else {
                    let _ = r.into_styled(outline).draw(cv);
                }
            }
            let inner_w = (w - 2 * st).max(0);
            let span = i64::from(s.max) - i64::from(s.min);
            let v = (i64::from(s.value) - i64::from(s.min)).clamp(0, span.max(0));
            let fill_w = if span > 0 { (i64::from(inner_w) * v / span) as i32 } else { 0 };
            cv.fill_box(Clip { x0: x + st, y0: y + st, x1: x + st + fill_w, y1: y + h - st });
        }
        Kind::Sparkline => {
            let (lo, hi) = match &n.series {
                Some(CSeries::Input { min, max, .. }) | Some(CSeries::Wave { min, max, .. }) => (*min, *max),
                None => (0, 1),
            };
            let span = (hi - lo).max(1);
            let to_y = |v: i64| -> i32 {
                let v = v.clamp(lo, hi);
                y + h - 1 - ((v - lo) * i64::from((h - 1).max(0)) / span) as i32
            };
            let style = PrimitiveStyle::with_stroke(on, s.stroke.max(1) as u32);
            // Right-align input history so that the newest sample is at the right edge.
            let start = x + w - s.samples.len() as i32;
            let mut prev: Option<Point> = None;
            for (i, v) in s.samples.iter().enumerate() {
                let p = Point::new(start + i as i32, to_y(*v));
                match prev {
                    Some(q) => {
                        let _ = Line::new(q, p).into_styled(style).draw(cv);
                    }
                    None => cv.plot(p.x, p.y, true),
                }
                prev = Some(p);
            }
        }
        Kind::Group => {
            let inner = if n.clip && w > 0 && h > 0 {
                clip.intersect(Clip { x0: x, y0: y, x1: x.saturating_add(w), y1: y.saturating_add(h) })
            } else {
                clip
            };
            if !inner.is_empty() {
                for (cn, cs) in n.children.iter().zip(&s.children) {
                    draw_node(cv, cn, cs, inner, opacity);
                }
            }
            if s.invert && w > 0 && h > 0 {
                cv.clip = clip;
                cv.mode = DrawMode::Xor;
                cv.opacity = 16;
                cv.fill_box(Clip { x0: x, y0: y, x1: x.saturating_add(w), y1: y.saturating_add(h) });
            }
        }
    }
}

fn text_width(n: &Node, text: &str) -> i32 {
    let cw = (n.font.character_size.width + n.font.character_spacing) as i32;
    (text.chars().count() as i32 * cw - n.font.character_spacing as i32).max(0)
}

fn draw_text(cv: &mut Canvas<'_>, n: &Node, text: &str, x: i32, y: i32, w: i32) {
    let tw = text_width(n, text);
    let x = match n.align {
        Align::Left => x,
        Align::Center => x + (w - tw) / 2,
        Align::Right => x + w - tw,
    };
    draw_text_at(cv, n, text, x, y);
}

fn draw_text_at(cv: &mut Canvas<'_>, n: &Node, text: &str, x: i32, y: i32) {
    let style = MonoTextStyleBuilder::new().font(n.font).text_color(BinaryColor::On).build();
    let _ = Text::with_baseline(text, Point::new(x, y), style, Baseline::Top).draw(cv);
}

fn blit(cv: &mut Canvas<'_>, b: &Bitmap, x: i32, y: i32) {
    for row in 0..b.h {
        for col in 0..b.w {
            if b.bits[(row * b.w + col) as usize] {
                cv.plot(x + col, y + row, true);
            }
        }
    }
}
