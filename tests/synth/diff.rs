//! `tributary diff` on changes a team makes to the example: each case edits the spec, and its
//! snapshot is the JSON verdict on every changed resource against the checked-in templates.

use std::path::Path;

use tributary::diff::{self, render};

use crate::common::{root, snapshot_settings};

const EXAMPLE: &str = include_str!("../../examples/reservations.yaml");

/// The example's last stack, the consumer: everything from its name on.
fn consumer_stack() -> &'static str {
    let start = EXAMPLE.find("\n  StaffNotifications:\n").unwrap();
    &EXAMPLE[start..]
}

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

// Keys.
case!(
    a_partition_key_type_change_replaces_the_table,
    &[(
        "partitionKey: { name: reservationId, type: S }",
        "partitionKey: { name: reservationId, type: N }"
    )]
);
case!(
    adding_a_sort_key_replaces_the_table,
    &[(
        "partitionKey: { name: reservationId, type: S }",
        "partitionKey: { name: reservationId, type: S }\n          sortKey: { name: createdAt, type: S }"
    )]
);

// Table settings.
case!(
    provisioned_billing_is_an_update,
    &[(
        "partitionKey: { name: reservationId, type: S }",
        "partitionKey: { name: reservationId, type: S }\n          billing: { provisioned: { read: 5, write: 5 } }"
    )]
);
case!(
    turning_off_point_in_time_recovery_is_an_update,
    &[(
        "partitionKey: { name: reservationId, type: S }",
        "partitionKey: { name: reservationId, type: S }\n          pointInTimeRecovery: false"
    )]
);
case!(
    a_time_to_live_attribute_is_an_update,
    &[(
        "partitionKey: { name: reservationId, type: S }",
        "partitionKey: { name: reservationId, type: S }\n          timeToLiveAttribute: expiresAt"
    )]
);
case!(
    turning_off_deletion_protection_is_an_update,
    &[(
        "partitionKey: { name: reservationId, type: S }",
        "partitionKey: { name: reservationId, type: S }\n          deletionProtection: false"
    )]
);
case!(
    a_new_stream_view_type_replaces_the_mapping_on_the_stream,
    &[(
        "partitionKey: { name: reservationId, type: S }",
        "partitionKey: { name: reservationId, type: S }\n          stream: NEW_IMAGE"
    )]
);

// Stream mapping settings.
case!(more_retries_is_an_update, &[("retries: 3", "retries: 10")]);
case!(
    a_shorter_max_record_age_is_an_update,
    &[("maxRecordAge: 3600", "maxRecordAge: 600")]
);
case!(
    starting_at_latest_replaces_the_mapping_and_collides_with_it,
    &[(
        "batchSize: 100",
        "batchSize: 100\n          startingPosition: LATEST"
    )]
);
case!(
    a_stream_filter_is_an_update,
    &[(
        "batchSize: 100",
        "batchSize: 100\n          filters:\n            - { eventName: [INSERT] }"
    )]
);
case!(
    a_batching_window_and_parallelization_are_an_update,
    &[(
        "batchSize: 100",
        "batchSize: 100\n          maxBatchingWindowSeconds: 5\n          parallelizationFactor: 2"
    )]
);
case!(
    disabling_the_mapping_is_an_update,
    &[("batchSize: 100", "batchSize: 100\n          enabled: false")]
);

// Grants.
case!(
    a_second_writer_widens_the_policy,
    &[
        (
            "    streamToBus:\n",
            "      CancelReservation:\n        handler: create-reservation\n    streamToBus:\n"
        ),
        (
            "writers: [CreateReservation]",
            "writers: [CreateReservation, CancelReservation]"
        ),
    ]
);
case!(
    removing_the_writer_narrows_the_policy,
    &[("        writers: [CreateReservation]\n", "")]
);
case!(
    sending_from_a_second_address_widens_the_policy,
    &[(
        "sendEmailFrom: [reservations@example.com]",
        "sendEmailFrom: [reservations@example.com, bookings@example.org]"
    )]
);
case!(
    no_longer_sending_email_narrows_the_policy,
    &[("        sendEmailFrom: [reservations@example.com]\n", "")]
);

