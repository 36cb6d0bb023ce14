//! Policies as meaning: every statement of a resource's `Properties` normalised to effect,
//! principals, actions, resources and conditions, so that order, `Sid` and spelling (`"*"` or
//! `{"AWS": "*"}`, a string or a one-element list, `SQS:SendMessage` or `sqs:sendmessage`) no
//! longer show. What cannot be read is kept as a [`Broken`] policy, never dropped.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// A value of a policy element: a literal (`*` and `?` are wildcards), an opaque token (an
/// intrinsic function or any other non-string value, by its canonical JSON text: equal only to
/// the same token), or an implicit value the template does not spell (`the role`).
///
/// Equal and ordered by meaning (`norm`); `shown` is what a reviewer reads.
#[derive(Debug, Clone)]
pub(super) struct Atom {
    pub kind: AtomKind,
    /// The compared form: lowercased for actions, an account ID for an account root.
    pub norm: String,
    pub shown: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum AtomKind {
    Lit,
    Token,
    Implicit,
}

impl Atom {
    fn lit(norm: String, shown: &str) -> Self {
        Self { kind: AtomKind::Lit, norm, shown: shown.to_owned() }
    }

    pub fn token(v: &Value) -> Self {
        let text = canonical(v);
        Self { kind: AtomKind::Token, norm: text.clone(), shown: text }
    }

    pub fn implicit(norm: &str, shown: &str) -> Self {
        Self { kind: AtomKind::Implicit, norm: norm.to_owned(), shown: shown.to_owned() }
    }

    pub fn is_any(&self) -> bool {
        self.kind == AtomKind::Lit && self.norm == "*"
    }
}

impl PartialEq for Atom {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Atom {}

impl PartialOrd for Atom {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Atom {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.kind, &self.norm).cmp(&(other.kind, &other.norm))
    }
}

/// How a literal of an element is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    /// Case-insensitive (`SQS:SendMessage` is `sqs:sendmessage`).
    Action,
    /// Case-sensitive, as written.
    Resource,
    /// A condition value of an `...IgnoreCase` operator.
    FoldedValue,
}

/// Who a statement is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Principal {
    /// `"*"` or `{"AWS": "*"}`: anyone.
    Any,
    /// `kind` is `AWS`, `Service`, `Federated`, `CanonicalUser` (as in the policy language),
    /// `identity` (the role, user or group an inline policy belongs to), `role`/`user`/`group`
    /// (what an `AWS::IAM::Policy` is attached to) or `principal` (an opaque token).
    Of { kind: String, id: Atom },
}

impl Principal {
    pub fn shown(&self) -> String {
        match self {
            Self::Any => "anyone (*)".to_owned(),
            Self::Of { kind, id } => match kind.as_str() {
                "identity" => id.shown.clone(),
                "Service" => format!("service {}", id.shown),
                "Federated" => format!("federated {}", id.shown),
                "CanonicalUser" => format!("canonical user {}", id.shown),
                other => format!("{other} {}", id.shown),
            },
        }
    }
}

/// An element and whether it is the `Not...` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Elem<T> {
    Is(BTreeSet<T>),
    Not(BTreeSet<T>),
}

impl<T> Elem<T> {
    pub fn positive(&self) -> Option<&BTreeSet<T>> {
        match self {
            Self::Is(set) => Some(set),
            Self::Not(_) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    Allow,
    Deny,
}

/// One clause of a `Condition` block: operator (normalised: `ArnEquals` is `ArnLike`) and key
/// (compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct CondKey {
    pub op: String,
    pub key: Atom,
}

pub(super) type Conditions = BTreeMap<CondKey, BTreeSet<Atom>>;

/// A normalised statement: no `Sid`, no order, no spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stmt {
    pub effect: Effect,
    pub principals: Elem<Principal>,
    pub actions: Elem<Atom>,
    pub resources: Elem<Atom>,
    pub conditions: Conditions,
}

impl Stmt {
    /// The `Not...` elements it uses, e.g. `NotAction`.
    pub fn negations(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if matches!(self.principals, Elem::Not(_)) {
            names.push("NotPrincipal");
        }
        if matches!(self.actions, Elem::Not(_)) {
            names.push("NotAction");
        }
        if matches!(self.resources, Elem::Not(_)) {
            names.push("NotResource");
        }
        names
    }
}

