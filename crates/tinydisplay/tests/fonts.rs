//! Unicode text, icon fonts and the replacement box, as ASCII pictures (`#` lit, `.` dark).
mod common;
use common::{assert_window, engine, lit_outside, render};
use tinydisplay::{Engine, Event, Value};

fn text(font: &str, text: &str) -> String {
    format!("[[widgets]]\nkind = \"text\"\nfont = \"{font}\"\ntext = \"{text}\"\n")
}

#[test]
fn a_missing_glyph_draws_the_replacement_box() {
    // uni_8: line height 8, ascent 7. The box is max(3, 8 / 2) = 4 wide and
    // max(3, 7 * 2 / 3) = 4 tall, standing on the baseline, advance 5: 'A' starts at x = 5.
    let f = render(16, 8, &text("uni_8", "漢A"), 0);
    assert_window(
        &f,
        0,
        0,
        "
        .......###......
        ......##.##.....
        .....##...##....
        ####.#######....
        #..#.##...##....
        #..#.##...##....
        ####.##...##....
        ................
        ",
    );
}

#[test]
fn a_latin1_glyph() {
    let f = render(16, 8, &text("uni_8", "é"), 0);
    assert_window(
        &f,
        0,
        0,
        "
        ....##..
        ...##...
        .#####..
        ##...##.
        #######.
        ##......
        .#####..
        ........
        ",
    );
    assert!(lit_outside(&f, 0, 0, 8, 8).is_empty());
}

#[test]
fn a_cyrillic_glyph_in_two_families() {
    let f = render(16, 8, &text("uni_8", "Ж"), 0);
    assert_window(
        &f,
        0,
        0,
        "
        ##.#.##.
        ##.#.##.
        .#.#.#..
        .#####..
        .#.#.#..
        ##.#.##.
        ##.#.##.
        ........
        ",
    );
    // uni_12 (6x12): the baseline is 10 rows down, the glyph 7 rows tall above it.
    let f = render(16, 16, &text("uni_12", "Ж"), 0);
    assert_window(
        &f,
        0,
        0,
        "
        ......
        ......
        ......
        #.#.#.
        #.#.#.
        .###..
        ..#...
        .###..
        #.#.#.
        #.#.#.
        ......
        ......
        ",
    );
}

#[test]
fn an_icon_by_name_and_by_codepoint() {
    let wifi = "
        .#####..
        #.....#.
        ........
        ..###...
        ........
        ........
        ...##...
        ...##...
        ";
    let f = render(
        16,
        8,
        "[[widgets]]\nkind = \"text\"\nicon = \"wifi\"\nfont = \"icons_8\"\n",
        0,
    );
    assert_window(&f, 0, 0, wifi);
    assert!(lit_outside(&f, 0, 0, 8, 8).is_empty());
    // The same icon as its private-use character in a text.
    let g = render(16, 8, &text("icons_8", "\\ue119"), 0);
    assert_eq!(f, g);
    // Without `font`, an icon is 16 pixels (icons_16).
    let h = render(32, 16, "[[widgets]]\nkind = \"text\"\nicon = \"wifi\"\n", 0);
    assert!(lit_outside(&h, 0, 0, 16, 16).is_empty());
    assert!(!lit_outside(&h, 0, 0, 8, 8).is_empty(), "bigger than 8x8");
}

#[test]
fn proportional_text_aligns_by_its_advances() {
    // "ЖЖ" in uni_12 is 2 x 6 = 12 wide: right-aligned in 16 columns it starts at x = 4.
    let f = render(
        16,
        16,
        "[[widgets]]\nkind = \"text\"\nfont = \"uni_12\"\ntext = \"ЖЖ\"\nw = 16\nalign = \"right\"\n",
        0,
    );
    assert_window(
        &f,
        0,
        3,
        "
        ....#.#.#.#.#.#.
        ....#.#.#.#.#.#.
        .....###...###..
        ",
    );
}

#[test]
fn multilingual_text_has_every_glyph_in_the_unicode_families() {
    for font in ["uni_8", "uni_12", "uni_16"] {
        let body = [
            "21°C",
            "Café del Mar",
            "Привет",
            "Γειά",
            "± µ € £ ¥ © • … ← ↑ → ↓ ✓",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "[[widgets]]\nkind = \"text\"\nfont = \"{font}\"\ny = {}\ntext = \"{t}\"\n",
                i * 8
            )
        })
        .collect::<String>();
        let e = engine(128, 64, &body);
        assert_eq!(e.missing_glyphs(), vec![], "{font}");
    }
}

#[test]
fn unicode_text_inputs_and_marquees_render_within_bounds() {
    // A text input with multi-byte characters, in a template and in a marquee: proportional
    // widths come from the characters, never from byte counts.
    let body = r#"
[inputs]
city = { default = "Привет" }
[[widgets]]
kind = "text"
font = "uni_8"
text = "{city} 21°C"
[[widgets]]
kind = "marquee"
font = "uni_12"
y = 10
w = 64
h = 12
text = "{city} · Γειά · Café"
"#;
    let mut e = engine(64, 24, body);
    e.push_event(Event {
        tick: 5,
        input: "city".into(),
        value: Value::Text("Ελληνικά".repeat(600)),
    })
    .unwrap();
    for t in [0, 1, 4, 5, 6, 100, 1000, 5000] {
        let f = e.render(t);
        assert!(lit_outside(&f, 0, 0, 64, 24).is_empty());
    }
    // "Привет 21°C" in uni_8 is 11 characters of 8 columns: clipped at the 64-column panel.
    let f = e.render(0);
    assert!(!lit_outside(&f, 0, 8, 64, 16).is_empty());
}

