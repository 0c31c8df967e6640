//! Sending frames: plan, encode each rectangle as a window + data transaction pair, keep track of
//! what the panel holds.
//!
//! Why not the `ssd1306` crate's buffered flush: it sends I2C data in 16-byte chunks (a full
//! frame is 64 transactions, each paying START, address, control byte and STOP) and tracks a single
//! dirty bounding box, so a clock in one corner and a ball in the other resend nearly the whole
//! panel. Here a full frame is one data transaction, and each frame sends only the rectangles the
//! cost model finds cheapest.

use crate::cost::Bus;
use crate::init::{CommandBytes, PanelConfig};
use crate::plan::{plan, Rect};
use crate::transport::{Transport, Write};
use ssd1306::command::{AddrMode, Command, Page};
use tinydisplay::Frame;

/// What one flush put on the bus.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlushStats {
    /// GDDRAM bytes that really changed (the floor no protocol can go below).
    pub floor: usize,
    /// Rectangles sent.
    pub rects: usize,
    /// Bus transactions (command and data).
    pub transactions: usize,
    /// Data transactions (one per rectangle).
    pub data_transactions: usize,
    pub command_bytes: usize,
    pub data_bytes: usize,
    /// Every byte clocked on the wire (on I2C including address and control bytes).
    pub wire_bytes: usize,
    /// Modelled bus time, nanoseconds.
    pub bus_ns: u64,
    /// The panel's content was unknown, so the whole frame went out.
    pub full: bool,
}

impl FlushStats {
    /// Adds another flush's numbers (for averages over a run).
    pub fn add(&mut self, o: &FlushStats) {
        self.floor += o.floor;
        self.rects += o.rects;
        self.transactions += o.transactions;
        self.data_transactions += o.data_transactions;
        self.command_bytes += o.command_bytes;
        self.data_bytes += o.data_bytes;
        self.wire_bytes += o.wire_bytes;
        self.bus_ns += o.bus_ns;
        self.full |= o.full;
    }
}

/// A flush failed. After a bus error the flusher forgets what the panel holds, so the next flush
/// sends the full frame and a half-written transaction cannot leave garbage behind.
#[derive(Debug)]
pub enum FlushError<E> {
    Bus(E),
    /// The frame does not have the panel's size.
    Geometry {
        panel: (u16, u16),
        frame: (u16, u16),
    },
    /// A panel configuration the init sequence does not know.
    Unsupported(String),
}

impl<E: core::fmt::Debug> core::fmt::Display for FlushError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FlushError::Bus(e) => write!(f, "bus error: {e:?}"),
            FlushError::Geometry { panel, frame } => write!(
                f,
                "frame is {}x{} but the panel is {}x{}",
                frame.0, frame.1, panel.0, panel.1
            ),
            FlushError::Unsupported(m) => f.write_str(m),
        }
    }
}

/// Keeps what the panel holds and sends each new frame as cheaply as the [`Bus`] model allows.
#[derive(Clone, Debug)]
pub struct Flusher {
    width: u16,
    height: u16,
    bus: Bus,
    /// The panel's GDDRAM as far as we know; `None` after start or a bus error.
    last: Option<Vec<u8>>,
    /// The column/page window in force, with the RAM pointer at its start (a write that fills a
    /// window exactly wraps the pointer back to the start). `None` when unknown.
    window: Option<Rect>,
    /// Horizontal addressing mode is known to be selected.
    horizontal: bool,
    rects: Vec<Rect>,
    cmd: Vec<u8>,
    data: Vec<u8>,
}

impl Flusher {
    pub fn new(width: u16, height: u16, bus: Bus) -> Self {
        Flusher {
            width,
            height,
            bus,
            last: None,
            window: None,
            horizontal: false,
            rects: Vec::new(),
            cmd: Vec::with_capacity(16),
            data: Vec::with_capacity(usize::from(width) * usize::from(height.div_ceil(8))),
        }
    }

    pub fn bus(&self) -> Bus {
        self.bus
    }

    /// Forget what the panel holds: the next flush sends everything.
    pub fn invalidate(&mut self) {
        self.last = None;
        self.window = None;
        self.horizontal = false;
    }

    /// The frame the panel holds, if known.
    pub fn last_sent(&self) -> Option<&[u8]> {
        self.last.as_deref()
    }

    /// Sends the power-on sequence for `config` as one command transaction. The panel's RAM is
    /// unknown afterwards (it survives a re-init), so the next flush is a full frame.
    pub fn init<T: Transport>(
        &mut self,
        config: &PanelConfig,
        t: &mut T,
    ) -> Result<FlushStats, FlushError<T::Error>> {
        let cmds = config.init_commands().map_err(FlushError::Unsupported)?;
        self.invalidate();
        let stats = self.commands(&cmds, t)?;
        self.horizontal = true;
        Ok(stats)
    }

