//! Timestamped input events and their text log format.

use crate::error::EventError;
use crate::scene::Value;
use crate::Tick;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The reserved input every scene has: the wall clock, local time in seconds since
/// 1970-01-01 00:00:00 (an integer; negative is before 1970). A `clock` event at tick e with
/// value v makes the clock read `v + (t - e) / tick_rate` at tick t >= e; a change of time zone,
/// a DST jump or a correction is simply a new event. Without one, the clock reads 2000-01-01
/// 00:00:00 plus `t / tick_rate`, so a scene's frames stay the same on every run.
pub const CLOCK_INPUT: &str = "clock";

/// At `tick`, input `input` takes `value`. A frame at tick t sees the events with tick <= t.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub tick: Tick,
    pub input: String,
    pub value: Value,
}

impl Event {
    pub fn new(tick: Tick, input: impl Into<String>, value: Value) -> Self {
        Event {
            tick,
            input: input.into(),
            value,
        }
    }

    /// Parses `name=value` for an event at `tick`. The value is an integer, a double-quoted
    /// string (`\"`, `\\`, `\n` and `\t` escapes; needed for text holding `#`, quotes,
    /// surrounding spaces or digits only), or any other text taken as it stands.
    ///
    /// ```
    /// use tinydisplay::{Event, Value};
    /// let e = Event::parse_assignment(7, "cpu=42").unwrap();
    /// assert_eq!(e, Event::new(7, "cpu", Value::Int(42)));
    /// assert_eq!(e.to_line(), "7 cpu=42");
    /// assert_eq!(Event::parse_assignment(0, "song=Blue Monday").unwrap().value, Value::Text("Blue Monday".into()));
    /// let track = Event::parse_assignment(0, r#"song="Track #1""#).unwrap();
    /// assert_eq!(track.value, Value::Text("Track #1".into()));
    /// assert_eq!(track.to_line(), r#"0 song="Track #1""#);
    /// assert_eq!(Event::parse_assignment(0, r#"code="42""#).unwrap().value, Value::Text("42".into()));
    /// assert!(Event::parse_assignment(0, "no equals sign").is_err());
    /// ```
    pub fn parse_assignment(tick: Tick, s: &str) -> Result<Event, EventError> {
        let (name, value) = s.split_once('=').ok_or_else(|| EventError {
            line: 0,
            message: format!("expected NAME=VALUE, got {s:?}"),
        })?;
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(EventError {
                line: 0,
                message: format!("input name {name:?} must be letters, digits or _"),
            });
        }
        let value = value.trim();
        let value = if value.starts_with('"') {
            let (text, rest) = unquote(value).map_err(|message| EventError { line: 0, message })?;
            if !rest.trim().is_empty() {
                return Err(EventError {
                    line: 0,
                    message: format!("unexpected {:?} after the quoted value", rest.trim()),
                });
            }
            Value::Text(text)
        } else {
            match value.parse::<i64>() {
                Ok(n) => Value::Int(n),
                Err(_) => Value::Text(value.to_string()),
            }
        };
        Ok(Event::new(tick, name, value))
    }

    /// One log line: `TICK NAME=VALUE`, quoting the value when it would not read back as the
    /// same text (so `parse_event_log(to_line(e)) == [e]` for every event).
    pub fn to_line(&self) -> String {
        match &self.value {
            Value::Int(n) => format!("{} {}={}", self.tick, self.input, n),
            Value::Text(t) if needs_quotes(t) => {
                format!("{} {}={}", self.tick, self.input, quote(t))
            }
            Value::Text(t) => format!("{} {}={}", self.tick, self.input, t),
        }
    }
}

fn needs_quotes(t: &str) -> bool {
    t.is_empty()
        || t.trim() != t
        || t.contains('"')
        || t.parse::<i64>().is_ok()
        || t.chars().any(|c| c == '#' || c.is_control())
}

