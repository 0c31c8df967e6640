//! Scene compilation (validation, name resolution, timeline scheduling) and the pure
//! evaluation of tracks and waves at a tick.

use crate::error::SceneError;
use crate::fixed::{self, Easing, ONE};
use crate::fonts;
use crate::image::{FontCache, GlyphFont, PageImage};
use crate::scene::*;
use crate::text::Template;
use crate::Tick;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

/// Largest panel we accept; SSD1306-family controllers top out at 128x64, SH1106 at 132x64,
/// but scenes for bigger 1-bit canvases are useful in the simulator.
pub const MAX_WIDTH: u32 = 256;
pub const MAX_HEIGHT: u32 = 256;
const MAX_COORD: i32 = 32_767;
const MAX_WIDGETS: usize = 4096;
const MAX_DEPTH: usize = 16;
const MAX_KEYS: usize = 4096;

/// Animatable numeric properties. The index is a slot in [`Props`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prop {
    X,
    Y,
    W,
    H,
    Value,
    Min,
    Max,
    Scroll,
    Frame,
    Opacity,
    Stroke,
    Radius,
    Visible,
    Invert,
    Speed,
}

pub(crate) const PROP_COUNT: usize = 15;

pub(crate) const PROP_NAMES: [&str; PROP_COUNT] = [
    "x", "y", "w", "h", "value", "min", "max", "scroll", "frame", "opacity", "stroke", "radius",
    "visible", "invert", "speed",
];

impl Prop {
    pub(crate) fn parse(name: &str) -> Option<Prop> {
        use Prop::*;
        const ALL: [Prop; PROP_COUNT] = [
            X, Y, W, H, Value, Min, Max, Scroll, Frame, Opacity, Stroke, Radius, Visible, Invert,
            Speed,
        ];
        PROP_NAMES.iter().position(|&n| n == name).map(|i| ALL[i])
    }
}

pub(crate) type Props = [i32; PROP_COUNT];

/// A decoded 1-bit bitmap.
pub(crate) type Bitmap = PageImage;

#[derive(Clone, Debug)]
pub(crate) enum KeyValue {
    Num(i64),
    Text(String),
}

#[derive(Clone, Debug)]
pub(crate) struct CKey {
    pub t: u32,
    pub v: KeyValue,
    pub ease: Easing,
}

#[derive(Clone, Debug)]
pub(crate) enum Target {
    Num(Prop),
    Text,
}

#[derive(Clone, Debug)]
pub(crate) struct CTrack {
    pub target: Target,
    pub keys: Vec<CKey>,
    pub wave: Option<Wave>,
    /// Absolute tick of the first key: timeline offset + delay.
    pub start: Tick,
    /// `None`: forever.
    pub repeat: Option<u32>,
    pub yoyo: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum CSeries {
    Input { input: usize, min: i64, max: i64 },
    Wave { wave: Wave, min: i64, max: i64 },
}

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    pub id: Option<String>,
    pub z: i32,
    pub base: Props,
    pub mode: DrawMode,
    pub fill: bool,
    pub align: Align,
    pub clip: bool,
    pub font: Arc<GlyphFont>,
    pub text: Option<Template>,
    pub bitmap: Option<Bitmap>,
    pub frames: Vec<Bitmap>,
    pub frame_ticks: i32,
    pub every: i32,
    pub gap: i32,
    pub series: Option<CSeries>,
    pub binds: Vec<(Prop, usize)>,
    pub tracks: Vec<CTrack>,
    pub children: Vec<Node>,
}

/// A validated scene in the form the renderer wants.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub scene: Scene,
    pub width: u16,
    pub height: u16,
    pub tick_rate: u32,
    /// Input names in `BTreeMap` order; an input's index is its position here.
    pub inputs: Vec<(String, InputDef)>,
    pub roots: Vec<Node>,
}

impl Compiled {
    pub(crate) fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|(n, _)| n == name)
    }
}

fn err(path: &str, message: impl Into<String>) -> SceneError {
    SceneError::at_path(path, message)
}

