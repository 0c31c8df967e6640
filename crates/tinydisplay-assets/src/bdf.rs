//! BDF bitmap fonts (Glyph Bitmap Distribution Format 2.1/2.2) to [`FontAsset`].
//!
//! Hand-written rather than with the `bdf-parser` crate: its errors are one of four section
//! names (metadata, properties, glyphs, end of file) with no line number, and a scene author
//! with a broken font needs "line 812: BBX needs 4 integers". BDF is line-based and small; this
//! reads the subset a bitmap font needs and says which line is wrong for anything else:
//!
//! - `FONTBOUNDINGBOX w h x y` (required): the default `BBX` of glyphs that have none;
//! - properties `FONT_ASCENT`, `FONT_DESCENT`, `DEFAULT_CHAR` (optional: the ascent and
//!   descent default to the bounding box's);
//! - a font-wide `DWIDTH` (BDF 2.2) as the default advance;
//! - per glyph `ENCODING` (a glyph with a negative encoding and no second value is skipped, as
//!   X11 does), `DWIDTH`, `BBX` and `BITMAP` rows of hex, each at least `ceil(w / 8)` bytes;
//!   bits past `w` are ignored.
//!
//! Everything else (`SWIDTH`, `COMMENT`, other properties, `METRICSSET` 0) is read past.
//! Limits ([`MAX_FONT_GLYPHS`], [`MAX_GLYPH_SIDE`]) are checked while reading, so a huge or
//! hostile file costs at most one pass over its bytes.

use crate::AssetError;
use tinydisplay::asset::{FontAsset, FontGlyph};
use tinydisplay::limits::{MAX_FONT_GLYPHS, MAX_GLYPH_SIDE};

/// Decodes a BDF font. Glyphs come out sorted by character; a character defined twice is an
/// error (at the second definition).
///
/// ```
/// let bdf = "STARTFONT 2.1\nFONTBOUNDINGBOX 2 2 0 0\nCHARS 1\nSTARTCHAR a\nENCODING 97\n\
///            DWIDTH 3 0\nBBX 2 2 0 0\nBITMAP\n80\n40\nENDCHAR\nENDFONT\n";
/// let font = tinydisplay_assets::bdf::decode_bdf(bdf.as_bytes()).unwrap();
/// assert_eq!(font.glyphs[0].ch, 'a');
/// assert_eq!(font.glyphs[0].rows, [1, 0, 0, 1]);
/// ```
pub fn decode_bdf(bytes: &[u8]) -> Result<FontAsset, AssetError> {
    Parser::default().run(bytes)
}

/// A glyph being read: the values seen so far between STARTCHAR and ENDCHAR.
#[derive(Default)]
struct Pending {
    start_line: u32,
    encoding: Option<i64>,
    dwidth: Option<i32>,
    bbx: Option<[i32; 4]>,
    rows: Option<Vec<u8>>,
    /// Bitmap rows still to read.
    rows_left: u32,
}

#[derive(Default)]
struct Parser {
    started: bool,
    ended: bool,
    fbb: Option<[i32; 4]>,
    ascent: Option<i32>,
    descent: Option<i32>,
    default_char: Option<i64>,
    dwidth: Option<i32>,
    in_properties: bool,
    glyph: Option<Pending>,
    glyphs: Vec<(FontGlyph, u32)>,
}

fn err(line: u32, message: impl Into<String>) -> AssetError {
    AssetError::at_line(line, message)
}

/// `n` whitespace-separated integers after the keyword.
fn ints<const N: usize>(
    line: u32,
    key: &str,
    args: &mut core::str::SplitAsciiWhitespace<'_>,
) -> Result<[i64; N], AssetError> {
    let mut out = [0i64; N];
    for slot in out.iter_mut() {
        let word = args.next().ok_or_else(|| {
            err(
                line,
                format!("{key} needs {N} integer{}", if N == 1 { "" } else { "s" }),
            )
        })?;
        *slot = word
            .parse()
            .map_err(|_| err(line, format!("{key}: {word:?} is not an integer")))?;
    }
    Ok(out)
}

