#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::{Value, json};

use super::*;

fn templates(stacks: &[(&str, Value)]) -> Templates {
    stacks
        .iter()
        .map(|(name, t)| ((*name).to_owned(), Template::from_json(t).unwrap()))
        .collect()
}

fn one(resources: Value) -> Templates {
    templates(&[("S", json!({ "Resources": resources }))])
}

fn resource<'a>(d: &'a AppDiff, id: &str) -> &'a ResourceDiff {
    d.stacks
        .iter()
        .flat_map(|s| &s.resources)
        .find(|r| r.logical_id == id)
        .unwrap_or_else(|| panic!("{id} is not in the diff: {d:#?}"))
}

fn notes(r: &ResourceDiff, kind: NoteKind) -> Vec<&str> {
    r.notes
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.text.as_str())
        .collect()
}

fn table(props: Value, policy: &str) -> Value {
    json!({"Type": "AWS::DynamoDB::Table", "Properties": props, "DeletionPolicy": policy, "UpdateReplacePolicy": policy})
}

fn key(name: &str) -> Value {
    json!({
        "KeySchema": [{"AttributeName": name, "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"}],
        "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    })
}

fn mapping(position: &str) -> Value {
    json!({"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
        "EventSourceArn": {"Fn::GetAtt": ["T", "StreamArn"]},
        "FunctionName": {"Ref": "F"},
        "StartingPosition": position,
        "BatchSize": 10
    }})
}

#[test]
fn an_unchanged_app_has_no_changes() {
    let t = one(json!({"T": table(key("id"), "Retain")}));
    let d = diff(&t, &t);
    assert_eq!(d.stacks[0].status, StackStatus::Unchanged);
    assert_eq!(d.summary, Summary::default());
}

#[test]
fn a_replaced_retained_table_orphans_its_data_and_replaces_the_mapping_on_its_stream() {
    let base = one(json!({"T": table(key("id"), "Retain"), "M": mapping("LATEST")}));
    let now = one(json!({"T": table(key("pk"), "Retain"), "M": mapping("LATEST")}));
    let d = diff(&base, &now);
    let t = resource(&d, "T");
    assert_eq!(t.replacement, Replacement::Always);
    assert!(t.data_loss);
    assert!(
        notes(t, NoteKind::DataLoss)[0].contains("orphaned"),
        "{t:#?}"
    );
    let m = resource(&d, "M");
    assert_eq!(m.replacement, Replacement::Always, "{m:#?}");
    assert_eq!(m.properties[0].path, "EventSourceArn");
    assert_eq!(d.summary.replacements, 2);
    assert_eq!(d.summary.data_loss, 1);
}

#[test]
fn a_replaced_table_without_retain_is_deleted_with_its_data() {
    let base = one(json!({"T": table(key("id"), "Delete")}));
    let now = one(json!({"T": table(key("pk"), "Delete")}));
    let d = diff(&base, &now);
    assert!(notes(resource(&d, "T"), NoteKind::DataLoss)[0].contains("DELETED"));
}

#[test]
fn a_new_stream_view_type_replaces_every_mapping_on_the_stream_but_not_the_table() {
    let mut k = key("id");
    let base = one(json!({"T": table(k.clone(), "Retain"), "M": mapping("LATEST")}));
    k["StreamSpecification"]["StreamViewType"] = json!("NEW_IMAGE");
    let now = one(json!({"T": table(k, "Retain"), "M": mapping("LATEST")}));
    let d = diff(&base, &now);
    let t = resource(&d, "T");
    assert_eq!(t.replacement, Replacement::Never);
    assert!(!t.data_loss);
    let m = resource(&d, "M");
    assert_eq!(m.replacement, Replacement::Always);
    assert!(
        m.properties[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("new stream ARN"),
        "{m:#?}"
    );
}

#[test]
fn a_mapping_on_a_new_stream_strands_the_old_records_instead_of_delivering_them_again() {
    let mut k = key("id");
    let base = one(json!({"T": table(k.clone(), "Retain"), "M": mapping("TRIM_HORIZON")}));
    k["StreamSpecification"]["StreamViewType"] = json!("NEW_IMAGE");
    let now = one(json!({"T": table(k, "Retain"), "M": mapping("TRIM_HORIZON")}));
    let d = diff(&base, &now);
    let info = notes(resource(&d, "M"), NoteKind::Info);
    assert!(info.iter().any(|n| n.contains("stranded")), "{info:#?}");
    assert!(
        !info.iter().any(|n| n.contains("delivered again")),
        "{info:#?}"
    );
    // A replaced table: a new table, a new stream, nothing delivered again either.
    let base = one(json!({"T": table(key("id"), "Retain"), "M": mapping("TRIM_HORIZON")}));
    let now = one(json!({"T": table(key("pk"), "Retain"), "M": mapping("TRIM_HORIZON")}));
    let d = diff(&base, &now);
    let info = notes(resource(&d, "M"), NoteKind::Info);
    assert!(
        info.iter().any(|n| n.contains("another stream")),
        "{info:#?}"
    );
    assert!(
        !info.iter().any(|n| n.contains("delivered again")),
        "{info:#?}"
    );
}

#[test]
fn a_new_stack_description_alone_modifies_the_stack() {
    let stack = |d: &str| json!({"Description": d, "Resources": {"T": table(key("id"), "Retain")}});
    let d = diff(
        &templates(&[("S", stack("old"))]),
        &templates(&[("S", stack("new"))]),
    );
    assert_eq!(d.stacks[0].status, StackStatus::Modified);
    assert!(d.stacks[0].resources.is_empty());
    assert!(d.stacks[0].notes[0].contains(r#""old" -> "new""#), "{d:#?}");
    assert_eq!(d.summary, Summary::default());
    assert!(render::text(&d, render::Style { color: false }).contains("Description"));
}

#[test]
fn a_mapping_replaced_onto_the_same_function_and_stream_cannot_deploy() {
    let base = one(json!({"T": table(key("id"), "Retain"), "M": mapping("LATEST")}));
    let now = one(json!({"T": table(key("id"), "Retain"), "M": mapping("TRIM_HORIZON")}));
    let d = diff(&base, &now);
    let m = resource(&d, "M");
    assert_eq!(m.replacement, Replacement::Always);
    assert!(notes(m, NoteKind::Error)[0].contains("mapping already exists"));
    assert!(
        notes(m, NoteKind::Info)
            .iter()
            .any(|n| n.contains("TRIM_HORIZON"))
    );
    assert_eq!(d.summary.errors, 1);
}

#[test]
fn a_replaced_resource_with_a_fixed_name_cannot_deploy() {
    let mut k = key("id");
    k["TableName"] = json!("orders");
    let base = one(json!({"T": table(k.clone(), "Retain")}));
    let mut k2 = key("pk");
    k2["TableName"] = json!("orders");
    let now = one(json!({"T": table(k2, "Retain")}));
    let d = diff(&base, &now);
    assert!(notes(resource(&d, "T"), NoteKind::Error)[0].contains("\"orders\""));
}

#[test]
fn a_nested_update_is_never_a_replacement() {
    let base = one(json!({"M": mapping("LATEST")}));
    let mut m = mapping("LATEST");
    m["Properties"]["BatchSize"] = json!(100);
    let now = one(json!({"M": m}));
    let d = diff(&base, &now);
    let m = resource(&d, "M");
    assert_eq!(m.replacement, Replacement::Never);
    assert_eq!(m.properties[0].old, Some(json!(10)));
    assert_eq!(m.properties[0].new, Some(json!(100)));
}

#[test]
fn a_type_change_replaces() {
    let base = one(json!({"Q": {"Type": "AWS::SQS::Queue"}}));
    let now = one(json!({"Q": {"Type": "AWS::SNS::Topic"}}));
    let d = diff(&base, &now);
    assert_eq!(resource(&d, "Q").replacement, Replacement::Always);
}

#[test]
fn a_moved_logical_id_of_a_stateful_resource_is_a_remove_and_an_add_with_the_override_named() {
    let base = one(json!({"OrdersTable": table(key("id"), "Retain")}));
    let now = one(json!({"BookingsTable": table(key("id"), "Retain")}));
    let d = diff(&base, &now);
    let old = resource(&d, "OrdersTable");
    assert_eq!(old.change, Change::Removed);
    assert!(old.data_loss);
    assert!(
        notes(old, NoteKind::DataLoss)
            .iter()
            .any(|n| n.contains("logicalIdOverrides") && n.contains("BookingsTable"))
    );
    assert_eq!(resource(&d, "BookingsTable").change, Change::Added);
}

#[test]
fn an_export_another_stack_imports_cannot_change() {
    let exporter = |id: &str| {
        json!({
            "Resources": {"B": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "b"}}},
            "Outputs": {"X": {"Value": {"Ref": id}, "Export": {"Name": "P:Bus"}}}
        })
    };
    let importer = json!({"Resources": {"R": {"Type": "AWS::Events::Rule", "Properties": {
        "EventBusName": {"Fn::ImportValue": "P:Bus"}
    }}}});
    let base = templates(&[("P", exporter("B")), ("C", importer.clone())]);
    let now = templates(&[("P", exporter("B2")), ("C", importer)]);
    let d = diff(&base, &now);
    let p = d.stacks.iter().find(|s| s.name == "P").unwrap();
    assert_eq!(p.errors.len(), 1, "{p:#?}");
    assert!(p.errors[0].contains("C imports it"));
    assert!(p.errors[0].contains("First deploy C"));
    // Not imported: free to change.
    let base = templates(&[("P", exporter("B"))]);
    let now = templates(&[("P", exporter("B2"))]);
    assert!(diff(&base, &now).stacks[0].errors.is_empty());
}

#[test]
fn a_new_rule_target_sends_data_somewhere_new() {
    let rule = |targets: Value| json!({"R": {"Type": "AWS::Events::Rule", "Properties": {"Targets": targets}}});
    let base = one(rule(
        json!([{"Id": "a", "Arn": {"Fn::GetAtt": ["F", "Arn"]}}]),
    ));
    let now = one(rule(json!([
        {"Id": "a", "Arn": {"Fn::GetAtt": ["F", "Arn"]}},
        {"Id": "b", "Arn": "arn:aws:sqs:eu-west-1:123456789012:elsewhere"}
    ])));
    let d = diff(&base, &now);
    let r = resource(&d, "R");
    assert!(r.iam_widening);
    assert!(notes(r, NoteKind::Widening)[0].contains("elsewhere"));
    // Dropping a target sends data nowhere new.
    let d = diff(&now, &base);
    assert!(!resource(&d, "R").iam_widening);
}

#[test]
fn a_removed_stack_removes_its_resources_and_an_added_one_adds_them() {
    let base = one(json!({"Q": {"Type": "AWS::SQS::Queue"}}));
    let d = diff(&base, &Templates::new());
    assert_eq!(d.stacks[0].status, StackStatus::Removed);
    assert!(resource(&d, "Q").data_loss);
    let d = diff(&Templates::new(), &base);
    assert_eq!(d.stacks[0].status, StackStatus::Added);
    assert!(!resource(&d, "Q").data_loss);
}

#[test]
fn the_base_is_read_from_a_cloud_assembly_or_a_folder_of_templates() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        read_base(dir.path())
            .unwrap_err()
            .0
            .contains("no manifest.json")
    );
    std::fs::write(dir.path().join("A.template.json"), r#"{"Resources": {}}"#).unwrap();
    assert!(read_base(dir.path()).unwrap().contains_key("A"));
    std::fs::write(
        dir.path().join("manifest.json"),
        r#"{"artifacts": {"A": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "A.template.json", "stackName": "Named"}}}}"#,
    )
    .unwrap();
    assert!(read_base(dir.path()).unwrap().contains_key("Named"));
    std::fs::write(dir.path().join("A.template.json"), "not json").unwrap();
    assert!(read_base(dir.path()).unwrap_err().0.contains("is not JSON"));
    assert!(read_base(&dir.path().join("missing")).is_err());
}

#[test]
fn identical_bytes_are_unchanged_unparsed_and_an_unchanged_importer_still_counts() {
    let exporter = |id: &str| {
        serde_json::to_vec(&json!({
            "Resources": {"B": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "b"}}},
            "Outputs": {"X": {"Value": {"Ref": id}, "Export": {"Name": "P:Bus"}}}
        }))
        .unwrap()
    };
    let importer = serde_json::to_vec(&json!({"Resources": {"R": {"Type": "AWS::Events::Rule",
        "Properties": {"EventBusName": {"Fn::ImportValue": "P:Bus"}}}}}))
    .unwrap();
    // Not JSON, but the same on both sides: never parsed.
    let opaque = b"not json".to_vec();
    let base = vec![
        ("C".to_owned(), importer.clone()),
        ("O".to_owned(), opaque.clone()),
        ("P".to_owned(), exporter("B")),
    ];
    let now = vec![
        ("C".to_owned(), importer),
        ("O".to_owned(), opaque),
        ("P".to_owned(), exporter("B2")),
    ];
    let d = diff_bytes(&base, &now).unwrap();
    let names: Vec<&str> = d.stacks.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["C", "O", "P"]);
    assert_eq!(d.stacks[0].status, StackStatus::Unchanged);
    assert_eq!(d.stacks[1].status, StackStatus::Unchanged);
    let p = &d.stacks[2];
    assert_eq!(p.errors.len(), 1, "{p:#?}");
    assert!(p.errors[0].contains("C imports it"));
    assert_eq!(d.summary.errors, 1);
    // A stack that differs and is not JSON is an error, not a panic.
    let broken = vec![("O".to_owned(), b"{".to_vec())];
    assert!(diff_bytes(&broken, &[("O".to_owned(), b"{}".to_vec())]).is_err());
}

#[test]
fn a_new_mapping_on_an_existing_stream_and_backups_turned_off_are_said() {
    let mut k = key("id");
    k["PointInTimeRecoverySpecification"] = json!({"PointInTimeRecoveryEnabled": true});
    let base = one(json!({"T": table(k.clone(), "Retain")}));
    k["PointInTimeRecoverySpecification"] = json!({"PointInTimeRecoveryEnabled": false});
    let now = one(json!({"T": table(k, "Retain"), "M": mapping("TRIM_HORIZON")}));
    let d = diff(&base, &now);
    assert!(notes(resource(&d, "M"), NoteKind::Info)[0].contains("delivered again"));
    assert!(
        notes(resource(&d, "T"), NoteKind::Info)
            .iter()
            .any(|n| n.contains("continuous backups are deleted"))
    );
}