fn quote(t: &str) -> String {
    let mut out = String::with_capacity(t.len() + 2);
    out.push('"');
    for c in t.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads a double-quoted string at the start of `s`: its text and what follows it.
fn unquote(s: &str) -> Result<(String, &str), String> {
    let mut out = String::new();
    let mut rest = &s[1..];
    loop {
        let Some(c) = rest.chars().next() else {
            return Err("quoted value has no closing \"".to_string());
        };
        rest = &rest[c.len_utf8()..];
        match c {
            '"' => return Ok((out, rest)),
            '\\' => {
                let Some(e) = rest.chars().next() else {
                    return Err("quoted value has no closing \"".to_string());
                };
                rest = &rest[e.len_utf8()..];
                match e {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'u' => {
                        let (hex, after) =
                            rest.strip_prefix('{')
                                .and_then(|b| b.split_once('}'))
                                .ok_or_else(|| "bad \\u{HEX} escape in quoted value".to_string())?;
                        let c = u32::from_str_radix(hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("bad \\u{{{hex}}} escape in quoted value"))?;
                        out.push(c);
                        rest = after;
                    }
                    other => return Err(format!("unknown escape \\{other} in quoted value")),
                }
            }
            c => out.push(c),
        }
    }
}

/// The line without its comment: a `#` outside double quotes starts one.
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '#' if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Parses an event log: one `TICK NAME=VALUE` per line; `#` outside double quotes starts a
/// comment; blank lines are skipped.
///
/// ```
/// let log = tinydisplay::parse_event_log("# cpu load\n0 cpu=12\n30 cpu=80 # peak\n45 song=\"No #1\"\n").unwrap();
/// assert_eq!(log.len(), 3);
/// assert_eq!(log[1].tick, 30);
/// assert_eq!(log[2].value, tinydisplay::Value::Text("No #1".into()));
/// ```
pub fn parse_event_log(text: &str) -> Result<Vec<Event>, EventError> {
    Ok(parse_event_log_lines(text)?
        .into_iter()
        .map(|(_, e)| e)
        .collect())
}

/// [`parse_event_log`] with each event's 1-based line, so that an error found later (an input
/// the scene lacks, a full tick) can still point at the line.
pub(crate) fn parse_event_log_lines(text: &str) -> Result<Vec<(u32, Event)>, EventError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let (tick, rest) = line
            .split_once(char::is_whitespace)
            .ok_or_else(|| EventError {
                line: lineno,
                message: format!("expected `TICK NAME=VALUE`, got {line:?}"),
            })?;
        let tick: Tick = tick.parse().map_err(|_| EventError {
            line: lineno,
            message: format!("tick {tick:?} is not a non-negative integer"),
        })?;
        let ev = Event::parse_assignment(tick, rest.trim()).map_err(|e| EventError {
            line: lineno,
            message: e.message,
        })?;
        out.push((lineno, ev));
    }
    Ok(out)
}

/// The most events one engine holds (about 100 MB of log at the typical size of an event). A log
/// or a snapshot with more is refused with an [`EventError`] instead of exhausting memory.
pub const MAX_EVENTS: usize = 1 << 22;

/// The most events one tick may carry, over all inputs. A tick is one frame (1/60 s by default),
/// and only the last value of an input at a tick is ever shown, so thousands of events at one tick
/// mean a broken producer (a stuck or missing clock column); the error names the tick instead of
/// silently letting the last of them win.
pub const MAX_EVENTS_PER_TICK: usize = 1024;

/// The event log, sorted by tick, with a per-input index so that a value lookup is a binary
/// search (a frame's cost must not grow with the tick or the log).
#[derive(Clone, Debug, Default)]
pub(crate) struct EventLog {
    pub all: Vec<Event>,
    /// Per input (in the scene's input order): (tick, value), sorted by tick, arrival order kept.
    pub by_input: Vec<Vec<(Tick, Value)>>,
}

impl EventLog {
    pub(crate) fn new(inputs: usize) -> Self {
        EventLog {
            all: Vec::new(),
            by_input: alloc::vec![Vec::new(); inputs],
        }
    }

    /// How many events the log holds at `tick`.
    fn count_at(&self, tick: Tick) -> usize {
        let end = self.all.partition_point(|e| e.tick <= tick);
        let start = self.all[..end].partition_point(|e| e.tick < tick);
        end - start
    }

    fn check_room(&self, adding: usize, line: u32) -> Result<(), EventError> {
        if self.all.len().saturating_add(adding) > MAX_EVENTS {
            return Err(EventError {
                line,
                message: format!(
                    "too many events: {} plus {adding} is more than the {MAX_EVENTS} an engine holds",
                    self.all.len()
                ),
            });
        }
        Ok(())
    }

    fn per_tick_error(tick: Tick, line: u32) -> EventError {
        EventError {
            line,
            message: format!(
                "too many events at tick {tick}: at most {MAX_EVENTS_PER_TICK} events may share a tick"
            ),
        }
    }

    /// Adds one event after the ones already at its tick. O(log n) when it comes at or after the
    /// last tick (a live feed), O(n) when it lands in the middle: a whole log goes through
    /// [`EventLog::extend`] instead.
    pub(crate) fn insert(&mut self, input: usize, event: Event) -> Result<(), EventError> {
        let tick = event.tick;
        self.check_room(1, 0)?;
        if self.count_at(tick) >= MAX_EVENTS_PER_TICK {
            return Err(Self::per_tick_error(tick, 0));
        }
        let list = &mut self.by_input[input];
        let at = list.partition_point(|(t, _)| *t <= tick);
        list.insert(at, (tick, event.value.clone()));
        let at = self.all.partition_point(|e| e.tick <= tick);
        self.all.insert(at, event);
        Ok(())
    }

