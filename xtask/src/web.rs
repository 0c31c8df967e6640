//! `cargo xtask serve` and `cargo xtask web`: the browser simulator's two wasm builds, the static
//! site, a small COOP/COEP HTTP server, and the browser-side test and golden entry points.
//!
//! # Commands
//! - `cargo xtask serve [--port N]`: installs what is missing, builds both wasm builds (cached:
//!   cargo is incremental and wasm-bindgen only reruns when the .wasm changed), serves `web/www`
//!   on `127.0.0.1:N` (default 8000) with `Cross-Origin-Opener-Policy: same-origin` and
//!   `Cross-Origin-Embedder-Policy: require-corp`, and prints the URL.
//! - `cargo xtask web [--out DIR]`: the same site as a static folder (default `target/site`).
//!   It also writes a `_headers` file (Netlify / Cloudflare Pages syntax) for the isolation
//!   headers; hosts without them get the single-thread build, and the page says so.
//!
//! # Entry points for `cargo xtask test` and `cargo xtask golden` (the ci helper)
//! - [`browser_tests`]: builds, serves on a free port, computes the native expected hashes with
//!   `tinydisplay hash`, and runs `web/tests/browser.mjs` in Debian's Chromium through npm
//!   playwright-core. Screenshots and the measurements go to `target/web-artifacts/`.
//! - [`wasm_node_tests`]: `cargo test -p tinydisplay-web --target wasm32-unknown-unknown` run by
//!   wasm-bindgen-test-runner in node (the single-thread build's code).
//! - Golden hashes, one [`HashJob`] per (scene, optional event log, ticks); the result has one
//!   `Vec<(tick, 16-hex hash)>` per job, in the job's tick order, the `tinydisplay hash` format:
//!   - [`golden_node`]: the single-thread wasm build in node (`web/tests/golden-node.mjs`);
//!   - [`golden_browser`]: the threads build in headless Chromium, hashed on the Web Worker pool
//!     (`web/tests/golden-browser.mjs`); it fails if the pool has fewer than 2 workers.
//!
//!   [`golden_target_node`] and [`golden_target_browser`] wrap them with the signature of a
//!   `golden::Target`'s `compute` (`Fn(&[golden::Job]) -> Result<Vec<golden::Hashes>, String>`).
//!   `cargo xtask web --golden` runs both on every example scene against the native CLI.
//!   Both scripts can also be run by hand:
//!   `node web/tests/golden-node.mjs SCENE [--events LOG] TICK...` prints `TICK HASH` lines.

use crate::setup;
use crate::util::{output, root, run, stage};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// Link flags for the threads build. `+atomics` alone no longer gives shared memory
/// (rust-lang/rust#147225): without these the browser fails at `initThreadPool` with
/// "DataCloneError: #<Memory> could not be cloned" (see shared/TOOLCHAIN.md).
pub(crate) const THREADS_RUSTFLAGS: &str =
    "-C target-feature=+atomics,+bulk-memory,+mutable-globals \
     -C link-arg=--shared-memory -C link-arg=--max-memory=1073741824 -C link-arg=--import-memory \
     -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size \
     -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base";

const WASM: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";

/// One of the two wasm builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    /// Stable, no atomics: rayon runs on the calling thread. Output `web/www/pkg-st`.
    Single,
    /// Nightly, `-Z build-std`, shared memory, wasm-bindgen-rayon workers. Output `web/www/pkg-mt`.
    Threads,
}

