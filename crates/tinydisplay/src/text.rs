//! Text templates: `{name}` placeholders for inputs, built-in tick counters and the wall clock.
//!
//! Two kinds of time: `{hh}`, `{mm}`, `{ss}` and `{secs}` count the seconds since tick 0 (a
//! stopwatch of the scene, the same on every run), while `{time:FMT}`, `{date:FMT}` and
//! `{clock}` show the reserved `clock` input, local time set by `clock` events (or the fixed
//! epoch 2000-01-01 00:00:00 plus the stopwatch when no event set it).

use crate::calendar::{self, Civil};
use crate::error::SceneError;
use crate::limits::MAX_TEXT_BYTES;
use crate::Tick;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    Tick,
    /// Whole seconds since tick 0.
    Secs,
    /// Clock fields of `Secs`: hours (unbounded), minutes, seconds, zero-padded.
    Hh,
    Mm,
    Ss,
    /// `{clock}`: the wall clock in seconds since 1970-01-01.
    Clock,
    /// `{time:FMT}` or `{date:FMT}`: the wall clock through a strftime subset.
    Wall(Vec<Fmt>),
}

/// One piece of a `{time:FMT}` format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fmt {
    Lit(String),
    /// A `%` code; `pad` is false for `%-X`.
    Code {
        code: Code,
        pad: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Code {
    /// `%H` 00..=23
    Hour24,
    /// `%I` 01..=12
    Hour12,
    /// `%M`
    Minute,
    /// `%S`
    Second,
    /// `%p` AM/PM
    AmPm,
    /// `%Y`, at least 4 digits
    Year,
    /// `%m` 01..=12
    Month,
    /// `%d` 01..=31
    Day,
    /// `%a` Mon
    Weekday,
    /// `%b` Jan
    MonthName,
    /// `%j` 001..=366
    YearDay,
}

impl Code {
    fn parse(c: char) -> Option<Code> {
        Some(match c {
            'H' => Code::Hour24,
            'I' => Code::Hour12,
            'M' => Code::Minute,
            'S' => Code::Second,
            'p' => Code::AmPm,
            'Y' => Code::Year,
            'm' => Code::Month,
            'd' => Code::Day,
            'a' => Code::Weekday,
            'b' => Code::MonthName,
            'j' => Code::YearDay,
            _ => return None,
        })
    }

    fn numeric(self) -> bool {
        !matches!(self, Code::AmPm | Code::Weekday | Code::MonthName)
    }

    /// The most bytes the code can expand to.
    fn max_bytes(self) -> usize {
        match self {
            Code::Year => NUM_BYTES,
            Code::YearDay | Code::Weekday | Code::MonthName => 3,
            _ => 2,
        }
    }

    fn write(self, c: &Civil, pad: bool, out: &mut String) {
        let two = |out: &mut String, n: u8| {
            let _ = if pad {
                write!(out, "{n:02}")
            } else {
                write!(out, "{n}")
            };
        };
        match self {
            Code::Hour24 => two(out, c.hour),
            Code::Hour12 => two(out, (c.hour + 11) % 12 + 1),
            Code::Minute => two(out, c.minute),
            Code::Second => two(out, c.second),
            Code::Month => two(out, c.month),
            Code::Day => two(out, c.day),
            Code::AmPm => out.push_str(if c.hour < 12 { "AM" } else { "PM" }),
            Code::Weekday => out.push_str(calendar::WEEKDAYS[usize::from(c.weekday % 7)]),
            Code::MonthName => {
                out.push_str(calendar::MONTHS[usize::from(c.month.clamp(1, 12) - 1)])
            }
            Code::YearDay => {
                let _ = if pad {
                    write!(out, "{:03}", c.yday)
                } else {
                    write!(out, "{}", c.yday)
                };
            }
            Code::Year => {
                let _ = if pad {
                    write!(out, "{:04}", c.year)
                } else {
                    write!(out, "{}", c.year)
                };
            }
        }
    }
}

/// The codes `{time:FMT}` knows, for error messages.
const CODES: &str = "%H %I %M %S %p %Y %m %d %a %b %j %%, and %-X for no padding";

/// Parses the `FMT` of `{kind:FMT}` (`whole` is the placeholder, for messages).
fn parse_format(fmt: &str, whole: &str, path: &str) -> Result<Vec<Fmt>, SceneError> {
    let bad = |what: String| SceneError::at_path(path, format!("`{whole}`: {what}"));
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut codes = 0;
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        let mut next = chars.next();
        let pad = next != Some('-');
        if !pad {
            next = chars.next();
        }
        let code = match next {
            Some('%') if pad => {
                lit.push('%');
                continue;
            }
            Some(x) => Code::parse(x).ok_or_else(|| {
                let spelled = if pad {
                    format!("%{x}")
                } else {
                    format!("%-{x}")
                };
                bad(format!("unknown code `{spelled}` (known: {CODES})"))
            })?,
            None => {
                return Err(bad(format!(
                    "the format ends in a lone `%` (write `%%` for a percent sign; codes: {CODES})"
                )))
            }
        };
        if !pad && !code.numeric() {
            return Err(bad(String::from(
                "`%-` (no padding) only applies to the numeric codes %H %I %M %S %Y %m %d %j",
            )));
        }
        if !lit.is_empty() {
            out.push(Fmt::Lit(core::mem::take(&mut lit)));
        }
        out.push(Fmt::Code { code, pad });
        codes += 1;
    }
    if codes == 0 {
        return Err(bad(format!(
            "the format has no `%` code: write e.g. `{{time:%H:%M}}` or `{{date:%a %d %b %Y}}` (codes: {CODES})"
        )));
    }
    if !lit.is_empty() {
        out.push(Fmt::Lit(lit));
    }
    Ok(out)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    Lit(String),
    Input { index: usize, width: usize },
    Builtin(Builtin),
}

