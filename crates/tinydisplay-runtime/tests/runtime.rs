//! Behaviour of the precomputer, cache and player. No timing assertions: time is faked or only
//! ordered, never measured.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tinydisplay::{Engine, Event, Frame, Value};
use tinydisplay_runtime::cache::entry_bytes;
use tinydisplay_runtime::{
    Clock, FakeClock, Lookahead, NullSink, Player, PoolChoice, Precomputer, Retry, Sink, SinkError,
    Step, Tick,
};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Engine {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let resolver = tinydisplay_assets::dir_resolver(path);
    tinydisplay_assets::load_scene(&path.display().to_string(), &bytes, &*resolver)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The scene with its `NAME.events` log applied when there is one.
fn load_with_events(path: &Path) -> Engine {
    let mut engine = load(path);
    let log = path.with_extension("events");
    if let Ok(text) = std::fs::read_to_string(&log) {
        for ev in tinydisplay::parse_event_log(&text)
            .unwrap_or_else(|e| panic!("{}: {e:?}", log.display()))
        {
            engine.push_event(ev).unwrap();
        }
    }
    engine
}

/// The stress scene's generator (the one that writes `tests/scenes/stress.toml`).
mod stress {
    include!("../../tinydisplay/examples/stress_scene.rs");
}

/// The stress scene with live inputs (`cpu`, `label`) bound to widgets over its field: the
/// heaviest example scene, plus events to push.
fn fixture() -> Engine {
    Engine::from_source("stress-live.toml", stress::stress_scene(true).as_bytes())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Every example scene (the live stress variant is added by the tests that take engines).
fn scenes() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("../../tests/scenes"))
        .expect("tests/scenes exists")
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("toml" | "json")
            )
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no example scenes found");
    v
}

fn fake() -> Arc<dyn Clock> {
    Arc::new(FakeClock::new())
}

/// Panics with both frames side by side.
fn assert_frame_eq(tick: Tick, expected: &Frame, actual: &Frame, what: &str) {
    if expected == actual {
        return;
    }
    let e = expected.to_ascii();
    let a = actual.to_ascii();
    let mut out = format!(
        "{what}: frame {tick} differs\n{:<w$}  actual\n",
        "expected",
        w = expected.width() as usize
    );
    for (l, r) in e.lines().zip(a.lines()) {
        out.push_str(&format!("{l}  {r}\n"));
    }
    panic!("{out}");
}

fn cache_for(engine: &Engine, frames: usize) -> usize {
    frames * entry_bytes(engine.width(), engine.height())
}

#[test]
fn pool_frames_equal_sequential_frames_for_every_scene() {
    let engines = scenes()
        .into_iter()
        .map(|p| (p.display().to_string(), load_with_events(&p)))
        .chain([("stress --live".to_string(), fixture())]);
    for (name, engine) in engines {
        let pre = Precomputer::builder(engine.clone(), fake())
            .workers(2)
            .lookahead(Lookahead::Fixed(600))
            .cache_bytes(cache_for(&engine, 600))
            .build()
            .unwrap();
        pre.set_cursor(0);
        pre.wait_idle();
        assert_eq!(pre.cached_ticks(), (0..600).collect::<Vec<_>>(), "{name}");
        for t in 0..600 {
            let cached = pre.peek(t).unwrap();
            assert_frame_eq(t, &engine.render(t), &cached, &name);
        }
        assert_eq!(pre.stats().panics_caught, 0);
    }
}

fn cpu(tick: Tick, v: i64) -> Event {
    Event::new(tick, "cpu", Value::Int(v))
}

#[test]
fn an_event_gives_the_frames_of_a_fresh_engine_with_that_event() {
    const T: Tick = 200;
    let engine = fixture();
    let pre = Precomputer::builder(engine.clone(), fake())
        .workers(2)
        .lookahead(Lookahead::Fixed(400))
        .cache_bytes(cache_for(&engine, 400))
        .build()
        .unwrap();
    pre.set_cursor(0);
    pre.wait_idle();
    let before: Vec<Frame> = (0..=T + 100)
        .map(|t| (*pre.peek(t).expect("cached up to T+100")).clone())
        .collect();

    assert_eq!(pre.push_event(cpu(T, 93)), Ok(T));
    pre.wait_idle();

    let mut fresh = fixture();
    fresh.push_event(cpu(T, 93)).unwrap();
    let mut changed = 0;
    for t in 0..=T + 100 {
        let got = pre.peek(t).expect("recomputed");
        assert_frame_eq(t, &fresh.render(t), &got, "after the event");
        if t < T {
            assert_eq!(
                *got, before[t as usize],
                "frame {t} precedes the event and must not change"
            );
        } else if *got != before[t as usize] {
            changed += 1;
        }
    }
    // The event must matter, or this test proves nothing.
    assert!(changed > 50, "only {changed} frames changed");
    let s = pre.stats();
    assert_eq!(s.cache.invalidations, 1);
    assert!(s.cache.invalidated_frames >= 101);
}

