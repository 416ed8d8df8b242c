//! Verify webhooks: events for factors and challenges, POSTed form-encoded to each
//! subscribed `webhook_url` with an `X-Twilio-Signature` made as Twilio makes it:
//! Base64(HMAC-SHA1(auth token, URL + every parameter's name and value, sorted by name)).

use base64::Engine;
use hmac::{KeyInit, Mac};
use serde_json::Value;

use crate::model::{Challenge, Ctx, Factor, WebhookDelivery};
use crate::store::State;

/// Twilio's request signature for a POST of `params` to `url`.
pub fn signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut data = url.to_owned();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(auth_token.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn json_text(v: &Value) -> String {
    if v.is_null() {
        String::new()
    } else {
        v.to_string()
    }
}

/// Queues `event_type` for every enabled webhook of the factor's service that subscribes to it.
pub(crate) fn emit(
    db: &mut State,
    ctx: &Ctx<'_>,
    event_type: &str,
    factor: &Factor,
    challenge: Option<&Challenge>,
) {
    let targets: Vec<String> = db
        .webhooks
        .values()
        .filter(|w| w.service_sid == factor.service_sid && w.status == "enabled")
        .filter(|w| w.event_types.iter().any(|t| t == "*" || t == event_type))
        .map(|w| w.webhook_url.clone())
        .collect();
    if targets.is_empty() {
        return;
    }
    let mut params = vec![
        ("uuid".to_owned(), uuid()),
        ("type".to_owned(), event_type.to_owned()),
        ("account_sid".to_owned(), ctx.account.to_owned()),
        ("service_sid".to_owned(), factor.service_sid.clone()),
        ("entity_identity".to_owned(), factor.identity.clone()),
        ("factor_sid".to_owned(), factor.sid.clone()),
        ("factor_type".to_owned(), "totp".to_owned()),
        (
            "factor_friendly_name".to_owned(),
            factor.friendly_name.clone(),
        ),
        ("factor_metadata".to_owned(), json_text(&factor.metadata)),
    ];
    if let Some(c) = challenge {
        // The challenge's `details` as its resource answers them.
        let details = c.details().map_or_else(String::new, |d| {
            serde_json::to_string(&d).unwrap_or_default()
        });
        params.extend([
            ("challenge_sid".to_owned(), c.sid.clone()),
            ("challenge_status".to_owned(), c.status.clone()),
            ("challenge_details".to_owned(), details),
            (
                "challenge_hidden_details".to_owned(),
                json_text(&c.hidden_details),
            ),
            ("challenge_metadata".to_owned(), json_text(&c.metadata)),
        ]);
    }
    for url in targets {
        db.events.push(WebhookDelivery {
            url,
            params: params.clone(),
        });
    }
}

fn uuid() -> String {
    let h = format!("{:032x}", rand::random::<u128>());
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Sends one event. Failures are reported on stderr only: like Twilio, the Sandbox
/// does not let a broken receiver fail the API call that caused the event.
pub(crate) async fn deliver(client: reqwest::Client, auth_token: String, event: WebhookDelivery) {
    let signature = signature(&auth_token, &event.url, &event.params);
    let result = client
        .post(&event.url)
        .header("X-Twilio-Signature", signature)
        .header("I-Twilio-Idempotency-Token", uuid())
        .form(&event.params)
        .send()
        .await;
    match result {
        Ok(r) if r.status().is_success() => {}
        Ok(r) => eprintln!(
            "twofold-sandbox: webhook {} answered {}",
            event.url,
            r.status()
        ),
        Err(e) => eprintln!("twofold-sandbox: webhook {} failed: {e}", event.url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_twilio_documented_example() {
        // The example of Twilio's "Webhooks security" page.
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(
            signature(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                &params
            ),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
        );
    }

    #[test]
    fn parameter_order_does_not_change_the_signature() {
        let a = vec![
            ("b".to_owned(), "2".to_owned()),
            ("a".to_owned(), "1".to_owned()),
        ];
        let b = vec![
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "2".to_owned()),
        ];
        assert_eq!(
            signature("t", "http://x/", &a),
            signature("t", "http://x/", &b)
        );
        assert_ne!(
            signature("t", "http://x/", &a),
            signature("u", "http://x/", &a)
        );
    }
}
