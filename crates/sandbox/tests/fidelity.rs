//! Details of Twilio's API the spec states and an audit of the Sandbox found
//! wanting: each pinned here so it stays as Twilio has it.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Api, start};

async fn post_status(api: &Api, path: &str, form: &[(&str, &str)]) -> u16 {
    api.post(path, form).await.status
}

#[tokio::test]
async fn retry_after_waits_for_every_full_bucket() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let rl = api
        .post(
            &format!("/v2/Services/{va}/RateLimits"),
            &[("UniqueName", "end_user_ip")],
        )
        .await
        .str("sid");
    let buckets = format!("/v2/Services/{va}/RateLimits/{rl}/Buckets");
    let minute = api
        .post(&buckets, &[("Max", "1"), ("Interval", "60")])
        .await
        .str("sid");
    let hour = api
        .post(&buckets, &[("Max", "2"), ("Interval", "3600")])
        .await
        .str("sid");
    let path = format!("/v2/Services/{va}/Verifications");
    let send = |to: &'static str| {
        let api = &api;
        let path = &path;
        async move {
            api.post(
                path,
                &[
                    ("To", to),
                    ("Channel", "sms"),
                    ("RateLimits", r#"{"end_user_ip":"10.0.0.1"}"#),
                ],
            )
            .await
        }
    };
    assert_eq!(send("+14155550121").await.status, 201);
    api.post("/sandbox/clock", &[("AdvanceSeconds", "61")])
        .await;
    assert_eq!(send("+14155550122").await.status, 201);
    // Both buckets are full: the minute's frees in 60 s, the hour's in 3,539 s.
    // A retry after the first would be refused again.
    let refused = send("+14155550123").await;
    assert_eq!(refused.code(), 20429);
    assert_eq!(refused.headers["retry-after"], "3539");
    // Max lowered under the hits already counted: room again only when both
    // sends have left the hour.
    assert_eq!(
        post_status(&api, &format!("{buckets}/{hour}"), &[("Max", "1")]).await,
        200
    );
    assert_eq!(send("+14155550123").await.headers["retry-after"], "3600");
    // Another bucket's interval cannot be taken by an update either (60211).
    let taken = api
        .post(&format!("{buckets}/{minute}"), &[("Interval", "3600")])
        .await;
    assert_eq!((taken.status, taken.code()), (409, 60211));
    assert_eq!(
        post_status(&api, &format!("{buckets}/{minute}"), &[("Interval", "60")]).await,
        200,
        "its own interval is no conflict"
    );
    api.delete("/sandbox/clock").await;
}

#[tokio::test]
async fn a_check_code_out_of_4_to_10_characters_is_refused_without_costing_a_check() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let to = "+14155550131";
    assert_eq!(api.send_code(&va, to, "sms").await.status, 201);
    for bad in ["123", "12345678901"] {
        for _ in 0..5 {
            let refused = api.check(&va, to, bad).await;
            refused.assert_error((400, 60200), "Code");
        }
    }
    let code = api.last_code(to).await;
    assert_eq!(api.check(&va, to, &code).await.str("status"), "approved");
}

#[tokio::test]
async fn a_national_number_is_looked_up_as_north_american_by_default() {
    let (_sandbox, api) = start().await;
    let national = api.get("/v2/PhoneNumbers/(415)%20555-2671").await;
    assert_eq!(national.status, 200);
    assert_eq!(
        (
            national.str("phone_number"),
            national.body["valid"].as_bool()
        ),
        ("+14155552671".to_owned(), Some(true)),
        "{}",
        national.body
    );
    let french = api.get("/v2/PhoneNumbers/0612345678?CountryCode=FR").await;
    assert_eq!(french.str("phone_number"), "+33612345678");
    // identity_match: the second address line alone counts for the address lines.
    let matched = api
        .get("/v2/PhoneNumbers/+14155552671?Fields=identity_match&AddressLine2=Apt%201")
        .await;
    assert_eq!(
        matched.body["identity_match"]["address_lines_match"],
        "exact_match"
    );
}

#[tokio::test]
async fn origins_split_by_commas_and_country_paths_in_any_case() {
    let (_sandbox, api) = start().await;
    let service = api
        .post(
            "/v2/Services",
            &[
                ("FriendlyName", "Passkeys"),
                (
                    "Passkeys.RelyingParty.Origins",
                    "https://a.example, https://b.example",
                ),
            ],
        )
        .await;
    assert_eq!(
        service.body["passkeys"]["relying_party"]["origins"],
        serde_json::json!(["https://a.example", "https://b.example"])
    );

    let va = service.str("sid");
    let configurations = format!("/v2/Services/{va}/MessagingConfigurations");
    let mg = format!("MG{}", "1".repeat(32));
    let created = api
        .post(
            &configurations,
            &[("Country", "us"), ("MessagingServiceSid", &mg)],
        )
        .await;
    assert_eq!(
        (created.status, created.str("country")),
        (201, "US".to_owned())
    );
    for path in ["us", "US"] {
        assert_eq!(
            api.get(&format!("{configurations}/{path}")).await.status,
            200
        );
    }
    assert_eq!(
        api.delete(&format!("{configurations}/us")).await.status,
        204
    );
    assert_eq!(api.get(&format!("{configurations}/US")).await.status, 404);
}

