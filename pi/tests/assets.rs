//! The CLI with scenes that name files: assets read next to the scene, errors located with the
//! path tried, `tinydisplay bundle`, and bundles loading wherever a scene does.
use std::path::{Path, PathBuf};

mod common;
use common::{run, stderr, stdout};

fn scenes() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenes")
}

/// A fresh directory with a scene naming `logo.png`, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("td-cli-assets-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(p.join("img")).unwrap();
        Dir(p)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    fn s(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const SCENE: &str = "display = { width = 128, height = 64 }\n[[widgets]]\nkind = \"image\"\nsrc = \"img/logo.png\"\n";

#[test]
fn a_missing_asset_fails_check_at_its_field_with_the_path_tried() {
    let d = Dir::new("missing");
    std::fs::write(d.path("s.toml"), SCENE).unwrap();
    let o = run(&["check", &d.s("s.toml")]);
    assert_eq!(o.status.code(), Some(2));
    let tried = d.path("img/logo.png").display().to_string();
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "{}:4:7: widgets[0].src: cannot read asset \"img/logo.png\": ",
            d.s("s.toml")
        )),
        "{err}"
    );
    assert!(err.contains(&format!("(tried {tried})")), "{err}");
    // Present, it loads; every command reads it the same way.
    std::fs::copy(scenes().join("assets/logo.png"), d.path("img/logo.png")).unwrap();
    let o = run(&["check", &d.s("s.toml")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["hash", &d.s("s.toml"), "--ticks", "0"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn paths_leaving_the_scene_directory_are_refused() {
    let d = Dir::new("escape");
    std::fs::write(
        d.path("s.toml"),
        SCENE.replace("img/logo.png", "../logo.png"),
    )
    .unwrap();
    let o = run(&["check", &d.s("s.toml")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("widgets[0].src: asset path \"../logo.png\" uses `..`"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        d.path("s.toml"),
        SCENE.replace("img/logo.png", "/etc/hostname"),
    )
    .unwrap();
    let o = run(&["check", &d.s("s.toml")]);
    assert!(stderr(&o).contains("is absolute"), "{}", stderr(&o));
    // A symbolic link out of the directory is followed no further.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(scenes().join("assets/logo.png"), d.path("img/logo.png"))
            .unwrap();
        std::fs::write(d.path("s.toml"), SCENE).unwrap();
        let o = run(&["check", &d.s("s.toml")]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("leads outside the scene's directory"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn jpeg_is_refused_with_the_reason() {
    let d = Dir::new("jpeg");
    std::fs::write(d.path("s.toml"), SCENE.replace("img/logo.png", "photo.jpg")).unwrap();
    std::fs::write(d.path("photo.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).unwrap();
    let o = run(&["check", &d.s("s.toml")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bit-identical"), "{}", stderr(&o));
}

#[test]
fn bundle_round_trip_hashes_like_the_scene() {
    let d = Dir::new("bundle");
    for name in ["logo.toml", "gif.toml"] {
        let scene = scenes().join(name);
        let out = d.path(&format!("{name}.json"));
        let o = run(&[
            "bundle",
            &scene.display().to_string(),
            "-o",
            &out.display().to_string(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let direct = run(&[
            "hash",
            &scene.display().to_string(),
            "--ticks",
            "0..40",
            "--at",
            "1000000",
        ]);
        let bundled = run(&[
            "hash",
            &out.display().to_string(),
            "--ticks",
            "0..40",
            "--at",
            "1000000",
        ]);
        assert_eq!(bundled.status.code(), Some(0), "{}", stderr(&bundled));
        assert_eq!(stdout(&direct), stdout(&bundled), "{name}");
        let check = run(&["check", &out.display().to_string()]);
        assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    }
    // A changed bundle is refused, saying why.
    let path = d.path("logo.toml.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("tick_rate = 60", "tick_rate = 61", 1)).unwrap();
    let o = run(&["check", &path.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bundle checksum mismatch"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bundle_refuses_to_overwrite_its_scene_and_bad_scenes() {
    let d = Dir::new("overwrite");
    std::fs::write(d.path("s.toml"), SCENE).unwrap();
    std::fs::copy(scenes().join("assets/logo.png"), d.path("img/logo.png")).unwrap();
    let o = run(&["bundle", &d.s("s.toml"), "-o", &d.s("./s.toml")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("refusing to overwrite the scene"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(d.path("s.toml")).unwrap(), SCENE);
    std::fs::remove_file(d.path("img/logo.png")).unwrap();
    let o = run(&["bundle", &d.s("s.toml"), "-o", &d.s("b.json")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!(
            "{}:4:7: widgets[0].src: cannot read asset",
            d.s("s.toml")
        )),
        "{}",
        stderr(&o)
    );
    assert!(!d.path("b.json").exists());
}
