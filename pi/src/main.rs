//! `tinydisplay`: the command-line front end. Each subcommand lives in its own module.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod bench;
mod bundle;
mod check;
mod common;
mod display;
mod export;
mod hash;
mod interrupt;
mod play;
mod render;
mod sources;

#[derive(Parser)]
#[command(
    name = "tinydisplay",
    version,
    about = "Deterministic animated UIs for SSD1306 OLED panels"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scene file: exit 0, or exit 2 with FILE:LINE:COL: what is wrong.
    Check(check::Args),
    /// Print `TICK HASH` for each tick.
    Hash(hash::Args),
    /// Render frames to PNG, a PNG directory or an animated GIF.
    Render(render::Args),
    /// Measure frame compute time, precompute throughput, latency and cache use.
    Bench(bench::Args),
    /// Play a scene on a display (SSD1306 over I2C/SPI, emulator, wire file, terminal).
    Play(Box<play::Args>),
    /// Pack a scene and the files it names (images, fonts) into one checksummed JSON file.
    Bundle(bundle::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Hash(a) => hash::run(a),
        Command::Render(a) => render::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Play(a) => play::run(*a),
        Command::Bundle(a) => bundle::run(a),
    }
}
