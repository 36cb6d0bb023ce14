//! One stream record -> the business event it means (if any). Knows the table schema; never panics.

use std::fmt;

use aws_lambda_events::dynamodb::EventRecord;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::events::{Entry, ReservationEvent};
use crate::reservation::{Reservation, StatusOnly};

/// Why a record cannot be turned into an event. The record is reported as failed, never dropped.
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
    /// The event detail could not be serialized.
    Detail(serde_json::Error),
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Record(e) => write!(f, "not a DynamoDB stream record: {e}"),
            Self::UnknownEventName(name) => write!(f, "unknown eventName {name:?}"),
            Self::Image { image, source } => write!(f, "{image} is not a reservation: {source}"),
            Self::Detail(e) => write!(f, "cannot serialize the event detail: {e}"),
        }
    }
}

impl std::error::Error for MapError {}

/// The PutEvents entry for a raw record: `Ok(None)` when it means nothing to publish
/// (a MODIFY that did not change the status).
pub fn entry(raw: Value) -> Result<Option<Entry>, MapError> {
    let record: EventRecord = serde_json::from_value(raw).map_err(MapError::Record)?;
    event(record)?
        .map(|event| event.to_entry().map_err(MapError::Detail))
        .transpose()
}

/// The business event of a record.
pub fn event(record: EventRecord) -> Result<Option<ReservationEvent>, MapError> {
    let change = record.change;
    match record.event_name.as_str() {
        "INSERT" => Ok(Some(ReservationEvent::Created(image(
            change.new_image,
            "NewImage",
        )?))),
        "MODIFY" => {
            let reservation: Reservation = image(change.new_image, "NewImage")?;
            let old: StatusOnly = image(change.old_image, "OldImage")?;
            if old.status == reservation.status {
                return Ok(None);
            }
            Ok(Some(ReservationEvent::StatusChanged {
                reservation,
                previous_status: old.status,
            }))
        }
        "REMOVE" => Ok(Some(ReservationEvent::Removed(image(
            change.old_image,
            "OldImage",
        )?))),
        other => Err(MapError::UnknownEventName(other.to_owned())),
    }
}

fn image<T: DeserializeOwned>(item: serde_dynamo::Item, name: &'static str) -> Result<T, MapError> {
    serde_dynamo::from_item(item).map_err(|source| MapError::Image {
        image: name,
        source,
    })
}
