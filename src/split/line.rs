//! What one line of a document is: blank, a table row, a list item, a heading, a rule, a
//! code fence, or prose; and the shape tests (heading-like, title case, all capitals) the
//! splitters decide with. Pure: looks at one line, or a line and its neighbours.

/// Lines longer than this are not hard-wrapped text.
pub(super) const WRAP_WIDTH: usize = 100;
/// A heading has at most this many words.
const MAX_HEADING_WORDS: usize = 12;
/// A lead-in line such as "Exit status:" or "Usage:" heads what follows it when it has at
/// most this many words.
const MAX_LEAD_IN_WORDS: usize = 4;

/// What one line of a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineKind {
    Blank,
    /// `---|---|` under a table header: dropped.
    TableSeparator,
    TableRow,
    ListItem,
    /// `# Heading`.
    MarkedHeading,
    Prose,
}

/// A line of a document, looked at once: the layout detection and the splitters ask
/// what a line is several times over, and a document's text is read line by line only
/// here.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    /// The line as written, without its line break.
    pub(super) raw: &'a str,
    /// The line without the whitespace around it.
    pub(super) trimmed: &'a str,
    pub(super) kind: LineKind,
    /// The width of its leading whitespace (see `indent`).
    pub(super) indent: usize,
}

impl<'a> Line<'a> {
    pub(super) fn new(raw: &'a str) -> Line<'a> {
        let trimmed = raw.trim();
        Line {
            raw,
            trimmed,
            kind: classify(trimmed),
            indent: indent(raw),
        }
    }

    pub(super) fn is_prose(&self) -> bool {
        self.kind == LineKind::Prose
    }

    pub(super) fn is_blank(&self) -> bool {
        self.kind == LineKind::Blank
    }

    pub(super) fn is_indented(&self) -> bool {
        self.raw.starts_with([' ', '\t'])
    }

    /// Its length in characters, leading whitespace included.
    pub(super) fn length(&self) -> usize {
        self.raw.trim_end().chars().count()
    }

    /// Whether it is longer than `WRAP_WIDTH` characters, without counting them when its
    /// bytes are few enough.
    pub(super) fn is_too_long_to_wrap(&self) -> bool {
        let text = self.raw.trim_end();
        text.len() > WRAP_WIDTH && text.chars().count() > WRAP_WIDTH
    }
}

/// What a line is, from its trimmed text. The cheap tests come first: most lines are
/// prose, and prose fails each test at its first character or in one pass over its bytes.
fn classify(trimmed: &str) -> LineKind {
    if trimmed.is_empty() {
        LineKind::Blank
    } else if is_table_separator(trimmed) {
        LineKind::TableSeparator
    } else if trimmed.bytes().filter(|b| *b == b'|').count() >= 2 {
        LineKind::TableRow
    } else if is_list_item(trimmed) {
        LineKind::ListItem
    } else if trimmed.starts_with('#') && trimmed.trim_start_matches('#').starts_with(' ') {
        LineKind::MarkedHeading
    } else {
        LineKind::Prose
    }
}

/// The width of a line's leading whitespace, a tab counting as 8 columns.
pub(super) fn indent(line: &str) -> usize {
    line.bytes()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .map(|b| if b == b'\t' { 8 } else { 1 })
        .sum()
}

fn is_table_separator(trimmed: &str) -> bool {
    trimmed
        .bytes()
        .all(|b| matches!(b, b'|' | b'-' | b':' | b' '))
        && trimmed.contains("---")
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

/// A rule: a setext heading's underline (`=====`, `-----`, reStructuredText's `~~~~`) or a
/// thematic break (`* * *`, `######`): three or more of one punctuation character.
pub(super) fn is_rule(trimmed: &str) -> bool {
    let mut marks = trimmed.chars().filter(|c| *c != ' ');
    let Some(first) = marks.next() else {
        return false;
    };
    "=-~^*_+#".contains(first) && trimmed.chars().filter(|c| *c == first).count() >= 3 && {
        let mut marks = marks;
        marks.all(|c| c == first)
    }
}

/// A Markdown code fence (three or more backticks or tildes), with the marker that
/// closes it.
pub(super) fn fence(trimmed: &str) -> Option<&str> {
    ["```", "~~~"]
        .into_iter()
        .find(|marker| trimmed.starts_with(marker))
}

/// A man page's running header or footer: `LS(1)   User Commands   LS(1)` begins (or
/// ends) with the page's name and section. Returns that `NAME(SECTION)`.
pub(super) fn man_page_mark(trimmed: &str) -> Option<&str> {
    let is_mark = |word: &str| {
        word.split_once('(').is_some_and(|(name, rest)| {
            !name.is_empty()
                && !name.contains(char::is_whitespace)
                && rest.len() >= 2
                && rest.ends_with(')')
                && rest.starts_with(|c: char| c.is_ascii_digit())
                && rest[..rest.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric())
        })
    };
    let last = trimmed.split_whitespace().last()?;
    is_mark(last).then_some(last)
}

/// A short, title-like line: few words, no sentence punctuation at the end, starting with a
/// capital or digit.
pub(super) fn looks_like_heading(trimmed: &str) -> bool {
    let starts_well = trimmed
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    // The tests that end most sentences' chances (a full stop) come before those that
    // walk the line.
    starts_well
        && !trimmed.ends_with(['.', '!', '?', ',', ';', ':', '"', '\u{201D}', ')'])
        && (trimmed.len() <= WRAP_WIDTH || trimmed.chars().count() <= WRAP_WIDTH)
        && trimmed.split_whitespace().nth(MAX_HEADING_WORDS).is_none()
}

/// Most longer words capitalised, as in "Impact on Financial Markets" or a headline in
/// capitals; what tells a heading from a short sentence when there is no blank line around.
pub(super) fn is_title_case(trimmed: &str) -> bool {
    let (mut long_words, mut capitalised) = (0, 0);
    for word in trimmed
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
    {
        long_words += 1;
        capitalised += usize::from(word.chars().next().is_some_and(char::is_uppercase));
    }
    long_words == 0 || capitalised * 3 >= long_words * 2
}

/// A line in capitals, such as a man page's `SEE ALSO`: letters, none lower case.
pub(super) fn is_all_capitals(trimmed: &str) -> bool {
    let letters = trimmed.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2 && !trimmed.chars().any(char::is_lowercase)
}

/// A lead-in such as "Exit status:" or "Usage:": a few words ending with a colon.
pub(super) fn is_lead_in(trimmed: &str) -> bool {
    trimmed.len() > 1
        && trimmed.ends_with(':')
        && trimmed.split_whitespace().count() <= MAX_LEAD_IN_WORDS
        && trimmed.starts_with(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_runs_of_one_mark() {
        for rule in ["===", "-----", "~~~~~~", "* * *", "##########", "^^^^"] {
            assert!(is_rule(rule), "{rule}");
        }
        for other in ["--", "-=-=-", "= = x", "-- a", "...", "---|---"] {
            assert!(!is_rule(other), "{other}");
        }
    }

    #[test]
    fn man_page_marks_end_headers_and_footers() {
        assert_eq!(
            man_page_mark("LS(1)                User Commands                LS(1)"),
            Some("LS(1)")
        );
        assert_eq!(
            man_page_mark("GNU coreutils 9.1   September 2022   LS(1)"),
            Some("LS(1)")
        );
        assert_eq!(man_page_mark("see dircolors(1)"), Some("dircolors(1)"));
        assert_eq!(man_page_mark("a sentence (with parentheses)"), None);
        assert_eq!(man_page_mark("printf(3ssl)"), Some("printf(3ssl)"));
    }

    #[test]
    fn indents_count_tabs_as_eight() {
        assert_eq!(indent("    four"), 4);
        assert_eq!(indent("\tone tab"), 8);
        assert_eq!(indent("none"), 0);
    }
}
