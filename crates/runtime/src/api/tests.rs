//! The API paths on JSON fixtures (HTTP API payload 2.0 requests), with a small test resource
//! shaped like the bundled example's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lambda_http::http::StatusCode;
use lambda_http::http::header::{CONTENT_TYPE, LOCATION};
use lambda_http::{Body, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::*;

const VALID: &str = include_str!("fixtures/valid_request.json");
const VALID_WITH_ID: &str = include_str!("fixtures/valid_request_with_id.json");
const INVALID: &str = include_str!("fixtures/invalid_request.json");
const MALFORMED: &str = include_str!("fixtures/malformed_body.json");

/// A valid booking request.
struct NewBooking {
    id: Option<String>,
    restaurant_id: String,
    customer_name: String,
    party_size: u64,
    time: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Booking {
    reservation_id: String,
    restaurant_id: String,
    customer_name: String,
    party_size: u8,
    time: String,
    status: String,
    created_at: String,
}

fn safe_id(s: String) -> Result<String, String> {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(s)
    } else {
        Err("may contain only letters, digits, '-' and '_'".to_owned())
    }
}

struct Bookings;
impl Resource for Bookings {
    const NAME: &'static str = "reservation";
    const ID_ATTRIBUTE: &'static str = "reservationId";
    type Request = NewBooking;
    type Item = Booking;

    fn validate(&self, fields: &mut Fields) -> Option<NewBooking> {
        let restaurant_id =
            fields.required("restaurantId", |v| fields::string(v).and_then(safe_id));
        let customer_name = fields.required("customerName", |v| {
            let name: String = fields::string(v)?;
            match name.trim() {
                "" => Err("must not be blank".to_owned()),
                name => Ok(name.to_owned()),
            }
        });
        let party_size = fields.required("partySize", |v| match v.as_u64() {
            Some(n @ 1..=20) => Ok(n),
            _ => Err("must be an integer in 1..=20".to_owned()),
        });
        let time = fields.required("time", fields::string::<String>);
        let id = fields.optional("reservationId", |v| fields::string(v).and_then(safe_id));
        Some(NewBooking {
            id,
            restaurant_id: restaurant_id?,
            customer_name: customer_name?,
            party_size: party_size?,
            time: time?,
        })
    }

    fn client_id<'a>(&self, request: &'a NewBooking) -> Option<&'a str> {
        request.id.as_deref()
    }

    fn item(&self, request: NewBooking, new: &NewItem) -> Booking {
        Booking {
            reservation_id: new.id.clone(),
            restaurant_id: request.restaurant_id,
            customer_name: request.customer_name,
            party_size: u8::try_from(request.party_size).unwrap_or_default(),
            time: request.time,
            status: "PENDING".to_owned(),
            created_at: new.received_at.clone(),
        }
    }
}

