//! Search an index: parse the query, apply company and topic filters, rank with BM25,
//! and gather hits with snippets and facet counts.
//!
//! Returns data only; turning hits into text or JSON is `render`'s job.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use anyhow::{Context, Result, bail};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::Field;
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, TantivyDocument, Term,
};

mod bm25f;
mod stop_words;

use bm25f::{CombinedTermQuery, WeightedField};
use stop_words::is_query_stop_word;

use crate::index::{Fields, OpenIndex};
use crate::query::{self, Expr, FilterField, Item, Mark, Query as ParsedQuery};
use crate::tag::Tagger;
use crate::taxonomy::{Taxonomy, quote_list};

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 240;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query, in dossier's query language (see `query`).
    pub query: String,
    /// Companies every hit must be tagged with (names or aliases, any case).
    pub companies: Vec<String>,
    /// Topics every hit must be tagged with (any case).
    pub topics: Vec<String>,
    /// Most hits to return.
    pub limit: usize,
    /// Hits to pass over before the first one returned, for paging.
    pub offset: usize,
    /// Most paragraphs shown per document; 0 for no limit.
    pub per_doc: usize,
    /// Rank by BM25 over any word instead of requiring every word.
    pub any: bool,
    /// Widen the query with the words that weigh most in its best paragraphs (RM3
    /// pseudo-relevance feedback). It reorders the hits; with every word required, it
    /// finds no others.
    pub expand: bool,
    /// Order of the hits.
    pub sort: SortOrder,
    /// Count the companies and topics of all matching paragraphs.
    pub facets: bool,
    /// Paragraphs before and after each hit to return with it.
    pub context: usize,
    /// Explain each hit's score and tags.
    pub explain: bool,
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Best BM25 score first.
    #[default]
    Score,
    /// By document path, then line, as grep prints them.
    Path,
}

/// A fragment of a paragraph with the matched words marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The fragment text.
    pub text: String,
    /// Byte ranges of `text` to highlight.
    pub highlights: Vec<Range<usize>>,
}

/// One matching paragraph.
#[derive(Debug, Clone)]
pub struct Hit {
    /// BM25 score.
    pub score: f32,
    /// Document path relative to the indexed folder.
    pub path: String,
    /// Id of a document of a JSON Lines file.
    pub id: Option<String>,
    /// Line where the paragraph starts.
    pub line: u64,
    /// Paragraph number in its document.
    pub paragraph: u64,
    /// Heading the paragraph sits under.
    pub section: Option<String>,
    /// Document title.
    pub title: String,
    /// Companies tagged, canonical names.
    pub companies: Vec<String>,
    /// Topics tagged.
    pub topics: Vec<String>,
    /// Whole paragraph text.
    pub text: String,
    /// Best fragment with query words highlighted.
    pub snippet: Snippet,
    /// Neighbouring paragraphs of the same document, in order, when asked for.
    pub context: Vec<Paragraph>,
    /// Why the hit ranks and is tagged as it is, when asked for.
    pub explanation: Option<Explanation>,
}

/// Why a hit scored what it did and why it carries its tags.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// tantivy's score tree: `{"value", "description", "details": [...]}`, BM25 per term
    /// and field with boosts.
    pub score: serde_json::Value,
    /// Each tag of the paragraph, with the text that gave it, from tagging the paragraph
    /// again with the index's taxonomy.
    pub tags: Vec<(String, Vec<String>)>,
}

/// A stored paragraph, as `dossier show` and `--context` print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Paragraph number in its document.
    pub number: u64,
    /// Line where it starts (for a JSON Lines document, the document's line).
    pub line: u64,
    /// Heading it sits under.
    pub section: Option<String>,
    /// Companies tagged, canonical names.
    pub companies: Vec<String>,
    /// Topics tagged.
    pub topics: Vec<String>,
    /// Its text.
    pub text: String,
}

/// One document as the index holds it: where it is, its title and its paragraphs.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    /// Path relative to the indexed folder.
    pub path: String,
    /// Id of a JSON Lines document.
    pub id: Option<String>,
    /// Title.
    pub title: String,
    /// Paragraphs in order.
    pub paragraphs: Vec<Paragraph>,
}

/// Hits and counts of one search.
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The hits of the page asked for, best first.
    pub hits: Vec<Hit>,
    /// How many ranked hits come before the first of `hits` (the request's offset).
    pub offset: usize,
    /// How many paragraphs matched in all.
    pub total: usize,
    /// Query words left out, last first, because no paragraph had them all.
    pub dropped_words: Vec<String>,
    /// Companies among all matching paragraphs, most frequent first (units count for
    /// their top-level company); empty unless facets were asked for.
    pub company_counts: Vec<(String, u64)>,
    /// Topics among all matching paragraphs, most frequent first.
    pub topic_counts: Vec<(String, u64)>,
}

