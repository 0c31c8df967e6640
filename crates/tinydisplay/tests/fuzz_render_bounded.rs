//! A bounded, deterministic run of the `render` fuzz target's generator on stable Rust, in the
//! debug profile (overflow checks on): adversarial scenes (every widget kind at +-32767, the
//! largest shapes, deep groups, long texts, tracks animating far beyond the static range) are
//! rendered at near and far ticks. Any panic fails the test, and so does a frame whose work
//! exceeds `RenderStats::within_bound` or that differs from `Engine::render`'s.
#[path = "../../../fuzz/render_scene.rs"]
mod render_scene;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn adversarial_scenes_render_within_the_work_bound() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let (mut loaded, mut total) = (0, 0);
    let start = std::time::Instant::now();
    // A fixed number of cases (the result does not depend on the machine's speed).
    for _ in 0..1500 {
        let data: Vec<u8> = (0..256).map(|_| rng.next() as u8).collect();
        total += 1;
        if render_scene::check(&data) {
            loaded += 1;
        }
    }
    // The generator aims at valid scenes: most must load, or the test exercises nothing.
    assert!(
        loaded * 2 > total,
        "only {loaded} of {total} generated scenes loaded"
    );
    eprintln!(
        "{loaded} of {total} scenes rendered in {:?}",
        start.elapsed()
    );
}

#[test]
fn the_largest_shapes_stay_within_the_bound() {
    // The example scene of the largest legal shapes, at its first ticks and far ones.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/scenes/adversarial.toml"
    );
    let src = std::fs::read(path).unwrap();
    let engine = tinydisplay::Engine::from_source(path, &src).unwrap();
    let mut frame = tinydisplay::Frame::new(engine.width(), engine.height());
    for tick in (0..120).chain([10_000, 1_000_000_000, u64::MAX]) {
        let stats = engine.render_counting(tick, &mut frame);
        assert!(stats.within_bound(1024), "tick {tick}: {stats:?}");
        assert!(stats.primitives >= 10, "tick {tick}: {stats:?}");
    }
}
