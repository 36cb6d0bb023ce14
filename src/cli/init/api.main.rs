//! `POST /{{source}}`: the request validated into a new {{item}}, written with one conditional put.
//! The runtime library does the rest: JSON only, the id (the body's `{{id}}`, else from the
//! `Idempotency-Key` header, else generated), replays answered with the stored {{item}}, every
//! bad field in one `application/problem+json` 400.

use {{source_snake}}_contract::{{Item}};
use tributary_runtime::api::fields::string;
use tributary_runtime::api::{Fields, NewItem, Resource};
use tributary_runtime::lambda::BoxError;

/// A valid request body.
#[derive(Debug)]
struct New{{Item}} {
    id: Option<String>,
    name: String,
    quantity: u32,
}

/// The {{source}} the API creates.
struct {{Pascal}}Api;

impl Resource for {{Pascal}}Api {
    const NAME: &'static str = "{{item}}";
    const ID_ATTRIBUTE: &'static str = "{{id}}";
    type Request = New{{Item}};
    type Item = {{Item}};

    fn validate(&self, fields: &mut Fields) -> Option<New{{Item}}> {
        let id = fields.optional("{{id}}", |v| string::<String>(v).and_then(id));
        let name = fields.required("name", |v| {
            let name: String = string(v)?;
            match name.trim().chars().count() {
                1..=100 => Ok(name.trim().to_owned()),
                _ => Err("must be 1 to 100 characters".to_owned()),
            }
        });
        let quantity = fields.required("quantity", |v| match v.as_u64() {
            Some(n @ 1..=1000) => Ok(n as u32),
            _ => Err("must be a whole number from 1 to 1000".to_owned()),
        });
        // A bad optional field is recorded in `fields` too, which then refuses the request.
        Some(New{{Item}} {
            id,
            name: name?,
            quantity: quantity?,
        })
    }

    fn client_id<'a>(&self, request: &'a New{{Item}}) -> Option<&'a str> {
        request.id.as_deref()
    }

    fn item(&self, request: New{{Item}}, new: &NewItem) -> {{Item}} {
        {{Item}} {
            {{id_snake}}: new.id.clone(),
            name: request.name,
            quantity: request.quantity,
            created_at: new.received_at.clone(),
        }
    }
}

/// An id a client may choose: 1..=64 characters of `[A-Za-z0-9_-]`.
fn id(s: String) -> Result<String, String> {
    let valid = (1..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(s)
    } else {
        Err("must be 1 to 64 characters of A-Z a-z 0-9 - _".to_owned())
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    tributary_runtime::api::run({{Pascal}}Api).await
}

#[cfg(test)]
mod tests {
    use lambda_http::Body;
    use serde_json::{Value, json};
    use tributary_runtime::api::{MemoryStore, handle};

    use super::*;

    /// An HTTP API (payload 2.0) request with `body`.
    fn request(body: Value) -> lambda_http::Request {
        let event = json!({
            "version": "2.0",
            "routeKey": "POST /{{source}}",
            "rawPath": "/{{source}}",
            "rawQueryString": "",
            "headers": { "content-type": "application/json" },
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "api",
                "domainName": "api.example.com",
                "http": { "method": "POST", "path": "/{{source}}", "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "test" },
                "requestId": "req-1",
                "routeKey": "POST /{{source}}",
                "stage": "$default",
                "time": "01/Mar/2026:18:40:00 +0000",
                "timeEpoch": 1772390400123u64
            },
            "body": body.to_string(),
            "isBase64Encoded": false
        });
        lambda_http::request::from_str(&event.to_string()).expect("a payload 2.0 request")
    }

    fn body(response: &lambda_http::Response<Body>) -> Value {
        serde_json::from_slice(response.body()).expect("a JSON body")
    }

    #[tokio::test]
    async fn a_valid_request_is_stored_once_and_replayed() {
        let store = MemoryStore::default();
        let new = json!({ "{{id}}": "first", "name": "Something", "quantity": 2 });
        let created = handle(&{{Pascal}}Api, &store, request(new.clone())).await;
        assert_eq!(created.status(), 201);
        assert_eq!(body(&created)["{{id}}"], "first");
        let replayed = handle(&{{Pascal}}Api, &store, request(new)).await;
        assert_eq!(replayed.status(), 201);
        assert_eq!(store.ids(), ["first"]);
    }

    #[tokio::test]
    async fn every_bad_field_is_reported() {
        let store = MemoryStore::default();
        let bad = json!({ "name": "", "quantity": 0, "colour": "red" });
        let response = handle(&{{Pascal}}Api, &store, request(bad)).await;
        assert_eq!(response.status(), 400);
        let problem = body(&response).to_string();
        for field in ["name", "quantity", "colour"] {
            assert!(problem.contains(field), "{problem}");
        }
        assert!(store.ids().is_empty());
    }
}
