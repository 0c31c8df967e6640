//! Scanline rasterizers for circles, ellipses and rounded rectangles, row by row in closed form.
//!
//! embedded-graphics 0.8.2 finds each row's first pixel by testing every column from the left
//! (a 32767-pixel shape cost ~100 ms per frame even when a corner of it was visible) and does its
//! tests in u32/i32 (an ellipse above ~46340 pixels of area overflowed: a panic in debug builds,
//! garbage in release). Here each row's spans come from one integer square root, and only the
//! rows the caller asks for are computed, so the cost follows the visible area.
//!
//! The inclusion rules are embedded-graphics' own, replicated exactly (the tests in
//! `raster.rs` compare every pixel against it): points are tested on doubled coordinates against
//! the doubled centre; a circle (or an ellipse with `w == h`) uses `dx^2 + dy^2 < threshold` with
//! `threshold = d^2` (`d^2 - d/2` for `d <= 4`), an ellipse `h^2 dx^2 + w^2 dy^2 < w^2 h^2`; a
//! row's span is mirrored from its first pixel (and an oval whose top row is empty is not drawn
//! at all: embedded-graphics' row iterator stops there); the inside stroke subtracts the fill shape (same
//! centre, sizes reduced by twice the stroke) row by row; rounded rectangles use circle quadrants
//! of the confined radius at the corners. The same maths is done in i64, so sizes where
//! embedded-graphics overflows simply get the mathematically correct shape.
//!
//! Everything is a pure function that hands half-open spans `(y, x0, x1)` to a callback: this
//! module knows nothing about frames or clipping beyond the row range it is given.
//!
//! Arcs and pie sectors ([`arc`]) are the circle's spans cut by embedded-graphics' half-plane
//! test; they are compared with its `Arc` and `Sector` in `tests/arc_qr.rs` rather than here,
//! because its angles can only be built from a 32-bit float, and this crate's sources hold none.

/// Doubled-coordinate oval test of embedded-graphics (`EllipseContains` / `Circle::contains`).
#[derive(Clone, Copy, Debug)]
struct Oval {
    /// Doubled centre: `2 * top_left + (size - 1)`.
    c2x: i64,
    c2y: i64,
    /// `w^2`, `h^2`.
    a: i64,
    b: i64,
    threshold: i64,
    circle: bool,
}

/// embedded-graphics' `diameter_to_threshold`.
fn circle_threshold(d: i64) -> i64 {
    if d <= 4 {
        d * d - d / 2
    } else {
        d * d
    }
}

impl Oval {
    /// The oval of size `w` x `h` whose doubled centre is `(c2x, c2y)`. Sizes are at most
    /// 2^16 (callers clamp), so `a * b < 2^64 / 4` and every product below fits an i64.
    fn new(c2x: i64, c2y: i64, w: i64, h: i64) -> Oval {
        let (a, b) = (w * w, h * h);
        let circle = w == h;
        Oval {
            c2x,
            c2y,
            a,
            b,
            threshold: if circle { circle_threshold(w) } else { a * b },
            circle,
        }
    }

    /// Doubled centre of a box, embedded-graphics' `center_2x`.
    fn center_2x(x: i64, y: i64, w: i64, h: i64) -> (i64, i64) {
        (2 * x + (w - 1).max(0), 2 * y + (h - 1).max(0))
    }

    /// The inclusive range of x (over all integers) whose pixel `(x, y)` is inside.
    fn row(&self, y: i64) -> Option<(i64, i64)> {
        let dy = 2 * y - self.c2y;
        let dy2 = dy.checked_mul(dy)?;
        // Largest dx^2 that passes the strict test.
        let max_dx2 = if self.circle {
            self.threshold.checked_sub(dy2)? - 1
        } else {
            if self.b == 0 {
                return None;
            }
            let rest = self.threshold.checked_sub(self.a.checked_mul(dy2)?)?;
            if rest <= 0 {
                return None;
            }
            (rest - 1) / self.b
        };
        if max_dx2 < 0 {
            return None;
        }
        let k = isqrt(max_dx2 as u64) as i64;
        // |2x - c2x| <= k.
        let lo = (self.c2x - k + 1).div_euclid(2);
        let hi = (self.c2x + k).div_euclid(2);
        (lo <= hi).then_some((lo, hi))
    }
}

