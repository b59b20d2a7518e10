//! Searches run on an OpenSearch cluster: the query compiled by `compile_opensearch` is
//! sent through a client, and the answer read back into the hits, documents and counts a
//! local search gives. The HTTP itself is the client's job (`ClusterApi`).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use tantivy::schema::Facet;

use super::compile_opensearch::{
    CompiledDsl, DslCompiler, MARK_END, MARK_START, Page, SOURCE_FIELDS, search_body,
};
use super::facets::{ListedTag, TagCount, TagKind};
use super::{
    Hit, Paragraph, SNIPPET_CHARS, SearchRequest, SearchResults, Snippet, StoredDocument, refuse,
};
use crate::opensearch::mapping::COMBINED;
use crate::opensearch::{Client, Warn};
use crate::query::Query as ParsedQuery;
use crate::read::Date;
use crate::taxonomy::Taxonomy;

/// What a search needs of an OpenSearch client: JSON in, JSON out, HTTP errors turned
/// into one sentence that names the cluster or the index and what to do.
pub trait ClusterApi {
    /// `GET path` (path from the cluster's root, query string included).
    fn get(&self, path: &str) -> Result<Value>;
    /// `POST path` with a JSON body.
    fn post(&self, path: &str, body: &Value) -> Result<Value>;
}

/// An index in an OpenSearch cluster, as `search`, `show`, `companies` and `topics` read it.
pub struct Cluster {
    api: Box<dyn ClusterApi>,
    index: String,
    /// The names of the companies the index holds, by tag, read from the mapping's
    /// `_meta` on first use.
    names: OnceLock<BTreeMap<String, Vec<String>>>,
    /// The built-in taxonomy, for names the mapping does not hold; read on first use.
    taxonomy: OnceLock<Taxonomy>,
}

/// Most hits one request returns: OpenSearch's default `index.max_result_window`.
const MAX_WINDOW: usize = 10_000;
/// (tag, document) pairs read per request when listing companies or topics.
const PAIRS_PER_PAGE: usize = 10_000;

/// The cluster's REST API through dossier's OpenSearch client, tried once per request: a
/// search of a cluster that is not there fails at once rather than after retries.
struct Http {
    client: Client,
    index: String,
}

impl Http {
    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let bytes = body.map(|body| body.to_string().into_bytes());
        let answer = self
            .client
            .send(
                method,
                path,
                bytes.as_deref().map(|b| ("application/json", b)),
            )
            .map_err(|err| {
                anyhow!(
                    "no OpenSearch cluster answers at {} ({err}); start one or check --opensearch",
                    self.client.url()
                )
            })?;
        let json = answer.json();
        if answer.status == 404 && json["error"]["type"] == "index_not_found_exception" {
            bail!(
                "the cluster at {} holds no index {}; build it with `dossier index DIR \
                 --opensearch {} --os-index {}`, or name another with --os-index",
                self.client.url(),
                self.index,
                self.client.url(),
                self.index
            );
        }
        if answer.status >= 400 {
            bail!(
                "the cluster at {} refused the search of {}: {} ({})",
                self.client.url(),
                self.index,
                answer.status,
                answer.reason()
            );
        }
        if json.is_null() {
            bail!("the cluster at {} answered with no JSON", self.client.url());
        }
        Ok(json)
    }
}

impl ClusterApi for Http {
    fn get(&self, path: &str) -> Result<Value> {
        self.request("GET", path, None)
    }

    fn post(&self, path: &str, body: &Value) -> Result<Value> {
        self.request("POST", path, Some(body))
    }
}

impl Cluster {
    /// The index `index` of the cluster at `url` (`http://HOST:PORT`); nothing is sent yet.
    pub fn connect(url: &str, index: &str) -> Result<Cluster> {
        let warn: Warn = Arc::new(|line: &str| eprintln!("dossier: {line}"));
        let client = Client::new(url, warn)?;
        let http = Http {
            client,
            index: index.to_string(),
        };
        Ok(Cluster::new(Box::new(http), index))
    }

