//! Every panel people own, end to end: each example scene on each controller and size it fits,
//! over I2C and SPI, written with `play --display wire:` and replayed into that controller's
//! virtual model, whose visible RAM must be the (turned) frame.

use std::path::{Path, PathBuf};
use std::process::Command;
use tinydisplay::{Engine, Frame};
use tinydisplay_ssd1306::rotate::{rotate_into, Rotation};
use tinydisplay_ssd1306::wire::{self, Record, WireBus};
use tinydisplay_ssd1306::{Controller, PanelSpec};

const TICKS: u64 = 30;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tinydisplay"))
}

fn scenes_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/scenes")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tinydisplay-panels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn engine(path: &Path) -> Engine {
    let resolver = tinydisplay_assets::dir_resolver(path);
    tinydisplay_assets::load_scene(
        &path.display().to_string(),
        &std::fs::read(path).unwrap(),
        &*resolver,
    )
    .unwrap()
}

/// Plays ticks 0..TICKS of `scene` into a wire file and checks that the replayed visible RAM of
/// every frame is the engine's frame turned by `rotation` (180 is the panel's job: its RAM holds
/// the frame as it is, read through the mirrored column offset).
fn check(scene: &Path, c: Controller, rotation: Rotation, bus: &str, extra: &[&str]) {
    let e = engine(scene);
    let stem = scene.file_stem().unwrap().to_string_lossy();
    let out = tmp(&format!(
        "{stem}-{}-{}-{bus}.wire",
        c.name(),
        rotation.degrees()
    ));
    let o = bin()
        .arg("play")
        .arg(scene)
        .args([
            "--ticks",
            &format!("0..{TICKS}"),
            "--fast",
            "--on-exit",
            "keep",
        ])
        .args(["--controller", c.name(), "--wire-bus", bus])
        .args(["--rotate", &rotation.degrees().to_string()])
        .args(extra)
        .arg("--display")
        .arg(format!("wire:{}", out.display()))
        .output()
        .unwrap();
    let what = format!("{stem} on {c} turned {} over {bus}", rotation.degrees());
    assert!(
        o.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let log = wire::decode(&std::fs::read(&out).unwrap()).unwrap();
    let (pw, ph) = rotation.panel_size(e.width(), e.height());
    let mut spec = PanelSpec::new(c, pw, ph).unwrap();
    if let Some(i) = extra.iter().position(|a| *a == "--offset") {
        spec = spec
            .with_column_offset(extra[i + 1].parse().unwrap())
            .unwrap();
    }
    if rotation == Rotation::Rotate180 {
        spec = spec.mirrored();
    }
    assert_eq!(log.header.controller, c, "{what}");
    assert_eq!(log.header.col_offset, spec.col_offset(), "{what}");
    assert_eq!((log.header.width, log.header.height), (pw, ph), "{what}");
    match (bus, log.header.bus) {
        ("i2c", WireBus::I2c { .. }) | ("spi", WireBus::Spi) => {}
        (b, h) => panic!("{what}: asked for {b}, the header says {h:?}"),
    }
    assert_eq!(log.records.last(), Some(&Record::End), "{what}");
    let frames = wire::replay(&log);
    assert_eq!(frames.len() as u64, TICKS, "{what}");
    let mut want = Frame::new(0, 0);
    for (t, ram) in frames {
        let frame = e.render(t);
        if rotation.in_software() {
            rotate_into(&frame, rotation, &mut want);
        } else {
            want = frame;
        }
        assert!(
            ram == want,
            "{what}, tick {t}: the panel shows\n{}\ninstead of\n{}",
            ram.to_ascii(),
            want.to_ascii()
        );
    }
}

#[test]
fn every_example_scene_on_every_controller_it_fits_over_i2c_and_spi() {
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(scenes_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("toml" | "json")
            )
        })
        .collect();
    scenes.sort();
    let mut runs = 0;
    for scene in &scenes {
        let e = engine(scene);
        for c in Controller::ALL {
            if !PanelSpec::supported(c).any(|s| s == (e.width(), e.height())) {
                continue;
            }
            for bus in ["i2c", "spi"] {
                check(scene, c, Rotation::Rotate0, bus, &[]);
                runs += 1;
            }
        }
    }
    // 11 scenes at 128x64 on three controllers, status32 and tiny96 on the SSD1306 only.
    assert!(
        runs >= 2 * (11 * 3 + 2),
        "only {runs} runs: scenes missing?"
    );
}

#[test]
fn upside_down_panels_show_the_frame_through_the_mirrored_offset() {
    let dash = scenes_dir().join("dashboard.toml");
    for c in Controller::ALL {
        check(&dash, c, Rotation::Rotate180, "i2c", &[]);
    }
    // The 96x16 glass is at the RAM's left edge: upside down it is read from column 32.
    check(
        &scenes_dir().join("tiny96.toml"),
        Controller::Ssd1306,
        Rotation::Rotate180,
        "spi",
        &[],
    );
}

