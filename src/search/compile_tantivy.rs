//! The query tree compiled into tantivy queries: words ranked by BM25F with a proximity
//! bonus, phrases, prefixes and fuzzy words, company names, and the filters.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use anyhow::{Context, Result};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::Field;
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::bm25f::{CombinedTermQuery, WeightedField};
use super::facets::for_each_tag;
use super::forward::forward;
use super::stop_words::is_query_stop_word;
use super::{Refusal, analyzed_words, refuse};
use crate::index::{CompanyTags, Fields, HanReading, OpenIndex, fold, query_analyzer};
use crate::query::{Expr, FilterField, Item, Mark, Query as ParsedQuery};
use crate::read::DateRange;
use crate::script::han_without_kana;
use crate::taxonomy::{Taxonomy, quote_list};

/// The tag of a topic the index holds, named in any case, read from the index's list of
/// topic tags so that a topic filter needs no taxonomy load.
fn indexed_topic(searcher: &Searcher, field: Field, name: &str) -> Result<Option<Facet>> {
    let wanted = name.trim().to_lowercase();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let facet = Facet::from_encoded(terms.key().to_vec()).context(
                "the index holds a damaged tag; rebuild it with `dossier index --rebuild`",
            )?;
            if let [topic] = facet.to_path().as_slice()
                && topic.to_lowercase() == wanted
            {
                return Ok(Some(facet));
            }
        }
    }
    Ok(None)
}

/// The tag of a company named in a filter: through the names saved with the index (no
/// taxonomy load), then the companies the index discovered, then the taxonomy.
fn company_filter(open: &OpenIndex, name: &str) -> Result<Facet> {
    let saved = open
        .company_tags()?
        .get(open.company_names()?, name.trim())
        .and_then(|(first, _)| Facet::from_text(first).ok());
    if let Some(facet) = saved {
        return Ok(facet);
    }
    match discovered_facet(open, name)? {
        Some(facet) => Ok(facet),
        None => company_facet(open.taxonomy()?, name),
    }
}

/// A query word or phrase that names a company by another name ("Qwen", "阿里巴巴") also
/// matches the paragraphs tagged with it, at this share of a literal match's weight.
pub(super) const ALIAS_WEIGHT: f32 = 0.5;
/// Longest company name looked for in a query, in words.
const MAX_NAME_WORDS: usize = 4;
/// Most words a prefix (`comput*`) or a fuzzy word (`alibabba~1`) stands for; the most
/// frequent are kept.
pub(super) const MAX_EXPANSIONS: usize = 64;
/// What one occurrence of a word in the title or a heading counts for, against one in the
/// text (BM25F). A title says what the whole document is about: on Cranfield and SciFact
/// train, 2 is better than 1 on both (nDCG@10 +0.005 and +0.007) and 3 or 4 no better.
/// Headings are titles of their part and weigh the same. A whole number: the cluster
/// repeats the title and heading this many times (`opensearch::document`).
pub(crate) const TITLE_WEIGHT: f32 = 2.0;
/// Neighbouring words of a query found within this many positions of each other (a swap
/// costs 2) add a proximity score...
pub(super) const PROXIMITY_SLOP: u32 = 2;
/// ... at this share of a phrase's BM25 score: a tie-breaker among paragraphs holding the
/// same words, not a reason to rank a paragraph with fewer of them first.
pub(super) const PROXIMITY_WEIGHT: f32 = 0.1;

/// The tantivy queries of a parsed query.
pub(super) struct Compiled {
    /// What ranks the hits: the words, phrases and groups; `None` when the query has only
    /// filters and exclusions.
    text: Option<Box<dyn Query>>,
    /// Filters and exclusions every hit must satisfy; they do not change scores.
    constraints: Vec<(Occur, Box<dyn Query>)>,
    /// What snippets highlight: every word, phrase and expansion the query looks for, and
    /// every name of a company it names.
    pub(super) highlight: Vec<(Occur, Box<dyn Query>)>,
    /// The indexed forms of the words looked for, for relevance feedback.
    pub(super) words: Vec<String>,
}

