//! One SSD1306 bus transaction at a time, over any embedded-hal 1.0 bus.

use core::fmt;
use embedded_hal::digital::OutputPin;
use embedded_hal::i2c::I2c;
use embedded_hal::spi::SpiDevice;

/// What one transaction carries: command bytes (D/C low) or display data (D/C high).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write<'a> {
    Commands(&'a [u8]),
    Data(&'a [u8]),
}

/// A bus that puts one [`Write`] on the wire as one transaction.
pub trait Transport {
    type Error: fmt::Debug;
    fn write(&mut self, w: Write<'_>) -> Result<(), Self::Error>;
}

impl<T: Transport + ?Sized> Transport for &mut T {
    type Error = T::Error;
    fn write(&mut self, w: Write<'_>) -> Result<(), Self::Error> {
        (**self).write(w)
    }
}

/// SSD1306 over I2C: each write is one I2C transaction `[address] control payload...`, with
/// control byte 0x00 (Co = 0, D/C = 0: the rest are commands) or 0x40 (the rest are data).
///
/// The payload is copied behind the control byte into one buffer on purpose: rppal (like Linux
/// i2c-dev `write`) turns every embedded-hal `Operation` into its own transaction, so handing it
/// `[control]` and `payload` separately would send two transactions and break the protocol.
pub struct I2cTransport<I> {
    i2c: I,
    address: u8,
    buf: Vec<u8>,
}

impl<I> I2cTransport<I> {
    pub fn new(i2c: I, address: u8) -> Self {
        I2cTransport {
            i2c,
            address,
            buf: Vec::with_capacity(1025),
        }
    }

    pub fn address(&self) -> u8 {
        self.address
    }

    pub fn bus(&self) -> &I {
        &self.i2c
    }

    pub fn bus_mut(&mut self) -> &mut I {
        &mut self.i2c
    }

    pub fn into_inner(self) -> I {
        self.i2c
    }
}

/// The I2C control byte and payload of a write.
pub(crate) fn i2c_parts<'a>(w: &Write<'a>) -> (u8, &'a [u8]) {
    match *w {
        Write::Commands(b) => (0x00, b),
        Write::Data(b) => (0x40, b),
    }
}

impl<I: I2c> Transport for I2cTransport<I> {
    type Error = I::Error;
    fn write(&mut self, w: Write<'_>) -> Result<(), I::Error> {
        let (control, payload) = i2c_parts(&w);
        self.buf.clear();
        self.buf.push(control);
        self.buf.extend_from_slice(payload);
        self.i2c.write(self.address, &self.buf)
    }
}

/// SSD1306 over 4-wire SPI: the D/C pin selects commands (low) or data (high), then one SPI
/// transfer carries the payload. The pin is only written when it has to change.
pub struct SpiTransport<S, DC> {
    spi: S,
    dc: DC,
    dc_high: Option<bool>,
}

/// An SPI transfer or the D/C pin failed.
#[derive(Debug)]
pub enum SpiError<S, P> {
    Spi(S),
    Dc(P),
}

impl<S: fmt::Debug, P: fmt::Debug> fmt::Display for SpiError<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpiError::Spi(e) => write!(f, "SPI transfer failed: {e:?}"),
            SpiError::Dc(e) => write!(f, "D/C pin failed: {e:?}"),
        }
    }
}

impl<S, DC> SpiTransport<S, DC> {
    pub fn new(spi: S, dc: DC) -> Self {
        SpiTransport {
            spi,
            dc,
            dc_high: None,
        }
    }

    pub fn into_inner(self) -> (S, DC) {
        (self.spi, self.dc)
    }
}

impl<S: SpiDevice, DC: OutputPin> Transport for SpiTransport<S, DC> {
    type Error = SpiError<S::Error, DC::Error>;
    fn write(&mut self, w: Write<'_>) -> Result<(), Self::Error> {
        let (high, payload) = match w {
            Write::Commands(b) => (false, b),
            Write::Data(b) => (true, b),
        };
        if self.dc_high != Some(high) {
            // Unknown after a failure: the next write sets the pin again.
            self.dc_high = None;
            if high {
                self.dc.set_high()
            } else {
                self.dc.set_low()
            }
            .map_err(SpiError::Dc)?;
            self.dc_high = Some(high);
        }
        self.spi.write(payload).map_err(SpiError::Spi)
    }
}

/// A transport that keeps every transaction, for tests, the wire file and the browser preview.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recorder {
    /// `(is_data, bytes)` per transaction, in order.
    pub writes: Vec<(bool, Vec<u8>)>,
}

impl Recorder {
    pub fn new() -> Self {
        Recorder::default()
    }
}

impl Transport for Recorder {
    type Error = core::convert::Infallible;
    fn write(&mut self, w: Write<'_>) -> Result<(), Self::Error> {
        match w {
            Write::Commands(b) => self.writes.push((false, b.to_vec())),
            Write::Data(b) => self.writes.push((true, b.to_vec())),
        }
        Ok(())
    }
}
