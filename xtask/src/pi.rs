//! `cargo xtask pi`: static `tinydisplay` binaries for Raspberry Pi OS (64-bit:
//! aarch64-unknown-linux-musl; 32-bit: armv7-unknown-linux-gnueabihf with a static glibc), each
//! smoke-tested under qemu-user against the native build.
//!
//! Outputs: `target/pi/tinydisplay-aarch64` and `target/pi/tinydisplay-armv7`.

use crate::util::{output, root, run, stage, target_dir};
use crate::{build, setup};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const TARGETS: [&str; 2] = [
    "aarch64-unknown-linux-musl",
    "armv7-unknown-linux-gnueabihf",
];

/// The scene and ticks of the smoke test.
const SMOKE_SCENE: &str = "tests/scenes/dashboard.toml";
const SMOKE_TICKS: &str = "0..120";

/// The qemu-user binary that runs `target`'s executables here (no binfmt_misc in our containers,
/// so it is called explicitly: docs/toolchain.md).
pub fn qemu(target: &str) -> &'static str {
    if target.starts_with("aarch64") {
        "qemu-aarch64-static"
    } else if target.starts_with("arm") {
        "qemu-arm-static"
    } else {
        ""
    }
}

/// Builds the release `tinydisplay` for `target` (installing the cross tools when missing) and
/// returns the path of the binary. Linkers and flags come from `.cargo/config.toml`.
pub fn build(target: &str) -> Result<PathBuf, String> {
    setup::cross()?;
    run(Command::new("cargo").current_dir(root()).args([
        "build",
        "--release",
        "--locked",
        "-p",
        "tinydisplay-cli",
        "--bin",
        "tinydisplay",
        "--target",
        target,
    ]))?;
    let bin = target_dir(&root())
        .join(target)
        .join("release")
        .join("tinydisplay");
    if !bin.exists() {
        return Err(format!("{} was not built", bin.display()));
    }
    Ok(bin)
}

/// True if the ELF file has no program interpreter (PT_INTERP), i.e. it is statically linked.
pub fn is_static(path: &Path) -> Result<bool, String> {
    let b = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if b.len() < 52 || &b[..4] != b"\x7fELF" || b[5] != 1 {
        return Err(format!("{}: not a little-endian ELF file", path.display()));
    }
    let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
    let (phoff, phentsize, phnum) = if b[4] == 2 {
        let off = u32_at(0x20) | (u32_at(0x24) << 32);
        (off, u16_at(0x36), u16_at(0x38))
    } else {
        (u32_at(0x1C), u16_at(0x2A), u16_at(0x2C))
    };
    for i in 0..phnum {
        let at = phoff + i * phentsize;
        if at + 4 > b.len() {
            return Err(format!("{}: truncated program headers", path.display()));
        }
        if u32_at(at) == 3 {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn main(args: &[String]) -> Result<(), String> {
    if let Some(a) = args.first() {
        return Err(format!("unexpected argument {a:?} (usage: cargo xtask pi)"));
    }
    let scene = root().join(SMOKE_SCENE);
    let scene = scene.to_str().ok_or("non-UTF-8 checkout path")?;
    let native = stage("pi: native hash", || {
        output(Command::new(build::cli()?).args(["hash", scene, "--ticks", SMOKE_TICKS]))
    })?;
    if native.lines().count() != 120 {
        return Err(format!(
            "native `hash` printed {} lines, expected 120",
            native.lines().count()
        ));
    }
    let out_dir = target_dir(&root()).join("pi");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let golden = out_dir.join("smoke.golden");
    std::fs::write(&golden, &native).map_err(|e| format!("{}: {e}", golden.display()))?;

    let mut summary = Vec::new();
    for target in TARGETS {
        let bin = stage(&format!("pi: build {target}"), || build(target))?;
        let statically = is_static(&bin)?;
        if !statically {
            return Err(format!(
                "{} is dynamically linked; the Pi binaries must be static",
                bin.display()
            ));
        }
        stage(
            &format!("pi: smoke test {target} under {}", qemu(target)),
            || {
                setup::apt(&["qemu-user-static"])?;
                let got = output(Command::new(qemu(target)).arg(&bin).args([
                    "hash",
                    scene,
                    "--ticks",
                    SMOKE_TICKS,
                ]))?;
                if got != native {
                    let first = native.lines().zip(got.lines()).find(|(a, b)| a != b);
                    return Err(format!("{target}: `hash` differs from the native build; first difference: {first:?}"));
                }
                // The panel path too: the emulator decodes every flush and --verify checks every frame.
                output(
                    Command::new(qemu(target))
                        .arg(&bin)
                        .args([
                            "play",
                            scene,
                            "--display",
                            "emulator",
                            "--fast",
                            "--ticks",
                            SMOKE_TICKS,
                            "--verify",
                        ])
                        .arg(&golden),
                )?;
                Ok(())
            },
        )?;
        let short = target.split('-').next().unwrap_or(target);
        let dest = out_dir.join(format!("tinydisplay-{short}"));
        std::fs::copy(&bin, &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        let size = std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(0);
        summary.push(format!(
            "{} ({target}, static, {} KiB): hash + play --verify match native",
            dest.display(),
            size / 1024
        ));
    }
    for s in summary {
        eprintln!("{s}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_per_target() {
        assert_eq!(qemu(TARGETS[0]), "qemu-aarch64-static");
        assert_eq!(qemu(TARGETS[1]), "qemu-arm-static");
        assert_eq!(qemu("x86_64-unknown-linux-gnu"), "");
    }

    #[test]
    fn the_xtask_binary_itself_is_an_elf_we_can_read() {
        let me = std::env::current_exe().unwrap();
        // Test binaries on the build host are dynamically linked glibc executables.
        assert!(!is_static(&me).unwrap());
        assert!(is_static(Path::new("Cargo.toml")).is_err());
    }
}
