//! Split a document's text into paragraphs with provenance (line, number, section).
//!
//! Pure: no I/O, no tagging. The layout is detected per document, because one folder may
//! hold one-line-per-paragraph articles, blank-line separated notes and hard-wrapped wire
//! stories side by side.

/// Lines longer than this are not hard-wrapped text.
const WRAP_WIDTH: usize = 100;
/// A heading has at most this many words.
const MAX_HEADING_WORDS: usize = 12;
/// Longer paragraphs (a file of one endless line) are cut into pieces of at most this many
/// bytes, at a space where there is one: a hit should point at a passage a reader can
/// take in, and snippets and tags stay cheap.
pub const MAX_PARAGRAPH_BYTES: usize = 10_000;

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
    /// Hard-wrapped lines; blank lines separate paragraphs.
    BlankLineBlocks,
    /// Hard-wrapped wire text: an indented line also starts a paragraph (Reuters).
    IndentedWire,
}

/// What one line of a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    /// `---|---|` under a table header: dropped.
    TableSeparator,
    TableRow,
    ListItem,
    /// `# Heading`.
    MarkedHeading,
    Prose,
}

/// Splits a document into paragraphs, detecting its layout.
pub fn split(text: &str) -> SplitDocument {
    let lines = lines(text);
    let layout = detect_layout(&lines);
    Splitter::new(&lines, layout).run()
}

