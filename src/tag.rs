//! Tag a passage with the companies it mentions and the topics it is about.
//!
//! Pure: no I/O. Known names come from the [`Taxonomy`]; one Aho-Corasick automaton finds
//! every company name and one finds every topic term, so tagging costs one pass per kind.
//! Companies no list knows are discovered from the marks the text puts on them (a legal
//! form, a wire ticker), and a document that has introduced "Contel Corp" may later say
//! "Contel". The word lists it reads text with (function words, company cues, people's
//! roles...) are data: taxonomy/lexicon.toml, loaded by `tag/lexicon.rs`.

mod discover;
mod lexicon;
mod model;
mod names;
mod topic_model;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use anyhow::{Context, Result};

use crate::script::{Script, is_chinese_word_break, script_of};
use crate::taxonomy::{Taxonomy, loose_key};
use discover::{Discovered, Discoverer};
use lexicon::Lexicon;
use model::NameModel;
use names::NameIndex;
use topic_model::{TopicModel, TopicScorer};

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
    /// What one occurrence adds to the topic's score.
    weight: usize,
}

/// A word in the names of more companies than this is too common to name one of them
/// alone ("General", "American").
const MAX_WORD_OWNERS: usize = 8;

/// What a topic term weighs; a weak term weighs 1.
const TERM_WEIGHT: usize = 2;
/// What a company of a topic's industry adds to that topic ("Vodafone" to
/// telecommunications): as much as a weak term, so the company alone is not enough.
const INDUSTRY_WEIGHT: usize = 1;

/// A company: one of the taxonomy, or one discovered in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Company {
    /// Index of the company in the taxonomy.
    Known(usize),
    /// A company the taxonomy does not know, by its name without legal form.
    Discovered(String),
    /// A unit of a known company that the taxonomy does not list, by its name without
    /// legal form ("General Motors of Canada" of General Motors).
    Unit {
        /// Index of the parent company in the taxonomy.
        parent: usize,
        /// The unit's name.
        name: String,
    },
}

/// A company found in a passage, with the first text that named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyMention {
    /// The company.
    pub company: Company,
    /// The first matched text, as written.
    pub evidence: String,
}

impl CompanyMention {
    /// Names from the top-level parent down to the company (["Alibaba", "Alibaba Cloud"]);
    /// a discovered company has no parent.
    pub fn path<'a>(&'a self, taxonomy: &'a Taxonomy) -> Vec<&'a str> {
        match &self.company {
            Company::Known(id) => taxonomy.company_path(*id),
            Company::Discovered(name) => vec![name.as_str()],
            Company::Unit { parent, name } => {
                let mut path = taxonomy.company_path(*parent);
                path.push(name.as_str());
                path
            }
        }
    }

    /// The canonical name of the company.
    pub fn name<'a>(&'a self, taxonomy: &'a Taxonomy) -> &'a str {
        match &self.company {
            Company::Known(id) => taxonomy.companies[*id].name.as_str(),
            Company::Discovered(name) | Company::Unit { name, .. } => name.as_str(),
        }
    }

    /// True for a company found by its marks rather than known to the taxonomy.
    pub fn is_discovered(&self) -> bool {
        !matches!(self.company, Company::Known(_))
    }
}

/// A topic given to a passage, with the terms that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMatch {
    /// Index of the topic in the taxonomy.
    pub topic: usize,
    /// The distinct matched terms, as written, in order of appearance; for a topic only
    /// the learned model found, the words that weigh most for it, in lower case.
    pub evidence: Vec<String>,
    /// The learned model's probability in hundredths, when only the model found the
    /// topic.
    pub learned: Option<u8>,
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
    company_names: NameIndex,
    company_patterns: Vec<CompanyPattern>,
    topic_matcher: AhoCorasick,
    topic_patterns: Vec<Vec<TopicPattern>>,
    /// The patterns as written, to check case after a case-insensitive match.
    company_texts: Vec<String>,
    discoverer: Discoverer,
    /// For each company, the topics of its business.
    industry_topics: Vec<Vec<usize>>,
    /// The taxonomy's places, lower-cased.
    places: HashSet<String>,
    /// The word lists text is read with.
    lexicon: Arc<Lexicon>,
    /// The learned signal for names no list knows.
    model: Arc<NameModel>,
    /// The learned topic signal, bound to the taxonomy's topics.
    topic_model: TopicScorer,
    /// See [`Tagger::data_fingerprint`].
    data_fingerprint: String,
    /// The text of the user's word list (`--lexicon`), if one was given.
    user_lexicon: Option<String>,
    /// For each company, whether the lexicon calls one of its names an institution.
    institution_companies: Vec<bool>,
    /// Lower-cased words of company names -> the companies with the word in a name (one
    /// more than [`MAX_WORD_OWNERS`] at most).
    name_word_companies: HashMap<String, Vec<u32>>,
}

/// Runs `read_taxonomy` while another thread parses the built-in name and topic models,
/// which do not depend on the taxonomy and are kept once parsed: the two were two thirds
/// of a tagger's start-up, one after the other. A model that fails to parse is reported
/// by the tagger that needs it, as before; with no thread to spare, the models are parsed
/// later, by that tagger.
pub(crate) fn with_models_parsed_beside<T>(read_taxonomy: impl FnOnce() -> T) -> T {
    std::thread::scope(|scope| {
        let _parsing = std::thread::Builder::new()
            .name("parse-models".to_string())
            .spawn_scoped(scope, || {
                let _ = TopicModel::builtin();
                let _ = NameModel::builtin();
            });
        read_taxonomy()
    })
}

impl Tagger {
    /// Builds the matchers for every name and term of the taxonomy, reading text with the
    /// built-in word lists.
    pub fn new(taxonomy: Taxonomy) -> Result<Tagger> {
        Tagger::with_lexicon(taxonomy, None)
    }

    /// Like [`Tagger::new`], with the words of a user's word list file added to the
    /// built-in lists: `(path, text)` of a file holding any of taxonomy/lexicon.toml's
    /// tables.
    pub fn with_lexicon(taxonomy: Taxonomy, user_lexicon: Option<(&Path, &str)>) -> Result<Tagger> {
        let lexicon = match user_lexicon {
            None => Lexicon::builtin()?,
            Some((path, text)) => Arc::new(Lexicon::extended(text, &path.display().to_string())?),
        };
        let (company_texts, company_patterns) = company_patterns(&taxonomy);
        let company_names = NameIndex::new(&company_texts)?;
        // One automaton pattern per distinct term; a term of several topics ("sales")
        // counts for each of them.
        let mut topic_texts: Vec<String> = Vec::new();
        let mut topic_patterns: Vec<Vec<TopicPattern>> = Vec::new();
        let mut position_of_text: HashMap<String, usize> = HashMap::new();
        for (topic, entry) in taxonomy.topics.iter().enumerate() {
            let terms = entry.terms.iter().map(|t| (t, TERM_WEIGHT));
            let weak = entry.weak.iter().map(|t| (t, 1));
            for (term, weight) in terms.chain(weak) {
                let term = term.trim();
                if term.is_empty() {
                    continue;
                }
                let prefix = term.ends_with('*');
                let text = term.trim_end_matches('*').to_ascii_lowercase();
                let pattern = TopicPattern {
                    topic,
                    prefix,
                    weight,
                };
                match position_of_text.get(&text) {
                    Some(&i) => topic_patterns[i].push(pattern),
                    None => {
                        position_of_text.insert(text.clone(), topic_texts.len());
                        topic_texts.push(text);
                        topic_patterns.push(vec![pattern]);
                    }
                }
            }
        }
        // The automaton prefers the longest match, so an exception ("fiscal year") hides
        // the term inside it ("fiscal").
        for exception in &taxonomy.topic_exceptions {
            let text = exception.trim().to_ascii_lowercase();
            if !text.is_empty() && !position_of_text.contains_key(&text) {
                position_of_text.insert(text.clone(), topic_texts.len());
                topic_texts.push(text);
                topic_patterns.push(Vec::new());
            }
        }
        let topic_matcher = build_matcher(&topic_texts)?;
        let discoverer = Discoverer::new(
            Arc::clone(&lexicon),
            &taxonomy.legal_suffixes,
            &taxonomy.designators,
            &taxonomy.company_nouns,
        )?;
        // Thousands of companies name topics: look names up once, not per company.
        let topic_ids: HashMap<&str, usize> = taxonomy
            .topics
            .iter()
            .enumerate()
            .map(|(id, topic)| (topic.name.as_str(), id))
            .collect();
        let industry_topics = taxonomy
            .companies
            .iter()
            .map(|company| {
                company
                    .topics
                    .iter()
                    .filter_map(|name| topic_ids.get(name.as_str()).copied())
                    .collect()
            })
            .collect();
        let places = taxonomy.places.iter().map(|p| p.to_lowercase()).collect();
        let institution_companies = taxonomy
            .companies
            .iter()
            .map(|company| {
                std::iter::once(&company.name)
                    .chain(&company.aliases)
                    .any(|name| lexicon.institutions.contains(name))
            })
            .collect();
        let mut name_word_companies: HashMap<String, Vec<u32>> = HashMap::new();
        for (id, company) in taxonomy.companies.iter().enumerate() {
            let mut words: Vec<String> = std::iter::once(&company.name)
                .chain(&company.aliases)
                .flat_map(|name| name.split(|c: char| c.is_whitespace() || c == ','))
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            words.sort_unstable();
            words.dedup();
            for word in words {
                let owners = name_word_companies.entry(word).or_default();
                if owners.len() <= MAX_WORD_OWNERS {
                    owners.extend(u32::try_from(id).ok());
                }
            }
        }
        let data_fingerprint = format!(
            "{}:{:x}",
            env!("CARGO_PKG_VERSION"),
            crate::manifest::content_hash(
                format!(
                    "{}\u{0}{}\u{0}{}\u{0}{}",
                    lexicon::DEFAULT_LEXICON,
                    user_lexicon.map_or("", |(_, text)| text),
                    model::DEFAULT_MODEL,
                    topic_model::DEFAULT_MODEL
                )
                .as_bytes()
            )
        );
        let topic_model = TopicModel::builtin()?.bind(&taxonomy.topics);
        Ok(Tagger {
            data_fingerprint,
            user_lexicon: user_lexicon.map(|(_, text)| text.to_string()),
            model: NameModel::builtin()?,
            topic_model,
            name_word_companies,
            institution_companies,
            lexicon,
            places,
            industry_topics,
            discoverer,
            taxonomy,
            company_names,
            company_patterns,
            topic_matcher,
            topic_patterns,
            company_texts,
        })
    }