    /// The index `index` of the cluster `api` talks to.
    pub fn new(api: Box<dyn ClusterApi>, index: &str) -> Cluster {
        Cluster {
            api,
            index: index.to_string(),
            names: OnceLock::new(),
            taxonomy: OnceLock::new(),
        }
    }

    /// Runs one `_search` with global term statistics, so two shards score as one index.
    fn search(&self, body: &Value) -> Result<Value> {
        let path = format!("/{}/_search?search_type=dfs_query_then_fetch", self.index);
        self.api.post(&path, body)
    }

    /// Runs one `_search` that scores nothing: stored paragraphs and counts.
    fn read(&self, body: &Value) -> Result<Value> {
        self.api.post(&format!("/{}/_search", self.index), body)
    }

    /// The names of the known companies the index holds (`_meta.dossier.company_names` of
    /// its mapping, written when it is indexed); empty when the mapping has none.
    fn company_names(&self) -> Result<&BTreeMap<String, Vec<String>>> {
        if let Some(names) = self.names.get() {
            return Ok(names);
        }
        let mapping = self.api.get(&format!("/{}/_mapping", self.index))?;
        let has_combined = mapping
            .as_object()
            .and_then(|indexes| indexes.values().next())
            .and_then(|index| index.pointer(&format!("/mappings/properties/{COMBINED}")))
            .is_some();
        if !has_combined {
            bail!(
                "the index {} was made by an older dossier, which ranks differently; index \
                 the folder into it again with `dossier index DIR --opensearch URL --os-index {}`",
                self.index,
                self.index
            );
        }
        let names = names_from_mapping(&mapping).with_context(|| {
            format!(
                "the company names in the mapping of the index {} are damaged; index the \
                 folder into it again",
                self.index
            )
        })?;
        Ok(self.names.get_or_init(|| names))
    }

    fn taxonomy(&self) -> Result<&Taxonomy> {
        if let Some(taxonomy) = self.taxonomy.get() {
            return Ok(taxonomy);
        }
        let taxonomy = Taxonomy::builtin()?;
        Ok(self.taxonomy.get_or_init(|| taxonomy))
    }
}

/// The company names of a `GET /index/_mapping` answer: `{index: {"mappings": {"_meta":
/// {"dossier": {"company_names": {...}}}}}}`.
fn names_from_mapping(mapping: &Value) -> Result<BTreeMap<String, Vec<String>>> {
    let names = mapping
        .as_object()
        .and_then(|indexes| indexes.values().next())
        .and_then(|index| index.pointer("/mappings/_meta/dossier/company_names"));
    match names {
        Some(names) => Ok(serde_json::from_value(names.clone())?),
        None => Ok(BTreeMap::new()),
    }
}

