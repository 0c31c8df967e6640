//! tinydisplay in the browser: the engine, a parallel precompute cache and the honest bus preview,
//! exposed to JavaScript through wasm-bindgen.
//!
//! Frames are precomputed by the runtime's [`tinydisplay_runtime::Precomputer`], the same one the
//! Pi player uses, into its byte-bounded cache: frames behind the playhead are evicted first, then
//! the farthest ahead; an event drops the frames from its tick on.
//!
//! One source, two builds: with the `threads` feature (nightly, atomics, shared memory) the
//! precomputer and rayon run on wasm-bindgen-rayon's Web Worker pool (`initThreadPool(n)`
//! first); without it rayon code runs on the calling thread, and so does the precomputer
//! ([`tinydisplay_runtime::PoolChoice::None`] with `compute_here`). Rayon blocks its caller, which a page's main thread may not
//! do, so the site calls this module from a dedicated worker (`www/engine-worker.js`).
//!
//! Ticks cross the boundary as JS numbers (exact integers up to 2^53), checked on entry.
//!
//! ```
//! // Native use of the same code paths the bindings call (the wasm tests call the bindings).
//! let sim = tinydisplay_web::Core::new("a.toml", "display = { width = 128, height = 64 }\n").unwrap();
//! assert_eq!(sim.engine().render(0).hash().to_string().len(), 16);
//! ```

use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tinydisplay::{Engine, Event, Frame, SceneError, Tick, Value};
use tinydisplay_runtime::cache::entry_bytes;
use tinydisplay_runtime::{Clock, Lookahead, Metrics, PoolChoice, Precomputer};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub mod bus;
pub mod export;

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

/// Milliseconds from a monotonic clock, for the stats panel only (never reaches a frame).
#[cfg(target_arch = "wasm32")]
fn now_ms() -> f64 {
    perf::now_ms()
}

#[cfg(not(target_arch = "wasm32"))]
fn now_ms() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
        * 1000.0
}

/// `"threads"` or `"single-thread"`: which build this is.
#[wasm_bindgen(js_name = buildKind)]
pub fn build_kind() -> String {
    if cfg!(feature = "threads") {
        "threads"
    } else {
        "single-thread"
    }
    .into()
}

/// Rayon's worker count (1 in the single-thread build).
#[wasm_bindgen]
pub fn workers() -> usize {
    rayon::current_num_threads()
}

/// Largest tick a JS number carries exactly.
const MAX_TICK: f64 = 9_007_199_254_740_991.0;

fn tick_of(v: f64) -> Result<Tick, JsValue> {
    if v.is_finite() && (0.0..=MAX_TICK).contains(&v) && v.fract() == 0.0 {
        Ok(v as Tick)
    } else {
        Err(js_sys::Error::new(&format!("tick {v} is not an integer in 0..=2^53-1")).into())
    }
}

fn err(msg: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&msg.to_string()).into()
}

fn set(obj: &js_sys::Object, key: &str, value: impl Into<JsValue>) {
    // Reflect::set only fails on frozen objects or proxies; ours are fresh plain objects.
    let _ = js_sys::Reflect::set(obj, &key.into(), &value.into());
}

/// A scene error as a JS `Error` with `file`, `line`, `column` (and its short name `col`; 1-based,
/// 0 = unknown), `path` and `detail` (the message without the location) properties.
fn scene_error(e: &SceneError) -> JsValue {
    let js = js_sys::Error::new(&e.to_string());
    js.set_name("SceneError");
    let (line, column) = e.line_col.unwrap_or((0, 0));
    set(&js, "file", e.file.as_str());
    set(&js, "line", line);
    set(&js, "column", column);
    set(&js, "col", column);
    set(&js, "path", e.path.as_str());
    set(&js, "detail", e.message.as_str());
    js.into()
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| err(format!("serialize: {e}")))
}

/// `{ tick, hash, bytes, cached, contrast, on }`: `contrast` (0..=255) and `on` are what the
/// panel shows besides the pixels ([`export::glass`]: 255 and true for a scene without display
/// care), which the canvas draws as brightness, as the exports do.
fn frame_object(engine: &Engine, tick: Tick, frame: &Frame, cached: bool) -> js_sys::Object {
    let o = js_sys::Object::new();
    set(&o, "tick", tick as f64);
    set(&o, "hash", frame.hash().to_string());
    set(&o, "bytes", js_sys::Uint8Array::from(frame.as_bytes()));
    set(&o, "cached", cached);
    let glass = export::glass(engine, tick);
    set(&o, "contrast", glass.contrast);
    set(&o, "on", glass.on);
    o
}

