#![no_main]
//! Arbitrary bytes as a snapshot: restore must return a typed `SnapshotError`, or an engine that
//! renders.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((engine, tick)) = tinydisplay::Engine::restore(data) {
        let _ = engine.render(tick);
    }
});
