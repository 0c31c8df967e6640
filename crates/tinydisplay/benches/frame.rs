//! Time per frame (state + raster) for every scene in `tests/scenes/`, read at bench time.
//!
//! `cargo bench -p tinydisplay --bench frame` (add `-- dashboard` to run one scene). Each
//! iteration renders the next tick (wrapping over a 10-minute window) into a reused frame, so
//! the numbers include template formatting, track evaluation and drawing, but no allocation of
//! the frame itself. `adversarial` (the largest legal shapes, mostly off-panel) is among them: its
//! time should stay within a small multiple of `dashboard`'s.
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::PathBuf;
use tinydisplay::{Engine, Frame};

fn scenes() -> Vec<(String, Engine)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenes");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("toml" | "json")
        )
    });
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let name = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bytes = match std::fs::read(&p) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("skipping {}: {e}", p.display());
                continue;
            }
        };
        let resolver = tinydisplay_assets::dir_resolver(&p);
        match tinydisplay_assets::load_scene(&p.to_string_lossy(), &bytes, &*resolver) {
            Ok(engine) => out.push((name, engine)),
            Err(e) => eprintln!("skipping {e}"),
        }
    }
    out
}

fn frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    for (name, engine) in scenes() {
        let mut frame = Frame::new(engine.width(), engine.height());
        let mut tick = 0u64;
        let window = 600 * u64::from(engine.tick_rate());
        group.bench_function(&name, |b| {
            b.iter(|| {
                tick = (tick + 1) % window;
                engine.render_into(black_box(tick), &mut frame);
                black_box(frame.as_bytes()[0]);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
