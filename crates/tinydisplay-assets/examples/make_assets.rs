// Writes the example pictures in `tests/scenes/assets/` (see the README there): drawn here
// with integer maths only, so they are reproducible byte for byte (a test in
// `crates/tinydisplay-assets/tests/assets.rs` `include!`s this file and compares; hence plain
// comments here).
//
// ```text
// cargo run -p tinydisplay-assets --example make_assets [-- DIR]
// ```
//
// - `logo.png`: 96x48 RGBA: a shaded disc with an anti-aliased (alpha) edge, coloured bars
//   and a grey ramp: every dither has something to show;
// - `spinner.gif`: 32x32, 9 frames: a ring whose dots light one by one, each frame a small
//   sub-rectangle kept over the previous ones (GIF disposal "keep"), with transparency, mixed
//   delays (one of 0, which plays as 10 cs) and an endless NETSCAPE loop;
// - `fonts/seg7.bdf`: a 14x23 seven-segment BDF font (digits, `:`, `-`, `.`, space) for big
//   clock digits, each glyph built from the segments it lights.

use std::path::PathBuf;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("tests/scenes/assets"), PathBuf::from);
    std::fs::create_dir_all(&dir).expect("create the output directory");
    std::fs::write(dir.join("logo.png"), logo()).expect("write logo.png");
    std::fs::write(dir.join("spinner.gif"), spinner()).expect("write spinner.gif");
    std::fs::create_dir_all(dir.join("fonts")).expect("create the fonts directory");
    std::fs::write(dir.join("fonts/seg7.bdf"), seg7()).expect("write fonts/seg7.bdf");
    println!(
        "wrote {}/logo.png, spinner.gif and fonts/seg7.bdf",
        dir.display()
    );
}

/// Coverage (0..=16) of a 4x4 grid of samples of pixel (x, y) by the disc at (cx, cy), radius r,
/// all in pixels.
fn disc_coverage(x: i64, y: i64, cx: i64, cy: i64, r: i64) -> i64 {
    let mut n = 0;
    for sy in 0..4 {
        for sx in 0..4 {
            // Sample centres at (x + (2 sx + 1) / 8), in eighths of a pixel.
            let dx = (x * 8 + 2 * sx + 1) - cx * 8;
            let dy = (y * 8 + 2 * sy + 1) - cy * 8;
            if dx * dx + dy * dy <= r * r * 64 {
                n += 1;
            }
        }
    }
    n
}

pub fn logo() -> Vec<u8> {
    let (w, h) = (96u32, 48u32);
    let mut rgba = vec![0u8; (w * h * 4) as usize];
    for y in 0..i64::from(h) {
        for x in 0..i64::from(w) {
            let i = ((y * i64::from(w) + x) * 4) as usize;
            let mut px = [0u8, 0, 0, 0];
            // The disc: bright at the top-left of its centre, shading to dark grey at the rim.
            let cov = disc_coverage(x, y, 23, 23, 21);
            if cov > 0 {
                let (dx, dy) = (x - 17, y - 17);
                let d2 = dx * dx + dy * dy;
                let v = (255 - d2 * 190 / (30 * 30)).clamp(40, 255) as u8;
                px = [v, v, (v as u16 * 7 / 8) as u8, (cov * 255 / 16) as u8];
            }
            // Coloured bars: red, green, blue, yellow (their luma differs).
            let bars = [[230, 40, 40], [40, 200, 60], [50, 80, 240], [240, 220, 40]];
            if (52..92).contains(&x) && (4..32).contains(&y) {
                let b = ((x - 52) / 10) as usize;
                if (x - 52) % 10 < 8 {
                    let c = bars[b];
                    px = [c[0], c[1], c[2], 255];
                }
            }
            // A grey ramp under the bars, dark to light.
            if (52..92).contains(&x) && (36..44).contains(&y) {
                let v = ((x - 52) * 255 / 39) as u8;
                px = [v, v, v, 255];
            }
            rgba[i..i + 4].copy_from_slice(&px);
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("png header");
        writer.write_image_data(&rgba).expect("png data");
    }
    out
}

/// The ring's 8 dot centres around (16, 16), radius 10 (an octagon: no trigonometry needed).
const DOTS: [(i32, i32); 8] = [
    (16, 6),
    (23, 9),
    (26, 16),
    (23, 23),
    (16, 26),
    (9, 23),
    (6, 16),
    (9, 9),
];

pub fn spinner() -> Vec<u8> {
    // Palette: 0 black, 1 dim grey, 2 mid grey, 3 white, 4 transparent.
    let palette = [0, 0, 0, 70, 70, 70, 150, 150, 150, 255, 255, 255, 0, 0, 0];
    let mut out = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut out, 32, 32, &palette).expect("gif header");
        enc.set_repeat(gif::Repeat::Infinite).expect("gif loop");
        // Frame 0: the whole canvas, the dim ring of dots.
        let mut base = vec![0u8; 32 * 32];
        for &(cx, cy) in &DOTS {
            for y in 0..32 {
                for x in 0..32 {
                    let (dx, dy) = (x - cx, y - cy);
                    if dx * dx + dy * dy <= 5 {
                        base[(y * 32 + x) as usize] = 1;
                    }
                }
            }
        }
        let mut f = gif::Frame::from_indexed_pixels(32, 32, base, None);
        f.delay = 20;
        f.dispose = gif::DisposalMethod::Keep;
        enc.write_frame(&f).expect("frame 0");
        // Frames 1..=8: one 7x7 patch each, lighting the next dot; the corners are
        // transparent so the ring below shows through.
        for (i, &(cx, cy)) in DOTS.iter().enumerate() {
            let mut patch = vec![4u8; 49];
            for y in 0..7 {
                for x in 0..7 {
                    let (dx, dy) = (x - 3, y - 3);
                    let d2 = dx * dx + dy * dy;
                    if d2 <= 2 {
                        patch[(y * 7 + x) as usize] = 3;
                    } else if d2 <= 5 {
                        patch[(y * 7 + x) as usize] = 2;
                    }
                }
            }
            let mut f = gif::Frame::from_indexed_pixels(7, 7, patch, Some(4));
            f.left = (cx - 3) as u16;
            f.top = (cy - 3) as u16;
            // Mixed delays: 8 cs, one 0 (plays as 10 cs), the last held 50 cs.
            f.delay = match i {
                3 => 0,
                7 => 50,
                _ => 8,
            };
            f.dispose = gif::DisposalMethod::Keep;
            enc.write_frame(&f).expect("dot frame");
        }
    }
    out
}

