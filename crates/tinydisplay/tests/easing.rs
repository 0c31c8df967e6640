//! Fixed-point easing and trigonometry: exact endpoints, monotonicity, documented bounds, no
//! overflow over the whole Q16 range, and accuracy against f64 (floats are fine in tests only).
#![allow(clippy::float_arithmetic)]
use proptest::prelude::*;
use tinydisplay::fixed::{cos_q15, lerp, sin_q15, Easing, EASING_NAMES, ONE};

fn all() -> Vec<Easing> {
    let mut v: Vec<Easing> = EASING_NAMES
        .iter()
        .filter_map(|n| Easing::parse(n))
        .collect();
    for n in [1, 2, 3, 7, 16, 1000] {
        v.push(Easing::Steps(n));
    }
    assert_eq!(
        v.len(),
        EASING_NAMES.len() - 1 + 6,
        "every named easing parses"
    );
    v
}

#[test]
fn endpoints_are_exact() {
    for e in all() {
        assert_eq!(e.apply(0), 0, "{e:?} at 0");
        assert_eq!(e.apply(ONE), ONE, "{e:?} at 1");
    }
}

#[test]
fn monotonic_easings_never_go_down() {
    use Easing::*;
    let mono = [
        Linear,
        QuadIn,
        QuadOut,
        QuadInOut,
        CubicIn,
        CubicOut,
        CubicInOut,
        Steps(1),
        Steps(3),
        Steps(7),
        Steps(1000),
    ];
    for e in mono {
        let mut prev = e.apply(0);
        for p in 1..=ONE {
            let v = e.apply(p);
            assert!(v >= prev, "{e:?} decreases at p = {p}: {prev} -> {v}");
            assert!((0..=ONE).contains(&v), "{e:?}({p}) = {v} leaves 0..=ONE");
            prev = v;
        }
    }
}

#[test]
fn overshooting_easings_stay_within_their_bounds() {
    use Easing::*;
    // Documented in `fixed`: every easing stays within -ONE..=2*ONE; the tighter bounds below
    // are those of the reference curves (Penner) plus a little fixed-point slack.
    let bounds: [(Easing, f64, f64); 9] = [
        (BackIn, -0.11, 1.0),
        (BackOut, 0.0, 1.11),
        (BackInOut, -0.11, 1.11),
        (BounceIn, 0.0, 1.0),
        (BounceOut, 0.0, 1.0),
        (BounceInOut, 0.0, 1.0),
        (ElasticIn, -0.38, 1.0),
        (ElasticOut, 0.0, 1.38),
        (ElasticInOut, -0.19, 1.19),
    ];
    for (e, lo, hi) in bounds {
        let (mut min, mut max) = (i32::MAX, i32::MIN);
        for p in 0..=ONE {
            let v = e.apply(p);
            min = min.min(v);
            max = max.max(v);
        }
        let (min, max) = (f64::from(min) / 65536.0, f64::from(max) / 65536.0);
        assert!(
            min >= lo - 1e-3 && max <= hi + 1e-3,
            "{e:?} ranges over {min}..{max}, expected {lo}..{hi}"
        );
        assert!(min >= -1.0 && max <= 2.0);
    }
}

