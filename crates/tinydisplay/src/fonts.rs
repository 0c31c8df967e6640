//! Fonts by name: embedded-graphics' ASCII mono fonts, ProFont, and u8g2 fonts (Unicode text
//! families and Open Iconic icons), all converted once per scene compile into [`GlyphFont`]s.

use alloc::vec::Vec;
use embedded_graphics::mono_font::{ascii, MonoFont};
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use u8g2_fonts::types::{FontColor, VerticalPosition};
use u8g2_fonts::{fonts as u8, Font as U8g2Font, FontRenderer};

use crate::glyph::{Glyph, GlyphFont};
use crate::image::PageImage;

/// The default font's name: 6x10, the one luma.oled users know best.
pub(crate) const DEFAULT: &str = "6x10";

/// Names accepted by the `font` field.
pub const FONT_NAMES: &[&str] = &[
    "4x6",
    "5x7",
    "5x8",
    "6x9",
    "6x10",
    "6x12",
    "6x13",
    "6x13_bold",
    "7x13",
    "7x13_bold",
    "7x14",
    "8x13",
    "8x13_bold",
    "9x15",
    "9x15_bold",
    "9x18",
    "9x18_bold",
    "10x20",
    "profont_7",
    "profont_9",
    "profont_10",
    "profont_12",
    "profont_14",
    "profont_18",
    "profont_24",
];

fn mono_by_name(name: &str) -> Option<&'static MonoFont<'static>> {
    Some(match name {
        "4x6" => &ascii::FONT_4X6,
        "5x7" => &ascii::FONT_5X7,
        "5x8" => &ascii::FONT_5X8,
        "6x9" => &ascii::FONT_6X9,
        "6x10" => &ascii::FONT_6X10,
        "6x12" => &ascii::FONT_6X12,
        "6x13" => &ascii::FONT_6X13,
        "6x13_bold" => &ascii::FONT_6X13_BOLD,
        "7x13" => &ascii::FONT_7X13,
        "7x13_bold" => &ascii::FONT_7X13_BOLD,
        "7x14" => &ascii::FONT_7X14,
        "8x13" => &ascii::FONT_8X13,
        "8x13_bold" => &ascii::FONT_8X13_BOLD,
        "9x15" => &ascii::FONT_9X15,
        "9x15_bold" => &ascii::FONT_9X15_BOLD,
        "9x18" => &ascii::FONT_9X18,
        "9x18_bold" => &ascii::FONT_9X18_BOLD,
        "10x20" => &ascii::FONT_10X20,
        "profont_7" => &profont::PROFONT_7_POINT,
        "profont_9" => &profont::PROFONT_9_POINT,
        "profont_10" => &profont::PROFONT_10_POINT,
        "profont_12" => &profont::PROFONT_12_POINT,
        "profont_14" => &profont::PROFONT_14_POINT,
        "profont_18" => &profont::PROFONT_18_POINT,
        "profont_24" => &profont::PROFONT_24_POINT,
        _ => return None,
    })
}

/// Whether `name` is a built-in font (mono, family or icon font).
pub(crate) fn is_builtin(name: &str) -> bool {
    mono_by_name(name).is_some() || family(name).is_some()
}

/// Converts the built-in font `name` (the default font for unknown names: validation has
/// reported those already).
pub(crate) fn build(name: &str) -> GlyphFont {
    if let Some(f) = family(name) {
        return f.build();
    }
    GlyphFont::from_mono(mono_by_name(name).unwrap_or(&ascii::FONT_6X10))
}

/// One u8g2 font of a family, and where its glyphs go: `pua` moves a glyph with u8g2 code `n`
/// to U+E000 + n (the icon fonts, whose codes overlap Latin letters).
/// Converts one font's glyphs: (out, move to the private use area, only these code ranges).
type Convert = fn(&mut Vec<(char, Glyph)>, bool, Option<&[(u32, u32)]>);

#[derive(Clone, Copy)]
struct Member {
    glyphs: Convert,
    metrics: fn() -> (i32, i32),
    pua: bool,
    /// Only these inclusive code ranges (a large fallback font lends a few blocks; converting
    /// all its glyphs would cost compile time for nothing).
    only: Option<&'static [(u32, u32)]>,
}

const fn member<F: U8g2Font>() -> Member {
    Member {
        glyphs: u8g2_glyphs::<F>,
        metrics: u8g2_metrics::<F>,
        pua: false,
        only: None,
    }
}

const fn member_only<F: U8g2Font>(only: &'static [(u32, u32)]) -> Member {
    Member {
        only: Some(only),
        ..member::<F>()
    }
}

