//! Command sequences (power-on init, display off, contrast), built with the `ssd1306` crate.
//!
//! The `ssd1306` crate knows the init sequence and the command encodings, so we use it for those:
//! its `Ssd1306` and `Command` write into a [`CommandBytes`] interface that only collects the bytes,
//! and the caller sends them as one command transaction. Its flush path is not used (see
//! [`crate::Flusher`] for why).
//!
//! Per controller ([`PanelConfig::init_commands_for`]):
//! - **SSD1306**: the crate's sequence for the size (its `DisplaySize72x40` also turns on the
//!   internal current reference, 0xAD 0x30, as those modules need).
//! - **SSD1309**: the crate's 128x64 sequence without the charge pump command (0x8D 0x14): the
//!   SSD1309 has no charge pump (its module makes VCC), its datasheet has no 0x8D, and a
//!   controller that does not know a command may read its argument as a command of its own.
//!   Everything else in the sequence is in the SSD1309's (SSD1306-compatible) command set.
//! - **SH1106**: the crate cannot build it (it knows only SSD1306 commands), so it is the crate's
//!   128x64 sequence with what the SH1106 lacks taken out and its own command put in: no 0x8D
//!   (charge pump), no 0x20 (addressing mode: the SH1106 only has page addressing) and no 0x2E
//!   (scroll off: it has no scrolling); 0xAD 0x8B (DC-DC converter on, the SH1106's power-on
//!   default, sent so a re-init after a DC-DC-off module setting is well defined). Rotation and
//!   mirror (0xA0/0xA1, 0xC0/0xC8) are the same commands on both chips.
//!
//! A [`PanelSpec`] COM offset replaces the 0xD3 argument (0 otherwise, as before).

use display_interface::{DataFormat, DisplayError, WriteOnlyDataCommand};
use ssd1306::command::{AddrMode, Command};
use ssd1306::prelude::DisplayRotation;
use ssd1306::size::{
    DisplaySize, DisplaySize128x32, DisplaySize128x64, DisplaySize64x32, DisplaySize64x48,
    DisplaySize72x40, DisplaySize96x16,
};
use ssd1306::Ssd1306;

use crate::panel::{Controller, PanelSpec};
use crate::rotate::Rotation;

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

    /// The panel that shows a `width` x `height` scene turned by `rotation` on `controller`:
    /// the scene's size turned ([`Rotation::panel_size`]), the table's column offset or
    /// `offset`, and the segment order the orientation needs (180 and `flip` in the init, an
    /// off-centre picture moved with [`PanelSpec::mirrored`]). `tinydisplay play` and the
    /// browser's bus preview both build their flusher from this; an unsupported combination is
    /// [`PanelSpec::new`]'s error.
    ///
    /// ```
    /// use tinydisplay_ssd1306::{Controller, PanelConfig, Rotation};
    /// let (spec, config) =
    ///     PanelConfig::for_scene(Controller::Sh1106, 64, 128, Rotation::Rotate90, None, false)
    ///         .unwrap();
    /// assert_eq!((spec.width(), spec.height(), spec.col_offset()), (128, 64, 2));
    /// assert!(!config.rotate180);
    /// let e = PanelConfig::for_scene(Controller::Sh1106, 128, 32, Rotation::Rotate0, None, false);
    /// assert!(e.unwrap_err().contains("SH1106 supports 128x64"));
    /// ```
    pub fn for_scene(
        controller: Controller,
        width: u16,
        height: u16,
        rotation: Rotation,
        offset: Option<u8>,
        flip: bool,
    ) -> Result<(PanelSpec, PanelConfig), String> {
        let (pw, ph) = rotation.panel_size(width, height);
        let mut spec = PanelSpec::new(controller, pw, ph)?;
        if let Some(off) = offset {
            spec = spec.with_column_offset(off)?;
        }
        let config = PanelConfig {
            rotate180: rotation.in_hardware(),
            flip,
            ..PanelConfig::new(pw, ph)
        };
        // Reversed segments put an off-centre picture elsewhere in RAM.
        if config.columns_mirrored() {
            spec = spec.mirrored();
        }
        Ok((spec, config))
    }

    /// Whether the init reverses the segment order from the upright default (0xA0 instead of
    /// 0xA1): `rotate180` or `flip`, not both. Then a panel whose picture is not centred in RAM
    /// needs [`PanelSpec::mirrored`].
    pub fn columns_mirrored(&self) -> bool {
        self.rotate180 != self.flip
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
        self.init_commands_for(&PanelSpec::ssd1306(self.width, self.height)?)
    }

    /// The power-on sequence for the panel `spec` (see the module docs for each controller),
    /// with this configuration's orientation. `spec` must have this configuration's size.
    ///
    /// ```
    /// use tinydisplay_ssd1306::{Controller, PanelConfig, PanelSpec};
    /// let sh = PanelSpec::new(Controller::Sh1106, 128, 64).unwrap();
    /// let cmds = PanelConfig::new(128, 64).init_commands_for(&sh).unwrap();
    /// assert!(!cmds.contains(&0x8D) && !cmds.contains(&0x20));
    /// ```
    pub fn init_commands_for(&self, spec: &PanelSpec) -> Result<Vec<u8>, String> {
        if (spec.width(), spec.height()) != (self.width, self.height) {
            return Err(format!(
                "the panel configuration is {}x{} but the panel is {spec}",
                self.width, self.height
            ));
        }
        // A spec made for any size (`Flusher::new`) is checked against the table here.
        PanelSpec::new(spec.controller(), spec.width(), spec.height())?;
        let rotation = if self.rotate180 {
            DisplayRotation::Rotate180
        } else {
            DisplayRotation::Rotate0
        };
        let flip = self.flip;
        let crate_seq = match (spec.width(), spec.height()) {
            (128, 64) => init_for(DisplaySize128x64, rotation, flip),
            (128, 32) => init_for(DisplaySize128x32, rotation, flip),
            (96, 16) => init_for(DisplaySize96x16, rotation, flip),
            (72, 40) => init_for(DisplaySize72x40, rotation, flip),
            (64, 48) => init_for(DisplaySize64x48, rotation, flip),
            (64, 32) => init_for(DisplaySize64x32, rotation, flip),
            (w, h) => Err(format!("no init sequence for {w}x{h}")),
        }?;
        let mut out = Vec::with_capacity(crate_seq.len() + 2);
        for cmd in commands(&crate_seq) {
            match (spec.controller(), cmd[0]) {
                (Controller::Ssd1309 | Controller::Sh1106, 0x8D)
                | (Controller::Sh1106, 0x20 | 0x2E) => {}
                (_, 0xD3) => out.extend([0xD3, spec.com_offset()]),
                (Controller::Sh1106, 0x40..=0x7F) => {
                    out.extend_from_slice(cmd);
                    out.extend([0xAD, 0x8B]);
                }
                _ => out.extend_from_slice(cmd),
            }
        }
        Ok(out)
    }
}

