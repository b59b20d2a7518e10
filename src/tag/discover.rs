//! Companies that no list knows, found by the marks news text puts on company names: a legal
//! form or designator after a capitalised name ("Chatsworth Enterprises Inc", "Avana Group
//! Plc"), a wire-style name in angle brackets ("<Walker County Telephone Co>"), or a name
//! followed by a wire ticker ("Iniziativa Meta <INZI.MI>").

use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use anyhow::{Context, Result};

use super::{char_at, ends_possessive, lexicon::Lexicon, starts_possessive};

/// The possessive cues as the pre-check looks for them, after either apostrophe.
fn possessive_cue_patterns(lexicon: &Lexicon) -> impl Iterator<Item = String> {
    ["'s ", "\u{2019}s "].into_iter().flat_map(|ending| {
        lexicon
            .possessive_cues
            .iter()
            .map(move |cue| format!("{ending}{cue}"))
    })
}

/// Text around a name that marks it as a business, for the pre-check: "Florence-based
/// Fondiaria", "a survey by Hostway" (unit words, "its Agroflora subsidiary", are
/// checked as whole words).
fn context_cue_patterns(lexicon: &Lexicon) -> impl Iterator<Item = String> {
    let studies = lexicon
        .study_words
        .iter()
        .map(|study| format!("{study} by "));
    std::iter::once("-based ".to_string()).chain(studies)
}

/// Longest name kept, in words: longer runs are sentences in title case.
const MAX_NAME_WORDS: usize = 6;

/// A company name found by its marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// The name without its legal form: "Chatsworth Enterprises".
    pub name: String,
    /// Where the name and its marks stand in the text.
    pub span: Range<usize>,
}

/// Finds marked company names, with the legal forms and designators of a taxonomy.
#[derive(Debug)]
pub struct Discoverer {
    /// The word lists text is read with.
    lexicon: Arc<Lexicon>,
    legal_suffixes: HashSet<String>,
    designators: HashSet<String>,
    company_nouns: HashSet<String>,
    /// All three sets in one: most words are none of them and cost one lookup.
    markers: HashSet<String>,
    /// The same words, to tell cheaply whether a text has any: most paragraphs do not
    /// and need no tokenising.
    marker_matcher: AhoCorasick,
    /// The matcher's first pattern that is a cue rather than a whole word.
    first_cue: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// Only spaces (or the dot of an abbreviation) between two words.
    Space,
    /// A comma, as in "Clearside Biomedical, Inc".
    Comma,
    /// Anything else: a sentence or clause boundary.
    Break,
}

#[derive(Debug)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    gap_before: Gap,
}

impl Discoverer {
    /// A discoverer for these legal forms (dropped from names), designators (kept) and
    /// nouns that introduce a company name ("retailer Mothercare"), reading text with the
    /// lexicon's word lists.
    pub fn new(
        lexicon: Arc<Lexicon>,
        legal_suffixes: &[String],
        designators: &[String],
        company_nouns: &[String],
    ) -> Result<Discoverer> {
        let clean = |words: &[String]| {
            words
                .iter()
                .map(|w| w.trim().trim_end_matches('.').to_string())
                .filter(|w| !w.is_empty())
                .collect()
        };
        let legal_suffixes: HashSet<String> = clean(legal_suffixes);
        let designators: HashSet<String> = clean(designators);
        let company_nouns: HashSet<String> = clean(company_nouns);
        let markers: HashSet<String> = legal_suffixes
            .iter()
            .chain(&designators)
            .chain(&company_nouns)
            .cloned()
            .collect();
        // Whole words first, then the cues, so a match's pattern tells which. No
        // pattern starts with a space: the matcher skips ahead to a pattern's rare
        // first bytes, and spaces are everywhere.
        let words: Vec<String> = markers
            .iter()
            .cloned()
            .chain(lexicon.unit_words.iter().map(str::to_string))
            .collect();
        let first_cue = words.len();
        let patterns: Vec<String> = words
            .into_iter()
            .chain(possessive_cue_patterns(&lexicon))
            .chain(context_cue_patterns(&lexicon))
            .collect();
        let marker_matcher = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .context("cannot build the matcher of legal forms and company nouns")?;
        Ok(Discoverer {
            lexicon,
            legal_suffixes,
            designators,
            company_nouns,
            markers,
            marker_matcher,
            first_cue,
        })
    }

