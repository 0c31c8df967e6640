//! The frame contract shared by every target: SSD1306 GDDRAM page layout and its hash.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

/// One 1-bit frame in SSD1306 GDDRAM page layout.
///
/// Byte `page * width + x` holds the pixels `(x, page * 8 + b)` for bit `b` (LSB = 0); 1 = lit.
/// This layout is the wire format of the panel, so a frame goes to the bus without conversion.
///
/// ```
/// use tinydisplay::Frame;
/// let mut f = Frame::new(128, 64);
/// f.set_pixel(3, 9, true);
/// assert_eq!(f.as_bytes()[128 + 3], 0b10);
/// assert!(f.pixel(3, 9));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    width: u16,
    height: u16,
    data: Vec<u8>,
}

impl Frame {
    /// A dark frame. `height` must be a multiple of 8 (the scene validator guarantees it).
    pub fn new(width: u16, height: u16) -> Self {
        let len = usize::from(width) * usize::from(height).div_ceil(8);
        Frame {
            width,
            height,
            data: vec![0; len],
        }
    }

    /// Wraps raw page-layout bytes; `None` if the length does not fit the size.
    ///
    /// ```
    /// use tinydisplay::Frame;
    /// let f = Frame::from_bytes(8, 8, vec![0xFF, 0, 0, 0, 0, 0, 0, 0]).unwrap();
    /// assert_eq!(f.to_ascii().lines().next(), Some("#......."));
    /// assert!(Frame::from_bytes(8, 8, vec![0; 3]).is_none());
    /// ```
    pub fn from_bytes(width: u16, height: u16, data: Vec<u8>) -> Option<Self> {
        (data.len() == usize::from(width) * usize::from(height).div_ceil(8)).then_some(Frame {
            width,
            height,
            data,
        })
    }

    pub fn width(&self) -> u16 {
        self.width
    }

    pub fn height(&self) -> u16 {
        self.height
    }

    /// Number of 8-pixel pages.
    pub fn pages(&self) -> u16 {
        self.height.div_ceil(8)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.data
    }

    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.data
    }

    pub fn clear(&mut self) {
        self.data.fill(0);
    }

    /// Pixel at `(x, y)`; off-panel pixels read as dark.
    pub fn pixel(&self, x: i32, y: i32) -> bool {
        if x < 0 || y < 0 || x >= i32::from(self.width) || y >= i32::from(self.height) {
            return false;
        }
        let (x, y) = (x as usize, y as usize);
        self.data[(y / 8) * usize::from(self.width) + x] & (1 << (y % 8)) != 0
    }

    /// Sets a pixel; off-panel coordinates are ignored (clipped).
    pub fn set_pixel(&mut self, x: i32, y: i32, on: bool) {
        if x < 0 || y < 0 || x >= i32::from(self.width) || y >= i32::from(self.height) {
            return;
        }
        let (x, y) = (x as usize, y as usize);
        let byte = &mut self.data[(y / 8) * usize::from(self.width) + x];
        if on {
            *byte |= 1 << (y % 8);
        } else {
            *byte &= !(1 << (y % 8));
        }
    }

    /// The frame hash: first 16 lowercase hex digits of BLAKE3 over the page-layout bytes.
    pub fn hash(&self) -> FrameHash {
        FrameHash::of(&self.data)
    }

    /// ASCII art, one row per pixel row: `#` lit, `.` dark (the format of the pixel tests).
    pub fn to_ascii(&self) -> String {
        let mut s = String::with_capacity(usize::from(self.width + 1) * usize::from(self.height));
        for y in 0..i32::from(self.height) {
            for x in 0..i32::from(self.width) {
                s.push(if self.pixel(x, y) { '#' } else { '.' });
            }
            s.push('\n');
        }
        s
    }

    /// Number of lit pixels.
    pub fn lit(&self) -> u32 {
        // Eight bytes at a time: one popcount instruction each on wasm32 and aarch64.
        let words = self.data.chunks_exact(8);
        let rest: u32 = words.remainder().iter().map(|b| b.count_ones()).sum();
        words.fold(rest, |n, w| {
            n + u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]).count_ones()
        })
    }
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Frame {}x{} {}", self.width, self.height, self.hash())?;
        f.write_str(&self.to_ascii())
    }
}

