//! One SSD1306 bus transaction at a time, over any embedded-hal 1.0 bus.

use core::fmt;
use embedded_hal::digital::OutputPin;
use embedded_hal::i2c::I2c;
use embedded_hal::spi::SpiDevice;

/// What one transaction carries: command bytes (D/C low), display data (D/C high), or an I2C
/// transaction with its own control bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write<'a> {
    Commands(&'a [u8]),
    Data(&'a [u8]),
    /// The bytes of one I2C transaction after the address byte, control bytes included: pairs of
    /// a Co = 1 control byte (0x80 command, 0xC0 data) and one byte, optionally ending with a
    /// Co = 0 control byte (0x00, 0x40) and a stream of bytes. It lets several commands and short
    /// data runs share one transaction. Non-I2C transports send its parts one by one
    /// ([`framed_parts`]).
    Framed(&'a [u8]),
}

/// The parts of a [`Write::Framed`] transaction as `(is_data, bytes)`, in order.
pub fn framed_parts(bytes: &[u8]) -> impl Iterator<Item = (bool, &[u8])> {
    let mut i = 0;
    core::iter::from_fn(move || {
        let control = *bytes.get(i)?;
        let start = i + 1;
        let end = if control & 0x80 != 0 {
            (start + 1).min(bytes.len())
        } else {
            bytes.len()
        };
        i = end;
        Some((control & 0x40 != 0, &bytes[start.min(end)..end]))
    })
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

/// The I2C control byte (none for an already framed write) and the rest of a write.
pub(crate) fn i2c_parts<'a>(w: &Write<'a>) -> (Option<u8>, &'a [u8]) {
    match *w {
        Write::Commands(b) => (Some(0x00), b),
        Write::Data(b) => (Some(0x40), b),
        Write::Framed(b) => (None, b),
    }
}

impl<I: I2c> Transport for I2cTransport<I> {
    type Error = I::Error;
    fn write(&mut self, w: Write<'_>) -> Result<(), I::Error> {
        let (control, payload) = i2c_parts(&w);
        self.buf.clear();
        self.buf.extend(control);
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

impl<S: SpiDevice, DC: OutputPin> SpiTransport<S, DC> {
    fn transfer(
        &mut self,
        high: bool,
        payload: &[u8],
    ) -> Result<(), SpiError<S::Error, DC::Error>> {
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

impl<S: SpiDevice, DC: OutputPin> Transport for SpiTransport<S, DC> {
    type Error = SpiError<S::Error, DC::Error>;
    fn write(&mut self, w: Write<'_>) -> Result<(), Self::Error> {
        match w {
            Write::Commands(b) => self.transfer(false, b),
            Write::Data(b) => self.transfer(true, b),
            Write::Framed(b) => {
                for (data, part) in framed_parts(b) {
                    self.transfer(data, part)?;
                }
                Ok(())
            }
        }
    }
}

/// A recorded transaction (see [`Write`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    Commands(Vec<u8>),
    Data(Vec<u8>),
    Framed(Vec<u8>),
}

/// A transport that keeps every transaction, for tests and the browser preview.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recorder {
    /// Every transaction, in order.
    pub writes: Vec<Recorded>,
}

impl Recorder {
    pub fn new() -> Self {
        Recorder::default()
    }
}

impl Transport for Recorder {
    type Error = core::convert::Infallible;
    fn write(&mut self, w: Write<'_>) -> Result<(), Self::Error> {
        self.writes.push(match w {
            Write::Commands(b) => Recorded::Commands(b.to_vec()),
            Write::Data(b) => Recorded::Data(b.to_vec()),
            Write::Framed(b) => Recorded::Framed(b.to_vec()),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::virt::VirtualSsd1306;

    #[test]
    fn framed_parts_follow_the_co_bit() {
        let t = [0x80, 0xB3, 0xC0, 0x12, 0x80, 0x05, 0x40, 1, 2, 3];
        let parts: Vec<(bool, &[u8])> = framed_parts(&t).collect();
        assert_eq!(
            parts,
            vec![
                (false, &[0xB3][..]),
                (true, &[0x12][..]),
                (false, &[0x05][..]),
                (true, &[1, 2, 3][..]),
            ]
        );
        // Sent part by part over SPI, it lands where the I2C transaction puts it.
        let (mut i2c, mut spi) = (VirtualSsd1306::new(), VirtualSsd1306::new());
        i2c.i2c_write(&t);
        for (data, p) in framed_parts(&t) {
            spi.spi_write(data, p);
        }
        assert_eq!(i2c.ram(), spi.ram());
        assert_eq!(i2c.ram()[3 * 128], 0x12);
        assert_eq!(&i2c.ram()[3 * 128 + 5..3 * 128 + 8], &[1, 2, 3]);
        // A truncated transaction yields what is there.
        assert_eq!(
            framed_parts(&[0x80]).collect::<Vec<_>>(),
            vec![(false, &[][..])]
        );
    }
}
