//! `tributary synth`: validate, build the handler assets (cached by input hash), and write the
//! cloud assembly atomically.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::fresh::Fresh;
use super::{AppArg, Failure, Source};
use crate::assembly::{TemplateFormat, write_assembly};
use crate::assets::{BuildOptions, Workspace, build_assets};
use crate::core::{Severity, Synthesized};

/// The format templates are written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
enum Format {
    /// JSON (what the CDK writes).
    #[default]
    Json,
    /// YAML.
    Yaml,
}

#[derive(Debug, Args)]
pub(crate) struct SynthArgs {
    #[command(flatten)]
    app: AppArg,
    /// The cloud assembly directory; replaced as a whole only when the synth succeeds.
    #[arg(long, short, value_name = "DIR", default_value = "cdk.out")]
    out: PathBuf,
    /// Template format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Only these stacks and the stacks they depend on, as `cdk deploy` selects (repeatable).
    /// Default: every stack.
    #[arg(long = "stack", value_name = "NAME")]
    stacks: Vec<String>,
    /// With --stack: only the named stacks, not their dependencies (which must already be
    /// deployed).
    #[arg(long, short = 'e', requires = "stacks")]
    exclusively: bool,
    /// Do not show cargo's output while handlers build.
    #[arg(long, short)]
    quiet: bool,
}

pub(crate) fn run(args: SynthArgs, source: Source) -> Result<(), Failure> {
    let started = Instant::now();
    // A spec's synth whose inputs and output are unchanged since the last one is only reported.
    let (app, fresh) = match source {
        Source::Spec => {
            let (file, root) = args.app.spec_location()?;
            let workspace = Workspace::open(&root);
            let fresh = Fresh::new(&workspace, &file, &args.out, &arguments(&args));
            if let Some(report) = fresh.as_ref().and_then(|f| f.current(&workspace)) {
                let report = format!(
                    "{report} in {:.2?} (fresh: nothing changed since the last synth)\n",
                    started.elapsed()
                );
                eprint!("{report}");
                return Ok(());
            }
            let (app, contracts) = super::load_spec(&file, workspace, args.app.stages())?;
            (app, fresh.map(|f| (f, contracts)))
        }
        code => (args.app.load(code)?, None),
    };
    let assets = app.assets().clone();
    let mut synth = app.synth().map_err(|d| {
        for diagnostic in &d.0 {
            eprintln!("{diagnostic}");
        }
        let errors = d.errors().count();
        eprintln!(
            "error: the app is invalid ({errors} error{})",
            if errors == 1 { "" } else { "s" }
        );
        Failure::Invalid
    })?;
    // What is printed, kept for the next synth to repeat when nothing changes.
    let mut report = warnings(&synth);
    eprint!("{report}");
    let used: Vec<_> = synth
        .stacks
        .iter()
        .flat_map(|s| s.assets.iter().cloned())
        .collect();
    let dropped = synth
        .select(&args.stacks, args.exclusively)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    for (stack, dependency) in dropped {
        let line = format!(
            "warning: {stack} depends on {dependency}, which --exclusively leaves out; deploy {dependency} first\n"
        );
        eprint!("{line}");
        report.push_str(&line);
    }

    let uses: Vec<_> = synth
        .stacks
        .iter()
        .flat_map(|s| s.assets.iter().cloned())
        .collect();
    // The workspace that hashed the assets builds them (a resolver of the app's own that knows a
    // workspace root gets one opened there).
    let opened;
    let workspace = match assets.as_any().downcast_ref::<Workspace>() {
        Some(w) => w,
        None => {
            let root = assets.workspace_root().ok_or_else(|| {
                anyhow::anyhow!(
                    "this app's assets are only named (no cargo workspace): build it with `App::new(Workspace::open(root))` to deploy it"
                )
            })?;
            opened = Workspace::open(root);
            &opened
        }
    };
    let zips = build_assets(
        workspace,
        &uses,
        &BuildOptions {
            verbose: !args.quiet,
        },
    )
    .context("building the handler assets")?;
    let format = match args.format {
        Format::Json => TemplateFormat::Json,
        Format::Yaml => TemplateFormat::Yaml,
    };
    let written = write_assembly(&args.out, &synth, Some(&zips), format)
        .with_context(|| format!("writing {}", args.out.display()))?;
    // One write for the whole report: stderr is unbuffered, and a line written piece by piece
    // costs a system call per piece (and can interleave with another process's output).
    let mut summary = String::new();
    for w in &written {
        let _ = writeln!(
            summary,
            "  {:<28} {:>4} resources  {:>7} bytes  {}",
            w.name.as_str(),
            w.resources,
            w.template_bytes,
            args.out.join(&w.template_file).display()
        );
    }
    let _ = write!(
        summary,
        "synthesized {} stack{} to {}",
        written.len(),
        if written.len() == 1 { "" } else { "s" },
        args.out.display(),
    );
    let last = format!(" in {:.2?}\n", started.elapsed());
    eprint!("{summary}{last}");
    if let Some((fresh, contracts)) = &fresh {
        report.push_str(&summary);
        let cached: Vec<PathBuf> = zips.values().cloned().collect();
        fresh.remember(workspace, contracts, &used, &cached, &report);
    }
    Ok(())
}

/// What a synth's output depends on among its arguments, besides the output directory.
fn arguments(args: &SynthArgs) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?}",
        args.app.file(),
        args.app.stages(),
        std::env::current_dir().ok(),
        args.format,
        args.stacks,
        args.exclusively
    )
}

/// The warnings of a synth, one per line.
fn warnings(synth: &Synthesized) -> String {
    let mut out = String::new();
    for w in synth
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        let _ = writeln!(out, "{w}");
    }
    out
}