    /// What, besides the taxonomy and the code, decides this tagger's tags: the word lists
    /// (with a user's additions) and the name model, as one fingerprint, so an index
    /// re-tags its files when they change.
    pub fn data_fingerprint(&self) -> String {
        self.data_fingerprint.clone()
    }

    /// The text of the user's word list this tagger was built with (`--lexicon`), saved
    /// with an index so `--explain` tags as the index did.
    pub fn user_lexicon(&self) -> Option<&str> {
        self.user_lexicon.as_deref()
    }

    /// The names of the companies tagged in `text`, in text order: what tests compare.
    #[cfg(test)]
    pub(crate) fn company_names(&self, text: &str) -> Vec<String> {
        self.tag(text)
            .companies
            .iter()
            .map(|mention| mention.name(&self.taxonomy).to_string())
            .collect()
    }

    /// The taxonomy this tagger matches.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// Companies and topics of one passage.
    pub fn tag(&self, text: &str) -> Tags {
        self.tag_document(&[text]).pop().unwrap_or_default()
    }

    /// Companies and topics of each paragraph of one document. A company the document
    /// introduced with its marks ("Contel Corp") counts wherever the document names it.
    pub fn tag_document(&self, paragraphs: &[&str]) -> Vec<Tags> {
        // "News Corp" is marked, but known by that very name: not a discovery.
        let discovered: Vec<Vec<Discovered>> = paragraphs
            .iter()
            .map(|text| {
                let mut found = Vec::new();
                for d in self.discoverer.find(text) {
                    let d = self.without_place_owner(text, &d).unwrap_or(d);
                    self.push_split_known_pair(text, d, &mut found);
                }
                found.retain(|d| {
                    self.taxonomy.find_company(&text[d.span.clone()]).is_none()
                        && !self.is_place(&d.name)
                        && !self.is_institution(&d.name)
                        && !names_an_index(&self.lexicon, &text[d.span.end..])
                });
                found
            })
            .collect();
        let introduced = self.introduced_names(&discovered);
        // Matchers run over ASCII-lower-cased text: same byte offsets, no case.
        let lowered: Vec<String> = paragraphs.iter().map(|t| t.to_ascii_lowercase()).collect();
        let mut companies: Vec<Vec<CompanyMention>> = paragraphs
            .iter()
            .zip(&lowered)
            .zip(&discovered)
            .map(|((text, lowered), found)| self.companies(text, lowered, found, &introduced))
            .collect();
        if paragraphs.len() > 1 {
            self.drop_institution_short_forms(paragraphs, &mut companies);
            let short_forms = self.short_forms(&companies);
            if !short_forms.is_empty() {
                for (text, found) in paragraphs.iter().zip(&mut companies) {
                    self.add_short_forms(text, &short_forms, found);
                }
            }
        }
        paragraphs
            .iter()
            .zip(&lowered)
            .zip(companies)
            .map(|((text, lowered), companies)| {
                let topics = self.topics(text, lowered, &companies);
                Tags { companies, topics }
            })
            .collect()
    }

