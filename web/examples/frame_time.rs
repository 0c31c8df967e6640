//! Native per-frame compute time, the reference for the wasm numbers of the browser tests:
//! `cargo run --release -p tinydisplay-web --example frame_time -- tests/scenes/*.toml`
//! (one thread, ticks 0..1000, at least 200 ms of warm-up then the median of 5 passes:
//! `frame_time_us`, the function the browser tests call in wasm), then the throughput of
//! `Core::precompute` with a pool of 1 and of 2 rayon threads over 2400 ticks: the native control
//! for the browser's threads-versus-single-thread ratio on the same (possibly busy) machine.
use std::time::Instant;
use tinydisplay::Engine;

fn main() {
    for path in std::env::args().skip(1) {
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let engine = match Engine::from_source(&path, &text) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        let us = tinydisplay_web::frame_time_us(&engine, 0, 1000, 5);
        let fps = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("rayon pool");
            let mut best = 0f64;
            for i in 0..3 {
                let mut core =
                    tinydisplay_web::Core::new(&path, std::str::from_utf8(&text).unwrap_or(""))
                        .expect("scene");
                let t = Instant::now();
                let st = pool.install(|| core.precompute(10_000 * (i + 1), 2400));
                best = best.max(st.frames as f64 / t.elapsed().as_secs_f64());
            }
            best
        };
        let (one, two) = (fps(1), fps(2));
        println!(
            "{path}: {us:.1} us/frame; precompute {one:.0} fps with 1 thread, {two:.0} fps with 2 = {:.2}x",
            two / one
        );
    }
}
