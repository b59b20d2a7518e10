//! The query tree compiled into OpenSearch's Query DSL: the same words, phrases, prefixes,
//! fuzzy words, company names and filters as `compile_tantivy`, as JSON a cluster runs.
//! Pure: it builds the request body and sends nothing; `opensearch` sends it.
//!
//! A word is a `match` on the `combined` field, the text with the title and heading twice,
//! so that its BM25 is the local BM25F (OpenSearch 2 has no BM25F query); a phrase is
//! matched in each field with the field's weight as boost; filters are exact terms on
//! keyword fields, so they match what the local index matches.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};
use tantivy::query::Occur;
use tantivy::schema::Facet;
use tantivy::tokenizer::TextAnalyzer;

use super::compile_tantivy::{
    ALIAS_WEIGHT, MAX_EXPANSIONS, PROXIMITY_SLOP, PROXIMITY_WEIGHT, TITLE_WEIGHT, name_groups,
    plain_word_run, positioned_words,
};
use super::{SNIPPET_CHARS, SortOrder, analyzed_words, refuse};
use crate::index::{HanReading, fold, query_analyzer};
use crate::opensearch::mapping::COMBINED;
use crate::query::{Expr, FilterField, Item, Mark, Query as ParsedQuery};
use crate::read::DateRange;
use crate::taxonomy::Taxonomy;

/// What a highlighted word starts with in the cluster's snippets: a private-use character
/// no text holds, so the marks are found again without confusing them with the text's own.
pub(crate) const MARK_START: &str = "\u{E000}";
/// What a highlighted word ends with.
pub(crate) const MARK_END: &str = "\u{E001}";
/// The tags of top-level companies, as a Lucene regular expression: one `/` and a name,
/// in which a slash is escaped (`/AC\/DC Ltd`).
pub(crate) const TOP_LEVEL: &str = r"/([^/\\]|\\.)*";
/// Most companies or topics a facet aggregation returns: every one a search of a large
/// cluster holds, as the local index counts them all.
pub(crate) const FACET_BUCKETS: usize = 10_000;
/// The stored fields a hit is rendered from.
pub(crate) const SOURCE_FIELDS: [&str; 11] = [
    "text",
    "title",
    "section",
    "path",
    "id",
    "line",
    "paragraph",
    "page",
    "date",
    "companies_leaf",
    "topics",
];

/// The fields phrases are looked for in, with the boost of each, as the local BM25F weighs
/// an occurrence in them.
fn ranked_fields() -> [(&'static str, f32); 3] {
    [
        ("text", 1.0),
        ("title", TITLE_WEIGHT),
        ("section", TITLE_WEIGHT),
    ]
}

/// The Query DSL of a parsed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledDsl {
    /// What ranks the hits; `None` when the query has only filters and exclusions.
    pub text: Option<Value>,
    /// Filters every hit must satisfy; they do not score.
    pub filters: Vec<Value>,
    /// What no hit may match.
    pub exclusions: Vec<Value>,
    /// What snippets highlight: every word, phrase and expansion looked for, and every name
    /// of a company the query names.
    pub highlight: Vec<Value>,
    /// The words ranked by BM25 over the combined field, as written: their idf there
    /// counts paragraphs whose title holds them, which the local BM25F does not (see
    /// `DslCompiler::with_idf_boosts`).
    pub ranked_words: Vec<String>,
}

impl CompiledDsl {
    /// The whole query: the text (or every paragraph), the filters and the exclusions.
    pub fn query(&self) -> Value {
        let text = self
            .text
            .clone()
            .unwrap_or_else(|| json!({"match_all": {}}));
        let mut bool_query = serde_json::Map::new();
        bool_query.insert("must".into(), json!([text]));
        if !self.filters.is_empty() {
            bool_query.insert("filter".into(), Value::Array(self.filters.clone()));
        }
        if !self.exclusions.is_empty() {
            bool_query.insert("must_not".into(), Value::Array(self.exclusions.clone()));
        }
        json!({ "bool": bool_query })
    }
}

