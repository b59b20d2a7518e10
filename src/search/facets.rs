//! Counting tags: the facet counts of a search and the lists of `companies` and `topics`.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{Context, Result};
use tantivy::collector::{Collector, FacetCollector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::schema::{Facet, Field, IndexRecordOption, Schema};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED};

use crate::index::OpenIndex;

/// What `--facets` counts among all matching paragraphs, collected in the same pass as
/// the count of matches: top-level companies, topics, and months of dated documents. Read
/// from the columns (fast fields) of the matching paragraphs, never from stored ones.
pub(super) struct FacetsCollector {
    companies: FacetCollector,
    topics: FacetCollector,
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
        let top_level = |field: Field| {
            let mut collector = FacetCollector::for_field(schema.get_field_name(field));
            collector.add_facet(Facet::root());
            collector
        };
        FacetsCollector {
            companies: top_level(companies),
            topics: top_level(topics),
        }
    }
}

impl Collector for FacetsCollector {
    type Fruit = FacetCounts;
    type Child = FacetsSegmentCollector;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetsSegmentCollector> {
        Ok(FacetsSegmentCollector {
            companies: self.companies.for_segment(segment_ord, segment)?,
            topics: self.topics.for_segment(segment_ord, segment)?,
            dates: segment.fast_fields().u64("date").ok(),
            months: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<SegmentCounts>) -> tantivy::Result<FacetCounts> {
        let mut companies = Vec::with_capacity(segments.len());
        let mut topics = Vec::with_capacity(segments.len());
        let mut months: BTreeMap<u64, u64> = BTreeMap::new();
        for segment in segments {
            companies.push(segment.companies);
            topics.push(segment.topics);
            for (month, count) in segment.months {
                *months.entry(month).or_default() += count;
            }
        }
        Ok(FacetCounts {
            companies: top_level_counts(&self.companies.merge_fruits(companies)?),
            topics: top_level_counts(&self.topics.merge_fruits(topics)?),
            months: months
                .into_iter()
                .map(|(month, count)| (format!("{:04}-{:02}", month / 100, month % 100), count))
                .collect(),
        })
    }
}

/// The counts of one segment.
pub(super) struct SegmentCounts {
    companies: tantivy::collector::FacetCounts,
    topics: tantivy::collector::FacetCounts,
    /// Matching paragraphs by month, YYYYMM.
    months: BTreeMap<u64, u64>,
}

/// [`FacetsCollector`] in one segment.
pub(super) struct FacetsSegmentCollector {
    companies: <FacetCollector as Collector>::Child,
    topics: <FacetCollector as Collector>::Child,
    dates: Option<Column<u64>>,
    months: BTreeMap<u64, u64>,
}

impl SegmentCollector for FacetsSegmentCollector {
    type Fruit = SegmentCounts;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.companies.collect(doc, score);
        self.topics.collect(doc, score);
        if let Some(date) = self.dates.as_ref().and_then(|dates| dates.first(doc)) {
            *self.months.entry(date / 100).or_default() += 1;
        }
    }

    fn harvest(self) -> SegmentCounts {
        SegmentCounts {
            companies: self.companies.harvest(),
            topics: self.topics.harvest(),
            months: self.months,
        }
    }
}

/// The counts under the root, by name, most frequent first.
fn top_level_counts(counts: &tantivy::collector::FacetCounts) -> Vec<(String, u64)> {
    let mut list: Vec<(String, u64)> = counts
        .get(Facet::root())
        .filter_map(|(facet, count)| {
            let path = facet.to_path();
            (count > 0 && path.len() == 1).then(|| (path[0].to_string(), count))
        })
        .collect();
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
