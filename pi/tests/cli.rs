//! End-to-end tests of the `tinydisplay` binary: `check`, `hash` and `render`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tinydisplay::{Engine, Frame};

mod common;
use common::{run, stderr, stdout, BIN};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scenes_dir() -> PathBuf {
    root().join("tests/scenes")
}

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "tinydisplay-cli-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scene_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(scenes_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("toml" | "json")
            )
        })
        .collect();
    v.sort();
    v
}

fn engine_for(path: &Path, events: Option<&Path>) -> Engine {
    let bytes = std::fs::read(path).unwrap();
    let resolver = tinydisplay_assets::dir_resolver(path);
    let mut e =
        tinydisplay_assets::load_scene(&path.display().to_string(), &bytes, &*resolver).unwrap();
    if let Some(log) = events {
        for ev in tinydisplay::parse_event_log(&std::fs::read_to_string(log).unwrap()).unwrap() {
            e.push_event(ev).unwrap();
        }
    }
    e
}

// ---------------------------------------------------------------------------------------------
// check

#[test]
fn every_example_scene_passes_check() {
    let files = scene_files();
    assert!(
        files.len() >= 8,
        "expected at least 8 example scenes, found {}",
        files.len()
    );
    let mut stems = std::collections::BTreeSet::new();
    for f in &files {
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            stems.insert(stem.clone()),
            "two scene files share the stem {stem:?}"
        );
        let mut args = vec!["check".to_string(), f.display().to_string()];
        let log = f.with_extension("events");
        if log.exists() {
            args.push("--events".into());
            args.push(log.display().to_string());
        }
        let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        let o = run(&args);
        assert!(o.status.success(), "{}: {}", f.display(), stderr(&o));
        let out = stdout(&o);
        assert!(out.starts_with("ok: "), "{out}");
        assert!(out.contains(" widgets"), "{out}");
    }
    for required in [
        "dashboard",
        "menu",
        "boot",
        "music",
        "weather",
        "marquee",
        "sprite",
        "stress",
        "status32",
    ] {
        assert!(
            stems.contains(required),
            "missing required scene {required}"
        );
    }
}

#[test]
fn every_event_log_belongs_to_a_scene() {
    for e in std::fs::read_dir(scenes_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "events") {
            assert!(
                p.with_extension("toml").exists() || p.with_extension("json").exists(),
                "{} has no scene",
                p.display()
            );
        }
    }
}

#[test]
fn check_output_names_size_and_widget_count() {
    let o = run(&[
        "check",
        scenes_dir().join("dashboard.toml").to_str().unwrap(),
    ]);
    assert_eq!(stdout(&o), "ok: Dashboard 128x64, 7 widgets\n");
    let o = run(&[
        "check",
        scenes_dir().join("status32.toml").to_str().unwrap(),
    ]);
    assert!(stdout(&o).contains(" 128x32, "), "{}", stdout(&o));
}

#[test]
fn stress_scene_has_at_least_150_animated_widgets() {
    let e = engine_for(&scenes_dir().join("stress.toml"), None);
    fn animated(ws: &[tinydisplay::scene::Widget]) -> usize {
        ws.iter()
            .map(|w| {
                usize::from(
                    !w.animate.is_empty() || w.kind == Some(tinydisplay::scene::Kind::Marquee),
                ) + animated(&w.children)
            })
            .sum()
    }
    let n = animated(&e.scene().widgets);
    assert!(n >= 150, "only {n} animated widgets");
}

/// The one-schema promise: the JSON twin renders exactly what the TOML scene renders.
#[test]
fn json_twin_renders_like_toml() {
    let a = engine_for(&scenes_dir().join("clock.toml"), None);
    let b = engine_for(&scenes_dir().join("clock_json.json"), None);
    for t in (0..4000).step_by(7).chain([86_400 * 60, 1_000_000_000]) {
        assert_eq!(a.render(t), b.render(t), "tick {t}");
    }
}

/// One bad input: file name, bytes, and a text the message must contain.
struct Bad {
    name: &'static str,
    file: &'static str,
    bytes: Vec<u8>,
    /// Besides the file name: `Line(l)` for a `FILE:l:COL:` prefix, or a field path.
    at: At,
    says: &'static str,
}

