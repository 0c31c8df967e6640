//! Bitmap text (ASCII art or PBM `P1`) to a 1-bit image.

use crate::error::SceneError;
use crate::image::PageImage;
use crate::model::Bitmap;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

fn err(path: &str, message: impl Into<String>) -> SceneError {
    SceneError::at_path(path, message)
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
        if !(1..=1024).contains(&w) || !(1..=1024).contains(&h) {
            return Err(err(
                path,
                format!("PBM: size {w}x{h} is out of range 1..=1024"),
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
    let rows: Vec<&str> = trimmed
        .lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if rows.is_empty() {
        return Err(err(path, "bitmap is empty"));
    }
    let w = rows[0].chars().count();
    if w > 1024 || rows.len() > 1024 {
        return Err(err(path, "bitmap is larger than 1024x1024"));
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
