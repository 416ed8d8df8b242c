//! Ente Auth's exports (`ente-io/ente`, `mobile/apps/auth`).
//!
//! The plain-text export (`lib/ui/settings/data/export_widget.dart`,
//! `_getAuthDataForExport`) is one `otpauth://` URI per line, each with a
//! `codeDisplay` query parameter holding JSON about the entry
//! (`lib/models/code_display.dart`: `pinned`, `trashed`, `tags`, `note`,
//! ...); Steam accounts are `otpauth://steam/`. Entries in Ente's trash are
//! not imported. We write the same lines, `pinned` carrying the favourite.
//!
//! The encrypted export (`lib/models/export/ente.dart`, read by
//! `lib/ui/settings/data/import/encrypted_ente_import.dart`) is JSON:
//! `{"version": 1, "kdfParams": {"memLimit", "opsLimit", "salt"},
//! "encryptedData", "encryptionNonce"}`, all binary fields base64. The key
//! is libsodium's `crypto_pwhash` (Argon2id v1.3, `opsLimit` passes,
//! `memLimit` bytes, one lane) of the password; the data is that plain-text
//! export as one final message of libsodium's secretstream, whose header is
//! `encryptionNonce` (see `secretstream.rs`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::otpauth_list::{self, account_lines};
use super::secretstream::{self, HEADER_LEN, TAG_FINAL};
use super::{
    Entry, ExportFile, Exporter, Format, FormatError, Imported, Importer, Unreadable,
    json_containing, parse_json,
};
use crate::account::Account;
use crate::otpauth::{OtpAuth, OtpKind};
use crate::vault::KdfParams;

/// The Ente Auth format.
pub(super) struct Ente;

/// libsodium's `crypto_pwhash_SALTBYTES`.
const SALT_LEN: usize = 16;
/// Ente derives with libsodium's "sensitive" costs, 1 GiB and 4 passes, and
/// on devices short of memory halves the memory while doubling the passes:
/// anything beyond that much memory or work is not from Ente, and a crafted
/// file must not tie up the machine.
const MAX_MEM_LIMIT: u64 = 1 << 30;
const MAX_WORK: u64 = MAX_MEM_LIMIT * 4;

#[derive(Deserialize, Serialize, Default)]
struct CodeDisplay {
    #[serde(default)]
    pinned: bool,
    #[serde(default)]
    trashed: bool,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EncryptedExport {
    version: u32,
    kdf_params: EnteKdfParams,
    encrypted_data: String,
    encryption_nonce: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnteKdfParams {
    mem_limit: u64,
    ops_limit: u32,
    salt: String,
}

fn code_display(uri: &str) -> Option<CodeDisplay> {
    let query = uri.split_once('?')?.1;
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("codeDisplay="))?;
    // Ente writes query parameters form-encoded: `+` is a space.
    let json = percent_decode_str(&value.replace('+', " "))
        .decode_utf8()
        .ok()?
        .into_owned();
    serde_json::from_str(&json).ok()
}

fn layout(reason: impl Into<String>) -> FormatError {
    FormatError::Layout {
        format: Format::Ente,
        reason: reason.into(),
    }
}

/// Decodes a base64 field of the encrypted export.
fn base64_field(field: &str, text: &str) -> Result<Vec<u8>, FormatError> {
    BASE64
        .decode(text.trim())
        .map_err(|_| layout(format!("{field} is not base64")))
}

fn sized<const N: usize>(field: &str, bytes: Vec<u8>) -> Result<[u8; N], FormatError> {
    bytes
        .try_into()
        .map_err(|_| layout(format!("{field} is not {N} bytes")))
}

/// The plain-text export inside an encrypted one.
fn decrypt(bytes: &[u8], password: Option<&str>) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    let export: EncryptedExport = parse_json(Format::Ente, bytes)?;
    if export.version != 1 {
        return Err(FormatError::Unsupported {
            format: Format::Ente,
            what: format!("encrypted export version {}", export.version),
            advice: "export again from Ente Auth, or as plain text",
        });
    }
    let password = password.ok_or(FormatError::PasswordNeeded {
        format: Format::Ente,
    })?;
    let kdf = &export.kdf_params;
    let salt: [u8; SALT_LEN] = sized("kdfParams.salt", base64_field("kdfParams.salt", &kdf.salt)?)?;
    let header: [u8; HEADER_LEN] = sized(
        "encryptionNonce",
        base64_field("encryptionNonce", &export.encryption_nonce)?,
    )?;
    let sealed = base64_field("encryptedData", &export.encrypted_data)?;
    let within_ente = kdf.mem_limit <= MAX_MEM_LIMIT
        && kdf.mem_limit.saturating_mul(u64::from(kdf.ops_limit)) <= MAX_WORK;
    let costs = u32::try_from(kdf.mem_limit / 1024)
        .ok()
        .filter(|_| within_ente)
        .map(|memory_kib| KdfParams {
            memory_kib,
            iterations: kdf.ops_limit,
            parallelism: 1,
        })
        .filter(|costs| costs.within_bounds())
        .ok_or_else(|| {
            layout(format!(
                "its key derivation costs ({} bytes, {} passes) are beyond what Ente Auth uses",
                kdf.mem_limit, kdf.ops_limit
            ))
        })?;
    let key = costs
        .derive(password.as_bytes(), &salt)
        .ok_or_else(|| layout("its key derivation costs are below Argon2's minimum"))?;
    let (tag, plaintext) =
        secretstream::pull_first(&key, &header, &sealed).ok_or(FormatError::WrongPassword {
            format: Format::Ente,
        })?;
    if tag != TAG_FINAL {
        return Err(layout("the encrypted data is cut short: export it again"));
    }
    Ok(plaintext)
}

