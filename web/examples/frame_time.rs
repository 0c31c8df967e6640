//! Native per-frame compute time, the reference for the wasm numbers of the browser tests:
//! `cargo run --release -p tinydisplay-web --example frame_time -- tests/scenes/*.toml`
//! (one thread, ticks 0..1000, at least 200 ms of warm-up then the median of 5 passes:
//! `frame_time_us`, the function the browser tests call in wasm), then the throughput of the
//! runtime's `Precomputer` (the machinery the page precomputes with) filling a 2400-tick window
//! with 1 and with 2 workers: the native control for the browser's threads-versus-single-thread
//! ratio on the same (possibly busy) machine.
use std::sync::Arc;
use std::time::Instant;
use tinydisplay_runtime::cache::entry_bytes;
use tinydisplay_runtime::{Clock, Lookahead, Precomputer};

/// `SystemClock` is not built for wasm32, where this example must still compile (the browser
/// stage builds the crate's examples for wasm32 too); measuring only needs `now`.
struct Elapsed(Instant);

impl Clock for Elapsed {
    fn now(&self) -> std::time::Duration {
        self.0.elapsed()
    }
}

fn main() {
    for path in std::env::args().skip(1) {
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let resolver = tinydisplay_assets::dir_resolver(std::path::Path::new(&path));
        let engine = match tinydisplay_assets::load_scene(&path, &text, &*resolver) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        let us = tinydisplay_web::frame_time_us(&engine, 0, 1000, 5);
        let fps = |workers: usize| {
            const WINDOW: u32 = 2400;
            let mut best = 0f64;
            for i in 0..3u64 {
                let pre = Precomputer::builder(engine.clone(), Arc::new(Elapsed(Instant::now())))
                    .workers(workers)
                    .lookahead(Lookahead::Fixed(WINDOW))
                    .cache_bytes(2 * WINDOW as usize * entry_bytes(engine.width(), engine.height()))
                    .build()
                    .expect("rayon pool");
                let t = Instant::now();
                pre.set_cursor(10_000 * (i + 1));
                pre.wait_idle();
                let frames = pre.stats().frames_computed;
                best = best.max(frames as f64 / t.elapsed().as_secs_f64());
            }
            best
        };
        let (one, two) = (fps(1), fps(2));
        println!(
            "{path}: {us:.1} us/frame; precompute {one:.0} fps with 1 worker, {two:.0} fps with 2 = {:.2}x",
            two / one
        );
    }
}
