//! End-to-end tests: run the built `dossier` binary on real files in temporary folders.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use common::{
    corpus, dossier, index_seeds, indexed_seeds, locations, search_json, seeds, stderr_of,
};

fn names(hit: &Value, key: &str) -> Vec<String> {
    hit[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn index_reports_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = stderr_of(&mut index_seeds(dir.path(), "idx"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("indexed 20 paragraphs from 1 files"),
        "{stderr}"
    );
    assert!(stderr.contains("0 files or lines skipped"), "{stderr}");
    assert!(dir.path().join("idx").join("meta.json").is_file());
}

#[test]
fn qwen_with_company_filter_returns_alibaba_paragraphs_qwen_first() {
    let dir = indexed_seeds();
    let hits = search_json(dir.path(), &["Qwen", "--company", "Alibaba"]);
    assert!(!hits.is_empty());
    for hit in &hits {
        assert!(
            names(hit, "companies")
                .iter()
                .any(|c| c.starts_with("Alibaba")),
            "{hit}"
        );
    }
    let first_non_qwen = hits
        .iter()
        .position(|h| !h["text"].as_str().unwrap().contains("Qwen"))
        .unwrap_or(hits.len());
    assert!(first_non_qwen >= 2, "Qwen lines must come first: {hits:?}");
    assert!(
        hits[first_non_qwen..]
            .iter()
            .all(|h| !h["text"].as_str().unwrap().contains("Qwen"))
    );
    let first = &hits[0];
    for key in [
        "path",
        "line",
        "paragraph",
        "section",
        "title",
        "score",
        "text",
        "snippet",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["path"], "000_3c1f1d88057d9cc2.txt");
}

#[test]
fn regulations_with_apple_filter_returns_only_apple_paragraphs() {
    let dir = indexed_seeds();
    let hits = search_json(dir.path(), &["regulations", "--company", "Apple"]);
    assert!(hits.len() >= 2, "{hits:?}");
    for hit in &hits {
        assert!(
            names(hit, "companies").contains(&"Apple".to_string()),
            "{hit}"
        );
        let text = hit["text"].as_str().unwrap().to_lowercase();
        assert!(text.contains("regulat"), "{hit}");
    }
}

#[test]
fn company_filter_is_case_insensitive_and_alias_aware() {
    let dir = indexed_seeds();
    let canonical = search_json(dir.path(), &["AI", "--company", "Alibaba", "--limit", "50"]);
    let lower = search_json(dir.path(), &["AI", "--company", "alibaba", "--limit", "50"]);
    let alias = search_json(
        dir.path(),
        &["AI", "--company", "Alibaba Group", "--limit", "50"],
    );
    assert_eq!(canonical, lower);
    assert_eq!(canonical, alias);
}

#[test]
fn parent_company_filter_includes_its_units() {
    let dir = indexed_seeds();
    let hits = search_json(dir.path(), &["enterprise", "--company", "Alibaba"]);
    assert!(
        hits.iter()
            .any(|h| names(h, "companies") == ["Alibaba Cloud"]),
        "the Alibaba Cloud paragraph should match --company Alibaba: {hits:?}"
    );
    let unit = search_json(dir.path(), &["enterprise", "--company", "Alibaba Cloud"]);
    assert!(
        unit.iter()
            .all(|h| names(h, "companies").contains(&"Alibaba Cloud".to_string()))
    );
}

#[test]
fn topic_filter_keeps_only_that_topic() {
    let dir = indexed_seeds();
    let hits = search_json(dir.path(), &["Alibaba", "--topic", "Cloud Computing"]);
    assert!(!hits.is_empty());
    for hit in &hits {
        assert!(
            names(hit, "topics").contains(&"cloud computing".to_string()),
            "{hit}"
        );
    }
}

#[test]
fn human_output_shows_location_tags_snippet_and_counts() {
    let dir = indexed_seeds();
    let output = dossier(dir.path())
        .args(["search", "--index", "idx", "Qwen"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains(" 1. "), "{stdout}");
    assert!(stdout.contains("000_3c1f1d88057d9cc2.txt:"), "{stdout}");
    assert!(stdout.contains("companies: Alibaba"), "{stdout}");
    assert!(stdout.contains("Qwen"), "{stdout}");
    assert!(
        !stdout.contains('\x1b'),
        "piped output must be plain: {stdout}"
    );
    let bold = dossier(dir.path())
        .args(["search", "--index", "idx", "Qwen", "--color", "always"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(bold.stdout)
            .unwrap()
            .contains("\x1b[1mQwen\x1b[0m")
    );
}

#[test]
fn no_hits_exits_1_with_empty_json() {
    let dir = indexed_seeds();
    dossier(dir.path())
        .args(["search", "--index", "idx", "--json", "zeppelin"])
        .assert()
        .code(1)
        .stdout("");
}

#[test]
fn an_index_of_another_format_is_rebuilt_by_dossier_index() {
    let dir = indexed_seeds();
    let marker = dir.path().join("idx").join("dossier.json");
    let mut fields: Value = serde_json::from_str(&fs::read_to_string(&marker).unwrap()).unwrap();
    assert!(fields["format"].is_u64(), "the marker names its format");
    fields["format"] = Value::from(0);
    fs::write(&marker, fields.to_string()).unwrap();
    let (code, stderr) =
        stderr_of(dossier(dir.path()).args(["search", "Alibaba", "--index", "idx"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("rebuild it with `dossier index ")
            && stderr.contains("--index idx --rebuild`"),
        "{stderr}"
    );
    index_seeds(dir.path(), "idx").assert().success();
    dossier(dir.path())
        .args(["search", "Alibaba", "--index", "idx"])
        .assert()
        .success();
}

#[test]
fn default_index_is_built_from_seeds_when_missing() {
    let dir = tempfile::tempdir().unwrap();
    let local_seeds = dir.path().join("seeds");
    fs::create_dir(&local_seeds).unwrap();
    for entry in fs::read_dir(seeds()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), local_seeds.join(entry.file_name())).unwrap();
    }
    let output = dossier(dir.path())
        .args(["search", "Alibaba Apple"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("indexing seeds/ first"), "{stderr}");
    assert!(dir.path().join("index").join("meta.json").is_file());
    let again = dossier(dir.path())
        .args(["search", "Alibaba"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8(again.stderr)
            .unwrap()
            .contains("indexing")
    );
}

#[test]
fn bad_files_are_skipped_with_a_warning_and_the_rest_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    fs::write(
        docs.join("good.txt"),
        "Apple said iPhone sales rose in China.\n",
    )
    .unwrap();
    fs::write(docs.join("latin1.txt"), b"Caf\xe9 prices rose.\n").unwrap();
    fs::write(docs.join("binary.txt"), b"\x00\x01\x02binary").unwrap();
    let (code, stderr) = stderr_of(dossier(dir.path()).args(["index", "docs", "--index", "idx"]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "latin1.txt: is not valid UTF-8 (bad byte at offset 3); indexed it read as Windows-1252"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("binary.txt: looks binary (it contains NUL bytes); skipped it"),
        "{stderr}"
    );
    assert!(stderr.contains("from 2 files"), "{stderr}");
    assert!(stderr.contains("1 files or lines skipped"), "{stderr}");
    assert_eq!(search_json(dir.path(), &["iPhone"]).len(), 1);
    let cafe = search_json(dir.path(), &["prices"]);
    assert_eq!(cafe[0]["text"], "Caf\u{e9} prices rose.");
}

#[test]
fn errors_exit_2_with_one_clear_line() {
    let dir = indexed_seeds();
    fs::write(dir.path().join("file.txt"), "x").unwrap();
    fs::create_dir(dir.path().join("other")).unwrap();
    fs::write(dir.path().join("other").join("meta.json"), "{}").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["index", "missing", "--index", "i2"], "does not exist"),
        (
            vec!["index", "file.txt", "--index", "i2"],
            "is a file, not a folder",
        ),
        (vec!["search", "--index", "idx", ""], "the query is empty"),
        (
            vec!["search", "--index", "idx", "   "],
            "the query is empty",
        ),
        (
            vec!["search", "--index", "nowhere", "Apple"],
            "no index at nowhere",
        ),
        (
            vec!["search", "--index", "other", "Apple"],
            "is not a dossier index",
        ),
        (
            vec!["search", "--index", "idx", "AI", "--company", "Alibabba"],
            "did you mean \"Alibaba\"",
        ),
        (
            vec![
                "search",
                "--index",
                "idx",
                "AI",
                "--topic",
                "clod computing",
            ],
            "\"cloud computing\"",
        ),
    ];
    for (args, expected) in cases {
        let (code, stderr) = stderr_of(dossier(dir.path()).args(&args));
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn index_of_another_version_asks_for_a_rebuild() {
    let dir = indexed_seeds();
    let marker = dir.path().join("idx").join("dossier.json");
    let mut recorded: Value = serde_json::from_str(&fs::read_to_string(&marker).unwrap()).unwrap();
    recorded["format"] = 999.into();
    fs::write(&marker, recorded.to_string()).unwrap();
    let (code, stderr) = stderr_of(dossier(dir.path()).args(["search", "--index", "idx", "AI"]));
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("rebuild it with `dossier index ")
            && stderr.contains("--index idx --rebuild`"),
        "{stderr}"
    );
}

#[test]
fn indexing_into_a_foreign_folder_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("thesis.txt"), "precious").unwrap();
    let (code, stderr) = stderr_of(&mut index_seeds(dir.path(), "mine"));
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("is not empty and is not a dossier index"),
        "{stderr}"
    );
    assert_eq!(fs::read_dir(&target).unwrap().count(), 1);
}

#[test]
fn reindexing_replaces_instead_of_duplicating() {
    let dir = indexed_seeds();
    index_seeds(dir.path(), "idx").assert().success();
    let hits = search_json(dir.path(), &["Qwen", "--limit", "50"]);
    let lines: Vec<u64> = hits.iter().map(|h| h["line"].as_u64().unwrap()).collect();
    let mut unique = lines.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(lines.len(), unique.len(), "duplicate paragraphs: {lines:?}");
}

#[test]
fn tag_prints_companies_and_topics_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let output = dossier(dir.path())
        .args(["tag", "-", "--whole", "--json"])
        .write_stdin("The Alibaba-Apple AI partnership brings Siri to China.")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    let value: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(names(&value, "companies"), ["Alibaba", "Apple"]);
    assert!(names(&value, "topics").contains(&"artificial intelligence".to_string()));
}

#[test]
fn user_taxonomy_in_the_corpus_folder_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    fs::write(
        docs.join("dossier.toml"),
        "[[company]]\nname = \"Acme\"\nproducts = [\"Roadrunner Trap\"]\n\n[[topic]]\nname = \"traps\"\nterms = [\"trap*\"]\n",
    )
    .unwrap();
    fs::write(
        docs.join("a.txt"),
        "The Roadrunner Trap failed again in the desert.\n",
    )
    .unwrap();
    dossier(dir.path())
        .args(["index", "docs", "--index", "idx"])
        .assert()
        .success();
    let hits = search_json(
        dir.path(),
        &["desert", "--company", "acme", "--topic", "traps"],
    );
    assert_eq!(hits.len(), 1);
    assert_eq!(names(&hits[0], "companies"), ["Acme"]);
}