/// A statement and the policy of the resource it is in (`Policies[Writer]`).
#[derive(Debug, Clone)]
pub(super) struct Located {
    pub policy: String,
    pub stmt: Stmt,
}

/// A policy that cannot be read: where, its text (so an unchanged one is not reported) and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Broken {
    pub policy: String,
    pub raw: String,
    pub reason: String,
}

/// A list of the resource whose new entries widen (`ManagedPolicyArns`, `Queues`) or whose
/// lost entries widen (`PermissionsBoundary`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Growth {
    Grows,
    Shrinks,
}

/// What one side of a resource grants.
#[derive(Debug, Default)]
pub(super) struct Extract {
    /// Statements compared together (`permissions`: every inline policy of a role, so a
    /// statement moved between two of them is no change; `trust`: the trust policy).
    pub scopes: BTreeMap<&'static str, Vec<Located>>,
    /// Property name -> (direction, what a new or lost entry means: `{}` is the entry, entries).
    pub lists: BTreeMap<&'static str, (Growth, &'static str, BTreeSet<Atom>)>,
    pub broken: BTreeSet<Broken>,
}

impl Extract {
    fn broken(&mut self, policy: &str, raw: &Value, reason: impl Into<String>) {
        self.broken.insert(Broken {
            policy: policy.to_owned(),
            raw: canonical(raw),
            reason: reason.into(),
        });
    }

    fn statements(&mut self, scope: &'static str, policy: &str, stmts: Vec<Stmt>) {
        let located = stmts.into_iter().map(|stmt| Located { policy: policy.to_owned(), stmt });
        self.scopes.entry(scope).or_default().extend(located);
    }

    fn document(&mut self, scope: &'static str, policy: &str, doc: &Value, d: &Defaults) {
        match document(doc, d) {
            Ok(stmts) => self.statements(scope, policy, stmts),
            Err(reason) => self.broken(policy, doc, format!("{policy} {reason}")),
        }
    }

    fn list(&mut self, props: &Map<String, Value>, name: &'static str, growth: Growth, what: &'static str) {
        let Some(v) = props.get(name) else { return };
        match atoms(v, Field::Resource) {
            Ok(set) => {
                self.lists.insert(name, (growth, what, set));
            }
            Err(reason) => self.broken(name, v, format!("{name} {reason}")),
        }
    }
}

/// The resource types that hold policies, and where.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    /// A role, user or group: inline `Policies`, `ManagedPolicyArns` (and a role's trust
    /// policy, a role's or user's `PermissionsBoundary`, a user's `Groups`).
    Identity { noun: &'static str },
    /// `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`: a document and what it is attached to.
    Attached,
    /// A queue, topic or bucket policy: a document and the resources it applies to.
    OnResource { targets: &'static str, noun: &'static str },
    /// `AWS::Events::EventBusPolicy`: a `Statement`, or the older `Principal`/`Action`/`Condition`.
    BusPolicy,
    /// `AWS::Lambda::Permission`: one statement in properties.
    Permission,
    /// `AWS::IAM::UserToGroupAddition`: users added to a group get its policies.
    GroupAddition,
}

impl Kind {
    pub fn of(resource_type: &str) -> Option<Self> {
        Some(match resource_type {
            "AWS::IAM::Role" => Self::Identity { noun: "role" },
            "AWS::IAM::User" => Self::Identity { noun: "user" },
            "AWS::IAM::Group" => Self::Identity { noun: "group" },
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => Self::Attached,
            "AWS::SQS::QueuePolicy" => Self::OnResource { targets: "Queues", noun: "queue" },
            "AWS::SNS::TopicPolicy" => Self::OnResource { targets: "Topics", noun: "topic" },
            "AWS::S3::BucketPolicy" => Self::OnResource { targets: "Bucket", noun: "bucket" },
            "AWS::Events::EventBusPolicy" => Self::BusPolicy,
            "AWS::Lambda::Permission" => Self::Permission,
            "AWS::IAM::UserToGroupAddition" => Self::GroupAddition,
            _ => return None,
        })
    }
}

/// What a statement means when it leaves an element out.
#[derive(Debug, Default)]
struct Defaults {
    /// Identity policies have no `Principal`: they are about what they are attached to.
    principals: Option<BTreeSet<Principal>>,
    /// A trust policy is about its role, a resource policy may be about its resource.
    resource: Option<Atom>,
}

