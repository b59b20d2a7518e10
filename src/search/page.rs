//! The page of hits of a search: ranked candidates in the requested order, at most
//! `per_doc` paragraphs of one document, placed from the fast columns without loading
//! stored paragraphs.

use std::borrow::Cow;
use std::collections::HashMap;

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Searcher};

use super::{SearchRequest, SortOrder};

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
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    total: usize,
    first: Option<Vec<(f32, DocAddress)>>,
) -> Result<Vec<(f32, DocAddress)>> {
    let wanted = request.offset + request.limit;
    let mut locator = Locator::new(searcher, request)?;
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

/// A string column with the strings of the ordinals looked up so far. Each lookup in the
/// column's dictionary decompresses a block of it (with a fresh zstd context): looking up
/// each ordinal once, the ordinals of one segment in order, decompresses each block once.
struct Strings {
    column: Option<StrColumn>,
    /// The string of each ordinal looked up.
    known: HashMap<u64, String>,
}

impl Strings {
    fn new(column: Option<StrColumn>) -> Strings {
        Strings {
            column,
            known: HashMap::new(),
        }
    }

    /// The column's ordinal of a paragraph; `None` when it has no value.
    fn ord(&self, doc: DocId) -> Option<u64> {
        self.column.as_ref()?.term_ords(doc).next()
    }

    /// Looks up the strings of these paragraphs' ordinals not known yet.
    fn look_up(&mut self, docs: impl Iterator<Item = DocId>) {
        let Some(column) = &self.column else {
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
            // A damaged dictionary: each ordinal alone, as `first_str` reads it.
            for &ord in &ords {
                known.insert(ord, ord_str(column, ord));
            }
        }
    }

    /// The paragraph's string; empty when it has none. Looked up in the dictionary when
    /// `look_up` did not see it.
    fn get(&self, doc: DocId) -> Cow<'_, str> {
        match (self.ord(doc), &self.column) {
            (Some(ord), Some(column)) => match self.known.get(&ord) {
                Some(text) => text.as_str().into(),
                None => ord_str(column, ord).into(),
            },
            _ => "".into(),
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
    fn new(searcher: &Searcher, request: &SearchRequest) -> Result<Locator> {
        let by_document = request.per_doc > 0 || request.sort == SortOrder::Path;
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                let fast = segment.fast_fields();
                let (paths, ids) = match by_document {
                    true => (fast.str("path")?, fast.str("id")?),
                    false => (None, None),
                };
                Ok(SegmentColumns {
                    paths: Strings::new(paths),
                    ids: Strings::new(ids),
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
