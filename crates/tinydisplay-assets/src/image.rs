//! Picture files to [`ImageAsset`]: 8-bit luma and alpha per pixel, every frame full-canvas.
//!
//! The format is told by the file's first bytes, not its name. Colour becomes luma by
//! `(77 R + 150 G + 29 B) >> 8` (BT.601 weights in 1/256ths; white stays 255), on the stored
//! sRGB values as they are (no gamma step: that would need floats or tables that differ from
//! what the file's author saw). Every step is integer, so every target gets the same bytes.
//!
//! The decoders are the field's crates: `png`, `gif` and `tinybmp` (all integer). What they do
//! not do is done here: compositing an animated GIF's frames by their disposal rules.

use crate::AssetError;
use std::io::Cursor;
use tinydisplay::asset::{ImageAsset, ImageFrame};
use tinydisplay::limits::{MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_SPRITE_FRAMES};

/// A GIF frame delay of 0 or 1 centiseconds shows for 10 (100 ms), as browsers do: many GIFs
/// are written with 0 meaning "the default speed".
pub const GIF_MIN_DELAY_CS: u16 = 2;
/// What a GIF delay below [`GIF_MIN_DELAY_CS`] becomes, in centiseconds.
pub const GIF_DEFAULT_DELAY_CS: u16 = 10;

/// Integer luma of an sRGB colour, 0..=255.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b)) >> 8) as u8
}

/// Decodes a PNG, GIF or BMP file. `path` only names the file in messages. Sizes are checked
/// against [`MAX_IMAGE_SIDE`] and [`MAX_IMAGE_PIXELS`] from the header, before decoding pixels.
///
/// ```
/// let err = tinydisplay_assets::decode_image("photo.jpg", &[0xFF, 0xD8, 0xFF, 0xE0]).unwrap_err();
/// assert!(err.to_string().contains("bit-identical"));
/// ```
pub fn decode_image(path: &str, bytes: &[u8]) -> Result<ImageAsset, AssetError> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        decode_gif(bytes)
    } else if bytes.starts_with(b"BM") {
        decode_bmp(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) || {
        let lower = path.to_ascii_lowercase();
        lower.ends_with(".jpg") || lower.ends_with(".jpeg")
    } {
        Err(AssetError::unsupported(
            "JPEG is not supported: JPEG decoders round the inverse DCT differently (between libraries, and between targets with and without SIMD), so the same file could give different pixels and frames could not be bit-identical everywhere; convert it to PNG",
        ))
    } else {
        Err(AssetError::unsupported(
            "not a PNG, GIF or BMP file (the format is told by the first bytes)",
        ))
    }
}

fn check_size(w: u32, h: u32, frames: u64) -> Result<(), AssetError> {
    if w == 0 || h == 0 {
        return Err(AssetError::invalid(format!("image is {w}x{h}: empty")));
    }
    if w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE {
        return Err(AssetError::too_large(format!(
            "image is {w}x{h}: at most {MAX_IMAGE_SIDE} pixels on a side"
        )));
    }
    let px = u64::from(w) * u64::from(h) * frames.max(1);
    if px > MAX_IMAGE_PIXELS {
        return Err(AssetError::too_large(if frames > 1 {
            format!(
                "image is {w}x{h} with {frames} or more frames, {px} pixels: at most {MAX_IMAGE_PIXELS} decoded pixels, all frames counted"
            )
        } else {
            format!("image is {w}x{h}, {px} pixels: at most {MAX_IMAGE_PIXELS} decoded pixels")
        }));
    }
    Ok(())
}

fn decode_png(bytes: &[u8]) -> Result<ImageAsset, AssetError> {
    let bad = |e: png::DecodingError| AssetError::invalid(format!("PNG: {e}"));
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    let (w, h) = {
        let info = decoder.read_header_info().map_err(bad)?;
        (info.width, info.height)
    };
    check_size(w, h, 1)?;
    // Palette and low-bit-depth grey to 8 bits, tRNS to an alpha channel, 16 bits to the high
    // byte: what is left is 8-bit G, GA, RGB or RGBA.
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(bad)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| AssetError::too_large("PNG: the decoded image does not fit in memory"))?;
    let mut buf = vec![0u8; size];
    // An APNG's first frame is its still image; its animation is not read.
    let out = reader.next_frame(&mut buf).map_err(bad)?;
    let (color, depth) = (out.color_type, out.bit_depth);
    if depth != png::BitDepth::Eight {
        return Err(AssetError::unsupported(format!(
            "PNG: bit depth {depth:?} after expansion"
        )));
    }
    let channels = color.samples();
    let stride = out.line_size;
    let n = (w * h) as usize;
    let (mut l, mut a) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for row in 0..h as usize {
        let line = buf
            .get(row * stride..row * stride + w as usize * channels)
            .ok_or_else(|| AssetError::invalid("PNG: short image data"))?;
        for px in line.chunks_exact(channels) {
            let (lv, av) = match color {
                png::ColorType::Grayscale => (px[0], 255),
                png::ColorType::GrayscaleAlpha => (px[0], px[1]),
                png::ColorType::Rgb => (luma(px[0], px[1], px[2]), 255),
                png::ColorType::Rgba => (luma(px[0], px[1], px[2]), px[3]),
                png::ColorType::Indexed => {
                    return Err(AssetError::unsupported("PNG: palette was not expanded"))
                }
            };
            l.push(lv);
            a.push(av);
        }
    }
    Ok(still(w, h, l, a))
}