/// What the stats panel shows: the runtime's counters. The batch fields (`frames`, `wall_ms`,
/// `compute_ms`, `per_frame_ms`, `serial_ms`, `utilization`, `workers_used`) describe the last
/// [`Core::precompute`] call; the others are current.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    pub build: String,
    /// Threads that compute: the pool's in the threads build, 1 (the caller) otherwise.
    pub workers: usize,
    /// Distinct threads that rendered frames in the last batch.
    pub workers_used: usize,
    /// Frames the runtime computed in the last batch, its wall time and the runtime's busy time.
    pub frames: usize,
    pub wall_ms: f64,
    pub compute_ms: f64,
    pub per_frame_ms: f64,
    /// Time of the batch call outside the runtime's work (setting it up, reading its stats).
    pub serial_ms: f64,
    /// compute / (wall * workers), 0..1: the runtime's utilization over the batch.
    pub utilization: f64,
    /// The runtime's per-frame compute time since the scene was loaded (p50, p99), in µs.
    pub frame_us_p50: f64,
    pub frame_us_p99: f64,
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub hit_rate: f64,
    pub cached_frames: usize,
    pub cache_bytes: usize,
    /// Frames ready in the runtime's cache right after the playhead.
    pub lookahead: u64,
    /// The runtime's lookahead window of the last batch, in ticks.
    pub window: u64,
}

/// Cache budget in bytes: a page can afford far more than the runtime's 2 s default, and the
/// precompute button asks for up to half of it at once (~15 000 frames of 128x64).
const CACHE_BUDGET: usize = 32 << 20;

/// The runtime's clock in a browser: `performance.now()` from `performance.timeOrigin`, so that
/// every Web Worker of the pool (each has its own `now()` origin) reads one time line. Sleeping
/// is not needed: the page drives playback from its frame callback.
#[cfg(target_arch = "wasm32")]
struct PerfClock {
    origin_ms: f64,
}

#[cfg(target_arch = "wasm32")]
mod perf {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        // `performance` exists on windows, workers and node, so every rayon worker can read it.
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        fn perf_now() -> f64;
    }

    thread_local! {
        static TIME_ORIGIN: f64 = js_sys::Reflect::get(
            &js_sys::global(),
            &"performance".into(),
        )
        .and_then(|p| js_sys::Reflect::get(&p, &"timeOrigin".into()))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    }

    /// Milliseconds since this thread's time origin (stats only; never reaches a frame).
    pub fn now_ms() -> f64 {
        perf_now()
    }

    /// Milliseconds since the epoch, the same on every thread.
    pub fn epoch_ms() -> f64 {
        TIME_ORIGIN.with(|o| *o) + perf_now()
    }
}

