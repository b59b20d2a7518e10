//! RM3 pseudo-relevance feedback (`--expand`): the words that weigh most in the best
//! paragraphs of a first search, added to the query.

use std::collections::HashMap;

use anyhow::Result;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use super::analyzed_words;
use crate::index::{HanReading, OpenIndex, query_analyzer};

/// How many of the best paragraphs pseudo-relevance feedback reads.
const FEEDBACK_PARAGRAPHS: usize = 10;
/// How many words it adds to the query.
const FEEDBACK_WORDS: usize = 10;
/// The original query's share of the expanded one (RM3's lambda).
const ORIGINAL_WEIGHT: f32 = 0.5;

/// RM3 pseudo-relevance feedback: the words that weigh most in the best paragraphs of a
/// first search (each paragraph weighted by its score, each word by its share of the
/// paragraph), with their weights; none when nothing matched.
pub(super) fn feedback_terms(
    open: &OpenIndex,
    searcher: &Searcher,
    query: &dyn Query,
    query_words: &[String],
) -> Result<Vec<(Term, f32)>> {
    let fields = open.fields;
    let top = searcher.search(
        query,
        &TopDocs::with_limit(FEEDBACK_PARAGRAPHS).order_by_score(),
    )?;
    let total_score: f32 = top.iter().map(|(score, _)| score).sum();
    if total_score <= 0.0 {
        return Ok(Vec::new());
    }
    let mut analyzer = query_analyzer(HanReading::Detected);
    let mut weights: HashMap<String, f32> = HashMap::new();
    for (score, address) in &top {
        let doc: TantivyDocument = searcher.doc(*address)?;
        let text = doc
            .get_first(fields.text)
            .and_then(|value| value.as_str())
            .unwrap_or_default();
        let words = analyzed_words(&mut analyzer, text);
        let share = score / total_score / words.len().max(1) as f32;
        for word in words {
            *weights.entry(word).or_default() += share;
        }
    }
    let mut ranked: Vec<(String, f32)> = weights
        .into_iter()
        .filter(|(word, _)| !query_words.contains(word) && word.chars().any(char::is_alphabetic))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(FEEDBACK_WORDS);
    let sum: f32 = ranked.iter().map(|(_, weight)| weight).sum();
    // The original query scores its words together: scaled by their number, the added
    // words weigh as RM3 weighs them against the query's.
    let scale =
        (1.0 - ORIGINAL_WEIGHT) * query_words.len().max(1) as f32 / sum.max(f32::MIN_POSITIVE);
    Ok(ranked
        .into_iter()
        .map(|(word, weight)| (Term::from_field_text(fields.text, &word), weight * scale))
        .collect())
}

/// The original query, weighted, and the feedback words, each with its weight: any of
/// them matches when `any_word`, else the original must match and the words only rank.
pub(super) fn expanded(
    original: Box<dyn Query>,
    expansion: Vec<(Term, f32)>,
    any_word: bool,
) -> Box<dyn Query> {
    let occur = if any_word { Occur::Should } else { Occur::Must };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(occur, Box::new(BoostQuery::new(original, ORIGINAL_WEIGHT)))];
    for (term, weight) in expansion {
        let term_query = TermQuery::new(term, IndexRecordOption::WithFreqs);
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(term_query), weight)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}
