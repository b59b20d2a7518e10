//! The paths the server answers, and the limits around every request: a body cap, a time
//! cap, and headers that keep the page from being framed or its scripts from being
//! replaced.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use super::handlers::{self, REQUEST_TIME};
use super::live::LiveIndex;
use super::{assets, openapi};

/// Every path the server answers, as `openapi.json` lists them (a test holds the two
/// together); the page's files besides.
pub const ROUTES: &[&str] = &[
    "/api/search",
    "/api/show",
    "/api/companies",
    "/api/topics",
    "/api/health",
    "/api/openapi.json",
];

/// Largest request body accepted, in bytes: no endpoint reads one.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub(super) struct AppState {
    /// The index, reopened at each commit.
    pub(super) live: Arc<LiveIndex>,
    /// Searches running at once; the others wait their turn (within the request time).
    pub(super) permits: Arc<Semaphore>,
}

/// The router of the page and the API, with its limits.
pub(super) fn router(live: Arc<LiveIndex>) -> Router {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let state = AppState {
        live,
        permits: Arc::new(Semaphore::new(cores * 2)),
    };
    let api = Router::new()
        .route(ROUTES[0], get(handlers::search))
        .route(ROUTES[1], get(handlers::show))
        .route(ROUTES[2], get(handlers::companies))
        .route(ROUTES[3], get(handlers::topics))
        .route(ROUTES[4], get(handlers::health))
        .route(ROUTES[5], get(openapi::document));
    let page = Router::new()
        .route("/", get(assets::index_html))
        .route(assets::SCRIPT_PATH, get(assets::script))
        .route(assets::STYLE_PATH, get(assets::style));
    api.merge(page)
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .with_state(state)
        .layer(axum::middleware::map_response(safety_headers))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIME + std::time::Duration::from_secs(5),
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
}

/// Headers on every answer: nothing is cached (the index changes under it), types are
/// not guessed, the page runs only its own script and is never framed.
async fn safety_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
             img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
