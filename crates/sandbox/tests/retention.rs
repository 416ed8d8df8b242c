//! Retention: the outbox and finished verifications are kept to a count and an age
//! (Sandbox clock), so memory stays bounded; checked over loopback HTTP with small limits.
#![allow(clippy::unwrap_used)]

mod common;

use common::Api;
use twofold_sandbox::{Retention, RunningSandbox, SandboxConfig};

async fn start(retention: Retention) -> (RunningSandbox, Api) {
    common::serve(SandboxConfig {
        retention,
        ..SandboxConfig::default()
    })
    .await
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
async fn verifications_and_their_attempts_go_by_count_and_finished_ones_by_age() {
    let (sandbox, api) = start(Retention {
        verifications: 2,
        verification_max_age_secs: 1_200,
        ..Retention::default()
    })
    .await;
    let va = api.service(&[]).await;
    let fetch = |sid: &str| format!("/v2/Services/{va}/Verifications/{sid}");
    let mut sids = Vec::new();
    for n in 0..3 {
        sids.push(api.send_code(&va, &number(n), "sms").await.str("sid"));
    }
    // Past the count the oldest goes, with its attempt.
    assert_eq!(attempts(&api).await, 2);
    assert_eq!(api.get(&fetch(&sids[0])).await.status, 404);
    assert_eq!(api.get(&fetch(&sids[1])).await.status, 200);
    let again = api.send_code(&va, &number(0), "sms").await;
    assert!(!sids.contains(&again.str("sid")), "a new verification");
    assert_eq!(api.get(&fetch(&sids[1])).await.status, 404);

    // Within the count, a finished one stays until it is older than the age limit.
    let code = api.last_code(&number(2)).await;
    assert_eq!(
        api.check(&va, &number(2), &code).await.str("status"),
        "approved"
    );
    assert_eq!(attempts(&api).await, 2);
    api.post("/sandbox/clock", &[("AdvanceSeconds", "601")])
        .await;
    assert_eq!(attempts(&api).await, 2, "younger than 1,200 s: kept");
    api.post("/sandbox/clock", &[("AdvanceSeconds", "610")])
        .await;
    assert_eq!(attempts(&api).await, 0, "older: gone with their attempts");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_outbox_watch_sees_every_change_even_at_the_retention_limit() {
    let (sandbox, api) = start(Retention {
        outbox_messages: 1,
        ..Retention::default()
    })
    .await;
    let mut watch = sandbox.watch_outbox();
    watch.borrow_and_update();
    let va = api.service(&[]).await;
    api.send_code(&va, &number(0), "sms").await;
    assert!(watch.has_changed().unwrap(), "a first message");
    watch.borrow_and_update();
    let one = sandbox.snapshot();
    // Full: the next message replaces the only one, the length stays 1.
    api.send_code(&va, &number(1), "sms").await;
    assert!(
        watch.has_changed().unwrap(),
        "a message in place of another"
    );
    watch.borrow_and_update();
    // Back to a snapshot with as many messages, but other ones.
    sandbox.restore(&one).await.unwrap();
    assert!(watch.has_changed().unwrap(), "a snapshot put back");
    watch.borrow_and_update();
    assert_eq!(sandbox.outbox()[0].to, number(0));
    api.get("/sandbox/outbox").await;
    assert!(!watch.has_changed().unwrap(), "reading changes nothing");
    sandbox.clear_outbox().await;
    assert!(watch.has_changed().unwrap(), "cleared");
    sandbox.shutdown().await;
}