#[tokio::test]
async fn a_send_without_locale_speaks_the_numbers_language() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let path = format!("/v2/Services/{va}/Verifications");
    for (to, locale, words) in [
        ("+34612345678", "es", "Tu código"),
        ("+5511961234567", "pt", "O seu código"),
        ("+14155550141", "en", "verification code is"),
    ] {
        assert_eq!(
            post_status(&api, &path, &[("To", to), ("Channel", "sms")]).await,
            201
        );
        let outbox = api
            .get(&format!("/sandbox/outbox?To={}", to.replace('+', "%2B")))
            .await;
        let message = &outbox.body["messages"][0];
        assert_eq!(message["locale"], locale, "{to}: {message}");
        assert!(
            message["body"].as_str().unwrap().contains(words),
            "{message}"
        );
    }
    // Asked for, a locale wins over the number's.
    let to = "+34612345679";
    let form = [("To", to), ("Channel", "sms"), ("Locale", "en")];
    assert_eq!(post_status(&api, &path, &form).await, 201);
    let outbox = api.get("/sandbox/outbox?To=%2B34612345679").await;
    assert_eq!(outbox.body["messages"][0]["locale"], "en");
}

#[tokio::test]
async fn device_ip_and_tags_are_checked_as_the_spec_says() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let path = format!("/v2/Services/{va}/Verifications");
    let send = |extra: (&'static str, String)| {
        let (api, path) = (&api, &path);
        async move {
            api.post(
                path,
                &[
                    ("To", "+14155550151"),
                    ("Channel", "sms"),
                    (extra.0, &extra.1),
                ],
            )
            .await
        }
    };
    let many: serde_json::Map<String, serde_json::Value> =
        (0..11).map(|n| (format!("k{n}"), "v".into())).collect();
    for (bad, param) in [
        (("DeviceIp", "10.0.0.300".to_owned()), "DeviceIp"),
        (("Tags", serde_json::to_string(&many).unwrap()), "Tags"),
        (
            ("Tags", format!(r#"{{"k":"{}"}}"#, "v".repeat(129))),
            "Tags",
        ),
    ] {
        let refused = send(bad).await;
        refused.assert_error((400, 60200), param);
    }
    for good in [
        ("DeviceIp", "2001:db8::1".to_owned()),
        ("Tags", r#"{"campaign":"spring","attempt":2}"#.to_owned()),
    ] {
        assert_eq!(send(good).await.status, 201);
    }
}

#[tokio::test]
async fn lookups_operations_the_sandbox_lacks_say_so() {
    let (_sandbox, api) = start().await;
    for reply in [
        api.post("/v2/batch/query", &[]).await,
        api.get("/v2/RateLimits").await,
        api.get("/v2/RateLimits/Fields/line_type_intelligence/Bucket/free")
            .await,
        api.get("/v2/PhoneNumbers/+14155552671/Overrides/line_type_intelligence")
            .await,
    ] {
        reply.assert_error((404, 20404), "not emulated");
    }
}

#[tokio::test]
async fn sids_are_checked_against_the_specs_patterns() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    let bad_sid = |prefix: &str| format!("{prefix}{}", "z".repeat(32));
    let cr = bad_sid("CR");
    let hj = bad_sid("HJ");
    let ve = bad_sid("VE");
    for (path, form, param) in [
        (
            "/v2/Services".to_owned(),
            vec![
                ("FriendlyName", "S"),
                ("Push.ApnCredentialSid", cr.as_str()),
            ],
            "Push.ApnCredentialSid",
        ),
        (
            format!("/v2/Services/{va}"),
            vec![("DefaultTemplateSid", hj.as_str())],
            "DefaultTemplateSid",
        ),
        (
            format!("/v2/Services/{va}/Verifications"),
            vec![
                ("To", "+14155550161"),
                ("Channel", "sms"),
                ("TemplateSid", hj.as_str()),
            ],
            "TemplateSid",
        ),
        (
            format!("/v2/Services/{va}/VerificationCheck"),
            vec![("VerificationSid", ve.as_str()), ("Code", "123456")],
            "VerificationSid",
        ),
    ] {
        api.post(&path, &form)
            .await
            .assert_error((400, 60200), param);
    }
    api.post(
        &format!("/v2/Services/{va}/Entities/user-0001/Challenges"),
        &[("FactorSid", "YF-not-a-sid")],
    )
    .await
    .assert_error((400, 60306), "FactorSid");
}

#[tokio::test]
async fn attempts_name_the_carrier_as_twilios_example_does() {
    let (_sandbox, api) = start().await;
    let va = api.service(&[]).await;
    assert_eq!(api.send_code(&va, "+14155550171", "sms").await.status, 201);
    let attempts = api.get("/v2/Attempts?ChannelData.To=%2B14155550171").await;
    let data = &attempts.body["attempts"][0]["channel_data"];
    assert_eq!(
        (&data["mcc"], &data["mnc"], &data["carrier"]),
        (
            &"310".into(),
            &"001".into(),
            &"Twofold Sandbox Mobile".into()
        ),
        "{data}"
    );
}
