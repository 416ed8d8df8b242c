//! The records the Sandbox keeps, and how each is answered as Twilio's JSON.
//!
//! Records store what Twilio stores and are what the state file holds, so their
//! shape stays put. Each renders through a `wire` method into the matching type
//! of `twofold-twilio`, the one the typed client reads, so the Sandbox cannot
//! answer something the client cannot decode. `url` and `links` are computed when
//! rendering so they always point at the address the client used to reach the
//! Sandbox.

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt::Display;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use smallvec::SmallVec;
use time::OffsetDateTime;
use twofold_twilio as wire;

use crate::sid::Sid;

/// What every renderer needs: the client's base URL and the account SID.
pub(crate) struct Ctx<'a> {
    pub base: &'a str,
    pub account: &'a str,
}

impl Ctx<'_> {
    /// The absolute URL of `path` (`/v2/…`) at the address the client used.
    fn url(&self, path: impl Display) -> String {
        format!("{}{path}", self.base)
    }

    fn account_sid(&self) -> Option<String> {
        Some(self.account.to_owned())
    }
}

/// A record that belongs to one Verify Service and is listed under it in creation order.
pub(crate) trait ServiceRecord {
    type Wire: Serialize;
    fn seq(&self) -> u64;
    fn service_sid(&self) -> &str;
    fn render(&self, ctx: &Ctx<'_>) -> Self::Wire;
}

macro_rules! service_records {
    ($($record:ident),*) => {$(
        impl ServiceRecord for $record {
            type Wire = wire::$record;
            fn seq(&self) -> u64 {
                self.seq
            }
            fn service_sid(&self) -> &str {
                &self.service_sid
            }
            fn render(&self, ctx: &Ctx<'_>) -> wire::$record {
                self.wire(ctx)
            }
        }
    )*};
}

service_records!(Entity, RateLimit, MessagingConfiguration, Webhook);

/// Stored Unix seconds as a wire date-time. The Sandbox's clock never gets past
/// the year 9999, where `time` stops; the epoch would stand in if it somehow did.
fn date_time(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A stored wire string (status, channel, algorithm) as its `twofold-twilio`
/// enum; never fails, since an unknown value becomes `Other`.
pub(crate) fn parsed<T: FromStr<Err = Infallible>>(text: &str) -> T {
    let Ok(value) = text.parse();
    value
}

/// A stored number as the wire's `u32`; the request checks keep every one in range.
fn count(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

/// A free-form object (`metadata`, `hidden_details`) stored as `Value::Null` when unset.
fn object(value: &Value) -> Option<Value> {
    (!value.is_null()).then(|| value.clone())
}

/// `links` of the resource at `url`: each name maps to `{url}/{segment}`.
fn links(url: &str, names: &[(&str, &str)]) -> Option<wire::Links> {
    let link = |(name, segment): &(&str, &str)| ((*name).to_owned(), format!("{url}/{segment}"));
    Some(names.iter().map(link).collect())
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
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::Service {
        let url = ctx.url(format_args!("/v2/Services/{}", self.sid));
        wire::Service {
            sid: Some(self.sid.clone()),
            account_sid: ctx.account_sid(),
            friendly_name: Some(self.friendly_name.clone()),
            code_length: count(self.code_length),
            lookup_enabled: Some(self.lookup_enabled),
            psd2_enabled: Some(self.psd2_enabled),
            skip_sms_to_landlines: Some(self.skip_sms_to_landlines),
            dtmf_input_required: Some(self.dtmf_input_required),
            tts_name: self.tts_name.clone(),
            mailer_sid: None,
            do_not_share_warning_enabled: Some(self.do_not_share_warning_enabled),
            custom_code_enabled: Some(self.custom_code_enabled),
            push: Some(wire::ServicePush {
                include_date: Some(self.push_include_date),
                apn_credential_sid: self.push_apn_credential_sid.clone(),
                fcm_credential_sid: self.push_fcm_credential_sid.clone(),
            }),
            totp: Some(wire::ServiceTotp {
                issuer: self.totp_issuer.clone(),
                time_step: self.totp_time_step.map(count),
                code_length: self.totp_code_length.map(count),
                skew: self.totp_skew.map(count),
            }),
            default_template_sid: self.default_template_sid.clone(),
            whatsapp: Some(wire::ServiceWhatsapp {
                msg_service_sid: self.whatsapp_msg_service_sid.clone(),
                from: self.whatsapp_from.clone(),
            }),
            passkeys: Some(self.passkeys()),
            verify_event_subscription_enabled: Some(self.verify_event_subscription_enabled),
            date_created: Some(date_time(self.created)),
            date_updated: Some(date_time(self.updated)),
            links: links(
                &url,
                &[
                    ("verification_checks", "VerificationCheck"),
                    ("verifications", "Verifications"),
                    ("rate_limits", "RateLimits"),
                    ("messaging_configurations", "MessagingConfigurations"),
                    ("entities", "Entities"),
                    ("webhooks", "Webhooks"),
                    ("access_tokens", "AccessTokens"),
                ],
            ),
            url,
        }
    }

    /// The `passkeys` object. Free-form on the wire: Twilio's spec gives it no keys.
    fn passkeys(&self) -> Value {
        let origins = &self.passkeys_rp_origins;
        json!({
            "relying_party": {
                "id": self.passkeys_rp_id,
                "name": self.passkeys_rp_name,
                "origins": (!origins.is_empty()).then_some(origins),
            },
            "authenticator_attachment": self.passkeys_authenticator_attachment,
            "discoverable_credentials": self.passkeys_discoverable_credentials,
            "user_verification": self.passkeys_user_verification,
        })
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct SendAttempt {
    /// Orders the Attempts API's list by creation across verifications.
    #[serde(default)]
    pub seq: u64,
    pub time: i64,
    pub channel: wire::Channel,
    /// `None` for SNA: the Attempts API has no SNA channel.
    pub attempt_sid: Option<Sid>,
    /// The attempt's `channel_data`: what the send's code and message were.
    #[serde(default)]
    pub code_length: u8,
    /// Borrowed when it is the default of the number's country (most sends).
    #[serde(default)]
    pub locale: Cow<'static, str>,
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Verification {
    pub seq: u64,
    pub sid: Sid,
    pub service_sid: Sid,
    pub to: String,
    /// The channel and status are the wire's enums (written as the same strings
    /// in the state file), compared as values rather than as text.
    pub channel: wire::Channel,
    /// `pending`, `approved`, `canceled`, `max_attempts_reached`, `expired`.
    pub status: wire::VerificationStatus,
    /// `None` for SNA, which has no code.
    pub code: Option<String>,
    pub amount: Option<String>,
    pub payee: Option<String>,
    /// The first kept in the record: most verifications get one send, and a
    /// separate allocation per record is a cache miss to make and to free.
    pub send_attempts: SmallVec<[SendAttempt; 1]>,
    pub checks: u32,
    /// Set when the device opened the SNA URL.
    pub sna_completed: bool,
    pub lookup: Value,
    pub created: i64,
    pub updated: i64,
}

impl Verification {
    pub fn url(&self, ctx: &Ctx<'_>) -> String {
        ctx.url(format_args!(
            "/v2/Services/{}/Verifications/{}",
            self.service_sid, self.sid
        ))
    }

    /// The Verification Attempts its sends made, oldest first.
    pub fn attempts(&self) -> impl Iterator<Item = Attempt<'_>> {
        self.send_attempts.iter().filter_map(|send| {
            Some(Attempt {
                verification: self,
                send,
                sid: send.attempt_sid.as_deref()?,
            })
        })
    }

    pub fn sna_url(&self, ctx: &Ctx<'_>) -> String {
        ctx.url(format_args!("/sandbox/sna/{}", self.sid))
    }

    /// The Verification resource: the check's fields plus `lookup`,
    /// `send_code_attempts`, `sna` and `url`. Built from [`Self::check_wire`] so
    /// the shared fields are written once; the check's SNA error list it drops is
    /// only ever computed for SNA, so the hot SMS path pays nothing for it.
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::Verification {
        let wire::VerificationCheck {
            sid,
            service_sid,
            account_sid,
            to,
            channel,
            status,
            valid,
            amount,
            payee,
            date_created,
            date_updated,
            sna_attempts_error_codes: _,
        } = self.check_wire(ctx);
        let send_code_attempts = (self.send_attempts.iter())
            .map(|a| wire::SendCodeAttempt {
                time: date_time(a.time),
                channel: a.channel.to_string(),
                attempt_sid: a.attempt_sid.map(|sid| sid.to_string()),
            })
            .collect();
        wire::Verification {
            sid,
            service_sid,
            account_sid,
            to,
            channel,
            status,
            valid,
            lookup: Some(self.lookup.clone()),
            amount,
            payee,
            send_code_attempts: Some(send_code_attempts),
            date_created,
            date_updated,
            sna: (self.channel == wire::Channel::Sna).then(|| wire::Sna {
                url: self.sna_url(ctx),
            }),
            url: self.url(ctx),
        }
    }

    /// The VerificationCheck resource: no `url`, `lookup` or `send_code_attempts`.
    pub fn check_wire(&self, ctx: &Ctx<'_>) -> wire::VerificationCheck {
        // Until the device opens the SNA URL, every attempt reports 60519.
        let sna_attempts_error_codes =
            (self.channel == wire::Channel::Sna).then(|| match self.sna_completed {
                true => Vec::new(),
                false => (self.send_attempts.iter())
                    .map(|a| wire::SnaAttemptError {
                        attempt_sid: a.attempt_sid.map(|sid| sid.to_string()),
                        code: 60519,
                    })
                    .collect(),
            });
        wire::VerificationCheck {
            sid: Some(self.sid.to_string()),
            service_sid: Some(self.service_sid.to_string()),
            account_sid: ctx.account_sid(),
            to: Some(self.to.clone()),
            channel: self.channel.clone(),
            status: Some(self.status.clone()),
            valid: Some(self.status == wire::VerificationStatus::Approved),
            amount: self.amount.clone(),
            payee: self.payee.clone(),
            date_created: Some(date_time(self.created)),
            date_updated: Some(date_time(self.updated)),
            sna_attempts_error_codes,
        }
    }
}

/// A Verification Attempt: one send of a verification as the Attempts API shows
/// it. Not a record of its own: a send keeps what its attempt needs, and the
/// attempt's conversion follows its verification (approving one converts all of
/// its attempts), so a send adds no table row and no allocation beyond the send.
#[derive(Clone, Copy)]
pub(crate) struct Attempt<'a> {
    pub verification: &'a Verification,
    pub send: &'a SendAttempt,
    pub sid: &'a str,
}

impl<'a> Attempt<'a> {
    pub fn seq(&self) -> u64 {
        self.send.seq
    }
    pub fn service_sid(&self) -> &'a str {
        &self.verification.service_sid
    }
    pub fn verification_sid(&self) -> &'a str {
        &self.verification.sid
    }
    pub fn to(&self) -> &'a str {
        &self.verification.to
    }
    /// The Attempts API's channel: `rbm` for RCS.
    pub fn channel(&self) -> &'a str {
        let send: &'a SendAttempt = self.send;
        match &send.channel {
            wire::Channel::Rcs => "rbm",
            c => c.as_str(),
        }
    }
    /// The number sent to as the numbering plan has it (`None` for an email): the
    /// country and carrier fields of Twilio's example, worked out when read so a
    /// send stores nothing more.
    pub fn number(&self) -> Option<crate::phone::Number> {
        crate::phone::analyse(self.to(), None).ok()
    }
    pub fn converted(&self) -> bool {
        self.verification.status == wire::VerificationStatus::Approved
    }
    pub fn created(&self) -> i64 {
        self.send.time
    }
    /// Converted attempts changed when their verification was approved, its last change.
    pub fn updated(&self) -> i64 {
        match self.converted() {
            true => self.verification.updated,
            false => self.send.time,
        }
    }

