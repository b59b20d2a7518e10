//! Split a document's text into paragraphs with provenance (line, number, section).
//!
//! Pure: no I/O, no tagging. The layout is detected per document, because one folder may
//! hold one-line-per-paragraph articles, indent-marked wire stories and hard-wrapped
//! READMEs, man pages and changelogs side by side. `marked` cuts the first two (and must
//! keep cutting the news corpora exactly as evaluation sets expect); `wrapped` finds the
//! paragraphs of hard-wrapped text as a reader sees them.

mod hyphen;
mod line;
mod marked;
mod wrapped;

use line::{Line, LineKind, WRAP_WIDTH, fence, is_rule, man_page_mark};

/// Longer paragraphs (a file of one endless line) are cut into pieces of at most this many
/// bytes, at a space where there is one: a hit should point at a passage a reader can
/// take in, and snippets and tags stay cheap.
pub const MAX_PARAGRAPH_BYTES: usize = 10_000;

/// Version of the splitting rules, part of an index's settings fingerprint: an index
/// built under other rules is split again.
pub const SPLIT_VERSION: u32 = 2;

/// A line of a wrapped paragraph has at least this many characters (past its indentation)
/// when the next line continues it; shorter lines followed by more text are lists, rows
/// of figures, addresses or verse.
const MIN_WRAPPED_LINE: usize = 50;

/// One paragraph of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// 1-based line number where the paragraph starts.
    pub line: usize,
    /// 1-based position of the paragraph in its document.
    pub number: usize,
    /// The heading the paragraph sits under, if any.
    pub section: Option<String>,
    /// The paragraph text; wrapped lines are joined with single spaces.
    pub text: String,
}

/// A document cut into paragraphs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitDocument {
    /// The first heading of the document, if it has one.
    pub title: Option<String>,
    /// The paragraphs, in document order.
    pub paragraphs: Vec<Paragraph>,
}

/// How a document marks its paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Every non-empty line is a paragraph (long unwrapped lines).
    LinePerParagraph,
    /// Hard-wrapped lines read as a reader sees them: blank lines, indentation changes,
    /// bullets, headings and code fences end paragraphs.
    Wrapped,
    /// Hard-wrapped wire text: an indented line also starts a paragraph (Reuters).
    IndentedWire,
}

/// Splits a document into paragraphs, detecting its layout.
pub fn split(text: &str) -> SplitDocument {
    let lines = lines(text);
    let man_page = man_page(&lines);
    let fields = is_debian_copyright(&lines);
    if man_page.is_some() || fields || has_markup(&lines) {
        return wrapped::split(&lines, man_page, fields);
    }
    match layout_by_shape(&lines) {
        Layout::Wrapped => wrapped::split(&lines, None, false),
        layout => marked::split(&lines, layout),
    }
}

/// The number of lines of a text as paragraphs count them (`line` of the last is at most
/// this).
pub fn line_count(text: &str) -> usize {
    raw_lines(text).count()
}

/// The lines of a text, each classified once.
fn lines(text: &str) -> Vec<Line<'_>> {
    raw_lines(text).map(Line::new).collect()
}

/// The lines of a text, ended by `\n`, `\r\n` or a lone `\r` (old Mac files).
fn raw_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        // Both breaks are ASCII, so a byte search finds them where a `char` search would.
        let bytes = rest.as_bytes();
        let Some(end) = bytes.iter().position(|b| matches!(b, b'\n' | b'\r')) else {
            return Some(std::mem::take(&mut rest));
        };
        let line = &rest[..end];
        let break_length = if bytes[end..].starts_with(b"\r\n") {
            2
        } else {
            1
        };
        rest = &rest[end + break_length..];
        Some(line)
    })
}

