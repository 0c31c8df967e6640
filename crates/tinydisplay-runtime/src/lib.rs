//! Multi-core frame precomputation for tinydisplay.
//!
//! Frames are pure functions of the tick, so workers can render ahead of the player while one
//! thread owns the display bus: when a tick comes its frame is usually finished already.
//!
//! - [`Precomputer`]: renders future frames on a rayon pool (its own, a shared one, or the global
//!   pool, which in a browser is wasm-bindgen-rayon's Web Workers) from a shared immutable
//!   [`tinydisplay::Engine`]; the lookahead window adapts to the measured compute cost, the tick
//!   rate and the cache budget.
//! - [`FrameCache`]: frames by tick, bounded in bytes (default: 2 s of frames); shown ticks are
//!   evicted first, then the farthest future. An input event at tick T drops the frames from T on;
//!   a generation counter keeps frames that were being computed with the old engine out.
//! - [`Player`]: a fixed-timestep tick clock that does not drift, hands each tick's frame to a
//!   [`Sink`], renders inline on a cache miss, never waits for a worker, and drops (and counts)
//!   frames when the sink is slower than the tick rate.
//! - [`sink`]: the one sink contract every display implements, and the one error and retry
//!   policy ([`Retry`]: transient errors cost a frame and a backoff, then fatal after N in a
//!   row; after an error the sink's next show is a whole frame).
//! - [`Metrics`]: utilization, throughput, compute time, tick-to-frame-ready latency, cache use,
//!   drops and caught panics, as a struct and as JSON.
//!
//! Nothing here reads a clock or starts a thread by itself: time comes from a [`Clock`]
//! ([`SystemClock`] natively, [`FakeClock`] in tests, `performance.now()` in a browser) and
//! threads from rayon. The crate builds for `wasm32-unknown-unknown`.
//!
//! ```
//! use std::sync::Arc;
//! use tinydisplay::Engine;
//! use tinydisplay_runtime::{FakeClock, NullSink, Player, Precomputer};
//!
//! let scene = br#"
//! display = { width = 128, height = 32, tick_rate = 30 }
//! [[widgets]]
//! kind = "circle"
//! w = 6
//! animate = [{ prop = "x", keys = [{ t = 0, v = 0 }, { t = 30, v = 120 }] }]
//! "#;
//! let engine = Engine::from_source("ball.toml", scene).unwrap();
//! let pre = Precomputer::builder(engine, Arc::new(FakeClock::new())).workers(2).build().unwrap();
//! let mut player = Player::new(pre);
//! player.set_end(Some(90));
//! player.run(&mut NullSink).unwrap(); // three simulated seconds, instantly
//! let m = player.metrics();
//! assert_eq!(m.ticks_shown + m.dropped_frames, 90);
//! println!("{}", m.to_json());
//! ```
//!
//! # `tinydisplay bench --json` keys
//!
//! One JSON object per scene ([`bench_report::BenchReport`]); times in microseconds, rates per
//! second, fractions in 0..=1. These names are stable; keys may be added.
//!
//! | key | meaning |
//! |---|---|
//! | `scene` | the scene file as given |
//! | `ticks` | the measured tick range, `A..B` |
//! | `tick_rate` | the scene's ticks per second (the real-time play rate) |
//! | `frame_us_p50`, `frame_us_p99` | compute time of one frame on one thread |
//! | `workers` | N, the workers of the multi-worker runs |
//! | `fps_1`, `fps_n` | precompute throughput (frames/s) with 1 and N workers: the median of rounds of at least 50 ms of single-thread work (past the range's end for cheap scenes), 1-worker and N-worker rounds alternating so that a noisy neighbour hits both alike |
//! | `speedup` | `fps_n / fps_1` |
//! | `utilization`, `utilization_1` | busy / (workers x wall) while precomputing, N and 1 workers |
//! | `latency_us_p99_inline` | p99 tick deadline to frame ready, every frame rendered by the player when it wakes for its tick |
//! | `latency_us_p99_precomputed` | the same with N workers precomputing into the cache: a cached frame is ready when a worker stored it, so this is 0 for a frame finished before its tick was due |
//! | `latency_reduction_pct` | `100 * (1 - precomputed / inline)` |
//! | `latency_us_p50_*`, `latency_us_max_*` | the same runs' median and maximum |
//! | `in_hand_us_p99_inline`, `in_hand_us_p99_precomputed` | p99 tick deadline to the frame in the player's hand: includes the player's own OS wake-up delay, which precomputing cannot remove |
//! | `service_us_p99_inline`, `service_us_p99_precomputed` | p99 from the player waking for a tick to its frame in hand (a lookup or an inline render; the in-hand time without the wake-up delay) |
//! | `wake_late_us_p99_inline`, `wake_late_us_p99_precomputed` | p99 of how late the player woke after each deadline |
//! | `cache_bytes_peak`, `cache_budget_bytes` | cache bytes at most / allowed, precomputed run |
//! | `cache_hit_rate` | hits / lookups in the precomputed run |
//! | `dropped_frames`, `dropped_frames_inline` | ticks that passed unshown, precomputed / inline run |
//! | `panics_caught` | render panics caught in both runs |

pub mod bench_report;
pub mod cache;
pub mod clock;
pub mod histogram;
pub mod metrics;
pub mod player;
pub mod precompute;
pub mod sink;

pub use cache::{CacheStats, FrameCache};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use clock::SystemClock;
pub use clock::{Clock, Doorbell, FakeClock};
pub use histogram::Histogram;
pub use metrics::{Latency, Metrics};
pub use player::{Player, PlayerStats, Step};
pub use precompute::{
    default_workers, Footprint, Lookahead, PoolChoice, PrecomputeStats, Precomputer,
    PrecomputerBuilder, RenderPanic,
};
pub use sink::{NullSink, OnExit, Retry, Sink, SinkError};
pub use tinydisplay::{Frame, Tick};