    /// The Verification Attempt; its `channel_data.status` follows the verification's.
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::VerificationAttempt {
        let attempt_status = match self.verification.status {
            wire::VerificationStatus::Approved => "confirmed",
            wire::VerificationStatus::Expired => "expired",
            _ => "unconfirmed",
        };
        let number = self.number();
        let number = number.as_ref();
        wire::VerificationAttempt {
            sid: Some(self.sid.to_owned()),
            account_sid: ctx.account_sid(),
            service_sid: Some(self.service_sid().to_owned()),
            verification_sid: Some(self.verification_sid().to_owned()),
            date_created: Some(date_time(self.created())),
            date_updated: Some(date_time(self.updated())),
            conversion_status: match self.converted() {
                true => wire::ConversionStatus::Converted,
                false => wire::ConversionStatus::Unconverted,
            },
            channel: parsed(self.channel()),
            price: Some(wire::AttemptPrice {
                value: Some("0.0".to_owned()),
                currency: Some("usd".to_owned()),
            }),
            channel_data: Some(json!({
                "verification_sid": self.verification_sid(),
                "to": self.to(),
                "status": attempt_status,
                "message_status": "delivered",
                "error_code": null,
                "country": number.and_then(|n| n.country.as_deref()),
                "code_length": self.send.code_length,
                "locale": self.send.locale,
                "mcc": number.and_then(crate::lookup::mobile_country_code),
                "mnc": number.and_then(crate::lookup::mobile_network_code),
                "carrier": number.map(crate::lookup::carrier_name),
            })),
            url: ctx.url(format_args!("/v2/Attempts/{}", self.sid)),
        }
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
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::Entity {
        let url = ctx.url(format_args!(
            "/v2/Services/{}/Entities/{}",
            self.service_sid, self.identity
        ));
        wire::Entity {
            sid: Some(self.sid.clone()),
            identity: Some(self.identity.clone()),
            account_sid: ctx.account_sid(),
            service_sid: Some(self.service_sid.clone()),
            date_created: Some(date_time(self.created)),
            date_updated: Some(date_time(self.updated)),
            links: links(
                &url,
                &[
                    ("factors", "Factors"),
                    ("new_factors", "Factors"),
                    ("challenges", "Challenges"),
                ],
            ),
            url,
        }
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
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::Factor {
        wire::Factor {
            sid: Some(self.sid.clone()),
            account_sid: ctx.account_sid(),
            service_sid: Some(self.service_sid.clone()),
            entity_sid: Some(self.entity_sid.clone()),
            identity: Some(self.identity.clone()),
            date_created: Some(date_time(self.created)),
            date_updated: Some(date_time(self.updated)),
            friendly_name: Some(self.friendly_name.clone()),
            status: match self.verified {
                true => wire::FactorStatus::Verified,
                false => wire::FactorStatus::Unverified,
            },
            factor_type: wire::FactorType::Totp,
            config: Some(wire::FactorConfig::Totp(wire::TotpConfig {
                alg: parsed(&self.alg),
                skew: self.skew.into(),
                code_length: self.code_length.into(),
                time_step: count(self.time_step),
            })),
            metadata: object(&self.metadata),
            url: ctx.url(format_args!(
                "/v2/Services/{}/Entities/{}/Factors/{}",
                self.service_sid, self.identity, self.sid
            )),
        }
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
    /// `{"label", "value"}` objects, from `Details.Fields`.
    pub fields: Vec<Value>,
    pub hidden_details: Value,
    pub metadata: Value,
    pub failed_attempts: u32,
    pub created: i64,
    pub updated: i64,
}

impl Challenge {
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::Challenge {
        let url = ctx.url(format_args!(
            "/v2/Services/{}/Entities/{}/Challenges/{}",
            self.service_sid, self.identity, self.sid
        ));
        wire::Challenge {
            sid: Some(self.sid.clone()),
            account_sid: ctx.account_sid(),
            service_sid: Some(self.service_sid.clone()),
            entity_sid: Some(self.entity_sid.clone()),
            identity: Some(self.identity.clone()),
            factor_sid: Some(self.factor_sid.clone()),
            date_created: Some(date_time(self.created)),
            date_updated: Some(date_time(self.updated)),
            date_responded: self.responded.map(date_time),
            expiration_date: Some(date_time(self.expires)),
            status: parsed(&self.status),
            responded_reason: wire::ChallengeRespondedReason::None,
            details: self.details(),
            hidden_details: object(&self.hidden_details),
            metadata: object(&self.metadata),
            factor_type: wire::FactorType::Totp,
            links: links(&url, &[("notifications", "Notifications")]),
            url,
        }
    }

    /// `details`, `null` unless a message or fields were given; its `date` is the
    /// creation time. A stored field that is not a `{label, value}` pair of
    /// strings (possible only in state files from before requests were checked
    /// for that) has no place in the wire type and is left out.
    pub fn details(&self) -> Option<wire::ChallengeDetails> {
        if self.message.is_none() && self.fields.is_empty() {
            return None;
        }
        Some(wire::ChallengeDetails {
            message: self.message.clone(),
            date: Some(date_time(self.created)),
            fields: (self.fields.iter())
                .filter_map(|f| wire::ChallengeField::deserialize(f).ok())
                .collect(),
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
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::RateLimit {
        let url = ctx.url(format_args!(
            "/v2/Services/{}/RateLimits/{}",
            self.service_sid, self.sid
        ));
        wire::RateLimit {
            sid: Some(self.sid.to_string()),
            service_sid: Some(self.service_sid.to_string()),
            account_sid: ctx.account_sid(),
            unique_name: Some(self.unique_name.clone()),
            description: self.description.clone(),
            date_created: Some(date_time(self.created)),
            date_updated: Some(date_time(self.updated)),
            links: links(&url, &[("buckets", "Buckets")]),
            url,
        }
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
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::Bucket {
        wire::Bucket {
            sid: Some(self.sid.clone()),
            rate_limit_sid: Some(self.rate_limit_sid.clone()),
            service_sid: Some(self.service_sid.clone()),
            account_sid: ctx.account_sid(),
            max: count(self.max),
            interval: count(self.interval),
            date_created: Some(date_time(self.created)),
            date_updated: Some(date_time(self.updated)),
            url: ctx.url(format_args!(
                "/v2/Services/{}/RateLimits/{}/Buckets/{}",
                self.service_sid, self.rate_limit_sid, self.sid
            )),
        }
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
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::MessagingConfiguration {
        wire::MessagingConfiguration {
            account_sid: ctx.account_sid(),
            service_sid: Some(self.service_sid.clone()),
            country: Some(self.country.clone()),
            messaging_service_sid: Some(self.messaging_service_sid.clone()),
            date_created: Some(date_time(self.created)),
            date_updated: Some(date_time(self.updated)),
            url: ctx.url(format_args!(
                "/v2/Services/{}/MessagingConfigurations/{}",
                self.service_sid, self.country
            )),
        }
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
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::Webhook {
        wire::Webhook {
            sid: Some(self.sid.to_string()),
            service_sid: Some(self.service_sid.to_string()),
            account_sid: ctx.account_sid(),
            friendly_name: Some(self.friendly_name.clone()),
            event_types: Some(self.event_types.clone()),
            status: parsed(&self.status),
            version: parsed(&self.version),
            webhook_url: Some(self.webhook_url.clone()),
            webhook_method: wire::WebhookMethod::Post,
            date_created: Some(date_time(self.created)),
            date_updated: Some(date_time(self.updated)),
            url: ctx.url(format_args!(
                "/v2/Services/{}/Webhooks/{}",
                self.service_sid, self.sid
            )),
        }
    }
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct SafeListEntry {
    pub sid: String,
    pub phone_number: String,
}

impl SafeListEntry {
    pub fn wire(&self, ctx: &Ctx<'_>) -> wire::SafeList {
        wire::SafeList {
            sid: Some(self.sid.clone()),
            phone_number: Some(self.phone_number.clone()),
            url: ctx.url(format_args!("/v2/SafeList/Numbers/{}", self.phone_number)),
        }
    }
}

/// A fault rule from `POST /sandbox/faults`; `GET /sandbox/faults` lists them as
/// stored, and [`crate::RunningSandbox::faults`] answers them in this shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fault {
    /// The rule's own id (`FR…`).
    pub sid: String,
    /// Only requests with this method (upper case); `None` = any.
    pub method: Option<String>,
    /// Only requests whose path starts with this.
    pub path_prefix: Option<String>,
    /// Only requests whose `To` (or Lookups number) starts with this.
    pub to_prefix: Option<String>,
    /// The HTTP status it answers; `None` lets the request through late.
    pub status: Option<u16>,
    /// The Twilio error code it answers (default: the status).
    pub code: Option<u32>,
    pub message: Option<String>,
    /// How long it waits before answering. (JavaScript numbers hold these
    /// counts exactly up to 2^53, far beyond what they reach.)
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub latency_ms: u64,
    /// How many more requests it applies to; `None` = every one.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub remaining: Option<u64>,
    /// The chance, 0 to 1, that it fires for a matching request (rules from
    /// before probabilities always fire).
    #[serde(default = "always")]
    pub probability: f64,
    /// Seeds the generator that decides which matching requests it fires for.
    /// Drawn seeds are below 2^53, so a JavaScript number holds them.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub seed: u64,
    /// How many matching requests it has decided on: the generator's position,
    /// kept in the state so a restarted Sandbox carries on the same sequence.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub matched: u64,
    /// Seconds its answer's `Retry-After` header says (a 429 says 1 without it).
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub retry_after: Option<u64>,
}

fn always() -> f64 {
    1.0
}

impl Fault {
    /// Decides whether it fires for the request it matches now, and moves on to
    /// the next draw. Draw `n` depends on the seed and `n` alone, so the same rule
    /// over the same sequence of matching requests fires for the same ones.
    pub(crate) fn draw(&mut self) -> bool {
        let x = splitmix64(self.seed, self.matched);
        self.matched += 1;
        // The top 53 bits as a fraction in [0, 1): every value an f64 holds exactly.
        let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
        unit < self.probability
    }
}

/// Output `n` of SplitMix64 seeded with `seed`: a generator that is a counter
/// (state `seed + (n + 1) * γ`) run through a mixer, so its whole state is the
/// rule's `matched` count. Portable and stable, unlike `rand`'s `StdRng`, whose
/// algorithm may change between versions.
fn splitmix64(seed: u64, n: u64) -> u64 {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut z = seed.wrapping_add(n.wrapping_add(1).wrapping_mul(GAMMA));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A webhook POST waiting to be signed and sent once the state lock is released.
#[derive(Clone, Debug)]
pub(crate) struct WebhookDelivery {
    pub url: String,
    pub params: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // The first outputs of Vigna's splitmix64.c with the state set to 0.
        let expected = [
            0xE220_A839_7B1D_CDAF,
            0x6E78_9E6A_A1B9_65F4,
            0x06C4_5D18_8009_454F,
        ];
        for (n, want) in expected.into_iter().enumerate() {
            assert_eq!(splitmix64(0, n as u64), want, "output {n}");
        }
    }

    fn rule(probability: f64, seed: u64) -> Fault {
        Fault {
            sid: "FR0".into(),
            method: None,
            path_prefix: None,
            to_prefix: None,
            status: Some(503),
            code: None,
            message: None,
            latency_ms: 0,
            remaining: None,
            probability,
            seed,
            matched: 0,
            retry_after: None,
        }
    }

    #[test]
    fn probabilities_zero_and_one_never_and_always_fire() {
        let (mut never, mut always) = (rule(0.0, 7), rule(1.0, 7));
        assert!((0..1000).all(|_| !never.draw() && always.draw()));
        assert_eq!(never.matched, 1000);
    }
}
