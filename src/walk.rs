//! Walk a folder and read its documents: which files to index, and their text.
//!
//! Hidden files and folders are skipped, symlinks are followed with loop detection, and
//! files come out sorted so indexes and tests are deterministic. A file that cannot be used
//! (unreadable, binary, not UTF-8) is reported as skipped with its reason; it never stops
//! the walk.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use walkdir::WalkDir;

/// File extensions indexed as plain-text documents.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown", "rst", "org", "adoc"];

/// File extension of JSON Lines files: one document per line.
pub const RECORDS_EXTENSION: &str = "jsonl";

/// How many leading bytes are checked for NUL bytes, the sign of a binary file.
const BINARY_PROBE_BYTES: usize = 8192;

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
    /// Field holding the document's id.
    pub id: String,
    /// Field holding the title (optional in each document).
    pub title: String,
    /// Field holding the text.
    pub text: String,
}

impl Default for RecordFields {
    fn default() -> RecordFields {
        RecordFields {
            id: "id".to_string(),
            title: "title".to_string(),
            text: "text".to_string(),
        }
    }
}

/// A file that was found but not indexed, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    /// The file's path as found on disk.
    pub path: PathBuf,
    /// One sentence saying why it was skipped and what to do.
    pub reason: String,
}

/// One entry the walk produced.
#[derive(Debug)]
pub enum Entry {
    /// A document to index.
    Document(Document),
    /// The documents of a JSON Lines file, and its lines that are not documents.
    Records(Vec<Document>, Vec<Skipped>),
    /// A file that could not be used.
    Skipped(Skipped),
    /// A file with an extension that is not indexed (not an error).
    Ignored,
}

/// Lists the files under `root`, checking first that `root` is a readable folder. JSON
/// Lines files are read with `fields`.
pub fn files(root: &Path, fields: &RecordFields) -> Result<impl Iterator<Item = Entry> + use<>> {
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
    let fields = fields.clone();
    let walker = WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    Ok(walker.filter_map(move |entry| match entry {
        Ok(entry) if entry.file_type().is_dir() => None,
        Ok(entry) => Some(read_entry(&root, entry.path(), &fields)),
        Err(err) => Some(Entry::Skipped(walk_error(&err))),
    }))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn walk_error(err: &walkdir::Error) -> Skipped {
    let path = err.path().map(Path::to_path_buf).unwrap_or_default();
    let reason = if err.loop_ancestor().is_some() {
        "is a symlink loop; skipped it".to_string()
    } else {
        match err.io_error() {
            Some(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
                "cannot be read (permission denied); check its permissions".to_string()
            }
            Some(io) => format!("cannot be read ({io})"),
            None => format!("cannot be read ({err})"),
        }
    };
    Skipped { path, reason }
}

fn read_entry(root: &Path, path: &Path, fields: &RecordFields) -> Entry {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let is_records = extension == RECORDS_EXTENSION;
    if !is_records && !TEXT_EXTENSIONS.contains(&extension.as_str()) {
        return Entry::Ignored;
    }
    let skipped = |reason: String| {
        Entry::Skipped(Skipped {
            path: path.to_path_buf(),
            reason,
        })
    };
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::PermissionDenied => {
            return skipped("cannot be read (permission denied); check its permissions".into());
        }
        Err(err) => return skipped(format!("cannot be read ({err})")),
    };
    match decode(bytes) {
        Ok(text) if is_records => {
            let (documents, bad_lines) = records(&relative_path(root, path), &text, fields);
            let bad_lines = bad_lines
                .into_iter()
                .map(|reason| Skipped {
                    path: path.to_path_buf(),
                    reason,
                })
                .collect();
            Entry::Records(documents, bad_lines)
        }
        Ok(text) => Entry::Document(Document {
            path: relative_path(root, path),
            text,
            record: None,
            title: None,
        }),
        Err(reason) => skipped(reason),
    }
}

/// The documents of a JSON Lines file, and why each line that is not one was skipped.
/// Blank lines are neither.
pub fn records(path: &str, text: &str, fields: &RecordFields) -> (Vec<Document>, Vec<String>) {
    let mut documents = Vec::new();
    let mut bad_lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match record(line, index + 1, fields) {
            Ok((record, title, text)) => documents.push(Document {
                path: path.to_string(),
                text,
                record: Some(record),
                title,
            }),
            Err(reason) => {
                bad_lines.push(format!("line {} {reason}; skipped that line", index + 1))
            }
        }
    }
    (documents, bad_lines)
}

fn record(
    line: &str,
    number: usize,
    fields: &RecordFields,
) -> std::result::Result<(Record, Option<String>, String), String> {
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
    let id = as_text(&fields.id).unwrap_or_else(|| number.to_string());
    let title = as_text(&fields.title).filter(|t| !t.trim().is_empty());
    Ok((Record { id, line: number }, title, text))
}

/// Decodes a file's bytes as UTF-8 text, or says why it is not a text document.
pub fn decode(bytes: Vec<u8>) -> std::result::Result<String, String> {
    let probe = &bytes[..bytes.len().min(BINARY_PROBE_BYTES)];
    if probe.contains(&0) {
        return Err("looks binary (it contains NUL bytes); skipped it".to_string());
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{FEFF}') {
                text.drain(..'\u{FEFF}'.len_utf8());
            }
            Ok(text)
        }
        Err(err) => Err(format!(
            "is not valid UTF-8 (bad byte at offset {}); convert it to UTF-8 to index it",
            err.utf8_error().valid_up_to()
        )),
    }
}

fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
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
        let (documents, bad_lines) = records("news.jsonl", text, &RecordFields::default());
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
    }

    #[test]
    fn decode_strips_a_utf8_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFHello".to_vec()).unwrap(), "Hello");
    }

    #[test]
    fn decode_rejects_binary_and_invalid_utf8() {
        assert!(decode(b"abc\0def".to_vec()).unwrap_err().contains("binary"));
        assert!(decode(b"caf\xE9".to_vec()).unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn walk_skips_hidden_files_and_sorts() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("b.txt"), "B").unwrap();
        fs::write(dir.path().join("a.txt"), "A").unwrap();
        fs::write(dir.path().join(".secret.txt"), "S").unwrap();
        fs::create_dir(dir.path().join(".git")).unwrap();
        fs::write(dir.path().join(".git").join("x.txt"), "X").unwrap();
        fs::write(dir.path().join("image.png"), "P").unwrap();
        let paths: Vec<String> = files(dir.path(), &RecordFields::default())
            .unwrap()
            .filter_map(|entry| match entry {
                Entry::Document(doc) => Some(doc.path),
                _ => None,
            })
            .collect();
        assert_eq!(paths, ["a.txt", "b.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_skipped_and_the_rest_walked() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub").join("a.txt"), "A").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("sub").join("loop")).unwrap();
        let entries: Vec<Entry> = files(dir.path(), &RecordFields::default())
            .unwrap()
            .collect();
        let documents = entries
            .iter()
            .filter(|e| matches!(e, Entry::Document(_)))
            .count();
        assert_eq!(documents, 1);
        assert!(
            entries
                .iter()
                .any(|e| matches!(e, Entry::Skipped(s) if s.reason.contains("symlink loop")))
        );
    }

    #[test]
    fn missing_folder_and_file_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = files(&dir.path().join("nope"), &RecordFields::default())
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("does not exist"), "{missing}");
        fs::write(dir.path().join("f.txt"), "x").unwrap();
        let file = files(&dir.path().join("f.txt"), &RecordFields::default())
            .err()
            .unwrap()
            .to_string();
        assert!(file.contains("is a file"), "{file}");
    }
}
