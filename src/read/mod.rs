//! Read a found file's bytes into documents: one file per format, all behind one
//! signature (bytes and path in; documents with their blocks, title, date and provenance
//! out).
//!
//! This stage knows formats so that no other does: `walk` only finds files, `index` only
//! sees documents. Every file is read in isolation: a reader that panics, runs past the
//! time budget or decompresses past the byte budget costs that file alone, which is
//! skipped with one notice naming the reason.

use std::path::Path;
use std::time::Duration;

use crate::split::split;
use crate::walk::{FoundFile, Notice};

mod archive;
mod date;
mod docx;
mod email;
mod epub;
mod html;
mod isolate;
mod odt;
mod pdf;
mod records;
mod text;

pub use date::{Date, DateRange};
pub use records::{Record, RecordFields};
pub use text::{Decoded, decode, looks_like_text};

/// Default time one file may take to read, in seconds: far beyond what any sound file
/// of the size limit needs, short enough that a parser caught in a loop costs little.
pub const DEFAULT_TIME_BUDGET_SECS: u64 = 30;

/// The formats dossier reads, each named by what the run report calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Plain text and light markup: .txt, .md, .rst, .org, .adoc.
    Text,
    /// JSON Lines: one document per line.
    JsonLines,
    /// HTML and XHTML pages.
    Html,
    /// PDF, its text layer.
    Pdf,
    /// Word documents (Office Open XML).
    Docx,
    /// OpenDocument text.
    Odt,
    /// One e-mail message.
    Eml,
    /// A mailbox of messages.
    Mbox,
    /// EPUB e-books.
    Epub,
}

/// File extensions of plain-text documents.
const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown", "rst", "org", "adoc"];

impl Format {
    /// The format of a file, from its extension (a `.gz` file by the extension under it);
    /// None for files dossier does not read.
    pub fn of(path: &Path) -> Option<Format> {
        // Lossy: a name that is not UTF-8 still has an extension that is.
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let (_, extension) = name.rsplit_once('.')?;
        Format::of_extension(extension)
    }

    fn of_extension(extension: &str) -> Option<Format> {
        Some(match extension {
            "jsonl" => Format::JsonLines,
            "html" | "htm" | "xhtml" => Format::Html,
            "pdf" => Format::Pdf,
            "docx" => Format::Docx,
            "odt" => Format::Odt,
            "eml" => Format::Eml,
            "mbox" => Format::Mbox,
            "epub" => Format::Epub,
            other if TEXT_EXTENSIONS.contains(&other) => Format::Text,
            _ => return None,
        })
    }

    /// The format's name in the run report.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::JsonLines => "JSON Lines",
            Format::Html => "HTML",
            Format::Pdf => "PDF",
            Format::Docx => "DOCX",
            Format::Odt => "ODT",
            Format::Eml => "e-mail",
            Format::Mbox => "mbox",
            Format::Epub => "EPUB",
        }
    }
}

/// A document read from a file: a whole file, a line of a JSON Lines file or a message
/// of a mailbox.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Path relative to the walked folder, with `/` separators.
    pub path: String,
    /// The title the document states (`<title>`, a subject, document properties), if any.
    pub title: Option<String>,
    /// The date the document carries (publication, creation, sending), if any.
    pub date: Option<Date>,
    /// A document inside a file of several (JSON Lines, mbox): its id and line.
    pub record: Option<Record>,
    /// Sender and recipients of an e-mail.
    pub people: Vec<String>,
    /// The text.
    pub body: Body,
}

/// A document's text: plain text still to be split, or blocks a structured format gave.
#[derive(Debug, Clone)]
pub enum Body {
    /// Plain text, split into paragraphs by `split` when it is indexed (in the indexing
    /// workers, so splitting runs in parallel).
    Text(String),
    /// Paragraphs a format marks itself (HTML blocks, PDF pages, Word paragraphs).
    Blocks(Vec<Block>),
}

impl Default for Body {
    fn default() -> Body {
        Body::Blocks(Vec::new())
    }
}

/// One paragraph of a document with its provenance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    /// The text.
    pub text: String,
    /// 1-based line where it starts (in a PDF, on its page; in a Word file, the paragraph
    /// number, as those have no lines).
    pub line: usize,
    /// 1-based page of a PDF.
    pub page: Option<u32>,
    /// The heading it sits under.
    pub section: Option<String>,
}

impl Document {
    /// The document's title (the stated one, else its first heading) and its paragraphs.
    pub fn content(&self) -> (Option<String>, Vec<Block>) {
        match &self.body {
            Body::Text(text) => {
                let split = split(text);
                let title = self.title.clone().or(split.title);
                let blocks = split
                    .paragraphs
                    .into_iter()
                    .map(|p| Block {
                        text: p.text,
                        line: p.line,
                        page: None,
                        section: p.section,
                    })
                    .collect();
                (title, blocks)
            }
            Body::Blocks(blocks) => (self.title.clone(), blocks.clone()),
        }
    }
}

