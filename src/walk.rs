//! Walk a folder and read its documents: which files to index, and their text.
//!
//! Hidden files and folders are skipped unless asked for, `.gitignore` and `.ignore` rules
//! inside the folder are honoured, symlinks are followed with loop detection, and files
//! come out sorted so indexes and tests are deterministic. The walk only looks at file
//! metadata; reading is a separate step, so an index that already holds a file unchanged
//! never reads it again. A file that cannot be used (unreadable, binary, too large) is
//! reported with its reason; it never stops the walk.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Result, bail};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rustc_hash::FxHashMap as HashMap;
use walkdir::WalkDir;

/// File extensions indexed as plain-text documents.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown", "rst", "org", "adoc"];

/// File extension of JSON Lines files: one document per line.
pub const RECORDS_EXTENSION: &str = "jsonl";

/// Files whose ignore rules apply to their folder and everything under it.
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore"];

/// How many leading bytes are checked for NUL bytes, the sign of a binary file.
const BINARY_PROBE_BYTES: usize = 8192;

/// Default of `--max-file-size`, in megabytes: a larger "text" file is almost always a
/// data dump or a log, and would cost more memory than the rest of the folder.
pub const DEFAULT_MAX_FILE_MB: u64 = 100;

/// Which files the walk takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkOptions {
    /// Take hidden files and folders (names starting with `.`) too.
    pub hidden: bool,
    /// Honour `.gitignore` and `.ignore` files.
    pub ignore_files: bool,
    /// Larger files are skipped.
    pub max_file_bytes: u64,
}

impl Default for WalkOptions {
    fn default() -> WalkOptions {
        WalkOptions {
            hidden: false,
            ignore_files: true,
            max_file_bytes: DEFAULT_MAX_FILE_MB * 1024 * 1024,
        }
    }
}

/// A readable text document found under the walked folder: a whole file, or one line of
/// a JSON Lines file.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the walked folder, with `/` separators.
    pub path: String,
    /// The decoded text, without a byte-order mark.
    pub text: String,
    /// A JSON Lines document's id, and the line of the file that holds it.
    pub record: Option<Record>,
    /// A title the document states apart from its text (a JSON Lines `title`).
    pub title: Option<String>,
}

/// Where a document of a JSON Lines file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The document's id (its line number when it has none).
    pub id: String,
    /// 1-based line of the file.
    pub line: usize,
}

/// The names of the fields of a JSON Lines document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFields {
    /// Field holding the document's id; `None` looks for `id`, then for `_id` (the name
    /// BEIR collections and Elasticsearch exports use).
    pub id: Option<String>,
    /// Field holding the title (optional in each document).
    pub title: String,
    /// Field holding the text.
    pub text: String,
}

impl RecordFields {
    /// The names looked for as a document's id, in order (read for every line of a JSON
    /// Lines file, so nothing is allocated).
    pub fn id_names(&self) -> impl Iterator<Item = &str> {
        let named = self.id.as_deref();
        let defaults = DEFAULT_ID_FIELDS
            .into_iter()
            .filter(move |_| named.is_none());
        named.into_iter().chain(defaults)
    }
}

/// The fields a JSON Lines document's id is looked for in when no `--id-field` is given.
const DEFAULT_ID_FIELDS: [&str; 2] = ["id", "_id"];

impl Default for RecordFields {
    fn default() -> RecordFields {
        RecordFields {
            id: None,
            title: "title".to_string(),
            text: "text".to_string(),
        }
    }
}

/// Something to tell the user about one file: why it was skipped, or how it was read.
#[derive(Debug, Clone)]
pub struct Notice {
    /// The file's path as found on disk.
    pub path: PathBuf,
    /// What happened and what to do, to follow the path ("looks binary ...; skipped it").
    pub reason: String,
    /// Whether the file (or line) was left out of the index; otherwise it was indexed.
    pub skipped: bool,
}

impl Notice {
    fn skipped(path: &Path, reason: impl Into<String>) -> Notice {
        Notice {
            path: path.to_path_buf(),
            reason: reason.into(),
            skipped: true,
        }
    }
}

