//! Computes future frames on a rayon pool into a [`FrameCache`].
//!
//! Workers are self-scheduling loops: each claims the lowest ticks of the lookahead window that
//! are neither cached nor being computed (one, or a batch when frames are cheap), renders them
//! outside the lock, stores them, and repeats until the window is full. The player's calls ([`Precomputer::take`], [`Precomputer::push_event`])
//! only move the window and start loops with `spawn`; they never wait for a frame.

use crate::cache::{entry_bytes, CacheStats, FrameCache};
use crate::clock::{duration_nanos, Clock, Doorbell};
use crate::histogram::Histogram;
use crate::Tick;
use core::time::Duration;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use tinydisplay::{Engine, Event, EventError, Frame, FrameHash};

/// How a frame is computed from an engine and a tick. The default is [`Engine::render`]; tests
/// swap in closures that panic or stall, and hosts may wrap it to instrument.
pub type RenderFn = Arc<dyn Fn(&Engine, Tick) -> Frame + Send + Sync>;

/// How far ahead of the player the workers compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookahead {
    /// Enough ticks to stay `lead` ahead of the player, plus a margin that grows with the
    /// measured compute cost per frame; the whole cache budget when the pool cannot keep up
    /// with the tick rate (then everything buffered helps). See [`adaptive_lookahead`].
    Adaptive { lead: Duration },
    /// Exactly this many ticks (still capped by the cache budget).
    Fixed(u32),
}

impl Default for Lookahead {
    fn default() -> Self {
        Lookahead::Adaptive {
            lead: Duration::from_millis(250),
        }
    }
}

/// The lookahead window in ticks for a measured cost per frame.
///
/// `ceil(lead * rate)` ticks cover worker stalls of up to `lead`; `2 * workers` keeps every
/// worker busy at the window's edge; `2 * ceil(cost / period)` covers the frames that pass while
/// one frame is being computed. When `cost / workers` exceeds the tick period the pool falls
/// behind whatever the window, so it may as well fill the whole budget.
///
/// ```
/// use std::time::Duration;
/// use tinydisplay_runtime::precompute::adaptive_lookahead;
/// let lead = Duration::from_millis(250);
/// let cheap = adaptive_lookahead(lead, 60, 2, Duration::from_micros(100), 120);
/// let dear = adaptive_lookahead(lead, 60, 2, Duration::from_millis(30), 120);
/// let hopeless = adaptive_lookahead(lead, 60, 2, Duration::from_millis(50), 120);
/// assert_eq!(cheap, 15 + 4 + 2);
/// assert!(dear > cheap);
/// assert_eq!(hopeless, 120);
/// ```
pub fn adaptive_lookahead(
    lead: Duration,
    rate: u32,
    workers: usize,
    cost: Duration,
    budget_frames: u64,
) -> u64 {
    let rate = u128::from(rate.max(1));
    let period_ns = 1_000_000_000u128.div_ceil(rate);
    let cost_ns = cost.as_nanos();
    let workers = workers.max(1) as u128;
    if cost_ns > period_ns * workers {
        return budget_frames.max(1);
    }
    let lead_ticks = (lead.as_nanos() * rate).div_ceil(1_000_000_000);
    let per_frame = cost_ns.div_ceil(period_ns).max(1);
    let n = lead_ticks + 2 * workers + 2 * per_frame;
    (u64::try_from(n).unwrap_or(u64::MAX)).clamp(1, budget_frames.max(1))
}

/// Which threads compute.
#[derive(Clone)]
pub enum PoolChoice {
    /// A dedicated rayon pool of this many threads (at least 1).
    Own(usize),
    /// A pool the host built (shared with other work).
    Shared(Arc<rayon::ThreadPool>),
    /// rayon's global pool: in a browser this is wasm-bindgen-rayon's Web Worker pool.
    Global,
    /// No workers: every frame is rendered inline by the player (the baseline, and the mode for
    /// single-threaded wasm builds, where spawned jobs would never run).
    None,
}

/// Workers by default: the cores minus one for the player thread, at least 1.
pub fn default_workers() -> usize {
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
    }
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    {
        rayon::current_num_threads().max(1)
    }
}