/// Cuts a text into pieces of at most `max` bytes, each ending after a whitespace
/// character when the piece has one in its second half.
fn pieces(text: &str, max: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while rest.len() > max {
        let mut end = max;
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(space) = rest[..end].rfind(char::is_whitespace)
            && space >= max / 2
        {
            end = space + rest[space..].chars().next().map_or(1, char::len_utf8);
        }
        pieces.push(rest[..end].trim_end());
        rest = rest[end..].trim_start();
    }
    if !rest.is_empty() {
        pieces.push(rest);
    }
    pieces
}

/// Guesses how paragraphs are marked, from the shape of the lines.
///
/// Markup (a man page's running header, code fences, underlined headings) says the text
/// is wrapped prose. Otherwise the shape decides as it did before wrapped text was read
/// as such, so that one-line paragraphs and indent-marked wire copy split exactly as
/// evaluation sets expect: long lines mean a line per paragraph, an indented line after a
/// line of prose means wire copy, and other consecutive lines are wrapped prose. Text
/// without wire copy's marks (see `wire_marks`) is read as wrapped prose all the same
/// when its list items have lines indented under them (a changelog) or when all but a
/// few of its lines wrap at a steady width (a README with a long first line); text with
/// indented lines, when many of its indented blocks wrap (a NEWS file).
pub fn detect_layout(lines: &[&str]) -> Layout {
    let lines: Vec<Line> = lines.iter().map(|line| Line::new(line)).collect();
    if man_page(&lines).is_some() || has_markup(&lines) || is_debian_copyright(&lines) {
        Layout::Wrapped
    } else {
        layout_by_shape(&lines)
    }
}

/// The layout of text without markup, from the shape of its lines (see `detect_layout`).
fn layout_by_shape(lines: &[Line]) -> Layout {
    let continued = |pair: &[Line]| pair[0].is_prose() && pair[1].is_prose();
    if !lines.windows(2).any(continued) {
        // One-line paragraphs (BBC News): without two lines of prose in a row there are
        // no wire marks and no wrapped lines, and only a list item continued under it
        // makes the text wrapped.
        return if has_item_continuations(lines) {
            Layout::Wrapped
        } else {
            Layout::LinePerParagraph
        };
    }
    let long = lines
        .iter()
        .any(|line| line.is_prose() && line.is_too_long_to_wrap());
    let indented_starts = lines
        .windows(2)
        .any(|pair| continued(pair) && pair[1].is_indented());
    let wire_marks = wire_marks(lines);
    let items = || wire_marks == 0 && has_item_continuations(lines);
    if long {
        if items() || (wire_marks == 0 && is_hard_wrapped(lines)) {
            Layout::Wrapped
        } else {
            Layout::LinePerParagraph
        }
    } else if indented_starts {
        // A stray wire mark (an old NEWS entry's last line flush left) does not outweigh
        // many wrapped indented blocks.
        let blocks = wrapped_pairs(lines, true);
        if items() || (blocks >= 2 && blocks >= 10 * wire_marks) {
            Layout::Wrapped
        } else {
            Layout::IndentedWire
        }
    } else {
        Layout::Wrapped
    }
}

/// Code fences, or a heading underlined with `===` or `---` (a line of text after a
/// blank line, with the rule right under it).
fn has_markup(lines: &[Line]) -> bool {
    let underlined = |i: usize| {
        let rule = lines[i].trimmed;
        i >= 1
            && rule.starts_with(['=', '-'])
            && is_rule(rule)
            && lines[i - 1].is_prose()
            && (i == 1 || lines[i - 2].is_blank())
    };
    (0..lines.len()).any(|i| fence(lines[i].trimmed).is_some() || underlined(i))
}

/// A Debian copyright file (machine-readable format): fields whose values continue on
/// lines indented by one space, with ` .` for a blank line. Each field is a paragraph.
fn is_debian_copyright(lines: &[Line]) -> bool {
    lines
        .iter()
        .find(|line| !line.is_blank())
        .is_some_and(|first| {
            first.raw.starts_with("Format: ") && first.raw.contains("copyright-format")
        })
}

