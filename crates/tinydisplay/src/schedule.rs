//! Timelines to absolute track start ticks.

use crate::error::SceneError;
use crate::model::{CTrack, Node, TrackIds, TrackPath};
use crate::scene::{Scene, Timeline, TimelineMode};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

fn err(path: &str, message: impl Into<String>) -> SceneError {
    SceneError::at_path(path, message)
}

/// Moves the track at `path` to start `start` ticks later.
pub(crate) fn apply_start(roots: &mut [Node], path: &TrackPath, start: u64) {
    let (nodes, ti) = path;
    let mut node = &mut roots[nodes[0]];
    for &i in &nodes[1..] {
        node = &mut node.children[i];
    }
    node.tracks[*ti].start = node.tracks[*ti].start.saturating_add(start);
}
/// Ticks from the track's scheduled start to its end (delay included); `None` if it never ends.
pub(crate) fn track_duration(t: &CTrack) -> Option<u64> {
    if t.wave.is_some() {
        return None;
    }
    let len = u64::from(t.keys.last().map_or(0, |k| k.t));
    t.repeat
        .map(|n| t.start.saturating_add(len.saturating_mul(u64::from(n))))
}

/// Resolves timelines into absolute start offsets per track id.
pub(crate) fn schedule(scene: &Scene, tracks: &TrackIds) -> Result<Vec<(String, u64)>, SceneError> {
    // Which timelines are referenced by others: those are not top-level.
    let mut referenced = BTreeMap::new();
    for (name, tl) in &scene.timelines {
        for (i, item) in tl.items.iter().enumerate() {
            let p = format!("timelines.{name}.items[{i}]");
            if scene.timelines.contains_key(item) {
                if tracks.contains_key(item) {
                    return Err(err(
                        &p,
                        format!("{item:?} names both a timeline and a track"),
                    ));
                }
                referenced.insert(item.clone(), p);
            } else if !tracks.contains_key(item) {
                return Err(err(&p, format!("undefined timeline or track id {item:?}")));
            }
        }
        if tl.mode == TimelineMode::Stagger && tl.step == 0 {
            return Err(err(
                &format!("timelines.{name}.step"),
                "a stagger needs step >= 1",
            ));
        }
    }
    let mut out = Scheduled::default();
    let mut placed: BTreeMap<String, String> = BTreeMap::new();
    for (name, tl) in &scene.timelines {
        if referenced.contains_key(name) {
            continue;
        }
        let mut stack = Vec::new();
        place(
            scene,
            tracks,
            name,
            tl,
            u64::from(tl.start),
            &mut stack,
            &mut out,
            &mut placed,
        )?;
    }
    // A timeline that is only reachable from itself is a cycle nobody starts; report it.
    for (name, p) in &referenced {
        if !placed.contains_key(name) {
            return Err(err(p, format!("timeline {name:?} is part of a cycle")));
        }
    }
    Ok(out.starts)
}

/// Track starts in scheduling order, plus the set of ids already placed, so that "scheduled
/// twice" is a lookup rather than a scan (a scene may hold thousands of tracks).
#[derive(Default)]
struct Scheduled {
    starts: Vec<(String, u64)>,
    ids: BTreeSet<String>,
}

#[allow(clippy::too_many_arguments)]
fn place(
    scene: &Scene,
    tracks: &TrackIds,
    name: &str,
    tl: &Timeline,
    offset: u64,
    stack: &mut Vec<String>,
    out: &mut Scheduled,
    placed: &mut BTreeMap<String, String>,
) -> Result<Option<u64>, SceneError> {
    let path = format!("timelines.{name}");
    if stack.iter().any(|s| s == name) {
        stack.push(name.to_string());
        return Err(err(
            &path,
            format!("timelines form a cycle: {}", stack.join(" -> ")),
        ));
    }
    if placed.insert(name.to_string(), path.clone()).is_some() {
        return Err(err(&path, "timeline is used in more than one place"));
    }
    stack.push(name.to_string());
    let mut cursor = offset;
    let mut end = Some(offset);
    for (i, item) in tl.items.iter().enumerate() {
        let at = match tl.mode {
            TimelineMode::Sequence => cursor,
            TimelineMode::Parallel => offset,
            TimelineMode::Stagger => {
                offset.saturating_add(u64::from(tl.step).saturating_mul(i as u64))
            }
        };
        let dur_end = if let Some(sub) = scene.timelines.get(item) {
            place(
                scene,
                tracks,
                item,
                sub,
                at.saturating_add(u64::from(sub.start)),
                stack,
                out,
                placed,
            )?
        } else {
            if !out.ids.insert(item.clone()) {
                return Err(err(
                    &format!("{path}.items[{i}]"),
                    format!("track {item:?} is scheduled twice"),
                ));
            }
            out.starts.push((item.clone(), at));
            tracks[item].1.map(|d| at.saturating_add(d))
        };
        if tl.mode == TimelineMode::Sequence {
            match dur_end {
                Some(e) => cursor = e,
                None if i + 1 < tl.items.len() => {
                    return Err(err(
                        &format!("{path}.items[{i}]"),
                        format!("{item:?} never ends (repeat forever or a wave), so nothing can follow it in a sequence"),
                    ))
                }
                None => {}
            }
        }
        end = match (end, dur_end) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    stack.pop();
    Ok(end)
}
