//! A fixed-size log-linear histogram of durations.
//!
//! Written by hand rather than taken from `hdrhistogram` because the player records a latency
//! every tick forever: its memory must be fixed up front (the "memory stays flat" guarantee), it
//! must build for wasm32 without extra features, and 3% resolution is all the metrics need.

use core::time::Duration;

/// Values below this are counted exactly.
const LINEAR: u64 = 64;
/// Sub-buckets per power of two above `LINEAR` (relative error below 1/32).
const SUB_BITS: u32 = 5;
const SUB: usize = 1 << SUB_BITS;
/// 64 exact buckets, then 32 per power of two from 2^6 to 2^63.
const BUCKETS: usize = LINEAR as usize + (64 - 6) * SUB;

#[derive(Clone)]
pub struct Histogram {
    counts: Box<[u64; BUCKETS]>,
    total: u64,
    max: u64,
    sum: u128,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for Histogram {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Histogram")
            .field("count", &self.total)
            .field("p50_ns", &self.quantile_nanos(0.5))
            .field("p99_ns", &self.quantile_nanos(0.99))
            .field("max_ns", &self.max)
            .finish()
    }
}

fn index(v: u64) -> usize {
    if v < LINEAR {
        return v as usize;
    }
    let exp = 63 - v.leading_zeros();
    let mantissa = (v >> (exp - SUB_BITS)) as usize - SUB;
    LINEAR as usize + (exp as usize - 6) * SUB + mantissa
}

/// The largest value that falls in bucket `i`.
fn upper(i: usize) -> u64 {
    if i < LINEAR as usize {
        return i as u64;
    }
    let j = i - LINEAR as usize;
    let exp = (j / SUB) as u32 + 6;
    let mantissa = (j % SUB) as u64 + SUB as u64;
    let width = 1u64 << (exp - SUB_BITS);
    (mantissa << (exp - SUB_BITS)).saturating_add(width - 1)
}

impl Histogram {
    pub fn new() -> Self {
        Histogram {
            counts: Box::new([0; BUCKETS]),
            total: 0,
            max: 0,
            sum: 0,
        }
    }

    pub fn record(&mut self, d: Duration) {
        self.record_nanos(crate::clock::duration_nanos(d));
    }

    pub fn record_nanos(&mut self, v: u64) {
        self.counts[index(v)] += 1;
        self.total += 1;
        self.max = self.max.max(v);
        self.sum += u128::from(v);
    }

    pub fn count(&self) -> u64 {
        self.total
    }

    pub fn max_nanos(&self) -> u64 {
        self.max
    }

    pub fn mean_nanos(&self) -> u64 {
        if self.total == 0 {
            0
        } else {
            (self.sum / u128::from(self.total)) as u64
        }
    }

    /// The smallest bucket bound below which at least `q` of the values lie (0 when empty);
    /// never above the largest value recorded.
    pub fn quantile_nanos(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return upper(i).min(self.max);
            }
        }
        self.max
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
        self.sum += other.sum;
    }

    pub fn clear(&mut self) {
        *self = Histogram::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_ordered_and_tight() {
        let mut prev = None;
        for v in (0..20_000u64).chain([1 << 40, u64::MAX / 3, u64::MAX]) {
            let i = index(v);
            assert!(i < BUCKETS);
            assert!(
                upper(i) >= v,
                "value {v} above its bucket bound {}",
                upper(i)
            );
            // Relative error under 1/32 above the linear range.
            assert!(upper(i) - v <= v / 32 + 1, "{v} -> {}", upper(i));
            if let Some(p) = prev {
                assert!(i >= p);
            }
            prev = Some(i);
        }
    }

    #[test]
    fn quantiles() {
        let mut h = Histogram::new();
        for v in 1..=1000u64 {
            h.record_nanos(v * 1000);
        }
        let p50 = h.quantile_nanos(0.5);
        let p99 = h.quantile_nanos(0.99);
        assert!((500_000..=516_000).contains(&p50), "{p50}");
        assert!((990_000..=1_000_000).contains(&p99), "{p99}");
        assert_eq!(h.quantile_nanos(1.0), 1_000_000);
        assert_eq!(h.max_nanos(), 1_000_000);
        assert_eq!(Histogram::new().quantile_nanos(0.99), 0);
    }
}
