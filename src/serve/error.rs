//! Failures as JSON: `{"status": 400, "error": "what is wrong and what to do", "column": 7}`.
//!
//! A mistake in a query is a 400 with the column the CLI names (1-based); a request the
//! index cannot answer as asked is a 400, a document it does not hold a 404; anything else
//! is the server's fault, a 500, reported on stderr too.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::query::QueryError;
use crate::search::Refusal;

/// A failed request.
#[derive(Debug)]
pub(super) struct ApiError {
    status: StatusCode,
    message: String,
    /// 1-based character column of a mistake in the query.
    column: Option<usize>,
}

/// The body of every error answer.
#[derive(Serialize)]
struct ErrorBody<'a> {
    status: u16,
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

impl ApiError {
    /// A 400: the request is wrong, as `message` says.
    pub(super) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// A 404: nothing is at this path.
    pub(super) fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// An answer with this status and message.
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            column: None,
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> ApiError {
        if let Some(query) = err.downcast_ref::<QueryError>() {
            return ApiError {
                status: StatusCode::BAD_REQUEST,
                message: format!(
                    "cannot understand the query: {} (column {}); {}",
                    query.problem,
                    query.column + 1,
                    query.fix
                ),
                column: Some(query.column + 1),
            };
        }
        match err.downcast_ref::<Refusal>() {
            Some(Refusal::Invalid(message)) => ApiError::bad_request(message.clone()),
            Some(Refusal::NotFound(message)) => ApiError::not_found(message.clone()),
            None => {
                eprintln!("dossier: {err:#}");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}"))
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            status: self.status.as_u16(),
            error: &self.message,
            column: self.column,
        };
        (self.status, axum::Json(body)).into_response()
    }
}
