//! Handlers found through cargo's metadata in any workspace, one asset hash per handler (a change
//! to one moves only its functions' S3 keys), prebuilt zips, and a warm resolve that runs no cargo.

use std::fs;
use std::path::Path;

use tributary::assets::{ModelSource, Workspace};
use tributary::core::{Architecture, AssetResolver, AssetSource, Code};

/// A workspace outside this repository: two handler packages (`orders-api`, `orders-publisher`
/// with two binaries), a domain library both use, and a library only the publisher uses.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"services/*\", \"libs/*\"]\nresolver = \"3\"\n\n\
         [workspace.package]\nedition = \"2024\"\n\n\
         [workspace.metadata.tributary]\narchitecture = \"arm64\"\n",
    );
    let package = |name: &str, deps: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition.workspace = true\n\n[dependencies]\n{deps}"
        )
    };
    write("libs/orders/Cargo.toml", &package("orders", ""));
    write(
        "libs/orders/src/lib.rs",
        "pub const SOURCE: &str = \"orders\";\n",
    );
    write("libs/codec/Cargo.toml", &package("codec", ""));
    write("libs/codec/src/lib.rs", "pub fn encode() {}\n");
    write(
        "services/api/Cargo.toml",
        &package("orders-api", "orders = { path = \"../../libs/orders\" }\n"),
    );
    write("services/api/src/main.rs", "fn main() {}\n");
    write(
        "services/publisher/Cargo.toml",
        &(package(
            "orders-publisher",
            "orders = { path = \"../../libs/orders\" }\ncodec = { path = \"../../libs/codec\" }\n",
        ) + "\n[[bin]]\nname = \"publish\"\npath = \"src/main.rs\"\n\n[[bin]]\nname = \"replay\"\npath = \"src/replay.rs\"\n"),
    );
    write("services/publisher/src/main.rs", "fn main() {}\n");
    write("services/publisher/src/replay.rs", "fn main() {}\n");
    dir
}

fn handler(name: &str) -> Code {
    Code::Handler(name.parse().unwrap())
}

/// The hashes of the API, the publisher and the replay binary.
fn hashes(root: &Path) -> [String; 3] {
    let ws = Workspace::open(root);
    [
        "orders-api",
        "orders-publisher/publish",
        "orders-publisher/replay",
    ]
    .map(|h| {
        ws.resolve(&handler(h), ws.default_architecture())
            .unwrap()
            .hash
    })
}

fn edit(root: &Path, file: &str) {
    let path = root.join(file);
    let mut text = fs::read_to_string(&path).unwrap_or_default();
    let comment = if file.ends_with(".toml") { "#" } else { "//" };
    text.push_str(&format!("{comment} edited\n"));
    fs::write(path, text).unwrap();
}

#[test]
fn a_change_to_one_handler_moves_only_its_own_hash() {
    let dir = workspace();
    let root = dir.path();
    let base = hashes(root);
    assert_ne!(
        base[1], base[2],
        "two binaries of one package are two assets"
    );

    edit(root, "services/api/src/main.rs");
    let after = hashes(root);
    assert_ne!(after[0], base[0]);
    assert_eq!(after[1..], base[1..], "the publisher moved with the API");

    // The publisher's own library moves both of its binaries, and nothing else.
    let base = after;
    edit(root, "libs/codec/src/lib.rs");
    let after = hashes(root);
    assert_eq!(after[0], base[0]);
    assert_ne!(after[1], base[1]);
    assert_ne!(after[2], base[2]);

    // The shared domain library moves every handler.
    let base = after;
    edit(root, "libs/orders/src/lib.rs");
    let after = hashes(root);
    assert!(after.iter().zip(&base).all(|(a, b)| a != b));

    // Tests, benches and the project's settings of other things never reach a binary.
    let base = after;
    fs::create_dir_all(root.join("services/api/tests")).unwrap();
    edit(root, "services/api/tests/it.rs");
    edit(root, "README.md");
    assert_eq!(hashes(root), base);

    // Build configuration changes how everything is built.
    fs::create_dir_all(root.join(".cargo")).unwrap();
    fs::write(
        root.join(".cargo/config.toml"),
        "[build]\nrustflags = [\"-Cdebuginfo=0\"]\n",
    )
    .unwrap();
    assert!(hashes(root).iter().zip(&base).all(|(a, b)| a != b));
}

