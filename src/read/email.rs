//! E-mail: one message (.eml) or a mailbox of them (.mbox), each message a document with
//! its subject as title, its Date header as date, and its sender and recipients.
//!
//! The text comes from the text/plain parts; a message with only HTML is read by the
//! HTML reader. In a mailbox, a message is named by its Message-ID (else its number) and
//! the line of its `From ` separator, as JSON Lines documents are by id and line.

use mail_parser::{Address, MessageParser, PartType};

use super::text::lenient;
use super::{Block, Body, Date, Document, Output, Reason, Record, html};
use crate::split::split;

/// Reads one message file.
pub(super) fn read_message(bytes: &[u8], path: &str) -> Result<Document, Reason> {
    let mut document = message(bytes, path)
        .ok_or_else(|| "is not an e-mail message (it has no headers); skipped it".to_string())?;
    // The file names its one message; its paragraphs keep their own lines.
    document.record = None;
    Ok(document)
}

/// Reads a mailbox: one document per message; a message without headers is left out with
/// a warning naming its line.
pub(super) fn read_mbox(bytes: &[u8], path: &str) -> Result<Output, Reason> {
    let starts = separators(bytes);
    if starts.is_empty() {
        return Err(
            "is not an mbox mailbox (no line starts with \"From \"); skipped it".to_string(),
        );
    }
    let mut output = Output::default();
    for (number, window) in (1..).zip(starts.iter().enumerate()) {
        let (index, &(offset, line)) = window;
        let end = starts.get(index + 1).map_or(bytes.len(), |&(next, _)| next);
        // The separator line itself is not part of the message.
        let body_start = bytes[offset..end]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(end, |at| offset + at + 1);
        match message(&bytes[body_start..end], path) {
            Some(mut document) => {
                let id = document
                    .record
                    .take()
                    .map_or_else(|| format!("message {number}"), |r| r.id);
                document.record = Some(Record { id, line });
                output.documents.push(document);
            }
            None => output.warnings.push(format!(
                "message {number} (line {line}) has no readable headers; skipped that message"
            )),
        }
    }
    if output.documents.is_empty() {
        return Err(format!(
            "is not a readable mbox mailbox (none of its {} messages has readable headers); \
             skipped it",
            starts.len()
        ));
    }
    Ok(output)
}

/// Byte offsets and 1-based lines of the `From ` lines that start messages: at the start
/// of the file or after a blank line.
fn separators(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut starts = Vec::new();
    let mut offset = 0;
    let mut previous_blank = true;
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if previous_blank && line.starts_with(b"From ") {
            starts.push((offset, index + 1));
        }
        previous_blank = line.iter().all(|b| b.is_ascii_whitespace());
        offset += line.len() + 1;
    }
    starts
}

/// A message as a document; None when it has no header a message must have.
fn message(bytes: &[u8], path: &str) -> Option<Document> {
    let parsed = MessageParser::default().parse(bytes)?;
    // Without any of these, the bytes are not a message (mail-parser reads anything).
    if parsed.from().is_none() && parsed.date().is_none() && parsed.subject().is_none() {
        return None;
    }
    let body_line = body_line(bytes);
    let mut blocks = Vec::new();
    for part in parsed.text_bodies() {
        match &part.body {
            PartType::Text(text) => {
                blocks.extend(split(text).paragraphs.into_iter().map(|p| Block {
                    text: p.text,
                    line: body_line + p.line - 1,
                    page: None,
                    section: p.section,
                }));
            }
            PartType::Html(source) => {
                // A part too deep to parse leaves the message its other parts.
                let Ok(page) = html::parse(source) else {
                    continue;
                };
                blocks.extend(page.blocks.into_iter().map(|mut block| {
                    // Lines of the decoded part only roughly match the message's.
                    block.line = body_line;
                    block
                }));
            }
            _ => {}
        }
    }
    let date = parsed
        .date()
        .and_then(|d| Date::new(d.year, d.month, d.day));
    let mut people = Vec::new();
    for address in [parsed.from(), parsed.to(), parsed.cc()]
        .into_iter()
        .flatten()
    {
        people.extend(addresses(address));
    }
    Some(Document {
        path: path.to_string(),
        title: parsed
            .subject()
            .map(str::to_string)
            .filter(|s| !s.trim().is_empty()),
        date,
        record: parsed.message_id().map(|id| Record {
            id: id.to_string(),
            line: 1,
        }),
        people,
        body: Body::Blocks(blocks),
    })
}

/// "Ann Lee <ann@example.com>" for each address of a header.
fn addresses(address: &Address<'_>) -> Vec<String> {
    address
        .iter()
        .map(|a| match (a.name(), a.address()) {
            (Some(name), Some(at)) => format!("{name} <{at}>"),
            (None, Some(at)) => at.to_string(),
            (Some(name), None) => name.to_string(),
            (None, None) => String::new(),
        })
        .filter(|a| !a.is_empty())
        .collect()
}

/// The 1-based line where a message's body starts (after the blank line ending its
/// headers).
fn body_line(bytes: &[u8]) -> usize {
    let text = lenient(&bytes[..bytes.len().min(64 * 1024)]);
    let mut line = 1;
    for header in text.lines() {
        line += 1;
        if header.trim().is_empty() {
            return line;
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = "From: Ann Lee <ann@example.com>\r\nTo: bob@example.com\r\n\
        Subject: Copper prices\r\nDate: Tue, 5 Mar 2024 10:00:00 +0000\r\n\
        Message-ID: <m1@example.com>\r\n\r\nCopper rose on Tuesday.\r\n\r\nTin fell.\r\n";

    #[test]
    fn a_message_has_its_subject_date_people_and_body_lines() {
        let document = read_message(MESSAGE.as_bytes(), "m.eml").unwrap();
        assert_eq!(document.title.as_deref(), Some("Copper prices"));
        assert_eq!(
            document.date.map(|d| d.to_string()).as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(
            document.people,
            ["Ann Lee <ann@example.com>", "bob@example.com"]
        );
        let Body::Blocks(blocks) = &document.body else {
            panic!("blocks")
        };
        let found: Vec<(&str, usize)> = blocks.iter().map(|b| (b.text.as_str(), b.line)).collect();
        assert_eq!(found, [("Copper rose on Tuesday.", 7), ("Tin fell.", 9)]);
    }

    #[test]
    fn a_mailbox_is_one_document_per_message_and_junk_is_a_warning() {
        let mbox = format!(
            "From ann@example.com Tue Mar  5 10:00:00 2024\n{}\n\
             From junk Tue Mar  5 10:00:00 2024\n\u{1}\u{2}\u{3}\n\n\
             From x Tue Mar  5 10:00:00 2024\nSubject: Second\n\nZinc held.\n",
            MESSAGE.replace("\r\n", "\n")
        );
        let output = read_mbox(mbox.as_bytes(), "box.mbox").unwrap();
        let found: Vec<(String, usize, Option<String>)> = output
            .documents
            .iter()
            .map(|d| {
                let record = d.record.clone().unwrap();
                (record.id, record.line, d.title.clone())
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "m1@example.com".to_string(),
                    1,
                    Some("Copper prices".to_string())
                ),
                ("message 3".to_string(), 15, Some("Second".to_string())),
            ]
        );
        assert_eq!(
            output.warnings,
            ["message 2 (line 12) has no readable headers; skipped that message"]
        );
        assert!(read_mbox(b"no separator", "x.mbox").is_err());
    }
}