fn still(width: u32, height: u32, luma: Vec<u8>, alpha: Vec<u8>) -> ImageAsset {
    ImageAsset {
        width,
        height,
        frames: vec![ImageFrame {
            luma,
            alpha,
            delay_ms: 0,
        }],
        loops: None,
    }
}

fn decode_bmp(bytes: &[u8]) -> Result<ImageAsset, AssetError> {
    use tinybmp::{Bmp, RawBmp};
    let bad = |e: tinybmp::ParseError| AssetError::invalid(format!("BMP: {e:?}"));
    // The header alone first: its size is checked before any pixel is read.
    let raw = RawBmp::from_slice(bytes).map_err(bad)?;
    let header = raw.header();
    let size = header.image_size;
    check_size(size.width, size.height, 1)?;
    // tinybmp takes the header's image data length as the truth, but uncompressed BMPs may
    // write 0 there (the format allows it): then it would see no pixels. For those, the length
    // is set from the size before parsing again.
    let stride = (size.width as usize * usize::from(header.bpp.bits())).div_ceil(32) * 4;
    let needed = stride * size.height as usize;
    let patched;
    let info_header = bytes
        .get(14..18)
        .is_some_and(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) >= 40);
    let bytes = if header.image_data_len == 0 && info_header {
        let mut b = bytes.to_vec();
        b[34..38].copy_from_slice(&(needed.min(u32::MAX as usize) as u32).to_le_bytes());
        patched = b;
        &patched[..]
    } else {
        bytes
    };
    let bmp = Bmp::<embedded_graphics_core::pixelcolor::Rgb888>::from_slice(bytes).map_err(bad)?;
    let (w, h) = (size.width as usize, size.height as usize);
    let (mut l, a) = (vec![0u8; w * h], vec![255u8; w * h]);
    use embedded_graphics_core::pixelcolor::RgbColor;
    let mut seen = 0usize;
    for p in bmp.pixels() {
        let (x, y) = (p.0.x, p.0.y);
        if x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h {
            l[y as usize * w + x as usize] = luma(p.1.r(), p.1.g(), p.1.b());
            seen += 1;
        }
    }
    if seen < w * h {
        return Err(AssetError::invalid(format!(
            "BMP: pixel data holds {seen} of the {} pixels",
            w * h
        )));
    }
    Ok(still(size.width, size.height, l, a))
}

fn decode_gif(bytes: &[u8]) -> Result<ImageAsset, AssetError> {
    let bad = |e: gif::DecodingError| AssetError::invalid(format!("GIF: {e}"));
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = opts.read_info(Cursor::new(bytes)).map_err(bad)?;
    let (w, h) = (u32::from(decoder.width()), u32::from(decoder.height()));
    check_size(w, h, 1)?;
    let (wu, hu) = (w as usize, h as usize);
    // The logical screen starts transparent (browsers ignore the background colour too).
    let mut canvas = vec![[0u8; 4]; wu * hu];
    let mut frames: Vec<ImageFrame> = Vec::new();
    while let Some(f) = decoder.read_next_frame().map_err(bad)? {
        if frames.len() >= MAX_SPRITE_FRAMES {
            return Err(AssetError::too_large(format!(
                "GIF has more than {MAX_SPRITE_FRAMES} frames: at most {MAX_SPRITE_FRAMES}"
            )));
        }
        check_size(w, h, frames.len() as u64 + 1)?;
        let saved = (f.dispose == gif::DisposalMethod::Previous).then(|| canvas.clone());
        // The frame's rectangle, clipped to the screen.
        let (fl, ft) = (usize::from(f.left), usize::from(f.top));
        let (fw, fh) = (usize::from(f.width), usize::from(f.height));
        for row in 0..fh {
            let y = ft + row;
            if y >= hu {
                break;
            }
            for col in 0..fw {
                let x = fl + col;
                if x >= wu {
                    break;
                }
                let i = (row * fw + col) * 4;
                let Some(px) = f.buffer.get(i..i + 4) else {
                    continue;
                };
                // GIF alpha is 0 (the transparent index) or 255: transparent pixels keep what
                // is below.
                if px[3] != 0 {
                    canvas[y * wu + x] = [px[0], px[1], px[2], px[3]];
                }
            }
        }
        let cs = if f.delay < GIF_MIN_DELAY_CS {
            GIF_DEFAULT_DELAY_CS
        } else {
            f.delay
        };
        frames.push(ImageFrame {
            luma: canvas.iter().map(|p| luma(p[0], p[1], p[2])).collect(),
            alpha: canvas.iter().map(|p| p[3]).collect(),
            delay_ms: u32::from(cs) * 10,
        });
        match (f.dispose, saved) {
            (gif::DisposalMethod::Previous, Some(prev)) => canvas = prev,
            (gif::DisposalMethod::Background, _) => {
                for y in ft..(ft + fh).min(hu) {
                    for x in fl..(fl + fw).min(wu) {
                        canvas[y * wu + x] = [0; 4];
                    }
                }
            }
            _ => {}
        }
    }
    if frames.is_empty() {
        return Err(AssetError::invalid("GIF has no frames"));
    }
    // The NETSCAPE2.0 loop count says how often the animation repeats after the first play
    // (0: forever), and a file without it plays once; the gif crate reports a missing one as
    // `Finite(0)`.
    let loops = match decoder.repeat() {
        gif::Repeat::Infinite => None,
        gif::Repeat::Finite(n) => Some(u32::from(n) + 1),
    };
    if frames.len() == 1 {
        frames[0].delay_ms = 0;
    }
    Ok(ImageAsset {
        width: w,
        height: h,
        frames,
        loops,
    })
}
