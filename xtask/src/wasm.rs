//! The browser simulator's two wasm builds and the static site made from them, shared by
//! `cargo xtask serve`, `cargo xtask web`, the browser tests and the wasm golden targets.
//!
//! - Single (stable, no atomics): rayon runs on the calling thread. Output `web/www/pkg-st`.
//! - Threads (nightly, `-Z build-std`, shared memory, wasm-bindgen-rayon workers). Output
//!   `web/www/pkg-mt`. Its flags and why: docs/toolchain.md.
//!
//! Both are cached: cargo is incremental, and wasm-bindgen only reruns when the .wasm changed.

use crate::setup;
use crate::util::{json_str, root, run, scenes, stage, target_dir};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// Link flags for the threads build. `+atomics` alone no longer gives shared memory: without
/// the linker flags the build succeeds and the browser fails at `initThreadPool` with
/// "DataCloneError: #<Memory> could not be cloned" (docs/toolchain.md).
pub const THREADS_RUSTFLAGS: &str = "-C target-feature=+atomics,+bulk-memory,+mutable-globals \
     -C link-arg=--shared-memory -C link-arg=--max-memory=1073741824 -C link-arg=--import-memory \
     -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size \
     -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base";

pub const WASM: &str = "wasm32-unknown-unknown";
/// The root `Cargo.toml`'s profile for .wasm files (fat LTO, abort on panic).
pub const PROFILE: &str = "wasm-release";

/// One of the two wasm builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    Single,
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
        let dir = target_dir(&root());
        match self {
            Build::Single => dir,
            Build::Threads => dir.join("wasm-threads"),
        }
    }

    /// The .wasm that cargo writes.
    fn cargo_wasm(self) -> PathBuf {
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

/// `web/www`, the site's folder.
pub fn www() -> PathBuf {
    root().join("web").join("www")
}

fn mtime(p: &Path) -> Option<SystemTime> {
    p.metadata().and_then(|m| m.modified()).ok()
}

/// `cargo +nightly` needs rustup's proxy, not the cargo that runs xtask: drop the variables
/// that the outer cargo sets for its children.
pub fn use_rustup_proxy(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("RUSTC")
        .env_remove("CARGO")
        .env_remove("RUSTUP_TOOLCHAIN")
}

/// Builds one wasm build and runs wasm-bindgen on it (skipped when its output is newer).
pub fn build(which: Build) -> Result<(), String> {
    // wasm-bindgen-cli (minutes of compiling on a bare machine) is installed while cargo builds
    // the wasm: it is only needed afterwards, and the wasm build's fat-LTO step keeps one core
    // busy while the other is free. Once cached, this thread returns at once.
    let bindgen = std::thread::spawn(setup::wasm_bindgen_cli);
    let built = build_wasm(which);
    let bindgen = bindgen
        .join()
        .map_err(|_| "installing wasm-bindgen-cli panicked".to_string())?;
    built?;
    let bindgen = bindgen?;
    let wasm = which.cargo_wasm();
    let out = www().join(which.pkg());
    if matches!((mtime(&wasm), mtime(&which.bindgen_wasm())), (Some(a), Some(b)) if b >= a) {
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(&out);
    let generated = run(Command::new(bindgen.join("wasm-bindgen"))
        .arg(&wasm)
        // The name section is a quarter of the file and only serves debuggers and profilers.
        .args([
            "--target",
            "web",
            "--remove-name-section",
            "--remove-producers-section",
            "--out-dir",
        ])
        .arg(&out));
    generated.and_then(|()| modern_worker_init(&out))
}

/// The cargo half of [`build`]: one wasm build, without wasm-bindgen.
fn build_wasm(which: Build) -> Result<(), String> {
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
    use_rustup_proxy(&mut cargo);
    stage(&format!("cargo build ({})", which.pkg()), || {
        run(&mut cargo)
    })
}

/// wasm-bindgen-rayon's worker script still calls the init function with positional arguments,
/// which makes every pool worker log "using deprecated parameters for the initialization
/// function": rewritten to the object form (`{ module_or_path, memory }`) the same init takes.
fn modern_worker_init(out: &Path) -> Result<(), String> {
    const OLD: &str = "await pkg.default(data.module, data.memory);";
    const NEW: &str = "await pkg.default({ module_or_path: data.module, memory: data.memory });";
    let Ok(dirs) = std::fs::read_dir(out.join("snippets")) else {
        return Ok(());
    };
    for dir in dirs.flatten() {
        let file = dir.path().join("src").join("workerHelpers.no-bundler.js");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if text.contains(OLD) {
            std::fs::write(&file, text.replace(OLD, NEW))
                .map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    Ok(())
}

/// Both builds and the scene gallery in `web/www`; returns that folder.
pub fn build_site() -> Result<PathBuf, String> {
    build(Build::Single)?;
    build(Build::Threads)?;
    copy_scenes()?;
    // What `serve` answers while its threads build is made; a static host serves this file, so
    // the page's poll never meets a 404 (a console error).
    std::fs::write(www().join("build-status"), "{\"threads\": \"ready\"}\n")
        .map_err(|e| format!("build-status: {e}"))?;
    Ok(www())
}

/// Copies the example scenes (and each one's event log) into `web/www/scenes/` with an
/// `index.json` listing them, so the gallery is built in and a static host needs nothing else.
pub fn copy_scenes() -> Result<(), String> {
    let root = root();
    let dst = www().join("scenes");
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(&dst).map_err(|e| format!("{}: {e}", dst.display()))?;
    let mut entries = Vec::new();
    for s in scenes(&root)? {
        let src = root.join(&s.path);
        let name = file_name(&src)?;
        std::fs::copy(&src, dst.join(&name)).map_err(|e| format!("{}: {e}", src.display()))?;
        let events = match &s.events {
            Some(ev) => {
                let ev_name = file_name(ev)?;
                std::fs::copy(ev, dst.join(&ev_name))
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
    // The files the example scenes name (`src = "assets/..."`, `font = "assets/fonts/..."`),
    // fetched by the gallery: the whole tree, subdirectories included.
    let assets = root.join("tests/scenes/assets");
    if assets.is_dir() {
        copy_tree(&assets, &dst.join("assets"))?;
    }
    std::fs::write(
        dst.join("index.json"),
        format!("[\n  {}\n]\n", entries.join(",\n  ")),
    )
    .map_err(|e| e.to_string())
}

/// Copies the regular files under `from` into `to`, recreating its directories.
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for e in entries.flatten() {
        let p = e.path();
        let name = file_name(&p)?;
        if p.is_dir() {
            copy_tree(&p, &to.join(&name))?;
        } else if p.is_file() {
            std::fs::copy(&p, to.join(&name)).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    Ok(())
}

fn file_name(p: &Path) -> Result<String, String> {
    p.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .ok_or(format!("{}: not a UTF-8 file name", p.display()))
}
