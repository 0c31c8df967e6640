//! The frame cache never holds more bytes than its budget, whatever the sequence of operations,
//! and evicts in the documented order.

use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use tinydisplay::Frame;
use tinydisplay_runtime::cache::entry_bytes;
use tinydisplay_runtime::{FrameCache, Tick};

#[derive(Clone, Debug)]
enum Op {
    Insert(Tick, u8),
    Shown(Tick),
    Invalidate(Tick),
    Get(Tick),
}

const SIZES: [(u16, u16); 3] = [(128, 64), (128, 32), (64, 48)];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..300u64, 0..3u8).prop_map(|(t, s)| Op::Insert(t, s)),
        1 => (0..300u64).prop_map(Op::Shown),
        1 => (0..300u64).prop_map(Op::Invalidate),
        1 => (0..300u64).prop_map(Op::Get),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_over_budget(budget_frames in 0usize..40, slack in 0usize..1000, ops in prop::collection::vec(op(), 1..400)) {
        let budget = budget_frames * entry_bytes(128, 64) + slack;
        let mut cache = FrameCache::new(budget);
        // A model of the keys and their sizes, to check the byte count and eviction order.
        let mut model: std::collections::BTreeMap<Tick, usize> = Default::default();
        for op in ops {
            match op {
                Op::Insert(t, s) => {
                    let (w, h) = SIZES[s as usize];
                    let before: BTreeSet<Tick> = model.keys().copied().collect();
                    let res = cache.insert(t, Arc::new(Frame::new(w, h)));
                    let after: BTreeSet<Tick> = cache.ticks().collect();
                    let evicted: Vec<Tick> = before.difference(&after).copied().filter(|&k| k != t).collect();
                    let shown = cache.shown_before();
                    // Shown frames go first: a future frame is evicted only once no shown one is left.
                    if evicted.iter().any(|&k| k >= shown) {
                        prop_assert!(after.iter().all(|&k| k >= shown), "future evicted while shown frames remain");
                        // ... and only frames farther than the one inserted.
                        prop_assert!(evicted.iter().filter(|&&k| k >= shown).all(|&k| k > t));
                    }
                    prop_assert_eq!(res.stored, after.contains(&t));
                    model.remove(&t);
                    for k in &evicted {
                        model.remove(k);
                    }
                    if res.stored {
                        model.insert(t, entry_bytes(w, h));
                    }
                }
                Op::Shown(t) => cache.mark_shown(t),
                Op::Invalidate(t) => {
                    cache.invalidate_from(t);
                    model.retain(|&k, _| k < t);
                    prop_assert!(cache.ticks().all(|k| k < t));
                }
                Op::Get(t) => {
                    prop_assert_eq!(cache.get(t).is_some(), model.contains_key(&t));
                }
            }
            let s = cache.stats();
            prop_assert!(s.bytes_held <= budget, "{} > {}", s.bytes_held, budget);
            prop_assert!(s.bytes_peak <= budget);
            prop_assert_eq!(s.bytes_held, model.values().sum::<usize>());
            prop_assert_eq!(cache.ticks().collect::<Vec<_>>(), model.keys().copied().collect::<Vec<_>>());
        }
    }
}
