//! Resolved widget properties at one tick: the pure "what" before the raster's "how".

use crate::anim::{self, CSeries, Compiled, KeyValue, Node, Prop, Target};
use crate::event::EventLog;
use crate::fixed::lerp;
use crate::scene::{Kind, Value};
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Sparkline samples, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<WidgetState>,
}

pub(crate) fn resolve(c: &Compiled, log: &EventLog, tick: Tick) -> FrameState {
    let cx = Resolver { c, log, tick };
    FrameState { tick, widgets: c.roots.iter().map(|n| cx.node(n, 0, 0)).collect() }
}

struct Resolver<'a> {
    c: &'a Compiled,
    log: &'a EventLog,
    tick: Tick,
}

fn clamp_i32(v: i64) -> i32 {
    v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

impl Resolver<'_> {
    fn input(&self, i: usize) -> &Value {
        self.log.value_at(i, self.tick).unwrap_or(&self.c.inputs[i].1.default)
    }

    fn input_num(&self, i: usize) -> i64 {
        let def = &self.c.inputs[i].1;
        let v = match self.input(i) {
            Value::Int(n) => *n,
            Value::Text(t) => t.trim().parse().unwrap_or(0),
        };
        v.clamp(def.min.unwrap_or(i64::MIN), def.max.unwrap_or(i64::MAX))
    }

    fn node(&self, n: &Node, ox: i32, oy: i32) -> WidgetState {
        let t = self.tick;
        let mut p = n.base;
        for &(prop, input) in &n.binds {
            p[prop as usize] = clamp_i32(self.input_num(input));
        }
        let mut text_override: Option<&str> = None;
        for tr in &n.tracks {
            match (&tr.target, &tr.wave) {
                (Target::Num(prop), Some(w)) => {
                    let from = t.saturating_sub(tr.start);
                    if t >= tr.start {
                        p[*prop as usize] = clamp_i32(anim::eval_wave(w, from, 0));
                    }
                }
                (target, None) => {
                    let (a, b, e) = anim::track_position(tr, t);
                    match (target, &tr.keys[a].v, &tr.keys[b].v) {
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

        let text = match (text_override, &n.text) {
            (Some(s), _) => Some(String::from(s)),
            (None, Some(tpl)) => {
                let mut s = String::new();
                tpl.expand(t, self.c.tick_rate, &mut s, |i| self.input(i));
                Some(s)
            }
            (None, None) => None,
        };

        let mut scroll = p[Prop::Scroll as usize];
        if n.kind == Kind::Marquee {
            let steps = (t / n.every as u64) as i64;
            let auto = steps.wrapping_mul(i64::from(p[Prop::Speed as usize]));
            // Reduce modulo the scroll cycle here, so that huge ticks stay exact in i32.
            let text_w = text.as_ref().map_or(0, |s| s.chars().count() as i64)
                * i64::from(n.font.character_size.width + n.font.character_spacing);
            let cycle = (text_w + i64::from(n.gap)).max(1);
            scroll = (auto + i64::from(scroll)).rem_euclid(cycle) as i32;
        }
        let mut frame = p[Prop::Frame as usize];
        if n.kind == Kind::Sprite {
            let count = n.frames.len() as i64;
            let auto = (t / n.frame_ticks as u64) as i64;
            frame = (auto + i64::from(frame)).rem_euclid(count.max(1)) as i32;
        }
        let w = p[Prop::W as usize];
        let samples = match (&n.series, n.kind) {
            (Some(CSeries::Wave { wave, .. }), _) => (0..w.max(0))
                .map(|i| anim::eval_wave(wave, t, i64::from(i) * i64::from(wave.step)))
                .collect(),
            (Some(CSeries::Input { input, .. }), _) => self
                .log
                .history(*input, t, w.max(0) as usize)
                .iter()
                .map(|(_, v)| match v {
                    Value::Int(n) => *n,
                    Value::Text(s) => s.trim().parse().unwrap_or(0),
                })
                .collect(),
            (None, _) => Vec::new(),
        };
        let children = n.children.iter().map(|c| self.node(c, x, y)).collect();
        WidgetState {
            id: n.id.clone(),
            kind: n.kind,
            x,
            y,
            w,
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
            text,
            samples,
            children,
        }
    }
}
