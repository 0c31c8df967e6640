//! After every flush the virtual SSD1306's RAM equals the engine's frame: every example scene,
//! 600 ticks, I2C and SPI framing, with diffs and with full frames every time, starting from a
//! panel full of noise. Every scene again on every controller and size it fits (turned by 90
//! and 270 degrees when it fits that way), and random frames on every controller and size.
//! Plus a fault-injecting I2C bus.

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::path::PathBuf;
use std::rc::Rc;

use embedded_hal::digital::{ErrorType as PinErrorType, OutputPin};
use embedded_hal::i2c::ErrorKind;
use embedded_hal::spi::{ErrorType as SpiErrorType, Operation as SpiOp, SpiDevice};
use tinydisplay::{Engine, Frame};
use tinydisplay_ssd1306::rotate::{rotate_into, Rotation};
use tinydisplay_ssd1306::testing::{Fault, FaultyI2c};
use tinydisplay_ssd1306::wire::WireBus;
use tinydisplay_ssd1306::wire::{self, WireWriter};
use tinydisplay_ssd1306::{
    Bus, Controller, FlushError, Flusher, I2cFraming, I2cTransport, PanelConfig, PanelSpec,
    PanelState, SpiTransport, VirtualPanel, VirtualSsd1306,
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
        let resolver = tinydisplay_assets::dir_resolver(&p);
        let mut engine =
            tinydisplay_assets::load_scene(&name, &std::fs::read(&p).unwrap(), &*resolver).unwrap();
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
    panel: Rc<RefCell<VirtualPanel>>,
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

/// Ticks per scene and panel in the controller matrix below (the full 600 ticks run above on
/// the default SSD1306).
const MATRIX_TICKS: u64 = 90;

/// An SPI transport and the virtual panel behind it.
type SpiRig = (SpiTransport<SpiPanel, DcPin>, Rc<RefCell<VirtualPanel>>);

/// One panel under test: a virtual controller on I2C or SPI, its flusher, and for I2C a wire
/// file of the same flushes.
struct Rig {
    label: String,
    flusher: Flusher,
    i2c: Option<I2cTransport<VirtualPanel>>,
    spi: Option<SpiRig>,
    wire: Option<(WireWriter, Flusher)>,
}

impl Rig {
    fn new(spec: PanelSpec, spi: bool, seed: u32, config: &PanelConfig) -> Rig {
        let label = format!("{spec} {}", if spi { "SPI" } else { "I2C" });
        let panel = VirtualPanel::for_panel(spec).noise(seed);
        let bus = if spi {
            Bus::spi(8_000_000)
        } else {
            Bus::i2c(400_000)
        };
        let mut flusher = Flusher::for_panel(spec, bus);
        let mut rig = if spi {
            let ram = Rc::new(RefCell::new(panel));
            let dc = Rc::new(Cell::new(false));
            let t = SpiTransport::new(
                SpiPanel {
                    panel: ram.clone(),
                    dc: dc.clone(),
                },
                DcPin(dc),
            );
            Rig {
                label,
                flusher: flusher.clone(),
                i2c: None,
                spi: Some((t, ram)),
                wire: None,
            }
        } else {
            let mut w = WireWriter::for_panel(WireBus::I2c { address: 0x3c }, &spec);
            let mut wf = Flusher::for_panel(spec, bus);
            wf.init(config, &mut w).unwrap();
            Rig {
                label,
                flusher: flusher.clone(),
                i2c: Some(I2cTransport::new(panel, 0x3c)),
                spi: None,
                wire: Some((w, wf)),
            }
        };
        match (&mut rig.i2c, &mut rig.spi) {
            (Some(t), _) => flusher.init(config, t).map(|_| ()).unwrap(),
            (_, Some((t, _))) => flusher.init(config, t).map(|_| ()).unwrap(),
            _ => unreachable!(),
        }
        rig.flusher = flusher;
        rig
    }

    /// Flushes `frame` and checks that the visible RAM shows it.
    fn flush(&mut self, name: &str, tick: u64, frame: &Frame) {
        let (visible, unknown) = match (&mut self.i2c, &mut self.spi) {
            (Some(t), _) => {
                self.flusher.flush(frame, t).unwrap();
                (t.bus().visible_frame(), t.bus().unknown())
            }
            (_, Some((t, ram))) => {
                self.flusher.flush(frame, t).unwrap();
                let r = ram.borrow();
                (r.visible_frame(), r.unknown())
            }
            _ => unreachable!(),
        };
        assert_ram(name, &self.label, tick, frame, visible);
        assert_eq!(unknown, 0, "{name} {}: undecodable bytes", self.label);
        if let Some((w, f)) = &mut self.wire {
            w.frame(tick);
            f.flush(frame, w).unwrap();
        }
    }

    /// The wire file replays to `expected`, on the controller its header names.
    fn check_wire(&mut self, name: &str, expected: &[(u64, Frame)]) {
        if let Some((w, _)) = &mut self.wire {
            let log = wire::decode(&w.take_bytes()).unwrap();
            let replayed = wire::replay(&log);
            assert_eq!(replayed.len(), expected.len(), "{name} {}", self.label);
            for ((t, e), (rt, r)) in expected.iter().zip(&replayed) {
                assert_eq!(t, rt);
                assert_ram(
                    name,
                    &format!("{} wire replay", self.label),
                    *t,
                    e,
                    r.clone(),
                );
            }
        }
    }
}

/// Every panel (controller x size) a `w` x `h` picture fits, with the rotation that makes it
/// fit: the same size unturned (and upside down, which the panel does), or the transposed size
/// turned by 90 or 270 degrees.
fn fits(w: u16, h: u16) -> Vec<(PanelSpec, Rotation)> {
    let mut out = Vec::new();
    for c in Controller::ALL {
        for (pw, ph) in PanelSpec::supported(c) {
            let spec = PanelSpec::new(c, pw, ph).unwrap();
            if (pw, ph) == (w, h) {
                out.push((spec, Rotation::Rotate0));
                out.push((spec, Rotation::Rotate180));
            }
            if (pw, ph) == (h, w) && w != h {
                out.push((spec, Rotation::Rotate90));
                out.push((spec, Rotation::Rotate270));
            }
        }
    }
    out
}

/// Drives `frames` (the picture, before any turn) through every panel it fits, on I2C and SPI.
fn run_matrix(name: &str, w: u16, h: u16, mut frame_at: impl FnMut(u64, &mut Frame), ticks: u64) {
    let panels = fits(w, h);
    assert!(!panels.is_empty(), "{name}: {w}x{h} fits no panel");
    let mut rigs: Vec<(Rotation, Rig)> = Vec::new();
    for (i, &(spec, rot)) in panels.iter().enumerate() {
        let config = PanelConfig {
            rotate180: rot.in_hardware(),
            ..PanelConfig::new(spec.width(), spec.height())
        };
        // Upside down the segment order reverses, and with it where the glass sits in RAM
        // (the 96x16's picture moves from column 0 to 32).
        let spec = if config.columns_mirrored() {
            spec.mirrored()
        } else {
            spec
        };
        for spi in [false, true] {
            let seed = 11 + 2 * i as u32 + u32::from(spi);
            rigs.push((rot, Rig::new(spec, spi, seed, &config)));
        }
    }
    let mut picture = Frame::new(w, h);
    let mut turned = Frame::new(0, 0);
    let mut expected: Vec<Vec<(u64, Frame)>> = vec![Vec::new(); rigs.len()];
    for t in 0..ticks {
        frame_at(t, &mut picture);
        for (i, (rot, rig)) in rigs.iter_mut().enumerate() {
            let sent = if rot.in_software() {
                rotate_into(&picture, *rot, &mut turned);
                &turned
            } else {
                &picture
            };
            rig.flush(name, t, sent);
            if rig.wire.is_some() {
                expected[i].push((t, sent.clone()));
            }
        }
    }
    for (i, (_, rig)) in rigs.iter_mut().enumerate() {
        rig.check_wire(name, &expected[i]);
    }
}

#[test]
fn every_scene_on_every_panel_it_fits() {
    let mut sizes = std::collections::BTreeSet::new();
    for (name, engine) in scenes() {
        let (w, h) = (engine.width(), engine.height());
        sizes.insert((w, h));
        run_matrix(&name, w, h, |t, f| engine.render_into(t, f), MATRIX_TICKS);
    }
    // The example scenes cover these sizes; the synthetic test below covers every size.
    assert!(sizes.contains(&(128, 64)), "{sizes:?}");
}

/// A deterministic LCG (Numerical Recipes constants).
struct Lcg(u32);
impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0 >> 8
    }
}

