//! Importers against the sample files in `tests/samples` (written by
//! `make_samples.py`, independently of this crate), broken inputs, the
//! preview and its all-or-nothing apply, and exports read back.
#![allow(clippy::unwrap_used)]

use twofold_authenticator::formats::{
    self, ExportFormat, Format, FormatError, MAX_ACCOUNTS_PER_QR,
};
use twofold_authenticator::{Account, Algorithm, OtpAuth, OtpKind, Secret, qr};

#[path = "support/samples.rs"]
mod samples;
use samples::*;

#[test]
fn each_sample_is_recognised_as_its_format_and_claimed_by_no_other() {
    for (file, format) in SAMPLES {
        let bytes = sample(file);
        assert_eq!(formats::detect(&bytes), Some(format), "{file}");
        let claims: Vec<_> = Format::ALL
            .into_iter()
            .filter(|candidate| candidate.importer().detect(&bytes))
            .collect();
        // Ente's plain export is an otpauth list too, on purpose: the order
        // of Format::ALL decides.
        let expected = match file {
            "ente.txt" => vec![format, Format::OtpauthList],
            _ => vec![format],
        };
        assert_eq!(claims, expected, "{file}");
    }
    // andOTP before 0.8 wrote random-looking bytes from the first: it opens
    // only when named.
    assert_eq!(
        formats::detect(&sample("andotp-encrypted-old.json.aes")),
        None
    );
}

#[test]
fn otpauth_list_sample() {
    assert_accounts(&import("otpauth.txt"), &ALL, KEYS_ONLY);
}

#[test]
fn aegis_plain_sample() {
    assert_accounts(&import("aegis-plain.json"), &ALL, EVERYTHING);
}

#[test]
fn aegis_encrypted_sample_opens_with_its_password() {
    assert_accounts(&import("aegis-encrypted.json"), &ALL, EVERYTHING);
}

#[test]
fn twofas_sample() {
    assert_accounts(&import("2fas.2fas"), &ALL, TAGS_ONLY);
}

#[test]
fn bitwarden_sample_reads_logins_with_keys_only() {
    // The sample also has a login without a key and a secure note.
    assert_accounts(&import("bitwarden.json"), &ALL, EVERYTHING);
}

#[test]
fn andotp_sample() {
    assert_accounts(&import("andotp.json"), &ALL, TAGS_ONLY);
}

#[test]
fn ente_sample_skips_trashed_entries() {
    let preview = import("ente.txt");
    assert_accounts(&preview, &ALL, EVERYTHING);
    assert!(preview.added.iter().all(|a| a.otp.issuer() != Some("Old")));
}

#[test]
fn google_migration_sample_reads_both_batches() {
    let acme_30s = Expected {
        kind: OtpKind::Totp { period: 30 },
        ..ACME
    };
    assert_accounts(
        &import("google-migration.txt"),
        &[&GITHUB, &BANK, &acme_30s],
        KEYS_ONLY,
    );
}

#[test]
fn google_migration_with_a_batch_missing_names_it() {
    let text = String::from_utf8(sample("google-migration.txt")).unwrap();
    let second_only = text.lines().nth(1).unwrap();
    let preview = formats::import(second_only.as_bytes(), None, None, &[]).unwrap();
    assert_eq!(preview.added.len(), 2);
    assert_eq!(preview.unreadable.len(), 1, "{:?}", preview.unreadable);
    assert!(
        preview.unreadable[0].entry.contains("QR code 1 of 2"),
        "{:?}",
        preview.unreadable
    );
}

#[test]
fn google_migration_expands_from_qr_images() {
    let text = String::from_utf8(sample("google-migration.txt")).unwrap();
    let images: Vec<Vec<u8>> = text
        .lines()
        .map(|line| qr::encode_png(line).unwrap())
        .collect();
    let images: Vec<&[u8]> = images.iter().map(Vec::as_slice).collect();
    let preview = formats::import_qr_images(&images, &[]).unwrap();
    assert_eq!(preview.format, Format::GoogleMigration);
    let names: Vec<_> = preview.added.iter().map(|a| a.otp.name()).collect();
    assert_eq!(names, ["alice@example.com", "carol", "bob"]);
}

