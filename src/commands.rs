//! Runs each subcommand: wires the stages together and decides the exit code.
//!
//! Results go to stdout; progress, warnings and reports go to stderr.

use std::collections::HashSet;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::{
    Cli, Color, Command, ExportArgs, IndexArgs, ListArgs, SearchArgs, ServeArgs, ShowArgs, Sort,
    TagArgs, WatchArgs,
};
use crate::index::{self, BuildOptions, IndexReport, KeptManifest, Scope};
use crate::read::{Format, ReadOptions, RecordFields};
use crate::render::{self, Highlight};
use crate::search::{self, Cluster, Engine, SearchRequest, SearchResults, SortOrder, TagKind};
use crate::split::split;
use crate::tag::{Tagger, Tags};
use crate::taxonomy::{DEFAULT_TAXONOMY, Taxonomy};
use crate::walk::{Found, Notice, WalkOptions};

/// Default folder of documents, relative to the working folder.
pub const DEFAULT_DOCUMENTS: &str = "seeds";
/// Default index folder, relative to the working folder.
pub const DEFAULT_INDEX: &str = "index";
/// A taxonomy file at the root of an indexed folder is used for that folder.
pub const CORPUS_TAXONOMY_FILE: &str = "dossier.toml";

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Index(args) => index_command(&args),
        Command::Watch(args) => watch_command(&args),
        Command::Search(args) => search_command(&args),
        Command::Show(args) => show_command(&args),
        Command::Tag(args) => tag_command(&args),
        Command::Companies(args) => list_command(&args, TagKind::Companies),
        Command::Topics(args) => list_command(&args, TagKind::Topics),
        Command::Serve(args) => serve_command(&args),
        Command::Export(args) => export_command(&args),
    }
}

