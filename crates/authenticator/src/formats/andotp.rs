//! andOTP's backups, as andOTP 0.8+ writes them (`andOTP/andOTP`,
//! `Utilities/BackupHelper.java`, `EncryptionHelper.java`, `Constants.java`).
//!
//! The plain backup (`.json`) is an array of entries {`secret` base32,
//! `issuer`, `label`, `digits`, `type` TOTP/HOTP/STEAM, `algorithm`,
//! `period`, `counter`, `tags`}. Old versions had no `issuer` and wrote
//! "Issuer - name" as the label.
//!
//! The encrypted backup (`.json.aes`) is binary: a 4-byte big-endian PBKDF2
//! iteration count, a 12-byte salt, a 12-byte IV, then that JSON sealed with
//! AES-256-GCM (tag last) under PBKDF2-HMAC-SHA1(password, salt, iterations,
//! 32 bytes). andOTP draws the count from 140,000–160,000, so a binary file
//! whose first four bytes fall there is recognised as andOTP; nothing else
//! about the file can be checked without the password. Older andOTP wrote
//! neither count nor salt: IV, then the JSON sealed under SHA-256(password)
//! (`generateSymmetricKeyFromPassword`); such a file looks like random bytes,
//! so it is read only when the format is named (`--format andotp`), and a
//! file with a plausible count is tried both ways before the password is
//! called wrong.

use std::ops::RangeInclusive;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::crypto::{AesKey, aes_256_gcm_open, pbkdf2_sha1};
use super::{
    AccountFields, Entry, Format, FormatError, Imported, Importer, Unreadable, entry_label,
    json_containing, parse_json,
};

/// The andOTP format.
pub(super) struct AndOtp;

/// The iteration counts andOTP writes (`PBKDF2_MIN/MAX_ITERATIONS`).
const WRITTEN_ITERATIONS: RangeInclusive<u32> = 140_000..=160_000;
/// The most iterations we run for a file named as andOTP: ample for any
/// andOTP backup, and a crafted count cannot hold the import for minutes.
const MAX_ITERATIONS: u32 = 1_000_000;
const COUNT_LEN: usize = 4;
const SALT_LEN: usize = 12;
const IV_LEN: usize = 12;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = COUNT_LEN + SALT_LEN;

#[derive(Deserialize)]
struct AndOtpEntry {
    secret: Zeroizing<String>,
    issuer: Option<String>,
    label: String,
    digits: Option<u32>,
    #[serde(rename = "type")]
    kind: String,
    algorithm: Option<String>,
    period: Option<u32>,
    counter: Option<u64>,
    #[serde(default)]
    tags: Vec<String>,
}

impl Importer for AndOtp {
    fn format(&self) -> Format {
        Format::AndOtp
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        let plain = bytes.trim_ascii_start().starts_with(b"[")
            && json_containing(bytes, "\"secret\"")
            && json_containing(bytes, "\"label\"");
        let encrypted = bytes.len() >= HEADER_LEN + IV_LEN + TAG_LEN
            && iterations(bytes).is_some_and(|count| WRITTEN_ITERATIONS.contains(&count));
        plain || encrypted
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        // The encrypted backup is binary: sealed bytes are never valid UTF-8
        // at any real length, and a plain backup always is.
        if std::str::from_utf8(bytes).is_ok() {
            return read_json(bytes);
        }
        let password = password.ok_or(FormatError::PasswordNeeded {
            format: Format::AndOtp,
        })?;
        read_json(&decrypt(bytes, password)?)
    }
}

/// The iteration count an encrypted backup starts with.
fn iterations(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(..COUNT_LEN)?.try_into().ok()?))
}

/// The backup's JSON: as andOTP 0.8+ seals it, else as older versions did.
fn decrypt(bytes: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    if bytes.len() < IV_LEN + TAG_LEN {
        return Err(FormatError::Layout {
            format: Format::AndOtp,
            reason: format!(
                "at {} bytes it is too short to be an encrypted backup; make the backup again",
                bytes.len()
            ),
        });
    }
    let open = |key: &AesKey, sealed: &[u8]| {
        let (iv, ciphertext) = sealed.split_at(IV_LEN);
        aes_256_gcm_open(key, iv.try_into().ok()?, ciphertext)
    };
    if let Some(count) = iterations(bytes).filter(|count| (1..=MAX_ITERATIONS).contains(count))
        && bytes.len() >= HEADER_LEN + IV_LEN + TAG_LEN
    {
        let key = pbkdf2_sha1(password, &bytes[COUNT_LEN..HEADER_LEN], count);
        if let Some(json) = open(&key, &bytes[HEADER_LEN..]) {
            return Ok(json);
        }
    }
    let old_key: AesKey = Zeroizing::new(Sha256::digest(password.as_bytes()).into());
    open(&old_key, bytes).ok_or(FormatError::WrongPassword {
        format: Format::AndOtp,
    })
}

fn read_json(bytes: &[u8]) -> Result<Vec<Entry>, FormatError> {
    let entries: Vec<AndOtpEntry> = parse_json(Format::AndOtp, bytes)?;
    Ok(entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let (issuer, name) = match entry.issuer.as_deref().filter(|s| !s.is_empty()) {
                Some(issuer) => (Some(issuer), entry.label.as_str()),
                None => match entry.label.split_once(" - ") {
                    Some((issuer, name)) => (Some(issuer), name),
                    None => (None, entry.label.as_str()),
                },
            };
            let fields = AccountFields {
                kind: &entry.kind,
                issuer,
                name,
                secret: &entry.secret,
                algorithm: entry.algorithm.as_deref(),
                digits: entry.digits,
                period: entry.period,
                counter: entry.counter,
            };
            let otp = fields.to_otp().map_err(|reason| Unreadable {
                entry: entry_label(index, issuer, Some(name)),
                reason,
            })?;
            Ok(Imported {
                otp,
                tags: entry.tags.clone(),
                note: String::new(),
                favourite: false,
            })
        })
        .collect())
}
