//! Finding thousands of company names in text, fast to build and fast to run.
//!
//! Names are matched on word boundaries, so they are indexed by their first word: scanning
//! a text costs one hash lookup per word. An Aho-Corasick automaton of the same ten
//! thousand names took a second to build, which every `dossier tag` would pay. Names in
//! scripts written without spaces (阿里巴巴) have no first word and go to a small automaton.
//!
//! A word written without capitals never names a company the taxonomy spells with a
//! capital ("apple" is not "Apple", see the tagger's case rules), so such names are kept
//! apart and most words of running text cost no lookup at all.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use anyhow::{Context, Result};

use super::{char_at, is_spaceless_script, is_word_char};

/// Names indexed for [`NameIndex::find`].
#[derive(Debug)]
pub struct NameIndex {
    /// ASCII-lower-cased first word -> ids of the names starting with it, longest first,
    /// for names whose first letter is a capital ("Apple", "Ebay").
    by_capitalised_word: HashMap<String, Vec<usize>>,
    /// The same for the other names ("eBay", "easyJet", "3M").
    by_other_word: HashMap<String, Vec<usize>>,
    /// The names, ASCII-lower-cased (same byte offsets as the originals).
    lowered: Vec<String>,
    /// Names starting with a character of a script without spaces.
    spaceless: AhoCorasick,
    spaceless_ids: Vec<usize>,
    /// The two-byte prefixes of the keys of `by_other_word` and `by_capitalised_word`.
    other_prefixes: PrefixFilter,
    capitalised_prefixes: PrefixFilter,
}

impl NameIndex {
    /// Indexes the names; ids in results are positions in `names`.
    pub fn new(names: &[String]) -> Result<NameIndex> {
        let lowered: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        let mut by_capitalised_word: HashMap<String, Vec<usize>> = HashMap::default();
        let mut by_other_word: HashMap<String, Vec<usize>> = HashMap::default();
        let mut spaceless_ids = Vec::new();
        for (id, name) in lowered.iter().enumerate() {
            match names[id].chars().next() {
                None => {}
                Some(c) if is_spaceless_script(c) || !is_word_char(c) => spaceless_ids.push(id),
                Some(c) => {
                    let map = if c.is_uppercase() {
                        &mut by_capitalised_word
                    } else {
                        &mut by_other_word
                    };
                    map.entry(first_word(name).to_string())
                        .or_default()
                        .push(id);
                }
            }
        }
        for ids in by_capitalised_word
            .values_mut()
            .chain(by_other_word.values_mut())
        {
            ids.sort_by_key(|&id| std::cmp::Reverse(lowered[id].len()));
        }
        let spaceless_names: Vec<&str> =
            spaceless_ids.iter().map(|&id| names[id].as_str()).collect();
        let spaceless = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(spaceless_names)
            .context("cannot build the matcher of names in other scripts")?;
        Ok(NameIndex {
            other_prefixes: PrefixFilter::new(by_other_word.keys()),
            capitalised_prefixes: PrefixFilter::new(by_capitalised_word.keys()),
            by_capitalised_word,
            by_other_word,
            lowered,
            spaceless,
            spaceless_ids,
        })
    }

    /// Non-overlapping matches, leftmost first and longest at each position, as (byte
    /// range, name id). `accept` decides whether a candidate counts (case, boundaries);
    /// when it refuses the longest name at a position, shorter ones are tried.
    /// `lowered` is `text` ASCII-lower-cased (the caller's matchers share it).
    pub fn find(
        &self,
        text: &str,
        lowered: &str,
        mut accept: impl FnMut(Range<usize>, usize) -> bool,
    ) -> Vec<(Range<usize>, usize)> {
        let mut found = Vec::new();
        let mut resume = 0;
        for word in Words::new(text) {
            if word.start < resume {
                continue;
            }
            let written = &lowered[word.start..word.end];
            let maps = [
                (&self.by_other_word, &self.other_prefixes),
                (&self.by_capitalised_word, &self.capitalised_prefixes),
            ];
            // A word without capitals never names a company spelt with one.
            let maps = &maps[..if word.has_capital { 2 } else { 1 }];
            let singular = written.strip_suffix('s').filter(|w| !w.is_empty());
            let mut best: Option<(Range<usize>, usize)> = None;
            for (map, prefixes) in maps {
                for key in [Some(written), singular].into_iter().flatten() {
                    if !prefixes.may_contain(key) {
                        continue;
                    }
                    for &id in map.get(key).into_iter().flatten() {
                        let name = &self.lowered[id];
                        let longer = best.as_ref().is_none_or(|(r, _)| name.len() > r.len());
                        let span = word.start..word.start + name.len();
                        if longer
                            && lowered[word.start..].starts_with(name.as_str())
                            && accept(span.clone(), id)
                        {
                            best = Some((span, id));
                        }
                    }
                }
            }
            if let Some((span, id)) = best {
                resume = span.end;
                found.push((span, id));
            }
        }
        for m in self.spaceless.find_iter(text) {
            let id = self.spaceless_ids[m.pattern().as_usize()];
            if accept(m.range(), id) {
                found.push((m.range(), id));
            }
        }
        found.sort_by_key(|(span, _)| span.start);
        found
    }
}