/// Blocks the render of one tick on the original engine (no events) until released.
struct Gate {
    state: Mutex<(bool, bool)>, // (started, released)
    cv: Condvar,
}

#[test]
fn a_frame_in_flight_when_an_event_arrives_is_not_stored() {
    let gate = Arc::new(Gate {
        state: Mutex::new((false, false)),
        cv: Condvar::new(),
    });
    let g = Arc::clone(&gate);
    let engine = fixture();
    let pre = Precomputer::builder(engine.clone(), fake())
        .workers(2)
        .lookahead(Lookahead::Fixed(100))
        .cache_bytes(cache_for(&engine, 100))
        .render_fn(move |e, t| {
            if t == 50 && e.events().is_empty() {
                let mut s = g.state.lock().unwrap();
                s.0 = true;
                g.cv.notify_all();
                while !s.1 {
                    s = g.cv.wait(s).unwrap();
                }
            }
            e.render(t)
        })
        .build()
        .unwrap();
    pre.set_cursor(0);
    {
        let mut s = gate.state.lock().unwrap();
        while !s.0 {
            s = gate.cv.wait(s).unwrap();
        }
    }
    // Tick 50 is being rendered with the old engine right now.
    pre.push_event(cpu(10, 77)).unwrap();
    {
        gate.state.lock().unwrap().1 = true;
        gate.cv.notify_all();
    }
    pre.wait_idle();
    let mut fresh = fixture();
    fresh.push_event(cpu(10, 77)).unwrap();
    assert_ne!(
        fixture().render(50),
        fresh.render(50),
        "the event must change frame 50"
    );
    for t in 0..100 {
        assert_frame_eq(
            t,
            &fresh.render(t),
            &pre.peek(t).unwrap(),
            "after a mid-flight event",
        );
    }
    assert!(pre.stats().stale_discarded >= 1);
}

/// Records what it is shown and takes `cost` of (fake) time per frame.
struct SlowSink {
    clock: FakeClock,
    cost: Duration,
    shown: Vec<(Tick, Duration)>,
}

impl Sink for SlowSink {
    fn show(&mut self, tick: Tick, _frame: &Frame) -> Result<(), SinkError> {
        self.shown.push((tick, self.clock.now()));
        self.clock.advance(self.cost);
        Ok(())
    }
}

#[test]
fn a_slow_sink_drops_frames_and_the_timeline_does_not_drift() {
    let engine = load(&root().join("../../tests/scenes/dashboard.toml"));
    assert_eq!(engine.tick_rate(), 60);
    let clock = FakeClock::new();
    let pre = Precomputer::builder(engine, Arc::new(clock.clone()))
        .workers(1)
        // Cheap frames keep the test fast; the player logic is what is under test.
        .render_fn(|e, _| Frame::new(e.width(), e.height()))
        .build()
        .unwrap();
    let mut player = Player::new(pre);
    const END: Tick = 6000;
    player.set_end(Some(END));
    // 41 ms per frame: 2.46 ticks at 60 ticks/s, and not a whole number of nanosecond ticks.
    let mut sink = SlowSink {
        clock: clock.clone(),
        cost: Duration::from_millis(41),
        shown: Vec::new(),
    };
    player.run(&mut sink).unwrap();

    let stats = player.stats();
    assert!(stats.dropped > 0);
    assert_eq!(stats.shown as usize, sink.shown.len());
    assert_eq!(
        stats.shown + stats.dropped,
        END,
        "every tick is either shown or dropped"
    );
    let mut prev: Option<Tick> = None;
    for &(tick, at) in &sink.shown {
        // The tick shown is the one the clock says is due: floor(t * 60), never behind.
        assert_eq!(
            tick,
            (at.as_nanos() * 60 / 1_000_000_000) as Tick,
            "at {at:?}"
        );
        if let Some(p) = prev {
            assert!((2..=3).contains(&(tick - p)), "gap {p} -> {tick}");
        }
        prev = Some(tick);
    }
    // 6000 ticks are 100 s: the last frame is shown within one sink duration of the end.
    let (last, at) = *sink.shown.last().unwrap();
    assert!(last >= END - 3);
    assert!(at <= Duration::from_secs(100));
    assert!(clock.now() >= Duration::from_secs(100));
}