/// Floor of the square root, exact for every u64 (Newton's method from an upper bound).
pub(crate) fn isqrt(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    // 2^ceil(bits/2) >= sqrt(n): the iteration decreases monotonically from there.
    let bits = 64 - n.leading_zeros();
    let mut x = 1u64 << bits.div_ceil(2);
    loop {
        let y = (x + n / x) / 2;
        if y >= x {
            return x;
        }
        x = y;
    }
}

/// `find` over `start..end` for a row whose inside set is `inside` (inclusive): the first x.
fn first_in(inside: Option<(i64, i64)>, start: i64, end: i64) -> Option<i64> {
    let (lo, hi) = inside?;
    let x = lo.max(start);
    (x <= hi && x < end).then_some(x)
}

/// `rfind` over `start..end`: the last x.
fn last_in(inside: Option<(i64, i64)>, start: i64, end: i64) -> Option<i64> {
    let (lo, hi) = inside?;
    let x = hi.min(end - 1);
    (x >= lo && x >= start).then_some(x)
}

/// Rows `rows` (half-open, the caller's visible rows) of the ellipse in the box `x, y, w, h`,
/// filled (`stroke == None`) or as an inside stroke of that width: embedded-graphics' styled
/// `Ellipse` (and `Circle` when `w == h`). `w`, `h` are at most 2^16.
pub(crate) fn oval(
    (x, y, w, h): (i64, i64, i64, i64),
    stroke: Option<i64>,
    rows: (i64, i64),
    mut span: impl FnMut(i64, i64, i64),
) {
    let (c2x, c2y) = Oval::center_2x(x, y, w, h);
    let outer = Oval::new(c2x, c2y, w, h);
    // The fill area keeps the outer centre; only its size (and so its test) shrinks.
    let inner = stroke.map(|s| {
        let s2 = s.saturating_mul(2);
        Oval::new(c2x, c2y, (w - s2).max(0), (h - s2).max(0))
    });
    let (start, end) = (x, x + w);
    // embedded-graphics' scanline iterator ends at the first row without a pixel. The inside
    // rows are one interval symmetric about the centre, so that cuts the whole shape exactly
    // when its top row is empty (a thin ellipse such as 2x8), and nothing otherwise.
    if first_in(outer.row(y), start, end).is_none() {
        return;
    }
    for yy in rows.0.max(y)..rows.1.min(y + h) {
        let Some(x0) = first_in(outer.row(yy), start, end) else {
            continue;
        };
        // Mirrored from the first pixel, as embedded-graphics does.
        let x1 = end - (x0 - start);
        match inner {
            None => span(yy, x0, x1),
            Some(inner) => match first_in(inner.row(yy), x0, x1) {
                Some(f0) => {
                    let f1 = x1 - (f0 - x0);
                    span(yy, x0, f0);
                    span(yy, f1, x1);
                }
                None => span(yy, x0, x1),
            },
        }
    }
}

/// embedded-graphics' `CornerRadii::confine` for four equal circular corners of radius `r`.
fn confine(w: i64, h: i64, r: i64) -> i64 {
    let sum = 2 * r;
    let (mut overlap, mut size) = (0, 0);
    // Top, right, bottom, left radii sums against the box; a later one wins only if larger.
    for side in [w, h, w, h] {
        let o = (sum - side).max(0);
        if o > overlap {
            overlap = o;
            size = side;
        }
    }
    if overlap > 0 && sum > 0 {
        r * size / sum
    } else {
        r
    }
}

/// A rounded rectangle as embedded-graphics' `RoundedRectangleContains` sees it.
struct Rounded {
    x: i64,
    y: i64,
    w: i64,
    h: i64,
    /// Confined corner radius.
    r: i64,
    tl: Oval,
    tr: Oval,
    bl: Oval,
    br: Oval,
}

impl Rounded {
    fn new(x: i64, y: i64, w: i64, h: i64, radius: i64) -> Rounded {
        let r = confine(w, h, radius);
        // Each corner is a quadrant of the circle of diameter 2r in the box's corner.
        let q = |ex: i64, ey: i64| {
            let (cx, cy) = Oval::center_2x(ex, ey, 2 * r, 2 * r);
            Oval::new(cx, cy, 2 * r, 2 * r)
        };
        Rounded {
            x,
            y,
            w,
            h,
            r,
            tl: q(x, y),
            tr: q(x + w - 2 * r, y),
            bl: q(x, y + h - 2 * r),
            br: q(x + w - 2 * r, y + h - 2 * r),
        }
    }