/// An input's value as a template shows it: numbers already clamped to the input's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InputValue<'a> {
    Num(i64),
    Text(&'a str),
}

/// Longest expansion of a number: `-9223372036854775808`.
const NUM_BYTES: usize = 20;

/// A parsed `text` field or text key. `{{` and `}}` are literal braces; `{name:N}` right-aligns
/// in N columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Template {
    pub parts: Vec<Part>,
}

impl Template {
    pub(crate) fn parse(
        src: &str,
        path: &str,
        mut input: impl FnMut(&str, &str) -> Result<usize, SceneError>,
    ) -> Result<Template, SceneError> {
        if src.len() > MAX_TEXT_BYTES {
            return Err(SceneError::at_path(
                path,
                format!("text is {} bytes long: at most {MAX_TEXT_BYTES}", src.len()),
            ));
        }
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = src.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for c in chars.by_ref() {
                        if c == '}' {
                            closed = true;
                            break;
                        }
                        name.push(c);
                    }
                    if !closed {
                        return Err(SceneError::at_path(
                            path,
                            format!("unclosed `{{` in {src:?} (write `{{{{` for a brace)"),
                        ));
                    }
                    if !lit.is_empty() {
                        parts.push(Part::Lit(core::mem::take(&mut lit)));
                    }
                    let (head, tail) = match name.split_once(':') {
                        Some((n, f)) => (n.trim(), Some(f)),
                        None => (name.trim(), None),
                    };
                    if let "time" | "date" = head {
                        let Some(fmt) = tail else {
                            return Err(SceneError::at_path(
                                path,
                                format!("`{{{head}}}` needs a format, like `{{{head}:%H:%M}}` (codes: {CODES})"),
                            ));
                        };
                        let whole = format!("{{{name}}}");
                        parts.push(Part::Builtin(Builtin::Wall(parse_format(
                            fmt, &whole, path,
                        )?)));
                        continue;
                    }
                    let (name, width) = match name.split_once(':') {
                        Some((n, w)) => {
                            let w: usize = w.trim().parse().map_err(|_| {
                                SceneError::at_path(
                                    path,
                                    format!("`{{{n}:{w}}}`: width {w:?} is not a number"),
                                )
                            })?;
                            (String::from(n.trim()), w.min(64))
                        }
                        None => (String::from(name.trim()), 0),
                    };
                    parts.push(match name.as_str() {
                        "tick" => Part::Builtin(Builtin::Tick),
                        "secs" => Part::Builtin(Builtin::Secs),
                        "hh" => Part::Builtin(Builtin::Hh),
                        "mm" => Part::Builtin(Builtin::Mm),
                        "ss" => Part::Builtin(Builtin::Ss),
                        "clock" => Part::Builtin(Builtin::Clock),
                        _ => Part::Input {
                            index: input(&name, path)?,
                            width,
                        },
                    });
                }
                '}' => {
                    return Err(SceneError::at_path(
                        path,
                        format!("stray `}}` in {src:?} (write `}}}}` for a brace)"),
                    ))
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        let tpl = Template { parts };
        let longest = tpl.longest_numeric();
        if longest > MAX_TEXT_BYTES {
            return Err(SceneError::at_path(
                path,
                format!(
                    "text can expand to {longest} bytes (each number placeholder takes up to {NUM_BYTES}): at most {MAX_TEXT_BYTES}"
                ),
            ));
        }
        Ok(tpl)
    }