/// What a file read into.
#[derive(Debug, Default)]
pub struct Output {
    /// Its documents: one, or one per line or message.
    pub documents: Vec<Document>,
    /// Things the user should know that did not stop the file being indexed (a fallback
    /// encoding, lines or messages skipped).
    pub warnings: Vec<String>,
}

impl Output {
    fn one(document: Document) -> Output {
        Output {
            documents: vec![document],
            warnings: Vec::new(),
        }
    }
}

/// Why a file could not be read, to follow its path: "is encrypted; skipped it (...)".
pub type Reason = String;

/// Limits and settings for reading files.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Which fields of JSON Lines documents hold what.
    pub fields: RecordFields,
    /// Most bytes a file may decompress to (gzip, and the parts of DOCX, ODT and EPUB).
    pub max_bytes: u64,
    /// Longest a file may take to read.
    pub time_budget: Duration,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            fields: RecordFields::default(),
            max_bytes: crate::walk::DEFAULT_MAX_FILE_MB * 1024 * 1024,
            time_budget: Duration::from_secs(DEFAULT_TIME_BUDGET_SECS),
        }
    }
}

/// Reads a found file's bytes from disk.
pub fn load(file: &FoundFile) -> Result<Vec<u8>, Notice> {
    std::fs::read(&file.path).map_err(|err| Notice {
        path: file.path.clone(),
        reason: crate::walk::io_reason(&err),
        skipped: true,
    })
}

/// Reads a found file's bytes into its documents, in isolation (see `isolate`): a file
/// that cannot be read is a notice saying why.
pub fn read(file: &FoundFile, bytes: Vec<u8>, options: &ReadOptions) -> Result<Output, Notice> {
    let skipped = |reason: String| Notice {
        path: file.path.clone(),
        reason,
        skipped: true,
    };
    isolate::read_isolated(
        file.format,
        is_gzip(&file.path),
        &file.relative,
        bytes,
        options,
    )
    .map_err(skipped)
}

fn is_gzip(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// Reads bytes of a format into documents: the one entry to the readers, with no
/// isolation (the caller gives that). `path` names the documents.
pub fn read_bytes(
    format: Format,
    bytes: &[u8],
    path: &str,
    options: &ReadOptions,
) -> Result<Output, Reason> {
    let limits = Limits {
        max_bytes: options.max_bytes,
    };
    match format {
        Format::Text => text::read(bytes, path),
        Format::JsonLines => records::read(bytes, path, &options.fields),
        Format::Html => html::read(bytes, path).map(Output::one),
        Format::Pdf => pdf::read(bytes, path).map(Output::one),
        Format::Docx => docx::read(bytes, path, &limits).map(Output::one),
        Format::Odt => odt::read(bytes, path, &limits).map(Output::one),
        Format::Eml => email::read_message(bytes, path).map(Output::one),
        Format::Mbox => email::read_mbox(bytes, path),
        Format::Epub => epub::read(bytes, path, &limits).map(Output::one),
    }
}

/// The limits a reader of a container format checks as it unpacks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Most bytes the parts of a file may decompress to, together.
    pub max_bytes: u64,
}

/// Collapses runs of whitespace into single spaces and trims: block text from markup.
pub(crate) fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions_under_gz() {
        let of = |name: &str| Format::of(Path::new(name));
        assert_eq!(of("a/notes.TXT"), Some(Format::Text));
        assert_eq!(of("notes.txt.gz"), Some(Format::Text));
        assert_eq!(of("news.jsonl"), Some(Format::JsonLines));
        assert_eq!(of("image.png"), None);
        assert_eq!(of("archive.gz"), None);
        assert_eq!(of("README"), None);
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let odd = std::ffi::OsStr::from_bytes(b"odd\xffname.txt");
            assert_eq!(Format::of(Path::new(odd)), Some(Format::Text));
        }
    }

    #[test]
    fn unreadable_files_are_skipped_with_a_hint() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(
            crate::walk::io_reason(&denied),
            "cannot be read (permission denied); skipped it (check its permissions)"
        );
        let dir = tempfile::tempdir().unwrap();
        let gone = FoundFile {
            path: dir.path().join("gone.txt"),
            relative: "gone.txt".to_string(),
            size: 1,
            modified: 0,
            format: Format::Text,
        };
        let notice = load(&gone).unwrap_err();
        assert!(
            notice.skipped && notice.reason.starts_with("cannot be read ("),
            "{notice:?}"
        );
        assert!(notice.reason.ends_with("; skipped it"), "{notice:?}");
    }
}
