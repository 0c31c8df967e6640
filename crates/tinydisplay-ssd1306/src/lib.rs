//! The SSD1306 panel protocol for tinydisplay, with no I/O of its own.
//!
//! - [`init`]: the power-on command sequence (built with the `ssd1306` crate's `Command`s).
//! - [`plan`] and [`Flusher`]: send only what changed since the last flush, as a few
//!   column/page-window rectangles chosen with a per-bus cost model ([`Bus`]).
//! - [`Transport`]: one bus transaction of commands or of data; [`I2cTransport`] and
//!   [`SpiTransport`] put it on any `embedded-hal` 1.0 bus (rppal's on a Raspberry Pi).
//! - [`VirtualSsd1306`]: decodes the exact bytes a real panel would receive into its own GDDRAM.
//! - [`wire`]: a file format for the exact bytes of every transaction, with a decoder.
//!
//! The browser's bus preview runs the same planner, so everything here builds for wasm32.
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
//! assert_eq!(panel.bus().ram_frame(128, 64), frame);
//! ```

#![forbid(unsafe_code)]

mod cost;
mod flush;
pub mod init;
mod plan;
mod transport;
mod virt;
pub mod wire;

pub use cost::Bus;
pub use flush::{FlushError, FlushStats, Flusher};
pub use init::PanelConfig;
pub use plan::{min_payload, plan, Framing, Mode, PanelState, Plan, Run};
pub use transport::{
    framed_parts, I2cTransport, Recorded, Recorder, SpiError, SpiTransport, Transport, Write,
};
pub use virt::{AddrMode, Nack, VirtualSsd1306};
