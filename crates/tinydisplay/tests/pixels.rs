//! Pixel tests: every widget kind, drawn on a small panel and compared with an ASCII picture
//! (`#` lit, `.` dark). A failure prints expected and actual side by side.
mod common;
use common::{assert_frame, assert_window, engine, lit_outside, render};
use tinydisplay::{Event, Value};

#[test]
fn text_in_a_small_font() {
    let f = render(
        24,
        8,
        "[[widgets]]\nkind = \"text\"\ntext = \"Ab\"\nfont = \"4x6\"\n",
        0,
    );
    assert_window(
        &f,
        0,
        0,
        "
        .#..#...
        #.#.##..
        ###.#.#.
        #.#.#.#.
        #.#.##..
        ........
        ",
    );
    assert!(lit_outside(&f, 0, 0, 8, 6).is_empty());
}

#[test]
fn text_with_non_ascii_characters_uses_the_replacement_glyph() {
    // The ASCII fonts have no glyph for 'é' or '€': each draws the font's '?' and takes one cell.
    let f = render(
        24,
        8,
        "[[widgets]]\nkind = \"text\"\ntext = \"Hé€\"\nfont = \"5x7\"\n",
        0,
    );
    assert_frame(
        &f,
        "
        #..#...#....#...........
        #..#..#.#..#.#..........
        ####....#....#..........
        #..#...#....#...........
        #..#....................
        #..#...#....#...........
        ........................
        ........................
        ",
    );
}

#[test]
fn text_alignment_center_and_right() {
    let body = r#"
[[widgets]]
kind = "text"
text = "ab"
font = "4x6"
w = 24
align = "center"
[[widgets]]
kind = "text"
text = "ab"
font = "4x6"
y = 8
w = 24
align = "right"
"#;
    let f = render(24, 16, body, 0);
    assert_frame(
        &f,
        "
        ............#...........
        .........##.##..........
        ........#.#.#.#.........
        ........#.#.#.#.........
        .........##.##..........
        ........................
        ........................
        ........................
        ....................#...
        .................##.##..
        ................#.#.#.#.
        ................#.#.#.#.
        .................##.##..
        ........................
        ........................
        ........................
        ",
    );
}

#[test]
fn text_template_clock_fields() {
    // tick 3725 * 60 = 1 h 2 min 5 s.
    let body = "[[widgets]]\nkind = \"text\"\ntext = \"{hh}:{mm}:{ss}\"\n";
    let e = engine(128, 16, body);
    let state = e.frame_state(3725 * 60);
    assert_eq!(state.widgets[0].text.as_deref(), Some("01:02:05"));
    let state = e.frame_state(u64::MAX);
    assert!(
        state.widgets[0]
            .text
            .as_deref()
            .unwrap()
            .ends_with(":31:00"),
        "{:?}",
        state.widgets[0].text
    );
}

#[test]
fn rect_outline_and_fill() {
    let body = r#"
[[widgets]]
kind = "rect"
x = 1
y = 1
w = 6
h = 5
[[widgets]]
kind = "rect"
x = 8
y = 1
w = 6
h = 5
fill = true
"#;
    assert_frame(
        &render(16, 8, body, 0),
        "
        ................
        .######.######..
        .#....#.######..
        .#....#.######..
        .#....#.######..
        .######.######..
        ................
        ................
        ",
    );
}

#[test]
fn thick_outline_stays_inside_the_box() {
    let body = "[[widgets]]\nkind = \"rect\"\nx = 1\ny = 1\nw = 10\nh = 6\nstroke = 2\n";
    assert_frame(
        &render(16, 8, body, 0),
        "
        ................
        .##########.....
        .##########.....
        .##......##.....
        .##......##.....
        .##########.....
        .##########.....
        ................
        ",
    );
}

#[test]
fn rounded_rect_filled_and_outlined() {
    let body = r#"
[[widgets]]
kind = "rect"
x = 1
w = 10
h = 8
radius = 3
fill = true
[[widgets]]
kind = "rect"
x = 12
w = 8
h = 7
radius = 2
"#;
    assert_frame(
        &render(24, 8, body, 0),
        "
        ..########...######.....
        .##########.#......#....
        .##########.#......#....
        .##########.#......#....
        .##########.#......#....
        .##########.#......#....
        .##########..######.....
        ..########..............
        ",
    );
}