/// A portrait scene for a `pw` x `ph` panel: a frame, a diagonal and a label, nothing symmetric,
/// so that any wrong turn or offset shows.
fn portrait(pw: u16, ph: u16) -> PathBuf {
    let (w, h) = (ph, pw);
    let path = tmp(&format!("portrait-{w}x{h}.toml"));
    std::fs::write(
        &path,
        format!(
            "display = {{ width = {w}, height = {h} }}\n\
             [[widgets]]\nkind = \"rect\"\nw = {w}\nh = {h}\n\
             [[widgets]]\nkind = \"line\"\nx = 1\ny = 1\nw = {}\nh = {}\n\
             [[widgets]]\nkind = \"text\"\nx = 2\ny = 2\ntext = \"{{tick}}\"\n\
             [[widgets]]\nkind = \"rect\"\nx = 3\nfill = true\nw = 4\nh = 4\n\
             animate = [{{ prop = \"y\", keys = [{{ t = 0, v = 0 }}, {{ t = 29, v = {} }}] }}]\n",
            w - 3,
            h / 2,
            h - 4
        ),
    )
    .unwrap();
    path
}

#[test]
fn portrait_scenes_turned_90_and_270_on_every_panel_size() {
    for c in Controller::ALL {
        for (pw, ph) in PanelSpec::supported(c) {
            let scene = portrait(pw, ph);
            check(&scene, c, Rotation::Rotate90, "i2c", &[]);
            check(&scene, c, Rotation::Rotate270, "spi", &[]);
        }
    }
}