/// A seven-segment display font in BDF: 14x23 digit cells (3-pixel segments with a one-pixel
/// gap at each joint, like a real display), a 2-pixel gap between digits.
pub fn seg7() -> Vec<u8> {
    const W: usize = 14;
    const H: usize = 23;
    // Segments as (x0, y0, x1, y1) inclusive: a top, b upper right, c lower right, d bottom,
    // e lower left, f upper left, g middle.
    const SEGS: [(usize, usize, usize, usize); 7] = [
        (3, 0, 10, 2),
        (11, 3, 13, 9),
        (11, 13, 13, 19),
        (3, 20, 10, 22),
        (0, 13, 2, 19),
        (0, 3, 2, 9),
        (3, 10, 10, 12),
    ];
    let lit = |mask: u8| {
        let mut rows = vec![[false; W]; H];
        for (i, &(x0, y0, x1, y1)) in SEGS.iter().enumerate() {
            if mask & (1 << i) != 0 {
                for row in rows.iter_mut().take(y1 + 1).skip(y0) {
                    for px in row.iter_mut().take(x1 + 1).skip(x0) {
                        *px = true;
                    }
                }
            }
        }
        rows
    };
    // Bits a..g = 0..6.
    const DIGITS: [u8; 10] = [
        0b0111111, 0b0000110, 0b1011011, 0b1001111, 0b1100110, 0b1101101, 0b1111101, 0b0000111,
        0b1111111, 0b1101111,
    ];
    let mut glyphs: Vec<(u32, &str, usize, Vec<Vec<bool>>)> = Vec::new();
    glyphs.push((32, "space", 8, vec![vec![false]]));
    glyphs.push((
        45,
        "minus",
        W + 2,
        lit(1 << 6).iter().map(|r| r.to_vec()).collect(),
    ));
    let mut dot = vec![vec![false; 3]; H];
    for row in dot.iter_mut().skip(20) {
        row.fill(true);
    }
    glyphs.push((46, "period", 5, dot));
    const NAMES: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    for (d, &mask) in DIGITS.iter().enumerate() {
        let rows = lit(mask).iter().map(|r| r.to_vec()).collect();
        glyphs.push((48 + d as u32, NAMES[d], W + 2, rows));
    }
    let mut colon = vec![vec![false; 3]; H];
    for y in (6..9).chain(14..17) {
        colon[y].fill(true);
    }
    glyphs.push((58, "colon", 5, colon));
    let mut out = String::new();
    out.push_str("STARTFONT 2.1\n");
    out.push_str(
        "COMMENT seg7.bdf: a seven-segment font generated by tinydisplay's make_assets.\n",
    );
    out.push_str("COMMENT Licence: same as tinydisplay (MIT OR Apache-2.0).\n");
    out.push_str("FONT -tinydisplay-seg7-medium-r-normal--23-230-75-75-c-160-iso10646-1\n");
    out.push_str("SIZE 23 75 75\n");
    out.push_str(&format!("FONTBOUNDINGBOX {W} {H} 0 0\n"));
    out.push_str("STARTPROPERTIES 2\nFONT_ASCENT 23\nFONT_DESCENT 0\nENDPROPERTIES\n");
    out.push_str(&format!("CHARS {}\n", glyphs.len()));
    for (code, name, advance, rows) in &glyphs {
        let w = rows[0].len();
        let h = rows.len();
        out.push_str(&format!(
            "STARTCHAR {name}\nENCODING {code}\nSWIDTH 500 0\nDWIDTH {advance} 0\nBBX {w} {h} 0 0\nBITMAP\n"
        ));
        let bytes = w.div_ceil(8);
        for row in rows {
            let mut v = vec![0u8; bytes];
            for (x, &on) in row.iter().enumerate() {
                if on {
                    v[x / 8] |= 0x80 >> (x % 8);
                }
            }
            for b in v {
                out.push_str(&format!("{b:02X}"));
            }
            out.push('\n');
        }
        out.push_str("ENDCHAR\n");
    }
    out.push_str("ENDFONT\n");
    out.into_bytes()
}
