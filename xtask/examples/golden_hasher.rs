//! The golden-frame hasher that `cargo xtask golden` builds for every native and cross target
//! (x86_64, aarch64 under qemu, armv7 under qemu). Its `hash` subcommand prints the same
//! `TICK HASH` lines as `tinydisplay hash`, so both are interchangeable for the checker; it adds
//! the ways of computing a frame that the golden set must prove equivalent (`--mode`):
//!
//! - `seq`: one engine, ticks in order, `render_into` one reused frame;
//! - `pool:N`: a rayon pool with N workers, ticks computed in parallel (and so out of order);
//! - `snapshot`: the engine (scene + event log) is snapshotted and restored before rendering.
//!
//! It is an example of the xtask package, not part of the `xtask` binary, because it is
//! cross-compiled for every target the golden set covers and run there (under qemu for ARM).
//!
//! It must run with overflow checks, as the engine's tests do: a frame that only comes out right
//! because an addition wrapped silently would otherwise pass the golden set. xtask builds it in
//! the dev profile and says `overflow-checks` and `debug-assertions` on cargo's command line
//! (`xtask/src/build.rs`); the `hash` and `frame` subcommands refuse to run when a build without
//! them slipped through (see [`overflow_checks_on`]).
//!
//! ```text
//! golden_hasher hash SCENE --ticks A..B [--at T1,T2] [--events LOG] [--mode seq|pool:N|snapshot]
//! golden_hasher frame SCENE --tick T [--events LOG] [--mode ...]   -> "W H HEX" on stdout
//! golden_hasher length SCENE                                        -> suggested golden tick count
//! golden_hasher file-hash FILE                                      -> hash of a file's bytes
//! ```

use rayon::prelude::*;
use std::process::ExitCode;
use tinydisplay::scene::{Repeat, Scene, TimelineMode, Track, Widget};
use tinydisplay::{Engine, Frame, FrameHash, Tick};

#[derive(Clone, Copy)]
enum Mode {
    Seq,
    Pool(usize),
    Snapshot,
}

struct Opts {
    scene: String,
    ticks: std::ops::Range<Tick>,
    at: Vec<Tick>,
    events: Option<String>,
    mode: Mode,
}

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("golden_hasher: {e}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = args
        .first()
        .ok_or("usage: golden_hasher hash|frame|length|file-hash ...")?;
    match cmd.as_str() {
        "file-hash" => {
            let path = args.get(1).ok_or("file-hash FILE")?;
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            println!("{}", FrameHash::of(&bytes));
            Ok(())
        }
        "length" => {
            let path = args.get(1).ok_or("length SCENE")?;
            let engine = load(path)?;
            println!("{}", golden_length(engine.scene()));
            Ok(())
        }
        "hash" => {
            require_overflow_checks()?;
            let o = parse(&args[1..])?;
            let engine = engine_for(&o)?;
            let ticks: Vec<Tick> = o.ticks.clone().chain(o.at.iter().copied()).collect();
            let hashes = hashes(&engine, &ticks, o.mode)?;
            let mut out = String::with_capacity(ticks.len() * 24);
            for (t, h) in ticks.iter().zip(hashes) {
                out.push_str(&format!("{t} {h}\n"));
            }
            print!("{out}");
            Ok(())
        }
        "frame" => {
            require_overflow_checks()?;
            let o = parse(&args[1..])?;
            let engine = engine_for(&o)?;
            let frame = frames(&engine, &[o.ticks.start], o.mode)?.remove(0);
            let hex: String = frame
                .as_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            println!("{} {} {hex}", frame.width(), frame.height());
            Ok(())
        }
        other => Err(format!("unknown subcommand {other:?}")),
    }
}

fn require_overflow_checks() -> Result<(), String> {
    if overflow_checks_on() {
        Ok(())
    } else {
        Err(
            "built without overflow checks; build it with `cargo build -p xtask --example \
             golden_hasher` (the dev profile), as `cargo xtask golden` does"
                .into(),
        )
    }
}

/// True when integer overflow panics in this build. Probed rather than read from a cfg, because
/// `overflow-checks` has no cfg of its own (`debug_assertions` can differ from it).
fn overflow_checks_on() -> bool {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let overflowed =
        std::panic::catch_unwind(|| std::hint::black_box(u8::MAX) + std::hint::black_box(1u8))
            .is_err();
    std::panic::set_hook(quiet);
    overflowed
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        scene: String::new(),
        ticks: 0..0,
        at: Vec::new(),
        events: None,
        mode: Mode::Seq,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--ticks" => {
                let v = val()?;
                let (a, b) = v
                    .split_once("..")
                    .ok_or(format!("--ticks {v}: expected A..B"))?;
                o.ticks = num(a)?..num(b)?;
            }
            "--tick" => {
                let t = num(&val()?)?;
                o.ticks = t..t + 1;
            }
            "--at" => {
                o.at = val()?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(num)
                    .collect::<Result<_, _>>()?
            }
            "--events" => o.events = Some(val()?),
            "--mode" => {
                let v = val()?;
                o.mode = match v.as_str() {
                    "seq" => Mode::Seq,
                    "snapshot" => Mode::Snapshot,
                    p => match p.strip_prefix("pool:").and_then(|n| n.parse().ok()) {
                        Some(n) if n >= 1 => Mode::Pool(n),
                        _ => return Err(format!("--mode {v}: expected seq, snapshot or pool:N")),
                    },
                }
            }
            s if !s.starts_with("--") && o.scene.is_empty() => o.scene = s.to_string(),
            s => return Err(format!("unexpected argument {s:?}")),
        }
    }
    if o.scene.is_empty() {
        return Err("no scene given".into());
    }
    Ok(o)
}

