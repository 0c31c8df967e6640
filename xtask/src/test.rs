//! `cargo xtask test [--keep-going] [--skip STAGE,...] [--only STAGE,...]`: everything CI checks,
//! as timed stages. It stops at the first failing stage (unless `--keep-going`) and always ends
//! with the table of stages and a `N passed, N failed` line. The stages themselves are in
//! `stages.rs`.

use crate::disk;
use crate::stages::stages;
use crate::util::{first_line, root, target_dir};
use std::time::Instant;

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Ok,
    Failed,
    Skipped,
    NotRun,
}

struct Row {
    name: &'static str,
    status: Status,
    secs: f64,
    /// Free disk (MiB) after the stage: the first thing to read when a build dies with ENOSPC.
    free_mb: Option<u64>,
    note: String,
}

pub fn main(args: &[String]) -> Result<(), String> {
    let mut keep_going = false;
    let mut skip: Vec<String> = Vec::new();
    let mut only: Option<Vec<String>> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let list = |v: Option<&String>| -> Result<Vec<String>, String> {
            Ok(v.ok_or(format!("{a} needs STAGE[,STAGE]"))?
                .split(',')
                .map(str::to_string)
                .collect())
        };
        match a.as_str() {
            "--keep-going" | "-k" => keep_going = true,
            "--skip" => skip.extend(list(it.next())?),
            "--only" => only = Some(list(it.next())?),
            other => {
                return Err(format!(
                    "test: unknown argument {other:?} (--keep-going, --skip S,.., --only S,..)"
                ))
            }
        }
    }
    let all = stages();
    for name in skip.iter().chain(only.iter().flatten()) {
        if !all.iter().any(|(n, _)| n == name) {
            let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
            return Err(format!("no stage {name:?}; stages: {}", names.join(", ")));
        }
    }
    let root = root();
    // Incremental caches roughly double the debug build's size and a CI clone builds once; a
    // developer who wants them back sets CARGO_INCREMENTAL=1.
    if std::env::var_os("CARGO_INCREMENTAL").is_none() {
        std::env::set_var("CARGO_INCREMENTAL", "0");
    }
    let target = target_dir(&root);
    if let Some(free) = disk::free_mb(&root) {
        eprintln!("disk: {} free at {}", disk::gb(free), root.display());
        if free < 2 * disk::low_water_mb() {
            eprintln!(
                "disk: little room; finished stages' own build output will be removed \
                 once less than {} is free",
                disk::gb(disk::low_water_mb())
            );
        }
    }
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut failed = false;
    for (name, f) in all {
        let selected = only.as_ref().is_none_or(|o| o.iter().any(|s| s == name))
            && !skip.iter().any(|s| s == name);
        if !selected {
            rows.push(Row {
                name,
                status: Status::Skipped,
                secs: 0.0,
                free_mb: None,
                note: "not selected".into(),
            });
            continue;
        }
        if failed && !keep_going {
            rows.push(Row {
                name,
                status: Status::NotRun,
                secs: 0.0,
                free_mb: None,
                note: "an earlier stage failed".into(),
            });
            continue;
        }
        let t = Instant::now();
        let r = crate::util::stage(name, || f(&root));
        let secs = t.elapsed().as_secs_f64();
        let r = r.map(|note| {
            let pruned = disk::prune_after(name, &root, &target);
            match (note.is_empty(), pruned.is_empty()) {
                (_, true) => note,
                (true, false) => pruned,
                (false, false) => format!("{note}; {pruned}"),
            }
        });
        let free = disk::free_mb(&root);
        let row = match r {
            Ok(note) if note.starts_with("SKIPPED") => Row {
                name,
                status: Status::Skipped,
                secs,
                free_mb: free,
                note: note.trim_start_matches("SKIPPED").trim().into(),
            },
            Ok(note) => Row {
                name,
                status: Status::Ok,
                secs,
                free_mb: free,
                note,
            },
            Err(e) => {
                failed = true;
                eprintln!("\nxtask test: stage {name} FAILED: {e}");
                Row {
                    name,
                    status: Status::Failed,
                    secs,
                    free_mb: free,
                    note: match free {
                        Some(mb) if mb < 1024 => format!(
                            "only {} free (No space left on device?): {}",
                            disk::gb(mb),
                            first_line(&e, 90)
                        ),
                        _ => first_line(&e, 90),
                    },
                }
            }
        };
        rows.push(row);
    }
    print_summary(&rows, started.elapsed().as_secs_f64());
    if failed {
        Err("some stage failed (see the table above)".into())
    } else {
        Ok(())
    }
}

fn label(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::Failed => "FAILED",
        Status::Skipped => "skipped",
        Status::NotRun => "not run",
    }
}

fn print_summary(rows: &[Row], total: f64) {
    let mut out = String::from("\nstage        result    seconds  disk free  note\n");
    for r in rows {
        let free = r.free_mb.map_or(String::new(), disk::gb);
        out.push_str(&format!(
            "{:12} {:9} {:7.1}  {:>9}  {}\n",
            r.name,
            label(r.status),
            r.secs,
            free,
            r.note
        ));
    }
    out.push_str(&format!("{:12} {:9} {:7.1}\n", "total", "", total));
    let passed = rows.iter().filter(|r| r.status == Status::Ok).count();
    let failed = rows.iter().filter(|r| r.status == Status::Failed).count();
    // Plain last line for CI: stages passed and failed.
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    println!("{out}");
}