/// The only failure a precomputer can report: a render panicked (the frame is missing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderPanic {
    pub tick: Tick,
    pub message: String,
}

impl core::fmt::Display for RenderPanic {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "rendering tick {} panicked: {}", self.tick, self.message)
    }
}

impl std::error::Error for RenderPanic {}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

/// Sets up a [`Precomputer`].
///
/// ```
/// use std::sync::Arc;
/// use tinydisplay::Engine;
/// use tinydisplay_runtime::{FakeClock, Lookahead, Precomputer};
/// let engine = Engine::from_source("s.toml", b"display = { width = 128, height = 32 }").unwrap();
/// let pre = Precomputer::builder(engine.clone(), Arc::new(FakeClock::new()))
///     .workers(2)
///     .lookahead(Lookahead::Fixed(30))
///     .build()
///     .unwrap();
/// pre.set_cursor(0);
/// pre.wait_idle();
/// assert_eq!(*pre.take(5).unwrap(), engine.render(5));
/// ```
pub struct PrecomputerBuilder {
    engine: Engine,
    clock: Arc<dyn Clock>,
    pool: PoolChoice,
    cache_bytes: Option<usize>,
    lookahead: Lookahead,
    render: RenderFn,
}

impl PrecomputerBuilder {
    /// A dedicated pool of `n` threads (at least 1).
    pub fn workers(mut self, n: usize) -> Self {
        self.pool = PoolChoice::Own(n.max(1));
        self
    }

    pub fn pool(mut self, pool: PoolChoice) -> Self {
        self.pool = pool;
        self
    }

    /// The cache budget in bytes (default: 2 s of frames, see [`FrameCache::budget_for`]).
    pub fn cache_bytes(mut self, bytes: usize) -> Self {
        self.cache_bytes = Some(bytes);
        self
    }

    pub fn lookahead(mut self, lookahead: Lookahead) -> Self {
        self.lookahead = lookahead;
        self
    }

    /// Replaces [`Engine::render`] (fault injection in tests, instrumentation).
    pub fn render_fn(mut self, f: impl Fn(&Engine, Tick) -> Frame + Send + Sync + 'static) -> Self {
        self.render = Arc::new(f);
        self
    }

    pub fn build(self) -> Result<Precomputer, rayon::ThreadPoolBuildError> {
        let (pool, workers) = match self.pool {
            PoolChoice::Own(n) => {
                let n = n.max(1);
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .thread_name(|i| format!("tinydisplay-precompute-{i}"))
                    .build()?;
                (Pool::Parked(Arc::new(pool)), n)
            }
            PoolChoice::Shared(pool) => {
                let n = pool.current_num_threads().max(1);
                (Pool::Rayon(pool), n)
            }
            PoolChoice::Global => (Pool::Global, rayon::current_num_threads().max(1)),
            PoolChoice::None => (Pool::None, 0),
        };
        let budget = self
            .cache_bytes
            .unwrap_or_else(|| FrameCache::budget_for(&self.engine, 2));
        let entry = entry_bytes(self.engine.width(), self.engine.height());
        let started = self.clock.now();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                engine: self.engine,
                generation: 0,
                cache: FrameCache::new(budget),
                cursor: 0,
                next_free: 0,
                in_flight: BTreeMap::new(),
                failed: BTreeSet::new(),
                compacted_len: 0,
                ready_at: BTreeMap::new(),
                active: 0,
                wake_tokens: 0,
                shutdown: false,
                lookahead: self.lookahead,
                cost_ewma_ns: 0,
                stats: Stats::new(started),
            }),
            idle: Condvar::new(),
            work: Condvar::new(),
            doorbell: Arc::new(Doorbell::new()),
            generation: AtomicU64::new(0),
            clock: self.clock,
            render: self.render,
            workers,
            entry_bytes: entry,
        });
        if let Pool::Parked(p) = &pool {
            for _ in 0..workers {
                let shared = Arc::clone(&shared);
                p.spawn(move || shared.parked_worker());
            }
        }
        Ok(Precomputer {
            inner: Arc::new(Inner { shared, pool }),
        })
    }
}

