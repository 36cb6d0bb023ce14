//! The reservation's requests through the runtime library's writer, on JSON fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lambda_http::http::StatusCode;
use lambda_http::http::header::LOCATION;
use lambda_http::{Body, Request, Response};
use reservations::Reservation;
use serde_json::{Value, json};
use tributary_runtime::api::{MemoryStore, REPLAYED, Stored, handle};

use crate::ReservationsApi;

const VALID: &str = include_str!("fixtures/valid_request.json");
const VALID_WITH_ID: &str = include_str!("fixtures/valid_request_with_id.json");
const INVALID: &str = include_str!("fixtures/invalid_request.json");

fn request(fixture: &str) -> Request {
    lambda_http::request::from_str(fixture).unwrap()
}

/// A fixture with `edit` applied to its JSON.
fn edited(fixture: &str, edit: impl FnOnce(&mut Value)) -> Request {
    let mut event: Value = serde_json::from_str(fixture).unwrap();
    edit(&mut event);
    request(&event.to_string())
}

async fn post(store: &MemoryStore, request: Request) -> Response<Body> {
    handle(&ReservationsApi, store, request).await
}

fn json_body(response: &Response<Body>) -> Value {
    serde_json::from_slice(response.body()).unwrap()
}

#[tokio::test]
async fn a_valid_request_is_stored_pending_and_returned_as_201() {
    let store = MemoryStore::default();
    let response = post(&store, request(VALID)).await;

    assert_eq!(response.status(), StatusCode::CREATED);
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
    // The item is what the stream publisher reads back.
    let stored: Stored<Reservation> = store.get("JKJaXmPLvHcESHA").unwrap();
    assert_eq!(serde_json::to_value(&stored.item).unwrap(), expected);
    let attributes = &store.items()[0];
    assert!(attributes["partySize"].is_n());
    assert_eq!(attributes["status"].as_s().unwrap(), "PENDING");
}

#[tokio::test]
async fn the_client_s_reservation_id_is_kept_and_a_replay_gets_it_again() {
    let store = MemoryStore::default();
    let first = post(&store, request(VALID_WITH_ID)).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(json_body(&first)["reservationId"], "client-res-0001");

    let replay = post(&store, request(VALID_WITH_ID)).await;
    assert_eq!(replay.headers()[REPLAYED], "true");
    assert_eq!(json_body(&replay), json_body(&first));

    let other = edited(VALID_WITH_ID, |e| {
        let body = e["body"]
            .as_str()
            .unwrap()
            .replace("Ada Lovelace", "Grace Hopper");
        e["body"] = json!(body);
    });
    let conflict = post(&store, other).await;
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    assert_eq!(
        json_body(&conflict)["detail"],
        "a different reservation with this reservationId already exists"
    );
    assert_eq!(store.ids(), ["client-res-0001"]);
}

#[tokio::test]
async fn an_invalid_request_lists_every_bad_field() {
    let store = MemoryStore::default();
    let response = post(&store, request(INVALID)).await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    // The problem+json envelope is the runtime library's; the fields and their checks are ours.
    assert_eq!(
        json_body(&response)["errors"],
        json!([
                { "field": "restaurantId", "detail": "is required" },
                { "field": "customerName", "detail": "must be 1..=100 characters long (after trimming)" },
                { "field": "partySize", "detail": "must be an integer in 1..=20" },
                { "field": "time", "detail": "must be an RFC 3339 date-time, e.g. 2026-03-01T19:30:00+01:00" },
                { "field": "reservationId", "detail": "may contain only letters, digits, '-' and '_'" },
                { "field": "vip", "detail": "unknown field" },
        ])
    );
    assert!(store.ids().is_empty());
}

#[tokio::test]
async fn an_id_derived_from_the_key_is_a_valid_reservation_id() {
    let store = MemoryStore::default();
    let keyed = edited(VALID, |e| {
        e["headers"]["idempotency-key"] = json!("order-7f3a")
    });
    let response = post(&store, keyed).await;

    let id = json_body(&response)["reservationId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(id.parse::<crate::fields::ReservationId>().is_ok(), "{id}");
    let stored: Stored<Reservation> = store.get(&id).unwrap();
    assert_eq!(stored.idempotency_key.as_deref(), Some("order-7f3a"));
}
