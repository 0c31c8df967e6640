//! Tracks and waves evaluated at a tick, in closed form (no replay from tick 0).

use crate::fixed::{self, ONE};
use crate::model::CTrack;
use crate::scene::{Wave, WaveShape};
use crate::Tick;

/// Value of a wave at tick `t` (plus `extra` ticks of phase).
pub(crate) fn eval_wave(w: &Wave, t: Tick, extra: i64) -> i64 {
    let period = u64::from(w.period.max(1));
    let off = (i64::from(w.phase).saturating_add(extra)).rem_euclid(period as i64) as u64;
    let pos = wrap_once(t % period + off, period);
    wave_value(w, ((pos << 16) / period) as i64)
}

/// `x % period` for `x < 2 * period`. Divisions are the costly part of waves and tracks, and
/// wasm32 has no instruction giving quotient and remainder at once: the hot paths divide once
/// and derive the rest.
#[inline]
fn wrap_once(x: u64, period: u64) -> u64 {
    if x >= period {
        x - period
    } else {
        x
    }
}

/// The wave's value at Q16 fraction `frac` (0..65536) of its period.
fn wave_value(w: &Wave, frac: i64) -> i64 {
    let lo = i64::from(w.min);
    let hi = i64::from(w.max);
    let unit = match w.shape {
        // Map sin's -32767..=32767 to 0..=65536.
        // x * 65536 / 65534 = x * 32768 / 32767 = x + x / 32767 exactly (x * 32768 = x * 32767 + x),
        // and the same for |s| * 65536 / 32767 = 2|s| + 2|s| / 32767: a 32-bit division by a
        // constant (a multiply) instead of a 64-bit division, which wasm32 cannot avoid.
        WaveShape::Sine => {
            let x = fixed::sin_q15(frac as u32) + 32767;
            i64::from(x + x / 32767)
        }
        WaveShape::AbsSine => {
            let x = 2 * fixed::sin_q15((frac / 2) as u32).abs();
            i64::from(x + x / 32767)
        }
        WaveShape::Triangle => {
            if frac < 32768 {
                frac * 2
            } else {
                (65536 - frac) * 2
            }
        }
        WaveShape::Saw => frac,
        WaveShape::Square => {
            if frac < 32768 {
                0
            } else {
                65536
            }
        }
    };
    // Round to nearest, so that a wave is symmetric about its middle.
    lo + (((hi - lo) * unit + 0x8000) >> 16)
}

/// The values of a wave at `t`, `t + step`, `t + 2 * step`, ... (a sparkline's columns), equal
/// to [`eval_wave`] at each, but with no division per column: the position and its Q16
/// fraction `q + r / period` are advanced incrementally. (Three 64-bit divisions per column
/// were a quarter of a dashboard frame.)
pub(crate) struct WaveWalk<'a> {
    wave: &'a Wave,
    period: u64,
    pos: u64,
    q: u64,
    r: u64,
    d: u64,
    dq: u64,
    dr: u64,
}

impl<'a> WaveWalk<'a> {
    pub(crate) fn new(wave: &'a Wave, t: Tick) -> Self {
        let period = u64::from(wave.period.max(1));
        let off = i64::from(wave.phase).rem_euclid(period as i64) as u64;
        let pos = wrap_once(t % period + off, period);
        let d = i64::from(wave.step).rem_euclid(period as i64) as u64;
        let (q, dq) = ((pos << 16) / period, (d << 16) / period);
        WaveWalk {
            wave,
            period,
            pos,
            q,
            r: (pos << 16) - q * period,
            d,
            dq,
            dr: (d << 16) - dq * period,
        }
    }
}

impl Iterator for WaveWalk<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        let v = wave_value(self.wave, self.q as i64);
        self.pos += self.d;
        self.q += self.dq;
        self.r += self.dr;
        if self.r >= self.period {
            self.r -= self.period;
            self.q += 1;
        }
        if self.pos >= self.period {
            self.pos -= self.period;
            self.q -= 1 << 16;
        }
        Some(v)
    }
}

/// Where a track is at `t`: the pair of keys and the eased Q16 progress between them.
/// Before its start a track holds its first key, after its end its final one.
pub(crate) fn track_position(tr: &CTrack, t: Tick) -> (usize, usize, i32) {
    let keys = &tr.keys;
    let last = keys.len() - 1;
    let len = u64::from(keys[last].t - keys[0].t);
    let first = tr.start.saturating_add(u64::from(keys[0].t));
    if t < first || len == 0 {
        return (0, 0, 0);
    }
    let local = t - first;
    let cycle = local / len;
    let mut phase = local - cycle * len;
    let mut reverse = tr.yoyo && cycle % 2 == 1;
    if let Some(n) = tr.repeat {
        if cycle >= u64::from(n) {
            // Finished: rest on the end of the last cycle.
            reverse = tr.yoyo && (n - 1) % 2 == 1;
            phase = len;
        }
    }
    if reverse {
        phase = len - phase;
    }
    let p = u64::from(keys[0].t) + phase;
    // The segment keys[i] -> keys[i + 1] with keys[i].t <= p < keys[i + 1].t.
    let i = keys
        .partition_point(|k| u64::from(k.t) <= p)
        .saturating_sub(1);
    if i >= last {
        return (last, last, 0);
    }
    let (a, b) = (&keys[i], &keys[i + 1]);
    let span = u64::from(b.t - a.t);
    let q = (((p - u64::from(a.t)) << 16) / span) as i32;
    (i, i + 1, b.ease.apply(q.min(ONE)))
}

#[cfg(test)]
mod wave_tests {
    use super::*;

    #[test]
    fn sine_units_equal_the_64_bit_divisions() {
        for frac in 0..=65_536i64 {
            let s = i64::from(fixed::sin_q15(frac as u32));
            let a = i64::from(fixed::sin_q15((frac / 2) as u32));
            for (shape, want) in [
                (WaveShape::Sine, (s + 32767) * 65536 / 65534),
                (WaveShape::AbsSine, a.abs() * 65536 / 32767),
            ] {
                let w = Wave {
                    shape,
                    period: 60,
                    min: 0,
                    max: 65_536,
                    phase: 0,
                    step: 0,
                };
                // min 0, max 65536: wave_value returns the unit itself.
                assert_eq!(wave_value(&w, frac), want, "{shape:?} at {frac}");
            }
        }
    }

    #[test]
    fn wave_walk_equals_eval_wave() {
        let mut seed = 0x1234_5678_9ABC_DEF1u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..3000 {
            let shape = [
                WaveShape::Sine,
                WaveShape::AbsSine,
                WaveShape::Triangle,
                WaveShape::Saw,
                WaveShape::Square,
            ][case % 5];
            let period = match case % 4 {
                0 => 1 + (next() % 7) as u32,
                1 => 1 + (next() % 1000) as u32,
                2 => 1_000_000_000,
                _ => 1 + (next() % 100_000) as u32,
            };
            let wave = Wave {
                shape,
                period,
                min: -((next() % 100) as i32),
                max: (next() % 100) as i32,
                phase: (next() % 2_000_001) as i32 - 1_000_000,
                step: (next() % 2_000_001) as i32 - 1_000_000,
            };
            let t = if case % 3 == 0 {
                u64::MAX - next() % 1000
            } else {
                next() % 1_000_000
            };
            for (i, v) in WaveWalk::new(&wave, t).take(300).enumerate() {
                assert_eq!(
                    v,
                    eval_wave(&wave, t, i as i64 * i64::from(wave.step)),
                    "{wave:?} t={t} column {i}"
                );
            }
        }
    }
}
