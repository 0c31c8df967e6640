//! Fixed-point maths: trigonometry from a table, easing curves, waves. No floats, so every
//! target computes the same bits.
//!
//! Conventions:
//! - progress and easing output are Q16: [`ONE`] = 65536 is 1.0; easings may overshoot
//!   (back, elastic) but stay within -ONE..=2*ONE;
//! - angles are Q16 turns: 65536 is a full circle;
//! - sine output is Q15: +-32767.

/// 1.0 in Q16.
pub const ONE: i32 = 1 << 16;

/// sin(i/256 * pi/2) * 32767, rounded, for i in 0..=256 (a quarter wave).
const QUARTER_SINE: [i16; 257] = [
    0, 201, 402, 603, 804, 1005, 1206, 1407, 1608, 1809, 2009, 2210, 2410, 2611, 2811, 3012, 3212,
    3412, 3612, 3811, 4011, 4210, 4410, 4609, 4808, 5007, 5205, 5404, 5602, 5800, 5998, 6195, 6393,
    6590, 6786, 6983, 7179, 7375, 7571, 7767, 7962, 8157, 8351, 8545, 8739, 8933, 9126, 9319, 9512,
    9704, 9896, 10087, 10278, 10469, 10659, 10849, 11039, 11228, 11417, 11605, 11793, 11980, 12167,
    12353, 12539, 12725, 12910, 13094, 13279, 13462, 13645, 13828, 14010, 14191, 14372, 14553,
    14732, 14912, 15090, 15269, 15446, 15623, 15800, 15976, 16151, 16325, 16499, 16673, 16846,
    17018, 17189, 17360, 17530, 17700, 17869, 18037, 18204, 18371, 18537, 18703, 18868, 19032,
    19195, 19357, 19519, 19680, 19841, 20000, 20159, 20317, 20475, 20631, 20787, 20942, 21096,
    21250, 21403, 21554, 21705, 21856, 22005, 22154, 22301, 22448, 22594, 22739, 22884, 23027,
    23170, 23311, 23452, 23592, 23731, 23870, 24007, 24143, 24279, 24413, 24547, 24680, 24811,
    24942, 25072, 25201, 25329, 25456, 25582, 25708, 25832, 25955, 26077, 26198, 26319, 26438,
    26556, 26674, 26790, 26905, 27019, 27133, 27245, 27356, 27466, 27575, 27683, 27790, 27896,
    28001, 28105, 28208, 28310, 28411, 28510, 28609, 28706, 28803, 28898, 28992, 29085, 29177,
    29268, 29358, 29447, 29534, 29621, 29706, 29791, 29874, 29956, 30037, 30117, 30195, 30273,
    30349, 30424, 30498, 30571, 30643, 30714, 30783, 30852, 30919, 30985, 31050, 31113, 31176,
    31237, 31297, 31356, 31414, 31470, 31526, 31580, 31633, 31685, 31736, 31785, 31833, 31880,
    31926, 31971, 32014, 32057, 32098, 32137, 32176, 32213, 32250, 32285, 32318, 32351, 32382,
    32412, 32441, 32469, 32495, 32521, 32545, 32567, 32589, 32609, 32628, 32646, 32663, 32678,
    32692, 32705, 32717, 32728, 32737, 32745, 32752, 32757, 32761, 32765, 32766, 32767,
];

/// 2^(-i/16) in Q16 for i in 0..=16.
const EXP2_NEG: [i32; 17] = [
    65536, 62757, 60097, 57549, 55109, 52773, 50535, 48393, 46341, 44376, 42495, 40693, 38968,
    37316, 35734, 34219, 32768,
];

/// Sine of an angle in Q16 turns, in Q15 (max error 1 LSB from the table's linear interpolation,
/// plus interpolation error below 2e-5).
///
/// ```
/// use tinydisplay::fixed::sin_q15;
/// assert_eq!(sin_q15(0), 0);
/// assert_eq!(sin_q15(16384), 32767); // a quarter turn
/// assert_eq!(sin_q15(49152), -32767);
/// ```
pub fn sin_q15(angle: u32) -> i32 {
    let a = angle & 0xFFFF;
    let quadrant = a >> 14;
    let within = a & 0x3FFF; // 0..16384 within the quadrant
    let idx = if quadrant & 1 == 0 {
        within
    } else {
        0x4000 - within
    };
    // 16384 / 256 = 64 steps between table entries.
    let i = (idx >> 6) as usize;
    let frac = (idx & 63) as i32;
    let lo = i32::from(QUARTER_SINE[i]);
    let hi = i32::from(QUARTER_SINE[(i + 1).min(256)]);
    let v = lo + (((hi - lo) * frac + 32) >> 6);
    if quadrant >= 2 {
        -v
    } else {
        v
    }
}

/// Cosine, like [`sin_q15`].
pub fn cos_q15(angle: u32) -> i32 {
    sin_q15(angle.wrapping_add(16384))
}

