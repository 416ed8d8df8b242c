//! HTTP Basic auth as Twilio does it: the Account SID with its Auth Token, or an API
//! key SID (`SK…`) with its secret.

use std::fmt;

use base64::Engine;

use crate::error::{ApiError, SandboxError};
use crate::sid::is_sid;

/// The credentials the Sandbox accepts. Debug output never shows a secret.
#[derive(Clone)]
pub struct Credentials {
    account_sid: String,
    auth_token: String,
    api_keys: Vec<(String, String)>,
    /// `Basic base64(sid:token)` as the SDKs send it: the header every request is
    /// first compared with, before any decoding.
    account_header: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self.api_keys.iter().map(|(sid, _)| sid.as_str()).collect();
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"<redacted>")
            .field("api_keys", &keys)
            .finish()
    }
}

impl Credentials {
    /// An account SID (`AC` + 32 hex) and its auth token.
    pub fn new(
        account_sid: impl Into<String>,
        auth_token: impl Into<String>,
    ) -> Result<Self, SandboxError> {
        let account_sid = account_sid.into();
        if !is_sid(&account_sid, "AC") {
            return Err(SandboxError::BadSid {
                what: "account SID",
                value: account_sid,
                prefix: "AC",
            });
        }
        let auth_token = auth_token.into();
        let account_header = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{account_sid}:{auth_token}"))
        );
        Ok(Credentials {
            account_sid,
            auth_token,
            api_keys: Vec::new(),
            account_header,
        })
    }

    /// Also accepts the API key given as `SK…:SECRET`.
    pub fn with_api_key(mut self, key: &str) -> Result<Self, SandboxError> {
        let (sid, secret) = key.split_once(':').ok_or(SandboxError::ApiKeyFormat)?;
        if !is_sid(sid, "SK") {
            return Err(SandboxError::BadSid {
                what: "API key",
                value: sid.to_owned(),
                prefix: "SK",
            });
        }
        if secret.is_empty() {
            return Err(SandboxError::ApiKeyFormat);
        }
        self.api_keys.push((sid.to_owned(), secret.to_owned()));
        Ok(self)
    }

    /// The account every resource belongs to.
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    /// The auth token, which also signs webhooks.
    pub fn auth_token(&self) -> &str {
        &self.auth_token
    }

    /// Checks an `Authorization` header; 20003 (HTTP 401) unless it names a known pair.
    pub(crate) fn check(&self, header: Option<&str>) -> Result<(), ApiError> {
        if header == Some(self.account_header.as_str()) {
            return Ok(());
        }
        let decoded = header
            .and_then(|h| h.strip_prefix("Basic "))
            .and_then(|b64| {
                base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .ok()
            })
            .and_then(|bytes| String::from_utf8(bytes).ok());
        let ok = decoded
            .as_deref()
            .and_then(|d| d.split_once(':'))
            .is_some_and(|(user, pass)| {
                (user == self.account_sid && pass == self.auth_token)
                    || self
                        .api_keys
                        .iter()
                        .any(|(sid, secret)| sid == user && secret == pass)
            });
        if ok {
            Ok(())
        } else {
            Err(ApiError::new(401, 20003, "Authenticate"))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const SANDBOX_ACCOUNT: &str = "AC00000000000000000000000000000000";
    const SANDBOX_KEY: &str = "SK00000000000000000000000000000001";

    fn basic(user: &str, pass: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
        )
    }

    #[test]
    fn accepts_token_and_api_key_and_nothing_else() {
        let creds = Credentials::new(SANDBOX_ACCOUNT, "tok")
            .unwrap()
            .with_api_key(&format!("{SANDBOX_KEY}:sec"))
            .unwrap();
        assert!(creds.check(Some(&basic(SANDBOX_ACCOUNT, "tok"))).is_ok());
        assert!(creds.check(Some(&basic(SANDBOX_KEY, "sec"))).is_ok());
        let err = creds
            .check(Some(&basic(SANDBOX_ACCOUNT, "nope")))
            .unwrap_err();
        assert_eq!((err.status, err.code), (401, 20003));
        assert!(creds.check(None).is_err());
        assert!(creds.check(Some(&basic(SANDBOX_KEY, "tok"))).is_err());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let creds = Credentials::new(SANDBOX_ACCOUNT, "sekrit-token")
            .unwrap()
            .with_api_key(&format!("{SANDBOX_KEY}:sekrit-key"))
            .unwrap();
        let shown = format!("{creds:?}");
        assert!(!shown.contains("sekrit"), "{shown}");
        assert!(shown.contains(SANDBOX_KEY));
    }

    #[test]
    fn rejects_malformed_sids() {
        assert!(Credentials::new("AC123", "t").is_err());
        let creds = Credentials::new(SANDBOX_ACCOUNT, "t").unwrap();
        assert!(
            creds
                .clone()
                .with_api_key("SK00000000000000000000000000000001")
                .is_err()
        );
        assert!(
            creds
                .with_api_key("XX00000000000000000000000000000001:s")
                .is_err()
        );
    }
}
