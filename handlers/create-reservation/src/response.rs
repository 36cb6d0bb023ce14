//! HTTP responses: the reservation (201), and RFC 9457 `application/problem+json` bodies for 400, 409 and 500.

use lambda_http::http::header::{CONTENT_TYPE, LOCATION};
use lambda_http::http::{HeaderValue, StatusCode};
use lambda_http::{Body, Response};
use serde_json::{Value, json};

use crate::request::FieldError;
use crate::reservation::Reservation;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// 201 with the reservation as JSON and its `Location`.
pub fn created(reservation: &Reservation) -> Response<Body> {
    match serde_json::to_string(reservation) {
        Ok(body) => {
            let mut response = with_body(StatusCode::CREATED, "application/json", body);
            let location = format!("/reservations/{}", reservation.reservation_id);
            if let Ok(location) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(LOCATION, location);
            }
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "could not serialize the reservation");
            internal_error()
        }
    }
}

/// 400: the body is not JSON, or lists every bad field as `errors: [{field, detail}]`.
pub fn bad_request(detail: &str, errors: &[FieldError]) -> Response<Body> {
    let mut body = problem(StatusCode::BAD_REQUEST, Some(detail));
    if !errors.is_empty() {
        body["errors"] = errors
            .iter()
            .map(|e| json!({ "field": e.field, "detail": e.detail }))
            .collect();
    }
    problem_response(StatusCode::BAD_REQUEST, &body)
}

/// 409: a reservation with this id already exists.
pub fn conflict(detail: &str) -> Response<Body> {
    problem_response(
        StatusCode::CONFLICT,
        &problem(StatusCode::CONFLICT, Some(detail)),
    )
}

/// 500 with a generic body: the cause is logged, never sent.
pub fn internal_error() -> Response<Body> {
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
