//! Verify v2 resources (`verify.v2.*` in the spec's `components.schemas`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::enums::{
    AttemptChannel, ChallengeRespondedReason, ChallengeStatus, Channel, ConversionStatus,
    FactorStatus, FactorType, NotificationPlatform, TotpAlgorithm, VerificationStatus,
    WebhookMethod, WebhookStatus, WebhookVersion,
};

/// A resource's related URLs by name (`links`, `format: uri-map`), e.g. `"entities" => "https://…/Entities"`.
pub type Links = BTreeMap<String, String>;

/// A Verify Service (`verify.v2.service`): the settings verifications and factors share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// `VA…`.
    pub sid: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// Shown in messages, e.g. "Your {friendly_name} code is…".
    pub friendly_name: Option<String>,
    /// Digits in a verification code (4–10).
    pub code_length: u32,
    /// Whether a carrier lookup is done on create.
    pub lookup_enabled: Option<bool>,
    /// Whether PSD2 `Amount`/`Payee` are required.
    pub psd2_enabled: Option<bool>,
    /// Whether SMS to landlines is refused (needs `lookup_enabled`).
    pub skip_sms_to_landlines: Option<bool>,
    /// Whether a call asks for a key press before reading the code.
    pub dtmf_input_required: Option<bool>,
    /// The name spoken in calls.
    pub tts_name: Option<String>,
    /// The legacy email integration (`MD…`): in the spec's examples but not its
    /// schema, so written only when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailer_sid: Option<String>,
    /// Whether messages add "do not share this code".
    pub do_not_share_warning_enabled: Option<bool>,
    /// Whether `CustomCode` is accepted.
    pub custom_code_enabled: Option<bool>,
    /// Push factor settings.
    pub push: Option<ServicePush>,
    /// TOTP factor defaults.
    pub totp: Option<ServiceTotp>,
    /// The default message template (`HJ…`).
    pub default_template_sid: Option<String>,
    /// WhatsApp sender settings.
    pub whatsapp: Option<ServiceWhatsapp>,
    /// Passkey factor settings (`relying_party`, `authenticator_attachment`, …):
    /// in Twilio's current spec, untyped, but not in the pinned one, so kept as
    /// it came (see [`present`]).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub passkeys: Option<Value>,
    /// Whether Verify events go to Event Streams.
    pub verify_event_subscription_enabled: Option<bool>,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// The absolute URL of this resource.
    pub url: String,
    /// Sub-resources: `verifications`, `verification_checks`, `entities`, …
    pub links: Option<Links>,
}

/// A Service's `push` object (set with `Push.*`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServicePush {
    /// Whether challenge details carry a date.
    pub include_date: Option<bool>,
    /// APNs credential (`CR…`).
    pub apn_credential_sid: Option<String>,
    /// FCM credential (`CR…`).
    pub fcm_credential_sid: Option<String>,
}

/// A Service's `totp` object (set with `Totp.*`; `null`s mean Twilio's defaults).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceTotp {
    /// The issuer in `otpauth://` URIs (default: the friendly name).
    pub issuer: Option<String>,
    /// Seconds per code (20–60, default 30).
    pub time_step: Option<u32>,
    /// Digits per code (3–8, default 6).
    pub code_length: Option<u32>,
    /// Time steps accepted either side (0–2, default 1).
    pub skew: Option<u32>,
}

/// A Service's `whatsapp` object (set with `Whatsapp.*`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceWhatsapp {
    /// The Messaging Service that sends (`MG…`).
    pub msg_service_sid: Option<String>,
    /// The sender, e.g. `whatsapp:+1234567890`.
    pub from: Option<String>,
}

/// A Verification (`verify.v2.service.verification`): a code sent to `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// `VE…`.
    pub sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// The phone number (E.164) or email address.
    pub to: Option<String>,
    /// The channel used (for `auto`, the one chosen).
    pub channel: Channel,
    /// Where it stands.
    pub status: Option<VerificationStatus>,
    /// Legacy: `true` once approved.
    pub valid: Option<bool>,
    /// Carrier information when the service does lookups: `{}` or `{"carrier": {…}}`.
    pub lookup: Option<Value>,
    /// PSD2 amount.
    pub amount: Option<String>,
    /// PSD2 payee.
    pub payee: Option<String>,
    /// Each send of the code.
    pub send_code_attempts: Option<Vec<SendCodeAttempt>>,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// For Silent Network Auth, the URL the device must open.
    pub sna: Option<Sna>,
    /// The absolute URL of this resource.
    pub url: String,
}