#[cfg(target_arch = "wasm32")]
impl PerfClock {
    fn new() -> Self {
        PerfClock {
            origin_ms: perf::epoch_ms(),
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl Clock for PerfClock {
    fn now(&self) -> core::time::Duration {
        core::time::Duration::from_secs_f64((perf::epoch_ms() - self.origin_ms).max(0.0) / 1000.0)
    }
}

#[cfg(target_arch = "wasm32")]
fn clock() -> Arc<dyn Clock> {
    Arc::new(PerfClock::new())
}

#[cfg(not(target_arch = "wasm32"))]
fn clock() -> Arc<dyn Clock> {
    Arc::new(tinydisplay_runtime::SystemClock::new())
}

/// The threads build renders on the global pool (wasm-bindgen-rayon's Web Workers); the
/// single-thread build has no thread to spawn on, so [`Core::precompute`] renders on the caller.
fn pool_choice() -> PoolChoice {
    if cfg!(feature = "threads") {
        PoolChoice::Global
    } else {
        PoolChoice::None
    }
}

/// Bit of the thread that ran a render: the pool thread's index, or 63 off the pool.
fn thread_bit() -> u64 {
    1 << rayon::current_thread_index().unwrap_or(63).min(63)
}

/// A bundle's engine; a bundle that is not valid becomes a scene error on the bundle `file`.
fn load_bundle(file: &str, bytes: &[u8]) -> Result<Engine, SceneError> {
    tinydisplay_assets::load_bundle(bytes).map_err(|e| match e {
        tinydisplay_assets::BundleError::Scene(e) => e,
        other => SceneError {
            file: file.to_string(),
            line_col: None,
            path: String::new(),
            message: other.to_string(),
        },
    })
}

/// A file the scene names, among files the page was given: by the path as written, else by
/// its last component (a file dropped or opened in a browser comes with its name only, so
/// `src = "img/logo.png"` finds a dropped `logo.png`).
pub fn find_file(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Result<Vec<u8>, String> {
    if let Some(b) = files.get(path) {
        return Ok(b.clone());
    }
    let base = path.rsplit('/').next().unwrap_or(path);
    files.get(base).cloned().ok_or_else(|| {
        format!(
            "it was not among the files opened with the scene ({}); open it together with the scene, or open a bundle",
            if files.is_empty() {
                "none".to_string()
            } else {
                files.keys().cloned().collect::<Vec<_>>().join(", ")
            }
        )
    })
}

/// Files from JavaScript: an object whose keys are paths and values `Uint8Array`s.
fn files_of(files: &JsValue) -> Result<BTreeMap<String, Vec<u8>>, JsValue> {
    let mut out = BTreeMap::new();
    if files.is_undefined() || files.is_null() {
        return Ok(out);
    }
    let obj: &js_sys::Object = files
        .dyn_ref()
        .ok_or_else(|| err("files: expected an object of path -> Uint8Array"))?;
    for entry in js_sys::Object::entries(obj).iter() {
        let pair: js_sys::Array = entry.into();
        let key = pair
            .get(0)
            .as_string()
            .ok_or_else(|| err("files: a key is not a string"))?;
        let bytes = js_sys::Uint8Array::new(&pair.get(1)).to_vec();
        out.insert(key, bytes);
    }
    Ok(out)
}

/// A bundle (JSON text) of the scene and the files it names, for "download bundle" and for
/// links too big to carry the files. Throws a `SceneError` like the constructor.
#[wasm_bindgen(js_name = makeBundle)]
pub fn make_bundle_js(file: &str, text: &str, files: JsValue) -> Result<String, JsValue> {
    let files = files_of(&files)?;
    tinydisplay_assets::make_bundle(file, text.as_bytes(), &|p| find_file(&files, p))
        .map_err(|e| scene_error(&e))
}

/// A bundle's contents, checksum verified: `{ name, text, files: { path: Uint8Array } }`, so the
/// page can show the scene in its editor and keep the files for reloads.
#[wasm_bindgen(js_name = openBundle)]
pub fn open_bundle(text: &str) -> Result<JsValue, JsValue> {
    let b = tinydisplay_assets::Bundle::parse(text.as_bytes()).map_err(err)?;
    let out = js_sys::Object::new();
    set(&out, "name", b.name.as_str());
    set(&out, "text", b.text.as_str());
    let files = js_sys::Object::new();
    for (path, bytes) in &b.files {
        let arr = js_sys::Uint8Array::from(bytes.as_slice());
        let _ = js_sys::Reflect::set(&files, &JsValue::from_str(path), &arr);
    }
    let _ = js_sys::Reflect::set(&out, &JsValue::from_str("files"), &files);
    Ok(out.into())
}

/// The files a scene names (images, BDF fonts), as written: what a page must ask for.
#[wasm_bindgen(js_name = assetPaths)]
pub fn asset_paths(file: &str, text: &str) -> Result<Vec<String>, JsValue> {
    if tinydisplay_assets::bundle::is_bundle(text.as_bytes()) {
        return Ok(Vec::new());
    }
    let scene =
        tinydisplay::parse_scene_text(file, text.as_bytes()).map_err(|e| scene_error(&e))?;
    let mut paths: Vec<String> = scene.asset_refs().into_iter().map(|r| r.path).collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}

/// The binding-free core of [`Simulator`], usable (and tested) natively.
pub struct Core {
    /// The engine with every event so far (kept equal to the precomputer's).
    engine: Engine,
    /// The runtime's precomputer and its byte-bounded cache: ticks behind the playhead go first,
    /// then the farthest ahead.
    pre: Precomputer,
    /// Threads that rendered since the last batch began, one bit each (see [`thread_bit`]).
    threads_used: Arc<AtomicU64>,
    playhead: Tick,
    /// The tick after the last one shown: the runtime's cursor between batches.
    cursor: Tick,
    last: Stats,
}

impl Core {
    /// Scene text, or a bundle (scene and its files in one JSON, `tinydisplay bundle`).
    pub fn new(file: &str, text: &str) -> Result<Core, SceneError> {
        if tinydisplay_assets::bundle::is_bundle(text.as_bytes()) {
            return load_bundle(file, text.as_bytes()).map(Core::from_engine);
        }
        Core::with_files(file, text, &BTreeMap::new())
    }

    /// Scene text and the files it names, by path or file name (see [`find_file`]).
    pub fn with_files(
        file: &str,
        text: &str,
        files: &BTreeMap<String, Vec<u8>>,
    ) -> Result<Core, SceneError> {
        let engine =
            tinydisplay_assets::load_scene(file, text.as_bytes(), &|path| find_file(files, path))?;
        Ok(Core::from_engine(engine))
    }

    fn from_engine(engine: Engine) -> Core {
        Core::with_budget(engine, CACHE_BUDGET)
    }

    fn with_budget(engine: Engine, cache_bytes: usize) -> Core {
        let threads_used = Arc::new(AtomicU64::new(0));
        let used = Arc::clone(&threads_used);
        let pre = Precomputer::builder(engine.clone(), clock())
            .pool(pool_choice())
            .cache_bytes(cache_bytes)
            // Nothing is computed until the page asks (`precompute`), so batches are its own.
            .lookahead(Lookahead::Fixed(0))
            .render_fn(move |e: &Engine, t| {
                used.fetch_or(thread_bit(), Ordering::Relaxed);
                e.render(t)
            })
            .build()
            // Only an own pool can fail to build; the global pool and none cannot.
            .expect("the global rayon pool or no pool");
        Core {
            engine,
            pre,
            threads_used,
            playhead: 0,
            cursor: 0,
            last: Stats::default(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The frame at `tick`: the runtime's cached frame (`true`), or rendered now. Moves the
    /// playhead there, so ticks before it become the first to be evicted. Starts no work: the
    /// page's lookahead loop calls [`Core::precompute`].
    pub fn frame(&mut self, tick: Tick) -> (Frame, bool) {
        self.playhead = tick;
        self.cursor = tick.saturating_add(1);
        if let Some(f) = self.pre.take_without_refill(tick) {
            return (Frame::clone(&f), true);
        }
        match self.pre.render_inline(tick) {
            Ok(f) => (f, false),
            // The runtime caught and counted it; rendering again shows the panic's message in
            // the console, as any engine bug would.
            Err(_) => (self.engine.render(tick), false),
        }
    }

    /// Fills the missing frames of `from..from + count` (at most half the cache) into the
    /// runtime's cache, on the pool in the threads build and on this thread otherwise; returns
    /// when they are done (it blocks: call it from a worker).
    pub fn precompute(&mut self, from: Tick, count: u32) -> Stats {
        let begin = now_ms();
        let per_frame = entry_bytes(self.engine.width(), self.engine.height()).max(1);
        let budget_frames =
            u32::try_from(self.pre.footprint().budget_bytes / per_frame).unwrap_or(u32::MAX);
        let count = count.min(budget_frames / 2);
        let before = self.pre.stats();
        self.threads_used.store(0, Ordering::Relaxed);
        let start = now_ms();
        // The window first (a zero lookahead starts nothing), then its size, which starts the
        // workers on it.
        self.pre.set_cursor(from);
        self.pre.set_lookahead(Lookahead::Fixed(count));
        if self.pre.workers() == 0 {
            self.pre.compute_here();
        }
        self.pre.wait_idle();
        let wall = now_ms() - start;
        let after = self.pre.stats();
        // Back to idle (later events invalidate without starting work behind the page's back),
        // with the window at the playhead again, so only shown ticks count as shown.
        self.pre.set_lookahead(Lookahead::Fixed(0));
        self.pre.set_cursor(self.cursor);
        let frames = after.frames_computed.saturating_sub(before.frames_computed) as usize;
        let compute = after.busy.saturating_sub(before.busy).as_secs_f64() * 1000.0;
        let workers = self.workers();
        let m = Metrics::collect(&after, None);
        self.last = Stats {
            build: build_kind(),
            workers,
            workers_used: self.threads_used.load(Ordering::Relaxed).count_ones() as usize,
            frames,
            wall_ms: wall,
            compute_ms: compute,
            per_frame_ms: if frames > 0 {
                compute / frames as f64
            } else {
                0.0
            },
            serial_ms: (now_ms() - begin - wall).max(0.0),
            utilization: if wall > 0.0 {
                (compute / (wall * workers as f64)).min(1.0)
            } else {
                0.0
            },
            frame_us_p50: m.frame_us_p50,
            frame_us_p99: m.frame_us_p99,
            window: after.lookahead,
            ..Stats::default()
        };
        self.stats()
    }

    /// Threads that compute: the pool's, or this one.
    fn workers(&self) -> usize {
        self.pre.workers().max(1)
    }

    pub fn stats(&self) -> Stats {
        let c = self.pre.stats().cache;
        Stats {
            build: build_kind(),
            workers: self.workers(),
            cache_hits: c.hits,
            cache_misses: c.misses,
            hit_rate: c.hit_rate(),
            cached_frames: c.frames_held,
            cache_bytes: c.bytes_held,
            lookahead: self.lookahead(),
            ..self.last.clone()
        }
    }

    /// Consecutive cached ticks right after the playhead.
    fn lookahead(&self) -> u64 {
        let from = self.playhead.saturating_add(1);
        (0..)
            .take_while(|&i| {
                from.checked_add(i)
                    .is_some_and(|t| self.pre.peek(t).is_some())
            })
            .count() as u64
    }

    /// Adds an event through the runtime, which drops the cached frames from its tick on.
    pub fn push_event(&mut self, event: Event) -> Result<Tick, tinydisplay::EventError> {
        let first = self.pre.push_event(event)?;
        self.engine = self.pre.engine();
        Ok(first)
    }
}

/// Hashes (the `tinydisplay hash` format) of `ticks`, computed in parallel.
pub fn hashes(engine: &Engine, ticks: &[Tick]) -> Vec<String> {
    ticks
        .par_iter()
        .map(|&t| engine.render(t).hash().to_string())
        .collect()
}

/// Minimum warm-up of [`frame_time_us`].
pub const WARM_UP_MS: f64 = 200.0;

/// Per-frame render time in microseconds: ticks `from..from + count` rendered one at a time on
/// this thread, `runs` timed passes after untimed warm-up passes (at least one, and at least
/// [`WARM_UP_MS`]), the median pass. The native `frame_time` example and the browser tests call
/// this same function, so wasm and native are compared on the same loop, ticks and warm-up (the
/// warm-up matters in the browser, where V8 first runs wasm in its baseline compiler and swaps
/// in optimized code for hot functions later: one 1000-frame pass of a light scene is over
/// before that).
pub fn frame_time_us(engine: &Engine, from: Tick, count: u32, runs: u32) -> f64 {
    let pass = || {
        let start = now_ms();
        let mut lit = 0u32;
        for i in 0..count {
            lit = lit.wrapping_add(engine.render(from.saturating_add(u64::from(i))).lit());
        }
        std::hint::black_box(lit);
        (now_ms() - start) * 1000.0 / f64::from(count.max(1))
    };
    let warm = now_ms();
    for _ in 0..100 {
        pass();
        if now_ms() - warm >= WARM_UP_MS {
            break;
        }
    }
    let mut times: Vec<f64> = (0..runs.max(1)).map(|_| pass()).collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// A loaded scene: render, inspect, drive with events, precompute, export.
#[wasm_bindgen]
pub struct Simulator {
    core: Core,
    restored_tick: Tick,
}

#[wasm_bindgen]
impl Simulator {
    /// Loads TOML or JSON scene text. `file` names it in errors and picks the format by its
    /// extension. A bad scene throws a `SceneError` with `line`, `column`, `path` and `detail`.
    #[wasm_bindgen(constructor)]
    pub fn new(file: &str, text: &str) -> Result<Simulator, JsValue> {
        let core = Core::new(file, text).map_err(|e| scene_error(&e))?;
        Ok(Simulator {
            core,
            restored_tick: 0,
        })
    }

    /// Scene text with the files it names: `files` is an object of path (or file name) ->
    /// `Uint8Array`. A missing or bad file throws a `SceneError` at the field that names it.
    #[wasm_bindgen(js_name = withFiles)]
    pub fn with_files(file: &str, text: &str, files: JsValue) -> Result<Simulator, JsValue> {
        let files = files_of(&files)?;
        let core = Core::with_files(file, text, &files).map_err(|e| scene_error(&e))?;
        Ok(Simulator {
            core,
            restored_tick: 0,
        })
    }

    /// Restores a simulator from [`Simulator::snapshot`] bytes; see `restoredTick`.
    pub fn restore(bytes: &[u8]) -> Result<Simulator, JsValue> {
        let (engine, tick) = Engine::restore(bytes).map_err(err)?;
        Ok(Simulator {
            core: Core::from_engine(engine),
            restored_tick: tick,
        })
    }

    #[wasm_bindgen(getter, js_name = restoredTick)]
    pub fn restored_tick(&self) -> f64 {
        self.restored_tick as f64
    }

    #[wasm_bindgen(getter)]
    pub fn width(&self) -> u16 {
        self.core.engine.width()
    }

    #[wasm_bindgen(getter)]
    pub fn height(&self) -> u16 {
        self.core.engine.height()
    }

    /// Degrees the scene is turned on the panel (`display.rotate`): the bus preview plans for
    /// the panel turned so, and the page picks the panel of that size.
    #[wasm_bindgen(getter)]
    pub fn rotate(&self) -> u16 {
        self.core.engine.rotate()
    }

    #[wasm_bindgen(getter, js_name = tickRate)]
    pub fn tick_rate(&self) -> u32 {
        self.core.engine.tick_rate()
    }

    /// Characters in the scene's literal text that its fonts lack (they draw as the replacement
    /// box), as `tinydisplay check` warns: `[{ line, col, path, message }]`. `file` and `text`
    /// are what the simulator was loaded from; a bundle's warnings carry no line (0).
    pub fn warnings(&self, file: &str, text: &str) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct Warning {
            line: u32,
            col: u32,
            path: String,
            message: String,
        }
        let list: Vec<Warning> = if tinydisplay_assets::bundle::is_bundle(text.as_bytes()) {
            self.core
                .engine
                .missing_glyphs()
                .into_iter()
                .map(|m| Warning {
                    line: 0,
                    col: 0,
                    message: m.message(),
                    path: m.path,
                })
                .collect()
        } else {
            self.core
                .engine
                .missing_glyph_warnings(file, text)
                .into_iter()
                .map(|w| Warning {
                    line: w.line().unwrap_or(0),
                    col: w.column().unwrap_or(0),
                    path: w.path,
                    message: w.message,
                })
                .collect()
        };
        to_js(&list)
    }

    /// The scene's `name`, or an empty string.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.core.engine.scene().name.clone().unwrap_or_default()
    }

    /// The declared inputs: `[{ name, default, min?, max? }]`.
    pub fn inputs(&self) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct Input<'a> {
            name: &'a str,
            #[serde(flatten)]
            def: &'a tinydisplay::scene::InputDef,
        }
        let list: Vec<Input> = self
            .core
            .engine
            .scene()
            .inputs
            .iter()
            .map(|(name, def)| Input { name, def })
            .collect();
        to_js(&list)
    }

    /// The inputs' values in force at `tick` (log and pushed events, else the default), clamped
    /// as the engine reads them: `[{ name, value }]`. The page shows these, not the defaults.
    #[wasm_bindgen(js_name = inputsAt)]
    pub fn inputs_at(&self, tick: f64) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct InputNow {
            name: String,
            value: tinydisplay::Value,
        }
        let list: Vec<InputNow> = self
            .core
            .engine
            .inputs_at(tick_of(tick)?)
            .into_iter()
            .map(|(name, value)| InputNow { name, value })
            .collect();
        to_js(&list)
    }

    /// The timeline strip's marks in `from..to` (at most `max`): `[{ tick, kind }]` with kind
    /// `"key"`, `"timeline"` or `"event"` (`Engine::marks`: keyframes where the timelines put
    /// them, top-level timeline starts, events).
    pub fn marks(&self, from: f64, to: f64, max: u32) -> Result<JsValue, JsValue> {
        to_js(
            &self
                .core
                .engine
                .marks(tick_of(from)?, tick_of(to)?, max as usize),
        )
    }

    /// `{ tick, hash, bytes: Uint8Array, cached: false }`, rendered now (no cache).
    pub fn render(&self, tick: f64) -> Result<js_sys::Object, JsValue> {
        let t = tick_of(tick)?;
        Ok(frame_object(
            &self.core.engine,
            t,
            &self.core.engine.render(t),
            false,
        ))
    }

    /// Like `render`, through the precompute cache (counts hits and misses, moves the playhead).
    pub fn frame(&mut self, tick: f64) -> Result<js_sys::Object, JsValue> {
        let t = tick_of(tick)?;
        let (f, cached) = self.core.frame(t);
        Ok(frame_object(&self.core.engine, t, &f, cached))
    }

    /// Every widget's resolved properties at `tick`.
    #[wasm_bindgen(js_name = frameState)]
    pub fn frame_state(&self, tick: f64) -> Result<JsValue, JsValue> {
        to_js(&self.core.engine.frame_state(tick_of(tick)?))
    }

    /// Sets `input` to `value` (a number or a string) from `tick` on. Returns the first tick whose
    /// frame may change; cached frames from there on are dropped.
    #[wasm_bindgen(js_name = pushEvent)]
    pub fn push_event(&mut self, tick: f64, input: &str, value: JsValue) -> Result<f64, JsValue> {
        let t = tick_of(tick)?;
        let value = if let Some(n) = value.as_f64() {
            if n.fract() != 0.0 || n.abs() > MAX_TICK {
                return Err(err(format!("input value {n} is not an integer")));
            }
            Value::Int(n as i64)
        } else if let Some(s) = value.as_string() {
            Value::Text(s)
        } else {
            return Err(err("input value must be a number or a string"));
        };
        self.core
            .push_event(Event::new(t, input, value))
            .map(|t| t as f64)
            .map_err(err)
    }

    /// Adds the events of a log (`TICK NAME=VALUE` per line). Returns how many.
    #[wasm_bindgen(js_name = loadEvents)]
    pub fn load_events(&mut self, log: &str) -> Result<u32, JsValue> {
        let events = tinydisplay::parse_event_log(log).map_err(err)?;
        let n = events.len() as u32;
        for e in events {
            self.core.push_event(e).map_err(err)?;
        }
        Ok(n)
    }

    /// The event log in its text format.
    #[wasm_bindgen(js_name = eventsText)]
    pub fn events_text(&self) -> String {
        self.core
            .engine
            .events()
            .iter()
            .map(|e| e.to_line() + "\n")
            .collect()
    }

    /// Scene, events and `tick` as bytes that `Simulator.restore` reads.
    pub fn snapshot(&self, tick: f64) -> Result<Vec<u8>, JsValue> {
        Ok(self.core.engine.snapshot(tick_of(tick)?))
    }

    /// Renders `from..from+count` in parallel into the cache; returns the stats.
    pub fn precompute(&mut self, from: f64, count: u32) -> Result<JsValue, JsValue> {
        let stats = self.core.precompute(tick_of(from)?, count);
        to_js(&stats)
    }

    /// Cache and last-batch stats, without computing anything.
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        to_js(&self.core.stats())
    }

    /// Frame hashes at `ticks`, computed in parallel.
    #[wasm_bindgen(js_name = hashTicks)]
    pub fn hash_ticks(&self, ticks: Vec<f64>) -> Result<Vec<String>, JsValue> {
        let ticks = ticks
            .into_iter()
            .map(tick_of)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(hashes(&self.core.engine, &ticks))
    }

    /// The cost of showing frame `tick` after frame `tick - 1` (tick 0: a full frame, after
    /// the init) on `bus` (`i2c-100k`, `i2c-400k`, `i2c-1m`, `spi-8m`), for the panel `panel`
    /// (a [`panelModels`] id such as `sh1106-128x64`; default: an SSD1306 of the scene's size)
    /// with the picture at RAM column `offset` (default: the panel's). What
    /// `tinydisplay play --controller C --offset N` sends for the same frames.
    pub fn bus(
        &self,
        tick: f64,
        bus: &str,
        panel: Option<String>,
        offset: Option<u8>,
    ) -> Result<JsValue, JsValue> {
        let t = tick_of(tick)?;
        let b = bus::parse(bus).ok_or_else(|| err(format!("unknown bus {bus:?}")))?;
        let e = &self.core.engine;
        let panel = bus::Panel::for_scene(e, panel.as_deref(), offset).map_err(err)?;
        let cur = e.render(t);
        let prev = t.checked_sub(1).map(|p| e.render(p));
        to_js(&panel.cost(b, prev.as_ref(), &cur))
    }

    /// PNG of frame `tick` in `panel` colours (`white`, `blue`, `yellow-blue`), `scale` x (1 to
    /// 64), with the pixel grid when `grid` is true (drawn from scale 3), at the contrast and
    /// sleep of the scene's display care (as the panel shows it). The same bytes as
    /// `tinydisplay render --ticks TICK --scale SCALE --panel PANEL [--grid]`.
    pub fn png(
        &self,
        tick: f64,
        panel: &str,
        scale: u32,
        grid: Option<bool>,
    ) -> Result<Vec<u8>, JsValue> {
        let style = export::style(panel, scale, grid.unwrap_or(false)).map_err(err)?;
        export::png_at(&self.core.engine, tick_of(tick)?, &style).map_err(err)
    }

    /// Animated GIF of ticks `from..to` (at most 3600 frames): the same bytes as
    /// `tinydisplay render --ticks FROM..TO` with the same panel, scale and grid.
    pub fn gif(
        &self,
        from: f64,
        to: f64,
        panel: &str,
        scale: u32,
        grid: Option<bool>,
    ) -> Result<Vec<u8>, JsValue> {
        let (a, b) = (tick_of(from)?, tick_of(to)?);
        if b <= a || b - a > 3600 {
            return Err(err(format!("GIF range {a}..{b} must hold 1 to 3600 ticks")));
        }
        let style = export::style(panel, scale, grid.unwrap_or(false)).map_err(err)?;
        let engine = &self.core.engine;
        let frames: Vec<Frame> = (0..(b - a) as u32)
            .into_par_iter()
            .map(|i| engine.render(a + u64::from(i)))
            .collect();
        export::gif(engine, &frames, a, &style).map_err(err)
    }
}

/// [`frame_time_us`] of a scene (or a bundle; `files`: the files it names, as for
/// `Simulator.withFiles`): the browser's per-frame compute time.
#[wasm_bindgen(js_name = frameTimeUs)]
pub fn frame_time_js(
    file: &str,
    text: &str,
    from: f64,
    count: u32,
    runs: u32,
    files: JsValue,
) -> Result<f64, JsValue> {
    let files = files_of(&files)?;
    let engine = if tinydisplay_assets::bundle::is_bundle(text.as_bytes()) {
        load_bundle(file, text.as_bytes())
    } else {
        tinydisplay_assets::load_scene(file, text.as_bytes(), &|p| find_file(&files, p))
    }
    .map_err(|e| scene_error(&e))?;
    Ok(frame_time_us(&engine, tick_of(from)?, count, runs))
}

/// Hashes of ticks `a..b` of a scene, for golden checks (format detected from the text).
#[wasm_bindgen(js_name = hashRange)]
pub fn hash_range(scene_text: &str, a: f64, b: f64) -> Result<Vec<String>, JsValue> {
    let (a, b) = (tick_of(a)?, tick_of(b)?);
    let n = u32::try_from(b.saturating_sub(a)).map_err(|_| err("range too long"))?;
    let engine =
        Engine::from_source("scene", scene_text.as_bytes()).map_err(|e| scene_error(&e))?;
    let ticks: Vec<Tick> = (0..n).map(|i| a + u64::from(i)).collect();
    Ok(hashes(&engine, &ticks))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENE: &str = "display = { width = 32, height = 16 }\ninputs = { level = { default = 0 } }\n[[widgets]]\nkind = \"rect\"\nw = 4\nh = 4\nfill = true\nanimate = [{ prop = \"x\", keys = [{ t = 0, v = 0 }, { t = 10, v = 20 }] }]\n";

    #[test]
    fn bundles_and_scene_files_load_like_the_cli() {
        let scene = "display = { width = 16, height = 8 }\n[[widgets]]\nkind = \"image\"\nsrc = \"img/dot.bmp\"\n";
        // A 1x1 white 24-bit BMP.
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&58u32.to_le_bytes());
        bmp.extend_from_slice(&[0; 4]);
        bmp.extend_from_slice(&54u32.to_le_bytes());
        for v in [40u32, 1, 1] {
            bmp.extend_from_slice(&v.to_le_bytes());
        }
        bmp.extend_from_slice(&1u16.to_le_bytes());
        bmp.extend_from_slice(&24u16.to_le_bytes());
        bmp.extend_from_slice(&[0; 24]);
        bmp.extend_from_slice(&[255, 255, 255, 0]);
        // A dropped file comes with its name only: found by the path's last component.
        let files: BTreeMap<String, Vec<u8>> = [("dot.bmp".to_string(), bmp)].into();
        let core = Core::with_files("s.toml", scene, &files).unwrap();
        assert_eq!(core.engine.render(0).lit(), 1);
        let json =
            tinydisplay_assets::make_bundle("s.toml", scene.as_bytes(), &|p| find_file(&files, p))
                .unwrap();
        let from_bundle = Core::new("s.bundle.json", &json).unwrap();
        assert_eq!(from_bundle.engine.render(0), core.engine.render(0));
        let e = Core::with_files("s.toml", scene, &BTreeMap::new())
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .starts_with("s.toml:4:7: widgets[0].src: cannot read asset"),
            "{e}"
        );
        let bad = Core::new("s.bundle.json", &json.replace("width = 16", "width = 15"))
            .err()
            .unwrap();
        assert!(bad.to_string().contains("checksum mismatch"), "{bad}");
    }

