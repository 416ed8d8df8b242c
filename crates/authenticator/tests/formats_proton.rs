//! Proton Authenticator exports: the samples (`proton.json`,
//! `proton-encrypted.json`, `proton-tampered.json`, written by
//! `make_samples.py` with Python's argon2-cffi and cryptography), broken
//! files, exports read back, what Proton cannot hold, and property tests.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use twofold_authenticator::formats::{self, ExportFormat, Format, FormatError, ImportPreview};
use twofold_authenticator::{Account, Algorithm, OtpAuth, OtpKind, Secret};

#[path = "support/samples.rs"]
mod samples;
use samples::*;

/// The sample accounts Proton can hold: everything but the HOTP one.
const PROTON_HOLDS: [&Expected; 4] = [&GITHUB, &ACME, &STEAM, &UNICODE];
const STEAM_NOTE: &str = "moved from the Steam app";

fn assert_proton_sample(preview: &ImportPreview) {
    assert_eq!(preview.format, Format::Proton);
    assert_accounts(preview, &PROTON_HOLDS, KEYS_ONLY);
    let notes: Vec<_> = preview.added.iter().map(|a| a.note.as_str()).collect();
    assert_eq!(notes, ["", "", STEAM_NOTE, ""]);
    // Proton has neither tags nor favourites.
    assert!(
        preview
            .added
            .iter()
            .all(|a| a.tags.is_empty() && !a.favourite)
    );
}

/// The vault's accounts without the HOTP one, with a note on GitHub too.
fn proton_accounts() -> Vec<Account> {
    let mut accounts: Vec<Account> = vault_accounts()
        .into_iter()
        .filter(|account| !matches!(account.otp.kind(), OtpKind::Hotp { .. }))
        .collect();
    assert_eq!(accounts.len(), 4);
    accounts[0].note = "recovery codes: in the safe".to_owned();
    accounts
}

fn assert_reads_back(preview: &ImportPreview, accounts: &[Account]) {
    assert_eq!(preview.format, Format::Proton);
    assert_same_accounts(preview, accounts);
    for (imported, account) in preview.added.iter().zip(accounts) {
        assert_eq!(imported.note, account.note);
    }
}

#[test]
fn plain_sample_imports_every_field_proton_carries() {
    assert_proton_sample(&formats::import(&sample("proton.json"), None, None, &[]).unwrap());
}

#[test]
fn encrypted_sample_opens_with_its_password() {
    assert_proton_sample(&import("proton-encrypted.json"));
}