#[test]
fn the_scene_can_ask_for_the_rotation_and_the_flag_overrides_it() {
    let scene = tmp("rotated-scene.toml");
    std::fs::write(
        &scene,
        "display = { width = 64, height = 128, rotate = 270 }\n\
         [[widgets]]\nkind = \"text\"\ntext = \"up\"\n",
    )
    .unwrap();
    let e = engine(&scene);
    assert_eq!(e.rotate(), 270);
    let out = tmp("rotated-scene.wire");
    let run = |extra: &[&str]| {
        bin()
            .arg("play")
            .arg(&scene)
            .args(["--ticks", "0..1", "--fast", "--on-exit", "keep"])
            .args(extra)
            .arg("--display")
            .arg(format!("wire:{}", out.display()))
            .output()
            .unwrap()
    };
    let o = run(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let frames = wire::replay(&wire::decode(&std::fs::read(&out).unwrap()).unwrap());
    let mut want = Frame::new(0, 0);
    rotate_into(&e.render(0), Rotation::Rotate270, &mut want);
    assert!(frames[0].1 == want, "{}", frames[0].1.to_ascii());
    // --rotate 0 asks for a 64x128 panel, which no controller has: the crate's error, exit 2.
    let o = run(&["--rotate", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unsupported SSD1306 panel 64x128") && err.contains("128x64"),
        "{err}"
    );
    // A bad value in the scene is the scene's error.
    std::fs::write(
        &scene,
        "display = { width = 64, height = 128, rotate = 45 }\n",
    )
    .unwrap();
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("display.rotate") && err.contains("45"),
        "{err}"
    );
}

#[test]
fn offsets_and_controllers_are_checked_with_the_crates_errors() {
    let dash = scenes_dir().join("dashboard.toml");
    let run = |extra: &[&str]| {
        bin()
            .arg("play")
            .arg(&dash)
            .args(["--ticks", "0..1", "--fast", "--display", "emulator"])
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&["--controller", "sh1106", "--offset", "5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at most 4"));
    let o = run(&["--controller", "st7735"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("sh1106"));
    // An SH1106 clone that is really an SSD1306 at column 0: the override reaches the file.
    check(
        &dash,
        Controller::Sh1106,
        Rotation::Rotate0,
        "i2c",
        &["--offset", "0"],
    );
}

/// The scene's display care reaches the panel: replaying the wire file of oledcare.toml, the
/// virtual panel's contrast and on/off after every frame are `Engine::display_at` of its tick,
/// and a scene without care sends no contrast command at all.
#[test]
fn contrast_and_sleep_go_out_when_they_change() {
    use tinydisplay_ssd1306::VirtualPanel;
    let scene = scenes_dir().join("oledcare.toml");
    let events = scenes_dir().join("oledcare.events");
    let mut e = engine(&scene);
    e.push_event_log(&std::fs::read_to_string(&events).unwrap())
        .unwrap();
    let out = tmp("oledcare.wire");
    let o = bin()
        .arg("play")
        .arg(&scene)
        .arg("--events")
        .arg(&events)
        .args(["--ticks", "0..500", "--fast", "--on-exit", "keep"])
        .arg("--display")
        .arg(format!("wire:{}", out.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = wire::decode(&std::fs::read(&out).unwrap()).unwrap();
    let mut panel = VirtualPanel::for_panel(log.header.spec());
    let mut current = None;
    let (mut checked, mut seen) = (0, std::collections::BTreeSet::new());
    let mut compare = |t: u64, p: &VirtualPanel| {
        let want = e.display_at(t);
        assert_eq!(
            (p.contrast(), p.display_on()),
            (want.contrast, want.on),
            "tick {t}"
        );
        seen.insert((want.contrast, want.on));
        checked += 1;
    };
    for rec in &log.records {
        match rec {
            Record::Frame(t) => {
                if let Some(prev) = current.replace(*t) {
                    compare(prev, &panel);
                }
            }
            Record::I2c(b) => panel.i2c_write(b),
            _ => {}
        }
    }
    compare(current.unwrap(), &panel);
    assert_eq!(checked, 500);
    // The fade, the light sensor, the dimming and the night all happened.
    for state in [(40, true), (120, true), (90, true), (16, true), (16, false)] {
        assert!(seen.contains(&state), "{state:?} never shown: {seen:?}");
    }

    let dash = scenes_dir().join("dashboard.toml");
    let out = tmp("dash-nocare.wire");
    let o = bin()
        .arg("play")
        .arg(&dash)
        .args(["--ticks", "0..30", "--fast", "--wire-bus", "spi"])
        .arg("--display")
        .arg(format!("wire:{}", out.display()))
        .output()
        .unwrap();
    assert!(o.status.success());
    let log = wire::decode(&std::fs::read(&out).unwrap()).unwrap();
    // Only the init sequence (the first command record) sets contrast and display on.
    let care_commands = log
        .records
        .iter()
        .filter(|r| matches!(r, Record::Command(c) if c.first() == Some(&0x81) || c[..] == [0xAF]))
        .count();
    assert_eq!(care_commands, 0);
}

/// The emulator's PNG shows what the glass shows: the frame, lit at the scene's contrast.
#[test]
fn the_emulator_png_shows_contrast_as_brightness() {
    let scene = scenes_dir().join("oledcare.toml");
    let e = engine(&scene);
    let png = tmp("oledcare.png");
    let o = bin()
        .arg("play")
        .arg(&scene)
        .args(["--ticks", "0..10", "--fast", "--on-exit", "keep"])
        .args(["--display", "emulator", "--png"])
        .arg(&png)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let contrast = e.display_at(9).contrast;
    // The fade-in: 40 + 160 * 9 / 40.
    assert_eq!(contrast, 76);
    let style = tinydisplay_export::Style {
        scale: 1,
        panel: tinydisplay_export::Panel::White,
        grid: false,
    };
    let mut want = Vec::new();
    tinydisplay_export::write_png_at_contrast(&mut want, &e.render(9), &style, contrast).unwrap();
    assert!(std::fs::read(&png).unwrap() == want);
    let full = tinydisplay_export::png(&e.render(9), &style).unwrap();
    assert!(
        want != full,
        "contrast 76 must not look like full brightness"
    );
}

/// A live input drives the display care as it drives the frames: `light=10` typed on stdin (or
/// from a source) during play must reach the panel as contrast 10 (`display.bind`).
#[test]
fn live_events_drive_the_display_care() {
    use std::io::Write as _;
    let scene = tmp("care-live.toml");
    std::fs::write(
        &scene,
        "display = { width = 128, height = 32, tick_rate = 20, contrast = 200, bind = { contrast = \"light\" } }\n\
         inputs = { light = { default = 200, min = 0, max = 255 } }\n\
         [[widgets]]\nkind = \"text\"\ntext = \"{light}\"\n",
    )
    .unwrap();
    let out = tmp("care-live.wire");
    let mut child = bin()
        .arg("play")
        .arg(&scene)
        .args([
            "--ticks",
            "0..30",
            "--stdin-events",
            "--no-clock",
            "--wire-bus",
            "spi",
        ])
        .arg("--display")
        .arg(format!("wire:{}", out.display()))
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"light=10\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = wire::decode(&std::fs::read(&out).unwrap()).unwrap();
    let sent_10 = log
        .records
        .iter()
        .any(|r| matches!(r, Record::Command(c) if c.windows(2).any(|w| w == [0x81, 10])));
    assert!(
        sent_10,
        "contrast 10 never went out: {:?}",
        log.records
            .iter()
            .filter(|r| matches!(r, Record::Command(_)))
            .collect::<Vec<_>>()
    );
}
