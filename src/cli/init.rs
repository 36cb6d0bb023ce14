//! `tributary init DIR`: scaffolds a service of the pattern in a new (or empty) directory: a cargo
//! workspace, an app spec, a contract crate with one event, an API writer, a stream publisher and
//! a rule target on the runtime library, a README with the two commands and a CI script. Out of
//! the box `tributary validate` is clean there and `tributary synth` deploys.
//!
//! The files are written to a temporary directory beside DIR and moved into place at the end, so
//! a failed init leaves nothing behind; a directory that is not empty is refused.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, anyhow};
use clap::Args;

use super::Failure;

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The directory of the new service (created; refused when it exists and is not empty).
    dir: PathBuf,
    /// The event source of the service (`orders`, `payments`): lower-case words joined by `-`.
    /// It names the crates (`<source>-api`, ...), the route and the events' `source`. Default:
    /// the directory's name.
    #[arg(long, value_name = "NAME")]
    source: Option<String>,
    /// Where the handlers get the runtime library: `path=DIR`, `git=URL` or `version=REQ` (from
    /// the crate registry, once it is published there). Written as one line of the workspace's
    /// `Cargo.toml`, so switching is a one-line change. Default: the runtime crate beside this
    /// tributary's own sources, when they are on this machine.
    #[arg(long, value_name = "SPEC")]
    runtime: Option<RuntimeSource>,
}

/// Where the runtime library comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RuntimeSource {
    Path(PathBuf),
    Git(String),
    Version(String),
}

impl FromStr for RuntimeSource {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some(("path", p)) if !p.is_empty() => Ok(Self::Path(PathBuf::from(p))),
            Some(("git", u)) if !u.is_empty() => Ok(Self::Git(u.to_owned())),
            Some(("version", v)) if !v.is_empty() => Ok(Self::Version(v.to_owned())),
            _ => Err(format!(
                "`{s}`: expected `path=DIR`, `git=URL` or `version=REQ`"
            )),
        }
    }
}

impl RuntimeSource {
    /// The `[workspace.dependencies]` line.
    fn dependency(&self) -> Result<String, String> {
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
        Ok(match self {
            Self::Path(p) => {
                let p = fs::canonicalize(p)
                    .map_err(|e| format!("--runtime path={}: {e}", p.display()))?;
                if !p.join("Cargo.toml").is_file() {
                    return Err(format!(
                        "--runtime path={}: no Cargo.toml there (the runtime crate is `crates/runtime` of tributary's sources)",
                        p.display()
                    ));
                }
                format!(
                    "tributary-runtime = {{ path = {} }}",
                    quoted(&p.to_string_lossy())
                )
            }
            Self::Git(url) => format!("tributary-runtime = {{ git = {} }}", quoted(url)),
            Self::Version(v) => format!("tributary-runtime = {}", quoted(v)),
        })
    }
}

impl fmt::Display for RuntimeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(p) => write!(f, "path={}", p.display()),
            Self::Git(u) => write!(f, "git={u}"),
            Self::Version(v) => write!(f, "version={v}"),
        }
    }
}

/// The runtime crate of the sources this binary was built from, if they are still there.
fn bundled_runtime() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/runtime");
    dir.join("Cargo.toml").is_file().then_some(dir)
}

/// The names a service's files are made from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Names {
    /// `order-lines`.
    source: String,
    /// `OrderLines`.
    pascal: String,
    /// The singular: `order line`.
    item: String,
    /// `OrderLine`.
    item_pascal: String,
    /// `order_line` (a Rust field).
    item_snake: String,
    /// `orderLine` (its JSON name).
    item_camel: String,
}

/// Longest event source `init` takes (crate names are made from it).
const SOURCE_MAX: usize = 40;

