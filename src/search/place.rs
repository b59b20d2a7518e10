//! Which document a paragraph belongs to: its path and id, read from the fast columns. The
//! columns are their only copy: filters and `--per-doc` need the columns anyway, and a
//! copy in every stored paragraph cost 2% of the index.

use anyhow::Result;
use tantivy::{DocAddress, Searcher};

use super::page::Strings;
use crate::index::{DocumentColumns, OpenIndex};

/// The columns of path and id of every segment of a searcher.
pub(crate) struct Places {
    segments: Vec<(Strings, Strings)>,
}

impl Places {
    /// The columns of `searcher`'s segments: the index's, opened once (see
    /// `OpenIndex::document_columns`), where the segment is the same.
    pub(crate) fn new(open: &OpenIndex, searcher: &Searcher) -> Result<Places> {
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
                Ok((
                    Strings::new(segment, "path", columns.paths)?,
                    Strings::new(segment, "id", columns.ids)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Places { segments })
    }

    /// Only the ids of `searcher`'s segments, for reading a document whose path is known:
    /// the path column, large and not needed, stays closed.
    pub(super) fn ids(searcher: &Searcher) -> Result<Places> {
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                let ids = segment.fast_fields().str("id")?;
                Ok((Strings::none(), Strings::new(segment, "id", ids)?))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Places { segments })
    }

    /// The path (empty from [`Places::ids`]) and id (None for a whole file) of the document of the paragraph at
    /// `address`; an empty path when its column has none.
    pub(crate) fn get(&self, address: DocAddress) -> (String, Option<String>) {
        let Some((paths, ids)) = self.segments.get(address.segment_ord as usize) else {
            return (String::new(), None);
        };
        let id = ids.get(address.doc_id);
        (
            paths.get(address.doc_id).into_owned(),
            (!id.is_empty()).then(|| id.into_owned()),
        )
    }
}
