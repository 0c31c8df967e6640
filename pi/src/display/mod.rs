//! Where `play` sends frames: SSD1306 panels (rppal I2C/SPI), the virtual SSD1306, a wire file,
//! the terminal.
//!
//! [`Sink`] mirrors the runtime crate's sink trait (show the frame for a tick), so that the play
//! loop can move onto the runtime's Player without touching the sinks.

pub mod emulator;
pub mod hw;
pub mod terminal;
pub mod wire;

use std::fmt;
use std::time::Duration;
use tinydisplay::{Frame, Tick};
use tinydisplay_ssd1306::{
    Bus, FlushError, FlushStats, Flusher, I2cFraming, PanelConfig, Transport,
};

/// What the panel shows after play stops (`--on-exit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OnExit {
    /// Blank the panel (RAM cleared, display left on).
    Clear,
    /// Leave the last frame on the panel.
    Keep,
    /// Switch the display off (RAM kept; the panel draws almost nothing).
    Off,
}

/// A failure to show a frame. `transient` ones (a bus glitch) are worth retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkError {
    pub message: String,
    pub transient: bool,
}

impl SinkError {
    pub fn fatal(message: impl Into<String>) -> Self {
        SinkError {
            message: message.into(),
            transient: false,
        }
    }
    pub fn transient(message: impl Into<String>) -> Self {
        SinkError {
            message: message.into(),
            transient: true,
        }
    }
}

impl fmt::Display for SinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Shows frames somewhere.
pub trait Sink {
    /// Shows the frame for `tick`. Panel sinks return what went over the bus.
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<Option<FlushStats>, SinkError>;
    /// Play is over: leave the display as `on_exit` says and flush files.
    fn finish(&mut self, on_exit: OnExit) -> Result<(), SinkError>;
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

/// An SSD1306 behind some [`PanelBus`], fed through the flush planner.
pub struct PanelSink<B: PanelBus> {
    pub bus: B,
    flusher: Flusher,
    width: u16,
    height: u16,
}

impl<B: PanelBus> PanelSink<B> {
    /// Initialises the panel (one command transaction). A failure here is fatal: nothing answered.
    pub fn new(mut bus: B, config: PanelConfig, model: Bus) -> Result<Self, SinkError> {
        let mut flusher = Flusher::new(config.width, config.height, model);
        if let Err(e) = flusher.init(&config, &mut bus) {
            let mut err = flush_error(&bus, e);
            err.transient = false;
            return Err(err);
        }
        Ok(PanelSink {
            bus,
            flusher,
            width: config.width,
            height: config.height,
        })
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
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<Option<FlushStats>, SinkError> {
        self.bus.begin_frame(tick);
        // On error the flusher forgets the panel's content: the retry sends the full frame.
        let stats = self
            .flusher
            .flush(frame, &mut self.bus)
            .map_err(|e| flush_error(&self.bus, e))?;
        self.bus.end_frame(tick)?;
        Ok(Some(stats))
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

/// Retry policy for transient bus errors: exponential backoff from `first` up to `max`.
#[derive(Clone, Copy, Debug)]
pub struct Retry {
    pub attempts: u32,
    pub first: Duration,
    pub max: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 8,
            first: Duration::from_millis(5),
            max: Duration::from_millis(500),
        }
    }
}

/// Shows a frame, retrying transient errors with backoff (`sleep` is injected for tests).
/// Returns the stats of the attempt that worked and how many attempts failed before it.
pub fn show_with_retry(
    sink: &mut dyn Sink,
    tick: Tick,
    frame: &Frame,
    retry: Retry,
    sleep: &mut dyn FnMut(Duration),
) -> Result<(Option<FlushStats>, u32), SinkError> {
    let mut delay = retry.first;
    let mut failed = 0;
    loop {
        match sink.show(tick, frame) {
            Ok(s) => return Ok((s, failed)),
            Err(e) if e.transient && failed + 1 < retry.attempts => {
                failed += 1;
                eprintln!(
                    "tick {tick}: {e}; retrying in {} ms (the next flush resends the whole frame)",
                    delay.as_millis()
                );
                sleep(delay);
                delay = (delay * 2).min(retry.max);
            }
            Err(e) => {
                let mut e = e;
                if failed > 0 {
                    e.message = format!("{} (gave up after {} attempts)", e.message, failed + 1);
                }
                return Err(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_hal::i2c::ErrorKind;
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

    #[test]
    fn transient_errors_are_retried_with_backoff_and_frames_stay_whole() {
        // Transaction 0 is init; fail the data of the first frame, then the first two
        // transactions of the second.
        let mut s = sink(vec![2, 5, 6], false).unwrap();
        let mut slept = Vec::new();
        let retry = Retry::default();
        let (st, failed) =
            show_with_retry(&mut s, 0, &frame(10), retry, &mut |d| slept.push(d)).unwrap();
        assert_eq!(failed, 1);
        assert!(st.unwrap().full);
        assert_eq!(s.bus.bus().panel.ram_frame(128, 64), frame(10));
        let (_, failed) =
            show_with_retry(&mut s, 1, &frame(40), retry, &mut |d| slept.push(d)).unwrap();
        assert_eq!(failed, 2);
        assert_eq!(s.bus.bus().panel.ram_frame(128, 64), frame(40));
        assert_eq!(
            slept,
            vec![
                Duration::from_millis(5),
                Duration::from_millis(5),
                Duration::from_millis(10)
            ]
        );
    }

    #[test]
    fn persistent_errors_give_up_with_the_message() {
        let mut s = sink((1..100).collect(), false).unwrap();
        let retry = Retry {
            attempts: 3,
            ..Retry::default()
        };
        let e = show_with_retry(&mut s, 0, &frame(3), retry, &mut |_| {}).unwrap_err();
        assert!(e.message.contains("gave up after 3 attempts"), "{e}");
    }

    #[test]
    fn absent_panel_fails_at_init_with_a_hint() {
        let e = sink(vec![], true).err().unwrap();
        assert!(!e.transient);
        assert!(e.message.contains("i2cdetect"), "{e}");
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
