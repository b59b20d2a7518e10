//! The cluster sink: an indexing run's paragraphs go to an OpenSearch index instead of
//! the local one, driven by the same manifest logic.
//!
//! The manifest (what the cluster holds from each file) is kept in the cluster itself, so
//! it cannot disagree with the data: in parts in the side index `INDEX-manifest`, named by
//! `_meta.dossier.manifest` of the paragraph index's mapping. Updating that `_meta` ends a
//! run, as a commit does locally; a run stopped before it leaves the previous manifest in
//! force, and the next run reads the same changed files again (sending a paragraph twice
//! replaces it: its `_id` comes from its path and line). An index that is missing, or was
//! made with another mapping, is created anew and filled from every file.
//!
//! A changed or deleted file's paragraphs are deleted by path (`_delete_by_query`, a term
//! on `path`, refreshed) before its new ones are sent. Files whose paragraphs or deletes
//! failed stay in the manifest marked to be read again.

use std::collections::HashSet;
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::bulk::{Bulker, Outcome};
use super::client::Client;
use super::document::push_bulk_lines;
use super::mapping::{MAPPING_VERSION, manifest_mapping, mapping};
use crate::index::{self, Entry, Finish, Finished, KeptManifest, Sink};
use crate::manifest::{FileState, Manifest};

/// Largest part of the saved manifest, in bytes (a million files are about 100 MB).
const MANIFEST_PART_BYTES: usize = 4 * 1024 * 1024;
/// Most paths in one `_delete_by_query`.
const PATHS_PER_DELETE: usize = 500;

/// Paragraphs go to the index `index` of the cluster of `client`.
pub struct ClusterSink {
    client: Client,
    index: String,
    bulker: Bulker,
    /// Files whose old paragraphs could not be deleted: read again next run.
    undeleted: Mutex<HashSet<String>>,
}

/// Where the manifest of the last run is: `_meta.dossier.manifest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Saved {
    sequence: u64,
    parts: u64,
}

impl ClusterSink {
    /// Opens the index `index` of the cluster, creating it with the mapping when it is
    /// missing, or anew when it was made with another mapping.
    pub fn open(client: Client, index: &str) -> Result<ClusterSink> {
        check_index_name(index)?;
        // A wrong URL is said at once; retries are for a cluster that was there.
        if let Err(err) = client.send("GET", "/", None) {
            bail!(
                "no OpenSearch cluster answers at {} ({err}); start one or check --opensearch",
                client.url()
            );
        }
        if client.index_exists(index)? {
            let version = meta(&client, index)?["mapping"].as_u64();
            if version != Some(u64::from(MAPPING_VERSION)) {
                client.warn(&format!(
                    "the index {index} at {} was made by another version of dossier (or another \
                     tool); making it anew",
                    client.url()
                ));
                recreate(&client, index)?;
            }
        } else {
            create(&client, index)?;
        }
        let bulker = Bulker::new(&client, index);
        Ok(ClusterSink {
            client,
            index: index.to_string(),
            bulker,
            undeleted: Mutex::new(HashSet::new()),
        })
    }
}

/// The side index that keeps the manifests of `index`.
fn manifest_index(index: &str) -> String {
    format!("{index}-manifest")
}

/// The manifest of `index` saved as `saved`.
fn load_manifest(client: &Client, index: &str, saved: Saved) -> Result<Manifest> {
    let side = manifest_index(index);
    let mut text = String::new();
    for part in 0..saved.parts {
        let path = format!("/{side}/_doc/{}-{part}", saved.sequence);
        let doc = client.json("GET", &path, None, "read its file list")?;
        let data = doc["_source"]["data"]
            .as_str()
            .with_context(|| format!("part {part} of the file list in {side} is missing"))?;
        text.push_str(data);
    }
    serde_json::from_str(&text).with_context(|| {
        format!(
            "the file list kept in {side} at {} is damaged; index again with --rebuild",
            client.url()
        )
    })
}

/// Saves `manifest` of `index` as sequence `sequence`, in parts; returns how many.
fn save_manifest(client: &Client, index: &str, manifest: &Manifest, sequence: u64) -> Result<u64> {
    let side = manifest_index(index);
    if !client.index_exists(&side)? {
        let mapping = manifest_mapping();
        client.json(
            "PUT",
            &format!("/{side}"),
            Some(&mapping),
            "create the index of file lists",
        )?;
    }
    let text = serde_json::to_string(manifest)?;
    let parts = split_at_chars(&text, MANIFEST_PART_BYTES);
    for (part, data) in parts.iter().enumerate() {
        let doc = json!({"sequence": sequence, "part": part, "data": data});
        client.json(
            "PUT",
            &format!("/{side}/_doc/{sequence}-{part}?refresh=true"),
            Some(&doc),
            "save its file list",
        )?;
    }
    Ok(parts.len() as u64)
}

