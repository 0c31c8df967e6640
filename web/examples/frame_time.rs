//! Native per-frame compute time, the reference for the wasm numbers of the browser tests:
//! `cargo run --release -p tinydisplay-web --example frame_time -- tests/scenes/*.toml`
//! (one thread, ticks 0..1000, the median of 5 runs, the same loop as `Core::precompute`).
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
        let mut runs: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                let mut lit = 0u32;
                for tick in 0..1000 {
                    lit = lit.wrapping_add(engine.render(tick).lit());
                }
                std::hint::black_box(lit);
                t.elapsed().as_secs_f64() * 1e6 / 1000.0
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        println!("{path}: {:.1} us/frame", runs[2]);
    }
}
