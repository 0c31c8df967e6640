//! Validation and name resolution: a `Scene` walked field by field into compiled nodes, every
//! error naming the field's path.
//!
//! The walk does not stop at the first error: it collects them (up to [`MAX_ERRORS`]) so that the
//! loader can report the one that comes first in the file, whatever order the checks run in.

use crate::bitmap::parse_bitmap;
use crate::error::SceneError;
use crate::event::CLOCK_INPUT;
use crate::fixed::{self, Easing};
use crate::fonts;
use crate::image::{FontCache, GlyphFont};
use crate::limits::{
    MAX_COORD, MAX_DEPTH, MAX_GAP, MAX_HEIGHT, MAX_INPUTS, MAX_KEYS, MAX_LINE_SPACING,
    MAX_SPARKLINE_POINTS, MAX_SPRITE_FRAMES, MAX_TICK_RATE, MAX_WIDGETS, MAX_WIDTH,
};
use crate::limits::{MAX_QR_MODULE, MAX_QR_TEXT_BYTES};
use crate::model::QrOpts;
use crate::model::{
    Bitmap, CKey, CSeries, CTrack, KeyValue, Node, Prop, Target, TrackIds, WrapSpec, PROP_COUNT,
    PROP_NAMES,
};
use crate::qr;
use crate::scene::{DisplaySpec, InputDef, Kind, Repeat, Series, Track, Value, Wave, Widget};
use crate::schedule::track_duration;
use crate::text::{InputValue, Template};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Most errors collected from one scene; the rest are dropped (the first in the file is almost
/// always among them, and one is enough to fix).
pub(crate) const MAX_ERRORS: usize = 256;

fn err(path: &str, message: impl Into<String>) -> SceneError {
    SceneError::at_path(path, message)
}

/// Errors found so far, in the order the checks ran.
#[derive(Default)]
pub(crate) struct Errors(pub Vec<SceneError>);

impl Errors {
    pub(crate) fn push(&mut self, e: SceneError) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(e);
        }
    }

    /// The value, or `None` after recording the error.
    pub(crate) fn ok<T>(&mut self, r: Result<T, SceneError>) -> Option<T> {
        r.map_err(|e| self.push(e)).ok()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub(crate) fn check_display(d: &DisplaySpec, errors: &mut Errors) {
    if d.width == 0 || d.width > MAX_WIDTH {
        errors.push(err(
            "display.width",
            format!("{} is out of range: expected 1..={MAX_WIDTH}", d.width),
        ));
    }
    if d.height == 0 || d.height > MAX_HEIGHT || d.height % 8 != 0 {
        errors.push(err(
            "display.height",
            format!(
                "{} is not allowed: expected a multiple of 8 in 8..={MAX_HEIGHT}",
                d.height
            ),
        ));
    }
    if let Some(r) = d.rotate {
        if ![0, 90, 180, 270].contains(&r) {
            errors.push(err(
                "display.rotate",
                format!("{r} is not one of 0, 90, 180, 270 (degrees clockwise)"),
            ));
        }
    }
    if d.tick_rate == 0 || d.tick_rate > MAX_TICK_RATE {
        errors.push(err(
            "display.tick_rate",
            format!(
                "{} is out of range: expected 1..={MAX_TICK_RATE}",
                d.tick_rate
            ),
        ));
    }
}

/// The display-care fields (`crate::display_state`), which may name inputs.
pub(crate) fn check_display_care(
    d: &DisplaySpec,
    inputs: &[(String, InputDef)],
    errors: &mut Errors,
) {
    for e in crate::display_state::check(d, inputs) {
        errors.push(e);
    }
    // Display tracks' waves are evaluated as widgets' are, so they get the same bounds.
    for (i, tr) in d.animate.iter().enumerate() {
        if let Some(w) = &tr.wave {
            errors.ok(check_wave(w, &format!("display.animate[{i}].wave")));
        }
    }
}

/// The metrics `play`'s `system:` source provides, the only thing a scene may suggest.
pub const SYSTEM_METRICS: &[&str] = &[
    "cpu", "load1", "mem", "temp", "disk", "uptime", "ip", "hostname", "wifi",
];

pub(crate) fn check_inputs(inputs: &[(String, InputDef)], errors: &mut Errors) {
    if inputs.len() > MAX_INPUTS {
        errors.push(err(
            "inputs",
            format!("{} inputs declared: at most {MAX_INPUTS}", inputs.len()),
        ));
    }
    for (name, def) in inputs {
        if name == CLOCK_INPUT {
            errors.push(err(
                &format!("inputs.{name}"),
                "`clock` is a reserved input, always present: the wall clock, set by `clock` events (seconds since 1970-01-01, local time); remove this declaration",
            ));
        }
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            errors.push(err(
                &format!("inputs.{name}"),
                "input names must be letters, digits or _",
            ));
        }
        if let Some(s) = &def.suggest {
            let metric = s.strip_prefix("system:").unwrap_or("");
            if !SYSTEM_METRICS.contains(&metric) {
                errors.push(err(
                    &format!("inputs.{name}.suggest"),
                    format!(
                        "{s:?}: a scene may only suggest a system metric (system:{}); commands, files and brokers come from the command line or a local sources file",
                        SYSTEM_METRICS.join(", system:")
                    ),
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (def.min, def.max) {
            if lo > hi {
                errors.push(err(
                    &format!("inputs.{name}"),
                    format!("min {lo} is greater than max {hi}"),
                ));
            }
        }
    }
}

/// Compiles the widget tree, in file order, and collects the ids of tracks.
pub(crate) fn widgets(
    widgets: &[Widget],
    inputs: &[(String, InputDef)],
    pictures: Pictures<'_>,
    errors: &mut Errors,
) -> (Vec<Node>, TrackIds) {
    let mut cx = Ctx {
        inputs,
        pictures,
        count: 0,
        tracks: BTreeMap::new(),
        ids: BTreeMap::new(),
        at: Vec::new(),
        fonts: FontCache::default(),
        errors,
    };
    let mut roots = Vec::with_capacity(widgets.len());
    for (i, w) in widgets.iter().enumerate() {
        cx.at.push(i);
        let node = cx.node(w, &format!("widgets[{i}]"), 0);
        roots.extend(node);
        cx.at.pop();
        if cx.count > MAX_WIDGETS {
            break;
        }
    }
    (roots, cx.tracks)
}

/// What image widgets compile from: the decoded files, and the tick rate their timing is in.
#[derive(Clone, Copy)]
pub(crate) struct Pictures<'a> {
    pub assets: &'a crate::asset::Assets,
    pub tick_rate: u32,
}

struct Ctx<'a> {
    inputs: &'a [(String, InputDef)],
    pictures: Pictures<'a>,
    count: usize,
    tracks: TrackIds,
    /// Widget and track ids share one namespace: id -> the path of its first use.
    ids: BTreeMap<String, String>,
    /// Index path of the node being compiled.
    at: Vec<usize>,
    fonts: FontCache,
    errors: &'a mut Errors,
}

/// The `kind` spelling of a kind.
fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Rect => "rect",
        Kind::Line => "line",
        Kind::Circle => "circle",
        Kind::Ellipse => "ellipse",
        Kind::Bitmap => "bitmap",
        Kind::Progress => "progress",
        Kind::Sparkline => "sparkline",
        Kind::Marquee => "marquee",
        Kind::Sprite => "sprite",
        Kind::Group => "group",
        Kind::Image => "image",
        Kind::Arc => "arc",
        Kind::Qr => "qr",
    }
}

