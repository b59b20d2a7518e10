//! Tag a passage with the companies it mentions and the topics it is about.
//!
//! Pure: no I/O. All names come from the [`Taxonomy`]; one Aho-Corasick automaton finds
//! every company name and one finds every topic term, so tagging costs one pass per kind.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use anyhow::{Context, Result};

use crate::taxonomy::Taxonomy;

/// Words that announce the next capitalised word is not part of a longer proper name
/// ("For Apple, ..."), so a common-word company name right after them still counts.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "as",
    "at",
    "both",
    "but",
    "by",
    "for",
    "from",
    "in",
    "including",
    "like",
    "of",
    "on",
    "or",
    "than",
    "that",
    "the",
    "to",
    "unlike",
    "versus",
    "via",
    "when",
    "while",
    "whereas",
    "with",
];

/// Words that, right after a name, show it is used as a company ("Apple said", "Shell shares").
const COMPANY_CUES: &[&str] = &[
    "said",
    "says",
    "announced",
    "reported",
    "shares",
    "stock",
    "has",
    "had",
    "is",
    "was",
    "will",
    "would",
    "plans",
    "agreed",
    "inc",
    "corp",
    "co",
    "plc",
    "ltd",
    "group",
    "chairman",
    "executive",
    "spokesman",
    "spokeswoman",
];

/// How a taxonomy name reached the automaton.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameKind {
    /// The canonical name or an alias.
    Name,
    /// A product name: "iPhones" (plural) also counts.
    Product,
    /// A ticker, recognised only as `<TICKER>`.
    Ticker,
}

#[derive(Debug)]
struct CompanyPattern {
    company: usize,
    kind: NameKind,
    /// A single ordinary word ("Apple", "Shell") that needs evidence to count.
    needs_evidence: bool,
}

#[derive(Debug)]
struct TopicPattern {
    topic: usize,
    /// A `term*` pattern: any word ending may follow.
    prefix: bool,
}

/// A company found in a passage, with the first text that named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyMention {
    /// Index of the company in the taxonomy.
    pub company: usize,
    /// The first matched text, as written.
    pub evidence: String,
}

/// A topic given to a passage, with the terms that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMatch {
    /// Index of the topic in the taxonomy.
    pub topic: usize,
    /// The distinct matched terms, as written, in order of appearance.
    pub evidence: Vec<String>,
}

/// The tags of one passage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    /// Companies mentioned, in order of first mention.
    pub companies: Vec<CompanyMention>,
    /// Topics the passage is about, in taxonomy order.
    pub topics: Vec<TopicMatch>,
}

/// Finds companies and topics of a [`Taxonomy`] in text.
#[derive(Debug)]
pub struct Tagger {
    taxonomy: Taxonomy,
    company_matcher: AhoCorasick,
    company_patterns: Vec<CompanyPattern>,
    topic_matcher: AhoCorasick,
    topic_patterns: Vec<TopicPattern>,
    /// The patterns as written, to check case after a case-insensitive match.
    company_texts: Vec<String>,
}

impl Tagger {
    /// Builds the matchers for every name and term of the taxonomy.
    pub fn new(taxonomy: Taxonomy) -> Result<Tagger> {
        let (company_texts, company_patterns) = company_patterns(&taxonomy);
        let company_matcher = build_matcher(&company_texts)?;
        let mut topic_texts = Vec::new();
        let mut topic_patterns = Vec::new();
        for (topic, entry) in taxonomy.topics.iter().enumerate() {
            for term in entry
                .terms
                .iter()
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
            {
                let prefix = term.ends_with('*');
                topic_texts.push(term.trim_end_matches('*').to_string());
                topic_patterns.push(TopicPattern { topic, prefix });
            }
        }
        let topic_matcher = build_matcher(&topic_texts)?;
        Ok(Tagger {
            taxonomy,
            company_matcher,
            company_patterns,
            topic_matcher,
            topic_patterns,
            company_texts,
        })
    }

    /// The taxonomy this tagger matches.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// Companies and topics of one passage.
    pub fn tag(&self, text: &str) -> Tags {
        Tags {
            companies: self.companies(text),
            topics: self.topics(text),
        }
    }

