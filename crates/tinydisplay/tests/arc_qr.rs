//! Arcs, pie sectors, lines by angle and QR codes: pictures as ASCII art, arcs and sectors
//! against embedded-graphics' own `Arc` and `Sector` (drawn here, where floats may build its
//! angles; the engine never does), QR codes decoded back by a QR reader.
mod common;

use common::{assert_window, engine, lit_outside, render};
use embedded_graphics::geometry::AngleUnit;
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    Arc, PrimitiveStyle, PrimitiveStyleBuilder, Sector, StrokeAlignment,
};
use tinydisplay::scene::Value;
use tinydisplay::{Engine, Event, Frame};

/// A plain pixel buffer for embedded-graphics to draw into.
struct Pixels {
    w: i32,
    h: i32,
    lit: Vec<bool>,
}

impl OriginDimensions for Pixels {
    fn size(&self) -> Size {
        Size::new(self.w as u32, self.h as u32)
    }
}

impl DrawTarget for Pixels {
    type Color = BinaryColor;
    type Error = core::convert::Infallible;
    fn draw_iter<I: IntoIterator<Item = Pixel<BinaryColor>>>(
        &mut self,
        it: I,
    ) -> Result<(), Self::Error> {
        for Pixel(p, c) in it {
            if c.is_on() && p.x >= 0 && p.y >= 0 && p.x < self.w && p.y < self.h {
                self.lit[(p.y * self.w + p.x) as usize] = true;
            }
        }
        Ok(())
    }
}

fn same(frame: &Frame, px: &Pixels) -> bool {
    (0..px.h).all(|y| (0..px.w).all(|x| frame.pixel(x, y) == px.lit[(y * px.w + x) as usize]))
}

/// Every case is one tick of one engine whose arc is bound to inputs, so the scene loads once.
fn arc_engine(w: u32, h: u32, x: i32, y: i32, style: &str) -> Engine {
    engine(
        w,
        h,
        &format!(
            r#"
            [inputs]
            d = {{ default = 0 }}
            a = {{ default = 0 }}
            s = {{ default = 0 }}
            [[widgets]]
            kind = "arc"
            x = {x}
            y = {y}
            {style}
            bind = {{ w = "d", start = "a", sweep = "s" }}
            "#
        ),
    )
}

