//! Event contracts: what a service promises to put on a bus, as Rust types and as a file.
//!
//! A domain crate declares one [`Contract`] per event source and one [`BusinessEvent`] per
//! `detail-type`. The publisher is compiled from those types; the synthesizer reads the
//! [`ContractFile`] written from them (its schema registry and its rule checks come from it), so
//! the infrastructure and the code cannot drift. The file is checked in next to the domain crate
//! and kept current by a test that calls [`sync_file`]:
//!
//! ```
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//! use tributary_runtime::contract::{BusinessEvent, Contract, ContractFile, Visitor};
//!
//! /// The orders service's events.
//! pub struct Orders;
//!
//! impl Contract for Orders {
//!     const SOURCE: &'static str = "orders";
//!     fn for_each(visitor: &mut impl Visitor) {
//!         visitor.visit::<OrderPlaced>();
//!     }
//! }
//!
//! /// An order was placed.
//! #[derive(Serialize, Deserialize, JsonSchema)]
//! #[serde(rename_all = "camelCase")]
//! pub struct OrderPlaced {
//!     pub order_id: String,
//! }
//!
//! impl BusinessEvent for OrderPlaced {
//!     type Contract = Orders;
//!     const DETAIL_TYPE: &'static str = "OrderPlaced";
//!     const DESCRIPTION: &'static str = "An order was placed.";
//! }
//!
//! let file = ContractFile::of::<Orders>();
//! assert_eq!(file.source, "orders");
//! assert_eq!(file.detail_types().collect::<Vec<_>>(), ["OrderPlaced"]);
//! // In the domain crate's tests (writes the file with TRIBUTARY_UPDATE_CONTRACTS=1, else checks it):
//! // tributary_runtime::contract::sync_file::<Orders>(concat!(env!("CARGO_MANIFEST_DIR"), "/contract.json"))?;
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::de::{DeserializeOwned, MapAccess};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json};

/// One event source: the `source` of its events and every event type it publishes.
pub trait Contract: 'static {
    /// The `source` every event of this contract is published under.
    const SOURCE: &'static str;

    /// Shows `visitor` every event type of the contract, in a fixed order (the order of the
    /// contract file and of the schema registry).
    fn for_each(visitor: &mut impl Visitor);
}

/// One kind of business event: the type of its `detail`, published under `DETAIL_TYPE`.
pub trait BusinessEvent: Serialize + DeserializeOwned + JsonSchema {
    /// The contract (event source) the event belongs to.
    type Contract: Contract;
    /// The event's `detail-type`.
    const DETAIL_TYPE: &'static str;
    /// One sentence for the schema registry: when the event is published.
    const DESCRIPTION: &'static str;
}

/// Something that wants to see every [`BusinessEvent`] type of a [`Contract`].
pub trait Visitor {
    fn visit<E: BusinessEvent>(&mut self);
}

/// The environment variable that makes [`sync_file`] write the file instead of checking it.
pub const UPDATE_ENV: &str = "TRIBUTARY_UPDATE_CONTRACTS";

/// A contract file: the `source` and, per `detail-type`, a description and the schema of the
/// `detail`.
///
/// ```json
/// {
///   "source": "orders",
///   "events": {
///     "OrderPlaced": {
///       "description": "An order was placed.",
///       "detail": { "$ref": "#/components/schemas/OrderPlaced" },
///       "schemas": { "OrderPlaced": { "type": "object", "properties": { ... } } }
///     }
///   }
/// }
/// ```
///
/// Schemas are in the OpenAPI 3.0 dialect of JSON Schema, the one EventBridge's schema registry
/// reads: `detail` is the detail's schema, usually a `$ref` to `#/components/schemas/<Name>`,
/// and `schemas` holds every named schema it refers to (the registry document puts them under
/// `components.schemas`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractFile {
    /// The `source` of every event.
    pub source: String,
    /// One entry per `detail-type`, in order; at least one.
    pub events: Events,
}

/// The events of a contract file by `detail-type`, in file order; a `detail-type` appears once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Events(pub Vec<(String, EventDoc)>);

/// One `detail-type` of a contract file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDoc {
    /// One sentence: when the event is published.
    pub description: String,
    /// The schema of the event's `detail`.
    pub detail: Json,
    /// The named schemas `detail` refers to (`#/components/schemas/<name>`). Default: none.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub schemas: Map<String, Json>,
}

impl EventDoc {
    /// The entry of event type `E`.
    pub fn of<E: BusinessEvent>() -> Self {
        let mut generator = SchemaSettings::openapi3().into_generator();
        let detail = generator.subschema_for::<E>().to_value();
        let schemas = generator.take_definitions(true);
        Self {
            description: E::DESCRIPTION.to_owned(),
            detail,
            schemas,
        }
    }
}

impl ContractFile {
    /// The contract file of `C`, from its types.
    pub fn of<C: Contract>() -> Self {
        struct Collect(Vec<(String, EventDoc)>);
        impl Visitor for Collect {
            fn visit<E: BusinessEvent>(&mut self) {
                self.0
                    .push((E::DETAIL_TYPE.to_owned(), EventDoc::of::<E>()));
            }
        }
        let mut events = Collect(Vec::new());
        C::for_each(&mut events);
        Self {
            source: C::SOURCE.to_owned(),
            events: Events(events.0),
        }
    }

    /// The `detail-type`s, in order.
    pub fn detail_types(&self) -> impl Iterator<Item = &str> {
        self.events.0.iter().map(|(t, _)| t.as_str())
    }

