//! `play --record`: every event the player injected (clock, a `file:` source rewritten while it
//! plays, stdin) lands in the log, and the log reproduces exactly the frames that went out.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;
use tinydisplay::Engine;
use tinydisplay_ssd1306::wire;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tinydisplay-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn a_recording_reproduces_every_frame_that_was_shown() {
    let scene = tmp("live.toml");
    std::fs::write(
        &scene,
        "display = { width = 128, height = 32, tick_rate = 30 }\n\
         [inputs]\nlevel = { default = 0, min = 0, max = 100 }\nword = { default = \"-\" }\n\
         [[widgets]]\nkind = \"text\"\nx = 0\ny = 0\ntext = \"{time:%H:%M:%S} {word}\"\n\
         [[widgets]]\nkind = \"progress\"\nx = 0\ny = 20\nw = 100\nh = 8\nbind = { value = \"level\" }\n",
    )
    .unwrap();
    let level = tmp("level");
    std::fs::write(&level, "10\n").unwrap();
    let (out, rec) = (tmp("live.wire"), tmp("live.events"));
    let _ = std::fs::remove_file(&rec);
    let mut child = Command::new(env!("CARGO_BIN_EXE_tinydisplay"))
        .args([
            "play",
            scene.to_str().unwrap(),
            "--ticks",
            "0..60",
            "--stdin-events",
        ])
        .args(["--on-exit", "keep", "--every", "100ms"])
        .arg("--source")
        .arg(format!("level=file:{}", level.display()))
        .arg("--record")
        .arg(&rec)
        .arg("--display")
        .arg(format!("wire:{}", out.display()))
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for (i, v) in ["35", "70", "150"].iter().enumerate() {
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(&level, format!("{v}\n")).unwrap();
        writeln!(stdin, "word=w{i}").unwrap();
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());

    let log = std::fs::read_to_string(&rec).unwrap();
    assert!(log.starts_with("# tinydisplay play "), "{log}");
    let has = |s: &str| log.lines().any(|l| l.ends_with(s));
    assert!(log.lines().any(|l| l.contains(" clock=")), "{log}");
    assert!(has(" level=10"), "{log}");
    assert!(has(" word=w0"), "{log}");
    // What the engine clamps is recorded as it came: replay clamps it the same way.
    assert!(has(" level=70") || has(" level=150"), "{log}");

    let mut engine = Engine::from_source("live.toml", &std::fs::read(&scene).unwrap()).unwrap();
    engine.push_event_log(&log).unwrap();
    let frames = wire::replay(&wire::decode(&std::fs::read(&out).unwrap()).unwrap());
    // Real-time play sends only frames that differ from the one on the panel (the clock's
    // seconds, the level, the word), so the wire file holds one frame per change, not per tick:
    // at least the first frame and one per round of inputs (300 ms apart).
    assert!(frames.len() >= 4, "{} frames", frames.len());
    for (tick, frame) in &frames {
        let want = engine.render(*tick);
        assert!(
            *frame == want,
            "tick {tick}: shown\n{}\nrecording gives\n{}",
            frame.to_ascii(),
            want.to_ascii()
        );
    }
    // The inputs did reach the panel: the last frame is not the one without them.
    let plain = Engine::from_source("live.toml", &std::fs::read(&scene).unwrap()).unwrap();
    let (last_tick, last) = frames.last().unwrap();
    assert!(*last != plain.render(*last_tick), "{}", last.to_ascii());
}
