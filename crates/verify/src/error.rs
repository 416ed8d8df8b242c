//! The client's one error type. A Twilio error keeps everything Twilio said
//! (HTTP status, code, message, `more_info`) and adds a plain fix for the
//! codes people meet most; transport, timeout and decode failures each say
//! which they are.

use std::fmt;

/// An error answer from Twilio (or the Sandbox): its JSON error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwilioError {
    /// The HTTP status.
    pub status: u16,
    /// Twilio's error code, e.g. 60202.
    pub code: u32,
    /// Twilio's message.
    pub message: String,
    /// Twilio's page about the code.
    pub more_info: String,
}

impl TwilioError {
    /// What to do about it, in plain words, for the codes people meet most.
    pub fn fix(&self) -> Option<&'static str> {
        Some(match self.code {
            20003 => {
                "the Account SID and Auth Token (or API key and secret) do not match: copy them again from the Twilio Console, or pick another profile"
            }
            20404 => {
                "it does not exist (any more): a verification is removed once approved, expired or out of checks, so send a new one; check the SID and the Verify Service"
            }
            20429 => "too many requests at once: wait a moment and try again",
            60200 => {
                "a parameter is invalid (the message names it): phone numbers need E.164, like +14155552671"
            }
            60202 => {
                "five wrong codes were checked, so this verification is closed: send a new one"
            }
            60203 => {
                "five codes were sent without one being checked: wait 10 minutes, or cancel or approve the pending verification, then send again"
            }
            60204 => {
                "the Verify Service does not allow this (e.g. custom codes): enable the feature on the service, or ask Twilio Support to"
            }
            60205 => "that number is a landline, which cannot get SMS: use the call channel",
            60206 => {
                "this service uses PSD2: give the Amount and the Payee, and repeat both when checking"
            }
            60212 => {
                "too many requests for this phone number at the same time: wait for the last one to finish, then retry"
            }
            60217 => {
                "the service has no email integration: set one up (Verify → Email Integration in the Console) before sending email"
            }
            60223 => {
                "this channel is turned off for the Verify Service: enable it on the service or pick another channel"
            }
            60306 => {
                "the request is invalid (the message says which field): check the identity, the SID and the code"
            }
            60308 => "five wrong codes were given for this challenge: create a new challenge",
            60310 => {
                "five wrong codes were given for this factor: check the device's clock and the factor's algorithm, digits and time step, then create a new factor"
            }
            60318 => {
                "the factor is not verified yet: verify it with a code from its authenticator first"
            }
            60322 => "this challenge was already answered: create a new one",
            60323 => "this challenge has expired (5 minutes by default): create a new one",
            60390..=60392 => {
                "it does not exist: check the identity and the SID (an entity also comes into being with its first factor)"
            }
            60410 => {
                "Fraud Guard blocked this destination prefix for 12 hours: try later, or ask Twilio Support to review it"
            }
            60605 => {
                "Verify's geo permissions block this country: allow it under Verify → Settings → Geo permissions in the Console"
            }
            _ => return None,
        })
    }
}

impl fmt::Display for TwilioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Twilio error {}: {}", self.code, self.message)?;
        if !self.message.ends_with('.') {
            f.write_str(".")?;
        }
        if let Some(fix) = self.fix() {
            write!(f, " Fix: {fix}.")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong talking to Twilio.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Twilio answered with an error.
    #[error("{0}")]
    Twilio(TwilioError),
    /// An error status without Twilio's error body (a proxy, a gateway).
    #[error(
        "{url} answered HTTP {status} without a Twilio error: {snippet}; check the base URL or proxy"
    )]
    Http {
        /// The request URL (no credentials).
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        snippet: String,
    },
    /// No answer in time.
    #[error("timeout: {url} did not answer within {seconds} s; check the network and try again")]
    Timeout {
        /// The request URL.
        url: String,
        /// The limit that was reached.
        seconds: u64,
    },
    /// The connection could not be made.
    #[error("cannot connect to {url}: {reason}; check the network, the base URL or proxy")]
    Connect {
        /// The request URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The request failed on the way.
    #[error("transport error talking to {url}: {reason}")]
    Transport {
        /// The request URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The answer was not the JSON expected.
    #[error("cannot decode the answer of {url}: {reason}")]
    Decode {
        /// The request URL.
        url: String,
        /// What the decoder said.
        reason: String,
    },
    /// A base URL that cannot be used.
    #[error("base URL {url:?} cannot be used: {reason}")]
    BaseUrl {
        /// What was given.
        url: String,
        /// Why not.
        reason: String,
    },
}

impl Error {
    /// The Twilio error, when Twilio answered with one.
    pub fn twilio(&self) -> Option<&TwilioError> {
        match self {
            Error::Twilio(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_twilio_error_says_code_message_and_fix() {
        let error = Error::Twilio(TwilioError {
            status: 429,
            code: 60202,
            message: "Max check attempts reached".to_owned(),
            more_info: "https://www.twilio.com/docs/errors/60202".to_owned(),
        });
        assert_eq!(
            error.to_string(),
            "Twilio error 60202: Max check attempts reached. Fix: five wrong codes were checked, so this verification is closed: send a new one."
        );
        let unknown = TwilioError {
            status: 400,
            code: 12345,
            message: "Odd.".to_owned(),
            more_info: String::new(),
        };
        assert_eq!(unknown.to_string(), "Twilio error 12345: Odd.");
    }

    #[test]
    fn every_code_the_issue_names_has_a_fix() {
        for code in [
            20003, 20404, 20429, 60200, 60202, 60203, 60204, 60205, 60206, 60212, 60217, 60223,
            60306, 60308, 60310, 60318, 60322, 60323, 60392, 60410, 60605,
        ] {
            let error = TwilioError {
                status: 400,
                code,
                message: String::new(),
                more_info: String::new(),
            };
            assert!(error.fix().is_some(), "{code} has no fix");
        }
    }
}
