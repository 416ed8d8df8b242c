//! Retention: the outbox and finished verifications are kept to a count and an age
//! (Sandbox clock), so memory stays bounded; checked over loopback HTTP with small limits.
#![allow(clippy::unwrap_used)]

mod common;

use common::Api;
use twofold_sandbox::{Retention, RunningSandbox, SandboxConfig};

async fn start(retention: Retention) -> (RunningSandbox, Api) {
    let sandbox = twofold_sandbox::serve(SandboxConfig {
        retention,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let api = Api::new(sandbox.base_url());
    (sandbox, api)
}

fn number(n: usize) -> String {
    format!("+1415555{:04}", 300 + n)
}

async fn outbox_to(api: &Api, to: &str) -> Vec<serde_json::Value> {
    let r = api
        .get(&format!("/sandbox/outbox?To={}", to.replace('+', "%2B")))
        .await;
    r.body["messages"].as_array().unwrap().clone()
}

async fn attempts(api: &Api) -> usize {
    let r = api.get("/v2/Attempts?PageSize=1000").await;
    r.body["attempts"].as_array().unwrap().len()
}

#[tokio::test]
async fn the_outbox_keeps_the_newest_messages_up_to_the_count_and_age() {
    let (sandbox, api) = start(Retention {
        outbox_messages: 3,
        outbox_max_age_secs: 600,
        ..Retention::default()
    })
    .await;
    let va = api.service(&[]).await;
    for n in 0..5 {
        api.send_code(&va, &number(n), "sms").await;
    }
    let all = api.get("/sandbox/outbox").await.body["messages"].clone();
    let kept: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        kept,
        [number(2), number(3), number(4)],
        "the oldest two went"
    );
    assert!(outbox_to(&api, &number(0)).await.is_empty());
    assert_eq!(outbox_to(&api, &number(4)).await.len(), 1);
    assert_eq!(sandbox.outbox().len(), 3);

    // A resend to a kept number: its two messages are found through the index.
    api.send_code(&va, &number(4), "call").await;
    let four = outbox_to(&api, &number(4)).await;
    assert_eq!(four.len(), 2);
    assert_eq!(four[1]["channel"], "call");

    api.post("/sandbox/clock", &[("AdvanceSeconds", "601")])
        .await;
    assert!(
        api.get("/sandbox/outbox").await.body["messages"]
            .as_array()
            .unwrap()
            .is_empty(),
        "messages older than the age limit are gone"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn finished_verifications_and_their_attempts_go_by_count_and_age_pending_ones_stay() {
    let (sandbox, api) = start(Retention {
        verifications: 2,
        verification_max_age_secs: 1_200,
        ..Retention::default()
    })
    .await;
    let va = api.service(&[]).await;
    let mut sids = Vec::new();
    for n in 0..4 {
        sids.push(api.send_code(&va, &number(n), "sms").await.str("sid"));
    }
    // Still pending: none may go, whatever the count.
    assert_eq!(attempts(&api).await, 4);
    let fetch = |sid: &str| format!("/v2/Services/{va}/Verifications/{sid}");
    assert_eq!(api.get(&fetch(&sids[3])).await.status, 200);

    // Approving the first two finishes them; the count (2) then drops those two.
    for n in 0..2 {
        let code = api.last_code(&number(n)).await;
        assert_eq!(
            api.check(&va, &number(n), &code).await.str("status"),
            "approved"
        );
    }
    assert_eq!(attempts(&api).await, 2, "the finished ones went first");
    assert_eq!(api.get(&fetch(&sids[3])).await.status, 200, "pending stays");

    // Past their 10 minutes the other two are over too, and within the count.
    api.post("/sandbox/clock", &[("AdvanceSeconds", "601")])
        .await;
    assert_eq!(attempts(&api).await, 2);
    // Past the age limit they go as well.
    api.post("/sandbox/clock", &[("AdvanceSeconds", "610")])
        .await;
    assert_eq!(attempts(&api).await, 0);
    // A new send to a dropped number starts a new verification.
    let again = api.send_code(&va, &number(0), "sms").await;
    assert_eq!(again.status, 201);
    assert!(!sids.contains(&again.str("sid")));
    sandbox.shutdown().await;
}
