//! The JSON that Twilio Verify v2 and Lookups v2 send back, declared once.
//!
//! The Sandbox (`twofold-sandbox`) serializes these types to answer like Twilio,
//! and the typed client (`twofold-verify`) deserializes them from Twilio or from
//! the Sandbox, so the two cannot drift apart. Every struct has all the
//! snake_case fields of its schema in Twilio's official OpenAPI description
//! (`twilio_verify_v2.json`, `twilio_lookups_v2.json` from `twilio/twilio-oai`).
//! A field the schema marks nullable is an `Option` written as `null`, never
//! left out; the exception is `url`, a plain `String` since every resource has
//! one. Fields Twilio added after the pinned spec ([`Service::passkeys`],
//! [`NewFactor::options`]) are written back as they came: missing, `null` or set.
//! `tests/spec_examples.rs` decodes every response example in those two
//! files into these types and checks that writing it back gives the same JSON.
//!
//! # Resources
//!
//! Verify: [`Service`], [`Verification`], [`VerificationCheck`],
//! [`VerificationAttempt`], [`VerificationAttemptsSummary`], [`Entity`],
//! [`Factor`], [`NewFactor`] (the create response, with its one-time
//! [`FactorBinding`]), [`Challenge`], [`RateLimit`], [`Bucket`],
//! [`MessagingConfiguration`], [`Webhook`], [`SafeList`]. Lookups:
//! [`PhoneNumber`]. Lists come as [`Page<T>`] with its [`Meta`]; failures as
//! [`ApiErrorBody`].
//!
//! # Date-times
//!
//! Twilio writes `YYYY-MM-DDTHH:MM:SSZ`: UTC, whole seconds, a literal `Z`
//! (e.g. `2015-07-30T20:00:00Z`); twilio-python cannot parse anything else.
//! Date-time fields are [`time::OffsetDateTime`] (de)serialized through
//! [`twilio_time`], which always writes exactly that form (converting to UTC and
//! dropping fractions) and reads it, or any RFC 3339 date-time, fractional
//! seconds and offsets included.
//!
//! # Enumerations
//!
//! Statuses, channels, factor types and the like are enums whose variants
//! serialize to exactly the spec's strings. Twilio adds values over time
//! (`rcs`, `passkeys`), so every enum also has an `Other(String)` variant:
//! a value this crate does not know decodes into it, keeping the string, and is
//! written back unchanged. Match on the known variants and treat `Other` as
//! "newer than this crate". Each enum also offers `as_str` and parses from a
//! string with [`str::parse`] (never failing).
//!
//! # Free-form objects
//!
//! Objects the caller fills in (`metadata`, `hidden_details`), or whose keys
//! differ by channel or disagree between the spec's schema and its examples
//! (`lookup`, `channel_data`, Lookups' `call_forwarding`, `identity_match`,
//! `phone_number_quality_score`, `pre_fill`), stay [`serde_json::Value`] so that
//! nothing is lost; the others are typed.

mod enums;
mod error;
mod lookups;
mod page;
pub mod twilio_time;
mod verify;

pub use enums::{
    AttemptChannel, ChallengeRespondedReason, ChallengeStatus, Channel, ConversionStatus,
    FactorStatus, FactorType, LineType, NotificationPlatform, PhoneValidationError, TotpAlgorithm,
    VerificationStatus, WebhookMethod, WebhookStatus, WebhookVersion,
};
pub use error::ApiErrorBody;
pub use lookups::{
    CallerName, LastSimSwap, LineStatus, LineTypeIntelligence, PhoneNumber, ReassignedNumber,
    SimSwap, SmsPumpingRisk,
};
pub use page::{Meta, Page};
pub use verify::{
    AttemptPrice, Bucket, Challenge, ChallengeDetails, ChallengeField, Entity, Factor,
    FactorBinding, FactorConfig, Links, MessagingConfiguration, NewFactor, PushConfig, RateLimit,
    SafeList, SendCodeAttempt, Service, ServicePush, ServiceTotp, ServiceWhatsapp, Sna,
    SnaAttemptError, TotpConfig, Verification, VerificationAttempt, VerificationAttemptsSummary,
    VerificationCheck, Webhook,
};
