//! Where each resource type keeps its policies, and what a statement means when it leaves
//! an element out (an identity policy is about what it is attached to, a trust policy about its
//! role). Each side of a resource becomes one [`Extract`].

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::policy::{
    Atom, CondKey, Conditions, Defaults, Effect, Elem, Extract, Field, Growth, Principal, Stmt,
    account_of, atoms, canonical, normal_op, parsed, principal_atom, statement_of, value_field,
};

/// The resource types that hold policies, and where.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    /// A role, user or group: inline `Policies`, `ManagedPolicyArns` (and a role's trust
    /// policy, a role's or user's `PermissionsBoundary`, a user's `Groups`).
    Identity(Identity),
    /// `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`: a document and what it is attached to.
    Attached,
    /// A queue, topic or bucket policy: a document and the resources it applies to.
    OnResource {
        targets: &'static str,
        noun: &'static str,
    },
    /// `AWS::Events::EventBusPolicy`: a `Statement`, or the older `Principal`/`Action`/`Condition`.
    BusPolicy,
    /// `AWS::Events::EventBus`: its inline resource policy (`Policy`), if any.
    Bus,
    /// `AWS::ApiGatewayV2::Route`: who may call it (`AuthorizationType`, its authorizer and
    /// scopes); dropping or replacing any of them lets more callers in.
    Route,
    /// `AWS::Lambda::Permission`: one statement in properties.
    Permission,
    /// `AWS::IAM::UserToGroupAddition`: users added to a group get its policies.
    GroupAddition,
}

impl Kind {
    pub fn of(resource_type: &str) -> Option<Self> {
        Some(match resource_type {
            "AWS::IAM::Role" => Self::Identity(Identity::Role),
            "AWS::IAM::User" => Self::Identity(Identity::User),
            "AWS::IAM::Group" => Self::Identity(Identity::Group),
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => Self::Attached,
            "AWS::SQS::QueuePolicy" => Self::OnResource {
                targets: "Queues",
                noun: "queue",
            },
            "AWS::SNS::TopicPolicy" => Self::OnResource {
                targets: "Topics",
                noun: "topic",
            },
            "AWS::S3::BucketPolicy" => Self::OnResource {
                targets: "Bucket",
                noun: "bucket",
            },
            "AWS::Events::EventBusPolicy" => Self::BusPolicy,
            "AWS::Events::EventBus" => Self::Bus,
            "AWS::ApiGatewayV2::Route" => Self::Route,
            "AWS::Lambda::Permission" => Self::Permission,
            "AWS::IAM::UserToGroupAddition" => Self::GroupAddition,
            _ => return None,
        })
    }
}

/// The IAM identities that hold inline policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Identity {
    Role,
    User,
    Group,
}

impl Identity {
    fn noun(self) -> &'static str {
        match self {
            Self::Role => "role",
            Self::User => "user",
            Self::Group => "group",
        }
    }
}

/// Everything `props` (one side's `Properties`) grants, as a resource of `kind`.
pub(super) fn extract(kind: Kind, props: &Value) -> Extract {
    let mut x = Extract::default();
    let Some(props) = props.as_object() else {
        x.broken("Properties", props, "Properties is not an object");
        return x;
    };
    match kind {
        Kind::Identity(who) => identity(&mut x, props, who),
        Kind::Attached => attached(&mut x, props),
        Kind::OnResource { targets, noun } => on_resource(&mut x, props, targets, noun),
        Kind::BusPolicy => bus_policy(&mut x, props),
        Kind::Bus => {
            // A bus without a policy lets only its own account in: nothing granted.
            if let Some(doc) = props.get("Policy") {
                let d = Defaults {
                    principals: None,
                    resource: Some(Atom::implicit("bus", "the event bus")),
                };
                x.document(("policy", "Policy"), doc, doc, &d);
            }
        }
        Kind::Route => {
            // `NONE` checks no one: a route that leaves it, or the property, checks more.
            let mut props = props.clone();
            if props
                .get("AuthorizationType")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("NONE"))
            {
                props.remove("AuthorizationType");
            }
            let props = &props;
            x.list(
                props,
                "AuthorizationType",
                Growth::Shrinks,
                "authorization {} removed or replaced (the route's callers are checked less, or differently)",
            );
            x.list(
                props,
                "AuthorizerId",
                Growth::Shrinks,
                "authorizer {} no longer checks the route's callers",
            );
            x.list(
                props,
                "AuthorizationScopes",
                Growth::Shrinks,
                "scope {} no longer required of the route's callers",
            );
        }
        Kind::Permission => permission(&mut x, props),
        Kind::GroupAddition => {
            x.list(props, "Users", Growth::Grows, "user {} added to the group");
        }
    }
    x
}

fn identity(x: &mut Extract, props: &Map<String, Value>, who: Identity) {
    let noun = who.noun();
    let me = Principal::Of {
        kind: "identity".to_owned(),
        id: Atom::implicit(noun, &format!("the {noun}")),
    };
    if who == Identity::Role
        && let Some(doc) = props.get("AssumeRolePolicyDocument")
    {
        let d = Defaults {
            principals: None,
            resource: Some(Atom::implicit("role", "the role")),
        };
        x.document(("trust", "AssumeRolePolicyDocument"), doc, doc, &d);
    }
    if let Some(policies) = props.get("Policies") {
        let d = Defaults {
            principals: Some(BTreeSet::from([me])),
            resource: None,
        };
        match policies.as_array() {
            Some(items) => {
                for item in items {
                    inline_policy(x, item, &d);
                }
            }
            None => x.broken("Policies", policies, "Policies is not a list"),
        }
    }
    x.list(
        props,
        "ManagedPolicyArns",
        Growth::Grows,
        "managed policy {} attached",
    );
    if who != Identity::Group {
        x.list(
            props,
            "PermissionsBoundary",
            Growth::Shrinks,
            "permissions boundary {} removed or replaced (a boundary's contents are not compared)",
        );
    }
    if who == Identity::User {
        x.list(
            props,
            "Groups",
            Growth::Grows,
            "added to group {} (its policies are not compared)",
        );
    }
}

