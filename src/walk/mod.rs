//! Walk a folder: which files to index.
//!
//! Hidden files and folders are skipped unless asked for, `.gitignore` and `.ignore` rules
//! inside the folder are honoured, symlinks are followed with loop detection, and files
//! come out sorted so indexes and tests are deterministic. A file is taken for its
//! extension (the formats dossier reads, and extensions the user adds), or with
//! `--all-text` when its first bytes look like text. Only regular files are taken: a named
//! pipe, a socket or a device would block or never end. The walk only looks at file
//! metadata (and, with `--all-text`, at the first bytes of files it does not know by
//! name); reading is a separate stage (`read`), so an index that already holds a file
//! unchanged never reads it again. A file that cannot be used (unreadable, too large, not
//! a regular file) is reported with its reason; it never stops the walk.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use anyhow::{Result, bail};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rustc_hash::FxHashMap as HashMap;
use walkdir::WalkDir;

use crate::read::Format;

mod stat;

use stat::{Kind, Stat};

/// Files whose ignore rules apply to their folder and everything under it.
pub(crate) const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore"];

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
    /// Extensions read as plain text besides the built-in ones: lower case, no dot.
    pub text_extensions: Vec<String>,
    /// Take every file whose first bytes look like text, whatever its name.
    pub all_text: bool,
}

impl Default for WalkOptions {
    fn default() -> WalkOptions {
        WalkOptions {
            hidden: false,
            ignore_files: true,
            max_file_bytes: DEFAULT_MAX_FILE_MB * 1024 * 1024,
            text_extensions: Vec::new(),
            all_text: false,
        }
    }
}

