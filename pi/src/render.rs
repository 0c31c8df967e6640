//! `tinydisplay render`: frames to an animated GIF, one PNG, or a directory of PNGs.
//!
//! Output files are written atomically (temporary file, then rename), so a failed render never
//! leaves a half-written image. SIGINT/SIGTERM stop the render between frames: the temporary
//! file is removed and nothing is written under the final name (a directory keeps the PNGs
//! finished before the signal). An existing output file is replaced only if it is an image of
//! the same type (PNG or GIF signature) or with `--force`; nothing else is ever deleted.
//!
//! Images show what the panel shows: the frame (with the pixel shift, which the engine draws),
//! and for a scene with display care its contrast as brightness and its sleep as dark
//! (`tinydisplay_export::Glass`). Scenes without display care export at full brightness.

use crate::common::{bad_arg, check_range_len, load_scene_with_events, ticks_or_default};
use crate::export::{save_png, write_atomic, GifWriter, Glass, Panel, Style};
use crate::interrupt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tinydisplay::{Engine, Frame, Tick};

#[derive(clap::Args)]
pub struct Args {
    /// The scene file (TOML or JSON).
    pub scene: PathBuf,
    /// Tick range `A..B` (B excluded), `A..=B` or one tick `A`. Default: the first 10 seconds
    /// (for a `.png`, only the first tick is used). A GIF or directory of more than 10^7 ticks
    /// needs `--force`.
    #[arg(long, value_name = "A..B")]
    pub ticks: Option<String>,
    /// `X.gif` (animated), `X.png` (the frame at tick A) or a directory (`tick-000000.png`, ...).
    #[arg(long, short, value_name = "X")]
    pub out: PathBuf,
    /// Output pixels per panel pixel.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub scale: u32,
    /// Panel colour.
    #[arg(long, default_value = "white", value_parser = panel_parser())]
    pub panel: Panel,
    /// Draw the dark gaps between pixels, like a real panel (scale 3 and up).
    #[arg(long)]
    pub grid: bool,
    /// Replay this `TICK NAME=VALUE` event log.
    #[arg(long, value_name = "LOG")]
    pub events: Option<PathBuf>,
    /// Replace an existing output file even if it does not look like an image of that type, and
    /// allow a GIF or directory of more than 10^7 ticks.
    #[arg(long)]
    pub force: bool,
}

/// `--panel`: the export crate's names, listed in `--help`.
fn panel_parser() -> impl clap::builder::TypedValueParser<Value = Panel> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Panel::NAMES)
        .try_map(|s: String| Panel::parse(&s).ok_or_else(|| format!("unknown panel {s:?}")))
}

enum Target {
    Png,
    Gif,
    Dir,
}

/// Renders taking longer than this many frames get a progress bar.
const PROGRESS_MIN_FRAMES: u64 = 120;