/// A file the walk found, known by its metadata only.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// The path on disk.
    pub path: PathBuf,
    /// Path relative to the walked folder, with `/` separators: what the index calls it.
    pub relative: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 when the system has none).
    pub modified: u64,
}

/// One thing the walk found.
#[derive(Debug)]
pub enum Found {
    /// A file to index.
    File(FoundFile),
    /// A file that cannot be used.
    Skipped(Notice),
    /// A file with an extension that is not indexed (not an error).
    Ignored,
}

/// What a file read into.
#[derive(Debug)]
pub enum Entry {
    /// One document, and a notice when it was read with a fallback.
    Document(Document, Option<Notice>),
    /// The documents of a JSON Lines file, and its lines that are not documents.
    Records(Vec<Document>, Vec<Notice>),
    /// The file could not be used.
    Skipped(Notice),
}

/// Lists the files under `root`, checking first that `root` is a readable folder.
pub fn files(root: &Path, options: &WalkOptions) -> Result<impl Iterator<Item = Found> + use<>> {
    match fs::metadata(root) {
        Err(_) => bail!(
            "the folder {} does not exist; give a folder of text documents",
            root.display()
        ),
        Ok(meta) if !meta.is_dir() => bail!(
            "{} is a file, not a folder; give the folder that contains it",
            root.display()
        ),
        Ok(_) => {}
    }
    let root = root.to_path_buf();
    let options = options.clone();
    let mut rules = IgnoreRules::new(&root, options.ignore_files);
    let hidden = options.hidden;
    let walker = WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |entry| {
            entry.depth() == 0
                || ((hidden || !is_hidden(entry.file_name()))
                    && !rules.is_ignored(entry.path(), entry.file_type().is_dir()))
        });
    Ok(walker.filter_map(move |entry| match entry {
        Ok(entry) if entry.file_type().is_dir() => None,
        Ok(entry) => Some(found(&root, entry.path(), &options)),
        Err(err) => Some(Found::Skipped(walk_error(&err))),
    }))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// The ignore rules of the folders under the walked one, read as the walk reaches them.
struct IgnoreRules {
    root: PathBuf,
    enabled: bool,
    /// Each folder's rules; None when it has no ignore file.
    by_folder: HashMap<PathBuf, Option<Gitignore>>,
    /// Whether a folder or one of its parents up to the root has rules: most folders
    /// have none, and then a file costs one lookup.
    ruled: HashMap<PathBuf, bool>,
}

impl IgnoreRules {
    fn new(root: &Path, enabled: bool) -> IgnoreRules {
        IgnoreRules {
            root: root.to_path_buf(),
            enabled,
            by_folder: HashMap::default(),
            ruled: HashMap::default(),
        }
    }

    /// Whether the rules of the nearest folder that has an opinion ignore `path`; as in
    /// git, a deeper folder's rules override its parents' and a later line earlier ones.
    fn is_ignored(&mut self, path: &Path, is_dir: bool) -> bool {
        if !self.enabled || !path.parent().is_some_and(|folder| self.is_ruled(folder)) {
            return false;
        }
        let mut folder = path.parent();
        while let Some(current) = folder {
            match self.rules(current).map(|rules| rules.matched(path, is_dir)) {
                Some(Match::Ignore(_)) => return true,
                Some(Match::Whitelist(_)) => return false,
                Some(Match::None) | None => {}
            }
            if current == self.root {
                break;
            }
            folder = current.parent();
        }
        false
    }

    fn is_ruled(&mut self, folder: &Path) -> bool {
        if let Some(&ruled) = self.ruled.get(folder) {
            return ruled;
        }
        let parent_ruled =
            folder != self.root && folder.parent().is_some_and(|parent| self.is_ruled(parent));
        let ruled = parent_ruled || self.rules(folder).is_some();
        self.ruled.insert(folder.to_path_buf(), ruled);
        ruled
    }

    fn rules(&mut self, folder: &Path) -> Option<&Gitignore> {
        self.by_folder
            .entry(folder.to_path_buf())
            .or_insert_with(|| read_rules(folder))
            .as_ref()
    }
}