impl WalkOptions {
    /// The format a file is read in, from its name; None for a file the walk does not take
    /// by name.
    fn format_by_name(&self, path: &Path) -> Option<Format> {
        Format::of(path).or_else(|| {
            let extension = extension_of(path)?;
            let extension = extension.trim_start_matches('.');
            let extension = extension.strip_suffix(".gz").unwrap_or(extension);
            self.text_extensions
                .iter()
                .any(|added| added == extension)
                .then_some(Format::Text)
        })
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
    /// The format it is read in.
    pub format: Format,
}

/// One thing the walk found.
#[derive(Debug)]
pub enum Found {
    /// A file to index.
    File(FoundFile),
    /// A file that cannot be used.
    Skipped(Notice),
    /// A file with an extension that is not indexed (not an error): its extension as the
    /// run report names it (`.png`, `.debian.gz`; empty for a file without one).
    Ignored(String),
    /// With `--all-text`, a file that does not look like text (not an error).
    NotText,
}

/// Lists the files under `root`, checking first that `root` is a readable folder.
///
/// Folders are read in order on one thread while the files' metadata is read on one
/// thread per core (a million `stat` calls are most of a walk's time), batch by batch;
/// the files still come out in walk order.
pub fn files(root: &Path, options: &WalkOptions) -> Result<Files> {
    check_root(root)?;
    let rules = IgnoreRules::new(root, options.ignore_files);
    let reached = reached_from(root, options, rules);
    Ok(Files::new(root, options, reached))
}

/// Paths a batch holds: enough that handing batches between threads costs little, few
/// enough that the first files are indexed at once.
const BATCH: usize = 256;
/// Most threads that read metadata.
const MAX_STAT_THREADS: usize = 4;
/// Batches whose metadata is read but not yet taken, at most.
const LOOKAHEAD_BATCHES: usize = 128;

/// The files of a walk, in walk order (see [`files`]).
pub struct Files(Stages);

enum Stages {
    /// The walk on its own thread, metadata read on others.
    Threads {
        /// Batches with their number, as the threads finish them.
        finished: Receiver<(u64, Vec<Found>)>,
        /// Batches finished before the ones ahead of them.
        early: BTreeMap<u64, Vec<Found>>,
        /// The number of the batch to give next.
        next: u64,
        current: std::vec::IntoIter<Found>,
        /// How many batches the walk made, once it is over.
        made: Arc<AtomicU64>,
    },
    /// Everything on the caller's thread, when no thread could be started.
    Here(Box<dyn Iterator<Item = Found> + Send>),
}

impl Files {
    fn new<I>(root: &Path, options: &WalkOptions, reached: I) -> Files
    where
        I: Iterator<Item = Reached> + Send + 'static,
    {
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .clamp(1, MAX_STAT_THREADS);
        // Bounded, so a walk far ahead of the indexing waits rather than fills memory.
        let (batches, to_stat) = sync_channel::<(u64, Vec<Reached>)>(threads * 2);
        // Room for the walk to run well ahead while the index and its file list are
        // opened: a few megabytes of metadata.
        let (done, finished) = sync_channel(LOOKAHEAD_BATCHES);
        let to_stat = Arc::new(Mutex::new(to_stat));
        let mut started = 0;
        for _ in 0..threads {
            let to_stat = Arc::clone(&to_stat);
            let done = done.clone();
            let root = root.to_path_buf();
            let options = options.clone();
            let spawned = std::thread::Builder::new()
                .name("walk-stat".to_string())
                .spawn(move || stat_batches(&to_stat, &done, &root, &options));
            started += usize::from(spawned.is_ok());
        }
        // Handed back when its thread cannot be started.
        let walk = Arc::new(Mutex::new(Some(reached)));
        let walking = Arc::clone(&walk);
        let made = Arc::new(AtomicU64::new(u64::MAX));
        let counted = Arc::clone(&made);
        let spawned = (started > 0).then(|| {
            std::thread::Builder::new()
                .name("walk".to_string())
                .spawn(move || {
                    let reached = walking.lock().ok().and_then(|mut walk| walk.take());
                    if let Some(made) = reached.and_then(|reached| send_batches(reached, &batches))
                    {
                        counted.store(made, Ordering::SeqCst);
                    }
                })
        });
        if !matches!(spawned, Some(Ok(_))) {
            let reached = walk.lock().ok().and_then(|mut walk| walk.take());
            let root = root.to_path_buf();
            let options = options.clone();
            let mut stat = Stat::default();
            let here = reached
                .into_iter()
                .flatten()
                .map(move |reached| reached.found(&root, &options, &mut stat));
            return Files(Stages::Here(Box::new(here)));
        }
        Files(Stages::Threads {
            finished,
            early: BTreeMap::new(),
            next: 0,
            current: Vec::new().into_iter(),
            made,
        })
    }
}

/// The walk's paths in numbered batches; returns how many, or None when nobody took them
/// any more.
fn send_batches(
    reached: impl Iterator<Item = Reached>,
    batches: &SyncSender<(u64, Vec<Reached>)>,
) -> Option<u64> {
    let mut reached = reached.peekable();
    let mut number = 0;
    while reached.peek().is_some() {
        let batch: Vec<Reached> = reached.by_ref().take(BATCH).collect();
        batches.send((number, batch)).ok()?;
        number += 1;
    }
    Some(number)
}

/// Reads the metadata of batches of paths until the walk ends or the list is dropped.
fn stat_batches(
    to_stat: &Mutex<Receiver<(u64, Vec<Reached>)>>,
    done: &SyncSender<(u64, Vec<Found>)>,
    root: &Path,
    options: &WalkOptions,
) {
    let mut stat = Stat::default();
    loop {
        let Ok(Ok((number, batch))) = to_stat.lock().map(|batches| batches.recv()) else {
            return;
        };
        let found = batch
            .into_iter()
            .map(|reached| reached.found(root, options, &mut stat))
            .collect();
        if done.send((number, found)).is_err() {
            return;
        }
    }
}

impl Iterator for Files {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        let (finished, early, next, current, made) = match &mut self.0 {
            Stages::Here(here) => return here.next(),
            Stages::Threads {
                finished,
                early,
                next,
                current,
                made,
            } => (finished, early, next, current, made),
        };
        loop {
            if let Some(found) = current.next() {
                return Some(found);
            }
            let batch = match early.remove(next) {
                Some(batch) => batch,
                None => loop {
                    // Every thread gone: the walk is over, unless a thread died of a bug
                    // (a batch missing); then files would be taken for deleted.
                    let Ok((number, batch)) = finished.recv() else {
                        assert_eq!(
                            made.load(Ordering::SeqCst),
                            *next,
                            "a thread of the walk stopped before the walk's end"
                        );
                        return None;
                    };
                    if number == *next {
                        break batch;
                    }
                    early.insert(number, batch);
                },
            };
            *next += 1;
            *current = batch.into_iter();
        }
    }
}

