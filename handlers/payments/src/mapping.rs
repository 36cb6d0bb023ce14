//! One stream record of the deposits table -> the business event it means, if any. The only code
//! that knows how the table's items look; it never panics.
//!
//! | record | event |
//! |---|---|
//! | INSERT of a held deposit | `DepositHeld` |
//! | INSERT in another status | error: a deposit starts held |
//! | MODIFY, HELD -> CAPTURED / RELEASED | `DepositCaptured` / `DepositReleased` |
//! | MODIFY, status unchanged | none (another attribute changed) |
//! | MODIFY out of a final status | error: the writer broke the life cycle |
//! | REMOVE of a held deposit | `DepositReleased` |
//! | REMOVE of a captured or released deposit | none (already announced) |

use std::fmt;

use serde::Deserialize;
use tributary_runtime::stream::{Event, EventName, ImageError, Mapping, StreamRecord};

use crate::events::{DepositCaptured, DepositEvent, DepositHeld, DepositReleased};
use crate::{Deposit, DepositStatus};

/// The deposits table's mapping.
#[derive(Debug, Clone, Copy, Default)]
pub struct DepositMapping;

/// Why a record means no deposit event. The record is reported as failed, never dropped.
#[derive(Debug)]
pub enum MapError {
    /// An image lacks an attribute or has one of the wrong type.
    Image(ImageError),
    /// A deposit was written in a status it cannot start in.
    Start(DepositStatus),
    /// The status changed in a way a deposit cannot (see [`DepositStatus::can_become`]).
    Transition {
        from: DepositStatus,
        to: DepositStatus,
    },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Image(e) => write!(f, "not a deposit: {e}"),
            Self::Start(status) => write!(f, "a deposit starts HELD, not {status}"),
            Self::Transition { from, to } => write!(f, "a deposit cannot go from {from} to {to}"),
        }
    }
}

impl std::error::Error for MapError {}

impl From<ImageError> for MapError {
    fn from(e: ImageError) -> Self {
        Self::Image(e)
    }
}

/// Just the status of an item: all a `MODIFY` record's old image needs to have.
#[derive(Deserialize)]
struct StatusOnly {
    status: DepositStatus,
}

impl Mapping for DepositMapping {
    type Error = MapError;

    fn map(&self, record: &StreamRecord<'_>) -> Result<Option<Event>, MapError> {
        Ok(event(record)?.map(|e| match &e {
            DepositEvent::Held(e) => Event::of(e),
            DepositEvent::Captured(e) => Event::of(e),
            DepositEvent::Released(e) => Event::of(e),
        }))
    }
}

