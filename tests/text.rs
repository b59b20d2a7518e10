//! Text as people write it, searched as a user would (issue 21): a hard-wrapped README, a
//! man page rendered to text, a changelog, an accented note, Chinese and Japanese news,
//! an extensionless file and a named pipe; then the rough edges a new user hits (a search
//! by filters alone, a query with nothing to search, a mistake in a long query, `--explain`,
//! `show` past the end or by a path on disk, file names with control characters).
//!
//! The files of tests/fixtures/text/ were written for these tests; the pipe and the oddly
//! named files are made at test time. tests/languages.rs checks accents and Chinese and
//! Japanese in depth; here they only have to work in a folder of everything.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use common::{dossier, locations, run, stderr_of};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text")
}

/// A temporary folder holding a copy of the fixtures in `docs/`, not indexed yet.
fn copied() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    for entry in fs::read_dir(fixtures()).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), docs.join(entry.file_name())).unwrap();
    }
    dir
}

/// `dossier index docs --index idx ARGS` in `dir`: its exit code and stderr. A run that
/// hangs (on a pipe) fails the test instead of stopping it.
fn index(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut cmd = dossier(dir);
    cmd.args(["index", "docs", "--index", "idx"])
        .args(args)
        .timeout(Duration::from_secs(120));
    stderr_of(&mut cmd)
}

