//! The compiled scene: what validation produces and what evaluation and the raster read.

use crate::fixed::Easing;
use crate::image::{GlyphFont, PageImage};
use crate::scene::{Align, DrawMode, InputDef, Kind, Scene, Wave};
use crate::text::Template;
use crate::Tick;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

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
    /// Wrapped text's vertical scroll.
    ScrollY,
    // Arcs and polar lines (degrees, pixels).
    Start,
    Sweep,
    Angle,
    Length,
}

pub(crate) const PROP_COUNT: usize = 20;

pub(crate) const PROP_NAMES: [&str; PROP_COUNT] = [
    "x", "y", "w", "h", "value", "min", "max", "scroll", "frame", "opacity", "stroke", "radius",
    "visible", "invert", "speed", "scroll_y", // arcs and polar lines:
    "start", "sweep", "angle", "length",
];

impl Prop {
    pub(crate) fn parse(name: &str) -> Option<Prop> {
        use Prop::*;
        const ALL: [Prop; PROP_COUNT] = [
            X, Y, W, H, Value, Min, Max, Scroll, Frame, Opacity, Stroke, Radius, Visible, Invert,
            Speed, ScrollY, // arcs and polar lines:
            Start, Sweep, Angle, Length,
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
    /// A text key is a template, like a `text` field.
    Text(Template),
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
    /// Image: when an animated picture's frames change (`None`: a still picture).
    pub timing: Option<Arc<crate::picture::FrameTiming>>,
    pub frame_ticks: i32,
    pub every: i32,
    pub gap: i32,
    pub series: Option<CSeries>,
    pub binds: Vec<(Prop, usize)>,
    pub tracks: Vec<CTrack>,
    pub children: Vec<Node>,
    /// `Some` for a text widget with `wrap = true`.
    pub wrap: Option<WrapSpec>,
    /// A line drawn from `angle` and `length` rather than `w`/`h`.
    pub polar: bool,
    /// A QR code's fixed options.
    pub qr: Option<QrOpts>,
}

/// How a wrapped text widget lays out its lines (`crate::wrap`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct WrapSpec {
    /// Extra pixels between lines; font height + spacing >= 1.
    pub line_spacing: i32,
    pub ellipsis: bool,
}

/// What a QR widget draws besides its text.
#[derive(Clone, Debug)]
pub(crate) struct QrOpts {
    pub ecc: crate::scene::Ecc,
    /// Pixels per module; `None`: the largest that fits the box.
    pub module: Option<i32>,
    pub negative: bool,
    /// A constant text's code, encoded once at compile time instead of every frame.
    pub fixed: Option<Arc<crate::qr::Encoded>>,
    /// A template's last text and code, shared by the workers (`crate::qr::Cache`).
    pub cache: Arc<crate::qr::Cache>,
}

/// A validated scene in the form the renderer wants.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub scene: Scene,
    pub width: u16,
    pub height: u16,
    pub tick_rate: u32,
    /// Input names in `BTreeMap` order; an input's index is its position here. The reserved
    /// [`crate::CLOCK_INPUT`] is always among them, in its sorted place.
    pub inputs: Vec<(String, InputDef)>,
    /// The index of [`crate::CLOCK_INPUT`] in `inputs`.
    pub clock: usize,
    pub roots: Vec<Node>,
    /// The decoded files the scene names, as given to [`crate::Engine::with_assets`]: kept so
    /// that snapshots carry them and [`crate::Engine::assets`] can show them.
    pub assets: crate::asset::Assets,
}

impl Compiled {
    pub(crate) fn input_index(&self, name: &str) -> Option<usize> {
        // Sorted by name: compiled from the scene's BTreeMap.
        self.inputs
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
    }
}
/// Where a track lives: child indices from the roots, then the track index.
pub(crate) type TrackPath = (Vec<usize>, usize);

/// Track id -> where the track is, and its duration (`None`: it never ends).
pub(crate) type TrackIds = BTreeMap<String, (TrackPath, Option<u64>)>;
