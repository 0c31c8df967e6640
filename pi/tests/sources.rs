//! `play`'s live sources against the real things: this machine's metrics, a missing file, a
//! failing and a hanging command, and a real mosquitto broker that goes away and comes back.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use tinydisplay::Engine;
use tinydisplay_ssd1306::wire;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tinydisplay"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tinydisplay-sources-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn scene(name: &str, inputs: &str, text: &str) -> PathBuf {
    let p = tmp(name);
    std::fs::write(
        &p,
        format!(
            "display = {{ width = 128, height = 32, tick_rate = 20 }}\n[inputs]\n{inputs}\n\
             [[widgets]]\nkind = \"text\"\nx = 0\ny = 0\ntext = \"{text}\"\n"
        ),
    )
    .unwrap();
    p
}

/// The recorded value of `name`: the last one in the log.
fn recorded(log: &str, name: &str) -> Option<String> {
    log.lines()
        .rev()
        .find_map(|l| l.split_once(' ')?.1.strip_prefix(&format!("{name}=")))
        .map(|v| v.trim_matches('"').to_string())
}

fn play(scene: &Path, ticks: &str, rec: &Path, extra: &[&str]) -> Output {
    let _ = std::fs::remove_file(rec);
    bin()
        .args([
            "play",
            scene.to_str().unwrap(),
            "--display",
            "emulator",
            "--ticks",
            ticks,
        ])
        .arg("--record")
        .arg(rec)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn system_metrics_of_this_machine_are_in_range() {
    let names = ["cpu", "load1", "mem", "temp", "disk", "uptime", "wifi"];
    let mut inputs: String = names
        .iter()
        .map(|n| format!("{n} = {{ suggest = \"system:{n}\" }}\n"))
        .collect();
    inputs.push_str("ip = { default = \"\", suggest = \"system:ip\" }\nhostname = { default = \"\", suggest = \"system:hostname\" }\n");
    let s = scene("sys.toml", &inputs, "{cpu} {mem} {ip}");
    let rec = tmp("sys.events");
    let out = play(&s, "0..30", &rec, &["--sources-from-scene"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let log = std::fs::read_to_string(&rec).unwrap();
    let int = |n: &str| -> i64 {
        recorded(&log, n)
            .unwrap_or_else(|| panic!("no {n} in\n{log}\n{err}"))
            .parse()
            .unwrap()
    };
    assert!((0..=100).contains(&int("cpu")), "{log}");
    assert!((0..=100).contains(&int("mem")), "{log}");
    assert!((0..=100).contains(&int("disk")), "{log}");
    assert!(int("uptime") > 0, "{log}");
    assert!(int("load1") >= 0, "{log}");
    assert!(!recorded(&log, "hostname").unwrap().is_empty(), "{log}");
    // Where the machine has no such thing, one line says so and the input keeps its default.
    match recorded(&log, "ip") {
        Some(ip) => assert!(
            ip.parse::<std::net::Ipv4Addr>()
                .is_ok_and(|a| !a.is_loopback()),
            "{ip}"
        ),
        None => assert!(err.contains("no non-loopback IPv4 address"), "{err}"),
    }
    match recorded(&log, "temp") {
        Some(t) => assert!((-40..=150).contains(&t.parse::<i64>().unwrap()), "{t}"),
        None => assert!(err.contains("no thermal sensor here"), "{err}"),
    }
    match recorded(&log, "wifi") {
        Some(w) => assert!((0..=100).contains(&w.parse::<i64>().unwrap()), "{w}"),
        None => assert!(err.contains("source wifi (system:wifi)"), "{err}"),
    }
}

#[test]
fn failing_sources_log_once_keep_playing_and_recover() {
    let s = scene(
        "fail.toml",
        "a = { default = 0 }\nb = { default = 0 }\nc = { default = 0 }\nd = { default = 0 }\n",
        "{a} {b} {c} {d}",
    );
    let missing = tmp("appears-later");
    let _ = std::fs::remove_file(&missing);
    let rec = tmp("fail.events");
    let _ = std::fs::remove_file(&rec);
    let child = bin()
        .args([
            "play",
            s.to_str().unwrap(),
            "--display",
            "emulator",
            "--ticks",
            "0..60",
        ])
        .args([
            "--every",
            "50ms",
            "--command-timeout",
            "200ms",
            "--no-clock",
        ])
        .arg("--source")
        .arg(format!("a=file:{}", missing.display()))
        .args([
            "--source",
            "b=command:exit 3",
            "--source",
            "c=command:sleep 5; echo 1",
        ])
        .args(["--source", "d=command:echo 7"])
        .arg("--record")
        .arg(&rec)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    std::fs::write(&missing, "42\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let count = |s: &str| err.lines().filter(|l| l.contains(s)).count();
    assert_eq!(
        count("source a (file:"),
        2,
        "one failure line, one recovery line:\n{err}"
    );
    assert_eq!(count("No such file or directory"), 1, "{err}");
    assert_eq!(count("source a (file:") - count("recovered"), 1, "{err}");
    assert_eq!(count("the command exited with status 3"), 1, "{err}");
    assert_eq!(count("timed out after 200 ms, killed"), 1, "{err}");
    let log = std::fs::read_to_string(&rec).unwrap();
    assert_eq!(recorded(&log, "a").as_deref(), Some("42"), "{log}\n{err}");
    assert_eq!(recorded(&log, "d").as_deref(), Some("7"), "{log}");
    assert_eq!(recorded(&log, "b"), None, "{log}");
    assert_eq!(recorded(&log, "c"), None, "{log}");
}

#[test]
fn a_scene_cannot_suggest_a_command() {
    let s = scene(
        "evil.toml",
        "x = { suggest = \"command:touch /tmp/pwned\" }\n",
        "{x}",
    );
    let out = play(&s, "0..2", &tmp("evil.events"), &["--sources-from-scene"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("inputs.x.suggest"), "{err}");
}

const MOSQUITTO: &str = "/usr/sbin/mosquitto";

struct Broker {
    child: Child,
}

impl Broker {
    fn start(port: u16, conf: &Path) -> Broker {
        assert!(
            Path::new(MOSQUITTO).exists(),
            "{MOSQUITTO} is missing: run `cargo xtask setup`"
        );
        std::fs::write(
            conf,
            format!("listener {port} 127.0.0.1\nallow_anonymous true\n"),
        )
        .unwrap();
        let child = Command::new(MOSQUITTO)
            .arg("-c")
            .arg(conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "mosquitto did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Broker { child }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Publishes a retained message (QoS 1, waits for the broker's ack), so that a subscriber that
/// connects later still gets it.
fn publish(port: u16, topic: &str, payload: &str) {
    use rumqttc::{Client, Event, MqttOptions, Packet, QoS};
    let mut o = MqttOptions::new(
        format!("test-pub-{}", std::process::id()),
        "127.0.0.1",
        port,
    );
    o.set_keep_alive(Duration::from_secs(5));
    let (client, mut conn) = Client::new(o, 10);
    client
        .publish(topic, QoS::AtLeastOnce, true, payload.as_bytes().to_vec())
        .unwrap();
    for n in conn.iter() {
        match n {
            Ok(Event::Incoming(Packet::PubAck(_))) => break,
            Ok(_) => {}
            Err(e) => panic!("publish {topic}: {e}"),
        }
    }
    let _ = client.disconnect();
}

fn wait_for(path: &Path, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = std::fs::read_to_string(path).unwrap_or_default();
        if log.lines().any(|l| l.ends_with(what)) {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "{what:?} never reached the recording:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn mqtt_messages_reach_the_frame_and_survive_a_broker_restart() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let conf = tmp("mosquitto.conf");
    let broker = Broker::start(port, &conf);
    publish(port, "home/door", "open");

    let s = scene("door.toml", "door = { default = \"?\" }\n", "door {door}");
    let (rec, out) = (tmp("door.events"), tmp("door.wire"));
    let _ = std::fs::remove_file(&rec);
    let mut child = bin()
        .args([
            "play",
            s.to_str().unwrap(),
            "--ticks",
            "0..600",
            "--on-exit",
            "keep",
        ])
        .args([
            "--source",
            "door=mqtt:home/door",
            "--no-clock",
            "--stdin-events",
        ])
        .arg(format!("--mqtt=mqtt://127.0.0.1:{port}"))
        .arg("--record")
        .arg(&rec)
        .arg("--display")
        .arg(format!("wire:{}", out.display()))
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(&rec, " door=open");

    drop(broker);
    std::thread::sleep(Duration::from_millis(500));
    let broker = Broker::start(port, &conf);
    publish(port, "home/door", "closed");
    let log = wait_for(&rec, " door=closed");
    // Play runs to its tick range: end it with SIGTERM (handled: on-exit keep) once the frame of
    // the last event is on the wire.
    let closed_at: u64 = log
        .lines()
        .find(|l| l.ends_with(" door=closed"))
        .and_then(|l| l.split(' ').next()?.parse().ok())
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read(&out)
        .ok()
        .and_then(|b| wire::decode(&b).ok())
        .is_some_and(|w| wire::replay(&w).iter().any(|(t, _)| *t >= closed_at))
    {
        assert!(Instant::now() < deadline, "tick {closed_at} never shown");
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.flush();
    drop(stdin);
    let out_put = child.wait_with_output().unwrap();
    drop(broker);
    let err = String::from_utf8_lossy(&out_put.stderr);
    assert_eq!(
        err.lines().filter(|l| l.contains("recovered")).count(),
        1,
        "one reconnection:\n{err}"
    );
    assert_eq!(
        err.lines()
            .filter(|l| l.contains("source mqtt mqtt://127.0.0.1")
                && l.contains("keeping the last value"))
            .count(),
        1,
        "one line for the broker going away:\n{err}"
    );

    let mut engine = Engine::from_source("door.toml", &std::fs::read(&s).unwrap()).unwrap();
    engine.push_event_log(&log).unwrap();
    let frames = wire::replay(&wire::decode(&std::fs::read(&out).unwrap()).unwrap());
    let (tick, last) = frames.last().unwrap();
    assert!(*last == engine.render(*tick), "{}", last.to_ascii());
    let mut closed = Engine::from_source("door.toml", &std::fs::read(&s).unwrap()).unwrap();
    closed.push_event_log("0 door=closed\n").unwrap();
    let closed = closed.render(0);
    assert!(
        *last == closed,
        "the panel should say `door closed`:\n{}",
        last.to_ascii()
    );
}

/// Not a check: measures MQTT input latency (a message's arrival in play's client thread to
/// the flush of the first frame showing it) over 200 messages and prints play's `--stats` line.
/// `cargo test -p tinydisplay-cli --release --test sources -- --ignored --nocapture mqtt_latency`
#[test]
#[ignore]
fn mqtt_latency() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let broker = Broker::start(port, &tmp("latency.conf"));
    let s = scene("lat.toml", "n = { default = 0 }\n", "n {n}");
    let child = bin()
        .args([
            "play",
            s.to_str().unwrap(),
            "--display",
            "emulator",
            "--stats",
        ])
        .args([
            "--ticks",
            "0..100000",
            "--no-clock",
            "--source",
            "n=mqtt:bench/n",
        ])
        .arg(format!("--mqtt=mqtt://127.0.0.1:{port}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(1));
    for i in 0..200 {
        publish(port, "bench/n", &i.to_string());
        std::thread::sleep(Duration::from_millis(30));
    }
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let out = child.wait_with_output().unwrap();
    drop(broker);
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err.lines().find(|l| l.starts_with("live inputs:"));
    println!("{}", line.unwrap_or("no latency line"));
}
