//! 1-bit images stored in the frame's own page layout, so that drawing one is a few shifted
//! byte ORs per column instead of one `DrawTarget` call per pixel.
//!
//! Why not embedded-graphics' `Image`/`MonoTextStyle`: they walk a glyph pixel by pixel through
//! iterators (about 60 calls for one 6x10 glyph); the dashboard's text alone then costs more than
//! the whole frame budget. Glyphs and bitmaps are converted once, when a scene is compiled, into
//! [`PageImage`]s; [`crate::raster`] blits those a byte column at a time.

use alloc::vec;
use alloc::vec::Vec;

// Glyph fonts moved to their own module when they became proportional; the old path stays.
pub(crate) use crate::glyph::{FontCache, GlyphFont};

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
