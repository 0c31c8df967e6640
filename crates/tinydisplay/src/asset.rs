//! Decoded assets: the images and bitmap fonts a scene names by file path (`src = "logo.png"`,
//! `font = "fonts/terminus-12.bdf"`).
//!
//! The engine does no I/O and no format decoding: a shell (the CLI, the browser, the golden
//! hashers) reads the files and decodes them with the `tinydisplay-assets` crate, then hands the
//! result here as plain integers (8-bit luma and alpha, 0/1 glyph bits). Every target then
//! compiles the same integers into the same 1-bit pictures.
//!
//! ```
//! use tinydisplay::asset::{Assets, ImageAsset, ImageFrame};
//! use tinydisplay::Engine;
//! let src = "display = { width = 16, height = 8 }\n[[widgets]]\nkind = \"image\"\nsrc = \"dot.png\"\n";
//! let mut assets = Assets::default();
//! let frame = ImageFrame { luma: vec![255; 4], alpha: vec![255; 4], delay_ms: 0 };
//! assets.images.insert("dot.png".into(), ImageAsset { width: 2, height: 2, frames: vec![frame], loops: None });
//! let engine = Engine::from_source_with_assets("s.toml", src.as_bytes(), assets).unwrap();
//! assert_eq!(engine.render(0).lit(), 4);
//! // Without the asset, the scene names the field and the path.
//! let err = Engine::from_source("s.toml", src.as_bytes()).unwrap_err();
//! assert_eq!(err.to_string(), "s.toml:4:7: widgets[0].src: asset \"dot.png\" was not loaded");
//! ```

use crate::scene::{Scene, Widget};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Decoded assets, by the path exactly as written in the scene (`src = "logo.png"`,
/// `font = "fonts/terminus-12.bdf"`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assets {
    pub images: BTreeMap<String, ImageAsset>,
    pub fonts: BTreeMap<String, FontAsset>,
}

impl Assets {
    /// True when there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty() && self.fonts.is_empty()
    }
}

/// Full-canvas frames (an animated GIF's frames already composited by its disposal rules).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageAsset {
    pub width: u32,
    pub height: u32,
    pub frames: Vec<ImageFrame>,
    /// GIF loop count: None = forever, Some(n) = play n times.
    pub loops: Option<u32>,
}

/// `luma` and `alpha`: width*height bytes each, row-major, 0..=255.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageFrame {
    pub luma: Vec<u8>,
    pub alpha: Vec<u8>,
    /// How long the frame shows, in milliseconds (0 for a still image).
    pub delay_ms: u32,
}

/// A bitmap font (from BDF). Glyphs sorted by `ch`, unique.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FontAsset {
    pub ascent: i32,
    pub descent: i32,
    pub default_char: Option<char>,
    pub glyphs: Vec<FontGlyph>,
}

/// BDF conventions: `advance` = DWIDTH x; the bitmap's bottom-left corner sits at (x, y) relative
/// to the origin on the baseline, y up (BBX xoff yoff). `rows`: width*height bytes, 0 or 1,
/// row-major from the top row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FontGlyph {
    pub ch: char,
    pub advance: i32,
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub rows: Vec<u8>,
}

/// What kind of file an [`AssetRef`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssetKind {
    Image,
    Font,
}

/// One file a scene refers to: `field` is the field path for error locating (`widgets[2].src`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetRef {
    pub path: String,
    pub field: String,
    pub kind: AssetKind,
}

/// Whether a `font` value names a BDF file rather than a built-in font.
pub fn is_font_file(font: &str) -> bool {
    font.len() >= 4
        && font
            .get(font.len() - 4..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".bdf"))
}

impl Scene {
    /// Every file the scene refers to: each image `src` and each `font` ending in `.bdf`
    /// (any case), group children included, in file order, duplicates kept (each has its own
    /// field path, so an error can point at it).
    ///
    /// ```
    /// use tinydisplay::asset::AssetKind;
    /// let src = "display = { width = 32, height = 8 }\n[[widgets]]\nkind = \"image\"\nsrc = \"a.png\"\n[[widgets]]\nkind = \"group\"\nchildren = [{ kind = \"text\", text = \"hi\", font = \"f.BDF\" }]\n";
    /// let scene = tinydisplay::parse_scene_text("s.toml", src.as_bytes()).unwrap();
    /// let refs = scene.asset_refs();
    /// assert_eq!(refs.len(), 2);
    /// assert_eq!((refs[0].path.as_str(), refs[0].field.as_str(), refs[0].kind), ("a.png", "widgets[0].src", AssetKind::Image));
    /// assert_eq!((refs[1].path.as_str(), refs[1].field.as_str(), refs[1].kind), ("f.BDF", "widgets[1].children[0].font", AssetKind::Font));
    /// ```
    pub fn asset_refs(&self) -> Vec<AssetRef> {
        fn walk(widgets: &[Widget], prefix: &str, out: &mut Vec<AssetRef>) {
            for (i, w) in widgets.iter().enumerate() {
                let path = format!("{prefix}[{i}]");
                if let Some(src) = &w.src {
                    out.push(AssetRef {
                        path: src.clone(),
                        field: format!("{path}.src"),
                        kind: AssetKind::Image,
                    });
                }
                if let Some(font) = w.font.as_deref().filter(|f| is_font_file(f)) {
                    out.push(AssetRef {
                        path: font.into(),
                        field: format!("{path}.font"),
                        kind: AssetKind::Font,
                    });
                }
                walk(&w.children, &format!("{path}.children"), out);
            }
        }
        let mut out = Vec::new();
        walk(&self.widgets, "widgets", &mut out);
        out
    }
}

/// The references the assets do not satisfy, as errors at their fields.
pub(crate) fn missing(scene: &Scene, assets: &Assets) -> Vec<crate::SceneError> {
    scene
        .asset_refs()
        .into_iter()
        .filter(|r| match r.kind {
            AssetKind::Image => !assets.images.contains_key(&r.path),
            AssetKind::Font => !assets.fonts.contains_key(&r.path),
        })
        .map(|r| crate::SceneError::at_path(r.field, format!("asset {:?} was not loaded", r.path)))
        .collect()
}