#[test]
fn line_bresenham() {
    let body = r#"
[[widgets]]
kind = "line"
x = 0
y = 0
w = 6
h = 3
[[widgets]]
kind = "line"
x = 9
y = 7
w = 0
h = -7
[[widgets]]
kind = "line"
x = 11
y = 0
w = 4
h = 4
stroke = 2
"#;
    assert_frame(
        &render(16, 8, body, 0),
        "
        ##.......#.##...
        ..##.....#..##..
        ....##...#...##.
        ......#..#....##
        .........#.....#
        .........#......
        .........#......
        .........#......
        ",
    );
}

#[test]
fn circle_and_ellipse_outlines() {
    let body = r#"
[[widgets]]
kind = "ellipse"
x = 1
y = 1
w = 12
h = 6
[[widgets]]
kind = "circle"
x = 15
y = 1
w = 5
[[widgets]]
kind = "circle"
x = 22
w = 0
"#;
    assert_frame(
        &render(24, 8, body, 0),
        "
        ........................
        ....######......###.....
        ..##......##...##.##....
        .#..........#..#...#....
        .#..........#..##.##....
        ..##......##....###.....
        ....######..............
        ........................
        ",
    );
}

#[test]
fn filled_ellipse_and_circle() {
    let body = r#"
[[widgets]]
kind = "ellipse"
y = 1
w = 9
h = 5
fill = true
[[widgets]]
kind = "circle"
x = 12
w = 7
fill = true
"#;
    assert_frame(
        &render(24, 8, body, 0),
        "
        ..............###.......
        ..#####......#####......
        #########...#######.....
        #########...#######.....
        #########...#######.....
        ..#####......#####......
        ..............###.......
        ........................
        ",
    );
}

#[test]
fn bitmap_ascii_art_and_pbm() {
    let body = r##"
[[widgets]]
kind = "bitmap"
x = 1
y = 1
bitmap = """
#..#
.##.
#..#
"""
[[widgets]]
kind = "bitmap"
x = 8
y = 2
bitmap = "P1\n# a comment\n3 2\n1 0 1\n011\n"
"##;
    assert_frame(
        &render(16, 8, body, 0),
        "
        ................
        .#..#...........
        ..##....#.#.....
        .#..#....##.....
        ................
        ................
        ................
        ................
        ",
    );
}

#[test]
fn bitmap_across_page_boundaries() {
    // 3 rows starting at y = 6: the blit must split each column over pages 0 and 1.
    let body =
        "[[widgets]]\nkind = \"bitmap\"\nx = 2\ny = 6\nbitmap = \"\"\"\n##.\n.##\n#.#\n\"\"\"\n";
    let f = render(8, 16, body, 0);
    assert_window(
        &f,
        0,
        5,
        "
        ........
        ..##....
        ...##...
        ..#.#...
        ........
        ",
    );
    assert_eq!(f.lit(), 6);
}

#[test]
fn progress_bar_with_and_without_outline() {
    let body = r#"
[[widgets]]
kind = "progress"
w = 12
h = 4
value = 50
[[widgets]]
kind = "progress"
y = 5
w = 12
h = 3
value = 100
stroke = 0
min = 0
max = 200
"#;
    assert_frame(
        &render(16, 8, body, 0),
        "
        ############....
        ######.....#....
        ######.....#....
        ############....
        ................
        ######..........
        ######..........
        ######..........
        ",
    );
}

#[test]
fn progress_value_is_clamped_to_its_range() {
    let body = "[[widgets]]\nkind = \"progress\"\nw = 8\nh = 3\nvalue = 900\n[[widgets]]\nkind = \"progress\"\ny = 4\nw = 8\nh = 3\nvalue = -5\n";
    assert_frame(
        &render(8, 8, body, 0),
        "
        ########
        ########
        ########
        ........
        ########
        #......#
        ########
        ........
        ",
    );
}

#[test]
fn sparkline_of_a_wave() {
    let body = r#"
[[widgets]]
kind = "sparkline"
w = 16
h = 8
series = { wave = { shape = "triangle", period = 14, min = 0, max = 7 } }
"#;
    assert_frame(
        &render(16, 8, body, 0),
        "
        .......#........
        ......#.#.......
        .....#...#......
        ....#.....#.....
        ...#.......#....
        ..#.........#...
        .#...........#.#
        #.............#.
        ",
    );
}