/// Prints the mapping, or the index's paragraphs as bulk NDJSON.
fn export_command(args: &ExportArgs) -> Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.mapping {
        serde_json::to_writer_pretty(&mut out, &crate::opensearch::mapping::mapping())?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let open = index::open(&args.index)?;
    let count = crate::opensearch::export::write_bulk(&open, &args.os_index, &mut out)?;
    out.flush()?;
    eprintln!(
        "dossier: exported {count} paragraphs of {} for the index {}",
        args.index.display(),
        args.os_index
    );
    Ok(if count == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn list_command(args: &ListArgs, kind: TagKind) -> Result<ExitCode> {
    let counts = match &args.opensearch {
        Some(url) => {
            Engine::OpenSearch(&Cluster::connect(url, &args.os_index)?).listed_tags(kind)?
        }
        None => Engine::Local(&index::open(&args.index)?).listed_tags(kind)?,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        render::write_tag_counts_json(&mut out, &counts)?;
    } else {
        render::write_tag_counts(&mut out, &counts)?;
    }
    out.flush()?;
    Ok(if counts.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Indexes a folder; exits 1 when the index holds no file afterwards (nothing was found
/// to index), saying so before the report, which stays the last line.
fn index_command(args: &IndexArgs) -> Result<ExitCode> {
    let (read, walk) = index_inputs(args);
    let settings = index_settings(args, &read, &walk);
    let target = match &args.opensearch {
        Some(url) => Target::Cluster {
            url,
            index: &args.os_index,
        },
        None => Target::Local(&args.index),
    };
    let report = build_index(
        &args.dir,
        target,
        &settings,
        Scope::All,
        &mut KeptManifest::default(),
        &mut Taggers::default(),
        &mut print_notice,
    )?;
    let nothing = report.added + report.updated + report.unchanged == 0;
    if nothing {
        let why = if report.ignored + report.not_text > 0 {
            "every file was ignored"
        } else if report.skipped.is_empty() {
            "it holds no file"
        } else {
            "no file could be read"
        };
        eprintln!(
            "dossier: nothing indexed from {}: {why}",
            args.dir.display()
        );
    }
    if !args.quiet {
        print_report(&report, &target.to_string());
    } else if nothing {
        print_ignored(&report);
    }
    if report.failed > 0 {
        eprintln!(
            "dossier: {} paragraphs could not be stored in {target}; their files are sent again \
             by the next run",
            report.failed
        );
        return Ok(ExitCode::from(2));
    }
    Ok(if nothing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where `dossier index` puts the paragraphs.
#[derive(Debug, Clone, Copy)]
enum Target<'a> {
    /// The local index in this folder.
    Local(&'a Path),
    /// The index of this name in the OpenSearch cluster at this URL.
    Cluster { url: &'a str, index: &'a str },
}

impl std::fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Local(path) => write!(f, "{}", path.display()),
            Target::Cluster { url, index } => write!(f, "{}/{index}", url.trim_end_matches('/')),
        }
    }
}

fn index_inputs(args: &IndexArgs) -> (ReadOptions, WalkOptions) {
    let max_file_bytes = args.max_file_size.saturating_mul(1024 * 1024);
    let read = ReadOptions {
        fields: RecordFields {
            id: args.id_field.clone(),
            title: args.title_field.clone(),
            text: args.text_field.clone(),
            date: args.date_field.clone(),
        },
        max_bytes: max_file_bytes,
        ..ReadOptions::default()
    };
    let walk = WalkOptions {
        hidden: args.hidden,
        ignore_files: !args.no_ignore,
        max_file_bytes,
        text_extensions: args.ext.clone(),
        all_text: args.all_text,
    };
    (read, walk)
}

fn index_settings<'a>(
    args: &'a IndexArgs,
    read: &'a ReadOptions,
    walk: &'a WalkOptions,
) -> IndexSettings<'a> {
    IndexSettings {
        taxonomy: args.taxonomy.as_deref(),
        lexicon: args.lexicon.as_deref(),
        tagging: !args.no_tags,
        read,
        walk,
        rebuild: args.rebuild,
        memory_mb: args.memory,
        progress: !args.quiet && io::stderr().is_terminal(),
    }
}

fn watch_command(args: &WatchArgs) -> Result<ExitCode> {
    watch(&args.index, args.interval, || {})?;
    Ok(ExitCode::SUCCESS)
}

/// Serves the index; with `--watch DIR`, indexes DIR into it first and keeps it up to date
/// on a thread of its own while serving.
fn serve_command(args: &ServeArgs) -> Result<ExitCode> {
    if let Some(dir) = &args.watch {
        let index_args = IndexArgs::for_folder(dir.clone(), args.index.clone());
        let interval = args.interval;
        let (indexed, first_run) = std::sync::mpsc::channel();
        let watcher = std::thread::Builder::new()
            .name("watch".to_string())
            .spawn(move || {
                watch(&index_args, interval, || {
                    let _ = indexed.send(());
                })
            })
            .context("cannot start the thread that watches the folder")?;
        // The first run either indexed (and the watch goes on) or failed, ending the thread.
        if first_run.recv().is_err() {
            return match watcher.join() {
                Ok(Err(err)) => Err(err),
                _ => Err(anyhow::anyhow!("the watch of {} stopped", dir.display())),
            };
        }
    }
    crate::serve::run(&args.index, args.addr)?;
    Ok(ExitCode::SUCCESS)
}

/// Seconds between full looks at a watched folder by default: file events bring changes
/// in at once, the full look only catches what they missed.
const FULL_LOOK_SECONDS: f64 = 30.0;
/// Seconds between full looks when the system gives no file events.
const POLL_SECONDS: f64 = 2.0;

/// Indexes, calls `indexed`, then keeps the index up to date until the process ends: the
/// paths that file events name are looked at again as soon as the events pause, and the
/// whole folder every `interval` seconds (see the constants above for the default).
/// Prints only runs that changed something and each notice once. Errors after the first
/// run (the index locked by another run, the folder gone for a moment) are reported and
/// the watch goes on; only a first run that fails returns.
pub fn watch(index_args: &IndexArgs, interval: Option<f64>, indexed: impl FnOnce()) -> Result<()> {
    if let Some(seconds) = interval {
        full_look_every(seconds)?;
    }
    let (read, walk) = index_inputs(index_args);
    let mut settings = index_settings(index_args, &read, &walk);
    let mut seen = HashSet::new();
    let mut print_new_notice = |notice: &Notice| {
        if seen.insert((notice.path.clone(), notice.reason.clone())) {
            print_notice(notice);
        }
    };
    // Started before the first run, so that a change made during it is not missed.
    let events = if index_args.dir.is_dir() {
        crate::watch::Events::start(&index_args.dir, &index_args.index)
            .map_err(|err| {
                eprintln!(
                    "dossier: cannot follow file events in {} ({err:#}); looking at the whole \
                     folder every {} s instead",
                    index_args.dir.display(),
                    interval.unwrap_or(POLL_SECONDS)
                );
            })
            .ok()
    } else {
        None
    };
    let mut kept = KeptManifest::default();
    let mut taggers = Taggers::default();
    let target = Target::Local(&index_args.index);
    let report = build_index(
        &index_args.dir,
        target,
        &settings,
        Scope::All,
        &mut kept,
        &mut taggers,
        &mut print_new_notice,
    )?;
    let seconds = interval.unwrap_or(match events {
        Some(_) => FULL_LOOK_SECONDS,
        None => POLL_SECONDS,
    });
    let interval = full_look_every(seconds)?;
    if !index_args.quiet {
        print_report(&report, &target.to_string());
        let how = match events {
            Some(_) => format!("(file events, and the whole folder every {seconds} s)"),
            None => format!("every {seconds} s"),
        };
        eprintln!(
            "dossier: watching {} for changes {how}; stop with Ctrl-C",
            index_args.dir.display(),
        );
    }
    indexed();
    settings.rebuild = false;
    settings.progress = false;
    let mut next_full_look = Instant::now() + interval;
    loop {
        let change = match &events {
            Some(events) => events.wait(next_full_look),
            None => {
                std::thread::sleep(next_full_look.saturating_duration_since(Instant::now()));
                None
            }
        };
        let changed_paths;
        let scope = match change {
            Some(crate::watch::Change::Paths(paths)) => {
                changed_paths = paths;
                Scope::Paths(&changed_paths)
            }
            Some(crate::watch::Change::All) | None => {
                next_full_look = Instant::now() + interval;
                Scope::All
            }
        };
        match build_index(
            &index_args.dir,
            target,
            &settings,
            scope,
            &mut kept,
            &mut taggers,
            &mut print_new_notice,
        ) {
            Ok(report) if report.added + report.updated + report.removed > 0 => {
                if !index_args.quiet {
                    print_report(&report, &target.to_string());
                }
            }
            Ok(_) => {}
            Err(err) => {
                eprintln!("dossier: {err:#}; trying again in {seconds} s");
                next_full_look = Instant::now() + interval;
            }
        }
    }
}

/// The time between full looks of `dossier watch`, checked.
fn full_look_every(seconds: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|interval| !interval.is_zero())
        .context("--interval must be a positive number of seconds")
}

/// What `dossier index` was asked for, before the taxonomy is loaded.
struct IndexSettings<'a> {
    taxonomy: Option<&'a Path>,
    lexicon: Option<&'a Path>,
    tagging: bool,
    read: &'a ReadOptions,
    walk: &'a WalkOptions,
    rebuild: bool,
    memory_mb: usize,
    /// Show a progress bar on stderr.
    progress: bool,
}

