//! The plain-BM25 anchor of the ranking benchmark: the ranking a user gets from some forty
//! lines of code, against which dossier's ranking is judged on BEIR-format collections.
//!
//! Usage: `cargo run --release --example plain_bm25 -- COLLECTION [K1 B]`. COLLECTION is a
//! folder holding `corpus.jsonl` (`_id` or `id`, `title`, `text`) and `queries.jsonl`
//! (`_id` or `id`, `text`). Prints, for every query, its 100 best documents as TSV lines
//! `query-id<TAB>document-id<TAB>score`, for `bench/beir.py` to score.
//!
//! It is what the issues and SciFact's SOURCE.md call plain BM25: words lower-cased, Lucene's
//! 33 English stop words left out, Snowball English stems, title and text as one field, one
//! document one ranked unit, k1 1.2 and b 0.75 unless given (Lucene's and tantivy's
//! defaults; SciFact scores the same with 0.9 and 0.4, Cranfield lower). The analyser is tantivy's, the
//! same dossier indexes with, so only the ranking differs.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use tantivy::tokenizer::{
    Language, LowerCaser, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};

/// How many documents are printed for each query.
const DEPTH: usize = 100;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (collection, k1, b) = match args.as_slice() {
        [collection] => (collection, 1.2, 0.75),
        [collection, k1, b] => (
            collection,
            k1.parse().context("K1 must be a number")?,
            b.parse().context("B must be a number")?,
        ),
        _ => bail!("usage: plain_bm25 COLLECTION [K1 B]"),
    };
    let collection = Path::new(collection);
    let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::English).context("no English stop words")?)
        .filter(Stemmer::new(Language::English))
        .build();
    let mut words = |text: &str| {
        let mut found = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            found.push(stream.token().text.clone());
        }
        found
    };

    // Each document as its words' counts and its length.
    let mut ids = Vec::new();
    let mut counts: Vec<HashMap<String, u32>> = Vec::new();
    let mut lengths = Vec::new();
    let mut document_frequency: HashMap<String, u32> = HashMap::new();
    for object in json_lines(&collection.join("corpus.jsonl"))? {
        let text = format!("{} {}", field(&object, "title"), field(&object, "text"));
        let mut count: HashMap<String, u32> = HashMap::new();
        let document_words = words(&text);
        lengths.push(document_words.len() as f64);
        for word in document_words {
            *count.entry(word).or_default() += 1;
        }
        for word in count.keys() {
            *document_frequency.entry(word.clone()).or_default() += 1;
        }
        ids.push(id(&object)?);
        counts.push(count);
    }
    let documents = ids.len() as f64;
    let average_length = lengths.iter().sum::<f64>() / documents.max(1.0);

    for object in json_lines(&collection.join("queries.jsonl"))? {
        let query_id = id(&object)?;
        let mut scores = vec![0.0f64; ids.len()];
        for word in words(field(&object, "text")) {
            let Some(&frequency) = document_frequency.get(&word) else {
                continue;
            };
            let frequency = f64::from(frequency);
            let idf = (1.0 + (documents - frequency + 0.5) / (frequency + 0.5)).ln();
            for (at, count) in counts.iter().enumerate() {
                if let Some(&tf) = count.get(&word) {
                    let tf = f64::from(tf);
                    let norm = k1 * (1.0 - b + b * lengths[at] / average_length);
                    scores[at] += idf * tf * (k1 + 1.0) / (tf + norm);
                }
            }
        }
        let mut ranked: Vec<(usize, f64)> = scores
            .into_iter()
            .enumerate()
            .filter(|(_, score)| *score > 0.0)
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| ids[a.0].cmp(&ids[b.0])));
        for (at, score) in ranked.into_iter().take(DEPTH) {
            println!("{query_id}\t{}\t{score:.6}", ids[at]);
        }
    }
    Ok(())
}

/// The JSON objects of a JSON Lines file, blank lines skipped.
fn json_lines(path: &Path) -> Result<Vec<Value>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot be read", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(at, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a JSON object", path.display(), at + 1))
        })
        .collect()
}

/// A string field of an object, empty when missing.
fn field<'a>(object: &'a Value, name: &str) -> &'a str {
    object.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// An object's id, from `_id` (BEIR's name) or `id`, as a string.
fn id(object: &Value) -> Result<String> {
    match object.get("_id").or_else(|| object.get("id")) {
        Some(Value::String(id)) => Ok(id.clone()),
        Some(Value::Number(id)) => Ok(id.to_string()),
        _ => bail!("an object has no `_id` or `id`: {object}"),
    }
}