    /// The name without its last word when that word is a designator: "T. Rowe Price"
    /// for "T. Rowe Price Associates", to find the name in a list.
    pub fn without_designator<'a>(&self, name: &'a str) -> Option<&'a str> {
        let (base, last) = name.rsplit_once(' ')?;
        self.designators.contains(last).then_some(base)
    }

    /// False when no word of `text` can mark a company name: no marker word stands
    /// between non-alphanumeric characters, no possessive or context cue appears and no
    /// wire bracket opens. (A token equal to a marker always does; the converse need not
    /// hold.)
    fn may_mark_names(&self, text: &str) -> bool {
        text.contains('<')
            || self.marker_matcher.find_overlapping_iter(text).any(|m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                let is_cue = m.pattern().as_usize() >= self.first_cue;
                // ", two of the largest brewers,", ", the makers of Manhunt": a plural
                // company noun may end an appositive.
                let ends_appositive = text[m.end()..].strip_prefix('s').is_some_and(|rest| {
                    rest.starts_with([',', '.', ';']) || rest.starts_with(" of ")
                });
                let ends_word = !after.is_some_and(char::is_alphanumeric) || ends_appositive;
                is_cue || (!before.is_some_and(char::is_alphanumeric) && ends_word)
            })
    }

    /// "Coopervision's stock fell", "Umbro's shareholders": a capitalised name in the
    /// possessive before words only a business has.
    fn find_before_possessive_cue(
        &self,
        text: &str,
        tokens: &[Token],
        found: &mut Vec<Discovered>,
    ) {
        for (i, token) in tokens.iter().enumerate() {
            if !is_possessive(token) || !is_name_word(token.text) {
                continue;
            }
            let after = text[token.end..].trim_start();
            let cued = self.lexicon.possessive_cues.iter().any(|cue| {
                let Some(rest) = after.strip_prefix(cue) else {
                    return false;
                };
                // "Sri Lanka's stock market" is a country's.
                let next = rest.split_whitespace().next().unwrap_or("");
                !rest.starts_with(|c: char| c.is_alphanumeric())
                    && !self.lexicon.market_words.contains(next)
            });
            if !cued || self.markers.contains(token.text) {
                continue;
            }
            if let Some(start) = self.name_start_from(text, tokens, i + 1, false) {
                let span = tokens[start].start..token.end;
                push(&self.lexicon, found, text, &tokens[start..=i], span, true);
            }
        }
    }

    /// "Baikal has links with Surgutneftegas, the Russian oil firm": a capitalised name
    /// inside a sentence, described after a comma as a company.
    fn find_before_appositive(&self, text: &str, tokens: &[Token], found: &mut Vec<Discovered>) {
        for (k, token) in tokens.iter().enumerate().skip(1) {
            let name_end = &tokens[k - 1];
            if token.gap_before != Gap::Comma
                || !is_name_word(name_end.text)
                || is_possessive(name_end)
                || self.markers.contains(name_end.text)
                || !self.describes_a_company(&text[name_end.end..])
            {
                continue;
            }
            let Some(mut start) = self.name_start_from(text, tokens, k, false) else {
                continue;
            };
            // "Heineken and Carlsberg, two of the largest brewers": a list, each its own;
            // "France's Ubisoft": the possessive is not part of the name.
            if let Some(cut) = tokens[start..k - 1]
                .iter()
                .rposition(|t| t.text == "and" || is_possessive(t))
            {
                start += cut + 1;
            }
            let opens_sentence = |i: usize| i == 0 || tokens[i].gap_before == Gap::Break;
            // "On Tuesday Mitsubishi", "Combining SMFG, Japan's third-biggest lender".
            while start + 1 < k
                && (self.lexicon.calendar_words.contains(tokens[start].text)
                    || opens_sentence(start) && tokens[start].text.ends_with("ing"))
            {
                start += 1;
            }
            // "However, the company said": a lone word opening a sentence is no name.
            if start + 1 == k && opens_sentence(start) {
                continue;
            }
            let span = tokens[start].start..name_end.end;
            push(&self.lexicon, found, text, &tokens[start..k], span, false);
        }
    }

    /// Names their context marks as businesses: after a "-based" description ("Santa
    /// Monica-based Activison"), as the owner of a unit ("its Agroflora subsidiary"), or
    /// as the one-word author of a study ("research by the TowerGroup").
    fn find_in_context(&self, text: &str, tokens: &[Token], found: &mut Vec<Discovered>) {
        for (i, token) in tokens.iter().enumerate() {
            // "Paris-based" names a place; "net-based IP services" does not.
            if token.text.ends_with("-based") && token.text.starts_with(char::is_uppercase) {
                self.find_after_place_description(text, tokens, i, found);
            } else if self.lexicon.unit_words.contains(token.text) {
                self.find_unit_owner(text, tokens, i, found);
            } else if token.text == "by"
                && i > 0
                && self.lexicon.study_words.contains(tokens[i - 1].text)
            {
                find_study_author(&self.lexicon, text, tokens, i, found);
            }
        }
    }

    /// "Santa Monica-based Activison": the name after the description at `based`.
    fn find_after_place_description(
        &self,
        text: &str,
        tokens: &[Token],
        based: usize,
        found: &mut Vec<Discovered>,
    ) {
        let before = found.len();
        self.find_after_noun(text, tokens, based, found);
        // "Geneva-based WTO", "Moscow-based US lawyer": unknown initials after a place
        // are institutions or adjectives more often than companies; "London-based Levy's
        // novel" is a person's.
        let doubtful = found.get(before).is_some_and(|d| {
            (d.name.len() <= 4 && d.name.chars().all(|c| c.is_ascii_uppercase()))
                || starts_possessive(&text[d.span.end..])
                || ends_possessive(&text[d.span.clone()])
        });
        if doubtful {
            found.truncate(before);
        }
    }

    /// "its Agroflora subsidiary": the owner of the unit word at `unit`.
    fn find_unit_owner(
        &self,
        text: &str,
        tokens: &[Token],
        unit: usize,
        found: &mut Vec<Discovered>,
    ) {
        let before = found.len();
        find_before_unit_word(&self.lexicon, text, tokens, unit, found);
        // "its Exxon Capital Corp unit": the legal form marks it already.
        let marked = found.get(before).is_some_and(|d| {
            d.name
                .split(' ')
                .any(|w| self.legal_suffixes.contains(w.trim_end_matches('.')))
        });
        if marked {
            found.truncate(before);
        }
    }

    /// True when `after` (the text after a name) opens with an appositive whose head is a
    /// company noun: ", the world's biggest spirits company", ", one of the largest
    /// brewers", ", a games developer based in". Not ", a company spokesman" nor ", the
    /// firm's chairman" (a person), nor ", the militant group".
    pub fn describes_a_company(&self, after: &str) -> bool {
        let Some(rest) = after.strip_prefix(", ") else {
            return false;
        };
        let clause_end = rest
            .find([',', '.', ';', ':', '(', ')', '"', '\u{201C}', '\u{201D}'])
            .unwrap_or(rest.len());
        let mut words: Vec<&str> = rest[..clause_end].split_whitespace().take(12).collect();
        if let [quantifier, "of", ..] = words.as_slice()
            && self.lexicon.appositive_quantifiers.contains(quantifier)
        {
            words.drain(..2);
        }
        let Some(first) = words.first() else {
            return false;
        };
        let determined =
            self.lexicon.appositive_determiners.contains(first) || ends_possessive(first);
        let head_end = words
            .iter()
            .position(|w| self.lexicon.appositive_ends.contains(w))
            .unwrap_or(words.len());
        // ", the MPAA said it had given operators": a new clause, not an appositive.
        let clause = words[..head_end]
            .iter()
            .any(|w| self.lexicon.reporting_verbs.contains(w));
        if !determined || clause || !(2..=8).contains(&head_end) {
            return false;
        }
        let head = words[head_end - 1];
        let singular = head.strip_suffix('s').unwrap_or(head);
        head != "group"
            && singular != "group"
            && (self.company_nouns.contains(head) || self.company_nouns.contains(singular))
    }

    /// Every marked company name in `text`, in order, each name once.
    pub fn find(&self, text: &str) -> Vec<Discovered> {
        if !self.may_mark_names(text) {
            return Vec::new();
        }
        let tokens = tokenize(text);
        let mut found: Vec<Discovered> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            if !self.markers.contains(token.text) {
                continue;
            }
            if self.company_nouns.contains(token.text) {
                self.find_after_noun(text, &tokens, i, &mut found);
                continue;
            }
            let is_suffix = self.legal_suffixes.contains(token.text);
            let is_designator = self.designators.contains(token.text);
            if !is_suffix && !is_designator {
                continue;
            }
            if is_designator && !is_suffix && self.continues_a_longer_name(&tokens, i) {
                continue;
            }
            let first_marker = self.stacked_suffixes_start(&tokens, i);
            let name_end = if is_designator { i + 1 } else { first_marker };
            if let Some(start) = self.name_start(text, &tokens, first_marker) {
                let span = tokens[start].start..token.end;
                push(
                    &self.lexicon,
                    &mut found,
                    text,
                    &tokens[start..name_end],
                    span,
                    is_designator,
                );
            }
        }
        self.find_in_angle_brackets(text, &tokens, &mut found);
        self.find_before_possessive_cue(text, &tokens, &mut found);
        self.find_before_appositive(text, &tokens, &mut found);
        self.find_in_context(text, &tokens, &mut found);
        found.sort_by_key(|d| d.span.start);
        found
    }

    /// "medical services firm HealthSouth", "market analyst Datamonitor": the capitalised
    /// words right after a company noun in running text.
    fn find_after_noun(
        &self,
        text: &str,
        tokens: &[Token],
        noun: usize,
        found: &mut Vec<Discovered>,
    ) {
        let mut end = noun + 1;
        while end < tokens.len()
            && end - noun <= MAX_NAME_WORDS
            && tokens[end].gap_before == Gap::Space
            && (is_name_word(tokens[end].text)
                || self.lexicon.name_connectors.contains(tokens[end].text))
        {
            end += 1;
            if is_possessive(&tokens[end - 1]) {
                break; // a possessive ends the name: "HealthSouth's"
            }
        }
        while end > noun + 1 && self.lexicon.name_connectors.contains(tokens[end - 1].text) {
            end -= 1;
        }
        let words = &tokens[noun + 1..end];
        let Some(first) = words.first() else {
            return;
        };
        let plausible = words.len() <= 4
            && !self
                .lexicon
                .not_name_starts
                .contains(&first.text.to_lowercase())
            && !words.iter().any(|t| self.legal_suffixes.contains(t.text))
            && !is_shouted(words);
        if plausible {
            let last = &words[words.len() - 1];
            let name = collapse_spaces(&text[first.start..last.start + last.text.len()]);
            push_name(&self.lexicon, found, name, first.start..last.end);
        }
    }

    /// "American Petroleum Institute", "U.S. Securities and Exchange Commission": the
    /// designator at `i` sits inside a longer capitalised name, which it does not mark.
    fn continues_a_longer_name(&self, tokens: &[Token], i: usize) -> bool {
        let joined = |j: usize| tokens.get(j).filter(|t| t.gap_before == Gap::Space);
        let Some(next) = joined(i + 1) else {
            return false;
        };
        if next.text == "and" || next.text == "&" {
            // "Securities and Exchange Commission" goes on; "Fleet Financial Group and
            // Norstar Bancorp" names two companies.
            let mut end = i + 2;
            while joined(end).is_some_and(|t| is_name_word(t.text)) {
                end += 1;
            }
            let run = &tokens[i + 2..end];
            return run.len() >= 2 && !run.iter().any(|t| self.markers.contains(t.text));
        }
        if self.lexicon.name_connectors.contains(next.text) {
            return joined(i + 2).is_some_and(|t| is_name_word(t.text));
        }
        is_name_word(next.text) && !self.markers.contains(next.text)
    }

    /// "MarCor Development Co Inc": the first of several legal forms in a row.
    fn stacked_suffixes_start(&self, tokens: &[Token], mut i: usize) -> usize {
        while i > 0
            && tokens[i].gap_before == Gap::Space
            && self.legal_suffixes.contains(tokens[i - 1].text)
        {
            i -= 1;
        }
        i
    }

    /// The first word of the capitalised name that ends just before token `end`.
    /// The marker at `end` is a token joined by `marker_gap` checks; a ticker in brackets
    /// is not (`end` is then one past the last word of the name).
    fn name_start(&self, text: &str, tokens: &[Token], end: usize) -> Option<usize> {
        self.name_start_from(text, tokens, end, true)
    }

    fn name_start_from(
        &self,
        text: &str,
        tokens: &[Token],
        end: usize,
        marker_gap: bool,
    ) -> Option<usize> {
        let mut start = end;
        while start > 0 && end - start < MAX_NAME_WORDS * 2 {
            let gap = tokens.get(start).map_or(Gap::Break, |t| t.gap_before);
            let allowed = gap == Gap::Space || (start == end && (gap == Gap::Comma || !marker_gap));
            let word = tokens[start - 1].text;
            if !allowed || !(is_name_word(word) || self.lexicon.name_connectors.contains(word)) {
                break;
            }
            // "Nikko Securities and Daiwa Securities": a marked name ends before the "and".
            if (word == "and" || word == "&")
                && start >= 2
                && self.markers.contains(tokens[start - 2].text)
            {
                break;
            }
            // "Michael Hannigan of Sugar Foods": a person of the company, not part of it.
            if word == "of" && start < end && self.is_person_before(text, tokens, start - 1) {
                break;
            }
            // "Edelman's TLX Partners", "Corp's IBM Credit": the owner is another name;
            // "Shaw's Supermarkets" is one.
            let owner = &tokens[start - 1];
            if start < end
                && is_possessive(owner)
                && (end - start >= 2 || self.markers.contains(owner.text))
            {
                break;
            }
            start -= 1;
        }
        // "Paramount, Universal and Warner Brothers": after a comma and another name the
        // "and" closes a list, so the marked name is the last item. ("Goldman, Sachs and
        // Co" is a firm's name: nothing but the marker follows its "and".)
        let in_list = start > 0
            && start < end
            && tokens[start].gap_before == Gap::Comma
            && is_name_word(tokens[start - 1].text);
        if in_list
            && let Some(and) = (start..end)
                .rev()
                .find(|&i| matches!(tokens[i].text, "and" | "&"))
            && and + 1 < end
        {
            start = and + 1;
        }
        while start < end {
            let word = tokens[start].text;
            let lower = word.to_lowercase();
            let and = (start..end)
                .rev()
                .find(|&i| matches!(tokens[i].text, "and" | "&"));
            if let Some(and) = and.filter(|_| self.lexicon.appositive_quantifiers.contains(&lower))
            {
                // "Both Sears and Kellwood Co": two companies, the mark on the last.
                start = and + 1;
            } else if self.lexicon.name_connectors.contains(word)
                || self.lexicon.not_name_starts.contains(&lower)
            {
                start += 1;
            } else {
                break;
            }
        }
        let words = &tokens[start..end];
        let plausible = !words.is_empty()
            && words.len() <= MAX_NAME_WORDS
            && !words.iter().all(|t| self.legal_suffixes.contains(t.text))
            && !is_shouted(words);
        plausible.then_some(start)
    }

    /// Whether the two words before token `of` look like a person's name, as in "Michael
    /// Hannigan of Sugar Foods": two title-case words, not preceded by another capitalised
    /// word, neither a company word ("Royal Bank of Scotland", "Ford Motor of Canada") nor
    /// a sentence start ("The Bank of America").
    fn is_person_before(&self, text: &str, tokens: &[Token], of: usize) -> bool {
        let Some(first) = of.checked_sub(2) else {
            return false;
        };
        let title_case = |word: &str| {
            let mut chars = word.chars();
            chars.next().is_some_and(char::is_uppercase)
                && chars.as_str().len() >= 2
                && chars.all(char::is_lowercase)
        };
        let words = &tokens[first..of];
        let joined = words[1].gap_before == Gap::Space && tokens[of].gap_before == Gap::Space;
        // After a verb ("said Robert Brusca of", "include Michael Hannigan of") or in a
        // list; a company's name may open a sentence or follow a preposition ("shares of
        // Richardson Greenshields of Canada").
        let opens = first > 0
            && match tokens[first].gap_before {
                Gap::Space => {
                    let before = tokens[first - 1].text;
                    before.starts_with(char::is_lowercase)
                        && !self.lexicon.not_before_person.contains(before)
                }
                Gap::Comma => false,
                Gap::Break => text[tokens[first - 1].end..tokens[first].start].contains([';', ':']),
            };
        let companyish = |word: &str| {
            let lower = word.to_lowercase();
            self.markers.contains(word)
                || self.company_nouns.contains(&lower)
                || self.designators.contains(&format!("{word}s"))
                || self.lexicon.not_name_starts.contains(&lower)
        };
        joined
            && opens
            && words
                .iter()
                .all(|t| title_case(t.text) && !companyish(t.text))
    }

    /// "<Walker County Telephone Co>" names a company; "Iniziativa Meta <INZI.MI>" marks the
    /// name before the ticker.
    fn find_in_angle_brackets(&self, text: &str, tokens: &[Token], found: &mut Vec<Discovered>) {
        let mut from = 0;
        while let Some(open) = text[from..].find('<').map(|i| from + i) {
            let Some(close) = text[open..].find('>').map(|i| open + i) else {
                break;
            };
            from = close + 1;
            let inner = &text[open + 1..close];
            if inner.is_empty() || inner.len() > 80 || inner.contains('\n') {
                continue;
            }
            if is_ticker(inner) {
                let before = tokens.iter().rposition(|t| t.end <= open);
                let joined = before.is_some_and(|i| text[tokens[i].end..open].trim().is_empty());
                if let Some(end) = before.filter(|_| joined) {
                    let (name_end, marker_gap) = if self.legal_suffixes.contains(tokens[end].text) {
                        (self.stacked_suffixes_start(tokens, end), true)
                    } else {
                        (end + 1, false)
                    };
                    if let Some(start) = self.name_start_from(text, tokens, name_end, marker_gap) {
                        push(
                            &self.lexicon,
                            found,
                            text,
                            &tokens[start..name_end],
                            tokens[start].start..close + 1,
                            false,
                        );
                    }
                }
            } else {
                let inner_tokens = tokenize(inner);
                let mut end = inner_tokens.len();
                while end > 1 && self.legal_suffixes.contains(inner_tokens[end - 1].text) {
                    end -= 1;
                }
                if end > 0 && is_name_word(inner_tokens[0].text) && end <= MAX_NAME_WORDS {
                    let name = &inner[inner_tokens[0].start..inner_tokens[end - 1].end];
                    let name = name.trim_end_matches([',', ' ']).to_string();
                    push_name(&self.lexicon, found, name, open..close + 1);
                }
            }
        }
    }
}

