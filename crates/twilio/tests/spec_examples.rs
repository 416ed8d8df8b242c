//! Every JSON response example in Twilio's OpenAPI files for Verify v2 and
//! Lookups v2 must decode into this crate's type for its schema and serialize
//! back to exactly the same JSON.
//!
//! An example whose schema is neither mapped in [`round_trip`] nor listed in
//! [`NOT_COVERED`] fails the test, so nothing is skipped silently.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use twofold_twilio::*;

/// Schemas with examples that this crate deliberately does not model, and why.
const NOT_COVERED: &[(&str, &str)] = &[
    (
        "verify.v2.service.access_token",
        "push-SDK enrolment tokens; Twofold is TOTP-only and the Sandbox refuses them",
    ),
    (
        "verify.v2.service.entity.challenge.notification",
        "re-sends a push notification; push factors are out of scope",
    ),
    ("verify.v2.form", "push-SDK UI forms; out of scope"),
    (
        "verify.v2.verification_template",
        "message template catalogue; not needed to verify",
    ),
    (
        "LookupResponseWithCorId",
        "Lookups bulk query; out of scope",
    ),
    (
        "RateLimitResponse",
        "Lookups account rate limits; out of scope",
    ),
    (
        "OverridesResponse",
        "Lookups line-type overrides; out of scope",
    ),
];

/// The pinned spec has this many examples for mapped schemas; fewer means something was skipped.
const MIN_DECODED: usize = 83;

fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/sdk/node_modules/@twilio-alpha/mcp/twilio-oai/spec/json")
}

