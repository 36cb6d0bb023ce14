//! Spec and schema agree (`schema/app.schema.json` and the loader): every form the schema
//! documents loads from YAML and from JSON to the same spec, and a value one of them refuses the
//! other refuses too, except for rules across fields, which the schema's descriptions name.

use serde_json::{Value, json};

use crate::common::root;

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("schema/app.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A small app that synthesizes without a finding: each case changes one value of it.
fn base() -> Value {
    json!({
        "stacks": {"S": {
            "env": {},
            "topics": {"Alerts": {}},
            "functions": {
                "Api": {"handler": "create-reservation"},
                "Notify": {"handler": "notify-staff"}
            },
            "streamToBus": {"O": {
                "table": {"partitionKey": {"name": "id"}},
                "publisher": {"handler": "stream-publisher"},
                "writers": [{"function": "Api"}]
            }},
            "httpApis": {"Http": {
                "authorizers": {"Users": {"jwt": {
                    "issuer": "https://login.example.com",
                    "audience": ["app"]
                }}},
                "cors": {"allowOrigins": ["https://app.example.com"]},
                "routes": [{"method": "POST", "path": "/r", "function": "Api", "auth": {"jwt": "Users"}}]
            }},
            "rules": {"R": {
                "bus": "O",
                "pattern": {"source": ["orders"]},
                "targets": [{"function": "Notify"}]
            }}
        }}
    })
}

/// `base()` with `value` at `path` (`/`-separated; a key that holds a `/` is written `~1`); the
/// maps on the way are made where the base has none.
fn with(path: &str, value: Value) -> Value {
    set(base(), path, value)
}

/// `app` with `value` at `path`, as [`with`] places it.
fn set(mut app: Value, path: &str, value: Value) -> Value {
    let mut at = &mut app;
    for key in path[1..].split('/').map(|s| s.replace("~1", "/")) {
        at = match at {
            Value::Array(list) => &mut list[key.parse::<usize>().unwrap()],
            Value::Object(map) => map.entry(key).or_insert_with(|| json!({})),
            other => panic!("{path}: {other}"),
        };
    }
    *at = value;
    app
}

/// Where an instance of each `$defs` type goes in [`base`].
const PLACES: &[(&str, &str)] = &[
    ("StackSpec", "/stacks/S"),
    ("StageSpec", "/stages/dev"),
    ("StageOverrides", "/stages/dev/overrides"),
    ("Environment", "/stacks/S/env"),
    ("AccountId", "/stacks/S/env/account"),
    ("Region", "/stacks/S/env/region"),
    ("LogicalId", "/stacks/S/logicalIdOverrides"),
    ("TopicSpec", "/stacks/S/topics/Alerts"),
    ("QueueSpec", "/stacks/S/queues/Work"),
    ("EmailAddress", "/stacks/S/topics/Alerts/emailSubscriptions"),
    ("FunctionProps", "/stacks/S/functions/Notify"),
    ("HandlerRef", "/stacks/S/functions/Notify/handler"),
    ("SesIdentity", "/stacks/S/functions/Notify/sendEmailFrom"),
    ("Architecture", "/stacks/S/functions/Notify/architecture"),
    ("Suppression", "/stacks/S/functions/Notify/suppress"),
    ("StreamToBusSpec", "/stacks/S/streamToBus/O"),
    ("TableProps", "/stacks/S/streamToBus/O/table"),
    ("Attribute", "/stacks/S/streamToBus/O/table/partitionKey"),
    (
        "AttributeType",
        "/stacks/S/streamToBus/O/table/partitionKey/type",
    ),
    ("Billing", "/stacks/S/streamToBus/O/table/billing"),
    ("StreamViewType", "/stacks/S/streamToBus/O/table/stream"),
    ("StreamSourceProps", "/stacks/S/streamToBus/O/stream"),
    (
        "StartingPosition",
        "/stacks/S/streamToBus/O/stream/startingPosition",
    ),
    ("Retries", "/stacks/S/streamToBus/O/stream/retries"),
    ("RecordAge", "/stacks/S/streamToBus/O/stream/maxRecordAge"),
    ("FailureDestination", "/stacks/S/streamToBus/O/onFailure"),
    ("QueueProps", "/stacks/S/streamToBus/O/deadLetterQueue"),
    ("BucketProps", "/stacks/S/streamToBus/O/failedBatches"),
    ("WriterSpec", "/stacks/S/streamToBus/O/writers/0"),
    ("WriterAccess", "/stacks/S/streamToBus/O/writers/0"),
    ("TableAccess", "/stacks/S/streamToBus/O/writers/0/access"),
    ("EventBusProps", "/stacks/S/streamToBus/O/bus"),
    ("BusSpec", "/stacks/S/streamToBus/O/bus"),
    (
        "OrganizationId",
        "/stacks/S/streamToBus/O/bus/allowOrganization",
    ),
    ("AlarmOptions", "/stacks/S/streamToBus/O/alarms"),
    ("HttpApiSpec", "/stacks/S/httpApis/Http"),
    ("Throttling", "/stacks/S/httpApis/Http/throttling"),
    ("ApiAlarmOptions", "/stacks/S/httpApis/Http/alarms"),
    ("RouteSpec", "/stacks/S/httpApis/Http/routes/0"),
    ("HttpMethod", "/stacks/S/httpApis/Http/routes/0/method"),
    ("RoutePath", "/stacks/S/httpApis/Http/routes/0/path"),
    ("RouteAuth", "/stacks/S/httpApis/Http/routes/0/auth"),
    ("JwtRouteAuth", "/stacks/S/httpApis/Http/routes/0/auth"),
    ("Scope", "/stacks/S/httpApis/Http/routes/0/auth/scopes"),
    (
        "AuthorizerSpec",
        "/stacks/S/httpApis/Http/authorizers/Users",
    ),
    (
        "JwtAuthorizerProps",
        "/stacks/S/httpApis/Http/authorizers/Users/jwt",
    ),
    (
        "Issuer",
        "/stacks/S/httpApis/Http/authorizers/Users/jwt/issuer",
    ),
    (
        "IdentitySource",
        "/stacks/S/httpApis/Http/authorizers/Users/jwt/identitySource",
    ),
    ("Cors", "/stacks/S/httpApis/Http/cors"),
    ("CorsMethod", "/stacks/S/httpApis/Http/cors/allowMethods"),
    ("RuleSpec", "/stacks/S/rules/R"),
    ("EventPattern", "/stacks/S/rules/R/pattern"),
    ("Matcher", "/stacks/S/rules/R/pattern/detail"),
    ("PatternFields", "/stacks/S/rules/R/pattern/detail"),
    ("PatternValues", "/stacks/S/rules/R/pattern/source"),
    ("PatternValue", "/stacks/S/rules/R/pattern/source"),
    ("PatternOperator", "/stacks/S/rules/R/pattern/source"),
    ("TargetSpec", "/stacks/S/rules/R/targets/0"),
    ("TargetRetry", "/stacks/S/rules/R/targets/0/retry"),
];

/// Instances of every `$defs` type, and of each of its variants, as the value at its place.
/// Some places hold a map or a list around the type (`logicalIdOverrides`, `suppress`, `detail`).
fn instances() -> Vec<(&'static str, Value)> {
    let reason = "a reason reviewers can read";
    vec![
        ("StageSpec", json!({})),
        (
            "StageSpec",
            json!({
                "env": {"account": "123456789012", "region": "eu-west-1"},
                "tags": {"stage": "dev"},
                "permissionsBoundary": "developer-boundary",
                "namePrefix": "dev",
                "overrides": {"stacks": {"S": {"functions": {"Api": {"memorySize": 512}}}}}
            }),
        ),
        ("StageOverrides", json!({})),
        (
            "StageOverrides",
            json!({"stacks": {"S": {"topics": {"Alerts": {"emailSubscriptions": ["dev@example.com"]}}}}}),
        ),
        ("StackSpec", json!({})),
        (
            "StackSpec",
            json!({
                "env": {"account": "123456789012", "region": "eu-west-1"},
                "description": "Everything",
                "terminationProtection": true,
                "tags": {"team": "orders"},
                "permissionsBoundary": "org-boundary",
                "namePrefix": "acme",
                "logicalIdOverrides": {"O/Table/Resource": "OrdersTable"},
                "topics": {"T": {}},
                "queues": {"W": {}},
                "functions": {"F": {"handler": "notify-staff"}},
                "streamToBus": {"P": {
                    "table": {"partitionKey": {"name": "id"}},
                    "publisher": {"handler": "stream-publisher"}
                }},
                "httpApis": {"H": {"routes": []}},
                "buses": {"B": {"allowAccounts": ["111111111111"]}},
                "rules": {"Q": {
                    "bus": "P",
                    "pattern": {"source": ["orders"]},
                    "targets": [{"function": "F"}]
                }}
            }),
        ),
        ("Environment", json!({})),
        (
            "Environment",
            json!({"account": "123456789012", "region": "us-gov-west-1"}),
        ),
        ("Environment", json!({"account": null, "region": null})),
        ("AccountId", json!("012345678901")),
        ("AccountId", json!(123_456_789_012_u64)),
        ("Region", json!("eu-west-1")),
        ("Region", json!("eusc-de-east-1")),
        ("Region", json!("us-isob-east-1")),
        ("LogicalId", json!({"O/Table/Resource": "OrdersTable"})),
        ("TopicSpec", json!({})),
        ("QueueSpec", json!({})),
        (
            "QueueSpec",
            json!({"retentionSeconds": 86_400, "visibilityTimeoutSeconds": 60, "maximumMessageSize": 2048, "tags": {"team": "orders"}}),
        ),
        (
            "TopicSpec",
            json!({"displayName": "Alerts", "emailSubscriptions": ["ops@example.com"], "tags": {"pager": "yes"}}),
        ),
        ("FunctionProps", json!({"handler": "notify-staff"})),
        (
            "FunctionProps",
            json!({
                "handler": "notify-staff/notify-staff",
                "code": null,
                "architecture": "x86_64",
                "memorySize": 512,
                "timeoutSeconds": 30,
                "environment": {"MODE": "live", "PORT": 8080, "DEBUG": false, "EMPTY": ""},
                "logRetentionDays": 14,
                "tracing": true,
                "reservedConcurrency": 5,
                "description": "Sends mail",
                "sendEmailFrom": ["example.com"],
                "sesSandboxRecipients": ["staff@example.com"],
                "suppress": [{"rule": "CKV_AWS_117", "reason": reason}],
                "tags": {"owner": "mail-team", "reviewed": ""}
            }),
        ),
        (
            "FunctionProps",
            json!({"code": "../tests/synth/fixtures/bootstrap.zip"}),
        ),
        (
            "EmailAddress",
            json!(["ops@example.com", "first.last+tag@mail.example.co.uk"]),
        ),
        ("SesIdentity", json!(["example.com", "sender@example.com"])),
        ("RoutePath", json!("/")),
        ("RoutePath", json!("/r/{id}/items/{proxy+}")),
        ("HandlerRef", json!("notify-staff")),
        ("HandlerRef", json!("notify-staff/notify-staff")),
        ("Architecture", json!("x86_64")),
        ("Architecture", json!("arm64")),
        (
            "Suppression",
            json!([{"rule": "CKV_AWS_116", "reason": reason}]),
        ),
        (
            "StreamToBusSpec",
            json!({
                "table": {"partitionKey": {"name": "id"}},
                "publisher": {"handler": "stream-publisher"}
            }),
        ),
        (
            "StreamToBusSpec",
            json!({
                "table": {"partitionKey": {"name": "id"}},
                "publisher": {"handler": "stream-publisher"},
                "stream": {},
                "onFailure": "bucket",
                "deadLetterQueue": {},
                "failedBatches": {},
                "bus": {},
                "alarms": {},
                "alertTopic": "Alerts",
                "writers": ["Api"],
                "events": null,
                "suppress": [{"rule": "iam-wildcard", "reason": reason}],
                "tags": {"data": "personal"}
            }),
        ),
        ("BucketProps", json!({})),
        ("BucketProps", json!({"expireAfterDays": 30})),
        ("WriterSpec", json!("Api")),
        ("WriterSpec", json!({"function": "Api", "access": "write"})),
        ("WriterAccess", json!({"function": "Api"})),
        (
            "WriterAccess",
            json!({"function": "Api", "access": "readWrite"}),
        ),
        ("TableAccess", json!("create")),
        ("TableAccess", json!("write")),
        ("TableAccess", json!("readWrite")),
        ("TableProps", json!({"partitionKey": {"name": "id"}})),
        (
            "TableProps",
            json!({
                "partitionKey": {"name": "id", "type": "S"},
                "sortKey": {"name": "at", "type": "N"},
                "billing": "onDemand",
                "stream": "NEW_AND_OLD_IMAGES",
                "pointInTimeRecovery": false,
                "timeToLiveAttribute": "expiresAt",
                "deletionProtection": false
            }),
        ),
        ("Attribute", json!({"name": "id"})),
        ("Attribute", json!({"name": "id", "type": "B"})),
        ("AttributeType", json!("S")),
        ("AttributeType", json!("N")),
        ("AttributeType", json!("B")),
        ("Billing", json!("onDemand")),
        ("Billing", json!({"provisioned": {"read": 5, "write": 5}})),
        ("StreamViewType", json!("NEW_AND_OLD_IMAGES")),
        ("StreamViewType", json!("NEW_IMAGE")),
        ("StreamViewType", json!("OLD_IMAGE")),
        ("StreamViewType", json!("KEYS_ONLY")),
        ("StreamSourceProps", json!({})),
        (
            "StreamSourceProps",
            json!({
                "startingPosition": "LATEST",
                "batchSize": 10,
                "maxBatchingWindowSeconds": 5,
                "retries": 2,
                "maxRecordAge": 600,
                "bisectOnError": true,
                "parallelizationFactor": 2,
                "tumblingWindowSeconds": 60,
                "reportBatchItemFailures": false,
                "filters": [{"eventName": ["INSERT"]}],
                "enabled": false,
                "suppress": [{"rule": "TRB002", "reason": reason}]
            }),
        ),
        ("StartingPosition", json!("TRIM_HORIZON")),
        ("StartingPosition", json!("LATEST")),
        ("Retries", json!(3)),
        ("Retries", json!("infinite")),
        ("RecordAge", json!(3600)),
        ("RecordAge", json!("unlimited")),
        ("FailureDestination", json!("bucket")),
        ("FailureDestination", json!("queue")),
        ("FailureDestination", json!("none")),
        ("QueueProps", json!({})),
        (
            "QueueProps",
            json!({"retentionSeconds": 1_209_600, "visibilityTimeoutSeconds": 60, "maximumMessageSize": 2048}),
        ),
        ("EventBusProps", json!({})),
        (
            "EventBusProps",
            json!({"name": "orders/events", "archiveRetentionDays": null, "description": "Orders"}),
        ),
        (
            "EventBusProps",
            json!({"archiveRetentionDays": 7, "archivePattern": {"source": ["orders"]}}),
        ),
        (
            "EventBusProps",
            json!({"allowAccounts": ["111111111111", 222222222222_u64], "allowOrganization": "o-a1b2c3d4e5", "tags": {"team": "platform"}}),
        ),
        ("OrganizationId", json!("o-abcdefghij0123456789")),
        ("BusSpec", json!("Central")),
        ("BusSpec", json!({})),
        ("AlarmOptions", json!({})),
        (
            "AlarmOptions",
            json!({"iteratorAgeSeconds": 60, "emails": ["ops@example.com"]}),
        ),
        ("HttpApiSpec", json!({"routes": []})),
        (
            "HttpApiSpec",
            json!({
                "throttling": {},
                "accessLogRetentionDays": 7,
                "description": "Public API",
                "alarms": {},
                "alertTopic": "Alerts",
                "authorizers": {"Users": {"jwt": {"issuer": "https://login.example.com", "audience": ["app"]}}},
                "defaultAuth": {"jwt": "Users"},
                "cors": {"allowOrigins": ["*"]},
                "routes": [{"method": "GET", "path": "/r/{id}", "function": "Api"}],
                "suppress": [{"rule": "CKV_AWS_76", "reason": reason}],
                "tags": {"exposure": "public"}
            }),
        ),
        ("ApiAlarmOptions", json!({})),
        ("ApiAlarmOptions", json!({"emails": ["ops@example.com"]})),
        ("RouteAuth", json!("iam")),
        ("RouteAuth", json!("none")),
        ("RouteAuth", json!({"jwt": "Users"})),
        ("JwtRouteAuth", json!({"jwt": "Users"})),
        (
            "JwtRouteAuth",
            json!({"jwt": "Users", "scopes": ["orders/write", "email"]}),
        ),
        (
            "Scope",
            json!(["orders/write", "aws.cognito.signin.user.admin"]),
        ),
        (
            "AuthorizerSpec",
            json!({"jwt": {"issuer": "https://login.example.com", "audience": ["app"]}}),
        ),
        (
            "JwtAuthorizerProps",
            json!({"issuer": "https://login.example.com", "audience": ["app"]}),
        ),
        (
            "JwtAuthorizerProps",
            json!({
                "issuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12",
                "audience": ["app", "other-app"],
                "identitySource": "$request.querystring.token"
            }),
        ),
        ("Issuer", json!("https://login.example.com/tenant/v2.0")),
        ("IdentitySource", json!("$request.header.X-Token")),
        ("Cors", json!({"allowOrigins": ["*"]})),
        (
            "Cors",
            json!({
                "allowOrigins": ["https://app.example.com", "http://localhost:3000"],
                "allowMethods": ["GET", "POST"],
                "allowHeaders": ["authorization", "content-type"],
                "exposeHeaders": ["x-request-id"],
                "maxAgeSeconds": 300,
                "allowCredentials": true
            }),
        ),
        (
            "CorsMethod",
            json!([
                "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"
            ]),
        ),
        ("Throttling", json!({})),
        ("Throttling", json!({"burstLimit": 10, "rateLimit": 5})),
        (
            "RouteSpec",
            json!({"method": "ANY", "path": "/{proxy+}", "function": "Api"}),
        ),
        (
            "RouteSpec",
            json!({"method": "GET", "path": "/r", "function": "Api", "auth": "iam"}),
        ),
        ("HttpMethod", json!("GET")),
        ("HttpMethod", json!("POST")),
        ("HttpMethod", json!("PUT")),
        ("HttpMethod", json!("PATCH")),
        ("HttpMethod", json!("DELETE")),
        ("HttpMethod", json!("ANY")),
        (
            "RuleSpec",
            json!({"bus": "O", "pattern": {"source": ["orders"]}, "targets": [{"function": "Notify"}]}),
        ),
        (
            "RuleSpec",
            json!({
                "bus": "S/O",
                "alertTopic": "Alerts",
                "pattern": {"source": ["orders"]},
                "description": "Staff mail",
                "enabled": false,
                "targets": [{"function": "Notify"}],
                "suppress": [{"rule": "TRB011", "reason": reason}],
                "tags": {"owner": "staff-team"}
            }),
        ),
        (
            "EventPattern",
            json!({"$or": [{"source": ["orders"]}, {"detailType": ["OrderCreated"]}]}),
        ),
        (
            "EventPattern",
            json!({"source": ["orders"], "detailType": ["OrderCreated"], "detail": {"size": ["L"]}}),
        ),
        ("Matcher", json!({"size": ["L", "XL"]})),
        ("Matcher", json!({"guest": {"vip": [true]}})),
        ("PatternFields", json!({"size": ["L"]})),
        (
            "PatternFields",
            json!({"$or": [{"size": ["L"]}, {"guest": {"vip": [true]}}]}),
        ),
        ("PatternValues", json!(["orders"])),
        ("PatternValue", json!(["orders", {"prefix": "ord"}])),
        (
            "PatternOperator",
            json!([
                {"prefix": "ord"},
                {"prefix": {"equals-ignore-case": "ORD"}},
                {"suffix": "ers"},
                {"equals-ignore-case": "Orders"},
                {"wildcard": "or*s"},
                {"anything-but": ["refunds", "returns"]},
                {"numeric": [">", 0, "<=", 5]},
                {"exists": true},
                {"cidr": "10.0.0.0/24"}
            ]),
        ),
        ("TargetSpec", json!({"function": "Notify"})),
        ("TargetSpec", json!({"function": "Notify", "retry": {}})),
        (
            "TargetSpec",
            json!({"queue": "Work", "retry": {"maxAttempts": 3}}),
        ),
        (
            "TargetSpec",
            json!({"bus": "arn:aws:events:eu-west-1:111111111111:event-bus/partner"}),
        ),
        ("TargetRetry", json!({})),
        (
            "TargetRetry",
            json!({"maxAttempts": 3, "maxEventAgeSeconds": 3600}),
        ),
    ]
}

/// Writes `value` as block YAML, with plain scalars wherever YAML reads them as the same string.
fn yaml(value: &Value) -> String {
    fn scalar(v: &Value) -> String {
        match v {
            Value::Object(m) if m.is_empty() => "{}".to_owned(),
            Value::Array(a) if a.is_empty() => "[]".to_owned(),
            Value::String(s) => {
                let keyword = matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "null" | "~" | "y" | "n" | "yes" | "no" | "on" | "off"
                );
                let plain = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_./-@+{}".contains(c))
                    && !s.contains('{');
                if plain && !keyword {
                    s.clone()
                } else {
                    serde_json::to_string(s).unwrap()
                }
            }
            other => other.to_string(),
        }
    }
    fn block(v: &Value, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        let entries: Vec<(String, &Value)> = match v {
            Value::Object(m) => m
                .iter()
                .map(|(k, v)| (format!("{}:", scalar(&json!(k))), v))
                .collect(),
            Value::Array(a) => a.iter().map(|v| ("-".to_owned(), v)).collect(),
            _ => unreachable!(),
        };
        for (lead, v) in entries {
            let nested = match v {
                Value::Object(m) => !m.is_empty(),
                Value::Array(a) => !a.is_empty(),
                _ => false,
            };
            if nested {
                out.push_str(&format!("{pad}{lead}\n"));
                block(v, indent + 2, out);
            } else {
                out.push_str(&format!("{pad}{lead} {}\n", scalar(v)));
            }
        }
    }
    let mut out = String::new();
    block(value, 0, &mut out);
    out
}