    /// Adds a batch of `(input index, event, line)` in O((n + k) log(n + k)), with the same
    /// result as inserting them one by one in order: a stable sort by tick keeps, within a tick,
    /// the events already held first and then the batch's own order. All or nothing: on an error
    /// (which carries the offending event's `line`) the log is unchanged.
    pub(crate) fn extend(&mut self, mut batch: Vec<(usize, Event, u32)>) -> Result<(), EventError> {
        self.check_room(batch.len(), batch.first().map_or(0, |b| b.2))?;
        batch.sort_by_key(|(_, e, _)| e.tick);
        let mut run = 0;
        for (i, (_, e, line)) in batch.iter().enumerate() {
            run = match i.checked_sub(1).map(|p| batch[p].1.tick) {
                Some(prev) if prev == e.tick => run + 1,
                _ => self.count_at(e.tick) + 1,
            };
            if run > MAX_EVENTS_PER_TICK {
                return Err(Self::per_tick_error(e.tick, *line));
            }
        }
        // Each list is now two sorted runs (old, then new), which the stable sort merges in
        // linear time.
        let mut touched = alloc::vec![false; self.by_input.len()];
        self.all.reserve(batch.len());
        for (input, event, _) in batch {
            self.by_input[input].push((event.tick, event.value.clone()));
            touched[input] = true;
            self.all.push(event);
        }
        self.all.sort_by_key(|e| e.tick);
        for (list, touched) in self.by_input.iter_mut().zip(touched) {
            if touched {
                list.sort_by_key(|(t, _)| *t);
            }
        }
        Ok(())
    }

    /// The latest value of `input` at `tick`, if any event set it.
    pub(crate) fn value_at(&self, input: usize, tick: Tick) -> Option<&Value> {
        let list = &self.by_input[input];
        let n = list.partition_point(|(t, _)| *t <= tick);
        n.checked_sub(1).map(|i| &list[i].1)
    }

    /// The latest event of `input` at `tick`, with its tick.
    pub(crate) fn latest(&self, input: usize, tick: Tick) -> Option<&(Tick, Value)> {
        let list = &self.by_input[input];
        let n = list.partition_point(|(t, _)| *t <= tick);
        n.checked_sub(1).map(|i| &list[i])
    }

    /// The log without the events no frame at `cut` or later can see: per input, only the
    /// `keep[input]` latest events at or before `cut` stay (at least one: a value lookup needs
    /// the latest), and every event after `cut`. `input_of` maps an event's input name to its
    /// index. Equal-tick order is kept, so lookups at ticks >= `cut` answer as before.
    pub(crate) fn compacted_before(
        &self,
        cut: Tick,
        keep: &[usize],
        input_of: impl Fn(&str) -> Option<usize>,
    ) -> EventLog {
        let end = self.all.partition_point(|e| e.tick <= cut);
        // `all` and `by_input` share the equal-tick order, so walking `all` backwards meets each
        // input's events in the order its list holds them, newest first.
        let mut left: Vec<usize> = keep.iter().map(|k| (*k).max(1)).collect();
        let mut kept_before: Vec<&Event> = Vec::new();
        for e in self.all[..end].iter().rev() {
            if let Some(l) = input_of(&e.input).and_then(|i| left.get_mut(i)) {
                if *l > 0 {
                    *l -= 1;
                    kept_before.push(e);
                }
            }
        }
        let mut all = Vec::with_capacity(kept_before.len() + self.all.len() - end);
        all.extend(kept_before.into_iter().rev().cloned());
        all.extend(self.all[end..].iter().cloned());
        let by_input = self
            .by_input
            .iter()
            .enumerate()
            .map(|(i, list)| {
                let n = list.partition_point(|(t, _)| *t <= cut);
                let k = keep.get(i).map_or(1, |k| (*k).max(1));
                list[n.saturating_sub(k)..].to_vec()
            })
            .collect();
        EventLog { all, by_input }
    }

    /// Up to `count` most recent values of `input` at `tick`, oldest first.
    pub(crate) fn history(&self, input: usize, tick: Tick, count: usize) -> &[(Tick, Value)] {
        let list = &self.by_input[input];
        let n = list.partition_point(|(t, _)| *t <= tick);
        &list[n.saturating_sub(count)..n]
    }
}
