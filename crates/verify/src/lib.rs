//! # twofold-verify
//!
//! A typed async client for Twilio **Verify v2** and **Lookups v2**, for every
//! operation Twofold's Sandbox serves: Verify Services, verifications (send,
//! check, fetch, approve, cancel), delivery attempts, entities, TOTP factors,
//! challenges, rate limits and buckets, messaging configurations, webhooks,
//! the safe list, and phone-number lookups. Answers decode into the wire
//! types of `twofold-twilio`, the same ones the Sandbox serves.
//!
//! ```no_run
//! # async fn demo() -> Result<(), twofold_verify::Error> {
//! use secrecy::SecretString;
//! use twofold_verify::{Client, Credentials, Endpoint, NewVerification};
//!
//! let credentials = Credentials::auth_token("AC…", SecretString::from("token"));
//! let client = Client::new(credentials, Endpoint::base_url("http://127.0.0.1:7722")?)?;
//! let sent = client
//!     .send_verification("VA…", &NewVerification {
//!         to: "+14155550100".into(),
//!         channel: "sms".into(),
//!         ..NewVerification::default()
//!     })
//!     .await?;
//! println!("{:?}", sent.status);
//! # Ok(()) }
//! ```
//!
//! - **Credentials**: an Auth Token or an API key, held in `secrecy` types and
//!   never printed ([`Credentials`]).
//! - **Endpoint**: Twilio's hosts with region and edge mapped as the official
//!   SDKs map them, or one base URL for both products ([`Endpoint`]).
//! - **Errors**: one enum ([`Error`]); Twilio's own keep status, code, message
//!   and `more_info`, with a plain fix for the common codes ([`TwilioError::fix`]).
//! - **Timeouts and retries**: 5 s to connect, 15 s a request. Reads, deletes
//!   and updates that set a value are retried with jittered backoff on 429,
//!   5xx and connection errors, waiting out `Retry-After`; sends, checks and
//!   other creations are sent exactly once. Lists follow `next_page_url`.
//!   Requests carry `User-Agent: twofold/VERSION`.

mod client;
mod credentials;
mod endpoint;
mod error;
mod factors;
mod lookups;
mod resources;
mod verify;

pub use client::{Client, RetryPolicy};
pub use credentials::Credentials;
pub use endpoint::{Domain, Endpoint};
pub use error::{Error, TwilioError};
pub use factors::NewTotpFactor;
pub use verify::{AttemptFilter, Closing, CodeCheck, NewVerification, ServiceSettings};

/// A path segment, percent-encoded but for what Twilio's paths carry as is
/// (`+` in phone numbers stays, as the official SDKs send it).
fn segment(text: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'+')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'@')
        .remove(b'~');
    utf8_percent_encode(text, KEEP).to_string()
}
