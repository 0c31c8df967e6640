//! Loading an event log: parse + insert, for 10^5 and 10^6 events in sorted, reversed and
//! pseudo-random tick order. The engine sorts a log once (stable, by tick), so the three orders
//! should cost about the same; a quadratic insert shows up here as the reversed case exploding.
//!
//! `cargo bench -p tinydisplay --bench events` (add `-- --measurement-time 2` for a quick run).
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use tinydisplay::Engine;

const SCENE: &str = r#"
display = { width = 128, height = 32 }
[inputs]
cpu = { default = 0, min = 0, max = 100 }
song = { default = "" }
[[widgets]]
kind = "text"
text = "{cpu}% {song}"
[[widgets]]
kind = "sparkline"
y = 10
w = 64
h = 20
series = { input = "cpu" }
"#;

/// A 64-bit LCG (Knuth's MMIX constants): the same "random" order on every run.
fn lcg_ticks(n: u64) -> Vec<u64> {
    let mut ticks: Vec<u64> = (0..n).collect();
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    for i in (1..ticks.len()).rev() {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ticks.swap(i, ((s >> 33) % (i as u64 + 1)) as usize);
    }
    ticks
}

fn log(ticks: &[u64]) -> String {
    let mut out = String::with_capacity(ticks.len() * 12);
    for &t in ticks {
        if t % 16 == 0 {
            out.push_str(&format!("{t} song=\"track {t}\"\n"));
        } else {
            out.push_str(&format!("{t} cpu={}\n", t % 101));
        }
    }
    out
}

fn events(c: &mut Criterion) {
    let engine = Engine::from_source("bench.toml", SCENE.as_bytes()).expect("bench scene");
    let mut group = c.benchmark_group("events");
    group.sample_size(10);
    for n in [100_000u64, 1_000_000] {
        let sorted: Vec<u64> = (0..n).collect();
        let reversed: Vec<u64> = (0..n).rev().collect();
        let random = lcg_ticks(n);
        group.throughput(Throughput::Elements(n));
        for (order, ticks) in [
            ("sorted", sorted),
            ("reversed", reversed),
            ("random", random),
        ] {
            let text = log(&ticks);
            group.bench_function(format!("{order}/{n}"), |b| {
                b.iter_batched(
                    || engine.clone(),
                    |mut e| {
                        e.push_event_log(black_box(&text)).expect("log");
                        e
                    },
                    BatchSize::PerIteration,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, events);
criterion_main!(benches);
