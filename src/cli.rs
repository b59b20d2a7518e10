//! Command-line arguments, parsed with clap's derive API; each field's doc comment is its help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Index a folder of documents into paragraphs tagged with companies and topics, and
/// search them.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index the text documents of a folder, or bring an index up to date with it: only
    /// files added or changed since the last run are read.
    Index(IndexArgs),
    /// Keep an index up to date with a folder: index it, then look for changes every few
    /// seconds until interrupted, reporting each change.
    Watch(WatchArgs),
    /// Search the index; exits 0 when something was found, 1 when nothing was, 2 on error.
    Search(SearchArgs),
    /// Print an indexed document paragraph by paragraph, with numbers, lines and tags.
    Show(ShowArgs),
    /// Print the companies and topics of each paragraph of a file, to check a taxonomy.
    Tag(TagArgs),
    /// List the companies in an index with paragraph and document counts, most frequent
    /// first; companies found by their marks (a legal form, a ticker) are "discovered".
    Companies(ListArgs),
    /// List the topics in an index with paragraph and document counts.
    Topics(ListArgs),
    /// Serve an index over HTTP: a search page at / and a JSON API under /api/ (read
    /// only; the next request after `dossier index` commits sees the change).
    Serve(ServeArgs),
    /// Write an index's paragraphs as OpenSearch `_bulk` NDJSON on stdout, or with
    /// --mapping the index settings and mapping dossier creates in a cluster.
    Export(ExportArgs),
}

/// Arguments of `dossier export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Index folder to read.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Print the settings and mapping (the body of `PUT /NAME`) instead of the paragraphs.
    #[arg(long)]
    pub mapping: bool,
    /// Index name the bulk lines put the paragraphs into.
    #[arg(long, value_name = "NAME", default_value = crate::opensearch::DEFAULT_INDEX)]
    pub os_index: String,
}

/// Arguments of `dossier serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Index folder to serve.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Address and port to listen on; port 0 takes a free port. The address bound is
    /// printed on stderr. 0.0.0.0 makes the index readable from the network.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:7700")]
    pub addr: std::net::SocketAddr,
    /// Index this folder into --index first, then keep the index up to date with it while
    /// serving, as `dossier watch` does.
    #[arg(long, value_name = "DIR")]
    pub watch: Option<PathBuf>,
    /// Seconds between full looks at the --watch folder, as for `dossier watch`.
    #[arg(long, value_name = "SECONDS")]
    pub interval: Option<f64>,
}

/// Arguments of `dossier companies` and `dossier topics`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Index folder to read.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Print one JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// Read the index of the OpenSearch cluster at this URL (such as
    /// http://127.0.0.1:9200) instead of a local index.
    #[arg(long, value_name = "URL", conflicts_with = "index")]
    pub opensearch: Option<String>,
    /// Name of the index in the cluster.
    #[arg(long, value_name = "NAME", default_value = crate::opensearch::DEFAULT_INDEX)]
    pub os_index: String,
}

