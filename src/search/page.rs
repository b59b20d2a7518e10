//! The page of hits of a search: ranked candidates in the requested order, at most
//! `per_doc` paragraphs of one document, placed from the fast columns without loading
//! stored paragraphs.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, InvertedIndexReader, Searcher, SegmentReader};

use super::{SearchRequest, SortOrder};
use crate::index::{DocumentColumns, OpenIndex};

/// How many ranked candidates to fetch first for a page sorted by score: twice the page
/// when a document may show only `per_doc` paragraphs, so that most pages fill at once.
pub(super) fn first_fetch(request: &SearchRequest) -> usize {
    let wanted = request.offset + request.limit;
    if request.per_doc == 0 {
        wanted
    } else {
        wanted * 2
    }
}

/// The hits of the requested page, in the requested order, at most `per_doc` from each
/// document. Ranked candidates are fetched in growing batches until the page is full;
/// `first` is the first batch of a page sorted by score, ranked as the matches were
/// counted.
pub(super) fn ranked_page(
    open: &OpenIndex,
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    total: usize,
    first: Option<Vec<(f32, DocAddress)>>,
) -> Result<Vec<(f32, DocAddress)>> {
    let wanted = request.offset + request.limit;
    let by_document = request.per_doc > 0 || request.sort == SortOrder::Path;
    let opened = match by_document {
        true => open.document_columns()?,
        false => &[],
    };
    let mut locator = Locator::new(searcher, request, opened)?;
    let whole = request.sort != SortOrder::Score;
    let mut fetch = if whole { total } else { first_fetch(request) };
    let mut first = first;
    loop {
        let mut ranked = match first.take() {
            Some(ranked) => ranked,
            None => {
                let top = TopDocs::with_limit(fetch.max(1)).order_by_score();
                searcher.search(query, &top)?
            }
        };
        if request.sort == SortOrder::Path || request.per_doc > 0 {
            locator.look_up(&ranked);
        }
        match request.sort {
            SortOrder::Path => ranked.sort_by_cached_key(|(_, address)| locator.position(*address)),
            // Newest first: the date reversed; the score order of TopDocs holds within a day
            // (the sort is stable).
            SortOrder::Date => {
                ranked.sort_by_cached_key(|(_, address)| std::cmp::Reverse(locator.date(*address)));
            }
            SortOrder::Score => {}
        }
        let kept = keep_per_document(&ranked, &locator, request.per_doc, wanted);
        if kept.len() >= wanted || fetch >= total {
            return Ok(kept.into_iter().skip(request.offset).collect());
        }
        fetch = (fetch * 2).min(total);
    }
}

/// The first `wanted` hits, with at most `per_doc` (0: any number) from one document.
fn keep_per_document(
    ranked: &[(f32, DocAddress)],
    locator: &Locator,
    per_doc: usize,
    wanted: usize,
) -> Vec<(f32, DocAddress)> {
    let mut shown: HashMap<(Cow<'_, str>, Cow<'_, str>), usize> = HashMap::new();
    let mut kept = Vec::new();
    for &(score, address) in ranked {
        if kept.len() == wanted {
            break;
        }
        if per_doc > 0 {
            let count = shown.entry(locator.document(address)).or_default();
            if *count == per_doc {
                continue;
            }
            *count += 1;
        }
        kept.push((score, address));
    }
    kept
}

/// Tells which document a paragraph belongs to and where in it, from the fast columns,
/// without loading stored paragraphs. Opens only the columns the request's order and
/// `per_doc` read.
struct Locator {
    segments: Vec<SegmentColumns>,
}

/// The columns of one segment that place a paragraph.
struct SegmentColumns {
    paths: Strings,
    /// JSON Lines ids; empty for whole files.
    ids: Strings,
    lines: Option<Column<u64>>,
    /// Document dates as `YYYYMMDD`; absent for undated documents.
    dates: Option<Column<u64>>,
}

/// A string column of a segment, read without decompressing its dictionary where it can.
///
/// A lookup in the column's dictionary decompresses a block of it with a fresh zstd
/// context, which cost more than ranking a plain search. The field is also indexed (a
/// `STRING` field), and its term dictionary, an FST read in place, holds the same strings
/// when it holds as many: each value of the column is indexed as one term, and each term
/// is such a value. Both sorted by their bytes, the ordinals are then the same, and the
/// string of an ordinal comes from the FST. Otherwise the column's ordinals are looked up
/// in order, each once, so that each block is decompressed once.
pub(super) struct Strings {
    column: Option<StrColumn>,
    /// The field's term dictionary when it holds exactly the column's strings.
    terms: Option<Arc<InvertedIndexReader>>,
    /// The string of each ordinal looked up in the column's dictionary.
    known: HashMap<u64, String>,
}