impl Compiled {
    /// The whole query, with `text` (or every paragraph) as what ranks.
    pub(super) fn query_with(&self, text: Box<dyn Query>) -> Box<dyn Query> {
        let mut clauses = vec![(Occur::Must, text)];
        clauses.extend(self.constraints.iter().map(|(o, q)| (*o, q.box_clone())));
        Box::new(BooleanQuery::new(clauses))
    }

    pub(super) fn text_or_all(&self) -> Box<dyn Query> {
        self.text
            .as_ref()
            .map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |q| q.box_clone())
    }
}

/// Turns a parsed query into tantivy queries against one index.
pub(super) struct Compiler<'a> {
    open: &'a OpenIndex,
    searcher: &'a Searcher,
    analyzer: TextAnalyzer,
    /// The query's Chinese characters read as Japanese, in pairs of letters.
    japanese: TextAnalyzer,
    every_word: bool,
    highlight: Vec<(Occur, Box<dyn Query>)>,
    words: Vec<String>,
}

/// One compiled item of a sequence: how it takes part, its query, and whether it only
/// narrows the hits (a filter or an exclusion).
type Clause = (Occur, Box<dyn Query>, bool);

impl<'a> Compiler<'a> {
    pub(super) fn new(
        open: &'a OpenIndex,
        searcher: &'a Searcher,
        every_word: bool,
    ) -> Result<Self> {
        Ok(Compiler {
            open,
            searcher,
            analyzer: query_analyzer(HanReading::Detected),
            japanese: query_analyzer(HanReading::Japanese),
            every_word,
            highlight: Vec::new(),
            words: Vec::new(),
        })
    }

    pub(super) fn compile(mut self, query: &ParsedQuery) -> Result<Compiled> {
        let clauses = self.sequence(&query.items, true)?;
        let (constraints, text): (Vec<Clause>, Vec<Clause>) =
            clauses.into_iter().partition(|(_, _, narrows)| *narrows);
        if text.is_empty() && constraints.is_empty() {
            refuse!(
                "the query has only common words that are not indexed (like \"the\", \"of\"); \
                 add a more specific word"
            );
        }
        Ok(Compiled {
            text: boolean(text),
            constraints: constraints.into_iter().map(|(o, q, _)| (o, q)).collect(),
            highlight: self.highlight,
            words: self.words,
        })
    }

    /// The clauses of a sequence of items. Side-by-side plain words that name a company
    /// the index holds become one clause matching the name or the company's tag.
    fn sequence(&mut self, items: &[Item], positive: bool) -> Result<Vec<Clause>> {
        let default_occur = if self.every_word {
            Occur::Must
        } else {
            Occur::Should
        };
        let mut clauses = Vec::new();
        let mut at = 0;
        while at < items.len() {
            let (length, run) = plain_word_run(&items[at..]);
            if length > 0 {
                at += length;
                let names = company_names(self.open, &name_candidates(&run))?;
                let tag_of = |text: &str| {
                    names.and_then(|(names, by_name)| company_tag(names, by_name, text))
                };
                for (text, tag) in name_groups(&run, tag_of) {
                    let query = match tag {
                        Some(tag) if positive => self.company_text(&text, tag)?,
                        _ => self.text(&text, positive),
                    };
                    clauses.extend(query.map(|q| (default_occur, q, false)));
                }
                if positive {
                    clauses.extend(self.proximity(&run));
                }
                continue;
            }
            let item = &items[at];
            at += 1;
            let excluded = item.mark == Mark::Excluded;
            let occur = match item.mark {
                Mark::Excluded => Occur::MustNot,
                Mark::Required => Occur::Must,
                Mark::Default if item.expr.is_filter() => Occur::Must,
                Mark::Default => default_occur,
            };
            let query = self.expr(&item.expr, positive && !excluded)?;
            clauses.extend(query.map(|q| (occur, q, excluded || item.expr.is_filter())));
        }
        Ok(clauses)
    }

