//! The records the Sandbox keeps, and how each is rendered as Twilio's JSON.
//!
//! Records store what Twilio stores; `url` and `links` are computed when rendering so
//! they always point at the address the client used to reach the Sandbox.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::format_time;

/// What every renderer needs: the client's base URL and the account SID.
pub(crate) struct Ctx<'a> {
    pub base: &'a str,
    pub account: &'a str,
}

/// A record that belongs to one Verify Service and is listed under it in creation order.
pub(crate) trait ServiceRecord {
    fn seq(&self) -> u64;
    fn service_sid(&self) -> &str;
    fn render(&self, ctx: &Ctx<'_>) -> Value;
}

macro_rules! service_records {
    ($($record:ty),*) => {$(
        impl ServiceRecord for $record {
            fn seq(&self) -> u64 {
                self.seq
            }
            fn service_sid(&self) -> &str {
                &self.service_sid
            }
            fn render(&self, ctx: &Ctx<'_>) -> Value {
                self.json(ctx)
            }
        }
    )*};
}

service_records!(Entity, RateLimit, MessagingConfiguration, Webhook);

fn time_or_null(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| Value::String(format_time(t)))
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Service {
    pub seq: u64,
    pub sid: String,
    pub friendly_name: String,
    pub code_length: i64,
    pub lookup_enabled: bool,
    pub psd2_enabled: bool,
    pub skip_sms_to_landlines: bool,
    pub dtmf_input_required: bool,
    pub tts_name: Option<String>,
    pub do_not_share_warning_enabled: bool,
    pub custom_code_enabled: bool,
    pub push_include_date: bool,
    pub push_apn_credential_sid: Option<String>,
    pub push_fcm_credential_sid: Option<String>,
    pub totp_issuer: Option<String>,
    pub totp_time_step: Option<i64>,
    pub totp_code_length: Option<i64>,
    pub totp_skew: Option<i64>,
    pub default_template_sid: Option<String>,
    pub whatsapp_msg_service_sid: Option<String>,
    pub whatsapp_from: Option<String>,
    pub passkeys_rp_id: Option<String>,
    pub passkeys_rp_name: Option<String>,
    pub passkeys_rp_origins: Vec<String>,
    pub passkeys_authenticator_attachment: Option<String>,
    pub passkeys_discoverable_credentials: Option<String>,
    pub passkeys_user_verification: Option<String>,
    pub verify_event_subscription_enabled: bool,
    /// Console-only settings, changed through `POST /sandbox/services/{Sid}`.
    pub email_integration: bool,
    pub disabled_channels: Vec<String>,
    pub created: i64,
    pub updated: i64,
}

impl Service {
    pub fn json(&self, ctx: &Ctx<'_>) -> Value {
        let url = format!("{}/v2/Services/{}", ctx.base, self.sid);
        let origins = if self.passkeys_rp_origins.is_empty() {
            Value::Null
        } else {
            json!(self.passkeys_rp_origins)
        };
        json!({
            "sid": self.sid,
            "account_sid": ctx.account,
            "friendly_name": self.friendly_name,
            "code_length": self.code_length,
            "lookup_enabled": self.lookup_enabled,
            "psd2_enabled": self.psd2_enabled,
            "skip_sms_to_landlines": self.skip_sms_to_landlines,
            "dtmf_input_required": self.dtmf_input_required,
            "tts_name": self.tts_name,
            "do_not_share_warning_enabled": self.do_not_share_warning_enabled,
            "custom_code_enabled": self.custom_code_enabled,
            "push": {
                "include_date": self.push_include_date,
                "apn_credential_sid": self.push_apn_credential_sid,
                "fcm_credential_sid": self.push_fcm_credential_sid,
            },
            "totp": {
                "issuer": self.totp_issuer,
                "time_step": self.totp_time_step,
                "code_length": self.totp_code_length,
                "skew": self.totp_skew,
            },
            "default_template_sid": self.default_template_sid,
            "whatsapp": { "msg_service_sid": self.whatsapp_msg_service_sid, "from": self.whatsapp_from },
            "passkeys": {
                "relying_party": { "id": self.passkeys_rp_id, "name": self.passkeys_rp_name, "origins": origins },
                "authenticator_attachment": self.passkeys_authenticator_attachment,
                "discoverable_credentials": self.passkeys_discoverable_credentials,
                "user_verification": self.passkeys_user_verification,
            },
            "verify_event_subscription_enabled": self.verify_event_subscription_enabled,
            "date_created": format_time(self.created),
            "date_updated": format_time(self.updated),
            "links": {
                "verification_checks": format!("{url}/VerificationCheck"),
                "verifications": format!("{url}/Verifications"),
                "rate_limits": format!("{url}/RateLimits"),
                "messaging_configurations": format!("{url}/MessagingConfigurations"),
                "entities": format!("{url}/Entities"),
                "webhooks": format!("{url}/Webhooks"),
                "access_tokens": format!("{url}/AccessTokens"),
            },
            "url": url,
        })
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct SendAttempt {
    pub time: i64,
    pub channel: String,
    pub attempt_sid: Option<String>,
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Verification {
    pub seq: u64,
    pub sid: String,
    pub service_sid: String,
    pub to: String,
    pub channel: String,
    /// `pending`, `approved`, `canceled`, `max_attempts_reached`, `expired`.
    pub status: String,
    /// `None` for SNA, which has no code.
    pub code: Option<String>,
    pub locale: String,
    pub amount: Option<String>,
    pub payee: Option<String>,
    pub send_attempts: Vec<SendAttempt>,
    pub checks: u32,
    /// Set when the device opened the SNA URL.
    pub sna_completed: bool,
    pub lookup: Value,
    pub created: i64,
    pub updated: i64,
}

impl Verification {
    pub fn url(&self, ctx: &Ctx<'_>) -> String {
        format!(
            "{}/v2/Services/{}/Verifications/{}",
            ctx.base, self.service_sid, self.sid
        )
    }

    pub fn sna_url(&self, ctx: &Ctx<'_>) -> String {
        format!("{}/sandbox/sna/{}", ctx.base, self.sid)
    }

    /// The Verification resource. Typed rather than built as a `Value`: it is the
    /// answer to every send, the Sandbox's hottest path.
    pub fn json<'a>(&'a self, ctx: &'a Ctx<'a>) -> VerificationJson<'a> {
        VerificationJson {
            common: self.common_json(ctx),
            lookup: &self.lookup,
            send_code_attempts: self
                .send_attempts
                .iter()
                .map(|a| SendAttemptJson {
                    time: format_time(a.time),
                    channel: &a.channel,
                    attempt_sid: a.attempt_sid.as_deref(),
                })
                .collect(),
            sna: (self.channel == "sna").then(|| SnaJson {
                url: self.sna_url(ctx),
            }),
            url: self.url(ctx),
        }
    }

    /// The VerificationCheck shape: no `url`, `lookup` or `send_code_attempts`.
    pub fn check_json<'a>(&'a self, ctx: &'a Ctx<'a>) -> VerificationCheckJson<'a> {
        // Until the device opens the SNA URL, every attempt reports 60519.
        let sna_attempts_error_codes = (self.channel == "sna").then(|| match self.sna_completed {
            true => Vec::new(),
            false => (self.send_attempts.iter())
                .map(|a| SnaErrorJson {
                    attempt_sid: a.attempt_sid.as_deref(),
                    code: 60519,
                })
                .collect(),
        });
        VerificationCheckJson {
            common: self.common_json(ctx),
            sna_attempts_error_codes,
        }
    }