#[test]
fn icon_field_errors_are_located() {
    let cases = [
        (
            "icon = \"wifi\"\ntext = \"x\"",
            4,
            "either `text` or `icon`",
        ),
        ("icon = \"wify\"", 4, "unknown icon \"wify\""),
        ("icon = \"wifi\"\nfont = \"uni_8\"", 5, "needs an icon font"),
        (
            "font = \"uni_9\"\ntext = \"x\"",
            4,
            "uni_8, uni_12, uni_16, icons_8",
        ),
    ];
    for (fields, line, msg) in cases {
        let src = format!(
            "display = {{ width = 32, height = 16 }}\n[[widgets]]\nkind = \"text\"\n{fields}\n"
        );
        let e = Engine::from_source("s.toml", src.as_bytes()).unwrap_err();
        assert!(e.message.contains(msg), "{e}");
        assert_eq!(e.line_col.map(|l| l.0), Some(line), "{e}");
    }
    let src =
        "display = { width = 32, height = 16 }\n[[widgets]]\nkind = \"rect\"\nicon = \"wifi\"\n";
    let e = Engine::from_source("s.toml", src.as_bytes()).unwrap_err();
    assert!(e.message.contains("icon"), "{e}");
}

#[test]
fn missing_glyph_warnings_name_file_line_col_and_characters() {
    let src = "display = { width = 32, height = 16 }\n[inputs]\nt = { default = 1 }\n\
               [[widgets]]\nkind = \"text\"\ntext = \"ok\"\n\
               [[widgets]]\nkind = \"text\"\ny = 8\ntext = \"{t}°C Привет\"\n";
    let e = Engine::from_source("s.toml", src.as_bytes()).unwrap();
    let w = e.missing_glyph_warnings("s.toml", src);
    assert_eq!(w.len(), 1);
    let s = w[0].to_string();
    assert!(
        s.starts_with("s.toml:10:8: widgets[1].text: font \"6x10\" has no glyph for '°', 'П'"),
        "{s}"
    );
    assert!(!s.contains("'{'"), "placeholders are not literal text: {s}");
}

/// A hand-made BDF-style font: `j` hangs 2 rows below the baseline and 1 column left of its
/// pen (negative BBX offsets), `°` sits 3 rows above the baseline.
fn bdf_assets() -> tinydisplay::asset::Assets {
    use tinydisplay::asset::{Assets, FontAsset, FontGlyph};
    let bits = |rows: &[&str]| -> Vec<u8> {
        rows.iter()
            .flat_map(|r| r.bytes().map(|b| u8::from(b == b'#')))
            .collect()
    };
    let glyph = |ch, advance, x, y, rows: &[&str]| FontGlyph {
        ch,
        advance,
        x,
        y,
        width: rows[0].len() as u32,
        height: rows.len() as u32,
        rows: bits(rows),
    };
    let mut assets = Assets::default();
    assets.fonts.insert(
        "fonts/t.bdf".into(),
        FontAsset {
            ascent: 5,
            descent: 2,
            default_char: None,
            glyphs: vec![
                glyph(
                    'j',
                    3,
                    -1,
                    -2,
                    &["..#", "...", "..#", "..#", "..#", "#.#", ".#."],
                ),
                glyph('°', 3, 0, 3, &["##", "##"]),
            ],
        },
    );
    assets
}

#[test]
fn a_bdf_glyph_with_negative_offsets() {
    let src = "display = { width = 16, height = 8 }\n[[widgets]]\nkind = \"text\"\nx = 1\nfont = \"fonts/t.bdf\"\ntext = \"j°jx\"\n";
    let e = Engine::from_source_with_assets("s.toml", src.as_bytes(), bdf_assets()).unwrap();
    let f = e.render(0);
    // Line top y = 0, baseline after row 4 (ascent 5). 'j' (x = -1, y = -2, 7 tall) at pen 1
    // covers columns 0..=2 and rows 0..=6; '°' (y = 3) at pen 4 rows 0..=1; the second 'j' at
    // pen 7 starts at column 6; 'x' (missing) at pen 10 is the box: max(3, 7 / 2) = 3 wide,
    // max(3, 5 * 2 / 3) = 3 tall, standing on the baseline (rows 2..=4).
    assert_window(
        &f,
        0,
        0,
        "
        ..#.##..#.......
        ....##..........
        ..#.....#.###...
        ..#.....#.#.#...
        ..#.....#.###...
        #.#...#.#.......
        .#.....#........
        ................
        ",
    );
    assert!(e.missing_glyphs()[0].chars == ['x']);
}

#[test]
fn a_malformed_bdf_asset_is_an_error_at_the_font_field() {
    let mut assets = bdf_assets();
    assets.fonts.get_mut("fonts/t.bdf").unwrap().glyphs[0]
        .rows
        .pop();
    let src = "display = { width = 16, height = 8 }\n[[widgets]]\nkind = \"text\"\nfont = \"fonts/t.bdf\"\ntext = \"j\"\n";
    let e = Engine::from_source_with_assets("s.toml", src.as_bytes(), assets).unwrap_err();
    assert_eq!(e.path, "widgets[0].font");
    assert!(e.message.contains("malformed"), "{e}");
    // Not loaded at all: the asset step names the path.
    let e = Engine::from_source("s.toml", src.as_bytes()).unwrap_err();
    assert!(e.message.contains("was not loaded"), "{e}");
}
