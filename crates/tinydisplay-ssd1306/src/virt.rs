//! A virtual panel: decodes the exact command and data bytes a panel receives into its own
//! display RAM, the way the datasheet describes the controller ([`Controller`]).
//! [`VirtualSsd1306`] is the SSD1306 model (the name existing callers use).
//!
//! Per controller:
//! - **SSD1306**: 128x64 RAM; everything below.
//! - **SSD1309**: the SSD1306 model, except that 0x8D (charge pump) is not a command of its: it is
//!   counted as unknown and taken as one byte, so its argument is decoded as a command of its own
//!   (0x14 sets the column's high nibble), the way a controller that does not know an opcode
//!   reads on; and 0xFD (command lock) takes its one argument.
//! - **SH1106**: 132x64 RAM; page addressing only. Its command set has no 0x20-0x2F (addressing
//!   mode, windows, scrolling) and no 0x8D: each such byte is counted as unknown and its argument
//!   bytes are decoded as commands of their own. That is what makes SSD1306 code draw garbage on
//!   an SH1106 (0x20 0x00 leaves an 0x00, "column low nibble 0"; 0x21 0 127 sets the column to
//!   0x7F), and so a planner bug of that kind shows up as unknown bytes and a wrong picture. The
//!   column high nibble command takes 4 bits (0x10-0x1F); the column pointer increments after
//!   each data byte and wraps from 131 to 0 within the page. 0x30-0x33 (pump voltage), 0xAD
//!   (DC-DC control, one argument), 0xE0/0xEE (read-modify-write) are decoded and kept.
//!
//! [`VirtualPanel::visible_frame`] is the part of RAM the glass shows: the panel's columns
//! `offset..offset + width` of pages `0..height / 8` ([`PanelSpec`]), as a frame to compare with
//! the frame that was flushed.
//!
//! Decoded: addressing modes (0x20: horizontal, vertical, page), column/page windows (0x21/0x22)
//! and their pointer wrap-around, page-mode start addresses (0xB0-0xB7, 0x00-0x0F, 0x10-0x1F),
//! display on/off, invert, entire-display-on, contrast, segment remap, COM scan direction,
//! multiplex ratio, display offset, start line, charge pump, and the timing/scroll commands (parsed
//! and kept). Unknown bytes are counted, not guessed at.
//!
//! [`VirtualSsd1306::view`] shows what the glass would show. It follows the wiring of the common
//! modules, on which segment remap + reversed COM scan (0xA1, 0xC8, what every driver's init sends)
//! gives an upright picture.

use embedded_hal::i2c::{
    ErrorKind, ErrorType, I2c, NoAcknowledgeSource, Operation, SevenBitAddress,
};
use tinydisplay::Frame;

use crate::init::arg_count;
use crate::panel::{Controller, PanelSpec};

/// SSD1306 GDDRAM columns.
#[cfg(test)]
pub const COLS: usize = 128;
/// GDDRAM pages (8 rows each).
pub const PAGES: usize = 8;

/// Memory addressing mode (command 0x20).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrMode {
    Horizontal,
    Vertical,
    /// The power-on default.
    Page,
}

/// The SSD1306 model (a [`VirtualPanel`] made by [`VirtualPanel::new`]).
pub type VirtualSsd1306 = VirtualPanel;

/// The controller's registers and display RAM.
#[derive(Clone, Debug)]
pub struct VirtualPanel {
    spec: PanelSpec,
    /// RAM columns (128, or 132 on the SH1106); the RAM is `cols` x [`PAGES`], page-major.
    cols: usize,
    ram: Vec<u8>,
    address: u8,
    mode: AddrMode,
    col_start: u8,
    col_end: u8,
    page_start: u8,
    page_end: u8,
    col: u8,
    page: u8,
    display_on: bool,
    inverted: bool,
    entire_on: bool,
    contrast: u8,
    seg_remap: bool,
    com_reversed: bool,
    mux: u8,
    offset: u8,
    start_line: u8,
    charge_pump: bool,
    com_pins: u8,
    clock_div: u8,
    precharge: u8,
    vcomh: u8,
    scrolling: bool,
    /// SH1106 DC-DC control (0xAD) and pump voltage (0x30-0x33); SSD1309 command lock (0xFD).
    dc_dc: u8,
    pump_voltage: u8,
    locked: bool,
    /// A multi-byte command waiting for its arguments: (opcode, args so far, args needed).
    pending: Option<(u8, Vec<u8>, usize)>,
    unknown: usize,
    commands: usize,
    data_bytes: usize,
    transactions: usize,
}

