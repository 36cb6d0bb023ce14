//! A ratio target measured as a ratio: the subject and its baseline timed alternately, round after
//! round, and the median of the per-round ratios reported.
//!
//! Criterion times one benchmark to the end and then the next, so on a shared machine a few
//! seconds of load landing on one of them moves their ratio by 50% or more (the publisher's ratio
//! read 1.22x, 1.68x and 2.21x in three CI runs of the same code). Here both run within the same
//! short round, in alternating order, so load that lasts longer than a round weighs on both
//! sides, and the median ignores rounds a burst fell on.
//!
//! Shared by `benches/synth.rs` and `handlers/stream-publisher/benches/mapping.rs` (through
//! `#[path]`); `benches/report.sh` reads the line [`Ratio::report`] prints.

use std::fmt;
use std::time::Duration;

/// The per-round ratios of subject to baseline, sorted.
#[derive(Debug, Clone)]
pub struct Ratio {
    ratios: Vec<f64>,
}

impl Ratio {
    /// Times `subject` and `baseline` alternately for `rounds` rounds (baseline first in even
    /// rounds, subject first in odd ones). Each is called with `iters` and returns the time its
    /// `iters` runs took, as criterion's `iter_custom` routines do, so setup and teardown stay
    /// outside the timing.
    pub fn measure(
        rounds: usize,
        iters: u64,
        mut subject: impl FnMut(u64) -> Duration,
        mut baseline: impl FnMut(u64) -> Duration,
    ) -> Self {
        let mut ratios = Vec::with_capacity(rounds);
        for round in 0..rounds {
            let (s, b) = if round % 2 == 0 {
                let b = baseline(iters);
                (subject(iters), b)
            } else {
                let s = subject(iters);
                (s, baseline(iters))
            };
            if !b.is_zero() {
                ratios.push(s.as_secs_f64() / b.as_secs_f64());
            }
        }
        ratios.sort_by(f64::total_cmp);
        Self { ratios }
    }

    /// The ratio of the round at `q` (0 to 1) of the sorted rounds (NaN when no round counted).
    pub fn quantile(&self, q: f64) -> f64 {
        match self.ratios.len() {
            0 => f64::NAN,
            n => self.ratios[((n - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize],
        }
    }

    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// Prints the line `benches/report.sh` reads: `paired <name> <median> <p10> <p90> <rounds>`.
    pub fn report(&self, name: &str) {
        println!(
            "paired {name} {:.4} {:.4} {:.4} {}",
            self.median(),
            self.quantile(0.1),
            self.quantile(0.9),
            self.ratios.len()
        );
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.2}x (median of {} alternating rounds; 10th to 90th percentile {:.2}x to {:.2}x)",
            self.median(),
            self.ratios.len(),
            self.quantile(0.1),
            self.quantile(0.9)
        )
    }
}
