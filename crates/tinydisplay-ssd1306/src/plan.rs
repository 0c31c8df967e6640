//! The flush planner: which GDDRAM bytes to rewrite, with which commands and in which bus
//! transactions, so that the panel shows the new frame at the lowest modelled bus time.
//!
//! A frame that changed is sent in **page addressing mode** (0x20 0x02) as runs: a run is a range
//! of columns on one page. Positioning the RAM pointer at a run costs at most 3 command bytes
//! (0xB0|page, 0x00|low nibble, 0x10|high nibble), and only the bytes whose value differs from
//! the pointer the controller already holds are sent: after a run, the column pointer sits just
//! behind it (it auto-increments, the page stays), so the next run on that page needs 1 or 2
//! bytes. Window commands (0x21/0x22, 6 bytes per rectangle) would cost more for every run.
//!
//! A whole frame (at start, after a bus error, or when cheaper) is one horizontal-mode data
//! transaction over the full 0x21/0x22 window, so it takes 1 data transaction, not 64.
//!
//! Which changed bytes form a run (bridging a gap by resending its unchanged bytes, or paying
//! another run's commands) and, on I2C, how runs are framed, is an exact dynamic program over the
//! changed bytes in page-major order under the [`Bus`] cost model. I2C framings ([`Framing`]):
//! - `Co`: every command and data byte behind its own control byte (Co = 1), inside a
//!   transaction that a later run closes: 2 bytes on the wire per byte, no START/address;
//! - `Stream`: the commands Co = 1, then control 0x40 and the data, closing the transaction;
//! - `Split`: the commands as one transaction (0x00 ...), the data as another (0x40 ...).
//!
//! SPI has one framing (a command transfer with D/C low, a data transfer with D/C high).
//!
//! ## Other controllers and smaller panels
//!
//! Runs and frames use picture columns; every column address sent (page-mode nibbles, the 0x21
//! window) adds the panel's column offset ([`PanelSpec::col_offset`]), and the pointer the
//! planner tracks is the RAM column. The SH1106 has no addressing-mode or window commands (it
//! would read 0x20 0x00 as an unknown byte and a column nibble): it is always in page mode, no
//! 0x20 0x02 is ever sent, and a full frame is one seek and one data transaction per page,
//! priced page by page with the same model, so the planner's cost stays exact.

use crate::cost::Bus;
use crate::panel::PanelSpec;

/// How the planner addresses the RAM: where picture column 0 sits, and whether only page
/// addressing exists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Addressing {
    pub offset: u8,
    pub page_only: bool,
}

impl Addressing {
    pub fn of(spec: &PanelSpec) -> Addressing {
        Addressing {
            offset: spec.col_offset(),
            page_only: !spec.controller().has_horizontal_mode(),
        }
    }

    /// The RAM column of picture column `col`.
    fn ram_col(&self, col: u8) -> u8 {
        col.wrapping_add(self.offset)
    }

    /// The column pointer after a data byte at picture column `end - 1`, when it is certain.
    /// On the SSD1306 only inside the picture (at its last column the pointer wraps, to 0 or to
    /// the window start, depending on the mode). On the SH1106 anywhere short of its RAM's last
    /// column 131: the picture ends at RAM column 129, so the pointer there is simply one on.
    fn col_after(&self, end: usize, width: usize) -> Option<u8> {
        let known = if self.page_only {
            end + usize::from(self.offset) < 131
        } else {
            end < width.min(128)
        };
        if known {
            u8::try_from(end).ok()?.checked_add(self.offset)
        } else {
            None
        }
    }
}

/// Which I2C framings the planner may use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum I2cFraming {
    /// Every framing of the SSD1306 datasheet (section 8.1.5), including `Co` (each byte behind
    /// its own Co = 1 control byte, several runs in one transaction): the fewest bus bit-times.
    #[default]
    Any,
    /// Only `Split`: a command transaction (0x00 ...) and a data transaction (0x40 ...), the
    /// framing every common driver (luma.oled, u8g2, the ssd1306 crate) uses. For controller
    /// clones that mishandle Co = 1 data bytes; costs a few more bytes per run.
    Plain,
}

/// Addressing mode the controller is known to be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Horizontal,
    Page,
}

