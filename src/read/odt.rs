//! OpenDocument text (.odt): the paragraphs and headings of `content.xml`, and the title
//! and creation date of `meta.xml`.
//!
//! An ODT file has no lines: a paragraph's `line` is its number among the paragraphs.

use super::archive::{Archive, Xml, first_text, xml_events};
use super::{Block, Body, Date, Document, Limits, Reason, squeeze};

const BODY: &str = "content.xml";
const PROPERTIES: &str = "meta.xml";

/// Reads an OpenDocument text.
pub(super) fn read(bytes: &[u8], path: &str, limits: &Limits) -> Result<Document, Reason> {
    let mut archive = Archive::open(bytes, "ODT", limits)?;
    let body = archive
        .text(BODY)?
        .ok_or_else(|| format!("is not a valid ODT file (it has no {BODY}); skipped it"))?;
    let (styled_title, blocks) = paragraphs(&body)?;
    let (title, date) = match archive.text(PROPERTIES)? {
        Some(meta) => {
            let created = first_text(&meta, PROPERTIES, "creation-date")?;
            let date = match created {
                Some(created) => Some(created),
                None => first_text(&meta, PROPERTIES, "date")?,
            };
            (
                first_text(&meta, PROPERTIES, "title")?,
                date.and_then(|d| Date::parse(&d)),
            )
        }
        None => (None, None),
    };
    Ok(Document {
        path: path.to_string(),
        title: title.or(styled_title),
        date,
        body: Body::Blocks(blocks),
        ..Document::default()
    })
}

/// The title a Title-styled paragraph gives, and the paragraphs under their headings.
/// Paragraphs nest (a note inside a paragraph): the text of each goes to the innermost.
fn paragraphs(xml: &str) -> Result<(Option<String>, Vec<Block>), Reason> {
    let mut blocks = Vec::new();
    let mut title = None;
    let mut section: Option<String> = None;
    // Open paragraphs: (is a heading or title, is the title, text).
    let mut open: Vec<(bool, bool, String)> = Vec::new();
    let mut number = 0;
    xml_events(xml, BODY, |event| match event {
        Xml::Start { ref name, .. } if name == "p" || name == "h" => {
            let style = event.attribute("style-name").unwrap_or("");
            let is_title = style.eq_ignore_ascii_case("title");
            open.push((name == "h" || is_title, is_title, String::new()));
        }
        Xml::Start { ref name, .. } if matches!(name.as_str(), "s" | "tab" | "line-break") => {
            if let Some((_, _, text)) = open.last_mut() {
                text.push(' ');
            }
        }
        Xml::End(ref name) if name == "p" || name == "h" => {
            let Some((heading, is_title, text)) = open.pop() else {
                return;
            };
            let paragraph = squeeze(&text);
            if paragraph.is_empty() {
                return;
            }
            number += 1;
            if is_title && title.is_none() {
                title = Some(paragraph);
            } else if heading {
                section = Some(paragraph);
            } else {
                blocks.push(Block {
                    text: paragraph,
                    line: number,
                    page: None,
                    section: section.clone(),
                });
            }
        }
        Xml::Text(ref t) => {
            if let Some((_, _, text)) = open.last_mut() {
                text.push_str(t);
            }
        }
        _ => {}
    })?;
    Ok((title, blocks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_sections_and_spans_join() {
        let xml = "<office:document-content><office:body><office:text>\
            <text:p text:style-name=\"Title\">Report</text:p>\
            <text:h text:outline-level=\"1\">Results</text:h>\
            <text:p>Sales<text:s/><text:span>rose</text:span>.</text:p>\
            </office:text></office:body></office:document-content>";
        let (title, blocks) = paragraphs(xml).unwrap();
        assert_eq!(title.as_deref(), Some("Report"));
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].text, "Sales rose.");
        assert_eq!(blocks[0].section.as_deref(), Some("Results"));
        assert_eq!(blocks[0].line, 3);
    }
}