impl Build {
    fn pkg(self) -> &'static str {
        match self {
            Build::Single => "pkg-st",
            Build::Threads => "pkg-mt",
        }
    }

    /// Its own target dir for the threads build: different flags and std, so the two builds
    /// never invalidate each other's cache.
    fn target_dir(self) -> PathBuf {
        match self {
            Build::Single => target_dir(),
            Build::Threads => target_dir().join("wasm-threads"),
        }
    }

    /// The .wasm that cargo writes.
    pub fn cargo_wasm(self) -> PathBuf {
        self.target_dir()
            .join(WASM)
            .join(PROFILE)
            .join("tinydisplay_web.wasm")
    }

    /// The wasm-bindgen output (what the page loads).
    pub fn bindgen_wasm(self) -> PathBuf {
        www().join(self.pkg()).join("tinydisplay_web_bg.wasm")
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn www() -> PathBuf {
    root().join("web").join("www")
}

fn artifacts() -> PathBuf {
    target_dir().join("web-artifacts")
}

fn mtime(p: &Path) -> Option<SystemTime> {
    p.metadata().and_then(|m| m.modified()).ok()
}

/// Builds one wasm build and runs wasm-bindgen on it (skipped when its output is newer).
pub fn build(which: Build) -> Result<(), String> {
    let bindgen = setup::wasm_bindgen_cli()?;
    let mut cargo = Command::new("cargo");
    cargo.current_dir(root());
    match which {
        Build::Single => {
            setup::rust_target("stable", WASM)?;
            cargo.args([
                "build",
                "-p",
                "tinydisplay-web",
                "--lib",
                "--target",
                WASM,
                "--profile",
                PROFILE,
            ]);
            // A RUSTFLAGS meant for the host must not leak into the wasm build.
            cargo.env_remove("RUSTFLAGS");
        }
        Build::Threads => {
            setup::nightly_rust_src()?;
            cargo.args([
                "+nightly",
                "build",
                "-p",
                "tinydisplay-web",
                "--lib",
                "--features",
                "threads",
            ]);
            cargo.args([
                "--target",
                WASM,
                "--profile",
                PROFILE,
                "-Z",
                "build-std=panic_abort,std",
            ]);
            cargo.arg("--target-dir").arg(which.target_dir());
            cargo.env("RUSTFLAGS", THREADS_RUSTFLAGS);
        }
    }
    // `cargo +nightly` needs rustup's proxy, not the cargo that runs xtask.
    cargo
        .env_remove("RUSTC")
        .env_remove("CARGO")
        .env_remove("RUSTUP_TOOLCHAIN");
    stage(&format!("cargo build ({})", which.pkg()), || {
        run(&mut cargo)
    })?;
    let wasm = which.cargo_wasm();
    let out = www().join(which.pkg());
    if matches!((mtime(&wasm), mtime(&which.bindgen_wasm())), (Some(a), Some(b)) if b >= a) {
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(&out);
    run(Command::new(bindgen.join("wasm-bindgen"))
        .arg(&wasm)
        // The name section is a quarter of the file and only serves debuggers and profilers.
        .args([
            "--target",
            "web",
            "--remove-name-section",
            "--remove-producers-section",
            "--out-dir",
        ])
        .arg(&out))
}

/// Copies `tests/scenes/*.{toml,json}` (and each scene's `STEM.events` log, when there is one)
/// into `web/www/scenes/` with an `index.json` listing them, so the gallery is built in and a
/// static host needs nothing else.
fn copy_scenes() -> Result<(), String> {
    let dst = www().join("scenes");
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(&dst).map_err(|e| format!("{}: {e}", dst.display()))?;
    let mut entries = Vec::new();
    for path in example_scenes()? {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("bad scene file name")?
            .to_string();
        std::fs::copy(&path, dst.join(&name)).map_err(|e| format!("{}: {e}", path.display()))?;
        let events = match events_of(&path) {
            Some(ev) => {
                let ev_name = ev
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
                    .to_string();
                std::fs::copy(&ev, dst.join(&ev_name))
                    .map_err(|e| format!("{}: {e}", ev.display()))?;
                json_str(&ev_name)
            }
            None => "null".into(),
        };
        entries.push(format!(
            "{{\"file\": {}, \"events\": {events}}}",
            json_str(&name)
        ));
    }
    std::fs::write(
        dst.join("index.json"),
        format!("[\n  {}\n]\n", entries.join(",\n  ")),
    )
    .map_err(|e| e.to_string())
}

/// `tests/scenes/STEM.events` next to `STEM.toml`, if it exists.
fn events_of(scene: &Path) -> Option<PathBuf> {
    let ev = scene.with_extension("events");
    ev.exists().then_some(ev)
}

/// Both builds and the scene gallery in `web/www`; returns that folder.
pub fn build_site() -> Result<PathBuf, String> {
    build(Build::Single)?;
    build(Build::Threads)?;
    copy_scenes()?;
    Ok(www())
}

fn parse_flag<T: std::str::FromStr>(args: &[String], flag: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => {
            let v = args.get(i + 1).ok_or(format!("{flag} needs a value"))?;
            v.parse()
                .map(Some)
                .map_err(|_| format!("{flag}: bad value {v:?}"))
        }
    }
}

/// `cargo xtask serve [--port N]`.
pub fn serve(args: &[String]) -> Result<(), String> {
    let port: u16 = parse_flag(args, "--port")?.unwrap_or(8000);
    let dir = build_site()?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    println!("tinydisplay simulator: http://127.0.0.1:{port}/  (Ctrl-C to stop)");
    serve_forever(listener, dir);
    Ok(())
}

/// `cargo xtask web [--out DIR]`; `web --test` runs the wasm and browser tests, and
/// `web --golden` compares both wasm targets with the native hashes of every example scene.
pub fn web(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--test") {
        wasm_node_tests()?;
        return browser_tests();
    }
    if args.iter().any(|a| a == "--golden") {
        return golden_check();
    }
    let out: PathBuf = parse_flag(args, "--out")?.unwrap_or_else(|| target_dir().join("site"));
    let dir = build_site()?;
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

// ---------------------------------------------------------------------------------------------
// The HTTP server. Hand-written because it is ~80 lines of std and must send COOP/COEP on every
// response; a crate would add a dependency tree to xtask for no gain.

fn serve_forever(listener: TcpListener, dir: PathBuf) {
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &dir);
        });
    }
}

