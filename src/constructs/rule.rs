//! EventBridge rule with a typed event pattern and up to 5 targets (Lambda, SQS, another event
//! bus), each with a dead-letter queue and retry policy (a bus target takes none: EventBridge has
//! no retry policy for it), plus the permissions the targets need: a Lambda permission, a queue
//! policy statement, or a role EventBridge assumes to put events on the target bus.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::event_bus::{BusSource, EventBus};
use super::function::Function;
use super::limits::{RULE_NAME, RULE_TARGETS, TARGET_EVENT_AGE_SECONDS, TARGET_RETRY_ATTEMPTS};
use super::pattern::{self, Dialect, EventPattern};
use super::queue::Queue;
use crate::core::cfn::iam::{self, ASSUME_ROLE, EVENTS_SERVICE, LAMBDA_INVOKE, QUEUE_SEND};
use crate::core::cfn::{Attr, ResourceType, arn};
use crate::core::{ConstructPath, LogicalId, Reference, Resource, Stack, Statement, Value};

fn retry_attempts() -> u32 {
    185
}
fn event_age() -> u32 {
    86_400
}

/// How EventBridge retries delivery to a target before sending the event to its DLQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a map with `maxAttempts` and `maxEventAgeSeconds`")]
pub struct TargetRetry {
    /// Retries: 0..=185. Default: 185 (EventBridge's default, made explicit for reviewers).
    #[serde(default = "retry_attempts")]
    #[schemars(range(min = TARGET_RETRY_ATTEMPTS.min, max = TARGET_RETRY_ATTEMPTS.max))]
    pub max_attempts: u32,
    /// Give up after this many seconds: 60..=86,400. Default: 86,400 (24 h).
    #[serde(default = "event_age")]
    #[schemars(range(min = TARGET_EVENT_AGE_SECONDS.min, max = TARGET_EVENT_AGE_SECONDS.max))]
    pub max_event_age_seconds: u32,
}

impl Default for TargetRetry {
    fn default() -> Self {
        Self {
            max_attempts: retry_attempts(),
            max_event_age_seconds: event_age(),
        }
    }
}

/// Why a bus target takes no `retry` (the error's reason, in the spec and in Rust).
pub(crate) const NO_BUS_TARGET_RETRY: &str = "EventBridge takes no retry policy for an event bus target (it retries on its own; undelivered events go to the rule's dead-letter queue); leave `retry` out";

/// What a target delivers to.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetKind {
    /// A function, of the rule's stack or of an earlier one (its `AWS::Lambda::Permission` is in
    /// the rule's stack, which deploys after the function's).
    Function(Function),
    /// A standard queue of the rule's stack (its one queue policy lets this rule send).
    Queue(Queue),
    /// Another event bus: of the app, or an existing one by ARN (another account or region
    /// included; that bus's policy must let this account put events). EventBridge puts events
    /// on it with a role of the rule's own, allowed `events:PutEvents` on that bus only. Not the
    /// rule's own bus (a loop).
    Bus(EventBus),
}

/// A rule target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub kind: TargetKind,
    pub retry: TargetRetry,
}

fn enabled() -> bool {
    true
}

/// Rule props.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleProps {
    /// Which events the rule matches (at most 4,096 characters as JSON).
    pub pattern: EventPattern,
    /// A description. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the rule is enabled. Default: on.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

/// A rule handle.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub path: ConstructPath,
    pub reference: Reference,
    /// The rule name (explicit, so alarms can name it).
    pub name: String,
    /// The name of the bus the rule is on: EventBridge publishes a custom bus's rule metrics
    /// under both `EventBusName` and `RuleName`.
    pub bus_name: Value,
    /// The bus's name as written in the template (what the rule's ARN spells).
    pub bus_physical_name: String,
}

