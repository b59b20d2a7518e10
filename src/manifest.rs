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

use std::fmt;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tantivy::Index;

use crate::walk::FoundFile;

mod binary;
mod list;

pub use list::{FileList, FileRef, walk_order};

/// Prefix and extensions of manifest files in an index folder: the binary form written
/// now, and the JSON one of earlier versions, still read.
const MANIFEST_PREFIX: &str = "files-";
const MANIFEST_EXTENSION: &str = ".bin";
const JSON_EXTENSION: &str = ".json";

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

/// What the last commit of an index says: the manifest file it names.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    manifest: String,
}

/// The manifest of the last commit and its sequence number; None for an index that has
/// never been committed with one.
pub fn load(index: &Index, index_path: &Path) -> Result<Option<(Manifest, u64)>> {
    let Some(sequence) = last_sequence(index)? else {
        return Ok(None);
    };
    let path = existing_file(index_path, sequence);
    let not_valid = || format!("its file list {} is not valid", path.display());
    let bytes =
        fs::read(&path).with_context(|| format!("cannot read its file list {}", path.display()))?;
    let manifest = if path.extension().is_some_and(|e| e == "bin") {
        binary::decode(&bytes).with_context(not_valid)?
    } else {
        serde_json::from_slice(&bytes).with_context(not_valid)?
    };
    Ok(Some((manifest, sequence)))
}

/// The sequence number of the manifest the last commit names, without reading it; None
/// for an index that has never been committed with one.
pub fn last_sequence(index: &Index) -> Result<Option<u64>> {
    let metas = index.load_metas()?;
    let Some(payload) = metas.payload else {
        return Ok(None);
    };
    let payload: Payload = serde_json::from_str(&payload)
        .with_context(|| format!("its last commit names no file list ({payload:?})"))?;
    let sequence = sequence_of(&payload.manifest)
        .with_context(|| format!("its file list has a strange name {:?}", payload.manifest))?;
    Ok(Some(sequence))
}

/// Size and modification time of the manifest with sequence number `sequence`: tells a
/// manifest kept in memory from one saved anew under the same name.
pub fn stamp(index_path: &Path, sequence: u64) -> Result<(u64, Option<std::time::SystemTime>)> {
    let meta = fs::metadata(existing_file(index_path, sequence))?;
    Ok((meta.len(), meta.modified().ok()))
}

fn file_name(sequence: u64) -> String {
    format!("{MANIFEST_PREFIX}{sequence}{MANIFEST_EXTENSION}")
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

/// Writes the manifest with sequence number `sequence`; returns the commit payload that
/// names it.
pub fn save(index_path: &Path, manifest: &Manifest, sequence: u64) -> Result<String> {
    let name = file_name(sequence);
    let path = index_path.join(&name);
    let cannot = || format!("cannot write {}", path.display());
    let mut out = BufWriter::new(fs::File::create(&path).with_context(cannot)?);
    binary::encode(manifest, &mut out).with_context(cannot)?;
    out.flush().with_context(cannot)?;
    Ok(serde_json::to_string(&Payload { manifest: name })?)
}

/// Removes the manifests other than the one with sequence number `keep`: left by earlier
/// commits, or by a run that stopped before its commit.
pub fn remove_stale(index_path: &Path, keep: u64) -> Result<()> {
    let entries = fs::read_dir(index_path)
        .with_context(|| format!("cannot read the index folder {}", index_path.display()))?;
    for entry in entries.filter_map(|entry| entry.ok()) {
        let name = entry.file_name();
        let Some(sequence) = sequence_of(&name.to_string_lossy()) else {
            continue;
        };
        if sequence != keep {
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
        .or_else(|| rest.strip_suffix(JSON_EXTENSION))?
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
        assert_eq!(sequence_of("files-.json"), None);
        assert_eq!(sequence_of("files-3.json.tmp"), None);
        assert_eq!(sequence_of("names.json"), None);
    }

    #[test]
    fn saving_then_removing_stale_keeps_only_the_current_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = Manifest {
            source: PathBuf::from("/docs"),
            settings: "s".to_string(),
            files: FileList::default(),
        };
        save(dir.path(), &manifest, 1).unwrap();
        fs::write(dir.path().join("files-0.json"), "{}").unwrap();
        let payload = save(dir.path(), &manifest, 2).unwrap();
        fs::write(dir.path().join("names.json"), "{}").unwrap();
        remove_stale(dir.path(), 2).unwrap();
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["files-2.bin", "names.json"]);
        assert!(payload.contains("files-2.bin"), "{payload}");
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