fn push(
    lexicon: &Lexicon,
    found: &mut Vec<Discovered>,
    text: &str,
    words: &[Token],
    span: Range<usize>,
    name_ends_in_designator: bool,
) {
    // "Merrill Lynch and Co": the connector before a legal form is not part of the name.
    let mut words = words;
    while let [rest @ .., last] = words
        && lexicon.name_connectors.contains(last.text)
    {
        words = rest;
    }
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return;
    };
    // A designator's possessive is not part of the name ("USAir Group's"); a name's own
    // is, before a legal form ("Standard and Poor's Corp").
    let end = if name_ends_in_designator && is_possessive(last) {
        last.start + last.text.len()
    } else {
        last.end
    };
    let name = text[first.start..end].trim_end_matches([',', ' ']);
    push_name(lexicon, found, collapse_spaces(name), span);
}

/// "its Agroflora subsidiary", "the Yuganskneftegas production unit": the capitalised
/// name between an owner word and the unit word (at most two lower-case words between).
fn find_before_unit_word(
    lexicon: &Lexicon,
    text: &str,
    tokens: &[Token],
    unit: usize,
    found: &mut Vec<Discovered>,
) {
    let joined = |j: usize| tokens[j].gap_before == Gap::Space;
    let mut end = unit;
    while end > 0
        && unit - end < 2
        && joined(end)
        && tokens[end - 1].text.starts_with(char::is_lowercase)
        && !lexicon.unit_owners.contains(tokens[end - 1].text)
    {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && end - start < 4 && joined(start) && is_name_word(tokens[start - 1].text) {
        start -= 1;
    }
    // "the Sandoz unit" but not "the Tory research unit": after "the", nothing between.
    let owned = start > 0
        && joined(start)
        && lexicon.unit_owners.contains(tokens[start - 1].text)
        && (end == unit || tokens[start - 1].text != "the");
    if !owned || start == end {
        return;
    }
    let words = &tokens[start..end];
    // "its US unit", "its West German subsidiary", "its Swiss arm": a place or a
    // nationality, not a name.
    let last_word = words[words.len() - 1].text;
    let adjective = (words.len() == 1 && last_word.len() <= 3)
        || lexicon
            .nationality_endings
            .iter()
            .any(|ending| last_word.ends_with(ending));
    if adjective || words.iter().any(|t| is_possessive(t)) {
        return;
    }
    let last = &words[words.len() - 1];
    let name = collapse_spaces(&text[words[0].start..last.end]);
    push_name(lexicon, found, name, words[0].start..last.end);
}

/// "research by the TowerGroup showed": a one-word author after the "by" at `by`, before
/// a reporting verb or the end of the clause; not "a report by the Fraser of Allander
/// Institute", "a study by US researchers", "a report by Which?".
fn find_study_author(
    lexicon: &Lexicon,
    text: &str,
    tokens: &[Token],
    by: usize,
    found: &mut Vec<Discovered>,
) {
    if tokens[by].gap_before != Gap::Space {
        return;
    }
    let author = match tokens.get(by + 1) {
        Some(t) if t.text == "the" => by + 2,
        _ => by + 1,
    };
    let Some(t) = tokens.get(author) else {
        return;
    };
    let one_word = is_name_word(t.text)
        && t.gap_before == Gap::Space
        && !is_initials(t.text)
        && !lexicon.not_name_starts.contains(&t.text.to_lowercase())
        && !text[t.end..].starts_with('?')
        && tokens.get(author + 1).is_none_or(|next| {
            next.gap_before != Gap::Space || lexicon.reporting_verbs.contains(next.text)
        });
    if one_word {
        push_name(lexicon, found, t.text.to_string(), t.start..t.end);
    }
}

/// Two or three capitals: "US", "UK", "FCC".
fn is_initials(word: &str) -> bool {
    (2..=3).contains(&word.len()) && word.chars().all(|c| c.is_ascii_uppercase())
}

fn push_name(lexicon: &Lexicon, found: &mut Vec<Discovered>, name: String, span: Range<usize>) {
    if !name.starts_with(char::is_alphabetic) {
        return; // "1986 net income", not a name
    }
    if name
        .split(' ')
        .any(|word| lexicon.institution_words.contains(word))
    {
        return;
    }
    match found.iter_mut().find(|d| d.name == name) {
        Some(existing) => {
            existing.span.start = existing.span.start.min(span.start);
            existing.span.end = existing.span.end.max(span.end);
        }
        None => found.push(Discovered { name, span }),
    }
}

/// "Edelman's": a word written with a possessive ending.
fn is_possessive(token: &Token) -> bool {
    token.text.len() < token.end - token.start
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A word that can be part of a name: capitalised ("Tenneco", "McDonald's") or a number
/// ("3M").
fn is_name_word(word: &str) -> bool {
    // "Paris-based", "Privately-held" describe the name that follows.
    let described = word
        .rsplit_once('-')
        .is_some_and(|(_, tail)| tail.starts_with(char::is_lowercase));
    !described
        && word
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whole words in capitals longer than an acronym: a headline, where every word looks
/// like a name.
fn is_shouted(words: &[Token]) -> bool {
    let has_lowercase = words.iter().any(|t| t.text.chars().any(char::is_lowercase));
    !has_lowercase && (words.len() > 2 || words.iter().any(|t| t.text.len() > 6))
}

/// A wire ticker: "GM", "DBKG.F", "INZI.MI".
fn is_ticker(inner: &str) -> bool {
    inner.len() <= 12
        && inner.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && inner
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '.' || c == '-')
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '\'' | '\u{2019}' | '-' | '&')
}

/// [`is_token_char`] for an ASCII byte.
fn is_ascii_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'\'' | b'-' | b'&')
}

