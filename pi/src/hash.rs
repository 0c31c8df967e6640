//! `tinydisplay hash`: one `TICK HASH` line per tick, for golden tests and cross-target checks.
//!
//! Ticks default to the scene's first ten seconds (`0..10 * tick_rate`). `--at` adds single far
//! ticks (e.g. `--at 1000000000`, or `--at 18446744073709551615`, the one tick no range can hold);
//! all ticks are printed once each, in increasing order. The engine renders every `u64` tick, so
//! no requested tick is ever left out. A range over 10^7 ticks needs `--force`, and then shows a
//! progress bar on a terminal.

use crate::common::{
    bad_arg, check_range_len, load_scene_with_events, parse_at, ticks_or_default,
    MAX_TICKS_WITHOUT_FORCE,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tinydisplay::{Engine, Frame, Tick};

#[derive(clap::Args)]
pub struct Args {
    /// The scene file (TOML or JSON).
    pub scene: PathBuf,
    /// Tick range `A..B` (B excluded), `A..=B` or one tick `A`. Default: the first 10 seconds.
    /// More than 10^7 ticks needs `--force`.
    #[arg(long, value_name = "A..B")]
    pub ticks: Option<String>,
    /// Extra ticks besides the range, comma-separated, e.g. `--at 86400,1000000000`; any tick up
    /// to 18446744073709551615 (the last one, which no `--ticks` range can hold).
    #[arg(long, value_name = "T1,T2,...")]
    pub at: Option<String>,
    /// Replay this `TICK NAME=VALUE` event log.
    #[arg(long, value_name = "LOG")]
    pub events: Option<PathBuf>,
    /// Allow a `--ticks` range of more than 10^7 ticks (it can take hours; a progress bar shows
    /// on a terminal).
    #[arg(long)]
    pub force: bool,
}

/// Ticks hashed per parallel batch: large enough to keep the cores busy, small enough that the
/// first lines appear at once and memory stays flat on huge ranges.
const BATCH: u64 = 4096;

pub fn run(args: Args) -> ExitCode {
    let engine = match load_scene_with_events(&args.scene, args.events.as_deref()) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let range = match ticks_or_default(args.ticks.as_deref(), &engine) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if let Err(code) = check_range_len(&range, args.force) {
        return code;
    }
    let at = match args.at.as_deref().map(parse_at) {
        None => Vec::new(),
        Some(Ok(v)) => v,
        Some(Err(e)) => return bad_arg(format!("--at: {e}")),
    };
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    let pb = progress(range.end - range.start);
    let result = (|| -> std::io::Result<()> {
        for &t in at.iter().filter(|&&t| t < range.start) {
            write_hashes(&mut out, &engine, t, 1)?;
        }
        let mut a = range.start;
        while a < range.end {
            let n = (range.end - a).min(BATCH);
            write_hashes(&mut out, &engine, a, n)?;
            pb.inc(n);
            a += n;
        }
        for &t in at.iter().filter(|&&t| t >= range.end) {
            write_hashes(&mut out, &engine, t, 1)?;
        }
        out.flush()
    })();
    pb.finish_and_clear();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is a normal way to stop reading.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: writing output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A bar only for ranges long enough to need `--force`; indicatif's stderr target draws nothing
/// when stderr is not a terminal, so pipes and logs stay clean.
fn progress(len: u64) -> ProgressBar {
    if len <= MAX_TICKS_WITHOUT_FORCE {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(st) =
        ProgressStyle::with_template("hashing [{bar:40}] {pos}/{len} ticks ({per_sec}, {eta})")
    {
        pb.set_style(st.progress_chars("=> "));
    }
    pb
}

/// Hashes the `n` ticks from `start` (a count, not an end, so that the last tick, `u64::MAX`,
/// can be hashed too).
fn write_hashes(out: &mut impl Write, engine: &Engine, start: Tick, n: u64) -> std::io::Result<()> {
    // Indexed by usize offsets so that the order is kept on 32-bit targets too (the Pi's armv7).
    let n = n as usize;
    let lines: Vec<String> = (0..n)
        .into_par_iter()
        .map_init(
            || Frame::new(engine.width(), engine.height()),
            |frame, i| {
                let t = start + i as Tick;
                engine.render_into(t, frame);
                format!("{t} {}\n", frame.hash())
            },
        )
        .collect();
    for l in lines {
        out.write_all(l.as_bytes())?;
    }
    Ok(())
}