    /// "The National Bank said" in a story about the Swiss National Bank is the central
    /// bank: a known name that is part of an institution the document names elsewhere
    /// means that institution.
    fn drop_institution_short_forms(
        &self,
        paragraphs: &[&str],
        companies: &mut [Vec<CompanyMention>],
    ) {
        // The document with its whitespace collapsed (wire text wraps names), made once and
        // only for a document with a name inside an institution's.
        let collapsed = std::cell::OnceCell::new();
        let document = || {
            collapsed.get_or_init(|| {
                paragraphs
                    .iter()
                    .flat_map(|text| text.split_whitespace())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        };
        let inside_named_institution = |evidence: &str| {
            self.lexicon.institutions.iter().any(|institution| {
                institution.len() > evidence.len()
                    && institution.contains(evidence)
                    && document().contains(institution)
            })
        };
        let mut dropped: Vec<String> = Vec::new();
        for found in companies.iter_mut() {
            found.retain(|m| {
                let keep = !matches!(m.company, Company::Known(_))
                    || !(dropped.contains(&m.evidence) || inside_named_institution(&m.evidence));
                if !keep && !dropped.contains(&m.evidence) {
                    dropped.push(m.evidence.clone());
                }
                keep
            });
        }
    }

    /// Consistency within a document: "Sachs" after "Goldman Sachs", "Hutton" after "E.F.
    /// Hutton". A known company named in full somewhere in the document lends its first
    /// and last words to the other paragraphs, when a word is distinctive: in no other
    /// company's names (the taxonomy's statistics, not a list), no ordinary or generic
    /// word, and no other company of the document's.
    fn short_forms(&self, companies: &[Vec<CompanyMention>]) -> Vec<(String, usize)> {
        let mut forms: Vec<(String, usize)> = Vec::new();
        let mut ambiguous: Vec<String> = Vec::new();
        for mention in companies.iter().flatten() {
            let Company::Known(id) = mention.company else {
                continue;
            };
            let words: Vec<&str> = mention
                .evidence
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
                .collect();
            let (Some(first), Some(last)) = (words.first(), words.last()) else {
                continue;
            };
            if words.len() < 2 {
                continue;
            }
            for word in [*first, *last] {
                let word = word.trim_end_matches("'s").trim_end_matches('\u{2019}');
                if !self.is_distinctive_word(word, id) {
                    continue;
                }
                match forms.iter().find(|(w, _)| w == word) {
                    Some((_, other)) if *other != id => ambiguous.push(word.to_string()),
                    Some(_) => {}
                    None => forms.push((word.to_string(), id)),
                }
            }
        }
        forms.retain(|(word, _)| !ambiguous.contains(word));
        forms
    }

    /// A word of a company's name that names it alone in a story: capitalised, three
    /// letters or more, no function, calendar, legal, trade or institution word, no
    /// place, and found in the names of this company only.
    fn is_distinctive_word(&self, word: &str, company: usize) -> bool {
        let lower = word.to_lowercase();
        word.chars().count() >= 3
            && starts_uppercase(word)
            && word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '&')
            && !self.lexicon.function_words.contains(&lower)
            && !self.lexicon.calendar_words.contains(word)
            && !self.lexicon.industry_words.contains(&lower)
            && !self.lexicon.institution_words.contains(word)
            && !self.lexicon.legal_words.contains(&lower)
            && !self.taxonomy.designators.iter().any(|d| d == word)
            && !self.taxonomy.legal_suffixes.iter().any(|d| d == word)
            && !self.is_place(word)
            && self
                .taxonomy
                .find_company(word)
                .is_none_or(|other| other == company)
            && self.name_word_companies.get(&lower).is_some_and(|owners| {
                owners.len() <= MAX_WORD_OWNERS
                    && owners.iter().all(|&owner| {
                        owner as usize == company || self.is_family(owner as usize, company)
                    })
            })
    }

    /// "Goldman Sachs BDC" is of the Goldman Sachs family: one of its names holds the
    /// other company's canonical name (written either way: "EF Hutton", "E.F. Hutton").
    fn is_family(&self, member: usize, company: usize) -> bool {
        let family = loose_key(&self.taxonomy.companies[company].name);
        let member = &self.taxonomy.companies[member];
        std::iter::once(&member.name)
            .chain(&member.aliases)
            .any(|name| loose_key(name).contains(&family))
    }

    /// Adds the document's short forms found in one paragraph: "Sachs said" counts as
    /// Goldman Sachs, and a "Sachs" its marks found ("Goldman, Sachs and Co") is it too.
    fn add_short_forms(
        &self,
        text: &str,
        forms: &[(String, usize)],
        found: &mut Vec<CompanyMention>,
    ) {
        for mention in found.iter_mut() {
            if let Company::Discovered(name) = &mention.company
                && let Some((_, id)) = forms.iter().find(|(w, _)| w == name)
            {
                mention.company = Company::Known(*id);
            }
        }
        let mut seen: Vec<Company> = Vec::new();
        found.retain(|m| {
            let first = !seen.contains(&m.company);
            seen.push(m.company.clone());
            first
        });
        for (word, id) in forms {
            if found.iter().any(|m| m.company == Company::Known(*id)) {
                continue;
            }
            let used = text.match_indices(word.as_str()).find(|(start, _)| {
                let span = *start..start + word.len();
                starts_on_boundary(text, span.start, word)
                    && ends_on_boundary(text, span.end, word)
                    && !is_inside_longer_name(&self.lexicon, text, span.clone())
                    && !follows_name_word(&self.lexicon, text, span)
            });
            if let Some((_, evidence)) = used {
                found.push(CompanyMention {
                    company: Company::Known(*id),
                    evidence: evidence.to_string(),
                });
            }
        }
        // Mentions are reported in text order.
        found.sort_by_key(|m| text.find(m.evidence.as_str()).unwrap_or(text.len()));
    }

    /// "Exxon Mobil and British Petroleum": a marked name of two names of two words or
    /// more joined by "and", one of them known, is two companies ("LTV Missiles and
    /// Electronics Group" and "Procter and Gamble" stay one).
    fn push_split_known_pair(&self, text: &str, found: Discovered, out: &mut Vec<Discovered>) {
        let long = |part: &str| part.split(' ').count() >= 2;
        let known = |part: &str| self.taxonomy.find_company(part).is_some();
        let pair = found
            .name
            .split_once(" and ")
            .filter(|(left, right)| long(left) && long(right) && (known(left) || known(right)));
        let written_and = text[found.span.clone()].find(" and ");
        let (Some((left, right)), Some(and)) = (pair, written_and) else {
            out.push(found);
            return;
        };
        let and = found.span.start + and;
        out.push(Discovered {
            name: left.to_string(),
            span: found.span.start..and,
        });
        out.push(Discovered {
            name: right.to_string(),
            span: and + " and ".len()..found.span.end,
        });
    }

    /// Whether a name found by its marks or its neighbours is a place ("Australia" of
    /// "Australia Ltd", "Germany" in a list of companies).
    fn is_place(&self, name: &str) -> bool {
        !self.places.is_empty() && self.places.contains(&name.to_lowercase())
    }

    /// "Australia's Woodside Petroleum": a place's possessive before a marked name says
    /// where the company is, and is no part of its name.
    fn without_place_owner(&self, text: &str, found: &Discovered) -> Option<Discovered> {
        let (owner, rest) = found.name.split_once(' ')?;
        let place = owner
            .strip_suffix("'s")
            .or_else(|| owner.strip_suffix("\u{2019}s"))?;
        if !self.is_place(place) {
            return None;
        }
        let written = &text[found.span.clone()];
        let rest_start = written.find(char::is_whitespace)?;
        let skipped = written[rest_start..].len() - written[rest_start..].trim_start().len();
        Some(Discovered {
            name: rest.to_string(),
            span: found.span.start + rest_start + skipped..found.span.end,
        })
    }

    /// The known company a discovered name stands for: "Nomura Securities" is Nomura
    /// when the list knows Nomura but not its securities arm.
    fn known_company(&self, discovered_name: &str) -> Option<usize> {
        self.taxonomy
            .find_company_loose(discovered_name)
            .or_else(|| {
                let base = self.discoverer.without_designator(discovered_name)?;
                self.taxonomy.find_company_loose(base)
            })
    }

    /// The company a name found by its marks or its neighbours stands for: a known one, a
    /// unit of a known one, or a company of its own.
    fn discovered_company(&self, name: &str) -> Company {
        match self.known_company(name) {
            Some(id) => Company::Known(id),
            None => match self.parent_of_unit(name) {
                Some(parent) => Company::Unit {
                    parent,
                    name: name.to_string(),
                },
                None => Company::Discovered(name.to_string()),
            },
        }
    }

    /// "Merrill Lynch Capital Markets", "Chrysler Canada", "Shell U.K.": a marked name that
    /// opens with a known company's name is a unit of that company. A known name that is
    /// also an ordinary word ("Shell") needs the rest to be words of a trade or a place.
    fn parent_of_unit(&self, discovered_name: &str) -> Option<usize> {
        let words: Vec<&str> = discovered_name.split(' ').collect();
        (1..words.len()).rev().find_map(|n| {
            let head = words[..n].join(" ");
            let id = self.taxonomy.find_company(&head)?;
            let company = &self.taxonomy.companies[id];
            let plain_word = n == 1 && company.common_word;
            // "Shell Oil", "Shell Canada", "Shell U.K.": a trade, a designator or a place.
            let trade_words = words[n..].iter().all(|w| {
                self.lexicon.industry_words.contains(&w.to_lowercase())
                    || self.taxonomy.designators.iter().any(|d| d == w)
                    || self.is_place(w)
                    || (w.contains('.') && is_all_caps(w))
            });
            (!company.news_source && (!plain_word || trade_words)).then_some(id)
        })
    }

    /// "Goldman, Sachs and Co", "Kidder, Peabody and Co": the marks found the name after
    /// the comma, and the word before it opens the known company's name.
    fn known_before_comma(&self, text: &str, found: &Discovered) -> Option<Company> {
        let before = text[..found.span.start].strip_suffix(", ")?;
        let word = before
            .rsplit(|c: char| !is_word_char(c) && c != '.')
            .next()
            .unwrap_or(before);
        if !starts_uppercase(word) {
            return None;
        }
        let id = self
            .taxonomy
            .find_company_loose(&format!("{word} {}", found.name))?;
        Some(Company::Known(id))
    }

    /// The learned model doubts that the name at `span`, found only by a weak rule (its
    /// neighbours in a list), is a company's: its context reads like a person's, a
    /// place's or a date's ("Steve Roukis, Latin America and Asia").
    fn model_doubts(&self, text: &str, span: Range<usize>) -> bool {
        let words = model::words(text);
        let first = words.iter().position(|w| w.start == span.start);
        let last = words.iter().position(|w| w.end == span.end);
        match (first, last) {
            (Some(first), Some(last)) if last >= first && last - first < model::MAX_NAME_WORDS => {
                !self.model.is_company(text, &words, first..last + 1)
            }
            _ => false,
        }
    }

    /// "Swiss National Bank": a company's name inside an institution's name, compared word
    /// by word, since wire text wraps lines anywhere ("Swiss\n    National Bank").
    fn is_inside_institution(&self, text: &str, span: Range<usize>) -> bool {
        let matched: Vec<&str> = text[span.clone()].split_whitespace().collect();
        let before: Vec<&str> = text[..span.start]
            .split_whitespace()
            .rev()
            .take(6)
            .collect();
        let after: Vec<&str> = text[span.end..].split_whitespace().take(6).collect();
        let bare = |w: &str| {
            let w = w.trim_end_matches([',', '.', ';', ':', ')', '"']);
            w.strip_suffix("'s").unwrap_or(w).to_string()
        };
        self.lexicon.institutions.iter().any(|institution| {
            let words: Vec<&str> = institution.split(' ').collect();
            (0..words.len()).any(|i| {
                let inner = i + matched.len();
                inner <= words.len()
                    && (i > 0 || inner < words.len())
                    && words[i..inner] == matched[..]
                    && words[..i]
                        .iter()
                        .rev()
                        .enumerate()
                        .all(|(k, w)| before.get(k) == Some(w))
                    && words[inner..]
                        .iter()
                        .enumerate()
                        .all(|(k, w)| after.get(k).is_some_and(|a| bare(a) == *w))
            })
        })
    }

    /// A central bank or a body of states: never a company ("Bank of Japan", "OECD").
    fn is_institution(&self, name: &str) -> bool {
        self.lexicon.institutions.contains(name)
    }

    /// Discovered names that the taxonomy does not know, each once.
    fn introduced_names(&self, discovered: &[Vec<Discovered>]) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for found in discovered.iter().flatten() {
            if self.known_company(&found.name).is_none() && !names.contains(&found.name) {
                names.push(found.name.clone());
            }
        }
        names
    }

