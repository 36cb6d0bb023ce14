//! The restaurant platform of `examples/platform.yaml`, written in Rust: a central bus in the
//! platform team's stack, the reservations and payments services publishing to it, consumers in
//! a stack of their own, and dev and prod from one description.
//!
//! `cargo run --example platform -- synth` writes the same cloud assembly as
//! `cargo run -- synth --app examples/platform.yaml` (a test checks they are byte-identical).
//! Where the spec has a stage's `overrides`, this code asks which stage it is building.

use std::path::Path;
use std::process::ExitCode;

use tributary::assets::Workspace;
use tributary::constructs::{
    Attribute, EventBus, EventBusProps, EventContract, EventPattern, Function, FunctionProps,
    HttpApi, HttpApiProps, HttpMethod, JwtAuthorizerProps, NonEmpty, Queue, QueueProps, RouteAuth,
    RuleProps, TableProps, Target, TargetKind, TargetRetry, Topic, TopicProps,
};
use tributary::core::{AccountId, App, Environment, Region, Stack, StackName, Stage};
use tributary::patterns::{StreamToBus, StreamToBusProps, add_rule_on};

/// What differs between the stages.
struct StageSettings {
    name: &'static str,
    account: &'static str,
    /// The partner accounts (analytics, loyalty) that may put events on the central bus.
    partners: [&'static str; 2],
    archive_days: u32,
    /// Where every event goes for analytics: a bus of the analytics team's account.
    analytics_bus: &'static str,
}

const STAGES: [StageSettings; 2] = [
    StageSettings {
        name: "dev",
        account: "111111111111",
        partners: ["333333333333", "444444444444"],
        archive_days: 7,
        analytics_bus: "arn:aws:events:eu-west-1:333333333333:event-bus/analytics-dev",
    },
    StageSettings {
        name: "prod",
        account: "222222222222",
        partners: ["555555555555", "666666666666"],
        archive_days: 90,
        analytics_bus: "arn:aws:events:eu-west-1:555555555555:event-bus/analytics",
    },
];

/// Builds the app; its handlers are binaries of the cargo workspace at `root`.
pub fn app(root: &Path) -> Result<App, Box<dyn std::error::Error>> {
    build(App::new(Workspace::open(root)), root)
}

/// Adds every stage's stacks to `app`; the event contracts are read from their files under
/// `root`, as the spec names them.
pub fn build(mut app: App, root: &Path) -> Result<App, Box<dyn std::error::Error>> {
    let reservations =
        tributary::contracts::load(&root.join("handlers/reservations/contract.json"))?;
    let payments = tributary::contracts::load(&root.join("handlers/payments/contract.json"))?;
    app.tag("cost-center", "restaurants-1234");
    app.tag("managed-by", "tributary");
    for settings in &STAGES {
        let env = Environment {
            account: Some(AccountId::new(settings.account)?),
            region: Some(Region::new("eu-west-1")?),
        };
        let mut stage = Stage::new(settings.name, env)?;
        stage.tag("stage", settings.name)?;
        build_stage(&mut app, &stage, settings, &reservations, &payments)?;
    }
    Ok(app)
}

/// One stage's copy of the platform, reservations, payments and consumers stacks.
fn build_stage(
    app: &mut App,
    stage: &Stage,
    settings: &StageSettings,
    reservations: &EventContract,
    payments: &EventContract,
) -> Result<(), Box<dyn std::error::Error>> {
    let dev = settings.name == "dev";
    let oncall = |team: &str| {
        if dev {
            "dev-team@example.com".to_owned()
        } else {
            team.to_owned()
        }
    };

    let stack = app.add_stage_stack(
        stage,
        &StackName::new("Platform")?,
        &Environment::agnostic(),
    );
    stack.set_description("The restaurant platform's central business-event bus");
    stack.add_tag("team", "platform");
    let path = stack.construct("Central");
    let central = EventBus::new(
        stack,
        path,
        &EventBusProps {
            description: Some("Business events of every restaurant service".into()),
            archive_retention_days: Some(settings.archive_days),
            allow_accounts: settings
                .partners
                .iter()
                .map(|a| AccountId::new(a))
                .collect::<Result<_, _>>()?,
            tags: [("data-class".to_owned(), "business-events".to_owned())].into(),
            ..Default::default()
        },
    );

    let stack = app.add_stage_stack(
        stage,
        &StackName::new("Reservations")?,
        &Environment::agnostic(),
    );
    stack.set_description("Restaurant reservations - API, table and stream publisher");
    stack.add_tag("team", "reservations");
    let alerts = alert_topic(stack, &oncall("reservations-oncall@example.com"))?;
    let path = stack.construct("CreateReservation");
    let mut props = FunctionProps {
        description: Some("Validates a reservation request and writes it to the table".into()),
        ..FunctionProps::new("create-reservation")
    };
    if !dev {
        props.memory_size = 512;
    }
    let create = Function::new(stack, path, &props);
    let path = stack.construct("Reservations");
    let mut props = StreamToBusProps::new(
        TableProps::new(Attribute::string("reservationId")),
        FunctionProps {
            description: Some("Publishes reservation changes as business events".into()),
            timeout_seconds: 30,
            ..FunctionProps::new("stream-publisher")
        },
    );
    props.stream.batch_size = 100;
    props.publish_to = Some(central.clone());
    props.events = Some(reservations.clone());
    stack.tag(&path, "data-class", "personal");
    let pattern = StreamToBus::new(stack, path, &props, Some(&alerts));
    pattern.add_writer(stack, &create);
    let path = stack.construct("Api");
    let api = HttpApi::new(stack, path, &HttpApiProps::default(), Some(&alerts));
    // The user pool and app client id are placeholders: put your own issuer here.
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

    let stack = app.add_stage_stack(
        stage,
        &StackName::new("Payments")?,
        &Environment::agnostic(),
    );
    stack.set_description("Deposits that hold a table - table and stream publisher");
    stack.add_tag("team", "payments");
    let alerts = alert_topic(stack, &oncall("payments-oncall@example.com"))?;
    // Written by the payment provider's webhook handler (another team's).
    let path = stack.construct("Deposits");
    let mut props = StreamToBusProps::new(
        TableProps::new(Attribute::string("depositId")),
        FunctionProps {
            description: Some("Publishes deposit changes as business events".into()),
            timeout_seconds: 30,
            ..FunctionProps::new("payments")
        },
    );
    props.stream.batch_size = 100;
    props.publish_to = Some(central.clone());
    props.events = Some(payments.clone());
    stack.tag(&path, "data-class", "payment");
    StreamToBus::new(stack, path, &props, Some(&alerts));

    let stack = app.add_stage_stack(
        stage,
        &StackName::new("Consumers")?,
        &Environment::agnostic(),
    );
    stack.set_description("What the restaurant does about reservations and deposits");
    stack.add_tag("team", "front-of-house");
    let alerts = alert_topic(stack, &oncall("front-of-house@example.com"))?;
    // Captured deposits, for the accounting system to book (it polls the queue).
    let path = stack.construct("Bookkeeping");
    let bookkeeping = Queue::new(
        stack,
        path,
        &QueueProps {
            visibility_timeout_seconds: 60,
            ..Default::default()
        },
    );
    let path = stack.construct("NotifyStaff");
    let mut props = FunctionProps {
        description: Some("Emails the restaurant about a new reservation".into()),
        send_email_from: vec!["reservations@example.com".parse()?],
        ..FunctionProps::new("notify-staff")
    }
    .env("SENDER_EMAIL", "reservations@example.com")?
    .env("STAFF_EMAIL", "staff@example.com")?;
    if !dev {
        props.log_retention_days = 365;
    }
    let notify = Function::new(stack, path, &props);
    // Rules on the central bus are checked against the contracts of everything published there.
    let contracts = [reservations, payments];
    let rule = |pattern: EventPattern, description: &str| RuleProps {
        pattern,
        description: Some(description.into()),
        enabled: true,
    };
    let path = stack.construct("OnReservationCreated");
    add_rule_on(
        stack,
        path,
        &central,
        &contracts,
        &rule(
            EventPattern::of(&reservations.source, "ReservationCreated"),
            "New reservations go to NotifyStaff",
        ),
        &[Target {
            kind: TargetKind::Function(notify),
            retry: TargetRetry {
                max_attempts: 10,
                max_event_age_seconds: 3600,
            },
        }],
        &alerts,
    );
    let path = stack.construct("OnDepositCaptured");
    add_rule_on(
        stack,
        path,
        &central,
        &contracts,
        &rule(
            EventPattern::of(&payments.source, "DepositCaptured"),
            "Captured deposits go to the bookkeeping queue",
        ),
        &[Target {
            kind: TargetKind::Queue(bookkeeping),
            retry: TargetRetry::default(),
        }],
        &alerts,
    );
    let path = stack.construct("ToAnalytics");
    // Another account's bus: its policy lets this account put events.
    let analytics = EventBus::existing(path.child("Bus"), settings.analytics_bus)?;
    let every_event = EventPattern {
        source: NonEmpty::from_vec(vec![
            reservations.source.as_str().into(),
            payments.source.as_str().into(),
        ]),
        ..Default::default()
    };
    add_rule_on(
        stack,
        path,
        &central,
        &contracts,
        &rule(
            every_event,
            "Every reservation and payment event goes to the analytics team's bus",
        ),
        &[Target {
            kind: TargetKind::Bus(analytics),
            retry: TargetRetry::default(),
        }],
        &alerts,
    );
    Ok(())
}

/// The stack's `Alerts` topic, mailing `email`.
fn alert_topic(stack: &mut Stack, email: &str) -> Result<Topic, Box<dyn std::error::Error>> {
    let path = stack.construct("Alerts");
    let props = TopicProps {
        email_subscriptions: vec![email.parse()?],
        ..Default::default()
    };
    Ok(Topic::new(stack, path, &props))
}

#[allow(dead_code)]
fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match app(root) {
        Ok(app) => tributary::cli::run(app),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