impl Strings {
    pub(super) fn new(
        segment: &SegmentReader,
        name: &str,
        column: Option<StrColumn>,
    ) -> Result<Strings> {
        let terms = match (&column, segment.schema().get_field(name)) {
            // A column without strings (no JSON Lines ids) has nothing to look up; an
            // empty term dictionary costs a one-shot search a fraction of a millisecond.
            (Some(column), Ok(field)) if column.num_terms() > 0 => {
                Some(segment.inverted_index(field)?)
                    .filter(|index| index.terms().num_terms() == column.num_terms())
            }
            _ => None,
        };
        Ok(Strings {
            column,
            terms,
            known: HashMap::new(),
        })
    }

    /// No column: every paragraph's string is empty.
    pub(super) fn none() -> Strings {
        Strings {
            column: None,
            terms: None,
            known: HashMap::new(),
        }
    }

    /// The column's ordinal of a paragraph; `None` when it has no value.
    fn ord(&self, doc: DocId) -> Option<u64> {
        self.column.as_ref()?.term_ords(doc).next()
    }

    /// Looks up in the column's dictionary the strings of these paragraphs' ordinals not
    /// known yet, unless the term dictionary gives them.
    fn look_up(&mut self, docs: impl Iterator<Item = DocId>) {
        let (Some(column), None) = (&self.column, &self.terms) else {
            return;
        };
        let mut ords: Vec<u64> = docs
            .filter_map(|doc| column.term_ords(doc).next())
            .filter(|ord| !self.known.contains_key(ord))
            .collect();
        ords.sort_unstable();
        ords.dedup();
        let mut found = ords.iter();
        let known = &mut self.known;
        let complete = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
            if let Some(&ord) = found.next() {
                let text =
                    std::str::from_utf8(bytes).map_or_else(|_| String::new(), str::to_string);
                known.insert(ord, text);
            }
        });
        if !matches!(complete, Ok(true)) {
            // A damaged dictionary: each ordinal alone.
            for &ord in &ords {
                known.insert(ord, ord_str(column, ord));
            }
        }
    }

    /// The paragraph's string; empty when it has none or it cannot be read.
    pub(super) fn get(&self, doc: DocId) -> Cow<'_, str> {
        let (Some(ord), Some(column)) = (self.ord(doc), &self.column) else {
            return "".into();
        };
        if let Some(terms) = &self.terms {
            let mut bytes = Vec::new();
            return match terms.terms().ord_to_term(ord, &mut bytes) {
                Ok(true) => String::from_utf8(bytes).unwrap_or_default().into(),
                _ => "".into(),
            };
        }
        match self.known.get(&ord) {
            Some(text) => text.as_str().into(),
            None => ord_str(column, ord).into(),
        }
    }
}

/// The string of an ordinal, empty when it cannot be read.
fn ord_str(column: &StrColumn, ord: u64) -> String {
    let mut text = String::new();
    if column.ord_to_str(ord, &mut text).is_err() {
        text.clear();
    }
    text
}

