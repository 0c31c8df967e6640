//! `tinydisplay play` end to end: wire files decode to the engine's frames, `--verify`, live
//! stdin inputs, signals and `--on-exit`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;
use tinydisplay::{Engine, Frame};
use tinydisplay_ssd1306::wire::{self, Record};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tinydisplay"))
}

fn dashboard() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenes/dashboard.toml")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tinydisplay-play-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn engine(path: &PathBuf) -> Engine {
    Engine::from_source(&path.display().to_string(), &std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn wire_file_replays_to_the_engine_frames_with_both_framings() {
    let scene = dashboard();
    let e = engine(&scene);
    for bus in ["i2c", "spi"] {
        let out = tmp(&format!("dash-{bus}.wire"));
        let st = bin()
            .args([
                "play",
                scene.to_str().unwrap(),
                "--ticks",
                "0..90",
                "--fast",
                "--on-exit",
                "keep",
                "--wire-bus",
                bus,
            ])
            .arg("--display")
            .arg(format!("wire:{}", out.display()))
            .status()
            .unwrap();
        assert!(st.success());
        let log = wire::decode(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(log.records.last(), Some(&Record::End));
        let frames = wire::replay(&log);
        assert_eq!(frames.len(), 90);
        for (t, ram) in frames {
            assert!(
                ram == e.render(t),
                "{bus} tick {t}: replayed RAM differs from the engine's frame"
            );
        }
    }
}

#[test]
fn verify_passes_on_the_true_hashes_and_names_the_first_mismatch() {
    let scene = dashboard();
    let e = engine(&scene);
    let mut golden = String::from("# tick hash\n");
    for t in 0..40 {
        golden.push_str(&format!("{t} {}\n", e.render(t).hash()));
    }
    let good = tmp("good.golden");
    std::fs::write(&good, &golden).unwrap();
    let run = |g: &PathBuf| {
        bin()
            .args([
                "play",
                scene.to_str().unwrap(),
                "--display",
                "emulator",
                "--ticks",
                "0..40",
                "--fast",
                "--verify",
            ])
            .arg(g)
            .output()
            .unwrap()
    };
    let ok = run(&good);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stderr).contains("verify: 40 frames matched"));

    let bad = tmp("bad.golden");
    std::fs::write(
        &bad,
        golden.replace(
            &format!("17 {}", e.render(17).hash()),
            "17 0123456789abcdef",
        ),
    )
    .unwrap();
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tick 17") && err.contains("0123456789abcdef") && err.contains(":19"),
        "{err}"
    );

    std::fs::write(&bad, "17 nothex\n").unwrap();
    assert_eq!(run(&bad).status.code(), Some(2));
}

/// A deployment proves it shows what CI checked by verifying against `tests/golden/` itself:
/// its `wire` lines are skipped and its `events` lines are used when the event log is replayed.
#[test]
fn verify_reads_the_committed_golden_files() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let play = |scene: &str, events: bool| {
        let mut c = bin();
        c.arg("play")
            .arg(root.join(format!("tests/scenes/{scene}.toml")))
            .args([
                "--display",
                "emulator",
                "--ticks",
                "0..120",
                "--fast",
                "--verify",
            ])
            .arg(root.join(format!("tests/golden/{scene}.txt")));
        if events {
            c.arg("--events")
                .arg(root.join(format!("tests/scenes/{scene}.events")));
        }
        c.output().unwrap()
    };
    for (scene, events) in [("dashboard", false), ("music", true), ("music", false)] {
        let out = play(scene, events);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{scene} events={events}: {err}");
        assert!(err.contains("verify: 120 frames matched"), "{scene}: {err}");
    }
}

