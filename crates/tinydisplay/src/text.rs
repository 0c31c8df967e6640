//! Text templates: `{name}` placeholders for inputs and built-in clock fields.

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
                Part::Builtin(_) => NUM_BYTES,
                Part::Input { width, .. } => (*width).max(NUM_BYTES),
            })
            .sum()
    }

    /// Expands the template for `tick` into `out` (at most [`MAX_TEXT_BYTES`]); `input(i)`
    /// gives input i's current value.
    pub(crate) fn expand<'v>(
        &self,
        tick: Tick,
        tick_rate: u32,
        out: &mut String,
        input: impl Fn(usize) -> InputValue<'v>,
    ) {
        let start = out.len();
        let secs = tick / u64::from(tick_rate.max(1));
        for p in &self.parts {
            // Writing to a String cannot fail.
            let _ = match p {
                Part::Lit(s) => out.write_str(s),
                Part::Builtin(Builtin::Tick) => write!(out, "{tick}"),
                Part::Builtin(Builtin::Secs) => write!(out, "{secs}"),
                Part::Builtin(Builtin::Hh) => write!(out, "{:02}", secs / 3600),
                Part::Builtin(Builtin::Mm) => write!(out, "{:02}", (secs / 60) % 60),
                Part::Builtin(Builtin::Ss) => write!(out, "{:02}", secs % 60),
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
