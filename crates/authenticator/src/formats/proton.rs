//! Proton Authenticator's export, plain and password-protected, as its
//! open-source core writes and reads it: `protonpass/proton-pass-common`
//! (read at commit 65bb844), crate `proton-authenticator`:
//!
//! - `src/entry/exporter.rs`: the plain export,
//!   `{"version":1,"entries":[{"id":"<uuid>","content":{"uri":…,
//!   "entry_type":"Totp"|"Steam","name":…},"note":…}]}`. A TOTP entry's
//!   `uri` is what `proton-pass-totp/src/totp.rs` (`TOTP::to_uri`) writes:
//!   `otpauth://totp/NAME?secret=…&issuer=…&algorithm=…&digits=…&period=…`,
//!   the path holding the name alone; its `name` field is only a caption
//!   (the name, else the issuer) and is not read back. A Steam entry's `uri`
//!   is `steam://KEY` (`src/steam/mod.rs`: base32, else unpadded base64) and
//!   its `name` is the account's name; Proton calls every Steam account
//!   "Steam" and gives it 5 characters every 30 seconds.
//! - `src/entry/password_exporter.rs` and `src/crypto.rs`: the encrypted
//!   export, `{"version":1,"salt":…,"content":…}` (standard padded base64).
//!   The key is Argon2id v19 (19 MiB, 2 passes, 1 lane) of the password over
//!   the 16-byte salt; `content` is a 12-byte nonce followed by the
//!   AES-256-GCM ciphertext and tag of the plain export, with associated
//!   data `proton.authenticator.export.v1`.
//!
//! Proton Authenticator keeps no tags, groups or favourites, so an export
//! carries none and an import brings none. It has no HOTP (`src/entry/mod.rs`
//! refuses `otpauth://hotp`), so exporting an HOTP account is refused, as is
//! any account Proton would read back differently (a Steam account named for
//! another service, a period beyond 65535 s, a name Proton would split at a
//! colon): nothing is dropped or changed without the user knowing.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD as BASE64, STANDARD_NO_PAD as BASE64_NO_PAD};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use super::{
    Entry, ExportFile, ExportFormat, Exporter, Format, FormatError, Imported, Importer, Unreadable,
    entry_label, json_containing, json_reason, parse_json, random_bytes,
};
use crate::KdfParams;
use crate::account::Account;
use crate::otpauth::{Algorithm, OtpAuth, OtpKind};
use crate::secret::Secret;

/// The Proton Authenticator format.
pub(super) struct Proton;

/// The only export version Proton writes and reads.
const VERSION: u8 = 1;
/// Proton's `derive_password_key`: Argon2id, 19 MiB, 2 passes, 1 lane.
const KDF: KdfParams = KdfParams {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// `EncryptionTag::PasswordExport`'s associated data.
const AAD: &[u8] = b"proton.authenticator.export.v1";
const STEAM_ISSUER: &str = "Steam";
const STEAM_PERIOD: u32 = 30;
const STEAM_DIGITS: u8 = 5;

/// `urlencoding::encode`, which Proton uses for the name in the path: all
/// but ASCII letters, digits and `-._~` escaped.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// The `url` crate's form encoding of query values: all but ASCII letters,
/// digits and `*-._` escaped, a space written `+`.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// The file's top level: `entries` in a plain export, `salt` and `content`
/// in an encrypted one.
#[derive(Deserialize)]
struct FileIn<'a> {
    version: u64,
    #[serde(borrow, default)]
    entries: Option<Vec<&'a RawValue>>,
    salt: Option<String>,
    content: Option<String>,
}

#[derive(Serialize)]
struct PlainOut {
    version: u8,
    entries: Vec<ProtonEntry>,
}

#[derive(Serialize)]
struct EncryptedOut {
    version: u8,
    salt: String,
    content: String,
}

#[derive(Deserialize, Serialize)]
struct ProtonEntry {
    id: String,
    content: Content,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct Content {
    uri: Zeroizing<String>,
    entry_type: EntryType,
    name: Option<String>,
}

#[derive(Deserialize, Serialize)]
enum EntryType {
    Totp,
    Steam,
}

/// Just enough of an entry to name it in an error.
#[derive(Deserialize)]
struct EntryLabel {
    content: LabelContent,
}

#[derive(Deserialize)]
struct LabelContent {
    name: Option<String>,
}

fn layout(reason: impl Into<String>) -> FormatError {
    FormatError::Layout {
        format: Format::Proton,
        reason: reason.into(),
    }
}

fn derive_key(password: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, FormatError> {
    KDF.derive(password.as_bytes(), salt)
        .ok_or_else(|| layout("Argon2id refused the salt"))
}

fn cipher(key: &[u8; 32]) -> Aes256Gcm {
    Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key))
}

