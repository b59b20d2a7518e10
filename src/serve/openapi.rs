//! The OpenAPI 3.1 document of the API, written by hand next to the code it describes and
//! compiled in; tests hold it and the routes together, and fuzz the API from it.

use axum::http::header;
use axum::response::IntoResponse;

/// The document, as served at `/api/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// `GET /api/openapi.json`.
pub(super) async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented_and_every_documented_path_is_routed() {
        let document: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        let mut documented: Vec<&str> = document["paths"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut routed = super::super::ROUTES.to_vec();
        documented.sort_unstable();
        routed.sort_unstable();
        assert_eq!(documented, routed);
    }
}
