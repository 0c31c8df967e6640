//! Table-driven bad scene input: every case is a `SceneError` with a location (line:col or a
//! field path) and a message naming what was expected. Never a panic, never slow.
use tinydisplay::{Engine, SceneError};

const HEAD: &str = "display = { width = 128, height = 64 }\n";

/// (case, file name, source, where: "L:C" / "L:" / a path prefix, words the message must contain)
/// (case, file name, source, where, words the message must contain)
type Case = (
    &'static str,
    &'static str,
    Vec<u8>,
    &'static str,
    &'static [&'static str],
);

fn cases() -> Vec<Case> {
    let t = |s: &str| format!("{HEAD}{s}").into_bytes();
    vec![
        ("malformed toml", "a.toml", t("[[widgets]\nkind = \"rect\"\n"), "2:11", &["expected `]`"]),
        ("malformed json", "a.json", b"{\"display\": {\"width\": 128,, }}".to_vec(), "1:27", &["key must be a string"]),
        ("unknown top-level field", "a.toml", t("colour = 3\n"), "2:", &["unknown field", "colour", "expected"]),
        ("unknown widget field", "a.toml", t("[[widgets]]\nkind = \"rect\"\nwidht = 3\n"), "4:", &["unknown field", "widht"]),
        ("unknown widget kind", "a.toml", t("[[widgets]]\nkind = \"triangle\"\n"), "3:", &["unknown variant", "triangle", "rect"]),
        ("missing kind", "a.toml", t("[[widgets]]\nx = 1\n"), "widgets[0].kind", &["expected one of", "text"]),
        ("wrong type", "a.toml", t("[[widgets]]\nkind = \"rect\"\nx = \"left\"\n"), "4:", &["invalid type", "i32"]),
        ("wrong type json", "a.json", b"{\"display\": {\"width\": \"wide\", \"height\": 64}}".to_vec(), "1:", &["invalid type", "u32"]),
        ("negative size", "a.toml", t("[[widgets]]\nkind = \"rect\"\nw = -5\n"), "widgets[0].w", &["out of range", "expected 0..="]),
        ("absurd display width", "a.toml", "display = { width = 1000000000, height = 64 }\n".as_bytes().to_vec(), "display.width", &["expected 1..=256"]),
        ("display height not multiple of 8", "a.toml", "display = { width = 128, height = 60 }\n".as_bytes().to_vec(), "display.height", &["multiple of 8"]),
        ("negative display width", "a.toml", "display = { width = -128, height = 64 }\n".as_bytes().to_vec(), "1:", &["u32"]),
        ("absurd widget width", "a.toml", t("[[widgets]]\nkind = \"rect\"\nw = 1000000000\n"), "widgets[0].w", &["out of range"]),
        ("bitmap size mismatch", "a.toml", t("[[widgets]]\nkind = \"bitmap\"\nw = 3\nbitmap = \"##\\n##\"\n"), "widgets[0].bitmap", &["2x2", "w = 3"]),
        ("ragged bitmap", "a.toml", t("[[widgets]]\nkind = \"bitmap\"\nbitmap = \"##\\n#\"\n"), "widgets[0].bitmap", &["row 2", "row 1 has 2"]),
        ("pbm too few pixels", "a.toml", t("[[widgets]]\nkind = \"bitmap\"\nbitmap = \"P1 2 2 1 0 1\"\n"), "widgets[0].bitmap", &["missing pixel"]),
        ("undefined input in text", "a.toml", t("[[widgets]]\nkind = \"text\"\ntext = \"{gpu}\"\n"), "widgets[0].text", &["undefined input", "gpu"]),
        ("undefined input in bind", "a.toml", t("[inputs]\ncpu = {}\n[[widgets]]\nkind = \"progress\"\nbind = { value = \"gpu\" }\n"), "widgets[0].bind.value", &["undefined input", "cpu"]),
        ("undefined timeline item", "a.toml", t("[timelines.intro]\nmode = \"sequence\"\nitems = [\"nope\"]\n"), "timelines.intro.items[0]", &["undefined", "nope"]),
        ("timeline cycle", "a.toml", t("[timelines.a]\nmode = \"sequence\"\nitems = [\"b\"]\n[timelines.b]\nmode = \"parallel\"\nitems = [\"a\"]\n"), "timelines.", &["cycle"]),
        ("unknown easing", "a.toml", t("[[widgets]]\nkind = \"rect\"\nanimate = [{ prop = \"x\", keys = [{ t = 0, v = 0 }, { t = 5, v = 9, ease = \"wobble\" }] }]\n"), "widgets[0].animate[0].keys[1].ease", &["wobble", "linear"]),
        ("unknown property", "a.toml", t("[[widgets]]\nkind = \"rect\"\nanimate = [{ prop = \"colour\", keys = [{ t = 0, v = 0 }] }]\n"), "widgets[0].animate[0].prop", &["colour", "expected"]),
        ("keys out of order", "a.toml", t("[[widgets]]\nkind = \"rect\"\nanimate = [{ prop = \"x\", keys = [{ t = 5, v = 0 }, { t = 5, v = 1 }] }]\n"), "widgets[0].animate[0].keys[1].t", &["after"]),
        ("unknown font", "a.toml", t("[[widgets]]\nkind = \"text\"\ntext = \"a\"\nfont = \"comic\"\n"), "widgets[0].font", &["comic", "6x10"]),
        ("empty file", "a.toml", Vec::new(), "1:1", &["empty", "display"]),
        ("blank file", "a.json", b"  \n\n ".to_vec(), "1:1", &["empty"]),
        ("non-utf8", "a.toml", b"display = { width = 128, height = 64 }\nname = \"\xff\xfe\"\n".to_vec(), "2:9", &["UTF-8"]),
        ("50 MB", "a.toml", vec![b'#'; 50 << 20], "1:1048577", &["at most", "bytes"]),
        ("missing display", "a.toml", b"name = \"x\"\n".to_vec(), "1:1", &["missing field", "display"]),
        ("json trailing garbage", "a.json", b"{\"display\": {\"width\": 128, \"height\": 64}} x".to_vec(), "1:", &["trailing"]),
    ]
}

