//! Real-time play whose work follows what changes: a player that skips unchanged ticks sends
//! and wakes only for frames that differ from the one on the display, an event wakes it at once,
//! and a full precompute window claims no work. Simulated time and `compute_here` (or
//! `wait_idle`) make every count here deterministic: nothing depends on how fast this machine is.

use std::sync::Arc;
use std::time::Duration;
use tinydisplay::{Engine, Event, Frame, Tick};
use tinydisplay_runtime::{
    Clock, FakeClock, Lookahead, Player, PoolChoice, Precomputer, Sink, SinkError, Step,
};

/// Every frame handed over, with its tick.
#[derive(Default)]
struct Record(Vec<(Tick, Frame)>);

impl Sink for Record {
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError> {
        self.0.push((tick, frame.clone()));
        Ok(())
    }
}

/// 10 ticks a second: seconds that change every 10 ticks, and a bar that moves on ticks 24..=27
/// only, so changes come both regularly and in a burst.
const SCENE: &str = r#"
display = { width = 32, height = 16, tick_rate = 10 }
[[widgets]]
kind = "text"
text = "{ss}"
[[widgets]]
kind = "rect"
y = 12
w = 4
h = 4
fill = true
animate = [{ prop = "x", keys = [{ t = 23, v = 10 }, { t = 27, v = 20 }] }]
"#;

