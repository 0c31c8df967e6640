//! Validation and name resolution: a `Scene` walked field by field into compiled nodes, every
//! error naming the field's path.

use crate::bitmap::parse_bitmap;
use crate::error::SceneError;
use crate::fixed::{self, Easing};
use crate::fonts;
use crate::image::FontCache;
use crate::limits::{
    MAX_COORD, MAX_DEPTH, MAX_ELLIPSE_AREA, MAX_HEIGHT, MAX_KEYS, MAX_TICK_RATE, MAX_WIDGETS,
    MAX_WIDTH,
};
use crate::model::{
    Bitmap, CKey, CSeries, CTrack, KeyValue, Node, Prop, Target, TrackIds, PROP_COUNT, PROP_NAMES,
};
use crate::scene::{DisplaySpec, InputDef, Kind, Repeat, Series, Track, Value, Wave, Widget};
use crate::schedule::track_duration;
use crate::text::Template;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

fn err(path: &str, message: impl Into<String>) -> SceneError {
    SceneError::at_path(path, message)
}

pub(crate) fn check_display(d: &DisplaySpec) -> Result<(), SceneError> {
    if d.width == 0 || d.width > MAX_WIDTH {
        return Err(err(
            "display.width",
            format!("{} is out of range: expected 1..={MAX_WIDTH}", d.width),
        ));
    }
    if d.height == 0 || d.height > MAX_HEIGHT || d.height % 8 != 0 {
        return Err(err(
            "display.height",
            format!(
                "{} is not allowed: expected a multiple of 8 in 8..={MAX_HEIGHT}",
                d.height
            ),
        ));
    }
    if d.tick_rate == 0 || d.tick_rate > MAX_TICK_RATE {
        return Err(err(
            "display.tick_rate",
            format!(
                "{} is out of range: expected 1..={MAX_TICK_RATE}",
                d.tick_rate
            ),
        ));
    }
    Ok(())
}

pub(crate) fn check_inputs(inputs: &[(String, InputDef)]) -> Result<(), SceneError> {
    for (name, def) in inputs {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(err(
                &format!("inputs.{name}"),
                "input names must be letters, digits or _",
            ));
        }
        if let (Some(lo), Some(hi)) = (def.min, def.max) {
            if lo > hi {
                return Err(err(
                    &format!("inputs.{name}"),
                    format!("min {lo} is greater than max {hi}"),
                ));
            }
        }
    }
    Ok(())
}

/// Compiles the widget tree, in file order, and collects the ids of tracks.
pub(crate) fn widgets(
    widgets: &[Widget],
    inputs: &[(String, InputDef)],
) -> Result<(Vec<Node>, TrackIds), SceneError> {
    let mut cx = Ctx {
        inputs,
        count: 0,
        tracks: BTreeMap::new(),
        at: Vec::new(),
        fonts: FontCache::default(),
    };
    let mut roots = Vec::with_capacity(widgets.len());
    for (i, w) in widgets.iter().enumerate() {
        cx.at.push(i);
        roots.push(cx.node(w, &format!("widgets[{i}]"), 0)?);
        cx.at.pop();
    }
    Ok((roots, cx.tracks))
}

struct Ctx<'a> {
    inputs: &'a [(String, InputDef)],
    count: usize,
    tracks: TrackIds,
    /// Index path of the node being compiled.
    at: Vec<usize>,
    fonts: FontCache,
}

fn parse_ease(name: &str, path: &str) -> Result<Easing, SceneError> {
    Easing::parse(name).ok_or_else(|| {
        err(
            path,
            format!(
                "unknown easing {name:?}; expected one of {}",
                fixed::EASING_NAMES.join(", ")
            ),
        )
    })
}

fn check_coord(v: i32, path: &str, lo: i32) -> Result<(), SceneError> {
    if v < lo || v > MAX_COORD {
        return Err(err(
            path,
            format!("{v} is out of range: expected {lo}..={MAX_COORD}"),
        ));
    }
    Ok(())
}

fn check_wave(w: &Wave, path: &str) -> Result<(), SceneError> {
    if w.period == 0 || w.period > 1_000_000_000 {
        return Err(err(
            &format!("{path}.period"),
            "expected 1..=1000000000 ticks",
        ));
    }
    check_coord(w.min, &format!("{path}.min"), -MAX_COORD)?;
    check_coord(w.max, &format!("{path}.max"), -MAX_COORD)?;
    if w.step.unsigned_abs() > 1_000_000 {
        return Err(err(&format!("{path}.step"), "expected -1000000..=1000000"));
    }
    Ok(())
}

