//! Glyph fonts: every glyph of a font converted once, when a scene is compiled, into a
//! [`PageImage`] with its offset from the pen and its advance, so that drawing text is one blit
//! per character (see [`crate::image`] on why not embedded-graphics' per-pixel text drawing).
//!
//! One type serves three sources: embedded-graphics' mono fonts (every glyph a full cell, fixed
//! advance: drawn exactly as before this module existed), u8g2 fonts and families
//! ([`crate::fonts`]) and BDF fonts from the scene's assets (both proportional).

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use embedded_graphics::image::GetPixel;
use embedded_graphics::mono_font::MonoFont;
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;

use crate::asset::FontAsset;
use crate::image::PageImage;
use crate::limits::{MAX_FONT_GLYPHS, MAX_GLYPH_SIDE};
use alloc::format;

/// One converted glyph: its ink, where the ink's top-left corner sits relative to the pen
/// (the pen is at the top of the line, not on the baseline), and how far the pen moves after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Glyph {
    pub img: PageImage,
    pub dx: i32,
    pub dy: i32,
    pub advance: i32,
}

/// "No glyph" in the ASCII table.
const NONE: u16 = u16::MAX;

/// Most glyphs one font keeps: the index must fit the u16 tables. u8g2 families hold a few
/// thousand at most; BDF fonts are bounded by [`crate::limits::MAX_FONT_GLYPHS`].
const MAX_GLYPHS: usize = NONE as usize;

/// A font with every glyph pre-converted.
#[derive(Debug)]
pub(crate) struct GlyphFont {
    /// Line height: the distance between two lines, and the box a text widget occupies.
    pub height: i32,
    /// Rows from the top of the line to the baseline (the row below the last row of 'A').
    #[allow(dead_code)] // for layout code that aligns on baselines
    pub ascent: i32,
    /// Letter spacing included in every advance, left out at the end of a line (mono fonts'
    /// `character_spacing`; 0 for proportional fonts, whose advances include their spacing).
    spacing: i32,
    /// `Some(advance)` when every glyph is a full cell at the pen with one advance (the mono
    /// fonts): text then skips clipped characters arithmetically.
    fixed: Option<i32>,
    glyphs: Vec<Glyph>,
    /// Glyph index of each ASCII character, [`NONE`] if absent.
    ascii: [u16; 128],
    /// Glyph index of the other characters, sorted by character.
    others: Vec<(char, u16)>,
    /// A mono font's own mapping for non-ASCII characters (its glyph list cannot be
    /// enumerated), and the index it gives characters it lacks.
    mono: Option<(&'static MonoFont<'static>, usize)>,
    /// Drawn for a character the font lacks.
    replacement: Glyph,
    /// Ink extent of all glyphs relative to the pen: left of it (<= 0), above the line top
    /// (<= 0) and the lowest row below it; used to reject text outside the clip early.
    ink_left: i32,
    ink_top: i32,
    ink_bottom: i32,
}