fn engine(src: &str) -> Engine {
    Engine::from_source("idle.toml", src.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// A player on simulated time whose window is filled on this thread (`compute_here`) whenever
/// it would sleep: what a pool does in the background, made deterministic.
fn player(engine: &Engine, clock: &FakeClock, window: u32) -> Player {
    let pre = Precomputer::builder(engine.clone(), Arc::new(clock.clone()))
        .pool(PoolChoice::None)
        .lookahead(Lookahead::Fixed(window))
        .build()
        .unwrap();
    let mut p = Player::new(pre);
    p.skip_unchanged(true);
    p
}

/// Steps to `end`, filling the window before each sleep; returns how many steps it took.
fn play(p: &mut Player, sink: &mut Record) -> u64 {
    loop {
        match p.step(sink).unwrap() {
            Step::Finished => return p.stats().wakeups,
            Step::Waiting { next_deadline } => {
                p.precomputer().compute_here();
                p.sleep_until(next_deadline);
            }
            Step::Shown { .. } => p.precomputer().compute_here(),
            Step::Failed { tick } => panic!("tick {tick} failed"),
        }
    }
}

/// The frame on the display at every tick (the last one shown at or before it) is the engine's
/// frame of that tick: no change was skipped.
fn assert_display_follows_engine(e: &Engine, shown: &[(Tick, Frame)], end: Tick) {
    let mut i = 0;
    for t in 0..end {
        while i + 1 < shown.len() && shown[i + 1].0 <= t {
            i += 1;
        }
        assert!(shown[i].0 <= t, "nothing on the display at tick {t}");
        assert!(
            shown[i].1 == e.render(t),
            "tick {t}: the display shows tick {}'s frame but the engine's differs:\n{}\nexpected:\n{}",
            shown[i].0,
            shown[i].1.to_ascii(),
            e.render(t).to_ascii()
        );
    }
}

#[test]
fn unchanged_ticks_known_ahead_cost_no_wakeup_and_no_show() {
    let e = engine(SCENE);
    let clock = FakeClock::new();
    let mut p = player(&e, &clock, 30);
    p.set_end(Some(100));
    let mut sink = Record::default();
    let steps = play(&mut p, &mut sink);

    // (c) every tick whose frame differs from the one before it was shown, and only those.
    let changes: Vec<Tick> = (0..100)
        .filter(|&t| t == 0 || e.render(t) != e.render(t - 1))
        .collect();
    assert_eq!(
        changes,
        [0, 10, 20, 24, 25, 26, 27, 30, 40, 50, 60, 70, 80, 90]
    );
    let shown: Vec<Tick> = sink.0.iter().map(|(t, _)| *t).collect();
    assert_eq!(shown, changes);
    assert_display_follows_engine(&e, &sink.0, 100);

    // (a) 100 ticks in ~20 steps: the player wakes for a change, and once more where its
    // knowledge ends (the first tick after a change, whose frame the window did not hold yet).
    let s = p.stats();
    assert_eq!(s.shown + s.unchanged + s.dropped, 100, "{s:?}");
    assert_eq!(s.dropped, 0);
    assert!(
        steps <= 3 * changes.len() as u64,
        "{steps} steps for {} changes",
        changes.len()
    );
    assert_eq!(clock.now(), Duration::from_secs(10));
}

#[test]
fn without_skipping_every_tick_is_shown_and_stepped() {
    let e = engine(SCENE);
    let clock = FakeClock::new();
    let mut p = player(&e, &clock, 30);
    p.skip_unchanged(false);
    p.set_end(Some(100));
    let mut sink = Record::default();
    let steps = play(&mut p, &mut sink);
    assert_eq!(sink.0.len(), 100);
    assert!(steps >= 200, "{steps}");
    assert_eq!(p.stats().unchanged, 0);
}

#[test]
fn an_event_wakes_the_sleeping_player_and_the_next_frame_shows_it() {
    let src = r#"
display = { width = 32, height = 8, tick_rate = 10 }
[inputs]
cpu = { default = 0, min = 0, max = 100 }
[[widgets]]
kind = "progress"
w = 32
h = 8
bind = { value = "cpu" }
"#;
    let e = engine(src);
    let clock = FakeClock::new();
    let mut p = player(&e, &clock, 40);
    let mut sink = Record::default();
    // Play until the player sleeps through ticks it knows to be unchanged.
    let deadline = loop {
        match p.step(&mut sink).unwrap() {
            Step::Waiting { next_deadline } if next_deadline > Duration::from_secs(1) => {
                break next_deadline
            }
            Step::Waiting { next_deadline } => {
                p.precomputer().compute_here();
                p.sleep_until(next_deadline);
            }
            _ => p.precomputer().compute_here(),
        }
    };
    assert_eq!(sink.0.len(), 1, "a static scene is shown once");
    let asleep_at = clock.now();
    let tick = p.current_tick();
    // Pushed from "another thread" while the player decided to sleep: its doorbell rings.
    let event = Event::parse_assignment(tick, "cpu=100").unwrap();
    p.push_event(event.clone()).unwrap();
    p.sleep_until(deadline);
    assert_eq!(clock.now(), asleep_at, "the event ended the sleep at once");

    // The next steps show the event at the first tick not yet shown, not at the old deadline.
    let shown_before = sink.0.len();
    while sink.0.len() == shown_before {
        match p.step(&mut sink).unwrap() {
            Step::Waiting { next_deadline } => {
                assert!(
                    next_deadline < deadline,
                    "it went back to sleep past the event"
                );
                p.sleep_until(next_deadline);
            }
            Step::Shown { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    let (t, frame) = sink.0.last().unwrap();
    assert_eq!(*t, tick + 1);
    let mut with_event = e.clone();
    with_event.push_event(event).unwrap();
    assert!(*frame == with_event.render(*t));
    assert!(*frame != e.render(*t), "the event changed the picture");
    assert!(frame.pixel(30, 4), "the bar is full:\n{}", frame.to_ascii());
}

#[test]
fn a_full_window_claims_no_work_and_starts_no_worker() {
    let e = engine(SCENE);
    let pre = Precomputer::builder(e.clone(), Arc::new(FakeClock::new()))
        .pool(PoolChoice::Own(2))
        .lookahead(Lookahead::Fixed(20))
        .build()
        .unwrap();
    pre.set_cursor(0);
    pre.wait_idle();
    assert_eq!(pre.cached_ticks(), (0..20).collect::<Vec<_>>());
    let full = pre.stats();
    // Refills and lookups of the full window's first tick cost nothing.
    for _ in 0..100 {
        pre.refill();
        pre.set_cursor(0);
    }
    pre.wait_idle();
    let after = pre.stats();
    assert_eq!(after.claims, full.claims);
    assert_eq!(after.workers_started, full.workers_started);

    // Moving the window by less than half of it starts no worker either: the pool tops it up
    // in batches, not one frame per tick.
    for t in 0..9 {
        assert!(pre.take(t).is_some());
    }
    pre.wait_idle();
    assert_eq!(pre.stats().workers_started, full.workers_started);
    assert!(pre.take(9).is_some()); // half the window is free now
    pre.wait_idle();
    let topped = pre.stats();
    assert!(topped.workers_started > full.workers_started);
    assert_eq!(pre.cached_ticks(), (10..30).collect::<Vec<_>>());
    for t in 10..30 {
        assert!(*pre.peek(t).unwrap() == e.render(t));
    }
}
