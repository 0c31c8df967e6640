//! The sink contract: where frames go, how a failure is told, and what the [`Player`] does
//! about it. Every display implements [`Sink`] directly: the CLI's SSD1306 panels (I2C, SPI),
//! the virtual SSD1306, wire files and the terminal preview, and a browser canvas if it wanted.
//!
//! # Errors and retries: one policy, in the player
//!
//! [`Sink::show`] returns `Ok` once the frame is on the display, or a [`SinkError`] that is
//! either *transient* (a bus glitch: worth trying again soon) or *fatal* (nothing answers, no
//! permission, a file cannot be written).
//!
//! - A fatal error stops [`Player::run`] and is returned; [`Player::step`] returns it too.
//! - A transient error costs that tick's frame. The player counts it
//!   ([`PlayerStats::sink_errors`](crate::PlayerStats::sink_errors)), waits a backoff
//!   ([`Retry`]: `first`, doubling with each further consecutive failure, at most `max`), then
//!   shows whichever tick is due by then. Ticks that pass meanwhile are dropped, as for a slow
//!   sink, so the timeline does not drift. The backoff is an ordinary
//!   [`Step::Waiting`](crate::Step::Waiting), so a host that waits in short steps stays
//!   responsive to signals.
//! - After [`Retry::attempts`] consecutive failed shows the error becomes fatal and says so
//!   ("gave up after N attempts"). One success resets the count and the backoff.
//!
//! Why the next show and not the same frame again: by the time the backoff is over, a newer tick
//! is usually due, and a display should show the present. What makes this safe is the sink's
//! half of the contract: **after any error, the next `show` must leave the whole frame on the
//! display**, whatever the failed one left behind. Panel sinks get this from the flush planner
//! (`tinydisplay_ssd1306::Flusher` assumes nothing about the panel's RAM, pointer or addressing
//! mode after a bus error, so its next flush is a full frame).
//!
//! [`Player`]: crate::Player
//! [`Player::run`]: crate::Player::run
//! [`Player::step`]: crate::Player::step

use crate::Tick;
use core::time::Duration;
use tinydisplay::Frame;

/// Where frames go: an SSD1306 over I2C or SPI, an emulator, a terminal, a canvas.
///
/// `show` may take longer than a tick (a 400 kHz I2C bus needs ~23 ms per full frame); the player
/// then skips the ticks that passed meanwhile instead of falling behind. Errors follow the
/// policy in the [module documentation](self). Object safe, so hosts can pick a sink at run time
/// (`Box<dyn Sink>`).
///
/// ```
/// use tinydisplay::Frame;
/// use tinydisplay_runtime::{Sink, SinkError, Tick};
/// struct Count(u64);
/// impl Sink for Count {
///     fn show(&mut self, _tick: Tick, frame: &Frame) -> Result<(), SinkError> {
///         if frame.width() != 128 {
///             return Err(SinkError::fatal("this panel is 128 pixels wide"));
///         }
///         self.0 += 1;
///         Ok(())
///     }
/// }
/// let mut sink: Box<dyn Sink> = Box::new(Count(0));
/// sink.show(0, &Frame::new(128, 64)).unwrap();
/// assert!(sink.show(1, &Frame::new(64, 32)).is_err());
/// ```
pub trait Sink {
    /// Shows `frame`, the frame of `tick` (ticks only increase, with gaps where frames were
    /// dropped). After an error, the next call must leave the whole frame on the display.
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError>;

    /// Play is over: leave the display as `on_exit` says and flush what is buffered. Called once
    /// by the host, also after a fatal error or a signal. The default does nothing.
    fn finish(&mut self, on_exit: OnExit) -> Result<(), SinkError> {
        let _ = on_exit;
        Ok(())
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError> {
        (**self).show(tick, frame)
    }
    fn finish(&mut self, on_exit: OnExit) -> Result<(), SinkError> {
        (**self).finish(on_exit)
    }
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn show(&mut self, tick: Tick, frame: &Frame) -> Result<(), SinkError> {
        (**self).show(tick, frame)
    }
    fn finish(&mut self, on_exit: OnExit) -> Result<(), SinkError> {
        (**self).finish(on_exit)
    }
}

/// A sink that discards frames (benchmarks, soak tests).
#[derive(Clone, Copy, Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn show(&mut self, _tick: Tick, _frame: &Frame) -> Result<(), SinkError> {
        Ok(())
    }
}

/// What the display shows after play stops ([`Sink::finish`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OnExit {
    /// Blank the display (a panel's RAM cleared, display left on).
    #[default]
    Clear,
    /// Leave the last frame on the display.
    Keep,
    /// Switch the display off (a panel keeps its RAM and draws almost nothing).
    Off,
}

