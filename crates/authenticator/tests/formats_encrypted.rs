//! Encrypted exports of 2FAS, andOTP and Ente Auth against the samples
//! `make_samples.py` seals with each app's published scheme (Python's
//! hashlib and `cryptography`, libsodium through PyNaCl), and Ente Auth's
//! plain-text export written and read back.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use twofold_authenticator::formats::{self, ExportFormat, Format, FormatError};

#[path = "support/samples.rs"]
mod samples;
use samples::*;

/// The encrypted samples, their format, what they carry and whether
/// auto-detection can know them.
const ENCRYPTED: [(&str, Format, Carries); 3] = [
    ("2fas-encrypted.2fas", Format::TwoFas, TAGS_ONLY),
    ("andotp-encrypted.json.aes", Format::AndOtp, TAGS_ONLY),
    ("ente-encrypted.json", Format::Ente, EVERYTHING),
];

const BROKEN: [(&str, Format); 3] = [
    ("2fas-encrypted-broken.2fas", Format::TwoFas),
    ("andotp-encrypted-broken.json.aes", Format::AndOtp),
    ("ente-encrypted-broken.json", Format::Ente),
];

/// andOTP before 0.8: no header, so only readable when named.
const ANDOTP_OLD: &str = "andotp-encrypted-old.json.aes";

#[test]
fn encrypted_samples_open_with_their_password() {
    for (file, format, carries) in ENCRYPTED {
        let preview = import(file);
        assert_eq!(preview.format, format, "{file}");
        assert_accounts(&preview, &ALL, carries);
    }
}

#[test]
fn old_andotp_backups_open_when_the_format_is_named() {
    let preview = formats::import(
        &sample(ANDOTP_OLD),
        Some(Format::AndOtp),
        Some(AEGIS_PASSWORD),
        &[],
    )
    .unwrap();
    assert_accounts(&preview, &ALL, TAGS_ONLY);
}

#[test]
fn encrypted_ente_export_skips_trashed_entries_like_the_plain_one() {
    let preview = import("ente-encrypted.json");
    assert!(preview.added.iter().all(|a| a.otp.issuer() != Some("Old")));
    assert_eq!(preview.added, import("ente.txt").added);
}

#[test]
fn a_wrong_password_is_refused_and_none_is_asked_for() {
    let files = ENCRYPTED
        .map(|(file, format, _)| (file, format))
        .into_iter()
        .chain([(ANDOTP_OLD, Format::AndOtp)]);
    for (file, format) in files {
        let bytes = sample(file);
        let err = formats::import(
            &bytes,
            Some(format),
            Some("Correct horse battery staple"),
            &[],
        )
        .unwrap_err();
        assert!(
            matches!(err, FormatError::WrongPassword { format: f } if f == format),
            "{file}: {err:?}"
        );
        assert!(err.to_string().contains("case-sensitive"), "{err}");
        let err = formats::import(&bytes, Some(format), None, &[]).unwrap_err();
        assert!(
            matches!(err, FormatError::PasswordNeeded { format: f } if f == format),
            "{file}: {err:?}"
        );
    }
}

#[test]
fn broken_encrypted_samples_import_nothing() {
    for (file, format) in BROKEN {
        let mut accounts = vault_accounts();
        let before = accounts.len();
        let result = formats::import_files(&[&sample(file)], None, Some(AEGIS_PASSWORD), &accounts);
        let err = result
            .and_then(|preview| preview.apply(&mut accounts, 2))
            .unwrap_err();
        assert!(
            matches!(err, FormatError::WrongPassword { format: f } if f == format),
            "{file}: {err:?}"
        );
        assert_eq!(accounts.len(), before, "{file}");
    }
}

