//! The bindings, run in node by wasm-bindgen-test-runner (`cargo xtask web --test`).
#![cfg(target_arch = "wasm32")]

use tinydisplay_web::{hash_range, Simulator};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

const DASHBOARD: &str = include_str!("../../tests/scenes/dashboard.toml");
const INPUTS: &str =
    "display = { width = 32, height = 16 }\ninputs = { level = { default = 0 } }\n\
[[widgets]]\nkind = \"rect\"\nw = 4\nh = 4\nfill = true\nbind = { x = \"level\" }\n";

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn render_returns_bytes_and_the_cli_hash_format() {
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
fn scene_errors_carry_line_and_column() {
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
fn bad_ticks_are_errors_not_panics() {
    let sim = Simulator::new("dashboard.toml", DASHBOARD).unwrap();
    assert!(sim.render(-1.0).is_err());
    assert!(sim.render(1.5).is_err());
    assert!(sim.render(f64::NAN).is_err());
    assert!(sim.render(1e6).is_ok());
}

#[wasm_bindgen_test]
fn frame_state_is_a_plain_object() {
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
fn events_change_frames_from_their_tick_and_survive_a_snapshot() {
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
fn precompute_serves_frames_from_the_cache() {
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
fn hash_range_matches_render() {
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
fn bus_preview_and_exports() {
    let sim = Simulator::new("dashboard.toml", DASHBOARD).unwrap();
    let full = sim.bus(0.0, "i2c-400k").unwrap();
    assert_eq!(get(&full, "data_bytes").as_f64(), Some(1024.0));
    let spi = sim.bus(0.0, "spi-8m").unwrap();
    assert!(get(&spi, "max_fps_x100").as_f64() > get(&full, "max_fps_x100").as_f64());
    assert!(sim.bus(0.0, "can-bus").is_err());
    let png = sim.png(5.0, "yellow-blue", 2).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let gif = sim.gif(0.0, 30.0, "white", 1).unwrap();
    assert_eq!(&gif[..6], b"GIF89a");
    assert!(sim.gif(0.0, 100_000.0, "white", 1).is_err());
}
