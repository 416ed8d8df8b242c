//! Stratum's (formerly Authenticator Pro) backup, as jamie-mh/AuthenticatorPro
//! writes it (`Stratum.Core/src/Backup/Backup.cs`, `Entity/Authenticator.cs`,
//! `Entity/Category.cs`, `Entity/AuthenticatorCategory.cs`, serialised by
//! Newtonsoft.Json): `{"Authenticators": [...], "Categories": [...],
//! "AuthenticatorCategories": [...], "CustomIcons": [...]}`. `Type` and
//! `Algorithm` are the numbers of the `AuthenticatorType` (Hotp 1, Totp 2,
//! MobileOtp 3, SteamOtp 4, YandexOtp 5) and `HashAlgorithm` (Sha1 0,
//! Sha256 1, Sha512 2) enums. Categories become tags: an authenticator is in
//! a category when `AuthenticatorCategories` pairs its `Secret` with the
//! category's `Id`.
//!
//! A backup made with a password starts with `AUTHENTICATORPRO` (Argon2id +
//! AES-GCM, `StrongBackupEncryption.cs`) or `AuthenticatorPro` (older, PBKDF2
//! + AES-CBC, `LegacyBackupEncryption.cs`): we recognise and refuse those.

use std::collections::HashMap;

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    AccountFields, Entry, Format, FormatError, Imported, Importer, Unreadable, entry_label,
    json_containing, parse_json,
};

/// The Stratum format.
pub(super) struct Stratum;

/// How encrypted backups start, current and legacy.
const ENCRYPTED_HEADERS: [&[u8]; 2] = [b"AUTHENTICATORPRO", b"AuthenticatorPro"];

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Backup {
    authenticators: Vec<Authenticator>,
    #[serde(default)]
    categories: Option<Vec<Category>>,
    #[serde(default)]
    authenticator_categories: Option<Vec<AuthenticatorCategory>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Authenticator {
    #[serde(rename = "Type")]
    kind: i64,
    issuer: Option<String>,
    username: Option<String>,
    secret: Zeroizing<String>,
    algorithm: Option<i64>,
    digits: Option<u32>,
    period: Option<u32>,
    counter: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Category {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AuthenticatorCategory {
    category_id: String,
    authenticator_secret: Zeroizing<String>,
}

impl Authenticator {
    fn read(&self) -> Result<Imported, String> {
        let kind = match self.kind {
            1 => "hotp",
            2 => "totp",
            4 => "steam",
            3 => {
                return Err(
                    "mOTP (Mobile-OTP) codes are not supported: Twofold makes TOTP, HOTP \
                            and Steam codes; keep this account in Stratum or set up a TOTP one"
                        .to_owned(),
                );
            }
            5 => {
                return Err(
                    "Yandex codes are not supported: Twofold makes TOTP, HOTP and Steam \
                            codes; keep this account in Stratum or set up a TOTP one"
                        .to_owned(),
                );
            }
            other => return Err(format!("type {other} is not a Stratum type we know")),
        };
        let algorithm = match self.algorithm {
            None | Some(0) => "SHA1",
            Some(1) => "SHA256",
            Some(2) => "SHA512",
            Some(other) => return Err(format!("algorithm {other} is not a Stratum algorithm")),
        };
        let fields = AccountFields {
            kind,
            issuer: self.issuer.as_deref(),
            name: self.username.as_deref().unwrap_or_default(),
            secret: &self.secret,
            algorithm: Some(algorithm),
            digits: self.digits,
            period: self.period,
            counter: self.counter,
        };
        Ok(Imported::new(fields.to_otp()?))
    }
}

impl Importer for Stratum {
    fn format(&self) -> Format {
        Format::Stratum
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        ENCRYPTED_HEADERS
            .iter()
            .any(|header| bytes.starts_with(header))
            || json_containing(bytes, "\"Authenticators\"")
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        if ENCRYPTED_HEADERS
            .iter()
            .any(|header| bytes.starts_with(header))
        {
            return Err(FormatError::Unsupported {
                format: Format::Stratum,
                what: "a backup made with a password".to_owned(),
                advice: "in Stratum, choose Back up → \"Back up to encrypted file\" and leave the \
                         password empty (confirm the warning), then import that file",
            });
        }
        let backup: Backup = parse_json(Format::Stratum, bytes)?;
        let categories = backup.categories.unwrap_or_default();
        let category_index: HashMap<&str, usize> = categories
            .iter()
            .enumerate()
            .map(|(index, category)| (category.id.as_str(), index))
            .collect();
        // Each secret's categories, in the order of `Categories`.
        let mut secret_categories: HashMap<&str, Vec<usize>> = HashMap::new();
        let bindings = backup.authenticator_categories.unwrap_or_default();
        for binding in &bindings {
            if let Some(&index) = category_index.get(binding.category_id.as_str()) {
                secret_categories
                    .entry(binding.authenticator_secret.as_str())
                    .or_default()
                    .push(index);
            }
        }
        for indices in secret_categories.values_mut() {
            indices.sort_unstable();
            indices.dedup();
        }
        Ok(backup
            .authenticators
            .iter()
            .enumerate()
            .map(|(index, authenticator)| {
                let mut imported = authenticator.read().map_err(|reason| Unreadable {
                    entry: entry_label(
                        index,
                        authenticator.issuer.as_deref(),
                        authenticator.username.as_deref(),
                    ),
                    reason,
                })?;
                imported.tags = secret_categories
                    .get(authenticator.secret.as_str())
                    .into_iter()
                    .flatten()
                    .map(|&index| categories[index].name.clone())
                    .collect();
                Ok(imported)
            })
            .collect())
    }
}
