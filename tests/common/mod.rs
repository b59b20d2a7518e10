//! Helpers shared by the integration tests: the binary with a clean environment, folders
//! of documents, and searches read as JSON.
//!
//! Each test binary uses some of them; the others would warn as unused.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The repository's own seed corpus.
pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
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
