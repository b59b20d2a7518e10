//! Where a paragraph is: its document's path and id, its line and number, and its
//! document's date, read from the fast columns. The columns are their only copy: filters,
//! sorting and `--per-doc` needed the columns anyway, and a copy in every stored
//! paragraph cost 5% of the index.

use anyhow::Result;
use tantivy::{DocAddress, Searcher};

use super::page::Strings;
use crate::index::{DocumentColumns, OpenIndex};

/// A paragraph's document and its place in it.
pub(super) struct Place {
    /// The document's path relative to the indexed folder.
    pub(super) path: String,
    /// The id of a JSON Lines document.
    pub(super) id: Option<String>,
    /// 1-based line where the paragraph starts; 0 when unknown.
    pub(super) line: u64,
    /// 1-based number of the paragraph in its document; 0 when unknown.
    pub(super) number: u64,
    /// The document's date as YYYYMMDD.
    pub(super) date: Option<u64>,
}

/// The columns of every segment of a searcher, to place its paragraphs.
pub(super) struct Places {
    segments: Vec<SegmentPlaces>,
}

struct SegmentPlaces {
    paths: Strings,
    ids: Strings,
    columns: DocumentColumns,
}

impl Places {
    /// The columns of `searcher`'s segments: the index's, opened once (see
    /// `OpenIndex::document_columns`), where the segment is the same.
    pub(super) fn new(open: &OpenIndex, searcher: &Searcher) -> Result<Places> {
        let opened = open.document_columns()?;
        let segments = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .map(|(at, segment)| {
                let columns = match opened.get(at) {
                    Some(columns) if columns.segment == segment.segment_id() => columns.clone(),
                    _ => DocumentColumns::open(segment)?,
                };
                Ok(SegmentPlaces {
                    paths: Strings::new(segment, "path", columns.paths.clone())?,
                    ids: Strings::new(segment, "id", columns.ids.clone())?,
                    columns,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Places { segments })
    }

    /// The place of the paragraph at `address`; empty values where a column lacks one.
    pub(super) fn get(&self, address: DocAddress) -> Place {
        let Some(segment) = self.segments.get(address.segment_ord as usize) else {
            return Place {
                path: String::new(),
                id: None,
                line: 0,
                number: 0,
                date: None,
            };
        };
        let doc = address.doc_id;
        let first = |column: &Option<tantivy::columnar::Column<u64>>| {
            column.as_ref().and_then(|column| column.first(doc))
        };
        let id = segment.ids.get(doc);
        Place {
            path: segment.paths.get(doc).into_owned(),
            id: (!id.is_empty()).then(|| id.into_owned()),
            line: first(&segment.columns.lines).unwrap_or(0),
            number: first(&segment.columns.numbers).unwrap_or(0),
            date: first(&segment.columns.dates),
        }
    }
}