    fn companies(&self, text: &str) -> Vec<CompanyMention> {
        // Mentions with the offset of their first match, to report them in text order.
        let mut found: Vec<(usize, CompanyMention)> = Vec::new();
        let mut pending: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        for m in self.company_matcher.find_iter(text) {
            let pattern = &self.company_patterns[m.pattern().as_usize()];
            let written = &self.company_texts[m.pattern().as_usize()];
            let span = m.range();
            if !self.is_company_match(text, span.clone(), written, pattern) {
                continue;
            }
            if pattern.needs_evidence && !has_local_evidence(text, span.clone()) {
                pending.push((pattern.company, span));
                continue;
            }
            push_mention(&mut found, pattern.company, span.start, &text[span]);
        }
        // A bare common word ("Apple aligning with ...") counts when the passage is about
        // companies anyway: another company is named in it.
        let named: Vec<usize> = found.iter().map(|(_, m)| m.company).collect();
        for (company, span) in pending {
            if named.iter().any(|&other| other != company) {
                push_mention(&mut found, company, span.start, &text[span]);
            }
        }
        found.sort_by_key(|(start, _)| *start);
        found.into_iter().map(|(_, mention)| mention).collect()
    }

    fn is_company_match(
        &self,
        text: &str,
        span: std::ops::Range<usize>,
        written: &str,
        pattern: &CompanyPattern,
    ) -> bool {
        let matched = &text[span.clone()];
        if pattern.kind == NameKind::Ticker {
            return text[..span.start].ends_with('<') && text[span.end..].starts_with('>');
        }
        let case_ok = matched == written
            || (!pattern.needs_evidence
                && matched.chars().any(char::is_alphabetic)
                && matched == written.to_uppercase());
        if !case_ok || !starts_on_boundary(text, span.start, written) {
            return false;
        }
        let end = if pattern.kind == NameKind::Product && text[span.end..].starts_with('s') {
            span.end + 1
        } else {
            span.end
        };
        if !ends_on_boundary(text, span.end, written) && !ends_on_boundary(text, end, written) {
            return false;
        }
        !(pattern.needs_evidence && is_inside_longer_name(text, span))
    }

    fn topics(&self, text: &str) -> Vec<TopicMatch> {
        let mut hits: Vec<Vec<String>> = vec![Vec::new(); self.taxonomy.topics.len()];
        let mut counts = vec![0usize; self.taxonomy.topics.len()];
        for m in self.topic_matcher.find_iter(text) {
            let pattern = &self.topic_patterns[m.pattern().as_usize()];
            let span = m.range();
            let matched = &text[span.clone()];
            if !starts_on_boundary(text, span.start, matched) {
                continue;
            }
            let end = if pattern.prefix {
                word_end(text, span.end)
            } else {
                span.end
            };
            if !ends_on_boundary(text, end, matched) {
                continue;
            }
            counts[pattern.topic] += 1;
            let word = text[span.start..end].to_string();
            if !hits[pattern.topic].contains(&word) {
                hits[pattern.topic].push(word);
            }
        }
        let needed = topic_hits_needed(text);
        hits.into_iter()
            .enumerate()
            .filter(|(topic, _)| counts[*topic] >= needed)
            .map(|(topic, evidence)| TopicMatch { topic, evidence })
            .collect()
    }
}

/// A passage is about a topic when its terms occur often enough for its length: one term
/// in a short line (a table row, a list item), two in a paragraph, three in a long one.
fn topic_hits_needed(text: &str) -> usize {
    match text.split_whitespace().count() {
        0..=25 => 1,
        26..=120 => 2,
        _ => 3,
    }
}

fn push_mention(
    found: &mut Vec<(usize, CompanyMention)>,
    company: usize,
    start: usize,
    evidence: &str,
) {
    if !found.iter().any(|(_, m)| m.company == company) {
        let mention = CompanyMention {
            company,
            evidence: evidence.to_string(),
        };
        found.push((start, mention));
    }
}

fn company_patterns(taxonomy: &Taxonomy) -> (Vec<String>, Vec<CompanyPattern>) {
    let mut texts = Vec::new();
    let mut patterns = Vec::new();
    for (company, entry) in taxonomy.companies.iter().enumerate() {
        let names = std::iter::once(&entry.name)
            .chain(&entry.aliases)
            .map(|n| (n, NameKind::Name));
        let products = entry.products.iter().map(|n| (n, NameKind::Product));
        let tickers = entry.tickers.iter().map(|n| (n, NameKind::Ticker));
        for (text, kind) in names.chain(products).chain(tickers) {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let needs_evidence =
                entry.common_word && kind == NameKind::Name && !text.contains(char::is_whitespace);
            texts.push(text.to_string());
            patterns.push(CompanyPattern {
                company,
                kind,
                needs_evidence,
            });
        }
    }
    (texts, patterns)
}