fn load(file: &str) -> Value {
    let path = spec_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the pinned Twilio spec {} ({e}); run `make test` (or \
             `scripts/bootstrap.d/sdk`), which installs it",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

/// Decodes `example` as `T` (or `Page<T>` for a list), writes it back and compares.
///
/// An enum value this crate does not know, or a `config`/`binding` that fell back
/// to raw JSON, shows as `Other(` in the decoded value's `Debug` and fails too.
fn check<T: DeserializeOwned + Serialize + Debug>(
    list: bool,
    example: &Value,
) -> Result<Value, String> {
    let (back, debug) = if list {
        let page: Page<T> = serde_json::from_value(example.clone()).map_err(|e| e.to_string())?;
        (serde_json::to_value(&page), format!("{page:?}"))
    } else {
        let item: T = serde_json::from_value(example.clone()).map_err(|e| e.to_string())?;
        (serde_json::to_value(&item), format!("{item:?}"))
    };
    let back = back.map_err(|e| e.to_string())?;
    if &back != example {
        return Err(format!(
            "round trip differs\n  example: {example}\n  written: {back}"
        ));
    }
    if debug.contains("Other(") {
        return Err(format!("decoded with an unknown value: {debug}"));
    }
    Ok(back)
}

/// The Rust type for a schema: `None` if unmapped, else the round trip's result.
fn round_trip(schema: &str, list: bool, example: &Value) -> Option<Result<Value, String>> {
    Some(match schema {
        "verify.v2.service" => check::<Service>(list, example),
        "verify.v2.service.verification" => check::<Verification>(list, example),
        "verify.v2.service.verification_check" => check::<VerificationCheck>(list, example),
        "verify.v2.verification_attempt" => check::<VerificationAttempt>(list, example),
        "verify.v2.verification_attempts_summary" => {
            check::<VerificationAttemptsSummary>(list, example)
        }
        "verify.v2.service.entity" => check::<Entity>(list, example),
        "verify.v2.service.entity.factor" => check::<Factor>(list, example),
        "verify.v2.service.entity.new_factor" => check::<NewFactor>(list, example),
        "verify.v2.service.entity.challenge" => check::<Challenge>(list, example),
        "verify.v2.service.rate_limit" => check::<RateLimit>(list, example),
        "verify.v2.service.rate_limit.bucket" => check::<Bucket>(list, example),
        "verify.v2.service.messaging_configuration" => {
            check::<MessagingConfiguration>(list, example)
        }
        "verify.v2.service.webhook" => check::<Webhook>(list, example),
        "verify.v2.safelist" => check::<SafeList>(list, example),
        "lookups.v2.phone_number" => check::<PhoneNumber>(list, example),
        "TwilioServiceErrorResponse" => check::<ApiErrorBody>(list, example),
        _ => return None,
    })
}

fn schema_name(reference: &Value) -> Option<&str> {
    reference.as_str()?.strip_prefix("#/components/schemas/")
}

/// The schema a response answers with, and whether it is a list page.
fn response_schema(schema: &Value) -> Option<(&str, bool)> {
    if let Some(name) = schema_name(&schema["$ref"]) {
        return Some((name, false));
    }
    let properties = schema["properties"].as_object()?;
    if !properties.contains_key("meta") {
        return None;
    }
    let mut items = properties
        .iter()
        .filter(|(key, _)| *key != "meta")
        .filter_map(|(_, p)| schema_name(&p["items"]["$ref"]));
    match (items.next(), items.next()) {
        (Some(name), None) => Some((name, true)),
        _ => None,
    }
}

#[derive(Default)]
struct Tally {
    decoded: usize,
    per_schema: BTreeMap<String, usize>,
    known_schemas: BTreeSet<String>,
    failures: Vec<String>,
}

fn walk(file: &str, tally: &mut Tally) {
    let spec = load(file);
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    tally.known_schemas.extend(schemas.keys().cloned());
    let paths = spec["paths"].as_object().unwrap();
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().unwrap() {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            let op = operation["operationId"].as_str().unwrap_or(method);
            for (code, response) in responses {
                let content = &response["content"]["application/json"];
                let Some(examples) = content["examples"].as_object() else {
                    continue;
                };
                let at = format!("{file} {} {path} ({op}) {code}", method.to_uppercase());
                let Some((schema, list)) = response_schema(&content["schema"]) else {
                    tally
                        .failures
                        .push(format!("{at}: examples but no recognizable schema"));
                    continue;
                };
                for (name, example) in examples {
                    let at = format!("{at} example {name:?} [{schema}]");
                    let value = &example["value"];
                    match round_trip(schema, list, value) {
                        Some(Ok(written)) => {
                            tally.decoded += 1;
                            *tally.per_schema.entry(schema.to_owned()).or_default() += 1;
                            let records = if list {
                                let key = written["meta"]["key"].as_str().unwrap();
                                written[key].as_array().unwrap().clone()
                            } else {
                                vec![written]
                            };
                            let declared = schemas[schema]["properties"].as_object().unwrap();
                            for record in &records {
                                for field in declared.keys() {
                                    if record.get(field).is_none() {
                                        tally.failures.push(format!(
                                            "{at}: schema field `{field}` not written"
                                        ));
                                    }
                                }
                            }
                        }
                        Some(Err(why)) => tally.failures.push(format!("{at}: {why}")),
                        None if NOT_COVERED.iter().any(|(n, _)| *n == schema) => {}
                        None => tally.failures.push(format!(
                            "{at}: schema is not mapped to a type nor listed in NOT_COVERED"
                        )),
                    }
                }
            }
        }
    }
}

#[test]
fn every_spec_example_round_trips() {
    let mut tally = Tally::default();
    walk("twilio_verify_v2.json", &mut tally);
    walk("twilio_lookups_v2.json", &mut tally);

    for &(name, why) in NOT_COVERED {
        if !tally.known_schemas.contains(name) {
            tally.failures.push(format!(
                "NOT_COVERED names `{name}` ({why}), which neither spec has"
            ));
        }
        if round_trip(name, false, &Value::Null).is_some() {
            tally
                .failures
                .push(format!("`{name}` is both mapped and listed in NOT_COVERED"));
        }
    }
    for (schema, count) in &tally.per_schema {
        println!("{count:4}  {schema}");
    }
    println!(
        "{} examples decoded and written back identically",
        tally.decoded
    );

    assert!(
        tally.failures.is_empty(),
        "{} failure(s):\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    assert!(
        tally.decoded >= MIN_DECODED,
        "only {} examples decoded, expected at least {MIN_DECODED}",
        tally.decoded
    );
}