/// Arguments of `dossier index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folder of documents to index: .txt, .md and other plain-text files, and .jsonl files
    /// of one JSON document per line.
    #[arg(default_value = "seeds")]
    pub dir: PathBuf,
    /// Index folder to create or update.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Taxonomy TOML to tag with, instead of DIR/dossier.toml or the built-in one.
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
    /// Word list TOML whose words join the tagger's built-in lists (tables as in
    /// taxonomy/lexicon.toml, e.g. `[company_cues]` `words = ["announced"]`).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Index without tagging companies and topics (to measure what tagging costs).
    #[arg(long)]
    pub no_tags: bool,
    /// Discard what the index holds and index every file anew (also mends a damaged index).
    #[arg(long)]
    pub rebuild: bool,
    /// Also index hidden files and folders (names starting with a dot).
    #[arg(long)]
    pub hidden: bool,
    /// Index files that .gitignore and .ignore files exclude, too.
    #[arg(long)]
    pub no_ignore: bool,
    /// Also read files with these extensions as plain text, and their .gz versions
    /// (comma-separated or repeated: `--ext log,cfg`).
    #[arg(long, value_name = "EXT,...", value_delimiter = ',', value_parser = extension)]
    pub ext: Vec<String>,
    /// Index every file that looks like text (no NUL bytes and few control characters in
    /// its first 8 KB) whatever its name, files without an extension (README, LICENSE)
    /// included.
    #[arg(long)]
    pub all_text: bool,
    /// Memory for the index writer, in megabytes (more gives fewer, larger segments).
    #[arg(long, value_name = "MB", default_value_t = crate::index::DEFAULT_MEMORY_MB)]
    pub memory: usize,
    /// Print no progress bar and no report (warnings about files still print).
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip files larger than this many megabytes, on disk or decompressed (so a zip or
    /// gzip bomb stops there).
    #[arg(long, value_name = "MB", default_value_t = crate::walk::DEFAULT_MAX_FILE_MB)]
    pub max_file_size: u64,
    /// Field of the documents of .jsonl files that holds their id [default: id, else _id].
    #[arg(long, value_name = "NAME")]
    pub id_field: Option<String>,
    /// Field of the documents of .jsonl files that holds their title.
    #[arg(long, value_name = "NAME", default_value = "title")]
    pub title_field: String,
    /// Field of the documents of .jsonl files that holds their text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,
    /// Field of the documents of .jsonl files that holds their date (ISO 8601 such as
    /// 2024-03-05, or as e-mail writes dates).
    #[arg(long, value_name = "NAME", default_value = "date")]
    pub date_field: String,
    /// Send the paragraphs to the OpenSearch cluster at this URL (such as
    /// http://127.0.0.1:9200, or https://USER:PASSWORD@host:9200) instead of a local index;
    /// --index is then not used. The index is created when missing; what the cluster holds
    /// from each file is kept in the cluster, so only files changed since the last run are
    /// sent. DOSSIER_OPENSEARCH_USER, DOSSIER_OPENSEARCH_PASSWORD and DOSSIER_OPENSEARCH_CA
    /// (a PEM file of authorities to trust) are read when set.
    #[arg(long, value_name = "URL")]
    pub opensearch: Option<String>,
    /// Name of the index in the cluster.
    #[arg(long, value_name = "NAME", default_value = crate::opensearch::DEFAULT_INDEX)]
    pub os_index: String,
}

impl IndexArgs {
    /// The arguments of `dossier index DIR --index INDEX`, every other option at its
    /// default.
    pub fn for_folder(dir: PathBuf, index: PathBuf) -> IndexArgs {
        use clap::FromArgMatches;
        let command = IndexArgs::augment_args(clap::Command::new("index"));
        let mut index_arg = std::ffi::OsString::from("--index=");
        index_arg.push(index);
        let args = ["index".into(), index_arg, "--".into(), dir.into_os_string()];
        let matches: clap::ArgMatches = command
            .try_get_matches_from(args)
            .expect("a folder and an index are all `dossier index` needs");
        IndexArgs::from_arg_matches(&matches).expect("the matches come from IndexArgs")
    }
}

/// Arguments of `dossier watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// What to index, as for `dossier index`.
    #[command(flatten)]
    pub index: IndexArgs,
    /// Seconds between full looks at the folder [default: 30, or 2 when the system
    /// gives no file events]. Files saved, added, renamed or deleted are indexed at once
    /// from file events; the full look catches what events miss.
    #[arg(long, value_name = "SECONDS")]
    pub interval: Option<f64>,
}

