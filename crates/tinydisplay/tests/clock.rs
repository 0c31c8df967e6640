//! The wall clock: the reserved `clock` input and the `{time:FMT}`, `{date:FMT}` and `{clock}`
//! templates, as pixels (ASCII art) and as text, over event logs with jumps and far ticks.
mod common;
use common::{assert_window, engine, lit_outside};
use tinydisplay::calendar::{days_from_civil, Y2000};
use tinydisplay::{Engine, Event, Value, CLOCK_INPUT};

/// `{time:%H:%M}` in the 4x6 font on a 24x8 panel: five cells of 4 pixels.
const HHMM: &str = "[[widgets]]\nkind = \"text\"\ntext = \"{time:%H:%M}\"\nfont = \"4x6\"\n";

/// Seconds since 1970 of a civil date and time.
fn at(y: i64, mo: u8, d: u8, h: i64, mi: i64, s: i64) -> i64 {
    (days_from_civil(y, mo, d) * 86_400) as i64 + h * 3600 + mi * 60 + s
}

fn text(e: &Engine, tick: u64) -> String {
    e.frame_state(tick).widgets[0].text.clone().unwrap()
}

#[test]
fn without_a_clock_event_the_clock_starts_at_2000() {
    let e = engine(24, 8, HHMM);
    let f = e.render(0);
    assert_window(
        &f,
        0,
        0,
        "
        .#...#.......#...#......
        #.#.#.#..#..#.#.#.#.....
        ###.###.....###.###.....
        #.#.#.#.....#.#.#.#.....
        .#...#...#...#...#......
        ........................
        ",
    );
    assert!(lit_outside(&f, 0, 0, 24, 6).is_empty());
    // 13 h 7 min 59 s of ticks at 60 Hz: the wall clock is the stopwatch from midnight.
    let tick = 60 * (13 * 3600 + 7 * 60 + 59);
    assert_eq!(text(&e, tick), "13:07");
    assert_eq!(text(&e, tick + 60), "13:08");
    let e = engine(
        64,
        8,
        "[[widgets]]\nkind = \"text\"\ntext = \"{date:%a %d %b %Y}\"\n",
    );
    assert_eq!(text(&e, 0), "Sat 01 Jan 2000");
    assert_eq!(text(&e, 60 * 86_400 * 59), "Tue 29 Feb 2000");
}

#[test]
fn a_clock_event_sets_the_time_from_its_tick_on() {
    let mut e = engine(24, 8, HHMM);
    // 2023-11-14 22:13:20, at tick 30.
    e.push_event(Event::new(30, CLOCK_INPUT, Value::Int(1_700_000_000)))
        .unwrap();
    assert_eq!(text(&e, 29), "00:00");
    let f = e.render(30);
    assert_window(
        &f,
        0,
        0,
        "
        .#...#.......#..###.....
        #.#.#.#..#..##....#.....
        ..#...#......#...#......
        .#...#.......#....#.....
        ###.###..#..###.##......
        ........................
        ",
    );
    assert!(lit_outside(&f, 0, 0, 24, 6).is_empty());
    // 40 s later the minute turns: the clock counts whole seconds from the event's tick.
    assert_eq!(text(&e, 30 + 60 * 40 - 1), "22:13");
    assert_eq!(text(&e, 30 + 60 * 40), "22:14");
}

#[test]
fn dst_jumps_and_corrections_are_new_events() {
    let mut e = engine(24, 8, HHMM);
    // 01:59:30 local; at tick 60 * 30 (02:00:00) the clocks go forward to 03:00:00; at tick
    // 60 * 90 an NTP correction sets the clock back by 2 minutes; a time zone change follows.
    let start = at(2025, 3, 30, 1, 59, 30);
    e.push_event_log(&format!(
        "0 clock={start}\n1800 clock={}\n5400 clock={}\n9000 clock={}\n",
        start + 30 + 3600,
        start + 90 + 3600 - 120,
        start + 150 + 3600 - 120 - 5 * 3600,
    ))
    .unwrap();
    assert_eq!(text(&e, 0), "01:59");
    assert_eq!(text(&e, 1799), "01:59");
    let f = e.render(1800);
    assert_window(
        &f,
        0,
        0,
        "
        .#..###......#...#......
        #.#...#..#..#.#.#.#.....
        ###..#......###.###.....
        #.#...#.....#.#.#.#.....
        .#..##...#...#...#......
        ........................
        ",
    );
    assert_eq!(text(&e, 5399), "03:00");
    // 03:01:00 corrected to 02:59:00.
    assert_eq!(text(&e, 5400), "02:59");
    assert_eq!(text(&e, 9000), "22:00");
}

