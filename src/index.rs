//! The tantivy index on disk: its schema, building it from a folder, and opening it.
//!
//! An index folder holds tantivy's files plus `dossier.json` (what built it, from which
//! folder), `taxonomy.toml` and `taxonomy.json` (the taxonomy it was tagged with, as
//! given and compiled, so searches resolve `--company` with the same names), and
//! `lexicon.toml` when the user's word list (`--lexicon`) tagged it, so `--explain` tags
//! the same way. Anything else in the folder is left alone.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fs;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, StopWordFilter,
    TextAnalyzer,
};
use tantivy::{Index, IndexSettings, IndexWriter, TantivyError};

use crate::manifest::{self, Delta, FileList, FileState, Manifest, Saved};
use crate::read::{self, Format, ReadOptions};
use crate::tag::{Company, Tagger, Tags};
use crate::taxonomy::Taxonomy;
use crate::walk::{self, Found, FoundFile, Notice, WalkOptions};

mod sink;
mod stem;
mod tokenizer;

pub use sink::{Entry, Finish, Finished, Sink, TantivySink};
pub(crate) use tokenizer::HanReading;
use tokenizer::ScriptTokenizer;

/// Name of the file that marks a folder as a dossier index.
pub const MARKER_FILE: &str = "dossier.json";
/// Name of the taxonomy copy kept in the index folder.
pub const TAXONOMY_FILE: &str = "taxonomy.toml";
/// The same taxonomy as JSON, which searches load several times faster than the TOML.
pub const COMPILED_TAXONOMY_FILE: &str = "taxonomy.json";
/// The user's word list (`--lexicon`) the index was tagged with, when one was given.
pub const LEXICON_FILE: &str = "lexicon.toml";
/// The names (canonical, aliases, products) of the known companies the index holds, by
/// tag: small enough to read on every search, for queries that name a company.
pub const COMPANY_NAMES_FILE: &str = "names.json";
/// Version of the index layout; an index of another version must be rebuilt. 7: words
/// folded to ASCII, Chinese segmented, Japanese and Korean in pairs of letters. 8: no
/// field norms for exact fields, line, page and date not searchable; path and id read
/// from their columns, not stored.
pub const FORMAT_VERSION: u32 = 8;
/// Default memory given to tantivy's writer, shared by its threads, in megabytes: indexing
/// a gigabyte of text stays within a few hundred megabytes of memory.
pub const DEFAULT_MEMORY_MB: usize = 200;
/// Size of the blocks tantivy compresses stored paragraphs in.
const DOCSTORE_BLOCK_BYTES: usize = 64 * 1024;
/// The least memory tantivy's writer works with, per indexing thread.
const MIN_MEMORY_PER_THREAD_BYTES: usize = 16_000_000;
/// Files a fresh index folder may already hold (the repository's `index/` keeps a README).
/// tantivy's lock files stay too: removing one another process holds would let two
/// writers in.
const ALLOWED_FOREIGN_FILES: &[&str] = &[
    "README.md",
    ".gitignore",
    ".tantivy-writer.lock",
    ".tantivy-meta.lock",
];

/// Name of dossier's text analyser in the index's tokenizer registry.
const TEXT_TOKENIZER: &str = "dossier_text";
/// Longer tokens are dropped (tantivy's default analyser does the same): they are hashes
/// or base64, not words.
const MAX_TOKEN_BYTES: usize = 40;

/// Handles to the fields of the paragraph schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Paragraph text, analysed (see `analyzer`), stored.
    pub text: Field,
    /// Document title, analysed as the text, stored.
    pub title: Field,
    /// Heading the paragraph sits under, analysed as the text, stored.
    pub section: Field,
    /// Path of the document relative to the indexed folder; exact.
    pub path: Field,
    /// Id of a JSON Lines document; exact. Absent for whole files.
    pub id: Field,
    /// 1-based line where the paragraph starts.
    pub line: Field,
    /// 1-based paragraph number within the document.
    pub paragraph: Field,
    /// 1-based page of a PDF paragraph; absent for other formats.
    pub page: Field,
    /// The document's date as the number YYYYMMDD (ranges and months are ranges of it);
    /// absent when the document has none.
    pub date: Field,
    /// Sender and recipients of an e-mail, stored for output.
    pub people: Field,
    /// Companies as facets `/Parent/Unit`, so a parent filter finds its units.
    pub companies: Field,
    /// Topics as facets `/topic`.
    pub topics: Field,
}

/// The paragraph schema and its field handles.
pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let stemmed = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Exact values, matched and filtered on but never scored by their length, so without
    // field norms (a byte per paragraph each). The one scored, an `id:` term, scores as if
    // it had them: the length of a one-term field is 1 either way. Not stored: hits read
    // them from the columns (see `DocumentColumns`), which `--per-doc` opens anyway.
    let exact = (STRING | FAST).set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let fields = Fields {
        text: builder.add_text_field("text", stemmed.clone()),
        title: builder.add_text_field("title", stemmed.clone()),
        section: builder.add_text_field("section", stemmed),
        path: builder.add_text_field("path", exact.clone()),
        id: builder.add_text_field("id", exact),
        // Stored, not read from their columns: opening a column of a number per paragraph
        // reads all its block headers, which a one-shot search would pay on every run. No
        // query searches line or page, and a date range reads the date column.
        line: builder.add_u64_field("line", STORED | FAST),
        // Searched only for paragraph 1, which counts documents without scoring.
        paragraph: builder.add_u64_field(
            "paragraph",
            NumericOptions::default().set_indexed().set_stored(),
        ),
        page: builder.add_u64_field("page", STORED),
        date: builder.add_u64_field("date", STORED | FAST),
        people: builder.add_text_field("people", STORED),
        companies: builder.add_facet_field("companies", FacetOptions::default().set_stored()),
        topics: builder.add_facet_field("topics", FacetOptions::default().set_stored()),
    };
    (builder.build(), fields)
}

/// What `dossier.json` records about an index.
#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    tool: String,
    format: u32,
    /// The folder the index was built from, as given.
    source: PathBuf,
}

/// The companies a name names, from the names saved with an index: built once per open
/// index (see `OpenIndex::company_tags`).
pub struct CompanyTags {
    /// The first and the last company with the name (a product's name may be several
    /// companies'), as places in the order of `company_names`, by the name lower-cased.
    by_name: HashMap<String, (usize, usize)>,
}

impl CompanyTags {
    /// The table of `names`, the names of each company by tag.
    pub fn new(names: &BTreeMap<String, Vec<String>>) -> CompanyTags {
        let mut by_name: HashMap<String, (usize, usize)> = HashMap::new();
        for (at, names) in names.values().enumerate() {
            for name in names {
                by_name
                    .entry(name.to_lowercase())
                    .and_modify(|(_, last)| *last = at)
                    .or_insert((at, at));
            }
        }
        CompanyTags { by_name }
    }

