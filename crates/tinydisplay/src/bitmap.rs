//! Bitmap text (ASCII art or PBM `P1`) to a 1-bit image.

use crate::error::SceneError;
use crate::image::PageImage;
use crate::limits::MAX_BITMAP_SIDE;
use crate::model::Bitmap;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

fn err(path: &str, message: impl Into<String>) -> SceneError {
    SceneError::at_path(path, message)
}

/// The rows of ASCII art: one per line, spaces kept (a space is a dark pixel, so `" ## "` is four
/// pixels wide). Only an empty first line and an empty last line are dropped, so that a TOML
/// multi-line string may put its closing `"""` on a line of its own, and a trailing newline adds
/// no row; a `\r` before a newline is dropped too. Nothing is trimmed or de-indented: a row that
/// starts with spaces starts with dark pixels.
fn ascii_rows(src: &str) -> Vec<&str> {
    let mut rows: Vec<&str> = src
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if rows.last().is_some_and(|l| l.is_empty()) {
        rows.pop();
    }
    if rows.first().is_some_and(|l| l.is_empty()) {
        rows.remove(0);
    }
    rows
}

/// Decodes ASCII art (`#`, `X`, `x`, `1`, `@` lit; `.`, ` `, `0`, `_`, `-` dark) or PBM `P1` text.
pub(crate) fn parse_bitmap(src: &str, path: &str) -> Result<Bitmap, SceneError> {
    let trimmed = src.trim();
    if let Some(rest) = trimmed.strip_prefix("P1") {
        let mut tokens = rest
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .flat_map(|l| l.split_whitespace())
            .flat_map(|t| {
                // PBM allows bits without separators.
                if t.chars().all(|c| c == '0' || c == '1') && t.len() > 1 {
                    t.split("").filter(|c| !c.is_empty()).collect::<Vec<_>>()
                } else {
                    vec![t]
                }
            });
        let mut num = |what: &str| -> Result<i32, SceneError> {
            let t = tokens
                .next()
                .ok_or_else(|| err(path, format!("PBM: missing {what}")))?;
            t.parse::<i32>()
                .map_err(|_| err(path, format!("PBM: {what} {t:?} is not a number")))
        };
        let w = num("width")?;
        let h = num("height")?;
        let side = 1..=MAX_BITMAP_SIDE as i32;
        if !side.contains(&w) || !side.contains(&h) {
            return Err(err(
                path,
                format!("PBM: size {w}x{h} is out of range 1..={MAX_BITMAP_SIDE}"),
            ));
        }
        let mut bits = Vec::with_capacity((w * h) as usize);
        for _ in 0..w * h {
            match num("pixel")? {
                0 => bits.push(false),
                1 => bits.push(true),
                v => return Err(err(path, format!("PBM: pixel {v} is not 0 or 1"))),
            }
        }
        return Ok(PageImage::from_fn(w, h, |c, r| bits[(r * w + c) as usize]));
    }
    let rows = ascii_rows(src);
    if rows.is_empty() {
        return Err(err(path, "bitmap is empty"));
    }
    let w = rows[0].chars().count();
    if w == 0 {
        return Err(err(path, "bitmap row 1 is empty"));
    }
    if w > MAX_BITMAP_SIDE || rows.len() > MAX_BITMAP_SIDE {
        return Err(err(
            path,
            format!(
                "bitmap is {w}x{}: at most {MAX_BITMAP_SIDE}x{MAX_BITMAP_SIDE}",
                rows.len()
            ),
        ));
    }
    let mut bits = Vec::with_capacity(w * rows.len());
    for (r, row) in rows.iter().enumerate() {
        if row.chars().count() != w {
            return Err(err(
                path,
                format!(
                    "bitmap row {} has {} pixels, row 1 has {w}",
                    r + 1,
                    row.chars().count()
                ),
            ));
        }
        for c in row.chars() {
            bits.push(match c {
                '#' | 'X' | 'x' | '1' | '@' | '*' => true,
                '.' | ' ' | '0' | '_' | '-' => false,
                other => {
                    return Err(err(
                        path,
                        format!(
                            "bitmap row {}: {other:?} is neither lit (#) nor dark (.)",
                            r + 1
                        ),
                    ))
                }
            });
        }
    }
    let w = w as i32;
    Ok(PageImage::from_fn(w, rows.len() as i32, |c, r| {
        bits[(r * w + c) as usize]
    }))
}
