//! Every user-facing hard limit, in one place: validation enforces them with a message naming
//! the limit, and the code that relies on them (the raster, the loader) reads them from here.
//!
//! They bound the work a scene can ask for, so that no scene makes a frame slow or a load hang;
//! each is generous for real panels (at most 256x256 pixels).

/// Largest scene file, in bytes; larger files are refused before parsing.
pub const MAX_SCENE_BYTES: usize = 1 << 20;

/// Largest panel width in pixels. SSD1306-family controllers top out at 128x64, SH1106 at
/// 132x64, but bigger 1-bit canvases are useful in the simulator.
pub const MAX_WIDTH: u32 = 256;

/// Largest panel height in pixels (a multiple of 8: one page is 8 rows).
pub const MAX_HEIGHT: u32 = 256;

/// Largest tick rate, in ticks per second.
pub const MAX_TICK_RATE: u32 = 1000;

/// Largest absolute coordinate, size, radius or gap a scene may write.
pub const MAX_COORD: i32 = 32_767;

/// Most widgets in a scene, group children included.
pub const MAX_WIDGETS: usize = 4096;

/// Deepest nesting of groups below a top-level widget.
pub const MAX_DEPTH: usize = 16;

/// Most keys in one track.
pub const MAX_KEYS: usize = 4096;

/// Most inputs a scene declares.
pub const MAX_INPUTS: usize = 256;

/// Longest text: a `text` field or text key as written, and what a template expands to (longer
/// expansions, from long text inputs, are cut at a character boundary).
pub const MAX_TEXT_BYTES: usize = 4096;

/// Largest `line_spacing` of wrapped text, in pixels (the most is `-(font height - 1)`, so
/// that lines stay in order and at least one row apart).
pub const MAX_LINE_SPACING: i32 = 256;

/// Widest marquee gap, in pixels, between the end of the text and its next copy.
pub const MAX_GAP: i32 = 1024;

/// Most frames in a sprite.
pub const MAX_SPRITE_FRAMES: usize = 256;

/// Widest sparkline, in points (one per column): its static `w`, and the most samples an
/// animated `w` computes per frame.
pub const MAX_SPARKLINE_POINTS: i32 = 4096;

/// Largest bitmap or sprite frame side, in pixels.
pub const MAX_BITMAP_SIDE: usize = 1024;

/// Largest asset file (an image or a font a scene names), in bytes; checked before decoding.
pub const MAX_ASSET_BYTES: usize = 1 << 20;

/// Most bytes of asset files one scene may name, all files together (each counted once).
pub const MAX_SCENE_ASSET_BYTES: usize = 4 << 20;

/// Most decoded pixels in one image, all of an animated GIF's frames counted (width x height x
/// frames): bounds the memory and the compile time of dithering. The header's size is checked
/// against it before any pixel is decoded.
pub const MAX_IMAGE_PIXELS: u64 = 4 << 20;

/// Largest side of a picture file, in pixels (the widget's `w`/`h` may scale it down; what is
/// drawn is at most [`MAX_BITMAP_SIDE`] on a side).
pub const MAX_IMAGE_SIDE: u32 = 4096;

/// Longest QR code text, in bytes: the `text` field as written and what its template expands
/// to (a longer expansion draws the "does not fit" box). A frame whose text changed encodes it;
/// the cost grows with the code's area, so this caps it: 256 bytes is at most a version-10 code at
/// `L` (57 modules), measured at about 1.3 ms per frame on x86_64 (a 45-byte Wi-Fi code: 0.2 ms).
pub const MAX_QR_TEXT_BYTES: usize = 256;

/// Largest explicit QR `module` size in pixels.
pub const MAX_QR_MODULE: i32 = 256;

/// Most glyphs in one BDF font (a scene's own font): enough for several scripts, while a
/// font at the limit still converts in a few milliseconds (see the `font_load` benchmark).
pub const MAX_FONT_GLYPHS: usize = 4096;

/// Largest BDF glyph side in pixels, and the largest offset or advance (in absolute value).
pub const MAX_GLYPH_SIDE: u32 = 64;
