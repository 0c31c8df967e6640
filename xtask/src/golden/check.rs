//! `cargo xtask golden` (and the `golden` stage of `cargo xtask test`): reads every golden file,
//! runs every target on the same jobs, compares (`verify::compare`), writes diff images, prints
//! the target x scene table, and fails when any cell is not identical.

use super::diff::diff_png;
use super::format::Golden;
use super::job::{jobs_for, Target};
use super::verify::{compare, Actual, Cell, Difference, Mismatch, Wire};
use crate::util::{first_line, scenes, target_dir, SceneFiles};
use std::path::{Path, PathBuf};

/// One row of the table: a target's cells, one per scene, and the diff image of each.
struct Row {
    target: String,
    cells: Vec<Cell>,
    pngs: Vec<Option<PathBuf>>,
}

/// Checks every scene on every target, prints the table, and fails when any cell is not
/// identical. Returns the number of (target, scene) cells checked. The first target is the
/// reference for the diff images.
pub fn verify(root: &Path, targets: &[Target]) -> Result<usize, String> {
    let scenes = scenes(root)?;
    if scenes.is_empty() {
        return Err("no scenes in tests/scenes".into());
    }
    let mut problems = Vec::new();
    let goldens = load_goldens(root, &scenes, &mut problems);

    // One batch of jobs for all scenes, so that a target starts its tools once.
    let mut jobs = Vec::new();
    // Per scene: its first job and whether the second replays the event log.
    let mut owned = Vec::new();
    for (s, g) in scenes.iter().zip(&goldens) {
        let target_scene = match super::job::target_scene(root, &s.path) {
            Ok(p) => p,
            Err(e) => {
                problems.push(format!("{}: {e}", s.name));
                s.path.clone()
            }
        };
        let mine = g.as_ref().map_or(Vec::new(), |g| {
            jobs_for(g, &target_scene, s.events.as_deref())
        });
        owned.push((jobs.len(), mine.len() == 2));
        jobs.extend(mine);
    }

    let diff_dir = target_dir(root).join("golden-diff");
    let mut table = Vec::new();
    for t in targets {
        eprintln!("golden: computing {} ({} jobs)", t.name, jobs.len());
        let started = std::time::Instant::now();
        let results = (t.compute)(&jobs);
        eprintln!(
            "golden: {} took {:.1}s",
            t.name,
            started.elapsed().as_secs_f64()
        );
        let mut row = Row {
            target: t.name.to_string(),
            cells: Vec::new(),
            pngs: vec![None; scenes.len()],
        };
        let results = match results {
            Ok(r) if r.len() == jobs.len() => r,
            Ok(r) => {
                let e = format!("{} results for {} jobs", r.len(), jobs.len());
                problems.push(format!("{}: {e}", t.name));
                row.cells = vec![Cell::Error(e); scenes.len()];
                table.push(row);
                continue;
            }
            Err(e) => {
                problems.push(format!("{}: {e}", t.name));
                row.cells = vec![Cell::Error(first_line(&e, 60)); scenes.len()];
                table.push(row);
                continue;
            }
        };
        for (i, (s, g)) in scenes.iter().zip(&goldens).enumerate() {
            let Some(g) = g else {
                row.cells.push(Cell::Error("no golden".into()));
                continue;
            };
            let (j, has_events) = owned[i];
            let wire = match &t.wire {
                None => Ok(Wire::NotChecked),
                Some(f) => f(&s.path, g.last).map(Wire::Hash),
            };
            let cell = match wire {
                Err(e) => {
                    problems.push(format!("{} on {}: wire: {e}", s.name, t.name));
                    Cell::Error(format!("wire: {}", first_line(&e, 54)))
                }
                Ok(wire) => compare(
                    g,
                    &Actual {
                        plain: results[j].clone(),
                        events: has_events.then(|| results[j + 1].clone()),
                        wire,
                    },
                ),
            };
            if let Cell::Differs(m) = &cell {
                problems.push(format!("{} on {}: {m}", s.name, t.name));
                let at = match m {
                    Mismatch::Frames(Difference::Tick(tick)) => Some((&jobs[j], *tick)),
                    Mismatch::Events(Difference::Tick(tick)) if has_events => {
                        Some((&jobs[j + 1], *tick))
                    }
                    _ => None,
                };
                row.pngs[i] = at.and_then(|(job, tick)| {
                    diff_png(&diff_dir, t, targets.first(), &s.name, job, tick)
                });
            }
            row.cells.push(cell);
        }
        table.push(row);
    }

    print_table(&scenes, &goldens, &table);
    let cells = table.iter().map(|r| r.cells.len()).sum::<usize>();
    if problems.is_empty() {
        let ticks: usize = jobs.iter().map(|j| j.all_ticks().len()).sum();
        println!(
            "golden: {} targets x {} scenes ({ticks} frames per target): identical",
            targets.len(),
            scenes.len()
        );
        Ok(cells)
    } else {
        for p in &problems {
            eprintln!("golden: {p}");
        }
        Err(format!(
            "{} golden problem(s); first: {}",
            problems.len(),
            problems[0]
        ))
    }
}