    /// A template that is only `text`.
    pub(crate) fn literal(text: String) -> Template {
        Template {
            parts: alloc::vec![Part::Lit(text)],
        }
    }

    /// The longest expansion when every input is a number (text inputs are cut at expansion).
    fn longest_numeric(&self) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.len(),
                Part::Builtin(Builtin::Wall(fmt)) => fmt
                    .iter()
                    .map(|f| match f {
                        Fmt::Lit(s) => s.len(),
                        Fmt::Code { code, .. } => code.max_bytes(),
                    })
                    .sum(),
                Part::Builtin(_) => NUM_BYTES,
                Part::Input { width, .. } => (*width).max(NUM_BYTES),
            })
            .sum()
    }

    /// Expands the template for `tick` into `out` (at most [`MAX_TEXT_BYTES`]); `clock` is the
    /// wall clock at `tick` (seconds since 1970-01-01), `input(i)` gives input i's current value.
    pub(crate) fn expand<'v>(
        &self,
        tick: Tick,
        tick_rate: u32,
        clock: i64,
        out: &mut String,
        input: impl Fn(usize) -> InputValue<'v>,
    ) {
        let start = out.len();
        let secs = tick / u64::from(tick_rate.max(1));
        let mut civil = None;
        for p in &self.parts {
            // Writing to a String cannot fail.
            let _ = match p {
                Part::Lit(s) => out.write_str(s),
                Part::Builtin(Builtin::Tick) => write!(out, "{tick}"),
                Part::Builtin(Builtin::Secs) => write!(out, "{secs}"),
                Part::Builtin(Builtin::Hh) => write!(out, "{:02}", secs / 3600),
                Part::Builtin(Builtin::Mm) => write!(out, "{:02}", (secs / 60) % 60),
                Part::Builtin(Builtin::Ss) => write!(out, "{:02}", secs % 60),
                Part::Builtin(Builtin::Clock) => write!(out, "{clock}"),
                Part::Builtin(Builtin::Wall(fmt)) => {
                    let c = civil.get_or_insert_with(|| calendar::civil(clock));
                    for f in fmt {
                        match f {
                            Fmt::Lit(s) => out.push_str(s),
                            Fmt::Code { code, pad } => code.write(c, *pad, out),
                        }
                    }
                    Ok(())
                }
                Part::Input { index, width } => match input(*index) {
                    InputValue::Num(n) => write!(out, "{n:>width$}"),
                    InputValue::Text(t) => write!(out, "{t:>width$}"),
                },
            };
            if out.len() - start > MAX_TEXT_BYTES {
                break;
            }
        }
        if out.len() - start > MAX_TEXT_BYTES {
            let mut end = start + MAX_TEXT_BYTES;
            while !out.is_char_boundary(end) {
                end -= 1;
            }
            out.truncate(end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{days_from_civil, Y2000};
    use alloc::string::ToString;

    fn parse(src: &str) -> Result<Template, SceneError> {
        Template::parse(src, "w.text", |name, _| match name {
            "cpu" => Ok(0),
            _ => Err(SceneError::at_path(
                "w.text",
                format!("undefined input {name:?}"),
            )),
        })
    }

    fn show(src: &str, tick: Tick, clock: i64) -> String {
        let mut out = String::new();
        parse(src)
            .unwrap()
            .expand(tick, 60, clock, &mut out, |_| InputValue::Num(42));
        out
    }

    fn at(y: i64, mo: u8, d: u8, h: i64, mi: i64, s: i64) -> i64 {
        (days_from_civil(y, mo, d) * 86_400) as i64 + h * 3600 + mi * 60 + s
    }

    #[test]
    fn strftime_subset() {
        let t = at(2024, 12, 31, 7, 5, 9);
        assert_eq!(show("{time:%H:%M:%S}", 0, t), "07:05:09");
        assert_eq!(show("{time:%-H:%-M:%-S}", 0, t), "7:5:9");
        assert_eq!(show("{time:%I %p}", 0, t), "07 AM");
        assert_eq!(show("{date:%a %d %b %Y}", 0, t), "Tue 31 Dec 2024");
        assert_eq!(show("{date:%Y-%m-%d day %j}", 0, t), "2024-12-31 day 366");
        assert_eq!(
            show("{date:%-m/%-d %-j}", 0, at(2024, 2, 3, 0, 0, 0)),
            "2/3 34"
        );
        assert_eq!(show("{date:%j}", 0, at(2023, 1, 9, 0, 0, 0)), "009");
        assert_eq!(show("{time:%-H 100%%}", 0, t), "7 100%");
        // Midnight and noon in 12-hour form.
        assert_eq!(
            show("{time:%I%p %-I}", 0, at(2000, 1, 1, 0, 30, 0)),
            "12AM 12"
        );
        assert_eq!(show("{time:%I%p}", 0, at(2000, 1, 1, 12, 0, 0)), "12PM");
        assert_eq!(show("{time:%I%p}", 0, at(2000, 1, 1, 23, 0, 0)), "11PM");
        // Literal text, braces and other placeholders around it.
        assert_eq!(
            show("{{{time:%H}h}} cpu {cpu} {clock}", 0, 86_399),
            "{23h} cpu 42 86399"
        );
        // Before 1970 and tiny years.
        assert_eq!(show("{date:%Y-%m-%d %H:%M}", 0, -60), "1969-12-31 23:59");
        assert_eq!(show("{date:%Y %-Y}", 0, at(999, 6, 1, 0, 0, 0)), "0999 999");
    }

    #[test]
    fn old_placeholders_count_ticks_not_the_clock() {
        // `{hh}` is hours since tick 0 (unbounded), whatever the wall clock says.
        let tick = 60 * (25 * 3600 + 61);
        assert_eq!(show("{hh}:{mm}:{ss} {secs}", tick, Y2000), "25:01:01 90061");
        assert_eq!(show("{time:%H:%M:%S}", tick, Y2000), "00:00:00");
    }

    #[test]
    fn extreme_clocks_stay_within_bounds() {
        for clock in [i64::MIN, i64::MAX, -1, 0] {
            let src = "{date:%Y-%m-%d %H:%M:%S %a %b %j %p} {clock}";
            let tpl = parse(src).unwrap();
            let out = show(src, u64::MAX, clock);
            assert!(out.len() <= tpl.longest_numeric(), "{out:?}");
        }
        assert_eq!(show("{date:%Y}", 0, i64::MAX), "292277026596");
        assert_eq!(show("{date:%Y}", 0, i64::MIN), "-292277022657");
    }

    #[test]
    fn bad_formats_are_errors_naming_the_field() {
        for (src, says) in [
            ("{time:%Q}", "unknown code `%Q`"),
            ("{time:%-Q}", "unknown code `%-Q`"),
            ("{time:%H%}", "lone `%`"),
            ("{time:%-p}", "only applies to the numeric codes"),
            ("{date:%-a}", "only applies to the numeric codes"),
            ("{time:%-%}", "unknown code `%-%`"),
            ("{time:}", "has no `%` code"),
            ("{time:5}", "has no `%` code"),
            ("{date:%%}", "has no `%` code"),
            ("{time}", "`{time}` needs a format"),
            ("{ date }", "`{date}` needs a format"),
        ] {
            let e = parse(src).unwrap_err().to_string();
            assert!(e.contains("w.text") && e.contains(says), "{src}: {e}");
        }
    }

    #[test]
    fn long_formats_are_refused_by_their_worst_case() {
        // 1366 `%Y` codes are 4098 bytes of source but could expand to 27 320 bytes.
        let src = format!("{{time:{}}}", "%Y".repeat(700));
        let e = parse(&src).unwrap_err().to_string();
        assert!(e.contains("can expand to 14000 bytes"), "{e}");
        // 200 codes of 20 bytes each fit.
        let ok = format!("{{time:{}}}", "%Y".repeat(200));
        assert_eq!(parse(&ok).unwrap().longest_numeric(), 4000);
    }
}