/// Words with their positions and what separates each from the one before.
fn tokenize(text: &str) -> Vec<Token<'_>> {
    // News text averages about six bytes per word and space.
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 6 + 1);
    let bytes = text.as_bytes();
    let mut pos = 0;
    while let Some((c, len)) = char_at(text, pos) {
        if !is_token_char(c) || matches!(c, '.' | '-' | '\'' | '\u{2019}') {
            pos += len;
            continue;
        }
        let start = pos;
        loop {
            while bytes.get(pos).is_some_and(|&b| is_ascii_token_byte(b)) {
                pos += 1;
            }
            match char_at(text, pos) {
                Some((c, len)) if !c.is_ascii() && is_token_char(c) => pos += len,
                _ => break,
            }
        }
        let written = text[start..pos].trim_end_matches(['.', '-', '\'', '\u{2019}']);
        let end = start + written.len();
        // "Inc's" is the legal form "Inc"; the name keeps its own "'s" ("Dr Reddy's").
        let word = written
            .strip_suffix("'s")
            .or_else(|| written.strip_suffix("\u{2019}s"))
            .unwrap_or(written);
        let gap_before = match tokens.last() {
            None => Gap::Break,
            Some(previous) => gap(previous, &text[previous.end..start]),
        };
        tokens.push(Token {
            text: word,
            start,
            end,
            gap_before,
        });
    }
    tokens
}

