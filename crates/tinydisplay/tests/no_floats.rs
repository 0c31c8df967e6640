//! The engine must not use floating point anywhere (frames must be bit-identical on every
//! target). Clippy's `float_arithmetic` lint catches arithmetic; this scan also catches float
//! types and literals in signatures, casts and constants.
use std::path::Path;

/// Removes `//` and `/* */` comments and the contents of string literals (a doc example may
/// mention f32 without using it), keeping line numbers.
fn strip(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            while i < b.len() && !b[i..].starts_with(b"*/") {
                if b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                if i < b.len() && b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn float_uses(code: &str) -> Vec<(usize, String)> {
    let mut hits = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let words: Vec<&str> = line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .collect();
        for w in words {
            let is_type = w == "f32" || w == "f64";
            // A float literal: digits with a fractional part or an f32/f64 suffix, e.g. 1.5, 2e3f64.
            let is_lit = w.chars().next().is_some_and(|c| c.is_ascii_digit())
                && (w.ends_with("f32") || w.ends_with("f64") || {
                    let mut parts = w.splitn(2, '.');
                    let (a, b) = (parts.next().unwrap_or(""), parts.next());
                    a.chars().all(|c| c.is_ascii_digit() || c == '_')
                        && b.is_some_and(|b| b.chars().next().is_some_and(|c| c.is_ascii_digit()))
                });
            if is_type || is_lit {
                hits.push((n + 1, line.trim().to_string()));
            }
        }
    }
    hits
}

#[test]
fn scanner_finds_floats() {
    assert_eq!(float_uses(&strip("let x: f32 = 1;")).len(), 1);
    assert_eq!(float_uses(&strip("let x = 1.5;")).len(), 1);
    assert_eq!(float_uses(&strip("let x = 2f64;")).len(), 1);
    assert!(float_uses(&strip(
        "// f64 in a comment\nlet s = \"1.5 f32\"; let t = a.0.1; x.f64_bits"
    ))
    .is_empty());
}

#[test]
fn engine_source_has_no_floats() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("src dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        files += 1;
        let src = std::fs::read_to_string(&path).expect("read");
        for (line, text) in float_uses(&strip(&src)) {
            found.push(format!("{}:{line}: {text}", path.display()));
        }
    }
    assert!(
        files >= 10,
        "expected the engine sources in {}",
        dir.display()
    );
    assert!(
        found.is_empty(),
        "floating point in the engine:\n{}",
        found.join("\n")
    );
}

#[test]
fn float_arithmetic_lint_stays_denied() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(lib.contains("#![deny(clippy::float_arithmetic)]"));
}
