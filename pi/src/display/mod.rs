//! Where `play` sends frames: SSD1306, SH1106 and SSD1309 panels (rppal I2C/SPI), their virtual
//! models, a wire file, the terminal. Each implements the runtime's [`Sink`] directly; the error and retry policy
//! (transient errors cost a frame and a backoff, N in a row are fatal) is the runtime player's,
//! documented in `tinydisplay_runtime::sink`. The sinks' half of it: a bus error makes the
//! flush planner forget what the panel holds, so the next frame goes out whole.

pub mod emulator;
pub mod hw;
pub mod terminal;
pub mod wire;

use std::cell::RefCell;
use std::rc::Rc;
use tinydisplay::{DisplayState, Frame, Tick};
pub use tinydisplay_runtime::{OnExit, Sink, SinkError};
use tinydisplay_ssd1306::rotate::{rotate_into, Rotation};
use tinydisplay_ssd1306::{
    init, Bus, FlushError, FlushStats, Flusher, I2cFraming, PanelConfig, PanelSpec, Transport,
};

/// The scene's display care at a tick (`Engine::display_at`), for the panel sinks.
pub type CareFn = Box<dyn Fn(Tick) -> DisplayState>;

/// What a panel's frames cost on the bus, for `play --stats`: the first (full) frame apart from
/// the rest, whose average is the number that matters.
#[derive(Clone, Debug, Default)]
pub struct BusTotals {
    pub first: Option<FlushStats>,
    pub rest: FlushStats,
    pub rest_frames: u64,
    /// Frames sent whole: the first, those after a bus error, and any update that cost more.
    pub full_frames: u64,
}

impl BusTotals {
    fn record(&mut self, s: FlushStats) {
        self.full_frames += u64::from(s.full);
        if self.first.is_none() {
            self.first = Some(s);
        } else {
            self.rest.add(&s);
            self.rest_frames += 1;
        }
    }
}

