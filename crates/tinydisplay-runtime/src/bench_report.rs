//! The measurements behind `tinydisplay bench`, and its stable JSON report.
//!
//! These functions block (they wait for the pool and sleep on the clock), so they are for native
//! hosts; the CLI passes a [`crate::SystemClock`].

use crate::cache::entry_bytes;
use crate::clock::Clock;
use crate::histogram::Histogram;
use crate::metrics::us;
use crate::player::Player;
use crate::precompute::{Lookahead, PoolChoice, Precomputer};
use crate::sink::NullSink;
use crate::{Metrics, Tick};
use core::ops::Range;
use core::time::Duration;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tinydisplay::Engine;

/// The JSON printed by `tinydisplay bench --json`. Key names are stable; new keys may be added.
/// See the crate documentation for what each one means.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    pub scene: String,
    pub ticks: String,
    pub tick_rate: u32,
    pub frame_us_p50: f64,
    pub frame_us_p99: f64,
    pub workers: usize,
    pub fps_1: f64,
    pub fps_n: f64,
    pub speedup: f64,
    pub utilization: f64,
    pub utilization_1: f64,
    pub latency_us_p99_inline: f64,
    pub latency_us_p99_precomputed: f64,
    pub latency_reduction_pct: f64,
    pub latency_us_p50_inline: f64,
    pub latency_us_p50_precomputed: f64,
    pub latency_us_max_inline: f64,
    pub latency_us_max_precomputed: f64,
    pub in_hand_us_p99_inline: f64,
    pub in_hand_us_p99_precomputed: f64,
    pub service_us_p99_inline: f64,
    pub service_us_p99_precomputed: f64,
    pub wake_late_us_p99_inline: f64,
    pub wake_late_us_p99_precomputed: f64,
    pub cache_bytes_peak: usize,
    pub cache_budget_bytes: usize,
    pub cache_hit_rate: f64,
    pub dropped_frames: u64,
    pub dropped_frames_inline: u64,
    pub panics_caught: u64,
}

impl BenchReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("the report is plain numbers and strings")
    }

    /// The header of a Markdown table whose rows are [`BenchReport::markdown_row`].
    pub fn markdown_header() -> &'static str {
        "| scene | frame us p50 | frame us p99 | workers | fps 1 | fps N | speedup | utilization | \
         p99 us inline | p99 us precomputed | reduction % | p99 us in hand inline | \
         p99 us in hand precomputed | cache peak bytes | hit rate | dropped |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    }

    pub fn markdown_row(&self) -> String {
        format!(
            "| {} | {:.1} | {:.1} | {} | {:.0} | {:.0} | {:.2}x | {:.1}% | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.1}% | {} |",
            self.scene,
            self.frame_us_p50,
            self.frame_us_p99,
            self.workers,
            self.fps_1,
            self.fps_n,
            self.speedup,
            self.utilization * 100.0,
            self.latency_us_p99_inline,
            self.latency_us_p99_precomputed,
            self.latency_reduction_pct,
            self.in_hand_us_p99_inline,
            self.in_hand_us_p99_precomputed,
            self.cache_bytes_peak,
            self.cache_hit_rate * 100.0,
            self.dropped_frames,
        )
    }
}

/// Per-frame compute time on the calling thread, one render per tick of `ticks`. Each frame is a
/// fresh allocation, as on the workers (whose frames go into the cache).
pub fn frame_times(engine: &Engine, clock: &dyn Clock, ticks: Range<Tick>) -> Histogram {
    let mut h = Histogram::new();
    for t in ticks {
        let t0 = clock.now();
        let frame = engine.render(t);
        h.record(clock.now().saturating_sub(t0));
        drop(core::hint::black_box(frame));
    }
    h
}

/// Precompute throughput with `workers` workers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Throughput {
    pub workers: usize,
    pub frames: u64,
    pub wall: Duration,
    pub fps: f64,
    pub utilization: f64,
}