    fn companies(
        &self,
        text: &str,
        lowered: &str,
        discovered: &[Discovered],
        introduced_names: &[String],
    ) -> Vec<CompanyMention> {
        // Mentions with the offset of their first match, to report them in text order.
        let mut found: Vec<(usize, CompanyMention)> = Vec::new();
        let mut pending: Vec<(usize, Range<usize>)> = Vec::new();
        // A known name inside a longer marked name is part of it: "Precision Target
        // Marketing Inc" is not Target.
        let inside_discovered = |span: &Range<usize>| {
            discovered.iter().any(|d| {
                d.span.start <= span.start
                    && span.end <= d.span.end
                    && d.name.len() > span.len()
                    && self.known_company(&d.name).is_none()
            })
        };
        let matches = self.company_names.find(text, lowered, |span, id| {
            self.is_company_match(
                text,
                span,
                &self.company_texts[id],
                &self.company_patterns[id],
            )
        });
        for (span, id) in matches {
            let pattern = &self.company_patterns[id];
            if self.institution_companies[pattern.company]
                || self.is_inside_institution(text, span.clone())
                || names_an_index(&self.lexicon, &text[span.end..])
                || inside_discovered(&span)
                || (self.taxonomy.companies[pattern.company].news_source
                    && is_cited_as_source(&self.lexicon, text, span.clone()))
            {
                continue;
            }
            if pattern.needs_evidence
                && !has_local_evidence(&self.lexicon, text, span.clone())
                && !self.discoverer.describes_a_company(&text[span.end..])
            {
                pending.push((pattern.company, span));
                continue;
            }
            push_mention(
                &mut found,
                Company::Known(pattern.company),
                span.start,
                &text[span],
            );
        }
        let known_spans: Vec<Range<usize>> = found
            .iter()
            .map(|(start, m)| *start..*start + m.evidence.len())
            .chain(pending.iter().map(|(_, span)| span.clone()))
            .collect();
        for d in discovered {
            // "News Corp": the known name covers the marked one.
            let covered = known_spans
                .iter()
                .any(|k| k.start < d.span.end && d.span.start < k.end && k.len() >= d.name.len());
            if covered {
                continue;
            }
            let company = match self.discovered_company(&d.name) {
                Company::Discovered(name) => short_form_of(&name, &found)
                    .or_else(|| self.known_before_comma(text, d))
                    .unwrap_or(Company::Discovered(name)),
                company => company,
            };
            push_mention(&mut found, company, d.span.start, &text[d.span.clone()]);
        }
        for (span, name) in find_introduced(text, introduced_names) {
            if starts_on_boundary(text, span.start, name) && ends_on_boundary(text, span.end, name)
            {
                let company =
                    short_form_of(name, &found).unwrap_or_else(|| self.discovered_company(name));
                push_mention(&mut found, company, span.start, &text[span]);
            }
        }
        // A bare common word ("Apple aligning with ...") counts when the passage is about
        // companies anyway: another company is named in it.
        for (company, span) in pending.iter().cloned() {
            let other_named = found
                .iter()
                .any(|(_, m)| m.company != Company::Known(company));
            if other_named {
                push_mention(&mut found, Company::Known(company), span.start, &text[span]);
            }
        }
        for (start, name) in
            list_neighbours(&self.lexicon, &self.taxonomy.legal_suffixes, text, &found)
        {
            if self.is_place(&name)
                || self.is_institution(&name)
                || self.model_doubts(text, start..start + name.len())
            {
                continue;
            }
            let company = self.discovered_company(&name);
            push_mention(&mut found, company, start, &name);
        }
        found.sort_by_key(|(start, _)| *start);
        found.into_iter().map(|(_, mention)| mention).collect()
    }

    fn is_company_match(
        &self,
        text: &str,
        span: Range<usize>,
        written: &str,
        pattern: &CompanyPattern,
    ) -> bool {
        let matched = &text[span.clone()];
        if pattern.kind == NameKind::Ticker {
            // "USPCI Inc <UPC>": a ticker after a name is that name's, whoever else
            // the lists give it to.
            let Some(before) = text[..span.start].strip_suffix('<') else {
                return false;
            };
            let after_name = before
                .trim_end()
                .rsplit(char::is_whitespace)
                .next()
                .is_some_and(starts_uppercase);
            return text[span.end..].starts_with('>') && !after_name;
        }
        // "<TOYO.T>", "<BA>": a ticker (Boeing's, here), which only the company's listed
        // tickers name, not its name or initials.
        if text[..span.start].ends_with('<')
            && (text[span.end..].starts_with('.') || text[span.end..].starts_with('>'))
        {
            return false;
        }
        // "CTS" is not "cts", and "BILL" not "Bill": a name in capitals is matched as
        // written. A number ("111") never names a company alone.
        let case_ok = matched == written
            || (!pattern.needs_evidence
                && !is_acronym(written)
                && (is_all_caps(matched) || capitalised_like(matched, written)));
        if !written.chars().any(char::is_alphabetic) {
            return false;
        }
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
        // "Pew Internet and American Life Project", "Ford Foundation": a name that an
        // institution's head word follows is part of the institution's name.
        if is_followed_by_institution_word(&self.lexicon, &text[span.end..]) {
            return false;
        }
        if pattern.needs_evidence {
            let lexicon = &self.lexicon;
            return !is_inside_longer_name(lexicon, text, span.clone())
                && !is_place_use(lexicon, text, span);
        }
        // "National Bank" heads longer names: in "United National Bank" it is part of one.
        if self.taxonomy.companies[pattern.company].common_word
            && written.contains(' ')
            && is_inside_longer_name(&self.lexicon, text, span.clone())
        {
            return false;
        }
        // "the ICC" is a commission; companies known by initials go without "the".
        if is_acronym(matched) && matched.len() <= 4 && text[..span.start].ends_with("the ") {
            return false;
        }
        if !written.contains(' ')
            && pattern.kind == NameKind::Name
            && is_followed_by_person_role(&self.lexicon, &text[span.end..])
        {
            return false;
        }
        // "Fernando Santos", "Alex Ferguson": a one-word name after a first name is a
        // surname.
        written.contains(' ')
            || pattern.kind != NameKind::Name
            || !follows_name_word(&self.lexicon, text, span)
    }

    fn topics(&self, text: &str, lowered: &str, companies: &[CompanyMention]) -> Vec<TopicMatch> {
        let mut hits: Vec<Vec<&str>> = vec![Vec::new(); self.taxonomy.topics.len()];
        let mut scores = vec![0usize; self.taxonomy.topics.len()];
        for m in self.topic_matcher.find_iter(lowered) {
            let span = m.range();
            let matched = &text[span.clone()];
            if !starts_on_boundary(text, span.start, matched) {
                continue;
            }
            for pattern in &self.topic_patterns[m.pattern().as_usize()] {
                let end = if pattern.prefix {
                    word_end(text, span.end)
                } else {
                    span.end
                };
                if !ends_on_boundary(text, end, matched) {
                    continue;
                }
                scores[pattern.topic] += pattern.weight;
                let word = &text[span.start..end];
                if !hits[pattern.topic].contains(&word) {
                    hits[pattern.topic].push(word);
                }
            }
        }
        for mention in companies {
            if let Company::Known(id) = mention.company {
                for &topic in &self.industry_topics[id] {
                    scores[topic] += INDUSTRY_WEIGHT;
                    hits[topic].push(&mention.evidence);
                }
            }
        }
        let best = scores.iter().copied().max().unwrap_or(0);
        let needed = topic_score_needed(text);
        let mut found: Vec<TopicMatch> = hits
            .into_iter()
            .enumerate()
            .filter(|(topic, _)| best > 0 && is_main_topic(scores[*topic], needed, best))
            .map(|(topic, evidence)| TopicMatch {
                topic,
                evidence: evidence.into_iter().map(str::to_string).collect(),
                learned: None,
            })
            .collect();
        // The term lists miss a passage about a topic in other words; the model reads
        // them all.
        for learned in self.topic_model.topics(text) {
            if !found.iter().any(|t| t.topic == learned.topic) {
                found.push(TopicMatch {
                    topic: learned.topic,
                    evidence: learned.words,
                    // In 0..=100, so the cast cannot truncate.
                    learned: Some((learned.probability * 100.0).round() as u8),
                });
            }
        }
        found.sort_by_key(|t| t.topic);
        found
    }
}

