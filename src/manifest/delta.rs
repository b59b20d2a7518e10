//! The changes of commits since the last whole file list was written: an append-only log
//! next to it, so that a run that changed a few files of a million writes a few entries,
//! not the 40 MB list.
//!
//! ```text
//! "dossier delta\n" 1                  magic and version, when the log is created
//! per commit, one record:
//!   length                             of the body, 4 bytes, little-endian
//!   body                               varint count, then per file:
//!     path                               varint length and its bytes
//!     kind                               1 byte: 0 gone, 1 indexed
//!     size, modified, hash, companies    when indexed, as in the whole list
//!   checksum                           xxh3-64 of the body, 8 bytes
//! ```
//!
//! The commit names how many bytes of the log are its own (see `super::Saved`): a run
//! stopped after appending and before its commit leaves bytes past that length, which
//! readers never look at and the next run cuts off before it appends. So the log and the
//! paragraphs never disagree, as with the whole list.

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::binary::{Input, write_bytes, write_varint};
use super::{FileList, FileRef, FileState};

const MAGIC: &[u8] = b"dossier delta\n";
const VERSION: u8 = 1;
const CHECKSUM_BYTES: usize = 8;
const LENGTH_BYTES: usize = 4;

/// One commit's changes: the files new or changed, with their state, and those gone.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delta {
    /// Files indexed anew or whose state changed, each path once.
    pub files: FileList,
    /// Paths the index no longer holds.
    pub removed: Vec<String>,
}

impl Delta {
    /// Whether the commit changed no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.removed.is_empty()
    }
}

/// The record of `delta`, as appended to the log.
fn encode_record(delta: &Delta) -> Vec<u8> {
    let mut body = Vec::new();
    let files = delta.files.in_walk_order();
    // Writing to a Vec cannot fail.
    let _ = write_varint(&mut body, (files.len() + delta.removed.len()) as u64);
    for path in &delta.removed {
        let _ = write_bytes(&mut body, path.as_bytes());
        body.push(0);
    }
    for (path, state) in files.iter() {
        let _ = write_bytes(&mut body, path.as_bytes());
        body.push(1);
        let _ = write_varint(&mut body, state.size);
        let _ = write_varint(&mut body, state.modified);
        body.extend_from_slice(&state.hash.to_le_bytes());
        let _ = write_varint(&mut body, state.companies.len() as u64);
        for &company in state.companies {
            let _ = write_varint(&mut body, u64::from(company));
        }
    }
    let mut record = Vec::with_capacity(LENGTH_BYTES + body.len() + CHECKSUM_BYTES);
    // A record of more than 4 GB would be a run that changed tens of millions of files;
    // such a run writes the whole list instead (see `super::save`).
    record.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_le_bytes());
    record.extend_from_slice(&body);
    record.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&body).to_le_bytes());
    record
}

/// Appends the record of `delta` to the log at `path`, of which the last commit owns
/// `owned` bytes (0: no log yet); returns the bytes the next commit owns. Bytes past
/// `owned`, left by a run stopped before its commit, are cut off first.
pub(super) fn append(path: &Path, owned: u64, delta: &Delta) -> Result<u64> {
    let cannot = || format!("cannot write {}", path.display());
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(cannot)?;
    let length = file.metadata().with_context(cannot)?.len();
    if length < owned {
        bail!(
            "its file list log {} is shorter than its last commit says",
            path.display()
        );
    }
    file.set_len(owned).with_context(cannot)?;
    let mut bytes = Vec::new();
    if owned == 0 {
        bytes.extend_from_slice(MAGIC);
        bytes.push(VERSION);
    }
    bytes.extend_from_slice(&encode_record(delta));
    file.seek(SeekFrom::Start(owned)).with_context(cannot)?;
    file.write_all(&bytes).with_context(cannot)?;
    // On disk before the commit that names it; a few bytes, unlike the whole list.
    file.sync_data().with_context(cannot)?;
    Ok(owned + bytes.len() as u64)
}

/// Reads the first `owned` bytes of the log at `path` and applies its records in order to
/// `files`; an error when the log is shorter, damaged, or not a log.
pub(super) fn apply(path: &Path, owned: u64, files: &mut FileList) -> Result<()> {
    let mut bytes = Vec::new();
    let file = fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    file.take(owned)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if (bytes.len() as u64) < owned {
        bail!("it is shorter than its last commit says");
    }
    let delta = decode(&bytes)?;
    files.apply(&delta.files, &delta.removed);
    Ok(())
}

/// The changes of all records of a log, folded: a later record's word on a path wins.
fn decode(bytes: &[u8]) -> Result<Delta> {
    let Some(mut rest) = bytes
        .strip_prefix(MAGIC)
        .and_then(|rest| rest.strip_prefix(&[VERSION]))
    else {
        bail!("it is not a dossier file list log of version {VERSION}");
    };
    let mut last: HashMap<String, Option<FileState>> = HashMap::new();
    while !rest.is_empty() {
        if rest.len() < LENGTH_BYTES + CHECKSUM_BYTES {
            bail!("it ends too early");
        }
        let (length, after) = rest.split_at(LENGTH_BYTES);
        let length = u32::from_le_bytes(length.try_into().expect("four bytes")) as usize;
        if after.len() < length + CHECKSUM_BYTES {
            bail!("it ends too early");
        }
        let (body, after) = after.split_at(length);
        let (checksum, after) = after.split_at(CHECKSUM_BYTES);
        if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != checksum {
            bail!("it is damaged (a checksum does not match)");
        }
        decode_body(body, &mut last)?;
        rest = after;
    }
    let mut delta = Delta::default();
    for (path, state) in last {
        match state {
            Some(state) => {
                delta.files.insert(&path, state);
            }
            None => delta.removed.push(path),
        }
    }
    delta.files.sort();
    Ok(delta)
}

