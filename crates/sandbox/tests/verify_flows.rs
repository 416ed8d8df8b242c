//! Verify v2 flows over real HTTP: the rules Twilio documents, and its error codes.
#![allow(clippy::unwrap_used)]

mod common;

use common::start;

#[tokio::test]
async fn send_check_approve_then_gone() {
    let (sandbox, api) = start().await;
    let va = api.service(&[("CodeLength", "8")]).await;
    let to = "+14155550101";
    let sent = api.send_code(&va, to, "sms").await;
    assert_eq!(sent.status, 201);
    assert_eq!(sent.str("status"), "pending");
    assert!(
        sent.str("url").starts_with(&api.base),
        "url points at the Sandbox"
    );
    assert_eq!(sent.body["send_code_attempts"].as_array().unwrap().len(), 1);

    let outbox = sandbox.outbox();
    assert_eq!(outbox.len(), 1);
    let code = outbox[0].code.clone().unwrap();
    assert_eq!(code.len(), 8);
    assert_eq!(
        outbox[0].body,
        format!("Your Acme verification code is: {code}")
    );
    assert_eq!(outbox[0].verification_sid, sent.str("sid"));

    let resent = api.send_code(&va, to, "call").await;
    assert_eq!(
        resent.str("sid"),
        sent.str("sid"),
        "a resend reuses the verification"
    );
    assert_eq!(resent.str("channel"), "call");
    assert_eq!(api.last_code(to).await, code, "and the same code");

    let wrong = api.check(&va, to, "00000000").await;
    assert_eq!(
        (
            wrong.status,
            wrong.str("status"),
            wrong.body["valid"].as_bool()
        ),
        (200, "pending".into(), Some(false))
    );
    let right = api.check(&va, to, &code).await;
    assert_eq!(
        (right.str("status"), right.body["valid"].as_bool()),
        ("approved".into(), Some(true))
    );
    assert!(
        right.body.get("url").is_none(),
        "VerificationCheck has no url"
    );

    let later = api.check(&va, to, &code).await;
    assert_eq!((later.status, later.code()), (404, 20404));
    let fetched = api
        .get(&format!(
            "/v2/Services/{va}/Verifications/{}",
            sent.str("sid")
        ))
        .await;
    assert_eq!(fetched.status, 404);

    let attempts = api
        .get(&format!("/v2/Attempts?VerificationSid={}", sent.str("sid")))
        .await;
    let list = attempts.body["attempts"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|a| a["conversion_status"] == "converted"));
    let summary = api
        .get(&format!("/v2/Attempts/Summary?VerifyServiceSid={va}"))
        .await;
    assert_eq!(summary.body["total_attempts"], 2);
    assert_eq!(summary.body["conversion_rate_percentage"], "100.000000000");
}

#[tokio::test]
async fn a_deleted_services_attempts_stay_in_the_logs_as_expired() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let sent = api.send_code(&va, "+14155550123", "sms").await;
    let attempt = sent.body["send_code_attempts"][0]["attempt_sid"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(api.delete(&format!("/v2/Services/{va}")).await.status, 204);

    let fetched = api.get(&format!("/v2/Attempts/{attempt}")).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body["verification_sid"], sent.body["sid"]);
    assert_eq!(fetched.body["channel_data"]["status"], "expired");
    assert_eq!(fetched.body["channel_data"]["country"], "US");
    let sent_again = api.send_code(&va, "+14155550123", "sms").await;
    assert_eq!(sent_again.status, 404, "the service is gone");
    let unknown = api
        .get("/v2/Attempts/VL00000000000000000000000000000000")
        .await;
    assert_eq!((unknown.status, unknown.code()), (404, 20404));
}

