//! Typed errors. Each says where (file, line, column or field path) and what.

use alloc::string::String;
use core::fmt;

/// A scene that cannot be loaded: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SceneError {
    pub file: String,
    /// 1-based line and column (in characters) in the scene text. Every error from loading
    /// text has one; errors from [`crate::Engine::new`] (a `Scene` value, no text) do not.
    pub line_col: Option<(u32, u32)>,
    /// Field path such as `widgets[3].animate[0].keys`, when known.
    pub path: String,
    pub message: String,
}

impl SceneError {
    pub(crate) fn at_path(path: impl Into<String>, message: impl Into<String>) -> Self {
        SceneError {
            file: String::new(),
            line_col: None,
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn with_file(mut self, file: &str) -> Self {
        self.file = file.into();
        self
    }

    /// The 1-based line, when known.
    pub fn line(&self) -> Option<u32> {
        self.line_col.map(|(l, _)| l)
    }

    /// The 1-based column, in characters, when known.
    pub fn column(&self) -> Option<u32> {
        self.line_col.map(|(_, c)| c)
    }
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = if self.file.is_empty() {
            "<scene>"
        } else {
            &self.file
        };
        if let Some((line, col)) = self.line_col {
            write!(f, "{file}:{line}:{col}: ")?;
        } else {
            write!(f, "{file}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// A bad input event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventError {
    /// 1-based line in an event log, 0 for a single event.
    pub line: u32,
    pub message: String,
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

/// A snapshot that cannot be restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// Fewer bytes than the header or the declared payload.
    Truncated { expected: usize, got: usize },
    /// Not a tinydisplay snapshot.
    BadMagic,
    /// Written by another format version.
    Version { found: u16, supported: u16 },
    /// The checksum does not match: the bytes were changed.
    Checksum,
    /// The payload did not decompress or decode.
    Decode(String),
    /// The decoded scene is invalid.
    Scene(SceneError),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Truncated { expected, got } => {
                write!(f, "snapshot truncated: expected {expected} bytes, got {got}")
            }
            SnapshotError::BadMagic => f.write_str("not a tinydisplay snapshot (bad magic)"),
            SnapshotError::Version { found, supported } => write!(
                f,
                "snapshot format version {found} is not supported (this build reads version {supported})"
            ),
            SnapshotError::Checksum => f.write_str("snapshot checksum mismatch: the data is corrupt"),
            SnapshotError::Decode(m) => write!(f, "snapshot payload does not decode: {m}"),
            SnapshotError::Scene(e) => write!(f, "snapshot holds an invalid scene: {e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SceneError {}
#[cfg(feature = "std")]
impl std::error::Error for EventError {}
#[cfg(feature = "std")]
impl std::error::Error for SnapshotError {}