enum At {
    Line(u32),
    Path(&'static str),
    File,
}

const DISPLAY: &str = "display = { width = 128, height = 64 }\n";

fn bad_inputs() -> Vec<Bad> {
    let t = |s: &str| format!("{DISPLAY}{s}").into_bytes();
    vec![
        Bad { name: "malformed TOML", file: "a.toml", bytes: t("[[widgets]]\nkind = \"rect\nx = 1\n"), at: At::Line(3), says: "" },
        Bad {
            name: "malformed JSON",
            file: "b.json",
            bytes: b"{\n  \"display\": { \"width\": 128, \"height\": 64, },\n  \"widgets\": []\n}\n".to_vec(),
            at: At::Line(2),
            says: "",
        },
        Bad { name: "unknown field", file: "c.toml", bytes: t("colour = \"red\"\n"), at: At::Line(2), says: "colour" },
        Bad { name: "unknown kind", file: "d.toml", bytes: t("[[widgets]]\nkind = \"blob\"\n"), at: At::Line(3), says: "blob" },
        Bad { name: "wrong type", file: "e.toml", bytes: t("[[widgets]]\nkind = \"rect\"\nx = \"ten\"\n"), at: At::Line(4), says: "" },
        Bad {
            name: "absurd width",
            file: "f.toml",
            bytes: b"display = { width = 1000000000, height = 64 }\n".to_vec(),
            at: At::Path("display.width"),
            says: "out of range",
        },
        Bad {
            name: "negative size",
            file: "g.toml",
            bytes: t("[[widgets]]\nkind = \"rect\"\nw = -5\nh = 4\n"),
            at: At::Path("widgets[0].w"),
            says: "out of range",
        },
        Bad {
            name: "bitmap size mismatch",
            file: "h.toml",
            bytes: t("[[widgets]]\nkind = \"bitmap\"\nw = 4\nbitmap = \"\"\"\n###\n#.#\n\"\"\"\n"),
            at: At::Path("widgets[0].bitmap"),
            says: "3x2",
        },
        Bad {
            name: "ragged bitmap",
            file: "i.toml",
            bytes: t("[[widgets]]\nkind = \"bitmap\"\nbitmap = \"\"\"\n###\n#.\n\"\"\"\n"),
            at: At::Path("widgets[0].bitmap"),
            says: "row 2",
        },
        Bad {
            name: "undefined input",
            file: "j.toml",
            bytes: t("[[widgets]]\nkind = \"text\"\ntext = \"cpu {cpu}%\"\n"),
            at: At::Path("widgets[0].text"),
            says: "undefined input \"cpu\"",
        },
        Bad {
            name: "undefined input (JSON)",
            file: "j2.json",
            bytes: b"{\"display\": {\"width\": 128, \"height\": 64},\n \"widgets\": [{\"kind\": \"text\", \"text\": \"{temp}\"}]}".to_vec(),
            at: At::Path("widgets[0].text"),
            says: "undefined input \"temp\"",
        },
        Bad {
            name: "undefined timeline item",
            file: "k.toml",
            bytes: t("[timelines.main]\nmode = \"sequence\"\nitems = [\"nope\"]\n"),
            at: At::Path("timelines.main.items[0]"),
            says: "undefined",
        },
        Bad {
            name: "timeline cycle",
            file: "l.toml",
            bytes: t(concat!(
                "[[widgets]]\nkind = \"rect\"\nanimate = [{ id = \"a\", prop = \"x\", keys = [{ t = 0, v = 0 }, { t = 9, v = 9 }] }]\n",
                "[timelines.main]\nmode = \"sequence\"\nitems = [\"a\", \"loop1\"]\n",
                "[timelines.loop1]\nmode = \"parallel\"\nitems = [\"loop2\"]\n",
                "[timelines.loop2]\nmode = \"parallel\"\nitems = [\"loop1\"]\n",
            )),
            at: At::Path("timelines."),
            says: "cycle",
        },
        Bad { name: "empty file", file: "m.toml", bytes: Vec::new(), at: At::Line(1), says: "empty" },
        Bad { name: "blank file", file: "n.json", bytes: b"  \n\n".to_vec(), at: At::Line(1), says: "empty" },
        Bad {
            name: "non-UTF-8",
            file: "o.toml",
            bytes: [DISPLAY.as_bytes(), b"name = \"caf\xe9\"\n"].concat(),
            at: At::Line(2),
            says: "UTF-8",
        },
        Bad { name: "unknown easing", file: "p.toml", bytes: t("[[widgets]]\nkind = \"rect\"\nanimate = [{ prop = \"x\", ease = \"wobbly\", keys = [{ t = 0, v = 0 }, { t = 9, v = 9 }] }]\n"), at: At::Path("widgets[0].animate[0].ease"), says: "wobbly" },
        Bad { name: "missing display", file: "q.toml", bytes: b"[[widgets]]\nkind = \"rect\"\n".to_vec(), at: At::Line(1), says: "display" },
        Bad { name: "JSON array", file: "r.json", bytes: b"[1, 2, 3]".to_vec(), at: At::Line(1), says: "" },
    ]
}

fn check_bad(b: &Bad, path: &Path) {
    let o = run(&["check", path.to_str().unwrap()]);
    let err = stderr(&o);
    let shown = format!(
        "case {:?}: exit {:?}, stderr:\n{err}",
        b.name,
        o.status.code()
    );
    assert_eq!(o.status.code(), Some(2), "{shown}");
    assert!(!err.contains("panicked"), "{shown}");
    assert!(stdout(&o).is_empty(), "{shown}");
    let file = path.display().to_string();
    assert!(err.starts_with(&format!("{file}:")), "{shown}");
    match b.at {
        At::Line(l) => {
            // FILE:LINE:COL: with a column >= 1.
            let rest = &err[file.len() + 1..];
            let mut parts = rest.splitn(3, ':');
            let line: u32 = parts
                .next()
                .unwrap()
                .parse()
                .unwrap_or_else(|_| panic!("no line: {shown}"));
            let col: u32 = parts
                .next()
                .unwrap()
                .parse()
                .unwrap_or_else(|_| panic!("no column: {shown}"));
            assert_eq!(line, l, "{shown}");
            assert!(col >= 1, "{shown}");
        }
        At::Path(p) => {
            assert!(err.contains(p), "expected field path {p:?}; {shown}");
            // The path is also located in the file, for TOML and JSON alike.
            let rest = &err[file.len() + 1..];
            let digits = rest.split(':').next().unwrap();
            assert!(
                digits.parse::<u32>().is_ok(),
                "expected FILE:LINE:COL: {shown}"
            );
        }
        At::File => {}
    }
    assert!(err.contains(b.says), "expected {:?}; {shown}", b.says);
}

#[test]
fn bad_scenes_exit_2_with_location() {
    let dir = TempDir::new("bad");
    for b in bad_inputs() {
        let p = dir.path(b.file);
        std::fs::write(&p, &b.bytes).unwrap();
        check_bad(&b, &p);
    }
}

/// A 50 MB file is refused quickly by size, without reading or parsing it all.
#[test]
fn huge_file_is_refused() {
    let dir = TempDir::new("huge");
    let p = dir.path("huge.toml");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        f.write_all(DISPLAY.as_bytes()).unwrap();
        let line = "# padding padding padding padding padding padding padding padding padding\n";
        for _ in 0..(50 * 1024 * 1024 / line.len()) {
            f.write_all(line.as_bytes()).unwrap();
        }
    }
    assert!(std::fs::metadata(&p).unwrap().len() >= 50 * 1000 * 1000);
    let b = Bad {
        name: "50 MB file",
        file: "huge.toml",
        bytes: Vec::new(),
        at: At::File,
        says: "at most",
    };
    check_bad(&b, &p);
    assert!(stderr(&run(&["check", p.to_str().unwrap()]))
        .contains(&std::fs::metadata(&p).unwrap().len().to_string()));
}

