//! Where an indexing run puts its paragraphs: the `Sink` the pipeline writes to, the
//! `Entry` it hands over for each paragraph, and the local sink, tantivy on disk.
//!
//! The pipeline (walk, read, split, tag, and the manifest logic that decides which files
//! changed) is the same whatever the sink; a sink only stores, deletes by file, and makes a
//! run's changes visible together with the manifest that describes them. The other sink is
//! an OpenSearch cluster (`crate::opensearch`).

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, Result};
use tantivy::schema::Facet;
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::{
    BuildOptions, COMPANY_NAMES_FILE, COMPILED_TAXONOMY_FILE, Fields, KeptManifest, LEXICON_FILE,
    TAXONOMY_FILE, company_names_json, damaged, write_atomically, write_marker,
};
use crate::manifest::{self, Delta, Manifest, Saved};
use crate::tag::Tagger;

/// One paragraph as an index stores it: its text, what it stores of its document, and its
/// tags. Local and cluster sinks store exactly these values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The paragraph's text.
    pub text: &'a str,
    /// The document's title (its file name without extension when it has none).
    pub title: &'a str,
    /// The heading the paragraph sits under.
    pub section: Option<&'a str>,
    /// The document's path relative to the indexed folder.
    pub path: &'a str,
    /// The id of a JSON Lines document.
    pub id: Option<&'a str>,
    /// 1-based line where the paragraph starts (for a JSON Lines document, its line).
    pub line: u64,
    /// 1-based number of the paragraph within its document.
    pub number: u64,
    /// 1-based page of a PDF paragraph.
    pub page: Option<u64>,
    /// The document's date as the number YYYYMMDD.
    pub date: Option<u64>,
    /// Sender and recipients of an e-mail.
    pub people: Vec<&'a str>,
    /// Companies as facets `/Parent/Unit`, in the order the tagger gave them.
    pub companies: Vec<Facet>,
    /// Topics as facets `/topic`.
    pub topics: Vec<Facet>,
}

impl Entry<'_> {
    /// The tantivy document of this paragraph.
    pub fn to_tantivy(&self, fields: Fields) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.text, self.text);
        doc.add_text(fields.title, self.title);
        if let Some(section) = self.section {
            doc.add_text(fields.section, section);
        }
        doc.add_text(fields.path, self.path);
        if let Some(id) = self.id {
            doc.add_text(fields.id, id);
        }
        doc.add_u64(fields.line, self.line);
        doc.add_u64(fields.paragraph, self.number);
        if let Some(page) = self.page {
            doc.add_u64(fields.page, page);
        }
        if let Some(date) = self.date {
            doc.add_u64(fields.date, date);
        }
        for person in &self.people {
            doc.add_text(fields.people, person);
        }
        for company in &self.companies {
            doc.add_facet(fields.companies, company.clone());
        }
        for topic in &self.topics {
            doc.add_facet(fields.topics, topic.clone());
        }
        doc
    }
}

/// Where an indexing run stores paragraphs. Shared by the indexing workers, so `add` and
/// `delete_files` take `&self`.
pub trait Sink: Sync {
    /// The manifest of the last complete run and its sequence number (None when there was
    /// none); with `rebuild` the manifest is not read, only its sequence number. `kept`,
    /// this process's copy from its last run, is taken instead of reading it when the sink
    /// can tell it is still the last run's.
    fn previous(
        &mut self,
        rebuild: bool,
        kept: &mut KeptManifest,
    ) -> Result<(Option<Manifest>, Option<u64>)>;
    /// Removes every paragraph, before a run that indexes every file anew.
    fn delete_all(&mut self) -> Result<()>;
    /// Removes the paragraphs of the files at these paths. Called before any new paragraph
    /// of those files is added.
    fn delete_files(&self, paths: &[&str]) -> Result<()>;
    /// Adds one paragraph.
    fn add(&self, entry: &Entry<'_>) -> Result<()>;
    /// Makes the run's changes visible together with its manifest.
    fn finish(self, run: Finish<'_>) -> Result<Finished>;
    /// The copy of a run's manifest (saved as `sequence`, nothing changed) to keep for
    /// the next run of this process; none by default.
    fn keep(&self, manifest: Manifest, sequence: Option<u64>) -> KeptManifest {
        let _ = (manifest, sequence);
        KeptManifest::default()
    }
}

/// What a sink says when a run ends.
pub struct Finished {
    /// Paragraphs that could not be stored (their files are read again by the next run).
    pub failed: usize,
    /// The manifest to keep for the next run of this process.
    pub kept: KeptManifest,
}

/// What a sink needs to end a run that changed something.
pub struct Finish<'a> {
    /// The files the sink now holds.
    pub manifest: Manifest,
    /// What changed since the previous run's manifest (empty when `settings_changed`).
    pub delta: Delta,
    /// Sequence number of the previous run's manifest.
    pub sequence: Option<u64>,
    /// The taxonomy or settings changed: saved copies of them are written anew.
    pub settings_changed: bool,
    /// The folder indexed.
    pub dir: &'a Path,
    /// The run's options (taxonomy and its text).
    pub options: &'a BuildOptions<'a>,
}

/// The local sink: a tantivy index in a folder, with its manifest and taxonomy copies.
pub struct TantivySink<'a> {
    pub(super) index: Index,
    pub(super) index_path: &'a Path,
    pub(super) writer: IndexWriter,
    pub(super) fields: Fields,
    /// Where the last commit's file list is, once `previous` has looked.
    pub(super) saved: Option<Saved>,
}

