//! The golden file format (`tests/golden/README.md`) and the one parser of `TICK HASH` lines,
//! the output of `tinydisplay hash`, of the golden hasher and of both wasm golden scripts.

use std::fmt::Write as _;

pub const FORMAT_VERSION: u32 = 1;
/// Far ticks, checked after the contiguous range: a frame's cost must not grow with the tick,
/// and wrap-arounds of long periods must agree on every target.
pub const FAR_TICKS: [u64; 3] = [10_000, 1_000_000, 1_000_000_000];

/// `(tick, 16 lowercase hex digits)` in the job's tick order.
pub type Hashes = Vec<(u64, String)>;

/// Parses `TICK HASH` lines; blank lines are skipped, anything else is an error naming the line.
/// Upper-case hex is accepted and lowered, so that every producer compares equal.
pub fn parse_hash_lines(text: &str) -> Result<Hashes, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut it = l.split_whitespace();
            let t = it.next().and_then(|t| t.parse::<u64>().ok());
            let h = it.next().filter(|h| is_hash(&h.to_ascii_lowercase()));
            match (t, h, it.next()) {
                (Some(t), Some(h), None) => Ok((t, h.to_ascii_lowercase())),
                _ => Err(format!("not a `TICK HASH` line: {l:?}")),
            }
        })
        .collect()
}

fn is_hash(h: &str) -> bool {
    h.len() == 16
        && h.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

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
        let mut wire_range = None;
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
                ["wire", range, h] => {
                    wire_range = Some((n, range.to_string()));
                    g.wire = Some(check_hash(n, h)?.to_string())
                }
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
        // The wire stream covers the contiguous ticks; a different range would be a hash of
        // something the checker does not recompute.
        if let Some((n, range)) = wire_range {
            if range != format!("0..={}", g.last) {
                return Err(format!(
                    "line {n}: wire range {range} is not the ticks 0..={}",
                    g.last
                ));
            }
        }
        if let Some(log) = events_log {
            g.events = Some((log, events));
        } else if !events.is_empty() {
            return Err("`events` lines without an `# events: LOG` header".into());
        }
        Ok(g)
    }
}

fn check_hash(n: usize, h: &str) -> Result<&str, String> {
    if is_hash(h) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Golden {
        Golden {
            scene: "tests/scenes/t.toml".into(),
            last: 2,
            far: vec![1_000],
            plain: vec![
                (0, "0123456789abcdef".into()),
                (1, "1123456789abcdef".into()),
                (2, "2123456789abcdef".into()),
                (1_000, "3123456789abcdef".into()),
            ],
            events: Some((
                "tests/scenes/t.events".into(),
                vec![(0, "4123456789abcdef".into())],
            )),
            wire: Some("fedcba9876543210".into()),
        }
    }

    #[test]
    fn format_round_trips() {
        let g = sample();
        let text = g.to_text();
        assert_eq!(Golden::parse(&text).unwrap(), g);
        assert!(text.contains("\n0 0123456789abcdef\n"), "{text}");
        assert!(text.contains("\nevents 0 4123456789abcdef\n"), "{text}");
        assert!(text.ends_with("\nwire 0..=2 fedcba9876543210\n"), "{text}");
    }

    #[test]
    fn parse_rejects_bad_lines() {
        let good = sample().to_text();
        assert!(Golden::parse(&good).is_ok());
        assert!(Golden::parse(&good.replace("# format: 1", "# format: 9")).is_err());
        assert!(Golden::parse(&format!("{good}12 nothex!nothex!12\n")).is_err());
        assert!(Golden::parse(&format!("{good}12\n")).is_err());
        assert!(Golden::parse("0 0123456789abcdef\n").is_err(), "no header");
        let upper = good.replace("0 0123456789abcdef", "0 0123456789ABCDEF");
        assert!(Golden::parse(&upper).is_err(), "golden files are lowercase");
        let err = Golden::parse(&good.replace("wire 0..=2", "wire 0..=5")).unwrap_err();
        assert!(err.contains("wire range"), "{err}");
        let no_log = good.replace("# events: tests/scenes/t.events\n", "");
        assert!(
            Golden::parse(&no_log).is_err(),
            "events lines need the header"
        );
    }

    #[test]
    fn hash_lines_parse() {
        assert_eq!(
            parse_hash_lines("5 0123456789ABCDEF\n\n6 0123456789abcdef\n").unwrap(),
            vec![
                (5, "0123456789abcdef".into()),
                (6, "0123456789abcdef".into())
            ]
        );
        assert!(parse_hash_lines("5 0123\n").is_err());
        assert!(parse_hash_lines("5 0123456789abcdeg\n").is_err());
        assert!(parse_hash_lines("x 0123456789abcdef\n").is_err());
        assert!(parse_hash_lines("5 0123456789abcdef extra\n").is_err());
    }
}