#[tokio::test]
async fn sixth_send_is_60203_and_sixth_check_is_60202() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let to = "+14155550102";
    for _ in 0..5 {
        assert_eq!(api.send_code(&va, to, "sms").await.status, 201);
    }
    let sixth = api.send_code(&va, to, "sms").await;
    assert_eq!((sixth.status, sixth.code()), (429, 60203));
    // Retry-After is true: a new verification can start once this one (10
    // minutes) expires.
    assert_eq!(sixth.headers["retry-after"], "600");
    assert_eq!(
        sixth.headers["twilio-reached-rate-limit"],
        "max_send_attempts"
    );
    api.post("/sandbox/clock", &[("AdvanceSeconds", "599")])
        .await;
    let still = api.send_code(&va, to, "sms").await;
    assert_eq!(
        (still.code(), &still.headers["retry-after"]),
        (60203, &"1".parse().unwrap())
    );
    api.post("/sandbox/clock", &[("AdvanceSeconds", "1")]).await;
    assert_eq!(
        api.send_code(&va, to, "sms").await.status,
        201,
        "a new verification"
    );
    api.delete("/sandbox/clock").await;
    let to = "+14155550103";
    for _ in 0..5 {
        assert_eq!(api.send_code(&va, to, "sms").await.status, 201);
    }
    assert_eq!(
        sixth.body["more_info"],
        "https://www.twilio.com/docs/errors/60203"
    );

    for _ in 0..5 {
        assert_eq!(api.check(&va, to, "000000").await.str("status"), "pending");
    }
    let sixth = api.check(&va, to, "000000").await;
    assert_eq!((sixth.status, sixth.code()), (429, 60202));
    assert!(
        !sixth.headers.contains_key("retry-after"),
        "no wait reopens a verification out of checks"
    );
    let after = api.check(&va, to, "000000").await;
    assert_eq!(
        (after.status, after.code()),
        (404, 20404),
        "an exhausted verification is gone"
    );
    assert_eq!(
        api.send_code(&va, to, "sms").await.status,
        201,
        "and a new one can start"
    );
}

#[tokio::test]
async fn codes_expire_after_ten_minutes_of_sandbox_clock() {
    let (sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let to = "+14155550103";
    api.send_code(&va, to, "sms").await;
    let code = api.last_code(to).await;
    sandbox.advance_clock(599).await;
    assert_eq!(
        api.check(&va, to, "999999").await.str("status"),
        "pending",
        "still valid at 9:59"
    );
    let moved = api.post("/sandbox/clock", &[("AdvanceSeconds", "1")]).await;
    assert_eq!(moved.body["offset_seconds"], 600);
    let late = api.check(&va, to, &code).await;
    assert_eq!((late.status, late.code()), (404, 20404));
}

#[tokio::test]
async fn cancel_and_approve_out_of_band() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let sent = api.send_code(&va, "+14155550104", "sms").await;
    let path = format!("/v2/Services/{va}/Verifications/{}", sent.str("sid"));
    let canceled = api.post(&path, &[("Status", "canceled")]).await;
    assert_eq!(
        (canceled.status, canceled.str("status")),
        (200, "canceled".into())
    );
    assert_eq!(api.get(&path).await.status, 404);

    api.send_code(&va, "+14155550105", "sms").await;
    // The path segment may be the `To` instead of the SID.
    let approved = api
        .post(
            &format!("/v2/Services/{va}/Verifications/+14155550105"),
            &[("Status", "approved")],
        )
        .await;
    assert_eq!(
        (approved.str("status"), approved.body["valid"].as_bool()),
        ("approved".into(), Some(true))
    );
    let bad = api.post(&path, &[("Status", "done")]).await;
    assert_eq!(bad.code(), 60200);
}

#[tokio::test]
async fn errors_follow_twilio_codes() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let invalid = api.send_code(&va, "+1415", "sms").await;
    invalid.assert_error((400, 60200), "To");
    assert_eq!(
        api.send_code(&va, "+14155550106", "pigeon").await.code(),
        60200
    );
    let custom = api
        .post(
            &format!("/v2/Services/{va}/Verifications"),
            &[
                ("To", "+14155550106"),
                ("Channel", "sms"),
                ("CustomCode", "4242"),
            ],
        )
        .await;
    assert_eq!((custom.status, custom.code()), (403, 60204));
    let email = api.send_code(&va, "qa@example.com", "email").await;
    assert_eq!((email.status, email.code()), (400, 60217));
    let none = api
        .post(
            &format!("/v2/Services/{va}/VerificationCheck"),
            &[("Code", "1234")],
        )
        .await;
    assert_eq!((none.status, none.code()), (400, 60221));
    let missing = api
        .send_code("VA00000000000000000000000000000000", "+14155550106", "sms")
        .await;
    assert_eq!((missing.status, missing.code()), (404, 20404));
    let no_name = api.post("/v2/Services", &[]).await;
    assert_eq!(no_name.status, 400);

    let disabled = api
        .post(
            &format!("/sandbox/services/{va}"),
            &[("DisabledChannels", "call"), ("EmailIntegration", "true")],
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.body);
    let call = api.send_code(&va, "+14155550106", "call").await;
    assert_eq!((call.status, call.code()), (400, 60223));
    assert_eq!(
        api.send_code(&va, "qa@example.com", "email").await.status,
        201,
        "email works once integrated"
    );

    let mut stranger = common::Api::new(api.base.clone());
    stranger.pass = "wrong".into();
    let denied = stranger.get("/v2/Services").await;
    assert_eq!((denied.status, denied.code()), (401, 20003));
}