const fn icons<F: U8g2Font>() -> Member {
    Member {
        pua: true,
        ..member::<F>()
    }
}

/// A named fallback chain of u8g2 fonts: a character comes from the first member that has it.
pub(crate) struct Family {
    pub name: &'static str,
    members: &'static [Member],
}

impl Family {
    fn build(&self) -> GlyphFont {
        // The line is the first (main) font's bounding box; fallback glyphs share its baseline
        // and may reach above or below it (the raster clips by their ink, not the line).
        let (top, bottom) = self.members.first().map_or((0, 0), |m| (m.metrics)());
        let mut raw = Vec::new();
        for m in self.members {
            (m.glyphs)(&mut raw, m.pua, m.only);
        }
        let list = raw
            .into_iter()
            .map(|(c, mut g)| {
                g.dy += top;
                (c, g)
            })
            .collect();
        GlyphFont::proportional(top + bottom, top, list, None)
    }
}

/// (rows above the baseline, rows below it) of the font's bounding box.
fn u8g2_metrics<F: U8g2Font>() -> (i32, i32) {
    let bbox = FontRenderer::new::<F>().get_font_bounding_box(VerticalPosition::Baseline);
    let top = -bbox.top_left.y;
    (top, bbox.size.height as i32 - top)
}

/// Every character code a u8g2 font holds, read from its glyph lists. Written here because
/// u8g2-fonts renders and looks up single characters but does not list them; the layout is
/// u8g2's documented font format (a 23-byte header, then glyphs 0..=255 as
/// `[code, size, bits...]`, then a jump table and glyphs `[code hi, code lo, size, bits...]`).
/// Reads with bounds checks only: malformed data ends the list, never panics.
fn u8g2_codes(data: &[u8]) -> Vec<u16> {
    let mut out = Vec::new();
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let mut p = 23usize;
    while byte(p + 1) != 0 {
        out.push(u16::from(byte(p)));
        p += usize::from(byte(p + 1));
    }
    let unicode = usize::from(u16::from_be_bytes([byte(21), byte(22)]));
    if unicode != 0 {
        let start = 23 + unicode;
        // The first jump-table entry's distance skips the table itself.
        let mut p = start + usize::from(u16::from_be_bytes([byte(start), byte(start + 1)]));
        loop {
            let code = u16::from_be_bytes([byte(p), byte(p + 1)]);
            let size = usize::from(byte(p + 2));
            if code == 0 || size == 0 {
                break;
            }
            out.push(code);
            p += size;
        }
    }
    out
}

/// Collects the pixels u8g2-fonts draws for one glyph.
struct Pixels(Vec<(i32, i32)>);

impl OriginDimensions for Pixels {
    fn size(&self) -> Size {
        Size::new(u32::MAX / 4, u32::MAX / 4)
    }
}

impl DrawTarget for Pixels {
    type Color = BinaryColor;
    type Error = core::convert::Infallible;
    fn draw_iter<I: IntoIterator<Item = Pixel<BinaryColor>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), Self::Error> {
        for Pixel(p, c) in pixels {
            if c == BinaryColor::On {
                self.0.push((p.x, p.y));
            }
        }
        Ok(())
    }
}

/// Appends every glyph of `F` with `dy` relative to the baseline. The
/// crate's own renderer draws each glyph once, into a pixel list, at compile time; frames only
/// blit the result.
fn u8g2_glyphs<F: U8g2Font>(out: &mut Vec<(char, Glyph)>, pua: bool, only: Option<&[(u32, u32)]>) {
    let renderer = FontRenderer::new::<F>();
    let mut px = Pixels(Vec::new());
    for code in u8g2_codes(F::DATA) {
        let wanted = |r: &[(u32, u32)]| {
            r.iter()
                .any(|&(lo, hi)| (lo..=hi).contains(&u32::from(code)))
        };
        if !only.is_none_or(wanted) {
            continue;
        }
        let c = if pua {
            char::from_u32(0xE000 + u32::from(code))
        } else {
            char::from_u32(u32::from(code))
        };
        let Some(c) = c else { continue };
        px.0.clear();
        let Some(source) = char::from_u32(u32::from(code)) else {
            continue;
        };
        let Ok(dim) = renderer.render(
            source,
            Point::zero(),
            VerticalPosition::Baseline,
            FontColor::Transparent(BinaryColor::On),
            &mut px,
        ) else {
            continue;
        };
        let (mut x0, mut y0, mut x1, mut y1) = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
        for &(x, y) in &px.0 {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        let img = if px.0.is_empty() {
            (x0, y0) = (0, 0);
            PageImage::from_fn(0, 0, |_, _| false)
        } else {
            let w = x1 - x0 + 1;
            let mut grid = alloc::vec![false; (w * (y1 - y0 + 1)) as usize];
            for &(x, y) in &px.0 {
                grid[((y - y0) * w + x - x0) as usize] = true;
            }
            PageImage::from_fn(w, y1 - y0 + 1, |c, r| grid[(r * w + c) as usize])
        };
        let advance = dim.advance.x;
        out.push((
            c,
            Glyph {
                img,
                dx: x0,
                dy: y0,
                advance,
            },
        ));
    }
}

/// The u8g2 families and icon fonts, by name.
pub(crate) fn family(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.name == name)
}

