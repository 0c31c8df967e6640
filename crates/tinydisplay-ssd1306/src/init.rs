//! Command sequences (power-on init, display off, contrast), built with the `ssd1306` crate.
//!
//! The `ssd1306` crate knows the init sequence and the command encodings, so we use it for those:
//! its `Ssd1306` and `Command` write into a [`CommandBytes`] interface that only collects the bytes,
//! and the caller sends them as one command transaction. Its flush path is not used (see
//! [`crate::Flusher`] for why).

use display_interface::{DataFormat, DisplayError, WriteOnlyDataCommand};
use ssd1306::command::{AddrMode, Command};
use ssd1306::prelude::DisplayRotation;
use ssd1306::size::{DisplaySize, DisplaySize128x32, DisplaySize128x64, DisplaySize96x16};
use ssd1306::Ssd1306;

/// Panel geometry and orientation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanelConfig {
    pub width: u16,
    pub height: u16,
    /// Rotate the picture by 180 degrees (panel mounted upside down).
    pub rotate180: bool,
    /// Mirror the picture left-right (seen through a mirror or a HUD glass).
    pub flip: bool,
}

impl PanelConfig {
    pub fn new(width: u16, height: u16) -> Self {
        PanelConfig {
            width,
            height,
            rotate180: false,
            flip: false,
        }
    }

    /// The power-on sequence: display off, clocks, multiplex, charge pump, horizontal addressing,
    /// COM pins, orientation, contrast, display on. Send it as one command transaction.
    ///
    /// ```
    /// let cmds = tinydisplay_ssd1306::PanelConfig::new(128, 64).init_commands().unwrap();
    /// assert_eq!(cmds.first(), Some(&0xAE)); // display off first
    /// assert_eq!(cmds.last(), Some(&0xAF)); // display on last
    /// ```
    pub fn init_commands(&self) -> Result<Vec<u8>, String> {
        let rotation = if self.rotate180 {
            DisplayRotation::Rotate180
        } else {
            DisplayRotation::Rotate0
        };
        match (self.width, self.height) {
            (128, 64) => init_for(DisplaySize128x64, rotation, self.flip),
            (128, 32) => init_for(DisplaySize128x32, rotation, self.flip),
            (96, 16) => init_for(DisplaySize96x16, rotation, self.flip),
            (w, h) => Err(format!(
                "unsupported SSD1306 geometry {w}x{h}: use 128x64, 128x32 or 96x16"
            )),
        }
    }
}

fn init_for<S: DisplaySize>(
    size: S,
    rotation: DisplayRotation,
    flip: bool,
) -> Result<Vec<u8>, String> {
    let mut d = Ssd1306::new(CommandBytes::default(), size, rotation);
    let err = |e: DisplayError| format!("ssd1306 init: {e:?}");
    d.init_with_addr_mode(AddrMode::Horizontal).map_err(err)?;
    if flip {
        d.set_mirror(true).map_err(err)?;
    }
    Ok(d.release().0)
}

/// `0xAE`: display off (RAM is kept; the panel goes dark and draws almost nothing).
pub fn display_off() -> Vec<u8> {
    encode(Command::DisplayOn(false))
}

/// `0xAF`: display on.
pub fn display_on() -> Vec<u8> {
    encode(Command::DisplayOn(true))
}

/// `0x81 level`: contrast.
pub fn contrast(level: u8) -> Vec<u8> {
    encode(Command::Contrast(level))
}

/// The bytes of one `ssd1306` crate command.
pub fn encode(cmd: Command) -> Vec<u8> {
    let mut b = CommandBytes::default();
    // CommandBytes accepts every format Command uses, so this cannot fail.
    let _ = cmd.send(&mut b);
    b.0
}

/// A display interface that only collects command bytes (data is refused).
#[derive(Default)]
pub struct CommandBytes(pub Vec<u8>);

impl WriteOnlyDataCommand for CommandBytes {
    fn send_commands(&mut self, cmd: DataFormat<'_>) -> Result<(), DisplayError> {
        match cmd {
            DataFormat::U8(b) => self.0.extend_from_slice(b),
            DataFormat::U8Iter(it) => self.0.extend(it),
            _ => return Err(DisplayError::DataFormatNotImplemented),
        }
        Ok(())
    }

    fn send_data(&mut self, _buf: DataFormat<'_>) -> Result<(), DisplayError> {
        Err(DisplayError::DataFormatNotImplemented)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_and_flip_change_segment_remap_and_com_scan() {
        let base = PanelConfig::new(128, 64);
        let normal = base.init_commands().unwrap();
        let rotated = PanelConfig {
            rotate180: true,
            ..base
        }
        .init_commands()
        .unwrap();
        let flipped = PanelConfig { flip: true, ..base }.init_commands().unwrap();
        assert!(normal.contains(&0xA1) && normal.contains(&0xC8));
        assert!(rotated.contains(&0xA0) && rotated.contains(&0xC0));
        assert_eq!(
            flipped.iter().rev().find(|&&b| b == 0xA0 || b == 0xA1),
            Some(&0xA0)
        );
        assert!(PanelConfig::new(100, 10).init_commands().is_err());
    }

    #[test]
    fn horizontal_addressing_is_selected() {
        let c = PanelConfig::new(128, 32).init_commands().unwrap();
        assert!(c.windows(2).any(|w| w == [0x20, 0x00]));
        assert!(c.windows(2).any(|w| w == [0xA8, 31]));
    }
}
