//! Figures of an index as a whole, for a server's health check: its paragraphs and its
//! documents, counted from the index without loading a stored paragraph.

use anyhow::Result;
use tantivy::Term;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;

use crate::index::OpenIndex;

/// What an index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexStats {
    /// Documents: files, and the documents of JSON Lines files one by one.
    pub documents: u64,
    /// Paragraphs.
    pub paragraphs: u64,
}

/// Counts the documents and paragraphs of the index at its reader's commit. Every
/// document has exactly one first paragraph, so its documents are its paragraphs numbered 1.
pub fn stats(open: &OpenIndex) -> Result<IndexStats> {
    let reader = open.reader()?;
    let searcher = reader.searcher();
    let first = TermQuery::new(
        Term::from_field_u64(open.fields.paragraph, 1),
        IndexRecordOption::Basic,
    );
    let documents = searcher.search(&first, &Count)?;
    Ok(IndexStats {
        documents: documents as u64,
        paragraphs: searcher.num_docs(),
    })
}
