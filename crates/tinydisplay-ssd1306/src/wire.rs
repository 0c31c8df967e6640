//! The wire file: the exact bytes of every bus transaction, framed so that they can be decoded
//! and replayed into a [`crate::VirtualPanel`] of the same controller again.
//!
//! Format, version 2 (all integers little-endian):
//!
//! ```text
//! header, 16 bytes:
//!   0..8    magic "TDWIRE" 0x00 0x02   (the last byte is the version)
//!   8       bus: 'I' = I2C, 'S' = 4-wire SPI
//!   9       I2C address (0 for SPI)
//!   10..12  panel width  (u16)
//!   12..14  panel height (u16)
//!   14      controller: 0 = SSD1306, 1 = SH1106, 2 = SSD1309
//!   15      column offset: the RAM column that shows the picture's column 0
//! then records until the end of the file:
//!   kind u8, len u16, len payload bytes
//!   'F'  frame marker; payload = tick (u64). The transactions that follow are that frame's flush.
//!   'I'  one I2C write transaction: the bytes after the address byte (control byte first).
//!   'C'  one SPI transfer with D/C low (commands).
//!   'D'  one SPI transfer with D/C high (display data).
//!   'R'  a pulse on the RST pin (SPI panels); no payload.
//!   'E'  end of play (written on a clean exit); no payload.
//! ```
//!
//! Version 1 is the same with bytes 14..16 reserved (0): an SSD1306 with the picture at column
//! 0. Both versions are read. The writer still writes a version 1 header for exactly that panel
//! (an SSD1306 at column offset 0: 128x64, 128x32, 96x16), so those files stay byte-identical to
//! what earlier builds wrote (the golden files pin a hash of the whole file, header included),
//! and version 2 for every other panel, which a version 1 reader rejects by its version byte
//! instead of replaying it into the wrong RAM. Width and height are the panel's (after any 90/270
//! rotation: the transactions carry the turned frames).
//!
//! ```
//! use tinydisplay_ssd1306::wire::{self, WireWriter};
//! use tinydisplay_ssd1306::{Bus, Flusher};
//! let mut w = WireWriter::i2c(0x3c, 128, 64);
//! let mut flusher = Flusher::new(128, 64, Bus::i2c(400_000));
//! let mut frame = tinydisplay::Frame::new(128, 64);
//! frame.set_pixel(5, 5, true);
//! w.frame(7);
//! flusher.flush(&frame, &mut w).unwrap();
//! let log = wire::decode(&w.take_bytes()).unwrap();
//! let frames = wire::replay(&log);
//! assert_eq!(frames, vec![(7, frame)]);
//! ```

use crate::panel::{Controller, PanelSpec};
use crate::transport::{framed_parts, i2c_parts, Transport, Write};
use crate::virt::VirtualPanel;
use core::fmt;
use tinydisplay::{Frame, Tick};

/// The magic of the current version (2).
pub const MAGIC: &[u8; 8] = b"TDWIRE\x00\x02";
/// The magic of version 1, still written for an SSD1306 at column offset 0 (module docs).
pub const MAGIC_V1: &[u8; 8] = b"TDWIRE\x00\x01";
pub const HEADER_LEN: usize = 16;

/// The bus the file's transactions were framed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireBus {
    I2c { address: u8 },
    Spi,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// 1 or 2.
    pub version: u8,
    pub bus: WireBus,
    pub width: u16,
    pub height: u16,
    pub controller: Controller,
    pub col_offset: u8,
}

