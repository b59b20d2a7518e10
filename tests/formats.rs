//! The formats dossier reads, end to end: fixtures made by real tools (see
//! tests/fixtures/formats/make.sh) indexed by the built binary, one phrase per fixture
//! searched for, and the hostile fixtures skipped with one warning each.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

use common::{dossier, search_json, stderr_of};
use dossier::read::{self, Format, ReadOptions};
use dossier::walk::FoundFile;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

/// The fixtures copied to `docs/` (without their sources), with an HTML page nested
/// 100,000 deep added to the hostile ones (generated: it would be 700 KB committed).
fn docs() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    for folder in ["", "hostile"] {
        fs::create_dir_all(docs.join(folder)).unwrap();
        for entry in fs::read_dir(fixtures().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_file() && name != "make.sh" {
                fs::copy(&path, docs.join(folder).join(name)).unwrap();
            }
        }
    }
    let depth = 100_000;
    // Inline elements: 700 KB, within the 1 MB the tests read with.
    let deep = format!("{}deep{}", "<i>".repeat(depth), "</i>".repeat(depth));
    fs::write(docs.join("hostile/deep.html"), deep).unwrap();
    dir
}

/// Indexes `docs/` into `idx/` with a 1 MB budget (so the small zip bomb breaks it, as a
/// large one breaks the default); returns the run's stderr.
fn index(dir: &Path) -> String {
    let (code, stderr) =
        stderr_of(dossier(dir).args(["index", "docs", "--index", "idx", "--max-file-size", "1"]));
    assert_eq!(code, Some(0), "{stderr}");
    stderr
}

fn only_hit(dir: &Path, phrase: &str) -> Value {
    let hits = search_json(dir, &[&format!("\"{phrase}\"")]);
    assert_eq!(hits.len(), 1, "{phrase}: {hits:?}");
    hits.into_iter().next().unwrap()
}

#[test]
fn every_format_is_found_with_its_place_title_and_date() {
    let dir = docs();
    index(dir.path());
    // phrase, path, page, line, section, title, date, id
    type Expected = (
        &'static str,
        &'static str,
        Option<u64>,
        u64,
        Option<&'static str>,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
    );
    let expected: [Expected; 9] = [
        (
            "lighthouse keepers",
            "harbour.html",
            None,
            165,
            Some("Arrivals"),
            "Harbour Notes",
            Some("2024-03-05"),
            None,
        ),
        (
            "copper cathodes",
            "mining.docx",
            None,
            3,
            Some("Output"),
            "Mining Letter",
            Some("2024-03-01"),
            None,
        ),
        (
            "orchard blossoms",
            "orchard.odt",
            None,
            3,
            Some("Spring"),
            "Orchard Diary",
            Some("2024-03-01"),
            None,
        ),
        (
            "glacier expedition",
            "journeys.epub",
            None,
            45,
            Some("The Ice"),
            "Northern Journeys",
            Some("2023-11-20"),
            None,
        ),
        (
            "semiconductor shortage",
            "review.pdf",
            Some(2),
            3,
            None,
            "Northwind Quarterly Review",
            Some("2024-04-15"),
            None,
        ),
        (
            "tidal turbines",
            "tides.txt.gz",
            None,
            1,
            None,
            "tides.txt",
            None,
            None,
        ),
        (
            "quarterly dividend",
            "dividend.eml",
            None,
            10,
            None,
            "Dividend plans",
            Some("2024-03-05"),
            None,
        ),
        (
            "warehouse relocation",
            "inbox.mbox",
            None,
            1,
            None,
            "Warehouse move",
            Some("2024-02-12"),
            Some("move@example.com"),
        ),
        (
            "saffron risotto",
            "inbox.mbox",
            None,
            13,
            None,
            "Canteen menu",
            Some("2024-02-14"),
            Some("menu@example.com"),
        ),
    ];
    for (phrase, path, page, line, section, title, date, id) in expected {
        let hit = only_hit(dir.path(), phrase);
        let found = (
            hit["path"].as_str(),
            hit["page"].as_u64(),
            hit["line"].as_u64(),
            hit["section"].as_str(),
            hit["title"].as_str(),
            hit["date"].as_str(),
            hit["id"].as_str(),
        );
        assert_eq!(
            found,
            (Some(path), page, Some(line), section, Some(title), date, id),
            "{phrase}"
        );
    }
}