impl Names {
    fn new(source: &str) -> Result<Self, String> {
        let words: Vec<&str> = source.split('-').collect();
        let valid = !source.is_empty()
            && source.len() <= SOURCE_MAX
            && words.iter().all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
            && source.starts_with(|c: char| c.is_ascii_lowercase())
            && !source.starts_with("aws");
        if !valid {
            return Err(format!(
                "source `{source}` must be 1..={SOURCE_MAX} lower-case letters and digits in words joined by `-`, starting with a letter and not with `aws` (it names crates and the events' `source`)"
            ));
        }
        let mut singular: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        if let Some(last) = singular.last_mut()
            && last.len() > 3
            && last.ends_with('s')
            && !last.ends_with("ss")
        {
            last.pop();
        }
        let cap = |w: &str| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        };
        let pascal = |ws: &[String]| ws.iter().map(|w| cap(w)).collect::<String>();
        let item_pascal = pascal(&singular);
        let mut item_snake = singular.join("_");
        if RUST_KEYWORDS.contains(&item_snake.as_str()) {
            item_snake.push_str("_item");
        }
        let item_camel = singular[0].clone() + &pascal(&singular[1..]);
        Ok(Self {
            source: source.to_owned(),
            pascal: pascal(&words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>()),
            item: singular.join(" "),
            item_pascal,
            item_snake,
            item_camel,
        })
    }

    /// `text` with every `{{placeholder}}` filled in.
    fn fill(&self, text: &str, runtime_dependency: &str, runtime_note: &str) -> String {
        let event = format!("{}Created", self.item_pascal);
        let id = format!("{}Id", self.item_camel);
        let id_snake = format!("{}_id", self.item_snake.trim_end_matches("_item"));
        let pairs = [
            ("{{runtime_dependency}}", runtime_dependency.to_owned()),
            ("{{runtime_note}}", runtime_note.to_owned()),
            ("{{source_snake}}", self.source.replace('-', "_")),
            ("{{item_snake_camel}}", self.item_camel.clone()),
            ("{{item_snake}}", self.item_snake.clone()),
            ("{{id_snake}}", id_snake),
            ("{{source}}", self.source.clone()),
            ("{{Pascal}}", self.pascal.clone()),
            ("{{Item}}", self.item_pascal.clone()),
            ("{{item}}", self.item.clone()),
            ("{{Event}}", event),
            ("{{id}}", id),
        ];
        pairs
            .iter()
            .fold(text.to_owned(), |t, (k, v)| t.replace(k, v))
    }
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "unsafe", "use", "where", "while", "yield",
];

/// Every file of a new service: its path and its template.
const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("init/workspace.toml")),
    ("app.yaml", include_str!("init/app.yaml")),
    ("README.md", include_str!("init/README.md")),
    ("ci.sh", include_str!("init/ci.sh")),
    (".gitignore", include_str!("init/gitignore")),
    (
        "contract/Cargo.toml",
        include_str!("init/contract.Cargo.toml"),
    ),
    ("contract/src/lib.rs", include_str!("init/contract.lib.rs")),
    (
        "handlers/api/Cargo.toml",
        include_str!("init/api.Cargo.toml"),
    ),
    ("handlers/api/src/main.rs", include_str!("init/api.main.rs")),
    (
        "handlers/publisher/Cargo.toml",
        include_str!("init/publisher.Cargo.toml"),
    ),
    (
        "handlers/publisher/src/main.rs",
        include_str!("init/publisher.main.rs"),
    ),
    (
        "handlers/consumer/Cargo.toml",
        include_str!("init/consumer.Cargo.toml"),
    ),
    (
        "handlers/consumer/src/main.rs",
        include_str!("init/consumer.main.rs"),
    ),
];

/// Contract files are written by the contract crate's own test from its types; `init` writes
/// the same file from the same shape so that `tributary validate` is clean before any build
/// (`tests/synth/init.rs` checks it is byte for byte what the template's types give).
pub fn contract_file(source: &str) -> Result<String, String> {
    Ok(contract_text(&Names::new(source)?))
}