/// Throughput with 1 worker and with `workers`, measured in alternating rounds (1, N, 1, N, ...)
/// until each side has had `min_time` and at least 5 rounds; each side's fps is the median of
/// its rounds. On a shared machine a neighbour's burst of work then lands on both sides alike
/// instead of on whichever ran during it, so their ratio, the speedup, stays put from run to
/// run. Utilization is over all of the N-worker rounds.
///
/// Each round starts and drains the pool once, which costs thread wake-ups; so that this stays
/// small next to the work, a round covers at least `round_ticks` ticks, extending the range past
/// its end when it is shorter (frames cost about the same at any tick). One uncounted warm-up
/// round per side starts the threads.
pub fn throughput_pair(
    engine: &Engine,
    clock: Arc<dyn Clock>,
    workers: usize,
    ticks: Range<Tick>,
    round_ticks: u64,
    min_time: Duration,
) -> Result<(Throughput, Throughput), rayon::ThreadPoolBuildError> {
    let rigs = [
        Rig::new(engine, &clock, 1, ticks.clone(), round_ticks)?,
        Rig::new(engine, &clock, workers, ticks, round_ticks)?,
    ];
    let mut fps: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut total = [(0u64, Duration::ZERO, Duration::ZERO); 2];
    for rig in &rigs {
        rig.round();
    }
    while fps[0].len() < 5 || total.iter().any(|t| t.1 < min_time) {
        for (i, rig) in rigs.iter().enumerate() {
            rig.pre.reset_stats();
            let wall = rig.round();
            let stats = rig.pre.stats();
            fps[i].push(stats.frames_computed as f64 / wall.as_secs_f64().max(1e-9));
            total[i].0 += stats.frames_computed;
            total[i].1 += wall;
            total[i].2 += stats.busy;
        }
    }
    let mut side = |i: usize| {
        let (frames, wall, busy) = total[i];
        let n = rigs[i].pre.workers();
        Throughput {
            workers: n,
            frames,
            wall,
            fps: median(&mut fps[i]),
            utilization: busy.as_secs_f64() / (n as f64 * wall.as_secs_f64().max(1e-9)),
        }
    };
    Ok((side(0), side(1)))
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// A precomputer whose window holds a whole throughput round.
struct Rig {
    pre: Precomputer,
    clock: Arc<dyn Clock>,
    ticks: Range<Tick>,
    window: u64,
}

impl Rig {
    fn new(
        engine: &Engine,
        clock: &Arc<dyn Clock>,
        workers: usize,
        ticks: Range<Tick>,
        round_ticks: u64,
    ) -> Result<Rig, rayon::ThreadPoolBuildError> {
        let entry = entry_bytes(engine.width(), engine.height());
        let ticks = ticks.start..ticks.end.max(ticks.start.saturating_add(round_ticks));
        let len = ticks.end.saturating_sub(ticks.start).max(1);
        // Hold the whole range when it fits in 256 MiB; otherwise go through it in windows.
        let window = len
            .min((256 << 20) / entry as u64)
            .min(u64::from(u32::MAX))
            .max(1);
        let pre = Precomputer::builder(engine.clone(), Arc::clone(clock))
            .workers(workers)
            .lookahead(Lookahead::Fixed(window as u32))
            .cache_bytes(window as usize * entry)
            .build()?;
        Ok(Rig {
            pre,
            clock: Arc::clone(clock),
            ticks,
            window,
        })
    }

    /// Computes every tick of the range once, from an empty cache, and returns how long the
    /// pool took. Emptying the cache of the last round (freeing its frames) is the harness's
    /// work, not precomputation: it happens with the window closed, before the clock starts.
    fn round(&self) -> Duration {
        self.pre.set_lookahead(Lookahead::Fixed(0));
        self.pre.set_cursor(self.ticks.start);
        self.pre.invalidate_from(0);
        let t0 = self.clock.now();
        // Opening the window starts the workers on it (`new` keeps the window within u32).
        self.pre.set_lookahead(Lookahead::Fixed(self.window as u32));
        let mut c = self.ticks.start;
        while c < self.ticks.end {
            self.pre.set_cursor(c);
            self.pre.wait_idle();
            c = c.saturating_add(self.window);
        }
        self.clock.now().saturating_sub(t0)
    }
}

/// Plays `ticks` in real time at the scene's tick rate on a sink that discards frames, either
/// rendering every frame inline (`workers == 0`) or with `workers` precomputing (after letting
/// them fill the first window, as a player does before it starts). Returns the player's metrics.
pub fn play_latency(
    engine: &Engine,
    clock: Arc<dyn Clock>,
    workers: usize,
    ticks: Range<Tick>,
) -> Result<Metrics, rayon::ThreadPoolBuildError> {
    let builder = Precomputer::builder(engine.clone(), clock);
    let pre = if workers == 0 {
        builder.pool(PoolChoice::None)
    } else {
        builder.workers(workers)
    }
    .build()?;
    pre.set_cursor(ticks.start);
    pre.wait_idle();
    pre.reset_stats();
    let mut player = Player::starting_at(pre, ticks.start);
    player.set_end(Some(ticks.end));
    player
        .run(&mut NullSink)
        .expect("the null sink never fails");
    Ok(player.metrics())
}

/// What [`run`] measures with.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    pub workers: usize,
    pub ticks: Range<Tick>,
    /// Least time per throughput measurement.
    pub min_time: Duration,
}