/// A glyph dimension or offset, within +-[`MAX_GLYPH_SIDE`] (sizes: 0..=MAX_GLYPH_SIDE).
fn metric(line: u32, key: &str, v: i64, size: bool) -> Result<i32, AssetError> {
    let side = i64::from(MAX_GLYPH_SIDE);
    let lo = if size { 0 } else { -side };
    if v < lo || v > side {
        return Err(err(
            line,
            format!("{key} value {v} is out of range: glyphs are at most {MAX_GLYPH_SIDE} pixels on a side, offsets within -{MAX_GLYPH_SIDE}..={MAX_GLYPH_SIDE}"),
        ));
    }
    Ok(v as i32)
}

fn bbx(line: u32, key: &str, v: [i64; 4]) -> Result<[i32; 4], AssetError> {
    Ok([
        metric(line, key, v[0], true)?,
        metric(line, key, v[1], true)?,
        metric(line, key, v[2], false)?,
        metric(line, key, v[3], false)?,
    ])
}

impl Parser {
    fn run(mut self, bytes: &[u8]) -> Result<FontAsset, AssetError> {
        let mut n = 0u32;
        for raw in bytes.split(|&b| b == b'\n') {
            n = n.saturating_add(1);
            // Keywords and numbers are ASCII; other bytes only occur in comments and string
            // properties, which are read past.
            let text = String::from_utf8_lossy(raw);
            let text = text.trim_end_matches('\r');
            self.line(n, text)?;
            if self.ended {
                break;
            }
        }
        if !self.started {
            return Err(err(
                1,
                "not a BDF font: the file does not start with STARTFONT",
            ));
        }
        if let Some(g) = &self.glyph {
            return Err(err(g.start_line, "STARTCHAR without ENDCHAR"));
        }
        if !self.ended {
            return Err(err(n, "ENDFONT is missing (the file is cut short?)"));
        }
        self.finish()
    }

    fn line(&mut self, n: u32, text: &str) -> Result<(), AssetError> {
        if let Some(g) = self.glyph.as_mut() {
            if g.rows_left > 0 {
                return bitmap_row(n, text, g);
            }
        }
        let mut args = text.split_ascii_whitespace();
        let Some(key) = args.next() else {
            return Ok(());
        };
        if !self.started {
            return match key {
                "STARTFONT" => {
                    self.started = true;
                    Ok(())
                }
                "COMMENT" => Ok(()),
                _ => Err(err(
                    n,
                    "not a BDF font: the file does not start with STARTFONT",
                )),
            };
        }
        if self.in_properties {
            match key {
                "ENDPROPERTIES" => self.in_properties = false,
                "FONT_ASCENT" => {
                    self.ascent = Some(ints::<1>(n, key, &mut args)?[0].clamp(-1024, 1024) as i32)
                }
                "FONT_DESCENT" => {
                    self.descent = Some(ints::<1>(n, key, &mut args)?[0].clamp(-1024, 1024) as i32)
                }
                "DEFAULT_CHAR" => self.default_char = Some(ints::<1>(n, key, &mut args)?[0]),
                _ => {}
            }
            return Ok(());
        }
        if let Some(g) = self.glyph.as_mut() {
            match key {
                "ENCODING" => {
                    let [e] = ints::<1>(n, key, &mut args)?;
                    // `ENCODING -1 n`: a glyph outside the standard encoding, at code n.
                    let alt = args.next().and_then(|w| w.parse::<i64>().ok());
                    g.encoding = Some(if e < 0 { alt.unwrap_or(-1) } else { e });
                }
                "DWIDTH" => {
                    let [x, _] = ints::<2>(n, key, &mut args)?;
                    g.dwidth = Some(metric(n, key, x, false)?);
                }
                "BBX" => g.bbx = Some(bbx(n, key, ints::<4>(n, key, &mut args)?)?),
                "BITMAP" => {
                    let [w, h, _, _] = g.bbx.or(self.fbb).ok_or_else(|| {
                        err(n, "BITMAP before BBX, and no FONTBOUNDINGBOX to default to")
                    })?;
                    g.rows = Some(Vec::with_capacity((w * h) as usize));
                    g.rows_left = h as u32;
                    g.bbx = Some(g.bbx.or(self.fbb).unwrap_or_default());
                }
                "ENDCHAR" => {
                    let g = self.glyph.take().unwrap_or_default();
                    self.end_glyph(n, g)?;
                }
                "STARTCHAR" => {
                    return Err(err(
                        n,
                        format!(
                            "STARTCHAR inside the glyph started at line {} (ENDCHAR missing)",
                            g.start_line
                        ),
                    ))
                }
                "ENDFONT" => {
                    return Err(err(
                        n,
                        format!(
                            "ENDFONT inside the glyph started at line {} (ENDCHAR missing)",
                            g.start_line
                        ),
                    ))
                }
                _ => {}
            }
            return Ok(());
        }
        match key {
            "FONTBOUNDINGBOX" => self.fbb = Some(bbx(n, key, ints::<4>(n, key, &mut args)?)?),
            "STARTPROPERTIES" => self.in_properties = true,
            "DWIDTH" => {
                let [x, _] = ints::<2>(n, key, &mut args)?;
                self.dwidth = Some(metric(n, key, x, false)?);
            }
            "METRICSSET" => {
                let [m] = ints::<1>(n, key, &mut args)?;
                if m != 0 {
                    return Err(AssetError::unsupported(format!(
                        "line {n}: METRICSSET {m}: only horizontal writing (0) is supported"
                    )));
                }
            }
            "STARTCHAR" => {
                if self.glyphs.len() >= MAX_FONT_GLYPHS {
                    return Err(AssetError::too_large(format!(
                        "line {n}: more than {MAX_FONT_GLYPHS} glyphs (the most one font may have)"
                    )));
                }
                self.glyph = Some(Pending {
                    start_line: n,
                    ..Pending::default()
                });
            }
            "ENDCHAR" => return Err(err(n, "ENDCHAR without STARTCHAR")),
            "ENDFONT" => self.ended = true,
            _ => {}
        }
        Ok(())
    }