/// Argument bytes that follow an SSD1306/SSD1309 opcode.
pub(crate) fn arg_count(op: u8) -> usize {
    match op {
        0x20 | 0x81 | 0x8D | 0xA8 | 0xAD | 0xD3 | 0xD5 | 0xD6 | 0xD9 | 0xDA | 0xDB | 0xFD => 1,
        0x21 | 0x22 | 0xA3 => 2,
        0x29 | 0x2A => 5,
        0x26 | 0x27 => 6,
        _ => 0,
    }
}

/// A command stream cut into commands (opcode and arguments); a truncated last command is kept
/// as it is.
fn commands(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut i = 0;
    core::iter::from_fn(move || {
        let op = *bytes.get(i)?;
        let end = (i + 1 + arg_count(op)).min(bytes.len());
        let cmd = &bytes[i..end];
        i = end;
        Some(cmd)
    })
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

    fn init(c: Controller, w: u16, h: u16) -> Vec<u8> {
        let spec = PanelSpec::new(c, w, h).unwrap();
        PanelConfig::new(w, h).init_commands_for(&spec).unwrap()
    }

    #[test]
    fn every_panel_has_its_multiplex_and_com_pins() {
        for c in Controller::ALL {
            for (w, h) in PanelSpec::supported(c) {
                let spec = PanelSpec::new(c, w, h).unwrap();
                let cmds = init(c, w, h);
                let cut: Vec<&[u8]> = commands(&cmds).collect();
                assert_eq!(cut.first(), Some(&&[0xAE][..]), "{spec}");
                assert_eq!(cut.last(), Some(&&[0xAF][..]), "{spec}");
                assert!(cut.contains(&&[0xA8, spec.multiplex()][..]), "{spec}");
                assert!(cut.contains(&&[0xDA, spec.com_pins()][..]), "{spec}");
                assert!(cut.contains(&&[0xD3, 0][..]), "{spec}");
                let pump = cut.contains(&&[0x8D, 0x14][..]);
                assert_eq!(pump, c == Controller::Ssd1306, "{spec}: charge pump");
                let horizontal = cut.contains(&&[0x20, 0x00][..]);
                assert_eq!(horizontal, c != Controller::Sh1106, "{spec}: 0x20");
                assert_eq!(cut.contains(&&[0xAD, 0x8B][..]), c == Controller::Sh1106);
            }
        }
        // The 72x40 modules need the internal current reference.
        assert!(init(Controller::Ssd1306, 72, 40)
            .windows(2)
            .any(|w| w == [0xAD, 0x30]));
    }

    #[test]
    fn ssd1309_is_the_ssd1306_sequence_without_the_charge_pump() {
        let mut want = init(Controller::Ssd1306, 128, 64);
        let i = want.windows(2).position(|w| w == [0x8D, 0x14]).unwrap();
        want.drain(i..i + 2);
        assert_eq!(init(Controller::Ssd1309, 128, 64), want);
    }

    #[test]
    fn com_offset_and_mismatched_sizes() {
        let spec = PanelSpec::ssd1306(72, 40)
            .unwrap()
            .with_com_offset(12)
            .unwrap();
        let cmds = PanelConfig::new(72, 40).init_commands_for(&spec).unwrap();
        assert!(cmds.windows(2).any(|w| w == [0xD3, 12]));
        let e = PanelConfig::new(128, 64)
            .init_commands_for(&spec)
            .unwrap_err();
        assert!(e.contains("128x64") && e.contains("72x40"), "{e}");
    }

    #[test]
    fn columns_mirrored_matches_the_segment_remap_sent() {
        for (rotate180, flip) in [(false, false), (true, false), (false, true), (true, true)] {
            let c = PanelConfig {
                rotate180,
                flip,
                ..PanelConfig::new(128, 64)
            };
            let cmds = c.init_commands().unwrap();
            let last = cmds.iter().rev().find(|&&b| b == 0xA0 || b == 0xA1);
            assert_eq!(last == Some(&0xA0), c.columns_mirrored(), "{c:?}");
        }
    }

    #[test]
    fn horizontal_addressing_is_selected() {
        let c = PanelConfig::new(128, 32).init_commands().unwrap();
        assert!(c.windows(2).any(|w| w == [0x20, 0x00]));
        assert!(c.windows(2).any(|w| w == [0xA8, 31]));
    }
}
