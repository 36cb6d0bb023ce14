//! `POST /reservations`: body -> validated reservation -> conditional put -> 201 / 400 / 409 / 500.

use std::time::SystemTime;

use aws_sdk_dynamodb::primitives::{DateTime, DateTimeFormat};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};

use crate::fields::ReservationId;
use crate::request::{self, RequestError};
use crate::reservation::Reservation;
use crate::response;
use crate::store::{PutError, Store};

/// Handles one request; every outcome is an HTTP response (failures are logged here).
pub async fn handle<S: Store>(store: &S, request: Request) -> Response<Body> {
    let new = match request::parse(request.body()) {
        Ok(new) => new,
        Err(RequestError::Malformed(detail)) => return response::bad_request(&detail, &[]),
        Err(RequestError::Invalid(errors)) => {
            return response::bad_request("the reservation has invalid fields", &errors);
        }
    };
    let Some(id) = new
        .reservation_id
        .clone()
        .or_else(|| generated_id(&request))
    else {
        tracing::error!("no request id to derive a reservation id from");
        return response::internal_error();
    };
    let created_at = match received_at(&request).fmt(DateTimeFormat::DateTime) {
        Ok(at) => at,
        Err(e) => {
            tracing::error!(error = %e, "could not format the request time");
            return response::internal_error();
        }
    };
    let reservation = Reservation::pending(new, id, created_at);
    match store.put_new(&reservation).await {
        Ok(()) => {
            tracing::info!(
                reservation_id = %reservation.reservation_id,
                restaurant_id = %reservation.restaurant_id,
                "reservation created"
            );
            response::created(&reservation)
        }
        Err(PutError::AlreadyExists) => response::conflict(&format!(
            "reservation {} already exists",
            reservation.reservation_id
        )),
        Err(e) => {
            tracing::error!(error = %e, reservation_id = %reservation.reservation_id, "put failed");
            response::internal_error()
        }
    }
}

fn api_context(
    request: &Request,
) -> Option<&lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => Some(context),
        _ => None,
    }
}

/// A fresh id from the API's request id (else Lambda's), in a URL-safe form: `+/` -> `-_`, no `=` padding.
fn generated_id(request: &Request) -> Option<ReservationId> {
    let api = api_context(request).and_then(|c| c.request_id.as_deref());
    let lambda = request.lambda_context_ref().map(|c| c.request_id.as_str());
    [api, lambda].into_iter().flatten().find_map(|raw| {
        raw.trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_")
            .parse()
            .ok()
    })
}

