//! One DynamoDB stream record as the mapping sees it: its `eventName`, and its images decoded with
//! `serde_dynamo` only when asked for.
//!
//! The images stay raw JSON until [`StreamRecord::new_image`] or [`StreamRecord::old_image`]
//! decodes them into the caller's type, so a record whose images are not needed costs a scan, and
//! no intermediate `Value` tree is ever built.

use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// What happened to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventName {
    /// A new item (`NewImage` holds it).
    Insert,
    /// An item changed (`OldImage` before, `NewImage` after).
    Modify,
    /// An item was deleted, or expired by TTL (`OldImage` holds it).
    Remove,
}

impl EventName {
    /// `INSERT`, `MODIFY` or `REMOVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Insert => "INSERT",
            Self::Modify => "MODIFY",
            Self::Remove => "REMOVE",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [Self::Insert, Self::Modify, Self::Remove]
            .into_iter()
            .find(|n| n.as_str() == name)
    }
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The parts of a Lambda DynamoDB stream record the library reads; the images stay raw.
#[derive(Debug, Deserialize)]
pub(crate) struct RawRecord<'a> {
    #[serde(rename = "eventName")]
    event_name: String,
    #[serde(borrow)]
    pub(crate) dynamodb: RawChange<'a>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawChange<'a> {
    #[serde(rename = "SequenceNumber", default)]
    pub(crate) sequence_number: Option<String>,
    #[serde(rename = "Keys", borrow, default)]
    keys: Option<&'a RawValue>,
    #[serde(rename = "NewImage", borrow, default)]
    new_image: Option<&'a RawValue>,
    #[serde(rename = "OldImage", borrow, default)]
    old_image: Option<&'a RawValue>,
    /// Read so that a record with a malformed size is refused like any other odd record.
    #[serde(rename = "SizeBytes", default)]
    size_bytes: Option<u64>,
}

/// One stream record: what happened, and the item's images on request.
#[derive(Debug, Clone)]
pub struct StreamRecord<'a> {
    event_name: EventName,
    sequence_number: Option<String>,
    keys: Option<&'a RawValue>,
    new_image: Option<&'a RawValue>,
    old_image: Option<&'a RawValue>,
    size_bytes: Option<u64>,
}

/// Why an image could not be decoded.
#[derive(Debug)]
pub enum ImageError {
    /// The record has no such image (e.g. `OldImage` of an INSERT, or a `KEYS_ONLY` stream).
    Missing {
        /// `NewImage`, `OldImage` or `Keys`.
        image: &'static str,
    },
    /// The image is not a DynamoDB item in the stream's JSON form.
    NotAnItem {
        /// `NewImage`, `OldImage` or `Keys`.
        image: &'static str,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
    /// The item lacks an attribute the type needs, or has one of the wrong type.
    Invalid {
        /// `NewImage`, `OldImage` or `Keys`.
        image: &'static str,
        /// What `serde_dynamo` said.
        source: serde_dynamo::Error,
    },
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { image } => write!(f, "the record has no {image}"),
            Self::NotAnItem { image, source } => {
                write!(f, "{image} is not a DynamoDB item: {source}")
            }
            Self::Invalid { image, source } => write!(f, "{image}: {source}"),
        }
    }
}

impl std::error::Error for ImageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Missing { .. } => None,
            Self::NotAnItem { source, .. } => Some(source),
            Self::Invalid { source, .. } => Some(source),
        }
    }
}

impl<'a> StreamRecord<'a> {
    /// The record of a parsed raw record, or its unknown `eventName`.
    pub(crate) fn new(raw: RawRecord<'a>) -> Result<Self, String> {
        let event_name = EventName::parse(&raw.event_name).ok_or(raw.event_name)?;
        let change = raw.dynamodb;
        Ok(Self {
            event_name,
            sequence_number: change.sequence_number,
            keys: change.keys,
            new_image: change.new_image,
            old_image: change.old_image,
            size_bytes: change.size_bytes,
        })
    }

    /// What happened to the item.
    pub fn event_name(&self) -> EventName {
        self.event_name
    }

    /// The record's position in its shard, if it has one.
    pub fn sequence_number(&self) -> Option<&str> {
        self.sequence_number.as_deref()
    }

    /// The size of the record as DynamoDB counts it, if given.
    pub fn size_bytes(&self) -> Option<u64> {
        self.size_bytes
    }

    /// The item's key attributes, decoded into `T`.
    pub fn keys<T: DeserializeOwned>(&self) -> Result<T, ImageError> {
        decode(self.keys, "Keys")
    }

    /// The item after the change (INSERT, MODIFY), decoded into `T`.
    pub fn new_image<T: DeserializeOwned>(&self) -> Result<T, ImageError> {
        decode(self.new_image, "NewImage")
    }

    /// The item before the change (MODIFY, REMOVE), decoded into `T`.
    pub fn old_image<T: DeserializeOwned>(&self) -> Result<T, ImageError> {
        decode(self.old_image, "OldImage")
    }
}

fn decode<T: DeserializeOwned>(
    raw: Option<&RawValue>,
    image: &'static str,
) -> Result<T, ImageError> {
    let raw = raw.ok_or(ImageError::Missing { image })?;
    let item: serde_dynamo::Item = serde_json::from_str(raw.get())
        .map_err(|source| ImageError::NotAnItem { image, source })?;
    serde_dynamo::from_item(item).map_err(|source| ImageError::Invalid { image, source })
}
