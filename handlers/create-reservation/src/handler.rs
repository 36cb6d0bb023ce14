//! `POST /reservations`: body -> validated reservation -> conditional put -> 201 / 400 / 409 /
//! 413 / 415 / 500.
//!
//! Idempotency: the reservation's id is the body's `reservationId` if the client sent one, else it
//! is derived from the `Idempotency-Key` header (SHA-256, so any key maps to a valid id), else it is
//! generated from the request id. The item is written only if that id is new. When it is not, the
//! existing item (returned by the failed put itself) decides: created by the same request (same key,
//! same fields) -> the original reservation again, 201 with `Idempotent-Replayed: true`; anything
//! else -> 409.

use std::time::SystemTime;

use aws_sdk_dynamodb::primitives::{DateTime, DateTimeFormat};
use lambda_http::http::header::CONTENT_TYPE;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use sha2::{Digest, Sha256};

use crate::fields::ReservationId;
use crate::item::StoredReservation;
use crate::request::{self, FieldError, RequestError};
use crate::response;
use crate::store::{PutError, Store};

/// Largest accepted request body, in bytes: a reservation is a few hundred.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// The header carrying the client's idempotency key.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Longest accepted idempotency key, in characters (printable ASCII).
pub const IDEMPOTENCY_KEY_MAX_LEN: usize = 255;

/// Handles one request; every outcome is an HTTP response (failures are logged here).
pub async fn handle<S: Store>(store: &S, request: Request) -> Response<Body> {
    if let Err(found) = json_media_type(&request) {
        return response::unsupported_media_type(&found);
    }
    let body = request.body().as_ref();
    if body.len() > MAX_BODY_BYTES {
        return response::payload_too_large(body.len(), MAX_BODY_BYTES);
    }
    let key = match idempotency_key(&request) {
        Ok(key) => key,
        Err(error) => return response::bad_request("the request has an invalid header", &[error]),
    };
    let new = match request::parse(body) {
        Ok(new) => new,
        Err(RequestError::Malformed(detail)) => return response::bad_request(&detail, &[]),
        Err(RequestError::Invalid(errors)) => {
            return response::bad_request("the reservation has invalid fields", &errors);
        }
    };
    let id = new
        .reservation_id
        .clone()
        .or_else(|| key.as_deref().and_then(id_from_key))
        .or_else(|| generated_id(&request));
    let Some(id) = id else {
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
    let item = StoredReservation::pending(new, id, key, created_at);
    let r = &item.reservation;
    match store.put_new(&item).await {
        Ok(()) => {
            tracing::info!(reservation_id = %r.reservation_id, restaurant_id = %r.restaurant_id, "reservation created");
            response::created(r, false)
        }
        Err(PutError::AlreadyExists(existing)) if existing.same_request(&item) => {
            tracing::info!(reservation_id = %r.reservation_id, "replayed request: returning the original reservation");
            response::created(&existing.reservation, true)
        }
        Err(PutError::AlreadyExists(_)) => {
            let detail = match &item.idempotency_key {
                Some(_) => {
                    "this Idempotency-Key (or reservationId) was already used for a different request"
                }
                None => "a different reservation with this reservationId already exists",
            };
            tracing::info!(reservation_id = %r.reservation_id, "conflicting request");
            response::conflict(detail)
        }
        Err(e) => {
            tracing::error!(error = %e, reservation_id = %r.reservation_id, "put failed");
            response::internal_error()
        }
    }
}

/// `Ok` for `application/json` or any `+json` type (parameters such as `charset` allowed); `Err`
/// with what was sent otherwise.
fn json_media_type(request: &Request) -> Result<(), String> {
    let value = request
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Ok(())
    } else {
        Err(value)
    }
}

