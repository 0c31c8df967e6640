//! Image widgets: dithering, alpha, scaling and GIF timing, as ASCII pictures (`#` lit, `.`
//! dark). The pictures are built in code (the engine takes decoded integers; file decoding is
//! tested in tinydisplay-assets).
mod common;
use common::{assert_window, lit_outside};
use tinydisplay::asset::{Assets, ImageAsset, ImageFrame};
use tinydisplay::Engine;

fn still(
    w: u32,
    h: u32,
    luma: impl Fn(u32, u32) -> u8,
    alpha: impl Fn(u32, u32) -> u8,
) -> ImageAsset {
    let mut l = Vec::new();
    let mut a = Vec::new();
    for y in 0..h {
        for x in 0..w {
            l.push(luma(x, y));
            a.push(alpha(x, y));
        }
    }
    ImageAsset {
        width: w,
        height: h,
        frames: vec![ImageFrame {
            luma: l,
            alpha: a,
            delay_ms: 0,
        }],
        loops: None,
    }
}

/// A 16x4 ramp: column `x` has luma `x * 17` (0, 17, ..., 255).
fn ramp() -> ImageAsset {
    still(16, 4, |x, _| (x * 17) as u8, |_, _| 255)
}

fn engine_with(
    width: u32,
    height: u32,
    tick_rate: u32,
    widget: &str,
    name: &str,
    img: ImageAsset,
) -> Engine {
    let src = format!(
        "display = {{ width = {width}, height = {height}, tick_rate = {tick_rate} }}\n[[widgets]]\nkind = \"image\"\nsrc = \"{name}\"\n{widget}"
    );
    let mut assets = Assets::default();
    assets.images.insert(name.into(), img);
    Engine::from_source_with_assets("test.toml", src.as_bytes(), assets)
        .unwrap_or_else(|e| panic!("scene does not load: {e}\n{src}"))
}

fn ramp_with(widget: &str) -> tinydisplay::Frame {
    engine_with(16, 8, 60, widget, "ramp.png", ramp()).render(0)
}

#[test]
fn threshold_lights_from_128() {
    let f = ramp_with("");
    assert_window(
        &f,
        0,
        0,
        "
        ........########
        ........########
        ........########
        ........########
    ",
    );
    assert!(lit_outside(&f, 0, 0, 16, 4).is_empty());
    let f = ramp_with("threshold = 200");
    assert_window(
        &f,
        0,
        0,
        "
        ............####
        ............####
        ............####
        ............####
    ",
    );
}

#[test]
fn bayer_ramp() {
    let f = ramp_with("dither = \"bayer\"");
    assert_window(
        &f,
        0,
        0,
        "
        ..#.#.#.########
        .....#.#.#.#####
        ..#.#.#.#.######
        .......#.#.#.###
    ",
    );
}

#[test]
fn floyd_steinberg_ramp() {
    let f = ramp_with("dither = \"floyd_steinberg\"");
    assert_window(
        &f,
        0,
        0,
        "
        ......#.#.######
        ....#.#.##.#####
        .....#..#.##.###
        ...#..#.#.######
    ",
    );
}

#[test]
fn atkinson_ramp() {
    let f = ramp_with("dither = \"atkinson\"");
    assert_window(
        &f,
        0,
        0,
        "
        .......##.######
        .....#..########
        .....##..#.#####
        .......###.#####
    ",
    );
}

#[test]
fn alpha_composites_onto_dark() {
    // White with an alpha ramp is the luma ramp: luma * alpha / 255.
    let img = still(16, 4, |_, _| 255, |x, _| (x * 17) as u8);
    let f = engine_with(16, 8, 60, "", "a.png", img).render(0);
    assert_window(
        &f,
        0,
        0,
        "
        ........########
        ........########
        ........########
        ........########
    ",
    );
}

#[test]
fn nearest_and_area_scaling() {
    // Thin lit columns (every other one): nearest keeps the samples under each centre (the dark
    // ones here), area averages each pair to 128 (lit at threshold 128).
    let stripes = || still(8, 2, |x, _| if x % 2 == 0 { 255 } else { 0 }, |_, _| 255);
    let near = engine_with(
        8,
        8,
        60,
        "w = 4\nh = 2\nscale = \"nearest\"",
        "s.png",
        stripes(),
    )
    .render(0);
    assert_window(
        &near,
        0,
        0,
        "
        ....
        ....
    ",
    );
    let area = engine_with(8, 8, 60, "w = 4\nh = 2", "s.png", stripes()).render(0);
    assert_window(
        &area,
        0,
        0,
        "
        ####
        ####
    ",
    );
    assert!(lit_outside(&area, 0, 0, 4, 2).is_empty());
    // Enlarging defaults to nearest: square pixels.
    let checker = still(
        2,
        2,
        |x, y| if (x + y) % 2 == 0 { 255 } else { 0 },
        |_, _| 255,
    );
    let big = engine_with(8, 8, 60, "w = 4\nh = 4", "c.png", checker).render(0);
    assert_window(
        &big,
        0,
        0,
        "
        ##..
        ##..
        ..##
        ..##
    ",
    );
}

fn animation(delays: &[u32], loops: Option<u32>) -> ImageAsset {
    let frames = delays
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let mut luma = vec![0u8; delays.len()];
            luma[i] = 255;
            ImageFrame {
                luma,
                alpha: vec![255; delays.len()],
                delay_ms: d,
            }
        })
        .collect();
    ImageAsset {
        width: delays.len() as u32,
        height: 1,
        frames,
        loops,
    }
}

