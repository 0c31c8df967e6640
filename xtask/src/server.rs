//! The static HTTP server behind `cargo xtask serve`, the browser tests and the Chromium golden
//! target. Hand-written because it is ~80 lines of std and must send COOP/COEP on every response
//! (without them the page is not cross-origin isolated, has no SharedArrayBuffer, and falls back
//! to the single-thread build: see docs/toolchain.md); a crate would add a dependency tree to
//! xtask for no gain. `/plain/...` serves the same files without those headers, like an ordinary
//! static host. `/build-status` answers `{"threads": "ready" | "building" | "failed"}`, so a
//! page that `cargo xtask serve` opened on the single-thread build knows when to reload.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The state of the threads build, as `/build-status` reports it.
pub type BuildStatus = Arc<Mutex<&'static str>>;

/// A status that says the threads build is there (both builds were made before serving).
pub fn ready() -> BuildStatus {
    Arc::new(Mutex::new("ready"))
}

/// Serves `dir` on `listener` until the process ends, one thread per connection.
pub fn serve_forever(listener: TcpListener, dir: PathBuf, status: BuildStatus) {
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        let status = Arc::clone(&status);
        std::thread::spawn(move || {
            let _ = handle(stream, &dir, &status);
        });
    }
}

/// Starts the server on a free port in a background thread; returns the port.
pub fn serve_background(dir: PathBuf) -> Result<u16, String> {
    let listener =
        TcpListener::bind(("127.0.0.1", 0)).map_err(|e| format!("cannot listen: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    std::thread::spawn(move || serve_forever(listener, dir, ready()));
    Ok(port)
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "toml" | "txt" | "log" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn handle(mut stream: TcpStream, dir: &Path, status: &BuildStatus) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    // `/plain/...` serves the same files without the isolation headers, like a plain static
    // host: the browser tests check the single-thread fallback there.
    let (path, isolate) = match path.strip_prefix("/plain") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            (format!("/{}", rest.trim_start_matches('/')), false)
        }
        _ => (path, true),
    };
    let (status, body, ctype) = if method != "GET" && method != "HEAD" {
        (
            "405 Method Not Allowed",
            b"method not allowed\n".to_vec(),
            "text/plain",
        )
    } else if path == "/build-status" {
        // A poisoned lock still holds the last status written.
        let s = *status.lock().unwrap_or_else(|p| p.into_inner());
        (
            "200 OK",
            format!("{{\"threads\": \"{s}\"}}\n").into_bytes(),
            "application/json",
        )
    } else if path.split('/').any(|seg| seg == "..") || path.contains('\\') {
        ("400 Bad Request", b"bad path\n".to_vec(), "text/plain")
    } else {
        let mut file = dir.join(path.trim_start_matches('/'));
        if file.is_dir() {
            file = file.join("index.html");
        }
        match std::fs::read(&file) {
            Ok(bytes) => ("200 OK", bytes, mime(&file)),
            Err(_) => (
                "404 Not Found",
                format!("not found: {path}\n").into_bytes(),
                "text/plain",
            ),
        }
    };
    let isolation = if isolate {
        "Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n\
         Cross-Origin-Resource-Policy: same-origin\r\n"
    } else {
        ""
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{isolation}\
         Cache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()?;
    // Drain what the client may still send, so closing does not reset the connection early.
    stream.shutdown(std::net::Shutdown::Write)?;
    let _ = stream.read(&mut [0u8; 256]);
    Ok(())
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            if let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types() {
        assert_eq!(mime(Path::new("a/b.wasm")), "application/wasm");
        assert_eq!(mime(Path::new("x.js")), "text/javascript; charset=utf-8");
        assert_eq!(mime(Path::new("index.html")), "text/html; charset=utf-8");
    }

    #[test]
    fn percent_escapes_decode() {
        assert_eq!(percent_decode("/a%20b"), "/a b");
        assert_eq!(percent_decode("/100%"), "/100%");
    }

    #[test]
    fn server_sends_isolation_headers_and_refuses_traversal() {
        let dir = std::env::temp_dir().join(format!("td-serve-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "hi").unwrap();
        let port = serve_background(dir).unwrap();
        let get = |path: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            out
        };
        let ok = get("/");
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        assert!(ok.contains("Cross-Origin-Opener-Policy: same-origin"));
        assert!(ok.contains("Cross-Origin-Embedder-Policy: require-corp"));
        assert!(ok.ends_with("hi"));
        assert!(get("/../etc/passwd").starts_with("HTTP/1.1 400"));
        assert!(get("/nope.js").starts_with("HTTP/1.1 404"));
        let plain = get("/plain/");
        assert!(
            plain.starts_with("HTTP/1.1 200") && plain.ends_with("hi"),
            "{plain}"
        );
        assert!(!plain.contains("Cross-Origin-Embedder-Policy"));
        assert!(get("/build-status").ends_with("{\"threads\": \"ready\"}\n"));
    }
}
