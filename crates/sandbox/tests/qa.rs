//! The QA tools of the admin API over real HTTP: fault rules that fire with a
//! probability and repeat with a seed, test numbers, and snapshots of the state.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Api, start};
use proptest::prelude::*;
use serde_json::{Value, json};
use twofold_sandbox::{TestAnswer, TestNumber};

/// Adds `rule` (a 503 on `GET /v2/Services`, plus its extra fields), sends 200
/// matching requests (each after `between` requests the rule does not match), and
/// answers which of them failed and the rule as added; then removes the rule.
async fn failures(api: &Api, extra: &[(&str, &str)], between: usize) -> (Vec<usize>, Value) {
    let mut rule = vec![
        ("Method", "GET"),
        ("PathPrefix", "/v2/Services"),
        ("Status", "503"),
    ];
    rule.extend_from_slice(extra);
    let added = api.post("/sandbox/faults", &rule).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let mut failed = Vec::new();
    for i in 0..200 {
        for _ in 0..between {
            assert_eq!(api.get("/v2/Attempts").await.status, 200);
        }
        let reply = api.get("/v2/Services").await;
        match reply.status {
            200 => {}
            503 => failed.push(i),
            other => panic!("request {i} answered {other}: {}", reply.body),
        }
    }
    assert_eq!(api.delete("/sandbox/faults").await.status, 204);
    (failed, added.body)
}

#[tokio::test]
async fn a_seeded_probability_fails_the_same_requests_every_run() {
    let ((_a, a), (_b, b)) = (start().await, start().await);
    let seeded = [("Probability", "0.3"), ("Seed", "42")];
    let (first, rule) = failures(&a, &seeded, 0).await;
    assert_eq!(
        (&rule["probability"], &rule["seed"]),
        (&json!(0.3), &json!(42))
    );
    assert!(
        (30..=90).contains(&first.len()),
        "{} of 200 failed; 0.3 should fail about 60",
        first.len()
    );
    // Another Sandbox, and requests the rule does not match in between: the draws
    // follow the matching requests only.
    let (second, _) = failures(&b, &seeded, 1).await;
    assert_eq!(first, second);
    let (other_seed, _) = failures(&a, &[("Probability", "0.3"), ("Seed", "43")], 0).await;
    assert_ne!(first, other_seed);

    // Without a Seed one is drawn, shown, and repeats the run when given back.
    let (unseeded, rule) = failures(&a, &[("Probability", "0.3")], 0).await;
    let seed = rule["seed"].as_u64().unwrap();
    assert!(seed < 1 << 53, "a seed JavaScript can read back: {seed}");
    let (repeated, _) = failures(
        &b,
        &[("Probability", "0.3"), ("Seed", &seed.to_string())],
        0,
    )
    .await;
    assert_eq!(unseeded, repeated);
}