/// The plain export inside an encrypted one.
fn decrypt(salt: &str, content: &str, password: &str) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    let salt = BASE64
        .decode(salt)
        .ok()
        .filter(|salt| salt.len() == SALT_LEN)
        .ok_or_else(|| layout(format!("salt is not {SALT_LEN} bytes of base64")))?;
    let sealed = BASE64
        .decode(content)
        .map_err(|_| layout("content is not valid base64; the file may be truncated"))?;
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(layout(
            "content is too short to hold anything; the file may be truncated",
        ));
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| layout("no nonce"))?;
    let key = derive_key(password, &salt)?;
    // As in Proton, a failed tag check is a wrong password: AES-GCM cannot
    // tell it from a damaged file.
    cipher(&key)
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: AAD,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| FormatError::WrongPassword {
            format: Format::Proton,
        })
}

fn encrypt(plaintext: &[u8], password: &str) -> Result<EncryptedOut, FormatError> {
    let salt: [u8; SALT_LEN] = random_bytes()?;
    let nonce: [u8; NONCE_LEN] = random_bytes()?;
    let key = derive_key(password, &salt)?;
    let ciphertext = cipher(&key)
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: AAD,
            },
        )
        // AES-GCM only refuses messages of 64 GiB and more.
        .map_err(|_| layout("the accounts are too large to encrypt"))?;
    let mut content = nonce.to_vec();
    content.extend_from_slice(&ciphertext);
    Ok(EncryptedOut {
        version: VERSION,
        salt: BASE64.encode(salt),
        content: BASE64.encode(content),
    })
}

fn check_version(version: u64) -> Result<(), FormatError> {
    if version == u64::from(VERSION) {
        Ok(())
    } else {
        Err(FormatError::Unsupported {
            format: Format::Proton,
            what: format!("export version {version}"),
            advice: "update Twofold, or check the file is a Proton Authenticator export",
        })
    }
}

fn percent_decoded(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The first `issuer` query parameter, form-decoded, even when empty: what
/// Proton's `Queries` holds.
fn issuer_param(query: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(key, _)| *key == "issuer")
        .map(|(_, value)| percent_decoded(&value.replace('+', " ")))
}

/// Issuer and name as Proton's `TOTP::parse_issuer` and `parse_label` read
/// them from the last path segment: the `issuer` parameter wins, and a colon
/// (a literal one, else the last escaped one) splits off an issuer prefix
/// only when there is no parameter or the prefix equals it.
fn issuer_and_name(segment: &str, param: Option<String>) -> (Option<String>, String) {
    let segment = segment.trim();
    let decoded = percent_decoded(segment);
    let split = match segment.find(':') {
        Some(at) => Some((
            percent_decoded(&segment[..at]).trim().to_owned(),
            percent_decoded(&segment[at + 1..]).trim().to_owned(),
        )),
        None => decoded.rfind(':').map(|at| {
            (
                decoded[..at].trim().to_owned(),
                decoded[at + 1..].trim().to_owned(),
            )
        }),
    };
    match (param, split) {
        (Some(param), Some((prefix, name))) if param == prefix => (Some(param), name),
        (Some(param), _) => (Some(param), decoded.trim().to_owned()),
        (None, Some((prefix, name))) => ((!prefix.is_empty()).then_some(prefix), name),
        (None, None) => (None, decoded.trim().to_owned()),
    }
}

