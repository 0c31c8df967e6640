//! Wrapped text (`wrap = true`): pixel tests as ASCII art. The breaking rules themselves are
//! tested in `src/wrap.rs` (unit and property tests) and compared with embedded-text's
//! `TextBox` in `crates/wrapref`.
mod common;
use common::{assert_window, engine, lit_outside, render};
use tinydisplay::{Event, Frame, Value};

/// A wrapped text widget in the 4x6 font (4 pixels per character, 6 rows per line) with `fields`.
fn wrapped(fields: &str) -> String {
    format!("[[widgets]]\nkind = \"text\"\nfont = \"4x6\"\nwrap = true\n{fields}\n")
}

#[test]
fn a_word_longer_than_the_box_breaks_anywhere() {
    let f = render(16, 24, &wrapped("w = 12\nh = 24\ntext = \"abcdefg\""), 0);
    assert_window(
        &f,
        0,
        0,
        "
        ....#...........
        .##.##...##.....
        #.#.#.#.#.......
        #.#.#.#.#.......
        .##.##...##.....
        ................
        ..#.......#.....
        .##..#...#......
        #.#.#.#.###.....
        #.#.##...#......
        .##..##..#......
        ................
        ................
        .##.............
        #.#.............
        .##.............
        ..#.............
        ##..............
        ",
    );
    assert!(lit_outside(&f, 0, 0, 12, 18).is_empty());
}

#[test]
fn trailing_spaces_neither_count_nor_show() {
    // Right-aligned: "ab  " ends flush with the box, as "ab" would; "ab  cd" wraps after "ab"
    // in a box 8 wide although "ab " is 12 wide.
    let f = render(
        16,
        16,
        &wrapped("w = 12\nh = 12\ntext = \"ab  \\ncd\"\nalign = \"right\""),
        0,
    );
    assert_window(
        &f,
        0,
        0,
        "
        ........#.......
        .....##.##......
        ....#.#.#.#.....
        ....#.#.#.#.....
        .....##.##......
        ................
        ..........#.....
        .....##..##.....
        ....#...#.#.....
        ....#...#.#.....
        .....##..##.....
        ................
        ",
    );
    let narrow = render(8, 16, &wrapped("w = 8\nh = 12\ntext = \"ab  cd\""), 0);
    let two_lines = render(8, 16, &wrapped("w = 8\nh = 12\ntext = \"ab\\ncd\""), 0);
    assert_eq!(
        narrow,
        two_lines,
        "\n{}\n{}",
        narrow.to_ascii(),
        two_lines.to_ascii()
    );
}

#[test]
fn a_blank_line_between_paragraphs() {
    let f = render(8, 24, &wrapped("w = 8\nh = 18\ntext = \"a\\n\\nb\""), 0);
    assert_window(
        &f,
        0,
        0,
        "
        ........
        .##.....
        #.#.....
        #.#.....
        .##.....
        ........
        ........
        ........
        ........
        ........
        ........
        ........
        #.......
        ##......
        #.#.....
        #.#.....
        ##......
        ........
        ",
    );
}

#[test]
fn each_line_is_aligned_on_its_own() {
    // "a" (4 wide) and "bcd" (12 wide) centred in 14: at 5 and 1; right-aligned: at 10 and 2.
    let f = render(
        16,
        16,
        &wrapped("w = 14\nh = 12\ntext = \"a bcd\"\nalign = \"center\""),
        0,
    );
    assert_window(
        &f,
        0,
        0,
        "
        ................
        ......##........
        .....#.#........
        .....#.#........
        ......##........
        ................
        .#.........#....
        .##...##..##....
        .#.#.#...#.#....
        .#.#.#...#.#....
        .##...##..##....
        ................
        ",
    );
    let right = render(
        16,
        16,
        &wrapped("w = 14\nh = 12\ntext = \"a bcd\"\nalign = \"right\""),
        0,
    );
    assert_window(
        &right,
        0,
        0,
        "
        ................
        ...........##...
        ..........#.#...
        ..........#.#...
        ...........##...
        ................
        ..#.........#...
        ..##...##..##...
        ..#.#.#...#.#...
        ..#.#.#...#.#...
        ..##...##..##...
        ................
        ",
    );
}

