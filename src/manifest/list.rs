//! The indexed files of a manifest, kept compact: a million files are a million entries
//! for the whole of an indexing run, twice (the last run's list and this run's).
//!
//! A hash map of `String` paths to states took some 250 bytes a file, and its million
//! small path and company allocations, freed and made among the paragraphs' short-lived
//! ones, scattered the heap so that the process kept far more memory than it held. Here
//! the paths and the companies sit one after another in two large buffers and each file
//! is one fixed-size entry (about 100 bytes a file in all), in three allocations whatever
//! the number of files.
//!
//! The entries are kept sorted in walk order (see [`walk_order`]): the walk finds files
//! in the same order, so looking each one up in the last run's list is mostly a look at
//! the entry after the previous one, and the binary file list is written in that order
//! without sorting.

use std::cmp::Ordering;

use super::FileState;

/// Where an entry's path and companies are, and what the index knows of its file.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Offset of the path in `paths`; later entries have larger offsets.
    path_start: usize,
    path_len: u32,
    companies_len: u32,
    /// Offset of the companies in `companies`.
    companies_start: usize,
    size: u64,
    modified: u64,
    /// The content hash, low and high halves: two u64 keep the entry 8-byte aligned.
    hash: [u64; 2],
}

/// One indexed file of a [`FileList`], borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRef<'a> {
    /// Size in bytes when indexed.
    pub size: u64,
    /// Modification time when indexed, nanoseconds since the Unix epoch.
    pub modified: u64,
    /// Hash of the file's bytes.
    pub hash: u128,
    /// Known companies tagged in the file, by taxonomy index, sorted.
    pub companies: &'a [u32],
}

impl FileRef<'_> {
    /// The owned state.
    pub fn to_state(&self) -> FileState {
        FileState {
            size: self.size,
            modified: self.modified,
            hash: self.hash,
            companies: self.companies.to_vec(),
        }
    }
}

/// The indexed files by path relative to the indexed folder (see the module's doc).
///
/// Files are added with [`FileList::insert`], in any order; a path added twice keeps its
/// last state. Looking a file up sorts the list first if it is not sorted.
#[derive(Debug, Clone)]
pub struct FileList {
    paths: Vec<u8>,
    companies: Vec<u32>,
    entries: Vec<Slot>,
    /// Entries taken out by [`FileList::take`], by position; empty when none was.
    taken: Vec<bool>,
    taken_count: usize,
    /// Whether `entries` is in walk order, each path once.
    sorted: bool,
    /// Bytes of `paths` and entries of `companies` no entry refers to any more (see
    /// [`FileList::apply`]).
    dead_paths: usize,
    dead_companies: usize,
    /// Where [`FileList::take`] looks first: after the entry it took last.
    cursor: usize,
}

impl Default for FileList {
    fn default() -> FileList {
        FileList::with_capacity(0, 0)
    }
}

impl PartialEq for FileList {
    fn eq(&self, other: &FileList) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for FileList {}

impl FileList {
    /// An empty list with room for `files` files of `path_bytes` bytes of paths in all.
    pub fn with_capacity(files: usize, path_bytes: usize) -> FileList {
        FileList {
            paths: Vec::with_capacity(path_bytes),
            companies: Vec::new(),
            entries: Vec::with_capacity(files),
            taken: Vec::new(),
            taken_count: 0,
            sorted: true,
            cursor: 0,
            dead_paths: 0,
            dead_companies: 0,
        }
    }

    /// How many files the list holds (those taken out not counted; a path added twice
    /// counts twice until the list is sorted).
    pub fn len(&self) -> usize {
        self.entries.len() - self.taken_count
    }

    /// Whether the list holds no file.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of all the paths the list holds: room to ask for in a list that takes them.
    pub fn path_bytes(&self) -> usize {
        self.paths.len()
    }

