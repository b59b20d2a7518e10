//! Paragraphs read back from the index: hits with their snippets, and whole documents
//! for `show` and `--context`.

use std::ops::Range;

use anyhow::Result;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::Field;
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Searcher, TantivyDocument, Term};

use super::place::Places;
use super::{Hit, Paragraph, Refusal, SNIPPET_CHARS, Snippet, StoredDocument, refuse};
use crate::index::{Fields, OpenIndex};
use crate::read::Date;

/// The document at `path` (a path relative to the indexed folder, as hits print it), or for
/// a JSON Lines file the document on `line`; the whole file's paragraphs otherwise.
pub fn show(open: &OpenIndex, path: &str, line: Option<u64>) -> Result<StoredDocument> {
    let reader = open.reader()?;
    let searcher = reader.searcher();
    let places = Places::ids(&searcher)?;
    let documents = stored_documents(&searcher, open.fields, &places, path, None)?;
    pick_document(documents, path, line, || {
        format!(
            "the index holds no document {}; give its path as search hits print it \
             (relative to the indexed folder)",
            crate::render::escaped(path)
        )
    })
}

/// The one document `show` prints among those stored under `path`, whichever engine
/// stored them: for a JSON Lines file the one starting on `line`; otherwise the file's
/// only document. `missing` is the message when there is none.
pub(super) fn pick_document(
    mut documents: Vec<StoredDocument>,
    path: &str,
    line: Option<u64>,
    missing: impl FnOnce() -> String,
) -> Result<StoredDocument> {
    if documents.is_empty() {
        return Err(Refusal::NotFound(missing()).into());
    }
    let records = documents.iter().any(|d| d.id.is_some());
    if let (true, Some(line)) = (records, line) {
        return documents
            .into_iter()
            .find(|d| d.paragraphs.first().is_some_and(|p| p.line == line))
            .ok_or_else(|| {
                Refusal::NotFound(format!("{path} has no document on line {line}")).into()
            });
    }
    if documents.len() > 1 {
        refuse!(
            "{path} holds {} documents; name one as {path}:LINE",
            documents.len()
        );
    }
    Ok(documents.remove(0))
}

/// Every document stored under `path` (one for a file, one per line of a JSON Lines
/// file), or only the one with `id`, each with its paragraphs in order; `places` gives
/// each paragraph's id.
fn stored_documents(
    searcher: &Searcher,
    fields: Fields,
    places: &Places,
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
        let stored = stored_paragraph(&doc, fields, places.get(address));
        let (id, paragraph) = (stored.id, stored.paragraph);
        match documents.iter_mut().find(|d| d.id == id) {
            Some(document) => document.paragraphs.push(paragraph),
            None => documents.push(StoredDocument {
                path: path.to_string(),
                id,
                title: stored.title,
                date: stored.date,
                people: stored.people,
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
pub(super) fn stored_paragraphs(
    searcher: &Searcher,
    fields: Fields,
    places: &Places,
    path: &str,
    id: Option<&str>,
) -> Result<Vec<Paragraph>> {
    Ok(stored_documents(searcher, fields, places, path, id)?
        .into_iter()
        .next()
        .map(|d| d.paragraphs)
        .unwrap_or_default())
}

/// A stored paragraph with what it stores of its document.
struct Stored {
    id: Option<String>,
    path: String,
    title: String,
    date: Option<Date>,
    people: Vec<String>,
    paragraph: Paragraph,
}

/// A stored paragraph's document path, id, title, date and people, and the paragraph
/// itself; `(path, id)` are its document's, read from the columns.
fn stored_paragraph(
    doc: &TantivyDocument,
    fields: Fields,
    (path, id): (String, Option<String>),
) -> Stored {
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
        page: doc.get_first(fields.page).and_then(|v| v.as_u64()),
        section: Some(text_of(fields.section)).filter(|s| !s.is_empty()),
        companies: last_segments(doc, fields.companies),
        topics: last_segments(doc, fields.topics),
        text: text_of(fields.text),
    };
    let date = doc
        .get_first(fields.date)
        .and_then(|v| v.as_u64())
        .and_then(Date::from_number);
    let people = doc
        .get_all(fields.people)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    Stored {
        id,
        path,
        title: text_of(fields.title),
        date,
        people,
        paragraph,
    }
}

/// The last names of the facets of `field`: "Alibaba Cloud" for /Alibaba/Alibaba Cloud.
fn last_segments(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|value| value.as_facet())
        .filter_map(|encoded| Facet::from_encoded(encoded.as_bytes().to_vec()).ok())
        .filter_map(|facet| facet.to_path().last().map(|s| s.to_string()))
        .collect()
}

/// The hit of the stored paragraph `doc`, of the document `(path, id)`.
pub(super) fn hit(
    doc: &TantivyDocument,
    fields: Fields,
    place: (String, Option<String>),
    score: f32,
    snippets: &SnippetGenerator,
) -> Hit {
    let Stored {
        id,
        path,
        title,
        date,
        paragraph,
        ..
    } = stored_paragraph(doc, fields, place);
    Hit {
        score,
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
        snippet: snippet(snippets, &paragraph.text),
        text: paragraph.text,
        context: Vec::new(),
        explanation: None,
    }
}

/// Highlighted ranges in order, overlapping or touching ones joined: the pairs of letters
/// of a Japanese word ("トヨ", "ヨタ") and the words inside a Chinese one overlap.
fn merged(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|range| (range.start, range.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for range in sorted {
        match out.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out
}

/// The best fragment; when the match was only in the title or a heading, the paragraph's
/// opening words stand in.
pub(super) fn snippet(generator: &SnippetGenerator, text: &str) -> Snippet {
    let found = generator.snippet(text);
    if !found.is_empty() && !found.highlighted().is_empty() {
        return Snippet {
            text: found.fragment().to_string(),
            highlights: merged(found.highlighted()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_and_touching_highlights_are_joined() {
        assert_eq!(merged(&[12..18, 9..15, 36..42, 39..45]), [9..18, 36..45]);
        assert_eq!(merged(&[0..3, 3..6, 8..9]), [0..6, 8..9]);
        assert_eq!(merged(&[]), Vec::<Range<usize>>::new());
    }
}
