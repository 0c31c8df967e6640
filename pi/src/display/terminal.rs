//! `--display terminal`: a live preview with Unicode half blocks (1x2 pixels per cell) or braille
//! (2x4 pixels per cell), redrawn in place with ANSI escapes; usable over SSH.

use super::{OnExit, Sink, SinkError};
use std::io::Write;
use tinydisplay::{Frame, Tick};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// `▀ ▄ █`: one cell per column, two rows per line (128x64 -> 128x32 cells).
    Half,
    /// Braille dots: 2x4 pixels per cell (128x64 -> 64x16 cells).
    Braille,
}

pub struct Terminal<W: Write> {
    out: W,
    style: Style,
    last: Option<Frame>,
    text: String,
}

impl<W: Write> Terminal<W> {
    pub fn new(out: W, style: Style) -> Self {
        Terminal {
            out,
            style,
            last: None,
            text: String::new(),
        }
    }

    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// The frame as text, one line per cell row.
pub fn draw(frame: &Frame, style: Style, s: &mut String) {
    let (w, h) = (i32::from(frame.width()), i32::from(frame.height()));
    match style {
        Style::Half => {
            for y in (0..h).step_by(2) {
                for x in 0..w {
                    s.push(match (frame.pixel(x, y), frame.pixel(x, y + 1)) {
                        (false, false) => ' ',
                        (true, false) => '▀',
                        (false, true) => '▄',
                        (true, true) => '█',
                    });
                }
                s.push('\n');
            }
        }
        Style::Braille => {
            // Unicode braille dot bits: (0,0)=1 (0,1)=2 (0,2)=4 (1,0)=8 (1,1)=16 (1,2)=32 (0,3)=64 (1,3)=128.
            const BITS: [[u32; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];
            for y in (0..h).step_by(4) {
                for x in (0..w).step_by(2) {
                    let mut code = 0;
                    for (dx, col) in BITS.iter().enumerate() {
                        for (dy, bit) in col.iter().enumerate() {
                            if frame.pixel(x + dx as i32, y + dy as i32) {
                                code |= bit;
                            }
                        }
                    }
                    s.push(char::from_u32(0x2800 + code).unwrap_or(' '));
                }
                s.push('\n');
            }
        }
    }
}

impl<W: Write> Sink for Terminal<W> {
    fn show(&mut self, _tick: Tick, frame: &Frame) -> Result<(), SinkError> {
        if self.last.as_ref() == Some(frame) {
            return Ok(());
        }
        self.text.clear();
        // Hide the cursor, go home, draw over the last picture.
        self.text.push_str("\x1b[?25l\x1b[H");
        if self.last.is_none() {
            self.text.push_str("\x1b[2J\x1b[H");
        }
        draw(frame, self.style, &mut self.text);
        self.out
            .write_all(self.text.as_bytes())
            .and_then(|_| self.out.flush())
            .map_err(|e| SinkError::fatal(format!("terminal: {e}")))?;
        self.last = Some(frame.clone());
        Ok(())
    }

    fn finish(&mut self, on_exit: OnExit) -> Result<(), SinkError> {
        let tail = match on_exit {
            OnExit::Keep => "\x1b[?25h",
            OnExit::Clear | OnExit::Off => "\x1b[2J\x1b[H\x1b[?25h",
        };
        self.out
            .write_all(tail.as_bytes())
            .and_then(|_| self.out.flush())
            .map_err(|e| SinkError::fatal(format!("terminal: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_blocks_and_braille() {
        let mut f = Frame::new(4, 8);
        f.set_pixel(0, 0, true);
        f.set_pixel(1, 1, true);
        f.set_pixel(2, 0, true);
        f.set_pixel(2, 1, true);
        let mut s = String::new();
        draw(&f, Style::Half, &mut s);
        assert_eq!(s.lines().next(), Some("▀▄█ "));
        assert_eq!(s.lines().count(), 4);
        s.clear();
        draw(&f, Style::Braille, &mut s);
        // Cell 0: (0,0) and (1,1) = 0x01 | 0x10; cell 1: (0,0), (0,1) = 0x03.
        assert_eq!(s, "\u{2811}\u{2803}\n\u{2800}\u{2800}\n");
    }

    #[test]
    fn unchanged_frames_are_not_redrawn() {
        let mut t = Terminal::new(Vec::new(), Style::Half);
        let f = Frame::new(8, 8);
        t.show(0, &f).unwrap();
        let n = t.out.len();
        t.show(1, &f).unwrap();
        assert_eq!(t.out.len(), n);
        t.finish(OnExit::Keep).unwrap();
        assert!(String::from_utf8(t.into_inner())
            .unwrap()
            .ends_with("\x1b[?25h"));
    }
}
