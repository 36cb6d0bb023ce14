//! The policy rule pack: what this pattern must never ship, checked on the finished templates
//! (whether the app came from a spec or from Rust code, and whatever escape hatch built them).
//!
//! Every rule has an id, a name, a severity and a fix. `synth` and `validate` run them all;
//! an error stops the synth. A rule that does not apply to one construct is suppressed there,
//! with a reason ([`crate::core::Suppression`], in the spec or next to the construct in Rust);
//! the reason is written into the metadata of each resource the rule would have flagged
//! (`tributary:suppressions`), and a suppression that silences nothing is reported. A checkov
//! check id suppressed the same way becomes checkov's own skip metadata on those resources.

mod registry;
mod rules;

use indexmap::IndexMap;

use crate::core::{
    ConstructPath, Diagnostic, LogicalId, Severity, StackName, StackParts, Suppression,
};

/// One rule of the pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// `TRB001`...: stable, for suppressions and search.
    pub id: &'static str,
    /// `no-on-failure-destination`...: readable, also accepted in suppressions.
    pub name: &'static str,
    pub severity: Severity,
    /// What it refuses, in one sentence.
    pub summary: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

macro_rules! rules {
    ($($konst:ident = $id:literal, $name:literal, $severity:ident, $summary:literal, $fix:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $konst: Rule = Rule {
                id: $id,
                name: $name,
                severity: Severity::$severity,
                summary: $summary,
                fix: $fix,
            };
        )*
        /// Every rule, in id order.
        pub const RULES: &[Rule] = &[$($konst),*];
    };
}

