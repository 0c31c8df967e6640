#![no_main]
//! Arbitrary bytes as a scene (TOML, or JSON when they start with `{`): loading must succeed or
//! return a `SceneError`; a loaded scene must render at any tick.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = if data.first() == Some(&b'{') { "fuzz.json" } else { "fuzz.toml" };
    if let Ok(engine) = tinydisplay::Engine::from_source(name, data) {
        let tick = data.iter().fold(0u64, |h, &b| h.rotate_left(5) ^ u64::from(b));
        let _ = engine.render(tick % 100_000);
        let _ = engine.render(u64::MAX - tick);
        let _ = engine.frame_state(tick);
    }
});