/// Everything `props` (one side's `Properties`) grants, as a resource of `kind`.
pub(super) fn extract(kind: Kind, props: &Value) -> Extract {
    let mut x = Extract::default();
    let Some(props) = props.as_object() else {
        x.broken("Properties", props, "Properties is not an object");
        return x;
    };
    match kind {
        Kind::Identity { noun } => identity(&mut x, props, noun),
        Kind::Attached => attached(&mut x, props),
        Kind::OnResource { targets, noun } => on_resource(&mut x, props, targets, noun),
        Kind::BusPolicy => bus_policy(&mut x, props),
        Kind::Permission => permission(&mut x, props),
        Kind::GroupAddition => {
            x.list(props, "Users", Growth::Grows, "user {} added to the group");
        }
    }
    x
}

fn identity(x: &mut Extract, props: &Map<String, Value>, noun: &'static str) {
    let me = Principal::Of {
        kind: "identity".to_owned(),
        id: Atom::implicit(noun, &format!("the {noun}")),
    };
    if noun == "role" {
        if let Some(doc) = props.get("AssumeRolePolicyDocument") {
            let d = Defaults { principals: None, resource: Some(Atom::implicit("role", "the role")) };
            x.document("trust", "AssumeRolePolicyDocument", doc, &d);
        }
    }
    if let Some(policies) = props.get("Policies") {
        let d = Defaults { principals: Some(BTreeSet::from([me])), resource: None };
        match policies.as_array() {
            Some(items) => {
                for item in items {
                    inline_policy(x, item, &d);
                }
            }
            None => x.broken("Policies", policies, "Policies is not a list"),
        }
    }
    x.list(props, "ManagedPolicyArns", Growth::Grows, "managed policy {} attached");
    if noun != "group" {
        x.list(props, "PermissionsBoundary", Growth::Shrinks, "permissions boundary {} removed or replaced (a boundary's contents are not compared)");
    }
    if noun == "user" {
        x.list(props, "Groups", Growth::Grows, "added to group {} (its policies are not compared)");
    }
}

fn inline_policy(x: &mut Extract, item: &Value, d: &Defaults) {
    let name = match item.get("PolicyName") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => canonical(other),
        None => {
            x.broken("Policies[?]", item, "a policy of Policies has no PolicyName");
            return;
        }
    };
    let label = format!("Policies[{name}]");
    match item.get("PolicyDocument") {
        Some(doc) => x.document("permissions", &label, doc, d),
        None => x.broken(&label, item, format!("{label} has no PolicyDocument")),
    }
}

fn attached(x: &mut Extract, props: &Map<String, Value>) {
    let mut to = BTreeSet::new();
    for (list, kind) in [("Roles", "role"), ("Users", "user"), ("Groups", "group")] {
        let Some(v) = props.get(list) else { continue };
        match atoms(v, Field::Resource) {
            Ok(names) => {
                to.extend(names.into_iter().map(|id| Principal::Of { kind: kind.to_owned(), id }))
            }
            Err(reason) => x.broken(list, v, format!("{list} {reason}")),
        }
    }
    if to.is_empty() {
        let id = Atom::implicit("attached", "the identities it is attached to");
        to.insert(Principal::Of { kind: "identity".to_owned(), id });
    }
    let d = Defaults { principals: Some(to), resource: None };
    match props.get("PolicyDocument") {
        Some(doc) => x.document("permissions", "PolicyDocument", doc, &d),
        None => x.broken("PolicyDocument", &Value::Null, "there is no PolicyDocument"),
    }
}

fn on_resource(x: &mut Extract, props: &Map<String, Value>, targets: &'static str, noun: &str) {
    let what = match targets {
        "Queues" => "now applies to queue {}",
        "Topics" => "now applies to topic {}",
        _ => "now applies to bucket {}",
    };
    x.list(props, targets, Growth::Grows, what);
    let resource = Atom::implicit(noun, &format!("the {noun} it applies to"));
    let d = Defaults { principals: None, resource: Some(resource) };
    match props.get("PolicyDocument") {
        Some(doc) => x.document("policy", "PolicyDocument", doc, &d),
        None => x.broken("PolicyDocument", &Value::Null, "there is no PolicyDocument"),
    }
}