fn reference(e: Easing, x: f64) -> f64 {
    use std::f64::consts::PI;
    use Easing::*;
    let bounce_out = |x: f64| {
        let (n1, d1) = (7.5625, 2.75);
        if x < 1.0 / d1 {
            n1 * x * x
        } else if x < 2.0 / d1 {
            let x = x - 1.5 / d1;
            n1 * x * x + 0.75
        } else if x < 2.5 / d1 {
            let x = x - 2.25 / d1;
            n1 * x * x + 0.9375
        } else {
            let x = x - 2.625 / d1;
            n1 * x * x + 0.984375
        }
    };
    let elastic_out =
        |x: f64| 2f64.powf(-10.0 * x) * ((x * 10.0 - 0.75) * (2.0 * PI / 3.0)).sin() + 1.0;
    let (c1, c2) = (1.70158, 1.70158 * 1.525);
    match e {
        Linear => x,
        QuadIn => x * x,
        QuadOut => 1.0 - (1.0 - x) * (1.0 - x),
        QuadInOut => {
            if x < 0.5 {
                2.0 * x * x
            } else {
                1.0 - (-2.0 * x + 2.0).powi(2) / 2.0
            }
        }
        CubicIn => x * x * x,
        CubicOut => 1.0 - (1.0 - x).powi(3),
        CubicInOut => {
            if x < 0.5 {
                4.0 * x * x * x
            } else {
                1.0 - (-2.0 * x + 2.0).powi(3) / 2.0
            }
        }
        BackIn => (c1 + 1.0) * x * x * x - c1 * x * x,
        BackOut => 1.0 + (c1 + 1.0) * (x - 1.0).powi(3) + c1 * (x - 1.0).powi(2),
        BackInOut => {
            if x < 0.5 {
                (2.0 * x).powi(2) * ((c2 + 1.0) * 2.0 * x - c2) / 2.0
            } else {
                ((2.0 * x - 2.0).powi(2) * ((c2 + 1.0) * (x * 2.0 - 2.0) + c2) + 2.0) / 2.0
            }
        }
        BounceOut => bounce_out(x),
        BounceIn => 1.0 - bounce_out(1.0 - x),
        BounceInOut => {
            if x < 0.5 {
                (1.0 - bounce_out(1.0 - 2.0 * x)) / 2.0
            } else {
                (1.0 + bounce_out(2.0 * x - 1.0)) / 2.0
            }
        }
        ElasticOut => elastic_out(x),
        ElasticIn => 1.0 - elastic_out(1.0 - x),
        // tinydisplay's in-out elastic is the in/out halves joined (documented in `fixed`).
        ElasticInOut => {
            if x < 0.5 {
                (1.0 - elastic_out(1.0 - 2.0 * x)) / 2.0
            } else {
                (1.0 + elastic_out(2.0 * x - 1.0)) / 2.0
            }
        }
        Steps(n) => (x * f64::from(n)).floor() / f64::from(n),
    }
}

#[test]
fn easings_follow_the_reference_curves() {
    for e in all() {
        let mut worst = (0.0f64, 0);
        for p in (0..=ONE).step_by(7) {
            let x = f64::from(p) / 65536.0;
            let got = f64::from(e.apply(p)) / 65536.0;
            let want = reference(e, x);
            let err = (got - want).abs();
            if err > worst.0 {
                worst = (err, p);
            }
        }
        // Steps jump, so compare them only away from the jumps (they are exact elsewhere).
        let tol = if matches!(e, Easing::Steps(_)) {
            1.0
        } else {
            1.5e-3
        };
        assert!(
            worst.0 <= tol,
            "{e:?} is {} off at p = {}",
            worst.0,
            worst.1
        );
    }
}

/// Progress points of the pinned table: spread over 0..1, including the halfway point where
/// the in-out curves join, and two that are no simple fraction.
const PINNED_AT: [i32; 9] = [4096, 12345, 16384, 26214, 32768, 39322, 49152, 54321, 61440];

fn named(name: &str) -> Easing {
    Easing::parse(name).unwrap_or_else(|| panic!("{name} parses"))
}

