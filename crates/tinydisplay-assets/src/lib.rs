//! Reads and decodes the files a tinydisplay scene names, for the shells (CLI, browser, golden
//! hashers): the engine itself does no I/O and no format decoding, it takes the decoded
//! integers ([`tinydisplay::asset::Assets`]).
//!
//! - [`load_scene`]: scene bytes plus a way to read files next to it, to an [`Engine`]. Asset
//!   paths are checked here ([`check_path`]): relative, no `..`, no URL, so that a scene can
//!   never make a shell read an arbitrary file.
//! - [`decode_image`]: PNG, GIF (animated too), BMP to 8-bit luma and alpha. JPEG is refused.
//! - [`bundle`]: one JSON file holding a scene and its files, checksummed.
//!
//! ```
//! let scene = b"display = { width = 32, height = 8 }\n[[widgets]]\nkind = \"image\"\nsrc = \"../secret.png\"\n";
//! let err = tinydisplay_assets::load_scene("s.toml", scene, &|_| Ok(Vec::new())).unwrap_err();
//! assert!(err.to_string().starts_with("s.toml:4:7: widgets[0].src: asset path \"../secret.png\""));
//! ```

pub mod bdf;
pub mod bundle;
mod image;

pub use bundle::{is_bundle, load_bundle, make_bundle, Bundle, BundleError, BUNDLE_FORMAT};
pub use image::decode_image;

use std::collections::BTreeMap;
use std::fmt;
use tinydisplay::asset::{AssetKind, Assets};
use tinydisplay::limits::{MAX_ASSET_BYTES, MAX_SCENE_ASSET_BYTES};
use tinydisplay::{Engine, SceneError};

/// Reads an asset by its path as written in the scene: the bytes, or why not.
pub type Resolver<'a> = dyn Fn(&str) -> Result<Vec<u8>, String> + 'a;

/// An asset file that cannot be used: what is wrong, and for text formats (BDF) on which line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssetError {
    /// The bytes are not a valid file of their format. `line`: 1-based, for text formats.
    Invalid { line: Option<u32>, message: String },
    /// A valid file this project does not take (a JPEG, an unknown format, a BDF feature).
    Unsupported(String),
    /// Over one of the limits in [`tinydisplay::limits`].
    TooLarge(String),
}

impl AssetError {
    /// A malformed file, no line.
    pub fn invalid(message: impl Into<String>) -> Self {
        AssetError::Invalid {
            line: None,
            message: message.into(),
        }
    }