rules! {
    NO_ON_FAILURE_DESTINATION = "TRB001", "no-on-failure-destination", Error,
        "A stream mapping without an on-failure destination drops the records it gives up on.",
        "Give the mapping an on-failure destination (the pattern's default is a bucket that keeps whole records).";
    INFINITE_RETRIES = "TRB002", "infinite-retries", Error,
        "A stream mapping that retries forever lets one poison record block its shard until the record expires (24 h).",
        "Set a finite retry count (default 3).";
    UNLIMITED_RECORD_AGE = "TRB003", "unlimited-record-age", Error,
        "A stream mapping without a maximum record age retries records until they expire from the stream.",
        "Set maxRecordAge (default 3600 s), so records leave for the on-failure destination while still readable.";
    BISECT_OFF = "TRB004", "bisect-off", Error,
        "A stream mapping that does not bisect failed batches sends healthy records to the on-failure destination with the poison one.",
        "Turn bisectOnError on (the default).";
    NO_STARTING_POSITION = "TRB005", "no-starting-position", Error,
        "A stream mapping needs a StartingPosition (TRIM_HORIZON or LATEST); CloudFormation fails late without one.",
        "Set StartingPosition (the construct's default is TRIM_HORIZON).";
    RECORD_AGE_UNDER_60 = "TRB006", "record-age-under-60", Error,
        "MaximumRecordAgeInSeconds between 1 and 59 is rejected by the service.",
        "Use -1 (unlimited) or 60..=604800.";
    TABLE_WITHOUT_STREAM = "TRB007", "table-without-stream", Error,
        "The mapping reads the StreamArn of a table that has no stream.",
        "Give the table a StreamSpecification (NEW_AND_OLD_IMAGES).";
    TOO_MANY_STREAM_READERS = "TRB008", "too-many-stream-readers", Warning,
        "More than two mappings read the same stream; its shards throttle the third reader.",
        "Fan out through the event bus instead of adding mappings on the stream.";
    DESTINATION_WITHOUT_ALARM = "TRB009", "destination-without-alarm", Error,
        "A dead-letter queue or on-failure destination fills up unnoticed without an alarm.",
        "Add an alarm on the queue's ApproximateNumberOfMessagesVisible (or the mapping's OnFailureDestinationDeliveredEventCount).";
    SHORT_DLQ_RETENTION = "TRB010", "short-dlq-retention", Warning,
        "A dead-letter queue that keeps messages less than 14 days loses them before a slow investigation ends.",
        "Set the queue's retention to 1209600 s (14 days, the maximum).";
    TARGET_WITHOUT_DLQ_OR_RETRY = "TRB011", "target-without-dlq-or-retry", Error,
        "A rule target without a dead-letter queue and an explicit retry policy drops events it cannot deliver.",
        "Give every target a DeadLetterConfig and, unless it is an event bus (EventBridge takes no retry policy for one), a RetryPolicy (the pattern's add_rule does).";
    PATTERN_LEAF_NOT_ARRAY = "TRB012", "pattern-leaf-not-array", Error,
        "An event pattern (of a rule, an archive or a mapping's filter criteria) that EventBridge or Lambda refuses: a leaf that is not a list, an empty list or object, an unknown operator, an operand of the wrong type, or an operator the service does not take.",
        "Write each leaf as a non-empty list (`source: [reservations]`) of values and operators with the operands they take; the message names the place.";
    QUEUE_URL_FOR_ARN = "TRB013", "queue-url-for-arn", Error,
        "A queue's Ref is its URL, but this property needs its ARN.",
        "Use the queue's Arn attribute (Fn::GetAtt [Queue, Arn]).";
    NO_LOG_RETENTION = "TRB014", "no-log-retention", Error,
        "A function whose log group has no retention keeps logs (and their cost) forever.",
        "Log to a log group with RetentionInDays (the Function construct creates one, default 30 days).";
    IAM_WILDCARD = "TRB015", "iam-wildcard", Error,
        "An IAM statement allows a wildcard action, or resource `*` for an action that AWS lets be scoped.",
        "Grant the actions the wiring needs on the ARNs it uses; `*` is only for dynamodb:ListStreams and X-Ray.";
    STATEFUL_NOT_RETAINED = "TRB016", "stateful-not-retained", Error,
        "A table, bucket, log group or event archive without DeletionPolicy/UpdateReplacePolicy Retain is deleted with its data.",
        "Retain stateful resources (the constructs do).";
    STACK_RESOURCES_WARN = "TRB017", "many-resources", Warning,
        "The stack has more than 400 resources; CloudFormation's limit is 500.",
        "Split the app into more stacks before it reaches the limit.";
    STACK_RESOURCES_MAX = "TRB018", "too-many-resources", Error,
        "The stack has more than 500 resources, which CloudFormation refuses.",
        "Split the app into more stacks.";
    TOO_MANY_OUTPUTS = "TRB019", "too-many-outputs-or-parameters", Error,
        "The stack has more than 200 outputs or parameters, which CloudFormation refuses.",
        "Split the stack, or share fewer values across stacks.";
    TEMPLATE_TOO_LARGE = "TRB020", "template-too-large", Error,
        "The template is over 1 MB, the most CloudFormation accepts even from S3 (over 51,200 bytes it must come from the asset bucket, as the manifest arranges).",
        "Split the stack.";
    REGISTRY_SCHEMA = "TRB021", "registry-schema", Error,
        "A resource property is one the CloudFormation registry schema of its type refuses (unknown or read-only, missing, of the wrong type, off its enum, length, pattern or range, too many or too few items).",
        "Set the property as the message says the registry schema allows.";
    UNAUTHORIZED_ROUTE = "TRB022", "unauthorized-route", Error,
        "An HTTP API route without authorization (AuthorizationType NONE) lets anyone on the internet call its function.",
        "Give the route a JWT authorizer or IAM authorization (`auth:`, or the API's `defaultAuth`); for a public endpoint by design, suppress `unauthorized-route` on the API with the reason.";
    UNALARMED_FAILURE_PATH = "TRB023", "unalarmed-failure-path", Error,
        "A failure path (a stream mapping falling behind or dropping records, a rule failing to deliver, a function dropping asynchronous events or failing to reach its destination, an API answering 5xx) has no alarm with an action on the metric, with the dimensions, that its service publishes.",
        "Alarm on the metric the message names, with exactly those dimensions, and give the alarm an action (the constructs do).";
}

/// The registry schemas TRB021 checks: the cfn-lint release they come from, and how many
/// resource types they cover.
pub fn registry_schemas() -> (&'static str, usize) {
    registry::schemas()
}

/// Rules whose finding a checkov check also reports: suppressing the rule on a resource skips
/// that check there too, with the same reason (one decision, recorded for both tools).
const CHECKOV_TWINS: &[(&str, &str)] = &[
    // "Ensure API GatewayV2 routes specify an authorization type".
    ("TRB022", "CKV_AWS_309"),
];

/// The rule with this id or name.
pub fn rule(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// Whether `id` looks like a checkov check id (`CKV_AWS_117`, `CKV2_AWS_75`).
fn is_checkov_id(id: &str) -> bool {
    let mut parts = id.split('_');
    matches!(parts.next(), Some("CKV" | "CKV2"))
        && parts
            .next()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase()))
        && parts
            .next()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && parts.next().is_none()
}

