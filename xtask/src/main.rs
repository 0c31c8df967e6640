//! `cargo xtask`: the project's set-up, build, test and benchmark automation.
//!
//! Every command installs what it needs (see `setup`), so that a fresh machine needs nothing
//! but the README's two commands.

use std::process::ExitCode;

mod bench;
mod build;
mod disk;
mod golden;
mod pi;
mod server;
mod setup;
mod stages;
mod test;
mod util;
mod wasm;
mod web;

fn usage() -> &'static str {
    "usage: cargo xtask <command>

commands:
  serve [--port N]   build both wasm builds and serve the simulator (default 127.0.0.1:8000)
  web [--out DIR]    build the static simulator site (default target/site)
  web --test         the wasm-bindgen tests in node and the browser tests in Chromium
  test [--keep-going] [--only S,..] [--skip S,..]
                     run every test (unit, property, fuzz, golden on all targets, browser)
  golden [--target NAME,..]
                     check the golden frame and wire hashes on every target (or those named)
  golden --bless     rewrite tests/golden/ from the reference target and print what changed
  bench [--quick]    criterion benches + `tinydisplay bench` on every scene + the luma.oled
                     reference (xtask/luma/dashboard.py) -> target/bench/report.md
  pi                 cross-build the Raspberry Pi binaries and smoke-test them under qemu
  setup              install everything the other commands need"
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "setup" => setup::all(),
        "serve" => web::serve(rest),
        "web" => web::web(rest),
        "test" => test::main(rest),
        "golden" => golden::main(rest),
        "bench" => bench::main(rest),
        "pi" => pi::main(rest),
        "help" | "--help" | "-h" => {
            println!("{}", usage());
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{}", usage())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {cmd}: {e}");
            ExitCode::FAILURE
        }
    }
}
