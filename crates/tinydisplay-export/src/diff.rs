//! The golden-diff image: what a frame should be, what it is, and where they differ.

use crate::{ExportError, MAX_SCALE, MAX_SIDE};
use tinydisplay::Frame;

/// Grey level of the bars between the panels (neither lit nor dark, so a panel's edge shows).
pub const DIFF_BAR: u8 = 128;
/// Grey level of the expected panel when the expected frame is unknown (a hash alone cannot be
/// drawn).
pub const DIFF_UNKNOWN: u8 = 40;

/// An 8-bit grey image, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrayImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Three panels side by side at `scale`, separated by [`DIFF_BAR`] bars `2 * scale` wide:
/// `expected | actual | expected XOR actual`. Lit pixels are 255, dark 0; in the third panel
/// 255 marks exactly the pixels that differ. Without an expected frame its panel is
/// [`DIFF_UNKNOWN`] and the third panel is dark. The panels are `actual`'s size; an expected
/// frame of another size reads as dark outside itself, so a size change shows as a difference.
pub fn diff_image(
    expected: Option<&Frame>,
    actual: &Frame,
    scale: u32,
) -> Result<GrayImage, ExportError> {
    if !(1..=MAX_SCALE).contains(&scale) {
        return Err(ExportError::Scale { scale });
    }
    let (w, h) = (u32::from(actual.width()), u32::from(actual.height()));
    let gap = 2 * scale;
    let pw = w * scale;
    let (width, height) = (pw * 3 + gap * 2, h * scale);
    if width > MAX_SIDE || height > MAX_SIDE || height == 0 {
        return Err(ExportError::Size {
            scale,
            width,
            height,
        });
    }
    let mut pixels = vec![DIFF_BAR; width as usize * height as usize];
    let level = |on: bool| if on { 255 } else { 0 };
    for y in 0..height {
        let row = &mut pixels[(y * width) as usize..((y + 1) * width) as usize];
        let fy = (y / scale) as i32;
        for px in 0..pw {
            let fx = (px / scale) as i32;
            let e = expected.map(|e| e.pixel(fx, fy));
            let a = actual.pixel(fx, fy);
            row[px as usize] = e.map_or(DIFF_UNKNOWN, level);
            row[(pw + gap + px) as usize] = level(a);
            row[(2 * (pw + gap) + px) as usize] = level(e.is_some_and(|e| e != a));
        }
    }
    Ok(GrayImage {
        width,
        height,
        pixels,
    })
}

/// [`diff_image`] as an 8-bit greyscale PNG.
pub fn diff_png(
    expected: Option<&Frame>,
    actual: &Frame,
    scale: u32,
) -> Result<Vec<u8>, ExportError> {
    let img = diff_image(expected, actual, scale)?;
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, img.width, img.height);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header()?;
    w.write_image_data(&img.pixels)?;
    w.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One character per pixel: `#` 255, `.` 0, `|` bar, `?` unknown.
    fn ascii(img: &GrayImage) -> String {
        img.pixels
            .chunks(img.width as usize)
            .map(|row| {
                let mut s: String = row
                    .iter()
                    .map(|&p| match p {
                        255 => '#',
                        0 => '.',
                        DIFF_BAR => '|',
                        DIFF_UNKNOWN => '?',
                        _ => '!',
                    })
                    .collect();
                s.push('\n');
                s
            })
            .collect()
    }

    fn frame(pixels: &[(i32, i32)]) -> Frame {
        let mut f = Frame::new(4, 2);
        for &(x, y) in pixels {
            f.set_pixel(x, y, true);
        }
        f
    }

    #[test]
    fn differing_pixels_are_marked_in_the_third_panel() {
        let img = diff_image(
            Some(&frame(&[(0, 0), (3, 1)])),
            &frame(&[(0, 0), (2, 1)]),
            1,
        )
        .unwrap();
        assert_eq!(
            ascii(&img),
            "\
#...||#...||....
...#||..#.||..##
"
        );
        let png = diff_png(None, &frame(&[(1, 0)]), 2).unwrap();
        let mut r = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (4 * 2 * 3 + 4 * 2, 4));
        let img = GrayImage {
            width: info.width,
            height: info.height,
            pixels: buf,
        };
        assert_eq!(
            ascii(&img),
            "\
????????||||..##....||||........
????????||||..##....||||........
????????||||........||||........
????????||||........||||........
"
        );
        assert!(diff_image(None, &frame(&[]), 0).is_err());
    }
}