impl GlyphFont {
    /// Converts a mono font. Pixel-identical to the pre-proportional renderer: each glyph is its
    /// full cell at the pen, and a character the font lacks draws the font's own replacement
    /// glyph (`?` for the ASCII fonts), not the box of [`GlyphFont::replacement_box`].
    pub(crate) fn from_mono(mono: &'static MonoFont<'static>) -> GlyphFont {
        let cw = mono.character_size.width as i32;
        let ch = mono.character_size.height as i32;
        let img = mono.image.size();
        let per_row = if cw > 0 { img.width as i32 / cw } else { 0 };
        let rows = if ch > 0 { img.height as i32 / ch } else { 0 };
        let advance = cw + mono.character_spacing as i32;
        let mut cells = Vec::with_capacity((per_row * rows).max(0) as usize);
        // Same glyph placement as embedded-graphics' `MonoFont::glyph`.
        for index in 0..per_row * rows {
            let (gx, gy) = ((index % per_row) * cw, (index / per_row) * ch);
            cells.push(Glyph {
                img: PageImage::from_fn(cw, ch, |c, r| {
                    mono.image.pixel(Point::new(gx + c, gy + r)) == Some(BinaryColor::On)
                }),
                dx: 0,
                dy: 0,
                advance,
            });
        }
        cells.truncate(MAX_GLYPHS);
        // embedded-graphics maps every character it lacks to the replacement glyph's index and
        // does not say which character that is; its fonts use '?', so '?' itself is present.
        let repl = mono.glyph_mapping.index('\u{FFFF}');
        let mut ascii = [NONE; 128];
        for (i, slot) in ascii.iter_mut().enumerate() {
            let c = char::from(i as u8);
            let index = mono.glyph_mapping.index(c);
            if (index != repl || c == '?') && index < cells.len() {
                *slot = index as u16;
            }
        }
        let replacement = cells
            .get(repl)
            .cloned()
            .unwrap_or_else(|| GlyphFont::replacement_box(ch, ch));
        GlyphFont {
            height: ch,
            // The mono fonts' baseline; only informative for them (nothing aligns on it).
            ascent: mono.baseline as i32 + 1,
            spacing: mono.character_spacing as i32,
            fixed: Some(advance),
            glyphs: cells,
            ascii,
            others: Vec::new(),
            mono: Some((mono, repl)),
            replacement,
            ink_left: 0,
            ink_top: 0,
            ink_bottom: ch,
        }
    }

    /// A proportional font from `(character, glyph)` pairs: the first glyph of a character
    /// wins (a family lists its fonts in fallback order). `height` is the line height,
    /// `ascent` the baseline's distance from the top of the line.
    pub(crate) fn proportional(
        height: i32,
        ascent: i32,
        mut list: Vec<(char, Glyph)>,
        replacement: Option<Glyph>,
    ) -> GlyphFont {
        // Stable: equal characters keep their fallback order, and dedup keeps the first.
        list.sort_by_key(|(c, _)| *c);
        list.dedup_by_key(|(c, _)| *c);
        list.truncate(MAX_GLYPHS);
        let replacement = replacement.unwrap_or_else(|| GlyphFont::replacement_box(height, ascent));
        let (mut ink_left, mut ink_top, mut ink_bottom) = (0, 0, height);
        for g in list.iter().map(|(_, g)| g).chain([&replacement]) {
            if !g.img.data.is_empty() {
                ink_left = ink_left.min(g.dx);
                ink_top = ink_top.min(g.dy);
                ink_bottom = ink_bottom.max(g.dy.saturating_add(g.img.h));
            }
        }
        let mut ascii = [NONE; 128];
        let mut others = Vec::new();
        let mut glyphs = Vec::with_capacity(list.len());
        for (index, (c, g)) in list.into_iter().enumerate() {
            if c.is_ascii() {
                ascii[c as usize] = index as u16;
            } else {
                others.push((c, index as u16));
            }
            glyphs.push(g);
        }
        GlyphFont {
            height,
            ascent,
            spacing: 0,
            fixed: None,
            glyphs,
            ascii,
            others,
            mono: None,
            replacement,
            ink_left,
            ink_top,
            ink_bottom,
        }
    }

