//! `tributary graph`: the app as a picture (Mermaid or Graphviz dot) on stdout, drawn from its
//! synthesized templates without building or writing anything.

use std::io::Write as _;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{AppArg, Failure, Source};
use crate::graph::{self, Marks};

/// The picture's language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A Mermaid flowchart (GitHub renders it in a ```mermaid block).
    #[default]
    Mermaid,
    /// A Graphviz digraph (`dot -Tsvg`).
    Dot,
}

#[derive(Debug, Args)]
pub(crate) struct GraphArgs {
    #[command(flatten)]
    app: AppArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    format: Format,
    /// Only these stacks and the stacks they depend on (repeatable). Default: every stack.
    #[arg(long = "stack", value_name = "NAME")]
    stacks: Vec<String>,
}

pub(crate) fn run(args: GraphArgs, source: Source) -> Result<(), Failure> {
    let app = args.app.load(source)?;
    let mut synth = app.synth().map_err(|d| {
        for diagnostic in &d.0 {
            eprintln!("{diagnostic}");
        }
        Failure::Invalid
    })?;
    synth
        .select(&args.stacks, false)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    let templates = graph::templates(&synth).map_err(anyhow::Error::from)?;
    let format = match args.format {
        Format::Mermaid => graph::Format::Mermaid,
        Format::Dot => graph::Format::Dot,
    };
    let picture = graph::render(&graph::borrow(&templates), format, &Marks::new());
    std::io::stdout()
        .lock()
        .write_all(picture.as_bytes())
        .context("writing the graph to stdout")?;
    Ok(())
}