/// The work one render did, counted deterministically (no clock): see
/// [`crate::Engine::render_counting`].
///
/// The drawing is clipped analytically before rasterising, so the work follows what is visible,
/// not the sizes and positions a scene asks for. The bound the render fuzz target and
/// `tests/fuzz_render_bounded.rs` assert, for a panel of `B = width * height / 8` bytes:
/// `bytes_touched <= 16 * B * (primitives + 1)` (see [`RenderStats::BYTES_PER_PRIMITIVE`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Page bytes read-modified-written while drawing (a byte changed by two shapes, or by two
    /// rows of one shape, counts twice). Clearing the frame is not counted.
    pub bytes_touched: u64,
    /// Primitives drawn: every widget that was visible and inside its clip, every copy of a
    /// marquee's text and every segment of a sparkline that reaches into the clip.
    pub primitives: u64,
}

impl RenderStats {
    /// Most page bytes one primitive may touch, in panel-sizes (`width * height / 8` bytes):
    /// a scanline shape touches each page byte at most once per pixel row (8), a thick line's
    /// parallels overlap at most twice (16).
    pub const BYTES_PER_PRIMITIVE: u64 = 16;

    /// Whether the work stayed within `BYTES_PER_PRIMITIVE * panel_bytes * (primitives + 1)`.
    ///
    /// ```
    /// let src = b"display = { width = 128, height = 64 }\n[[widgets]]\nkind = \"circle\"\nx = -30000\nw = 32767\nfill = true\n";
    /// let engine = tinydisplay::Engine::from_source("s.toml", src).unwrap();
    /// let mut frame = tinydisplay::Frame::new(128, 64);
    /// let stats = engine.render_counting(0, &mut frame);
    /// assert!(stats.within_bound(1024), "{stats:?}");
    /// assert_eq!(stats.primitives, 1);
    /// ```
    pub fn within_bound(&self, panel_bytes: u64) -> bool {
        let limit = Self::BYTES_PER_PRIMITIVE
            .saturating_mul(panel_bytes)
            .saturating_mul(self.primitives.saturating_add(1));
        self.bytes_touched <= limit
    }
}

/// 64-bit frame hash, printed as 16 lowercase hex digits (the `tinydisplay hash` format).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FrameHash(pub [u8; 8]);

impl FrameHash {
    pub fn of(bytes: &[u8]) -> Self {
        let full = blake3::hash(bytes);
        let mut out = [0u8; 8];
        out.copy_from_slice(&full.as_bytes()[..8]);
        FrameHash(out)
    }

    /// Parses 16 hex digits.
    ///
    /// ```
    /// use tinydisplay::{Frame, FrameHash};
    /// let h = Frame::new(128, 64).hash();
    /// assert_eq!(FrameHash::parse(&h.to_string()), Some(h));
    /// assert_eq!(FrameHash::parse("xyz"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.as_bytes();
        if s.len() != 16 {
            return None;
        }
        let mut out = [0u8; 8];
        for (i, pair) in s.chunks(2).enumerate() {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            out[i] = (hi * 16 + lo) as u8;
        }
        Some(FrameHash(out))
    }
}

impl fmt::Display for FrameHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for FrameHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn layout_matches_ssd1306_pages() {
        let mut f = Frame::new(128, 64);
        f.set_pixel(0, 0, true);
        f.set_pixel(127, 63, true);
        assert_eq!(f.as_bytes()[0], 1);
        assert_eq!(f.as_bytes()[7 * 128 + 127], 0x80);
        assert_eq!(f.lit(), 2);
    }

    #[test]
    fn off_panel_is_clipped() {
        let mut f = Frame::new(16, 8);
        f.set_pixel(-1, 0, true);
        f.set_pixel(16, 0, true);
        f.set_pixel(0, 8, true);
        assert_eq!(f.lit(), 0);
        assert!(!f.pixel(-5, -5));
    }

    #[test]
    fn hash_is_blake3_prefix() {
        let f = Frame::new(128, 64);
        let h = f.hash().to_string();
        assert_eq!(h.len(), 16);
        assert_eq!(h, blake3::hash(&[0u8; 1024]).to_hex()[..16]);
        assert_eq!(FrameHash::parse(&h), Some(f.hash()));
        assert_eq!(FrameHash::parse("zz"), None);
    }
}
