//! After every flush the virtual SSD1306's RAM equals the engine's frame: every example scene,
//! 600 ticks, I2C and SPI framing, with diffs and with full frames every time, starting from a
//! panel full of noise. Plus a fault-injecting I2C bus.

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::path::PathBuf;
use std::rc::Rc;

use embedded_hal::digital::{ErrorType as PinErrorType, OutputPin};
use embedded_hal::i2c::ErrorKind;
use embedded_hal::spi::{ErrorType as SpiErrorType, Operation as SpiOp, SpiDevice};
use tinydisplay::{Engine, Frame};
use tinydisplay_ssd1306::testing::{Fault, FaultyI2c};
use tinydisplay_ssd1306::wire::{self, WireWriter};
use tinydisplay_ssd1306::{
    Bus, FlushError, Flusher, I2cFraming, I2cTransport, PanelConfig, PanelState, SpiTransport,
    VirtualSsd1306,
};

const TICKS: u64 = 600;

fn scenes() -> Vec<(String, Engine)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenes");
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        if !matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("toml" | "json")
        ) {
            continue;
        }
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let mut engine = Engine::from_source(&name, &std::fs::read(&p).unwrap()).unwrap();
        // A recorded input log next to the scene (`music.events` for `music.toml`) plays along.
        if let Ok(log) = std::fs::read_to_string(p.with_extension("events")) {
            for ev in tinydisplay::parse_event_log(&log).unwrap() {
                engine.push_event(ev).unwrap();
            }
        }
        out.push((name, engine));
    }
    assert!(!out.is_empty(), "no scenes in {}", dir.display());
    out
}

/// Expected and actual frames side by side.
fn side_by_side(expected: &Frame, actual: &Frame) -> String {
    let (e, a) = (expected.to_ascii(), actual.to_ascii());
    let mut s = String::from("expected | actual\n");
    for (l, r) in e.lines().zip(a.lines()) {
        s.push_str(l);
        s.push_str(" | ");
        s.push_str(r);
        s.push('\n');
    }
    s
}

fn assert_ram(name: &str, label: &str, tick: u64, frame: &Frame, ram: Frame) {
    assert!(
        ram == *frame,
        "{name} {label} tick {tick}: panel RAM differs\n{}",
        side_by_side(frame, &ram)
    );
}

/// An SPI panel: a virtual SSD1306 behind an embedded-hal SpiDevice and a D/C pin.
struct SpiPanel {
    panel: Rc<RefCell<VirtualSsd1306>>,
    dc: Rc<Cell<bool>>,
}
struct DcPin(Rc<Cell<bool>>);

impl SpiErrorType for SpiPanel {
    type Error = Infallible;
}
impl SpiDevice for SpiPanel {
    fn transaction(&mut self, ops: &mut [SpiOp<'_, u8>]) -> Result<(), Infallible> {
        for op in ops {
            if let SpiOp::Write(b) = op {
                self.panel.borrow_mut().spi_write(self.dc.get(), b);
            }
        }
        Ok(())
    }
}
impl PinErrorType for DcPin {
    type Error = Infallible;
}
impl OutputPin for DcPin {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.0.set(false);
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        self.0.set(true);
        Ok(())
    }
}