#[tokio::test]
async fn fault_rules_list_with_their_probability_seed_and_times() {
    let (_sandbox, api) = start().await;
    let added = api
        .post(
            "/sandbox/faults",
            &[
                ("PathPrefix", "/v2/Services"),
                ("Status", "503"),
                ("Probability", "0.5"),
                ("Seed", "18446744073709551615"),
                ("Times", "3"),
            ],
        )
        .await;
    assert_eq!(added.status, 201);
    let mut failed = 0;
    for _ in 0..100 {
        if api.get("/v2/Services").await.status == 503 {
            failed += 1;
        }
    }
    assert_eq!(failed, 3, "Times caps a probable rule as any other");
    let listed = api.get("/sandbox/faults").await;
    let rules = listed.body["faults"].as_array().unwrap();
    assert_eq!(rules.len(), 1);
    let rule = &rules[0];
    assert_eq!(rule["sid"], added.body["sid"]);
    assert_eq!(rule["probability"], 0.5);
    assert_eq!(rule["seed"].as_u64(), Some(u64::MAX));
    assert_eq!(rule["remaining"], 0);
    assert!(rule["matched"].as_u64().unwrap() >= 3);

    // A rule that always fires (the default) still lists probability 1.
    api.post("/sandbox/faults", &[("LatencyMs", "1")]).await;
    assert_eq!(
        api.get("/sandbox/faults").await.body["faults"][1]["probability"],
        1.0
    );
    for (field, value) in [
        ("Probability", "1.5"),
        ("Probability", "-0.1"),
        ("Probability", "often"),
        ("Probability", "NaN"),
        ("Seed", "-1"),
        ("Seed", "forty-two"),
    ] {
        let refused = api
            .post("/sandbox/faults", &[("Status", "503"), (field, value)])
            .await;
        refused.assert_error((400, 60200), field);
        assert_eq!(refused.body["status"], 400);
        assert!(refused.str("more_info").ends_with("/60200"));
    }
    assert_eq!(
        api.get("/sandbox/faults").await.body["faults"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "refused rules are not added"
    );
}

/// The messages in the outbox to `to`.
async fn outbox(api: &Api, to: &str) -> Vec<Value> {
    let to = to.replace('+', "%2B");
    let reply = api.get(&format!("/sandbox/outbox?To={to}")).await;
    reply.body["messages"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_test_number_gets_its_code_on_every_service() {
    let (_sandbox, api) = start().await;
    let reviewer = "+14155550188";
    let added = api
        .post(
            "/sandbox/test-numbers",
            &[("To", "+1 415 555 0188"), ("Code", "246810")],
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body, json!({ "to": reviewer, "code": "246810" }));
    for code_length in ["4", "8"] {
        let va = api.service(&[("CodeLength", code_length)]).await;
        assert_eq!(api.send_code(&va, reviewer, "sms").await.status, 201);
        assert_eq!(api.last_code(reviewer).await, "246810");
        let checked = api.check(&va, reviewer, "246810").await;
        assert_eq!(checked.str("status"), "approved", "{}", checked.body);
    }
    // Other numbers are not touched: their codes have the service's length.
    let va = api.service(&[("CodeLength", "8")]).await;
    api.send_code(&va, "+14155550189", "sms").await;
    assert_eq!(api.last_code("+14155550189").await.len(), 8);

    // A pending verification's code gives way to the test number's.
    api.send_code(&va, "+14155550187", "sms").await;
    api.post(
        "/sandbox/test-numbers",
        &[("To", "+14155550187"), ("Code", "1357")],
    )
    .await;
    api.send_code(&va, "+14155550187", "sms").await;
    assert_eq!(api.last_code("+14155550187").await, "1357");
    let checked = api.check(&va, "+14155550187", "1357").await;
    assert_eq!(checked.str("status"), "approved");
}

#[tokio::test]
async fn a_test_number_with_an_error_code_answers_that_error() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    for (code, status, to) in [
        ("60410", 403, "+14155550190"),
        ("60605", 403, "+447911123456"),
        ("60203", 429, "+14155550191"),
        ("20429", 429, "+14155550192"),
        ("60200", 400, "+14155550193"),
        ("60205", 403, "+14155550194"),
    ] {
        let added = api
            .post("/sandbox/test-numbers", &[("To", to), ("ErrorCode", code)])
            .await;
        assert_eq!(added.status, 201, "{}", added.body);
        assert_eq!(added.body["error_code"], code.parse::<u32>().unwrap());
        let refused = api.send_code(&va, to, "sms").await;
        assert_eq!(refused.status, status, "{code}: {}", refused.body);
        assert_eq!(refused.code().to_string(), code);
        assert_eq!(refused.body["status"], status);
        assert!(refused.str("message").len() > 10, "{}", refused.body);
        assert!(refused.str("more_info").ends_with(code));
        assert_eq!(refused.headers.contains_key("retry-after"), status == 429);
        assert_eq!(outbox(&api, to).await, Vec::<Value>::new(), "nothing sent");
        let attempts = api
            .get(&format!(
                "/v2/Attempts?ChannelData.To={}",
                to.replace('+', "%2B")
            ))
            .await;
        assert_eq!(
            attempts.body["attempts"],
            json!([]),
            "and nothing attempted"
        );
    }
    // Every send, on any service, and whatever the channel.
    let other = api.service(&[]).await;
    let again = api.send_code(&other, "+14155550190", "call").await;
    assert_eq!((again.status, again.code()), (403, 60410));
}

#[tokio::test]
async fn test_numbers_refuse_what_the_sandbox_cannot_answer() {
    let (_sandbox, api) = start().await;
    for (form, names) in [
        (vec![("To", "+14155550101"), ("Code", "12ab")], "Code"),
        (vec![("To", "+14155550101"), ("Code", "123")], "Code"),
        (
            vec![("To", "+14155550101"), ("Code", "12345678901")],
            "Code",
        ),
        (vec![("To", "+14155550101")], "Code"),
        (
            vec![
                ("To", "+14155550101"),
                ("Code", "1234"),
                ("ErrorCode", "60410"),
            ],
            "Code",
        ),
        (
            vec![("To", "+14155550101"), ("ErrorCode", "sixty")],
            "ErrorCode",
        ),
        (vec![("To", "12"), ("Code", "1234")], "To"),
        (vec![("To", "someone@localhost"), ("Code", "1234")], "To"),
    ] {
        let refused = api.post("/sandbox/test-numbers", &form).await;
        refused.assert_error((400, 60200), names);
    }
    let unknown = api
        .post(
            "/sandbox/test-numbers",
            &[("To", "+14155550101"), ("ErrorCode", "60999")],
        )
        .await;
    assert_eq!((unknown.status, unknown.code()), (400, 60200));
    let message = unknown.str("message");
    for supported in ["20429", "60200", "60203", "60205", "60410", "60605"] {
        assert!(message.contains(supported), "{message}");
    }
    assert_eq!(
        api.get("/sandbox/test-numbers").await.body,
        json!({ "test_numbers": [] })
    );
}

#[tokio::test]
async fn test_numbers_list_replace_delete_and_reset() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let numbers = [
        ("+14155550101", "Code", "1234"),
        ("qa@example.com", "Code", "98765"),
        ("+14155550102", "ErrorCode", "60410"),
        ("+14155550101", "Code", "4321"),
    ];
    for (to, field, value) in numbers {
        let added = api
            .post("/sandbox/test-numbers", &[("To", to), (field, value)])
            .await;
        assert_eq!(added.status, 201);
    }
    let expected = json!({ "test_numbers": [
        { "to": "+14155550101", "code": "4321" },
        { "to": "qa@example.com", "code": "98765" },
        { "to": "+14155550102", "error_code": 60410 },
    ]});
    assert_eq!(api.get("/sandbox/test-numbers").await.body, expected);

    // The `+` arrives raw (as the SDKs send it in paths) or escaped.
    assert_eq!(
        api.delete("/sandbox/test-numbers/+14155550101")
            .await
            .status,
        204
    );
    assert_eq!(
        api.delete("/sandbox/test-numbers/%2B14155550102")
            .await
            .status,
        204
    );
    let gone = api.delete("/sandbox/test-numbers/%2B14155550102").await;
    gone.assert_error((404, 20404), "+14155550102");
    assert_eq!(
        api.get("/sandbox/test-numbers").await.body["test_numbers"],
        json!([{ "to": "qa@example.com", "code": "98765" }])
    );
    // Removed, a number is an ordinary one again.
    assert_eq!(api.send_code(&va, "+14155550102", "sms").await.status, 201);
    assert_eq!(api.last_code("+14155550102").await.len(), 6);

    // Reset forgets test numbers with everything else, but keeps the clock.
    api.post("/sandbox/clock", &[("AdvanceSeconds", "120")])
        .await;
    assert_eq!(api.post("/sandbox/reset", &[]).await.status, 200);
    assert_eq!(
        api.get("/sandbox/test-numbers").await.body,
        json!({ "test_numbers": [] })
    );
    assert_eq!(api.get("/sandbox/clock").await.body["offset_seconds"], 120);
}

#[tokio::test]
async fn the_embedding_app_manages_test_numbers_in_process() {
    let (sandbox, api) = start().await;
    let added = sandbox
        .add_test_number("+1 415 555 0177", TestAnswer::Code("2468".into()))
        .await
        .unwrap();
    let expected = TestNumber {
        to: "+14155550177".into(),
        answer: TestAnswer::Code("2468".into()),
    };
    assert_eq!(added, expected);
    assert_eq!(sandbox.test_numbers(), vec![expected]);
    assert_eq!(
        api.get("/sandbox/test-numbers").await.body["test_numbers"][0]["code"],
        "2468"
    );
    let refused = sandbox
        .add_test_number("+14155550178", TestAnswer::ErrorCode(12345))
        .await
        .unwrap_err();
    assert_eq!((refused.status, refused.code), (400, 60200));
    assert!(sandbox.remove_test_number("+14155550177").await);
    assert!(!sandbox.remove_test_number("+14155550177").await);
    assert!(sandbox.test_numbers().is_empty());
}

#[tokio::test]
async fn a_snapshot_put_back_restores_the_state() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    api.send_code(&va, "+14155550161", "sms").await;
    api.post(
        "/sandbox/test-numbers",
        &[("To", "+14155550162"), ("Code", "1111")],
    )
    .await;
    let taken = api.get("/sandbox/snapshot").await;
    assert_eq!(taken.status, 200);
    assert_eq!(taken.body["test_numbers"][0]["code"], "1111");
    let numbers_before = api.get("/sandbox/test-numbers").await.body;
    let outbox_before = api.get("/sandbox/outbox").await.body;

    let sent = api.send_code(&va, "+14155550163", "sms").await;
    let new_verification = format!("/v2/Services/{va}/Verifications/{}", sent.str("sid"));
    assert_eq!(api.get(&new_verification).await.status, 200);
    api.post(
        "/sandbox/test-numbers",
        &[("To", "+14155550164"), ("ErrorCode", "60605")],
    )
    .await;
    api.post("/sandbox/clock", &[("AdvanceSeconds", "30")])
        .await;
    api.post(
        "/sandbox/faults",
        &[("Status", "503"), ("PathPrefix", "/v2/Attempts")],
    )
    .await;

    let put = api
        .put_json("/sandbox/snapshot", taken.body.to_string())
        .await;
    assert_eq!(put.status, 204, "{}", put.body);
    assert_eq!(api.get("/sandbox/snapshot").await.body, taken.body);
    assert_eq!(
        api.get(&new_verification).await.status,
        404,
        "the new one is gone"
    );
    assert_eq!(api.get("/sandbox/test-numbers").await.body, numbers_before);
    assert_eq!(api.get("/sandbox/outbox").await.body, outbox_before);
    assert_eq!(api.get("/sandbox/clock").await.body["offset_seconds"], 0);
    assert_eq!(
        api.get("/v2/Attempts").await.status,
        200,
        "and so is the fault"
    );
    // What was pending before is pending again.
    let code = api.last_code("+14155550161").await;
    assert_eq!(
        api.check(&va, "+14155550161", &code).await.str("status"),
        "approved"
    );
}

