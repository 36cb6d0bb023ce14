//! `tributary list`: the app's stacks, their environment, resource counts and dependencies.

use clap::Args;

use super::{AppArg, Failure, Source};

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    app: AppArg,
}

pub(crate) fn run(args: ListArgs, source: Source) -> Result<(), Failure> {
    let app = args.app.load(source)?;
    let synth = app.synth().map_err(|d| {
        for diagnostic in &d.0 {
            eprintln!("{diagnostic}");
        }
        Failure::Invalid
    })?;
    println!(
        "{:<28} {:>9}  {:<40} depends on",
        "stack", "resources", "environment"
    );
    for s in &synth.stacks {
        let deps: Vec<&str> = s.dependencies.iter().map(|d| d.as_str()).collect();
        println!(
            "{:<28} {:>9}  {:<40} {}",
            s.name.as_str(),
            s.template.resources.len(),
            s.env.to_assembly_uri(),
            if deps.is_empty() {
                "-".to_owned()
            } else {
                deps.join(", ")
            }
        );
    }
    Ok(())
}