impl Default for VirtualPanel {
    fn default() -> Self {
        VirtualPanel::new()
    }
}

impl VirtualPanel {
    /// An SSD1306 128x64 just powered on (datasheet reset values), answering at I2C address
    /// 0x3C, RAM dark.
    pub fn new() -> Self {
        VirtualPanel::for_panel(PanelSpec::any_ssd1306(128, 64))
    }

    /// The panel `spec` just powered on: its controller's RAM and reset values.
    pub fn for_panel(spec: PanelSpec) -> Self {
        let cols = usize::from(spec.controller().ram_cols());
        VirtualPanel {
            spec,
            cols,
            ram: vec![0; cols * PAGES],
            address: 0x3C,
            mode: AddrMode::Page,
            col_start: 0,
            col_end: 127,
            page_start: 0,
            page_end: 7,
            col: 0,
            page: 0,
            display_on: false,
            inverted: false,
            entire_on: false,
            contrast: 0x7F,
            seg_remap: false,
            com_reversed: false,
            mux: 63,
            offset: 0,
            start_line: 0,
            charge_pump: false,
            com_pins: 0x12,
            clock_div: 0x80,
            precharge: 0x22,
            vcomh: 0x20,
            scrolling: false,
            dc_dc: 0x8B,
            pump_voltage: 2,
            locked: false,
            pending: None,
            unknown: 0,
            commands: 0,
            data_bytes: 0,
            transactions: 0,
        }
    }

    /// A real panel's RAM holds noise at power-on; tests start from noise so that nothing passes
    /// because both sides happen to be dark.
    pub fn with_noise(seed: u32) -> Self {
        VirtualPanel::new().noise(seed)
    }