#[test]
fn the_last_line_that_fits_ends_in_an_ellipsis() {
    // Three lines, two fit: the second ends in "..." (the ASCII fonts have no '…'), cut so that
    // it fits: "ef gh" becomes "ef...". Nothing of "ij" is drawn.
    let f = render(
        20,
        16,
        &wrapped("w = 20\nh = 14\ntext = \"ab cd ef gh ij\"\nellipsis = true"),
        0,
    );
    assert_window(
        &f,
        0,
        0,
        "
        ....#.............#.
        .##.##.......##..##.
        #.#.#.#.....#...#.#.
        #.#.#.#.....#...#.#.
        .##.##.......##..##.
        ....................
        ......#.............
        .#...#..............
        #.#.###.............
        ##...#..............
        .##..#...#...#...#..
        ....................
        ....................
        ....................
        ....................
        ....................
        ",
    );
    // All of it fits: no ellipsis; nor when only spaces and newlines follow.
    let all = render(
        20,
        24,
        &wrapped("w = 20\nh = 18\ntext = \"ab cd ef gh ij\"\nellipsis = true"),
        0,
    );
    let plain = render(
        20,
        24,
        &wrapped("w = 20\nh = 18\ntext = \"ab cd ef gh ij\""),
        0,
    );
    assert_eq!(all, plain);
    let tail = render(
        20,
        16,
        &wrapped("w = 20\nh = 12\ntext = \"ab\\ncd  \\n\\n \"\nellipsis = true"),
        0,
    );
    let bare = render(20, 16, &wrapped("w = 20\nh = 12\ntext = \"ab\\ncd\""), 0);
    assert_eq!(tail, bare, "\n{}", tail.to_ascii());
}

#[test]
fn lines_are_clipped_at_the_box_bottom() {
    // h = 9: the second line shows its top 3 rows.
    let f = render(8, 16, &wrapped("w = 8\nh = 9\ntext = \"ab cd ef\""), 0);
    assert_window(
        &f,
        0,
        0,
        "
        ....#...
        .##.##..
        #.#.#.#.
        #.#.#.#.
        .##.##..
        ........
        ......#.
        .##..##.
        #...#.#.
        ........
        ",
    );
    assert!(lit_outside(&f, 0, 0, 8, 9).is_empty());
}

#[test]
fn scroll_y_moves_the_lines_up_inside_the_box() {
    // 3 pixels up: the rows 3..6 of "ab" on top, then "cd" cut at the box bottom.
    let f = render(
        8,
        8,
        &wrapped("y = 1\nw = 8\nh = 6\ntext = \"ab cd ef\"\nscroll_y = 3"),
        0,
    );
    assert_window(
        &f,
        0,
        0,
        "
        ........
        #.#.#.#.
        .##.##..
        ........
        ......#.
        .##..##.
        #...#.#.
        ........
        ",
    );
}

#[test]
fn scroll_y_is_animatable_and_bindable() {
    // A track from 0 to 12 over 12 ticks: at tick 6 the block is 6 rows up (the second line on
    // top), at tick 12 the third line is.
    let body = wrapped(
        "w = 8\nh = 6\ntext = \"ab cd ef\"\nanimate = [{ prop = \"scroll_y\", keys = [{ t = 0, v = 0 }, { t = 12, v = 12 }] }]",
    );
    let e = engine(8, 8, &body);
    let line = |text: &str| {
        render(
            8,
            8,
            &wrapped(&format!("w = 8\nh = 6\ntext = \"{text}\"")),
            0,
        )
    };
    assert_eq!(e.render(6), line("cd"));
    assert_eq!(e.render(12), line("ef"));
    assert_eq!(e.frame_state(6).widgets[0].scroll_y, 6);

    let bound = format!(
        "[inputs]\nup = {{ default = 0 }}\n{}",
        wrapped("w = 8\nh = 6\ntext = \"ab cd ef\"\nbind = { scroll_y = \"up\" }")
    );
    let mut e = engine(8, 8, &bound);
    e.push_event(Event::new(5, "up", Value::Int(12))).unwrap();
    assert_eq!(e.render(4), line("ab"));
    assert_eq!(e.render(5), line("ef"));
}