/// Lists the files at or under these paths of `root` (relative, `/` separated, files or
/// folders; a path that is gone, hidden or ignored gives nothing), taking the same files
/// a walk of all of `root` would: the paths that file events named. Each path comes once,
/// sorted, and a path inside another one given is walked with it.
pub fn paths(
    root: &Path,
    relative: &[String],
    options: &WalkOptions,
) -> Result<impl Iterator<Item = Found> + use<>> {
    check_root(root)?;
    let kept = outermost(relative);
    let root = root.to_path_buf();
    let options = options.clone();
    let starts: Vec<PathBuf> = kept
        .into_iter()
        .filter_map(|path| taken_start(&root, path, &options))
        .collect();
    Ok(starts.into_iter().flat_map(move |start| {
        let rules = IgnoreRules::new(&root, options.ignore_files);
        walk_from(&root, &start, &options, rules)
    }))
}

/// The relative paths `relative` (`/` separated) without those inside another one given,
/// each once, sorted; empty ones left out.
pub(crate) fn outermost(relative: &[String]) -> Vec<&str> {
    let mut sorted: Vec<&str> = relative
        .iter()
        .map(|path| path.trim_matches('/'))
        .filter(|path| !path.is_empty())
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    // "a" covers "a/b"; sorted, a folder comes before what lies inside it.
    let mut kept: Vec<&str> = Vec::with_capacity(sorted.len());
    let mut folders: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for path in sorted {
        let inside = path
            .match_indices('/')
            .any(|(at, _)| folders.contains(&path[..at]));
        if !inside {
            kept.push(path);
            folders.insert(path);
        }
    }
    kept
}

