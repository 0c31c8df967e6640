//! `cargo xtask golden [--bless] [--target NAME,...]`: every example scene's frames, computed on
//! every target, must equal the hashes in `tests/golden/<scene>.txt` (format:
//! tests/golden/README.md), and the reference target's SSD1306 wire stream must equal the file's
//! `wire` line.
//!
//! - `format.rs`: the golden file format and the one `TICK HASH` parser;
//! - `job.rs`: what a target computes ([`job::Job`]) and what a target is ([`job::Target`]);
//! - `targets.rs`: the target list (native, rayon pool, snapshot, qemu aarch64/armv7, wasm32 in
//!   node and in Chromium);
//! - `verify.rs`: the pure comparison of expected and computed frame and wire hashes;
//! - `check.rs`: runs the targets, compares, prints the target x scene table;
//! - `diff.rs`: the diff images; `bless.rs`: `--bless`.
//!
//! Each file here imports only siblings listed before it, and never this file, so the module
//! has no cycles: `format` (nothing), `job` and `verify` (format), `diff` (job), `targets`
//! (format, job), `check` (format, job, verify, diff), `bless` (format, job).

mod bless;
mod check;
mod diff;
pub mod format;
mod job;
mod targets;
mod verify;

#[cfg(test)]
mod tests;

pub use check::verify;
pub use targets::targets;

pub fn main(args: &[String]) -> Result<(), String> {
    let mut bless = false;
    let mut only: Option<Vec<String>> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bless" => bless = true,
            "--target" => {
                let v = it.next().ok_or("--target needs NAME[,NAME]")?;
                only = Some(v.split(',').map(str::to_string).collect());
            }
            other => {
                return Err(format!(
                    "golden: unknown argument {other:?} (use --bless, --target NAME,...)"
                ))
            }
        }
    }
    let root = crate::util::root();
    let mut targets = targets();
    if bless {
        if only.is_some() {
            return Err("--bless writes from the reference target; it takes no --target".into());
        }
        return bless::bless_all(&root, &targets[0]);
    }
    if let Some(only) = &only {
        targets.retain(|t| only.iter().any(|o| t.name.starts_with(o.as_str())));
        if targets.is_empty() {
            return Err(format!("no target matches {only:?}"));
        }
    }
    verify(&root, &targets).map(|_| ())
}