    /// Sends raw command bytes as one transaction (display off, contrast...). The window state
    /// is kept: none of those commands moves the RAM pointer.
    pub fn commands<T: Transport>(
        &mut self,
        cmds: &[u8],
        t: &mut T,
    ) -> Result<FlushStats, FlushError<T::Error>> {
        let mut stats = FlushStats::default();
        if cmds.is_empty() {
            return Ok(stats);
        }
        if let Err(e) = t.write(Write::Commands(cmds)) {
            self.invalidate();
            return Err(FlushError::Bus(e));
        }
        stats.transactions = 1;
        stats.command_bytes = cmds.len();
        stats.wire_bytes = self.bus.wire_bytes(cmds.len());
        stats.bus_ns = self.bus.transaction_ns(cmds.len());
        Ok(stats)
    }

    /// Plans what `frame` needs without sending it (the browser's bus preview): the rectangles
    /// and the floor. Does not change the flusher's state.
    pub fn preview(&self, frame: &Frame, out: &mut Vec<Rect>) -> usize {
        plan(
            self.last.as_deref(),
            frame.as_bytes(),
            usize::from(self.width),
            &self.bus,
            out,
        )
    }

    /// Sends what changed since the last flush.
    pub fn flush<T: Transport>(
        &mut self,
        frame: &Frame,
        t: &mut T,
    ) -> Result<FlushStats, FlushError<T::Error>> {
        if frame.width() != self.width || frame.height() != self.height {
            return Err(FlushError::Geometry {
                panel: (self.width, self.height),
                frame: (frame.width(), frame.height()),
            });
        }
        let next = frame.as_bytes();
        let width = usize::from(self.width);
        let mut rects = core::mem::take(&mut self.rects);
        let floor = plan(self.last.as_deref(), next, width, &self.bus, &mut rects);
        let mut stats = FlushStats {
            floor,
            rects: rects.len(),
            full: self.last.is_none(),
            ..FlushStats::default()
        };
        let result = self.send_rects(&rects, next, width, t, &mut stats);
        self.rects = rects;
        match result {
            Ok(()) => {
                match &mut self.last {
                    Some(last) => last.copy_from_slice(next),
                    None => self.last = Some(next.to_vec()),
                }
                Ok(stats)
            }
            Err(e) => {
                self.invalidate();
                Err(FlushError::Bus(e))
            }
        }
    }

    fn send_rects<T: Transport>(
        &mut self,
        rects: &[Rect],
        next: &[u8],
        width: usize,
        t: &mut T,
        stats: &mut FlushStats,
    ) -> Result<(), T::Error> {
        for r in rects {
            let mut cmd = CommandBytes(core::mem::take(&mut self.cmd));
            cmd.0.clear();
            if !self.horizontal {
                let _ = Command::AddressMode(AddrMode::Horizontal).send(&mut cmd);
            }
            // The last window wrapped the pointer back to its (col0, page0): a rectangle sharing
            // its column (or page) range needs only the other command, and the same rectangle none.
            let known = self.window;
            if known.is_none_or(|w| (w.col0, w.col1) != (r.col0, r.col1)) {
                let _ = Command::ColumnAddress(r.col0, r.col1).send(&mut cmd);
            }
            if known.is_none_or(|w| (w.page0, w.page1) != (r.page0, r.page1)) {
                // ssd1306's Page::from takes a pixel row.
                let _ = Command::PageAddress(Page::from(r.page0 * 8), Page::from(r.page1 * 8))
                    .send(&mut cmd);
            }
            self.cmd = cmd.0;
            if !self.cmd.is_empty() {
                self.window = None;
                t.write(Write::Commands(&self.cmd))?;
                self.count(stats, self.cmd.len(), false);
                self.horizontal = true;
            }
            self.data.clear();
            for p in usize::from(r.page0)..=usize::from(r.page1) {
                let row = p * width;
                self.data.extend_from_slice(
                    &next[row + usize::from(r.col0)..=row + usize::from(r.col1)],
                );
            }
            self.window = None;
            t.write(Write::Data(&self.data))?;
            self.count(stats, self.data.len(), true);
            self.window = Some(*r);
        }
        Ok(())
    }

    fn count(&self, stats: &mut FlushStats, payload: usize, data: bool) {
        stats.transactions += 1;
        if data {
            stats.data_transactions += 1;
            stats.data_bytes += payload;
        } else {
            stats.command_bytes += payload;
        }
        stats.wire_bytes += self.bus.wire_bytes(payload);
        stats.bus_ns += self.bus.transaction_ns(payload);
    }
}