/// Which page of hits a request asks for, in which order, with or without facets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page {
    /// Hits to skip.
    pub from: usize,
    /// Hits to return.
    pub size: usize,
    /// Their order.
    pub sort: SortOrder,
    /// Whether to count companies, topics and months.
    pub facets: bool,
}

/// The body of a `_search` request: the query, the page, exact total hits, the stored
/// fields, a highlighted snippet of the text and, when asked, the facet aggregations.
pub(crate) fn search_body(compiled: &CompiledDsl, page: Page) -> Value {
    let mut body = json!({
        "query": compiled.query(),
        "from": page.from,
        "size": page.size,
        "track_total_hits": true,
        "_source": SOURCE_FIELDS,
    });
    if !compiled.highlight.is_empty() {
        body["highlight"] = json!({
            "pre_tags": [MARK_START],
            "post_tags": [MARK_END],
            "fields": {
                "text": {
                    "type": "unified",
                    "fragment_size": SNIPPET_CHARS,
                    "number_of_fragments": 1,
                    "highlight_query": boolean_of(Occur::Should, compiled.highlight.clone()),
                }
            }
        });
    }
    match page.sort {
        SortOrder::Score => {}
        SortOrder::Path => {
            body["sort"] = json!([{"path": "asc"}, {"line": "asc"}, "_score"]);
            body["track_scores"] = json!(true);
        }
        SortOrder::Date => {
            body["sort"] = json!([{"date": {"order": "desc", "missing": "_last"}}, "_score"]);
            body["track_scores"] = json!(true);
        }
    }
    if page.facets {
        body["aggs"] = facet_aggregations();
    }
    body
}

/// The counts of `--facets`: top-level companies (a unit's paragraphs hold its parent's
/// tag too, so they count for it), topics, and months of the date `YYYYMMDD`.
pub(crate) fn facet_aggregations() -> Value {
    json!({
        "companies": {"terms": {"field": "companies", "include": TOP_LEVEL, "size": FACET_BUCKETS}},
        "topics": {"terms": {"field": "topics", "size": FACET_BUCKETS}},
        "months": {"histogram": {"field": "date", "interval": 100, "min_doc_count": 1}},
    })
}

/// Turns a parsed query into the Query DSL.
pub(crate) struct DslCompiler<'a> {
    analyzer: TextAnalyzer,
    every_word: bool,
    /// Names of the companies the cluster holds, by tag.
    names: &'a BTreeMap<String, Vec<String>>,
    /// Tags by lower-cased name.
    by_name: HashMap<String, &'a String>,
    /// The taxonomy company filters are looked up in when the names do not hold them.
    taxonomy: Option<&'a Taxonomy>,
    /// Boosts of ranked words, by the word as written.
    idf_boosts: HashMap<String, f32>,
    highlight: Vec<Value>,
    ranked_words: Vec<String>,
}

/// One compiled item of a sequence: how it takes part, its query, and whether it only
/// narrows the hits (a filter or an exclusion).
type Clause = (Occur, Value, bool);

impl<'a> DslCompiler<'a> {
    /// A compiler that requires every word (`every_word`) or any, with the names of the
    /// companies the cluster holds by tag and, for names they lack, a taxonomy.
    pub fn new(
        every_word: bool,
        names: &'a BTreeMap<String, Vec<String>>,
        taxonomy: Option<&'a Taxonomy>,
    ) -> Self {
        let by_name = names
            .iter()
            .flat_map(|(tag, names)| names.iter().map(move |name| (name.to_lowercase(), tag)))
            .collect();
        DslCompiler {
            analyzer: query_analyzer(HanReading::Detected),
            every_word,
            names,
            by_name,
            taxonomy,
            idf_boosts: HashMap::new(),
            highlight: Vec::new(),
            ranked_words: Vec::new(),
        }
    }

    /// Boosts each ranked word (of `CompiledDsl::ranked_words`) by its local idf over its
    /// idf in the combined field, so it weighs what it weighs locally: the local BM25F
    /// takes a word's rarity from paragraphs' text, while the combined field also counts
    /// the paragraphs of every document whose title holds it.
    pub fn with_idf_boosts(mut self, boosts: HashMap<String, f32>) -> Self {
        self.idf_boosts = boosts;
        self
    }

