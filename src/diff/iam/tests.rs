#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::cover::glob_covers;
use super::{Widening, widenings};

const ROLE: &str = "AWS::IAM::Role";
const POLICY: &str = "AWS::IAM::Policy";
const QUEUE_POLICY: &str = "AWS::SQS::QueuePolicy";
const BUCKET_POLICY: &str = "AWS::S3::BucketPolicy";
const BUS_POLICY: &str = "AWS::Events::EventBusPolicy";
const PERMISSION: &str = "AWS::Lambda::Permission";

fn table() -> Value {
    json!({"Fn::GetAtt": ["Table", "Arn"]})
}

fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// An `AWS::IAM::Policy` attached to `{"Ref": "Role"}`.
fn policy(statements: Value) -> Value {
    json!({"PolicyName": "Writer", "Roles": [{"Ref": "Role"}], "PolicyDocument": doc(statements)})
}

fn queue_policy(statements: Value) -> Value {
    json!({"Queues": [{"Ref": "Queue"}], "PolicyDocument": doc(statements)})
}

fn role(trust: Value, policies: Value) -> Value {
    json!({"AssumeRolePolicyDocument": doc(trust), "Policies": policies})
}

fn lambda_trust() -> Value {
    json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}])
}

fn diff(resource_type: &str, old: Value, new: Value) -> Vec<Widening> {
    widenings(resource_type, Some(&old), Some(&new))
}

fn whats(found: &[Widening]) -> Vec<&str> {
    found.iter().map(|w| w.what.as_str()).collect()
}

fn none(resource_type: &str, old: Value, new: Value) {
    let found = diff(resource_type, old, new);
    assert!(found.is_empty(), "expected no widening, got {found:#?}");
}

fn allow(actions: Value, resources: Value) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resources})
}

#[test]
fn narrowing_an_action_list_is_not_widening() {
    let old = policy(json!([allow(
        json!(["dynamodb:PutItem", "dynamodb:DeleteItem"]),
        table()
    )]));
    let new = policy(json!([allow(json!(["dynamodb:PutItem"]), table())]));
    none(POLICY, old, new);
}

#[test]
fn a_new_action_widens_and_says_what_and_to_whom() {
    let old = policy(json!([allow(json!("dynamodb:PutItem"), table())]));
    let new = policy(json!([allow(
        json!(["dynamodb:PutItem", "dynamodb:DeleteItem"]),
        table()
    )]));
    assert_eq!(diff(POLICY, old, new), vec![Widening {
        policy: "PolicyDocument".into(),
        what: r#"Allow dynamodb:DeleteItem on {"Fn::GetAtt":["Table","Arn"]} to role {"Ref":"Role"}"#.into(),
    }]);
}

