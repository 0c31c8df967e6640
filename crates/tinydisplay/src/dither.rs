//! Grey pictures to 1 bit, once, when a scene compiles: alpha onto dark, resampling to the
//! widget's size, then dithering. All integer, so every target makes the same pixels.
//!
//! Order of the steps: alpha first (`luma * alpha / 255`, rounded: transparent parts are dark,
//! like the panel), so resampling averages premultiplied values and a half-covered edge pixel
//! comes out half as bright; then resampling; then dithering in image coordinates (the pattern
//! moves with the picture).

use crate::asset::ImageFrame;
use crate::scene::{Dither, Scale};
use alloc::vec;
use alloc::vec::Vec;

/// `luma * alpha / 255`, rounded to nearest.
pub(crate) fn composite(luma: u8, alpha: u8) -> u8 {
    ((u32::from(luma) * u32::from(alpha) + 127) / 255) as u8
}

/// A frame's grey levels on a dark background, row-major.
pub(crate) fn on_dark(f: &ImageFrame) -> Vec<u8> {
    f.luma
        .iter()
        .zip(&f.alpha)
        .map(|(&l, &a)| composite(l, a))
        .collect()
}

/// Resamples `src` (`sw` x `sh`) to `dw` x `dh`.
///
/// `Nearest`: each pixel takes the source pixel under its centre, `(2 d + 1) s / 2 d`.
/// `Area`: an exact box filter. Destination pixel `d` covers `[d sw, (d + 1) sw)` in units of
/// 1/`dw` source pixels; each source pixel is weighted by its overlap, and the sum divided by
/// `sw * sh` (rounded to nearest). Separable, with the intermediate kept unrounded.
pub(crate) fn resample(
    src: &[u8],
    (sw, sh): (usize, usize),
    (dw, dh): (usize, usize),
    scale: Scale,
) -> Vec<u8> {
    if (sw, sh) == (dw, dh) {
        return src.to_vec();
    }
    match scale {
        Scale::Nearest => {
            let mut out = Vec::with_capacity(dw * dh);
            for dy in 0..dh {
                let sy = (2 * dy + 1) * sh / (2 * dh);
                for dx in 0..dw {
                    let sx = (2 * dx + 1) * sw / (2 * dw);
                    out.push(src[sy * sw + sx]);
                }
            }
            out
        }
        Scale::Area => {
            // Horizontal pass: sums of value * overlap, each row's sums add up to value * sw.
            let mut rows = vec![0u64; dw * sh];
            for y in 0..sh {
                let line = &src[y * sw..(y + 1) * sw];
                for (dx, slot) in rows[y * dw..(y + 1) * dw].iter_mut().enumerate() {
                    *slot = span_sum(line.iter().map(|&v| u64::from(v)), dx, sw, dw);
                }
            }
            let total = (sw * sh) as u64;
            let mut out = vec![0u8; dw * dh];
            for dx in 0..dw {
                let column = (0..sh).map(|y| rows[y * dw + dx]);
                for dy in 0..dh {
                    let s = span_sum(column.clone(), dy, sh, dh);
                    out[dy * dw + dx] = ((s + total / 2) / total).min(255) as u8;
                }
            }
            out
        }
    }
}

/// Sum over source cells `i` (each `[i d, (i + 1) d)`) of `value * overlap` with the destination
/// cell `[k s, (k + 1) s)`, for `s` source and `d` destination cells.
fn span_sum(values: impl Iterator<Item = u64> + Clone, k: usize, s: usize, d: usize) -> u64 {
    let (lo, hi) = (k * s, (k + 1) * s);
    let first = lo / d;
    let last = (hi - 1) / d;
    values
        .skip(first)
        .take(last - first + 1)
        .enumerate()
        .map(|(j, v)| {
            let i = first + j;
            let (a, b) = (lo.max(i * d), hi.min((i + 1) * d));
            v * (b - a) as u64
        })
        .sum()
}

/// The 8x8 Bayer matrix: the order in which pixels of a cell light up as grey rises.
const BAYER8: [[u8; 8]; 8] = [
    [0, 32, 8, 40, 2, 34, 10, 42],
    [48, 16, 56, 24, 50, 18, 58, 26],
    [12, 44, 4, 36, 14, 46, 6, 38],
    [60, 28, 52, 20, 62, 30, 54, 22],
    [3, 35, 11, 43, 1, 33, 9, 41],
    [51, 19, 59, 27, 49, 17, 57, 25],
    [15, 47, 7, 39, 13, 45, 5, 37],
    [63, 31, 55, 23, 61, 29, 53, 21],
];