    fn expr(&mut self, expr: &Expr, positive: bool) -> Result<Option<Box<dyn Query>>> {
        Ok(match expr {
            Expr::Word(text) => self.text(text, positive),
            Expr::Phrase(text) => match company_names(self.open, std::slice::from_ref(text))?
                .and_then(|(names, by_name)| company_tag(names, by_name, text))
            {
                Some(tag) if positive => self.company_text(text, tag)?,
                _ => self.text(text, positive),
            },
            Expr::Prefix(prefix) => Some(self.expansion(&fold(prefix), None, positive)?),
            Expr::Fuzzy { word, distance } => {
                let tokens = analyzed_words(&mut self.analyzer, word);
                let word = match tokens.as_slice() {
                    [stem] => stem.clone(),
                    _ => fold(word),
                };
                Some(self.expansion(&word, Some(*distance), positive)?)
            }
            Expr::Filter { field, value } => {
                let filter = self.filter(*field, value)?;
                Some(Box::new(ConstScoreQuery::new(filter, 0.0)))
            }
            Expr::AnyOf(exprs) | Expr::AllOf(exprs) => {
                let occur = match expr {
                    Expr::AnyOf(_) => Occur::Should,
                    _ => Occur::Must,
                };
                let mut clauses = Vec::new();
                for expr in exprs {
                    clauses.extend(self.expr(expr, positive)?.map(|q| (occur, q, false)));
                }
                boolean(clauses)
            }
            Expr::Group(items) => boolean(self.sequence(items, positive)?),
        })
    }

    /// The words of `text` in the text, title or heading: one word alone, several as a
    /// phrase (with gaps where stop words were). `None` when no word is indexed.
    fn text(&mut self, text: &str, positive: bool) -> Option<Box<dyn Query>> {
        let fields = self.open.fields;
        let tokens = self.tokens(text);
        let query = self.words_in(text, &ranked_fields(fields))?;
        if positive {
            self.words.extend(tokens.into_iter().map(|(_, word)| word));
            self.highlight.push((Occur::Should, query.box_clone()));
        }
        Some(query)
    }

    /// The words of `text` in the fields (see `text_in`). Chinese characters without kana
    /// may be Japanese kanji, which Japanese paragraphs hold in pairs: such a text is
    /// looked for both ways.
    fn words_in(&mut self, text: &str, fields: &[WeightedField]) -> Option<Box<dyn Query>> {
        let tokens = self.tokens(text);
        let read_as_chinese = text_in(&tokens, fields);
        if !han_without_kana(text) {
            return read_as_chinese;
        }
        let pairs = positioned_words(&mut self.japanese, text);
        if pairs == tokens {
            return read_as_chinese;
        }
        match (read_as_chinese, text_in(&pairs, fields)) {
            (Some(chinese), Some(japanese)) => Some(forward(BooleanQuery::new(vec![
                (Occur::Should, chinese),
                (Occur::Should, japanese),
            ]))),
            (chinese, japanese) => chinese.or(japanese),
        }
    }

    /// Optional clauses that favour paragraphs where neighbouring words of the query stand
    /// close together: each pair as a phrase with slop.
    fn proximity(&mut self, run: &[&str]) -> Vec<Clause> {
        let tokens = self.tokens(&run.join(" "));
        let field = self.open.fields.text;
        tokens
            .windows(2)
            .filter(|pair| pair[0].1 != pair[1].1)
            .map(|pair| {
                let phrase = PhraseQuery::new_with_offset_and_slop(
                    vec![
                        (0, Term::from_field_text(field, &pair[0].1)),
                        (1, Term::from_field_text(field, &pair[1].1)),
                    ],
                    PROXIMITY_SLOP,
                );
                let query: Box<dyn Query> =
                    forward(BoostQuery::new(Box::new(phrase), PROXIMITY_WEIGHT));
                (Occur::Should, query, false)
            })
            .collect()
    }

    /// The indexed words of `text` with their positions (stop words leave gaps).
    fn tokens(&mut self, text: &str) -> Vec<(usize, String)> {
        positioned_words(&mut self.analyzer, text)
    }

