//! `tributary schema`: the app spec's JSON Schema, for editors and for review.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::Failure;

#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Write the schema to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write nothing; fail (exit 1) when FILE (`--out`) differs from the schema of this version.
    #[arg(long, requires = "out")]
    check: bool,
}

pub(crate) fn run(args: SchemaArgs) -> Result<(), Failure> {
    let schema = crate::spec::json_schema();
    let Some(out) = args.out else {
        print!("{schema}");
        return Ok(());
    };
    if args.check {
        let current = std::fs::read_to_string(&out).unwrap_or_default();
        if current != schema {
            eprintln!(
                "error: {} is not the schema of this version; run `tributary schema --out {}` and review the change",
                out.display(),
                out.display()
            );
            return Err(Failure::Invalid);
        }
        eprintln!("{} is current", out.display());
        return Ok(());
    }
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut file = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    std::io::Write::write_all(&mut file, schema.as_bytes())
        .with_context(|| format!("writing {}", out.display()))?;
    file.persist(&out)
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
