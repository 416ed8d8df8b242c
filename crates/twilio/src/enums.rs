//! The string enumerations of both APIs, each with an `Other` for values added later.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares an enum of wire strings plus `Other(String)`, with `as_str`,
/// `Display`, `FromStr` and serde impls that use exactly those strings.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know yet, kept as Twilio wrote it.
            Other(String),
        }

        impl $name {
            /// The string Twilio uses for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(other) => other,
                }
            }
        }

        impl FromStr for $name {
            type Err = Infallible;

            fn from_str(text: &str) -> Result<Self, Infallible> {
                Ok(match text {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let Ok(value) = String::deserialize(deserializer)?.parse();
                Ok(value)
            }
        }
    };
}

wire_enum! {
    /// Where a Verification stands (`status`; a plain string in the spec, values from Twilio's docs).
    VerificationStatus {
        /// Sent, waiting for the code.
        Pending = "pending",
        /// The right code was checked, or the verification was approved out of band.
        Approved = "approved",
        /// Canceled through the API.
        Canceled = "canceled",
        /// Too many wrong checks.
        MaxAttemptsReached = "max_attempts_reached",
        /// Deleted.
        Deleted = "deleted",
        /// Delivery failed.
        Failed = "failed",
        /// Not checked in time.
        Expired = "expired",
    }
}

wire_enum! {
    /// How a Verification's code is delivered (`channel` of a Verification or VerificationCheck).
    ///
    /// The response enum has `sms`, `call`, `email`, `whatsapp`, `sna`; requests may
    /// also ask for `auto` (answered with the channel actually used) and Twilio's
    /// docs add `rcs`.
    Channel {
        /// Text message.
        Sms = "sms",
        /// Voice call reading the code.
        Call = "call",
        /// Email.
        Email = "email",
        /// WhatsApp message.
        Whatsapp = "whatsapp",
        /// Silent Network Authentication.
        Sna = "sna",
        /// Let Twilio choose (SNA, falling back to SMS); a request value.
        Auto = "auto",
        /// RCS message (Twilio's docs; not in the pinned spec).
        Rcs = "rcs",
    }
}

wire_enum! {
    /// The channel of a Verification Attempt (`verification_attempt_enum_channels`).
    AttemptChannel {
        /// Text message.
        Sms = "sms",
        /// Voice call.
        Call = "call",
        /// Email.
        Email = "email",
        /// WhatsApp message.
        Whatsapp = "whatsapp",
        /// RCS Business Messaging.
        Rbm = "rbm",
    }
}

wire_enum! {
    /// Whether an attempt's verification was completed (`verification_attempt_enum_conversion_status`).
    ConversionStatus {
        /// The user gave the right code.
        Converted = "converted",
        /// Not (yet) completed.
        Unconverted = "unconverted",
    }
}

wire_enum! {
    /// Whether a Factor has been verified (`factor_enum_factor_statuses`).
    FactorStatus {
        /// Created, not yet proven with a code or signature.
        Unverified = "unverified",
        /// Proven; can answer Challenges.
        Verified = "verified",
    }
}

wire_enum! {
    /// The kind of a Factor (`factor_enum_factor_types`; `passkeys` is in newer specs).
    FactorType {
        /// Push notifications to an app holding a key pair.
        Push = "push",
        /// Time-based one-time passwords.
        Totp = "totp",
        /// WebAuthn passkeys.
        Passkeys = "passkeys",
    }
}

wire_enum! {
    /// Where a push Factor's notifications go (`factor_enum_notification_platforms`).
    NotificationPlatform {
        /// Apple Push Notification service.
        Apn = "apn",
        /// Firebase Cloud Messaging.
        Fcm = "fcm",
        /// No notifications; the app polls.
        None = "none",
    }
}

wire_enum! {
    /// The HMAC hash of a TOTP Factor (`factor_enum_totp_algorithms`).
    TotpAlgorithm {
        /// HMAC-SHA1, the authenticator-app default.
        Sha1 = "sha1",
        /// HMAC-SHA256.
        Sha256 = "sha256",
        /// HMAC-SHA512.
        Sha512 = "sha512",
    }
}

