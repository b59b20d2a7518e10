//! Render search results for people (text, optionally bold) or scripts (JSON Lines).
//!
//! Writes into any `Write`; never decides where output goes or whether it is a terminal.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::search::{
    Explanation, Hit, ListedTag, Paragraph, SearchResults, Snippet, StoredDocument,
};

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// How to mark highlighted words in human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Highlight {
    /// ANSI bold, for a terminal.
    Bold,
    /// No marks, for pipes and `NO_COLOR`.
    Plain,
}

/// A hit as `search --json` prints it, and as the HTTP API returns it.
#[derive(Serialize)]
pub(crate) struct JsonHit<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<u64>,
    line: u64,
    paragraph: u64,
    section: Option<&'a str>,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    score: f32,
    companies: &'a [String],
    topics: &'a [String],
    text: &'a str,
    snippet: &'a str,
    /// Byte ranges of `snippet` that matched the query.
    highlights: Vec<[usize; 2]>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    context: Vec<JsonParagraph<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<JsonExplanation<'a>>,
}

#[derive(Serialize)]
struct JsonExplanation<'a> {
    score: &'a serde_json::Value,
    tags: Vec<JsonEvidence<'a>>,
}

#[derive(Serialize)]
struct JsonEvidence<'a> {
    tag: &'a str,
    matched: &'a [String],
}

impl<'a> JsonExplanation<'a> {
    fn new(explanation: &'a Explanation) -> JsonExplanation<'a> {
        JsonExplanation {
            score: &explanation.score,
            tags: explanation
                .tags
                .iter()
                .map(|(tag, matched)| JsonEvidence { tag, matched })
                .collect(),
        }
    }
}

/// A paragraph of `--context` or of `dossier show --json`.
#[derive(Serialize)]
pub(crate) struct JsonParagraph<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    /// The document's date, in `show --json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    /// An e-mail's sender and recipients, in `show --json`.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    people: &'a [String],
    paragraph: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<u64>,
    line: u64,
    section: Option<&'a str>,
    companies: &'a [String],
    topics: &'a [String],
    text: &'a str,
}

impl<'a> JsonParagraph<'a> {
    /// The paragraph alone, without its document's path, id, date or people.
    pub(crate) fn new(paragraph: &'a Paragraph) -> JsonParagraph<'a> {
        JsonParagraph {
            path: None,
            id: None,
            date: None,
            people: &[],
            paragraph: paragraph.number,
            page: paragraph.page,
            line: paragraph.line,
            section: paragraph.section.as_deref(),
            companies: &paragraph.companies,
            topics: &paragraph.topics,
            text: &paragraph.text,
        }
    }
}

/// How many names the text facet summary lists per kind.
const FACET_LIMIT: usize = 10;

/// The last line of `--json --facets`: every company and topic among the matching
/// paragraphs with its count, most frequent first.
#[derive(Serialize)]
struct JsonFacets<'a> {
    facets: FacetLists<'a>,
}

/// The counts of `--facets`: the total, companies, topics and months.
#[derive(Serialize)]
pub(crate) struct FacetLists<'a> {
    total: usize,
    companies: Vec<JsonCount<'a>>,
    topics: Vec<JsonCount<'a>>,
    /// The timeline: matching paragraphs of dated documents by month, oldest first.
    months: Vec<JsonMonth<'a>>,
}

#[derive(Serialize)]
struct JsonMonth<'a> {
    month: &'a str,
    paragraphs: u64,
}

#[derive(Serialize)]
struct JsonCount<'a> {
    name: &'a str,
    paragraphs: u64,
}

