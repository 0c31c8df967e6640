//! `tinydisplay check`: validate scene files (and optionally an event log against them).

use crate::common::load_scene_with_events;
use std::path::PathBuf;
use std::process::ExitCode;
use tinydisplay::scene::Widget;

#[derive(clap::Args)]
pub struct Args {
    /// Scene files (TOML or JSON). Every file is checked; exit 2 if any is bad.
    #[arg(required = true)]
    pub scenes: Vec<PathBuf>,
    /// Also check that this `TICK NAME=VALUE` event log parses and names the scene's inputs.
    #[arg(long, value_name = "LOG")]
    pub events: Option<PathBuf>,
}

/// Widgets including group children.
fn count(ws: &[Widget]) -> usize {
    ws.iter().map(|w| 1 + count(&w.children)).sum()
}

pub fn run(args: Args) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for path in &args.scenes {
        let engine = match load_scene_with_events(path, args.events.as_deref()) {
            Ok(e) => e,
            Err(code) => {
                status = code;
                continue;
            }
        };
        let scene = engine.scene();
        let name = scene.name.clone().unwrap_or_else(|| {
            path.file_stem().map_or_else(
                || path.display().to_string(),
                |s| s.to_string_lossy().into_owned(),
            )
        });
        let events = match &args.events {
            Some(_) => format!(", {} events", engine.events().len()),
            None => String::new(),
        };
        println!(
            "ok: {name} {}x{}, {} widgets{events}",
            engine.width(),
            engine.height(),
            count(&scene.widgets)
        );
        warn_missing_glyphs(path, &engine);
    }
    status
}

/// Warns (on stderr, exit status unchanged) about literal characters a widget's font lacks:
/// they draw as the replacement glyph, which is rarely what the author meant.
fn warn_missing_glyphs(path: &std::path::Path, engine: &tinydisplay::Engine) {
    let name = path.display().to_string();
    // The scene was just read and parsed, so this read only fails if the file changed since.
    let text = std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    for w in engine.missing_glyph_warnings(&name, &text) {
        eprintln!("warning: {w}");
    }
}
