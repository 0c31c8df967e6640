//! The scene file model: one serde schema, read from TOML or JSON.
//!
//! Parsing lives in [`crate::parse_scene`] and [`crate::Engine::from_source`], which also
//! validate; this module is only the data.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// A whole scene file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// Free text shown in galleries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub display: DisplaySpec,
    /// Named live inputs (`cpu`, `temp`, ...), changed by timestamped events.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inputs: BTreeMap<String, InputDef>,
    /// Drawn in z order, then file order.
    #[serde(default)]
    pub widgets: Vec<Widget>,
    /// Named compositions of tracks (by track id) and other timelines.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub timelines: BTreeMap<String, Timeline>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplaySpec {
    pub width: u32,
    pub height: u32,
    /// Ticks per second.
    #[serde(default = "default_tick_rate")]
    pub tick_rate: u32,
    /// Degrees clockwise the picture is turned on the panel: 0, 90, 180 or 270. With 90/270 a
    /// portrait scene (64x128) shows on a landscape panel (128x64). Frames are not affected:
    /// the sink turns them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate: Option<u32>,
    /// OLED care: contrast, sleep, pixel shift and schedules (`crate::display_state`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contrast: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<ShiftSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dim: Option<DimSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub off: Option<OffSpec>,
    /// `contrast = "INPUT"`: the input drives the contrast (a light sensor).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bind: BTreeMap<String, String>,
    /// Tracks of `contrast` or `on` (keys or a wave), as on widgets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub animate: Vec<Track>,
}

/// `display.shift = { every = MINUTES, max = K }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftSpec {
    pub every: i64,
    pub max: i64,
}

/// `display.dim = { after_idle = SECONDS, contrast = N }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimSpec {
    pub after_idle: i64,
    pub contrast: i64,
}

/// `display.off = { from = "HH:MM", to = "HH:MM" }`, local time of the `clock` input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffSpec {
    pub from: String,
    pub to: String,
}

fn default_tick_rate() -> u32 {
    60
}

/// A live input: a number or a text, with a value before its first event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputDef {
    #[serde(default)]
    pub default: Value,
    /// Clamp range for numeric values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// A `system:` metric that could feed this input (`system:cpu`, ...). Only a suggestion:
    /// a scene is a shareable file, so it can never name a command or a file to read; the
    /// player starts suggested sources only when asked (`play --sources-from-scene`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggest: Option<String>,
}

/// An input or keyframe value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Int(i64),
    Text(String),
}