#[test]
fn handlers_resolve_to_package_and_binary_with_clear_errors() {
    let dir = workspace();
    let ws = Workspace::open(dir.path());
    assert_eq!(ws.default_architecture(), Architecture::Arm64);
    let asset = ws
        .resolve(&handler("orders-api"), Architecture::X86_64)
        .unwrap();
    assert_eq!(
        asset.source,
        AssetSource::Binary {
            package: "orders-api".into(),
            binary: "orders-api".into()
        }
    );
    let error = |h: &str| ws.resolve(&handler(h), Architecture::X86_64).unwrap_err();
    insta::assert_snapshot!(error("orders-apj"), @"handler `orders-apj`: the cargo workspace has no package `orders-apj`; did you mean `orders-api`?");
    insta::assert_snapshot!(error("billing"), @"handler `billing`: the cargo workspace has no package `billing` (members with binaries: orders-api, orders-publisher)");
    insta::assert_snapshot!(error("orders-publisher"), @"handler `orders-publisher`: package `orders-publisher` has several binaries (publish, replay); name one as `orders-publisher/<binary>`");
    insta::assert_snapshot!(error("orders-publisher/publsh"), @"handler `orders-publisher/publsh`: package `orders-publisher` has no binary `publsh`; did you mean `publish`?");
    insta::assert_snapshot!(error("orders"), @"handler `orders`: package `orders` has no binary target (a handler is `src/main.rs` or a `[[bin]]`)");
}

#[test]
fn a_file_added_after_a_warm_run_moves_the_hash() {
    let dir = workspace();
    let root = dir.path();
    // Directories changed in the last two seconds are not remembered (their stamp could hide a
    // second change): wait them out, so the next runs answer from remembered listings.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let base = hashes(root);
    assert_eq!(hashes(root), base, "a warm run moved a hash");
    fs::write(root.join("services/api/src/routes.rs"), "pub fn f() {}\n").unwrap();
    let after = hashes(root);
    assert_ne!(
        after[0], base[0],
        "a new source file of the API left its hash alone"
    );
    assert_eq!(after[1..], base[1..]);
    // A directory that becomes a package of its own leaves the enclosing package's sources.
    let base = after;
    fs::create_dir_all(root.join("services/api/src/vendored/src")).unwrap();
    fs::write(root.join("services/api/src/vendored/src/lib.rs"), "").unwrap();
    let with_dir = hashes(root);
    assert_ne!(with_dir[0], base[0]);
    fs::write(
        root.join("services/api/src/vendored/Cargo.toml"),
        "[package]\nname = \"vendored\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    assert_eq!(
        hashes(root),
        base,
        "a nested package counted as the API's source"
    );
}

#[test]
fn a_warm_resolve_runs_no_cargo_and_a_new_member_is_found() {
    let dir = workspace();
    let root = dir.path();
    assert_eq!(Workspace::open(root).model_source(), ModelSource::Cargo);
    let cold = hashes(root);
    let ws = Workspace::open(root);
    assert_eq!(ws.model_source(), ModelSource::Cache);
    assert_eq!(hashes(root), cold);
    // A changed manifest is read again.
    edit(root, "services/api/Cargo.toml");
    assert_eq!(Workspace::open(root).model_source(), ModelSource::Cargo);
    // A member a glob picks up, with no manifest of the cache changed, is found on first use.
    fs::create_dir_all(root.join("services/refunds/src")).unwrap();
    fs::write(
        root.join("services/refunds/Cargo.toml"),
        "[package]\nname = \"refunds\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .unwrap();
    fs::write(root.join("services/refunds/src/main.rs"), "fn main() {}\n").unwrap();
    let ws = Workspace::open(root);
    assert_eq!(ws.model_source(), ModelSource::Cache);
    ws.resolve(&handler("refunds"), Architecture::X86_64)
        .unwrap();
    assert_eq!(ws.model_source(), ModelSource::Cargo);
}

#[test]
fn a_prebuilt_zip_is_an_asset_hashed_by_its_bytes() {
    let dir = workspace();
    let zip = tributary::assets::write_bootstrap_zip(b"\x7fELF", std::io::Cursor::new(Vec::new()))
        .unwrap()
        .into_inner();
    fs::write(dir.path().join("legacy.zip"), &zip).unwrap();
    fs::write(dir.path().join("empty.zip"), b"").unwrap();
    let ws = Workspace::open(dir.path());
    let asset = ws
        .resolve(&Code::Zip("legacy.zip".into()), Architecture::X86_64)
        .unwrap();
    assert_eq!(asset.label(), "legacy.zip");
    assert_eq!(asset.hash.len(), 64);
    let error = ws
        .resolve(&Code::Zip("empty.zip".into()), Architecture::X86_64)
        .unwrap_err();
    assert!(error.contains("not a zip file"), "{error}");
}