async fn handle(store: &MemoryStore, request: Request) -> Response<Body> {
    super::handle(&Bookings, store, request).await
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

/// The fixture's body with `from` replaced by `to`.
fn with_body_edit(fixture: &str, key: Option<&str>, from: &str, to: &str) -> Request {
    edited(fixture, |e| {
        if let Some(key) = key {
            e["headers"]["idempotency-key"] = json!(key);
        }
        let body = e["body"].as_str().unwrap().replace(from, to);
        e["body"] = json!(body);
    })
}

fn json_body(response: &Response<Body>) -> Value {
    serde_json::from_slice(response.body()).unwrap()
}

fn content_type(response: &Response<Body>) -> &str {
    response.headers()[CONTENT_TYPE].to_str().unwrap()
}

#[tokio::test]
async fn a_valid_request_is_stored_and_returned_as_201_with_its_location() {
    let store = MemoryStore::default();
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
    let stored: Stored<Booking> = store.get("JKJaXmPLvHcESHA").unwrap();
    assert_eq!(serde_json::to_value(&stored.item).unwrap(), expected);
    assert_eq!(stored.idempotency_key, None);
    assert_eq!(stored.fingerprint.len(), 64);
}

#[tokio::test]
async fn the_client_s_id_is_kept() {
    let store = MemoryStore::default();
    let response = handle(&store, request(VALID_WITH_ID)).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(json_body(&response)["reservationId"], "client-res-0001");
    assert_eq!(store.ids(), ["client-res-0001"]);
}

#[tokio::test]
async fn an_invalid_request_lists_every_bad_field_then_the_unknown_ones() {
    let store = MemoryStore::default();
    let response = handle(&store, request(INVALID)).await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(content_type(&response), PROBLEM_JSON);
    assert_eq!(
        json_body(&response),
        json!({
            "type": "about:blank",
            "title": "Bad Request",
            "status": 400,
            "detail": "the reservation has invalid fields",
            "errors": [
                { "field": "restaurantId", "detail": "is required" },
                { "field": "customerName", "detail": "must not be blank" },
                { "field": "partySize", "detail": "must be an integer in 1..=20" },
                { "field": "reservationId", "detail": "may contain only letters, digits, '-' and '_'" },
                { "field": "vip", "detail": "unknown field" },
            ],
        })
    );
    assert!(store.ids().is_empty());
}

#[tokio::test]
async fn malformed_json_empty_bodies_and_non_objects_are_400s_without_field_errors() {
    let response = handle(&MemoryStore::default(), request(MALFORMED)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = json_body(&response);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("the request body is not valid JSON")
    );
    assert!(body.get("errors").is_none());

    for (body, detail) in [
        ("[]", "the request body must be a JSON object"),
        ("\"x\"", "the request body must be a JSON object"),
        ("", "the request body is empty"),
        ("  \n", "the request body is empty"),
    ] {
        let response = handle(
            &MemoryStore::default(),
            edited(VALID, |e| e["body"] = json!(body)),
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "body {body:?}");
        assert_eq!(json_body(&response)["detail"], detail, "body {body:?}");
    }
}

#[tokio::test]
async fn wrong_types_are_named_per_field() {
    let body = r#"{"restaurantId": 42, "customerName": ["Ada"], "partySize": 4.0, "time": null}"#;
    let response = handle(
        &MemoryStore::default(),
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
}

#[tokio::test]
async fn a_replayed_request_gets_the_original_item() {
    let store = MemoryStore::default();
    let first = handle(&store, with_key(VALID, "order-7f3a")).await;
    assert_eq!(first.status(), StatusCode::CREATED);

    // A retry arrives later, through another API request id, its JSON laid out differently.
    let replay = edited(VALID, |e| {
        e["headers"]["idempotency-key"] = json!("order-7f3a");
        e["requestContext"]["requestId"] = json!("OtherRequest1=");
        e["requestContext"]["timeEpoch"] = json!(1772390460000_i64);
        let body: Value = serde_json::from_str(e["body"].as_str().unwrap()).unwrap();
        let mut fields: Vec<_> = body.as_object().unwrap().iter().collect();
        fields.reverse();
        let reordered: serde_json::Map<_, _> = fields
            .into_iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        e["body"] = json!(serde_json::to_string_pretty(&reordered).unwrap());
    });
    let replay = handle(&store, replay).await;

    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()[REPLAYED], "true");
    assert_eq!(json_body(&replay), json_body(&first));
    assert_eq!(replay.headers()[LOCATION], first.headers()[LOCATION]);
    assert_eq!(store.ids().len(), 1);
}

#[tokio::test]
async fn the_same_key_with_a_different_payload_is_a_409() {
    let store = MemoryStore::default();
    handle(&store, with_key(VALID, "order-7f3a")).await;

    let other = with_body_edit(
        VALID,
        Some("order-7f3a"),
        "\"partySize\": 4",
        "\"partySize\": 5",
    );
    let response = handle(&store, other).await;

    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(content_type(&response), PROBLEM_JSON);
    assert_eq!(
        json_body(&response)["detail"],
        "this Idempotency-Key (or reservationId) was already used for a different request"
    );
    let stored: Stored<Booking> = store.get(&store.ids()[0]).unwrap();
    assert_eq!(stored.item.party_size, 4);
}

#[tokio::test]
async fn the_key_decides_the_id_so_the_api_request_id_does_not() {
    let store = MemoryStore::default();
    let response = handle(&store, with_key(VALID, "order-7f3a")).await;

    let id = json_body(&response)["reservationId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 32);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    let stored: Stored<Booking> = store.get(&id).unwrap();
    assert_eq!(stored.idempotency_key.as_deref(), Some("order-7f3a"));
    let attributes = &store.items()[0];
    assert!(attributes.contains_key(IDEMPOTENCY_KEY_ATTRIBUTE));
    assert!(attributes.contains_key(FINGERPRINT_ATTRIBUTE));
}

#[tokio::test]
async fn a_client_id_replayed_is_201_and_reused_for_another_body_is_409() {
    let store = MemoryStore::default();
    assert_eq!(
        handle(&store, request(VALID_WITH_ID)).await.status(),
        StatusCode::CREATED
    );
    let replay = handle(&store, request(VALID_WITH_ID)).await;
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()[REPLAYED], "true");

    let other = with_body_edit(VALID_WITH_ID, None, "Ada Lovelace", "Grace Hopper");
    let response = handle(&store, other).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(
        json_body(&response)["detail"],
        "a different reservation with this reservationId already exists"
    );
    // The same body under a key it was not created with is another request too.
    let keyed = handle(&store, with_key(VALID_WITH_ID, "k")).await;
    assert_eq!(keyed.status(), StatusCode::CONFLICT);
    assert_eq!(store.ids(), ["client-res-0001"]);
}

#[tokio::test]
async fn bad_idempotency_keys_are_a_400_naming_the_header() {
    for key in ["", "has space", &"k".repeat(IDEMPOTENCY_KEY_MAX_LEN + 1)] {
        let store = MemoryStore::default();
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
    let store = MemoryStore::default();
    let big = format!(r#"{{"customerName": "{}"}}"#, "x".repeat(MAX_BODY_BYTES));
    let response = handle(&store, edited(VALID, |e| e["body"] = json!(big))).await;

    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(content_type(&response), PROBLEM_JSON);
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
        let response = handle(&MemoryStore::default(), request).await;
        assert_eq!(response.status(), status, "{content_type}");
    }
    let missing = edited(VALID, |e| {
        e["headers"].as_object_mut().unwrap().remove("content-type");
    });
    let response = handle(&MemoryStore::default(), missing).await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn a_store_failure_is_a_500_that_says_nothing_of_its_cause() {
    let response = handle(&MemoryStore::broken(), request(VALID)).await;

    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        json_body(&response),
        json!({ "type": "about:blank", "title": "Internal Server Error", "status": 500 })
    );
}

#[test]
fn generated_ids_are_url_safe_and_derived_ids_hex() {
    let id = request::generated_id(&edited(VALID, |e| {
        e["requestContext"]["requestId"] = json!("a+b/c==")
    }))
    .unwrap();
    assert_eq!(id, "a-b_c");
    let unsafe_id = edited(VALID, |e| e["requestContext"]["requestId"] = json!("a b"));
    assert_eq!(request::generated_id(&unsafe_id), None);
    assert_eq!(request::id_from_key("k"), request::id_from_key("k"));
    assert_ne!(request::id_from_key("k"), request::id_from_key("l"));
}

#[test]
fn rfc3339_date_times_with_or_without_offset() {
    assert!(fields::is_rfc3339("2026-03-01T19:30:00Z"));
    assert!(fields::is_rfc3339("2026-03-01T19:30:00.5+01:00"));
    assert!(!fields::is_rfc3339("2026-03-01 19:30"));
    assert!(!fields::is_rfc3339("tomorrow"));
}

#[test]
fn the_fingerprint_ignores_layout_but_not_content() {
    let object = |text: &str| match serde_json::from_str(text).unwrap() {
        Value::Object(object) => object,
        _ => unreachable!(),
    };
    let a = request::fingerprint(&object(r#"{"a": 1, "b": {"x": [1, "y"], "w": null}}"#));
    let b = request::fingerprint(&object(r#"{"b":{"w":null,"x":[1,"y"]},"a":1}"#));
    let c = request::fingerprint(&object(r#"{"a": 2, "b": {"x": [1, "y"], "w": null}}"#));
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn stored_items_round_trip_through_dynamodb_attributes() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let stored = Stored {
        item: Booking {
            reservation_id: "res-1".into(),
            restaurant_id: "r1".into(),
            customer_name: "Ada".into(),
            party_size: 2,
            time: "2026-03-14T19:30:00Z".into(),
            status: "PENDING".into(),
            created_at: "2026-03-01T18:40:00Z".into(),
        },
        idempotency_key: Some("key-1".to_owned()),
        fingerprint: "f".repeat(64),
    };
    let attributes: std::collections::HashMap<String, AttributeValue> =
        serde_dynamo::to_item(&stored).unwrap();
    assert_eq!(attributes["partySize"], AttributeValue::N("2".into()));
    assert_eq!(
        attributes[IDEMPOTENCY_KEY_ATTRIBUTE],
        AttributeValue::S("key-1".into())
    );
    assert_eq!(
        attributes[FINGERPRINT_ATTRIBUTE],
        AttributeValue::S("f".repeat(64))
    );
    let back: Stored<Booking> = serde_dynamo::from_item(attributes).unwrap();
    assert_eq!(back, stored);
}
