//! Polled sources (`system:`, `file:`, `command:`): one thread each, sending a value when it
//! changes. A failure keeps the last value and polls again with a growing period.

use super::system::Reader;
use super::{value_of, Binding, Health, Live, LiveTx, Spec};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tinydisplay::Value;

pub(crate) fn spawn(b: Binding, timeout: Duration, tx: LiveTx) {
    let every = b.every.unwrap_or(Duration::from_secs(1));
    let label = format!("{} ({})", b.name, b.spec);
    std::thread::spawn(move || {
        let mut health = Health::new(label);
        let mut read: Box<dyn FnMut() -> Result<Value, (&'static str, String)>> = match &b.spec {
            Spec::System(m) => {
                let mut r = Reader::new(m);
                Box::new(move || r.read())
            }
            Spec::File(p) => {
                let p = p.clone();
                Box::new(move || read_file(&p))
            }
            Spec::Command(c) => {
                let c = c.clone();
                Box::new(move || run_command(&c, timeout))
            }
            Spec::Mqtt(_) => return,
        };
        let mut last: Option<Value> = None;
        let mut backoff = every;
        loop {
            let wait = match read() {
                Ok(v) => {
                    health.ok();
                    backoff = every;
                    if last.as_ref() != Some(&v) {
                        last = Some(v.clone());
                        let msg = Live::Value {
                            name: b.name.clone(),
                            value: v,
                            at: Instant::now(),
                        };
                        if tx.send(msg).is_err() {
                            return;
                        }
                    }
                    every
                }
                Err((kind, msg)) => {
                    health.fail(kind, msg);
                    let w = backoff;
                    // Up to 8 periods (at most 30 s) between attempts while it keeps failing.
                    backoff =
                        (backoff * 2).min((every * 8).min(Duration::from_secs(30)).max(every));
                    w
                }
            };
            std::thread::sleep(wait);
        }
    });
}

fn read_file(path: &str) -> Result<Value, (&'static str, String)> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(value_of(&t)),
        Err(e) => Err(("read", format!("cannot read {path}: {e}"))),
    }
}

/// `sh -c CMD`: the first line of stdout. A non-zero exit is a failure; past `timeout` the
/// command is killed.
fn run_command(cmd: &str, timeout: Duration) -> Result<Value, (&'static str, String)> {
    use std::os::unix::process::CommandExt as _;
    let mut child = Command::new("sh")
        .args(["-c", cmd])
        // Its own process group, so a timeout kills what the shell started too (`sleep 9; date`).
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ("spawn", format!("cannot run sh: {e}")))?;
    // Read on another thread: a command writing more than a pipe holds would otherwise block
    // before it exits.
    let mut out = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() >= timeout => {
                // std can only signal the shell; `kill -KILL -PGID` reaches the whole group.
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .stderr(Stdio::null())
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                return Err((
                    "timeout",
                    format!("timed out after {} ms, killed", timeout.as_millis()),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(("wait", format!("cannot wait for the command: {e}"))),
        }
    };
    // A grandchild holding the pipe open must not hang the source: only join a finished reader.
    if !status.success() {
        let code = status.code().map_or("killed by a signal".to_string(), |c| {
            format!("exited with status {c}")
        });
        return Err(("status", format!("the command {code}")));
    }
    let deadline = Instant::now() + timeout;
    while !reader.is_finished() {
        if Instant::now() >= deadline {
            return Err(("timeout", "its output stayed open past the timeout".into()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let bytes = reader.join().unwrap_or_default();
    Ok(value_of(&String::from_utf8_lossy(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_give_their_first_line_or_a_failure() {
        let t = Duration::from_secs(5);
        assert_eq!(run_command("echo 42; echo 7", t), Ok(Value::Int(42)));
        assert_eq!(
            run_command("printf 'hi there'", t),
            Ok(Value::Text("hi there".into()))
        );
        let (kind, msg) = run_command("exit 3", t).unwrap_err();
        assert_eq!(kind, "status");
        assert!(msg.contains("exited with status 3"), "{msg}");
        let start = Instant::now();
        let (kind, _) = run_command("sleep 5; echo late", Duration::from_millis(100)).unwrap_err();
        assert_eq!(kind, "timeout");
        assert!(start.elapsed() < Duration::from_secs(4));
    }
}
