//! Verify's TOTP flow from both halves: enrol a factor, keep it in the vault
//! as an account linked to it, and verify it or answer its challenges with
//! the code that account makes. The app's Factors room and
//! `twofold-cli factors` share these.

use twofold_authenticator::{Account, FactorLink, OtpAuth, Vault};
use twofold_twilio::{FactorBinding, NewFactor};

use crate::ConsoleError;

/// Where a factor lives: the profile, service and entity that hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactorPlace<'a> {
    /// The profile's name.
    pub profile: &'a str,
    /// The Verify Service (`VA…`).
    pub service_sid: &'a str,
    /// The entity's identity.
    pub identity: &'a str,
}

/// An identity as Twilio requires it: 8 to 64 characters, groups of letters
/// and digits joined by single dashes, e.g. a UUID. `Err` says the rule.
pub fn check_identity(identity: &str) -> Result<(), String> {
    let fine = (8..=64).contains(&identity.len())
        && identity
            .split('-')
            .all(|group| !group.is_empty() && group.chars().all(|c| c.is_ascii_alphanumeric()));
    if fine {
        Ok(())
    } else {
        Err("an identity is 8 to 64 letters and digits, in groups joined by single dashes, such as a UUID; never personal data like an email".to_owned())
    }
}

/// The authenticator account for a factor just created: its binding's URI
/// read by the authenticator's own otpauth parser, linked to the factor.
pub fn factor_account(
    created: &NewFactor,
    place: &FactorPlace<'_>,
    now: u64,
) -> Result<Account, ConsoleError> {
    let Some(FactorBinding::Totp { uri, .. }) = &created.binding else {
        return Err(ConsoleError::NoBinding);
    };
    let otp = OtpAuth::parse(uri).map_err(|error| ConsoleError::Binding {
        reason: error.to_string(),
    })?;
    let mut account = Account::new(otp, now);
    account.factor = Some(FactorLink {
        profile: place.profile.to_owned(),
        service_sid: place.service_sid.to_owned(),
        identity: place.identity.to_owned(),
        factor_sid: created.factor.sid.clone().unwrap_or_default(),
        deleted_at: None,
    });
    Ok(account)
}

/// The code the account linked to `factor_sid` shows at `now`.
pub fn linked_code(vault: &Vault, factor_sid: &str, now: u64) -> Result<String, ConsoleError> {
    vault
        .factor_account(factor_sid)
        .map(|account| account.otp.code_at(now))
        .ok_or_else(|| ConsoleError::NoLinkedAccount {
            factor_sid: factor_sid.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_follow_twilios_rule() {
        assert!(check_identity("ff483d1f-f4be-4a10-9ce5-2f4b5bc1a5c3").is_ok());
        assert!(check_identity("qa-user-0001").is_ok());
        assert!(check_identity("short").is_err());
        assert!(check_identity("ada@example.com").is_err());
        assert!(check_identity(&"a".repeat(65)).is_err());
        assert!(check_identity("--------").is_err());
        assert!(check_identity("-qa-user-01").is_err());
        assert!(check_identity("qa--user-01").is_err());
    }
}
