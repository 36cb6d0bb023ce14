//! Synth benchmarks: the reservations app, and a generated platform of 100 stacks (two stages, each
//! a platform stack with the central bus and 49 services of ~390 resources, tags on every level),
//! each synthesized into templates + manifests in memory (no disk I/O), with the handler assets'
//! hashes computed once up front ("assets already cached": no cargo build ever runs here).
//!
//! `synth/big` times `App::synth` plus rendering (the app's constructs are built, and the result
//! dropped, outside the timing); `synth/big_end_to_end` includes both.
//! `synth/big_serde_json_baseline` times only `serde_json` writing the big app's templates (as
//! `serde_json::Value`s, with the same pretty formatter): the floor for emitting those bytes.
//! `benches/report.sh` runs everything and checks the targets.
//!
//! `TRIBUTARY_BENCH_PEAK=1` makes the binary build + synth + render the big app once and exit,
//! so its peak memory can be measured with `/usr/bin/time -v`. `TRIBUTARY_BENCH_PAIRED=1` makes it
//! time `synth/big` and its baseline alternately and print their ratio (`support/paired.rs`): the
//! figure the 3x target is checked on; then the same without the registry-schema check (TRB021,
//! `big_unvalidated`), and with against without (`big_registry_share`), so the report shows what
//! that check costs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/paired.rs"]
mod paired;
#[path = "../examples/reservations.rs"]
#[allow(dead_code)]
mod reservations;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group};
use serde::Serialize;
use tributary::assembly::{TemplateFormat, render_assembly, render_template, write_assembly};
use tributary::assets::Workspace;
use tributary::constructs::{
    Attribute, EventBus, EventBusProps, EventPattern, Function, FunctionProps, HttpApi,
    HttpApiProps, HttpMethod, OrganizationId, RouteAuth, RuleProps, TableProps, Target, TargetKind,
    TargetRetry, Topic, TopicProps,
};
use tributary::core::{
    AccountId, App, AssetResolver, Environment, Region, StackName, Stage, Synthesized,
};
use tributary::patterns::{StreamToBus, StreamToBusProps, add_rule_on};

/// Stacks of the big app (both stages).
const BIG_STACKS: usize = 100;
/// The big app's stages, each in an account of its own.
const STAGES: [(&str, &str); 2] = [("dev", "111111111111"), ("prod", "222222222222")];
/// Stream-to-bus patterns per service stack of the big app.
const PATTERNS: usize = 10;
/// Writer functions per pattern (each bound as a writer and routed on the stack's API).
const WRITERS: usize = 2;
/// Rules a service stack of the big app attaches to buses of the previous service.
const UPSTREAM_RULES: usize = 2;

/// The project's workspace, shared so each handler is hashed once per run.
fn catalog() -> Arc<dyn AssetResolver> {
    Arc::new(Workspace::open(Path::new(env!("CARGO_MANIFEST_DIR"))))
}

fn stack_name(name: &str) -> StackName {
    StackName::new(name).unwrap()
}

/// `examples/reservations.rs`, over a shared workspace (the example's `app` opens its own,
/// which hashes the handler sources again).
fn reservations_app(catalog: Arc<dyn AssetResolver>) -> App {
    reservations::build(App::with_assets(catalog)).unwrap()
}