/// The lit column at each tick in `ticks`, as a string of frame digits.
fn frames_over(e: &Engine, ticks: std::ops::Range<u64>) -> String {
    ticks
        .map(|t| {
            let f = e.render(t);
            let col = (0..8)
                .find(|&x| f.pixel(x, 0))
                .map_or('-', |x| char::from(b'0' + x as u8));
            assert_eq!(
                e.frame_state(t).widgets[0].frame.to_string(),
                col.to_string()
            );
            col
        })
        .collect()
}

#[test]
fn gif_frames_follow_delays_in_ticks() {
    // At 10 ticks/s: 100 ms -> 1 tick, 50 ms -> 0.5 rounds half up to 1, 240 ms -> 2.4 -> 2.
    let e = engine_with(8, 8, 10, "", "a.gif", animation(&[100, 50, 240], None));
    assert_eq!(frames_over(&e, 0..12), "012201220122");
    // Far ticks cost the same and stay on the cycle: 4_000_000_001 % 4 == 1.
    assert_eq!(frames_over(&e, 4_000_000_001..4_000_000_002), "1");
    // The file's loop count: two plays, then the last frame stays.
    let twice = engine_with(8, 8, 10, "", "a.gif", animation(&[100, 50, 240], Some(2)));
    assert_eq!(frames_over(&twice, 0..12), "012201222222");
    // The scene overrides it.
    let forever = engine_with(
        8,
        8,
        10,
        "loop = true",
        "a.gif",
        animation(&[100, 50, 240], Some(2)),
    );
    assert_eq!(frames_over(&forever, 8..12), "0122");
    let once = engine_with(
        8,
        8,
        10,
        "loop = false",
        "a.gif",
        animation(&[100, 50, 240], None),
    );
    assert_eq!(frames_over(&once, 0..8), "01222222");
    let three = engine_with(
        8,
        8,
        10,
        "loop = 3",
        "a.gif",
        animation(&[100, 50, 240], None),
    );
    assert_eq!(frames_over(&three, 8..14), "012222");
}

#[test]
fn invert_shows_the_negative() {
    let f = ramp_with("invert = true");
    assert_window(
        &f,
        0,
        0,
        "
        ########........
        ########........
        ########........
        ########........
    ",
    );
    assert!(lit_outside(&f, 0, 0, 16, 4).is_empty());
}

#[test]
fn image_errors_name_the_field() {
    let src = |w: &str| {
        format!("display = {{ width = 16, height = 8 }}\n[[widgets]]\nkind = \"image\"\n{w}\n")
    };
    let with_ramp = || {
        let mut a = Assets::default();
        a.images.insert("r.png".into(), ramp());
        a
    };
    let load = |w: &str| {
        Engine::from_source_with_assets("t.toml", src(w).as_bytes(), with_ramp())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        load(""),
        "t.toml:2:1: widgets[0].src: missing: an image widget needs `src`, a PNG, GIF or BMP file next to the scene"
    );
    assert_eq!(
        load("src = \"r.png\"\nthreshold = 300"),
        "t.toml:5:13: widgets[0].threshold: 300 is out of range: expected 0..=255"
    );
    assert_eq!(
        load("src = \"r.png\"\nloop = 0"),
        "t.toml:5:8: widgets[0].loop: expected true (forever), false (once) or a play count of at least 1"
    );
    assert!(load("src = \"r.png\"\ndither = \"ordered\"")
        .starts_with("t.toml:5:10: unknown variant `ordered`"));
    assert_eq!(
        load("src = \"r.png\"\nw = 2000"),
        "t.toml:5:5: widgets[0].w: the picture would be drawn 2000x500: at most 1024x1024 (set `w`/`h` to scale it down)"
    );
    assert_eq!(
        load("src = \"other.png\""),
        "t.toml:4:7: widgets[0].src: asset \"other.png\" was not loaded"
    );
    let rect =
        "display = { width = 16, height = 8 }\n[[widgets]]\nkind = \"rect\"\ndither = \"bayer\"\n";
    assert_eq!(
        Engine::from_source("t.toml", rect.as_bytes()).unwrap_err().to_string(),
        "t.toml:4:10: widgets[0].dither: `dither` does not apply to a rect widget (it applies to: image)"
    );
    // A malformed asset (from a script or a damaged snapshot) is an error, not a panic.
    let mut bad = ramp();
    bad.frames[0].alpha.pop();
    let mut a = Assets::default();
    a.images.insert("r.png".into(), bad);
    let e = Engine::from_source_with_assets("t.toml", src("src = \"r.png\"").as_bytes(), a)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("is malformed: frame 0 has 64 luma and 63 alpha bytes"),
        "{e}"
    );
}

#[test]
fn snapshots_carry_the_pictures() {
    let e = engine_with(8, 8, 10, "x = 2", "a.gif", animation(&[100, 50, 240], None));
    let (restored, tick) = Engine::restore(&e.snapshot(7)).unwrap();
    assert_eq!(restored.assets(), e.assets());
    for t in 0..12 {
        assert_eq!(restored.render(t), e.render(t));
    }
    assert_eq!(tick, 7);
}
