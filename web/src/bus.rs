//! The honest bus preview: what one frame costs on the wire and the frame rate that allows,
//! computed by the same flush planner the Raspberry Pi binary uses (`tinydisplay-ssd1306`).

use serde::Serialize;
use tinydisplay::Frame;
use tinydisplay_ssd1306::{Bus, Flusher, Recorder};

/// `i2c-100k`, `i2c-400k`, `i2c-1m`, `spi-8m`.
pub fn parse(name: &str) -> Option<Bus> {
    Some(match name {
        "i2c-100k" => Bus::i2c(100_000),
        "i2c-400k" => Bus::i2c(400_000),
        "i2c-1m" => Bus::i2c(1_000_000),
        "spi-8m" => Bus::spi(8_000_000),
        _ => return None,
    })
}

/// One frame's flush, as the stats panel shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BusCost {
    /// Which model computed it.
    pub planner: &'static str,
    /// Bytes that really changed (no protocol can send fewer).
    pub floor: u32,
    /// Pixel data bytes sent.
    pub data_bytes: u32,
    /// Every byte on the wire: data, commands, and on I2C address and control bytes.
    pub wire_bytes: u32,
    pub transactions: u32,
    pub rects: u32,
    /// Modelled bus time in microseconds (rounded up).
    pub micros: u32,
    /// Frames per second this bus allows at this cost, times 100 (0 when nothing is sent).
    pub max_fps_x100: u32,
}

/// The cost of flushing `cur` to a panel that shows `prev` (`None`: unknown, so a full frame).
pub fn cost(bus: Bus, prev: Option<&Frame>, cur: &Frame) -> BusCost {
    let mut flusher = Flusher::new(cur.width(), cur.height(), bus);
    let mut sink = Recorder::new();
    if let Some(p) = prev.filter(|p| p.width() == cur.width() && p.height() == cur.height()) {
        // Brings the flusher to "the panel shows prev"; what that costs is not this frame's.
        let _ = flusher.flush(p, &mut sink);
    }
    // The Recorder cannot fail and the sizes match, so this is always Ok.
    let s = flusher.flush(cur, &mut Recorder::new()).unwrap_or_default();
    let micros = s.bus_ns.div_ceil(1000);
    BusCost {
        planner: "tinydisplay-ssd1306 flush planner",
        floor: s.floor as u32,
        data_bytes: s.data_bytes as u32,
        wire_bytes: s.wire_bytes as u32,
        transactions: s.transactions as u32,
        rects: s.rects as u32,
        micros: micros as u32,
        max_fps_x100: 100_000_000_000u64.checked_div(s.bus_ns).unwrap_or(0) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_frame_i2c_400k_is_about_23ms_and_spi_is_far_faster() {
        let f = Frame::new(128, 64);
        let c = cost(parse("i2c-400k").unwrap(), None, &f);
        assert_eq!(c.data_bytes, 1024);
        assert!((23_000..24_500).contains(&c.micros), "{c:?}");
        assert!((4000..4400).contains(&c.max_fps_x100), "{c:?}");
        let spi = cost(parse("spi-8m").unwrap(), None, &f);
        assert!(spi.micros < 1_200, "{spi:?}");
        assert!(parse("can").is_none());
    }

    #[test]
    fn unchanged_frame_costs_nothing_and_one_pixel_costs_one_byte() {
        let a = Frame::new(128, 64);
        let mut b = a.clone();
        let bus = parse("i2c-100k").unwrap();
        assert_eq!(cost(bus, Some(&a), &b).wire_bytes, 0);
        b.set_pixel(70, 20, true);
        let c = cost(bus, Some(&a), &b);
        assert_eq!((c.floor, c.data_bytes), (1, 1));
        assert!(c.max_fps_x100 / 100 >= 1_000_000 / c.micros);
    }
}