    /// The tags of the first and the last company, in tag order, with this name in any
    /// case; `names` are the index's `company_names`, which the table was built from.
    pub fn get<'a>(
        &self,
        names: &'a BTreeMap<String, Vec<String>>,
        name: &str,
    ) -> Option<(&'a String, &'a String)> {
        let &(first, last) = self.by_name.get(&name.to_lowercase())?;
        let mut tags = names.keys();
        let first_tag = tags.nth(first)?;
        let last_tag = match last - first {
            0 => first_tag,
            after => tags.nth(after - 1)?,
        };
        Some((first_tag, last_tag))
    }
}

/// The fast columns of one segment that name the document of a paragraph: the only copy
/// of these values, which are not stored.
#[derive(Clone)]
pub struct DocumentColumns {
    /// The segment they belong to.
    pub segment: tantivy::index::SegmentId,
    /// Paths relative to the indexed folder.
    pub paths: Option<tantivy::columnar::StrColumn>,
    /// Ids of JSON Lines documents; none for whole files.
    pub ids: Option<tantivy::columnar::StrColumn>,
}

impl DocumentColumns {
    /// Opens the columns of `segment`.
    pub fn open(segment: &tantivy::SegmentReader) -> Result<DocumentColumns> {
        let fast = segment.fast_fields();
        Ok(DocumentColumns {
            segment: segment.segment_id(),
            paths: fast.str("path")?,
            ids: fast.str("id")?,
        })
    }
}

/// An opened dossier index with the taxonomy it was built with.
pub struct OpenIndex {
    /// The tantivy index.
    pub index: Index,
    /// Field handles.
    pub fields: Fields,
    taxonomy_path: PathBuf,
    /// Read on first use: parsing ten thousand companies costs more than most searches.
    taxonomy: OnceLock<Taxonomy>,
    /// Read on first use, once per search however many queries it runs.
    company_names: OnceLock<BTreeMap<String, Vec<String>>>,
    /// The same names lower-cased, each to its companies: built once, as lower-casing
    /// thousands of names cost more than the rest of a plain search.
    company_tags: OnceLock<CompanyTags>,
    /// The saved names' file with ASCII letters lower-cased, read on first use by
    /// `may_name_company`; None when it cannot answer (see there).
    names_text: OnceLock<Option<String>>,
    /// The columns naming each paragraph's document, opened on first use (see
    /// `document_columns`).
    document_columns: OnceLock<Vec<DocumentColumns>>,
    /// Opened on first use and kept, so every part of a search (and every request a
    /// server answers from this `OpenIndex`) reads the same commit.
    reader: OnceLock<tantivy::IndexReader>,
}

impl OpenIndex {
    /// The reader of the index, opened on first use at the last commit and never reloaded
    /// (a server opens the index anew when it changes); a segment missing or damaged is
    /// reported as such.
    pub fn reader(&self) -> Result<tantivy::IndexReader> {
        if let Some(reader) = self.reader.get() {
            return Ok(reader.clone());
        }
        let reader = self
            .index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(|err| self.damaged(&err))?;
        Ok(self.reader.get_or_init(|| reader).clone())
    }

    /// The fast columns of path and id of each segment of `reader`, in its order, opened
    /// once: opening a column reads the headers of all its blocks, a tenth of a plain
    /// search's time at 100 MB, and more on a larger index.
    pub fn document_columns(&self) -> Result<&[DocumentColumns]> {
        if let Some(columns) = self.document_columns.get() {
            return Ok(columns);
        }
        let columns = self
            .reader()?
            .searcher()
            .segment_readers()
            .iter()
            .map(DocumentColumns::open)
            .collect::<Result<Vec<_>>>()?;
        Ok(self.document_columns.get_or_init(|| columns))
    }

    /// The error for a damaged index, naming the command that rebuilds it.
    pub fn damaged(&self, err: &dyn std::fmt::Display) -> anyhow::Error {
        damaged(self.folder(), err)
    }

    fn folder(&self) -> &Path {
        self.taxonomy_path.parent().unwrap_or(Path::new("."))
    }

    /// The file list of the last commit, with the folder the index was built from; None
    /// for an index committed without one. Read whole, so only `show` asks for it.
    pub fn manifest(&self) -> Result<Option<Manifest>> {
        Ok(manifest::load(&self.index, self.folder())?.map(|(manifest, _)| manifest))
    }

    /// The taxonomy the paragraphs were tagged with.
    pub fn taxonomy(&self) -> Result<&Taxonomy> {
        if let Some(taxonomy) = self.taxonomy.get() {
            return Ok(taxonomy);
        }
        let taxonomy = self.read_taxonomy()?;
        Ok(self.taxonomy.get_or_init(|| taxonomy))
    }