fn spark_input_engine() -> tinydisplay::Engine {
    let body = r#"
[inputs]
cpu = { default = 0, min = 0, max = 7 }
[[widgets]]
kind = "sparkline"
w = 6
h = 8
series = { input = "cpu" }
"#;
    let mut e = engine(8, 8, body);
    for (tick, v) in [(1, 0), (2, 7), (3, 3), (4, 5), (9, 1)] {
        e.push_event(Event::new(tick, "cpu", Value::Int(v)))
            .unwrap();
    }
    e
}

#[test]
fn sparkline_of_an_input_history_grows_from_the_right() {
    let e = spark_input_engine();
    assert_eq!(e.frame_state(4).widgets[0].samples, vec![0, 7, 3, 5]);
    assert_frame(
        &e.render(4),
        "
        ...#....
        ...#....
        ...#.#..
        ...##...
        ..#.#...
        ..#.....
        ..#.....
        ..#.....
        ",
    );
    assert_frame(
        &e.render(2),
        "
        .....#..
        .....#..
        .....#..
        .....#..
        ....#...
        ....#...
        ....#...
        ....#...
        ",
    );
    // Nothing before the first event; a single sample is one dot.
    assert_eq!(e.render(0).lit(), 0);
    assert_eq!(e.render(1).lit(), 1);
    assert!(e.render(1).pixel(5, 7));
}

#[test]
fn marquee_scrolls_left_and_wraps_with_its_gap() {
    // "AB" in 4x6 is 8 px (4 px per character, spacing included) plus a gap of 2: period 10.
    let body = r#"
[[widgets]]
kind = "marquee"
x = 2
y = 1
w = 12
h = 6
text = "AB"
font = "4x6"
gap = 2
"#;
    let e = engine(16, 8, body);
    assert_frame(
        &e.render(0),
        "
        ................
        .....#..##......
        ....#.#.#.#.....
        ....###.##......
        ....#.#.#.#.....
        ....#.#.##......
        ................
        ................
        ",
    );
    assert_frame(
        &e.render(3),
        "
        ................
        ..#..##.....#...
        ...#.#.#...#.#..
        ..##.##....###..
        ...#.#.#...#.#..
        ...#.##....#.#..
        ................
        ................
        ",
    );
    for t in 0..40 {
        assert_eq!(e.render(t), e.render(t + 10), "period 10 at tick {t}");
        assert!(
            lit_outside(&e.render(t), 2, 1, 12, 6).is_empty(),
            "drawn outside its box at tick {t}"
        );
    }
    assert_ne!(e.render(0), e.render(5));
}

#[test]
fn marquee_speed_every_and_negative_speed() {
    let body = |speed: i32, every: i32| {
        format!("[[widgets]]\nkind = \"marquee\"\nw = 16\nh = 6\ntext = \"AB\"\nfont = \"4x6\"\ngap = 2\nspeed = {speed}\nevery = {every}\n")
    };
    let base = engine(16, 8, &body(1, 1));
    let fast = engine(16, 8, &body(2, 1));
    let slow = engine(16, 8, &body(1, 3));
    let back = engine(16, 8, &body(-1, 1));
    for t in 0..30u64 {
        assert_eq!(fast.render(t), base.render(2 * t));
        assert_eq!(slow.render(t), base.render(t / 3));
        // Scrolling right by t is scrolling left by (period - t mod period).
        assert_eq!(back.render(t), base.render((10 - t % 10) % 10));
    }
}

#[test]
fn sprite_cycles_its_frames() {
    let body = "[[widgets]]\nkind = \"sprite\"\nx = 1\ny = 1\nframes = [\"#.\\n.#\", \".#\\n#.\", \"##\\n##\"]\n";
    let e = engine(8, 8, body);
    let pics = ["#.\n.#", ".#\n#.", "##\n##"];
    for t in 0..9u64 {
        assert_window(&e.render(t), 1, 1, pics[(t % 3) as usize]);
        assert_eq!(e.render(t).lit(), [2, 2, 4][(t % 3) as usize]);
    }
    let slow = engine(8, 8, &format!("{body}frame_ticks = 4\n"));
    assert_window(&slow.render(3), 1, 1, pics[0]);
    assert_window(&slow.render(4), 1, 1, pics[1]);
}

