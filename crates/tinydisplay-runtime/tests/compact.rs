//! A live player compacts its engine's event log as events stream in: the log stays bounded,
//! and every frame it shows is the frame an engine holding every event renders.

use std::sync::Arc;
use std::time::Duration;
use tinydisplay::{Engine, Event, Frame, Tick, Value};
use tinydisplay_runtime::precompute::COMPACT_MIN_EVENTS;
use tinydisplay_runtime::{Clock, FakeClock, Player, Precomputer, Sink, SinkError, Step};

const SCENE: &str = r#"
[display]
width = 48
height = 16
tick_rate = 10
dim = { after_idle = 30, contrast = 16 }

[inputs]
cpu = { default = 0, min = 0, max = 100 }
song = { default = "-" }

[[widgets]]
kind = "sparkline"
x = 0
y = 0
w = 48
h = 8
series = { input = "cpu" }

[[widgets]]
kind = "text"
x = 0
y = 8
text = "{song}{cpu}"
"#;

#[derive(Default)]
struct Keep {
    last: Option<(Tick, Frame)>,
}

impl Sink for Keep {
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError> {
        self.last = Some((tick, frame.clone()));
        Ok(())
    }
}

#[test]
fn twenty_thousand_live_events_keep_the_log_bounded_and_the_frames_right() {
    let engine = Engine::from_source("live.toml", SCENE.as_bytes()).unwrap();
    let mut full = engine.clone();
    let clock = FakeClock::new();
    let pre = Precomputer::builder(engine, Arc::new(clock.clone()))
        .workers(1)
        .build()
        .unwrap();
    let mut player = Player::new(pre);
    let mut sink = Keep::default();
    let (mut shown, mut peak, mut compactions, mut prev_count) = (0u32, 0usize, 0u32, 0usize);
    for i in 0..20_000u64 {
        // A live source stamps an event with the current tick; one tick ahead keeps it clear of
        // the frame shown now, so that frame is final and comparable.
        let tick = player.tick_at(clock.now()) + 1;
        let event = if i % 97 == 0 {
            Event::new(tick, "song", Value::Text(format!("s{}", i % 7)))
        } else {
            Event::new(tick, "cpu", Value::Int((i * 37 % 101) as i64))
        };
        full.push_event(event.clone()).unwrap();
        player.push_event(event).unwrap();
        let count = player.precomputer().engine().event_count();
        peak = peak.max(count);
        if count < prev_count {
            compactions += 1;
        }
        prev_count = count;
        // Two events per tick (tick_rate 10: 100 ms a tick).
        clock.advance(Duration::from_millis(50));
        if let Step::Shown { tick, .. } = player.step(&mut sink).unwrap() {
            let (t, frame) = sink.last.take().unwrap();
            assert_eq!(t, tick);
            assert_eq!(frame, full.render(tick), "frame at tick {tick} (event {i})");
            shown += 1;
        }
    }
    assert!(shown >= 9_000, "only {shown} frames shown");
    assert_eq!(full.event_count(), 20_000);
    // A compaction keeps the sparkline's 4096 values at the cursor, the song's latest and the
    // few events pushed since; the next one comes when the log has doubled (or reached the
    // minimum), so the log never holds more than that.
    let kept = 4096 + 2 + 16;
    assert!(peak <= COMPACT_MIN_EVENTS.max(2 * kept), "peak {peak}");
    assert!(compactions >= 2, "{compactions} compactions");
    assert!(
        prev_count <= COMPACT_MIN_EVENTS.max(2 * kept),
        "{prev_count} left"
    );
}
