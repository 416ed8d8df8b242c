//! Helpers shared by the vault tests.
#![allow(dead_code, clippy::unwrap_used)]

use twofold_authenticator::{Account, KdfParams, OtpAuth, Passphrase, Vault, VaultError};

/// Real Argon2id, cheap enough for tests.
pub const CHEAP: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};

/// A passphrase at the cheap test costs.
pub fn passphrase(text: &str) -> Passphrase {
    Passphrase::new(text).with_kdf(CHEAP)
}

/// A TOTP account of `issuer` with a base32 `secret`.
pub fn account(issuer: &str, secret: &str) -> Account {
    let uri = format!("otpauth://totp/{issuer}:me?secret={secret}&issuer={issuer}");
    Account::new(OtpAuth::parse(&uri).unwrap(), 1_700_000_000)
}

/// Adds `accounts` after the others and saves, as one change.
pub fn add_all(vault: &mut Vault, accounts: impl IntoIterator<Item = Account>) {
    vault
        .transact(|list| {
            for mut account in accounts {
                account.position = list.len() as u32;
                list.push(account);
            }
            Ok::<(), VaultError>(())
        })
        .unwrap();
}

/// Where a vault file's JSON header ends (docs/vault-format.md: 14 bytes of
/// prefix, then a header of the length in bytes 10–13).
pub fn header_end(file: &[u8]) -> usize {
    14 + u32::from_be_bytes(file[10..14].try_into().unwrap()) as usize
}

/// The header as JSON text.
pub fn header_text(file: &[u8]) -> String {
    String::from_utf8(file[14..header_end(file)].to_vec()).unwrap()
}

/// The same file with another header (and its length updated).
pub fn with_header(file: &[u8], header: &str) -> Vec<u8> {
    let mut bytes = file[..10].to_vec();
    bytes.extend_from_slice(&(header.len() as u32).to_be_bytes());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(&file[header_end(file)..]);
    bytes
}