    /// A company named in the query: its name as written, or its tag at `ALIAS_WEIGHT`;
    /// snippets highlight all its names.
    fn company_text(&mut self, text: &str, tag: &str) -> Result<Option<Box<dyn Query>>> {
        let facet = Facet::from_text(tag).with_context(|| {
            format!(
                "the company names saved with the index hold a bad tag {tag:?}; rebuild the index"
            )
        })?;
        let by_tag = BoostQuery::new(
            facet_query(self.open.fields.companies, &facet),
            ALIAS_WEIGHT,
        );
        let mut either: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(by_tag))];
        either.extend(self.text(text, true).map(|q| (Occur::Should, q)));
        let fields = [WeightedField {
            field: self.open.fields.text,
            weight: 1.0,
        }];
        let open = self.open;
        for name in open.company_names()?.get(tag).into_iter().flatten() {
            if let Some(query) = text_in(&self.tokens(name), &fields) {
                self.highlight.push((Occur::Should, query));
            }
        }
        Ok(Some(forward(BooleanQuery::new(either))))
    }

    /// The indexed words starting with `start`, or within `distance` edits of it, in the
    /// text, title or heading, each scored as a word of the query.
    fn expansion(
        &mut self,
        start: &str,
        distance: Option<u8>,
        positive: bool,
    ) -> Result<Box<dyn Query>> {
        let fields = self.open.fields;
        let searched = [fields.text, fields.title, fields.section];
        let mut frequency: HashMap<String, u64> = HashMap::new();
        let mut add = |key: &[u8], documents: u32| {
            if let Ok(word) = std::str::from_utf8(key) {
                *frequency.entry(word.to_string()).or_default() += u64::from(documents);
            }
        };
        for segment in self.searcher.segment_readers() {
            for field in searched {
                let index = segment.inverted_index(field)?;
                let terms = index.terms();
                match distance {
                    None => {
                        let mut stream = terms.range().ge(start.as_bytes()).into_stream()?;
                        while stream.advance() && stream.key().starts_with(start.as_bytes()) {
                            add(stream.key(), stream.value().doc_freq);
                        }
                    }
                    Some(distance) => {
                        let word = Term::from_field_text(field, start);
                        let automaton = FuzzyTermQuery::new(word, distance, true).automaton()?;
                        let mut stream = terms.search(automaton).into_stream()?;
                        while stream.advance() {
                            add(stream.key(), stream.value().doc_freq);
                        }
                    }
                }
            }
        }
        let mut words: Vec<(String, u64)> = frequency.into_iter().collect();
        words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        words.truncate(MAX_EXPANSIONS);
        if words.is_empty() {
            return Ok(Box::new(EmptyQuery));
        }
        let ranked = ranked_fields(fields);
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|(word, _)| {
                let query: Box<dyn Query> = Box::new(CombinedTermQuery::new(word, &ranked));
                (Occur::Should, query)
            })
            .collect();
        let query: Box<dyn Query> = forward(BooleanQuery::new(clauses));
        if positive {
            self.highlight.push((Occur::Should, query.box_clone()));
        }
        Ok(query)
    }

    /// What a field filter (`company:Apple`, `path:reuters/*`) matches.
    fn filter(&mut self, field: FilterField, value: &str) -> Result<Box<dyn Query>> {
        let fields = self.open.fields;
        Ok(match field {
            FilterField::Company => {
                facet_query(fields.companies, &company_filter(self.open, value)?)
            }
            FilterField::Topic => {
                let facet = match indexed_topic(self.searcher, fields.topics, value)? {
                    Some(facet) => facet,
                    None => topic_facet(self.open.taxonomy()?, value)?,
                };
                facet_query(fields.topics, &facet)
            }
            FilterField::Path => Box::new(
                RegexQuery::from_pattern(&path_pattern(value), fields.path).map_err(|err| {
                    Refusal::Invalid(format!("cannot use the path pattern {value:?}: {err}"))
                })?,
            ),
            FilterField::Id => Box::new(TermQuery::new(
                Term::from_field_text(fields.id, value),
                IndexRecordOption::Basic,
            )),
            FilterField::Date => {
                // The query parser let only valid ranges through.
                let Some(range) = DateRange::parse(value) else {
                    refuse!("date:{value} is not a date or a range of dates");
                };
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(fields.date, range.from)),
                    Bound::Included(Term::from_field_u64(fields.date, range.to)),
                ))
            }
            FilterField::Section | FilterField::Title => {
                let (name, target) = match field {
                    FilterField::Section => ("section", fields.section),
                    _ => ("title", fields.title),
                };
                let target = WeightedField {
                    field: target,
                    weight: 1.0,
                };
                match self.words_in(value, &[target]) {
                    Some(query) => query,
                    None => refuse!(
                        "{name}:{value} has only common words that are not indexed; \
                         give a more specific word"
                    ),
                }
            }
        })
    }
}

