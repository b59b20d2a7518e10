//! Indexes all of `../shared/corpora/` (BBC News and Reuters-21578) when it is present and
//! checks that the figures are plausible and known stories are found.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{dossier, search_json, shared_corpora};

fn number_before(text: &str, word: &str) -> usize {
    let before = &text[..text.find(word).unwrap()];
    before.split_whitespace().last().unwrap().parse().unwrap()
}

#[test]
fn all_shared_corpora_index_and_answer_known_queries() {
    let corpora = shared_corpora();
    let dir = tempfile::tempdir().unwrap();
    let output = dossier(dir.path())
        .arg("index")
        .arg(&corpora)
        .args(["--index", "idx"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report = stderr.lines().last().unwrap();
    let files = number_before(report, "files (");
    let paragraphs = number_before(report, "paragraphs from");
    // 2,225 BBC articles + 21,578 Reuters stories, plus the corpora's own notes.
    assert!((23_803..24_000).contains(&files), "{report}");
    // Every story has at least one paragraph; BBC averages about 9, Reuters about 3.
    assert!((60_000..400_000).contains(&paragraphs), "{report}");
    assert!(report.contains("(0 files or lines skipped"), "{report}");

    let bbc = search_json(
        dir.path(),
        &["Time Warner profit AOL", "--company", "Time Warner"],
    );
    assert!(
        bbc.iter()
            .take(5)
            .any(|h| h["path"] == "bbc-news/articles/business/001.txt"),
        "{bbc:?}"
    );
    let reuters = search_json(dir.path(), &["\"BP/Standard Financial Trading\""]);
    assert_eq!(
        reuters[0]["path"],
        "reuters21578/articles/reut2-000/00002.txt"
    );
    assert!(
        reuters[0]["companies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "Standard Oil")
    );
}

/// Paragraph count, hash of the (path, line) list, and hash of the (path, line, text)
/// list of the plain-text files under `folder`, split exactly as `dossier index` splits
/// them. Paths are relative to the corpora folder.
fn split_fingerprint(folder: &str) -> (usize, u64, u64) {
    let corpora = shared_corpora();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(corpora.join(folder))
        .into_iter()
        .map(|entry| entry.unwrap().into_path())
        .filter(|path| path.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut paragraphs = 0;
    let mut locations = xxhash_rust::xxh3::Xxh3::new();
    let mut texts = xxhash_rust::xxh3::Xxh3::new();
    for path in files {
        let relative = path.strip_prefix(&corpora).unwrap().to_string_lossy();
        let bytes = std::fs::read(&path).unwrap();
        let output = dossier::read::read_bytes(
            dossier::read::Format::Text,
            &bytes,
            &relative,
            &dossier::read::ReadOptions::default(),
        )
        .unwrap();
        for document in output.documents {
            for block in document.content().1 {
                paragraphs += 1;
                let location = format!("{relative}\0{}\n", block.line);
                locations.update(location.as_bytes());
                texts.update(location.as_bytes());
                texts.update(block.text.as_bytes());
                texts.update(b"\n");
            }
        }
    }
    (paragraphs, locations.digest(), texts.digest())
}

/// Evaluation sets point at corpus paragraphs by path and line, so the split of the news
/// corpora is pinned: Reuters' indent-marked paragraphs and BBC's one-line paragraphs must
/// come out exactly as they did when the sets were drawn (issue 21).
#[test]
fn news_corpora_split_exactly_as_the_evaluation_sets_expect() {
    let reuters = split_fingerprint("reuters21578/articles");
    let bbc = split_fingerprint("bbc-news/articles");
    assert_eq!(
        reuters,
        (
            119_896,
            3_466_385_026_878_340_127,
            12_470_106_610_164_009_866
        )
    );
    assert_eq!(
        bbc,
        (
            10_557,
            2_618_973_355_800_618_409,
            13_969_264_251_400_378_602
        )
    );
}

/// The top-level names of each company path `dossier companies --json` lists, by the
/// name hits print (the last of its path).
fn top_level_names(dir: &Path) -> std::collections::HashMap<String, Vec<String>> {
    let output = dossier(dir)
        .args(["companies", "--index", "idx", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let mut names: std::collections::HashMap<String, Vec<String>> = Default::default();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let company: Value = serde_json::from_str(line).unwrap();
        let path: Vec<&str> = company["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|name| name.as_str().unwrap())
            .collect();
        let tops = names.entry(path.last().unwrap().to_string()).or_default();
        if !tops.iter().any(|top| top == path[0]) {
            tops.push(path[0].to_string());
        }
    }
    names
}

/// Issue 24: `--facets` counts come from the tag columns, named once per segment at the
/// end. They must equal counting the tags of every matching paragraph one by one.
#[test]
fn facet_counts_equal_the_tags_of_every_hit_counted_one_by_one() {
    let articles = shared_corpora().join("reuters21578/articles/reut2-000");
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&articles)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    // Two runs, so that the index has two segments whose tag dictionaries differ.
    for (run, half) in files.chunks(files.len() / 2 + 1).enumerate() {
        let folder = dir.path().join("corpus").join(format!("part{run}"));
        std::fs::create_dir_all(&folder).unwrap();
        for file in half {
            std::fs::copy(file, folder.join(file.file_name().unwrap())).unwrap();
        }
        let output = dossier(dir.path())
            .args(["index", "corpus", "--index", "idx"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
    }
    let tops = top_level_names(dir.path());
    for query in ["oil", "bank", "shares", "profit", "dollar"] {
        let with_facets = search_json(dir.path(), &[query, "--facets", "--limit", "1"]);
        let facets = &with_facets.last().unwrap()["facets"];
        let hits = search_json(dir.path(), &[query, "--per-doc", "0", "--limit", "65535"]);
        assert_eq!(
            facets["total"].as_u64().unwrap() as usize,
            hits.len(),
            "{query}"
        );
        let mut companies: std::collections::BTreeMap<String, u64> = Default::default();
        let mut topics: std::collections::BTreeMap<String, u64> = Default::default();
        for hit in &hits {
            let mut names: Vec<&str> = hit["companies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|name| {
                    let top = &tops[name.as_str().unwrap()];
                    assert_eq!(top.len(), 1, "{name} is a unit of several companies");
                    top[0].as_str()
                })
                .collect();
            names.sort();
            names.dedup();
            for name in names {
                *companies.entry(name.to_string()).or_default() += 1;
            }
            for topic in hit["topics"].as_array().unwrap() {
                *topics
                    .entry(topic.as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
        let counted = |list: &Value| -> std::collections::BTreeMap<String, u64> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let name = c["name"].as_str().unwrap().to_string();
                    (name, c["paragraphs"].as_u64().unwrap())
                })
                .collect()
        };
        assert!(companies.len() > 3, "{query}: {companies:?}");
        assert_eq!(counted(&facets["companies"]), companies, "{query}");
        assert_eq!(counted(&facets["topics"]), topics, "{query}");
    }
}