/// When API Gateway received the request (its `timeEpoch`), else now.
fn received_at(request: &Request) -> DateTime {
    match api_context(request) {
        Some(context) if context.time_epoch > 0 => DateTime::from_millis(context.time_epoch),
        _ => DateTime::from(SystemTime::now()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::sync::Mutex;

    use lambda_http::http::StatusCode;
    use lambda_http::http::header::{CONTENT_TYPE, LOCATION};
    use serde_json::{Value, json};

    use super::*;

    /// An in-memory table: remembers what was written, can be told to fail.
    #[derive(Debug, Default)]
    struct FakeStore {
        items: Mutex<Vec<Reservation>>,
        broken: bool,
    }

    impl Store for FakeStore {
        async fn put_new(&self, reservation: &Reservation) -> Result<(), PutError> {
            if self.broken {
                return Err(PutError::Backend(
                    "ProvisionedThroughputExceededException: secret-table-arn".into(),
                ));
            }
            let mut items = self.items.lock().unwrap();
            if items
                .iter()
                .any(|r| r.reservation_id == reservation.reservation_id)
            {
                return Err(PutError::AlreadyExists);
            }
            items.push(reservation.clone());
            Ok(())
        }
    }

    fn request(fixture: &str) -> Request {
        lambda_http::request::from_str(fixture).unwrap()
    }

    fn json_body(response: &Response<Body>) -> Value {
        serde_json::from_slice(response.body()).unwrap()
    }

    fn content_type(response: &Response<Body>) -> &str {
        response.headers()[CONTENT_TYPE].to_str().unwrap()
    }

    const VALID: &str = include_str!("fixtures/valid_request.json");
    const VALID_WITH_ID: &str = include_str!("fixtures/valid_request_with_id.json");
    const INVALID: &str = include_str!("fixtures/invalid_request.json");
    const MALFORMED: &str = include_str!("fixtures/malformed_body.json");

    #[tokio::test]
    async fn valid_request_is_stored_pending_and_returned_as_201() {
        let store = FakeStore::default();
        let response = handle(&store, request(VALID)).await;

        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(content_type(&response), "application/json");
        assert_eq!(
            response.headers()[LOCATION],
            "/reservations/JKJaXmPLvHcESHA"
        );
        let expected = json!({
            "reservationId": "JKJaXmPLvHcESHA",
            "restaurantId": "trattoria-42",
            "customerName": "Ada Lovelace",
            "partySize": 4,
            "time": "2026-03-14T19:30:00+01:00",
            "status": "PENDING",
            "createdAt": "2026-03-01T18:40:00.123Z",
        });
        assert_eq!(json_body(&response), expected);
        let items = store.items.lock().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(serde_json::to_value(&items[0]).unwrap(), expected);
    }

    #[tokio::test]
    async fn client_supplied_id_is_kept() {
        let store = FakeStore::default();
        let response = handle(&store, request(VALID_WITH_ID)).await;

        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(json_body(&response)["reservationId"], "client-res-0001");
        assert_eq!(
            store.items.lock().unwrap()[0].reservation_id.as_str(),
            "client-res-0001"
        );
    }

    #[tokio::test]
    async fn invalid_request_lists_every_bad_field() {
        let store = FakeStore::default();
        let response = handle(&store, request(INVALID)).await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(content_type(&response), "application/problem+json");
        assert_eq!(
            json_body(&response),
            json!({
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": "the reservation has invalid fields",
                "errors": [
                    { "field": "restaurantId", "detail": "is required" },
                    { "field": "customerName", "detail": "must be 1..=100 characters long (after trimming)" },
                    { "field": "partySize", "detail": "must be an integer in 1..=20" },
                    { "field": "time", "detail": "must be an RFC 3339 date-time, e.g. 2026-03-01T19:30:00+01:00" },
                    { "field": "reservationId", "detail": "may contain only letters, digits, '-' and '_'" },
                    { "field": "vip", "detail": "unknown field" },
                ],
            })
        );
        assert!(store.items.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn malformed_json_is_a_400_without_field_errors() {
        let response = handle(&FakeStore::default(), request(MALFORMED)).await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body = json_body(&response);
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .starts_with("the request body is not valid JSON")
        );
        assert!(body.get("errors").is_none());
    }

    #[tokio::test]
    async fn wrong_types_and_non_objects_are_rejected() {
        let mut event: Value = serde_json::from_str(VALID).unwrap();
        event["body"] = json!(
            r#"{"restaurantId": 42, "customerName": ["Ada"], "partySize": 4.0, "time": null}"#
        );
        let response = handle(&FakeStore::default(), request(&event.to_string())).await;
        let fields: Vec<_> = json_body(&response)["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}: {}",
                    e["field"].as_str().unwrap(),
                    e["detail"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            fields,
            [
                "restaurantId: must be a string",
                "customerName: must be a string",
                "partySize: must be an integer in 1..=20",
                "time: must be a string",
            ]
        );

        for body in ["[]", "\"x\"", ""] {
            event["body"] = json!(body);
            let response = handle(&FakeStore::default(), request(&event.to_string())).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "body {body:?}");
        }
    }

    #[tokio::test]
    async fn existing_id_is_a_409_and_not_overwritten() {
        let store = FakeStore::default();
        assert_eq!(
            handle(&store, request(VALID_WITH_ID)).await.status(),
            StatusCode::CREATED
        );

        let response = handle(&store, request(VALID_WITH_ID)).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(content_type(&response), "application/problem+json");
        assert_eq!(
            json_body(&response)["detail"],
            "reservation client-res-0001 already exists"
        );
        assert_eq!(store.items.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn store_failure_is_a_generic_500() {
        let store = FakeStore {
            broken: true,
            ..FakeStore::default()
        };
        let response = handle(&store, request(VALID)).await;

        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            json_body(&response),
            json!({ "type": "about:blank", "title": "Internal Server Error", "status": 500 })
        );
    }

    #[test]
    fn generated_ids_are_url_safe() {
        let mut event: Value = serde_json::from_str(VALID).unwrap();
        event["requestContext"]["requestId"] = json!("a+b/c==");
        let id = generated_id(&request(&event.to_string())).unwrap();
        assert_eq!(id.as_str(), "a-b_c");
    }
}
