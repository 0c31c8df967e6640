//! Time is injected: the runtime never reads a clock of its own, so the same code runs natively,
//! in a browser (where `std::time::Instant` panics) and in tests with simulated time.

use core::time::Duration;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A monotonic clock.
///
/// `now` is the time since an arbitrary, fixed origin. `sleep_until` waits for a deadline given in
/// the same terms; hosts that cannot block (a browser's main thread) keep the default, which
/// returns at once, and drive [`crate::Player::step`] from their frame callback instead of calling
/// [`crate::Player::run`].
pub trait Clock: Send + Sync {
    fn now(&self) -> Duration;

    fn sleep_until(&self, deadline: Duration) {
        let _ = deadline;
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> Duration {
        (**self).now()
    }
    fn sleep_until(&self, deadline: Duration) {
        (**self).sleep_until(deadline)
    }
}

/// Simulated time for tests: it moves only when told to, or when someone sleeps on it (a sleep
/// jumps straight to its deadline). Clones share one time line.
///
/// ```
/// use std::time::Duration;
/// use tinydisplay_runtime::{Clock, FakeClock};
/// let clock = FakeClock::new();
/// let other = clock.clone();
/// clock.advance(Duration::from_millis(5));
/// other.sleep_until(Duration::from_millis(20));
/// assert_eq!(clock.now(), Duration::from_millis(20));
/// ```
#[derive(Clone, Debug, Default)]
pub struct FakeClock {
    nanos: Arc<AtomicU64>,
}

impl FakeClock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn advance(&self, by: Duration) {
        self.nanos.fetch_add(duration_nanos(by), Ordering::SeqCst);
    }

    pub fn set(&self, to: Duration) {
        self.nanos.store(duration_nanos(to), Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }

    fn sleep_until(&self, deadline: Duration) {
        self.nanos
            .fetch_max(duration_nanos(deadline), Ordering::SeqCst);
    }
}

pub(crate) fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use system::SystemClock;

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
mod system {
    use super::Clock;
    use std::time::{Duration, Instant};

    /// The native wall clock (`std::time::Instant`), for the CLI and native players.
    ///
    /// OS sleeps overshoot by tens of microseconds (milliseconds on a loaded machine), which would
    /// hand every tick a late start, so `sleep_until` sleeps until `spin` before the deadline and
    /// then spins. The spin costs at most `spin` of one core per tick.
    #[derive(Clone, Debug)]
    pub struct SystemClock {
        origin: Instant,
        spin: Duration,
    }

    impl Default for SystemClock {
        fn default() -> Self {
            Self::new()
        }
    }

    impl SystemClock {
        /// Spins for the last millisecond before a deadline.
        pub fn new() -> Self {
            Self::with_spin(Duration::from_millis(1))
        }

        pub fn with_spin(spin: Duration) -> Self {
            SystemClock {
                origin: Instant::now(),
                spin,
            }
        }
    }

    impl Clock for SystemClock {
        fn now(&self) -> Duration {
            self.origin.elapsed()
        }

        fn sleep_until(&self, deadline: Duration) {
            let now = self.now();
            if deadline <= now {
                return;
            }
            if deadline - now > self.spin {
                std::thread::sleep(deadline - now - self.spin);
            }
            while self.now() < deadline {
                std::hint::spin_loop();
            }
        }
    }
}
