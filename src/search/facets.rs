//! Counting tags: the facet counts of a search and the lists of `companies` and `topics`.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{Context, Result};
use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::fastfield::FacetReader;
use tantivy::schema::{Facet, Field, IndexRecordOption, Schema};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::index::OpenIndex;

/// What `--facets` counts among all matching paragraphs, collected in the same pass as
/// the count of matches: top-level companies, topics, and months of dated documents. Read
/// from the columns (fast fields) of the matching paragraphs, never from stored ones.
pub(super) struct FacetsCollector {
    companies: String,
    topics: String,
}

/// The counts of [`FacetsCollector`], each most frequent first (months oldest first).
#[derive(Debug, Default)]
pub(super) struct FacetCounts {
    pub(super) companies: Vec<(String, u64)>,
    pub(super) topics: Vec<(String, u64)>,
    pub(super) months: Vec<(String, u64)>,
}

impl FacetsCollector {
    /// Counts the tags of `companies` and `topics` by their top-level names (a unit
    /// counts for its parent, once per paragraph).
    pub(super) fn new(schema: &Schema, companies: Field, topics: Field) -> FacetsCollector {
        FacetsCollector {
            companies: schema.get_field_name(companies).to_string(),
            topics: schema.get_field_name(topics).to_string(),
        }
    }
}

impl Collector for FacetsCollector {
    type Fruit = FacetCounts;
    type Child = FacetsSegmentCollector;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetsSegmentCollector> {
        Ok(FacetsSegmentCollector {
            companies: TagCounter::new(segment.facet_reader(&self.companies)?),
            topics: TagCounter::new(segment.facet_reader(&self.topics)?),
            dates: segment.fast_fields().u64("date").ok(),
            months: Months::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<SegmentCounts>) -> tantivy::Result<FacetCounts> {
        let mut companies = FxHashMap::default();
        let mut topics = FxHashMap::default();
        let mut months: BTreeMap<u64, u64> = BTreeMap::new();
        for segment in segments {
            for (name, count) in segment.companies? {
                *companies.entry(name).or_default() += count;
            }
            for (name, count) in segment.topics? {
                *topics.entry(name).or_default() += count;
            }
            for (month, count) in segment.months {
                *months.entry(month).or_default() += count;
            }
        }
        Ok(FacetCounts {
            companies: most_frequent_first(companies),
            topics: most_frequent_first(topics),
            months: months
                .into_iter()
                .map(|(month, count)| (format!("{:04}-{:02}", month / 100, month % 100), count))
                .collect(),
        })
    }
}

/// The counts of one segment.
pub(super) struct SegmentCounts {
    /// Matching paragraphs by top-level company; an error when the tag dictionary is
    /// damaged, which `harvest` cannot return.
    companies: tantivy::Result<Vec<(String, u64)>>,
    topics: tantivy::Result<Vec<(String, u64)>>,
    /// Matching paragraphs by month, YYYYMM.
    months: Vec<(u64, u64)>,
}

/// [`FacetsCollector`] in one segment.
pub(super) struct FacetsSegmentCollector {
    companies: TagCounter,
    topics: TagCounter,
    dates: Option<Column<u64>>,
    months: Months,
}

impl SegmentCollector for FacetsSegmentCollector {
    type Fruit = SegmentCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.companies.collect(doc);
        self.topics.collect(doc);
        if let Some(date) = self.dates.as_ref().and_then(|dates| dates.first(doc)) {
            self.months.add(date / 100);
        }
    }

    fn harvest(self) -> SegmentCounts {
        SegmentCounts {
            companies: self.companies.harvest(),
            topics: self.topics.harvest(),
            months: self.months.harvest(),
        }
    }
}

/// Paragraphs by month. The matches of a segment come in paragraph order, so those of one
/// document, which share its date, come together: a run of one month is counted before
/// it is looked up.
#[derive(Default)]
struct Months {
    run: Option<(u64, u64)>,
    counts: FxHashMap<u64, u64>,
}

impl Months {
    fn add(&mut self, month: u64) {
        match &mut self.run {
            Some((current, count)) if *current == month => *count += 1,
            run => {
                if let Some((month, count)) = run.replace((month, 1)) {
                    *self.counts.entry(month).or_default() += count;
                }
            }
        }
    }