    fn common_json<'a>(&'a self, ctx: &'a Ctx<'a>) -> VerificationCommonJson<'a> {
        VerificationCommonJson {
            sid: &self.sid,
            service_sid: &self.service_sid,
            account_sid: ctx.account,
            to: &self.to,
            channel: &self.channel,
            status: &self.status,
            valid: self.status == "approved",
            amount: self.amount.as_deref(),
            payee: self.payee.as_deref(),
            date_created: format_time(self.created),
            date_updated: format_time(self.updated),
        }
    }
}

/// The fields a Verification and a VerificationCheck share.
#[derive(Serialize)]
pub(crate) struct VerificationCommonJson<'a> {
    sid: &'a str,
    service_sid: &'a str,
    account_sid: &'a str,
    to: &'a str,
    channel: &'a str,
    status: &'a str,
    valid: bool,
    amount: Option<&'a str>,
    payee: Option<&'a str>,
    date_created: String,
    date_updated: String,
}

#[derive(Serialize)]
pub(crate) struct VerificationJson<'a> {
    #[serde(flatten)]
    common: VerificationCommonJson<'a>,
    lookup: &'a Value,
    send_code_attempts: Vec<SendAttemptJson<'a>>,
    sna: Option<SnaJson>,
    url: String,
}

#[derive(Serialize)]
pub(crate) struct VerificationCheckJson<'a> {
    #[serde(flatten)]
    common: VerificationCommonJson<'a>,
    sna_attempts_error_codes: Option<Vec<SnaErrorJson<'a>>>,
}

#[derive(Serialize)]
struct SendAttemptJson<'a> {
    time: String,
    channel: &'a str,
    attempt_sid: Option<&'a str>,
}

#[derive(Serialize)]
struct SnaJson {
    url: String,
}

