//! Decoding, path safety, limits and bundles. Test files are encoded here with the `png` and
//! `gif` crates (or written byte by byte for BMP), so every expected value is known.
use std::cell::Cell;
use std::collections::BTreeMap;
use tinydisplay_assets::{
    check_path, decode_image, load_bundle, load_scene, make_bundle, AssetError, Bundle, BundleError,
};

fn png_bytes(w: u32, h: u32, color: png::ColorType, depth: png::BitDepth, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(depth);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(data).unwrap();
    }
    out
}

#[test]
fn png_rgba_to_integer_luma_and_alpha() {
    let data = [
        255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 255, 255, 255, 255,
    ];
    let img = decode_image(
        "a.png",
        &png_bytes(2, 2, png::ColorType::Rgba, png::BitDepth::Eight, &data),
    )
    .unwrap();
    assert_eq!((img.width, img.height, img.frames.len()), (2, 2, 1));
    // (77 R + 150 G + 29 B) >> 8: red 76, green 149, blue 28, white 255.
    assert_eq!(img.frames[0].luma, [76, 149, 28, 255]);
    assert_eq!(img.frames[0].alpha, [255, 128, 0, 255]);
}

#[test]
fn png_16_bit_grey_keeps_the_high_byte() {
    let data = [0x12, 0x34, 0xAB, 0xCD];
    let img = decode_image(
        "g.png",
        &png_bytes(
            2,
            1,
            png::ColorType::Grayscale,
            png::BitDepth::Sixteen,
            &data,
        ),
    )
    .unwrap();
    assert_eq!(img.frames[0].luma, [0x12, 0xAB]);
    assert_eq!(img.frames[0].alpha, [255, 255]);
}

#[test]
fn png_palette_with_transparency() {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 3, 1);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_palette(vec![0, 0, 0, 255, 255, 255, 100, 100, 100]);
        enc.set_trns(vec![255, 255, 0]);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(&[1, 0, 2]).unwrap();
    }
    let img = decode_image("p.png", &out).unwrap();
    assert_eq!(img.frames[0].luma, [255, 0, 100]);
    assert_eq!(img.frames[0].alpha, [255, 255, 0]);
}

/// A GIF from (left, top, w, h, pixels, delay, dispose) frames on a 4x1 screen; palette
/// 0 black, 1 white, 2 grey, 3 transparent.
fn gif_bytes(
    frames: &[(u16, u16, Vec<u8>, u16, gif::DisposalMethod)],
    repeat: Option<gif::Repeat>,
) -> Vec<u8> {
    let palette = [0, 0, 0, 255, 255, 255, 128, 128, 128, 0, 0, 0];
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, 4, 1, &palette).unwrap();
        if let Some(r) = repeat {
            enc.set_repeat(r).unwrap();
        }
        for (left, w, px, delay, dispose) in frames {
            let mut f = gif::Frame::from_indexed_pixels(*w, 1, px.clone(), Some(3));
            f.left = *left;
            f.delay = *delay;
            f.dispose = *dispose;
            enc.write_frame(&f).unwrap();
        }
    }
    out
}

#[test]
fn gif_frames_are_composited_by_disposal() {
    use gif::DisposalMethod::*;
    let bytes = gif_bytes(
        &[
            (0, 4, vec![2, 2, 2, 2], 5, Keep),
            // Only pixel 1 changes; the transparent one keeps what is below.
            (1, 2, vec![1, 3], 0, Background),
            // After "background" pixels 1..3 are transparent (alpha 0).
            (3, 1, vec![1], 1, Previous),
            // "previous" restored the canvas before frame 2.
            (0, 1, vec![0], 7, Keep),
        ],
        Some(gif::Repeat::Infinite),
    );
    let img = decode_image("a.gif", &bytes).unwrap();
    let luma: Vec<Vec<u8>> = img.frames.iter().map(|f| f.luma.clone()).collect();
    let alpha: Vec<Vec<u8>> = img.frames.iter().map(|f| f.alpha.clone()).collect();
    assert_eq!(
        luma,
        [
            vec![128, 128, 128, 128],
            vec![128, 255, 128, 128],
            vec![128, 0, 0, 255],
            vec![0, 0, 0, 128]
        ]
    );
    assert_eq!(
        alpha,
        [
            vec![255; 4],
            vec![255; 4],
            vec![255, 0, 0, 255],
            vec![255, 0, 0, 255]
        ]
    );
    // Delays in ms; 0 and 1 cs play as 10 cs, like browsers.
    let delays: Vec<u32> = img.frames.iter().map(|f| f.delay_ms).collect();
    assert_eq!(delays, [50, 100, 100, 70]);
    assert_eq!(img.loops, None);
}