/// Every easing's exact Q16 output at [`PINNED_AT`]. The float comparison above allows
/// 1.5e-3 (about 98 units), which a 0.1% change to a curve or one of its constants slips
/// through; these integers do not. They were computed from the implementation and are checked
/// here against the reference curves, so they cannot pin a wrong curve.
#[test]
fn easings_hit_their_pinned_fixed_point_values() {
    let table: Vec<(Easing, [i32; 9])> = vec![
        (
            named("linear"),
            [4096, 12345, 16384, 26214, 32768, 39322, 49152, 54321, 61440],
        ),
        (
            named("quad_in"),
            [256, 2325, 4096, 10485, 16384, 23593, 36864, 45025, 57600],
        ),
        (
            named("quad_out"),
            [7936, 22365, 28672, 41943, 49152, 55051, 61440, 63617, 65280],
        ),
        (
            named("quad_in_out"),
            [512, 4650, 8192, 20970, 32768, 44566, 57344, 61698, 65024],
        ),
        (
            named("cubic_in"),
            [16, 437, 1024, 4193, 8192, 14155, 27648, 37319, 54000],
        ),
        (
            named("cubic_out"),
            [
                11536, 30498, 37888, 51381, 57344, 61343, 64512, 65208, 65520,
            ],
        ),
        (
            named("cubic_in_out"),
            [64, 1752, 4096, 16776, 32768, 48760, 61440, 64223, 65472],
        ),
        (
            named("back_in"),
            [-392, -2776, -4203, -6513, -5747, -1905, 11966, 24206, 47874],
        ),
        (
            named("back_out"),
            [
                17662, 44337, 53570, 67441, 71283, 72049, 69739, 67915, 65928,
            ],
        ),
        (
            named("back_in_out"),
            [-1098, -5769, -6532, 5891, 32768, 59645, 72068, 70773, 66634],
        ),
        (
            named("bounce_in"),
            [881, 4081, 1797, 14910, 15364, 5903, 34560, 51024, 63600],
        ),
        (
            named("bounce_out"),
            [1936, 17582, 30976, 59633, 50172, 50626, 63739, 61492, 64655],
        ),
        (
            named("bounce_in_out"),
            [1250, 6695, 7682, 22857, 32768, 42678, 57854, 60467, 64285],
        ),
        (
            named("elastic_in"),
            [70, -65, -361, 1023, -1024, -2047, 5792, -18089, 10995],
        ),
        (
            named("elastic_out"),
            [
                54541, 77863, 59744, 67583, 66560, 64513, 65897, 65519, 65466,
            ],
        ),
        (
            named("elastic_in_out"),
            [66, 385, -512, -4093, 32769, 69629, 66048, 65414, 65470],
        ),
        (
            Easing::Steps(3),
            [0, 0, 0, 21845, 21845, 21845, 43690, 43690, 43690],
        ),
        (
            Easing::Steps(7),
            [0, 9362, 9362, 18724, 28086, 37449, 46811, 46811, 56173],
        ),
    ];
    assert_eq!(
        table.len(),
        EASING_NAMES.len() - 1 + 2,
        "every named easing is pinned"
    );
    for (e, want) in &table {
        for (&p, &v) in PINNED_AT.iter().zip(want) {
            let x = f64::from(p) / 65536.0;
            let pinned_err = (f64::from(v) / 65536.0 - reference(*e, x)).abs();
            assert!(
                pinned_err <= 1.5e-3,
                "pinned {e:?}({p}) = {v} is {pinned_err} off the reference"
            );
        }
        let got: Vec<i32> = PINNED_AT.iter().map(|&p| e.apply(p)).collect();
        assert_eq!(&got[..], &want[..], "{e:?} at {PINNED_AT:?}");
        // Every curve reaches a large value somewhere in the table, so a 0.1% change is at
        // least 10 units there.
        assert!(want.iter().any(|v| v.abs() >= 10_000), "{e:?}");
    }
}

#[test]
fn sine_table_is_accurate() {
    let mut worst = 0.0f64;
    for a in 0..=65536u32 {
        let want = (f64::from(a) / 65536.0 * std::f64::consts::TAU).sin() * 32767.0;
        worst = worst.max((f64::from(sin_q15(a)) - want).abs());
        let want_c = (f64::from(a) / 65536.0 * std::f64::consts::TAU).cos() * 32767.0;
        worst = worst.max((f64::from(cos_q15(a)) - want_c).abs());
    }
    assert!(worst <= 1.5, "sin/cos off by {worst} LSB");
    // Wraps: a full turn more is the same angle.
    for a in [0u32, 123, 40000, 65535] {
        assert_eq!(sin_q15(a), sin_q15(a + 65536 * 3));
    }
    assert_eq!(sin_q15(u32::MAX), sin_q15(65535));
}

proptest! {
    #[test]
    fn no_overflow_over_the_whole_i32_range(p in any::<i32>()) {
        for e in all() {
            let v = e.apply(p);
            prop_assert!((-ONE..=2 * ONE).contains(&v));
            // Outside 0..=ONE the input is clamped.
            if p <= 0 { prop_assert_eq!(v, 0); }
            if p >= ONE { prop_assert_eq!(v, ONE); }
        }
    }

    #[test]
    fn every_q16_progress_is_in_bounds(p in 0..=ONE) {
        for e in all() {
            let v = e.apply(p);
            prop_assert!((-ONE..=2 * ONE).contains(&v), "{:?}({}) = {}", e, p, v);
        }
    }

    #[test]
    fn lerp_hits_both_ends_and_never_overflows(a in any::<i64>(), b in any::<i64>(), e in -ONE..=2 * ONE) {
        prop_assert_eq!(lerp(a, b, 0), a);
        prop_assert_eq!(lerp(a, b, ONE), b);
        let _ = lerp(a, b, e);
        let _ = lerp(i64::MIN, i64::MAX, e);
    }
}