#[tokio::test]
async fn a_bad_snapshot_is_refused_and_changes_nothing() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    api.send_code(&va, "+14155550165", "sms").await;
    let before = api.get("/sandbox/snapshot").await.body;
    for (body, says) in [
        ("{\"services\": ", "EOF"),
        ("not json at all", "JSON object"),
        ("[]", "JSON object"),
        ("", "JSON object"),
        ("{\"clock_offset\": \"soon\"}", "invalid type"),
        (
            "{\"test_numbers\": [{\"to\": \"+14155550166\", \"error_code\": 60999}]}",
            "60999",
        ),
        (
            "{\"test_numbers\": [{\"to\": \"+14155550166\", \"code\": \"12\"}]}",
            "4 to 10 digits",
        ),
    ] {
        let refused = api.put_json("/sandbox/snapshot", body).await;
        assert_eq!((refused.status, refused.code()), (400, 60200), "{body}");
        let message = refused.str("message");
        assert!(
            message.contains("not a Sandbox snapshot") && message.contains(says),
            "{body}: {message}"
        );
        assert_eq!(api.get("/sandbox/snapshot").await.body, before, "{body}");
    }
}

/// One step of a QA session, for the round-trip property.
#[derive(Debug, Clone)]
enum Op {
    Service(u8),
    Send(u8, &'static str),
    Check(u8, bool),
    Advance(u16),
    Fault(f64, u64),
    TestNumber(u8, Option<u32>),
    RemoveTestNumber(u8),
    Factor(u8),
    Reset,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (4u8..=10).prop_map(Op::Service),
        (
            0u8..4,
            prop::sample::select(vec!["sms", "call", "whatsapp", "auto"])
        )
            .prop_map(|(n, channel)| Op::Send(n, channel)),
        (0u8..4, any::<bool>()).prop_map(|(n, right)| Op::Check(n, right)),
        (0u16..900).prop_map(Op::Advance),
        (0.0f64..=1.0, any::<u64>()).prop_map(|(p, seed)| Op::Fault(p, seed)),
        (
            0u8..4,
            prop::option::of(prop::sample::select(vec![60410u32, 60605, 20429]))
        )
            .prop_map(|(n, error)| Op::TestNumber(n, error)),
        (0u8..4).prop_map(Op::RemoveTestNumber),
        (0u8..3).prop_map(Op::Factor),
        Just(Op::Reset),
    ]
}

