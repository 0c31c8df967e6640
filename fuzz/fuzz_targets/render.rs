#![no_main]
//! Structure-aware render fuzzing: the bytes steer a scene generator (`fuzz/render_scene.rs`,
//! shared with the stable `crates/tinydisplay/tests/fuzz_render_bounded.rs`) towards the largest
//! and farthest shapes a scene may declare or animate, deep groups and long texts; each scene
//! that loads is rendered at near and far ticks. A panic or overflow (cargo fuzz builds with
//! debug assertions) is a bug, and so is a frame whose work exceeds
//! `RenderStats::within_bound` (the drawing must stay bounded by the visible area).
use libfuzzer_sys::fuzz_target;

#[path = "../render_scene.rs"]
mod render_scene;

fuzz_target!(|data: &[u8]| {
    render_scene::check(data);
});