/// The fixtures copied and indexed into `idx/`.
fn indexed() -> TempDir {
    let dir = copied();
    let (code, stderr) = index(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    dir
}

/// The hits of a search as JSON; none when it finds nothing (exit 1).
fn hits(dir: &Path, args: &[&str]) -> Vec<Value> {
    let output = dossier(dir)
        .args(["search", "--index", "idx", "--json", "--sort", "path"])
        .args(args)
        .output()
        .unwrap();
    match output.status.code() {
        Some(1) => Vec::new(),
        Some(0) => String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect(),
        _ => panic!("{args:?}: {output:?}"),
    }
}

/// Where the hits of a search are, in path order.
fn found(dir: &Path, args: &[&str]) -> Vec<(String, u64)> {
    locations(&hits(dir, args))
}

fn at(path: &str, line: u64) -> (String, u64) {
    (path.to_string(), line)
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn a_phrase_across_a_line_break_is_found_in_wrapped_text() {
    let dir = indexed();
    // README.md: a long first line, then paragraphs wrapped at 72 columns.
    assert_eq!(
        found(dir.path(), &["\"nothing is locked inside a database\""]),
        [at("README.md", 3)]
    );
    // The man page: an indented paragraph under DESCRIPTION, the phrase across its lines.
    let man = hits(dir.path(), &["\"needed by its short form as well\""]);
    assert_eq!(locations(&man), [at("lantern.1.txt", 14)]);
    assert_eq!(man[0]["section"], "DESCRIPTION");
    // The changelog: a list item and the line indented under it.
    assert_eq!(
        found(dir.path(), &["\"the list shows that title in place\""]),
        [at("changelog.txt", 7)]
    );
}

#[test]
fn a_word_hyphenated_at_a_line_end_is_found_whole() {
    let dir = indexed();
    // "speci-" ends line 13 of README.md, "fied" starts line 14.
    assert_eq!(found(dir.path(), &["specified"]), [at("README.md", 12)]);
    assert_eq!(found(dir.path(), &["speci"]), []);
    assert_eq!(found(dir.path(), &["fied"]), []);
}

#[test]
fn a_man_page_is_read_by_its_sections_without_its_header_and_footer() {
    let dir = indexed();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["show", "lantern.1.txt", "--index", "idx", "--json"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let paragraphs: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let sections: Vec<&str> = paragraphs
        .iter()
        .map(|p| p["section"].as_str().unwrap())
        .collect();
    assert_eq!(
        sections,
        [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "DESCRIPTION",
            "DESCRIPTION",
            "DESCRIPTION",
            "EXIT STATUS",
            "EXIT STATUS",
            "SEE ALSO"
        ]
    );
    for paragraph in &paragraphs {
        let text = paragraph["text"].as_str().unwrap();
        assert!(
            !text.contains("LANTERN(1)") && !text.contains("November 2026"),
            "{text}"
        );
    }
    // An option and its description, a hanging indent, are one paragraph.
    assert_eq!(
        found(dir.path(), &["\"--editor=PROGRAM open notes\""]),
        [at("lantern.1.txt", 20)]
    );
}

#[test]
fn accents_chinese_and_japanese_work_in_a_folder_of_everything() {
    let dir = indexed();
    assert_eq!(found(dir.path(), &["cafe zurich"]), [at("zurich.txt", 3)]);
    assert_eq!(found(dir.path(), &["creme brulee"]), [at("zurich.txt", 3)]);
    assert_eq!(
        found(dir.path(), &["人工智能"]),
        [at("chinese-news.txt", 1)]
    );
    assert_eq!(found(dir.path(), &["トヨタ"]), [at("japanese-news.txt", 1)]);
    assert_eq!(
        found(dir.path(), &["模型", "--company", "Alibaba"]),
        [at("chinese-news.txt", 1)]
    );
}

#[test]
fn an_extensionless_file_is_indexed_with_all_text_and_a_pipe_is_skipped() {
    let dir = copied();
    let docs = dir.path().join("docs");
    // Reading a pipe would wait for a writer forever.
    mkfifo(&docs.join("pipe.txt"));
    let (code, stderr) = index(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("pipe.txt: is a named pipe (FIFO), not a regular file; skipped it"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ignored 1 files for their extension (no extension 1)")
            && stderr.contains("--all-text"),
        "{stderr}"
    );
    assert_eq!(found(dir.path(), &["\"permission notice\""]), []);

    let (code, stderr) = index(dir.path(), &["--all-text"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("pipe.txt: is a named pipe"), "{stderr}");
    assert!(stderr.contains("1 added"), "{stderr}");
    assert_eq!(
        found(dir.path(), &["\"permission notice\""]),
        [at("COPYING", 1)]
    );
}

#[test]
fn filters_alone_list_their_paragraphs_and_nothing_at_all_is_an_error() {
    let dir = indexed();
    let listed = hits(dir.path(), &["--company", "Time Warner"]);
    assert_eq!(locations(&listed), [at("business.txt", 1)]);
    assert_eq!(listed[0]["companies"][0], "Time Warner");
    assert_eq!(
        found(dir.path(), &["--company", "Time Warner", "studio"]),
        [at("business.txt", 1)]
    );
    let (code, stdout, stderr) = run(dir.path(), &["search", "--index", "idx"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(stderr.contains("the query is empty"), "{stderr}");
    assert!(stderr.contains("--company"), "{stderr}");
}

#[test]
fn a_query_of_emoji_or_punctuation_has_nothing_searchable() {
    let dir = indexed();
    for query in ["🙂🎉", "!!! ???", "… — ·", "-🙂"] {
        let (code, _, stderr) = run(dir.path(), &["search", "--index", "idx", query]);
        assert_eq!(code, Some(2), "{query}: {stderr}");
        assert!(
            stderr.contains("nothing searchable in the query"),
            "{query}: {stderr}"
        );
    }
    // Common words are another message; emoji beside a filter list the filter's paragraphs.
    let (_, _, stderr) = run(dir.path(), &["search", "--index", "idx", "the of"]);
    assert!(stderr.contains("only common words"), "{stderr}");
    assert_eq!(
        found(dir.path(), &["🙂", "--company", "Time Warner"]),
        [at("business.txt", 1)]
    );
}

#[test]
fn a_mistake_in_a_long_query_shows_the_query_around_it() {
    let dir = indexed();
    // 17 KB of words with an unclosed group in the middle.
    let query = format!(
        "{}(notes {}",
        "lantern ".repeat(1100),
        "folder ".repeat(1300)
    );
    assert!(query.len() > 17_000);
    let (code, _, stderr) = run(dir.path(), &["search", "--index", "idx", &query]);
    assert_eq!(code, Some(2));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].contains("(column 8801)"), "{}", lines[0]);
    let shown = lines[1].trim_start();
    assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
    assert!((70..=90).contains(&shown.chars().count()), "{shown}");
    let caret = lines[2].chars().count() - 1;
    assert_eq!(lines[2].trim(), "^");
    assert_eq!(lines[1].chars().nth(caret), Some('('), "{stderr}");
}

#[test]
fn explain_prints_balanced_brackets() {
    let dir = indexed();
    for query in [
        "cable profit",
        "\"quarterly profit\"",
        "profti~1",
        "cabl*",
        "company:\"Time Warner\" cable",
        "(cable OR notes) -lantern",
        "人工智能",
    ] {
        let (code, stdout, stderr) = run(
            dir.path(),
            &[
                "search",
                "--index",
                "idx",
                "--explain",
                "--any",
                "--limit",
                "5",
                query,
            ],
        );
        assert_eq!(code, Some(0), "{query}: {stderr}");
        assert!(stdout.contains("    score:"), "{query}: {stdout}");
        for line in stdout.lines() {
            for (open, close) in [('(', ')'), ('[', ']')] {
                assert_eq!(
                    line.matches(open).count(),
                    line.matches(close).count(),
                    "{query}: {line}"
                );
            }
        }
    }
}

#[test]
fn show_past_the_end_of_a_document_says_so() {
    let dir = indexed();
    let show = |location: &str| run(dir.path(), &["show", "--index", "idx", location]);
    // lantern.1.txt has 32 lines; its last paragraph starts on line 30.
    let (code, stdout, _) = show("lantern.1.txt:32");
    assert_eq!(code, Some(0));
    assert!(stdout.contains(">[9] line 30"), "{stdout}");
    let (code, stdout, stderr) = show("lantern.1.txt:33");
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "dossier: line 33 is past the end of lantern.1.txt: it ends on line 32\n"
    );
    // Without the file, its last paragraph tells where the document can end at the most.
    fs::remove_file(dir.path().join("docs/lantern.1.txt")).unwrap();
    let (code, _, stderr) = show("lantern.1.txt:900");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("its last paragraph starts on line 30"),
        "{stderr}"
    );
    let (code, stdout, _) = show("lantern.1.txt:32");
    assert_eq!(code, Some(0));
    assert!(stdout.contains(">[9] line 30"), "{stdout}");
}

#[test]
fn show_takes_the_path_of_an_indexed_file_on_disk() {
    let dir = indexed();
    let absolute = dir.path().join("docs/README.md");
    let absolute = format!("{}:12", absolute.display());
    for given in [
        absolute.as_str(),
        "./README.md:12",
        "docs/README.md:12",
        "./docs/README.md:12",
        "docs/../docs/README.md:12",
    ] {
        let (code, stdout, stderr) = run(dir.path(), &["show", "--index", "idx", given]);
        assert_eq!(code, Some(0), "{given}: {stderr}");
        assert!(stdout.starts_with("README.md\n"), "{given}: {stdout}");
        assert!(stdout.contains(">[3] line 12"), "{given}: {stdout}");
    }
    // A file outside the indexed folder is still no document of the index.
    fs::write(dir.path().join("README.md"), "elsewhere\n").unwrap();
    let outside = dir.path().join("README.md");
    let (code, _, stderr) = run(
        dir.path(),
        &["show", "--index", "idx", outside.to_str().unwrap()],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("holds no document"), "{stderr}");
}

#[test]
fn a_file_name_with_control_characters_prints_escaped() {
    let dir = copied();
    let docs = dir.path().join("docs");
    fs::write(docs.join("two\nlines.txt"), "A lamp with two wicks.\n").unwrap();
    fs::write(
        docs.join("bell\u{7}\u{1b}[31m.txt"),
        "A lamp with a bell.\n",
    )
    .unwrap();
    mkfifo(&docs.join("odd\npipe.txt"));
    let (code, stderr) = index(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    // The warning about the pipe is one line, naming it escaped.
    assert!(
        stderr.lines().any(|line| line.starts_with("dossier: ")
            && line.contains("odd\\npipe.txt: is a named pipe")),
        "{stderr}"
    );
    let (code, stdout, _) = run(
        dir.path(),
        &[
            "search",
            "--index",
            "idx",
            "lamp wicks OR bell",
            "--sort",
            "path",
        ],
    );
    assert_eq!(code, Some(0));
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    assert!(
        stdout.contains("  bell\\u{7}\\u{1b}[31m.txt:1  ["),
        "{stdout}"
    );
    assert!(
        stdout.contains("  two\\nlines.txt:1  [two\\nlines]"),
        "{stdout}"
    );
    let (code, stdout, _) = run(dir.path(), &["show", "--index", "idx", "two\nlines.txt"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.starts_with("two\\nlines.txt\ntwo\\nlines\n"),
        "{stdout}"
    );
    // JSON keeps the name as it is, escaped as JSON escapes it.
    let json = hits(dir.path(), &["wicks"]);
    assert_eq!(json[0]["path"], "two\nlines.txt");
}