#[test]
fn group_clips_children_orders_by_z_and_inverts() {
    let body = r#"
[[widgets]]
kind = "group"
x = 2
y = 1
w = 8
h = 5
invert = true
[[widgets.children]]
kind = "rect"
x = 4
y = 2
w = 8
h = 8
fill = true
z = 1
[[widgets.children]]
kind = "rect"
x = -1
y = -1
w = 4
h = 4
"#;
    assert_frame(
        &render(16, 8, body, 0),
        "
        ................
        ..##.#####......
        ..##.#####......
        .....#..........
        ..####..........
        ..####..........
        ................
        ................
        ",
    );
}

#[test]
fn group_without_clip_lets_children_out() {
    let body = r#"
[[widgets]]
kind = "group"
x = 2
y = 2
w = 2
h = 2
clip = false
[[widgets.children]]
kind = "rect"
w = 5
h = 3
fill = true
"#;
    let f = render(8, 8, body, 0);
    assert_window(&f, 2, 2, "#####\n#####\n#####");
    assert_eq!(f.lit(), 15);
}

#[test]
fn z_order_beats_file_order() {
    // The "off" rect is first in the file but has the higher z, so it is drawn last and cuts a
    // hole into the filled one.
    let body = r#"
[[widgets]]
kind = "rect"
x = 2
y = 2
w = 2
h = 2
fill = true
mode = "off"
z = 2
[[widgets]]
kind = "rect"
w = 6
h = 6
fill = true
z = 1
"#;
    assert_frame(
        &render(8, 8, body, 0),
        "
        ######..
        ######..
        ##..##..
        ##..##..
        ######..
        ######..
        ........
        ........
        ",
    );
}

#[test]
fn off_and_xor_modes() {
    let body = r#"
[[widgets]]
kind = "rect"
w = 10
h = 8
fill = true
[[widgets]]
kind = "rect"
x = 2
y = 1
w = 4
h = 3
fill = true
mode = "off"
[[widgets]]
kind = "rect"
x = 7
y = 2
w = 6
h = 4
fill = true
mode = "xor"
[[widgets]]
kind = "text"
x = 11
y = 0
text = "."
font = "4x6"
invert = true
"#;
    assert_frame(
        &render(16, 8, body, 0),
        "
        ##########......
        ##....####......
        ##....#...###...
        ##....#...###...
        #######...##....
        #######...###...
        ##########......
        ##########......
        ",
    );
}

#[test]
fn dither_opacity_levels() {
    let pic = |o: i32| {
        let body = format!(
            "[[widgets]]\nkind = \"rect\"\nw = 8\nh = 8\nfill = true\nopacity = {o}\n[[widgets]]\nkind = \"circle\"\nx = 8\nw = 8\nfill = true\nopacity = {o}\n"
        );
        render(16, 8, &body, 0)
    };
    assert_frame(
        &pic(4),
        "
        #.#.#.#...#.#...
        ................
        #.#.#.#.#.#.#.#.
        ................
        #.#.#.#.#.#.#.#.
        ................
        #.#.#.#...#.#.#.
        ................
        ",
    );
    assert_frame(
        &pic(12),
        "
        ########..####..
        .#.#.#.#.#.#.#..
        ################
        .#.#.#.#.#.#.#.#
        ################
        .#.#.#.#.#.#.#.#
        ########.######.
        .#.#.#.#...#.#..
        ",
    );
    assert_eq!(pic(0).lit(), 0);
    assert_eq!(
        pic(16).lit(),
        64 + render(
            8,
            8,
            "[[widgets]]\nkind = \"circle\"\nw = 8\nfill = true\n",
            0
        )
        .lit()
    );
    // Each level lights a superset of the level below.
    for o in 0..16 {
        let (lo, hi) = (pic(o), pic(o + 1));
        for (a, b) in lo.as_bytes().iter().zip(hi.as_bytes()) {
            assert_eq!(
                a & !b,
                0,
                "opacity {o} lights a pixel that {} does not",
                o + 1
            );
        }
        assert_eq!(
            render(
                8,
                8,
                &format!(
                    "[[widgets]]\nkind = \"rect\"\nw = 8\nh = 8\nfill = true\nopacity = {o}\n"
                ),
                0
            )
            .lit(),
            4 * o as u32
        );
    }
}