#[test]
fn arcs_and_sectors_match_embedded_graphics() {
    let (fw, fh) = (32, 24);
    let sweeps = [
        -360, -359, -300, -181, -180, -179, -135, -90, -46, -1, 1, 2, 30, 45, 89, 90, 91, 135, 179,
        180, 181, 225, 270, 300, 359, 360,
    ];
    let starts: Vec<i32> = (0..360)
        .step_by(15)
        .chain([1, 7, 44, 91, 179, 271, 359])
        .collect();
    let mut bad = Vec::new();
    let mut cases = 0;
    for (x, y) in [(2, 1), (-7, 5)] {
        for stroke in [None, Some(1), Some(2), Some(3), Some(6)] {
            let style = match stroke {
                None => "fill = true".to_string(),
                Some(s) => format!("stroke = {s}"),
            };
            let mut e = arc_engine(fw as u32, fh as u32, x, y, &style);
            let mut tick = 0u64;
            let mut planned = Vec::new();
            for d in (0..=23).chain([31]) {
                for &a in &starts {
                    for &s in &sweeps {
                        for (input, v) in [("d", d), ("a", a), ("s", s)] {
                            e.push_event(Event::new(tick, input, Value::Int(v.into())))
                                .unwrap();
                        }
                        planned.push((tick, d, a, s));
                        tick += 1;
                    }
                }
            }
            let mut frame = Frame::new(fw as u16, fh as u16);
            for (tick, d, a, s) in planned {
                e.render_into(tick, &mut frame);
                let mut px = Pixels {
                    w: fw,
                    h: fh,
                    lit: vec![false; (fw * fh) as usize],
                };
                let (p, dia) = (Point::new(x, y), d as u32);
                let (a0, sw) = ((a as f32).deg(), (s as f32).deg());
                let _ = match stroke {
                    None => Sector::new(p, dia, a0, sw)
                        .into_styled(PrimitiveStyle::with_fill(BinaryColor::On))
                        .draw(&mut px),
                    Some(st) => Arc::new(p, dia, a0, sw)
                        .into_styled(
                            PrimitiveStyleBuilder::new()
                                .stroke_color(BinaryColor::On)
                                .stroke_width(st)
                                .stroke_alignment(StrokeAlignment::Inside)
                                .build(),
                        )
                        .draw(&mut px),
                };
                cases += 1;
                if !same(&frame, &px) {
                    bad.push((x, y, stroke, d, a, s));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {cases} arcs differ from embedded-graphics, e.g. (x, y, stroke, d, start, sweep) {:?}",
        bad.len(),
        &bad[..bad.len().min(10)]
    );
}

#[test]
fn a_small_arc() {
    // A quarter from 3 o'clock clockwise to 6 o'clock: the bottom-right of a 9-pixel circle.
    let f = render(
        12,
        16,
        r#"[[widgets]]
        kind = "arc"
        x = 1
        y = 1
        w = 9
        start = 0
        sweep = 90"#,
        0,
    );
    assert_window(
        &f,
        0,
        0,
        "
        ............
        ............
        ............
        ............
        ............
        .........#..
        .........#..
        ........##..
        .......##...
        .....###....
        ............
        ............
        ",
    );
}

#[test]
fn a_pie() {
    // Three quarters filled, the top-right quarter (270 to 360 degrees) left out.
    let f = render(
        10,
        16,
        r#"[[widgets]]
        kind = "arc"
        x = 1
        y = 1
        w = 8
        start = 0
        sweep = 270
        fill = true"#,
        0,
    );
    assert_window(
        &f,
        0,
        0,
        "
        ..........
        ...###....
        ..####....
        .#####....
        .########.
        .########.
        .########.
        ..######..
        ...####...
        ..........
        ",
    );
}

#[test]
fn sweep_zero_draws_nothing_and_360_is_the_circle() {
    let arc = |sweep: i32, extra: &str| {
        render(
            16,
            16,
            &format!(
                "[[widgets]]\nkind = \"arc\"\nx = 2\ny = 2\nw = 11\nstart = 33\nsweep = {sweep}\n{extra}"
            ),
            0,
        )
    };
    assert!(lit_outside(&arc(0, ""), 0, 0, 0, 0).is_empty());
    assert!(lit_outside(&arc(0, "fill = true"), 0, 0, 0, 0).is_empty());
    let circle = render(
        16,
        16,
        "[[widgets]]\nkind = \"circle\"\nx = 2\ny = 2\nw = 11\nstroke = 2",
        0,
    );
    assert_eq!(arc(360, "stroke = 2"), circle);
    assert_eq!(arc(-360, "stroke = 2"), circle);
    // Sweeps beyond a turn are a full turn, starts are taken modulo 360.
    assert_eq!(arc(1000, "stroke = 2"), circle);
    assert_eq!(
        render(
            16,
            16,
            "[[widgets]]\nkind = \"arc\"\nx = 2\ny = 2\nw = 11\nstart = 400\nsweep = 90",
            0
        ),
        render(
            16,
            16,
            "[[widgets]]\nkind = \"arc\"\nx = 2\ny = 2\nw = 11\nstart = 40\nsweep = 90",
            0
        ),
    );
}

fn polar(angle: i32, length: i32) -> Frame {
    render(
        12,
        16,
        &format!("[[widgets]]\nkind = \"line\"\nx = 5\ny = 5\nangle = {angle}\nlength = {length}"),
        0,
    )
}

#[test]
fn lines_by_angle() {
    // 0 degrees points right (3 o'clock), 90 down, 45 between; angles grow clockwise.
    assert_window(
        &polar(0, 4),
        4,
        4,
        "
        ......
        .#####
        ......
    ",
    );
    assert_window(
        &polar(90, 4),
        4,
        4,
        "
        ...
        .#.
        .#.
        .#.
        .#.
        .#.
        ...
    ",
    );
    assert_window(
        &polar(45, 4),
        4,
        4,
        "
        ......
        .#....
        ..#...
        ...#..
        ....#.
        ......
    ",
    );
    // 4 * cos 45 = 2.83: the end rounds to (+3, +3).
    assert!(polar(45, 4).pixel(8, 8));
    assert!(lit_outside(&polar(45, 4), 5, 5, 4, 4).is_empty());
    // 270 points up, 180 left; -90 is 270.
    assert_eq!(polar(-90, 5), polar(270, 5));
    assert!(polar(270, 5).pixel(5, 0) && polar(180, 5).pixel(0, 5));
    // Length 0 is the pivot pixel, like a line from a point to itself.
    assert!(polar(123, 0).pixel(5, 5));
    assert_eq!(lit_outside(&polar(123, 0), 5, 5, 1, 1), vec![]);
}

#[test]
fn line_angle_is_animatable_and_bindable() {
    let mut e = engine(
        12,
        16,
        r#"
        [inputs]
        deg = { default = 0 }
        [[widgets]]
        kind = "line"
        x = 5
        y = 5
        length = 4
        bind = { angle = "deg" }
        "#,
    );
    assert_eq!(e.render(0), polar(0, 4));
    e.push_event(Event::new(5, "deg", Value::Int(90))).unwrap();
    assert_eq!(e.render(5), polar(90, 4));
    let animated = engine(
        12,
        16,
        r#"[[widgets]]
        kind = "line"
        x = 5
        y = 5
        length = 4
        animate = [{ prop = "angle", keys = [{ t = 0, v = 0 }, { t = 10, v = 180 }] }]"#,
    );
    assert_eq!(animated.render(5), polar(90, 4));
}

/// Decodes every QR code a QR reader finds in the frame (lit = light, as a phone sees an OLED).
fn decode(frame: &Frame) -> Vec<String> {
    let (w, h) = (usize::from(frame.width()), usize::from(frame.height()));
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        if frame.pixel(x as i32, y as i32) {
            255
        } else {
            0
        }
    });
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

#[test]
fn a_tiny_qr_code_reads_back() {
    // "HI" is a version-1 code: 21 modules and 4 of quiet zone each side, 29 pixels at 1 per module.
    let f = render(
        32,
        32,
        "[[widgets]]\nkind = \"qr\"\nw = 29\nh = 29\ntext = \"HI\"\necc = \"L\"",
        0,
    );
    // The top-left corner: quiet zone (lit), then the finder pattern's dark ring and light ring.
    assert_window(
        &f,
        0,
        0,
        "
        ############
        ############
        ############
        ############
        ####.......#
        ####.#####.#
        ####.#...#.#
        ####.#...#.#
        ####.#...#.#
        ####.#####.#
        ####.......#
        ############
    ",
    );
    assert_eq!(decode(&f), vec!["HI".to_string()]);
}

#[test]
fn a_templated_qr_code_reads_back_with_its_inputs() {
    let mut e = engine(
        128,
        64,
        r#"
        [inputs]
        ssid = { default = "home" }
        pass = { default = "secret" }
        [[widgets]]
        kind = "qr"
        x = 32
        w = 64
        h = 64
        text = "WIFI:T:WPA;S:{ssid};P:{pass};;"
        "#,
    );
    assert_eq!(decode(&e.render(0)), vec!["WIFI:T:WPA;S:home;P:secret;;"]);
    e.push_event(Event::new(3, "ssid", Value::Text("cafe-guest".into())))
        .unwrap();
    assert_eq!(
        decode(&e.render(3)),
        vec!["WIFI:T:WPA;S:cafe-guest;P:secret;;"]
    );
    // Nothing is drawn outside its box.
    assert!(lit_outside(&e.render(3), 32, 0, 64, 64).is_empty());
}

#[test]
fn a_negative_qr_code_lights_the_dark_modules() {
    let body = "[[widgets]]\nkind = \"qr\"\nw = 29\nh = 29\ntext = \"HI\"\necc = \"L\"";
    let pos = render(32, 32, body, 0);
    let neg = render(32, 32, &format!("{body}\nnegative = true"), 0);
    for y in 0..29 {
        for x in 0..29 {
            // Within the 29 x 29 code (the frame is 32 x 32).
            assert_ne!(pos.pixel(x, y), neg.pixel(x, y), "({x}, {y})");
        }
    }
}

#[test]
fn a_qr_text_too_long_for_its_box_draws_a_crossed_box() {
    let mut e = engine(
        16,
        16,
        r#"
        [inputs]
        t = { default = "x" }
        [[widgets]]
        kind = "qr"
        x = 2
        y = 1
        w = 12
        h = 10
        module = 1
        text = "{t}"
        "#,
    );
    // Module 1 draws the code at its size, centred on the box (larger than the box: clipped).
    assert!(!e.render(0).to_ascii().is_empty());
    e.push_event(Event::new(1, "t", Value::Text("y".repeat(3000))))
        .unwrap();
    assert_window(
        &e.render(1),
        0,
        0,
        "
        ................
        ..############..
        ..##........##..
        ..#.##....##.#..
        ..#...#..#...#..
        ..#....##....#..
        ..#....##....#..
        ..#...#..#...#..
        ..#.##....##.#..
        ..##........##..
        ..############..
        ................
        ",
    );
}

#[test]
fn a_constant_qr_text_that_cannot_fit_is_an_error() {
    let src = "display = { width = 64, height = 32 }\n[[widgets]]\nkind = \"qr\"\nw = 28\nh = 28\ntext = \"HI\"\n";
    let e = Engine::from_source("t.toml", src.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("t.toml:6:") && e.contains("does not fit a 28x28 box"),
        "{e}"
    );
    let long = "display = { width = 64, height = 32 }\n[[widgets]]\nkind = \"qr\"\nw = 28\nh = 28\nmodule = 1\ntext = \"".to_string()
        + &"a".repeat(600)
        + "\"\n";
    let e = Engine::from_source("t.toml", long.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("at most 256 bytes"), "{e}");
    let w_on_polar = "display = { width = 64, height = 32 }\n[[widgets]]\nkind = \"line\"\nw = 5\nangle = 30\nlength = 3\n";
    let e = Engine::from_source("t.toml", w_on_polar.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("t.toml:4:") && e.contains("remove `w`"), "{e}");
    let sweep_on_rect =
        "display = { width = 64, height = 32 }\n[[widgets]]\nkind = \"rect\"\nsweep = 5\n";
    let e = Engine::from_source("t.toml", sweep_on_rect.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("`sweep` does not apply to a rect widget"), "{e}");
}

/// Giant and far-off arcs, pies, needles and QR codes: each frame within the work bound, and
/// fast (the rows walked follow the panel, not the shape).
#[test]
fn giant_arcs_lines_and_qr_codes_stay_within_the_work_bound() {
    let cases = [
        "kind = \"arc\"\nx = -16000\ny = -100\nw = 32767\nstart = 170\nsweep = 30\nstroke = 64",
        "kind = \"arc\"\nx = -16000\ny = -100\nw = 32767\nstart = 170\nsweep = 300\nfill = true",
        "kind = \"arc\"\nx = -32767\ny = -32767\nw = 32767\nsweep = -359",
        "kind = \"line\"\nx = 64\ny = 32\nangle = 33\nlength = 32767\nstroke = 64",
        "kind = \"line\"\nx = -32767\ny = 32767\nangle = -45\nlength = 32767",
        "kind = \"qr\"\nx = -32767\ny = -32767\nw = 32767\nh = 32767\ntext = \"{tick}\"",
        "kind = \"qr\"\nw = 128\nh = 64\nmodule = 256\ntext = \"{tick}\"\nnegative = true",
        "kind = \"qr\"\nx = 30\nw = 0\nh = 0\nmodule = 1\necc = \"H\"\ntext = \"{tick} ................................................................................................................................................................................................................................................\"",
    ];
    for case in cases {
        let e = engine(128, 64, &format!("[[widgets]]\n{case}"));
        let start = std::time::Instant::now();
        for tick in [0, 1, 1_000_000_000, u64::MAX] {
            let mut f = Frame::new(128, 64);
            let stats = e.render_counting(tick, &mut f);
            assert_eq!(f, e.render(tick), "{case}");
            assert!(stats.within_bound(1024), "{case}: {stats:?}");
        }
        // Generous for a debug build on a shared machine; a walk of the whole shape took seconds.
        assert!(
            start.elapsed().as_secs() < 5,
            "{case}: {:?}",
            start.elapsed()
        );
    }
}

#[test]
fn a_constant_qr_text_encoded_once_draws_what_a_template_draws() {
    // The constant text is encoded at load time; the same text through an input every frame.
    let fixed = engine(
        64,
        64,
        "[[widgets]]\nkind = \"qr\"\nx = 3\nw = 61\nh = 50\ntext = \"http://10.0.0.7:8080\"",
    );
    let live = engine(
        64,
        64,
        "[inputs]\nip = { default = \"10.0.0.7\" }\n[[widgets]]\nkind = \"qr\"\nx = 3\nw = 61\nh = 50\ntext = \"http://{ip}:8080\"",
    );
    assert_eq!(fixed.render(0), live.render(0));
    assert_eq!(decode(&fixed.render(0)), vec!["http://10.0.0.7:8080"]);
    // A text track replaces the constant text: its keys are drawn, not the field.
    let tracked = engine(
        64,
        64,
        "[[widgets]]\nkind = \"qr\"\nw = 64\nh = 64\ntext = \"first\"\nanimate = [{ prop = \"text\", keys = [{ t = 0, v = \"first\" }, { t = 10, v = \"second\" }] }]",
    );
    assert_eq!(decode(&tracked.render(0)), vec!["first"]);
    assert_eq!(decode(&tracked.render(10)), vec!["second"]);
}

#[test]
fn frame_state_shows_arc_and_needle_angles() {
    let mut e = engine(
        32,
        32,
        r#"
        [inputs]
        v = { default = 10 }
        [[widgets]]
        kind = "arc"
        w = 20
        start = 90
        bind = { sweep = "v" }
        [[widgets]]
        kind = "line"
        length = 7
        bind = { angle = "v" }
        [[widgets]]
        kind = "line"
        w = 3
        "#,
    );
    e.push_event(Event::new(2, "v", Value::Int(45))).unwrap();
    let st = e.frame_state(2);
    let (arc, needle, plain) = (&st.widgets[0], &st.widgets[1], &st.widgets[2]);
    assert_eq!(
        (arc.start, arc.sweep, arc.angle),
        (Some(90), Some(45), None)
    );
    assert_eq!(
        (needle.angle, needle.length, needle.start),
        (Some(45), Some(7), None)
    );
    assert_eq!((plain.angle, plain.length), (None, None));
}

#[test]
fn bad_arc_qr_and_needle_fields_name_their_line() {
    let cases = [
        (
            "kind = \"qr\"\nw = 40\nh = 40\ntext = \"x\"\necc = \"X\"",
            "7:",
            "unknown variant",
        ),
        (
            "kind = \"qr\"\nw = 40\nh = 40\ntext = \"x\"\nmodule = 0",
            "7:",
            "1..=256",
        ),
        (
            "kind = \"qr\"\nw = 40\nh = 40",
            "",
            "a qr widget needs `text`",
        ),
        (
            "kind = \"arc\"\nw = 10\nsweep = 40000",
            "5:",
            "-32767..=32767",
        ),
        ("kind = \"line\"\nlength = -1", "4:", "0..=32767"),
        (
            "kind = \"circle\"\nw = 5\nstart = 3",
            "5:",
            "`start` does not apply to a circle widget",
        ),
        (
            "kind = \"arc\"\nw = 5\nnegative = true",
            "5:",
            "`negative` does not apply to an arc widget",
        ),
    ];
    for (body, line, what) in cases {
        let src = format!("display = {{ width = 64, height = 32 }}\n[[widgets]]\n{body}\n");
        let e = match Engine::from_source("t.toml", src.as_bytes()) {
            Ok(_) => panic!("loaded:\n{src}"),
            Err(e) => e.to_string(),
        };
        let at = format!("t.toml:{}", line);
        assert!(e.starts_with(&at) || line.is_empty(), "{e}\n{src}");
        assert!(e.contains(what), "{e}\n{src}");
    }
}
