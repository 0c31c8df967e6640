//! Image files: what `tinydisplay_export` encodes, written atomically, and the temporary files
//! an interrupt must not leave behind. Palettes, scaling and encoding are the export crate's
//! (shared with the browser); only paths and files are decided here.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use tinydisplay::Frame;
pub use tinydisplay_export::{GifWriter, Glass, Panel, Style};

/// Temporary files being written right now: [`crate::interrupt`] removes them when a second
/// signal ends the process before [`write_atomic`] could clean up.
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temp_files() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock leaves a plain list behind; it is still right.
    TEMP_FILES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every registered temporary file (the process is about to exit).
pub fn remove_temp_files() {
    for p in temp_files().drain(..) {
        let _ = std::fs::remove_file(p);
    }
}

/// Writes one frame as a PNG file, atomically, as a panel in state `glass` shows it (contrast as
/// brightness, dark asleep; [`Glass::FULL`]: the plain frame).
pub fn save_png(path: &Path, frame: &Frame, style: &Style, glass: Glass) -> Result<(), String> {
    let bytes = tinydisplay_export::png_glass(frame, style, glass).map_err(|e| e.to_string())?;
    write_atomic(path, |w| w.write_all(&bytes).map_err(|e| e.to_string()))
}

/// Creates `path` by writing a temporary file next to it and renaming it into place, so that
/// a failed or interrupted write never leaves a half-written file under the real name. The
/// temporary file is registered for [`remove_temp_files`] while it exists.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> Result<(), String>,
) -> Result<(), String> {
    let tmp = temp_path(path);
    // Registered before it exists: a second signal between creating and registering it would
    // otherwise leave it behind.
    temp_files().push(tmp.clone());
    let result = write_then_rename(path, &tmp, write);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    temp_files().retain(|p| p != &tmp);
    result
}

fn write_then_rename(
    path: &Path,
    tmp: &Path,
    write: impl FnOnce(&mut BufWriter<&File>) -> Result<(), String>,
) -> Result<(), String> {
    let file =
        File::create(tmp).map_err(|e| format!("{}: cannot create file: {e}", path.display()))?;
    let written = (|| {
        let mut w = BufWriter::new(&file);
        write(&mut w)?;
        w.flush().map_err(|e| e.to_string())?;
        drop(w);
        file.sync_all().map_err(|e| e.to_string())
    })();
    drop(file);
    written.map_err(|e| format!("{}: write failed: {e}", path.display()))?;
    std::fs::rename(tmp, path).map_err(|e| {
        format!(
            "{}: cannot move the finished file into place: {e}",
            path.display()
        )
    })
}

/// `dir/.name.tmp-PID`: hidden, in the same directory (so the rename stays on one filesystem).
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_no_partial_file_and_registers_its_temp_file() {
        let dir = std::env::temp_dir().join(format!("td-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("out.png");
        std::fs::write(&p, b"old").unwrap();
        let r = write_atomic(&p, |w| {
            w.write_all(b"partial").map_err(|e| e.to_string())?;
            assert!(
                temp_files().contains(&temp_path(&p)),
                "registered while written"
            );
            Err("disk full".into())
        });
        assert!(r.unwrap_err().contains("disk full"));
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert!(!temp_path(&p).exists());
        write_atomic(&p, |w| w.write_all(b"new").map_err(|e| e.to_string())).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert!(!temp_files().contains(&temp_path(&p)), "unregistered after");

        // What the signal thread does on a second signal (one test: the list is global).
        let p = dir.join("big.gif");
        let r = write_atomic(&p, |w| {
            w.write_all(b"GIF89a...").map_err(|e| e.to_string())?;
            w.flush().map_err(|e| e.to_string())?;
            assert!(temp_path(&p).exists());
            remove_temp_files();
            assert!(!temp_path(&p).exists());
            Err("interrupted".into())
        });
        assert!(r.is_err());
        assert!(!p.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
