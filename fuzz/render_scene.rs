//! Structure-aware scene generator shared by the `render` fuzz target and the stable
//! `crates/tinydisplay/tests/fuzz_render_bounded.rs` (both include this file by path).
//!
//! Bytes steer a small scene model (every widget kind, nested groups, animation tracks) whose
//! values come mostly from the edges of what a scene may say: +-32767, panel edges, 0, 1, sizes
//! just above embedded-graphics' old overflow points, long texts, tracks that animate beyond the
//! static range. The model is written out as TOML; most generated scenes pass validation, so the
//! fuzzer spends its time in the renderer rather than in the parser.
#![allow(dead_code)]

use std::fmt::Write;

/// Reads choices from the fuzzer's bytes; zeros once they run out.
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }

    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    pub fn u64(&mut self) -> u64 {
        (0..8).fold(0, |v, _| (v << 8) | u64::from(self.byte()))
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len())]
    }

    /// A coordinate in -32767..=32767, mostly an extreme or a panel edge.
    fn coord(&mut self) -> i32 {
        match self.below(4) {
            0 => (i32::from(self.u16() as i16)).clamp(-32767, 32767),
            _ => self.pick(&[
                -32767, 32767, 0, 1, -1, 7, 8, 63, 64, 127, 128, 255, 256, -16384, 16383, -100,
                -32000, 32000, -20, 40,
            ]),
        }
    }

    /// A size in 0..=32767.
    fn size(&mut self) -> i32 {
        match self.below(4) {
            0 => i32::from(self.u16() % 32768),
            _ => self.pick(&[
                0, 1, 2, 3, 4, 5, 7, 8, 40, 64, 128, 200, 250, 255, 257, 1000, 16384, 32767,
            ]),
        }
    }

    /// A value a track may animate to: also far beyond the static range.
    fn anim_value(&mut self) -> i64 {
        match self.below(3) {
            0 => self.pick(&[
                -1_000_000_000,
                1_000_000_000,
                -1_000_000,
                1_000_000,
                65_536,
                -65_536,
            ]),
            _ => i64::from(self.coord()),
        }
    }
}

/// `group` last: below the deepest level the generator picks from the others.
const KINDS: [&str; 13] = [
    "text",
    "rect",
    "line",
    "circle",
    "ellipse",
    "bitmap",
    "progress",
    "sparkline",
    "marquee",
    "sprite",
    "arc",
    "qr",
    "group",
];

const FONTS: [&str; 6] = ["6x10", "4x6", "9x18", "profont_24", "5x8", "7x13_bold"];

const PROPS: [&str; 16] = [
    "x", "y", "w", "h", "stroke", "radius", "value", "scroll", "frame", "opacity", "min",
    "scroll_y", "start", "sweep", "angle", "length",
];

fn text(b: &mut Bytes<'_>) -> String {
    // The longest stays under `MAX_TEXT_BYTES` (4096) with three-byte characters.
    let len = b.pick(&[0usize, 1, 5, 40, 300, 1300]);
    let pool = ['a', 'W', ' ', '0', '#', 'é', '€', '|', '.'];
    let first = b.below(pool.len());
    (0..len)
        .map(|i| pool[(first + i * 7) % pool.len()])
        .collect()
}

fn track(b: &mut Bytes<'_>, out: &mut String) {
    let prop = b.pick(&PROPS);
    if b.below(3) == 0 {
        let shape = b.pick(&["sine", "triangle", "saw", "square", "abs_sine"]);
        let period = b.pick(&[1u32, 2, 7, 60, 100_000]);
        let (a, c) = (b.coord(), b.coord());
        // Waves need min < max, both within +-32767.
        let (lo, hi) = (a.min(c), a.max(c));
        let (lo, hi) = if lo < hi {
            (lo, hi)
        } else if hi < 32767 {
            (lo, hi + 1)
        } else {
            (lo - 1, hi)
        };
        let _ = write!(
            out,
            "{{ prop = \"{prop}\", wave = {{ shape = \"{shape}\", period = {period}, min = {}, max = {} }} }}",
            lo,
            hi
        );
    } else {
        let t1 = b.pick(&[1u32, 10, 600, 4_000_000_000]);
        let (v0, v1) = (b.anim_value(), b.anim_value());
        let repeat = b.pick(&[
            "",
            ", repeat = \"forever\"",
            ", repeat = 3",
            ", yoyo = true, repeat = \"forever\"",
        ]);
        let _ = write!(
            out,
            "{{ prop = \"{prop}\", keys = [{{ t = 0, v = {v0} }}, {{ t = {t1}, v = {v1} }}]{repeat} }}"
        );
    }
}

