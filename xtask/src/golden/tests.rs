//! The checker end to end, with the real engine standing in for a target: a fixture repository
//! with one scene and its golden file, and targets that compute (or tamper with) its frames and
//! its wire hash.

use super::check::verify;
use super::format::Golden;
use super::job::Target;
use crate::util::target_dir;
use tinydisplay::Engine;

const SCENE: &str = r#"
display = { width = 32, height = 16 }
[[widgets]]
kind = "rect"
x = 0
y = 2
w = 6
h = 6
fill = true
[[widgets.animate]]
prop = "x"
keys = [{ t = 0, v = 0 }, { t = 20, v = 26 }]
"#;

/// The fixture's wire hash; the targets below compute it unless told otherwise.
const WIRE: &str = "5eed5eed5eed5eed";

fn engine() -> Engine {
    Engine::from_source("t.toml", SCENE.as_bytes()).unwrap()
}

fn golden_of(e: &Engine) -> Golden {
    let plain = (0..=30)
        .chain([1_000])
        .map(|t| (t, e.render(t).hash().to_string()))
        .collect();
    Golden {
        scene: "tests/scenes/t.toml".into(),
        last: 30,
        far: vec![1_000],
        plain,
        events: None,
        wire: Some(WIRE.into()),
    }
}

/// A target computing with the real engine: `tamper` flips one pixel of that tick's frame,
/// `wire` is the wire hash it reports (None: it does not hash the wire stream).
fn engine_target(tamper: Option<u64>, wire: Option<&'static str>) -> Target {
    let frame = move |t: u64| {
        let mut f = engine().render(t);
        if tamper == Some(t) {
            let on = f.pixel(31, 15);
            f.set_pixel(31, 15, !on);
        }
        f
    };
    Target {
        name: "test",
        compute: Box::new(move |jobs| {
            Ok(jobs
                .iter()
                .map(|j| {
                    j.all_ticks()
                        .into_iter()
                        .map(|t| (t, frame(t).hash().to_string()))
                        .collect()
                })
                .collect())
        }),
        frame: Some(Box::new(move |_, t| {
            let f = frame(t);
            Ok((
                u32::from(f.width()),
                u32::from(f.height()),
                f.as_bytes().to_vec(),
            ))
        })),
        wire: wire.map(|w| -> super::job::WireFn { Box::new(move |_, _| Ok(w.to_string())) }),
    }
}

fn fixture(g: &Golden) -> tempdir::Dir {
    let d = tempdir::Dir::new();
    std::fs::create_dir_all(d.0.join("tests/scenes")).unwrap();
    std::fs::create_dir_all(d.0.join("tests/golden")).unwrap();
    std::fs::write(d.0.join("tests/scenes/t.toml"), SCENE).unwrap();
    std::fs::write(d.0.join("tests/golden/t.txt"), g.to_text()).unwrap();
    d
}

mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            use std::sync::atomic::{AtomicU32, Ordering};
            static N: AtomicU32 = AtomicU32::new(0);
            let p = std::env::temp_dir().join(format!(
                "xtask-golden-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn identical_frames_and_wire_pass() {
    let d = fixture(&golden_of(&engine()));
    let targets = [engine_target(None, Some(WIRE)), engine_target(None, None)];
    assert_eq!(verify(&d.0, &targets), Ok(2));
}

#[test]
fn one_changed_hash_in_the_golden_file_fails() {
    let mut g = golden_of(&engine());
    // Change one hash (tick 17) in the file, as a careless edit would.
    let h = &mut g.plain[17].1;
    *h = if h.starts_with('0') {
        h.replacen('0', "1", 1)
    } else {
        format!("0{}", &h[1..])
    };
    let d = fixture(&g);
    let err = verify(&d.0, &[engine_target(None, Some(WIRE))]).unwrap_err();
    assert!(err.contains("tick 17 differs"), "{err}");
}

#[test]
fn a_different_wire_stream_fails() {
    let d = fixture(&golden_of(&engine()));
    let err = verify(&d.0, &[engine_target(None, Some("0000000000000000"))]).unwrap_err();
    assert!(
        err.contains("wire 0000000000000000 != 5eed5eed5eed5eed"),
        "{err}"
    );
}

#[test]
fn a_golden_file_without_its_wire_line_fails() {
    let g = Golden {
        wire: None,
        ..golden_of(&engine())
    };
    let d = fixture(&g);
    let err = verify(&d.0, &[engine_target(None, Some(WIRE))]).unwrap_err();
    assert!(err.contains("wire: no golden line"), "{err}");
}

#[test]
fn a_wire_stream_that_cannot_be_made_fails() {
    let d = fixture(&golden_of(&engine()));
    let mut t = engine_target(None, None);
    t.wire = Some(Box::new(|_, _| Err("no wire sink".into())));
    let err = verify(&d.0, &[t]).unwrap_err();
    assert!(err.contains("wire: no wire sink"), "{err}");
}

#[test]
fn a_different_frame_fails_and_writes_a_diff_png() {
    let d = fixture(&golden_of(&engine()));
    // The reference target is right, the second computes a different frame at tick 23.
    let targets = [
        engine_target(None, Some(WIRE)),
        engine_target(Some(23), None),
    ];
    let err = verify(&d.0, &targets).unwrap_err();
    assert!(err.contains("tick 23 differs"), "{err}");
    // The diff image shows exactly one differing pixel (4x4 after scaling) in the xor panel.
    let dir = target_dir(&d.0).join("golden-diff");
    let png = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (32 * 4 * 3 + 8 * 2, 16 * 4));
    let xor_x0 = (32 * 4 + 8) * 2;
    let lit: usize = (0..info.height as usize)
        .flat_map(|y| (xor_x0..info.width as usize).map(move |x| (x, y)))
        .filter(|&(x, y)| buf[y * info.width as usize + x] == 255)
        .count();
    assert_eq!(lit, 16, "one frame pixel differs, drawn 4x4");
}

#[test]
fn a_missing_golden_file_or_stale_golden_fails() {
    let d = fixture(&golden_of(&engine()));
    std::fs::rename(
        d.0.join("tests/golden/t.txt"),
        d.0.join("tests/golden/gone.txt"),
    )
    .unwrap();
    let err = verify(&d.0, &[engine_target(None, Some(WIRE))]).unwrap_err();
    assert!(err.contains("no golden file"), "{err}");
}

#[test]
fn a_target_that_fails_fails_the_check() {
    let d = fixture(&golden_of(&engine()));
    let mut t = engine_target(None, Some(WIRE));
    t.compute = Box::new(|_| Err("qemu-aarch64-static: not found".into()));
    let err = verify(&d.0, &[t]).unwrap_err();
    assert!(err.contains("qemu-aarch64-static: not found"), "{err}");
    let mut t = engine_target(None, Some(WIRE));
    t.compute = Box::new(|_| Ok(Vec::new()));
    let err = verify(&d.0, &[t]).unwrap_err();
    assert!(err.contains("0 results for 1 jobs"), "{err}");
}
