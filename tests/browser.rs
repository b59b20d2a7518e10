//! The search page in a real browser: Debian's Chromium driven by Playwright
//! (tests/browser/page.test.mjs). What it needs and lacks is installed first: Chromium with
//! apt-get, playwright-core with npm (no browser download). It never skips itself.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{Server, dossier, serve_fixtures};

const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
fn the_page_searches_filters_goes_back_and_opens_a_hit_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scripts = root.join("tests/browser");
    ensure_chromium();
    ensure_playwright(&scripts);
    let dir = tempfile::tempdir().unwrap();
    dossier(dir.path())
        .arg("index")
        .arg(serve_fixtures())
        .args(["--index", "idx", "--quiet"])
        .assert()
        .success();
    let server = Server::start(dir.path(), &["--index", "idx"]);
    let screenshot = root.join("target/browser/serve.png");
    fs::create_dir_all(screenshot.parent().unwrap()).unwrap();
    let output = Command::new("node")
        .arg(scripts.join("page.test.mjs"))
        .arg(&server.base)
        .arg(&screenshot)
        .env("CHROMIUM", CHROMIUM)
        .current_dir(&scripts)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("ok: opened a hit in its context"),
        "{stdout}"
    );
    assert!(fs::metadata(&screenshot).unwrap().len() > 10_000);
}

/// Installs Debian's chromium (and node) when missing.
fn ensure_chromium() {
    let missing: Vec<&str> = [(CHROMIUM, "chromium"), ("/usr/bin/node", "nodejs")]
        .into_iter()
        .filter(|(path, _)| !Path::new(path).exists() && !on_path(path))
        .map(|(_, package)| package)
        .collect();
    if missing.is_empty() {
        return;
    }
    run(Command::new("apt-get").arg("update"));
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"));
}

fn on_path(path: &str) -> bool {
    let name = Path::new(path).file_name().unwrap();
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).exists()))
}

/// Installs playwright-core from tests/browser/package-lock.json when missing; it
/// downloads no browser.
fn ensure_playwright(scripts: &Path) {
    if scripts
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        return;
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .current_dir(scripts));
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("{command:?}: {err}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