static FAMILIES: &[Family] = &[
    Family {
        name: "uni_8",
        members: &[member::<u8::u8g2_font_pxplustandynewtv_t_all>()],
    },
    Family {
        name: "uni_12",
        members: &[
            member::<u8::u8g2_font_6x12_te>(),
            member::<u8::u8g2_font_6x12_t_cyrillic>(),
            member::<u8::u8g2_font_6x12_t_symbols>(),
            // Greek and General Punctuation (• …), from the 6x11 design closest to 6x12.
            member_only::<u8::u8g2_font_t0_11_t_all>(&[(0x370, 0x3FF), (0x2000, 0x206F)]),
        ],
    },
    Family {
        name: "uni_16",
        members: &[member::<u8::u8g2_font_pxplusibmvga8_t_all>()],
    },
    Family {
        name: "icons_8",
        members: &[icons::<u8::u8g2_font_open_iconic_all_1x_t>()],
    },
    Family {
        name: "icons_16",
        members: &[icons::<u8::u8g2_font_open_iconic_all_2x_t>()],
    },
    Family {
        name: "icons_32",
        members: &[icons::<u8::u8g2_font_open_iconic_all_4x_t>()],
    },
];

/// Whether `name` is one of the Open Iconic fonts (`icons_8`, `icons_16`, `icons_32`).
pub(crate) fn is_icon_font(name: &str) -> bool {
    family(name).is_some_and(|f| f.members.iter().all(|m| m.pua))
}

/// The icon font used when a widget sets `icon` without `font`.
pub(crate) const DEFAULT_ICON_FONT: &str = "icons_16";