/// Every scene's golden file (None when missing or unreadable, with a problem saying why), and a
/// problem for each golden file whose scene is gone: a stale promise.
fn load_goldens(
    root: &Path,
    scenes: &[SceneFiles],
    problems: &mut Vec<String>,
) -> Vec<Option<Golden>> {
    let mut goldens = Vec::new();
    for s in scenes {
        let g = match std::fs::read_to_string(&s.golden) {
            Ok(text) => match Golden::parse(&text) {
                Ok(g) => {
                    if g.events.is_some() != s.events.is_some() {
                        problems.push(format!(
                            "{}: the event log and the golden file disagree (re-bless)",
                            s.golden.display()
                        ));
                    }
                    Some(g)
                }
                Err(e) => {
                    problems.push(format!("{}: {e}", s.golden.display()));
                    None
                }
            },
            Err(_) => {
                problems.push(format!(
                    "{}: no golden file for scene {} (run `cargo xtask golden --bless`)",
                    s.golden.display(),
                    s.name
                ));
                None
            }
        };
        goldens.push(g);
    }
    if let Ok(entries) = std::fs::read_dir(root.join("tests/golden")) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().and_then(|x| x.to_str()) == Some("txt") {
                let stem = p.file_stem().and_then(|x| x.to_str()).unwrap_or("");
                if !scenes.iter().any(|s| s.name == stem) {
                    problems.push(format!(
                        "{}: no scene tests/scenes/{stem}.toml|json",
                        p.display()
                    ));
                }
            }
        }
    }
    goldens
}

fn print_table(scenes: &[SceneFiles], goldens: &[Option<Golden>], table: &[Row]) {
    let w0 = table
        .iter()
        .map(|r| r.target.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let texts: Vec<Vec<String>> = table
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .map(|c| match c {
                    Cell::Identical => "identical".to_string(),
                    Cell::Differs(m) => m.to_string(),
                    Cell::Error(e) => format!("ERROR {e}"),
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = scenes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            texts
                .iter()
                .filter_map(|r| r.get(i).map(String::len))
                .max()
                .unwrap_or(0)
                .max(s.name.len())
        })
        .collect();
    let mut out = format!("\n{:w0$}", "target");
    for (s, w) in scenes.iter().zip(&widths) {
        out.push_str(&format!("  {:w$}", s.name));
    }
    out.push_str(&format!("\n{:w0$}", "ticks"));
    for (g, w) in goldens.iter().zip(&widths) {
        let n = g
            .as_ref()
            .map(|g| g.plain.len() + g.events.as_ref().map_or(0, |e| e.1.len()))
            .unwrap_or(0);
        out.push_str(&format!("  {:w$}", n));
    }
    out.push('\n');
    for (row, text) in table.iter().zip(&texts) {
        out.push_str(&format!("{:w0$}", row.target));
        for (t, w) in text.iter().zip(&widths) {
            out.push_str(&format!("  {t:w$}"));
        }
        out.push('\n');
        for p in row.pngs.iter().flatten() {
            out.push_str(&format!("    diff image: {}\n", p.display()));
        }
    }
    println!("{out}");
}
