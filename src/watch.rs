//! File events: which paths of a watched folder changed, as the system reports them
//! (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows, through the
//! `notify` crate), gathered into batches.
//!
//! Only says what changed, never reads a file: `index` looks at those paths again, with
//! the same checks as a full run. Events can be missed (a queue overflow, a folder
//! created and filled before its watch was added, a network file system), so `dossier
//! watch` still looks at the whole folder now and then.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::walk;

/// A batch ends when no event came for this long: an editor's save (a temporary file
/// written, renamed over the old one) or a copy of a few files is one batch.
const QUIET: Duration = Duration::from_millis(150);
/// A batch ends after this long even while events keep coming, so a file written to
/// without a pause is still indexed now and then.
const LONGEST_BATCH: Duration = Duration::from_secs(1);

/// What changed in the watched folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// These paths, relative to the folder with `/` separators: files or folders, there
    /// or gone.
    Paths(Vec<String>),
    /// Anything may have changed: events were lost, or the folder itself changed.
    All,
}

/// The events of one folder, watched recursively while this lives.
pub struct Events {
    // Dropping the watcher stops the events.
    _watcher: RecommendedWatcher,
    received: Receiver<notify::Result<Event>>,
    /// The folder, canonical, as event paths start.
    root: PathBuf,
    /// The index folder, canonical: its own writes are no change of the documents.
    index: PathBuf,
}

impl Events {
    /// Starts watching `root` and everything under it; events under `index` (when the
    /// index lies inside the folder) are left out.
    pub fn start(root: &Path, index: &Path) -> Result<Events> {
        let root = root
            .canonicalize()
            .with_context(|| format!("cannot find the folder {}", root.display()))?;
        let index = canonical_maybe_missing(index);
        let (sender, received) = channel();
        let mut watcher = notify::recommended_watcher(sender)?;
        watcher.watch(&root, RecursiveMode::Recursive)?;
        Ok(Events {
            _watcher: watcher,
            received,
            root,
            index,
        })
    }

    /// Waits until `deadline` for a change, then gathers the events that follow until
    /// they pause (see `QUIET`); None when the deadline passed without a change.
    pub fn wait(&self, deadline: Instant) -> Option<Change> {
        let mut paths = BTreeSet::new();
        let mut all = false;
        let mut started: Option<Instant> = None;
        loop {
            let until = match started {
                None => deadline,
                Some(started) => (Instant::now() + QUIET).min(started + LONGEST_BATCH),
            };
            let timeout = until.saturating_duration_since(Instant::now());
            match self.received.recv_timeout(timeout) {
                Ok(event) => {
                    if self.take(event, &mut paths) {
                        all = true;
                    }
                    if started.is_none() && (all || !paths.is_empty()) {
                        started = Some(Instant::now());
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    // The watcher is gone: no more events, only the full looks.
                    std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                    break;
                }
            }
        }
        if all {
            Some(Change::All)
        } else if paths.is_empty() {
            None
        } else {
            Some(Change::Paths(paths.into_iter().collect()))
        }
    }

    /// Adds the paths an event names to `paths`; true when it says anything may have
    /// changed.
    fn take(&self, event: notify::Result<Event>, paths: &mut BTreeSet<String>) -> bool {
        let Ok(event) = event else {
            return true;
        };
        if event.need_rescan() {
            return true;
        }
        match event.kind {
            // Opening or reading a file changes nothing; closing it after writing ends
            // a save.
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
            EventKind::Access(_) => return false,
            _ => {}
        }
        for path in &event.paths {
            if path.starts_with(&self.index) {
                continue;
            }
            match self.relative(path) {
                Some(relative) if relative.is_empty() => return true,
                Some(relative) => {
                    paths.insert(relative);
                }
                None => {}
            }
        }
        false
    }

    /// An event's path relative to the folder, with `/` separators; a change of an
    /// ignore file stands for its whole folder, whose files it may take or leave.
    fn relative(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let name = relative.file_name().map(|name| name.to_string_lossy());
        let relative = match name {
            Some(name) if walk::IGNORE_FILES.contains(&name.as_ref()) => relative.parent()?,
            _ => relative,
        };
        let text = relative.to_string_lossy();
        Some(if std::path::MAIN_SEPARATOR == '/' {
            text.into_owned()
        } else {
            text.replace(std::path::MAIN_SEPARATOR, "/")
        })
    }
}

/// `path` made canonical, or its parent made canonical joined with its name when `path`
/// does not exist yet (an index the first run is about to create).
fn canonical_maybe_missing(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    match (parent.canonicalize(), path.file_name()) {
        (Ok(parent), Some(name)) => parent.join(name),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_for(events: &Events, what: impl Fn(&Change) -> bool) -> Change {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let change = events.wait(deadline).expect("an event before the deadline");
            if what(&change) {
                return change;
            }
        }
    }

    #[test]
    fn a_write_is_named_relative_to_the_folder_and_the_index_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docs/sub")).unwrap();
        std::fs::create_dir_all(dir.path().join("docs/idx")).unwrap();
        let events = Events::start(&dir.path().join("docs"), &dir.path().join("docs/idx"))
            .expect("file events on this system");
        std::fs::write(dir.path().join("docs/idx/meta.json"), "{}").unwrap();
        std::fs::write(dir.path().join("docs/sub/a.txt"), "Copper rose.").unwrap();
        let change = wait_for(&events, |change| change != &Change::Paths(Vec::new()));
        assert_eq!(change, Change::Paths(vec!["sub/a.txt".to_string()]));
        std::fs::write(dir.path().join("docs/sub/.gitignore"), "*.md\n").unwrap();
        let change = wait_for(&events, |_| true);
        assert_eq!(change, Change::Paths(vec!["sub".to_string()]));
    }
}