impl Default for Value {
    fn default() -> Self {
        Value::Int(0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Text,
    Rect,
    Line,
    Circle,
    Ellipse,
    Bitmap,
    Progress,
    Sparkline,
    Marquee,
    Sprite,
    Group,
    /// A picture file (PNG, GIF, BMP) dithered to 1 bit when the scene compiles.
    Image,
    /// A circular arc (outline) or, with `fill = true`, a pie sector: `x`, `y`, `w` as a
    /// circle's box, `start` and `sweep` in degrees.
    Arc,
    /// A QR code of `text` (a template), centred in the `w` x `h` box.
    Qr,
}

/// How a widget's pixels combine with what is below.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrawMode {
    /// Lights pixels.
    #[default]
    On,
    /// Darkens pixels (draws in black).
    Off,
    /// Inverts pixels.
    Xor,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// One widget. A flat record: `kind` says which fields apply, and validation rejects a
/// kind-specific field set on another kind (a `rect` with `font`), naming both. Those fields
/// are `Option`s so that "set to its default" and "absent" differ.
///
/// Flat (rather than one struct per kind) so that every numeric property has one name that a
/// keyframe track or an input binding can address, and so that TOML errors keep their spans.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Widget {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub kind: Option<Kind>,
    pub x: i32,
    pub y: i32,
    /// Width and height; for a line, `w`/`h` are the offset of its end point.
    pub w: i32,
    pub h: i32,
    /// Drawing order: higher is on top. Ties keep file order.
    pub z: i32,
    /// Animatable (0/1); like `invert` and `text`, it switches at keyframes, not halfway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible: Option<bool>,
    /// Shorthand for `mode = "xor"`; animatable (0/1, switching at keyframes). On a group it
    /// inverts the group's whole box after the children are drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invert: Option<bool>,
    pub mode: DrawMode,
    /// 0 (invisible) ..= 16 (solid): a fade by 4x4 ordered (Bayer) dithering. A group's
    /// opacity caps its children's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opacity: Option<i32>,
    /// Filled shape rather than outline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill: Option<bool>,
    /// Outline width in pixels (default 1), drawn inside the widget's box (a rectangle with
    /// `x = 0, w = 10` covers columns 0..=9 whatever the stroke).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stroke: Option<i32>,
    /// Corner radius of rectangles and progress bars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius: Option<i32>,
    /// Text, with `{name}` placeholders for inputs and the built-ins `tick`, `secs`, `hh`, `mm`, `ss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Font name, see [`crate::fonts::all_names`], or a BDF file next to the scene
    /// (`fonts/x.bdf`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
    /// Text widget: one Open Iconic icon by name (see [`crate::fonts::ICON_NAMES`]) instead of
    /// `text`, drawn in an `icons_*` font (default `icons_16`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub align: Option<Align>,
    /// Progress value, between `min` and `max`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i32>,
    /// Sparkline data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<Series>,
    /// Marquee: pixels moved per `every` ticks (default 1 per 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<i32>,
    /// Marquee: pixels between the end of the text and its next copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<i32>,
    /// Marquee scroll offset (animatable; added to the automatic scroll).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scroll: Option<i32>,
    /// Bitmap: ASCII art (`#`/`X`/`1` lit, `.`/` `/`0` dark; spaces are pixels too) or PBM `P1`
    /// text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bitmap: Option<String>,
    /// Sprite sheet: one ASCII-art bitmap per frame, all `w` x `h`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub frames: Vec<String>,
    /// Sprite: ticks per frame (default 1); `frame` (animatable) is added to the automatic index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame_ticks: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<i32>,
    /// Group children, positioned relative to the group and drawn clipped to the group's box
    /// when `clip` (default true) and the box is not empty (`w`, `h` > 0).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Widget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clip: Option<bool>,
    /// Image: the picture file, relative to the scene file (see [`crate::asset`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    /// Image: how grey becomes 1 bit (default `threshold`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dither: Option<Dither>,
    /// Image: the luma (0..=255) from which a pixel is lit (default 128).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<i32>,
    /// Image: how `w`/`h` resample the picture (default: `area` when it shrinks, else `nearest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// Image: how often an animated GIF plays (default: the file's own loop count).
    #[serde(rename = "loop", skip_serializing_if = "Option::is_none")]
    pub loops: Option<Loop>,
    /// Property name -> input name: the property follows the input's value.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub bind: BTreeMap<String, String>,
    /// Keyframe tracks and oscillators on this widget's properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub animate: Vec<Track>,
    // Wrapped text (`crate::wrap`). Absent from files that do not use them, so scenes and
    // snapshots written before them read and write the same bytes.
    /// Text: break the text into lines inside the `w` x `h` box (on spaces and `\n`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrap: Option<bool>,
    /// Wrapped text: extra pixels between lines (negative: closer, down to one row apart).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_spacing: Option<i32>,
    /// Wrapped text: end the last line that fits with `…` (`...` in fonts without it) when more
    /// text follows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ellipsis: Option<bool>,
    /// Wrapped text: pixels the lines are scrolled up inside the box (animatable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scroll_y: Option<i32>,
    // -- Arcs, QR codes and polar lines (kept together, after the older fields). --
    /// Arc: start angle in degrees (animatable). Angles everywhere: 0 = 3 o'clock, positive
    /// clockwise on the panel (y grows downwards), as embedded-graphics' `Arc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<i32>,
    /// Arc: degrees swept from `start` (animatable; negative: counter-clockwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<i32>,
    /// Line: direction in degrees from (`x`, `y`) (animatable); with `length`, replaces `w`/`h`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub angle: Option<i32>,
    /// Line: length in pixels along `angle` (animatable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<i32>,
    /// QR code: error correction level (default `M`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecc: Option<Ecc>,
    /// QR code: pixels per module (default: the largest that fits the box).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<i32>,
    /// QR code: light the dark modules instead of the light ones (a negative code, which not
    /// every reader decodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative: Option<bool>,
}

/// QR error correction level: about 7, 15, 25 or 30 % of the code may be damaged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ecc {
    L,
    #[default]
    M,
    Q,
    H,
}

