//! Counting tags: the facet counts of a search and the lists of `companies` and `topics`.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{Context, Result};
use tantivy::columnar::StrColumn;
use tantivy::schema::Field;
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED};

use crate::index::OpenIndex;

/// Counts of the top-level tags (a parent counts its units) among the matching paragraphs,
/// most frequent first.
pub(super) fn facet_counts(
    searcher: &Searcher,
    field: Field,
    matching: &HashSet<DocAddress>,
    wanted: bool,
) -> Result<Vec<(String, u64)>> {
    if !wanted {
        return Ok(Vec::new());
    }
    let mut counts: HashMap<String, u64> = HashMap::new();
    for_each_tag(searcher, field, |facet, segment_ord, _, docs| {
        // A unit is counted under its parent, which every unit paragraph also holds.
        if let [name] = facet.to_path().as_slice() {
            let count = docs
                .iter()
                .filter(|&&doc| matching.contains(&DocAddress::new(segment_ord, doc)))
                .count() as u64;
            if count > 0 {
                *counts.entry((*name).to_string()).or_default() += count;
            }
        }
        Ok(())
    })?;
    let mut list: Vec<(String, u64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(list)
}

/// Counts of the matching paragraphs of dated documents by month (`2024-03`), oldest
/// first: the timeline of `--facets`. Read from the date column, no stored paragraph.
pub(super) fn month_counts(
    searcher: &Searcher,
    matching: &HashSet<DocAddress>,
    wanted: bool,
) -> Result<Vec<(String, u64)>> {
    if !wanted {
        return Ok(Vec::new());
    }
    let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
    let columns = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.fast_fields().u64("date").ok())
        .collect::<Vec<_>>();
    for address in matching {
        let date = columns
            .get(address.segment_ord as usize)
            .and_then(Option::as_ref)
            .and_then(|column| column.first(address.doc_id));
        if let Some(date) = date {
            *counts.entry(date / 100).or_default() += 1;
        }
    }
    Ok(counts
        .into_iter()
        .map(|(month, count)| (format!("{:04}-{:02}", month / 100, month % 100), count))
        .collect())
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
