//! `Engine::compact_before` never changes what is shown at or after the cut: frames, the
//! resolved frame state (sparkline samples included), `display_at` and `inputs_at` are equal
//! before and after, for random logs and for the example scenes with their event logs.

use proptest::prelude::*;
use tinydisplay::{Engine, Event, Tick, Value};

/// Every reader of the past: a sparkline as wide as a sparkline gets (4096 samples, so the
/// history rule is tested at its edge), a text input, a bound contrast, the idle dim and the
/// wall clock.
const SCENE: &str = r#"
[display]
width = 64
height = 16
tick_rate = 2
contrast = 200
dim = { after_idle = 5, contrast = 16 }
off = { from = "00:03", to = "00:04" }
bind = { contrast = "light" }

[inputs]
cpu = { default = 0, min = 0, max = 100 }
light = { default = 200, min = 0, max = 255 }
song = { default = "none" }

[[widgets]]
kind = "sparkline"
x = -4032
y = 0
w = 4096
h = 8
series = { input = "cpu" }

[[widgets]]
kind = "text"
x = 0
y = 8
text = "{song} {time:%M:%S}"
"#;

fn engine() -> Engine {
    Engine::from_source("compact.toml", SCENE.as_bytes()).unwrap()
}

fn assert_same_from(full: &Engine, compacted: &Engine, ticks: impl IntoIterator<Item = Tick>) {
    for t in ticks {
        assert_eq!(full.render(t), compacted.render(t), "frame at tick {t}");
        assert_eq!(
            full.frame_state(t),
            compacted.frame_state(t),
            "state at tick {t}"
        );
        assert_eq!(
            full.display_at(t),
            compacted.display_at(t),
            "display at tick {t}"
        );
        assert_eq!(
            full.inputs_at(t),
            compacted.inputs_at(t),
            "inputs at tick {t}"
        );
    }
}

/// The ticks worth comparing at and after `cut`: the cut, its neighbours, every event tick
/// after it (and the tick after each) and a stretch past the last event (idle dim, clock).
fn ticks_from(cut: Tick, events: &[Event]) -> Vec<Tick> {
    let last = events.iter().map(|e| e.tick).max().unwrap_or(0).max(cut);
    let mut ticks: Vec<Tick> = (cut..cut + 4).collect();
    for e in events.iter().filter(|e| e.tick >= cut) {
        ticks.push(e.tick);
        ticks.push(e.tick + 1);
    }
    ticks.extend([last + 9, last + 10, last + 11, last + 400]);
    ticks.sort_unstable();
    ticks.dedup();
    ticks
}

fn arb_event() -> impl Strategy<Value = (Tick, Event)> {
    (
        0u64..4,
        prop_oneof![
            6 => (0i64..=100).prop_map(|v| ("cpu", Value::Int(v))),
            1 => (0i64..=255).prop_map(|v| ("light", Value::Int(v))),
            1 => "[a-z]{0,6}".prop_map(|s| ("song", Value::Text(s))),
            1 => (946_684_700i64..946_685_000).prop_map(|v| ("clock", Value::Int(v))),
        ],
    )
        .prop_map(|(dt, (input, value))| (dt, Event::new(0, input, value)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn compaction_keeps_every_frame_at_or_after_the_cut(
        steps in prop::collection::vec(arb_event(), 0..5000),
        cut_pct in 0u64..120,
        // Some events arrive late (out of order), as a live source may send them.
        late in prop::collection::vec((0usize..5000, 0u64..50), 0..8),
    ) {
        let mut tick = 0;
        let mut events = Vec::new();
        for (dt, mut e) in steps {
            tick += dt;
            e.tick = tick;
            events.push(e);
        }
        for (i, back) in late {
            if let Some(e) = events.get_mut(i) {
                e.tick = e.tick.saturating_sub(back);
            }
        }
        let mut full = engine();
        for e in &events {
            full.push_event(e.clone()).unwrap();
        }
        let cut = tick * cut_pct / 100;
        let mut compacted = full.clone();
        let dropped = compacted.compact_before(cut);
        prop_assert_eq!(dropped + compacted.event_count(), full.event_count());
        // Bounded: per input the latest at the cut (the sparkline's input: 4096) plus the rest.
        let after = full.events().iter().filter(|e| e.tick > cut).count();
        prop_assert!(compacted.event_count() <= after + 4096 + 3);
        assert_same_from(&full, &compacted, ticks_from(cut, &events));
        // Compacting again at the same cut drops nothing more; a later push lands the same.
        prop_assert_eq!(compacted.compact_before(cut), 0);
        let extra = Event::new(tick + 3, "cpu", Value::Int(50));
        full.push_event(extra.clone()).unwrap();
        compacted.push_event(extra).unwrap();
        assert_same_from(&full, &compacted, [tick + 3, tick + 4, tick + 100]);
    }
}

#[test]
fn the_history_a_sparkline_shows_survives_and_older_events_go() {
    let mut full = engine();
    for t in 0..5000u64 {
        full.push_event(Event::new(t, "cpu", Value::Int((t % 101) as i64)))
            .unwrap();
    }
    full.push_event(Event::new(10, "song", Value::Text("a".into())))
        .unwrap();
    let mut compacted = full.clone();
    // 4999 - 4096 + 1 = 904 cpu events at or before tick 4999 go; the song's only event stays.
    assert_eq!(compacted.compact_before(4999), 904);
    assert_eq!(compacted.event_count(), 4097);
    assert_same_from(&full, &compacted, [4999, 5000, 6000]);
    // At a tick before the cut the sparkline misses what was dropped: compaction is one-way.
    assert_ne!(full.frame_state(4000), compacted.frame_state(4000));
}

#[test]
fn example_scenes_with_their_logs_are_unchanged_after_the_cut() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/scenes");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("events") {
            continue;
        }
        let scene = path.with_extension("toml");
        let bytes = std::fs::read(&scene).unwrap();
        let resolver = tinydisplay_assets::dir_resolver(&scene);
        let mut full =
            tinydisplay_assets::load_scene(scene.to_str().unwrap(), &bytes, &*resolver).unwrap();
        full.push_event_log(&std::fs::read_to_string(&path).unwrap())
            .unwrap();
        let events = full.events().to_vec();
        let last = events.iter().map(|e| e.tick).max().unwrap_or(0);
        let mut cuts: Vec<Tick> = vec![0, last / 3, last / 2, last, last + 1];
        cuts.extend(events.iter().map(|e| e.tick).step_by(3));
        cuts.sort_unstable();
        cuts.dedup();
        for cut in cuts {
            let mut compacted = full.clone();
            compacted.compact_before(cut);
            assert_same_from(&full, &compacted, ticks_from(cut, &events));
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} example logs found");
}