impl Ctx<'_> {
    fn input(&self, name: &str, path: &str) -> Result<usize, SceneError> {
        self.inputs
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| {
                let known: Vec<&str> = self.inputs.iter().map(|(n, _)| n.as_str()).collect();
                err(
                    path,
                    format!(
                        "undefined input {name:?}; declare it under [inputs] (declared: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                )
            })
    }

    fn node(&mut self, w: &Widget, path: &str, depth: usize) -> Result<Node, SceneError> {
        self.count += 1;
        if self.count > MAX_WIDGETS {
            return Err(err(
                path,
                format!("too many widgets: at most {MAX_WIDGETS}"),
            ));
        }
        if depth > MAX_DEPTH {
            return Err(err(path, format!("groups nested deeper than {MAX_DEPTH}")));
        }
        let kind = w.kind.ok_or_else(|| {
            err(
                &format!("{path}.kind"),
                "missing: expected one of text, rect, line, circle, ellipse, bitmap, progress, sparkline, marquee, sprite, group",
            )
        })?;
        check_coord(w.x, &format!("{path}.x"), -MAX_COORD)?;
        check_coord(w.y, &format!("{path}.y"), -MAX_COORD)?;
        let size_lo = if kind == Kind::Line { -MAX_COORD } else { 0 };
        check_coord(w.w, &format!("{path}.w"), size_lo)?;
        check_coord(w.h, &format!("{path}.h"), size_lo)?;
        let opacity = w.opacity.unwrap_or(16);
        if !(0..=16).contains(&opacity) {
            return Err(err(
                &format!("{path}.opacity"),
                format!("{opacity} is out of range: expected 0..=16"),
            ));
        }
        let stroke = w.stroke.unwrap_or(1);
        if !(0..=64).contains(&stroke) {
            return Err(err(
                &format!("{path}.stroke"),
                format!("{stroke} is out of range: expected 0..=64"),
            ));
        }
        check_coord(w.radius, &format!("{path}.radius"), 0)?;
        if kind == Kind::Ellipse && w.w != w.h && i64::from(w.w) * i64::from(w.h) > MAX_ELLIPSE_AREA
        {
            return Err(err(
                &format!("{path}.w"),
                format!(
                    "ellipse {}x{} is too large: expected w * h <= {} (or w = h, a circle)",
                    w.w, w.h, MAX_ELLIPSE_AREA
                ),
            ));
        }

        let needs_text = matches!(kind, Kind::Text | Kind::Marquee);
        let text_keys = w.animate.iter().any(|t| t.prop == "text");
        let text = match &w.text {
            Some(t) => Some(Template::parse(t, &format!("{path}.text"), |name, p| {
                self.input(name, p)
            })?),
            None if needs_text && !text_keys => {
                return Err(err(
                    &format!("{path}.text"),
                    "missing: a text widget needs `text`",
                ))
            }
            None => None,
        };
        let font = match &w.font {
            Some(name) => fonts::by_name(name).ok_or_else(|| {
                err(
                    &format!("{path}.font"),
                    format!(
                        "unknown font {name:?}; expected one of {}",
                        fonts::FONT_NAMES.join(", ")
                    ),
                )
            })?,
            None => fonts::DEFAULT,
        };
        let font = self.fonts.get(font);

        let bitmap = match (&w.bitmap, kind) {
            (Some(src), _) => {
                let b = parse_bitmap(src, &format!("{path}.bitmap"))?;
                if (w.w != 0 && w.w != b.w) || (w.h != 0 && w.h != b.h) {
                    return Err(err(
                        &format!("{path}.bitmap"),
                        format!(
                            "bitmap is {}x{} but the widget declares w = {}, h = {}",
                            b.w, b.h, w.w, w.h
                        ),
                    ));
                }
                Some(b)
            }
            (None, Kind::Bitmap) => {
                return Err(err(
                    &format!("{path}.bitmap"),
                    "missing: a bitmap widget needs `bitmap`",
                ))
            }
            (None, _) => None,
        };
        let mut frames = Vec::new();
        for (i, f) in w.frames.iter().enumerate() {
            let fp = format!("{path}.frames[{i}]");
            let b = parse_bitmap(f, &fp)?;
            if (w.w != 0 && w.w != b.w) || (w.h != 0 && w.h != b.h) {
                return Err(err(
                    &fp,
                    format!(
                        "frame is {}x{} but the widget declares w = {}, h = {}",
                        b.w, b.h, w.w, w.h
                    ),
                ));
            }
            if let Some(first) = frames.first() {
                let first: &Bitmap = first;
                if first.w != b.w || first.h != b.h {
                    return Err(err(
                        &fp,
                        format!(
                            "frame is {}x{}, frame 0 is {}x{}",
                            b.w, b.h, first.w, first.h
                        ),
                    ));
                }
            }
            frames.push(b);
        }
        if kind == Kind::Sprite && frames.is_empty() {
            return Err(err(
                &format!("{path}.frames"),
                "missing: a sprite needs at least one frame",
            ));
        }
        let frame_ticks = w.frame_ticks.unwrap_or(1);
        if !(1..=1_000_000).contains(&frame_ticks) {
            return Err(err(&format!("{path}.frame_ticks"), "expected 1..=1000000"));
        }
        let every = w.every.unwrap_or(1);
        if !(1..=1_000_000).contains(&every) {
            return Err(err(&format!("{path}.every"), "expected 1..=1000000"));
        }
        let gap = w.gap.unwrap_or(16);
        check_coord(gap, &format!("{path}.gap"), 0)?;
        let speed = w.speed.unwrap_or(if kind == Kind::Marquee { 1 } else { 0 });
        if speed.abs() > 1024 {
            return Err(err(
                &format!("{path}.speed"),
                "expected -1024..=1024 pixels per step",
            ));
        }

        let series = match (&w.series, kind) {
            (Some(s), _) => Some(self.series(s, &format!("{path}.series"))?),
            (None, Kind::Sparkline) => {
                return Err(err(
                    &format!("{path}.series"),
                    "missing: a sparkline needs `series`",
                ))
            }
            (None, _) => None,
        };
        let (min, max) = (w.min.unwrap_or(0), w.max.unwrap_or(100));
        if kind == Kind::Progress && min >= max {
            return Err(err(
                &format!("{path}.max"),
                format!("max {max} must be greater than min {min}"),
            ));
        }
        if !w.children.is_empty() && kind != Kind::Group {
            return Err(err(
                &format!("{path}.children"),
                "only a group has children",
            ));
        }

        let mut base = [0i32; PROP_COUNT];
        base[Prop::X as usize] = w.x;
        base[Prop::Y as usize] = w.y;
        base[Prop::W as usize] = w.w;
        base[Prop::H as usize] = w.h;
        base[Prop::Value as usize] = w.value;
        base[Prop::Min as usize] = min;
        base[Prop::Max as usize] = max;
        base[Prop::Scroll as usize] = w.scroll;
        base[Prop::Frame as usize] = w.frame;
        base[Prop::Opacity as usize] = opacity;
        base[Prop::Stroke as usize] = stroke;
        base[Prop::Radius as usize] = w.radius;
        base[Prop::Visible as usize] = i32::from(w.visible.unwrap_or(true));
        base[Prop::Invert as usize] = i32::from(w.invert.unwrap_or(false));
        base[Prop::Speed as usize] = speed;

        let mut binds = Vec::new();
        for (prop, input) in &w.bind {
            let bp = format!("{path}.bind.{prop}");
            let p = Prop::parse(prop).ok_or_else(|| {
                err(
                    &bp,
                    format!(
                        "unknown property {prop:?}; expected one of {}",
                        PROP_NAMES.join(", ")
                    ),
                )
            })?;
            binds.push((p, self.input(input, &bp)?));
        }

        let mut tracks = Vec::new();
        for (i, t) in w.animate.iter().enumerate() {
            let tp = format!("{path}.animate[{i}]");
            let track = self.track(t, &tp)?;
            if let Some(id) = &t.id {
                if self.tracks.contains_key(id) {
                    return Err(err(
                        &format!("{tp}.id"),
                        format!("track id {id:?} is used twice"),
                    ));
                }
                let dur = track_duration(&track);
                self.tracks.insert(id.clone(), ((self.at.clone(), i), dur));
            }
            tracks.push(track);
        }

        let mut children = Vec::with_capacity(w.children.len());
        for (i, c) in w.children.iter().enumerate() {
            self.at.push(i);
            children.push(self.node(c, &format!("{path}.children[{i}]"), depth + 1)?);
            self.at.pop();
        }

        Ok(Node {
            kind,
            id: w.id.clone(),
            z: w.z,
            base,
            mode: w.mode,
            fill: w.fill,
            align: w.align,
            clip: w.clip.unwrap_or(true),
            font,
            text,
            bitmap,
            frames,
            frame_ticks,
            every,
            gap,
            series,
            binds,
            tracks,
            children,
        })
    }

    fn series(&self, s: &Series, path: &str) -> Result<CSeries, SceneError> {
        match (&s.input, &s.wave) {
            (Some(name), None) => {
                let idx = self.input(name, &format!("{path}.input"))?;
                let def = &self.inputs[idx].1;
                let min = s.min.or(def.min).unwrap_or(0);
                let max = s.max.or(def.max).unwrap_or(100);
                if min >= max {
                    return Err(err(
                        path,
                        format!("max {max} must be greater than min {min}"),
                    ));
                }
                Ok(CSeries::Input {
                    input: idx,
                    min,
                    max,
                })
            }
            (None, Some(wave)) => {
                check_wave(wave, &format!("{path}.wave"))?;
                let min = s.min.unwrap_or(i64::from(wave.min.min(wave.max)));
                let max = s.max.unwrap_or(i64::from(wave.max.max(wave.min)));
                if min >= max {
                    return Err(err(
                        path,
                        format!("max {max} must be greater than min {min}"),
                    ));
                }
                Ok(CSeries::Wave {
                    wave: wave.clone(),
                    min,
                    max,
                })
            }
            _ => Err(err(path, "expected exactly one of `input` or `wave`")),
        }
    }

    fn track(&self, t: &Track, path: &str) -> Result<CTrack, SceneError> {
        let target = if t.prop == "text" {
            Target::Text
        } else {
            Target::Num(Prop::parse(&t.prop).ok_or_else(|| {
                err(
                    &format!("{path}.prop"),
                    format!(
                        "unknown property {:?}; expected text or one of {}",
                        t.prop,
                        PROP_NAMES.join(", ")
                    ),
                )
            })?)
        };
        let default_ease = match &t.ease {
            Some(e) => parse_ease(e, &format!("{path}.ease"))?,
            None => Easing::Linear,
        };
        let repeat = match &t.repeat {
            None => Some(1),
            Some(Repeat::Times(0)) => {
                return Err(err(
                    &format!("{path}.repeat"),
                    "expected at least 1, or \"forever\"",
                ))
            }
            Some(Repeat::Times(n)) => Some(*n),
            Some(Repeat::Word(w)) if w == "forever" => None,
            Some(Repeat::Word(w)) => {
                return Err(err(
                    &format!("{path}.repeat"),
                    format!("{w:?}: expected a count or \"forever\""),
                ))
            }
        };
        if t.keys.len() > MAX_KEYS {
            return Err(err(
                &format!("{path}.keys"),
                format!("at most {MAX_KEYS} keys"),
            ));
        }
        let mut keys = Vec::with_capacity(t.keys.len());
        for (i, k) in t.keys.iter().enumerate() {
            let kp = format!("{path}.keys[{i}]");
            if let Some(prev) = keys.last() {
                let prev: &CKey = prev;
                if k.t <= prev.t {
                    return Err(err(
                        &format!("{kp}.t"),
                        format!("{} must be after the previous key's t = {}", k.t, prev.t),
                    ));
                }
            }
            let v = match (&target, &k.v) {
                (Target::Text, Value::Text(s)) => KeyValue::Text(s.clone()),
                (Target::Text, Value::Int(n)) => KeyValue::Text(n.to_string()),
                (Target::Num(_), Value::Int(n)) => {
                    if n.unsigned_abs() > 1_000_000_000 {
                        return Err(err(
                            &format!("{kp}.v"),
                            format!("{n} is out of range +-1000000000"),
                        ));
                    }
                    KeyValue::Num(*n)
                }
                (Target::Num(_), Value::Text(s)) => {
                    return Err(err(
                        &format!("{kp}.v"),
                        format!("expected a number for `{}`, got text {s:?}", t.prop),
                    ))
                }
            };
            let ease = match &k.ease {
                Some(e) => parse_ease(e, &format!("{kp}.ease"))?,
                None => default_ease,
            };
            keys.push(CKey { t: k.t, v, ease });
        }
        match (&t.wave, keys.is_empty()) {
            (Some(w), true) => {
                if matches!(target, Target::Text) {
                    return Err(err(
                        &format!("{path}.wave"),
                        "a wave drives numbers, not text",
                    ));
                }
                check_wave(w, &format!("{path}.wave"))?;
            }
            (None, false) => {}
            (Some(_), false) => return Err(err(path, "use either `keys` or `wave`, not both")),
            (None, true) => {
                return Err(err(
                    &format!("{path}.keys"),
                    "missing: a track needs `keys` or `wave`",
                ))
            }
        }
        Ok(CTrack {
            target,
            keys,
            wave: t.wave.clone(),
            start: u64::from(t.delay),
            repeat,
            yoyo: t.yoyo,
        })
    }
}