/// Dithers grey `g` (`w` x `h`, row-major) to lit/dark, row-major.
///
/// - `Threshold`: lit when `g >= threshold`.
/// - `Bayer`: lit when `g + 128 - threshold >= 4 m + 2`, `m` the 8x8 Bayer entry (0..=63): at
///   the default threshold 128 grey `g` lights about `g / 4` of each 64 pixels; `threshold`
///   shifts the whole ramp.
/// - `FloydSteinberg`: error diffusion, left to right on every row, 7/16 right, 3/16 down-left,
///   5/16 down, the rest (about 1/16) down-right, so the error is conserved exactly (integer
///   division truncates towards zero).
/// - `Atkinson`: 1/8 of the error to each of six neighbours (right, right+2, down-left, down,
///   down-right, down+2), a quarter dropped: more contrast, less noise in flat areas.
pub(crate) fn dither(g: &[u8], w: usize, h: usize, how: Dither, threshold: u8) -> Vec<bool> {
    let t = i32::from(threshold);
    match how {
        Dither::Threshold => g.iter().map(|&v| i32::from(v) >= t).collect(),
        Dither::Bayer => (0..w * h)
            .map(|i| {
                let m = i32::from(BAYER8[(i / w) % 8][(i % w) % 8]);
                i32::from(g[i]) + 128 - t >= 4 * m + 2
            })
            .collect(),
        Dither::FloydSteinberg | Dither::Atkinson => diffuse(g, w, h, how, t),
    }
}

fn diffuse(g: &[u8], w: usize, h: usize, how: Dither, t: i32) -> Vec<bool> {
    let mut out = vec![false; w * h];
    // Errors for this row and the next two, with two columns of margin on each side.
    let stride = w + 4;
    let mut err = [vec![0i32; stride], vec![0i32; stride], vec![0i32; stride]];
    for y in 0..h {
        for x in 0..w {
            let c = x + 2;
            let v = i32::from(g[y * w + x]) + err[0][c];
            let lit = v >= t;
            out[y * w + x] = lit;
            let e = v - if lit { 255 } else { 0 };
            if how == Dither::FloydSteinberg {
                let (r, dl, d) = (e * 7 / 16, e * 3 / 16, e * 5 / 16);
                err[0][c + 1] += r;
                err[1][c - 1] += dl;
                err[1][c] += d;
                err[1][c + 1] += e - r - dl - d;
            } else {
                let s = e / 8;
                err[0][c + 1] += s;
                err[0][c + 2] += s;
                err[1][c - 1] += s;
                err[1][c] += s;
                err[1][c + 1] += s;
                err[2][c] += s;
            }
        }
        err.rotate_left(1);
        err[2].iter_mut().for_each(|v| *v = 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_is_exact_average() {
        // 4 -> 2: pairs averaged; 3 -> 2: the middle pixel split half and half.
        assert_eq!(
            resample(&[0, 100, 200, 255], (4, 1), (2, 1), Scale::Area),
            [50, 228]
        );
        assert_eq!(
            resample(&[0, 90, 255], (3, 1), (2, 1), Scale::Area),
            [30, 200]
        );
        assert_eq!(
            resample(&[10, 20, 30, 40], (2, 2), (1, 1), Scale::Area),
            [25]
        );
    }

    #[test]
    fn nearest_takes_centres() {
        assert_eq!(
            resample(&[1, 2, 3, 4], (4, 1), (2, 1), Scale::Nearest),
            [2, 4]
        );
        assert_eq!(
            resample(&[1, 2], (2, 1), (4, 1), Scale::Nearest),
            [1, 1, 2, 2]
        );
    }

    #[test]
    fn composite_rounds() {
        assert_eq!(composite(255, 255), 255);
        assert_eq!(composite(255, 0), 0);
        assert_eq!(composite(255, 128), 128);
        assert_eq!(composite(100, 128), 50);
    }

    #[test]
    fn floyd_steinberg_keeps_the_mean() {
        let g = vec![64u8; 64 * 8];
        let lit = dither(&g, 64, 8, Dither::FloydSteinberg, 128)
            .iter()
            .filter(|&&b| b)
            .count();
        // A quarter grey lights about a quarter of the pixels.
        assert!((120..=136).contains(&lit), "{lit}");
    }
}
