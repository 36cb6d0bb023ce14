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
    pub fn lit(norm: String, shown: &str) -> Self {
        Self {
            kind: AtomKind::Lit,
            norm,
            shown: shown.to_owned(),
        }
    }

    pub fn token(v: &Value) -> Self {
        let text = canonical(v);
        Self {
            kind: AtomKind::Token,
            norm: text.clone(),
            shown: text,
        }
    }

    pub fn implicit(norm: &str, shown: &str) -> Self {
        Self {
            kind: AtomKind::Implicit,
            norm: norm.to_owned(),
            shown: shown.to_owned(),
        }
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
    pub fn broken(&mut self, policy: &str, raw: &Value, reason: impl Into<String>) {
        self.broken.insert(Broken {
            policy: policy.to_owned(),
            raw: canonical(raw),
            reason: reason.into(),
        });
    }

    pub fn statements(&mut self, scope: &'static str, policy: &str, stmts: Vec<Stmt>) {
        let located = stmts.into_iter().map(|stmt| Located {
            policy: policy.to_owned(),
            stmt,
        });
        self.scopes.entry(scope).or_default().extend(located);
    }

    /// The statements of `doc`, or a broken policy whose text is `raw`: the document and
    /// whatever else decides what it grants (an `AWS::IAM::Policy`'s attachments), so that a
    /// broken document attached to one more role is a change.
    pub fn document(
        &mut self,
        (scope, policy): (&'static str, &str),
        doc: &Value,
        raw: &Value,
        d: &Defaults,
    ) {
        match document(doc, d) {
            Ok(stmts) => self.statements(scope, policy, stmts),
            Err(reason) => self.broken(policy, raw, format!("{policy} {reason}")),
        }
    }

    pub fn list(
        &mut self,
        props: &Map<String, Value>,
        name: &'static str,
        growth: Growth,
        what: &'static str,
    ) {
        let Some(v) = props.get(name) else { return };
        match atoms(v, Field::Resource) {
            Ok(set) => {
                self.lists.insert(name, (growth, what, set));
            }
            Err(reason) => self.broken(name, v, format!("{name} {reason}")),
        }
    }
}

/// What a statement means when it leaves an element out.
#[derive(Debug, Default)]
pub(super) struct Defaults {
    /// Identity policies have no `Principal`: they are about what they are attached to.
    pub principals: Option<BTreeSet<Principal>>,
    /// A trust policy is about its role, a resource policy may be about its resource.
    pub resource: Option<Atom>,
}

/// A policy document: an object, or its JSON text; `Statement` one statement or a list.
pub(super) fn document(doc: &Value, d: &Defaults) -> Result<Vec<Stmt>, String> {
    let doc = parsed(doc)?;
    let Some(map) = doc.as_object() else {
        return Err("is not an object".to_owned());
    };
    if let Some(f) = intrinsic(map) {
        return Err(format!(
            "is an intrinsic function ({f}) whose value is known only at deploy time"
        ));
    }
    match map.get("Statement") {
        None => Err("has no Statement".to_owned()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| statement_of(s, d).map_err(|r| format!("Statement[{i}]: {r}")))
            .collect(),
        Some(one @ Value::Object(_)) => statement_of(one, d)
            .map(|s| vec![s])
            .map_err(|r| format!("Statement: {r}")),
        Some(_) => Err("has a Statement that is neither a statement nor a list".to_owned()),
    }
}

/// A value that may be JSON text (`PolicyDocument` and `Statement` may be strings).
pub(super) fn parsed(v: &Value) -> Result<Value, String> {
    match v {
        Value::String(text) => {
            serde_json::from_str(text).map_err(|e| format!("is a string that is not JSON ({e})"))
        }
        other => Ok(other.clone()),
    }
}

pub(super) fn statement_of(v: &Value, d: &Defaults) -> Result<Stmt, String> {
    let Some(s) = v.as_object() else {
        return Err("is not an object".to_owned());
    };
    if let Some(f) = intrinsic(s) {
        return Err(format!(
            "is an intrinsic function ({f}) whose value is known only at deploy time"
        ));
    }
    let effect = match s.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(format!(
                "Effect {} is neither Allow nor Deny",
                canonical(other)
            ));
        }
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
        (None, Some(a)) => {
            Elem::Not(atoms(a, Field::Action).map_err(|r| format!("NotAction {r}"))?)
        }
        (None, None) => return Err("has neither Action nor NotAction".to_owned()),
    };
    let resources = match (s.get("Resource"), s.get("NotResource"), &d.resource) {
        (Some(_), Some(_), _) => return Err("has both Resource and NotResource".to_owned()),
        (Some(r), None, _) => {
            Elem::Is(atoms(r, Field::Resource).map_err(|e| format!("Resource {e}"))?)
        }
        (None, Some(r), _) => {
            Elem::Not(atoms(r, Field::Resource).map_err(|e| format!("NotResource {e}"))?)
        }
        (None, None, Some(default)) => Elem::Is(BTreeSet::from([default.clone()])),
        (None, None, None) => return Err("has neither Resource nor NotResource".to_owned()),
    };
    let conditions = match s.get("Condition") {
        None => Conditions::new(),
        Some(c) => conditions(c).map_err(|r| format!("Condition {r}"))?,
    };
    Ok(Stmt {
        effect,
        principals,
        actions,
        resources,
        conditions,
    })
}

