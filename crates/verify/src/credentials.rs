//! Who the client is to Twilio: an Account SID with its Auth Token, or an API
//! key and its secret acting for an account. The secrets are `secrecy` types:
//! never printed by `Debug`, wiped when dropped, read only to build the
//! `Authorization` header.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// The Account SID and the secret that authenticates requests for it.
#[derive(Clone)]
pub struct Credentials {
    account_sid: String,
    auth: Auth,
}

#[derive(Clone)]
enum Auth {
    AuthToken(SecretString),
    ApiKey { sid: String, secret: SecretString },
}

impl Credentials {
    /// The account's own Auth Token.
    pub fn auth_token(account_sid: impl Into<String>, token: SecretString) -> Credentials {
        Credentials {
            account_sid: account_sid.into(),
            auth: Auth::AuthToken(token),
        }
    }

    /// An API key (`SK…`) and its secret, acting for `account_sid`.
    pub fn api_key(
        account_sid: impl Into<String>,
        key_sid: impl Into<String>,
        secret: SecretString,
    ) -> Credentials {
        Credentials {
            account_sid: account_sid.into(),
            auth: Auth::ApiKey {
                sid: key_sid.into(),
                secret,
            },
        }
    }

    /// The account the requests act for (`AC…`).
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    /// The HTTP Basic user name and password.
    pub(crate) fn basic(&self) -> (&str, &str) {
        match &self.auth {
            Auth::AuthToken(token) => (&self.account_sid, token.expose_secret()),
            Auth::ApiKey { sid, secret } => (sid, secret.expose_secret()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.auth {
            Auth::AuthToken(_) => "auth token",
            Auth::ApiKey { .. } => "api key",
        };
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .field("auth", &format_args!("{kind} (redacted)"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let token = Credentials::auth_token("AC1", SecretString::from("tok-123-secret"));
        let key = Credentials::api_key("AC1", "SK1", SecretString::from("key-456-secret"));
        for shown in [format!("{token:?}"), format!("{key:?}")] {
            assert!(!shown.contains("secret"), "{shown}");
            assert!(shown.contains("AC1"), "{shown}");
        }
        assert_eq!(key.basic(), ("SK1", "key-456-secret"));
    }
}
