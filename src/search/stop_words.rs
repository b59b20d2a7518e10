//! The function words a query may hold that are not looked for
//! (`taxonomy/query_stop_words.txt`, compiled in).

use std::collections::HashSet;
use std::sync::OnceLock;

/// The list as written: one lower-case word per line, `#` comments.
const QUERY_STOP_WORDS: &str = include_str!("../../taxonomy/query_stop_words.txt");

fn query_stop_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| parse(QUERY_STOP_WORDS))
}

fn parse(text: &str) -> HashSet<&str> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|word| !word.is_empty())
        .collect()
}

/// Whether a plain word of a query says nothing of what is wanted ("what", "does"): a
/// function word not written in capitals, which would mark an acronym ("US", "IT").
pub(crate) fn is_query_stop_word(word: &str) -> bool {
    let acronym = word.chars().count() > 1 && word.chars().all(|c| c.is_uppercase());
    !acronym && query_stop_words().contains(word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_lower_case_words_one_per_line_without_repeats() {
        let mut seen = HashSet::new();
        for line in QUERY_STOP_WORDS.lines() {
            let word = line.split('#').next().unwrap_or_default().trim();
            if word.is_empty() {
                continue;
            }
            assert!(
                word.chars().all(|c| c.is_ascii_lowercase()),
                "{word:?} is not one lower-case word"
            );
            assert!(seen.insert(word), "{word:?} is listed twice");
        }
        assert!(
            seen.len() > 100,
            "the list was cut short: {} words",
            seen.len()
        );
    }

    #[test]
    fn function_words_are_stop_words_in_any_case_but_acronyms_are_not() {
        assert!(is_query_stop_word("what"));
        assert!(is_query_stop_word("What"));
        assert!(is_query_stop_word("does"));
        assert!(!is_query_stop_word("US"));
        assert!(!is_query_stop_word("WHO"));
        assert!(is_query_stop_word("who"));
        assert!(!is_query_stop_word("inflation"));
        assert!(!is_query_stop_word("Apple"));
    }
}
