//! The bindings under wasm-bindgen-test. One source, two runs (both under `cargo xtask test`,
//! browser stage):
//! - the single-thread build (stable) in node;
//! - the threads build (nightly, atomics, shared memory, `--features threads`) in headless
//!   Chromium. There every test first starts wasm-bindgen-rayon's Web Worker pool, so the same
//!   bodies run their rayon code on [`POOL`] workers; the tests run in a dedicated worker because
//!   rayon blocks its caller and a page's main thread may not block (`Atomics.wait`).
//!   wasm-bindgen-test-runner's server sends COOP/COEP, so the page is cross-origin isolated.
//!
//! The exact commands (flags, runner, chromedriver) are in `wasm_threads_chromium` in
//! `xtask/src/stages.rs`; `cargo xtask test --only browser` runs both.
#![cfg(target_arch = "wasm32")]

use tinydisplay::{Engine, Frame};
use tinydisplay_web::{hash_range, Simulator};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[cfg(target_feature = "atomics")]
wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Web Workers in the threads build's pool: as many as the 2-core CI machines have.
#[cfg(target_feature = "atomics")]
const POOL: usize = 2;

const DASHBOARD: &str = include_str!("../../tests/scenes/dashboard.toml");
const INPUTS: &str =
    "display = { width = 32, height = 16 }\ninputs = { level = { default = 0 } }\n\
[[widgets]]\nkind = \"rect\"\nw = 4\nh = 4\nfill = true\nbind = { x = \"level\" }\n";

/// Example scenes (file name, text, event log) whose frames the pool must reproduce exactly.
const SCENES: &[(&str, &str, &str)] = &[
    ("dashboard.toml", DASHBOARD, ""),
    (
        "stress.toml",
        include_str!("../../tests/scenes/stress.toml"),
        "",
    ),
    (
        "clock_json.json",
        include_str!("../../tests/scenes/clock_json.json"),
        "",
    ),
    (
        "marquee.toml",
        include_str!("../../tests/scenes/marquee.toml"),
        "",
    ),
    (
        "music.toml",
        include_str!("../../tests/scenes/music.toml"),
        include_str!("../../tests/scenes/music.events"),
    ),
    (
        "status32.toml",
        include_str!("../../tests/scenes/status32.toml"),
        include_str!("../../tests/scenes/status32.events"),
    ),
];

/// Starts the threads build's Web Worker pool once per wasm instance (the runner runs the
/// tests one after another in one instance). It must come before any rayon call: the first
/// rayon call would otherwise set up rayon's single-thread fallback, and `initThreadPool` could
/// no longer install the pool. A no-op in the single-thread build.
async fn pool() {
    #[cfg(target_feature = "atomics")]
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        static STARTED: AtomicBool = AtomicBool::new(false);
        if !STARTED.swap(true, Ordering::SeqCst) {
            wasm_bindgen_futures::JsFuture::from(tinydisplay_web::init_thread_pool(POOL))
                .await
                .expect("initThreadPool failed");
        }
    }
}

/// Rayon threads this build must have.
fn expected_workers() -> usize {
    #[cfg(target_feature = "atomics")]
    return POOL;
    #[cfg(not(target_feature = "atomics"))]
    return 1;
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).unwrap()
}

fn engine_with_events(file: &str, text: &str, log: &str) -> Engine {
    let mut engine = Engine::from_source(file, text.as_bytes()).unwrap();
    for e in tinydisplay::parse_event_log(log).unwrap() {
        engine.push_event(e).unwrap();
    }
    engine
}

/// Expected and actual frames as ASCII art, side by side, for a failure message.
fn side_by_side(expected: &Frame, actual: &Frame) -> String {
    let (e, a) = (expected.to_ascii(), actual.to_ascii());
    let mut out = format!("{:w$}   actual\n", "expected", w = expected.width().into());
    for (l, r) in e.lines().zip(a.lines()) {
        out.push_str(&format!("{l}   {r}\n"));
    }
    out
}