fn contract_text(names: &Names) -> String {
    use serde_json::json;
    let event = format!("{}Created", names.item_pascal);
    let id = format!("{}Id", names.item_camel);
    let item = &names.item_pascal;
    let file = json!({
        "source": names.source,
        "events": {
            event.clone(): {
                "description": format!("A new {} was received.", names.item),
                "detail": { "$ref": format!("#/components/schemas/{event}") },
                "schemas": {
                    event.clone(): {
                        "type": "object",
                        "properties": {
                            names.item_camel.clone(): {
                                "description": format!("The new {}.", names.item),
                                "allOf": [{ "$ref": format!("#/components/schemas/{item}") }]
                            }
                        },
                        "required": [names.item_camel],
                        "description": format!("A new {} was received.", names.item)
                    },
                    item.clone(): {
                        "type": "object",
                        "properties": {
                            id.clone(): {
                                "type": "string",
                                "description": "Unique id (the table's partition key): 1..=64 characters of `[A-Za-z0-9_-]`."
                            },
                            "name": {
                                "type": "string",
                                "description": "What it is about, 1..=100 characters.",
                                "minLength": 1,
                                "maxLength": 100
                            },
                            "quantity": {
                                "type": "integer",
                                "format": "uint32",
                                "minimum": 1,
                                "description": "How many, 1..=1000.",
                                "maximum": 1000
                            },
                            "createdAt": {
                                "type": "string",
                                "description": "When it was received: an RFC 3339 date-time in UTC.",
                                "format": "date-time"
                            }
                        },
                        "required": [id, "name", "quantity", "createdAt"],
                        "description": format!("One {}, as stored in the table (attributes in camelCase) and carried by its events.", names.item)
                    }
                }
            }
        }
    });
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

pub(crate) fn run(args: InitArgs) -> Result<(), Failure> {
    let dir = args.dir;
    let source = match &args.source {
        Some(s) => s.clone(),
        None => dir
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase().replace(['_', ' '], "-"))
            .unwrap_or_default(),
    };
    let names = Names::new(&source).map_err(Failure::Usage)?;
    let runtime = match args.runtime {
        Some(r) => r,
        None => RuntimeSource::Path(bundled_runtime().ok_or_else(|| {
            Failure::Usage(
                "the runtime library's sources are not on this machine: pass --runtime git=<URL of tributary> (or path=DIR, or version=REQ once it is published)".to_owned(),
            )
        })?),
    };
    let dependency = runtime.dependency().map_err(Failure::Usage)?;
    let note = match runtime {
        RuntimeSource::Version(_) => "From the crate registry.".to_owned(),
        _ => "Once it is on the crate registry, this line becomes:\n# tributary-runtime = \"0.1\""
            .to_owned(),
    };

    if dir.exists() {
        let mut entries =
            fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
        if entries.next().is_some() {
            return Err(Failure::Usage(format!(
                "{} is not empty: `tributary init` writes only into a new or empty directory (nothing was written)",
                dir.display()
            )));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".tributary-init")
        .tempdir_in(&parent)
        .with_context(|| format!("creating a temporary directory in {}", parent.display()))?;
    let mut files: Vec<(String, String)> = FILES
        .iter()
        .map(|(path, text)| ((*path).to_owned(), names.fill(text, &dependency, &note)))
        .collect();
    files.push(("app.schema.json".to_owned(), crate::spec::json_schema()));
    files.push(("contract/contract.json".to_owned(), contract_text(&names)));
    for (path, text) in &files {
        let dest = tmp.path().join(path);
        if let Some(d) = dest.parent() {
            fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
        }
        fs::write(&dest, text).with_context(|| format!("writing {}", dest.display()))?;
    }
    set_executable(&tmp.path().join("ci.sh"))?;
    format_sources(tmp.path(), &files);
    if dir.exists() {
        // Empty: move the files in, then drop the temporary directory.
        for entry in fs::read_dir(tmp.path()).context("reading the new files")? {
            let entry = entry.context("reading the new files")?;
            fs::rename(entry.path(), dir.join(entry.file_name()))
                .with_context(|| format!("moving the new files into {}", dir.display()))?;
        }
    } else {
        let kept = tmp.keep();
        fs::rename(&kept, &dir).map_err(|e| {
            let _ = fs::remove_dir_all(&kept);
            anyhow!("moving the new service to {}: {e}", dir.display())
        })?;
    }
    eprintln!(
        "created the `{}` service in {} ({} files; runtime library: {runtime})",
        names.source,
        dir.display(),
        files.len()
    );
    eprintln!(
        "next:\n  cd {}\n  tributary synth          # builds the handlers, writes cdk.out/\n  cargo test --workspace",
        dir.display()
    );
    Ok(())
}

/// Formats the Rust sources with rustfmt when it is installed (names of every length then read
/// as `cargo fmt` writes them); without it they are left as the templates give them.
fn format_sources(dir: &Path, files: &[(String, String)]) {
    let sources: Vec<PathBuf> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(path, _)| dir.join(path))
        .collect();
    let _ = std::process::Command::new("rustfmt")
        .args(["--edition", "2024"])
        .args(&sources)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("making {} executable", path.display()))?;
    Ok(())
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> Result<(), Failure> {
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn names_come_from_the_source() {
        let n = Names::new("order-lines").unwrap();
        assert_eq!(
            (n.pascal.as_str(), n.item.as_str(), n.item_pascal.as_str()),
            ("OrderLines", "order line", "OrderLine")
        );
        assert_eq!(
            (n.item_snake.as_str(), n.item_camel.as_str()),
            ("order_line", "orderLine")
        );
        assert_eq!(Names::new("payments").unwrap().item_pascal, "Payment");
        assert_eq!(Names::new("address").unwrap().item_pascal, "Address");
        assert_eq!(Names::new("type").unwrap().item_snake, "type_item");
        for bad in [
            "",
            "Orders",
            "orders_",
            "-orders",
            "aws-orders",
            "orders--x",
            "9lives",
        ] {
            assert!(Names::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        let n = Names::new("orders").unwrap();
        for (path, text) in FILES {
            let filled = n.fill(text, "tributary-runtime = \"0.1\"", "note");
            assert!(!filled.contains("{{"), "{path} keeps a placeholder");
        }
    }

    #[test]
    fn runtime_sources_parse() {
        assert_eq!(
            "git=https://example.com/t.git".parse(),
            Ok(RuntimeSource::Git("https://example.com/t.git".into()))
        );
        assert_eq!(
            "version=0.1".parse(),
            Ok(RuntimeSource::Version("0.1".into()))
        );
        assert!("0.1".parse::<RuntimeSource>().is_err());
        assert_eq!(
            RuntimeSource::Version("0.1".into()).dependency().unwrap(),
            "tributary-runtime = \"0.1\""
        );
    }
}
