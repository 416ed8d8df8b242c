//! One support-desk round trip through the client against an embedded
//! Sandbox on 127.0.0.1: send a code, read it from the outbox, check it.
//! Criterion reports the median among its statistics.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use secrecy::SecretString;
use twofold_sandbox::SandboxConfig;
use twofold_twilio::VerificationStatus;
use twofold_verify::{Client, CodeCheck, Credentials, Endpoint, NewVerification, ServiceSettings};

fn round_trip(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let sandbox = runtime
        .block_on(twofold_sandbox::serve(SandboxConfig::default()))
        .expect("the Sandbox");
    let base = sandbox.base_url();
    let (account, token) = (
        sandbox.credentials().account_sid().to_owned(),
        sandbox.credentials().auth_token().to_owned(),
    );
    let client = Client::new(
        Credentials::auth_token(&account, SecretString::from(token.clone())),
        Endpoint::base_url(&base).expect("base URL"),
    )
    .expect("a client");
    let outbox = reqwest::Client::new();
    let settings = ServiceSettings {
        friendly_name: Some("Bench".to_owned()),
        ..ServiceSettings::default()
    };
    let service = runtime
        .block_on(client.create_service(&settings))
        .expect("a service")
        .sid
        .expect("its sid");

    let mut next = 0u32;
    c.bench_function(
        "verify: send → read outbox → check, over loopback",
        |b| {
            b.iter(|| {
                // A number of its own each time, so no send limit is reached.
                next = (next + 1) % 10_000;
                let to = format!("+1415555{next:04}");
                runtime.block_on(async {
                    let send = NewVerification {
                        to: to.clone(),
                        channel: "sms".to_owned(),
                        ..NewVerification::default()
                    };
                    client
                        .send_verification(&service, &send)
                        .await
                        .expect("send");
                    let messages: serde_json::Value = outbox
                        .get(format!("{base}/sandbox/outbox"))
                        .basic_auth(&account, Some(&token))
                        .query(&[("To", to.as_str())])
                        .send()
                        .await
                        .expect("outbox")
                        .json()
                        .await
                        .expect("outbox JSON");
                    let code = messages["messages"]
                        .as_array()
                        .and_then(|all| all.last())
                        .and_then(|last| last["code"].as_str())
                        .expect("a code")
                        .to_owned();
                    let check = CodeCheck {
                        to: Some(to),
                        code: Some(code),
                        ..CodeCheck::default()
                    };
                    let checked = client
                        .check_verification(&service, &check)
                        .await
                        .expect("check");
                    assert_eq!(checked.status, Some(VerificationStatus::Approved));
                    black_box(checked);
                });
            });
        },
    );
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
