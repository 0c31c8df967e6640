//! Sending frames: plan, encode the runs as SSD1306 commands and data in bus transactions, keep
//! track of what the panel holds and where its RAM pointer is.
//!
//! Why not the `ssd1306` crate's buffered flush: it sends I2C data in 16-byte chunks (a full
//! frame is 64 transactions, each paying START, address, control byte and STOP) and tracks a single
//! dirty bounding box, so a clock in one corner and a ball in the other resend nearly the whole
//! panel. Here a full frame is one data transaction, and each frame sends only the runs the cost
//! model finds cheapest, positioned with the fewest page-mode pointer commands.
//!
//! The flusher drives one [`PanelSpec`]: its column offset goes into every column address, and
//! on the SH1106 a full frame is a seek and a data transaction per page.

use crate::cost::Bus;
use crate::init::PanelConfig;
use crate::panel::{Controller, PanelSpec};
use crate::plan::{
    min_payload_for, page_mode_full_frame, plan_for, Addressing, Framing, I2cFraming, Mode,
    PanelState, Plan, Run,
};
use crate::transport::{Transport, Write};
use tinydisplay::Frame;

/// What one flush put on the bus.
///
/// **Payload bytes** ([`payload_bytes`](Self::payload_bytes)) are the SSD1306's command and data
/// bytes, the unit luma.oled's "1030 bytes per frame" counts (6 window commands + 1024 data) and
/// the one to compare with the floor. **Framing bytes** are what I2C adds around them: the
/// address byte of every transaction and every control byte (SPI has none: D/C is a pin).
/// `wire_bytes` is their sum, everything clocked on the bus.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlushStats {
    /// GDDRAM bytes that really changed (no protocol can send fewer data bytes).
    pub floor: usize,
    /// Runs sent (page-mode column ranges, or 1 for a full frame).
    pub rects: usize,
    /// Bus transactions.
    pub transactions: usize,
    /// Transactions carrying display data (1 for a full frame; one per page on the SH1106,
    /// which has no horizontal addressing).
    pub data_transactions: usize,
    pub command_bytes: usize,
    pub data_bytes: usize,
    /// I2C address and control bytes.
    pub framing_bytes: usize,
    /// Every byte clocked on the wire: payload + framing.
    pub wire_bytes: usize,
    /// Modelled bus time, nanoseconds.
    pub bus_ns: u64,
    /// The whole frame went out (the panel's content was unknown, or that was cheapest).
    pub full: bool,
}

impl FlushStats {
    /// Command + data bytes: the SSD1306 payload.
    pub fn payload_bytes(&self) -> usize {
        self.command_bytes + self.data_bytes
    }

    /// Adds another flush's numbers (for averages over a run).
    pub fn add(&mut self, o: &FlushStats) {
        self.floor += o.floor;
        self.rects += o.rects;
        self.transactions += o.transactions;
        self.data_transactions += o.data_transactions;
        self.command_bytes += o.command_bytes;
        self.data_bytes += o.data_bytes;
        self.framing_bytes += o.framing_bytes;
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
    spec: PanelSpec,
    addr: Addressing,
    bus: Bus,
    framing: I2cFraming,
    /// The panel's GDDRAM as far as we know; `None` after start or a bus error.
    last: Option<Vec<u8>>,
    /// The controller's addressing registers as far as we know.
    state: PanelState,
    plan: Plan,
    /// An I2C transaction being filled with Co = 1 control/payload pairs.
    open: Vec<u8>,
    cmd: Vec<u8>,
}

impl Flusher {
    /// An SSD1306 panel of `width` x `height` (with the column offset of
    /// [`PanelSpec::ssd1306`] for the sizes it knows, column 0 for any other size).
    pub fn new(width: u16, height: u16, bus: Bus) -> Self {
        Flusher::for_panel(PanelSpec::any_ssd1306(width, height), bus)
    }

    /// The panel `spec` (any controller): frames are `spec.width()` x `spec.height()`.
    pub fn for_panel(spec: PanelSpec, bus: Bus) -> Self {
        let addr = Addressing::of(&spec);
        Flusher {
            width: spec.width(),
            height: spec.height(),
            spec,
            addr,
            bus,
            framing: I2cFraming::Any,
            last: None,
            state: PanelState::unknown_for(addr),
            plan: Plan::default(),
            open: Vec::new(),
            cmd: Vec::with_capacity(16),
        }
    }

    /// The panel this flusher drives.
    pub fn spec(&self) -> PanelSpec {
        self.spec
    }

    pub fn bus(&self) -> Bus {
        self.bus
    }

    /// Restricts the I2C framings the planner may use (see [`I2cFraming`]).
    pub fn with_i2c_framing(mut self, framing: I2cFraming) -> Self {
        self.set_i2c_framing(framing);
        self
    }

    pub fn set_i2c_framing(&mut self, framing: I2cFraming) {
        self.framing = framing;
    }

    /// Forget what the panel holds and where its RAM pointer is: the next flush sends everything.
    pub fn invalidate(&mut self) {
        self.last = None;
        self.state = PanelState::unknown_for(self.addr);
    }