/// Runs a search on an opened index.
///
/// Every word of the query must appear unless `any` is set; when no paragraph has them
/// all, plain words are dropped from the end one at a time (Meilisearch's "last"
/// strategy) and the results say which.
pub fn search(open: &OpenIndex, request: &SearchRequest) -> Result<SearchResults> {
    if request.query.trim().is_empty() {
        bail!("the query is empty; give one or more words to search for");
    }
    let mut parsed = query::parse(&request.query)?;
    let flags = request
        .companies
        .iter()
        .map(|name| (FilterField::Company, name))
        .chain(request.topics.iter().map(|name| (FilterField::Topic, name)));
    for (field, value) in flags {
        parsed.items.push(Item {
            mark: Mark::Required,
            expr: Expr::Filter {
                field,
                value: value.clone(),
            },
        });
    }
    let reader = open.reader()?;
    let searcher = reader.searcher();
    let droppable = droppable_words(open, &parsed)?;
    let relaxable = !request.any && droppable.len() > 1;
    let mut dropped_words = Vec::new();
    loop {
        let mut results = search_once(open, &searcher, request, &parsed)?;
        let left = droppable.len() - dropped_words.len();
        if results.total > 0 || !relaxable || left <= 1 {
            results.dropped_words = dropped_words;
            return Ok(results);
        }
        let dropped = parsed.items.remove(droppable[left - 1]);
        if let Expr::Word(word) = dropped.expr {
            dropped_words.push(word);
        }
    }
}

/// Where the plain words of a query that can be dropped are: indexed words side by side
/// with the others, not excluded, required or inside a group.
fn droppable_words(open: &OpenIndex, parsed: &ParsedQuery) -> Result<Vec<usize>> {
    let mut analyzer = open.index.tokenizer_for_field(open.fields.text)?;
    Ok(parsed
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| match &item.expr {
            Expr::Word(word) => {
                item.mark == Mark::Default
                    && !is_query_stop_word(word)
                    && !analyzed_words(&mut analyzer, word).is_empty()
            }
            _ => false,
        })
        .map(|(at, _)| at)
        .collect())
}

fn search_once(
    open: &OpenIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    parsed: &ParsedQuery,
) -> Result<SearchResults> {
    let fields = open.fields;
    let compiled = Compiler::new(open, searcher, !request.any)?.compile(parsed)?;
    let mut query = compiled.query_with(compiled.text_or_all());
    if request.expand && !compiled.words.is_empty() {
        let expansion = feedback_terms(open, searcher, &*query, &compiled.words)?;
        if !expansion.is_empty() {
            query = compiled.query_with(expanded(compiled.text_or_all(), expansion, request.any));
        }
    }
    let (total, matching) = searcher
        .search(&query, &(Count, DocSetCollector))
        .map_err(|err| open.damaged(&err))?;
    let page = ranked_page(searcher, &query, request, total)?;
    let highlight = BooleanQuery::new(compiled.highlight);
    let mut snippets = SnippetGenerator::create(searcher, &highlight, fields.text)?;
    snippets.set_max_num_chars(SNIPPET_CHARS);
    let tagger = match request.explain {
        true => Some(Tagger::new(open.taxonomy()?.clone())?),
        false => None,
    };
    let hits = page
        .into_iter()
        .map(|(score, address)| {
            let doc: TantivyDocument = searcher.doc(address)?;
            let mut hit = hit(&doc, fields, score, &snippets);
            if let Some(tagger) = &tagger {
                hit.explanation = Some(explain(searcher, &*query, address, tagger, &hit)?);
            }
            if request.context > 0 {
                let around = hit.paragraph.saturating_sub(request.context as u64)
                    ..=hit.paragraph + request.context as u64;
                hit.context = stored_paragraphs(searcher, fields, &hit.path, hit.id.as_deref())?
                    .into_iter()
                    .filter(|p| around.contains(&p.number) && p.number != hit.paragraph)
                    .collect();
            }
            Ok(hit)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(SearchResults {
        hits,
        offset: request.offset,
        total,
        dropped_words: Vec::new(),
        company_counts: facet_counts(searcher, fields.companies, &matching, request.facets)?,
        topic_counts: facet_counts(searcher, fields.topics, &matching, request.facets)?,
    })
}

/// The tag of a topic the index holds, named in any case, read from the index's list of
/// topic tags so that a topic filter needs no taxonomy load.
fn indexed_topic(searcher: &Searcher, field: Field, name: &str) -> Result<Option<Facet>> {
    let wanted = name.trim().to_lowercase();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let facet = Facet::from_encoded(terms.key().to_vec()).context(
                "the index holds a damaged tag; rebuild it with `dossier index --rebuild`",
            )?;
            if let [topic] = facet.to_path().as_slice()
                && topic.to_lowercase() == wanted
            {
                return Ok(Some(facet));
            }
        }
    }
    Ok(None)
}

/// The tag of a company named in a filter: through the names saved with the index (no
/// taxonomy load), then the companies the index discovered, then the taxonomy.
fn company_filter(open: &OpenIndex, name: &str) -> Result<Facet> {
    let wanted = name.trim().to_lowercase();
    let saved = open
        .company_names()?
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.to_lowercase() == wanted))
        .and_then(|(facet, _)| Facet::from_text(facet).ok());
    if let Some(facet) = saved {
        return Ok(facet);
    }
    match discovered_facet(open, name)? {
        Some(facet) => Ok(facet),
        None => company_facet(open.taxonomy()?, name),
    }
}