    /// The DSL of the query; refused, as locally, when it looks for nothing indexed.
    pub fn compile(mut self, query: &ParsedQuery) -> anyhow::Result<CompiledDsl> {
        let clauses = self.sequence(&query.items, true)?;
        let (narrowing, text): (Vec<Clause>, Vec<Clause>) =
            clauses.into_iter().partition(|(_, _, narrows)| *narrows);
        if text.is_empty() && narrowing.is_empty() {
            refuse!(
                "the query has only common words that are not indexed (like \"the\", \"of\"); \
                 add a more specific word"
            );
        }
        let mut filters = Vec::new();
        let mut exclusions = Vec::new();
        for (occur, query, _) in narrowing {
            match occur {
                Occur::MustNot => exclusions.push(query),
                _ => filters.push(query),
            }
        }
        Ok(CompiledDsl {
            text: boolean(text),
            filters,
            exclusions,
            highlight: self.highlight,
            ranked_words: self.ranked_words,
        })
    }

    /// The clauses of a sequence of items, as `compile_tantivy` makes them.
    fn sequence(&mut self, items: &[Item], positive: bool) -> anyhow::Result<Vec<Clause>> {
        let default_occur = if self.every_word {
            Occur::Must
        } else {
            Occur::Should
        };
        let mut clauses = Vec::new();
        let mut at = 0;
        while at < items.len() {
            let (length, run) = plain_word_run(&items[at..]);
            if length > 0 {
                at += length;
                let by_name = &self.by_name;
                let tag_of = |text: &str| by_name.get(&text.to_lowercase()).copied();
                for (text, tag) in name_groups(&run, tag_of) {
                    let query = match tag {
                        Some(tag) if positive => Some(self.company_text(&text, tag)),
                        _ => self.text(&text, positive),
                    };
                    clauses.extend(query.map(|q| (default_occur, q, false)));
                }
                if positive {
                    clauses.extend(self.proximity(&run));
                }
                continue;
            }
            let item = &items[at];
            at += 1;
            let excluded = item.mark == Mark::Excluded;
            let occur = match item.mark {
                Mark::Excluded => Occur::MustNot,
                Mark::Required => Occur::Must,
                Mark::Default if item.expr.is_filter() => Occur::Must,
                Mark::Default => default_occur,
            };
            let query = self.expr(&item.expr, positive && !excluded)?;
            clauses.extend(query.map(|q| (occur, q, excluded || item.expr.is_filter())));
        }
        Ok(clauses)
    }

    fn expr(&mut self, expr: &Expr, positive: bool) -> anyhow::Result<Option<Value>> {
        Ok(match expr {
            Expr::Word(text) => self.text(text, positive),
            Expr::Phrase(text) => match self.by_name.get(&text.to_lowercase()).copied() {
                Some(tag) if positive => Some(self.company_text(text, tag)),
                _ => self.text(text, positive),
            },
            Expr::Prefix(prefix) => Some(self.prefix(&fold(prefix), positive)),
            Expr::Fuzzy { word, distance } => {
                let tokens = analyzed_words(&mut self.analyzer, word);
                let word = match tokens.as_slice() {
                    [stem] => stem.clone(),
                    _ => fold(word),
                };
                Some(self.fuzzy(&word, *distance, positive))
            }
            Expr::Filter { field, value } => Some(json!({
                "constant_score": {"filter": self.filter(*field, value)?, "boost": 0.0}
            })),
            Expr::AnyOf(exprs) | Expr::AllOf(exprs) => {
                let occur = match expr {
                    Expr::AnyOf(_) => Occur::Should,
                    _ => Occur::Must,
                };
                let mut clauses = Vec::new();
                for expr in exprs {
                    clauses.extend(self.expr(expr, positive)?.map(|q| (occur, q, false)));
                }
                boolean(clauses)
            }
            Expr::Group(items) => boolean(self.sequence(items, positive)?),
        })
    }