#[derive(Serialize)]
struct SnaErrorJson<'a> {
    attempt_sid: Option<&'a str>,
    code: u32,
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Attempt {
    pub seq: u64,
    pub sid: String,
    pub service_sid: String,
    pub verification_sid: String,
    pub channel: String,
    pub to: String,
    pub country: Option<String>,
    pub code_length: usize,
    pub locale: String,
    pub converted: bool,
    pub created: i64,
    pub updated: i64,
}

impl Attempt {
    pub fn json(&self, ctx: &Ctx<'_>, verification_status: &str) -> Value {
        let attempt_status = match verification_status {
            "approved" => "confirmed",
            "expired" => "expired",
            _ => "unconfirmed",
        };
        json!({
            "sid": self.sid,
            "account_sid": ctx.account,
            "service_sid": self.service_sid,
            "verification_sid": self.verification_sid,
            "date_created": format_time(self.created),
            "date_updated": format_time(self.updated),
            "conversion_status": if self.converted { "converted" } else { "unconverted" },
            "channel": self.channel,
            "price": { "value": "0.0", "currency": "usd" },
            "channel_data": {
                "verification_sid": self.verification_sid,
                "to": self.to,
                "status": attempt_status,
                "message_status": "delivered",
                "error_code": null,
                "country": self.country,
                "code_length": self.code_length,
                "locale": self.locale,
            },
            "url": format!("{}/v2/Attempts/{}", ctx.base, self.sid),
        })
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Entity {
    pub seq: u64,
    pub sid: String,
    pub service_sid: String,
    pub identity: String,
    pub created: i64,
    pub updated: i64,
}

impl Entity {
    pub fn json(&self, ctx: &Ctx<'_>) -> Value {
        let url = format!(
            "{}/v2/Services/{}/Entities/{}",
            ctx.base, self.service_sid, self.identity
        );
        json!({
            "sid": self.sid,
            "identity": self.identity,
            "account_sid": ctx.account,
            "service_sid": self.service_sid,
            "date_created": format_time(self.created),
            "date_updated": format_time(self.updated),
            "links": {
                "factors": format!("{url}/Factors"),
                "new_factors": format!("{url}/Factors"),
                "challenges": format!("{url}/Challenges"),
            },
            "url": url,
        })
    }
}

/// A TOTP factor. Holds the seed, so it never derives `Debug`.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Factor {
    pub seq: u64,
    pub sid: String,
    pub service_sid: String,
    pub entity_sid: String,
    pub identity: String,
    pub friendly_name: String,
    pub verified: bool,
    /// Base32 seed, no padding.
    pub secret: String,
    pub alg: String,
    pub code_length: u8,
    pub time_step: u64,
    pub skew: u16,
    pub metadata: Value,
    pub failed_verifications: u32,
    pub created: i64,
    pub updated: i64,
}

impl Factor {
    pub fn json(&self, ctx: &Ctx<'_>) -> Value {
        json!({
            "sid": self.sid,
            "account_sid": ctx.account,
            "service_sid": self.service_sid,
            "entity_sid": self.entity_sid,
            "identity": self.identity,
            "date_created": format_time(self.created),
            "date_updated": format_time(self.updated),
            "friendly_name": self.friendly_name,
            "status": if self.verified { "verified" } else { "unverified" },
            "factor_type": "totp",
            "config": {
                "alg": self.alg,
                "skew": self.skew,
                "code_length": self.code_length,
                "time_step": self.time_step,
            },
            "metadata": self.metadata,
            "url": format!("{}/v2/Services/{}/Entities/{}/Factors/{}", ctx.base, self.service_sid, self.identity, self.sid),
        })
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Challenge {
    pub seq: u64,
    pub sid: String,
    pub service_sid: String,
    pub entity_sid: String,
    pub identity: String,
    pub factor_sid: String,
    /// `pending`, `approved`, `denied`, `expired`.
    pub status: String,
    pub responded: Option<i64>,
    pub expires: i64,
    pub message: Option<String>,
    pub fields: Vec<Value>,
    pub hidden_details: Value,
    pub metadata: Value,
    pub failed_attempts: u32,
    pub created: i64,
    pub updated: i64,
}

impl Challenge {
    pub fn json(&self, ctx: &Ctx<'_>) -> Value {
        let url = format!(
            "{}/v2/Services/{}/Entities/{}/Challenges/{}",
            ctx.base, self.service_sid, self.identity, self.sid
        );
        let details = match &self.message {
            None if self.fields.is_empty() => Value::Null,
            message => {
                json!({ "message": message, "date": format_time(self.created), "fields": self.fields })
            }
        };
        json!({
            "sid": self.sid,
            "account_sid": ctx.account,
            "service_sid": self.service_sid,
            "entity_sid": self.entity_sid,
            "identity": self.identity,
            "factor_sid": self.factor_sid,
            "date_created": format_time(self.created),
            "date_updated": format_time(self.updated),
            "date_responded": time_or_null(self.responded),
            "expiration_date": format_time(self.expires),
            "status": self.status,
            "responded_reason": "none",
            "details": details,
            "hidden_details": self.hidden_details,
            "metadata": self.metadata,
            "factor_type": "totp",
            "links": { "notifications": format!("{url}/Notifications") },
            "url": url,
        })
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct RateLimit {
    pub seq: u64,
    pub sid: String,
    pub service_sid: String,
    pub unique_name: String,
    pub description: Option<String>,
    pub created: i64,
    pub updated: i64,
}

impl RateLimit {
    pub fn json(&self, ctx: &Ctx<'_>) -> Value {
        let url = format!(
            "{}/v2/Services/{}/RateLimits/{}",
            ctx.base, self.service_sid, self.sid
        );
        json!({
            "sid": self.sid,
            "service_sid": self.service_sid,
            "account_sid": ctx.account,
            "unique_name": self.unique_name,
            "description": self.description,
            "date_created": format_time(self.created),
            "date_updated": format_time(self.updated),
            "links": { "buckets": format!("{url}/Buckets") },
            "url": url,
        })
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Bucket {
    pub seq: u64,
    pub sid: String,
    pub rate_limit_sid: String,
    pub service_sid: String,
    pub max: i64,
    pub interval: i64,
    pub created: i64,
    pub updated: i64,
}

impl Bucket {
    pub fn json(&self, ctx: &Ctx<'_>) -> Value {
        json!({
            "sid": self.sid,
            "rate_limit_sid": self.rate_limit_sid,
            "service_sid": self.service_sid,
            "account_sid": ctx.account,
            "max": self.max,
            "interval": self.interval,
            "date_created": format_time(self.created),
            "date_updated": format_time(self.updated),
            "url": format!("{}/v2/Services/{}/RateLimits/{}/Buckets/{}", ctx.base, self.service_sid, self.rate_limit_sid, self.sid),
        })
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct MessagingConfiguration {
    pub seq: u64,
    pub service_sid: String,
    pub country: String,
    pub messaging_service_sid: String,
    pub created: i64,
    pub updated: i64,
}

impl MessagingConfiguration {
    pub fn json(&self, ctx: &Ctx<'_>) -> Value {
        json!({
            "account_sid": ctx.account,
            "service_sid": self.service_sid,
            "country": self.country,
            "messaging_service_sid": self.messaging_service_sid,
            "date_created": format_time(self.created),
            "date_updated": format_time(self.updated),
            "url": format!("{}/v2/Services/{}/MessagingConfigurations/{}", ctx.base, self.service_sid, self.country),
        })
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Webhook {
    pub seq: u64,
    pub sid: String,
    pub service_sid: String,
    pub friendly_name: String,
    pub event_types: Vec<String>,
    pub status: String,
    pub version: String,
    pub webhook_url: String,
    pub created: i64,
    pub updated: i64,
}

impl Webhook {
    pub fn json(&self, ctx: &Ctx<'_>) -> Value {
        json!({
            "sid": self.sid,
            "service_sid": self.service_sid,
            "account_sid": ctx.account,
            "friendly_name": self.friendly_name,
            "event_types": self.event_types,
            "status": self.status,
            "version": self.version,
            "webhook_url": self.webhook_url,
            "webhook_method": "POST",
            "date_created": format_time(self.created),
            "date_updated": format_time(self.updated),
            "url": format!("{}/v2/Services/{}/Webhooks/{}", ctx.base, self.service_sid, self.sid),
        })
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct SafeListEntry {
    pub sid: String,
    pub phone_number: String,
}

impl SafeListEntry {
    pub fn json(&self, ctx: &Ctx<'_>) -> Value {
        json!({
            "sid": self.sid,
            "phone_number": self.phone_number,
            "url": format!("{}/v2/SafeList/Numbers/{}", ctx.base, self.phone_number),
        })
    }
}

/// A fault rule from `POST /sandbox/faults`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Fault {
    pub sid: String,
    pub method: Option<String>,
    pub path_prefix: Option<String>,
    pub to_prefix: Option<String>,
    pub status: Option<u16>,
    pub code: Option<u32>,
    pub message: Option<String>,
    pub latency_ms: u64,
    /// How many more requests it applies to; `None` = every one.
    pub remaining: Option<u64>,
}

/// A webhook POST waiting to be signed and sent once the state lock is released.
#[derive(Clone, Debug)]
pub(crate) struct WebhookDelivery {
    pub url: String,
    pub params: Vec<(String, String)>,
}