    /// A tagger that tags as this index's paragraphs were tagged: its taxonomy, and the
    /// user's word list saved with it, if any (for `--explain`).
    pub fn explain_tagger(&self) -> Result<Tagger> {
        let taxonomy = self.taxonomy()?.clone();
        let lexicon_path = self.folder().join(LEXICON_FILE);
        match fs::read_to_string(&lexicon_path) {
            Ok(text) => Tagger::with_lexicon(taxonomy, Some((&lexicon_path, &text))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Tagger::new(taxonomy),
            Err(err) => Err(err).with_context(|| format!("cannot read {}", lexicon_path.display())),
        }
    }

    /// The names of the known companies the index holds, by tag.
    pub fn company_names(&self) -> Result<&BTreeMap<String, Vec<String>>> {
        if let Some(names) = self.company_names.get() {
            return Ok(names);
        }
        let names = company_names(self.folder())?;
        Ok(self.company_names.get_or_init(|| names))
    }

    /// The companies of each name of `company_names`, by the name lower-cased.
    pub fn company_tags(&self) -> Result<&CompanyTags> {
        if let Some(tags) = self.company_tags.get() {
            return Ok(tags);
        }
        let tags = CompanyTags::new(self.company_names()?);
        Ok(self.company_tags.get_or_init(|| tags))
    }

    /// Whether `name` may be, in any case, one of `company_names`: false only when it
    /// certainly is not. Most queries name no company, and telling so from the file's text
    /// spares a one-shot search parsing the names and building their table (half of
    /// the instructions of a one-shot plain search at 100 MB).
    ///
    /// Exact for a name whose lower case is ASCII with no `"`, `\` or control character:
    /// a saved name with that lower case is ASCII too (unless it holds the Kelvin sign, the
    /// one letter outside ASCII whose lower case is an ASCII letter), so it is written in
    /// the file as it is, quoted, when the file escapes nothing but `\\` (serde_json
    /// escapes only `"`, `\` and control characters; the `/` in a unit's name is `\/` in
    /// its tag). The name is then saved if and only if its lower case, quoted, is in the
    /// file with ASCII letters lower-cased. Any other name, and a file with another escape
    /// or a Kelvin sign, answer true, and the table decides.
    pub fn may_name_company(&self, name: &str) -> Result<bool> {
        if self.company_names.get().is_some() {
            return Ok(true); // the table is there: looking it up costs less
        }
        let text = self.names_text.get_or_init(|| {
            match fs::read_to_string(self.folder().join(COMPANY_NAMES_FILE)) {
                Ok(text) => searchable_names(text),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => Some(String::new()),
                Err(_) => None, // company_names reports it
            }
        });
        Ok(may_be_saved(text.as_deref(), name))
    }

    /// The compiled copy when there is one (indexes of older versions only keep the TOML).
    fn read_taxonomy(&self) -> Result<Taxonomy> {
        let compiled = self.taxonomy_path.with_file_name(COMPILED_TAXONOMY_FILE);
        match fs::read_to_string(&compiled) {
            Ok(text) => Taxonomy::from_json(&text).with_context(|| {
                format!(
                    "the taxonomy saved with the index ({}) is damaged; rebuild the index with \
                     `{}`",
                    compiled.display(),
                    rebuild_command(self.folder())
                )
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Taxonomy::from_path(&self.taxonomy_path)
            }
            Err(err) => Err(err).with_context(|| format!("cannot read {}", compiled.display())),
        }
    }
}

/// The text of the saved names with ASCII letters lower-cased, for `may_be_saved`; None
/// when it escapes anything but a backslash or holds a Kelvin sign (see
/// `OpenIndex::may_name_company`).
fn searchable_names(text: String) -> Option<String> {
    (escapes_only_backslashes(&text) && !text.contains('\u{212A}'))
        .then(|| text.to_ascii_lowercase())
}

/// Whether `name` may be one of the names of `searchable` (see `searchable_names`), in
/// any case: false only when it certainly is not.
fn may_be_saved(searchable: Option<&str>, name: &str) -> bool {
    let lower = name.to_lowercase();
    if !lower.is_ascii() || lower.contains(|c: char| c == '"' || c == '\\' || c.is_control()) {
        return true;
    }
    searchable.is_none_or(|text| text.contains(&format!("\"{lower}\"")))
}

/// Whether every escape of a JSON text is `\\\\` (a backslash).
fn escapes_only_backslashes(json: &str) -> bool {
    let mut rest = json;
    // `find` of a char looks for its byte with memchr: a tenth of a byte-by-byte loop.
    while let Some(at) = rest.find('\\') {
        if rest.as_bytes().get(at + 1) != Some(&b'\\') {
            return false;
        }
        rest = &rest[at + 2..];
    }
    true
}

/// Whether `path` holds a dossier index (complete enough to try opening).
pub fn exists(path: &Path) -> bool {
    path.join("meta.json").is_file() || path.join(MARKER_FILE).is_file()
}

/// Whether `path` holds a dossier index of another format version: this dossier cannot
/// read it, but may rebuild it.
pub fn is_other_format(path: &Path) -> bool {
    read_marker(path).is_some_and(|marker| marker.format != FORMAT_VERSION)
}

/// The marker of a dossier index at `path`; None for anything else.
fn read_marker(path: &Path) -> Option<Marker> {
    let text = fs::read_to_string(path.join(MARKER_FILE)).ok()?;
    let marker: Marker = serde_json::from_str(&text).ok()?;
    (marker.tool == "dossier").then_some(marker)
}

/// Opens an index built by dossier, with clear errors for anything else.
pub fn open(path: &Path) -> Result<OpenIndex> {
    if !path.is_dir() {
        bail!(
            "no index at {}; build one with `dossier index DIR --index {}`",
            path.display(),
            path.display()
        );
    }
    let (index, fields) = open_tantivy(path)?;
    let taxonomy_path = path.join(TAXONOMY_FILE);
    if !taxonomy_path.is_file() {
        bail!(
            "the index at {} is not complete yet (its first `dossier index` has not finished); \
             wait for it, or run `dossier index` again",
            path.display()
        );
    }
    Ok(OpenIndex {
        index,
        fields,
        taxonomy_path,
        taxonomy: OnceLock::new(),
        company_names: OnceLock::new(),
        company_tags: OnceLock::new(),
        names_text: OnceLock::new(),
        document_columns: OnceLock::new(),
        reader: OnceLock::new(),
    })
}

/// How tantivy stores paragraphs: zstd in 64 KB blocks stores news text in a third of its
/// size (lz4 in 16 KB blocks hardly shrank it, and the index outgrew the corpus); a hit
/// still reads one block.
pub fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor::default()),
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

/// Registers the text analyser of the text fields on `index`: see `analyzer`.
pub fn register_tokenizer(index: &Index) {
    let analyzer = analyzer(ScriptTokenizer::for_index());
    index.tokenizers().register(TEXT_TOKENIZER, analyzer);
}

/// The analyser of query words, with the same filters as the index's; Chinese characters
/// read as `reading` says. Unlike the index's, it gives no words inside longer Chinese
/// words: the query's own words are what is looked for.
pub(crate) fn query_analyzer(reading: HanReading) -> TextAnalyzer {
    analyzer(ScriptTokenizer::for_query(reading))
}

/// `text` lower-cased and folded to ASCII as the index's words are, but neither cut nor
/// stemmed: the start of a word in `comput*`, a word whose stem is not wanted.
pub(crate) fn fold(text: &str) -> String {
    let mut analyzer = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let mut stream = analyzer.token_stream(text);
    let mut folded = String::new();
    while stream.advance() {
        folded.push_str(&stream.token().text);
    }
    folded
}

/// Words cut by script (see `tokenizer`), long tokens dropped, lower-cased, folded to ASCII
/// ("café" is "cafe", "Zürich" "zurich"), English stop words left out (they match nearly
/// every paragraph and only blur ranking), stemmed.
///
/// Folding comes before the stop words and the stemmer: both know only ASCII English, so
/// "naïve" folded is stemmed as "naive" is, and a query typed without accents meets the
/// same stem. Offsets still point into the original text, so snippets show the accents.
fn analyzer(tokenizer: ScriptTokenizer) -> TextAnalyzer {
    let mut builder = TextAnalyzer::builder(tokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .dynamic();
    if let Some(stop_words) = StopWordFilter::new(Language::English) {
        builder = builder.filter_dynamic(stop_words);
    }
    builder.filter_dynamic(stem::EnglishStemmer).build()
}

/// Opens the tantivy index of a folder marked as a dossier index, checking its schema.
fn open_tantivy(path: &Path) -> Result<(Index, Fields)> {
    check_marker(path)?;
    let index = Index::open_in_dir(path).map_err(|err| damaged(path, &err))?;
    register_tokenizer(&index);
    let (expected, fields) = schema();
    if index.schema() != expected {
        bail!(
            "the index at {} was built by another version of dossier; rebuild it with `{}`",
            path.display(),
            rebuild_command(path)
        );
    }
    Ok((index, fields))
}

fn damaged(path: &Path, err: &dyn std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!(
        "the index at {} is damaged ({err}); rebuild it with `{}`",
        path.display(),
        rebuild_command(path)
    )
}

/// The command that rebuilds the index at `path` from the folder it was built from.
pub fn rebuild_command(path: &Path) -> String {
    let source = read_marker(path).map(|marker| marker.source.display().to_string());
    format!(
        "dossier index {} --index {} --rebuild",
        source.as_deref().unwrap_or("DIR"),
        path.display()
    )
}

fn check_marker(path: &Path) -> Result<()> {
    let not_ours = || {
        anyhow::anyhow!(
            "{} is not a dossier index (it has no valid {MARKER_FILE}); \
             point --index at a dossier index or at an empty folder",
            path.display()
        )
    };
    let marker = read_marker(path).ok_or_else(not_ours)?;
    if marker.format != FORMAT_VERSION {
        bail!(
            "the index at {} has format {} but this dossier reads format {FORMAT_VERSION}; \
             rebuild it with `{}`",
            path.display(),
            marker.format,
            rebuild_command(path)
        );
    }
    Ok(())
}

/// Figures of one indexing run, for the report.
#[derive(Debug, Default)]
pub struct IndexReport {
    /// Files new to the index, read and indexed.
    pub added: usize,
    /// Files the index held that changed, read and indexed again.
    pub updated: usize,
    /// Files the index held that are gone (or can no longer be read); their paragraphs
    /// were removed.
    pub removed: usize,
    /// Files the index holds as they are, not indexed again.
    pub unchanged: usize,
    /// Files read to see whether they changed (new, changed, or only touched).
    pub read: usize,
    /// Why every file was indexed anew, when it was (`--rebuild`, a new taxonomy...).
    pub rebuilt: Option<String>,
    /// Files and lines that could not be used, with reasons.
    pub skipped: Vec<Notice>,
    /// Files left out because of their extension.
    pub ignored: usize,
    /// How many files of each extension were left out (`.png`; empty for none).
    pub ignored_extensions: BTreeMap<String, usize>,
    /// With `--all-text`, files left out because they do not look like text.
    pub not_text: usize,
    /// Files read and indexed, by format.
    pub formats: BTreeMap<Format, usize>,
    /// Paragraphs added to the index.
    pub paragraphs: usize,
    /// Paragraphs the sink could not store (a cluster that refused them or stayed out of
    /// reach); their files are read again by the next run.
    pub failed: usize,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

/// How to build an index.
pub struct BuildOptions<'a> {
    /// Tags paragraphs; None indexes them without companies or topics.
    pub tagger: Option<&'a Tagger>,
    /// The taxonomy, saved with the index for searches to resolve names (even untagged).
    pub taxonomy: &'a Taxonomy,
    /// The taxonomy's source text, saved with the index.
    pub taxonomy_text: &'a str,
    /// How to read files: JSON Lines fields, budgets.
    pub read: &'a ReadOptions,
    /// Which files to take.
    pub walk: &'a WalkOptions,
    /// Discard what the index holds and index every file.
    pub rebuild: bool,
    /// Memory for tantivy's writer, in bytes: more means fewer, larger segments.
    pub memory_bytes: usize,
    /// Called with the size of each file as the run gets past it (read or not).
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// Which files a run looks at.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Every file under the folder: a full walk.
    All,
    /// Only these paths, relative to the folder with `/` separators (files or folders,
    /// there or gone): the paths that file events named. Every other file the index holds
    /// is taken as it was. A run that must read every file anyway (a first run, a new
    /// taxonomy) looks at all of them.
    Paths(&'a [String]),
}

/// The file list of the last run, kept by a process that indexes again and again
/// (`watch`), so that a run after a few file events reads no file list from disk. It is
/// used only while the index's last commit names the very list it came from.
#[derive(Debug, Default)]
pub struct KeptManifest(Option<(Manifest, Saved, ManifestStamp)>);

/// Size and modification time of a saved file list: a list saved anew under the same
/// name (an index deleted and built again) is not taken for the kept one.
type ManifestStamp = (u64, Option<std::time::SystemTime>);

impl KeptManifest {
    /// The kept list if the index's last commit still names it.
    pub(crate) fn take_current(
        &mut self,
        index: &Index,
        index_path: &Path,
    ) -> Option<(Manifest, Saved)> {
        let (manifest, saved, stamp) = self.0.take()?;
        let last = manifest::last_saved(index).ok()??;
        (last == saved && manifest::stamp(index_path, saved).ok()? == stamp)
            .then_some((manifest, saved))
    }

    /// The list `manifest` the local index at `index_path` saved as `saved`.
    pub(crate) fn local(manifest: Manifest, saved: Saved, index_path: &Path) -> KeptManifest {
        KeptManifest(
            manifest::stamp(index_path, saved)
                .ok()
                .map(|stamp| (manifest, saved, stamp)),
        )
    }
}

/// Brings the index at `index_path` up to date with the documents under `dir`: files new
/// or changed since the last run are read and indexed, files gone are removed, the rest
/// are not touched (unless the settings changed or `rebuild` is asked, when every file is
/// indexed anew).
///
/// All changes land in one commit, so a search running meanwhile, or a run killed half
/// way, sees either the old state of every file or the new one. `on_notice` is called as
/// soon as a file is skipped or read with a fallback.
pub fn build(
    dir: &Path,
    index_path: &Path,
    options: &BuildOptions<'_>,
    on_notice: impl FnMut(&Notice) + Send,
) -> Result<IndexReport> {
    build_into(
        dir,
        options,
        Scope::All,
        &mut KeptManifest::default(),
        on_notice,
        || open_local(index_path, dir, options),
    )
}

/// Opens the local index at `index_path` as a sink for a run of `options` over `dir`.
pub fn open_local<'a>(
    index_path: &'a Path,
    dir: &Path,
    options: &BuildOptions<'_>,
) -> Result<TantivySink<'a>> {
    let (index, fields) = create_or_open(index_path, dir, options.rebuild)?;
    let writer = open_writer(&index, index_path, options.memory_bytes)?;
    Ok(TantivySink {
        index,
        index_path,
        writer,
        fields,
        saved: None,
    })
}

/// Brings the sink `open_sink` opens up to date with the documents under `dir`, as
/// [`build`] does for the local index: the same walk, reading, splitting and tagging, and
/// the same manifest deciding which files are read, deleted and added. Only the files of
/// `scope` are looked at; `kept` is the file list of this process's last run, used when
/// the sink can tell it is still its last (it is replaced by this run's).
pub fn build_into<S: Sink>(
    dir: &Path,
    options: &BuildOptions<'_>,
    scope: Scope<'_>,
    kept: &mut KeptManifest,
    mut on_notice: impl FnMut(&Notice) + Send,
    open_sink: impl FnOnce() -> Result<S>,
) -> Result<IndexReport> {
    let started = Instant::now();
    // A full walk starts at once, reading the folder while the index opens; a run on file
    // events walks only the paths they named.
    let mut walk_all = match scope {
        Scope::All => Some(walk::files(dir, options.walk)?),
        Scope::Paths(_) => {
            walk::check_root(dir)?;
            None
        }
    };
    let mut sink = open_sink()?;
    let mut report = IndexReport::default();
    // Canonical, so "docs", "./docs/" and a symlink to it are one folder.
    let source = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let settings = settings_fingerprint(options);
    let (previous, sequence) = sink.previous(options.rebuild, kept)?;
    report.rebuilt = match previous.as_ref() {
        _ if options.rebuild && sequence.is_some() => {
            Some("rebuilding the index as asked (--rebuild)".to_string())
        }
        Some(previous) => rebuild_reason(previous, &source, &settings),
        None => None,
    };
    let scope = match previous {
        Some(_) if report.rebuilt.is_none() => scope,
        _ => Scope::All,
    };
    let mut files = match previous {
        Some(previous) if report.rebuilt.is_none() => previous.files,
        stale => {
            if stale.is_some() || options.rebuild {
                sink.delete_all()?;
            }
            FileList::default()
        }
    };
    // Every file is indexed anew: the run's list is written whole.
    let whole = report.rebuilt.is_some() || sequence.is_none();
    let found: Box<dyn Iterator<Item = Found> + Send> = match (scope, walk_all.take()) {
        (Scope::All, Some(walk_all)) => Box::new(walk_all),
        (Scope::All, None) => Box::new(walk::files(dir, options.walk)?),
        (Scope::Paths(paths), _) => Box::new(walk::paths(dir, paths, options.walk)?),
    };
    let listed = files.len();
    let mut changes = FileList::default();
    let mut removed = Vec::new();
    let reading = Reading {
        found,
        previous: &mut files,
        changes: &mut changes,
        removed: &mut removed,
        pending: VecDeque::new(),
        sink: &sink,
        progress: options.progress,
        read: options.read,
        report: &mut report,
        on_notice: &mut on_notice,
    };
    report.paragraphs = read_and_index(reading, &sink, options.tagger)?;
    // What the walk did not find again is gone: each file of the list in the run's scope
    // that it did not take.
    let gone = match scope {
        Scope::All => files.paths().map(str::to_string).collect(),
        Scope::Paths(paths) => {
            let mut gone = Vec::new();
            let mut looked_at = 0;
            for path in walk::outermost(paths) {
                let (left, count) = files.at_or_under(path);
                gone.extend(left);
                looked_at += count;
            }
            // The files the events did not name are as they were.
            report.unchanged += listed - looked_at;
            gone
        }
    };
    let gone_paths: Vec<&str> = gone.iter().map(String::as_str).collect();
    sink.delete_files(&gone_paths)?;
    report.removed += gone.len();
    removed.extend(gone);
    // The run's list: the last run's with the changes made in place (or, when every file
    // was indexed anew, the changes themselves), and the changes alone for the log.
    let delta = if whole {
        changes.sort();
        files = changes;
        Delta::default()
    } else {
        files.apply(&changes, &removed);
        Delta {
            files: changes,
            removed,
        }
    };
    let current = Manifest {
        source,
        settings,
        files,
    };
    let dirty = whole || report.read > 0 || report.removed > 0;
    if dirty {
        let finished = sink.finish(Finish {
            manifest: current,
            delta,
            sequence,
            settings_changed: whole,
            dir,
            options,
        })?;
        report.failed = finished.failed;
        *kept = finished.kept;
    } else {
        *kept = sink.keep(current, sequence);
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The fingerprint of what, besides the files, decides the paragraphs and their tags.
fn settings_fingerprint(options: &BuildOptions<'_>) -> String {
    // The splitting rules decide the paragraphs as much as the index format does.
    let format = format!("{FORMAT_VERSION}.{}", crate::split::SPLIT_VERSION);
    let tagging = if options.tagger.is_some() {
        "tagged"
    } else {
        "untagged"
    };
    let fields = &options.read.fields;
    let id = fields.id_names().collect::<Vec<_>>().join(" ");
    // The tagger's word lists and model decide tags as much as the taxonomy does.
    let tagger_data = options
        .tagger
        .map(Tagger::data_fingerprint)
        .unwrap_or_default();
    manifest::settings_fingerprint(&[
        &format,
        tagging,
        options.taxonomy_text,
        &tagger_data,
        &id,
        &fields.title,
        &fields.text,
        &fields.date,
    ])
}

/// Why every file must be indexed anew though nobody asked, if it must: the folder or
/// the settings differ from those of the last run.
fn rebuild_reason(previous: &Manifest, source: &Path, settings: &str) -> Option<String> {
    if previous.source != source {
        Some(format!(
            "the index was built from {}; rebuilding it from {}",
            previous.source.display(),
            source.display()
        ))
    } else if previous.settings != settings {
        Some(
            "the taxonomy or the indexing settings changed since the last run; reading and \
             tagging every file again"
                .to_string(),
        )
    } else {
        None
    }
}

/// Reads the files the walk finds, and splits, tags and indexes those that are new or
/// changed, one worker per core; returns how many paragraphs they added.
fn read_and_index<F, N, S>(
    reading: Reading<'_, F, N, S>,
    sink: &S,
    tagger: Option<&Tagger>,
) -> Result<usize>
where
    F: Iterator<Item = Found> + Send,
    N: FnMut(&Notice) + Send,
    S: Sink,
{
    let shared = Mutex::new(reading);
    let workers = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| scope.spawn(|| index_documents(&shared, sink, tagger)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                // A worker only panics on a bug; carry the panic on rather than hide it.
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .sum()
    })
}

/// Marks the folder as a dossier index built from `source`.
fn write_marker(index_path: &Path, source: &Path) -> Result<()> {
    let marker = Marker {
        tool: "dossier".to_string(),
        format: FORMAT_VERSION,
        source: source.to_path_buf(),
    };
    write_atomically(
        &index_path.join(MARKER_FILE),
        &serde_json::to_string_pretty(&marker)?,
    )
}

/// The index writer: one indexing thread per core (at most 8, and no more than the memory
/// allows), sharing `memory_bytes`, and merges of at most `memory_bytes` of segments, one
/// at a time (see `BoundedMerges`).
fn open_writer(index: &Index, index_path: &Path, memory_bytes: usize) -> Result<IndexWriter> {
    let cores = thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let threads = cores.min(8).min(memory_bytes / MIN_MEMORY_PER_THREAD_BYTES);
    if threads == 0 {
        bail!(
            "--memory {} MB is too little for indexing; give at least {} MB",
            memory_bytes / 1_000_000,
            MIN_MEMORY_PER_THREAD_BYTES.div_ceil(1_000_000)
        );
    }
    let options = tantivy::indexer::IndexWriterOptions::builder()
        .num_worker_threads(threads)
        .memory_budget_per_thread(memory_bytes / threads)
        // Each merge running maps its segments: one at a time keeps that bounded.
        .num_merge_threads(1)
        .build();
    let writer = index
        .writer_with_options(options)
        .map_err(|err| writer_error(index_path, err))?;
    writer.set_merge_policy(Box::new(BoundedMerges {
        log: tantivy::merge_policy::LogMergePolicy::default(),
        index_path: index_path.to_path_buf(),
        max_bytes: memory_bytes as u64,
    }));
    Ok(writer)
}

/// tantivy's default merge policy (merge eight segments of about the same size), with no
/// merge of more than `max_bytes` of segment files: a merge reads its segments through
/// memory maps, and every page it reads counts in the process's memory until the merge
/// ends. Merging half of a 1 GB index at once took 600 MB on top of the writer's.
///
/// So segments grow to about `max_bytes` and no larger: a larger folder gets more
/// segments rather than larger ones (ten at 1 GB with the default `--memory`).
#[derive(Debug)]
struct BoundedMerges {
    log: tantivy::merge_policy::LogMergePolicy,
    index_path: PathBuf,
    max_bytes: u64,
}

impl tantivy::merge_policy::MergePolicy for BoundedMerges {
    fn compute_merge_candidates(
        &self,
        segments: &[tantivy::index::SegmentMeta],
    ) -> Vec<tantivy::merge_policy::MergeCandidate> {
        let candidates = self.log.compute_merge_candidates(segments);
        if candidates.is_empty() {
            return candidates;
        }
        let bytes = segment_bytes(&self.index_path);
        let size =
            |id: &tantivy::index::SegmentId| bytes.get(&id.uuid_string()).copied().unwrap_or(0);
        let mut merges = Vec::new();
        for tantivy::merge_policy::MergeCandidate(mut ids) in candidates {
            // Smallest first, so that as many segments as fit are merged together.
            ids.sort_by_key(|id| size(id));
            let mut chunk = Vec::new();
            let mut total = 0;
            for id in ids {
                if total + size(&id) > self.max_bytes {
                    if chunk.len() >= 2 {
                        merges.push(tantivy::merge_policy::MergeCandidate(std::mem::take(
                            &mut chunk,
                        )));
                    }
                    chunk.clear();
                    total = 0;
                }
                total += size(&id);
                chunk.push(id);
            }
            if chunk.len() >= 2 && total <= self.max_bytes {
                merges.push(tantivy::merge_policy::MergeCandidate(chunk));
            }
        }
        merges
    }
}

/// The bytes on disk of each segment in the index folder, by the segment's id as tantivy
/// names its files (`<id>.idx`, `<id>.store`, ...).
fn segment_bytes(index_path: &Path) -> HashMap<String, u64> {
    let mut bytes: HashMap<String, u64> = HashMap::new();
    let Ok(entries) = fs::read_dir(index_path) else {
        return bytes;
    };
    for entry in entries.filter_map(|entry| entry.ok()) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if let Some((id, _)) = name.split_once('.')
            && let Ok(meta) = entry.metadata()
        {
            *bytes.entry(id.to_string()).or_default() += meta.len();
        }
    }
    bytes
}

fn writer_error(index_path: &Path, err: TantivyError) -> anyhow::Error {
    match err {
        TantivyError::LockFailure(..) => anyhow::anyhow!(
            "the index at {} is locked by another dossier process (lock file {}); \
             wait for it to finish",
            index_path.display(),
            index_path.join(".tantivy-writer.lock").display()
        ),
        other => anyhow::anyhow!(
            "cannot write the index at {} ({other})",
            index_path.display()
        ),
    }
}

fn create_or_open(index_path: &Path, source: &Path, rebuild: bool) -> Result<(Index, Fields)> {
    // A damaged index is only thrown away when asked to: it may be a disk the user wants
    // to look at first.
    let damaged = || read_marker(index_path).is_some() && !is_sound(index_path);
    if is_other_format(index_path) || (rebuild && damaged()) {
        remove_index_files(index_path)?;
    }
    if exists(index_path) {
        return open_tantivy(index_path);
    }
    if index_path.exists() {
        let foreign = fs::read_dir(index_path)
            .with_context(|| format!("cannot read the folder {}", index_path.display()))?
            .filter_map(|entry| entry.ok())
            .any(|entry| {
                !ALLOWED_FOREIGN_FILES.contains(&entry.file_name().to_string_lossy().as_ref())
            });
        if foreign {
            bail!(
                "{} is not empty and is not a dossier index; choose another --index folder",
                index_path.display()
            );
        }
    }
    fs::create_dir_all(index_path)
        .with_context(|| format!("cannot create the index folder {}", index_path.display()))?;
    let (schema, fields) = schema();
    let index = Index::builder()
        .schema(schema)
        .settings(index_settings())
        .create_in_dir(index_path)
        .with_context(|| format!("cannot create an index in {}", index_path.display()))?;
    register_tokenizer(&index);
    // Marked at once, so a second `dossier index` started meanwhile finds a dossier index
    // and reports the writer lock rather than a foreign folder.
    write_marker(index_path, source)?;
    Ok((index, fields))
}

/// Whether the index at `path` opens with all its segments and a readable last commit (a
/// damaged file list does not matter to a rebuild, which writes a new one).
fn is_sound(path: &Path) -> bool {
    open_tantivy(path)
        .is_ok_and(|(index, _)| index.reader().is_ok() && manifest::last_sequence(&index).is_ok())
}

/// Empties a dossier index folder of another format, so it can be built anew; files a
/// user may keep there (a README) stay.
fn remove_index_files(index_path: &Path) -> Result<()> {
    let cannot = || format!("cannot clear the old index in {}", index_path.display());
    for entry in fs::read_dir(index_path).with_context(cannot)? {
        let entry = entry.with_context(cannot)?;
        if ALLOWED_FOREIGN_FILES.contains(&entry.file_name().to_string_lossy().as_ref()) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            fs::remove_dir_all(&path).with_context(cannot)?;
        } else {
            fs::remove_file(&path).with_context(cannot)?;
        }
    }
    Ok(())
}