    /// The frame the panel holds, if known.
    pub fn last_sent(&self) -> Option<&[u8]> {
        self.last.as_deref()
    }

    /// What the flusher knows of the controller's addressing registers.
    pub fn panel_state(&self) -> PanelState {
        self.state
    }

    /// Sends the power-on sequence for `config` as one command transaction. The panel's RAM is
    /// unknown afterwards (it survives a re-init), so the next flush is a full frame.
    pub fn init<T: Transport>(
        &mut self,
        config: &PanelConfig,
        t: &mut T,
    ) -> Result<FlushStats, FlushError<T::Error>> {
        let cmds = config
            .init_commands_for(&self.spec)
            .map_err(FlushError::Unsupported)?;
        self.invalidate();
        let stats = self.commands(&cmds, t)?;
        // The init sequence selects horizontal addressing where the controller has it (see
        // `init`); window and pointer stay unknown.
        self.state.mode = Some(match self.spec.controller() {
            Controller::Sh1106 => Mode::Page,
            Controller::Ssd1306 | Controller::Ssd1309 => Mode::Horizontal,
        });
        Ok(stats)
    }

    /// Sends raw command bytes as one transaction (display off, contrast...). The addressing
    /// state is kept: none of those commands moves the RAM pointer.
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
        self.count(&mut stats, 1, cmds.len(), 0);
        Ok(stats)
    }

    /// Plans what `frame` needs without sending it (the browser's bus preview). Does not change
    /// the flusher's state.
    pub fn preview(&self, frame: &Frame, out: &mut Plan) {
        plan_for(
            self.last.as_deref(),
            frame.as_bytes(),
            &self.spec,
            &self.bus,
            self.framing,
            self.state,
            out,
        )
    }

