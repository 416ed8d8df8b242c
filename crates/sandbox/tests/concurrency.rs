//! 10,000+ concurrent sends and checks over 1,000 numbers: the limits stay exact,
//! no outbox message is lost, and the state stays consistent.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use common::target;
use tokio::sync::Semaphore;

const NUMBERS: usize = 1000;
const SENDS_PER_NUMBER: usize = 6;
const CHECKS_PER_NUMBER: usize = 6;
/// Requests in flight at once; every request is issued at the same time and waits
/// for one of these connections (loopback sockets, kept well under the fd limit).
const CONNECTIONS: usize = 256;

fn number(i: usize) -> String {
    format!("+1415555{:04}", 1000 + i)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sends_and_checks_keep_limits_exact() {
    // Kept alive for the whole test when it runs in-process.
    let (_sandbox, api) = target().await;
    let api = Arc::new(api);
    let va = api.service(&[]).await;
    let gate = Arc::new(Semaphore::new(CONNECTIONS));

    let mut sends = Vec::new();
    for i in 0..NUMBERS * SENDS_PER_NUMBER {
        let (api, gate, va) = (api.clone(), gate.clone(), va.clone());
        sends.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let to = number(i % NUMBERS);
            let r = api.send_code(&va, &to, "sms").await;
            (to, r.status, r.code())
        }));
    }
    let mut per_number: HashMap<String, (usize, usize)> = HashMap::new();
    for s in sends {
        let (to, status, code) = s.await.unwrap();
        let entry = per_number.entry(to).or_default();
        match (status, code) {
            (201, _) => entry.0 += 1,
            (429, 60203) => entry.1 += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(per_number.len(), NUMBERS);
    assert!(
        per_number.values().all(|&c| c == (5, 1)),
        "exactly 5 sends and one 60203 per number"
    );

    let outbox = api.get("/sandbox/outbox").await.body;
    let ours: Vec<&serde_json::Value> = outbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["service_sid"] == va.as_str())
        .collect();
    assert_eq!(
        ours.len(),
        NUMBERS * 5,
        "every accepted send is in the outbox"
    );
    let mut codes: HashMap<&str, &str> = HashMap::new();
    for m in ours {
        let (to, code) = (m["to"].as_str().unwrap(), m["code"].as_str().unwrap());
        assert_eq!(
            *codes.entry(to).or_insert(code),
            code,
            "resends carry the same code"
        );
    }

    let mut checks = Vec::new();
    for i in 0..NUMBERS * CHECKS_PER_NUMBER {
        let (api, gate, va) = (api.clone(), gate.clone(), va.clone());
        checks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            let to = number(i % NUMBERS);
            let r = api.check(&va, &to, "not-it").await;
            (to, r.status, r.code(), r.str("status"))
        }));
    }
    let mut pending: HashMap<String, usize> = HashMap::new();
    let mut exhausted = 0;
    for c in checks {
        match c.await.unwrap() {
            (to, 200, _, status) if status == "pending" => *pending.entry(to).or_default() += 1,
            (_, 429, 60202, _) => exhausted += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(exhausted, NUMBERS, "exactly one 60202 per number");
    assert!(pending.values().all(|&n| n == 5) && pending.len() == NUMBERS);

    let attempts = api
        .get(&format!("/v2/Attempts/Summary?VerifyServiceSid={va}"))
        .await;
    assert_eq!(attempts.body["total_attempts"], NUMBERS * 5);
    assert_eq!(attempts.body["total_converted"], 0);
    let gone = api.check(&va, &number(0), "not-it").await;
    assert_eq!(gone.code(), 20404, "exhausted verifications are gone");
}
