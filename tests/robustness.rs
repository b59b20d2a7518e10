//! Re-indexing folders that change, crash safety and hostile input: run the built binary
//! on real files and check the index against the files.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tantivy::collector::DocSetCollector;
use tantivy::query::AllQuery;
use tantivy::schema::Value as _;

use common::dossier;

/// Runs `dossier index docs --index idx ARGS` in `dir`; returns its exit code and stderr.
fn index(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output = dossier(dir)
        .args(["index", "docs", "--index", "idx"])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The last line of an indexing report, after `into idx: `.
fn counts(stderr: &str) -> String {
    let report = stderr.lines().last().unwrap_or_default();
    let counts = report.split("into idx: ").nth(1).unwrap_or(report);
    counts.split(" (").next().unwrap_or(counts).to_string()
}

fn search(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<Value>, String) {
    let output = dossier(dir)
        .args(["search", "--index", "idx", "--json", "--limit", "100"])
        .args(args)
        .output()
        .unwrap();
    let hits = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), hits, stderr)
}

fn paths(hits: &[Value]) -> Vec<String> {
    let mut paths: Vec<String> = hits
        .iter()
        .map(|hit| hit["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join("docs").join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Sets a file's modification time `seconds` later than now, as an edit made later would.
fn touch_later(path: &Path, seconds: u64) {
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() + Duration::from_secs(seconds))
        .unwrap();
}

#[test]
fn reindexing_reads_only_what_changed_and_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", "Alpha copper mines reopened.\n");
    write(root, "b.txt", "Bravo tin smelters closed.\n");
    write(root, "c.txt", "Charlie zinc output fell.\n");
    write(root, "d.txt", "Delta nickel prices rose.\n");
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        counts(&stderr),
        "4 added, 0 updated, 0 removed, 0 unchanged"
    );

    let (_, stderr) = index(root, &[]);
    assert_eq!(
        counts(&stderr),
        "0 added, 0 updated, 0 removed, 4 unchanged"
    );
    assert!(
        stderr.contains("indexed 0 paragraphs from 0 files"),
        "{stderr}"
    );
    // The same folder named another way is the same folder.
    let output = dossier(root)
        .args(["index", "./docs/", "--index", "idx"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        counts(&stderr),
        "0 added, 0 updated, 0 removed, 4 unchanged"
    );

    // Touched but not changed: read, hashed, and left alone.
    touch_later(&root.join("docs/a.txt"), 60);
    let (_, stderr) = index(root, &[]);
    assert_eq!(
        counts(&stderr),
        "0 added, 0 updated, 0 removed, 4 unchanged"
    );

    write(
        root,
        "b.txt",
        "Bravo tin smelters reopened after the strike.\n",
    );
    fs::remove_file(root.join("docs/c.txt")).unwrap();
    fs::rename(root.join("docs/d.txt"), root.join("docs/e.txt")).unwrap();
    write(root, "f.txt", "Foxtrot lead stocks doubled.\n");
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        counts(&stderr),
        "2 added, 1 updated, 2 removed, 1 unchanged"
    );

    assert_eq!(search(root, &["strike"]).1.len(), 1);
    assert_eq!(
        search(root, &["closed"]).0,
        Some(1),
        "the old text of b.txt"
    );
    assert_eq!(search(root, &["zinc"]).0, Some(1), "c.txt was deleted");
    let (_, nickel, _) = search(root, &["nickel"]);
    assert_eq!(paths(&nickel), ["e.txt"], "a renamed file is indexed once");
    assert_eq!(paths(&search(root, &["lead"]).1), ["f.txt"]);
    let (_, everything, _) = search(root, &["path:*"]);
    assert_eq!(paths(&everything), ["a.txt", "b.txt", "e.txt", "f.txt"]);

    // A file that can no longer be used loses its paragraphs like a deleted one.
    fs::write(root.join("docs/f.txt"), b"Foxtrot\x00binary now").unwrap();
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("f.txt: looks binary"), "{stderr}");
    assert_eq!(
        counts(&stderr),
        "0 added, 0 updated, 1 removed, 3 unchanged"
    );
    assert_eq!(
        search(root, &["lead"]).0,
        Some(1),
        "stale paragraphs of f.txt"
    );
}

/// The file lists (`files-N.bin`) and their logs (`files-N.delta`) in an index folder.
fn file_lists(index: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(index)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("files-"))
        .collect();
    names.sort();
    names
}