#[test]
fn negative_line_spacing_overlaps_and_positive_spreads() {
    // 6-row lines 3 rows apart: the second "a" (rows 1..=4 of its cell) starts at row 3, on the
    // first one's last lit row.
    let tight = render(
        8,
        16,
        &wrapped("w = 4\nh = 16\ntext = \"a a\"\nline_spacing = -3"),
        0,
    );
    assert_window(
        &tight,
        0,
        0,
        "
        ....
        .##.
        #.#.
        #.#.
        .##.
        #.#.
        #.#.
        .##.
        ",
    );
    let loose = render(
        8,
        16,
        &wrapped("w = 4\nh = 16\ntext = \"a a\"\nline_spacing = 2"),
        0,
    );
    let moved = render(
        8,
        16,
        &wrapped("w = 4\nh = 16\ntext = \"\\n\\na\"\nline_spacing = -2"),
        0,
    );
    // Line 1 of the loose text is at 8; line 2 of a text with spacing -2 is at 8 as well.
    assert_eq!(
        common::window(&loose, 0, 8, 4, 8),
        common::window(&moved, 0, 8, 4, 8)
    );
}

#[test]
fn text_from_events_rewraps_per_tick() {
    let body = format!(
        "[inputs]\nmsg = {{ default = \"ab\" }}\n{}",
        wrapped("w = 8\nh = 12\ntext = \"{msg}\"")
    );
    let mut e = engine(8, 16, &body);
    e.push_event(Event::new(10, "msg", Value::Text("cd ab".into())))
        .unwrap();
    let expect = |t: &str| {
        render(
            8,
            16,
            &wrapped(&format!("w = 8\nh = 12\ntext = \"{t}\"")),
            0,
        )
    };
    assert_eq!(e.render(9), expect("ab"));
    assert_eq!(e.render(10), expect("cd\\nab"));
}

/// The work counter: a wrapped text of a thousand lines blits only what is visible, and the
/// render stays within the documented bound.
#[test]
fn only_visible_lines_are_drawn() {
    let long = "ab ".repeat(1300);
    let body = wrapped(&format!("w = 8\nh = 12\ntext = \"{long}\"\nscroll_y = 600"));
    let e = engine(16, 16, &body);
    let mut frame = Frame::new(16, 16);
    let stats = e.render_counting(0, &mut frame);
    assert!(stats.within_bound(32), "{stats:?}");
    // The box shows 2 lines (3 when one is cut at the top): each a primitive, plus the widget.
    assert!(stats.primitives <= 4, "{stats:?}");
    assert!(stats.bytes_touched <= 4 * 8 * 2, "{stats:?}");
    assert_eq!(
        frame,
        render(16, 16, &wrapped("w = 8\nh = 12\ntext = \"ab ab\""), 0)
    );
}

