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

/// How many leading bytes are checked for NUL bytes, the sign of a binary file.
const BINARY_PROBE_BYTES: usize = 8192;

/// A readable text document found under the walked folder.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the walked folder, with `/` separators.
    pub path: String,
    /// The decoded text, without a byte-order mark.
    pub text: String,
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
    /// A file that could not be used.
    Skipped(Skipped),
    /// A file with an extension that is not indexed (not an error).
    Ignored,
}

/// Lists the files under `root`, checking first that `root` is a readable folder.
pub fn files(root: &Path) -> Result<impl Iterator<Item = Entry> + use<>> {
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
    let walker = WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    Ok(walker.filter_map(move |entry| match entry {
        Ok(entry) if entry.file_type().is_dir() => None,
        Ok(entry) => Some(read_entry(&root, entry.path())),
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

fn read_entry(root: &Path, path: &Path) -> Entry {
    let has_text_extension = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    if !has_text_extension {
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
        Ok(text) => Entry::Document(Document {
            path: relative_path(root, path),
            text,
        }),
        Err(reason) => skipped(reason),
    }
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
        let paths: Vec<String> = files(dir.path())
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
        let entries: Vec<Entry> = files(dir.path()).unwrap().collect();
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
        let missing = files(&dir.path().join("nope")).err().unwrap().to_string();
        assert!(missing.contains("does not exist"), "{missing}");
        fs::write(dir.path().join("f.txt"), "x").unwrap();
        let file = files(&dir.path().join("f.txt")).err().unwrap().to_string();
        assert!(file.contains("is a file"), "{file}");
    }
}
