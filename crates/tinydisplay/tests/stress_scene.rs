//! `tests/scenes/stress.toml` is generated: it must be exactly what
//! `cargo run -p tinydisplay --example stress_scene` prints, so that an edit to one without the
//! other is caught here (and the golden hashes of the scene keep pinning the generator).

mod generator {
    include!("../examples/stress_scene.rs");
}

#[test]
fn the_checked_in_stress_scene_is_the_generators_output() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/scenes/stress.toml"
    );
    let file = std::fs::read_to_string(path).expect("tests/scenes/stress.toml");
    let generated = generator::stress_scene(false);
    if file != generated {
        let line = file
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or(file.lines().count().min(generated.lines().count()), |i| i);
        panic!(
            "tests/scenes/stress.toml differs from the generator from line {} on; regenerate it \
             with `cargo run -p tinydisplay --example stress_scene > tests/scenes/stress.toml`\n\
             file:      {:?}\ngenerated: {:?}",
            line + 1,
            file.lines().nth(line),
            generated.lines().nth(line)
        );
    }
}

#[test]
fn both_variants_compile_and_the_live_one_reacts_to_its_inputs() {
    use tinydisplay::{Engine, Event, Value};
    let plain = Engine::from_source("stress.toml", generator::stress_scene(false).as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plain.scene().widgets.len(), 187);
    assert!(plain.scene().inputs.is_empty());
    let mut live = Engine::from_source("live.toml", generator::stress_scene(true).as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(live.scene().widgets.len(), 190);
    let fresh = live.clone();
    live.push_event(Event::new(20, "cpu", Value::Int(93)))
        .unwrap();
    assert_ne!(
        live.render(30),
        fresh.render(30),
        "an event changes the frame"
    );
    assert_eq!(live.render(19), fresh.render(19), "but not before its tick");
}
