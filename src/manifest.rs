//! What an index holds from each file of its folder, so that re-indexing reads only the
//! files that changed.
//!
//! The manifest is a file in the index folder, `files-N.bin`, named in the payload of the
//! tantivy commit that made it true. Indexing writes the new manifest first and commits
//! second: a crash between the two leaves the previous commit naming the previous
//! manifest, so the manifest and the paragraphs never disagree. Manifests no commit names
//! any more are removed by the next indexing run.
//!
//! The file is binary (see `binary`): a million files take some 40 MB and are read and
//! written in a fraction of the time JSON took. Indexes of earlier versions name a
//! `files-N.json`, which is still read; their next commit writes the binary form.
//!
//! A commit that changed a few files does not write the whole list again: it appends
//! its changes to the list's log, `files-N.delta` (see `delta`), and names the list and
//! how much of the log is its own. Once the log has grown to an eighth of the list, the
//! next commit writes the whole list anew.

use std::fmt;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tantivy::Index;

use crate::walk::FoundFile;

mod binary;
mod delta;
mod list;

pub use delta::Delta;
pub use list::{FileList, FileRef, walk_order};

/// Prefix and extensions of manifest files in an index folder: the binary form written
/// now, and the JSON one of earlier versions, still read.
const MANIFEST_PREFIX: &str = "files-";
const MANIFEST_EXTENSION: &str = ".bin";
const JSON_EXTENSION: &str = ".json";
/// Extension of the log of changes to a whole list (see `delta`).
const DELTA_EXTENSION: &str = ".delta";

/// The files an index holds and what it was built with. Saved in binary (see `binary`);
/// the JSON form of earlier versions had each file as one array `[path, size, modified,
/// hash, companies]`, read into the map directly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The folder the index was built from, canonical.
    pub source: PathBuf,
    /// Fingerprint of everything besides the files that decides the paragraphs and their
    /// tags (index format, taxonomy, tagging on or off, JSON Lines fields): when it
    /// changes, every file is read and tagged again.
    pub settings: String,
    /// Each indexed file by its path relative to the folder.
    #[serde(serialize_with = "save_files", deserialize_with = "load_files")]
    pub files: FileList,
}

/// One file as saved.
type SavedFile<'a> = (&'a str, u64, u64, String, &'a [u32]);

fn save_files<S: Serializer>(files: &FileList, serializer: S) -> Result<S::Ok, S::Error> {
    let sorted = files.in_walk_order();
    let mut seq = serializer.serialize_seq(Some(sorted.len()))?;
    for (path, state) in sorted.iter() {
        let saved: SavedFile = (
            path,
            state.size,
            state.modified,
            format!("{:032x}", state.hash),
            state.companies,
        );
        seq.serialize_element(&saved)?;
    }
    seq.end()
}

fn load_files<'de, D: Deserializer<'de>>(deserializer: D) -> Result<FileList, D::Error> {
    deserializer.deserialize_seq(FilesVisitor)
}

struct FilesVisitor;

impl<'de> Visitor<'de> for FilesVisitor {
    type Value = FileList;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list of [path, size, modified, hash, companies]")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FileList, A::Error> {
        let mut files = FileList::with_capacity(seq.size_hint().unwrap_or(0), 0);
        while let Some((path, size, modified, hash, companies)) =
            seq.next_element::<(String, u64, u64, String, Vec<u32>)>()?
        {
            let hash = u128::from_str_radix(&hash, 16)
                .map_err(|_| A::Error::custom(format!("the hash of {path} is not valid")))?;
            let state = FileState {
                size,
                modified,
                hash,
                companies,
            };
            files.insert(&path, state);
        }
        files.sort();
        Ok(files)
    }
}

/// What the index knows of one file: kept small, a gigabyte of news is a million files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    /// Size in bytes when indexed.
    pub size: u64,
    /// Modification time when indexed, nanoseconds since the Unix epoch.
    pub modified: u64,
    /// Hash of the file's bytes, so a file touched but not changed is not indexed again.
    pub hash: u128,
    /// Known companies tagged in the file, by taxonomy index, sorted.
    pub companies: Vec<u32>,
}

impl FileState {
    /// The state of a file the walk found, with the hash of its bytes.
    pub fn of(file: &FoundFile, hash: u128) -> FileState {
        FileState {
            size: file.size,
            modified: file.modified,
            hash,
            companies: Vec::new(),
        }
    }