fn bus_policy(x: &mut Extract, props: &Map<String, Value>) {
    let bus = match props.get("EventBusName") {
        None => "default".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => canonical(other),
    };
    let resource = Atom::implicit(&format!("bus {bus}"), &format!("the event bus {bus}"));
    let d = Defaults { principals: None, resource: Some(resource.clone()) };
    let old_form = ["Principal", "Action", "Condition"].iter().any(|k| props.contains_key(*k));
    if let Some(statement) = props.get("Statement") {
        if old_form {
            let raw = Value::Object(props.clone());
            x.broken("Statement", &raw, "both Statement and Principal/Action/Condition are given");
            return;
        }
        let stmts = parsed(statement).and_then(|v| match v {
            Value::Array(items) => items.iter().map(|s| statement_of(s, &d)).collect(),
            other => statement_of(&other, &d).map(|s| vec![s]),
        });
        match stmts {
            Ok(stmts) => x.statements("policy", "Statement", stmts),
            Err(reason) => x.broken("Statement", statement, format!("Statement {reason}")),
        }
    } else if old_form {
        match bus_permission(props, resource) {
            Ok(stmt) => x.statements("policy", "Permission", vec![stmt]),
            Err(reason) => x.broken("Permission", &Value::Object(props.clone()), reason),
        }
    }
}

