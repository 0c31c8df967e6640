//! Shared helpers for the integration tests: building small scenes and comparing frames with
//! ASCII-art pictures (in the spirit of embedded-graphics' `MockDisplay` patterns).
#![allow(dead_code)]

use tinydisplay::{Engine, Frame};

/// An engine for a `width` x `height` panel with `body` (TOML, e.g. `[[widgets]]` tables) appended.
pub fn engine(width: u32, height: u32, body: &str) -> Engine {
    let src = format!("display = {{ width = {width}, height = {height} }}\n{body}");
    Engine::from_source("test.toml", src.as_bytes())
        .unwrap_or_else(|e| panic!("scene does not load: {e}\n{src}"))
}

/// Renders `body` on a `width` x `height` panel at `tick`.
pub fn render(width: u32, height: u32, body: &str, tick: u64) -> Frame {
    engine(width, height, body).render(tick)
}

/// Parses an ASCII picture: one row per non-blank line, `#` lit, `.` dark; leading and trailing
/// whitespace of each line is ignored so pictures can be indented in the source.
pub fn parse_picture(picture: &str) -> Vec<Vec<bool>> {
    let rows: Vec<Vec<bool>> = picture
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.chars()
                .map(|c| match c {
                    '#' => true,
                    '.' => false,
                    other => panic!("picture character {other:?}: use '#' (lit) or '.' (dark)"),
                })
                .collect()
        })
        .collect();
    assert!(!rows.is_empty(), "empty picture");
    let w = rows[0].len();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(
            r.len(),
            w,
            "picture row {} has {} columns, row 1 has {w}",
            i + 1,
            r.len()
        );
    }
    rows
}

/// The `w` x `h` window of `frame` at (`x0`, `y0`) as ASCII rows (off-panel reads as dark).
pub fn window(frame: &Frame, x0: i32, y0: i32, w: usize, h: usize) -> Vec<String> {
    (0..h as i32)
        .map(|dy| {
            (0..w as i32)
                .map(|dx| {
                    if frame.pixel(x0 + dx, y0 + dy) {
                        '#'
                    } else {
                        '.'
                    }
                })
                .collect()
        })
        .collect()
}

/// Asserts that the window of `frame` whose top-left corner is (`x0`, `y0`) and whose size is the
/// picture's equals `picture`. On failure, panics with expected and actual side by side and the
/// differing rows marked with `<<`.
#[track_caller]
pub fn assert_window(frame: &Frame, x0: i32, y0: i32, picture: &str) {
    let expected = parse_picture(picture);
    let (w, h) = (expected[0].len(), expected.len());
    let actual = window(frame, x0, y0, w, h);
    let expected: Vec<String> = expected
        .iter()
        .map(|r| r.iter().map(|&b| if b { '#' } else { '.' }).collect())
        .collect();
    if expected == actual {
        return;
    }
    let mut msg = format!(
        "frame window at ({x0}, {y0}), {w}x{h}, differs from the picture\n{:<w$}   {:<w$}\n",
        "expected", "actual"
    );
    for (row, (e, a)) in expected.iter().zip(&actual).enumerate() {
        let mark = if e == a { "" } else { "  <<" };
        msg.push_str(&format!("{e}   {a}{mark}   y={}\n", y0 + row as i32));
    }
    panic!("{msg}");
}

/// Asserts the whole frame equals `picture`.
#[track_caller]
pub fn assert_frame(frame: &Frame, picture: &str) {
    let p = parse_picture(picture);
    assert_eq!(
        (p[0].len(), p.len()),
        (usize::from(frame.width()), usize::from(frame.height())),
        "picture size differs from the frame size"
    );
    assert_window(frame, 0, 0, picture);
}

/// Lit pixels outside the window, as (x, y); for "nothing else is drawn" checks.
pub fn lit_outside(frame: &Frame, x0: i32, y0: i32, w: i32, h: i32) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    for y in 0..i32::from(frame.height()) {
        for x in 0..i32::from(frame.width()) {
            let inside = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
            if !inside && frame.pixel(x, y) {
                out.push((x, y));
            }
        }
    }
    out
}

/// Prints a frame for writing new pictures (`cargo test -- --nocapture`).
pub fn show(frame: &Frame) {
    println!("{}", frame.to_ascii());
}
