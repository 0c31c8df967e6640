//! `tinydisplay bench`: frame compute time, precompute throughput with 1 and N workers,
//! utilization, real-time tick-to-frame latency inline vs precomputed, cache use.
//!
//! The JSON keys are documented in the `tinydisplay_runtime` crate docs (`bench_report`).

use crate::common;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tinydisplay_runtime::bench_report::{self, BenchOptions, BenchReport};
use tinydisplay_runtime::SystemClock;

#[derive(clap::Args)]
pub struct Args {
    /// The scene file (TOML or JSON).
    pub scene: PathBuf,
    /// Workers of the multi-worker runs (default: every core; `play` leaves one to the player).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Ticks to compute and to play in real time (A..B exclusive, or A..=B). The real-time runs
    /// take (B - A) / tick_rate seconds each; at least 600 ticks (10 s at 60/s) is meaningful.
    #[arg(long, default_value = "0..600", value_parser = common::parse_ticks)]
    pub ticks: std::ops::Range<tinydisplay::Tick>,
    /// Input events to apply first (`TICK NAME=VALUE` lines).
    #[arg(long)]
    pub events: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Allow `--ticks` over 10^7 ticks (the real-time runs alone then take days).
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> ExitCode {
    let engine = match common::load_scene_with_events(&args.scene, args.events.as_deref()) {
        Ok(e) => e,
        Err(code) => return code,
    };
    if let Err(code) = common::check_range_len(&args.ticks, args.force) {
        return code;
    }
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let opts = BenchOptions {
        workers,
        ticks: args.ticks.clone(),
        min_time: Duration::from_millis(500),
    };
    let scene = args.scene.display().to_string();
    let mut progress = |what: &str| eprintln!("bench {scene}: {what}...");
    let report = match bench_report::run(
        &scene,
        &engine,
        Arc::new(SystemClock::new()),
        &opts,
        &mut progress,
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tinydisplay bench: cannot start {workers} worker threads: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        println!("{}", report.to_json());
    } else {
        print_table(&report);
    }
    ExitCode::SUCCESS
}

fn print_table(r: &BenchReport) {
    let n = r.workers;
    println!("scene                      {}", r.scene);
    println!(
        "ticks                      {} at {} ticks/s",
        r.ticks, r.tick_rate
    );
    println!(
        "frame compute time         p50 {:.1} us, p99 {:.1} us",
        r.frame_us_p50, r.frame_us_p99
    );
    println!(
        "precompute, 1 worker       {:.0} frames/s (utilization {:.1}%)",
        r.fps_1,
        r.utilization_1 * 100.0
    );
    println!(
        "precompute, {n} workers{:pad$}{:.0} frames/s (utilization {:.1}%)",
        "",
        r.fps_n,
        r.utilization * 100.0,
        pad = 15usize.saturating_sub(n.to_string().len())
    );
    println!("speedup                    {:.2}x", r.speedup);
    println!(
        "latency inline             p50 {:.1} us, p99 {:.1} us, max {:.1} us",
        r.latency_us_p50_inline, r.latency_us_p99_inline, r.latency_us_max_inline
    );
    println!(
        "latency precomputed        p50 {:.1} us, p99 {:.1} us, max {:.1} us",
        r.latency_us_p50_precomputed, r.latency_us_p99_precomputed, r.latency_us_max_precomputed
    );
    println!("p99 latency reduction      {:.1}%", r.latency_reduction_pct);
    println!(
        "tick to frame in hand      p99 {:.1} us inline, {:.1} us precomputed",
        r.in_hand_us_p99_inline, r.in_hand_us_p99_precomputed
    );
    println!(
        "  of which OS wake-up      p99 {:.1} us inline, {:.1} us precomputed",
        r.wake_late_us_p99_inline, r.wake_late_us_p99_precomputed
    );
    println!(
        "  wake-up to frame in hand p99 {:.1} us inline, {:.1} us precomputed",
        r.service_us_p99_inline, r.service_us_p99_precomputed
    );
    println!(
        "cache                      peak {} of {} bytes, hit rate {:.1}%",
        r.cache_bytes_peak,
        r.cache_budget_bytes,
        r.cache_hit_rate * 100.0
    );
    println!(
        "dropped frames             {} precomputed, {} inline",
        r.dropped_frames, r.dropped_frames_inline
    );
    if r.panics_caught > 0 {
        println!("render panics caught       {}", r.panics_caught);
    }
}