/// Issue 24: a run that changed a few files of a million appends them to the file list's
/// log instead of writing the whole list (40 MB) again; once the log grows, a run writes
/// the whole list anew. Whatever mix of lists and logs the runs left, the next run reads
/// the files as the last one left them, and the index and its list are those a rebuild
/// makes.
#[test]
fn a_few_changes_are_logged_and_a_long_log_is_folded_into_a_new_file_list() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for n in 0..50 {
        write(
            root,
            &format!("n{n:02}.txt"),
            &format!("Note {n} on copper.\n"),
        );
    }
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(file_lists(&root.join("idx")), ["files-1.bin"]);
    let whole = fs::read(root.join("idx/files-1.bin")).unwrap();

    touch_later(&root.join("docs/n00.txt"), 60);
    write(root, "n01.txt", "Note 1 on nickel.\n");
    fs::remove_file(root.join("docs/n02.txt")).unwrap();
    write(root, "sub/new.txt", "A new note on tin.\n");
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        counts(&stderr),
        "1 added, 1 updated, 1 removed, 48 unchanged"
    );
    assert_eq!(
        file_lists(&root.join("idx")),
        ["files-1.bin", "files-1.delta"]
    );
    assert_eq!(fs::read(root.join("idx/files-1.bin")).unwrap(), whole);
    // The list with its log is what the last run left: nothing to read again.
    let (_, stderr) = index(root, &[]);
    assert_eq!(
        counts(&stderr),
        "0 added, 0 updated, 0 removed, 50 unchanged"
    );
    assert!(
        stderr.contains("indexed 0 paragraphs from 0 files"),
        "{stderr}"
    );
    assert_eq!(paths(&search(root, &["nickel"]).1), ["n01.txt"]);
    assert_eq!(paths(&search(root, &["tin"]).1), ["sub/new.txt"]);

    // Many files at once: the log would outgrow its share, so the list is written whole.
    for n in 0..3000 {
        write(
            root,
            &format!("many/m{n:04}.txt"),
            &format!("Memo {n} on zinc.\n"),
        );
    }
    let (_, stderr) = index(root, &[]);
    assert_eq!(
        counts(&stderr),
        "3000 added, 0 updated, 0 removed, 50 unchanged"
    );
    assert_eq!(file_lists(&root.join("idx")), ["files-3.bin"]);
    write(root, "many/m0007.txt", "Memo 7 on lead.\n");
    fs::rename(root.join("docs/sub"), root.join("docs/moved")).unwrap();
    let (_, stderr) = index(root, &[]);
    assert_eq!(
        counts(&stderr),
        "1 added, 1 updated, 1 removed, 3048 unchanged"
    );
    assert_eq!(
        file_lists(&root.join("idx")),
        ["files-3.bin", "files-3.delta"]
    );

    // The same paragraphs and the same file list as an index built in one run.
    let rebuilt = dossier(root)
        .args(["index", "docs", "--index", "fresh"])
        .output()
        .unwrap();
    assert!(rebuilt.status.success());
    assert_eq!(
        indexed_paragraphs(&root.join("idx")),
        indexed_paragraphs(&root.join("fresh"))
    );
    let list = |index: &str| {
        dossier::index::open(&root.join(index))
            .unwrap()
            .manifest()
            .unwrap()
            .unwrap()
    };
    assert_eq!(list("idx"), list("fresh"));
}

#[test]
fn rebuild_a_new_taxonomy_or_another_folder_index_every_file_again_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", "Zorblax Widgets opened a plant.\n");
    write(root, "b.txt", "Copper rose.\n");
    index(root, &[]);
    assert!(search(root, &["plant", "--company", "Zorblax"]).0 == Some(2));

    let (_, stderr) = index(root, &["--rebuild"]);
    assert!(stderr.contains("as asked (--rebuild)"), "{stderr}");
    assert_eq!(
        counts(&stderr),
        "2 added, 0 updated, 0 removed, 0 unchanged"
    );

    fs::write(
        root.join("docs/dossier.toml"),
        "[[company]]\nname = \"Zorblax\"\naliases = [\"Zorblax Widgets\"]\n",
    )
    .unwrap();
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("the taxonomy or the indexing settings changed"),
        "{stderr}"
    );
    assert_eq!(
        counts(&stderr),
        "2 added, 0 updated, 0 removed, 0 unchanged"
    );
    let (_, hits, _) = search(root, &["plant", "--company", "Zorblax"]);
    assert_eq!(paths(&hits), ["a.txt"]);

    fs::create_dir(root.join("other")).unwrap();
    fs::write(root.join("other/c.txt"), "Tin fell.\n").unwrap();
    let output = dossier(root)
        .args(["index", "other", "--index", "idx"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("the index was built from"), "{stderr}");
    assert!(stderr.contains("rebuilding it from"), "{stderr}");
    let (_, hits, _) = search(root, &["path:*"]);
    assert_eq!(paths(&hits), ["c.txt"]);
}