/// A generated platform of `stacks` stacks, the way an organisation runs the pattern: two stages
/// (dev and prod, each its own account, with a tag, a name prefix and a permissions boundary),
/// each with a platform stack holding the stage's central bus (a policy for the organisation)
/// and `stacks / 2 - 1` service stacks. A service stack: an alert topic, an HTTP API, a notifier
/// function, `PATTERNS` stream-to-bus patterns with `WRITERS` writer functions each (routed on the
/// API) and a rule to the notifier; the odd patterns publish to the stage's central bus (each
/// with a source of its own), the even ones to a bus of their own; plus `UPSTREAM_RULES` rules on
/// the previous service's buses (cross-stack references: exports, imports and a dependency
/// chain). Tags on the app, the stage, every stack and every table.
fn big_app(catalog: Arc<dyn AssetResolver>, stacks: usize) -> App {
    let mut app = App::with_assets(catalog);
    app.tag("cost-center", "platform-1234");
    app.set_permissions_boundary("arn:aws:iam::aws:policy/PowerUserAccess");
    let services = stacks / STAGES.len() - 1;
    for (stage_name, account) in STAGES {
        let env = Environment {
            account: Some(AccountId::new(account).unwrap()),
            region: Some(Region::new("eu-west-1").unwrap()),
        };
        let mut stage = Stage::new(stage_name, env).unwrap();
        stage.tag("stage", stage_name).unwrap();
        stage.set_name_prefix(stage_name).unwrap();
        let platform =
            app.add_stage_stack(&stage, &stack_name("Platform"), &Environment::agnostic());
        platform.add_tag("team", "platform");
        let path = platform.construct("CentralBus");
        let central = EventBus::new(
            platform,
            path,
            &EventBusProps {
                description: Some(format!("The {stage_name} stage's business events")),
                allow_organization: Some(
                    OrganizationId::try_from("o-a1b2c3d4e5".to_owned()).unwrap(),
                ),
                ..Default::default()
            },
        );
        let mut previous: Vec<EventBus> = Vec::new();
        for s in 0..services {
            let stack = app.add_stage_stack(
                &stage,
                &stack_name(&format!("Orders{s:03}")),
                &Environment::agnostic(),
            );
            stack.set_description(format!("Generated service {s} of {services}"));
            stack.add_tag("team", &format!("orders-{s:03}"));
            let path = stack.construct("Alerts");
            let alerts = Topic::new(
                stack,
                path,
                &TopicProps {
                    email_subscriptions: vec![format!("oncall+{s}@example.com").parse().unwrap()],
                    ..Default::default()
                },
            );
            let path = stack.construct("Api");
            let api = HttpApi::new(stack, path, &HttpApiProps::default(), Some(&alerts));
            let path = stack.construct("Notify");
            let notify = Function::new(
                stack,
                path,
                &FunctionProps {
                    description: Some("Notifies about order events".into()),
                    ..FunctionProps::new("notify-staff")
                },
            );
            let to_notify = || {
                [Target {
                    kind: TargetKind::Function(notify.clone()),
                    retry: TargetRetry::default(),
                }]
            };

            let mut buses = Vec::with_capacity(PATTERNS);
            for p in 0..PATTERNS {
                let path = stack.construct(&format!("Table{p}"));
                let mut props = StreamToBusProps::new(
                    TableProps::new(Attribute::string("orderId")),
                    FunctionProps {
                        description: Some(format!("Publishes changes of table {p} as events")),
                        timeout_seconds: 30,
                        ..FunctionProps::new("stream-publisher")
                    },
                );
                props.stream.batch_size = 100;
                if p % 2 == 1 {
                    props.publish_to = Some(central.clone());
                }
                let pattern = StreamToBus::new(stack, path.clone(), &props, Some(&alerts));
                stack.tag(&path, "data-class", "personal");
                for w in 0..WRITERS {
                    let path = stack.construct(&format!("Write{p}x{w}"));
                    let writer = Function::new(
                        stack,
                        path,
                        &FunctionProps {
                            description: Some(format!("Writes items of table {p}")),
                            ..FunctionProps::new("create-reservation")
                        },
                    );
                    pattern.add_writer(stack, &writer);
                    api.add_route(
                        stack,
                        HttpMethod::Post,
                        &format!("/tables/{p}/writers/{w}").parse().unwrap(),
                        &writer,
                        &RouteAuth::Iam,
                    );
                }
                let path = stack.construct(&format!("OnCreated{p}"));
                pattern.add_rule(
                    stack,
                    path,
                    &RuleProps {
                        pattern: EventPattern::of(&format!("orders.{s}.{p}"), "OrderCreated"),
                        description: Some(format!("New orders of table {p} go to Notify")),
                        enabled: true,
                    },
                    &to_notify(),
                );
                buses.push(pattern.bus.clone());
            }
            for (p, upstream) in previous.iter().enumerate().take(UPSTREAM_RULES) {
                let path = stack.construct(&format!("Upstream{p}"));
                add_rule_on(
                    stack,
                    path,
                    upstream,
                    &[],
                    &RuleProps {
                        pattern: EventPattern::of(&format!("orders.{}.{p}", s - 1), "OrderShipped"),
                        description: Some(format!(
                            "Shipped orders of service {} go to Notify",
                            s - 1
                        )),
                        enabled: true,
                    },
                    &to_notify(),
                    &alerts,
                );
            }
            previous = buses;
        }
    }
    app
}

