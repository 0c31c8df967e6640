//! `cargo xtask golden [--bless] [--target NAME,...]`: every example scene's frames, computed on
//! every target, must equal the hashes in `tests/golden/<scene>.txt` (format: tests/golden/README.md).
//!
//! A target is a name plus a function that computes the hashes of a batch of [`Job`]s (one per
//! scene, and one more per scene with an event log). Targets are built lazily inside that
//! function, so selecting one target builds only what it needs.

use crate::util::{output, root, run};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const FORMAT_VERSION: u32 = 1;
/// Far ticks, checked after the contiguous range: a frame's cost must not grow with the tick,
/// and wrap-arounds of long periods must agree on every target.
pub const FAR_TICKS: [u64; 3] = [10_000, 1_000_000, 1_000_000_000];

/// What one target computes for one scene: the frames at `ticks` then at `at`, optionally under an
/// event log.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub scene: PathBuf,
    pub events: Option<PathBuf>,
    pub ticks: Range<u64>,
    pub at: Vec<u64>,
}

impl Job {
    /// Arguments in the `tinydisplay hash` contract: `SCENE --ticks A..B --at .. [--events LOG]`.
    pub fn hash_args(&self) -> Vec<String> {
        let mut a = vec![
            self.scene.display().to_string(),
            "--ticks".into(),
            format!("{}..{}", self.ticks.start, self.ticks.end),
        ];
        if !self.at.is_empty() {
            a.push("--at".into());
            a.push(
                self.at
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            );
        }
        if let Some(ev) = &self.events {
            a.push("--events".into());
            a.push(ev.display().to_string());
        }
        a
    }

    pub fn all_ticks(&self) -> Vec<u64> {
        self.ticks.clone().chain(self.at.iter().copied()).collect()
    }
}

/// `(tick, 16 hex digits)` in the job's tick order.
pub type Hashes = Vec<(u64, String)>;

type Compute = Box<dyn Fn(&[Job]) -> Result<Vec<Hashes>, String>>;
/// One frame as `(width, height, page-layout bytes)`.
pub type FrameBytes = (u32, u32, Vec<u8>);
type FrameFn = Box<dyn Fn(&Job, u64) -> Result<FrameBytes, String>>;

pub struct Target {
    pub name: &'static str,
    pub compute: Compute,
    /// Renders one frame on this target, for the PNG diff. None: the target cannot give frames.
    pub frame: Option<FrameFn>,
}

