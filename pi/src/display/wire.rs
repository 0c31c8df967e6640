//! `--display wire:FILE`: the exact bytes of every transaction, in the wire format documented in
//! `tinydisplay_ssd1306::wire`, flushed to the file after every frame.

use super::{PanelBus, SinkError};
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use tinydisplay::Tick;
use tinydisplay_ssd1306::wire::{TooLong, WireBus, WireWriter};
use tinydisplay_ssd1306::{PanelSpec, Transport, Write};

pub struct WireFile {
    writer: WireWriter,
    file: BufWriter<File>,
    path: PathBuf,
}

impl WireFile {
    pub fn create(path: &Path, bus: WireBus, spec: &PanelSpec) -> Result<Self, SinkError> {
        let file = File::create(path).map_err(|e| {
            SinkError::fatal(format!("{}: cannot create wire file: {e}", path.display()))
        })?;
        Ok(WireFile {
            writer: WireWriter::for_panel(bus, spec),
            file: BufWriter::new(file),
            path: path.to_owned(),
        })
    }

    fn drain(&mut self) -> Result<(), SinkError> {
        let bytes = self.writer.take_bytes();
        self.file
            .write_all(&bytes)
            .and_then(|_| self.file.flush())
            .map_err(|e| {
                SinkError::fatal(format!(
                    "{}: cannot write wire file: {e}",
                    self.path.display()
                ))
            })
    }
}

impl Transport for WireFile {
    type Error = TooLong;
    fn write(&mut self, w: Write<'_>) -> Result<(), TooLong> {
        self.writer.write(w)
    }
}

impl PanelBus for WireFile {
    fn begin_frame(&mut self, tick: Tick) {
        self.writer.frame(tick);
    }

    fn end_frame(&mut self, _tick: Tick) -> Result<(), SinkError> {
        self.drain()
    }

    fn close(&mut self) -> Result<(), SinkError> {
        self.writer.end();
        self.drain()
    }

    fn describe(&self, e: &TooLong) -> SinkError {
        SinkError::fatal(format!(
            "a {}-byte transaction does not fit a wire record",
            e.0
        ))
    }
}