/// The older form: an account (or `*`) may `events:PutEvents`, optionally if in an organization.
fn bus_permission(props: &Map<String, Value>, bus: Atom) -> Result<Stmt, String> {
    let principal = bare_principal(props.get("Principal").ok_or("the permission has no Principal")?);
    let actions = atoms(props.get("Action").ok_or("the permission has no Action")?, Field::Action)
        .map_err(|r| format!("Action {r}"))?;
    let mut conditions = Conditions::new();
    if let Some(c) = props.get("Condition") {
        let c = c.as_object().ok_or("Condition is not an object")?;
        let op = match c.get("Type") {
            None => "StringEquals".to_owned(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err("Condition Type is not a string".to_owned()),
        };
        let key = match c.get("Key") {
            Some(Value::String(s)) => s.clone(),
            _ => return Err("Condition has no Key string".to_owned()),
        };
        let values = atoms(c.get("Value").ok_or("Condition has no Value")?, value_field(&op))
            .map_err(|r| format!("Condition Value {r}"))?;
        conditions.insert(CondKey { op: normal_op(&op), key: Atom::lit(key.to_lowercase(), &key) }, values);
    }
    Ok(Stmt {
        effect: Effect::Allow,
        principals: Elem::Is(BTreeSet::from([principal])),
        actions: Elem::Is(actions),
        resources: Elem::Is(BTreeSet::from([bus])),
        conditions,
    })
}

/// `AWS::Lambda::Permission`: its properties are one statement, the function its resource.
fn permission(x: &mut Extract, props: &Map<String, Value>) {
    match lambda_statement(props) {
        Ok(stmt) => x.statements("policy", "Permission", vec![stmt]),
        Err(reason) => x.broken("Permission", &Value::Object(props.clone()), reason),
    }
}

fn lambda_statement(props: &Map<String, Value>) -> Result<Stmt, String> {
    let principal = bare_principal(props.get("Principal").ok_or("the permission has no Principal")?);
    let actions = atoms(props.get("Action").ok_or("the permission has no Action")?, Field::Action)
        .map_err(|r| format!("Action {r}"))?;
    let function = atoms(props.get("FunctionName").ok_or("the permission has no FunctionName")?, Field::Resource)
        .map_err(|r| format!("FunctionName {r}"))?;
    let mut conditions = Conditions::new();
    for (prop, op, key) in [
        ("SourceArn", "ArnLike", "aws:SourceArn"),
        ("SourceAccount", "StringEquals", "aws:SourceAccount"),
        ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
        ("FunctionUrlAuthType", "StringEquals", "lambda:FunctionUrlAuthType"),
        ("InvokedViaFunctionUrl", "Bool", "lambda:InvokedViaFunctionUrl"),
        ("EventSourceToken", "StringEquals", "lambda:EventSourceToken"),
    ] {
        let Some(v) = props.get(prop) else { continue };
        let values = atoms(v, Field::Resource).map_err(|r| format!("{prop} {r}"))?;
        conditions.insert(CondKey { op: op.to_owned(), key: Atom::lit(key.to_lowercase(), key) }, values);
    }
    Ok(Stmt {
        effect: Effect::Allow,
        principals: Elem::Is(BTreeSet::from([principal])),
        actions: Elem::Is(actions),
        resources: Elem::Is(function),
        conditions,
    })
}

/// A principal written as one string (Lambda permissions, the older bus policy): `*`, an
/// account ID, an ARN or a service.
fn bare_principal(v: &Value) -> Principal {
    match v {
        Value::String(s) if s == "*" => Principal::Any,
        Value::String(s) if account_of(s).is_some() || s.starts_with("arn:") => {
            Principal::Of { kind: "AWS".to_owned(), id: principal_atom("AWS", s) }
        }
        Value::String(s) if s.contains('.') => {
            Principal::Of { kind: "Service".to_owned(), id: Atom::lit(s.clone(), s) }
        }
        Value::String(s) => Principal::Of { kind: "principal".to_owned(), id: Atom::lit(s.clone(), s) },
        Value::Number(n) => bare_principal(&Value::String(n.to_string())),
        other => Principal::Of { kind: "principal".to_owned(), id: Atom::token(other) },
    }
}

/// A policy document: an object, or its JSON text; `Statement` one statement or a list.
fn document(doc: &Value, d: &Defaults) -> Result<Vec<Stmt>, String> {
    let doc = parsed(doc)?;
    let Some(map) = doc.as_object() else { return Err("is not an object".to_owned()) };
    if let Some(f) = intrinsic(map) {
        return Err(format!("is an intrinsic function ({f}) whose value is known only at deploy time"));
    }
    match map.get("Statement") {
        None => Err("has no Statement".to_owned()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| statement_of(s, d).map_err(|r| format!("Statement[{i}]: {r}")))
            .collect(),
        Some(one @ Value::Object(_)) => statement_of(one, d).map(|s| vec![s]).map_err(|r| format!("Statement: {r}")),
        Some(_) => Err("has a Statement that is neither a statement nor a list".to_owned()),
    }
}

/// A value that may be JSON text (`PolicyDocument` and `Statement` may be strings).
fn parsed(v: &Value) -> Result<Value, String> {
    match v {
        Value::String(text) => serde_json::from_str(text).map_err(|e| format!("is a string that is not JSON ({e})")),
        other => Ok(other.clone()),
    }
}

fn statement_of(v: &Value, d: &Defaults) -> Result<Stmt, String> {
    let Some(s) = v.as_object() else { return Err("is not an object".to_owned()) };
    if let Some(f) = intrinsic(s) {
        return Err(format!("is an intrinsic function ({f}) whose value is known only at deploy time"));
    }
    let effect = match s.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => return Err(format!("Effect {} is neither Allow nor Deny", canonical(other))),
        None => return Err("has no Effect".to_owned()),
    };
    let principals = match (s.get("Principal"), s.get("NotPrincipal"), &d.principals) {
        (Some(_), Some(_), _) => return Err("has both Principal and NotPrincipal".to_owned()),
        (Some(p), None, _) => Elem::Is(principals(p).map_err(|r| format!("Principal {r}"))?),
        (None, Some(p), _) => Elem::Not(principals(p).map_err(|r| format!("NotPrincipal {r}"))?),
        (None, None, Some(default)) => Elem::Is(default.clone()),
        (None, None, None) => return Err("has no Principal".to_owned()),
    };
    let actions = match (s.get("Action"), s.get("NotAction")) {
        (Some(_), Some(_)) => return Err("has both Action and NotAction".to_owned()),
        (Some(a), None) => Elem::Is(atoms(a, Field::Action).map_err(|r| format!("Action {r}"))?),
        (None, Some(a)) => Elem::Not(atoms(a, Field::Action).map_err(|r| format!("NotAction {r}"))?),
        (None, None) => return Err("has neither Action nor NotAction".to_owned()),
    };
    let resources = match (s.get("Resource"), s.get("NotResource"), &d.resource) {
        (Some(_), Some(_), _) => return Err("has both Resource and NotResource".to_owned()),
        (Some(r), None, _) => Elem::Is(atoms(r, Field::Resource).map_err(|e| format!("Resource {e}"))?),
        (None, Some(r), _) => Elem::Not(atoms(r, Field::Resource).map_err(|e| format!("NotResource {e}"))?),
        (None, None, Some(default)) => Elem::Is(BTreeSet::from([default.clone()])),
        (None, None, None) => return Err("has neither Resource nor NotResource".to_owned()),
    };
    let conditions = match s.get("Condition") {
        None => Conditions::new(),
        Some(c) => conditions(c).map_err(|r| format!("Condition {r}"))?,
    };
    Ok(Stmt { effect, principals, actions, resources, conditions })
}