    /// The file's text: pretty JSON, two-space indent, a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

impl Serialize for Events {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (detail_type, doc) in &self.0 {
            map.serialize_entry(detail_type, doc)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Events {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EventsVisitor;
        impl<'de> serde::de::Visitor<'de> for EventsVisitor {
            type Value = Events;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from detail-type to its description and detail schema")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Events, A::Error> {
                let mut events: Vec<(String, EventDoc)> = Vec::new();
                while let Some(detail_type) = map.next_key::<String>()? {
                    if events.iter().any(|(t, _)| *t == detail_type) {
                        return Err(serde::de::Error::custom(format!(
                            "detail-type `{detail_type}` appears twice"
                        )));
                    }
                    let doc = map.next_value()?;
                    events.push((detail_type, doc));
                }
                Ok(Events(events))
            }
        }
        deserializer.deserialize_map(EventsVisitor)
    }
}

/// Why a contract file could not be written or checked.
#[derive(Debug)]
pub enum FileError {
    /// The file differs from what the types give.
    Stale { path: PathBuf },
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stale { path } => write!(
                f,
                "{} is stale: it differs from the contract's Rust types; after reviewing the change, rewrite it with {UPDATE_ENV}=1 cargo test",
                path.display()
            ),
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for FileError {}

/// Writes the contract file of `C` to `path` (only when its content changes).
pub fn write_file<C: Contract>(path: impl AsRef<Path>) -> Result<(), FileError> {
    let path = path.as_ref();
    let text = ContractFile::of::<C>().to_json();
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|source| FileError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Fails unless the file at `path` is exactly the contract file of `C`.
pub fn check_file<C: Contract>(path: impl AsRef<Path>) -> Result<(), FileError> {
    let path = path.as_ref();
    let old = std::fs::read_to_string(path).map_err(|source| FileError::Io {
        path: path.to_owned(),
        source,
    })?;
    if old == ContractFile::of::<C>().to_json() {
        Ok(())
    } else {
        Err(FileError::Stale {
            path: path.to_owned(),
        })
    }
}

/// What a domain crate's test calls: [`write_file`] when [`UPDATE_ENV`] is `1`, else
/// [`check_file`] (so CI fails on a stale file).
pub fn sync_file<C: Contract>(path: impl AsRef<Path>) -> Result<(), FileError> {
    if std::env::var(UPDATE_ENV).is_ok_and(|v| v == "1") {
        write_file::<C>(path)
    } else {
        check_file::<C>(path)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    struct Shop;
    impl Contract for Shop {
        const SOURCE: &'static str = "shop";
        fn for_each(visitor: &mut impl Visitor) {
            visitor.visit::<Placed>();
            visitor.visit::<Shipped>();
        }
    }

    /// An order was placed.
    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Placed {
        order: Order,
    }
    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Shipped {
        order: Order,
        carrier: String,
    }
    #[derive(Serialize, Deserialize, JsonSchema)]
    struct Order {
        id: String,
    }
    impl BusinessEvent for Placed {
        type Contract = Shop;
        const DETAIL_TYPE: &'static str = "OrderPlaced";
        const DESCRIPTION: &'static str = "An order was placed.";
    }
    impl BusinessEvent for Shipped {
        type Contract = Shop;
        const DETAIL_TYPE: &'static str = "OrderShipped";
        const DESCRIPTION: &'static str = "An order left the warehouse.";
    }

    #[test]
    fn the_file_holds_every_event_in_order_with_its_schemas() {
        let file = ContractFile::of::<Shop>();
        let json: Json = serde_json::from_str(&file.to_json()).unwrap();
        assert_eq!(json["source"], "shop");
        let types: Vec<_> = json["events"].as_object().unwrap().keys().collect();
        assert_eq!(types, ["OrderPlaced", "OrderShipped"]);
        let placed = &json["events"]["OrderPlaced"];
        assert_eq!(placed["description"], "An order was placed.");
        assert_eq!(
            placed["detail"],
            json!({ "$ref": "#/components/schemas/Placed" })
        );
        let schemas: Vec<_> = placed["schemas"].as_object().unwrap().keys().collect();
        assert_eq!(schemas, ["Placed", "Order"]);
        assert_eq!(
            placed["schemas"]["Order"]["properties"]["id"]["type"],
            "string"
        );
    }

    #[test]
    fn the_file_reads_back_as_written() {
        let file = ContractFile::of::<Shop>();
        let read: ContractFile = serde_json::from_str(&file.to_json()).unwrap();
        assert_eq!(read, file);
        assert!(file.to_json().ends_with("}\n"));
    }

    #[test]
    fn a_detail_type_twice_and_unknown_fields_are_refused() {
        let twice = r#"{"source": "s", "events": {"A": {"description": "", "detail": {}}, "A": {"description": "", "detail": {}}}}"#;
        let e = serde_json::from_str::<ContractFile>(twice).unwrap_err();
        assert!(e.to_string().contains("`A` appears twice"), "{e}");
        let typo = r#"{"source": "s", "events": {"A": {"descripton": "", "detail": {}}}}"#;
        let e = serde_json::from_str::<ContractFile>(typo).unwrap_err();
        assert!(e.to_string().contains("unknown field `descripton`"), "{e}");
    }

    #[test]
    fn check_finds_a_stale_file_and_write_makes_it_current() {
        let dir = std::env::temp_dir().join(format!("tributary-contract-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("contract.json");
        std::fs::write(&path, "{}\n").unwrap();
        let e = check_file::<Shop>(&path).unwrap_err();
        assert!(matches!(e, FileError::Stale { .. }), "{e}");
        assert!(e.to_string().contains(UPDATE_ENV), "{e}");
        write_file::<Shop>(&path).unwrap();
        check_file::<Shop>(&path).unwrap();
        let missing = check_file::<Shop>(dir.join("missing.json")).unwrap_err();
        assert!(matches!(missing, FileError::Io { .. }), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