/// What the flusher knows about the controller's addressing registers. `None`/`false`: unknown,
/// so the planner sends the command that sets it. After a bus error everything is unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PanelState {
    pub mode: Option<Mode>,
    /// The 0x21/0x22 window is the whole panel.
    pub full_window: bool,
    /// Page pointer.
    pub page: Option<u8>,
    /// Column pointer.
    pub col: Option<u8>,
}

impl PanelState {
    /// Nothing known (power-on, or after a bus error).
    pub const UNKNOWN: PanelState = PanelState {
        mode: None,
        full_window: false,
        page: None,
        col: None,
    };

    /// Appends the commands that put the RAM pointer at (`page`, `col`) in page addressing mode
    /// and returns the state after them.
    pub(crate) fn seek(&self, page: u8, col: u8, out: &mut impl Extend<u8>) -> PanelState {
        let mut s = *self;
        if s.mode != Some(Mode::Page) {
            out.extend([0x20, 0x02]);
            // Whether a mode switch keeps the pointers is not documented: assume nothing.
            s = PanelState {
                mode: Some(Mode::Page),
                page: None,
                col: None,
                ..s
            };
        }
        if s.page != Some(page) {
            out.extend([0xB0 | (page & 7)]);
        }
        if s.col.is_none_or(|c| c & 0x0F != col & 0x0F) {
            out.extend([col & 0x0F]);
        }
        if s.col.is_none_or(|c| c >> 4 != col >> 4) {
            out.extend([0x10 | (col >> 4)]);
        }
        PanelState {
            page: Some(page),
            col: Some(col),
            ..s
        }
    }

    /// Command bytes [`seek`](Self::seek) would send.
    pub(crate) fn seek_len(&self, page: u8, col: u8) -> usize {
        let mut n = Count(0);
        self.seek(page, col, &mut n);
        n.0
    }

    /// Nothing known about the pointer of a panel addressed by `addr`: an SH1106 is always in
    /// page mode (it has no other), so that much is known even then.
    pub(crate) fn unknown_for(addr: Addressing) -> PanelState {
        PanelState {
            mode: addr.page_only.then_some(Mode::Page),
            ..PanelState::UNKNOWN
        }
    }

    /// The state after `run` was written (on a panel `width` columns wide, addressed by `addr`).
    pub(crate) fn after(&self, run: &Run, width: usize, addr: Addressing) -> PanelState {
        PanelState {
            mode: Some(Mode::Page),
            full_window: self.full_window,
            page: Some(run.page),
            col: addr.col_after(usize::from(run.col1) + 1, width),
        }
    }

    /// Appends the commands for a full-frame write in horizontal mode over `width` x `pages`,
    /// the window starting at RAM column `offset`.
    pub(crate) fn full_frame_commands_at(
        &self,
        width: usize,
        pages: usize,
        offset: u8,
        out: &mut Vec<u8>,
    ) {
        if self.mode != Some(Mode::Horizontal) {
            out.extend([0x20, 0x00]);
        }
        let at_start = self.mode == Some(Mode::Horizontal)
            && self.full_window
            && self.page == Some(0)
            && self.col == Some(offset);
        if !at_start {
            // Setting the window also puts the pointer at its start.
            let end = (width - 1 + usize::from(offset)) as u8;
            out.extend([0x21, offset, end, 0x22, 0, (pages - 1) as u8]);
        }
    }

    /// After a full frame the pointer wrapped back to the window start.
    #[cfg(test)]
    pub(crate) fn after_full_frame() -> PanelState {
        PanelState::after_full_frame_at(0)
    }

    /// [`after_full_frame`](Self::after_full_frame) with the window at RAM column `offset`.
    pub(crate) fn after_full_frame_at(offset: u8) -> PanelState {
        PanelState {
            mode: Some(Mode::Horizontal),
            full_window: true,
            page: Some(0),
            col: Some(offset),
        }
    }
}

/// A page-mode full frame (the SH1106's): for each page, the seek commands to its first
/// column, then the page's `width` data bytes. Calls `page(commands, page)` in order and returns
/// the state after the last page, or the first error `page` returned.
pub(crate) fn page_mode_full_frame<E>(
    state: PanelState,
    addr: Addressing,
    width: usize,
    pages: usize,
    mut page: impl FnMut(&[u8], u8) -> Result<(), E>,
) -> Result<PanelState, E> {
    let mut st = state;
    let mut cmds = Vec::with_capacity(8);
    for p in 0..pages {
        let p = p as u8;
        cmds.clear();
        let run = Run {
            page: p,
            col0: 0,
            col1: (width - 1) as u8,
            framing: Framing::Split,
        };
        st = st
            .seek(p, addr.ram_col(0), &mut cmds)
            .after(&run, width, addr);
        page(&cmds, p)?;
    }
    Ok(st)
}