/// A list item with a line indented under its text, as changelogs and Markdown lists wrap
/// (`  * Fix the build` over `    on musl.`).
fn has_item_continuations(lines: &[Line]) -> bool {
    lines.windows(2).any(|pair| {
        pair[0].kind == LineKind::ListItem
            && pair[1].is_prose()
            && pair[1].indent == item_text_column(&pair[0])
    })
}

/// The column where a list item's text starts, after its bullet or number.
fn item_text_column(line: &Line) -> usize {
    let trimmed = line.raw.trim_start();
    let marker = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let spaces = trimmed[marker..].chars().take_while(|c| *c == ' ').count();
    line.indent + trimmed[..marker].chars().count() + spaces
}

/// Wire copy's marks: paragraphs whose first line alone is indented (an indented line of
/// prose over a flush-left one), and indented lines right under the last line of a
/// flush-left paragraph, or under a flush-left line over rows of figures. Not a term over
/// its wrapped description (a NEWS file's `show print nibbles` over `  This controls...`;
/// a wire dateline `BRUSSELS, April 8 - 1986 Year` is no term),
/// nor what a line introduces with a colon (as "Run:" introduces a command), nor the
/// lines under a ChangeLog entry's dated header.
fn wire_marks(lines: &[Line]) -> usize {
    let prose_at = |i: Option<usize>| i.and_then(|i| lines.get(i)).is_some_and(Line::is_prose);
    (1..lines.len())
        .filter(|&i| {
            let (first, second) = (&lines[i - 1], &lines[i]);
            first.is_prose()
                && second.is_prose()
                && match (first.indent, second.indent) {
                    (0, 0) => false,
                    (0, _) => {
                        let term = !prose_at(i.checked_sub(2))
                            && !first.raw.contains(" - ")
                            && is_wrapped_line(second.trimmed)
                            && lines.get(i + 1).is_some_and(|third| {
                                third.is_prose() && third.indent == second.indent
                            });
                        !term && !first.trimmed.ends_with(':') && !starts_with_date(first.raw)
                    }
                    (_, 0) => true,
                    _ => false,
                }
        })
        .count()
}

