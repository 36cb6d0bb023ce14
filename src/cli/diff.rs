//! `tributary diff`: the app as synthesized now against deployed templates, judged on what the
//! change replaces, destroys or widens. Templates only: no asset is built.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::anyhow;
use clap::{Args, ValueEnum};

use super::{AppArg, Failure, Source};
use crate::diff::{self, render};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For a terminal (coloured there).
    Text,
    /// For a pull request comment: a summary table, then each stack, what cannot deploy,
    /// replacements and data loss first.
    Markdown,
    /// For tools: `{"stacks": [...], "summary": {...}}`, changed resources only.
    Json,
}

/// What makes `--fail-on` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// A resource replaced, or maybe replaced.
    Replace,
    /// A stateful resource removed or replaced.
    DataLoss,
    /// A grant, trust or resource policy that allows more, or data sent somewhere new.
    IamWidening,
    /// A change CloudFormation would refuse or could not carry out.
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    #[command(flatten)]
    app: AppArg,
    /// The deployed templates: a cloud assembly (`cdk.out`), or a folder of
    /// `<Stack>.template.json` files such as `templates/<app>/`.
    #[arg(long, value_name = "DIR")]
    base: PathBuf,
    /// Only these stacks (repeatable). Default: every stack of either side.
    #[arg(long = "stack", value_name = "NAME")]
    stacks: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit 1 when the diff holds any of these (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    fail_on: Vec<FailOn>,
    /// Colour the text format.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Also draw the app as a Mermaid diagram, what the change adds, modifies, replaces or
    /// removes marked (after the report; in Markdown, as a ```mermaid block GitHub renders).
    #[arg(long)]
    graph: bool,
}

pub(crate) fn run(args: DiffArgs, source: Source) -> Result<(), Failure> {
    if args.graph && args.format == Format::Json {
        return Err(Failure::Usage(
            "--graph draws a Mermaid diagram: use it with --format text or markdown".to_owned(),
        ));
    }
    let base = diff::read_base_bytes(&args.base).map_err(|e| Failure::Other(anyhow!(e)))?;
    let app = args.app.load(source)?;
    let synth = app.synth().map_err(|d| {
        for diagnostic in &d.0 {
            eprintln!("{diagnostic}");
        }
        eprintln!("error: the app is invalid: nothing to compare");
        Failure::Invalid
    })?;
    let current =
        crate::assembly::rendered_templates(&synth).map_err(|e| Failure::Other(anyhow!(e)))?;
    let known: Vec<&str> = base
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(current.iter().map(|(n, _)| n.as_str()))
        .collect();
    for name in &args.stacks {
        if !known.contains(&name.as_str()) {
            return Err(Failure::Usage(format!(
                "no stack `{name}` in the app or the base{}",
                crate::core::suggest::hint(name, known.iter().copied(), |all| {
                    format!(" (stacks: {})", all.join(", "))
                })
            )));
        }
    }
    let keep = |name: &str| args.stacks.is_empty() || args.stacks.iter().any(|s| s == name);
    let base: Vec<_> = base.into_iter().filter(|(n, _)| keep(n)).collect();
    let current: Vec<_> = current.into_iter().filter(|(n, _)| keep(n)).collect();
    let mut result = diff::diff_bytes(&base, &current).map_err(|e| Failure::Other(anyhow!(e)))?;
    diff::name_overrides(&mut result, &synth);
    let mut out = match args.format {
        Format::Json => render::json(&result),
        Format::Markdown => render::markdown(&result),
        Format::Text => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            render::text(&result, render::Style { color })
        }
    };
    if args.graph {
        let (now_json, was_json) = (parse_all(&current)?, parse_all(&base)?);
        let mut picture = crate::graph::Graph::from_templates(&crate::graph::borrow(&now_json));
        picture.merge(crate::graph::Graph::from_templates(&crate::graph::borrow(
            &was_json,
        )));
        let mermaid = picture.render(crate::graph::Format::Mermaid, &diff::marks(&result));
        if args.format == Format::Markdown {
            out.push_str(&format!("\n```mermaid\n{mermaid}```\n"));
        } else {
            out.push('\n');
            out.push_str(&mermaid);
        }
    }
    print!("{out}");
    let s = result.summary;
    let hits: Vec<&str> = args
        .fail_on
        .iter()
        .filter(|k| match k {
            FailOn::Replace => s.replacements > 0,
            FailOn::DataLoss => s.data_loss > 0,
            FailOn::IamWidening => s.iam_widening > 0,
            FailOn::Error => s.errors > 0,
        })
        .map(|k| match k {
            FailOn::Replace => "replace",
            FailOn::DataLoss => "data-loss",
            FailOn::IamWidening => "iam-widening",
            FailOn::Error => "error",
        })
        .collect();
    if hits.is_empty() {
        Ok(())
    } else {
        eprintln!(
            "tributary diff: the change has {} (--fail-on)",
            hits.join(", ")
        );
        Err(Failure::Invalid)
    }
}

/// Templates as JSON, for the graph.
fn parse_all(
    templates: &[(String, impl AsRef<[u8]>)],
) -> Result<Vec<(String, serde_json::Value)>, Failure> {
    templates
        .iter()
        .map(|(name, bytes)| {
            serde_json::from_slice(bytes.as_ref())
                .map(|json| (name.clone(), json))
                .map_err(|e| Failure::Other(anyhow!("stack {name}: {e}")))
        })
        .collect()
}