#[test]
fn damaged_encrypted_layouts_say_what_is_wrong() {
    // 2FAS: parts missing or not base64, an IV of the wrong size.
    for sealed in ["abc", "!!!:AAAA:AAAA", "AAAA:AAAA:AAAA"] {
        let text = format!(r#"{{"services":[],"servicesEncrypted":"{sealed}","schemaVersion":4}}"#);
        let err = formats::import(text.as_bytes(), None, Some("pw"), &[]).unwrap_err();
        assert!(
            matches!(
                err,
                FormatError::Layout {
                    format: Format::TwoFas,
                    ..
                }
            ),
            "{sealed}: {err:?}"
        );
    }
    // andOTP: too short to hold an IV and a tag.
    let err = formats::import(&[0xff; 20], Some(Format::AndOtp), Some("pw"), &[]).unwrap_err();
    assert!(matches!(err, FormatError::Layout { .. }), "{err:?}");

    // Ente: costs beyond Ente's own, a header of the wrong size, a newer version.
    let ente = String::from_utf8(sample("ente-encrypted.json")).unwrap();
    for (from, to) in [
        ("\"opsLimit\": 2", "\"opsLimit\": 100000"),
        ("\"memLimit\": 16777216", "\"memLimit\": 1099511627776"),
        ("\"encryptionNonce\": \"", "\"encryptionNonce\": \"AAAA"),
    ] {
        assert!(ente.contains(from), "{from}");
        let text = ente.replace(from, to);
        let err = formats::import(text.as_bytes(), None, Some(AEGIS_PASSWORD), &[]).unwrap_err();
        assert!(
            matches!(
                err,
                FormatError::Layout {
                    format: Format::Ente,
                    ..
                }
            ),
            "{to}: {err:?}"
        );
    }
    let newer = ente.replace("\"version\": 1", "\"version\": 2");
    let err = formats::import(newer.as_bytes(), None, Some(AEGIS_PASSWORD), &[]).unwrap_err();
    assert!(matches!(err, FormatError::Unsupported { .. }), "{err:?}");
}

// --- Ente Auth plain-text export ----------------------------------------------

#[test]
fn ente_export_reads_back_with_tags_notes_and_favourites() {
    let accounts = vault_accounts();
    let bytes = export_one(ExportFormat::Ente, &accounts, None);
    let preview = formats::import(&bytes, None, None, &[]).unwrap();
    assert_eq!(preview.format, Format::Ente);
    assert_accounts(&preview, &ALL, EVERYTHING);
    assert_same_accounts(&preview, &accounts);
}

#[test]
fn ente_export_is_laid_out_as_ente_writes_it() {
    let text = String::from_utf8(export_one(ExportFormat::Ente, &vault_accounts(), None)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), ALL.len());
    assert!(lines.iter().all(|line| line.starts_with("otpauth://")
        && line.contains("&codeDisplay=%7B")
        && !line.contains('#')));
    // Ente knows Steam by the URI's type.
    assert!(
        lines[3].starts_with("otpauth://steam/Steam:dave?"),
        "{}",
        lines[3]
    );
    // The favourite is Ente's pin; the JSON is escaped whole.
    assert!(lines[0].contains("%22pinned%22%3Atrue"), "{}", lines[0]);
    assert!(lines[1].contains("%22pinned%22%3Afalse"), "{}", lines[1]);
    assert!(
        lines[2].contains("backup%20codes%20in%20the%20safe"),
        "{}",
        lines[2]
    );
}

#[test]
fn ente_export_is_never_encrypted() {
    assert!(!ExportFormat::Ente.encrypts());
    assert_eq!("ente".parse::<ExportFormat>().unwrap(), ExportFormat::Ente);
    let err = formats::export(ExportFormat::Ente, &vault_accounts(), Some("pw")).unwrap_err();
    assert!(
        matches!(err, FormatError::CannotEncrypt { format: "ente" }),
        "{err:?}"
    );
}

// --- properties -----------------------------------------------------------------

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn andotp_decryption_never_panics(
        count in 1u32..64,
        rest in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut bytes = count.to_be_bytes().to_vec();
        bytes.extend(rest);
        let _ = formats::import(&bytes, Some(Format::AndOtp), Some("pw"), &[]);
        let _ = formats::import(&bytes, None, Some("pw"), &[]);
    }

    #[test]
    fn twofas_decryption_never_panics(
        parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..5),
        raw in "[A-Za-z0-9+/=:]{0,40}",
    ) {
        let encoded: Vec<String> = parts.iter().map(|part| base64(part)).collect();
        for sealed in [encoded.join(":"), raw] {
            let text = format!(r#"{{"services":[],"servicesEncrypted":"{sealed}","schemaVersion":4}}"#);
            let result = formats::import(text.as_bytes(), None, Some("pw"), &[]);
            prop_assert!(result.is_err());
        }
    }

    #[test]
    fn ente_decryption_never_panics(
        mem_limit in prop_oneof![Just(0u64), 1u64..8192, 8192u64..65536, any::<u64>()],
        ops_limit in prop_oneof![0u32..3, any::<u32>()],
        salt in proptest::collection::vec(any::<u8>(), 0..20),
        nonce in proptest::collection::vec(any::<u8>(), 20..28),
        data in proptest::collection::vec(any::<u8>(), 0..100),
    ) {
        // Costs that would run long are refused before deriving, so any u64/u32 is quick.
        let ops_limit = if mem_limit > 65536 { ops_limit } else { ops_limit.min(2) };
        let text = format!(
            r#"{{"version":1,"kdfParams":{{"memLimit":{mem_limit},"opsLimit":{ops_limit},"salt":"{}"}},"encryptedData":"{}","encryptionNonce":"{}"}}"#,
            base64(&salt), base64(&data), base64(&nonce)
        );
        let result = formats::import(text.as_bytes(), None, Some("pw"), &[]);
        prop_assert!(result.is_err());
    }
}
