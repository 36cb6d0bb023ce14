//! One request -> one response: media type, size, idempotency key, validation, ONE conditional
//! put, then 201 / 400 / 409 / 413 / 415 / 500.
//!
//! Idempotency: the item's id is the body's (when the [`Resource`] finds one), else derived from
//! the `Idempotency-Key` header (SHA-256, so any key maps to a safe id), else generated from the
//! request id. The item is written only if that id is new. When it is not, the existing item
//! (returned by the failed put itself) decides: created by the same request (same key, same
//! payload fingerprint) -> the original item again, 201 with `Idempotent-Replayed: true`;
//! anything else -> 409.

use aws_sdk_dynamodb::primitives::DateTimeFormat;
use lambda_http::{Body, Request, Response};
use serde_json::Value;

use crate::api::request::{self, fingerprint};
use crate::api::{Fields, Key, NewItem, PutError, Resource, Store, Stored, response};

/// Largest accepted request body, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Handles one request; every outcome is an HTTP response (failures are logged here).
pub async fn handle<R: Resource, S: Store>(
    resource: &R,
    store: &S,
    request: Request,
) -> Response<Body> {
    if let Err(found) = request::json_media_type(&request) {
        return response::unsupported_media_type(&found);
    }
    let body = request.body().as_ref();
    if body.len() > MAX_BODY_BYTES {
        return response::payload_too_large(body.len(), MAX_BODY_BYTES);
    }
    let key = match request::idempotency_key(&request) {
        Ok(key) => key,
        Err(error) => return response::bad_request("the request has an invalid header", &[error]),
    };
    let object = match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return response::bad_request("the request body must be a JSON object", &[]),
        Err(e) if e.is_eof() && body.iter().all(u8::is_ascii_whitespace) => {
            return response::bad_request("the request body is empty", &[]);
        }
        Err(e) => {
            return response::bad_request(&format!("the request body is not valid JSON: {e}"), &[]);
        }
    };
    let fingerprint = fingerprint(&object);
    let mut fields = Fields::new(object);
    let valid = resource.validate(&mut fields);
    let errors = fields.finish();
    let valid = match valid {
        Some(valid) if errors.is_empty() => valid,
        _ => {
            let detail = format!("the {} has invalid fields", R::NAME);
            return response::bad_request(&detail, &errors);
        }
    };
    let id = resource
        .client_id(&valid)
        .map(str::to_owned)
        .or_else(|| key.as_deref().map(request::id_from_key))
        .or_else(|| request::generated_id(&request));
    let Some(id) = id else {
        tracing::error!("no request id to derive an id from");
        return response::internal_error();
    };
    let received_at = match request::received_at(&request).fmt(DateTimeFormat::DateTime) {
        Ok(at) => at,
        Err(e) => {
            tracing::error!(error = %e, "could not format the request time");
            return response::internal_error();
        }
    };
    let new = NewItem { id, received_at };
    let stored = Stored {
        item: resource.item(valid, &new),
        idempotency_key: key,
        fingerprint,
    };
    let id = new.id.as_str();
    let location = request::location(&request, id);
    let created = |item: &R::Item, replayed: bool| match resource.response(item) {
        Ok(body) => response::created(&body, &location, replayed),
        Err(e) => {
            tracing::error!(error = %e, id, "could not serialize the response");
            response::internal_error()
        }
    };
    let key = Key {
        attribute: R::ID_ATTRIBUTE,
        value: id,
    };
    match store.put_new(key, &stored).await {
        Ok(()) => {
            tracing::info!(id, "{} created", R::NAME);
            created(&stored.item, false)
        }
        Err(PutError::AlreadyExists(existing)) if existing.same_request(&stored) => {
            tracing::info!(id, "replayed request: returning the original {}", R::NAME);
            created(&existing.item, true)
        }
        Err(PutError::AlreadyExists(_)) => {
            let detail = match &stored.idempotency_key {
                Some(_) => format!(
                    "this Idempotency-Key (or {}) was already used for a different request",
                    R::ID_ATTRIBUTE
                ),
                None => format!(
                    "a different {} with this {} already exists",
                    R::NAME,
                    R::ID_ATTRIBUTE
                ),
            };
            tracing::info!(id, "conflicting request");
            response::conflict(&detail)
        }
        Err(e) => {
            tracing::error!(error = %e, id, "put failed");
            response::internal_error()
        }
    }
}
