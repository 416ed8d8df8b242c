//! The client conduct report (`GET /sandbox/report`) over real HTTP: each kind
//! counted with its example and advice, a careful client's report empty, and
//! `DELETE /sandbox/report` and `POST /sandbox/reset` clearing it.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Api, start};
use serde_json::Value;

async fn report(api: &Api) -> Vec<Value> {
    let reply = api.get("/sandbox/report").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["kinds"].as_array().unwrap().clone()
}

/// The entry of `kind`, which must be there.
async fn entry(api: &Api, kind: &str) -> Value {
    report(api)
        .await
        .into_iter()
        .find(|e| e["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in the report"))
}

async fn advance(api: &Api, seconds: u32) {
    let moved = api
        .post(
            "/sandbox/clock",
            &[("AdvanceSeconds", &seconds.to_string())],
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
}

#[tokio::test]
async fn a_careful_client_leaves_the_report_empty() {
    let (sandbox, api) = start().await;
    let va = api.service(&[]).await;
    assert_eq!(api.send_code(&va, "+14155550101", "sms").await.status, 201);
    let sent = api.send_code(&va, "+14155550102", "sms").await;
    let vsid = sent.str("sid");
    for _ in 0..10 {
        let fetched = api
            .get(&format!("/v2/Services/{va}/Verifications/{vsid}"))
            .await;
        assert_eq!(fetched.status, 200);
    }
    // A 429 waited out (on the Sandbox clock) before the request comes again.
    let rule = api
        .post("/sandbox/faults", &[("Status", "429"), ("Times", "1")])
        .await;
    assert_eq!(rule.status, 201);
    let refused = api.send_code(&va, "+14155550103", "sms").await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.headers["retry-after"], "1");
    advance(&api, 2).await;
    assert_eq!(api.send_code(&va, "+14155550103", "sms").await.status, 201);
    // A resend after 30 seconds.
    advance(&api, 30).await;
    assert_eq!(api.send_code(&va, "+14155550101", "sms").await.status, 201);
    let code = api.last_code("+14155550101").await;
    assert_eq!(
        api.check(&va, "+14155550101", &code).await.str("status"),
        "approved"
    );
    assert_eq!(report(&api).await, Vec::<Value>::new());
    assert!(sandbox.conduct_report().kinds.is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_second_send_within_30_seconds_is_a_resend_too_soon() {
    let (sandbox, api) = start().await;
    let va = api.service(&[]).await;
    assert_eq!(api.send_code(&va, "+14155550101", "sms").await.status, 201);
    advance(&api, 10).await;
    assert_eq!(api.send_code(&va, "+14155550101", "sms").await.status, 201);
    let resend = entry(&api, "resend_too_soon").await;
    assert_eq!(resend["count"], 1);
    let example = &resend["example"];
    assert_eq!(example["method"], "POST");
    assert_eq!(example["path"], format!("/v2/Services/{va}/Verifications"));
    assert_eq!(example["params"]["To"], "••••••••••01");
    assert_eq!(example["params"]["Channel"], "sms");
    assert_eq!(example["params"]["since_last_send"], "10 s");
    assert!(
        resend["advice"].as_str().unwrap().contains("30 seconds"),
        "{resend}"
    );
    let text = serde_json::to_string(&resend).unwrap();
    let code = api.last_code("+14155550101").await;
    assert!(!text.contains(&code), "the report shows no code: {text}");
    assert!(
        !text.contains("14155550101"),
        "the number is masked: {text}"
    );
    assert_eq!(report(&api).await.len(), 1, "only the resend counts");

    // 30 seconds after the last send it is a careful resend; another number is its own.
    advance(&api, 30).await;
    assert_eq!(api.send_code(&va, "+14155550101", "sms").await.status, 201);
    assert_eq!(api.send_code(&va, "+14155550102", "sms").await.status, 201);
    assert_eq!(entry(&api, "resend_too_soon").await["count"], 1);
    assert_eq!(sandbox.conduct_report().kinds[0].count, 1);

    assert_eq!(api.delete("/sandbox/report").await.status, 204);
    assert!(report(&api).await.is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn fetching_one_verification_more_than_60_times_a_minute_is_polling_too_often() {
    let (sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let vsid = api.send_code(&va, "+14155550101", "sms").await.str("sid");
    let path = format!("/v2/Services/{va}/Verifications/{vsid}");
    for _ in 0..60 {
        assert_eq!(api.get(&path).await.status, 200);
    }
    assert!(report(&api).await.is_empty(), "60 a minute are allowed");
    assert_eq!(api.get(&path).await.status, 200);
    assert_eq!(api.get(&path).await.status, 200);
    let polling = entry(&api, "polling_too_often").await;
    assert_eq!(polling["count"], 2);
    assert_eq!(polling["example"]["method"], "GET");
    assert_eq!(polling["example"]["path"], path);
    assert_eq!(polling["example"]["params"]["fetches"], "61 in a minute");
    assert!(
        polling["advice"]
            .as_str()
            .unwrap()
            .contains("60 fetches a minute")
    );

    // A new minute starts afresh; another verification is counted on its own.
    advance(&api, 61).await;
    let other = api.send_code(&va, "+14155550102", "sms").await.str("sid");
    for _ in 0..5 {
        assert_eq!(api.get(&path).await.status, 200);
        let other_path = format!("/v2/Services/{va}/Verifications/{other}");
        assert_eq!(api.get(&other_path).await.status, 200);
    }
    assert_eq!(entry(&api, "polling_too_often").await["count"], 2);

    // A reset forgets it too.
    assert_eq!(api.post("/sandbox/reset", &[]).await.status, 200);
    assert!(report(&api).await.is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_retry_before_retry_after_passed_is_counted_for_429s_and_faulty_503s() {
    let (sandbox, api) = start().await;
    let va = api.service(&[]).await;

    // The Sandbox's own 429: the sixth send to one number (60203), then at once a seventh.
    for _ in 0..5 {
        assert_eq!(api.send_code(&va, "+14155550101", "sms").await.status, 201);
    }
    let sixth = api.send_code(&va, "+14155550101", "sms").await;
    assert_eq!((sixth.status, sixth.code()), (429, 60203));
    let told = sixth.headers["retry-after"].to_str().unwrap().to_owned();
    assert_eq!(api.send_code(&va, "+14155550101", "sms").await.status, 429);
    let early = entry(&api, "retry_before_retry_after").await;
    assert_eq!(early["count"], 1);
    let example = &early["example"];
    assert_eq!(example["method"], "POST");
    assert_eq!(example["path"], format!("/v2/Services/{va}/Verifications"));
    assert_eq!(example["params"]["To"], "••••••••••01");
    assert_eq!(example["params"]["Retry-After"], told);
    assert_eq!(example["params"]["earlier_status"], "429");
    assert!(early["advice"].as_str().unwrap().contains("Retry-After"));

    // A fault rule's 503 with Retry-After: 5.
    assert_eq!(api.delete("/sandbox/report").await.status, 204);
    let rule = api
        .post(
            "/sandbox/faults",
            &[
                ("Method", "GET"),
                ("ToPrefix", "+14155550123"),
                ("Status", "503"),
                ("RetryAfter", "5"),
                ("Times", "2"),
            ],
        )
        .await;
    assert_eq!(rule.status, 201, "{}", rule.body);
    assert_eq!(rule.body["retry_after"], 5);
    let lookup = "/v2/PhoneNumbers/+14155550123";
    let failed = api.get(lookup).await;
    assert_eq!(failed.status, 503);
    assert_eq!(failed.headers["retry-after"], "5");
    // Another number is another request: not a retry.
    assert_eq!(api.get("/v2/PhoneNumbers/+14155550124").await.status, 200);
    assert!(report(&api).await.is_empty());
    advance(&api, 2).await;
    assert_eq!(api.get(lookup).await.status, 503, "retried after 2 of 5 s");
    let early = entry(&api, "retry_before_retry_after").await;
    assert_eq!(early["count"], 1);
    assert_eq!(early["example"]["method"], "GET");
    assert_eq!(early["example"]["path"], "/v2/PhoneNumbers/••••••••••23");
    assert_eq!(early["example"]["params"]["earlier_status"], "503");
    assert_eq!(early["example"]["params"]["Retry-After"], "5");
    // The second 503 said 5 s again; waited out, the retry does not count.
    advance(&api, 6).await;
    assert_eq!(api.get(lookup).await.status, 200);
    assert_eq!(entry(&api, "retry_before_retry_after").await["count"], 1);

    sandbox.clear_conduct_report().await;
    assert!(sandbox.conduct_report().kinds.is_empty());
    assert!(report(&api).await.is_empty());
    sandbox.shutdown().await;
}
