//! Scene text (TOML or JSON) to [`Scene`], with errors that point at line and column.

use crate::asset::Assets;
use crate::compile::compile;
use crate::error::SceneError;
use crate::limits::MAX_SCENE_BYTES;
use crate::locate::{line_col, Index};
use crate::model::Compiled;
use crate::scene::Scene;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

/// The two spellings of one schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    /// By file extension, else by the first non-blank character (`{` is JSON).
    pub fn detect(file: &str, text: &str) -> Format {
        let lower = file.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Format::Json
        } else if lower.ends_with(".toml") {
            Format::Toml
        } else if text.trim_start().starts_with('{') {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// Parses scene bytes and validates them. `file` names the source in error messages; every
/// error carries the line and column it is about.
///
/// ```
/// let err = tinydisplay::parse_scene("bad.toml", b"display = { width = 128, height = 64 }\nwidgets = 3\n")
///     .unwrap_err();
/// assert_eq!(err.line(), Some(2));
/// assert!(err.to_string().starts_with("bad.toml:2:"));
///
/// // Invalid values are located too, through their field path.
/// let src = b"display = { width = 128, height = 64 }\n[[widgets]]\nkind = \"rect\"\nw = -3\n";
/// let err = tinydisplay::parse_scene("bad.toml", src).unwrap_err();
/// assert_eq!(err.line_col, Some((4, 5)));
/// assert_eq!(err.path, "widgets[0].w");
/// ```
pub fn parse_scene(file: &str, bytes: &[u8]) -> Result<Scene, SceneError> {
    load(file, bytes, Assets::default()).map(|c| c.scene)
}

/// Parses scene bytes without validating the values: syntax and types only. What a shell needs
/// to list the files a scene names ([`Scene::asset_refs`]) before it can load them and compile
/// the scene with [`crate::Engine::from_source_with_assets`].
///
/// ```
/// let src = b"display = { width = 32, height = 8 }\n[[widgets]]\nkind = \"image\"\nsrc = \"logo.png\"\n";
/// // Without the picture the scene does not compile, but it parses.
/// assert!(tinydisplay::parse_scene("s.toml", src).is_err());
/// let scene = tinydisplay::parse_scene_text("s.toml", src).unwrap();
/// assert_eq!(scene.asset_refs()[0].path, "logo.png");
/// ```
pub fn parse_scene_text(file: &str, bytes: &[u8]) -> Result<Scene, SceneError> {
    parse_text(file, bytes).map(|(_, _, scene)| scene)
}

/// Parses and compiles scene bytes; a validation error gets the line and column of its path.
pub(crate) fn load(file: &str, bytes: &[u8], assets: Assets) -> Result<Compiled, SceneError> {
    let (text, format, scene) = parse_text(file, bytes)?;
    compile(&scene, assets).map_err(|errors| {
        let index = match format {
            Format::Toml => Index::toml(text),
            Format::Json => Index::json(text),
        };
        // The text parsed, so it indexes; the fallback is the file's start. Of all errors, the
        // one first in the file is reported (ties: the first in check order).
        let mut located: Vec<SceneError> = errors
            .into_iter()
            .map(|mut e| {
                if e.line_col.is_none() {
                    e.line_col = Some(index.as_ref().map_or((1, 1), |i| i.locate(&e.path)));
                }
                e
            })
            .collect();
        let first = (0..located.len())
            .min_by_key(|&i| located[i].line_col)
            .unwrap_or(0);
        located.swap_remove(first).with_file(file)
    })
}

// Here rather than in `error.rs`: locating needs the format detection and the indexes this
// module owns, and `error.rs` stays a leaf that every module can import.
impl SceneError {
    /// An error about `field` (a path such as `widgets[2].src`) of the scene `text` read from
    /// `file`, located at the field's line and column: for shells that find problems the
    /// engine cannot see, such as an asset file that cannot be read.
    ///
    /// ```
    /// let text = "display = { width = 32, height = 8 }\n[[widgets]]\nkind = \"image\"\nsrc = \"logo.png\"\n";
    /// let e = tinydisplay::SceneError::at_field("s.toml", text, "widgets[0].src", "cannot read asset");
    /// assert_eq!(e.to_string(), "s.toml:4:7: widgets[0].src: cannot read asset");
    /// ```
    pub fn at_field(file: &str, text: &str, field: &str, message: impl Into<String>) -> Self {
        let index = match Format::detect(file, text) {
            Format::Toml => Index::toml(text),
            Format::Json => Index::json(text),
        };
        SceneError {
            file: file.to_string(),
            line_col: Some(index.as_ref().map_or((1, 1), |i| i.locate(field))),
            path: field.to_string(),
            message: message.into(),
        }
    }
}

/// Text to `Scene` (syntax and types), not yet validated.
fn parse_text<'a>(file: &str, bytes: &'a [u8]) -> Result<(&'a str, Format, Scene), SceneError> {
    let fail = |(line, col): (u32, u32), message: String| SceneError {
        file: file.to_string(),
        line_col: Some((line.max(1), col.max(1))),
        path: String::new(),
        message,
    };
    if bytes.len() > MAX_SCENE_BYTES {
        // Where the limit is crossed: the first byte too many.
        return Err(fail(
            line_col(bytes, MAX_SCENE_BYTES),
            format!(
                "file is {} bytes; a scene may be at most {} bytes",
                bytes.len(),
                MAX_SCENE_BYTES
            ),
        ));
    }
    let text = match core::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(fail(
                line_col(bytes, e.valid_up_to()),
                "file is not valid UTF-8 text".to_string(),
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(fail(
            (1, 1),
            "file is empty; expected a scene with a `display` table".to_string(),
        ));
    }
    let format = Format::detect(file, text);
    let scene = match format {
        Format::Toml => toml_scene(text).map_err(|e| {
            let at = e
                .span()
                .map_or((1, 1), |s| line_col(text.as_bytes(), s.start));
            fail(at, e.message().trim().to_string())
        }),
        Format::Json => serde_json::from_str::<Scene>(text).map_err(|e| {
            let msg = e.to_string();
            // serde_json appends " at line L column C"; we print the location in front instead.
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            fail((e.line() as u32, e.column() as u32), msg)
        }),
    }?;
    Ok((text, format, scene))
}

/// Most extra deserializations spent looking for an earlier type error in a TOML file.
const TOML_RETRIES: usize = 16;

/// TOML text to `Scene`. The TOML parser keeps tables sorted by key, so serde meets fields in
/// alphabetical order, not file order: `x = "left"` on line 4 would be reported after
/// `fill = "yes"` on line 5. So after a type error, the offending entry is cut from the parsed
/// tree and the rest deserialized again, a few times, and the error first in the file is
/// returned. (Syntax errors come from the parser, which reads in file order.)
fn toml_scene(text: &str) -> Result<Scene, toml::de::Error> {
    use serde::Deserialize;
    let first = match toml::from_str::<Scene>(text) {
        Ok(scene) => return Ok(scene),
        Err(e) => e,
    };
    let Ok(mut doc) = DeTable::parse(text) else {
        return Err(first);
    };
    let start = |e: &toml::de::Error| e.span().map(|s| s.start);
    let mut removed: Vec<String> = Vec::new();
    let mut best = first.clone();
    let mut last = first;
    for _ in 0..TOML_RETRIES {
        // A missing field is not cured by removing anything.
        let Some(at) = start(&last).filter(|_| !last.message().starts_with("missing field")) else {
            break;
        };
        if !remove_at(doc.get_mut(), at, &mut removed) {
            break;
        }
        match Scene::deserialize(toml::de::Deserializer::from(doc.clone())) {
            Ok(_) => break,
            Err(e) => {
                // Caused by a removal, not by the file.
                if removed
                    .iter()
                    .any(|k| e.message().starts_with(&format!("missing field `{k}`")))
                {
                    break;
                }
                if start(&e) < start(&best) {
                    best = e.clone();
                }
                last = e;
            }
        }
    }
    Err(best)
}

/// Removes the innermost key or array item at byte `offset`; `false` if none holds it. The whole
/// tree is searched: a `[table]` or `[[array]]` section's span is only its header line.
fn remove_at(table: &mut DeTable<'_>, offset: usize, removed: &mut Vec<String>) -> bool {
    let mut hit = None;
    for (k, v) in table.iter_mut() {
        if remove_in(v, offset, removed) {
            return true;
        }
        if v.span().contains(&offset) || k.span().contains(&offset) {
            hit = Some(k.get_ref().to_string());
            break;
        }
    }
    match hit {
        Some(k) => {
            table.remove(k.as_str());
            removed.push(k);
            true
        }
        None => false,
    }
}

/// Removes what holds `offset` inside `v` (not `v` itself).
fn remove_in(v: &mut Spanned<DeValue<'_>>, offset: usize, removed: &mut Vec<String>) -> bool {
    match v.get_mut() {
        DeValue::Table(t) => remove_at(t, offset, removed),
        DeValue::Array(a) => {
            for item in a.as_mut().iter_mut() {
                if remove_in(item, offset, removed) {
                    return true;
                }
            }
            let Some(i) = a.iter().position(|item| item.span().contains(&offset)) else {
                return false;
            };
            let items = core::mem::replace(a, DeArray::new());
            *a = items
                .into_iter()
                .enumerate()
                .filter_map(|(j, item)| (j != i).then_some(item))
                .collect();
            true
        }
        _ => false,
    }
}