    fn harvest(mut self) -> Vec<(u64, u64)> {
        if let Some((month, count)) = self.run.take() {
            *self.counts.entry(month).or_default() += count;
        }
        self.counts.into_iter().collect()
    }
}

/// What separates the names of a facet's path in its encoded form (tantivy's
/// `FACET_SEP_BYTE`, not public): `Alibaba\0Alibaba Cloud`.
const FACET_SEPARATOR: u8 = 0;

/// Counts the paragraphs of one segment by the top-level name of their tags (facets), a
/// paragraph once per name however many of its tags fall under it (`/Alibaba` and
/// `/Alibaba/Alibaba Cloud` count once for Alibaba).
///
/// Only ordinals are counted while collecting; their names are read from the column's
/// dictionary once, at the end, and only for the ordinals that occurred, each block of
/// the dictionary decompressed once. tantivy's `FacetCollector` walked the whole
/// dictionary of every segment for each search to group the tags under their parents,
/// then looked each counted tag up on its own, decompressing a block per tag: 75% of a
/// `--facets` search.
struct TagCounter {
    reader: FacetReader,
    /// Paragraphs by tag ordinal; allocated at the first paragraph with a tag.
    counts: Vec<u32>,
    /// The ordinals of each paragraph with more than one tag, each list ended by
    /// `u64::MAX`: such a paragraph may hold two tags under one name.
    several: Vec<u64>,
}

impl TagCounter {
    fn new(reader: FacetReader) -> TagCounter {
        TagCounter {
            reader,
            counts: Vec::new(),
            several: Vec::new(),
        }
    }

    fn collect(&mut self, doc: DocId) {
        let mut ords = self.reader.facet_ords(doc);
        let Some(first) = ords.next() else {
            return;
        };
        if self.counts.is_empty() {
            self.counts = vec![0; self.reader.num_facets()];
        }
        let Some(second) = ords.next() else {
            count(&mut self.counts, first);
            return;
        };
        let start = self.several.len();
        self.several.extend([first, second]);
        self.several.extend(ords);
        for &ord in &self.several[start..] {
            count(&mut self.counts, ord);
        }
        self.several.push(u64::MAX);
    }

    /// The counts by top-level name.
    fn harvest(self) -> tantivy::Result<Vec<(String, u64)>> {
        let ords: Vec<u64> = (0u64..)
            .zip(&self.counts)
            .filter(|(_, count)| **count > 0)
            .map(|(ord, _)| ord)
            .collect();
        if ords.is_empty() {
            return Ok(Vec::new());
        }
        // The name of each counted ordinal, as a place in `names`; the children of a tag
        // follow it in the dictionary, so the tags under one name come together.
        let mut names: Vec<(String, u64)> = Vec::new();
        let mut name_of: Vec<u32> = vec![u32::MAX; self.counts.len()];
        let mut counted = ords.iter();
        let mut named = 0;
        let complete = self
            .reader
            .facet_dict()
            .sorted_ords_to_term_cb(&ords, |facet| {
                let Some(&ord) = counted.next() else {
                    return;
                };
                let top = facet
                    .split(|&b| b == FACET_SEPARATOR)
                    .next()
                    .unwrap_or(facet);
                if names.last().is_none_or(|(name, _)| name.as_bytes() != top) {
                    names.push((String::from_utf8_lossy(top).into_owned(), 0));
                }
                let at = names.len() - 1;
                name_of[ord as usize] = at as u32;
                names[at].1 += u64::from(self.counts[ord as usize]);
                named += 1;
            })?;
        if !complete || named != ords.len() {
            return Err(tantivy::TantivyError::InternalError(
                "a tag dictionary holds fewer tags than its column refers to".to_string(),
            ));
        }
        // A paragraph counted twice under one name (a parent and its unit, or two units)
        // counts once.
        let mut seen: Vec<u32> = Vec::new();
        for list in self.several.split(|&ord| ord == u64::MAX) {
            seen.clear();
            seen.extend(list.iter().filter_map(|&ord| name_of.get(ord as usize)));
            seen.sort_unstable();
            for pair in seen.windows(2) {
                if pair[0] == pair[1] {
                    names[pair[0] as usize].1 -= 1;
                }
            }
        }
        Ok(names
            .into_iter()
            .filter(|(name, count)| *count > 0 && !name.is_empty())
            .collect())
    }
}

fn count(counts: &mut [u32], ord: u64) {
    if let Some(count) = counts.get_mut(ord as usize) {
        *count += 1;
    }
}

/// The counts by name, most frequent first, then by name.
fn most_frequent_first(counts: FxHashMap<String, u64>) -> Vec<(String, u64)> {
    let mut list: Vec<(String, u64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list
}

/// Walks the tags (facets) of `field` in every segment, in dictionary order, calling
/// `visit` with each tag other than the root, its segment and the live paragraphs carrying
/// it. In-order walking decompresses each dictionary block once; looking tags up by number
/// decompressed a block per tag.
pub(super) fn for_each_tag(
    searcher: &Searcher,
    field: Field,
    mut visit: impl FnMut(&Facet, u32, &SegmentReader, &[DocId]) -> Result<()>,
) -> Result<()> {
    let mut docs = Vec::new();
    for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment.inverted_index(field)?;
        let alive = segment.alive_bitset();
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let facet = Facet::from_encoded(terms.key().to_vec())
                .context("the index holds a damaged tag")?;
            if facet.is_root() {
                continue; // every tagged paragraph holds the root
            }
            let mut postings =
                inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            docs.clear();
            while postings.doc() != TERMINATED {
                let doc = postings.doc();
                if alive.is_none_or(|bits| bits.is_alive(doc)) {
                    docs.push(doc);
                }
                postings.advance();
            }
            visit(&facet, segment_ord as u32, segment, &docs)?;
        }
    }
    Ok(())
}