enum Pool {
    /// A dedicated pool whose every thread runs [`Shared::parked_worker`]: parked on a condition
    /// variable between batches. (A rayon job per batch would cost rayon's idle spin, dozens of
    /// `sched_yield`s per wake-up, which dominates the CPU of a scene that barely changes.)
    Parked(Arc<rayon::ThreadPool>),
    Rayon(Arc<rayon::ThreadPool>),
    Global,
    None,
}

struct Stats {
    since: Duration,
    frames: u64,
    busy_ns: u64,
    compute: Histogram,
    panics: u64,
    stale: u64,
    inline_renders: u64,
    inline_panics: u64,
    claims: u64,
    workers_started: u64,
}

impl Stats {
    fn new(since: Duration) -> Self {
        Stats {
            since,
            frames: 0,
            busy_ns: 0,
            compute: Histogram::new(),
            panics: 0,
            stale: 0,
            inline_renders: 0,
            inline_panics: 0,
            claims: 0,
            workers_started: 0,
        }
    }
}

struct State {
    engine: Engine,
    /// Bumped by every change of engine or invalidation; a frame computed under an older
    /// generation is discarded rather than stored, so no stale frame outlives an event.
    generation: u64,
    cache: FrameCache,
    /// The lowest tick not yet shown: the window is `cursor .. cursor + lookahead`.
    cursor: Tick,
    /// Every tick in `cursor .. next_free` is cached, in flight or failed (lowered whenever one
    /// stops being so), so the scan for work is amortized O(1).
    next_free: Tick,
    /// Ticks being computed, with the generation they were started under.
    in_flight: BTreeMap<Tick, u64>,
    /// Ticks whose render panicked in this generation: not retried by workers.
    failed: BTreeSet<Tick>,
    /// When each cached future frame was stored, i.e. became ready for the player (clock time).
    /// Pruned as the cursor passes and on invalidation, so it stays within the window.
    ready_at: BTreeMap<Tick, Duration>,
    /// Events the engine held after the last [`Precomputer::push_live_event`] compaction.
    compacted_len: usize,
    /// Worker loops running.
    active: usize,
    /// Worker loops asked of parked threads and not yet started.
    wake_tokens: usize,
    shutdown: bool,
    lookahead: Lookahead,
    cost_ewma_ns: u64,
    stats: Stats,
}

/// The fewest events at which [`Precomputer::push_live_event`] compacts: below it a push is
/// cheap anyway, and a sparkline may need 4096 of them.
pub const COMPACT_MIN_EVENTS: usize = 8_192;

/// Consecutive free ticks of the window, claimed together so that cheap frames (a few
/// microseconds) do not spend as long on the lock as on rendering.
struct Job {
    ticks: Vec<Tick>,
    generation: u64,
    engine: Engine,
}

/// Work per claim that makes the lock's cost negligible. In a browser a contended lock costs a
/// round trip through `Atomics.wait`/`notify` between Web Workers, so claims there must be
/// larger than natively for the lock to stay out of the way.
const BATCH_NANOS: u64 = 200_000;
const MAX_BATCH: u64 = 64;

/// Ticks per claim: about [`BATCH_NANOS`] of work, one until the cost is known (a first frame
/// could take milliseconds), and at most a share of the window so every worker gets some.
fn batch_size(cost_ns: u64, window: u64, workers: usize) -> usize {
    if cost_ns == 0 {
        return 1;
    }
    let share = (window / (2 * workers.max(1) as u64)).max(1);
    (BATCH_NANOS / cost_ns).clamp(1, MAX_BATCH).min(share) as usize
}

struct Shared {
    state: Mutex<State>,
    idle: Condvar,
    /// Parked workers wait here for `wake_tokens` or shutdown.
    work: Condvar,
    /// Rung by every invalidation (an event, a new engine), so that a player sleeping through
    /// ticks it knew to be unchanged wakes at once.
    doorbell: Arc<Doorbell>,
    /// A lock-free copy of `State::generation`, so a worker can abandon a stale batch early.
    generation: AtomicU64,
    clock: Arc<dyn Clock>,
    render: RenderFn,
    workers: usize,
    entry_bytes: usize,
}

