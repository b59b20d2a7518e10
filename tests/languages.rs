//! Text as people write it in other languages, end to end: accents folded both ways with
//! the snippet keeping them, Chinese segmented by the dictionary, Japanese in pairs of
//! letters, a mixed file, and company names in Chinese and Japanese (issue 21). The
//! fixtures in tests/fixtures/lang/ were written for these tests.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use common::{dossier, locations, search_json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lang")
}

/// A temporary folder with tests/fixtures/lang indexed into `idx/`.
fn indexed() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    dossier(dir.path())
        .arg("index")
        .arg(fixtures())
        .args(["--index", "idx"])
        .assert()
        .success();
    dir
}

/// The (path, line) of every hit of `query` (with any flags after it), in path order;
/// none when the search finds nothing (exit 1).
fn found(dir: &TempDir, query: &[&str]) -> Vec<(String, u64)> {
    let output = dossier(dir.path())
        .args([
            "search", "--index", "idx", "--json", "--sort", "path", "--limit", "50",
        ])
        .args(query)
        .output()
        .unwrap();
    match output.status.code() {
        Some(1) => Vec::new(),
        Some(0) => {
            let hits: Vec<Value> = String::from_utf8(output.stdout)
                .unwrap()
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect();
            locations(&hits)
        }
        _ => panic!("{output:?}"),
    }
}

fn at(path: &str, line: u64) -> (String, u64) {
    (path.to_string(), line)
}

/// The highlighted parts of a hit's snippet.
fn highlighted(hit: &Value) -> Vec<String> {
    let snippet = hit["snippet"].as_str().unwrap();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|range| {
            let (start, end) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
            snippet[start as usize..end as usize].to_string()
        })
        .collect()
}