/// Starts the server on a free port in a background thread; returns the port.
pub fn serve_background(dir: PathBuf) -> Result<u16, String> {
    let listener =
        TcpListener::bind(("127.0.0.1", 0)).map_err(|e| format!("cannot listen: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    std::thread::spawn(move || serve_forever(listener, dir));
    Ok(port)
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "toml" | "txt" | "log" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn handle(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    // `/plain/...` serves the same files without the isolation headers, like a plain static
    // host: the browser tests check the single-thread fallback there.
    let (path, isolate) = match path.strip_prefix("/plain") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            (format!("/{}", rest.trim_start_matches('/')), false)
        }
        _ => (path, true),
    };
    let (status, body, ctype) = if method != "GET" && method != "HEAD" {
        (
            "405 Method Not Allowed",
            b"method not allowed\n".to_vec(),
            "text/plain",
        )
    } else if path.split('/').any(|seg| seg == "..") || path.contains('\\') {
        ("400 Bad Request", b"bad path\n".to_vec(), "text/plain")
    } else {
        let mut file = dir.join(path.trim_start_matches('/'));
        if file.is_dir() {
            file = file.join("index.html");
        }
        match std::fs::read(&file) {
            Ok(bytes) => ("200 OK", bytes, mime(&file)),
            Err(_) => (
                "404 Not Found",
                format!("not found: {path}\n").into_bytes(),
                "text/plain",
            ),
        }
    };
    let isolation = if isolate {
        "Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n\
         Cross-Origin-Resource-Policy: same-origin\r\n"
    } else {
        ""
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{isolation}\
         Cache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()?;
    // Drain what the client may still send, so closing does not reset the connection early.
    stream.shutdown(std::net::Shutdown::Write)?;
    let _ = stream.read(&mut [0u8; 256]);
    Ok(())
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            if let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Tests and golden hashes.

/// One golden hashing job: a scene, its optional event log, and the ticks to hash.
#[derive(Clone, Debug)]
pub struct HashJob {
    pub scene: PathBuf,
    pub events: Option<PathBuf>,
    pub ticks: Vec<u64>,
}

/// Per job, `(tick, hash)` in the job's tick order.
pub type JobHashes = Vec<(u64, String)>;

fn web_dir() -> PathBuf {
    root().join("web")
}

fn node_prepare() -> Result<(), String> {
    setup::npm(&web_dir())
}

fn parse_hash_lines(text: &str, ticks: &[u64]) -> Result<JobHashes, String> {
    let got: Vec<(u64, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut it = l.split_whitespace();
            let t = it
                .next()
                .and_then(|t| t.parse().ok())
                .ok_or(format!("bad hash line {l:?}"))?;
            let h = it
                .next()
                .filter(|h| h.len() == 16)
                .ok_or(format!("bad hash line {l:?}"))?;
            Ok((t, h.to_string()))
        })
        .collect::<Result<_, String>>()?;
    let want: Vec<u64> = ticks.to_vec();
    let have: Vec<u64> = got.iter().map(|g| g.0).collect();
    if have != want {
        return Err(format!(
            "hash lines are for ticks {have:?}, expected {want:?}"
        ));
    }
    Ok(got)
}

/// The single-thread wasm build in node.
pub fn golden_node(jobs: &[HashJob]) -> Result<Vec<JobHashes>, String> {
    build(Build::Single)?;
    jobs.iter()
        .map(|job| {
            let mut cmd = Command::new("node");
            cmd.arg(web_dir().join("tests").join("golden-node.mjs"))
                .arg(&job.scene);
            if let Some(ev) = &job.events {
                cmd.arg("--events").arg(ev);
            }
            cmd.args(job.ticks.iter().map(u64::to_string));
            parse_hash_lines(&output(&mut cmd)?, &job.ticks)
        })
        .collect()
}

/// The threads build in headless Chromium, hashed on the Web Worker pool.
pub fn golden_browser(jobs: &[HashJob]) -> Result<Vec<JobHashes>, String> {
    setup::chromium()?;
    node_prepare()?;
    let dir = build_site()?;
    let port = serve_background(dir)?;
    let spec: Vec<String> = jobs
        .iter()
        .map(|j| {
            let ticks: Vec<String> = j.ticks.iter().map(u64::to_string).collect();
            format!(
                "{{\"scene\":{},\"events\":{},\"ticks\":[{}]}}",
                json_str(&j.scene.display().to_string()),
                j.events
                    .as_ref()
                    .map_or("null".into(), |e| json_str(&e.display().to_string())),
                ticks.join(",")
            )
        })
        .collect();
    let spec_file = artifacts().join("golden-jobs.json");
    std::fs::create_dir_all(artifacts()).map_err(|e| e.to_string())?;
    std::fs::write(&spec_file, format!("[{}]", spec.join(","))).map_err(|e| e.to_string())?;
    let out = output(
        Command::new("node")
            .arg(web_dir().join("tests").join("golden-browser.mjs"))
            .arg(&spec_file)
            .env("TD_URL", format!("http://127.0.0.1:{port}/")),
    )?;
    // One block per job, separated by a line `--`.
    let blocks: Vec<&str> = out.split("--\n").collect();
    if blocks.len() < jobs.len() {
        return Err(format!(
            "golden-browser.mjs printed {} blocks for {} jobs",
            blocks.len(),
            jobs.len()
        ));
    }
    jobs.iter()
        .zip(blocks)
        .map(|(j, b)| parse_hash_lines(b, &j.ticks))
        .collect()
}

fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Builds the native CLI unless `TINYDISPLAY_BIN` names one.
fn native_cli() -> Result<(), String> {
    if std::env::var_os("TINYDISPLAY_BIN").is_some() {
        return Ok(());
    }
    run(Command::new("cargo").current_dir(root()).args([
        "build",
        "--release",
        "-p",
        "tinydisplay-cli",
    ]))
}

/// The native `tinydisplay hash` of the test ticks for one scene.
fn native_hashes(scene: &Path, events: Option<&Path>, ticks: &[u64]) -> Result<JobHashes, String> {
    let bin = std::env::var_os("TINYDISPLAY_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("release").join("tinydisplay"));
    let at: Vec<String> = ticks
        .iter()
        .filter(|&&t| t >= 2)
        .map(u64::to_string)
        .collect();
    let mut cmd = Command::new(&bin);
    cmd.arg("hash")
        .arg(scene)
        .args(["--ticks", "0..2", "--at", &at.join(",")]);
    if let Some(ev) = events {
        cmd.arg("--events").arg(ev);
    }
    parse_hash_lines(&output(&mut cmd)?, ticks)
}

/// The browser tests (see `web/tests/browser.mjs`); artifacts in `target/web-artifacts/`.
pub fn browser_tests() -> Result<(), String> {
    setup::chromium()?;
    node_prepare()?;
    let dir = build_site()?;
    native_cli()?;
    let ticks = [0u64, 1, 59, 600, 1_000_000];
    let mut expected = Vec::new();
    for s in &example_scenes()? {
        let hashes = native_hashes(s, events_of(s).as_deref(), &ticks)?;
        let pairs: Vec<String> = hashes
            .iter()
            .map(|(t, h)| format!("\"{t}\":\"{h}\""))
            .collect();
        let name = s.file_name().and_then(|n| n.to_str()).unwrap_or("");
        expected.push(format!("{}:{{{}}}", json_str(name), pairs.join(",")));
    }
    std::fs::create_dir_all(artifacts()).map_err(|e| e.to_string())?;
    let expected_file = artifacts().join("expected-hashes.json");
    std::fs::write(&expected_file, format!("{{{}}}\n", expected.join(",")))
        .map_err(|e| e.to_string())?;
    let port = serve_background(dir)?;
    stage("browser tests (chromium)", || {
        run(Command::new("node")
            .arg(web_dir().join("tests").join("browser.mjs"))
            .env("TD_URL", format!("http://127.0.0.1:{port}/"))
            .env("TD_EXPECTED", &expected_file)
            .env("TD_ARTIFACTS", artifacts()))
    })
}

/// `golden::Target` compute function: the single-thread wasm build in node.
pub fn golden_target_node(
    jobs: &[crate::golden::Job],
) -> Result<Vec<crate::golden::Hashes>, String> {
    golden_node(&hash_jobs(jobs))
}

/// `golden::Target` compute function: the threads build on the Web Worker pool in Chromium.
pub fn golden_target_browser(
    jobs: &[crate::golden::Job],
) -> Result<Vec<crate::golden::Hashes>, String> {
    golden_browser(&hash_jobs(jobs))
}

fn hash_jobs(jobs: &[crate::golden::Job]) -> Vec<HashJob> {
    jobs.iter()
        .map(|j| HashJob {
            scene: j.scene.clone(),
            events: j.events.clone(),
            ticks: j.all_ticks(),
        })
        .collect()
}

/// Both wasm targets against the native CLI on every example scene (ticks 0, 1, 59, 600, 10^6,
/// with the scene's event log when it has one).
fn golden_check() -> Result<(), String> {
    native_cli()?;
    let jobs: Vec<crate::golden::Job> = example_scenes()?
        .into_iter()
        .map(|scene| crate::golden::Job {
            events: events_of(&scene),
            scene,
            ticks: 0..2,
            at: vec![59, 600, 1_000_000],
        })
        .collect();
    let node = stage("golden: wasm32 in node", || golden_target_node(&jobs))?;
    let browser = stage("golden: wasm32 threads in chromium", || {
        golden_target_browser(&jobs)
    })?;
    let mut bad = Vec::new();
    for ((job, n), b) in jobs.iter().zip(&node).zip(&browser) {
        let native = native_hashes(&job.scene, job.events.as_deref(), &job.all_ticks())?;
        for (target, got) in [("node", n), ("chromium", b)] {
            if got != &native {
                bad.push(format!(
                    "{} on {target}: {got:?} != native {native:?}",
                    job.scene.display()
                ));
            }
        }
        println!(
            "{}: node and chromium equal native at {:?}",
            job.scene.display(),
            job.all_ticks()
        );
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad.join("\n"))
    }
}

fn example_scenes() -> Result<Vec<PathBuf>, String> {
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(root().join("tests").join("scenes"))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "json"))
        .collect();
    scenes.sort();
    Ok(scenes)
}