impl Header {
    /// The panel the file's bytes were sent to (for replaying them).
    pub fn spec(&self) -> PanelSpec {
        PanelSpec::raw(self.controller, self.width, self.height, self.col_offset)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    Frame(Tick),
    I2c(Vec<u8>),
    Command(Vec<u8>),
    Data(Vec<u8>),
    Reset,
    End,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireLog {
    pub header: Header,
    pub records: Vec<Record>,
}

/// Where and why a wire file does not decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for WireError {}

/// Encodes transactions into the wire format; a [`Transport`], so a [`crate::Flusher`] writes
/// straight into it. The caller drains the bytes with [`WireWriter::take_bytes`] (to a file, say).
#[derive(Clone, Debug)]
pub struct WireWriter {
    bus: WireBus,
    buf: Vec<u8>,
}

/// A transaction too long for a record's u16 length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong(pub usize);

impl WireWriter {
    /// An SSD1306 of `width` x `height` (as [`crate::Flusher::new`] assumes).
    pub fn new(bus: WireBus, width: u16, height: u16) -> Self {
        WireWriter::for_panel(bus, &PanelSpec::any_ssd1306(width, height))
    }

    /// The panel `spec`; a version 1 header for an SSD1306 at column 0, else version 2.
    pub fn for_panel(bus: WireBus, spec: &PanelSpec) -> Self {
        let v1 = spec.controller() == Controller::Ssd1306 && spec.col_offset() == 0;
        let mut buf = Vec::with_capacity(4096);
        buf.extend_from_slice(if v1 { MAGIC_V1 } else { MAGIC });
        match bus {
            WireBus::I2c { address } => buf.extend_from_slice(&[b'I', address]),
            WireBus::Spi => buf.extend_from_slice(&[b'S', 0]),
        }
        buf.extend_from_slice(&spec.width().to_le_bytes());
        buf.extend_from_slice(&spec.height().to_le_bytes());
        if v1 {
            buf.extend_from_slice(&[0, 0]);
        } else {
            buf.extend_from_slice(&[spec.controller().code(), spec.col_offset()]);
        }
        WireWriter { bus, buf }
    }

    pub fn i2c(address: u8, width: u16, height: u16) -> Self {
        WireWriter::new(WireBus::I2c { address }, width, height)
    }

    pub fn spi(width: u16, height: u16) -> Self {
        WireWriter::new(WireBus::Spi, width, height)
    }

    /// Marks the start of the flush for `tick`.
    pub fn frame(&mut self, tick: Tick) {
        self.record(b'F', &[&tick.to_le_bytes()])
            .expect("8 bytes fit");
    }

    pub fn reset_pulse(&mut self) {
        self.record(b'R', &[]).expect("empty fits");
    }

    pub fn end(&mut self) {
        self.record(b'E', &[]).expect("empty fits");
    }

    /// The bytes encoded since the last call (the header on the first call).
    pub fn take_bytes(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.buf)
    }

    fn record(&mut self, kind: u8, parts: &[&[u8]]) -> Result<(), TooLong> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let len16 = u16::try_from(len).map_err(|_| TooLong(len))?;
        self.buf.push(kind);
        self.buf.extend_from_slice(&len16.to_le_bytes());
        for p in parts {
            self.buf.extend_from_slice(p);
        }
        Ok(())
    }
}

impl Transport for WireWriter {
    type Error = TooLong;
    fn write(&mut self, w: Write<'_>) -> Result<(), TooLong> {
        match self.bus {
            WireBus::I2c { .. } => {
                let (control, payload) = i2c_parts(&w);
                self.record(b'I', &[control.as_slice(), payload])
            }
            WireBus::Spi => match w {
                Write::Commands(b) => self.record(b'C', &[b]),
                Write::Data(b) => self.record(b'D', &[b]),
                Write::Framed(b) => {
                    for (data, part) in framed_parts(b) {
                        self.record(if data { b'D' } else { b'C' }, &[part])?;
                    }
                    Ok(())
                }
            },
        }
    }
}

