//! Words hyphenated at a line end: `speci-` / `fied` is read back as `specified`, while
//! a compound broken at its own hyphen (`investor-` / `linked`) keeps it.
//!
//! Without a dictionary the document itself is the evidence. The rule, in order:
//! 1. A soft hyphen (U+00AD) is only ever a break: drop it.
//! 2. The next line starts with a capital after a fragment in lower or mixed case
//!    (`Anglo-` / `American`): a compound of names, keep the hyphen. Two fragments in
//!    capitals (`FOR-` / `MAT1`) are a word in capitals broken like any other.
//! 3. The document writes the compound with its hyphen elsewhere (`well-known`): keep.
//! 4. The document writes the word whole elsewhere (`specified`): drop.
//! 5. Both halves are words the document uses on their own (`investor`, `linked`): a
//!    compound of two words, keep the hyphen.
//! 6. Otherwise drop it: typesetters (groff, TeX, fmt with hyphenation) break words far
//!    more often than writers end a line on a compound, and a fragment such as `speci`
//!    matches nothing, while a compound read as one word still matches its phrase.

use std::collections::HashSet;

use super::line::Line;

/// Characters that end a line when a word is broken there.
const HYPHENS: [char; 3] = ['-', '\u{2010}', '\u{00AD}'];
const SOFT_HYPHEN: char = '\u{00AD}';

/// The words of a document, gathered the first time a line ends in a hyphen.
pub(super) struct Vocabulary<'a> {
    lines: &'a [Line<'a>],
    /// Lower-case words, and compounds with their hyphens as `-`; None until needed.
    words: Option<HashSet<String>>,
}

impl<'a> Vocabulary<'a> {
    pub(super) fn new(lines: &'a [Line<'a>]) -> Vocabulary<'a> {
        Vocabulary { lines, words: None }
    }

    fn contains(&mut self, word: &str) -> bool {
        let lines = self.lines;
        self.words
            .get_or_insert_with(|| gather(lines))
            .contains(word)
    }
}

/// Every word and every hyphenated compound written within a line; not the halves of a
/// word broken at a line end, which are no evidence of anything.
fn gather(lines: &[Line]) -> HashSet<String> {
    let mut words = HashSet::new();
    let mut after_break = false;
    for line in lines {
        let line = line.trimmed;
        let breaks = line.ends_with(&HYPHENS[..]);
        let tokens: Vec<&str> = line
            .split(|c: char| !c.is_alphanumeric() && !HYPHENS.contains(&c))
            .filter(|token| !token.trim_matches(&HYPHENS[..]).is_empty())
            .collect();
        let first = usize::from(after_break);
        let last = tokens.len().saturating_sub(usize::from(breaks));
        after_break = breaks;
        for token in tokens.get(first..last).unwrap_or_default() {
            let token = token.trim_matches(&HYPHENS[..]);
            let token = normalise(token);
            if token.contains('-') {
                words.extend(token.split('-').filter(|w| !w.is_empty()).map(String::from));
            }
            words.insert(token);
        }
    }
    words
}

fn normalise(word: &str) -> String {
    word.chars()
        .map(|c| if HYPHENS.contains(&c) { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Appends `next` (a trimmed line) to `text` (a paragraph so far), joining a word broken
/// by a hyphen at the end of `text`; otherwise with a space.
pub(super) fn append_line(text: &mut String, next: &str, vocabulary: &mut Vocabulary<'_>) {
    match broken_word(text, next) {
        Some((fragment, hyphen, rest)) => {
            let keep = hyphen != SOFT_HYPHEN && is_compound(fragment, rest, vocabulary);
            if !keep {
                text.truncate(text.len() - hyphen.len_utf8());
            }
        }
        None => text.push(' '),
    }
    text.push_str(next);
}

/// The fragment before a line-end hyphen, the hyphen, and the start of the next line,
/// when `text` ends with a letter and a hyphen and `next` starts with a letter.
fn broken_word<'t>(text: &'t str, next: &'t str) -> Option<(&'t str, char, &'t str)> {
    let hyphen = text.chars().last().filter(|c| HYPHENS.contains(c))?;
    let before = &text[..text.len() - hyphen.len_utf8()];
    let fragment_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map(|(i, _)| i)?;
    let fragment = &before[fragment_start..];
    let rest_end = next
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(next.len(), |(i, _)| i);
    let rest = &next[..rest_end];
    rest.starts_with(char::is_alphabetic)
        .then_some((fragment, hyphen, rest))
}

/// Whether `fragment` + hyphen + `rest` is a compound that keeps its hyphen (rules 2 to 6
/// of the module's doc).
fn is_compound(fragment: &str, rest: &str, vocabulary: &mut Vocabulary<'_>) -> bool {
    let in_capitals = |word: &str| !word.chars().any(char::is_lowercase);
    if rest.starts_with(char::is_uppercase) && !in_capitals(fragment) {
        return true;
    }
    let (fragment, rest) = (normalise(fragment), normalise(rest));
    if vocabulary.contains(&format!("{fragment}-{rest}")) {
        return true;
    }
    if vocabulary.contains(&format!("{fragment}{rest}")) {
        return false;
    }
    vocabulary.contains(&fragment) && vocabulary.contains(&rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(lines: &[&str]) -> String {
        let lines: Vec<Line> = lines.iter().map(|line| Line::new(line)).collect();
        let mut vocabulary = Vocabulary::new(&lines);
        let mut text = lines[0].trimmed.to_string();
        for line in &lines[1..] {
            append_line(&mut text, line.trimmed, &mut vocabulary);
        }
        text
    }

    #[test]
    fn a_word_broken_by_a_typesetter_is_joined() {
        assert_eq!(
            joined(&["Sort entries if none is speci\u{2010}", "fied."]),
            "Sort entries if none is specified."
        );
        assert_eq!(
            joined(&["the direc-", "tory it names"]),
            "the directory it names"
        );
        assert_eq!(joined(&["soft\u{00AD}", "Hyphen"]), "softHyphen");
    }

    #[test]
    fn a_word_in_capitals_is_joined() {
        assert_eq!(
            joined(&["If FORMAT is FOR\u{2010}", "MAT1<newline>FORMAT2"]),
            "If FORMAT is FORMAT1<newline>FORMAT2"
        );
    }

    #[test]
    fn compounds_keep_their_hyphen() {
        // A capital after a lower-case fragment: names.
        assert_eq!(
            joined(&["an Anglo-", "American venture"]),
            "an Anglo-American venture"
        );
        // Written with its hyphen elsewhere in the document.
        assert_eq!(
            joined(&["a well-known name, and well-", "known it stays"]),
            "a well-known name, and well-known it stays"
        );
        // Two words the document uses on their own.
        assert_eq!(
            joined(&[
                "The investor said investor-",
                "linked deals were linked to rates."
            ]),
            "The investor said investor-linked deals were linked to rates."
        );
    }

    #[test]
    fn the_whole_word_elsewhere_wins_over_its_halves() {
        assert_eq!(
            joined(&["use the variable; a vari-", "able is able to vary"]),
            "use the variable; a variable is able to vary"
        );
    }

    #[test]
    fn dashes_and_options_are_not_broken_words() {
        assert_eq!(joined(&["sort by --", "size"]), "sort by -- size");
        assert_eq!(joined(&["costs 12-", "15 dollars"]), "costs 12- 15 dollars");
        assert_eq!(joined(&["plain", "lines"]), "plain lines");
    }
}