#[test]
fn a_punctual_sink_drops_nothing() {
    let engine = load(&root().join("../../tests/scenes/dashboard.toml"));
    let clock = FakeClock::new();
    let pre = Precomputer::builder(engine.clone(), Arc::new(clock.clone()))
        .workers(2)
        .build()
        .unwrap();
    let mut player = Player::new(pre);
    player.set_end(Some(300));
    let mut shown = Vec::new();
    struct Collect<'a>(&'a mut Vec<(Tick, Frame)>);
    impl Sink for Collect<'_> {
        fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError> {
            self.0.push((tick, frame.clone()));
            Ok(())
        }
    }
    player.run(&mut Collect(&mut shown)).unwrap();
    assert_eq!(player.stats().dropped, 0);
    assert_eq!(
        shown.iter().map(|s| s.0).collect::<Vec<_>>(),
        (0..300).collect::<Vec<_>>()
    );
    for (t, f) in &shown {
        assert_frame_eq(*t, &engine.render(*t), f, "played");
    }
    let m = player.metrics();
    assert_eq!(m.ticks_shown, 300);
    assert_eq!(m.latency.count, 300);
    assert_eq!(m.latency_precomputed.count + m.latency_inline.count, 300);
    let json: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
    for key in [
        "utilization",
        "fps_computed",
        "frame_us_p50",
        "frame_us_p99",
        "cache_hit_rate",
        "dropped_frames",
    ] {
        assert!(json.get(key).is_some(), "metrics JSON lacks {key}");
    }
    assert!(json["latency_precomputed"]["p99_us"].is_number());
}

#[test]
fn a_sink_error_stops_the_player_and_is_returned() {
    struct Broken;
    impl Sink for Broken {
        fn show(&mut self, tick: Tick, _frame: &Frame) -> Result<(), SinkError> {
            if tick == 3 {
                return Err(SinkError::new("I2C write to 0x3c failed: no acknowledge"));
            }
            Ok(())
        }
    }
    let engine = load(&root().join("../../tests/scenes/dashboard.toml"));
    let pre = Precomputer::builder(engine, fake())
        .pool(PoolChoice::None)
        .build()
        .unwrap();
    let mut player = Player::new(pre);
    let mut sink: Box<dyn Sink> = Box::new(Broken);
    let err = player.run(&mut sink).unwrap_err();
    assert!(err.to_string().contains("0x3c"));
    assert!(!err.is_transient());
    assert_eq!(player.stats().shown, 3);
}

#[test]
fn a_transient_sink_error_costs_one_frame() {
    struct Glitchy;
    impl Sink for Glitchy {
        fn show(&mut self, tick: Tick, _frame: &Frame) -> Result<(), SinkError> {
            if tick == 3 {
                return Err(SinkError::transient("bus error, retry later"));
            }
            Ok(())
        }
    }
    let engine = load(&root().join("../../tests/scenes/dashboard.toml"));
    let pre = Precomputer::builder(engine, fake())
        .pool(PoolChoice::None)
        .build()
        .unwrap();
    let mut player = Player::new(pre);
    player.set_end(Some(10));
    player.run(&mut Glitchy).unwrap();
    assert_eq!(player.stats().shown, 9);
    assert_eq!(player.stats().sink_errors, 1);
}

