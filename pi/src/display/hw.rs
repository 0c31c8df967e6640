//! Real panels through rppal: I2C (`/dev/i2c-N`) and SPI (`/dev/spidevB.C` plus D/C and RST
//! GPIO pins). rppal builds anywhere; off a Raspberry Pi opening fails at run time, with a hint.

use super::{PanelBus, SinkError};
use rppal::gpio::{Gpio, OutputPin};
use rppal::i2c::I2c;
use rppal::spi::{Bus as SpiBusNo, Mode, SimpleHalSpiDevice, SlaveSelect, Spi};
use std::io;
use std::time::Duration;
use tinydisplay_ssd1306::{I2cTransport, SpiError, SpiTransport, Transport, Write};

const ENXIO: i32 = 6;
const EREMOTEIO: i32 = 121;

/// Hints for a device node that cannot be opened.
fn open_hint(what: &str, path: &str, e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => format!(
            "{path} does not exist: {what} is not enabled. Enable it with `sudo raspi-config nonint do_{} 0` \
             (or `dtparam={}=on` in /boot/firmware/config.txt) and reboot",
            if what == "I2C" { "i2c" } else { "spi" },
            if what == "I2C" { "i2c_arm" } else { "spi" },
        ),
        io::ErrorKind::PermissionDenied => format!(
            "no permission to open {path}: add the user to the {} group (`sudo usermod -aG {} $USER`, then log in again) \
             or run the systemd unit, which does",
            if what == "I2C" { "i2c" } else { "spi" },
            if what == "I2C" { "i2c" } else { "spi,gpio" },
        ),
        _ => format!("cannot open {path}: {e}"),
    }
}

/// An SSD1306 on `/dev/i2c-{bus}` at `address`.
pub struct RppalI2c {
    inner: I2cTransport<I2c>,
    bus: u8,
}

impl RppalI2c {
    pub fn open(bus: u8, address: u8) -> Result<Self, SinkError> {
        let path = format!("/dev/i2c-{bus}");
        let i2c = I2c::with_bus(bus).map_err(|e| match e {
            rppal::i2c::Error::Io(io) => SinkError::fatal(open_hint("I2C", &path, &io)),
            other => SinkError::fatal(format!("cannot open {path}: {other}")),
        })?;
        Ok(RppalI2c {
            inner: I2cTransport::new(i2c, address),
            bus,
        })
    }
}

impl Transport for RppalI2c {
    type Error = rppal::i2c::Error;
    fn write(&mut self, w: Write<'_>) -> Result<(), Self::Error> {
        self.inner.write(w)
    }
}

impl PanelBus for RppalI2c {
    fn describe(&self, e: &rppal::i2c::Error) -> SinkError {
        describe_i2c(self.bus, self.inner.address(), e)
    }
}

/// A failed I2C write, in words, with what to check. Missing acknowledges and bus errors are
/// transient during play (retried); permission problems are not.
fn describe_i2c(bus: u8, addr: u8, e: &rppal::i2c::Error) -> SinkError {
    match e {
        rppal::i2c::Error::Io(io) if matches!(io.raw_os_error(), Some(ENXIO | EREMOTEIO)) => {
            SinkError::transient(format!(
                "no device acknowledged address {addr:#04x} on /dev/i2c-{bus} ({io}): check the wiring \
                 (SDA pin 3, SCL pin 5, 3.3V, GND), that `i2cdetect -y {bus}` shows the panel, and --address \
                 (0x3c or 0x3d)"
            ))
        }
        rppal::i2c::Error::Io(io) if io.kind() == io::ErrorKind::PermissionDenied => SinkError::fatal(format!(
            "no permission for /dev/i2c-{bus}: add the user to the i2c group"
        )),
        rppal::i2c::Error::Io(io) => {
            SinkError::transient(format!("I2C write to {addr:#04x} on /dev/i2c-{bus} failed: {io}"))
        }
        other => SinkError::fatal(format!("I2C: {other}")),
    }
}

