//! One stream record -> the business event it means, if any. The only code that knows how the
//! table's items and its stream records look; it never panics.
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

use aws_lambda_events::dynamodb::EventRecord;
use reservations::Reservation;
use reservations::Status;
use reservations::events::{ReservationCancelled, ReservationCreated, ReservationEvent};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::entry::{Entry, MAX_ENTRY_BYTES};

/// Why a record cannot be published. The record is reported as failed, never dropped.
#[derive(Debug)]
pub enum MapError {
    /// Not a DynamoDB stream record at all.
    Record(serde_json::Error),
    /// An `eventName` other than INSERT, MODIFY, REMOVE.
    UnknownEventName(String),
    /// The image lacks an attribute or has one of the wrong type.
    Image {
        image: &'static str,
        source: serde_dynamo::Error,
    },
    /// The status changed in a way a reservation cannot (see [`Status::can_become`]).
    Transition { from: Status, to: Status },
    /// The event detail could not be serialized.
    Detail(serde_json::Error),
    /// The entry is larger than EventBridge accepts.
    TooLarge { size: usize },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Record(e) => write!(f, "not a DynamoDB stream record: {e}"),
            Self::UnknownEventName(name) => write!(f, "unknown eventName {name:?}"),
            Self::Image { image, source } => write!(f, "{image} is not a reservation: {source}"),
            Self::Transition { from, to } => {
                write!(f, "a reservation cannot go from {from} to {to}")
            }
            Self::Detail(e) => write!(f, "cannot serialize the event detail: {e}"),
            Self::TooLarge { size } => write!(
                f,
                "the event is {size} bytes; EventBridge accepts at most {MAX_ENTRY_BYTES}"
            ),
        }
    }
}

impl std::error::Error for MapError {}

/// A raw record's `SequenceNumber` (if it has one), and its PutEvents entry: `Ok(None)` when
/// it means nothing to publish.
pub fn entry(raw: &RawValue) -> (Option<String>, Result<Option<Entry>, MapError>) {
    match serde_json::from_str::<EventRecord>(raw.get()) {
        Ok(record) => (record.change.sequence_number.clone(), entry_of(record)),
        Err(e) => (sequence_number(raw), Err(MapError::Record(e))),
    }
}

/// The `SequenceNumber` of a record that is not a valid stream record, if it has one.
fn sequence_number(raw: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct Change {
        #[serde(rename = "SequenceNumber")]
        sequence_number: Option<String>,
    }
    #[derive(Deserialize)]
    struct Record {
        dynamodb: Option<Change>,
    }
    let record: Record = serde_json::from_str(raw.get()).ok()?;
    record.dynamodb?.sequence_number
}

/// The PutEvents entry of a parsed record.
fn entry_of(record: EventRecord) -> Result<Option<Entry>, MapError> {
    let Some(event) = event(record)? else {
        return Ok(None);
    };
    let entry = Entry::of(&event).map_err(MapError::Detail)?;
    match entry.size() {
        size if size > MAX_ENTRY_BYTES => Err(MapError::TooLarge { size }),
        _ => Ok(Some(entry)),
    }
}

/// Just the status of an item: all a `MODIFY` record's old image needs to have.
#[derive(Deserialize)]
struct StatusOnly {
    status: Status,
}

/// The business event of a record.
pub fn event(record: EventRecord) -> Result<Option<ReservationEvent>, MapError> {
    let change = record.change;
    match record.event_name.as_str() {
        "INSERT" => {
            let reservation = image(change.new_image, "NewImage")?;
            Ok(Some(ReservationEvent::Created(ReservationCreated {
                reservation,
            })))
        }
        "MODIFY" => {
            let reservation: Reservation = image(change.new_image, "NewImage")?;
            let StatusOnly { status: previous } = image(change.old_image, "OldImage")?;
            if previous == reservation.status {
                return Ok(None);
            }
            let to = reservation.status;
            ReservationEvent::transition(previous, reservation)
                .map(Some)
                .ok_or(MapError::Transition { from: previous, to })
        }
        "REMOVE" => {
            let mut reservation: Reservation = image(change.old_image, "OldImage")?;
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
        other => Err(MapError::UnknownEventName(other.to_owned())),
    }
}

fn image<T: DeserializeOwned>(item: serde_dynamo::Item, name: &'static str) -> Result<T, MapError> {
    serde_dynamo::from_item(item).map_err(|source| MapError::Image {
        image: name,
        source,
    })
}
