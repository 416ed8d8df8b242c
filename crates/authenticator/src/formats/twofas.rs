//! 2FAS Authenticator's `.2fas` backup: `{"services": [...], "groups": [...],
//! "schemaVersion": 4, ...}`. Each service has a base32 `secret`, a `name`
//! (the service) and `otp` {`account`/`label`, `issuer`, `digits`, `period`,
//! `counter`, `algorithm`, `tokenType` TOTP/HOTP/STEAM}; `groupId` points
//! into `groups` {`id`, `name`}.
//!
//! A backup made with a password has `services` empty and the services'
//! JSON array in `servicesEncrypted`, "base64(ciphertext and tag):
//! base64(salt):base64(IV)": AES-256-GCM under PBKDF2-HMAC-SHA256(password,
//! salt, 10,000 rounds, 32 bytes), as 2fas-android writes it in
//! `core/cipher/src/main/java/com/twofasapp/cipher/backup/BackupCipherImpl.kt`,
//! `backup/internal/BackupKeyGeneratorPbkdf.kt` and `internal/CipherAes.kt`
//! (Aegis's `TwoFASImporter.java` reads it the same way). The `reference`
//! field, a fixed text sealed with the same key, is not needed to open it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::crypto::{aes_256_gcm_open, pbkdf2_sha256};
use super::{
    AccountFields, Entry, Format, FormatError, Imported, Importer, Unreadable, entry_label,
    json_containing, parse_json,
};

/// The 2FAS format.
pub(super) struct TwoFas;

/// 2FAS's fixed PBKDF2 cost.
const PBKDF2_ROUNDS: u32 = 10_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
    #[serde(default)]
    services: Vec<Service>,
    #[serde(default)]
    groups: Vec<Group>,
    services_encrypted: Option<String>,
}

#[derive(Deserialize)]
struct Group {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Service {
    name: String,
    secret: Zeroizing<String>,
    #[serde(default)]
    otp: Otp,
    group_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Otp {
    account: Option<String>,
    label: Option<String>,
    issuer: Option<String>,
    digits: Option<u32>,
    period: Option<u32>,
    counter: Option<u64>,
    algorithm: Option<String>,
    token_type: Option<String>,
}

impl Importer for TwoFas {
    fn format(&self) -> Format {
        Format::TwoFas
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        (json_containing(bytes, "\"services\"") || json_containing(bytes, "\"servicesEncrypted\""))
            && json_containing(bytes, "\"schemaVersion\"")
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        let backup: Backup = parse_json(Format::TwoFas, bytes)?;
        let decrypted;
        let services = match &backup.services_encrypted {
            None => &backup.services,
            Some(sealed) => {
                let password = password.ok_or(FormatError::PasswordNeeded {
                    format: Format::TwoFas,
                })?;
                let json = open(sealed, password)?;
                decrypted = parse_json::<Vec<Service>>(Format::TwoFas, &json)?;
                &decrypted
            }
        };
        Ok(services
            .iter()
            .enumerate()
            .map(|(index, service)| {
                let otp = &service.otp;
                let issuer = otp
                    .issuer
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .unwrap_or(&service.name);
                let name = otp
                    .account
                    .as_deref()
                    .or(otp.label.as_deref())
                    .unwrap_or_default();
                let fields = AccountFields {
                    kind: otp.token_type.as_deref().unwrap_or("TOTP"),
                    issuer: Some(issuer),
                    name,
                    secret: &service.secret,
                    algorithm: otp.algorithm.as_deref(),
                    digits: otp.digits,
                    period: otp.period,
                    counter: otp.counter,
                };
                let otp = fields.to_otp().map_err(|reason| Unreadable {
                    entry: entry_label(index, Some(issuer), Some(name)),
                    reason,
                })?;
                let tags = service
                    .group_id
                    .iter()
                    .filter_map(|id| backup.groups.iter().find(|group| &group.id == id))
                    .map(|group| group.name.clone())
                    .collect();
                Ok(Imported {
                    otp,
                    tags,
                    note: String::new(),
                    favourite: false,
                })
            })
            .collect())
    }
}

fn layout(reason: &str) -> FormatError {
    FormatError::Layout {
        format: Format::TwoFas,
        reason: reason.to_owned(),
    }
}

/// The services' JSON from `servicesEncrypted`.
fn open(sealed: &str, password: &str) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    let mut parts = sealed.split(':');
    let mut part = |name: &str| {
        parts
            .next()
            .and_then(|part| BASE64.decode(part.trim()).ok())
            .ok_or_else(|| {
                layout(&format!(
                    "servicesEncrypted has no base64 {name} (it should be \"data:salt:iv\")"
                ))
            })
    };
    let ciphertext = part("data")?;
    let salt = part("salt")?;
    let iv: [u8; 12] = part("IV")?
        .try_into()
        .map_err(|_| layout("servicesEncrypted's IV is not 12 bytes"))?;
    let key = pbkdf2_sha256(password, &salt, PBKDF2_ROUNDS);
    aes_256_gcm_open(&key, &iv, &ciphertext).ok_or(FormatError::WrongPassword {
        format: Format::TwoFas,
    })
}
