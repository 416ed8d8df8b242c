//! Bitwarden's JSON vault export: `{"encrypted": false, "folders": [...],
//! "items": [...]}`. Logins keep their authenticator key in `login.totp`,
//! as an `otpauth://` URI, a `steam://SECRET` key or a bare base32 secret.
//! Items without a key (plain passwords, notes, cards) are not accounts and
//! are passed over. Password-protected exports are encrypted as a whole.

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    Entry, Format, FormatError, Imported, Importer, Unreadable, entry_label, json_containing,
    parse_json,
};
use crate::otpauth::{Algorithm, OtpAuth, OtpKind};
use crate::secret::Secret;

/// The Bitwarden format.
pub(super) struct Bitwarden;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    password_protected: bool,
    #[serde(default)]
    folders: Vec<Folder>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Folder {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    name: String,
    #[serde(default)]
    favorite: bool,
    notes: Option<String>,
    folder_id: Option<String>,
    login: Option<Login>,
}

#[derive(Deserialize)]
struct Login {
    username: Option<String>,
    totp: Option<Zeroizing<String>>,
}

/// The account behind a `login.totp` value.
fn read_totp(totp: &str, item: &str, username: &str) -> Result<OtpAuth, String> {
    let totp = totp.trim();
    let scheme = totp
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    let (secret, digits, kind) = match scheme.as_deref() {
        Some("otpauth") => {
            let mut otp = OtpAuth::parse(totp).map_err(|e| e.to_string())?;
            // Bitwarden shows the item's name; keep it when the URI has no issuer.
            if otp.issuer().is_none() {
                otp.set_issuer(Some(item.to_owned()));
            }
            return Ok(otp);
        }
        Some("steam") => (&totp["steam://".len()..], 5, OtpKind::Steam { period: 30 }),
        Some(other) => {
            return Err(format!(
                "'{other}://' keys are not supported (otpauth:// and steam:// are)"
            ));
        }
        // A bare key: Bitwarden's default 6-digit, 30-second SHA1 TOTP.
        None => (totp, 6, OtpKind::Totp { period: 30 }),
    };
    let secret = Secret::from_base32(secret).map_err(|e| e.to_string())?;
    OtpAuth::new(
        Some(item.to_owned()),
        username,
        secret,
        Algorithm::Sha1,
        digits,
        kind,
    )
    .map_err(|e| e.to_string())
}

impl Importer for Bitwarden {
    fn format(&self) -> Format {
        Format::Bitwarden
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json_containing(bytes, "\"items\"") && json_containing(bytes, "\"encrypted\"")
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        let export: Export = parse_json(Format::Bitwarden, bytes)?;
        if export.encrypted || export.password_protected {
            return Err(FormatError::Unsupported {
                format: Format::Bitwarden,
                what: "an encrypted export".to_owned(),
                advice: "in Bitwarden, export as .json (not encrypted) instead",
            });
        }
        Ok(export
            .items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| {
                let login = item.login.as_ref()?;
                let totp = login.totp.as_ref().filter(|totp| !totp.trim().is_empty())?;
                let username = login.username.as_deref().unwrap_or_default();
                let entry = read_totp(totp, &item.name, username)
                    .map(|otp| Imported {
                        otp,
                        tags: item
                            .folder_id
                            .iter()
                            .filter_map(|id| export.folders.iter().find(|folder| &folder.id == id))
                            .map(|folder| folder.name.clone())
                            .collect(),
                        note: item.notes.clone().unwrap_or_default(),
                        favourite: item.favorite,
                    })
                    .map_err(|reason| Unreadable {
                        entry: entry_label(index, Some(&item.name), Some(username)),
                        reason,
                    });
                Some(entry)
            })
            .collect())
    }
}
