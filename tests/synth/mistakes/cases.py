#!/usr/bin/env python3
"""Writes tests/synth/mistakes.rs from the cases below: each one edit (or a few) of
examples/reservations.yaml that an experienced AWS engineer might make, and the verdict it must
get. Refused cases assert the exact message (an inline snapshot, filled and reviewed with
`cargo insta test --accept` / `cargo insta review`); accepted cases must synthesize, and their
templates go under target/tributary-corpus/ for .ci/run's cfn-lint step (0 errors, 0 warnings).

Usage: python3 tests/synth/mistakes/cases.py   (rewrites tests/synth/mistakes.rs, keeping the
snapshots already recorded for cases whose edits did not change)
"""
import json, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "mistakes.rs")

# Anchors in examples/reservations.yaml.
FN_DESC = "        description: Validates a reservation request and writes it to the table"
PUB_DESC = "          description: Publishes table changes as business events"
NOTIFY_DESC = "        description: Emails the restaurant about a new reservation"
STACK_DESC = "    description: Restaurant reservations - API, table, stream publisher and event bus"
STAFF_DESC = "    description: Tells the restaurant's staff about new reservations"
TOPIC = "        emailSubscriptions: [oncall@example.com]"
PK = "          partitionKey: { name: reservationId, type: S }"
BATCH = "          batchSize: 100"
RETRIES = "          retries: 3"
AGE = "          maxRecordAge: 3600"
ALERT = "        alertTopic: Alerts"
WRITERS = "        writers: [CreateReservation]"
ROUTE = "          - { method: POST, path: /reservations, function: CreateReservation }"
ENV = "          STAFF_EMAIL: staff@example.com"
SENDER = "        sendEmailFrom: [reservations@example.com]"
RULE_BUS = "        bus: Reservations/Reservations"
RULE_DESC = "        description: New reservations go to NotifyStaff"
SOURCE = "          source: [reservations]"
DTYPE = "          detailType: [ReservationCreated]"
TARGET_RETRY = "            retry: { maxAttempts: 10, maxEventAgeSeconds: 3600 }"
TIMEOUT = "          timeoutSeconds: 30"
STACKS = "stacks:\n  Reservations:"
RULES = "    rules:\n      OnReservationCreated:"
PATTERN = "        pattern:\n          source: [reservations]\n          detailType: [ReservationCreated]"
EVENTS = "        events: ../handlers/reservations/contract.json"
AUTH = "        defaultAuth: { jwt: Diners, scopes: [reservations/write] }"
ISSUER = "              issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example0"
AUDIENCE = "              audience: [4example0client0id0placeholder]"


def fn_env(*lines):
    return (FN_DESC, FN_DESC + "\n        environment:\n" + "".join(f"          {l}\n" for l in lines).rstrip("\n"))


def pub_env(*lines):
    return (PUB_DESC, PUB_DESC + "\n          environment:\n" + "".join(f"            {l}\n" for l in lines).rstrip("\n"))


def notify_env(*lines):
    return (ENV, ENV + "".join(f"\n          {l}" for l in lines))


def detail(yaml):
    return (DTYPE, DTYPE + "\n          detail: " + yaml)


def filters(yaml):
    return (AGE, AGE + "\n          filters: " + yaml)


def route(path, method="POST"):
    return (ROUTE, ROUTE + f"\n          - {{ method: {method}, path: {json.dumps(path)}, function: CreateReservation }}")


def route_auth(path, method, auth):
    return (ROUTE, ROUTE + f"\n          - {{ method: {method}, path: {json.dumps(path)}, function: CreateReservation, auth: {auth} }}")


def api_opt(line):
    return (AUTH, AUTH + "\n        " + line)


def routes_only(*pairs):
    body = "".join(f"\n          - {{ method: {m}, path: {json.dumps(p)}, function: CreateReservation }}" for m, p in pairs)
    return (ROUTE, body.lstrip("\n"))


def stream_opt(line):
    return (AGE, AGE + "\n          " + line)


def pattern_opt(line):
    return (ALERT, ALERT + "\n        " + line)


def table_opt(line):
    return (PK, PK + "\n          " + line)


def env_of_stack(env):
    return (STACKS, "stacks:\n  Reservations:\n    env: " + env)


def staff_env(env):
    return ("  StaffNotifications:\n", "  StaffNotifications:\n    env: " + env + "\n")


R, A, W = "refused", "accepted", "warned"