/// Whether the relative path `path` is `folder` or lies inside it.
pub fn is_inside(path: &str, folder: &str) -> bool {
    path.strip_prefix(folder)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `root/relative` when a walk of `root` would go there: it exists, and neither it nor a
/// folder on the way is hidden (unless asked for) or ignored.
fn taken_start(root: &Path, relative: &str, options: &WalkOptions) -> Option<PathBuf> {
    let mut rules = IgnoreRules::new(root, options.ignore_files);
    let mut path = root.to_path_buf();
    let mut parts = relative.split('/').peekable();
    while let Some(part) = parts.next() {
        if part.is_empty() || part == "." || part == ".." {
            return None;
        }
        path.push(part);
        if !options.hidden && is_hidden(std::ffi::OsStr::new(part)) {
            return None;
        }
        let is_dir = if parts.peek().is_some() {
            true
        } else {
            fs::metadata(&path).ok()?.is_dir()
        };
        if rules.is_ignored(&path, is_dir) {
            return None;
        }
    }
    Some(path)
}

/// Checks that `root` is a folder, with an error that says what to give instead.
pub(crate) fn check_root(root: &Path) -> Result<()> {
    match fs::metadata(root) {
        Err(_) => bail!(
            "the folder {} does not exist; give a folder of text documents",
            root.display()
        ),
        Ok(meta) if !meta.is_dir() => bail!(
            "{} is a file, not a folder; give the folder that contains it",
            root.display()
        ),
        Ok(_) => Ok(()),
    }
}

/// The walk from `start` (`root` or a path under it, already known to be taken), naming
/// files relative to `root`.
fn walk_from(
    root: &Path,
    start: &Path,
    options: &WalkOptions,
    rules: IgnoreRules,
) -> impl Iterator<Item = Found> + use<> {
    let root = root.to_path_buf();
    let options = options.clone();
    let mut stat = Stat::default();
    reached_from(start, &options, rules)
        .map(move |reached| reached.found(&root, &options, &mut stat))
}

/// What a walk reached, before its metadata is read.
enum Reached {
    /// A path that is not a folder: its metadata is read following links.
    Path(PathBuf),
    /// A folder or file that could not be read.
    Error(Found),
}

impl Reached {
    fn found(self, root: &Path, options: &WalkOptions, stat: &mut Stat) -> Found {
        match self {
            Reached::Path(path) => found(root, path, options, stat),
            Reached::Error(found) => found,
        }
    }
}

/// The paths under `start` a walk takes, in order: sorted by name in each folder, hidden
/// and ignored ones left out, symlinks followed (a link back to a folder it is in is
/// reported, not followed). `start` itself may be a file.
fn reached_from(
    start: &Path,
    options: &WalkOptions,
    mut rules: IgnoreRules,
) -> impl Iterator<Item = Reached> + Send + use<> {
    let hidden = options.hidden;
    let walker = WalkDir::new(start)
        .follow_links(true)
        .sort_by(|a, b| entry_name(a).cmp(entry_name(b)))
        .into_iter()
        .filter_entry(move |entry| {
            entry.depth() == 0
                || ((hidden || !is_hidden_name(entry_name(entry)))
                    && !rules.is_ignored(entry.path(), entry.file_type().is_dir()))
        });
    walker.filter_map(move |entry| match entry {
        Ok(entry) if entry.file_type().is_dir() => None,
        Ok(entry) => Some(Reached::Path(entry.into_path())),
        Err(err) => Some(Reached::Error(Found::Skipped(walk_error(&err)))),
    })
}

/// An entry's file name as bytes, for sorting a folder's entries. walkdir's own
/// `file_name()` parses the whole path from the back on every comparison, which was a
/// seventh of a no-change re-index of a million files; inside a folder the name is what
/// follows the last separator.
fn entry_name(entry: &walkdir::DirEntry) -> &[u8] {
    let path = entry.path().as_os_str().as_encoded_bytes();
    if cfg!(unix) && entry.depth() > 0 {
        let start = path
            .iter()
            .rposition(|&byte| byte == b'/')
            .map_or(0, |at| at + 1);
        &path[start..]
    } else {
        entry.file_name().as_encoded_bytes()
    }
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

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    is_hidden_name(name.as_encoded_bytes())
}

fn is_hidden_name(name: &[u8]) -> bool {
    name.first() == Some(&b'.')
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
    /// The folder last asked about, and its answer.
    last_ruled: Option<(PathBuf, bool)>,
}

impl IgnoreRules {
    fn new(root: &Path, enabled: bool) -> IgnoreRules {
        IgnoreRules {
            root: root.to_path_buf(),
            enabled,
            by_folder: HashMap::default(),
            ruled: HashMap::default(),
            last_ruled: None,
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
        // A folder's entries come one after another: most asks repeat the last one, and
        // comparing bytes is cheaper than hashing a path's components.
        if let Some((last, ruled)) = &self.last_ruled
            && last.as_os_str() == folder.as_os_str()
        {
            return *ruled;
        }
        let ruled = self.is_ruled_uncached(folder);
        self.last_ruled = Some((folder.to_path_buf(), ruled));
        ruled
    }

    fn is_ruled_uncached(&mut self, folder: &Path) -> bool {
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

pub(crate) fn io_reason(err: &std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::PermissionDenied {
        "cannot be read (permission denied); skipped it (check its permissions)".to_string()
    } else {
        format!("cannot be read ({err}); skipped it")
    }
}

/// What the walk found at `path`, with its metadata read by `stat` only for a file taken
/// by name (or with `--all-text`).
fn found(root: &Path, owned: PathBuf, options: &WalkOptions, stat: &mut Stat) -> Found {
    let path = owned.as_path();
    let by_name = options.format_by_name(path);
    if by_name.is_none() && !options.all_text {
        return Found::Ignored(extension_of(path).unwrap_or_default());
    }
    let meta = match stat.facts(path) {
        Ok(meta) => meta,
        Err(err) => return Found::Skipped(Notice::skipped(path, io_reason(&err))),
    };
    if meta.kind != Kind::File {
        return Found::Skipped(Notice::skipped(path, not_regular_reason(meta.kind)));
    }
    if meta.len > options.max_file_bytes {
        let megabytes = |bytes: u64| bytes.div_ceil(1024 * 1024);
        return Found::Skipped(Notice::skipped(
            path,
            format!(
                "is {} MB, larger than the {} MB limit; skipped it (raise --max-file-size to \
                 index it)",
                megabytes(meta.len),
                options.max_file_bytes / (1024 * 1024)
            ),
        ));
    }
    let format = match by_name {
        Some(format) => format,
        None => match crate::read::looks_like_text(path) {
            Ok(true) => Format::Text,
            Ok(false) => return Found::NotText,
            Err(err) => return Found::Skipped(Notice::skipped(path, io_reason(&err))),
        },
    };
    let relative = relative_path(root, path);
    Found::File(FoundFile {
        path: owned,
        relative,
        size: meta.len,
        modified: meta.modified,
        format,
    })
}

/// A file name's extension, lower case with its dot, and the one under it for a gzip
/// file (`.debian.gz`); None for a name without one.
fn extension_of(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let base = name.strip_suffix(".gz").unwrap_or(&name);
    let (_, extension) = base.rsplit_once('.').filter(|(stem, _)| !stem.is_empty())?;
    Some(if base.len() < name.len() {
        format!(".{extension}.gz")
    } else {
        format!(".{extension}")
    })
}

/// Why a path that is not a regular file is skipped: reading a named pipe waits for a
/// writer that may never come, and a device may never end.
fn not_regular_reason(kind: Kind) -> String {
    let kind = match kind {
        Kind::Pipe => "a named pipe (FIFO)",
        Kind::Socket => "a socket",
        Kind::Device => "a device",
        Kind::Folder => "a folder",
        Kind::File | Kind::Other => "a special file",
    };
    format!("is {kind}, not a regular file; skipped it (only regular files are read)")
}

fn relative_path(root: &Path, path: &Path) -> String {
    // The walk joins names onto `root`: its bytes start the path's, which is cheaper to
    // check than comparing components.
    if std::path::MAIN_SEPARATOR == '/'
        && let Some(rest) = path
            .as_os_str()
            .as_encoded_bytes()
            .strip_prefix(root.as_os_str().as_encoded_bytes())
        && let Ok(rest) = std::str::from_utf8(rest)
    {
        let after_separator = rest.strip_prefix('/').or_else(|| {
            root.as_os_str()
                .as_encoded_bytes()
                .ends_with(b"/")
                .then_some(rest)
        });
        if let Some(rest) =
            after_separator.filter(|rest| !rest.is_empty() && !rest.starts_with('/'))
        {
            return rest.to_string();
        }
    }
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

    /// Makes a named pipe at `path` with `mkfifo`.
    #[cfg(unix)]
    pub(super) fn mkfifo(path: &Path) {
        let made = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(made.success());
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
    fn walk_sorts_by_name_inside_each_folder_and_skips_hidden_ones_at_any_depth() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("a/b")).unwrap();
        for name in [
            "a.txt",
            "a-b.txt",
            "a/z.txt",
            "a/b/y.txt",
            "a/.h.txt",
            "a/b/.g.txt",
        ] {
            fs::write(root.join(name), name).unwrap();
        }
        // A folder's entries are sorted by name ("a" < "a-b.txt" < "a.txt"), which is not
        // the byte order of whole paths ("a-b.txt" < "a.txt" < "a/z.txt").
        assert_eq!(
            walked(root, &WalkOptions::default()),
            ["a/b/y.txt", "a/z.txt", "a-b.txt", "a.txt"]
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
    fn paths_walks_only_the_paths_given_with_the_rules_of_a_full_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for name in [
            "a/x.txt",
            "a/y.txt",
            "a-b/z.txt",
            ".h/x.txt",
            "c/skip.md",
            "c/n.txt",
        ] {
            fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            fs::write(root.join(name), "X").unwrap();
        }
        fs::write(root.join("c/.gitignore"), "*.md\n").unwrap();
        let given: Vec<String> = ["a-b/z.txt", "a/x.txt", "a", ".h/x.txt", "c/skip.md", "gone"]
            .map(String::from)
            .to_vec();
        let walked: Vec<String> = paths(root, &given, &WalkOptions::default())
            .unwrap()
            .filter_map(|found| match found {
                Found::File(file) => Some(file.relative),
                _ => None,
            })
            .collect();
        // "a/x.txt" comes once, with its folder; hidden and ignored paths give nothing.
        assert_eq!(walked, ["a/x.txt", "a/y.txt", "a-b/z.txt"]);
        assert!(is_inside("a/x.txt", "a") && is_inside("a", "a") && !is_inside("a-b", "a"));
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

    #[test]
    fn added_extensions_and_all_text_take_more_files() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("a.txt"), "A").unwrap();
        fs::write(root.join("b.log"), "B").unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"C, compressed").unwrap();
        fs::write(root.join("c.LOG.gz"), gz.finish().unwrap()).unwrap();
        fs::write(root.join("README"), "Plain text without an extension.\n").unwrap();
        fs::write(root.join("image.bin"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
        assert_eq!(walked(root, &WalkOptions::default()), ["a.txt"]);
        let ignored: Vec<String> = files(root, &WalkOptions::default())
            .unwrap()
            .filter_map(|found| match found {
                Found::Ignored(extension) => Some(extension),
                _ => None,
            })
            .collect();
        assert_eq!(ignored, ["", ".log", ".log.gz", ".bin"]);
        let logs = WalkOptions {
            text_extensions: vec!["log".to_string()],
            ..WalkOptions::default()
        };
        assert_eq!(walked(root, &logs), ["a.txt", "b.log", "c.LOG.gz"]);
        let all_text = WalkOptions {
            all_text: true,
            ..WalkOptions::default()
        };
        assert_eq!(
            walked(root, &all_text),
            ["README", "a.txt", "b.log", "c.LOG.gz"]
        );
        let found: Vec<Found> = files(root, &all_text).unwrap().collect();
        assert!(matches!(found[4], Found::NotText), "{found:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_skipped_without_being_opened() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("x.txt");
        mkfifo(&pipe);
        fs::write(dir.path().join("y.txt"), "Y").unwrap();
        for options in [
            WalkOptions::default(),
            WalkOptions {
                all_text: true,
                ..WalkOptions::default()
            },
        ] {
            let found: Vec<Found> = files(dir.path(), &options).unwrap().collect();
            let reason = match &found[0] {
                Found::Skipped(notice) => notice.reason.clone(),
                other => panic!("{other:?}"),
            };
            assert!(reason.starts_with("is a named pipe (FIFO)"), "{reason}");
            assert!(matches!(&found[1], Found::File(file) if file.relative == "y.txt"));
        }
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
