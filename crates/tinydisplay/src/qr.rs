//! QR codes: a text to modules (Nayuki's `qrcodegen-no-heap`), and modules to the boxes of
//! pixels the raster lights.
//!
//! Why that crate: the engine is `#![no_std]`, and the `qrcode` crate needs std; Nayuki's
//! encoder is the reference implementation of the standard, maintained, `no_std`, works in
//! caller-provided buffers (no allocation per frame) and uses no floats. Its choices (segment
//! mode, smallest version, mask by the standard's penalty rule) are deterministic, so a text
//! always gives the same modules on every target.
//!
//! A constant text (no placeholder, no `text` track) is encoded once at compile time
//! ([`encode`]). A template's text changes only when an input or the clock does, so each widget
//! keeps the last text it encoded and its code ([`Cache`], a lock shared by the render workers,
//! with the `std` feature): consecutive frames with the same text skip the encoding. That is
//! only a cache: the code is a function of (text, level), so a hit draws what a miss draws, on
//! any worker in any order. A miss costs what encoding costs: measured with
//! `cargo bench -p tinydisplay --bench frame -- wifi_qr` on x86_64, about 110-210 us for the
//! `wifi_qr` scene's 45-byte version-3 code, of which about 90 % is the standard's mask choice
//! (8 masks tried). The version is capped by what fits the box and the text by
//! [`MAX_QR_TEXT_BYTES`], which bound the worst case.
//!
//! Drawing: the code's *light* parts (the 4-module quiet zone and the light modules) are what
//! the widget draws, like any shape's pixels, so on a dark panel the code reads as printed
//! (dark modules on light). `negative = true` draws the dark modules instead.

use crate::limits::MAX_QR_TEXT_BYTES;
use crate::scene::Ecc;
use crate::text::{Part, Template};
use alloc::vec::Vec;
use qrcodegen_no_heap::{QrCode, QrCodeEcc, Version};

/// Modules of quiet zone on each side, as the standard asks.
pub(crate) const QUIET: i32 = 4;

/// Smallest code (version 1) with its quiet zone, in modules.
pub(crate) const MIN_SIDE: i32 = 21 + 2 * QUIET;

/// The bytes a template expands to at least: its literal parts.
pub(crate) fn literal_bytes(t: &Template) -> usize {
    t.parts
        .iter()
        .map(|p| match p {
            Part::Lit(s) => s.len(),
            _ => 0,
        })
        .sum()
}

/// Whether the template has no placeholder (its text never changes).
pub(crate) fn is_constant(t: &Template) -> bool {
    t.parts.iter().all(|p| matches!(p, Part::Lit(_)))
}

fn ecc(e: Ecc) -> QrCodeEcc {
    match e {
        Ecc::L => QrCodeEcc::Low,
        Ecc::M => QrCodeEcc::Medium,
        Ecc::Q => QrCodeEcc::Quartile,
        Ecc::H => QrCodeEcc::High,
    }
}

/// The largest version whose code and quiet zone fit `side` pixels at `module` pixels per module.
fn max_version(side: i32, module: i32) -> Option<u8> {
    let modules = side / module.max(1);
    if modules < MIN_SIDE {
        return None;
    }
    Some(((modules - MIN_SIDE) / 4 + 1).min(40) as u8)
}

/// What [`draw`] drew.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Drawn {
    /// The code, with this many modules per side (quiet zone included) of this many pixels.
    Code { modules: i32, module: i32 },
    /// The text does not fit the box (or is longer than [`MAX_QR_TEXT_BYTES`]): nothing was
    /// drawn, the caller draws its "does not fit" mark.
    TooLong,
}

/// A code encoded ahead of time: a constant text's, at compile time (what [`draw`] would encode
/// every frame, since the smallest version that holds the text does not depend on the box).
#[derive(Debug)]
pub(crate) struct Encoded {
    size: i32,
    /// Row-major, `true` for a dark module.
    dark: Vec<bool>,
}

/// Encodes `text` at the smallest version that holds it, up to `vmax`.
fn encode_with<R>(
    text: &str,
    level: Ecc,
    vmax: u8,
    then: impl FnOnce(&QrCode<'_>) -> R,
) -> Option<R> {
    if text.len() > MAX_QR_TEXT_BYTES {
        return None;
    }
    // Both buffers sized for version 40: the crate reads only `vmax.buffer_len()` of them.
    let mut tmp = [0u8; Version::MAX.buffer_len()];
    let mut out = [0u8; Version::MAX.buffer_len()];
    QrCode::encode_text(
        text,
        &mut tmp,
        &mut out,
        ecc(level),
        Version::MIN,
        Version::new(vmax),
        // The standard's mask choice (8 masks tried, the least penalty kept): 90 % of the
        // encoding time, and worth it, since a fixed mask can form finder-like patterns.
        None,
        true,
    )
    .ok()
    .map(|code| then(&code))
}

/// The last text a QR widget encoded and its code (see the module doc). Without `std` there is
/// no lock to share, and every frame encodes.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    #[cfg(feature = "std")]
    last: std::sync::Mutex<Option<(alloc::string::String, alloc::sync::Arc<Encoded>)>>,
}