CASES = [
    # --- property strings over their limits ---------------------------------------------------
    ("function_description_over_256_characters", R, [(FN_DESC, "        description: <<x*257>>")]),
    ("function_description_of_256_characters", A, [(FN_DESC, "        description: <<x*256>>")]),
    ("function_description_of_256_multibyte_characters", A, [(FN_DESC, "        description: <<é*256>>")]),
    ("publisher_description_over_256_characters", R, [(PUB_DESC, "          description: <<y*300>>")]),
    ("rule_description_over_512_characters", R, [(RULE_DESC, "        description: <<r*513>>")]),
    ("rule_description_of_512_characters", A, [(RULE_DESC, "        description: <<r*512>>")]),
    ("bus_description_over_512_characters", R, [pattern_opt("bus: { description: <<b*513>> }")]),
    ("bus_description_of_512_characters", A, [pattern_opt("bus: { description: <<b*512>> }")]),
    ("template_description_over_1024_bytes", R, [(STACK_DESC, "    description: <<d*1025>>")]),
    ("template_description_of_1024_bytes", A, [(STACK_DESC, "    description: <<d*1024>>")]),
    ("template_description_of_600_two_byte_characters", R, [(STACK_DESC, "    description: <<é*600>>")]),
    ("template_description_of_512_two_byte_characters", A, [(STACK_DESC, "    description: <<é*512>>")]),
    ("topic_display_name_over_100_characters", R, [(TOPIC, TOPIC + "\n        displayName: <<n*101>>")]),
    ("topic_display_name_of_100_characters", A, [(TOPIC, TOPIC + "\n        displayName: <<n*100>>")]),
    ("ttl_attribute_of_256_characters", R, [table_opt("timeToLiveAttribute: <<t*256>>")]),
    ("ttl_attribute_empty", R, [table_opt('timeToLiveAttribute: ""')]),
    ("ttl_attribute_of_255_characters", A, [table_opt("timeToLiveAttribute: <<t*255>>")]),
    ("partition_key_name_of_256_characters", R, [(PK, "          partitionKey: { name: <<k*256>>, type: S }")]),
    # --- environment variables --------------------------------------------------------------
    ("env_name_starting_with_a_digit", R, [fn_env("1MODE: strict")]),
    ("env_name_of_one_letter", R, [fn_env("M: strict")]),
    ("env_name_with_a_dash", R, [fn_env("LOG-LEVEL: debug")]),
    ("env_name_with_a_dot", R, [fn_env("log.level: debug")]),
    ("env_name_starting_with_underscore", R, [fn_env("_MODE: strict")]),
    ("env_reserved_aws_region", R, [fn_env("AWS_REGION: eu-west-1")]),
    ("env_reserved_aws_default_region", R, [fn_env("AWS_DEFAULT_REGION: eu-west-1")]),
    ("env_reserved_function_name", R, [fn_env("AWS_LAMBDA_FUNCTION_NAME: create")]),
    ("env_reserved_access_key", R, [fn_env("AWS_ACCESS_KEY_ID: AKIA0000000000000000")]),
    ("env_reserved_secret_key", R, [fn_env("AWS_SECRET_ACCESS_KEY: x")]),
    ("env_reserved_session_token", R, [fn_env("AWS_SESSION_TOKEN: x")]),
    ("env_reserved_task_root", R, [fn_env("LAMBDA_TASK_ROOT: /var/task")]),
    ("env_reserved_runtime_dir", R, [fn_env("LAMBDA_RUNTIME_DIR: /var/runtime")]),
    ("env_reserved_handler", R, [fn_env("_HANDLER: bootstrap")]),
    ("env_reserved_runtime_api", R, [fn_env("AWS_LAMBDA_RUNTIME_API: localhost")]),
    ("env_reserved_log_group", R, [fn_env("AWS_LAMBDA_LOG_GROUP_NAME: x")]),
    ("env_over_4_kb", R, [fn_env("BLOB: <<z*4100>>")]),
    ("env_over_4_kb_in_two_values", R, [fn_env("BLOB_A: <<z*2100>>", "BLOB_B: <<z*2100>>")]),
    ("env_of_4000_bytes", A, [fn_env("BLOB: <<z*4000>>")]),
    ("env_writer_table_name_set_by_user", R, [fn_env("TABLE_NAME: reservations")]),
    ("env_publisher_bus_name_set_by_user", R, [pub_env("EVENT_BUS_NAME: my-bus")]),
    ("env_unreserved_runtime_names", A, [notify_env("TZ: Europe/Paris", "LANG: fr_FR.UTF-8", "AWS_LAMBDA_EXEC_WRAPPER: /opt/wrapper")]),
    ("env_number_value", A, [notify_env("PORT: 8080")]),
    ("env_boolean_value", A, [notify_env("VERBOSE: true")]),
    ("env_name_defined_twice", R, [notify_env("STAFF_EMAIL: other@example.com")]),
    # --- stacks, logical IDs, outputs -------------------------------------------------------
    ("stack_without_resources", R, [("  StaffNotifications:\n", "  Empty: {}\n  StaffNotifications:\n")]),
    ("logical_id_override_to_bootstrap_version", R, [(STACK_DESC, STACK_DESC + "\n    logicalIdOverrides:\n      Alerts/Resource: BootstrapVersion")]),
    ("construct_named_bootstrap_version", R, [(TOPIC, TOPIC + "\n      BootstrapVersion: {}")]),
    ("logical_id_override_of_250_characters", A, [(STACK_DESC, STACK_DESC + "\n    logicalIdOverrides:\n      Reservations/Bus/Resource: <<L*250>>")]),
    ("logical_id_override_of_255_characters_on_a_topic", A, [(STACK_DESC, STACK_DESC + "\n    logicalIdOverrides:\n      Alerts/Resource: <<T*255>>")]),
    ("construct_id_resource", A, [(TOPIC, TOPIC + "\n      Resource: {}")]),
    ("pattern_id_of_64_characters", A, [("    streamToBus:\n      Reservations:", "    streamToBus:\n      <<P*64>>:"), (RULE_BUS, "        bus: Reservations/<<P*64>>")]),
    ("stack_name_of_128_characters", A, [("  StaffNotifications:\n", "  <<S*128>>:\n")]),
    ("stack_name_of_129_characters", R, [("  StaffNotifications:\n", "  <<S*129>>:\n")]),
    ("stack_name_with_underscore", R, [("  StaffNotifications:\n", "  Staff_Notifications:\n")]),
    ("construct_id_with_a_dash", A, [(TOPIC, TOPIC + "\n      On-Call: {}")]),
    ("construct_id_with_a_slash", R, [(TOPIC, TOPIC + "\n      On/Call: {}")]),
    ("two_rules_sharing_a_long_id_prefix", A, [(RULES, RULES.replace("OnReservationCreated", "OnReservationCreated" + "X" * 40 + "One")),
        (TARGET_RETRY, TARGET_RETRY + "\n      OnReservationCreated" + "X" * 40 + "Two:\n        bus: Reservations/Reservations\n" + PATTERN + "\n        targets:\n          - function: NotifyStaff")]),
    ("explicit_bus_name_equal_to_another_derived_name", R, [pattern_opt("bus: { name: StaffNotifications-ReservationsBus }"),
        ("  StaffNotifications:\n", "  StaffNotifications:\n    streamToBus:\n      Reservations:\n        table:\n          partitionKey: { name: id, type: S }\n        publisher:\n          handler: stream-publisher\n")]),
    ("two_explicit_buses_with_one_name", R, [pattern_opt("bus: { name: shared-bus }"),
        ("  StaffNotifications:\n", "  StaffNotifications:\n    streamToBus:\n      Other:\n        table:\n          partitionKey: { name: id, type: S }\n        publisher:\n          handler: stream-publisher\n        bus: { name: shared-bus }\n")]),
    ("bus_name_with_a_space", R, [pattern_opt("bus: { name: my bus }")]),
    ("bus_name_default", R, [pattern_opt("bus: { name: default }")]),
    ("bus_name_of_256_characters", A, [pattern_opt("bus: { name: <<b*256>> }")]),
    ("bus_name_of_257_characters", R, [pattern_opt("bus: { name: <<b*257>> }")]),
    # --- HTTP API routes -------------------------------------------------------------------
    ("route_greedy_variable_not_last", R, [route("/files/{proxy+}/meta")]),
    ("route_unclosed_brace", R, [route("/reservations/{id")]),
    ("route_unopened_brace", R, [route("/reservations/id}")]),
    ("route_text_after_variable", R, [route("/reservations/{id}.json")]),
    ("route_text_before_variable", R, [route("/reservations/v{id}")]),
    ("route_without_leading_slash", R, [route("reservations/{id}")]),
    ("route_empty_segment", R, [route("/reservations//guests")]),
    ("route_with_a_space", R, [route("/reservations/new one")]),
    ("route_with_a_query", R, [route("/reservations?id=1")]),
    ("route_variable_without_name", R, [route("/reservations/{}")]),
    ("route_variable_twice", R, [route("/a/{id}/b/{id}")]),
    ("route_plus_outside_a_variable", R, [route("/a+b")]),
    ("route_defined_twice", R, [route("/reservations")]),
    ("routes_dash_and_underscore", A, [route("/wait-list"), route("/wait_list")]),
    ("routes_differing_in_case", A, [route("/Reservations")]),
    ("routes_variable_and_literal", A, [route("/reservations/{id}"), route("/reservations/id", "GET")]),
    ("route_of_a_long_path", A, [route("/restaurants/{restaurantId}/tables/{tableId}/reservations/{reservationId}/guests", "GET")]),
    ("routes_of_long_paths_differing_at_their_end", A, [route("/restaurants/{restaurantId}/tables/{tableId}/reservations/{reservationId}/guests", "GET"), route("/restaurants/{restaurantId}/tables/{tableId}/reservations/{reservationId}/notes", "GET")]),
    ("route_greedy_last", A, [route("/files/{proxy+}", "GET")]),
    ("route_root", A, [route("/", "GET")]),
    ("route_any_method", A, [route("/anything", "ANY")]),
    ("route_unknown_method", R, [route("/x", "FETCH")]),
    # --- who may call a route; CORS ------------------------------------------------------------
    ("route_open_to_anyone", R, [route_auth("/menu", "GET", "none")]),
    ("route_open_by_design_and_suppressed", A, [route_auth("/menu", "GET", "none"), api_opt("suppress: [{ rule: unauthorized-route, reason: public endpoint by design (the menu) }]")]),
    ("route_suppression_without_open_route", W, [api_opt("suppress: [{ rule: unauthorized-route, reason: public endpoint by design (the menu) }]")]),
    ("route_with_iam_auth", A, [route_auth("/internal/reservations", "GET", "iam")]),
    ("route_with_its_own_scopes", A, [route_auth("/reservations/{id}", "GET", "{ jwt: Diners, scopes: [reservations/read, email] }")]),
    ("route_iam_with_scopes", R, [route_auth("/internal/reservations", "GET", "{ iam: true, scopes: [reservations/read] }")]),
    ("route_auth_in_capitals", R, [route_auth("/internal/reservations", "GET", "IAM")]),
    ("api_without_default_auth", R, [(AUTH, "")]),
    ("default_auth_names_no_authorizer", R, [(AUTH, "        defaultAuth: { jwt: Diner }")]),
    ("route_scope_with_a_space", R, [(AUTH, "        defaultAuth: { jwt: Diners, scopes: [reservations write] }")]),
    ("authorizer_issuer_over_http", R, [(ISSUER, "              issuer: http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example0")]),
    ("authorizer_issuer_without_scheme", R, [(ISSUER, "              issuer: cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example0")]),
    ("authorizer_without_audience", R, [(AUDIENCE, "              audience: []")]),
    ("authorizer_audience_misspelt", R, [(AUDIENCE, "              audiences: [4example0client0id0placeholder]")]),
    ("authorizer_token_in_a_query_parameter", A, [(AUDIENCE, AUDIENCE + "\n              identitySource: $request.querystring.token")]),
    ("authorizer_identity_source_not_a_selection", R, [(AUDIENCE, AUDIENCE + "\n              identitySource: Authorization")]),
    ("cors_for_the_booking_site", A, [api_opt("cors: { allowOrigins: [https://book.example.com], allowMethods: [POST], allowHeaders: [authorization, content-type], maxAgeSeconds: 3600, allowCredentials: true }")]),
    ("cors_for_any_origin", A, [api_opt("cors: { allowOrigins: ['*'], allowMethods: ['*'] }")]),
    ("cors_credentials_with_any_origin", R, [api_opt("cors: { allowOrigins: ['*'], allowCredentials: true }")]),
    ("cors_max_age_over_a_day", R, [api_opt("cors: { allowOrigins: [https://book.example.com], maxAgeSeconds: 86401 }")]),
    ("cors_without_origins", R, [api_opt("cors: { allowMethods: [POST] }")]),
    ("cors_unknown_method", R, [api_opt("cors: { allowOrigins: [https://book.example.com], allowMethods: [TRACE] }")]),
    # --- rule event patterns ---------------------------------------------------------------
    ("pattern_empty_source_list", R, [(SOURCE, "          source: []")]),
    ("pattern_empty_detail_type_list", R, [(DTYPE, "          detailType: []")]),
    ("pattern_empty_detail_object", R, [detail("{}")]),
    ("pattern_leaf_not_a_list", R, [detail("{ status: confirmed }")]),
    ("pattern_empty_leaf_list", R, [detail("{ status: [] }")]),
    ("pattern_empty_nested_object", R, [detail("{ guest: {} }")]),
    ("pattern_nested_lists", R, [detail("{ status: [[confirmed]] }")]),
    ("pattern_numeric_with_a_string", R, [detail('{ partySize: [{ numeric: ">" }] }')]),
    ("pattern_numeric_with_a_string_operand", R, [detail('{ partySize: [{ numeric: [">", "two"] }] }')]),
    ("pattern_numeric_two_lower_bounds", R, [detail('{ partySize: [{ numeric: [">", 2, ">", 4] }] }')]),
    ("pattern_numeric_empty_range", R, [detail('{ partySize: [{ numeric: [">", 8, "<", 2] }] }')]),
    ("pattern_numeric_unknown_comparison", R, [detail('{ partySize: [{ numeric: ["~", 2] }] }')]),
    ("pattern_prefix_with_a_number", R, [detail("{ name: [{ prefix: 5 }] }")]),
    ("pattern_suffix_with_a_list", R, [detail("{ name: [{ suffix: [a] }] }")]),
    ("pattern_exists_with_a_string", R, [detail('{ note: [{ exists: "yes" }] }')]),
    ("pattern_unknown_operator", R, [detail("{ name: [{ prefx: A }] }")]),
    ("pattern_two_operators_in_one_object", R, [detail("{ name: [{ prefix: A, suffix: B }] }")]),
    ("pattern_anything_but_empty", R, [detail("{ status: [{ anything-but: [] }] }")]),
    ("pattern_anything_but_with_an_object_of_numbers", R, [detail("{ status: [{ anything-but: { prefix: 5 } }] }")]),
    ("pattern_cidr_prefix_over_32", R, [detail('{ ip: [{ cidr: "10.0.0.0/33" }] }')]),
    ("pattern_cidr_not_an_address", R, [detail('{ ip: [{ cidr: "ten/8" }] }')]),
    ("pattern_equals_ignore_case_with_a_number", R, [detail("{ name: [{ equals-ignore-case: 1 }] }")]),
    ("pattern_wildcard_with_a_number", R, [detail("{ name: [{ wildcard: 1 }] }")]),
    ("pattern_or_empty", R, [detail('{ "$or": [] }')]),
    ("pattern_or_not_a_list", R, [detail('{ "$or": { a: [1] } }')]),
    ("pattern_over_4096_characters", R, [detail("{ name: [<<v*4100>>] }")]),
    ("pattern_prefix", A, [detail("{ name: [{ prefix: Ada }] }")]),
    ("pattern_suffix", A, [detail('{ email: [{ suffix: "@example.com" }] }')]),
    ("pattern_anything_but_values", A, [detail("{ status: [{ anything-but: [cancelled, declined] }] }")]),
    ("pattern_anything_but_prefix", A, [detail("{ status: [{ anything-but: { prefix: test } }] }")]),
    ("pattern_numeric_range", A, [detail('{ partySize: [{ numeric: [">", 0, "<=", 12] }] }')]),
    ("pattern_exists", A, [detail("{ note: [{ exists: false }] }")]),
    ("pattern_cidr", A, [detail('{ ip: [{ cidr: "10.0.0.0/24" }] }')]),
    ("pattern_equals_ignore_case", A, [detail("{ name: [{ equals-ignore-case: ada }] }")]),
    ("pattern_wildcard", A, [detail('{ email: [{ wildcard: "*@example.com" }] }')]),
    ("pattern_or", A, [detail('{ "$or": [{ partySize: [{ numeric: [">", 8] }] }, { note: [{ exists: true }] }] }')]),
    ("pattern_exact_numbers_and_null", A, [detail("{ partySize: [2, 4], note: [null] }")]),
    ("pattern_source_not_on_the_bus", R, [(SOURCE, "          source: [reservatons]")]),
    ("pattern_detail_type_not_in_the_contract", R, [(DTYPE, "          detailType: [ReservationRemoved]")]),
    # --- stream filter criteria -------------------------------------------------------------
    ("filter_empty_object", R, [filters("[{}]")]),
    ("filter_leaf_not_a_list", R, [filters("[{ eventName: INSERT }]")]),
    ("filter_empty_list", R, [filters("[{ eventName: [] }]")]),
    ("filter_numeric_with_a_string", R, [filters('[{ dynamodb: { NewImage: { partySize: { N: [{ numeric: ">" }] } } } }]')]),
    ("filter_unknown_operator", R, [filters("[{ eventName: [{ prefx: I }] }]")]),
    ("filter_nested_lists", R, [filters("[{ eventName: [[INSERT]] }]")]),
    ("filter_empty_list_is_no_filter", A, [filters("[]")]),
    ("filter_wildcard_unsupported_by_lambda", R, [filters('[{ eventName: [{ wildcard: "IN*" }] }]')]),
    ("filter_event_names", A, [filters("[{ eventName: [INSERT, MODIFY] }]")]),
    ("filter_prefix_on_new_image", A, [filters("[{ dynamodb: { NewImage: { status: { S: [{ prefix: conf }] } } } }]")]),
    # --- email addresses --------------------------------------------------------------------
    ("email_with_two_at_signs", R, [(TOPIC, "        emailSubscriptions: [a@@example.com]")]),
    ("email_without_at", R, [(TOPIC, "        emailSubscriptions: [oncall]")]),
    ("email_without_a_dot_in_the_domain", R, [(TOPIC, "        emailSubscriptions: [oncall@localhost]")]),
    ("email_with_a_space", R, [(TOPIC, '        emailSubscriptions: ["on call@example.com"]')]),
    ("email_with_a_trailing_dot", R, [(TOPIC, "        emailSubscriptions: [oncall@example.com.]")]),
    ("email_with_double_dots", R, [(TOPIC, "        emailSubscriptions: [on..call@example.com]")]),
    ("alarm_email_invalid", R, [(ALERT, "        alarms: { emails: [a@@b.c] }")]),
    ("sender_neither_address_nor_domain", R, [(SENDER, '        sendEmailFrom: ["not an address"]')]),
    ("sender_domain_without_dot", R, [(SENDER, "        sendEmailFrom: [localhost]")]),
    ("email_plus_tag_and_subdomain", A, [(TOPIC, "        emailSubscriptions: [first.last+oncall@mail.example.co.uk]")]),
    ("sender_domain", A, [(SENDER, "        sendEmailFrom: [reservations@example.com, example.org]")]),
    # --- settings that would be silently wrong ----------------------------------------------
    ("stream_keys_only", R, [table_opt("stream: KEYS_ONLY")]),
    ("stream_old_image", R, [table_opt("stream: OLD_IMAGE")]),
    ("stream_new_image", A, [table_opt("stream: NEW_IMAGE")]),
    ("alarm_emails_with_alert_topic", R, [(ALERT, ALERT + "\n        alarms: { emails: [team@example.com] }")]),
    ("alarm_emails_without_alert_topic", A, [(ALERT, "        alarms: { emails: [team@example.com] }")]),
    ("dead_letter_queue_with_bucket_destination", R, [pattern_opt("deadLetterQueue: { retentionSeconds: 345600 }")]),
    ("dead_letter_queue_with_queue_destination", A, [pattern_opt("onFailure: queue\n        deadLetterQueue: { retentionSeconds: 1209600, visibilityTimeoutSeconds: 60 }")]),
    ("iterator_age_alarm_of_24_hours", R, [(ALERT, ALERT + "\n        alarms: { iteratorAgeSeconds: 86400 }")]),
    ("iterator_age_alarm_of_0", R, [(ALERT, ALERT + "\n        alarms: { iteratorAgeSeconds: 0 }")]),
    ("iterator_age_alarm_just_under_24_hours", A, [(ALERT, ALERT + "\n        alarms: { iteratorAgeSeconds: 86399 }"), (AGE, "          maxRecordAge: unlimited\n          suppress:\n            - { rule: unlimited-record-age, reason: replayed from the archive when needed }")]),
    ("iterator_age_alarm_at_the_record_age", R, [(ALERT, ALERT + "\n        alarms: { iteratorAgeSeconds: 3600 }")]),
    ("record_age_of_24_hours", R, [(AGE, "          maxRecordAge: 86400")]),
    ("record_age_just_under_24_hours", A, [(AGE, "          maxRecordAge: 86399")]),
    ("publisher_reserved_concurrency_0_warns", W, [(PUB_DESC, PUB_DESC + "\n          reservedConcurrency: 0")]),
    # --- range limits of the constructs -----------------------------------------------------
    ("batch_size_0", R, [(BATCH, "          batchSize: 0")]),
    ("batch_size_10001", R, [(BATCH, "          batchSize: 10001")]),
    ("batch_size_10000", A, [(BATCH, "          batchSize: 10000")]),
    ("retries_negative", R, [(RETRIES, "          retries: -1")]),
    ("retries_10001", R, [(RETRIES, "          retries: 10001")]),
    ("retries_infinite", R, [(RETRIES, "          retries: infinite")]),
    ("record_age_59", R, [(AGE, "          maxRecordAge: 59")]),
    ("record_age_604800", R, [(AGE, "          maxRecordAge: 604800")]),
    ("record_age_604801", R, [(AGE, "          maxRecordAge: 604801")]),
    ("record_age_unlimited", R, [(AGE, "          maxRecordAge: unlimited")]),
    ("parallelization_factor_11", R, [stream_opt("parallelizationFactor: 11")]),
    ("parallelization_factor_0", R, [stream_opt("parallelizationFactor: 0")]),
    ("tumbling_window_901", R, [stream_opt("tumblingWindowSeconds: 901")]),
    ("batching_window_301", R, [stream_opt("maxBatchingWindowSeconds: 301")]),
    ("bisect_off", R, [stream_opt("bisectOnError: false")]),
    ("starting_position_latest", A, [stream_opt("startingPosition: LATEST")]),
    ("timeout_901", R, [(TIMEOUT, "          timeoutSeconds: 901")]),
    ("timeout_0", R, [(TIMEOUT, "          timeoutSeconds: 0")]),
    ("memory_127", R, [(PUB_DESC, PUB_DESC + "\n          memorySize: 127")]),
    ("memory_10241", R, [(PUB_DESC, PUB_DESC + "\n          memorySize: 10241")]),
    ("memory_10240", A, [(PUB_DESC, PUB_DESC + "\n          memorySize: 10240")]),
    ("log_retention_8", R, [(PUB_DESC, PUB_DESC + "\n          logRetentionDays: 8")]),
    ("log_retention_3653", A, [(PUB_DESC, PUB_DESC + "\n          logRetentionDays: 3653")]),
    ("target_retries_186", R, [(TARGET_RETRY, "            retry: { maxAttempts: 186, maxEventAgeSeconds: 3600 }")]),
    ("target_event_age_59", R, [(TARGET_RETRY, "            retry: { maxAttempts: 10, maxEventAgeSeconds: 59 }")]),
    ("target_event_age_86401", R, [(TARGET_RETRY, "            retry: { maxAttempts: 10, maxEventAgeSeconds: 86401 }")]),
    ("target_retries_0", A, [(TARGET_RETRY, "            retry: { maxAttempts: 0, maxEventAgeSeconds: 60 }")]),
    ("rule_without_targets", R, [("        targets:\n          - function: NotifyStaff\n" + TARGET_RETRY, "        targets: []")]),
    ("queue_retention_59", R, [pattern_opt("onFailure: queue\n        deadLetterQueue: { retentionSeconds: 59 }")]),
    ("queue_visibility_43201", R, [pattern_opt("onFailure: queue\n        deadLetterQueue: { visibilityTimeoutSeconds: 43201 }")]),
    ("queue_message_size_1023", R, [pattern_opt("onFailure: queue\n        deadLetterQueue: { maximumMessageSize: 1023 }")]),
    ("archive_retention_forever", A, [pattern_opt("bus: { archiveRetentionDays: 0 }")]),
    ("api_throttled_to_zero_warns", W, [("    httpApis:\n      Api:\n", "    httpApis:\n      Api:\n        throttling: { burstLimit: 0, rateLimit: 10 }\n")]),
    ("access_log_retention_8", R, [("    httpApis:\n      Api:\n", "    httpApis:\n      Api:\n        accessLogRetentionDays: 8\n")]),
    ("provisioned_capacity_0", R, [table_opt("billing: { provisioned: { read: 0, write: 5 } }")]),
    # --- references ---------------------------------------------------------------------------
    ("writer_misspelt", R, [(WRITERS, "        writers: [CreateReservaton]")]),
    ("alert_topic_misspelt", R, [(ALERT, "        alertTopic: Alert")]),
    ("rule_bus_misspelt", R, [(RULE_BUS, "        bus: Reservations/Reservation")]),
    ("rule_bus_in_a_later_stack", R, [(RULE_BUS, "        bus: StaffNotifications/Reservations")]),
    ("target_misspelt", R, [("          - function: NotifyStaff", "          - function: NotifyStaf")]),
    ("handler_misspelt", R, [("        handler: create-reservation", "        handler: create-reservaton")]),
    # --- spec forms the JSON Schema documents -------------------------------------------------
    ("billing_provisioned_map_form", A, [table_opt("billing: { provisioned: { read: 5, write: 5 } }")]),
    ("billing_on_demand", A, [table_opt("billing: onDemand")]),
    ("region_eusc", A, [env_of_stack('{ account: "123456789012", region: eusc-de-east-1 }'), staff_env('{ account: "123456789012", region: eusc-de-east-1 }')]),
    ("region_gov_cloud", A, [env_of_stack('{ account: "123456789012", region: us-gov-west-1 }'), staff_env('{ account: "123456789012", region: us-gov-west-1 }')]),
    ("region_misspelt", W, [env_of_stack('{ account: "123456789012", region: eu-wset-1 }'), staff_env('{ account: "123456789012", region: eu-wset-1 }')]),
    ("region_of_a_future_number", W, [env_of_stack('{ account: "123456789012", region: us-east-99 }'), staff_env('{ account: "123456789012", region: us-east-99 }')]),
    ("stacks_in_two_regions_referencing_each_other", R, [env_of_stack('{ account: "123456789012", region: eu-west-1 }'), staff_env('{ account: "123456789012", region: eu-west-2 }')]),
    ("account_of_11_digits", R, [env_of_stack('{ account: "12345678901", region: eu-west-1 }')]),
    ("account_unquoted", A, [env_of_stack("{ account: 123456789012, region: eu-west-1 }"), staff_env('{ account: "123456789012", region: eu-west-1 }')]),
    ("stack_is_a_list", R, [("  StaffNotifications:\n    description: Tells the restaurant's staff about new reservations\n", "  StaffNotifications: []\n  Other:\n    description: Tells the restaurant's staff about new reservations\n")]),
    ("pattern_source_is_a_string", R, [(SOURCE, "          source: reservations")]),
    ("enabled_is_a_string", R, [(RULE_DESC, RULE_DESC + "\n        enabled: sometimes")]),
]