/// wasm-bindgen-test tests of the bindings, in node.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types() {
        assert_eq!(mime(Path::new("a/b.wasm")), "application/wasm");
        assert_eq!(mime(Path::new("x.js")), "text/javascript; charset=utf-8");
        assert_eq!(mime(Path::new("index.html")), "text/html; charset=utf-8");
    }

    #[test]
    fn server_sends_isolation_headers_and_refuses_traversal() {
        let dir = std::env::temp_dir().join(format!("td-serve-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "hi").unwrap();
        let port = serve_background(dir).unwrap();
        let get = |path: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            out
        };
        let ok = get("/");
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        assert!(ok.contains("Cross-Origin-Opener-Policy: same-origin"));
        assert!(ok.contains("Cross-Origin-Embedder-Policy: require-corp"));
        assert!(ok.ends_with("hi"));
        assert!(get("/../etc/passwd").starts_with("HTTP/1.1 400"));
        assert!(get("/nope.js").starts_with("HTTP/1.1 404"));
        let plain = get("/plain/");
        assert!(
            plain.starts_with("HTTP/1.1 200") && plain.ends_with("hi"),
            "{plain}"
        );
        assert!(!plain.contains("Cross-Origin-Embedder-Policy"));
    }

    #[test]
    fn hash_lines_must_match_ticks() {
        let ok = parse_hash_lines("0 0123456789abcdef\n5 0123456789abcdef\n", &[0, 5]).unwrap();
        assert_eq!(ok[1], (5, "0123456789abcdef".into()));
        assert!(parse_hash_lines("0 0123456789abcdef\n", &[0, 5]).is_err());
        assert_eq!(percent_decode("/a%20b"), "/a b");
    }
}