impl Cache {
    /// `text`'s code at `level` (from the last call when the text is the same), or `None` when
    /// no version holds it.
    pub(crate) fn get_or_encode(
        &self,
        text: &str,
        level: Ecc,
    ) -> Option<alloc::sync::Arc<Encoded>> {
        #[cfg(feature = "std")]
        if let Ok(last) = self.last.lock() {
            if let Some((t, code)) = last.as_ref() {
                if t == text {
                    return Some(code.clone());
                }
            }
        }
        // Encoded outside the lock, so other workers wait only for a compare and a clone.
        let code = alloc::sync::Arc::new(encode(text, level)?);
        #[cfg(feature = "std")]
        if let Ok(mut last) = self.last.lock() {
            *last = Some((text.into(), code.clone()));
        }
        Some(code)
    }
}

/// `text` encoded once (any version), or `None` when no version holds it.
pub(crate) fn encode(text: &str, level: Ecc) -> Option<Encoded> {
    encode_with(text, level, 40, |code| {
        let size = code.size();
        let dark = (0..size)
            .flat_map(|r| (0..size).map(move |c| (r, c)))
            .map(|(r, c)| code.get_module(c, r))
            .collect();
        Encoded { size, dark }
    })
}

/// Encodes `text` (or takes `pre`, its encoding made ahead of time) and hands the pixel boxes
/// `(x, y, w, h)` of its lit parts to `fill`, row of modules by row, only for module rows that
/// meet `rows` (the visible rows, half-open).
///
/// The code is centred in the box `(x, y, w, h)`; `module`: pixels per module, or `None` for
/// the largest that fits the box.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw(
    text: &str,
    pre: Option<&Encoded>,
    level: Ecc,
    module: Option<i32>,
    negative: bool,
    b: (i32, i32, i32, i32),
    rows: (i32, i32),
    fill: impl FnMut(i32, i32, i32, i32),
) -> Drawn {
    let side = b.2.min(b.3);
    let vmax = match module {
        Some(_) => 40,
        None => match max_version(side, 1) {
            Some(v) => v,
            None => return Drawn::TooLong,
        },
    };
    let paint = Paint {
        module,
        negative,
        b,
        rows,
    };
    match pre {
        Some(e) => {
            // The version `draw` would find for this box, or none.
            if module.is_none() && e.size + 2 * QUIET > side {
                return Drawn::TooLong;
            }
            let n = e.size;
            paint.run(n, |r, c| e.dark[(r * n + c) as usize], fill)
        }
        None => encode_with(text, level, vmax, |code| {
            paint.run(code.size(), |r, c| code.get_module(c, r), fill)
        })
        .unwrap_or(Drawn::TooLong),
    }
}

/// How a code is placed and which of its modules are lit.
struct Paint {
    module: Option<i32>,
    negative: bool,
    b: (i32, i32, i32, i32),
    rows: (i32, i32),
}