fn explain(
    searcher: &Searcher,
    query: &dyn Query,
    address: DocAddress,
    tagger: &Tagger,
    hit: &Hit,
) -> Result<Explanation> {
    let mut score = serde_json::to_value(query.explain(searcher, address)?)?;
    name_terms(&mut score, searcher.schema());
    let taxonomy = tagger.taxonomy();
    let tags = tagger.tag(&hit.text);
    let mut found: HashMap<String, Vec<String>> = tags
        .companies
        .iter()
        .map(|m| (m.name(taxonomy).to_string(), vec![m.evidence.clone()]))
        .chain(
            tags.topics
                .iter()
                .map(|t| (taxonomy.topics[t.topic].name.clone(), t.evidence.clone())),
        )
        .collect();
    // The hit's own tags, in its order; one the paragraph alone does not give again (a
    // company its document introduced earlier) has no text to show.
    let tags = hit
        .companies
        .iter()
        .chain(&hit.topics)
        .map(|name| (name.clone(), found.remove(name).unwrap_or_default()))
        .collect();
    Ok(Explanation { score, tags })
}

/// Rewrites tantivy's term notes in a score tree (`Term=Term(field=0, type=Str, "qwen")`)
/// as a reader writes them (`text:qwen`).
fn name_terms(node: &mut serde_json::Value, schema: &tantivy::schema::Schema) {
    if let Some(notes) = node.get_mut("context").and_then(|c| c.as_array_mut()) {
        for note in notes.iter_mut() {
            if let Some(named) = note.as_str().and_then(|text| term_note(text, schema)) {
                *note = serde_json::Value::String(named);
            }
        }
    }
    if let Some(details) = node.get_mut("details").and_then(|d| d.as_array_mut()) {
        for detail in details {
            name_terms(detail, schema);
        }
    }
}

fn term_note(note: &str, schema: &tantivy::schema::Schema) -> Option<String> {
    let rest = note.split_once("field=")?.1;
    let (number, rest) = rest.split_once(',')?;
    let field = Field::from_field_id(number.trim().parse().ok()?);
    let word = rest.rsplit_once(", ").map_or(rest, |(_, word)| word);
    let word = word.trim_end_matches(')').trim_matches('"');
    Some(format!("{}:{word}", schema.get_field_name(field)))
}

/// How many of the best paragraphs pseudo-relevance feedback reads.
const FEEDBACK_PARAGRAPHS: usize = 10;
/// How many words it adds to the query.
const FEEDBACK_WORDS: usize = 10;
/// The original query's share of the expanded one (RM3's lambda).
const ORIGINAL_WEIGHT: f32 = 0.5;