/// The words of `text` as `analyzer` gives them, with their positions.
pub(super) fn positioned_words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut tokens = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let token = stream.token();
        tokens.push((token.position, token.text.clone()));
    }
    tokens
}

/// The fields words are looked for in and ranked by, with the weight of an occurrence in
/// each (BM25F).
fn ranked_fields(fields: Fields) -> [WeightedField; 3] {
    [
        WeightedField {
            field: fields.text,
            weight: 1.0,
        },
        WeightedField {
            field: fields.title,
            weight: TITLE_WEIGHT,
        },
        WeightedField {
            field: fields.section,
            weight: TITLE_WEIGHT,
        },
    ]
}

/// The words in the fields: one word alone scored by BM25F over them, several as a phrase
/// in any of them. `None` when no word is indexed.
fn text_in(tokens: &[(usize, String)], fields: &[WeightedField]) -> Option<Box<dyn Query>> {
    match tokens {
        [] => None,
        [(_, word)] => Some(Box::new(CombinedTermQuery::new(word, fields))),
        _ => {
            let per_field = fields
                .iter()
                .map(|weighted| {
                    let phrase = PhraseQuery::new_with_offset(
                        tokens
                            .iter()
                            .map(|(position, word)| {
                                (*position, Term::from_field_text(weighted.field, word))
                            })
                            .collect(),
                    );
                    let query: Box<dyn Query> =
                        forward(BoostQuery::new(Box::new(phrase), weighted.weight));
                    (Occur::Should, query)
                })
                .collect();
            Some(forward(BooleanQuery::new(per_field)))
        }
    }
}

/// A boolean query of the clauses; with only exclusions, every other paragraph.
pub(super) fn boolean(clauses: Vec<Clause>) -> Option<Box<dyn Query>> {
    if clauses.is_empty() {
        return None;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        clauses.into_iter().map(|(o, q, _)| (o, q)).collect();
    if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Some(forward(BooleanQuery::new(clauses)))
}

/// The regular expression of a `path:` filter: a glob (`*` any characters, `?` one), or a
/// path without wildcards, which also matches everything under it as a folder.
fn path_pattern(value: &str) -> String {
    let value = value.trim_start_matches("./");
    let mut pattern = String::new();
    for c in value.trim_end_matches('/').chars() {
        match c {
            '*' => pattern.push_str(".*"),
            '?' => pattern.push('.'),
            c if "\\.+()|[]{}^$#&-~".contains(c) => {
                pattern.push('\\');
                pattern.push(c);
            }
            c => pattern.push(c),
        }
    }
    if !value.contains(['*', '?']) {
        pattern.push_str("(/.*)?");
    }
    pattern
}

/// The query's words in groups, left to right: the longest run of words that names a
/// company, with the company's tag, or else one word alone.
/// `tag_of` gives the tag of the company a text names, if any.
pub(super) fn name_groups<'a>(
    words: &[&str],
    tag_of: impl Fn(&str) -> Option<&'a String>,
) -> Vec<(String, Option<&'a String>)> {
    let mut groups = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let longest = (1..=MAX_NAME_WORDS.min(words.len() - start))
            .rev()
            .find_map(|n| {
                let text = words[start..start + n].join(" ");
                tag_of(&text).map(|facet| (n, text, facet))
            });
        match longest {
            Some((n, text, facet)) => {
                groups.push((text, Some(facet)));
                start += n;
            }
            None => {
                groups.push((words[start].to_string(), None));
                start += 1;
            }
        }
    }
    groups
}

