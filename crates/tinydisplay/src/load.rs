//! Scene text (TOML or JSON) to [`Scene`], with errors that point at line and column.

use crate::error::SceneError;
use crate::limits::MAX_SCENE_BYTES;
use crate::scene::Scene;
use alloc::format;
use alloc::string::ToString;

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

/// Parses scene bytes and validates them. `file` names the source in error messages.
///
/// ```
/// let err = tinydisplay::parse_scene("bad.toml", b"display = { width = 128, height = 64 }\nwidgets = 3\n")
///     .unwrap_err();
/// assert_eq!(err.line, 2);
/// assert!(err.to_string().starts_with("bad.toml:2:"));
/// ```
pub fn parse_scene(file: &str, bytes: &[u8]) -> Result<Scene, SceneError> {
    let scene = parse_unvalidated(file, bytes)?;
    crate::compile::compile(&scene).map_err(|e| e.with_file(file))?;
    Ok(scene)
}

pub(crate) fn parse_unvalidated(file: &str, bytes: &[u8]) -> Result<Scene, SceneError> {
    let fail = |line: u32, col: u32, message: alloc::string::String| SceneError {
        file: file.to_string(),
        line,
        col,
        path: alloc::string::String::new(),
        message,
    };
    if bytes.len() > MAX_SCENE_BYTES {
        return Err(fail(
            0,
            0,
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
            let (line, col) = line_col(bytes, e.valid_up_to());
            return Err(fail(line, col, "file is not valid UTF-8 text".to_string()));
        }
    };
    if text.trim().is_empty() {
        return Err(fail(
            1,
            1,
            "file is empty; expected a scene with a `display` table".to_string(),
        ));
    }
    match Format::detect(file, text) {
        Format::Toml => toml::from_str::<Scene>(text).map_err(|e| {
            let (line, col) = e
                .span()
                .map(|s| line_col(text.as_bytes(), s.start))
                .unwrap_or((0, 0));
            fail(line, col, e.message().trim().to_string())
        }),
        Format::Json => serde_json::from_str::<Scene>(text).map_err(|e| {
            let msg = e.to_string();
            // serde_json appends " at line L column C"; we print the location in front instead.
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            fail(e.line() as u32, e.column() as u32, msg)
        }),
    }
}

fn line_col(bytes: &[u8], offset: usize) -> (u32, u32) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    (line as u32, col as u32)
}