fn principals(v: &Value) -> Result<BTreeSet<Principal>, String> {
    match v {
        Value::String(s) if s == "*" => Ok(BTreeSet::from([Principal::Any])),
        Value::String(_) => Err("is a string other than \"*\"".to_owned()),
        Value::Object(map) if intrinsic(map).is_some() => Ok(BTreeSet::from([Principal::Of {
            kind: "principal".to_owned(),
            id: Atom::token(v),
        }])),
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
                    set.insert(Principal::Of {
                        kind: kind.clone(),
                        id,
                    });
                }
            }
            Ok(set)
        }
        _ => Err("is neither \"*\" nor an object".to_owned()),
    }
}

/// An AWS principal's account root is its account ID (`arn:aws:iam::123456789012:root`
/// is `123456789012`).
pub(super) fn principal_atom(kind: &str, s: &str) -> Atom {
    match account_of(s) {
        Some(account) if kind == "AWS" => Atom::lit(account.to_owned(), s),
        _ => Atom::lit(s.to_owned(), s),
    }
}

pub(super) fn account_of(s: &str) -> Option<&str> {
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
    let Some(ops) = v.as_object() else {
        return Err("is not an object".to_owned());
    };
    if let Some(f) = intrinsic(ops) {
        return Err(format!(
            "is an intrinsic function ({f}) whose value is known only at deploy time"
        ));
    }
    let mut out = Conditions::new();
    for (op, keys) in ops {
        let Some(keys) = keys.as_object() else {
            return Err(format!("{op} is not an object"));
        };
        for (key, values) in keys {
            let values = atoms(values, value_field(op)).map_err(|r| format!("{op} {key} {r}"))?;
            let clause = CondKey {
                op: normal_op(op),
                key: Atom::lit(key.to_lowercase(), key),
            };
            // Both must hold; keeping one would read the block as weaker than it is.
            if out.insert(clause, values).is_some() {
                return Err(format!(
                    "has {key} twice under {op} (keys differ only in case, or ArnEquals and ArnLike)"
                ));
            }
        }
    }
    Ok(out)
}

pub(super) fn value_field(op: &str) -> Field {
    if op.contains("IgnoreCase") {
        Field::FoldedValue
    } else {
        Field::Resource
    }
}

/// `ArnEquals` and `ArnLike` are the same operator (both take wildcards, component by component).
pub(super) fn normal_op(op: &str) -> String {
    op.replace("ArnNotEquals", "ArnNotLike")
        .replace("ArnEquals", "ArnLike")
}

/// The values of an element: a string or a list; any other value (an intrinsic function) is
/// one opaque token. Numbers and booleans are the strings IAM reads them as.
pub(super) fn atoms(v: &Value, field: Field) -> Result<BTreeSet<Atom>, String> {
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