/// What `write_assembly` writes (templates, asset manifests, `manifest.json`, `cdk.out`; no
/// asset zips), handed to `emit` file by file instead of written. Returns the template bytes.
fn assemble(synth: &Synthesized, mut emit: impl FnMut(&str, &[u8])) -> usize {
    let written = render_assembly(synth, TemplateFormat::Json, |name, bytes| {
        emit(name, bytes);
        Ok(())
    })
    .unwrap();
    written.iter().map(|w| w.template_bytes).sum()
}

/// The baseline: `serde_json` alone writing each template, as the renderer does (same pretty
/// formatter, a fresh `Vec` of the same initial capacity per template).
fn write_values(values: &[serde_json::Value], emit: &mut dyn FnMut(Vec<u8>)) {
    for value in values {
        let mut out = Vec::with_capacity(16 * 1024);
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        value.serialize(&mut ser).unwrap();
        out.push(b'\n');
        emit(out);
    }
}

/// Builds, synthesizes and assembles in memory; returns (template bytes, all bytes).
fn synth_in_memory(app: App) -> (usize, usize) {
    let synth = app.synth().unwrap();
    let mut total = 0;
    let templates = assemble(&synth, |_, bytes| {
        total += bytes.len();
        black_box(bytes);
    });
    (templates, total)
}

fn in_memory_files(synth: &Synthesized) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    assemble(synth, |name, bytes| {
        files.insert(name.to_owned(), bytes.to_vec());
    });
    files
}

/// Checks that the in-memory assembly is exactly what `write_assembly` writes to disk.
fn check_against_write_assembly(synth: &Synthesized) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cdk.out");
    write_assembly(&out, synth, None, TemplateFormat::Json).unwrap();
    let mut on_disk = BTreeMap::new();
    for entry in std::fs::read_dir(&out).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        on_disk.insert(name, std::fs::read(entry.path()).unwrap());
    }
    let in_memory = in_memory_files(synth);
    assert_eq!(
        in_memory.keys().collect::<Vec<_>>(),
        on_disk.keys().collect::<Vec<_>>(),
        "the in-memory assembly has other files than write_assembly"
    );
    for (name, bytes) in &in_memory {
        assert!(
            on_disk[name] == *bytes,
            "{name} differs from what write_assembly writes"
        );
    }
}

