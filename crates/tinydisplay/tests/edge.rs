//! Off-panel and extreme values: drawing never panics (tests run with overflow checks on).
mod common;
use common::engine;
use tinydisplay::{Event, Value};

const KINDS: &[&str] = &[
    "kind = \"text\"\ntext = \"Wide text é€ 字 🙂\"",
    "kind = \"rect\"",
    "kind = \"rect\"\nfill = true",
    "kind = \"rect\"\nradius = 5",
    "kind = \"rect\"\nradius = 5\nfill = true\nstroke = 3",
    "kind = \"line\"",
    "kind = \"line\"\nstroke = 4",
    "kind = \"circle\"",
    "kind = \"circle\"\nfill = true",
    "kind = \"ellipse\"",
    "kind = \"ellipse\"\nfill = true",
    "kind = \"bitmap\"\nbitmap = \"#.#\\n.#.\"",
    "kind = \"progress\"\nvalue = 30",
    "kind = \"progress\"\nvalue = 30\nradius = 2\nstroke = 2",
    "kind = \"sparkline\"\nseries = { wave = { period = 7, min = -3, max = 3 } }",
    "kind = \"marquee\"\ntext = \"scrolling é\"\ngap = 0",
    "kind = \"sprite\"\nframes = [\"#\", \".\"]",
    "kind = \"group\"\ninvert = true\n[[widgets.children]]\nkind = \"rect\"\nfill = true\nw = 5\nh = 5",
];

const EXTREMES: &[i64] = &[
    -1_000_000_000,
    -40_000,
    -32_767,
    -129,
    -1,
    0,
    1,
    127,
    256,
    32_767,
    40_000,
    1_000_000_000,
];

/// Every kind, with x, y, w, h each animated through extreme values, renders without panicking
/// at ordinary and huge ticks.
#[test]
fn extreme_geometry_never_panics() {
    for kind in KINDS {
        for prop in ["x", "y", "w", "h", "scroll", "value", "radius", "frame"] {
            // A huge circle that covers the panel is correct but slow (embedded-graphics walks
            // all its rows); keep those sizes moderate here, far positions stay extreme.
            let round = kind.contains("circle") || kind.contains("ellipse");
            let keys: Vec<String> = EXTREMES
                .iter()
                .map(|&v| {
                    if round && matches!(prop, "w" | "h") {
                        v.clamp(-2000, 2000)
                    } else {
                        v
                    }
                })
                .enumerate()
                .map(|(i, v)| format!("{{ t = {i}, v = {v} }}"))
                .collect();
            let (kind_line, rest) = kind
                .split_once("\n[[")
                .map_or((*kind, String::new()), |(a, b)| (a, format!("\n[[{b}")));
            let body = format!(
                "[[widgets]]\n{kind_line}\nx = 3\ny = 2\nw = 40\nh = 20\nanimate = [{{ prop = \"{prop}\", keys = [{}] }}]{rest}\n",
                keys.join(", ")
            );
            let src = format!("display = {{ width = 128, height = 64 }}\n{body}");
            let e = match tinydisplay::Engine::from_source("t.toml", src.as_bytes()) {
                Ok(e) => e,
                // A bitmap or sprite whose declared size differs from its pixels is refused.
                Err(err) if kind_line.contains("bitmap") || kind_line.contains("sprite") => {
                    assert!(err.to_string().contains("w = 40"), "{err}");
                    continue;
                }
                Err(err) => panic!("{err}"),
            };
            for t in 0..EXTREMES.len() as u64 {
                let _ = e.render(t);
            }
            for t in [1_000_000_000, u64::MAX / 2, u64::MAX - 1, u64::MAX] {
                let _ = e.render(t);
            }
        }
    }
}

