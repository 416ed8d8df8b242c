//! The client against the Sandbox over real HTTP on 127.0.0.1, with the
//! Sandbox's fault rules standing in for Twilio's bad moments.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use secrecy::SecretString;
use twofold_sandbox::{RunningSandbox, SandboxConfig};
use twofold_twilio::{LineType, PhoneNumber, VerificationStatus};
use twofold_verify::{
    Client, CodeCheck, Credentials, Endpoint, Error, NewVerification, RetryPolicy, ServiceSettings,
};

async fn sandbox() -> (RunningSandbox, Client) {
    let running = twofold_sandbox::serve(SandboxConfig::default())
        .await
        .unwrap();
    let credentials = Credentials::auth_token(
        running.credentials().account_sid(),
        SecretString::from(running.credentials().auth_token()),
    );
    let client = Client::new(
        credentials,
        Endpoint::base_url(&running.base_url()).unwrap(),
    )
    .unwrap()
    // Short backoffs keep the test quick; the policy is the same code.
    .with_retry(RetryPolicy {
        retries: 3,
        first_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
    });
    (running, client)
}

/// Adds a Sandbox fault rule through its admin API.
async fn fault(running: &RunningSandbox, rule: &[(&str, &str)]) {
    let response = reqwest::Client::new()
        .post(format!("{}/sandbox/faults", running.base_url()))
        .basic_auth(
            running.credentials().account_sid(),
            Some(running.credentials().auth_token()),
        )
        .form(rule)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
}

async fn service(client: &Client, name: &str) -> String {
    let settings = ServiceSettings {
        friendly_name: Some(name.to_owned()),
        ..ServiceSettings::default()
    };
    client.create_service(&settings).await.unwrap().sid.unwrap()
}

fn sms(to: &str) -> NewVerification {
    NewVerification {
        to: to.to_owned(),
        channel: "sms".to_owned(),
        ..NewVerification::default()
    }
}

fn check(to: &str, code: &str) -> CodeCheck {
    CodeCheck {
        to: Some(to.to_owned()),
        code: Some(code.to_owned()),
        ..CodeCheck::default()
    }
}

#[tokio::test]
async fn a_verification_is_sent_checked_wrong_then_right() {
    let (running, client) = sandbox().await;
    let va = service(&client, "Acme").await;
    let to = "+14155550123";
    let sent = client.send_verification(&va, &sms(to)).await.unwrap();
    assert_eq!(sent.status, Some(VerificationStatus::Pending));
    let code = running.outbox()[0].code.clone().unwrap();
    let wrong = client
        .check_verification(&va, &check(to, "000000"))
        .await
        .unwrap();
    assert_eq!(wrong.status, Some(VerificationStatus::Pending));
    let right = client
        .check_verification(&va, &check(to, &code))
        .await
        .unwrap();
    assert_eq!(right.status, Some(VerificationStatus::Approved));
    // Twilio removes an approved verification.
    let gone = client
        .fetch_verification(&va, sent.sid.as_deref().unwrap())
        .await
        .unwrap_err();
    assert_eq!(gone.twilio().unwrap().code, 20404);
}

#[tokio::test]
async fn the_sixth_check_is_refused_with_60202_and_its_fix() {
    let (_running, client) = sandbox().await;
    let va = service(&client, "Acme").await;
    let to = "+14155550124";
    client.send_verification(&va, &sms(to)).await.unwrap();
    for _ in 0..5 {
        client
            .check_verification(&va, &check(to, "000000"))
            .await
            .unwrap();
    }
    let error = client
        .check_verification(&va, &check(to, "000000"))
        .await
        .unwrap_err();
    let twilio = error.twilio().unwrap();
    assert_eq!((twilio.status, twilio.code), (429, 60202));
    assert!(
        error.to_string().contains("Fix: five wrong codes"),
        "{error}"
    );
}

#[tokio::test]
async fn a_fetch_survives_two_503s_and_fails_when_retries_run_out() {
    let (running, client) = sandbox().await;
    let va = service(&client, "Acme").await;
    let path = format!("/v2/Services/{va}");
    fault(
        &running,
        &[
            ("Method", "GET"),
            ("PathPrefix", &path),
            ("Status", "503"),
            ("Times", "2"),
        ],
    )
    .await;
    assert_eq!(
        client.fetch_service(&va).await.unwrap().sid,
        Some(va.clone())
    );

    fault(
        &running,
        &[
            ("Method", "GET"),
            ("PathPrefix", &path),
            ("Status", "503"),
            ("Times", "2"),
        ],
    )
    .await;
    let impatient = client.clone().with_retry(RetryPolicy {
        retries: 1,
        first_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(20),
    });
    let error = impatient.fetch_service(&va).await.unwrap_err();
    assert_eq!(error.twilio().map(|e| e.status), Some(503), "{error}");
}