#[test]
fn encrypted_sample_needs_its_password() {
    let bytes = sample("proton-encrypted.json");
    let err = formats::import(&bytes, None, None, &[]).unwrap_err();
    assert!(
        matches!(
            err,
            FormatError::PasswordNeeded {
                format: Format::Proton
            }
        ),
        "{err:?}"
    );
    let err =
        formats::import(&bytes, None, Some("correct horse battery stapler"), &[]).unwrap_err();
    assert!(
        matches!(
            err,
            FormatError::WrongPassword {
                format: Format::Proton
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("Proton Authenticator"), "{err}");
}

#[test]
fn a_tampered_encrypted_export_imports_nothing() {
    let err = formats::import(
        &sample("proton-tampered.json"),
        None,
        Some(AEGIS_PASSWORD),
        &[],
    )
    .unwrap_err();
    // AES-GCM cannot tell a damaged file from a wrong password; Proton
    // reports it the same way.
    assert!(matches!(err, FormatError::WrongPassword { .. }), "{err:?}");
}

#[test]
fn truncated_exports_import_nothing_and_say_so() {
    for file in ["proton.json", "proton-encrypted.json"] {
        let bytes = sample(file);
        let cut = &bytes[..bytes.len() / 2];
        let err =
            formats::import(cut, Some(Format::Proton), Some(AEGIS_PASSWORD), &[]).unwrap_err();
        assert!(matches!(err, FormatError::Json { .. }), "{file}: {err:?}");
        assert!(err.to_string().contains("truncated"), "{err}");
    }
    // Cut inside the base64: still JSON, but the ciphertext is short.
    let text = String::from_utf8(sample("proton-encrypted.json")).unwrap();
    let start = text.find("\"content\":\"").unwrap() + 11;
    let cut = format!("{}\"}}", &text[..start + 20]);
    let err = formats::import(cut.as_bytes(), None, Some(AEGIS_PASSWORD), &[]).unwrap_err();
    assert!(matches!(err, FormatError::Layout { .. }), "{err:?}");
}

#[test]
fn a_bad_entry_is_named_and_nothing_is_added() {
    let text = String::from_utf8(sample("proton.json")).unwrap();
    let broken = text.replace("secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ", "secret=KRSX1");
    assert_ne!(broken, text);
    let preview = formats::import(broken.as_bytes(), None, None, &[]).unwrap();
    assert_eq!(preview.unreadable.len(), 1);
    let unreadable = &preview.unreadable[0];
    assert!(
        unreadable.entry.starts_with("entry 2 (bob)"),
        "{unreadable}"
    );
    assert!(!unreadable.to_string().contains("KRSX"), "{unreadable}");
    let mut accounts = Vec::new();
    let err = preview.apply(&mut accounts, 1).unwrap_err();
    assert!(matches!(err, FormatError::Unreadable { count: 1, .. }));
    assert!(accounts.is_empty());
}

#[test]
fn entries_proton_cannot_hold_are_unreadable() {
    let file = |uri: &str, kind: &str| {
        format!(
            r#"{{"version":1,"entries":[{{"id":"x","content":{{"uri":"{uri}","entry_type":"{kind}","name":"n"}},"note":null}}]}}"#
        )
    };
    for (uri, kind, reason) in [
        (
            "otpauth://hotp/x?secret=JBSWY3DP&counter=1",
            "Totp",
            "type 'hotp'",
        ),
        (
            "otpauth://totp/x?secret=JBSWY3DP&digits=9",
            "Totp",
            "digits",
        ),
        ("steam://!!", "Steam", "neither base32 nor base64"),
        ("otpauth://totp/x?secret=JBSWY3DP", "Steam", "steam://KEY"),
    ] {
        let preview = formats::import(file(uri, kind).as_bytes(), None, None, &[]).unwrap();
        assert_eq!(preview.unreadable.len(), 1, "{uri}");
        assert!(
            preview.unreadable[0].reason.contains(reason),
            "{uri}: {}",
            preview.unreadable[0]
        );
    }
    let err = formats::import(
        br#"{"version":2,"entries":[]}"#,
        Some(Format::Proton),
        None,
        &[],
    )
    .unwrap_err();
    assert!(matches!(err, FormatError::Unsupported { .. }), "{err:?}");
}

#[test]
fn names_are_read_by_protons_rules() {
    let read = |uri: &str| {
        let file = format!(
            r#"{{"version":1,"entries":[{{"id":"x","content":{{"uri":"{uri}","entry_type":"Totp","name":null}}}}]}}"#
        );
        let preview = formats::import(file.as_bytes(), None, None, &[]).unwrap();
        let otp = &preview.added[0].otp;
        (otp.issuer().map(str::to_owned), otp.name().to_owned())
    };
    let pair = |issuer: Option<&str>, name: &str| (issuer.map(str::to_owned), name.to_owned());
    // The issuer parameter wins; a prefix equal to it is dropped, another
    // prefix is part of the name (proton-pass-totp's own tests).
    assert_eq!(
        read("otpauth://totp/issuer:label%3Awith%3Acolons?secret=MYSECRET&issuer=issuer"),
        pair(Some("issuer"), "label:with:colons")
    );
    assert_eq!(
        read("otpauth://totp/a%3Ab?secret=MYSECRET&issuer=X"),
        pair(Some("X"), "a:b")
    );
    assert_eq!(
        read("otpauth://totp/Shop%3Aann?secret=MYSECRET"),
        pair(Some("Shop"), "ann")
    );
    assert_eq!(read("otpauth://totp?secret=MYSECRET"), pair(None, ""));
}

// --- exports -----------------------------------------------------------------

#[test]
fn plain_export_is_protons_layout_and_reads_back() {
    let accounts = proton_accounts();
    let bytes = export_one(ExportFormat::Proton, &accounts, None);
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["version"], 1);
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0]["id"].as_str().unwrap().len(), 36);
    assert_eq!(
        entries[0]["content"]["uri"],
        "otpauth://totp/alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30"
    );
    assert_eq!(entries[0]["content"]["entry_type"], "Totp");
    assert_eq!(entries[0]["note"], "recovery codes: in the safe");
    assert_eq!(entries[1]["note"], serde_json::Value::Null);
    assert_eq!(
        entries[2]["content"],
        serde_json::json!({"uri": "steam://MFRGGZDFMZTWQ2LK", "entry_type": "Steam", "name": "dave"})
    );
    assert!(
        entries[3]["content"]["uri"]
            .as_str()
            .unwrap()
            .contains("&issuer=%C3%9Cnicode+Caf%C3%A9&")
    );

    assert_eq!(formats::detect(&bytes), Some(Format::Proton));
    assert_reads_back(
        &formats::import(&bytes, None, None, &[]).unwrap(),
        &accounts,
    );
}