    /// Adds the file at `path` with `state` (replacing an earlier state of the same path);
    /// returns its place, for [`FileList::add_companies`].
    pub fn insert(&mut self, path: &str, state: FileState) -> usize {
        self.insert_ref(
            path,
            FileRef {
                size: state.size,
                modified: state.modified,
                hash: state.hash,
                companies: &state.companies,
            },
        )
    }

    /// As [`FileList::insert`], with the state borrowed (from another list).
    pub fn insert_ref(&mut self, path: &str, state: FileRef<'_>) -> usize {
        if self.sorted
            && let Some(last) = self.entries.last()
            && walk_order(self.path_bytes_of(last), path.as_bytes()) != Ordering::Less
        {
            self.sorted = false;
        }
        let slot = self.stored_slot(path, state);
        self.entries.push(slot);
        if !self.taken.is_empty() {
            self.taken.push(false);
        }
        self.entries.len() - 1
    }

    /// Adds `companies` to those of the entry at `place` (as [`FileList::insert`] returned
    /// it, the list not sorted since), keeping them sorted and each once.
    pub fn add_companies(&mut self, place: usize, companies: &[u32]) {
        if companies.is_empty() {
            return;
        }
        let Some(slot) = self.entries.get_mut(place) else {
            return;
        };
        let start = slot.companies_start;
        let len = slot.companies_len as usize;
        // Grown in place when they are the last ones stored, else copied to the end: a
        // file's companies stay in one run.
        if start + len != self.companies.len() {
            self.companies.extend_from_within(start..start + len);
            slot.companies_start = self.companies.len() - len;
        }
        self.companies.extend_from_slice(companies);
        let all = &mut self.companies[slot.companies_start..];
        all.sort_unstable();
        let mut kept = 0;
        for at in 0..all.len() {
            if kept == 0 || all[at] != all[kept - 1] {
                all[kept] = all[at];
                kept += 1;
            }
        }
        self.companies.truncate(slot.companies_start + kept);
        slot.companies_len = u32::try_from(kept).unwrap_or(u32::MAX);
    }

    /// The list in walk order: itself when it is, else a sorted copy.
    pub fn in_walk_order(&self) -> std::borrow::Cow<'_, FileList> {
        if self.sorted {
            std::borrow::Cow::Borrowed(self)
        } else {
            let mut sorted = self.clone();
            sorted.sort();
            std::borrow::Cow::Owned(sorted)
        }
    }

    /// Puts the entries in walk order, each path once (its last state), and drops those
    /// taken out.
    pub fn sort(&mut self) {
        self.drop_taken();
        if self.sorted {
            return;
        }
        let paths = &self.paths;
        let bytes = |slot: &Slot| &paths[slot.path_start..slot.path_start + slot.path_len as usize];
        // In place (a million entries would need tens of megabytes of scratch for a
        // stable sort); among entries of one path, the last added has the largest offset.
        self.entries.sort_unstable_by(|a, b| {
            walk_order(bytes(a), bytes(b)).then(a.path_start.cmp(&b.path_start))
        });
        let entries = &mut self.entries;
        let mut kept = 0;
        for at in 0..entries.len() {
            if kept > 0 && bytes(&entries[kept - 1]) == bytes(&entries[at]) {
                entries[kept - 1] = entries[at];
            } else {
                entries[kept] = entries[at];
                kept += 1;
            }
        }
        entries.truncate(kept);
        self.sorted = true;
        self.cursor = 0;
    }

    fn drop_taken(&mut self) {
        if self.taken_count > 0 {
            let mut taken = std::mem::take(&mut self.taken).into_iter();
            self.entries.retain(|_| !taken.next().unwrap_or(false));
        }
        self.taken = Vec::new();
        self.taken_count = 0;
        self.cursor = 0;
    }

    /// Takes the file at `path` out of the list: its state, or None when the list does
    /// not hold it. A walk that takes its files in walk order costs one comparison each.
    pub fn take(&mut self, path: &str) -> Option<FileState> {
        self.take_ref(path).map(|file| file.to_state())
    }

