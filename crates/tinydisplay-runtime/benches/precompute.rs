//! Precompute throughput, 1 worker against N (all cores): 240 frames of the stress scene per
//! iteration, of `tests/scenes/stress.toml`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::path::Path;
use std::sync::Arc;
use tinydisplay::Engine;
use tinydisplay_runtime::{cache::entry_bytes, Lookahead, Precomputer, SystemClock};

const FRAMES: u32 = 240;

fn stress() -> (String, Engine) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenes/stress.toml");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = std::fs::read(&path).expect("read the stress scene");
    let engine = Engine::from_source(&name, &bytes).expect("the stress scene compiles");
    (name, engine)
}

fn precompute(c: &mut Criterion) {
    let (name, engine) = stress();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut group = c.benchmark_group(format!("precompute_{name}"));
    group.throughput(Throughput::Elements(u64::from(FRAMES)));
    group.sample_size(20);
    let mut counts = vec![1];
    if cores > 1 {
        counts.push(cores);
    }
    for workers in counts {
        let pre = Precomputer::builder(engine.clone(), Arc::new(SystemClock::new()))
            .workers(workers)
            .lookahead(Lookahead::Fixed(FRAMES))
            .cache_bytes(FRAMES as usize * entry_bytes(engine.width(), engine.height()))
            .build()
            .expect("thread pool");
        group.bench_with_input(BenchmarkId::new("workers", workers), &pre, |b, pre| {
            b.iter(|| {
                pre.invalidate_from(0);
                pre.set_cursor(0);
                pre.wait_idle();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, precompute);
criterion_main!(benches);