/// Arguments of `dossier search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to search for: words (all must appear unless --any), "exact phrase",
    /// -excluded, +required, a OR b, (groups), prefix*, fuzzy~1 (one typo), and filters
    /// company:NAME, topic:"NAME", path:GLOB, section:WORDS, title:WORDS, id:ID,
    /// date:2024, date:2024-03, date:2024-03-01..2024-06-30. May be left out when
    /// --company, --topic, --since or --until says what to list.
    #[arg(allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Only paragraphs tagged with this company or one of its units (name or alias, any
    /// case); repeat to require several.
    #[arg(long, value_name = "NAME")]
    pub company: Vec<String>,
    /// Only paragraphs about this topic (any case); repeat to require several.
    #[arg(long, value_name = "NAME")]
    pub topic: Vec<String>,
    /// Most hits to show.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
    pub limit: u16,
    /// Hits to skip before the first one shown, for paging.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Most paragraphs shown from one document; 0 shows every one.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub per_doc: usize,
    /// Rank paragraphs with any of the words (BM25) instead of requiring every word.
    #[arg(long)]
    pub any: bool,
    /// Widen the query with the words that weigh most in its best paragraphs
    /// (pseudo-relevance feedback), so related paragraphs follow the literal matches.
    #[arg(long)]
    pub expand: bool,
    /// Order of the hits: best score first, by path and line as grep prints them, or
    /// newest document first.
    #[arg(long, value_enum, default_value_t = Sort::Score)]
    pub sort: Sort,
    /// Explain each hit: its score, term by term and field by field, and the text that
    /// gave each of its tags.
    #[arg(long)]
    pub explain: bool,
    /// Show N paragraphs before and after each hit, from the same document.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub context: usize,
    /// Only paragraphs of documents dated on or after this day, month or year
    /// (2024-03-05, 2024-03, 2024).
    #[arg(long, value_name = "DATE", value_parser = since)]
    pub since: Option<String>,
    /// Only paragraphs of documents dated on or before this day, month or year.
    #[arg(long, value_name = "DATE", value_parser = until)]
    pub until: Option<String>,
    /// Count the companies, topics and months of all matching paragraphs, under the hits
    /// (with --json, as a last line {"facets": ...}).
    #[arg(long)]
    pub facets: bool,
    /// Print one JSON object per hit per line, and nothing else.
    #[arg(long)]
    pub json: bool,
    /// When to highlight matched words in bold.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Index folder to search [default: index, built from seeds/ when missing].
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Search the index of the OpenSearch cluster at this URL (such as
    /// http://127.0.0.1:9200) instead of a local index.
    #[arg(long, value_name = "URL", conflicts_with = "index")]
    pub opensearch: Option<String>,
    /// Name of the index in the cluster.
    #[arg(long, value_name = "NAME", default_value = crate::opensearch::DEFAULT_INDEX)]
    pub os_index: String,
}

/// Arguments of `dossier show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The document as search hits name it: PATH, or PATH:LINE (for a .jsonl file, the
    /// document on that line; otherwise the paragraph at that line is marked).
    pub document: String,
    /// Index folder to read.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Print one JSON object per paragraph.
    #[arg(long)]
    pub json: bool,
    /// Read the index of the OpenSearch cluster at this URL (such as
    /// http://127.0.0.1:9200) instead of a local index.
    #[arg(long, value_name = "URL", conflicts_with = "index")]
    pub opensearch: Option<String>,
    /// Name of the index in the cluster.
    #[arg(long, value_name = "NAME", default_value = crate::opensearch::DEFAULT_INDEX)]
    pub os_index: String,
}

/// Arguments of `dossier tag`.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// File to tag, or `-` for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// Tag the whole input as one passage instead of paragraph by paragraph.
    #[arg(long)]
    pub whole: bool,
    /// Print one JSON object per paragraph with `companies` and `topics`.
    #[arg(long)]
    pub json: bool,
    /// Taxonomy TOML to tag with, instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub taxonomy: Option<PathBuf>,
    /// Word list TOML whose words join the tagger's built-in lists.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
}

/// Order of search hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    /// Best BM25 score first.
    Score,
    /// By document path, then line.
    Path,
    /// Newest document first (undated ones last).
    Date,
}

/// A `--since` value as the query's `date:` range it stands for (`2024-03..`).
fn since(text: &str) -> Result<String, String> {
    crate::query::since_range(text).ok_or_else(|| crate::query::DATE_BOUND_HELP.to_string())
}

/// An `--until` value as the query's `date:` range it stands for (`..2024-03`).
fn until(text: &str) -> Result<String, String> {
    crate::query::until_range(text).ok_or_else(|| crate::query::DATE_BOUND_HELP.to_string())
}

/// An `--ext` value: an extension, with or without its dot, in lower case.
fn extension(text: &str) -> Result<String, String> {
    let extension = text.trim().trim_start_matches('.').to_lowercase();
    if extension.is_empty()
        || extension.contains(['.', '/', '\\'])
        || extension.contains(char::is_whitespace)
    {
        return Err("give extensions without dots or paths, such as log or cfg".to_string());
    }
    Ok(extension)
}

/// When to use bold highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Bold on a terminal unless NO_COLOR is set.
    Auto,
    /// Always bold.
    Always,
    /// Never bold.
    Never,
}