#[test]
fn encrypted_export_hides_everything_and_reads_back_only_with_its_password() {
    let accounts = proton_accounts();
    assert!(ExportFormat::Proton.encrypts());
    let bytes = export_one(ExportFormat::Proton, &accounts, Some("s3cret pass"));
    let text = String::from_utf8(bytes.clone()).unwrap();
    for clear in [
        "JBSWY3DPEHPK3PXP",
        "MFRGGZDFMZTWQ2LK",
        "alice",
        "GitHub",
        "dave",
        "recovery",
    ] {
        assert!(!text.contains(clear), "{clear} in clear");
    }
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["version"], 1);
    assert!(json["salt"].is_string() && json["content"].is_string());
    assert!(json.get("entries").is_none());

    let err = formats::import(&bytes, None, Some("wrong"), &[]).unwrap_err();
    assert!(matches!(err, FormatError::WrongPassword { .. }), "{err:?}");
    assert_reads_back(
        &formats::import(&bytes, None, Some("s3cret pass"), &[]).unwrap(),
        &accounts,
    );
}

fn refusal(accounts: &[Account]) -> String {
    let err = formats::export(ExportFormat::Proton, accounts, None).unwrap_err();
    assert!(matches!(err, FormatError::CannotExport { .. }), "{err:?}");
    err.to_string()
}

#[test]
fn hotp_accounts_are_refused_by_name_with_advice() {
    let message = refusal(&vault_accounts());
    assert!(message.contains("Bank: carol"), "{message}");
    assert!(message.contains("HOTP"), "{message}");
    assert!(message.contains("export as aegis or otpauth"), "{message}");
}

fn totp(issuer: Option<&str>, name: &str, kind: OtpKind) -> Account {
    let otp = OtpAuth::new(
        issuer.map(str::to_owned),
        name,
        Secret::from_bytes(vec![7; 10]),
        Algorithm::Sha1,
        6,
        kind,
    )
    .unwrap();
    Account::new(otp, 1)
}

#[test]
fn what_proton_would_read_back_differently_is_refused() {
    // A colon in a name without issuer would become an issuer in Proton.
    let message = refusal(&[totp(None, "shop:ann", OtpKind::Totp { period: 30 })]);
    assert!(
        message.contains("shop:ann") && message.contains("colon"),
        "{message}"
    );
    // Proton names every Steam account "Steam" and changes codes every 30 s.
    let message = refusal(&[totp(Some("Valve"), "gabe", OtpKind::Steam { period: 30 })]);
    assert!(
        message.contains("Valve: gabe") && message.contains("\"Steam\""),
        "{message}"
    );
    let message = refusal(&[totp(Some("Steam"), "gabe", OtpKind::Steam { period: 60 })]);
    assert!(message.contains("30 seconds"), "{message}");
    let message = refusal(&[totp(Some("X"), "y", OtpKind::Totp { period: 70_000 })]);
    assert!(message.contains("70000"), "{message}");
}