/// The tagger of a taxonomy, with the words of a user's word list file if one is given.
fn load_tagger(taxonomy: Taxonomy, lexicon: Option<&Path>) -> Result<Tagger> {
    match lexicon {
        None => Tagger::new(taxonomy),
        Some(path) => Tagger::with_lexicon(taxonomy, Some((path, &read_lexicon(path)?))),
    }
}

fn read_lexicon(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the word list file {}; check the --lexicon path",
            path.display()
        )
    })
}

/// Picks the taxonomy: an explicit file, else `dossier.toml` in the folder, else built-in.
fn load_taxonomy(explicit: Option<&Path>, dir: Option<&Path>) -> Result<(Taxonomy, String)> {
    crate::tag::with_models_parsed_beside(|| match taxonomy_file(explicit, dir) {
        Some(path) => Taxonomy::read(&path),
        None => Ok((Taxonomy::builtin()?, DEFAULT_TAXONOMY.to_string())),
    })
}

/// The taxonomy file a run uses: an explicit one, else `dossier.toml` in the folder; None
/// for the built-in taxonomy.
fn taxonomy_file(explicit: Option<&Path>, dir: Option<&Path>) -> Option<PathBuf> {
    let corpus_file = dir.map(|d| d.join(CORPUS_TAXONOMY_FILE));
    explicit
        .map(Path::to_path_buf)
        .or_else(|| corpus_file.filter(|p| p.is_file()))
}