    /// The words of `text` in the text, title or heading: one word scored by BM25F (over
    /// the `combined` field), several as a phrase in any of the fields. `None` when no word
    /// is indexed.
    fn text(&mut self, text: &str, positive: bool) -> Option<Value> {
        let mut query = words_in(&mut self.analyzer, text, &ranked_fields(), COMBINED)?;
        if let Some(word) = query.pointer_mut(&format!("/match/{COMBINED}")) {
            if let Some(boost) = self.idf_boosts.get(text) {
                word["boost"] = json!(boost);
            }
            if positive && !self.ranked_words.iter().any(|w| w == text) {
                self.ranked_words.push(text.to_string());
            }
        }
        if positive {
            let in_text = words_in(&mut self.analyzer, text, &[("text", 1.0)], "text");
            self.highlight.extend(in_text);
        }
        Some(query)
    }

    /// Optional clauses that favour paragraphs where neighbouring words of the query stand
    /// close together: each pair of indexed words, near each other in either order.
    fn proximity(&mut self, run: &[&str]) -> Vec<Clause> {
        let tokens = positioned_words(&mut self.analyzer, &run.join(" "));
        tokens
            .windows(2)
            .filter(|pair| pair[0].1 != pair[1].1)
            .map(|pair| {
                let near = json!({"span_near": {
                    "clauses": [
                        {"span_term": {"text": pair[0].1}},
                        {"span_term": {"text": pair[1].1}},
                    ],
                    "slop": PROXIMITY_SLOP,
                    "in_order": false,
                    "boost": PROXIMITY_WEIGHT,
                }});
                (Occur::Should, near, false)
            })
            .collect()
    }

    /// A company named in the query: its name as written, or its tag at `ALIAS_WEIGHT`;
    /// snippets highlight all its names.
    fn company_text(&mut self, text: &str, tag: &str) -> Value {
        let by_tag = json!({"term": {"companies": {"value": tag, "boost": ALIAS_WEIGHT}}});
        let mut either = vec![by_tag];
        either.extend(self.text(text, true));
        for name in self.names.get(tag).into_iter().flatten() {
            if let Some(query) = words_in(&mut self.analyzer, name, &[("text", 1.0)], "text") {
                self.highlight.push(query);
            }
        }
        json!({"bool": {"should": either}})
    }

    /// The indexed words starting with `start` in the text, title or heading, each scored
    /// as a word (the `MAX_EXPANSIONS` most frequent).
    fn prefix(&mut self, start: &str, positive: bool) -> Value {
        if positive {
            self.highlight
                .push(json!({"prefix": {"text": {"value": start}}}));
        }
        json!({"prefix": {COMBINED: {
            "value": start,
            "rewrite": format!("top_terms_{MAX_EXPANSIONS}"),
        }}})
    }

    /// The indexed words within `distance` edits of `word` (a transposition counts one).
    fn fuzzy(&mut self, word: &str, distance: u8, positive: bool) -> Value {
        let fuzzy = |field: &str| {
            json!({"fuzzy": {field: {
                "value": word,
                "fuzziness": distance,
                "transpositions": true,
                "prefix_length": 0,
                "max_expansions": MAX_EXPANSIONS,
            }}})
        };
        if positive {
            self.highlight.push(fuzzy("text"));
        }
        fuzzy(COMBINED)
    }

    /// What a field filter (`company:Apple`, `path:reuters/*`) matches: exact terms.
    fn filter(&mut self, field: FilterField, value: &str) -> anyhow::Result<Value> {
        Ok(match field {
            FilterField::Company => self.company_filter(value),
            // Topics are matched in any case, as the local index matches them.
            FilterField::Topic => json!({"term": {"topics": {
                "value": Facet::from_path([value.trim()]).to_string(),
                "case_insensitive": true,
            }}}),
            FilterField::Path => path_filter(value),
            FilterField::Id => json!({"term": {"id": value}}),
            FilterField::Date => {
                let Some(range) = DateRange::parse(value) else {
                    refuse!("date:{value} is not a date or a range of dates");
                };
                // An open end is left out: the cluster's longs end below u64::MAX.
                let mut bounds = serde_json::Map::new();
                if range.from > 0 {
                    bounds.insert("gte".into(), json!(range.from));
                }
                if range.to < u64::MAX {
                    bounds.insert("lte".into(), json!(range.to));
                }
                json!({"range": {"date": bounds}})
            }
            FilterField::Section | FilterField::Title => {
                let name = match field {
                    FilterField::Section => "section",
                    _ => "title",
                };
                match words_in(&mut self.analyzer, value, &[(name, 1.0)], name) {
                    Some(query) => query,
                    None => refuse!(
                        "{name}:{value} has only common words that are not indexed; \
                         give a more specific word"
                    ),
                }
            }
        })
    }

