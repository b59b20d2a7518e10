//! JSON Lines: one document per line, with its id, title, text and date in named fields.

use super::text::decode;
use super::{Body, Date, Document, Output, Reason};

/// Where a document of a JSON Lines file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The document's id (its line number when it has none).
    pub id: String,
    /// 1-based line of the file.
    pub line: usize,
}

/// The names of the fields of a JSON Lines document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFields {
    /// Field holding the document's id; `None` looks for `id`, then for `_id` (the name
    /// BEIR collections and Elasticsearch exports use).
    pub id: Option<String>,
    /// Field holding the title (optional in each document).
    pub title: String,
    /// Field holding the text.
    pub text: String,
    /// Field holding the date (optional in each document): ISO 8601, or an RFC 2822 date
    /// as e-mail headers write it.
    pub date: String,
}

impl RecordFields {
    /// The names looked for as a document's id, in order (read for every line of a JSON
    /// Lines file, so nothing is allocated).
    pub fn id_names(&self) -> impl Iterator<Item = &str> {
        let named = self.id.as_deref();
        let defaults = DEFAULT_ID_FIELDS
            .into_iter()
            .filter(move |_| named.is_none());
        named.into_iter().chain(defaults)
    }
}

/// The fields a JSON Lines document's id is looked for in when no `--id-field` is given.
const DEFAULT_ID_FIELDS: [&str; 2] = ["id", "_id"];

impl Default for RecordFields {
    fn default() -> RecordFields {
        RecordFields {
            id: None,
            title: "title".to_string(),
            text: "text".to_string(),
            date: "date".to_string(),
        }
    }
}

/// Reads a JSON Lines file: one document per line that is one, and a warning for each
/// line that is not and for documents without ids.
pub(super) fn read(bytes: &[u8], path: &str, fields: &RecordFields) -> Result<Output, Reason> {
    let decoded = decode(bytes.to_vec())?;
    let records = records(path, &decoded.text, fields);
    let mut warnings: Vec<String> = decoded.fallback.into_iter().collect();
    warnings.extend(records.without_id_warning(fields));
    warnings.extend(records.bad_lines);
    Ok(Output {
        documents: records.documents,
        warnings,
    })
}

/// What a JSON Lines file holds.
#[derive(Debug, Default)]
pub(super) struct Records {
    /// One document per line that is one.
    pub documents: Vec<Document>,
    /// Why each line that is not a document was skipped (blank lines are neither).
    pub bad_lines: Vec<String>,
    /// How many documents have no id field, and so go by their line number.
    pub without_id: usize,
}

impl Records {
    /// One warning for the whole file when documents go by their line numbers for want of
    /// an id, naming the field looked for: silently numbered ids would not match the ids
    /// the user knows.
    pub(super) fn without_id_warning(&self, fields: &RecordFields) -> Option<String> {
        if self.without_id == 0 {
            return None;
        }
        let looked_for = fields
            .id_names()
            .map(|name| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(" or ");
        let which = match self.without_id == self.documents.len() {
            true => "no document has an id field".to_string(),
            false => format!(
                "{} of {} documents have no id field",
                self.without_id,
                self.documents.len()
            ),
        };
        Some(format!(
            "{which} {looked_for}; used their line numbers as ids \
             (name the id field with --id-field)"
        ))
    }
}

/// The documents of a JSON Lines file, why each line that is not one was skipped, and how
/// many have no id.
pub(super) fn records(path: &str, text: &str, fields: &RecordFields) -> Records {
    let mut records = Records::default();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match record(line, index + 1, fields) {
            Ok((record, title, text, date)) => {
                records.without_id += usize::from(record.is_none());
                let record = record.unwrap_or_else(|| Record {
                    id: (index + 1).to_string(),
                    line: index + 1,
                });
                records.documents.push(Document {
                    path: path.to_string(),
                    body: Body::Text(text),
                    record: Some(record),
                    title,
                    date,
                    ..Document::default()
                });
            }
            Err(reason) => records
                .bad_lines
                .push(format!("line {} {reason}; skipped that line", index + 1)),
        }
    }
    records
}

/// What one line holds: its record (`None` when it has no id), title, text and date.
type Line = (Option<Record>, Option<String>, String, Option<Date>);

