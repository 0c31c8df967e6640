//! Wrapped text (`wrap = true`): pixel tests as ASCII art, field errors, the work bound, and a
//! property test of the engine against a naive statement of the rules drawn by embedded-graphics'
//! own text renderer. The breaking itself is unit- and property-tested in `src/wrap.rs` and
//! compared with embedded-text's `TextBox` in `crates/wrapref`.
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

// --- The engine against a naive statement of the rules, drawn by embedded-graphics ------------

mod reference {
    use embedded_graphics::mono_font::{ascii, MonoFont, MonoTextStyle};
    use embedded_graphics::pixelcolor::BinaryColor;
    use embedded_graphics::prelude::*;
    use embedded_graphics::primitives::Rectangle;
    use embedded_graphics::text::{Baseline, Text};
    use tinydisplay::Frame;

    pub const FONTS: [(&str, &MonoFont<'static>); 5] = [
        ("4x6", &ascii::FONT_4X6),
        ("6x10", &ascii::FONT_6X10),
        ("9x15", &ascii::FONT_9X15),
        ("profont_10", &profont::PROFONT_10_POINT),
        ("profont_12", &profont::PROFONT_12_POINT),
    ];

    /// The pixels a line lights: its advances less the letter spacing after the last one.
    fn ink(s: &str, f: &MonoFont<'_>) -> i32 {
        let n = s.chars().count() as i32;
        let (adv, sp) = (
            (f.character_size.width + f.character_spacing) as i32,
            f.character_spacing as i32,
        );
        if n == 0 {
            0
        } else {
            n * adv - sp
        }
    }

    /// docs/scene-format.md's rules, quadratic and literal: per paragraph, the longest start
    /// that ends before a space (after a word) and fits without its trailing spaces; else the
    /// longest start that fits (at least one character); a wrapped line starts after the spaces.
    pub fn lines(text: &str, w: i32, f: &MonoFont<'_>) -> Vec<String> {
        let fits = |s: &str| ink(s.trim_end_matches(' '), f) <= w;
        let mut out = Vec::new();
        for para in text.split('\n') {
            let mut rest = para;
            let mut first = true;
            loop {
                if !first {
                    rest = rest.trim_start_matches(' ');
                }
                first = false;
                if fits(rest) {
                    out.push(rest.trim_end_matches(' ').to_string());
                    break;
                }
                let ends: Vec<usize> = rest
                    .char_indices()
                    .map(|(i, _)| i)
                    .skip(1)
                    .chain([rest.len()])
                    .collect();
                let after_word = |e: usize| {
                    rest[e..].starts_with(' ')
                        && !rest[..e].trim_start_matches(' ').is_empty()
                        && !rest[..e].ends_with(' ')
                };
                let cut = ends
                    .iter()
                    .copied()
                    .rfind(|&e| after_word(e) && fits(&rest[..e]))
                    .or_else(|| ends.iter().copied().rfind(|&e| fits(&rest[..e])))
                    .unwrap_or(ends[0]);
                out.push(rest[..cut].trim_end_matches(' ').to_string());
                // Spaces after the cut hang on this line (a glyph wider than the box included).
                rest = rest[cut..].trim_start_matches(' ');
                if rest.is_empty() {
                    break;
                }
            }
        }
        out
    }

    struct Target<'f>(&'f mut Frame);

    impl OriginDimensions for Target<'_> {
        fn size(&self) -> Size {
            Size::new(u32::from(self.0.width()), u32::from(self.0.height()))
        }
    }

    impl DrawTarget for Target<'_> {
        type Color = BinaryColor;
        type Error = core::convert::Infallible;

        fn draw_iter<I: IntoIterator<Item = Pixel<BinaryColor>>>(
            &mut self,
            px: I,
        ) -> Result<(), Self::Error> {
            for Pixel(p, c) in px {
                if c.is_on() {
                    self.0.set_pixel(p.x, p.y, true);
                }
            }
            Ok(())
        }
    }

    /// The lines drawn by embedded-graphics' own text renderer, clipped to the box.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        lines: &[String],
        f: &MonoFont<'_>,
        align: &str,
        (x, y, w, h): (i32, i32, i32, i32),
        spacing: i32,
        scroll: i32,
    ) -> Frame {
        let mut frame = Frame::new(128, 64);
        let mut t = Target(&mut frame);
        let bounds = Rectangle::new(Point::new(x, y), Size::new(w as u32, h as u32));
        let mut clipped = t.clipped(&bounds);
        let style = MonoTextStyle::new(f, BinaryColor::On);
        let pitch = f.character_size.height as i32 + spacing;
        for (k, l) in lines.iter().enumerate() {
            let lw = ink(l, f);
            let lx = match align {
                "center" => x + (w - lw) / 2,
                "right" => x + w - lw,
                _ => x,
            };
            let ly = y - scroll + k as i32 * pitch;
            let _ =
                Text::with_baseline(l, Point::new(lx, ly), style, Baseline::Top).draw(&mut clipped);
        }
        frame
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// The engine's wrapped text equals the rules stated naively, drawn glyph by glyph by
    /// embedded-graphics: line breaks, per-line alignment, letter spacing, line spacing (negative
    /// too), scrolling and clipping at once.
    #[test]
    fn wrapped_text_matches_the_rules_drawn_by_embedded_graphics(
        text in "[ab W.é\\n]{0,40}|([a-z]{1,9}[ \\n]{1,3}){1,12}",
        font in 0usize..reference::FONTS.len(),
        align in 0usize..3,
        w in 1i32..100,
        h in 1i32..60,
        spacing in -3i32..4,
        scroll in -10i32..40,
    ) {
        let (name, f) = reference::FONTS[font];
        let align = ["left", "center", "right"][align];
        let (x, y) = (5, 3);
        let fields = format!(
            "x = {x}\ny = {y}\nw = {w}\nh = {h}\nfont = \"{name}\"\nalign = \"{align}\"\nline_spacing = {spacing}\nscroll_y = {scroll}\ntext = \"{}\"",
            text.replace('\n', "\\n"),
        );
        let ours = render(128, 64, &format!("[[widgets]]\nkind = \"text\"\nwrap = true\n{fields}\n"), 0);
        let lines = reference::lines(&text, w, f);
        let theirs = reference::draw(&lines, f, align, (x, y, w, h), spacing, scroll);
        proptest::prop_assert!(ours == theirs, "{fields}\nlines {lines:?}\nengine:\n{}\nreference:\n{}",
            ours.to_ascii(), theirs.to_ascii());
    }
}