    /// The tag of a company named in a filter: through the names the cluster holds, then
    /// the taxonomy; a name neither knows is a company the index discovered, named in any
    /// case.
    fn company_filter(&self, name: &str) -> Value {
        let wanted = name.trim().to_lowercase();
        if let Some(tag) = self.by_name.get(&wanted) {
            return json!({"term": {"companies": tag}});
        }
        if let Some(taxonomy) = self.taxonomy
            && let Some(id) = taxonomy.find_company(name)
        {
            let tag = Facet::from_path(taxonomy.company_path(id)).to_string();
            return json!({"term": {"companies": tag}});
        }
        json!({"term": {"companies": {
            "value": Facet::from_path([name.trim()]).to_string(),
            "case_insensitive": true,
        }}})
    }
}

/// The words of `text`: one indexed word in `word_field`, several as a phrase in any of
/// `fields`, with their boosts (stop words leave gaps, as locally). `None` when no word is
/// indexed.
fn words_in(
    analyzer: &mut TextAnalyzer,
    text: &str,
    fields: &[(&str, f32)],
    word_field: &str,
) -> Option<Value> {
    let tokens = positioned_words(analyzer, text);
    match tokens.len() {
        0 => None,
        1 => Some(json!({"match": {word_field: {"query": text, "operator": "and"}}})),
        _ => {
            let phrases: Vec<Value> = fields
                .iter()
                .map(|(field, boost)| {
                    json!({"match_phrase": {*field: {"query": text, "boost": boost}}})
                })
                .collect();
            Some(boolean_of(Occur::Should, phrases))
        }
    }
}

/// A `path:` filter: a glob (`*` any characters, `?` one) as a wildcard query, or a path
/// without wildcards, which also matches everything under it as a folder.
fn path_filter(value: &str) -> Value {
    let value = value.trim_start_matches("./");
    if value.contains(['*', '?']) {
        let escaped = value.trim_end_matches('/').replace('\\', "\\\\");
        return json!({"wildcard": {"path": {"value": escaped}}});
    }
    let folder = value.trim_end_matches('/');
    boolean_of(
        Occur::Should,
        vec![
            json!({"term": {"path": folder}}),
            json!({"prefix": {"path": format!("{folder}/")}}),
        ],
    )
}

/// A bool query of clauses that all take part in the same way.
fn boolean_of(occur: Occur, clauses: Vec<Value>) -> Value {
    boolean(clauses.into_iter().map(|q| (occur, q, false)).collect()).unwrap_or(Value::Null)
}

