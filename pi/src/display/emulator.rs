//! `--display emulator`: the virtual panel of the chosen controller on a virtual I2C bus, decoding
//! the same bytes a real panel would get; it can write PNG snapshots of what its glass shows
//! (turned as the panel turns it, blank while the panel sleeps).

use super::{PanelBus, SinkError};
use crate::export::{save_png, Panel, Style};
use std::path::{Path, PathBuf};
use tinydisplay::{Frame, Tick};
use tinydisplay_ssd1306::{I2cTransport, Nack, PanelSpec, Transport, VirtualPanel, Write};

pub struct Emulator {
    pub panel: I2cTransport<VirtualPanel>,
    width: u16,
    snapshot_dir: Option<PathBuf>,
    png: Option<PathBuf>,
}

impl Emulator {
    pub fn new(
        address: u8,
        spec: PanelSpec,
        snapshot_dir: Option<PathBuf>,
        png: Option<PathBuf>,
    ) -> Result<Self, SinkError> {
        if let Some(dir) = &snapshot_dir {
            std::fs::create_dir_all(dir).map_err(|e| {
                SinkError::fatal(format!(
                    "{}: cannot create snapshot directory: {e}",
                    dir.display()
                ))
            })?;
        }
        // The emulated panel is the module the flush planner plans for (its column offset: a
        // 64x48 module shows RAM columns 32..96), answering at the address play talks to.
        let panel = VirtualPanel::for_panel(spec).with_address(address);
        Ok(Emulator {
            panel: I2cTransport::new(panel, address),
            width: spec.width(),
            snapshot_dir,
            png,
        })
    }
}

impl Transport for Emulator {
    type Error = Nack;
    fn write(&mut self, w: Write<'_>) -> Result<(), Nack> {
        self.panel.write(w)
    }
}

impl PanelBus for Emulator {
    fn end_frame(&mut self, tick: Tick) -> Result<(), SinkError> {
        if let Some(dir) = &self.snapshot_dir {
            write_png(
                &dir.join(format!("{tick:06}.png")),
                &self.panel.bus().view(self.width),
            )?;
        }
        Ok(())
    }

    fn before_exit(&mut self) -> Result<(), SinkError> {
        if let Some(png) = &self.png {
            write_png(png, &self.panel.bus().view(self.width))?;
        }
        Ok(())
    }

    fn describe(&self, _e: &Nack) -> SinkError {
        SinkError::fatal(format!(
            "the emulated panel did not acknowledge address {:#04x}",
            self.panel.address()
        ))
    }
}

/// What the glass shows, as `render` would draw it at scale 1 on a white panel, written
/// atomically: an interrupted play leaves no half-written snapshot.
pub fn write_png(path: &Path, frame: &Frame) -> Result<(), SinkError> {
    let style = Style {
        scale: 1,
        panel: Panel::White,
        grid: false,
    };
    save_png(path, frame, &style)
        .map_err(|e| SinkError::fatal(format!("cannot write PNG snapshot: {e}")))
}
