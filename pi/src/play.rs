//! `tinydisplay play` (not yet implemented).

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The scene file (TOML or JSON).
    pub scene: std::path::PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    let _ = args;
    eprintln!("tinydisplay play: not implemented yet");
    ExitCode::FAILURE
}
