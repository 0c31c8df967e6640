//! A bounded, deterministic fuzz run on stable Rust (the cargo-fuzz targets in `fuzz/` need
//! nightly): byte mutations of every example scene and of a valid snapshot go to the loader and
//! the snapshot decoder. Any panic fails the test; errors are the expected outcome.
use std::path::PathBuf;
use tinydisplay::{Engine, Event, Value};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Byte flips, insertions of interesting tokens, deletions, duplications and truncation.
fn mutate(rng: &mut XorShift, input: &[u8]) -> Vec<u8> {
    const TOKENS: &[&[u8]] = &[
        b"-",
        b"9999999999",
        b"-2147483648",
        b"\"",
        b"{",
        b"}",
        b"[",
        b"]",
        b"[[widgets]]\n",
        b"=",
        b"\n",
        b"kind = \"group\"\n",
        b"repeat = \"forever\"\n",
        b"\xff",
        b"\xc3\xa9",
        b"0",
        b"1e9",
        b"{x}",
        b"#",
        b"yoyo = true\n",
        b"mode = \"xor\"\n",
        b"opacity = 3\n",
        b"w = 40000\n",
        b"children = [{kind=\"rect\"}]\n",
    ];
    let mut v = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let end = (at + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            3 if !v.is_empty() => {
                let start = rng.below(v.len());
                let end = (start + rng.below(64)).min(v.len());
                let chunk = v[start..end].to_vec();
                v.splice(at..at, chunk);
            }
            4 => v.truncate(at),
            _ => {
                let i = at.min(v.len().saturating_sub(1));
                if let Some(b) = v.get_mut(i) {
                    *b = rng.next() as u8;
                }
            }
        }
    }
    v
}

fn scenes() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenes");
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn mutated_scenes_load_or_fail_cleanly() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut loaded = 0;
    let files = scenes();
    let per_file = 3000 / files.len().max(1);
    for (name, bytes) in &files {
        for _ in 0..per_file {
            let m = mutate(&mut rng, bytes);
            if let Ok(e) = Engine::from_source(name, &m) {
                loaded += 1;
                let t = rng.next() % 100_000;
                let _ = e.render(t);
                let _ = e.render(u64::MAX - t);
            }
        }
    }
    // Many mutations hit comments or values and still load: the renderer was exercised too.
    assert!(loaded > 100, "only {loaded} mutated scenes loaded");
}

#[test]
fn mutated_snapshots_restore_or_fail_cleanly() {
    let (name, bytes) = scenes().into_iter().next().unwrap();
    let mut engine = Engine::from_source(&name, &bytes).unwrap();
    if let Some(input) = engine.scene().inputs.keys().next().cloned() {
        engine
            .push_event(Event::new(5, input, Value::Int(3)))
            .unwrap();
    }
    let good = engine.snapshot(42);
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let m = mutate(&mut rng, &good);
        if let Ok((e, t)) = Engine::restore(&m) {
            // Only mutations that leave the bytes equal (e.g. a truncation at the end that was
            // re-added) can restore; then the engine must be the same one.
            assert_eq!(m, good);
            assert_eq!(e.render(t), engine.render(42));
        }
    }
}