/// The rules of a folder's ignore files; a line that is not a valid pattern is left out
/// (as git does), so a bad rule never stops indexing.
fn read_rules(folder: &Path) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(folder);
    let mut any = false;
    for name in IGNORE_FILES {
        let file = folder.join(name);
        if file.is_file() {
            any = true;
            // A partly invalid file still gives its valid rules; the error is not fatal.
            let _ = builder.add(file);
        }
    }
    if !any {
        return None;
    }
    builder.build().ok()
}

fn walk_error(err: &walkdir::Error) -> Notice {
    let path = err.path().map(Path::to_path_buf).unwrap_or_default();
    let reason = if err.loop_ancestor().is_some() {
        "is a symlink loop; skipped it".to_string()
    } else {
        match err.io_error() {
            Some(io) => io_reason(io),
            None => format!("cannot be read ({err}); skipped it"),
        }
    };
    Notice::skipped(&path, reason)
}

fn io_reason(err: &std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::PermissionDenied {
        "cannot be read (permission denied); skipped it (check its permissions)".to_string()
    } else {
        format!("cannot be read ({err}); skipped it")
    }
}

fn found(root: &Path, path: &Path, options: &WalkOptions) -> Found {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if extension != RECORDS_EXTENSION && !TEXT_EXTENSIONS.contains(&extension.as_str()) {
        return Found::Ignored;
    }
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) => return Found::Skipped(Notice::skipped(path, io_reason(&err))),
    };
    if meta.len() > options.max_file_bytes {
        let megabytes = |bytes: u64| bytes.div_ceil(1024 * 1024);
        return Found::Skipped(Notice::skipped(
            path,
            format!(
                "is {} MB, larger than the {} MB limit; skipped it (raise --max-file-size to \
                 index it)",
                megabytes(meta.len()),
                options.max_file_bytes / (1024 * 1024)
            ),
        ));
    }
    let modified = meta
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| {
            u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
        });
    Found::File(FoundFile {
        path: path.to_path_buf(),
        relative: relative_path(root, path),
        size: meta.len(),
        modified,
    })
}

/// Reads a found file's bytes.
pub fn read(file: &FoundFile) -> std::result::Result<Vec<u8>, Notice> {
    fs::read(&file.path).map_err(|err| Notice::skipped(&file.path, io_reason(&err)))
}

/// The documents in a file's bytes: one, or one per line of a JSON Lines file.
pub fn documents(file: &FoundFile, bytes: Vec<u8>, fields: &RecordFields) -> Entry {
    let is_records = file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(RECORDS_EXTENSION));
    let decoded = match decode(bytes) {
        Ok(decoded) => decoded,
        Err(reason) => return Entry::Skipped(Notice::skipped(&file.path, reason)),
    };
    let notice = decoded.fallback.map(|reason| Notice {
        path: file.path.clone(),
        reason,
        skipped: false,
    });
    if is_records {
        let records = records(&file.relative, &decoded.text, fields);
        let without_id = records.without_id_warning(fields).map(|reason| Notice {
            path: file.path.clone(),
            reason,
            skipped: false,
        });
        let notices = notice
            .into_iter()
            .chain(without_id)
            .chain(
                records
                    .bad_lines
                    .into_iter()
                    .map(|reason| Notice::skipped(&file.path, reason)),
            )
            .collect();
        return Entry::Records(records.documents, notices);
    }
    Entry::Document(
        Document {
            path: file.relative.clone(),
            text: decoded.text,
            record: None,
            title: None,
        },
        notice,
    )
}

/// What a JSON Lines file holds.
#[derive(Debug, Default)]
pub struct Records {
    /// One document per line that is one.
    pub documents: Vec<Document>,
    /// Why each line that is not a document was skipped (blank lines are neither).
    pub bad_lines: Vec<String>,
    /// How many documents have no id field, and so go by their line number.
    pub without_id: usize,
}