impl Locator {
    /// `opened` are the index's columns of path and id (see
    /// `OpenIndex::document_columns`), opened anew where they are not the searcher's.
    fn new(
        searcher: &Searcher,
        request: &SearchRequest,
        opened: &[DocumentColumns],
    ) -> Result<Locator> {
        let by_document = request.per_doc > 0 || request.sort == SortOrder::Path;
        let segments = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .map(|(at, segment)| {
                let fast = segment.fast_fields();
                let (paths, ids) = match (by_document, opened.get(at)) {
                    (false, _) => (Strings::none(), Strings::none()),
                    // The index's reader never reloads: its segments are this searcher's.
                    (true, Some(columns)) if columns.segment == segment.segment_id() => (
                        Strings::new(segment, "path", columns.paths.clone())?,
                        Strings::new(segment, "id", columns.ids.clone())?,
                    ),
                    (true, _) => (
                        Strings::new(segment, "path", fast.str("path")?)?,
                        Strings::new(segment, "id", fast.str("id")?)?,
                    ),
                };
                Ok(SegmentColumns {
                    paths,
                    ids,
                    lines: match request.sort {
                        SortOrder::Path => fast.u64("line").ok(),
                        _ => None,
                    },
                    dates: match request.sort {
                        SortOrder::Date => fast.u64("date").ok(),
                        _ => None,
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Locator { segments })
    }

    /// Looks up the paths and ids of the documents of these paragraphs, segment by
    /// segment, each string once.
    fn look_up(&mut self, ranked: &[(f32, DocAddress)]) {
        for (ord, columns) in self.segments.iter_mut().enumerate() {
            let docs = || {
                ranked
                    .iter()
                    .filter(move |(_, address)| address.segment_ord as usize == ord)
                    .map(|(_, address)| address.doc_id)
            };
            columns.paths.look_up(docs());
            columns.ids.look_up(docs());
        }
    }

    /// The document's path and id (empty for whole files).
    fn document(&self, address: DocAddress) -> (Cow<'_, str>, Cow<'_, str>) {
        let columns = &self.segments[address.segment_ord as usize];
        (
            columns.paths.get(address.doc_id),
            columns.ids.get(address.doc_id),
        )
    }

    /// The paragraph's document date as `YYYYMMDD`, 0 when it has none.
    fn date(&self, address: DocAddress) -> u64 {
        self.segments[address.segment_ord as usize]
            .dates
            .as_ref()
            .and_then(|column| column.first(address.doc_id))
            .unwrap_or(0)
    }

    /// Path, then line: the order grep prints matches in.
    fn position(&self, address: DocAddress) -> (Cow<'_, str>, u64) {
        let columns = &self.segments[address.segment_ord as usize];
        let line = columns
            .lines
            .as_ref()
            .and_then(|column| column.first(address.doc_id))
            .unwrap_or(0);
        (columns.paths.get(address.doc_id), line)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;
    use crate::index::{register_tokenizer, schema};

    /// An index of two segments; "a.txt" has paragraphs in both, "c.jsonl" holds two
    /// documents (ids) and "b.txt" one paragraph.
    fn two_segments() -> Index {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        register_tokenizer(&index);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let batches: [&[(&str, &str)]; 2] = [
            &[
                ("a.txt", ""),
                ("a.txt", ""),
                ("c.jsonl", "n1"),
                ("b.txt", ""),
            ],
            &[
                ("a.txt", ""),
                ("c.jsonl", "n2"),
                ("a.txt", ""),
                ("c.jsonl", "n1"),
            ],
        ];
        for batch in batches {
            for (path, id) in batch {
                let mut doc = TantivyDocument::default();
                doc.add_text(fields.path, path);
                if !id.is_empty() {
                    doc.add_text(fields.id, id);
                }
                doc.add_text(fields.text, "copper");
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        index
    }

    /// Every paragraph of the index, in address order, as if ranked.
    fn everything(searcher: &Searcher) -> Vec<(f32, DocAddress)> {
        let mut all = Vec::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..segment.max_doc() {
                all.push((1.0, DocAddress::new(segment_ord as u32, doc)));
            }
        }
        all
    }

    #[test]
    fn the_term_dictionary_ordinals_are_the_column_ordinals() {
        let index = two_segments();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        for segment in searcher.segment_readers() {
            for name in ["path", "id"] {
                let column = segment.fast_fields().str(name).unwrap();
                let strings = Strings::new(segment, name, column).unwrap();
                let (column, terms) = (strings.column.unwrap(), strings.terms.unwrap());
                for ord in 0..column.num_terms() as u64 {
                    let mut bytes = Vec::new();
                    assert!(terms.terms().ord_to_term(ord, &mut bytes).unwrap());
                    assert_eq!(ord_str(&column, ord).as_bytes(), bytes, "{name} {ord}");
                }
            }
        }
    }

    #[test]
    fn a_document_in_two_segments_shows_per_doc_paragraphs_in_all() {
        let index = two_segments();
        let searcher = index.reader().unwrap().searcher();
        let request = SearchRequest {
            per_doc: 2,
            ..SearchRequest::default()
        };
        let ranked = everything(&searcher);
        let mut locator = Locator::new(&searcher, &request, &[]).unwrap();
        // The documents of the paragraphs kept, in any order (segments are not in
        // commit order): two of the four of a.txt.
        let shown = |locator: &Locator| {
            let mut shown = keep_per_document(&ranked, locator, 2, 100)
                .into_iter()
                .map(|(_, address)| locator.document(address))
                .map(|(path, id)| format!("{path}{id}"))
                .collect::<Vec<_>>();
            shown.sort();
            shown
        };
        let expected = [
            "a.txt",
            "a.txt",
            "b.txt",
            "c.jsonln1",
            "c.jsonln1",
            "c.jsonln2",
        ];
        assert_eq!(shown(&locator), expected);
        // The same through the column's own dictionary, looked up in order.
        for columns in &mut locator.segments {
            columns.paths.terms = None;
            columns.ids.terms = None;
        }
        locator.look_up(&ranked);
        assert!(locator.segments.iter().all(|c| !c.paths.known.is_empty()));
        assert_eq!(shown(&locator), expected);
    }
}
