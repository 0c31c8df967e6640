//! Where things happen on the timeline: what an editor's timeline strip shows.

use crate::model::{Compiled, Node};
use crate::Event;
use crate::Tick;
use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use serde::Serialize;

/// One mark: a tick where something the author wrote happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Mark {
    pub tick: Tick,
    pub kind: MarkKind,
}

/// What happens at a [`Mark`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkKind {
    /// A keyframe of a track's first pass, where the schedule put it (delay and timelines
    /// included).
    Key,
    /// The start of a top-level timeline.
    Timeline,
    /// An input event (of the log, or pushed live).
    Event,
}

/// The marks in `from..to`, sorted by tick and kind, without duplicates, at most `max`.
pub(crate) fn marks(c: &Compiled, events: &[Event], from: Tick, to: Tick, max: usize) -> Vec<Mark> {
    let mut out = BTreeSet::new();
    let mut add = |tick: Tick, kind: MarkKind| {
        if (from..to).contains(&tick) {
            out.insert(Mark { tick, kind });
        }
    };
    let mut stack: Vec<&Node> = c.roots.iter().collect();
    while let Some(n) = stack.pop() {
        stack.extend(n.children.iter());
        for t in &n.tracks {
            for k in &t.keys {
                add(t.start.saturating_add(u64::from(k.t)), MarkKind::Key);
            }
        }
    }
    let placed: BTreeSet<&str> = c
        .scene
        .timelines
        .values()
        .flat_map(|tl| tl.items.iter().map(alloc::string::String::as_str))
        .collect();
    for (name, tl) in &c.scene.timelines {
        if !placed.contains(name.as_str()) {
            add(u64::from(tl.start), MarkKind::Timeline);
        }
    }
    for e in events {
        add(e.tick, MarkKind::Event);
    }
    out.into_iter().take(max).collect()
}