    /// The fewest payload bytes (commands + data) that would bring the panel to `frame`, for
    /// reports: see [`crate::min_payload`].
    pub fn min_payload(&self, frame: &Frame) -> usize {
        min_payload_for(
            self.last.as_deref(),
            frame.as_bytes(),
            &self.spec,
            self.state,
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
        let mut p = core::mem::take(&mut self.plan);
        self.preview(frame, &mut p);
        let mut stats = FlushStats {
            floor: p.floor,
            rects: if p.full { 1 } else { p.runs.len() },
            full: p.full,
            ..FlushStats::default()
        };
        let result = if p.full {
            self.send_full(next, t, &mut stats)
        } else {
            self.send_runs(&p.runs, next, t, &mut stats)
        };
        self.plan = p;
        match result {
            Ok(()) => {
                match &mut self.last {
                    Some(last) => last.copy_from_slice(next),
                    None => self.last = Some(next.to_vec()),
                }
                Ok(stats)
            }
            Err(e) => {
                // Half a transaction may have landed: assume nothing about RAM or pointer.
                self.invalidate();
                self.open.clear();
                Err(FlushError::Bus(e))
            }
        }
    }

    fn send_full<T: Transport>(
        &mut self,
        next: &[u8],
        t: &mut T,
        stats: &mut FlushStats,
    ) -> Result<(), T::Error> {
        let width = usize::from(self.width);
        let pages = next.len() / width;
        let unknown = PanelState::unknown_for(self.addr);
        if self.addr.page_only {
            // No horizontal mode: one seek and one data transaction per page.
            let start = core::mem::replace(&mut self.state, unknown);
            let end = page_mode_full_frame(start, self.addr, width, pages, |cmds, p| {
                if !cmds.is_empty() {
                    t.write(Write::Commands(cmds))?;
                    self.count(stats, 1, cmds.len(), 0);
                }
                let row = usize::from(p) * width;
                t.write(Write::Data(&next[row..row + width]))?;
                self.count(stats, 1, 0, width);
                Ok(())
            })?;
            self.state = end;
            return Ok(());
        }
        self.cmd.clear();
        self.state
            .full_frame_commands_at(width, pages, self.addr.offset, &mut self.cmd);
        if !self.cmd.is_empty() {
            self.state = unknown;
            t.write(Write::Commands(&self.cmd))?;
            self.count(stats, 1, self.cmd.len(), 0);
        }
        self.state = unknown;
        t.write(Write::Data(next))?;
        self.count(stats, 1, 0, next.len());
        self.state = PanelState::after_full_frame_at(self.addr.offset);
        Ok(())
    }

    fn send_runs<T: Transport>(
        &mut self,
        runs: &[Run],
        next: &[u8],
        t: &mut T,
        stats: &mut FlushStats,
    ) -> Result<(), T::Error> {
        let width = usize::from(self.width);
        let i2c = self.bus.is_i2c();
        self.open.clear();
        // Control bytes in the open transaction, and whether it holds data.
        let (mut open_ctl, mut open_data) = (0, false);
        for r in runs {
            self.cmd.clear();
            let ram_col = r.col0.wrapping_add(self.addr.offset);
            let after = self.state.seek(r.page, ram_col, &mut self.cmd);
            let row = usize::from(r.page) * width;
            let data = &next[row + usize::from(r.col0)..=row + usize::from(r.col1)];
            // Until the run's transactions are through, the pointer is unknown.
            self.state = PanelState::unknown_for(self.addr);
            let (k, n) = (self.cmd.len(), data.len());
            match (i2c, r.framing) {
                (true, Framing::Co) => {
                    for &c in &self.cmd {
                        self.open.extend([0x80, c]);
                    }
                    for &d in data {
                        self.open.extend([0xC0, d]);
                    }
                    open_ctl += k + n;
                    open_data = true;
                    stats.command_bytes += k;
                    stats.data_bytes += n;
                }
                (true, Framing::Stream) => {
                    for &c in &self.cmd {
                        self.open.extend([0x80, c]);
                    }
                    self.open.push(0x40);
                    self.open.extend_from_slice(data);
                    t.write(Write::Framed(&self.open))?;
                    stats.command_bytes += k;
                    stats.data_bytes += n;
                    self.close(stats, open_ctl + k + 1, true);
                    self.open.clear();
                    (open_ctl, open_data) = (0, false);
                }
                _ => {
                    if !self.open.is_empty() {
                        self.open.push(0x00);
                        self.open.extend_from_slice(&self.cmd);
                        t.write(Write::Framed(&self.open))?;
                        stats.command_bytes += k;
                        self.close(stats, open_ctl + 1, open_data);
                        self.open.clear();
                        (open_ctl, open_data) = (0, false);
                    } else if k > 0 {
                        t.write(Write::Commands(&self.cmd))?;
                        self.count(stats, 1, k, 0);
                    }
                    t.write(Write::Data(data))?;
                    self.count(stats, 1, 0, n);
                }
            }
            self.state = after.after(r, width, self.addr);
        }
        if !self.open.is_empty() {
            // The last pair goes out with Co = 0: the same bytes, and no controller has to
            // accept a transaction ending on a Co = 1 byte.
            let i = self.open.len() - 2;
            self.open[i] &= 0x7F;
            t.write(Write::Framed(&self.open))?;
            self.close(stats, open_ctl, open_data);
            self.open.clear();
        }
        Ok(())
    }

    /// Counts a finished Co-framed I2C transaction whose payload bytes are already counted.
    fn close(&self, stats: &mut FlushStats, control: usize, data: bool) {
        stats.transactions += 1;
        stats.data_transactions += usize::from(data);
        let framing = 1 + control;
        stats.framing_bytes += framing;
        stats.wire_bytes += framing;
        // Recompute the payload share from the buffer: everything that is not framing.
        let payload = self.open.len() + 1 - framing;
        stats.wire_bytes += payload;
        stats.bus_ns += self.bus.transaction_ns_framed(framing, payload);
    }

    /// Counts one plain transaction: `commands` command bytes or `data` data bytes.
    fn count(&self, stats: &mut FlushStats, txns: usize, commands: usize, data: usize) {
        stats.transactions += txns;
        if data > 0 {
            stats.data_transactions += 1;
        }
        stats.command_bytes += commands;
        stats.data_bytes += data;
        let payload = commands + data;
        let framing = self.bus.wire_bytes(payload) - payload;
        stats.framing_bytes += framing;
        stats.wire_bytes += payload + framing;
        stats.bus_ns += self.bus.transaction_ns(payload);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::TIE;
    use crate::transport::Recorder;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// The planner's price of a plan is exactly what the encoder then puts on the bus:
        /// modelled time from the transactions and bytes actually sent, payload as tie-break.
        #[test]
        fn the_planned_cost_is_what_goes_on_the_wire(
            a in proptest::collection::vec(proptest::num::u8::ANY, 1024),
            changes in proptest::collection::vec((0usize..1024, proptest::num::u8::ANY), 0..300),
            spi in proptest::bool::ANY,
            controller in proptest::sample::select(Controller::ALL.to_vec()),
        ) {
            let bus = if spi { Bus::spi(8_000_000) } else { Bus::i2c(400_000) };
            let spec = PanelSpec::new(controller, 128, 64).unwrap();
            let mut flusher = Flusher::for_panel(spec, bus);
            let f0 = Frame::from_bytes(128, 64, a.clone()).unwrap();
            let mut b = a;
            for (i, v) in changes {
                b[i] = v;
            }
            let f1 = Frame::from_bytes(128, 64, b).unwrap();
            for f in [&f0, &f1] {
                let mut p = Plan::default();
                flusher.preview(f, &mut p);
                let s = flusher.flush(f, &mut Recorder::new()).unwrap();
                let (txns, payload) = (s.transactions as u64, s.payload_bytes() as u64);
                let time = match bus {
                    Bus::I2c { .. } => 2 * txns + 9 * s.wire_bytes as u64,
                    Bus::Spi { hz, transfer_ns, dc_toggle_ns } => {
                        8_000_000_000 * payload
                            + txns * u64::from(transfer_ns + dc_toggle_ns) * u64::from(hz)
                    }
                };
                proptest::prop_assert_eq!((p.cost / TIE, p.cost % TIE), (time, payload));
                proptest::prop_assert_eq!(p.full, s.full);
            }
        }
    }
}
