//! `--display emulator`: the virtual panel of the chosen controller on a virtual I2C bus, decoding
//! the same bytes a real panel would get; it can write PNG snapshots of what its glass shows
//! (turned as the panel turns it, blank while the panel sleeps).

use super::{PanelBus, SinkError};
use crate::export::{save_png, Glass, Panel, Style};
use std::path::{Path, PathBuf};
use tinydisplay::{Frame, Tick};
use tinydisplay_ssd1306::{I2cTransport, Nack, PanelSpec, Transport, VirtualPanel, Write};

pub struct Emulator {
    pub panel: I2cTransport<VirtualPanel>,
    width: u16,
    snapshot_dir: Option<PathBuf>,
    png: Option<PathBuf>,
    /// Draw the panel's contrast as brightness (scenes with display care only, so that the
    /// snapshots of every other scene stay the exported frame, byte for byte).
    contrast_as_brightness: bool,
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
            contrast_as_brightness: false,
        })
    }

    /// Snapshots show the panel's contrast as brightness
    /// (`tinydisplay_export::Palette::at_contrast`).
    pub fn with_contrast_as_brightness(mut self) -> Self {
        self.contrast_as_brightness = true;
        self
    }

    fn snapshot(&self, path: &Path) -> Result<(), SinkError> {
        let panel = self.panel.bus();
        let view = panel.view(self.width);
        if self.contrast_as_brightness {
            write_png_at_contrast(path, &view, panel.contrast())
        } else {
            write_png(path, &view)
        }
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
            self.snapshot(&dir.join(format!("{tick:06}.png")))?;
        }
        Ok(())
    }

    fn before_exit(&mut self) -> Result<(), SinkError> {
        if let Some(png) = &self.png {
            self.snapshot(png)?;
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
    save_png(path, frame, &style, Glass::FULL)
        .map_err(|e| SinkError::fatal(format!("cannot write PNG snapshot: {e}")))
}

/// [`write_png`] with the lit colour at the panel's `contrast`.
pub fn write_png_at_contrast(path: &Path, frame: &Frame, contrast: u8) -> Result<(), SinkError> {
    let style = Style {
        scale: 1,
        panel: Panel::White,
        grid: false,
    };
    save_png(path, frame, &style, Glass { contrast, on: true })
        .map_err(|e| SinkError::fatal(format!("cannot write PNG snapshot: {e}")))
}