#[tokio::test]
async fn a_429_is_waited_out_for_as_long_as_retry_after_says() {
    let (running, client) = sandbox().await;
    let va = service(&client, "Acme").await;
    fault(
        &running,
        &[
            ("Method", "GET"),
            ("PathPrefix", "/v2/Services"),
            ("Status", "429"),
            ("Code", "20429"),
            ("Times", "1"),
        ],
    )
    .await;
    let started = Instant::now();
    assert_eq!(
        client.fetch_service(&va).await.unwrap().sid,
        Some(va.clone())
    );
    // The Sandbox says `Retry-After: 1`; the backoff alone would be 20 ms.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_send_that_meets_a_503_fails_and_is_never_sent_again() {
    let (running, client) = sandbox().await;
    let va = service(&client, "Acme").await;
    let path = format!("/v2/Services/{va}/Verifications");
    fault(
        &running,
        &[
            ("Method", "POST"),
            ("PathPrefix", &path),
            ("Status", "503"),
            ("Times", "1"),
        ],
    )
    .await;
    let error = client
        .send_verification(&va, &sms("+14155550125"))
        .await
        .unwrap_err();
    assert_eq!(error.twilio().map(|e| e.status), Some(503), "{error}");
    // A retry would have gone through (the fault fires once) and sent a code.
    assert!(running.outbox().is_empty(), "{:?}", running.outbox());
    client
        .send_verification(&va, &sms("+14155550125"))
        .await
        .unwrap();
    assert_eq!(running.outbox().len(), 1);
}

#[tokio::test]
async fn lists_follow_next_page_url_to_the_end() {
    let (_running, client) = sandbox().await;
    let mut created = Vec::new();
    for i in 0..57 {
        created.push(service(&client, &format!("Service {i}")).await);
    }
    let listed: Vec<String> = client
        .list_services()
        .await
        .unwrap()
        .into_iter()
        .map(|service| service.sid.unwrap())
        .collect();
    assert_eq!(listed.len(), 57);
    created.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(sorted, created);
}

#[tokio::test]
async fn wrong_credentials_say_20003_and_what_to_do() {
    let (running, _client) = sandbox().await;
    let credentials = Credentials::auth_token(
        running.credentials().account_sid(),
        SecretString::from("not-the-token"),
    );
    let client = Client::new(
        credentials,
        Endpoint::base_url(&running.base_url()).unwrap(),
    )
    .unwrap();
    let error = client.list_services().await.unwrap_err();
    let twilio = error.twilio().unwrap();
    assert_eq!((twilio.status, twilio.code), (401, 20003));
    assert!(
        error
            .to_string()
            .contains("Fix: the Account SID and Auth Token"),
        "{error}"
    );
    assert!(!error.to_string().contains("not-the-token"));
}

#[tokio::test]
async fn nothing_listening_is_a_connection_error() {
    // Bound and dropped: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new(
        Credentials::auth_token(
            "AC00000000000000000000000000000000",
            SecretString::from("x"),
        ),
        Endpoint::base_url(&format!("http://127.0.0.1:{port}")).unwrap(),
    )
    .unwrap()
    .with_retry(RetryPolicy {
        retries: 1,
        first_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(10),
    });
    let error = client.list_services().await.unwrap_err();
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("cannot connect to http://127.0.0.1:"),
        "{error}"
    );
}

#[tokio::test]
async fn a_lookup_tells_a_landline_from_a_mobile() {
    let (_running, client) = sandbox().await;
    let fields = ["line_type_intelligence".to_owned()];
    let landline = client.lookup("+14155550100", &fields).await.unwrap();
    assert!(landline.valid.unwrap_or(false));
    let kind = |number: &PhoneNumber| {
        number
            .line_type_intelligence
            .as_ref()
            .and_then(|lti| lti.line_type.clone())
    };
    assert_eq!(kind(&landline), Some(LineType::Landline));
    let mobile = client.lookup("+14155550101", &fields).await.unwrap();
    assert_eq!(kind(&mobile), Some(LineType::Mobile));
}
