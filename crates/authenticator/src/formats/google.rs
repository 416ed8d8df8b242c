//! Google Authenticator's "Transfer accounts" export:
//! `otpauth-migration://offline?data=BASE64`, where the data is a protobuf
//! `MigrationPayload` (message layout below, as published by the many tools
//! that read these codes). Large exports are split into batches, one QR code
//! each, sharing a `batch_id` and numbered by `batch_index` of `batch_size`.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use prost::Message;
use zeroize::{Zeroize, Zeroizing};

use super::otpauth_list::{self, first_line};
use super::{
    Entry, ExportFile, Exporter, Format, FormatError, Imported, Importer, Unreadable, random_bytes,
};
use crate::account::Account;
use crate::otpauth::{Algorithm, OtpAuth, OtpKind};
use crate::qr;
use crate::secret::Secret;

/// The most accounts put in one exported QR code: Google Authenticator's own
/// batch size, small enough for any phone camera to read off a screen.
pub const MAX_ACCOUNTS_PER_QR: usize = 10;

/// The longest migration URI put in one QR code (a version 25 code at
/// level M), so long names cannot make a code too dense to scan.
const MAX_URI_LEN: usize = 1200;

const SCHEME: &str = "otpauth-migration://";

/// The Google migration format.
pub(super) struct GoogleMigration;

#[derive(Clone, PartialEq, Message)]
#[prost(skip_debug)]
struct MigrationPayload {
    #[prost(message, repeated, tag = "1")]
    otp_parameters: Vec<OtpParameters>,
    #[prost(int32, tag = "2")]
    version: i32,
    #[prost(int32, tag = "3")]
    batch_size: i32,
    #[prost(int32, tag = "4")]
    batch_index: i32,
    #[prost(int32, tag = "5")]
    batch_id: i32,
}

#[derive(Clone, PartialEq, Message)]
#[prost(skip_debug)]
struct OtpParameters {
    #[prost(bytes = "vec", tag = "1")]
    secret: Vec<u8>,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(string, tag = "3")]
    issuer: String,
    /// 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5.
    #[prost(int32, tag = "4")]
    algorithm: i32,
    /// 0 unspecified, 1 six, 2 eight.
    #[prost(int32, tag = "5")]
    digits: i32,
    /// 0 unspecified, 1 HOTP, 2 TOTP.
    #[prost(int32, tag = "6")]
    r#type: i32,
    #[prost(int64, tag = "7")]
    counter: i64,
}

impl Drop for OtpParameters {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl OtpParameters {
    fn to_otp(&self) -> Result<OtpAuth, String> {
        let algorithm = match self.algorithm {
            0 | 1 => Algorithm::Sha1,
            2 => Algorithm::Sha256,
            3 => Algorithm::Sha512,
            4 => return Err("MD5 codes are not supported (SHA1, SHA256 and SHA512 are)".to_owned()),
            other => return Err(format!("algorithm number {other} is unknown")),
        };
        let digits = match self.digits {
            0 | 1 => 6,
            2 => 8,
            other => return Err(format!("digits number {other} is unknown")),
        };
        let kind = match self.r#type {
            0 | 2 => OtpKind::Totp { period: 30 },
            1 => OtpKind::Hotp {
                counter: u64::try_from(self.counter)
                    .map_err(|_| "the counter is negative".to_owned())?,
            },
            other => return Err(format!("type number {other} is unknown")),
        };
        // Google puts "Issuer:name" in the name when the original URI's label
        // had a prefix; the issuer field already says it.
        let name = self
            .name
            .strip_prefix(self.issuer.as_str())
            .and_then(|rest| rest.strip_prefix(':'))
            .filter(|_| !self.issuer.is_empty())
            .unwrap_or(&self.name);
        let issuer = (!self.issuer.is_empty()).then(|| self.issuer.clone());
        OtpAuth::new(
            issuer,
            name,
            Secret::from_bytes(self.secret.clone()),
            algorithm,
            digits,
            kind,
        )
        .map_err(|e| e.to_string())
    }

    fn from_otp(otp: &OtpAuth) -> Result<OtpParameters, FormatError> {
        let refuse = |reason: &str| FormatError::CannotExport {
            format: "google-qr",
            account: otp.label(),
            reason: format!("{reason}; export it as aegis or otpauth instead"),
        };
        let (r#type, counter) = match otp.kind() {
            OtpKind::Totp { period: 30 } => (2, 0),
            OtpKind::Totp { .. } => {
                return Err(refuse("Google Authenticator only shows 30-second codes"));
            }
            OtpKind::Hotp { counter } => (
                1,
                i64::try_from(counter).map_err(|_| refuse("its counter is too large"))?,
            ),
            OtpKind::Steam { .. } => {
                return Err(refuse("Google Authenticator cannot show Steam codes"));
            }
        };
        let digits = match otp.digits() {
            6 => 1,
            8 => 2,
            _ => {
                return Err(refuse(
                    "Google Authenticator only shows 6- or 8-digit codes",
                ));
            }
        };
        let algorithm = match otp.algorithm() {
            Algorithm::Sha1 => 1,
            Algorithm::Sha256 => 2,
            Algorithm::Sha512 => 3,
        };
        Ok(OtpParameters {
            secret: otp.secret().as_bytes().to_vec(),
            name: otp.name().to_owned(),
            issuer: otp.issuer().unwrap_or_default().to_owned(),
            algorithm,
            digits,
            r#type,
            counter,
        })
    }
}

