//! The zip containers of DOCX, ODT and EPUB, read within the byte budget, and the XML
//! inside them as a plain stream of events.
//!
//! A zip's own sizes can lie, so the budget is counted on the bytes actually inflated:
//! a zip bomb stops at the budget whatever its headers claim.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use zip::ZipArchive;

use super::isolate::over_budget;
use super::{Limits, Reason};

/// A zip file open for reading its parts, with what is left of the byte budget.
pub(super) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    max_bytes: u64,
    left: u64,
}

impl<'a> Archive<'a> {
    /// Opens a zip file; `what` names the format for the reason when it is not one.
    pub(super) fn open(
        bytes: &'a [u8],
        what: &str,
        limits: &Limits,
    ) -> Result<Archive<'a>, Reason> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|err| {
            format!("is not a valid {what} file (its zip container is broken: {err}); skipped it")
        })?;
        Ok(Archive {
            zip,
            max_bytes: limits.max_bytes,
            left: limits.max_bytes,
        })
    }

    /// The part `name` as text, None when the file has no such part.
    pub(super) fn text(&mut self, name: &str) -> Result<Option<String>, Reason> {
        let mut part = match self.zip.by_name(name) {
            Ok(part) => part,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(err) => return Err(format!("has a broken part {name} ({err}); skipped it")),
        };
        let mut bytes = Vec::new();
        (&mut part)
            .take(self.left.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|err| format!("has a broken part {name} ({err}); skipped it"))?;
        if bytes.len() as u64 > self.left {
            return Err(over_budget(self.max_bytes));
        }
        self.left -= bytes.len() as u64;
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

/// One event of an XML part: names are local (without their namespace prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Xml {
    /// An element starts (an empty one is followed at once by its `End`).
    Start {
        /// Local name.
        name: String,
        /// Attributes by local name, values unescaped.
        attributes: Vec<(String, String)>,
    },
    /// An element ends.
    End(String),
    /// Text, entities resolved.
    Text(String),
}

impl Xml {
    /// An attribute of a `Start`, by local name.
    pub(super) fn attribute(&self, name: &str) -> Option<&str> {
        match self {
            Xml::Start { attributes, .. } => attributes
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str()),
            _ => None,
        }
    }
}

/// Calls `each` with the events of an XML text; a malformed part is a reason naming it.
pub(super) fn xml_events(xml: &str, part: &str, mut each: impl FnMut(Xml)) -> Result<(), Reason> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let broken =
        |err: &dyn std::fmt::Display| format!("has a broken part {part} ({err}); skipped it");
    loop {
        match reader.read_event().map_err(|err| broken(&err))? {
            Event::Start(start) => each(start_event(&start)),
            Event::Empty(start) => {
                let event = start_event(&start);
                let name = local(start.name().as_ref());
                each(event);
                each(Xml::End(name));
            }
            Event::End(end) => each(Xml::End(local(end.name().as_ref()))),
            Event::Text(text) => each(Xml::Text(text.xml10_content().into_owned())),
            Event::CData(text) => each(Xml::Text(text.xml10_content().into_owned())),
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => predefined(reference.xml10_content().as_ref()).map(str::to_string),
                };
                each(Xml::Text(resolved.unwrap_or_default()));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn start_event(start: &quick_xml::events::BytesStart<'_>) -> Xml {
    let attributes = start
        .attributes()
        .flatten()
        .map(|attribute| {
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| attribute.value.to_string());
            (local(attribute.key.as_ref()), value)
        })
        .collect();
    Xml::Start {
        name: local(start.name().as_ref()),
        attributes,
    }
}

/// `w:p` -> `p`.
fn local(name: &str) -> String {
    name.rsplit_once(':')
        .map_or(name, |(_, local)| local)
        .to_string()
}

fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    })
}

/// The text of the first element named `name` (local name) in an XML part, squeezed;
/// None when it has none or only blanks.
pub(super) fn first_text(xml: &str, part: &str, name: &str) -> Result<Option<String>, Reason> {
    let mut depth = 0usize;
    let mut text = String::new();
    let mut done = false;
    xml_events(xml, part, |event| {
        if done {
            return;
        }
        match event {
            Xml::Start { name: ref n, .. } if n == name => depth += 1,
            Xml::End(ref n) if n == name && depth > 0 => {
                depth -= 1;
                done = depth == 0;
            }
            Xml::Text(t) if depth > 0 => text.push_str(&t),
            _ => {}
        }
    })?;
    let text = super::squeeze(&text);
    Ok((!text.is_empty()).then_some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_events_resolve_entities_and_drop_prefixes() {
        let mut events = Vec::new();
        xml_events(
            "<w:p w:val=\"a&amp;b\"><w:t>Tom &amp; Jerry&#33;</w:t><w:br/></w:p>",
            "x.xml",
            |e| events.push(e),
        )
        .unwrap();
        let text: String = events
            .iter()
            .filter_map(|e| match e {
                Xml::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(text, "Tom & Jerry!");
        assert_eq!(events[0].attribute("val"), Some("a&b"));
        assert_eq!(events.last(), Some(&Xml::End("p".to_string())));
        assert!(events.contains(&Xml::End("br".to_string())));
    }

    #[test]
    fn first_text_finds_an_element() {
        let xml = "<cp:coreProperties><dc:title>Annual  report</dc:title></cp:coreProperties>";
        assert_eq!(
            first_text(xml, "core.xml", "title").unwrap().as_deref(),
            Some("Annual report")
        );
        assert_eq!(first_text(xml, "core.xml", "created").unwrap(), None);
    }
}
