//! `--explain`: a hit's score tree with fields named as a reader writes them, and the
//! text that gave each of its tags.

use std::collections::HashMap;

use anyhow::Result;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher};

use super::{Explanation, Hit};
use crate::tag::Tagger;

pub(super) fn explain(
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

/// Rewrites tantivy's term notes in a score tree (`Term=Term(field=0, type=Str, "qwen")`,
/// `Term=Term(field=5, type=Facet, Facet(/Alibaba))`) as a reader writes them
/// (`text:qwen`, `companies:Alibaba`).
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
    // Only the `Term(` bracket is closed here: a facet's own bracket is unwrapped below.
    let word = word.strip_suffix(')').unwrap_or(word);
    let word = match word
        .strip_prefix("Facet(")
        .and_then(|w| w.strip_suffix(')'))
    {
        Some(facet) => facet.trim_start_matches('/'),
        None => word.trim_matches('"'),
    };
    Some(format!("{}:{word}", schema.get_field_name(field)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_notes_are_named_with_balanced_brackets() {
        let (schema, fields) = crate::index::schema();
        let (text, companies) = (fields.text.field_id(), fields.companies.field_id());
        for (note, named) in [
            (
                format!("Term=Term(field={text}, type=Str, \"qwen\")"),
                "text:qwen",
            ),
            (
                format!("Term=Term(field={companies}, type=Facet, Facet(/Alibaba))"),
                "companies:Alibaba",
            ),
            (
                format!("Term=Term(field={companies}, type=Facet, Facet(/Alibaba/Alibaba Cloud))"),
                "companies:Alibaba/Alibaba Cloud",
            ),
        ] {
            assert_eq!(term_note(&note, &schema).unwrap(), named);
        }
    }
}
