//! Queries that `--explain` can explain for any paragraph.
//!
//! tantivy explains a paragraph by making each clause's scorer and seeking it to the
//! paragraph. A scorer starts on the first paragraph it matches, so for a clause that the
//! paragraph does not match and that matches a later one (a proximity pair, a phrase in
//! another field, the Japanese reading of a kanji query) the seek goes backwards, which
//! trips a debug assertion inside tantivy (quickwit-oss/tantivy#2645) and panics a debug
//! build. The weight here asks where the scorer starts first and answers "does not match"
//! without seeking backwards; matching and scoring are tantivy's own.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TantivyError, Term};

/// A query whose explanation never seeks its scorer backwards.
#[derive(Debug)]
pub(super) struct Forward(Box<dyn Query>);

impl Clone for Forward {
    fn clone(&self) -> Forward {
        Forward(self.0.box_clone())
    }
}

/// `query`, explainable for any paragraph.
pub(super) fn forward(query: impl Query) -> Box<dyn Query> {
    Box::new(Forward(Box::new(query)))
}

impl Query for Forward {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ForwardWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ForwardWeight(Box<dyn Weight>);

impl Weight for ForwardWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        self.0.scorer_danger(reader, target, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.0.scorer(reader, 1.0)?.doc() > doc {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        self.0.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.0.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.0.for_each(reader, callback)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.0.for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        self.0.for_each_pruning(threshold, reader, callback)
    }
}
