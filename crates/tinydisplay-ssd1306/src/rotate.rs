//! Showing a scene turned on the panel: a portrait 64x128 scene on a landscape 128x64 panel.
//!
//! 180 degrees costs nothing per frame: the init sequence flips segment remap and COM scan
//! ([`crate::PanelConfig::rotate180`]) and the frame goes out as it is. 90 and 270 degrees cannot
//! be done by the controller, so the sink turns each frame with [`rotate_into`] and flushes the
//! turned frame; the planner then plans (and prices) exactly the bytes that go out.
//!
//! Directions are clockwise, as the viewer sees the picture turn: with `Rotate90` the scene's
//! top edge ends up on the panel's right edge.

use tinydisplay::Frame;

/// How the scene is turned on the panel, clockwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Rotation {
    #[default]
    Rotate0,
    Rotate90,
    Rotate180,
    Rotate270,
}

impl Rotation {
    /// 0, 90, 180 or 270.
    pub fn from_degrees(degrees: u16) -> Result<Rotation, String> {
        match degrees {
            0 => Ok(Rotation::Rotate0),
            90 => Ok(Rotation::Rotate90),
            180 => Ok(Rotation::Rotate180),
            270 => Ok(Rotation::Rotate270),
            d => Err(format!("rotation {d} is not one of 0, 90, 180, 270")),
        }
    }

    pub fn degrees(self) -> u16 {
        match self {
            Rotation::Rotate0 => 0,
            Rotation::Rotate90 => 90,
            Rotation::Rotate180 => 180,
            Rotation::Rotate270 => 270,
        }
    }

    /// Whether width and height trade places.
    pub fn transposes(self) -> bool {
        matches!(self, Rotation::Rotate90 | Rotation::Rotate270)
    }

    /// The panel size that shows a `width` x `height` scene turned this way.
    pub fn panel_size(self, width: u16, height: u16) -> (u16, u16) {
        if self.transposes() {
            (height, width)
        } else {
            (width, height)
        }
    }

    /// Whether the panel's init does it (segment remap and COM scan): 180 only.
    pub fn in_hardware(self) -> bool {
        self == Rotation::Rotate180
    }

    /// Whether frames must be turned in software before the flush ([`rotate_into`]): 90 and 270.
    pub fn in_software(self) -> bool {
        self.transposes()
    }
}

/// Turns `src` by `rotation` into `dst`, which is resized to the turned size. Every pixel of
/// `dst` is written. (For 180 this turns the pixels too; a sink that lets the panel do 180 with
/// [`crate::PanelConfig::rotate180`] flushes the frame unturned instead.)
pub fn rotate_into(src: &Frame, rotation: Rotation, dst: &mut Frame) {
    let (w, h) = (i32::from(src.width()), i32::from(src.height()));
    let (dw, dh) = rotation.panel_size(src.width(), src.height());
    if dst.width() != dw || dst.height() != dh {
        *dst = Frame::new(dw, dh);
    }
    for y in 0..h {
        for x in 0..w {
            let (nx, ny) = match rotation {
                Rotation::Rotate0 => (x, y),
                Rotation::Rotate90 => (h - 1 - y, x),
                Rotation::Rotate180 => (w - 1 - x, h - 1 - y),
                Rotation::Rotate270 => (y, w - 1 - x),
            };
            dst.set_pixel(nx, ny, src.pixel(x, y));
        }
    }
}

/// [`rotate_into`] into a new frame.
pub fn rotate(src: &Frame, rotation: Rotation) -> Frame {
    let mut out = Frame::new(0, 0);
    rotate_into(src, rotation, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame from ASCII art, `#` lit.
    fn art(rows: &[&str]) -> Frame {
        let mut f = Frame::new(rows[0].len() as u16, rows.len() as u16);
        for (y, r) in rows.iter().enumerate() {
            for (x, c) in r.chars().enumerate() {
                f.set_pixel(x as i32, y as i32, c == '#');
            }
        }
        f
    }

    fn ascii(f: &Frame) -> Vec<String> {
        (0..i32::from(f.height()))
            .map(|y| {
                (0..i32::from(f.width()))
                    .map(|x| if f.pixel(x, y) { '#' } else { '.' })
                    .collect()
            })
            .collect()
    }

    // An "L" 3 wide and 8 tall (frames are whole pages), with a dot to tell the corners apart.
    const L: [&str; 8] = ["#..", "#..", "#..", "#..", "#..", "#..", "#.#", "###"];

    #[test]
    fn quarter_turns_transpose_the_picture() {
        let src = art(&L);
        assert_eq!(
            ascii(&rotate(&src, Rotation::Rotate90)),
            ["########", "#.......", "##......"]
        );
        assert_eq!(
            ascii(&rotate(&src, Rotation::Rotate270)),
            ["......##", ".......#", "########"]
        );
        assert_eq!(
            ascii(&rotate(&src, Rotation::Rotate180)),
            ["###", "#.#", "..#", "..#", "..#", "..#", "..#", "..#"]
        );
        assert_eq!(rotate(&src, Rotation::Rotate0), src);
    }

    #[test]
    fn four_quarter_turns_are_the_identity_and_opposite_turns_cancel() {
        let mut f = Frame::new(64, 128);
        let mut x = 12345u32;
        for b in f.as_bytes_mut() {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            *b = (x >> 16) as u8;
        }
        let once = rotate(&f, Rotation::Rotate90);
        assert_eq!((once.width(), once.height()), (128, 64));
        assert_eq!(rotate(&once, Rotation::Rotate270), f);
        let mut r = f.clone();
        for _ in 0..4 {
            r = rotate(&r, Rotation::Rotate90);
        }
        assert_eq!(r, f);
        assert_eq!(
            rotate(&rotate(&f, Rotation::Rotate90), Rotation::Rotate90),
            rotate(&f, Rotation::Rotate180)
        );
    }

    #[test]
    fn degrees_parse() {
        for d in [0, 90, 180, 270] {
            assert_eq!(Rotation::from_degrees(d).unwrap().degrees(), d);
        }
        assert!(Rotation::from_degrees(45).unwrap_err().contains("45"));
        assert_eq!(Rotation::Rotate90.panel_size(64, 128), (128, 64));
        assert!(Rotation::Rotate180.in_hardware() && !Rotation::Rotate180.in_software());
    }
}