/// One JSON object per hit, one per line, nothing else; with `facets`, one more line
/// `{"facets": ...}` last.
pub fn write_json<W: Write>(out: &mut W, results: &SearchResults, facets: bool) -> io::Result<()> {
    for hit in &results.hits {
        serde_json::to_writer(&mut *out, &json_hit(hit))?;
        writeln!(out)?;
    }
    if facets {
        let line = JsonFacets {
            facets: facet_lists(results),
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    Ok(())
}

/// A hit as `--json` prints it.
pub(crate) fn json_hit(hit: &Hit) -> JsonHit<'_> {
    JsonHit {
        path: &hit.path,
        id: hit.id.as_deref(),
        page: hit.page,
        line: hit.line,
        paragraph: hit.paragraph,
        section: hit.section.as_deref(),
        title: &hit.title,
        date: hit.date.map(|d| d.to_string()),
        score: hit.score,
        companies: &hit.companies,
        topics: &hit.topics,
        text: &hit.text,
        snippet: &hit.snippet.text,
        highlights: hit
            .snippet
            .highlights
            .iter()
            .map(|r| [r.start, r.end])
            .collect(),
        context: hit.context.iter().map(JsonParagraph::new).collect(),
        explain: hit.explanation.as_ref().map(JsonExplanation::new),
    }
}

/// The counts of a search's `--facets`, as `--json` prints them on its last line.
pub(crate) fn facet_lists(results: &SearchResults) -> FacetLists<'_> {
    FacetLists {
        total: results.total,
        companies: json_counts(&results.company_counts),
        topics: json_counts(&results.topic_counts),
        months: results
            .month_counts
            .iter()
            .map(|(month, paragraphs)| JsonMonth {
                month,
                paragraphs: *paragraphs,
            })
            .collect(),
    }
}

fn json_counts(counts: &[(String, u64)]) -> Vec<JsonCount<'_>> {
    counts
        .iter()
        .map(|(name, paragraphs)| JsonCount {
            name,
            paragraphs: *paragraphs,
        })
        .collect()
}

/// Hits as numbered blocks, then, with `facets`, the counts of companies and topics of
/// all matching paragraphs.
pub fn write_text<W: Write>(
    out: &mut W,
    results: &SearchResults,
    highlight: Highlight,
    facets: bool,
) -> io::Result<()> {
    for (rank, hit) in results.hits.iter().enumerate() {
        write_hit(out, results.offset + rank + 1, hit, highlight)?;
    }
    match (results.offset, results.hits.len()) {
        (0, shown) => writeln!(
            out,
            "{shown} of {} matching paragraphs shown",
            results.total
        )?,
        (offset, 0) => writeln!(
            out,
            "no hits after the first {offset} of {} matching paragraphs",
            results.total
        )?,
        (offset, shown) => writeln!(
            out,
            "hits {} to {} of {} matching paragraphs shown",
            offset + 1,
            offset + shown,
            results.total
        )?,
    }
    if facets {
        write_counts(out, "companies", &results.company_counts)?;
        write_counts(out, "topics", &results.topic_counts)?;
        write_timeline(out, &results.month_counts)?;
    }
    Ok(())
}

/// The months of the matching paragraphs, oldest first, every one (a timeline cut short
/// would hide when things were said): `months: 2024-02 (2), 2024-03 (5)`.
fn write_timeline<W: Write>(out: &mut W, months: &[(String, u64)]) -> io::Result<()> {
    if months.is_empty() {
        return Ok(());
    }
    let items: Vec<String> = months
        .iter()
        .map(|(month, count)| format!("{month} ({count})"))
        .collect();
    writeln!(out, "months: {}", items.join(", "))
}

