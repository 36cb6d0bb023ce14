//! A rule target: each {{Event}} delivered, typed by the contract. A malformed event or a
//! failure is an error, so Lambda retries it and the function's failure queue keeps it.

use {{source_snake}}_contract::{{Event}};
use tributary_runtime::lambda::BoxError;
use tributary_runtime::target::{Delivered, Target};

/// What the service does with a new {{item}}: here, it logs it.
struct {{Pascal}}Consumer;

impl Target for {{Pascal}}Consumer {
    type Event = {{Event}};

    async fn handle(&self, event: Delivered<{{Event}}>) -> Result<(), BoxError> {
        let {{item_snake}} = &event.detail.{{item_snake}};
        tracing::info!(id = %{{item_snake}}.{{id_snake}}, quantity = {{item_snake}}.quantity, "new {{item}}");
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    tributary_runtime::target::run(async |_config| Ok({{Pascal}}Consumer)).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tributary_runtime::target::decode;

    use super::*;

    fn event(detail: serde_json::Value) -> serde_json::Value {
        json!({
            "version": "0", "id": "e-1", "detail-type": "{{Event}}", "source": "{{source}}",
            "account": "123456789012", "time": "2026-03-01T18:40:01Z", "region": "eu-west-1",
            "resources": [], "detail": detail
        })
    }

    #[tokio::test]
    async fn a_delivered_event_is_handled() {
        let detail = json!({ "{{item_snake_camel}}": {
            "{{id}}": "a", "name": "Something", "quantity": 2, "createdAt": "2026-03-01T18:40:00Z"
        }});
        let delivered = decode::<{{Event}}>(event(detail)).expect("an event");
        assert_eq!(delivered.detail.{{item_snake}}.{{id_snake}}, "a");
        {{Pascal}}Consumer.handle(delivered).await.expect("handled");
    }

    #[test]
    fn a_malformed_event_is_an_error_not_a_panic() {
        assert!(decode::<{{Event}}>(event(json!({ "{{item_snake_camel}}": 1 }))).is_err());
        assert!(decode::<{{Event}}>(json!({ "source": "elsewhere" })).is_err());
    }
}