/// One send of a verification code (an item of `send_code_attempts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendCodeAttempt {
    /// When it was sent.
    #[serde(with = "crate::twilio_time")]
    pub time: OffsetDateTime,
    /// Free text, not the channel enum: the examples have `SMS`, `EMAIL`, `whatsapp`, `sna`.
    pub channel: String,
    /// The Verification Attempt (`VL…`); `null` from the Sandbox for an SNA send,
    /// which it lists no Attempt for (the Attempts API has no SNA channel).
    pub attempt_sid: Option<String>,
}

/// A Verification's `sna` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sna {
    /// The URL the device opens over mobile data.
    pub url: String,
}

/// The answer to a code check (`verify.v2.service.verification_check`); it has no `url`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationCheck {
    /// The checked Verification (`VE…`).
    pub sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// The phone number or email address.
    pub to: Option<String>,
    /// The channel of the Verification.
    pub channel: Channel,
    /// `approved` for the right code, still `pending` for a wrong one.
    pub status: Option<VerificationStatus>,
    /// Legacy: `true` when approved.
    pub valid: Option<bool>,
    /// PSD2 amount.
    pub amount: Option<String>,
    /// PSD2 payee.
    pub payee: Option<String>,
    /// When the Verification was created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When the Verification was last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// SNA errors, `[]` when there were none, `null` if the channel was not SNA.
    pub sna_attempts_error_codes: Option<Vec<SnaAttemptError>>,
}

/// An item of `sna_attempts_error_codes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnaAttemptError {
    /// The Verification Attempt (`VL…`); `null` from the Sandbox, as in `send_code_attempts`.
    pub attempt_sid: Option<String>,
    /// Twilio's error code.
    pub code: u32,
}

/// One delivery of a verification code, for reporting (`verify.v2.verification_attempt`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationAttempt {
    /// `VL…`.
    pub sid: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// `VE…`.
    pub verification_sid: Option<String>,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// Whether the user completed the verification.
    pub conversion_status: ConversionStatus,
    /// The delivery channel.
    pub channel: AttemptChannel,
    /// What the delivery cost.
    pub price: Option<AttemptPrice>,
    /// Channel-specific details (`to`, `status`, `message_status`, `country`, `mcc`, …).
    pub channel_data: Option<Value>,
    /// The absolute URL of this resource.
    pub url: String,
}

/// A Verification Attempt's `price` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptPrice {
    /// A decimal string, e.g. `"0.005"`.
    pub value: Option<String>,
    /// Lower-case ISO 4217, e.g. `"usd"`.
    pub currency: Option<String>,
}

/// Totals over Verification Attempts (`verify.v2.verification_attempts_summary`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationAttemptsSummary {
    /// Attempts counted.
    pub total_attempts: u64,
    /// Attempts whose verification was completed.
    pub total_converted: u64,
    /// Attempts whose verification was not completed.
    pub total_unconverted: u64,
    /// A decimal string, e.g. `"81.818181818"`.
    pub conversion_rate_percentage: Option<String>,
    /// The absolute URL of this resource.
    pub url: String,
}

/// A user of push/TOTP factors (`verify.v2.service.entity`), addressed by `identity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// `YE…`.
    pub sid: Option<String>,
    /// The caller's id for the user.
    pub identity: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// The absolute URL of this resource.
    pub url: String,
    /// `factors`, `new_factors`, `challenges`.
    pub links: Option<Links>,
}

/// A push or TOTP factor of an Entity (`verify.v2.service.entity.factor`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// `YF…`.
    pub sid: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// `YE…`.
    pub entity_sid: Option<String>,
    /// The Entity's identity.
    pub identity: Option<String>,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// The name given; the account name in a TOTP URI.
    pub friendly_name: Option<String>,
    /// Verified yet or not.
    pub status: FactorStatus,
    /// Push or TOTP.
    pub factor_type: FactorType,
    /// The factor's settings.
    pub config: Option<FactorConfig>,
    /// The caller's own key-value data.
    pub metadata: Option<Value>,
    /// The absolute URL of this resource.
    pub url: String,
}

