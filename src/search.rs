//! Search an index: parse the query, apply company and topic filters, rank with BM25F,
//! and gather hits with snippets and facet counts.
//!
//! This module runs a search, on a local index or (`Engine`) on an OpenSearch cluster;
//! its parts do one job each: `compile_tantivy` turns the query tree into tantivy
//! queries, `compile_opensearch` into OpenSearch's Query DSL, `cluster` runs that on a
//! cluster and reads its answer back, `bm25f` scores a word over a paragraph's fields,
//! `stop_words` holds the function words queries leave out, `feedback` is `--expand`,
//! `page` picks the hits of the page asked for, `stored` reads hits and documents back,
//! `explain` is `--explain`, and `facets` counts tags. Returns data only; turning hits
//! into text or JSON is `render`'s job.

use std::ops::Range;

use anyhow::Result;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::BooleanQuery;
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, TantivyDocument};

mod bm25f;
mod cluster;
mod compile_opensearch;
mod compile_tantivy;
mod explain;
mod facets;
mod feedback;
mod forward;
mod locate;
mod page;
pub(crate) mod place;
mod stats;
mod stop_words;
mod stored;

use compile_tantivy::Compiler;
use explain::explain;
use facets::FacetsCollector;
use feedback::{expanded, feedback_terms};
use page::{first_fetch, ranked_page};
use place::Places;
use stop_words::is_query_stop_word;
use stored::{hit, stored_paragraphs};

pub use cluster::{Cluster, ClusterApi};
pub(crate) use compile_tantivy::TITLE_WEIGHT;
pub use compile_tantivy::{company_facet, topic_facet};
pub use facets::{ListedTag, TagCount, TagKind, listed_tags, tag_counts};
pub use locate::{End, indexed_path, past_end};
pub use stats::{IndexStats, stats};
pub use stored::show;

use crate::index::{HanReading, OpenIndex, query_analyzer};
use crate::query::{self, Expr, FilterField, Item, Mark, Query as ParsedQuery};
use crate::read::Date;

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 240;

/// A search or a document the index cannot give as asked, through no fault of the index;
/// the message says what to ask instead. The CLI prints it as any error; a server answers
/// it with a 4xx rather than a 5xx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The request is wrong: an empty query, an unknown company, only common words.
    Invalid(String),
    /// The index holds no such document.
    NotFound(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Invalid(message) | Refusal::NotFound(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Refusal {}

/// Returns early with `Refusal::Invalid` and a formatted message, as `bail!` does.
macro_rules! refuse {
    ($($message:tt)*) => {
        return Err($crate::search::Refusal::Invalid(format!($($message)*)).into())
    };
}
pub(crate) use refuse;

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
    /// Only paragraphs of documents dated in these ranges (`--since`, `--until`), as the
    /// query's `date:` writes them.
    pub dates: Vec<String>,
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Best BM25 score first.
    #[default]
    Score,
    /// By document path, then line, as grep prints them.
    Path,
    /// Newest document first; undated documents last; best score first within a day.
    Date,
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
    /// Line where the paragraph starts (in a PDF, on its page).
    pub line: u64,
    /// Page of a PDF paragraph.
    pub page: Option<u64>,
    /// Paragraph number in its document.
    pub paragraph: u64,
    /// The document's date.
    pub date: Option<Date>,
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
    /// Line where it starts (for a JSON Lines document, the document's line; in a PDF,
    /// the line on its page).
    pub line: u64,
    /// Page of a PDF paragraph.
    pub page: Option<u64>,
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
    /// Date.
    pub date: Option<Date>,
    /// Sender and recipients of an e-mail.
    pub people: Vec<String>,
    /// Paragraphs in order.
    pub paragraphs: Vec<Paragraph>,
}

impl StoredDocument {
    /// The number of the paragraph at `line` (on `page` of a PDF): the last one starting
    /// there or before, as `dossier show PATH:LINE` marks it.
    pub fn paragraph_at(&self, page: Option<u64>, line: u64) -> Option<u64> {
        self.paragraphs
            .iter()
            .filter(|p| (p.page, p.line) <= (page, line))
            .map(|p| p.number)
            .next_back()
    }
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
    /// Matching paragraphs of dated documents by month (`2024-03`), oldest first.
    pub month_counts: Vec<(String, u64)>,
}

/// Where a search runs: a local index or an OpenSearch cluster. Both give the same
/// results types, so rendering does not know which engine answered.
pub enum Engine<'a> {
    /// A tantivy index on disk.
    Local(&'a OpenIndex),
    /// An index in an OpenSearch cluster.
    OpenSearch(&'a Cluster),
}

impl Engine<'_> {
    /// Runs a search: see [`search`].
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        match self {
            Engine::Local(open) => search(open, request),
            Engine::OpenSearch(cluster) => relaxed(request, |parsed| {
                cluster::search_once(cluster, request, parsed)
            }),
        }
    }

    /// The document at `path` (see [`show`]).
    pub fn show(&self, path: &str, line: Option<u64>) -> Result<StoredDocument> {
        match self {
            Engine::Local(open) => show(open, path, line),
            Engine::OpenSearch(cluster) => cluster::show(cluster, path, line),
        }
    }

    /// Every company or topic the index holds (see [`listed_tags`]).
    pub fn listed_tags(&self, kind: TagKind) -> Result<Vec<ListedTag>> {
        match self {
            Engine::Local(open) => listed_tags(open, kind),
            Engine::OpenSearch(cluster) => cluster::listed_tags(cluster, kind),
        }
    }
}