    /// A font from a decoded BDF file. Checked here too (assets may come from a snapshot or the
    /// browser, not only from the decoder): at most [`MAX_FONT_GLYPHS`] glyphs, sides, offsets,
    /// advances and metrics within [`MAX_GLYPH_SIDE`], `rows` of exactly width x height bits.
    /// A character the font lacks draws its `DEFAULT_CHAR` glyph if it has one, else the box.
    pub(crate) fn from_asset(font: &FontAsset) -> Result<GlyphFont, String> {
        let side = MAX_GLYPH_SIDE as i32;
        if font.glyphs.len() > MAX_FONT_GLYPHS {
            return Err(format!(
                "the font has {} glyphs: at most {MAX_FONT_GLYPHS}",
                font.glyphs.len()
            ));
        }
        let within = |v: i32| (-side..=side).contains(&v);
        if !within(font.ascent) || !within(font.descent) || font.ascent + font.descent <= 0 {
            return Err(format!(
                "ascent {} and descent {} must be within -{side}..={side} with a positive sum",
                font.ascent, font.descent
            ));
        }
        let mut list = Vec::with_capacity(font.glyphs.len());
        for g in &font.glyphs {
            let (w, h) = (g.width, g.height);
            if w > MAX_GLYPH_SIDE
                || h > MAX_GLYPH_SIDE
                || !within(g.x)
                || !within(g.y)
                || !within(g.advance)
                || g.rows.len() as u64 != u64::from(w) * u64::from(h)
            {
                return Err(format!(
                    "glyph {:?} is malformed: {w}x{h} at ({}, {}), advance {}, {} bits (sides at most {MAX_GLYPH_SIDE}, offsets within +-{MAX_GLYPH_SIDE})",
                    g.ch, g.x, g.y, g.advance, g.rows.len()
                ));
            }
            let (w, h) = (w as i32, h as i32);
            let img = PageImage::from_fn(w, h, |c, r| g.rows[(r * w + c) as usize] != 0);
            // BDF: the bitmap's bottom-left corner is at (x, y) from the origin, y up.
            let glyph = Glyph {
                img,
                dx: g.x,
                dy: font.ascent - (g.y + h),
                advance: g.advance,
            };
            list.push((g.ch, glyph));
        }
        let default = font
            .default_char
            .and_then(|d| list.iter().find(|(c, _)| *c == d))
            .map(|(_, g)| g.clone());
        Ok(GlyphFont::proportional(
            font.ascent + font.descent,
            font.ascent,
            list,
            default,
        ))
    }

    /// The glyph drawn for characters a proportional font lacks: a hollow rectangle standing on
    /// the baseline, `max(3, height / 2)` wide and `max(3, ascent * 2 / 3)` tall (at most the
    /// ascent), with one column of space after it.
    pub(crate) fn replacement_box(height: i32, ascent: i32) -> Glyph {
        let w = (height / 2).max(3);
        let h = (ascent * 2 / 3).max(3).min(ascent.max(3));
        Glyph {
            img: PageImage::from_fn(w, h, |c, r| c == 0 || r == 0 || c == w - 1 || r == h - 1),
            dx: 0,
            dy: ascent - h,
            advance: w + 1,
        }
    }

    fn index(&self, c: char) -> Option<usize> {
        let i = if c.is_ascii() {
            self.ascii[c as usize]
        } else if let Some((mono, repl)) = self.mono {
            let i = mono.glyph_mapping.index(c);
            return (i != repl && i < self.glyphs.len()).then_some(i);
        } else {
            let i = self.others.binary_search_by_key(&c, |(k, _)| *k).ok()?;
            self.others[i].1
        };
        (i != NONE).then_some(usize::from(i))
    }

    /// Whether the font has a glyph of its own for `c`.
    pub(crate) fn has_glyph(&self, c: char) -> bool {
        self.index(c).is_some()
    }

    /// The glyph of `c`, or the replacement glyph for characters the font lacks.
    pub(crate) fn glyph(&self, c: char) -> &Glyph {
        self.index(c)
            .and_then(|i| self.glyphs.get(i))
            .unwrap_or(&self.replacement)
    }

    /// How far the pen moves after `c` (letter spacing included).
    pub(crate) fn advance_of(&self, c: char) -> i32 {
        self.glyph(c).advance
    }

    /// The letter spacing included in every advance (not lit after a line's last character).
    pub(crate) fn letter_spacing(&self) -> i32 {
        self.spacing
    }

    /// The distance between two lines of text.
    #[allow(dead_code)] // the API wrapped-text layout uses
    pub(crate) fn line_height(&self) -> i32 {
        self.height
    }