#[test]
fn panel_ram_equals_every_frame_of_every_scene() {
    for (name, engine) in scenes() {
        let (w, h) = (engine.width(), engine.height());
        let config = PanelConfig::new(w, h);

        let mut i2c = I2cTransport::new(VirtualSsd1306::with_noise(1), 0x3c);
        let mut i2c_diff = Flusher::new(w, h, Bus::i2c(400_000));
        // Only the command/data transaction pair every common driver uses.
        let mut i2c_plain = I2cTransport::new(VirtualSsd1306::with_noise(5), 0x3c);
        let mut i2c_plain_diff =
            Flusher::new(w, h, Bus::i2c(400_000)).with_i2c_framing(I2cFraming::Plain);
        let mut i2c_full_t = I2cTransport::new(VirtualSsd1306::with_noise(2), 0x3c);
        let mut i2c_full = Flusher::new(w, h, Bus::i2c(400_000));

        let spi_ram = Rc::new(RefCell::new(VirtualSsd1306::with_noise(3)));
        let dc = Rc::new(Cell::new(false));
        let mut spi = SpiTransport::new(
            SpiPanel {
                panel: spi_ram.clone(),
                dc: dc.clone(),
            },
            DcPin(dc.clone()),
        );
        let mut spi_diff = Flusher::new(w, h, Bus::spi(8_000_000));
        let spi_full_ram = Rc::new(RefCell::new(VirtualSsd1306::with_noise(4)));
        let dc2 = Rc::new(Cell::new(true));
        let mut spi_full_t = SpiTransport::new(
            SpiPanel {
                panel: spi_full_ram.clone(),
                dc: dc2.clone(),
            },
            DcPin(dc2.clone()),
        );
        let mut spi_full = Flusher::new(w, h, Bus::spi(8_000_000));

        // The wire file of the I2C diff run must replay to the same frames.
        let mut wire_out = WireWriter::i2c(0x3c, w, h);
        let mut wire_flusher = Flusher::new(w, h, Bus::i2c(400_000));
        wire_flusher.init(&config, &mut wire_out).unwrap();

        i2c_diff.init(&config, &mut i2c).unwrap();
        i2c_full.init(&config, &mut i2c_full_t).unwrap();
        i2c_plain_diff.init(&config, &mut i2c_plain).unwrap();
        spi_diff.init(&config, &mut spi).unwrap();
        spi_full.init(&config, &mut spi_full_t).unwrap();

        let mut frame = Frame::new(w, h);
        let mut expected = Vec::new();
        for t in 0..TICKS {
            engine.render_into(t, &mut frame);
            i2c_diff.flush(&frame, &mut i2c).unwrap();
            assert_ram(&name, "i2c diff", t, &frame, i2c.bus().ram_frame(w, h));
            i2c_plain_diff.flush(&frame, &mut i2c_plain).unwrap();
            assert_ram(
                &name,
                "i2c plain diff",
                t,
                &frame,
                i2c_plain.bus().ram_frame(w, h),
            );
            i2c_full.invalidate();
            let s = i2c_full.flush(&frame, &mut i2c_full_t).unwrap();
            assert_eq!(
                s.data_transactions, 1,
                "a full frame is one data transaction"
            );
            assert_ram(
                &name,
                "i2c full",
                t,
                &frame,
                i2c_full_t.bus().ram_frame(w, h),
            );
            spi_diff.flush(&frame, &mut spi).unwrap();
            assert_ram(
                &name,
                "spi diff",
                t,
                &frame,
                spi_ram.borrow().ram_frame(w, h),
            );
            spi_full.invalidate();
            spi_full.flush(&frame, &mut spi_full_t).unwrap();
            assert_ram(
                &name,
                "spi full",
                t,
                &frame,
                spi_full_ram.borrow().ram_frame(w, h),
            );

            wire_out.frame(t);
            wire_flusher.flush(&frame, &mut wire_out).unwrap();
            expected.push((t, frame.clone()));
        }
        assert_eq!(
            i2c.bus().unknown(),
            0,
            "{name}: the panel saw bytes it could not decode"
        );
        assert!(i2c.bus().display_on() && i2c.bus().charge_pump());
        let log = wire::decode(&wire_out.take_bytes()).unwrap();
        let replayed = wire::replay(&log);
        assert_eq!(replayed.len(), expected.len());
        for ((t, e), (rt, r)) in expected.iter().zip(&replayed) {
            assert_eq!(t, rt);
            assert_ram(&name, "wire replay", *t, e, r.clone());
        }
    }
}

