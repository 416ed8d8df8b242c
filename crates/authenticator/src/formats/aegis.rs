//! Aegis Authenticator's vault export, as documented in Aegis's
//! `docs/vault.md`: `{"version": 1, "header": {...}, "db": ...}`.
//!
//! A plain export has `header.slots` and `header.params` null and `db` as a
//! JSON object. An encrypted one has `db` as base64 ciphertext (AES-256-GCM
//! under a random master key, nonce and tag in `header.params`) and the
//! master key wrapped in `header.slots`: a password slot (type 1) holds the
//! key encrypted with AES-256-GCM under `scrypt(password, salt, n, r, p)`.
//! Entries: `type` totp/hotp/steam, `uuid`, `name`, `issuer`, `note`,
//! `info` {`secret` base32, `algo`, `digits`, `period` or `counter`} and
//! (db version 3) `groups`, uuids of `db.groups` {`uuid`, `name`}.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use super::crypto::aes_256_gcm_open;
use super::{
    AccountFields, Entry, ExportFile, Exporter, Format, FormatError, Imported, Importer,
    Unreadable, entry_label, json_containing, json_reason, parse_json, random_bytes,
};
use crate::account::Account;
use crate::otpauth::OtpKind;

/// The Aegis format.
pub(super) struct Aegis;

/// Aegis's fixed scrypt cost (N = 2^15, r = 8, p = 1), used when we write.
const SCRYPT_LOG_N: u8 = 15;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;
/// Refuse scrypt parameters needing more than 256 MiB (8x what Aegis
/// writes) or absurd CPU: a crafted file must not exhaust the machine.
const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
const MAX_SCRYPT_P: u32 = 16;

const PASSWORD_SLOT: u8 = 1;

/// The vault as read: `db` is kept raw until we know whether it is sealed.
#[derive(Deserialize)]
struct VaultIn<'a> {
    version: u32,
    header: Header,
    #[serde(borrow)]
    db: &'a RawValue,
}

/// The vault as written.
#[derive(Serialize)]
struct VaultOut {
    version: u32,
    header: Header,
    db: DbOut,
}

#[derive(Serialize)]
#[serde(untagged)]
enum DbOut {
    Plain(Db<DbEntry>),
    Sealed(String),
}

#[derive(Deserialize, Serialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<KeyParams>,
}

#[derive(Deserialize, Serialize)]
struct KeyParams {
    nonce: String,
    tag: String,
}

#[derive(Deserialize, Serialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: u8,
    uuid: String,
    key: String,
    key_params: KeyParams,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    salt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    repaired: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    is_backup: Option<bool>,
}

/// The vault's content; entries are read one by one (`E` = `&RawValue`) so
/// that one bad entry does not hide the others.
#[derive(Deserialize, Serialize)]
struct Db<E> {
    version: u32,
    entries: Vec<E>,
    #[serde(default)]
    groups: Vec<Group>,
}

/// Just enough of an entry to name it in an error.
#[derive(Deserialize)]
struct EntryLabel {
    issuer: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct Group {
    uuid: String,
    name: String,
}

#[derive(Deserialize, Serialize)]
struct DbEntry {
    #[serde(rename = "type")]
    kind: String,
    uuid: String,
    name: String,
    issuer: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    favorite: bool,
    icon: Option<String>,
    info: Info,
    /// Db version 3: uuids of `db.groups`.
    #[serde(default)]
    groups: Vec<String>,
    /// Db versions 1–2: the group's name.
    #[serde(default, skip_serializing)]
    group: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct Info {
    secret: Zeroizing<String>,
    algo: String,
    digits: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

fn layout(reason: impl Into<String>) -> FormatError {
    FormatError::Layout {
        format: Format::Aegis,
        reason: reason.into(),
    }
}

fn unhex<const N: usize>(field: &str, text: &str) -> Result<[u8; N], FormatError> {
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out)
        .map_err(|_| layout(format!("{field} is not {N} bytes of hex")))?;
    Ok(out)
}

/// AES-256-GCM with Aegis's detached tag.
fn open(key: &[u8; 32], params: &KeyParams, ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let nonce: [u8; 12] = unhex("nonce", &params.nonce).ok()?;
    let tag: [u8; 16] = unhex("tag", &params.tag).ok()?;
    let mut sealed = Vec::with_capacity(ciphertext.len() + tag.len());
    sealed.extend_from_slice(ciphertext);
    sealed.extend_from_slice(&tag);
    aes_256_gcm_open(key, &nonce, &sealed)
}

/// AES-256-GCM, returning the ciphertext and Aegis's detached nonce and tag.
fn seal(key: &[u8; 32], plaintext: &[u8]) -> Result<(Vec<u8>, KeyParams), FormatError> {
    let nonce: [u8; 12] = random_bytes()?;
    let mut sealed = Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key))
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: &[],
            },
        )
        // AES-GCM only refuses messages of 64 GiB and more.
        .map_err(|_| layout("the accounts are too large to encrypt"))?;
    let tag = sealed.split_off(sealed.len() - 16);
    Ok((
        sealed,
        KeyParams {
            nonce: hex::encode(nonce),
            tag: hex::encode(tag),
        },
    ))
}

