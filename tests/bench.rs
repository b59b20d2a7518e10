//! The benchmark suite runs end to end on a tiny corpus (its figures are not checked:
//! speed is measured by running it, not in tests).

use std::path::Path;
use std::process::Command;

#[test]
fn the_scale_benchmark_runs_on_a_tiny_corpus_and_prints_its_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() || !root.join("../shared/corpora").is_dir() {
        eprintln!("skipping: needs python3 and ../shared/corpora");
        return;
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_dossier"));
    // The baseline and latency programs are examples, built next to the binary.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let built = Command::new(cargo)
        .args(["build", "--quiet", "--examples"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(built.success());
    let examples = binary.parent().unwrap().join("examples");
    let work = tempfile::tempdir().unwrap();
    let output = Command::new("python3")
        .arg(root.join("bench/scale.py"))
        .args([
            "--sizes",
            "1",
            "--queries",
            "3",
            "--runs",
            "1",
            "--index-runs",
            "1",
        ])
        .arg("--no-rg")
        .arg("--bin")
        .arg(binary)
        .arg("--examples")
        .arg(&examples)
        .arg("--work")
        .arg(work.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for row in [
        "| index tagged: MB/s |",
        "| index untagged: peak RSS MB |",
        "| bare tantivy: MB/s |",
        "| search company, whole process p50/p95/p99 ms |",
        "| search facets, in process p50/p95/p99 ms |",
        "| re-index after touching 1 file: s |",
    ] {
        assert!(stdout.contains(row), "no {row:?} in:\n{stdout}");
    }
}