/// Whether a line is a Google migration URI.
pub(super) fn is_migration_uri(line: &str) -> bool {
    line.trim_start()
        .get(..SCHEME.len())
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case(SCHEME))
}

/// Which batches of each export were seen, to report the missing ones.
#[derive(Default)]
pub(super) struct Batches(BTreeMap<i32, (i32, BTreeSet<i32>)>);

impl Batches {
    /// An entry for every batch of a multi-code export that was not read.
    pub(super) fn missing(&self) -> Vec<Entry> {
        let mut missing = Vec::new();
        for (size, seen) in self.0.values() {
            for index in (0..*size).filter(|index| !seen.contains(index)) {
                missing.push(Err(Unreadable {
                    entry: format!("Google export QR code {} of {size}", index + 1),
                    reason: "it was not scanned or pasted: add it and import again".to_owned(),
                }));
            }
        }
        missing
    }
}

/// Base64 as Google writes it, and as people paste it (padding optional).
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn decode_payload(uri: &str) -> Result<MigrationPayload, String> {
    let query = uri.split_once('?').map_or("", |(_, query)| query);
    let data = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("data="))
        .ok_or("it has no data= parameter; copy the whole text of the QR code")?;
    let data = Zeroizing::new(
        percent_decode_str(data)
            .decode_utf8()
            .map_err(|_| "its data is not valid text after percent-decoding")?
            .replace(' ', "+"),
    );
    let bytes = Zeroizing::new(
        LENIENT_BASE64
            .decode(data.as_bytes())
            .map_err(|_| "its data is not valid base64; was it cut short?")?,
    );
    MigrationPayload::decode(bytes.as_slice())
        .map_err(|_| "its data is not a Google Authenticator export; was it cut short?".to_owned())
}

/// Reads one migration URI found at `place` ("line 3", "QR code 2"),
/// noting its batch.
pub(super) fn read_uri(uri: &str, place: &str, batches: &mut Batches) -> Vec<Entry> {
    let payload = match decode_payload(uri) {
        Ok(payload) => payload,
        Err(reason) => {
            return vec![Err(Unreadable {
                entry: place.to_owned(),
                reason: format!("Google Authenticator export: {reason}"),
            })];
        }
    };
    if payload.batch_size > 1 {
        batches
            .0
            .entry(payload.batch_id)
            .or_insert_with(|| (payload.batch_size, BTreeSet::new()))
            .1
            .insert(payload.batch_index);
    }
    payload
        .otp_parameters
        .iter()
        .enumerate()
        .map(|(index, params)| {
            params
                .to_otp()
                .map(Imported::new)
                .map_err(|reason| Unreadable {
                    entry: format!(
                        "{place}, {}",
                        super::entry_label(index, Some(&params.issuer), Some(&params.name))
                    ),
                    reason,
                })
        })
        .collect()
}

fn to_uri(payload: &MigrationPayload) -> Zeroizing<String> {
    let bytes = Zeroizing::new(payload.encode_to_vec());
    let data = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes.as_slice()));
    Zeroizing::new(format!(
        "{SCHEME}offline?data={}",
        utf8_percent_encode(&data, NON_ALPHANUMERIC)
    ))
}

impl Importer for GoogleMigration {
    fn format(&self) -> Format {
        Format::GoogleMigration
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        first_line(bytes).is_some_and(is_migration_uri)
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Vec<Entry>, FormatError> {
        Ok(otpauth_list::read_lines(otpauth_list::text(
            Format::GoogleMigration,
            bytes,
        )?))
    }
}

impl Exporter for GoogleMigration {
    fn export(
        &self,
        accounts: &[Account],
        _password: Option<&str>,
    ) -> Result<Vec<ExportFile>, FormatError> {
        let params = accounts
            .iter()
            .map(|account| OtpParameters::from_otp(&account.otp))
            .collect::<Result<Vec<_>, _>>()?;
        // Fill each code greedily up to the account and size limits.
        let mut batches: Vec<Vec<OtpParameters>> = Vec::new();
        for param in params {
            let fits = batches.last().is_some_and(|batch| {
                let mut trial = MigrationPayload {
                    otp_parameters: batch.clone(),
                    ..MigrationPayload::default()
                };
                trial.otp_parameters.push(param.clone());
                batch.len() < MAX_ACCOUNTS_PER_QR && to_uri(&trial).len() <= MAX_URI_LEN
            });
            match batches.last_mut() {
                Some(batch) if fits => batch.push(param),
                _ => batches.push(vec![param]),
            }
        }
        let batch_id = i32::from_le_bytes(random_bytes()?) & i32::MAX;
        let batch_size = batches.len();
        batches
            .into_iter()
            .enumerate()
            .map(|(index, otp_parameters)| {
                let payload = MigrationPayload {
                    otp_parameters,
                    version: 1,
                    batch_size: i32::try_from(batch_size).unwrap_or(i32::MAX),
                    batch_index: i32::try_from(index).unwrap_or(i32::MAX),
                    batch_id,
                };
                Ok(ExportFile {
                    part: index + 1,
                    parts: batch_size,
                    bytes: Zeroizing::new(qr::encode_png(&to_uri(&payload))?),
                })
            })
            .collect()
    }
}
