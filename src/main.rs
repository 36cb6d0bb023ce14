//! The `tributary` binary: synthesizes the app of a spec file (default: the workspace's
//! `package.metadata.tributary.default-app`).

use std::process::ExitCode;

fn main() -> ExitCode {
    tributary::cli::main()
}