/// All of `tinydisplay bench`: compute time, throughput with 1 and N workers, real-time latency
/// inline and precomputed. `progress` hears what is being measured.
pub fn run(
    scene: &str,
    engine: &Engine,
    clock: Arc<dyn Clock>,
    opts: &BenchOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<BenchReport, rayon::ThreadPoolBuildError> {
    let workers = opts.workers.max(1);
    progress("frame compute time (one thread)");
    let times = frame_times(engine, clock.as_ref(), opts.ticks.clone());
    // Rounds of at least 50 ms of single-thread work (by the median cost just measured).
    let round_ticks = (50_000_000 / times.quantile_nanos(0.5).max(1)).min(1 << 20);
    progress(&format!(
        "precompute throughput, 1 worker and {workers} in alternating rounds"
    ));
    let (one, n) = throughput_pair(
        engine,
        Arc::clone(&clock),
        workers,
        opts.ticks.clone(),
        round_ticks,
        opts.min_time,
    )?;
    let secs = (opts.ticks.end - opts.ticks.start) as f64 / f64::from(engine.tick_rate().max(1));
    progress(&format!("real-time play, inline ({secs:.1} s)"));
    let inline = play_latency(engine, Arc::clone(&clock), 0, opts.ticks.clone())?;
    progress(&format!(
        "real-time play, {workers} workers precomputing ({secs:.1} s)"
    ));
    let pre = play_latency(engine, Arc::clone(&clock), workers, opts.ticks.clone())?;
    let (li, lp) = (inline.latency.p99_us, pre.latency.p99_us);
    Ok(BenchReport {
        scene: scene.to_string(),
        ticks: format!("{}..{}", opts.ticks.start, opts.ticks.end),
        tick_rate: engine.tick_rate(),
        frame_us_p50: us(times.quantile_nanos(0.5)),
        frame_us_p99: us(times.quantile_nanos(0.99)),
        workers: n.workers,
        fps_1: one.fps,
        fps_n: n.fps,
        speedup: if one.fps > 0.0 { n.fps / one.fps } else { 0.0 },
        utilization: n.utilization,
        utilization_1: one.utilization,
        latency_us_p99_inline: li,
        latency_us_p99_precomputed: lp,
        latency_reduction_pct: if li > 0.0 {
            (1.0 - lp / li) * 100.0
        } else {
            0.0
        },
        latency_us_p50_inline: inline.latency.p50_us,
        latency_us_p50_precomputed: pre.latency.p50_us,
        latency_us_max_inline: inline.latency.max_us,
        latency_us_max_precomputed: pre.latency.max_us,
        in_hand_us_p99_inline: inline.in_hand_inline.p99_us,
        in_hand_us_p99_precomputed: pre.in_hand_precomputed.p99_us,
        service_us_p99_inline: inline.service.p99_us,
        service_us_p99_precomputed: pre.service.p99_us,
        wake_late_us_p99_inline: inline.wake_late.p99_us,
        wake_late_us_p99_precomputed: pre.wake_late.p99_us,
        cache_bytes_peak: pre.cache.bytes_peak,
        cache_budget_bytes: pre.cache.budget_bytes,
        cache_hit_rate: pre.cache_hit_rate,
        dropped_frames: pre.dropped_frames,
        dropped_frames_inline: inline.dropped_frames,
        panics_caught: pre.panics_caught + inline.panics_caught,
    })
}