    /// As [`FileList::take`], with the state borrowed: a run marks each file it finds
    /// without copying the state of the many that did not change. The entry stays in
    /// place until [`FileList::sort`] or [`FileList::clear_taken`].
    pub fn take_ref(&mut self, path: &str) -> Option<FileRef<'_>> {
        if !self.sorted {
            self.sort();
        }
        let at = self.position(path)?;
        if self.taken.is_empty() {
            self.taken = vec![false; self.entries.len()];
        }
        if std::mem::replace(&mut self.taken[at], true) {
            return None;
        }
        self.taken_count += 1;
        self.cursor = at + 1;
        Some(self.file_at(at))
    }

    /// Puts every entry taken out back (the list sorted).
    pub fn clear_taken(&mut self) {
        self.taken = Vec::new();
        self.taken_count = 0;
        self.cursor = 0;
    }

    /// The paths at or under `path` (a file, or a folder and everything in it) that are
    /// not taken out, and how many entries lie there taken or not; the list sorted. They
    /// are one run of entries in walk order, found by two binary searches.
    pub fn at_or_under(&mut self, path: &str) -> (Vec<String>, usize) {
        self.sort_keeping_taken();
        let range = self.range_at_or_under(path.as_bytes());
        let count = range.len();
        let left = range
            .filter(|&at| !self.is_taken(at))
            .map(|at| self.path_at(at).to_string())
            .collect();
        (left, count)
    }

    fn range_at_or_under(&self, path: &[u8]) -> std::ops::Range<usize> {
        if path.is_empty() {
            return 0..self.entries.len();
        }
        let start = self
            .entries
            .partition_point(|slot| walk_order(self.path_bytes_of(slot), path) == Ordering::Less);
        let inside = |bytes: &[u8]| {
            bytes.starts_with(path) && (bytes.len() == path.len() || bytes[path.len()] == b'/')
        };
        let len = self.entries[start..]
            .iter()
            .take_while(|slot| inside(self.path_bytes_of(slot)))
            .count();
        start..start + len
    }

    /// Sorts an unsorted list; a sorted one keeps its entries taken out.
    fn sort_keeping_taken(&mut self) {
        if !self.sorted {
            self.sort();
        }
    }

    /// Brings the list up to date with a run's changes: `files` (new or changed, each path
    /// once) replace or join the entries of their paths, and the entries of `removed` go.
    /// Entries taken out are put back first. An update of files the list holds changes
    /// them in place; new or removed files cost one pass over the entries, not a sort.
    pub fn apply(&mut self, files: &FileList, removed: &[String]) {
        self.clear_taken();
        self.sort();
        let files = files.in_walk_order();
        if self.entries.is_empty() {
            *self = files.into_owned();
            return;
        }
        let mut removed_at: Vec<usize> = removed
            .iter()
            .filter_map(|path| self.position(path))
            .collect();
        // New entries, by the place they go before; updates are made in place.
        let mut inserted: Vec<(usize, Slot)> = Vec::new();
        for (path, state) in files.iter() {
            let found = self
                .entries
                .binary_search_by(|entry| walk_order(self.path_bytes_of(entry), path.as_bytes()));
            match found {
                Ok(at) => {
                    let old = self.entries[at];
                    self.dead_companies += old.companies_len as usize;
                    // The path stays where it is stored; the companies go to the end.
                    let slot = Slot {
                        path_start: old.path_start,
                        path_len: old.path_len,
                        ..self.stored_slot("", state)
                    };
                    self.entries[at] = slot;
                    removed_at.retain(|&gone| gone != at);
                }
                Err(at) => {
                    let slot = self.stored_slot(path, state);
                    inserted.push((at, slot));
                }
            }
        }
        if !inserted.is_empty() || !removed_at.is_empty() {
            removed_at.sort_unstable();
            removed_at.dedup();
            let old = std::mem::take(&mut self.entries);
            let mut entries = Vec::with_capacity(old.len() + inserted.len());
            let mut inserted = inserted.into_iter().peekable();
            let mut removed_at = removed_at.into_iter().peekable();
            for (at, slot) in old.into_iter().enumerate() {
                while let Some((_, new)) = inserted.next_if(|(before, _)| *before == at) {
                    entries.push(new);
                }
                if removed_at.next_if_eq(&at).is_some() {
                    self.dead_paths += slot.path_len as usize;
                    self.dead_companies += slot.companies_len as usize;
                } else {
                    entries.push(slot);
                }
            }
            entries.extend(inserted.map(|(_, new)| new));
            self.entries = entries;
        }
        self.compact_if_wasteful();
    }

    /// Copies the list anew when most of its buffers hold paths and companies of entries
    /// replaced or removed: a watch that runs for weeks keeps its list compact.
    fn compact_if_wasteful(&mut self) {
        const SLACK: usize = 1 << 20;
        let wasteful = |dead: usize, all: usize| dead > SLACK && dead * 2 > all;
        if wasteful(self.dead_paths, self.paths.len())
            || wasteful(self.dead_companies, self.companies.len())
        {
            let mut compact =
                FileList::with_capacity(self.entries.len(), self.paths.len() - self.dead_paths);
            for (path, state) in self.iter() {
                compact.insert_ref(path, state);
            }
            *self = compact;
        }
    }

    /// A slot for `path` and `state` with the path and companies appended to the buffers.
    fn stored_slot(&mut self, path: &str, state: FileRef<'_>) -> Slot {
        let slot = Slot {
            path_start: self.paths.len(),
            // A path longer than 4 GB cannot name a file.
            path_len: u32::try_from(path.len()).unwrap_or(u32::MAX),
            companies_len: u32::try_from(state.companies.len()).unwrap_or(u32::MAX),
            companies_start: self.companies.len(),
            size: state.size,
            modified: state.modified,
            hash: split_hash(state.hash),
        };
        self.paths.extend_from_slice(path.as_bytes());
        self.companies.extend_from_slice(state.companies);
        slot
    }

    /// Where `path` is among the sorted entries, taken or not.
    fn position(&self, path: &str) -> Option<usize> {
        let path = path.as_bytes();
        if let Some(next) = self.entries.get(self.cursor)
            && self.path_bytes_of(next) == path
        {
            return Some(self.cursor);
        }
        self.entries
            .binary_search_by(|slot| walk_order(self.path_bytes_of(slot), path))
            .ok()
    }

    /// The file at `path`.
    pub fn get(&self, path: &str) -> Option<FileRef<'_>> {
        let at = if self.sorted {
            self.position(path)?
        } else {
            // The last state added wins.
            self.entries
                .iter()
                .rposition(|slot| self.path_bytes_of(slot) == path.as_bytes())?
        };
        (!self.is_taken(at)).then(|| self.file_at(at))
    }

    /// The files with their paths, in walk order once sorted (else in the order added,
    /// a path added twice coming twice).
    pub fn iter(&self) -> impl Iterator<Item = (&str, FileRef<'_>)> + '_ {
        (0..self.entries.len())
            .filter(|&at| !self.is_taken(at))
            .map(|at| (self.path_at(at), self.file_at(at)))
    }

    /// The states of the files, as [`FileList::iter`] gives them, without their paths
    /// (checking a million paths are UTF-8 costs more than the rest of a small run).
    pub fn states(&self) -> impl Iterator<Item = FileRef<'_>> + '_ {
        (0..self.entries.len())
            .filter(|&at| !self.is_taken(at))
            .map(|at| self.file_at(at))
    }

    /// The paths of the files, as [`FileList::iter`] gives them.
    pub fn paths(&self) -> impl Iterator<Item = &str> + '_ {
        self.iter().map(|(path, _)| path)
    }

    /// Moves the files whose paths `take` says yes to into a list of their own.
    pub fn split_off(&mut self, mut take: impl FnMut(&str) -> bool) -> FileList {
        self.sort();
        let mut moved = FileList::default();
        let mut taken = Vec::with_capacity(self.entries.len());
        for at in 0..self.entries.len() {
            let path = self.path_at(at);
            let yes = take(path);
            if yes {
                moved.insert_ref(path, self.file_at(at));
            }
            taken.push(yes);
        }
        self.taken_count = taken.iter().filter(|&&yes| yes).count();
        self.taken = taken;
        self.drop_taken();
        moved
    }

    fn is_taken(&self, at: usize) -> bool {
        self.taken.get(at).copied().unwrap_or(false)
    }

    fn path_bytes_of(&self, slot: &Slot) -> &[u8] {
        &self.paths[slot.path_start..slot.path_start + slot.path_len as usize]
    }

    fn path_at(&self, at: usize) -> &str {
        std::str::from_utf8(self.path_bytes_of(&self.entries[at]))
            .expect("paths are stored from &str")
    }

    fn file_at(&self, at: usize) -> FileRef<'_> {
        let slot = &self.entries[at];
        FileRef {
            size: slot.size,
            modified: slot.modified,
            hash: u128::from(slot.hash[0]) | (u128::from(slot.hash[1]) << 64),
            companies: &self.companies
                [slot.companies_start..slot.companies_start + slot.companies_len as usize],
        }
    }
}

