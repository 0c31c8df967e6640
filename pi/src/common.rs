//! Helpers shared by the subcommands: loading scenes and event logs, tick ranges.

use std::ops::Range;
use std::path::Path;
use std::process::ExitCode;
use tinydisplay::{Engine, Tick};

/// Exit code for bad input (scene, events, arguments).
pub const EXIT_BAD_INPUT: u8 = 2;

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
    Engine::from_source(&name, &bytes).map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(EXIT_BAD_INPUT)
    })
}

/// Reads at most one byte past the scene size limit, so a huge file is refused without
/// loading it whole.
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(tinydisplay::MAX_SCENE_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// Adds the events of a `TICK NAME=VALUE` log file to the engine.
pub fn load_events(engine: &mut Engine, path: &Path) -> Result<(), ExitCode> {
    let name = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("{name}: cannot read event log: {e}");
        ExitCode::from(EXIT_BAD_INPUT)
    })?;
    let events = tinydisplay::parse_event_log(&text).map_err(|e| {
        eprintln!("{name}:{}: {}", e.line, e.message);
        ExitCode::from(EXIT_BAD_INPUT)
    })?;
    for ev in events {
        let tick = ev.tick;
        engine.push_event(ev).map_err(|e| {
            eprintln!("{name}: event at tick {tick}: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        })?;
    }
    Ok(())
}

/// Parses `A..B` (B exclusive), `A..=B` or a single tick `A`.
pub fn parse_ticks(s: &str) -> Result<Range<Tick>, String> {
    let num = |t: &str| -> Result<Tick, String> {
        t.trim().parse::<Tick>().map_err(|_| format!("{t:?} is not a tick number"))
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
    }
}