fn derive_key(
    password: &str,
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>, FormatError> {
    let params = scrypt::Params::new(log_n, r, p)
        .map_err(|_| layout("a password slot has invalid scrypt parameters"))?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password.as_bytes(), salt, &params, key.as_mut_slice())
        .map_err(|_| layout("a password slot has invalid scrypt parameters"))?;
    Ok(key)
}

/// The master key, from the first password slot that `password` opens.
fn unwrap_master_key(slots: &[Slot], password: &str) -> Result<Zeroizing<[u8; 32]>, FormatError> {
    let password_slots: Vec<&Slot> = slots
        .iter()
        .filter(|slot| slot.kind == PASSWORD_SLOT)
        .collect();
    if password_slots.is_empty() {
        return Err(FormatError::Unsupported {
            format: Format::Aegis,
            what: "a vault without a password slot (biometric only)".to_owned(),
            advice: "set a password in Aegis and export again",
        });
    }
    for slot in password_slots {
        let (Some(n), Some(r), Some(p), Some(salt)) = (slot.n, slot.r, slot.p, &slot.salt) else {
            return Err(layout("a password slot lacks n, r, p or salt"));
        };
        if !n.is_power_of_two()
            || n < 2
            || p > MAX_SCRYPT_P
            || 128 * u64::from(r) * n > MAX_SCRYPT_MEMORY
        {
            return Err(layout(format!(
                "a password slot asks for scrypt n={n}, r={r}, p={p}, beyond what Aegis writes"
            )));
        }
        let salt: [u8; 32] = unhex("salt", salt)?;
        // n is a power of two below 2^30 here, so its log fits in a u8.
        let log_n = n.trailing_zeros() as u8;
        let key = derive_key(password, &salt, log_n, r, p)?;
        let wrapped: [u8; 32] = unhex("slot key", &slot.key)?;
        if let Some(master) = open(&key, &slot.key_params, &wrapped) {
            let master: [u8; 32] = master
                .as_slice()
                .try_into()
                .map_err(|_| layout("a slot's master key is not 32 bytes"))?;
            return Ok(Zeroizing::new(master));
        }
    }
    Err(FormatError::WrongPassword {
        format: Format::Aegis,
    })
}

fn decrypt_db(
    vault: &VaultIn<'_>,
    password: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    let ciphertext: String = serde_json::from_str(vault.db.get())
        .map_err(|_| layout("db is neither an object nor base64 text"))?;
    let (Some(slots), Some(params)) = (&vault.header.slots, &vault.header.params) else {
        return Err(layout(
            "db is encrypted but the header has no slots or params",
        ));
    };
    let password = password.ok_or(FormatError::PasswordNeeded {
        format: Format::Aegis,
    })?;
    let master = unwrap_master_key(slots, password)?;
    let ciphertext = BASE64
        .decode(ciphertext)
        .map_err(|_| layout("db is not valid base64; the file may be truncated"))?;
    open(&master, params, &ciphertext).ok_or_else(|| {
        layout("the password is right but the content does not decrypt: the file is damaged; export it again")
    })
}

fn read_db(db: &Db<&RawValue>) -> Vec<Entry> {
    db.entries
        .iter()
        .enumerate()
        .map(|(index, raw)| {
            let label = || {
                let known = serde_json::from_str::<EntryLabel>(raw.get()).ok();
                let known = known.as_ref();
                entry_label(
                    index,
                    known.and_then(|l| l.issuer.as_deref()),
                    known.and_then(|l| l.name.as_deref()),
                )
            };
            let entry: DbEntry = serde_json::from_str(raw.get()).map_err(|e| Unreadable {
                entry: label(),
                reason: format!("not an Aegis entry: {}", json_reason(&e)),
            })?;
            let fields = AccountFields {
                kind: &entry.kind,
                issuer: Some(&entry.issuer),
                name: &entry.name,
                secret: &entry.info.secret,
                algorithm: Some(&entry.info.algo),
                digits: Some(entry.info.digits),
                period: entry.info.period,
                counter: entry.info.counter,
            };
            let otp = fields.to_otp().map_err(|reason| Unreadable {
                entry: label(),
                reason,
            })?;
            let mut tags: Vec<String> = entry
                .groups
                .iter()
                .filter_map(|uuid| db.groups.iter().find(|group| &group.uuid == uuid))
                .map(|group| group.name.clone())
                .collect();
            tags.extend(entry.group.clone().filter(|group| !group.is_empty()));
            Ok(Imported {
                otp,
                tags,
                note: entry.note,
                favourite: entry.favorite,
            })
        })
        .collect()
}