/// The lines of a text, ended by `\n`, `\r\n` or a lone `\r` (old Mac files).
fn lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(['\n', '\r']) {
        lines.push(&rest[..end]);
        let break_length = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = &rest[end + break_length..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
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
pub fn detect_layout(lines: &[&str]) -> Layout {
    let prose = |line: &str| classify(line) == LineKind::Prose;
    let longest = lines
        .iter()
        .filter(|line| prose(line))
        .map(|line| line.trim_end().chars().count())
        .max()
        .unwrap_or(0);
    if longest > WRAP_WIDTH {
        return Layout::LinePerParagraph;
    }
    let continued = |pair: &[&str]| prose(pair[0]) && prose(pair[1]);
    let indented_starts = lines
        .windows(2)
        .filter(|pair| continued(pair) && is_indented(pair[1]))
        .count();
    if indented_starts > 0 {
        Layout::IndentedWire
    } else if lines.windows(2).any(continued) {
        Layout::BlankLineBlocks
    } else {
        Layout::LinePerParagraph
    }
}

fn is_indented(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

fn classify(line: &str) -> LineKind {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        LineKind::Blank
    } else if is_table_separator(trimmed) {
        LineKind::TableSeparator
    } else if trimmed.matches('|').count() >= 2 {
        LineKind::TableRow
    } else if is_list_item(trimmed) {
        LineKind::ListItem
    } else if trimmed.starts_with('#') && trimmed.trim_start_matches('#').starts_with(' ') {
        LineKind::MarkedHeading
    } else {
        LineKind::Prose
    }
}

fn is_table_separator(trimmed: &str) -> bool {
    trimmed.contains("---") && trimmed.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn is_list_item(trimmed: &str) -> bool {
    if let Some(rest) = trimmed.strip_prefix(['-', '*', '+', '•']) {
        return rest.starts_with(' ');
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && digits <= 3
        && trimmed[digits..].starts_with(['.', ')'])
        && trimmed[digits + 1..].starts_with(' ')
}

/// A short, title-like line: few words, no sentence punctuation at the end, starting with a
/// capital or digit.
fn looks_like_heading(trimmed: &str) -> bool {
    let words = trimmed.split_whitespace().count();
    let starts_well = trimmed
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    starts_well
        && words <= MAX_HEADING_WORDS
        && trimmed.chars().count() <= WRAP_WIDTH
        && !trimmed.ends_with(['.', '!', '?', ',', ';', ':', '"', '\u{201D}', ')'])
}

/// Most longer words capitalised, as in "Impact on Financial Markets" or a headline in
/// capitals; what tells a heading from a short sentence when there is no blank line around.
fn is_title_case(trimmed: &str) -> bool {
    let long_words: Vec<&str> = trimmed
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    let capitalised = long_words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    long_words.is_empty() || capitalised * 3 >= long_words.len() * 2
}

struct Splitter<'a> {
    lines: &'a [&'a str],
    layout: Layout,
    title: Option<String>,
    section: Option<String>,
    headings: Vec<(usize, String)>,
    paragraphs: Vec<Paragraph>,
    /// The paragraph being built: start line and its text so far.
    open: Option<(usize, String)>,
}

impl<'a> Splitter<'a> {
    fn new(lines: &'a [&'a str], layout: Layout) -> Splitter<'a> {
        Splitter {
            lines,
            layout,
            title: None,
            section: None,
            headings: Vec::new(),
            paragraphs: Vec::new(),
            open: None,
        }
    }

    fn run(mut self) -> SplitDocument {
        for (index, line) in self.lines.iter().enumerate() {
            self.line(index, line);
        }
        self.close();
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

    fn line(&mut self, index: usize, line: &str) {
        let trimmed = line.trim();
        let number = index + 1;
        match classify(line) {
            LineKind::Blank | LineKind::TableSeparator => self.close(),
            LineKind::TableRow => {
                self.close();
                self.emit(number, trimmed.to_string());
            }
            LineKind::ListItem => {
                self.close();
                if self.layout == Layout::LinePerParagraph {
                    self.emit(number, trimmed.to_string());
                } else {
                    self.open = Some((number, trimmed.to_string()));
                }
            }
            LineKind::MarkedHeading => {
                self.close();
                self.heading(number, trimmed.trim_start_matches('#').trim());
            }
            LineKind::Prose => self.prose(index, line),
        }
    }

    fn prose(&mut self, index: usize, line: &str) {
        let trimmed = line.trim();
        let number = index + 1;
        if self.is_heading(index) {
            self.close();
            self.heading(number, trimmed);
            return;
        }
        match self.layout {
            Layout::LinePerParagraph => {
                self.close();
                self.emit(number, trimmed.to_string());
            }
            Layout::BlankLineBlocks => self.append(number, trimmed),
            Layout::IndentedWire => {
                if is_indented(line) {
                    self.close();
                }
                if self.open.is_none() && self.is_wire_signoff(index) {
                    return;
                }
                self.append(number, trimmed);
            }
        }
    }

    /// A heading stands alone between blank lines, or is title-cased when lines are
    /// paragraphs of their own.
    fn is_heading(&self, index: usize) -> bool {
        let trimmed = self.lines[index].trim();
        if self.open.is_some() || !looks_like_heading(trimmed) {
            return false;
        }
        let blank_at = |i: Option<usize>| {
            i.and_then(|i| self.lines.get(i))
                .is_none_or(|line| line.trim().is_empty())
        };
        let alone = blank_at(index.checked_sub(1)) && blank_at(Some(index + 1));
        if self.layout == Layout::IndentedWire && is_indented(self.lines[index]) {
            return false;
        }
        alone || (self.layout == Layout::LinePerParagraph && is_title_case(trimmed))
    }

    /// The closing ` Reuter` line of a wire story, alone in the last block.
    fn is_wire_signoff(&self, index: usize) -> bool {
        let rest_blank = self.lines[index + 1..].iter().all(|l| l.trim().is_empty());
        rest_blank && self.lines[index].trim() == "Reuter"
    }

    fn heading(&mut self, line: usize, text: &str) {
        if self.title.is_none() {
            self.title = Some(text.to_string());
        }
        self.section = Some(text.to_string());
        self.headings.push((line, text.to_string()));
    }

    fn append(&mut self, line: usize, trimmed: &str) {
        match &mut self.open {
            Some((_, text)) => {
                text.push(' ');
                text.push_str(trimmed);
            }
            None => self.open = Some((line, trimmed.to_string())),
        }
    }

    fn close(&mut self) {
        if let Some((line, text)) = self.open.take() {
            self.emit(line, text);
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../seeds/000_3c1f1d88057d9cc2.txt");

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
