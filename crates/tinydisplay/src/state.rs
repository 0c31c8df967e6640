//! Resolved widget properties at one tick: the pure "what" before the raster's "how".

use crate::calendar::Y2000;
use crate::eval::{eval_wave, track_position, WaveWalk};
use crate::event::EventLog;
use crate::fixed::lerp;
use crate::limits::MAX_SPARKLINE_POINTS;
use crate::model::{CSeries, Compiled, KeyValue, Node, Prop, Target};
use crate::scene::{InputDef, Kind, Value};
use crate::text::{InputValue, Template};
use crate::Tick;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;

/// Every widget's resolved properties at one tick, in drawing order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FrameState {
    pub tick: Tick,
    pub widgets: Vec<WidgetState>,
}

/// One widget at one tick. Coordinates are absolute (group offsets applied).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WidgetState {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub kind: Kind,
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub visible: bool,
    pub invert: bool,
    /// 0..=16.
    pub opacity: i32,
    pub stroke: i32,
    pub radius: i32,
    pub value: i32,
    pub min: i32,
    pub max: i32,
    /// Marquee: total scroll in pixels (automatic plus animated).
    pub scroll: i32,
    /// Sprite: the frame index shown.
    pub frame: i32,
    /// Wrapped text: pixels the lines are scrolled up (left out when 0).
    #[serde(skip_serializing_if = "is_zero")]
    pub scroll_y: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Sparkline samples, oldest first: the last `w` values of its input (one per event), or
    /// its wave at `w` columns; at most 4096.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<WidgetState>,
    /// Arc: start and sweep in degrees (absent on other kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<i32>,
    /// A line drawn by angle: its angle in degrees and length in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub angle: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<i32>,
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

pub(crate) fn resolve(c: &Compiled, log: &EventLog, tick: Tick) -> FrameState {
    let cx = Resolver { c, log, tick };
    let mut text = String::new();
    FrameState {
        tick,
        widgets: c
            .roots
            .iter()
            .map(|n| cx.widget(n, 0, 0, &mut text))
            .collect(),
    }
}

/// The numeric properties of one widget at one tick: what the raster needs, without the
/// allocations of a [`WidgetState`] (the render path resolves straight into this).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Resolved {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub visible: bool,
    pub invert: bool,
    pub opacity: i32,
    pub stroke: i32,
    pub radius: i32,
    pub value: i32,
    pub min: i32,
    pub max: i32,
    pub scroll: i32,
    pub frame: i32,
    pub scroll_y: i32,
    /// Whether the widget has a text (then it is in the caller's buffer).
    pub has_text: bool,
    /// Arcs and polar lines: degrees, and a length in pixels.
    pub start: i32,
    pub sweep: i32,
    pub angle: i32,
    pub length: i32,
}

/// A sparkline's samples at one tick, oldest first, without allocating.
pub(crate) enum Samples<'a> {
    None,
    Wave {
        wave: &'a crate::scene::Wave,
        tick: Tick,
        count: usize,
    },
    Input(&'a [(Tick, Value)], &'a InputDef),
}

impl<'a> Samples<'a> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Samples::None => 0,
            Samples::Wave { count, .. } => *count,
            Samples::Input(h, _) => h.len(),
        }
    }

    /// The samples, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = i64> + 'a {
        let (wave, input, def) = match *self {
            Samples::None => (None, [].iter(), None),
            Samples::Wave { wave, tick, count } => {
                (Some(WaveWalk::new(wave, tick).take(count)), [].iter(), None)
            }
            Samples::Input(h, def) => (None, h.iter(), Some(def)),
        };
        wave.into_iter()
            .flatten()
            .chain(input.filter_map(move |(_, v)| def.map(|d| input_num(d, v))))
    }
}