impl Importer for Aegis {
    fn format(&self) -> Format {
        Format::Aegis
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json_containing(bytes, "\"header\"") && json_containing(bytes, "\"db\"")
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        let vault: VaultIn<'_> = parse_json(Format::Aegis, bytes)?;
        if vault.version != 1 {
            return Err(FormatError::Unsupported {
                format: Format::Aegis,
                what: format!("vault version {}", vault.version),
                advice: "update Twofold, or export from Aegis as plain JSON",
            });
        }
        if vault.db.get().starts_with('{') {
            let db = parse_json(Format::Aegis, vault.db.get().as_bytes())?;
            Ok(read_db(&db))
        } else {
            let plaintext = decrypt_db(&vault, password)?;
            let db = parse_json(Format::Aegis, &plaintext)?;
            Ok(read_db(&db))
        }
    }
}

fn entry_of(account: &Account, groups: &mut Vec<Group>) -> DbEntry {
    let otp = &account.otp;
    let (kind, period, counter) = match otp.kind() {
        OtpKind::Totp { period } => ("totp", Some(period), None),
        OtpKind::Hotp { counter } => ("hotp", None, Some(counter)),
        OtpKind::Steam { period } => ("steam", Some(period), None),
    };
    let mut group_ids = Vec::new();
    for tag in &account.tags {
        let uuid = match groups.iter().find(|group| &group.name == tag) {
            Some(group) => group.uuid.clone(),
            None => {
                let uuid = uuid::Uuid::new_v4().hyphenated().to_string();
                groups.push(Group {
                    uuid: uuid.clone(),
                    name: tag.clone(),
                });
                uuid
            }
        };
        group_ids.push(uuid);
    }
    DbEntry {
        kind: kind.to_owned(),
        uuid: uuid::Uuid::new_v4().hyphenated().to_string(),
        name: otp.name().to_owned(),
        issuer: otp.issuer().unwrap_or_default().to_owned(),
        note: account.note.clone(),
        favorite: account.favourite,
        icon: None,
        info: Info {
            secret: Zeroizing::new(otp.secret().to_base32()),
            algo: otp.algorithm().as_str().to_owned(),
            digits: u32::from(otp.digits()),
            period,
            counter,
        },
        groups: group_ids,
        group: None,
    }
}

fn password_slot(master: &[u8; 32], password: &str) -> Result<Slot, FormatError> {
    let salt: [u8; 32] = random_bytes()?;
    let key = derive_key(password, &salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)?;
    let (wrapped, key_params) = seal(&key, master)?;
    Ok(Slot {
        kind: PASSWORD_SLOT,
        uuid: uuid::Uuid::new_v4().hyphenated().to_string(),
        key: hex::encode(wrapped),
        key_params,
        n: Some(1 << SCRYPT_LOG_N),
        r: Some(SCRYPT_R),
        p: Some(SCRYPT_P),
        salt: Some(hex::encode(salt)),
        repaired: Some(true),
        is_backup: Some(false),
    })
}

impl Exporter for Aegis {
    fn export(
        &self,
        accounts: &[Account],
        password: Option<&str>,
    ) -> Result<Vec<ExportFile>, FormatError> {
        let mut groups = Vec::new();
        let entries = accounts
            .iter()
            .map(|account| entry_of(account, &mut groups))
            .collect();
        let db = Db {
            version: 3,
            entries,
            groups,
        };
        let vault = match password {
            None => VaultOut {
                version: 1,
                header: Header {
                    slots: None,
                    params: None,
                },
                db: DbOut::Plain(db),
            },
            Some(password) => {
                let plaintext =
                    Zeroizing::new(serde_json::to_vec(&db).map_err(|e| layout(e.to_string()))?);
                let master = Zeroizing::new(random_bytes::<32>()?);
                let (ciphertext, params) = seal(&master, &plaintext)?;
                VaultOut {
                    version: 1,
                    header: Header {
                        slots: Some(vec![password_slot(&master, password)?]),
                        params: Some(params),
                    },
                    db: DbOut::Sealed(BASE64.encode(ciphertext)),
                }
            }
        };
        let bytes =
            Zeroizing::new(serde_json::to_vec_pretty(&vault).map_err(|e| layout(e.to_string()))?);
        Ok(ExportFile::only(bytes))
    }
}
