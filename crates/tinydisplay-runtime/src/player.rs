//! The player: a fixed-timestep tick clock that shows each tick's frame on a [`Sink`], with the
//! error and retry policy of [`crate::sink`].

use crate::clock::{duration_nanos, Clock};
use crate::histogram::Histogram;
use crate::precompute::Precomputer;
use crate::sink::{Retry, Sink, SinkError};
use crate::Tick;
use core::time::Duration;
use std::sync::Arc;
use tinydisplay::{Event, EventError};

/// What one [`Player::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Showed `tick`, skipping `dropped` ticks that passed since the previous one.
    Shown {
        tick: Tick,
        dropped: u64,
        precomputed: bool,
    },
    /// The current tick was already shown; the next one starts at `next_deadline` (clock time).
    Waiting { next_deadline: Duration },
    /// The frame of `tick` could not be rendered (its render panicked, on a worker and inline);
    /// nothing was shown for it.
    Failed { tick: Tick },
    /// The end tick set with [`Player::set_end`] was reached.
    Finished,
}

/// Counters and latency distributions of a player since it started.
#[derive(Clone, Debug, Default)]
pub struct PlayerStats {
    pub shown: u64,
    /// Ticks that passed without being shown (the sink or the player was too slow).
    pub dropped: u64,
    /// Frames taken from the cache.
    pub precomputed: u64,
    /// Frames rendered by the player after a cache miss.
    pub inline: u64,
    /// Ticks whose frame could not be rendered at all.
    pub failed: u64,
    /// Tick deadline to frame ready, for frames from the cache. A precomputed frame is ready
    /// when a worker stored it in the cache, so this is 0 when it was stored before its tick
    /// was due, which is the point of precomputing.
    pub latency_precomputed: Histogram,
    /// The same for frames rendered inline: ready when the player finished rendering it, after
    /// waking for the tick.
    pub latency_inline: Histogram,
    /// Both together.
    pub latency: Histogram,
    /// Tick deadline to the frame in the player's hand, for frames from the cache: unlike
    /// `latency_precomputed` this includes how late the player itself woke up and its lookup.
    pub in_hand_precomputed: Histogram,
    /// The same for frames rendered inline (equal to `latency_inline` up to a clock read).
    pub in_hand_inline: Histogram,
    /// How late the player woke up for the ticks it showed (part of every in-hand time above;
    /// the OS scheduler's share rather than the frame's).
    pub wake_late: Histogram,
    /// From the player waking for a tick to its frame in hand: the in-hand time without the
    /// wake-up delay (a cache lookup, or an inline render).
    pub service: Histogram,
    /// Transient sink errors played through: each lost one frame and cost a backoff (see
    /// [`crate::sink`]).
    pub sink_errors: u64,
    /// With [`Player::skip_unchanged`]: ticks whose frame equals the one on the display, so
    /// nothing was sent (the display showed them all the same). Ticks played =
    /// `shown + dropped + unchanged + failed`.
    pub unchanged: u64,
    /// Times the player woke to step (each a thread wake-up when it sleeps between steps).
    pub wakeups: u64,
    /// Tick deadline to the sink's `show` returning, for every frame handed to the sink: how
    /// late the frame reached the display.
    pub lateness: Histogram,
}

