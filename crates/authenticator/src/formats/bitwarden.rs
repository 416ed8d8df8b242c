//! Bitwarden's vault export, JSON or CSV.
//!
//! JSON: `{"encrypted": false, "folders": [...], "items": [...]}`. Logins
//! keep their authenticator key in `login.totp`, as an `otpauth://` URI, a
//! `steam://SECRET` key or a bare base32 secret. Password-protected exports
//! are encrypted as a whole.
//!
//! CSV (Bitwarden's "File format: .csv", columns named by its header row:
//! `folder,favorite,type,name,notes,fields,reprompt,login_uri,
//! login_username,login_password,login_totp`; older exports lack
//! `reprompt`): `login_totp` is read exactly like `login.totp`, `favorite`
//! is `1` for favourites and the folder is its name.
//!
//! Items without a key (plain passwords, notes, cards) are not accounts and
//! are passed over.

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    Entry, Format, FormatError, Imported, Importer, Unreadable, csv, entry_label, json_containing,
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

/// One item as both exports give it.
struct ItemFields<'a> {
    name: &'a str,
    username: &'a str,
    totp: Option<&'a str>,
    folder: Option<&'a str>,
    notes: &'a str,
    favourite: bool,
}

impl ItemFields<'_> {
    /// The entry of the `index`th item, or `None` when it has no key.
    fn entry(&self, index: usize) -> Option<Entry> {
        let totp = self.totp.filter(|totp| !totp.trim().is_empty())?;
        let entry = read_totp(totp, self.name, self.username)
            .map(|otp| Imported {
                otp,
                tags: self
                    .folder
                    .filter(|folder| !folder.is_empty())
                    .map(str::to_owned)
                    .into_iter()
                    .collect(),
                note: self.notes.to_owned(),
                favourite: self.favourite,
            })
            .map_err(|reason| Unreadable {
                entry: entry_label(index, Some(self.name), Some(self.username)),
                reason,
            });
        Some(entry)
    }
}

/// The first line of a CSV export names its columns (some tools quote them).
fn is_csv_header(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let header = bytes
        .split(|&byte| byte == b'\n')
        .next()
        .unwrap_or_default();
    let columns = || {
        header.split(|&byte| byte == b',').map(|column| {
            let column = column.trim_ascii();
            column
                .strip_prefix(b"\"")
                .and_then(|column| column.strip_suffix(b"\""))
                .unwrap_or(column)
        })
    };
    !matches!(header.trim_ascii_start().first(), Some(b'{' | b'['))
        && columns().any(|column| column == b"login_totp")
        && columns().any(|column| column == b"name")
}

fn read_json(bytes: &[u8]) -> Result<Vec<Entry>, FormatError> {
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
            let folder = item
                .folder_id
                .as_ref()
                .and_then(|id| export.folders.iter().find(|folder| &folder.id == id));
            ItemFields {
                name: &item.name,
                username: login.username.as_deref().unwrap_or_default(),
                totp: login.totp.as_deref().map(String::as_str),
                folder: folder.map(|folder| folder.name.as_str()),
                notes: item.notes.as_deref().unwrap_or_default(),
                favourite: item.favorite,
            }
            .entry(index)
        })
        .collect())
}

fn layout(reason: String) -> FormatError {
    FormatError::Layout {
        format: Format::Bitwarden,
        reason,
    }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Entry>, FormatError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| layout("the CSV file is not UTF-8 text: export it again".to_owned()))?;
    let mut records = csv::records(text).map_err(layout)?.into_iter();
    let header = records
        .next()
        .ok_or_else(|| layout("the CSV file is empty".to_owned()))?;
    let column = |name: &str| header.fields.iter().position(|field| field.trim() == name);
    let (Some(name), Some(totp)) = (column("name"), column("login_totp")) else {
        return Err(layout(
            "the CSV header has no name or login_totp column: export from Bitwarden again"
                .to_owned(),
        ));
    };
    let (folder, favorite, notes, username) = (
        column("folder"),
        column("favorite"),
        column("notes"),
        column("login_username"),
    );
    let mut entries = Vec::new();
    for (index, record) in records.enumerate() {
        if record.fields.len() != header.fields.len() {
            return Err(layout(format!(
                "line {}: {} fields where the header has {}; the file may be cut short or \
                 edited: export it again",
                record.line,
                record.fields.len(),
                header.fields.len()
            )));
        }
        let field = |column: Option<usize>| column.map_or("", |i| record.fields[i].as_str());
        let item = ItemFields {
            name: field(Some(name)),
            username: field(username),
            totp: Some(field(Some(totp))),
            folder: Some(field(folder)),
            notes: field(notes),
            favourite: matches!(field(favorite).trim(), "1" | "true" | "True" | "TRUE"),
        };
        entries.extend(item.entry(index));
    }
    Ok(entries)
}

impl Importer for Bitwarden {
    fn format(&self) -> Format {
        Format::Bitwarden
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        (json_containing(bytes, "\"items\"") && json_containing(bytes, "\"encrypted\""))
            || is_csv_header(bytes)
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        if is_csv_header(bytes) {
            read_csv(bytes)
        } else {
            read_json(bytes)
        }
    }
}
