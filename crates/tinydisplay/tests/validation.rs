//! Validation that matches docs/scene-format.md, table-driven: each bad scene gives an error
//! whose message contains the expected words, at the expected line:col; each pixel case renders
//! the expected ASCII-art frame.
mod common;
use common::{assert_frame, engine};
use tinydisplay::{Engine, Event, Value};

const HEAD: &str = "display = { width = 128, height = 64 }\n";

/// (case, file name, scene text, words the message must contain, expected "LINE:COL")
struct Bad {
    name: &'static str,
    file: &'static str,
    src: String,
    says: &'static [&'static str],
    at: String,
}

fn bad(
    name: &'static str,
    file: &'static str,
    src: impl Into<String>,
    says: &'static [&'static str],
    at: impl Into<String>,
) -> Bad {
    Bad {
        name,
        file,
        src: src.into(),
        says,
        at: at.into(),
    }
}

/// Groups nested `levels` deep on one line; the error must point at the last group that may
/// not have children, found by counting its `{` in the text.
fn nested_groups(levels: usize) -> (String, String) {
    let mut w = String::from("{ kind = \"rect\" }");
    for _ in 0..levels {
        w = format!("{{ kind = \"group\", children = [{w}] }}");
    }
    let line = format!("widgets = [{w}]\n");
    // Depth 0 is the first `{`; the group at depth 16 is the 17th.
    let col = line.match_indices('{').nth(16).unwrap().0 + 1;
    (format!("{HEAD}{line}"), format!("2:{col}"))
}