    fn end_glyph(&mut self, n: u32, g: Pending) -> Result<(), AssetError> {
        let Some(code) = g.encoding else {
            return Err(err(g.start_line, "glyph without ENCODING"));
        };
        let Some(rows) = g.rows else {
            return Err(err(
                n,
                format!("glyph at line {} has no BITMAP", g.start_line),
            ));
        };
        if code < 0 {
            return Ok(());
        }
        let ch = u32::try_from(code)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| {
                err(
                    g.start_line,
                    format!("ENCODING {code} is not a Unicode character"),
                )
            })?;
        let advance = g.dwidth.or(self.dwidth).ok_or_else(|| {
            err(
                g.start_line,
                "glyph without DWIDTH (and no font-wide DWIDTH)",
            )
        })?;
        let [w, h, x, y] = g.bbx.unwrap_or_default();
        self.glyphs.push((
            FontGlyph {
                ch,
                advance,
                x,
                y,
                width: w as u32,
                height: h as u32,
                rows,
            },
            g.start_line,
        ));
        Ok(())
    }

    fn finish(mut self) -> Result<FontAsset, AssetError> {
        let Some([_, fh, _, fy]) = self.fbb else {
            return Err(err(1, "FONTBOUNDINGBOX is missing"));
        };
        self.glyphs.sort_by_key(|(g, _)| g.ch);
        for pair in self.glyphs.windows(2) {
            if pair[0].0.ch == pair[1].0.ch {
                let later = pair[0].1.max(pair[1].1);
                return Err(err(
                    later,
                    format!(
                        "character {:?} (ENCODING {}) is defined twice",
                        pair[0].0.ch, pair[0].0.ch as u32
                    ),
                ));
            }
        }
        if self.glyphs.is_empty() {
            return Err(AssetError::invalid("the font has no glyphs"));
        }
        Ok(FontAsset {
            ascent: self.ascent.unwrap_or(fh + fy),
            descent: self.descent.unwrap_or(-fy),
            default_char: self
                .default_char
                .and_then(|c| u32::try_from(c).ok())
                .and_then(char::from_u32),
            glyphs: self.glyphs.into_iter().map(|(g, _)| g).collect(),
        })
    }
}