/// Runs `ops` against a fresh Sandbox, ignoring how each answers (a fault rule may
/// fail the ones after it), and answers GET, then PUT of it, then GET again.
async fn round_trip(ops: Vec<Op>) -> (Value, Value, u16) {
    let (_sandbox, api) = start().await;
    let mut service: Option<String> = None;
    let number = |n: u8| format!("+1415555014{n}");
    for op in ops {
        match (op, &service) {
            (Op::Service(len), _) => {
                let r = api
                    .post(
                        "/v2/Services",
                        &[("FriendlyName", "Prop"), ("CodeLength", &len.to_string())],
                    )
                    .await;
                if r.status == 201 {
                    service = Some(r.str("sid"));
                }
            }
            (Op::Send(n, channel), Some(va)) => {
                api.send_code(va, &number(n), channel).await;
            }
            (Op::Check(n, right), Some(va)) => {
                let code = match right {
                    true => outbox(&api, &number(n))
                        .await
                        .last()
                        .and_then(|m| m["code"].as_str().map(str::to_owned)),
                    false => None,
                };
                api.check(va, &number(n), code.as_deref().unwrap_or("000000"))
                    .await;
            }
            (Op::Advance(secs), _) => {
                api.post("/sandbox/clock", &[("AdvanceSeconds", &secs.to_string())])
                    .await;
            }
            (Op::Fault(p, seed), _) => {
                api.post(
                    "/sandbox/faults",
                    &[
                        ("Method", "POST"),
                        ("Status", "503"),
                        ("Probability", &p.to_string()),
                        ("Seed", &seed.to_string()),
                    ],
                )
                .await;
            }
            (Op::TestNumber(n, error), _) => {
                let answer = match error {
                    Some(code) => ("ErrorCode", code.to_string()),
                    None => ("Code", format!("{n}{n}{n}{n}")),
                };
                api.post(
                    "/sandbox/test-numbers",
                    &[("To", &number(n)), (answer.0, &answer.1)],
                )
                .await;
            }
            (Op::RemoveTestNumber(n), _) => {
                api.delete(&format!("/sandbox/test-numbers/{}", number(n)))
                    .await;
            }
            (Op::Factor(n), Some(va)) => {
                api.post(
                    &format!("/v2/Services/{va}/Entities/user-000{n}/Factors"),
                    &[
                        ("FactorType", "totp"),
                        ("FriendlyName", "Phone"),
                        ("Metadata", "{\"os\":\"Android\",\"n\":1.5}"),
                    ],
                )
                .await;
            }
            (Op::Reset, _) => {
                api.post("/sandbox/reset", &[]).await;
            }
            // Service-bound steps before any service exists do nothing.
            (Op::Send(..) | Op::Check(..) | Op::Factor(_), None) => {}
        }
    }
    let first = api.get("/sandbox/snapshot").await.body;
    let put = api.put_json("/sandbox/snapshot", first.to_string()).await;
    let second = api.get("/sandbox/snapshot").await.body;
    (first, second, put.status)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn snapshots_round_trip(ops in prop::collection::vec(op(), 1..12)) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (first, second, put) = runtime.block_on(round_trip(ops));
        prop_assert_eq!(put, 204);
        prop_assert_eq!(first, second);
    }
}