/// Checks the bench's copy of the reservations app against `examples/reservations.rs`.
fn check_reservations(catalog: &Arc<dyn AssetResolver>) {
    let ours = reservations_app(catalog.clone()).synth().unwrap();
    let example = reservations::app(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .synth()
        .unwrap();
    assert!(
        in_memory_files(&ours) == in_memory_files(&example),
        "the bench's reservations app differs from examples/reservations.rs"
    );
    check_against_write_assembly(&ours);
}

fn bench_reservations(c: &mut Criterion) {
    let catalog = catalog();
    check_reservations(&catalog);
    let mut group = c.benchmark_group("synth");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("reservations", |b| {
        b.iter(|| synth_in_memory(reservations_app(catalog.clone())));
    });
    group.finish();
}

/// The big app's templates as `serde_json::Value`s (the baseline's input) and their size in
/// bytes, after checking that the app synthesizes cleanly, that the in-memory assembly is what
/// `write_assembly` writes, and that serde_json reproduces the templates byte for byte.
fn big_baseline(catalog: &Arc<dyn AssetResolver>) -> (Vec<serde_json::Value>, usize) {
    let synth = big_app(catalog.clone(), BIG_STACKS).synth().unwrap();
    assert!(synth.warnings.is_empty(), "{:?}", synth.warnings);
    check_against_write_assembly(&synth);

    let templates: Vec<Vec<u8>> = synth
        .stacks
        .iter()
        .map(|s| render_template(s, TemplateFormat::Json).unwrap())
        .collect();
    let template_bytes: usize = templates.iter().map(Vec::len).sum();
    let resources: Vec<usize> = synth
        .stacks
        .iter()
        .map(|s| s.template.resources.len())
        .collect();
    let total: usize = resources.iter().sum();
    let (min, max) = (
        resources.iter().min().unwrap(),
        resources.iter().max().unwrap(),
    );
    assert!(
        *max <= 500,
        "a stack has {max} resources (CloudFormation allows 500)"
    );
    eprintln!(
        "big app: {} stacks, {total} resources ({min}..={max} per stack), {template_bytes} template bytes ({:.1} MiB)",
        synth.stacks.len(),
        template_bytes as f64 / (1024.0 * 1024.0)
    );

    let values: Vec<serde_json::Value> = templates
        .iter()
        .map(|t| serde_json::from_slice(t).unwrap())
        .collect();
    let mut rewritten = Vec::new();
    write_values(&values, &mut |bytes| rewritten.push(bytes));
    assert!(
        rewritten == templates,
        "serde_json does not reproduce the rendered templates byte for byte"
    );
    (values, template_bytes)
}

/// Whether a timed synth checks the registry schemas (TRB021): `App::synth` always does; the
/// paired figure without them shows what they cost.
#[derive(Clone, Copy, PartialEq)]
enum Registry {
    Checked,
    Unchecked,
}

/// `synth/big`'s routine: `App::synth` plus rendering every template and manifest, for an app
/// built before the timing starts; the result is dropped after it stops.
fn time_big(catalog: &Arc<dyn AssetResolver>, registry: Registry) -> Duration {
    let app = big_app(catalog.clone(), BIG_STACKS);
    let start = Instant::now();
    let synth = match registry {
        Registry::Checked => app.synth(),
        Registry::Unchecked => app.synth_without_registry_schema(),
    }
    .unwrap();
    let mut total = 0;
    assemble(&synth, |_, bytes| {
        total += bytes.len();
        black_box(bytes);
    });
    let elapsed = start.elapsed();
    black_box(total);
    drop(synth);
    elapsed
}

/// The baseline's routine: serde_json alone writing the big app's templates.
fn time_baseline(values: &[serde_json::Value]) -> Duration {
    let start = Instant::now();
    let mut n = 0;
    write_values(values, &mut |bytes| {
        n += bytes.len();
        black_box(bytes);
    });
    black_box(n);
    start.elapsed()
}

fn bench_big(c: &mut Criterion) {
    let catalog = catalog();
    let (values, template_bytes) = big_baseline(&catalog);

    let mut group = c.benchmark_group("synth");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Bytes(template_bytes as u64));
    // What the target is about: synthesis of a constructed app (`App::synth`: validation,
    // cross-stack exports, ordering) plus rendering every template and manifest. Building the
    // constructs (the app's own program) and dropping the result happen outside the timing.
    group.bench_function("big", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| time_big(&catalog, Registry::Checked))
                .sum()
        });
    });
    // End to end, for the record: constructing the app, synth, render, drop.
    group.bench_function("big_end_to_end", |b| {
        b.iter(|| synth_in_memory(big_app(catalog.clone(), BIG_STACKS)));
    });
    group.bench_function("big_serde_json_baseline", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| time_baseline(&values)).sum());
    });
    group.finish();
}

/// `TRIBUTARY_BENCH_PEAK=1`: what `synth/big` times, once, with a breakdown of where the time
/// goes (build, synth, assemble, drop).
fn peak() {
    let catalog = catalog();
    let t0 = Instant::now();
    let app = big_app(catalog, BIG_STACKS);
    let t1 = Instant::now();
    let synth = app.synth().unwrap();
    let t2 = Instant::now();
    let mut total = 0;
    let templates = assemble(&synth, |_, bytes| {
        total += bytes.len();
        black_box(bytes);
    });
    let t3 = Instant::now();
    drop(synth);
    let t4 = Instant::now();
    let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
    eprintln!(
        "big app once: build {:.1} ms, synth {:.1} ms, render+manifests {:.1} ms, drop {:.1} ms; {templates} template bytes, {total} bytes in all",
        ms(t0, t1),
        ms(t1, t2),
        ms(t2, t3),
        ms(t3, t4),
    );
}

