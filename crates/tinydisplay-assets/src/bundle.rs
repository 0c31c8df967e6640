//! Scene bundles: one JSON file holding a scene and every file it names, so that a scene with
//! pictures travels as one file (a download, a golden run on another target, a drop into the
//! browser).
//!
//! ```json
//! { "format": "tinydisplay-bundle", "version": 1,
//!   "scene": { "name": "logo.toml", "text": "display = ..." },
//!   "assets": { "logo.png": "iVBORw0KGgo..." },
//!   "checksum": "5f1c..." }
//! ```
//!
//! `assets` maps each path as written in the scene to the file's bytes in standard base64 (with
//! padding). `checksum` is the BLAKE3 hash, in lowercase hex, of the canonical encoding: the
//! bytes `tinydisplay-bundle`, then the version as a u32, then the scene name, the scene text
//! and, in path order, each path and its file bytes, every one of those five kinds of field
//! preceded by its length as a u64 (all little endian). So any change to the scene or a file
//! is caught, whatever the JSON's spacing or key order.
//!
//! ```
//! use tinydisplay_assets::{load_bundle, make_bundle};
//! let scene = b"display = { width = 32, height = 8 }\n";
//! let json = make_bundle("plain.toml", scene, &|_| Err("no files".into())).unwrap();
//! let engine = load_bundle(json.as_bytes()).unwrap();
//! assert_eq!(engine.width(), 32);
//! let tampered = json.replace("width = 32", "width = 31");
//! assert!(load_bundle(tampered.as_bytes()).unwrap_err().to_string().contains("checksum"));
//! ```

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use tinydisplay::limits::{MAX_ASSET_BYTES, MAX_SCENE_ASSET_BYTES, MAX_SCENE_BYTES};
use tinydisplay::{Engine, SceneError};

/// The `format` field of every bundle.
pub const BUNDLE_FORMAT: &str = "tinydisplay-bundle";
/// The bundle layout version this build writes and reads.
pub const BUNDLE_VERSION: u32 = 1;

/// Largest bundle file: a largest scene and largest assets in base64 (4 bytes per 3), with
/// room for the JSON around them.
pub const MAX_BUNDLE_BYTES: usize = MAX_SCENE_BYTES * 2 + MAX_SCENE_ASSET_BYTES / 3 * 4 + 65_536;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Json {
    format: String,
    version: u32,
    scene: JsonScene,
    #[serde(default)]
    assets: BTreeMap<String, String>,
    checksum: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonScene {
    name: String,
    text: String,
}

/// A bundle's contents, checked: the scene file's name and text and the files by path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub name: String,
    pub text: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// A bundle that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    /// Not a bundle, or a malformed one.
    Invalid(String),
    /// The contents do not match the checksum: the file was changed or damaged.
    Checksum { expected: String, got: String },
    /// The scene in it does not load (with its files).
    Scene(SceneError),
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::Invalid(m) => write!(f, "not a valid tinydisplay bundle: {m}"),
            BundleError::Checksum { expected, got } => write!(
                f,
                "bundle checksum mismatch: the file says {expected}, its contents hash to {got}; the bundle was changed or damaged after it was made"
            ),
            BundleError::Scene(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BundleError {}

impl Bundle {
    /// The canonical checksum of these contents (see the module docs).
    pub fn checksum(&self) -> String {
        let mut h = blake3::Hasher::new();
        h.update(BUNDLE_FORMAT.as_bytes());
        h.update(&BUNDLE_VERSION.to_le_bytes());
        let mut field = |b: &[u8]| {
            h.update(&(b.len() as u64).to_le_bytes());
            h.update(b);
        };
        field(self.name.as_bytes());
        field(self.text.as_bytes());
        for (path, bytes) in &self.files {
            field(path.as_bytes());
            field(bytes);
        }
        h.finalize().to_hex().to_string()
    }

    /// The bundle as JSON text (ends with a newline).
    pub fn to_json(&self) -> String {
        let json = Json {
            format: BUNDLE_FORMAT.into(),
            version: BUNDLE_VERSION,
            scene: JsonScene {
                name: self.name.clone(),
                text: self.text.clone(),
            },
            assets: self
                .files
                .iter()
                .map(|(p, b)| (p.clone(), STANDARD.encode(b)))
                .collect(),
            checksum: self.checksum(),
        };
        let mut s = serde_json::to_string_pretty(&json).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Parses bundle JSON and verifies its checksum.
    pub fn parse(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let invalid = |m: String| BundleError::Invalid(m);
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(invalid(format!(
                "it is {} bytes; a bundle may be at most {MAX_BUNDLE_BYTES} bytes",
                bytes.len()
            )));
        }
        let json: Json = serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
        if json.format != BUNDLE_FORMAT {
            return Err(invalid(format!(
                "`format` is {:?}, expected {BUNDLE_FORMAT:?}",
                json.format
            )));
        }
        if json.version != BUNDLE_VERSION {
            return Err(invalid(format!(
                "version {} is not supported (this build reads version {BUNDLE_VERSION})",
                json.version
            )));
        }
        let mut files = BTreeMap::new();
        for (path, b64) in json.assets {
            // Checked before decoding: base64 is 4 bytes per 3.
            if b64.len() / 4 * 3 > MAX_ASSET_BYTES + 3 {
                return Err(invalid(format!(
                    "asset {path:?} is larger than {MAX_ASSET_BYTES} bytes"
                )));
            }
            let bytes = STANDARD
                .decode(b64.as_bytes())
                .map_err(|e| invalid(format!("asset {path:?} is not valid base64: {e}")))?;
            files.insert(path, bytes);
        }
        let bundle = Bundle {
            name: json.scene.name,
            text: json.scene.text,
            files,
        };
        let got = bundle.checksum();
        if !got.eq_ignore_ascii_case(json.checksum.trim()) {
            return Err(BundleError::Checksum {
                expected: json.checksum,
                got,
            });
        }
        Ok(bundle)
    }

    /// Compiles the scene with its files (which [`crate::load_scene`] checks and decodes).
    pub fn engine(&self) -> Result<Engine, SceneError> {
        crate::load_scene(&self.name, self.text.as_bytes(), &|path| {
            self.files
                .get(path)
                .cloned()
                .ok_or_else(|| "it is not in the bundle".to_string())
        })
    }
}

/// Whether `bytes` look like a bundle (a JSON object whose `format` is [`BUNDLE_FORMAT`]),
/// without parsing it all: how shells tell a bundle from a JSON scene.
pub fn is_bundle(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(256)];
    let head = String::from_utf8_lossy(head);
    head.trim_start().starts_with('{') && head.contains(&format!("\"{BUNDLE_FORMAT}\""))
}

/// Makes a bundle of the scene `name` (`bytes`) and every file it names, read through
/// `resolver` like [`crate::load_scene`]. The scene must load: a bundle that would not is
/// refused with the scene's error.
pub fn make_bundle(
    name: &str,
    bytes: &[u8],
    resolver: &crate::Resolver<'_>,
) -> Result<String, SceneError> {
    let (files, assets) = crate::read_assets(name, bytes, resolver)?;
    Engine::from_source_with_assets(name, bytes, assets)?;
    let text = String::from_utf8(bytes.to_vec()).unwrap_or_default();
    Ok(Bundle {
        name: name.to_string(),
        text,
        files,
    }
    .to_json())
}

/// Parses a bundle, verifies its checksum and compiles its scene with its files.
pub fn load_bundle(bytes: &[u8]) -> Result<Engine, BundleError> {
    Bundle::parse(bytes)?.engine().map_err(BundleError::Scene)
}
