//! What the library reads from a request besides the body: the media type, the
//! `Idempotency-Key` header, the ids it stands for, when the request was received, and the
//! fingerprint that tells a replay from a different request.

use std::fmt::Write as _;
use std::time::SystemTime;

use aws_sdk_dynamodb::primitives::DateTime;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::http::header::CONTENT_TYPE;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::api::FieldError;

/// The header carrying the client's idempotency key.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Longest accepted idempotency key, in characters (printable ASCII).
pub const IDEMPOTENCY_KEY_MAX_LEN: usize = 255;

/// `Ok` for `application/json` or any `+json` type (parameters such as `charset` allowed); `Err`
/// with what was sent otherwise.
pub(crate) fn json_media_type(request: &Request) -> Result<(), String> {
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
pub(crate) fn idempotency_key(request: &Request) -> Result<Option<String>, FieldError> {
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

/// The id an idempotency key stands for: 32 hex digits of its SHA-256.
pub(crate) fn id_from_key(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes())[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

fn api_context(request: &Request) -> Option<&ApiGatewayV2httpRequestContext> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => Some(context),
        _ => None,
    }
}

/// A fresh id from the API's request id (else Lambda's), in a URL-safe form: `+/` -> `-_`, no
/// `=` padding, only `[A-Za-z0-9_-]`, 1..=64 characters.
pub(crate) fn generated_id(request: &Request) -> Option<String> {
    let api = api_context(request).and_then(|c| c.request_id.as_deref());
    let lambda = request.lambda_context_ref().map(|c| c.request_id.as_str());
    [api, lambda].into_iter().flatten().find_map(|raw| {
        let id = raw
            .trim_end_matches('=')
            .replace('+', "-")
            .replace('/', "_");
        let safe = id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        (safe && (1..=64).contains(&id.len())).then_some(id)
    })
}

/// When API Gateway received the request (its `timeEpoch`), else now.
pub(crate) fn received_at(request: &Request) -> DateTime {
    match api_context(request) {
        Some(context) if context.time_epoch > 0 => DateTime::from_millis(context.time_epoch),
        _ => DateTime::from(SystemTime::now()),
    }
}

/// Where the created item lives: the request's path, then its id.
pub(crate) fn location(request: &Request, id: &str) -> String {
    let path = match request.raw_http_path() {
        "" => request.uri().path(),
        raw => raw,
    };
    format!("{}/{id}", path.trim_end_matches('/'))
}

/// The fingerprint of a request body: 64 hex digits of the SHA-256 of its canonical JSON (object
/// keys sorted, no white space), so the same payload sent again matches however it is laid out.
pub(crate) fn fingerprint(body: &Map<String, Value>) -> String {
    let mut canonical = String::new();
    write_object(body, &mut canonical);
    hex(&Sha256::digest(canonical.as_bytes()))
}

fn write_object(object: &Map<String, Value>, out: &mut String) {
    let mut entries: Vec<_> = object.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::from(key.as_str()).to_string());
        out.push(':');
        write_value(value, out);
    }
    out.push('}');
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(object) => write_object(object, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}