fn decode_body(body: &[u8], last: &mut HashMap<String, Option<FileState>>) -> Result<()> {
    let mut input = Input { bytes: body };
    let count = input.varint()?;
    for _ in 0..count {
        let path = std::str::from_utf8(input.bytes_field()?)?.to_string();
        let state = match input.take(1)?[0] {
            0 => None,
            1 => {
                let size = input.varint()?;
                let modified = input.varint()?;
                let hash = u128::from_le_bytes(input.take(16)?.try_into().expect("sixteen bytes"));
                let count = input.varint()?;
                let mut companies = Vec::new();
                for _ in 0..count {
                    companies.push(u32::try_from(input.varint()?)?);
                }
                Some(
                    FileRef {
                        size,
                        modified,
                        hash,
                        companies: &companies,
                    }
                    .to_state(),
                )
            }
            kind => bail!("a change has the unknown kind {kind}"),
        };
        last.insert(path, state);
    }
    if !input.bytes.is_empty() {
        bail!("a record has bytes after its last change");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(size: u64, companies: &[u32]) -> FileState {
        FileState {
            size,
            modified: 1_700_000_000_000_000_000 + size,
            hash: u128::MAX - u128::from(size),
            companies: companies.to_vec(),
        }
    }

    fn list(files: &[(&str, u64)]) -> FileList {
        let mut list = FileList::default();
        for &(path, size) in files {
            list.insert(path, state(size, &[size as u32]));
        }
        list.sort();
        list
    }

    fn delta(files: &[(&str, u64)], removed: &[&str]) -> Delta {
        Delta {
            files: list(files),
            removed: removed.iter().map(|path| path.to_string()).collect(),
        }
    }

    #[test]
    fn records_appended_then_applied_give_the_list_the_changes_make() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("files-1.delta");
        let base = list(&[("a/x.txt", 1), ("a/y.txt", 2), ("b.txt", 3)]);
        let first = delta(&[("a/x.txt", 10), ("a-b/z.txt", 4)], &["b.txt"]);
        let second = delta(&[("b.txt", 5)], &["a/y.txt", "a-b/z.txt"]);
        let owned = append(&log, 0, &first).unwrap();
        let owned = append(&log, owned, &second).unwrap();
        let mut read = base.clone();
        apply(&log, owned, &mut read).unwrap();
        let mut expected = base;
        expected.apply(&first.files, &first.removed);
        expected.apply(&second.files, &second.removed);
        assert_eq!(read, expected);
        assert_eq!(
            read.iter()
                .map(|(path, file)| (path, file.size))
                .collect::<Vec<_>>(),
            [("a/x.txt", 10), ("b.txt", 5)]
        );
    }

    #[test]
    fn bytes_past_the_commit_are_ignored_then_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("files-1.delta");
        let base = list(&[("a.txt", 1)]);
        let committed = append(&log, 0, &delta(&[("a.txt", 2)], &[])).unwrap();
        // A run that appended, then was killed before its commit, and a torn write.
        let stray = append(&log, committed, &delta(&[("b.txt", 9)], &[])).unwrap();
        let mut file = fs::OpenOptions::new().append(true).open(&log).unwrap();
        file.write_all(b"\x07torn").unwrap();
        let mut read = base.clone();
        apply(&log, committed, &mut read).unwrap();
        assert_eq!(read.paths().collect::<Vec<_>>(), ["a.txt"]);
        assert_eq!(read.get("a.txt").map(|f| f.size), Some(2));
        // The next run appends after the committed bytes, never after the stray ones.
        let next = append(&log, committed, &delta(&[], &["a.txt"])).unwrap();
        assert!(next < stray + 5);
        let mut read = base;
        apply(&log, next, &mut read).unwrap();
        assert!(read.is_empty());
    }

    #[test]
    fn a_short_or_damaged_log_is_an_error_never_a_wrong_list() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("files-1.delta");
        let owned = append(&log, 0, &delta(&[("a.txt", 2)], &["b.txt"])).unwrap();
        let mut files = FileList::default();
        assert!(apply(&log, owned + 1, &mut files).is_err());
        let bytes = fs::read(&log).unwrap();
        for at in [3, MAGIC.len() + 2, bytes.len() / 2 + 4, bytes.len() - 1] {
            let mut changed = bytes.clone();
            changed[at] ^= 0x20;
            fs::write(&log, &changed).unwrap();
            assert!(apply(&log, owned, &mut files).is_err(), "byte {at} changed");
        }
        assert!(append(&log, owned + 100, &Delta::default()).is_err());
    }
}