/// One search on the cluster, without dropping words: the ranked page, at most
/// `per_doc` hits from one document, with the counts when asked.
pub(super) fn search_once(
    cluster: &Cluster,
    request: &SearchRequest,
    parsed: &ParsedQuery,
) -> Result<SearchResults> {
    if request.expand {
        refuse!("--expand needs a local index; leave it out with --opensearch");
    }
    if request.explain {
        refuse!("--explain needs a local index; leave it out with --opensearch");
    }
    let names = cluster.company_names()?;
    let taxonomy = match names.is_empty() {
        true => Some(cluster.taxonomy()?),
        false => None,
    };
    let compiled = DslCompiler::new(!request.any, names, taxonomy).compile(parsed)?;
    let boosts = idf_boosts(cluster, &compiled.ranked_words)?;
    let compiled = match boosts.is_empty() {
        true => compiled,
        false => DslCompiler::new(!request.any, names, taxonomy)
            .with_idf_boosts(boosts)
            .compile(parsed)?,
    };
    let (total, answer, ranked) = ranked_page(cluster, &compiled, request)?;
    let mut hits: Vec<Hit> = ranked.iter().map(hit).collect::<Result<_>>()?;
    if request.context > 0 {
        for hit in &mut hits {
            let around = hit.paragraph.saturating_sub(request.context as u64)
                ..=hit.paragraph + request.context as u64;
            let range = json!({"gte": around.start(), "lte": around.end()});
            hit.context = stored_documents(cluster, &hit.path, hit.id.as_deref(), Some(range))?
                .into_iter()
                .next()
                .map(|d| d.paragraphs)
                .unwrap_or_default()
                .into_iter()
                .filter(|p| p.number != hit.paragraph)
                .collect();
        }
    }
    let aggregations = answer.get("aggregations");
    Ok(SearchResults {
        hits,
        offset: request.offset,
        total,
        dropped_words: Vec::new(),
        company_counts: bucket_counts(aggregations, "companies"),
        topic_counts: bucket_counts(aggregations, "topics"),
        month_counts: month_counts(aggregations),
    })
}

/// For each word, its local idf (from the paragraphs whose text holds it) over its idf in
/// the combined field (whose title or heading holds it too), from the cluster's counts; a
/// word no text holds keeps its weight. Empty for no word, without asking the cluster.
fn idf_boosts(cluster: &Cluster, words: &[String]) -> Result<HashMap<String, f32>> {
    if words.is_empty() {
        return Ok(HashMap::new());
    }
    let mut aggregations = serde_json::Map::new();
    for (at, word) in words.iter().enumerate() {
        for field in ["text", COMBINED] {
            let query = json!({"match": {field: {"query": word, "operator": "and"}}});
            aggregations.insert(format!("{field}{at}"), json!({"filter": query}));
        }
    }
    let body = json!({"size": 0, "track_total_hits": true, "aggs": aggregations});
    let answer = cluster.read(&body)?;
    let paragraphs = total_hits(&answer)? as f64;
    let count = |name: String| {
        answer
            .pointer(&format!("/aggregations/{name}/doc_count"))
            .and_then(Value::as_u64)
            .unwrap_or(0) as f64
    };
    // Lucene's and tantivy's idf.
    let idf = |holding: f64| (1.0 + (paragraphs - holding + 0.5) / (holding + 0.5)).ln();
    let mut boosts = HashMap::new();
    for (at, word) in words.iter().enumerate() {
        let (in_text, in_any) = (count(format!("text{at}")), count(format!("{COMBINED}{at}")));
        if in_text > 0.0 && in_any > in_text && idf(in_any) > 0.0 {
            boosts.insert(word.clone(), (idf(in_text) / idf(in_any)) as f32);
        }
    }
    Ok(boosts)
}

/// The total, the first answer (with the aggregations) and the hits of the requested
/// page, at most `per_doc` from one document: ranked hits are fetched in growing batches
/// until the page is full, as locally.
fn ranked_page(
    cluster: &Cluster,
    compiled: &CompiledDsl,
    request: &SearchRequest,
) -> Result<(usize, Value, Vec<Value>)> {
    let wanted = request.offset + request.limit;
    let mut fetch = match request.per_doc {
        0 => wanted,
        _ => wanted * 2,
    }
    .min(MAX_WINDOW);
    let mut first: Option<(usize, Value)> = None;
    loop {
        let page = Page {
            from: 0,
            size: fetch,
            sort: request.sort,
            facets: request.facets && first.is_none(),
        };
        let answer = cluster.search(&search_body(compiled, page))?;
        let total = total_hits(&answer)?;
        let ranked = answer
            .pointer("/hits/hits")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let kept = keep_per_document(ranked, request.per_doc, wanted);
        let first = first.get_or_insert((total, answer));
        if kept.len() >= wanted || fetch >= first.0 || fetch >= MAX_WINDOW {
            let (total, answer) = first.clone();
            return Ok((
                total,
                answer,
                kept.into_iter().skip(request.offset).collect(),
            ));
        }
        fetch = (fetch * 2).min(first.0).min(MAX_WINDOW);
    }
}