/// Plays a scene at its tick rate: at each tick it takes the tick's frame from the precomputer's
/// cache (rendering it inline on a miss) and hands it to a [`Sink`].
///
/// The tick is always `first + floor((now - origin) * rate)`, computed from the clock, never
/// from accumulated sleeps, so the timeline cannot drift; ticks that pass while the sink is busy
/// are dropped and counted.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use tinydisplay::Engine;
/// use tinydisplay_runtime::{Clock, FakeClock, NullSink, Player, Precomputer, PoolChoice, Step};
/// let engine = Engine::from_source("s.toml", b"display = { width = 128, height = 32 }").unwrap();
/// let clock = FakeClock::new();
/// let pre = Precomputer::builder(engine, Arc::new(clock.clone())).pool(PoolChoice::None).build().unwrap();
/// let mut player = Player::new(pre);
/// player.set_end(Some(120));
/// player.run(&mut NullSink).unwrap(); // the fake clock jumps to each deadline
/// assert_eq!(player.stats().shown, 120);
/// assert_eq!(clock.now(), Duration::from_secs(2)); // it slept until tick 120 was due
/// ```
pub struct Player {
    pre: Precomputer,
    clock: Arc<dyn Clock>,
    rate: u64,
    origin: Duration,
    first: Tick,
    /// The lowest tick not yet shown or dropped.
    next: Tick,
    end: Option<Tick>,
    stats: PlayerStats,
    retry: Retry,
    /// Consecutive failed shows (reset by a success).
    failures: u32,
    /// While backing off after a transient sink error: the clock time to show again.
    resume_at: Option<Duration>,
    skip_unchanged: bool,
    /// The hash of the frame on the display; `None` before the first show and after an error.
    on_display: Option<tinydisplay::FrameHash>,
    /// Ticks below this are known (from the cache's hashes) to equal the frame on the display.
    quiet_until: Tick,
    /// The precomputer's generation when `quiet_until` was set: an invalidation voids it.
    quiet_generation: u64,
    /// The doorbell's number before the last step, so a ring during the step is not slept
    /// through.
    bell_seen: u32,
}

impl Player {
    /// A player whose timeline starts now at tick 0, with the precomputer's clock.
    pub fn new(pre: Precomputer) -> Player {
        Player::starting_at(pre, 0)
    }

    /// A player whose timeline starts now at `tick`.
    pub fn starting_at(pre: Precomputer, tick: Tick) -> Player {
        let clock = Arc::clone(pre.clock());
        let rate = u64::from(pre.engine().tick_rate().max(1));
        let origin = clock.now();
        pre.set_cursor(tick);
        Player {
            pre,
            clock,
            rate,
            origin,
            first: tick,
            next: tick,
            end: None,
            stats: PlayerStats::default(),
            retry: Retry::default(),
            failures: 0,
            resume_at: None,
            skip_unchanged: false,
            on_display: None,
            quiet_until: tick,
            quiet_generation: 0,
            bell_seen: 0,
        }
    }

    /// Sends a sink only frames that differ from the one it shows, and sleeps through ticks the
    /// cache already knows to be unchanged (their hashes equal the shown frame's): a clock that
    /// changes once a second wakes the player a few times a second, not at every tick. An
    /// event wakes it at once ([`Player::sleep_until`]). Off by default: a sink that must see
    /// every tick (a wire file's frame markers, `--verify`) keeps it off.
    pub fn skip_unchanged(&mut self, on: bool) {
        self.skip_unchanged = on;
    }

    /// Restarts the timeline: `tick` is due now (seeking, or starting after a prefill). Events
    /// pushed through [`Player::push_event`] were compacted before the ticks already shown, so a
    /// seek back below them may not show what was shown there.
    pub fn restart_at(&mut self, tick: Tick) {
        self.origin = self.clock.now();
        self.first = tick;
        self.next = tick;
        self.quiet_until = tick;
        self.pre.set_cursor(tick);
    }

    /// How transient sink errors are retried (default: [`Retry::default`]).
    pub fn set_retry(&mut self, retry: Retry) {
        self.retry = Retry {
            attempts: retry.attempts.max(1),
            ..retry
        };
    }

    /// `run` returns and `step` reports [`Step::Finished`] once the timeline reaches `end`.
    pub fn set_end(&mut self, end: Option<Tick>) {
        self.end = end;
    }

    pub fn precomputer(&self) -> &Precomputer {
        &self.pre
    }

    pub fn stats(&self) -> &PlayerStats {
        &self.stats
    }

    /// The tick due at clock time `at`.
    pub fn tick_at(&self, at: Duration) -> Tick {
        let elapsed = at.saturating_sub(self.origin).as_nanos();
        let ticks = elapsed * u128::from(self.rate) / 1_000_000_000;
        self.first
            .saturating_add(u64::try_from(ticks).unwrap_or(u64::MAX))
    }