/// A transport plus what a panel sink needs around it: per-frame hooks (the wire file's frame
/// markers, emulator snapshots) and turning bus errors into messages with hints.
pub trait PanelBus: Transport {
    fn begin_frame(&mut self, _tick: Tick) {}
    fn end_frame(&mut self, _tick: Tick) -> Result<(), SinkError> {
        Ok(())
    }
    /// Play is over, before `--on-exit` acts (the emulator's `--png` shows the last frame).
    fn before_exit(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
    fn close(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
    fn describe(&self, e: &Self::Error) -> SinkError;
}

/// A panel (`spec`: any controller) behind some [`PanelBus`], fed through the flush planner.
pub struct PanelSink<B: PanelBus> {
    pub bus: B,
    flusher: Flusher,
    width: u16,
    height: u16,
    /// Shared with `play`, which holds the sink as a `Box<dyn Sink>`.
    totals: Rc<RefCell<BusTotals>>,
    care: Option<CareFn>,
    /// The contrast and on/off the panel was last told; `None`: unknown, send both.
    sent: Option<DisplayState>,
}

impl<B: PanelBus> PanelSink<B> {
    /// Initialises the panel (one command transaction). A failure here is fatal: nothing answered.
    pub fn new(
        mut bus: B,
        spec: PanelSpec,
        config: PanelConfig,
        model: Bus,
    ) -> Result<Self, SinkError> {
        let mut flusher = Flusher::for_panel(spec, model);
        if let Err(e) = flusher.init(&config, &mut bus) {
            return Err(flush_error(&bus, e).into_fatal());
        }
        Ok(PanelSink {
            bus,
            flusher,
            width: config.width,
            height: config.height,
            totals: Rc::default(),
            care: None,
            sent: None,
        })
    }

    /// Sends the scene's contrast and sleep (`care`) before each frame, when they change.
    pub fn with_care(mut self, care: CareFn) -> Self {
        self.care = Some(care);
        self
    }

    /// The contrast (0x81 v) and display on/off (0xAF/0xAE) commands that take the panel from
    /// what it was last told to `want`.
    fn care_commands(&self, want: DisplayState) -> Vec<u8> {
        let mut cmds = Vec::new();
        if self.sent.map(|s| s.contrast) != Some(want.contrast) {
            cmds.extend(init::contrast(want.contrast));
        }
        if self.sent.map(|s| s.on) != Some(want.on) {
            cmds.extend(if want.on {
                init::display_on()
            } else {
                init::display_off()
            });
        }
        cmds
    }

    /// The bus numbers of the frames shown so far (a handle that stays current).
    pub fn totals(&self) -> Rc<RefCell<BusTotals>> {
        Rc::clone(&self.totals)
    }
}

impl<B: PanelBus> PanelSink<B> {
    /// Restricts the I2C framings of later flushes (`--i2c-framing`).
    pub fn with_i2c_framing(mut self, framing: I2cFraming) -> Self {
        self.flusher.set_i2c_framing(framing);
        self
    }
}

fn flush_error<B: PanelBus>(bus: &B, e: FlushError<B::Error>) -> SinkError {
    match e {
        FlushError::Bus(e) => bus.describe(&e),
        other => SinkError::fatal(other.to_string()),
    }
}

impl<B: PanelBus> Sink for PanelSink<B> {
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError> {
        self.bus.begin_frame(tick);
        let mut care_stats = FlushStats::default();
        if let Some(want) = self.care.as_ref().map(|f| f(tick)) {
            let cmds = self.care_commands(want);
            // Forgotten first: after a bus error the panel's state is unknown and goes out again.
            self.sent = None;
            care_stats = self
                .flusher
                .commands(&cmds, &mut self.bus)
                .map_err(|e| flush_error(&self.bus, e))?;
            self.sent = Some(want);
        }
        // On error the flusher forgets the panel's content: the next frame goes out whole, as
        // the sink contract asks.
        let mut stats = self
            .flusher
            .flush(frame, &mut self.bus)
            .map_err(|e| flush_error(&self.bus, e))?;
        stats.add(&care_stats);
        self.totals.borrow_mut().record(stats);
        self.bus.end_frame(tick)
    }

    fn finish(&mut self, on_exit: OnExit) -> Result<(), SinkError> {
        self.bus.before_exit()?;
        let result = match on_exit {
            OnExit::Keep => Ok(()),
            OnExit::Clear => {
                let dark = Frame::new(self.width, self.height);
                self.flusher.flush(&dark, &mut self.bus).map(|_| ())
            }
            OnExit::Off => self
                .flusher
                .commands(&tinydisplay_ssd1306::init::display_off(), &mut self.bus)
                .map(|_| ()),
        };
        let result = result.map_err(|e| flush_error(&self.bus, e));
        let closed = self.bus.close();
        result.and(closed)
    }
}

/// Turns every frame before `inner` shows it (`--rotate 90`/`270` on a panel; any rotation on
/// the terminal, which has no hardware to do 180).
pub struct Rotated<S: Sink> {
    pub inner: S,
    rotation: Rotation,
    turned: Frame,
}

impl<S: Sink> Rotated<S> {
    pub fn new(inner: S, rotation: Rotation) -> Self {
        Rotated {
            inner,
            rotation,
            turned: Frame::new(0, 0),
        }
    }
}

impl<S: Sink> Sink for Rotated<S> {
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError> {
        rotate_into(frame, self.rotation, &mut self.turned);
        self.inner.show(tick, &self.turned)
    }

    fn finish(&mut self, on_exit: OnExit) -> Result<(), SinkError> {
        self.inner.finish(on_exit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_hal::i2c::ErrorKind;
    use std::sync::Arc;
    use std::time::Duration;
    use tinydisplay::Engine;
    use tinydisplay_runtime::{Clock, FakeClock, Player, PoolChoice, Precomputer, Retry, Step};
    use tinydisplay_ssd1306::testing::{Fault, FaultyI2c};
    use tinydisplay_ssd1306::{I2cTransport, VirtualSsd1306};

    impl PanelBus for I2cTransport<FaultyI2c> {
        fn describe(&self, e: &Fault) -> SinkError {
            match e.0 {
                ErrorKind::NoAcknowledge(_) => {
                    SinkError::fatal("no device answered (check i2cdetect -y 1)")
                }
                _ => SinkError::transient("bus error"),
            }
        }
    }

    fn sink(
        fail: Vec<usize>,
        absent: bool,
    ) -> Result<PanelSink<I2cTransport<FaultyI2c>>, SinkError> {
        let mut bus = FaultyI2c::new(VirtualSsd1306::with_noise(5)).failing(fail);
        if absent {
            bus = bus.absent();
        }
        PanelSink::new(
            I2cTransport::new(bus, 0x3c),
            PanelSpec::ssd1306(128, 64).unwrap(),
            PanelConfig::new(128, 64),
            Bus::i2c(400_000),
        )
    }

    fn frame(n: i32) -> Frame {
        let mut f = Frame::new(128, 64);
        for i in 0..n {
            f.set_pixel(i * 3 % 128, i % 64, true);
        }
        f
    }

    /// Plays ticks `0..end` at 10 ticks/s on a fake clock into `sink`, tick t showing
    /// `frame(10 + 10 t)`, checking after every shown tick that the panel holds exactly that
    /// frame. Returns the errors as (tick, backoff), the ticks shown and how play ended.
    #[allow(clippy::type_complexity)]
    fn play_through(
        s: &mut PanelSink<I2cTransport<FaultyI2c>>,
        end: Tick,
        retry: Retry,
    ) -> (
        Vec<(Option<Tick>, Option<Duration>)>,
        Vec<Tick>,
        Option<SinkError>,
    ) {
        let engine = Engine::from_source(
            "t.toml",
            b"display = { width = 128, height = 64, tick_rate = 10 }",
        )
        .unwrap();
        let clock = FakeClock::new();
        let pre = Precomputer::builder(engine, Arc::new(clock.clone()))
            .pool(PoolChoice::None)
            .render_fn(|_, t| frame(10 + 10 * t as i32))
            .build()
            .unwrap();
        let mut player = Player::new(pre);
        player.set_end(Some(end));
        player.set_retry(retry);
        let (mut errors, mut shown) = (Vec::new(), Vec::new());
        loop {
            match player.step(s) {
                Ok(Step::Finished) => return (errors, shown, None),
                Ok(Step::Waiting { next_deadline }) => clock.sleep_until(next_deadline),
                Ok(Step::Shown { tick, .. }) => {
                    let ram = s.bus.bus().panel.ram_frame(128, 64);
                    assert!(
                        ram == frame(10 + 10 * tick as i32),
                        "tick {tick}: the panel does not hold the frame:\n{}",
                        ram.to_ascii()
                    );
                    shown.push(tick);
                }
                Ok(Step::Failed { tick }) => panic!("tick {tick} failed to render"),
                Err(e) if e.is_transient() => errors.push((e.tick(), e.retry_in())),
                Err(e) => return (errors, shown, Some(e)),
            }
        }
    }

    #[test]
    fn a_transient_bus_error_costs_a_frame_and_a_backoff_and_the_next_frame_goes_out_whole() {
        // Transaction 0 is init; a full frame is a command and a data transaction. Fail the data
        // of tick 0's frame, then the first transaction of tick 2's and of tick 3's.
        let mut s = sink(vec![2, 5, 6], false).unwrap();
        let (errors, shown, end) = play_through(&mut s, 8, Retry::default());
        assert!(end.is_none(), "{end:?}");
        let ms = |n| Some(Duration::from_millis(n));
        // The backoff doubles while errors follow each other and starts over after a success.
        assert_eq!(
            errors,
            [(Some(0), ms(5)), (Some(2), ms(5)), (Some(3), ms(10))]
        );
        assert_eq!(shown, [1, 4, 5, 6, 7]);
        // Ticks 1 and 4 followed an error: the panel's RAM was unknown, so they went out whole
        // (the check after every tick shows the result was right); the others were updates.
        let t = s.totals();
        let t = t.borrow();
        assert!(t.first.as_ref().unwrap().full);
        assert_eq!(t.rest_frames, 4);
        assert_eq!(t.full_frames, 2);
    }

    #[test]
    fn persistent_errors_give_up_with_the_message() {
        let mut s = sink((1..100).collect(), false).unwrap();
        let retry = Retry {
            attempts: 3,
            ..Retry::default()
        };
        let (errors, shown, end) = play_through(&mut s, 100, retry);
        assert_eq!(errors.len(), 2);
        assert!(shown.is_empty());
        let e = end.expect("a fatal error");
        assert!(!e.is_transient());
        assert_eq!(e.tick(), Some(2));
        assert!(e.to_string().contains("gave up after 3 attempts"), "{e}");
        assert!(e.to_string().starts_with("tick 2: bus error"), "{e}");
    }

    #[test]
    fn absent_panel_fails_at_init_with_a_hint() {
        let e = sink(vec![], true).err().unwrap();
        assert!(!e.is_transient());
        assert!(e.message().contains("i2cdetect"), "{e}");
    }

    #[test]
    fn on_exit_decides_what_the_panel_shows() {
        for (mode, lit, on) in [
            (OnExit::Keep, true, true),
            (OnExit::Clear, false, true),
            (OnExit::Off, true, false),
        ] {
            let mut s = sink(vec![], false).unwrap();
            s.show(0, &frame(20)).unwrap();
            s.finish(mode).unwrap();
            let panel = &s.bus.bus().panel;
            assert_eq!(panel.ram_frame(128, 64).lit() > 0, lit, "{mode:?}");
            assert_eq!(panel.display_on(), on, "{mode:?}");
        }
    }
}