#[test]
fn missing_file_and_directory_are_bad_input() {
    let dir = TempDir::new("missing");
    for p in [dir.path("nope.toml"), dir.0.clone()] {
        let o = run(&["check", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("cannot read scene"), "{}", stderr(&o));
    }
}

#[test]
fn bad_event_log_is_reported_with_its_line() {
    let dir = TempDir::new("events");
    let log = dir.path("bad.events");
    std::fs::write(&log, "0 cpu=5\n# fine\nten cpu=7\n").unwrap();
    let scene = scenes_dir().join("status32.toml");
    let o = run(&[
        "check",
        scene.to_str().unwrap(),
        "--events",
        log.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("{}:3:", log.display())),
        "{}",
        stderr(&o)
    );
    std::fs::write(&log, "0 cpu=5\n\n5 gpu=5\n").unwrap();
    let o = run(&[
        "check",
        scene.to_str().unwrap(),
        "--events",
        log.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("{}:3: unknown input \"gpu\"", log.display())),
        "{}",
        stderr(&o)
    );
}

// ---------------------------------------------------------------------------------------------
// hash

fn parse_hash_lines(out: &str) -> Vec<(u64, String)> {
    out.lines()
        .map(|l| {
            let (t, h) = l
                .split_once(' ')
                .unwrap_or_else(|| panic!("bad line {l:?}"));
            assert_eq!(h.len(), 16, "{l:?}");
            assert!(
                h.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
                "{l:?}"
            );
            (
                t.parse().unwrap_or_else(|_| panic!("bad tick in {l:?}")),
                h.to_string(),
            )
        })
        .collect()
}

#[test]
fn hash_lines_match_the_engine_in_tick_order() {
    let scene = scenes_dir().join("dashboard.toml");
    let o = run(&[
        "hash",
        scene.to_str().unwrap(),
        "--ticks",
        "10..50",
        "--at",
        "1000000000,20,7",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = parse_hash_lines(&stdout(&o));
    let ticks: Vec<u64> = lines.iter().map(|l| l.0).collect();
    let mut expect: Vec<u64> = vec![7];
    expect.extend(10..50);
    expect.push(1_000_000_000);
    assert_eq!(ticks, expect, "each tick once, in order");
    let e = engine_for(&scene, None);
    for (t, h) in &lines {
        assert_eq!(*h, e.render(*t).hash().to_string(), "tick {t}");
    }
    // The animation moves: not all hashes are equal.
    assert!(lines.iter().any(|l| l.1 != lines[0].1));
}

#[test]
fn hash_is_deterministic_across_runs() {
    let scene = scenes_dir().join("stress.toml");
    let a = run(&["hash", scene.to_str().unwrap(), "--ticks", "0..300"]);
    let b = run(&["hash", scene.to_str().unwrap(), "--ticks", "0..300"]);
    assert!(a.status.success());
    assert_eq!(stdout(&a), stdout(&b));
    assert_eq!(stdout(&a).lines().count(), 300);
}

#[test]
fn hash_defaults_to_ten_seconds() {
    let scene = scenes_dir().join("status32.toml"); // 30 ticks per second
    let o = run(&["hash", scene.to_str().unwrap()]);
    let lines = parse_hash_lines(&stdout(&o));
    assert_eq!(lines.len(), 300);
    assert_eq!(lines.last().unwrap().0, 299);
}

#[test]
fn hash_replays_an_event_log() {
    let scene = scenes_dir().join("music.toml");
    let log = scenes_dir().join("music.events");
    let with = run(&[
        "hash",
        scene.to_str().unwrap(),
        "--ticks",
        "0..1200:",
        "--events",
        log.to_str().unwrap(),
    ]);
    assert_eq!(with.status.code(), Some(2), "a bad range is bad input");
    let with = run(&[
        "hash",
        scene.to_str().unwrap(),
        "--ticks",
        "0..1200",
        "--events",
        log.to_str().unwrap(),
    ]);
    let without = run(&["hash", scene.to_str().unwrap(), "--ticks", "0..1200"]);
    assert_ne!(stdout(&with), stdout(&without));
    let e = engine_for(&scene, Some(&log));
    for (t, h) in parse_hash_lines(&stdout(&with)).into_iter().step_by(37) {
        assert_eq!(h, e.render(t).hash().to_string(), "tick {t}");
    }
}

#[test]
fn hash_rejects_bad_ranges() {
    let scene = scenes_dir().join("dashboard.toml");
    for bad in ["9..3", "x", "1..", ""] {
        let o = run(&["hash", scene.to_str().unwrap(), "--ticks", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--ticks"), "{}", stderr(&o));
    }
    let o = run(&["hash", scene.to_str().unwrap(), "--at", "5,z"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Runs the binary, but kills it after `secs` (a regression here would otherwise hang the test
/// run: these are the cases that used to stream for ever).
fn run_bounded(args: &[&str], secs: u64) -> Output {
    use std::process::Stdio;
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tinydisplay");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("tinydisplay {args:?} still running after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn hash_at_the_last_tick_prints_it() {
    let scene = scenes_dir().join("dashboard.toml");
    let o = run(&[
        "hash",
        scene.to_str().unwrap(),
        "--ticks",
        "0..1",
        "--at",
        "18446744073709551615,18446744073709551614",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = parse_hash_lines(&stdout(&o));
    let ticks: Vec<u64> = lines.iter().map(|l| l.0).collect();
    assert_eq!(
        ticks,
        [0, u64::MAX - 1, u64::MAX],
        "no requested tick dropped"
    );
    let e = engine_for(&scene, None);
    for (t, h) in &lines {
        assert_eq!(*h, e.render(*t).hash().to_string(), "tick {t}");
    }
}

#[test]
fn a_range_cannot_hold_the_last_tick_and_says_so() {
    let scene = scenes_dir().join("dashboard.toml");
    for ticks in ["18446744073709551615", "0..=18446744073709551615"] {
        let o = run_bounded(&["hash", scene.to_str().unwrap(), "--ticks", ticks], 60);
        assert_eq!(o.status.code(), Some(2), "{ticks}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("tick 18446744073709551615"), "{err}");
        assert!(err.contains("--at 18446744073709551615"), "{err}");
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn huge_ranges_need_force() {
    let scene = scenes_dir().join("dashboard.toml");
    let scene = scene.to_str().unwrap();
    let dir = TempDir::new("huge");
    let gif = dir.path("long.gif");
    let frames = dir.path("frames");
    let cases: [&[&str]; 5] = [
        &["hash", scene, "--ticks", "0..18446744073709551615"],
        &["hash", scene, "--ticks", "5..10000006"],
        &[
            "render",
            scene,
            "--ticks",
            "0..18446744073709551615",
            "--out",
            gif.to_str().unwrap(),
        ],
        &[
            "render",
            scene,
            "--ticks",
            "0..20000000",
            "--out",
            frames.to_str().unwrap(),
        ],
        &["bench", scene, "--ticks", "0..18446744073709551615"],
    ];
    for args in cases {
        let o = run_bounded(args, 60);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--force"), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
    assert!(!gif.exists() && !frames.exists(), "nothing written");
    // 10^7 ticks exactly is still allowed without --force (not run here: it takes a while), and
    // a PNG only ever uses the first tick, so its range's length does not matter.
    let png = dir.path("first.png");
    let o = run_bounded(
        &[
            "render",
            scene,
            "--ticks",
            "0..18446744073709551615",
            "--out",
            png.to_str().unwrap(),
        ],
        60,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(png.exists());
}

#[test]
fn a_forced_huge_range_streams_hashes_and_no_bar_into_a_pipe() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let scene = scenes_dir().join("dashboard.toml");
    let mut child = Command::new(BIN)
        .args(["hash", scene.to_str().unwrap(), "--force"])
        .args(["--ticks", "0..18446744073709551615"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Vec<String> = (0..3).map(|_| lines.next().unwrap().unwrap()).collect();
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let ticks: Vec<u64> = parse_hash_lines(&first.join("\n"))
        .iter()
        .map(|l| l.0)
        .collect();
    assert_eq!(ticks, [0, 1, 2]);
    // stderr is not a terminal here: the progress bar stays hidden.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// render

fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let mut d = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    d.set_transformations(png::Transformations::EXPAND);
    let mut r = d.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// The frame as the PNG shows it with `--panel white`: lit = white, dark = black.
fn png_to_frame(w: u32, h: u32, rgb: &[u8], scale: u32) -> Frame {
    let mut f = Frame::new((w / scale) as u16, (h / scale) as u16);
    for y in 0..h / scale {
        for x in 0..w / scale {
            let i = (((y * scale) * w + x * scale) * 3) as usize;
            let px = &rgb[i..i + 3];
            assert!(
                px == [255, 255, 255] || px == [0, 0, 0],
                "unexpected colour {px:?}"
            );
            f.set_pixel(x as i32, y as i32, px[0] == 255);
        }
    }
    f
}

fn side_by_side(expected: &Frame, actual: &Frame) -> String {
    let (e, a) = (expected.to_ascii(), actual.to_ascii());
    e.lines()
        .zip(a.lines())
        .map(|(l, r)| format!("{l} | {r}\n"))
        .collect()
}

#[test]
fn render_png_pixels_equal_the_frame() {
    let dir = TempDir::new("png");
    let scene = scenes_dir().join("menu.toml");
    let e = engine_for(&scene, None);
    for (scale, tick) in [(1u32, 140u64), (3, 75)] {
        let out = dir.path(&format!("menu-{scale}.png"));
        let o = run(&[
            "render",
            scene.to_str().unwrap(),
            "--ticks",
            &format!("{tick}..{}", tick + 50),
            "--out",
            out.to_str().unwrap(),
            "--scale",
            &scale.to_string(),
            "--panel",
            "white",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let (w, h, rgb) = decode_png(&out);
        assert_eq!((w, h), (128 * scale, 64 * scale));
        let got = png_to_frame(w, h, &rgb, scale);
        let want = e.render(tick);
        assert!(
            got == want,
            "tick {tick} scale {scale}: expected | actual\n{}",
            side_by_side(&want, &got)
        );
    }
}

#[test]
fn render_yellow_blue_panel_colours_rows() {
    let dir = TempDir::new("yb");
    let scene = scenes_dir().join("dashboard.toml");
    let out = dir.path("d.png");
    let o = run(&[
        "render",
        scene.to_str().unwrap(),
        "--ticks",
        "30",
        "--out",
        out.to_str().unwrap(),
        "--scale",
        "1",
        "--panel",
        "yellow-blue",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (w, _, rgb) = decode_png(&out);
    let e = engine_for(&scene, None);
    let f = e.render(30);
    let mut seen = (false, false);
    for y in 0..64u32 {
        for x in 0..128u32 {
            let i = ((y * w + x) * 3) as usize;
            let px = [rgb[i], rgb[i + 1], rgb[i + 2]];
            if !f.pixel(x as i32, y as i32) {
                assert_eq!(px, [0, 0, 0]);
            } else if y < 16 {
                assert!(
                    px[0] > 200 && px[2] < 100,
                    "yellow expected at {x},{y}: {px:?}"
                );
                seen.0 = true;
            } else {
                assert!(
                    px[2] > 200 && px[0] < 100,
                    "blue expected at {x},{y}: {px:?}"
                );
                seen.1 = true;
            }
        }
    }
    assert_eq!(seen, (true, true));
}

/// Each GIF frame as a viewer shows it: RGBA, composited over the frames before it (frames
/// after the first only carry the pixels that changed).
fn gif_frames(path: &Path) -> Vec<(u16, Vec<u8>)> {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut d = opts.read_info(std::fs::File::open(path).unwrap()).unwrap();
    let w = d.width() as usize;
    let mut canvas = vec![0u8; w * d.height() as usize * 4];
    let mut v = Vec::new();
    while let Some(f) = d.read_next_frame().unwrap() {
        for (i, px) in f.buffer.chunks(4).enumerate() {
            if px[3] != 0 {
                let (x, y) = (
                    f.left as usize + i % f.width as usize,
                    f.top as usize + i / f.width as usize,
                );
                canvas[(y * w + x) * 4..][..4].copy_from_slice(px);
            }
        }
        v.push((f.delay, canvas.clone()));
    }
    v
}

#[test]
fn render_gif_has_one_frame_per_distinct_tick() {
    let dir = TempDir::new("gif");
    // 10 ticks per second: 10 cs per frame, and the bar moves every tick.
    let scene = dir.path("slide.toml");
    std::fs::write(
        &scene,
        "display = { width = 64, height = 8, tick_rate = 10 }\n[[widgets]]\nkind = \"rect\"\nw = 2\nh = 8\nfill = true\nanimate = [{ prop = \"x\", keys = [{ t = 0, v = 0 }, { t = 24, v = 48 }] }]\n",
    )
    .unwrap();
    let out = dir.path("slide.gif");
    let o = run(&[
        "render",
        scene.to_str().unwrap(),
        "--ticks",
        "0..24",
        "--out",
        out.to_str().unwrap(),
        "--scale",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = engine_for(&scene, None);
    assert!(
        (1..24).all(|t| e.render(t) != e.render(t - 1)),
        "the scene must change every tick"
    );
    let frames = gif_frames(&out);
    assert_eq!(frames.len(), 24);
    assert!(
        frames.iter().all(|f| f.0 == 10),
        "delays {:?}",
        frames.iter().map(|f| f.0).collect::<Vec<_>>()
    );
    for (t, (_, rgba)) in frames.iter().enumerate() {
        let f = e.render(t as u64);
        for x in 0..64 {
            let lit = rgba[(x * 4) as usize] == 255;
            assert_eq!(lit, f.pixel(x, 3), "tick {t}, x {x}");
        }
    }
}

#[test]
fn render_gif_timing_matches_the_tick_rate() {
    let dir = TempDir::new("gif60");
    let out = dir.path("dash.gif");
    let scene = scenes_dir().join("dashboard.toml");
    let o = run(&[
        "render",
        scene.to_str().unwrap(),
        "--ticks",
        "0..180",
        "--out",
        out.to_str().unwrap(),
        "--scale",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let frames = gif_frames(&out);
    let total: u32 = frames.iter().map(|f| u32::from(f.0)).sum();
    assert_eq!(total, 300, "180 ticks at 60/s are 3 s = 300 cs");
    assert!(
        frames.iter().all(|f| f.0 >= 2),
        "browsers slow down delays under 2 cs"
    );
    // Every shown image is a frame of the scene, in tick order, at scale 2.
    let e = engine_for(&scene, None);
    let mut t = 0u64;
    for (k, (_, rgba)) in frames.iter().enumerate() {
        let matches = |t: u64| {
            let f = e.render(t);
            (0..64).all(|y| {
                (0..128)
                    .all(|x| (rgba[((y * 2 * 256 + x * 2) * 4) as usize] == 255) == f.pixel(x, y))
            })
        };
        while t < 180 && !matches(t) {
            t += 1;
        }
        assert!(
            t < 180,
            "GIF frame {k} is no frame of the scene after the previous one"
        );
    }
}

#[test]
fn render_directory_writes_one_png_per_tick() {
    let dir = TempDir::new("dir");
    let out = dir.path("frames");
    let scene = scenes_dir().join("sprite.toml");
    let o = run(&[
        "render",
        scene.to_str().unwrap(),
        "--ticks",
        "5..=8",
        "--out",
        out.to_str().unwrap(),
        "--scale",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "tick-000005.png",
            "tick-000006.png",
            "tick-000007.png",
            "tick-000008.png"
        ]
    );
    let e = engine_for(&scene, None);
    let (w, h, rgb) = decode_png(&out.join("tick-000007.png"));
    assert!(png_to_frame(w, h, &rgb, 1) == e.render(7));
}

#[test]
fn render_never_clobbers_other_files() {
    let dir = TempDir::new("clobber");
    let scene = scenes_dir().join("dashboard.toml");
    let notes = dir.path("notes.png");
    std::fs::write(&notes, "my notes, not an image").unwrap();
    let o = run(&[
        "render",
        scene.to_str().unwrap(),
        "--ticks",
        "0",
        "--out",
        notes.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a PNG"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "my notes, not an image"
    );
    // A previous render is replaced.
    let img = dir.path("img.png");
    assert!(run(&[
        "render",
        scene.to_str().unwrap(),
        "--ticks",
        "0",
        "--out",
        img.to_str().unwrap()
    ])
    .status
    .success());
    let first = std::fs::read(&img).unwrap();
    assert!(run(&[
        "render",
        scene.to_str().unwrap(),
        "--ticks",
        "40",
        "--out",
        img.to_str().unwrap()
    ])
    .status
    .success());
    assert_ne!(std::fs::read(&img).unwrap(), first);
    // --force replaces anything.
    assert!(run(&[
        "render",
        scene.to_str().unwrap(),
        "--ticks",
        "0",
        "--out",
        notes.to_str().unwrap(),
        "--force"
    ])
    .status
    .success());
    assert!(std::fs::read(&notes).unwrap().starts_with(b"\x89PNG"));
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
    // A file where a directory is wanted.
    let o = run(&[
        "render",
        scene.to_str().unwrap(),
        "--ticks",
        "0..2",
        "--out",
        &format!("{}/", notes.display()),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn render_errors_are_messages_not_panics() {
    let dir = TempDir::new("errs");
    let scene = scenes_dir().join("dashboard.toml");
    let (jpg, gif, png) = (dir.path("a.jpg"), dir.path("a.gif"), dir.path("a.png"));
    let (jpg, gif, png) = (
        jpg.to_str().unwrap(),
        gif.to_str().unwrap(),
        png.to_str().unwrap(),
    );
    let cases: [(&[&str], i32, &str); 4] = [
        (&["--out", "/nonexistent-dir/x/y.png"], 1, "cannot create"),
        (&["--out", jpg], 2, "unsupported output"),
        (&["--out", gif, "--scale", "1000"], 2, "scale"),
        (&["--out", png, "--ticks", "5..1"], 2, "--ticks"),
    ];
    for (extra, code, says) in cases {
        let mut args = vec!["render", scene.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(code), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{extra:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
}

/// The complete examples in docs/scene-format.md (TOML blocks with a `display`) are valid scenes.
#[test]
fn scene_format_doc_examples_check() {
    let doc = std::fs::read_to_string(root().join("docs/scene-format.md")).unwrap();
    let dir = TempDir::new("doc");
    let mut n = 0;
    for (i, block) in doc.split("```toml\n").skip(1).enumerate() {
        let block = block.split("```").next().unwrap();
        if !block.contains("display = ") {
            continue;
        }
        let p = dir.path(&format!("doc{i}.toml"));
        std::fs::write(&p, block).unwrap();
        let o = run(&["check", p.to_str().unwrap()]);
        assert!(
            o.status.success(),
            "doc example {i}:\n{block}\n{}",
            stderr(&o)
        );
        n += 1;
    }
    assert!(n >= 1);
}

#[test]
fn check_warns_about_characters_the_font_lacks() {
    let dir = std::env::temp_dir().join(format!("td-glyphs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("g.toml");
    let scene = "display = { width = 64, height = 16 }\n[inputs]\nt = { default = 1 }\n\
                 [[widgets]]\nkind = \"text\"\ntext = \"{t}°C\"\n\
                 [[widgets]]\nkind = \"text\"\nfont = \"uni_8\"\ny = 8\ntext = \"{t}°C Привет\"\n";
    std::fs::write(&path, scene).unwrap();
    let o = run(&["check", path.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "a warning is not an error: {}",
        stderr(&o)
    );
    let err = stderr(&o);
    let want = format!(
        "warning: {}:6:8: widgets[0].text: font \"6x10\" has no glyph for '°'",
        path.display()
    );
    assert!(err.contains(&want), "{err}");
    assert_eq!(err.lines().count(), 1, "uni_8 has every glyph: {err}");
    // The Unicode example scenes need no replacement glyph.
    for name in ["hello", "weather_icons", "sysinfo_icons"] {
        let o = run(&[
            "check",
            scenes_dir().join(format!("{name}.toml")).to_str().unwrap(),
        ]);
        assert_eq!(stderr(&o), "", "{name}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