    /// The one advance of a fixed-width font.
    pub(crate) fn fixed_advance(&self) -> Option<i32> {
        self.fixed
    }

    /// Ink extent relative to the pen: (left, top, bottom), see the field docs.
    pub(crate) fn ink(&self) -> (i32, i32, i32) {
        (self.ink_left, self.ink_top, self.ink_bottom)
    }

    /// Sum of the advances of `text`: the distance from one copy of it to the next.
    pub(crate) fn cycle_width(&self, text: &str) -> i64 {
        match self.fixed {
            Some(a) => text.chars().count() as i64 * i64::from(a),
            None => text.chars().map(|c| i64::from(self.advance_of(c))).sum(),
        }
    }

    /// Width in pixels of `text` (no trailing letter spacing).
    pub(crate) fn text_width(&self, text: &str) -> i32 {
        let w = self.cycle_width(text) - i64::from(self.spacing);
        w.clamp(0, i64::from(i32::MAX)) as i32
    }
}

/// Fonts converted so far while compiling one scene, by name, so each is converted once.
#[derive(Default)]
pub(crate) struct FontCache {
    fonts: Vec<(String, Arc<GlyphFont>)>,
}

impl FontCache {
    /// Like [`FontCache::get`] for a conversion that can fail (BDF assets); a failure is not
    /// cached (the caller reports it and falls back).
    pub(crate) fn try_get(
        &mut self,
        key: &str,
        build: impl FnOnce() -> Result<GlyphFont, String>,
    ) -> Result<Arc<GlyphFont>, String> {
        if let Some((_, f)) = self.fonts.iter().find(|(k, _)| k == key) {
            return Ok(f.clone());
        }
        let f = Arc::new(build()?);
        self.fonts.push((String::from(key), f.clone()));
        Ok(f)
    }

    pub(crate) fn get(&mut self, key: &str, build: impl FnOnce() -> GlyphFont) -> Arc<GlyphFont> {
        if let Some((_, f)) = self.fonts.iter().find(|(k, _)| k == key) {
            return f.clone();
        }
        let f = Arc::new(build());
        self.fonts.push((String::from(key), f.clone()));
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_graphics::mono_font::ascii;

    #[test]
    fn mono_fonts_know_which_characters_they_have() {
        let f = GlyphFont::from_mono(&ascii::FONT_5X7);
        assert!(f.has_glyph('A') && f.has_glyph('?') && f.has_glyph(' '));
        assert!(!f.has_glyph('é') && !f.has_glyph('\n'));
        // A missing character draws the '?' glyph.
        assert_eq!(f.glyph('é'), f.glyph('?'));
        assert_eq!(f.text_width("abc"), 3 * 5);
        assert_eq!(f.cycle_width("Привет"), 6 * 5);
    }

    #[test]
    fn proportional_lookup_and_widths() {
        let g = |w: i32, adv: i32| Glyph {
            img: PageImage::from_fn(w, 2, |_, _| true),
            dx: 0,
            dy: 1,
            advance: adv,
        };
        let f = GlyphFont::proportional(
            8,
            6,
            alloc::vec![
                ('Ж', g(5, 6)),
                ('a', g(2, 3)),
                ('°', g(3, 4)),
                ('a', g(9, 9))
            ],
            None,
        );
        assert_eq!(f.advance_of('a'), 3, "the first 'a' wins");
        assert_eq!(f.advance_of('Ж'), 6);
        assert_eq!(f.text_width("a°Ж"), 13);
        assert!(!f.has_glyph('b') && !f.has_glyph('\0'));
        // 'b' draws the box: 4 wide (8 / 2), 4 tall (6 * 2 / 3), standing on the baseline.
        let b = f.glyph('b');
        assert_eq!((b.img.w, b.img.h, b.dy, b.advance), (4, 4, 2, 5));
        assert_eq!(f.text_width("ab"), 3 + 5);
    }
}