/// The walk, shared by the indexing workers, and the tally so far.
struct Reading<'a, F, N, S> {
    found: F,
    /// What the index held before this run; each file the walk finds is taken out.
    previous: &'a mut FileList,
    /// The files this run indexed anew or whose state changed, with their new state.
    changes: &'a mut FileList,
    /// The files the index held that this run found it can no longer use.
    removed: &'a mut Vec<String>,
    /// Documents of a JSON Lines file not yet handed out, with the place of their file
    /// in `changes`.
    pending: VecDeque<(read::Document, usize)>,
    /// Where paragraphs are deleted from.
    sink: &'a S,
    progress: Option<&'a (dyn Fn(u64) + Sync)>,
    read: &'a ReadOptions,
    report: &'a mut IndexReport,
    on_notice: &'a mut N,
}

impl<F, N, S> Reading<'_, F, N, S>
where
    F: Iterator<Item = Found>,
    N: FnMut(&Notice),
    S: Sink,
{
    /// The next file to read, with what the index held of it; files the index holds with
    /// the same size and time are carried over unread.
    fn next_file(&mut self) -> Option<(FoundFile, Option<FileState>)> {
        while let Some(found) = self.found.next() {
            match found {
                Found::File(file) => {
                    // Taken without a copy: most files did not change.
                    let previous = self.previous.take_ref(&file.relative);
                    let same = previous.is_some_and(|state| {
                        state.size == file.size && state.modified == file.modified
                    });
                    if !same {
                        return Some((file, previous.map(|state| state.to_state())));
                    }
                    self.advance(file.size);
                    self.report.unchanged += 1;
                }
                Found::Skipped(notice) => self.notice(notice),
                Found::Ignored(extension) => {
                    self.report.ignored += 1;
                    *self.report.ignored_extensions.entry(extension).or_default() += 1;
                }
                Found::NotText => self.report.not_text += 1,
            }
        }
        None
    }

    /// The next work for an indexing worker: a document to index, else the next file
    /// that changed, loaded from disk for the worker to read (parse) outside the lock. A
    /// file whose bytes hash as before is carried over as unchanged.
    fn next_work(&mut self) -> Option<Work> {
        if let Some((document, place)) = self.pending.pop_front() {
            return Some(Work::Document(document, place));
        }
        while let Some((file, previous)) = self.next_file() {
            self.advance(file.size);
            self.report.read += 1;
            let bytes = match read::load(&file) {
                Ok(bytes) => bytes,
                Err(notice) => {
                    self.notice(notice);
                    self.forget(&file, previous.is_some());
                    continue;
                }
            };
            let hash = manifest::content_hash(&bytes);
            match previous {
                Some(previous) if previous.hash == hash => {
                    let state = FileState {
                        companies: previous.companies,
                        ..FileState::of(&file, hash)
                    };
                    self.changes.insert(&file.relative, state);
                    self.report.unchanged += 1;
                }
                previous => {
                    return Some(Work::File(Changed {
                        file,
                        bytes,
                        hash,
                        was_indexed: previous.is_some(),
                    }));
                }
            }
        }
        None
    }

    /// Takes in what a worker read from a changed file: its documents are queued for
    /// indexing after its old paragraphs are deleted; a file that could not be read is
    /// reported, and its old paragraphs go.
    fn settle(&mut self, file: FoundFile, hash: u128, was_indexed: bool, read: ReadResult) {
        let documents = match read {
            Ok(output) => {
                for reason in output.warnings {
                    self.notice(Notice {
                        path: file.path.clone(),
                        reason,
                        skipped: false,
                    });
                }
                output.documents
            }
            Err(notice) => {
                self.notice(notice);
                self.forget(&file, was_indexed);
                return;
            }
        };
        *self.report.formats.entry(file.format).or_default() += 1;
        if was_indexed {
            self.delete_paragraphs(&file.relative);
            self.report.updated += 1;
        } else {
            self.report.added += 1;
        }
        let place = self
            .changes
            .insert(&file.relative, FileState::of(&file, hash));
        self.pending
            .extend(documents.into_iter().map(|document| (document, place)));
    }

    /// A file the index held that can no longer be used (unreadable, now binary): its
    /// paragraphs go, as a deleted file's do.
    fn forget(&mut self, file: &FoundFile, was_indexed: bool) {
        if was_indexed {
            self.delete_paragraphs(&file.relative);
            self.report.removed += 1;
            self.removed.push(file.relative.clone());
        }
    }

    /// Deletes the paragraphs of the file at `path` (before any new one of it is added).
    /// A sink that cannot reports it and marks the file to be read again next time.
    fn delete_paragraphs(&mut self, path: &str) {
        if let Err(err) = self.sink.delete_files(&[path]) {
            self.notice(Notice {
                path: PathBuf::from(path),
                reason: format!("{err:#}"),
                skipped: true,
            });
        }
    }

    fn advance(&self, bytes: u64) {
        if let Some(progress) = self.progress {
            progress(bytes);
        }
    }

    fn notice(&mut self, notice: Notice) {
        (self.on_notice)(&notice);
        if notice.skipped {
            self.report.skipped.push(notice);
        }
    }

    /// Adds the known companies a worker tagged in a document of the file at `place` in
    /// this run's changes.
    fn record_companies(&mut self, place: usize, companies: &[u32]) {
        self.changes.add_companies(place, companies);
    }
}