#[tokio::test]
async fn custom_codes_psd2_and_landlines() {
    let (_sandbox, api) = start().await;
    let va = api
        .service(&[
            ("CustomCodeEnabled", "true"),
            ("Psd2Enabled", "true"),
            ("LookupEnabled", "true"),
            ("SkipSmsToLandlines", "true"),
        ])
        .await;
    let path = format!("/v2/Services/{va}/Verifications");
    let no_payee = api
        .post(
            &path,
            &[
                ("To", "+14155550107"),
                ("Channel", "sms"),
                ("Amount", "€10"),
            ],
        )
        .await;
    assert_eq!((no_payee.status, no_payee.code()), (400, 60206));
    let sent = api
        .post(
            &path,
            &[
                ("To", "+14155550107"),
                ("Channel", "sms"),
                ("Amount", "€10"),
                ("Payee", "Shop"),
                ("CustomCode", "4242"),
            ],
        )
        .await;
    assert_eq!(
        (sent.status, sent.str("amount"), sent.str("payee")),
        (201, "€10".into(), "Shop".into())
    );
    assert_eq!(sent.body["lookup"]["carrier"]["type"], "mobile");
    let check = |amount: &'static str| {
        let api = &api;
        let va = va.clone();
        async move {
            api.post(
                &format!("/v2/Services/{va}/VerificationCheck"),
                &[
                    ("To", "+14155550107"),
                    ("Code", "4242"),
                    ("Amount", amount),
                    ("Payee", "Shop"),
                ],
            )
            .await
        }
    };
    assert_eq!(
        check("€11").await.str("status"),
        "pending",
        "the amount must match (dynamic linking)"
    );
    assert_eq!(check("€10").await.str("status"), "approved");

    // US numbers ending in 0 are the Sandbox's landlines.
    let landline = api
        .post(
            &path,
            &[
                ("To", "+14155550100"),
                ("Channel", "sms"),
                ("Amount", "1"),
                ("Payee", "x"),
            ],
        )
        .await;
    assert_eq!((landline.status, landline.code()), (403, 60205));
}

