//! tinydisplay: a deterministic animation engine for 1-bit SSD1306 OLED panels.
//!
//! A frame is a pure function of (scene, tick, input events with tick <= that tick). The engine
//! does no I/O, reads no clock, uses no randomness and no floating point, so every target
//! (x86_64, aarch64, armv7, wasm32) and every worker computes the same bytes for the same tick.
//!
//! ```
//! use tinydisplay::Engine;
//! let scene = r#"
//! display = { width = 128, height = 64 }
//! [[widgets]]
//! kind = "rect"
//! x = 2
//! y = 2
//! w = 20
//! h = 10
//! fill = true
//! [[widgets.animate]]
//! prop = "x"
//! keys = [{ t = 0, v = 0 }, { t = 60, v = 100, ease = "cubic_in_out" }]
//! "#;
//! let engine = Engine::from_source("demo.toml", scene.as_bytes()).unwrap();
//! let frame = engine.render(30);
//! assert!(frame.pixel(55, 5));
//! assert_eq!(engine.render(30), engine.render(30));
//! println!("{}", frame.hash());
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(clippy::float_arithmetic)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod asset;
mod bitmap;
pub mod calendar;
mod compile;
pub mod display_state;
mod dither;
mod engine;
mod error;
mod eval;
mod event;
pub mod fixed;
pub mod fonts;
mod frame;
mod glyph;
mod image;
pub mod limits;
mod load;
mod locate;
mod marks;
mod missing;
mod model;
mod picture;
mod qr;
mod raster;
pub mod scene;
mod schedule;
mod shape;
mod snapshot;
mod state;
mod text;
mod validate;
mod wrap;

pub use display_state::DisplayState;
pub use engine::Engine;
pub use error::{EventError, SceneError, SnapshotError};
pub use event::{parse_event_log, Event, CLOCK_INPUT, MAX_EVENTS, MAX_EVENTS_PER_TICK};
pub use frame::{Frame, FrameHash, RenderStats};
pub use limits::MAX_SCENE_BYTES;
pub use load::{parse_scene, parse_scene_text, Format};
pub use marks::{Mark, MarkKind};
pub use missing::MissingGlyphs;
pub use scene::{Scene, Value};
pub use state::{FrameState, WidgetState};
pub use validate::SYSTEM_METRICS;

/// A tick number: frame `t` is shown at `t / tick_rate` seconds.
pub type Tick = u64;