/// What a file that changed was read into: its documents, or why it was skipped.
type ReadResult = std::result::Result<read::Output, Notice>;

/// A new or changed file, loaded, for a worker to read.
struct Changed {
    file: FoundFile,
    bytes: Vec<u8>,
    hash: u128,
    was_indexed: bool,
}

/// What a worker does next.
enum Work {
    /// Index a document (split, tag, add) of the file at this place in the run's list.
    Document(read::Document, usize),
    /// Read a changed file into documents.
    File(Changed),
}

/// One indexing worker: takes work off the shared list until it is done: reads changed
/// files into documents (outside the lock, so PDFs and other slow formats are read in
/// parallel), and splits, tags and hands documents to the writer; returns how many
/// paragraphs it added. The companies of each document go back with the request for the
/// next work. The walk and the change checks stay sequential behind the lock: files come
/// sorted, and loading and hashing are a small share of the work.
fn index_documents<F, N, S>(
    reading: &Mutex<Reading<'_, F, N, S>>,
    sink: &S,
    tagger: Option<&Tagger>,
) -> Result<usize>
where
    F: Iterator<Item = Found>,
    N: FnMut(&Notice),
    S: Sink,
{
    let mut paragraphs = 0;
    let mut finished: Option<(usize, Vec<u32>)> = None;
    loop {
        // A poisoned lock means another worker panicked; that panic is re-raised by
        // the caller, so this worker just stops.
        let Ok(mut shared) = reading.lock() else {
            return Ok(paragraphs);
        };
        if let Some((place, companies)) = finished.take() {
            shared.record_companies(place, &companies);
        }
        let options = shared.read;
        let work = shared.next_work();
        drop(shared);
        match work {
            None => return Ok(paragraphs),
            Some(Work::Document(document, place)) => {
                let (added, companies) = add_document(sink, tagger, &document)?;
                paragraphs += added;
                finished = Some((place, companies));
            }
            Some(Work::File(changed)) => {
                let Changed {
                    file,
                    bytes,
                    hash,
                    was_indexed,
                } = changed;
                let read = read::read(&file, bytes, options);
                let Ok(mut shared) = reading.lock() else {
                    return Ok(paragraphs);
                };
                shared.settle(file, hash, was_indexed, read);
            }
        }
    }
}