#[tokio::test]
async fn sna_completes_when_its_url_is_opened() {
    let (sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let to = "+14155550109";
    let sent = api.send_code(&va, to, "auto").await;
    assert_eq!(
        sent.str("channel"),
        "sna",
        "auto picks SNA for a mobile number"
    );
    let url = sent.body["sna"]["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&api.base));
    let early = api
        .post(
            &format!("/v2/Services/{va}/VerificationCheck"),
            &[("To", to)],
        )
        .await;
    assert_eq!(early.str("status"), "pending");
    assert_eq!(early.body["sna_attempts_error_codes"][0]["code"], 60519);
    // An SNA send has no Verification Attempt, and the wire types say so.
    let typed: twofold_twilio::Verification = serde_json::from_value(sent.body.clone()).unwrap();
    assert_eq!(typed.send_code_attempts.unwrap()[0].attempt_sid, None);
    let typed: twofold_twilio::VerificationCheck =
        serde_json::from_value(early.body.clone()).unwrap();
    assert_eq!(typed.sna_attempts_error_codes.unwrap()[0].attempt_sid, None);
    let opened = reqwest::get(&url).await.unwrap();
    assert_eq!(
        opened.status(),
        200,
        "the device opens the URL without credentials"
    );
    let done = api
        .post(
            &format!("/v2/Services/{va}/VerificationCheck"),
            &[("To", to)],
        )
        .await;
    assert_eq!(done.str("status"), "approved");
    assert_eq!(done.body["sna_attempts_error_codes"], serde_json::json!([]));
    assert_eq!(sandbox.outbox()[0].code, None);
    assert_eq!(
        api.send_code(&va, "+14155550100", "auto")
            .await
            .str("channel"),
        "sms",
        "landlines fall back to SMS"
    );
}

#[tokio::test]
async fn programmable_rate_limits_answer_20429() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let rl = api
        .post(
            &format!("/v2/Services/{va}/RateLimits"),
            &[("UniqueName", "end_user_ip"), ("Description", "per IP")],
        )
        .await;
    assert_eq!(rl.status, 201);
    let rk = rl.str("sid");
    let dup = api
        .post(
            &format!("/v2/Services/{va}/RateLimits"),
            &[("UniqueName", "end_user_ip")],
        )
        .await;
    assert_eq!(dup.code(), 60208);
    let bucket = api
        .post(
            &format!("/v2/Services/{va}/RateLimits/{rk}/Buckets"),
            &[("Max", "2"), ("Interval", "60")],
        )
        .await;
    assert_eq!(bucket.status, 201, "{}", bucket.body);
    let limits = r#"{"end_user_ip":"10.0.0.1"}"#;
    let path = format!("/v2/Services/{va}/Verifications");
    for n in ["+14155550111", "+14155550112"] {
        assert_eq!(
            api.post(
                &path,
                &[("To", n), ("Channel", "sms"), ("RateLimits", limits)]
            )
            .await
            .status,
            201
        );
    }
    let third = api
        .post(
            &path,
            &[
                ("To", "+14155550113"),
                ("Channel", "sms"),
                ("RateLimits", limits),
            ],
        )
        .await;
    assert_eq!((third.status, third.code()), (429, 20429));
    assert_eq!(third.headers["retry-after"], "60");
    assert_eq!(third.headers["twilio-reached-rate-limit"], "end_user_ip");
    // True as time passes: the oldest send leaves the window in 60 - 45 s.
    api.post("/sandbox/clock", &[("AdvanceSeconds", "45")])
        .await;
    let later = api
        .post(
            &path,
            &[
                ("To", "+14155550114"),
                ("Channel", "sms"),
                ("RateLimits", limits),
            ],
        )
        .await;
    assert_eq!(
        (later.code(), &later.headers["retry-after"]),
        (20429, &"15".parse().unwrap())
    );
    api.delete("/sandbox/clock").await;
    let other_ip = api
        .post(
            &path,
            &[
                ("To", "+14155550113"),
                ("Channel", "sms"),
                ("RateLimits", r#"{"end_user_ip":"10.0.0.2"}"#),
            ],
        )
        .await;
    assert_eq!(other_ip.status, 201, "buckets count per value");
}

#[tokio::test]
async fn lists_page_with_absolute_links_to_the_sandbox() {
    let (_sandbox, api) = start().await;
    for _ in 0..5 {
        api.service(&[]).await;
    }
    let mut url = "/v2/Services?PageSize=2".to_owned();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = api.get(&url).await;
        pages += 1;
        assert_eq!(page.body["meta"]["key"], "services");
        seen.extend(
            page.body["services"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["sid"].as_str().unwrap().to_owned()),
        );
        match page.body["meta"]["next_page_url"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&api.base), "{next}");
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!((pages, seen.len()), (3, 5));
    seen.dedup();
    assert_eq!(seen.len(), 5);
    assert_eq!(api.get("/v2/Services?PageSize=0").await.code(), 60200);
}

#[tokio::test]
async fn faults_and_outbox_filters() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let fault = api
        .post(
            "/sandbox/faults",
            &[
                ("PathPrefix", "/v2/Services"),
                ("ToPrefix", "+44"),
                ("Status", "403"),
                ("Code", "60605"),
                ("Message", "Geo permission"),
                ("Times", "1"),
            ],
        )
        .await;
    assert!(fault.str("sid").starts_with("FR"));
    let blocked = api.send_code(&va, "+447911123456", "sms").await;
    assert_eq!(
        (blocked.status, blocked.code(), blocked.str("message")),
        (403, 60605, "Geo permission".into())
    );
    assert_eq!(
        api.send_code(&va, "+447911123456", "sms").await.status,
        201,
        "Times=1 applies once"
    );
    api.send_code(&va, "+14155550121", "whatsapp").await;
    let wa = api.get("/sandbox/outbox?Channel=whatsapp").await;
    let messages = wa.body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0]["body"]
            .as_str()
            .unwrap()
            .ends_with("do not share this code.")
    );
    assert_eq!(api.delete("/sandbox/outbox").await.status, 204);
    assert_eq!(
        api.get("/sandbox/outbox").await.body["messages"],
        serde_json::json!([])
    );

    // Wait: a waiter is woken by the next send.
    let waiter = api.get("/sandbox/outbox?To=%2B14155550122&Wait=5");
    let (got, _) = tokio::join!(waiter, async {
        tokio::task::yield_now().await;
        api.send_code(&va, "+14155550122", "sms").await
    });
    assert_eq!(got.body["messages"].as_array().unwrap().len(), 1);

    api.post("/sandbox/faults", &[("Status", "503")]).await;
    assert_eq!(api.get("/v2/Services").await.status, 503);
    assert_eq!(api.delete("/sandbox/faults").await.status, 204);
    assert_eq!(api.post("/sandbox/reset", &[]).await.status, 200);
    assert_eq!(
        api.get("/v2/Services").await.body["services"],
        serde_json::json!([])
    );
}