// Functions.
case!(
    more_memory_and_a_longer_timeout_are_an_update,
    &[(
        "          timeoutSeconds: 30",
        "          timeoutSeconds: 60\n          memorySize: 1024"
    )]
);
case!(
    a_new_function_description_is_an_update,
    &[(
        "Validates a reservation request and writes it to the table",
        "Validates a reservation and stores it"
    )]
);
case!(
    renaming_a_function_with_overrides_keeps_every_logical_id,
    &[
        (
            "      CreateReservation:\n        handler",
            "      CreateBooking:\n        handler"
        ),
        ("writers: [CreateReservation]", "writers: [CreateBooking]"),
        ("function: CreateReservation }", "function: CreateBooking }"),
        (
            "    description: Restaurant reservations - API, table, stream publisher and event bus\n",
            "    description: Restaurant reservations - API, table, stream publisher and event bus\n    logicalIdOverrides:\n      CreateBooking/Resource: CreateReservation\n      CreateBooking/LogGroup: CreateReservationLogGroup\n      CreateBooking/ServiceRole: CreateReservationServiceRole\n      CreateBooking/ServiceRole/DefaultPolicy: CreateReservationServiceRoleDefaultPolicy\n      CreateBooking/ErrorsAlarm/Resource: CreateReservationErrorsAlarm\n",
        ),
    ]
);

// Renames that keep the data.
case!(
    renaming_the_pattern_with_an_override_keeps_the_table,
    &[
        (
            "    streamToBus:\n      Reservations:",
            "    streamToBus:\n      Bookings:"
        ),
        (
            "bus: Reservations/Reservations",
            "bus: Reservations/Bookings"
        ),
        (
            "    description: Restaurant reservations - API, table, stream publisher and event bus\n",
            "    description: Restaurant reservations - API, table, stream publisher and event bus\n    logicalIdOverrides:\n      Bookings/Table/Resource: ReservationsTable\n",
        ),
    ]
);

case!(
    renaming_the_pattern_with_overrides_and_its_bus_name_keeps_all_but_the_registry,
    &[
        (
            "    streamToBus:\n      Reservations:",
            "    streamToBus:\n      Bookings:"
        ),
        (
            "bus: Reservations/Reservations",
            "bus: Reservations/Bookings"
        ),
        (
            "        alertTopic: Alerts\n",
            "        alertTopic: Alerts\n        bus: { name: Reservations-ReservationsBus }\n"
        ),
        (
            "    description: Restaurant reservations - API, table, stream publisher and event bus\n",
            "    description: Restaurant reservations - API, table, stream publisher and event bus\n    logicalIdOverrides:\n      Bookings/Table/Resource: ReservationsTable\n      Bookings/Bus/Resource: ReservationsBus\n      Bookings/Bus/Archive: ReservationsBusArchive\n      Bookings/FailedBatches/Resource: ReservationsFailedBatches\n      Bookings/Publisher/LogGroup: ReservationsPublisherLogGroup\n      Bookings/Schemas/Resource: ReservationsSchemas\n",
        ),
    ]
);

// Topics and alarms.
case!(
    renaming_the_alert_topic_replaces_it_and_updates_the_alarms,
    &[
        (
            "      Alerts:\n        emailSubscriptions",
            "      Oncall:\n        emailSubscriptions"
        ),
        ("alertTopic: Alerts", "alertTopic: Oncall"),
        ("alertTopic: Alerts", "alertTopic: Oncall"),
    ]
);
case!(
    a_second_alert_email_adds_a_subscription,
    &[(
        "emailSubscriptions: [oncall@example.com]",
        "emailSubscriptions: [oncall@example.com, lead@example.com]"
    )]
);
case!(
    a_new_alert_email_replaces_the_subscription,
    &[(
        "emailSubscriptions: [oncall@example.com]",
        "emailSubscriptions: [pager@example.com]"
    )]
);

// The bus.
case!(
    naming_the_bus_replaces_it_and_its_archive,
    &[(
        "        alertTopic: Alerts\n",
        "        alertTopic: Alerts\n        bus: { name: reservations-events }\n"
    )]
);
case!(
    dropping_the_archive_loses_the_archived_events,
    &[(
        "        alertTopic: Alerts\n",
        "        alertTopic: Alerts\n        bus: { archiveRetentionDays: null }\n"
    )]
);

// Routes.
case!(
    a_new_route_path_removes_the_old_route_and_adds_one,
    &[("path: /reservations, function", "path: /bookings, function")]
);
case!(
    removing_the_api_loses_its_access_logs,
    &[(
        "    httpApis:\n      Api:\n        alertTopic: Alerts\n        routes:\n          - { method: POST, path: /reservations, function: CreateReservation }\n        # Every route needs a signed-in diner's token. The user pool and app client id are\n        # placeholders: put your own Cognito user pool (or any OpenID Connect issuer) here.\n        defaultAuth: { jwt: Diners, scopes: [reservations/write] }\n        authorizers:\n          Diners:\n            jwt:\n              issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example0\n              audience: [4example0client0id0placeholder]\n",
        ""
    )]
);

