//! Time per frame (state + raster) for every scene in `tests/scenes/`, read at bench time.
//!
//! `cargo bench -p tinydisplay --bench frame` (add `-- dashboard` to run one scene). Each
//! iteration renders the next tick (wrapping over a 10-minute window) into a reused frame, so
//! the numbers include template formatting, track evaluation and drawing, but no allocation of
//! the frame itself. `adversarial` (the largest legal shapes, mostly off-panel) is among them: its
//! time should stay within a small multiple of `dashboard`'s. A scene with a recorded log
//! (`NAME.events`) is measured under it too, as `NAME+events`. The Unicode and icon examples
//! (`hello`, `weather_icons`, `sysinfo_icons`) are among them too, so their frame time reads
//! against `dashboard`'s in the same run; `font_load` measures font conversion at scene load.
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
            Ok(engine) => {
                // The scene under its recorded inputs too, as `NAME+events`: without them a
                // scene of text inputs (notifications' wrapped messages) shows only defaults.
                let log = std::fs::read_to_string(p.with_extension("events")).ok();
                let events = log.and_then(|l| tinydisplay::parse_event_log(&l).ok());
                if let Some(events) = events {
                    let mut live = engine.clone();
                    if live.push_events(events).is_ok() {
                        out.push((format!("{name}+events"), live));
                    }
                }
                out.push((name, engine));
            }
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

/// Compile time of the fonts (scene load, not frames): the largest legal BDF font as the engine
/// takes it ([`MAX_FONT_GLYPHS`] glyphs of [`MAX_GLYPH_SIDE`] pixels square, every bit lit), and
/// the largest built-in family and icon font. `-- font_load` runs only these.
fn font_load(c: &mut Criterion) {
    use tinydisplay::asset::{Assets, FontAsset, FontGlyph};
    use tinydisplay::limits::{MAX_FONT_GLYPHS, MAX_GLYPH_SIDE};
    let side = MAX_GLYPH_SIDE;
    let glyphs = (0..MAX_FONT_GLYPHS as u32)
        .map(|i| FontGlyph {
            ch: char::from_u32(0x4E00 + i).unwrap_or(' '),
            advance: side as i32,
            x: 0,
            y: 0,
            width: side,
            height: side,
            rows: vec![1; (side * side) as usize],
        })
        .collect();
    let mut assets = Assets::default();
    assets.fonts.insert(
        "big.bdf".into(),
        FontAsset {
            ascent: side as i32,
            descent: 0,
            default_char: None,
            glyphs,
        },
    );
    let scene = |font: &str| {
        format!("display = {{ width = 128, height = 64 }}\n[[widgets]]\nkind = \"text\"\nfont = \"{font}\"\ntext = \"x\"\n")
    };
    let mut group = c.benchmark_group("font_load");
    group.sample_size(10);
    let big = scene("big.bdf");
    group.bench_function("bdf_at_limit", |b| {
        b.iter_batched(
            || assets.clone(),
            |a| Engine::from_source_with_assets("big.toml", big.as_bytes(), a).unwrap(),
            criterion::BatchSize::LargeInput,
        )
    });
    for font in ["uni_16", "uni_12", "icons_32", "6x10"] {
        let src = scene(font);
        group.bench_function(font, |b| {
            b.iter(|| Engine::from_source("f.toml", src.as_bytes()).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, frame, font_load);
criterion_main!(benches);