fn add_document<S: Sink>(
    sink: &S,
    tagger: Option<&Tagger>,
    document: &read::Document,
) -> Result<(usize, Vec<u32>)> {
    let (title, blocks) = document.content();
    let title = title.unwrap_or_else(|| file_stem(&document.path));
    let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
    let tags = match tagger {
        Some(tagger) => tagger.tag_document(&texts),
        None => vec![Tags::default(); texts.len()],
    };
    let people: Vec<&str> = document.people.iter().map(String::as_str).collect();
    let mut companies: Vec<u32> = Vec::new();
    for ((number, paragraph), tags) in (1u64..).zip(&blocks).zip(&tags) {
        // A JSON Lines document is found by its id at its line of the file.
        let (id, line) = match &document.record {
            Some(record) => (Some(record.id.as_str()), record.line),
            None => (None, paragraph.line),
        };
        let (companies_tags, topics) = match tagger {
            Some(tagger) => facets(tagger.taxonomy(), tags),
            None => (Vec::new(), Vec::new()),
        };
        sink.add(&Entry {
            text: &paragraph.text,
            title: &title,
            section: paragraph.section.as_deref(),
            path: &document.path,
            id,
            line: line as u64,
            number,
            page: paragraph.page.map(u64::from),
            date: document.date.map(|date| date.number()),
            people: people.clone(),
            companies: companies_tags,
            topics,
        })?;
        companies.extend(tags.companies.iter().filter_map(|m| match m.company {
            // Taxonomies hold thousands of companies, far from u32's limit.
            Company::Known(id) | Company::Unit { parent: id, .. } => u32::try_from(id).ok(),
            Company::Discovered(_) => None,
        }));
    }
    companies.sort_unstable();
    companies.dedup();
    Ok((blocks.len(), companies))
}