    /// Fills the RAM with noise from `seed` (see [`with_noise`](Self::with_noise)).
    pub fn noise(mut self, seed: u32) -> Self {
        let v = &mut self;
        let mut x = seed | 1;
        for b in &mut v.ram {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        self
    }

    /// Answer at another I2C address (0x3D is the other common one).
    pub fn with_address(mut self, address: u8) -> Self {
        self.address = address;
        self
    }

    /// The RST pin: registers back to their reset values; RAM is kept.
    pub fn reset(&mut self) {
        let ram = core::mem::take(&mut self.ram);
        let address = self.address;
        *self = VirtualPanel {
            ram,
            address,
            ..VirtualPanel::for_panel(self.spec)
        };
    }

    /// One I2C write transaction as the panel sees it after its address byte: control bytes
    /// (Co bit 7, D/C bit 6) followed by command or data bytes.
    pub fn i2c_write(&mut self, bytes: &[u8]) {
        self.transactions += 1;
        let mut i = 0;
        while i < bytes.len() {
            let control = bytes[i];
            i += 1;
            let data = control & 0x40 != 0;
            if control & 0x3F != 0 {
                self.unknown += 1;
            }
            if control & 0x80 != 0 {
                // Co = 1: exactly one byte, then another control byte.
                if let Some(&b) = bytes.get(i) {
                    self.byte(data, b);
                    i += 1;
                }
            } else {
                for &b in &bytes[i..] {
                    self.byte(data, b);
                }
                return;
            }
        }
    }

    /// One SPI transfer with the D/C pin high (`data`) or low (commands).
    pub fn spi_write(&mut self, data: bool, bytes: &[u8]) {
        self.transactions += 1;
        for &b in bytes {
            self.byte(data, b);
        }
    }

    fn byte(&mut self, data: bool, b: u8) {
        if data {
            self.data(b)
        } else {
            self.command(b)
        }
    }

    /// Writes one byte of display data at the RAM pointer and advances it.
    pub fn data(&mut self, b: u8) {
        self.data_bytes += 1;
        let (p, c) = (
            usize::from(self.page) % PAGES,
            usize::from(self.col) % self.cols,
        );
        self.ram[p * self.cols + c] = b;
        if self.spec.controller() == Controller::Sh1106 {
            // Page addressing is all it has.
            self.col = if c + 1 >= self.cols { 0 } else { c as u8 + 1 };
            return;
        }
        match self.mode {
            AddrMode::Horizontal => {
                if self.col >= self.col_end {
                    self.col = self.col_start;
                    self.page = if self.page >= self.page_end {
                        self.page_start
                    } else {
                        self.page + 1
                    };
                } else {
                    self.col += 1;
                }
            }
            AddrMode::Vertical => {
                if self.page >= self.page_end {
                    self.page = self.page_start;
                    self.col = if self.col >= self.col_end {
                        self.col_start
                    } else {
                        self.col + 1
                    };
                } else {
                    self.page += 1;
                }
            }
            // Page mode: the column pointer wraps within the page, the page stays.
            AddrMode::Page => self.col = if self.col >= 127 { 0 } else { self.col + 1 },
        }
    }

    /// Feeds one command byte (an opcode or the argument of a pending one).
    pub fn command(&mut self, b: u8) {
        if let Some((op, mut args, need)) = self.pending.take() {
            args.push(b);
            if args.len() < need {
                self.pending = Some((op, args, need));
            } else {
                self.apply(op, &args);
            }
            return;
        }
        let need = match (self.spec.controller(), b) {
            // Not commands of theirs: one unknown byte each (see the module docs).
            (Controller::Sh1106, 0x20..=0x2F | 0x8D | 0xA3 | 0xD6)
            | (Controller::Ssd1309, 0x8D) => 0,
            (_, b) => arg_count(b),
        };
        if need == 0 {
            self.apply(b, &[]);
        } else {
            self.pending = Some((b, Vec::with_capacity(need), need));
        }
    }

    fn apply(&mut self, op: u8, a: &[u8]) {
        self.commands += 1;
        match (self.spec.controller(), op) {
            (Controller::Sh1106, 0x10..=0x1F) => {
                self.col = ((op & 0x0F) << 4) | (self.col & 0x0F);
                return;
            }
            (Controller::Sh1106, 0x30..=0x33) => {
                self.pump_voltage = op & 0x03;
                return;
            }
            (Controller::Sh1106, 0xAD) => {
                self.dc_dc = a[0];
                return;
            }
            (Controller::Sh1106, 0xE0 | 0xEE) => return,
            (Controller::Sh1106, 0x20..=0x2F | 0x8D | 0xA3 | 0xD6)
            | (Controller::Ssd1309, 0x8D) => {
                self.commands -= 1;
                self.unknown += 1;
                return;
            }
            (Controller::Ssd1309, 0xFD) => {
                self.locked = a[0] & 0x04 != 0;
                return;
            }
            _ => {}
        }
        match op {
            0x00..=0x0F => self.col = (self.col & 0xF0) | op,
            0x10..=0x1F => self.col = ((op & 0x07) << 4) | (self.col & 0x0F),
            0x20 => {
                self.mode = match a[0] & 0x03 {
                    0 => AddrMode::Horizontal,
                    1 => AddrMode::Vertical,
                    2 => AddrMode::Page,
                    _ => {
                        self.unknown += 1;
                        self.mode
                    }
                }
            }
            0x21 => {
                self.col_start = a[0] & 0x7F;
                self.col_end = a[1] & 0x7F;
                self.col = self.col_start;
            }
            0x22 => {
                self.page_start = a[0] & 0x07;
                self.page_end = a[1] & 0x07;
                self.page = self.page_start;
            }
            0x26 | 0x27 | 0x29 | 0x2A | 0xA3 => {}
            0x2E => self.scrolling = false,
            0x2F => self.scrolling = true,
            0x40..=0x7F => self.start_line = op & 0x3F,
            0x81 => self.contrast = a[0],
            0x8D => self.charge_pump = a[0] & 0x04 != 0,
            0xA0 | 0xA1 => self.seg_remap = op == 0xA1,
            0xA4 | 0xA5 => self.entire_on = op == 0xA5,
            0xA6 | 0xA7 => self.inverted = op == 0xA7,
            0xA8 => {
                if a[0] & 0x3F >= 15 {
                    self.mux = a[0] & 0x3F
                } else {
                    self.unknown += 1
                }
            }
            0xAD | 0xD6 => {}
            0xAE | 0xAF => self.display_on = op == 0xAF,
            0xB0..=0xB7 => self.page = op & 0x07,
            0xC0..=0xCF => self.com_reversed = op & 0x08 != 0,
            0xD3 => self.offset = a[0] & 0x3F,
            0xD5 => self.clock_div = a[0],
            0xD9 => self.precharge = a[0],
            0xDA => self.com_pins = a[0],
            0xDB => self.vcomh = a[0],
            0xE3 => {}
            _ => {
                self.commands -= 1;
                self.unknown += 1;
            }
        }
    }

    /// The raw display RAM: 8 pages of 128 columns (132 on the SH1106), the same layout as
    /// [`Frame`].
    pub fn ram(&self) -> &[u8] {
        &self.ram
    }

    /// The panel this model is.
    pub fn spec(&self) -> PanelSpec {
        self.spec
    }

    /// The first `height / 8` pages and `width` columns of RAM (from column 0), as a frame.
    pub fn ram_frame(&self, width: u16, height: u16) -> Frame {
        self.ram_window(0, width, height)
    }

    /// What the glass shows of RAM: columns `offset..offset + width` of the panel's pages
    /// ([`PanelSpec`]), as a frame (compare it with the frame that was flushed).
    pub fn visible_frame(&self) -> Frame {
        let s = self.spec;
        self.ram_window(usize::from(s.col_offset()), s.width(), s.height())
    }

    fn ram_window(&self, col0: usize, width: u16, height: u16) -> Frame {
        let col0 = col0.min(self.cols);
        let (w, pages) = (
            usize::from(width).min(self.cols - col0),
            usize::from(height.div_ceil(8)).min(PAGES),
        );
        let mut bytes = Vec::with_capacity(w * pages);
        for p in 0..pages {
            let row = p * self.cols + col0;
            bytes.extend_from_slice(&self.ram[row..row + w]);
        }
        Frame::from_bytes(w as u16, (pages * 8) as u16, bytes).unwrap_or_else(|| Frame::new(0, 0))
    }

    /// What the glass shows, `width` x (multiplex ratio + 1) pixels: RAM through segment remap,
    /// COM scan direction, start line, display offset, entire-on, invert and display on/off.
    pub fn view(&self, width: u16) -> Frame {
        let rows = u16::from(self.mux) + 1;
        let mut f = Frame::new(width, rows.div_ceil(8) * 8);
        if !self.display_on {
            return f;
        }
        let n = i32::from(rows);
        for y in 0..n {
            // The modules wire COM lines bottom-up, so a reversed scan is upright.
            let logical = if self.com_reversed { y } else { n - 1 - y };
            let ram_row =
                (logical + i32::from(self.start_line) + i32::from(self.offset)).rem_euclid(64);
            let (off, last) = (i32::from(self.spec.col_offset()), self.cols as i32 - 1);
            for x in 0..i32::from(width) {
                let col = if self.seg_remap {
                    off + x
                } else {
                    last - off - x
                };
                let col = col.clamp(0, last) as usize;
                let lit = self.entire_on
                    || self.ram[(ram_row as usize / 8) * self.cols + col] & (1 << (ram_row % 8))
                        != 0;
                f.set_pixel(x, y, lit != self.inverted);
            }
        }
        f
    }

    /// The I2C address it answers at.
    pub fn address(&self) -> u8 {
        self.address
    }
    pub fn addr_mode(&self) -> AddrMode {
        self.mode
    }
    pub fn display_on(&self) -> bool {
        self.display_on
    }
    pub fn inverted(&self) -> bool {
        self.inverted
    }
    pub fn entire_on(&self) -> bool {
        self.entire_on
    }
    pub fn contrast(&self) -> u8 {
        self.contrast
    }
    pub fn seg_remap(&self) -> bool {
        self.seg_remap
    }
    pub fn com_reversed(&self) -> bool {
        self.com_reversed
    }
    pub fn charge_pump(&self) -> bool {
        self.charge_pump
    }
    pub fn multiplex(&self) -> u8 {
        self.mux
    }
    pub fn scrolling(&self) -> bool {
        self.scrolling
    }
    /// SH1106: the last 0xAD argument (DC-DC control).
    pub fn dc_dc(&self) -> u8 {
        self.dc_dc
    }
    /// SSD1309: the command lock (0xFD 0x16) is on.
    pub fn locked(&self) -> bool {
        self.locked
    }
    /// Column and page window `((c0, c1), (p0, p1))`.
    pub fn window(&self) -> ((u8, u8), (u8, u8)) {
        (
            (self.col_start, self.col_end),
            (self.page_start, self.page_end),
        )
    }
    /// The RAM pointer `(column, page)`.
    pub fn pointer(&self) -> (u8, u8) {
        (self.col, self.page)
    }
    /// Bytes it could not make sense of (unknown opcodes, bad control bytes).
    pub fn unknown(&self) -> usize {
        self.unknown
    }
    /// Commands decoded, data bytes written, transactions received.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.commands, self.data_bytes, self.transactions)
    }
}