/// Validates a scene and compiles it.
pub(crate) fn compile(scene: &Scene) -> Result<Compiled, SceneError> {
    let d = &scene.display;
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
    if d.tick_rate == 0 || d.tick_rate > 1000 {
        return Err(err(
            "display.tick_rate",
            format!("{} is out of range: expected 1..=1000", d.tick_rate),
        ));
    }
    let inputs: Vec<(String, InputDef)> = scene
        .inputs
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (name, def) in &inputs {
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

    let mut cx = Ctx {
        inputs: &inputs,
        count: 0,
        tracks: BTreeMap::new(),
        at: Vec::new(),
        fonts: FontCache::default(),
    };
    let mut roots = Vec::with_capacity(scene.widgets.len());
    for (i, w) in scene.widgets.iter().enumerate() {
        cx.at.push(i);
        roots.push(cx.node(w, &format!("widgets[{i}]"), 0)?);
        cx.at.pop();
    }
    // Schedule before sorting by z: track paths are file-order indices.
    let starts = schedule(scene, &cx.tracks)?;
    for (id, start) in starts {
        apply_start(&mut roots, &cx.tracks[&id].0, start);
    }
    sort_by_z(&mut roots);
    Ok(Compiled {
        scene: scene.clone(),
        width: d.width as u16,
        height: d.height as u16,
        tick_rate: d.tick_rate,
        inputs,
        roots,
    })
}

fn sort_by_z(nodes: &mut [Node]) {
    // Stable: equal z keeps file order.
    nodes.sort_by_key(|n| n.z);
    for n in nodes {
        sort_by_z(&mut n.children);
    }
}

struct Ctx<'a> {
    inputs: &'a [(String, InputDef)],
    count: usize,
    /// Track id -> (path of indices to the node, track index), duration.
    tracks: BTreeMap<String, (TrackPath, Option<u64>)>,
    /// Index path of the node being compiled.
    at: Vec<usize>,
    fonts: FontCache,
}

/// Child indices from the roots, then the track index.
type TrackPath = (Vec<usize>, usize);

