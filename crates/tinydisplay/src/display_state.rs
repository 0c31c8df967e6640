//! OLED care: what the panel itself is told besides the picture (contrast, sleep) and the pixel
//! shift, as a pure function of the tick and the event log, like a frame.
//!
//! The scene's `display` table holds it (docs/scene-format.md, "Display care"). Precedence, from
//! lowest: `contrast`/`on`, then a `display.animate` track of the same property, then
//! `display.bind.contrast` (an input), then `dim` (idle), then `off` (time of day), which wins.

use crate::error::SceneError;
use crate::eval::eval_wave;
use crate::scene::{DisplaySpec, InputDef, Track, Value};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The contrast a scene without `display.contrast` asks for: the SSD1306 datasheet's reset value.
pub const DEFAULT_CONTRAST: u8 = 0x7F;
/// Seconds in a day, for the `off` schedule.
const DAY: i64 = 86_400;
/// At most this many pixels of shift each way: past that the picture loses too much.
pub const MAX_SHIFT: i64 = 8;

/// What the panel shows besides the picture at one tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DisplayState {
    /// The 0x81 argument.
    pub contrast: u8,
    /// false: panel asleep (0xAE), RAM kept.
    pub on: bool,
    /// Pixels the picture is moved right and down (already applied to the rendered frame).
    pub shift: (i8, i8),
}

impl Default for DisplayState {
    fn default() -> Self {
        DisplayState {
            contrast: DEFAULT_CONTRAST,
            on: true,
            shift: (0, 0),
        }
    }
}

/// Whether the scene says anything about display care (else sinks send nothing extra and frames
/// are as they always were).
pub fn has_care(d: &DisplaySpec) -> bool {
    d.contrast.is_some()
        || d.on.is_some()
        || d.shift.is_some()
        || d.dim.is_some()
        || d.off.is_some()
        || !d.bind.is_empty()
        || !d.animate.is_empty()
}

/// The pixel shift at step `n` within ±`max`: a square spiral out from (0, 0), ring by ring,
/// then back to the centre. Ring r (1..=max) walks its 8r cells clockwise starting at (r, -r+1)
/// ... so consecutive steps move by one pixel except when a ring starts or the cycle restarts.
/// The cycle has (2 max + 1)^2 cells, every one of them used once.
pub fn shift_pattern(n: u64, max: u8) -> (i8, i8) {
    let max = i64::from(max.min(MAX_SHIFT as u8));
    let cells = (2 * max + 1) * (2 * max + 1);
    let mut k = (n % cells as u64) as i64;
    if k == 0 {
        return (0, 0);
    }
    let mut r = 1;
    // Ring r holds 8r cells.
    while k > 8 * r {
        k -= 8 * r;
        r += 1;
    }
    // k in 1..=8r: walk right edge down, bottom edge left, left edge up, top edge right.
    let i = k - 1;
    let side = 2 * r;
    let (x, y) = match i / side {
        0 => (r, -r + 1 + i),
        1 => (r - 1 - (i - side), r),
        2 => (-r, r - 1 - (i - 2 * side)),
        _ => (-r + 1 + (i - 3 * side), -r),
    };
    (x as i8, y as i8)
}

/// Moves the picture `dx` right and `dy` down; what moves off is dropped, what moves in is dark.
pub fn shift_frame(frame: &mut crate::Frame, dx: i32, dy: i32) {
    if (dx, dy) == (0, 0) {
        return;
    }
    let src = frame.clone();
    frame.clear();
    let (w, h) = (i32::from(src.width()), i32::from(src.height()));
    for y in 0..h {
        for x in 0..w {
            if src.pixel(x, y) {
                frame.set_pixel(x + dx, y + dy, true);
            }
        }
    }
}

/// Parses `HH:MM` into seconds of the day.
fn parse_hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || m.len() != 2 || h.len() > 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 3600 + m * 60)
}