pub fn run(args: Args) -> ExitCode {
    if let Err(e) = interrupt::install() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let engine = match load_scene_with_events(&args.scene, args.events.as_deref()) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let range = match ticks_or_default(args.ticks.as_deref(), &engine) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let style = Style {
        scale: args.scale,
        panel: args.panel,
        grid: args.grid,
    };
    if let Err(e) = style.image_size(engine.width(), engine.height()) {
        return bad_arg(format!("--scale: {e}"));
    }
    let target = match classify(&args.out) {
        Ok(t) => t,
        Err(e) => return bad_arg(e),
    };
    // A PNG is the range's first tick only, so only GIFs and directories can be too long.
    if !matches!(target, Target::Png) {
        if let Err(code) = check_range_len(&range, args.force) {
            return code;
        }
    }
    let result = match target {
        Target::Png => guard_existing(&args.out, PNG_MAGIC, args.force).and_then(|()| {
            let t = range.start;
            save_png(&args.out, &engine.render(t), &style, Glass::at(&engine, t))
        }),
        Target::Gif => guard_existing(&args.out, GIF_MAGIC, args.force)
            .and_then(|()| render_gif(&engine, range, &args.out, style)),
        Target::Dir => render_dir(&engine, range, &args.out, style, args.force),
    };
    match (result, interrupt::signal()) {
        (Ok(()), _) => ExitCode::SUCCESS,
        (Err(_), Some((name, code))) => {
            eprintln!(
                "stopped by {name} before {} was finished; no temporary file is left",
                args.out.display()
            );
            ExitCode::from(code)
        }
        (Err(e), None) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Ends a render loop between frames once a signal asked to stop.
fn check_interrupt() -> Result<(), String> {
    if interrupt::requested() {
        Err("interrupted".into())
    } else {
        Ok(())
    }
}

fn classify(out: &Path) -> Result<Target, String> {
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let trailing_slash = out.as_os_str().to_string_lossy().ends_with('/');
    match ext.as_deref() {
        _ if out.is_dir() || trailing_slash => Ok(Target::Dir),
        Some("png") => Ok(Target::Png),
        Some("gif") => Ok(Target::Gif),
        None => Ok(Target::Dir),
        Some(e) => Err(format!(
            "--out {}: unsupported output type .{e}; expected X.gif, X.png or a directory",
            out.display()
        )),
    }
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
const GIF_MAGIC: &[u8] = b"GIF8";

/// Refuses to replace a file that is not an image of the expected type (it may be user data
/// given as `--out` by mistake).
fn guard_existing(path: &Path, magic: &[u8], force: bool) -> Result<(), String> {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return Ok(());
    };
    if force {
        return Ok(());
    }
    let mut head = vec![0u8; magic.len()];
    let same_type = f.read_exact(&mut head).is_ok() && head == magic;
    if same_type {
        Ok(())
    } else {
        Err(format!(
            "{}: exists and is not a {} file; not replacing it (use --force to replace it)",
            path.display(),
            if magic == PNG_MAGIC { "PNG" } else { "GIF" }
        ))
    }
}

fn progress(len: u64) -> ProgressBar {
    if len < PROGRESS_MIN_FRAMES {
        return ProgressBar::hidden();
    }
    // indicatif's stderr target draws nothing when stderr is not a terminal.
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(st) =
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ticks ({per_sec}, {eta})")
    {
        pb.set_style(st.progress_chars("=> "));
    }
    pb.set_message("rendering");
    pb
}

fn render_gif(
    engine: &Engine,
    range: std::ops::Range<Tick>,
    out: &Path,
    style: Style,
) -> Result<(), String> {
    let pb = progress(range.end - range.start);
    let mut frames = 0;
    let written = write_atomic(out, |w| {
        let mut g = GifWriter::new(
            w,
            engine.width(),
            engine.height(),
            engine.tick_rate(),
            style,
        )
        .map_err(|e| e.to_string())?;
        let mut frame = Frame::new(engine.width(), engine.height());
        for t in range.clone() {
            check_interrupt()?;
            engine.render_into(t, &mut frame);
            g.push_glass(t, &frame, Glass::at(engine, t))
                .map_err(|e| e.to_string())?;
            pb.inc(1);
        }
        check_interrupt()?;
        frames = g.finish(range.end).map_err(|e| e.to_string())?.1;
        Ok(())
    });
    pb.finish_and_clear();
    written?;
    eprintln!(
        "wrote {} ({} ticks, {frames} GIF frames, {}x{})",
        out.display(),
        range.end - range.start,
        u32::from(engine.width()) * style.scale,
        u32::from(engine.height()) * style.scale
    );
    Ok(())
}

fn render_dir(
    engine: &Engine,
    range: std::ops::Range<Tick>,
    dir: &Path,
    style: Style,
    force: bool,
) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!("{}: exists and is not a directory", dir.display()));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("{}: cannot create directory: {e}", dir.display()))?;
    let pb = progress(range.end - range.start);
    let mut frame = Frame::new(engine.width(), engine.height());
    for t in range.clone() {
        if let Err(e) = check_interrupt() {
            pb.finish_and_clear();
            return Err(e);
        }
        let path = dir.join(format!("tick-{t:06}.png"));
        guard_existing(&path, PNG_MAGIC, force)?;
        engine.render_into(t, &mut frame);
        save_png(&path, &frame, &style, Glass::at(engine, t))?;
        pb.inc(1);
    }
    pb.finish_and_clear();
    eprintln!(
        "wrote {} PNG files to {}",
        range.end - range.start,
        dir.display()
    );
    Ok(())
}