#[wasm_bindgen_test]
async fn render_returns_bytes_and_the_cli_hash_format() {
    pool().await;
    let sim = Simulator::new("dashboard.toml", DASHBOARD).unwrap();
    assert_eq!((sim.width(), sim.height(), sim.tick_rate()), (128, 64, 60));
    let f = sim.render(59.0).unwrap();
    let bytes = js_sys::Uint8Array::new(&get(&f, "bytes")).to_vec();
    assert_eq!(bytes.len(), 1024);
    let hash = get(&f, "hash").as_string().unwrap();
    assert_eq!(hash.len(), 16);
    assert!(hash
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    let engine = tinydisplay::Engine::from_source("d.toml", DASHBOARD.as_bytes()).unwrap();
    assert_eq!(hash, engine.render(59).hash().to_string());
    assert_eq!(bytes, engine.render(59).as_bytes());
}

#[wasm_bindgen_test]
async fn scene_errors_carry_line_and_column() {
    pool().await;
    let err = Simulator::new(
        "bad.toml",
        "display = { width = 128, height = 64 }\nwidgets = = 3\n",
    )
    .err()
    .expect("a broken scene must not load");
    assert_eq!(get(&err, "line").as_f64(), Some(2.0));
    assert!(get(&err, "col").as_f64().unwrap() >= 1.0);
    assert_eq!(get(&err, "name").as_string().as_deref(), Some("SceneError"));
    let msg = get(&err, "message").as_string().unwrap();
    assert!(msg.starts_with("bad.toml:2:"), "{msg}");
}

#[wasm_bindgen_test]
async fn bad_ticks_are_errors_not_panics() {
    pool().await;
    let sim = Simulator::new("dashboard.toml", DASHBOARD).unwrap();
    assert!(sim.render(-1.0).is_err());
    assert!(sim.render(1.5).is_err());
    assert!(sim.render(f64::NAN).is_err());
    assert!(sim.render(1e6).is_ok());
}

#[wasm_bindgen_test]
async fn frame_state_is_a_plain_object() {
    pool().await;
    let sim = Simulator::new("dashboard.toml", DASHBOARD).unwrap();
    let st = sim.frame_state(10.0).unwrap();
    assert_eq!(get(&st, "tick").as_f64(), Some(10.0));
    let widgets = js_sys::Array::from(&get(&st, "widgets"));
    assert_eq!(
        get(&widgets.get(0), "id").as_string().as_deref(),
        Some("clock")
    );
}

#[wasm_bindgen_test]
async fn events_change_frames_from_their_tick_and_survive_a_snapshot() {
    pool().await;
    let mut sim = Simulator::new("in.toml", INPUTS).unwrap();
    let before = get(&sim.frame(20.0).unwrap(), "hash").as_string().unwrap();
    assert_eq!(
        sim.push_event(10.0, "level", JsValue::from(12)).unwrap(),
        10.0
    );
    assert!(sim.push_event(10.0, "nope", JsValue::from(1)).is_err());
    let h = |s: &Simulator, t: f64| get(&s.render(t).unwrap(), "hash").as_string().unwrap();
    assert_eq!(
        h(&sim, 9.0),
        before,
        "frames before the event do not change"
    );
    let after = get(&sim.frame(20.0).unwrap(), "hash").as_string().unwrap();
    assert_ne!(
        after, before,
        "the cached frame at 20 was dropped and re-rendered"
    );
    assert_eq!(sim.events_text(), "10 level=12\n");

    let snap = sim.snapshot(20.0).unwrap();
    let back = Simulator::restore(&snap).unwrap();
    assert_eq!(back.restored_tick(), 20.0);
    assert_eq!(h(&back, 20.0), after);
    let mut corrupt = snap.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0xff;
    assert!(Simulator::restore(&corrupt).is_err());
}

#[wasm_bindgen_test]
async fn precompute_serves_frames_from_the_cache() {
    pool().await;
    let mut sim = Simulator::new("dashboard.toml", DASHBOARD).unwrap();
    let st = sim.precompute(100.0, 30).unwrap();
    assert_eq!(get(&st, "frames").as_f64(), Some(30.0));
    assert!(get(&st, "workers").as_f64().unwrap() >= 1.0);
    let f = sim.frame(110.0).unwrap();
    assert_eq!(get(&f, "cached").as_bool(), Some(true));
    assert_eq!(get(&f, "hash"), get(&sim.render(110.0).unwrap(), "hash"));
    let st = sim.stats().unwrap();
    assert_eq!(get(&st, "lookahead").as_f64(), Some(19.0));
}

#[wasm_bindgen_test]
async fn hash_range_matches_render() {
    pool().await;
    let hashes = hash_range(DASHBOARD, 58.0, 61.0).unwrap();
    let sim = Simulator::new("dashboard.toml", DASHBOARD).unwrap();
    assert_eq!(hashes.len(), 3);
    for (i, h) in hashes.iter().enumerate() {
        assert_eq!(
            Some(h.clone()),
            get(&sim.render(58.0 + i as f64).unwrap(), "hash").as_string()
        );
    }
    assert_eq!(sim.hash_ticks(vec![59.0, 1e6]).unwrap()[0], hashes[1]);
}

#[wasm_bindgen_test]
async fn bus_preview_and_exports() {
    pool().await;
    let sim = Simulator::new("dashboard.toml", DASHBOARD).unwrap();
    let full = sim.bus(0.0, "i2c-400k", None, None).unwrap();
    assert_eq!(get(&full, "data_bytes").as_f64(), Some(1024.0));
    let spi = sim.bus(0.0, "spi-8m", None, None).unwrap();
    assert!(get(&spi, "max_fps_x100").as_f64() > get(&full, "max_fps_x100").as_f64());
    assert!(sim.bus(0.0, "can-bus", None, None).is_err());
    // The picker's panels: the SH1106 sends a full frame as one data transaction per page.
    let sh = sim
        .bus(0.0, "i2c-400k", Some("sh1106-128x64".into()), None)
        .unwrap();
    assert_eq!(get(&sh, "data_transactions").as_f64(), Some(8.0));
    assert_eq!(get(&sh, "offset").as_f64(), Some(2.0));
    assert_eq!(get(&full, "data_transactions").as_f64(), Some(1.0));
    assert!(sim
        .bus(0.0, "i2c-400k", Some("sh1106-128x64".into()), Some(9))
        .is_err());
    assert!(sim
        .bus(0.0, "i2c-400k", Some("ssd1306-64x48".into()), None)
        .is_err());
    let models = tinydisplay_web::bus::models();
    assert_eq!(models.len(), 8);
    let png = sim.png(5.0, "yellow-blue", 2, None).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let gif = sim.gif(0.0, 30.0, "white", 1, None).unwrap();
    assert_eq!(&gif[..6], b"GIF89a");
    assert!(sim.gif(0.0, 100_000.0, "white", 1, None).is_err());
    assert!(sim.png(5.0, "green", 2, None).is_err());
    assert!(sim.png(5.0, "white", 0, None).is_err());
}

/// The browser's downloads are the CLI's bytes: the requests of `tests/export/digests.txt`,
/// made through the bindings, give the digests that `pi/tests/export.rs` checks
/// `tinydisplay render` and the export crate against.
#[wasm_bindgen_test]
async fn exports_match_the_native_digests() {
    pool().await;
    let scene = |name: &str| match name {
        "dashboard.toml" => DASHBOARD,
        "menu.toml" => include_str!("../../tests/scenes/menu.toml"),
        "sprite.toml" => include_str!("../../tests/scenes/sprite.toml"),
        "marquee.toml" => include_str!("../../tests/scenes/marquee.toml"),
        "oledcare.toml" => include_str!("../../tests/scenes/oledcare.toml"),
        other => panic!("add {other} to this table"),
    };
    let mut checked = 0;
    for line in include_str!("../../tests/export/digests.txt").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let sim = Simulator::new(f[1], scene(f[1])).unwrap();
        let (scale, panel, grid) = (f[3].parse().unwrap(), f[4], Some(f[5] == "grid"));
        let bytes = match (f[0], f[2].split_once("..")) {
            ("gif", Some((a, b))) => sim
                .gif(a.parse().unwrap(), b.parse().unwrap(), panel, scale, grid)
                .unwrap(),
            ("png", None) => sim.png(f[2].parse().unwrap(), panel, scale, grid).unwrap(),
            _ => panic!("bad fixture line {line:?}"),
        };
        assert_eq!(
            tinydisplay::FrameHash::of(&bytes).to_string(),
            f[6],
            "{line}: the browser's bytes differ from the CLI's"
        );
        checked += 1;
    }
    assert!(checked >= 8, "{checked} requests");
}