/// Counts bytes instead of keeping them.
struct Count(usize);
impl Extend<u8> for Count {
    fn extend<I: IntoIterator<Item = u8>>(&mut self, iter: I) {
        self.0 += iter.into_iter().count();
    }
}

/// How a run's commands and data are framed into I2C transactions (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// Every byte behind a Co = 1 control byte, in a transaction a later run (or the end of the
    /// flush) closes.
    Co,
    /// Commands with Co = 1, then 0x40 and the data; closes the transaction.
    Stream,
    /// Commands in one transaction, data in the next (always on SPI).
    Split,
}

/// Columns `col0..=col1` of one page, sent in page addressing mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub page: u8,
    pub col0: u8,
    pub col1: u8,
    pub framing: Framing,
}

impl Run {
    /// Data bytes the run carries.
    pub fn data_len(&self) -> usize {
        usize::from(self.col1 - self.col0) + 1
    }
}

/// A planned flush.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Bytes that really changed (no protocol can send fewer data bytes).
    pub floor: usize,
    /// Send the whole frame in one horizontal-mode transaction; `runs` is empty then.
    pub full: bool,
    /// Page-mode runs, in the order they go out.
    pub runs: Vec<Run>,
    /// Modelled cost in the planner's units (comparable only between plans for the same bus).
    pub cost: u64,
}

impl Plan {
    /// Data bytes the plan sends.
    pub fn data_bytes(&self, frame_len: usize) -> usize {
        if self.full {
            frame_len
        } else {
            self.runs.iter().map(Run::data_len).sum()
        }
    }
}

/// One way of framing a run, priced: `base + per_cmd * k + (k > 0 ? cmd_txn : 0) + per_data * n`
/// for `k` command and `n` data bytes. `open`: the run leaves its transaction open, and closing
/// it at the end of the flush costs `Costs::close`.
#[derive(Clone, Copy, Debug)]
struct Opt {
    framing: Framing,
    base: u64,
    per_cmd: u64,
    cmd_txn: u64,
    per_data: u64,
    open: bool,
    /// Only for runs with commands (with none it would equal another option).
    needs_cmds: bool,
}

impl Opt {
    fn fixed(&self, k: usize) -> u64 {
        if k == 0 && self.needs_cmds {
            return INF;
        }
        let cmd_txn = if k > 0 { self.cmd_txn } else { 0 };
        self.base + self.per_cmd * k as u64 + cmd_txn
    }
}

const INF: u64 = u64::MAX / 4;
/// More than the payload bytes of any plan (at most 1024 data bytes; at most 512 runs, as runs
/// are at least one byte apart, of at most 3 command bytes, plus 2 for the mode switch), so that
/// payload only breaks ties of bus time.
pub(crate) const TIE: u64 = 4096;

/// The prices the dynamic program minimises.
struct Costs {
    opts: Vec<Opt>,
    close: u64,
    /// Fixed cost of a whole transaction (with its control byte on I2C), and of each byte in it.
    txn: u64,
    per_byte: u64,
}

impl Costs {
    /// Bus time, then payload bytes to break ties: time (I2C: bit-times; SPI: bit-times x 1e9 +
    /// ns x hz, i.e. time x hz x 1e9) times [`TIE`], plus one per command or data byte.
    fn bus(bus: &Bus, framing: I2cFraming) -> Costs {
        let mut c = Costs::time(bus);
        if framing == I2cFraming::Plain {
            c.opts.retain(|o| o.framing == Framing::Split);
        }
        for o in &mut c.opts {
            o.base *= TIE;
            o.cmd_txn *= TIE;
            o.per_cmd = o.per_cmd * TIE + 1;
            o.per_data = o.per_data * TIE + 1;
        }
        c.close *= TIE;
        c.txn *= TIE;
        c.per_byte = c.per_byte * TIE + 1;
        c
    }

