//! Live inputs for `play`: the wall clock, `system:` metrics, `file:`, `command:` and `mqtt:`
//! sources, and stdin lines. Each runs on its own thread and hands values to the play loop
//! through one channel ([`Live`]); the loop stamps them with a tick, pushes them through the
//! player (so the precompute window is redone from that tick) and appends them to `--record`.
//!
//! The engine never reads the world: everything here turns into ordinary `TICK NAME=VALUE`
//! events, so a recording replays the exact frames that were shown.
//!
//! A scene is a shareable file, so nothing in it can start a command or read a file: `file:` and
//! `command:` come only from the command line or a local `--sources` file; a scene may only
//! suggest `system:` metrics, started with `--sources-from-scene`.

mod args;
mod clock;
mod config;
mod mqtt;
mod poll;
mod system;

pub use args::{start, LiveArgs};
pub use clock::{clock_event, spawn_clock_watch};
pub use config::{parse_duration, parse_source_arg, Binding, MqttConfig, SourcesFile, Spec};

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tinydisplay::{Event, Tick, Value};
use tinydisplay_runtime::clock::Doorbell;
use tinydisplay_runtime::Player;

/// One thing the world told the play loop.
#[derive(Debug)]
pub enum Live {
    /// A `NAME=VALUE` line from stdin.
    Line(String),
    /// A source's new value.
    Value {
        name: String,
        value: Value,
        at: Instant,
    },
    /// The wall clock must be (re)sent: at start, and after a jump or a change of UTC offset.
    Clock,
}

/// The sending half, cloned into every source thread. Every send rings the player's doorbell,
/// so a player asleep through unchanged ticks takes the input at once.
#[derive(Clone)]
pub struct LiveTx {
    tx: Sender<Live>,
    bell: Arc<Doorbell>,
}

impl LiveTx {
    pub fn send(&self, l: Live) -> Result<(), mpsc::SendError<Live>> {
        self.tx.send(l)?;
        self.bell.ring();
        Ok(())
    }
}

/// Logs one line per kind of failure, not one per attempt, and one when the source recovers.
pub(crate) struct Health {
    label: String,
    failing: Option<String>,
}

impl Health {
    pub(crate) fn new(label: String) -> Self {
        Health {
            label,
            failing: None,
        }
    }

    /// `kind` groups failures that are the same problem (the message may hold details that
    /// change from one attempt to the next, such as a timeout's elapsed time).
    pub(crate) fn fail(&mut self, kind: &str, msg: impl std::fmt::Display) {
        if self.failing.as_deref() != Some(kind) {
            eprintln!(
                "tinydisplay play: source {}: {msg}; keeping the last value, retrying with backoff",
                self.label
            );
            self.failing = Some(kind.to_string());
        }
    }

    pub(crate) fn ok(&mut self) {
        if self.failing.take().is_some() {
            eprintln!("tinydisplay play: source {}: recovered", self.label);
        }
    }
}

/// A number becomes an integer event, anything else text (the first line, trimmed).
pub(crate) fn value_of(text: &str) -> Value {
    let line = text.lines().next().unwrap_or("").trim();
    match line.parse::<i64>() {
        Ok(n) => Value::Int(n),
        Err(_) => Value::Text(line.to_string()),
    }
}

/// Options that apply to every source.
#[derive(Clone, Debug)]
pub struct Options {
    pub command_timeout: Duration,
    pub mqtt: Option<MqttConfig>,
}

/// Starts a thread per polled source and one MQTT client for every `mqtt:` binding.
pub fn spawn_all(bindings: &[Binding], opts: &Options, tx: &LiveTx) -> Result<(), String> {
    let mut topics: Vec<(String, String)> = Vec::new();
    for b in bindings {
        match &b.spec {
            Spec::Mqtt(topic) => topics.push((b.name.clone(), topic.clone())),
            _ => poll::spawn(b.clone(), opts.command_timeout, tx.clone()),
        }
    }
    if !topics.is_empty() {
        let Some(cfg) = &opts.mqtt else {
            return Err(format!(
                "source {} is mqtt:{} but no broker is given: use --mqtt mqtt://HOST:PORT (or [mqtt] url in --sources)",
                topics[0].0, topics[0].1
            ));
        };
        mqtt::spawn(cfg.clone(), topics, tx.clone())?;
    }
    Ok(())
}

/// The play loop's end of the channel (a send rings the player's doorbell, which wakes the loop):
/// pushes what came, records it, and measures input-to-flush latency for `--stats`.
pub struct LiveInputs {
    rx: Receiver<Live>,
    pending: Vec<Live>,
    record: Option<File>,
    clock_rate: Option<u32>,
    /// Names whose push failed, so each is reported once.
    rejected: BTreeMap<String, ()>,
    in_flight: Vec<(Tick, Instant)>,
    pub latencies: Vec<Duration>,
}