fn write_hit<W: Write>(
    out: &mut W,
    rank: usize,
    hit: &Hit,
    highlight: Highlight,
) -> io::Result<()> {
    write!(
        out,
        "{rank:>2}. {:6.2}  {}",
        hit.score,
        location(&hit.path, hit.page, hit.line)
    )?;
    if let Some(id) = &hit.id {
        write!(out, "  id {id}")?;
    }
    if let Some(date) = &hit.date {
        write!(out, "  {date}")?;
    }
    match &hit.section {
        Some(section) => writeln!(out, "  [{}]", escaped(section))?,
        None => writeln!(out, "  [{}]", escaped(&hit.title))?,
    }
    if !hit.companies.is_empty() || !hit.topics.is_empty() {
        writeln!(
            out,
            "    companies: {}  topics: {}",
            list_or_dash(&hit.companies),
            list_or_dash(&hit.topics)
        )?;
    }
    let (before, after): (Vec<&Paragraph>, Vec<&Paragraph>) =
        hit.context.iter().partition(|p| p.number < hit.paragraph);
    for paragraph in before {
        writeln!(out, "  - {}", one_line(&paragraph.text))?;
    }
    write!(out, "    ")?;
    write_snippet(out, &hit.snippet, highlight)?;
    writeln!(out)?;
    for paragraph in after {
        writeln!(out, "  - {}", one_line(&paragraph.text))?;
    }
    if let Some(explanation) = &hit.explanation {
        write_explanation(out, explanation)?;
    }
    writeln!(out)
}

/// The score tree, one node per line indented by depth, then each tag with its evidence.
fn write_explanation<W: Write>(out: &mut W, explanation: &Explanation) -> io::Result<()> {
    writeln!(out, "    score:")?;
    write_score_node(out, &explanation.score, 3)?;
    for (tag, matched) in &explanation.tags {
        let matched = if matched.is_empty() {
            "(named earlier in the document)".to_string()
        } else {
            matched.join(", ")
        };
        writeln!(out, "    tag {tag} <- {matched}")?;
    }
    Ok(())
}

fn write_score_node<W: Write>(
    out: &mut W,
    node: &serde_json::Value,
    depth: usize,
) -> io::Result<()> {
    let value = node["value"].as_f64().unwrap_or(0.0);
    let description = node["description"].as_str().unwrap_or("");
    let notes: Vec<&str> = node["context"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|note| note.as_str())
        .collect();
    write!(
        out,
        "{:indent$}{value:.3}  {description}",
        "",
        indent = depth * 2
    )?;
    if notes.is_empty() {
        writeln!(out)?;
    } else {
        writeln!(out, "  [{}]", notes.join(", "))?;
    }
    for detail in node["details"].as_array().into_iter().flatten() {
        write_score_node(out, detail, depth + 1)?;
    }
    Ok(())
}

/// A stored document: its path, title, then each paragraph with its number, line, heading
/// and tags; the paragraph at `mark` (page of a PDF, line) is marked with `>`.
pub fn write_document<W: Write>(
    out: &mut W,
    document: &StoredDocument,
    mark: Option<(Option<u64>, u64)>,
) -> io::Result<()> {
    write!(out, "{}", escaped(&document.path))?;
    if let Some(id) = &document.id {
        write!(out, "  id {id}")?;
    }
    if let Some(date) = &document.date {
        write!(out, "  {date}")?;
    }
    writeln!(out)?;
    writeln!(out, "{}", escaped(&document.title))?;
    if !document.people.is_empty() {
        writeln!(out, "{}", document.people.join(", "))?;
    }
    let marked = mark.and_then(|(page, line)| document.paragraph_at(page, line));
    for paragraph in &document.paragraphs {
        let mark = if Some(paragraph.number) == marked {
            ">"
        } else {
            " "
        };
        write!(out, "\n{mark}[{}] ", paragraph.number)?;
        if let Some(page) = paragraph.page {
            write!(out, "page {page} ")?;
        }
        write!(out, "line {}", paragraph.line)?;
        match &paragraph.section {
            Some(section) => writeln!(out, "  [{}]", escaped(section))?,
            None => writeln!(out)?,
        }
        writeln!(out, "    {}", one_line(&paragraph.text))?;
        if !paragraph.companies.is_empty() || !paragraph.topics.is_empty() {
            writeln!(
                out,
                "    companies: {}  topics: {}",
                list_or_dash(&paragraph.companies),
                list_or_dash(&paragraph.topics)
            )?;
        }
    }
    Ok(())
}