fn principals(v: &Value) -> Result<BTreeSet<Principal>, String> {
    match v {
        Value::String(s) if s == "*" => Ok(BTreeSet::from([Principal::Any])),
        Value::String(_) => Err("is a string other than \"*\"".to_owned()),
        Value::Object(map) if intrinsic(map).is_some() => {
            Ok(BTreeSet::from([Principal::Of { kind: "principal".to_owned(), id: Atom::token(v) }]))
        }
        Value::Object(map) => {
            let mut set = BTreeSet::new();
            for (kind, ids) in map {
                let items = match ids {
                    Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                for id in items {
                    let id = match id {
                        Value::String(s) if s == "*" && kind == "AWS" => {
                            set.insert(Principal::Any);
                            continue;
                        }
                        Value::String(s) => principal_atom(kind, s),
                        Value::Number(n) => principal_atom(kind, &n.to_string()),
                        Value::Null => return Err(format!("{kind} holds null")),
                        other => Atom::token(other),
                    };
                    set.insert(Principal::Of { kind: kind.clone(), id });
                }
            }
            Ok(set)
        }
        _ => Err("is neither \"*\" nor an object".to_owned()),
    }
}

/// An AWS principal's account root is its account ID (`arn:aws:iam::123456789012:root`
/// is `123456789012`).
fn principal_atom(kind: &str, s: &str) -> Atom {
    match account_of(s) {
        Some(account) if kind == "AWS" => Atom::lit(account.to_owned(), s),
        _ => Atom::lit(s.to_owned(), s),
    }
}

fn account_of(s: &str) -> Option<&str> {
    let is_account = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    if is_account(s) {
        return Some(s);
    }
    let rest = s.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let account = rest.strip_prefix("iam::")?.strip_suffix(":root")?;
    is_account(account).then_some(account)
}

fn conditions(v: &Value) -> Result<Conditions, String> {
    let Some(ops) = v.as_object() else { return Err("is not an object".to_owned()) };
    if let Some(f) = intrinsic(ops) {
        return Err(format!("is an intrinsic function ({f}) whose value is known only at deploy time"));
    }
    let mut out = Conditions::new();
    for (op, keys) in ops {
        let Some(keys) = keys.as_object() else { return Err(format!("{op} is not an object")) };
        for (key, values) in keys {
            let values = atoms(values, value_field(op)).map_err(|r| format!("{op} {key} {r}"))?;
            out.insert(CondKey { op: normal_op(op), key: Atom::lit(key.to_lowercase(), key) }, values);
        }
    }
    Ok(out)
}

fn value_field(op: &str) -> Field {
    if op.contains("IgnoreCase") { Field::FoldedValue } else { Field::Resource }
}

/// `ArnEquals` and `ArnLike` are the same operator (both take wildcards, component by component).
fn normal_op(op: &str) -> String {
    op.replace("ArnNotEquals", "ArnNotLike").replace("ArnEquals", "ArnLike")
}

/// The values of an element: a string or a list; any other value (an intrinsic function) is
/// one opaque token. Numbers and booleans are the strings IAM reads them as.
fn atoms(v: &Value, field: Field) -> Result<BTreeSet<Atom>, String> {
    let one = |v: &Value| -> Result<Atom, String> {
        Ok(match v {
            Value::String(s) => match field {
                Field::Action | Field::FoldedValue => Atom::lit(s.to_lowercase(), s),
                Field::Resource => Atom::lit(s.clone(), s),
            },
            Value::Number(_) | Value::Bool(_) => Atom::lit(v.to_string(), &v.to_string()),
            Value::Null => return Err("holds null".to_owned()),
            other => Atom::token(other),
        })
    };
    match v {
        Value::Array(items) => items.iter().map(one).collect(),
        Value::Null => Err("is null".to_owned()),
        other => Ok(BTreeSet::from([one(other)?])),
    }
}

/// The function name when `map` is an intrinsic function (`Ref`, `Fn::...`, `Condition`).
fn intrinsic(map: &Map<String, Value>) -> Option<&str> {
    if map.len() != 1 {
        return None;
    }
    let key = map.keys().next()?;
    (key == "Ref" || key.starts_with("Fn::")).then_some(key.as_str())
}

/// A value's canonical JSON text: keys sorted, no spaces (the text of an opaque token).
pub(super) fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(inner) = map.get(k) {
                    write_canonical(inner, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}