impl Paint {
    /// Paints a `size` x `size` code whose module (row, column) is dark when `dark(r, c)`.
    fn run(
        &self,
        size: i32,
        dark: impl Fn(i32, i32) -> bool,
        mut fill: impl FnMut(i32, i32, i32, i32),
    ) -> Drawn {
        let (x, y, w, h) = self.b;
        let side = w.min(h);
        let modules = size + 2 * QUIET;
        let m = match self.module {
            Some(m) => m.max(1),
            None => (side / modules).max(1),
        };
        // i64: an explicit module of 256 pixels times 185 modules, centred, stays far inside i64.
        let px = i64::from(modules) * i64::from(m);
        let ox = i64::from(x) + (i64::from(w) - px).div_euclid(2);
        let oy = i64::from(y) + (i64::from(h) - px).div_euclid(2);
        let lit = |r: i32, c: i32| -> bool {
            let (mr, mc) = (r - QUIET, c - QUIET);
            let d = (0..size).contains(&mr) && (0..size).contains(&mc) && dark(mr, mc);
            d == self.negative
        };
        let fit = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        // Only the module rows that meet the visible rows.
        let (r0, r1) = (
            (i64::from(self.rows.0) - oy)
                .div_euclid(i64::from(m))
                .max(0),
            ((i64::from(self.rows.1) - oy + i64::from(m) - 1).div_euclid(i64::from(m)))
                .min(i64::from(modules)),
        );
        for r in r0..r1 {
            let r = r as i32;
            let top = oy + i64::from(r) * i64::from(m);
            let mut c = 0;
            while c < modules {
                if !lit(r, c) {
                    c += 1;
                    continue;
                }
                let c0 = c;
                while c < modules && lit(r, c) {
                    c += 1;
                }
                let left = ox + i64::from(c0) * i64::from(m);
                fill(
                    fit(left),
                    fit(top),
                    fit(i64::from(c - c0) * i64::from(m)),
                    m,
                );
            }
        }
        Drawn::Code { modules, module: m }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes(
        text: &str,
        module: Option<i32>,
        b: (i32, i32, i32, i32),
    ) -> (Drawn, Vec<(i32, i32, i32, i32)>) {
        let mut v = Vec::new();
        let d = draw(
            text,
            None,
            Ecc::M,
            module,
            false,
            b,
            (-1000, 1000),
            |x, y, w, h| v.push((x, y, w, h)),
        );
        (d, v)
    }

    #[test]
    fn picks_the_largest_module_that_fits_and_centres() {
        // "HI" is version 1: 21 modules + 8 of quiet zone = 29; a 64-pixel box fits 2 per module.
        let (d, v) = boxes("HI", None, (0, 0, 64, 64));
        assert_eq!(
            d,
            Drawn::Code {
                modules: 29,
                module: 2
            }
        );
        // The quiet zone's top row is one box across the whole code, 3 pixels in ((64 - 58) / 2).
        assert_eq!(v[0], (3, 3, 58, 2));
        let (d, _) = boxes("HI", None, (0, 0, 28, 64));
        assert_eq!(d, Drawn::TooLong);
        let (d, _) = boxes("HI", Some(3), (0, 0, 10, 10));
        assert_eq!(
            d,
            Drawn::Code {
                modules: 29,
                module: 3
            }
        );
    }

    #[test]
    fn longer_texts_take_larger_versions_only_when_they_fit() {
        let long = "WIFI:T:WPA;S:a-rather-long-network-name;P:and-a-longer-passphrase;;";
        // 67 bytes: version 4 at M holds 62, version 5 (37 modules, 45 with the quiet zone) 84.
        let (d, _) = boxes(long, None, (0, 0, 44, 60));
        assert_eq!(d, Drawn::TooLong);
        let (d, _) = boxes(long, None, (0, 0, 45, 60));
        assert_eq!(
            d,
            Drawn::Code {
                modules: 45,
                module: 1
            }
        );
        let (d, _) = boxes(long, None, (0, 0, 128, 128));
        assert_eq!(
            d,
            Drawn::Code {
                modules: 45,
                module: 2
            }
        );
        let too_long = "x".repeat(MAX_QR_TEXT_BYTES + 1);
        assert_eq!(boxes(&too_long, Some(1), (0, 0, 0, 0)).0, Drawn::TooLong);
    }

    #[test]
    fn only_visible_module_rows_are_walked() {
        let mut ys = Vec::new();
        let d = draw(
            "HI",
            None,
            Ecc::L,
            Some(100),
            false,
            (0, 0, 0, 0),
            (0, 8),
            |_, y, _, h| ys.push((y, h)),
        );
        assert!(matches!(d, Drawn::Code { .. }));
        // Centred on (0, 0), 2900 pixels across: the code starts at -1450, and only module row
        // 14 (y = -50..50) meets the rows 0..8.
        assert!(!ys.is_empty());
        assert!(ys.iter().all(|&yh| yh == (-50, 100)), "{ys:?}");
    }

    #[test]
    fn encoding_ahead_of_time_draws_what_each_frame_would() {
        let texts = [
            "HI",
            "http://192.168.1.20:8080",
            "WIFI:T:WPA;S:home;P:correct-horse;;",
        ];
        for text in texts {
            for level in [Ecc::L, Ecc::M, Ecc::Q, Ecc::H] {
                let pre = encode(text, level).unwrap();
                for side in [0, 28, 29, 33, 37, 40, 45, 57, 64, 100, 128] {
                    for module in [None, Some(1), Some(3)] {
                        let b = (3, -2, side, side + 5);
                        let (mut a, mut c) = (Vec::new(), Vec::new());
                        let da = draw(
                            text,
                            None,
                            level,
                            module,
                            false,
                            b,
                            (-9, 99),
                            |x, y, w, h| a.push((x, y, w, h)),
                        );
                        let dc = draw(
                            "",
                            Some(&pre),
                            level,
                            module,
                            false,
                            b,
                            (-9, 99),
                            |x, y, w, h| c.push((x, y, w, h)),
                        );
                        assert_eq!((da, &a), (dc, &c), "{text} {level:?} {side} {module:?}");
                    }
                }
            }
        }
    }
}