def rust_str(s):
    """A Rust expression for s: a raw literal, or a format! with repeats for <<c*n>>."""
    parts = re.split(r"<<(.)\*(\d+)>>", s)
    if len(parts) == 1:
        hashes = "#"
        while '"' + hashes in s:
            hashes += "#"
        return f'r{hashes}"{s}"{hashes}'
    fmt, args = "", []
    for i, p in enumerate(parts):
        if i % 3 == 0:
            fmt += p.replace("{", "{{").replace("}", "}}")
        elif i % 3 == 1:
            ch = p
        else:
            fmt += "{}"
            args.append(f'"{ch}".repeat({p})')
    hashes = "#"
    while '"' + hashes in fmt:
        hashes += "#"
    return f'&format!(r{hashes}"{fmt}"{hashes}, {", ".join(args)})'


def edits_expr(edits):
    return "&[" + ", ".join(f"({rust_str(a)}, {rust_str(b)})" for a, b in edits) + "]"


def existing_snapshots(text):
    """name -> the snapshot literal recorded for it (so a rewrite keeps reviewed results)."""
    out = {}
    for m in re.finditer(r"fn (\w+)\(\) \{\s*insta::assert_snapshot!\(\s*(?:refused|warned)\((?:.|\n)*?\),\s*(@(?:r#*)?\"(?:.|\n)*?\"#*),?\s*\);\s*\}", text):
        out[m.group(1)] = m.group(2)
    return out


