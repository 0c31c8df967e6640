//! Finished frames by tick, bounded in bytes.

use crate::Tick;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use tinydisplay::{Frame, FrameHash};

/// Bytes one cached frame of `width` x `height` costs: the pixel data plus the fixed parts
/// (the `Frame` header, its `Arc` counters, the map's key and pointer). The pixel data dominates
/// (1024 of ~1100 bytes for 128x64); the rest is an estimate of the map node share.
pub fn entry_bytes(width: u16, height: u16) -> usize {
    let data = usize::from(width) * usize::from(height).div_ceil(8);
    const ARC_COUNTERS: usize = 2 * core::mem::size_of::<usize>();
    const MAP_SLOT: usize = core::mem::size_of::<Tick>() + core::mem::size_of::<Entry>();
    data + core::mem::size_of::<Frame>() + ARC_COUNTERS + MAP_SLOT + 16
}

fn frame_bytes(frame: &Frame) -> usize {
    entry_bytes(frame.width(), frame.height())
}

/// Counters of a [`FrameCache`], serializable for the metrics JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CacheStats {
    /// Lookups by the player that found their frame.
    pub hits: u64,
    /// Lookups by the player that did not (the player then renders inline).
    pub misses: u64,
    /// Frames dropped to stay within the budget.
    pub evictions: u64,
    /// Frames refused because they were farther in the future than everything held.
    pub rejected: u64,
    /// `invalidate_from` calls.
    pub invalidations: u64,
    /// Frames dropped by those calls.
    pub invalidated_frames: u64,
    pub frames_held: usize,
    pub bytes_held: usize,
    pub bytes_peak: usize,
    pub budget_bytes: usize,
}

impl CacheStats {
    /// hits / (hits + misses), 0 when nothing was looked up.
    pub fn hit_rate(&self) -> f64 {
        let n = self.hits + self.misses;
        if n == 0 {
            0.0
        } else {
            self.hits as f64 / n as f64
        }
    }
}

/// A cached frame with its hash, computed once (by the worker that rendered it), so the player
/// can tell which coming ticks show the same picture without comparing pixels.
#[derive(Clone, Debug)]
struct Entry {
    frame: Arc<Frame>,
    hash: FrameHash,
}

/// What [`FrameCache::insert`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inserted {
    /// False when the frame did not fit: larger than the budget, or itself first in eviction
    /// order (a shown tick, or farther in the future than every frame that could make room).
    pub stored: bool,
    /// The lowest not-yet-shown tick evicted to make room, which will need computing again.
    pub lowest_future_evicted: Option<Tick>,
}

/// Frames by tick, never holding more than `budget` bytes (as counted by [`entry_bytes`]).
///
/// Ticks below [`FrameCache::shown_before`] were already shown and are evicted first (oldest
/// first); then the farthest future. Not thread-safe by itself: the precomputer keeps it behind
/// a mutex.
///
/// ```
/// use std::sync::Arc;
/// use tinydisplay::{Frame, FrameHash};
/// use tinydisplay_runtime::{cache::entry_bytes, FrameCache};
/// let mut cache = FrameCache::new(3 * entry_bytes(128, 64));
/// for t in 0..3 {
///     cache.insert(t, Arc::new(Frame::new(128, 64)));
/// }
/// cache.mark_shown(1); // tick 0 was shown
/// cache.insert(10, Arc::new(Frame::new(128, 64))); // evicts tick 0
/// assert!(!cache.contains(0) && cache.contains(10));
/// cache.insert(20, Arc::new(Frame::new(128, 64))); // farther than everything: refused
/// assert!(!cache.contains(20));
/// cache.invalidate_from(2);
/// assert_eq!(cache.ticks().collect::<Vec<_>>(), vec![1]);
/// assert!(cache.stats().bytes_peak <= cache.budget());
/// ```
#[derive(Debug)]
pub struct FrameCache {
    frames: BTreeMap<Tick, Entry>,
    budget: usize,
    bytes: usize,
    shown_before: Tick,
    stats: CacheStats,
}

impl FrameCache {
    pub fn new(budget_bytes: usize) -> Self {
        FrameCache {
            frames: BTreeMap::new(),
            budget: budget_bytes,
            bytes: 0,
            shown_before: 0,
            stats: CacheStats {
                budget_bytes,
                ..CacheStats::default()
            },
        }
    }

    /// The budget that holds `seconds` of frames of this engine (the default is 2 s).
    pub fn budget_for(engine: &tinydisplay::Engine, seconds: u32) -> usize {
        let frames = (engine.tick_rate() as usize).max(1) * seconds as usize;
        frames * entry_bytes(engine.width(), engine.height())
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub fn contains(&self, tick: Tick) -> bool {
        self.frames.contains_key(&tick)
    }

    /// Cached ticks in order.
    pub fn ticks(&self) -> impl Iterator<Item = Tick> + '_ {
        self.frames.keys().copied()
    }

