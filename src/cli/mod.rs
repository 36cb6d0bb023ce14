//! The command line: `synth`, `validate`, `list`, `graph`, `diff`, `schema` and `init`, for an
//! app given as a spec file (the `tributary` binary) or built in Rust code
//! (`tributary::cli::run(app)` from your own binary).
//!
//! Exit codes: 0 success; 1 the app is invalid or could not be synthesized (every problem is
//! printed), or `diff --fail-on` found what it names; 2 usage error (unknown flag, unknown stack
//! name).

mod diff;
mod fresh;
mod graph;
mod init;
mod list;
mod root;
mod schema;
mod synth;
mod validate;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use init::contract_file as init_contract_file;
pub use root::{default_app, find_project_root};

use crate::core::App;

/// Synthesizes CloudFormation for the DynamoDB Streams -> Lambda -> EventBridge pattern.
#[derive(Debug, Parser)]
#[command(name = "tributary", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Synthesize the app into a cloud assembly (`cdk.out`) that the AWS CDK CLI deploys.
    Synth(synth::SynthArgs),
    /// Run the policy checks (also run by `synth`) without building or writing anything.
    Validate(validate::ValidateArgs),
    /// List the app's stacks with their environment and resource counts.
    List(list::ListArgs),
    /// Print (or write, or check) the JSON Schema of app specs, for editors.
    Schema(schema::SchemaArgs),
    /// Compare the app with deployed templates: what the change replaces, destroys or widens.
    Diff(diff::DiffArgs),
    /// Draw the app (stacks, data path, failure paths, alarms) as Mermaid or Graphviz dot.
    Graph(graph::GraphArgs),
    /// Scaffold a new service (workspace, app spec, contract, handlers, CI) in a new directory.
    Init(init::InitArgs),
}

/// How a command failed; mapped to an exit code in [`exit`] only.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The app is invalid, or synthesis failed (exit 1). The message is already printed.
    Invalid,
    /// Wrong usage (exit 2).
    Usage(String),
    /// Anything else that stops the command (exit 1).
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

/// Where the app comes from.
pub(crate) enum Source {
    /// A spec file (`--app`, or the project's default app).
    Spec,
    /// An app built in Rust code.
    Code(App),
}

/// Runs the CLI for an app built in Rust code: `fn main() -> ExitCode { tributary::cli::run(app()) }`.
pub fn run(app: App) -> ExitCode {
    run_from(std::env::args_os(), Source::Code(app))
}

/// Runs the `tributary` binary: the app comes from `--app` or the project's default spec.
pub fn main() -> ExitCode {
    run_from(std::env::args_os(), Source::Spec)
}

pub(crate) fn run_from(args: impl IntoIterator<Item = OsString>, source: Source) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Synth(args) => synth::run(args, source),
        Command::Validate(args) => validate::run(args, source),
        Command::List(args) => list::run(args, source),
        Command::Diff(args) => diff::run(args, source),
        Command::Schema(args) => schema::run(args),
        Command::Init(args) => init::run(args),
        Command::Graph(args) => graph::run(args, source),
    };
    exit(result)
}

/// The one place failures become exit codes.
fn exit(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid) => ExitCode::from(1),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// The `--app` option shared by the subcommands.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct AppArg {
    /// The app spec (YAML or JSON). Default: `package.metadata.tributary.default-app` of the
    /// workspace's Cargo.toml. Not allowed when the app is built in Rust code.
    #[arg(long, value_name = "FILE")]
    app: Option<PathBuf>,
    /// Only the stacks of this stage (repeatable). Default: every stage's (or, without stages,
    /// every stack).
    #[arg(long = "stage", value_name = "STAGE")]
    stages: Vec<String>,
}

impl AppArg {
    /// Loads and builds the app; spec errors are printed.
    pub(crate) fn load(&self, source: Source) -> Result<App, Failure> {
        match source {
            Source::Code(app) => match &self.app {
                Some(_) => Err(Failure::Usage(
                    "--app is not available: this program builds its app in Rust code".to_owned(),
                )),
                None => {
                    let mut app = app;
                    app.retain_stages(&self.stages).map_err(Failure::Usage)?;
                    Ok(app)
                }
            },
            Source::Spec => {
                let (file, root) = self.spec_location()?;
                load_spec(&file, crate::assets::Workspace::open(&root), &self.stages)
                    .map(|(app, _)| app)
            }
        }
    }

    /// The stages asked for (`--stage`).
    pub(crate) fn stages(&self) -> &[String] {
        &self.stages
    }

    /// The `--app` file, if given.
    pub(crate) fn file(&self) -> Option<&std::path::Path> {
        self.app.as_deref()
    }

    /// The spec file and the workspace root it is built in: `--app`, or the workspace's default
    /// app.
    pub(crate) fn spec_location(&self) -> Result<(PathBuf, PathBuf), Failure> {
        match &self.app {
            Some(file) => {
                let dir = file.parent().map(PathBuf::from).unwrap_or_default();
                let dir = if dir.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    dir
                };
                let root = find_project_root(&dir).unwrap_or(dir);
                Ok((file.clone(), root))
            }
            None => Ok(root::default_app_and_root()?),
        }
    }
}

/// Loads the spec in `file` and builds its app over `workspace`; spec errors are printed. Also
/// gives the other files the spec read (its event contracts).
pub(crate) fn load_spec(
    file: &std::path::Path,
    workspace: crate::assets::Workspace,
    stages: &[String],
) -> Result<(App, Vec<PathBuf>), Failure> {
    let spec = crate::spec::load(file).map_err(|errors| {
        for e in &errors.0 {
            eprintln!("error: {e}");
        }
        if let Some(summary) = errors.summary() {
            eprintln!("error: {summary}");
        }
        Failure::Invalid
    })?;
    let contracts = spec
        .contracts
        .keys()
        .map(|name| spec.dir.join(name))
        .collect();
    let app =
        crate::spec::build_stages(&spec, App::new(workspace), stages).map_err(Failure::Usage)?;
    Ok((app, contracts))
}
