//! Load time of the largest legal picture: a 2048x2048 PNG (`MAX_IMAGE_PIXELS`, under
//! `MAX_ASSET_BYTES`), decoded, then compiled into a 128x64 image widget (area resampling and
//! each dither). `cargo bench -p tinydisplay-assets`.
use criterion::{criterion_group, criterion_main, Criterion};
use tinydisplay::limits::{MAX_ASSET_BYTES, MAX_IMAGE_PIXELS};

/// A smooth RGB gradient with a few rings: compresses well enough to stay under the file limit.
fn largest_png() -> Vec<u8> {
    let side = 2048u32;
    assert_eq!(u64::from(side) * u64::from(side), MAX_IMAGE_PIXELS);
    let mut rgb = Vec::with_capacity((side * side * 3) as usize);
    for y in 0..side {
        for x in 0..side {
            let (dx, dy) = (i64::from(x) - 1024, i64::from(y) - 1024);
            let ring = ((dx * dx + dy * dy) / 4096 % 64) as u8;
            rgb.extend_from_slice(&[(x / 8) as u8, (y / 8) as u8, ring * 4]);
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side, side);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::High);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&rgb).unwrap();
    }
    assert!(out.len() <= MAX_ASSET_BYTES, "{} bytes", out.len());
    out
}

fn bench(c: &mut Criterion) {
    let png = largest_png();
    let mut g = c.benchmark_group("largest_image");
    g.sample_size(10);
    g.bench_function("decode 2048x2048 png", |b| {
        b.iter(|| tinydisplay_assets::decode_image("big.png", &png).unwrap())
    });
    for dither in ["threshold", "bayer", "floyd_steinberg", "atkinson"] {
        let scene = format!(
            "display = {{ width = 128, height = 64 }}\n[[widgets]]\nkind = \"image\"\nsrc = \"big.png\"\nw = 128\nh = 64\ndither = \"{dither}\"\n"
        );
        g.bench_function(format!("load_scene 128x64 {dither}"), |b| {
            b.iter(|| {
                tinydisplay_assets::load_scene("big.toml", scene.as_bytes(), &|_| Ok(png.clone()))
                    .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