/// Parses `TICK HASH` lines (the output of `tinydisplay hash` and of the golden hasher).
pub fn parse_hash_lines(text: &str) -> Result<Hashes, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut it = l.split_whitespace();
            let t = it.next().and_then(|t| t.parse::<u64>().ok());
            let h = it
                .next()
                .filter(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            match (t, h, it.next()) {
                (Some(t), Some(h), None) => Ok((t, h.to_ascii_lowercase())),
                _ => Err(format!("not a `TICK HASH` line: {l:?}")),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Golden files
// ---------------------------------------------------------------------------------------------

/// One `tests/golden/<scene>.txt`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Golden {
    pub scene: String,
    /// Contiguous ticks `0..=last`.
    pub last: u64,
    pub far: Vec<u64>,
    pub plain: Hashes,
    /// Frames under `tests/scenes/<scene>.events`.
    pub events: Option<(String, Hashes)>,
    /// Hash of the SSD1306 wire stream (`tinydisplay play --display wire:FILE`) of ticks 0..=last.
    pub wire: Option<String>,
}

impl Golden {
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# tinydisplay golden frames: `cargo xtask golden` checks them, `--bless` rewrites them.");
        let _ = writeln!(s, "# Format described in tests/golden/README.md.");
        let _ = writeln!(s, "# format: {FORMAT_VERSION}");
        let _ = writeln!(s, "# scene: {}", self.scene);
        let _ = writeln!(s, "# ticks: 0..={}", self.last);
        let far: Vec<String> = self.far.iter().map(u64::to_string).collect();
        let _ = writeln!(s, "# far: {}", far.join(" "));
        if let Some((log, _)) = &self.events {
            let _ = writeln!(s, "# events: {log}");
        }
        for (t, h) in &self.plain {
            let _ = writeln!(s, "{t} {h}");
        }
        if let Some((_, hashes)) = &self.events {
            for (t, h) in hashes {
                let _ = writeln!(s, "events {t} {h}");
            }
        }
        if let Some(w) = &self.wire {
            let _ = writeln!(s, "wire 0..={} {w}", self.last);
        }
        s
    }

    /// Parses a golden file; errors name the line.
    pub fn parse(text: &str) -> Result<Golden, String> {
        let mut g = Golden::default();
        let mut version = None;
        let mut events_log = None;
        let mut events = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(c) = line.strip_prefix('#') {
                if let Some((k, v)) = c.split_once(':') {
                    let v = v.trim();
                    match k.trim() {
                        "format" => {
                            version = Some(
                                v.parse::<u32>()
                                    .map_err(|_| format!("line {n}: bad format"))?,
                            )
                        }
                        "scene" => g.scene = v.to_string(),
                        "ticks" => {
                            g.last = v
                                .strip_prefix("0..=")
                                .and_then(|l| l.parse().ok())
                                .ok_or(format!("line {n}: expected `# ticks: 0..=N`"))?
                        }
                        "far" => {
                            g.far = v
                                .split_whitespace()
                                .map(|t| {
                                    t.parse()
                                        .map_err(|_| format!("line {n}: bad far tick {t:?}"))
                                })
                                .collect::<Result<_, _>>()?
                        }
                        "events" => events_log = Some(v.to_string()),
                        _ => {}
                    }
                }
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["events", t, h] => events.push(tick_hash(n, t, h)?),
                ["wire", _, h] => g.wire = Some(check_hash(n, h)?.to_string()),
                [t, h] => g.plain.push(tick_hash(n, t, h)?),
                _ => {
                    return Err(format!(
                        "line {n}: expected `TICK HASH`, `events TICK HASH` or `wire A..=B HASH`"
                    ))
                }
            }
        }
        match version {
            Some(FORMAT_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "format version {v}; this xtask reads version {FORMAT_VERSION}"
                ))
            }
            None => return Err("no `# format: N` header".into()),
        }
        if let Some(log) = events_log {
            g.events = Some((log, events));
        } else if !events.is_empty() {
            return Err("`events` lines without an `# events: LOG` header".into());
        }
        Ok(g)
    }

    /// The jobs that recompute this file's hashes (plain, then events).
    pub fn jobs(&self, scene_path: &Path, events_path: Option<&Path>) -> Vec<Job> {
        let base = Job {
            scene: scene_path.to_path_buf(),
            events: None,
            ticks: 0..self.last + 1,
            at: self.far.clone(),
        };
        let mut jobs = vec![base.clone()];
        if self.events.is_some() {
            if let Some(ev) = events_path {
                jobs.push(Job {
                    events: Some(ev.to_path_buf()),
                    ..base
                });
            }
        }
        jobs
    }
}

fn check_hash(n: usize, h: &str) -> Result<&str, String> {
    if h.len() == 16
        && h.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(h)
    } else {
        Err(format!("line {n}: {h:?} is not 16 lowercase hex digits"))
    }
}

fn tick_hash(n: usize, t: &str, h: &str) -> Result<(u64, String), String> {
    let t = t
        .parse()
        .map_err(|_| format!("line {n}: {t:?} is not a tick"))?;
    Ok((t, check_hash(n, h)?.to_string()))
}

/// Where `actual` first departs from `expected`: `None` when identical.
pub fn first_difference(expected: &Hashes, actual: &Hashes) -> Option<Difference> {
    for (i, e) in expected.iter().enumerate() {
        match actual.get(i) {
            None => return Some(Difference::Missing(e.0)),
            Some(a) if a.0 != e.0 => {
                return Some(Difference::Order {
                    expected: e.0,
                    got: a.0,
                })
            }
            Some(a) if a.1 != e.1 => return Some(Difference::Tick(e.0)),
            Some(_) => {}
        }
    }
    if actual.len() > expected.len() {
        return Some(Difference::Extra(actual[expected.len()].0));
    }
    None
}

