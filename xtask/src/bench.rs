//! `cargo xtask bench [--quick]`: the criterion benchmarks, `tinydisplay bench --json` on every
//! example scene, and (when python3 is there) the luma.oled reference measured in the same run.
//! Writes a Markdown report to `target/bench/report.md` and prints it.

use crate::golden::{scenes, target_dir};
use crate::util::{have, output, root, run, show};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The `tinydisplay bench --json` keys shown in the report, in column order.
const KEYS: &[&str] = &[
    "frame_us_p50",
    "frame_us_p99",
    "workers",
    "fps_1",
    "fps_n",
    "speedup",
    "utilization",
    "latency_us_p99_inline",
    "latency_us_p99_precomputed",
    "latency_reduction_pct",
    "in_hand_us_p99_inline",
    "in_hand_us_p99_precomputed",
    "cache_bytes_peak",
    "cache_hit_rate",
    "dropped_frames",
];

pub fn main(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(a) = args.iter().find(|a| *a != "--quick") {
        return Err(format!(
            "bench: unknown argument {a:?} (--quick skips criterion)"
        ));
    }
    let root = root();
    let mut report = String::from("# tinydisplay benchmarks\n\n");
    let _ = writeln!(
        report,
        "Machine: {} cores; `cargo xtask bench`, one run.\n",
        cores()
    );

    let mut failures = Vec::new();
    let criterion = if quick {
        Vec::new()
    } else {
        crate::util::stage("criterion", || criterion(&root)).unwrap_or_else(|e| {
            failures.push(format!("criterion: {e}"));
            Vec::new()
        })
    };
    if !criterion.is_empty() {
        report.push_str(
            "## Criterion (time per iteration, median estimate)\n\n| benchmark | time |\n|---|---|\n",
        );
        for (name, t) in &criterion {
            let _ = writeln!(report, "| {name} | {t} |");
        }
        report.push('\n');
    }

    let scene_rows =
        crate::util::stage("tinydisplay bench", || scene_benches(&root, &mut failures))
            .unwrap_or_else(|e| {
                failures.push(format!("tinydisplay bench: {e}"));
                Vec::new()
            });
    report.push_str("## `tinydisplay bench SCENE --json`\n\n| scene |");
    for k in KEYS {
        let _ = write!(report, " {k} |");
    }
    report.push_str("\n|---|");
    report.push_str(&"---|".repeat(KEYS.len()));
    report.push('\n');
    for (scene, json) in &scene_rows {
        let _ = write!(report, "| {scene} |");
        for k in KEYS {
            let _ = write!(
                report,
                " {} |",
                json_value(json, k).unwrap_or_else(|| "-".into())
            );
        }
        report.push('\n');
    }
    report.push('\n');

    match crate::util::stage("luma reference", || luma(&root)) {
        Ok(Some(luma_us)) => {
            report.push_str("## tinydisplay vs luma.core (dashboard, per frame, same run)\n\n");
            let _ = writeln!(
                report,
                "- luma.core + Pillow (`luma_dash.py 600`): {luma_us:.1} us/frame"
            );
            let td = scene_rows
                .iter()
                .find(|(s, _)| s == "dashboard")
                .and_then(|(_, j)| json_value(j, "frame_us_p50"))
                .and_then(|v| v.parse::<f64>().ok());
            match td {
                Some(td) if td > 0.0 => {
                    let _ = writeln!(report, "- tinydisplay (`frame_us_p50`): {td:.2} us/frame");
                    let _ = writeln!(report, "- ratio: **{:.0}x** faster", luma_us / td);
                }
                _ => report.push_str("- tinydisplay: no dashboard frame_us_p50 in this run\n"),
            }
            report.push('\n');
        }
        Ok(None) => report.push_str("luma reference: skipped (no python3 or no luma_dash.py)\n"),
        Err(e) => {
            let _ = writeln!(report, "luma reference: failed: {e}");
            failures.push(format!("luma: {e}"));
        }
    }
    if !failures.is_empty() {
        report.push_str("\n## Failures\n\n");
        for f in &failures {
            let _ = writeln!(report, "- {}", f.lines().next().unwrap_or(""));
        }
    }

    let dir = target_dir(&root).join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("report.md");
    std::fs::write(&path, &report).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{report}");
    println!("report: {}", path.display());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} part(s) failed: {}",
            failures.len(),
            failures.join("; ")
        ))
    }
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// `cargo bench --workspace --bench '*'` with short measurement times; returns (name, median).
fn criterion(root: &Path) -> Result<Vec<(String, String)>, String> {
    let mut cmd = Command::new("cargo");
    // Bench targets only (a glob; `--benches` also selects lib targets): libtest's bench harness
    // rejects criterion's flags.
    cmd.current_dir(root)
        .args([
            "bench",
            "--workspace",
            "--bench",
            "*",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "2",
        ])
        .stdout(Stdio::piped());
    eprintln!("$ {}", show(&cmd));
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start cargo bench: {e}"))?;
    let mut rows = Vec::new();
    let mut last_name = String::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some((name, t)) = parse_criterion_line(&line, &last_name) {
                rows.push((name, t));
            } else if !line.starts_with(' ') && !line.trim().is_empty() {
                last_name = line.split_whitespace().next().unwrap_or("").to_string();
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("cargo bench failed with {status}"));
    }
    Ok(rows)
}