impl LiveInputs {
    pub fn new(rx: Receiver<Live>, record: Option<File>, clock_rate: Option<u32>) -> Self {
        LiveInputs {
            rx,
            pending: Vec::new(),
            record,
            clock_rate,
            rejected: BTreeMap::new(),
            in_flight: Vec::new(),
            latencies: Vec::new(),
        }
    }

    /// Pushes every waiting event through the player; returns how many it took.
    pub fn drain(&mut self, player: &Player) -> usize {
        let mut pushed = 0;
        while let Ok(l) = self.rx.try_recv() {
            self.pending.push(l);
        }
        for l in std::mem::take(&mut self.pending) {
            let tick = player.current_tick().saturating_add(1);
            let (event, at) = match l {
                Live::Line(line) => {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    match Event::parse_assignment(tick, line) {
                        Ok(e) => (e, Instant::now()),
                        Err(e) => {
                            eprintln!("stdin: {line:?}: {}", e.message);
                            continue;
                        }
                    }
                }
                Live::Value { name, value, at } => (Event::new(tick, name, value), at),
                Live::Clock => match self.clock_rate {
                    Some(rate) => (clock_event(tick, rate), Instant::now()),
                    None => continue,
                },
            };
            pushed += usize::from(self.push(player, event, at));
        }
        pushed
    }

    fn push(&mut self, player: &Player, event: Event, at: Instant) -> bool {
        let line = event.to_line();
        let name = event.input.clone();
        match player.push_event(event) {
            Ok(tick) => {
                self.rejected.remove(&name);
                self.in_flight.push((tick, at));
                if let Some(f) = &mut self.record {
                    // One write per line, unbuffered: a crash or power cut keeps every event up
                    // to the last one.
                    if let Err(e) = f.write_all(format!("{line}\n").as_bytes()) {
                        eprintln!("tinydisplay play: --record: {e}; no longer recording");
                        self.record = None;
                    }
                }
                true
            }
            Err(e) => {
                if self.rejected.insert(name, ()).is_none() {
                    eprintln!("tinydisplay play: event {line:?}: {}", e.message);
                }
                false
            }
        }
    }

    /// A frame of `tick` reached the display: the inputs it shows are done.
    pub fn shown(&mut self, tick: Tick) {
        let now = Instant::now();
        let lat = &mut self.latencies;
        self.in_flight.retain(|&(t, at)| {
            if t <= tick {
                lat.push(now - at);
                false
            } else {
                true
            }
        });
    }
}

/// Opens `--record` for appending and writes its header comment.
pub fn open_record(path: &Path, scene: &Path) -> Result<File, String> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("--record {}: {e}", path.display()))?;
    let started = jiff::Timestamp::now();
    writeln!(
        f,
        "# tinydisplay play {}: recording started {started} (UTC)",
        scene.display()
    )
    .map_err(|e| format!("--record {}: {e}", path.display()))?;
    Ok(f)
}

/// The channel every live input goes through.
pub fn channel(bell: Arc<Doorbell>) -> (LiveTx, Receiver<Live>) {
    let (tx, rx) = mpsc::channel();
    (LiveTx { tx, bell }, rx)
}

/// Stdin lines (`--stdin-events`) on the same channel as the sources.
pub fn spawn_stdin(tx: LiveTx) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if tx.send(Live::Line(line)).is_err() {
                break;
            }
        }
    });
}

/// p50 and p99 of input-to-flush latency, for `--stats`.
pub fn latency_summary(l: &[Duration]) -> Option<String> {
    if l.is_empty() {
        return None;
    }
    let mut v = l.to_vec();
    v.sort();
    let at = |p: usize| v[(v.len() * p / 100).min(v.len() - 1)];
    Some(format!(
        "live inputs: {} pushed, latency to flush p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        v.len(),
        at(50).as_secs_f64() * 1e3,
        at(99).as_secs_f64() * 1e3,
        v[v.len() - 1].as_secs_f64() * 1e3
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_first_line_trimmed_numbers_or_text() {
        assert_eq!(value_of(" 42 \nrest"), Value::Int(42));
        assert_eq!(value_of("-7"), Value::Int(-7));
        assert_eq!(value_of("open\n"), Value::Text("open".into()));
        assert_eq!(value_of(""), Value::Text(String::new()));
        assert_eq!(value_of("4.5"), Value::Text("4.5".into()));
    }
}