/// The tagger of the last run, kept by `watch` for the next: building it (the taxonomy
/// parsed, its matchers and the topic model made) costs more than indexing a saved file.
/// It is built again when the taxonomy file, its text or the word list's text changed, so
/// an edited `dossier.toml` is still seen at the next run.
#[derive(Default)]
struct Taggers(Option<LoadedTagger>);

struct LoadedTagger {
    /// The taxonomy file (None: built in), its text, and the word list's text.
    key: (Option<PathBuf>, String, Option<String>),
    tagger: Tagger,
}

impl Taggers {
    /// The tagger for a run over `dir`, with the taxonomy's text.
    fn load(
        &mut self,
        explicit: Option<&Path>,
        lexicon: Option<&Path>,
        dir: &Path,
    ) -> Result<(&Tagger, &str)> {
        let file = taxonomy_file(explicit, Some(dir));
        let text = match &file {
            Some(path) => Taxonomy::read_text(path)?,
            None => DEFAULT_TAXONOMY.to_string(),
        };
        let lexicon_text = lexicon.map(read_lexicon).transpose()?;
        let key = (file, text, lexicon_text);
        let loaded = match self.0.take() {
            Some(loaded) if loaded.key == key => self.0.insert(loaded),
            _ => {
                let taxonomy = crate::tag::with_models_parsed_beside(|| match &key.0 {
                    Some(path) => Taxonomy::from_file_text(path, &key.1),
                    None => Taxonomy::builtin(),
                })?;
                let tagger = Tagger::with_lexicon(taxonomy, lexicon.zip(key.2.as_deref()))?;
                self.0.insert(LoadedTagger { key, tagger })
            }
        };
        Ok((&loaded.tagger, &loaded.key.1))
    }
}

