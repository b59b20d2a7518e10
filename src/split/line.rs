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

pub(super) fn classify(line: &str) -> LineKind {
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

pub(super) fn is_prose(line: &str) -> bool {
    classify(line) == LineKind::Prose
}

pub(super) fn is_indented(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

/// The width of a line's leading whitespace, a tab counting as 8 columns.
pub(super) fn indent(line: &str) -> usize {
    line.chars()
        .take_while(|c| matches!(c, ' ' | '\t'))
        .map(|c| if c == '\t' { 8 } else { 1 })
        .sum()
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
pub(super) fn is_title_case(trimmed: &str) -> bool {
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
