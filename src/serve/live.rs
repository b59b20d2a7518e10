//! The index as the server reads it: one opened commit (a snapshot) shared by all
//! requests, replaced by the next commit as soon as a request finds `meta.json` changed.
//!
//! `dossier index` writes tantivy's `meta.json` anew (by renaming a new file over it) at
//! every commit, so a look at its metadata per request tells whether the index moved on;
//! only then is it opened again, once, while other requests wait. A snapshot being read
//! keeps its files open, so a commit that deletes them changes nothing for its readers.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::SystemTime;

use anyhow::Result;

use crate::index::{self, OpenIndex};
use crate::manifest;

/// The file every tantivy commit replaces.
const META_FILE: &str = "meta.json";
/// Tries at opening a commit that the next one replaces while it is being opened.
const OPEN_TRIES: usize = 3;

/// What identifies a version of `meta.json`: a commit renames a new file over the old.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl Stamp {
    /// The stamp of the index at `path`; None while it has no `meta.json`.
    fn of(path: &Path) -> Option<Stamp> {
        let metadata = fs::metadata(path.join(META_FILE)).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
        #[cfg(not(unix))]
        let inode = 0;
        Some(Stamp {
            modified: metadata.modified().ok(),
            len: metadata.len(),
            inode,
        })
    }
}

/// One commit of the index, opened: every request that holds it reads the same paragraphs.
pub(super) struct Snapshot {
    /// The index with its reader, taxonomy and company names loaded.
    pub(super) open: OpenIndex,
    /// The sequence number of the commit (1 for the first); None for an index never
    /// committed with one.
    pub(super) generation: Option<u64>,
    /// When the commit was written.
    pub(super) committed: Option<SystemTime>,
    stamp: Option<Stamp>,
}

impl Snapshot {
    /// Opens the last commit of the index at `path`, with all a search loads on first use.
    fn open(path: &Path) -> Result<Snapshot> {
        let mut tries = 0;
        loop {
            tries += 1;
            let before = Stamp::of(path);
            let open = index::open(path)?;
            open.reader()?;
            open.taxonomy()?;
            open.company_tags()?;
            let generation = manifest::last_sequence(&open.index)?;
            let stamp = Stamp::of(path);
            if before == stamp || tries == OPEN_TRIES {
                return Ok(Snapshot {
                    open,
                    generation,
                    committed: stamp.and_then(|stamp| stamp.modified),
                    stamp,
                });
            }
        }
    }
}

/// The index a server reads, reopened when it changes.
pub(super) struct LiveIndex {
    path: PathBuf,
    current: RwLock<Arc<Snapshot>>,
    /// Held while a new commit is opened, so it is opened once, not by every request.
    reopening: Mutex<Option<Stamp>>,
}

impl LiveIndex {
    /// Opens the index at `path`, failing as `dossier search` would if it cannot.
    pub(super) fn open(path: &Path) -> Result<LiveIndex> {
        Ok(LiveIndex {
            path: path.to_path_buf(),
            current: RwLock::new(Arc::new(Snapshot::open(path)?)),
            reopening: Mutex::new(None),
        })
    }

    /// The last commit of the index. When opening it fails (a rebuild clears the folder
    /// first; a damaged commit), the snapshot before it is served and the failure reported
    /// once on stderr.
    pub(super) fn snapshot(&self) -> Arc<Snapshot> {
        let current = self.current();
        let stamp = Stamp::of(&self.path);
        if stamp.is_none() || stamp == current.stamp {
            return current;
        }
        let mut failed = self
            .reopening
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let current = self.current();
        let stamp = Stamp::of(&self.path);
        if stamp.is_none() || stamp == current.stamp || stamp == *failed {
            return current;
        }
        match Snapshot::open(&self.path) {
            Ok(snapshot) => {
                let snapshot = Arc::new(snapshot);
                *self.current.write().unwrap_or_else(PoisonError::into_inner) =
                    Arc::clone(&snapshot);
                *failed = None;
                snapshot
            }
            Err(err) => {
                eprintln!(
                    "dossier: cannot open the new commit of {} ({err:#}); serving the one \
                     before it",
                    self.path.display()
                );
                *failed = stamp;
                current
            }
        }
    }

    fn current(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }
}
