//! BDF bitmap fonts to [`FontAsset`]. Placeholder: the fonts work replaces this file.

use crate::AssetError;
use tinydisplay::asset::FontAsset;

/// Decodes a BDF font.
pub fn decode_bdf(bytes: &[u8]) -> Result<FontAsset, AssetError> {
    let _ = bytes;
    Err(AssetError::unsupported("BDF fonts not supported yet"))
}