/// Every text of `words` that `name_groups` may look up: each run of up to
/// `MAX_NAME_WORDS` neighbouring words, joined by a space.
fn name_candidates(words: &[&str]) -> Vec<String> {
    (0..words.len())
        .flat_map(|start| {
            (start + 1..=(start + MAX_NAME_WORDS).min(words.len()))
                .map(move |end| words[start..end].join(" "))
        })
        .collect()
}

/// The names of the companies an index holds, by tag, and their table by name.
type Names<'a> = (&'a BTreeMap<String, Vec<String>>, &'a CompanyTags);

/// The names the index holds and their table, read only when one of `texts` may be a
/// company's name (see `OpenIndex::may_name_company`): None when none is.
fn company_names<'a>(open: &'a OpenIndex, texts: &[String]) -> Result<Option<Names<'a>>> {
    for text in texts {
        if open.may_name_company(text)? {
            return Ok(Some((open.company_names()?, open.company_tags()?)));
        }
    }
    Ok(None)
}

/// The tag of the company a query's words name, in any case: of two companies with the
/// name, the later in tag order.
fn company_tag<'a>(
    names: &'a BTreeMap<String, Vec<String>>,
    by_name: &CompanyTags,
    text: &str,
) -> Option<&'a String> {
    Some(by_name.get(names, text)?.1)
}

fn facet_query(field: tantivy::schema::Field, facet: &Facet) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_facet(field, facet),
        IndexRecordOption::Basic,
    ))
}

/// The facet of a company the index discovered by its marks (not in the taxonomy), named
/// in any case.
fn discovered_facet(open: &OpenIndex, name: &str) -> Result<Option<Facet>> {
    if open.taxonomy()?.find_company(name).is_some() {
        return Ok(None);
    }
    let wanted = name.trim().to_lowercase();
    let reader = open.reader()?;
    let mut found = None;
    for_each_tag(
        &reader.searcher(),
        open.fields.companies,
        |facet, _, _, _| {
            if let [tag] = facet.to_path().as_slice()
                && tag.to_lowercase() == wanted
            {
                found = Some(facet.clone());
            }
            Ok(())
        },
    )?;
    Ok(found)
}

/// The facet of a company named by canonical name or alias, in any case.
pub fn company_facet(taxonomy: &Taxonomy, name: &str) -> Result<Facet> {
    match taxonomy.find_company(name) {
        Some(id) => Ok(Facet::from_path(taxonomy.company_path(id))),
        None => {
            let nearest = taxonomy.nearest_companies(name, 3);
            refuse!(
                "unknown company {name:?}; did you mean {}? (`--company` takes a name from the taxonomy)",
                quote_list(&nearest)
            )
        }
    }
}

/// The facet of a topic named in any case.
pub fn topic_facet(taxonomy: &Taxonomy, name: &str) -> Result<Facet> {
    match taxonomy.find_topic(name) {
        Some(id) => Ok(Facet::from_path([taxonomy.topics[id].name.as_str()])),
        None => {
            let nearest = taxonomy.nearest_topics(name, 3);
            refuse!(
                "unknown topic {name:?}; did you mean {}? (`--topic` takes a name from the taxonomy)",
                quote_list(&nearest)
            )
        }
    }
}

/// The side-by-side plain words at the start of `items`: how many there are, and those
/// looked for. Function words ("what", "does") say nothing of what is wanted, unless the
/// words are nothing else. Both compilers read a query's words this way.
pub(super) fn plain_word_run(items: &[Item]) -> (usize, Vec<&str>) {
    let run: Vec<&str> = items
        .iter()
        .map_while(|item| match (&item.expr, item.mark) {
            (Expr::Word(word), Mark::Default) => Some(word.as_str()),
            _ => None,
        })
        .collect();
    let length = run.len();
    let looked_for: Vec<&str> = run
        .iter()
        .copied()
        .filter(|word| !is_query_stop_word(word))
        .collect();
    (
        length,
        if looked_for.is_empty() {
            run
        } else {
            looked_for
        },
    )
}
