//! Word documents (Office Open XML, .docx): the paragraphs of `word/document.xml`, heading
//! styles as sections, and the title and created date of `docProps/core.xml`.
//!
//! A Word file has no lines: a paragraph's `line` is its number among the paragraphs.

use super::archive::{Archive, Xml, first_text, xml_events};
use super::{Block, Body, Date, Document, Limits, Reason, squeeze};

const BODY: &str = "word/document.xml";
const PROPERTIES: &str = "docProps/core.xml";

/// Reads a Word document.
pub(super) fn read(bytes: &[u8], path: &str, limits: &Limits) -> Result<Document, Reason> {
    let mut archive = Archive::open(bytes, "DOCX", limits)?;
    let body = archive
        .text(BODY)?
        .ok_or_else(|| format!("is not a valid DOCX file (it has no {BODY}); skipped it"))?;
    let (styled_title, blocks) = paragraphs(&body)?;
    let (title, date) = match archive.text(PROPERTIES)? {
        Some(core) => (
            first_text(&core, PROPERTIES, "title")?,
            first_text(&core, PROPERTIES, "created")?.and_then(|d| Date::parse(&d)),
        ),
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

/// What a paragraph's style makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Text,
    Title,
    Heading,
}

fn role(style: &str) -> Role {
    let style = style.to_ascii_lowercase();
    if style == "title" {
        Role::Title
    } else if style.starts_with("heading") {
        Role::Heading
    } else {
        Role::Text
    }
}

/// The title a Title-styled paragraph gives, and the paragraphs under their headings.
fn paragraphs(xml: &str) -> Result<(Option<String>, Vec<Block>), Reason> {
    let mut blocks = Vec::new();
    let mut title = None;
    let mut section: Option<String> = None;
    let mut text = String::new();
    let mut style = Role::Text;
    let mut in_text = false;
    let mut number = 0;
    xml_events(xml, BODY, |event| match event {
        Xml::Start { ref name, .. } if name == "p" => {
            text.clear();
            style = Role::Text;
        }
        Xml::Start { ref name, .. } if name == "pStyle" => {
            style = role(event.attribute("val").unwrap_or(""));
        }
        Xml::Start { ref name, .. } if name == "t" => in_text = true,
        Xml::Start { ref name, .. } if name == "tab" || name == "br" => text.push(' '),
        Xml::End(ref name) if name == "t" => in_text = false,
        Xml::End(ref name) if name == "p" => {
            let paragraph = squeeze(&text);
            if paragraph.is_empty() {
                return;
            }
            number += 1;
            match style {
                Role::Title if title.is_none() => title = Some(paragraph),
                Role::Heading | Role::Title => section = Some(paragraph),
                Role::Text => blocks.push(Block {
                    text: paragraph,
                    line: number,
                    page: None,
                    section: section.clone(),
                }),
            }
        }
        Xml::Text(ref t) if in_text => text.push_str(t),
        _ => {}
    })?;
    Ok((title, blocks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_with_heading_styles_become_sections() {
        let xml = "<w:document><w:body>\
            <w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t>Report</w:t></w:r></w:p>\
            <w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Results</w:t></w:r></w:p>\
            <w:p><w:r><w:t xml:space=\"preserve\">Sales </w:t></w:r><w:r><w:t>rose.</w:t></w:r></w:p>\
            <w:p/></w:body></w:document>";
        let (title, blocks) = paragraphs(xml).unwrap();
        assert_eq!(title.as_deref(), Some("Report"));
        assert_eq!(
            blocks,
            [Block {
                text: "Sales rose.".to_string(),
                line: 3,
                page: None,
                section: Some("Results".to_string()),
            }]
        );
    }
}
