//! HTTP responses: the created item (201), and RFC 9457 `application/problem+json` bodies for the
//! errors (400, 409, 413, 415, 500).

use lambda_http::http::header::{CONTENT_TYPE, LOCATION};
use lambda_http::http::{HeaderValue, StatusCode};
use lambda_http::{Body, Response};
use serde_json::{Value, json};

use crate::api::FieldError;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The header that marks a replayed response.
pub const REPLAYED: &str = "idempotent-replayed";

/// 201 with `body` as JSON and its `Location`; a replay says so in [`REPLAYED`].
pub(crate) fn created(body: &Value, location: &str, replayed: bool) -> Response<Body> {
    let mut response = with_body(StatusCode::CREATED, "application/json", body.to_string());
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, location);
    }
    if replayed {
        response
            .headers_mut()
            .insert(REPLAYED, HeaderValue::from_static("true"));
    }
    response
}

/// 400: the body is not JSON, or lists every bad field as `errors: [{field, detail}]`.
pub(crate) fn bad_request(detail: &str, errors: &[FieldError]) -> Response<Body> {
    let mut body = problem(StatusCode::BAD_REQUEST, Some(detail));
    if !errors.is_empty() {
        body["errors"] = errors
            .iter()
            .map(|e| json!({ "field": e.field, "detail": e.detail }))
            .collect();
    }
    problem_response(StatusCode::BAD_REQUEST, &body)
}

/// 413: the body is larger than the handler reads.
pub(crate) fn payload_too_large(size: usize, max: usize) -> Response<Body> {
    let detail = format!("the request body is {size} bytes; at most {max} are accepted");
    problem_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        &problem(StatusCode::PAYLOAD_TOO_LARGE, Some(&detail)),
    )
}

/// 415: the body is not declared as JSON.
pub(crate) fn unsupported_media_type(found: &str) -> Response<Body> {
    let found: String = found.chars().take(100).collect();
    let detail = format!("the request body must be application/json, not {found:?}");
    problem_response(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, Some(&detail)),
    )
}

/// 409: the id is taken by a different request.
pub(crate) fn conflict(detail: &str) -> Response<Body> {
    problem_response(
        StatusCode::CONFLICT,
        &problem(StatusCode::CONFLICT, Some(detail)),
    )
}

/// 500 with a generic body: the cause is logged, never sent.
pub(crate) fn internal_error() -> Response<Body> {
    problem_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        &problem(StatusCode::INTERNAL_SERVER_ERROR, None),
    )
}

fn problem(status: StatusCode, detail: Option<&str>) -> Value {
    let mut body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or_default(),
        "status": status.as_u16(),
    });
    if let Some(detail) = detail {
        body["detail"] = detail.into();
    }
    body
}

fn problem_response(status: StatusCode, body: &Value) -> Response<Body> {
    with_body(status, PROBLEM_JSON, body.to_string())
}

fn with_body(status: StatusCode, content_type: &'static str, body: String) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