/// 2^(-x) for x in Q16 (x >= 0), result in Q16.
fn exp2_neg_q16(x: i64) -> i64 {
    let whole = x >> 16;
    if whole >= 31 {
        return 0;
    }
    let frac = x & 0xFFFF; // 0..65536 -> 16 table steps of 4096
    let i = (frac >> 12) as usize;
    let f = frac & 4095;
    let lo = i64::from(EXP2_NEG[i]);
    let hi = i64::from(EXP2_NEG[i + 1]);
    let v = lo + (((hi - lo) * f) >> 12);
    v >> whole
}

/// An easing curve, mapping Q16 progress 0..=ONE to Q16 output with e(0) = 0 and e(ONE) = ONE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Easing {
    Linear,
    QuadIn,
    QuadOut,
    QuadInOut,
    CubicIn,
    CubicOut,
    CubicInOut,
    BackIn,
    BackOut,
    BackInOut,
    BounceIn,
    BounceOut,
    BounceInOut,
    ElasticIn,
    ElasticOut,
    ElasticInOut,
    /// Jumps in `n` equal steps (at the end of each step).
    Steps(u16),
}

/// Names accepted in scene files (`steps(N)` takes 1..=1000).
pub const EASING_NAMES: &[&str] = &[
    "linear",
    "quad_in",
    "quad_out",
    "quad_in_out",
    "cubic_in",
    "cubic_out",
    "cubic_in_out",
    "back_in",
    "back_out",
    "back_in_out",
    "bounce_in",
    "bounce_out",
    "bounce_in_out",
    "elastic_in",
    "elastic_out",
    "elastic_in_out",
    "steps(N)",
];

impl Easing {
    /// Parses a scene-file name.
    ///
    /// ```
    /// use tinydisplay::fixed::Easing;
    /// assert_eq!(Easing::parse("steps(4)"), Some(Easing::Steps(4)));
    /// assert_eq!(Easing::parse("wobble"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Easing> {
        use Easing::*;
        Some(match name {
            "linear" => Linear,
            "quad_in" => QuadIn,
            "quad_out" => QuadOut,
            "quad_in_out" => QuadInOut,
            "cubic_in" => CubicIn,
            "cubic_out" => CubicOut,
            "cubic_in_out" => CubicInOut,
            "back_in" => BackIn,
            "back_out" => BackOut,
            "back_in_out" => BackInOut,
            "bounce_in" => BounceIn,
            "bounce_out" => BounceOut,
            "bounce_in_out" => BounceInOut,
            "elastic_in" => ElasticIn,
            "elastic_out" => ElasticOut,
            "elastic_in_out" => ElasticInOut,
            _ => {
                let n = name
                    .strip_prefix("steps(")?
                    .strip_suffix(')')?
                    .trim()
                    .parse::<u16>()
                    .ok()?;
                if n == 0 || n > 1000 {
                    return None;
                }
                Steps(n)
            }
        })
    }

    /// Applies the curve. `p` is clamped to 0..=ONE; endpoints are exact; the output stays
    /// within -ONE..=2*ONE (back and elastic overshoot, by at most 0.11 and 0.38).
    ///
    /// ```
    /// use tinydisplay::fixed::{Easing, ONE};
    /// assert_eq!(Easing::QuadIn.apply(ONE / 2), ONE / 4);
    /// assert_eq!(Easing::Steps(4).apply(ONE / 2), ONE / 2);
    /// assert!(Easing::BackIn.apply(ONE / 4) < 0);
    /// assert_eq!(Easing::ElasticOut.apply(ONE * 5), ONE); // clamped
    /// ```
    pub fn apply(self, p: i32) -> i32 {
        let p = p.clamp(0, ONE);
        if p == 0 {
            return 0;
        }
        if p == ONE {
            return ONE;
        }
        let p = i64::from(p);
        let one = i64::from(ONE);
        let half = one / 2;
        let v: i64 = match self {
            Easing::Linear => p,
            Easing::QuadIn => quad_in(p),
            Easing::QuadOut => one - quad_in(one - p),
            Easing::QuadInOut => {
                if p < half {
                    quad_in(2 * p) / 2
                } else {
                    one - quad_in(2 * (one - p)) / 2
                }
            }
            Easing::CubicIn => cubic_in(p),
            Easing::CubicOut => one - cubic_in(one - p),
            Easing::CubicInOut => {
                if p < half {
                    cubic_in(2 * p) / 2
                } else {
                    one - cubic_in(2 * (one - p)) / 2
                }
            }
            Easing::BackIn => back_in(p, BACK_C1),
            Easing::BackOut => one - back_in(one - p, BACK_C1),
            Easing::BackInOut => {
                if p < half {
                    back_in(2 * p, BACK_C2) / 2
                } else {
                    one - back_in(2 * (one - p), BACK_C2) / 2
                }
            }
            Easing::BounceOut => bounce_out(p),
            Easing::BounceIn => one - bounce_out(one - p),
            Easing::BounceInOut => {
                if p < half {
                    (one - bounce_out(one - 2 * p)) / 2
                } else {
                    (one + bounce_out(2 * p - one)) / 2
                }
            }
            Easing::ElasticOut => elastic_out(p),
            Easing::ElasticIn => one - elastic_out(one - p),
            Easing::ElasticInOut => {
                if p < half {
                    (one - elastic_out(one - 2 * p)) / 2
                } else {
                    (one + elastic_out(2 * p - one)) / 2
                }
            }
            Easing::Steps(n) => {
                let n = i64::from(n);
                (p * n / one) * one / n
            }
        };
        v as i32
    }
}

