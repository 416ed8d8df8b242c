//! Ente Auth's plain-text export: one `otpauth://` URI per line, each with a
//! `codeDisplay` parameter holding JSON about the entry (`tags`, `note`,
//! `trashed`, `pinned`, ...). Entries in Ente's trash are not imported.

use percent_encoding::percent_decode_str;
use serde::Deserialize;

use super::otpauth_list::{self, account_lines};
use super::{Entry, Format, FormatError, Imported, Importer, Unreadable};
use crate::otpauth::OtpAuth;

/// The Ente Auth format.
pub(super) struct Ente;

#[derive(Deserialize, Default)]
struct CodeDisplay {
    #[serde(default)]
    trashed: bool,
    #[serde(default)]
    pinned: bool,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: String,
}

fn code_display(uri: &str) -> Option<CodeDisplay> {
    let query = uri.split_once('?')?.1;
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("codeDisplay="))?;
    let json = percent_decode_str(value).decode_utf8().ok()?;
    serde_json::from_str(&json).ok()
}

impl Importer for Ente {
    fn format(&self) -> Format {
        Format::Ente
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        otpauth_list::OtpauthList.detect(bytes)
            && otpauth_list::first_line(bytes).is_some_and(|line| line.contains("codeDisplay="))
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        let text = otpauth_list::text(Format::Ente, bytes)?;
        Ok(account_lines(text)
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
            .collect())
    }
}
