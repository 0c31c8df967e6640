//! The `clock` input: local wall time, sent at start and again whenever the wall clock jumps
//! against the monotonic clock (an NTP sync at boot, a manual set) or the UTC offset changes
//! (DST, a new time zone).
//!
//! The local offset comes from jiff, which parses /etc/localtime (TZif) and `TZ` in Rust: no
//! libc `localtime_r`, which the `time` crate refuses to call once threads exist, and nothing
//! for the static musl build to link.

use super::{Live, LiveTx};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tinydisplay::{Event, Tick, Value, CLOCK_INPUT};

/// Local time now: (whole seconds since 1970 in local time, nanoseconds into that second).
fn local_now() -> (i64, u32) {
    let now = jiff::Timestamp::now();
    let offset = jiff::tz::TimeZone::system().to_offset(now).seconds();
    (
        now.as_second().saturating_add(i64::from(offset)),
        u32::try_from(now.subsec_nanosecond()).unwrap_or(0),
    )
}

/// The clock event for a player whose next free tick is `tick`: stamped at the first tick that
/// falls on a whole second of the wall clock, so the seconds on the panel turn with the real
/// ones (to within a tick).
pub fn clock_event(tick: Tick, rate: u32) -> Event {
    let (secs, nanos) = local_now();
    clock_event_at(tick, rate, secs, nanos)
}

fn clock_event_at(tick: Tick, rate: u32, secs: i64, nanos: u32) -> Event {
    let rate = u64::from(rate.max(1));
    let to_next = 1_000_000_000 - u64::from(nanos.min(999_999_999));
    let ticks = (to_next * rate).div_ceil(1_000_000_000);
    Event::new(
        tick.saturating_add(ticks),
        CLOCK_INPUT,
        Value::Int(secs.saturating_add(1)),
    )
}

/// Wall clock minus monotonic clock, in milliseconds: constant unless the wall clock jumps.
fn wall_minus_mono(mono0: Instant) -> i128 {
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i128);
    wall - mono0.elapsed().as_millis() as i128
}

/// Asks for a clock event now, then checks once a second for a jump of more than a second or a
/// new UTC offset.
pub fn spawn_clock_watch(tx: LiveTx) {
    std::thread::spawn(move || {
        if tx.send(Live::Clock).is_err() {
            return;
        }
        let mono0 = Instant::now();
        let offset = || {
            jiff::tz::TimeZone::system()
                .to_offset(jiff::Timestamp::now())
                .seconds()
        };
        let mut base = wall_minus_mono(mono0);
        let mut off = offset();
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let now = wall_minus_mono(mono0);
            let o = offset();
            if (now - base).abs() > 1000 || o != off {
                eprintln!(
                    "tinydisplay play: the wall clock moved by {} ms (UTC offset {off} -> {o} s): clock event",
                    now - base
                );
                base = now;
                off = o;
                if tx.send(Live::Clock).is_err() {
                    return;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_events_land_on_the_next_whole_second() {
        // 0.25 s into second 100 at 60 Hz: 0.75 s to go is 45 ticks.
        let e = clock_event_at(10, 60, 100, 250_000_000);
        assert_eq!(e, Event::new(55, CLOCK_INPUT, Value::Int(101)));
        // Exactly on a second: the next one, a whole second of ticks away.
        let e = clock_event_at(0, 30, -5, 0);
        assert_eq!(e, Event::new(30, CLOCK_INPUT, Value::Int(-4)));
        // Rounded up, never early.
        let e = clock_event_at(0, 60, 0, 999_999_999);
        assert_eq!(e.tick, 1);
    }
}