/// An input's value as every reader sees it (templates, bindings, sparklines): a number is
/// clamped to the input's `min`/`max`, and so is a text that reads as a number when the input
/// has a range. The one place input values are resolved.
pub(crate) fn input_value<'v>(def: &InputDef, v: &'v Value) -> InputValue<'v> {
    let clamp = |n: i64| n.clamp(def.min.unwrap_or(i64::MIN), def.max.unwrap_or(i64::MAX));
    match v {
        Value::Int(n) => InputValue::Num(clamp(*n)),
        Value::Text(s) if def.min.is_some() || def.max.is_some() => match s.trim().parse() {
            Ok(n) => InputValue::Num(clamp(n)),
            Err(_) => InputValue::Text(s),
        },
        Value::Text(s) => InputValue::Text(s),
    }
}

/// The input's value as a number (a text that is not one reads as 0, then clamped).
fn input_num(def: &InputDef, v: &Value) -> i64 {
    match input_value(def, v) {
        InputValue::Num(n) => n,
        InputValue::Text(s) => s
            .trim()
            .parse::<i64>()
            .unwrap_or(0)
            .clamp(def.min.unwrap_or(i64::MIN), def.max.unwrap_or(i64::MAX)),
    }
}

/// The wall clock at `tick` in seconds since 1970-01-01: the latest `clock` event's value plus
/// the whole seconds since its tick, or [`Y2000`] plus the seconds since tick 0 without one.
/// Summed in `i128` and saturated to `i64`: no tick and no event value can overflow it.
pub(crate) fn wall_clock(c: &Compiled, log: &EventLog, tick: Tick) -> i64 {
    let rate = u64::from(c.tick_rate.max(1));
    let (base, since) = match log.latest(c.clock, tick) {
        // Text never reaches the log for `clock` (the engine refuses it); were it there, the
        // epoch rule is the deterministic fallback.
        Some((e, Value::Int(v))) => (*v, tick.saturating_sub(*e)),
        _ => (Y2000, tick),
    };
    let secs = i128::from(base) + i128::from(since / rate);
    secs.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

pub(crate) struct Resolver<'a> {
    pub c: &'a Compiled,
    pub log: &'a EventLog,
    pub tick: Tick,
}

