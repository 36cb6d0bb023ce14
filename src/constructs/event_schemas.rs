//! EventBridge schema registry: what a bus carries, discoverable by other teams (console, code
//! bindings, `aws schemas describe-schema`).
//!
//! An [`EventContract`] is a source and its detail types, each with the JSON Schema of its detail:
//! read from a contract file ([`crate::contracts::load`]) or built from a domain crate's Rust types
//! ([`EventContract::of`]). [`SchemaRegistry`] writes one `AWS::EventSchemas::Registry`
//! and one `AWS::EventSchemas::Schema` per detail type, in the OpenAPI 3 form EventBridge's schema
//! discovery uses: an `AWSEvent` envelope tagged with `x-amazon-events-source` and
//! `x-amazon-events-detail-type` whose `detail` refers to the detail's schema.

use serde_json::{Map, Value as Json};
use tributary_runtime::contract::{BusinessEvent, Contract, ContractFile, EventDoc};

use super::limits::SCHEMA_REGISTRY_NAME;
use crate::core::cfn::{Attr, ResourceType};
use crate::core::{ConstructPath, Reference, Resource, Stack, Value};

/// Longest schema `Content` the registry accepts, in characters.
pub const SCHEMA_CONTENT_MAX: usize = 100_000;

/// One detail type of a contract.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSchema {
    pub detail_type: String,
    pub description: String,
    /// The detail's schema (usually a `$ref` into `definitions`).
    pub detail: Json,
    /// Every schema the detail refers to, by name, in the OpenAPI 3 dialect.
    pub definitions: Map<String, Json>,
}

impl EventSchema {
    /// The schema of event type `E`.
    pub fn of<E: BusinessEvent>() -> Self {
        Self::from_doc(E::DETAIL_TYPE, EventDoc::of::<E>())
    }

    /// The schema a contract file gives `detail_type`.
    pub fn from_doc(detail_type: &str, doc: EventDoc) -> Self {
        Self {
            detail_type: detail_type.to_owned(),
            description: doc.description,
            detail: doc.detail,
            definitions: doc.schemas,
        }
    }

    /// The OpenAPI 3 document of the whole event (envelope + detail) under `source`, as the
    /// compact JSON the registry's `Content` holds (written from borrowed parts: nothing of the
    /// contract is copied).
    pub fn openapi(&self, source: &str) -> String {
        serde_json::to_string(&openapi::Document::new(self, source)).unwrap_or_default()
    }
}

/// The OpenAPI 3 document EventBridge's schema discovery writes for an event, as borrowed
/// serializable parts (field order is the document's key order).
mod openapi {
    use serde::Serialize;
    use serde::ser::{SerializeMap, Serializer};
    use serde_json::{Map, Value as Json};

    use super::EventSchema;

    #[derive(Serialize)]
    pub(super) struct Document<'a> {
        openapi: &'static str,
        info: Info<'a>,
        paths: Empty,
        components: Components<'a>,
    }

    impl<'a> Document<'a> {
        pub(super) fn new(event: &'a EventSchema, source: &'a str) -> Self {
            Self {
                openapi: "3.0.0",
                info: Info {
                    version: "1.0.0",
                    title: &event.detail_type,
                    description: &event.description,
                },
                paths: Empty {},
                components: Components {
                    schemas: Schemas {
                        envelope: Envelope {
                            kind: "object",
                            required: [
                                "detail-type",
                                "resources",
                                "detail",
                                "id",
                                "source",
                                "time",
                                "region",
                                "version",
                                "account",
                            ],
                            detail_type: &event.detail_type,
                            source,
                            properties: Properties {
                                detail: &event.detail,
                                account: STRING,
                                detail_type: STRING,
                                id: STRING,
                                region: STRING,
                                resources: Strings {
                                    kind: "array",
                                    items: STRING,
                                },
                                source: STRING,
                                time: DateTime {
                                    kind: "string",
                                    format: "date-time",
                                },
                                version: STRING,
                            },
                        },
                        definitions: &event.definitions,
                    },
                },
            }
        }
    }

    #[derive(Serialize)]
    struct Info<'a> {
        version: &'static str,
        title: &'a str,
        description: &'a str,
    }

    #[derive(Serialize)]
    struct Empty {}

    #[derive(Serialize)]
    struct Components<'a> {
        schemas: Schemas<'a>,
    }

    /// `AWSEvent` first, then the detail's named schemas.
    struct Schemas<'a> {
        envelope: Envelope<'a>,
        definitions: &'a Map<String, Json>,
    }

    impl Serialize for Schemas<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(1 + self.definitions.len()))?;
            map.serialize_entry("AWSEvent", &self.envelope)?;
            for (name, schema) in self.definitions {
                map.serialize_entry(name, schema)?;
            }
            map.end()
        }
    }

    #[derive(Serialize)]
    struct Envelope<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        required: [&'static str; 9],
        #[serde(rename = "x-amazon-events-detail-type")]
        detail_type: &'a str,
        #[serde(rename = "x-amazon-events-source")]
        source: &'a str,
        properties: Properties<'a>,
    }

    #[derive(Serialize)]
    struct Properties<'a> {
        detail: &'a Json,
        account: Typed,
        #[serde(rename = "detail-type")]
        detail_type: Typed,
        id: Typed,
        region: Typed,
        resources: Strings,
        source: Typed,
        time: DateTime,
        version: Typed,
    }

    #[derive(Clone, Copy, Serialize)]
    struct Typed {
        #[serde(rename = "type")]
        kind: &'static str,
    }

    const STRING: Typed = Typed { kind: "string" };

    #[derive(Serialize)]
    struct Strings {
        #[serde(rename = "type")]
        kind: &'static str,
        items: Typed,
    }

    #[derive(Serialize)]
    struct DateTime {
        #[serde(rename = "type")]
        kind: &'static str,
        format: &'static str,
    }
}