fn quad_in(p: i64) -> i64 {
    (p * p) >> 16
}

fn cubic_in(p: i64) -> i64 {
    (((p * p) >> 16) * p) >> 16
}

/// 1.70158 and 1.70158 * 1.525 in Q16.
const BACK_C1: i64 = 111_514;
const BACK_C2: i64 = 170_059;

/// (c + 1) p^3 - c p^2.
fn back_in(p: i64, c: i64) -> i64 {
    let p2 = (p * p) >> 16;
    let p3 = (p2 * p) >> 16;
    (((c + (1 << 16)) * p3) >> 16) - ((c * p2) >> 16)
}

/// Robert Penner's bounce: n1 = 7.5625, d1 = 2.75, in Q16.
fn bounce_out(p: i64) -> i64 {
    const N1: i64 = 495_616;
    let sq = |q: i64| (((q * q) >> 16) * N1) >> 16;
    if p < 23_831 {
        sq(p)
    } else if p < 47_663 {
        sq(p - 35_747) + 49_152
    } else if p < 59_578 {
        sq(p - 53_620) + 61_440
    } else {
        sq(p - 62_557) + 64_512
    }
}

/// 2^(-10p) * sin((10p - 0.75) * 2pi/3) + 1.
fn elastic_out(p: i64) -> i64 {
    let ten_p = 10 * p; // Q16
    let decay = exp2_neg_q16(ten_p);
    // Angle in turns: (10p - 0.75) / 3.
    let turns = (ten_p - 49_152) / 3;
    let s = i64::from(sin_q15(turns as u32));
    ((decay * s) >> 15) + (1 << 16)
}

/// Linear interpolation from `a` to `b` by Q16 `e` (which may overshoot), rounded to the
/// nearest integer (halves up), saturating at the `i64` range.
///
/// Rounding to nearest rather than down makes a motion and its reverse (yoyo) visit the same
/// pixels, and a fade from 16 to 0 take as long as one from 0 to 16.
///
/// ```
/// use tinydisplay::fixed::{lerp, ONE};
/// assert_eq!(lerp(0, 100, 0), 0);
/// assert_eq!(lerp(0, 100, ONE), 100);
/// assert_eq!(lerp(0, 1, ONE / 2), 1); // halves round up
/// assert_eq!(lerp(10, 0, ONE / 4), 8); // 7.5 -> 8
/// ```
pub fn lerp(a: i64, b: i64, e: i32) -> i64 {
    // Exact in i64 whenever |b - a| <= 2^31 (then |d * e| <= 2^62) and the sum does not
    // overflow: the common case, without the i128 multiply that wasm32 makes a library call.
    if let Some(d) = b.checked_sub(a) {
        if d.unsigned_abs() <= 1 << 31 {
            if let Some(v) = a.checked_add((d * i64::from(e) + 0x8000) >> 16) {
                return v;
            }
        }
    }
    let d = i128::from(b) - i128::from(a);
    let v = i128::from(a) + ((d * i128::from(e) + 0x8000) >> 16);
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, in i128 for every input.
    fn lerp_i128(a: i64, b: i64, e: i32) -> i64 {
        let d = i128::from(b) - i128::from(a);
        let v = i128::from(a) + ((d * i128::from(e) + 0x8000) >> 16);
        v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    #[test]
    fn lerp_fast_path_equals_i128() {
        let edges = [
            i64::MIN,
            i64::MIN + 1,
            -(1 << 31) - 1,
            -(1 << 31),
            -65_537,
            -1,
            0,
            1,
            65_535,
            1 << 31,
            (1 << 31) + 1,
            i64::MAX - 1,
            i64::MAX,
        ];
        let es = [i32::MIN, -ONE, -1, 0, 1, ONE / 2, ONE, 2 * ONE, i32::MAX];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for &a in &edges {
            for &b in &edges {
                for &e in &es {
                    assert_eq!(lerp(a, b, e), lerp_i128(a, b, e), "lerp({a}, {b}, {e})");
                    // Neighbours of the edges, including sums that overflow i64.
                    let (a2, b2) = (
                        a.wrapping_add(next() as i64 % 3),
                        b ^ (next() as i64 & 0xFF),
                    );
                    assert_eq!(
                        lerp(a2, b2, e),
                        lerp_i128(a2, b2, e),
                        "lerp({a2}, {b2}, {e})"
                    );
                }
            }
        }
        for _ in 0..100_000 {
            let shift = next() % 64;
            let a = (next() as i64) >> shift;
            let b = a.wrapping_add((next() as i64) >> (next() % 64));
            let e = (next() as i32) >> (next() % 32);
            assert_eq!(lerp(a, b, e), lerp_i128(a, b, e), "lerp({a}, {b}, {e})");
        }
    }
}
