//! One export implementation: the same request (scene, ticks, scale, panel, grid) gives the same
//! PNG and GIF bytes from `tinydisplay render`, from `tinydisplay_export` called directly, and
//! from the browser's bindings (web/tests/wasm.rs checks the digests of this same fixture,
//! `tests/export/digests.txt`).

use std::path::{Path, PathBuf};
use std::process::Command;
use tinydisplay::{Engine, FrameHash, Tick};
use tinydisplay_export::{Panel, Style};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture() -> PathBuf {
    root().join("tests/export/digests.txt")
}

struct Request {
    line: usize,
    gif: bool,
    scene: String,
    ticks: std::ops::Range<Tick>,
    ticks_arg: String,
    style: Style,
    digest: String,
}

fn requests(text: &str) -> Vec<Request> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f.len(), 7, "line {}: {line:?}", i + 1);
        let ticks = match f[2].split_once("..") {
            Some((a, b)) => a.parse().unwrap()..b.parse().unwrap(),
            None => {
                let a: Tick = f[2].parse().unwrap();
                a..a + 1
            }
        };
        out.push(Request {
            line: i,
            gif: match f[0] {
                "png" => false,
                "gif" => true,
                k => panic!("line {}: kind {k:?}", i + 1),
            },
            scene: f[1].to_string(),
            ticks,
            ticks_arg: f[2].to_string(),
            style: Style {
                scale: f[3].parse().unwrap(),
                panel: Panel::parse(f[4]).unwrap(),
                grid: f[5] == "grid",
            },
            digest: f[6].to_string(),
        });
    }
    out
}

/// The bytes `tinydisplay render` writes for `r`.
fn cli_bytes(r: &Request, dir: &Path) -> Vec<u8> {
    let out = dir.join(format!(
        "{}-{}.{}",
        r.line,
        r.scene,
        if r.gif { "gif" } else { "png" }
    ));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tinydisplay"));
    cmd.arg("render")
        .arg(root().join("tests/scenes").join(&r.scene))
        .args(["--ticks", &r.ticks_arg])
        .args(["--scale", &r.style.scale.to_string()])
        .args(["--panel", r.style.panel.name()])
        .arg("--out")
        .arg(&out);
    if r.style.grid {
        cmd.arg("--grid");
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read(&out).unwrap()
}

/// The bytes of the export crate called directly, as the browser's bindings call it.
fn crate_bytes(r: &Request) -> Vec<u8> {
    let path = root().join("tests/scenes").join(&r.scene);
    let engine = Engine::from_source(&r.scene, &std::fs::read(path).unwrap()).unwrap();
    if r.gif {
        tinydisplay_export::gif_at(&engine, r.ticks.clone(), &r.style).unwrap()
    } else {
        tinydisplay_export::png_at(&engine, r.ticks.start, &r.style).unwrap()
    }
}

#[test]
fn render_writes_the_export_crates_bytes_and_the_pinned_digests() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let reqs = requests(&text);
    assert!(reqs.iter().any(|r| r.gif) && reqs.iter().any(|r| !r.gif));
    let dir = std::env::temp_dir().join(format!("tinydisplay-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bless = std::env::var_os("TINYDISPLAY_BLESS_EXPORT").is_some();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut wrong = Vec::new();
    for r in &reqs {
        let cli = cli_bytes(r, &dir);
        let lib = crate_bytes(r);
        assert!(
            cli == lib,
            "line {}: `tinydisplay render` wrote {} bytes, the export crate made {} different ones",
            r.line + 1,
            cli.len(),
            lib.len()
        );
        let digest = FrameHash::of(&cli).to_string();
        if digest != r.digest {
            wrong.push(format!(
                "line {}: {} {} {}: digest {digest}, fixture says {}",
                r.line + 1,
                r.scene,
                r.ticks_arg,
                r.style.panel.name(),
                r.digest
            ));
            let mut f: Vec<&str> = lines[r.line].split_whitespace().collect();
            f[6] = &digest;
            lines[r.line] = f.join(" ");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    if bless && !wrong.is_empty() {
        std::fs::write(fixture(), lines.join("\n") + "\n").unwrap();
        eprintln!("rewrote {}:\n{}", fixture().display(), wrong.join("\n"));
    } else {
        assert!(
            wrong.is_empty(),
            "export bytes changed (the browser's must change alike; TINYDISPLAY_BLESS_EXPORT=1 \
             rewrites the fixture once that is intended):\n{}",
            wrong.join("\n")
        );
    }
}

/// The pinned GIF of 2 s of a 60 Hz scene is the one rule's 80 frames (the browser's old
/// stride gave 60), and its delays add up to the 2 s.
#[test]
fn a_two_second_gif_has_80_frames() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let r = requests(&text)
        .into_iter()
        .find(|r| r.gif && r.scene == "dashboard.toml")
        .unwrap();
    assert_eq!(r.ticks, 0..120);
    let bytes = crate_bytes(&r);
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut d = opts.read_info(bytes.as_slice()).unwrap();
    let (mut n, mut cs) = (0, 0u32);
    while let Some(f) = d.read_next_frame().unwrap() {
        n += 1;
        cs += u32::from(f.delay);
    }
    assert_eq!(cs, 200);
    assert_eq!(n, 80);
}

/// The oledcare scene's exports show its contrast: the PNG's lit colour is the panel's at
/// `display_at(tick).contrast`, dimmer than the full-brightness export of the same frame.
#[test]
fn display_care_exports_show_the_contrast() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let r = requests(&text)
        .into_iter()
        .find(|r| !r.gif && r.scene == "oledcare.toml")
        .expect("an oledcare PNG line");
    let path = root().join("tests/scenes/oledcare.toml");
    let engine = Engine::from_source("oledcare.toml", &std::fs::read(path).unwrap()).unwrap();
    let t = r.ticks.start;
    let contrast = engine.display_at(t).contrast;
    assert!(
        contrast < 128,
        "tick {t} is in the fade-in: contrast {contrast}"
    );
    let bytes = crate_bytes(&r);
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let reader = decoder.read_info().unwrap();
    let plte = reader.info().palette.as_deref().unwrap().to_vec();
    let want = r.style.panel.palette().at_contrast(contrast);
    assert_eq!(plte[3..6], want.lit);
    let full = r.style.panel.palette().lit;
    assert!(
        want.lit.iter().zip(full).all(|(d, f)| *d < f),
        "{want:?} is not dimmer than {full:?}"
    );
    let plain = tinydisplay_export::png(&engine.render(t), &r.style).unwrap();
    assert_ne!(bytes, plain, "the plain export is full brightness");
}