fn check(err: &SceneError, loc: &str, words: &[&str]) -> Result<(), String> {
    let shown = err.to_string();
    let located = if loc.contains(':') && loc.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        let (l, c) = loc.split_once(':').unwrap();
        err.line() == Some(l.parse::<u32>().unwrap())
            && (c.is_empty() || err.column() == Some(c.parse::<u32>().unwrap()))
    } else if loc.ends_with(": ") {
        shown.starts_with(loc)
    } else {
        err.path.starts_with(loc)
    };
    if !located {
        return Err(format!(
            "location: expected {loc}, got line:col {:?} path {:?}",
            err.line_col, err.path
        ));
    }
    for w in words {
        if !shown.contains(w) {
            return Err(format!("message lacks {w:?}"));
        }
    }
    if !shown.starts_with("a.") {
        return Err("message does not start with the file name".into());
    }
    Ok(())
}

#[test]
fn every_bad_input_is_a_located_scene_error() {
    let mut failures = Vec::new();
    for (name, file, src, loc, words) in cases() {
        let started = std::time::Instant::now();
        match Engine::from_source(file, &src) {
            Ok(_) => failures.push(format!("{name}: accepted")),
            Err(e) => {
                if let Err(why) = check(&e, loc, words) {
                    failures.push(format!("{name}: {why}\n    {e}"));
                }
            }
        }
        // Not a timing assertion on the engine's speed, a hang detector with a wide margin.
        assert!(
            started.elapsed().as_secs() < 20,
            "{name} took {:?}",
            started.elapsed()
        );
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn parse_scene_agrees_with_engine() {
    for (name, file, src, _, _) in cases() {
        assert!(tinydisplay::parse_scene(file, &src).is_err(), "{name}");
    }
}