#[test]
fn pdf_running_headers_go_and_hyphenated_words_join() {
    let dir = docs();
    index(dir.path());
    // "Northwind Quarterly Review" heads both pages, and "Page 1" and "Page 2" foot
    // them: none of it is text. The title, from the document's properties, still matches.
    let hits = search_json(
        dir.path(),
        &["Northwind", "--per-doc", "0", "--limit", "20"],
    );
    assert!(
        hits.iter()
            .all(|h| !h["text"].as_str().unwrap().contains("Northwind"))
    );
    let output = dossier(dir.path())
        .args(["search", "--index", "idx", "Page"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let hit = only_hit(dir.path(), "semiconductor");
    assert!(
        hit["text"]
            .as_str()
            .unwrap()
            .contains("the semiconductor shortage")
    );
}

#[test]
fn a_pdf_hit_names_its_page_and_show_accepts_it() {
    let dir = docs();
    index(dir.path());
    let output = dossier(dir.path())
        .args(["search", "--index", "idx", "semiconductor"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("review.pdf:p2:3  2024-04-15  [Northwind Quarterly Review]"),
        "{stdout}"
    );
    let output = dossier(dir.path())
        .args(["show", "--index", "idx", "review.pdf:p2:3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("review.pdf  2024-04-15\nNorthwind Quarterly Review\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(">[3] page 2 line 3\n    The board discussed the semiconductor"),
        "{stdout}"
    );
    assert!(stdout.contains(" [1] page 1 line 3\n"), "{stdout}");
}

#[test]
fn hostile_files_are_skipped_with_one_warning_each_and_the_rest_indexed() {
    let dir = docs();
    let stderr = index(dir.path());
    // Files are read in parallel: their warnings come as each is read.
    let mut warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("docs/hostile/"))
        .collect();
    warnings.sort_unstable();
    assert_eq!(
        warnings,
        [
            "dossier: docs/hostile/bomb.docx: decompresses to more than 1 MB (a compression \
             bomb?); skipped it (raise --max-file-size to index it)",
            "dossier: docs/hostile/broken.mbox: is not a readable mbox mailbox (none of its 2 \
             messages has readable headers); skipped it",
            "dossier: docs/hostile/deep.html: nests elements 100000 deep, more than the 4096 \
             dossier reads; skipped it",
            "dossier: docs/hostile/encrypted.pdf: is encrypted; skipped it (save a copy without \
             a password to index it)",
            "dossier: docs/hostile/notes.txt.gz: is not a valid gzip file (invalid gzip header); \
             skipped it",
            "dossier: docs/hostile/scan.pdf: has no text layer (a scan?); skipped it (run OCR on \
             it to index it)",
            "dossier: docs/hostile/truncated.pdf: is not a readable PDF (failed parsing cross \
             reference table: invalid start value); skipped it",
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "indexed 19 paragraphs from 9 files (1 text, 1 HTML, 2 PDF, 1 DOCX, 1 ODT, 1 \
             e-mail, 1 mbox, 1 EPUB) in "
        ),
        "{stderr}"
    );
    assert!(stderr.contains("(7 files or lines skipped,"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_email_stores_its_sender_and_recipients() {
    let dir = docs();
    index(dir.path());
    let output = dossier(dir.path())
        .args(["show", "--index", "idx", "dividend.eml"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with(
            "dividend.eml  2024-03-05\nDividend plans\nAnn Lee <ann@example.com>, Bob Ray \
             <bob@example.com>\n"
        ),
        "{stdout}"
    );
    let output = dossier(dir.path())
        .args(["show", "--index", "idx", "dividend.eml", "--json"])
        .output()
        .unwrap();
    let first: Value = serde_json::from_str(
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(first["date"], "2024-03-05");
    assert_eq!(
        first["people"],
        serde_json::json!(["Ann Lee <ann@example.com>", "Bob Ray <bob@example.com>"])
    );
}

/// Every fixture, sound and hostile, as (file name, bytes): seeds for the property test.
fn fixture_bytes() -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for folder in ["", "hostile"] {
        for entry in fs::read_dir(fixtures().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() && read::Format::of(&path).is_some() {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                found.push((name, fs::read(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

proptest! {
    // Each case reads on a thread of its own; a few dozen keep CI quick.
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any bytes given to any reader give documents or a reason, never a panic: a fixture
    /// with bytes changed, cut short, or given under another format's name.
    #[test]
    fn any_bytes_to_any_reader_give_documents_or_a_reason(
        seed in 0usize..64,
        name_of in 0usize..64,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
        cut in any::<prop::sample::Index>(),
        noise in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let fixtures = fixture_bytes();
        let (_, original) = &fixtures[seed % fixtures.len()];
        let (name, _) = &fixtures[name_of % fixtures.len()];
        let mut bytes = original.clone();
        for (at, byte) in edits {
            if !bytes.is_empty() {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        bytes.extend(noise);
        let file = FoundFile {
            path: PathBuf::from(name),
            relative: name.clone(),
            size: bytes.len() as u64,
            modified: 0,
            format: Format::of(Path::new(name)).unwrap_or(Format::Text),
        };
        match read::read(&file, bytes, &ReadOptions::default()) {
            Ok(output) => prop_assert!(output.documents.iter().all(|d| d.path == *name)),
            // A reader's panic is caught and reported too; but none should panic at all.
            Err(notice) => prop_assert!(
                notice.skipped
                    && notice.reason.contains("skipped it")
                    && !notice.reason.contains("reader fail"),
                "{}: {}", name, notice.reason
            ),
        }
    }
}

/// The paths of a JSON search's hits, in order.
fn paths(dir: &Path, args: &[&str]) -> Vec<String> {
    search_json(dir, args)
        .iter()
        .filter_map(|h| h["path"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn dates_filter_sort_and_make_a_timeline() {
    let dir = docs();
    index(dir.path());
    // Every dated fixture has a paragraph with "the"-less words; "date:" alone filters.
    let all = ["--per-doc", "1", "--limit", "50"];
    let with = |extra: &[&str]| {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(all);
        let mut found = paths(dir.path(), &args);
        // The two messages of the mailbox are two documents of one file.
        found.sort();
        found.dedup();
        found
    };
    assert_eq!(
        with(&["date:2024-03"]),
        ["dividend.eml", "harbour.html", "mining.docx", "orchard.odt"]
    );
    assert_eq!(with(&["date:2024-02-12..2024-02-29"]), ["inbox.mbox"]);
    assert_eq!(with(&["date:2023"]), ["journeys.epub"]);
    assert_eq!(
        with(&["date:2024", "--since", "2024-03-02", "--until", "2024-04"]),
        ["dividend.eml", "harbour.html", "review.pdf"]
    );
    let dates: Vec<String> = search_json(
        dir.path(),
        &[
            "date:2023..",
            "--sort",
            "date",
            "--per-doc",
            "1",
            "--limit",
            "50",
        ],
    )
    .iter()
    .map(|h| h["date"].as_str().unwrap().to_string())
    .collect();
    assert_eq!(
        dates,
        [
            "2024-05-20",
            "2024-04-15",
            "2024-03-05",
            "2024-03-05",
            "2024-03-01",
            "2024-03-01",
            "2024-02-14",
            "2024-02-12",
            "2023-11-20"
        ]
    );
    let output = dossier(dir.path())
        .args([
            "search",
            "--index",
            "idx",
            "date:2023..",
            "--facets",
            "--limit",
            "1",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout
            .ends_with("months: 2023-11 (3), 2024-02 (2), 2024-03 (8), 2024-04 (3), 2024-05 (2)\n"),
        "{stdout}"
    );
    let hits = search_json(dir.path(), &["date:2023..", "--facets", "--limit", "1"]);
    assert_eq!(
        hits.last().unwrap()["facets"]["months"][0],
        serde_json::json!({"month": "2023-11", "paragraphs": 3})
    );
}

#[test]
fn a_bad_date_is_an_error_that_says_how_to_write_one() {
    let dir = docs();
    index(dir.path());
    let (code, stderr) =
        stderr_of(dossier(dir.path()).args(["search", "--index", "idx", "date:March"]));
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("date:March is not a date or a range of dates"),
        "{stderr}"
    );
    assert!(stderr.contains("a month (2024-03)"), "{stderr}");
    let (code, stderr) =
        stderr_of(dossier(dir.path()).args(["search", "--index", "idx", "x", "--since", "2024-3"]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("give a day (2024-03-05)"), "{stderr}");
}

#[test]
fn json_lines_dates_come_from_the_date_field_or_the_one_named() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir_all(&docs).unwrap();
    fs::write(
        docs.join("news.jsonl"),
        "{\"id\": \"a\", \"text\": \"Nickel output rose.\", \"date\": \"2024-05-02\", \"published\": \"2022-01-03\"}\n",
    )
    .unwrap();
    let date_of = |args: &[&str]| {
        dossier(dir.path())
            .args(["index", "docs", "--index", "idx"])
            .args(args)
            .assert()
            .success();
        search_json(dir.path(), &["nickel"])[0]["date"].clone()
    };
    assert_eq!(date_of(&[]), "2024-05-02");
    assert_eq!(date_of(&["--date-field", "published"]), "2022-01-03");
}

#[test]
fn a_two_column_pdf_drawn_across_both_columns_is_read_column_by_column() {
    let dir = docs();
    index(dir.path());
    let left = only_hit(dir.path(), "north reopened");
    assert_eq!(
        left["text"],
        "The tungsten mines of the north reopened after the long strike, and the first ore \
         trains ran again in the middle of May, to the relief of the smelters that had \
         waited since the winter."
    );
    assert_eq!(
        (
            left["path"].as_str(),
            left["page"].as_u64(),
            left["title"].as_str()
        ),
        (Some("columns.pdf"), Some(1), Some("Two Column Bulletin"))
    );
    let right = only_hit(dir.path(), "vineyards ripened");
    // Helvetica's standard encoding draws the apostrophe as a right quote.
    assert!(
        right["text"]
            .as_str()
            .unwrap()
            .ends_with("for the valley\u{2019}s cooperatives."),
        "{right}"
    );
}
