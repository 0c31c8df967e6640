//! `cargo xtask golden --bless`: rewrites every golden file from the reference target and prints
//! what changed, line by line, so that a review sees exactly which frames moved.

use super::format::{Golden, FAR_TICKS};
use super::job::{jobs_for, Target};
use crate::build;
use crate::util::{output, rel, scenes};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Writes `tests/golden/<scene>.txt` for every scene from `reference` (frames and wire stream).
pub fn bless_all(root: &Path, reference: &Target) -> Result<(), String> {
    let wire = reference
        .wire
        .as_ref()
        .ok_or(format!("{} does not hash the wire stream", reference.name))?;
    let scenes = scenes(root)?;
    let hasher = build::golden_hasher(None)?;
    std::fs::create_dir_all(root.join("tests/golden")).map_err(|e| e.to_string())?;
    for s in &scenes {
        let last = output(
            Command::new(&hasher)
                .current_dir(root)
                .arg("length")
                .arg(&s.path),
        )?
        .trim()
        .parse::<u64>()
        .map_err(|e| format!("{}: length: {e}", s.name))?;
        let mut g = Golden {
            scene: s.path.display().to_string(),
            last,
            far: FAR_TICKS.to_vec(),
            ..Golden::default()
        };
        if let Some(ev) = &s.events {
            g.events = Some((rel(root, ev).display().to_string(), Vec::new()));
        }
        let target_scene = super::job::target_scene(root, &s.path)?;
        let jobs = jobs_for(&g, &target_scene, s.events.as_deref());
        let mut results = (reference.compute)(&jobs)?.into_iter();
        g.plain = results.next().ok_or("no result")?;
        if let Some((log, _)) = g.events.take() {
            g.events = Some((log, results.next().ok_or("no events result")?));
        }
        g.wire = Some(wire(&s.path, last).map_err(|e| format!("{}: wire: {e}", s.name))?);
        let text = g.to_text();
        match std::fs::read_to_string(&s.golden).ok() {
            Some(o) if o == text => println!("{}: unchanged", s.name),
            Some(o) => {
                let changed = changed_lines(&o, &text);
                println!(
                    "{}: {} line(s) changed{}",
                    s.name,
                    changed.len(),
                    preview(&changed)
                );
            }
            None => println!("{}: new ({} frames)", s.name, g.plain.len()),
        }
        std::fs::write(&s.golden, text).map_err(|e| format!("{}: {e}", s.golden.display()))?;
    }
    Ok(())
}

/// `KEY: old -> new` for every line whose value changed, in the new file's order, then the
/// removed keys.
fn changed_lines(old: &str, new: &str) -> Vec<String> {
    let o: BTreeMap<&str, &str> = old.lines().filter_map(key_of).collect();
    let n: BTreeMap<&str, &str> = new.lines().filter_map(key_of).collect();
    let mut out = Vec::new();
    for (k, v) in new.lines().filter_map(key_of) {
        match o.get(k) {
            Some(ov) if *ov == v => {}
            Some(ov) => out.push(format!("{k}: {ov} -> {v}")),
            None => out.push(format!("{k}: new {v}")),
        }
    }
    for (k, _) in old.lines().filter_map(key_of) {
        if !n.contains_key(k) {
            out.push(format!("{k}: removed"));
        }
    }
    out
}

/// `(key, value)` of a golden line: the key is everything before the hash.
fn key_of(l: &str) -> Option<(&str, &str)> {
    let l = l.trim();
    if l.starts_with('#') {
        return l.split_once(':').map(|(k, v)| (k, v.trim()));
    }
    l.rsplit_once(' ')
}

fn preview(changed: &[String]) -> String {
    let mut s = String::new();
    for c in changed.iter().take(5) {
        s.push_str("\n    ");
        s.push_str(c);
    }
    if changed.len() > 5 {
        s.push_str(&format!("\n    ... {} more", changed.len() - 5));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_name_each_moved_frame() {
        let old = "# ticks: 0..=1\n0 aaaa\n1 bbbb\nevents 0 cccc\n";
        let new = "# ticks: 0..=2\n0 aaaa\n1 dddd\n2 eeee\n";
        assert_eq!(
            changed_lines(old, new),
            [
                "# ticks: 0..=1 -> 0..=2",
                "1: bbbb -> dddd",
                "2: new eeee",
                "events 0: removed"
            ]
        );
        assert!(changed_lines(new, new).is_empty());
    }
}
