//! The serialized form of accounts: the vault's sealed content
//! (docs/vault-format.md, "Content"). Kept apart from the public types so
//! nothing can serialize a secret by accident (e.g. into an IPC message).

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::account::{Account, AccountId, FactorLink};
use crate::otpauth::{OtpAuth, OtpKind};
use crate::secret::Secret;

/// Identifies the document; the version changes with incompatible layouts.
pub(crate) const FORMAT: &str = "twofold-accounts";
pub(crate) const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
pub(crate) struct Document {
    pub(crate) format: String,
    pub(crate) version: u32,
    pub(crate) accounts: Vec<Record>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Record {
    id: String,
    issuer: Option<String>,
    name: String,
    /// Base32, as in URIs; wiped after use like the bytes it decodes to.
    secret: Zeroizing<String>,
    kind: Kind,
    algorithm: String,
    digits: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    position: u32,
    created_at: u64,
    #[serde(default)]
    last_used_at: Option<u64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    favourite: bool,
    /// Absent in vaults written before factors could be linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    factor: Option<FactorRecord>,
}

#[derive(Serialize, Deserialize)]
struct FactorRecord {
    profile: String,
    service_sid: String,
    identity: String,
    factor_sid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deleted_at: Option<u64>,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Totp,
    Hotp,
    Steam,
}

impl Document {
    pub(crate) fn new(accounts: &[Account]) -> Document {
        Document {
            format: FORMAT.to_owned(),
            version: VERSION,
            accounts: accounts.iter().map(Record::from_account).collect(),
        }
    }
}

impl Record {
    fn from_account(account: &Account) -> Record {
        let otp = &account.otp;
        let (kind, period, counter) = match otp.kind() {
            OtpKind::Totp { period } => (Kind::Totp, Some(period), None),
            OtpKind::Steam { period } => (Kind::Steam, Some(period), None),
            OtpKind::Hotp { counter } => (Kind::Hotp, None, Some(counter)),
        };
        Record {
            id: account.id.to_string(),
            issuer: otp.issuer().map(str::to_owned),
            name: otp.name().to_owned(),
            secret: Zeroizing::new(otp.secret().to_base32()),
            kind,
            algorithm: otp.algorithm().as_str().to_owned(),
            digits: otp.digits(),
            period,
            counter,
            tags: account.tags.clone(),
            note: account.note.clone(),
            position: account.position,
            created_at: account.created_at,
            last_used_at: account.last_used_at,
            favourite: account.favourite,
            factor: account.factor.as_ref().map(|link| FactorRecord {
                profile: link.profile.clone(),
                service_sid: link.service_sid.clone(),
                identity: link.identity.clone(),
                factor_sid: link.factor_sid.clone(),
                deleted_at: link.deleted_at,
            }),
        }
    }