/// Which tags a list is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// Companies.
    Companies,
    /// Topics.
    Topics,
}

/// A company or topic as `dossier companies` and `dossier topics` list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedTag {
    /// Its counts.
    pub count: TagCount,
    /// For a company, whether it was found by its marks (a legal form, a ticker) rather
    /// than known to the taxonomy; None for a topic.
    pub discovered: Option<bool>,
}

/// Every company or topic in the index, most frequent first, companies marked discovered
/// or known.
pub fn listed_tags(open: &OpenIndex, kind: TagKind) -> Result<Vec<ListedTag>> {
    let field = match kind {
        TagKind::Companies => open.fields.companies,
        TagKind::Topics => open.fields.topics,
    };
    let counts = tag_counts(open, field)?;
    let taxonomy = match kind {
        TagKind::Companies => Some(open.taxonomy()?),
        TagKind::Topics => None,
    };
    Ok(counts
        .into_iter()
        .map(|count| {
            let discovered = taxonomy.map(|taxonomy| {
                let name = count.path.last().map_or("", String::as_str);
                taxonomy.find_company(name).is_none()
            });
            ListedTag { count, discovered }
        })
        .collect())
}

/// How often one company or topic occurs in an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCount {
    /// Names from the top-level parent down to the tag (["Alibaba", "Alibaba Cloud"]).
    pub path: Vec<String>,
    /// Paragraphs tagged with it (a parent counts the paragraphs of its units too).
    pub paragraphs: u64,
    /// Documents with at least one such paragraph.
    pub documents: u64,
}

