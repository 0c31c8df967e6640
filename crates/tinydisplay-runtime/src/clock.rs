//! Time is injected: the runtime never reads a clock of its own, so the same code runs natively,
//! in a browser (where `std::time::Instant` panics) and in tests with simulated time.

use core::time::Duration;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
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

    /// Like `sleep_until`, but returns as soon as `bell` rings after it read `seen` (an input
    /// event arrived). The default cannot be woken: it returns at once if the bell already
    /// rang, else sleeps to the deadline.
    fn sleep_until_or_rung(&self, deadline: Duration, bell: &Doorbell, seen: u32) {
        if bell.seq() == seen {
            self.sleep_until(deadline);
        }
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> Duration {
        (**self).now()
    }
    fn sleep_until(&self, deadline: Duration) {
        (**self).sleep_until(deadline)
    }
    fn sleep_until_or_rung(&self, deadline: Duration, bell: &Doorbell, seen: u32) {
        (**self).sleep_until_or_rung(deadline, bell, seen)
    }
}

/// Wakes a sleeping player when something it cannot foresee happens (an input event): a
/// sequence number that `ring` bumps, and that a clock's `sleep_until_or_rung` waits on.
///
/// On Linux the wait is a futex on the sequence number with an absolute `CLOCK_MONOTONIC`
/// deadline, so one system call both sleeps to the tick and wakes on an event. Elsewhere natively
/// a mutex and condition variable; in a browser nothing waits (the page steps the player from its
/// frame callback), so `ring` only bumps the number and never blocks the main thread.
#[derive(Debug, Default)]
pub struct Doorbell {
    seq: AtomicU32,
    #[cfg(not(any(
        target_os = "linux",
        all(target_arch = "wasm32", target_os = "unknown")
    )))]
    lock: std::sync::Mutex<()>,
    #[cfg(not(any(
        target_os = "linux",
        all(target_arch = "wasm32", target_os = "unknown")
    )))]
    cv: std::sync::Condvar,
}

impl Doorbell {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many times it rang (wrapping): read before deciding to sleep, so that a ring in
    /// between is not lost.
    pub fn seq(&self) -> u32 {
        self.seq.load(Ordering::SeqCst)
    }

    pub fn ring(&self) {
        self.seq.fetch_add(1, Ordering::SeqCst);
        #[cfg(target_os = "linux")]
        // SAFETY: FUTEX_WAKE on a live, aligned u32 reads nothing else.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                self.seq.as_ptr(),
                libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
                i32::MAX,
            );
        }
        #[cfg(not(any(
            target_os = "linux",
            all(target_arch = "wasm32", target_os = "unknown")
        )))]
        {
            let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
            self.cv.notify_all();
        }
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

    /// A bell that rang since `seen` ends the sleep at once, leaving the time where it is.
    fn sleep_until_or_rung(&self, deadline: Duration, bell: &Doorbell, seen: u32) {
        if bell.seq() == seen {
            self.sleep_until(deadline);
        }
    }
}

pub(crate) fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use system::SystemClock;

/// User + system CPU time of the whole process so far (`getrusage(RUSAGE_SELF)`: the player,
/// the workers and every other thread), for `play --stats`. `None` where it is not available.
pub fn process_cpu_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getrusage fills one struct we own; all-zero is a valid rusage.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
            return None;
        }
        let tv = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec.max(0) as u64)
                + Duration::from_micros(t.tv_usec.max(0) as u64)
        };
        Some(tv(ru.ru_utime) + tv(ru.ru_stime))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
mod system {
    use super::{Clock, Doorbell};
    use std::time::Duration;