impl Sink for TantivySink<'_> {
    fn previous(
        &mut self,
        rebuild: bool,
        kept: &mut KeptManifest,
    ) -> Result<(Option<Manifest>, Option<u64>)> {
        // Opening a reader opens every segment: a missing or damaged one is found here,
        // before anything is written.
        let (index, index_path) = (&self.index, self.index_path);
        index.reader().map_err(|err| damaged(index_path, &err))?;
        let current = kept.take_current(index, index_path);
        if let Some((manifest, saved)) = current.filter(|_| !rebuild) {
            self.saved = Some(saved);
            return Ok((Some(manifest), Some(saved.commit)));
        }
        let loaded = if rebuild {
            manifest::last_saved(index).map(|saved| saved.map(|s| (None, s)))
        } else {
            manifest::load(index, index_path).map(|loaded| loaded.map(|(m, s)| (Some(m), s)))
        };
        match loaded {
            Ok(Some((manifest, saved))) => {
                self.saved = Some(saved);
                Ok((manifest, Some(saved.commit)))
            }
            Ok(None) => Ok((None, None)),
            Err(err) => Err(damaged(index_path, &format!("{err:#}"))),
        }
    }

    fn delete_all(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    fn delete_files(&self, paths: &[&str]) -> Result<()> {
        for path in paths {
            self.writer
                .delete_term(Term::from_field_text(self.fields.path, path));
        }
        Ok(())
    }

    fn add(&self, entry: &Entry<'_>) -> Result<()> {
        self.writer.add_document(entry.to_tantivy(self.fields))?;
        Ok(())
    }

    /// Writes the manifest (its changes to the log, or whole) and the files saved with
    /// the index, then commits: the commit names the manifest, so both change together.
    fn finish(self, run: Finish<'_>) -> Result<Finished> {
        let TantivySink {
            index_path,
            mut writer,
            saved,
            ..
        } = self;
        let options = run.options;
        let (payload, saved) = manifest::save(
            index_path,
            &run.manifest,
            &run.delta,
            saved,
            run.settings_changed,
        )?;
        // Marked by taxonomy index: a million files name a few thousand companies.
        let mut held = vec![false; options.taxonomy.companies.len()];
        for state in run.manifest.files.states() {
            for &id in state.companies {
                if let Some(held) = held.get_mut(id as usize) {
                    *held = true;
                }
            }
        }
        let companies: HashSet<usize> = (0..held.len()).filter(|&id| held[id]).collect();
        write_atomically(
            &index_path.join(COMPANY_NAMES_FILE),
            &company_names_json(options.taxonomy, &companies)?,
        )?;
        // The taxonomy files change only with the settings (their fingerprint covers the
        // taxonomy's text): a run that re-reads a few files leaves them be.
        if run.settings_changed {
            write_atomically(
                &index_path.join(COMPILED_TAXONOMY_FILE),
                &options.taxonomy.to_json()?,
            )?;
            write_atomically(&index_path.join(TAXONOMY_FILE), options.taxonomy_text)?;
            let lexicon_path = index_path.join(LEXICON_FILE);
            match options.tagger.and_then(Tagger::user_lexicon) {
                Some(text) => write_atomically(&lexicon_path, text)?,
                None => remove_if_there(&lexicon_path)?,
            }
            write_marker(index_path, run.dir)?;
        }
        let cannot_commit = || format!("cannot commit the index at {}", index_path.display());
        let mut prepared = writer.prepare_commit().with_context(cannot_commit)?;
        prepared.set_payload(&payload);
        prepared.commit().with_context(cannot_commit)?;
        writer.wait_merging_threads()?;
        manifest::remove_stale(index_path, saved)?;
        Ok(Finished {
            failed: 0,
            kept: KeptManifest::local(run.manifest, saved, index_path),
        })
    }

    fn keep(&self, manifest: Manifest, _sequence: Option<u64>) -> KeptManifest {
        match self.saved {
            Some(saved) => KeptManifest::local(manifest, saved, self.index_path),
            None => KeptManifest::default(),
        }
    }
}

/// Removes a file left by an earlier run, if there is one.
fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}
