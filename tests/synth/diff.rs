//! `tributary diff` on changes a team makes to the example: each case edits the spec, and its
//! snapshot is the JSON verdict on every changed resource against the checked-in templates.

use std::path::Path;

use tributary::diff::{self, render};

use crate::common::{root, snapshot_settings};

const EXAMPLE: &str = include_str!("../../examples/reservations.yaml");

/// The diff of the example edited by `edits` against its checked-in templates.
fn diff_json(edits: &[(&str, &str)]) -> serde_json::Value {
    let mut text = EXAMPLE.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "the edit does not apply: no\n{from}");
        text = text.replacen(from, to, 1);
    }
    let spec = tributary::spec::parse(Path::new("examples/reservations.yaml"), &text).unwrap();
    let synth = tributary::spec::build(&spec, &root()).synth().unwrap();
    let current = diff::templates_of(&synth).unwrap();
    let base = diff::read_base(&root().join("templates/reservations")).unwrap();
    let result = diff::diff(&base, &current);
    serde_json::from_str(&render::json(&result)).unwrap()
}

/// The verdict per changed resource, one line each: what a reviewer must not miss.
fn verdicts(json: &serde_json::Value) -> String {
    let mut lines = Vec::new();
    for stack in json["stacks"].as_array().unwrap() {
        for r in stack["resources"].as_array().unwrap() {
            lines.push(format!(
                "{}/{} {} {} replacement={} dataLoss={} iamWidening={}",
                stack["name"].as_str().unwrap(),
                r["logicalId"].as_str().unwrap(),
                r["type"].as_str().unwrap(),
                r["change"].as_str().unwrap(),
                r["replacement"].as_str().unwrap(),
                r["dataLoss"],
                r["iamWidening"],
            ));
        }
    }
    lines.join("\n")
}

macro_rules! case {
    ($name:ident, $edits:expr) => {
        #[test]
        fn $name() {
            let json = diff_json($edits);
            snapshot_settings(|| {
                insta::assert_snapshot!(concat!("diff_", stringify!($name)), verdicts(&json));
                insta::assert_json_snapshot!(concat!("diff_", stringify!($name), "_json"), json);
            });
        }
    };
}

#[test]
fn the_unedited_example_is_unchanged() {
    let json = diff_json(&[]);
    assert_eq!(
        json["summary"],
        serde_json::json!({"replacements": 0, "dataLoss": 0, "iamWidening": 0})
    );
    assert!(
        json["stacks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "unchanged")
    );
}

case!(
    a_new_partition_key_replaces_the_table_and_the_mapping_on_its_stream,
    &[(
        "partitionKey: { name: reservationId, type: S }",
        "partitionKey: { name: id, type: S }"
    )]
);
case!(
    a_smaller_batch_is_an_update,
    &[("batchSize: 100", "batchSize: 50")]
);
case!(
    renaming_the_pattern_moves_the_table_logical_id,
    &[
        (
            "    streamToBus:\n      Reservations:",
            "    streamToBus:\n      Bookings:"
        ),
        (
            "bus: Reservations/Reservations",
            "bus: Reservations/Bookings"
        ),
    ]
);
case!(
    renaming_a_function_moves_its_log_group,
    &[
        (
            "      CreateReservation:\n        handler",
            "      CreateBooking:\n        handler"
        ),
        ("writers: [CreateReservation]", "writers: [CreateBooking]"),
        ("function: CreateReservation }", "function: CreateBooking }"),
    ]
);
case!(
    a_second_route_adds_api_resources,
    &[(
        "          - { method: POST, path: /reservations, function: CreateReservation }",
        "          - { method: POST, path: /reservations, function: CreateReservation }\n          - { method: PUT, path: /reservations, function: CreateReservation }",
    )]
);
case!(
    a_rule_pattern_change_is_an_update,
    &[(
        "detailType: [ReservationCreated]",
        "detailType: [ReservationCreated, ReservationCancelled]"
    )]
);
case!(
    renaming_the_consumer_stack_removes_one_stack_and_adds_another,
    &[("\n  StaffNotifications:\n", "\n  Notifications:\n")]
);