impl Records {
    /// One warning for the whole file when documents go by their line numbers for want of
    /// an id, naming the field looked for: silently numbered ids would not match the ids
    /// the user knows.
    pub fn without_id_warning(&self, fields: &RecordFields) -> Option<String> {
        if self.without_id == 0 {
            return None;
        }
        let looked_for = fields
            .id_names()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(" or ");
        let which = match self.without_id == self.documents.len() {
            true => "no document has an id field".to_string(),
            false => format!(
                "{} of {} documents have no id field",
                self.without_id,
                self.documents.len()
            ),
        };
        Some(format!(
            "{which} {looked_for}; used their line numbers as ids \
             (name the id field with --id-field)"
        ))
    }
}

/// The documents of a JSON Lines file, why each line that is not one was skipped, and how
/// many have no id.
pub fn records(path: &str, text: &str, fields: &RecordFields) -> Records {
    let mut records = Records::default();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match record(line, index + 1, fields) {
            Ok((record, title, text)) => {
                records.without_id += usize::from(record.is_none());
                let record = record.unwrap_or_else(|| Record {
                    id: (index + 1).to_string(),
                    line: index + 1,
                });
                records.documents.push(Document {
                    path: path.to_string(),
                    text,
                    record: Some(record),
                    title,
                });
            }
            Err(reason) => records
                .bad_lines
                .push(format!("line {} {reason}; skipped that line", index + 1)),
        }
    }
    records
}

/// A line's record (`None` when it has no id), title and text.
fn record(
    line: &str,
    number: usize,
    fields: &RecordFields,
) -> std::result::Result<(Option<Record>, Option<String>, String), String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|err| format!("is not valid JSON ({err})"))?;
    let object = value
        .as_object()
        .ok_or_else(|| "is not a JSON object".to_string())?;
    let as_text = |name: &str| match object.get(name) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let text = as_text(&fields.text).ok_or_else(|| {
        format!(
            "has no text field \"{}\" (name another with --text-field)",
            fields.text
        )
    })?;
    let record = fields
        .id_names()
        .find_map(as_text)
        .map(|id| Record { id, line: number });
    let title = as_text(&fields.title).filter(|t| !t.trim().is_empty());
    Ok((record, title, text))
}

/// A file's text, and how it was read when it was not UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// Set when the bytes were not UTF-8 and were read as Windows-1252, saying so.
    pub fallback: Option<String>,
}

/// Decodes a file's bytes as text (UTF-8, or UTF-16 with a byte-order mark), or says why
/// it is not a text document. Bytes that are not UTF-8 are read as Windows-1252, the
/// usual encoding of older Western text, so no document is lost for one accented letter.
pub fn decode(bytes: Vec<u8>) -> std::result::Result<Decoded, String> {
    if let Some((encoding, bom_length)) = encoding_rs::Encoding::for_bom(&bytes)
        && encoding != encoding_rs::UTF_8
    {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        if had_errors {
            return Err(format!(
                "is not valid {} text; skipped it (convert it to UTF-8 to index it)",
                encoding.name()
            ));
        }
        return Ok(Decoded {
            text: text.into_owned(),
            fallback: None,
        });
    }
    let probe = &bytes[..bytes.len().min(BINARY_PROBE_BYTES)];
    if probe.contains(&0) {
        return Err("looks binary (it contains NUL bytes); skipped it".to_string());
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{FEFF}') {
                text.drain(..'\u{FEFF}'.len_utf8());
            }
            Ok(Decoded {
                text,
                fallback: None,
            })
        }
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(err.as_bytes());
            Ok(Decoded {
                text: text.into_owned(),
                fallback: Some(format!(
                    "is not valid UTF-8 (bad byte at offset {offset}); indexed it read as \
                     Windows-1252 (convert it to UTF-8 if that is wrong)"
                )),
            })
        }
    }
}

fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path).to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        relative.into_owned()
    } else {
        relative.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_become_documents_and_bad_lines_are_reported() {
        let text = "{\"id\": \"x1\", \"title\": \"Copper\", \"text\": \"Copper rose.\"}\n\
                    \n\
                    [1, 2]\n\
                    {\"id\": 7, \"text\": \"Tin fell.\"}\n\
                    {\"text\": \"No id.\", \"title\": \" \"}\n\
                    {\"id\": \"x9\"}\n";
        let Records {
            documents,
            bad_lines,
            without_id,
        } = records("news.jsonl", text, &RecordFields::default());
        let found: Vec<(&str, usize, Option<&str>, &str)> = documents
            .iter()
            .map(|d| {
                let record = d.record.as_ref().unwrap();
                (
                    record.id.as_str(),
                    record.line,
                    d.title.as_deref(),
                    d.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("x1", 1, Some("Copper"), "Copper rose."),
                ("7", 4, None, "Tin fell."),
                ("5", 5, None, "No id."),
            ]
        );
        assert_eq!(bad_lines.len(), 2, "{bad_lines:?}");
        assert!(bad_lines[0].starts_with("line 3 is not a JSON object"));
        assert!(bad_lines[1].starts_with("line 6 has no text field \"text\""));
        assert_eq!(without_id, 1);
    }

    #[test]
    fn an_id_is_read_from_id_then_from_underscore_id_unless_a_field_is_named() {
        let text = "{\"_id\": \"b1\", \"text\": \"Copper rose.\"}\n\
                    {\"id\": \"a2\", \"_id\": \"b2\", \"text\": \"Tin fell.\"}\n\
                    {\"doc\": \"c3\", \"text\": \"Zinc held.\"}\n";
        let ids = |fields: &RecordFields| {
            let records = records("beir.jsonl", text, fields);
            let ids: Vec<String> = records
                .documents
                .iter()
                .map(|d| d.record.as_ref().unwrap().id.clone())
                .collect();
            (ids, records.without_id_warning(fields))
        };
        let (found, warning) = ids(&RecordFields::default());
        assert_eq!(found, ["b1", "a2", "3"]);
        assert_eq!(
            warning.as_deref(),
            Some(
                "1 of 3 documents have no id field \"id\" or \"_id\"; used their line \
                 numbers as ids (name the id field with --id-field)"
            )
        );
        let named = RecordFields {
            id: Some("doc".to_string()),
            ..RecordFields::default()
        };
        let (found, warning) = ids(&named);
        assert_eq!(found, ["1", "2", "c3"]);
        assert!(
            warning
                .unwrap()
                .starts_with("2 of 3 documents have no id field \"doc\";")
        );
        let (_, warning) = ids(&RecordFields {
            id: Some("key".to_string()),
            ..RecordFields::default()
        });
        assert!(
            warning
                .unwrap()
                .starts_with("no document has an id field \"key\";")
        );
    }

    fn text(bytes: &[u8]) -> Decoded {
        decode(bytes.to_vec()).unwrap()
    }

    #[test]
    fn decode_strips_a_utf8_bom() {
        assert_eq!(text(b"\xEF\xBB\xBFHello").text, "Hello");
    }

    #[test]
    fn decode_reads_utf16_with_a_bom() {
        let little: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Caf\u{e9} Apple".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(text(&little).text, "Caf\u{e9} Apple");
        let big: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Caf\u{e9} Apple".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(text(&big).text, "Caf\u{e9} Apple");
    }

    #[test]
    fn decode_reads_invalid_utf8_as_windows_1252_and_says_so() {
        let decoded = text(b"Caf\xe9 \x93quoted\x94");
        assert_eq!(decoded.text, "Caf\u{e9} \u{201C}quoted\u{201D}");
        let reason = decoded.fallback.unwrap();
        assert!(reason.contains("bad byte at offset 3"), "{reason}");
        assert_eq!(text(b"plain").fallback, None);
    }

    #[test]
    fn unreadable_files_are_skipped_with_a_hint() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(
            io_reason(&denied),
            "cannot be read (permission denied); skipped it (check its permissions)"
        );
        let dir = tempfile::tempdir().unwrap();
        let gone = FoundFile {
            path: dir.path().join("gone.txt"),
            relative: "gone.txt".to_string(),
            size: 1,
            modified: 0,
        };
        let notice = read(&gone).unwrap_err();
        assert!(
            notice.skipped && notice.reason.starts_with("cannot be read ("),
            "{notice:?}"
        );
        assert!(notice.reason.ends_with("; skipped it"), "{notice:?}");
    }

    #[test]
    fn decode_rejects_binary() {
        assert!(decode(b"abc\0def".to_vec()).unwrap_err().contains("binary"));
    }

    fn walked(root: &Path, options: &WalkOptions) -> Vec<String> {
        files(root, options)
            .unwrap()
            .filter_map(|found| match found {
                Found::File(file) => Some(file.relative),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn walk_skips_hidden_files_and_sorts() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("b.txt"), "B").unwrap();
        fs::write(dir.path().join("a.txt"), "A").unwrap();
        fs::write(dir.path().join(".secret.txt"), "S").unwrap();
        fs::create_dir(dir.path().join(".notes")).unwrap();
        fs::write(dir.path().join(".notes").join("x.txt"), "X").unwrap();
        fs::write(dir.path().join("image.png"), "P").unwrap();
        assert_eq!(
            walked(dir.path(), &WalkOptions::default()),
            ["a.txt", "b.txt"]
        );
        let hidden = WalkOptions {
            hidden: true,
            ..WalkOptions::default()
        };
        assert_eq!(
            walked(dir.path(), &hidden),
            [".notes/x.txt", ".secret.txt", "a.txt", "b.txt"]
        );
    }

    #[test]
    fn ignore_files_exclude_and_deeper_rules_override() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join(".gitignore"), "drafts/\n*.md\n").unwrap();
        fs::create_dir_all(root.join("drafts")).unwrap();
        fs::write(root.join("drafts").join("d.txt"), "D").unwrap();
        fs::create_dir_all(root.join("notes")).unwrap();
        fs::write(root.join("notes").join("keep.md"), "K").unwrap();
        fs::write(root.join("notes").join("skip.md"), "S").unwrap();
        fs::write(root.join("notes").join("n.txt"), "N").unwrap();
        // A deeper folder's rules override its parent's; .ignore is read like .gitignore.
        fs::write(root.join("notes").join(".ignore"), "!keep.md\nn.txt\n").unwrap();
        fs::write(root.join("top.md"), "T").unwrap();
        fs::write(root.join("top.txt"), "T").unwrap();
        assert_eq!(
            walked(root, &WalkOptions::default()),
            ["notes/keep.md", "top.txt"]
        );
        let everything = WalkOptions {
            ignore_files: false,
            ..WalkOptions::default()
        };
        assert_eq!(
            walked(root, &everything),
            [
                "drafts/d.txt",
                "notes/keep.md",
                "notes/n.txt",
                "notes/skip.md",
                "top.md",
                "top.txt"
            ]
        );
    }

    #[test]
    fn files_over_the_size_limit_are_skipped_with_the_flag_to_raise_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("big.txt"), vec![b'a'; 2 * 1024 * 1024 + 1]).unwrap();
        fs::write(dir.path().join("small.txt"), "small").unwrap();
        let options = WalkOptions {
            max_file_bytes: 2 * 1024 * 1024,
            ..WalkOptions::default()
        };
        let found: Vec<Found> = files(dir.path(), &options).unwrap().collect();
        let reason = match &found[0] {
            Found::Skipped(notice) => notice.reason.clone(),
            other => panic!("{other:?}"),
        };
        assert!(
            reason.contains("is 3 MB, larger than the 2 MB limit"),
            "{reason}"
        );
        assert!(reason.contains("--max-file-size"), "{reason}");
        assert!(matches!(&found[1], Found::File(file) if file.relative == "small.txt"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_skipped_and_the_rest_walked() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub").join("a.txt"), "A").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("sub").join("loop")).unwrap();
        let found: Vec<Found> = files(dir.path(), &WalkOptions::default())
            .unwrap()
            .collect();
        let documents = found.iter().filter(|e| matches!(e, Found::File(_))).count();
        assert_eq!(documents, 1);
        assert!(
            found
                .iter()
                .any(|e| matches!(e, Found::Skipped(s) if s.reason.contains("symlink loop")))
        );
    }

    #[test]
    fn missing_folder_and_file_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = files(&dir.path().join("nope"), &WalkOptions::default())
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("does not exist"), "{missing}");
        fs::write(dir.path().join("f.txt"), "x").unwrap();
        let file = files(&dir.path().join("f.txt"), &WalkOptions::default())
            .err()
            .unwrap()
            .to_string();
        assert!(file.contains("is a file"), "{file}");
    }
}