/// The one retry policy: a transient error costs its frame and a backoff during which ticks
/// pass (dropped, as for a slow sink); a success resets it; `attempts` failures in a row are
/// fatal and say so.
#[test]
fn transient_errors_back_off_and_too_many_in_a_row_are_fatal() {
    struct Flaky {
        clock: FakeClock,
        shown: Vec<(Tick, Duration)>,
    }
    impl Sink for Flaky {
        fn show(&mut self, tick: Tick, _frame: &Frame) -> Result<(), SinkError> {
            if tick == 2 || tick >= 20 {
                return Err(SinkError::transient("bus error"));
            }
            self.shown.push((tick, self.clock.now()));
            Ok(())
        }
    }
    let engine = Engine::from_source(
        "t.toml",
        b"display = { width = 32, height = 16, tick_rate = 10 }",
    )
    .unwrap();
    let clock = FakeClock::new();
    let pre = Precomputer::builder(engine, Arc::new(clock.clone()))
        .pool(PoolChoice::None)
        .build()
        .unwrap();
    let mut player = Player::new(pre);
    player.set_retry(Retry {
        attempts: 3,
        first: Duration::from_millis(250),
        max: Duration::from_secs(1),
    });
    let mut sink = Flaky {
        clock: clock.clone(),
        shown: Vec::new(),
    };
    let err = player.run(&mut sink).unwrap_err();
    let ms = Duration::from_millis;
    // Tick 2 fails at 200 ms; after 250 ms of backoff tick 4 is due (tick 3 passed meanwhile).
    assert_eq!(
        sink.shown[..4],
        [(0, ms(0)), (1, ms(100)), (4, ms(450)), (5, ms(500))]
    );
    assert_eq!(
        sink.shown.iter().map(|s| s.0).collect::<Vec<_>>(),
        [0, 1].into_iter().chain(4..20).collect::<Vec<_>>()
    );
    // From tick 20: fails at 2000 ms, backoff 250 ms -> tick 22 fails, backoff 500 ms -> tick 27
    // fails: the third in a row.
    assert!(!err.is_transient());
    assert_eq!(err.tick(), Some(27));
    assert_eq!(
        err.to_string(),
        "tick 27: bus error (gave up after 3 attempts)"
    );
    let stats = player.stats();
    assert_eq!(stats.sink_errors, 4);
    assert_eq!(stats.shown, 18);
}

#[test]
fn memory_stays_flat_over_a_million_ticks() {
    let engine = load(&root().join("../../tests/scenes/dashboard.toml"));
    let entry = entry_bytes(engine.width(), engine.height());
    let blank = Frame::new(engine.width(), engine.height());
    let clock = FakeClock::new();
    let pre = Precomputer::builder(engine, Arc::new(clock.clone()))
        .workers(2)
        .render_fn(move |_, _| blank.clone())
        .build()
        .unwrap();
    let budget = pre.footprint().budget_bytes;
    assert_eq!(budget, 120 * entry, "default budget: 2 s at 60 ticks/s");

    struct Probe {
        pre: Precomputer,
        budget: usize,
        max_bytes: usize,
        max_frames: usize,
        max_in_flight: usize,
        checks: u64,
    }
    impl Sink for Probe {
        fn show(&mut self, tick: Tick, _frame: &Frame) -> Result<(), SinkError> {
            if tick % 1000 == 0 {
                let f = self.pre.footprint();
                assert!(f.cache_bytes <= self.budget, "tick {tick}: {f:?}");
                assert_eq!(f.failed, 0);
                self.max_bytes = self.max_bytes.max(f.cache_bytes);
                self.max_frames = self.max_frames.max(f.cached_frames);
                self.max_in_flight = self.max_in_flight.max(f.in_flight);
                self.checks += 1;
            }
            Ok(())
        }
    }
    let mut probe = Probe {
        pre: pre.clone(),
        budget,
        max_bytes: 0,
        max_frames: 0,
        max_in_flight: 0,
        checks: 0,
    };
    let mut player = Player::new(pre);
    const END: Tick = 1_000_000;
    player.set_end(Some(END));
    player.run(&mut probe).unwrap();

    let m = player.metrics();
    assert_eq!(m.ticks_shown + m.dropped_frames, END);
    assert!(probe.checks >= 900);
    assert!(probe.max_bytes <= budget);
    assert!(probe.max_frames <= 120, "{}", probe.max_frames);
    // Workers claim batches, never more than the window (itself within the budget).
    assert!(probe.max_in_flight <= 120, "{}", probe.max_in_flight);
    assert!(m.cache.bytes_peak <= budget);
    // The latency histograms are fixed arrays: a million samples, same size as none.
    assert_eq!(m.latency.count, m.ticks_shown);
}

