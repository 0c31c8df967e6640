//! Every golden target, in table order, and how each computes its hashes:
//!
//! - native and cross: `xtask/examples/golden_hasher.rs` (x86_64 sequential, rayon pool 1/2/4,
//!   snapshot round trip; aarch64 and armv7 under qemu, called explicitly: there is no
//!   binfmt_misc in our containers, see docs/toolchain.md);
//! - wasm32: the single-thread build in node (`web/tests/golden-node.mjs`) and the threads
//!   build on the Web Worker pool in headless Chromium (`web/tests/golden-browser.mjs`).
//!
//! Adding a target is one entry in [`targets`].

use super::format::{parse_hash_lines, Hashes};
use super::job::{FrameBytes, Job, Target, WireFn};
use crate::util::{json_str, output, root, target_dir};
use crate::wasm::{self, Build};
use crate::{build, server, setup};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

/// Every target, in table order. The first is the reference: `--bless` writes from it, it
/// hashes the wire stream, and the diff images take their expected frame from it.
pub fn targets() -> Vec<Target> {
    let mut reference = hasher_target("x86_64", None, None, "seq");
    reference.wire = Some(wire_fn());
    vec![
        reference,
        hasher_target("x86_64 pool:1", None, None, "pool:1"),
        hasher_target("x86_64 pool:2", None, None, "pool:2"),
        hasher_target("x86_64 pool:4", None, None, "pool:4"),
        hasher_target("x86_64 snapshot", None, None, "snapshot"),
        hasher_target(
            "aarch64 qemu",
            Some("aarch64-unknown-linux-musl"),
            Some("qemu-aarch64-static"),
            "seq",
        ),
        hasher_target(
            "armv7 qemu",
            Some("armv7-unknown-linux-gnueabihf"),
            Some("qemu-arm-static"),
            "seq",
        ),
        Target {
            name: "wasm32 node",
            compute: Box::new(wasm_node),
            frame: None,
            wire: None,
        },
        Target {
            name: "wasm32 chromium workers",
            compute: Box::new(wasm_chromium),
            frame: None,
            wire: None,
        },
    ]
}

/// A target that runs the hasher (through `runner`, e.g. qemu) with `mode`. The hasher is built
/// on first use and kept for the target's other calls.
fn hasher_target(
    name: &'static str,
    cross: Option<&'static str>,
    runner: Option<&'static str>,
    mode: &'static str,
) -> Target {
    let bin = Rc::new(OnceCell::<PathBuf>::new());
    let get_bin = move || -> Result<PathBuf, String> {
        if let Some(b) = bin.get() {
            return Ok(b.clone());
        }
        if cross.is_some() {
            setup::cross()?;
        }
        let b = build::golden_hasher(cross)?;
        let _ = bin.set(b.clone());
        Ok(b)
    };
    let command = move |bin: &Path| {
        let mut c = match runner {
            Some(r) => {
                let mut c = Command::new(r);
                c.arg(bin);
                c
            }
            None => Command::new(bin),
        };
        c.current_dir(root());
        c
    };
    let get_bin2 = get_bin.clone();
    Target {
        name,
        compute: Box::new(move |jobs| {
            let bin = get_bin()?;
            jobs.iter()
                .map(|job| {
                    let out = output(
                        command(&bin)
                            .arg("hash")
                            .args(job.hash_args())
                            .args(["--mode", mode]),
                    )?;
                    parse_hash_lines(&out)
                })
                .collect()
        }),
        frame: Some(Box::new(move |job, tick| {
            let bin = get_bin2()?;
            let mut c = command(&bin);
            c.args([
                "frame",
                &job.scene.display().to_string(),
                "--tick",
                &tick.to_string(),
                "--mode",
                mode,
            ]);
            if let Some(ev) = &job.events {
                c.arg("--events").arg(ev);
            }
            parse_frame(&output(&mut c)?)
        })),
        wire: None,
    }
}

/// The hasher's `frame` output, `W H HEX`.
fn parse_frame(text: &str) -> Result<FrameBytes, String> {
    let mut it = text.split_whitespace();
    let (w, h, hex) = (it.next(), it.next(), it.next());
    let bad = || format!("bad frame output: {:.60}", text);
    let w: u32 = w.and_then(|w| w.parse().ok()).ok_or_else(bad)?;
    let h: u32 = h.and_then(|h| h.parse().ok()).ok_or_else(bad)?;
    let hex = hex.ok_or_else(bad)?.as_bytes();
    let bytes: Vec<u8> = hex
        .chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
        })
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    if Some(bytes.len() as u64) != u64::from(w).checked_mul(u64::from(h)).map(|n| n / 8) {
        return Err(bad());
    }
    Ok((w, h, bytes))
}

/// The reference target's wire hash: the CLI and the hasher are built on first use and kept.
fn wire_fn() -> WireFn {
    let tools = OnceCell::<(PathBuf, PathBuf)>::new();
    Box::new(move |scene, last| {
        let (cli, hasher) = match tools.get() {
            Some(t) => t.clone(),
            None => {
                let t = (build::cli()?, build::golden_hasher(None)?);
                let _ = tools.set(t.clone());
                t
            }
        };
        wire_hash(&cli, &hasher, scene, last)
    })
}