/// Checks the display-care fields; `inputs` are the declared ones (with `clock`).
pub(crate) fn check(d: &DisplaySpec, inputs: &[(String, InputDef)]) -> Vec<SceneError> {
    let mut out = Vec::new();
    let mut e = |path: &str, msg: String| out.push(SceneError::at_path(path, msg));
    if let Some(c) = d.contrast {
        if !(0..=255).contains(&c) {
            e(
                "display.contrast",
                format!("{c} is out of range: expected 0..=255"),
            );
        }
    }
    if let Some(s) = &d.shift {
        if !(1..=10_080).contains(&s.every) {
            e(
                "display.shift.every",
                format!("{} minutes is out of range: expected 1..=10080", s.every),
            );
        }
        if !(1..=MAX_SHIFT).contains(&s.max) {
            e(
                "display.shift.max",
                format!("{} is out of range: expected 1..={MAX_SHIFT}", s.max),
            );
        }
    }
    if let Some(dim) = &d.dim {
        if !(1..=604_800).contains(&dim.after_idle) {
            e(
                "display.dim.after_idle",
                format!(
                    "{} seconds is out of range: expected 1..=604800",
                    dim.after_idle
                ),
            );
        }
        if !(0..=255).contains(&dim.contrast) {
            e(
                "display.dim.contrast",
                format!("{} is out of range: expected 0..=255", dim.contrast),
            );
        }
    }
    if let Some(off) = &d.off {
        for (name, v) in [("from", &off.from), ("to", &off.to)] {
            if parse_hhmm(v).is_none() {
                e(
                    &format!("display.off.{name}"),
                    format!("{v:?} is not a time of day: expected \"HH:MM\" (00:00..23:59)"),
                );
            }
        }
    }
    for (prop, input) in &d.bind {
        if prop != "contrast" {
            e(
                &format!("display.bind.{prop}"),
                String::from("only `contrast` can be bound to an input"),
            );
        } else if input == crate::event::CLOCK_INPUT || !inputs.iter().any(|(n, _)| n == input) {
            e(
                "display.bind.contrast",
                format!("{input:?} is not a declared input"),
            );
        }
    }
    for (i, tr) in d.animate.iter().enumerate() {
        let path = format!("display.animate[{i}]");
        if tr.prop != "contrast" && tr.prop != "on" {
            e(
                &format!("{path}.prop"),
                format!("{:?}: a display track animates `contrast` or `on`", tr.prop),
            );
        }
        match (&tr.wave, tr.keys.is_empty()) {
            // Its bounds are `validate::check_wave`'s, checked by the caller.
            (Some(_), true) => {}
            (None, false) => {
                for (k, key) in tr.keys.iter().enumerate() {
                    if !matches!(key.v, Value::Int(_)) {
                        e(
                            &format!("{path}.keys[{k}].v"),
                            String::from("must be an integer"),
                        );
                    }
                    if k > 0 && key.t <= tr.keys[k - 1].t {
                        e(
                            &format!("{path}.keys[{k}].t"),
                            String::from("key times must strictly increase"),
                        );
                    }
                }
            }
            _ => e(&path, String::from("needs either `keys` or `wave`")),
        }
    }
    out
}

/// A display track's value at `t`: keys step-held and linearly interpolated (no easing, no
/// repeat: a display changes slowly), or the wave. `None` before the first key.
fn track_value(tr: &Track, t: u64) -> Option<i64> {
    if let Some(w) = &tr.wave {
        return Some(eval_wave(w, t.saturating_sub(u64::from(tr.delay)), 0));
    }
    let t = t.checked_sub(u64::from(tr.delay))?;
    let num = |v: &Value| match v {
        Value::Int(n) => *n,
        Value::Text(_) => 0,
    };
    let i = tr.keys.partition_point(|k| u64::from(k.t) <= t);
    if i == 0 {
        return None;
    }
    let a = &tr.keys[i - 1];
    let Some(b) = tr.keys.get(i) else {
        return Some(num(&a.v));
    };
    let (va, vb) = (i128::from(num(&a.v)), i128::from(num(&b.v)));
    let (span, done) = (i128::from(b.t - a.t), i128::from(t - u64::from(a.t)));
    Some((va + (vb - va) * done / span.max(1)) as i64)
}

/// What the engine knows at a tick, for [`state_at`].
pub(crate) struct Inputs {
    pub tick: u64,
    pub tick_rate: u32,
    /// The bound input's value, clamped as widgets read it.
    pub bound: Option<i64>,
    /// The tick of the latest input event at or before `tick`, `clock` excluded.
    pub last_input: Option<u64>,
    /// Local time, seconds since 1970-01-01.
    pub wall_clock: i64,
}

