//! Helpers shared by the subcommands: loading scenes and event logs, tick ranges.

use std::ops::Range;
use std::path::Path;
use std::process::ExitCode;
use tinydisplay::{Engine, Tick};

/// Exit code for bad input (scene, events, arguments).
pub const EXIT_BAD_INPUT: u8 = 2;

/// Loads a scene and, when given, replays a recorded event log into it (what every subcommand
/// that takes `SCENE [--events LOG]` starts with).
pub fn load_scene_with_events(scene: &Path, events: Option<&Path>) -> Result<Engine, ExitCode> {
    let mut engine = load_engine(scene)?;
    if let Some(log) = events {
        load_events(&mut engine, log)?;
    }
    Ok(engine)
}

/// Reads and compiles a scene, or prints `FILE:LINE:COL: message` and returns exit code 2.
pub fn load_engine(path: &Path) -> Result<Engine, ExitCode> {
    let name = path.display().to_string();
    let bytes = match read_limited(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{name}: cannot read scene: {e}");
            return Err(ExitCode::from(EXIT_BAD_INPUT));
        }
    };
    // The engine locates every error in the text: `FILE:LINE:COL: message`.
    Engine::from_source(&name, &bytes).map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(EXIT_BAD_INPUT)
    })
}

/// Reads at most one byte past the scene size limit, so a huge file is refused without
/// loading it whole.
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::other("it is a directory, not a scene file"));
    }
    let mut buf = Vec::new();
    file.take(tinydisplay::MAX_SCENE_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    if buf.len() > tinydisplay::MAX_SCENE_BYTES {
        // Say the real size (the read stopped one byte past the limit).
        let len = std::fs::metadata(path).map_or(buf.len() as u64, |m| m.len());
        return Err(std::io::Error::other(format!(
            "file is {len} bytes; a scene may be at most {} bytes",
            tinydisplay::MAX_SCENE_BYTES
        )));
    }
    Ok(buf)
}

/// Adds the events of a `TICK NAME=VALUE` log file to the engine.
pub fn load_events(engine: &mut Engine, path: &Path) -> Result<(), ExitCode> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("{name}: cannot read event log: {e}");
        ExitCode::from(EXIT_BAD_INPUT)
    })?;
    // Line by line, so that an event the scene rejects is reported with its line too.
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        let events = tinydisplay::parse_event_log(line).map_err(|e| {
            eprintln!("{name}:{lineno}: {}", e.message);
            ExitCode::from(EXIT_BAD_INPUT)
        })?;
        for ev in events {
            engine.push_event(ev).map_err(|e| {
                eprintln!("{name}:{lineno}: {e}");
                ExitCode::from(EXIT_BAD_INPUT)
            })?;
        }
    }
    Ok(())
}

/// Ticks used when `--ticks` is not given: the first ten seconds of the scene.
pub fn default_ticks(engine: &Engine) -> Range<Tick> {
    0..Tick::from(engine.tick_rate()) * 10
}

/// The `--ticks` range, or [`default_ticks`] when it is not given; a bad range is reported.
pub fn ticks_or_default(ticks: Option<&str>, engine: &Engine) -> Result<Range<Tick>, ExitCode> {
    match ticks.map(parse_ticks) {
        None => Ok(default_ticks(engine)),
        Some(Ok(r)) => Ok(r),
        Some(Err(e)) => Err(bad_arg(format!("--ticks: {e}"))),
    }
}

/// Parses `--at T1,T2,...`: sorted, duplicates removed.
pub fn parse_at(s: &str) -> Result<Vec<Tick>, String> {
    let mut v = s
        .split(',')
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            t.trim()
                .parse::<Tick>()
                .map_err(|_| format!("{t:?} is not a tick number"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    v.sort_unstable();
    v.dedup();
    Ok(v)
}

/// Prints an argument error and returns exit code 2.
pub fn bad_arg(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(EXIT_BAD_INPUT)
}

/// Parses `A..B` (B exclusive), `A..=B` or a single tick `A`.
pub fn parse_ticks(s: &str) -> Result<Range<Tick>, String> {
    let num = |t: &str| -> Result<Tick, String> {
        t.trim()
            .parse::<Tick>()
            .map_err(|_| format!("{t:?} is not a tick number"))
    };
    let r = if let Some((a, b)) = s.split_once("..=") {
        let b = num(b)?;
        num(a)?..b.checked_add(1).ok_or("tick range end is too large")?
    } else if let Some((a, b)) = s.split_once("..") {
        num(a)?..num(b)?
    } else {
        let a = num(s)?;
        a..a.checked_add(1).ok_or("tick is too large")?
    };
    if r.start >= r.end {
        return Err(format!("tick range {s:?} is empty"));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_ranges() {
        assert_eq!(parse_ticks("0..600"), Ok(0..600));
        assert_eq!(parse_ticks("5..=6"), Ok(5..7));
        assert_eq!(parse_ticks("42"), Ok(42..43));
        assert!(parse_ticks("9..3").is_err());
        assert!(parse_ticks("x..3").is_err());
        assert!(parse_ticks("3..3").is_err());
    }

    #[test]
    fn at_lists() {
        assert_eq!(
            parse_at("900,5, 5,1000000000"),
            Ok(vec![5, 900, 1_000_000_000])
        );
        assert!(parse_at("1,x").is_err());
    }
}
