//! The honest bus preview: what one frame costs on the wire, and the frame rate that allows.
//!
//! ESTIMATE, until the flush planner of `tinydisplay-ssd1306` lands: it models the `ssd1306`
//! crate's buffered flush (one dirty bounding box per frame, then page by page; I2C data in
//! 16-byte chunks, each chunk its own transaction with address and control byte). Timings are
//! bus bit-times only (no driver or kernel overhead), so real panels are a little slower.

use serde::Serialize;
use tinydisplay::Frame;

/// A bus the panel can hang on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bus {
    I2c { hz: u32 },
    Spi { hz: u32 },
}

impl Bus {
    /// `i2c-100k`, `i2c-400k`, `i2c-1m`, `spi-8m`.
    pub fn parse(name: &str) -> Option<Bus> {
        Some(match name {
            "i2c-100k" => Bus::I2c { hz: 100_000 },
            "i2c-400k" => Bus::I2c { hz: 400_000 },
            "i2c-1m" => Bus::I2c { hz: 1_000_000 },
            "spi-8m" => Bus::Spi { hz: 8_000_000 },
            _ => return None,
        })
    }
}

/// One frame's flush cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BusCost {
    /// Which model computed it.
    pub planner: &'static str,
    /// Pixel data bytes sent (the dirty box).
    pub data_bytes: u32,
    /// Every byte on the wire: data, commands, I2C address and control bytes.
    pub wire_bytes: u32,
    pub transactions: u32,
    /// Bus time in microseconds (rounded up).
    pub micros: u32,
    /// Frames per second this bus allows at this cost, times 100 (integer; 0 if nothing to send).
    pub max_fps_x100: u32,
}

/// Dirty bounding box in (column, page) units, inclusive; `None` when nothing changed.
fn dirty_box(prev: Option<&Frame>, cur: &Frame) -> Option<(u32, u32, u32, u32)> {
    let w = u32::from(cur.width());
    let pages = u32::from(cur.pages());
    let prev = match prev {
        Some(p) if p.width() == cur.width() && p.height() == cur.height() => p,
        _ => return Some((0, 0, w - 1, pages - 1)),
    };
    let mut bbox: Option<(u32, u32, u32, u32)> = None;
    for (i, (a, b)) in prev.as_bytes().iter().zip(cur.as_bytes()).enumerate() {
        if a != b {
            let (x, p) = (i as u32 % w, i as u32 / w);
            bbox = Some(match bbox {
                None => (x, p, x, p),
                Some((x0, p0, x1, p1)) => (x0.min(x), p0.min(p), x1.max(x), p1.max(p)),
            });
        }
    }
    bbox
}

/// The cost of flushing `cur` when the panel already shows `prev` (`None`: full frame).
pub fn cost(bus: Bus, prev: Option<&Frame>, cur: &Frame) -> BusCost {
    const CMD_BYTES: u32 = 6; // column address (3) + page address (3)
    const CHUNK: u32 = 16;
    let Some((x0, p0, x1, p1)) = dirty_box(prev, cur) else {
        return BusCost {
            planner: "estimate",
            data_bytes: 0,
            wire_bytes: 0,
            transactions: 0,
            micros: 0,
            max_fps_x100: 0,
        };
    };
    let cols = x1 - x0 + 1;
    let pages = p1 - p0 + 1;
    let data = cols * pages;
    let (wire, transactions, bits, hz) = match bus {
        Bus::I2c { hz } => {
            let chunks = pages * cols.div_ceil(CHUNK);
            let transactions = 1 + chunks;
            // address + control byte per transaction; 9 bit-times per byte; start+stop 2.
            let wire = data + CMD_BYTES + 2 * transactions;
            (
                wire,
                transactions,
                u64::from(wire) * 9 + 2 * u64::from(transactions),
                hz,
            )
        }
        Bus::Spi { hz } => {
            let wire = data + CMD_BYTES;
            (wire, 1 + pages, u64::from(wire) * 8, hz)
        }
    };
    let micros = (bits * 1_000_000).div_ceil(u64::from(hz)) as u32;
    BusCost {
        planner: "estimate",
        data_bytes: data,
        wire_bytes: wire,
        transactions,
        micros,
        max_fps_x100: if micros == 0 {
            0
        } else {
            (100_000_000 / u64::from(micros)) as u32
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_frame_i2c_400k_is_about_26ms() {
        let f = Frame::new(128, 64);
        let c = cost(Bus::parse("i2c-400k").unwrap(), None, &f);
        assert_eq!(c.data_bytes, 1024);
        assert_eq!(c.transactions, 65);
        assert!((25_000..28_000).contains(&c.micros), "{c:?}");
        let spi = cost(Bus::parse("spi-8m").unwrap(), None, &f);
        assert!(spi.micros < 1_100, "{spi:?}");
    }

    #[test]
    fn unchanged_frame_costs_nothing_and_one_pixel_costs_one_byte() {
        let a = Frame::new(128, 64);
        let mut b = a.clone();
        assert_eq!(cost(Bus::I2c { hz: 100_000 }, Some(&a), &b).wire_bytes, 0);
        b.set_pixel(70, 20, true);
        let c = cost(Bus::I2c { hz: 100_000 }, Some(&a), &b);
        assert_eq!(c.data_bytes, 1);
        assert_eq!(c.transactions, 2);
    }
}
