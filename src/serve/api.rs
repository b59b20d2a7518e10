//! The bodies the API answers with. Hits, facet counts, paragraphs and tag counts are
//! `render`'s JSON, the same objects `--json` prints; these wrap them in one object per
//! answer. `openapi.json` documents each of them.

use serde::Serialize;

use crate::render::{self, FacetLists, JsonHit, JsonParagraph, JsonTagCount};
use crate::search::{IndexStats, ListedTag, SearchResults, StoredDocument, TagKind};

/// The answer of `/api/search`.
#[derive(Serialize)]
pub(super) struct SearchAnswer<'a> {
    /// Matching paragraphs in all.
    total: usize,
    /// Hits passed over before the first of `hits`.
    offset: usize,
    /// Most hits asked for.
    limit: usize,
    /// Query words left out, in the order they were dropped, because no paragraph had them
    /// all.
    dropped_words: &'a [String],
    hits: Vec<JsonHit<'a>>,
    /// Counts of companies, topics and months of all matching paragraphs, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    facets: Option<FacetLists<'a>>,
}

impl<'a> SearchAnswer<'a> {
    pub(super) fn new(results: &'a SearchResults, limit: usize, facets: bool) -> Self {
        SearchAnswer {
            total: results.total,
            offset: results.offset,
            limit,
            dropped_words: &results.dropped_words,
            hits: results.hits.iter().map(render::json_hit).collect(),
            facets: facets.then(|| render::facet_lists(results)),
        }
    }
}

/// The answer of `/api/show`: a document with its paragraphs, one of them marked.
#[derive(Serialize)]
pub(super) struct ShowAnswer<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    people: &'a [String],
    /// Number of the paragraph asked for.
    marked: Option<u64>,
    paragraphs: Vec<JsonParagraph<'a>>,
}

impl<'a> ShowAnswer<'a> {
    pub(super) fn new(document: &'a StoredDocument, marked: Option<u64>) -> Self {
        ShowAnswer {
            path: &document.path,
            id: document.id.as_deref(),
            title: &document.title,
            date: document.date.map(|date| date.to_string()),
            people: &document.people,
            marked,
            paragraphs: document.paragraphs.iter().map(JsonParagraph::new).collect(),
        }
    }
}

/// The answer of `/api/companies` (`{"companies": [...]}`) and `/api/topics`
/// (`{"topics": [...]}`).
#[derive(Serialize)]
pub(super) struct TagListAnswer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    companies: Option<Vec<JsonTagCount<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    topics: Option<Vec<JsonTagCount<'a>>>,
}

impl<'a> TagListAnswer<'a> {
    pub(super) fn new(kind: TagKind, listed: &'a [ListedTag]) -> Self {
        let list = Some(listed.iter().map(JsonTagCount::new).collect());
        match kind {
            TagKind::Companies => TagListAnswer {
                companies: list,
                topics: None,
            },
            TagKind::Topics => TagListAnswer {
                companies: None,
                topics: list,
            },
        }
    }
}

/// The answer of `/api/health`.
#[derive(Serialize)]
pub(super) struct HealthAnswer {
    status: &'static str,
    /// Sequence number of the commit served: one more at each `dossier index` that changed
    /// something.
    generation: Option<u64>,
    documents: u64,
    paragraphs: u64,
    /// When that commit was written, RFC 3339 in UTC.
    committed: Option<String>,
}

impl HealthAnswer {
    pub(super) fn new(
        generation: Option<u64>,
        stats: IndexStats,
        committed: Option<std::time::SystemTime>,
    ) -> Self {
        HealthAnswer {
            status: "ok",
            generation,
            documents: stats.documents,
            paragraphs: stats.paragraphs,
            committed: committed.and_then(rfc3339),
        }
    }
}

/// `2026-12-02T06:30:05Z`: a time as RFC 3339 in UTC, to the second.
fn rfc3339(time: std::time::SystemTime) -> Option<String> {
    let seconds = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    let (days, of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    ))
}

/// The calendar day `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn times_are_written_as_rfc_3339() {
        let at = |seconds| rfc3339(UNIX_EPOCH + Duration::from_secs(seconds)).unwrap();
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_798_784_405), "2027-01-01T06:20:05Z");
    }
}
