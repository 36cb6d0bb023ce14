//! The {{source}} service's business events. The publisher is compiled from these types, and
//! `contract.json` (which the infrastructure reads: schema registry, rule checks) is written from
//! them by the test below: `TRIBUTARY_UPDATE_CONTRACTS=1 cargo test -p {{source}}-contract`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tributary_runtime::contract::{BusinessEvent, Contract, Visitor};

/// The {{source}} service as an event source.
#[derive(Debug, Clone, Copy)]
pub struct {{Pascal}}Events;

impl Contract for {{Pascal}}Events {
    const SOURCE: &'static str = "{{source}}";

    fn for_each(visitor: &mut impl Visitor) {
        visitor.visit::<{{Event}}>();
    }
}

/// One {{item}}, as stored in the table (attributes in camelCase) and carried by its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct {{Item}} {
    /// Unique id (the table's partition key): 1..=64 characters of `[A-Za-z0-9_-]`.
    pub {{id_snake}}: String,
    /// What it is about, 1..=100 characters.
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// How many, 1..=1000.
    #[schemars(range(min = 1, max = 1000))]
    pub quantity: u32,
    /// When it was received: an RFC 3339 date-time in UTC.
    #[schemars(extend("format" = "date-time"))]
    pub created_at: String,
}

/// A new {{item}} was received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct {{Event}} {
    /// The new {{item}}.
    pub {{item_snake}}: {{Item}},
}

impl BusinessEvent for {{Event}} {
    type Contract = {{Pascal}}Events;
    const DETAIL_TYPE: &'static str = "{{Event}}";
    const DESCRIPTION: &'static str = "A new {{item}} was received.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contract_file_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/contract.json");
        if let Err(e) = tributary_runtime::contract::sync_file::<{{Pascal}}Events>(path) {
            panic!("{e}");
        }
    }
}
