//! EventBridge schema registry: what a bus carries, discoverable by other teams (console, code
//! bindings, `aws schemas describe-schema`).
//!
//! An [`EventContract`] is a source and its detail types, each with the JSON Schema of its detail:
//! read from a contract file ([`crate::contracts::load`]) or built from a domain crate's Rust types
//! ([`EventContract::of`]). [`SchemaRegistry`] writes one `AWS::EventSchemas::Registry`
//! and one `AWS::EventSchemas::Schema` per detail type, in the OpenAPI 3 form EventBridge's schema
//! discovery uses: an `AWSEvent` envelope tagged with `x-amazon-events-source` and
//! `x-amazon-events-detail-type` whose `detail` refers to the detail's schema.

use serde_json::{Map, Value as Json, json};
use tributary_runtime::contract::{BusinessEvent, Contract, ContractFile, EventDoc};

use crate::core::cfn::{Attr, ResourceType};
use crate::core::{ConstructPath, Reference, Resource, Stack, Value};

/// Longest schema `Content` the registry accepts, in characters.
pub const SCHEMA_CONTENT_MAX: usize = 100_000;
/// Longest registry name, in characters (`[.\-_A-Za-z0-9]`).
pub const REGISTRY_NAME_MAX: usize = 64;

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

    /// The OpenAPI 3 document of the whole event (envelope + detail) under `source`.
    pub fn openapi(&self, source: &str) -> Json {
        let mut schemas = Map::new();
        schemas.insert(
            "AWSEvent".to_owned(),
            json!({
                "type": "object",
                "required": ["detail-type", "resources", "detail", "id", "source", "time", "region", "version", "account"],
                "x-amazon-events-detail-type": self.detail_type,
                "x-amazon-events-source": source,
                "properties": {
                    "detail": self.detail,
                    "account": { "type": "string" },
                    "detail-type": { "type": "string" },
                    "id": { "type": "string" },
                    "region": { "type": "string" },
                    "resources": { "type": "array", "items": { "type": "string" } },
                    "source": { "type": "string" },
                    "time": { "type": "string", "format": "date-time" },
                    "version": { "type": "string" },
                },
            }),
        );
        schemas.extend(self.definitions.clone());
        json!({
            "openapi": "3.0.0",
            "info": { "version": "1.0.0", "title": self.detail_type, "description": self.description },
            "paths": {},
            "components": { "schemas": schemas },
        })
    }
}

/// The events of one source: what a publisher promises to put on a bus.
#[derive(Debug, Clone, PartialEq)]
pub struct EventContract {
    pub source: String,
    pub events: Vec<EventSchema>,
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
    /// Adds registry `name` with one schema (`<source>@<DetailType>`) per event of `contract`.
    pub fn new(
        stack: &mut Stack,
        path: ConstructPath,
        name: &str,
        description: &str,
        contract: &EventContract,
    ) -> Self {
        let valid = !name.is_empty()
            && name.len() <= REGISTRY_NAME_MAX
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid {
            stack.error(
                &path,
                format!(
                    "schema registry name `{name}` must be 1..={REGISTRY_NAME_MAX} characters of A-Z a-z 0-9 . - _"
                ),
            );
        }
        let r = Resource::new(ResourceType::EventSchemasRegistry)
            .prop("RegistryName", name.to_owned())
            .prop("Description", description.to_owned());
        let resource = stack.child(&path, "Resource");
        let reference = stack.add(&resource, r);
        let registry = Self { path, reference };
        for event in &contract.events {
            let content = event.openapi(&contract.source).to_string();
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
