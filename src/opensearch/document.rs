//! One paragraph as an OpenSearch document: its `_id` and its `_source`, and the two
//! lines of a `_bulk` request that index it. Pure: no I/O.

use serde_json::{Map, Value, json};
use tantivy::schema::Facet;

use super::mapping::COMBINED;
use crate::index::Entry;
use crate::search::TITLE_WEIGHT;

/// The document id of a paragraph: hex xxh3-64 of its path, page, line and number, so a
/// run that sends it again replaces it rather than adding a second copy. The number is
/// part of it because the paragraphs of a JSON Lines document share its line.
pub fn document_id(entry: &Entry<'_>) -> String {
    let page = entry
        .page
        .map(|page| format!("p{page}"))
        .unwrap_or_default();
    let key = format!(
        "{}\u{0}{page}\u{0}{}\u{0}{}",
        entry.path, entry.line, entry.number
    );
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

/// Every level of each company tag, parents first, each once: `/Merrill Lynch/Capital
/// Markets` gives `/Merrill Lynch` and `/Merrill Lynch/Capital Markets`.
pub fn company_levels(companies: &[Facet]) -> Vec<String> {
    let mut levels: Vec<String> = Vec::new();
    for company in companies {
        let path = company.to_path();
        for depth in 1..=path.len() {
            let level = Facet::from_path(&path[..depth]).to_string();
            if !levels.contains(&level) {
                levels.push(level);
            }
        }
    }
    levels
}

/// The `_source` of a paragraph: the fields of the mapping (`super::mapping`).
pub fn source(entry: &Entry<'_>) -> Value {
    let mut source = Map::new();
    source.insert("text".into(), entry.text.into());
    source.insert("title".into(), entry.title.into());
    if let Some(section) = entry.section {
        source.insert("section".into(), section.into());
    }
    // The title and heading as often as the local BM25F weighs them; the text joins them
    // through `copy_to`.
    let weighted: Vec<&str> = [entry.title, entry.section.unwrap_or_default()]
        .into_iter()
        .filter(|field| !field.is_empty())
        .flat_map(|field| std::iter::repeat_n(field, TITLE_WEIGHT as usize))
        .collect();
    if !weighted.is_empty() {
        source.insert(COMBINED.into(), weighted.into());
    }
    source.insert("path".into(), entry.path.into());
    if let Some(id) = entry.id {
        source.insert("id".into(), id.into());
    }
    source.insert("line".into(), entry.line.into());
    source.insert("paragraph".into(), entry.number.into());
    if let Some(page) = entry.page {
        source.insert("page".into(), page.into());
    }
    if let Some(date) = entry.date {
        source.insert("date".into(), date.into());
    }
    if !entry.people.is_empty() {
        source.insert("people".into(), entry.people.clone().into());
    }
    if !entry.companies.is_empty() {
        let leaves: Vec<String> = entry.companies.iter().map(Facet::to_string).collect();
        source.insert("companies".into(), company_levels(&entry.companies).into());
        source.insert("companies_leaf".into(), leaves.into());
    }
    if !entry.topics.is_empty() {
        let topics: Vec<String> = entry.topics.iter().map(Facet::to_string).collect();
        source.insert("topics".into(), topics.into());
    }
    Value::Object(source)
}

/// Appends the action line and the source line that index `entry` into `index` to a
/// `_bulk` body.
pub fn push_bulk_lines(out: &mut String, index: &str, entry: &Entry<'_>) {
    let action = json!({"index": {"_index": index, "_id": document_id(entry)}});
    out.push_str(&action.to_string());
    out.push('\n');
    out.push_str(&source(entry).to_string());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry<'static> {
        Entry {
            text: "Merrill Lynch Capital Markets raised its forecast.",
            title: "forecasts",
            section: None,
            path: "news/a.txt",
            id: None,
            line: 3,
            number: 2,
            page: None,
            date: Some(19870302),
            people: Vec::new(),
            companies: vec![
                Facet::from_path(["Merrill Lynch", "Merrill Lynch Capital Markets"]),
                Facet::from_path(["Merrill Lynch"]),
                Facet::from_path(["AC/DC Ltd"]),
            ],
            topics: vec![Facet::from_path(["earnings and revenue"])],
        }
    }

    #[test]
    fn companies_hold_every_level_once_and_leaves_as_tagged() {
        let source = source(&entry());
        assert_eq!(
            source["companies"],
            json!([
                "/Merrill Lynch",
                "/Merrill Lynch/Merrill Lynch Capital Markets",
                "/AC\\/DC Ltd"
            ])
        );
        assert_eq!(source["companies_leaf"][1], "/Merrill Lynch");
        assert_eq!(source["topics"], json!(["/earnings and revenue"]));
        assert_eq!(source["date"], 19870302);
        assert!(source.get("section").is_none());
    }

    #[test]
    fn ids_tell_paragraphs_apart_and_stay_the_same() {
        let a = entry();
        let mut b = entry();
        b.number = 3;
        let mut c = entry();
        c.page = Some(1);
        assert_eq!(document_id(&a), document_id(&entry()));
        assert_ne!(document_id(&a), document_id(&b));
        assert_ne!(document_id(&a), document_id(&c));
        assert_eq!(document_id(&a).len(), 16);
    }

    #[test]
    fn bulk_lines_are_an_action_then_the_source() {
        let mut body = String::new();
        push_bulk_lines(&mut body, "dossier", &entry());
        let lines: Vec<Value> = body
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["index"]["_index"], "dossier");
        assert_eq!(lines[0]["index"]["_id"], document_id(&entry()));
        assert_eq!(lines[1]["path"], "news/a.txt");
    }
}
