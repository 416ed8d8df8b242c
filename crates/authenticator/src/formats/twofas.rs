//! 2FAS Authenticator's `.2fas` backup: `{"services": [...], "groups": [...],
//! "schemaVersion": 4, ...}`. Each service has a base32 `secret`, a `name`
//! (the service) and `otp` {`account`/`label`, `issuer`, `digits`, `period`,
//! `counter`, `algorithm`, `tokenType` TOTP/HOTP/STEAM}; `groupId` points
//! into `groups` {`id`, `name`}. Encrypted backups keep the services in
//! `servicesEncrypted` instead.

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    AccountFields, Entry, Format, FormatError, Imported, Importer, Unreadable, entry_label,
    json_containing, parse_json,
};

/// The 2FAS format.
pub(super) struct TwoFas;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
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
        json_containing(bytes, "\"services\"") && json_containing(bytes, "\"schemaVersion\"")
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        let backup: Backup = parse_json(Format::TwoFas, bytes)?;
        if backup.services_encrypted.is_some() {
            return Err(FormatError::Unsupported {
                format: Format::TwoFas,
                what: "an encrypted backup".to_owned(),
                advice: "in 2FAS, export again without a password",
            });
        }
        Ok(backup
            .services
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
