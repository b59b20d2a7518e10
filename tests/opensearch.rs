//! Interop tests against a real two-node OpenSearch cluster (issue 23, index side),
//! started by the test with `../shared/opensearch/cluster.sh` and stopped by its PIDs
//! whatever happens. The shared corpora are indexed locally and into the cluster, and
//! the cluster must hold the same paragraphs, companies and topics; then after files are
//! edited, deleted and renamed; then after a node is killed in the middle of a bulk run;
//! then after the cluster restarts.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::cluster::Cluster;
use common::{dossier, shared_corpora};
use serde_json::Value;

/// `dossier index DOCS ARGS` in `dir`; its stderr, after checking it exited 0.
fn index(dir: &Path, docs: &str, args: &[&str]) -> String {
    let output = dossier(dir)
        .args(["index", docs])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "index {docs} {args:?}: {stderr}"
    );
    stderr
}

/// Paragraphs of the local index `idx` (from `dossier export`, two lines each).
fn local_count(dir: &Path, idx: &str) -> u64 {
    let output = dossier(dir)
        .args(["export", "--index", idx])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let lines = output.stdout.iter().filter(|&&b| b == b'\n').count() as u64;
    lines / 2
}

/// A tag path as the cluster stores it: `/Parent/Unit`, slashes in names escaped.
fn facet(path: &[Value]) -> String {
    path.iter()
        .map(|segment| format!("/{}", segment.as_str().unwrap().replace('/', "\\/")))
        .collect()
}

/// Paragraphs by company or topic in the local index (`dossier companies --json`).
fn local_tags(dir: &Path, idx: &str, list: &str) -> BTreeMap<String, u64> {
    let output = dossier(dir)
        .args([list, "--index", idx, "--json"])
        .output()
        .unwrap();
    assert!(output.status.code().unwrap() <= 1, "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let tag: Value = serde_json::from_str(line).unwrap();
            let count = tag["paragraphs"].as_u64().unwrap();
            (facet(tag["path"].as_array().unwrap()), count)
        })
        .collect()
}

/// The cluster's index `os` holds what the local index `idx` holds: as many paragraphs,
/// and as many for each company (parents counting their units) and each topic.
fn assert_same(cluster: &Cluster, dir: &Path, idx: &str, os: &str) {
    let local = local_count(dir, idx);
    assert!(local > 0);
    assert_eq!(cluster.count(os), local, "paragraphs of {os} vs {idx}");
    let companies = local_tags(dir, idx, "companies");
    assert_eq!(cluster.terms(os, "companies"), companies, "companies");
    let topics = local_tags(dir, idx, "topics");
    assert_eq!(cluster.terms(os, "topics"), topics, "topics");
}

