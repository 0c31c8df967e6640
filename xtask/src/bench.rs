//! `cargo xtask bench [--quick] [--rt-seconds N]`: the criterion benchmarks, `tinydisplay bench
//! --json` on every example scene, real-time play of every scene (`play --display emulator
//! --stats`: CPU % of a core and lateness), and the luma.oled reference (`xtask/luma/dashboard.py`,
//! in a cached venv, including its own real-time loop at the same fps) measured in the same run.
//! Writes a Markdown report to `target/bench/report.md` and prints it.
//! A part that cannot run is listed under "Failures" and fails the command, never left out.

use crate::util::{have, output, root, run, scenes, show, target_dir};
use crate::{build, setup};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;
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

/// Seconds of real-time play per scene: long enough that start-up (load, threads) is a small
/// share of a scene that costs ~0.1% of a core.
const RT_SECONDS: u64 = 60;
const RT_SECONDS_QUICK: u64 = 5;

pub fn main(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    let mut rt_seconds = if quick { RT_SECONDS_QUICK } else { RT_SECONDS };
    let mut it = args.iter().filter(|a| *a != "--quick");
    while let Some(a) = it.next() {
        match (a.as_str(), it.next().map(|n| n.parse::<u64>())) {
            ("--rt-seconds", Some(Ok(n))) if n > 0 => rt_seconds = n,
            _ => {
                return Err(format!(
                    "bench: unknown argument {a:?} (--quick skips criterion and plays 5 s; \
                     --rt-seconds N plays each scene N s in real time)"
                ))
            }
        }
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

    let rt_rows = crate::util::stage("real-time play", || {
        realtime(&root, &scene_rows, rt_seconds, &mut failures)
    })
    .unwrap_or_else(|e| {
        failures.push(format!("real-time play: {e}"));
        Vec::new()
    });
    let _ = writeln!(
        report,
        "## Real-time play, CPU per second of play

`tinydisplay play SCENE --display emulator \
         --ticks 0..RATE*{rt_seconds} --stats` ({rt_seconds} s at the scene's tick rate); CPU is \
         user + system time of the whole process (`getrusage`) over the time played, lateness is \
         a shown frame's tick deadline to the display's `show` returning.\n\n\
         | scene | fps | frames sent | ticks unchanged | CPU % of a core | lateness p50 us | lateness p99 us |\n\
         |---|---|---|---|---|---|---|"
    );
    for r in &rt_rows {
        let _ = writeln!(
            report,
            "| {} | {} | {} | {} | {:.3} | {} | {} |",
            r.scene, r.fps, r.shown, r.unchanged, r.cpu_pct, r.p50_us, r.p99_us
        );
    }
    report.push('\n');

    match crate::util::stage("luma reference", || luma(&root, rt_seconds)) {
        Ok(luma) => {
            report.push_str("## tinydisplay vs luma.oled (dashboard, same run)\n\n");
            let _ = writeln!(
                report,
                "- luma.core + Pillow (`xtask/luma/dashboard.py time 600`): {:.1} us/frame",
                luma.frame_us
            );
            let td = scene_rows
                .iter()
                .find(|(s, _)| s == "dashboard")
                .and_then(|(_, j)| json_value(j, "frame_us_p50"))
                .and_then(|v| v.parse::<f64>().ok());
            match td {
                Some(td) if td > 0.0 => {
                    let _ = writeln!(report, "- tinydisplay (`frame_us_p50`): {td:.2} us/frame");
                    let _ = writeln!(report, "- ratio: **{:.0}x** faster", luma.frame_us / td);
                }
                _ => report.push_str("- tinydisplay: no dashboard frame_us_p50 in this run\n"),
            }
            let _ = writeln!(report, "- luma.oled ssd1306 driver (`bus`): {}", luma.bus);
            match &luma.realtime {
                Some(r) => {
                    let _ = writeln!(
                        report,
                        "- luma.core real-time play (`realtime {rt_seconds} --fps 60`, its \
                         framerate regulator, dummy device): {r}"
                    );
                }
                None => report.push_str("- luma.core real-time play: not measured\n"),
            }
            if let Some(d) = rt_rows.iter().find(|r| r.scene == "dashboard") {
                let _ = writeln!(
                    report,
                    "- tinydisplay real-time play of the dashboard, same run: {} fps, {:.3}% of \
                     one core",
                    d.fps, d.cpu_pct
                );
            }
            report.push('\n');
        }
        Err(e) => {
            let _ = writeln!(
                report,
                "## tinydisplay vs luma.oled\n\n**NOT MEASURED: {}**\n",
                e.lines().next().unwrap_or("")
            );
            failures.push(format!("luma reference: {e}"));
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
    let bin = build::cli_release()?;
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

/// What the luma.oled reference measured.
struct Luma {
    frame_us: f64,
    /// `dashboard.py bus`'s line.
    bus: String,
    /// `dashboard.py realtime`'s line.
    realtime: Option<String>,
}

/// Runs `xtask/luma/dashboard.py` in a venv under `~/.cache/tinydisplay/luma-venv`, installing
/// python3 (apt) and luma.oled (pip) when missing. Every way this can fail is an error: a bench
/// report without the comparison the README promises must say why.
fn luma(root: &Path, rt_seconds: u64) -> Result<Luma, String> {
    let script = root.join("xtask/luma/dashboard.py");
    if !script.exists() {
        return Err(format!("{} is missing", script.display()));
    }
    if !have("python3") {
        setup::apt(&["python3", "python3-venv"])
            .map_err(|e| format!("python3 is not installed, and installing it failed: {e}"))?;
    }
    let venv = setup::cache_dir().join("luma-venv");
    let py = venv.join("bin/python");
    if !py.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv)).map_err(|e| {
            format!("cannot make a python venv (on Debian: apt-get install python3-venv): {e}")
        })?;
    }
    let has_luma = Command::new(&py)
        .args(["-c", "import luma.oled"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_luma {
        run(Command::new(&py).args(["-m", "pip", "install", "--quiet", "luma.oled"]))?;
    }
    let script_run = |args: &[&str]| -> Result<String, String> {
        let out = output(Command::new(&py).arg(&script).args(args))?;
        eprintln!("luma: {}", out.trim());
        Ok(out.trim().to_string())
    };
    let time = script_run(&["time", "600"])?;
    let ms: f64 = kv(&time, "ms_per_frame")
        .and_then(|v| v.parse().ok())
        .ok_or(format!("no ms_per_frame in dashboard.py's output: {time}"))?;
    let bus = script_run(&["bus", "300"])?;
    let bus = match (
        kv(&bus, "command_bytes_per_frame"),
        kv(&bus, "data_bytes_per_frame"),
    ) {
        (Some(c), Some(d)) => format!("{c} command + {d} data bytes per frame, every frame"),
        _ => return Err(format!("no byte counts in dashboard.py's output: {bus}")),
    };
    let realtime = {
        let secs = rt_seconds.to_string();
        let r = script_run(&["realtime", &secs, "--fps", "60"])?;
        match (kv(&r, "fps"), kv(&r, "cpu_pct")) {
            (Some(fps), Some(cpu)) => Some(format!("{fps} fps, {cpu}% of one core")),
            _ => return Err(format!("no fps/cpu_pct in dashboard.py's output: {r}")),
        }
    };
    Ok(Luma {
        frame_us: ms * 1000.0,
        bus,
        realtime,
    })
}

/// One scene's real-time play.
struct RealTime {
    scene: String,
    fps: u64,
    shown: String,
    unchanged: String,
    cpu_pct: f64,
    p50_us: String,
    p99_us: String,
}

/// Plays every scene for `seconds` at its tick rate (from its `tinydisplay bench --json` row,
/// 60 if missing) on the emulator, one after the other, and reads `--stats`'s lines.
fn realtime(
    root: &Path,
    scene_rows: &[(String, String)],
    seconds: u64,
    failures: &mut Vec<String>,
) -> Result<Vec<RealTime>, String> {
    let bin = build::cli_release()?;
    let mut rows = Vec::new();
    for s in scenes(root)? {
        let fps = scene_rows
            .iter()
            .find(|(n, _)| *n == s.name)
            .and_then(|(_, j)| json_value(j, "tick_rate"))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(60);
        let mut cmd = Command::new(&bin);
        cmd.current_dir(root)
            .arg("play")
            .arg(&s.path)
            .args(["--display", "emulator", "--stats", "--ticks"])
            .arg(format!("0..{}", fps * seconds));
        if let Some(ev) = &s.events {
            cmd.arg("--events").arg(ev);
        }
        eprintln!("$ {}", show(&cmd));
        let out = cmd
            .output()
            .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
        let err = String::from_utf8_lossy(&out.stderr);
        match (out.status.success(), parse_play_stats(&err)) {
            (true, Some(mut r)) => {
                eprintln!("{}: {:.3}% of a core", s.name, r.cpu_pct);
                r.scene = s.name;
                r.fps = fps;
                rows.push(r);
            }
            _ => failures.push(format!(
                "{}: play --stats failed or printed no cpu line: {}",
                s.name,
                err.lines().last().unwrap_or("")
            )),
        }
    }
    Ok(rows)
}

/// The numbers of `play --stats`'s `frames shown: N ...` and `cpu ... (X% of a core); lateness
/// p50 A us, p99 B us, ...; U ticks unchanged` lines.
fn parse_play_stats(stderr: &str) -> Option<RealTime> {
    let shown = stderr
        .lines()
        .find_map(|l| l.strip_prefix("frames shown: "))?
        .split_whitespace()
        .next()?
        .to_string();
    let cpu_line = stderr.lines().find(|l| l.starts_with("cpu "))?;
    let before = |pat: &str| -> Option<String> {
        let head = &cpu_line[..cpu_line.find(pat)?];
        Some(head.rsplit([' ', '(']).next()?.to_string())
    };
    let after = |pat: &str| -> Option<String> {
        let tail = &cpu_line[cpu_line.find(pat)? + pat.len()..];
        Some(tail.split_whitespace().next()?.to_string())
    };
    Some(RealTime {
        scene: String::new(),
        fps: 0,
        shown,
        unchanged: before(" ticks unchanged")?,
        cpu_pct: before("% of a core")?.parse().ok()?,
        p50_us: after("lateness p50 ")?,
        p99_us: after(", p99 ")?,
    })
}

/// The value of `key=value` in a line of `dashboard.py` output.
fn kv<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
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
    fn play_stats_lines() {
        let err = "frames shown: 176 (dropped 0, lost to bus errors 0, sent whole 1)\n\
                   cpu 96.4 ms user+sys in 60.00 s of play: 1.61 ms/s (0.161% of a core); \
                   lateness p50 131 us, p99 7209 us, max 15969 us (176 frames); 3423 ticks \
                   unchanged, 629 wake-ups\n";
        let r = parse_play_stats(err).unwrap();
        assert_eq!(r.shown, "176");
        assert_eq!(r.cpu_pct, 0.161);
        assert_eq!(r.p50_us, "131");
        assert_eq!(r.p99_us, "7209");
        assert_eq!(r.unchanged, "3423");
        assert!(parse_play_stats("frames shown: 3\n").is_none());
    }

    #[test]
    fn luma_lines() {
        let l = "mode=time frames=600 seconds=0.857 ms_per_frame=1.4283 fps=700";
        assert_eq!(kv(l, "ms_per_frame"), Some("1.4283"));
        assert_eq!(kv(l, "fps"), Some("700"));
        assert_eq!(kv(l, "frames"), Some("600"));
        assert_eq!(kv(l, "ms"), None);
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