fn cases() -> Vec<Bad> {
    let t = |s: &str| format!("{HEAD}{s}");
    let (deep, deep_at) = nested_groups(17);
    let many_inputs: String = (0..300).map(|i| format!("i{i} = {{}}\n")).collect();
    vec![
        // 1. ids are unique, widgets and tracks share one namespace; the message names both.
        bad("duplicate widget id", "a.toml",
            t("[[widgets]]\nid = \"a\"\nkind = \"rect\"\n[[widgets]]\nid = \"a\"\nkind = \"rect\"\n"),
            &["id \"a\" is already used at widgets[0].id", "widgets[1].id"], "6:6"),
        bad("widget id reused by a track", "a.toml",
            t("[[widgets]]\nid = \"a\"\nkind = \"rect\"\nanimate = [{ id = \"a\", prop = \"x\", keys = [{ t = 0, v = 0 }] }]\n"),
            &["already used at widgets[0].id", "widgets[0].animate[0].id"], "5:19"),
        bad("duplicate track id", "a.json",
            "{\"display\": {\"width\": 128, \"height\": 64}, \"widgets\": [\n {\"kind\": \"rect\", \"animate\": [{\"id\": \"s\", \"prop\": \"x\", \"keys\": [{\"t\": 0, \"v\": 0}]}]},\n {\"kind\": \"rect\", \"animate\": [{\"id\": \"s\", \"prop\": \"y\", \"keys\": [{\"t\": 0, \"v\": 0}]}]}]}",
            &["already used at widgets[0].animate[0].id"], "3:38"),
        // 2. A field that does not apply to the kind names the kind and the field.
        bad("rect with font", "a.toml", t("[[widgets]]\nkind = \"rect\"\nfont = \"5x7\"\n"),
            &["`font` does not apply to a rect widget", "text, marquee"], "4:8"),
        bad("rect with speed", "a.toml", t("[[widgets]]\nkind = \"rect\"\nspeed = 3\n"),
            &["`speed` does not apply to a rect widget"], "4:9"),
        bad("rect with align at its default", "a.toml", t("[[widgets]]\nkind = \"rect\"\nalign = \"left\"\n"),
            &["`align` does not apply to a rect widget"], "4:9"),
        bad("text with fill", "a.toml", t("[[widgets]]\nkind = \"text\"\ntext = \"hi\"\nfill = false\n"),
            &["`fill` does not apply to a text widget"], "5:8"),
        bad("line with radius", "a.toml", t("[[widgets]]\nkind = \"line\"\nradius = 2\n"),
            &["`radius` does not apply to a line widget", "rect, progress"], "4:10"),
        bad("group with bitmap", "a.toml", t("[[widgets]]\nkind = \"group\"\nbitmap = \"#\"\n"),
            &["`bitmap` does not apply to a group widget"], "4:10"),
        bad("sprite with value", "a.toml", t("[[widgets]]\nkind = \"sprite\"\nframes = [\"#\"]\nvalue = 3\n"),
            &["`value` does not apply to a sprite widget", "progress"], "5:9"),
        bad("marquee with clip", "a.toml", t("[[widgets]]\nkind = \"marquee\"\ntext = \"x\"\nclip = false\n"),
            &["`clip` does not apply to a marquee widget", "group"], "5:8"),
        bad("progress with frame", "a.json",
            "{\"display\": {\"width\": 128, \"height\": 64},\n \"widgets\": [{\"kind\": \"progress\", \"frame\": 2}]}",
            &["`frame` does not apply to a progress widget"], "2:44"),
        // 3. Errors in file order, whatever order the checks run in.
        bad("value errors in file order", "a.toml", t("[[widgets]]\nkind = \"rect\"\nopacity = 99\nx = 99999\n"),
            &["99 is out of range: expected 0..=16"], "4:11"),
        bad("timeline before the widgets", "a.toml",
            t("[timelines.intro]\nmode = \"sequence\"\nitems = [\"nope\"]\n[[widgets]]\nkind = \"rect\"\nw = -1\n"),
            &["undefined timeline or track id \"nope\""], "4:10"),
        bad("later widget, earlier line", "a.toml",
            t("[[widgets]]\nkind = \"rect\"\n[inputs]\ncpu = { min = 5, max = 1 }\n[[widgets]]\nkind = \"rect\"\nh = -4\n"),
            &["min 5 is greater than max 1"], "5:7"),
        bad("type errors in file order", "a.toml", t("[[widgets]]\nkind = \"rect\"\nx = \"left\"\nfill = \"yes\"\n"),
            &["invalid type", "i32"], "4:5"),
        bad("type errors in file order, nested", "a.toml",
            t("[[widgets]]\nkind = \"rect\"\nanimate = [{ prop = \"x\", keys = [{ t = \"zero\", v = 0 }] }]\n[[widgets]]\nkind = \"rect\"\nclip = \"no\"\n"),
            &["invalid type", "u32"], "4:40"),
        bad("toml syntax error", "a.toml", t("[[widgets]]\nkind = = \"rect\"\n"), &["extra `=`"], "3:8"),
        bad("toml syntax error after a value error", "a.toml", t("[[widgets]]\nkind = \"rect\"\nw = -1\nh = 2 3\n"), &["must be quoted"], "5:5"),
        // 4. The group that nests too deep, not the leaf below it.
        bad("groups 17 deep", "a.toml", deep, &["groups nest deeper than 16 levels", "cannot have children"], deep_at),
        // 5. Bitmap rows keep their spaces: a ragged row counts its spaces.
        bad("bitmap row with a trailing space", "a.toml", t("[[widgets]]\nkind = \"bitmap\"\nbitmap = \"##\\n## \"\n"),
            &["row 2 has 3 pixels, row 1 has 2"], "4:10"),
        // 7. Text keys are templates.
        bad("text key naming an unknown input", "a.toml",
            t("[[widgets]]\nkind = \"text\"\nanimate = [{ prop = \"text\", keys = [{ t = 0, v = \"a\" }, { t = 9, v = \"{gpu}\" }] }]\n"),
            &["undefined input \"gpu\"", "widgets[0].animate[0].keys[1].v"], "4:70"),
        bad("text key with a stray brace", "a.toml",
            t("[[widgets]]\nkind = \"text\"\nanimate = [{ prop = \"text\", keys = [{ t = 0, v = \"a}\" }] }]\n"),
            &["stray `}`"], "4:50"),
        // 8. Limits.
        bad("text too long", "a.toml", t(&format!("[[widgets]]\nkind = \"text\"\ntext = \"{}\"\n", "a".repeat(5000))),
            &["text is 5000 bytes long: at most 4096"], "4:8"),
        bad("template output too long", "a.toml", t(&format!("[inputs]\ncpu = {{}}\n[[widgets]]\nkind = \"text\"\ntext = \"{}\"\n", "{cpu}".repeat(300))),
            &["can expand to 6000 bytes", "at most 4096"], "6:8"),
        bad("marquee gap too wide", "a.toml", t("[[widgets]]\nkind = \"marquee\"\ntext = \"x\"\ngap = 2000\n"),
            &["2000 is out of range: expected 0..=1024"], "5:7"),
        bad("too many sprite frames", "a.toml", t(&format!("[[widgets]]\nkind = \"sprite\"\nframes = [{}]\n", vec!["\"#\""; 300].join(", "))),
            &["300 frames: a sprite has at most 256"], "4:10"),
        bad("sparkline too wide", "a.toml", t("[[widgets]]\nkind = \"sparkline\"\nw = 5000\nseries = { wave = { period = 9, min = 0, max = 9 } }\n"),
            &["5000 points is too wide: at most 4096"], "4:5"),
        bad("too many inputs", "a.toml", t(&format!("[inputs]\n{many_inputs}")),
            &["300 inputs declared: at most 256"], "2:1"),
    ]
}