#[test]
fn static_extremes_never_panic() {
    for kind in KINDS {
        for (x, y, w, h) in [
            (-32_767, -32_767, 32_767, 32_767),
            (32_767, 32_767, 32_767, 32_767),
            (-32_767, 10, 32_767, 200),
            (0, 0, 0, 0),
            (127, 63, 1, 1),
            (-5, -5, 10, 10),
        ] {
            let (kind_line, rest) = kind
                .split_once("\n[[")
                .map_or((*kind, String::new()), |(a, b)| (a, format!("\n[[{b}")));
            let body =
                format!("[[widgets]]\n{kind_line}\nx = {x}\ny = {y}\nw = {w}\nh = {h}{rest}\n");
            let e = match tinydisplay::Engine::from_source(
                "t.toml",
                format!("display = {{ width = 128, height = 64 }}\n{body}").as_bytes(),
            ) {
                Ok(e) => e,
                // Some combinations are rejected by validation (e.g. bitmap size mismatch): fine.
                Err(_) => continue,
            };
            for t in [0, 1, 59, 1 << 40, u64::MAX] {
                let _ = e.render(t);
            }
        }
    }
}

#[test]
fn off_panel_widgets_draw_nothing() {
    for kind in KINDS {
        let (kind_line, rest) = kind
            .split_once("\n[[")
            .map_or((*kind, String::new()), |(a, b)| (a, format!("\n[[{b}")));
        for (x, y) in [(-500, 0), (500, 0), (0, -500), (0, 500), (-32_767, -32_767)] {
            let body =
                format!("[[widgets]]\n{kind_line}\nx = {x}\ny = {y}\nw = 40\nh = 20{rest}\n");
            let src = format!("display = {{ width = 128, height = 64 }}\n{body}");
            let Ok(e) = tinydisplay::Engine::from_source("t.toml", src.as_bytes()) else {
                continue;
            };
            let f = e.render(5);
            assert_eq!(f.lit(), 0, "{kind_line} at ({x}, {y}) drew on the panel");
        }
    }
}

#[test]
fn huge_ticks_and_events() {
    let body = r#"
[inputs]
cpu = { default = 5, min = -100, max = 100 }
name = { default = "x" }
[[widgets]]
kind = "text"
text = "{cpu:3} {name} {tick} {secs} {hh}:{mm}:{ss}"
[[widgets]]
kind = "progress"
y = 20
w = 50
h = 5
bind = { value = "cpu" }
[[widgets]]
kind = "sparkline"
y = 30
w = 64
h = 16
series = { input = "cpu" }
"#;
    let mut e = engine(128, 64, body);
    for (t, v) in [
        (0, Value::Int(i64::MAX)),
        (5, Value::Int(i64::MIN)),
        (u64::MAX, Value::Int(3)),
        (7, Value::Text("Ünïcødé 🙂".into())),
    ] {
        e.push_event(Event::new(t, "cpu", v.clone())).unwrap();
        e.push_event(Event::new(t, "name", v)).unwrap();
    }
    for t in [0, 5, 6, 7, 1 << 62, u64::MAX - 1, u64::MAX] {
        let _ = e.render(t);
        let _ = e.frame_state(t);
    }
    // Bound inputs are clamped to the input's range.
    assert_eq!(e.frame_state(0).widgets[1].value, 100);
    assert_eq!(e.frame_state(5).widgets[1].value, -100);
}

#[test]
fn long_timelines_saturate_instead_of_overflowing() {
    let body = r#"
[[widgets]]
kind = "rect"
w = 4
h = 4
animate = [
  { id = "a", prop = "x", keys = [{ t = 0, v = 0 }, { t = 4000000000, v = 100 }], repeat = 4000000000, delay = 4000000000 },
  { id = "b", prop = "y", keys = [{ t = 0, v = 0 }, { t = 4000000000, v = 100 }], repeat = 4000000000 },
]
[timelines.main]
mode = "sequence"
items = ["a", "b"]
start = 4000000000
"#;
    let e = engine(128, 64, body);
    for t in [0, u64::MAX / 2, u64::MAX] {
        let _ = e.render(t);
    }
}