/// Damages the index in `root/idx` with `damage`, and checks that searching (unless the
/// damage is to what only indexing reads) and indexing say so and name `--rebuild`, and
/// that `--rebuild` mends it.
fn check_damage(root: &Path, what: &str, searchable: bool, damage: impl Fn(&Path)) {
    index(root, &["--rebuild"]);
    damage(&root.join("idx"));
    let (code, _, stderr) = search(root, &["copper"]);
    if searchable {
        assert_eq!(code, Some(0), "{what}: {stderr}");
    } else {
        assert_eq!(code, Some(2), "{what}: {stderr}");
        assert!(stderr.contains("is damaged"), "{what}: {stderr}");
        assert!(stderr.contains("--rebuild`"), "{what}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
    }
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(2), "{what}: {stderr}");
    assert!(stderr.contains("--rebuild`"), "{what}: {stderr}");
    let (code, stderr) = index(root, &["--rebuild"]);
    assert_eq!(code, Some(0), "{what}: {stderr}");
    assert_eq!(search(root, &["copper"]).1.len(), 1, "{what}");
}

/// The files of the index's segments with this extension.
fn segment_files(index: &Path, extension: &str) -> Vec<std::path::PathBuf> {
    fs::read_dir(index)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect()
}

#[test]
fn a_damaged_index_is_reported_with_the_rebuild_command_and_rebuild_mends_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", "Copper rose.\n\nTin fell.\n");
    check_damage(root, "garbage meta.json", false, |idx| {
        fs::write(idx.join("meta.json"), "garbage").unwrap();
    });
    check_damage(root, "deleted segment file", false, |idx| {
        for file in segment_files(idx, "idx") {
            fs::remove_file(file).unwrap();
        }
    });
    check_damage(root, "truncated segment file", false, |idx| {
        for file in segment_files(idx, "store") {
            let length = fs::metadata(&file).unwrap().len();
            fs::File::options()
                .write(true)
                .open(&file)
                .unwrap()
                .set_len(length / 2)
                .unwrap();
        }
    });
    check_damage(root, "garbage file list", true, |idx| {
        for file in fs::read_dir(idx).unwrap().map(|e| e.unwrap().path()) {
            if file
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("files-")
            {
                fs::write(file, "[").unwrap();
            }
        }
    });
}

#[test]
fn a_second_index_run_fails_fast_naming_the_lock_and_searches_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", "Copper rose.\n");
    index(root, &[]);
    write(root, "b.txt", "Tin fell.\n");
    let held = tantivy::Index::open_in_dir(root.join("idx")).unwrap();
    let _writer: tantivy::IndexWriter = held.writer(15_000_000).unwrap();
    let started = Instant::now();
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("is locked by another dossier process"),
        "{stderr}"
    );
    assert!(stderr.contains(".tantivy-writer.lock"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "it waited for the lock"
    );
    assert_eq!(search(root, &["copper"]).1.len(), 1);
    assert_eq!(search(root, &["tin"]).0, Some(1), "nothing was written");
}

/// A small deterministic random number generator (xorshift), so failures replay.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const WORDS: &[&str] = &[
    "copper", "tin", "zinc", "Apple", "said", "shares", "rose", "fell", "profit", "Alibaba",
    "market", "prices", "the", "company", "oil", "Shell", "bank", "rates", "quarter", "strike",
    "mine", "Reuters", "analysts", "expected", "growth", "Tesla", "cars",
];

/// A news-like text of a few paragraphs; `version` makes each edit different.
fn article(random: &mut Random, version: u64) -> String {
    let mut text = String::new();
    for _ in 0..3 + random.below(10) {
        let words: Vec<&str> = (0..10 + random.below(40))
            .map(|_| WORDS[random.below(WORDS.len() as u64) as usize])
            .collect();
        text.push_str(&format!("Edition {version}. {}.\n\n", words.join(" ")));
    }
    text
}