fn clamp_i32(v: i64) -> i32 {
    v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

impl Resolver<'_> {
    fn raw_input(&self, i: usize) -> (&InputDef, &Value) {
        let def = &self.c.inputs[i].1;
        (def, self.log.value_at(i, self.tick).unwrap_or(&def.default))
    }

    fn input(&self, i: usize) -> InputValue<'_> {
        let (def, v) = self.raw_input(i);
        input_value(def, v)
    }

    fn input_num(&self, i: usize) -> i64 {
        let (def, v) = self.raw_input(i);
        input_num(def, v)
    }

    /// Resolves `n` (whose parent is at `ox`, `oy`), writing its text into `text`.
    pub(crate) fn props(&self, n: &Node, ox: i32, oy: i32, text: &mut String) -> Resolved {
        let t = self.tick;
        let mut p = n.base;
        for &(prop, input) in &n.binds {
            p[prop as usize] = clamp_i32(self.input_num(input));
        }
        let mut text_override: Option<&Template> = None;
        for tr in &n.tracks {
            match (&tr.target, &tr.wave) {
                (Target::Num(prop), Some(w)) => {
                    if t >= tr.start {
                        p[*prop as usize] = clamp_i32(eval_wave(w, t - tr.start, 0));
                    }
                }
                (target, None) => {
                    let (a, b, e) = track_position(tr, t);
                    match (target, &tr.keys[a].v, &tr.keys[b].v) {
                        // On/off properties switch at keyframes, like text: a lerp between 0
                        // and 1 would switch at an arbitrary point of the segment.
                        (
                            Target::Num(prop @ (Prop::Visible | Prop::Invert)),
                            KeyValue::Num(va),
                            _,
                        ) => {
                            p[*prop as usize] = clamp_i32(*va);
                        }
                        (Target::Num(prop), KeyValue::Num(va), KeyValue::Num(vb)) => {
                            p[*prop as usize] = clamp_i32(lerp(*va, *vb, e));
                        }
                        (Target::Text, KeyValue::Text(s), _) => {
                            // Text swaps at keyframes: it holds until the next key is reached.
                            text_override = Some(s);
                        }
                        _ => {}
                    }
                }
                (Target::Text, Some(_)) => {}
            }
        }
        let x = p[Prop::X as usize].saturating_add(ox);
        let y = p[Prop::Y as usize].saturating_add(oy);

        text.clear();
        let has_text = match text_override.or(n.text.as_ref()) {
            Some(tpl) => {
                let clock = wall_clock(self.c, self.log, t);
                tpl.expand(t, self.c.tick_rate, clock, text, |i| self.input(i));
                true
            }
            None => false,
        };

        let mut scroll = p[Prop::Scroll as usize];
        if n.kind == Kind::Marquee {
            // i128: `tick / every * speed` must not wrap even for ticks near u64::MAX.
            let steps = i128::from(t / n.every as u64);
            let auto = steps * i128::from(p[Prop::Speed as usize]);
            let text_w = i128::from(n.font.cycle_width(text));
            let cycle = (text_w + i128::from(n.gap)).max(1);
            scroll = (auto + i128::from(scroll)).rem_euclid(cycle) as i32;
        }
        let mut frame = p[Prop::Frame as usize];
        if n.kind == Kind::Image {
            frame = n.timing.as_ref().map_or(0, |tm| tm.frame_at(t)) as i32;
        }
        if n.kind == Kind::Sprite {
            let count = n.frames.len().max(1) as i128;
            let auto = i128::from(t / n.frame_ticks as u64);
            frame = (auto + i128::from(frame)).rem_euclid(count) as i32;
        }
        Resolved {
            x,
            y,
            w: p[Prop::W as usize],
            h: p[Prop::H as usize],
            visible: p[Prop::Visible as usize] != 0,
            invert: p[Prop::Invert as usize] != 0,
            opacity: p[Prop::Opacity as usize].clamp(0, 16),
            stroke: p[Prop::Stroke as usize].clamp(0, 64),
            radius: p[Prop::Radius as usize].max(0),
            value: p[Prop::Value as usize],
            min: p[Prop::Min as usize],
            max: p[Prop::Max as usize],
            scroll,
            frame,
            scroll_y: p[Prop::ScrollY as usize],
            has_text,
            start: p[Prop::Start as usize],
            sweep: p[Prop::Sweep as usize],
            angle: p[Prop::Angle as usize],
            length: p[Prop::Length as usize],
        }
    }

    /// The samples of a sparkline of width `w` (the newest `w` values, at most
    /// [`MAX_SPARKLINE_POINTS`]).
    pub(crate) fn samples<'s>(&'s self, n: &'s Node, w: i32) -> Samples<'s> {
        let count = w.clamp(0, MAX_SPARKLINE_POINTS) as usize;
        match &n.series {
            Some(CSeries::Wave { wave, .. }) => Samples::Wave {
                wave,
                tick: self.tick,
                count,
            },
            Some(CSeries::Input { input, .. }) => Samples::Input(
                self.log.history(*input, self.tick, count),
                &self.c.inputs[*input].1,
            ),
            None => Samples::None,
        }
    }

    fn widget(&self, n: &Node, ox: i32, oy: i32, text: &mut String) -> WidgetState {
        let r = self.props(n, ox, oy, text);
        let text = r.has_text.then(|| text.clone());
        let s = self.samples(n, r.w);
        let samples = s.iter().collect();
        let mut buf = String::new();
        let children = n
            .children
            .iter()
            .map(|c| self.widget(c, r.x, r.y, &mut buf))
            .collect();
        WidgetState {
            id: n.id.clone(),
            kind: n.kind,
            x: r.x,
            y: r.y,
            w: r.w,
            h: r.h,
            visible: r.visible,
            invert: r.invert,
            opacity: r.opacity,
            stroke: r.stroke,
            radius: r.radius,
            value: r.value,
            min: r.min,
            max: r.max,
            scroll: r.scroll,
            frame: r.frame,
            scroll_y: r.scroll_y,
            text,
            samples,
            children,
            start: (n.kind == Kind::Arc).then_some(r.start),
            sweep: (n.kind == Kind::Arc).then_some(r.sweep),
            angle: n.polar.then_some(r.angle),
            length: n.polar.then_some(r.length),
        }
    }
}