fn apply_start(roots: &mut [Node], path: &TrackPath, start: u64) {
    let (nodes, ti) = path;
    let mut node = &mut roots[nodes[0]];
    for &i in &nodes[1..] {
        node = &mut node.children[i];
    }
    node.tracks[*ti].start = node.tracks[*ti].start.saturating_add(start);
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

/// Decodes ASCII art (`#`, `X`, `x`, `1`, `@` lit; `.`, ` `, `0`, `_`, `-` dark) or PBM `P1` text.
pub(crate) fn parse_bitmap(src: &str, path: &str) -> Result<Bitmap, SceneError> {
    let trimmed = src.trim();
    if let Some(rest) = trimmed.strip_prefix("P1") {
        let mut tokens = rest
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .flat_map(|l| l.split_whitespace())
            .flat_map(|t| {
                // PBM allows bits without separators.
                if t.chars().all(|c| c == '0' || c == '1') && t.len() > 1 {
                    t.split("").filter(|c| !c.is_empty()).collect::<Vec<_>>()
                } else {
                    vec![t]
                }
            });
        let mut num = |what: &str| -> Result<i32, SceneError> {
            let t = tokens
                .next()
                .ok_or_else(|| err(path, format!("PBM: missing {what}")))?;
            t.parse::<i32>()
                .map_err(|_| err(path, format!("PBM: {what} {t:?} is not a number")))
        };
        let w = num("width")?;
        let h = num("height")?;
        if !(1..=1024).contains(&w) || !(1..=1024).contains(&h) {
            return Err(err(
                path,
                format!("PBM: size {w}x{h} is out of range 1..=1024"),
            ));
        }
        let mut bits = Vec::with_capacity((w * h) as usize);
        for _ in 0..w * h {
            match num("pixel")? {
                0 => bits.push(false),
                1 => bits.push(true),
                v => return Err(err(path, format!("PBM: pixel {v} is not 0 or 1"))),
            }
        }
        return Ok(PageImage::from_fn(w, h, |c, r| bits[(r * w + c) as usize]));
    }
    let rows: Vec<&str> = trimmed
        .lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if rows.is_empty() {
        return Err(err(path, "bitmap is empty"));
    }
    let w = rows[0].chars().count();
    if w > 1024 || rows.len() > 1024 {
        return Err(err(path, "bitmap is larger than 1024x1024"));
    }
    let mut bits = Vec::with_capacity(w * rows.len());
    for (r, row) in rows.iter().enumerate() {
        if row.chars().count() != w {
            return Err(err(
                path,
                format!(
                    "bitmap row {} has {} pixels, row 1 has {w}",
                    r + 1,
                    row.chars().count()
                ),
            ));
        }
        for c in row.chars() {
            bits.push(match c {
                '#' | 'X' | 'x' | '1' | '@' | '*' => true,
                '.' | ' ' | '0' | '_' | '-' => false,
                other => {
                    return Err(err(
                        path,
                        format!(
                            "bitmap row {}: {other:?} is neither lit (#) nor dark (.)",
                            r + 1
                        ),
                    ))
                }
            });
        }
    }
    let w = w as i32;
    Ok(PageImage::from_fn(w, rows.len() as i32, |c, r| {
        bits[(r * w + c) as usize]
    }))
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
        if kind == Kind::Ellipse
            && w.w != w.h
            && i64::from(w.w) * i64::from(w.h) > crate::raster::MAX_ELLIPSE_AREA
        {
            return Err(err(
                &format!("{path}.w"),
                format!(
                    "ellipse {}x{} is too large: expected w * h <= {} (or w = h, a circle)",
                    w.w,
                    w.h,
                    crate::raster::MAX_ELLIPSE_AREA
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

/// Ticks from the track's scheduled start to its end (delay included); `None` if it never ends.
fn track_duration(t: &CTrack) -> Option<u64> {
    if t.wave.is_some() {
        return None;
    }
    let len = u64::from(t.keys.last().map_or(0, |k| k.t));
    t.repeat
        .map(|n| t.start.saturating_add(len.saturating_mul(u64::from(n))))
}

/// Resolves timelines into absolute start offsets per track id.
fn schedule(
    scene: &Scene,
    tracks: &BTreeMap<String, (TrackPath, Option<u64>)>,
) -> Result<Vec<(String, u64)>, SceneError> {
    // Which timelines are referenced by others: those are not top-level.
    let mut referenced = BTreeMap::new();
    for (name, tl) in &scene.timelines {
        for (i, item) in tl.items.iter().enumerate() {
            let p = format!("timelines.{name}.items[{i}]");
            if scene.timelines.contains_key(item) {
                if tracks.contains_key(item) {
                    return Err(err(
                        &p,
                        format!("{item:?} names both a timeline and a track"),
                    ));
                }
                referenced.insert(item.clone(), p);
            } else if !tracks.contains_key(item) {
                return Err(err(&p, format!("undefined timeline or track id {item:?}")));
            }
        }
        if tl.mode == TimelineMode::Stagger && tl.step == 0 {
            return Err(err(
                &format!("timelines.{name}.step"),
                "a stagger needs step >= 1",
            ));
        }
    }
    let mut out = Vec::new();
    let mut placed: BTreeMap<String, String> = BTreeMap::new();
    for (name, tl) in &scene.timelines {
        if referenced.contains_key(name) {
            continue;
        }
        let mut stack = Vec::new();
        place(
            scene,
            tracks,
            name,
            tl,
            u64::from(tl.start),
            &mut stack,
            &mut out,
            &mut placed,
        )?;
    }
    // A timeline that is only reachable from itself is a cycle nobody starts; report it.
    for (name, p) in &referenced {
        if !placed.contains_key(name) {
            return Err(err(p, format!("timeline {name:?} is part of a cycle")));
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn place(
    scene: &Scene,
    tracks: &BTreeMap<String, (TrackPath, Option<u64>)>,
    name: &str,
    tl: &Timeline,
    offset: u64,
    stack: &mut Vec<String>,
    out: &mut Vec<(String, u64)>,
    placed: &mut BTreeMap<String, String>,
) -> Result<Option<u64>, SceneError> {
    let path = format!("timelines.{name}");
    if stack.iter().any(|s| s == name) {
        stack.push(name.to_string());
        return Err(err(
            &path,
            format!("timelines form a cycle: {}", stack.join(" -> ")),
        ));
    }
    if placed.insert(name.to_string(), path.clone()).is_some() {
        return Err(err(&path, "timeline is used in more than one place"));
    }
    stack.push(name.to_string());
    let mut cursor = offset;
    let mut end = Some(offset);
    for (i, item) in tl.items.iter().enumerate() {
        let at = match tl.mode {
            TimelineMode::Sequence => cursor,
            TimelineMode::Parallel => offset,
            TimelineMode::Stagger => {
                offset.saturating_add(u64::from(tl.step).saturating_mul(i as u64))
            }
        };
        let dur_end = if let Some(sub) = scene.timelines.get(item) {
            place(
                scene,
                tracks,
                item,
                sub,
                at.saturating_add(u64::from(sub.start)),
                stack,
                out,
                placed,
            )?
        } else {
            if out.iter().any(|(id, _)| id == item) {
                return Err(err(
                    &format!("{path}.items[{i}]"),
                    format!("track {item:?} is scheduled twice"),
                ));
            }
            out.push((item.clone(), at));
            tracks[item].1.map(|d| at.saturating_add(d))
        };
        if tl.mode == TimelineMode::Sequence {
            match dur_end {
                Some(e) => cursor = e,
                None if i + 1 < tl.items.len() => {
                    return Err(err(
                        &format!("{path}.items[{i}]"),
                        format!("{item:?} never ends (repeat forever or a wave), so nothing can follow it in a sequence"),
                    ))
                }
                None => {}
            }
        }
        end = match (end, dur_end) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    stack.pop();
    Ok(end)
}

/// Value of a wave at tick `t` (plus `extra` ticks of phase).
pub(crate) fn eval_wave(w: &Wave, t: Tick, extra: i64) -> i64 {
    let period = u64::from(w.period.max(1));
    let off = (i64::from(w.phase).saturating_add(extra)).rem_euclid(period as i64) as u64;
    let pos = wrap_once(t % period + off, period);
    wave_value(w, ((pos << 16) / period) as i64)
}

/// `x % period` for `x < 2 * period`. Divisions are the costly part of waves and tracks, and
/// wasm32 has no instruction giving quotient and remainder at once: the hot paths divide once
/// and derive the rest.
#[inline]
fn wrap_once(x: u64, period: u64) -> u64 {
    if x >= period {
        x - period
    } else {
        x
    }
}

/// The wave's value at Q16 fraction `frac` (0..65536) of its period.
fn wave_value(w: &Wave, frac: i64) -> i64 {
    let lo = i64::from(w.min);
    let hi = i64::from(w.max);
    let unit = match w.shape {
        // Map sin's -32767..=32767 to 0..=65536.
        // x * 65536 / 65534 = x * 32768 / 32767 = x + x / 32767 exactly (x * 32768 = x * 32767 + x),
        // and the same for |s| * 65536 / 32767 = 2|s| + 2|s| / 32767: a 32-bit division by a
        // constant (a multiply) instead of a 64-bit division, which wasm32 cannot avoid.
        WaveShape::Sine => {
            let x = fixed::sin_q15(frac as u32) + 32767;
            i64::from(x + x / 32767)
        }
        WaveShape::AbsSine => {
            let x = 2 * fixed::sin_q15((frac / 2) as u32).abs();
            i64::from(x + x / 32767)
        }
        WaveShape::Triangle => {
            if frac < 32768 {
                frac * 2
            } else {
                (65536 - frac) * 2
            }
        }
        WaveShape::Saw => frac,
        WaveShape::Square => {
            if frac < 32768 {
                0
            } else {
                65536
            }
        }
    };
    // Round to nearest, so that a wave is symmetric about its middle.
    lo + (((hi - lo) * unit + 0x8000) >> 16)
}

/// The values of a wave at `t`, `t + step`, `t + 2 * step`, ... (a sparkline's columns), equal
/// to [`eval_wave`] at each, but with no division per column: the position and its Q16
/// fraction `q + r / period` are advanced incrementally. (Three 64-bit divisions per column
/// were a quarter of a dashboard frame.)
pub(crate) struct WaveWalk<'a> {
    wave: &'a Wave,
    period: u64,
    pos: u64,
    q: u64,
    r: u64,
    d: u64,
    dq: u64,
    dr: u64,
}

impl<'a> WaveWalk<'a> {
    pub(crate) fn new(wave: &'a Wave, t: Tick) -> Self {
        let period = u64::from(wave.period.max(1));
        let off = i64::from(wave.phase).rem_euclid(period as i64) as u64;
        let pos = wrap_once(t % period + off, period);
        let d = i64::from(wave.step).rem_euclid(period as i64) as u64;
        let (q, dq) = ((pos << 16) / period, (d << 16) / period);
        WaveWalk {
            wave,
            period,
            pos,
            q,
            r: (pos << 16) - q * period,
            d,
            dq,
            dr: (d << 16) - dq * period,
        }
    }
}

impl Iterator for WaveWalk<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        let v = wave_value(self.wave, self.q as i64);
        self.pos += self.d;
        self.q += self.dq;
        self.r += self.dr;
        if self.r >= self.period {
            self.r -= self.period;
            self.q += 1;
        }
        if self.pos >= self.period {
            self.pos -= self.period;
            self.q -= 1 << 16;
        }
        Some(v)
    }
}

/// Where a track is at `t`: the pair of keys and the eased Q16 progress between them.
/// Before its start a track holds its first key, after its end its final one.
pub(crate) fn track_position(tr: &CTrack, t: Tick) -> (usize, usize, i32) {
    let keys = &tr.keys;
    let last = keys.len() - 1;
    let len = u64::from(keys[last].t - keys[0].t);
    let first = tr.start.saturating_add(u64::from(keys[0].t));
    if t < first || len == 0 {
        return (0, 0, 0);
    }
    let local = t - first;
    let cycle = local / len;
    let mut phase = local - cycle * len;
    let mut reverse = tr.yoyo && cycle % 2 == 1;
    if let Some(n) = tr.repeat {
        if cycle >= u64::from(n) {
            // Finished: rest on the end of the last cycle.
            reverse = tr.yoyo && (n - 1) % 2 == 1;
            phase = len;
        }
    }
    if reverse {
        phase = len - phase;
    }
    let p = u64::from(keys[0].t) + phase;
    // The segment keys[i] -> keys[i + 1] with keys[i].t <= p < keys[i + 1].t.
    let i = keys
        .partition_point(|k| u64::from(k.t) <= p)
        .saturating_sub(1);
    if i >= last {
        return (last, last, 0);
    }
    let (a, b) = (&keys[i], &keys[i + 1]);
    let span = u64::from(b.t - a.t);
    let q = (((p - u64::from(a.t)) << 16) / span) as i32;
    (i, i + 1, b.ease.apply(q.min(ONE)))
}

#[cfg(test)]
mod wave_tests {
    use super::*;

    #[test]
    fn sine_units_equal_the_64_bit_divisions() {
        for frac in 0..=65_536i64 {
            let s = i64::from(fixed::sin_q15(frac as u32));
            let a = i64::from(fixed::sin_q15((frac / 2) as u32));
            for (shape, want) in [
                (WaveShape::Sine, (s + 32767) * 65536 / 65534),
                (WaveShape::AbsSine, a.abs() * 65536 / 32767),
            ] {
                let w = Wave {
                    shape,
                    period: 60,
                    min: 0,
                    max: 65_536,
                    phase: 0,
                    step: 0,
                };
                // min 0, max 65536: wave_value returns the unit itself.
                assert_eq!(wave_value(&w, frac), want, "{shape:?} at {frac}");
            }
        }
    }

    #[test]
    fn wave_walk_equals_eval_wave() {
        let mut seed = 0x1234_5678_9ABC_DEF1u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..3000 {
            let shape = [
                WaveShape::Sine,
                WaveShape::AbsSine,
                WaveShape::Triangle,
                WaveShape::Saw,
                WaveShape::Square,
            ][case % 5];
            let period = match case % 4 {
                0 => 1 + (next() % 7) as u32,
                1 => 1 + (next() % 1000) as u32,
                2 => 1_000_000_000,
                _ => 1 + (next() % 100_000) as u32,
            };
            let wave = Wave {
                shape,
                period,
                min: -((next() % 100) as i32),
                max: (next() % 100) as i32,
                phase: (next() % 2_000_001) as i32 - 1_000_000,
                step: (next() % 2_000_001) as i32 - 1_000_000,
            };
            let t = if case % 3 == 0 {
                u64::MAX - next() % 1000
            } else {
                next() % 1_000_000
            };
            for (i, v) in WaveWalk::new(&wave, t).take(300).enumerate() {
                assert_eq!(
                    v,
                    eval_wave(&wave, t, i as i64 * i64::from(wave.step)),
                    "{wave:?} t={t} column {i}"
                );
            }
        }
    }
}