    /// The inclusive x ranges of row `yy` inside the shape (`RoundedRectangleContains::contains`),
    /// left to right, at most three.
    fn inside(&self, yy: i64) -> [Option<(i64, i64)>; 3] {
        let (x0, x1) = (self.x, self.x + self.w);
        if yy < self.y || yy >= self.y + self.h || x0 >= x1 {
            return [None; 3];
        }
        let (left, right) = if yy < self.y + self.r {
            (Some(self.tl), Some(self.tr))
        } else if yy >= self.y + self.h - self.r {
            (Some(self.bl), Some(self.br))
        } else {
            (None, None)
        };
        let Some((left, right)) = left.zip(right) else {
            return [Some((x0, x1 - 1)), None, None];
        };
        // Corner columns test their circle; the columns between them are inside.
        let (le, rs) = (x0 + self.r, x1 - self.r);
        let cut = |range: Option<(i64, i64)>, lo: i64, hi: i64| {
            range
                .map(|(a, b)| (a.max(lo), b.min(hi)))
                .filter(|(a, b)| a <= b)
        };
        [
            cut(left.row(yy), x0, le - 1),
            Some((le, rs - 1)).filter(|(a, b)| a <= b),
            cut(right.row(yy), rs, x1 - 1),
        ]
    }

    /// The scanline embedded-graphics' rounded-rectangle `Scanlines` yields for row `yy`.
    fn scanline(&self, yy: i64) -> (i64, i64) {
        let (start, end) = (self.x, self.x + self.w);
        let (left, right) = if yy < self.y + self.r {
            (Some(self.tl), Some(self.tr))
        } else if yy >= self.y + self.h - self.r {
            (Some(self.bl), Some(self.br))
        } else {
            (None, None)
        };
        let x0 = left
            .and_then(|o| first_in(o.row(yy), start, end))
            .unwrap_or(start);
        let x1 = right
            .and_then(|o| last_in(o.row(yy), start, end))
            .map_or(end, |x| x + 1);
        (x0, x1)
    }
}

/// Rows `rows` of the rounded rectangle in the box `x, y, w, h` with equal corner radii
/// `radius`, filled (`stroke == None`) or as an inside stroke: embedded-graphics' styled
/// `RoundedRectangle::with_equal_corners`. All values are at most 2^16.
pub(crate) fn rounded_rect(
    (x, y, w, h): (i64, i64, i64, i64),
    radius: i64,
    stroke: Option<i64>,
    rows: (i64, i64),
    mut span: impl FnMut(i64, i64, i64),
) {
    let outer = Rounded::new(x, y, w, h, radius);
    // `Rectangle::offset(-s)`: the size shrinks by 2s (saturating) around the same centre.
    let inner = stroke.map(|s| {
        let s2 = s.saturating_mul(2);
        let (fw, fh) = ((w - s2).max(0), (h - s2).max(0));
        let co = |n: i64| (n - 1).max(0) / 2;
        let (fx, fy) = (x + co(w) - co(fw), y + co(h) - co(fh));
        Rounded::new(fx, fy, fw, fh, (radius - s).max(0))
    });
    for yy in rows.0.max(y)..rows.1.min(y + h) {
        let (x0, x1) = outer.scanline(yy);
        if x0 >= x1 {
            continue;
        }
        let Some(inner) = &inner else {
            span(yy, x0, x1);
            continue;
        };
        if yy < inner.y || yy >= inner.y + inner.h {
            span(yy, x0, x1);
            continue;
        }
        let parts = inner.inside(yy);
        let f0 = parts
            .iter()
            .find_map(|p| first_in(*p, x0, x1))
            .unwrap_or(x0);
        let f1 = parts
            .iter()
            .rev()
            .find_map(|p| last_in(*p, x0, x1))
            .map_or(x1, |x| x + 1);
        span(yy, x0, f0);
        span(yy, f1, x1);
    }
}

/// Bresenham parameters of a line with delta `(dx, dy)` (embedded-graphics' `BresenhamParameters`):
/// ties go to y as the major axis.
#[derive(Clone, Copy, Debug)]
struct Params {
    /// `error_threshold`: the major delta.
    major: i64,
    minor: i64,
    /// Unit steps along the major and minor axes.
    step_major: (i64, i64),
    step_minor: (i64, i64),
}

