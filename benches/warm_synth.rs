//! The main job's speed: a warm whole-process `tributary synth` of the bundled example (the real
//! binary, every asset cached, so no cargo runs), against the floor of starting the same binary
//! (`tributary --version`) in the same run.
//!
//! Two warm synths are timed. `warm_synth`: nothing changed since the last synth, so the synth is
//! fresh (its inputs are hashed, its output checked, its report repeated). `warm_synth_full`: the
//! record of the last synth is deleted before each run, so the spec is parsed, the app built,
//! checked and rendered, and the output compared, as after an edit of the spec (informational).
//!
//! The two are timed alternately, one process of each per round (order swapped every round), and
//! the medians are reported, so load on a shared machine weighs on both. `benches/report.sh`
//! builds the release binary, passes it as `TRIBUTARY_BIN` and reads the lines printed here:
//! `wall <name> <median ms> <p10 ms> <p90 ms> <rounds>` and `paired warm_synth ...`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[path = "support/paired.rs"]
#[allow(dead_code)]
mod paired;

const ROUNDS: usize = 201;

fn run(bin: &Path, args: &[&str]) -> Result<Duration, String> {
    let start = Instant::now();
    let status = Command::new(bin)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let took = start.elapsed();
    if !status.success() {
        return Err(format!(
            "{} {} failed: {status}",
            bin.display(),
            args.join(" ")
        ));
    }
    Ok(took)
}

fn quantile(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "wall {name} {:.3} {:.3} {:.3} {}",
        quantile(&times, 0.5),
        quantile(&times, 0.1),
        quantile(&times, 0.9),
        times.len()
    );
}

fn main() -> ExitCode {
    // `cargo bench` passes flags (`--bench`); this target takes none.
    let bin = std::env::var_os("TRIBUTARY_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/tributary"),
        PathBuf::from,
    );
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-warm/cdk.out");
    let out = out.to_string_lossy().into_owned();
    let synth = ["synth", "--quiet", "--out", out.as_str()];
    // Warm up: the first run fills the asset and workspace caches if anything is missing; once
    // its output is older than a timestamp tick, a synth remembers it, and the next is fresh.
    let fresh_records = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/tributary/fresh");
    for _ in 0..2 {
        if let Err(e) = run(&bin, &synth) {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    match Command::new(&bin)
        .args(synth)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
    {
        Ok(o) if String::from_utf8_lossy(&o.stderr).contains("(fresh: ") => {}
        Ok(o) => {
            eprintln!(
                "the warm synth is not fresh:\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot run {}: {e}", bin.display());
            return ExitCode::FAILURE;
        }
    }
    let (mut subject, mut baseline) = (Vec::new(), Vec::new());
    let mut failure = None;
    let ratio = paired::Ratio::measure(
        ROUNDS,
        1,
        |_| match run(&bin, &synth) {
            Ok(d) => {
                subject.push(d);
                d
            }
            Err(e) => {
                failure = Some(e);
                Duration::ZERO
            }
        },
        |_| match run(&bin, &["--version"]) {
            Ok(d) => {
                baseline.push(d);
                d
            }
            Err(e) => {
                eprintln!("{e}");
                Duration::ZERO
            }
        },
    );
    if let Some(e) = failure {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    report("warm_synth", subject);
    report("startup", baseline);
    ratio.report("warm_synth");

    // The same synth when it cannot be fresh (the deletion is not timed).
    let mut full = Vec::new();
    for _ in 0..ROUNDS {
        let _ = std::fs::remove_dir_all(&fresh_records);
        match run(&bin, &synth) {
            Ok(d) => full.push(d),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    report("warm_synth_full", full);
    ExitCode::SUCCESS
}