/// Every company (`fields.companies`) or topic (`fields.topics`) in the index, most
/// frequent first, read from the facet terms so no stored paragraph is loaded.
pub fn tag_counts(open: &OpenIndex, field: Field) -> Result<Vec<TagCount>> {
    let reader = open.reader()?;
    let searcher = reader.searcher();
    let mut counts: HashMap<String, (u64, HashSet<String>)> = HashMap::new();
    let mut path = String::new();
    // The path column of the segment being walked, opened once per segment.
    let mut columns: Option<(u32, Option<StrColumn>)> = None;
    for_each_tag(&searcher, field, |facet, segment_ord, segment, docs| {
        if columns.as_ref().is_none_or(|(ord, _)| *ord != segment_ord) {
            columns = Some((segment_ord, segment.fast_fields().str("path")?));
        }
        let paths = columns.as_ref().and_then(|(_, column)| column.as_ref());
        let entry = counts.entry(facet.to_path_string()).or_default();
        entry.0 += docs.len() as u64;
        if let Some(paths) = paths {
            for &doc in docs {
                for ord in paths.term_ords(doc) {
                    path.clear();
                    paths.ord_to_str(ord, &mut path)?;
                    entry.1.insert(path.clone());
                }
            }
        }
        Ok(())
    })?;
    let mut list: Vec<TagCount> = counts
        .into_iter()
        .map(|(facet, (paragraphs, documents))| TagCount {
            path: Facet::from(facet.as_str())
                .to_path()
                .into_iter()
                .map(str::to_string)
                .collect(),
            paragraphs,
            documents: documents.len() as u64,
        })
        .collect();
    list.sort_by(|a, b| {
        b.paragraphs
            .cmp(&a.paragraphs)
            .then_with(|| a.path.cmp(&b.path))
    });
    Ok(list)
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{DocSetCollector, FacetCollector};
    use tantivy::query::TermQuery;
    use tantivy::schema::Value;
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    use super::*;
    use crate::index::{register_tokenizer, schema};

    /// Tags whose dictionary order tests the grouping: a parent with units, a unit
    /// without its parent in some paragraphs, names that are prefixes of others, a `/`
    /// in a name.
    const COMPANIES: &[&[&str]] = &[
        &["Alibaba"],
        &["Alibaba", "Alibaba Cloud"],
        &["Alibaba", "Ant"],
        &["AlibabaX"],
        &["Ali"],
        &["A/S Norske Shell"],
        &["Apple"],
        &["Zeta", "Zeta One"],
    ];
    const TOPICS: &[&str] = &["energy and oil", "trade", "banking and finance"];

    /// An index of three segments of pseudo-random paragraphs, some deleted: words
    /// "copper" or "tin", up to four companies and two topics (repeats included), and a
    /// date or none.
    fn tagged_segments() -> Index {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        register_tokenizer(&index);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        for segment in 0..3 {
            for paragraph in 0..400 {
                let mut doc = TantivyDocument::default();
                let path = format!("{segment}-{}.txt", paragraph / 10);
                doc.add_text(fields.path, &path);
                doc.add_text(fields.text, ["copper", "tin"][next(2) as usize]);
                for _ in 0..next(5) {
                    let path = COMPANIES[next(COMPANIES.len() as u64) as usize];
                    doc.add_facet(fields.companies, Facet::from_path(path.iter().copied()));
                }
                for _ in 0..next(3) {
                    let topic = TOPICS[next(TOPICS.len() as u64) as usize];
                    doc.add_facet(fields.topics, Facet::from_path([topic]));
                }
                if next(3) > 0 {
                    doc.add_u64(fields.date, 20240101 + 100 * next(12) + next(28));
                }
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        writer.delete_term(Term::from_field_text(fields.path, "1-3.txt"));
        writer.commit().unwrap();
        index
    }

    /// Counts by top-level name read from the stored paragraphs, a paragraph once per name.
    fn brute_force(searcher: &Searcher, query: &TermQuery, field: Field) -> Vec<(String, u64)> {
        let mut counts: FxHashMap<String, u64> = FxHashMap::default();
        for address in searcher.search(query, &DocSetCollector).unwrap() {
            let doc: TantivyDocument = searcher.doc(address).unwrap();
            let mut names: Vec<String> = doc
                .get_all(field)
                .filter_map(|value| value.as_facet())
                .map(|encoded| Facet::from_encoded(encoded.as_bytes().to_vec()).unwrap())
                .map(|facet| facet.to_path()[0].to_string())
                .collect();
            names.sort();
            names.dedup();
            for name in names {
                *counts.entry(name).or_default() += 1;
            }
        }
        most_frequent_first(counts)
    }

    #[test]
    fn facet_counts_are_the_brute_force_counts_of_the_stored_tags() {
        let index = tagged_segments();
        let (_, fields) = schema();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        for word in ["copper", "tin"] {
            let query = TermQuery::new(
                Term::from_field_text(fields.text, word),
                IndexRecordOption::Basic,
            );
            let counts = searcher
                .search(
                    &query,
                    &FacetsCollector::new(searcher.schema(), fields.companies, fields.topics),
                )
                .unwrap();
            let companies = brute_force(&searcher, &query, fields.companies);
            assert_eq!(companies.len(), 6, "{companies:?}");
            assert_eq!(counts.companies, companies, "{word}");
            assert_eq!(
                counts.topics,
                brute_force(&searcher, &query, fields.topics),
                "{word}"
            );
            // And what tantivy's own collector counts under the root.
            let mut tantivy = FacetCollector::for_field("companies");
            tantivy.add_facet(Facet::root());
            let by_tantivy = searcher.search(&query, &tantivy).unwrap();
            let mut expected: Vec<(String, u64)> = by_tantivy
                .get(Facet::root())
                .map(|(facet, count)| (facet.to_path()[0].to_string(), count))
                .collect();
            expected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            assert_eq!(counts.companies, expected, "{word}");
            // Months: every matching dated paragraph once.
            let dated = searcher
                .search(&query, &DocSetCollector)
                .unwrap()
                .into_iter()
                .filter(|address| {
                    let doc: TantivyDocument = searcher.doc(*address).unwrap();
                    doc.get_first(fields.date).is_some()
                })
                .count() as u64;
            assert_eq!(counts.months.iter().map(|(_, n)| n).sum::<u64>(), dated);
            assert!(counts.months.is_sorted(), "{:?}", counts.months);
        }
    }
}