#[test]
fn far_ticks_and_extreme_clock_values_saturate() {
    // At 1 tick per second, u64::MAX ticks is past i64::MAX seconds: the clock stops there.
    let body = "[[widgets]]\nkind = \"text\"\ntext = \"{date:%Y-%m-%d %H:%M:%S} {clock}\"\n";
    let src = format!("display = {{ width = 128, height = 8, tick_rate = 1 }}\n{body}");
    let mut e = Engine::from_source("far.toml", src.as_bytes()).unwrap();
    assert_eq!(
        text(&e, u64::MAX),
        format!("292277026596-12-04 15:30:07 {}", i64::MAX)
    );
    assert_eq!(text(&e, u64::MAX - 1), text(&e, u64::MAX));
    e.push_event(Event::new(10, CLOCK_INPUT, Value::Int(i64::MAX - 5)))
        .unwrap();
    assert_eq!(
        text(&e, 15),
        format!("292277026596-12-04 15:30:07 {}", i64::MAX)
    );
    assert_eq!(
        text(&e, 14),
        format!("292277026596-12-04 15:30:06 {}", i64::MAX - 1)
    );
    e.push_event(Event::new(20, CLOCK_INPUT, Value::Int(i64::MIN)))
        .unwrap();
    assert_eq!(
        text(&e, 20),
        format!("-292277022657-01-27 08:29:52 {}", i64::MIN)
    );
    // From i64::MIN, almost u64::MAX seconds later is just inside the range.
    assert!(text(&e, u64::MAX).ends_with(&format!(" {}", i64::MAX - 20)));
    // Every frame renders: no overflow anywhere in between.
    for t in [0, 9, 10, 19, 20, u64::MAX / 2, u64::MAX] {
        e.render(t);
    }
    // At 60 Hz the far tick is within range: Y2000 plus u64::MAX / 60 seconds.
    let e = engine(128, 8, "[[widgets]]\nkind = \"text\"\ntext = \"{clock}\"\n");
    assert_eq!(
        text(&e, u64::MAX),
        (Y2000 + (u64::MAX / 60) as i64).to_string()
    );
}

#[test]
fn before_1970_is_negative() {
    let mut e = engine(
        128,
        8,
        "[[widgets]]\nkind = \"text\"\ntext = \"{date:%a %d %b %Y %H:%M:%S}\"\n",
    );
    e.push_event_log("0 clock=-1\n").unwrap();
    assert_eq!(text(&e, 0), "Wed 31 Dec 1969 23:59:59");
    assert_eq!(text(&e, 60), "Thu 01 Jan 1970 00:00:00");
    e.push_event(Event::new(
        120,
        CLOCK_INPUT,
        Value::Int(at(1900, 2, 28, 12, 0, 0)),
    ))
    .unwrap();
    assert_eq!(text(&e, 120 + 60 * 86_400), "Thu 01 Mar 1900 12:00:00");
}

#[test]
fn frames_are_the_same_pushed_one_by_one_or_as_a_batch() {
    let body = "[inputs]\ncpu = { default = 0 }\n[[widgets]]\nkind = \"text\"\ntext = \"{time:%-I:%M:%S%p} {cpu}\"\nfont = \"4x6\"\n";
    let start = at(2024, 12, 31, 23, 59, 58);
    let events = vec![
        Event::new(0, CLOCK_INPUT, Value::Int(start)),
        Event::new(90, "cpu", Value::Int(7)),
        Event::new(120, CLOCK_INPUT, Value::Int(start + 3600)),
        Event::new(120, CLOCK_INPUT, Value::Int(start - 3600)),
        Event::new(200, CLOCK_INPUT, Value::Int(start + 10)),
    ];
    let mut one = engine(128, 8, body);
    for ev in events.iter().rev() {
        one.push_event(ev.clone()).unwrap();
    }
    let mut batch = engine(128, 8, body);
    batch.push_events(events.clone()).unwrap();
    let mut log = engine(128, 8, body);
    let text_log: String = events.iter().map(|e| e.to_line() + "\n").collect();
    log.push_event_log(&text_log).unwrap();
    // One by one in reverse: equal ticks then arrive in reverse order, so the tick-120 winner
    // differs; in order, the later event at a tick wins in all three.
    let mut in_order = engine(128, 8, body);
    for ev in &events {
        in_order.push_event(ev.clone()).unwrap();
    }
    for t in (0..400).chain([u64::MAX]) {
        assert_eq!(batch.render(t), log.render(t), "tick {t}");
        assert_eq!(batch.render(t), in_order.render(t), "tick {t}");
        if !(120..200).contains(&t) {
            assert_eq!(batch.render(t), one.render(t), "tick {t}");
        }
    }
    assert_eq!(text(&batch, 119), "11:59:59PM 7");
    assert_eq!(text(&batch, 120), "10:59:58PM 7");
    assert_eq!(text(&one, 120), "12:59:58AM 7");
    assert_eq!(text(&batch, 200), "12:00:08AM 7");
    // A snapshot keeps the clock events.
    let (restored, tick) = tinydisplay::Engine::restore(&batch.snapshot(150)).unwrap();
    assert_eq!(restored.render(tick), batch.render(150));
}