fn build_matcher(patterns: &[String]) -> Result<AhoCorasick> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        // A few hundred names make a small DFA, the fastest automaton to run.
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns)
        .context("cannot build the name matcher from the taxonomy")
}

/// Word characters for boundary checks; '_' and digits glue words as letters do.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Scripts written without spaces (Chinese, Japanese) have no word boundaries to check.
fn is_spaceless_script(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x9FFF | 0xF900..=0xFAFF)
}

fn starts_on_boundary(text: &str, start: usize, pattern: &str) -> bool {
    let first = pattern.chars().next();
    if first.is_none_or(|c| !is_word_char(c) || is_spaceless_script(c)) {
        return true;
    }
    text[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !is_word_char(c))
}

fn ends_on_boundary(text: &str, end: usize, pattern: &str) -> bool {
    let last = pattern.chars().next_back();
    if last.is_none_or(|c| !is_word_char(c) || is_spaceless_script(c)) {
        return true;
    }
    text[end..].chars().next().is_none_or(|c| !is_word_char(c))
}

fn word_end(text: &str, from: usize) -> usize {
    text[from..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(text.len(), |(i, _)| from + i)
}

/// "Orange County", "Harrison Ford", "Peruvian Amazon": a common word glued by a single
/// space to another capitalised word is part of a different proper name.
fn is_inside_longer_name(text: &str, span: std::ops::Range<usize>) -> bool {
    let next_word = text[span.end..]
        .strip_prefix(' ')
        .and_then(|rest| rest.split(|c: char| !is_word_char(c)).next());
    let continues_name = |w: &str| starts_uppercase(w) && !is_acronym(w) && !is_cue(w);
    if next_word.is_some_and(continues_name) {
        return true;
    }
    let previous_word = text[..span.start]
        .strip_suffix(' ')
        .and_then(|rest| rest.rsplit(|c: char| !is_word_char(c)).next());
    previous_word.is_some_and(|w| {
        starts_uppercase(w) && !FUNCTION_WORDS.contains(&w.to_lowercase().as_str())
    })
}

/// Evidence next to a common-word name: a possessive, a company cue word after it, or a
/// position inside a sentence (capitalised mid-sentence, so a proper noun).
fn has_local_evidence(text: &str, span: std::ops::Range<usize>) -> bool {
    let after = &text[span.end..];
    if after.starts_with("'s") || after.starts_with("\u{2019}s") {
        return true;
    }
    let next_word = after
        .trim_start()
        .split(|c: char| !is_word_char(c))
        .next()
        .unwrap_or("");
    if is_cue(next_word) {
        return true;
    }
    !is_sentence_start(text, span.start)
}

fn is_cue(word: &str) -> bool {
    COMPANY_CUES.contains(&word.to_lowercase().as_str())
}

/// "AI", "TV": an acronym after a name describes it rather than extending it.
fn is_acronym(word: &str) -> bool {
    word.len() >= 2
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn starts_uppercase(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_sentence_start(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches([' ', '"', '\u{201C}', '(', '\t']);
    before.is_empty()
        || before.ends_with(['.', '!', '?', ':', '\n', '|'])
        || before.ends_with("- ")
        || before == "-"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagger() -> Tagger {
        Tagger::new(Taxonomy::builtin().unwrap()).unwrap()
    }

    fn companies(text: &str) -> Vec<String> {
        let tagger = tagger();
        tagger
            .tag(text)
            .companies
            .iter()
            .map(|m| tagger.taxonomy().companies[m.company].name.clone())
            .collect()
    }

    fn topics(text: &str) -> Vec<String> {
        let tagger = tagger();
        tagger
            .tag(text)
            .topics
            .iter()
            .map(|t| tagger.taxonomy().topics[t.topic].name.clone())
            .collect()
    }

    #[test]
    fn seed_first_line_names_alibaba_and_apple() {
        let line = "Alibaba and Apple have announced a groundbreaking collaboration focused on \
                    artificial intelligence (AI) in the Chinese market. Alibaba Chairman Joe Tsai \
                    confirmed the partnership, highlighting its significance in integrating AI \
                    capabilities with Apple’s ecosystem in China (PYMNTS, 2024).";
        assert_eq!(companies(line), ["Alibaba", "Apple"]);
        let topics = topics(line);
        assert!(topics.contains(&"artificial intelligence".to_string()));
        assert!(topics.contains(&"partnerships".to_string()));
    }

    #[test]
    fn curly_and_straight_possessives_count() {
        assert_eq!(companies("It builds on Apple’s ecosystem."), ["Apple"]);
        assert_eq!(companies("It builds on Apple's ecosystem."), ["Apple"]);
        assert_eq!(
            companies("From Alibaba’s perspective, it helps."),
            ["Alibaba"]
        );
    }

    #[test]
    fn hyphenated_compound_tags_both_companies() {
        assert_eq!(
            companies("The Alibaba-Apple AI partnership underscores the need."),
            ["Alibaba", "Apple"]
        );
    }

    #[test]
    fn products_imply_their_maker() {
        assert_eq!(
            companies("Alibaba | Qwen Model | Enterprise AI focus |"),
            ["Alibaba"]
        );
        assert_eq!(
            companies("Baidu | Ernie Bot | Government-backed leader |"),
            ["Baidu"]
        );
        assert_eq!(
            companies("Huawei | PanGu-Alpha | Cloud and telecom-driven AI |"),
            ["Huawei"]
        );
        assert_eq!(
            companies("- AI-powered features in iOS tailored to users."),
            ["Apple"]
        );
        assert_eq!(
            companies("It will bring features to iPhones in China."),
            ["Apple"]
        );
        assert_eq!(
            companies("Its model Hunyuan is used in games."),
            ["Tencent"]
        );
        assert_eq!(companies("Ask Siri about the weather."), ["Apple"]);
    }

    #[test]
    fn units_are_tagged_under_their_own_name() {
        assert_eq!(
            companies("- AI-enhanced enterprise applications via Alibaba Cloud."),
            ["Alibaba Cloud"]
        );
        assert_eq!(
            companies("Major AI developers, including OpenAI, Google DeepMind, and Meta, advance."),
            ["OpenAI", "Google DeepMind", "Meta"]
        );
    }

    #[test]
    fn lowercase_common_words_are_not_companies() {
        assert!(companies("She baked an apple pie and ate an orange.").is_empty());
        assert!(companies("A meta-analysis of shell companies was published.").is_empty());
    }

    #[test]
    fn common_words_inside_other_proper_names_are_not_companies() {
        assert!(companies("Spraying may start in Orange County next week.").is_empty());
        assert!(companies("The actor Harrison Ford arrived.").is_empty());
        assert!(companies("Fires spread in the Peruvian Amazon jungle.").is_empty());
    }

    #[test]
    fn sentence_initial_common_word_needs_evidence() {
        assert!(companies("Apple pie is a dessert.").is_empty());
        assert!(companies("Next year will be better.").is_empty());
        assert_eq!(companies("Apple said sales rose."), ["Apple"]);
        assert_eq!(
            companies("Apple aligning with Alibaba shows a shift."),
            ["Apple", "Alibaba"]
        );
    }

    #[test]
    fn names_match_whole_words_only() {
        assert!(companies("The Alibabas of this world and Intelligent design.").is_empty());
        assert!(companies("GMT is a time zone.").is_empty());
    }

    #[test]
    fn tickers_count_only_in_wire_brackets() {
        assert_eq!(
            companies("STANDARD OIL <SRD> TO FORM FINANCIAL UNIT"),
            ["Standard Oil"]
        );
        assert_eq!(companies("Shares of <AAPL> rose."), ["Apple"]);
        assert!(companies("The T stands for nothing.").is_empty());
    }

    #[test]
    fn headlines_in_capitals_still_match_distinctive_names() {
        assert_eq!(
            companies("GENERAL MOTORS TO CUT OUTPUT"),
            ["General Motors"]
        );
    }

    #[test]
    fn names_in_other_scripts_match_inside_running_text() {
        assert_eq!(companies("阿里巴巴集团发布了新模型"), ["Alibaba"]);
    }

    #[test]
    fn one_passing_word_is_not_a_topic() {
        let text = "The company said on Tuesday that its chief executive would travel to \
                    Europe next month to meet customers, suppliers and officials, and that \
                    the trip had long been planned. It gave no further details about the \
                    visit or its schedule, and declined to comment on the oil price.";
        assert!(!topics(text).contains(&"energy and oil".to_string()));
    }
}