/// A stored document as one JSON object per paragraph.
pub fn write_document_json<W: Write>(out: &mut W, document: &StoredDocument) -> io::Result<()> {
    for paragraph in &document.paragraphs {
        let json = JsonParagraph {
            path: Some(&document.path),
            id: document.id.as_deref(),
            date: document.date.map(|d| d.to_string()),
            people: &document.people,
            ..JsonParagraph::new(paragraph)
        };
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Whether a character would change what a terminal shows rather than show itself: control
/// characters (a newline, an escape sequence's start) and the marks that reorder text.
fn hides_itself(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` (a file name) with control characters escaped as Rust writes them (`\n`, `\t`,
/// `\u{1b}`), so that a name holding a newline or a terminal escape prints as one visible
/// line (JSON output escapes them already).
pub fn escaped(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hides_itself) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hides_itself(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Where a hit is, as `show` accepts it: `path:line`, or `path:p12:line` in a PDF.
fn location(path: &str, page: Option<u64>, line: u64) -> String {
    let path = escaped(path);
    match page {
        Some(page) => format!("{path}:p{page}:{line}"),
        None => format!("{path}:{line}"),
    }
}

fn list_or_dash(names: &[String]) -> String {
    if names.is_empty() {
        "-".to_string()
    } else {
        names.join(", ")
    }
}

fn write_snippet<W: Write>(out: &mut W, snippet: &Snippet, highlight: Highlight) -> io::Result<()> {
    let text = &snippet.text;
    let mut position = 0;
    for range in &snippet.highlights {
        let (start, end) = (range.start.max(position), range.end.min(text.len()));
        if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        write!(out, "{}", one_line(&text[position..start]))?;
        match highlight {
            Highlight::Bold => write!(out, "{BOLD}{}{RESET}", &text[start..end])?,
            Highlight::Plain => write!(out, "{}", &text[start..end])?,
        }
        position = end;
    }
    write!(out, "{}", one_line(&text[position..]))
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

fn write_counts<W: Write>(out: &mut W, label: &str, counts: &[(String, u64)]) -> io::Result<()> {
    if counts.is_empty() {
        return Ok(());
    }
    let items: Vec<String> = counts
        .iter()
        .take(FACET_LIMIT)
        .map(|(name, count)| format!("{name} ({count})"))
        .collect();
    writeln!(out, "{label}: {}", items.join(", "))
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;

    fn results() -> SearchResults {
        SearchResults {
            hits: vec![Hit {
                score: 3.5,
                path: "a.txt".into(),
                id: None,
                line: 4,
                page: None,
                paragraph: 2,
                date: None,
                section: Some("Markets".into()),
                title: "A story".into(),
                companies: vec!["Apple".into()],
                topics: vec![],
                text: "Apple shares rose.".into(),
                snippet: Snippet {
                    text: "Apple shares rose.".into(),
                    highlights: vec![Range { start: 6, end: 12 }],
                },
                context: vec![],
                explanation: None,
            }],
            offset: 0,
            total: 1,
            dropped_words: vec![],
            company_counts: vec![("Apple".into(), 1)],
            topic_counts: vec![],
            month_counts: vec![],
        }
    }

    #[test]
    fn a_dated_pdf_hit_names_its_page_and_date_and_facets_add_a_timeline() {
        let mut dated = results();
        dated.hits[0].page = Some(12);
        dated.hits[0].date = crate::read::Date::parse("2024-03-05");
        dated.month_counts = vec![("2024-02".into(), 2), ("2024-03".into(), 5)];
        let mut text = Vec::new();
        write_text(&mut text, &dated, Highlight::Plain, true).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.starts_with(" 1.   3.50  a.txt:p12:4  2024-03-05  [Markets]\n"),
            "{text}"
        );
        assert!(
            text.ends_with("months: 2024-02 (2), 2024-03 (5)\n"),
            "{text}"
        );
        let mut json = Vec::new();
        write_json(&mut json, &dated, true).unwrap();
        let json = String::from_utf8(json).unwrap();
        let lines: Vec<serde_json::Value> = json
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["page"], 12);
        assert_eq!(lines[0]["date"], "2024-03-05");
        assert_eq!(
            lines[1]["facets"]["months"],
            serde_json::json!([
                {"month": "2024-02", "paragraphs": 2},
                {"month": "2024-03", "paragraphs": 5}
            ])
        );
    }

    #[test]
    fn text_output_marks_highlights_only_when_bold() {
        let mut bold = Vec::new();
        write_text(&mut bold, &results(), Highlight::Bold, true).unwrap();
        let bold = String::from_utf8(bold).unwrap();
        assert!(bold.contains("Apple \x1b[1mshares\x1b[0m rose."), "{bold}");
        let mut plain = Vec::new();
        write_text(&mut plain, &results(), Highlight::Plain, true).unwrap();
        let plain = String::from_utf8(plain).unwrap();
        assert!(plain.contains(" 1.   3.50  a.txt:4  [Markets]"), "{plain}");
        assert!(plain.contains("    Apple shares rose."));
        assert!(plain.contains("companies: Apple (1)"));
        assert!(!plain.contains('\x1b'));
    }

    #[test]
    fn text_output_numbers_hits_after_the_offset() {
        let mut page = results();
        page.offset = 10;
        page.total = 40;
        let mut out = Vec::new();
        write_text(&mut out, &page, Highlight::Plain, false).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("11.   3.50  a.txt:4"), "{out}");
        assert!(
            out.contains("hits 11 to 11 of 40 matching paragraphs shown"),
            "{out}"
        );
    }

    #[test]
    fn json_output_is_one_object_per_hit() {
        let mut out = Vec::new();
        write_json(&mut out, &results(), false).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.lines().count(), 1);
        let value: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(value["path"], "a.txt");
        assert_eq!(value["line"], 4);
        assert_eq!(value["companies"][0], "Apple");
        assert_eq!(value["highlights"][0][0], 6);
        let mut with_facets = Vec::new();
        write_json(&mut with_facets, &results(), true).unwrap();
        let with_facets = String::from_utf8(with_facets).unwrap();
        let last: serde_json::Value =
            serde_json::from_str(with_facets.lines().last().unwrap()).unwrap();
        assert_eq!(last["facets"]["total"], 1);
        assert_eq!(last["facets"]["companies"][0]["name"], "Apple");
        assert_eq!(last["facets"]["companies"][0]["paragraphs"], 1);
    }
}

/// One line of `dossier companies --json` or `dossier topics --json`.
#[derive(Serialize)]
pub(crate) struct JsonTagCount<'a> {
    name: &'a str,
    path: &'a [String],
    paragraphs: u64,
    documents: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    discovered: Option<bool>,
}

impl<'a> JsonTagCount<'a> {
    /// A listed company or topic as `--json` prints it.
    pub(crate) fn new(listed: &'a ListedTag) -> JsonTagCount<'a> {
        JsonTagCount {
            name: listed.count.path.last().map_or("", String::as_str),
            path: &listed.count.path,
            paragraphs: listed.count.paragraphs,
            documents: listed.count.documents,
            discovered: listed.discovered,
        }
    }
}

/// Writes tag counts as a table; companies found by their marks rather than known to the
/// taxonomy are marked "(discovered)".
pub fn write_tag_counts<W: Write>(out: &mut W, listed: &[ListedTag]) -> io::Result<()> {
    writeln!(out, "{:>10}  {:>9}  name", "paragraphs", "documents")?;
    for tag in listed {
        let mark = match tag.discovered {
            Some(true) => "  (discovered)",
            _ => "",
        };
        writeln!(
            out,
            "{:>10}  {:>9}  {}{mark}",
            tag.count.paragraphs,
            tag.count.documents,
            tag.count.path.join(" > ")
        )?;
    }
    Ok(())
}

/// Writes tag counts as JSON Lines.
pub fn write_tag_counts_json<W: Write>(out: &mut W, listed: &[ListedTag]) -> io::Result<()> {
    for tag in listed {
        serde_json::to_writer(&mut *out, &JsonTagCount::new(tag))?;
        writeln!(out)?;
    }
    Ok(())
}
