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
    Engine::from_source(&name, &bytes).map_err(|mut e| {
        if e.line == 0 && !e.path.is_empty() {
            if let Some((line, col)) = locate(&name, &bytes, &e.path) {
                (e.line, e.col) = (line, col);
            }
        }
        eprintln!("{e}");
        ExitCode::from(EXIT_BAD_INPUT)
    })
}

/// Line and column of a validation error's field path (`widgets[3].animate[0].keys`) in the
/// scene text, so that editors can jump to it. The engine reports validation errors by path
/// only (its scene model keeps no spans); for TOML the parser's spanned tree gives them back,
/// for JSON a small scanner over the (already parsed, so valid) text does. When the field itself
/// is absent, the position of the deepest enclosing value is given.
fn locate(file: &str, bytes: &[u8], path: &str) -> Option<(u32, u32)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let offset = match tinydisplay::Format::detect(file, text) {
        tinydisplay::Format::Toml => toml_offset(text, path)?,
        tinydisplay::Format::Json => {
            let mut j = JsonScan {
                b: text.as_bytes(),
                i: 0,
            };
            j.ws();
            j.find(&path_steps(path))?
        }
    };
    Some(line_col(text, offset))
}

/// `a.b[2][0].c` as steps.
#[derive(Debug, PartialEq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_steps(path: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for seg in path.split('.') {
        let (key, indices) = seg.split_at(seg.find('[').unwrap_or(seg.len()));
        if !key.is_empty() {
            steps.push(Step::Key(key));
        }
        for idx in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            match idx.parse() {
                Ok(i) => steps.push(Step::Index(i)),
                Err(_) => return steps,
            }
        }
    }
    steps
}

/// A forward scanner over valid JSON that finds the byte offset of a value by path.
struct JsonScan<'a> {
    b: &'a [u8],
    i: usize,
}

impl JsonScan<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// A string's raw contents (escapes left as they are: field names have none).
    fn string(&mut self) -> Option<&str> {
        self.eat(b'"')?;
        let start = self.i;
        while *self.b.get(self.i)? != b'"' {
            self.i += if self.b[self.i] == b'\\' { 2 } else { 1 };
        }
        self.i += 1;
        std::str::from_utf8(&self.b[start..self.i - 1]).ok()
    }

    fn skip(&mut self) -> Option<()> {
        self.ws();
        match *self.b.get(self.i)? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.i += 1;
                if self.eat(close).is_some() {
                    return Some(());
                }
                loop {
                    if open == b'{' {
                        self.string()?;
                        self.eat(b':')?;
                    }
                    self.skip()?;
                    if self.eat(b',').is_none() {
                        return self.eat(close);
                    }
                }
            }
            _ => {
                while !matches!(self.b.get(self.i), None | Some(b',' | b'}' | b']'))
                    && !self.b[self.i].is_ascii_whitespace()
                {
                    self.i += 1;
                }
                Some(())
            }
        }
    }

    /// Offset of the value at `steps` below the value starting here (or of the deepest found).
    fn find(&mut self, steps: &[Step<'_>]) -> Option<usize> {
        self.ws();
        let here = self.i;
        let Some((step, rest)) = steps.split_first() else {
            return Some(here);
        };
        match step {
            Step::Key(k) => {
                self.eat(b'{')?;
                if self.eat(b'}').is_some() {
                    return Some(here);
                }
                loop {
                    let found = self.string()? == *k;
                    self.eat(b':')?;
                    if found {
                        return self.find(rest);
                    }
                    self.skip()?;
                    if self.eat(b',').is_none() {
                        return Some(here);
                    }
                }
            }
            Step::Index(n) => {
                self.eat(b'[')?;
                if self.eat(b']').is_some() {
                    return Some(here);
                }
                for i in 0.. {
                    if i == *n {
                        return self.find(rest);
                    }
                    self.skip()?;
                    if self.eat(b',').is_none() {
                        break;
                    }
                }
                Some(here)
            }
        }
    }
}

fn toml_offset(text: &str, path: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut span = doc.span();
    let mut table = Some(doc.get_ref());
    let mut value: Option<&DeValue<'_>> = None;
    for seg in path.split('.') {
        let (key, indices) = match seg.find('[') {
            Some(i) => (&seg[..i], &seg[i..]),
            None => (seg, ""),
        };
        let t = table.take().or(match value {
            Some(DeValue::Table(t)) => Some(t),
            _ => None,
        });
        let Some(t) = t else { break };
        let Some((_, v)) = t.iter().find(|(k, _)| k.get_ref().as_ref() == key) else {
            break;
        };
        span = v.span();
        value = Some(v.get_ref());
        for idx in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            let (Ok(i), Some(DeValue::Array(a))) = (idx.parse::<usize>(), value) else {
                break;
            };
            let Some(item) = a.get(i) else { break };
            span = item.span();
            value = Some(item.get_ref());
        }
    }
    Some(span.start)
}

fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line as u32, col as u32)
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
    fn validation_paths_get_toml_positions() {
        let src = "display = { width = 128, height = 64 }\n\n[[widgets]]\nkind = \"rect\"\n\n[[widgets]]\nkind = \"text\"\ntext = \"{x}\"\nanimate = [{ prop = \"y\", keys = [{ t = 0, v = 1 }, { t = 9, v = 2 }] }]\n";
        assert_eq!(
            locate("s.toml", src.as_bytes(), "widgets[1].text"),
            Some((8, 8))
        );
        assert_eq!(
            locate("s.toml", src.as_bytes(), "widgets[1].animate[0].keys[1].t"),
            Some((9, 58))
        );
        assert_eq!(
            locate("s.toml", src.as_bytes(), "display.width"),
            Some((1, 21))
        );
        // A missing field points at the deepest thing that exists.
        let line = locate("s.toml", src.as_bytes(), "widgets[0].bitmap").map(|p| p.0);
        assert!(matches!(line, Some(3 | 4)), "{line:?}");
    }

    #[test]
    fn validation_paths_get_json_positions() {
        let src = "{\"display\": {\"width\": 128, \"height\": 64},\n \"widgets\": [\n  {\"kind\": \"rect\", \"fill\": true, \"text\": \"a\\\"b\"},\n  {\"kind\": \"text\",\n   \"animate\": [{\"prop\": \"x\", \"keys\": [{\"t\": 0, \"v\": 1}, {\"t\": 9, \"v\": 2}]}]}]}";
        let at = |p: &str| locate("s.json", src.as_bytes(), p);
        assert_eq!(at("display.width"), Some((1, 23)));
        assert_eq!(at("widgets[1].animate[0].keys[1].t"), Some((5, 63)));
        // Absent: the enclosing value.
        assert_eq!(at("widgets[0].bitmap"), Some((3, 3)));
        assert_eq!(at("widgets[7]"), Some((2, 13)));
        assert_eq!(
            path_steps("a.b[2][0].c"),
            [
                Step::Key("a"),
                Step::Key("b"),
                Step::Index(2),
                Step::Index(0),
                Step::Key("c")
            ]
        );
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
