//! What an index holds from each file of its folder, so that re-indexing reads only the
//! files that changed.
//!
//! The manifest is a JSON file in the index folder, `files-N.json`, named in the payload
//! of the tantivy commit that made it true. Indexing writes the new manifest first and
//! commits second: a crash between the two leaves the previous commit naming the previous
//! manifest, so the manifest and the paragraphs never disagree. Manifests no commit names
//! any more are removed by the next indexing run.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::Index;

use crate::walk::FoundFile;

/// Prefix and extension of manifest files in an index folder.
const MANIFEST_PREFIX: &str = "files-";
const MANIFEST_EXTENSION: &str = ".json";

/// The files an index holds and what it was built with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The folder the index was built from, canonical.
    pub source: PathBuf,
    /// Fingerprint of everything besides the files that decides the paragraphs and their
    /// tags (index format, taxonomy, tagging on or off, JSON Lines fields): when it
    /// changes, every file is read and tagged again.
    pub settings: String,
    /// Each indexed file by its path relative to the folder.
    pub files: BTreeMap<String, FileState>,
}

/// What the index knows of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    /// Size in bytes when indexed.
    pub size: u64,
    /// Modification time when indexed, nanoseconds since the Unix epoch.
    pub modified: u64,
    /// Hash of the file's bytes, so a file touched but not changed is not indexed again.
    pub hash: String,
    /// Known companies tagged in the file, by taxonomy index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub companies: Vec<usize>,
}

impl FileState {
    /// The state of a file the walk found, with the hash of its bytes.
    pub fn of(file: &FoundFile, hash: String) -> FileState {
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
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// Fingerprint of the settings an index was built with (see [`Manifest::settings`]).
pub fn settings_fingerprint(parts: &[&str]) -> String {
    let joined = parts.join("\u{0}");
    content_hash(joined.as_bytes())
}

/// What the last commit of an index says: the manifest file it names.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    manifest: String,
}

/// The manifest of the last commit and its sequence number; None for an index that has
/// never been committed with one.
pub fn load(index: &Index, index_path: &Path) -> Result<Option<(Manifest, u64)>> {
    let metas = index.load_metas()?;
    let Some(payload) = metas.payload else {
        return Ok(None);
    };
    let payload: Payload = serde_json::from_str(&payload)
        .with_context(|| format!("its last commit names no file list ({payload:?})"))?;
    let sequence = sequence_of(&payload.manifest)
        .with_context(|| format!("its file list has a strange name {:?}", payload.manifest))?;
    let path = index_path.join(&payload.manifest);
    let text = fs::read_to_string(&path)
        .with_context(|| format!("cannot read its file list {}", path.display()))?;
    let manifest = serde_json::from_str(&text)
        .with_context(|| format!("its file list {} is not valid", path.display()))?;
    Ok(Some((manifest, sequence)))
}

/// Writes the manifest with sequence number `sequence`; returns the commit payload that
/// names it.
pub fn save(index_path: &Path, manifest: &Manifest, sequence: u64) -> Result<String> {
    let name = format!("{MANIFEST_PREFIX}{sequence}{MANIFEST_EXTENSION}");
    let path = index_path.join(&name);
    let text = serde_json::to_string(manifest)?;
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
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
    name.strip_prefix(MANIFEST_PREFIX)?
        .strip_suffix(MANIFEST_EXTENSION)?
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
        assert_eq!(content_hash(b"").len(), 32);
    }

    #[test]
    fn only_manifest_names_have_a_sequence() {
        assert_eq!(sequence_of("files-12.json"), Some(12));
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
            files: BTreeMap::new(),
        };
        save(dir.path(), &manifest, 1).unwrap();
        let payload = save(dir.path(), &manifest, 2).unwrap();
        fs::write(dir.path().join("names.json"), "{}").unwrap();
        remove_stale(dir.path(), 2).unwrap();
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["files-2.json", "names.json"]);
        assert!(payload.contains("files-2.json"), "{payload}");
    }
}