wire_enum! {
    /// Where a Challenge stands (`challenge_enum_challenge_statuses`).
    ChallengeStatus {
        /// Waiting for an answer.
        Pending = "pending",
        /// Not answered in time.
        Expired = "expired",
        /// Answered correctly.
        Approved = "approved",
        /// Denied by the user.
        Denied = "denied",
    }
}

wire_enum! {
    /// Why a Challenge was answered the way it was (`challenge_enum_challenge_reasons`).
    ChallengeRespondedReason {
        /// No particular reason.
        None = "none",
        /// Not needed.
        NotNeeded = "not_needed",
        /// Not requested by the user.
        NotRequested = "not_requested",
    }
}

wire_enum! {
    /// Whether a Webhook is delivered (`webhook_enum_status`).
    WebhookStatus {
        /// Events are sent.
        Enabled = "enabled",
        /// Events are not sent.
        Disabled = "disabled",
    }
}

wire_enum! {
    /// The payload version of a Webhook (`webhook_enum_version`).
    WebhookVersion {
        /// The first payload format.
        V1 = "v1",
        /// The current payload format.
        V2 = "v2",
    }
}

wire_enum! {
    /// The HTTP method a Webhook is called with (`webhook_enum_methods`).
    WebhookMethod {
        /// `GET`.
        Get = "GET",
        /// `POST`.
        Post = "POST",
    }
}

wire_enum! {
    /// Why Lookups finds a number invalid (`phone_number_enum_validation_error`).
    PhoneValidationError {
        /// Too few digits.
        TooShort = "TOO_SHORT",
        /// Too many digits.
        TooLong = "TOO_LONG",
        /// A plausible length, but not a valid number.
        InvalidButPossible = "INVALID_BUT_POSSIBLE",
        /// No such country calling code.
        InvalidCountryCode = "INVALID_COUNTRY_CODE",
        /// A length no number of that region has.
        InvalidLength = "INVALID_LENGTH",
        /// Not a phone number at all.
        NotANumber = "NOT_A_NUMBER",
    }
}

wire_enum! {
    /// A number's line type in Lookups' `line_type_intelligence.type` (the spec's
    /// Overrides `line_type` enum, which its examples use; `unknown` is a real value).
    LineType {
        /// Mobile.
        Mobile = "mobile",
        /// Fixed line.
        Landline = "landline",
        /// Toll-free.
        TollFree = "tollFree",
        /// VoIP tied to an address.
        FixedVoip = "fixedVoip",
        /// VoIP not tied to an address.
        NonFixedVoip = "nonFixedVoip",
        /// Personal number.
        Personal = "personal",
        /// Premium rate.
        Premium = "premium",
        /// Voicemail only.
        Voicemail = "voicemail",
        /// Shared cost.
        SharedCost = "sharedCost",
        /// Universal access number.
        Uan = "uan",
        /// Pager.
        Pager = "pager",
        /// The carrier does not say.
        Unknown = "unknown",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn known_values_use_the_spec_strings() {
        assert_eq!(
            serde_json::to_string(&VerificationStatus::MaxAttemptsReached).unwrap(),
            r#""max_attempts_reached""#
        );
        assert_eq!(
            serde_json::from_str::<LineType>(r#""nonFixedVoip""#).unwrap(),
            LineType::NonFixedVoip
        );
        assert_eq!(WebhookMethod::Post.to_string(), "POST");
        assert_eq!("rcs".parse::<Channel>(), Ok(Channel::Rcs));
    }

    #[test]
    fn an_unknown_value_decodes_and_writes_back_unchanged() {
        let status: ChallengeStatus = serde_json::from_str(r#""escalated""#).unwrap();
        assert_eq!(status, ChallengeStatus::Other("escalated".into()));
        assert_eq!(serde_json::to_string(&status).unwrap(), r#""escalated""#);
        assert!(serde_json::from_str::<ChallengeStatus>("3").is_err());
    }
}