    #[test]
    fn precompute_fills_cache_and_frames_match_render() {
        let mut core = Core::new("s.toml", SCENE).unwrap();
        let s = core.precompute(0, 20);
        assert_eq!(s.frames, 20);
        for t in 0..20 {
            let (f, cached) = core.frame(t);
            assert!(cached);
            assert_eq!(f, core.engine().render(t));
        }
        let (_, cached) = core.frame(500);
        assert!(!cached);
        let st = core.stats();
        assert_eq!((st.cache_hits, st.cache_misses), (20, 1));
    }

    #[test]
    fn cache_stays_within_budget_and_evicts_shown_frames_first() {
        let per = entry_bytes(32, 16);
        let engine = Engine::from_source("s.toml", SCENE.as_bytes()).unwrap();
        let mut core = Core::with_budget(engine, 10 * per);
        // A batch asks for at most half the budget: 0..5.
        assert_eq!(core.precompute(0, 100).frames, 5);
        assert_eq!(core.pre.cached_ticks(), (0..5).collect::<Vec<_>>());
        assert!(core.frame(4).1);
        assert_eq!(core.stats().lookahead, 0);
        // Misses render inline and are not stored.
        assert!(!core.frame(7).1);
        core.frame(4);
        assert_eq!(core.precompute(5, 5).frames, 5);
        assert_eq!(core.stats().lookahead, 5);
        let st = core.stats();
        assert_eq!((st.cached_frames, st.cache_bytes), (10, 10 * per));
        // The cache is full: a batch ahead evicts the shown ticks (oldest first), never the
        // ones ahead of the playhead.
        core.frame(7);
        assert_eq!(core.precompute(10, 5).frames, 5);
        assert_eq!(
            core.pre.cached_ticks(),
            (5..15).collect::<Vec<_>>(),
            "shown ticks 0..5 evicted"
        );
        assert_eq!(core.stats().lookahead, 7);
        assert!(core.pre.stats().cache.bytes_peak <= 10 * per);
        // An event at tick 12 drops 12 and later, through the runtime.
        assert_eq!(
            core.push_event(Event::new(12, "level", Value::Int(1))),
            Ok(12)
        );
        let st = core.stats();
        assert_eq!((st.lookahead, st.cached_frames), (4, 7));
        assert_eq!(st.cache_bytes, 7 * per);
    }

