//! The engine: a compiled scene plus its event log. Every query is a pure function of the tick.

use crate::error::{EventError, SceneError, SnapshotError};
use crate::event::{Event, EventLog};
use crate::frame::Frame;
use crate::scene::Scene;
use crate::state::FrameState;
use crate::Tick;
use alloc::format;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;

pub(crate) use crate::anim::compile;
pub(crate) use crate::anim::Compiled;

/// A scene ready to render, plus the input events pushed so far.
///
/// Cloning is cheap (two `Arc`s), so workers share one engine; `push_event` copies the event log
/// on write, so a clone held by a worker keeps seeing the log it was given.
#[derive(Clone)]
pub struct Engine {
    compiled: Arc<Compiled>,
    events: Arc<EventLog>,
}

impl core::fmt::Debug for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine")
            .field("width", &self.width())
            .field("height", &self.height())
            .field("events", &self.events.all.len())
            .finish()
    }
}

impl Engine {
    /// Validates and compiles a scene.
    pub fn new(scene: Scene) -> Result<Engine, SceneError> {
        let compiled = compile(&scene)?;
        let events = EventLog::new(compiled.inputs.len());
        Ok(Engine {
            compiled: Arc::new(compiled),
            events: Arc::new(events),
        })
    }

    /// Parses TOML or JSON (see [`crate::Format::detect`]) and compiles it.
    pub fn from_source(file: &str, bytes: &[u8]) -> Result<Engine, SceneError> {
        let scene = crate::load::parse_unvalidated(file, bytes)?;
        Engine::new(scene).map_err(|e| e.with_file(file))
    }

    pub fn scene(&self) -> &Scene {
        &self.compiled.scene
    }

    pub fn width(&self) -> u16 {
        self.compiled.width
    }

    pub fn height(&self) -> u16 {
        self.compiled.height
    }

    /// Ticks per second.
    pub fn tick_rate(&self) -> u32 {
        self.compiled.tick_rate
    }

    /// Events pushed so far, sorted by tick (stable for equal ticks).
    pub fn events(&self) -> &[Event] {
        &self.events.all
    }

    /// Adds an input event. Returns the first tick whose frame may change (the event's tick).
    ///
    /// Events may arrive out of order; the log stays sorted by tick, and events with equal ticks
    /// keep their arrival order (the later one wins).
    pub fn push_event(&mut self, event: Event) -> Result<Tick, EventError> {
        let Some(input) = self.compiled.input_index(&event.input) else {
            return Err(EventError {
                line: 0,
                message: format!(
                    "unknown input {:?}; the scene declares: {}",
                    event.input,
                    self.input_names()
                ),
            });
        };
        let tick = event.tick;
        Arc::make_mut(&mut self.events).insert(input, event);
        Ok(tick)
    }

    fn input_names(&self) -> alloc::string::String {
        let names: Vec<&str> = self
            .compiled
            .scene
            .inputs
            .keys()
            .map(|s| s.as_str())
            .collect();
        if names.is_empty() {
            "(no inputs)".into()
        } else {
            names.join(", ")
        }
    }

    /// Every widget's resolved properties at `tick`. Pure; cost does not depend on `tick`.
    pub fn frame_state(&self, tick: Tick) -> FrameState {
        crate::state::resolve(&self.compiled, &self.events, tick)
    }

    /// The frame at `tick`.
    pub fn render(&self, tick: Tick) -> Frame {
        let mut frame = Frame::new(self.width(), self.height());
        self.render_into(tick, &mut frame);
        frame
    }

    /// Renders into an existing frame of the right size (no allocation for the frame itself).
    pub fn render_into(&self, tick: Tick, frame: &mut Frame) {
        if frame.width() != self.width() || frame.height() != self.height() {
            *frame = Frame::new(self.width(), self.height());
        }
        frame.clear();
        crate::raster::draw(&self.compiled, &self.events, tick, frame);
    }

    /// Frames for every tick in `range`, in order.
    pub fn render_range(&self, range: Range<Tick>) -> Vec<Frame> {
        range.map(|t| self.render(t)).collect()
    }

    /// Serializes scene, event log and `tick` (see [`crate::snapshot`] for the format).
    pub fn snapshot(&self, tick: Tick) -> Vec<u8> {
        crate::snapshot::encode(&self.compiled.scene, &self.events.all, tick)
    }

    /// Restores an engine and its tick from [`Engine::snapshot`] bytes.
    pub fn restore(bytes: &[u8]) -> Result<(Engine, Tick), SnapshotError> {
        let (scene, events, tick) = crate::snapshot::decode(bytes)?;
        let mut engine = Engine::new(scene).map_err(SnapshotError::Scene)?;
        for e in events {
            engine
                .push_event(e)
                .map_err(|e| SnapshotError::Decode(format!("event log: {e}")))?;
        }
        Ok((engine, tick))
    }
}