    /// The clock time at which `tick` becomes due (the first nanosecond that `tick_at` maps to it).
    pub fn deadline(&self, tick: Tick) -> Duration {
        let n = u128::from(tick.saturating_sub(self.first));
        let nanos = (n * 1_000_000_000).div_ceil(u128::from(self.rate));
        self.origin + Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    pub fn current_tick(&self) -> Tick {
        self.tick_at(self.clock.now())
    }

    /// Forwards an input event to the precomputer (cached frames from its tick on are redone).
    /// A player moves forward, so the log is compacted as it grows
    /// ([`Precomputer::push_live_event`]): a feed that runs for weeks costs the same per event.
    pub fn push_event(&self, event: Event) -> Result<Tick, EventError> {
        self.pre.push_live_event(event)
    }

    /// Shows the current tick's frame unless it was already shown. Never waits for a worker:
    /// on a cache miss the frame is rendered here.
    ///
    /// A sink error comes back with its tick; a transient one has been counted and its backoff
    /// set ([`SinkError::retry_in`]: the next steps report [`Step::Waiting`] until it is over), so
    /// the caller only reports it and steps on. See [`crate::sink`] for the policy.
    pub fn step<S: Sink + ?Sized>(&mut self, sink: &mut S) -> Result<Step, SinkError> {
        self.bell_seen = self.pre.doorbell().seq();
        self.stats.wakeups += 1;
        let now = self.clock.now();
        let tick = self.tick_at(now);
        if self.skip_unchanged && self.quiet_until > self.next {
            let generation = self.pre.generation();
            if generation != self.quiet_generation {
                // An event changed frames from some tick on, maybe before the quiet ticks end:
                // from the tick due now, every frame is looked at again.
                self.quiet_until = self.quiet_until.min(tick.max(self.next));
            }
        }
        if let Some(end) = self.end {
            if tick >= end {
                let quiet = self.quiet_until.clamp(self.next, end);
                self.stats.unchanged += quiet - self.next;
                self.stats.dropped += end.saturating_sub(quiet);
                self.next = self.next.max(end);
                return Ok(Step::Finished);
            }
        }
        if let Some(at) = self.resume_at {
            if now < at {
                return Ok(Step::Waiting { next_deadline: at });
            }
            self.resume_at = None;
        }
        if tick < self.next {
            return Ok(Step::Waiting {
                next_deadline: self.deadline(self.next),
            });
        }
        if tick < self.quiet_until {
            return Ok(Step::Waiting {
                next_deadline: self.deadline(self.quiet_until),
            });
        }
        let deadline = self.deadline(tick);
        let quiet = self.quiet_until.clamp(self.next, tick);
        self.stats.unchanged += quiet - self.next;
        let dropped = tick - quiet;
        self.stats.dropped += dropped;
        self.next = tick + 1;
        self.stats.wake_late.record(now.saturating_sub(deadline));

        let (frame, stored_at, hash) = match self.pre.take_hashed_without_refill(tick) {
            Some((f, stored_at, hash)) => (f, Some(stored_at), Some(hash)),
            None => match self.pre.render_inline(tick) {
                Ok(f) => (Arc::new(f), None, None),
                Err(_) => {
                    self.stats.failed += 1;
                    return Ok(Step::Failed { tick });
                }
            },
        };
        let precomputed = stored_at.is_some();
        let in_hand_at = self.clock.now();
        let ready = stored_at.unwrap_or(in_hand_at);
        let latency = duration_nanos(ready.saturating_sub(deadline));
        let in_hand = duration_nanos(in_hand_at.saturating_sub(deadline));
        self.stats.latency.record_nanos(latency);
        self.stats.service.record(in_hand_at.saturating_sub(now));
        if precomputed {
            self.stats.precomputed += 1;
            self.stats.latency_precomputed.record_nanos(latency);
            self.stats.in_hand_precomputed.record_nanos(in_hand);
        } else {
            self.stats.inline += 1;
            self.stats.latency_inline.record_nanos(latency);
            self.stats.in_hand_inline.record_nanos(in_hand);
        }
        if self.skip_unchanged {
            // A cached frame's hash is in the cache; an inline one is hashed here (~1 us).
            let hash = hash.unwrap_or_else(|| frame.hash());
            let unchanged = self.on_display == Some(hash);
            if unchanged {
                self.stats.unchanged += 1;
            } else {
                self.show(sink, tick, &frame, deadline)?;
                self.on_display = Some(hash);
            }
            self.plan_quiet(hash);
            // Only now wake workers: the wake-up may cost a context switch, which must not
            // delay this tick's frame.
            self.pre.refill();
            if unchanged {
                return Ok(Step::Waiting {
                    next_deadline: self.deadline(self.next.max(self.quiet_until)),
                });
            }
        } else {
            // Only now wake workers for the tick that entered the window: the wake-up may cost
            // a context switch, which must not delay this tick's frame.
            self.pre.refill();
            self.show(sink, tick, &frame, deadline)?;
        }
        Ok(Step::Shown {
            tick,
            dropped,
            precomputed,
        })
    }

    /// After showing (or finding unchanged) a frame with `hash`: the ticks from `next` on that
    /// the cache knows to show the same become quiet, and the precompute window moves past them.
    fn plan_quiet(&mut self, hash: tinydisplay::FrameHash) {
        self.quiet_generation = self.pre.generation();
        let until = self.pre.same_until(self.next, hash);
        if let Some(end) = self.end {
            self.quiet_until = until.min(end);
        } else {
            self.quiet_until = until;
        }
        if self.quiet_until > self.next {
            self.pre.set_cursor(self.quiet_until);
        }
    }

    fn show<S: Sink + ?Sized>(
        &mut self,
        sink: &mut S,
        tick: Tick,
        frame: &tinydisplay::Frame,
        deadline: Duration,
    ) -> Result<(), SinkError> {
        if let Err(e) = sink.show(tick, frame) {
            self.on_display = None;
            let e = e.at_tick(tick);
            if !e.is_transient() {
                return Err(e);
            }
            self.stats.sink_errors += 1;
            self.failures = self.failures.saturating_add(1);
            if self.failures >= self.retry.attempts {
                return Err(e.gave_up(self.failures));
            }
            let delay = self.retry.backoff(self.failures);
            self.resume_at = Some(self.clock.now().saturating_add(delay));
            return Err(e.retrying_in(delay));
        }
        self.failures = 0;
        self.stats.shown += 1;
        self.stats
            .lateness
            .record(self.clock.now().saturating_sub(deadline));
        Ok(())
    }

    /// Whether the doorbell rang since the last [`Player::step`] began: then
    /// [`Player::sleep_until`] returns at once, and the host should step again.
    pub fn rung(&self) -> bool {
        self.pre.doorbell().seq() != self.bell_seen
    }

    /// Sleeps until `deadline` (clock time), or until an event is pushed (the precomputer's
    /// doorbell rings), whichever comes first. A ring since the last [`Player::step`] began
    /// returns at once, so an event pushed while stepping is not slept through.
    pub fn sleep_until(&self, deadline: Duration) {
        self.clock
            .sleep_until_or_rung(deadline, self.pre.doorbell(), self.bell_seen);
    }

    /// Steps and sleeps (with the clock's `sleep_until`) until the end tick, or forever when no
    /// end is set. Plays through transient sink errors as [`crate::sink`] says; returns the first
    /// fatal one. Native hosts only: a browser calls [`Player::step`] from its frame callback.
    pub fn run<S: Sink + ?Sized>(&mut self, sink: &mut S) -> Result<(), SinkError> {
        loop {
            match self.step(sink) {
                Ok(Step::Finished) => return Ok(()),
                Ok(Step::Waiting { next_deadline }) => self.sleep_until(next_deadline),
                Ok(Step::Shown { .. } | Step::Failed { .. }) => {}
                Err(e) if e.is_transient() => {} // counted, backoff set: step on
                Err(e) => return Err(e),
            }
        }
    }

    /// Player and precomputer numbers together.
    pub fn metrics(&self) -> crate::Metrics {
        crate::Metrics::collect(&self.pre.stats(), Some(&self.stats))
    }
}