fn num(s: &str) -> Result<Tick, String> {
    s.trim().parse().map_err(|_| format!("{s:?} is not a tick"))
}

/// A scene file (its pictures read next to it) or a bundle (scene and files inside): either
/// way the files are decoded here, on the target, so the golden set proves decoding identical.
fn load(path: &str) -> Result<Engine, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    if tinydisplay_assets::bundle::is_bundle(&bytes) {
        return tinydisplay_assets::load_bundle(&bytes).map_err(|e| format!("{path}: {e}"));
    }
    let resolver = tinydisplay_assets::dir_resolver(std::path::Path::new(path));
    tinydisplay_assets::load_scene(path, &bytes, &*resolver).map_err(|e| e.to_string())
}

fn engine_for(o: &Opts) -> Result<Engine, String> {
    let mut engine = load(&o.scene)?;
    if let Some(log) = &o.events {
        let text = std::fs::read_to_string(log).map_err(|e| format!("{log}: {e}"))?;
        let events = tinydisplay::parse_event_log(&text)
            .map_err(|e| format!("{log}:{}: {}", e.line, e.message))?;
        for ev in events {
            engine.push_event(ev).map_err(|e| format!("{log}: {e}"))?;
        }
    }
    if let Mode::Snapshot = o.mode {
        // Snapshot at a tick inside the range, so the restored tick is checked too.
        let at = o.ticks.start + (o.ticks.end - o.ticks.start) / 2;
        let bytes = engine.snapshot(at);
        let (restored, tick) =
            Engine::restore(&bytes).map_err(|e| format!("snapshot round trip: {e}"))?;
        if tick != at {
            return Err(format!(
                "snapshot round trip: restored tick {tick}, expected {at}"
            ));
        }
        if restored.events() != engine.events() {
            return Err("snapshot round trip: the event log changed".into());
        }
        engine = restored;
    }
    Ok(engine)
}

fn frames(engine: &Engine, ticks: &[Tick], mode: Mode) -> Result<Vec<Frame>, String> {
    match mode {
        Mode::Seq | Mode::Snapshot => Ok(ticks.iter().map(|&t| engine.render(t)).collect()),
        Mode::Pool(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| e.to_string())?;
            // Small chunks, so that neighbouring ticks land on different workers.
            Ok(pool.install(|| {
                ticks
                    .par_iter()
                    .with_min_len(1)
                    .with_max_len(4)
                    .map(|&t| engine.render(t))
                    .collect()
            }))
        }
    }
}

fn hashes(engine: &Engine, ticks: &[Tick], mode: Mode) -> Result<Vec<FrameHash>, String> {
    match mode {
        Mode::Seq => {
            // One reused frame buffer, in tick order: the player's way of rendering.
            let mut frame = Frame::new(engine.width(), engine.height());
            Ok(ticks
                .iter()
                .map(|&t| {
                    engine.render_into(t, &mut frame);
                    frame.hash()
                })
                .collect())
        }
        _ => Ok(frames(engine, ticks, mode)?
            .iter()
            .map(Frame::hash)
            .collect()),
    }
}

/// How many ticks the golden file covers: at least 600 (10 s at 60 Hz), more when a finite
/// animation runs longer, so that every keyframe segment of every track is reached at least once.
/// Capped at 6000 ticks so that the files stay reviewable; far ticks cover the rest.
pub fn golden_length(scene: &Scene) -> u64 {
    let mut end: u64 = 0;
    let mut by_id = std::collections::BTreeMap::new();
    let mut stack: Vec<&Widget> = scene.widgets.iter().collect();
    while let Some(w) = stack.pop() {
        stack.extend(w.children.iter());
        for t in &w.animate {
            let d = track_extent(t);
            end = end.max(d);
            if let Some(id) = &t.id {
                by_id.insert(id.clone(), d);
            }
        }
    }
    // Timelines shift tracks: bound each by its start plus the sum of its items (a sequence's
    // length; an upper bound for parallel and stagger).
    for tl in scene.timelines.values() {
        let items: u64 = tl
            .items
            .iter()
            .map(|i| by_id.get(i).copied().unwrap_or(0))
            .sum();
        let stagger = match tl.mode {
            TimelineMode::Stagger => u64::from(tl.step) * tl.items.len() as u64,
            _ => 0,
        };
        end = end.max(u64::from(tl.start) + items + stagger);
    }
    end.clamp(600, 6000).div_ceil(60) * 60
}

fn track_extent(t: &Track) -> u64 {
    let one = t.keys.iter().map(|k| u64::from(k.t)).max().unwrap_or(0)
        + t.wave.as_ref().map(|w| u64::from(w.period)).unwrap_or(0);
    let reps = match &t.repeat {
        Some(Repeat::Times(n)) => u64::from(*n).max(1),
        // Forever: two cycles show the wrap-around (and a yoyo's way back).
        Some(Repeat::Word(_)) => 2,
        None => 1,
    };
    u64::from(t.delay) + one * reps
}