/// Each indexed file's paragraphs as (number, text), read straight from the index;
/// a paragraph found twice makes a file's list longer than its numbers.
fn indexed_paragraphs(index: &Path) -> BTreeMap<String, Vec<(u64, String)>> {
    let open = dossier::index::open(index).expect("the index opens");
    let searcher = open.index.reader().expect("the index reads").searcher();
    let addresses = searcher.search(&AllQuery, &DocSetCollector).unwrap();
    let mut files: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    for address in addresses {
        let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
        let text = doc
            .get_first(open.fields.text)
            .and_then(|v| v.as_str())
            .unwrap()
            .to_string();
        // The path is not stored: its column holds it.
        let segment = searcher.segment_reader(address.segment_ord);
        let columns = dossier::index::DocumentColumns::open(segment).unwrap();
        let paths = columns.paths.unwrap();
        let ord = paths.term_ords(address.doc_id).next().unwrap();
        let mut path = String::new();
        paths.ord_to_str(ord, &mut path).unwrap();
        let number = doc
            .get_first(open.fields.paragraph)
            .and_then(|v| v.as_u64())
            .unwrap();
        files.entry(path).or_default().push((number, text));
    }
    for paragraphs in files.values_mut() {
        paragraphs.sort();
    }
    files
}

/// What the index should hold for a file's text.
fn expected_paragraphs(text: &str) -> Vec<(u64, String)> {
    dossier::split::split(text)
        .paragraphs
        .into_iter()
        .map(|p| (p.number as u64, p.text))
        .collect()
}

/// Changes the folder: edits, deletes and adds files.
fn mutate(docs: &Path, random: &mut Random, round: u64, next_name: &mut u64) {
    let mut names: Vec<String> = fs::read_dir(docs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        match random.below(20) {
            0..=2 => fs::write(docs.join(name), article(random, round)).unwrap(),
            3 => fs::remove_file(docs.join(name)).unwrap(),
            _ => {}
        }
    }
    for _ in 0..random.below(names.len() as u64 / 10 + 2) {
        *next_name += 1;
        fs::write(
            docs.join(format!("{next_name:05}.txt")),
            article(random, round),
        )
        .unwrap();
    }
}

/// Kills `dossier index` at random moments while it brings an index up to date with a
/// changing folder, and checks after each kill that every file is in the index exactly as
/// one of the versions it could hold: the last one committed or the one on disk. Set
/// DOSSIER_KILL_ROUNDS for more rounds than the default 20.
#[cfg(unix)]
#[test]
fn killing_indexing_at_any_moment_leaves_each_file_old_or_new_never_half() {
    let rounds: u64 = std::env::var("DOSSIER_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let docs = root.join("docs");
    fs::create_dir(&docs).unwrap();
    let mut random = Random(0x5eed_cafe_f00d_d00d);
    let mut next_name = 0;
    for _ in 0..400 {
        next_name += 1;
        fs::write(
            docs.join(format!("{next_name:05}.txt")),
            article(&mut random, 0),
        )
        .unwrap();
    }
    let started = Instant::now();
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    // Kills land at a random moment within this many milliseconds of the start.
    let mut window_ms = started.elapsed().as_millis() as u64;
    // What the index holds after its last complete commit, by file.
    let mut committed = indexed_paragraphs(&root.join("idx"));
    let mut killed_mid_way = 0;
    for round in 1..=rounds {
        mutate(&docs, &mut random, round, &mut next_name);
        let mut on_disk: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
        for entry in fs::read_dir(&docs).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            on_disk.insert(
                name,
                expected_paragraphs(&fs::read_to_string(&path).unwrap()),
            );
        }
        let mut args = vec!["index", "docs", "--index", "idx"];
        if round % 5 == 0 {
            args.push("--rebuild");
        }
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dossier"))
            .current_dir(root)
            .args(&args)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = random.below(window_ms + 1);
        std::thread::sleep(Duration::from_millis(delay));
        // The window follows how long runs take on this machine right now, so that kills
        // keep landing both inside runs and after them.
        if child.try_wait().unwrap().is_none() {
            killed_mid_way += 1;
            window_ms = window_ms * 11 / 10 + 1;
        } else {
            window_ms = (window_ms * 7 / 10).max(5);
        }
        child.kill().unwrap();
        child.wait().unwrap();

        let indexed = indexed_paragraphs(&root.join("idx"));
        for (name, paragraphs) in &indexed {
            let old = committed.get(name);
            let new = on_disk.get(name);
            assert!(
                Some(paragraphs) == old || Some(paragraphs) == new,
                "round {round} (killed after {delay} ms): {name} holds {} paragraphs, neither \
                 its old {:?} nor its new {:?} ones",
                paragraphs.len(),
                old.map(Vec::len),
                new.map(Vec::len)
            );
        }
        for (name, paragraphs) in &on_disk {
            // A file with paragraphs is missing only if no commit ever held it.
            if !paragraphs.is_empty() && !indexed.contains_key(name) {
                assert!(
                    !committed.contains_key(name),
                    "round {round}: {name} was lost"
                );
            }
        }
        committed = indexed;
    }
    eprintln!("{killed_mid_way} of {rounds} runs were killed before they finished");
    assert!(killed_mid_way >= rounds / 4, "{killed_mid_way} of {rounds}");
    // Left alone, the next run brings every file up to date.
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let indexed = indexed_paragraphs(&root.join("idx"));
    let on_disk: BTreeMap<String, Vec<(u64, String)>> = fs::read_dir(&docs)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                expected_paragraphs(&fs::read_to_string(&path).unwrap()),
            )
        })
        .filter(|(_, paragraphs)| !paragraphs.is_empty())
        .collect();
    assert_eq!(indexed, on_disk);
}