impl Sink for ClusterSink {
    fn previous(
        &mut self,
        rebuild: bool,
        _kept: &mut KeptManifest,
    ) -> Result<(Option<Manifest>, Option<u64>)> {
        // The manifest is read from the cluster every run: another process may have
        // changed it, and nothing here tells.
        let saved = meta(&self.client, &self.index)?["manifest"].clone();
        let saved = match (saved["sequence"].as_u64(), saved["parts"].as_u64()) {
            (Some(sequence), Some(parts)) => Saved { sequence, parts },
            _ => return Ok((None, None)),
        };
        if rebuild {
            return Ok((None, Some(saved.sequence)));
        }
        Ok((
            Some(load_manifest(&self.client, &self.index, saved)?),
            Some(saved.sequence),
        ))
    }

    fn delete_all(&mut self) -> Result<()> {
        recreate(&self.client, &self.index)
    }

    fn delete_files(&self, paths: &[&str]) -> Result<()> {
        for chunk in paths.chunks(PATHS_PER_DELETE) {
            if let Err(err) = delete_by_path(&self.client, &self.index, chunk) {
                if let Ok(mut undeleted) = self.undeleted.lock() {
                    undeleted.extend(chunk.iter().map(|path| path.to_string()));
                }
                return Err(err);
            }
        }
        Ok(())
    }

    fn add(&self, entry: &Entry<'_>) -> Result<()> {
        let mut lines = String::with_capacity(entry.text.len() * 2 + 512);
        push_bulk_lines(&mut lines, &self.index, entry);
        self.bulker.push(entry.path, lines);
        Ok(())
    }

    fn finish(self, run: Finish<'_>) -> Result<Finished> {
        let ClusterSink {
            client,
            index,
            bulker,
            undeleted,
        } = self;
        let Outcome {
            failed,
            failed_paths,
            ..
        } = bulker.finish();
        client.json(
            "POST",
            &format!("/{index}/_refresh"),
            None,
            "make the new paragraphs searchable",
        )?;
        let mut manifest = run.manifest;
        let undeleted = undeleted.into_inner().unwrap_or_default();
        // A state no file matches: the next run reads the file, deletes what the cluster
        // holds of it and sends it again (or deletes it, when it is gone).
        for path in failed_paths.into_iter().chain(undeleted) {
            manifest.files.insert(
                &path,
                FileState {
                    size: u64::MAX,
                    modified: 0,
                    hash: 0,
                    companies: Vec::new(),
                },
            );
        }
        manifest.files.sort();
        let sequence = run.sequence.map_or(1, |s| s + 1);
        let parts = save_manifest(&client, &index, &manifest, sequence)?;
        let companies: HashSet<usize> = manifest
            .files
            .iter()
            .flat_map(|(_, state)| state.companies.iter().map(|&id| id as usize))
            .collect();
        let names: Value = serde_json::from_str(&index::company_names_json(
            run.options.taxonomy,
            &companies,
        )?)?;
        let meta = json!({"_meta": {"dossier": {
            "mapping": MAPPING_VERSION,
            "manifest": {"sequence": sequence, "parts": parts},
            "company_names": names,
        }}});
        client.json(
            "PUT",
            &format!("/{index}/_mapping"),
            Some(&meta),
            "record the run",
        )?;
        // Parts of earlier manifests; left behind, they only take room.
        let stale = json!({"query": {"bool": {"must_not": {"term": {"sequence": sequence}}}}});
        search_and_delete(&client, &manifest_index(&index), &stale)?;
        Ok(Finished {
            failed,
            kept: KeptManifest::default(),
        })
    }
}

/// `_meta.dossier` of the index's mapping (null when absent).
fn meta(client: &Client, index: &str) -> Result<Value> {
    let answer = client.json(
        "GET",
        &format!("/{index}/_mapping"),
        None,
        "read the index's mapping",
    )?;
    // The answer is keyed by the index's real name, which an alias may hide.
    let mapping = answer
        .as_object()
        .and_then(|indexes| indexes.values().next())
        .cloned()
        .unwrap_or(Value::Null);
    Ok(mapping["mappings"]["_meta"]["dossier"].clone())
}