/// Open Iconic's icon names, in the order of their glyphs in u8g2's `open_iconic_all` fonts
/// (alphabetical): icon `i` is the character U+E040 + i in every `icons_*` font.
pub const ICON_NAMES: &[&str] = &[
    "account-login",
    "account-logout",
    "action-redo",
    "action-undo",
    "align-center",
    "align-left",
    "align-right",
    "aperture",
    "arrow-bottom",
    "arrow-circle-bottom",
    "arrow-circle-left",
    "arrow-circle-right",
    "arrow-circle-top",
    "arrow-left",
    "arrow-right",
    "arrow-thick-bottom",
    "arrow-thick-left",
    "arrow-thick-right",
    "arrow-thick-top",
    "arrow-top",
    "audio",
    "audio-spectrum",
    "badge",
    "ban",
    "bar-chart",
    "basket",
    "battery-empty",
    "battery-full",
    "beaker",
    "bell",
    "bluetooth",
    "bold",
    "bolt",
    "book",
    "bookmark",
    "box",
    "briefcase",
    "british-pound",
    "browser",
    "brush",
    "bug",
    "bullhorn",
    "calculator",
    "calendar",
    "camera-slr",
    "caret-bottom",
    "caret-left",
    "caret-right",
    "caret-top",
    "cart",
    "chat",
    "check",
    "chevron-bottom",
    "chevron-left",
    "chevron-right",
    "chevron-top",
    "circle-check",
    "circle-x",
    "clipboard",
    "clock",
    "cloud",
    "cloud-download",
    "cloud-upload",
    "cloudy",
    "code",
    "cog",
    "collapse-down",
    "collapse-left",
    "collapse-right",
    "collapse-up",
    "command",
    "comment-square",
    "compass",
    "contrast",
    "copywriting",
    "credit-card",
    "crop",
    "dashboard",
    "data-transfer-download",
    "data-transfer-upload",
    "delete",
    "dial",
    "document",
    "dollar",
    "double-quote-sans-left",
    "double-quote-sans-right",
    "double-quote-serif-left",
    "double-quote-serif-right",
    "droplet",
    "eject",
    "elevator",
    "ellipses",
    "envelope-closed",
    "envelope-open",
    "euro",
    "excerpt",
    "expand-down",
    "expand-left",
    "expand-right",
    "expand-up",
    "external-link",
    "eye",
    "eyedropper",
    "file",
    "fire",
    "flag",
    "flash",
    "folder",
    "fork",
    "fullscreen-enter",
    "fullscreen-exit",
    "globe",
    "graph",
    "grid-four-up",
    "grid-three-up",
    "grid-two-up",
    "hard-drive",
    "header",
    "headphones",
    "heart",
    "home",
    "image",
    "inbox",
    "infinity",
    "info",
    "italic",
    "justify-center",
    "justify-left",
    "justify-right",
    "key",
    "laptop",
    "layers",
    "lightbulb",
    "link-broken",
    "link-intact",
    "list",
    "list-rich",
    "location",
    "lock-locked",
    "lock-unlocked",
    "loop",
    "loop-circular",
    "loop-square",
    "magnifying-glass",
    "map",
    "map-marker",
    "media-pause",
    "media-play",
    "media-record",
    "media-skip-backward",
    "media-skip-forward",
    "media-step-backward",
    "media-step-forward",
    "media-stop",
    "medical-cross",
    "menu",
    "microphone",
    "minus",
    "monitor",
    "moon",
    "move",
    "musical-note",
    "paperclip",
    "pencil",
    "people",
    "person",
    "phone",
    "pie-chart",
    "pin",
    "play-circle",
    "plus",
    "power-standby",
    "print",
    "project",
    "pulse",
    "puzzle-piece",
    "question-mark",
    "rain",
    "random",
    "reload",
    "resize-both",
    "resize-height",
    "resize-width",
    "rss",
    "rss-alt",
    "script",
    "share",
    "share-boxed",
    "shield",
    "signal",
    "signpost",
    "sort-ascending",
    "sort-descending",
    "spreadsheet",
    "star",
    "sun",
    "tablet",
    "tag",
    "tags",
    "target",
    "task",
    "terminal",
    "text",
    "thumb-down",
    "thumb-up",
    "timer",
    "transfer",
    "trash",
    "underline",
    "vertical-align-bottom",
    "vertical-align-center",
    "vertical-align-top",
    "video",
    "volume-high",
    "volume-low",
    "volume-off",
    "warning",
    "wifi",
    "wrench",
    "x",
    "yen",
    "zoom-in",
    "zoom-out",
];

/// The character of the icon `name` in the `icons_*` fonts.
pub fn icon_char(name: &str) -> Option<char> {
    let i = ICON_NAMES.iter().position(|n| *n == name)?;
    char::from_u32(0xE040 + i as u32)
}

/// Every name the `font` field accepts: the mono fonts, then the u8g2 families and icon fonts.
pub fn all_names() -> Vec<&'static str> {
    FONT_NAMES
        .iter()
        .copied()
        .chain(FAMILIES.iter().map(|f| f.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_cover_the_documented_ranges() {
        // Latin-1, Latin Extended-A, Greek, Cyrillic and the common symbols.
        let text = "21°C Café del Mar Ā ő œ Ž Привет Ёё Γειά Ωω ± µ € £ ¥ © • … ← ↑ → ↓ ✓";
        for name in ["uni_8", "uni_12", "uni_16"] {
            let f = build(name);
            let missing: alloc::string::String =
                text.chars().filter(|c| !f.has_glyph(*c)).collect();
            assert_eq!(missing, "", "{name} lacks these");
        }
    }

    #[test]
    fn icon_fonts_hold_every_named_icon() {
        assert_eq!(ICON_NAMES.len(), 223);
        for name in ["icons_8", "icons_16", "icons_32"] {
            let f = build(name);
            assert!(is_icon_font(name));
            for icon in ICON_NAMES {
                let c = icon_char(icon).unwrap();
                assert!(f.has_glyph(c), "{name} lacks {icon}");
            }
            assert!(!f.has_glyph('A'), "icons live in the private use area only");
        }
        assert_eq!(icon_char("wifi"), Some('\u{e119}'));
        assert_eq!(icon_char("nope"), None);
    }

    #[test]
    fn u8g2_code_lists_survive_truncated_data() {
        let data = <u8::u8g2_font_6x12_te as U8g2Font>::DATA;
        let full = u8g2_codes(data);
        assert!(full.len() > 600);
        for cut in [0, 10, 23, 24, 100, data.len() / 2] {
            assert!(u8g2_codes(&data[..cut]).len() <= full.len());
        }
    }
}
