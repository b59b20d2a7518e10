//! The endpoints: each reads its parameters, runs the search stage on the current commit
//! on a blocking thread, and answers with JSON.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::api::{HealthAnswer, SearchAnswer, ShowAnswer, TagListAnswer};
use super::error::ApiError;
use super::live::Snapshot;
use super::params::Params;
use super::routes::AppState;
use crate::search::{self, SearchRequest, SortOrder, TagKind};

/// Most hits one request may ask for.
pub(super) const MAX_LIMIT: usize = 100;
/// Most hits passed over for paging.
pub(super) const MAX_OFFSET: usize = 10_000;
/// Most paragraphs of one document one request may ask for.
pub(super) const MAX_PER_DOC: usize = 100;
/// The longest a request may take, waiting for its turn included.
pub(super) const REQUEST_TIME: Duration = Duration::from_secs(15);

/// The parameters `/api/search` takes.
const SEARCH_PARAMS: &[&str] = &[
    "q", "company", "topic", "limit", "offset", "per_doc", "any", "facets", "sort", "since",
    "until",
];

/// `GET /api/search`: hits as `search --json` prints them, the total, and facets.
pub(super) async fn search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref(), SEARCH_PARAMS)?;
    let request = search_request(&params)?;
    let facets = request.facets;
    let limit = request.limit;
    blocking(&state, move |snapshot| {
        let results = search::search(&snapshot.open, &request)?;
        Ok(serde_json::to_vec(&SearchAnswer::new(
            &results, limit, facets,
        ))?)
    })
    .await
}

/// The search a request asks for, with the CLI's defaults and the server's caps.
fn search_request(params: &Params) -> Result<SearchRequest, ApiError> {
    let date = |name: &str, range: fn(&str) -> Option<String>| -> Result<_, ApiError> {
        params
            .one(name)?
            .map(|text| {
                range(text).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "{name}={text:?} is not a date; {}",
                        crate::query::DATE_BOUND_HELP
                    ))
                })
            })
            .transpose()
    };
    let dates = [
        date("since", crate::query::since_range)?,
        date("until", crate::query::until_range)?,
    ];
    Ok(SearchRequest {
        query: params.required("q")?.to_string(),
        companies: params.names("company")?,
        topics: params.names("topic")?,
        limit: params.number("limit", 10, 1..=MAX_LIMIT)?,
        offset: params.number("offset", 0, 0..=MAX_OFFSET)?,
        per_doc: params.number("per_doc", 3, 0..=MAX_PER_DOC)?,
        any: params.flag("any")?,
        expand: false,
        sort: match params.choice("sort", &["score", "path", "date"])? {
            "path" => SortOrder::Path,
            "date" => SortOrder::Date,
            _ => SortOrder::Score,
        },
        facets: params.flag("facets")?,
        context: 0,
        explain: false,
        dates: dates.into_iter().flatten().collect(),
    })
}

/// `GET /api/show?path=&line=&page=&paragraph=`: a document's paragraphs, the one at
/// `line` (or numbered `paragraph`) marked.
pub(super) async fn show(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref(), &["path", "line", "page", "paragraph"])?;
    let path = params.required("path")?.to_string();
    check_document_path(&path)?;
    let line = params.optional_number("line", 0..=u64::from(u32::MAX))?;
    let page = params.optional_number("page", 0..=u64::from(u32::MAX))?;
    let paragraph = params.optional_number("paragraph", 0..=u64::from(u32::MAX))?;
    blocking(&state, move |snapshot| {
        let document = search::show(&snapshot.open, &path, line)?;
        let marked = match paragraph {
            Some(number) => document
                .paragraphs
                .iter()
                .any(|p| p.number == number)
                .then_some(number),
            None => line.and_then(|line| document.paragraph_at(page, line)),
        };
        Ok(serde_json::to_vec(&ShowAnswer::new(&document, marked))?)
    })
    .await
}

