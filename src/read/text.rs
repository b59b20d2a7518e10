//! Plain text: decoding bytes (UTF-8, UTF-16 with a byte-order mark, else Windows-1252)
//! into one document whose paragraphs `split` finds.

use std::io::{self, Read};
use std::path::Path;

use super::{Body, Document, Output, Reason};

/// How many leading bytes are checked for NUL bytes, the sign of a binary file.
const BINARY_PROBE_BYTES: usize = 8192;

/// A file's text, and how it was read when it was not UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// Set when the bytes were not UTF-8 and were read as Windows-1252, saying so.
    pub fallback: Option<String>,
}

/// At most this share of the bytes a text file begins with are control characters other
/// than tab, line breaks, form feed and escape (which `man` output and logs use), in
/// thousandths.
const MAX_CONTROL_PER_MILLE: usize = 10;

/// Whether a file's first bytes look like text (`--all-text` takes such files whatever
/// their name): no NUL byte unless it starts with a UTF-16 byte-order mark, and few
/// control characters. A `.gz` file is looked at decompressed. Only the first 8 KB are
/// read; the whole file is decoded, and may still be refused, when it is indexed.
pub fn looks_like_text(path: &Path) -> io::Result<bool> {
    let file = std::fs::File::open(path)?;
    let is_gzip = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("gz"));
    let mut probe = Vec::with_capacity(BINARY_PROBE_BYTES);
    let limit = BINARY_PROBE_BYTES as u64;
    let read = if is_gzip {
        flate2::read::GzDecoder::new(file)
            .take(limit)
            .read_to_end(&mut probe)
    } else {
        file.take(limit).read_to_end(&mut probe)
    };
    match read {
        Ok(_) => Ok(is_text(&probe)),
        // A `.gz` that is not gzip, or is cut short, is not text dossier can read.
        Err(_) if is_gzip => Ok(false),
        Err(err) => Err(err),
    }
}

fn is_text(probe: &[u8]) -> bool {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(probe) {
        return encoding != encoding_rs::UTF_8 || !probe.contains(&0);
    }
    let controls = probe
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    !probe.contains(&0) && controls * 1000 <= probe.len() * MAX_CONTROL_PER_MILLE
}

/// Reads a plain-text file as one document.
pub(super) fn read(bytes: &[u8], path: &str) -> Result<Output, Reason> {
    let decoded = decode(bytes.to_vec())?;
    Ok(Output {
        documents: vec![Document {
            path: path.to_string(),
            body: Body::Text(decoded.text),
            ..Document::default()
        }],
        warnings: decoded.fallback.into_iter().collect(),
    })
}

/// Decodes a file's bytes as text (UTF-8, or UTF-16 with a byte-order mark), or says why
/// it is not a text document. Bytes that are not UTF-8 are read as Windows-1252, the
/// usual encoding of older Western text, so no document is lost for one accented letter.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, Reason> {
    if let Some((encoding, bom_length)) = encoding_rs::Encoding::for_bom(&bytes)
        && encoding != encoding_rs::UTF_8
    {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        if had_errors {
            return Err(format!(
                "is not valid {} text; skipped it (convert it to UTF-8 to index it)",
                encoding.name()
            ));
        }
        return Ok(Decoded {
            text: text.into_owned(),
            fallback: None,
        });
    }
    let probe = &bytes[..bytes.len().min(BINARY_PROBE_BYTES)];
    if probe.contains(&0) {
        return Err("looks binary (it contains NUL bytes); skipped it".to_string());
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{FEFF}') {
                text.drain(..'\u{FEFF}'.len_utf8());
            }
            Ok(Decoded {
                text,
                fallback: None,
            })
        }
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(err.as_bytes());
            Ok(Decoded {
                text: text.into_owned(),
                fallback: Some(format!(
                    "is not valid UTF-8 (bad byte at offset {offset}); indexed it read as \
                     Windows-1252 (convert it to UTF-8 if that is wrong)"
                )),
            })
        }
    }
}

/// Text of markup that names no encoding the reader knows: UTF-8 when valid, else read as
/// Windows-1252 (never refused for a NUL byte, which markup parsers drop).
pub(super) fn lenient(bytes: &[u8]) -> String {
    match decode(bytes.to_vec()) {
        Ok(decoded) => decoded.text,
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> Decoded {
        decode(bytes.to_vec()).unwrap()
    }

    #[test]
    fn decode_strips_a_utf8_bom() {
        assert_eq!(text(b"\xEF\xBB\xBFHello").text, "Hello");
    }

    #[test]
    fn decode_reads_utf16_with_a_bom() {
        let little: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Caf\u{e9} Apple".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(text(&little).text, "Caf\u{e9} Apple");
        let big: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Caf\u{e9} Apple".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(text(&big).text, "Caf\u{e9} Apple");
    }

    #[test]
    fn decode_reads_invalid_utf8_as_windows_1252_and_says_so() {
        let decoded = text(b"Caf\xe9 \x93quoted\x94");
        assert_eq!(decoded.text, "Caf\u{e9} \u{201C}quoted\u{201D}");
        let reason = decoded.fallback.unwrap();
        assert!(reason.contains("bad byte at offset 3"), "{reason}");
        assert_eq!(text(b"plain").fallback, None);
    }

    #[test]
    fn text_is_told_from_binary_by_its_first_bytes() {
        assert!(is_text(
            b"Plain words\n\twith a tab and \x1b[1mbold\x1b[0m.\n"
        ));
        assert!(is_text(b""));
        assert!(!is_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!is_text(&[b'a', 1, 2, 3, 4, b'b']));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("text".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert!(is_text(&utf16));
    }

    #[test]
    fn decode_rejects_binary() {
        assert!(decode(b"abc\0def".to_vec()).unwrap_err().contains("binary"));
    }
}