/// The score a topic needs in a passage of this length: one term or two weak ones in a
/// short paragraph, more in a long one, so that one passing word is not enough.
fn topic_score_needed(text: &str) -> usize {
    match text.split_ascii_whitespace().count() {
        0..=40 => 2,
        41..=120 => 3,
        _ => 4,
    }
}

/// A passage is about a topic when the topic scores enough and at least a third of the
/// passage's main topic (the annotation guidelines' "roughly a third of its content"): a
/// paragraph about results that mentions a rival once is not about competition.
fn is_main_topic(score: usize, needed: usize, best: usize) -> bool {
    score >= needed && score * 3 >= best
}

fn push_mention(
    found: &mut Vec<(usize, CompanyMention)>,
    company: Company,
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
            // The evidence is read from capitals and cues of English; a name in Chinese or
            // Japanese is listed only in forms that are no ordinary word ("苹果公司").
            let needs_evidence = entry.common_word
                && kind == NameKind::Name
                && !text.contains(char::is_whitespace)
                && !text.chars().any(is_spaceless_script);
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

/// A matcher of the lower-cased topic terms, run over ASCII-lower-cased text (same byte
/// offsets).
fn build_matcher(patterns: &[String]) -> Result<AhoCorasick> {
    let lowered: Vec<String> = patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
    // A DFA searches fastest and, for a few thousand terms, builds in milliseconds.
    AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::LeftmostLongest)
        .build(&lowered)
        .context("cannot build the topic matcher from the taxonomy")
}

/// The company already found whose name, as written, starts or ends with this one word:
/// "Hardie's shareholders" after "James Hardie", "Champlin's operations" after "Champlin
/// Petroleum Co".
fn short_form_of(name: &str, found: &[(usize, CompanyMention)]) -> Option<Company> {
    if name.contains(' ') {
        return None;
    }
    found.iter().find_map(|(_, m)| {
        let mut words = m.evidence.split_whitespace();
        let first = words.next()?;
        let last = words.next_back()?;
        (first == name || last == name).then(|| m.company.clone())
    })
}

/// ", director of the IMRG", ", the firm's chairman": the name before is a person.
fn is_followed_by_person_role(lexicon: &Lexicon, after: &str) -> bool {
    let Some(rest) = after.strip_prefix(", ") else {
        return false;
    };
    let mut words = rest.split_whitespace();
    let mut word = words.next().unwrap_or("");
    if lexicon.role_determiners.contains(word) || ends_possessive(word) {
        word = words.next().unwrap_or("");
    }
    lexicon.person_roles.contains(word)
}

/// "Small firms such as Blinkx, Copernic, Enfish X1 Technologies and X-Friend": in a list of three or more capitalised names of which at least two and at
/// least half are companies already found, the other names are companies too. Returns
/// their offsets and names.
fn list_neighbours(
    lexicon: &Lexicon,
    legal_suffixes: &[String],
    text: &str,
    found: &[(usize, CompanyMention)],
) -> Vec<(usize, String)> {
    let mut neighbours = Vec::new();
    // Most paragraphs name fewer than two companies: no list to look for.
    if found.len() < 2 {
        return neighbours;
    }
    for list in name_lists(text) {
        let is_found = |item: &Range<usize>| {
            found
                .iter()
                .any(|(start, m)| *start <= item.start && item.end <= start + m.evidence.len())
        };
        let known = list.iter().filter(|item| is_found(item)).count();
        if list.len() >= 3 && known >= 2 && known * 2 >= list.len() {
            // "Recently, Norwich Union and Axa Sun Life": a sentence's first word is no name.
            let opens_sentence = |item: &Range<usize>| {
                let before = text[..item.start].trim_end();
                before.is_empty() || before.ends_with(['.', '!', '?', ':', '"', '\u{201C}'])
            };
            let is_calendar =
                |item: &Range<usize>| lexicon.calendar_words.contains(&text[item.clone()]);
            // "Sutro and Co Inc, Zehntel": the legal forms of a firm's name are no name.
            let is_legal_form = |item: &Range<usize>| {
                text[item.clone()]
                    .split_whitespace()
                    .all(|word| legal_suffixes.iter().any(|s| s == word))
            };
            neighbours.extend(
                list.iter()
                    .filter(|item| {
                        !is_found(item)
                            && !opens_sentence(item)
                            && !is_calendar(item)
                            && !is_legal_form(item)
                    })
                    .map(|item| (item.start, text[item.clone()].to_string())),
            );
        }
    }
    neighbours
}

/// Runs of capitalised names (one to three words) joined by ", ", " and " or ", and ",
/// as byte ranges of the names.
fn name_lists(text: &str) -> Vec<Vec<Range<usize>>> {
    const MAX_WORDS: usize = 3;
    let mut lists = Vec::new();
    let mut list: Vec<Range<usize>> = Vec::new();
    let mut item: Option<(Range<usize>, usize)> = None;
    let mut words = text.split(' ').scan(0, |offset, word| {
        let start = *offset;
        *offset += word.len() + 1;
        Some((start, word))
    });
    let close = |list: &mut Vec<Range<usize>>, lists: &mut Vec<Vec<Range<usize>>>| {
        if list.len() >= 3 {
            lists.push(std::mem::take(list));
        }
        list.clear();
    };
    for (start, word) in words.by_ref() {
        let bare = word.trim_end_matches([',', '.', ';', ':', ')', '"']);
        let capitalised = bare.chars().next().is_some_and(char::is_uppercase)
            && bare
                .chars()
                .all(|c| c.is_alphanumeric() || "&-.".contains(c));
        if capitalised && item.as_ref().is_none_or(|(_, n)| *n < MAX_WORDS) {
            let end = start + bare.len();
            item = Some(match item {
                Some((range, n)) => (range.start..end, n + 1),
                None => (start..end, 1),
            });
            if word.ends_with(',') {
                // A comma ends the name and keeps the list going.
                list.extend(item.take().map(|(range, _)| range));
            } else if bare.len() < word.len() {
                // Other punctuation ends the name and the list.
                list.extend(item.take().map(|(range, _)| range));
                close(&mut list, &mut lists);
            }
            continue;
        }
        if let Some((range, _)) = item.take() {
            list.push(range);
            if word != "and" {
                close(&mut list, &mut lists);
            }
        } else if word != "and" {
            close(&mut list, &mut lists);
        }
    }
    list.extend(item.map(|(range, _)| range));
    close(&mut list, &mut lists);
    lists
}

