//! `cargo xtask serve` and `cargo xtask web`, and the browser-side tests that `cargo xtask test`
//! runs. The builds themselves are in `wasm.rs`, the server in `server.rs`; the wasm golden
//! targets are in `golden/targets.rs`.
//!
//! - `cargo xtask serve [--port N]`: installs what is missing, builds the single-thread build,
//!   serves `web/www` on `127.0.0.1:N` (default 8000) with the cross-origin isolation headers and
//!   prints the URL, then builds the threads build while serving; `/build-status` tells the open
//!   page when to reload onto it.
//! - `cargo xtask web [--out DIR]`: the same site as a static folder (default `target/site`).
//!   It also writes a `_headers` file (Netlify / Cloudflare Pages syntax) for the isolation
//!   headers; hosts without them get the single-thread build, and the page says so.
//! - `cargo xtask web --test`: [`wasm_node_tests`] then [`browser_tests`].

use crate::golden::format::parse_hash_lines;
use crate::util::{json_str, parse_flag, root, run, scenes, stage, target_dir};
use crate::wasm::{Build, PROFILE, WASM};
use crate::{build, server, setup, wasm};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// `cargo xtask serve [--port N]`.
pub fn serve(args: &[String]) -> Result<(), String> {
    let port: u16 = parse_flag(args, "--port")?.unwrap_or(8000);
    let started = std::time::Instant::now();
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    // The single-thread build first (stable, no std rebuild): the page works with it while the
    // threads build (nightly, -Z build-std: minutes on a bare machine) is made; the page polls
    // /build-status and reloads itself when it is ready.
    println!("[serve] building the single-thread build…");
    wasm::build(Build::Single)?;
    wasm::copy_scenes()?;
    let status: server::BuildStatus = Arc::new(Mutex::new("building"));
    let dir = wasm::www();
    {
        let status = Arc::clone(&status);
        std::thread::spawn(move || server::serve_forever(listener, dir, status));
    }
    println!(
        "tinydisplay simulator: http://127.0.0.1:{port}/  (single-thread build ready after {:.0} s; Ctrl-C to stop)",
        started.elapsed().as_secs_f64()
    );
    println!("[serve] building the threads build in the background; open pages switch to it when it is ready…");
    let result = wasm::build(Build::Threads);
    *status.lock().unwrap_or_else(|p| p.into_inner()) =
        if result.is_ok() { "ready" } else { "failed" };
    match result {
        Ok(()) => println!(
            "[serve] threads build ready after {:.0} s: open pages reload onto it",
            started.elapsed().as_secs_f64()
        ),
        Err(e) => {
            println!("[serve] the threads build failed ({e}); serving the single-thread build")
        }
    }
    loop {
        std::thread::park();
    }
}

/// `cargo xtask web [--out DIR] | --test`.
pub fn web(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--test") {
        wasm_node_tests()?;
        return browser_tests();
    }
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => {
                it.next();
            }
            other => {
                return Err(format!(
                    "web: unknown argument {other:?} (--out DIR, or --test)"
                ))
            }
        }
    }
    let out: PathBuf =
        parse_flag(args, "--out")?.unwrap_or_else(|| target_dir(&root()).join("site"));
    let dir = wasm::build_site()?;
    let _ = std::fs::remove_dir_all(&out);
    copy_dir(&dir, &out)?;
    std::fs::write(
        out.join("_headers"),
        "/*\n  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: require-corp\n",
    )
    .map_err(|e| e.to_string())?;
    for b in [Build::Single, Build::Threads] {
        let size = b.bindgen_wasm().metadata().map(|m| m.len()).unwrap_or(0);
        println!("{}: {} bytes", b.bindgen_wasm().display(), size);
    }
    println!(
        "static site in {} (serve it with COOP/COEP headers for the threads build)",
        out.display()
    );
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(|e| format!("{}: {e}", src.display()))?;
        }
    }
    Ok(())
}

/// Screenshots, measurements and job files of the browser runs.
pub fn artifacts() -> PathBuf {
    target_dir(&root()).join("web-artifacts")
}

/// The ticks the browser tests compare with the native CLI.
const BROWSER_TICKS: [u64; 5] = [0, 1, 59, 600, 1_000_000];

/// The browser tests (`web/tests/browser.mjs`, Debian's Chromium through npm playwright-core),
/// against the native `tinydisplay hash` of [`BROWSER_TICKS`] for every example scene.
/// Artifacts in `target/web-artifacts/`.
pub fn browser_tests() -> Result<(), String> {
    let root = root();
    setup::chromium()?;
    setup::npm(&root.join("web"))?;
    let dir = wasm::build_site()?;
    let cli = build::cli()?;
    let at: Vec<String> = BROWSER_TICKS[2..].iter().map(u64::to_string).collect();
    let mut expected = Vec::new();
    for s in scenes(&root)? {
        let mut cmd = Command::new(&cli);
        cmd.current_dir(&root).arg("hash").arg(&s.path).args([
            "--ticks",
            "0..2",
            "--at",
            &at.join(","),
        ]);
        if let Some(ev) = &s.events {
            cmd.arg("--events").arg(ev);
        }
        let hashes = parse_hash_lines(&crate::util::output(&mut cmd)?)?;
        let ticks: Vec<u64> = hashes.iter().map(|h| h.0).collect();
        if ticks != BROWSER_TICKS {
            return Err(format!(
                "{}: `tinydisplay hash` printed ticks {ticks:?}, expected {BROWSER_TICKS:?}",
                s.name
            ));
        }
        let pairs: Vec<String> = hashes
            .iter()
            .map(|(t, h)| format!("\"{t}\":\"{h}\""))
            .collect();
        let name = s.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        expected.push(format!("{}:{{{}}}", json_str(name), pairs.join(",")));
    }
    std::fs::create_dir_all(artifacts()).map_err(|e| e.to_string())?;
    let expected_file = artifacts().join("expected-hashes.json");
    std::fs::write(&expected_file, format!("{{{}}}\n", expected.join(",")))
        .map_err(|e| e.to_string())?;
    let port = server::serve_background(dir)?;
    stage("browser tests (chromium)", || {
        run(Command::new("node")
            .arg(root.join("web/tests/browser.mjs"))
            .env("TD_URL", format!("http://127.0.0.1:{port}/"))
            .env("TD_EXPECTED", &expected_file)
            .env("TD_CLI", &cli)
            .env("TD_SCENES", root.join("tests/scenes"))
            .env("TD_ARTIFACTS", artifacts()))
    })
}

/// wasm-bindgen-test tests of the bindings (`web/tests/wasm.rs`), the single-thread build in
/// node through wasm-bindgen-test-runner.
pub fn wasm_node_tests() -> Result<(), String> {
    setup::rust_target("stable", WASM)?;
    let bin = setup::wasm_bindgen_cli()?;
    stage("wasm-bindgen-test (node)", || {
        run(Command::new("cargo")
            .current_dir(root())
            .args([
                "test",
                "-p",
                "tinydisplay-web",
                "--target",
                WASM,
                "--profile",
                PROFILE,
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                bin.join("wasm-bindgen-test-runner"),
            )
            .env_remove("RUSTFLAGS"))
    })
}
