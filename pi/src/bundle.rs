//! `tinydisplay bundle SCENE -o OUT.json`: one file holding a scene and every file it names, so
//! a scene with pictures can be shared, opened in the browser or played on a Pi as one file.
//! The format is `tinydisplay_assets::bundle`'s.

use crate::common::{read_limited, EXIT_BAD_INPUT};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The scene file (TOML or JSON); the files it names are read relative to it.
    pub scene: PathBuf,
    /// Where to write the bundle (JSON). Written atomically; never the scene itself.
    #[arg(short, long, value_name = "OUT.json")]
    pub output: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    let bad = |msg: String| {
        eprintln!("{msg}");
        ExitCode::from(EXIT_BAD_INPUT)
    };
    let shown = args.scene.display().to_string();
    // Compared as the files they are, so `./a.toml` and `a.toml` are the same.
    let same = match (
        std::fs::canonicalize(&args.scene),
        std::fs::canonicalize(&args.output),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return bad(format!(
            "{}: refusing to overwrite the scene with its bundle; choose another output",
            args.output.display()
        ));
    }
    let bytes = match read_limited(&args.scene) {
        Ok(b) => b,
        Err(e) => return bad(format!("{shown}: cannot read scene: {e}")),
    };
    if tinydisplay_assets::bundle::is_bundle(&bytes) {
        return bad(format!("{shown}: is already a bundle"));
    }
    // The name inside the bundle is the file name alone: where it came from is nobody's business
    // and the extension still tells TOML from JSON.
    let name = args
        .scene
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    let resolver = tinydisplay_assets::dir_resolver(&args.scene);
    let json = match tinydisplay_assets::make_bundle(&name, &bytes, &*resolver) {
        Ok(j) => j,
        Err(mut e) => {
            // Located in the scene file as the user named it.
            e.file = shown;
            return bad(e.to_string());
        }
    };
    match crate::export::write_atomic(&args.output, |w| {
        w.write_all(json.as_bytes()).map_err(|e| e.to_string())
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => bad(e),
    }
}
