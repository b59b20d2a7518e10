//! Helpers shared by the integration tests: the binary with a clean environment, folders
//! of documents, and searches read as JSON.
//!
//! Each test binary uses some of them; the others would warn as unused.
#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The repository's own seed corpus.
pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// The shared corpora (BBC News and Reuters-21578) next to the repository. CI has them;
/// a test that needs them fails when they are missing, never skips.
pub fn shared_corpora() -> PathBuf {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    assert!(corpora.is_dir(), "{} is not here", corpora.display());
    corpora
}

/// `dossier` with a clean environment, run in `dir`.
pub fn dossier(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("dossier").unwrap();
    cmd.env_clear().current_dir(dir);
    cmd
}

/// `dossier index <repository seeds> --index INDEX`, run in `dir`.
pub fn index_seeds(dir: &Path, index: &str) -> Command {
    let mut cmd = dossier(dir);
    cmd.arg("index").arg(seeds()).args(["--index", index]);
    cmd
}

/// A temporary folder with the seed corpus indexed into `idx/`.
pub fn indexed_seeds() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    index_seeds(dir.path(), "idx").assert().success();
    dir
}

/// `dossier ARGS` in `dir`: exit code, stdout, stderr.
pub fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = dossier(dir).args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The hits of `dossier search --index idx --json ARGS` in `dir`, which must exit 0.
pub fn search_json(dir: &Path, args: &[&str]) -> Vec<Value> {
    let output = dossier(dir)
        .args(["search", "--index", "idx", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The exit code and stderr of `cmd`.
pub fn stderr_of(cmd: &mut Command) -> (Option<i32>, String) {
    let output = cmd.output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A folder `docs/` with these files, in a fresh temporary folder.
pub fn corpus(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join("docs").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dossier(dir.path())
        .args(["index", "docs", "--index", "idx"])
        .assert()
        .success();
    dir
}

pub mod cluster;
pub mod schema;

/// The folder of documents the server tests index: dated news in a JSON Lines file,
/// several companies, one story with HTML in it.
pub fn serve_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve")
}

/// A `dossier serve` running on a free port of 127.0.0.1; killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The server's stderr after the line naming its address.
    pub stderr: BufReader<ChildStderr>,
}

impl Server {
    /// Starts `dossier serve ARGS --addr 127.0.0.1:0` in `dir` and waits for the address
    /// it prints.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        Server::start_at(dir, args, "127.0.0.1:0")
    }

    /// As `start`, listening on `addr`.
    pub fn start_at(dir: &Path, args: &[&str], addr: &str) -> Server {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dossier"))
            .env_clear()
            .current_dir(dir)
            .arg("serve")
            .args(args)
            .args(["--addr", addr])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        // Held by the Server at once, so a panic below still kills and waits for it.
        let mut server = Server {
            child,
            base: String::new(),
            addr: String::new(),
            stderr,
        };
        let mut printed = String::new();
        loop {
            let mut line = String::new();
            if server.stderr.read_line(&mut line).unwrap() == 0 {
                panic!("dossier serve stopped before serving; it printed:\n{printed}");
            }
            printed.push_str(&line);
            if let Some(at) = line.find("http://") {
                server.base = line[at..].split('/').take(3).collect::<Vec<_>>().join("/");
                server.addr = server.base.trim_start_matches("http://").to_string();
                return server;
            }
        }
    }

    /// `GET path` (with its query string): the status and the body.
    pub fn get(&self, path: &str) -> Response {
        http_get(&self.addr, path)
    }

    /// `GET path`, its body read as JSON.
    pub fn json(&self, path: &str) -> (u16, Value) {
        let response = self.get(path);
        let value = serde_json::from_str(&response.body)
            .unwrap_or_else(|err| panic!("GET {path}: not JSON ({err}): {:?}", response.body));
        (response.status, value)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Header names lower-cased, with their values.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends raw bytes as a request on a new connection and reads the whole answer.
pub fn http_raw(addr: &str, request: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

/// `GET path` on a new connection that closes after the answer.
pub fn http_get(addr: &str, path: &str) -> Response {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    http_raw(addr, request.as_bytes())
}

/// `value` percent-encoded for a query string.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// (path, line) of each hit of a JSON search.
pub fn locations(hits: &[Value]) -> Vec<(String, u64)> {
    hits.iter()
        .map(|h| {
            (
                h["path"].as_str().unwrap().to_string(),
                h["line"].as_u64().unwrap(),
            )
        })
        .collect()
}