#[test]
fn stdin_inputs_reach_the_panel() {
    let scene = tmp("gauge.toml");
    std::fs::write(
        &scene,
        "display = { width = 128, height = 32, tick_rate = 30 }\n\
         [inputs]\ncpu = { default = 0, min = 0, max = 100 }\n\
         [[widgets]]\nkind = \"progress\"\nx = 0\ny = 0\nw = 100\nh = 8\nbind = { value = \"cpu\" }\n",
    )
    .unwrap();
    let out = tmp("gauge.wire");
    let mut child = bin()
        .args([
            "play",
            scene.to_str().unwrap(),
            "--ticks",
            "0..15",
            "--stdin-events",
            "--on-exit",
            "keep",
        ])
        .arg("--display")
        .arg(format!("wire:{}", out.display()))
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    // Send the input only once the first frame is on the "wire", so that frame shows the default.
    for _ in 0..500 {
        if std::fs::metadata(&out)
            .map(|m| m.len() > 64)
            .unwrap_or(false)
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"cpu=100\nnot an assignment\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let frames = wire::replay(&wire::decode(&std::fs::read(&out).unwrap()).unwrap());
    let last: &Frame = &frames.last().unwrap().1;
    assert!(
        last.pixel(90, 4),
        "the gauge should be full after cpu=100:\n{}",
        last.to_ascii()
    );
    assert!(!frames[0].1.pixel(90, 4));
}

#[test]
fn sigterm_stops_cleanly_and_on_exit_clear_blanks_the_panel() {
    let scene = dashboard();
    let out = tmp("signal.wire");
    let child = bin()
        .args(["play", scene.to_str().unwrap(), "--on-exit", "clear"])
        .arg("--display")
        .arg(format!("wire:{}", out.display()))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let st = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("stopped by signal"));
    let log = wire::decode(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(log.records.last(), Some(&Record::End));
    // Replay everything, including the on-exit flush after the last frame marker.
    let frames = wire::replay(&log);
    assert!(frames.len() > 5, "it played for a while first");
    assert_eq!(
        frames.last().unwrap().1.lit(),
        0,
        "on-exit clear leaves the panel dark"
    );
}

#[test]
fn bad_arguments_are_refused() {
    let scene = dashboard();
    let out = bin()
        .args(["play", scene.to_str().unwrap(), "--display", "hdmi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wire:FILE"));
    let out = bin()
        .args([
            "play",
            scene.to_str().unwrap(),
            "--display",
            "emulator",
            "--height",
            "32",
            "--ticks",
            "0..2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("128x64"));
}

/// The small modules (0.66" 64x48, 0.42" 72x40, 0.49" 64x32) show their picture at a column
/// offset in the controller's RAM: the emulated module must show exactly the scene's frame, not
/// the frame shifted by the offset the flush planner addressed.
#[test]
fn small_modules_on_the_emulator_show_the_frame_unshifted() {
    for (w, h) in [(64u16, 48u16), (72, 40), (64, 32)] {
        let scene = tmp(&format!("small-{w}x{h}.toml"));
        std::fs::write(
            &scene,
            format!(
                "display = {{ width = {w}, height = {h} }}\n\
                 [[widgets]]\nkind = \"rect\"\nw = {w}\nh = {h}\n\
                 [[widgets]]\nkind = \"text\"\nx = 2\ny = 2\ntext = \"{w}x{h}\"\n"
            ),
        )
        .unwrap();
        let png = tmp(&format!("small-{w}x{h}.png"));
        let out = bin()
            .args(["play", scene.to_str().unwrap(), "--display", "emulator"])
            .args(["--ticks", "0..2", "--fast", "--on-exit", "keep", "--png"])
            .arg(&png)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{w}x{h}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let frame = engine(&scene).render(1);
        let style = tinydisplay_export::Style {
            scale: 1,
            panel: tinydisplay_export::Panel::White,
            grid: false,
        };
        assert!(
            std::fs::read(&png).unwrap() == tinydisplay_export::png(&frame, &style).unwrap(),
            "{w}x{h}: the emulated panel does not show the scene's frame"
        );
    }
}
