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
///
/// The one place the CLI loads scenes: the files a scene names (images, BDF fonts) are read
/// relative to the scene file through `tinydisplay_assets::load_scene`, which refuses paths that
/// leave the scene's directory; a bundle (`tinydisplay bundle`) loads with the files inside it.
pub fn load_engine(path: &Path) -> Result<Engine, ExitCode> {
    let name = path.display().to_string();
    let bytes = match read_limited(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{name}: cannot read scene: {e}");
            return Err(ExitCode::from(EXIT_BAD_INPUT));
        }
    };
    if tinydisplay_assets::bundle::is_bundle(&bytes) {
        return tinydisplay_assets::load_bundle(&bytes).map_err(|e| {
            match e {
                tinydisplay_assets::BundleError::Scene(e) => eprintln!("{e} (in bundle {name})"),
                e => eprintln!("{name}: {e}"),
            }
            ExitCode::from(EXIT_BAD_INPUT)
        });
    }
    // Every error is located in the text: `FILE:LINE:COL: message`, a missing asset included.
    let resolver = tinydisplay_assets::dir_resolver(path);
    tinydisplay_assets::load_scene(&name, &bytes, &*resolver).map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(EXIT_BAD_INPUT)
    })
}

/// Reads at most one byte past the size limit, so a huge file is refused without loading it
/// whole. A bundle (scene and files in one JSON) may be larger than a scene.
pub fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::other("it is a directory, not a scene file"));
    }
    let mut buf = Vec::new();
    file.take(tinydisplay_assets::bundle::MAX_BUNDLE_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    let (limit, what) = if tinydisplay_assets::bundle::is_bundle(&buf) {
        (tinydisplay_assets::bundle::MAX_BUNDLE_BYTES, "bundle")
    } else {
        (tinydisplay::MAX_SCENE_BYTES, "scene")
    };
    if buf.len() > limit {
        // Say the real size (the read stopped one byte past the limit).
        let len = std::fs::metadata(path).map_or(buf.len() as u64, |m| m.len());
        return Err(std::io::Error::other(format!(
            "file is {len} bytes; a {what} may be at most {limit} bytes"
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
    // One batch (sorted once, so a log in any order loads in O(n log n)); errors carry the line.
    engine.push_event_log(&text).map_err(|e| {
        eprintln!("{name}:{}: {}", e.line, e.message);
        ExitCode::from(EXIT_BAD_INPUT)
    })
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

/// `--ticks` ranges longer than this need `--force`: at a few hundred microseconds a frame, 10^7
/// ticks is already an hour of work, and a typo such as `0..18446744073709551615` would otherwise
/// run for ever without a word.
pub const MAX_TICKS_WITHOUT_FORCE: u64 = 10_000_000;

/// Refuses (exit 2, naming `--force`) a range longer than [`MAX_TICKS_WITHOUT_FORCE`] unless
/// `force` is given.
pub fn check_range_len(range: &Range<Tick>, force: bool) -> Result<(), ExitCode> {
    let len = range.end - range.start;
    if len > MAX_TICKS_WITHOUT_FORCE && !force {
        return Err(bad_arg(format!(
            "--ticks {}..{} is {len} ticks, more than {MAX_TICKS_WITHOUT_FORCE}; \
             add --force to run a range that long",
            range.start, range.end
        )));
    }
    Ok(())
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
    // A range's end is exclusive, so the last tick there is cannot be in one.
    let past_last = |t: Tick| {
        t.checked_add(1).ok_or_else(|| {
            format!(
                "tick {t} is the last tick there is and cannot be in a range \
                 (its end, {t} + 1, does not fit in 64 bits); `hash --at {t}` renders it alone"
            )
        })
    };
    let r = if let Some((a, b)) = s.split_once("..=") {
        num(a)?..past_last(num(b)?)?
    } else if let Some((a, b)) = s.split_once("..") {
        num(a)?..num(b)?
    } else {
        let a = num(s)?;
        a..past_last(a)?
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
        assert_eq!(parse_ticks("0..18446744073709551615"), Ok(0..u64::MAX));
        for last in ["18446744073709551615", "5..=18446744073709551615"] {
            let e = parse_ticks(last).unwrap_err();
            assert!(e.contains("tick 18446744073709551615"), "{e}");
        }
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