/// Whether this process can read a file whose permissions forbid it (root can).
#[cfg(unix)]
fn can_read_unreadable(path: &Path) -> bool {
    fs::read(path).is_ok()
}

/// Every hostile file of the issue in one folder: each is indexed sensibly or skipped with
/// one line saying why, and the good files around them are all indexed.
#[cfg(unix)]
#[test]
fn hostile_files_are_indexed_sensibly_or_skipped_with_a_reason() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::{PermissionsExt, symlink};

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good.txt", "Copper output rose at the Alpha mine.\n");
    write(root, "empty.txt", "");
    write(root, "blank.txt", "  \n\t\n   \n");
    write(root, "bom8.txt", "\u{feff}Bravo tin smelters reopened.\n");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "Charlie zinc prices fell.\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    fs::write(root.join("docs/utf16.txt"), utf16).unwrap();
    write(root, "crlf.txt", "Delta first.\r\n\r\nDelta second.\r\n");
    write(root, "cr.txt", "Echo first.\r\rEcho second.\r");
    fs::write(root.join("docs/latin1.txt"), b"Foxtrot caf\xe9 opened.\n").unwrap();
    fs::write(root.join("docs/binary.txt"), b"Golf\x00\x01\x02").unwrap();
    write(root, "locked.txt", "Hotel nickel stocks fell.\n");
    let locked = root.join("docs/locked.txt");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let locked_readable = can_read_unreadable(&locked);
    write(root, "loop/india.txt", "India lead prices rose.\n");
    symlink(root.join("docs"), root.join("docs/loop/back")).unwrap();
    fs::write(root.join("outside.txt"), "Juliet silver demand rose.\n").unwrap();
    symlink(root.join("outside.txt"), root.join("docs/linked.txt")).unwrap();
    let deep: String = (0..100).map(|i| format!("d{i}/")).collect();
    write(
        root,
        &format!("{deep}kilo.txt"),
        "Kilo cobalt miners struck.\n",
    );
    write(root, "name with spaces.txt", "Lima platinum output fell.\n");
    write(root, "new\nline.txt", "Mike palladium prices rose.\n");
    let odd_name = OsStr::from_bytes(b"odd\xffname.txt");
    fs::write(
        root.join("docs").join(odd_name),
        "November iron ore fell.\n",
    )
    .unwrap();
    write(root, ".hidden.txt", "Oscar hidden file.\n");
    write(root, ".secret/papa.txt", "Papa hidden folder.\n");
    write(root, ".gitignore", "drafts/\n");
    write(root, "drafts/quebec.txt", "Quebec draft.\n");
    write(root, "sub/.ignore", "romeo.txt\n");
    write(root, "sub/romeo.txt", "Romeo ignored.\n");
    write(root, "sub/sierra.txt", "Sierra kept.\n");
    write(root, "long.txt", &"tango uranium ".repeat(100_000));

    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let expect_line = |needle: &str| {
        assert!(
            stderr.lines().any(|line| line.contains(needle)),
            "no line with {needle:?} in:\n{stderr}"
        );
    };
    expect_line("binary.txt: looks binary (it contains NUL bytes); skipped it");
    expect_line("latin1.txt: is not valid UTF-8 (bad byte at offset 11); indexed it");
    expect_line("back: is a symlink loop; skipped it");
    if locked_readable {
        eprintln!("running as a user who reads any file: locked.txt is indexed");
    } else {
        expect_line("locked.txt: cannot be read (permission denied); skipped it");
    }

    let found = |word: &str| paths(&search(root, &[word]).1);
    assert_eq!(found("copper"), ["good.txt"]);
    let (_, bravo, _) = search(root, &["bravo"]);
    assert_eq!(
        bravo[0]["text"], "Bravo tin smelters reopened.",
        "BOM dropped"
    );
    assert_eq!(found("charlie"), ["utf16.txt"]);
    for (word, file) in [("delta", "crlf.txt"), ("echo", "cr.txt")] {
        let (_, hits, _) = search(root, &[word, "--sort", "path"]);
        let lines: Vec<u64> = hits.iter().map(|h| h["line"].as_u64().unwrap()).collect();
        assert_eq!(paths(&hits), [file]);
        assert_eq!(lines, [1, 3], "{file}");
    }
    assert_eq!(search(root, &["café"]).1[0]["text"], "Foxtrot café opened.");
    assert_eq!(
        search(root, &["golf"]).0,
        Some(1),
        "binary files are skipped"
    );
    assert_eq!(found("hotel").len(), usize::from(locked_readable));
    assert_eq!(
        found("india"),
        ["loop/india.txt"],
        "indexed once despite the loop"
    );
    assert_eq!(
        found("juliet"),
        ["linked.txt"],
        "a link to a file outside is followed"
    );
    assert_eq!(found("kilo"), [format!("{deep}kilo.txt")]);
    assert_eq!(found("lima"), ["name with spaces.txt"]);
    assert_eq!(found("mike"), ["new\nline.txt"]);
    assert_eq!(found("november"), ["odd\u{fffd}name.txt"]);
    assert_eq!(
        search(root, &["oscar OR papa"]).0,
        Some(1),
        "hidden: skipped"
    );
    assert_eq!(
        search(root, &["quebec OR romeo"]).0,
        Some(1),
        "ignored: skipped"
    );
    assert_eq!(found("sierra"), ["sub/sierra.txt"]);
    // 1.4 MB on one line: cut into some 140 pieces, of which a page shows 100.
    let (_, tango, _) = search(root, &["tango", "--sort", "path", "--per-doc", "0"]);
    assert_eq!(tango.len(), 100, "an endless line is cut into pieces");
    assert!(tango.iter().all(|hit| hit["line"] == 1));

    let (code, stderr) = index(root, &["--hidden", "--no-ignore"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        found("oscar OR papa OR quebec OR romeo"),
        [
            ".hidden.txt",
            ".secret/papa.txt",
            "drafts/quebec.txt",
            "sub/romeo.txt"
        ]
    );
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn a_file_over_the_size_limit_is_skipped_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good.txt", "Copper rose.\n");
    // 200 MB on one line: over the default 100 MB limit.
    let huge = root.join("docs/huge.txt");
    let mut file = fs::File::create(&huge).unwrap();
    let block = vec![b'a'; 1024 * 1024];
    for _ in 0..200 {
        std::io::Write::write_all(&mut file, &block).unwrap();
    }
    drop(file);
    let (code, stderr) = index(root, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("huge.txt: is 200 MB, larger than the 100 MB limit; skipped it"),
        "{stderr}"
    );
    assert_eq!(
        counts(&stderr),
        "1 added, 0 updated, 0 removed, 0 unchanged"
    );
    fs::remove_file(&huge).unwrap();
}

