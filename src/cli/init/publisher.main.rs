//! The stream publisher: the only code that knows what a table change means. The runtime library
//! publishes in stream order and reports exactly the record that failed, so Lambda retries what
//! failed and nothing is published twice in a row.

use {{source_snake}}_contract::{{Event}};
use tributary_runtime::lambda::BoxError;
use tributary_runtime::stream::{Event, EventName, ImageError, Mapping, StreamRecord};

/// A new item is a new {{item}}; changes and deletions announce nothing (yet).
struct {{Pascal}}Mapping;

impl Mapping for {{Pascal}}Mapping {
    type Error = ImageError;

    fn map(&self, record: &StreamRecord<'_>) -> Result<Option<Event>, ImageError> {
        match record.event_name() {
            EventName::Insert => Ok(Some(Event::of(&{{Event}} {
                {{item_snake}}: record.new_image()?,
            }))),
            EventName::Modify | EventName::Remove => Ok(None),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    tributary_runtime::stream::run({{Pascal}}Mapping).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tributary_runtime::stream::{MemoryBus, StreamBatch, process};

    use super::*;

    fn insert(sequence: &str, id: &str) -> serde_json::Value {
        json!({
            "eventName": "INSERT",
            "dynamodb": {
                "SequenceNumber": sequence,
                "NewImage": {
                    "{{id}}": { "S": id },
                    "name": { "S": "Something" },
                    "quantity": { "N": "2" },
                    "createdAt": { "S": "2026-03-01T18:40:00Z" }
                }
            }
        })
    }

    fn batch(records: Vec<serde_json::Value>) -> StreamBatch {
        serde_json::from_value(json!({ "Records": records })).expect("a stream batch")
    }

    #[tokio::test]
    async fn inserts_become_events_in_stream_order() {
        let bus = MemoryBus::default();
        let response = process(
            &{{Pascal}}Mapping,
            &bus,
            batch(vec![insert("1", "a"), insert("2", "b")]),
        )
        .await
        .expect("published");
        assert!(response.batch_item_failures.is_empty());
        let types: Vec<_> = bus.entries().iter().map(|e| e.detail_type).collect();
        assert_eq!(types, ["{{Event}}", "{{Event}}"]);
    }

    #[tokio::test]
    async fn a_record_that_does_not_map_is_the_batch_item_failure() {
        let mut bad = insert("2", "b");
        bad["dynamodb"]["NewImage"]["quantity"] = json!({ "S": "two" });
        let bus = MemoryBus::default();
        let response = process(
            &{{Pascal}}Mapping,
            &bus,
            batch(vec![insert("1", "a"), bad, insert("3", "c")]),
        )
        .await
        .expect("a response");
        let failed: Vec<_> = response
            .batch_item_failures
            .iter()
            .filter_map(|f| f.item_identifier.as_deref())
            .collect();
        assert_eq!(failed, ["2"]);
        assert_eq!(
            bus.entries().len(),
            1,
            "nothing after the failed record is sent"
        );
    }
}