/// What a rule found: a resource, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub rule: &'static Rule,
    /// The resource; `None` for the stack as a whole.
    pub resource: Option<LogicalId>,
    pub message: String,
}

impl Finding {
    fn new(rule: &'static Rule, resource: &LogicalId, message: impl Into<String>) -> Self {
        Self {
            rule,
            resource: Some(resource.clone()),
            message: message.into(),
        }
    }
}

use crate::core::MIN_REASON_CHARS;

/// The policy rule pack, as the core's synth runs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RulePack {
    /// Whether TRB021 (the registry schemas) runs: always, except in the benchmark that
    /// reports what it costs.
    pub registry_schema: bool,
}

impl Default for RulePack {
    fn default() -> Self {
        Self {
            registry_schema: true,
        }
    }
}

impl crate::core::TemplateChecks for RulePack {
    fn run(&self, stacks: &mut IndexMap<StackName, StackParts>, diagnostics: &mut Vec<Diagnostic>) {
        run(self, stacks, diagnostics);
    }
}

/// Runs every rule on every stack, applies the stacks' suppressions (recording them in the
/// templates) and reports the rest.
fn run(
    pack: &RulePack,
    parts: &mut IndexMap<StackName, StackParts>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut findings: Vec<(StackName, Finding)> = Vec::new();
    // The two passes only read the templates: on a second core the registry check (the larger
    // one) costs no wall time beside the rules. Their findings are merged in the same order.
    let shared: &IndexMap<StackName, StackParts> = parts;
    let (rules, registry) = std::thread::scope(|s| {
        let registry = pack
            .registry_schema
            .then(|| s.spawn(|| registry::check(shared)));
        let rules = rules::check(shared);
        let registry = match registry.map(|h| h.join()) {
            None => Vec::new(),
            Some(Ok(found)) => found,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        };
        (rules, registry)
    });
    for (name, found) in rules.into_iter().chain(registry) {
        for finding in found {
            let finding = (name.clone(), finding);
            if !findings.contains(&finding) {
                findings.push(finding);
            }
        }
    }
    let mut used: Vec<Vec<bool>> = parts
        .values()
        .map(|p| vec![false; p.suppressions.len()])
        .collect();
    // Suppressions that may silence a finding: a known rule and a reason.
    let mut valid = used.clone();
    // A construct that already has an error is not reported again by a rule.
    let erroneous: Vec<ConstructPath> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter_map(|d| d.path.clone())
        .collect();
    for (stack_index, p) in parts.values_mut().enumerate() {
        for i in 0..p.suppressions.len() {
            let (path, s) = p.suppressions[i].clone();
            let path = &path;
            if s.reason.trim().chars().count() < MIN_REASON_CHARS {
                diagnostics.push(at(
                    Severity::Error,
                    path,
                    format!(
                        "the suppression of `{}` needs a reason (a few words for reviewers)",
                        s.rule
                    ),
                ));
                used[stack_index][i] = true;
            } else if is_checkov_id(&s.rule) {
                skip_checkov_under(p, i);
                used[stack_index][i] = true;
            } else if rule(&s.rule).is_some() {
                valid[stack_index][i] = true;
            } else {
                let names = RULES.iter().flat_map(|r| [r.id, r.name]);
                let hint = crate::core::suggest::hint(&s.rule, names, |_| {
                    " (`tributary validate --rules` lists them; checkov ids look like CKV_AWS_117)"
                        .to_owned()
                });
                diagnostics.push(at(
                    Severity::Error,
                    path,
                    format!("there is no rule `{}` to suppress{hint}", s.rule),
                ));
                used[stack_index][i] = true;
            }
        }
    }
    for (stack, finding) in findings {
        let Some((stack_index, _, p)) = parts.get_full_mut(&stack) else {
            continue;
        };
        let path = finding
            .resource
            .as_ref()
            .and_then(|id| p.origins.get(id))
            .map(construct_of)
            .unwrap_or_else(|| ConstructPath::root(&stack));
        // A registry finding anywhere under a construct that reported an error is that
        // error's consequence (a construct that refuses a value still emits its resources).
        let reported = if finding.rule.id == REGISTRY_SCHEMA.id {
            erroneous.iter().any(|e| covers(e, &path))
        } else {
            erroneous.contains(&path)
        };
        if reported {
            continue;
        }
        let suppression = p
            .suppressions
            .iter()
            .enumerate()
            .position(|(i, (scope, s))| {
                valid[stack_index][i]
                    && rule(&s.rule).is_some_and(|r| r.id == finding.rule.id)
                    && covers(scope, &path)
            });
        match suppression {
            Some(i) => {
                used[stack_index][i] = true;
                let reason = p.suppressions[i].1.reason.clone();
                if let Some(resource) = finding
                    .resource
                    .as_ref()
                    .and_then(|id| p.template.resources.get_mut(id))
                {
                    record(resource, finding.rule.id, &reason);
                    // checkov's check of the same mistake is silenced for the same reason.
                    for (_, check) in CHECKOV_TWINS.iter().filter(|(r, _)| *r == finding.rule.id) {
                        resource.skip_checkov((check, &reason));
                    }
                }
            }
            None => diagnostics.push(Diagnostic {
                location: None,
                severity: finding.rule.severity,
                code: Some(finding.rule.id),
                path: Some(path),
                // A registry finding already says what the schema allows: that is its fix.
                message: if finding.rule.id == REGISTRY_SCHEMA.id {
                    format!("{} ({})", finding.message, finding.rule.name)
                } else {
                    format!(
                        "{} ({}). Fix: {}",
                        finding.message, finding.rule.name, finding.rule.fix
                    )
                },
            }),
        }
    }
    for (stack_index, p) in parts.values().enumerate() {
        for (i, (path, s)) in p.suppressions.iter().enumerate() {
            if !used[stack_index][i] {
                diagnostics.push(at(
                    Severity::Warning,
                    path,
                    format!(
                        "the suppression of `{}` silences nothing here: remove it",
                        s.rule
                    ),
                ));
            }
        }
    }
}

