//! The SSD1306 panel protocol for tinydisplay (and the SH1106 and SSD1309 panels people own),
//! with no I/O of its own.
//!
//! - [`Controller`] and [`PanelSpec`]: which chip, which size, where the picture sits in its RAM
//!   (the small SSD1306 boards' column offsets, the SH1106's 132-column RAM), validated.
//! - [`init`]: the power-on command sequence per controller (built with the `ssd1306` crate's
//!   `Command`s, adapted for the SH1106 and SSD1309).
//! - [`plan`] and [`Flusher`]: send only what changed since the last flush, as page-mode runs
//!   positioned with the fewest pointer commands, chosen by an exact dynamic program under a
//!   per-bus cost model ([`Bus`]); a whole frame is one data transaction.
//! - [`Transport`]: one bus transaction of commands or of data; [`I2cTransport`] and
//!   [`SpiTransport`] put it on any `embedded-hal` 1.0 bus (rppal's on a Raspberry Pi).
//! - [`VirtualPanel`] ([`VirtualSsd1306`] for the SSD1306): decodes the exact bytes a real panel
//!   would receive into its own RAM, with each controller's quirks.
//! - [`rotate`]: turns frames by 90/270 degrees for a scene shown across the panel.
//! - [`wire`]: a file format for the exact bytes of every transaction, with a decoder.
//! - `testing` (feature `testing`): a fault-injecting I2C bus for tests.
//!
//! The browser's bus preview runs the same planner, so everything here builds for wasm32.
//!
//! ## Counting bytes
//!
//! [`FlushStats`] separates:
//! - the **floor**: GDDRAM bytes that really changed since the previous frame;
//! - **payload bytes** ([`FlushStats::payload_bytes`]): the SSD1306 command bytes + data bytes.
//!   This is the "bytes on the wire" figure compared with the floor and with luma.oled, whose
//!   "1030 bytes per frame" is counted the same way (6 window commands + 1024 data bytes,
//!   `xtask/luma/dashboard.py bus`);
//! - **framing bytes**: what I2C adds around the payload, one address byte per transaction and
//!   the control bytes (0x00/0x40, or 0x80/0xC0 before each byte with Co = 1). SPI has none: D/C
//!   is a pin;
//! - `wire_bytes`: payload + framing, everything clocked on the bus, and `bus_ns`, the modelled
//!   time of it all (START/STOP included) that the planner minimises.
//!
//! Every change that is not contiguous with the previous one costs at least one byte more than
//! the floor (a pointer command, or resending the unchanged bytes in between), so scenes that
//! change a few scattered bytes per frame stay well above it; [`min_payload`] computes the
//! fewest payload bytes any page-mode plan needs, to see how close a flush came.
//!
//! ```
//! use tinydisplay::Frame;
//! use tinydisplay_ssd1306::{Bus, Flusher, I2cTransport, VirtualSsd1306};
//!
//! let mut panel = I2cTransport::new(VirtualSsd1306::new(), 0x3c);
//! let mut flusher = Flusher::new(128, 64, Bus::i2c(400_000));
//! let mut frame = Frame::new(128, 64);
//! frame.set_pixel(10, 20, true);
//! let first = flusher.flush(&frame, &mut panel).unwrap();
//! assert_eq!(first.data_transactions, 1); // the whole frame, in one transaction
//! frame.set_pixel(11, 20, true);
//! let second = flusher.flush(&frame, &mut panel).unwrap();
//! assert_eq!(second.data_bytes, 1); // only the byte that changed
//! // Page addressing mode (0x20 0x02), then page 2 and the column (0xB2 0x0B 0x10).
//! assert_eq!(second.command_bytes, 5);
//! assert_eq!(second.payload_bytes(), 6);
//! assert_eq!(panel.bus().ram_frame(128, 64), frame);
//! ```

#![forbid(unsafe_code)]

mod cost;
mod flush;
pub mod init;
mod panel;
mod plan;
pub mod rotate;
#[cfg(feature = "testing")]
pub mod testing;
mod transport;
mod virt;
pub mod wire;

pub use cost::Bus;
pub use flush::{FlushError, FlushStats, Flusher};
pub use init::PanelConfig;
pub use panel::{Controller, PanelSpec};
pub use plan::{
    min_payload, min_payload_for, plan, plan_for, plan_framed, Framing, I2cFraming, Mode,
    PanelState, Plan, Run,
};
pub use rotate::Rotation;
pub use transport::{
    framed_parts, I2cTransport, Recorded, Recorder, SpiError, SpiTransport, Transport, Write,
};
pub use virt::{AddrMode, Nack, VirtualPanel, VirtualSsd1306};