    /// Whether the file's size and time still match, so it need not be read: the same
    /// test as rsync's and make's.
    pub fn matches(&self, file: &FoundFile) -> bool {
        self.size == file.size && self.modified == file.modified
    }
}

/// Hash of a file's bytes, as a manifest stores it.
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Fingerprint of the settings an index was built with (see [`Manifest::settings`]).
pub fn settings_fingerprint(parts: &[&str]) -> String {
    let joined = parts.join("\u{0}");
    format!("{:032x}", content_hash(joined.as_bytes()))
}

/// What the last commit of an index says: the file list it names.
///
/// `{"manifest": "files-7.bin"}`: the whole list, written for commit 7 (the only form of
/// earlier versions). `{"base": "files-7.bin", "delta_bytes": 812, "commit": 9}`: that
/// whole list with the first 812 bytes of its log `files-7.delta` applied, for commit 9.
/// The second form has no `manifest` key, so an earlier version (which would read the
/// whole list without its log, and take files changed since for unchanged) calls the
/// index damaged rather than index it wrongly.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    manifest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delta_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    commit: Option<u64>,
}

/// Where the file list of a commit is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    /// Sequence number of the commit: one more with each commit.
    pub commit: u64,
    /// Sequence number of the whole list (`files-N.bin`) the commit builds on.
    pub base: u64,
    /// Bytes of that list's log (`files-N.delta`) that belong to the commit; 0 for none.
    pub delta_bytes: u64,
}

/// The manifest of the last commit and where it is; None for an index that has never
/// been committed with one.
pub fn load(index: &Index, index_path: &Path) -> Result<Option<(Manifest, Saved)>> {
    let Some(saved) = last_saved(index)? else {
        return Ok(None);
    };
    let path = existing_file(index_path, saved.base);
    let not_valid = || format!("its file list {} is not valid", path.display());
    let bytes =
        fs::read(&path).with_context(|| format!("cannot read its file list {}", path.display()))?;
    let mut manifest: Manifest = if path.extension().is_some_and(|e| e == "bin") {
        binary::decode(&bytes).with_context(not_valid)?
    } else {
        serde_json::from_slice(&bytes).with_context(not_valid)?
    };
    if saved.delta_bytes > 0 {
        let log = index_path.join(delta_name(saved.base));
        delta::apply(&log, saved.delta_bytes, &mut manifest.files)
            .with_context(|| format!("its file list log {} is not valid", log.display()))?;
    }
    Ok(Some((manifest, saved)))
}

/// The sequence number of the last commit, without reading its file list; None for an
/// index that has never been committed with one.
pub fn last_sequence(index: &Index) -> Result<Option<u64>> {
    Ok(last_saved(index)?.map(|saved| saved.commit))
}

/// Where the file list of the last commit is, without reading it; None for an index that
/// has never been committed with one.
pub fn last_saved(index: &Index) -> Result<Option<Saved>> {
    let metas = index.load_metas()?;
    let Some(text) = metas.payload else {
        return Ok(None);
    };
    let no_list = || format!("its last commit names no file list ({text:?})");
    let payload: Payload = serde_json::from_str(&text).with_context(no_list)?;
    let strange = |name: &str| format!("its file list has a strange name {name:?}");
    let saved = match (&payload.manifest, &payload.base) {
        (Some(name), None) => {
            let base = sequence_of(name).with_context(|| strange(name))?;
            Saved {
                commit: base,
                base,
                delta_bytes: 0,
            }
        }
        (None, Some(name)) => {
            let base = sequence_of(name).with_context(|| strange(name))?;
            Saved {
                commit: payload.commit.unwrap_or(base),
                base,
                delta_bytes: payload.delta_bytes.unwrap_or(0),
            }
        }
        _ => bail!(no_list()),
    };
    Ok(Some(saved))
}

/// Size and modification time of the whole list a commit builds on: tells a manifest
/// kept in memory from one saved anew under the same name.
pub fn stamp(index_path: &Path, saved: Saved) -> Result<(u64, Option<std::time::SystemTime>)> {
    let meta = fs::metadata(existing_file(index_path, saved.base))?;
    Ok((meta.len(), meta.modified().ok()))
}