/// RM3 pseudo-relevance feedback: the words that weigh most in the best paragraphs of a
/// first search (each paragraph weighted by its score, each word by its share of the
/// paragraph), with their weights; none when nothing matched.
fn feedback_terms(
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
    let mut analyzer = open.index.tokenizer_for_field(fields.text)?;
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

/// The indexed forms of the words of `text` (lower-cased, stemmed, no stop words).
fn analyzed_words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

/// The original query, weighted, and the feedback words, each with its weight: any of
/// them matches when `any_word`, else the original must match and the words only rank.
fn expanded(
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

/// The hits of the requested page, in the requested order, at most `per_doc` from each
/// document. Ranked candidates are fetched in growing batches until the page is full.
fn ranked_page(
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    total: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    let wanted = request.offset + request.limit;
    let locator = Locator::new(searcher)?;
    let mut fetch = if request.sort == SortOrder::Path || request.per_doc == 0 {
        if request.sort == SortOrder::Path {
            total
        } else {
            wanted
        }
    } else {
        wanted * 2
    };
    loop {
        let top = TopDocs::with_limit(fetch.max(1)).order_by_score();
        let mut ranked = searcher.search(query, &top)?;
        if request.sort == SortOrder::Path {
            ranked.sort_by_cached_key(|(_, address)| locator.position(*address));
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
    let mut shown: HashMap<(String, String), usize> = HashMap::new();
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
/// without loading stored paragraphs.
struct Locator {
    segments: Vec<SegmentColumns>,
}

/// The columns of one segment that place a paragraph.
struct SegmentColumns {
    paths: Option<StrColumn>,
    /// JSON Lines ids; empty for whole files.
    ids: Option<StrColumn>,
    lines: Option<Column<u64>>,
}

impl Locator {
    fn new(searcher: &Searcher) -> Result<Locator> {
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                let fast = segment.fast_fields();
                Ok(SegmentColumns {
                    paths: fast.str("path")?,
                    ids: fast.str("id")?,
                    lines: fast.u64("line").ok(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Locator { segments })
    }

    /// The document's path and id (empty for whole files).
    fn document(&self, address: DocAddress) -> (String, String) {
        let columns = &self.segments[address.segment_ord as usize];
        (
            first_str(columns.paths.as_ref(), address.doc_id),
            first_str(columns.ids.as_ref(), address.doc_id),
        )
    }

    /// Path, then line: the order grep prints matches in.
    fn position(&self, address: DocAddress) -> (String, u64) {
        let columns = &self.segments[address.segment_ord as usize];
        let line = columns
            .lines
            .as_ref()
            .and_then(|column| column.first(address.doc_id))
            .unwrap_or(0);
        (first_str(columns.paths.as_ref(), address.doc_id), line)
    }
}

fn first_str(column: Option<&StrColumn>, doc: DocId) -> String {
    let mut text = String::new();
    if let Some(column) = column
        && let Some(ord) = column.term_ords(doc).next()
        && column.ord_to_str(ord, &mut text).is_err()
    {
        text.clear();
    }
    text
}

/// A query word or phrase that names a company by another name ("Qwen", "阿里巴巴") also
/// matches the paragraphs tagged with it, at this share of a literal match's weight.
const ALIAS_WEIGHT: f32 = 0.5;
/// Longest company name looked for in a query, in words.
const MAX_NAME_WORDS: usize = 4;
/// Most words a prefix (`comput*`) or a fuzzy word (`alibabba~1`) stands for; the most
/// frequent are kept.
const MAX_EXPANSIONS: usize = 64;
/// What one occurrence of a word in the title or a heading counts for, against one in the
/// text (BM25F). A title says what the whole document is about: on Cranfield and SciFact
/// train, 2 is better than 1 on both (nDCG@10 +0.005 and +0.007) and 3 or 4 no better.
/// Headings are titles of their part and weigh the same.
const TITLE_WEIGHT: f32 = 2.0;
/// Neighbouring words of a query found within this many positions of each other (a swap
/// costs 2) add a proximity score...
const PROXIMITY_SLOP: u32 = 2;
/// ... at this share of a phrase's BM25 score: a tie-breaker among paragraphs holding the
/// same words, not a reason to rank a paragraph with fewer of them first.
const PROXIMITY_WEIGHT: f32 = 0.1;

/// The tantivy queries of a parsed query.
struct Compiled {
    /// What ranks the hits: the words, phrases and groups; `None` when the query has only
    /// filters and exclusions.
    text: Option<Box<dyn Query>>,
    /// Filters and exclusions every hit must satisfy; they do not change scores.
    constraints: Vec<(Occur, Box<dyn Query>)>,
    /// What snippets highlight: every word, phrase and expansion the query looks for, and
    /// every name of a company it names.
    highlight: Vec<(Occur, Box<dyn Query>)>,
    /// The indexed forms of the words looked for, for relevance feedback.
    words: Vec<String>,
}

impl Compiled {
    /// The whole query, with `text` (or every paragraph) as what ranks.
    fn query_with(&self, text: Box<dyn Query>) -> Box<dyn Query> {
        let mut clauses = vec![(Occur::Must, text)];
        clauses.extend(self.constraints.iter().map(|(o, q)| (*o, q.box_clone())));
        Box::new(BooleanQuery::new(clauses))
    }

    fn text_or_all(&self) -> Box<dyn Query> {
        self.text
            .as_ref()
            .map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |q| q.box_clone())
    }
}

/// Turns a parsed query into tantivy queries against one index.
struct Compiler<'a> {
    open: &'a OpenIndex,
    searcher: &'a Searcher,
    analyzer: TextAnalyzer,
    every_word: bool,
    /// Names of the companies the index holds, by tag.
    names: &'a BTreeMap<String, Vec<String>>,
    /// Tags by lower-cased name.
    by_name: HashMap<String, &'a String>,
    highlight: Vec<(Occur, Box<dyn Query>)>,
    words: Vec<String>,
}

/// One compiled item of a sequence: how it takes part, its query, and whether it only
/// narrows the hits (a filter or an exclusion).
type Clause = (Occur, Box<dyn Query>, bool);

impl<'a> Compiler<'a> {
    fn new(open: &'a OpenIndex, searcher: &'a Searcher, every_word: bool) -> Result<Self> {
        let names = open.company_names()?;
        let by_name = names
            .iter()
            .flat_map(|(tag, names)| names.iter().map(move |name| (name.to_lowercase(), tag)))
            .collect();
        Ok(Compiler {
            open,
            searcher,
            analyzer: open.index.tokenizer_for_field(open.fields.text)?,
            every_word,
            names,
            by_name,
            highlight: Vec::new(),
            words: Vec::new(),
        })
    }

    fn compile(mut self, query: &ParsedQuery) -> Result<Compiled> {
        let clauses = self.sequence(&query.items, true)?;
        let (constraints, text): (Vec<Clause>, Vec<Clause>) =
            clauses.into_iter().partition(|(_, _, narrows)| *narrows);
        if text.is_empty() && constraints.is_empty() {
            bail!(
                "the query has only common words that are not indexed (like \"the\", \"of\"); \
                 add a more specific word"
            );
        }
        Ok(Compiled {
            text: boolean(text),
            constraints: constraints.into_iter().map(|(o, q, _)| (o, q)).collect(),
            highlight: self.highlight,
            words: self.words,
        })
    }

    /// The clauses of a sequence of items. Side-by-side plain words that name a company
    /// the index holds become one clause matching the name or the company's tag.
    fn sequence(&mut self, items: &[Item], positive: bool) -> Result<Vec<Clause>> {
        let default_occur = if self.every_word {
            Occur::Must
        } else {
            Occur::Should
        };
        let mut clauses = Vec::new();
        let mut at = 0;
        while at < items.len() {
            let run: Vec<&str> = items[at..]
                .iter()
                .map_while(|item| match (&item.expr, item.mark) {
                    (Expr::Word(word), Mark::Default) => Some(word.as_str()),
                    _ => None,
                })
                .collect();
            if !run.is_empty() {
                at += run.len();
                // Function words ("what", "does") say nothing of what is wanted, unless
                // the words are nothing else.
                let looked_for: Vec<&str> = run
                    .iter()
                    .copied()
                    .filter(|word| !is_query_stop_word(word))
                    .collect();
                let run = if looked_for.is_empty() {
                    run
                } else {
                    looked_for
                };
                for (text, tag) in name_groups(&run, &self.by_name) {
                    let query = match tag {
                        Some(tag) if positive => self.company_text(&text, tag)?,
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

    fn expr(&mut self, expr: &Expr, positive: bool) -> Result<Option<Box<dyn Query>>> {
        Ok(match expr {
            Expr::Word(text) => self.text(text, positive),
            Expr::Phrase(text) => match self.by_name.get(&text.to_lowercase()) {
                Some(tag) if positive => self.company_text(text, tag)?,
                _ => self.text(text, positive),
            },
            Expr::Prefix(prefix) => Some(self.expansion(&prefix.to_lowercase(), None, positive)?),
            Expr::Fuzzy { word, distance } => {
                let tokens = analyzed_words(&mut self.analyzer, word);
                let word = match tokens.as_slice() {
                    [stem] => stem.clone(),
                    _ => word.to_lowercase(),
                };
                Some(self.expansion(&word, Some(*distance), positive)?)
            }
            Expr::Filter { field, value } => {
                let filter = self.filter(*field, value)?;
                Some(Box::new(ConstScoreQuery::new(filter, 0.0)))
            }
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

    /// The words of `text` in the text, title or heading: one word alone, several as a
    /// phrase (with gaps where stop words were). `None` when no word is indexed.
    fn text(&mut self, text: &str, positive: bool) -> Option<Box<dyn Query>> {
        let fields = self.open.fields;
        let tokens = self.tokens(text);
        let query = text_in(&tokens, &ranked_fields(fields))?;
        if positive {
            self.words.extend(tokens.into_iter().map(|(_, word)| word));
            self.highlight.push((Occur::Should, query.box_clone()));
        }
        Some(query)
    }

    /// Optional clauses that favour paragraphs where neighbouring words of the query stand
    /// close together: each pair as a phrase with slop.
    fn proximity(&mut self, run: &[&str]) -> Vec<Clause> {
        let tokens = self.tokens(&run.join(" "));
        let field = self.open.fields.text;
        tokens
            .windows(2)
            .filter(|pair| pair[0].1 != pair[1].1)
            .map(|pair| {
                let phrase = PhraseQuery::new_with_offset_and_slop(
                    vec![
                        (0, Term::from_field_text(field, &pair[0].1)),
                        (1, Term::from_field_text(field, &pair[1].1)),
                    ],
                    PROXIMITY_SLOP,
                );
                let query: Box<dyn Query> =
                    Box::new(BoostQuery::new(Box::new(phrase), PROXIMITY_WEIGHT));
                (Occur::Should, query, false)
            })
            .collect()
    }

    /// The indexed words of `text` with their positions (stop words leave gaps).
    fn tokens(&mut self, text: &str) -> Vec<(usize, String)> {
        let mut tokens = Vec::new();
        let mut stream = self.analyzer.token_stream(text);
        while stream.advance() {
            let token = stream.token();
            tokens.push((token.position, token.text.clone()));
        }
        tokens
    }

    /// A company named in the query: its name as written, or its tag at `ALIAS_WEIGHT`;
    /// snippets highlight all its names.
    fn company_text(&mut self, text: &str, tag: &str) -> Result<Option<Box<dyn Query>>> {
        let facet = Facet::from_text(tag).with_context(|| {
            format!(
                "the company names saved with the index hold a bad tag {tag:?}; rebuild the index"
            )
        })?;
        let by_tag = BoostQuery::new(
            facet_query(self.open.fields.companies, &facet),
            ALIAS_WEIGHT,
        );
        let mut either: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(by_tag))];
        either.extend(self.text(text, true).map(|q| (Occur::Should, q)));
        let fields = [WeightedField {
            field: self.open.fields.text,
            weight: 1.0,
        }];
        for name in self.names.get(tag).into_iter().flatten() {
            if let Some(query) = text_in(&self.tokens(name), &fields) {
                self.highlight.push((Occur::Should, query));
            }
        }
        Ok(Some(Box::new(BooleanQuery::new(either))))
    }

    /// The indexed words starting with `start`, or within `distance` edits of it, in the
    /// text, title or heading, each scored as a word of the query.
    fn expansion(
        &mut self,
        start: &str,
        distance: Option<u8>,
        positive: bool,
    ) -> Result<Box<dyn Query>> {
        let fields = self.open.fields;
        let searched = [fields.text, fields.title, fields.section];
        let mut frequency: HashMap<String, u64> = HashMap::new();
        let mut add = |key: &[u8], documents: u32| {
            if let Ok(word) = std::str::from_utf8(key) {
                *frequency.entry(word.to_string()).or_default() += u64::from(documents);
            }
        };
        for segment in self.searcher.segment_readers() {
            for field in searched {
                let index = segment.inverted_index(field)?;
                let terms = index.terms();
                match distance {
                    None => {
                        let mut stream = terms.range().ge(start.as_bytes()).into_stream()?;
                        while stream.advance() && stream.key().starts_with(start.as_bytes()) {
                            add(stream.key(), stream.value().doc_freq);
                        }
                    }
                    Some(distance) => {
                        let word = Term::from_field_text(field, start);
                        let automaton = FuzzyTermQuery::new(word, distance, true).automaton()?;
                        let mut stream = terms.search(automaton).into_stream()?;
                        while stream.advance() {
                            add(stream.key(), stream.value().doc_freq);
                        }
                    }
                }
            }
        }
        let mut words: Vec<(String, u64)> = frequency.into_iter().collect();
        words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        words.truncate(MAX_EXPANSIONS);
        if words.is_empty() {
            return Ok(Box::new(EmptyQuery));
        }
        let ranked = ranked_fields(fields);
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|(word, _)| {
                let query: Box<dyn Query> = Box::new(CombinedTermQuery::new(word, &ranked));
                (Occur::Should, query)
            })
            .collect();
        let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        if positive {
            self.highlight.push((Occur::Should, query.box_clone()));
        }
        Ok(query)
    }

    /// What a field filter (`company:Apple`, `path:reuters/*`) matches.
    fn filter(&mut self, field: FilterField, value: &str) -> Result<Box<dyn Query>> {
        let fields = self.open.fields;
        Ok(match field {
            FilterField::Company => {
                facet_query(fields.companies, &company_filter(self.open, value)?)
            }
            FilterField::Topic => {
                let facet = match indexed_topic(self.searcher, fields.topics, value)? {
                    Some(facet) => facet,
                    None => topic_facet(self.open.taxonomy()?, value)?,
                };
                facet_query(fields.topics, &facet)
            }
            FilterField::Path => Box::new(
                RegexQuery::from_pattern(&path_pattern(value), fields.path)
                    .with_context(|| format!("cannot use the path pattern {value:?}"))?,
            ),
            FilterField::Id => Box::new(TermQuery::new(
                Term::from_field_text(fields.id, value),
                IndexRecordOption::Basic,
            )),
            FilterField::Section | FilterField::Title => {
                let (name, target) = match field {
                    FilterField::Section => ("section", fields.section),
                    _ => ("title", fields.title),
                };
                let target = WeightedField {
                    field: target,
                    weight: 1.0,
                };
                match text_in(&self.tokens(value), &[target]) {
                    Some(query) => query,
                    None => bail!(
                        "{name}:{value} has only common words that are not indexed; \
                         give a more specific word"
                    ),
                }
            }
        })
    }
}

/// The fields words are looked for in and ranked by, with the weight of an occurrence in
/// each (BM25F).
fn ranked_fields(fields: Fields) -> [WeightedField; 3] {
    [
        WeightedField {
            field: fields.text,
            weight: 1.0,
        },
        WeightedField {
            field: fields.title,
            weight: TITLE_WEIGHT,
        },
        WeightedField {
            field: fields.section,
            weight: TITLE_WEIGHT,
        },
    ]
}

/// The words in the fields: one word alone scored by BM25F over them, several as a phrase
/// in any of them. `None` when no word is indexed.
fn text_in(tokens: &[(usize, String)], fields: &[WeightedField]) -> Option<Box<dyn Query>> {
    match tokens {
        [] => None,
        [(_, word)] => Some(Box::new(CombinedTermQuery::new(word, fields))),
        _ => {
            let per_field = fields
                .iter()
                .map(|weighted| {
                    let phrase = PhraseQuery::new_with_offset(
                        tokens
                            .iter()
                            .map(|(position, word)| {
                                (*position, Term::from_field_text(weighted.field, word))
                            })
                            .collect(),
                    );
                    let query: Box<dyn Query> =
                        Box::new(BoostQuery::new(Box::new(phrase), weighted.weight));
                    (Occur::Should, query)
                })
                .collect();
            Some(Box::new(BooleanQuery::new(per_field)))
        }
    }
}

/// A boolean query of the clauses; with only exclusions, every other paragraph.
fn boolean(clauses: Vec<Clause>) -> Option<Box<dyn Query>> {
    if clauses.is_empty() {
        return None;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        clauses.into_iter().map(|(o, q, _)| (o, q)).collect();
    if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// The regular expression of a `path:` filter: a glob (`*` any characters, `?` one), or a
/// path without wildcards, which also matches everything under it as a folder.
fn path_pattern(value: &str) -> String {
    let value = value.trim_start_matches("./");
    let mut pattern = String::new();
    for c in value.trim_end_matches('/').chars() {
        match c {
            '*' => pattern.push_str(".*"),
            '?' => pattern.push('.'),
            c if "\\.+()|[]{}^$#&-~".contains(c) => {
                pattern.push('\\');
                pattern.push(c);
            }
            c => pattern.push(c),
        }
    }
    if !value.contains(['*', '?']) {
        pattern.push_str("(/.*)?");
    }
    pattern
}

/// The query's words in groups, left to right: the longest run of words that names a
/// company, with the company's tag, or else one word alone.
fn name_groups<'a>(
    words: &[&str],
    by_name: &HashMap<String, &'a String>,
) -> Vec<(String, Option<&'a String>)> {
    let mut groups = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let longest = (1..=MAX_NAME_WORDS.min(words.len() - start))
            .rev()
            .find_map(|n| {
                let text = words[start..start + n].join(" ");
                by_name
                    .get(&text.to_lowercase())
                    .map(|facet| (n, text, *facet))
            });
        match longest {
            Some((n, text, facet)) => {
                groups.push((text, Some(facet)));
                start += n;
            }
            None => {
                groups.push((words[start].to_string(), None));
                start += 1;
            }
        }
    }
    groups
}

fn facet_query(field: tantivy::schema::Field, facet: &Facet) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_facet(field, facet),
        IndexRecordOption::Basic,
    ))
}

/// The facet of a company the index discovered by its marks (not in the taxonomy), named
/// in any case.
fn discovered_facet(open: &OpenIndex, name: &str) -> Result<Option<Facet>> {
    if open.taxonomy()?.find_company(name).is_some() {
        return Ok(None);
    }
    let wanted = name.trim().to_lowercase();
    let reader = open.reader()?;
    let mut found = None;
    for_each_tag(
        &reader.searcher(),
        open.fields.companies,
        |facet, _, _, _| {
            if let [tag] = facet.to_path().as_slice()
                && tag.to_lowercase() == wanted
            {
                found = Some(facet.clone());
            }
            Ok(())
        },
    )?;
    Ok(found)
}

/// The facet of a company named by canonical name or alias, in any case.
pub fn company_facet(taxonomy: &Taxonomy, name: &str) -> Result<Facet> {
    match taxonomy.find_company(name) {
        Some(id) => Ok(Facet::from_path(taxonomy.company_path(id))),
        None => {
            let nearest = taxonomy.nearest_companies(name, 3);
            bail!(
                "unknown company {name:?}; did you mean {}? (`--company` takes a name from the taxonomy)",
                quote_list(&nearest)
            )
        }
    }
}

/// The facet of a topic named in any case.
pub fn topic_facet(taxonomy: &Taxonomy, name: &str) -> Result<Facet> {
    match taxonomy.find_topic(name) {
        Some(id) => Ok(Facet::from_path([taxonomy.topics[id].name.as_str()])),
        None => {
            let nearest = taxonomy.nearest_topics(name, 3);
            bail!(
                "unknown topic {name:?}; did you mean {}? (`--topic` takes a name from the taxonomy)",
                quote_list(&nearest)
            )
        }
    }
}

/// The document at `path` (a path relative to the indexed folder, as hits print it), or for
/// a JSON Lines file the document on `line`; the whole file's paragraphs otherwise.
pub fn show(open: &OpenIndex, path: &str, line: Option<u64>) -> Result<StoredDocument> {
    let reader = open.reader()?;
    let searcher = reader.searcher();
    let fields = open.fields;
    let mut documents = stored_documents(&searcher, fields, path, None)?;
    if documents.is_empty() {
        bail!(
            "the index holds no document {path}; give its path as search hits print it \
             (relative to the indexed folder)"
        );
    }
    let records = documents.iter().any(|d| d.id.is_some());
    if let (true, Some(line)) = (records, line) {
        return documents
            .into_iter()
            .find(|d| d.paragraphs.first().is_some_and(|p| p.line == line))
            .ok_or_else(|| anyhow::anyhow!("{path} has no document on line {line}"));
    }
    if documents.len() > 1 {
        bail!(
            "{path} holds {} documents; name one as {path}:LINE",
            documents.len()
        );
    }
    Ok(documents.remove(0))
}

/// Every document stored under `path` (one for a file, one per line of a JSON Lines
/// file), or only the one with `id`, each with its paragraphs in order.
fn stored_documents(
    searcher: &Searcher,
    fields: Fields,
    path: &str,
    id: Option<&str>,
) -> Result<Vec<StoredDocument>> {
    let exact = |field, text| -> (Occur, Box<dyn Query>) {
        let term = Term::from_field_text(field, text);
        (
            Occur::Must,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        )
    };
    let mut clauses = vec![exact(fields.path, path)];
    clauses.extend(id.map(|id| exact(fields.id, id)));
    let addresses = searcher.search(&BooleanQuery::new(clauses), &DocSetCollector)?;
    let mut documents: Vec<StoredDocument> = Vec::new();
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        let (id, title, paragraph) = stored_paragraph(&doc, fields);
        match documents.iter_mut().find(|d| d.id == id) {
            Some(document) => document.paragraphs.push(paragraph),
            None => documents.push(StoredDocument {
                path: path.to_string(),
                id,
                title,
                paragraphs: vec![paragraph],
            }),
        }
    }
    for document in &mut documents {
        document.paragraphs.sort_by_key(|p| p.number);
    }
    documents.sort_by_key(|d| d.paragraphs.first().map_or(0, |p| p.line));
    Ok(documents)
}

/// The paragraphs of one document, in order.
fn stored_paragraphs(
    searcher: &Searcher,
    fields: Fields,
    path: &str,
    id: Option<&str>,
) -> Result<Vec<Paragraph>> {
    Ok(stored_documents(searcher, fields, path, id)?
        .into_iter()
        .next()
        .map(|d| d.paragraphs)
        .unwrap_or_default())
}

/// A stored paragraph's document id, document title and the paragraph itself.
fn stored_paragraph(doc: &TantivyDocument, fields: Fields) -> (Option<String>, String, Paragraph) {
    let text_of = |field| {
        doc.get_first(field)
            .and_then(|value| value.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let number_of = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
    let paragraph = Paragraph {
        number: number_of(fields.paragraph),
        line: number_of(fields.line),
        section: Some(text_of(fields.section)).filter(|s| !s.is_empty()),
        companies: last_segments(doc, fields.companies),
        topics: last_segments(doc, fields.topics),
        text: text_of(fields.text),
    };
    let id = Some(text_of(fields.id)).filter(|id| !id.is_empty());
    (id, text_of(fields.title), paragraph)
}

/// The last names of the facets of `field`: "Alibaba Cloud" for /Alibaba/Alibaba Cloud.
fn last_segments(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|value| value.as_facet())
        .filter_map(|encoded| Facet::from_encoded(encoded.as_bytes().to_vec()).ok())
        .filter_map(|facet| facet.to_path().last().map(|s| s.to_string()))
        .collect()
}

fn hit(doc: &TantivyDocument, fields: Fields, score: f32, snippets: &SnippetGenerator) -> Hit {
    let (id, title, paragraph) = stored_paragraph(doc, fields);
    let path = doc
        .get_first(fields.path)
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .to_string();
    Hit {
        score,
        path,
        id,
        line: paragraph.line,
        paragraph: paragraph.number,
        section: paragraph.section,
        title,
        companies: paragraph.companies,
        topics: paragraph.topics,
        snippet: snippet(snippets, &paragraph.text),
        text: paragraph.text,
        context: Vec::new(),
        explanation: None,
    }
}

/// The best fragment; when the match was only in the title or a heading, the paragraph's
/// opening words stand in.
fn snippet(generator: &SnippetGenerator, text: &str) -> Snippet {
    let found = generator.snippet(text);
    if !found.is_empty() && !found.highlighted().is_empty() {
        return Snippet {
            text: found.fragment().to_string(),
            highlights: found.highlighted().to_vec(),
        };
    }
    let end = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(i, _)| i);
    Snippet {
        text: text[..end].to_string(),
        highlights: Vec::new(),
    }
}

/// Counts of the top-level tags (a parent counts its units) among the matching paragraphs,
/// most frequent first.
fn facet_counts(
    searcher: &Searcher,
    field: Field,
    matching: &HashSet<DocAddress>,
    wanted: bool,
) -> Result<Vec<(String, u64)>> {
    if !wanted {
        return Ok(Vec::new());
    }
    let mut counts: HashMap<String, u64> = HashMap::new();
    for_each_tag(searcher, field, |facet, segment_ord, _, docs| {
        // A unit is counted under its parent, which every unit paragraph also holds.
        if let [name] = facet.to_path().as_slice() {
            let count = docs
                .iter()
                .filter(|&&doc| matching.contains(&DocAddress::new(segment_ord, doc)))
                .count() as u64;
            if count > 0 {
                *counts.entry((*name).to_string()).or_default() += count;
            }
        }
        Ok(())
    })?;
    let mut list: Vec<(String, u64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(list)
}

/// Walks the tags (facets) of `field` in every segment, in dictionary order, calling
/// `visit` with each tag other than the root, its segment and the live paragraphs carrying
/// it. In-order walking decompresses each dictionary block once; looking tags up by number
/// decompressed a block per tag.
fn for_each_tag(
    searcher: &Searcher,
    field: Field,
    mut visit: impl FnMut(&Facet, u32, &SegmentReader, &[DocId]) -> Result<()>,
) -> Result<()> {
    let mut docs = Vec::new();
    for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment.inverted_index(field)?;
        let alive = segment.alive_bitset();
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let facet = Facet::from_encoded(terms.key().to_vec())
                .context("the index holds a damaged tag")?;
            if facet.is_root() {
                continue; // every tagged paragraph holds the root
            }
            let mut postings =
                inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            docs.clear();
            while postings.doc() != TERMINATED {
                let doc = postings.doc();
                if alive.is_none_or(|bits| bits.is_alive(doc)) {
                    docs.push(doc);
                }
                postings.advance();
            }
            visit(&facet, segment_ord as u32, segment, &docs)?;
        }
    }
    Ok(())
}

/// How often one company or topic occurs in an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCount {
    /// Names from the top-level parent down to the tag (["Alibaba", "Alibaba Cloud"]).
    pub path: Vec<String>,
    /// Paragraphs tagged with it (a parent counts the paragraphs of its units too).
    pub paragraphs: u64,
    /// Documents with at least one such paragraph.
    pub documents: u64,
}

/// Every company (`fields.companies`) or topic (`fields.topics`) in the index, most
/// frequent first, read from the facet terms so no stored paragraph is loaded.
pub fn tag_counts(open: &OpenIndex, field: Field) -> Result<Vec<TagCount>> {
    let reader = open.reader()?;
    let searcher = reader.searcher();
    let mut counts: HashMap<String, (u64, HashSet<String>)> = HashMap::new();
    let mut path = String::new();
    // The path column of the segment being walked, opened once per segment.
    let mut columns: Option<(u32, Option<StrColumn>)> = None;
    for_each_tag(&searcher, field, |facet, segment_ord, segment, docs| {
        if columns.as_ref().is_none_or(|(ord, _)| *ord != segment_ord) {
            columns = Some((segment_ord, segment.fast_fields().str("path")?));
        }
        let paths = columns.as_ref().and_then(|(_, column)| column.as_ref());
        let entry = counts.entry(facet.to_path_string()).or_default();
        entry.0 += docs.len() as u64;
        if let Some(paths) = paths {
            for &doc in docs {
                for ord in paths.term_ords(doc) {
                    path.clear();
                    paths.ord_to_str(ord, &mut path)?;
                    entry.1.insert(path.clone());
                }
            }
        }
        Ok(())
    })?;
    let mut list: Vec<TagCount> = counts
        .into_iter()
        .map(|(facet, (paragraphs, documents))| TagCount {
            path: Facet::from(facet.as_str())
                .to_path()
                .into_iter()
                .map(str::to_string)
                .collect(),
            paragraphs,
            documents: documents.len() as u64,
        })
        .collect();
    list.sort_by(|a, b| {
        b.paragraphs
            .cmp(&a.paragraphs)
            .then_with(|| a.path.cmp(&b.path))
    });
    Ok(list)
}