/// Data of a sparkline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// The last `w` values of this input (one sample per event), oldest on the left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// Or a computed wave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave: Option<Wave>,
    /// Value range mapped onto the widget height (default: the input's or wave's range).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// A `system:` metric that could feed this input (`system:cpu`, ...). Only a suggestion:
    /// a scene is a shareable file, so it can never name a command or a file to read; the
    /// player starts suggested sources only when asked (`play --sources-from-scene`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggest: Option<String>,
}

/// A periodic function of the tick, all integer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wave {
    #[serde(default)]
    pub shape: WaveShape,
    /// Ticks per cycle (>= 1).
    pub period: u32,
    pub min: i32,
    pub max: i32,
    /// Start offset in ticks.
    #[serde(default)]
    pub phase: i32,
    /// Sparklines only: ticks of phase per column.
    #[serde(default = "one")]
    pub step: i32,
}

fn one() -> i32 {
    1
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaveShape {
    #[default]
    Sine,
    /// |sin|: a bouncing ball.
    AbsSine,
    Triangle,
    Saw,
    Square,
}

/// An animation of one widget property: keyframes, or a wave.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Track {
    /// Name for timelines to refer to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The property: `x`, `y`, `w`, `h`, `value`, `scroll`, `frame`, `opacity`, `visible`,
    /// `invert`, `radius`, `stroke`, `text`, ...
    pub prop: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<Key>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wave: Option<Wave>,
    /// Default easing of segments that name none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ease: Option<String>,
    /// Ticks before the first key (after the timeline's offset).
    pub delay: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Repeat>,
    /// Every other repetition plays backwards.
    pub yoyo: bool,
}

/// One keyframe: at tick offset `t`, the property is `v`. `ease` shapes the segment that ends here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    pub t: u32,
    pub v: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ease: Option<String>,
}

/// How often a track plays: a count (>= 1) or `"forever"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Repeat {
    Times(u32),
    Word(String),
}

/// A composition of tracks (by track id) and timelines (by name).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeline {
    pub mode: TimelineMode,
    pub items: Vec<String>,
    /// Ticks before the first item (top-level timelines: the absolute start tick).
    #[serde(default)]
    pub start: u32,
    /// `stagger`: ticks between item starts.
    #[serde(default)]
    pub step: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineMode {
    Sequence,
    Parallel,
    Stagger,
}

/// How an image's grey levels become lit and dark pixels (docs/scene-format.md, "Images").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dither {
    /// Lit where the luma is at least `threshold`.
    #[default]
    Threshold,
    /// 8x8 ordered (Bayer) dithering.
    Bayer,
    /// Floyd-Steinberg error diffusion.
    FloydSteinberg,
    /// Atkinson error diffusion (3/4 of the error spread: more contrast).
    Atkinson,
}

/// How an image is resampled to the widget's `w` x `h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Each pixel takes the source pixel under its centre.
    Nearest,
    /// Each pixel averages the source area it covers (exact integer box filter).
    Area,
}

/// `loop = true` (forever), `false` (once) or a play count (>= 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Loop {
    Forever(bool),
    Times(u32),
}