#[test]
fn gif_loop_counts() {
    let two = |r| {
        let f = vec![(0, 4, vec![1, 1, 1, 1], 10, gif::DisposalMethod::Keep); 2];
        decode_image("a.gif", &gif_bytes(&f, r)).unwrap().loops
    };
    // NETSCAPE count n: n repeats after the first play; none: one play.
    assert_eq!(two(None), Some(1));
    assert_eq!(two(Some(gif::Repeat::Finite(2))), Some(3));
    assert_eq!(two(Some(gif::Repeat::Infinite)), None);
}

#[test]
fn gif_with_too_many_frames_is_refused() {
    let f = vec![(0, 4, vec![1, 1, 1, 1], 10, gif::DisposalMethod::Keep); 257];
    let e = decode_image("a.gif", &gif_bytes(&f, None)).unwrap_err();
    assert!(matches!(e, AssetError::TooLarge(_)), "{e}");
    assert!(e.to_string().contains("more than 256 frames"), "{e}");
}

/// A 2x2 24-bit BMP (rows stored bottom-up, padded to 4 bytes, BGR).
fn bmp_2x2() -> Vec<u8> {
    let mut b = Vec::new();
    let data_len = 2 * 8u32;
    b.extend_from_slice(b"BM");
    b.extend_from_slice(&(54 + data_len).to_le_bytes());
    b.extend_from_slice(&[0; 4]);
    b.extend_from_slice(&54u32.to_le_bytes());
    b.extend_from_slice(&40u32.to_le_bytes());
    b.extend_from_slice(&2i32.to_le_bytes());
    b.extend_from_slice(&2i32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&24u16.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    b.extend_from_slice(&data_len.to_le_bytes());
    b.extend_from_slice(&[0; 16]);
    // Bottom row: blue, white. Top row: red, black.
    b.extend_from_slice(&[255, 0, 0, 255, 255, 255, 0, 0]);
    b.extend_from_slice(&[0, 0, 255, 0, 0, 0, 0, 0]);
    b
}

#[test]
fn bmp_rows_come_out_top_first() {
    let img = decode_image("a.bmp", &bmp_2x2()).unwrap();
    assert_eq!((img.width, img.height), (2, 2));
    assert_eq!(img.frames[0].luma, [76, 0, 28, 255]);
}

#[test]
fn jpeg_and_unknown_formats_are_refused_with_the_reason() {
    let e = decode_image("photo.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap_err();
    assert!(matches!(e, AssetError::Unsupported(_)));
    assert!(
        e.to_string().contains("inverse DCT") && e.to_string().contains("convert it to PNG"),
        "{e}"
    );
    let e = decode_image("x.webp", b"RIFF....WEBP").unwrap_err();
    assert!(e.to_string().contains("not a PNG, GIF or BMP"), "{e}");
}

#[test]
fn sizes_are_checked_from_the_header_before_decoding() {
    // A valid header for 4097x1, then the data cut off: the size is refused, not the data.
    let full = png_bytes(
        4097,
        1,
        png::ColorType::Grayscale,
        png::BitDepth::Eight,
        &vec![0; 4097],
    );
    let e = decode_image("wide.png", &full[..40]).unwrap_err();
    assert!(matches!(e, AssetError::TooLarge(_)), "{e}");
    assert!(
        e.to_string().contains("at most 4096 pixels on a side"),
        "{e}"
    );
    // 2048 x 2049 is over MAX_IMAGE_PIXELS (4 Mi), again from the header alone.
    let big = png_bytes(
        2048,
        2049,
        png::ColorType::Grayscale,
        png::BitDepth::Eight,
        &vec![0; 2048 * 2049],
    );
    let e = decode_image("big.png", &big[..60]).unwrap_err();
    assert!(
        e.to_string().contains("at most 4194304 decoded pixels"),
        "{e}"
    );
    // Damaged data is an error, never a panic.
    let ok = png_bytes(
        4,
        4,
        png::ColorType::Grayscale,
        png::BitDepth::Eight,
        &[7; 16],
    );
    for cut in 0..ok.len() {
        let _ = decode_image("cut.png", &ok[..cut]);
    }
    let g = gif_bytes(
        &[(0, 4, vec![1, 1, 1, 1], 10, gif::DisposalMethod::Keep)],
        None,
    );
    for cut in 0..g.len() {
        let _ = decode_image("cut.gif", &g[..cut]);
    }
    let b = bmp_2x2();
    for cut in 0..b.len() {
        let _ = decode_image("cut.bmp", &b[..cut]);
    }
}

#[test]
fn paths_stay_inside_the_scene_directory() {
    for ok in ["logo.png", "img/logo.png", "./a.gif", "a..b.png"] {
        assert!(check_path(ok).is_ok(), "{ok}");
    }
    for bad in [
        "/etc/passwd",
        "..",
        "../a.png",
        "img/../../a.png",
        "img/../a.png",
        "http://x/a.png",
        "data:image/png;base64,AA",
        "C:/a.png",
        "c:a.png",
        "a\\b.png",
        "",
        "a\nb.png",
    ] {
        assert!(check_path(bad).is_err(), "{bad}");
    }
}

const SCENE: &str = "display = { width = 32, height = 8 }\n[[widgets]]\nkind = \"image\"\nsrc = \"dot.png\"\n[[widgets]]\nkind = \"image\"\nx = 8\nsrc = \"dot.png\"\n";

fn dot() -> Vec<u8> {
    png_bytes(
        2,
        2,
        png::ColorType::Grayscale,
        png::BitDepth::Eight,
        &[255; 4],
    )
}

#[test]
fn load_scene_reads_each_file_once_and_locates_errors() {
    let calls = Cell::new(0);
    let engine = load_scene("s.toml", SCENE.as_bytes(), &|p| {
        calls.set(calls.get() + 1);
        assert_eq!(p, "dot.png");
        Ok(dot())
    })
    .unwrap();
    assert_eq!(calls.get(), 1);
    assert_eq!(engine.render(0).lit(), 8);
    let e = load_scene("scenes/s.toml", SCENE.as_bytes(), &|_| {
        Err("No such file or directory (tried scenes/dot.png)".into())
    })
    .unwrap_err();
    assert_eq!(e.to_string(), "scenes/s.toml:4:7: widgets[0].src: cannot read asset \"dot.png\": No such file or directory (tried scenes/dot.png)");
    let evil = SCENE.replacen("dot.png", "../dot.png", 1);
    let e = load_scene("s.toml", evil.as_bytes(), &|_| panic!("never read")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("s.toml:4:7: widgets[0].src: asset path \"../dot.png\" uses `..`"),
        "{e}"
    );
    let e = load_scene("s.toml", SCENE.as_bytes(), &|_| Ok(vec![0; (1 << 20) + 1])).unwrap_err();
    assert!(
        e.to_string()
            .contains("an asset may be at most 1048576 bytes"),
        "{e}"
    );
    let e = load_scene("s.toml", SCENE.as_bytes(), &|_| {
        Ok(b"GIF89a broken".to_vec())
    })
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("s.toml:4:7: widgets[0].src: asset \"dot.png\": GIF:"),
        "{e}"
    );
    // A scene that names nothing never calls the resolver.
    let plain = load_scene("p.toml", b"display = { width = 8, height = 8 }", &|_| {
        panic!("no files")
    })
    .unwrap();
    assert_eq!(plain.width(), 8);
}

#[test]
fn the_scene_total_is_limited() {
    let mut scene = String::from("display = { width = 32, height = 8 }\n");
    for i in 0..5 {
        scene.push_str(&format!(
            "[[widgets]]\nkind = \"image\"\nsrc = \"f{i}.png\"\n"
        ));
    }
    let e = load_scene("s.toml", scene.as_bytes(), &|_| Ok(vec![0; 1 << 20])).unwrap_err();
    assert!(
        e.to_string().starts_with("s.toml:16:7: widgets[4].src:"),
        "{e}"
    );
    assert!(
        e.to_string().contains("at most 4194304 bytes in all"),
        "{e}"
    );
}

#[test]
fn bundles_round_trip_and_refuse_changes() {
    let json = make_bundle("s.toml", SCENE.as_bytes(), &|_| Ok(dot())).unwrap();
    let direct = load_scene("s.toml", SCENE.as_bytes(), &|_| Ok(dot())).unwrap();
    let bundled = load_bundle(json.as_bytes()).unwrap();
    assert_eq!(bundled.render(0), direct.render(0));
    assert_eq!(bundled.assets(), direct.assets());
    let b = Bundle::parse(json.as_bytes()).unwrap();
    assert_eq!(b.files.keys().collect::<Vec<_>>(), ["dot.png"]);
    assert!(tinydisplay_assets::bundle::is_bundle(json.as_bytes()));
    assert!(!tinydisplay_assets::bundle::is_bundle(SCENE.as_bytes()));

    // Changing a file's bytes (still valid base64) breaks the checksum.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["assets"]["dot.png"] = serde_json::Value::String("AAAA".into());
    let e = load_bundle(v.to_string().as_bytes()).unwrap_err();
    assert!(matches!(e, BundleError::Checksum { .. }), "{e}");
    assert!(e.to_string().contains("changed or damaged"), "{e}");
    // Reformatting does not: the checksum is over the contents, not the JSON.
    let pretty =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&json).unwrap()).unwrap();
    assert!(load_bundle(pretty.as_bytes()).is_ok());
    // A file missing from the bundle is located in the scene.
    let mut files = BTreeMap::new();
    files.insert("other.png".to_string(), dot());
    let b = Bundle {
        name: "s.toml".into(),
        text: SCENE.into(),
        files,
    };
    let e = load_bundle(b.to_json().as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "s.toml:4:7: widgets[0].src: cannot read asset \"dot.png\": it is not in the bundle"
    );
    for bad in ["{}", "[]", "{\"format\": \"zip\", \"version\": 1, \"scene\": {\"name\": \"a\", \"text\": \"\"}, \"checksum\": \"\"}", "not json"] {
        assert!(matches!(load_bundle(bad.as_bytes()), Err(BundleError::Invalid(_))), "{bad}");
    }
}