/// The names of these companies (canonical, aliases, products) by tag, as JSON.
pub(crate) fn company_names_json(
    taxonomy: &Taxonomy,
    companies: &HashSet<usize>,
) -> Result<String> {
    let mut names: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for &id in companies {
        let company = &taxonomy.companies[id];
        let all = std::iter::once(&company.name)
            .chain(&company.aliases)
            .chain(&company.products)
            .map(String::as_str);
        names
            .entry(Facet::from_path(taxonomy.company_path(id)).to_string())
            .or_default()
            .extend(all);
    }
    Ok(serde_json::to_string(&names)?)
}

/// The names of the known companies the index at `index_path` holds, by tag (`/Alibaba` -> ["Alibaba",
/// "阿里巴巴", "Qwen", ...]); empty for indexes built before the table existed.
fn company_names(index_path: &Path) -> Result<BTreeMap<String, Vec<String>>> {
    let path = index_path.join(COMPANY_NAMES_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).with_context(|| {
            format!(
                "the company names saved with the index ({}) are damaged; rebuild the index \
                 with `{}`",
                path.display(),
                rebuild_command(index_path)
            )
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Companies as `/Parent/Unit` facets, so filtering by a parent finds its units; topics
/// as `/topic` facets.
fn facets(taxonomy: &Taxonomy, tags: &Tags) -> (Vec<Facet>, Vec<Facet>) {
    let companies = tags
        .companies
        .iter()
        .map(|mention| Facet::from_path(mention.path(taxonomy)))
        .collect();
    let topics = tags
        .topics
        .iter()
        .map(|topic| Facet::from_path([taxonomy.topics[topic.topic].name.as_str()]))
        .collect();
    (companies, topics)
}

fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_string()
}

/// Writes a small file so that readers see the old or the new contents, never half.
fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    let temporary = path.with_extension("tmp");
    fs::write(&temporary, contents)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    fs::rename(&temporary, path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_gives_the_first_and_the_last_company_with_it_in_any_case() {
        let names: BTreeMap<String, Vec<String>> = [
            ("/Alpha", vec!["Alpha", "Widget"]),
            ("/Beta", vec!["Beta", "BETA Corp"]),
            ("/Gamma", vec!["Gamma", "widget", "Gizmo"]),
            ("/Gamma/Delta", vec!["Delta", "Widget"]),
        ]
        .into_iter()
        .map(|(tag, names)| {
            (
                tag.to_string(),
                names.into_iter().map(String::from).collect(),
            )
        })
        .collect();
        let tags = CompanyTags::new(&names);
        let tags_of = |name| {
            tags.get(&names, name)
                .map(|(a, b)| (a.as_str(), b.as_str()))
        };
        assert_eq!(tags_of("beta corp"), Some(("/Beta", "/Beta")));
        assert_eq!(tags_of("GIZMO"), Some(("/Gamma", "/Gamma")));
        assert_eq!(tags_of("alpha"), Some(("/Alpha", "/Alpha")));
        assert_eq!(tags_of("Widget"), Some(("/Alpha", "/Gamma/Delta")));
        assert_eq!(tags_of("Epsilon"), None);
    }

    #[test]
    fn the_saved_names_text_tells_a_name_that_is_not_saved_in_any_case() {
        let names: BTreeMap<&str, Vec<&str>> = [
            ("/Alpha", vec!["Alpha", "AT&T"]),
            ("/A\\/S Norske Shell", vec!["A/S Norske Shell", "Oil India"]),
            ("/Han", vec!["阿里巴巴", "Ülker"]),
        ]
        .into_iter()
        .collect();
        let json = serde_json::to_string(&names).unwrap();
        let text = searchable_names(json.clone());
        assert!(
            text.is_some(),
            "a `\\/` in a tag is only an escaped backslash"
        );
        let table: BTreeMap<String, Vec<String>> = serde_json::from_str(&json).unwrap();
        let tags = CompanyTags::new(&table);
        let candidates = [
            "alpha",
            "ALPHA",
            "at&t",
            "a/s norske shell",
            "oil india",
            "OIL INDIA",
            "oil",
            "india",
            "alph",
            "norske",
            "阿里巴巴",
            "ülker",
            "ÜLKER",
            "tab\tname",
            "x\"y",
            "",
        ];
        for name in candidates {
            let saved = tags.get(&table, name).is_some();
            let may = may_be_saved(text.as_deref(), name);
            // Never false for a saved name; false for every ASCII name not saved.
            assert!(may || !saved, "{name:?}");
            if name.is_ascii() && !name.contains(['"', '\t']) {
                assert_eq!(may, saved, "{name:?}");
            }
        }
        // A file escaping anything else, or with a Kelvin sign, cannot tell.
        assert_eq!(searchable_names(r#"{"/A":["\u0041"]}"#.to_string()), None);
        assert_eq!(
            searchable_names("{\"/K\":[\"\u{212A}odak\"]}".to_string()),
            None
        );
        assert!(may_be_saved(None, "kodak"));
    }
}