/// A `Totp` entry: an `otpauth://totp/` URI read with our rules for the
/// key and code parameters, and Proton's for issuer and name.
fn read_totp(uri: &str) -> Result<OtpAuth, String> {
    let uri = uri.trim();
    let rest = uri
        .split_once("://")
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("otpauth"))
        .map(|(_, rest)| rest)
        .ok_or("a Totp entry's uri should start with otpauth://totp/")?;
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (otp_type, label) = path.split_once('/').unwrap_or((path, ""));
    if !otp_type.eq_ignore_ascii_case("totp") {
        return Err(format!(
            "a Totp entry's uri is of type '{otp_type}' (Proton Authenticator only holds totp)"
        ));
    }
    let otp = OtpAuth::parse(uri).map_err(|e| e.to_string())?;
    let segment = label.rsplit('/').next().unwrap_or_default();
    let (issuer, name) = issuer_and_name(segment, issuer_param(query));
    OtpAuth::new(
        issuer,
        name,
        otp.secret().clone(),
        otp.algorithm(),
        otp.digits(),
        otp.kind(),
    )
    .map_err(|e| e.to_string())
}

/// A `Steam` entry: `steam://KEY`, the key base32 (upper case, as Proton's
/// decoder wants) or else unpadded base64.
fn read_steam(uri: &str, name: Option<&str>) -> Result<OtpAuth, String> {
    let uri = uri.trim();
    let key = uri
        .split_once("://")
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("steam"))
        .map(|(_, rest)| rest)
        .ok_or("a Steam entry's uri should be steam://KEY")?;
    let key = key.split(['/', '?', '#']).next().unwrap_or_default();
    let secret = if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    {
        Secret::from_base32(key).map_err(|e| e.to_string())?
    } else {
        Secret::from_bytes(
            Zeroizing::new(
                BASE64_NO_PAD
                    .decode(key)
                    .map_err(|_| "the Steam key is neither base32 nor base64".to_owned())?,
            )
            .to_vec(),
        )
    };
    OtpAuth::new(
        Some(STEAM_ISSUER.to_owned()),
        name.unwrap_or_default(),
        secret,
        Algorithm::Sha1,
        STEAM_DIGITS,
        OtpKind::Steam {
            period: STEAM_PERIOD,
        },
    )
    .map_err(|e| e.to_string())
}

fn read_content(content: &Content) -> Result<OtpAuth, String> {
    match content.entry_type {
        EntryType::Totp => read_totp(&content.uri),
        EntryType::Steam => read_steam(&content.uri, content.name.as_deref()),
    }
}

fn read_entries(entries: &[&RawValue]) -> Vec<Entry> {
    entries
        .iter()
        .enumerate()
        .map(|(index, raw)| {
            let label = || {
                let known = serde_json::from_str::<EntryLabel>(raw.get()).ok();
                entry_label(
                    index,
                    None,
                    known.as_ref().and_then(|l| l.content.name.as_deref()),
                )
            };
            let entry: ProtonEntry = serde_json::from_str(raw.get()).map_err(|e| Unreadable {
                entry: label(),
                reason: format!("not a Proton Authenticator entry: {}", json_reason(&e)),
            })?;
            let otp = read_content(&entry.content).map_err(|reason| Unreadable {
                entry: label(),
                reason,
            })?;
            Ok(Imported {
                note: entry.note.unwrap_or_default(),
                ..Imported::new(otp)
            })
        })
        .collect()
}

fn read_plain(file: &FileIn<'_>) -> Result<Vec<Entry>, FormatError> {
    check_version(file.version)?;
    match &file.entries {
        Some(entries) => Ok(read_entries(entries)),
        None => Err(layout(
            "it has neither \"entries\" (a plain export) nor \"salt\" and \"content\" (an encrypted one)",
        )),
    }
}

impl Importer for Proton {
    fn format(&self) -> Format {
        Format::Proton
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json_containing(bytes, "\"version\"")
            && ((json_containing(bytes, "\"entries\"") && json_containing(bytes, "\"entry_type\""))
                || (json_containing(bytes, "\"salt\"") && json_containing(bytes, "\"content\"")))
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        let file: FileIn<'_> = parse_json(Format::Proton, bytes)?;
        let (None, Some(salt), Some(content)) = (&file.entries, &file.salt, &file.content) else {
            return read_plain(&file);
        };
        check_version(file.version)?;
        let password = password.ok_or(FormatError::PasswordNeeded {
            format: Format::Proton,
        })?;
        let plaintext = decrypt(salt, content, password)?;
        let inner: FileIn<'_> = parse_json(Format::Proton, &plaintext)?;
        read_plain(&inner)
    }
}