/// Loads `app` from its JSON and from its YAML text: both must agree, and give the spec.
fn load_both(app: &Value) -> Result<tributary::spec::AppSpec, String> {
    let from_json = tributary::spec::parse(
        &root().join("app.json"),
        &serde_json::to_string_pretty(app).unwrap(),
    );
    let yaml = yaml(app);
    let from_yaml = tributary::spec::parse(&root().join("app.yaml"), &yaml);
    match (from_json, from_yaml) {
        (Ok(j), Ok(y)) => {
            assert_eq!(j, y, "JSON and YAML load differently:\n{yaml}");
            Ok(j)
        }
        (Err(j), Err(_)) => Err(j.to_string()),
        (j, y) => panic!(
            "JSON and YAML disagree:\nJSON: {:?}\nYAML: {:?}\n{yaml}",
            j.err().map(|e| e.to_string()),
            y.err().map(|e| e.to_string())
        ),
    }
}

/// The loader's verdict on `app`: `Ok`, or every error of loading and synthesizing it.
fn loader(app: &Value) -> Result<(), String> {
    let spec = load_both(app)?;
    match tributary::spec::build(&spec, &root()).synth() {
        Ok(_) => Ok(()),
        Err(d) => Err(d
            .errors()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// The schema's verdict on `app`: `Ok`, or its first few errors.
fn schema_verdict(validator: &jsonschema::Validator, app: &Value) -> Result<(), String> {
    let errors: Vec<String> = validator
        .iter_errors(app)
        .take(3)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

#[test]
fn the_base_app_is_valid_to_both() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    assert_eq!(schema_verdict(&validator, &base()), Ok(()));
    assert_eq!(loader(&base()), Ok(()));
}

/// The variants of a `$defs` entry: `oneOf`/`anyOf` members, else the entry itself.
fn variants(def: &Value) -> Vec<Value> {
    for key in ["oneOf", "anyOf"] {
        if let Some(list) = def[key].as_array() {
            return list.clone();
        }
    }
    vec![def.clone()]
}

#[test]
fn every_type_and_variant_of_the_schema_has_an_instance() {
    let schema = schema();
    let defs = schema["$defs"].as_object().unwrap();
    let instances = instances();
    let mut missing = Vec::new();
    for (name, def) in defs {
        if !PLACES.iter().any(|(n, _)| n == name) {
            missing.push(format!("{name}: no place in PLACES"));
        }
        let of_type: Vec<&Value> = instances
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect();
        // The instance at a place that holds the type inside a map or a list.
        let inner = |v: &Value| -> Vec<Value> {
            match name.as_str() {
                "LogicalId" | "Matcher" => v.as_object().unwrap().values().cloned().collect(),
                "Suppression" | "EmailAddress" | "SesIdentity" | "PatternValue"
                | "PatternOperator" | "Scope" | "CorsMethod" => v.as_array().unwrap().clone(),
                _ => vec![v.clone()],
            }
        };
        for (i, variant) in variants(def).iter().enumerate() {
            let mut variant = variant.clone();
            variant["$defs"] = schema["$defs"].clone();
            let validator = jsonschema::validator_for(&variant).unwrap();
            let values: Vec<&Value> = variant["enum"].as_array().into_iter().flatten().collect();
            let covered = if values.is_empty() {
                of_type
                    .iter()
                    .flat_map(|v| inner(v))
                    .any(|v| validator.is_valid(&v))
            } else {
                values
                    .iter()
                    .all(|e| of_type.iter().flat_map(|v| inner(v)).any(|v| v == **e))
            };
            if !covered {
                missing.push(format!("{name}: no instance of variant {i}"));
            }
            // Every property of an object type is set by some instance.
            for property in variant["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                let set = of_type
                    .iter()
                    .flat_map(|v| inner(v))
                    .any(|v| v.get(property).is_some());
                if !set {
                    missing.push(format!("{name}: no instance sets `{property}`"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_instance_loads_from_yaml_and_json_alike_and_is_valid_to_the_schema() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let place = |name: &str| PLACES.iter().find(|(n, _)| *n == name).unwrap().1;
    let mut failures = Vec::new();
    for (name, instance) in instances() {
        let app = with(place(name), instance.clone());
        if let Err(e) = schema_verdict(&validator, &app) {
            failures.push(format!("{name} {instance}: the schema refuses it: {e}"));
        }
        if let Err(e) = load_both(&app) {
            failures.push(format!("{name} {instance}: the loader refuses it: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One value at one place, and what both must say of it.
struct Case {
    path: &'static str,
    value: Value,
    /// `None`: both accept it. `Some(words)`: both refuse it, the loader with these words.
    refused: Option<&'static str>,
}

fn ok(path: &'static str, value: Value) -> Case {
    Case {
        path,
        value,
        refused: None,
    }
}

fn no(path: &'static str, value: Value, words: &'static str) -> Case {
    Case {
        path,
        value,
        refused: Some(words),
    }
}

const ENV: &str = "/stacks/S/env";
const FUNCTION: &str = "/stacks/S/functions/Notify";
const PATTERN: &str = "/stacks/S/streamToBus/O";
const STREAM: &str = "/stacks/S/streamToBus/O/stream";
const TABLE: &str = "/stacks/S/streamToBus/O/table";

/// The pattern of [`base`] with an on-failure queue of these settings (the queue exists only then).
fn queue(settings: Value) -> Value {
    json!({
        "table": {"partitionKey": {"name": "id"}},
        "publisher": {"handler": "stream-publisher"},
        "writers": ["Api"],
        "onFailure": "queue",
        "deadLetterQueue": settings
    })
}

/// Values at the edges of what the loader and the schema take: both must give one verdict.
fn cases() -> Vec<Case> {
    let reason = "a reason reviewers can read";
    vec![
        ok("/stacks/S/env/region", json!("eusc-de-east-1")),
        ok("/stacks/S/env/region", json!("us-east-99")),
        ok("/stacks/S/env/region", json!("cn-northwest-1")),
        no(
            "/stacks/S/env/region",
            json!("eu-west"),
            "is not a region name",
        ),
        no(
            "/stacks/S/env/region",
            json!("EU-west-1"),
            "is not a region name",
        ),
        no(
            "/stacks/S/env/region",
            json!("eu-west-100"),
            "is not a region name",
        ),
        no("/stacks/S/env/region", json!(1), "expected a string"),
        ok("/stacks/S/env/account", json!(123_456_789_012_u64)),
        ok("/stacks/S/env/account", json!("012345678901")),
        no(
            "/stacks/S/env/account",
            json!(12_345_678_901_u64),
            "quote it",
        ),
        no(
            "/stacks/S/env/account",
            json!("12345678901a"),
            "is not a 12-digit",
        ),
        no(
            "/stacks/S/env/account",
            json!(1.5),
            "expected a 12-digit AWS account ID",
        ),
        no(
            ENV,
            json!({"acount": "123456789012"}),
            "unknown field `acount`",
        ),
        ok(
            "/stacks/S/functions/Notify/environment",
            json!({"PORT": 8080, "ON": true, "XX": "1.10"}),
        ),
        ok(
            "/stacks/S/functions/Notify/environment",
            json!({"BIG": 8080.0}),
        ),
        no(
            "/stacks/S/functions/Notify/environment",
            json!({"VAL": 1.5}),
            "quote the value",
        ),
        no(
            "/stacks/S/functions/Notify/environment",
            json!({"VAL": null}),
            "`\"\"` for an empty one",
        ),
        no(
            "/stacks/S/functions/Notify/environment",
            json!({"VAL": [1]}),
            "expected text",
        ),
        no(
            "/stacks/S/functions/Notify/environment",
            json!({"1V": "x"}),
            "`1V` is not an environment variable name",
        ),
        no(
            "/stacks/S/functions/Notify/environment",
            json!({"A-B": "x"}),
            "`A-B` is not an environment variable name",
        ),
        ok("/stacks/S/functions/Notify/memorySize", json!(128)),
        ok("/stacks/S/functions/Notify/memorySize", json!(256.0)),
        no(
            "/stacks/S/functions/Notify/memorySize",
            json!(127),
            "memorySize = 127 is out of range",
        ),
        no(
            "/stacks/S/functions/Notify/memorySize",
            json!(10_241),
            "out of range",
        ),
        no(
            "/stacks/S/functions/Notify/memorySize",
            json!(256.5),
            "expected a whole number",
        ),
        no(
            "/stacks/S/functions/Notify/memorySize",
            json!("256"),
            "expected a whole number",
        ),
        no(
            "/stacks/S/functions/Notify/timeoutSeconds",
            json!(0),
            "out of range",
        ),
        no(
            "/stacks/S/functions/Notify/timeoutSeconds",
            json!(901),
            "out of range",
        ),
        no(
            "/stacks/S/functions/Notify/timeoutSeconds",
            json!(-1),
            "expected a whole number (0 or more)",
        ),
        ok("/stacks/S/functions/Notify/logRetentionDays", json!(3653)),
        no(
            "/stacks/S/functions/Notify/logRetentionDays",
            json!(8),
            "not a retention CloudWatch Logs accepts",
        ),
        no(
            "/stacks/S/functions/Notify/handler",
            json!("notify staff"),
            "must be `<package>`",
        ),
        no(
            "/stacks/S/functions/Notify/handler",
            json!("a/b/c"),
            "must be `<package>`",
        ),
        no(
            "/stacks/S/functions/Notify/handler",
            json!(5),
            "expected a string",
        ),
        no(
            "/stacks/S/functions/Notify/architecture",
            json!("arm"),
            "unknown value `arm`",
        ),
        no(
            "/stacks/S/functions/Notify/description",
            json!(5),
            "expected a string",
        ),
        no(
            "/stacks/S/functions/Notify/tracing",
            json!("yes"),
            "expected a boolean",
        ),
        no(
            "/stacks/S/functions/Notify/reservedConcurrency",
            json!(-1),
            "expected a whole number",
        ),
        no(
            FUNCTION,
            json!([{"handler": "notify-staff"}]),
            "expected a map of the function's settings",
        ),
        no(FUNCTION, json!(null), "invalid type: null"),
        no(
            "/stacks/S/functions/Notify/suppress",
            json!([{"rule": "TRB001", "reason": "because"}]),
            "needs a reason",
        ),
        ok(
            "/stacks/S/functions/Notify/suppress",
            json!([{"rule": "CKV_AWS_117", "reason": " ten chars! "}]),
        ),
        no(
            "/stacks/S/functions/Notify/suppress",
            json!([{"rule": "CKV_AWS_117", "reason": " nine char "}]),
            "needs a reason",
        ),
        no(
            "/stacks/S/topics/1st",
            json!({}),
            "must start with a letter",
        ),
        no(
            "/stacks/S/topics/A_very_long_id_that_is_longer_than_sixty_four_characters_in_total",
            json!({}),
            "at most 64",
        ),
        no(
            "/stacks/S/logicalIdOverrides",
            json!({"O/Table/Resource": "Orders-Table"}),
            "contains `-`",
        ),
        ok(
            "/stacks/S/streamToBus/O/table/billing",
            json!({"provisioned": {"read": 1, "write": 1}}),
        ),
        no(
            TABLE,
            json!({"partitionKey": {"name": "id"}, "billing": {"provisioned": {"read": 0, "write": 5}}}),
            "at least 1",
        ),
        no(
            TABLE,
            json!({"partitionKey": {"name": "id"}, "billing": {"provisioned": {"read": 5}}}),
            "missing field `write`",
        ),
        no(
            TABLE,
            json!({"partitionKey": {"name": "id"}, "billing": {"onDemand": null}}),
            "takes no settings",
        ),
        no(
            TABLE,
            json!({"partitionKey": {"name": "id"}, "billing": "provisioned"}),
            "needs its settings",
        ),
        no(
            TABLE,
            json!({"partitionKey": {"name": "id"}, "billing": {}}),
            "not an empty map",
        ),
        no(
            TABLE,
            json!({"partitionKey": {"name": ""}}),
            "1..=255 bytes",
        ),
        no(
            TABLE,
            json!({"partitionKey": {"name": "k".repeat(256)}}),
            "1..=255 bytes",
        ),
        no(
            TABLE,
            json!({"partitionKey": {"name": "id", "type": "S", "extra": 1}}),
            "unknown field `extra`",
        ),
        no(
            TABLE,
            json!({"partitionKey": {"name": "id"}, "stream": "ALL"}),
            "unknown value `ALL`",
        ),
        no(
            STREAM,
            json!({"startingPosition": "AT_TIMESTAMP"}),
            "unknown value `AT_TIMESTAMP`",
        ),
        no(STREAM, json!({"batchSize": 0}), "out of range"),
        no(STREAM, json!({"batchSize": 10_001}), "out of range"),
        no(
            STREAM,
            json!({"maxBatchingWindowSeconds": 301}),
            "out of range",
        ),
        ok(STREAM, json!({"retries": 10_000})),
        ok(STREAM, json!({"retries": 3.0})),
        no(STREAM, json!({"retries": 10_001}), "out of range"),
        no(
            STREAM,
            json!({"retries": -1}),
            "retries must be 0..=10000 or `infinite`, not -1",
        ),
        no(STREAM, json!({"retries": "forever"}), "not `forever`"),
        no(
            STREAM,
            json!({"retries": [1]}),
            "expected a number (0..=10000) or `infinite`",
        ),
        no(STREAM, json!({"maxRecordAge": 59}), "out of range"),
        no(STREAM, json!({"maxRecordAge": 604_801}), "out of range"),
        no(STREAM, json!({"maxRecordAge": 86_400}), "must be below"),
        no(STREAM, json!({"parallelizationFactor": 11}), "out of range"),
        no(
            STREAM,
            json!({"tumblingWindowSeconds": 901}),
            "out of range",
        ),
        ok(STREAM, json!({"filters": []})),
        no(
            STREAM,
            json!({"filters": [1]}),
            "a pattern is an object of fields",
        ),
        no(
            STREAM,
            json!({"filters": vec![json!({"a": [1]}); 21]}),
            "filters = 21 is out of range",
        ),
        no(
            STREAM,
            json!([]),
            "expected a map of the mapping's settings",
        ),
        no(
            PATTERN,
            json!({"table": {"partitionKey": {"name": "id"}}}),
            "missing field `publisher`",
        ),
        no(
            "/stacks/S/streamToBus/O/onFailure",
            json!("dlq"),
            "unknown value `dlq`",
        ),
        no(
            PATTERN,
            queue(json!({"retentionSeconds": 59})),
            "out of range",
        ),
        no(
            PATTERN,
            queue(json!({"retentionSeconds": 1_209_601})),
            "out of range",
        ),
        no(
            PATTERN,
            queue(json!({"visibilityTimeoutSeconds": 43_201})),
            "out of range",
        ),
        no(
            PATTERN,
            queue(json!({"maximumMessageSize": 1023})),
            "out of range",
        ),
        ok("/stacks/S/streamToBus/O/bus", json!({"name": "a.b_c/d-e"})),
        no(
            "/stacks/S/streamToBus/O/bus",
            json!({"name": "a b"}),
            "event bus name `a b` contains ` `",
        ),
        no(
            "/stacks/S/streamToBus/O/bus",
            json!({"name": "default"}),
            "the account's default bus",
        ),
        no(
            "/stacks/S/streamToBus/O/bus",
            json!({"name": "b".repeat(257)}),
            "is 257 characters long",
        ),
        no(
            "/stacks/S/httpApis/Http/accessLogRetentionDays",
            json!(2),
            "not a retention",
        ),
        no(
            "/stacks/S/httpApis/Http/routes/0/method",
            json!("HEAD"),
            "unknown value `HEAD`",
        ),
        ok(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/issuer",
            json!("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12"),
        ),
        no(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/issuer",
            json!("http://login.example.com"),
            "must be an `https://` URL",
        ),
        no(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/issuer",
            json!("https://"),
            "has no host",
        ),
        no(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/issuer",
            json!("https://login.example.com/a b"),
            "has a space",
        ),
        ok(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/issuer",
            json!(format!(
                "https://login.example.com/{}",
                "p".repeat(2048 - 26)
            )),
        ),
        no(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/issuer",
            json!(format!(
                "https://login.example.com/{}",
                "p".repeat(2049 - 26)
            )),
            "at most 2048",
        ),
        ok(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/identitySource",
            json!("$request.querystring.token"),
        ),
        no(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/identitySource",
            json!("$request.header."),
            "needs a header or parameter name",
        ),
        no(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/identitySource",
            json!("Authorization"),
            "must be `$request.header.<name>`",
        ),
        no(
            "/stacks/S/httpApis/Http/authorizers/Users/jwt/audience",
            json!([]),
            "at least one audience",
        ),
        ok(
            "/stacks/S/httpApis/Http/routes/0/auth/scopes",
            json!(["orders/write"]),
        ),
        no(
            "/stacks/S/httpApis/Http/routes/0/auth/scopes",
            json!(["two words"]),
            "a scope is printable ASCII",
        ),
        no(
            "/stacks/S/httpApis/Http/routes/0/auth",
            json!("imp"),
            "auth `imp` is not `iam`, `none`",
        ),
        ok(
            "/stacks/S/httpApis/Http/cors",
            json!({"allowOrigins": ["https://*"], "allowMethods": ["*"], "maxAgeSeconds": -1}),
        ),
        ok(
            "/stacks/S/httpApis/Http/cors",
            json!({"allowOrigins": ["https://app.example.com"], "maxAgeSeconds": 86400}),
        ),
        no(
            "/stacks/S/httpApis/Http/cors",
            json!({"allowOrigins": ["https://app.example.com"], "maxAgeSeconds": 86401}),
            "out of range",
        ),
        no(
            "/stacks/S/httpApis/Http/cors",
            json!({"allowOrigins": ["https://app.example.com"], "maxAgeSeconds": -2}),
            "out of range",
        ),
        no(
            "/stacks/S/httpApis/Http/cors",
            json!({"allowOrigins": []}),
            "list at least one origin",
        ),
        no(
            "/stacks/S/httpApis/Http/cors",
            json!({"allowOrigins": ["*"], "allowMethods": ["TRACE"]}),
            "TRACE",
        ),
        ok("/stacks/S/httpApis/Http/routes/0/path", json!("/")),
        ok("/stacks/S/httpApis/Http/routes/0/path", json!("/r/{id}/")),
        no(
            "/stacks/S/httpApis/Http/routes/0/path",
            json!("r"),
            "must start with `/`",
        ),
        no(
            "/stacks/S/httpApis/Http/routes/0/path",
            json!("/a//b"),
            "has an empty segment",
        ),
        no(
            "/stacks/S/httpApis/Http/routes/0/path",
            json!(""),
            "must start with `/`",
        ),
        no(
            "/stacks/S/httpApis/Http/routes/0/path",
            json!("/a b"),
            "a segment may only hold",
        ),
        no(
            "/stacks/S/rules/R/targets",
            json!([]),
            "targets = 0 is out of range",
        ),
        no(
            "/stacks/S/rules/R/targets",
            json!(vec![json!({"function": "Notify"}); 6]),
            "targets = 6 is out of range",
        ),
        no(
            "/stacks/S/rules/R/targets/0/retry",
            json!({"maxAttempts": 186}),
            "out of range",
        ),
        no(
            "/stacks/S/rules/R/targets/0/retry",
            json!({"maxEventAgeSeconds": 59}),
            "out of range",
        ),
        no(
            "/stacks/S/functions/Notify/reservedConcurrency",
            json!(4_294_967_296_u64),
            "expected a whole number",
        ),
        no(
            "/stacks/S/streamToBus/O/alarms",
            json!({"iteratorAgeSeconds": 4_294_967_296_u64}),
            "expected a whole number",
        ),
        no(
            "/stacks/S/httpApis/Http/throttling",
            json!({"rateLimit": 4_294_967_296_u64}),
            "expected a whole number",
        ),
        ok(
            "/stacks/S/functions/Notify/environment",
            json!({"BIG": 1e20}),
        ),
        no(
            "/stacks/S/terminationProtection",
            json!("yes"),
            "expected a boolean",
        ),
        no("/stacks/S/description", json!(["x"]), "expected a string"),
        no("/stacks/a_b", json!({}), "contains `_`"),
        ok(
            "/stacks/S/functions/Notify/suppress",
            json!([{"rule": "TRB014", "reason": reason}]),
        ),
    ]
}

#[test]
fn loader_and_schema_refuse_the_same_values() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let mut disagreements = Vec::new();
    for case in cases() {
        let app = with(case.path, case.value.clone());
        let (loaded, checked) = (loader(&app), schema_verdict(&validator, &app));
        let what = format!("{} = {}", case.path, case.value);
        match (&case.refused, &loaded, &checked) {
            (None, Ok(()), Ok(())) => {}
            (Some(words), Err(message), Err(_)) if message.contains(words) => {}
            _ => disagreements.push(format!(
                "{what}\n  expected: {:?}\n  loader:   {loaded:?}\n  schema:   {checked:?}",
                case.refused
            )),
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// A value the schema takes but the loader refuses for a rule across fields (or a reference to
/// another construct, or the workspace), with the words the schema's description names it by.
struct CrossField {
    path: &'static str,
    value: Value,
    loader: &'static str,
    described: &'static str,
}

fn cross(
    path: &'static str,
    value: Value,
    loader: &'static str,
    described: &'static str,
) -> CrossField {
    CrossField {
        path,
        value,
        loader,
        described,
    }
}

fn cross_field_cases() -> Vec<CrossField> {
    vec![
        cross(
            "/stacks/S/streamToBus/O/onFailure",
            json!("none"),
            "no-on-failure-destination",
            "refused unless `no-on-failure-destination` is suppressed",
        ),
        cross(
            STREAM,
            json!({"retries": "infinite"}),
            "infinite-retries",
            "refused unless `infinite-retries` is suppressed",
        ),
        cross(
            STREAM,
            json!({"maxRecordAge": "unlimited"}),
            "unlimited-record-age",
            "refused unless `unlimited-record-age` is suppressed",
        ),
        cross(
            STREAM,
            json!({"bisectOnError": false}),
            "bisect-off",
            "refused unless the rule `bisect-off` is suppressed",
        ),
        cross(
            FUNCTION,
            json!({"handler": "notify-staff", "code": "f.zip"}),
            "give `handler` or `code`, not both",
            "give this or `code`",
        ),
        cross(
            FUNCTION,
            json!({}),
            "a function needs `handler`",
            "give this or `code`",
        ),
        cross(
            "/stacks/S/functions/Notify/handler",
            json!("no-such-package"),
            "the cargo workspace has no package",
            "a binary target of a member of the cargo workspace",
        ),
        cross(
            "/stacks/S/streamToBus/O/writers",
            json!(["Nope"]),
            "there is no function `Nope`",
            "Functions of this stack that write the table",
        ),
        cross(
            "/stacks/S/streamToBus/O/alertTopic",
            json!("Nope"),
            "`Nope`",
            "The id of a topic of this stack",
        ),
        cross(
            "/stacks/S/httpApis/Http/routes/0/function",
            json!("Nope"),
            "`Nope`",
            "The id of a function of this stack.",
        ),
        cross(
            "/stacks/S/httpApis/Http/routes/0/auth",
            json!("none"),
            "unauthorized-route",
            "refused by `unauthorized-route` unless suppressed",
        ),
        cross(
            "/stacks/S/httpApis/Http/routes/0/auth",
            json!({"jwt": "Nope"}),
            "there is no authorizer `Nope`",
            "The id of an authorizer of this API.",
        ),
        cross(
            "/stacks/S/httpApis/Http/cors",
            json!({"allowOrigins": ["*"], "allowCredentials": true}),
            "refuses credentials with the origin `*`",
            "Not with the origin `*`.",
        ),
        cross(
            "/stacks/S/rules/R/targets/0/function",
            json!("Nope"),
            "`Nope`",
            "A function: `Id` of the rule's stack, or `Stack/Id` of an earlier stack",
        ),
        cross(
            "/stacks/S/rules/R/targets/0",
            json!({"queue": "Nope"}),
            "targets[0].queue: there is no queue `Nope`",
            "A queue of `queues:` of the rule's stack (`Id`)",
        ),
        cross(
            "/stacks/S/rules/R/targets/0",
            json!({"bus": "Nope"}),
            "targets[0].bus: there is no bus or stream-to-bus pattern `Nope`",
            "a stream-to-bus pattern's or a bus of `buses:` (`Id` or `Stack/Id`)",
        ),
        cross(
            "/stacks/S/rules/R/targets/0",
            json!({"function": "Notify", "bus": "O"}),
            "give exactly one of `function`, `queue` or `bus`",
            "each target gives one of `function`, `queue` or `bus`",
        ),
        cross(
            "/stacks/S/rules/R/targets/0",
            json!({"retry": {}}),
            "a target names nothing",
            "A rule target: exactly one of `function`, `queue` or `bus`",
        ),
        cross(
            "/stacks/S/rules/R/targets/0",
            json!({"bus": "O"}),
            "an event loop",
            "Not the rule's own bus.",
        ),
        cross(
            "/stacks/S/rules/R/targets/0",
            json!({"bus": "arn:aws:events:eu-west-1:111111111111:event-bus/partner", "retry": {}}),
            "EventBridge takes no retry policy for an event bus target",
            "Takes no `retry` (EventBridge has no retry policy for a bus target).",
        ),
        cross(
            "/stacks/S/rules/R/bus",
            json!("Nope"),
            "there is no bus or stream-to-bus pattern `Nope`",
            "The bus the rule is on: a stream-to-bus pattern's",
        ),
        cross(
            "/stacks/S/functions/Notify/suppress",
            json!([{"rule": "TRB999", "reason": "a reason reviewers can read"}]),
            "there is no rule `TRB999` to suppress",
            "`tributary validate --rules` lists them",
        ),
        cross(
            TABLE,
            json!({"partitionKey": {"name": "id"}, "sortKey": {"name": "id"}}),
            "is also the partition key",
            "not the partition key",
        ),
        cross(
            "/stacks/S/logicalIdOverrides",
            json!({"Nope/Resource": "Kept"}),
            "Nope/Resource",
            "it must name a resource of the stack",
        ),
        cross(
            "/stacks/S/topics/Notify",
            json!({}),
            "ids must be unique within a stack",
            "ids are unique across all of a stack's constructs",
        ),
        cross(
            PATTERN,
            json!({
                "table": {"partitionKey": {"name": "id"}},
                "publisher": {"handler": "stream-publisher"},
                "deadLetterQueue": {"retentionSeconds": 86_400}
            }),
            "deadLetterQueue",
            "it would configure nothing",
        ),
        cross(
            PATTERN,
            json!({
                "table": {"partitionKey": {"name": "id"}},
                "publisher": {"handler": "stream-publisher"},
                "alertTopic": "Alerts",
                "alarms": {"emails": ["ops@example.com"]}
            }),
            "alarms.emails would be dropped",
            "subscribe them on that topic",
        ),
        cross(
            "/stacks/S/streamToBus/O/table/stream",
            json!("KEYS_ONLY"),
            "its records carry no new image",
            "a stream without new images (`KEYS_ONLY`, `OLD_IMAGE`) is an error here",
        ),
    ]
}

#[test]
fn rules_across_fields_are_the_loaders_and_named_in_the_schema() {
    let schema = schema();
    // Every description, its lines joined.
    let text = serde_json::to_string(&schema).unwrap().replace("\\n", " ");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut failures = Vec::new();
    for case in cross_field_cases() {
        let app = with(case.path, case.value.clone());
        let what = format!("{} = {}", case.path, case.value);
        if let Err(e) = schema_verdict(&validator, &app) {
            failures.push(format!("{what}: the schema refuses it: {e}"));
        }
        match loader(&app) {
            Err(message) if message.contains(case.loader) => {}
            other => failures.push(format!("{what}: the loader says {other:?}")),
        }
        if !text.contains(case.described) {
            failures.push(format!(
                "{what}: no schema description says `{}`",
                case.described
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Serde's and the parsers' words for Rust types, which a spec author does not know.
const JARGON: &[&str] = &[
    "struct ",
    "enum ",
    "untagged",
    "identifier",
    "unit value",
    "Option value",
    "newtype",
    "tuple",
    "variant",
    "sequence",
    "u8",
    "u16",
    "u32",
    "u64",
    "i64",
    "f64",
    "floating point",
    "YAML tag starting",
];

#[test]
fn wrong_values_anywhere_are_refused_in_plain_words() {
    let schema = schema();
    let names: Vec<&String> = schema["$defs"].as_object().unwrap().keys().collect();
    let wrong = [
        json!(true),
        json!(1.5),
        json!(-1),
        json!(99_999_999_999_u64),
        json!("text"),
        json!([[]]),
        json!({"zz": 1}),
        json!(null),
    ];
    let mut jargon = Vec::new();
    // (Event patterns have their own messages, from their own module.)
    for (name, place) in PLACES
        .iter()
        .filter(|(n, _)| !n.starts_with("Pattern") && !["EventPattern", "Matcher"].contains(n))
    {
        for value in &wrong {
            let app = with(place, value.clone());
            let texts = [
                ("app.json", serde_json::to_string(&app).unwrap()),
                ("app.yaml", yaml(&app)),
            ];
            for (file, text) in texts {
                let Err(errors) = tributary::spec::parse(&root().join(file), &text) else {
                    continue;
                };
                let message = errors.to_string();
                // (A type's name as a word: `maxRecordAge` is a field, not `RecordAge`.)
                let named = |n: &str| {
                    message.match_indices(n).any(|(i, _)| {
                        let before = message[..i].chars().next_back();
                        let after = message[i + n.len()..].chars().next();
                        !before.is_some_and(char::is_alphanumeric)
                            && !after.is_some_and(char::is_alphanumeric)
                    })
                };
                let words = JARGON
                    .iter()
                    .copied()
                    .filter(|w| message.contains(w))
                    .chain(names.iter().map(|n| n.as_str()).filter(|n| named(n)))
                    .collect::<Vec<_>>();
                if !words.is_empty() {
                    jargon.push(format!("{name} = {value} ({file}): {words:?} in {message}"));
                }
            }
        }
    }
    assert!(jargon.is_empty(), "{}", jargon.join("\n"));
}

/// What a place needs around it to be built at all (the queue exists only with
/// `onFailure: queue`).
fn context(name: &str) -> Value {
    match name {
        "QueueProps" => with("/stacks/S/streamToBus/O/onFailure", json!("queue")),
        // The iterator-age alarm must stay below the record age (a cross-field rule): each
        // side's bounds are tried with the other out of the way.
        "StreamSourceProps" => with(
            "/stacks/S/streamToBus/O/alarms",
            json!({"iteratorAgeSeconds": 1}),
        ),
        "AlarmOptions" => with(
            "/stacks/S/streamToBus/O/stream",
            json!({
                "maxRecordAge": "unlimited",
                "suppress": [{"rule": "unlimited-record-age", "reason": "the alarm's bounds alone"}]
            }),
        ),
        _ => base(),
    }
}

/// The bounds of a property: its own, or those of the type it refers to.
fn bounds(property: &Value, defs: &Value) -> Vec<(Option<i64>, Option<i64>, Vec<i64>)> {
    let mut found = Vec::new();
    let mut schemas = vec![property.clone()];
    while let Some(schema) = schemas.pop() {
        if let Some(name) = schema["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            schemas.push(defs[name].clone());
        }
        for key in ["anyOf", "oneOf"] {
            schemas.extend(schema[key].as_array().into_iter().flatten().cloned());
        }
        let (min, max) = (schema["minimum"].as_i64(), schema["maximum"].as_i64());
        let listed: Vec<i64> = schema["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_i64)
            .collect();
        if min.is_some() || max.is_some() || !listed.is_empty() {
            found.push((min, max, listed));
        }
    }
    found
}

#[test]
fn every_bound_of_the_schema_is_the_loaders() {
    let schema = schema();
    let defs = &schema["$defs"];
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut disagreements = Vec::new();
    let mut tried = 0;
    for (name, place) in PLACES {
        let properties = defs[*name]["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (property, subschema) in properties {
            for (min, max, listed) in bounds(&subschema, defs) {
                let mut values: Vec<i64> = Vec::new();
                for bound in [min, max].into_iter().flatten() {
                    values.extend([bound - 1, bound, bound + 1]);
                }
                // Next to each listed value, one that is not.
                for v in &listed {
                    values.extend([v - 1, *v, v + 1]);
                }
                values.sort_unstable();
                values.dedup();
                for value in values {
                    let path = format!("{place}/{property}");
                    let app = set(context(name), &path, json!(value));
                    let (loaded, checked) = (loader(&app), schema_verdict(&validator, &app));
                    tried += 1;
                    if loaded.is_ok() != checked.is_ok() {
                        disagreements.push(format!(
                            "{path} = {value}\n  loader: {loaded:?}\n  schema: {checked:?}"
                        ));
                    }
                }
            }
        }
    }
    assert!(tried > 100, "only {tried} bounds tried");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