/// Refuses a document path that reaches outside the indexed folder: absolute, with a
/// `..` part, or with a NUL. (Paths are only looked up in the index, never opened, but a
/// path that could not be a hit's is a mistake or a probe and is answered as one.)
fn check_document_path(path: &str) -> Result<(), ApiError> {
    let refuse = |why: &str| {
        Err(ApiError::bad_request(format!(
            "path {path:?} {why}; give the path as search hits print it, relative to the \
             indexed folder"
        )))
    };
    if path.is_empty() {
        return refuse("is empty");
    }
    let drive =
        path.len() >= 2 && path.as_bytes()[1] == b':' && path.as_bytes()[0].is_ascii_alphabetic();
    if path.starts_with(['/', '\\']) || drive {
        return refuse("is absolute");
    }
    if path.split(['/', '\\']).any(|part| part == "..") {
        return refuse("goes up a folder (..)");
    }
    if path.contains('\0') {
        return refuse("holds a NUL character");
    }
    Ok(())
}

/// `GET /api/companies`: every company with paragraph and document counts.
pub(super) async fn companies(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    tags(state, query, TagKind::Companies).await
}

/// `GET /api/topics`: every topic with paragraph and document counts.
pub(super) async fn topics(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    tags(state, query, TagKind::Topics).await
}

async fn tags(state: AppState, query: Option<String>, kind: TagKind) -> Result<Response, ApiError> {
    Params::parse(query.as_deref(), &[])?;
    blocking(&state, move |snapshot| {
        let listed = search::listed_tags(&snapshot.open, kind)?;
        Ok(serde_json::to_vec(&TagListAnswer::new(kind, &listed))?)
    })
    .await
}

/// `GET /api/health`: the commit served and what it holds.
pub(super) async fn health(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    Params::parse(query.as_deref(), &[])?;
    blocking(&state, move |snapshot| {
        let stats = search::stats(&snapshot.open)?;
        let answer = HealthAnswer::new(snapshot.generation, stats, snapshot.committed);
        Ok(serde_json::to_vec(&answer)?)
    })
    .await
}

/// Any other path.
pub(super) async fn not_found() -> ApiError {
    ApiError::not_found(
        "nothing here; the page is at / and the API under /api/ (see /api/openapi.json)",
    )
}

/// A path that exists, asked with another method than GET: the server only reads.
pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this server only reads: use GET",
    )
}

/// Runs `work` on the current commit on a blocking thread, when a permit is free, within
/// `REQUEST_TIME`; its bytes are the JSON answer.
async fn blocking(
    state: &AppState,
    work: impl FnOnce(&Snapshot) -> anyhow::Result<Vec<u8>> + Send + 'static,
) -> Result<Response, ApiError> {
    let state = state.clone();
    let run = async move {
        let permit = Arc::clone(&state.permits)
            .acquire_owned()
            .await
            .map_err(|_| {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
            })?;
        let live = Arc::clone(&state.live);
        // The permit goes with the work: a search still running after its request timed
        // out keeps its place, so slow searches cannot pile up past the limit.
        tokio::task::spawn_blocking(move || {
            let answer = work(&live.snapshot());
            drop(permit);
            answer
        })
        .await
        .map_err(|err| {
            eprintln!("dossier: a request failed: {err}");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the request failed")
        })?
        .map_err(ApiError::from)
    };
    let body = tokio::time::timeout(REQUEST_TIME, run)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the server is too busy to answer within {} s; try again",
                    REQUEST_TIME.as_secs()
                ),
            )
        })??;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_indexed_folder_are_refused() {
        for path in [
            "../../etc/passwd",
            "/etc/passwd",
            "a/../../b",
            "..",
            "C:\\Windows\\win.ini",
            "\\\\server\\share",
            "a\\..\\b",
            "",
            "a\0b",
        ] {
            assert!(check_document_path(path).is_err(), "{path:?}");
        }
        for path in [
            "news/a.txt",
            "a..b.txt",
            "%2e%2e/x",
            "reuters/2024/03.jsonl",
        ] {
            assert!(check_document_path(path).is_ok(), "{path:?}");
        }
    }
}