#[test]
fn dither_applies_to_text_and_bitmaps() {
    let body = "[[widgets]]\nkind = \"bitmap\"\nopacity = 8\nbitmap = \"\"\"\n####\n####\n\"\"\"\n";
    assert_window(&render(8, 8, body, 0), 0, 0, "#.#.\n.#.#");
}

#[test]
fn opacity_track_fades_in_and_group_opacity_is_inherited() {
    let body = r#"
[[widgets]]
kind = "group"
w = 8
h = 8
animate = [{ prop = "opacity", keys = [{ t = 0, v = 0 }, { t = 16, v = 16 }] }]
[[widgets.children]]
kind = "rect"
w = 8
h = 8
fill = true
"#;
    let e = engine(8, 8, body);
    for t in 0..=16u32 {
        assert_eq!(e.render(u64::from(t)).lit(), 4 * t, "tick {t}");
    }
}

#[test]
fn visible_and_invert_tracks_switch_at_keyframes() {
    let body = r#"
[[widgets]]
kind = "rect"
w = 2
h = 2
fill = true
animate = [
  { prop = "visible", keys = [{ t = 0, v = 1 }, { t = 10, v = 0 }, { t = 20, v = 1 }] },
]
[[widgets]]
kind = "rect"
x = 4
w = 2
h = 2
fill = true
animate = [{ prop = "invert", keys = [{ t = 0, v = 0 }, { t = 10, v = 1 }] }]
[[widgets]]
kind = "rect"
x = 4
w = 4
h = 2
fill = true
z = -1
"#;
    let e = engine(8, 8, body);
    for t in 0..30u64 {
        let f = e.render(t);
        assert_eq!(f.pixel(0, 0), !(10..20).contains(&t), "visible at tick {t}");
        // The inverted rect punches a hole in the one below it.
        assert_eq!(f.pixel(4, 0), t < 10, "invert at tick {t}");
        assert!(f.pixel(6, 0));
    }
}

#[test]
fn clipping_at_the_panel_edges() {
    let body = r#"
[[widgets]]
kind = "rect"
x = -3
y = -2
w = 8
h = 6
[[widgets]]
kind = "circle"
x = 12
y = 5
w = 6
fill = true
[[widgets]]
kind = "text"
x = -2
y = 10
font = "4x6"
text = "AB"
[[widgets]]
kind = "line"
x = -4
y = 18
w = 24
h = -4
"#;
    assert_frame(
        &render(16, 16, body, 0),
        "
        ....#...........
        ....#...........
        ....#...........
        #####...........
        ................
        .............###
        ............####
        ............####
        ............####
        ............####
        ..##.........###
        #.#.#...........
        #.##............
        #.#.#...........
        #.##............
        ............####
        ",
    );
}

#[test]
fn animated_position_with_easing_and_yoyo() {
    let body = r#"
[[widgets]]
kind = "rect"
w = 1
h = 1
fill = true
animate = [{ prop = "x", keys = [{ t = 0, v = 0 }, { t = 10, v = 10 }], repeat = "forever", yoyo = true }]
"#;
    let e = engine(16, 8, body);
    for t in 0..=40u64 {
        let phase = t % 20;
        let expect = if phase <= 10 { phase } else { 20 - phase } as i32;
        assert!(
            e.render(t).pixel(expect, 0),
            "tick {t}: expected x = {expect}\n{:?}",
            e.render(t)
        );
        assert_eq!(e.render(t).lit(), 1);
    }
}

// Giant shapes, clipped analytically: the pixels that reach the panel, and a work count that
// follows the panel, not the shape (the raster's unit tests compare the same rasterizers with
// embedded-graphics pixel for pixel where embedded-graphics does not overflow).

#[test]
fn giant_circle_edge() {
    // A filled circle of diameter 32767 whose left edge is at x = 10: over 8 rows its edge is straight.
    let e = engine(
        24,
        8,
        r#"
[[widgets]]
kind = "circle"
x = 10
y = -16380
w = 32767
fill = true
"#,
    );
    let f = bounded_frame(&e);
    assert_frame(
        &f,
        "
        ..........##############
        ..........##############
        ..........##############
        ..........##############
        ..........##############
        ..........##############
        ..........##############
        ..........##############
        ",
    );
}