impl Rule {
    /// Adds a rule on `bus` delivering to `targets`; failed deliveries go to `dead_letter_queue`
    /// (which must be in the rule's stack: its queue policy lets only this rule send).
    pub fn new(
        stack: &mut Stack,
        path: ConstructPath,
        bus: &EventBus,
        props: &RuleProps,
        targets: &[Target],
        dead_letter_queue: &Queue,
    ) -> Self {
        let pattern = props.pattern.to_json();
        if props.pattern.is_empty() {
            stack.error(
                &path,
                "the event pattern matches every event; name at least a source or detail type",
            );
        } else if let Err(e) = pattern::validate(&pattern, Dialect::Rule) {
            stack.error(&path, e.at("pattern"));
        }
        RULE_TARGETS.check(stack, &path, "targets", targets.len() as i64);
        if let Some(arn) = bus.existing_arn() {
            let env = stack.env();
            let account = env.account.as_ref().map(|a| a.as_str());
            let region = env.region.as_ref().map(|r| r.as_str());
            if account.is_some_and(|a| a != arn.account) || region.is_some_and(|r| r != arn.region)
            {
                stack.error(
                    &path,
                    format!(
                        "a rule sits on a bus of its own account and region, and `{}` is in {} {}; put the rule in a stack of that account, or forward the events to a bus of this one",
                        arn.arn, arn.account, arn.region
                    ),
                );
            }
        }
        let id = LogicalId::text_of(&path);
        let on_bus = format!("event bus `{}`", bus.physical_name);
        let stack_name = stack.name().clone();
        let name = stack.derive_name(
            &path,
            &RULE_NAME,
            Some(&on_bus),
            &[stack_name.as_str(), &id],
        );
        let resource_path = stack.child(&path, "Resource");
        // Targets reference the rule only through permissions, so the rule is added first.
        let mut rendered = Vec::new();
        let reference = stack.add(
            &resource_path,
            Resource::new(ResourceType::EventsRule)
                .prop("Name", name.clone())
                .prop("EventBusName", bus.put_events_target())
                .prop("EventPattern", Value::Json(pattern))
                .prop("State", if props.enabled { "ENABLED" } else { "DISABLED" })
                .prop_opt("Description", props.description.clone()),
        );
        let rule = Self {
            path,
            reference,
            name,
            bus_name: bus.name(),
            bus_physical_name: bus.physical_name.clone(),
        };
        // The role EventBridge assumes for bus targets (one per rule, made on first use).
        let mut role: Option<(Reference, Reference)> = None;
        let dlq_policy = dead_letter_queue.policy(stack);
        add_queue_statement(stack, &dlq_policy, dead_letter_queue, &rule);
        for (i, target) in targets.iter().enumerate() {
            TARGET_RETRY_ATTEMPTS.check(
                stack,
                &rule.path,
                &format!("targets[{i}].retry.maxAttempts"),
                target.retry.max_attempts.into(),
            );
            TARGET_EVENT_AGE_SECONDS.check(
                stack,
                &rule.path,
                &format!("targets[{i}].retry.maxEventAgeSeconds"),
                target.retry.max_event_age_seconds.into(),
            );
            let mut entry = vec![("Id", Value::from(format!("Target{i}")))];
            match &target.kind {
                TargetKind::Function(f) => {
                    let permission = stack.child(&rule.path, &format!("AllowInvokeTarget{i}"));
                    stack.add(
                        &permission,
                        Resource::new(ResourceType::LambdaPermission)
                            .prop("Action", LAMBDA_INVOKE)
                            .prop("FunctionName", f.arn())
                            .prop("Principal", EVENTS_SERVICE)
                            .prop("SourceArn", rule.arn()),
                    );
                    entry.push(("Arn", f.arn()));
                }
                TargetKind::Queue(q) => {
                    if q.reference.stack != *stack.name() {
                        stack.error(
                            &rule.path,
                            format!(
                                "targets[{i}]: queue {} is of stack `{}`; a queue target must be of the rule's stack (`{}`): the queue's one policy, which lets the rule send, is written where the queue is",
                                q.path,
                                q.reference.stack,
                                stack.name()
                            ),
                        );
                    }
                    let policy = q.policy(stack);
                    add_queue_statement(stack, &policy, q, &rule);
                    entry.push(("Arn", q.arn()));
                }
                TargetKind::Bus(b) => {
                    if same_bus(b, bus) {
                        stack.error(
                            &rule.path,
                            format!(
                                "targets[{i}]: the target is the rule's own {}: every event it forwards would match the rule again (an event loop); target another bus",
                                bus.identity()
                            ),
                        );
                    }
                    if target.retry != TargetRetry::default() {
                        stack.error(
                            &rule.path,
                            format!("targets[{i}].retry: {NO_BUS_TARGET_RETRY}"),
                        );
                    }
                    let role = bus_role(stack, &rule, &mut role);
                    // PutEvents on this bus, and on nothing else.
                    stack.add_statement(&role.1, b.put_events());
                    entry.push(("Arn", b.arn()));
                    entry.push(("RoleArn", Value::GetAtt(role.0.clone(), Attr::Arn)));
                }
            }
            entry.push((
                "DeadLetterConfig",
                Value::map([("Arn", dead_letter_queue.arn())]),
            ));
            if !matches!(target.kind, TargetKind::Bus(_)) {
                entry.push((
                    "RetryPolicy",
                    Value::map([
                        ("MaximumRetryAttempts", target.retry.max_attempts.into()),
                        (
                            "MaximumEventAgeInSeconds",
                            target.retry.max_event_age_seconds.into(),
                        ),
                    ]),
                ));
            }
            rendered.push(Value::map(entry));
        }
        if let Some(r) = stack.resource_mut(&rule.reference) {
            r.properties.insert("Targets", Value::List(rendered));
            // EventBridge puts events with the role as soon as the rule exists.
            if let Some((_, policy)) = &role {
                r.depends_on.push(policy.logical_id.clone());
            }
        }
        rule
    }

    /// The rule ARN.
    pub fn arn(&self) -> Value {
        Value::GetAtt(self.reference.clone(), Attr::Arn)
    }
}

fn add_queue_statement(stack: &mut Stack, policy: &Reference, queue: &Queue, rule: &Rule) {
    let statement = Statement::allow_service(
        EVENTS_SERVICE,
        QUEUE_SEND,
        vec![queue.arn()],
        Some(iam::source_arn_equals(rule.arn())),
    );
    stack.add_statement(policy, statement);
}

/// Whether `a` and `b` are one bus: one resource of the app, or one ARN.
fn same_bus(a: &EventBus, b: &EventBus) -> bool {
    match (&a.source, &b.source) {
        (BusSource::Defined(x), BusSource::Defined(y)) => x == y,
        (BusSource::Existing(x), BusSource::Existing(y)) => x.arn == y.arn,
        _ => false,
    }
}

/// The rule's role for bus targets and its policy, made on first use: trusted by EventBridge
/// for this rule only (`aws:SourceArn`, spelt from the rule's names so that the role does not
/// depend on the rule that names it, and `aws:SourceAccount`).
fn bus_role<'r>(
    stack: &mut Stack,
    rule: &Rule,
    role: &'r mut Option<(Reference, Reference)>,
) -> &'r (Reference, Reference) {
    role.get_or_insert_with(|| {
        let rule_arn = arn::events_rule(&rule.bus_physical_name, &rule.name);
        let role_path = stack.child(&rule.path, "EventsRole");
        let trust = Statement::allow_service(
            EVENTS_SERVICE,
            ASSUME_ROLE,
            Vec::new(),
            Some(iam::source_of_own_account(rule_arn)),
        );
        super::role::service_role(stack, &role_path, trust)
    })
}