/// Where the names a document introduced occur in a text, case-sensitively, leftmost
/// first, the longest where several start at one place, never overlapping. A document
/// introduces a few names at most, so each is looked for directly: an automaton built per
/// document cost more to build than it saved.
fn find_introduced<'n>(text: &str, names: &'n [String]) -> Vec<(Range<usize>, &'n String)> {
    let mut occurrences: Vec<(Range<usize>, &String)> = Vec::new();
    for name in names.iter().filter(|name| !name.is_empty()) {
        let mut from = 0;
        while let Some(offset) = text[from..].find(name.as_str()) {
            let start = from + offset;
            occurrences.push((start..start + name.len(), name));
            // Overlapping occurrences too, as an automaton would see them.
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    occurrences.sort_by_key(|(span, _)| (span.start, std::cmp::Reverse(span.end)));
    let mut taken_until = 0;
    occurrences.retain(|(span, _)| {
        let free = span.start >= taken_until;
        if free {
            taken_until = span.end;
        }
        free
    });
    occurrences
}

/// "told Reuters", "according to the Financial Times", "Bloomberg reported": a news
/// organisation cited as the source of a story rather than written about as a business.
fn is_cited_as_source(lexicon: &Lexicon, text: &str, span: Range<usize>) -> bool {
    let before = text[..span.start].trim_end().to_lowercase();
    let before = before
        .strip_suffix("the")
        .map_or(before.as_str(), str::trim_end);
    let after = text[span.end..].trim_start().to_lowercase();
    // "... until May, Reuters says.": the reporting clause closing a sentence.
    let reporting_clause = before.ends_with(',')
        && lexicon.source_closing_verbs.iter().any(|verb| {
            after
                .strip_prefix(verb)
                .is_some_and(|rest| rest.starts_with(['.', ',']))
        });
    reporting_clause
        || lexicon
            .source_cues_before
            .iter()
            .any(|cue| before.ends_with(cue))
        || lexicon
            .source_cues_after
            .iter()
            .any(|cue| after.starts_with(cue))
}

/// "Dow Jones industrial average", "Standard and Poor's 500 index": the text after a name
/// (a figure may come first) makes it an index's. "Jupiter Research's index" is the
/// company's own.
fn names_an_index(lexicon: &Lexicon, after: &str) -> bool {
    let possessive = starts_possessive(after);
    let after = if possessive {
        &after[after.find('s').map_or(0, |s| s + 1)..]
    } else {
        after
    };
    let mut words = after
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty());
    let mut word = words.next().unwrap_or("");
    let figure = word.chars().all(|c| c.is_ascii_digit());
    if figure {
        word = words.next().unwrap_or("");
    }
    after.starts_with([' ', '-'])
        && (figure || !possessive)
        && lexicon.index_words.contains(&word.to_lowercase())
}

fn is_all_caps(text: &str) -> bool {
    text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase)
}

/// Each word the taxonomy capitalises is capitalised in the text too ("Ebay" in a list
/// matches "eBay"; "apple" never matches "Apple").
fn capitalised_like(matched: &str, written: &str) -> bool {
    matched
        .split_whitespace()
        .zip(written.split_whitespace())
        .all(|(m, w)| !starts_uppercase(w) || m.chars().any(char::is_uppercase))
}

/// The character at byte `pos` (a character boundary) and its length; None at the end.
/// The tagger's scans read every byte of the text, so ASCII takes no UTF-8 decoding.
fn char_at(text: &str, pos: usize) -> Option<(char, usize)> {
    let byte = *text.as_bytes().get(pos)?;
    if byte.is_ascii() {
        return Some((char::from(byte), 1));
    }
    text[pos..].chars().next().map(|c| (c, c.len_utf8()))
}

/// Word characters for boundary checks; '_' and digits glue words as letters do.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Scripts written without spaces (Chinese, Japanese) have no word boundaries to check;
/// a name in Chinese characters is checked against the dictionary's word breaks instead
/// ("京东" is no name inside "北京东路").
fn is_spaceless_script(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x9FFF | 0xF900..=0xFAFF)
}