/// The kinds a kind-specific field applies to (`None`: every kind). Fields of every widget are
/// `id`, `kind`, `x`, `y`, `w`, `h`, `z`, `visible`, `invert`, `mode`, `opacity`, `bind` and
/// `animate`; docs/scene-format.md has the same table.
fn kinds_of(field: &str) -> Option<&'static [Kind]> {
    use Kind::*;
    Some(match field {
        "fill" => &[Rect, Circle, Ellipse, Arc],
        "stroke" => &[Rect, Line, Circle, Ellipse, Progress, Sparkline, Arc],
        "radius" => &[Rect, Progress],
        "text" => &[Text, Marquee, Qr],
        "font" => &[Text, Marquee],
        "start" | "sweep" => &[Arc],
        "angle" | "length" => &[Line],
        "ecc" | "module" | "negative" => &[Qr],
        "align" | "icon" => &[Text],
        "value" | "min" | "max" => &[Progress],
        "series" => &[Sparkline],
        "speed" | "every" | "gap" | "scroll" => &[Marquee],
        "bitmap" => &[Bitmap],
        "frames" | "frame_ticks" | "frame" => &[Sprite],
        "children" | "clip" => &[Group],
        "src" | "dither" | "threshold" | "scale" | "loop" => &[Image],
        "wrap" | "line_spacing" | "ellipsis" | "scroll_y" => &[Text],
        _ => return None,
    })
}