fn file_name(sequence: u64) -> String {
    format!("{MANIFEST_PREFIX}{sequence}{MANIFEST_EXTENSION}")
}

fn delta_name(sequence: u64) -> String {
    format!("{MANIFEST_PREFIX}{sequence}{DELTA_EXTENSION}")
}

/// The manifest with sequence number `sequence`: the binary one, or the JSON one an
/// earlier version wrote.
fn existing_file(index_path: &Path, sequence: u64) -> PathBuf {
    let binary = index_path.join(file_name(sequence));
    let json = index_path.join(format!("{MANIFEST_PREFIX}{sequence}{JSON_EXTENSION}"));
    if !binary.exists() && json.exists() {
        json
    } else {
        binary
    }
}

/// The log of a whole list is written anew as a whole list once it is larger than this
/// share of the list (plus `FOLD_SLACK`): reading it back stays a small part of loading.
const FOLD_SHARE: u64 = 8;
const FOLD_SLACK: u64 = 64 * 1024;

/// Saves the file list of the commit after `previous`: the changes `delta` appended to
/// the log of `previous`'s whole list, or `manifest` whole (`whole`, no previous commit,
/// or a log grown large). Returns the commit payload that names it, and where it is.
pub fn save(
    index_path: &Path,
    manifest: &Manifest,
    delta: &Delta,
    previous: Option<Saved>,
    whole: bool,
) -> Result<(String, Saved)> {
    let commit = previous.map_or(1, |saved| saved.commit + 1);
    if let Some(previous) = previous.filter(|_| !whole) {
        let base = index_path.join(file_name(previous.base));
        // An earlier version's JSON list is written anew in binary, with no log.
        if let Ok(meta) = fs::metadata(&base) {
            let log = index_path.join(delta_name(previous.base));
            let owned = delta::append(&log, previous.delta_bytes, delta)?;
            if owned <= meta.len() / FOLD_SHARE + FOLD_SLACK {
                let payload = Payload {
                    base: Some(file_name(previous.base)),
                    delta_bytes: Some(owned),
                    commit: Some(commit),
                    ..Payload::default()
                };
                let saved = Saved {
                    commit,
                    base: previous.base,
                    delta_bytes: owned,
                };
                return Ok((serde_json::to_string(&payload)?, saved));
            }
        }
    }
    let name = file_name(commit);
    let path = index_path.join(&name);
    let cannot = || format!("cannot write {}", path.display());
    let mut out = BufWriter::new(fs::File::create(&path).with_context(cannot)?);
    binary::encode(manifest, &mut out).with_context(cannot)?;
    out.flush().with_context(cannot)?;
    let payload = Payload {
        manifest: Some(name),
        ..Payload::default()
    };
    let saved = Saved {
        commit,
        base: commit,
        delta_bytes: 0,
    };
    Ok((serde_json::to_string(&payload)?, saved))
}

/// Removes the file lists and logs other than those `keep` is made of: left by earlier
/// commits, or by a run that stopped before its commit.
pub fn remove_stale(index_path: &Path, keep: Saved) -> Result<()> {
    let entries = fs::read_dir(index_path)
        .with_context(|| format!("cannot read the index folder {}", index_path.display()))?;
    for entry in entries.filter_map(|entry| entry.ok()) {
        let name = entry.file_name();
        let Some(sequence) = sequence_of(&name.to_string_lossy()) else {
            continue;
        };
        if sequence != keep.base {
            let path = entry.path();
            fs::remove_file(&path)
                .with_context(|| format!("cannot remove the old file list {}", path.display()))?;
        }
    }
    Ok(())
}