#[test]
fn a_panicking_frame_is_caught_counted_and_the_pool_keeps_working() {
    let engine = fixture();
    let pre = Precomputer::builder(engine.clone(), fake())
        .workers(2)
        .lookahead(Lookahead::Fixed(20))
        .cache_bytes(cache_for(&engine, 40))
        .render_fn(|e, t| {
            if t == 7 {
                panic!("injected fault at tick 7");
            }
            e.render(t)
        })
        .build()
        .unwrap();
    pre.set_cursor(0);
    pre.wait_idle();
    let s = pre.stats();
    assert_eq!(s.panics_caught, 1, "tick 7 failed once and was not retried");
    let expected: Vec<Tick> = (0..20).filter(|&t| t != 7).collect();
    assert_eq!(pre.cached_ticks(), expected);

    // The pool still works after the panic.
    pre.set_cursor(20);
    pre.wait_idle();
    assert_eq!(
        pre.cached_ticks()
            .into_iter()
            .filter(|&t| t >= 20)
            .collect::<Vec<_>>(),
        (20..40).collect::<Vec<_>>()
    );

    // Inline, the same fault is reported rather than shown.
    let err = pre.render_inline(7).unwrap_err();
    assert_eq!(err.tick, 7);
    assert!(err.message.contains("injected fault"));
    assert_eq!(pre.stats().inline_panics, 1);
}

/// Keeps every frame it is shown.
#[derive(Default)]
struct Frames(Vec<(Tick, Frame)>);

impl Sink for Frames {
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError> {
        self.0.push((tick, frame.clone()));
        Ok(())
    }
}

#[test]
fn the_player_renders_inline_a_frame_whose_worker_panicked() {
    let engine = fixture();
    let clock = FakeClock::new();
    let tripped = Arc::new(AtomicBool::new(false));
    let t2 = Arc::clone(&tripped);
    let pre = Precomputer::builder(engine.clone(), Arc::new(clock.clone()))
        .workers(2)
        .render_fn(move |e, t| {
            // Fails once: the first attempt (a worker's, since the window is filled first).
            if t == 7 && !t2.swap(true, Ordering::SeqCst) {
                panic!("transient fault");
            }
            e.render(t)
        })
        .build()
        .unwrap();
    pre.set_cursor(0);
    pre.wait_idle();
    let mut player = Player::starting_at(pre, 0);
    player.set_end(Some(20));
    let mut shown = Vec::new();
    let mut frames = Frames::default();
    loop {
        match player.step(&mut frames).unwrap() {
            Step::Finished => break,
            Step::Waiting { next_deadline } => clock.sleep_until(next_deadline),
            Step::Shown {
                tick, precomputed, ..
            } => shown.push((tick, precomputed)),
            Step::Failed { tick } => panic!("tick {tick} should have been rendered inline"),
        }
    }
    assert!(tripped.load(Ordering::SeqCst));
    assert_eq!(shown.len(), 20);
    assert_eq!(shown[7], (7, false), "tick 7 came from the inline fallback");
    assert!(
        shown.iter().filter(|s| s.0 != 7).all(|s| s.1),
        "all other frames were precomputed"
    );
    // The scene moves every tick, so a neighbour's frame (or a blank one) would not pass.
    assert_ne!(engine.render(7), engine.render(6));
    assert_ne!(engine.render(7), engine.render(8));
    assert_eq!(
        frames.0.iter().map(|f| f.0).collect::<Vec<_>>(),
        (0..20).collect::<Vec<_>>()
    );
    for (tick, frame) in &frames.0 {
        assert!(
            *frame == engine.render(*tick),
            "tick {tick}: the shown frame is not the engine's\nshown:\n{}\nexpected:\n{}",
            frame.to_ascii(),
            engine.render(*tick).to_ascii()
        );
    }
    let m = player.metrics();
    assert_eq!(m.panics_caught, 1);
    assert_eq!(m.inline_renders, 1);
}

#[test]
fn a_frame_that_fails_everywhere_is_reported() {
    let engine = fixture();
    let clock = FakeClock::new();
    let pre = Precomputer::builder(engine, Arc::new(clock.clone()))
        .workers(1)
        .render_fn(|e, t| {
            assert_ne!(t, 3, "injected fault");
            e.render(t)
        })
        .build()
        .unwrap();
    pre.set_cursor(0);
    pre.wait_idle();
    let mut player = Player::starting_at(pre, 0);
    player.set_end(Some(6));
    let mut failed = Vec::new();
    loop {
        match player.step(&mut NullSink).unwrap() {
            Step::Finished => break,
            Step::Waiting { next_deadline } => clock.sleep_until(next_deadline),
            Step::Failed { tick } => failed.push(tick),
            Step::Shown { .. } => {}
        }
    }
    assert_eq!(failed, vec![3]);
    assert_eq!(player.stats().shown, 5);
    assert_eq!(
        player.metrics().panics_caught,
        2,
        "once on the worker, once inline"
    );
}