fn starts_on_boundary(text: &str, start: usize, pattern: &str) -> bool {
    let first = pattern.chars().next();
    if first.is_some_and(|c| script_of(c) == Script::Han) {
        return is_chinese_word_break(text, start);
    }
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
    if last.is_some_and(|c| script_of(c) == Script::Han) {
        return is_chinese_word_break(text, end);
    }
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
fn is_inside_longer_name(lexicon: &Lexicon, text: &str, span: Range<usize>) -> bool {
    let next_word = text[span.end..]
        .strip_prefix(' ')
        .and_then(|rest| rest.split(|c: char| !is_word_char(c)).next());
    let continues_name = |w: &str| starts_uppercase(w) && !is_acronym(w) && !is_cue(lexicon, w);
    if next_word.is_some_and(continues_name) {
        return true;
    }
    let previous_word = text[..span.start]
        .strip_suffix(' ')
        .and_then(|rest| rest.rsplit(|c: char| !is_word_char(c)).next());
    previous_word
        .is_some_and(|w| starts_uppercase(w) && !lexicon.function_words.contains(&w.to_lowercase()))
}

/// Whether the text after a name starts with an institution's head word, glued by one
/// space: "... American Life Project", "Ford Foundation".
fn is_followed_by_institution_word(lexicon: &Lexicon, after: &str) -> bool {
    after
        .strip_prefix(' ')
        .and_then(|rest| rest.split(|c: char| !is_word_char(c)).next())
        .is_some_and(|word| lexicon.institution_words.contains(word))
}

/// A name that is also an ordinary word used as a place: "Gibraltar-based", "in Albany"
/// (but "a stake in Diageo", "in Diageo's plants"; "at" and "from" go with companies as
/// often: "rights from Paramount").
fn is_place_use(lexicon: &Lexicon, text: &str, span: Range<usize>) -> bool {
    let after = &text[span.end..];
    if after.starts_with("-based") {
        return true;
    }
    if starts_possessive(after) {
        return false;
    }
    let Some(before) = text[..span.start].strip_suffix(' ') else {
        return false;
    };
    let mut words = before.rsplit(|c: char| !is_word_char(c));
    let preposition = words.next().unwrap_or("");
    let holder = words.find(|w| !w.is_empty());
    lexicon.place_prepositions.contains(preposition)
        && !holder.is_some_and(|w| lexicon.holding_words.contains(&w.to_lowercase()))
}

/// The word before `span` is a capitalised word inside a sentence, so the two make one
/// longer proper name.
fn follows_name_word(lexicon: &Lexicon, text: &str, span: Range<usize>) -> bool {
    let Some(before) = text[..span.start].strip_suffix(' ') else {
        return false;
    };
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    lexicon.personal_titles.contains(word)
        || starts_uppercase(word)
            && !is_acronym(word)
            && !lexicon.function_words.contains(&word.to_lowercase())
            && !is_sentence_start(text, word_start)
}

/// Evidence next to a common-word name: a possessive, a company cue word after it, or a
/// position inside a sentence (capitalised mid-sentence, so a proper noun).
fn has_local_evidence(lexicon: &Lexicon, text: &str, span: Range<usize>) -> bool {
    let after = &text[span.end..];
    if starts_possessive(after) {
        return true;
    }
    let next_word = after
        .trim_start()
        .split(|c: char| !is_word_char(c))
        .next()
        .unwrap_or("");
    if is_cue(lexicon, next_word) {
        return true;
    }
    !is_sentence_start(text, span.start)
}

/// "'s" or "’s" opens `text`: the possessive of the name before.
fn starts_possessive(text: &str) -> bool {
    text.starts_with("'s") || text.starts_with("\u{2019}s")
}

/// A word in the possessive: "world's", "Japan’s".
fn ends_possessive(word: &str) -> bool {
    word.ends_with("'s") || word.ends_with("\u{2019}s")
}

fn is_cue(lexicon: &Lexicon, word: &str) -> bool {
    lexicon.company_cues.contains(&word.to_lowercase())
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
        tagger().company_names(text)
    }

    /// Each company's path from its top-level parent, as `dossier companies` rolls it up.
    fn paths(text: &str) -> Vec<Vec<String>> {
        let tagger = tagger();
        tagger
            .tag(text)
            .companies
            .iter()
            .map(|m| {
                m.path(tagger.taxonomy())
                    .into_iter()
                    .map(String::from)
                    .collect()
            })
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
    fn a_common_word_name_used_as_a_place_is_not_a_company() {
        assert_eq!(
            companies("Menatep, the Gibraltar-based holding company, sued."),
            ["Menatep Group"]
        );
        assert!(companies("He studied at the State University of New York in Albany.").is_empty());
        assert_eq!(
            companies("The bank bought a stake in Diageo last year."),
            ["Diageo"]
        );
        assert_eq!(
            companies("Investors hold shares in Albany, the felt maker."),
            ["Albany"]
        );
        assert_eq!(companies("Jobs will go in Diageo's plants."), ["Diageo"]);
    }

    #[test]
    fn a_one_word_gazetteer_name_tags_the_company() {
        assert_eq!(
            companies("Diageo, the world's biggest spirits company, has agreed to buy a winery."),
            ["Diageo"]
        );
        assert_eq!(
            companies(
                "Heineken and Carlsberg, two of the largest brewers, reported falling profits."
            ),
            ["Heineken", "Carlsberg"]
        );
    }

    #[test]
    fn a_name_inside_another_exchange_ticker_is_not_matched() {
        assert_eq!(
            companies("Daihatsu is owned 15.1 pct by Toyota Motor Corp <TOYO.T>."),
            ["Daihatsu Motor", "Toyota"]
        );
    }

    #[test]
    fn wire_notes_are_about_results_and_offloading_is_a_disposal() {
        let note = "Note: Results include operations of BMD of New England Inc.";
        assert!(topics(note).contains(&"earnings and revenue".to_string()));
        let disposal = "The group said off-loading its advisers unit would boost its value.";
        assert_eq!(topics(disposal), ["mergers and acquisitions"]);
    }

    #[test]
    fn two_marked_names_joined_by_and_are_two_when_one_is_known() {
        assert_eq!(
            companies("A venture of Exxon Mobil and Dominion Textile Inc was formed."),
            ["ExxonMobil", "Dominion Textile"]
        );
        assert_eq!(
            companies("LTV Missiles and Electronics Group said it won an order."),
            ["LTV Missiles and Electronics Group"]
        );
    }

    #[test]
    fn short_capitals_and_numbers_name_no_company_alone() {
        // BILL Holdings, NOV Inc, 111 Inc, CTS Corp: listed, but bare they are a first
        // name, a month, a figure and cents.
        assert!(companies("Bill Smith sold 111 shares in Nov for 12 cts.").is_empty());
        assert!(companies("SHR 12 CTS VS 10 CTS").is_empty());
        assert_eq!(
            companies("Analysts said <CTS> would report."),
            ["CTS Corporation"]
        );
    }

    #[test]
    fn institutions_and_indexes_are_not_companies() {
        assert!(companies("The Bank of Japan and the OECD cut their forecasts.").is_empty());
        assert!(companies("The Swiss\n    National Bank's rate rose.").is_empty());
        assert!(companies("Shares of the United National Bank rose.").is_empty());
        assert!(companies("The Dow Jones industrial average fell 12 points.").is_empty());
        assert!(companies("Standard and Poor's 500 index futures rose.").is_empty());
        assert_eq!(
            companies("Jupiter Research's index is calculated monthly."),
            ["Jupiter Research"]
        );
    }

    #[test]
    fn names_written_another_way_and_units_are_the_known_company() {
        assert_eq!(
            companies("Standard and Poor's Corp downgraded the bonds."),
            ["Standard & Poor's"]
        );
        assert_eq!(companies("Shares of ATT Inc rose."), ["AT&T"]);
        assert_eq!(
            paths("Merrill Lynch Capital Markets Inc led the issue."),
            [["Merrill Lynch", "Merrill Lynch Capital Markets"]]
        );
        assert_eq!(
            paths("Chrysler Canada Ltd and Shell U.K. Ltd said."),
            [["Chrysler", "Chrysler Canada"], ["Shell", "Shell U.K"]]
        );
        // "Shell" is an ordinary word: only words of a trade or places make a unit of it.
        assert_eq!(
            paths("Shell Beach Ltd said it was sold."),
            [["Shell Beach"]]
        );
    }

    #[test]
    fn a_document_names_a_company_by_a_distinctive_word_after_naming_it_in_full() {
        let tagged = tag_document(&[
            "Merrill Lynch and Salomon Brothers underwrote the deal.",
            "Merrill said demand was strong; Salomon declined to comment.",
            "A Merrill spokesman and Mr Salomon said nothing.",
        ]);
        assert_eq!(tagged[1], ["Merrill Lynch", "Salomon Brothers"]);
        // "Mr Salomon" is a person.
        assert_eq!(tagged[2], ["Merrill Lynch"]);
        // "Sachs" is in other companies' names too ("Fichtel und Sachs"): not alone.
        let tagged = tag_document(&["Goldman Sachs rose.", "Sachs said it would sell."]);
        assert!(tagged[1].is_empty());
        // The story is about the Swiss central bank: "the National Bank" is it.
        let tagged = tag_document(&[
            "The Swiss National Bank sold yen.",
            "A National Bank spokesman declined to comment.",
        ]);
        assert!(tagged.iter().all(Vec::is_empty), "{tagged:?}");
        assert_eq!(
            companies("Advisers were Goldman, Sachs and Co and others."),
            ["Goldman Sachs"]
        );
    }

    #[test]
    fn a_place_owning_a_marked_name_is_not_part_of_it() {
        let found = companies("It recalled a bid for Australia's Woodside Petroleum Ltd in 2001.");
        assert!(
            found.contains(&"Woodside Petroleum".to_string()),
            "{found:?}"
        );
        assert!(
            !found.iter().any(|c| c.starts_with("Australia")),
            "{found:?}"
        );
    }

    #[test]
    fn a_curated_alias_with_the_names_a_company_known_by_initials() {
        assert_eq!(
            companies("Euronext may bid for the LSE, rivals said."),
            ["Euronext", "London Stock Exchange"]
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
        // The lists give UPC to another company; here it is the ticker of the name before it.
        assert_eq!(
            companies("Net includes gains from sale of Zorvex Inc <UPC> stock."),
            ["Zorvex"]
        );
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
    fn chinese_names_match_at_the_dictionarys_word_breaks_only() {
        assert_eq!(companies("京东宣布开设新的物流中心"), ["JD.com"]);
        assert!(companies("书店在北京东路").is_empty());
        assert_eq!(
            companies("三星电子和苹果公司的新手机"),
            ["Samsung", "Apple"]
        );
        assert!(companies("今年的苹果产量增加了").is_empty());
        assert_eq!(
            companies("トヨタとソニーは任天堂と提携した"),
            ["Toyota", "Sony", "Nintendo"]
        );
    }

    #[test]
    fn one_passing_word_is_not_a_topic() {
        let text = "The company said on Tuesday that its chief executive would travel to \
                    Europe next month to meet customers, suppliers and officials, and that \
                    the trip had long been planned. It gave no further details about the \
                    visit or its schedule, and declined to comment on the oil price.";
        assert!(!topics(text).contains(&"energy and oil".to_string()));
    }

    #[test]
    fn one_term_makes_a_short_paragraph_about_its_topic() {
        assert_eq!(
            topics("The two companies have formed a joint venture to build the plant."),
            ["partnerships"]
        );
        // "staff" is used in passing more often than not.
        assert_eq!(
            topics("The firm said its profit had risen and it planned to hire more staff."),
            ["earnings and revenue"]
        );
    }

    #[test]
    fn a_term_of_two_topics_counts_for_both() {
        // "sales" belongs to earnings and to retail; with "shops" it makes retail.
        assert!(topics("Sales rose at its shops.").contains(&"retail and e-commerce".to_string()));
    }

    #[test]
    fn a_topic_far_below_the_main_one_is_dropped() {
        let text = "Pre-tax profits rose 20% to £45m on revenues of £300m, and the dividend \
                    was raised, the company said in its results, ahead of its competitors.";
        assert_eq!(topics(text), ["earnings and revenue"]);
    }

    #[test]
    fn a_topic_exception_hides_the_term_inside_it() {
        let policy = "Fiscal policy will tighten next year, the finance ministry said.";
        assert!(topics(policy).contains(&"regulation and policy".to_string()));
        let calendar = "MarCor said it expects a profit for its fiscal year ended February 28.";
        assert!(!topics(calendar).contains(&"regulation and policy".to_string()));
    }

    #[test]
    fn the_net_is_the_internet_not_net_income() {
        let text = "Over 54 million people are hooked up to the net via broadband, up from \
                    34 million in the same quarter a year ago.";
        assert_eq!(topics(text), ["telecommunications"]);
    }

    #[test]
    fn companies_lean_a_passage_to_the_topics_of_their_business() {
        // Two telephone companies make the roaming tariffs a telecommunications story,
        // not one about devices or trade.
        let roaming = "The Commission's investigation into Vodafone and Deutsche Telekom's \
                       T-Mobile centres on the tariffs the two companies charge foreign mobile \
                       operators to access their networks when subscribers of those foreign \
                       operators use their mobile phones in Germany.";
        assert_eq!(topics(roaming), ["telecommunications"]);
        // Carmakers' sales are an automotive story even when fuel prices are mentioned.
        let carmakers = "GM and Ford blamed high fuel prices for low sales of big trucks and \
                         gas-guzzling sports utility vehicles (SUVs) - the vehicles that \
                         provide the biggest profits.";
        assert!(topics(carmakers).contains(&"automotive".to_string()));
        assert!(!topics(carmakers).contains(&"energy and oil".to_string()));
    }

    #[test]
    fn regulatory_approval_of_a_deal_is_not_regulation() {
        let deal = "The acquisition is subject to regulatory approval.";
        assert_eq!(topics(deal), ["mergers and acquisitions"]);
        let rules = "The regulator said it would tighten the rules on mortgage lending.";
        assert!(topics(rules).contains(&"regulation and policy".to_string()));
    }

    #[test]
    fn a_news_agency_or_newspaper_cited_as_source_is_not_media() {
        let cited = "The official news agency Xinhua said exports rose 10% in March.";
        assert_eq!(topics(cited), ["trade"]);
        let business = "The broadcaster's television audience grew as viewers switched channels.";
        assert!(topics(business).contains(&"media and entertainment".to_string()));
    }

    #[test]
    fn a_company_alone_does_not_make_a_topic() {
        assert_eq!(
            topics("Vodafone appoints new Japan boss"),
            Vec::<String>::new()
        );
    }

    fn tag_document(paragraphs: &[&str]) -> Vec<Vec<String>> {
        let tagger = tagger();
        tagger
            .tag_document(paragraphs)
            .iter()
            .map(|tags| {
                tags.companies
                    .iter()
                    .map(|m| m.name(tagger.taxonomy()).to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn companies_no_list_knows_are_discovered_by_legal_form_or_ticker() {
        // Names no list or corpus holds, in a real Reuters sentence.
        let text = "FORT LAUDERDALE, Fla., March 4 - <Brackwater Enterprises Inc>, a publicly \
                    held shell corporation, said it agreed to acquire Quovira International Ltd.";
        assert_eq!(
            companies(text),
            ["Brackwater Enterprises", "Quovira International"]
        );
        let tagger = tagger();
        let tags = tagger.tag(text);
        assert!(tags.companies.iter().all(CompanyMention::is_discovered));
        assert_eq!(
            companies("Zorblat Mining <ZRB> said output rose."),
            ["Zorblat Mining"]
        );
    }

    #[test]
    fn a_known_name_before_a_designator_is_the_known_company() {
        assert_eq!(
            companies("said Tom Smith, spokesman for T. Rowe Price Associates, a fund manager."),
            ["T. Rowe Price"]
        );
        assert_eq!(
            companies("Brokers at Nomura Securities and Quellmark Securities said"),
            ["Nomura", "Quellmark Securities"]
        );
    }

    #[test]
    fn a_document_that_introduced_a_company_may_name_it_bare() {
        let paragraphs = [
            "ATLANTA, March 26 - Quellmark Systems Corp said it agreed to buy a plant.",
            "Quellmark Systems said the plant makes valves.",
            "Systems of that kind are common.",
        ];
        assert_eq!(
            tag_document(&paragraphs),
            [
                vec!["Quellmark Systems".to_string()],
                vec!["Quellmark Systems".to_string()],
                Vec::<String>::new()
            ]
        );
        assert!(companies("Quellmark Systems said the plant makes valves.").is_empty());
    }

    #[test]
    fn a_known_name_inside_a_longer_marked_name_is_not_that_company() {
        assert_eq!(
            companies("Precision Target Marketing Inc said sales rose."),
            ["Precision Target Marketing"]
        );
        assert_eq!(
            companies("General Motors of Canada Ltd, wholly owned by General Motors Corp, said"),
            ["General Motors of Canada", "General Motors"]
        );
    }

    #[test]
    fn known_names_with_their_legal_form_stay_known() {
        assert_eq!(companies("said that News Corp is expanding"), ["News Corp"]);
        assert_eq!(companies("Contel Corp said"), ["Contel"]);
    }

    #[test]
    fn news_organisations_cited_as_sources_are_not_mentions() {
        assert!(companies("the minister told Reuters on Monday.").is_empty());
        assert!(companies("an overhaul, the Financial Times has reported.").is_empty());
        assert!(companies("according to the Financial Times, sales fell.").is_empty());
        assert_eq!(
            companies("Reuters said its revenue rose 5% in 2004."),
            ["Reuters"]
        );
    }

    #[test]
    fn surnames_and_commissions_are_not_companies() {
        assert!(companies("said Colin Powell, the secretary of state.").is_empty());
        assert!(companies("If the ICC ultimately decides not to reopen the case").is_empty());
        // A title makes a person even at the start of a sentence.
        assert!(companies("Mr Dell added that sales were strong.").is_empty());
        assert_eq!(companies("Dell added that sales were strong."), ["Dell"]);
    }

    #[test]
    fn company_nouns_introduce_unknown_names() {
        assert_eq!(
            companies(
                "The former head of US medical services firm HealthSouth overstated earnings."
            ),
            ["HealthSouth"]
        );
    }

    /// One tagger for all generated cases: building it is the slow part.
    fn shared_tagger() -> &'static Tagger {
        static TAGGER: std::sync::OnceLock<Tagger> = std::sync::OnceLock::new();
        TAGGER.get_or_init(tagger)
    }

    proptest::proptest! {
        #[test]
        fn tags_come_from_the_taxonomy_or_the_text(
            text in "((Apple|Alibaba|Qwen|Shell|Inc|Corp|plc|Holdings|<[A-Z]{2,4}>|shares|profit|\
                      oil|the|of|and|its|unit|subsidiary|Paris-based|survey by|the oil firm|\
                      brewers|makers of|director|[A-Z][a-z]{1,8}|[A-Z]{2,5}|\\PC{1,6})\
                      [ ,.'’\\n-]{1,2}){0,40}"
        ) {
            let tagger = shared_tagger();
            let taxonomy = tagger.taxonomy();
            let tags = tagger.tag(&text);
            for mention in &tags.companies {
                proptest::prop_assert!(text.contains(&mention.evidence), "{:?}", mention);
                match &mention.company {
                    Company::Known(id) => proptest::prop_assert!(*id < taxonomy.companies.len()),
                    Company::Discovered(name) | Company::Unit { name, .. } => {
                        for word in name.split_whitespace() {
                            proptest::prop_assert!(text.contains(word), "{:?}", mention);
                        }
                    }
                }
            }
            for topic in &tags.topics {
                proptest::prop_assert!(topic.topic < taxonomy.topics.len());
                let lower = text.to_lowercase();
                for term in &topic.evidence {
                    proptest::prop_assert!(lower.contains(&term.to_lowercase()), "{:?}", topic);
                }
            }
        }
    }

    #[test]
    fn a_news_agency_closing_a_sentence_as_its_source_is_not_tagged() {
        let cited = companies("Investors will have no chance to act until May, Reuters says.");
        assert!(!cited.contains(&"Reuters".to_string()), "{cited:?}");
        let subject = companies("Reuters said it would cut 500 jobs, and its shares rose.");
        assert!(subject.contains(&"Reuters".to_string()), "{subject:?}");
    }

    #[test]
    fn a_place_is_not_a_company_however_it_is_marked() {
        assert!(companies("Output at Japan Co rose, it said.").is_empty());
        assert_eq!(
            companies("Sales in Germany, France, Italy and Britain rose, BP and Shell said."),
            ["BP", "Shell"]
        );
        // A user taxonomy without places keeps every marked name.
        let bare = Tagger::new(
            Taxonomy::from_toml("legal_suffixes = [\"Co\"]\n[[company]]\nname = \"BP\"\n").unwrap(),
        )
        .unwrap();
        let tags = bare.tag("Output at Japan Co rose, it said.");
        assert_eq!(tags.companies.len(), 1);
    }

    #[test]
    fn legal_forms_in_a_list_are_no_company() {
        let found = companies("The offering will be managed by Sutro and Co Inc, Zehntel said.");
        assert!(
            found.iter().all(|c| c != "Co Inc" && c != "Co"),
            "{found:?}"
        );
    }

    #[test]
    fn names_listed_with_companies_are_companies() {
        let listed = companies(
            "Rivals include Microsoft, Copernic, Google and Blinkx, which offer desktop search.",
        );
        assert!(listed.contains(&"Copernic".to_string()), "{listed:?}");
        assert!(listed.contains(&"Blinkx".to_string()), "{listed:?}");
        // Not when the list is mostly other things, nor for a sentence's first word or a
        // month.
        let places = companies("Exports to Germany, France, Italy and Britain rose, BP said.");
        assert_eq!(places, ["BP"]);
        let opening = companies("Recently, Norwich Union and Aviva both cut their rates.");
        assert!(!opening.contains(&"Recently".to_string()), "{opening:?}");
        let month = companies("Sales at Tesco, Asda and Sainsbury fell in December, it said.");
        assert!(!month.contains(&"December".to_string()), "{month:?}");
    }
}