// Rules and targets.
case!(
    a_second_rule_adds_a_rule_and_a_grant,
    &[(
        "        targets:\n          - function: NotifyStaff\n            retry: { maxAttempts: 10, maxEventAgeSeconds: 3600 }\n",
        "        targets:\n          - function: NotifyStaff\n            retry: { maxAttempts: 10, maxEventAgeSeconds: 3600 }\n      OnReservationCancelled:\n        bus: Reservations/Reservations\n        pattern:\n          source: [reservations]\n          detailType: [ReservationCancelled]\n        targets:\n          - function: NotifyStaff\n"
    )]
);
case!(
    removing_the_rule_loses_its_dead_letter_queue,
    &[(
        "    rules:\n      OnReservationCreated:\n        bus: Reservations/Reservations\n        description: New reservations go to NotifyStaff\n        pattern:\n          source: [reservations]\n          detailType: [ReservationCreated]\n        targets:\n          - function: NotifyStaff\n            retry: { maxAttempts: 10, maxEventAgeSeconds: 3600 }\n",
        ""
    )]
);
case!(
    renaming_a_rule_moves_it_and_its_dead_letter_queue,
    &[("      OnReservationCreated:\n", "      OnNewReservation:\n")]
);
case!(
    disabling_the_rule_is_an_update,
    &[(
        "        description: New reservations go to NotifyStaff\n",
        "        description: New reservations go to NotifyStaff\n        enabled: false\n"
    )]
);
case!(
    a_second_target_widens_who_the_rule_sends_to,
    &[
        (
            "    rules:\n",
            "      AuditReservation:\n        handler: notify-staff\n    rules:\n"
        ),
        (
            "            retry: { maxAttempts: 10, maxEventAgeSeconds: 3600 }\n",
            "            retry: { maxAttempts: 10, maxEventAgeSeconds: 3600 }\n          - function: AuditReservation\n"
        ),
    ]
);
case!(
    a_target_retry_change_is_an_update,
    &[(
        "retry: { maxAttempts: 10, maxEventAgeSeconds: 3600 }",
        "retry: { maxAttempts: 3, maxEventAgeSeconds: 600 }"
    )]
);

// Stacks.
case!(
    a_new_stack_is_added_whole,
    &[(
        "\n  StaffNotifications:\n",
        "\n  Audit:\n    functions:\n      AuditReservation:\n        handler: notify-staff\n    rules:\n      AuditEverything:\n        bus: Reservations/Reservations\n        pattern:\n          source: [reservations]\n        targets:\n          - function: AuditReservation\n\n  StaffNotifications:\n"
    )]
);
case!(
    removing_the_consumer_stack_removes_it_whole,
    &[(consumer_stack(), "\n")]
);
case!(
    a_new_stack_description_changes_no_resource,
    &[(
        "description: Tells the restaurant's staff about new reservations",
        "description: Tells staff about new reservations"
    )]
);

/// The override a moved logical ID needs is printed whole, and applying it keeps the table.
#[test]
fn a_moved_table_is_kept_by_the_override_the_diff_prints() {
    let rename = [
        (
            "    streamToBus:\n      Reservations:",
            "    streamToBus:\n      Bookings:",
        ),
        (
            "bus: Reservations/Reservations",
            "bus: Reservations/Bookings",
        ),
    ];
    let run = |edits: &[(&str, &str)]| {
        let mut text = EXAMPLE.to_owned();
        for (from, to) in edits {
            assert!(text.contains(from), "the edit does not apply: no\n{from}");
            text = text.replacen(from, to, 1);
        }
        let spec = tributary::spec::parse(Path::new("examples/reservations.yaml"), &text).unwrap();
        let synth = tributary::spec::build(&spec, &root()).synth().unwrap();
        let base = diff::read_base(&root().join("templates/reservations")).unwrap();
        let mut result = diff::diff(&base, &diff::templates_of(&synth).unwrap());
        diff::name_overrides(&mut result, &synth);
        result
    };
    let result = run(&rename);
    let table = result
        .stacks
        .iter()
        .flat_map(|s| &s.resources)
        .find(|r| r.logical_id == "ReservationsTable")
        .unwrap();
    assert!(table.data_loss);
    let entry = "logicalIdOverrides: { Bookings/Table/Resource: ReservationsTable }";
    assert!(
        table.notes.iter().any(|n| n.text.contains(entry)),
        "{:#?}",
        table.notes
    );
    // Applied as printed, the table stays.
    let mut kept = rename.to_vec();
    kept.push((
        "  Reservations:\n    description:",
        "  Reservations:\n    logicalIdOverrides: { Bookings/Table/Resource: ReservationsTable }\n    description:",
    ));
    let result = run(&kept);
    assert!(
        !result
            .stacks
            .iter()
            .flat_map(|s| &s.resources)
            .any(|r| r.logical_id.ends_with("Table")),
        "the table still moves"
    );
}