/// A Factor's `config`, told apart by its keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactorConfig {
    /// A TOTP factor's code settings.
    Totp(TotpConfig),
    /// A push factor's app and notification settings.
    Push(PushConfig),
    /// Any other shape (e.g. passkeys), kept as it came.
    Other(Value),
}

/// A TOTP factor's `config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TotpConfig {
    /// The HMAC hash.
    pub alg: TotpAlgorithm,
    /// Time steps accepted either side.
    pub skew: u32,
    /// Digits per code.
    pub code_length: u32,
    /// Seconds per code.
    pub time_step: u32,
}

/// A push factor's `config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushConfig {
    /// The Verify push SDK version of the app.
    pub sdk_version: Option<String>,
    /// The app's bundle or package id.
    pub app_id: Option<String>,
    /// Where notifications go.
    pub notification_platform: NotificationPlatform,
    /// The device's push token.
    pub notification_token: Option<String>,
}

/// The create-Factor response (`verify.v2.service.entity.new_factor`): a Factor plus its binding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewFactor {
    /// The fields every Factor has.
    #[serde(flatten)]
    pub factor: Factor,
    /// The key material, returned only here, never again.
    pub binding: Option<FactorBinding>,
    /// Passkey registration options; `null` for TOTP and push. In Twilio's
    /// current spec but not the pinned one, so kept as it came (see [`present`]).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub options: Option<Value>,
}

/// Reads a field that Twilio added after the pinned spec: a `null` is kept as
/// `Some(Value::Null)` and a missing key is `None` (skipped when written), so an
/// answer writes back the same whether or not it had the key.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// A new Factor's `binding`, told apart by its keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactorBinding {
    /// A TOTP factor's shared secret.
    Totp {
        /// Base32 secret.
        secret: String,
        /// The `otpauth://totp/…` URI for authenticator apps.
        uri: String,
    },
    /// A push factor's public key.
    Push {
        /// Key algorithm, e.g. `ES256`.
        alg: String,
        /// Base64 DER public key.
        public_key: String,
    },
    /// Any other shape, kept as it came.
    Other(Value),
}

/// A login or action to approve with a Factor (`verify.v2.service.entity.challenge`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Challenge {
    /// `YC…`.
    pub sid: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// `YE…`.
    pub entity_sid: Option<String>,
    /// The Entity's identity.
    pub identity: Option<String>,
    /// The Factor that must answer (`YF…`).
    pub factor_sid: Option<String>,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// When answered.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_responded: Option<OffsetDateTime>,
    /// When it stops accepting answers.
    #[serde(default, with = "crate::twilio_time::option")]
    pub expiration_date: Option<OffsetDateTime>,
    /// Where it stands.
    pub status: ChallengeStatus,
    /// Why it was answered so.
    pub responded_reason: ChallengeRespondedReason,
    /// What the user is shown.
    pub details: Option<ChallengeDetails>,
    /// The caller's data not shown to the user.
    pub hidden_details: Option<Value>,
    /// The caller's own key-value data, set when answering.
    pub metadata: Option<Value>,
    /// The kind of Factor that answers.
    pub factor_type: FactorType,
    /// The absolute URL of this resource.
    pub url: String,
    /// `notifications`.
    pub links: Option<Links>,
}

/// A Challenge's `details` (set with `Details.Message` and `Details.Fields`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChallengeDetails {
    /// The message shown.
    pub message: Option<String>,
    /// The date shown.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date: Option<OffsetDateTime>,
    /// Labelled values shown.
    #[serde(default)]
    pub fields: Vec<ChallengeField>,
}

/// One labelled value of a Challenge's details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChallengeField {
    /// The label.
    pub label: String,
    /// The value.
    pub value: String,
}