/// Decodes a whole wire file.
pub fn decode(bytes: &[u8]) -> Result<WireLog, WireError> {
    let err = |offset, message: &str| WireError {
        offset,
        message: message.to_string(),
    };
    if bytes.len() < HEADER_LEN {
        return Err(err(bytes.len(), "file ends inside the 16-byte header"));
    }
    if &bytes[..6] != b"TDWIRE" {
        return Err(err(
            0,
            "not a tinydisplay wire file (magic \"TDWIRE\" missing)",
        ));
    }
    let version = bytes[7];
    if bytes[6] != 0 || !(1..=2).contains(&version) {
        return Err(err(
            7,
            &format!(
                "unsupported wire format version {} (this build reads versions 1 and 2)",
                u16::from_le_bytes([bytes[7], bytes[6]])
            ),
        ));
    }
    let bus = match bytes[8] {
        b'I' => WireBus::I2c { address: bytes[9] },
        b'S' => WireBus::Spi,
        b => {
            return Err(err(
                8,
                &format!("unknown bus kind {b:#04x} (expected 'I' or 'S')"),
            ))
        }
    };
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let (width, height) = (u16_at(10), u16_at(12));
    let (controller, col_offset) = if version == 1 {
        (Controller::Ssd1306, 0)
    } else {
        let c = Controller::from_code(bytes[14]).ok_or_else(|| {
            err(
                14,
                &format!(
                    "unknown controller code {} (0 = SSD1306, 1 = SH1106, 2 = SSD1309)",
                    bytes[14]
                ),
            )
        })?;
        let ram = c.ram_cols();
        if u16::from(bytes[15]) + width > ram {
            return Err(err(
                15,
                &format!(
                    "column offset {} puts the {width}-column picture past the {c} RAM's {ram} \
                     columns",
                    bytes[15]
                ),
            ));
        }
        (c, bytes[15])
    };
    let header = Header {
        version,
        bus,
        width,
        height,
        controller,
        col_offset,
    };
    let mut records = Vec::new();
    let mut i = HEADER_LEN;
    while i < bytes.len() {
        if i + 3 > bytes.len() {
            return Err(err(i, "file ends inside a record header"));
        }
        let kind = bytes[i];
        let len = usize::from(u16_at(i + 1));
        let start = i + 3;
        let Some(payload) = bytes.get(start..start + len) else {
            return Err(err(
                i,
                &format!("record of {len} bytes runs past the end of the file"),
            ));
        };
        let rec = match kind {
            b'F' => {
                let tick: [u8; 8] = payload
                    .try_into()
                    .map_err(|_| err(i, "frame marker must carry 8 bytes"))?;
                Record::Frame(u64::from_le_bytes(tick))
            }
            b'I' if matches!(bus, WireBus::I2c { .. }) => Record::I2c(payload.to_vec()),
            b'C' if bus == WireBus::Spi => Record::Command(payload.to_vec()),
            b'D' if bus == WireBus::Spi => Record::Data(payload.to_vec()),
            b'I' | b'C' | b'D' => {
                return Err(err(
                    i,
                    &format!("record '{}' does not fit the file's bus", kind as char),
                ))
            }
            b'R' => Record::Reset,
            b'E' => Record::End,
            k => return Err(err(i, &format!("unknown record kind {k:#04x}"))),
        };
        records.push(rec);
        i = start + len;
    }
    Ok(WireLog { header, records })
}