#[test]
fn random_frames_on_every_controller_and_size() {
    // Each size once: `run_matrix` drives every controller that has it.
    let mut seen = std::collections::BTreeSet::new();
    for c in Controller::ALL {
        for (w, h) in PanelSpec::supported(c) {
            if !seen.insert((w, h)) {
                continue;
            }
            let mut rng = Lcg(u32::from(w) * 1000 + u32::from(h));
            let name = format!("random {w}x{h}");
            // Each frame changes a random number of random bytes of the previous one: from a
            // few scattered bytes to nearly all of them, so that runs, bridges, Co framing and
            // full frames all happen; every 16th frame is all new.
            let mut prev: Option<Frame> = None;
            let frames = move |t: u64, f: &mut Frame| {
                if let Some(p) = &prev {
                    f.as_bytes_mut().copy_from_slice(p.as_bytes());
                }
                let n = f.as_bytes().len();
                let changes = if t.is_multiple_of(16) {
                    n
                } else {
                    [1, 3, 9, 40, 200][(rng.next() % 5) as usize].min(n)
                };
                for _ in 0..changes {
                    let i = rng.next() as usize % n;
                    f.as_bytes_mut()[i] = rng.next() as u8;
                }
                prev = Some(f.clone());
            };
            run_matrix(&name, w, h, frames, 48);
        }
    }
}