    /// A malformed text file, at 1-based `line`.
    pub fn at_line(line: u32, message: impl Into<String>) -> Self {
        AssetError::Invalid {
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn unsupported(message: impl Into<String>) -> Self {
        AssetError::Unsupported(message.into())
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        AssetError::TooLarge(message.into())
    }
}

impl fmt::Display for AssetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssetError::Invalid {
                line: Some(line),
                message,
            } => write!(f, "line {line}: {message}"),
            AssetError::Invalid {
                line: None,
                message,
            }
            | AssetError::Unsupported(message)
            | AssetError::TooLarge(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for AssetError {}

/// Checks that an asset path as written in a scene stays inside the scene's directory: relative,
/// `/`-separated, no `..` component (even one that would come back), no URL or drive letter, no
/// backslash, no control character. Shells resolve only paths that pass.
///
/// ```
/// use tinydisplay_assets::check_path;
/// assert!(check_path("img/logo.png").is_ok());
/// assert!(check_path("./logo.png").is_ok());
/// for bad in ["/etc/passwd", "../x.png", "a/../../x.png", "https://e.com/x.png", "C:/x.png", "a\\b.png", ""] {
///     assert!(check_path(bad).is_err(), "{bad}");
/// }
/// ```
pub fn check_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("is empty".into());
    }
    if path.chars().any(|c| c.is_control()) {
        return Err("holds a control character".into());
    }
    if path.contains('\\') {
        return Err("holds a backslash: write paths with `/`".into());
    }
    if path.contains("://") || path.starts_with("data:") {
        return Err("is a URL: a scene may only name files next to it".into());
    }
    if path.starts_with('/') {
        return Err("is absolute: write it relative to the scene file".into());
    }
    let first = path.split('/').next().unwrap_or("");
    if first.contains(':') {
        return Err("has a drive or scheme prefix: write it relative to the scene file".into());
    }
    if path.split('/').any(|c| c == "..") {
        return Err("uses `..`: an asset must be in the scene's directory or below it".into());
    }
    Ok(())
}

/// Parses a scene, reads every file it names through `resolver` (given the path as written,
/// after [`check_path`]; it returns the bytes or why not), decodes them and compiles the scene
/// with them. Every problem is a [`SceneError`] at the field that names the file:
/// `scenes/logo.toml:4:7: widgets[0].src: cannot read asset "logo.png": No such file`.
///
/// Each distinct path is read once; sizes are checked against
/// [`tinydisplay::limits::MAX_ASSET_BYTES`] (each) and
/// [`tinydisplay::limits::MAX_SCENE_ASSET_BYTES`] (all together).
pub fn load_scene(file: &str, bytes: &[u8], resolver: &Resolver<'_>) -> Result<Engine, SceneError> {
    let (_, assets) = read_assets(file, bytes, resolver)?;
    Engine::from_source_with_assets(file, bytes, assets)
}

/// The raw bytes of each file a scene names (by path as written) and the decoded assets: what
/// [`load_scene`] and [`make_bundle`] share.
pub(crate) fn read_assets(
    file: &str,
    bytes: &[u8],
    resolver: &Resolver<'_>,
) -> Result<(BTreeMap<String, Vec<u8>>, Assets), SceneError> {
    let scene = tinydisplay::parse_scene_text(file, bytes)?;
    let refs = scene.asset_refs();
    let mut raw: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut assets = Assets::default();
    if refs.is_empty() {
        return Ok((raw, assets));
    }
    // Parsed above, so it is UTF-8.
    let text = std::str::from_utf8(bytes).unwrap_or("");
    let fail = |field: &str, message: String| SceneError::at_field(file, text, field, message);
    // First every file is read and its size checked (each, then all together), so that nothing
    // is decoded for a scene whose files are over a limit.
    let mut total = 0usize;
    for r in &refs {
        if let Err(why) = check_path(&r.path) {
            return Err(fail(&r.field, format!("asset path {:?} {why}", r.path)));
        }
        if raw.contains_key(&r.path) {
            continue;
        }
        let d = resolver(&r.path)
            .map_err(|why| fail(&r.field, format!("cannot read asset {:?}: {why}", r.path)))?;
        if d.len() > MAX_ASSET_BYTES {
            return Err(fail(
                &r.field,
                format!(
                    "asset {:?} is {} bytes; an asset may be at most {MAX_ASSET_BYTES} bytes",
                    r.path,
                    d.len()
                ),
            ));
        }
        total += d.len();
        if total > MAX_SCENE_ASSET_BYTES {
            return Err(fail(
                &r.field,
                format!(
                    "with asset {:?} the scene's files come to {total} bytes; at most {MAX_SCENE_ASSET_BYTES} bytes in all",
                    r.path
                ),
            ));
        }
        raw.insert(r.path.clone(), d);
    }
    for r in &refs {
        let data = raw.get(&r.path).map_or(&[][..], |d| d.as_slice());
        let at = |e: AssetError| fail(&r.field, format!("asset {:?}: {e}", r.path));
        match r.kind {
            AssetKind::Image if !assets.images.contains_key(&r.path) => {
                let img = decode_image(&r.path, data).map_err(at)?;
                assets.images.insert(r.path.clone(), img);
            }
            AssetKind::Font if !assets.fonts.contains_key(&r.path) => {
                let font = bdf::decode_bdf(data).map_err(at)?;
                assets.fonts.insert(r.path.clone(), font);
            }
            _ => {}
        }
    }
    Ok((raw, assets))
}

/// A resolver reading files relative to the directory of the scene file `scene`, that refuses
/// a file that is not inside that directory once symbolic links are followed.
pub fn dir_resolver(scene: &std::path::Path) -> Box<Resolver<'static>> {
    let dir = scene
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(std::path::Path::new("."))
        .to_path_buf();
    Box::new(move |path: &str| {
        use std::io::Read;
        let full = dir.join(path);
        let shown = full.display().to_string();
        let err = |e: std::io::Error| format!("{e} (tried {shown})");
        let real = std::fs::canonicalize(&full).map_err(err)?;
        let root = std::fs::canonicalize(&dir).map_err(err)?;
        if !real.starts_with(&root) {
            return Err(format!(
                "it leads outside the scene's directory (tried {shown})"
            ));
        }
        let f = std::fs::File::open(&real).map_err(err)?;
        if f.metadata().map_err(err)?.is_dir() {
            return Err(format!("it is a directory (tried {shown})"));
        }
        let mut buf = Vec::new();
        f.take(MAX_ASSET_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(err)?;
        Ok(buf)
    })
}