#[test]
fn other_qr_codes_beside_accounts_are_passed_over() {
    let website = qr::encode_png("https://example.com/login").unwrap();
    let account = qr::encode_png("otpauth://totp/Site:me?secret=JBSWY3DPEHPK3PXP").unwrap();
    let preview = formats::import_qr_images(&[&website, &account], &[]).unwrap();
    assert_eq!(preview.added.len(), 1);
    assert!(preview.unreadable.is_empty(), "{:?}", preview.unreadable);

    let preview = formats::import_qr_images(&[&website], &[]).unwrap();
    assert!(preview.added.is_empty());
    assert_eq!(preview.unreadable[0].entry, "QR code 1");
    assert!(
        preview.unreadable[0].reason.contains("'https'"),
        "{:?}",
        preview.unreadable
    );
}

#[test]
fn qr_images_without_codes_are_an_error() {
    let blank = qr::encode_png("x").unwrap();
    let blank = image::load_from_memory(&blank).unwrap().to_luma8();
    let blank = image::GrayImage::from_pixel(blank.width(), blank.height(), image::Luma([255]));
    let mut png = Vec::new();
    blank
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert!(matches!(
        formats::import_qr_images(&[&png], &[]),
        Err(FormatError::NoQrCode { pictures: 1 })
    ));
}

// --- broken inputs ---------------------------------------------------------

const TEXT_SAMPLES: [&str; 7] = [
    "otpauth.txt",
    "aegis-plain.json",
    "2fas.2fas",
    "bitwarden.json",
    "andotp.json",
    "ente.txt",
    "aegis-encrypted.json",
];

#[test]
fn a_bad_base32_secret_imports_nothing_and_names_the_entry() {
    // The encrypted sample's secrets are not visible; the others get a '1'
    // (not base32) in GitHub's secret.
    for file in &TEXT_SAMPLES[..6] {
        let broken = String::from_utf8(sample(file))
            .unwrap()
            .replace("JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PX1");
        let preview = formats::import(broken.as_bytes(), None, None, &[]).unwrap();
        assert_eq!(
            preview.unreadable.len(),
            1,
            "{file}: {:?}",
            preview.unreadable
        );
        let unreadable = &preview.unreadable[0];
        assert!(
            unreadable.entry.contains("alice") || unreadable.entry.contains("line"),
            "{file}: {unreadable}"
        );
        assert!(
            unreadable.reason.contains("'1' at position 16"),
            "{file}: {unreadable}"
        );

        let mut accounts = Vec::new();
        let err = preview.apply(&mut accounts, 0).unwrap_err();
        assert!(accounts.is_empty(), "{file}: something was added");
        assert!(
            matches!(err, FormatError::Unreadable { count: 1, .. }),
            "{file}: {err}"
        );
        assert!(err.to_string().contains("nothing was imported"), "{err}");
    }
}

#[test]
fn truncated_json_exports_import_nothing_and_say_so() {
    for file in [
        "aegis-plain.json",
        "aegis-encrypted.json",
        "2fas.2fas",
        "bitwarden.json",
        "andotp.json",
    ] {
        let bytes = sample(file);
        let format = formats::detect(&bytes).unwrap();
        let err = formats::import(
            &bytes[..bytes.len() * 2 / 3],
            Some(format),
            Some(AEGIS_PASSWORD),
            &[],
        )
        .unwrap_err();
        assert!(matches!(err, FormatError::Json { .. }), "{file}: {err:?}");
        assert!(err.to_string().contains("truncated"), "{file}: {err}");
    }
}

#[test]
fn a_truncated_google_migration_line_is_unreadable() {
    let text = String::from_utf8(sample("google-migration.txt")).unwrap();
    let first = text.lines().next().unwrap();
    let cut = &first[..first.len() / 2];
    let preview = formats::import(cut.as_bytes(), None, None, &[]).unwrap();
    assert!(preview.added.is_empty());
    assert_eq!(preview.unreadable.len(), 1);
    assert!(
        preview.unreadable[0]
            .reason
            .contains("Google Authenticator export"),
        "{:?}",
        preview.unreadable
    );
}

