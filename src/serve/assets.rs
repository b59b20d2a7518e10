//! The search page's files, compiled into the binary: no build step, nothing fetched from
//! elsewhere, so the page works on a machine without internet.

use axum::http::header;
use axum::response::IntoResponse;

/// Where the page's script is served.
pub(super) const SCRIPT_PATH: &str = "/app.js";
/// Where the page's style sheet is served.
pub(super) const STYLE_PATH: &str = "/style.css";

const INDEX_HTML: &str = include_str!("static/index.html");
const APP_JS: &str = include_str!("static/app.js");
const STYLE_CSS: &str = include_str!("static/style.css");

/// `GET /`: the page.
pub(super) async fn index_html() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        INDEX_HTML,
    )
}

/// `GET /app.js`.
pub(super) async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
}

/// `GET /style.css`.
pub(super) async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLE_CSS,
    )
}
