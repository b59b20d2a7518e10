//! The OpenSearch index a cluster keeps dossier's paragraphs in: its settings, analyser
//! and field mapping, in one function, [`mapping`]. `dossier export --mapping` prints it;
//! `dossier index --opensearch` creates the index with it.
//!
//! The analyser repeats the local one (`crate::index`), filter for filter, so that a word
//! matches the same paragraphs in both: words are runs of letters and digits (tantivy's
//! simple tokenizer cuts at every character that is not `char::is_alphanumeric`), long
//! tokens are dropped, then lower case, ASCII folding, tantivy's English stop words and
//! the Snowball English stemmer (Porter 2, not the older Porter stemmer OpenSearch's
//! `english` analyser uses).

use serde_json::{Value, json};

/// Version of the mapping below: an index made with another is filled anew.
pub const MAPPING_VERSION: u32 = 2;

/// Name of the analyser of the text fields.
pub const ANALYZER: &str = "dossier_english";

/// tantivy's English stop words (`StopWordFilter::new(Language::English)`, Lucene's list),
/// which the local index leaves out. Written out rather than OpenSearch's `_english_`, so
/// the list cannot drift with either engine's version; a test checks that the local
/// analyser drops exactly these.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// The longest token kept, in characters: tantivy's `RemoveLongFilter` drops tokens of 40
/// bytes or more (the same for ASCII; a word of accented letters may differ).
pub const MAX_TOKEN_CHARS: usize = 39;

/// A field of the text, title and heading as one, with the title and heading twice: a
/// word's BM25 over it is the BM25F the local index ranks words by (an occurrence in the
/// title or heading weighs 2, lengths weighted alike, one saturation). OpenSearch 2 has no
/// BM25F query (`combined_fields` came in 3.2). Searched only, never stored.
pub const COMBINED: &str = "combined";

/// Primary shards: two, one per node of the test cluster; see bench/RESULTS.md for sizing
/// a larger one.
pub const SHARDS: u32 = 2;
/// Copies of each shard on other nodes: one, so a node can be lost.
pub const REPLICAS: u32 = 1;

/// The settings and mappings of the paragraph index, as `PUT /INDEX` takes them.
///
/// Fields have the local schema's names. `companies` holds every level of each company
/// tag (`/Parent` and `/Parent/Unit`), so a term filter on a parent finds its units, as a
/// facet filter does locally; `companies_leaf` holds the tags as the local index stores
/// them, for display and per-tag counts. Text fields index offsets for highlighting.
pub fn mapping() -> Value {
    let text = json!({"type": "text", "analyzer": ANALYZER, "index_options": "offsets"});
    // The paragraph's text is also copied into `combined`, where the document puts its
    // title and heading twice: see COMBINED.
    let mut body = text.clone();
    body["copy_to"] = json!(COMBINED);
    let combined = json!({"type": "text", "analyzer": ANALYZER, "index_options": "freqs"});
    let keyword = json!({"type": "keyword"});
    let number = json!({"type": "long"});
    json!({
        "settings": {
            "number_of_shards": SHARDS,
            "number_of_replicas": REPLICAS,
            "analysis": {
                "tokenizer": {
                    "dossier_words": {
                        "type": "pattern",
                        // Java's names for Rust's char::is_alphanumeric.
                        "pattern": "[^\\p{IsAlphabetic}\\p{N}]+"
                    }
                },
                "filter": {
                    "dossier_long": {"type": "length", "max": MAX_TOKEN_CHARS},
                    "dossier_stop": {"type": "stop", "stopwords": STOP_WORDS},
                    "dossier_stem": {"type": "snowball", "language": "English"}
                },
                "analyzer": {
                    ANALYZER: {
                        "type": "custom",
                        "tokenizer": "dossier_words",
                        "filter": [
                            "dossier_long", "lowercase", "asciifolding", "dossier_stop",
                            "dossier_stem"
                        ]
                    }
                }
            }
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"dossier": {"mapping": MAPPING_VERSION}},
            "_source": {"excludes": [COMBINED]},
            "properties": {
                "text": body,
                COMBINED: combined,
                "title": text,
                "section": text,
                "path": keyword,
                "id": keyword,
                "line": number,
                "paragraph": number,
                "page": number,
                "date": number,
                "people": keyword,
                "companies": keyword,
                "companies_leaf": keyword,
                "topics": keyword
            }
        }
    })
}

/// The side index `INDEX-manifest` that keeps the manifest of the last run (what the
/// cluster holds from each file) in parts; nothing in it is searched.
pub fn manifest_mapping() -> Value {
    json!({
        "settings": {"number_of_shards": 1, "number_of_replicas": REPLICAS},
        "mappings": {
            "dynamic": false,
            "properties": {"sequence": {"type": "long"}, "part": {"type": "long"}}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{Language, SimpleTokenizer, StopWordFilter, TextAnalyzer};

    fn kept(word: &str) -> bool {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(StopWordFilter::new(Language::English).unwrap())
            .build();
        let mut stream = analyzer.token_stream(word);
        stream.advance()
    }

    #[test]
    fn the_stop_words_are_those_the_local_index_drops() {
        for word in STOP_WORDS {
            assert!(!kept(word), "{word} is kept locally");
        }
        for word in ["i", "you", "he", "from", "have", "which", "apple", "profit"] {
            assert!(
                kept(word),
                "{word} is dropped locally but kept by the cluster"
            );
        }
    }

    #[test]
    fn the_mapping_has_every_field_of_the_local_schema() {
        let mapping = mapping();
        let properties = &mapping["mappings"]["properties"];
        let (schema, _) = crate::index::schema();
        for (_, entry) in schema.fields() {
            assert!(
                properties.get(entry.name()).is_some(),
                "{} is not mapped",
                entry.name()
            );
        }
        assert_eq!(properties["text"]["analyzer"], ANALYZER);
        let filters = &mapping["settings"]["analysis"]["filter"];
        assert_eq!(filters["dossier_stem"]["language"], "English");
    }
}