/// The wire-stream hash of ticks 0..=last, from the native `tinydisplay play --display wire:FILE`
/// hashed by the golden hasher's `file-hash`.
fn wire_hash(cli: &Path, hasher: &Path, scene: &Path, last: u64) -> Result<String, String> {
    let root = root();
    let dir = target_dir(&root).join("golden");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let stem = scene
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("scene");
    let file = dir.join(format!("{stem}.wire"));
    let _ = std::fs::remove_file(&file);
    output(
        Command::new(cli)
            .current_dir(&root)
            .arg("play")
            .arg(scene)
            .arg("--display")
            .arg(format!("wire:{}", file.display()))
            .args(["--ticks", &format!("0..{}", last + 1), "--fast"]),
    )
    .map_err(|e| format!("`tinydisplay play --display wire:` failed: {e}"))?;
    if !file.exists() {
        return Err(format!("`tinydisplay play` wrote no {}", file.display()));
    }
    let out = output(Command::new(hasher).arg("file-hash").arg(&file))?;
    Ok(out.trim().to_string())
}

/// The scripts read files from node, whose working directory is not the root.
fn absolute(job: &Job) -> (PathBuf, Option<PathBuf>) {
    let root = root();
    (
        root.join(&job.scene),
        job.events.as_ref().map(|e| root.join(e)),
    )
}

/// The single-thread wasm build in node: `node web/tests/golden-node.mjs SCENE [--events LOG]
/// TICK...` per job.
fn wasm_node(jobs: &[Job]) -> Result<Vec<Hashes>, String> {
    wasm::build(Build::Single)?;
    let script = root().join("web/tests/golden-node.mjs");
    jobs.iter()
        .map(|job| {
            let (scene, events) = absolute(job);
            let mut cmd = Command::new("node");
            cmd.arg(&script).arg(scene);
            if let Some(ev) = events {
                cmd.arg("--events").arg(ev);
            }
            cmd.args(job.all_ticks().iter().map(u64::to_string));
            parse_hash_lines(&output(&mut cmd)?)
        })
        .collect()
}

/// The threads build in headless Chromium, hashed on the Web Worker pool (the script fails when
/// the pool has fewer than 2 workers). One JSON job file, one block of `TICK HASH` lines per
/// job, each ended by a line `--`.
fn wasm_chromium(jobs: &[Job]) -> Result<Vec<Hashes>, String> {
    let root = root();
    setup::chromium()?;
    setup::npm(&root.join("web"))?;
    let port = server::serve_background(wasm::build_site()?)?;
    let spec: Vec<String> = jobs
        .iter()
        .map(|j| {
            let (scene, events) = absolute(j);
            let ticks: Vec<String> = j.all_ticks().iter().map(u64::to_string).collect();
            format!(
                "{{\"scene\":{},\"events\":{},\"ticks\":[{}]}}",
                json_str(&scene.display().to_string()),
                events.map_or("null".into(), |e| json_str(&e.display().to_string())),
                ticks.join(",")
            )
        })
        .collect();
    let dir = target_dir(&root).join("web-artifacts");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let spec_file = dir.join("golden-jobs.json");
    std::fs::write(&spec_file, format!("[{}]", spec.join(",")))
        .map_err(|e| format!("{}: {e}", spec_file.display()))?;
    let out = output(
        Command::new("node")
            .arg(root.join("web/tests/golden-browser.mjs"))
            .arg(&spec_file)
            .env("TD_URL", format!("http://127.0.0.1:{port}/")),
    )?;
    split_blocks(&out, jobs.len())?
        .into_iter()
        .map(parse_hash_lines)
        .collect()
}

/// The `--`-terminated blocks of the Chromium script's output; exactly `n` of them.
fn split_blocks(out: &str, n: usize) -> Result<Vec<&str>, String> {
    let mut blocks: Vec<&str> = out.split("--\n").collect();
    // The text after the last terminator must be empty: anything else is a cut-off block.
    if blocks.pop().is_some_and(|rest| !rest.trim().is_empty()) || blocks.len() != n {
        return Err(format!(
            "golden-browser.mjs printed {} complete blocks for {n} jobs",
            blocks.len()
        ));
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_parse_and_must_fill_the_panel() {
        assert_eq!(parse_frame("8 8 00ff00ff00ff00ff\n").unwrap().2.len(), 8);
        assert!(parse_frame("8 8 00ff\n").is_err(), "too short");
        assert!(parse_frame("8 8 zz00ff00ff00ff00\n").is_err(), "not hex");
        assert!(parse_frame("4294967295 4294967295 00\n").is_err());
    }

    #[test]
    fn browser_output_has_one_block_per_job() {
        let out = "0 0123456789abcdef\n--\n1 0123456789abcdef\n--\n";
        assert_eq!(split_blocks(out, 2).unwrap().len(), 2);
        assert!(split_blocks(out, 3).is_err());
        assert!(split_blocks("0 0123456789abcdef\n--\n1 01234", 1).is_err());
    }

    #[test]
    fn the_reference_comes_first_and_names_are_unique() {
        let t = targets();
        assert_eq!(t[0].name, "x86_64");
        assert!(t[0].wire.is_some() && t[0].frame.is_some());
        assert!(t[1..].iter().all(|t| t.wire.is_none()));
        let mut names: Vec<&str> = t.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), t.len());
    }
}
