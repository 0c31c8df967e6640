//! Test doubles (feature `testing`): an I2C bus that injects faults in front of a
//! [`VirtualSsd1306`], for the flusher's own tests and for the players built on it.

use crate::virt::VirtualSsd1306;
use embedded_hal::i2c::{ErrorKind, ErrorType, I2c, NoAcknowledgeSource, Operation};
use std::collections::BTreeSet;

/// An I2C bus with one virtual SSD1306 on it. Transactions are numbered from 0; those in `fail`
/// deliver only their first half (plus one byte, so the control byte gets through, as in a
/// glitch in the middle of a transfer) and then fail with `fault`. While `absent`, or for any
/// other address than the panel's, every transaction is NACKed.
///
/// ```
/// use tinydisplay_ssd1306::testing::{Fault, FaultyI2c};
/// use tinydisplay_ssd1306::{Bus, FlushError, Flusher, I2cTransport, VirtualSsd1306};
/// let bus = FaultyI2c::new(VirtualSsd1306::new()).failing([0]);
/// let mut t = I2cTransport::new(bus, 0x3c);
/// let mut flusher = Flusher::new(128, 64, Bus::i2c(400_000));
/// let frame = tinydisplay::Frame::new(128, 64);
/// assert!(matches!(flusher.flush(&frame, &mut t), Err(FlushError::Bus(Fault(_)))));
/// assert!(flusher.flush(&frame, &mut t).unwrap().full);
/// assert_eq!(t.bus().panel.ram_frame(128, 64), frame);
/// ```
#[derive(Clone, Debug)]
pub struct FaultyI2c {
    pub panel: VirtualSsd1306,
    /// Transactions seen so far (including failed and NACKed ones).
    pub n: usize,
    pub fail: BTreeSet<usize>,
    pub absent: bool,
    /// What a failing transaction reports.
    pub fault: ErrorKind,
}

impl FaultyI2c {
    /// A bus that never fails, until told otherwise.
    pub fn new(panel: VirtualSsd1306) -> Self {
        FaultyI2c {
            panel,
            n: 0,
            fail: BTreeSet::new(),
            absent: false,
            fault: ErrorKind::Bus,
        }
    }

    /// Fails the transactions with these numbers.
    pub fn failing(mut self, fail: impl IntoIterator<Item = usize>) -> Self {
        self.fail = fail.into_iter().collect();
        self
    }

    /// No device on the bus: everything is NACKed.
    pub fn absent(mut self) -> Self {
        self.absent = true;
        self
    }

    /// Failing transactions report `kind` (default [`ErrorKind::Bus`]).
    pub fn with_fault(mut self, kind: ErrorKind) -> Self {
        self.fault = kind;
        self
    }
}

/// The error of a [`FaultyI2c`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault(pub ErrorKind);

impl embedded_hal::i2c::Error for Fault {
    fn kind(&self) -> ErrorKind {
        self.0
    }
}

impl ErrorType for FaultyI2c {
    type Error = Fault;
}

impl I2c for FaultyI2c {
    fn transaction(&mut self, address: u8, ops: &mut [Operation<'_>]) -> Result<(), Fault> {
        let n = self.n;
        self.n += 1;
        if self.absent || address != self.panel.address() {
            return Err(Fault(ErrorKind::NoAcknowledge(
                NoAcknowledgeSource::Address,
            )));
        }
        let mut bytes = Vec::new();
        for op in ops.iter_mut() {
            match op {
                Operation::Write(b) => bytes.extend_from_slice(b),
                Operation::Read(b) => b.fill(0),
            }
        }
        if self.fail.contains(&n) {
            self.panel
                .i2c_write(&bytes[..(bytes.len() / 2 + 1).min(bytes.len())]);
            return Err(Fault(self.fault));
        }
        self.panel.i2c_write(&bytes);
        Ok(())
    }
}
