//! `tributary init`: a new service's files, a non-empty directory refused, and the contract file
//! it writes being exactly what the scaffold's own contract test writes from its types.

use std::fs;
use std::process::Command;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tributary_runtime::contract::{BusinessEvent, Contract, ContractFile, Visitor};

// The scaffold's `contract/src/lib.rs` for `--source orders`, as `init` fills it in.

/// The orders service as an event source.
#[derive(Debug, Clone, Copy)]
pub struct OrdersEvents;

impl Contract for OrdersEvents {
    const SOURCE: &'static str = "orders";

    fn for_each(visitor: &mut impl Visitor) {
        visitor.visit::<OrderCreated>();
    }
}

/// One order, as stored in the table (attributes in camelCase) and carried by its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// Unique id (the table's partition key): 1..=64 characters of `[A-Za-z0-9_-]`.
    pub order_id: String,
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

/// A new order was received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderCreated {
    /// The new order.
    pub order: Order,
}

impl BusinessEvent for OrderCreated {
    type Contract = OrdersEvents;
    const DETAIL_TYPE: &'static str = "OrderCreated";
    const DESCRIPTION: &'static str = "A new order was received.";
}

#[test]
fn the_contract_file_init_writes_is_what_the_scaffold_types_give() {
    assert_eq!(
        tributary::cli::init_contract_file("orders").unwrap(),
        ContractFile::of::<OrdersEvents>().to_json()
    );
}

fn init(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tributary"))
        .arg("init")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn init_writes_a_service_and_refuses_a_directory_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    let service = dir.path().join("payments");
    let runtime = crate::common::root().join("crates/runtime");
    let runtime = format!("path={}", runtime.display());
    let (ok, out) = init(&[service.to_str().unwrap(), "--runtime", &runtime]);
    assert!(ok, "{out}");
    for file in [
        "Cargo.toml",
        "app.yaml",
        "app.schema.json",
        "README.md",
        "ci.sh",
        "contract/contract.json",
        "contract/src/lib.rs",
        "handlers/api/src/main.rs",
        "handlers/publisher/src/main.rs",
        "handlers/consumer/src/main.rs",
    ] {
        assert!(service.join(file).is_file(), "{file} is missing");
    }
    let spec = fs::read_to_string(service.join("app.yaml")).unwrap();
    assert!(spec.starts_with("# yaml-language-server: $schema=app.schema.json\n"));
    assert!(spec.contains("handler: payments-publisher"), "{spec}");
    // The spec and its contract load (the rules are checked against the contract).
    tributary::spec::load(&service.join("app.yaml")).unwrap();
    let manifest = fs::read_to_string(service.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("tributary-runtime = { path = "),
        "{manifest}"
    );
    assert!(
        manifest.contains("# tributary-runtime = \"0.1\""),
        "{manifest}"
    );

    // Again: refused, nothing touched.
    let before = fs::read_to_string(service.join("app.yaml")).unwrap();
    let (ok, out) = init(&[service.to_str().unwrap(), "--runtime", &runtime]);
    assert!(!ok);
    assert!(out.contains("is not empty"), "{out}");
    assert_eq!(
        fs::read_to_string(service.join("app.yaml")).unwrap(),
        before
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers,
        ["payments"],
        "a temporary directory was left behind"
    );

    // A source AWS reserves is a usage error.
    let (ok, out) = init(&[
        dir.path().join("x").to_str().unwrap(),
        "--source",
        "aws-things",
    ]);
    assert!(!ok);
    assert!(out.contains("not with `aws`"), "{out}");
}