    fn time(bus: &Bus) -> Costs {
        match *bus {
            Bus::I2c { .. } => {
                // A transaction: START + STOP + address byte = 2 + 9 bit-times; each control,
                // command or data byte 9.
                let txn = 2 + 9;
                Costs {
                    opts: vec![
                        Opt {
                            framing: Framing::Co,
                            base: 0,
                            per_cmd: 18,
                            cmd_txn: 0,
                            per_data: 18,
                            open: true,
                            needs_cmds: false,
                        },
                        Opt {
                            framing: Framing::Stream,
                            base: txn + 9,
                            per_cmd: 18,
                            cmd_txn: 0,
                            per_data: 9,
                            open: false,
                            needs_cmds: false,
                        },
                        Opt {
                            framing: Framing::Split,
                            base: txn + 9,
                            per_cmd: 9,
                            cmd_txn: txn + 9,
                            per_data: 9,
                            open: false,
                            needs_cmds: true,
                        },
                    ],
                    close: txn,
                    txn: txn + 9,
                    per_byte: 9,
                }
            }
            Bus::Spi {
                hz,
                transfer_ns,
                dc_toggle_ns,
            } => {
                let g = 1_000_000_000u64;
                let t = (u64::from(transfer_ns) + u64::from(dc_toggle_ns)) * u64::from(hz.max(1));
                Costs {
                    opts: vec![Opt {
                        framing: Framing::Split,
                        base: t,
                        per_cmd: 8 * g,
                        cmd_txn: t,
                        per_data: 8 * g,
                        open: false,
                        needs_cmds: false,
                    }],
                    close: 0,
                    txn: t,
                    per_byte: 8 * g,
                }
            }
        }
    }

    /// Payload bytes only (commands + data): the objective of [`min_payload`].
    fn payload() -> Costs {
        Costs {
            opts: vec![Opt {
                framing: Framing::Split,
                base: 0,
                per_cmd: 1,
                cmd_txn: 0,
                per_data: 1,
                open: false,
                needs_cmds: false,
            }],
            close: 0,
            txn: 0,
            per_byte: 1,
        }
    }

    /// A transaction of `k` command bytes (if any), then one of `n` data bytes: the full frame.
    fn pair(&self, k: usize, n: usize) -> u64 {
        let cmd = if k > 0 {
            self.txn + self.per_byte * k as u64
        } else {
            0
        };
        cmd + self.txn + self.per_byte * n as u64
    }
}

/// Plans a flush of `next` (page layout, `width` columns) over a panel that holds `prev`
/// (`None`: unknown, e.g. at start or after a bus error) with addressing registers `state`.
///
/// ```
/// use tinydisplay_ssd1306::{plan, Bus, PanelState, Plan};
/// let prev = vec![0u8; 128 * 8];
/// let mut next = prev.clone();
/// next[3 * 128 + 10] = 0xff; // page 3, columns 10 and 12
/// next[3 * 128 + 12] = 0x01;
/// let mut p = Plan::default();
/// plan(Some(&prev), &next, 128, &Bus::i2c(400_000), PanelState::UNKNOWN, &mut p);
/// assert_eq!(p.floor, 2);
/// assert!(!p.full);
/// // One run over the unchanged byte in between: resending it is cheaper than a second run.
/// assert_eq!((p.runs.len(), p.runs[0].page, p.runs[0].col0, p.runs[0].col1), (1, 3, 10, 12));
/// ```
pub fn plan(
    prev: Option<&[u8]>,
    next: &[u8],
    width: usize,
    bus: &Bus,
    state: PanelState,
    out: &mut Plan,
) {
    plan_framed(prev, next, width, bus, I2cFraming::Any, state, out);
}

/// [`plan`] with a choice of I2C framings (SPI ignores it).
pub fn plan_framed(
    prev: Option<&[u8]>,
    next: &[u8],
    width: usize,
    bus: &Bus,
    framing: I2cFraming,
    state: PanelState,
    out: &mut Plan,
) {
    let costs = Costs::bus(bus, framing);
    plan_with(prev, next, width, Addressing::default(), &costs, state, out);
}

