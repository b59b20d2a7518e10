//! Interop tests of `dossier search`, `show`, `companies` and `topics` against a real
//! two-node OpenSearch cluster (issue 23, search side), started by the test with
//! `../shared/opensearch/cluster.sh` (tests/common/cluster.rs) and stopped by its PIDs
//! whatever happens. The shared corpora are indexed locally and into the cluster; twenty
//! queries must then find as many paragraphs with the same facet counts both ways, and
//! their top ten must overlap by at least 8 of 10 on average.

mod common;

use std::path::Path;

use common::cluster::Cluster;
use common::{run, shared_corpora};
use serde_json::Value;

/// Plain words, phrases, `--company` with a parent company (its units count), `--topic`,
/// exclusions, prefixes, OR and groups, and company names in the query.
const QUERIES: [&[&str]; 20] = [
    &["oil prices"],
    &["interest rates"],
    &["\"interest rates\""],
    &["\"chief executive\""],
    &["shares", "--company", "Merrill Lynch"],
    &["profit", "--company", "General Motors"],
    &["bonds", "--company", "American Express"],
    &["opec", "--topic", "energy and oil"],
    &["acquisition", "--topic", "mergers and acquisitions"],
    &["oil -opec"],
    &["music -film"],
    &["champion*"],
    &["semicond*"],
    &["tax OR budget"],
    &["(wheat OR corn) exports"],
    &["\"world cup\""],
    &["mobile phones", "--topic", "smartphones and devices"],
    &["dollar yen"],
    &["takeover bid"],
    &["Texaco refinery"],
];

/// The hits and the facets line of `dossier search QUERY --json --facets WHERE`.
fn search(dir: &Path, query: &[&str], place: &[&str]) -> (Vec<Value>, Value) {
    let mut args = vec!["search", "--json", "--facets"];
    args.extend(query);
    args.extend(place);
    let (code, stdout, stderr) = run(dir, &args);
    assert_eq!(code, Some(0), "{args:?}: {stderr}");
    let mut lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let facets = lines.pop().unwrap();
    assert!(facets.get("facets").is_some(), "{facets}");
    (lines, facets)
}

/// A hit without what depends on the engine's scoring and snippets.
fn paragraph(hit: &Value) -> Value {
    let mut hit = hit.clone();
    for engine_made in ["score", "snippet", "highlights"] {
        hit.as_object_mut().unwrap().remove(engine_made);
    }
    hit
}

fn place(hit: &Value) -> (String, u64) {
    (
        hit["path"].as_str().unwrap().to_string(),
        hit["line"].as_u64().unwrap(),
    )
}

#[test]
fn the_cluster_answers_as_the_local_index_does() {
    let cluster = Cluster::start();
    let url = cluster.url(0);
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let docs = shared_corpora();
    let docs = docs.to_str().unwrap();
    let (code, _, stderr) = run(work, &["index", docs, "--index", "idx", "--quiet"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(work, &["index", docs, "--opensearch", &url, "--quiet"]);
    assert_eq!(code, Some(0), "{stderr}");
    let local = ["--index", "idx"];
    let remote = ["--opensearch", url.as_str()];

    let mut overlaps = Vec::new();
    for query in QUERIES {
        let (local_hits, local_facets) = search(work, query, &local);
        let (remote_hits, remote_facets) = search(work, query, &remote);
        // The same paragraphs match, with the same companies, topics and months.
        assert_eq!(remote_facets, local_facets, "{query:?}");
        assert_eq!(remote_hits.len(), local_hits.len(), "{query:?}");
        assert!(!local_hits.is_empty(), "{query:?} finds nothing");
        let shared = local_hits
            .iter()
            .filter(|hit| {
                let found = remote_hits.iter().find(|r| place(r) == place(hit));
                // A paragraph both give is rendered from the same fields.
                if let Some(found) = found {
                    assert_eq!(paragraph(found), paragraph(hit), "{query:?}");
                }
                found.is_some()
            })
            .count();
        overlaps.push(shared as f64 / local_hits.len() as f64);
    }
    let mean = overlaps.iter().sum::<f64>() / overlaps.len() as f64;
    eprintln!("top-10 overlap per query: {overlaps:.1?}, mean {mean:.2}");
    assert!(mean >= 0.8, "top-10 overlap {mean:.2}: {overlaps:.1?}");

    // Snippets mark the query's words, as locally (a paragraph that has them only in its
    // title has none marked).
    let (hits, _) = search(work, &["opec", "--limit", "5"], &remote);
    let mut marked = 0;
    for hit in &hits {
        let snippet = hit["snippet"].as_str().unwrap();
        for range in hit["highlights"].as_array().unwrap() {
            let [start, end] = [0, 1].map(|i| range[i].as_u64().unwrap() as usize);
            assert_eq!(snippet[start..end].to_lowercase(), "opec", "{hit}");
            marked += 1;
        }
    }
    assert!(marked > 0, "no snippet marks opec: {hits:?}");

    // The lists of companies and topics, with paragraphs and documents, are the same.
    for list in ["companies", "topics"] {
        let (code, local_list, _) = run(work, &[list, "--json", "--index", "idx"]);
        assert_eq!(code, Some(0));
        let (code, remote_list, stderr) = run(work, &[list, "--json", "--opensearch", &url]);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(remote_list, local_list, "{list}");
    }

    // A document is shown as the local index shows it.
    for document in [
        "bbc-news/articles/business/001.txt:3",
        "reuters21578/articles/reut2-000/00001.txt",
    ] {
        let (code, local_text, stderr) = run(work, &["show", document, "--index", "idx"]);
        assert_eq!(code, Some(0), "{document}: {stderr}");
        let (code, remote_text, stderr) = run(work, &["show", document, "--opensearch", &url]);
        assert_eq!(code, Some(0), "{document}: {stderr}");
        assert_eq!(remote_text, local_text, "{document}");
    }

    // An index the cluster does not hold is one sentence, exit 2.
    let (code, _, stderr) = run(
        work,
        &["search", "oil", "--opensearch", &url, "--os-index", "none"],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with(&format!(
            "dossier: the cluster at {url} holds no index none;"
        )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn a_cluster_that_does_not_answer_is_one_sentence_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let nobody = "http://127.0.0.1:9";
    for args in [
        &["search", "oil", "--opensearch", nobody][..],
        &["show", "a.txt", "--opensearch", nobody],
        &["companies", "--opensearch", nobody],
        &["topics", "--opensearch", nobody],
    ] {
        let (code, stdout, stderr) = run(dir.path(), args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(
            stderr.starts_with("dossier: no OpenSearch cluster answers at http://127.0.0.1:9"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    let (code, _, stderr) = run(
        dir.path(),
        &["search", "oil", "--opensearch", "127.0.0.1:9200"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("is not an http:// or https:// URL"),
        "{stderr}"
    );
}
