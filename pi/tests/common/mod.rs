//! What the CLI tests share: running the built `tinydisplay` binary and reading its output.
#![allow(dead_code)]
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_tinydisplay");

pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run tinydisplay")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
