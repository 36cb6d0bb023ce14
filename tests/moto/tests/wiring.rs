//! The synthesized templates give each handler the environment variables its code reads: the
//! names are constants on both sides, and this is where the two sides meet (no AWS needed).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;

fn template(stack: &str) -> Value {
    let path = format!(
        "{}/../../templates/reservations/{stack}.template.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The environment variable names of the function resource `id`.
fn environment(template: &Value, id: &str) -> Vec<String> {
    let function = &template["Resources"][id];
    assert_eq!(function["Type"], "AWS::Lambda::Function", "{id}");
    function["Properties"]["Environment"]["Variables"]
        .as_object()
        .map(|vars| vars.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_handler_gets_the_variables_it_reads() {
    let reservations = template("Reservations");
    assert_eq!(
        environment(&reservations, "CreateReservation"),
        [tributary_runtime::env::TABLE_NAME]
    );
    assert_eq!(
        environment(&reservations, "ReservationsPublisher"),
        [tributary_runtime::env::EVENT_BUS_NAME]
    );
    let notifications = template("StaffNotifications");
    let mut notify = environment(&notifications, "NotifyStaff");
    notify.sort();
    let mut expected = [notify_staff::SENDER_ENV, notify_staff::RECIPIENT_ENV];
    expected.sort();
    assert_eq!(notify, expected);
}
