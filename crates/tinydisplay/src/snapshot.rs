//! Engine snapshots: `TDSNAP` magic, format version, payload length, BLAKE3 checksum, then
//! the lz4-compressed postcard encoding of (scene, assets, events, tick).
//!
//! Layout (little endian):
//! `b"TDSNAP" | version: u16 | raw_len: u32 | packed_len: u32 | checksum: [u8; 16] | packed`.
//! The checksum covers the packed bytes, so corruption is caught before decompression.

use crate::asset::Assets;
use crate::error::SnapshotError;
use crate::event::Event;
use crate::scene::{Scene, Value};
use crate::Tick;
use alloc::format;
use alloc::string::String;
use alloc::string::ToString;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

const MAGIC: &[u8; 6] = b"TDSNAP";
/// Bumped whenever the postcard encoding of the payload changes, since postcard is not
/// self-describing: an old snapshot must be refused by its version, not decoded as garbage.
/// 2: the kind-specific widget fields (`fill`, `radius`, `align`, `value`, `scroll`, `frame`)
/// became optional, so that validation can tell "not written" from "written as the default".
/// 3: the decoded assets (images, fonts) travel with the scene, so a restored engine draws the
/// same frames without the files. Version 2 still decodes: its scenes name no files.
pub(crate) const VERSION: u16 = 3;
const VERSION_2: u16 = 2;
const HEADER: usize = 6 + 2 + 4 + 4 + 16;
/// Refuse to allocate more than this for a decompressed payload.
const MAX_RAW: u32 = 64 << 20;

/// Postcard is not self-describing, so it cannot decode the scene's untagged enums: the scene
/// travels as JSON text inside the postcard frame, and event values as a tagged enum.
#[derive(Serialize, Deserialize)]
struct Payload {
    scene_json: String,
    assets: Assets,
    events: Vec<(Tick, String, PackedValue)>,
    tick: Tick,
}

/// Version 2: no assets.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct PayloadV2 {
    scene_json: String,
    events: Vec<(Tick, String, PackedValue)>,
    tick: Tick,
}

#[derive(Serialize, Deserialize)]
enum PackedValue {
    Int(i64),
    Text(String),
}

pub(crate) fn encode(scene: &Scene, assets: &Assets, events: &[Event], tick: Tick) -> Vec<u8> {
    let payload = Payload {
        scene_json: serde_json::to_string(scene).unwrap_or_default(),
        assets: assets.clone(),
        events: events
            .iter()
            .map(|e| {
                let v = match &e.value {
                    Value::Int(n) => PackedValue::Int(*n),
                    Value::Text(t) => PackedValue::Text(t.clone()),
                };
                (e.tick, e.input.clone(), v)
            })
            .collect(),
        tick,
    };
    let raw = postcard::to_allocvec(&payload).unwrap_or_default();
    let packed = lz4_flex::block::compress(&raw);
    let mut out = Vec::with_capacity(HEADER + packed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(raw.len() as u32).to_le_bytes());
    out.extend_from_slice(&(packed.len() as u32).to_le_bytes());
    out.extend_from_slice(&blake3::hash(&packed).as_bytes()[..16]);
    out.extend_from_slice(&packed);
    out
}

/// What a snapshot holds: the scene, its decoded assets, the event log and the tick.
pub(crate) type Decoded = (Scene, Assets, Vec<Event>, Tick);

pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, SnapshotError> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return if MAGIC.starts_with(bytes) && bytes.len() < MAGIC.len() {
            Err(SnapshotError::Truncated {
                expected: HEADER,
                got: bytes.len(),
            })
        } else {
            Err(SnapshotError::BadMagic)
        };
    }
    if bytes.len() < HEADER {
        return Err(SnapshotError::Truncated {
            expected: HEADER,
            got: bytes.len(),
        });
    }
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let version = u16::from_le_bytes([bytes[6], bytes[7]]);
    if version != VERSION && version != VERSION_2 {
        return Err(SnapshotError::Version {
            found: version,
            supported: VERSION,
        });
    }
    let raw_len = u32_at(8);
    let packed_len = u32_at(12) as usize;
    let packed = &bytes[HEADER..];
    if packed.len() < packed_len {
        return Err(SnapshotError::Truncated {
            expected: HEADER + packed_len,
            got: bytes.len(),
        });
    }
    if packed.len() > packed_len {
        return Err(SnapshotError::Decode(
            "trailing bytes after the payload".to_string(),
        ));
    }
    if blake3::hash(packed).as_bytes()[..16] != bytes[16..32] {
        return Err(SnapshotError::Checksum);
    }
    if raw_len > MAX_RAW {
        return Err(SnapshotError::Decode(
            "declared payload is too large".to_string(),
        ));
    }
    let raw = lz4_flex::block::decompress(packed, raw_len as usize)
        .map_err(|e| SnapshotError::Decode(e.to_string()))?;
    // The header's length is outside the checksum: check it against what lz4 produced.
    if raw.len() != raw_len as usize {
        return Err(SnapshotError::Decode(format!(
            "payload is {} bytes, the header says {raw_len}",
            raw.len()
        )));
    }
    let p: Payload = if version == VERSION_2 {
        let p: PayloadV2 =
            postcard::from_bytes(&raw).map_err(|e| SnapshotError::Decode(e.to_string()))?;
        Payload {
            scene_json: p.scene_json,
            assets: Assets::default(),
            events: p.events,
            tick: p.tick,
        }
    } else {
        postcard::from_bytes(&raw).map_err(|e| SnapshotError::Decode(e.to_string()))?
    };
    let scene: Scene = serde_json::from_str(&p.scene_json)
        .map_err(|e| SnapshotError::Decode(format!("scene: {e}")))?;
    if version == VERSION_2 {
        // A version 2 snapshot carries no files, so only a scene that names none restores.
        if let Some(r) = scene.asset_refs().first() {
            return Err(SnapshotError::Decode(format!(
                "a version 2 snapshot carries no assets, but its scene names {:?} at {}",
                r.path, r.field
            )));
        }
    }
    let events = p
        .events
        .into_iter()
        .map(|(tick, input, v)| {
            let value = match v {
                PackedValue::Int(n) => Value::Int(n),
                PackedValue::Text(t) => Value::Text(t),
            };
            Event { tick, input, value }
        })
        .collect();
    Ok((scene, p.assets, events, p.tick))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Version 2 bytes, as that version wrote them: the same frame around a payload without
    /// assets.
    fn v2(scene_json: &str) -> Vec<u8> {
        let raw = postcard::to_allocvec(&PayloadV2 {
            scene_json: scene_json.into(),
            events: Vec::new(),
            tick: 7,
        })
        .unwrap();
        let packed = lz4_flex::block::compress(&raw);
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION_2.to_le_bytes());
        out.extend_from_slice(&(raw.len() as u32).to_le_bytes());
        out.extend_from_slice(&(packed.len() as u32).to_le_bytes());
        out.extend_from_slice(&blake3::hash(&packed).as_bytes()[..16]);
        out.extend_from_slice(&packed);
        out
    }

    #[test]
    fn version_2_decodes_with_no_assets_unless_its_scene_names_files() {
        let plain = r#"{"display":{"width":32,"height":8},"widgets":[]}"#;
        let (scene, assets, events, tick) = decode(&v2(plain)).unwrap();
        assert_eq!(
            (scene.display.width, assets.is_empty(), events.len(), tick),
            (32, true, 0, 7)
        );
        let named =
            r#"{"display":{"width":32,"height":8},"widgets":[{"kind":"image","src":"a.png"}]}"#;
        let e = decode(&v2(named)).unwrap_err();
        assert_eq!(
            e,
            SnapshotError::Decode(
                "a version 2 snapshot carries no assets, but its scene names \"a.png\" at widgets[0].src".into()
            )
        );
    }
}