impl Params {
    fn new(dx: i64, dy: i64) -> Params {
        let (sx, sy) = (if dx >= 0 { 1 } else { -1 }, if dy >= 0 { 1 } else { -1 });
        let (adx, ady) = (dx.abs(), dy.abs());
        if ady >= adx {
            Params {
                major: ady,
                minor: adx,
                step_major: (0, sy),
                step_minor: (sx, 0),
            }
        } else {
            Params {
                major: adx,
                minor: ady,
                step_major: (sx, 0),
                step_minor: (0, sy),
            }
        }
    }

    fn increase_error(&self, error: &mut i64) -> bool {
        *error += 2 * self.minor;
        if *error > self.major {
            *error -= 2 * self.major;
            true
        } else {
            false
        }
    }

    fn decrease_error(&self, error: &mut i64) -> bool {
        *error -= 2 * self.minor;
        if *error <= -self.major {
            *error += 2 * self.major;
            true
        } else {
            false
        }
    }

    fn mirror_extra_points(&self) -> bool {
        if self.step_major.0 != 0 {
            self.step_major.0 == self.step_minor.1
        } else {
            self.step_major.1 == -self.step_minor.0
        }
    }

    /// Minor steps taken once pixel `k` of a run with initial error `e` is reached: the loop
    /// `if err > major { minor step; err -= 2 minor' }; plot; err += 2 minor` in closed form
    /// (the smallest m >= 0 with `e + 2 minor k - 2 major m <= major`; one step per pixel
    /// suffices because `minor <= major` and `e <= major`).
    fn minor_steps(&self, e: i64, k: i64) -> i64 {
        if self.major == 0 {
            return 0;
        }
        let num = e + 2 * self.minor * k - self.major;
        let den = 2 * self.major;
        (-((-num).div_euclid(den))).max(0)
    }
}

/// Inclusive pixel box.
pub(crate) type Visible = (i64, i64, i64, i64);

/// Draws the pixels of `n` Bresenham steps from `p` with initial error `e` that fall inside
/// `vis`, computing the first and last visible step instead of walking the invisible ones.
/// `fill(x0, y0, x1, y1)` gets half-open boxes of pixels, all inside `vis`.
fn run(
    p: (i64, i64),
    e: i64,
    par: &Params,
    n: i64,
    vis: Visible,
    fill: &mut impl FnMut(i64, i64, i64, i64),
) {
    if n <= 0 {
        return;
    }
    let (bx0, by0, bx1, by1) = vis;
    // Major axis: a linear range of k.
    let (pm, sm, lo, hi) = if par.step_major.0 != 0 {
        (p.0, par.step_major.0, bx0, bx1)
    } else {
        (p.1, par.step_major.1, by0, by1)
    };
    let (mut k0, mut k1) = if sm > 0 {
        (lo - pm, hi - pm)
    } else {
        (pm - hi, pm - lo)
    };
    k0 = k0.max(0);
    k1 = k1.min(n - 1);
    if k0 > k1 {
        return;
    }
    // Minor axis: `minor_steps` is monotonic in k, and its bounds solve in closed form.
    let (pn, sn, lo, hi) = if par.step_minor.0 != 0 {
        (p.0, par.step_minor.0, bx0, bx1)
    } else {
        (p.1, par.step_minor.1, by0, by1)
    };
    let (slo, shi) = if sn > 0 {
        (lo - pn, hi - pn)
    } else {
        (pn - hi, pn - lo)
    };
    if shi < 0 {
        return;
    }
    let (two_major, two_minor) = (2 * par.major, 2 * par.minor);
    let (start, end) = if par.minor == 0 {
        // No minor steps: all or nothing.
        if slo > 0 {
            return;
        }
        (k0, k1 + 1)
    } else {
        // steps(k) >= slo  <=>  e + 2 minor k - major > 2 major (slo - 1)
        // steps(k) <= shi  <=>  e + 2 minor k - major <= 2 major shi
        let first = if slo <= 0 {
            k0
        } else {
            (two_major * (slo - 1) + par.major - e).div_euclid(two_minor) + 1
        };
        let last = (two_major * shi + par.major - e).div_euclid(two_minor);
        (first.max(k0), last.min(k1) + 1)
    };
    if start >= end {
        return;
    }
    // Pixels with the same minor coordinate form one horizontal or vertical run: one box each
    // (a steep line is then a byte or two per page instead of one write per pixel). From the
    // first visible step on, the error term is Bresenham's own, so each step is a few adds.
    let mut m = par.minor_steps(e, start);
    let mut err = e + two_minor * start - two_major * m;
    let mut from = start;
    let mut emit = |k0: i64, k1: i64, m: i64| {
        let at = |k: i64| {
            (
                p.0 + k * par.step_major.0 + m * par.step_minor.0,
                p.1 + k * par.step_major.1 + m * par.step_minor.1,
            )
        };
        let (a, b) = (at(k0), at(k1));
        fill(
            a.0.min(b.0),
            a.1.min(b.1),
            a.0.max(b.0) + 1,
            a.1.max(b.1) + 1,
        );
    };
    for k in start + 1..end {
        err += two_minor;
        if err > par.major {
            emit(from, k - 1, m);
            m += 1;
            err -= two_major;
            from = k;
        }
    }
    emit(from, end - 1, m);
}