fn tagged(hit: &Value) -> Vec<&str> {
    hit["companies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

#[test]
fn a_word_typed_without_accents_finds_it_written_with_them() {
    let dir = indexed();
    assert_eq!(
        found(&dir, &["cafe"]),
        [at("accents.txt", 3), at("accents.txt", 12)]
    );
    assert_eq!(found(&dir, &["creme brulee"]), [at("accents.txt", 6)]);
    assert_eq!(found(&dir, &["\"sao paulo\""]), [at("accents.txt", 9)]);
    assert_eq!(found(&dir, &["naive"]), [at("accents.txt", 6)]);
    // Prefixes and typos are folded too.
    assert_eq!(found(&dir, &["crem*"]), [at("accents.txt", 6)]);
    assert_eq!(found(&dir, &["coöp*"]), [at("accents.txt", 6)]);
    assert_eq!(found(&dir, &["senorra~1"]), [at("accents.txt", 9)]);
}

#[test]
fn a_word_typed_with_accents_finds_it_written_without_them() {
    let dir = indexed();
    assert_eq!(
        found(&dir, &["Café"]),
        [at("accents.txt", 3), at("accents.txt", 12)]
    );
    // The title "Notes from a week in Zürich" counts for every paragraph of its file; the
    // paragraph naming the city ranks first.
    let hits = search_json(dir.path(), &["zürich"]);
    assert_eq!(hits[0]["line"], 12, "{hits:?}");
}

#[test]
fn the_snippet_shows_the_accents_and_highlights_the_accented_word() {
    let dir = indexed();
    let hits = search_json(dir.path(), &["cafe lake"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("a small café near the lake"),
        "{hits:?}"
    );
    assert_eq!(highlighted(&hits[0]), ["café", "lake"]);
}

#[test]
fn chinese_words_are_found_inside_sentences_without_spaces() {
    let dir = indexed();
    assert_eq!(found(&dir, &["人工智能"]), [at("chinese.txt", 1)]);
    assert_eq!(found(&dir, &["株价"]), [at("chinese.txt", 11)]);
    // The fruit and the company: both paragraphs hold the word.
    assert_eq!(
        found(&dir, &["苹果"]),
        [at("chinese.txt", 7), at("chinese.txt", 9)]
    );
    // A word inside a longer one: 智能 in 人工智能 and in 智能手机.
    assert_eq!(
        found(&dir, &["智能"]),
        [at("chinese.txt", 1), at("chinese.txt", 5)]
    );
    assert_eq!(
        found(&dir, &["\"新的人工智能模型\""]),
        [at("chinese.txt", 1)]
    );
    assert!(found(&dir, &["\"模型人工智能\""]).is_empty());
}

#[test]
fn chinese_hits_highlight_the_word_looked_for() {
    let dir = indexed();
    let hits = search_json(dir.path(), &["株价"]);
    assert_eq!(highlighted(&hits[0]), ["株价"]);
}

#[test]
fn japanese_words_are_found_in_pairs_of_letters() {
    let dir = indexed();
    assert_eq!(found(&dir, &["工場"]), [at("japanese.txt", 1)]);
    // Toyota's name finds it written in katakana first, then the paragraphs tagged with
    // the company: one in Chinese (丰田汽车), one in English.
    let hits = locations(&search_json(dir.path(), &["トヨタ"]));
    assert_eq!(hits[0], at("japanese.txt", 1));
    assert_eq!(
        found(&dir, &["トヨタ"]),
        [
            at("chinese.txt", 11),
            at("japanese.txt", 1),
            at("mixed.txt", 7)
        ]
    );
    assert_eq!(
        found(&dir, &["ソニー"]),
        [at("japanese.txt", 3), at("mixed.txt", 9)]
    );
    assert_eq!(found(&dir, &["\"電気自動車\""]), [at("japanese.txt", 1)]);
    let hits = search_json(dir.path(), &["ゲーム機"]);
    assert_eq!(highlighted(&hits[0]), ["ゲーム機"]);
}

#[test]
fn kanji_alone_are_looked_for_as_japanese_too() {
    let dir = indexed();
    // No kana in the query to say it is Japanese: 株価 is read both ways.
    assert_eq!(found(&dir, &["株価"]), [at("japanese.txt", 5)]);
    assert_eq!(found(&dir, &["任天堂"]), [at("japanese.txt", 3)]);
}

#[test]
fn a_mixed_file_is_searched_in_each_of_its_languages() {
    let dir = indexed();
    assert_eq!(found(&dir, &["华为 path:mixed.txt"]), [at("mixed.txt", 5)]);
    assert_eq!(found(&dir, &["画像センサー"]), [at("mixed.txt", 9)]);
    assert_eq!(found(&dir, &["sensors"]), [at("mixed.txt", 3)]);
    assert_eq!(found(&dir, &["plants"]), [at("mixed.txt", 11)]);
}

#[test]
fn company_names_in_chinese_and_japanese_tag_their_company() {
    let dir = indexed();
    assert_eq!(
        found(&dir, &["--company", "Alibaba", "path:*"]),
        [at("chinese.txt", 1), at("chinese.txt", 3)]
    );
    assert_eq!(
        found(&dir, &["--company", "Toyota", "path:*"]),
        [
            at("chinese.txt", 11),
            at("japanese.txt", 1),
            at("mixed.txt", 7)
        ]
    );
    assert_eq!(
        found(&dir, &["--company", "Nintendo", "path:*"]),
        [at("japanese.txt", 3)]
    );
    let hits = search_json(dir.path(), &["腾讯"]);
    assert_eq!(tagged(&hits[0]), ["Alibaba", "Tencent", "Baidu"]);
    let hits = search_json(dir.path(), &["小米"]);
    assert_eq!(tagged(&hits[0]), ["Huawei", "Xiaomi"]);
}

#[test]
fn a_chinese_name_inside_another_word_is_not_the_company() {
    let dir = indexed();
    // 京东 is JD.com in 京东宣布, and no company inside 北京东路 (a street).
    assert_eq!(
        found(&dir, &["--company", "JD.com", "path:*"]),
        [at("chinese.txt", 13)]
    );
    // 苹果 alone is the fruit; 苹果公司 is Apple.
    assert_eq!(
        found(&dir, &["--company", "Apple", "path:*"]),
        [at("chinese.txt", 9)]
    );
}
