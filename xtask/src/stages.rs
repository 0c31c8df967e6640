//! The stages of `cargo xtask test`, in order, each a function from the root to a short note for
//! the summary table (a note starting with `SKIPPED` marks the stage skipped) or an error.

use crate::util::{run, show, target_dir};
use crate::{build, golden, setup, wasm, web};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

pub type StageFn = fn(&Path) -> Result<String, String>;

/// The stages, in order. A stage returns a short note for the summary, or an error.
/// Cheap checks first, so that a formatting slip fails in seconds rather than after the builds.
pub fn stages() -> Vec<(&'static str, StageFn)> {
    vec![
        ("setup", setup),
        ("fmt", fmt),
        ("float-check", float_check),
        ("clippy", clippy),
        ("cargo-test", cargo_test),
        ("wrapref", wrapref),
        ("fuzz", fuzz),
        ("golden", golden),
        ("browser", browser),
    ]
}
fn cargo(root: &Path) -> Command {
    let mut c = Command::new("cargo");
    c.current_dir(root);
    c
}

// ---------------------------------------------------------------------------------------------
// Stages
// ---------------------------------------------------------------------------------------------

fn setup(root: &Path) -> Result<String, String> {
    setup::all()?;
    let web = root.join("web");
    if web.join("package.json").exists() {
        setup::npm(&web)?;
    }
    Ok(String::new())
}

fn fmt(root: &Path) -> Result<String, String> {
    run(cargo(root).args(["fmt", "--all", "--check"]))
        .map_err(|e| format!("{e}\n(run `cargo fmt --all`)"))?;
    Ok(String::new())
}

