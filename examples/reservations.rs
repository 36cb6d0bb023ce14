//! The restaurant-reservations app of `examples/reservations.yaml`, written in Rust.
//!
//! `cargo run --example reservations -- synth` writes the same cloud assembly as
//! `cargo run synth` (a test checks they are byte-identical).

use std::path::Path;
use std::process::ExitCode;

use reservations::events::{BusinessEvent, ReservationCreated, Reservations, SOURCE};
use tributary::assets::Workspace;
use tributary::constructs::{
    Attribute, EventContract, EventPattern, Function, FunctionProps, HttpApi, HttpApiProps,
    HttpMethod, JwtAuthorizerProps, RouteAuth, RuleProps, TableProps, Target, TargetKind,
    TargetRetry, Topic, TopicProps,
};
use tributary::core::{App, Environment, StackName};
use tributary::patterns::{StreamToBus, StreamToBusProps};

/// Builds the app; its handlers are binaries of the cargo workspace at `root`.
pub fn app(root: &Path) -> Result<App, Box<dyn std::error::Error>> {
    build(App::new(Workspace::open(root)))
}

/// Adds the app's stacks to `app` (benchmarks pass one over a shared resolver).
pub fn build(mut app: App) -> Result<App, Box<dyn std::error::Error>> {
    let stack = app.add_stack(StackName::new("Reservations")?, Environment::agnostic());
    stack.set_description("Restaurant reservations - API, table, stream publisher and event bus");
    let path = stack.construct("Alerts");
    let alerts = Topic::new(
        stack,
        path,
        &TopicProps {
            email_subscriptions: vec!["oncall@example.com".parse()?],
            ..Default::default()
        },
    );
    let path = stack.construct("CreateReservation");
    let create = Function::new(
        stack,
        path,
        &FunctionProps {
            description: Some("Validates a reservation request and writes it to the table".into()),
            ..FunctionProps::new("create-reservation")
        },
    );
    let path = stack.construct("Reservations");
    let mut props = StreamToBusProps::new(
        TableProps::new(Attribute::string("reservationId")),
        FunctionProps {
            description: Some("Publishes table changes as business events".into()),
            timeout_seconds: 30,
            ..FunctionProps::new("stream-publisher")
        },
    );
    props.stream.batch_size = 100;
    // The same contract `events:` names in the spec, built from the domain crate's types (the
    // spec reads the file those types wrote).
    props.events = Some(EventContract::of::<Reservations>());
    let reservations = StreamToBus::new(stack, path, &props, Some(&alerts));
    reservations.add_writer(stack, &create);
    let path = stack.construct("Api");
    let api = HttpApi::new(stack, path, &HttpApiProps::default(), Some(&alerts));
    // Every route needs a signed-in diner's token. The user pool and app client id are
    // placeholders: put your own Cognito user pool (or any OpenID Connect issuer) here.
    let diners = api.add_jwt_authorizer(
        stack,
        "Diners",
        &JwtAuthorizerProps {
            issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example0".parse()?,
            audience: vec!["4example0client0id0placeholder".into()],
            identity_source: Default::default(),
        },
    );
    let signed_in = RouteAuth::jwt(&diners, &["reservations/write"])?;
    api.add_route(
        stack,
        HttpMethod::Post,
        &"/reservations".parse()?,
        &create,
        &signed_in,
    );

    let stack = app.add_stack(
        StackName::new("StaffNotifications")?,
        Environment::agnostic(),
    );
    stack.set_description("Tells the restaurant's staff about new reservations");
    let path = stack.construct("NotifyStaff");
    let notify = Function::new(
        stack,
        path,
        &FunctionProps {
            description: Some("Emails the restaurant about a new reservation".into()),
            send_email_from: vec!["reservations@example.com".parse()?],
            ..FunctionProps::new("notify-staff")
        }
        .env("SENDER_EMAIL", "reservations@example.com")?
        .env("STAFF_EMAIL", "staff@example.com")?,
    );
    let path = stack.construct("OnReservationCreated");
    reservations.add_rule(
        stack,
        path,
        &RuleProps {
            pattern: EventPattern::of(SOURCE, ReservationCreated::DETAIL_TYPE),
            description: Some("New reservations go to NotifyStaff".into()),
            enabled: true,
        },
        &[Target {
            kind: TargetKind::Function(notify),
            retry: TargetRetry {
                max_attempts: 10,
                max_event_age_seconds: 3600,
            },
        }],
    );
    Ok(app)
}

#[allow(dead_code)]
fn main() -> ExitCode {
    match app(Path::new(env!("CARGO_MANIFEST_DIR"))) {
        Ok(app) => tributary::cli::run(app),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