/// A GNU ChangeLog entry's header: `2022-07-09  Roger Sayle  <roger@...>`.
fn starts_with_date(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// Whether a document with long lines is wrapped at a steady width all the same: its long
/// lines are few next to its lines that wrap.
fn is_hard_wrapped(lines: &[Line]) -> bool {
    let long = lines
        .iter()
        .filter(|line| line.is_prose() && line.is_too_long_to_wrap())
        .count();
    let wrapped = wrapped_pairs(lines, false);
    wrapped >= 3 && long * 4 <= wrapped
}

/// The number of consecutive lines of prose at one indentation where the first was
/// wrapped: it is long (see `is_wrapped_line`) and the next line's first word would not
/// have fit on it within nine tenths of the document's width (its longest line that is
/// not too long to be wrapped), as a fill algorithm or a writer breaks lines. Rows of
/// figures and lists end well short of that. With `indented`, only indented pairs count:
/// a NEWS file indents its entries, while wire copy's indented lines are table rows or
/// each start a paragraph.
fn wrapped_pairs(lines: &[Line], indented: bool) -> usize {
    // Measured only when a pair needs it: wire copy has few candidates.
    let mut width = None;
    lines
        .windows(2)
        .filter(|pair| {
            let (first, second) = (&pair[0], &pair[1]);
            if !(first.is_prose()
                && second.is_prose()
                && first.indent == second.indent
                && (!indented || first.indent > 0)
                && is_wrapped_line(first.trimmed))
            {
                return false;
            }
            let width = *width.get_or_insert_with(|| document_width(lines));
            let next_word = second
                .trimmed
                .split_whitespace()
                .next()
                .map_or(0, |w| w.chars().count());
            (first.length() + 1 + next_word) * 10 > width * 9
        })
        .count()
}

/// The longest line that is not too long to be wrapped, in characters.
fn document_width(lines: &[Line]) -> usize {
    lines
        .iter()
        .map(Line::length)
        .filter(|&length| length <= WRAP_WIDTH)
        .max()
        .unwrap_or(0)
}

/// A line of prose (trimmed) long enough to have been wrapped and not a row of a table
/// laid out with spaces or leader dots (`Stg one   52-50   disc`, `BUENOS
/// AIRES.......27`): two spaces in a row only follow the end of a sentence.
fn is_wrapped_line(trimmed: &str) -> bool {
    let aligned = || {
        trimmed.match_indices("  ").any(|(at, _)| {
            !trimmed[..at].ends_with(['.', '!', '?', ':', ';', '"', '\'', ')'])
                || trimmed[at..].starts_with("   ")
        })
    };
    (trimmed.len() >= MIN_WRAPPED_LINE
        && (MIN_WRAPPED_LINE..=WRAP_WIDTH).contains(&trimmed.chars().count()))
        && !aligned()
        && !trimmed.contains("....")
}

/// A man page rendered to text (`man -P cat ls`): its running header and footer, which
/// are not paragraphs, and its title.
#[derive(Debug, Clone)]
struct ManPage {
    header: usize,
    footer: Option<usize>,
    title: String,
}

/// The man page a document is, when its first line is a man page header: the page's
/// `NAME(SECTION)` at both ends (`LS(1)   User Commands   LS(1)`).
fn man_page(lines: &[Line]) -> Option<ManPage> {
    let header = lines.iter().position(|line| !line.is_blank())?;
    let first = lines[header].trimmed;
    let mark = man_page_mark(first)?;
    let (name, rest) = first.split_once(char::is_whitespace)?;
    if name != mark {
        return None;
    }
    let footer = lines
        .iter()
        .rposition(|line| !line.is_blank())
        .filter(|&last| last > header && man_page_mark(lines[last].trimmed) == Some(mark));
    let title = crate::read::squeeze(rest.trim().strip_suffix(mark).unwrap_or(rest));
    Some(ManPage {
        header,
        footer,
        title: format!("{name} {title}").trim().to_string(),
    })
}

/// The paragraphs and headings a splitter has found so far.
#[derive(Debug, Default)]
struct Paragraphs {
    title: Option<String>,
    section: Option<String>,
    headings: Vec<(usize, String)>,
    paragraphs: Vec<Paragraph>,
}

impl Paragraphs {
    fn heading(&mut self, line: usize, text: &str) {
        if self.title.is_none() {
            self.title = Some(text.to_string());
        }
        self.section = Some(text.to_string());
        self.headings.push((line, text.to_string()));
    }

    fn emit(&mut self, line: usize, text: String) {
        if text.len() > MAX_PARAGRAPH_BYTES {
            for piece in pieces(&text, MAX_PARAGRAPH_BYTES)
                .into_iter()
                .filter(|p| !p.is_empty())
            {
                self.push(line, piece.to_string());
            }
        } else {
            self.push(line, text);
        }
    }

    fn push(&mut self, line: usize, text: String) {
        self.paragraphs.push(Paragraph {
            line,
            number: self.paragraphs.len() + 1,
            section: self.section.clone(),
            text,
        });
    }

    fn finish(mut self) -> SplitDocument {
        if self.paragraphs.is_empty() {
            // A headline-only story still has words worth finding: keep its headings.
            for (line, text) in std::mem::take(&mut self.headings) {
                self.section = None;
                self.emit(line, text);
            }
        }
        SplitDocument {
            title: self.title,
            paragraphs: self.paragraphs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../seeds/000_3c1f1d88057d9cc2.txt");

    fn texts(doc: &SplitDocument) -> Vec<&str> {
        doc.paragraphs.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn seed_splits_into_its_twenty_paragraphs() {
        let doc = split(SEED);
        let lines: Vec<usize> = doc.paragraphs.iter().map(|p| p.line).collect();
        assert_eq!(
            lines,
            [
                1, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 17, 19, 21, 22, 23, 24, 25, 26, 28
            ]
        );
        let numbers: Vec<usize> = doc.paragraphs.iter().map(|p| p.number).collect();
        assert_eq!(numbers, (1..=20).collect::<Vec<_>>());
    }

    #[test]
    fn seed_headings_become_sections_and_title() {
        let doc = split(SEED);
        assert_eq!(
            doc.title.as_deref(),
            Some("The Strategic Significance of Alibaba and Apple’s AI Collaboration")
        );
        let first = &doc.paragraphs[0];
        assert_eq!(first.section, None);
        let qwen = doc
            .paragraphs
            .iter()
            .find(|p| p.text.contains("through its Qwen model"))
            .unwrap();
        assert_eq!(
            qwen.section.as_deref(),
            Some("Competitive Landscape and Future AI Developments")
        );
        let last = doc.paragraphs.last().unwrap();
        assert_eq!(last.section.as_deref(), Some("Conclusion"));
    }

    #[test]
    fn table_rows_are_paragraphs_and_the_separator_is_dropped() {
        let doc = split(SEED);
        let texts = texts(&doc);
        assert!(texts.contains(&"Company | AI Model | Market Position |"));
        assert!(texts.contains(&"Alibaba | Qwen Model | Enterprise AI focus |"));
        assert!(!texts.iter().any(|t| t.starts_with("---")));
    }

    #[test]
    fn list_items_are_paragraphs() {
        let doc = split(SEED);
        let items: Vec<&str> = texts(&doc)
            .into_iter()
            .filter(|t| t.starts_with("- "))
            .collect();
        assert_eq!(items.len(), 3);
        assert!(items[0].contains("Siri"));
    }

    #[test]
    fn blank_line_blocks_join_wrapped_lines() {
        let text = "Notes on the deal\n\nThe first paragraph is wrapped\nover two lines.\n\nThe second one\nis too.\n";
        let doc = split(text);
        assert_eq!(
            texts(&doc),
            [
                "The first paragraph is wrapped over two lines.",
                "The second one is too."
            ]
        );
        assert_eq!(doc.paragraphs[1].line, 6);
        assert_eq!(doc.title.as_deref(), Some("Notes on the deal"));
        assert_eq!(
            doc.paragraphs[0].section.as_deref(),
            Some("Notes on the deal")
        );
    }

    #[test]
    fn indented_wire_lines_start_paragraphs_and_signoff_is_dropped() {
        let text = "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT\n\nCLEVELAND, Feb 26 - Standard Oil Co and BP North America\nInc said they plan to form a venture.\n    BP North America is a subsidiary of British Petroleum Co\nPlc <BP>, which also owns a stake.\n\n Reuter\n";
        let doc = split(text);
        assert_eq!(
            detect_layout(&text.lines().collect::<Vec<_>>()),
            Layout::IndentedWire
        );
        assert_eq!(
            texts(&doc),
            [
                "CLEVELAND, Feb 26 - Standard Oil Co and BP North America Inc said they plan to form a venture.",
                "BP North America is a subsidiary of British Petroleum Co Plc <BP>, which also owns a stake."
            ]
        );
        assert_eq!(doc.paragraphs[1].line, 5);
        assert_eq!(
            doc.title.as_deref(),
            Some("STANDARD OIL <SRD> TO FORM FINANCIAL UNIT")
        );
    }

    #[test]
    fn short_sentences_in_a_line_per_paragraph_file_are_not_headings() {
        let text = "Shares rose sharply on the news\nThe company said its long-awaited results will come out on Thursday morning after markets close in New York.\n";
        let doc = split(text);
        assert_eq!(doc.paragraphs.len(), 2);
        assert_eq!(doc.title, None);
    }

    #[test]
    fn markdown_headings_are_sections() {
        let text = "# Report\n\nFirst paragraph here.\n\n## Details\n\nSecond paragraph here.\n";
        let doc = split(text);
        assert_eq!(doc.title.as_deref(), Some("Report"));
        assert_eq!(doc.paragraphs[1].section.as_deref(), Some("Details"));
    }

    #[test]
    fn headline_only_document_keeps_its_headline() {
        let doc = split("CHRYSLER TO BUY AMERICAN MOTORS\n");
        assert_eq!(texts(&doc), ["CHRYSLER TO BUY AMERICAN MOTORS"]);
    }

    #[test]
    fn empty_and_blank_documents_have_no_paragraphs() {
        assert!(split("").paragraphs.is_empty());
        assert!(split("  \n\n\t\n").paragraphs.is_empty());
    }

    #[test]
    fn crlf_line_endings_are_handled() {
        let doc = split("First paragraph, a full sentence.\r\n\r\nSecond one.\r\n");
        assert_eq!(doc.paragraphs.len(), 2);
        assert!(!doc.paragraphs[0].text.ends_with('\r'));
    }

    #[test]
    fn crlf_and_lone_cr_end_lines_like_lf() {
        for text in [
            "Copper rose.\n\nTin fell.\n",
            "Copper rose.\r\n\r\nTin fell.\r\n",
            "Copper rose.\r\rTin fell.\r",
        ] {
            let doc = split(text);
            assert_eq!(texts(&doc), ["Copper rose.", "Tin fell."], "{text:?}");
            let lines: Vec<usize> = doc.paragraphs.iter().map(|p| p.line).collect();
            assert_eq!(lines, [1, 3], "{text:?}");
        }
    }

    #[test]
    fn an_endless_line_is_cut_into_pieces_at_spaces() {
        let words = "copper tin zinc nickel ".repeat(2_000);
        let doc = split(&words);
        assert!(doc.paragraphs.len() >= 4, "{}", doc.paragraphs.len());
        for paragraph in &doc.paragraphs {
            assert!(paragraph.text.len() <= MAX_PARAGRAPH_BYTES);
            assert_eq!(paragraph.line, 1);
            assert!(!paragraph.text.starts_with(' ') && !paragraph.text.ends_with(' '));
        }
        let rejoined: Vec<&str> = doc
            .paragraphs
            .iter()
            .flat_map(|p| p.text.split(' '))
            .collect();
        assert_eq!(rejoined, words.split_whitespace().collect::<Vec<_>>());
        // Without spaces the cut falls on a character boundary.
        let unbroken = "é".repeat(MAX_PARAGRAPH_BYTES);
        let doc = split(&unbroken);
        assert_eq!(doc.paragraphs.len(), 2);
        assert_eq!(
            doc.paragraphs
                .iter()
                .map(|p| p.text.as_str())
                .collect::<String>(),
            unbroken
        );
    }

    fn sections(doc: &SplitDocument) -> Vec<Option<&str>> {
        doc.paragraphs
            .iter()
            .map(|p| p.section.as_deref())
            .collect()
    }

    fn starts(doc: &SplitDocument) -> Vec<usize> {
        doc.paragraphs.iter().map(|p| p.line).collect()
    }

    const README: &str = "\
dossier: index a folder of documents into paragraphs tagged with the companies they mention and the topics they are about
========================================================================

This tool reads plain text, Markdown and a few other formats, splits each
document into the paragraphs a reader sees, and tags each one with the
companies it names. Nothing leaves the machine: the index is a folder next
to the documents.

Installing
----------

Build it with cargo. The first build compiles every dependency, so it is
slow; later builds are quick. Everything is speci-
fied in Cargo.toml.

```
cargo build --release
./target/release/dossier index docs/
```

Usage:
    dossier search --company Acme
";

    #[test]
    fn a_readme_with_a_long_first_line_is_read_as_wrapped_prose() {
        let lines: Vec<&str> = raw_lines(README).collect();
        assert_eq!(detect_layout(&lines), Layout::Wrapped);
        let doc = split(README);
        // The underlined line is the title; the underlines are not paragraphs.
        assert!(
            doc.title
                .as_deref()
                .unwrap()
                .starts_with("dossier: index a folder")
        );
        assert_eq!(
            texts(&doc),
            [
                "This tool reads plain text, Markdown and a few other formats, splits each \
                 document into the paragraphs a reader sees, and tags each one with the \
                 companies it names. Nothing leaves the machine: the index is a folder next \
                 to the documents.",
                "Build it with cargo. The first build compiles every dependency, so it is \
                 slow; later builds are quick. Everything is specified in Cargo.toml.",
                "cargo build --release ./target/release/dossier index docs/",
                "dossier search --company Acme",
            ]
        );
        assert_eq!(starts(&doc), [4, 12, 17, 22]);
        assert_eq!(
            sections(&doc)[1..],
            [Some("Installing"), Some("Installing"), Some("Usage")]
        );
    }

    const MAN_PAGE: &str = "\
LS(1)                            User Commands                           LS(1)

NAME
       ls - list directory contents

DESCRIPTION
       List  information  about  the FILEs (the current directory by default).
       Sort entries alphabetically if none of -cftuvSUX nor --sort  is  speci\u{2010}
       fied.

       Mandatory  arguments  to  long  options are mandatory for short options
       too.

       -a, --all
              do not ignore entries starting with .

       -c     with -lt: sort by, and show, ctime (time of last modification of
              file status information)

   Exit status:
       0      if OK,

SEE ALSO
       dircolors(1)

GNU coreutils 9.1               September 2022                           LS(1)
";

    #[test]
    fn a_man_page_reads_by_sections_with_its_options_whole() {
        let doc = split(MAN_PAGE);
        assert_eq!(doc.title.as_deref(), Some("LS(1) User Commands"));
        assert_eq!(
            texts(&doc),
            [
                "ls - list directory contents",
                "List information about the FILEs (the current directory by default). Sort \
                 entries alphabetically if none of -cftuvSUX nor --sort is specified.",
                "Mandatory arguments to long options are mandatory for short options too.",
                "-a, --all do not ignore entries starting with .",
                "-c with -lt: sort by, and show, ctime (time of last modification of file \
                 status information)",
                "0 if OK,",
                "dircolors(1)",
            ]
        );
        assert_eq!(starts(&doc), [4, 7, 11, 14, 17, 21, 24]);
        assert_eq!(
            sections(&doc),
            [
                Some("NAME"),
                Some("DESCRIPTION"),
                Some("DESCRIPTION"),
                Some("DESCRIPTION"),
                Some("DESCRIPTION"),
                Some("Exit status"),
                Some("SEE ALSO"),
            ]
        );
    }

    #[test]
    fn changelog_items_take_the_lines_indented_under_them() {
        let text = "\
bash (5.2-3) unstable; urgency=medium

  * Apply upstream patches 003 - 015.
  * d/copyright: Convert to machine-readable format, adding missing
    info. Closes: #1024602.

 -- Matthias Klose <doko@debian.org>  Sat, 31 Dec 2022 11:32:01 +0100
";
        let doc = split(text);
        assert_eq!(
            texts(&doc),
            [
                "bash (5.2-3) unstable; urgency=medium",
                "* Apply upstream patches 003 - 015.",
                "* d/copyright: Convert to machine-readable format, adding missing info. \
                 Closes: #1024602.",
                "-- Matthias Klose <doko@debian.org>  Sat, 31 Dec 2022 11:32:01 +0100",
            ]
        );
        assert_eq!(starts(&doc), [1, 3, 4, 7]);
    }

    #[test]
    fn indented_blocks_that_wrap_are_paragraphs_despite_a_stray_flush_line() {
        let text = "\
GNU gzip NEWS

** Changes in behavior

  'gzip -l' no longer misreports file lengths 4 GiB and larger.
  Previously, 'gzip -l' output the 32-bit value stored in the gzip
  header even though that is the uncompressed length modulo 2**32.
  Now, 'gzip -l' calculates the uncompressed length by decompressing
  the data and counting the resulting bytes.

  zgrep now names input file on error instead of mislabeling it as
  \"(standard input)\", if grep supports the GNU -H and --label options.
";
        let doc = split(text);
        assert_eq!(doc.paragraphs.len(), 3, "{:?}", texts(&doc));
        assert_eq!(starts(&doc), [3, 5, 11]);
        assert!(texts(&doc)[1].ends_with("counting the resulting bytes."));
    }

    #[test]
    fn an_indentation_change_ends_a_paragraph_and_a_first_line_indent_does_not() {
        // The underlined heading marks the text as wrapped prose; without such marks a
        // first-line indent and an indented block side by side read as wire copy.
        let text = "\
Notes
=====

The first paragraph is wrapped at a steady width and
goes on for a second line.
    An indented block is a paragraph of its own,
    and its lines belong together.
Back at the margin, a new paragraph begins.

   A typeset paragraph indents its first line
only, and the rest of it follows at the margin.
";
        let doc = split(text);
        assert_eq!(
            detect_layout(&raw_lines(text).collect::<Vec<_>>()),
            Layout::Wrapped
        );
        assert_eq!(starts(&doc), [4, 6, 8, 10]);
        assert_eq!(
            texts(&doc)[3],
            "A typeset paragraph indents its first line only, and the rest of it follows at \
             the margin."
        );
    }

    #[test]
    fn a_debian_copyright_file_has_a_paragraph_per_field() {
        let text = "\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: base-passwd

Files: *
Copyright: Copyright 1999-2002 Wichert Akkerman
 Copyright 2002, 2003, 2004 Colin Watson
License: GPL-2
 On Debian systems, a copy of the GNU General Public
 License version 2 is in /usr/share/common-licenses/GPL-2.
 .
 A second paragraph of the license text.
";
        let doc = split(text);
        assert_eq!(starts(&doc), [1, 2, 4, 5, 7, 11]);
        assert_eq!(
            texts(&doc)[3],
            "Copyright: Copyright 1999-2002 Wichert Akkerman Copyright 2002, 2003, 2004 Colin \
             Watson"
        );
        assert_eq!(doc.title, None);
    }

    #[test]
    fn rules_and_comment_lines_are_not_headings() {
        let text = "\
Some notes written at a steady width, long enough to wrap
onto a second line of the same paragraph.

* * *

# Older entries have been removed from this file.
";
        let doc = split(text);
        assert_eq!(
            texts(&doc),
            [
                "Some notes written at a steady width, long enough to wrap onto a second \
                 line of the same paragraph.",
                "# Older entries have been removed from this file.",
            ]
        );
        assert_eq!(doc.title, None);
    }

    /// The non-whitespace characters of `text`.
    fn ink(text: &str) -> Vec<char> {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// Whether `part` appears within `whole` in order (not necessarily contiguously).
    fn is_subsequence(part: &[char], whole: &[char]) -> bool {
        let mut whole = whole.iter();
        part.iter().all(|c| whole.any(|w| w == c))
    }

    proptest::proptest! {
        #[test]
        fn paragraphs_come_from_the_text_in_order(
            text in "(\\PC{0,40}[ \\t]{0,3}(\\r\\n|\\n|\\r|\\n\\n|  )?){0,30}"
        ) {
            let doc = split(&text);
            let paragraph_ink: Vec<char> =
                doc.paragraphs.iter().flat_map(|p| ink(&p.text)).collect();
            proptest::prop_assert!(is_subsequence(&paragraph_ink, &ink(&text)));
            let line_count = lines(&text).len();
            let mut last_line = 0;
            for (index, paragraph) in doc.paragraphs.iter().enumerate() {
                proptest::prop_assert_eq!(paragraph.number, index + 1);
                proptest::prop_assert!(!paragraph.text.trim().is_empty());
                proptest::prop_assert!(paragraph.line >= 1 && paragraph.line <= line_count);
                proptest::prop_assert!(paragraph.line >= last_line);
                last_line = paragraph.line;
            }
            // Nothing with letters or digits is lost: a text that has some yields a paragraph.
            if text.chars().any(char::is_alphanumeric) {
                proptest::prop_assert!(!doc.paragraphs.is_empty());
            }
        }
    }
}
