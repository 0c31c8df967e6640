//! One serializable summary of a precomputer and (optionally) a player.

use crate::cache::CacheStats;
use crate::histogram::Histogram;
use crate::player::PlayerStats;
use crate::precompute::PrecomputeStats;
use serde::{Deserialize, Serialize};

/// Microseconds with nanosecond resolution kept (0.001 us steps).
pub(crate) fn us(nanos: u64) -> f64 {
    nanos as f64 / 1000.0
}

/// A latency distribution in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub count: u64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

impl From<&Histogram> for Latency {
    fn from(h: &Histogram) -> Self {
        Latency {
            count: h.count(),
            p50_us: us(h.quantile_nanos(0.5)),
            p99_us: us(h.quantile_nanos(0.99)),
            max_us: us(h.max_nanos()),
        }
    }
}

/// Everything the runtime measures, as a struct and as JSON ([`Metrics::to_json`]).
///
/// Latency is measured from a tick's deadline (the instant the tick becomes due) to its frame
/// being ready: for a frame found in the cache (`latency_precomputed`) the instant a worker
/// stored it (0 when that was before the deadline), for a frame the player had to render itself
/// (`latency_inline`) the instant that render finished. `in_hand_*` measure from the deadline to
/// the frame in the player's hand instead, so they also contain the player's own wake-up delay
/// (`wake_late`), which no precomputation can remove.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub workers: usize,
    pub wall_us: f64,
    pub busy_us: f64,
    /// busy / (workers x wall).
    pub utilization: f64,
    pub frames_computed: u64,
    pub fps_computed: f64,
    /// Compute time per frame on the workers.
    pub frame_us_p50: f64,
    pub frame_us_p99: f64,
    pub latency: Latency,
    pub latency_precomputed: Latency,
    pub latency_inline: Latency,
    /// Tick deadline to the frame in the player's hand (wake-up delay + lookup or render).
    pub in_hand_precomputed: Latency,
    pub in_hand_inline: Latency,
    /// Player wake-up to frame in hand (the in-hand time minus the wake-up delay).
    pub service: Latency,
    /// How late the player woke up after each tick's deadline.
    pub wake_late: Latency,
    /// Tick deadline to the sink's `show` returning, for frames handed to the sink.
    pub lateness: Latency,
    pub ticks_shown: u64,
    pub dropped_frames: u64,
    /// Ticks not sent because their frame equalled the one on the display.
    pub unchanged_ticks: u64,
    /// Player steps (wake-ups).
    pub player_wakeups: u64,
    /// Batches claimed by workers, and worker loops started (thread wake-ups).
    pub worker_claims: u64,
    pub workers_started: u64,
    pub cache_hit_rate: f64,
    pub cache: CacheStats,
    /// Panics caught, on workers and inline.
    pub panics_caught: u64,
    pub stale_discarded: u64,
    pub inline_renders: u64,
    pub lookahead_ticks: u64,
}

impl Metrics {
    pub fn collect(pre: &PrecomputeStats, player: Option<&PlayerStats>) -> Metrics {
        let mut m = Metrics {
            workers: pre.workers,
            wall_us: us(crate::clock::duration_nanos(pre.wall)),
            busy_us: us(crate::clock::duration_nanos(pre.busy)),
            utilization: pre.utilization(),
            frames_computed: pre.frames_computed,
            fps_computed: pre.fps_computed(),
            frame_us_p50: us(pre.compute.quantile_nanos(0.5)),
            frame_us_p99: us(pre.compute.quantile_nanos(0.99)),
            cache_hit_rate: pre.cache.hit_rate(),
            cache: pre.cache,
            panics_caught: pre.panics_caught + pre.inline_panics,
            stale_discarded: pre.stale_discarded,
            inline_renders: pre.inline_renders,
            lookahead_ticks: pre.lookahead,
            worker_claims: pre.claims,
            workers_started: pre.workers_started,
            ..Metrics::default()
        };
        if let Some(p) = player {
            m.latency = (&p.latency).into();
            m.latency_precomputed = (&p.latency_precomputed).into();
            m.latency_inline = (&p.latency_inline).into();
            m.in_hand_precomputed = (&p.in_hand_precomputed).into();
            m.in_hand_inline = (&p.in_hand_inline).into();
            m.service = (&p.service).into();
            m.wake_late = (&p.wake_late).into();
            m.lateness = (&p.lateness).into();
            m.unchanged_ticks = p.unchanged;
            m.player_wakeups = p.wakeups;
            m.ticks_shown = p.shown;
            m.dropped_frames = p.dropped;
        }
        m
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("metrics are plain numbers")
    }
}
