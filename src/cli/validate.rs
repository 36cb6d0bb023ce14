//! `tributary validate`: the app's policy checks (also run by `synth`), without building or
//! writing anything.

use clap::Args;

use super::{AppArg, Failure, Source};
use crate::checks::{REGISTRY_SCHEMA, RULES, registry_schemas};
use crate::core::Severity;

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    #[command(flatten)]
    app: AppArg,
    /// List the rule pack (id, severity, name, what it refuses, the fix) instead.
    #[arg(long)]
    rules: bool,
}

pub(crate) fn run(args: ValidateArgs, source: Source) -> Result<(), Failure> {
    if args.rules {
        for r in RULES {
            let severity = match r.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            println!(
                "{}  {severity:<7}  {}\n    {}\n    fix: {}",
                r.id, r.name, r.summary, r.fix
            );
            if r.id == REGISTRY_SCHEMA.id {
                let (version, types) = registry_schemas();
                println!("    schemas: cfn-lint {version}, {types} resource types");
            }
        }
        return Ok(());
    }
    let app = args.app.load(source)?;
    let synth = match app.synth() {
        Ok(synth) => synth,
        Err(d) => {
            for diagnostic in &d.0 {
                println!("{diagnostic}");
            }
            let errors = d.errors().count();
            let warnings = d.0.len() - errors;
            println!("invalid: {errors} error(s), {warnings} warning(s)");
            return Err(Failure::Invalid);
        }
    };
    for w in synth
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        println!("{w}");
    }
    let warnings = synth
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let suppressed: usize = synth
        .stacks
        .iter()
        .flat_map(|s| s.template.resources.values())
        .filter_map(|r| {
            r.metadata
                .get("tributary:suppressions")?
                .as_array()
                .map(Vec::len)
        })
        .sum();
    println!(
        "valid: {} stack(s), {} rules, 0 errors, {warnings} warning(s), {suppressed} suppressed finding(s) recorded in the templates",
        synth.stacks.len(),
        RULES.len()
    );
    Ok(())
}