/// Polls `condition` for up to 20 s.
fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < Duration::from_secs(20), "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn watch_keeps_the_index_up_to_date_as_files_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", "Copper rose.\n");
    let log = root.join("watch.log");
    let mut watch = std::process::Command::new(assert_cmd::cargo::cargo_bin("dossier"))
        .current_dir(root)
        .args(["watch", "docs", "--index", "idx", "--interval", "0.2"])
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let log_says = |text: &str| fs::read_to_string(&log).unwrap().contains(text);
    eventually("the first index", || log_says("watching docs"));
    assert_eq!(search(root, &["copper"]).1.len(), 1);
    // Moved in whole, so the watch never sees it half-written.
    fs::write(root.join("b.txt"), "Tin fell.\n").unwrap();
    fs::rename(root.join("b.txt"), root.join("docs/b.txt")).unwrap();
    eventually("b.txt indexed", || search(root, &["tin"]).0 == Some(0));
    fs::remove_file(root.join("docs/a.txt")).unwrap();
    eventually("a.txt removed", || search(root, &["copper"]).0 == Some(1));
    // The report follows the commit that searches see.
    eventually("the removal reported", || log_says("1 removed"));
    watch.kill().unwrap();
    watch.wait().unwrap();
    let log = fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("1 added, 0 updated, 0 removed, 1 unchanged"),
        "{log}"
    );
    assert!(
        log.contains("0 added, 0 updated, 1 removed, 1 unchanged"),
        "{log}"
    );
    // Runs that changed nothing print nothing.
    assert_eq!(log.lines().count(), 4, "{log}");
}