#[test]
fn an_action_wildcard_widens() {
    let bucket = json!("arn:aws:s3:::b/*");
    let old = policy(json!([allow(json!("s3:GetObject"), bucket.clone())]));
    let new = policy(json!([allow(json!("s3:*"), bucket)]));
    assert_eq!(
        whats(&diff(POLICY, old, new)),
        [r#"Allow s3:* on arn:aws:s3:::b/* to role {"Ref":"Role"}"#]
    );
}

#[test]
fn narrowing_an_action_wildcard_is_not_widening() {
    let old = policy(json!([allow(json!("sqs:*"), json!("*"))]));
    let new = policy(json!([allow(
        json!(["sqs:SendMessage", "sqs:Get*", "sqs:?eceiveMessage"]),
        json!("*")
    )]));
    none(POLICY, old, new);
}

#[test]
fn a_resource_to_star_widens() {
    let arn = "arn:aws:dynamodb:us-east-1:111122223333:table/T";
    let old = policy(json!([allow(json!("dynamodb:GetItem"), json!(arn))]));
    let new = policy(json!([allow(json!("dynamodb:GetItem"), json!("*"))]));
    assert_eq!(
        whats(&diff(POLICY, old, new)),
        [r#"Allow dynamodb:GetItem on * to role {"Ref":"Role"}"#]
    );
}

#[test]
fn star_to_a_resource_is_narrowing() {
    let arn = "arn:aws:dynamodb:us-east-1:111122223333:table/T";
    let old = policy(json!([allow(json!("dynamodb:GetItem"), json!("*"))]));
    let new = policy(json!([allow(
        json!("dynamodb:GetItem"),
        json!([arn, table()])
    )]));
    none(POLICY, old, new);
}

#[test]
fn a_resource_wildcard_covers_what_it_matches_and_no_more() {
    let old = policy(json!([allow(
        json!("s3:GetObject"),
        json!("arn:aws:s3:::b/*")
    )]));
    let inside = policy(json!([allow(
        json!("s3:GetObject"),
        json!(["arn:aws:s3:::b/k", "arn:aws:s3:::b/logs/*"])
    )]));
    none(POLICY, old.clone(), inside);
    let outside = policy(json!([allow(
        json!("s3:GetObject"),
        json!("arn:aws:s3:::c/k")
    )]));
    assert_eq!(diff(POLICY, old, outside).len(), 1);
}

#[test]
fn an_intrinsic_resource_is_a_token_equal_only_to_itself() {
    let a = policy(json!([allow(
        json!("sqs:SendMessage"),
        json!({"Ref": "A"})
    )]));
    let b = policy(json!([allow(
        json!("sqs:SendMessage"),
        json!({"Ref": "B"})
    )]));
    assert_eq!(
        whats(&diff(POLICY, a.clone(), b)),
        [r#"Allow sqs:SendMessage on {"Ref":"B"} to role {"Ref":"Role"}"#]
    );
    // the same token, its keys in another order: no change
    let sub = |v: Value| policy(json!([allow(json!("sqs:SendMessage"), v)]));
    none(
        POLICY,
        sub(json!({"Fn::Sub": ["${X}/q", {"X": "a", "Y": "b"}]})),
        sub(json!({"Fn::Sub": ["${X}/q", {"Y": "b", "X": "a"}]})),
    );
    // a token is not known to be under a pattern (it is reported), but `*` covers it
    let star = policy(json!([allow(json!("sqs:SendMessage"), json!("*"))]));
    let pattern = policy(json!([allow(
        json!("sqs:SendMessage"),
        json!("arn:aws:sqs:*")
    )]));
    none(POLICY, star, a.clone());
    assert_eq!(diff(POLICY, pattern, a).len(), 1);
}

#[test]
fn reordered_actions_and_statements_are_no_change() {
    let s1 = allow(
        json!(["logs:CreateLogStream", "logs:PutLogEvents"]),
        json!({"Fn::GetAtt": ["Logs", "Arn"]}),
    );
    let s2 = allow(json!(["dynamodb:PutItem", "dynamodb:GetItem"]), table());
    let s1r = allow(
        json!(["logs:PutLogEvents", "logs:CreateLogStream"]),
        json!({"Fn::GetAtt": ["Logs", "Arn"]}),
    );
    let s2r = allow(json!(["dynamodb:GetItem", "dynamodb:PutItem"]), table());
    none(POLICY, policy(json!([s1, s2])), policy(json!([s2r, s1r])));
}

#[test]
fn a_sid_change_is_no_change() {
    let old = policy(
        json!([{"Sid": "Old", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]),
    );
    let new = policy(
        json!([{"Sid": "New", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": ["*"]}]),
    );
    none(POLICY, old, new);
}

#[test]
fn the_case_of_an_action_is_no_change() {
    let old = policy(json!([allow(json!("SQS:SendMessage"), json!("*"))]));
    let new = policy(json!([allow(json!("sqs:sendmessage"), json!("*"))]));
    none(POLICY, old.clone(), new.clone());
    none(POLICY, new, old);
}

#[test]
fn a_new_principal_in_a_trust_policy_widens() {
    let mut trust = lambda_trust();
    let old = role(trust.clone(), json!([]));
    trust[0]["Principal"] = json!({"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]});
    let new = role(trust, json!([]));
    assert_eq!(
        diff(ROLE, old, new),
        vec![Widening {
            policy: "AssumeRolePolicyDocument".into(),
            what: "Allow sts:AssumeRole on the role to service states.amazonaws.com".into(),
        }]
    );
}

#[test]
fn aws_star_is_star_and_an_account_is_its_root() {
    let trust = |p: Value| {
        role(
            json!([{"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole"}]),
            json!([]),
        )
    };
    none(ROLE, trust(json!("*")), trust(json!({"AWS": "*"})));
    none(ROLE, trust(json!({"AWS": ["*"]})), trust(json!("*")));
    none(
        ROLE,
        trust(json!({"AWS": "111122223333"})),
        trust(json!({"AWS": "arn:aws:iam::111122223333:root"})),
    );
    let found = diff(
        ROLE,
        trust(json!({"AWS": "111122223333"})),
        trust(json!({"AWS": "*"})),
    );
    assert_eq!(
        whats(&found),
        ["Allow sts:AssumeRole on the role to anyone (*)"]
    );
}

#[test]
fn inline_policies_are_compared_by_name_and_together() {
    let p = |name: &str, stmts: Value| json!({"PolicyName": name, "PolicyDocument": doc(stmts)});
    let put = allow(json!("dynamodb:PutItem"), table());
    let del = allow(json!("dynamodb:DeleteItem"), table());
    let old = role(
        lambda_trust(),
        json!([p("A", json!([put.clone(), del.clone()]))]),
    );
    // a statement moved to another inline policy of the role: no change
    let moved = role(
        lambda_trust(),
        json!([p("A", json!([put.clone()])), p("B", json!([del]))]),
    );
    none(ROLE, old.clone(), moved);
    let more = role(
        lambda_trust(),
        json!([
            p("A", json!([put])),
            p(
                "OrdersWriter",
                json!([allow(json!("dynamodb:Scan"), table())])
            )
        ]),
    );
    assert_eq!(
        diff(ROLE, old, more),
        vec![Widening {
            policy: "Policies[OrdersWriter]".into(),
            what: r#"Allow dynamodb:Scan on {"Fn::GetAtt":["Table","Arn"]} to the role"#.into(),
        }]
    );
}

#[test]
fn a_policy_attached_to_another_role_widens() {
    let old = policy(json!([allow(json!("sqs:SendMessage"), json!("*"))]));
    let mut new = old.clone();
    new["Roles"] = json!([{"Ref": "Role"}, {"Ref": "Other"}]);
    assert_eq!(
        whats(&diff(POLICY, old.clone(), new)),
        [r#"Allow sqs:SendMessage on * to role {"Ref":"Other"}"#]
    );
    let mut fewer = old.clone();
    fewer["Roles"] = json!([]);
    fewer["Users"] = json!([]);
    // detached from every role: now about whatever it is attached to elsewhere, not comparable
    assert_eq!(diff(POLICY, old, fewer).len(), 1);
}

#[test]
fn a_removed_condition_widens_and_an_added_one_narrows() {
    let send = |condition: Option<Value>| {
        let mut s = json!({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["Dlq", "Arn"]}});
        if let Some(c) = condition {
            s["Condition"] = c;
        }
        queue_policy(json!([s]))
    };
    let rule = json!({"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}}});
    let found = diff(QUEUE_POLICY, send(Some(rule.clone())), send(None));
    assert_eq!(found, vec![Widening {
        policy: "PolicyDocument".into(),
        what: r#"condition aws:SourceArn removed from Allow sqs:SendMessage on {"Fn::GetAtt":["Dlq","Arn"]} to service events.amazonaws.com"#.into(),
    }]);
    none(QUEUE_POLICY, send(None), send(Some(rule.clone())));
    // ArnEquals is ArnLike; a condition key's case does not matter
    none(
        QUEUE_POLICY,
        send(Some(rule)),
        send(Some(
            json!({"ArnLike": {"AWS:SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}}}),
        )),
    );
}

#[test]
fn a_loosened_condition_widens_and_a_tightened_one_narrows() {
    let when = |c: Value| {
        policy(
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": c}]),
        )
    };
    let one = when(json!({"StringEquals": {"aws:PrincipalOrgID": "o-aaaaaaaaaa"}}));
    let two =
        when(json!({"StringEquals": {"aws:PrincipalOrgID": ["o-aaaaaaaaaa", "o-bbbbbbbbbb"]}}));
    let found = diff(POLICY, one.clone(), two.clone());
    assert_eq!(
        whats(&found),
        [
            r#"condition aws:PrincipalOrgID loosened from StringEquals o-aaaaaaaaaa to StringEquals [o-aaaaaaaaaa, o-bbbbbbbbbb] in Allow s3:GetObject on * to role {"Ref":"Role"}"#
        ]
    );
    none(POLICY, two, one.clone());
    // `IfExists` also holds without the key: weaker
    let if_exists = when(json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-aaaaaaaaaa"}}));
    assert_eq!(diff(POLICY, one.clone(), if_exists.clone()).len(), 1);
    none(POLICY, if_exists, one.clone());
    // an exact value is under a pattern that matches it; a negated operator grows stricter with values
    none(
        POLICY,
        when(json!({"StringLike": {"aws:PrincipalOrgID": "o-a*"}})),
        one,
    );
    let not = |v: Value| when(json!({"StringNotEquals": {"aws:SourceVpc": v}}));
    none(POLICY, not(json!("vpc-1")), not(json!(["vpc-1", "vpc-2"])));
    assert_eq!(
        diff(POLICY, not(json!(["vpc-1", "vpc-2"])), not(json!("vpc-1"))).len(),
        1
    );
}

#[test]
fn lambda_permission_principal_and_source_arn() {
    let permission = |principal: &str, source: Option<Value>| {
        let mut p = json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}, "Principal": principal});
        if let Some(s) = source {
            p["SourceArn"] = s;
        }
        p
    };
    let rule = || Some(json!({"Fn::GetAtt": ["Rule", "Arn"]}));
    let base = permission("events.amazonaws.com", rule());
    assert_eq!(
        whats(&diff(PERMISSION, base.clone(), permission("*", rule()))),
        [
            r#"Allow lambda:InvokeFunction on {"Fn::GetAtt":["Fn","Arn"]} to anyone (*) if ArnLike aws:SourceArn {"Fn::GetAtt":["Rule","Arn"]}"#
        ]
    );
    assert_eq!(diff(PERMISSION, base.clone(), permission("events.amazonaws.com", None)), vec![Widening {
        policy: "Permission".into(),
        what: r#"condition aws:SourceArn removed from Allow lambda:InvokeFunction on {"Fn::GetAtt":["Fn","Arn"]} to service events.amazonaws.com"#.into(),
    }]);
    let other = permission(
        "events.amazonaws.com",
        Some(json!({"Fn::GetAtt": ["Other", "Arn"]})),
    );
    assert!(
        whats(&diff(PERMISSION, base.clone(), other))[0]
            .starts_with("condition aws:SourceArn loosened")
    );
    none(
        PERMISSION,
        permission("events.amazonaws.com", None),
        base.clone(),
    );
    let mut with_account = base.clone();
    with_account["SourceAccount"] = json!("111122223333");
    none(PERMISSION, base.clone(), with_account.clone());
    assert_eq!(diff(PERMISSION, with_account, base).len(), 1);
}

#[test]
fn lambda_function_url_auth_none_widens() {
    let url = |auth: &str| json!({"Action": "lambda:InvokeFunctionUrl", "FunctionName": {"Ref": "Fn"}, "Principal": "*", "FunctionUrlAuthType": auth});
    let found = diff(PERMISSION, url("AWS_IAM"), url("NONE"));
    assert!(
        whats(&found)[0].starts_with("condition lambda:FunctionUrlAuthType loosened"),
        "{found:#?}"
    );
}

#[test]
fn event_bus_policy_older_form() {
    let put = |principal: &str, org: bool| {
        let mut p = json!({"StatementId": "Partner", "EventBusName": "orders", "Action": "events:PutEvents", "Principal": principal});
        if org {
            p["Condition"] = json!({"Type": "StringEquals", "Key": "aws:PrincipalOrgID", "Value": "o-aaaaaaaaaa"});
        }
        p
    };
    assert_eq!(
        diff(BUS_POLICY, put("111122223333", false), put("*", false)),
        vec![Widening {
            policy: "Permission".into(),
            what: "Allow events:PutEvents on the event bus orders to anyone (*)".into(),
        }]
    );
    none(BUS_POLICY, put("*", false), put("111122223333", false));
    none(BUS_POLICY, put("*", false), put("*", true));
    assert_eq!(
        whats(&diff(BUS_POLICY, put("*", true), put("*", false))),
        [
            "condition aws:PrincipalOrgID removed from Allow events:PutEvents on the event bus orders to anyone (*)"
        ]
    );
}

#[test]
fn event_bus_policy_statement_form() {
    let bus = json!({"Fn::GetAtt": ["Bus", "Arn"]});
    let stmt = |principal: Value, action: Value| {
        json!({"StatementId": "S", "EventBusName": {"Ref": "Bus"},
            "Statement": {"Sid": "S", "Effect": "Allow", "Principal": principal, "Action": action, "Resource": bus}})
    };
    let acct = json!({"AWS": "arn:aws:iam::111122223333:root"});
    let old = stmt(acct.clone(), json!("events:PutEvents"));
    let found = diff(
        BUS_POLICY,
        old.clone(),
        stmt(acct.clone(), json!("events:*")),
    );
    assert_eq!(found, vec![Widening {
        policy: "Statement".into(),
        what: r#"Allow events:* on {"Fn::GetAtt":["Bus","Arn"]} to AWS arn:aws:iam::111122223333:root"#.into(),
    }]);
    none(
        BUS_POLICY,
        stmt(json!("*"), json!("events:PutEvents")),
        old.clone(),
    );
    // the statement as JSON text reads the same
    let mut text = old.clone();
    text["Statement"] = Value::String(old["Statement"].to_string());
    none(BUS_POLICY, old, text);
}

#[test]
fn event_bus_policy_older_form_to_statement_form_with_the_same_meaning_is_no_change() {
    let older = json!({"StatementId": "S", "EventBusName": "orders", "Action": "events:PutEvents", "Principal": "111122223333"});
    let statement = json!({"StatementId": "S", "EventBusName": "orders", "Statement": {"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "events:PutEvents"}});
    none(BUS_POLICY, older, statement);
}

#[test]
fn a_statement_added_to_a_queue_policy_widens() {
    let events = json!({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": {"Fn::GetAtt": ["Q", "Arn"]}});
    let sns = json!({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": {"Fn::GetAtt": ["Q", "Arn"]}, "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": "Topic"}}}});
    let found = diff(
        QUEUE_POLICY,
        queue_policy(json!([events.clone()])),
        queue_policy(json!([events, sns])),
    );
    assert_eq!(
        whats(&found),
        [
            r#"Allow sqs:SendMessage on {"Fn::GetAtt":["Q","Arn"]} to service sns.amazonaws.com if ArnLike aws:SourceArn {"Ref":"Topic"}"#
        ]
    );
}

#[test]
fn a_queue_policy_applied_to_another_queue_widens() {
    let old = queue_policy(json!([]));
    let mut new = old.clone();
    new["Queues"] = json!([{"Ref": "Queue"}, {"Ref": "Other"}]);
    assert_eq!(
        diff(QUEUE_POLICY, old, new),
        vec![Widening {
            policy: "Queues".into(),
            what: r#"now applies to queue {"Ref":"Other"}"#.into(),
        }]
    );
}

fn tls_only(actions: Value, condition: Value) -> Value {
    let bucket = json!({"Fn::GetAtt": ["B", "Arn"]});
    json!({"Bucket": {"Ref": "B"}, "PolicyDocument": doc(json!([
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": actions, "Resource": bucket, "Condition": condition}
    ]))})
}

#[test]
fn a_removed_deny_widens() {
    let old = tls_only(
        json!("s3:*"),
        json!({"Bool": {"aws:SecureTransport": "false"}}),
    );
    let new = json!({"Bucket": {"Ref": "B"}, "PolicyDocument": doc(json!([]))});
    assert_eq!(diff(BUCKET_POLICY, old, new), vec![Widening {
        policy: "PolicyDocument".into(),
        what: r#"Deny s3:* on {"Fn::GetAtt":["B","Arn"]} to anyone (*) if Bool aws:SecureTransport false removed or narrowed"#.into(),
    }]);
}

#[test]
fn a_narrowed_deny_widens_and_a_wider_one_does_not() {
    let tls = json!({"Bool": {"aws:SecureTransport": "false"}});
    let all = tls_only(json!("s3:*"), tls.clone());
    let some = tls_only(json!("s3:PutObject"), tls.clone());
    let found = diff(BUCKET_POLICY, all.clone(), some.clone());
    assert_eq!(
        whats(&found),
        [
            r#"Deny s3:* on {"Fn::GetAtt":["B","Arn"]} to anyone (*) if Bool aws:SecureTransport false removed or narrowed"#
        ]
    );
    none(BUCKET_POLICY, some, all.clone());
    // a Deny under one more condition denies less
    let stricter = tls_only(
        json!("s3:*"),
        json!({"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:PrincipalAccount": "111122223333"}}),
    );
    let found = diff(BUCKET_POLICY, all.clone(), stricter.clone());
    assert_eq!(
        whats(&found),
        [
            r#"Deny s3:* on {"Fn::GetAtt":["B","Arn"]} to anyone (*) denies less: condition aws:PrincipalAccount added (StringEquals 111122223333)"#
        ]
    );
    none(BUCKET_POLICY, stricter, all.clone());
    // `false` and "false" are one value to IAM
    none(
        BUCKET_POLICY,
        all,
        tls_only(
            json!("s3:*"),
            json!({"Bool": {"aws:SecureTransport": false}}),
        ),
    );
}

#[test]
fn a_changed_not_action_statement_widens_an_identical_one_does_not() {
    let not = |actions: Value| {
        policy(json!([{"Effect": "Allow", "NotAction": actions, "Resource": "*"}]))
    };
    none(
        POLICY,
        not(json!(["iam:*", "organizations:*"])),
        not(json!(["Organizations:*", "iam:*"])),
    );
    let found = diff(
        POLICY,
        not(json!(["iam:*", "organizations:*"])),
        not(json!(["iam:*"])),
    );
    assert_eq!(
        whats(&found),
        [
            r#"statement with NotAction added or changed (not compared by meaning): Allow Principal [role {"Ref":"Role"}] NotAction [iam:*] Resource [*]"#
        ]
    );
    // a removed Deny with NotPrincipal widens; a removed Allow with NotResource does not
    let deny = json!({"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/admin"}, "Action": "s3:*", "Resource": "*"});
    let allow_not = json!({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/private/*"});
    let bucket = |stmts: Value| json!({"Bucket": "b", "PolicyDocument": doc(stmts)});
    let found = diff(
        BUCKET_POLICY,
        bucket(json!([deny.clone(), allow_not.clone()])),
        bucket(json!([allow_not])),
    );
    assert!(
        whats(&found)[0].starts_with("statement with NotPrincipal removed or changed (not compared by meaning): Deny NotPrincipal"),
        "{found:#?}"
    );
    let found = diff(
        BUCKET_POLICY,
        bucket(
            json!([deny.clone(), {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]),
        ),
        bucket(json!([deny])),
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_managed_policy_arn_added_widens_removed_does_not() {
    let with = |arns: Value| json!({"AssumeRolePolicyDocument": doc(lambda_trust()), "ManagedPolicyArns": arns});
    let basic = json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]]});
    let found = diff(
        ROLE,
        with(json!([basic.clone()])),
        with(json!([
            basic.clone(),
            "arn:aws:iam::aws:policy/AdministratorAccess"
        ])),
    );
    assert_eq!(
        found,
        vec![Widening {
            policy: "ManagedPolicyArns".into(),
            what: "managed policy arn:aws:iam::aws:policy/AdministratorAccess attached".into(),
        }]
    );
    none(
        ROLE,
        with(json!([
            basic,
            "arn:aws:iam::aws:policy/AdministratorAccess"
        ])),
        with(json!([])),
    );
}

#[test]
fn a_removed_permissions_boundary_widens() {
    let mut old = role(lambda_trust(), json!([]));
    old["PermissionsBoundary"] = json!("arn:aws:iam::111122223333:policy/boundary");
    let found = diff(ROLE, old.clone(), role(lambda_trust(), json!([])));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].policy, "PermissionsBoundary");
    none(ROLE, role(lambda_trust(), json!([])), old);
}

#[test]
fn an_added_resource_widens_by_everything_it_grants() {
    let new = role(
        lambda_trust(),
        json!([{"PolicyName": "W", "PolicyDocument": doc(json!([allow(json!(["sqs:SendMessage", "sqs:GetQueueUrl"]), json!({"Ref": "Q"}))]))}]),
    );
    let found = widenings(ROLE, None, Some(&new));
    assert_eq!(
        whats(&found),
        [
            "Allow sts:AssumeRole on the role to service lambda.amazonaws.com",
            r#"Allow sqs:GetQueueUrl on {"Ref":"Q"} to the role"#,
            r#"Allow sqs:SendMessage on {"Ref":"Q"} to the role"#,
        ]
    );
    assert_eq!(found[0].policy, "AssumeRolePolicyDocument");
}

#[test]
fn a_removed_resource_never_widens() {
    let old = tls_only(
        json!("s3:*"),
        json!({"Bool": {"aws:SecureTransport": "false"}}),
    );
    assert!(widenings(BUCKET_POLICY, Some(&old), None).is_empty());
    assert!(widenings(ROLE, None, None).is_empty());
}

#[test]
fn types_without_policies_give_none() {
    let old = json!({"TableName": "a"});
    let new = json!({"TableName": "b", "Policies": "whatever"});
    assert!(widenings("AWS::DynamoDB::Table", Some(&old), Some(&new)).is_empty());
    assert!(widenings("AWS::DynamoDB::Table", None, Some(&new)).is_empty());
}

#[test]
fn malformed_documents_cannot_be_compared() {
    let good = policy(json!([allow(json!("sqs:SendMessage"), json!("*"))]));
    let cases = [
        json!({"PolicyName": "Writer", "Roles": [{"Ref": "Role"}], "PolicyDocument": {"Version": "2012-10-17"}}),
        policy(json!([{"Effect": "allow", "Action": "sqs:SendMessage", "Resource": "*"}])),
        policy(json!([{"Effect": "Allow", "Resource": "*"}])),
        policy(json!([{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": null}])),
        policy(
            json!([{"Fn::If": ["Prod", allow(json!("sqs:*"), json!("*")), {"Ref": "AWS::NoValue"}]}]),
        ),
        json!({"PolicyName": "Writer", "PolicyDocument": {"Fn::If": ["Prod", {}, {}]}}),
        json!({"PolicyName": "Writer", "PolicyDocument": "{not json"}),
        policy(
            json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": "x"}}]),
        ),
        json!("not properties"),
        json!(null),
    ];
    for case in cases {
        let found = diff(POLICY, good.clone(), case.clone());
        assert!(
            found.iter().any(|w| w.what.starts_with("cannot compare: ")),
            "{case}: {found:#?}"
        );
        // fixing it again: the old side could not be read either
        let back = diff(POLICY, case.clone(), good.clone());
        assert!(
            back.iter()
                .any(|w| w.what.starts_with("cannot compare: before the change")),
            "{case}: {back:#?}"
        );
        // unchanged, it is no change
        none(POLICY, case.clone(), case);
    }
    let found = diff(
        POLICY,
        good,
        policy(json!([{"Effect": "Allow", "Resource": "*"}])),
    );
    assert_eq!(
        whats(&found),
        ["cannot compare: PolicyDocument Statement[0]: has neither Action nor NotAction"]
    );
}

#[test]
fn no_json_makes_it_panic() {
    let junk = [
        json!(null),
        json!(1),
        json!("x"),
        json!([]),
        json!({}),
        json!([null, 1, "x", {}]),
        json!({"Statement": 3}),
        json!({"Statement": [3, null]}),
        json!({"AWS": {"a": 1}}),
        json!({"StringEquals": []}),
        json!({"Fn::GetAtt": ["A", "B"]}),
    ];
    let keys = [
        "AssumeRolePolicyDocument",
        "Policies",
        "ManagedPolicyArns",
        "PermissionsBoundary",
        "PolicyDocument",
        "Roles",
        "Users",
        "Groups",
        "Queues",
        "Topics",
        "Bucket",
        "Statement",
        "Principal",
        "Action",
        "Condition",
        "EventBusName",
        "FunctionName",
        "SourceArn",
    ];
    let types = [
        ROLE,
        "AWS::IAM::User",
        "AWS::IAM::Group",
        POLICY,
        "AWS::IAM::ManagedPolicy",
        QUEUE_POLICY,
        "AWS::SNS::TopicPolicy",
        BUCKET_POLICY,
        BUS_POLICY,
        PERMISSION,
        "AWS::IAM::UserToGroupAddition",
    ];
    for t in types {
        for key in keys {
            for v in &junk {
                let props = json!({key: v});
                let mut statement =
                    json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"});
                statement[key] = v.clone();
                let in_doc =
                    json!({"PolicyDocument": doc(json!([statement])), "Statement": statement});
                for (old, new) in [
                    (None, Some(&props)),
                    (Some(&props), Some(&in_doc)),
                    (Some(&in_doc), Some(&props)),
                ] {
                    let found = widenings(t, old, new);
                    let mut sorted = found.clone();
                    sorted.sort();
                    sorted.dedup();
                    assert_eq!(found, sorted);
                }
            }
        }
    }
}

#[test]
fn output_is_sorted_and_deduplicated() {
    let new = policy(json!([
        allow(json!(["sqs:SendMessage", "sqs:DeleteMessage"]), json!("*")),
        allow(json!("sqs:DeleteMessage"), json!("*")),
    ]));
    let found = widenings(POLICY, None, Some(&new));
    assert_eq!(
        whats(&found),
        [
            r#"Allow sqs:DeleteMessage on * to role {"Ref":"Role"}"#,
            r#"Allow sqs:SendMessage on * to role {"Ref":"Role"}"#,
        ]
    );
}

#[test]
fn a_document_as_json_text_reads_as_the_object() {
    let old = policy(json!([allow(json!("sqs:SendMessage"), json!("*"))]));
    let mut new = old.clone();
    new["PolicyDocument"] = Value::String(old["PolicyDocument"].to_string());
    none(POLICY, old, new);
}

#[test]
fn glob_coverage_is_sound() {
    assert!(glob_covers("s3:*", "s3:getobject"));
    assert!(glob_covers("s3:*", "s3:get*"));
    assert!(glob_covers("s3:get*", "s3:get?bject"));
    assert!(glob_covers("a?c", "abc"));
    assert!(glob_covers("a?c", "a?c"));
    assert!(!glob_covers("a?c", "a*c"));
    assert!(!glob_covers("s3:get*", "s3:*"));
    assert!(!glob_covers("abc", "ab?"));
    assert!(glob_covers("*", ""));
    assert!(!glob_covers("a", ""));
}

#[test]
fn a_federated_trust_whose_subject_becomes_a_pattern_widens() {
    let github = |op: &str, sub: &str| {
        let mut condition = json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}});
        condition[op]["token.actions.githubusercontent.com:sub"] = json!(sub);
        let trust = json!([{"Effect": "Allow", "Principal": {"Federated": {"Ref": "GitHubOidc"}},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}]);
        role(trust, json!([]))
    };
    let main = github("StringEquals", "repo:org/app:ref:refs/heads/main");
    let any_branch = github("StringLike", "repo:org/app:*");
    let found = diff(ROLE, main.clone(), any_branch.clone());
    assert_eq!(
        whats(&found),
        [
            r#"condition token.actions.githubusercontent.com:sub loosened from StringEquals repo:org/app:ref:refs/heads/main to StringLike repo:org/app:* in Allow sts:AssumeRoleWithWebIdentity on the role to federated {"Ref":"GitHubOidc"}"#
        ]
    );
    none(ROLE, any_branch, main);
}

#[test]
fn topic_and_managed_policies_are_read_too() {
    let topic = |actions: Value| {
        json!({"Topics": [{"Ref": "T"}], "PolicyDocument": doc(json!([
            {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": actions, "Resource": {"Ref": "T"}}
        ]))})
    };
    assert_eq!(
        whats(&diff(
            "AWS::SNS::TopicPolicy",
            topic(json!("sns:Publish")),
            topic(json!(["sns:Publish", "sns:Subscribe"]))
        )),
        [r#"Allow sns:Subscribe on {"Ref":"T"} to service events.amazonaws.com"#]
    );
    let managed =
        |actions: Value| json!({"PolicyDocument": doc(json!([allow(actions, json!("*"))]))});
    assert_eq!(
        whats(&diff(
            "AWS::IAM::ManagedPolicy",
            managed(json!("ec2:Describe*")),
            managed(json!("ec2:*"))
        )),
        ["Allow ec2:* on * to the identities it is attached to"]
    );
    none(
        "AWS::IAM::ManagedPolicy",
        managed(json!("ec2:*")),
        managed(json!("ec2:DescribeInstances")),
    );
}

#[test]
fn an_unreadable_document_attached_to_one_more_role_is_a_change() {
    let broken = json!({"Fn::If": ["Prod", {}, {}]});
    let old = json!({"PolicyName": "W", "Roles": [{"Ref": "A"}], "PolicyDocument": broken});
    let new =
        json!({"PolicyName": "W", "Roles": [{"Ref": "A"}, {"Ref": "B"}], "PolicyDocument": broken});
    let found = diff(POLICY, old, new);
    assert!(whats(&found).contains(&"cannot compare: PolicyDocument is an intrinsic function (Fn::If) whose value is known only at deploy time"), "{found:#?}");
}

#[test]
fn a_key_twice_in_one_condition_cannot_be_compared() {
    let old = policy(json!([allow(json!("s3:GetObject"), json!("*"))]));
    let new = policy(
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1", "AWS:SourceVpc": "vpc-2"}}}]),
    );
    let found = diff(POLICY, old, new);
    assert!(
        whats(&found)[0].starts_with(
            "cannot compare: PolicyDocument Statement[0]: Condition has AWS:SourceVpc twice"
        ),
        "{found:#?}"
    );
}

#[test]
fn a_deny_excluding_more_denies_less() {
    let deny = |vpcs: Value| {
        json!({"Bucket": "b", "PolicyDocument": doc(json!([{"Effect": "Deny", "Principal": "*",
        "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringNotEquals": {"aws:SourceVpc": vpcs}}}]))})
    };
    none(
        BUCKET_POLICY,
        deny(json!(["vpc-1", "vpc-2"])),
        deny(json!("vpc-1")),
    );
    assert_eq!(
        whats(&diff(
            BUCKET_POLICY,
            deny(json!("vpc-1")),
            deny(json!(["vpc-1", "vpc-2"]))
        )),
        [
            "Deny s3:* on arn:aws:s3:::b/* to anyone (*) denies less: condition aws:SourceVpc tightened from StringNotEquals vpc-1 to StringNotEquals [vpc-1, vpc-2]"
        ]
    );
}

#[test]
fn a_user_added_to_a_group_widens() {
    let user = |groups: Value| json!({"Groups": groups});
    assert_eq!(
        diff(
            "AWS::IAM::User",
            user(json!(["ops"])),
            user(json!(["ops", "admins"]))
        ),
        vec![Widening {
            policy: "Groups".into(),
            what: "added to group admins (its policies are not compared)".into(),
        }]
    );
    let addition = |users: Value| json!({"GroupName": "admins", "Users": users});
    assert_eq!(
        whats(&diff(
            "AWS::IAM::UserToGroupAddition",
            addition(json!(["a"])),
            addition(json!(["a", "b"]))
        )),
        ["user b added to the group"]
    );
}

/// The checked-in templates: every policy tributary writes is readable, and unchanged is none.
#[test]
fn every_policy_tributary_writes_is_read() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/reservations");
    let mut read = 0;
    for name in [
        "Reservations.template.json",
        "StaffNotifications.template.json",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let template: Value = serde_json::from_str(&text).unwrap();
        for (id, resource) in template["Resources"].as_object().unwrap() {
            let t = resource["Type"].as_str().unwrap();
            let props = &resource["Properties"];
            assert!(widenings(t, Some(props), Some(props)).is_empty(), "{id}");
            let added = widenings(t, None, Some(props));
            assert!(
                !added.iter().any(|w| w.what.starts_with("cannot compare")),
                "{id}: {added:#?}"
            );
            if added.iter().any(|w| w.what.starts_with("Allow ")) {
                read += 1;
            }
        }
    }
    // the roles' trust policies, their policies, the queue policy and the permissions (not the
    // bucket policy: it only denies)
    assert!(read >= 9, "{read}");
}

#[test]
fn an_event_bus_s_inline_policy_is_compared_like_a_bus_policy() {
    let bus = |accounts: &[&str]| {
        let statements: Vec<Value> = accounts
            .iter()
            .map(|a| json!({"Sid": format!("PutEventsFrom{a}"), "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{a}:root")},
                "Action": "events:PutEvents", "Resource": "arn:aws:events:eu-west-1:111111111111:event-bus/central"}))
            .collect();
        let mut props = json!({"Name": "central"});
        if !statements.is_empty() {
            props["Policy"] = doc(Value::Array(statements));
        }
        props
    };
    let found = diff(
        "AWS::Events::EventBus",
        bus(&["333333333333"]),
        bus(&["333333333333", "444444444444"]),
    );
    assert_eq!(
        whats(&found),
        [
            "Allow events:PutEvents on arn:aws:events:eu-west-1:111111111111:event-bus/central to AWS arn:aws:iam::444444444444:root"
        ]
    );
    assert_eq!(found[0].policy, "Policy");
    // A new bus with a policy grants what it says; one without grants nothing.
    assert_eq!(
        widenings("AWS::Events::EventBus", None, Some(&bus(&["333333333333"]))).len(),
        1
    );
    assert!(widenings("AWS::Events::EventBus", None, Some(&bus(&[]))).is_empty());
    none(
        "AWS::Events::EventBus",
        bus(&["333333333333", "444444444444"]),
        bus(&["333333333333"]),
    );
    none("AWS::Events::EventBus", bus(&["333333333333"]), bus(&[]));
}

#[test]
fn a_route_that_checks_its_callers_less_is_a_widening() {
    const ROUTE: &str = "AWS::ApiGatewayV2::Route";
    let route = |auth: Option<&str>, scopes: &[&str]| {
        let mut r = json!({"ApiId": {"Ref": "Api"}, "RouteKey": "POST /reservations"});
        if let Some(kind) = auth {
            r["AuthorizationType"] = json!(kind);
        }
        if auth == Some("JWT") {
            r["AuthorizerId"] = json!({"Ref": "ApiDiners"});
            r["AuthorizationScopes"] = json!(scopes);
        }
        r
    };
    let jwt = route(Some("JWT"), &["reservations/write"]);
    let opened = diff(ROUTE, jwt.clone(), route(None, &[]));
    let found = whats(&opened);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|w| w.starts_with("authorization JWT removed")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|w| w.starts_with("scope reservations/write no longer required")),
        "{found:#?}"
    );
    assert_eq!(
        whats(&diff(ROUTE, jwt.clone(), route(Some("JWT"), &[]))),
        ["scope reservations/write no longer required of the route's callers"]
    );
    // Adding authorization or a scope, or a route that has always been open, widens nothing.
    none(ROUTE, route(None, &[]), jwt.clone());
    none(ROUTE, route(Some("JWT"), &[]), jwt.clone());
    none(ROUTE, route(Some("NONE"), &[]), jwt.clone());
    none(ROUTE, route(Some("NONE"), &[]), route(Some("AWS_IAM"), &[]));
    assert!(widenings(ROUTE, None, Some(&route(Some("NONE"), &[]))).is_empty());
}
