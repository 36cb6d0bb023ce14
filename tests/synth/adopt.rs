//! tributary in a team's own repository: a throwaway workspace outside this one, for a domain
//! that is not reservations (payments), with a handler binary and a contract file of its own and
//! the settings in `[workspace.metadata.tributary]`, synthesized by the `tributary` binary.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const CONTRACT: &str = r##"{
  "source": "payments",
  "events": {
    "PaymentSettled": {
      "description": "A payment was settled with the card network.",
      "detail": { "$ref": "#/components/schemas/PaymentSettled" },
      "schemas": {
        "PaymentSettled": {
          "type": "object",
          "properties": { "paymentId": { "type": "string" }, "amountCents": { "type": "integer" } },
          "required": ["paymentId", "amountCents"]
        }
      }
    }
  }
}
"##;

const SPEC: &str = "stacks:
  Payments:
    functions:
      Ledger:
        handler: payments-handlers/ledger
    streamToBus:
      Payments:
        table:
          partitionKey: { name: paymentId, type: S }
        publisher:
          handler: payments-handlers/publish
        events: ../contracts/payments.json
    rules:
      OnSettled:
        bus: Payments
        pattern:
          source: [payments]
          detailType: [PaymentSettled]
        targets:
          - function: Ledger
";

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn tributary(root: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tributary"))
        .args(args)
        .current_dir(root)
        // The workspace's own cargo, not the one running these tests' profile settings.
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn a_workspace_of_another_domain_synthesizes_with_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"services/handlers\"]\nresolver = \"3\"\n\n\
         [workspace.metadata.tributary]\ndefault-app = \"infra/app.yaml\"\n",
    );
    write(
        root,
        "services/handlers/Cargo.toml",
        "[package]\nname = \"payments-handlers\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [[bin]]\nname = \"publish\"\npath = \"src/publish.rs\"\n\n[[bin]]\nname = \"ledger\"\npath = \"src/ledger.rs\"\n",
    );
    write(root, "services/handlers/src/publish.rs", "fn main() {}\n");
    write(root, "services/handlers/src/ledger.rs", "fn main() {}\n");
    write(root, "contracts/payments.json", CONTRACT);
    write(root, "infra/app.yaml", SPEC);

    let (ok, out) = tributary(root, &["validate"]);
    assert!(ok, "{out}");
    let (ok, out) = tributary(root, &["synth", "--quiet"]);
    assert!(ok, "{out}");

    let assembly = root.join("cdk.out");
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(assembly.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["artifacts"]["Payments"].is_object(), "{manifest}");
    let template = fs::read_to_string(assembly.join("Payments.template.json")).unwrap();
    assert!(template.contains("payments@PaymentSettled"));
    assert!(
        !template.to_lowercase().contains("reservation"),
        "the example leaked in"
    );
    // Two binaries of one package: two assets, each zipped as `bootstrap`.
    let zips: Vec<_> = fs::read_dir(&assembly)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".zip"))
        .collect();
    assert_eq!(zips.len(), 2, "{zips:?}");

    // A second run is warm: the same output, and nothing is built.
    let first = fs::read_to_string(assembly.join("Payments.template.json")).unwrap();
    let (ok, out) = tributary(root, &["synth"]);
    assert!(ok, "{out}");
    assert!(!out.contains("building"), "{out}");
    assert_eq!(
        fs::read_to_string(assembly.join("Payments.template.json")).unwrap(),
        first
    );
}

/// The tool knows no domain: the `tributary` package's normal dependencies (what `cargo install`
/// builds) hold none of the example's crates.
#[test]
fn the_tool_depends_on_no_handler_or_domain_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let root = crate::common::root();
    let tree = Command::new(&cargo)
        .args([
            "tree",
            "--locked",
            "-p",
            "tributary",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        tree.status.success(),
        "{}",
        String::from_utf8_lossy(&tree.stderr)
    );
    let tree = String::from_utf8_lossy(&tree.stdout);
    let example_crates: Vec<String> = fs::read_dir(root.join("handlers"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let manifest = fs::read_to_string(e.path().join("Cargo.toml")).ok()?;
            let name = manifest.lines().find_map(|l| l.strip_prefix("name = "))?;
            Some(name.trim_matches('"').to_owned())
        })
        .collect();
    assert!(example_crates.len() >= 4, "{example_crates:?}");
    for line in tree.lines() {
        let package = line.split(' ').next().unwrap_or_default();
        assert!(
            !example_crates.iter().any(|c| c == package),
            "tributary depends on the example's crate {package}"
        );
    }
    assert!(tree.contains("tributary-runtime"), "{tree}");
}