/// A named rate limit of a Service (`verify.v2.service.rate_limit`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateLimit {
    /// `RK…`.
    pub sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// The key sent in a Verification's `RateLimits`.
    pub unique_name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// The absolute URL of this resource.
    pub url: String,
    /// `buckets`.
    pub links: Option<Links>,
}

/// A window of a rate limit: at most `max` per `interval` seconds (`verify.v2.service.rate_limit.bucket`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// `BL…`.
    pub sid: Option<String>,
    /// `RK…`.
    pub rate_limit_sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// Requests allowed per interval.
    pub max: u32,
    /// The interval in seconds.
    pub interval: u32,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// The absolute URL of this resource.
    pub url: String,
}

/// The Messaging Service a Service sends through for a country (`verify.v2.service.messaging_configuration`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagingConfiguration {
    /// `AC…`.
    pub account_sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// ISO 3166-1 alpha-2, or `all`.
    pub country: Option<String>,
    /// `MG…`.
    pub messaging_service_sid: Option<String>,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// The absolute URL of this resource.
    pub url: String,
}

/// Where a Service posts factor and challenge events (`verify.v2.service.webhook`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    /// `YW…`.
    pub sid: Option<String>,
    /// `VA…`.
    pub service_sid: Option<String>,
    /// `AC…`.
    pub account_sid: Option<String>,
    /// Free text.
    pub friendly_name: Option<String>,
    /// e.g. `factor.verified`, `challenge.approved`, or `*`.
    pub event_types: Option<Vec<String>>,
    /// Delivered or not.
    pub status: WebhookStatus,
    /// Payload version.
    pub version: WebhookVersion,
    /// The URL called.
    pub webhook_url: Option<String>,
    /// The HTTP method used.
    pub webhook_method: WebhookMethod,
    /// When created.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_created: Option<OffsetDateTime>,
    /// When last updated.
    #[serde(default, with = "crate::twilio_time::option")]
    pub date_updated: Option<OffsetDateTime>,
    /// The absolute URL of this resource.
    pub url: String,
}

/// A phone number exempt from Fraud Guard and geo-permissions (`verify.v2.safelist`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SafeList {
    /// `GN…`.
    pub sid: Option<String>,
    /// E.164.
    pub phone_number: Option<String>,
    /// The absolute URL of this resource.
    pub url: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    #[test]
    fn factor_config_and_binding_are_told_apart_by_their_keys() {
        let totp: FactorConfig = serde_json::from_value(
            json!({"alg": "sha1", "skew": 1, "code_length": 6, "time_step": 30}),
        )
        .unwrap();
        assert!(matches!(
            totp,
            FactorConfig::Totp(TotpConfig {
                alg: TotpAlgorithm::Sha1,
                ..
            })
        ));
        let push: FactorConfig = serde_json::from_value(json!({
            "sdk_version": "1.0", "app_id": "a", "notification_platform": "fcm", "notification_token": null
        }))
        .unwrap();
        assert!(matches!(push, FactorConfig::Push(_)));
        let other = json!({"relying_party": {"id": "example.com"}});
        assert_eq!(
            serde_json::from_value::<FactorConfig>(other.clone()).unwrap(),
            FactorConfig::Other(other)
        );
        let binding: FactorBinding =
            serde_json::from_value(json!({"secret": "GEZDGNBV", "uri": "otpauth://totp/x"}))
                .unwrap();
        assert!(matches!(binding, FactorBinding::Totp { .. }));
    }

    #[test]
    fn a_newer_field_writes_back_as_it_came_missing_null_or_set() {
        let factor = json!({
            "sid": "YF", "account_sid": null, "service_sid": null, "entity_sid": null,
            "identity": null, "date_created": null, "date_updated": null,
            "friendly_name": null, "status": "unverified", "factor_type": "totp",
            "config": null, "metadata": null, "url": "u", "binding": null
        });
        for options in [None, Some(Value::Null), Some(json!({"publicKey": {}}))] {
            let mut body = factor.clone();
            if let Some(options) = &options {
                body["options"] = options.clone();
            }
            let read: NewFactor = serde_json::from_value(body.clone()).unwrap();
            assert_eq!(read.options, options);
            assert_eq!(serde_json::to_value(&read).unwrap(), body);
        }
    }
}