fn split_hash(hash: u128) -> [u64; 2] {
    // Truncations meant: the low and the high 64 bits.
    [hash as u64, (hash >> 64) as u64]
}

/// The order in which a walk finds files: paths compared folder name by folder name, so
/// a folder's files come before those of a folder whose name it starts (`a/x` before
/// `a-b/y`). It is the byte order with `/` before every other byte (file names hold no
/// NUL).
pub fn walk_order(a: &[u8], b: &[u8]) -> Ordering {
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match (a.get(same), b.get(same)) {
        (Some(&x), Some(&y)) => {
            let rank = |byte: u8| if byte == b'/' { 0 } else { byte };
            rank(x).cmp(&rank(y))
        }
        _ => a.len().cmp(&b.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(size: u64, companies: &[u32]) -> FileState {
        FileState {
            size,
            modified: size * 10,
            hash: u128::MAX - u128::from(size),
            companies: companies.to_vec(),
        }
    }

    #[test]
    fn walk_order_puts_a_folder_before_names_it_starts() {
        let mut paths = vec!["a-b/z.txt", "a/y.txt", "ab", "a/x.txt", "a", "b.txt"];
        paths.sort_by(|a, b| walk_order(a.as_bytes(), b.as_bytes()));
        assert_eq!(
            paths,
            ["a", "a/x.txt", "a/y.txt", "a-b/z.txt", "ab", "b.txt"]
        );
    }

    #[test]
    fn the_last_state_of_a_path_wins_and_taking_finds_each_path_once() {
        let mut list = FileList::default();
        list.insert("b.txt", state(1, &[]));
        let a = list.insert("a/x.txt", state(2, &[5]));
        list.insert("b.txt", state(3, &[]));
        list.add_companies(a, &[9, 5, 1]);
        list.sort();
        assert_eq!(list.len(), 2);
        assert_eq!(list.get("b.txt").map(|f| f.size), Some(3));
        assert_eq!(
            list.get("a/x.txt").map(|f| f.companies),
            Some(&[1, 5, 9][..])
        );
        assert_eq!(list.take("b.txt").map(|s| s.size), Some(3));
        assert_eq!(list.take("b.txt"), None);
        assert_eq!(list.take("c.txt"), None);
        assert_eq!(list.paths().collect::<Vec<_>>(), ["a/x.txt"]);
        assert_eq!(list.len(), 1);
        let gone = list.split_off(|path| path.starts_with("a/"));
        assert_eq!(gone.paths().collect::<Vec<_>>(), ["a/x.txt"]);
        assert!(list.is_empty());
    }

    #[test]
    fn companies_added_in_turns_stay_with_their_file() {
        let mut list = FileList::default();
        let a = list.insert("a", state(1, &[]));
        let b = list.insert("b", state(2, &[7]));
        list.add_companies(a, &[3]);
        list.add_companies(b, &[2, 7]);
        list.add_companies(a, &[1, 3]);
        let companies: Vec<(&str, Vec<u32>)> = list
            .iter()
            .map(|(path, file)| (path, file.companies.to_vec()))
            .collect();
        assert_eq!(companies, [("a", vec![1, 3]), ("b", vec![2, 7])]);
    }

    #[test]
    fn applying_changes_updates_in_place_inserts_and_removes_in_walk_order() {
        let mut list = FileList::default();
        for (path, size) in [("a/x.txt", 1), ("a/y.txt", 2), ("ab.txt", 3), ("c.txt", 4)] {
            list.insert(path, state(size, &[size as u32]));
        }
        // Changes alone: no entry added or gone, so no pass over the list.
        let mut changed = FileList::default();
        changed.insert("ab.txt", state(30, &[7, 8]));
        list.apply(&changed, &[]);
        assert_eq!(
            list.get("ab.txt").map(|f| (f.size, f.companies)),
            Some((30, &[7, 8][..]))
        );
        // New files, in the middle and at the ends, and files gone.
        let mut changed = FileList::default();
        changed.insert("d.txt", state(5, &[]));
        changed.insert("a-b/z.txt", state(6, &[]));
        changed.insert("0.txt", state(7, &[]));
        changed.insert("a/x.txt", state(10, &[1]));
        list.apply(&changed, &["a/y.txt".to_string(), "c.txt".to_string()]);
        let sizes: Vec<(&str, u64)> = list.iter().map(|(path, f)| (path, f.size)).collect();
        assert_eq!(
            sizes,
            [
                ("0.txt", 7),
                ("a/x.txt", 10),
                ("a-b/z.txt", 6),
                ("ab.txt", 30),
                ("d.txt", 5)
            ]
        );
        // The same as the list built from scratch in any order.
        let mut fresh = FileList::default();
        for (path, file) in list.iter().collect::<Vec<_>>().into_iter().rev() {
            fresh.insert_ref(path, file);
        }
        fresh.sort();
        assert_eq!(list, fresh);
        assert_eq!(list.take("a-b/z.txt").map(|s| s.size), Some(6));
    }

    #[test]
    fn the_files_at_or_under_a_path_are_one_run_of_entries() {
        let mut list = FileList::default();
        for path in [
            "a",
            "a/x.txt",
            "a/y/z.txt",
            "a-b/z.txt",
            "a.txt",
            "ab/c.txt",
        ] {
            list.insert(path, state(1, &[]));
        }
        assert_eq!(
            list.at_or_under("a"),
            (
                vec![
                    "a".to_string(),
                    "a/x.txt".to_string(),
                    "a/y/z.txt".to_string()
                ],
                3
            )
        );
        assert!(list.take_ref("a/x.txt").is_some());
        assert_eq!(
            list.at_or_under("a"),
            (vec!["a".to_string(), "a/y/z.txt".to_string()], 3)
        );
        assert_eq!(list.at_or_under("a/y"), (vec!["a/y/z.txt".to_string()], 1));
        assert_eq!(
            list.at_or_under("a-b/z.txt"),
            (vec!["a-b/z.txt".to_string()], 1)
        );
        assert_eq!(list.at_or_under("b"), (Vec::new(), 0));
        list.clear_taken();
        assert_eq!(list.len(), 6);
    }
}
