//! Interrupted output leaves nothing behind: a `render` or `play --snapshot-dir` stopped by
//! SIGTERM leaves no temporary file and no half-written file under a final name.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tinydisplay::Engine;
use tinydisplay_export::{Panel, Style};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("tinydisplay-int-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn names(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn temp_files(d: &Path) -> Vec<String> {
    names(d)
        .into_iter()
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

/// Waits until `ready` holds (at most 60 s: debug builds on a busy machine are slow).
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill(child: &Child, sig: &str) {
    let st = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}

/// A render of a GIF far too long to finish: 10^7 ticks of the stress scene at scale 4.
fn long_render(out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tinydisplay"))
        .arg("render")
        .arg(root().join("tests/scenes/stress.toml"))
        .args(["--ticks", "0..10000000", "--scale", "4", "--out"])
        .arg(out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for the render's temporary file to have some frames in it.
fn wait_until_writing(d: &Path) {
    wait_for(
        "the render never started writing its temporary file",
        || {
            temp_files(d)
                .first()
                .and_then(|n| std::fs::metadata(d.join(n)).ok())
                .is_some_and(|m| m.len() > 64 * 1024)
        },
    );
}

#[test]
fn sigterm_during_a_gif_render_leaves_no_file_behind() {
    let d = dir("gif");
    let out = d.join("long.gif");
    let child = long_render(&out);
    wait_until_writing(&d);
    kill(&child, "-TERM");
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(128 + 15), "{err}");
    assert!(err.contains("stopped by SIGTERM"), "{err}");
    assert_eq!(
        names(&d),
        Vec::<String>::new(),
        "nothing is left in the directory"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn an_interrupted_render_keeps_the_previous_complete_file() {
    let d = dir("prev");
    let out = d.join("anim.gif");
    let o = Command::new(env!("CARGO_BIN_EXE_tinydisplay"))
        .arg("render")
        .arg(root().join("tests/scenes/stress.toml"))
        .args(["--ticks", "0..30", "--scale", "1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let previous = std::fs::read(&out).unwrap();
    // Two signals in a row: the second ends the process from the signal thread, which removes
    // the registered temporary file itself (if the first has not already stopped the loop).
    let child = long_render(&out);
    wait_until_writing(&d);
    kill(&child, "-TERM");
    kill(&child, "-TERM");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(128 + 15));
    assert_eq!(temp_files(&d), Vec::<String>::new());
    assert!(
        std::fs::read(&out).unwrap() == previous,
        "the previous GIF is untouched"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

/// Every snapshot `play` left is complete: the emulator's PNG of that tick, as `render` draws
/// it at scale 1; no temporary file remains.
#[test]
fn sigterm_during_play_snapshots_leaves_only_whole_pngs() {
    let d = dir("snap");
    let scene = root().join("tests/scenes/dashboard.toml");
    let child = Command::new(env!("CARGO_BIN_EXE_tinydisplay"))
        .arg("play")
        .arg(&scene)
        .args(["--display", "emulator", "--snapshot-dir"])
        .arg(&d)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("play wrote no snapshots", || names(&d).len() > 20);
    kill(&child, "-TERM");
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(temp_files(&d), Vec::<String>::new());
    let engine = Engine::from_source("dashboard.toml", &std::fs::read(&scene).unwrap()).unwrap();
    let style = Style {
        scale: 1,
        panel: Panel::White,
        grid: false,
    };
    let shown = names(&d);
    for n in &shown {
        let tick: u64 = n.strip_suffix(".png").unwrap().parse().unwrap();
        let want = tinydisplay_export::png(&engine.render(tick), &style).unwrap();
        assert!(
            std::fs::read(d.join(n)).unwrap() == want,
            "{n} is not the PNG of tick {tick}"
        );
    }
    std::fs::remove_dir_all(&d).unwrap();
}