/// Proton's `TOTP::to_uri`: the name alone in the path, then every
/// parameter.
fn totp_uri(otp: &OtpAuth, period: u32) -> Zeroizing<String> {
    let query = |text: &str| {
        utf8_percent_encode(text, QUERY)
            .to_string()
            .replace("%20", "+")
    };
    let mut uri = Zeroizing::new(format!(
        "otpauth://totp/{}?secret={}",
        utf8_percent_encode(otp.name(), PATH),
        Zeroizing::new(otp.secret().to_base32()).as_str()
    ));
    if let Some(issuer) = otp.issuer() {
        uri.push_str("&issuer=");
        uri.push_str(&query(issuer));
    }
    uri.push_str(&format!(
        "&algorithm={}&digits={}&period={period}",
        otp.algorithm(),
        otp.digits()
    ));
    uri
}

fn entry_of(account: &Account) -> Result<ProtonEntry, FormatError> {
    let otp = &account.otp;
    let refuse = |reason: String| FormatError::CannotExport {
        format: ExportFormat::Proton.id(),
        account: otp.label(),
        reason,
    };
    let name = (!otp.name().is_empty()).then(|| otp.name().to_owned());
    let content = match otp.kind() {
        OtpKind::Hotp { .. } => {
            return Err(refuse(
                "Proton Authenticator has no counter-based (HOTP) codes; export as aegis or otpauth instead"
                    .to_owned(),
            ));
        }
        OtpKind::Totp { period } => {
            if u16::try_from(period).is_err() {
                return Err(refuse(format!(
                    "Proton Authenticator cannot hold a {period}-second period (65535 at most); export as aegis or otpauth instead"
                )));
            }
            Content {
                uri: totp_uri(otp, period),
                entry_type: EntryType::Totp,
                name: name.or_else(|| otp.issuer().map(str::to_owned)),
            }
        }
        OtpKind::Steam { period } => {
            if period != STEAM_PERIOD {
                return Err(refuse(format!(
                    "Proton Authenticator's Steam codes change every {STEAM_PERIOD} seconds, not {period}; export as aegis or otpauth instead"
                )));
            }
            if otp
                .issuer()
                .is_some_and(|issuer| !issuer.eq_ignore_ascii_case(STEAM_ISSUER))
            {
                return Err(refuse(format!(
                    "Proton Authenticator names every Steam account \"{STEAM_ISSUER}\"; rename its issuer to {STEAM_ISSUER}, or export as aegis or otpauth instead"
                )));
            }
            Content {
                uri: Zeroizing::new(format!(
                    "steam://{}",
                    Zeroizing::new(otp.secret().to_base32()).as_str()
                )),
                entry_type: EntryType::Steam,
                name,
            }
        }
    };
    let entry = ProtonEntry {
        id: uuid::Uuid::new_v4().hyphenated().to_string(),
        content,
        note: (!account.note.is_empty()).then(|| account.note.clone()),
    };
    // Proton reads the name out of the URI by its own rules (a colon may
    // split off an issuer): refuse what would come back different.
    let read_back = read_content(&entry.content);
    let expected_issuer = match otp.kind() {
        OtpKind::Steam { .. } => Some(STEAM_ISSUER),
        _ => otp.issuer(),
    };
    match read_back {
        Ok(back) if back.issuer() == expected_issuer && back.name() == otp.name() => Ok(entry),
        Ok(back) => Err(refuse(format!(
            "Proton Authenticator would read it back as \"{}\" (it splits names at a colon); rename it, or export as aegis or otpauth instead",
            back.label()
        ))),
        Err(reason) => Err(refuse(format!(
            "Proton Authenticator could not read it back ({reason}); export as aegis or otpauth instead"
        ))),
    }
}

impl Exporter for Proton {
    fn export(
        &self,
        accounts: &[Account],
        password: Option<&str>,
    ) -> Result<Vec<ExportFile>, FormatError> {
        let entries = accounts.iter().map(entry_of).collect::<Result<_, _>>()?;
        let plain = PlainOut {
            version: VERSION,
            entries,
        };
        let plain = Zeroizing::new(serde_json::to_vec(&plain).map_err(|e| layout(e.to_string()))?);
        let bytes = match password {
            None => plain,
            Some(password) => Zeroizing::new(
                serde_json::to_vec(&encrypt(&plain, password)?)
                    .map_err(|e| layout(e.to_string()))?,
            ),
        };
        Ok(ExportFile::only(bytes))
    }
}