impl Shared {
    /// For the worker side: an ordinary (possibly blocking) lock.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// For the player side. A browser's main thread may not block (a contended std mutex
    /// there traps in `Atomics.wait`), so on wasm it spins: workers hold the lock only for
    /// a few map operations.
    fn lock_player(&self) -> MutexGuard<'_, State> {
        #[cfg(target_arch = "wasm32")]
        loop {
            match self.state.try_lock() {
                Ok(g) => return g,
                Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => core::hint::spin_loop(),
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.lock()
    }

    fn window(&self, st: &State) -> u64 {
        let budget_frames = (st.cache.budget() / self.entry_bytes.max(1)) as u64;
        match st.lookahead {
            Lookahead::Fixed(n) => u64::from(n).min(budget_frames),
            Lookahead::Adaptive { lead } => adaptive_lookahead(
                lead,
                st.engine.tick_rate(),
                self.workers,
                Duration::from_nanos(st.cost_ewma_ns),
                budget_frames,
            ),
        }
    }

    fn next_job(&self, st: &mut State) -> Option<Job> {
        if st.shutdown {
            return None;
        }
        let window = self.window(st);
        let end = st.cursor.saturating_add(window);
        let batch = batch_size(st.cost_ewma_ns, window, self.workers);
        let mut ticks = Vec::new();
        let mut t = st.next_free.max(st.cursor);
        while t < end && ticks.len() < batch {
            if !st.cache.contains(t) && !st.in_flight.contains_key(&t) && !st.failed.contains(&t) {
                st.in_flight.insert(t, st.generation);
                ticks.push(t);
            }
            t += 1;
        }
        st.next_free = t;
        if ticks.is_empty() {
            return None;
        }
        st.stats.claims += 1;
        Some(Job {
            ticks,
            generation: st.generation,
            engine: st.engine.clone(),
        })
    }

    /// How many ticks of the window wait for a worker, counting no further than `limit`.
    fn free_ticks(&self, st: &State, limit: usize) -> usize {
        if st.shutdown {
            return 0;
        }
        let end = st.cursor.saturating_add(self.window(st));
        (st.next_free.max(st.cursor)..end)
            .filter(|t| {
                !st.cache.contains(*t) && !st.in_flight.contains_key(t) && !st.failed.contains(t)
            })
            .take(limit)
            .count()
    }

    fn finish(
        &self,
        st: &mut State,
        tick: Tick,
        generation: u64,
        result: std::thread::Result<(Frame, FrameHash)>,
        busy: Duration,
        now: Duration,
    ) {
        let current = generation == st.generation;
        if current {
            st.in_flight.remove(&tick);
        }
        let busy_ns = duration_nanos(busy);
        st.stats.busy_ns += busy_ns;
        match result {
            Ok((frame, hash)) => {
                st.stats.frames += 1;
                st.stats.compute.record_nanos(busy_ns);
                // An exponential average over ~8 frames: quick to follow a scene change,
                // smooth enough that one slow frame does not swing the window.
                let ewma = st.cost_ewma_ns as i128;
                st.cost_ewma_ns = (ewma + (busy_ns as i128 - ewma) / 8).max(0) as u64;
                if !current {
                    st.stats.stale += 1;
                    return;
                }
                if tick < st.cursor {
                    // The player passed this tick while it was computed (and rendered it inline).
                    return;
                }
                let ins = st.cache.insert_hashed(tick, Arc::new(frame), hash);
                if ins.stored {
                    st.ready_at.insert(tick, now);
                }
                if let Some(t) = ins.lowest_future_evicted {
                    st.next_free = st.next_free.min(t);
                }
            }
            Err(_) => {
                st.stats.panics += 1;
                if current {
                    st.failed.insert(tick);
                }
            }
        }
    }

    /// Starts worker loops for the free ticks of the window, up to the idle workers. The guard
    /// is released first: waking a thread can cost a context switch, and the player must not
    /// hold the lock through it.
    fn kick(self: &Arc<Self>, pool: &Pool, mut st: MutexGuard<'_, State>) {
        if matches!(pool, Pool::None) {
            return;
        }
        let idle = self.workers.saturating_sub(st.active);
        let n = if idle == 0 {
            0
        } else {
            self.free_ticks(&st, idle)
        };
        st.active += n;
        st.stats.workers_started += n as u64;
        if matches!(pool, Pool::Parked(_)) {
            st.wake_tokens += n;
        }
        drop(st);
        for _ in 0..n {
            let shared = Arc::clone(self);
            match pool {
                Pool::Parked(_) => self.work.notify_one(),
                Pool::Rayon(p) => p.spawn(move || shared.worker_loop()),
                Pool::Global => rayon::spawn(move || shared.worker_loop()),
                Pool::None => {}
            }
        }
    }

    /// A dedicated thread: parked until `kick` hands it a token, then one worker loop (until
    /// the window is full), and parked again; returns at shutdown.
    fn parked_worker(&self) {
        let mut st = self.lock();
        loop {
            if st.shutdown {
                return;
            }
            if st.wake_tokens > 0 {
                st.wake_tokens -= 1;
                drop(st);
                self.worker_loop();
                st = self.lock();
                continue;
            }
            st = self.work.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn worker_loop(&self) {
        loop {
            let job = {
                let mut st = self.lock();
                match self.next_job(&mut st) {
                    Some(j) => j,
                    None => {
                        st.active -= 1;
                        if st.active == 0 {
                            self.idle.notify_all();
                        }
                        return;
                    }
                }
            };
            let mut done = Vec::with_capacity(job.ticks.len());
            // One clock read per frame: each frame's end is the next one's start (a clock read
            // is a call out to JavaScript in a browser).
            let mut t0 = self.clock.now();
            for &tick in &job.ticks {
                if self.generation.load(Ordering::Relaxed) != job.generation {
                    // An event made the rest of the batch stale; its ticks were already released.
                    break;
                }
                // The frame is a pure function of (engine, tick): nothing is left half-updated if
                // the render unwinds, so asserting unwind safety is sound.
                // The hash is taken here, once, outside the lock: the player compares hashes
                // to know which coming ticks need no wake-up.
                let result = catch_unwind(AssertUnwindSafe(|| {
                    let frame = (self.render)(&job.engine, tick);
                    let hash = frame.hash();
                    (frame, hash)
                }));
                let t1 = self.clock.now();
                done.push((tick, result, t1.saturating_sub(t0)));
                t0 = t1;
            }
            let mut st = self.lock();
            // The batch becomes visible to the player only now, so this is when its frames
            // are ready.
            let now = self.clock.now();
            for (tick, result, busy) in done {
                self.finish(&mut st, tick, job.generation, result, busy, now);
            }
        }
    }
}

struct Inner {
    shared: Arc<Shared>,
    pool: Pool,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Running loops see this at their next pick and exit; their frames are dropped with them.
        // Parked threads wake and return, handing their threads back to the pool.
        self.shared.lock().shutdown = true;
        self.shared.work.notify_all();
    }
}

/// Counters and distributions of a [`Precomputer`] since it was built or last reset.
#[derive(Clone, Debug)]
pub struct PrecomputeStats {
    pub workers: usize,
    pub wall: Duration,
    /// Time spent inside renders, summed over workers.
    pub busy: Duration,
    pub frames_computed: u64,
    /// Per-frame compute time on the workers.
    pub compute: Histogram,
    pub panics_caught: u64,
    /// Frames finished under an older generation (an event arrived meanwhile) and discarded.
    pub stale_discarded: u64,
    pub inline_renders: u64,
    pub inline_panics: u64,
    pub cache: CacheStats,
    /// Batches of ticks claimed by workers (each claim is one trip through the lock).
    pub claims: u64,
    /// Worker loops started: each is a thread wake-up, so an idle pool adds none.
    pub workers_started: u64,
    /// The current lookahead window in ticks.
    pub lookahead: u64,
    pub cost_estimate: Duration,
}

impl PrecomputeStats {
    /// busy / (workers x wall): the share of the pool's capacity spent rendering.
    pub fn utilization(&self) -> f64 {
        let cap = self.workers as f64 * self.wall.as_secs_f64();
        if cap > 0.0 {
            self.busy.as_secs_f64() / cap
        } else {
            0.0
        }
    }

    pub fn fps_computed(&self) -> f64 {
        let s = self.wall.as_secs_f64();
        if s > 0.0 {
            self.frames_computed as f64 / s
        } else {
            0.0
        }
    }
}

/// Sizes of the internal structures, for tests that memory stays bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footprint {
    pub cached_frames: usize,
    pub cache_bytes: usize,
    pub budget_bytes: usize,
    pub in_flight: usize,
    pub failed: usize,
    pub active_workers: usize,
}

/// Computes future frames on a rayon pool into a byte-bounded [`FrameCache`].
///
/// A cheap handle (`Clone`): the player, an input thread and a UI can share it. Dropping the last
/// handle stops the workers after the frame each is on.
#[derive(Clone)]
pub struct Precomputer {
    inner: Arc<Inner>,
}

impl Precomputer {
    /// A builder with the defaults: [`default_workers`] threads of its own, a 2 s cache,
    /// [`Lookahead::default`], [`Engine::render`].
    pub fn builder(engine: Engine, clock: Arc<dyn Clock>) -> PrecomputerBuilder {
        PrecomputerBuilder {
            engine,
            clock,
            pool: PoolChoice::Own(default_workers()),
            cache_bytes: None,
            lookahead: Lookahead::default(),
            render: Arc::new(|e: &Engine, t| e.render(t)),
        }
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    fn kick(&self, st: MutexGuard<'_, State>) {
        self.shared().kick(&self.inner.pool, st);
    }

    /// Number of workers (0 when every frame is rendered inline).
    pub fn workers(&self) -> usize {
        self.shared().workers
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.shared().clock
    }

    /// The engine frames are currently computed from.
    pub fn engine(&self) -> Engine {
        self.shared().lock_player().engine.clone()
    }

    /// Moves the window: ticks below `tick` count as shown. Starts workers if there is work.
    pub fn set_cursor(&self, tick: Tick) {
        let mut st = self.shared().lock_player();
        self.move_cursor(&mut st, tick);
        self.kick(st);
    }

    fn move_cursor(&self, st: &mut State, tick: Tick) {
        if tick < st.cursor {
            st.next_free = st.next_free.min(tick);
        }
        st.cursor = tick;
        while let Some(e) = st.ready_at.first_entry() {
            if *e.key() >= tick {
                break;
            }
            e.remove();
        }
        st.cache.mark_shown(tick);
        // Failures behind the player will never be needed again.
        st.failed = st.failed.split_off(&tick);
    }

    /// The player's lookup for the tick it is about to show: counts a hit or miss, moves the
    /// window past `tick` and tops the workers up. Never waits for a worker.
    pub fn take(&self, tick: Tick) -> Option<Arc<Frame>> {
        let frame = self.take_without_refill(tick);
        self.refill();
        frame
    }

    /// [`Precomputer::take`] without starting workers: a player that wants its frame out before
    /// paying for a thread wake-up calls [`Precomputer::refill`] afterwards.
    pub fn take_without_refill(&self, tick: Tick) -> Option<Arc<Frame>> {
        self.take_ready_without_refill(tick).map(|(frame, _)| frame)
    }

    /// [`Precomputer::take_without_refill`], also telling when the frame was stored in the
    /// cache (clock time): the instant it became ready for the player.
    pub fn take_ready_without_refill(&self, tick: Tick) -> Option<(Arc<Frame>, Duration)> {
        self.take_hashed_without_refill(tick)
            .map(|(frame, ready, _)| (frame, ready))
    }

    /// [`Precomputer::take_ready_without_refill`], also giving the frame's hash (computed by
    /// the worker that rendered it).
    pub fn take_hashed_without_refill(
        &self,
        tick: Tick,
    ) -> Option<(Arc<Frame>, Duration, FrameHash)> {
        let mut st = self.shared().lock_player();
        let frame = st.cache.get(tick);
        let hash = st.cache.hash(tick);
        let ready = st.ready_at.get(&tick).copied();
        self.move_cursor(&mut st, tick.saturating_add(1));
        drop(st);
        let (frame, hash) = frame.zip(hash)?;
        // Every stored frame has its time; the fallback only guards the invariant.
        Some((
            frame,
            ready.unwrap_or_else(|| self.shared().clock.now()),
            hash,
        ))
    }

    /// Starts workers for what the window lacks, once it lacks enough: half the window, or the
    /// tick due next. Topping up one tick per tick would wake a worker every tick for one
    /// frame; in batches the pool sleeps most of the time and the window stays at least half
    /// full.
    pub fn refill(&self) {
        let shared = self.shared();
        let st = shared.lock_player();
        let window = shared.window(&st) as usize;
        let c = st.cursor;
        let next_missing =
            !st.cache.contains(c) && !st.in_flight.contains_key(&c) && !st.failed.contains(&c);
        if !next_missing && 2 * shared.free_ticks(&st, window) < window {
            return;
        }
        self.kick(st);
    }

    /// The doorbell rung by every invalidation: a player sleeps on it (see
    /// [`crate::Clock::sleep_until_or_rung`]).
    pub fn doorbell(&self) -> &Arc<Doorbell> {
        &self.shared().doorbell
    }

    /// Bumped by every invalidation (event, new engine, `invalidate_from`): frames known before a
    /// change of generation may be stale.
    pub fn generation(&self) -> u64 {
        self.shared().generation.load(Ordering::SeqCst)
    }

    /// The first tick from `from` on whose frame is not known to have `hash` (not cached yet,
    /// or different): the ticks before it need nothing sent to a display showing `hash`.
    pub fn same_until(&self, from: Tick, hash: FrameHash) -> Tick {
        self.shared().lock_player().cache.same_until(from, hash)
    }

    /// A cached frame, without counting or moving anything.
    pub fn peek(&self, tick: Tick) -> Option<Arc<Frame>> {
        self.shared().lock_player().cache.peek(tick)
    }

    /// Renders `tick` on the calling thread with the current engine (the player's fallback on a
    /// miss). A panic is caught and counted, and returned as an error.
    pub fn render_inline(&self, tick: Tick) -> Result<Frame, RenderPanic> {
        let engine = self.engine();
        let render = &self.shared().render;
        let result = catch_unwind(AssertUnwindSafe(|| render(&engine, tick)));
        let mut st = self.shared().lock_player();
        st.stats.inline_renders += 1;
        result.map_err(|p| {
            st.stats.inline_panics += 1;
            RenderPanic {
                tick,
                message: panic_message(p.as_ref()),
            }
        })
    }

    /// Adds an input event: frames from its tick on are dropped and recomputed, and frames being
    /// computed with the old engine are discarded when they finish. Returns the event's tick.
    pub fn push_event(&self, event: Event) -> Result<Tick, EventError> {
        let mut st = self.shared().lock_player();
        // Pushing onto a clone keeps the engine that running jobs hold unchanged.
        let mut engine = st.engine.clone();
        let tick = engine.push_event(event)?;
        st.engine = engine;
        self.invalidate_locked(&mut st, tick);
        self.kick(st);
        Ok(tick)
    }

    /// [`Precomputer::push_event`] for a player that only moves forward (a live `play`): when
    /// the log has doubled since the last compaction (and holds at least
    /// [`COMPACT_MIN_EVENTS`]), the engine drops the events no frame at or after the cursor
    /// can see ([`Engine::compact_before`]). The cost of a push then stays bounded however
    /// long the feed runs. Cached frames stay valid, as compaction changes no frame at or
    /// after the cut; frames below the cursor may no longer be rendered as they were, so a
    /// caller that seeks back uses [`Precomputer::push_event`] instead.
    pub fn push_live_event(&self, event: Event) -> Result<Tick, EventError> {
        let tick = self.push_event(event)?;
        let mut st = self.shared().lock_player();
        let count = st.engine.event_count();
        if count >= COMPACT_MIN_EVENTS.max(st.compacted_len.saturating_mul(2)) {
            let cut = st.cursor;
            st.engine.compact_before(cut);
            st.compacted_len = st.engine.event_count();
        }
        Ok(tick)
    }

    /// Replaces the engine (an edited scene): everything is recomputed.
    pub fn set_engine(&self, engine: Engine) {
        let mut st = self.shared().lock_player();
        st.engine = engine;
        self.invalidate_locked(&mut st, 0);
        self.kick(st);
    }

    /// Drops cached frames at `tick` and later and schedules them again.
    pub fn invalidate_from(&self, tick: Tick) {
        let mut st = self.shared().lock_player();
        self.invalidate_locked(&mut st, tick);
        self.kick(st);
    }

    fn invalidate_locked(&self, st: &mut State, tick: Tick) {
        st.generation += 1;
        self.shared()
            .generation
            .store(st.generation, Ordering::SeqCst);
        st.cache.invalidate_from(tick);
        drop(st.ready_at.split_off(&tick));
        // Jobs of the old generation will be discarded, so every tick they held is free again
        // (including ticks below `tick`, whose frames would have been right but are simpler
        // to recompute than to track per generation).
        st.in_flight.clear();
        st.failed.clear();
        st.next_free = st.next_free.min(tick).min(st.cursor);
        self.shared().doorbell.ring();
    }

    /// Changes the lookahead policy.
    pub fn set_lookahead(&self, lookahead: Lookahead) {
        let mut st = self.shared().lock_player();
        st.lookahead = lookahead;
        self.kick(st);
    }

    /// Fills the window on the calling thread, returning when it is full (or everything left
    /// failed): the worker loop for hosts without worker threads ([`PoolChoice::None`], such as a
    /// single-threaded wasm build). With a pool, the caller works alongside the pool's workers.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use tinydisplay::Engine;
    /// use tinydisplay_runtime::{FakeClock, Lookahead, PoolChoice, Precomputer};
    /// let engine = Engine::from_source("s.toml", b"display = { width = 32, height = 16 }").unwrap();
    /// let pre = Precomputer::builder(engine.clone(), Arc::new(FakeClock::new()))
    ///     .pool(PoolChoice::None)
    ///     .lookahead(Lookahead::Fixed(8))
    ///     .build()
    ///     .unwrap();
    /// pre.set_cursor(4);
    /// pre.compute_here();
    /// assert_eq!(pre.cached_ticks(), (4..12).collect::<Vec<_>>());
    /// assert_eq!(*pre.take(7).unwrap(), engine.render(7));
    /// ```
    pub fn compute_here(&self) {
        let shared = self.shared();
        // Counted as a worker so that `wait_idle` and the footprint see it; the loop takes
        // itself off the count when it finds no more work.
        shared.lock_player().active += 1;
        shared.worker_loop();
    }

    /// Blocks until no worker is running (the window is full or everything left failed).
    /// Native hosts, benches and tests only: a browser's main thread must not call it.
    pub fn wait_idle(&self) {
        let shared = self.shared();
        let mut st = shared.lock();
        while st.active > 0 {
            st = shared.idle.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    pub fn stats(&self) -> PrecomputeStats {
        let shared = self.shared();
        let st = shared.lock_player();
        PrecomputeStats {
            workers: shared.workers,
            wall: shared.clock.now().saturating_sub(st.stats.since),
            busy: Duration::from_nanos(st.stats.busy_ns),
            frames_computed: st.stats.frames,
            compute: st.stats.compute.clone(),
            panics_caught: st.stats.panics,
            stale_discarded: st.stats.stale,
            inline_renders: st.stats.inline_renders,
            inline_panics: st.stats.inline_panics,
            cache: st.cache.stats(),
            claims: st.stats.claims,
            workers_started: st.stats.workers_started,
            lookahead: shared.window(&st),
            cost_estimate: Duration::from_nanos(st.cost_ewma_ns),
        }
    }

    /// Zeroes counters and distributions, and restarts the wall time used for utilization.
    pub fn reset_stats(&self) {
        let shared = self.shared();
        let mut st = shared.lock_player();
        st.stats = Stats::new(shared.clock.now());
        st.cache.reset_stats();
    }

    pub fn footprint(&self) -> Footprint {
        let st = self.shared().lock_player();
        Footprint {
            cached_frames: st.cache.len(),
            cache_bytes: st.cache.bytes(),
            budget_bytes: st.cache.budget(),
            in_flight: st.in_flight.len(),
            failed: st.failed.len(),
            active_workers: st.active,
        }
    }

    /// Cached ticks in order (tests, diagnostics).
    pub fn cached_ticks(&self) -> Vec<Tick> {
        self.shared().lock_player().cache.ticks().collect()
    }
}