/// The panel NACKed its address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nack;

impl embedded_hal::i2c::Error for Nack {
    fn kind(&self) -> ErrorKind {
        ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)
    }
}

impl ErrorType for VirtualPanel {
    type Error = Nack;
}

/// The virtual panel on an embedded-hal I2C bus: writes to its address are decoded, other
/// addresses are NACKed, reads return zeros (the SSD1306 is write-only over I2C).
impl I2c<SevenBitAddress> for VirtualPanel {
    fn transaction(&mut self, address: u8, operations: &mut [Operation<'_>]) -> Result<(), Nack> {
        if address != self.address {
            return Err(Nack);
        }
        // embedded-hal merges adjacent writes into one transaction.
        let mut buf = Vec::new();
        for op in operations.iter_mut() {
            match op {
                Operation::Write(b) => buf.extend_from_slice(b),
                Operation::Read(b) => b.fill(0),
            }
        }
        self.i2c_write(&buf);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizontal_window_wraps_within_the_window() {
        let mut v = VirtualSsd1306::new();
        v.i2c_write(&[0x00, 0x20, 0x00, 0x21, 10, 11, 0x22, 2, 3]);
        v.i2c_write(&[0x40, 1, 2, 3, 4]);
        assert_eq!(v.ram()[2 * 128 + 10], 1);
        assert_eq!(v.ram()[2 * 128 + 11], 2);
        assert_eq!(v.ram()[3 * 128 + 10], 3);
        assert_eq!(v.ram()[3 * 128 + 11], 4);
        assert_eq!(v.pointer(), (10, 2));
        // The next byte lands at the window start again.
        v.i2c_write(&[0x40, 5]);
        assert_eq!(v.ram()[2 * 128 + 10], 5);
        assert_eq!(v.pointer(), (11, 2));
    }

    #[test]
    fn vertical_mode_goes_down_first() {
        let mut v = VirtualSsd1306::new();
        v.spi_write(false, &[0x20, 0x01, 0x21, 0, 127, 0x22, 0, 1]);
        v.spi_write(true, &[9, 8, 7]);
        assert_eq!((v.ram()[0], v.ram()[128], v.ram()[1]), (9, 8, 7));
    }

    #[test]
    fn page_mode_uses_b0_and_nibbles_and_stays_in_the_page() {
        let mut v = VirtualSsd1306::new();
        assert_eq!(v.addr_mode(), AddrMode::Page);
        // Co = 1 framing: one control byte per command byte.
        v.i2c_write(&[0x80, 0xB5, 0x80, 0x0E, 0x80, 0x17, 0x40, 0xAA, 0xBB]);
        assert_eq!(v.ram()[5 * 128 + 126], 0xAA);
        assert_eq!(v.ram()[5 * 128 + 127], 0xBB);
        v.i2c_write(&[0x40, 0xCC]);
        assert_eq!(v.ram()[5 * 128], 0xCC);
    }

    /// The datasheet's 0x21 "is only for horizontal or vertical addressing mode": a window left
    /// over from a horizontal-mode flush must not bound page mode, whose column pointer runs to
    /// 127 and then wraps to column 0 of the same page (never to the old window's start).
    #[test]
    fn page_mode_ignores_a_leftover_column_window() {
        let mut v = VirtualSsd1306::new();
        // Horizontal mode, columns 10..=20, pages 1..=2; then page mode.
        v.i2c_write(&[0x00, 0x20, 0x00, 0x21, 10, 20, 0x22, 1, 2, 0x20, 0x02]);
        assert_eq!(v.window(), ((10, 20), (1, 2)));
        // Page 3, column 18: past the window's end column without wrapping at 20.
        v.i2c_write(&[0x00, 0xB3, 0x02, 0x11]);
        v.i2c_write(&[0x40, 0xA1, 0xA2, 0xA3, 0xA4]);
        // Page 4, column 125: four bytes run past the end of the row.
        v.i2c_write(&[0x00, 0xB4, 0x0D, 0x17]);
        v.i2c_write(&[0x40, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5]);
        let mut want = vec![0u8; COLS * PAGES];
        want[3 * 128 + 18..3 * 128 + 22].copy_from_slice(&[0xA1, 0xA2, 0xA3, 0xA4]);
        want[4 * 128 + 125..4 * 128 + 128].copy_from_slice(&[0xB1, 0xB2, 0xB3]);
        want[4 * 128..4 * 128 + 2].copy_from_slice(&[0xB4, 0xB5]);
        for page in [3, 4] {
            let row = page * COLS..(page + 1) * COLS;
            assert_eq!(v.ram()[row.clone()], want[row], "page {page}");
        }
        assert_eq!(v.ram(), &want[..], "nothing else written");
        assert_eq!(v.pointer(), (2, 4), "column 2 of the same page");
    }

    #[test]
    fn state_commands_are_tracked_and_unknown_ones_counted() {
        let mut v = VirtualSsd1306::new();
        v.i2c_write(&[
            0x00, 0x81, 0x30, 0xA7, 0xA1, 0xC8, 0x8D, 0x14, 0xAF, 0xA5, 0x26, 0, 0, 0, 7, 0, 0xFF,
            0x2F, 0xFF,
        ]);
        assert_eq!(v.contrast(), 0x30);
        assert!(v.inverted() && v.seg_remap() && v.com_reversed() && v.charge_pump());
        assert!(v.display_on() && v.entire_on() && v.scrolling());
        assert_eq!(v.unknown(), 1);
    }

    #[test]
    fn view_follows_remap_scan_invert_and_power() {
        let mut v = VirtualSsd1306::new();
        v.i2c_write(&[0x00, 0xA1, 0xC8, 0xAF]);
        v.i2c_write(&[0x40, 0x01]); // page mode, page 0 col 0: pixel (0, 0)
        assert!(v.view(128).pixel(0, 0));
        v.i2c_write(&[0x00, 0xA0, 0xC0]); // both flipped: 180 degrees
        assert!(v.view(128).pixel(127, 63));
        v.i2c_write(&[0x00, 0xA7]);
        assert!(!v.view(128).pixel(127, 63) && v.view(128).pixel(0, 0));
        v.i2c_write(&[0x00, 0xAE]);
        assert_eq!(v.view(128).lit(), 0);
    }

    fn sh1106() -> VirtualPanel {
        VirtualPanel::for_panel(PanelSpec::new(Controller::Sh1106, 128, 64).unwrap())
    }

    #[test]
    fn sh1106_has_132_columns_and_wraps_within_the_page() {
        let mut v = sh1106();
        assert_eq!(v.ram().len(), 132 * 8);
        // Page 6, column 0x82 = 130: the high nibble takes 4 bits on the SH1106.
        v.i2c_write(&[0x00, 0xB6, 0x02, 0x18]);
        v.i2c_write(&[0x40, 1, 2, 3, 4]);
        assert_eq!(&v.ram()[6 * 132 + 130..6 * 132 + 132], &[1, 2]);
        assert_eq!(&v.ram()[6 * 132..6 * 132 + 2], &[3, 4]);
        assert_eq!(v.pointer(), (2, 6));
        assert_eq!(v.unknown(), 0);
    }

    /// The commands SSD1306 drivers send that the SH1106 does not have: each is one unknown byte
    /// and its arguments are read as commands (0x20 0x00: "column low nibble 0"; 0x21 5 9: column
    /// low nibble 5, then 9), so the pointer ends up where the real chip would put it.
    #[test]
    fn sh1106_reads_ssd1306_only_commands_as_unknown_bytes() {
        let mut v = sh1106();
        v.i2c_write(&[0x00, 0xB1, 0x1F, 0x0F, 0x20, 0x00]);
        assert_eq!(v.pointer(), (0xF0, 1));
        assert_eq!(v.unknown(), 1);
        v.i2c_write(&[0x00, 0x21, 5, 9, 0x8D, 0x14]);
        assert_eq!(v.pointer(), (0x49, 1));
        assert_eq!(v.unknown(), 3);
        assert_eq!(v.addr_mode(), AddrMode::Page);
        v.i2c_write(&[0x00, 0xAD, 0x8A, 0x31]);
        assert_eq!((v.dc_dc(), v.unknown()), (0x8A, 3));
    }

    #[test]
    fn visible_frame_is_the_panels_columns_from_its_offset() {
        let spec = PanelSpec::ssd1306(72, 40).unwrap();
        let mut v = VirtualPanel::for_panel(spec);
        // Page 4, RAM column 28 (picture column 0) and 99 (picture column 71).
        v.i2c_write(&[0x00, 0xB4, 0x0C, 0x11]);
        v.i2c_write(&[0x40, 0x80]);
        v.i2c_write(&[0x00, 0x03, 0x16]);
        v.i2c_write(&[0x40, 0x01]);
        let f = v.visible_frame();
        assert_eq!((f.width(), f.height()), (72, 40));
        assert!(f.pixel(0, 39) && f.pixel(71, 32));
        assert_eq!(f.lit(), 2);
    }

    #[test]
    fn ssd1309_has_no_charge_pump_command() {
        let mut v = VirtualPanel::for_panel(PanelSpec::new(Controller::Ssd1309, 128, 64).unwrap());
        v.i2c_write(&[0x00, 0x8D, 0x14, 0xFD, 0x16]);
        assert!(!v.charge_pump());
        assert_eq!(v.unknown(), 1);
        // 0x14 was a column high nibble.
        assert_eq!(v.pointer(), (0x40, 0));
        assert!(v.locked());
    }

    #[test]
    fn wrong_address_is_nacked() {
        let mut v = VirtualSsd1306::new();
        assert_eq!(v.write(0x3D, &[0x00, 0xAF]), Err(Nack));
        assert!(!v.display_on());
        assert_eq!(v.write(0x3C, &[0x00, 0xAF]), Ok(()));
        assert!(v.display_on());
    }
}