/// One widget as a TOML inline table.
fn widget(b: &mut Bytes<'_>, depth: usize, out: &mut String) {
    let kind = if depth >= 16 {
        b.pick(&KINDS[..KINDS.len() - 1])
    } else {
        b.pick(&KINDS)
    };
    let _ = write!(
        out,
        "{{ kind = \"{kind}\", x = {}, y = {}",
        b.coord(),
        b.coord()
    );
    let (w, h) = if kind == "line" {
        (b.coord(), b.coord())
    } else {
        (b.size(), b.size())
    };
    let h = if matches!(kind, "circle" | "arc") {
        w
    } else {
        h
    };
    // A line by angle and length has no `w`/`h`.
    let polar = kind == "line" && b.below(2) == 0;
    let (mut w, h) = if polar { (0, 0) } else { (w, h) };
    if kind == "text" && b.below(2) == 0 {
        w = 0;
    }
    // Images declare their own size.
    let (w, h) = match kind {
        "bitmap" => (4, 3),
        "sprite" => (2, 2),
        _ => (w, h),
    };
    let _ = write!(out, ", w = {w}, h = {h}");
    // Only the fields that apply to the kind: validation rejects the others (a scene the
    // loader refuses exercises nothing here).
    let (fills, strokes, rounds) = (
        matches!(kind, "rect" | "circle" | "ellipse" | "arc"),
        matches!(
            kind,
            "rect" | "line" | "circle" | "ellipse" | "progress" | "sparkline" | "arc"
        ),
        matches!(kind, "rect" | "progress"),
    );
    match b.below(4) {
        0 if fills => out.push_str(", fill = true"),
        1 if strokes => {
            let _ = write!(out, ", stroke = {}", b.pick(&[0, 1, 2, 3, 7, 64]));
        }
        _ => {}
    }
    if b.below(3) == 0 && rounds {
        let _ = write!(out, ", radius = {}", b.size());
    }
    match b.below(6) {
        0 => out.push_str(", mode = \"xor\""),
        1 => out.push_str(", mode = \"off\""),
        2 => out.push_str(", invert = true"),
        3 => {
            let _ = write!(out, ", opacity = {}", b.below(17));
        }
        _ => {}
    }
    match kind {
        "text" | "marquee" => {
            let _ = write!(
                out,
                ", text = \"{}\", font = \"{}\"",
                text(b),
                b.pick(&FONTS)
            );
            if kind == "marquee" {
                let _ = write!(
                    out,
                    ", gap = {}, speed = {}",
                    b.pick(&[0, 1, 12, 1024]),
                    b.pick(&[0, 1, 7, 1000])
                );
            }
            if b.below(2) == 0 && kind == "text" {
                out.push_str(", align = \"right\"");
            }
            // Wrapped text: lines packed one row apart (-3 suits the 6-row font too), far
            // scrolls, ellipsis.
            if kind == "text" && w > 0 && h > 0 && b.below(2) == 0 {
                let _ = write!(
                    out,
                    ", wrap = true, line_spacing = {}, scroll_y = {}, ellipsis = {}",
                    b.pick(&[0, -3, 2, 256]),
                    b.pick(&[0, 5, -32767, 32767]),
                    b.below(2) == 0
                );
            }
        }
        "progress" => {
            let _ = write!(
                out,
                ", min = {}, max = {}, value = {}",
                b.pick(&[0, -32767]),
                b.pick(&[100, 32767]),
                b.coord()
            );
        }
        "sparkline" => {
            let period = b.pick(&[1u32, 2, 31, 1000]);
            let _ = write!(
                out,
                ", series = {{ wave = {{ shape = \"{}\", period = {period}, min = {}, max = {} }} }}",
                b.pick(&["square", "sine", "saw"]),
                b.pick(&[0, -32767]),
                b.pick(&[1, 100, 32767])
            );
        }
        "bitmap" => out.push_str(", bitmap = \"#.#.\\n.##.\\n#..#\\n\""),
        "arc" => {
            let _ = write!(out, ", start = {}, sweep = {}", b.coord(), b.coord());
        }
        "line" if polar => {
            let _ = write!(out, ", angle = {}, length = {}", b.coord(), b.size());
        }
        "qr" => {
            // Templated texts (`{tick}`): a constant text that cannot fit its box is refused.
            let text = b.pick(&[
                "{tick}",
                "WIFI:T:WPA;S:net-{tick};P:secret;;",
                "http://10.0.0.1:8080/{tick}/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ]);
            let _ = write!(
                out,
                ", text = \"{text}\", ecc = \"{}\"",
                b.pick(&["L", "M", "Q", "H"])
            );
            match b.below(4) {
                0 => {
                    let _ = write!(out, ", module = {}", b.pick(&[1, 2, 3, 256]));
                }
                1 => out.push_str(", negative = true"),
                _ => {}
            }
        }
        "sprite" => {
            out.push_str(", frames = [\"##\\n#.\\n\", \".#\\n##\\n\"]");
            let _ = write!(out, ", frame_ticks = {}", b.pick(&[1, 2, 1000]));
        }
        "group" => {
            if b.below(2) == 0 {
                out.push_str(", clip = true");
            }
            out.push_str(", children = [");
            // Mostly one child, so deep nesting is reachable; sometimes a few.
            let n = if b.below(3) == 0 { 1 + b.below(4) } else { 1 };
            for i in 0..n {
                if i > 0 {
                    out.push_str(", ");
                }
                widget(b, depth + 1, out);
            }
            out.push(']');
        }
        _ => {}
    }
    let tracks = b.below(3);
    if tracks > 0 {
        out.push_str(", animate = [");
        for i in 0..tracks {
            if i > 0 {
                out.push_str(", ");
            }
            track(b, out);
        }
        out.push(']');
    }
    out.push_str(" }");
}

/// A scene (TOML) from the fuzzer's bytes.
pub fn scene(b: &mut Bytes<'_>) -> String {
    let width = b.pick(&[128u32, 96, 64, 1, 7, 200, 256]);
    let height = b.pick(&[64u32, 32, 16, 8, 24, 256]);
    let mut out = format!("display = {{ width = {width}, height = {height} }}\nwidgets = [");
    for i in 0..1 + b.below(10) {
        if i > 0 {
            out.push_str(", ");
        }
        widget(b, 1, &mut out);
    }
    out.push_str("]\n");
    out
}

/// Ticks to render: the start, a few seconds in, and far ones up to `u64::MAX`.
pub fn ticks(b: &mut Bytes<'_>) -> [u64; 4] {
    [
        u64::from(b.u16()),
        b.pick(&[
            0,
            1_000_000_000,
            u64::MAX,
            u64::MAX / 2,
            1 << 63,
            4_000_000_000,
        ]),
        b.u64(),
        u64::from(b.byte()),
    ]
}

/// Renders every tick with the work counter and checks the documented bound; returns whether
/// the scene loaded. Panics (the failure a fuzzer reports) on a violated bound or a frame that
/// differs from `Engine::render`'s.
pub fn check(data: &[u8]) -> bool {
    let mut b = Bytes::new(data);
    let src = scene(&mut b);
    let Ok(engine) = tinydisplay::Engine::from_source("fuzz.toml", src.as_bytes()) else {
        return false;
    };
    let panel_bytes = u64::from(engine.width()) * u64::from(engine.height()) / 8;
    let mut frame = tinydisplay::Frame::new(engine.width(), engine.height());
    for tick in ticks(&mut b) {
        let stats = engine.render_counting(tick, &mut frame);
        assert!(
            stats.within_bound(panel_bytes),
            "tick {tick}: {stats:?} exceeds {} * {panel_bytes} * (primitives + 1)\n{src}",
            tinydisplay::RenderStats::BYTES_PER_PRIMITIVE
        );
        assert_eq!(frame, engine.render(tick), "tick {tick}\n{src}");
    }
    true
}