/// The exact number of matching paragraphs (`track_total_hits` is set).
fn total_hits(answer: &Value) -> Result<usize> {
    let total = answer
        .pointer("/hits/total/value")
        .and_then(Value::as_u64)
        .context("the cluster answered a search without a total of hits")?;
    Ok(usize::try_from(total).unwrap_or(usize::MAX))
}

/// The first `wanted` hits, with at most `per_doc` (0: any number) from one document.
fn keep_per_document(ranked: Vec<Value>, per_doc: usize, wanted: usize) -> Vec<Value> {
    let mut shown: HashMap<(String, String), usize> = HashMap::new();
    let mut kept = Vec::new();
    for hit in ranked {
        if kept.len() == wanted {
            break;
        }
        if per_doc > 0 {
            let document = (
                source_str(&hit, "path").unwrap_or_default(),
                source_str(&hit, "id").unwrap_or_default(),
            );
            let count = shown.entry(document).or_default();
            if *count == per_doc {
                continue;
            }
            *count += 1;
        }
        kept.push(hit);
    }
    kept
}

fn source_str(hit: &Value, field: &str) -> Option<String> {
    hit.pointer(&format!("/_source/{field}"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn source_u64(hit: &Value, field: &str) -> Option<u64> {
    hit.pointer(&format!("/_source/{field}"))
        .and_then(Value::as_u64)
}

fn source_strs(hit: &Value, field: &str) -> Vec<String> {
    hit.pointer(&format!("/_source/{field}"))
        .and_then(Value::as_array)
        .map(|values| {
            values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The last names of tags: "Alibaba Cloud" for /Alibaba/Alibaba Cloud.
fn last_segments(tags: &[String]) -> Vec<String> {
    tags.iter()
        .filter_map(|tag| {
            Facet::from(tag.as_str())
                .to_path()
                .last()
                .map(|s| s.to_string())
        })
        .collect()
}

/// A paragraph from a hit's `_source`, with the id, title and date of its document.
fn paragraph(hit: &Value) -> (Option<String>, String, Option<Date>, Paragraph) {
    let paragraph = Paragraph {
        number: source_u64(hit, "paragraph").unwrap_or(0),
        line: source_u64(hit, "line").unwrap_or(0),
        page: source_u64(hit, "page"),
        section: source_str(hit, "section").filter(|s| !s.is_empty()),
        companies: last_segments(&source_strs(hit, "companies_leaf")),
        topics: last_segments(&source_strs(hit, "topics")),
        text: source_str(hit, "text").unwrap_or_default(),
    };
    (
        source_str(hit, "id").filter(|id| !id.is_empty()),
        source_str(hit, "title").unwrap_or_default(),
        source_u64(hit, "date").and_then(Date::from_number),
        paragraph,
    )
}

/// A hit as the local search gives it: its paragraph, score and highlighted snippet.
fn hit(found: &Value) -> Result<Hit> {
    let path = source_str(found, "path")
        .context("the cluster returned a paragraph without a path; index the folder again")?;
    let (id, title, date, paragraph) = paragraph(found);
    let highlighted = found
        .pointer("/highlight/text/0")
        .and_then(Value::as_str)
        .map(marked_snippet)
        .filter(|snippet| !snippet.highlights.is_empty());
    let snippet = highlighted.unwrap_or_else(|| opening(&paragraph.text));
    Ok(Hit {
        score: found.get("_score").and_then(Value::as_f64).unwrap_or(0.0) as f32,
        path,
        id,
        line: paragraph.line,
        page: paragraph.page,
        paragraph: paragraph.number,
        date,
        section: paragraph.section,
        title,
        companies: paragraph.companies,
        topics: paragraph.topics,
        text: paragraph.text,
        snippet,
        context: Vec::new(),
        explanation: None,
    })
}

/// A fragment with highlighted words between `MARK_START` and `MARK_END`, as the text and
/// the byte ranges of the words; touching ranges are joined, as locally.
fn marked_snippet(marked: &str) -> Snippet {
    let mut text = String::with_capacity(marked.len());
    let mut highlights: Vec<Range<usize>> = Vec::new();
    let mut rest = marked;
    while let Some(start) = rest.find(MARK_START) {
        text.push_str(&rest[..start]);
        rest = &rest[start + MARK_START.len()..];
        let end = rest.find(MARK_END).unwrap_or(rest.len());
        let from = text.len();
        text.push_str(&rest[..end]);
        match highlights.last_mut() {
            Some(last) if last.end == from => last.end = text.len(),
            _ => highlights.push(from..text.len()),
        }
        rest = rest.get(end + MARK_END.len()..).unwrap_or("");
    }
    text.push_str(rest);
    Snippet {
        text: text.trim().to_string(),
        highlights: shifted(&text, highlights),
    }
}

/// The ranges of `text` moved to the trimmed text.
fn shifted(text: &str, highlights: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let cut = text.len() - text.trim_start().len();
    let kept = text.trim().len();
    highlights
        .into_iter()
        .map(|r| r.start.saturating_sub(cut)..(r.end.saturating_sub(cut)).min(kept))
        .filter(|r| r.start < r.end)
        .collect()
}

/// The paragraph's opening words, when nothing in its text was highlighted (the match was
/// in the title or a heading).
fn opening(text: &str) -> Snippet {
    let end = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(i, _)| i);
    Snippet {
        text: text[..end].to_string(),
        highlights: Vec::new(),
    }
}

/// The counts of a terms aggregation, most frequent first, by last name.
fn bucket_counts(aggregations: Option<&Value>, name: &str) -> Vec<(String, u64)> {
    let mut counts: Vec<(String, u64)> = buckets(aggregations, name)
        .iter()
        .filter_map(|bucket| {
            let tag = bucket.get("key")?.as_str()?;
            let count = bucket.get("doc_count")?.as_u64()?;
            let name = Facet::from(tag).to_path().last()?.to_string();
            Some((name, count))
        })
        .collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
}

fn buckets<'a>(aggregations: Option<&'a Value>, name: &str) -> &'a [Value] {
    aggregations
        .and_then(|a| a.pointer(&format!("/{name}/buckets")))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The months of the date histogram (keys `YYYYMM00`), oldest first.
fn month_counts(aggregations: Option<&Value>) -> Vec<(String, u64)> {
    buckets(aggregations, "months")
        .iter()
        .filter_map(|bucket| {
            let month = bucket.get("key")?.as_f64()? as u64 / 100;
            let count = bucket.get("doc_count")?.as_u64()?;
            (count > 0).then(|| (format!("{:04}-{:02}", month / 100, month % 100), count))
        })
        .collect()
}

/// The document at `path`, or for a JSON Lines file the document on `line`, as
/// `dossier show` prints it (see the local `show`).
pub(super) fn show(cluster: &Cluster, path: &str, line: Option<u64>) -> Result<StoredDocument> {
    let documents = stored_documents(cluster, path, None, None)?;
    super::stored::pick_document(documents, path, line, || {
        format!(
            "the index {} holds no document {path}; give its path as search hits print it \
             (relative to the indexed folder)",
            cluster.index
        )
    })
}

/// Every document stored under `path` (or only the one with `id`), each with its
/// paragraphs in order; only those numbered in `paragraphs` (a range query) when given.
fn stored_documents(
    cluster: &Cluster,
    path: &str,
    id: Option<&str>,
    paragraphs: Option<Value>,
) -> Result<Vec<StoredDocument>> {
    let mut filters = vec![json!({"term": {"path": path}})];
    filters.extend(id.map(|id| json!({"term": {"id": id}})));
    filters.extend(paragraphs.map(|range| json!({"range": {"paragraph": range}})));
    let mut fields = SOURCE_FIELDS.to_vec();
    fields.push("people");
    let body = json!({
        "query": {"bool": {"filter": filters}},
        "size": MAX_WINDOW,
        "sort": [{"paragraph": "asc"}],
        "_source": fields,
    });
    let answer = cluster.read(&body)?;
    let found = answer
        .pointer("/hits/hits")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut documents: Vec<StoredDocument> = Vec::new();
    for hit in found {
        let (id, title, date, paragraph) = paragraph(hit);
        match documents.iter_mut().find(|d| d.id == id) {
            Some(document) => document.paragraphs.push(paragraph),
            None => documents.push(StoredDocument {
                path: path.to_string(),
                id,
                title,
                date,
                people: source_strs(hit, "people"),
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

/// Every company or topic the index holds, most frequent first, with paragraph and
/// document counts, as `dossier companies` and `dossier topics` list them.
pub(super) fn listed_tags(cluster: &Cluster, kind: TagKind) -> Result<Vec<ListedTag>> {
    let field = match kind {
        TagKind::Companies => "companies",
        TagKind::Topics => "topics",
    };
    // Paragraphs and documents of each tag, exactly: every (tag, path) pair with its
    // paragraphs, page by page (a `cardinality` of paths is an estimate).
    let mut counts: HashMap<String, (u64, u64)> = HashMap::new();
    let mut after: Option<Value> = None;
    loop {
        let mut pairs = json!({"size": PAIRS_PER_PAGE, "sources": [
            {"tag": {"terms": {"field": field}}},
            {"path": {"terms": {"field": "path"}}},
        ]});
        if let Some(after) = after.take() {
            pairs["after"] = after;
        }
        let body = json!({"size": 0, "aggs": {"pairs": {"composite": pairs}}});
        let answer = cluster.read(&body)?;
        let page = buckets(answer.get("aggregations"), "pairs");
        for bucket in page {
            let (Some(tag), Some(paragraphs)) = (
                bucket.pointer("/key/tag").and_then(Value::as_str),
                bucket.get("doc_count").and_then(Value::as_u64),
            ) else {
                continue;
            };
            let entry = counts.entry(tag.to_string()).or_default();
            entry.0 += paragraphs;
            entry.1 += 1;
        }
        match answer.pointer("/aggregations/pairs/after_key") {
            Some(key) if page.len() == PAIRS_PER_PAGE => after = Some(key.clone()),
            _ => break,
        }
    }
    let names = match kind {
        TagKind::Companies => Some(cluster.company_names()?),
        TagKind::Topics => None,
    };
    let taxonomy = match names {
        Some(names) if names.is_empty() => Some(cluster.taxonomy()?),
        _ => None,
    };
    let mut list: Vec<ListedTag> = counts
        .into_iter()
        .map(|(tag, (paragraphs, documents))| {
            let path: Vec<String> = Facet::from(tag.as_str())
                .to_path()
                .into_iter()
                .map(str::to_string)
                .collect();
            let last = path.last().map_or("", String::as_str);
            let discovered = names.map(|names| match taxonomy {
                Some(taxonomy) => taxonomy.find_company(last).is_none(),
                None => !is_known(names, &tag),
            });
            let count = TagCount {
                path,
                paragraphs,
                documents,
            };
            ListedTag { count, discovered }
        })
        .collect();
    list.sort_by(|a, b| {
        b.count
            .paragraphs
            .cmp(&a.count.paragraphs)
            .then_with(|| a.count.path.cmp(&b.count.path))
    });
    Ok(list)
}

/// Whether the company of `tag` is one the taxonomy knows, as the local `companies` asks
/// the taxonomy, from the names of the known companies the index holds: a known company's
/// tag, or the parent of one (a known unit's parent is known). A company found by its
/// marks is in neither.
fn is_known(names: &BTreeMap<String, Vec<String>>, tag: &str) -> bool {
    let unit_of = format!("{tag}/");
    names.contains_key(tag) || names.keys().any(|key| key.starts_with(&unit_of))
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Mutex;

    use crate::query::parse;
    use crate::search::SortOrder;

    /// The requests a canned cluster received: path and body.
    type Requests = std::sync::Arc<Mutex<Vec<(String, Value)>>>;

    /// A cluster that answers every search with `answer` and the mapping with `mapping`,
    /// and remembers the requests.
    struct Canned {
        mapping: Value,
        answer: Value,
        requests: Requests,
    }

    impl ClusterApi for Canned {
        fn get(&self, path: &str) -> Result<Value> {
            self.requests
                .lock()
                .expect("not poisoned")
                .push((path.to_string(), Value::Null));
            Ok(self.mapping.clone())
        }
        fn post(&self, path: &str, body: &Value) -> Result<Value> {
            self.requests
                .lock()
                .expect("not poisoned")
                .push((path.to_string(), body.clone()));
            Ok(self.answer.clone())
        }
    }

    fn source(path: &str, paragraph: u64) -> Value {
        json!({"_score": 2.5, "_source": {
            "path": path, "line": paragraph * 2 + 1, "paragraph": paragraph, "date": 19870302,
            "title": "Oil prices", "section": "", "text": "OPEC said oil prices rose.",
            "companies_leaf": ["/OPEC", "/Alibaba/Alibaba Cloud"], "topics": ["/energy"],
        }, "highlight": {"text": ["OPEC said \u{E000}oil\u{E001} prices rose."]}})
    }

    fn cluster(answer: Value) -> (Cluster, Requests) {
        let requests = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mapping = json!({"dossier": {"mappings": {
            "_meta": {"dossier": {"company_names": {"/Alibaba": ["Alibaba", "Qwen"]}}},
            "properties": {"combined": {"type": "text"}},
        }}});
        let api = Canned {
            mapping,
            answer,
            requests: requests.clone(),
        };
        (Cluster::new(Box::new(api), "dossier"), requests)
    }

    #[test]
    fn an_answer_becomes_hits_counts_and_months() {
        let answer = json!({
            "hits": {"total": {"value": 30, "relation": "eq"}, "hits": [
                source("a.txt", 1), source("a.txt", 2), source("b.txt", 1),
            ]},
            "aggregations": {
                "companies": {"buckets": [{"key": "/OPEC", "doc_count": 2}, {"key": "/Alibaba", "doc_count": 3}]},
                "topics": {"buckets": [{"key": "/energy", "doc_count": 5}]},
                "months": {"buckets": [{"key": 19870300.0, "doc_count": 4}, {"key": 19870400.0, "doc_count": 0}]},
            },
        });
        let (cluster, requests) = cluster(answer);
        let request = SearchRequest {
            query: "oil".into(),
            limit: 10,
            per_doc: 1,
            facets: true,
            ..SearchRequest::default()
        };
        let results = search_once(&cluster, &request, &parse("oil").expect("parses"))
            .expect("the search runs");
        assert_eq!(results.total, 30);
        // One paragraph per document.
        let places: Vec<(&str, u64)> = results
            .hits
            .iter()
            .map(|h| (h.path.as_str(), h.line))
            .collect();
        assert_eq!(places, [("a.txt", 3), ("b.txt", 3)]);
        let first = &results.hits[0];
        assert_eq!(first.companies, ["OPEC", "Alibaba Cloud"]);
        assert_eq!(first.topics, ["energy"]);
        assert_eq!(first.section, None);
        assert_eq!(
            first.date.map(|d| d.to_string()).as_deref(),
            Some("1987-03-02")
        );
        assert_eq!(
            &first.snippet.text[first.snippet.highlights[0].clone()],
            "oil"
        );
        assert_eq!(
            results.company_counts,
            [("Alibaba".to_string(), 3), ("OPEC".to_string(), 2)]
        );
        assert_eq!(results.topic_counts, [("energy".to_string(), 5)]);
        assert_eq!(results.month_counts, [("1987-03".to_string(), 4)]);
        let requests = requests.lock().expect("not poisoned");
        assert_eq!(requests[0].0, "/dossier/_mapping");
        // The counts of the word in the text and in the combined field.
        assert_eq!(
            requests[1].1["aggs"]["combined0"]["filter"]["match"]["combined"]["query"],
            json!("oil")
        );
        // Two hits were kept of three, fewer than the page: more were asked for, up to the total.
        assert_eq!(requests.len(), 4);
        assert_eq!(
            requests[2].0,
            "/dossier/_search?search_type=dfs_query_then_fetch"
        );
        assert_eq!(requests[2].1["size"], json!(20));
        assert_eq!(requests[3].1["size"], json!(30));
        assert!(requests[3].1.get("aggs").is_none());
    }

    #[test]
    fn show_groups_paragraphs_and_tags_list_with_discovered_companies() {
        let answer = json!({"hits": {"total": {"value": 2}, "hits": [source("a.txt", 2), source("a.txt", 1)]},
        "aggregations": {"pairs": {"after_key": {"tag": "/OPEC", "path": "b.txt"}, "buckets": [
            {"key": {"tag": "/Alibaba", "path": "a.txt"}, "doc_count": 5},
            {"key": {"tag": "/Alibaba", "path": "b.txt"}, "doc_count": 1},
            {"key": {"tag": "/Alibaba", "path": "c.txt"}, "doc_count": 1},
            {"key": {"tag": "/OPEC", "path": "b.txt"}, "doc_count": 2},
        ]}}});
        let (cluster, _) = cluster(answer);
        let document = show(&cluster, "a.txt", None).expect("the document is there");
        let numbers: Vec<u64> = document.paragraphs.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [1, 2]);
        assert_eq!(document.title, "Oil prices");
        let listed = listed_tags(&cluster, TagKind::Companies).expect("listed");
        assert_eq!(listed[0].count.path, ["Alibaba"]);
        assert_eq!(
            (listed[0].count.paragraphs, listed[0].count.documents),
            (7, 3)
        );
        assert_eq!(listed[0].discovered, Some(false));
        assert_eq!(listed[1].discovered, Some(true));
    }

    #[test]
    fn expand_and_explain_are_refused_with_a_sentence() {
        let (cluster, _) = cluster(Value::Null);
        let request = SearchRequest {
            query: "oil".into(),
            expand: true,
            limit: 1,
            sort: SortOrder::Score,
            ..SearchRequest::default()
        };
        let err =
            search_once(&cluster, &request, &parse("oil").expect("parses")).expect_err("refused");
        assert!(
            err.to_string().contains("--expand needs a local index"),
            "{err}"
        );
    }

    #[test]
    fn marks_become_byte_ranges_and_touching_ones_join() {
        let snippet = marked_snippet(
            " the \u{E000}Qwen\u{E001} model of \u{E000}Alibaba\u{E001}\u{E000} Cloud\u{E001}",
        );
        assert_eq!(snippet.text, "the Qwen model of Alibaba Cloud");
        let words: Vec<&str> = snippet
            .highlights
            .iter()
            .map(|r| &snippet.text[r.clone()])
            .collect();
        assert_eq!(words, ["Qwen", "Alibaba Cloud"]);
    }

    #[test]
    fn a_fragment_without_marks_has_no_highlight() {
        let snippet = marked_snippet("plain text");
        assert_eq!(snippet.text, "plain text");
        assert!(snippet.highlights.is_empty());
    }
}