#[test]
fn seeking_back_recomputes_the_new_window() {
    let engine = fixture();
    let pre = Precomputer::builder(engine.clone(), fake())
        .workers(2)
        .lookahead(Lookahead::Fixed(30))
        .build()
        .unwrap();
    pre.set_cursor(500);
    pre.wait_idle();
    pre.set_cursor(100);
    pre.wait_idle();
    for t in 100..130 {
        assert_frame_eq(t, &engine.render(t), &pre.peek(t).unwrap(), "after seeking");
    }
    assert!(pre.footprint().cache_bytes <= pre.footprint().budget_bytes);
}

#[test]
fn precomputed_latency_counts_from_when_a_worker_stored_the_frame() {
    let engine = fixture();
    let clock = FakeClock::new();
    let pre = Precomputer::builder(engine.clone(), Arc::new(clock.clone()))
        .workers(1)
        .lookahead(Lookahead::Fixed(10))
        .cache_bytes(cache_for(&engine, 10))
        .build()
        .unwrap();
    let mut player = Player::new(pre);
    player.precomputer().wait_idle();
    let ms = Duration::from_millis;
    // Redo the window 10 ms late: tick 0 (due at 0) is then ready 10 ms after its deadline,
    // while tick 3 (due at 50 ms) is ready 40 ms early.
    clock.set(ms(10));
    player.precomputer().invalidate_from(0);
    player.precomputer().wait_idle();
    let step = player.step(&mut NullSink).unwrap();
    assert!(
        matches!(
            step,
            Step::Shown {
                tick: 0,
                precomputed: true,
                ..
            }
        ),
        "{step:?}"
    );
    // The player wakes 2 ms after tick 3 is due.
    clock.set(player.deadline(3) + ms(2));
    let step = player.step(&mut NullSink).unwrap();
    assert!(
        matches!(
            step,
            Step::Shown {
                tick: 3,
                precomputed: true,
                ..
            }
        ),
        "{step:?}"
    );
    let s = player.stats();
    assert_eq!(s.latency_precomputed.count(), 2);
    assert_eq!(
        s.latency_precomputed.max_nanos(),
        10_000_000,
        "tick 0 was ready 10 ms late"
    );
    assert_eq!(
        s.latency_precomputed.quantile_nanos(0.0),
        0,
        "tick 3 was ready before it was due"
    );
    // In hand: tick 0 at 10 ms after its deadline, tick 3 at 2 ms (the player's own lateness).
    assert_eq!(s.in_hand_precomputed.max_nanos(), 10_000_000);
    let low = s.in_hand_precomputed.quantile_nanos(0.0);
    assert!(
        (2_000_000..=2_200_000).contains(&low),
        "in hand for tick 3: {low} ns"
    );
    assert_eq!(s.latency_inline.count(), 0);
}

/// The speedup's two sides come from alternating rounds on their own pools: each side runs at
/// least 5 whole rounds of the range (so every frame of every round is counted), with its own
/// worker count, and neither side's utilization exceeds its capacity.
#[test]
fn throughput_pair_measures_both_sides_in_whole_rounds() {
    use tinydisplay_runtime::bench_report::throughput_pair;
    let engine = fixture();
    let clock: Arc<dyn Clock> = Arc::new(tinydisplay_runtime::SystemClock::new());
    let (one, two) = throughput_pair(&engine, clock, 2, 0..40, 40, Duration::ZERO).unwrap();
    assert_eq!((one.workers, two.workers), (1, 2));
    for side in [one, two] {
        assert!(side.frames >= 5 * 40, "{side:?}");
        assert_eq!(
            side.frames % 40,
            0,
            "{side:?}: a round computes every tick once"
        );
        assert!(side.fps > 0.0 && side.wall > Duration::ZERO, "{side:?}");
        assert!(
            side.utilization > 0.0 && side.utilization <= 1.0 + 1e-9,
            "{side:?}"
        );
    }
    assert_eq!(one.frames, two.frames, "both sides ran the same rounds");
}