#[test]
fn giant_rounded_rect_corner() {
    // A 32767x32767 filled rectangle whose rounded (radius 9) bottom-right corner is at (20, 12).
    let e = engine(
        24,
        16,
        r#"
[[widgets]]
kind = "rect"
x = -32747
y = -32755
w = 32767
h = 32767
radius = 9
fill = true
"#,
    );
    let f = bounded_frame(&e);
    assert_frame(
        &f,
        "
        ####################....
        ####################....
        ####################....
        ####################....
        ####################....
        ####################....
        ###################.....
        ###################.....
        ##################......
        #################.......
        ################........
        ##############..........
        ........................
        ........................
        ........................
        ........................
        ",
    );
}

#[test]
fn giant_rounded_outline() {
    // A 32767x32767 outline with radius 32767 (confined to 16383) and stroke 3: the bottom of its arc.
    let e = engine(
        24,
        16,
        r#"
[[widgets]]
kind = "rect"
x = -16370
y = -32755
w = 32767
h = 32767
radius = 32767
stroke = 3
"#,
    );
    let f = bounded_frame(&e);
    assert_frame(
        &f,
        "
        ........................
        ........................
        ........................
        ........................
        ........................
        ........................
        ........................
        ........................
        ........................
        ########################
        ########################
        ########################
        ........................
        ........................
        ........................
        ........................
        ",
    );
}

#[test]
fn lines_across_the_whole_range() {
    // A thin line from (-32767, -32765) ends at (0, 2), the only pixel on the panel; a 3-wide line
    // from (32767, -16371) to (0, 16012) crosses the panel at half a pixel per column.
    let e = engine(
        24,
        16,
        r#"
[[widgets]]
kind = "line"
x = -32767
y = -32765
w = 32767
h = 32767

[[widgets]]
kind = "line"
x = 32767
y = -16371
w = -32767
h = 16383
stroke = 3
"#,
    );
    let f = bounded_frame(&e);
    assert_frame(
        &f,
        "
        ......................##
        ....................####
        #.................######
        ................######..
        ..............######....
        ............######......
        ..........######........
        ........######..........
        ......######............
        ....######..............
        ..######................
        ######..................
        ####....................
        ##......................
        ........................
        ........................
        ",
    );
}

#[test]
fn animated_giant_ellipse() {
    // An ellipse animated to 32767x32000 (beyond embedded-graphics' u32 range, and beyond the
    // validator's limit for static sizes), stroke 2: its right edge at x = 15..=16.
    let e = engine(
        24,
        16,
        r#"
[[widgets]]
kind = "ellipse"
x = -32750
y = -15990
w = 2
h = 3
stroke = 2
animate = [{ prop = "w", keys = [{ t = 0, v = 32767 }] }, { prop = "h", keys = [{ t = 0, v = 32000 }] }]
"#,
    );
    let f = bounded_frame(&e);
    assert_frame(
        &f,
        "
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ...............##.......
        ",
    );
}

#[test]
fn long_text_far_left() {
    // 156 characters starting 590 pixels left of the panel: 147 are skipped without drawing, the
    // 148th ('R') is cut by the left edge.
    let e = engine(
        24,
        8,
        r#"
[[widgets]]
kind = "text"
x = -32767
text = "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ"
font = "4x6"
animate = [{ prop = "x", keys = [{ t = 0, v = -590 }] }]
"#,
    );
    let f = bounded_frame(&e);
    assert_frame(
        &f,
        "
        ...##.###.#.#.#.#.#.#.#.
        #.#....#..#.#.#.#.#.#.#.
        ...#...#..#.#.#.#.###..#
        #...#..#..#.#.###.###.#.
        #.##...#..###..#..#.#.#.
        ........................
        ........................
        ........................
        ",
    );
}

/// Tick 0 of `e` through the work counter: the same frame as `render`, and within the documented
/// work bound for the panel's bytes.
fn bounded_frame(e: &tinydisplay::Engine) -> tinydisplay::Frame {
    let mut f = tinydisplay::Frame::new(e.width(), e.height());
    let stats = e.render_counting(0, &mut f);
    assert_eq!(f, e.render(0));
    let panel_bytes = u64::from(e.width()) * u64::from(e.height()) / 8;
    assert!(stats.within_bound(panel_bytes), "{stats:?}");
    f
}