/// Copies the files of `from` into `to`.
fn copy_tree(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn the_cluster_holds_what_the_local_index_holds() {
    let cluster = Cluster::start();
    let url = cluster.url(0);
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    copy_tree(&shared_corpora(), &work.join("docs"));

    // Every shared corpus, both ways.
    index(work, "docs", &["--index", "idx"]);
    let report = index(work, "docs", &["--opensearch", &url, "--os-index", "all"]);
    assert!(report.contains(&format!("into {url}/all")), "{report}");
    assert_same(&cluster, work, "idx", "all");

    // Edit, delete and rename files, then bring both up to date.
    let bbc = work.join("docs/bbc-news/articles/business");
    let story = fs::read_to_string(bbc.join("001.txt")).unwrap();
    fs::write(
        bbc.join("001.txt"),
        format!("{story}\n\nShell and BP said oil prices rose again.\n\nA last line.\n"),
    )
    .unwrap();
    let short = fs::read_to_string(bbc.join("002.txt")).unwrap();
    let first: String = short.split("\n\n").take(2).collect::<Vec<_>>().join("\n\n");
    fs::write(bbc.join("002.txt"), first).unwrap();
    fs::remove_file(bbc.join("003.txt")).unwrap();
    fs::rename(bbc.join("004.txt"), bbc.join("renamed-004.txt")).unwrap();
    index(work, "docs", &["--index", "idx"]);
    let report = index(work, "docs", &["--opensearch", &url, "--os-index", "all"]);
    assert!(report.contains("1 added, 2 updated, 2 removed"), "{report}");
    assert_same(&cluster, work, "idx", "all");

    // A run with nothing changed sends nothing.
    let report = index(work, "docs", &["--opensearch", &url, "--os-index", "all"]);
    assert!(report.contains("0 added, 0 updated, 0 removed"), "{report}");

    kill_a_node_mid_bulk(&cluster, work);

    // Restarted, the cluster still holds both indexes, and their file lists.
    cluster.run(&["stop"]);
    cluster.run(&["start"]);
    assert_same(&cluster, work, "idx", "all");
    assert_same(&cluster, work, "bbc-idx", "bbc");
    let report = index(work, "docs", &["--opensearch", &url, "--os-index", "all"]);
    assert!(report.contains("0 added, 0 updated, 0 removed"), "{report}");
}

/// Node 1, the one `dossier index` talks to, is killed while BBC News is being sent, and
/// started again a few seconds later: the run reports the failures, tries again and
/// ends with every paragraph stored once.
fn kill_a_node_mid_bulk(cluster: &Cluster, work: &Path) {
    index(work, "docs/bbc-news", &["--index", "bbc-idx"]);
    let run = Command::new(assert_cmd::cargo::cargo_bin("dossier"))
        .env_clear()
        .current_dir(work)
        .args(["index", "docs/bbc-news", "--opensearch", &cluster.url(1)])
        .args(["--os-index", "bbc"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Killed once the first paragraphs are in, well before the last.
    let started = Instant::now();
    loop {
        let count = cluster.json("GET", "/bbc/_count", None)["count"]
            .as_u64()
            .unwrap_or(0);
        if count > 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "nothing sent");
        std::thread::sleep(Duration::from_millis(100));
    }
    cluster.run(&["kill-node", "1"]);
    std::thread::sleep(Duration::from_secs(3));
    cluster.run(&["start-node", "1"]);
    let output = run.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("did not answer"),
        "no failure reported:\n{stderr}"
    );
    assert!(stderr.contains("again in"), "no retry reported:\n{stderr}");
    assert_same(cluster, work, "bbc-idx", "bbc");
}

#[test]
fn export_writes_the_mapping_and_bulk_lines() {
    let dir = common::corpus(&[(
        "a.txt",
        "Merrill Lynch Capital Markets raised its forecast.\n\nOil prices rose.",
    )]);
    let output = dossier(dir.path())
        .args(["export", "--mapping"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let mapping: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        mapping["settings"]["analysis"]["filter"]["dossier_stem"]["language"],
        "English"
    );
    let output = dossier(dir.path())
        .args(["export", "--index", "idx", "--os-index", "news"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["index"]["_index"], "news");
    assert_eq!(lines[1]["path"], "a.txt");
    let merrill = lines
        .iter()
        .find(|line| line["text"] == "Merrill Lynch Capital Markets raised its forecast.")
        .unwrap();
    assert!(
        merrill["companies"]
            .as_array()
            .unwrap()
            .contains(&Value::from("/Merrill Lynch")),
        "{merrill}"
    );
    assert!(lines.iter().any(|line| line["text"] == "Oil prices rose."));
}

#[test]
fn a_cluster_that_does_not_answer_is_reported_at_once() {
    let dir = common::corpus(&[("a.txt", "Oil prices rose.")]);
    let started = Instant::now();
    let output = dossier(dir.path())
        .args(["index", "docs", "--opensearch", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no OpenSearch cluster answers at"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    let output = dossier(dir.path())
        .args(["index", "docs", "--opensearch", "127.0.0.1:9200"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
