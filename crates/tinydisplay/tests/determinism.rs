//! A frame is a pure function of (scene, tick, events up to the tick): order, threads and
//! snapshots must not matter, and render(t) must not replay from tick 0.
use proptest::prelude::*;
use rayon::prelude::*;
use std::path::PathBuf;
use tinydisplay::{Engine, Event, Frame, SnapshotError, Value};

fn scene_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenes");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.retain(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"));
    v.sort();
    assert!(!v.is_empty());
    v
}

fn load(p: &PathBuf) -> Engine {
    let resolver = tinydisplay_assets::dir_resolver(p);
    tinydisplay_assets::load_scene(&p.to_string_lossy(), &std::fs::read(p).unwrap(), &*resolver)
        .unwrap()
}

const LIVE: &str = r#"
display = { width = 128, height = 64 }
[inputs]
cpu = { default = 10, min = 0, max = 100 }
msg = { default = "hi" }
[[widgets]]
kind = "text"
text = "{cpu:3}% {msg}"
[[widgets]]
kind = "progress"
y = 12
w = 100
h = 6
bind = { value = "cpu" }
[[widgets]]
kind = "sparkline"
y = 20
w = 64
h = 20
series = { input = "cpu" }
[[widgets]]
kind = "circle"
y = 44
w = 9
fill = true
animate = [{ prop = "x", keys = [{ t = 0, v = 0 }, { t = 50, v = 110, ease = "bounce_out" }], repeat = "forever", yoyo = true }]
"#;

fn live() -> Engine {
    Engine::from_source("live.toml", LIVE.as_bytes()).unwrap()
}

/// xorshift64*: deterministic "random" orders without a dependency.
fn shuffle<T>(v: &mut [T], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        v.swap(i, (seed % (i as u64 + 1)) as usize);
    }
}

#[test]
fn random_order_and_threads_match_in_order_frames() {
    for path in scene_files().into_iter().map(|p| load(&p)).chain([live()]) {
        let ticks: Vec<u64> = (0..240)
            .chain([999_999, 1_000_000_000, u64::MAX / 2])
            .collect();
        let in_order: Vec<Frame> = ticks.iter().map(|&t| path.render(t)).collect();
        let mut order: Vec<usize> = (0..ticks.len()).collect();
        shuffle(&mut order, 0x9E37_79B9_7F4A_7C15);
        for &i in &order {
            assert_eq!(
                path.render(ticks[i]),
                in_order[i],
                "tick {} out of order",
                ticks[i]
            );
        }
        let parallel: Vec<Frame> = ticks.par_iter().map(|&t| path.clone().render(t)).collect();
        assert_eq!(parallel, in_order);
        assert_eq!(path.render_range(0..240), in_order[..240].to_vec());
        let mut reused = Frame::new(1, 8);
        for (i, &t) in ticks.iter().enumerate().rev() {
            path.render_into(t, &mut reused);
            assert_eq!(reused, in_order[i]);
        }
    }
}

#[test]
fn far_ticks_equal_their_periodic_equivalent() {
    // Everything here repeats every 120 ticks (forever-yoyo over 60, waves of period 40 and 120,
    // sprite of 4 frames, marquee of period 60), so t and t mod 120 show the same frame; a
    // renderer that replayed from tick 0 would take hours for these ticks.
    let src = r##"
display = { width = 128, height = 64 }
[[widgets]]
kind = "rect"
w = 8
h = 8
fill = true
animate = [
  { prop = "x", keys = [{ t = 0, v = 0 }, { t = 60, v = 120, ease = "elastic_out" }], repeat = "forever", yoyo = true },
  { prop = "y", wave = { period = 40, min = 0, max = 50 } },
]
[[widgets]]
kind = "sparkline"
x = 10
y = 10
w = 100
h = 30
series = { wave = { period = 120, min = -5, max = 5, step = 2 } }
[[widgets]]
kind = "sprite"
y = 50
frames = ["#", ".", "#", "."]
[[widgets]]
kind = "marquee"
y = 54
w = 128
h = 10
font = "6x10"
text = "0123456789"
gap = 0
"##;
    let e = Engine::from_source("p.toml", src.as_bytes()).unwrap();
    let period = 120u64;
    for far in [
        1_000_000_000u64,
        1_000_000_007,
        u64::MAX / 2,
        u64::MAX / 2 - 33,
        (u64::MAX / period) * period - 1,
    ] {
        assert_eq!(e.render(far), e.render(far % period), "tick {far}");
    }
}