pub(crate) fn state_at(d: &DisplaySpec, x: &Inputs) -> DisplayState {
    let clamp = |v: i64| v.clamp(0, 255) as u8;
    let mut s = DisplayState {
        contrast: d.contrast.map_or(DEFAULT_CONTRAST, clamp),
        on: d.on.unwrap_or(true),
        shift: (0, 0),
    };
    for tr in &d.animate {
        if let Some(v) = track_value(tr, x.tick) {
            match tr.prop.as_str() {
                "contrast" => s.contrast = clamp(v),
                _ => s.on = v != 0,
            }
        }
    }
    if let Some(v) = x.bound {
        s.contrast = clamp(v);
    }
    let rate = u64::from(x.tick_rate.max(1));
    if let Some(dim) = &d.dim {
        let idle = (x.tick - x.last_input.unwrap_or(0).min(x.tick)) / rate;
        if idle >= dim.after_idle.max(0) as u64 {
            s.contrast = s.contrast.min(clamp(dim.contrast));
        }
    }
    if let Some(off) = &d.off {
        if let (Some(from), Some(to)) = (parse_hhmm(&off.from), parse_hhmm(&off.to)) {
            let now = x.wall_clock.rem_euclid(DAY);
            // A window past midnight (23:00..07:00) wraps.
            let asleep = if from <= to {
                (from..to).contains(&now)
            } else {
                now >= from || now < to
            };
            if asleep {
                s.on = false;
            }
        }
    }
    if let Some(sh) = &d.shift {
        let every = (sh.every.max(1) as u64)
            .saturating_mul(60)
            .saturating_mul(rate);
        s.shift = shift_pattern(x.tick / every, sh.max.clamp(0, MAX_SHIFT) as u8);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spiral_visits_every_cell_once_per_cycle() {
        let mut seen = Vec::new();
        for n in 0..25 {
            let p = shift_pattern(n, 2);
            assert!(p.0.abs() <= 2 && p.1.abs() <= 2, "{p:?}");
            assert!(!seen.contains(&p), "{n}: {p:?} twice");
            seen.push(p);
        }
        assert_eq!(shift_pattern(25, 2), (0, 0));
        assert_eq!(
            (0..9).map(|n| shift_pattern(n, 1)).collect::<Vec<_>>(),
            [
                (0, 0),
                (1, 0),
                (1, 1),
                (0, 1),
                (-1, 1),
                (-1, 0),
                (-1, -1),
                (0, -1),
                (1, -1)
            ]
        );
    }

    #[test]
    fn times_of_day_parse() {
        assert_eq!(parse_hhmm("23:00"), Some(82_800));
        assert_eq!(parse_hhmm("7:05"), Some(25_500));
        for bad in ["24:00", "12:60", "12", "ab:cd", "1:2", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod engine_tests {
    use crate::{Engine, Event, Frame, Value};

    const SCENE: &str = "[display]\nwidth = 8\nheight = 8\ntick_rate = 1\ncontrast = 200\n\
        shift = { every = 1, max = 1 }\ndim = { after_idle = 100, contrast = 16 }\n\
        off = { from = \"23:00\", to = \"01:00\" }\nbind = { contrast = \"light\" }\n\
        animate = [{ prop = \"contrast\", keys = [{ t = 0, v = 40 }, { t = 40, v = 200 }] }, \
        { prop = \"on\", keys = [{ t = 10, v = 0 }, { t = 11, v = 1 }] }]\n\
        [inputs]\nlight = { default = 5, min = 0, max = 255 }\n\
        [[widgets]]\nkind = \"rect\"\nw = 2\nh = 2\nfill = true\n";

    #[test]
    fn each_rule_in_its_order_of_precedence() {
        let mut e = Engine::from_source("s.toml", SCENE.as_bytes()).unwrap();
        e.push_event(Event::new(50, "light", Value::Int(300)))
            .unwrap();
        // 2000-01-01 12:00; a `clock` event is not user input, it does not reset the idle time.
        e.push_event(Event::new(0, "clock", Value::Int(946_728_000)))
            .unwrap();
        let at = |e: &Engine, t| {
            let s = e.display_at(t);
            (s.contrast, s.on, s.shift)
        };
        // The track fades in over 40 ticks; the input's default does not count, its events do.
        assert_eq!(at(&e, 0), (40, true, (0, 0)));
        assert_eq!(at(&e, 20), (120, true, (0, 0)));
        assert_eq!(at(&e, 10), (80, false, (0, 0)));
        assert_eq!(at(&e, 49), (200, true, (0, 0)));
        // Bound, clamped to the input's max.
        assert_eq!(at(&e, 50), (255, true, (0, 0)));
        // One step of the spiral a minute.
        assert_eq!(at(&e, 60), (255, true, (1, 0)));
        assert_eq!(at(&e, 120), (255, true, (1, 1)));
        // 100 s after the last input the contrast dims.
        assert_eq!(at(&e, 149).0, 255);
        assert_eq!(at(&e, 150).0, 16);
        // 23:00 to 01:00 wraps midnight: 11 h after noon to 13 h after.
        assert!(at(&e, 39_599).1);
        assert!(!at(&e, 39_600).1);
        assert!(!at(&e, 46_799).1);
        assert!(at(&e, 46_800).1);
    }

    #[test]
    fn the_shift_moves_the_picture_and_drops_what_leaves_it() {
        let mut e = Engine::from_source("s.toml", SCENE.as_bytes()).unwrap();
        e.push_event(Event::new(0, "clock", Value::Int(946_728_000)))
            .unwrap();
        let rows = |f: &Frame| f.to_ascii();
        let at0 = e.render(0);
        let at120 = e.render(120);
        let at360 = e.render(360);
        assert_eq!(
            rows(&at0),
            "##......\n##......\n........\n........\n........\n........\n........\n........\n"
        );
        assert_eq!(
            rows(&at120),
            "........\n.##.....\n.##.....\n........\n........\n........\n........\n........\n"
        );
        // (-1, -1): the top-left pixels fall off the panel.
        assert_eq!(
            rows(&at360),
            "#.......\n........\n........\n........\n........\n........\n........\n........\n"
        );
        let mut f = Frame::new(8, 8);
        assert_eq!(e.render_counting(360, &mut f).primitives, 1);
        assert_eq!(f, at360);
    }

    #[test]
    fn bad_display_care_is_refused_with_where_and_what() {
        for (field, want) in [
            ("contrast = 300", "display.contrast: 300 is out of range"),
            ("shift = { every = 0, max = 1 }", "display.shift.every"),
            ("shift = { every = 1, max = 9 }", "display.shift.max: 9"),
            (
                "off = { from = \"25:00\", to = \"07:00\" }",
                "display.off.from: \"25:00\"",
            ),
            (
                "dim = { after_idle = 0, contrast = 1 }",
                "display.dim.after_idle",
            ),
            (
                "dim = { after_idle = 1, contrast = -1 }",
                "display.dim.contrast",
            ),
            (
                "bind = { contrast = \"nope\" }",
                "display.bind.contrast: \"nope\"",
            ),
            ("bind = { x = \"y\" }", "display.bind.x"),
            (
                "animate = [{ prop = \"x\", wave = { period = 2, min = 0, max = 1 } }]",
                "display.animate[0].prop",
            ),
            (
                "animate = [{ prop = \"on\", keys = [{ t = 5, v = \"a\" }] }]",
                "display.animate[0].keys[0].v",
            ),
            (
                "animate = [{ prop = \"on\", keys = [{ t = 5, v = 1 }, { t = 5, v = 0 }] }]",
                "display.animate[0].keys[1].t",
            ),
            (
                "animate = [{ prop = \"on\" }]",
                "display.animate[0]: needs either",
            ),
        ] {
            let src = alloc::format!("[display]\nwidth = 8\nheight = 8\n{field}\n");
            let err = alloc::format!(
                "{}",
                Engine::from_source("s.toml", src.as_bytes()).unwrap_err()
            );
            assert!(err.contains(want), "{field}: {err}");
        }
    }

    #[test]
    fn a_scene_without_care_is_untouched() {
        let e = Engine::from_source("s.toml", b"display = { width = 8, height = 8 }").unwrap();
        assert!(!e.has_display_care());
        assert_eq!(e.display_at(1_000_000), super::DisplayState::default());
    }
}
