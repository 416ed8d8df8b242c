//! Entities, TOTP factors and challenges, and the signed webhooks they fire.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::HeaderMap;
use common::{Api, start};

/// The TOTP a user's authenticator would show for `secret` at Unix time `at`.
fn code(secret: &str, at: u64) -> String {
    let secret = data_encoding::BASE32_NOPAD
        .decode(secret.as_bytes())
        .unwrap();
    totp_rs::Builder::new()
        .with_secret(secret)
        .build_noncompliant()
        .generate(at)
        .to_string()
}

async fn sandbox_now(api: &Api) -> u64 {
    let now = api.get("/sandbox/clock").await.str("now");
    time::OffsetDateTime::parse(&now, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp() as u64
}

/// Creates a TOTP factor for the entity at `base` with a known secret.
async fn totp_factor(api: &Api, base: &str, name: &str, secret: &str) -> common::Reply {
    api.post(
        &format!("{base}/Factors"),
        &[
            ("FriendlyName", name),
            ("FactorType", "totp"),
            ("Binding.Secret", secret),
        ],
    )
    .await
}

/// Sends five wrong codes to a factor or challenge, each leaving it `status`, and
/// answers the sixth.
async fn five_wrong_codes_then(api: &Api, path: &str, status: &str) -> common::Reply {
    for _ in 0..5 {
        let reply = api.post(path, &[("AuthPayload", "000000")]).await;
        assert_eq!(reply.str("status"), status);
    }
    api.post(path, &[("AuthPayload", "000000")]).await
}

type Received = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

async fn receive(State(seen): State<Received>, headers: HeaderMap, body: String) {
    let params = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let signature = headers["x-twilio-signature"].to_str().unwrap().to_owned();
    seen.lock().unwrap().push((signature, params));
}

#[tokio::test]
async fn totp_factor_and_challenge_with_signed_webhooks() {
    let (_sandbox, api) = start().await;
    let seen: Received = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/hooks", axum::routing::post(receive))
        .with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let va = api
        .service(&[
            ("Totp.Issuer", "AcmeQA"),
            ("Totp.Skew", "1"),
            ("Totp.TimeStep", "30"),
        ])
        .await;
    let hook = api
        .post(
            &format!("/v2/Services/{va}/Webhooks"),
            &[
                ("FriendlyName", "qa"),
                ("EventTypes", "factor.verified"),
                ("EventTypes", "challenge.approved"),
                ("WebhookUrl", &hook_url),
            ],
        )
        .await;
    assert_eq!(
        (
            hook.status,
            hook.body["event_types"].as_array().unwrap().len()
        ),
        (201, 2)
    );

    let identity = "ff483d1ff591898a9942916050d2ca3f";
    let base = format!("/v2/Services/{va}/Entities/{identity}");
    let created = api
        .post(
            &format!("{base}/Factors"),
            &[("FriendlyName", "qa@example.com"), ("FactorType", "totp")],
        )
        .await;
    assert_eq!(
        (created.status, created.str("status")),
        (201, "unverified".into()),
        "{}",
        created.body
    );
    let secret = created.body["binding"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let uri = created.body["binding"]["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/AcmeQA:qa%40example%2Ecom?secret="),
        "{uri}"
    );
    assert_eq!(
        created.body["config"]["time_step"], 30,
        "factor config comes from the service"
    );
    let factor = format!("{base}/Factors/{}", created.str("sid"));
    assert!(
        api.get(&factor).await.body.get("binding").is_none(),
        "the binding is shown once"
    );
    assert_eq!(
        api.get(&base).await.status,
        200,
        "the entity was created with the factor"
    );

    let early = api
        .post(
            &format!("{base}/Challenges"),
            &[
                ("FactorSid", &created.str("sid")),
                ("AuthPayload", "123456"),
            ],
        )
        .await;
    assert_eq!((early.status, early.code()), (403, 60318));

    let now = sandbox_now(&api).await;
    let wrong = api
        .post(&factor, &[("AuthPayload", &code(&secret, now + 300))])
        .await;
    assert_eq!(wrong.str("status"), "unverified");
    let verified = api
        .post(&factor, &[("AuthPayload", &code(&secret, now))])
        .await;
    assert_eq!(verified.str("status"), "verified");

    let challenge = api
        .post(
            &format!("{base}/Challenges"),
            &[
                ("FactorSid", &created.str("sid")),
                ("AuthPayload", "000000"),
                ("Details.Message", "Login"),
            ],
        )
        .await;
    assert_eq!(
        (challenge.status, challenge.str("status")),
        (201, "pending".into())
    );
    let path = format!("{base}/Challenges/{}", challenge.str("sid"));
    let now = sandbox_now(&api).await;
    let approved = api
        .post(&path, &[("AuthPayload", &code(&secret, now))])
        .await;
    assert_eq!(
        (
            approved.str("status"),
            approved.body["details"]["message"].as_str()
        ),
        ("approved".into(), Some("Login"))
    );
    let again = api
        .post(&path, &[("AuthPayload", &code(&secret, now))])
        .await;
    assert_eq!(again.code(), 60322);

    // `details.fields` are `{label, value}` pairs of strings, as Twilio's docs have them.
    let fields = api
        .post(
            &format!("{base}/Challenges"),
            &[
                ("FactorSid", created.str("sid").as_str()),
                ("Details.Fields", r#"{"label": "IP", "value": "192.0.2.1"}"#),
            ],
        )
        .await;
    assert_eq!(
        fields.body["details"]["fields"],
        serde_json::json!([{"label": "IP", "value": "192.0.2.1"}])
    );
    let number = api
        .post(
            &format!("{base}/Challenges"),
            &[
                ("FactorSid", created.str("sid").as_str()),
                ("Details.Fields", r#"{"label": "Amount", "value": 10}"#),
            ],
        )
        .await;
    // The Factors APIs call a bad parameter 60306, not Verify's 60200.
    assert_eq!((number.status, number.code()), (400, 60306));
    assert!(
        number.str("more_info").ends_with("/60306"),
        "{}",
        number.body
    );

    let listed = api.get(&format!("{base}/Challenges?Status=approved")).await;
    assert_eq!(listed.body["challenges"].as_array().unwrap().len(), 1);

    for _ in 0..50 {
        if seen.lock().unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let seen = seen.lock().unwrap().clone();
    let types: Vec<&str> = seen
        .iter()
        .map(|(_, p)| p.iter().find(|(k, _)| k == "type").unwrap().1.as_str())
        .collect();
    assert_eq!(types, ["factor.verified", "challenge.approved"]);
    for (signature, params) in &seen {
        assert_eq!(
            *signature,
            twofold_sandbox::webhook_signature(
                twofold_sandbox::SANDBOX_AUTH_TOKEN,
                &hook_url,
                params
            )
        );
    }

    assert_eq!(api.delete(&factor).await.status, 204);
    assert_eq!(api.get(&factor).await.status, 404);
}

#[tokio::test]
async fn totp_attempt_limits_and_expiry() {
    let (sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let base = format!("/v2/Services/{va}/Entities/user-0001");
    assert_eq!(
        api.post(
            &format!("/v2/Services/{va}/Entities"),
            &[("Identity", "user-0001")]
        )
        .await
        .status,
        201
    );
    assert_eq!(
        api.post(
            &format!("/v2/Services/{va}/Entities"),
            &[("Identity", "bad")]
        )
        .await
        .code(),
        60306
    );
    let push = api
        .post(
            &format!("{base}/Factors"),
            &[("FriendlyName", "p"), ("FactorType", "push")],
        )
        .await;
    assert_eq!((push.status, push.code()), (403, 60204));

    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let created = totp_factor(&api, &base, "f", secret).await;
    assert_eq!(created.body["binding"]["secret"], secret);
    let factor = format!("{base}/Factors/{}", created.str("sid"));
    let sixth = five_wrong_codes_then(&api, &factor, "unverified").await;
    assert_eq!((sixth.status, sixth.code()), (429, 60310));
    assert!(
        !sixth.headers.contains_key("retry-after"),
        "waiting does not lift a final limit"
    );

    let second = totp_factor(&api, &base, "g", secret).await;
    let factor = format!("{base}/Factors/{}", second.str("sid"));
    let now = sandbox_now(&api).await;
    assert_eq!(
        api.post(&factor, &[("AuthPayload", &code(secret, now))])
            .await
            .str("status"),
        "verified"
    );
    let challenge = api
        .post(
            &format!("{base}/Challenges"),
            &[("FactorSid", &second.str("sid"))],
        )
        .await;
    let path = format!("{base}/Challenges/{}", challenge.str("sid"));
    let sixth = five_wrong_codes_then(&api, &path, "pending").await;
    assert_eq!(sixth.code(), 60308);
    assert!(!sixth.headers.contains_key("retry-after"));

    let challenge = api
        .post(
            &format!("{base}/Challenges"),
            &[("FactorSid", &second.str("sid"))],
        )
        .await;
    let path = format!("{base}/Challenges/{}", challenge.str("sid"));
    sandbox.advance_clock(301).await;
    assert_eq!(
        api.get(&path).await.str("status"),
        "expired",
        "challenges expire after 5 minutes"
    );
    let now = sandbox_now(&api).await;
    assert_eq!(
        api.post(&path, &[("AuthPayload", &code(secret, now))])
            .await
            .code(),
        60323
    );
    // Back to where the clock started (this frozen one, a moment ago), a code
    // made now is current for the Sandbox again.
    let reset = api.delete("/sandbox/clock").await;
    assert_eq!(reset.body["offset_seconds"], 0, "{}", reset.body);
    let real = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(sandbox_now(&api).await.abs_diff(real) <= 2);
}

#[tokio::test]
async fn the_factors_apis_answer_in_their_own_codes() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let base = format!("/v2/Services/{va}/Entities/user-0001");
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let factor = totp_factor(&api, &base, "f", secret).await;
    let fsid = factor.str("sid");

    // Not found: 60392 entity, 60390 factor, 60391 challenge (not the generic 20404).
    let unknown = format!("/v2/Services/{va}/Entities/user-0002");
    for (path, code) in [
        (unknown.clone(), 60392),
        (format!("{unknown}/Factors"), 60392),
        (format!("{base}/Factors/YF{}", "0".repeat(32)), 60390),
        (format!("{base}/Challenges/YC{}", "0".repeat(32)), 60391),
    ] {
        let reply = api.get(&path).await;
        assert_eq!((reply.status, reply.code()), (404, code), "{path}");
    }
    // An identity that cannot be one is a bad request, on every path.
    for path in [
        format!("/v2/Services/{va}/Entities/bad"),
        format!("/v2/Services/{va}/Entities/bad/Factors/{fsid}"),
    ] {
        let reply = api.get(&path).await;
        assert_eq!((reply.status, reply.code()), (400, 60306), "{path}");
    }

    // A TOTP AuthPayload is 3 to 8 characters (the spec): a longer one is refused
    // as invalid, not counted as a wrong code.
    let now = sandbox_now(&api).await;
    let factor_path = format!("{base}/Factors/{fsid}");
    api.post(&factor_path, &[("AuthPayload", &code(secret, now))])
        .await;
    let challenge = api
        .post(
            &format!("{base}/Challenges"),
            &[("FactorSid", &fsid), ("AuthPayload", "123456789")],
        )
        .await;
    challenge.assert_error((400, 60306), "AuthPayload");
    let challenge = api
        .post(&format!("{base}/Challenges"), &[("FactorSid", &fsid)])
        .await;
    let path = format!("{base}/Challenges/{}", challenge.str("sid"));
    for _ in 0..6 {
        let short = api.post(&path, &[("AuthPayload", "12")]).await;
        assert_eq!((short.status, short.code()), (400, 60306));
    }
    let now = sandbox_now(&api).await;
    let answered = api
        .post(&path, &[("AuthPayload", &code(secret, now))])
        .await;
    assert_eq!(answered.str("status"), "approved", "{}", answered.body);

    // The spec's size limits, each refused as invalid (60306).
    let long_name = "n".repeat(65);
    let long_message = "m".repeat(257);
    let long_metadata = format!(r#"{{"k":"{}"}}"#, "v".repeat(1030));
    let field = r#"{"label":"Amount","value":"10"}"#;
    let too_many_fields: Vec<(&str, &str)> = (0..21).map(|_| ("Details.Fields", field)).collect();
    let challenges = format!("{base}/Challenges");
    for (path, form) in [
        (
            factor_path.clone(),
            vec![("FriendlyName", long_name.as_str())],
        ),
        (
            format!("{base}/Factors"),
            vec![("FactorType", "totp"), ("FriendlyName", long_name.as_str())],
        ),
        (
            challenges.clone(),
            vec![
                ("FactorSid", fsid.as_str()),
                ("Details.Message", long_message.as_str()),
            ],
        ),
        (
            challenges.clone(),
            vec![
                ("FactorSid", fsid.as_str()),
                ("HiddenDetails", long_metadata.as_str()),
            ],
        ),
        (
            challenges.clone(),
            [vec![("FactorSid", fsid.as_str())], too_many_fields].concat(),
        ),
    ] {
        let refused = api.post(&path, &form).await;
        assert_eq!(
            (refused.status, refused.code()),
            (400, 60306),
            "{path} {}",
            refused.body
        );
    }

    // Passkeys are not emulated: said in Twilio's words, not a 404.
    for op in ["Factors", "VerifyFactor", "Challenges", "ApproveChallenge"] {
        let reply = api
            .post(&format!("/v2/Services/{va}/Passkeys/{op}"), &[])
            .await;
        assert_eq!((reply.status, reply.code()), (403, 60204), "{op}");
    }
}