/// A bool query of the clauses; with only exclusions, every other paragraph. `None` for
/// no clause; a clause that must or should match alone is the query itself (a bool of one
/// clause requires it and scores as it does).
fn boolean(mut clauses: Vec<Clause>) -> Option<Value> {
    match clauses.as_slice() {
        [] => return None,
        [(Occur::Must | Occur::Should, _, _)] => return clauses.pop().map(|(_, query, _)| query),
        _ => {}
    }
    let mut must = Vec::new();
    let mut should = Vec::new();
    let mut must_not = Vec::new();
    for (occur, query, _) in clauses {
        match occur {
            Occur::Must => must.push(query),
            Occur::Should => should.push(query),
            Occur::MustNot => must_not.push(query),
        }
    }
    if must.is_empty() && should.is_empty() {
        must.push(json!({"match_all": {}}));
    }
    let mut bool_query = serde_json::Map::new();
    for (key, list) in [("must", must), ("should", should), ("must_not", must_not)] {
        if !list.is_empty() {
            bool_query.insert(key.into(), Value::Array(list));
        }
    }
    Some(json!({ "bool": bool_query }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn names() -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([(
            "/Alibaba".to_string(),
            vec![
                "Alibaba".to_string(),
                "Qwen".to_string(),
                "Alibaba Group".to_string(),
            ],
        )])
    }

    fn compiled_with(query: &str, every_word: bool) -> CompiledDsl {
        let names = names();
        DslCompiler::new(every_word, &names, None)
            .compile(&parse(query).expect("the query parses"))
            .expect("the query compiles")
    }

    fn compiled(query: &str) -> CompiledDsl {
        compiled_with(query, true)
    }

    /// A word as it ranks: BM25 over the combined field.
    fn word(text: &str) -> Value {
        json!({"match": {"combined": {"query": text, "operator": "and"}}})
    }

    /// A word as it is highlighted: in the text.
    fn in_text(text: &str) -> Value {
        json!({"match": {"text": {"query": text, "operator": "and"}}})
    }

    fn near(a: &str, b: &str) -> Value {
        json!({"span_near": {
            "clauses": [{"span_term": {"text": a}}, {"span_term": {"text": b}}],
            "slop": 2, "in_order": false, "boost": PROXIMITY_WEIGHT,
        }})
    }

    fn filter(query: Value) -> Value {
        json!({"constant_score": {"filter": query, "boost": 0.0}})
    }

    #[test]
    fn every_word_is_required_over_the_three_fields_with_a_proximity_bonus() {
        let dsl = compiled("oil prices");
        assert_eq!(
            dsl.text,
            Some(json!({"bool": {
                "must": [word("oil"), word("prices")],
                "should": [near("oil", "price")],
            }}))
        );
        assert!(dsl.filters.is_empty() && dsl.exclusions.is_empty());
        assert_eq!(dsl.highlight, [in_text("oil"), in_text("prices")]);
    }

    #[test]
    fn ranked_words_are_listed_and_take_their_idf_boosts() {
        let query = parse("oil \"crude oil\" prices -opec").expect("parses");
        let names = names();
        let plain = DslCompiler::new(true, &names, None)
            .compile(&query)
            .expect("compiles");
        assert_eq!(plain.ranked_words, ["oil", "prices"]);
        let boosted = DslCompiler::new(true, &names, None)
            .with_idf_boosts(HashMap::from([("oil".to_string(), 1.5)]))
            .compile(&query)
            .expect("compiles");
        let text = boosted.text.expect("words rank");
        assert_eq!(
            text["bool"]["must"][0]["match"]["combined"]["boost"],
            json!(1.5)
        );
        assert!(
            text["bool"]["must"][2]["match"]["combined"]
                .get("boost")
                .is_none()
        );
    }

    #[test]
    fn any_word_makes_them_optional_and_function_words_are_left_out() {
        let dsl = compiled_with("what does oil cost", false);
        assert_eq!(
            dsl.text,
            Some(json!({"bool": {"should": [word("oil"), word("cost"), near("oil", "cost")]}}))
        );
    }

    #[test]
    fn a_phrase_is_matched_in_each_field_with_its_boost() {
        let dsl = compiled("\"interest rates\"");
        let phrase = json!({"bool": {"should": [
            {"match_phrase": {"text": {"query": "interest rates", "boost": 1.0}}},
            {"match_phrase": {"title": {"query": "interest rates", "boost": 2.0}}},
            {"match_phrase": {"section": {"query": "interest rates", "boost": 2.0}}},
        ]}});
        assert_eq!(dsl.text, Some(phrase.clone()));
        // A word the analyser cuts in two ("e-commerce") is a phrase too.
        assert_eq!(
            compiled("e-commerce")
                .text
                .map(|t| t["bool"]["must"][0]["bool"]["should"][0].clone()),
            Some(json!({"match_phrase": {"text": {"query": "e-commerce", "boost": 1.0}}}))
        );
    }

    #[test]
    fn exclusions_go_to_must_not_and_an_exclusion_alone_matches_every_other_paragraph() {
        let dsl = compiled("oil -opec NOT \"crude oil\"");
        assert_eq!(dsl.text, Some(word("oil")));
        assert_eq!(dsl.exclusions.len(), 2);
        assert_eq!(dsl.exclusions[0], word("opec"));
        let group = compiled("(-opec) oil");
        assert_eq!(
            group.text,
            Some(json!({"bool": {"must": [
                {"bool": {"must": [{"match_all": {}}], "must_not": [word("opec")]}},
                word("oil"),
            ]}}))
        );
        let query = dsl.query();
        assert_eq!(query["bool"]["must_not"][0], word("opec"));
        // Excluded words are not highlighted.
        assert_eq!(dsl.highlight, [in_text("oil")]);
    }

    #[test]
    fn or_and_and_groups_nest_as_bool_queries() {
        let dsl = compiled("tea OR coffee cake");
        assert_eq!(
            dsl.text,
            Some(json!({"bool": {"must": [
                {"bool": {"should": [word("tea"), word("coffee")]}},
                word("cake"),
            ]}}))
        );
        let all = compiled_with("+tea AND coffee", false);
        assert_eq!(
            all.text,
            Some(json!({"bool": {"must": [word("tea"), word("coffee")]}}))
        );
    }

    #[test]
    fn a_prefix_takes_the_64_top_words_over_the_fields() {
        let dsl = compiled("Comput*");
        assert_eq!(
            dsl.text,
            Some(json!({"prefix": {"combined": {"value": "comput", "rewrite": "top_terms_64"}}}))
        );
        assert_eq!(
            dsl.highlight,
            [json!({"prefix": {"text": {"value": "comput"}}})]
        );
    }

    #[test]
    fn a_fuzzy_word_is_stemmed_first_and_allows_transpositions() {
        let dsl = compiled("markets~2");
        assert_eq!(
            dsl.text,
            Some(
                json!({"fuzzy": {"combined": {"value": "market", "fuzziness": 2,
                "transpositions": true, "prefix_length": 0, "max_expansions": 64}}})
            )
        );
        assert_eq!(dsl.highlight[0]["fuzzy"]["text"]["value"], json!("market"));
    }

    #[test]
    fn a_company_named_in_the_query_also_matches_its_tag_at_half_weight() {
        let dsl = compiled("Qwen");
        assert_eq!(
            dsl.text,
            Some(json!({"bool": {"should": [
                {"term": {"companies": {"value": "/Alibaba", "boost": ALIAS_WEIGHT}}},
                word("Qwen"),
            ]}}))
        );
        // Its names are highlighted, each in the text.
        assert!(dsl.highlight.contains(
            &json!({"match_phrase": {"text": {"query": "Alibaba Group", "boost": 1.0}}})
        ));
        // Two words that name it are one name.
        let group = compiled("alibaba group shares");
        assert_eq!(
            group.text.expect("words rank")["bool"]["must"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
    }

    #[test]
    fn company_filters_use_the_tag_of_any_name_and_include_units() {
        let dsl = compiled("results company:qwen");
        assert_eq!(
            dsl.filters,
            [filter(json!({"term": {"companies": "/Alibaba"}}))]
        );
        let taxonomy = Taxonomy::builtin().expect("the built-in taxonomy loads");
        let names = BTreeMap::new();
        let by_taxonomy = DslCompiler::new(true, &names, Some(&taxonomy))
            .compile(&parse("company:\"Alibaba Cloud\"").expect("parses"))
            .expect("compiles");
        assert_eq!(
            by_taxonomy.filters,
            [filter(
                json!({"term": {"companies": "/Alibaba/Alibaba Cloud"}})
            )]
        );
        // A company no list knows was discovered in the text: its tag in any case.
        let discovered = compiled("company:\"contel corp\"");
        assert_eq!(
            discovered.filters,
            [filter(
                json!({"term": {"companies": {"value": "/contel corp", "case_insensitive": true}}})
            )]
        );
        assert_eq!(discovered.text, None);
        assert_eq!(
            discovered.query()["bool"]["must"][0],
            json!({"match_all": {}})
        );
    }

    #[test]
    fn topic_id_and_date_filters_are_exact_terms_and_ranges() {
        let dsl = compiled("oil topic:\"Cloud Computing\" id:n17 date:2024-03");
        assert_eq!(
            dsl.filters,
            [
                filter(
                    json!({"term": {"topics": {"value": "/Cloud Computing", "case_insensitive": true}}})
                ),
                filter(json!({"term": {"id": "n17"}})),
                filter(json!({"range": {"date": {"gte": 20240301_u64, "lte": 20240331_u64}}})),
            ]
        );
        assert_eq!(
            compiled("oil date:2024..").filters,
            [filter(json!({"range": {"date": {"gte": 20240101_u64}}}))]
        );
        let excluded = compiled("oil -topic:energy");
        assert_eq!(excluded.exclusions.len(), 1);
        assert!(excluded.filters.is_empty());
    }

    #[test]
    fn path_globs_are_wildcards_and_plain_paths_include_their_folder() {
        assert_eq!(
            compiled("path:reuters/*.txt").filters,
            [filter(
                json!({"wildcard": {"path": {"value": "reuters/*.txt"}}})
            )]
        );
        assert_eq!(
            compiled("path:./bbc/business/").filters,
            [filter(json!({"bool": {"should": [
                {"term": {"path": "bbc/business"}},
                {"prefix": {"path": "bbc/business/"}},
            ]}}))]
        );
    }

    #[test]
    fn section_and_title_filters_match_their_words_in_their_field() {
        assert_eq!(
            compiled("oil section:markets").filters,
            [filter(
                json!({"match": {"section": {"query": "markets", "operator": "and"}}})
            )]
        );
        assert_eq!(
            compiled("oil title:\"oil prices\"").filters,
            [filter(
                json!({"match_phrase": {"title": {"query": "oil prices", "boost": 1.0}}})
            )]
        );
        let names = names();
        let refused =
            DslCompiler::new(true, &names, None).compile(&parse("oil title:the").expect("parses"));
        assert!(refused.is_err());
    }

    #[test]
    fn a_query_of_stop_words_only_is_refused() {
        let names = names();
        let refused = DslCompiler::new(true, &names, None)
            .compile(&parse("the of").expect("parses"))
            .expect_err("nothing is indexed");
        assert!(
            refused.to_string().contains("only common words"),
            "{refused}"
        );
    }

    #[test]
    fn the_request_asks_for_exact_totals_highlights_sorts_and_facets() {
        let dsl = compiled("oil");
        let page = Page {
            from: 0,
            size: 20,
            sort: SortOrder::Score,
            facets: true,
        };
        let body = search_body(&dsl, page);
        assert_eq!(body["track_total_hits"], json!(true));
        assert_eq!(body["size"], json!(20));
        assert_eq!(body["query"]["bool"]["must"][0], word("oil"));
        let text = &body["highlight"]["fields"]["text"];
        assert_eq!(text["number_of_fragments"], json!(1));
        assert_eq!(text["highlight_query"], in_text("oil"));
        assert_eq!(body["highlight"]["pre_tags"], json!([MARK_START]));
        assert_eq!(
            body["aggs"]["companies"]["terms"]["include"],
            json!(TOP_LEVEL)
        );
        assert_eq!(body["aggs"]["months"]["histogram"]["interval"], json!(100));
        assert!(body.get("sort").is_none());
        let by_date = search_body(
            &dsl,
            Page {
                sort: SortOrder::Date,
                facets: false,
                ..page
            },
        );
        assert_eq!(
            by_date["sort"][0],
            json!({"date": {"order": "desc", "missing": "_last"}})
        );
        assert_eq!(by_date["track_scores"], json!(true));
        assert!(by_date.get("aggs").is_none());
        let by_path = search_body(
            &dsl,
            Page {
                sort: SortOrder::Path,
                ..page
            },
        );
        assert_eq!(
            by_path["sort"],
            json!([{"path": "asc"}, {"line": "asc"}, "_score"])
        );
        // Filters alone highlight nothing.
        assert!(
            search_body(&compiled("company:qwen"), page)
                .get("highlight")
                .is_none()
        );
    }
}
