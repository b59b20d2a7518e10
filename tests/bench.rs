//! The benchmark suite runs end to end on a tiny corpus (its figures are not checked:
//! speed is measured by running it, not in tests).

use std::path::Path;
use std::process::Command;

#[test]
fn the_scale_benchmark_runs_on_a_tiny_corpus_and_prints_its_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // CI has both; a missing one is a failure, never a silent skip.
    assert!(
        Command::new("python3").arg("--version").output().is_ok(),
        "the benchmarks need python3"
    );
    assert!(
        root.join("../shared/corpora").is_dir(),
        "the benchmarks need ../shared/corpora"
    );
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
            "--edits",
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
        "| edit to searchable with `dossier watch`: p50 / slowest s |",
    ] {
        assert!(stdout.contains(row), "no {row:?} in:\n{stdout}");
    }
}

/// A BEIR-format collection of six abstracts and three judged queries, each about one of
/// them in other words than its title.
fn tiny_beir_collection(folder: &Path) {
    let corpus = [
        (
            "d1",
            "Wing flutter",
            "Flutter of a swept wing was measured in a wind tunnel.",
        ),
        (
            "d2",
            "Heat transfer",
            "Heat transfer in a laminar boundary layer at high speed.",
        ),
        (
            "d3",
            "Copper smelting",
            "Smelters in Zambia refine copper ore.",
        ),
        (
            "d4",
            "Protein folding",
            "Chaperones help proteins fold in the cell.",
        ),
        (
            "d5",
            "Rocket nozzles",
            "Nozzle shape changes the thrust of a rocket engine.",
        ),
        (
            "d6",
            "Crop yields",
            "Wheat yields rose with nitrogen fertiliser.",
        ),
    ];
    let lines: Vec<String> = corpus
        .iter()
        .map(|(id, title, text)| {
            serde_json::json!({"_id": id, "title": title, "text": text}).to_string()
        })
        .collect();
    std::fs::write(folder.join("corpus.jsonl"), lines.join("\n") + "\n").unwrap();
    let queries = [
        ("q1", "What is the thrust of a nozzle?"),
        ("q2", "How do chaperones fold proteins"),
        ("q3", "does fertiliser raise wheat yields"),
    ];
    let lines: Vec<String> = queries
        .iter()
        .map(|(id, text)| serde_json::json!({"_id": id, "text": text}).to_string())
        .collect();
    std::fs::write(folder.join("queries.jsonl"), lines.join("\n") + "\n").unwrap();
    std::fs::write(
        folder.join("qrels.tsv"),
        "query-id\tcorpus-id\tscore\nq1\td5\t1\nq2\td4\t1\nq3\td6\t2\n",
    )
    .unwrap();
}

#[test]
fn the_ranking_benchmark_scores_dossier_beside_a_plain_bm25() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = Path::new(env!("CARGO_BIN_EXE_dossier"));
    // The plain-BM25 anchor is an example, built next to the binary.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let built = Command::new(cargo)
        .args(["build", "--quiet", "--example", "plain_bm25"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(built.success());
    let anchor = binary.parent().unwrap().join("examples").join("plain_bm25");
    let collection = tempfile::tempdir().unwrap();
    let folder = collection.path().join("tiny");
    std::fs::create_dir(&folder).unwrap();
    tiny_beir_collection(&folder);
    let output = Command::new("python3")
        .arg(root.join("bench/beir.py"))
        .arg("--bin")
        .arg(binary)
        .arg("--anchor")
        .arg(&anchor)
        .arg(&folder)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("nDCG@10"), "{stdout}");
    let row = stdout
        .lines()
        .find(|line| line.starts_with("tiny "))
        .unwrap_or_else(|| panic!("no row for the collection in:\n{stdout}"));
    let figures: Vec<&str> = row.split_whitespace().collect();
    // collection, queries, then dossier and bm25 for nDCG@10, MAP@100 and R@100: each
    // query's one relevant abstract is found first by both rankers.
    assert_eq!(figures[1], "3", "{row}");
    assert_eq!(&figures[2..8], ["1.0000"; 6], "{row}");
}

#[test]
fn the_ab_benchmark_compares_two_builds_on_a_small_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = Path::new(env!("CARGO_BIN_EXE_dossier"));
    let output = Command::new("bash")
        .arg(root.join("bench/ab.sh"))
        .arg(binary)
        .arg(binary)
        .arg(root.join("seeds"))
        .arg("1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    // After the runs, one summary row per build and mode: times and a non-empty index.
    let (_, summary) = stdout.split_once("\n\n").expect("a summary after the runs");
    for (side, mode) in [
        ("A", "tagged"),
        ("B", "tagged"),
        ("A", "untagged"),
        ("B", "untagged"),
    ] {
        let row = summary
            .lines()
            .find(|line| line.split_whitespace().take(2).eq([side, mode]))
            .unwrap_or_else(|| panic!("no {side} {mode} row in:\n{stdout}"));
        let figures: Vec<f64> = row
            .split_whitespace()
            .skip(2)
            .map(|figure| figure.parse().unwrap())
            .collect();
        assert_eq!(figures.len(), 4, "{row}");
        assert!(figures.iter().all(|&figure| figure > 0.0), "{row}");
    }
}

#[test]
fn the_serve_load_benchmark_runs_briefly_and_prints_its_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A corpus of its own (2 MB), so the scale test's 1 MB one is not edited under it.
    let output = Command::new("python3")
        .arg(root.join("bench/serve.py"))
        .args(["--mb", "2", "--clients", "2", "--seconds", "2"])
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_dossier"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    for row in ["| idle |", "| while re-indexing |"] {
        assert!(stdout.contains(row), "no {row:?} in:\n{stdout}");
    }
}