#[test]
fn bus_errors_mid_transaction_never_leave_a_corrupt_frame() {
    // The first scene, and dashboard: many runs per frame, so Co-framed and split
    // transactions both get hit.
    for (name, engine) in scenes()
        .into_iter()
        .enumerate()
        .filter(|(i, (n, _))| *i == 0 || n == "dashboard.toml")
        .map(|(_, s)| s)
    {
        faults_in(&name, &engine);
    }
}

fn faults_in(name: &str, engine: &Engine) {
    let (w, h) = (engine.width(), engine.height());
    // Fail every 7th transaction: command and data transactions both get hit.
    let mut t = I2cTransport::new(
        FaultyI2c::new(VirtualSsd1306::with_noise(9))
            .failing((3..4000).step_by(7))
            .with_fault(ErrorKind::ArbitrationLoss),
        0x3c,
    );
    let mut flusher = Flusher::new(w, h, Bus::i2c(400_000));
    let mut errors = 0;
    while flusher.init(&PanelConfig::new(w, h), &mut t).is_err() {}
    let mut frame = Frame::new(w, h);
    for tick in 0..300 {
        engine.render_into(tick, &mut frame);
        let mut attempts = 0;
        loop {
            match flusher.flush(&frame, &mut t) {
                Ok(stats) => {
                    if attempts > 0 {
                        assert!(
                            stats.full,
                            "the flush after an error must send the full frame"
                        );
                    }
                    break;
                }
                Err(FlushError::Bus(e)) => {
                    assert_eq!(e, Fault(ErrorKind::ArbitrationLoss));
                    assert!(flusher.last_sent().is_none());
                    // Half a transaction may have moved the RAM pointer: assume nothing.
                    assert_eq!(flusher.panel_state(), PanelState::UNKNOWN);
                    errors += 1;
                    attempts += 1;
                    assert!(attempts < 10);
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert_ram(
            name,
            "faulty i2c",
            tick,
            &frame,
            t.bus().panel.ram_frame(w, h),
        );
    }
    assert!(
        errors > 20,
        "the fault injector should have hit many flushes, hit {errors}"
    );
}

#[test]
fn absent_panel_is_a_nack_not_a_panic() {
    let mut t = I2cTransport::new(FaultyI2c::new(VirtualSsd1306::new()).absent(), 0x3c);
    let mut flusher = Flusher::new(128, 64, Bus::i2c(400_000));
    match flusher.init(&PanelConfig::new(128, 64), &mut t) {
        Err(FlushError::Bus(Fault(ErrorKind::NoAcknowledge(_)))) => {}
        other => panic!("expected a NACK, got {other:?}"),
    }
    // Wrong address on a present panel: NACK too.
    let mut wrong = I2cTransport::new(VirtualSsd1306::new(), 0x3d);
    assert!(flusher.flush(&Frame::new(128, 64), &mut wrong).is_err());
}

#[test]
fn unchanged_frames_cost_nothing_and_small_changes_little() {
    let mut t = I2cTransport::new(VirtualSsd1306::new(), 0x3c);
    let mut flusher = Flusher::new(128, 64, Bus::i2c(400_000));
    let mut frame = Frame::new(128, 64);
    let first = flusher.flush(&frame, &mut t).unwrap();
    assert_eq!(
        (first.data_bytes, first.data_transactions, first.full),
        (1024, 1, true)
    );
    let again = flusher.flush(&frame, &mut t).unwrap();
    assert_eq!(again.transactions, 0);
    frame.set_pixel(0, 0, true);
    frame.set_pixel(127, 63, true);
    let two = flusher.flush(&frame, &mut t).unwrap();
    assert_eq!((two.floor, two.data_bytes, two.rects), (2, 2, 2));
    // Switch to page mode (2), page 0 and both column nibbles (3), then page 7 and both nibbles
    // (3): 8 command bytes. With 3 or more commands a run is cheaper as a command transaction
    // and a data transaction than behind Co = 1 control bytes (one control byte per command).
    assert_eq!((two.command_bytes, two.transactions), (8, 4));
    assert_eq!(t.bus().ram_frame(128, 64), frame);
    // Back to page 0; the column is unknown after a write to column 127 (it wraps): 3 bytes.
    frame.set_pixel(5, 1, true);
    let one = flusher.flush(&frame, &mut t).unwrap();
    assert_eq!((one.floor, one.command_bytes, one.data_bytes), (1, 3, 1));
    // Same page, same high nibble as the pointer left behind the last run: one command byte.
    frame.set_pixel(9, 1, true);
    let one = flusher.flush(&frame, &mut t).unwrap();
    assert_eq!(
        (
            one.floor,
            one.command_bytes,
            one.data_bytes,
            one.transactions
        ),
        (1, 1, 1, 1)
    );
    // Payload and framing add up to what the I2C bus clocks.
    assert_eq!(one.wire_bytes, one.payload_bytes() + one.framing_bytes);
    assert_eq!(t.bus().ram_frame(128, 64), frame);
    assert_eq!(t.bus().unknown(), 0);
}

/// A frame of random bytes, some of them copied from `base`, with `keep` in 0..=255 the odds.
fn mix(base: &[u8], noise: &[u8], keep: &[u8], odds: u8) -> Vec<u8> {
    base.iter()
        .zip(noise)
        .zip(keep)
        .map(|((&b, &n), &k)| if k < odds { n } else { b })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

    /// Random frame pairs, random sizes of change, both buses, from a panel whose pointer was
    /// left anywhere by an earlier diff: the virtual SSD1306 decodes the planner's bytes into
    /// exactly the new frame, and the payload is never below the floor nor below the page-mode
    /// minimum.
    #[test]
    fn planner_output_decodes_to_the_new_frame(
        a in proptest::collection::vec(proptest::num::u8::ANY, 1024),
        b in proptest::collection::vec(proptest::num::u8::ANY, 1024),
        c in proptest::collection::vec(proptest::num::u8::ANY, 1024),
        keep in proptest::collection::vec(proptest::num::u8::ANY, 1024),
        odds in proptest::sample::select(vec![1u8, 4, 20, 90, 200, 255]),
        spi in proptest::bool::ANY,
        tall in proptest::bool::ANY,
    ) {
        let (w, h) = (128u16, if tall { 64u16 } else { 32 });
        let n = usize::from(w) * usize::from(h / 8);
        let f0 = Frame::from_bytes(w, h, a[..n].to_vec()).unwrap();
        let f1 = Frame::from_bytes(w, h, mix(&a[..n], &b[..n], &keep[..n], odds)).unwrap();
        let f2 = Frame::from_bytes(w, h, mix(f1.as_bytes(), &c[..n], &keep[n / 2..][..n / 2].repeat(2), odds)).unwrap();
        let bus = if spi { Bus::spi(8_000_000) } else { Bus::i2c(400_000) };
        let mut flusher = Flusher::new(w, h, bus);
        let mut panel = I2cTransport::new(VirtualSsd1306::with_noise(7), 0x3c);
        for f in [&f0, &f1, &f2] {
            let min = flusher.min_payload(f);
            let s = flusher.flush(f, &mut panel).unwrap();
            proptest::prop_assert_eq!(panel.bus().ram_frame(w, h), f.clone());
            proptest::prop_assert!(s.payload_bytes() >= s.floor);
            proptest::prop_assert!(s.payload_bytes() >= min, "{} < {}", s.payload_bytes(), min);
            proptest::prop_assert!(s.data_transactions <= s.transactions);
            proptest::prop_assert_eq!(s.wire_bytes, s.payload_bytes() + s.framing_bytes);
            if s.full {
                proptest::prop_assert_eq!(s.data_transactions, 1);
            }
        }
        proptest::prop_assert_eq!(panel.bus().unknown(), 0);
    }
}