/// The two-byte prefixes of a set of keys, one bit each: most words of a text start
/// differently from every key, and this answers for them without hashing.
#[derive(Debug)]
struct PrefixFilter {
    bits: Vec<u64>,
}

impl PrefixFilter {
    fn new<'a>(keys: impl Iterator<Item = &'a String>) -> PrefixFilter {
        let mut filter = PrefixFilter {
            bits: vec![0; 65536 / 64],
        };
        for key in keys {
            let slot = PrefixFilter::slot(key);
            filter.bits[slot / 64] |= 1 << (slot % 64);
        }
        filter
    }

    fn slot(key: &str) -> usize {
        let bytes = key.as_bytes();
        let first = bytes.first().map_or(0, |&b| usize::from(b));
        let second = bytes.get(1).map_or(0, |&b| usize::from(b));
        first << 8 | second
    }

    /// False when no key starts like `key`.
    fn may_contain(&self, key: &str) -> bool {
        let slot = PrefixFilter::slot(key);
        self.bits[slot / 64] & (1 << (slot % 64)) != 0
    }
}

/// The leading run of word characters ("at" of "at&t", "jd" of "jd.com").
fn first_word(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// A run of word characters that may start a name.
struct Word {
    start: usize,
    end: usize,
    has_capital: bool,
}

/// The runs of word characters of a text, skipping runs in scripts without spaces (their
/// names are found by the automaton). ASCII is read byte by byte: this loop sees every
/// byte the tagger indexes.
struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    fn new(text: &'a str) -> Words<'a> {
        Words { text, pos: 0 }
    }
}

impl Iterator for Words<'_> {
    type Item = Word;

    fn next(&mut self) -> Option<Word> {
        let bytes = self.text.as_bytes();
        loop {
            while bytes
                .get(self.pos)
                .is_some_and(|&b| b.is_ascii() && !is_ascii_word_byte(b))
            {
                self.pos += 1;
            }
            let (c, len) = char_at(self.text, self.pos)?;
            if !is_word_char(c) {
                self.pos += len;
                continue;
            }
            let start = self.pos;
            let mut has_capital = false;
            loop {
                while let Some(&b) = bytes.get(self.pos).filter(|&&b| is_ascii_word_byte(b)) {
                    has_capital |= b.is_ascii_uppercase();
                    self.pos += 1;
                }
                match char_at(self.text, self.pos) {
                    Some((c, len)) if !c.is_ascii() && is_word_char(c) => {
                        has_capital |= c.is_uppercase();
                        self.pos += len;
                    }
                    _ => break,
                }
            }
            if !is_spaceless_script(c) {
                return Some(Word {
                    start,
                    end: self.pos,
                    has_capital,
                });
            }
        }
    }
}

/// [`is_word_char`] for an ASCII byte.
fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(names: &[&str], text: &str) -> Vec<String> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let index = NameIndex::new(&names).unwrap();
        index
            .find(text, &text.to_ascii_lowercase(), |_, _| true)
            .into_iter()
            .map(|(span, _)| text[span].to_string())
            .collect()
    }

    #[test]
    fn longest_name_at_a_position_wins() {
        let names = ["Sony", "Sony Pictures", "Pictures"];
        assert_eq!(
            find(&names, "Sony Pictures and Sony"),
            ["Sony Pictures", "Sony"]
        );
    }

    #[test]
    fn names_start_on_word_starts_only() {
        assert_eq!(find(&["BP"], "ABP and BP"), ["BP"]);
    }

    #[test]
    fn names_in_spaceless_scripts_match_inside_text() {
        assert_eq!(
            find(&["阿里巴巴"], "据报道阿里巴巴与苹果合作"),
            ["阿里巴巴"]
        );
    }

    #[test]
    fn words_without_capitals_only_reach_names_without_one() {
        let names = ["Apple", "eBay"];
        assert_eq!(find(&names, "apple pie on ebay"), ["ebay"]);
        assert_eq!(find(&names, "Apple and EBAY"), ["Apple", "EBAY"]);
    }
}
