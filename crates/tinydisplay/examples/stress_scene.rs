// Writes the stress scene, `tests/scenes/stress.toml`, to stdout:
//
// ```sh
// cargo run -p tinydisplay --example stress_scene > tests/scenes/stress.toml
// cargo run -p tinydisplay --example stress_scene -- --live   # the runtime tests' variant
// ```
//
// The checked-in file must stay byte for byte this program's output (a test in
// `crates/tinydisplay/tests/stress_scene.rs` says so), since its golden hashes pin every
// frame. `--live` adds two inputs and three widgets bound to them (a progress bar, a text and a
// sparkline over the field), so that the runtime's tests can push events into the same heavy
// scene; those tests `include!` this file and call `stress_scene` (hence plain comments here:
// an included file cannot carry inner doc comments).

use std::fmt::Write;

/// The easing of square `i`: the squares cycle through every easing the engine names, in its
/// order (`steps(N)` as `steps(4)`), so a new easing joins the stress scene by itself.
fn ease(i: usize) -> String {
    let names = tinydisplay::fixed::EASING_NAMES;
    names[i % names.len()].replace("(N)", "(4)")
}

/// The scene's TOML text; `live` gives the variant with inputs.
pub fn stress_scene(live: bool) -> String {
    let mut s = String::new();
    s.push_str(
        "# Stress test: 160 keyframed squares (8 rows x 20 columns, every easing, per-square delays\n\
         # making a diagonal wave, yoyo forever), 20 wave-driven bars, 4 XOR marquees and a title on a\n\
         # moving plate: 187 widgets, all animated. Used by the benchmarks as the worst case.\n",
    );
    s.push_str("name = \"Stress\"\n");
    s.push_str("display = { width = 128, height = 64, tick_rate = 60 }\n");
    if live {
        s.push_str(
            "\n[inputs]\ncpu = { default = 10, min = 0, max = 100 }\nlabel = { default = \"idle\" }\n",
        );
    }
    // Squares: 8 rows of 20. The delay grows along both axes (a diagonal wave), the easing
    // cycles through all 17, and on every third anti-diagonal (row + column) the square is
    // hollow; every fifth anti-diagonal also fades with a triangle wave whose period grows by row.
    for row in 0..8u32 {
        for col in 0..20u32 {
            let i = row * 20 + col;
            let (x, y) = (2 + 6 * col, 2 + 7 * row);
            let fill = (row + col) % 3 != 0;
            let delay = 3 * col + 4 * row;
            let ease = ease(i as usize);
            let mut animate = format!(
                "{{ prop = \"y\", delay = {delay}, repeat = \"forever\", yoyo = true, ease = \"{ease}\", keys = [{{ t = 0, v = {y} }}, {{ t = 40, v = {} }}] }}",
                y + 3
            );
            if (row + col) % 5 == 0 {
                let _ = write!(
                    animate,
                    ", {{ prop = \"opacity\", wave = {{ shape = \"triangle\", period = {}, min = 4, max = 16, phase = {} }} }}",
                    60 + 7 * row,
                    5 * col
                );
            }
            let _ = write!(
                s,
                "\n[[widgets]]\nkind = \"rect\"\nx = {x}\ny = {y}\nw = 4\nh = 4\nfill = {fill}\nanimate = [{animate}]\n"
            );
        }
    }
    // Bars along the bottom edge, each bouncing with its own period and phase.
    for j in 0..20u32 {
        let _ = write!(
            s,
            "\n[[widgets]]\nkind = \"line\"\nx = {}\ny = 63\nw = 3\nh = 0\nanimate = [{{ prop = \"y\", wave = {{ shape = \"abs_sine\", period = {}, min = 63, max = 58, phase = {} }} }}]\n",
            2 + 6 * j,
            50 + j,
            4 * j
        );
    }
    // XOR marquees across the field: (font, speed, every).
    let marquees = [("4x6", 1, 1), ("4x6", -1, 2), ("5x7", 2, 1), ("4x6", 1, 3)];
    for (k, (font, speed, every)) in marquees.into_iter().enumerate() {
        let _ = write!(
            s,
            "\n[[widgets]]\nkind = \"marquee\"\nx = 0\ny = {}\nw = 128\nh = 7\nz = 2\nmode = \"xor\"\nfont = \"{font}\"\nspeed = {speed}\nevery = {every}\ngap = 40\ntext = \"stress {k} - every easing, delay, yoyo, xor, dither, marquee\"\n",
            4 + 16 * k
        );
    }
    s.push_str(
        r#"
# A dark plate (drawn in `off` mode) keeps the title readable over the field.
[[widgets]]
id = "plate"
kind = "rect"
x = 24
y = 24
w = 100
h = 18
radius = 4
fill = true
mode = "off"
z = 3
animate = [{ prop = "x", wave = { period = 240, min = 4, max = 24 } }]

[[widgets]]
id = "plate_edge"
kind = "rect"
x = 24
y = 24
w = 100
h = 18
radius = 4
z = 3
animate = [{ prop = "x", wave = { period = 240, min = 4, max = 24 } }]

[[widgets]]
id = "title"
kind = "text"
x = 0
y = 26
w = 128
z = 4
align = "center"
font = "profont_12"
text = "STRESS {tick}"
animate = [{ prop = "x", wave = { period = 240, min = -10, max = 10 } }]
"#,
    );
    if live {
        s.push_str(
            r#"
# Live inputs over the field (the runtime tests push `cpu` events into this variant).
[[widgets]]
kind = "progress"
x = 0
y = 56
w = 64
h = 8
z = 5
bind = { value = "cpu" }

[[widgets]]
kind = "text"
x = 66
y = 54
z = 5
text = "{label} {cpu}%"
font = "6x10"

[[widgets]]
kind = "sparkline"
x = 64
y = 12
w = 60
h = 16
z = 5
series = { input = "cpu" }
"#,
        );
    }
    s
}

#[allow(dead_code)] // unused where the runtime's tests include this file
fn main() {
    let live = std::env::args().skip(1).any(|a| a == "--live");
    print!("{}", stress_scene(live));
}