/// The events of one source: what a publisher promises to put on a bus.
#[derive(Debug, Clone, PartialEq)]
pub struct EventContract {
    pub source: String,
    /// Shared, not copied, by the constructs that use the contract.
    pub events: std::sync::Arc<[EventSchema]>,
}

impl EventContract {
    /// The contract of `C`, from its Rust types (what its contract file holds).
    pub fn of<C: Contract>() -> Self {
        Self::from(ContractFile::of::<C>())
    }

    /// The detail types, in order.
    pub fn detail_types(&self) -> impl Iterator<Item = &str> {
        self.events.iter().map(|e| e.detail_type.as_str())
    }
}

impl From<ContractFile> for EventContract {
    fn from(file: ContractFile) -> Self {
        Self {
            source: file.source,
            events: file
                .events
                .0
                .into_iter()
                .map(|(detail_type, doc)| EventSchema::from_doc(&detail_type, doc))
                .collect(),
        }
    }
}

/// A schema registry holding a contract's schemas.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaRegistry {
    pub path: ConstructPath,
    pub reference: Reference,
}

impl SchemaRegistry {
    /// Adds registry `name` (checked against [`SCHEMA_REGISTRY_NAME`], never shortened: derive a
    /// long one with [`crate::core::names::physical_name`]) with one schema (`<source>@<DetailType>`) per event of `contract`.
    pub fn new(
        stack: &mut Stack,
        path: ConstructPath,
        name: &str,
        description: &str,
        contract: &EventContract,
    ) -> Self {
        stack.given_name(&path, &SCHEMA_REGISTRY_NAME, None, name);
        let r = Resource::new(ResourceType::EventSchemasRegistry)
            .prop("RegistryName", name.to_owned())
            .prop("Description", description.to_owned());
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        let registry = Self { path, reference };
        for event in contract.events.iter() {
            let content = event.openapi(&contract.source);
            let schema_path = stack.child(&registry.path, &event.detail_type);
            if content.chars().count() > SCHEMA_CONTENT_MAX {
                stack.error(
                    &schema_path,
                    format!(
                        "the schema of {} is {} characters; the registry accepts at most {SCHEMA_CONTENT_MAX}",
                        event.detail_type,
                        content.chars().count()
                    ),
                );
            }
            let schema = Resource::new(ResourceType::EventSchemasSchema)
                .prop("RegistryName", registry.name())
                .prop(
                    "SchemaName",
                    format!("{}@{}", contract.source, event.detail_type),
                )
                .prop("Type", "OpenApi3")
                .prop("Description", event.description.clone())
                .prop("Content", content);
            let resource = stack.child(&schema_path, "Resource");
            stack.add(&resource, schema);
        }
        registry
    }

    /// The registry's name.
    pub fn name(&self) -> Value {
        Value::GetAtt(self.reference.clone(), Attr::RegistryName)
    }
}