/// `TRIBUTARY_BENCH_PAIRED=1`: `synth/big` against its baseline, alternately, one run of each
/// per round.
fn paired() {
    let catalog = catalog();
    let (values, _) = big_baseline(&catalog);
    let ratio = paired::Ratio::measure(
        PAIRED_ROUNDS,
        1,
        |_| time_big(&catalog, Registry::Checked),
        |_| time_baseline(&values),
    );
    eprintln!("big / serde_json baseline: {ratio}");
    ratio.report("big");
    let unchecked = paired::Ratio::measure(
        PAIRED_ROUNDS,
        1,
        |_| time_big(&catalog, Registry::Unchecked),
        |_| time_baseline(&values),
    );
    eprintln!("big without the registry-schema check / serde_json baseline: {unchecked}");
    unchecked.report("big_unvalidated");
    let share = paired::Ratio::measure(
        PAIRED_ROUNDS,
        1,
        |_| time_big(&catalog, Registry::Checked),
        |_| time_big(&catalog, Registry::Unchecked),
    );
    eprintln!("big / big without the registry-schema check: {share}");
    share.report("big_registry_share");
    let (base, changes) = diff_base(&catalog, false);
    let diff = paired::Ratio::measure(
        PAIRED_ROUNDS,
        1,
        |_| time_diff(&catalog, base.path(), changes),
        |_| time_big(&catalog, Registry::Checked),
    );
    eprintln!("big diff against a copy with one change / big synth: {diff}");
    diff.report("big_diff");
    // Every template differs (a tool upgrade that touches every stack): all are parsed.
    let (base, changes) = diff_base(&catalog, true);
    let every = paired::Ratio::measure(
        PAIRED_ROUNDS,
        1,
        |_| time_diff(&catalog, base.path(), changes),
        |_| time_big(&catalog, Registry::Checked),
    );
    eprintln!("big diff against a copy with a change in every stack / big synth: {every}");
    every.report("big_diff_every_stack");
}

/// A base for `tributary diff` of the big app: its templates as `<Stack>.template.json` files,
/// as the synth wrote them, but for one value changed (a mapping's batch size in the middle
/// stack: an update of one resource), or with `every_stack`, one such change in each stack.
fn diff_base(catalog: &Arc<dyn AssetResolver>, every_stack: bool) -> (tempfile::TempDir, usize) {
    let synth = big_app(catalog.clone(), BIG_STACKS).synth().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The first service stack from the middle on (a platform stack has no mapping).
    let middle = synth.stacks[synth.stacks.len() / 2..]
        .iter()
        .map(|s| s.name.as_str())
        .find(|name| !name.ends_with("-Platform"))
        .unwrap()
        .to_owned();
    let mut changed = 0;
    for stack in &synth.stacks {
        let mut bytes = render_template(stack, TemplateFormat::Json).unwrap();
        if every_stack || stack.name.as_str() == middle {
            let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let mut here = false;
            for resource in json["Resources"].as_object_mut().unwrap().values_mut() {
                if resource["Type"] == "AWS::Lambda::EventSourceMapping" && !here {
                    resource["Properties"]["BatchSize"] = serde_json::json!(7);
                    here = true;
                    changed += 1;
                }
            }
            bytes = serde_json::to_vec_pretty(&json).unwrap();
        }
        std::fs::write(
            dir.path()
                .join(format!("{}.template.json", stack.name.as_str())),
            bytes,
        )
        .unwrap();
    }
    // Every stack but the platform stacks (a bus each) has mappings.
    let expected = if every_stack {
        synth.stacks.len() - STAGES.len()
    } else {
        1
    };
    assert_eq!(
        changed, expected,
        "a service stack without a mapping to change"
    );
    (dir, changed)
}

/// `tributary diff`'s work for the big app against `base`: the synth, the base read from disk,
/// the comparison. The app is built before the timing.
fn time_diff(catalog: &Arc<dyn AssetResolver>, base: &Path, changes: usize) -> Duration {
    let app = big_app(catalog.clone(), BIG_STACKS);
    let start = Instant::now();
    let synth = app.synth().unwrap();
    let current = tributary::assembly::rendered_templates(&synth).unwrap();
    let base = tributary::diff::read_base_bytes(base).unwrap();
    let diff = tributary::diff::diff_bytes(&base, &current).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(
        diff.stacks.iter().map(|s| s.resources.len()).sum::<usize>(),
        changes,
        "each change is not one changed resource"
    );
    black_box(&diff);
    drop((current, base, diff));
    drop(synth);
    elapsed
}

/// Rounds of [`paired`]: about 0.6 s each (the app is built and dropped in every round).
const PAIRED_ROUNDS: usize = 21;

criterion_group!(benches, bench_reservations, bench_big);

fn main() {
    let mode = |name: &str| std::env::var_os(name).is_some_and(|v| v == "1");
    if mode("TRIBUTARY_BENCH_PEAK") {
        peak();
        return;
    }
    if mode("TRIBUTARY_BENCH_PAIRED") {
        paired();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