    /// The account, or a sentence saying which field is wrong.
    pub(crate) fn into_account(self) -> Result<Account, String> {
        let id = self.id.parse::<AccountId>().map_err(|e| e.to_string())?;
        let missing = |field: &str| format!("account {id}: {field} is missing");
        let kind = match self.kind {
            Kind::Totp => OtpKind::Totp {
                period: self.period.ok_or_else(|| missing("period"))?,
            },
            Kind::Steam => OtpKind::Steam {
                period: self.period.ok_or_else(|| missing("period"))?,
            },
            Kind::Hotp => OtpKind::Hotp {
                counter: self.counter.ok_or_else(|| missing("counter"))?,
            },
        };
        let invalid = |error: crate::otpauth::OtpAuthError| format!("account {id}: {error}");
        let secret = Secret::from_base32(&self.secret).map_err(|e| invalid(e.into()))?;
        let algorithm = self.algorithm.parse().map_err(invalid)?;
        let otp = OtpAuth::new(self.issuer, self.name, secret, algorithm, self.digits, kind)
            .map_err(invalid)?;
        Ok(Account {
            id,
            otp,
            tags: self.tags,
            note: self.note,
            position: self.position,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            favourite: self.favourite,
            factor: self.factor.map(|link| FactorLink {
                profile: link.profile,
                service_sid: link.service_sid,
                identity: link.identity,
                factor_sid: link.factor_sid,
                deleted_at: link.deleted_at,
            }),
        })
    }
}

/// The accounts as JSON bytes, wiped when dropped.
pub(crate) fn encode(accounts: &[Account]) -> Zeroizing<Vec<u8>> {
    // Serializing plain structs of strings and numbers into memory cannot fail.
    Zeroizing::new(serde_json::to_vec(&Document::new(accounts)).unwrap_or_default())
}

/// Accounts from JSON bytes, or a sentence saying what is wrong.
pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<Account>, String> {
    let document: Document = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if document.format != FORMAT {
        return Err(format!("format is '{}', not '{FORMAT}'", document.format));
    }
    if document.version > VERSION {
        return Err(format!(
            "format version {} is newer than this Twofold reads ({VERSION}); update Twofold",
            document.version
        ));
    }
    document
        .accounts
        .into_iter()
        .map(Record::into_account)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn sample() -> Vec<Account> {
        let otp =
            OtpAuth::parse("otpauth://hotp/Bank:bob?secret=JBSWY3DPEHPK3PXP&counter=7").unwrap();
        let mut account = Account::new(otp, 1_600_000_000);
        account.tags = vec!["money".into()];
        account.last_used_at = Some(1_600_000_100);
        vec![account]
    }

    #[test]
    fn accounts_round_trip_through_the_content_document() {
        let accounts = sample();
        assert_eq!(decode(&encode(&accounts)).unwrap(), accounts);
    }

    #[test]
    fn a_bad_field_names_the_account_and_the_problem() {
        let accounts = sample();
        let text = String::from_utf8(encode(&accounts).to_vec()).unwrap();
        let bad_secret = text.replace("JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PX1");
        let error = decode(bad_secret.as_bytes()).unwrap_err();
        assert!(error.contains(&accounts[0].id.to_string()), "{error}");
        assert!(error.contains("'1' at position 16"), "{error}");
        let no_counter = text.replace("\"counter\":7,", "");
        assert!(
            decode(no_counter.as_bytes())
                .unwrap_err()
                .contains("counter is missing")
        );
    }

    #[test]
    fn other_documents_and_newer_versions_are_refused() {
        let text = String::from_utf8(encode(&sample()).to_vec()).unwrap();
        let newer = text.replace("\"version\":1", "\"version\":2");
        assert!(
            decode(newer.as_bytes())
                .unwrap_err()
                .contains("update Twofold")
        );
        let other = text.replace("twofold-accounts", "aegis");
        assert!(
            decode(other.as_bytes())
                .unwrap_err()
                .contains("format is 'aegis'")
        );
    }

    #[test]
    fn a_vault_from_before_factor_links_decodes_without_one() {
        // The content of docs/vault-format.md's worked example, as written
        // before accounts could be linked to a factor.
        let old = br#"{"format":"twofold-accounts","version":1,"accounts":[{"id":"306f367d-e424-4bed-8239-f82935a9ae62","issuer":"Example","name":"alice@example.com","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30,"tags":["work"],"note":"","position":0,"created_at":1700000000,"last_used_at":null}]}"#;
        let accounts = decode(old).unwrap();
        assert_eq!(accounts[0].factor, None);
        // And an account without a link writes no `factor` field.
        assert!(!String::from_utf8_lossy(&encode(&accounts)).contains("factor"));
    }

    #[test]
    fn a_factor_link_round_trips() {
        let mut accounts = decode(br#"{"format":"twofold-accounts","version":1,"accounts":[{"id":"306f367d-e424-4bed-8239-f82935a9ae62","issuer":"Acme","name":"qa","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30,"created_at":1700000000}]}"#).unwrap();
        accounts[0].factor = Some(FactorLink {
            profile: "Sandbox".to_owned(),
            service_sid: "VA0".to_owned(),
            identity: "qa-0001".to_owned(),
            factor_sid: "YF0".to_owned(),
            deleted_at: Some(1_800_000_000),
        });
        assert_eq!(decode(&encode(&accounts)).unwrap(), accounts);
    }
}