    #[test]
    fn events_invalidate_and_batches_recompute_with_the_event() {
        let mut core = Core::new("s.toml", SCENE).unwrap();
        assert_eq!(core.precompute(0, 20).frames, 20);
        core.push_event(Event::new(3, "level", Value::Int(7)))
            .unwrap();
        core.push_event(Event::new(5, "level", Value::Int(2)))
            .unwrap();
        let mut fresh = Engine::from_source("s.toml", SCENE.as_bytes()).unwrap();
        fresh
            .push_event(Event::new(3, "level", Value::Int(7)))
            .unwrap();
        fresh
            .push_event(Event::new(5, "level", Value::Int(2)))
            .unwrap();
        assert_eq!(core.engine().events(), fresh.events());
        // Only the frames before the first event's tick were kept; the batch renders the rest.
        assert_eq!(core.precompute(0, 20).frames, 17);
        for t in 0..20 {
            let (f, cached) = core.frame(t);
            assert!(cached, "tick {t}");
            assert_eq!(f, fresh.render(t), "tick {t}");
        }
    }

    #[test]
    fn batch_stats_are_the_runtimes() {
        let mut core = Core::new("s.toml", SCENE).unwrap();
        let st = core.precompute(100, 40);
        assert_eq!((st.frames, st.workers, st.workers_used), (40, 1, 1));
        assert!(st.compute_ms > 0.0 && st.wall_ms >= st.compute_ms);
        assert!((0.0..=1.0).contains(&st.utilization));
        assert!(st.frame_us_p50 > 0.0);
        assert_eq!(st.window, 40);
        // Cached ticks are not rendered again.
        assert_eq!(core.precompute(100, 50).frames, 10);
        assert_eq!(core.pre.stats().frames_computed, 50);
    }

    #[test]
    fn hashes_equal_serial_hashes() {
        let e = Engine::from_source("s.toml", SCENE.as_bytes()).unwrap();
        let ticks = [0, 1, 59, 600, 1_000_000];
        let h = hashes(&e, &ticks);
        for (t, h) in ticks.iter().zip(h) {
            assert_eq!(h, e.render(*t).hash().to_string());
        }
    }
}
