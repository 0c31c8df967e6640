//! Which characters of a scene's literal text its fonts cannot draw (they draw the replacement
//! glyph instead): a pure function of the scene, for `tinydisplay check` and the browser.
//!
//! Only literal text counts: what a `{placeholder}` expands to is not known before run time.
//! Text keys of `animate` tracks on `text` are literal too and are checked.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::SceneError;
use crate::fonts;
use crate::glyph::{FontCache, GlyphFont};
use crate::load::Format;
use crate::locate::Index;
use crate::scene::{Value, Widget};
use crate::text::{Builtin, Fmt, Part, Template};

/// Characters one text field uses that its font lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingGlyphs {
    /// Field path, like `widgets[2].text` or `widgets[0].animate[1].keys[3].v`.
    pub path: String,
    /// The font, as the widget names it (or the default font's name).
    pub font: String,
    /// Each missing character once, in order of first use.
    pub chars: Vec<char>,
}

impl MissingGlyphs {
    /// The warning as text: `font "uni_8" has no glyph for 'x', 'y' (drawn as a box)`.
    pub fn message(&self) -> String {
        let list: Vec<String> = self.chars.iter().map(|c| format!("{c:?}")).collect();
        format!(
            "font {:?} has no glyph for {} (drawn as its replacement glyph)",
            self.font,
            list.join(", ")
        )
    }
}

/// Every text field of `widgets` (groups included) whose literal text has characters its font
/// lacks, in file order. `font_of` resolves a font name the built-ins do not know (BDF assets);
/// `None` skips the widget.
pub(crate) fn missing_glyphs(
    widgets: &[Widget],
    font_of: &dyn Fn(&str) -> Option<GlyphFont>,
) -> Vec<MissingGlyphs> {
    let mut out = Vec::new();
    let mut cache = FontCache::default();
    walk(widgets, "widgets", font_of, &mut cache, &mut out);
    out
}

fn walk(
    widgets: &[Widget],
    prefix: &str,
    font_of: &dyn Fn(&str) -> Option<GlyphFont>,
    cache: &mut FontCache,
    out: &mut Vec<MissingGlyphs>,
) {
    for (i, w) in widgets.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        walk(
            &w.children,
            &format!("{path}.children"),
            font_of,
            cache,
            out,
        );
        let mut texts: Vec<(String, String)> = Vec::new();
        if let Some(t) = &w.text {
            texts.push((format!("{path}.text"), literal(t)));
        }
        for (ti, track) in w.animate.iter().enumerate() {
            if track.prop != "text" {
                continue;
            }
            for (ki, key) in track.keys.iter().enumerate() {
                if let Value::Text(t) = &key.v {
                    texts.push((format!("{path}.animate[{ti}].keys[{ki}].v"), literal(t)));
                }
            }
        }
        if texts.is_empty() {
            continue;
        }
        let name = w
            .font
            .clone()
            .unwrap_or_else(|| String::from(fonts::DEFAULT));
        let font = if fonts::is_builtin(&name) {
            cache.get(&name, || fonts::build(&name))
        } else {
            match font_of(&name) {
                Some(f) => cache.get(&name, || f),
                None => continue,
            }
        };
        for (path, text) in texts {
            let mut chars: Vec<char> = Vec::new();
            for c in text.chars() {
                if !font.has_glyph(c) && !chars.contains(&c) {
                    chars.push(c);
                }
            }
            if !chars.is_empty() {
                out.push(MissingGlyphs {
                    path,
                    font: name.clone(),
                    chars,
                });
            }
        }
    }
}

/// The literal parts of a template (its text outside placeholders, and the literal pieces of
/// `{time:...}` formats); a template that does not parse counts as all literal.
fn literal(src: &str) -> String {
    let Ok(tpl) = Template::parse(src, "", |_, _| Ok(0)) else {
        return String::from(src);
    };
    let mut out = String::new();
    for part in &tpl.parts {
        match part {
            Part::Lit(s) => out.push_str(s),
            Part::Builtin(Builtin::Wall(fmt)) => {
                for f in fmt {
                    if let Fmt::Lit(s) = f {
                        out.push_str(s);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `missing` as located warnings (`FILE:LINE:COL: PATH: message`) against the scene's text.
pub(crate) fn located(file: &str, text: &str, missing: &[MissingGlyphs]) -> Vec<SceneError> {
    let index = match Format::detect(file, text) {
        Format::Toml => Index::toml(text),
        Format::Json => Index::json(text),
    };
    missing
        .iter()
        .map(|m| SceneError {
            file: String::from(file),
            line_col: Some(index.as_ref().map_or((1, 1), |i| i.locate(&m.path))),
            path: m.path.clone(),
            message: m.message(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Scene;

    fn scene(body: &str) -> Scene {
        let src = format!("display = {{ width = 32, height = 16 }}\n{body}");
        crate::load::parse_scene("t.toml", src.as_bytes()).unwrap()
    }

    #[test]
    fn literal_text_only_and_each_character_once() {
        let s = scene(
            "[inputs]\nt = { default = 0 }\n[[widgets]]\nkind = \"text\"\ntext = \"{t}°C Café °\"\n\
             [[widgets]]\nkind = \"text\"\nfont = \"uni_8\"\ntext = \"Привет °C\"\n",
        );
        let m = missing_glyphs(&s.widgets, &|_| None);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].path, "widgets[0].text");
        assert_eq!(m[0].font, "6x10");
        assert_eq!(m[0].chars, ['°', 'é']);
        let w = located("t.toml", "", &m);
        assert_eq!(w[0].path, "widgets[0].text");
    }

    #[test]
    fn groups_and_text_keys_are_checked() {
        let s = scene(
            "[[widgets]]\nkind = \"group\"\n[[widgets.children]]\nkind = \"text\"\nfont = \"uni_12\"\ntext = \"ok\"\n\
             [[widgets.children.animate]]\nprop = \"text\"\nkeys = [{ t = 0, v = \"a\" }, { t = 5, v = \"漢\" }]\n",
        );
        let m = missing_glyphs(&s.widgets, &|_| None);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].path, "widgets[0].children[0].animate[0].keys[1].v");
        assert_eq!(m[0].chars, ['漢']);
        assert!(m[0].message().contains("uni_12"));
    }
}