fn clippy(root: &Path) -> Result<String, String> {
    run(cargo(root).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    Ok(String::new())
}

/// `cargo test --workspace`, streaming its output and adding up its `test result:` lines.
fn cargo_test(root: &Path) -> Result<String, String> {
    let mut cmd = cargo(root);
    cmd.args(["test", "--workspace"]);
    let (status, (passed, failed, ignored)) = run_counting_tests(&mut cmd)?;
    let note = format!("{passed} tests passed, {failed} failed, {ignored} ignored");
    if status.success() {
        Ok(note)
    } else {
        Err(format!("cargo test --workspace failed ({note})"))
    }
}

/// The engine's line breaking against embedded-text (`crates/wrapref`). That crate stays out of
/// the workspace because embedded-text does not compile beside embedded-graphics' `fixed_point`
/// feature, which the engine needs; so `cargo test --workspace` never runs it and this stage does.
/// Its own lock file pins the comparison; its build shares the workspace's target directory.
fn wrapref(root: &Path) -> Result<String, String> {
    let manifest = root.join("crates/wrapref/Cargo.toml");
    if !manifest.exists() {
        return Ok("SKIPPED no crates/wrapref".into());
    }
    let mut cmd = cargo(root);
    cmd.args(["test", "--locked", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", root.join("target/wrapref"));
    let (status, (passed, failed, ignored)) = run_counting_tests(&mut cmd)?;
    let note = format!("{passed} tests passed, {failed} failed, {ignored} ignored");
    if status.success() && passed > 0 {
        Ok(note)
    } else {
        Err(format!("wrapref comparison failed ({note})"))
    }
}

/// Runs a `cargo test` command, echoing its stdout and adding up its `test result:` lines into
/// (passed, failed, ignored).
fn run_counting_tests(
    cmd: &mut Command,
) -> Result<(std::process::ExitStatus, (u64, u64, u64)), String> {
    cmd.stdout(Stdio::piped());
    eprintln!("$ {}", show(cmd));
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start cargo test: {e}"))?;
    let mut sum = (0u64, 0u64, 0u64);
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some((p, f, i)) = parse_test_result(&line) {
                sum = (sum.0 + p, sum.1 + f, sum.2 + i);
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok((status, sum))
}

/// `test result: ok. 12 passed; 0 failed; 1 ignored; ...` -> (12, 0, 1).
fn parse_test_result(line: &str) -> Option<(u64, u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let count = |word: &str| -> u64 {
        rest.split(';')
            .find_map(|part| {
                part.trim()
                    .trim_start_matches("ok. ")
                    .trim_start_matches("FAILED. ")
                    .strip_suffix(word)
            })
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    Some((count("passed"), count("failed"), count("ignored")))
}

/// No `f32`/`f64` in the engine's source (comments aside). The engine's own test and its
/// `clippy::float_arithmetic` deny cover arithmetic; this also catches a float type or literal
/// suffix that clippy does not flag (a field, a cast, a const).
fn float_check(root: &Path) -> Result<String, String> {
    let dir = root.join("crates/tinydisplay/src");
    let mut files = Vec::new();
    collect_rs(&dir, &mut files)?;
    let mut hits = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        for (i, line) in text.lines().enumerate() {
            for col in float_tokens(line) {
                hits.push(format!(
                    "{}:{}:{}: {}",
                    f.display(),
                    i + 1,
                    col + 1,
                    line.trim()
                ));
            }
        }
    }
    if hits.is_empty() {
        Ok(format!("{} files, no f32/f64", files.len()))
    } else {
        Err(format!("floating point in the engine (forbidden: frames must be bit-identical everywhere):\n{}", hits.join("\n")))
    }
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_rs(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    Ok(())
}

/// Columns of `f32`/`f64` tokens outside `//` comments (also as literal suffixes: `1f32`).
fn float_tokens(line: &str) -> Vec<usize> {
    let code = match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    };
    let b = code.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len().saturating_sub(2) {
        if b[i] == b'f' && (&b[i + 1..i + 3] == b"32" || &b[i + 1..i + 3] == b"64") {
            let before_ok = i == 0 || !(b[i - 1].is_ascii_alphabetic() || b[i - 1] == b'_');
            let after_ok = b
                .get(i + 3)
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'));
            if before_ok && after_ok {
                out.push(i);
            }
        }
    }
    out
}

/// A short bounded run of every cargo-fuzz target: each `[[bin]]` of `fuzz/Cargo.toml` (the
/// engine's stable fuzz test inside `cargo test` runs regardless). Skipped while there is no
/// `fuzz/` crate.
///
/// `-a` builds the targets with debug assertions, and so with overflow checks (rustc turns them
/// on with `-C debug-assertions` unless told otherwise): bad input must never panic in any
/// profile, and an overflow that wraps silently in release is exactly what the fuzzer should
/// catch. It is cargo-fuzz's default without `-O` today; passing it keeps it so.
fn fuzz(root: &Path) -> Result<String, String> {
    let dir = root.join("fuzz");
    let manifest = dir.join("Cargo.toml");
    if !manifest.exists() {
        return Ok("SKIPPED no fuzz/ crate".into());
    }
    let text =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let targets = fuzz_bins(&text)?;
    if targets.is_empty() {
        return Err(format!(
            "{} lists no [[bin]] fuzz targets",
            manifest.display()
        ));
    }
    setup::nightly_rust_src()?;
    setup::cargo_fuzz()?;
    for t in &targets {
        // The scene loader starts from the example scenes, so it mutates valid input from the
        // first second instead of rediscovering TOML.
        let corpus = dir.join("corpus").join(t);
        std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
        if t.contains("scene") {
            for e in std::fs::read_dir(root.join("tests/scenes"))
                .map_err(|e| e.to_string())?
                .flatten()
            {
                let _ = std::fs::copy(e.path(), corpus.join(e.file_name()));
            }
        }
        // Seconds per target: enough to shake out a shallow crash, short enough for CI.
        run(Command::new("cargo")
            .current_dir(&dir)
            .args(["+nightly", "fuzz", "run", "--debug-assertions", t])
            .arg(&corpus)
            .args([
                "--",
                "-max_total_time=20",
                "-max_len=65536",
                "-rss_limit_mb=2048",
                "-timeout=10",
            ]))?;
    }
    Ok(format!(
        "{} targets x 20 s: {}",
        targets.len(),
        targets.join(", ")
    ))
}

/// The `name` of every `[[bin]]` table in a Cargo manifest, in file order. A line-based reading
/// (xtask has no TOML dependency) that refuses what it does not understand rather than skipping
/// a target.
fn fuzz_bins(manifest: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut in_bin = false;
    let mut bin_has_name = true;
    for (i, line) in manifest.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            if in_bin && !bin_has_name {
                return Err(format!("fuzz/Cargo.toml:{i}: a [[bin]] without a name"));
            }
            in_bin = line == "[[bin]]";
            bin_has_name = false;
            continue;
        }
        if !in_bin {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            if k.trim() == "name" {
                let v = v.trim();
                let name = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .filter(|n| {
                        !n.is_empty()
                            && n.bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                    })
                    .ok_or(format!("fuzz/Cargo.toml:{}: bad bin name {v}", i + 1))?;
                names.push(name.to_string());
                bin_has_name = true;
            }
        }
    }
    if in_bin && !bin_has_name {
        return Err("fuzz/Cargo.toml: the last [[bin]] has no name".into());
    }
    Ok(names)
}

fn golden(root: &Path) -> Result<String, String> {
    let targets = golden::targets();
    let n = golden::verify(root, &targets)?;
    Ok(format!(
        "{} targets, {n} target x scene cells identical",
        targets.len()
    ))
}

/// The bindings under wasm-bindgen-test (single-thread build in node, threads build in headless
/// Chromium), then the site in Chromium through playwright-core (`web/tests/browser.mjs`).
fn browser(root: &Path) -> Result<String, String> {
    // The browser tests compare against the native `tinydisplay hash` (`build::cli`, the dev
    // build that the cargo-test stage has already made).
    build::cli()?;
    web::wasm_node_tests()?;
    let threads = crate::util::stage("wasm-bindgen-test (threads build, chromium)", || {
        wasm_threads_chromium(root)
    })?;
    web::browser_tests()?;
    Ok(format!(
        "wasm-bindgen-test in chromium (threads): {threads}"
    ))
}

/// `web/tests/wasm.rs` again, built as the threads build (nightly, `-Z build-std`, the site's
/// shared-memory flags, `--features threads`) and run by wasm-bindgen-test-runner in Debian's
/// headless Chromium through chromedriver. The runner's server sends COOP/COEP itself (unless
/// `WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION` is set), so the page is cross-origin isolated; the
/// tests run in a dedicated worker and start wasm-bindgen-rayon's pool. Its own target dir
/// next to the site's threads build: `cargo test` builds std with the `test` crate, so the two
/// cannot share std, and the site's artifacts stay untouched.
fn wasm_threads_chromium(root: &Path) -> Result<String, String> {
    setup::chromium()?;
    setup::nightly_rust_src()?;
    let bin = setup::wasm_bindgen_cli()?;
    let target_dir = target_dir(root).join("wasm-threads-test");
    std::fs::create_dir_all(&target_dir).map_err(|e| format!("{}: {e}", target_dir.display()))?;
    // Without the background-networking flags Chromium floods the closed network with refused
    // connections (docs/toolchain.md); the runner adds headless and no-sandbox itself.
    let caps = target_dir.join("webdriver.json");
    std::fs::write(
        &caps,
        r#"{"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": ["--disable-gpu",
  "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"]}}
"#,
    )
    .map_err(|e| format!("{}: {e}", caps.display()))?;
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root)
        .args([
            "+nightly",
            "test",
            "-p",
            "tinydisplay-web",
            "--features",
            "threads",
            "--test",
            "wasm",
            "--target",
            wasm::WASM,
            "--profile",
            wasm::PROFILE,
            // The profile aborts on panic; without this cargo builds the test harness's std
            // with unwinding as well, and two `core`s collide.
            "-Z",
            "build-std=panic_abort,std",
            "-Z",
            "panic-abort-tests",
            "--target-dir",
        ])
        .arg(&target_dir)
        .env("RUSTFLAGS", wasm::THREADS_RUSTFLAGS)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            bin.join("wasm-bindgen-test-runner"),
        )
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &caps)
        // The tests take well under a second; the default 20 s is tight for a loaded machine
        // starting Chromium and the workers.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .env_remove("WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION")
        .env_remove("NO_HEADLESS");
    wasm::use_rustup_proxy(&mut cmd);
    let (status, (passed, failed, _)) = run_counting_tests(&mut cmd)?;
    let note = format!("{passed} passed, {failed} failed");
    if !status.success() {
        return Err(format!(
            "wasm-bindgen-test of the threads build in chromium failed ({note})"
        ));
    }
    // A runner that found no tests (or a harness that never reported) is not a pass.
    if passed == 0 {
        return Err("wasm-bindgen-test in chromium ran no tests".into());
    }
    Ok(note)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_result_lines() {
        assert_eq!(
            parse_test_result("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"),
            Some((12, 0, 1))
        );
        assert_eq!(
            parse_test_result("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            Some((3, 2, 0))
        );
        assert_eq!(parse_test_result("running 3 tests"), None);
    }

    #[test]
    fn every_fuzz_bin_is_found() {
        let manifest = r#"
[package]
name = "tinydisplay-fuzz"

[dependencies]
tinydisplay = { path = "../crates/tinydisplay" }

[[bin]]
name = "scene_loader"   # the loader
path = "fuzz_targets/scene_loader.rs"

[[bin]]
path = "fuzz_targets/render.rs"
name = "render"
test = false
"#;
        assert_eq!(fuzz_bins(manifest).unwrap(), ["scene_loader", "render"]);
        assert!(fuzz_bins("[[bin]]\npath = \"x.rs\"\n").is_err());
        assert!(fuzz_bins("[[bin]]\nname = \"a b\"\n").is_err());
        // The repository's own manifest: every target it lists is run.
        let ours = std::fs::read_to_string(crate::util::root().join("fuzz/Cargo.toml")).unwrap();
        let bins = fuzz_bins(&ours).unwrap();
        assert!(bins.iter().any(|b| b == "scene_loader"), "{bins:?}");
        assert_eq!(bins.len(), ours.matches("[[bin]]").count());
    }

    #[test]
    fn float_tokens_found_outside_comments() {
        assert_eq!(float_tokens("let x: f32 = 1.0;"), vec![7]);
        assert_eq!(float_tokens("let x = 1f64;"), vec![9]);
        assert!(float_tokens("// no f32 here").is_empty());
        assert!(float_tokens("let buf32 = x_f64b; fn f320()").is_empty());
    }
}