#[test]
fn example_scenes_load_the_same_from_files_and_bundles() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenes");
    for name in ["logo.toml", "gif.toml"] {
        let path = root.join(name);
        let bytes = std::fs::read(&path).unwrap();
        let resolver = tinydisplay_assets::dir_resolver(&path);
        let engine = load_scene(name, &bytes, &*resolver).unwrap_or_else(|e| panic!("{e}"));
        let json = make_bundle(name, &bytes, &*resolver).unwrap();
        let bundled = load_bundle(json.as_bytes()).unwrap();
        for t in [0, 7, 33, 100, 599, 1_000_000_007] {
            assert_eq!(engine.render(t), bundled.render(t), "{name} tick {t}");
        }
    }
}

#[allow(dead_code)]
mod generator {
    include!("../examples/make_assets.rs");
}

#[test]
fn the_example_assets_are_what_the_generator_writes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenes/assets");
    let how = "differs from the generator's output: run it again (tests/scenes/assets/README.md)";
    assert!(
        std::fs::read(root.join("logo.png")).unwrap() == generator::logo(),
        "logo.png {how}"
    );
    assert!(
        std::fs::read(root.join("spinner.gif")).unwrap() == generator::spinner(),
        "spinner.gif {how}"
    );
    assert!(
        std::fs::read(root.join("fonts/seg7.bdf")).unwrap() == generator::seg7(),
        "fonts/seg7.bdf {how}"
    );
}