#[test]
fn marquee_text_and_text_keys_are_templates_too() {
    let body = r#"
[[widgets]]
kind = "marquee"
w = 64
h = 8
text = "{date:%d %b} "
[[widgets]]
kind = "text"
y = 8
animate = [{ prop = "text", keys = [{ t = 0, v = "{time:%H:%M}" }, { t = 60, v = "{date:%j}" }] }]
"#;
    let mut e = engine(64, 16, body);
    e.push_event(Event::new(
        0,
        CLOCK_INPUT,
        Value::Int(at(2024, 2, 29, 8, 30, 0)),
    ))
    .unwrap();
    let s = e.frame_state(0);
    assert_eq!(s.widgets[0].text.as_deref(), Some("29 Feb "));
    assert_eq!(s.widgets[1].text.as_deref(), Some("08:30"));
    assert_eq!(e.frame_state(60).widgets[1].text.as_deref(), Some("060"));
}

#[test]
fn clock_values_must_be_integers() {
    let mut e = engine(24, 8, HHMM);
    let err = e
        .push_event_log("0 clock=1700000000\n# a comment\n5 clock=noon\n")
        .unwrap_err();
    assert_eq!(err.line, 3);
    assert!(
        err.message.contains("`clock` takes an integer"),
        "{}",
        err.message
    );
    assert!(e.events().is_empty(), "all or nothing");
    let err = e
        .push_event(Event::new(0, CLOCK_INPUT, Value::Text("12:00".into())))
        .unwrap_err();
    assert!(err.message.contains("\"12:00\""), "{}", err.message);
    // A quoted number is text too: the log says what it means.
    assert!(e.push_event_log("0 clock=\"5\"\n").is_err());
    e.push_event_log("0 clock=-5\n").unwrap();
    assert_eq!(e.events().len(), 1);
}

#[test]
fn clock_is_reserved() {
    let load = |body: &str| {
        let src = format!("display = {{ width = 64, height = 16 }}\n{body}");
        Engine::from_source("s.toml", src.as_bytes()).map(|_| ())
    };
    let e = load("[inputs]\nclock = { default = 0 }\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("s.toml:3:9: inputs.clock: `clock` is a reserved input"),
        "{e}"
    );
    let e = load("[[widgets]]\nkind = \"progress\"\nbind = { value = \"clock\" }\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("widgets[0].bind.value") && e.contains("reserved wall-clock"),
        "{e}"
    );
    let e = load("[[widgets]]\nkind = \"text\"\ntext = \"{time:%H:%Q}\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("s.toml:4:8: widgets[0].text: `{time:%H:%Q}`: unknown code `%Q`"),
        "{e}"
    );
    let e = load("[[widgets]]\nkind = \"text\"\ntext = \"{undeclared}\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("(declared: none)"),
        "the clock is not listed as declared: {e}"
    );
    // An event for an unknown input still names the scene's own inputs and the clock.
    let mut eng = engine(24, 8, HHMM);
    let err = eng.push_event_log("0 gpu=1\n").unwrap_err();
    assert!(
        err.message.contains("(no inputs)") && err.message.contains("`clock`"),
        "{}",
        err.message
    );
    // `{clock}` in a scene with an input sorting after `clock` keeps both right.
    let mut eng = engine(
        128,
        8,
        "[inputs]\nzone = { default = \"UTC\" }\nalpha = { default = 1 }\n[[widgets]]\nkind = \"text\"\ntext = \"{alpha} {zone} {clock}\"\n",
    );
    eng.push_event_log("3 zone=CET\n3 clock=3600\n").unwrap();
    assert_eq!(text(&eng, 3), "1 CET 3600");
    assert_eq!(text(&eng, 0), format!("1 UTC {Y2000}"));
}