    /// A player lookup: counts a hit or a miss.
    pub fn get(&mut self, tick: Tick) -> Option<Arc<Frame>> {
        let found = self.frames.get(&tick).map(|e| Arc::clone(&e.frame));
        if found.is_some() {
            self.stats.hits += 1;
        } else {
            self.stats.misses += 1;
        }
        found
    }

    /// A lookup that counts nothing (scrubbing, tests).
    pub fn peek(&self, tick: Tick) -> Option<Arc<Frame>> {
        self.frames.get(&tick).map(|e| Arc::clone(&e.frame))
    }

    /// The hash of a cached frame (counts nothing).
    pub fn hash(&self, tick: Tick) -> Option<FrameHash> {
        self.frames.get(&tick).map(|e| e.hash)
    }

    /// The first tick from `from` on that is not known to show `hash`: not cached, or cached
    /// with another hash. Ticks `from..` the result are cached frames equal to `hash`.
    pub fn same_until(&self, from: Tick, hash: FrameHash) -> Tick {
        let mut next = from;
        for (&t, e) in self.frames.range(from..) {
            if t != next || e.hash != hash {
                break;
            }
            next += 1;
        }
        next
    }

    /// Ticks below `tick` have been shown; they become the first to go.
    pub fn mark_shown(&mut self, tick: Tick) {
        self.shown_before = tick;
    }

    pub fn shown_before(&self) -> Tick {
        self.shown_before
    }

    fn remove(&mut self, tick: Tick) -> Option<Arc<Frame>> {
        let e = self.frames.remove(&tick)?;
        self.bytes -= frame_bytes(&e.frame);
        Some(e.frame)
    }

    /// Lower goes first: shown ticks oldest first, then future ticks farthest first.
    fn eviction_rank(&self, tick: Tick) -> (bool, Tick) {
        if tick < self.shown_before {
            (false, tick)
        } else {
            (true, Tick::MAX - tick)
        }
    }

    /// Stores a frame, evicting shown frames and then farther future frames to make room.
    pub fn insert(&mut self, tick: Tick, frame: Arc<Frame>) -> Inserted {
        let hash = frame.hash();
        self.insert_hashed(tick, frame, hash)
    }

    /// [`FrameCache::insert`] with the frame's hash already computed (by the worker, outside
    /// the lock). `hash` must be `frame.hash()`.
    pub fn insert_hashed(&mut self, tick: Tick, frame: Arc<Frame>, hash: FrameHash) -> Inserted {
        let need = frame_bytes(&frame);
        let mut out = Inserted {
            stored: false,
            lowest_future_evicted: None,
        };
        self.remove(tick);
        if need > self.budget {
            self.stats.rejected += 1;
            return out;
        }
        while self.bytes + need > self.budget {
            // Never empty here: an empty cache has room for any frame within the budget.
            let (Some(&oldest), Some(&farthest)) =
                (self.frames.keys().next(), self.frames.keys().next_back())
            else {
                break;
            };
            let victim = if oldest < self.shown_before {
                oldest
            } else {
                farthest
            };
            // The frame being stored competes too: if it would be evicted before the victim,
            // it is the one that does not stay.
            if self.eviction_rank(tick) < self.eviction_rank(victim) {
                self.stats.rejected += 1;
                return out;
            }
            if victim >= self.shown_before {
                out.lowest_future_evicted = Some(victim);
            }
            self.remove(victim);
            self.stats.evictions += 1;
        }
        self.bytes += need;
        self.frames.insert(tick, Entry { frame, hash });
        self.stats.bytes_peak = self.stats.bytes_peak.max(self.bytes);
        out.stored = true;
        out
    }

    /// Drops every frame at `tick` or later (an input event at `tick` changed them). Returns how
    /// many were dropped.
    pub fn invalidate_from(&mut self, tick: Tick) -> usize {
        let dropped = self.frames.split_off(&tick);
        for e in dropped.values() {
            self.bytes -= frame_bytes(&e.frame);
        }
        self.stats.invalidations += 1;
        self.stats.invalidated_frames += dropped.len() as u64;
        dropped.len()
    }

    /// Drops everything (a new scene); counted as an invalidation from tick 0.
    pub fn clear(&mut self) {
        self.invalidate_from(0);
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            frames_held: self.frames.len(),
            bytes_held: self.bytes,
            ..self.stats
        }
    }

    /// Zeroes the counters; the peak restarts from the bytes held now.
    pub fn reset_stats(&mut self) {
        self.stats = CacheStats {
            budget_bytes: self.budget,
            bytes_peak: self.bytes,
            ..CacheStats::default()
        };
    }
}