/// [`plan_framed`] for the panel `spec` (its controller's addressing, its column offset).
/// `next` is the picture, `spec.width()` columns wide.
pub fn plan_for(
    prev: Option<&[u8]>,
    next: &[u8],
    spec: &PanelSpec,
    bus: &Bus,
    framing: I2cFraming,
    state: PanelState,
    out: &mut Plan,
) {
    let costs = Costs::bus(bus, framing);
    let width = usize::from(spec.width());
    plan_with(prev, next, width, Addressing::of(spec), &costs, state, out);
}

/// The fewest payload bytes (commands + data) any page-mode plan (or the full frame) needs for
/// this change: what [`plan`] would send if only bytes counted, not transactions. A lower bound
/// for the bytes the time-optimal plan sends.
pub fn min_payload(prev: Option<&[u8]>, next: &[u8], width: usize, state: PanelState) -> usize {
    let mut p = Plan::default();
    let costs = Costs::payload();
    plan_with(
        prev,
        next,
        width,
        Addressing::default(),
        &costs,
        state,
        &mut p,
    );
    p.cost as usize
}

/// [`min_payload`] for the panel `spec`.
pub fn min_payload_for(
    prev: Option<&[u8]>,
    next: &[u8],
    spec: &PanelSpec,
    state: PanelState,
) -> usize {
    let mut p = Plan::default();
    let width = usize::from(spec.width());
    let addr = Addressing::of(spec);
    plan_with(prev, next, width, addr, &Costs::payload(), state, &mut p);
    p.cost as usize
}

/// The price of a full frame from `state`: one command and one data transaction in horizontal
/// mode, or one (seek, page) pair per page in page-only mode.
fn full_cost(
    costs: &Costs,
    state: PanelState,
    addr: Addressing,
    width: usize,
    pages: usize,
) -> u64 {
    if addr.page_only {
        let mut total = 0u64;
        let _ = page_mode_full_frame(state, addr, width, pages, |cmds, _| {
            total = total.saturating_add(costs.pair(cmds.len(), width));
            Ok::<(), ()>(())
        });
        total
    } else {
        let mut full_cmds = Vec::new();
        state.full_frame_commands_at(width, pages, addr.offset, &mut full_cmds);
        costs.pair(full_cmds.len(), pages * width)
    }
}