#[test]
fn events_after_a_tick_do_not_change_it() {
    let mut e = live();
    let before: Vec<Frame> = (0..100).map(|t| e.render(t)).collect();
    e.push_event(Event::new(100, "cpu", Value::Int(90)))
        .unwrap();
    e.push_event(Event::new(150, "msg", Value::Text("later".into())))
        .unwrap();
    for t in 0..100 {
        assert_eq!(e.render(t), before[t as usize]);
    }
    assert_ne!(e.render(100), before[99].clone());
    // Arrival order of events with different ticks does not matter.
    let mut a = live();
    let mut b = live();
    let evs = [(5, 20), (3, 70), (9, 1), (5, 33)];
    for (t, v) in evs {
        a.push_event(Event::new(t, "cpu", Value::Int(v))).unwrap();
    }
    for (t, v) in [(3, 70), (9, 1), (5, 20), (5, 33)] {
        b.push_event(Event::new(t, "cpu", Value::Int(v))).unwrap();
    }
    for t in 0..12 {
        assert_eq!(a.render(t), b.render(t), "tick {t}");
    }
    assert_eq!(
        a.frame_state(5).widgets[1].value,
        33,
        "the later event at the same tick wins"
    );
}

#[test]
fn unknown_inputs_are_refused() {
    let mut e = live();
    let err = e
        .push_event(Event::new(1, "gpu", Value::Int(1)))
        .unwrap_err();
    assert!(err.to_string().contains("cpu"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn snapshot_round_trip_renders_identical_frames(
        events in proptest::collection::vec((0u64..500, 0i64..120, any::<bool>()), 0..30),
        ticks in proptest::collection::vec(0u64..2000, 1..12),
        at in any::<u64>(),
    ) {
        let mut e = live();
        for (t, v, text) in events {
            let ev = if text { Event::new(t, "msg", Value::Text(format!("m{v}"))) } else { Event::new(t, "cpu", Value::Int(v)) };
            e.push_event(ev).unwrap();
        }
        let bytes = e.snapshot(at);
        let (r, tick) = Engine::restore(&bytes).unwrap();
        prop_assert_eq!(tick, at);
        prop_assert_eq!(r.events(), e.events());
        for t in ticks.into_iter().chain([at]) {
            prop_assert_eq!(r.render(t), e.render(t));
            prop_assert_eq!(r.frame_state(t), e.frame_state(t));
        }
        // Snapshots are deterministic bytes too.
        prop_assert_eq!(r.snapshot(at), bytes);
    }

    #[test]
    fn mutated_snapshots_give_typed_errors(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6), cut in any::<usize>()) {
        let mut e = live();
        e.push_event(Event::new(4, "cpu", Value::Int(50))).unwrap();
        let good = e.snapshot(7);
        let mut bad = good.clone();
        for (i, x) in flips {
            let i = i % bad.len();
            bad[i] ^= x | 1;
        }
        // Every byte is header or covered by the checksum, so no change goes unnoticed.
        prop_assert!(Engine::restore(&bad).is_err(), "corruption not detected");
        let cut = cut % good.len();
        let truncated = Engine::restore(&good[..cut]).unwrap_err();
        let is_typed = matches!(truncated, SnapshotError::Truncated { .. } | SnapshotError::BadMagic);
        prop_assert!(is_typed, "{:?}", truncated);
    }

    #[test]
    fn random_bytes_never_restore(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        prop_assert!(Engine::restore(&bytes).is_err());
        let mut with_magic = b"TDSNAP\x01\x00".to_vec();
        with_magic.extend_from_slice(&bytes);
        prop_assert!(Engine::restore(&with_magic).is_err());
    }
}

#[test]
fn snapshot_header_errors() {
    let good = live().snapshot(3);
    assert_eq!(
        Engine::restore(b"").unwrap_err(),
        SnapshotError::Truncated {
            expected: 32,
            got: 0
        }
    );
    assert_eq!(
        Engine::restore(b"TDS").unwrap_err(),
        SnapshotError::Truncated {
            expected: 32,
            got: 3
        }
    );
    assert_eq!(
        Engine::restore(b"PNG\x89 not a snapshot at all").unwrap_err(),
        SnapshotError::BadMagic
    );
    // Version 1 is a real older format (its widget fields were not optional): refused by name.
    let mut v1 = good.clone();
    v1[6] = 1;
    assert_eq!(
        Engine::restore(&v1).unwrap_err(),
        SnapshotError::Version {
            found: 1,
            supported: 3
        }
    );
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    assert_eq!(
        Engine::restore(&flipped).unwrap_err(),
        SnapshotError::Checksum
    );
    let mut longer = good.clone();
    longer.push(0);
    assert!(matches!(
        Engine::restore(&longer).unwrap_err(),
        SnapshotError::Decode(_)
    ));
    assert!(matches!(
        Engine::restore(&good[..good.len() - 1]).unwrap_err(),
        SnapshotError::Truncated { .. }
    ));
    for i in 8..12 {
        let mut len = good.clone();
        len[i] ^= 0x10;
        assert!(
            Engine::restore(&len).is_err(),
            "raw length byte {i} changed"
        );
    }
    for e in [SnapshotError::BadMagic, SnapshotError::Checksum] {
        assert!(!e.to_string().is_empty());
    }
}

/// A 10^5-line log: two events per tick (a later one at the same tick must win), as the text a
/// recorder writes, with its ticks ascending or descending (file order within a tick kept).
fn big_log(descending: bool) -> String {
    let ticks: Vec<u64> = if descending {
        (0..50_000).rev().collect()
    } else {
        (0..50_000).collect()
    };
    let mut log = String::new();
    for t in ticks {
        let v = (t * 37) % 101;
        log.push_str(&format!("{t} cpu={v}\n{t} cpu={}\n", 100 - v));
        if t % 1000 == 0 {
            log.push_str(&format!("{t} msg=\"m{t}\"\n"));
        }
    }
    log
}

#[test]
fn a_reversed_log_loads_like_a_sorted_one() {
    let mut sorted = live();
    sorted.push_event_log(&big_log(false)).unwrap();
    let mut reversed = live();
    reversed.push_event_log(&big_log(true)).unwrap();
    assert_eq!(sorted.events().len(), 100_050);
    assert_eq!(reversed.events(), sorted.events());
    assert!(sorted.events().windows(2).all(|w| w[0].tick <= w[1].tick));
    // The second event of a tick wins: 100 - v.
    assert_eq!(sorted.frame_state(7).widgets[1].value, 100 - (7 * 37) % 101);
    for t in [0, 1, 999, 1000, 1001, 25_000, 49_999, 50_000, 1_000_000] {
        assert_eq!(reversed.render(t), sorted.render(t), "tick {t}");
        assert_eq!(reversed.frame_state(t), sorted.frame_state(t), "tick {t}");
    }
    // One at a time, in the log's order, gives the same engine too (a live feed out of order).
    let mut one_by_one = live();
    for e in tinydisplay::parse_event_log(&big_log(true))
        .unwrap()
        .into_iter()
        .take(3000)
    {
        one_by_one.push_event(e).unwrap();
    }
    let mut batch = live();
    batch
        .push_events(
            tinydisplay::parse_event_log(&big_log(true))
                .unwrap()
                .into_iter()
                .take(3000),
        )
        .unwrap();
    assert_eq!(batch.events(), one_by_one.events());
    for t in [48_499, 48_500, 49_000, 49_999] {
        assert_eq!(batch.render(t), one_by_one.render(t), "tick {t}");
    }
}

#[test]
fn a_batch_keeps_arrival_order_after_the_events_already_held() {
    let mut a = live();
    let mut b = live();
    let first = [(5, 20), (3, 70)];
    let then = [(5, 33), (9, 1), (3, 4), (5, 44)];
    for (t, v) in first.into_iter().chain(then) {
        a.push_event(Event::new(t, "cpu", Value::Int(v))).unwrap();
    }
    for (t, v) in first {
        b.push_event(Event::new(t, "cpu", Value::Int(v))).unwrap();
    }
    b.push_events(then.map(|(t, v)| Event::new(t, "cpu", Value::Int(v))))
        .unwrap();
    assert_eq!(a.events(), b.events());
    assert_eq!(b.frame_state(5).widgets[1].value, 44);
    assert_eq!(b.frame_state(4).widgets[1].value, 4);
}

#[test]
fn events_per_tick_are_bounded_with_an_error_naming_the_tick() {
    let max = tinydisplay::MAX_EVENTS_PER_TICK;
    let mut e = live();
    let full: Vec<Event> = (0..max)
        .map(|i| Event::new(77, "cpu", Value::Int(i as i64 % 100)))
        .collect();
    e.push_events(full.clone()).unwrap();
    let err = e
        .push_event(Event::new(77, "msg", Value::Text("one more".into())))
        .unwrap_err();
    assert!(err.message.contains("tick 77"), "{err}");
    assert!(err.message.contains(&max.to_string()), "{err}");
    // Other ticks still take events.
    e.push_event(Event::new(78, "cpu", Value::Int(1))).unwrap();

    // A batch that overfills a tick is refused whole, pointing at the first event too many.
    let mut fresh = live();
    let mut log = String::from("1 cpu=5\n");
    for _ in 0..=max {
        log.push_str("3 cpu=9\n");
    }
    let err = fresh.push_event_log(&log).unwrap_err();
    assert_eq!(err.line as usize, max + 2, "{err}");
    assert!(err.message.contains("tick 3"), "{err}");
    assert!(fresh.events().is_empty(), "all or nothing");
    // Counting includes what the engine already holds.
    let err = e.push_events(full[..1].to_vec()).unwrap_err();
    assert_eq!(err.line, 1, "{err}");
    assert!(err.message.contains("tick 77"), "{err}");
}

#[test]
fn a_batch_with_an_unknown_input_names_its_line_and_changes_nothing() {
    let mut e = live();
    let err = e
        .push_event_log("1 cpu=5\n# comment\n\n2 gpu=1\n")
        .unwrap_err();
    assert_eq!(err.line, 4);
    assert!(err.message.contains("gpu"), "{err}");
    assert!(e.events().is_empty());
}

/// Every payload byte is covered by the checksum: a flip anywhere after the 32-byte header is
/// refused as `Checksum`, including the flips that would otherwise decode into a different,
/// valid engine (found by fixing up the checksum: those restore cleanly, so only the
/// verification stands between them and a silently wrong engine).
#[test]
fn payload_flips_are_caught_by_the_checksum() {
    const HEADER: usize = 32;
    let mut e = live();
    e.push_event(Event::new(4, "cpu", Value::Int(50))).unwrap();
    e.push_event(Event::new(9, "msg", Value::Text("a longer message".into())))
        .unwrap();
    let good = e.snapshot(7);
    let mut decodable = 0;
    for i in HEADER..good.len() {
        for bit in [0x01u8, 0x20] {
            let mut bad = good.clone();
            bad[i] ^= bit;
            assert_eq!(
                Engine::restore(&bad).map(|_| ()),
                Err(SnapshotError::Checksum),
                "flip {bit:#04x} at byte {i}"
            );
            let mut resealed = bad.clone();
            resealed[16..32].copy_from_slice(&blake3::hash(&bad[HEADER..]).as_bytes()[..16]);
            if let Ok((r, tick)) = Engine::restore(&resealed) {
                let same = tick == 7 && r.events() == e.events() && r.scene() == e.scene();
                decodable += usize::from(!same);
            }
        }
    }
    // Flips inside text (the scene's JSON strings, event text) decode, once resealed, into a
    // different engine.
    assert!(decodable >= 20, "only {decodable} decodable flips");
}

/// The timeline strip's marks: keys where the schedule puts them (a timelined track at its
/// timeline's start), top-level timeline starts and events, sorted, deduplicated, bounded.
#[test]
fn marks_show_scheduled_keys_timeline_starts_and_events() {
    use tinydisplay::MarkKind::{Event as Ev, Key, Timeline};
    let src = "display = { width = 32, height = 16 }\ninputs = { level = { default = 0 } }\n\
               [[widgets]]\nkind = \"rect\"\nw = 4\nh = 4\n\
               animate = [{ prop = \"x\", delay = 5, keys = [{ t = 0, v = 0 }, { t = 10, v = 20 }] },\
               { id = \"slide\", prop = \"y\", keys = [{ t = 0, v = 0 }, { t = 7, v = 9 }] }]\n\
               [timelines.intro]\nmode = \"sequence\"\nitems = [\"slide\"]\nstart = 30\n";
    let mut e = Engine::from_source("s.toml", src.as_bytes()).unwrap();
    e.push_event(Event::new(15, "level", Value::Int(1)))
        .unwrap();
    e.push_event(Event::new(15, "level", Value::Int(2)))
        .unwrap();
    let got: Vec<_> = e
        .marks(0, 100, 100)
        .iter()
        .map(|m| (m.tick, m.kind))
        .collect();
    assert_eq!(
        got,
        [
            (5, Key),
            (15, Key),
            (15, Ev),
            (30, Key),
            (30, Timeline),
            (37, Key)
        ]
    );
    let few: Vec<u64> = e.marks(6, 100, 2).iter().map(|m| m.tick).collect();
    assert_eq!(few, [15, 15]);
}
