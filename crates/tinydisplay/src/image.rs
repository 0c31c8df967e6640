//! 1-bit images stored in the frame's own page layout, so that drawing one is a few shifted
//! byte ORs per column instead of one `DrawTarget` call per pixel.
//!
//! Why not embedded-graphics' `Image`/`MonoTextStyle`: they walk a glyph pixel by pixel through
//! iterators (about 60 calls for one 6x10 glyph); the dashboard's text alone then costs more than
//! the whole frame budget. Glyphs and bitmaps are converted once, when a scene is compiled, into
//! [`PageImage`]s; [`crate::raster`] blits those a byte column at a time.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use embedded_graphics::image::GetPixel;
use embedded_graphics::mono_font::MonoFont;
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;

/// A `w` x `h` 1-bit image in page layout: byte `page * w + col` holds rows `page*8 ..= page*8+7`
/// of column `col`, LSB on top (like [`crate::Frame`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PageImage {
    pub w: i32,
    pub h: i32,
    pub data: Vec<u8>,
}

impl PageImage {
    /// From row-major pixels (`bits[row * w + col]`).
    pub(crate) fn from_fn(w: i32, h: i32, lit: impl Fn(i32, i32) -> bool) -> PageImage {
        let (w, h) = (w.max(0), h.max(0));
        let pages = (h + 7) / 8;
        let mut data = vec![0u8; (pages * w) as usize];
        for row in 0..h {
            for col in 0..w {
                if lit(col, row) {
                    data[((row / 8) * w + col) as usize] |= 1 << (row % 8);
                }
            }
        }
        PageImage { w, h, data }
    }

    pub(crate) fn pages(&self) -> i32 {
        (self.h + 7) / 8
    }
}

/// A mono font with every glyph pre-converted to a [`PageImage`].
#[derive(Debug)]
pub(crate) struct GlyphFont {
    pub mono: &'static MonoFont<'static>,
    /// Glyph cell width plus letter spacing: the x distance between two characters.
    pub advance: i32,
    pub height: i32,
    glyphs: Vec<PageImage>,
    /// Glyph index of each ASCII character: embedded-graphics' `StrGlyphMapping::index` walks
    /// the font's character ranges on every call, which was the top item of the frame profile.
    ascii: [u16; 128],
}

impl GlyphFont {
    pub(crate) fn new(mono: &'static MonoFont<'static>) -> GlyphFont {
        let cw = mono.character_size.width as i32;
        let ch = mono.character_size.height as i32;
        let img = mono.image.size();
        let per_row = if cw > 0 { img.width as i32 / cw } else { 0 };
        let rows = if ch > 0 { img.height as i32 / ch } else { 0 };
        let mut glyphs = Vec::with_capacity((per_row * rows).max(0) as usize);
        // Same glyph placement as embedded-graphics' `MonoFont::glyph`.
        for index in 0..per_row * rows {
            let (gx, gy) = ((index % per_row) * cw, (index / per_row) * ch);
            glyphs.push(PageImage::from_fn(cw, ch, |c, r| {
                mono.image.pixel(Point::new(gx + c, gy + r)) == Some(BinaryColor::On)
            }));
        }
        let mut ascii = [0u16; 128];
        for (i, slot) in ascii.iter_mut().enumerate() {
            *slot = mono
                .glyph_mapping
                .index(char::from(i as u8))
                .min(usize::from(u16::MAX)) as u16;
        }
        GlyphFont {
            mono,
            advance: cw + mono.character_spacing as i32,
            height: ch,
            glyphs,
            ascii,
        }
    }

    /// The glyph of `c` (the font's replacement glyph for characters it does not have).
    pub(crate) fn glyph(&self, c: char) -> Option<&PageImage> {
        let index = if c.is_ascii() {
            usize::from(self.ascii[c as usize])
        } else {
            self.mono.glyph_mapping.index(c)
        };
        self.glyphs.get(index)
    }

    /// The x distance between two characters.
    pub(crate) fn advance(&self) -> i32 {
        self.advance
    }

    /// Width in pixels of `chars` characters (no trailing letter spacing).
    pub(crate) fn text_width(&self, chars: usize) -> i32 {
        let chars = chars.min(1 << 20) as i32;
        (chars * self.advance - self.mono.character_spacing as i32).max(0)
    }
}

/// Fonts converted so far while compiling one scene, so each is converted once.
#[derive(Default)]
pub(crate) struct FontCache {
    fonts: Vec<Arc<GlyphFont>>,
}

impl FontCache {
    pub(crate) fn get(&mut self, mono: &'static MonoFont<'static>) -> Arc<GlyphFont> {
        if let Some(f) = self.fonts.iter().find(|f| core::ptr::eq(f.mono, mono)) {
            return f.clone();
        }
        let f = Arc::new(GlyphFont::new(mono));
        self.fonts.push(f.clone());
        f
    }
}
