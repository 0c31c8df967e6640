//! The engine: a compiled scene plus its event log. Every query is a pure function of the tick.

use crate::error::{EventError, SceneError, SnapshotError};
use crate::event::{Event, EventLog, CLOCK_INPUT};
use crate::frame::Frame;
use crate::scene::{Scene, Value};
use crate::state::FrameState;
use crate::Tick;
use alloc::format;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;

use crate::compile::compile;
use crate::model::Compiled;

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
    ///
    /// ```
    /// use tinydisplay::{Engine, Scene};
    /// let scene: Scene = tinydisplay::parse_scene("s.toml", b"display = { width = 96, height = 16 }").unwrap();
    /// let engine = Engine::new(scene).unwrap();
    /// assert_eq!((engine.width(), engine.height(), engine.tick_rate()), (96, 16, 60));
    /// ```
    pub fn new(scene: Scene) -> Result<Engine, SceneError> {
        Engine::with_assets(scene, crate::asset::Assets::default())
    }

    /// Validates and compiles a scene whose images and fonts were decoded by the shell (the
    /// `tinydisplay-assets` crate reads and decodes them). A file the scene names that `assets`
    /// lacks is an error at its field: `asset "logo.png" was not loaded`.
    ///
    /// ```
    /// use tinydisplay::{asset::Assets, Engine};
    /// let scene = tinydisplay::parse_scene_text("s.toml", b"display = { width = 96, height = 16 }").unwrap();
    /// let engine = Engine::with_assets(scene, Assets::default()).unwrap();
    /// assert!(engine.assets().is_empty());
    /// ```
    pub fn with_assets(scene: Scene, assets: crate::asset::Assets) -> Result<Engine, SceneError> {
        // Without the text there are no positions: the first error in check order.
        compile(&scene, assets)
            .map(Engine::from_compiled)
            .map_err(|mut errors| errors.swap_remove(0))
    }

    fn from_compiled(compiled: Compiled) -> Engine {
        let events = EventLog::new(compiled.inputs.len());
        Engine {
            compiled: Arc::new(compiled),
            events: Arc::new(events),
        }
    }

    /// Parses TOML or JSON (see [`crate::Format::detect`]) and compiles it.
    ///
    /// Errors name the file and the place: `file:line:col: message` for syntax and type errors,
    /// `file:line:col: field.path: message` for invalid values.
    ///
    /// ```
    /// use tinydisplay::Engine;
    /// let json = br#"{"display": {"width": 128, "height": 32}, "widgets": [{"kind": "rect", "w": 4, "h": 4, "fill": true}]}"#;
    /// let engine = Engine::from_source("scene.json", json).unwrap();
    /// assert_eq!(engine.render(0).lit(), 16);
    ///
    /// let src = b"display = { width = 128, height = 64 }\n[[widgets]]\nkind = \"rect\"\nw = -3\n";
    /// let err = Engine::from_source("bad.toml", src).unwrap_err();
    /// assert_eq!(err.to_string(), "bad.toml:4:5: widgets[0].w: -3 is out of range: expected 0..=32767");
    /// ```
    pub fn from_source(file: &str, bytes: &[u8]) -> Result<Engine, SceneError> {
        Engine::from_source_with_assets(file, bytes, crate::asset::Assets::default())
    }

    /// [`Engine::from_source`] for a scene that names files: `assets` holds them decoded, by
    /// the path as written in the scene (see [`crate::asset`]).
    pub fn from_source_with_assets(
        file: &str,
        bytes: &[u8],
        assets: crate::asset::Assets,
    ) -> Result<Engine, SceneError> {
        crate::load::load(file, bytes, assets).map(Engine::from_compiled)
    }

    /// The decoded files the scene was compiled with.
    pub fn assets(&self) -> &crate::asset::Assets {
        &self.compiled.assets
    }

    pub fn scene(&self) -> &Scene {
        &self.compiled.scene
    }

    /// Characters of the scene's literal text (not placeholders) that the chosen fonts lack and
    /// draw as their replacement glyph, one entry per text field, in file order.
    ///
    /// ```
    /// let scene = "display = { width = 32, height = 8 }\n[[widgets]]\nkind = \"text\"\ntext = \"21°C\"\n";
    /// let engine = tinydisplay::Engine::from_source("s.toml", scene.as_bytes()).unwrap();
    /// let missing = engine.missing_glyphs();
    /// assert_eq!(missing[0].path, "widgets[0].text");
    /// assert_eq!(missing[0].chars, ['°']); // the default 6x10 font is ASCII only
    /// ```
    pub fn missing_glyphs(&self) -> Vec<crate::MissingGlyphs> {
        let fonts = &self.compiled.assets.fonts;
        crate::missing::missing_glyphs(&self.compiled.scene.widgets, &|name| {
            fonts
                .get(name)
                .and_then(|f| crate::glyph::GlyphFont::from_asset(f).ok())
        })
    }

    /// [`Engine::missing_glyphs`] as warnings located in the scene's text (`file`, `text`: the
    /// file the engine was loaded from), formatted like errors: `FILE:LINE:COL: PATH: ...`.
    pub fn missing_glyph_warnings(&self, file: &str, text: &str) -> Vec<SceneError> {
        crate::missing::located(file, text, &self.missing_glyphs())
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

    /// Degrees clockwise the scene is turned on the panel (`display.rotate`): 0, 90, 180 or 270.
    pub fn rotate(&self) -> u16 {
        self.compiled.scene.display.rotate.unwrap_or(0) as u16
    }

    /// Whether the scene sets any display care (`contrast`, `on`, `shift`, `dim`, `off`,
    /// `bind`, `animate` in `display`); without it sinks send the panel nothing but the picture.
    pub fn has_display_care(&self) -> bool {
        crate::display_state::has_care(&self.compiled.scene.display)
    }

    /// Contrast, sleep and pixel shift at `tick`: a pure function of the tick and the event log
    /// (docs/scene-format.md, "Display care").
    ///
    /// ```
    /// let src = "[display]\nwidth = 32\nheight = 8\ntick_rate = 1\ncontrast = 200\ndim = { after_idle = 10, contrast = 20 }\n";
    /// let engine = tinydisplay::Engine::from_source("s.toml", src.as_bytes()).unwrap();
    /// assert_eq!(engine.display_at(9).contrast, 200);
    /// assert_eq!(engine.display_at(10).contrast, 20);
    /// ```
    pub fn display_at(&self, tick: Tick) -> crate::DisplayState {
        let c = &self.compiled;
        let d = &c.scene.display;
        let bound = d.bind.get("contrast").and_then(|name| {
            let i = c.input_index(name)?;
            let def = &c.inputs[i].1;
            // From the input's first event on: before it the scene's own contrast applies.
            let v = self.events.value_at(i, tick)?;
            match crate::state::input_value(def, v) {
                crate::text::InputValue::Num(n) => Some(n),
                crate::text::InputValue::Text(_) => None,
            }
        });
        let n = self.events.all.partition_point(|e| e.tick <= tick);
        let last_input = self.events.all[..n]
            .iter()
            .rev()
            .find(|e| e.input != crate::event::CLOCK_INPUT)
            .map(|e| e.tick);
        crate::display_state::state_at(
            d,
            &crate::display_state::Inputs {
                tick,
                tick_rate: c.tick_rate,
                bound,
                last_input,
                wall_clock: crate::state::wall_clock(c, &self.events, tick),
            },
        )
    }

    /// Events pushed so far, sorted by tick (stable for equal ticks).
    pub fn events(&self) -> &[Event] {
        &self.events.all
    }

    /// Where things happen in `from..to` (at most `max`, by tick): each track's keyframes where
    /// the timelines scheduled them, the starts of top-level timelines, and the events. What an
    /// editor's timeline strip shows.
    ///
    /// ```
    /// use tinydisplay::{Engine, MarkKind};
    /// let src = "display = { width = 32, height = 8 }\n[[widgets]]\nkind = \"rect\"\nanimate = [{ id = \"slide\", prop = \"x\", keys = [{ t = 0, v = 0 }, { t = 7, v = 9 }] }]\n[timelines.intro]\nmode = \"sequence\"\nitems = [\"slide\"]\nstart = 30\n";
    /// let engine = Engine::from_source("s.toml", src.as_bytes()).unwrap();
    /// let got: Vec<_> = engine.marks(0, 100, 10).iter().map(|m| (m.tick, m.kind)).collect();
    /// assert_eq!(got, [(30, MarkKind::Key), (30, MarkKind::Timeline), (37, MarkKind::Key)]);
    /// ```
    pub fn marks(&self, from: Tick, to: Tick, max: usize) -> Vec<crate::Mark> {
        crate::marks::marks(&self.compiled, &self.events.all, from, to, max)
    }

    /// How many events the engine holds (what [`Engine::compact_before`] bounds).
    pub fn event_count(&self) -> usize {
        self.events.all.len()
    }

    /// Drops the events that no frame at `tick` or later can see, so that a live feed that
    /// runs for weeks holds a bounded log. Per input it keeps the latest event at or before
    /// `tick` (the value, the wall clock and the display care's idle time read no further back)
    /// and, for an input a sparkline draws, the events before it that the widest sparkline could
    /// show ([`crate::limits::MAX_SPARKLINE_POINTS`] in all, as a width may be animated); every
    /// event after `tick` stays. Frames, [`Engine::display_at`] and [`Engine::inputs_at`] at
    /// ticks >= `tick` are unchanged; earlier ticks may change. [`Engine::events`] and
    /// [`Engine::snapshot`] then hold only what is left. Returns how many events were dropped.
    ///
    /// ```
    /// use tinydisplay::{Engine, Event, Value};
    /// let src = "display = { width = 32, height = 8 }\n[inputs]\ncpu = { default = 0 }\n[[widgets]]\nkind = \"text\"\ntext = \"{cpu}\"\n";
    /// let mut engine = Engine::from_source("s.toml", src.as_bytes()).unwrap();
    /// for t in 0..10 {
    ///     engine.push_event(Event::new(t, "cpu", Value::Int(t as i64))).unwrap();
    /// }
    /// let before = engine.render(7);
    /// assert_eq!(engine.compact_before(7), 7);
    /// assert_eq!(engine.event_count(), 3);
    /// assert_eq!(engine.render(7), before);
    /// ```
    pub fn compact_before(&mut self, tick: Tick) -> usize {
        let c = &self.compiled;
        let mut keep = alloc::vec![1usize; c.inputs.len()];
        fn walk(nodes: &[crate::model::Node], keep: &mut [usize]) {
            for n in nodes {
                if let Some(crate::model::CSeries::Input { input, .. }) = &n.series {
                    if let Some(k) = keep.get_mut(*input) {
                        *k = (*k).max(crate::limits::MAX_SPARKLINE_POINTS.max(1) as usize);
                    }
                }
                walk(&n.children, keep);
            }
        }
        walk(&c.roots, &mut keep);
        let before = self.events.all.len();
        let log = self
            .events
            .compacted_before(tick, &keep, |name| c.input_index(name));
        let dropped = before - log.all.len();
        if dropped > 0 {
            self.events = Arc::new(log);
        }
        dropped
    }

    /// Adds an input event. Returns the first tick whose frame may change (the event's tick).
    ///
    /// ```
    /// use tinydisplay::{Engine, Event, Value};
    /// let src = "display = { width = 128, height = 16 }\n[inputs]\ncpu = { default = 0 }\n[[widgets]]\nkind = \"text\"\ntext = \"cpu {cpu}%\"\n";
    /// let mut engine = Engine::from_source("s.toml", src.as_bytes()).unwrap();
    /// assert_eq!(engine.push_event(Event::new(30, "cpu", Value::Int(42))), Ok(30));
    /// assert_eq!(engine.frame_state(29).widgets[0].text.as_deref(), Some("cpu 0%"));
    /// assert_eq!(engine.frame_state(30).widgets[0].text.as_deref(), Some("cpu 42%"));
    /// assert!(engine.push_event(Event::new(1, "gpu", Value::Int(1))).is_err());
    /// ```
    ///
    /// Events may arrive out of order; the log stays sorted by tick, and events with equal ticks
    /// keep their arrival order (the later one wins).
    pub fn push_event(&mut self, event: Event) -> Result<Tick, EventError> {
        let Some(input) = self.compiled.input_index(&event.input) else {
            return Err(self.unknown_input(&event.input, 0));
        };
        self.check_value(input, &event, 0)?;
        let tick = event.tick;
        Arc::make_mut(&mut self.events).insert(input, event)?;
        Ok(tick)
    }

    /// Adds many events in O(n log n) whatever their order, with the same result as pushing
    /// them one by one. All or nothing: an error's `line` is the 1-based position of the
    /// offending event in `events`, and the engine is left unchanged. At most
    /// [`crate::MAX_EVENTS`] events in all and [`crate::MAX_EVENTS_PER_TICK`] at one tick.
    pub fn push_events(
        &mut self,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<(), EventError> {
        let numbered = events
            .into_iter()
            .enumerate()
            .map(|(i, e)| (u32::try_from(i + 1).unwrap_or(u32::MAX), e));
        self.push_numbered(numbered)
    }

    /// Parses a `TICK NAME=VALUE` log (see [`crate::parse_event_log`]) and adds its events like
    /// [`Engine::push_events`]; an error's `line` is the log line.
    ///
    /// ```
    /// let src = "display = { width = 128, height = 16 }\n[inputs]\ncpu = { default = 0 }\n";
    /// let mut engine = tinydisplay::Engine::from_source("s.toml", src.as_bytes()).unwrap();
    /// engine.push_event_log("90 cpu=3\n# any order\n30 cpu=1\n").unwrap();
    /// assert_eq!(engine.events()[0].tick, 30);
    /// assert_eq!(engine.push_event_log("1 cpu=1\n2 gpu=1\n").unwrap_err().line, 2);
    /// assert_eq!(engine.events().len(), 2);
    /// ```
    pub fn push_event_log(&mut self, text: &str) -> Result<(), EventError> {
        self.push_numbered(crate::event::parse_event_log_lines(text)?)
    }

    fn push_numbered(
        &mut self,
        events: impl IntoIterator<Item = (u32, Event)>,
    ) -> Result<(), EventError> {
        // `compiled.inputs` is in name (`BTreeMap`) order: a binary search keeps a big log
        // against a scene with many inputs at O(n log inputs).
        let inputs = &self.compiled.inputs;
        let mut batch = Vec::new();
        for (line, event) in events {
            match inputs
                .binary_search_by(|(n, _)| n.as_str().cmp(&event.input))
                .ok()
            {
                Some(input) => {
                    self.check_value(input, &event, line)?;
                    batch.push((input, event, line));
                }
                None => return Err(self.unknown_input(&event.input, line)),
            }
        }
        Arc::make_mut(&mut self.events).extend(batch)
    }

    /// The reserved `clock` takes integers only: a text would have no time to show.
    fn check_value(&self, input: usize, event: &Event, line: u32) -> Result<(), EventError> {
        match &event.value {
            Value::Text(t) if input == self.compiled.clock => Err(EventError {
                line,
                message: format!(
                    "`{CLOCK_INPUT}` takes an integer (local time in seconds since 1970-01-01), got the text {t:?}"
                ),
            }),
            _ => Ok(()),
        }
    }

    fn unknown_input(&self, name: &str, line: u32) -> EventError {
        EventError {
            line,
            message: format!(
                "unknown input {name:?}; the scene declares: {} (and every scene has `{CLOCK_INPUT}`)",
                self.input_names()
            ),
        }
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

    /// Every widget's resolved properties at `tick`, in drawing order. Pure; the cost does not
    /// depend on `tick` (tracks and waves are evaluated in closed form, inputs by binary search).
    ///
    /// ```
    /// let src = "display = { width = 128, height = 64 }\n[[widgets]]\nkind = \"rect\"\nanimate = [{ prop = \"x\", keys = [{ t = 0, v = 0 }, { t = 10, v = 100 }] }]\n";
    /// let engine = tinydisplay::Engine::from_source("s.toml", src.as_bytes()).unwrap();
    /// assert_eq!(engine.frame_state(5).widgets[0].x, 50);
    /// assert_eq!(engine.frame_state(1_000_000_000).widgets[0].x, 100);
    /// ```
    pub fn frame_state(&self, tick: Tick) -> FrameState {
        crate::state::resolve(&self.compiled, &self.events, tick)
    }

    /// Every declared input's value in force at `tick` (the latest event at or before it, else
    /// the default), as the scene's widgets read it: numbers clamped to the input's `min`/`max`.
    /// In declaration-name order. What a UI shows beside the frame, so it cannot disagree with it.
    ///
    /// ```
    /// use tinydisplay::{Engine, Event, Value};
    /// let src = "display = { width = 32, height = 8 }\ninputs = { cpu = { default = 5, min = 0, max = 100 } }\n";
    /// let mut engine = Engine::from_source("s.toml", src.as_bytes()).unwrap();
    /// engine.push_event(Event::new(10, "cpu", Value::Int(150))).unwrap();
    /// assert_eq!(engine.inputs_at(9), vec![("cpu".to_string(), Value::Int(5))]);
    /// assert_eq!(engine.inputs_at(10), vec![("cpu".to_string(), Value::Int(100))]);
    /// ```
    pub fn inputs_at(&self, tick: Tick) -> Vec<(alloc::string::String, crate::scene::Value)> {
        use crate::scene::Value;
        use crate::text::InputValue;
        let c = &self.compiled;
        // The reserved `clock` slot is not a declared input: its value is a time of day that
        // templates derive per tick (`{time:..}`), not a value a UI edits.
        c.inputs
            .iter()
            .enumerate()
            .filter(|(_, (name, _))| name != crate::event::CLOCK_INPUT)
            .map(|(i, (name, def))| {
                let raw = self.events.value_at(i, tick).unwrap_or(&def.default);
                let v = match crate::state::input_value(def, raw) {
                    InputValue::Num(n) => Value::Int(n),
                    InputValue::Text(s) => Value::Text(s.into()),
                };
                (name.clone(), v)
            })
            .collect()
    }

    /// The frame at `tick`: the same bytes on every target, in any order, on any thread.
    ///
    /// ```
    /// let src = "display = { width = 16, height = 8 }\n[[widgets]]\nkind = \"line\"\nw = 15\n";
    /// let engine = tinydisplay::Engine::from_source("s.toml", src.as_bytes()).unwrap();
    /// let frame = engine.render(0);
    /// assert_eq!(frame.as_bytes()[..16], [1u8; 16]);
    /// assert_eq!(frame.hash().to_string().len(), 16);
    /// ```
    pub fn render(&self, tick: Tick) -> Frame {
        let mut frame = Frame::new(self.width(), self.height());
        self.render_into(tick, &mut frame);
        frame
    }

    /// Renders into an existing frame (replaced if its size differs), so a loop reuses one
    /// buffer.
    ///
    /// ```
    /// # let engine = tinydisplay::Engine::from_source("s.toml", b"display = { width = 128, height = 64 }").unwrap();
    /// let mut frame = tinydisplay::Frame::new(128, 64);
    /// for tick in 0..3 {
    ///     engine.render_into(tick, &mut frame);
    ///     assert_eq!(frame, engine.render(tick));
    /// }
    /// ```
    pub fn render_into(&self, tick: Tick, frame: &mut Frame) {
        if frame.width() != self.width() || frame.height() != self.height() {
            *frame = Frame::new(self.width(), self.height());
        }
        frame.clear();
        crate::raster::draw(&self.compiled, &self.events, tick, frame);
        self.shift_frame(tick, frame);
    }

    /// `display.shift`: moves the whole picture (pixels moved off the panel are dropped). A
    /// scene without it is drawn as it always was.
    fn shift_frame(&self, tick: Tick, frame: &mut Frame) {
        if self.compiled.scene.display.shift.is_none() {
            return;
        }
        let (dx, dy) = self.display_at(tick).shift;
        crate::display_state::shift_frame(frame, i32::from(dx), i32::from(dy));
    }

    /// [`Engine::render_into`] that also returns the work it did: page bytes touched and
    /// primitives drawn, counted deterministically (the same numbers on every target). The
    /// drawing is clipped before rasterising, so the work stays within
    /// [`crate::RenderStats::within_bound`] whatever the shapes' sizes and positions.
    ///
    /// ```
    /// let src = b"display = { width = 16, height = 8 }\n[[widgets]]\nkind = \"rect\"\nw = 16\nh = 8\nfill = true\n";
    /// let engine = tinydisplay::Engine::from_source("s.toml", src).unwrap();
    /// let mut frame = tinydisplay::Frame::new(16, 8);
    /// let stats = engine.render_counting(0, &mut frame);
    /// assert_eq!((stats.bytes_touched, stats.primitives), (16, 1));
    /// assert_eq!(frame, engine.render(0));
    /// ```
    pub fn render_counting(&self, tick: Tick, frame: &mut Frame) -> crate::RenderStats {
        if frame.width() != self.width() || frame.height() != self.height() {
            *frame = Frame::new(self.width(), self.height());
        }
        frame.clear();
        let stats = crate::raster::draw(&self.compiled, &self.events, tick, frame);
        self.shift_frame(tick, frame);
        stats
    }

    /// Frames for every tick in `range`, in order.
    ///
    /// ```
    /// # let engine = tinydisplay::Engine::from_source("s.toml", b"display = { width = 128, height = 64 }").unwrap();
    /// let frames = engine.render_range(10..13);
    /// assert_eq!(frames.len(), 3);
    /// assert_eq!(frames[2], engine.render(12));
    /// ```
    pub fn render_range(&self, range: Range<Tick>) -> Vec<Frame> {
        range.map(|t| self.render(t)).collect()
    }

    /// Serializes scene, event log and `tick`: `b"TDSNAP"`, a u16 format version, the raw and
    /// packed payload lengths, a 16-byte BLAKE3 checksum of the packed bytes, then the
    /// lz4-compressed postcard payload. Equal engines give equal bytes.
    pub fn snapshot(&self, tick: Tick) -> Vec<u8> {
        crate::snapshot::encode(
            &self.compiled.scene,
            &self.compiled.assets,
            &self.events.all,
            tick,
        )
    }

    /// Restores an engine and its tick from [`Engine::snapshot`] bytes. Damaged bytes give a
    /// typed [`SnapshotError`], never a panic.
    ///
    /// ```
    /// use tinydisplay::{Engine, SnapshotError};
    /// let engine = Engine::from_source("s.toml", b"display = { width = 128, height = 64 }").unwrap();
    /// let bytes = engine.snapshot(99);
    /// let (restored, tick) = Engine::restore(&bytes).unwrap();
    /// assert_eq!((tick, restored.render(tick)), (99, engine.render(99)));
    /// assert_eq!(Engine::restore(b"not a snapshot").unwrap_err(), SnapshotError::BadMagic);
    /// ```
    pub fn restore(bytes: &[u8]) -> Result<(Engine, Tick), SnapshotError> {
        let (scene, assets, events, tick) = crate::snapshot::decode(bytes)?;
        let mut engine = Engine::with_assets(scene, assets).map_err(SnapshotError::Scene)?;
        engine
            .push_events(events)
            .map_err(|e| SnapshotError::Decode(format!("event log: {e}")))?;
        Ok((engine, tick))
    }
}
