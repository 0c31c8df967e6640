//! Helpers every command shares: where things are (the root, the target dir, the example
//! scenes), running commands, timed stages, and two tiny text helpers. It imports no other
//! xtask module, so anything may import it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// cargo's target dir: `CARGO_TARGET_DIR` (relative to the root when relative, as cargo reads
/// it) or `ROOT/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"))
}

/// One example scene and the files that belong to it.
pub struct SceneFiles {
    pub name: String,
    /// Relative to the root (commands run with the root as their working directory).
    pub path: PathBuf,
    /// `tests/scenes/NAME.events`, when there is one (absolute).
    pub events: Option<PathBuf>,
    /// `tests/golden/NAME.txt` (absolute; it may not exist yet).
    pub golden: PathBuf,
}

/// Every `tests/scenes/*.toml` and `*.json`, sorted by name.
pub fn scenes(root: &Path) -> Result<Vec<SceneFiles>, String> {
    let dir = root.join("tests/scenes");
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries.flatten() {
        let path = e.path();
        let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("");
        if ext != "toml" && ext != "json" {
            continue;
        }
        let Some(name) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let events = dir.join(format!("{name}.events"));
        out.push(SceneFiles {
            golden: root.join("tests/golden").join(format!("{name}.txt")),
            events: events.exists().then_some(events),
            name,
            path: rel(root, &path),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// `p` relative to `root` when it is inside it.
pub fn rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

/// Runs a command, echoing it; an error says which command failed and how.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("$ {}", show(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {}: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed with {status}", show(cmd)))
    }
}

/// Runs a command and returns its stdout.
pub fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot start {}: {e}", show(cmd)))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{} failed with {}:\n{}",
            show(cmd),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

pub fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// True if `program` is on PATH.
pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Times a stage and prints its duration (CI reads these lines).
pub fn stage<T>(name: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    eprintln!("==> {name}");
    let t = Instant::now();
    let r = f();
    let secs = t.elapsed().as_secs_f64();
    match &r {
        Ok(_) => eprintln!("<== {name}: ok in {secs:.1}s"),
        Err(_) => eprintln!("<== {name}: FAILED after {secs:.1}s"),
    }
    r
}

/// The value after `flag` in `args`, parsed; None when the flag is absent.
pub fn parse_flag<T: std::str::FromStr>(args: &[String], flag: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => {
            let v = args.get(i + 1).ok_or(format!("{flag} needs a value"))?;
            v.parse()
                .map(Some)
                .map_err(|_| format!("{flag}: bad value {v:?}"))
        }
    }
}

/// A JSON string literal (the scripts that read xtask's job files are JavaScript; xtask stays
/// free of a JSON dependency).
pub fn json_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// The first line of a message, cut to `max` characters, for one table cell.
pub fn first_line(s: &str, max: usize) -> String {
    let l = s.lines().next().unwrap_or("");
    if l.chars().count() > max {
        format!("{}...", l.chars().take(max - 3).collect::<String>())
    } else {
        l.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_escape() {
        assert_eq!(json_str(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(json_str("x\ny"), r#""x\u000ay""#);
    }

    #[test]
    fn first_lines_are_cut() {
        assert_eq!(first_line("abc\ndef", 10), "abc");
        assert_eq!(first_line("abcdefghijkl", 8), "abcde...");
    }

    #[test]
    fn the_example_scenes_are_found_with_their_logs() {
        let s = scenes(&root()).unwrap();
        assert!(s.iter().any(|s| s.name == "dashboard"));
        let music = s.iter().find(|s| s.name == "music").unwrap();
        assert!(music.events.is_some(), "music has an event log");
        assert!(music.path.is_relative());
        let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
