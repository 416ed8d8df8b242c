//! The OS keyring slot's store: one entry per vault holding its
//! key-encryption key, read once per unlock.

use zeroize::Zeroizing;

use super::crypto::{KEY_LEN, Key};

/// The keyring entries' service name.
pub(crate) const SERVICE: &str = "Twofold";

/// The entry's user name for a vault.
pub(crate) fn user_for(vault_id: &str) -> String {
    format!("vault {vault_id}")
}

/// What went wrong with the OS keyring, without any secret in it.
#[derive(Debug)]
pub(crate) enum KeyringError {
    /// No keyring service answers (no D-Bus session or no Secret Service).
    Unavailable(String),
    /// The keyring exists but refuses access (locked, or access denied).
    Locked(String),
    /// No entry under this service and user.
    Missing,
    /// The entry holds something that is not a key.
    Garbled,
}

impl From<keyring::Error> for KeyringError {
    fn from(error: keyring::Error) -> KeyringError {
        match error {
            keyring::Error::NoEntry => KeyringError::Missing,
            keyring::Error::NoStorageAccess(cause) => KeyringError::Locked(cause.to_string()),
            keyring::Error::PlatformFailure(cause) => KeyringError::Unavailable(cause.to_string()),
            // BadEncoding carries the stored bytes: never format it.
            keyring::Error::BadEncoding(_) => KeyringError::Garbled,
            other => KeyringError::Unavailable(other.to_string()),
        }
    }
}

pub(crate) fn store(service: &str, user: &str, kek: &Key) -> Result<(), KeyringError> {
    let text = Zeroizing::new(hex::encode(kek.as_ref()));
    keyring::Entry::new(service, user)?.set_password(&text)?;
    Ok(())
}

pub(crate) fn load(service: &str, user: &str) -> Result<Key, KeyringError> {
    let text = Zeroizing::new(keyring::Entry::new(service, user)?.get_password()?);
    let mut key = Zeroizing::new([0; KEY_LEN]);
    hex::decode_to_slice(text.as_bytes(), key.as_mut()).map_err(|_| KeyringError::Garbled)?;
    Ok(key)
}

/// Removes the entry; one already gone is fine.
pub(crate) fn delete(service: &str, user: &str) -> Result<(), KeyringError> {
    match keyring::Entry::new(service, user)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(error) => Err(error.into()),
    }
}
