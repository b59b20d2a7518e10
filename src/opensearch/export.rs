//! `dossier export`: a local index as `_bulk` NDJSON, the same documents
//! `dossier index --opensearch` sends, for users who load them with their own tools.

use std::io::Write;

use anyhow::Result;
use tantivy::schema::{Facet, Value};
use tantivy::{DocAddress, TantivyDocument};

use super::document::push_bulk_lines;
use crate::index::{Entry, Fields, OpenIndex};
use crate::search::place::Places;

/// A stored paragraph's values, owned, for an [`Entry`] to borrow.
struct Stored {
    text: String,
    title: String,
    section: Option<String>,
    path: String,
    id: Option<String>,
    line: u64,
    number: u64,
    page: Option<u64>,
    date: Option<u64>,
    people: Vec<String>,
    companies: Vec<Facet>,
    topics: Vec<Facet>,
}

impl Stored {
    fn read(doc: &TantivyDocument, fields: Fields, path: String, id: Option<String>) -> Stored {
        let text = |field| {
            doc.get_first(field)
                .and_then(|value| value.as_str())
                .map(str::to_string)
        };
        let number = |field| doc.get_first(field).and_then(|value| value.as_u64());
        let facets = |field| {
            doc.get_all(field)
                .filter_map(|value| value.as_facet())
                .filter_map(|encoded| Facet::from_encoded(encoded.as_bytes().to_vec()).ok())
                .collect()
        };
        Stored {
            text: text(fields.text).unwrap_or_default(),
            title: text(fields.title).unwrap_or_default(),
            section: text(fields.section),
            path,
            id,
            line: number(fields.line).unwrap_or_default(),
            number: number(fields.paragraph).unwrap_or_default(),
            page: number(fields.page),
            date: number(fields.date),
            people: doc
                .get_all(fields.people)
                .filter_map(|value| value.as_str().map(str::to_string))
                .collect(),
            companies: facets(fields.companies),
            topics: facets(fields.topics),
        }
    }

    fn entry(&self) -> Entry<'_> {
        Entry {
            text: &self.text,
            title: &self.title,
            section: self.section.as_deref(),
            path: &self.path,
            id: self.id.as_deref(),
            line: self.line,
            number: self.number,
            page: self.page,
            date: self.date,
            people: self.people.iter().map(String::as_str).collect(),
            companies: self.companies.clone(),
            topics: self.topics.clone(),
        }
    }
}

/// Writes every paragraph of the index as two lines of a `_bulk` body into `index`;
/// returns how many.
pub fn write_bulk<W: Write>(open: &OpenIndex, index: &str, out: &mut W) -> Result<usize> {
    let reader = open.reader()?;
    let searcher = reader.searcher();
    // Path and id live in the fast columns only.
    let places = Places::new(open, &searcher)?;
    let mut count = 0;
    let mut lines = String::new();
    for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc_id in segment.doc_ids_alive() {
            let address = DocAddress::new(segment_ord as u32, doc_id);
            let doc: TantivyDocument = searcher.doc(address)?;
            let (path, id) = places.get(address);
            let stored = Stored::read(&doc, open.fields, path, id);
            lines.clear();
            push_bulk_lines(&mut lines, index, &stored.entry());
            out.write_all(lines.as_bytes())?;
            count += 1;
        }
    }
    Ok(count)
}