#[derive(Clone, Debug, PartialEq)]
pub enum Difference {
    /// The frame at this tick differs.
    Tick(u64),
    Missing(u64),
    Extra(u64),
    Order {
        expected: u64,
        got: u64,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Tick(t) => write!(f, "tick {t} differs"),
            Difference::Missing(t) => write!(f, "tick {t} missing"),
            Difference::Extra(t) => write!(f, "extra tick {t}"),
            Difference::Order { expected, got } => {
                write!(f, "got tick {got} where {expected} was due")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scenes
// ---------------------------------------------------------------------------------------------

pub struct SceneFiles {
    pub name: String,
    pub path: PathBuf,
    pub events: Option<PathBuf>,
    pub golden: PathBuf,
}

/// Every `tests/scenes/*.toml` and `*.json`, sorted by name.
pub fn scenes(root: &Path) -> Result<Vec<SceneFiles>, String> {
    let dir = root.join("tests/scenes");
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries.flatten() {
        let path = e.path();
        let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("");
        if ext != "toml" && ext != "json" {
            continue;
        }
        let Some(name) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let events = dir.join(format!("{name}.events"));
        out.push(SceneFiles {
            golden: root.join("tests/golden").join(format!("{name}.txt")),
            events: events.exists().then_some(events),
            name,
            path: rel(root, &path),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

/// The hasher (`xtask/examples/golden_hasher.rs`) built for `target` (None: the host).
fn build_hasher(target: Option<&str>) -> Result<PathBuf, String> {
    let root = root();
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&root).args([
        "build",
        "--quiet",
        "-p",
        "xtask",
        "--example",
        "golden_hasher",
    ]);
    if let Some(t) = target {
        cmd.args(["--target", t]);
    }
    run(&mut cmd)?;
    let dir = target_dir(&root);
    let dir = match target {
        Some(t) => dir.join(t),
        None => dir,
    };
    Ok(dir.join("debug/examples/golden_hasher"))
}

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

/// A target that runs the hasher (through `runner`, e.g. qemu) with `mode`.
fn hasher_target(
    name: &'static str,
    cross: Option<&'static str>,
    runner: Option<&'static str>,
    mode: &'static str,
) -> Target {
    let bin = std::rc::Rc::new(std::cell::OnceCell::<PathBuf>::new());
    let get_bin = {
        let bin = bin.clone();
        move || -> Result<PathBuf, String> {
            if let Some(b) = bin.get() {
                return Ok(b.clone());
            }
            if cross.is_some() {
                crate::setup::cross()?;
            }
            let b = build_hasher(cross)?;
            let _ = bin.set(b.clone());
            Ok(b)
        }
    };
    let command = move |bin: &Path| {
        let mut c = match runner {
            Some(r) => {
                let mut c = Command::new(r);
                c.arg(bin);
                c
            }
            None => Command::new(bin),
        };
        c.current_dir(root());
        c
    };
    let get_bin2 = get_bin.clone();
    Target {
        name,
        compute: Box::new(move |jobs| {
            let bin = get_bin()?;
            jobs.iter()
                .map(|job| {
                    let out = output(
                        command(&bin)
                            .arg("hash")
                            .args(job.hash_args())
                            .args(["--mode", mode]),
                    )?;
                    parse_hash_lines(&out)
                })
                .collect()
        }),
        frame: Some(Box::new(move |job, tick| {
            let bin = get_bin2()?;
            let mut c = command(&bin);
            c.args([
                "frame",
                &job.scene.display().to_string(),
                "--tick",
                &tick.to_string(),
                "--mode",
                mode,
            ]);
            if let Some(ev) = &job.events {
                c.arg("--events").arg(ev);
            }
            parse_frame(&output(&mut c)?)
        })),
    }
}

fn parse_frame(text: &str) -> Result<FrameBytes, String> {
    let mut it = text.split_whitespace();
    let (w, h, hex) = (it.next(), it.next(), it.next());
    let bad = || format!("bad frame output: {:.60}", text);
    let w: u32 = w.and_then(|w| w.parse().ok()).ok_or_else(bad)?;
    let h: u32 = h.and_then(|h| h.parse().ok()).ok_or_else(bad)?;
    let hex = hex.ok_or_else(bad)?.as_bytes();
    let bytes: Vec<u8> = hex
        .chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
        })
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    if bytes.len() as u32 != w * h / 8 {
        return Err(bad());
    }
    Ok((w, h, bytes))
}

/// Every target, in table order. The first is the reference that `--bless` writes from.
pub fn targets() -> Vec<Target> {
    let mut t = vec![
        hasher_target("x86_64", None, None, "seq"),
        hasher_target("x86_64 pool:1", None, None, "pool:1"),
        hasher_target("x86_64 pool:2", None, None, "pool:2"),
        hasher_target("x86_64 pool:4", None, None, "pool:4"),
        hasher_target("x86_64 snapshot", None, None, "snapshot"),
        hasher_target(
            "aarch64 qemu",
            Some("aarch64-unknown-linux-musl"),
            Some("qemu-aarch64-static"),
            "seq",
        ),
        hasher_target(
            "armv7 qemu",
            Some("armv7-unknown-linux-gnueabihf"),
            Some("qemu-arm-static"),
            "seq",
        ),
    ];
    t.extend(extra_targets());
    t
}

/// INTEGRATION POINT (lead, when merging the web branch): the two wasm targets. Replace the body
/// with the block below (`crate::web::HashJob { scene, events, ticks: Vec<u64> }` and
/// `golden_node`/`golden_browser(&[HashJob]) -> Result<Vec<Vec<(u64, String)>>, String>` are the
/// web helper's interface):
///
/// ```ignore
/// fn web_jobs(jobs: &[Job]) -> Vec<crate::web::HashJob> {
///     jobs.iter()
///         .map(|j| crate::web::HashJob {
///             scene: root().join(&j.scene),
///             events: j.events.as_ref().map(|e| root().join(e)),
///             ticks: j.all_ticks(),
///         })
///         .collect()
/// }
/// vec![
///     Target { name: "wasm32 node", compute: Box::new(|jobs| crate::web::golden_node(&web_jobs(jobs))), frame: None },
///     Target { name: "wasm32 chromium workers", compute: Box::new(|jobs| crate::web::golden_browser(&web_jobs(jobs))), frame: None },
/// ]
/// ```
///
/// A precompute target through the runtime crate's pool can be added the same way once the
/// hasher can use it (`--mode precompute:N` in `examples/golden_hasher.rs`).
fn extra_targets() -> Vec<Target> {
    fn web_jobs(jobs: &[Job]) -> Vec<crate::web::HashJob> {
        jobs.iter()
            .map(|j| crate::web::HashJob {
                scene: root().join(&j.scene),
                events: j.events.as_ref().map(|e| root().join(e)),
                ticks: j.all_ticks(),
            })
            .collect()
    }
    vec![
        Target {
            name: "wasm32 node",
            compute: Box::new(|jobs| crate::web::golden_node(&web_jobs(jobs))),
            frame: None,
        },
        Target {
            name: "wasm32 chromium workers",
            compute: Box::new(|jobs| crate::web::golden_browser(&web_jobs(jobs))),
            frame: None,
        },
    ]
}

/// The wire-stream hash of ticks 0..=last, from the native `tinydisplay play --display wire:FILE`.
/// Returns None (with a note) while the CLI has no wire sink.
fn wire_hash(scene: &SceneFiles, last: u64) -> Result<Option<String>, String> {
    let root = root();
    let dir = target_dir(&root).join("golden");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("{}.wire", scene.name));
    let _ = std::fs::remove_file(&file);
    let cli = native_cli()?;
    let status = Command::new(&cli)
        .current_dir(&root)
        .arg("play")
        .arg(&scene.path)
        .arg("--display")
        .arg(format!("wire:{}", file.display()))
        .args(["--ticks", &format!("0..{}", last + 1), "--fast"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() || !file.exists() {
        return Ok(None);
    }
    let hasher = build_hasher(None)?;
    let out = output(Command::new(hasher).arg("file-hash").arg(&file))?;
    Ok(Some(out.trim().to_string()))
}

fn native_cli() -> Result<PathBuf, String> {
    let root = root();
    run(Command::new("cargo").current_dir(&root).args([
        "build",
        "--quiet",
        "-p",
        "tinydisplay-cli",
    ]))?;
    Ok(target_dir(&root).join("debug/tinydisplay"))
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

pub fn main(args: &[String]) -> Result<(), String> {
    let mut bless = false;
    let mut only: Option<Vec<String>> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bless" => bless = true,
            "--target" => {
                let v = it.next().ok_or("--target needs NAME[,NAME]")?;
                only = Some(v.split(',').map(str::to_string).collect());
            }
            other => {
                return Err(format!(
                    "golden: unknown argument {other:?} (use --bless, --target NAME,...)"
                ))
            }
        }
    }
    let root = root();
    if bless {
        return bless_all(&root);
    }
    let mut targets = targets();
    if let Some(only) = &only {
        targets.retain(|t| only.iter().any(|o| t.name.starts_with(o.as_str())));
        if targets.is_empty() {
            return Err(format!("no target matches {only:?}"));
        }
    }
    verify(&root, &targets).map(|_| ())
}

/// One cell of the table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Identical,
    Differs { what: String, png: Option<PathBuf> },
    Error(String),
}

/// Checks every scene on every target, prints the table, and fails when any cell is not identical.
/// Returns the number of (target, scene) cells checked.
pub fn verify(root: &Path, targets: &[Target]) -> Result<usize, String> {
    let scenes = scenes(root)?;
    if scenes.is_empty() {
        return Err("no scenes in tests/scenes".into());
    }
    let mut problems = Vec::new();
    let mut goldens = Vec::new();
    for s in &scenes {
        match std::fs::read_to_string(&s.golden) {
            Ok(text) => match Golden::parse(&text) {
                Ok(g) => {
                    if g.events.is_some() != s.events.is_some() {
                        problems.push(format!(
                            "{}: the event log and the golden file disagree (re-bless)",
                            s.golden.display()
                        ));
                    }
                    goldens.push(Some(g))
                }
                Err(e) => {
                    problems.push(format!("{}: {e}", s.golden.display()));
                    goldens.push(None)
                }
            },
            Err(_) => {
                problems.push(format!(
                    "{}: no golden file for scene {} (run `cargo xtask golden --bless`)",
                    s.golden.display(),
                    s.name
                ));
                goldens.push(None)
            }
        }
    }
    // A golden file whose scene is gone is a stale promise: say so.
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

    let mut jobs = Vec::new();
    let mut owner = Vec::new(); // (scene index, is_events)
    for (i, (s, g)) in scenes.iter().zip(&goldens).enumerate() {
        if let Some(g) = g {
            for (k, j) in g.jobs(&s.path, s.events.as_deref()).into_iter().enumerate() {
                jobs.push(j);
                owner.push((i, k == 1));
            }
        }
    }

    let mut table: Vec<(String, Vec<Cell>)> = Vec::new();
    for t in targets {
        eprintln!("golden: computing {} ({} jobs)", t.name, jobs.len());
        let started = std::time::Instant::now();
        let results = (t.compute)(&jobs);
        eprintln!(
            "golden: {} took {:.1}s",
            t.name,
            started.elapsed().as_secs_f64()
        );
        let mut cells: Vec<Cell> = goldens
            .iter()
            .map(|g| {
                if g.is_some() {
                    Cell::Identical
                } else {
                    Cell::Error("no golden".into())
                }
            })
            .collect();
        match results {
            Err(e) => {
                for (i, g) in goldens.iter().enumerate() {
                    if g.is_some() {
                        cells[i] = Cell::Error(first_line(&e));
                    }
                }
                problems.push(format!("{}: {e}", t.name));
            }
            Ok(results) if results.len() != jobs.len() => {
                problems.push(format!(
                    "{}: {} results for {} jobs",
                    t.name,
                    results.len(),
                    jobs.len()
                ));
                for c in cells.iter_mut() {
                    *c = Cell::Error("wrong result count".into());
                }
            }
            Ok(results) => {
                for ((job, actual), &(i, is_events)) in jobs.iter().zip(&results).zip(&owner) {
                    if cells[i] != Cell::Identical {
                        continue; // report the first difference per scene
                    }
                    let Some(g) = &goldens[i] else { continue };
                    let expected = if is_events {
                        &g.events.as_ref().map(|e| e.1.clone()).unwrap_or_default()
                    } else {
                        &g.plain
                    };
                    if let Some(d) = first_difference(expected, actual) {
                        let what = if is_events {
                            format!("events: {d}")
                        } else {
                            d.to_string()
                        };
                        let png = match d {
                            Difference::Tick(tick) => {
                                diff_png(root, t, &scenes[i].name, job, tick, targets)
                            }
                            _ => None,
                        };
                        problems.push(format!("{} on {}: {what}", scenes[i].name, t.name));
                        cells[i] = Cell::Differs { what, png };
                    }
                }
            }
        }
        table.push((t.name.to_string(), cells));
    }
    // The wire stream is checked natively (it is a property of the flush planner, which is
    // target-independent code checked on x86_64; the frames themselves are checked above).
    for (s, g) in scenes.iter().zip(&goldens) {
        if let Some(Golden {
            wire: Some(expected),
            last,
            ..
        }) = g
        {
            match wire_hash(s, *last) {
                Ok(Some(h)) if &h == expected => {}
                Ok(Some(h)) => problems.push(format!(
                    "{}: wire stream hash {h}, golden {expected}",
                    s.name
                )),
                Ok(None) => problems.push(format!(
                    "{}: golden has a wire hash but `tinydisplay play --display wire:` failed",
                    s.name
                )),
                Err(e) => problems.push(format!("{}: wire: {e}", s.name)),
            }
        }
    }

    print_table(&scenes, &goldens, &table);
    let cells = table.iter().map(|(_, c)| c.len()).sum::<usize>();
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

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("").to_string();
    if l.len() > 60 {
        format!("{}...", &l[..57])
    } else {
        l
    }
}

fn print_table(scenes: &[SceneFiles], goldens: &[Option<Golden>], table: &[(String, Vec<Cell>)]) {
    let w0 = table.iter().map(|(n, _)| n.len()).max().unwrap_or(6).max(6);
    let texts: Vec<Vec<String>> = table
        .iter()
        .map(|(_, cells)| {
            cells
                .iter()
                .map(|c| match c {
                    Cell::Identical => "identical".to_string(),
                    Cell::Differs { what, .. } => what.clone(),
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
                .map(|r| r[i].len())
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
    for ((name, cells), row) in table.iter().zip(&texts) {
        out.push_str(&format!("{name:w0$}"));
        for (t, w) in row.iter().zip(&widths) {
            out.push_str(&format!("  {t:w$}"));
        }
        out.push('\n');
        for c in cells {
            if let Cell::Differs { png: Some(p), .. } = c {
                out.push_str(&format!("    diff image: {}\n", p.display()));
            }
        }
    }
    println!("{out}");
}

/// Writes `expected | actual | xor` at 4x to target/golden-diff/ and returns its path.
/// The expected frame comes from the reference target (x86_64) when this target is not it; when
/// the reference itself differs from the golden file, the expected frame is not recoverable from
/// a hash, so that panel is left blank.
fn diff_png(
    root: &Path,
    target: &Target,
    scene: &str,
    job: &Job,
    tick: u64,
    all: &[Target],
) -> Option<PathBuf> {
    let actual = target.frame.as_ref()?(job, tick).ok()?;
    let reference = &all[0];
    let expected = if !std::ptr::eq(reference, target) {
        reference.frame.as_ref().and_then(|f| f(job, tick).ok())
    } else {
        None
    };
    let dir = target_dir(root).join("golden-diff");
    std::fs::create_dir_all(&dir).ok()?;
    let safe: String = target
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let path = dir.join(format!(
        "{scene}-{safe}-{}{tick}.png",
        if job.events.is_some() { "events-" } else { "" }
    ));
    write_diff_png(&path, expected.as_ref(), &actual, 4).ok()?;
    Some(path)
}

/// Gray 8-bit PNG of three panels side by side: expected, actual, and their XOR (differing
/// pixels lit). Panels are separated by a mid-gray bar.
pub fn write_diff_png(
    path: &Path,
    expected: Option<&FrameBytes>,
    actual: &FrameBytes,
    scale: u32,
) -> Result<(), String> {
    let (w, h, _) = *actual;
    let gap = 2 * scale;
    let pw = w * scale;
    let width = pw * 3 + gap * 2;
    let height = h * scale;
    let lit = |f: &FrameBytes, x: u32, y: u32| -> bool {
        let (fw, _, b) = f;
        b.get(((y / 8) * fw + x) as usize)
            .is_some_and(|v| v >> (y % 8) & 1 == 1)
    };
    let mut img = vec![128u8; (width * height) as usize];
    for y in 0..height {
        for x in 0..width {
            let panel = x / (pw + gap);
            let px = x % (pw + gap);
            if px >= pw {
                continue;
            }
            let (fx, fy) = (px / scale, y / scale);
            let e = expected.map(|e| lit(e, fx, fy));
            let a = lit(actual, fx, fy);
            let v = match panel {
                0 => match e {
                    Some(true) => 255,
                    Some(false) => 0,
                    None => 40, // unknown: dark gray
                },
                1 => {
                    if a {
                        255
                    } else {
                        0
                    }
                }
                _ => {
                    if e.is_some_and(|e| e != a) {
                        255
                    } else {
                        0
                    }
                }
            };
            img[(y * width + x) as usize] = v;
        }
    }
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut wr = enc.write_header().map_err(|e| e.to_string())?;
    wr.write_image_data(&img).map_err(|e| e.to_string())
}

/// Rewrites every golden file from the reference target and prints what changed.
fn bless_all(root: &Path) -> Result<(), String> {
    let scenes = scenes(root)?;
    let bin = build_hasher(None)?;
    std::fs::create_dir_all(root.join("tests/golden")).map_err(|e| e.to_string())?;
    let reference = &targets()[0];
    for s in &scenes {
        let last = output(
            Command::new(&bin)
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
        let jobs = g.jobs(&s.path, s.events.as_deref());
        let mut results = (reference.compute)(&jobs)?.into_iter();
        g.plain = results.next().ok_or("no result")?;
        if let Some((log, _)) = g.events.take() {
            g.events = Some((log, results.next().ok_or("no events result")?));
        }
        g.wire = wire_hash(s, last)?;
        let text = g.to_text();
        let old = std::fs::read_to_string(&s.golden).ok();
        match &old {
            Some(o) if *o == text => println!("{}: unchanged", s.name),
            Some(o) => {
                let changed = changed_lines(o, &text);
                println!(
                    "{}: {} line(s) changed{}",
                    s.name,
                    changed.len(),
                    preview(&changed)
                );
            }
            None => println!("{}: new ({} frames)", s.name, g.plain.len()),
        }
        if g.wire.is_none() {
            println!(
                "{}: no wire hash (`tinydisplay play --display wire:` not available)",
                s.name
            );
        }
        std::fs::write(&s.golden, text).map_err(|e| format!("{}: {e}", s.golden.display()))?;
    }
    Ok(())
}

fn changed_lines(old: &str, new: &str) -> Vec<String> {
    let o: BTreeMap<&str, &str> = old.lines().filter_map(key_of).collect();
    let n: BTreeMap<&str, &str> = new.lines().filter_map(key_of).collect();
    // In file order (tick order), not key order.
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
        return l.split_once(':');
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
    use tinydisplay::Engine;

    const SCENE: &str = r#"
display = { width = 32, height = 16 }
[[widgets]]
kind = "rect"
x = 0
y = 2
w = 6
h = 6
fill = true
[[widgets.animate]]
prop = "x"
keys = [{ t = 0, v = 0 }, { t = 20, v = 26 }]
"#;

    fn engine() -> Engine {
        Engine::from_source("t.toml", SCENE.as_bytes()).unwrap()
    }

    fn golden_of(e: &Engine) -> Golden {
        let plain = (0..=30)
            .chain([1_000])
            .map(|t| (t, e.render(t).hash().to_string()))
            .collect();
        Golden {
            scene: "t.toml".into(),
            last: 30,
            far: vec![1_000],
            plain,
            events: None,
            wire: None,
        }
    }

    /// A target computing with the real engine, with an optional tampered tick.
    fn engine_target(tamper: Option<u64>) -> Target {
        let frame = move |t: u64| {
            let mut f = engine().render(t);
            if tamper == Some(t) {
                // A deliberately different frame: one pixel flipped.
                let on = f.pixel(31, 15);
                f.set_pixel(31, 15, !on);
            }
            f
        };
        Target {
            name: "test",
            compute: Box::new(move |jobs| {
                Ok(jobs
                    .iter()
                    .map(|j| {
                        j.all_ticks()
                            .into_iter()
                            .map(|t| (t, frame(t).hash().to_string()))
                            .collect()
                    })
                    .collect())
            }),
            frame: Some(Box::new(move |_, t| {
                let f = frame(t);
                Ok((
                    u32::from(f.width()),
                    u32::from(f.height()),
                    f.as_bytes().to_vec(),
                ))
            })),
        }
    }

    fn fixture(g: &Golden) -> tempdir::Dir {
        let d = tempdir::Dir::new();
        std::fs::create_dir_all(d.0.join("tests/scenes")).unwrap();
        std::fs::create_dir_all(d.0.join("tests/golden")).unwrap();
        std::fs::write(d.0.join("tests/scenes/t.toml"), SCENE).unwrap();
        std::fs::write(d.0.join("tests/golden/t.txt"), g.to_text()).unwrap();
        d
    }

    mod tempdir {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Dir {
                use std::sync::atomic::{AtomicU32, Ordering};
                static N: AtomicU32 = AtomicU32::new(0);
                let p = std::env::temp_dir().join(format!(
                    "xtask-golden-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                let _ = std::fs::remove_dir_all(&p);
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn format_round_trips() {
        let mut g = golden_of(&engine());
        g.events = Some((
            "tests/scenes/t.events".into(),
            vec![(0, "0123456789abcdef".into())],
        ));
        g.wire = Some("fedcba9876543210".into());
        let text = g.to_text();
        assert_eq!(Golden::parse(&text).unwrap(), g);
        assert!(
            text.contains("\n0 "),
            "one `TICK HASH` line per tick:\n{text}"
        );
    }

    #[test]
    fn parse_rejects_bad_lines() {
        let good = golden_of(&engine()).to_text();
        assert!(Golden::parse(&good.replace("# format: 1", "# format: 9")).is_err());
        assert!(Golden::parse(&format!("{good}12 nothex!nothex!12\n")).is_err());
        assert!(Golden::parse(&format!("{good}12\n")).is_err());
        assert!(Golden::parse("0 0123456789abcdef\n").is_err(), "no header");
    }

    #[test]
    fn identical_frames_pass() {
        let g = golden_of(&engine());
        let d = fixture(&g);
        assert_eq!(verify(&d.0, &[engine_target(None)]), Ok(1));
    }

    #[test]
    fn one_changed_hash_in_the_golden_file_fails() {
        let mut g = golden_of(&engine());
        // Change one hash (tick 17) in the file, as a careless edit would.
        let h = &mut g.plain[17].1;
        *h = if h.starts_with('0') {
            h.replacen('0', "1", 1)
        } else {
            format!("0{}", &h[1..])
        };
        let d = fixture(&g);
        let err = verify(&d.0, &[engine_target(None)]).unwrap_err();
        assert!(err.contains("tick 17 differs"), "{err}");
    }

    #[test]
    fn a_different_frame_fails_and_writes_a_diff_png() {
        let g = golden_of(&engine());
        let d = fixture(&g);
        // The reference target is right, the second computes a different frame at tick 23.
        let err = verify(&d.0, &[engine_target(None), engine_target(Some(23))]).unwrap_err();
        assert!(err.contains("tick 23 differs"), "{err}");
        // The diff image shows exactly one differing pixel (4x4 after scaling) in the xor panel.
        let dir = target_dir(&d.0).join("golden-diff");
        let png = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (32 * 4 * 3 + 8 * 2, 16 * 4));
        let xor_x0 = (32 * 4 + 8) * 2;
        let lit: usize = (0..info.height as usize)
            .flat_map(|y| (xor_x0..info.width as usize).map(move |x| (x, y)))
            .filter(|&(x, y)| buf[y * info.width as usize + x] == 255)
            .count();
        assert_eq!(lit, 16, "one frame pixel differs, drawn 4x4");
    }

    #[test]
    fn a_missing_golden_file_or_stale_golden_fails() {
        let g = golden_of(&engine());
        let d = fixture(&g);
        std::fs::rename(
            d.0.join("tests/golden/t.txt"),
            d.0.join("tests/golden/gone.txt"),
        )
        .unwrap();
        let err = verify(&d.0, &[engine_target(None)]).unwrap_err();
        assert!(err.contains("no golden file"), "{err}");
    }

    #[test]
    fn first_difference_cases() {
        let a: Hashes = vec![(0, "a".into()), (1, "b".into())];
        assert_eq!(first_difference(&a, &a), None);
        assert_eq!(
            first_difference(&a, &a[..1].to_vec()),
            Some(Difference::Missing(1))
        );
        let mut b = a.clone();
        b[1].1 = "c".into();
        assert_eq!(first_difference(&a, &b), Some(Difference::Tick(1)));
    }

    #[test]
    fn hash_lines_parse() {
        assert_eq!(
            parse_hash_lines("5 0123456789ABCDEF\n").unwrap(),
            vec![(5, "0123456789abcdef".into())]
        );
        assert!(parse_hash_lines("5 0123\n").is_err());
    }
}