/// Entities, rate limits, messaging configurations and webhooks list under their own
/// service only, oldest first, and an unknown service is 20404.
#[tokio::test]
async fn lists_under_a_service_hold_only_its_records() {
    let (_sandbox, api) = start().await;
    let (mine, other) = (api.service(&[]).await, api.service(&[]).await);
    for (service, suffix) in [(&other, "other"), (&mine, "a"), (&mine, "b")] {
        let records: [(&str, Vec<(&str, String)>); 4] = [
            (
                "Entities",
                vec![("Identity", format!("user-{suffix}-0001"))],
            ),
            (
                "RateLimits",
                vec![("UniqueName", format!("limit_{suffix}"))],
            ),
            (
                "MessagingConfigurations",
                vec![
                    (
                        "Country",
                        if suffix == "b" { "GB" } else { "US" }.to_owned(),
                    ),
                    ("MessagingServiceSid", format!("MG{:032}", 1)),
                ],
            ),
            (
                "Webhooks",
                vec![
                    ("FriendlyName", format!("hook {suffix}")),
                    ("EventTypes", "*".to_owned()),
                    ("WebhookUrl", "http://127.0.0.1:9/hook".to_owned()),
                ],
            ),
        ];
        for (segment, form) in records {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let created = api
                .post(&format!("/v2/Services/{service}/{segment}"), &form)
                .await;
            assert_eq!(created.status, 201, "{segment}: {}", created.body);
        }
    }
    for (segment, key, field, expected) in [
        (
            "Entities",
            "entities",
            "identity",
            ["user-a-0001", "user-b-0001"],
        ),
        (
            "RateLimits",
            "rate_limits",
            "unique_name",
            ["limit_a", "limit_b"],
        ),
        (
            "MessagingConfigurations",
            "messaging_configurations",
            "country",
            ["US", "GB"],
        ),
        (
            "Webhooks",
            "webhooks",
            "friendly_name",
            ["hook a", "hook b"],
        ),
    ] {
        let listed = api.get(&format!("/v2/Services/{mine}/{segment}")).await;
        assert_eq!(listed.status, 200, "{segment}");
        let values: Vec<&str> = listed.body[key]
            .as_array()
            .unwrap_or_else(|| panic!("{segment}: {}", listed.body))
            .iter()
            .map(|r| r[field].as_str().unwrap_or_default())
            .collect();
        assert_eq!(values, expected, "{segment}");
        let unknown = api
            .get(&format!("/v2/Services/VA{:032}/{segment}", 0))
            .await;
        assert_eq!(unknown.code(), 20404, "{segment}");
    }
}

#[tokio::test]
async fn a_method_a_resource_does_not_have_answers_twilios_20004() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let reply = api
        .delete(&format!("/v2/Services/{va}/VerificationCheck"))
        .await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.code(), 20004, "{}", reply.body);
    assert_eq!(reply.body["status"], 405);
    assert!(reply.str("more_info").ends_with("/20004"), "{}", reply.body);
}