fn sequence_of(name: &str) -> Option<u64> {
    let rest = name.strip_prefix(MANIFEST_PREFIX)?;
    rest.strip_suffix(MANIFEST_EXTENSION)
        .or_else(|| rest.strip_suffix(JSON_EXTENSION))
        .or_else(|| rest.strip_suffix(DELTA_EXTENSION))?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_tells_contents_apart() {
        assert_eq!(content_hash(b"Copper rose."), content_hash(b"Copper rose."));
        assert_ne!(content_hash(b"Copper rose."), content_hash(b"Copper rose!"));
        assert_ne!(content_hash(b""), 0);
    }

    #[test]
    fn only_manifest_names_have_a_sequence() {
        assert_eq!(sequence_of("files-12.json"), Some(12));
        assert_eq!(sequence_of("files-12.bin"), Some(12));
        assert_eq!(sequence_of("files-12.delta"), Some(12));
        assert_eq!(sequence_of("files-.json"), None);
        assert_eq!(sequence_of("files-3.json.tmp"), None);
        assert_eq!(sequence_of("names.json"), None);
    }

    fn listed(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(MANIFEST_PREFIX))
            .collect();
        names.sort();
        names
    }

    fn state(size: u64) -> FileState {
        FileState {
            size,
            modified: 1_700_000_000_000_000_000 + size,
            hash: u128::from(size) << 64,
            companies: vec![size as u32 % 7],
        }
    }

    /// Commits `payload` to a tantivy index in memory, as a run's commit would.
    fn committed(payload: &str) -> Index {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload(payload);
        prepared.commit().unwrap();
        index
    }

    #[test]
    fn small_changes_go_to_the_log_and_a_large_log_is_folded_into_a_new_list() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = Manifest {
            source: PathBuf::from("/docs"),
            settings: "s".to_string(),
            files: FileList::default(),
        };
        for n in 0..100 {
            manifest.files.insert(&format!("news/{n:03}.txt"), state(n));
        }
        let (_, first) = save(dir.path(), &manifest, &Delta::default(), None, true).unwrap();
        assert_eq!(
            first,
            Saved {
                commit: 1,
                base: 1,
                delta_bytes: 0
            }
        );
        fs::write(dir.path().join("files-0.json"), "{}").unwrap();

        // One file changed, one gone, one new: a few bytes appended to the log.
        let mut delta = Delta::default();
        delta.files.insert("news/050.txt", state(5000));
        delta.files.insert("news/new.txt", state(7));
        delta.removed.push("news/001.txt".to_string());
        manifest.files.apply(&delta.files, &delta.removed);
        let (payload, second) = save(dir.path(), &manifest, &delta, Some(first), false).unwrap();
        assert_eq!((second.commit, second.base), (2, 1));
        assert!(
            second.delta_bytes > 0 && second.delta_bytes < 200,
            "{second:?}"
        );
        remove_stale(dir.path(), second).unwrap();
        assert_eq!(listed(dir.path()), ["files-1.bin", "files-1.delta"]);
        let (read, saved) = load(&committed(&payload), dir.path()).unwrap().unwrap();
        assert_eq!(saved, second);
        assert_eq!(read, manifest);
        assert_eq!(read.files.len(), 100);

        // A log larger than its share of the list: the whole list is written anew.
        let mut large = Delta::default();
        for n in 0..2000 {
            large.files.insert(&format!("more/{n:04}.txt"), state(n));
        }
        manifest.files.apply(&large.files, &large.removed);
        let (payload, third) = save(dir.path(), &manifest, &large, Some(second), false).unwrap();
        assert_eq!(
            third,
            Saved {
                commit: 3,
                base: 3,
                delta_bytes: 0
            }
        );
        assert!(payload.contains(r#""manifest":"files-3.bin""#), "{payload}");
        remove_stale(dir.path(), third).unwrap();
        assert_eq!(listed(dir.path()), ["files-3.bin"]);
        let (read, _) = load(&committed(&payload), dir.path()).unwrap().unwrap();
        assert_eq!(read, manifest);
        assert_eq!(last_sequence(&committed(&payload)).unwrap(), Some(3));
    }

    #[test]
    fn a_saved_manifest_reads_back_the_same() {
        let mut files = FileList::default();
        files.insert(
            "news/a b\nc.txt",
            FileState {
                size: 12,
                modified: 1_700_000_000_123_456_789,
                hash: u128::MAX - 5,
                companies: vec![3, 17],
            },
        );
        let manifest = Manifest {
            source: PathBuf::from("/docs"),
            settings: "s".to_string(),
            files,
        };
        let saved = serde_json::to_string(&manifest).unwrap();
        assert!(
            saved.contains(r#"["news/a b\nc.txt",12,1700000000123456789,"#),
            "{saved}"
        );
        let read: Manifest = serde_json::from_str(&saved).unwrap();
        assert_eq!(read, manifest);
    }
}