/// The pixels inside `vis` (as boxes, see [`run`]) of the 1-pixel line from `a` to `b`, both ends included:
/// embedded-graphics' Bresenham (its 1-wide styled `Line`), visible steps only.
pub(crate) fn line(
    a: (i64, i64),
    b: (i64, i64),
    vis: Visible,
    mut fill: impl FnMut(i64, i64, i64, i64),
) {
    let par = Params::new(b.0 - a.0, b.1 - a.1);
    run(a, 0, &par, par.major + 1, vis, &mut fill);
}

/// One side's perpendicular walk of embedded-graphics' `ParallelsIterator`.
struct Side {
    point: (i64, i64),
    /// The perpendicular Bresenham's own error.
    walk: i64,
    /// The parallel lines' initial error on this side.
    error: i64,
}

/// The pixels inside `vis` of the line from `a` to `b` of `width` > 0: embedded-graphics'
/// `ThickPoints` (parallel Bresenham lines stepped outwards by a perpendicular Bresenham, both
/// sides alternately), in i64, each parallel drawn only over its visible steps. The number of
/// parallels is about `width * 1.5`, whatever the length. Ends within +-2^17 and a width of at
/// most 64 keep `(2 width)^2 * length^2` below 2^50.
pub(crate) fn thick_line(
    a: (i64, i64),
    b: (i64, i64),
    width: i64,
    vis: Visible,
    mut fill: impl FnMut(i64, i64, i64, i64),
) {
    // A point is drawn as a horizontal line of length 1 at that point.
    let (dx, dy) = if a == b {
        (1, 0)
    } else {
        (b.0 - a.0, b.1 - a.1)
    };
    let par = Params::new(dx, dy);
    let perp = Params::new(dy, -dx);
    let length = Params::new(b.0 - a.0, b.1 - a.1).major + 1;
    let threshold = (2 * width) * (2 * width) * (dx * dx + dy * dy);
    let mut acc = (2 * par.minor + 2 * par.major) / 2;
    let flip = perp.step_minor == (-par.step_major.0, -par.step_major.1);
    let mut sides = [
        Side {
            point: a,
            walk: 0,
            error: 0,
        },
        Side {
            point: a,
            walk: 0,
            error: 0,
        },
    ];
    // (point, initial error, extra) of the next parallel on side 0 (left) or 1 (right).
    let mut next_parallel = |side: usize| -> ((i64, i64), i64, bool) {
        let s = &mut sides[side];
        let decrease = if side == 0 { flip } else { !flip };
        loop {
            let mut point = s.point;
            let extra = if side == 0 {
                // `Bresenham::next_all`.
                if s.walk > perp.major {
                    s.point = add(s.point, perp.step_minor);
                    s.walk -= 2 * perp.major;
                    if perp.mirror_extra_points() {
                        point = sub(add(point, perp.step_minor), perp.step_major);
                    }
                    true
                } else {
                    s.point = add(s.point, perp.step_major);
                    s.walk += 2 * perp.minor;
                    false
                }
            } else if s.walk <= -perp.major {
                // `Bresenham::previous_all`.
                s.point = sub(s.point, perp.step_minor);
                s.walk += 2 * perp.major;
                if !perp.mirror_extra_points() {
                    point = add(sub(point, perp.step_minor), perp.step_major);
                }
                true
            } else {
                s.point = sub(s.point, perp.step_major);
                s.walk -= 2 * perp.minor;
                false
            };
            if !extra {
                return (point, s.error, false);
            }
            if decrease {
                let before = s.error;
                if par.decrease_error(&mut s.error) {
                    return (point, before, true);
                }
            } else if par.increase_error(&mut s.error) {
                return (point, s.error, true);
            }
        }
    };
    // The constructor steps the left side once and drops that parallel (it is the centre line,
    // which the right side yields first).
    next_parallel(0);
    let mut side = 1;
    while acc * acc <= threshold {
        let (p, e, extra) = next_parallel(side);
        acc += if extra {
            2 * perp.minor
        } else {
            2 * perp.major
        };
        side ^= 1;
        run(p, e, &par, length - i64::from(extra), vis, &mut fill);
    }
}