#[test]
fn encrypted_aegis_needs_the_right_password() {
    let bytes = sample("aegis-encrypted.json");
    let err = formats::import(&bytes, None, None, &[]).unwrap_err();
    assert!(
        matches!(
            err,
            FormatError::PasswordNeeded {
                format: Format::Aegis
            }
        ),
        "{err:?}"
    );
    let err = formats::import(&bytes, None, Some("Correct horse battery staple"), &[]).unwrap_err();
    assert!(
        matches!(
            err,
            FormatError::WrongPassword {
                format: Format::Aegis
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("password does not open"));
}

#[test]
fn tampered_encrypted_aegis_is_reported_as_damaged() {
    let text = String::from_utf8(sample("aegis-encrypted.json")).unwrap();
    let db_start = text.find("\"db\": \"").unwrap() + 7;
    let mut bytes = text.into_bytes();
    bytes[db_start] = if bytes[db_start] == b'A' { b'B' } else { b'A' };
    let err = formats::import(&bytes, None, Some(AEGIS_PASSWORD), &[]).unwrap_err();
    assert!(err.to_string().contains("damaged"), "{err}");
}

#[test]
fn hostile_scrypt_cost_is_refused_before_deriving() {
    let text = String::from_utf8(sample("aegis-encrypted.json"))
        .unwrap()
        .replace("\"n\": 32768", "\"n\": 1073741824");
    let err = formats::import(text.as_bytes(), None, Some(AEGIS_PASSWORD), &[]).unwrap_err();
    assert!(matches!(err, FormatError::Layout { .. }), "{err:?}");
}

#[test]
fn encrypted_bitwarden_exports_are_refused_with_advice() {
    let bitwarden = br#"{"encrypted":true,"encKeyValidation_DO_NOT_EDIT":"x","items":[]}"#;
    let err = formats::import(bitwarden, None, None, &[]).unwrap_err();
    assert!(
        matches!(
            err,
            FormatError::Unsupported {
                format: Format::Bitwarden,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn unknown_and_empty_files_are_errors() {
    let err = formats::import(b"hello, world", None, None, &[]).unwrap_err();
    assert!(matches!(err, FormatError::UnknownFormat), "{err:?}");
    let err =
        formats::import(b"# only a comment\n", Some(Format::OtpauthList), None, &[]).unwrap_err();
    assert!(matches!(err, FormatError::Empty { .. }), "{err:?}");
    let err = formats::import(b"{}", Some(Format::Bitwarden), None, &[]).unwrap_err();
    assert!(matches!(err, FormatError::Empty { .. }), "{err:?}");
}

#[test]
fn unsupported_otp_types_are_unreadable_entries() {
    let andotp = br#"[{"secret":"JBSWY3DPEHPK3PXP","issuer":"Yandex","label":"x","digits":8,"type":"YAOTP","algorithm":"SHA256","period":30,"tags":[]}]"#;
    let preview = formats::import(andotp, None, None, &[]).unwrap();
    assert_eq!(preview.unreadable.len(), 1);
    assert!(
        preview.unreadable[0].reason.contains("not supported"),
        "{:?}",
        preview.unreadable
    );
    assert_eq!(preview.unreadable[0].entry, "entry 1 (Yandex: x)");
}

#[test]
fn bitwarden_bare_keys_are_default_totp_named_after_the_item() {
    let json = br#"{"encrypted":false,"items":[{"type":1,"name":"Forum","login":{"username":"frank","totp":"jbsw y3dp ehpk 3pxp"}},
        {"type":1,"name":"Odd","login":{"username":"x","totp":"otpauth-unknown://x"}}]}"#;
    let preview = formats::import(json, None, None, &[]).unwrap();
    let otp = &preview.added[0].otp;
    assert_eq!((otp.issuer(), otp.name()), (Some("Forum"), "frank"));
    assert_eq!(otp.secret().to_base32(), "JBSWY3DPEHPK3PXP");
    assert_eq!(
        (otp.kind(), otp.digits()),
        (OtpKind::Totp { period: 30 }, 6)
    );
    assert_eq!(preview.unreadable[0].entry, "entry 2 (Odd: x)");
    assert!(
        preview.unreadable[0].reason.contains("not supported"),
        "{:?}",
        preview.unreadable
    );
}

#[test]
fn old_andotp_labels_split_into_issuer_and_name() {
    let andotp = br#"[{"secret":"JBSWY3DPEHPK3PXP","label":"GitHub - alice","digits":6,"type":"TOTP","algorithm":"SHA1","period":30}]"#;
    let preview = formats::import(andotp, Some(Format::AndOtp), None, &[]).unwrap();
    assert_eq!(preview.added[0].otp.issuer(), Some("GitHub"));
    assert_eq!(preview.added[0].otp.name(), "alice");
}

#[test]
fn errors_and_debug_output_never_show_a_secret() {
    let broken = String::from_utf8(sample("2fas.2fas"))
        .unwrap()
        .replace("\"digits\": 6", "\"digits\": \"JBSWY3DPEHPK3PXP\"")
        .replace("\"digits\":6", "\"digits\":\"JBSWY3DPEHPK3PXP\"");
    let err = formats::import(broken.as_bytes(), None, None, &[]).unwrap_err();
    assert!(!err.to_string().contains("JBSWY3DP"), "{err}");
    let preview = import("aegis-plain.json");
    let debug = format!("{preview:?}");
    assert!(
        !debug.contains("JBSWY3DP") && !debug.contains("GEZDGNBV"),
        "{debug}"
    );
}

// --- preview and apply -----------------------------------------------------

fn account(uri: &str) -> Account {
    Account::new(OtpAuth::parse(uri).unwrap(), 1)
}

#[test]
fn keys_already_in_the_vault_or_twice_in_the_file_are_duplicates() {
    // Same key as GitHub's under another name: still the same account.
    let existing = vec![account("otpauth://totp/Renamed:me?secret=JBSWY3DPEHPK3PXP")];
    let mut text = String::from_utf8(sample("otpauth.txt")).unwrap();
    text.push_str(
        "otpauth://hotp/Bank:carol-again?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=1\n",
    );
    let preview = formats::import(text.as_bytes(), None, None, &existing).unwrap();
    assert_eq!(preview.added.len(), 4);
    assert_eq!(preview.duplicates.len(), 2);
    assert_eq!(
        preview.duplicates[0].imported.otp.name(),
        "alice@example.com"
    );
    assert_eq!(preview.duplicates[0].existing, Some(existing[0].id));
    assert_eq!(preview.duplicates[1].imported.otp.name(), "carol-again");
    assert_eq!(preview.duplicates[1].existing, None);
}

#[test]
fn apply_appends_new_accounts_after_the_existing_ones() {
    let mut accounts = vec![account("otpauth://totp/Old:one?secret=MZXW6YTBOI")];
    accounts[0].position = 7;
    let ids = import("aegis-plain.json")
        .apply(&mut accounts, 1_700_000_000)
        .unwrap();
    assert_eq!(ids.len(), 5);
    assert_eq!(accounts.len(), 6);
    let github = &accounts[1];
    assert_eq!(github.id, ids[0]);
    assert_eq!(github.position, 8);
    assert_eq!(accounts[5].position, 12);
    assert_eq!(github.tags, ["Work"]);
    assert!(github.favourite);
    assert_eq!(github.created_at, 1_700_000_000);
    assert_eq!(accounts[3].note, "backup codes in the safe");
}

// --- exports -----------------------------------------------------------------

#[test]
fn aegis_plain_export_reads_back_identically() {
    let accounts = vault_accounts();
    let bytes = export_one(ExportFormat::Aegis, &accounts, None);
    let preview = formats::import(&bytes, None, None, &[]).unwrap();
    assert_eq!(preview.format, Format::Aegis);
    assert_same_accounts(&preview, &accounts);
    for (imported, account) in preview.added.iter().zip(&accounts) {
        assert_eq!(imported.tags, account.tags);
        assert_eq!(imported.note, account.note);
        assert_eq!(imported.favourite, account.favourite);
    }
    assert!(
        accounts[0].favourite,
        "the sample's first account is a favourite"
    );
}

#[test]
fn aegis_encrypted_export_reads_back_only_with_its_password() {
    let accounts = vault_accounts();
    let bytes = export_one(ExportFormat::Aegis, &accounts, Some("s3cret pass"));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        !text.contains("JBSWY3DPEHPK3PXP") && !text.contains("alice"),
        "plaintext leaked"
    );
    assert!(text.contains("\"n\": 32768"));
    let err = formats::import(&bytes, None, Some("wrong"), &[]).unwrap_err();
    assert!(matches!(err, FormatError::WrongPassword { .. }));
    let preview = formats::import(&bytes, None, Some("s3cret pass"), &[]).unwrap();
    assert_same_accounts(&preview, &accounts);
}

#[test]
fn otpauth_list_export_reads_back_identically() {
    let accounts = vault_accounts();
    let bytes = export_one(ExportFormat::OtpauthList, &accounts, None);
    assert_same_accounts(
        &formats::import(&bytes, None, None, &[]).unwrap(),
        &accounts,
    );
    assert!(matches!(
        formats::export(ExportFormat::OtpauthList, &accounts, Some("pw")),
        Err(FormatError::CannotEncrypt { .. })
    ));
}

fn google_compatible(count: usize) -> Vec<Account> {
    (0..count)
        .map(|i| {
            let secret = Secret::from_bytes(format!("secret-number-{i:04}-xx").into_bytes());
            let otp = OtpAuth::new(
                Some(format!("Service {i}")),
                format!("user{i}@example.com"),
                secret,
                if i % 2 == 0 {
                    Algorithm::Sha1
                } else {
                    Algorithm::Sha256
                },
                if i % 3 == 0 { 8 } else { 6 },
                if i % 5 == 0 {
                    OtpKind::Hotp { counter: i as u64 }
                } else {
                    OtpKind::Totp { period: 30 }
                },
            )
            .unwrap();
            Account::new(otp, 1)
        })
        .collect()
}

#[test]
fn google_qr_export_is_a_series_of_scannable_pngs_that_reads_back() {
    let accounts = google_compatible(25);
    let files = formats::export(ExportFormat::GoogleMigrationQr, &accounts, None).unwrap();
    assert_eq!(files.len(), 3);
    for (index, file) in files.iter().enumerate() {
        assert_eq!((file.part, file.parts), (index + 1, 3));
        let payloads = qr::decode_image(&file.bytes).unwrap();
        assert_eq!(payloads.len(), 1);
        assert!(
            payloads[0]
                .as_str()
                .starts_with("otpauth-migration://offline?data=")
        );
        // Dense enough codes fail on phone cameras: stay within the budget.
        assert!(
            payloads[0].as_str().len() <= 1200,
            "{}",
            payloads[0].as_str().len()
        );
        let preview = formats::import_qr_payloads(&payloads, &[]);
        assert!((1..=MAX_ACCOUNTS_PER_QR).contains(&preview.added.len()));
    }
    let images: Vec<&[u8]> = files.iter().map(|file| file.bytes.as_slice()).collect();
    let preview = formats::import_qr_images(&images, &[]).unwrap();
    assert_same_accounts(&preview, &accounts);

    // Leaving one image out is noticed.
    let preview = formats::import_qr_images(&images[..2], &[]).unwrap();
    assert_eq!(preview.unreadable.len(), 1);
    assert!(
        preview.unreadable[0].entry.contains("QR code 3 of 3"),
        "{:?}",
        preview.unreadable
    );
}

#[test]
fn google_qr_export_refuses_what_google_cannot_show() {
    let accounts = vault_accounts();
    let err = formats::export(ExportFormat::GoogleMigrationQr, &accounts, None).unwrap_err();
    assert!(matches!(err, FormatError::CannotExport { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("Acme Corp: bob") && message.contains("30-second"),
        "{message}"
    );
}

#[test]
fn format_names_parse_back() {
    for format in Format::ALL {
        assert_eq!(format.id().parse::<Format>().unwrap(), format);
        assert_eq!(format.importer().format(), format);
        // Typed on a command line and kept in settings: plain names.
        assert!(
            format
                .id()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    }
    for format in ExportFormat::ALL {
        assert_eq!(format.id().parse::<ExportFormat>().unwrap(), format);
    }
    assert!(matches!(
        "keepass".parse::<Format>(),
        Err(FormatError::UnknownFormatName { .. })
    ));
}