#[test]
fn bad_scenes_give_the_first_error_in_the_file_at_its_line_and_column() {
    let mut failures = Vec::new();
    for b in cases() {
        for loaded in [
            Engine::from_source(b.file, b.src.as_bytes()).map(|_| ()),
            tinydisplay::parse_scene(b.file, b.src.as_bytes()).map(|_| ()),
        ] {
            let e = match loaded {
                Ok(()) => {
                    failures.push(format!("{}: accepted", b.name));
                    continue;
                }
                Err(e) => e,
            };
            let shown = e.to_string();
            let at = e.line_col.map(|(l, c)| format!("{l}:{c}"));
            if at.as_deref() != Some(b.at.as_str()) {
                failures.push(format!(
                    "{}: at {at:?}, expected {}\n    {shown}",
                    b.name, b.at
                ));
            }
            if !shown.starts_with(&format!("{}:{}: ", b.file, b.at)) {
                failures.push(format!("{}: not FILE:LINE:COL: {shown}", b.name));
            }
            for w in b.says {
                if !shown.contains(w) {
                    failures.push(format!("{}: lacks {w:?}\n    {shown}", b.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn at_the_limits_scenes_load() {
    let (deep, _) = nested_groups(16);
    let t = |s: &str| format!("{HEAD}{s}");
    let ok = [
        deep,
        t(&format!("[[widgets]]\nkind = \"text\"\ntext = \"{}\"\n", "a".repeat(4096))),
        t("[[widgets]]\nkind = \"marquee\"\ntext = \"x\"\ngap = 1024\n"),
        t(&format!("[[widgets]]\nkind = \"sprite\"\nframes = [{}]\n", vec!["\"#\""; 256].join(", "))),
        t("[[widgets]]\nkind = \"sparkline\"\nw = 4096\nseries = { wave = { period = 9, min = 0, max = 9 } }\n"),
        t(&format!("[inputs]\n{}", (0..256).map(|i| format!("i{i} = {{}}\n")).collect::<String>())),
        // A widget id may be the name of a timeline item only if it is a track: here it is not
        // used by any timeline, and a track id elsewhere is different.
        t("[[widgets]]\nid = \"w\"\nkind = \"rect\"\nanimate = [{ id = \"t\", prop = \"x\", keys = [{ t = 0, v = 0 }] }]\n"),
    ];
    for src in ok {
        if let Err(e) = Engine::from_source("ok.toml", src.as_bytes()) {
            panic!("{e}");
        }
    }
}

/// Without the text (a `Scene` value), an error has no position, but the same message.
#[test]
fn scene_values_report_the_path_without_a_position() {
    let src = format!("{HEAD}[[widgets]]\nkind = \"rect\"\nfont = \"5x7\"\n");
    let scene: tinydisplay::Scene = toml::from_str(&src).unwrap();
    let e = Engine::new(scene).unwrap_err();
    assert_eq!(e.line_col, None);
    assert_eq!(e.path, "widgets[0].font");
    assert_eq!(
        e.to_string(),
        "<scene>: widgets[0].font: `font` does not apply to a rect widget (it applies to: text, marquee)"
    );
}

// ---- pixel cases ------------------------------------------------------------------------------

/// 5. `" ## "` under `"#  #"`: spaces are dark pixels, also at the edges of a row.
#[test]
fn bitmap_rows_keep_their_edge_spaces() {
    let body = "[[widgets]]\nkind = \"bitmap\"\nx = 1\ny = 1\nw = 4\nh = 4\nbitmap = \"#  #\\n ## \\n    \\n#  #\"\n";
    assert_frame(
        &engine(8, 8, body).render(0),
        "
        ........
        .#..#...
        ..##....
        ........
        .#..#...
        ........
        ........
        ........
        ",
    );
}

/// Case 5 again, the rule that keeps multi-line strings working: an empty first and last line
/// are not rows (TOML drops the newline after the opening `"""` itself), every other line is.
#[test]
fn multi_line_bitmaps_drop_only_the_empty_last_line() {
    let body = "[[widgets]]\nkind = \"bitmap\"\nbitmap = \"\"\"\n # \n# #\n\"\"\"\n";
    assert_frame(
        &engine(4, 8, body).render(0),
        "
        .#..
        #.#.
        ....
        ....
        ....
        ....
        ....
        ....
        ",
    );
}

/// 6. A template shows the input clamped to its range, like `bind` and sparklines do.
#[test]
fn templates_show_clamped_inputs() {
    let body = "[inputs]\ncpu = { min = 0, max = 100 }\n[[widgets]]\nkind = \"text\"\nfont = \"4x6\"\ntext = \"{cpu}\"\n[[widgets]]\nkind = \"progress\"\ny = 6\nw = 12\nh = 2\nstroke = 0\nbind = { value = \"cpu\" }\n";
    let mut e = engine(12, 8, body);
    e.push_event(Event::new(0, "cpu", Value::Int(150))).unwrap();
    e.push_event(Event::new(5, "cpu", Value::Int(-7))).unwrap();
    assert_eq!(e.frame_state(0).widgets[0].text.as_deref(), Some("100"));
    assert_eq!(e.frame_state(5).widgets[0].text.as_deref(), Some("0"));
    assert_frame(
        &e.render(0),
        "
        .#...#...#..
        ##..#.#.#.#.
        .#..###.###.
        .#..#.#.#.#.
        ###..#...#..
        ............
        ############
        ############
        ",
    );
}

/// 6. The `{cpu}%` of the issue, through the public API only.
#[test]
fn percent_template_shows_100_for_150() {
    let body =
        "[inputs]\ncpu = { min = 0, max = 100 }\n[[widgets]]\nkind = \"text\"\ntext = \"{cpu}%\"\n";
    let mut e = engine(64, 16, body);
    e.push_event(Event::new(0, "cpu", Value::Int(150))).unwrap();
    assert_eq!(e.frame_state(0).widgets[0].text.as_deref(), Some("100%"));
    let want = engine(64, 16, "[[widgets]]\nkind = \"text\"\ntext = \"100%\"\n");
    assert_eq!(e.render(0), want.render(0));
}

/// 7. A text key is filled like a `text` field; `{{` stays a literal brace.
#[test]
fn text_keys_are_templates() {
    let body = "[[widgets]]\nkind = \"text\"\nfont = \"4x6\"\nanimate = [{ prop = \"text\", keys = [{ t = 0, v = \"{mm}\" }, { t = 120, v = \"{{}}\" }] }]\n";
    let e = engine(8, 8, body);
    // tick 60 at 60 ticks/s: one second, minute 00.
    assert_eq!(e.frame_state(60).widgets[0].text.as_deref(), Some("00"));
    assert_eq!(e.frame_state(120).widgets[0].text.as_deref(), Some("{}"));
    assert_frame(
        &e.render(60),
        "
        .#...#..
        #.#.#.#.
        ###.###.
        #.#.#.#.
        .#...#..
        ........
        ........
        ........
        ",
    );
    let clock = "[[widgets]]\nkind = \"text\"\nanimate = [{ prop = \"text\", keys = [{ t = 0, v = \"{hh}:{mm}\" }] }]\n";
    let e = engine(64, 16, clock);
    assert_eq!(
        e.frame_state(60 * 3660).widgets[0].text.as_deref(),
        Some("01:01")
    );
}

/// A scene is shareable: it may suggest `system:` metrics for its inputs, nothing that runs a
/// command or reads a file.
#[test]
fn inputs_may_suggest_only_system_metrics() {
    let load = |suggest: &str| {
        let src = format!(
            "display = {{ width = 64, height = 16 }}\n[inputs]\ncpu = {{ max = 100, suggest = \"{suggest}\" }}\n"
        );
        tinydisplay::Engine::from_source("s.toml", src.as_bytes()).map(|_| ())
    };
    assert!(load("system:cpu").is_ok());
    assert!(load("system:hostname").is_ok());
    for bad in [
        "command:rm -rf /",
        "file:/etc/shadow",
        "system:",
        "system:nope",
        "mqtt:a/b",
    ] {
        let e = load(bad).unwrap_err().to_string();
        assert!(
            e.contains("inputs.cpu.suggest") && e.contains("may only suggest a system metric"),
            "{bad}: {e}"
        );
    }
}
