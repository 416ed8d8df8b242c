//! The crate's errors: [`SandboxError`] for the embedding program, [`ApiError`] for
//! what goes over the wire as Twilio's error JSON.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Everything that can stop the Sandbox from starting or keeping its state.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listen address could not be bound.
    #[error(
        "cannot listen on {addr}: {source}; pick another address with --listen (port 0 picks a free one)"
    )]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        source: std::io::Error,
    },
    /// Another Sandbox is running on the same state file.
    #[error(
        "the state file {path} is in use by another Sandbox (the app's built-in one, or another twofold-sandbox); stop that one first, or pass another --state"
    )]
    StateInUse {
        /// The state file.
        path: PathBuf,
    },
    /// The state file's lock could not be taken.
    #[error("cannot lock the state file {path}: {source}; check that its folder is writable")]
    StateLock {
        /// The state file.
        path: PathBuf,
        /// Why locking failed.
        source: std::io::Error,
    },
    /// The state file exists but could not be read.
    #[error(
        "cannot read the state file {path}: {source}; check its permissions or pass another --state"
    )]
    StateRead {
        /// The state file.
        path: PathBuf,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// The state file is not one the Sandbox wrote.
    #[error(
        "the state file {path} is not a Sandbox state file ({source}); move it away or pass another --state"
    )]
    StateParse {
        /// The state file.
        path: PathBuf,
        /// What the parser said.
        source: serde_json::Error,
    },
    /// The state could not be saved.
    #[error(
        "cannot write the state file {path}: {source}; check that its folder exists and is writable"
    )]
    StateWrite {
        /// The state file.
        path: PathBuf,
        /// Why writing failed.
        source: std::io::Error,
    },
    /// A configured SID does not have Twilio's shape.
    #[error("{what} {value:?} is not valid: it must be {prefix} followed by 32 hex digits")]
    BadSid {
        /// What the SID is for ("account SID", "API key").
        what: &'static str,
        /// The offending value (never a secret).
        value: String,
        /// The two-letter prefix expected.
        prefix: &'static str,
    },
    /// The seed file could not be used; nothing was seeded.
    #[error(transparent)]
    Seed(#[from] crate::seed::SeedError),
    /// An `--api-key` value without a secret.
    #[error("an API key must be given as SK…:SECRET (the key SID, a colon, then the secret)")]
    ApiKeyFormat,
}

/// A Twilio REST error: rendered as `{code, message, more_info, status}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Twilio error {code} (HTTP {status}): {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Twilio's error code.
    pub code: u32,
    /// Twilio-style message.
    pub message: String,
    /// Seconds for the `Retry-After` header on 429s.
    pub retry_after: Option<u64>,
    /// For the `Twilio-Reached-Rate-Limit` header: which limit a send hit.
    pub reached_rate_limit: Option<String>,
}

impl ApiError {
    /// An error with the given HTTP status, Twilio code and message.
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            reached_rate_limit: None,
        }
    }

    /// A 429 that nothing but removing the rule behind it frees (a test number's,
    /// a fault rule's): `Retry-After: 1` tells a client to back off, not when.
    /// Final limits (60202, 60308, 60310) carry none: waiting does not lift them.
    pub fn back_off(mut self) -> Self {
        if self.status == 429 && self.retry_after.is_none() {
            self.retry_after = Some(1);
        }
        self
    }

    /// 20404: the resource does not exist (or no longer does).
    pub fn not_found(path: &str) -> Self {
        Self::new(
            404,
            20404,
            format!("The requested resource {path} was not found"),
        )
    }

    /// A send refused by a limit: `Retry-After` says when it frees (at least
    /// a second), `Twilio-Reached-Rate-Limit` names it, as the spec declares
    /// for a 429 to `POST /Verifications`.
    pub fn rate_limited(mut self, limit: &str, frees_in_secs: i64) -> Self {
        self.retry_after = Some(u64::try_from(frees_in_secs).unwrap_or(0).max(1));
        self.reached_rate_limit = Some(limit.to_owned());
        self
    }

    /// 60200: a parameter has a bad value or is missing.
    pub fn invalid(param: &str) -> Self {
        Self::new(400, 60200, format!("Invalid parameter: {param}"))
    }

    /// 60200 with an explanation of what is wrong with the parameter.
    pub fn invalid_because(param: &str, why: &str) -> Self {
        Self::new(400, 60200, format!("Invalid parameter `{param}`: {why}"))
    }

    /// The JSON body Twilio sends with an error: the shared wire type the
    /// client reads.
    pub fn body(&self) -> twofold_twilio::ApiErrorBody {
        twofold_twilio::ApiErrorBody::new(self.code, self.status, self.message.clone())
    }
}

/// A Twilio error as its docs define it: code, HTTP status and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Known {
    pub code: u32,
    pub status: u16,
    pub message: &'static str,
}

impl From<Known> for ApiError {
    fn from(known: Known) -> Self {
        ApiError::new(known.status, known.code, known.message)
    }
}

/// 20429: a programmable rate limit's bucket is full.
pub(crate) const TOO_MANY_REQUESTS: Known = Known {
    code: 20429,
    status: 429,
    message: "Too many requests",
};
/// 60203: a sixth send for one verification.
pub(crate) const MAX_SENDS_REACHED: Known = Known {
    code: 60203,
    status: 429,
    message: "Max send attempts reached",
};
/// 60205: SMS to a landline on a service that skips them.
pub(crate) const LANDLINE: Known = Known {
    code: 60205,
    status: 403,
    message: "SMS is not supported by landline phone number",
};

/// The errors a send can end in that a test number may answer, each with the
/// HTTP status Twilio documents. 60410's page states no status; the Sandbox
/// answers 403 as for 60605, Twilio's other blocked delivery.
const SEND_ERRORS: [Known; 7] = [
    TOO_MANY_REQUESTS,
    Known {
        code: 60200,
        status: 400,
        message: "Invalid parameter: To",
    },
    MAX_SENDS_REACHED,
    LANDLINE,
    Known {
        code: 60212,
        status: 429,
        message: "Too many concurrent requests for phone number",
    },
    Known {
        code: 60410,
        status: 403,
        message: "Verification delivery attempt blocked (Fraud Guard)",
    },
    Known {
        code: 60605,
        status: 403,
        message: "Verification delivery attempt blocked (Geo permissions)",
    },
];

/// The error a send answers when it ends in Twilio error `code`, or, for a code
/// whose HTTP status the Sandbox does not know, a 400 listing the ones it does.
pub(crate) fn send_error(code: u32) -> Result<ApiError, ApiError> {
    match SEND_ERRORS.iter().find(|known| known.code == code) {
        Some(known) => Ok(ApiError::from(*known).back_off()),
        None => {
            let supported: Vec<String> = SEND_ERRORS.iter().map(|k| k.code.to_string()).collect();
            Err(ApiError::invalid_because(
                "ErrorCode",
                &format!(
                    "the Sandbox does not know the HTTP status of error {code}; use one of {} (a fault rule with Status and Code can answer any other)",
                    supported.join(", ")
                ),
            ))
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = crate::http::json_response(status, &self.body());
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(limit) = self
            .reached_rate_limit
            .as_deref()
            .and_then(|limit| HeaderValue::from_str(limit).ok())
        {
            response
                .headers_mut()
                .insert("twilio-reached-rate-limit", limit);
        }
        // For layers that answer an error in an API's own terms (60306).
        response.extensions_mut().insert(self);
        response
    }
}