/// (scene body after the display line, words the message must contain, "LINE:COL").
const BAD: &[(&str, &[&str], &str)] = &[
    (
        "[[widgets]]\nkind = \"text\"\ntext = \"a\"\nwrap = true\nw = 20\n",
        &["widgets[0].wrap", "wrapped text needs its box", "h = 0"],
        "5:8",
    ),
    (
        "[[widgets]]\nkind = \"text\"\ntext = \"a\"\nh = 9\nwrap = true\n",
        &["widgets[0].wrap", "w = 0"],
        "6:8",
    ),
    (
        "[[widgets]]\nkind = \"text\"\ntext = \"a\"\nellipsis = true\n",
        &["widgets[0].ellipsis", "`ellipsis` does not apply to a text widget without `wrap = true`"],
        "5:12",
    ),
    (
        "[[widgets]]\nkind = \"text\"\ntext = \"a\"\nwrap = false\nline_spacing = 2\n",
        &["widgets[0].line_spacing", "`line_spacing` does not apply to a text widget without"],
        "6:16",
    ),
    (
        "[[widgets]]\nkind = \"text\"\ntext = \"a\"\nscroll_y = 2\n",
        &["`scroll_y` does not apply to a text widget without"],
        "5:12",
    ),
    (
        "[[widgets]]\nkind = \"marquee\"\ntext = \"a\"\nwrap = true\n",
        &["`wrap` does not apply to a marquee widget", "(it applies to: text)"],
        "5:8",
    ),
    (
        "[[widgets]]\nkind = \"rect\"\nellipsis = true\n",
        &["`ellipsis` does not apply to a rect widget"],
        "4:12",
    ),
    // 4x6: lines at least one row apart, so line_spacing >= -5.
    (
        "[[widgets]]\nkind = \"text\"\ntext = \"a\"\nfont = \"4x6\"\nwrap = true\nw = 9\nh = 9\nline_spacing = -6\n",
        &["widgets[0].line_spacing", "-6 is out of range: expected -5..=256"],
        "9:16",
    ),
    (
        "[[widgets]]\nkind = \"text\"\ntext = \"a\"\nwrap = true\nw = 9\nh = 9\nline_spacing = 257\n",
        &["expected -9..=256"],
        "8:16",
    ),
    (
        "[[widgets]]\nkind = \"text\"\ntext = \"a\"\nwrap = true\nw = 9\nh = 9\nscroll_y = 40000\n",
        &["widgets[0].scroll_y", "40000 is out of range"],
        "8:12",
    ),
];

#[test]
fn bad_wrap_fields_are_errors_at_their_place() {
    for (body, says, at) in BAD {
        let src = format!("display = {{ width = 64, height = 32 }}\n{body}");
        let e = match tinydisplay::Engine::from_source("w.toml", src.as_bytes()) {
            Ok(_) => panic!("accepted:\n{src}"),
            Err(e) => e,
        };
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("w.toml:{at}: ")),
            "{shown}\n{src}"
        );
        for w in *says {
            assert!(shown.contains(w), "{shown:?} lacks {w:?}");
        }
    }
    // At the limits, and the fields at their defaults, scenes load.
    let ok = wrapped(
        "w = 9\nh = 9\nline_spacing = -5\nellipsis = false\nscroll_y = -32767\ntext = \"x\"",
    );
    let _ = engine(64, 32, &ok);
    let _ = engine(
        64,
        32,
        &wrapped("w = 9\nh = 9\nline_spacing = 256\nscroll_y = 32767\ntext = \"\""),
    );
}

/// The largest legal values, animated far beyond them, at near and far ticks: no panic, the
/// work stays within the documented bound, and the frame equals `render`'s.
#[test]
fn extreme_boxes_and_scrolls_stay_bounded() {
    let long = "W".repeat(2000) + &" a".repeat(1000);
    let cases = [
        format!("x = -32767\ny = -32767\nw = 32767\nh = 32767\ntext = \"{long}\"\nline_spacing = 256\nellipsis = true"),
        format!("x = 3\nw = 1\nh = 32767\ntext = \"{long}\"\nline_spacing = -5\nalign = \"center\""),
        format!("w = 32767\nh = 2\ntext = \"{long}\"\nalign = \"right\"\nellipsis = true\nscroll_y = -32767"),
        format!(
            "w = 60\nh = 30\ntext = \"{long}\"\nanimate = [{{ prop = \"scroll_y\", keys = [{{ t = 0, v = -1000000000 }}, {{ t = 100, v = 1000000000 }}], repeat = \"forever\", yoyo = true }}, {{ prop = \"w\", wave = {{ period = 7, min = -32767, max = 32767 }} }}]"
        ),
    ];
    for fields in cases {
        let e = engine(128, 64, &wrapped(&fields));
        let mut frame = Frame::new(128, 64);
        for tick in [0, 1, 37, 50, 99, 1 << 40, u64::MAX] {
            let stats = e.render_counting(tick, &mut frame);
            assert!(
                stats.within_bound(1024),
                "tick {tick}: {stats:?}\n{fields:.80}"
            );
            assert_eq!(frame, e.render(tick));
        }
    }
}