#[test]
fn malformed_taxonomy_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.toml"),
        "[[company]]\nname = \"A\"\nnmae = 3\n",
    )
    .unwrap();
    let (code, stderr) = stderr_of(index_seeds(dir.path(), "idx").args(["--taxonomy", "bad.toml"]));
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("bad.toml") && stderr.contains("line 3"),
        "{stderr}"
    );
}

#[test]
fn locked_index_is_reported_and_searches_keep_working() {
    let dir = indexed_seeds();
    let index = tantivy::Index::open_in_dir(dir.path().join("idx")).unwrap();
    let _held: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    let (code, stderr) = stderr_of(&mut index_seeds(dir.path(), "idx"));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("is locked by another dossier process"),
        "{stderr}"
    );
    assert!(!search_json(dir.path(), &["Qwen"]).is_empty());
}

#[test]
fn damaged_index_asks_for_a_rebuild() {
    let dir = indexed_seeds();
    fs::write(dir.path().join("idx").join("meta.json"), "garbage").unwrap();
    let (code, stderr) = stderr_of(dossier(dir.path()).args(["search", "--index", "idx", "AI"]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("is damaged"), "{stderr}");
    assert!(
        stderr.contains("rebuild it with `dossier index"),
        "{stderr}"
    );
    assert!(stderr.contains("--rebuild`"), "{stderr}");
}

#[test]
fn company_filters_use_the_taxonomy_saved_with_the_index() {
    let dir = indexed_seeds();
    let index = dir.path().join("idx");
    let compiled = index.join("taxonomy.json");
    let with_compiled = search_json(
        dir.path(),
        &["AI", "--company", "Alibaba Group", "--limit", "50"],
    );
    assert!(!with_compiled.is_empty());
    // An index written before the compiled copy existed still has its TOML.
    fs::remove_file(&compiled).unwrap();
    let from_toml = search_json(
        dir.path(),
        &["AI", "--company", "Alibaba Group", "--limit", "50"],
    );
    assert_eq!(with_compiled, from_toml);
    fs::write(&compiled, "{ not json").unwrap();
    // Company filters are answered by the names saved with the index, and topic filters by
    // the topics it holds; a topic it does not hold needs the taxonomy, which is damaged.
    let from_names = search_json(
        dir.path(),
        &["AI", "--company", "Alibaba Group", "--limit", "50"],
    );
    assert_eq!(with_compiled, from_names);
    let by_topic = search_json(dir.path(), &["AI", "--topic", "Artificial Intelligence"]);
    assert!(!by_topic.is_empty());
    let (code, stderr) = stderr_of(dossier(dir.path()).args([
        "search",
        "--index",
        "idx",
        "AI",
        "--topic",
        "automotive",
    ]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("taxonomy.json) is damaged"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn unfinished_first_index_says_so() {
    let dir = indexed_seeds();
    fs::remove_file(dir.path().join("idx").join("taxonomy.toml")).unwrap();
    let (code, stderr) = stderr_of(dossier(dir.path()).args(["search", "--index", "idx", "AI"]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("is not complete yet"), "{stderr}");
}

/// A corpus with a company no list knows, marked by its legal form, and named bare later.
fn corpus_with_discovered_company() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("docs")).unwrap();
    fs::write(
        dir.path().join("docs/wire.txt"),
        "QUIXBY BUYS PLANT\n\n\
         BOSTON, March 3 - Quixby Widgets Corp said it bought a plant from Apple Inc.\n\n\
         Quixby Widgets said the plant would double its output.\n",
    )
    .unwrap();
    dossier(dir.path())
        .args(["index", "docs", "--index", "idx"])
        .assert()
        .success();
    dir
}

#[test]
fn companies_lists_known_and_discovered_companies_with_counts() {
    let dir = corpus_with_discovered_company();
    let output = dossier(dir.path())
        .args(["companies", "--index", "idx", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let rows: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let quixby = rows.iter().find(|r| r["name"] == "Quixby Widgets").unwrap();
    assert_eq!(quixby["paragraphs"], 2, "{rows:?}");
    assert_eq!(quixby["documents"], 1);
    assert_eq!(quixby["discovered"], true);
    let apple = rows.iter().find(|r| r["name"] == "Apple").unwrap();
    assert_eq!(apple["discovered"], false);
    assert_eq!(rows[0]["name"], "Quixby Widgets", "most frequent first");

    let text = dossier(dir.path())
        .args(["companies", "--index", "idx"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Quixby Widgets  (discovered)"), "{text}");
}

#[test]
fn discovered_companies_can_filter_searches() {
    let dir = corpus_with_discovered_company();
    let hits = search_json(dir.path(), &["plant", "--company", "quixby widgets"]);
    assert_eq!(hits.len(), 2);
    for hit in &hits {
        assert!(names(hit, "companies").contains(&"Quixby Widgets".to_string()));
    }
}

#[test]
fn topics_lists_topics_with_counts() {
    let dir = indexed_seeds();
    let output = dossier(dir.path())
        .args(["topics", "--index", "idx"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let first = text.lines().nth(1).unwrap();
    assert!(first.ends_with("artificial intelligence"), "{text}");
    assert!(!text.contains("(discovered)"));
}

#[test]
fn companies_of_a_missing_index_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = stderr_of(dossier(dir.path()).args(["companies", "--index", "nope"]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("nope"), "{stderr}");
}

/// The tagger agrees with the hand-annotated seed lines of ../shared/eval/tagging.
#[test]
fn tagging_the_seed_matches_the_gold_annotations() {
    let gold = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/tagging/seed.jsonl");
    let Ok(gold) = fs::read_to_string(&gold) else {
        eprintln!("skipped: {} is not here", gold.display());
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for line in gold.lines().filter(|l| !l.trim().is_empty()) {
        let record: Value = serde_json::from_str(line).unwrap();
        let text = record["text"].as_str().unwrap();
        let output = dossier(dir.path())
            .args(["tag", "-", "--whole", "--json"])
            .write_stdin(text)
            .output()
            .unwrap();
        let tagged: Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut predicted = names(&tagged, "companies");
        let mut expected: Vec<String> = record["companies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect();
        predicted.sort();
        expected.sort();
        assert_eq!(predicted, expected, "{}: {text}", record["id"]);
    }
}

fn copper_corpus() -> TempDir {
    corpus(&[
        (
            "a.txt",
            "Copper prices rose in Chile.\n\nCopper mines closed.\n\nCopper output fell.\n\n\
             Copper stocks grew.\n\nNothing here.\n",
        ),
        ("b.txt", "Copper smelters in Zambia.\n"),
    ])
}

#[test]
fn jsonl_documents_are_indexed_with_their_ids_and_bad_lines_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir_all(&docs).unwrap();
    fs::write(
        docs.join("news.jsonl"),
        "{\"doc\": \"n1\", \"headline\": \"Copper rally\", \"body\": \"Copper prices rose.\"}\n\
         {\"doc\": \"n2\", \"headline\": \"Tin\", \"body\": \"Tin prices fell.\"}\n\
         this line is not JSON\n\
         {\"doc\": 3, \"body\": \"Copper mines closed.\\n\\nTin mines opened.\"}\n",
    )
    .unwrap();
    let (code, stderr) = stderr_of(dossier(dir.path()).args([
        "index",
        "docs",
        "--index",
        "idx",
        "--id-field",
        "doc",
        "--title-field",
        "headline",
        "--text-field",
        "body",
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("line 3 is not valid JSON"), "{stderr}");
    assert!(stderr.contains("indexed 4 paragraphs"), "{stderr}");
    let hits = search_json(dir.path(), &["copper"]);
    let ids: Vec<&str> = hits.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"n1") && ids.contains(&"3"), "{ids:?}");
    let rally = hits.iter().find(|h| h["id"] == "n1").unwrap();
    assert_eq!(rally["title"], "Copper rally");
    assert_eq!(rally["path"], "news.jsonl");
    assert_eq!(rally["line"], 1);
    let tin = search_json(dir.path(), &["tin", "--sort", "path"]);
    assert_eq!(
        locations(&tin),
        [("news.jsonl".into(), 2), ("news.jsonl".into(), 4)]
    );
}

#[test]
fn jsonl_ids_are_read_from_underscore_id_and_a_file_without_ids_is_warned_about_once() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir_all(&docs).unwrap();
    // BEIR's corpus.jsonl and Elasticsearch exports name the id `_id`.
    fs::write(
        docs.join("corpus.jsonl"),
        "{\"_id\": \"4983\", \"title\": \"Copper\", \"text\": \"Copper prices rose.\"}\n\
         {\"_id\": \"5836\", \"title\": \"Tin\", \"text\": \"Tin prices fell.\"}\n",
    )
    .unwrap();
    fs::write(
        docs.join("notes.jsonl"),
        "{\"key\": \"a\", \"text\": \"Zinc prices held.\"}\n\
         {\"key\": \"b\", \"text\": \"Zinc mines closed.\"}\n",
    )
    .unwrap();
    let (code, stderr) = stderr_of(dossier(dir.path()).args(["index", "docs", "--index", "idx"]));
    assert_eq!(code, Some(0), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("id field")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("notes.jsonl")
            && warnings[0].contains("no document has an id field \"id\" or \"_id\"")
            && warnings[0].contains("--id-field"),
        "{stderr}"
    );
    let copper = search_json(dir.path(), &["copper"]);
    assert_eq!(copper[0]["id"], "4983");
    let zinc = search_json(dir.path(), &["zinc", "--sort", "path"]);
    let ids: Vec<&str> = zinc.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1", "2"]);
    // Naming the field reads it, and the warning is gone.
    let (code, stderr) = stderr_of(dossier(dir.path()).args([
        "index",
        "docs",
        "--index",
        "idx",
        "--id-field",
        "key",
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    let zinc = search_json(dir.path(), &["zinc", "--sort", "path"]);
    let ids: Vec<&str> = zinc.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert!(
        stderr.contains("corpus.jsonl") && stderr.contains("no document has an id field \"key\""),
        "{stderr}"
    );
}

#[test]
fn every_word_must_match_unless_any_and_missing_words_are_dropped_from_the_end() {
    let dir = copper_corpus();
    let both = search_json(dir.path(), &["copper prices"]);
    assert_eq!(locations(&both), [("a.txt".into(), 1)]);
    let any = search_json(dir.path(), &["copper prices", "--any", "--per-doc", "0"]);
    assert_eq!(any.len(), 5);
    assert_eq!(
        any[0]["line"], 1,
        "the paragraph with both words ranks first"
    );
    let mut cmd = dossier(dir.path());
    cmd.args(["search", "--index", "idx", "--json", "copper zebra"]);
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("without \"zebra\""), "{stderr}");
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 4);
}

#[test]
fn per_doc_caps_paragraphs_of_one_document_and_offset_pages() {
    let dir = copper_corpus();
    let capped = search_json(dir.path(), &["copper", "--per-doc", "2"]);
    let from_a = capped.iter().filter(|h| h["path"] == "a.txt").count();
    assert_eq!((capped.len(), from_a), (3, 2));
    let all = search_json(dir.path(), &["copper", "--per-doc", "0"]);
    assert_eq!(all.len(), 5);
    let second = search_json(
        dir.path(),
        &["copper", "--per-doc", "0", "--offset", "1", "--limit", "1"],
    );
    assert_eq!(locations(&second), locations(&all[1..2]));
}

#[test]
fn sort_path_lists_hits_by_path_then_line() {
    let dir = copper_corpus();
    let hits = search_json(dir.path(), &["copper", "--per-doc", "0", "--sort", "path"]);
    let expected: Vec<(String, u64)> = vec![
        ("a.txt".into(), 1),
        ("a.txt".into(), 3),
        ("a.txt".into(), 5),
        ("a.txt".into(), 7),
        ("b.txt".into(), 1),
    ];
    assert_eq!(locations(&hits), expected);
}

#[test]
fn a_query_of_only_stop_words_is_a_clear_error() {
    let dir = copper_corpus();
    let (code, stderr) =
        stderr_of(dossier(dir.path()).args(["search", "--index", "idx", "the of"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("only common words"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Stop words beside other words are left out, not required.
    let hits = search_json(dir.path(), &["the copper of Zambia"]);
    assert_eq!(locations(&hits), [("b.txt".into(), 1)]);
}

#[test]
fn function_words_of_a_question_are_not_required_unless_asked_for() {
    let dir = corpus(&[
        (
            "a.txt",
            "Copper prices rose in Chile.\n\nWhat next for tin?\n",
        ),
        ("b.txt", "The US raised copper tariffs.\n"),
    ]);
    // "what" and "did" are left out: every copper price paragraph is found.
    let hits = search_json(dir.path(), &["what did copper prices do"]);
    assert_eq!(locations(&hits), [("a.txt".into(), 1)]);
    // Alone, or required, a function word is looked for.
    let hits = search_json(dir.path(), &["what"]);
    assert_eq!(locations(&hits), [("a.txt".into(), 3)]);
    let hits = search_json(dir.path(), &["+what tin"]);
    assert_eq!(locations(&hits), [("a.txt".into(), 3)]);
    // In capitals it is an acronym, not "us".
    let hits = search_json(dir.path(), &["US copper"]);
    assert_eq!(locations(&hits), [("b.txt".into(), 1)]);
}

#[test]
fn expand_ranks_with_feedback_from_the_best_paragraphs() {
    // The best "copper" paragraphs talk of smelters in Zambia; with --expand, feedback
    // brings in the smelter paragraph that never says "copper", below those that do.
    let dir = corpus(&[
        (
            "a.txt",
            "Copper smelters in Zambia expanded.\n\nZambia copper smelters hired staff.\n",
        ),
        ("b.txt", "Zambia smelters cut output.\n"),
        ("c.txt", "Wheat harvests rose in Kansas.\n"),
        ("d.txt", "Copper wire.\n"),
    ]);
    let paths = |args: &[&str]| -> Vec<String> {
        search_json(dir.path(), args)
            .iter()
            .map(|h| h["path"].as_str().unwrap().to_string())
            .collect()
    };
    let expanded = paths(&["copper", "--any", "--expand", "--per-doc", "0"]);
    assert_eq!(expanded.len(), 4, "{expanded:?}");
    assert_eq!(expanded[3], "b.txt", "{expanded:?}");
    // Without --expand, --any finds only the paragraphs with the word.
    let literal = paths(&["copper", "--any", "--per-doc", "0"]);
    assert_eq!(literal.len(), 3, "{literal:?}");
    assert!(!literal.contains(&"b.txt".to_string()), "{literal:?}");
    // Without --any, --expand ranks the paragraphs with every word and adds none.
    let mut plain = paths(&["copper", "--per-doc", "0"]);
    let mut reordered = paths(&["copper", "--expand", "--per-doc", "0"]);
    plain.sort();
    reordered.sort();
    assert_eq!(reordered, plain);
    assert_eq!(plain, ["a.txt", "a.txt", "d.txt"]);
}

#[test]
fn facets_count_all_matching_paragraphs_not_just_the_page() {
    let dir = indexed_seeds();
    let page = search_json(dir.path(), &["Apple", "--limit", "1", "--facets"]);
    assert_eq!(page.len(), 2, "one hit and the facets line");
    let facets = &page[1]["facets"];
    let every = search_json(dir.path(), &["Apple", "--limit", "100", "--per-doc", "0"]);
    assert_eq!(facets["total"].as_u64().unwrap() as usize, every.len());
    assert!(every.len() > 1);
    for count in facets["companies"].as_array().unwrap() {
        // A company counts its units' paragraphs, as its filter finds them.
        let name = count["name"].as_str().unwrap();
        let filtered = search_json(
            dir.path(),
            &[
                "Apple",
                "--limit",
                "100",
                "--per-doc",
                "0",
                "--company",
                name,
            ],
        );
        assert_eq!(
            count["paragraphs"].as_u64().unwrap() as usize,
            filtered.len(),
            "{name}"
        );
    }
    let apple = facets["companies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Apple")
        .unwrap();
    assert!(apple["paragraphs"].as_u64().unwrap() > 1);
    let plain = dossier(dir.path())
        .args(["search", "--index", "idx", "Apple", "--limit", "1"])
        .output()
        .unwrap();
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(
        !plain.contains("companies: Apple ("),
        "facets only when asked: {plain}"
    );
}

#[test]
fn context_brings_the_neighbouring_paragraphs_of_each_hit() {
    let dir = copper_corpus();
    let hits = search_json(dir.path(), &["mines", "--context", "1"]);
    assert_eq!(hits.len(), 1);
    let context: Vec<(u64, &str)> = hits[0]["context"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["paragraph"].as_u64().unwrap(),
                p["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        context,
        [
            (1, "Copper prices rose in Chile."),
            (3, "Copper output fell.")
        ]
    );
    let text = dossier(dir.path())
        .args(["search", "--index", "idx", "mines", "--context", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let order: Vec<usize> = ["Chile", "mines closed", "output fell"]
        .iter()
        .map(|needle| text.find(needle).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn show_prints_a_document_with_numbers_lines_and_tags() {
    let dir = indexed_seeds();
    let output = dossier(dir.path())
        .args(["show", "000_3c1f1d88057d9cc2.txt:11", "--index", "idx"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("000_3c1f1d88057d9cc2.txt\n"), "{text}");
    assert!(text.contains("\n [1] line 1\n"), "{text}");
    assert!(
        text.contains("\n>[8] line 11  [How the Partnership"),
        "{text}"
    );
    assert!(text.contains("Qwen Model"), "{text}");
    assert!(text.contains("companies: Alibaba, Apple"), "{text}");
    let json = dossier(dir.path())
        .args([
            "show",
            "000_3c1f1d88057d9cc2.txt",
            "--index",
            "idx",
            "--json",
        ])
        .output()
        .unwrap();
    let paragraphs: Vec<Value> = String::from_utf8(json.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(paragraphs.len(), 20);
    let numbers: Vec<u64> = paragraphs
        .iter()
        .map(|p| p["paragraph"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=20).collect::<Vec<u64>>());
    let (code, stderr) =
        stderr_of(dossier(dir.path()).args(["show", "missing.txt", "--index", "idx"]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("holds no document missing.txt"), "{stderr}");
}

#[test]
fn show_picks_one_document_of_a_jsonl_file_by_line() {
    let dir = corpus(&[(
        "news.jsonl",
        "{\"id\": \"a\", \"text\": \"Copper rose.\"}\n{\"id\": \"b\", \"text\": \"Tin fell.\\n\\nZinc held.\"}\n",
    )]);
    let output = dossier(dir.path())
        .args(["show", "news.jsonl:2", "--index", "idx", "--json"])
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let texts: Vec<&str> = lines.iter().map(|l| l["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Tin fell.", "Zinc held."]);
    assert!(lines.iter().all(|l| l["id"] == "b"));
    let (code, stderr) =
        stderr_of(dossier(dir.path()).args(["show", "news.jsonl", "--index", "idx"]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("name one as news.jsonl:LINE"), "{stderr}");
}

/// Every term note (`field:word`) of a score tree.
fn explained_terms(node: &Value, terms: &mut Vec<String>) {
    for note in node["context"].as_array().into_iter().flatten() {
        terms.push(note.as_str().unwrap().to_string());
    }
    for detail in node["details"].as_array().into_iter().flatten() {
        explained_terms(detail, terms);
    }
}

#[test]
fn explain_breaks_the_score_down_by_term_and_shows_tag_evidence() {
    let dir = indexed_seeds();
    let hits = search_json(dir.path(), &["Qwen models", "--explain", "--limit", "1"]);
    let explain = &hits[0]["explain"];
    let total = explain["score"]["value"].as_f64().unwrap();
    assert!((total - hits[0]["score"].as_f64().unwrap()).abs() < 1e-3);
    let mut terms = Vec::new();
    explained_terms(&explain["score"], &mut terms);
    assert!(terms.contains(&"text:qwen".to_string()), "{terms:?}");
    assert!(terms.contains(&"text:model".to_string()), "{terms:?}");
    let tags: Vec<(&str, Vec<&str>)> = explain["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let matched = t["matched"].as_array().unwrap();
            (
                t["tag"].as_str().unwrap(),
                matched.iter().map(|m| m.as_str().unwrap()).collect(),
            )
        })
        .collect();
    assert!(tags.contains(&("Alibaba", vec!["Alibaba"])), "{tags:?}");
    let text = dossier(dir.path())
        .args([
            "search",
            "--index",
            "idx",
            "Qwen models",
            "--explain",
            "--limit",
            "1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("[text:qwen]"), "{text}");
    assert!(text.contains("tag Alibaba <- Alibaba"), "{text}");
}

#[test]
fn markdown_headings_become_sections_and_the_first_the_title() {
    let dir = corpus(&[(
        "r.md",
        "# Quarterly report\n\n## Revenue\n\nCopper revenue rose.\n\n## Outlook\n\nCopper demand will grow.\n",
    )]);
    let hits = search_json(dir.path(), &["copper", "--sort", "path"]);
    let sections: Vec<(&str, &str)> = hits
        .iter()
        .map(|h| (h["title"].as_str().unwrap(), h["section"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sections,
        [
            ("Quarterly report", "Revenue"),
            ("Quarterly report", "Outlook")
        ]
    );
}

#[test]
fn a_query_naming_a_company_by_product_or_alias_finds_its_tagged_paragraphs() {
    let dir = indexed_seeds();
    let alibaba = search_json(dir.path(), &["Alibaba", "--per-doc", "0", "--limit", "100"]);
    let by_product = search_json(dir.path(), &["Qwen", "--per-doc", "0", "--limit", "100"]);
    // Literal matches first, then the paragraphs tagged Alibaba that never say "Qwen".
    assert!(by_product[0]["text"].as_str().unwrap().contains("Qwen"));
    let literal = by_product
        .iter()
        .take_while(|h| h["text"].as_str().unwrap().contains("Qwen"))
        .count();
    assert!(literal >= 1 && literal < by_product.len(), "{literal}");
    assert!(
        by_product[literal..]
            .iter()
            .all(|h| !h["text"].as_str().unwrap().contains("Qwen"))
    );
    let tagged_alibaba = |hits: &[Value]| {
        hits.iter()
            .filter(|h| {
                names(h, "companies")
                    .iter()
                    .any(|c| c.starts_with("Alibaba"))
            })
            .count()
    };
    assert_eq!(tagged_alibaba(&by_product), tagged_alibaba(&alibaba));
    // The alias is highlighted in a paragraph found by its tag.
    let tagged = &by_product[literal];
    let snippet = tagged["snippet"].as_str().unwrap();
    let marked: Vec<&str> = tagged["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &snippet[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
        .collect();
    assert!(marked.contains(&"Alibaba"), "{marked:?}");
    // Another script names the same company.
    let chinese = search_json(
        dir.path(),
        &["阿里巴巴", "--per-doc", "0", "--limit", "100"],
    );
    assert_eq!(tagged_alibaba(&chinese), tagged_alibaba(&alibaba));
}

/// Two folders of news, with headings, companies and topics, for the query language.
fn markets_corpus() -> TempDir {
    corpus(&[
        (
            "reuters/metals.md",
            "# Metals\n\n## Copper\n\nCopper prices rose as Apple Inc bought copper for its factories.\n\n\
             Copper smelters in Chile closed for a week.\n\n## Tin\n\nTin prices fell sharply in London.\n",
        ),
        (
            "reuters/oil.txt",
            "Oil\n\nCrude oil prices rose after OPEC cut output and refinery demand for barrels of crude grew.\n\n\
             Computers and computing power drive demand for chips.\n",
        ),
        (
            "bbc/tech.txt",
            "Tech\n\nApple Inc said iPhone sales rose in China.\n\n\
             Microsoft Corp computed its cloud computing revenue from Azure data centres.\n",
        ),
    ])
}

/// The first words of each hit's paragraph, best first.
fn openings(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut args = args.to_vec();
    args.extend(["--per-doc", "0"]);
    search_json(dir, &args)
        .iter()
        .map(|hit| {
            let words: Vec<&str> = hit["text"].as_str().unwrap().split(' ').take(2).collect();
            words.join(" ")
        })
        .collect()
}

/// The highlighted words of each hit's snippet.
fn highlighted(dir: &Path, args: &[&str]) -> Vec<Vec<String>> {
    search_json(dir, args)
        .iter()
        .map(|hit| {
            let snippet = hit["snippet"].as_str().unwrap();
            hit["highlights"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    snippet[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize]
                        .to_string()
                })
                .collect()
        })
        .collect()
}

#[test]
fn phrases_exclusions_or_and_groups_select_paragraphs() {
    let dir = markets_corpus();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let cases: [(&str, &[&str]); 8] = [
        ("\"prices rose\"", &["Copper prices", "Crude oil"]),
        ("\"rose prices\"", &[]),
        ("prices -copper", &["Crude oil", "Tin prices"]),
        ("prices NOT tin", &["Copper prices", "Crude oil"]),
        ("tin OR crude", &["Crude oil", "Tin prices"]),
        ("(tin OR crude) rose", &["Crude oil"]),
        ("-(prices OR computing OR copper)", &["Apple Inc"]),
        ("rose AND sales", &["Apple Inc"]),
    ];
    for (query, expected) in cases {
        if expected.is_empty() {
            dossier(dir.path())
                .args(["search", "--index", "idx", query])
                .assert()
                .code(1);
            continue;
        }
        assert_eq!(
            sorted(openings(dir.path(), &[query])),
            sorted(expected.iter().map(|s| s.to_string()).collect()),
            "{query}"
        );
    }
    assert_eq!(
        openings(dir.path(), &["+tin prices", "--any"]),
        ["Tin prices"],
        "+ requires a word even with --any"
    );
}

#[test]
fn prefix_and_fuzzy_words_match_and_are_highlighted() {
    let dir = markets_corpus();
    assert_eq!(
        highlighted(dir.path(), &["comput*"]),
        [
            vec!["Computers", "computing"],
            vec!["computed", "computing"]
        ]
    );
    assert_eq!(
        openings(dir.path(), &["coper~1"]),
        ["Copper prices", "Copper smelters"]
    );
    assert_eq!(highlighted(dir.path(), &["smeltrs~"]), [vec!["smelters"]]);
    assert_eq!(openings(dir.path(), &["refinry~1 crdue~1"]), ["Crude oil"]);
    dossier(dir.path())
        .args(["search", "--index", "idx", "coper~0"])
        .assert()
        .code(1);
}

#[test]
fn inline_filters_mean_the_same_as_flags_and_do_not_change_scores() {
    let dir = markets_corpus();
    let pairs: [(&str, &[&str]); 3] = [
        ("prices company:apple", &["prices", "--company", "Apple"]),
        (
            "topic:\"energy and oil\" rose",
            &["rose", "--topic", "energy and oil"],
        ),
        ("company:\"Apple Inc\"", &["company:Apple"]),
    ];
    for (inline, flags) in pairs {
        let by_flags = search_json(dir.path(), flags);
        assert!(!by_flags.is_empty(), "{flags:?}");
        assert_eq!(
            locations(&search_json(dir.path(), &[inline])),
            locations(&by_flags),
            "{inline}"
        );
    }
    let unfiltered = search_json(dir.path(), &["prices"]);
    for hit in search_json(dir.path(), &["prices company:Apple path:reuters/*"]) {
        let same = unfiltered
            .iter()
            .find(|h| h["line"] == hit["line"] && h["path"] == hit["path"]);
        assert_eq!(
            same.unwrap()["score"],
            hit["score"],
            "filters add nothing to scores"
        );
    }
    let paths = |query: &str| -> Vec<String> {
        let mut paths: Vec<String> = search_json(dir.path(), &[query, "--per-doc", "0"])
            .iter()
            .map(|h| h["path"].as_str().unwrap().to_string())
            .collect();
        paths.dedup();
        paths.sort();
        paths
    };
    assert_eq!(
        paths("rose path:reuters/*"),
        ["reuters/metals.md", "reuters/oil.txt"]
    );
    assert_eq!(
        paths("rose path:reuters"),
        ["reuters/metals.md", "reuters/oil.txt"]
    );
    assert_eq!(
        paths("rose path:*.txt"),
        ["bbc/tech.txt", "reuters/oil.txt"]
    );
    assert_eq!(paths("rose -path:reuters"), ["bbc/tech.txt"]);
    assert_eq!(
        openings(dir.path(), &["prices section:tin"]),
        ["Tin prices"]
    );
    assert_eq!(openings(dir.path(), &["section:copper"]).len(), 2);
    assert_eq!(openings(dir.path(), &["title:metals tin"]), ["Tin prices"]);
    assert_eq!(
        openings(
            dir.path(),
            &["company:Apple OR company:Microsoft", "--sort", "path"]
        ),
        ["Apple Inc", "Microsoft Corp", "Copper prices"]
    );
}

#[test]
fn query_syntax_errors_point_at_the_column_with_a_fix() {
    let dir = markets_corpus();
    let cases = [
        ("copper (prices", 7, "this ( is never closed", "add a )"),
        (
            "copper \"prices",
            7,
            "this quote is never closed",
            "add a closing \"",
        ),
        (
            "copper prices)",
            13,
            "this ) has no ( before it",
            "remove it",
        ),
        ("copper OR", 7, "OR needs a word after it", "remove the OR"),
        (
            "colour:red copper",
            0,
            "there is no field \"colour\"",
            "company, topic, path",
        ),
        (
            "copper company:",
            15,
            "company: needs a value",
            "company:word",
        ),
        ("qwen~5", 5, "must be 0, 1 or 2", "~1"),
    ];
    for (query, column, problem, fix) in cases {
        let (code, stderr) =
            stderr_of(dossier(dir.path()).args(["search", "--index", "idx", query]));
        assert_eq!(code, Some(2), "{query}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 3, "{query}: {stderr}");
        assert!(
            lines[0].contains(problem) && lines[0].contains(fix),
            "{query}: {stderr}"
        );
        assert_eq!(lines[1], format!("  {query}"));
        assert_eq!(
            lines[2],
            format!("  {}^", " ".repeat(column)),
            "{query}: {stderr}"
        );
    }
    let (code, stderr) = stderr_of(dossier(dir.path()).args([
        "search",
        "--index",
        "idx",
        "copper",
        "--company",
        "Aple",
    ]));
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("unknown company \"Aple\"; did you mean \"Apple\""),
        "{stderr}"
    );
}

#[test]
fn hostile_queries_get_a_result_or_a_clear_error() {
    let dir = markets_corpus();
    let long = "copper ".repeat(1500);
    let cases: [(&str, i32); 12] = [
        (&long, 0),
        ("copper\u{7}prices\u{1b}", 0),
        ("\"\"", 2),
        ("", 2),
        ("  \t ", 2),
        ("-copper", 0),
        ("the of", 2),
        ("\"copper prices", 2),
        ("(copper OR tin", 2),
        ("copper)", 2),
        ("nosuch:copper", 2),
        ("title:", 2),
    ];
    for (query, expected) in cases {
        let (code, stderr) =
            stderr_of(dossier(dir.path()).args(["search", "--index", "idx", query]));
        assert_eq!(code, Some(expected), "{query:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn quiet_indexing_prints_nothing_and_memory_has_a_floor() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = stderr_of(index_seeds(dir.path(), "idx").arg("--quiet"));
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    assert!(!search_json(dir.path(), &["Qwen"]).is_empty());
    let (code, stderr) = stderr_of(index_seeds(dir.path(), "idx2").args(["--memory", "10"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--memory 10 MB is too little"), "{stderr}");
    let (code, stderr) = stderr_of(index_seeds(dir.path(), "idx3").args(["--memory", "40"]));
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_user_word_list_extends_the_tagger_and_re_tags_the_index() {
    let dir = corpus(&[("a.txt", "Shares of Diageo rose after the results.\n")]);
    let lexicon = dir.path().join("mine.toml");
    // The user's lists say Diageo is an institution here, so it is no company.
    fs::write(&lexicon, "[institutions]\nwords = [\"Diageo\"]\n").unwrap();
    let tagged = |extra: &[&str]| {
        let output = dossier(dir.path())
            .args(["tag", "-", "--json"])
            .args(extra)
            .write_stdin("Shares of Diageo rose after the results.")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let value: Value = serde_json::from_slice(&output.stdout).unwrap();
        names(&value, "companies")
    };
    assert_eq!(tagged(&[]), ["Diageo"]);
    assert!(tagged(&["--lexicon", "mine.toml"]).is_empty());

    assert_eq!(
        search_json(dir.path(), &["path:*", "--company", "Diageo"]).len(),
        1
    );
    dossier(dir.path())
        .args(["index", "docs", "--index", "idx", "--lexicon", "mine.toml"])
        .assert()
        .success();
    let output = dossier(dir.path())
        .args(["search", "path:*", "--index", "idx", "--company", "Diageo"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "the index kept the old tags");
}

#[test]
fn explain_tags_with_the_word_list_the_index_was_built_with() {
    let dir = corpus(&[("a.txt", "Shell unveiled a plan to cut costs.\n")]);
    // "unveiled" after a common-word name is, in the user's lists, a sign of a company.
    fs::write(
        dir.path().join("mine.toml"),
        "[company_cues]\nwords = [\"unveiled\"]\n",
    )
    .unwrap();
    let explained = |dir: &Path| {
        let hits = search_json(dir, &["plan", "--explain"]);
        assert_eq!(hits.len(), 1, "{hits:?}");
        let tags: Vec<(String, Value)> = hits[0]["explain"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|tag| {
                (
                    tag["tag"].as_str().unwrap().to_string(),
                    tag["matched"].clone(),
                )
            })
            .collect();
        (names(&hits[0], "companies"), tags)
    };
    assert!(explained(dir.path()).0.is_empty());
    dossier(dir.path())
        .args(["index", "docs", "--index", "idx", "--lexicon", "mine.toml"])
        .assert()
        .success();
    let (companies, tags) = explained(dir.path());
    assert_eq!(companies, ["Shell"]);
    assert!(
        tags.contains(&("Shell".to_string(), serde_json::json!(["Shell"]))),
        "{tags:?}"
    );
    // Indexed again without the list: the copy saved with the index goes too.
    dossier(dir.path())
        .args(["index", "docs", "--index", "idx"])
        .assert()
        .success();
    assert!(explained(dir.path()).0.is_empty());
    assert!(!dir.path().join("idx/lexicon.toml").exists());
}

#[test]
fn a_missing_or_broken_word_list_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = stderr_of(
        dossier(dir.path())
            .args(["tag", "-", "--lexicon", "nowhere.toml"])
            .write_stdin("text"),
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("nowhere.toml") && stderr.contains("--lexicon"),
        "{stderr}"
    );
    for (text, problem) in [
        ("[company_cues\nwords = []\n", "line 1"),
        ("[company_clues]\nwords = [\"x\"]\n", "company_clues"),
        ("[person_roles]\nwords = [\"\"]\n", "empty"),
    ] {
        fs::write(dir.path().join("bad.toml"), text).unwrap();
        let (code, stderr) = stderr_of(
            dossier(dir.path())
                .args(["tag", "-", "--lexicon", "bad.toml"])
                .write_stdin("text"),
        );
        assert_eq!(code, Some(2));
        assert!(
            stderr.contains("bad.toml") && stderr.contains(problem),
            "{stderr}"
        );
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
