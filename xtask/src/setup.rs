//! Installs what the other commands need, only when it is missing. Idempotent and quick when
//! everything is there. Caches live outside the checkout (`~/.cache/tinydisplay`), because CI
//! clones afresh every run.

use crate::util::{have, output, run};
use std::path::PathBuf;
use std::process::Command;

/// `~/.cache/tinydisplay`.
pub fn cache_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"));
    home.join(".cache").join("tinydisplay")
}

/// Debian packages, installed with apt-get when any is missing.
pub fn apt(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
                .unwrap_or(false)
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let apt_get = |args: &[&str]| {
        let mut c = Command::new(sudo.first().copied().unwrap_or("apt-get"));
        if !sudo.is_empty() {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut apt_get(&["update", "-qq"]))?;
    let mut install = apt_get(&["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(&missing);
    run(&mut install)
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u"))
        .map(|s| s.trim() == "0")
        .unwrap_or(false)
}

/// A rustup target for a toolchain (`stable` or `nightly`).
pub fn rust_target(toolchain: &str, target: &str) -> Result<(), String> {
    let installed = output(Command::new("rustup").args([
        "target",
        "list",
        "--installed",
        "--toolchain",
        toolchain,
    ]))?;
    if installed.lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", target, "--toolchain", toolchain]))
}

/// The nightly toolchain with rust-src (for `-Z build-std` in the threaded wasm build).
pub fn nightly_rust_src() -> Result<(), String> {
    let toolchains = output(Command::new("rustup").args(["toolchain", "list"]))?;
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    let comps = output(Command::new("rustup").args([
        "component",
        "list",
        "--installed",
        "--toolchain",
        "nightly",
    ]))?;
    if !comps.lines().any(|l| l.starts_with("rust-src")) {
        run(Command::new("rustup").args([
            "component",
            "add",
            "rust-src",
            "--toolchain",
            "nightly",
        ]))?;
    }
    rust_target("nightly", "wasm32-unknown-unknown")
}

/// The wasm-bindgen version pinned in Cargo.lock.
pub fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(crate::util::root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next() {
                if let Some(v) = v.trim().strip_prefix("version = \"") {
                    return Ok(v.trim_end_matches('"').to_string());
                }
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

/// wasm-bindgen-cli (and wasm-bindgen-test-runner) matching Cargo.lock, cached under
/// `~/.cache/tinydisplay/wasm-bindgen-VERSION/bin`. Returns that bin directory.
///
/// Installed without `--locked`: a locked dependency of the CLI is missing from the registry
/// we reach (docs/toolchain.md).
pub fn wasm_bindgen_cli() -> Result<PathBuf, String> {
    let version = wasm_bindgen_version()?;
    let root = cache_dir().join(format!("wasm-bindgen-{version}"));
    let bin = root.join("bin");
    if bin.join("wasm-bindgen").exists() && bin.join("wasm-bindgen-test-runner").exists() {
        return Ok(bin);
    }
    println!(
        "[setup] installing wasm-bindgen-cli {version} from crates.io into {} (once; minutes on 2 cores)",
        root.display()
    );
    run(Command::new("cargo")
        .args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--root",
        ])
        .arg(&root))?;
    Ok(bin)
}

/// `npm ci`/`npm install` in `dir` when `node_modules` is missing or older than the lock file.
pub fn npm(dir: &std::path::Path) -> Result<(), String> {
    if !have("npm") {
        apt(&["nodejs", "npm"])?;
    }
    let modules = dir.join("node_modules");
    let lock = dir.join("package-lock.json");
    let fresh = match (
        modules.metadata().and_then(|m| m.modified()),
        lock.metadata().and_then(|m| m.modified()),
    ) {
        (Ok(m), Ok(l)) => m >= l,
        (Ok(_), Err(_)) => true,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    let verb = if lock.exists() { "ci" } else { "install" };
    run(Command::new("npm")
        .args([verb, "--no-audit", "--no-fund"])
        .current_dir(dir))
}

/// Headless Chromium and its driver, from Debian.
pub fn chromium() -> Result<(), String> {
    apt(&["chromium", "chromium-driver"])
}

/// Cross-build and qemu tools for the Raspberry Pi targets.
pub fn cross() -> Result<(), String> {
    apt(&[
        "qemu-user-static",
        "gcc-arm-linux-gnueabihf",
        "libc6-dev-armhf-cross",
    ])?;
    rust_target("stable", "aarch64-unknown-linux-musl")?;
    rust_target("stable", "armv7-unknown-linux-gnueabihf")
}

/// The MQTT broker that `pi/tests/sources.rs` starts on a loopback port (the broker only; the
/// tests publish with rumqttc, so no client package).
pub fn mosquitto() -> Result<(), String> {
    apt(&["mosquitto"])
}

/// Everything.
pub fn all() -> Result<(), String> {
    rust_target("stable", "wasm32-unknown-unknown")?;
    nightly_rust_src()?;
    cross()?;
    chromium()?;
    mosquitto()?;
    wasm_bindgen_cli()?;
    Ok(())
}

/// cargo-fuzz (for the bounded fuzz run), installed into `~/.cargo/bin` once.
pub fn cargo_fuzz() -> Result<(), String> {
    if Command::new("cargo")
        .args(["fuzz", "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        return Ok(());
    }
    run(Command::new("cargo").args(["install", "cargo-fuzz"]))
}