fn create(client: &Client, index: &str) -> Result<()> {
    client.json(
        "PUT",
        &format!("/{index}"),
        Some(&mapping()),
        "create the index",
    )?;
    // Green before the first bulk: both copies of every shard are ready.
    client.json(
        "GET",
        &format!("/_cluster/health/{index}?wait_for_status=green&timeout=60s"),
        None,
        "wait for the new index",
    )?;
    Ok(())
}

fn recreate(client: &Client, index: &str) -> Result<()> {
    client.json("DELETE", &format!("/{index}"), None, "delete the index")?;
    create(client, index)
}

/// Deletes the paragraphs of these files with `_delete_by_query` (a terms query on
/// `path`), refreshed, so the next search sees none of them. A cluster without the
/// reindex module (which serves `_delete_by_query`; every distribution has it, the test
/// launcher does not) gets the same by search and bulk delete.
fn delete_by_path(client: &Client, index: &str, paths: &[&str]) -> Result<()> {
    let query = json!({"query": {"terms": {"path": paths}}});
    let body = query.to_string();
    let answer = client.send_retrying(
        "POST",
        &format!("/{index}/_delete_by_query?refresh=true&conflicts=proceed"),
        Some(("application/json", body.as_bytes())),
        "delete the paragraphs of changed files",
    )?;
    if answer.status == 400 && answer.body.contains("no handler found") {
        return search_and_delete(client, index, &query);
    }
    if answer.status >= 400 {
        bail!(
            "the cluster at {} refused to delete the paragraphs of changed files: {} ({})",
            client.url(),
            answer.status,
            answer.reason()
        );
    }
    match answer.json()["failures"].as_array() {
        Some(failures) if !failures.is_empty() => bail!(
            "the cluster at {} could not delete the old paragraphs of {} files: {}",
            client.url(),
            paths.len(),
            failures[0]
        ),
        _ => Ok(()),
    }
}

/// Deletes what `query` matches: ids by search, deleted by bulk, refreshed, until none
/// is left.
fn search_and_delete(client: &Client, index: &str, query: &Value) -> Result<()> {
    let mut search = query.clone();
    search["size"] = json!(5_000);
    search["_source"] = json!(false);
    loop {
        client.json("POST", &format!("/{index}/_refresh"), None, "refresh")?;
        let found = client.json(
            "POST",
            &format!("/{index}/_search"),
            Some(&search),
            "find the paragraphs of changed files",
        )?;
        let hits = found["hits"]["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if hits.is_empty() {
            return Ok(());
        }
        let mut body = String::new();
        for hit in &hits {
            let action = json!({"delete": {"_index": index, "_id": hit["_id"]}});
            body.push_str(&action.to_string());
            body.push('\n');
        }
        let answer = client.send_retrying(
            "POST",
            "/_bulk?refresh=true",
            Some(("application/x-ndjson", body.as_bytes())),
            "delete the paragraphs of changed files",
        )?;
        if answer.status >= 400 || answer.json()["errors"] == json!(true) {
            bail!(
                "the cluster at {} could not delete the old paragraphs of changed files: {}",
                client.url(),
                answer.body.chars().take(300).collect::<String>()
            );
        }
    }
}

/// An index name OpenSearch takes: lower case, no spaces or `\/*?"<>|,#:`, not starting
/// with `-`, `_` or `+`.
fn check_index_name(index: &str) -> Result<()> {
    let bad = index.is_empty()
        || index.starts_with(['-', '_', '+', '.'])
        || index
            .chars()
            .any(|c| c.is_uppercase() || c.is_whitespace() || "\\/*?\"<>|,#:".contains(c))
        || index.len() > 200;
    if bad {
        bail!(
            "--os-index {index:?} is not a name OpenSearch takes; use lower-case letters, digits, \
             - and _ such as dossier"
        );
    }
    Ok(())
}

/// `text` cut into pieces of at most `bytes` bytes, at character boundaries.
fn split_at_chars(text: &str, bytes: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = bytes.min(rest.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (part, tail) = rest.split_at(end);
        parts.push(part);
        rest = tail;
    }
    if parts.is_empty() {
        parts.push("");
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_join_back_and_never_cut_a_character() {
        let text = "aé€😀".repeat(100);
        let parts = split_at_chars(&text, 7);
        assert!(parts.iter().all(|part| part.len() <= 7 && !part.is_empty()));
        assert_eq!(parts.concat(), text);
        assert_eq!(split_at_chars("", 7), [""]);
    }

    #[test]
    fn index_names_are_checked() {
        assert!(check_index_name("dossier").is_ok());
        assert!(check_index_name("news-2024_a").is_ok());
        for bad in ["", "News", "a b", "_x", "a/b", "a,b", "-x"] {
            assert!(check_index_name(bad).is_err(), "{bad}");
        }
    }
}
