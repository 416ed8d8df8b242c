//! andOTP's plain JSON backup: an array of entries {`secret` base32,
//! `issuer`, `label`, `digits`, `type` TOTP/HOTP/STEAM, `algorithm`,
//! `period`, `counter`, `tags`}. Old versions had no `issuer` and wrote
//! "Issuer - name" as the label. Encrypted backups (`.json.aes`) are binary.

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    AccountFields, Entry, Format, FormatError, Imported, Importer, Unreadable, entry_label,
    json_containing, parse_json,
};

/// The andOTP format.
pub(super) struct AndOtp;

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
        bytes.trim_ascii_start().starts_with(b"[")
            && json_containing(bytes, "\"secret\"")
            && json_containing(bytes, "\"label\"")
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        if !bytes.trim_ascii_start().starts_with(b"[") && std::str::from_utf8(bytes).is_err() {
            return Err(FormatError::Unsupported {
                format: Format::AndOtp,
                what: "an encrypted backup".to_owned(),
                advice: "in andOTP, make a plain-text backup instead",
            });
        }
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
}
