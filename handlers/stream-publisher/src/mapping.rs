//! One stream record -> the business event it means, if any. The only code that knows how the
//! table's items look; it never panics.
//!
//! | record | event |
//! |---|---|
//! | INSERT | `ReservationCreated` |
//! | MODIFY, status changed along an allowed transition | `ReservationConfirmed` / `Declined` / `Cancelled` |
//! | MODIFY, status unchanged | none (another attribute changed) |
//! | MODIFY, status went backwards (e.g. CONFIRMED -> PENDING) | error: the writer broke the life cycle |
//! | REMOVE of a reservation that was not final | `ReservationCancelled` |
//! | REMOVE of a DECLINED or CANCELLED reservation | none (already announced) |

use std::fmt;

use reservations::events::{ReservationCancelled, ReservationCreated, ReservationEvent};
use reservations::{Reservation, Status};
use serde::Deserialize;
use tributary_runtime::stream::{Event, EventName, ImageError, Mapping, StreamRecord};

/// The reservations table's mapping.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReservationMapping;

/// Why a record means no reservation event. The record is reported as failed, never dropped.
#[derive(Debug)]
pub enum MapError {
    /// An image lacks an attribute or has one of the wrong type.
    Image(ImageError),
    /// The status changed in a way a reservation cannot (see [`Status::can_become`]).
    Transition { from: Status, to: Status },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Image(e) => write!(f, "not a reservation: {e}"),
            Self::Transition { from, to } => {
                write!(f, "a reservation cannot go from {from} to {to}")
            }
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
    status: Status,
}

impl Mapping for ReservationMapping {
    type Error = MapError;

    fn map(&self, record: &StreamRecord<'_>) -> Result<Option<Event>, MapError> {
        Ok(event(record)?.map(|e| publish(&e)))
    }
}

/// The reservation event of a record.
pub fn event(record: &StreamRecord<'_>) -> Result<Option<ReservationEvent>, MapError> {
    match record.event_name() {
        EventName::Insert => Ok(Some(ReservationEvent::Created(ReservationCreated {
            reservation: record.new_image()?,
        }))),
        EventName::Modify => {
            let reservation: Reservation = record.new_image()?;
            let StatusOnly { status: previous } = record.old_image()?;
            if previous == reservation.status {
                return Ok(None);
            }
            let to = reservation.status;
            ReservationEvent::transition(previous, reservation)
                .map(Some)
                .ok_or(MapError::Transition { from: previous, to })
        }
        EventName::Remove => {
            let mut reservation: Reservation = record.old_image()?;
            let previous_status = reservation.status;
            if previous_status.is_final() {
                return Ok(None);
            }
            reservation.status = Status::Cancelled;
            Ok(Some(ReservationEvent::Cancelled(ReservationCancelled {
                reservation,
                previous_status,
            })))
        }
    }
}

/// The event to publish for `event`.
fn publish(event: &ReservationEvent) -> Event {
    match event {
        ReservationEvent::Created(e) => Event::of(e),
        ReservationEvent::Confirmed(e) => Event::of(e),
        ReservationEvent::Declined(e) => Event::of(e),
        ReservationEvent::Cancelled(e) => Event::of(e),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use reservations::events::{
        BusinessEvent, ReservationCancelled, ReservationConfirmed, ReservationCreated,
        ReservationDeclined, SOURCE,
    };
    use serde_json::{Value, json};
    use tributary_runtime::stream::{Entry, MemoryBus, StreamBatch, process};

    use super::*;

    const LIFE_CYCLE: &str = include_str!("fixtures/life_cycle.json");

    /// The records of a fixture batch, to edit before `.into()` a [`StreamBatch`].
    fn batch(fixture: &str) -> Vec<Value> {
        let batch: Value = serde_json::from_str(fixture).unwrap();
        batch["Records"].as_array().unwrap().clone()
    }

    fn detail(entry: &Entry) -> Value {
        serde_json::from_str(&entry.detail).unwrap()
    }

    async fn publish(records: Vec<Value>) -> (Vec<String>, MemoryBus) {
        let bus = MemoryBus::default();
        let response = process(&ReservationMapping, &bus, StreamBatch::from(records))
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
        let (failures, bus) = publish(batch(LIFE_CYCLE)).await;

        assert!(failures.is_empty());
        let entries = bus.entries();
        assert!(entries.iter().all(|e| e.source == SOURCE));
        let kinds: Vec<_> = entries
            .iter()
            .map(|e| {
                let d = detail(e);
                format!(
                    "{} {} {}",
                    e.detail_type,
                    d["reservation"]["reservationId"].as_str().unwrap(),
                    d["previousStatus"].as_str().unwrap_or("-")
                )
            })
            .collect();
        // res-0003 changed another attribute; res-0007 was removed after it had been declined.
        assert_eq!(
            kinds,
            [
                format!("{} res-0001 -", ReservationCreated::DETAIL_TYPE),
                format!("{} res-0002 PENDING", ReservationConfirmed::DETAIL_TYPE),
                format!("{} res-0004 PENDING", ReservationDeclined::DETAIL_TYPE),
                format!("{} res-0005 CONFIRMED", ReservationCancelled::DETAIL_TYPE),
                format!("{} res-0006 CONFIRMED", ReservationCancelled::DETAIL_TYPE),
            ]
        );
        assert_eq!(detail(&entries[4])["reservation"]["status"], "CANCELLED");
    }

    #[tokio::test]
    async fn a_backward_status_change_is_reported_not_published() {
        let mut records = batch(LIFE_CYCLE);
        records[1]["dynamodb"]["OldImage"]["status"]["S"] = json!("CANCELLED");
        let (failures, bus) = publish(records).await;

        assert_eq!(failures, ["4000000000000000000002"]);
        assert_eq!(bus.entries().len(), 1);
    }

    #[tokio::test]
    async fn items_that_are_not_reservations_are_reported() {
        let cases = [
            (0, "/dynamodb/NewImage/partySize", json!({ "S": "four" })),
            (0, "/dynamodb/NewImage/status", json!({ "S": "MAYBE" })),
            (1, "/dynamodb/OldImage/status", json!({ "N": "1" })),
            (5, "/dynamodb/OldImage", json!({})),
        ];
        for (i, pointer, value) in cases {
            let mut records = batch(LIFE_CYCLE);
            *records[i].pointer_mut(pointer).unwrap() = value;
            let sequence_number = records[i]["dynamodb"]["SequenceNumber"].clone();
            let (failures, _) = publish(records).await;
            assert_eq!(failures, [sequence_number.as_str().unwrap()], "{pointer}");
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = MapError::Transition {
            from: Status::Confirmed,
            to: Status::Pending,
        };
        assert_eq!(
            e.to_string(),
            "a reservation cannot go from CONFIRMED to PENDING"
        );
    }
}
