//! The bus cost model the planner minimises, and what the flush statistics report.
//!
//! Integer nanoseconds throughout, so that the Pi and the browser preview choose the same plan.

/// The bus a panel hangs on, with what a transaction costs there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bus {
    /// I2C at `hz`. Every transaction is START, address byte, control byte, payload, STOP;
    /// every byte is 9 bit-times (8 bits + ACK).
    I2c { hz: u32 },
    /// 4-wire SPI at `hz`: 8 bit-times per byte, plus per transfer the driver's fixed cost
    /// (`transfer_ns`, a spidev ioctl on Linux) and a D/C pin toggle (`dc_toggle_ns`).
    Spi {
        hz: u32,
        transfer_ns: u32,
        dc_toggle_ns: u32,
    },
}

/// START + STOP (with the bus-free time after it) in bit-times: about one bit-time each.
const I2C_START_STOP_BITS: u64 = 2;

impl Bus {
    /// I2C at `hz` (the Pi's `dtparam=i2c_arm_baudrate`; 100 kHz by default, 400 kHz usual).
    pub const fn i2c(hz: u32) -> Bus {
        Bus::I2c { hz }
    }

    /// SPI at `hz` with the default per-transfer costs measured as typical for spidev on a Pi
    /// (about 10 us per transfer, 1 us per D/C toggle); they only steer how eagerly ranges merge.
    pub const fn spi(hz: u32) -> Bus {
        Bus::Spi {
            hz,
            transfer_ns: 10_000,
            dc_toggle_ns: 1_000,
        }
    }

    pub fn is_i2c(&self) -> bool {
        matches!(self, Bus::I2c { .. })
    }

    /// Bytes clocked on the wire for one transaction with `payload` command or data bytes:
    /// on I2C the address and control bytes count too.
    pub fn wire_bytes(&self, payload: usize) -> usize {
        match self {
            Bus::I2c { .. } => payload + 2,
            Bus::Spi { .. } => payload,
        }
    }

    /// Modelled time of one transaction with `payload` command or data bytes behind one control
    /// byte, in nanoseconds (rounded up).
    pub fn transaction_ns(&self, payload: usize) -> u64 {
        self.transaction_ns_framed(self.wire_bytes(payload) - payload, payload)
    }

    /// Modelled time of one transaction with `framing` address and control bytes (0 on SPI)
    /// around `payload` command and data bytes, in nanoseconds (rounded up).
    pub fn transaction_ns_framed(&self, framing: usize, payload: usize) -> u64 {
        match *self {
            Bus::I2c { hz } => {
                let bits = I2C_START_STOP_BITS + 9 * (payload + framing) as u64;
                ns(bits, hz)
            }
            Bus::Spi {
                hz,
                transfer_ns,
                dc_toggle_ns,
            } => ns(8 * payload as u64, hz) + u64::from(transfer_ns) + u64::from(dc_toggle_ns),
        }
    }
}

fn ns(bits: u64, hz: u32) -> u64 {
    let hz = u64::from(hz.max(1));
    (bits * 1_000_000_000).div_ceil(hz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_frame_i2c_at_400k_is_about_23ms() {
        let bus = Bus::i2c(400_000);
        // 6 window command bytes, then 1024 data bytes.
        let t = bus.transaction_ns(6) + bus.transaction_ns(1024);
        assert!((23_000_000..23_500_000).contains(&t), "{t}");
    }

    #[test]
    fn spi_is_cheaper_per_byte() {
        let spi = Bus::spi(8_000_000);
        assert_eq!(spi.transaction_ns(1000) - spi.transaction_ns(0), 1_000_000);
        assert_eq!(spi.wire_bytes(10), 10);
        assert_eq!(Bus::i2c(100_000).wire_bytes(10), 12);
    }
}