impl OnExit {
    pub const ALL: [OnExit; 3] = [OnExit::Clear, OnExit::Keep, OnExit::Off];
    /// The names [`OnExit::parse`] takes, in [`OnExit::ALL`] order.
    pub const NAMES: [&'static str; 3] = ["clear", "keep", "off"];

    /// `clear`, `keep` or `off`.
    pub fn name(self) -> &'static str {
        match self {
            OnExit::Clear => "clear",
            OnExit::Keep => "keep",
            OnExit::Off => "off",
        }
    }

    pub fn parse(name: &str) -> Option<OnExit> {
        OnExit::ALL.into_iter().find(|o| o.name() == name)
    }
}

/// The player's answer to transient sink errors (see the [module documentation](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// Consecutive failed shows after which a transient error is fatal (at least 1: with 1,
    /// every error is fatal).
    pub attempts: u32,
    /// Backoff after the first failure.
    pub first: Duration,
    /// The backoff doubles per further consecutive failure up to this.
    pub max: Duration,
}

impl Default for Retry {
    /// 8 attempts, 5 ms doubling to at most 500 ms: a glitch on a 400 kHz I2C bus costs one
    /// frame and 5 ms; a panel unplugged mid-play is reported after ~0.6 s of trying.
    fn default() -> Self {
        Retry {
            attempts: 8,
            first: Duration::from_millis(5),
            max: Duration::from_millis(500),
        }
    }
}

impl Retry {
    /// The backoff after the `failures`-th consecutive failure (1-based).
    pub fn backoff(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.first
            .checked_mul(1 << doublings)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

/// A sink failure: what went wrong, in words for the user (e.g. "I2C write to 0x3c failed:
/// no acknowledge"), the underlying error when there is one, and whether it is worth going on.
/// The player adds the tick it happened at and, for a transient error, when it tries again;
/// `Display` shows all of it.
#[derive(Debug)]
pub struct SinkError {
    message: String,
    transient: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    tick: Option<Tick>,
    retry_in: Option<Duration>,
}

impl SinkError {
    /// An error that stops playback.
    pub fn new(message: impl Into<String>) -> Self {
        SinkError {
            message: message.into(),
            transient: false,
            source: None,
            tick: None,
            retry_in: None,
        }
    }

    /// Same as [`SinkError::new`].
    pub fn fatal(message: impl Into<String>) -> Self {
        SinkError::new(message)
    }

    /// An error worth trying again soon (it costs this frame).
    pub fn transient(message: impl Into<String>) -> Self {
        SinkError {
            transient: true,
            ..SinkError::new(message)
        }
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The same error, fatal (e.g. a glitch while initialising a panel: nothing to go on with).
    pub fn into_fatal(mut self) -> Self {
        self.transient = false;
        self.retry_in = None;
        self
    }

    pub fn is_transient(&self) -> bool {
        self.transient
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The tick whose frame failed, when the player reported it.
    pub fn tick(&self) -> Option<Tick> {
        self.tick
    }

    /// For a transient error from the player: the backoff before it shows the next frame.
    pub fn retry_in(&self) -> Option<Duration> {
        self.retry_in
    }

    pub(crate) fn at_tick(mut self, tick: Tick) -> Self {
        self.tick = Some(tick);
        self
    }

    pub(crate) fn retrying_in(mut self, delay: Duration) -> Self {
        self.retry_in = Some(delay);
        self
    }

    pub(crate) fn gave_up(mut self, attempts: u32) -> Self {
        self.message = format!("{} (gave up after {attempts} attempts)", self.message);
        self.into_fatal()
    }
}

impl core::fmt::Display for SinkError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if let Some(t) = self.tick {
            write!(f, "tick {t}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(s) = &self.source {
            write!(f, ": {s}")?;
        }
        if let Some(d) = self.retry_in {
            write!(f, "; retrying in {} ms", d.as_millis())?;
        }
        Ok(())
    }
}

impl std::error::Error for SinkError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let r = Retry::default();
        let ms: Vec<u128> = (1..=9).map(|n| r.backoff(n).as_millis()).collect();
        assert_eq!(ms, [5, 10, 20, 40, 80, 160, 320, 500, 500]);
        assert_eq!(r.backoff(u32::MAX), r.max);
        let huge = Retry {
            first: Duration::MAX,
            ..r
        };
        assert_eq!(huge.backoff(3), r.max);
    }

    #[test]
    fn errors_say_where_and_what_follows() {
        let e = SinkError::transient("bus error")
            .at_tick(7)
            .retrying_in(Duration::from_millis(10));
        assert_eq!(e.to_string(), "tick 7: bus error; retrying in 10 ms");
        let e = e.gave_up(8);
        assert!(!e.is_transient());
        assert_eq!(
            e.to_string(),
            "tick 7: bus error (gave up after 8 attempts)"
        );
        for o in OnExit::ALL {
            assert_eq!(OnExit::parse(o.name()), Some(o));
        }
        assert_eq!(
            OnExit::NAMES.map(|n| OnExit::parse(n).unwrap()),
            OnExit::ALL
        );
    }
}