fn inline_policy(x: &mut Extract, item: &Value, d: &Defaults) {
    let name = match item.get("PolicyName") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => canonical(other),
        None => {
            x.broken(
                "Policies[?]",
                item,
                "a policy of Policies has no PolicyName",
            );
            return;
        }
    };
    let label = format!("Policies[{name}]");
    match item.get("PolicyDocument") {
        Some(doc) => x.document(("permissions", &label), doc, doc, d),
        None => x.broken(&label, item, format!("{label} has no PolicyDocument")),
    }
}

fn attached(x: &mut Extract, props: &Map<String, Value>) {
    let mut to = BTreeSet::new();
    for (list, kind) in [("Roles", "role"), ("Users", "user"), ("Groups", "group")] {
        let Some(v) = props.get(list) else { continue };
        match atoms(v, Field::Resource) {
            Ok(names) => to.extend(names.into_iter().map(|id| Principal::Of {
                kind: kind.to_owned(),
                id,
            })),
            Err(reason) => x.broken(list, v, format!("{list} {reason}")),
        }
    }
    if to.is_empty() {
        let id = Atom::implicit("attached", "the identities it is attached to");
        to.insert(Principal::Of {
            kind: "identity".to_owned(),
            id,
        });
    }
    let d = Defaults {
        principals: Some(to),
        resource: None,
    };
    match props.get("PolicyDocument") {
        Some(doc) => {
            let raw = Value::Object(props.clone());
            x.document(("permissions", "PolicyDocument"), doc, &raw, &d)
        }
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
    let d = Defaults {
        principals: None,
        resource: Some(resource),
    };
    match props.get("PolicyDocument") {
        Some(doc) => x.document(("policy", "PolicyDocument"), doc, doc, &d),
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
    let d = Defaults {
        principals: None,
        resource: Some(resource.clone()),
    };
    let old_form = ["Principal", "Action", "Condition"]
        .iter()
        .any(|k| props.contains_key(*k));
    if let Some(statement) = props.get("Statement") {
        if old_form {
            let raw = Value::Object(props.clone());
            x.broken(
                "Statement",
                &raw,
                "both Statement and Principal/Action/Condition are given",
            );
            return;
        }
        let stmts = parsed(statement).and_then(|v| match v {
            Value::Array(items) => items.iter().map(|s| statement_of(s, &d)).collect(),
            other => statement_of(&other, &d).map(|s| vec![s]),
        });
        match stmts {
            Ok(stmts) => x.statements("policy", "Statement", stmts),
            Err(reason) => {
                let raw = Value::Object(props.clone());
                x.broken("Statement", &raw, format!("Statement {reason}"))
            }
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
    let principal = bare_principal(
        props
            .get("Principal")
            .ok_or("the permission has no Principal")?,
    );
    let actions = atoms(
        props.get("Action").ok_or("the permission has no Action")?,
        Field::Action,
    )
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
        let values = atoms(
            c.get("Value").ok_or("Condition has no Value")?,
            value_field(&op),
        )
        .map_err(|r| format!("Condition Value {r}"))?;
        conditions.insert(
            CondKey {
                op: normal_op(&op),
                key: Atom::lit(key.to_lowercase(), &key),
            },
            values,
        );
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
    let principal = bare_principal(
        props
            .get("Principal")
            .ok_or("the permission has no Principal")?,
    );
    let actions = atoms(
        props.get("Action").ok_or("the permission has no Action")?,
        Field::Action,
    )
    .map_err(|r| format!("Action {r}"))?;
    let function = atoms(
        props
            .get("FunctionName")
            .ok_or("the permission has no FunctionName")?,
        Field::Resource,
    )
    .map_err(|r| format!("FunctionName {r}"))?;
    let mut conditions = Conditions::new();
    for (prop, op, key) in [
        ("SourceArn", "ArnLike", "aws:SourceArn"),
        ("SourceAccount", "StringEquals", "aws:SourceAccount"),
        ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
        (
            "FunctionUrlAuthType",
            "StringEquals",
            "lambda:FunctionUrlAuthType",
        ),
        (
            "InvokedViaFunctionUrl",
            "Bool",
            "lambda:InvokedViaFunctionUrl",
        ),
        (
            "EventSourceToken",
            "StringEquals",
            "lambda:EventSourceToken",
        ),
    ] {
        let Some(v) = props.get(prop) else { continue };
        let values = atoms(v, Field::Resource).map_err(|r| format!("{prop} {r}"))?;
        conditions.insert(
            CondKey {
                op: op.to_owned(),
                key: Atom::lit(key.to_lowercase(), key),
            },
            values,
        );
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
        Value::String(s) if account_of(s).is_some() || s.starts_with("arn:") => Principal::Of {
            kind: "AWS".to_owned(),
            id: principal_atom("AWS", s),
        },
        Value::String(s) if s.contains('.') => Principal::Of {
            kind: "Service".to_owned(),
            id: Atom::lit(s.clone(), s),
        },
        Value::String(s) => Principal::Of {
            kind: "principal".to_owned(),
            id: Atom::lit(s.clone(), s),
        },
        Value::Number(n) => bare_principal(&Value::String(n.to_string())),
        other => Principal::Of {
            kind: "principal".to_owned(),
            id: Atom::token(other),
        },
    }
}