/// One hex row of a BITMAP: the first `ceil(w / 8)` bytes give the row's `w` pixels, MSB first.
fn bitmap_row(n: u32, text: &str, g: &mut Pending) -> Result<(), AssetError> {
    let [w, _, _, _] = g.bbx.unwrap_or_default();
    let hex = text.trim();
    let need = (w as usize).div_ceil(8) * 2;
    if hex == "ENDCHAR" {
        return Err(err(
            n,
            format!("BITMAP ends early: {} more row(s) expected", g.rows_left),
        ));
    }
    if hex.len() < need || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(err(
            n,
            format!("bitmap row {hex:?}: expected {need} hex digits for a glyph {w} pixels wide"),
        ));
    }
    let digits = hex.as_bytes();
    let rows = g.rows.get_or_insert_with(Vec::new);
    for col in 0..w as usize {
        let nibble = (digits[col / 4] as char).to_digit(16).unwrap_or(0);
        rows.push(((nibble >> (3 - col % 4)) & 1) as u8);
    }
    g.rows_left -= 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "STARTFONT 2.1
COMMENT a test font
FONT -test-
SIZE 8 75 75
FONTBOUNDINGBOX 4 6 -1 -2
STARTPROPERTIES 3
FONT_ASCENT 5
FONT_DESCENT 2
DEFAULT_CHAR 63
ENDPROPERTIES
CHARS 3
STARTCHAR B
ENCODING 66
SWIDTH 500 0
DWIDTH 4 0
BBX 3 4 0 0
BITMAP
C0
A0
C0
E0
ENDCHAR
STARTCHAR A
ENCODING 65
DWIDTH 4 0
BBX 3 3 -1 -2
BITMAP
40
A0
E0
ENDCHAR
STARTCHAR unencoded
ENCODING -1
DWIDTH 4 0
BBX 1 1 0 0
BITMAP
80
ENDCHAR
ENDFONT
";

    #[test]
    fn decodes_metrics_offsets_and_bits_in_character_order() {
        let f = decode_bdf(GOOD.as_bytes()).unwrap();
        assert_eq!((f.ascent, f.descent, f.default_char), (5, 2, Some('?')));
        assert_eq!(f.glyphs.len(), 2, "the ENCODING -1 glyph is skipped");
        let a = &f.glyphs[0];
        assert_eq!(
            (a.ch, a.advance, a.x, a.y, a.width, a.height),
            ('A', 4, -1, -2, 3, 3)
        );
        assert_eq!(a.rows, [0, 1, 0, 1, 0, 1, 1, 1, 1]);
        assert_eq!(f.glyphs[1].ch, 'B');
        assert_eq!(f.glyphs[1].rows.len(), 12);
    }

    #[test]
    fn ascent_and_descent_default_to_the_bounding_box() {
        let src = GOOD
            .replace("FONT_ASCENT 5\n", "")
            .replace("FONT_DESCENT 2\n", "");
        let f = decode_bdf(src.as_bytes()).unwrap();
        assert_eq!((f.ascent, f.descent), (4, 2));
    }

    #[test]
    fn crlf_line_ends_and_extra_hex_digits_are_fine() {
        let src = GOOD.replace("C0\nA0", "C000\nA0").replace('\n', "\r\n");
        let f = decode_bdf(src.as_bytes()).unwrap();
        assert_eq!(f.glyphs[1].rows[..3], [1, 1, 0]);
    }

    /// (broken input, line, words the message must contain)
    fn bad(src: &str, line: u32, words: &str) {
        let e = decode_bdf(src.as_bytes()).expect_err(src);
        let text = e.to_string();
        assert!(text.starts_with(&format!("line {line}: ")), "{text}");
        assert!(text.contains(words), "{text}");
    }

    #[test]
    fn broken_fonts_say_the_line() {
        bad("hello\n", 1, "STARTFONT");
        bad("", 1, "STARTFONT");
        bad(
            &GOOD.replace("BBX 3 4 0 0", "BBX 3 4 0"),
            16,
            "BBX needs 4 integers",
        );
        bad(
            &GOOD.replace("BBX 3 4 0 0", "BBX 3 x 0 0"),
            16,
            "\"x\" is not an integer",
        );
        bad(
            &GOOD.replace("A0\nC0\nE0", "A0\nZZ\nE0"),
            20,
            "bitmap row \"ZZ\"",
        );
        bad(
            &GOOD.replace("A0\nC0\nE0\n", "A0\n"),
            20,
            "BITMAP ends early",
        );
        bad(
            &GOOD.replace("ENCODING 65", "ENCODING 66"),
            23,
            "defined twice",
        );
        bad(
            &GOOD.replace("ENCODING 65", "ENCODING 55296"),
            23,
            "not a Unicode character",
        );
        bad(
            &GOOD.replace("ENDCHAR\nSTARTCHAR A", "STARTCHAR A"),
            22,
            "ENDCHAR missing",
        );
        bad(
            &GOOD.replace("BBX 3 4 0 0", "BBX 3 65 0 0"),
            16,
            "out of range",
        );
        bad(&GOOD.replace("ENDFONT\n", ""), 39, "ENDFONT is missing");
        bad(
            &GOOD.replace("DWIDTH 4 0\nBBX 3 3", "BBX 3 3"),
            23,
            "without DWIDTH",
        );
    }

    #[test]
    fn too_many_glyphs_is_refused_while_reading() {
        let mut src = String::from("STARTFONT 2.1\nFONTBOUNDINGBOX 1 1 0 0\nDWIDTH 1 0\n");
        for i in 0..=MAX_FONT_GLYPHS {
            src += &format!("STARTCHAR g\nENCODING {}\nBITMAP\n80\nENDCHAR\n", i + 32);
        }
        src += "ENDFONT\n";
        let e = decode_bdf(src.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("more than"), "{e}");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut seed = 0x2545_f491u32;
        let base = GOOD.as_bytes();
        for _ in 0..2000 {
            let mut b = base.to_vec();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let i = seed as usize % b.len();
                b[i] = (seed >> 24) as u8;
            }
            let cut = seed as usize % (b.len() + 1);
            let _ = decode_bdf(&b[..cut]);
            let _ = decode_bdf(&b);
        }
    }

    /// The repository's test font, end to end: decoded, then drawn by a scene that names it.
    #[test]
    fn the_test_font_loads_through_a_scene() {
        let bytes = include_bytes!("../../../tests/scenes/assets/fonts/tiny.bdf");
        let font = decode_bdf(bytes).unwrap();
        assert_eq!(font.glyphs.len(), 6);
        let g = font.glyphs.iter().find(|g| g.ch == 'g').unwrap();
        assert_eq!((g.x, g.y, g.height), (0, -2, 5));
        let scene = "display = { width = 16, height = 8 }\n[[widgets]]\nkind = \"text\"\n\
                     font = \"fonts/tiny.bdf\"\ntext = \"g°Ж\"\n";
        let resolve = |path: &str| -> Result<Vec<u8>, String> {
            assert_eq!(path, "fonts/tiny.bdf");
            Ok(bytes.to_vec())
        };
        let engine = crate::load_scene("s.toml", scene.as_bytes(), &resolve).unwrap();
        // 'g' hangs 2 rows under the baseline (after row 4); '°' at pen 4; 'Ж' at pen 7.
        let f = engine.render(0);
        let rows: Vec<String> = (0..7)
            .map(|y| {
                (0..14)
                    .map(|x| if f.pixel(x, y) { '#' } else { '.' })
                    .collect()
            })
            .collect();
        assert_eq!(
            rows,
            [
                "....##.#.#.#..",
                "....##.#.#.#..",
                ".##.....###...",
                "#.#....#.#.#..",
                ".##....#.#.#..",
                "..#...........",
                "##............",
            ]
        );
        assert!(engine.missing_glyphs().is_empty());
    }
}