/// Frames carry the panel's contrast and sleep for the canvas: the oledcare scene fades in from
/// 40 (tick 0) to 200 (tick 40) and sleeps 00:03..00:04 (ticks 360..480); a scene without
/// display care is at full brightness.
#[wasm_bindgen_test]
async fn frames_carry_the_display_care() {
    pool().await;
    let care = Simulator::new(
        "oledcare.toml",
        include_str!("../../tests/scenes/oledcare.toml"),
    )
    .unwrap();
    let f = care.render(2.0).unwrap();
    assert_eq!(get(&f, "contrast").as_f64(), Some(48.0));
    assert_eq!(get(&f, "on").as_bool(), Some(true));
    assert_eq!(
        get(&care.render(400.0).unwrap(), "on").as_bool(),
        Some(false)
    );
    let plain = Simulator::new("dashboard.toml", DASHBOARD).unwrap();
    assert_eq!(
        get(&plain.render(2.0).unwrap(), "contrast").as_f64(),
        Some(255.0)
    );
    let all = tinydisplay_web::export::panel_palettes().unwrap();
    let levels = get(&get(&all, "white"), "litLevels");
    assert_eq!(
        js_sys::Reflect::get(&levels, &48.into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("#636363")
    );
}

/// The canvas colours come from the export crate's palette.
#[wasm_bindgen_test]
async fn panel_palettes_for_the_canvas() {
    pool().await;
    let all = tinydisplay_web::export::panel_palettes().unwrap();
    let yb = get(&all, "yellow-blue");
    assert_eq!(get(&yb, "lit").as_string().as_deref(), Some("#40b4ff"));
    assert_eq!(get(&yb, "litAlt").as_string().as_deref(), Some("#ffd600"));
    assert_eq!(get(&yb, "altRows").as_f64(), Some(16.0));
    assert_eq!(
        get(&get(&all, "white"), "lit").as_string().as_deref(),
        Some("#ffffff")
    );
}

#[wasm_bindgen_test]
async fn build_kind_and_pool_size() {
    pool().await;
    assert_eq!(tinydisplay_web::workers(), expected_workers());
    let kind = tinydisplay_web::build_kind();
    if cfg!(target_feature = "atomics") {
        assert_eq!(kind, "threads");
        // Shared memory needs a cross-origin-isolated page (the runner sends COOP/COEP).
        let global = js_sys::global();
        assert_eq!(
            get(&global, "crossOriginIsolated").as_bool(),
            Some(true),
            "the test page is not cross-origin isolated"
        );
    } else {
        assert_eq!(kind, "single-thread");
    }
}

/// Every pool thread renders frames itself (`broadcast` runs the closure once on each of them),
/// and each frame equals the one rendered sequentially on the test's own thread.
#[wasm_bindgen_test]
async fn every_pool_thread_renders_the_sequential_frame() {
    pool().await;
    for &(file, text, log) in SCENES {
        let engine = engine_with_events(file, text, log);
        let tick = |i: usize| 7 + 113 * i as u64;
        let mut got = rayon::broadcast(|ctx| {
            (
                ctx.index(),
                rayon::current_thread_index(),
                engine.render(tick(ctx.index())),
            )
        });
        got.sort_by_key(|g| g.0);
        assert_eq!(got.len(), expected_workers(), "{file}: pool threads");
        for (i, (index, thread, frame)) in got.iter().enumerate() {
            assert_eq!(
                (*index, *thread),
                (i, Some(i)),
                "{file}: rendered off the pool"
            );
            let want = engine.render(tick(i));
            assert!(
                *frame == want,
                "{file} tick {} on pool thread {i}:\n{}",
                tick(i),
                side_by_side(&want, frame)
            );
        }
    }
}

/// The bindings' precompute on the pool: every cached frame equals the sequential render, and
/// (threads build) more than one worker rendered a batch.
#[wasm_bindgen_test]
async fn precompute_on_the_pool_equals_sequential_frames() {
    pool().await;
    const FROM: u64 = 50;
    const COUNT: u32 = 240;
    let mut most_workers = 0;
    for &(file, text, log) in SCENES {
        let mut sim = Simulator::new(file, text).unwrap();
        sim.load_events(log).unwrap();
        let engine = engine_with_events(file, text, log);
        let st = sim.precompute(FROM as f64, COUNT).unwrap();
        assert_eq!(
            get(&st, "frames").as_f64(),
            Some(f64::from(COUNT)),
            "{file}"
        );
        assert_eq!(
            get(&st, "workers").as_f64(),
            Some(expected_workers() as f64),
            "{file}"
        );
        let used = get(&st, "workers_used").as_f64().unwrap() as usize;
        assert!(
            (1..=expected_workers()).contains(&used),
            "{file}: {used} workers used"
        );
        most_workers = most_workers.max(used);
        for t in FROM..FROM + u64::from(COUNT) {
            let f = sim.frame(t as f64).unwrap();
            assert_eq!(get(&f, "cached").as_bool(), Some(true), "{file} tick {t}");
            let bytes = js_sys::Uint8Array::new(&get(&f, "bytes")).to_vec();
            let want = engine.render(t);
            let got = Frame::from_bytes(engine.width(), engine.height(), bytes)
                .expect("frame bytes of the scene's size");
            assert!(
                got == want,
                "{file} tick {t}: precomputed frame differs:\n{}",
                side_by_side(&want, &got)
            );
            assert_eq!(
                get(&f, "hash").as_string().unwrap(),
                want.hash().to_string(),
                "{file} tick {t}"
            );
        }
        let far = [0.0, 1.0, 59.0, 600.0, 1e6];
        let hashes = sim.hash_ticks(far.to_vec()).unwrap();
        for (t, h) in far.iter().zip(&hashes) {
            assert_eq!(
                *h,
                engine.render(*t as u64).hash().to_string(),
                "{file} tick {t}"
            );
        }
    }
    // Timing decides how a batch splits between threads (a loaded CI machine may leave the
    // second worker asleep through a short batch), so keep asking, with larger batches, before
    // calling the pool broken: a second worker that never renders in up to 20 more batches is
    // a bug, not bad luck. (`broadcast` above checks every thread deterministically.)
    if expected_workers() >= 2 {
        let (file, text, _) = SCENES[1];
        let mut sim = Simulator::new(file, text).unwrap();
        let mut from = 10_000.0;
        for _ in 0..20 {
            if most_workers >= 2 {
                break;
            }
            let st = sim.precompute(from, 960).unwrap();
            most_workers = most_workers.max(get(&st, "workers_used").as_f64().unwrap() as usize);
            from += 960.0;
        }
        assert!(
            most_workers >= 2,
            "no precompute batch was rendered by more than one worker"
        );
    } else {
        assert_eq!(most_workers, 1);
    }
}
