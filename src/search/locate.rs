//! Where a document that a user names for `dossier show` is: its path as the index holds
//! it (from a path on disk too), and whether a line lies past its end.
//!
//! Reads the index's file list, and the named file when it is still in the indexed folder;
//! never writes. Only `show` asks, so the file list (large for a large folder) is read only
//! when the path as given is not one the index holds, or the line is past the last
//! paragraph.

use std::path::{Component, Path, PathBuf};

use anyhow::Result;
use tantivy::Term;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;

use super::StoredDocument;
use crate::index::OpenIndex;
use crate::manifest::Manifest;

/// Extensions of the formats whose `line` is no line of the file on disk (a paragraph's
/// number, a line of a page, a line of the decompressed text): their end is told from the
/// paragraphs alone.
const NOT_LINES_OF_THE_FILE: [&str; 5] = ["pdf", "docx", "odt", "epub", "gz"];

/// The path under which the index holds the document `given`: as hits print it, with `./`
/// before it, or a path on disk (absolute, or relative to the working folder) of a file in
/// the indexed folder. None when the index holds no such document.
pub fn indexed_path(open: &OpenIndex, given: &str) -> Result<Option<String>> {
    if holds(open, given)? {
        return Ok(Some(given.to_string()));
    }
    let trimmed = normal(Path::new(given));
    if !trimmed.is_empty() && trimmed != given && holds(open, &trimmed)? {
        return Ok(Some(trimmed));
    }
    let on_disk = Path::new(given);
    let absolute = match on_disk.canonicalize() {
        Ok(path) => path,
        // A file removed since: its absolute path still names it.
        Err(_) if on_disk.is_absolute() => on_disk.to_path_buf(),
        Err(_) => return Ok(None),
    };
    let Some(manifest) = open.manifest()? else {
        return Ok(None);
    };
    let Ok(relative) = absolute.strip_prefix(&manifest.source) else {
        return Ok(None);
    };
    let relative = normal(relative);
    Ok((!relative.is_empty() && holds(open, &relative)?).then_some(relative))
}

/// A relative path as the index writes it: `/` between its parts, no `.` parts.
fn normal(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|part| match part {
            Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

fn holds(open: &OpenIndex, path: &str) -> Result<bool> {
    let reader = open.reader()?;
    let term = Term::from_field_text(open.fields.path, path);
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    Ok(reader.searcher().search(&query, &Count)? > 0)
}

/// Where a document ends, as `show` tells a line past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The file's last line.
    Line(u64),
    /// The line where its last paragraph starts (the file itself is not at hand).
    LastParagraph(u64),
}

/// Where `document` (on `page` of a PDF) ends when `line` lies past its end, so that
/// `show PATH:LINE` can say so rather than mark the last paragraph; None when `line` is
/// within the document.
///
/// The file's own lines count when it is still in the indexed folder as it was indexed
/// (same size) and its format's lines are the file's. Otherwise the paragraphs tell: the
/// last one starts on its line and spans at most twice as many lines as it has words
/// (every line of a paragraph holds a word, or a piece of one joined at a hyphen), so a
/// line past that is past the end, and a line the last paragraph may hold is not.
pub fn past_end(
    open: &OpenIndex,
    document: &StoredDocument,
    page: Option<u64>,
    line: u64,
) -> Result<Option<End>> {
    let Some(last) = document.paragraphs.iter().rfind(|p| p.page == page) else {
        return Ok(None);
    };
    if line <= last.line {
        return Ok(None);
    }
    Ok(match lines_of_file(open, &document.path)? {
        Some(lines) => (line > lines).then_some(End::Line(lines)),
        None => {
            let words = last.text.split_whitespace().count() as u64;
            (line > last.line + 2 * words).then_some(End::LastParagraph(last.line))
        }
    })
}

/// The number of lines of the indexed file at `path` when it is still there as indexed
/// and its format's lines are the file's.
fn lines_of_file(open: &OpenIndex, path: &str) -> Result<Option<u64>> {
    let extension = Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if NOT_LINES_OF_THE_FILE.contains(&extension.as_str()) {
        return Ok(None);
    }
    let Some(manifest) = open.manifest()? else {
        return Ok(None);
    };
    Ok(file_lines(&manifest, path))
}

fn file_lines(manifest: &Manifest, path: &str) -> Option<u64> {
    let indexed = manifest.files.get(path)?;
    let file: PathBuf = manifest.source.join(path);
    let bytes = std::fs::read(&file).ok()?;
    if bytes.len() as u64 != indexed.size {
        return None;
    }
    let text = crate::read::decode(bytes).ok()?.text;
    Some(crate::split::line_count(&text) as u64)
}
