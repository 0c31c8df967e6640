//! PNG and animated GIF export in the panel's colours, through the `png` and `gif` crates.

use tinydisplay::Frame;

/// The panel colours a frame can be shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    White,
    Blue,
    /// The common two-colour module: rows 0..16 yellow, the rest blue.
    YellowBlue,
}

impl Panel {
    /// `white`, `blue` or `yellow-blue`.
    pub fn parse(name: &str) -> Option<Panel> {
        Some(match name {
            "white" => Panel::White,
            "blue" => Panel::Blue,
            "yellow-blue" => Panel::YellowBlue,
            _ => return None,
        })
    }
}

/// Palette: 0 = dark, 1 = lit (white or blue), 2 = lit yellow band.
fn palette(panel: Panel) -> [u8; 9] {
    let lit = match panel {
        Panel::White => [0xf4, 0xf8, 0xff],
        Panel::Blue | Panel::YellowBlue => [0x3c, 0xc8, 0xff],
    };
    [0x00, 0x00, 0x00, lit[0], lit[1], lit[2], 0xff, 0xd2, 0x1e]
}

/// Palette indices, one byte per output pixel, scaled up by `scale`.
fn indexed(frame: &Frame, panel: Panel, scale: u32) -> Vec<u8> {
    let (w, h) = (u32::from(frame.width()), u32::from(frame.height()));
    let mut out = Vec::with_capacity((w * scale * h * scale) as usize);
    for y in 0..h {
        let lit_index = if panel == Panel::YellowBlue && y < 16 {
            2
        } else {
            1
        };
        let row: Vec<u8> = (0..w)
            .flat_map(|x| {
                let v = if frame.pixel(x as i32, y as i32) {
                    lit_index
                } else {
                    0
                };
                std::iter::repeat_n(v, scale as usize)
            })
            .collect();
        for _ in 0..scale {
            out.extend_from_slice(&row);
        }
    }
    out
}

/// An indexed-colour PNG of `frame`, each panel pixel `scale` x `scale` image pixels.
pub fn png(frame: &Frame, panel: Panel, scale: u32) -> Result<Vec<u8>, String> {
    let scale = scale.clamp(1, 16);
    let (w, h) = (
        u32::from(frame.width()) * scale,
        u32::from(frame.height()) * scale,
    );
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Indexed);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_palette(palette(panel).to_vec());
    let mut writer = enc.write_header().map_err(|e| format!("png: {e}"))?;
    writer
        .write_image_data(&indexed(frame, panel, scale))
        .map_err(|e| format!("png: {e}"))?;
    writer.finish().map_err(|e| format!("png: {e}"))?;
    Ok(out)
}

/// An animated GIF of consecutive frames shown `tick_rate` per second.
///
/// GIF delays are in centiseconds and browsers slow down anything under 2 cs, so when ticks are
/// shorter than that only every `step`-th frame is kept; the delays are rounded from the exact
/// tick times, so the animation keeps its real speed. Repeated frames merge into one.
pub fn gif(frames: &[Frame], tick_rate: u32, panel: Panel, scale: u32) -> Result<Vec<u8>, String> {
    let first = frames.first().ok_or("no frames to export")?;
    let scale = scale.clamp(1, 16);
    let tick_rate = u64::from(tick_rate.max(1));
    let step = (2 * tick_rate).div_ceil(100).max(1) as usize;
    let (w, h) = (
        u32::from(first.width()) * scale,
        u32::from(first.height()) * scale,
    );
    let (w16, h16) = (
        u16::try_from(w).map_err(|_| "GIF too wide")?,
        u16::try_from(h).map_err(|_| "GIF too tall")?,
    );
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, w16, h16, &palette(panel))
            .map_err(|e| format!("gif: {e}"))?;
        enc.set_repeat(gif::Repeat::Infinite)
            .map_err(|e| format!("gif: {e}"))?;
        // Centiseconds since the start at tick i, rounded to nearest.
        let cs = |i: usize| (i as u64 * 100 + tick_rate / 2) / tick_rate;
        let kept: Vec<usize> = (0..frames.len()).step_by(step).collect();
        let mut k = 0;
        while k < kept.len() {
            let start = kept[k];
            let mut next = k + 1;
            while next < kept.len() && frames[kept[next]] == frames[start] {
                next += 1;
            }
            let end = kept.get(next).copied().unwrap_or(frames.len());
            let delay = (cs(end) - cs(start)).clamp(2, u64::from(u16::MAX)) as u16;
            let mut f = gif::Frame::from_indexed_pixels(
                w16,
                h16,
                indexed(&frames[start], panel, scale),
                None,
            );
            f.delay = delay;
            enc.write_frame(&f).map_err(|e| format!("gif: {e}"))?;
            k = next;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trips_pixels() {
        let mut f = Frame::new(16, 8);
        f.set_pixel(3, 2, true);
        let bytes = png(&f, Panel::White, 2).unwrap();
        let dec = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (32, 16));
        // Indexed 8-bit: one byte per pixel.
        assert_eq!(buf[2 * 32 * 2 + 6], 1);
        assert_eq!(buf[2 * 32 * 2 + 8], 0);
    }

    #[test]
    fn gif_keeps_real_speed() {
        let frames: Vec<Frame> = (0..60)
            .map(|i| {
                let mut f = Frame::new(8, 8);
                f.set_pixel(i % 8, 0, true);
                f
            })
            .collect();
        let bytes = gif(&frames, 60, Panel::Blue, 1).unwrap();
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::Indexed);
        let mut d = opts.read_info(std::io::Cursor::new(bytes)).unwrap();
        let mut total = 0u32;
        let mut n = 0;
        while let Some(f) = d.read_next_frame().unwrap() {
            total += u32::from(f.delay);
            n += 1;
        }
        assert_eq!(n, 30);
        assert_eq!(total, 100, "one second of animation");
    }
}