/// Classifies the text between two words. The dot after an abbreviation ("W.B. Saunders",
/// "Cia. Vale") does not end a name; any other punctuation does.
fn gap(previous: &Token, between: &str) -> Gap {
    if between == " " {
        return Gap::Space; // most words
    }
    let abbreviation = previous.text.contains('.')
        || (previous.text.len() <= 3 && previous.text.chars().all(char::is_uppercase));
    let rest = if abbreviation {
        between.strip_prefix('.').unwrap_or(between)
    } else {
        between
    };
    // Hard-wrapped text breaks lines inside names: "Cambridge Energy\n    Research".
    let blank = rest
        .chars()
        .all(|c| c == ' ' || c == '\t' || c == '\n' || c == '\r');
    if blank && !rest.is_empty() && rest.matches('\n').count() <= 1 {
        Gap::Space
    } else if rest.trim() == "," {
        Gap::Comma
    } else {
        Gap::Break
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let suffixes: Vec<String> = ["Inc", "Corp", "Co", "Ltd", "Plc", "SpA", "S.A."]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let designators: Vec<String> = ["Group", "Holdings", "Securities", "Associates", "Foods"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let nouns: Vec<String> = ["firm", "analyst", "company", "brewer", "group"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        Discoverer::new(Lexicon::builtin().unwrap(), &suffixes, &designators, &nouns)
            .unwrap()
            .find(text)
            .into_iter()
            .map(|d| d.name)
            .collect()
    }

    #[test]
    fn a_possessive_before_shares_or_stock_marks_a_name() {
        assert_eq!(names("Tate's shares have leapt 55% this year."), ["Tate"]);
        assert_eq!(
            names("Circuit City\u{2019}s shareholders voted against it."),
            ["Circuit City"]
        );
        assert!(names("Sri Lanka's stock market has fallen about 5%.").is_empty());
        assert!(names("United's chairman said the club was not for sale.").is_empty());
    }

    #[test]
    fn a_person_of_a_company_is_not_part_of_its_name() {
        assert_eq!(
            names("Others include Michael Hannigan of Sugar Foods; Bruce Robinson of Basic Foods."),
            ["Sugar Foods", "Basic Foods"]
        );
        assert_eq!(
            names("said Daniel Roling of Merrill Lynch and Co."),
            ["Merrill Lynch"]
        );
        assert_eq!(
            names("\"It is early,\" said Robert Brusca of Nikko Securities Co."),
            ["Nikko Securities"]
        );
        // Names of their own: a sentence opens with them, or a word of them is no name.
        assert_eq!(
            names("Gold Fields of South Africa Ltd said it would pay."),
            ["Gold Fields of South Africa"]
        );
        assert_eq!(
            names("On Friday, Gold Fields of South Africa Ltd said."),
            ["Gold Fields of South Africa"]
        );
        assert_eq!(
            names("He said The Bank of America Corp would pay."),
            ["Bank of America"]
        );
        assert_eq!(
            names("shares in Royal Insurance of Canada Group fell"),
            ["Royal Insurance of Canada Group"]
        );
    }

    #[test]
    fn legal_forms_mark_names_and_are_dropped() {
        let text = "FORT LAUDERDALE, Fla., March 4 - <Chatsworth Enterprises Inc>, a publicly \
                    held shell corporation, said it agreed to acquire Lotoquik International Ltd.";
        assert_eq!(
            names(text),
            ["Chatsworth Enterprises", "Lotoquik International"]
        );
    }

    #[test]
    fn stacked_forms_commas_and_designators() {
        assert_eq!(
            names("LAS VEGAS, Nev., March 17 - MarCor Development Co Inc said it expects"),
            ["MarCor Development"]
        );
        assert_eq!(
            names("Shares of Clearside Biomedical, Inc rose."),
            ["Clearside Biomedical"]
        );
        assert_eq!(
            names(
                "LONDON, March 27 - <Avana Group Plc>, defending itself against a bid \
                   from Ranks Hovis McDougall Plc"
            ),
            ["Avana Group", "Ranks Hovis McDougall"]
        );
    }

    #[test]
    fn generic_last_words_mark_firm_names() {
        assert_eq!(
            names(
                "\"The industry is deeply divided,\" said Daniel Yergin, director of Cambridge \
                 Energy Research Associates, which recently completed a survey."
            ),
            ["Cambridge Energy Research Associates"]
        );
        assert_eq!(
            names("said Ian Morris, an economist at Monument Securities."),
            ["Monument Securities"]
        );
        // Hard-wrapped wire text breaks the line inside the name.
        assert_eq!(
            names("director of Cambridge Energy\n    Research Associates, which"),
            ["Cambridge Energy Research Associates"]
        );
    }

    #[test]
    fn a_designator_inside_a_longer_name_marks_nothing() {
        assert!(names("filed with the U.S. Securities and Exchange Commission.").is_empty());
        assert!(names("the National Association of Securities Dealers said").is_empty());
        assert!(names("Kelly Associates Institute said").is_empty());
        assert_eq!(
            names("a merger of Nikko Securities and Daiwa Securities Co"),
            ["Nikko Securities", "Daiwa Securities"]
        );
    }

    #[test]
    fn an_owner_before_a_name_is_not_part_of_it() {
        assert_eq!(
            names("Edelman's TLX Partners Group bid for Telex"),
            ["TLX Partners Group"]
        );
        assert_eq!(
            names("Texas Air Corp's Eastern Air Lines Inc unit."),
            ["Texas Air", "Eastern Air Lines"]
        );
        // A possessive inside a name stays: "Shaw's Supermarkets Inc", "Standard and Poor's".
        assert_eq!(
            names("control of Shaw's Supermarkets Inc through a"),
            ["Shaw's Supermarkets"]
        );
        assert_eq!(
            names("rated by Standard and Poor's Corp."),
            ["Standard and Poor's"]
        );
        assert_eq!(
            names("cited USAir Group's proposed acquisition"),
            ["USAir Group"]
        );
    }

    #[test]
    fn institutions_are_not_companies() {
        assert!(names("said the Association of European Airlines Group.").is_empty());
        assert!(names("a study by the Food Research Institute Holdings").is_empty());
    }

    #[test]
    fn the_last_item_of_a_list_is_the_marked_name() {
        assert_eq!(
            names("Last month, Paramount, Universal and Warner Brothers Inc said they would."),
            vec!["Warner Brothers"]
        );
        assert_eq!(
            names("Both Sears and Kellwood Co agreed."),
            vec!["Kellwood"]
        );
        assert_eq!(
            names("Shares of Procter and Gamble Co rose."),
            vec!["Procter and Gamble"]
        );
    }

    #[test]
    fn connectors_and_abbreviations_stay_inside_names() {
        assert_eq!(
            names("General Motors of Canada Ltd, wholly owned by General Motors Corp, said"),
            ["General Motors of Canada", "General Motors"]
        );
        assert_eq!(
            names("The company bought W.B. Saunders Co last year."),
            ["W.B. Saunders"]
        );
    }

    #[test]
    fn tickers_mark_the_name_before_them() {
        assert_eq!(
            names("Iniziativa Meta <INZI.MI>, the financial services unit of Montedison Spa"),
            ["Iniziativa Meta"]
        );
        assert_eq!(names("Contel Corp <CTC> said"), ["Contel"]);
    }

    #[test]
    fn company_nouns_introduce_names() {
        assert_eq!(
            names("The former head of US medical services firm HealthSouth overstated earnings"),
            ["HealthSouth"]
        );
        assert_eq!(
            names("said market analyst Datamonitor's report."),
            ["Datamonitor"]
        );
        assert!(names("the firm said").is_empty());
        assert!(names("the firm The").is_empty());
    }

    #[test]
    fn an_appositive_naming_a_business_marks_the_name_before_it() {
        assert_eq!(
            names("Baikal has strong links with Surgutneftegas, the Russian oil firm which bid."),
            ["Surgutneftegas"]
        );
        assert_eq!(
            names("Shares in Carlsberg and Heineken, two of the largest brewers, fell."),
            ["Heineken"]
        );
        let nouns_only = Discoverer::new(
            Lexicon::builtin().unwrap(),
            &[],
            &[],
            &["maker".to_string()],
        )
        .unwrap();
        let found = nouns_only.find("Rockstar Games, the makers of Manhunt, has said so.");
        assert_eq!(found[0].name, "Rockstar Games");
        assert_eq!(
            names("It bought the stake from Nova, the Canadian company that owns Husky."),
            ["Nova"]
        );
        // People, groups that are no businesses, and sentence adverbs.
        assert!(names("said Tim Jones, a company spokesman.").is_empty());
        assert!(names("said Meredith Hellicar, the firm's chairwoman.").is_empty());
        assert!(names("blamed on Hamas, the militant group.").is_empty());
        assert!(names("However, the company said sales fell.").is_empty());
        assert!(
            names("suits across the US, the MPAA said it sued the firm that hosts them.")
                .is_empty()
        );
        assert!(names("In September, the company had said sales were weak.").is_empty());
        assert_eq!(
            names("The deal gives France's Ubisoft, the games firm, a boost."),
            ["Ubisoft"]
        );
        assert_eq!(
            names("Combining Nomura, Japan's biggest brokerage firm, and a bank."),
            ["Nomura"]
        );
        assert!(names("the port of Santos, Brazil's main port.").is_empty());
    }

    #[test]
    fn a_place_based_description_a_unit_or_a_study_marks_the_name() {
        assert_eq!(
            names("Santa Monica-based Activison is said to be one firm on its list."),
            ["Activison"]
        );
        assert_eq!(
            names("The firm, whose Agroflora subsidiary operates 13 farms, said."),
            ["Agroflora"]
        );
        assert_eq!(
            names("Baikal bought the Yuganskneftegas production unit."),
            Vec::<String>::new()
        );
        assert_eq!(
            names("It plans purchases to make its Sandoz unit the biggest."),
            ["Sandoz"]
        );
        assert_eq!(
            names("Mr Thiemann said research by the TowerGroup showed that."),
            ["TowerGroup"]
        );
        assert_eq!(names("A survey by Hostway suggests that men"), ["Hostway"]);
        // Lower-case descriptions, initials after a place, nationalities, people.
        assert!(names("gives an edge over net-based IP services").is_empty());
        assert!(names("said Moscow-based US lawyer Jamie Firestone").is_empty());
        assert!(names("Membership of the Geneva-based WTO helps.").is_empty());
        assert!(names("its German subsidiary and its US unit").is_empty());
        assert!(names("who works in the Tory research unit").is_empty());
        assert!(names("a report by John Smith found").is_empty());
    }

    #[test]
    fn sentence_words_and_headlines_are_not_names() {
        assert!(names("The Group said profits rose.").is_empty());
        assert!(names("the company and its Co-operative partners").is_empty());
        assert!(names("AMC IMPOSES HIRING FREEZE ON SUBSIDIARY CORP").is_empty());
        assert_eq!(names("In Tenneco Inc's view"), ["Tenneco"]);
    }

    #[test]
    fn the_pre_check_lets_every_written_form_of_a_marker_through() {
        // Each form the tokeniser reads as a marker must pass the cheap pre-check.
        for (text, name) in [
            ("Shares of Kappa Beta Inc's unit rose.", "Kappa Beta"),
            ("Delta Mu S.A. said on Monday it would sell.", "Delta Mu"),
            ("Profits at Omega Rho Corp. fell.", "Omega Rho"),
            (
                "Sigma Tau Holdings, the owner, agreed.",
                "Sigma Tau Holdings",
            ),
            ("Iniziativa Meta <INZI.MI> controls it.", "Iniziativa Meta"),
        ] {
            assert_eq!(names(text), [name], "{text}");
        }
        assert!(names("The incorporated cooperative grouped its holdings.").is_empty());
    }
}