fn build_index(
    dir: &Path,
    target: Target<'_>,
    settings: &IndexSettings<'_>,
    scope: Scope<'_>,
    kept: &mut KeptManifest,
    taggers: &mut Taggers,
    on_notice: &mut (impl FnMut(&Notice) + Send),
) -> Result<IndexReport> {
    let (tagger, taxonomy_text) = taggers.load(settings.taxonomy, settings.lexicon, dir)?;
    let bar = settings
        .progress
        .then(|| progress_bar(dir, settings.walk))
        .flatten();
    let files = std::sync::atomic::AtomicUsize::new(0);
    let advance = |bytes: u64| {
        if let Some(bar) = &bar {
            let done = files.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            bar.set_message(format!("{done} files"));
            bar.inc(bytes);
        }
    };
    let options = BuildOptions {
        tagger: settings.tagging.then_some(tagger),
        taxonomy: tagger.taxonomy(),
        taxonomy_text,
        read: settings.read,
        walk: settings.walk,
        rebuild: settings.rebuild,
        memory_bytes: settings.memory_mb.saturating_mul(1_000_000),
        progress: bar.is_some().then_some(&advance),
    };
    let notice = |notice: &Notice| match &bar {
        Some(bar) => bar.suspend(|| on_notice(notice)),
        None => on_notice(notice),
    };
    let report = match target {
        Target::Local(index_path) => index::build_into(dir, &options, scope, kept, notice, || {
            index::open_local(index_path, dir, &options)
        }),
        Target::Cluster { url, index } => {
            let shown = bar.clone();
            let warn: crate::opensearch::Warn =
                std::sync::Arc::new(move |line: &str| match &shown {
                    Some(bar) => bar.suspend(|| eprintln!("dossier: {line}")),
                    None => eprintln!("dossier: {line}"),
                });
            let client = crate::opensearch::Client::new(url, warn)?;
            crate::opensearch::build(dir, client, index, &options, notice)
        }
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report
}

/// A progress bar of the bytes of the folder's files (counted first, from their
/// metadata): files, megabytes, rate and time left. None when the folder cannot be walked
/// (indexing reports why).
fn progress_bar(dir: &Path, walk: &WalkOptions) -> Option<ProgressBar> {
    let total: u64 = crate::walk::files(dir, walk)
        .ok()?
        .filter_map(|found| match found {
            Found::File(file) => Some(file.size),
            _ => None,
        })
        .sum();
    let style = ProgressStyle::with_template(
        "{spinner} indexing {bar:25} {msg}, {binary_bytes}/{binary_total_bytes}, \
         {binary_bytes_per_sec}, {eta} left",
    )
    .ok()?;
    let bar = ProgressBar::new(total).with_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(bar)
}

fn print_notice(notice: &Notice) {
    let path = notice.path.display().to_string();
    eprintln!("dossier: {}: {}", render::escaped(&path), notice.reason);
}

/// The run report: why every file was read again if it was, what was ignored, then one
/// line of figures, always the last (scripts read it).
fn print_report(report: &IndexReport, target: &str) {
    if let Some(reason) = &report.rebuilt {
        eprintln!("dossier: {reason}");
    }
    print_ignored(report);
    eprintln!(
        "dossier: indexed {} paragraphs from {} files{} in {:.2} s into {}: {} added, {} \
         updated, {} removed, {} unchanged ({} files or lines skipped, {} files with other \
         extensions ignored)",
        report.paragraphs,
        report.added + report.updated,
        format_counts(&report.formats),
        report.elapsed.as_secs_f64(),
        target,
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.skipped.len(),
        report.ignored,
    );
}

/// Most extensions the report names among the files it ignored.
const SHOWN_EXTENSIONS: usize = 5;

/// What the run left out for its name or for not being text, with the flags that take it:
/// `ignored 18 files for their extension (no extension 9, .0 3, .1 3, .2 2, .3 1); ...`.
fn print_ignored(report: &IndexReport) {
    if report.ignored > 0 {
        let mut counts: Vec<(&String, &usize)> = report.ignored_extensions.iter().collect();
        counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut shown: Vec<String> = counts
            .iter()
            .take(SHOWN_EXTENSIONS)
            .map(|(extension, count)| match extension.as_str() {
                "" => format!("no extension {count}"),
                extension => format!("{extension} {count}"),
            })
            .collect();
        if counts.len() > SHOWN_EXTENSIONS {
            shown.push(format!(
                "{} more extensions",
                counts.len() - SHOWN_EXTENSIONS
            ));
        }
        eprintln!(
            "dossier: ignored {} files for their extension ({}); read more extensions as text \
             with --ext EXT,... or every file that looks like text with --all-text",
            report.ignored,
            shown.join(", ")
        );
    }
    if report.not_text > 0 {
        eprintln!(
            "dossier: ignored {} files that do not look like text (--all-text)",
            report.not_text
        );
    }
}

/// " (12 text, 3 HTML, 1 PDF)": the files of each format a run read, in a fixed order;
/// empty when it read none.
fn format_counts(formats: &std::collections::BTreeMap<Format, usize>) -> String {
    if formats.is_empty() {
        return String::new();
    }
    let counts: Vec<String> = formats
        .iter()
        .map(|(format, count)| format!("{count} {}", format.name()))
        .collect();
    format!(" ({})", counts.join(", "))
}

fn search_command(args: &SearchArgs) -> Result<ExitCode> {
    let request = search_request(args);
    let results = match &args.opensearch {
        Some(url) => {
            Engine::OpenSearch(&Cluster::connect(url, &args.os_index)?).search(&request)?
        }
        None => {
            let open = open_search_index(args)?;
            let results = Engine::Local(&open).search(&request)?;
            // The process ends after printing: closing the index (its segments' maps and
            // readers, the tables of names) cost a tenth of a one-shot search's
            // instructions, and the system frees all of it at exit anyway.
            std::mem::forget(open);
            results
        }
    };
    write_results(args, &results)
}

/// The index `search` reads: --index, or the default index, built from the default
/// documents when missing or from another version.
fn open_search_index(args: &SearchArgs) -> Result<index::OpenIndex> {
    let index_path = match &args.index {
        Some(path) => path.clone(),
        None => {
            let path = PathBuf::from(DEFAULT_INDEX);
            // The default index is dossier's own cache of seeds/: missing, it is built;
            // from another version, it is rebuilt rather than the user asked to.
            let reason = if !index::exists(&path) {
                Some(format!(
                    "no index in {DEFAULT_INDEX}/ yet; indexing {DEFAULT_DOCUMENTS}/ first"
                ))
            } else if index::is_other_format(&path) {
                Some(format!(
                    "the index in {DEFAULT_INDEX}/ was built by another version of dossier; \
                     rebuilding it from {DEFAULT_DOCUMENTS}/"
                ))
            } else {
                None
            };
            if let Some(reason) = reason {
                eprintln!("dossier: {reason}");
                let settings = IndexSettings {
                    taxonomy: None,
                    lexicon: None,
                    tagging: true,
                    read: &ReadOptions::default(),
                    walk: &WalkOptions::default(),
                    rebuild: false,
                    memory_mb: index::DEFAULT_MEMORY_MB,
                    progress: false,
                };
                let report = build_index(
                    Path::new(DEFAULT_DOCUMENTS),
                    Target::Local(&path),
                    &settings,
                    Scope::All,
                    &mut KeptManifest::default(),
                    &mut Taggers::default(),
                    &mut print_notice,
                )?;
                print_report(&report, &path.display().to_string());
            }
            path
        }
    };
    index::open(&index_path)
}

/// What `search` asks for.
fn search_request(args: &SearchArgs) -> SearchRequest {
    SearchRequest {
        query: args.query.clone().unwrap_or_default(),
        companies: args.company.clone(),
        topics: args.topic.clone(),
        limit: usize::from(args.limit),
        offset: args.offset,
        per_doc: args.per_doc,
        any: args.any,
        expand: args.expand,
        sort: match args.sort {
            Sort::Score => SortOrder::Score,
            Sort::Path => SortOrder::Path,
            Sort::Date => SortOrder::Date,
        },
        facets: args.facets,
        context: args.context,
        explain: args.explain,
        dates: args.since.iter().chain(&args.until).cloned().collect(),
    }
}

/// Prints the results, whichever engine answered; exits 1 when there is no hit.
fn write_results(args: &SearchArgs, results: &SearchResults) -> Result<ExitCode> {
    if !results.dropped_words.is_empty() {
        let dropped: Vec<&str> = results
            .dropped_words
            .iter()
            .rev()
            .map(String::as_str)
            .collect();
        eprintln!(
            "dossier: no paragraph has every word; showing paragraphs without {:?}",
            dropped.join(" ")
        );
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        render::write_json(&mut out, results, args.facets)?;
    } else {
        render::write_text(&mut out, results, highlight(args.color), args.facets)?;
    }
    out.flush()?;
    Ok(if results.hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn show_command(args: &ShowArgs) -> Result<ExitCode> {
    let (given, page, line) = location(&args.document);
    let document = match &args.opensearch {
        Some(url) => {
            Engine::OpenSearch(&Cluster::connect(url, &args.os_index)?).show(given, line)?
        }
        None => {
            let open = index::open(&args.index)?;
            let path = search::indexed_path(&open, given)?;
            let document = Engine::Local(&open).show(path.as_deref().unwrap_or(given), line)?;
            if let Some(line) = line
                && let Some(end) = search::past_end(&open, &document, page, line)?
            {
                let path = render::escaped(&document.path);
                let page = page.map_or(String::new(), |page| format!(" page {page} of"));
                let end = match end {
                    search::End::Line(end) => format!("it ends on line {end}"),
                    search::End::LastParagraph(start) => {
                        format!("its last paragraph starts on line {start}")
                    }
                };
                eprintln!("dossier: line {line} is past the end of{page} {path}: {end}");
                return Ok(ExitCode::from(1));
            }
            document
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        render::write_document_json(&mut out, &document)?;
    } else {
        render::write_document(&mut out, &document, line.map(|line| (page, line)))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A document as hits name it: `PATH`, `PATH:LINE`, or `PATH:pPAGE:LINE` in a PDF.
fn location(document: &str) -> (&str, Option<u64>, Option<u64>) {
    let number = |text: &str| {
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u64>().ok())
            .flatten()
    };
    let Some((rest, line)) = document
        .rsplit_once(':')
        .filter(|(_, l)| number(l).is_some())
    else {
        return (document, None, None);
    };
    match rest.rsplit_once(':') {
        Some((path, page)) if page.strip_prefix('p').and_then(number).is_some() => {
            (path, page.strip_prefix('p').and_then(number), number(line))
        }
        _ => (rest, None, number(line)),
    }
}

fn highlight(color: Color) -> Highlight {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let bold = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => !no_color && io::stdout().is_terminal(),
    };
    if bold {
        Highlight::Bold
    } else {
        Highlight::Plain
    }
}

#[derive(Serialize)]
struct TaggedPassage<'a> {
    line: usize,
    text: &'a str,
    companies: Vec<&'a str>,
    topics: Vec<&'a str>,
    evidence: Vec<Evidence<'a>>,
}

#[derive(Serialize)]
struct Evidence<'a> {
    tag: &'a str,
    matched: Vec<&'a str>,
    /// The learned topic model's probability, for a topic only the model found.
    #[serde(skip_serializing_if = "Option::is_none")]
    learned: Option<f64>,
}

fn tag_command(args: &TagArgs) -> Result<ExitCode> {
    let (taxonomy, _) = load_taxonomy(args.taxonomy.as_deref(), None)?;
    let tagger = load_tagger(taxonomy, args.lexicon.as_deref())?;
    let text = read_input(&args.file)?;
    let passages: Vec<(usize, String)> = if args.whole {
        vec![(1, text.trim().to_string())]
    } else {
        split(&text)
            .paragraphs
            .into_iter()
            .map(|p| (p.line, p.text))
            .collect()
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for (line, passage) in &passages {
        let tags = tagger.tag(passage);
        let tagged = describe(&tagger, *line, passage, &tags);
        if args.json {
            serde_json::to_writer(&mut out, &tagged)?;
            writeln!(out)?;
        } else {
            write_tagged(&mut out, &tagged)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn describe<'a>(
    tagger: &'a Tagger,
    line: usize,
    text: &'a str,
    tags: &'a Tags,
) -> TaggedPassage<'a> {
    let taxonomy = tagger.taxonomy();
    let companies: Vec<&str> = tags.companies.iter().map(|m| m.name(taxonomy)).collect();
    let topics: Vec<&str> = tags
        .topics
        .iter()
        .map(|t| taxonomy.topics[t.topic].name.as_str())
        .collect();
    let company_evidence = tags
        .companies
        .iter()
        .zip(&companies)
        .map(|(m, name)| Evidence {
            tag: name,
            matched: vec![m.evidence.as_str()],
            learned: None,
        });
    let topic_evidence = tags.topics.iter().zip(&topics).map(|(t, name)| Evidence {
        tag: name,
        matched: t.evidence.iter().map(String::as_str).collect(),
        learned: t.learned.map(|percent| f64::from(percent) / 100.0),
    });
    let evidence = company_evidence.chain(topic_evidence).collect();
    TaggedPassage {
        line,
        text,
        companies,
        topics,
        evidence,
    }
}

fn write_tagged<W: Write>(out: &mut W, tagged: &TaggedPassage) -> io::Result<()> {
    let preview: String = tagged.text.chars().take(80).collect();
    writeln!(out, "line {}: {preview}", tagged.line)?;
    for evidence in &tagged.evidence {
        match evidence.learned {
            None => writeln!(
                out,
                "    {} <- {}",
                evidence.tag,
                evidence.matched.join(", ")
            )?,
            Some(p) => writeln!(
                out,
                "    {} <- learned {p:.2}: {}",
                evidence.tag,
                evidence.matched.join(", ")
            )?,
        }
    }
    Ok(())
}

fn read_input(file: &Path) -> Result<String> {
    let bytes = if file == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        bytes
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?
    };
    let decoded = crate::read::decode(bytes)
        .map_err(|reason| anyhow::anyhow!("{}: {reason}", file.display()))?;
    if let Some(reason) = decoded.fallback {
        eprintln!("dossier: {}: {reason}", file.display());
    }
    Ok(decoded.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tagger `watch` keeps between runs is built again from an edited
    /// `dossier.toml` at the next run, and a broken one is an error naming it.
    #[test]
    fn the_kept_tagger_is_built_again_when_the_folder_taxonomy_changes() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Zorblax Widgets opened a plant.";
        let mut taggers = Taggers::default();
        let (tagger, _) = taggers.load(None, None, dir.path()).unwrap();
        assert_eq!(tagger.company_names(text), Vec::<String>::new());

        std::fs::write(
            dir.path().join(CORPUS_TAXONOMY_FILE),
            "[[company]]\nname = \"Zorblax\"\naliases = [\"Zorblax Widgets\"]\n",
        )
        .unwrap();
        let (tagger, taxonomy_text) = taggers.load(None, None, dir.path()).unwrap();
        assert!(taxonomy_text.contains("Zorblax"), "{taxonomy_text}");
        assert_eq!(tagger.company_names(text), ["Zorblax"]);

        std::fs::write(dir.path().join(CORPUS_TAXONOMY_FILE), "not toml [").unwrap();
        let error = taggers.load(None, None, dir.path()).unwrap_err();
        assert!(format!("{error:#}").contains("is invalid"), "{error:#}");
    }
}