// --- properties --------------------------------------------------------------

fn totp_account() -> impl Strategy<Value = Account> {
    let text = "\\PC{0,24}";
    (
        proptest::option::of(text),
        text,
        proptest::collection::vec(any::<u8>(), 1..48),
        (0usize..3, 6u8..=8, 1u32..=65535),
        text,
    )
        .prop_map(|(issuer, name, key, (hash, digits, period), note)| {
            let algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][hash];
            let otp = OtpAuth::new(
                issuer,
                name,
                Secret::from_bytes(key),
                algorithm,
                digits,
                OtpKind::Totp { period },
            )
            .unwrap();
            let mut account = Account::new(otp, 1);
            account.note = note;
            account
        })
}

fn assert_round_trip(accounts: &[Account], password: Option<&str>) -> Result<(), TestCaseError> {
    let files = match formats::export(ExportFormat::Proton, accounts, password) {
        Ok(files) => files,
        Err(err) => {
            // Only a colon in a name may stop an account (Proton splits
            // names at one); the refusal names the account.
            prop_assert!(matches!(err, FormatError::CannotExport { .. }), "{err:?}");
            prop_assert!(accounts.iter().any(|a| a.otp.name().contains(':')), "{err}");
            return Ok(());
        }
    };
    let preview = formats::import(&files[0].bytes, None, password, &[]).unwrap();
    prop_assert_eq!(preview.format, Format::Proton);
    prop_assert!(preview.unreadable.is_empty(), "{:?}", preview.unreadable);
    let mut expected = accounts.iter();
    for imported in &preview.added {
        let account = expected
            .find(|a| a.otp.secret() == imported.otp.secret())
            .unwrap();
        prop_assert_eq!(&imported.otp, &account.otp);
        prop_assert_eq!(&imported.note, &account.note);
    }
    prop_assert_eq!(
        preview.added.len() + preview.duplicates.len(),
        accounts.len()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn plain_export_round_trips_totp_accounts(accounts in proptest::collection::vec(totp_account(), 1..8)) {
        assert_round_trip(&accounts, None)?;
    }

    #[test]
    fn names_without_colons_are_never_refused(accounts in proptest::collection::vec(totp_account(), 1..8)) {
        let accounts: Vec<Account> = accounts.into_iter().filter(|a| !a.otp.name().contains(':')).collect();
        prop_assert!(formats::export(ExportFormat::Proton, &accounts, None).is_ok());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = formats::import(&bytes, Some(Format::Proton), None, &[]);
        let _ = formats::import(&bytes, None, None, &[]);
    }

    #[test]
    fn json_shaped_input_never_panics(
        key in "(version|entries|salt|content|uri|entry_type|name|note|id)",
        value in "(null|true|1|-1|256|\"x\"|\"Totp\"|\"Steam\"|\"steam://\"|\"otpauth://totp/?secret=\"|\\[\\]|\\{\\})",
    ) {
        let text = format!(
            r#"{{"version": 1, "{key}": {value}, "entries": [{{"{key}": {value}, "content": {{"{key}": {value}, "uri": {value}, "entry_type": "Totp"}}}}]}}"#
        );
        let _ = formats::import(text.as_bytes(), Some(Format::Proton), None, &[]);
    }
}

proptest! {
    // Each case runs Argon2id (19 MiB) twice: a few cases are enough to
    // cover the encryption, the plain layout inside is covered above.
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn encrypted_export_round_trips_totp_accounts(accounts in proptest::collection::vec(totp_account(), 1..4)) {
        assert_round_trip(&accounts, Some("pw"))?;
    }
}
