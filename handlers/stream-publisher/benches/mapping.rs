//! The publisher's hot path: an invocation's bytes -> PutEvents entries (split the batch, parse
//! each record, read the images, build the event, serialize the detail, split into requests: the
//! runtime library's publisher with this crate's mapping),
//! against the floor of only parsing the same bytes into `aws_lambda_events`' event type, in the
//! same run.
//!
//! `cargo bench -p stream-publisher --bench mapping` times both with criterion;
//! `TRIBUTARY_BENCH_PAIRED=1` makes the binary time them alternately instead and print their
//! ratio (`benches/support/paired.rs` at the workspace root), the figure `benches/report.sh` checks
//! the 2x target on.

use std::hint::black_box;
use std::time::{Duration, Instant};

use aws_lambda_events::dynamodb::Event;
use criterion::{Criterion, criterion_group};
use serde_json::{Value, json};
use stream_publisher::ReservationMapping;
use tributary_runtime::stream::{StreamBatch, entry, request_bounds};

#[path = "../../../benches/support/paired.rs"]
mod paired;

/// A Lambda batch's worth (the mapping's default batch size) of records from the life-cycle
/// fixture: inserts, status changes, other changes, removals.
fn records(n: usize) -> Vec<Value> {
    let fixture: Value =
        serde_json::from_str(include_str!("../src/fixtures/life_cycle.json")).unwrap_or_default();
    let templates = fixture["Records"].as_array().cloned().unwrap_or_default();
    (0..n)
        .map(|i| {
            let mut record = templates[i % templates.len()].clone();
            record["dynamodb"]["SequenceNumber"] = json!(format!("{}", 5_000_000 + i));
            record
        })
        .collect()
}

/// The invocation's payload: 100 records.
fn input() -> String {
    json!({ "Records": records(100) }).to_string()
}

/// What the publisher does with a payload before calling PutEvents.
fn map(input: &str) -> usize {
    let batch: StreamBatch = serde_json::from_str(black_box(input)).unwrap_or(StreamBatch {
        records: Vec::new(),
    });
    let entries: Vec<_> = batch
        .records
        .iter()
        .filter_map(|r| entry(&ReservationMapping, r).1.ok().flatten())
        .collect();
    black_box(request_bounds(&entries)).len() + black_box(entries).len()
}

/// The floor: parsing the payload into the event type.
fn parse(input: &str) -> Option<Event> {
    serde_json::from_str::<Event>(black_box(input)).ok()
}

/// `iters` runs of `routine`, timed.
fn time<T>(iters: u64, mut routine: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(routine());
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let input = input();
    let mut group = c.benchmark_group("mapping");
    group.bench_function("records_to_entries_100", |b| b.iter(|| map(&input)));
    group.bench_function("parse_only_baseline_100", |b| b.iter(|| parse(&input)));
    group.finish();
}

/// Rounds of [`paired`], and runs of each side per round: a round takes about 10 ms.
const PAIRED_ROUNDS: usize = 301;
const PAIRED_ITERS: u64 = 10;

/// `TRIBUTARY_BENCH_PAIRED=1`: the mapping against parsing alone, alternately.
fn paired() {
    let input = input();
    assert!(map(&input) > 0, "the bench batch maps to no entries");
    assert!(parse(&input).is_some(), "the bench batch does not parse");
    // Warm up both, as criterion does.
    time(200, || map(&input));
    time(200, || parse(&input));
    let ratio = paired::Ratio::measure(
        PAIRED_ROUNDS,
        PAIRED_ITERS,
        |iters| time(iters, || map(&input)),
        |iters| time(iters, || parse(&input)),
    );
    eprintln!("publisher mapping / parsing alone: {ratio}");
    ratio.report("publisher");
}

criterion_group!(benches, bench);

fn main() {
    if std::env::var_os("TRIBUTARY_BENCH_PAIRED").is_some_and(|v| v == "1") {
        paired();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