#[test]
fn portrait_pictures_turned_onto_landscape_panels() {
    // A 64x128 picture fits every 128x64 panel turned; 40x72 fits the 72x40 board, 48x64 the
    // 64x48 one and so on: every transposed size.
    let mut seen = std::collections::BTreeSet::new();
    for c in Controller::ALL {
        for (w, h) in PanelSpec::supported(c) {
            if !seen.insert((h, w)) {
                continue;
            }
            let mut rng = Lcg(7 + u32::from(w));
            let frames = |_t: u64, f: &mut Frame| {
                for b in f.as_bytes_mut() {
                    if rng.next().is_multiple_of(4) {
                        *b = rng.next() as u8;
                    }
                }
            };
            run_matrix(&format!("portrait {h}x{w}"), h, w, frames, 24);
        }
    }
}

#[test]
fn sh1106_full_frames_are_one_data_transaction_per_page_and_never_use_ssd1306_modes() {
    let spec = PanelSpec::new(Controller::Sh1106, 128, 64).unwrap();
    let mut t = I2cTransport::new(VirtualPanel::for_panel(spec).noise(3), 0x3c);
    let mut flusher = Flusher::for_panel(spec, Bus::i2c(400_000));
    flusher.init(&PanelConfig::new(128, 64), &mut t).unwrap();
    let mut frame = Frame::new(128, 64);
    frame.set_pixel(0, 0, true);
    frame.set_pixel(127, 63, true);
    let s = flusher.flush(&frame, &mut t).unwrap();
    assert!(s.full);
    assert_eq!(s.data_transactions, 8);
    assert_eq!(s.data_bytes, 1024);
    // Page 0: B0 02 10; pages 1..8: Bp 10 (the pointer stopped at RAM column 130 = 0x82).
    assert_eq!(s.command_bytes, 3 + 7 * 2);
    assert_eq!(t.bus().visible_frame(), frame);
    assert_eq!(t.bus().unknown(), 0);
    // RAM columns 0, 1, 130 and 131 are off the glass and untouched (still noise).
    let noise = VirtualPanel::for_panel(spec).noise(3);
    for p in 0..8 {
        for c in [0, 1, 130, 131] {
            assert_eq!(t.bus().ram()[p * 132 + c], noise.ram()[p * 132 + c]);
        }
    }
    // SSD1306 bytes on an SH1106: the horizontal-mode full frame lands in the wrong place.
    let mut wrong = I2cTransport::new(VirtualPanel::for_panel(spec), 0x3c);
    let mut ssd = Flusher::new(128, 64, Bus::i2c(400_000));
    ssd.init(&PanelConfig::new(128, 64), &mut wrong).unwrap();
    ssd.flush(&frame, &mut wrong).unwrap();
    assert!(wrong.bus().unknown() > 0);
    assert_ne!(wrong.bus().visible_frame(), frame);
}