def main():
    names = [c[0] for c in CASES]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        sys.exit(f"cases named twice: {sorted(dupes)}")
    old = existing_snapshots(open(OUT).read()) if os.path.exists(OUT) else {}
    out = [
        "//! The corpus of mistakes (generated by `tests/synth/mistakes/cases.py`; edit the cases there):",
        "//! edits of `examples/reservations.yaml` an experienced AWS engineer might make, each with the",
        "//! verdict it must get. A refused case shows its exact message; an accepted one synthesizes and",
        "//! writes its templates under `target/tributary-corpus/<case>/`, which `.ci/run` lints with",
        "//! cfn-lint (0 errors, 0 warnings).",
        "",
        "use super::mistakes_support::{accepted, refused, warned};",
        "",
    ]
    refused_n = accepted_n = 0
    for name, verdict, edits in CASES:
        out.append("#[test]")
        if verdict == R:
            refused_n += 1
            snap = old.get(name, '@""')
            out.append(f"fn {name}() {{")
            out.append(f"    insta::assert_snapshot!(refused({edits_expr(edits)}), {snap});")
            out.append("}")
        elif verdict == W:
            accepted_n += 1
            snap = old.get(name, '@""')
            out.append(f"fn {name}() {{")
            out.append(f'    insta::assert_snapshot!(warned("{name}", {edits_expr(edits)}), {snap});')
            out.append("}")
        else:
            accepted_n += 1
            out.append(f"fn {name}() {{")
            out.append(f'    accepted("{name}", {edits_expr(edits)});')
            out.append("}")
        out.append("")
    open(OUT, "w").write("\n".join(out))
    # Formatted as `cargo fmt --check` wants it.
    subprocess.run(["rustfmt", "--edition", "2024", OUT], check=True)
    print(f"{OUT}: {len(CASES)} cases, {refused_n} refused, {accepted_n} accepted")


main()