fn plan_with(
    prev: Option<&[u8]>,
    next: &[u8],
    width: usize,
    addr: Addressing,
    costs: &Costs,
    state: PanelState,
    out: &mut Plan,
) {
    out.runs.clear();
    out.full = false;
    out.cost = 0;
    out.floor = 0;
    if width == 0 || next.is_empty() {
        return;
    }
    let pages = next.len() / width;
    let full_cost = full_cost(costs, state, addr, width, pages);
    let Some(prev) = prev.filter(|p| p.len() == next.len()) else {
        out.floor = next.len();
        out.full = true;
        out.cost = full_cost;
        return;
    };

    // Changed bytes in page-major order, as (page, column).
    let changed: Vec<(u8, u8)> = (0..next.len())
        .filter(|&i| prev[i] != next[i])
        .map(|i| ((i / width) as u8, (i % width) as u8))
        .collect();
    out.floor = changed.len();
    if changed.is_empty() {
        return;
    }

    // dp[s]: cheapest cost of sending changed[..=j] with the run holding changed[j] framed by
    // option s. back[j][s]: how changed[j] joined: BRIDGE/CONTINUE (same run, same option) or
    // the option of the run before it (a new run starts at changed[j]).
    const SAME: u8 = u8::MAX;
    let n_opts = costs.opts.len();
    let mut dp = [INF; 3];
    let mut back: Vec<[u8; 3]> = Vec::with_capacity(changed.len());
    let (p0, c0) = changed[0];
    let k0 = state.seek_len(p0, addr.ram_col(c0));
    for (s, o) in costs.opts.iter().enumerate() {
        dp[s] = o.fixed(k0).saturating_add(o.per_data);
    }
    back.push([SAME; 3]);
    for j in 1..changed.len() {
        let (pp, pc) = changed[j - 1];
        let (p, c) = changed[j];
        let mut b = [SAME; 3];
        if p == pp && c == pc + 1 {
            for (s, o) in costs.opts.iter().enumerate() {
                dp[s] = dp[s].saturating_add(o.per_data);
            }
        } else {
            // The pointer after a run ending at changed[j-1] does not depend on where it began.
            let after = PanelState {
                mode: Some(Mode::Page),
                page: Some(pp),
                col: addr.col_after(usize::from(pc) + 1, width),
                full_window: false,
            };
            let k = after.seek_len(p, addr.ram_col(c));
            let gap = if p == pp {
                Some(u64::from(c - pc))
            } else {
                None
            };
            let mut new = [INF; 3];
            for (s2, o2) in costs.opts.iter().enumerate() {
                if let Some(g) = gap {
                    new[s2] = dp[s2].saturating_add(o2.per_data * g);
                }
                let fixed = o2.fixed(k).saturating_add(o2.per_data);
                for (s, &d) in dp.iter().enumerate().take(n_opts) {
                    let v = d.saturating_add(fixed);
                    if v < new[s2] {
                        new[s2] = v;
                        b[s2] = s as u8;
                    }
                }
            }
            dp = new;
        }
        back.push(b);
    }
    let (mut s, best) = (0..n_opts)
        .map(|s| {
            let close = if costs.opts[s].open { costs.close } else { 0 };
            (s, dp[s].saturating_add(close))
        })
        .min_by_key(|&(_, v)| v)
        .unwrap_or((0, INF));
    if best > full_cost {
        out.full = true;
        out.cost = full_cost;
        return;
    }
    out.cost = best;
    // Walk back: a run starts at changed[j] when back[j][s] names the previous run's option.
    let mut end = changed.len() - 1;
    for j in (0..changed.len()).rev() {
        let b = back[j][s];
        if j == 0 || b != SAME {
            let (page, col0) = changed[j];
            out.runs.push(Run {
                page,
                col0,
                col1: changed[end].1,
                framing: costs.opts[s].framing,
            });
            if j > 0 {
                s = usize::from(b);
                end = j - 1;
            }
        }
    }
    out.runs.reverse();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(p: &Plan) -> Vec<(u8, u8, u8)> {
        p.runs.iter().map(|r| (r.page, r.col0, r.col1)).collect()
    }

    /// Plans `next` over `prev` on a 128-column panel.
    fn plan_on(prev: Option<&[u8]>, next: &[u8], bus: Bus, state: PanelState) -> Plan {
        let mut p = Plan::default();
        plan(prev, next, 128, &bus, state, &mut p);
        p
    }

    fn page_mode() -> PanelState {
        PanelState {
            mode: Some(Mode::Page),
            ..PanelState::UNKNOWN
        }
    }

    #[test]
    fn unknown_panel_gets_the_full_frame() {
        let next = vec![1u8; 128 * 8];
        let p = plan_on(None, &next, Bus::i2c(400_000), PanelState::UNKNOWN);
        assert!(p.full && p.runs.is_empty());
        assert_eq!(p.floor, 1024);
    }

    #[test]
    fn no_change_sends_nothing() {
        let f = vec![7u8; 128 * 4];
        let mut p = Plan::default();
        plan(Some(&f), &f, 128, &Bus::i2c(400_000), page_mode(), &mut p);
        assert_eq!((p.floor, p.full, p.cost), (0, false, 0));
        assert!(p.runs.is_empty());
    }

    #[test]
    fn seek_sends_only_the_pointer_bytes_that_differ() {
        let mut v = Vec::new();
        let s = PanelState::UNKNOWN.seek(3, 0x25, &mut v);
        assert_eq!(v, [0x20, 0x02, 0xB3, 0x05, 0x12]);
        v.clear();
        // Same page, same high nibble: one byte.
        let s = s.seek(3, 0x2A, &mut v);
        assert_eq!(v, [0x0A]);
        v.clear();
        s.seek(4, 0x3A, &mut v);
        assert_eq!(v, [0xB4, 0x13]);
        assert_eq!(s.seek_len(3, 0x2A), 0);
    }

    #[test]
    fn far_apart_changes_stay_separate_and_close_ones_join() {
        let prev = vec![0u8; 128 * 8];
        let mut next = prev.clone();
        for x in 0..8 {
            next[x] = 1;
            next[100 + x] = 1;
        }
        // Two bytes with a one-byte gap on page 5: cheaper to resend the gap.
        next[5 * 128 + 40] = 1;
        next[5 * 128 + 42] = 1;
        let p = plan_on(Some(&prev), &next, Bus::i2c(400_000), page_mode());
        assert_eq!(p.floor, 18);
        assert_eq!(runs(&p), vec![(0, 0, 7), (0, 100, 107), (5, 40, 42)]);
    }

    #[test]
    fn plain_i2c_framing_uses_only_command_and_data_transactions() {
        let prev = vec![0u8; 128 * 8];
        let mut next = prev.clone();
        // Scattered single bytes: where `Any` picks Co = 1 pairs.
        for i in (0..128 * 8).step_by(37) {
            next[i] = 0x5a;
        }
        let bus = Bus::i2c(400_000);
        let (mut any, mut plain) = (Plan::default(), Plan::default());
        plan_framed(
            Some(&prev),
            &next,
            128,
            &bus,
            I2cFraming::Any,
            page_mode(),
            &mut any,
        );
        plan_framed(
            Some(&prev),
            &next,
            128,
            &bus,
            I2cFraming::Plain,
            page_mode(),
            &mut plain,
        );
        assert!(any.runs.iter().any(|r| r.framing != Framing::Split));
        assert!(!plain.runs.is_empty());
        assert!(plain.runs.iter().all(|r| r.framing == Framing::Split));
        assert!(
            plain.cost >= any.cost,
            "restricting the framings cannot be cheaper"
        );
    }

    #[test]
    fn spi_bridges_more_eagerly_than_i2c() {
        let prev = vec![0u8; 128 * 8];
        let mut next = prev.clone();
        next[0] = 1;
        next[20] = 1; // a 19-byte gap: 19 us on SPI at 8 MHz, less than two more transfers
        let i2c = plan_on(Some(&prev), &next, Bus::i2c(400_000), page_mode());
        let spi = plan_on(Some(&prev), &next, Bus::spi(8_000_000), page_mode());
        assert_eq!(runs(&i2c), vec![(0, 0, 0), (0, 20, 20)]);
        assert_eq!(runs(&spi), vec![(0, 0, 20)]);
    }

    #[test]
    fn a_mostly_changed_frame_goes_out_whole() {
        let prev = vec![0u8; 128 * 8];
        let next: Vec<u8> = (0..1024).map(|i| (i % 3 != 0) as u8).collect();
        let p = plan_on(Some(&prev), &next, Bus::i2c(400_000), page_mode());
        assert!(p.full, "{:?}", runs(&p));
    }

    #[test]
    fn page_only_full_frames_seek_each_page_with_the_offset() {
        let addr = Addressing {
            offset: 2,
            page_only: true,
        };
        let mut seen = Vec::new();
        let end = page_mode_full_frame(PanelState::unknown_for(addr), addr, 128, 3, |c, p| {
            seen.push((p, c.to_vec()));
            Ok::<(), ()>(())
        })
        .unwrap();
        // No 0x20 mode command; page 0 needs both nibbles of column 2; after 128 bytes the
        // pointer sits at RAM column 130 = 0x82, whose low nibble is already 2.
        assert_eq!(
            seen,
            vec![
                (0, vec![0xB0, 0x02, 0x10]),
                (1, vec![0xB1, 0x10]),
                (2, vec![0xB2, 0x10])
            ]
        );
        assert_eq!(end.col, Some(130));
        // A one-byte change at picture column 0x25 goes to RAM column 0x27.
        let prev = vec![0u8; 128 * 8];
        let mut next = prev.clone();
        next[4 * 128 + 0x25] = 1;
        let mut p = Plan::default();
        let spec = PanelSpec::new(crate::Controller::Sh1106, 128, 64).unwrap();
        let bus = Bus::i2c(400_000);
        let st = PanelState::unknown_for(addr);
        plan_for(Some(&prev), &next, &spec, &bus, I2cFraming::Any, st, &mut p);
        assert_eq!(runs(&p), vec![(4, 0x25, 0x25)]);
        let mut v = Vec::new();
        st.seek(4, addr.ram_col(0x25), &mut v);
        assert_eq!(v, [0xB4, 0x07, 0x12]);
    }

    #[test]
    fn min_payload_counts_commands_and_data() {
        let prev = vec![0u8; 128 * 8];
        let mut next = prev.clone();
        next[2 * 128 + 0x31] = 9;
        next[2 * 128 + 0x38] = 9;
        // B2 01 13, data, 08, data (a 6-byte gap costs more than one command byte).
        assert_eq!(min_payload(Some(&prev), &next, 128, page_mode()), 6);
    }

    /// Every way to cut the changed bytes into runs and frame each run, priced by the same
    /// model: the cheapest must be what the dynamic program found (or the full frame).
    fn brute_force(
        prev: &[u8],
        next: &[u8],
        width: usize,
        addr: Addressing,
        costs: &Costs,
        state: PanelState,
    ) -> u64 {
        let changed: Vec<(u8, u8)> = (0..next.len())
            .filter(|&i| prev[i] != next[i])
            .map(|i| ((i / width) as u8, (i % width) as u8))
            .collect();
        // Optional cuts: between changed bytes on one page with a gap; cuts between pages are
        // forced, adjacent bytes never cut.
        let optional: Vec<usize> = (1..changed.len())
            .filter(|&j| changed[j].0 == changed[j - 1].0 && changed[j].1 > changed[j - 1].1 + 1)
            .collect();
        let mut best = INF;
        for mask in 0u32..1 << optional.len() {
            let mut runs: Vec<(u8, u8, u8)> = Vec::new();
            for (j, &(p, c)) in changed.iter().enumerate() {
                let cut = j == 0
                    || changed[j - 1].0 != p
                    || optional
                        .iter()
                        .position(|&o| o == j)
                        .is_some_and(|i| mask & (1 << i) != 0);
                if cut {
                    runs.push((p, c, c));
                } else if let Some(r) = runs.last_mut() {
                    r.2 = c;
                }
            }
            let n = costs.opts.len();
            for mut f in 0..n.pow(runs.len() as u32) {
                let (mut st, mut total, mut open) = (state, 0u64, false);
                for &(p, c0, c1) in &runs {
                    let o = &costs.opts[f % n];
                    f /= n;
                    let k = st.seek_len(p, addr.ram_col(c0));
                    let len = u64::from(c1 - c0) + 1;
                    total = total
                        .saturating_add(o.fixed(k))
                        .saturating_add(o.per_data * len);
                    open = o.open;
                    st = st.seek(p, addr.ram_col(c0), &mut Count(0)).after(
                        &Run {
                            page: p,
                            col0: c0,
                            col1: c1,
                            framing: o.framing,
                        },
                        width,
                        addr,
                    );
                }
                if open {
                    total += costs.close;
                }
                best = best.min(total);
            }
        }
        best
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        #[test]
        fn dynamic_program_is_optimal(
            changes in proptest::collection::vec((0usize..40, 1u8..=255), 0..9),
            bus in 0usize..3,
            start in 0usize..4,
            addressing in 0usize..3,
        ) {
            // 20 columns x 2 pages: few enough cuts and runs to try every plan.
            let width = 20;
            let prev = vec![0u8; width * 2];
            let mut next = prev.clone();
            for (i, v) in changes {
                next[i] = v;
            }
            let bus = [Bus::i2c(400_000), Bus::spi(8_000_000), Bus::i2c(100_000)][bus];
            let state = [
                PanelState::UNKNOWN,
                page_mode(),
                PanelState { page: Some(1), col: Some(3), ..page_mode() },
                PanelState::after_full_frame(),
            ][start];
            // SSD1306 at column 0, an SH1106-like page-only RAM at offset 2, a small SSD1306 at 3.
            let addr = [
                Addressing::default(),
                Addressing { offset: 2, page_only: true },
                Addressing { offset: 3, page_only: false },
            ][addressing];
            let state = if addr.page_only && state.mode != Some(Mode::Page) {
                PanelState::unknown_for(addr)
            } else {
                state
            };
            for costs in [Costs::bus(&bus, I2cFraming::Any), Costs::bus(&bus, I2cFraming::Plain), Costs::payload()] {
                let mut p = Plan::default();
                plan_with(Some(&prev), &next, width, addr, &costs, state, &mut p);
                let brute = brute_force(&prev, &next, width, addr, &costs, state);
                let full = full_cost(&costs, state, addr, width, 2);
                if p.full {
                    proptest::prop_assert!(full < brute);
                    proptest::prop_assert_eq!(p.cost, full);
                } else {
                    proptest::prop_assert_eq!(p.cost, brute);
                    proptest::prop_assert!(p.cost <= full);
                }
            }
        }
    }
}