/// `NAME  time:   [1.0 µs 1.1 µs 1.2 µs]` (NAME may be on the previous line) -> (NAME, "1.1 µs").
fn parse_criterion_line(line: &str, last_name: &str) -> Option<(String, String)> {
    let (head, rest) = line.split_once("time:")?;
    let inside = rest.trim().strip_prefix('[')?.strip_suffix(']')?;
    let parts: Vec<&str> = inside.split_whitespace().collect();
    if parts.len() != 6 {
        return None;
    }
    let name = if head.trim().is_empty() {
        last_name.to_string()
    } else {
        head.trim().to_string()
    };
    Some((name, format!("{} {}", parts[2], parts[3])))
}

/// `tinydisplay bench SCENE --json` for every scene, with the release binary. A scene whose
/// bench fails is reported and skipped, so one bad scene does not hide the others' numbers.
fn scene_benches(root: &Path, failures: &mut Vec<String>) -> Result<Vec<(String, String)>, String> {
    run(Command::new("cargo").current_dir(root).args([
        "build",
        "--release",
        "-p",
        "tinydisplay-cli",
    ]))?;
    let bin = target_dir(root).join("release/tinydisplay");
    let mut rows = Vec::new();
    for s in scenes(root)? {
        let r = output(
            Command::new(&bin)
                .current_dir(root)
                .arg("bench")
                .arg(&s.path)
                .arg("--json"),
        );
        let json = r.map(|out| {
            out.lines()
                .rev()
                .find(|l| l.trim_start().starts_with('{'))
                .unwrap_or("")
                .to_string()
        });
        match json {
            Ok(j) if !j.is_empty() => rows.push((s.name, j)),
            Ok(_) => failures.push(format!(
                "{}: tinydisplay bench --json printed no JSON object",
                s.name
            )),
            Err(e) => failures.push(format!("{}: {e}", s.name)),
        }
    }
    Ok(rows)
}

/// The value of a top-level `"key": value` in a flat JSON object, as text. A hand-written scan:
/// the report needs a dozen numbers, and xtask stays free of a JSON dependency.
pub fn json_value(json: &str, key: &str) -> Option<String> {
    let pat = format!("\"{key}\"");
    let at = json.find(&pat)? + pat.len();
    let rest = json[at..].trim_start().strip_prefix(':')?.trim_start();
    let v = if let Some(s) = rest.strip_prefix('"') {
        s[..s.find('"')?].to_string()
    } else {
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        rest[..end].trim().to_string()
    };
    // Round long floats for the table.
    Some(match v.parse::<f64>() {
        Ok(f) if v.contains('.') => format!("{f:.2}"),
        _ => v,
    })
}

fn anchors(root: &Path) -> Option<PathBuf> {
    [
        root.join("../shared/anchors"),
        PathBuf::from("/work/shared/anchors"),
    ]
    .into_iter()
    .find(|p| p.join("luma_dash.py").exists())
}

/// luma.core's time per frame in microseconds, from `luma_dash.py 600` in a cached venv.
fn luma(root: &Path) -> Result<Option<f64>, String> {
    let Some(dir) = anchors(root) else {
        return Ok(None);
    };
    if !have("python3") {
        return Ok(None);
    }
    let venv = crate::setup::cache_dir().join("luma-venv");
    let py = venv.join("bin/python");
    if !py.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    let has_luma = Command::new(&py)
        .args(["-c", "import luma.oled"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_luma {
        run(Command::new(&py).args(["-m", "pip", "install", "--quiet", "luma.oled"]))?;
    }
    let out = output(Command::new(&py).arg(dir.join("luma_dash.py")).arg("600"))?;
    // "... = 700 fps, 1.428 ms/frame"
    let ms = out
        .split(',')
        .find_map(|p| p.trim().strip_suffix("ms/frame"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .ok_or(format!(
            "cannot read ms/frame from luma_dash.py output: {out}"
        ))?;
    eprintln!("luma: {}", out.trim());
    Ok(Some(ms * 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values() {
        let j = r#"{"scene":"dashboard","frame_us_p50":12.3456,"workers":2,"speedup":1.9}"#;
        assert_eq!(json_value(j, "scene").as_deref(), Some("dashboard"));
        assert_eq!(json_value(j, "frame_us_p50").as_deref(), Some("12.35"));
        assert_eq!(json_value(j, "workers").as_deref(), Some("2"));
        assert_eq!(json_value(j, "speedup").as_deref(), Some("1.90"));
        assert_eq!(json_value(j, "missing"), None);
    }

    #[test]
    fn criterion_lines() {
        assert_eq!(
            parse_criterion_line(
                "dashboard/frame         time:   [9.9 µs 10.1 µs 10.3 µs]",
                ""
            ),
            Some(("dashboard/frame".into(), "10.1 µs".into()))
        );
        assert_eq!(
            parse_criterion_line(
                "                        time:   [1.0 ms 1.1 ms 1.2 ms]",
                "stress/frame"
            ),
            Some(("stress/frame".into(), "1.1 ms".into()))
        );
        assert_eq!(parse_criterion_line("Benchmarking dashboard", ""), None);
    }
}