/// A line's record, title, text and date; a date that does not parse is left out.
fn record(line: &str, number: usize, fields: &RecordFields) -> Result<Line, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|err| format!("is not valid JSON ({err})"))?;
    let object = value
        .as_object()
        .ok_or_else(|| "is not a JSON object".to_string())?;
    let as_text = |name: &str| match object.get(name) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let text = as_text(&fields.text).ok_or_else(|| {
        format!(
            "has no text field \"{}\" (name another with --text-field)",
            fields.text
        )
    })?;
    let record = fields
        .id_names()
        .find_map(as_text)
        .map(|id| Record { id, line: number });
    let title = as_text(&fields.title).filter(|t| !t.trim().is_empty());
    let date = as_text(&fields.date).and_then(|d| Date::parse(&d));
    Ok((record, title, text, date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_text(document: &Document) -> &str {
        match &document.body {
            Body::Text(text) => text,
            Body::Blocks(_) => panic!("a JSON Lines document is plain text"),
        }
    }

    #[test]
    fn a_date_field_gives_the_date_and_a_bad_one_none() {
        let text = "{\"text\": \"a\", \"date\": \"2024-03-05T10:00:00Z\"}\n\
                    {\"text\": \"b\", \"date\": \"soon\"}\n\
                    {\"text\": \"c\", \"when\": \"Tue, 5 Mar 2024 10:00:00 +0000\"}\n";
        let dates = |fields: &RecordFields| -> Vec<Option<String>> {
            records("d.jsonl", text, fields)
                .documents
                .iter()
                .map(|d| d.date.map(|d| d.to_string()))
                .collect()
        };
        let expected = [Some("2024-03-05".to_string()), None, None];
        assert_eq!(dates(&RecordFields::default()), expected);
        let when = RecordFields {
            date: "when".to_string(),
            ..RecordFields::default()
        };
        assert_eq!(dates(&when), [None, None, Some("2024-03-05".to_string())]);
    }

    #[test]
    fn json_lines_become_documents_and_bad_lines_are_reported() {
        let text = "{\"id\": \"x1\", \"title\": \"Copper\", \"text\": \"Copper rose.\"}\n\
                    \n\
                    [1, 2]\n\
                    {\"id\": 7, \"text\": \"Tin fell.\"}\n\
                    {\"text\": \"No id.\", \"title\": \" \"}\n\
                    {\"id\": \"x9\"}\n";
        let Records {
            documents,
            bad_lines,
            without_id,
        } = records("news.jsonl", text, &RecordFields::default());
        let found: Vec<(&str, usize, Option<&str>, &str)> = documents
            .iter()
            .map(|d| {
                let record = d.record.as_ref().unwrap();
                (
                    record.id.as_str(),
                    record.line,
                    d.title.as_deref(),
                    body_text(d),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("x1", 1, Some("Copper"), "Copper rose."),
                ("7", 4, None, "Tin fell."),
                ("5", 5, None, "No id."),
            ]
        );
        assert_eq!(bad_lines.len(), 2, "{bad_lines:?}");
        assert!(bad_lines[0].starts_with("line 3 is not a JSON object"));
        assert!(bad_lines[1].starts_with("line 6 has no text field \"text\""));
        assert_eq!(without_id, 1);
    }

    #[test]
    fn an_id_is_read_from_id_then_from_underscore_id_unless_a_field_is_named() {
        let text = "{\"_id\": \"b1\", \"text\": \"Copper rose.\"}\n\
                    {\"id\": \"a2\", \"_id\": \"b2\", \"text\": \"Tin fell.\"}\n\
                    {\"doc\": \"c3\", \"text\": \"Zinc held.\"}\n";
        let ids = |fields: &RecordFields| {
            let records = records("beir.jsonl", text, fields);
            let ids: Vec<String> = records
                .documents
                .iter()
                .map(|d| d.record.as_ref().unwrap().id.clone())
                .collect();
            (ids, records.without_id_warning(fields))
        };
        let (found, warning) = ids(&RecordFields::default());
        assert_eq!(found, ["b1", "a2", "3"]);
        assert_eq!(
            warning.as_deref(),
            Some(
                "1 of 3 documents have no id field \"id\" or \"_id\"; used their line \
                 numbers as ids (name the id field with --id-field)"
            )
        );
        let named = RecordFields {
            id: Some("doc".to_string()),
            ..RecordFields::default()
        };
        let (found, warning) = ids(&named);
        assert_eq!(found, ["1", "2", "c3"]);
        assert!(
            warning
                .unwrap()
                .starts_with("2 of 3 documents have no id field \"doc\";")
        );
        let (_, warning) = ids(&RecordFields {
            id: Some("key".to_string()),
            ..RecordFields::default()
        });
        assert!(
            warning
                .unwrap()
                .starts_with("no document has an id field \"key\";")
        );
    }
}