/// Runs a search on an opened index.
///
/// Every word of the query must appear unless `any` is set; when no paragraph has them
/// all, plain words are dropped from the end one at a time (Meilisearch's "last"
/// strategy) and the results say which.
pub fn search(open: &OpenIndex, request: &SearchRequest) -> Result<SearchResults> {
    let mut searcher = None;
    relaxed(request, |parsed| {
        if searcher.is_none() {
            searcher = Some(open.reader()?.searcher());
        }
        let searcher = searcher.as_ref().expect("the searcher was just opened");
        search_once(open, searcher, request, parsed)
    })
}

/// Parses the query with the request's filters, and runs it with `once`, dropping plain
/// words from the end while nothing has them all (unless `any` is set).
fn relaxed(
    request: &SearchRequest,
    mut once: impl FnMut(&ParsedQuery) -> Result<SearchResults>,
) -> Result<SearchResults> {
    let filtered =
        !(request.companies.is_empty() && request.topics.is_empty() && request.dates.is_empty());
    if request.query.trim().is_empty() && !filtered {
        refuse!(
            "the query is empty; give one or more words to search for, or a filter such as \
             --company NAME"
        );
    }
    let mut parsed = query::parse(&request.query)?;
    if !filtered && !request.query.chars().any(char::is_alphanumeric) {
        refuse!(
            "nothing searchable in the query: it holds no letter or digit; give a word to \
             search for"
        );
    }
    let flags = request
        .companies
        .iter()
        .map(|name| (FilterField::Company, name))
        .chain(request.topics.iter().map(|name| (FilterField::Topic, name)))
        .chain(request.dates.iter().map(|range| (FilterField::Date, range)));
    for (field, value) in flags {
        parsed.items.push(Item {
            mark: Mark::Required,
            expr: Expr::Filter {
                field,
                value: value.clone(),
            },
        });
    }
    let droppable = droppable_words(&parsed);
    let relaxable = !request.any && droppable.len() > 1;
    let mut dropped_words = Vec::new();
    loop {
        let mut results = once(&parsed)?;
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
fn droppable_words(parsed: &ParsedQuery) -> Vec<usize> {
    let mut analyzer = query_analyzer(HanReading::Detected);
    parsed
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
        .collect()
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
    // One pass over the matches counts them, ranks the first batch of the page (every
    // match is scored either way: tantivy prunes only unions of plain term queries, and
    // BM25F words are not) and, for --facets only, counts their tags and months.
    let first_batch = (request.sort == SortOrder::Score)
        .then(|| TopDocs::with_limit(first_fetch(request).max(1)).order_by_score());
    let facets = request
        .facets
        .then(|| FacetsCollector::new(searcher.schema(), fields.companies, fields.topics));
    let (total, first, counts) = searcher
        .search(&query, &(Count, first_batch, facets))
        .map_err(|err| open.damaged(&err))?;
    let counts = counts.unwrap_or_default();
    let page = ranked_page(open, searcher, &query, request, total, first)?;
    let highlight = BooleanQuery::new(compiled.highlight);
    let mut snippets = SnippetGenerator::create(searcher, &highlight, fields.text)?;
    snippets.set_max_num_chars(SNIPPET_CHARS);
    let tagger = match request.explain {
        true => Some(open.explain_tagger()?),
        false => None,
    };
    let places = Places::new(open, searcher)?;
    let hits = page
        .into_iter()
        .map(|(score, address)| {
            let doc: TantivyDocument = searcher.doc(address)?;
            let mut hit = hit(&doc, fields, places.get(address), score, &snippets);
            if let Some(tagger) = &tagger {
                hit.explanation = Some(explain(searcher, &*query, address, tagger, &hit)?);
            }
            if request.context > 0 {
                let around = hit.paragraph.saturating_sub(request.context as u64)
                    ..=hit.paragraph + request.context as u64;
                hit.context =
                    stored_paragraphs(searcher, fields, &places, &hit.path, hit.id.as_deref())?
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
        month_counts: counts.months,
        company_counts: counts.companies,
        topic_counts: counts.topics,
    })
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