fn add(p: (i64, i64), q: (i64, i64)) -> (i64, i64) {
    (p.0 + q.0, p.1 + q.1)
}

fn sub(p: (i64, i64), q: (i64, i64)) -> (i64, i64) {
    (p.0 - q.0, p.1 - q.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isqrt_is_exact() {
        for n in 0..100_000u64 {
            let r = isqrt(n);
            assert!(r * r <= n && (r + 1) * (r + 1) > n, "{n}");
        }
        for n in [u64::MAX, u64::MAX - 1, 1 << 62, (1 << 32) - 1, 1 << 32] {
            let r = u128::from(isqrt(n));
            let n = u128::from(n);
            assert!(r * r <= n && (r + 1) * (r + 1) > n, "{n}");
        }
    }
}

// -- Arcs and pie sectors ------------------------------------------------------------------

/// embedded-graphics' sine table for its `fixed_point` feature: sin(d degrees) in I16F16 bits,
/// d in 0..=90. Its trigonometry rounds every angle to whole degrees and reads this table, so
/// whole-degree arcs get their edge normals from these values; copied so that ours are equal
/// bit for bit.
const EG_SIN: [i64; 91] = [
    0, 1144, 2287, 3430, 4572, 5712, 6850, 7987, 9121, 10252, 11380, 12505, 13626, 14742, 15855,
    16962, 18064, 19161, 20252, 21336, 22415, 23486, 24550, 25607, 26656, 27697, 28729, 29753,
    30767, 31772, 32768, 33754, 34729, 35693, 36647, 37590, 38521, 39441, 40348, 41243, 42126,
    42995, 43852, 44695, 45525, 46341, 47143, 47930, 48703, 49461, 50203, 50931, 51643, 52339,
    53020, 53684, 54332, 54963, 55578, 56175, 56756, 57319, 57865, 58393, 58903, 59396, 59870,
    60326, 60764, 61183, 61584, 61966, 62328, 62672, 62997, 63303, 63589, 63856, 64104, 64332,
    64540, 64729, 64898, 65048, 65177, 65287, 65376, 65446, 65496, 65526, 65536,
];

fn eg_sin(deg: i64) -> i64 {
    let d = deg.rem_euclid(360) as usize;
    match d {
        0..=90 => EG_SIN[d],
        91..=180 => EG_SIN[180 - d],
        181..=270 => -EG_SIN[d - 180],
        _ => -EG_SIN[360 - d],
    }
}

/// embedded-graphics' `OriginLinearEquation::with_angle`: the edge's normal, `(cos, sin)` scaled
/// by 1024 (truncated towards zero, as its `i32::from(Real)`) and turned by 90 degrees.
fn edge_normal(deg: i64) -> (i64, i64) {
    let (c, s) = (eg_sin(deg + 90) * 1024 / 65536, eg_sin(deg) * 1024 / 65536);
    (-s, c)
}

/// How the two half-planes of a sector combine (embedded-graphics' `PlaneSector`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Combine {
    Intersection,
    Union,
    All,
}

/// An inclusive range of x; `i64::MIN`/`MAX` stand for "unbounded".
type Range = (i64, i64);

/// The x with `a * x >= rhs`, as a range (`None`: no x).
fn half_line(a: i64, rhs: i64) -> Option<Range> {
    match a.signum() {
        0 => (rhs <= 0).then_some((i64::MIN, i64::MAX)),
        1 => Some((-(-rhs).div_euclid(a), i64::MAX)),
        _ => Some((i64::MIN, (-rhs).div_euclid(-a))),
    }
}