/// Replays a log into a fresh virtual panel of the header's controller and returns, for each
/// frame marker, the tick and the visible RAM (the header's columns from its offset) after that
/// frame's transactions.
pub fn replay(log: &WireLog) -> Vec<(Tick, Frame)> {
    let mut panel = VirtualPanel::for_panel(log.header.spec());
    let mut out = Vec::new();
    let mut current: Option<Tick> = None;
    for rec in &log.records {
        match rec {
            Record::Frame(t) => {
                if let Some(prev) = current.replace(*t) {
                    out.push((prev, panel.visible_frame()));
                }
            }
            Record::I2c(b) => panel.i2c_write(b),
            Record::Command(b) => panel.spi_write(false, b),
            Record::Data(b) => panel.spi_write(true, b),
            Record::Reset => panel.reset(),
            Record::End => {}
        }
    }
    if let Some(t) = current {
        out.push((t, panel.visible_frame()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spi_records_round_trip() {
        let mut w = WireWriter::spi(128, 32);
        w.reset_pulse();
        w.frame(3);
        w.write(Write::Commands(&[0xAF])).unwrap();
        w.write(Write::Data(&[1, 2])).unwrap();
        w.end();
        let log = decode(&w.take_bytes()).unwrap();
        assert_eq!(
            log.header,
            Header {
                version: 1,
                bus: WireBus::Spi,
                width: 128,
                height: 32,
                controller: Controller::Ssd1306,
                col_offset: 0,
            }
        );
        assert_eq!(
            log.records,
            vec![
                Record::Reset,
                Record::Frame(3),
                Record::Command(vec![0xAF]),
                Record::Data(vec![1, 2]),
                Record::End
            ]
        );
    }

    #[test]
    fn corrupt_files_say_where() {
        let mut w = WireWriter::i2c(0x3c, 128, 64);
        w.write(Write::Data(&[1, 2, 3])).unwrap();
        let bytes = w.take_bytes();
        assert_eq!(decode(&bytes[..10]).unwrap_err().offset, 10);
        let e = decode(&bytes[..bytes.len() - 1]).unwrap_err();
        assert_eq!(e.offset, 16);
        assert!(e.message.contains("past the end"), "{e}");
        let mut bad = bytes.clone();
        bad[16] = b'Q';
        assert!(decode(&bad)
            .unwrap_err()
            .message
            .contains("unknown record kind"));
        let mut bad = bytes;
        bad[0] = b'X';
        assert_eq!(decode(&bad).unwrap_err().offset, 0);
    }

    #[test]
    fn other_panels_get_a_version_2_header_and_replay_on_their_controller() {
        let spec = PanelSpec::new(Controller::Sh1106, 128, 64).unwrap();
        let mut w = WireWriter::for_panel(WireBus::I2c { address: 0x3c }, &spec);
        let mut flusher = crate::Flusher::for_panel(spec, crate::Bus::i2c(400_000));
        let mut frame = Frame::new(128, 64);
        frame.set_pixel(127, 63, true);
        w.frame(1);
        flusher.flush(&frame, &mut w).unwrap();
        let bytes = w.take_bytes();
        assert_eq!(&bytes[..8], MAGIC);
        assert_eq!(&bytes[14..16], &[1, 2]);
        let log = decode(&bytes).unwrap();
        assert_eq!(
            (
                log.header.version,
                log.header.controller,
                log.header.col_offset
            ),
            (2, Controller::Sh1106, 2)
        );
        assert_eq!(replay(&log), vec![(1, frame)]);
        let small = PanelSpec::ssd1306(64, 48).unwrap();
        let h = WireWriter::for_panel(WireBus::Spi, &small).take_bytes();
        assert_eq!((h[7], h[14], h[15]), (2, 0, 32));
        // The default panel keeps the version 1 header, byte for byte.
        let v1 = WireWriter::i2c(0x3c, 128, 64).take_bytes();
        assert_eq!(v1, b"TDWIRE\x00\x01I\x3c\x80\x00\x40\x00\x00\x00");
    }

    #[test]
    fn bad_headers_name_the_version_controller_or_offset() {
        let spec = PanelSpec::new(Controller::Sh1106, 128, 64).unwrap();
        let good = WireWriter::for_panel(WireBus::Spi, &spec).take_bytes();
        let mut v3 = good.clone();
        v3[7] = 3;
        let e = decode(&v3).unwrap_err();
        assert_eq!(e.offset, 7);
        assert!(
            e.message.contains("version 3") && e.message.contains("1 and 2"),
            "{e}"
        );
        let mut bad = good.clone();
        bad[14] = 9;
        let e = decode(&bad).unwrap_err();
        assert_eq!(e.offset, 14);
        assert!(e.message.contains("controller code 9"), "{e}");
        let mut bad = good;
        bad[15] = 5;
        let e = decode(&bad).unwrap_err();
        assert_eq!(e.offset, 15);
        assert!(e.message.contains("column offset 5"), "{e}");
    }

    #[test]
    fn oversized_transactions_are_refused() {
        let mut w = WireWriter::spi(128, 64);
        assert_eq!(w.write(Write::Data(&vec![0; 70_000])), Err(TooLong(70_000)));
    }
}