fn at(severity: Severity, path: &ConstructPath, message: String) -> Diagnostic {
    Diagnostic {
        location: None,
        severity,
        code: None,
        path: Some(path.clone()),
        message,
    }
}

/// The construct a resource belongs to: `Stack/Mapping` for `Stack/Mapping/Resource` (a
/// top-level `Stack/Resource` is a construct a user named so).
fn construct_of(resource: &ConstructPath) -> ConstructPath {
    match resource.parent() {
        Some(parent) if resource.leaf() == "Resource" && parent.parent().is_some() => parent,
        _ => resource.clone(),
    }
}

/// Whether a suppression at `scope` covers `path` (the construct itself or anything under it).
fn covers(scope: &ConstructPath, path: &ConstructPath) -> bool {
    let (scope, path) = (scope.as_str(), path.as_str());
    path == scope
        || path
            .strip_prefix(scope)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Appends `{rule, reason}` to a resource's `tributary:suppressions` metadata (once per rule).
fn record(resource: &mut crate::core::Resource, rule: &str, reason: &str) {
    let entry = serde_json::json!({ "rule": rule, "reason": reason });
    let list = resource
        .metadata
        .entry("tributary:suppressions".to_owned())
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let Some(list) = list.as_array_mut()
        && !list.iter().any(|e| e["rule"] == rule)
    {
        list.push(entry);
    }
}

/// Writes checkov's skip metadata for suppression `i` on every resource under its path.
fn skip_checkov_under(p: &mut StackParts, i: usize) {
    let (scope, Suppression { rule, reason }) = p.suppressions[i].clone();
    for (id, resource) in p.template.resources.iter_mut() {
        if p.origins.get(id).is_some_and(|path| covers(&scope, path)) {
            resource.skip_checkov((&rule, &reason));
        }
    }
}

/// Size rule on a rendered template (run by the pipeline, which renders each template once).
pub fn template_size(stack: &StackName, bytes: usize) -> Option<Diagnostic> {
    (bytes > TEMPLATE_MAX_BYTES).then(|| Diagnostic {
        location: None,
        severity: TEMPLATE_TOO_LARGE.severity,
        code: Some(TEMPLATE_TOO_LARGE.id),
        path: Some(ConstructPath::root(stack)),
        message: format!(
            "the template is {bytes} bytes, over the {TEMPLATE_MAX_BYTES} CloudFormation accepts ({}). Fix: {}",
            TEMPLATE_TOO_LARGE.name, TEMPLATE_TOO_LARGE.fix
        ),
    })
}

/// The largest template CloudFormation accepts (from S3).
pub const TEMPLATE_MAX_BYTES: usize = 1_000_000;