    /// The native monotonic clock, for the CLI and native players.
    ///
    /// On Linux it reads `CLOCK_MONOTONIC` and sleeps to an absolute deadline
    /// (`clock_nanosleep(TIMER_ABSTIME)`, or a futex wait with an absolute timeout when an event
    /// may wake it): the kernel wakes the thread at the deadline plus its timer slack (50 us), with
    /// no busy spin and no drift from converting to a relative sleep. Elsewhere `std::thread::sleep`.
    #[derive(Clone, Debug)]
    pub struct SystemClock {
        #[cfg(target_os = "linux")]
        origin_ns: u64,
        #[cfg(not(target_os = "linux"))]
        origin: std::time::Instant,
    }

    impl Default for SystemClock {
        fn default() -> Self {
            Self::new()
        }
    }

    #[cfg(target_os = "linux")]
    fn monotonic_ns() -> u64 {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes one timespec we own; CLOCK_MONOTONIC always exists on Linux.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        (ts.tv_sec as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(ts.tv_nsec as u64)
    }

    #[cfg(target_os = "linux")]
    fn timespec(ns: u64) -> libc::timespec {
        libc::timespec {
            tv_sec: (ns / 1_000_000_000).min(i64::MAX as u64) as libc::time_t,
            tv_nsec: (ns % 1_000_000_000) as libc::c_long,
        }
    }

    impl SystemClock {
        pub fn new() -> Self {
            SystemClock {
                #[cfg(target_os = "linux")]
                origin_ns: monotonic_ns(),
                #[cfg(not(target_os = "linux"))]
                origin: std::time::Instant::now(),
            }
        }

        #[cfg(target_os = "linux")]
        fn absolute(&self, deadline: Duration) -> libc::timespec {
            timespec(
                self.origin_ns
                    .saturating_add(super::duration_nanos(deadline)),
            )
        }
    }

    impl Clock for SystemClock {
        #[cfg(target_os = "linux")]
        fn now(&self) -> Duration {
            Duration::from_nanos(monotonic_ns().saturating_sub(self.origin_ns))
        }

        #[cfg(not(target_os = "linux"))]
        fn now(&self) -> Duration {
            self.origin.elapsed()
        }

        #[cfg(target_os = "linux")]
        fn sleep_until(&self, deadline: Duration) {
            let at = self.absolute(deadline);
            // Interrupted by a signal: sleep again to the same absolute deadline.
            // SAFETY: clock_nanosleep reads one timespec we own; no remainder with TIMER_ABSTIME.
            while unsafe {
                libc::clock_nanosleep(
                    libc::CLOCK_MONOTONIC,
                    libc::TIMER_ABSTIME,
                    &at,
                    std::ptr::null_mut(),
                )
            } == libc::EINTR
            {}
        }

        #[cfg(not(target_os = "linux"))]
        fn sleep_until(&self, deadline: Duration) {
            let now = self.now();
            if deadline > now {
                std::thread::sleep(deadline - now);
            }
        }

        #[cfg(target_os = "linux")]
        fn sleep_until_or_rung(&self, deadline: Duration, bell: &Doorbell, seen: u32) {
            let at = self.absolute(deadline);
            // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC timeout; it returns at once if
            // the bell's number is no longer `seen`, on a ring, at the deadline, or spuriously
            // (then the loop checks again).
            while bell.seq() == seen && self.now() < deadline {
                // SAFETY: a futex wait on a live, aligned u32 with a timespec we own.
                unsafe {
                    libc::syscall(
                        libc::SYS_futex,
                        bell.seq.as_ptr(),
                        libc::FUTEX_WAIT_BITSET | libc::FUTEX_PRIVATE_FLAG,
                        seen,
                        &at as *const libc::timespec,
                        std::ptr::null::<u32>(),
                        libc::FUTEX_BITSET_MATCH_ANY,
                    );
                }
            }
        }

        #[cfg(not(target_os = "linux"))]
        fn sleep_until_or_rung(&self, deadline: Duration, bell: &Doorbell, seen: u32) {
            let mut g = bell.lock.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                let now = self.now();
                if bell.seq() != seen || now >= deadline {
                    return;
                }
                g = bell
                    .cv
                    .wait_timeout(g, deadline - now)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
        }
    }
}