/// Row `y`'s x ranges (at most two) inside the plane sector, for the doubled centre `c2`.
fn sector_row(
    c2: (i64, i64),
    y: i64,
    (right, left, op, t): ((i64, i64), (i64, i64), Combine, i64),
) -> [Option<Range>; 2] {
    if op == Combine::All {
        return [Some((i64::MIN, i64::MAX)), None];
    }
    let dy = 2 * y - c2.1;
    // Right edge: (2x - c2x) nx + dy ny >= -t.
    let r = half_line(2 * right.0, -t - dy * right.1 + c2.0 * right.0);
    // Left edge: (2x - c2x) nx + dy ny <= t.
    let l = half_line(-2 * left.0, -(t - dy * left.1 + c2.0 * left.0));
    match op {
        Combine::Intersection => match (r, l) {
            (Some(a), Some(b)) => {
                let (lo, hi) = (a.0.max(b.0), a.1.min(b.1));
                [(lo <= hi).then_some((lo, hi)), None]
            }
            _ => [None, None],
        },
        _ => match (r, l) {
            (Some(a), Some(b)) => {
                let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
                if a.1.saturating_add(1) >= b.0 {
                    [Some((a.0, a.1.max(b.1))), None]
                } else {
                    [Some(a), Some(b)]
                }
            }
            (a, b) => [a.or(b), None],
        },
    }
}

/// Rows `rows` of the arc of the circle in the box `x, y, d, d` from `start` through `sweep`
/// degrees (0 = 3 o'clock, clockwise on the panel): embedded-graphics' `Arc` with an inside
/// stroke of width `stroke` (`Some`), or its filled `Sector` (`None`).
///
/// Both are its circle test (as [`oval`]) intersected with its `PlaneSector` test on the
/// doubled offset from the centre: the arc keeps points on or inside both edges, the filled
/// sector points less than half a pixel outside them (its `point_type` with stroke thresholds
/// of `+-NORMAL_VECTOR_SCALE`). Sweeps of 180 degrees and more are the union of the edges'
/// half-planes, 360 and more the whole plane. One deliberate difference: a sweep of 0 draws
/// nothing (embedded-graphics draws the pixels on the line through the centre, both ways).
pub(crate) fn arc(
    (x, y, d): (i64, i64, i64),
    start: i64,
    sweep: i64,
    stroke: Option<i64>,
    rows: (i64, i64),
    mut span: impl FnMut(i64, i64, i64),
) {
    if sweep == 0 {
        return;
    }
    let start = start.rem_euclid(360);
    let sweep = sweep.clamp(-360, 360);
    let op = match sweep.abs() {
        360 => Combine::All,
        180..=359 => Combine::Union,
        _ => Combine::Intersection,
    };
    let end = start + sweep;
    let (lo, hi) = if sweep < 0 {
        (end, start)
    } else {
        (start, end)
    };
    let t = if stroke.is_some() { 0 } else { 1024 };
    let sector = (edge_normal(lo), edge_normal(hi), op, t);
    let c2 = Oval::center_2x(x, y, d, d);
    oval((x, y, d, d), stroke, rows, |yy, x0, x1| {
        for r in sector_row(c2, yy, sector).into_iter().flatten() {
            let (a, b) = (x0.max(r.0), x1.min(r.1.saturating_add(1)));
            if a < b {
                span(yy, a, b);
            }
        }
    });
}

/// The end of a line from (`x`, `y`) going `length` pixels at `angle` degrees (0 = 3 o'clock,
/// clockwise on the panel, as arcs): the engine's sine table, rounded to the nearest pixel.
pub(crate) fn polar_end(x: i64, y: i64, angle: i64, length: i64) -> (i64, i64) {
    // Degrees to Q16 turns, rounded: whole quarter turns are exact.
    let turns = ((angle.rem_euclid(360) * 65536 + 180) / 360) as u32;
    let (c, s) = (
        i64::from(crate::fixed::cos_q15(turns)),
        i64::from(crate::fixed::sin_q15(turns)),
    );
    let round = |v: i64| (2 * v + 32767).div_euclid(2 * 32767);
    (x + round(length * c), y + round(length * s))
}
