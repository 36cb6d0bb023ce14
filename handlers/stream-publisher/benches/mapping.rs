//! The publisher's hot path: an invocation's bytes -> PutEvents entries (split the batch, parse
//! each record, read the images, build the event, serialize the detail, split into requests),
//! against the floor of only parsing the same bytes into `aws_lambda_events`' event type, in the
//! same run.
//!
//! `cargo bench -p stream-publisher --bench mapping`; `benches/report.sh` prints the ratio.

use std::hint::black_box;

use aws_lambda_events::dynamodb::Event;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use stream_publisher::batch::{StreamBatch, request_bounds};
use stream_publisher::mapping;

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

fn bench(c: &mut Criterion) {
    let input = json!({ "Records": records(100) }).to_string();
    let mut group = c.benchmark_group("mapping");
    group.bench_function("records_to_entries_100", |b| {
        b.iter(|| {
            let batch: StreamBatch =
                serde_json::from_str(black_box(&input)).unwrap_or(StreamBatch {
                    records: Vec::new(),
                });
            let entries: Vec<_> = batch
                .records
                .iter()
                .filter_map(|r| mapping::entry(r).1.ok().flatten())
                .collect();
            black_box(request_bounds(&entries));
            entries
        })
    });
    group.bench_function("parse_only_baseline_100", |b| {
        b.iter(|| serde_json::from_str::<Event>(black_box(&input)).ok())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