/// The deposit event of a record.
pub fn event(record: &StreamRecord<'_>) -> Result<Option<DepositEvent>, MapError> {
    match record.event_name() {
        EventName::Insert => {
            let deposit: Deposit = record.new_image()?;
            if deposit.status != DepositStatus::Held {
                return Err(MapError::Start(deposit.status));
            }
            Ok(Some(DepositEvent::Held(DepositHeld { deposit })))
        }
        EventName::Modify => {
            let deposit: Deposit = record.new_image()?;
            let StatusOnly { status: from } = record.old_image()?;
            let to = deposit.status;
            if from == to {
                return Ok(None);
            }
            if !from.can_become(to) {
                return Err(MapError::Transition { from, to });
            }
            Ok(Some(match to {
                DepositStatus::Captured => DepositEvent::Captured(DepositCaptured { deposit }),
                _ => DepositEvent::Released(DepositReleased { deposit }),
            }))
        }
        EventName::Remove => {
            let mut deposit: Deposit = record.old_image()?;
            if deposit.status.is_final() {
                return Ok(None);
            }
            deposit.status = DepositStatus::Released;
            Ok(Some(DepositEvent::Released(DepositReleased { deposit })))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use serde_json::{Value, json};
    use tributary_runtime::stream::{Entry, MemoryBus, StreamBatch, process};

    use super::*;
    use crate::events::{BusinessEvent, SOURCE};

    const LIFE_CYCLE: &str = include_str!("fixtures/life_cycle.json");

    /// The records of the fixture batch, to edit before `.into()` a [`StreamBatch`].
    fn batch() -> Vec<Value> {
        let batch: Value = serde_json::from_str(LIFE_CYCLE).unwrap();
        batch["Records"].as_array().unwrap().clone()
    }

    fn detail(entry: &Entry) -> Value {
        serde_json::from_str(&entry.detail).unwrap()
    }

    async fn publish(records: Vec<Value>) -> (Vec<String>, MemoryBus) {
        let bus = MemoryBus::default();
        let response = process(&DepositMapping, &bus, StreamBatch::from(records))
            .await
            .unwrap();
        let failures = response
            .batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier.unwrap())
            .collect();
        (failures, bus)
    }

    #[tokio::test]
    async fn the_life_cycle_becomes_one_event_per_announced_change() {
        let (failures, bus) = publish(batch()).await;

        assert!(failures.is_empty(), "{failures:?}");
        let entries = bus.entries();
        assert!(entries.iter().all(|e| e.source == SOURCE));
        let kinds: Vec<_> = entries
            .iter()
            .map(|e| {
                let d = detail(e);
                format!(
                    "{} {} {}",
                    e.detail_type,
                    d["deposit"]["depositId"].as_str().unwrap(),
                    d["deposit"]["status"].as_str().unwrap()
                )
            })
            .collect();
        // dep-0003 changed its amount only; dep-0005 was removed after it had been captured.
        assert_eq!(
            kinds,
            [
                format!("{} dep-0001 HELD", DepositHeld::DETAIL_TYPE),
                format!("{} dep-0002 CAPTURED", DepositCaptured::DETAIL_TYPE),
                format!("{} dep-0004 RELEASED", DepositReleased::DETAIL_TYPE),
                format!("{} dep-0006 RELEASED", DepositReleased::DETAIL_TYPE),
            ]
        );
        assert_eq!(detail(&entries[1])["deposit"]["amountCents"], 2500);
    }

    #[tokio::test]
    async fn a_change_out_of_a_final_status_is_reported_not_published() {
        let mut records = batch();
        records[1]["dynamodb"]["OldImage"]["status"]["S"] = json!("RELEASED");
        let sequence_number = records[1]["dynamodb"]["SequenceNumber"].clone();
        let (failures, bus) = publish(records).await;

        assert_eq!(failures, [sequence_number.as_str().unwrap()]);
        assert_eq!(
            bus.entries().len(),
            1,
            "records after a failure are retried, not published"
        );
    }

    #[tokio::test]
    async fn items_that_are_not_deposits_are_reported() {
        let cases = [
            (0, "/dynamodb/NewImage/amountCents", json!({ "S": "ten" })),
            (0, "/dynamodb/NewImage/status", json!({ "S": "PENDING" })),
            (0, "/dynamodb/NewImage/status", json!({ "S": "CAPTURED" })),
            (1, "/dynamodb/OldImage/status", json!({ "N": "1" })),
            (5, "/dynamodb/OldImage", json!({})),
        ];
        for (i, pointer, value) in cases {
            let mut records = batch();
            *records[i].pointer_mut(pointer).unwrap() = value;
            let sequence_number = records[i]["dynamodb"]["SequenceNumber"].clone();
            let (failures, _) = publish(records).await;
            assert_eq!(failures, [sequence_number.as_str().unwrap()], "{pointer}");
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = MapError::Transition {
            from: DepositStatus::Captured,
            to: DepositStatus::Held,
        };
        assert_eq!(e.to_string(), "a deposit cannot go from CAPTURED to HELD");
        assert_eq!(
            MapError::Start(DepositStatus::Released).to_string(),
            "a deposit starts HELD, not RELEASED"
        );
    }
}