/// The `Idempotency-Key` header, if sent: 1..=255 printable ASCII characters.
fn idempotency_key(request: &Request) -> Result<Option<String>, FieldError> {
    let Some(value) = request.headers().get(IDEMPOTENCY_KEY_HEADER) else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    if bytes.is_empty()
        || bytes.len() > IDEMPOTENCY_KEY_MAX_LEN
        || !bytes.iter().all(|b| b.is_ascii_graphic())
    {
        return Err(FieldError {
            field: "Idempotency-Key".to_owned(),
            detail: format!(
                "must be 1..={IDEMPOTENCY_KEY_MAX_LEN} printable ASCII characters without spaces"
            ),
        });
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// The reservation id an idempotency key stands for: 32 hex digits of its SHA-256.
fn id_from_key(key: &str) -> Option<ReservationId> {
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    hex.parse().ok()
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
    use crate::response::REPLAYED;

    /// An in-memory table with DynamoDB's conditional-put semantics; can be told to fail.
    #[derive(Debug, Default)]
    struct FakeStore {
        items: Mutex<Vec<StoredReservation>>,
        broken: bool,
    }

    impl Store for FakeStore {
        async fn put_new(&self, item: &StoredReservation) -> Result<(), PutError> {
            if self.broken {
                return Err(PutError::Backend(
                    "ProvisionedThroughputExceededException: secret-table-arn".into(),
                ));
            }
            let mut items = self.items.lock().unwrap();
            let id = &item.reservation.reservation_id;
            if let Some(existing) = items.iter().find(|i| i.reservation.reservation_id == *id) {
                return Err(PutError::AlreadyExists(Box::new(existing.clone())));
            }
            items.push(item.clone());
            Ok(())
        }
    }

    impl FakeStore {
        fn ids(&self) -> Vec<String> {
            let items = self.items.lock().unwrap();
            items
                .iter()
                .map(|i| i.reservation.reservation_id.clone())
                .collect()
        }
    }

    fn request(fixture: &str) -> Request {
        lambda_http::request::from_str(fixture).unwrap()
    }

    /// A fixture with `edit` applied to its JSON.
    fn edited(fixture: &str, edit: impl FnOnce(&mut Value)) -> Request {
        let mut event: Value = serde_json::from_str(fixture).unwrap();
        edit(&mut event);
        request(&event.to_string())
    }

    fn with_key(fixture: &str, key: &str) -> Request {
        edited(fixture, |e| e["headers"]["idempotency-key"] = json!(key))
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
        assert!(response.headers().get(REPLAYED).is_none());
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
        assert_eq!(store.ids(), ["client-res-0001"]);
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
        assert!(store.ids().is_empty());
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
        let body =
            r#"{"restaurantId": 42, "customerName": ["Ada"], "partySize": 4.0, "time": null}"#;
        let response = handle(
            &FakeStore::default(),
            edited(VALID, |e| e["body"] = json!(body)),
        )
        .await;
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
            let response = handle(
                &FakeStore::default(),
                edited(VALID, |e| e["body"] = json!(body)),
            )
            .await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "body {body:?}");
        }
    }

    #[tokio::test]
    async fn a_replayed_request_gets_the_original_reservation() {
        let store = FakeStore::default();
        let first = handle(&store, with_key(VALID, "order-7f3a")).await;
        assert_eq!(first.status(), StatusCode::CREATED);

        // A retry arrives later, through another API request id.
        let replay = handle(
            &store,
            edited(VALID, |e| {
                e["headers"]["idempotency-key"] = json!("order-7f3a");
                e["requestContext"]["requestId"] = json!("OtherRequest1=");
                e["requestContext"]["timeEpoch"] = json!(1772390460000_i64);
            }),
        )
        .await;

        assert_eq!(replay.status(), StatusCode::CREATED);
        assert_eq!(replay.headers()[REPLAYED], "true");
        assert_eq!(json_body(&replay), json_body(&first));
        assert_eq!(store.ids().len(), 1);
    }

    #[tokio::test]
    async fn the_same_key_with_a_different_request_is_a_409() {
        let store = FakeStore::default();
        handle(&store, with_key(VALID, "order-7f3a")).await;

        let other = edited(VALID, |e| {
            e["headers"]["idempotency-key"] = json!("order-7f3a");
            let body = e["body"]
                .as_str()
                .unwrap()
                .replace("\"partySize\": 4", "\"partySize\": 5");
            e["body"] = json!(body);
        });
        let response = handle(&store, other).await;

        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(content_type(&response), "application/problem+json");
        assert!(
            json_body(&response)["detail"]
                .as_str()
                .unwrap()
                .contains("already used for a different request")
        );
        assert_eq!(store.items.lock().unwrap()[0].reservation.party_size, 4);
    }

    #[tokio::test]
    async fn the_key_decides_the_id_so_the_api_request_id_does_not() {
        let store = FakeStore::default();
        let response = handle(&store, with_key(VALID, "order-7f3a")).await;

        let id = json_body(&response)["reservationId"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(id.len(), 32);
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
        assert_ne!(id, "JKJaXmPLvHcESHA");
        assert_eq!(
            store.items.lock().unwrap()[0].idempotency_key.as_deref(),
            Some("order-7f3a")
        );
    }

    #[tokio::test]
    async fn a_client_id_replayed_is_201_and_reused_for_another_body_is_409() {
        let store = FakeStore::default();
        assert_eq!(
            handle(&store, request(VALID_WITH_ID)).await.status(),
            StatusCode::CREATED
        );
        let replay = handle(&store, request(VALID_WITH_ID)).await;
        assert_eq!(replay.status(), StatusCode::CREATED);
        assert_eq!(replay.headers()[REPLAYED], "true");

        let other = edited(VALID_WITH_ID, |e| {
            let body = e["body"]
                .as_str()
                .unwrap()
                .replace("Ada Lovelace", "Grace Hopper");
            e["body"] = json!(body);
        });
        let response = handle(&store, other).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(
            json_body(&response)["detail"],
            "a different reservation with this reservationId already exists"
        );
        assert_eq!(store.ids(), ["client-res-0001"]);
    }

    #[tokio::test]
    async fn bad_idempotency_keys_are_a_400_naming_the_header() {
        for key in ["", "has space", &"k".repeat(IDEMPOTENCY_KEY_MAX_LEN + 1)] {
            let store = FakeStore::default();
            let response = handle(&store, with_key(VALID, key)).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{key:?}");
            assert_eq!(
                json_body(&response)["errors"][0]["field"],
                "Idempotency-Key"
            );
            assert!(store.ids().is_empty());
        }
    }

    #[tokio::test]
    async fn an_oversized_body_is_a_413_and_writes_nothing() {
        let store = FakeStore::default();
        let big = format!(r#"{{"customerName": "{}"}}"#, "x".repeat(MAX_BODY_BYTES));
        let response = handle(&store, edited(VALID, |e| e["body"] = json!(big))).await;

        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(content_type(&response), "application/problem+json");
        assert!(store.ids().is_empty());
    }

    #[tokio::test]
    async fn only_json_bodies_are_accepted() {
        for (content_type, status) in [
            ("application/json; charset=utf-8", StatusCode::CREATED),
            ("Application/JSON", StatusCode::CREATED),
            ("application/merge-patch+json", StatusCode::CREATED),
            (
                "application/x-www-form-urlencoded",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ),
            ("text/plain", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ] {
            let request = edited(VALID, |e| {
                e["headers"]["content-type"] = json!(content_type)
            });
            let response = handle(&FakeStore::default(), request).await;
            assert_eq!(response.status(), status, "{content_type}");
        }
        let missing = edited(VALID, |e| {
            e["headers"].as_object_mut().unwrap().remove("content-type");
        });
        let response = handle(&FakeStore::default(), missing).await;
        assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
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
        let id = generated_id(&edited(VALID, |e| {
            e["requestContext"]["requestId"] = json!("a+b/c==")
        }))
        .unwrap();
        assert_eq!(id.as_str(), "a-b_c");
    }

    #[test]
    fn stored_items_round_trip_through_dynamodb_attributes() {
        let item = StoredReservation::pending(
            crate::request::parse(br#"{"restaurantId": "r1", "customerName": "Ada", "partySize": 2, "time": "2026-03-14T19:30:00Z"}"#).unwrap(),
            "res-1".parse().unwrap(),
            Some("key-1".to_owned()),
            "2026-03-01T18:40:00Z".to_owned(),
        );
        let attributes: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> =
            serde_dynamo::to_item(&item).unwrap();
        assert_eq!(
            attributes["partySize"],
            aws_sdk_dynamodb::types::AttributeValue::N("2".into())
        );
        assert_eq!(
            attributes["status"],
            aws_sdk_dynamodb::types::AttributeValue::S("PENDING".into())
        );
        let back: StoredReservation = serde_dynamo::from_item(attributes).unwrap();
        assert_eq!(back, item);
    }
}