/// The kind-specific fields a widget sets, in declaration order.
fn kind_fields(w: &Widget) -> [(&'static str, bool); 37] {
    [
        ("fill", w.fill.is_some()),
        ("stroke", w.stroke.is_some()),
        ("radius", w.radius.is_some()),
        ("text", w.text.is_some()),
        ("font", w.font.is_some()),
        ("align", w.align.is_some()),
        ("icon", w.icon.is_some()),
        ("value", w.value.is_some()),
        ("min", w.min.is_some()),
        ("max", w.max.is_some()),
        ("series", w.series.is_some()),
        ("speed", w.speed.is_some()),
        ("every", w.every.is_some()),
        ("gap", w.gap.is_some()),
        ("scroll", w.scroll.is_some()),
        ("bitmap", w.bitmap.is_some()),
        ("frames", !w.frames.is_empty()),
        ("frame_ticks", w.frame_ticks.is_some()),
        ("frame", w.frame.is_some()),
        ("children", !w.children.is_empty()),
        ("clip", w.clip.is_some()),
        ("src", w.src.is_some()),
        ("dither", w.dither.is_some()),
        ("threshold", w.threshold.is_some()),
        ("scale", w.scale.is_some()),
        ("loop", w.loops.is_some()),
        ("wrap", w.wrap.is_some()),
        ("line_spacing", w.line_spacing.is_some()),
        ("ellipsis", w.ellipsis.is_some()),
        ("scroll_y", w.scroll_y.is_some()),
        ("start", w.start.is_some()),
        ("sweep", w.sweep.is_some()),
        ("angle", w.angle.is_some()),
        ("length", w.length.is_some()),
        ("ecc", w.ecc.is_some()),
        ("module", w.module.is_some()),
        ("negative", w.negative.is_some()),
    ]
}

/// The wrapped-text fields of a text widget (`crate::wrap`): `wrap` needs a box, the others
/// need `wrap`. Other kinds' use of them is reported by the kind check.
fn wrap_spec(
    w: &Widget,
    kind: Kind,
    font_height: i32,
    path: &str,
    e: &mut Errors,
) -> Option<WrapSpec> {
    if kind != Kind::Text {
        return None;
    }
    if !w.wrap.unwrap_or(false) {
        let only_wrapped = [
            ("line_spacing", w.line_spacing.is_some()),
            ("ellipsis", w.ellipsis.is_some()),
            ("scroll_y", w.scroll_y.is_some()),
        ];
        for (field, set) in only_wrapped {
            if set {
                e.push(err(
                    &format!("{path}.{field}"),
                    format!("`{field}` does not apply to a text widget without `wrap = true`"),
                ));
            }
        }
        return None;
    }
    if w.w <= 0 || w.h <= 0 {
        e.push(err(
            &format!("{path}.wrap"),
            format!(
                "wrapped text needs its box: set `w` and `h` above 0 (w = {}, h = {})",
                w.w, w.h
            ),
        ));
    }
    let line_spacing = w.line_spacing.unwrap_or(0);
    e.ok(check_range(
        line_spacing,
        &format!("{path}.line_spacing"),
        1 - font_height,
        MAX_LINE_SPACING,
    ));
    e.ok(check_coord(
        w.scroll_y.unwrap_or(0),
        &format!("{path}.scroll_y"),
        -MAX_COORD,
    ));
    Some(WrapSpec {
        line_spacing,
        ellipsis: w.ellipsis.unwrap_or(false),
    })
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
    check_range(v, path, lo, MAX_COORD)
}

fn check_range(v: i32, path: &str, lo: i32, hi: i32) -> Result<(), SceneError> {
    if v < lo || v > hi {
        return Err(err(
            path,
            format!("{v} is out of range: expected {lo}..={hi}"),
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
        if name == CLOCK_INPUT {
            return Err(err(
                path,
                "`clock` is the reserved wall-clock input: show it in text with `{time:FMT}`, `{date:FMT}` or `{clock}`",
            ));
        }
        // `inputs` comes from the scene's BTreeMap, so it is sorted by name.
        self.inputs
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .ok_or_else(|| {
                let known: Vec<&str> = self
                    .inputs
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .filter(|n| *n != CLOCK_INPUT)
                    .collect();
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

    /// Records `id` (at `path`) in the one namespace of widget and track ids.
    fn claim_id(&mut self, id: &str, path: String) {
        if let Some(first) = self.ids.get(id) {
            let e = err(&path, format!("id {id:?} is already used at {first}"));
            self.errors.push(e);
        } else {
            self.ids.insert(id.to_string(), path);
        }
    }

    /// Records the id of a track that has errors, so that timelines naming it are not also
    /// reported (its start is never applied: the scene does not compile).
    fn known_track(&mut self, t: &Track, path: &str) {
        if let Some(id) = &t.id {
            self.claim_id(id, format!("{path}.id"));
            self.tracks
                .entry(id.clone())
                .or_insert(((Vec::new(), 0), Some(0)));
        }
    }

    /// Compiles one widget and its children; `None` if it has errors (they are recorded).
    fn node(&mut self, w: &Widget, path: &str, depth: usize) -> Option<Node> {
        self.count += 1;
        if self.count > MAX_WIDGETS {
            self.errors.push(err(
                path,
                format!("too many widgets: at most {MAX_WIDGETS}"),
            ));
            return None;
        }
        let before = self.errors.0.len();
        if let Some(id) = &w.id {
            self.claim_id(id, format!("{path}.id"));
        }
        let Some(kind) = w.kind else {
            self.errors.push(err(
                &format!("{path}.kind"),
                "missing: expected one of text, rect, line, circle, ellipse, bitmap, progress, sparkline, marquee, sprite, group, image, arc, qr",
            ));
            for (i, t) in w.animate.iter().enumerate() {
                self.known_track(t, &format!("{path}.animate[{i}]"));
            }
            return None;
        };
        for (field, set) in kind_fields(w) {
            let Some(kinds) = kinds_of(field) else {
                continue;
            };
            if set && !kinds.contains(&kind) {
                let names: Vec<&str> = kinds.iter().map(|&k| kind_name(k)).collect();
                self.errors.push(err(
                    &format!("{path}.{field}"),
                    format!(
                        "`{field}` does not apply to {} {} widget (it applies to: {})",
                        if kind_name(kind).starts_with(['a', 'e']) {
                            "an"
                        } else {
                            "a"
                        },
                        kind_name(kind),
                        names.join(", ")
                    ),
                ));
            }
        }
        let e = &mut *self.errors;
        e.ok(check_coord(w.x, &format!("{path}.x"), -MAX_COORD));
        e.ok(check_coord(w.y, &format!("{path}.y"), -MAX_COORD));
        let size_lo = if kind == Kind::Line { -MAX_COORD } else { 0 };
        e.ok(check_coord(w.w, &format!("{path}.w"), size_lo));
        e.ok(check_coord(w.h, &format!("{path}.h"), size_lo));
        let opacity = w.opacity.unwrap_or(16);
        e.ok(check_range(opacity, &format!("{path}.opacity"), 0, 16));
        let stroke = w.stroke.unwrap_or(1);
        e.ok(check_range(stroke, &format!("{path}.stroke"), 0, 64));
        let radius = w.radius.unwrap_or(0);
        e.ok(check_coord(radius, &format!("{path}.radius"), 0));
        if kind == Kind::Sparkline && w.w > MAX_SPARKLINE_POINTS {
            e.push(err(
                &format!("{path}.w"),
                format!(
                    "a sparkline of {} points is too wide: at most {MAX_SPARKLINE_POINTS}",
                    w.w
                ),
            ));
        }

        let needs_text = matches!(kind, Kind::Text | Kind::Marquee | Kind::Qr);
        let text_keys = w.animate.iter().any(|t| t.prop == "text");
        // `icon = "wifi"`: the text is that icon's one character, in an icon font.
        let icon = w.icon.as_ref().and_then(|name| {
            let c = fonts::icon_char(name);
            if c.is_none() {
                self.errors.push(err(
                    &format!("{path}.icon"),
                    format!("unknown icon {name:?}; the icons are listed in docs/scene-format.md (e.g. wifi, sun, battery-full, media-play)"),
                ));
            }
            c
        });
        if w.icon.is_some() && w.text.is_some() {
            self.errors.push(err(
                &format!("{path}.icon"),
                "a text widget sets either `text` or `icon`, not both",
            ));
        }
        if let (Some(_), Some(font)) = (&w.icon, &w.font) {
            if !fonts::is_icon_font(font) {
                self.errors.push(err(
                    &format!("{path}.font"),
                    format!("an `icon` needs an icon font (icons_8, icons_16 or icons_32), not {font:?}"),
                ));
            }
        }
        let text = match &w.text {
            None if w.icon.is_some() => icon.map(|c| Template::literal(c.into())),
            Some(t) => {
                let tpl =
                    Template::parse(t, &format!("{path}.text"), |name, p| self.input(name, p));
                self.errors.ok(tpl)
            }
            None if needs_text && !text_keys => {
                self.errors.push(err(
                    &format!("{path}.text"),
                    format!("missing: a {} widget needs `text`", kind_name(kind)),
                ));
                None
            }
            None => None,
        };
        let font_name = match &w.font {
            Some(name) if fonts::is_builtin(name) || crate::asset::is_font_file(name) => {
                name.as_str()
            }
            Some(name) => {
                self.errors.push(err(
                    &format!("{path}.font"),
                    format!(
                        "unknown font {name:?}; expected one of {}, or a BDF file next to the scene (fonts/name.bdf)",
                        fonts::all_names().join(", ")
                    ),
                ));
                fonts::DEFAULT
            }
            None if w.icon.is_some() => fonts::DEFAULT_ICON_FONT,
            None => fonts::DEFAULT,
        };
        let font = if crate::asset::is_font_file(font_name) {
            // A BDF file from the scene's assets (one not loaded is reported by the compile step).
            let built = self.pictures.assets.fonts.get(font_name).map(|asset| {
                self.fonts
                    .try_get(font_name, || GlyphFont::from_asset(asset))
            });
            match built {
                Some(Ok(f)) => f,
                Some(Err(msg)) => {
                    self.errors.push(err(
                        &format!("{path}.font"),
                        format!("font {font_name:?}: {msg}"),
                    ));
                    self.fonts
                        .get(fonts::DEFAULT, || fonts::build(fonts::DEFAULT))
                }
                None => self
                    .fonts
                    .get(fonts::DEFAULT, || fonts::build(fonts::DEFAULT)),
            }
        } else {
            self.fonts.get(font_name, || fonts::build(font_name))
        };
        let e = &mut *self.errors;
        let wrap = wrap_spec(w, kind, font.height, path, e);

        let bitmap = match (&w.bitmap, kind) {
            (Some(src), _) => e
                .ok(parse_bitmap(src, &format!("{path}.bitmap")))
                .and_then(|b| {
                    if (w.w != 0 && w.w != b.w) || (w.h != 0 && w.h != b.h) {
                        e.push(err(
                            &format!("{path}.bitmap"),
                            format!(
                                "bitmap is {}x{} but the widget declares w = {}, h = {}",
                                b.w, b.h, w.w, w.h
                            ),
                        ));
                        return None;
                    }
                    Some(b)
                }),
            (None, Kind::Bitmap) => {
                e.push(err(
                    &format!("{path}.bitmap"),
                    "missing: a bitmap widget needs `bitmap`",
                ));
                None
            }
            (None, _) => None,
        };
        if w.frames.len() > MAX_SPRITE_FRAMES {
            e.push(err(
                &format!("{path}.frames"),
                format!(
                    "{} frames: a sprite has at most {MAX_SPRITE_FRAMES}",
                    w.frames.len()
                ),
            ));
        }
        let mut frames = Vec::new();
        let mut timing = None;
        let mut picture_size = None;
        if kind == Kind::Image {
            let src = w.src.as_deref();
            match src.and_then(|s| self.pictures.assets.images.get(s)) {
                Some(asset) => {
                    let pic = crate::picture::compile(w, asset, self.pictures.tick_rate, path);
                    if let Some(pic) = e.ok(pic) {
                        picture_size = pic.frames.first().map(|f| (f.w, f.h));
                        frames = pic.frames;
                        timing = pic.timing.map(alloc::sync::Arc::new);
                    }
                }
                // A named file that is missing was reported with the scene's asset references.
                None if src.is_some() => {}
                None => e.push(err(
                    &format!("{path}.src"),
                    "missing: an image widget needs `src`, a PNG, GIF or BMP file next to the scene",
                )),
            }
        }
        for (i, f) in w.frames.iter().enumerate().take(MAX_SPRITE_FRAMES) {
            let fp = format!("{path}.frames[{i}]");
            let Some(b) = e.ok(parse_bitmap(f, &fp)) else {
                continue;
            };
            if (w.w != 0 && w.w != b.w) || (w.h != 0 && w.h != b.h) {
                e.push(err(
                    &fp,
                    format!(
                        "frame is {}x{} but the widget declares w = {}, h = {}",
                        b.w, b.h, w.w, w.h
                    ),
                ));
                continue;
            }
            if let Some(first) = frames.first() {
                let first: &Bitmap = first;
                if first.w != b.w || first.h != b.h {
                    e.push(err(
                        &fp,
                        format!(
                            "frame is {}x{}, frame 0 is {}x{}",
                            b.w, b.h, first.w, first.h
                        ),
                    ));
                    continue;
                }
            }
            frames.push(b);
        }
        if kind == Kind::Sprite && w.frames.is_empty() {
            e.push(err(
                &format!("{path}.frames"),
                "missing: a sprite needs at least one frame",
            ));
        }
        let frame_ticks = w.frame_ticks.unwrap_or(1);
        if !(1..=1_000_000).contains(&frame_ticks) {
            e.push(err(&format!("{path}.frame_ticks"), "expected 1..=1000000"));
        }
        let every = w.every.unwrap_or(1);
        if !(1..=1_000_000).contains(&every) {
            e.push(err(&format!("{path}.every"), "expected 1..=1000000"));
        }
        let gap = w.gap.unwrap_or(16);
        e.ok(check_range(gap, &format!("{path}.gap"), 0, MAX_GAP));
        let speed = w.speed.unwrap_or(if kind == Kind::Marquee { 1 } else { 0 });
        if speed.abs() > 1024 {
            e.push(err(
                &format!("{path}.speed"),
                "expected -1024..=1024 pixels per step",
            ));
        }

        let series = match (&w.series, kind) {
            (Some(s), _) => {
                let s = self.series(s, &format!("{path}.series"));
                self.errors.ok(s)
            }
            (None, Kind::Sparkline) => {
                self.errors.push(err(
                    &format!("{path}.series"),
                    "missing: a sparkline needs `series`",
                ));
                None
            }
            (None, _) => None,
        };
        let (min, max) = (w.min.unwrap_or(0), w.max.unwrap_or(100));
        if kind == Kind::Progress && min >= max {
            self.errors.push(err(
                &format!("{path}.max"),
                format!("max {max} must be greater than min {min}"),
            ));
        }

        let mut base = [0i32; PROP_COUNT];
        base[Prop::X as usize] = w.x;
        base[Prop::Y as usize] = w.y;
        base[Prop::W as usize] = w.w;
        base[Prop::H as usize] = w.h;
        if let Some((pw, ph)) = picture_size {
            // The size it was dithered at: what the frame state reports and `invert` covers.
            base[Prop::W as usize] = pw;
            base[Prop::H as usize] = ph;
        }
        base[Prop::Value as usize] = w.value.unwrap_or(0);
        base[Prop::Min as usize] = min;
        base[Prop::Max as usize] = max;
        base[Prop::Scroll as usize] = w.scroll.unwrap_or(0);
        base[Prop::Frame as usize] = w.frame.unwrap_or(0);
        base[Prop::Opacity as usize] = opacity;
        base[Prop::Stroke as usize] = stroke;
        base[Prop::Radius as usize] = radius;
        base[Prop::Visible as usize] = i32::from(w.visible.unwrap_or(true));
        base[Prop::Invert as usize] = i32::from(w.invert.unwrap_or(false));
        base[Prop::Speed as usize] = speed;
        base[Prop::ScrollY as usize] = w.scroll_y.unwrap_or(0);
        let (polar, qr) = self.arc_qr_line(w, kind, path, text.as_ref());
        base[Prop::Start as usize] = w.start.unwrap_or(0);
        base[Prop::Sweep as usize] = w.sweep.unwrap_or(360);
        base[Prop::Angle as usize] = w.angle.unwrap_or(0);
        base[Prop::Length as usize] = w.length.unwrap_or(0);

        let mut binds = Vec::new();
        for (prop, input) in &w.bind {
            let bp = format!("{path}.bind.{prop}");
            let Some(p) = Prop::parse(prop) else {
                self.errors.push(err(
                    &bp,
                    format!(
                        "unknown property {prop:?}; expected one of {}",
                        PROP_NAMES.join(", ")
                    ),
                ));
                continue;
            };
            let i = self.input(input, &bp);
            binds.extend(self.errors.ok(i).map(|i| (p, i)));
        }

        let mut tracks = Vec::new();
        for (i, t) in w.animate.iter().enumerate() {
            let tp = format!("{path}.animate[{i}]");
            let track = self.track(t, &tp);
            let Some(track) = self.errors.ok(track) else {
                self.known_track(t, &tp);
                continue;
            };
            if let Some(id) = &t.id {
                self.claim_id(id, format!("{tp}.id"));
            }
            if let Some(id) = &t.id {
                let dur = track_duration(&track);
                self.tracks
                    .entry(id.clone())
                    .or_insert(((self.at.clone(), tracks.len()), dur));
            }
            tracks.push(track);
        }

        let mut children = Vec::with_capacity(w.children.len());
        if kind == Kind::Group && !w.children.is_empty() && depth >= MAX_DEPTH {
            // Reported at the group that nests too deep, not at a leaf below it.
            self.errors.push(err(
                path,
                format!(
                    "groups nest deeper than {MAX_DEPTH} levels: this group is at level {MAX_DEPTH} and cannot have children"
                ),
            ));
        } else {
            for (i, c) in w.children.iter().enumerate() {
                self.at.push(i);
                let child = self.node(c, &format!("{path}.children[{i}]"), depth + 1);
                children.extend(child);
                self.at.pop();
                if self.count > MAX_WIDGETS {
                    break;
                }
            }
        }
        if self.errors.0.len() != before {
            return None;
        }

        Some(Node {
            kind,
            id: w.id.clone(),
            z: w.z,
            base,
            mode: w.mode,
            fill: w.fill.unwrap_or(false),
            align: w.align.unwrap_or_default(),
            clip: w.clip.unwrap_or(true),
            font,
            text,
            bitmap,
            frames,
            timing,
            frame_ticks,
            every,
            gap,
            series,
            binds,
            tracks,
            children,
            wrap,
            polar,
            qr,
        })
    }

    /// The fields of arcs, QR codes and polar lines: their ranges, and the QR text's length.
    fn arc_qr_line(
        &mut self,
        w: &Widget,
        kind: Kind,
        path: &str,
        text: Option<&Template>,
    ) -> (bool, Option<QrOpts>) {
        let e = &mut *self.errors;
        for (v, name) in [(w.start, "start"), (w.sweep, "sweep"), (w.angle, "angle")] {
            if let Some(v) = v {
                e.ok(check_coord(v, &format!("{path}.{name}"), -MAX_COORD));
            }
        }
        if let Some(l) = w.length {
            e.ok(check_coord(l, &format!("{path}.length"), 0));
        }
        let animated = |p: &str| w.bind.contains_key(p) || w.animate.iter().any(|t| t.prop == p);
        let polar = kind == Kind::Line
            && (w.angle.is_some()
                || w.length.is_some()
                || ["angle", "length"].iter().any(|p| animated(p)));
        if polar {
            for (set, name) in [(w.w != 0, "w"), (w.h != 0, "h")] {
                if set {
                    e.push(err(
                        &format!("{path}.{name}"),
                        format!("a line with `angle`/`length` ends at angle and length: remove `{name}`"),
                    ));
                }
            }
        }
        if kind != Kind::Qr {
            return (polar, None);
        }
        if let Some(m) = w.module {
            e.ok(check_range(m, &format!("{path}.module"), 1, MAX_QR_MODULE));
        }
        let mut opts = QrOpts {
            ecc: w.ecc.unwrap_or_default(),
            module: w.module,
            negative: w.negative.unwrap_or(false),
            fixed: None,
            cache: Arc::default(),
        };
        if let Some(t) = text {
            let bytes = qr::literal_bytes(t);
            if bytes > MAX_QR_TEXT_BYTES {
                e.push(err(
                    &format!("{path}.text"),
                    format!("a QR text is at most {MAX_QR_TEXT_BYTES} bytes; this one has {bytes}"),
                ));
            } else if qr::is_constant(t) && !animated("text") {
                let mut expanded = String::new();
                t.expand(0, 1, 0, &mut expanded, |_| InputValue::Num(0));
                opts.fixed = qr::encode(&expanded, opts.ecc).map(Arc::new);
                let (pre, b) = (opts.fixed.as_deref(), (0, 0, w.w, w.h));
                let fits = pre.is_some_and(|pre| {
                    qr::draw(
                        "",
                        Some(pre),
                        opts.ecc,
                        opts.module,
                        false,
                        b,
                        (0, 0),
                        |_, _, _, _| {},
                    ) != qr::Drawn::TooLong
                });
                // A fixed text that can never fit its fixed box is a mistake, not a fallback.
                if !fits && !["w", "h"].iter().any(|p| animated(p)) {
                    e.push(err(
                        &format!("{path}.text"),
                        format!(
                            "this QR text does not fit a {}x{} box even at 1 pixel per module (a code needs {} pixels and more with its quiet zone): enlarge the box, set `module`, shorten the text or lower `ecc`",
                            w.w, w.h, qr::MIN_SIDE
                        ),
                    ));
                }
            }
        }
        (polar, Some(opts))
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
                // A text key is a template, like a `text` field.
                (Target::Text, Value::Text(s)) => {
                    KeyValue::Text(Template::parse(s, &format!("{kp}.v"), |name, p| {
                        self.input(name, p)
                    })?)
                }
                (Target::Text, Value::Int(n)) => KeyValue::Text(Template::literal(n.to_string())),
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