/// Reads the plain-text export's lines.
fn read_text(text: &str) -> Vec<Entry> {
    account_lines(text)
        .filter_map(|(index, line)| {
            let display = code_display(line).unwrap_or_default();
            if display.trashed {
                return None;
            }
            Some(
                OtpAuth::parse(line)
                    .map(|otp| Imported {
                        otp,
                        tags: display.tags,
                        note: display.note,
                        favourite: display.pinned,
                    })
                    .map_err(|e| Unreadable {
                        entry: format!("line {}", index + 1),
                        reason: e.to_string(),
                    }),
            )
        })
        .collect()
}

fn is_encrypted(bytes: &[u8]) -> bool {
    json_containing(bytes, "\"kdfParams\"") && json_containing(bytes, "\"encryptedData\"")
}

impl Importer for Ente {
    fn format(&self) -> Format {
        Format::Ente
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        is_encrypted(bytes)
            || otpauth_list::OtpauthList.detect(bytes)
                && otpauth_list::first_line(bytes).is_some_and(|line| line.contains("codeDisplay="))
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        if bytes.trim_ascii_start().starts_with(b"{") {
            let plaintext = decrypt(bytes, password)?;
            let text = std::str::from_utf8(&plaintext)
                .map_err(|_| layout("the decrypted export is not UTF-8 text"))?;
            return Ok(read_text(text));
        }
        Ok(read_text(otpauth_list::text(Format::Ente, bytes)?))
    }
}

impl Exporter for Ente {
    fn export(
        &self,
        accounts: &[Account],
        _password: Option<&str>,
    ) -> Result<Vec<ExportFile>, FormatError> {
        let mut text = Zeroizing::new(String::new());
        for account in accounts {
            let uri = Zeroizing::new(account.otp.to_uri());
            // Ente knows Steam by the URI's type, not by `encoder=steam`.
            match account.otp.kind() {
                OtpKind::Steam { .. } => {
                    text.push_str("otpauth://steam/");
                    text.push_str(uri.strip_prefix("otpauth://totp/").unwrap_or(&uri));
                }
                _ => text.push_str(&uri),
            }
            let display = CodeDisplay {
                pinned: account.favourite,
                trashed: false,
                tags: account.tags.clone(),
                note: account.note.clone(),
            };
            // Serialising strings and booleans cannot fail.
            let json = serde_json::to_string(&display).unwrap_or_default();
            text.push_str("&codeDisplay=");
            text.extend(utf8_percent_encode(&json, NON_ALPHANUMERIC));
            text.push('\n');
        }
        Ok(ExportFile::only(Zeroizing::new(text.as_bytes().to_vec())))
    }
}