/// An SSD1306 on SPI0 chip select `cs`, with D/C (and optionally RST) on GPIO pins.
pub struct RppalSpi {
    inner: SpiTransport<SimpleHalSpiDevice, OutputPin>,
    _rst: Option<OutputPin>,
}

impl RppalSpi {
    pub fn open(cs: u8, hz: u32, dc: u8, rst: Option<u8>) -> Result<Self, SinkError> {
        let path = format!("/dev/spidev0.{cs}");
        let ss = match cs {
            0 => SlaveSelect::Ss0,
            1 => SlaveSelect::Ss1,
            n => {
                return Err(SinkError::fatal(format!(
                    "--spi-cs {n}: SPI0 has chip selects 0 and 1"
                )))
            }
        };
        let spi = Spi::new(SpiBusNo::Spi0, ss, hz, Mode::Mode0).map_err(|e| match e {
            rppal::spi::Error::Io(io) => SinkError::fatal(open_hint("SPI", &path, &io)),
            other => SinkError::fatal(format!("cannot open {path}: {other}")),
        })?;
        let gpio = Gpio::new().map_err(|e| {
            SinkError::fatal(format!(
                "cannot open the GPIO controller for the D/C pin: {e} (on a Raspberry Pi: add the user to the gpio group)"
            ))
        })?;
        let pin = |n: u8, what: &str| {
            gpio.get(n)
                .map(|p| p.into_output())
                .map_err(|e| SinkError::fatal(format!("GPIO{n} ({what}): {e}")))
        };
        let dc = pin(dc, "D/C")?;
        let rst = match rst {
            Some(n) => {
                let mut p = pin(n, "RST")?;
                // A reset pulse: the datasheet asks for at least 3 us low; be generous.
                p.set_low();
                std::thread::sleep(Duration::from_millis(1));
                p.set_high();
                std::thread::sleep(Duration::from_millis(1));
                Some(p)
            }
            None => None,
        };
        Ok(RppalSpi {
            inner: SpiTransport::new(SimpleHalSpiDevice::new(spi), dc),
            _rst: rst,
        })
    }
}

impl Transport for RppalSpi {
    type Error = SpiError<rppal::spi::Error, std::convert::Infallible>;
    fn write(&mut self, w: Write<'_>) -> Result<(), Self::Error> {
        self.inner.write(w)
    }
}

impl PanelBus for RppalSpi {
    fn describe(&self, e: &Self::Error) -> SinkError {
        SinkError::transient(format!("SPI: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_bus_device_says_how_to_enable_it() {
        let e = RppalI2c::open(250, 0x3c)
            .err()
            .expect("no /dev/i2c-250 here");
        assert!(e.message().contains("/dev/i2c-250 does not exist"), "{e}");
        assert!(e.message().contains("raspi-config nonint do_i2c 0"), "{e}");
        assert!(!e.is_transient());
    }

    #[test]
    fn permission_and_nack_hints() {
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        let hint = open_hint("I2C", "/dev/i2c-1", &denied);
        assert!(hint.contains("usermod -aG i2c"), "{hint}");
        assert!(open_hint("SPI", "/dev/spidev0.0", &denied).contains("spi,gpio"));
        let nack = describe_i2c(
            1,
            0x3c,
            &rppal::i2c::Error::Io(io::Error::from_raw_os_error(ENXIO)),
        );
        assert!(nack.is_transient());
        assert!(
            nack.message().contains("i2cdetect -y 1") && nack.message().contains("0x3c"),
            "{nack}"
        );
        let remote = describe_i2c(
            1,
            0x3d,
            &rppal::i2c::Error::Io(io::Error::from_raw_os_error(EREMOTEIO)),
        );
        assert!(
            remote
                .message()
                .contains("no device acknowledged address 0x3d"),
            "{remote}"
        );
        let perm = describe_i2c(1, 0x3c, &rppal::i2c::Error::Io(denied));
        assert!(!perm.is_transient() && perm.message().contains("i2c group"));
    }
}