#[test]
fn watch_picks_up_a_save_a_delete_and_a_rename_through_file_events() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", "Copper rose.\n");
    write(root, "sub/keep.txt", "Zinc held.\n");
    write(root, "sub/gone.txt", "Lead slipped.\n");
    let log = root.join("watch.log");
    // A full look once an hour: only file events can bring the changes in.
    let mut watch = std::process::Command::new(assert_cmd::cargo::cargo_bin("dossier"))
        .current_dir(root)
        .args(["watch", "docs", "--index", "idx", "--interval", "3600"])
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let log_says = |text: &str| fs::read_to_string(&log).unwrap().contains(text);
    eventually("the first index", || log_says("watching docs"));
    assert!(log_says("(file events, and the whole folder every 3600 s)"));
    let found = |query: &str| {
        let (code, hits, _) = search(root, &[query]);
        (code, paths(&hits))
    };
    assert_eq!(found("copper"), (Some(0), vec!["a.txt".to_string()]));

    // A save: the file written again in place.
    fs::write(root.join("docs/a.txt"), "Copper and nickel rose.\n").unwrap();
    eventually("the save indexed", || found("nickel").0 == Some(0));
    assert_eq!(found("nickel").1, ["a.txt"]);
    // A delete.
    fs::remove_file(root.join("docs/sub/gone.txt")).unwrap();
    eventually("the delete indexed", || found("lead").0 == Some(1));
    // A rename, then a folder renamed with the file in it.
    fs::rename(root.join("docs/a.txt"), root.join("docs/sub/b.txt")).unwrap();
    eventually("the rename indexed", || found("copper").1 == ["sub/b.txt"]);
    fs::rename(root.join("docs/sub"), root.join("docs/moved")).unwrap();
    eventually("the folder rename indexed", || {
        found("copper OR zinc").1 == ["moved/b.txt", "moved/keep.txt"]
    });
    eventually("the last change reported", || {
        log_says("2 added, 0 updated, 2 removed, 0 unchanged")
    });
    watch.kill().unwrap();
    watch.wait().unwrap();
    // The watch's runs logged their changes to the file list; a run of its own finds the
    // files as the watch left them.
    assert!(
        file_lists(&root.join("idx"))
            .iter()
            .any(|name| name.ends_with(".delta")),
        "{:?}",
        file_lists(&root.join("idx"))
    );
    let (_, stderr) = index(root, &[]);
    assert_eq!(
        counts(&stderr),
        "0 added, 0 updated, 0 removed, 2 unchanged"
    );
    assert!(
        stderr.contains("indexed 0 paragraphs from 0 files"),
        "{stderr}"
    );
    let log = fs::read_to_string(&log).unwrap();
    // Each run reports what a full run would have: the files the index holds unchanged
    // count, though only the paths the events named were looked at.
    for counts in [
        "3 added, 0 updated, 0 removed, 0 unchanged",
        "0 added, 1 updated, 0 removed, 2 unchanged",
        "0 added, 0 updated, 1 removed, 2 unchanged",
        "1 added, 0 updated, 1 removed, 1 unchanged",
        "2 added, 0 updated, 2 removed, 0 unchanged",
    ] {
        assert!(log.contains(counts), "{counts}: {log}");
    }
}
