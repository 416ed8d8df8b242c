//! Property tests: whatever the accounts (any text in names, issuers, tags
//! and notes; any key; every code kind; favourite or not), our exports read
//! back to the same accounts, and no input makes an importer panic.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use twofold_authenticator::formats::{self, ExportFormat, Format};
use twofold_authenticator::{Account, Algorithm, OtpAuth, OtpKind, Secret};

fn account() -> impl Strategy<Value = Account> {
    let text = "\\PC{0,24}";
    (
        (proptest::option::of(text), text),
        proptest::collection::vec(any::<u8>(), 1..48),
        (0usize..3, 6u8..=8),
        (0usize..3, 1u32..=120, any::<u64>()),
        (
            proptest::collection::vec("[^\\n]{1,12}", 0..3),
            text,
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (issuer, name),
                key,
                (hash, digits),
                (kind, period, counter),
                (tags, note, favourite),
            )| {
                let algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][hash];
                let kind = [
                    OtpKind::Totp { period },
                    OtpKind::Hotp { counter },
                    OtpKind::Steam { period },
                ][kind];
                let otp = OtpAuth::new(
                    issuer,
                    name,
                    Secret::from_bytes(key),
                    algorithm,
                    digits,
                    kind,
                )
                .unwrap();
                let mut account = Account::new(otp, 1);
                account.tags = tags;
                account.note = note;
                account.favourite = favourite;
                account
            },
        )
}

fn read_back(format: ExportFormat, accounts: &[Account]) -> formats::ImportPreview {
    let files = formats::export(format, accounts, None).unwrap();
    formats::import(&files[0].bytes, None, None, &[]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn aegis_export_reads_back_identically(accounts in proptest::collection::vec(account(), 1..8)) {
        let preview = read_back(ExportFormat::Aegis, &accounts);
        prop_assert_eq!(preview.format, Format::Aegis);
        prop_assert!(preview.unreadable.is_empty());
        // Keys shared by two generated accounts would be duplicates: compare
        // what was added with the accounts it came from.
        let mut expected = accounts.iter();
        for imported in &preview.added {
            let account = expected.find(|a| a.otp.secret() == imported.otp.secret()).unwrap();
            prop_assert_eq!(&imported.otp, &account.otp);
            prop_assert_eq!(&imported.tags, &account.tags);
            prop_assert_eq!(&imported.note, &account.note);
            prop_assert_eq!(imported.favourite, account.favourite);
        }
        prop_assert_eq!(preview.added.len() + preview.duplicates.len(), accounts.len());
    }

    #[test]
    fn ente_export_reads_back_identically(accounts in proptest::collection::vec(account(), 1..8)) {
        let files = formats::export(ExportFormat::Ente, &accounts, None).unwrap();
        let preview = formats::import(&files[0].bytes, None, None, &[]).unwrap();
        prop_assert_eq!(preview.format, Format::Ente);
        prop_assert!(preview.unreadable.is_empty(), "{:?}", preview.unreadable);
        prop_assert_eq!(preview.added.len() + preview.duplicates.len(), accounts.len());
        let mut expected = accounts.iter();
        for imported in &preview.added {
            let account = expected.find(|a| a.otp.same_key(&imported.otp)).unwrap();
            prop_assert_eq!(&imported.otp, &account.otp);
            prop_assert_eq!(&imported.tags, &account.tags);
            prop_assert_eq!(&imported.note, &account.note);
            prop_assert_eq!(imported.favourite, account.favourite);
        }
    }

    #[test]
    fn otpauth_list_export_reads_back_identically(accounts in proptest::collection::vec(account(), 1..8)) {
        let preview = read_back(ExportFormat::OtpauthList, &accounts);
        prop_assert!(preview.unreadable.is_empty());
        let read: Vec<_> = preview.added.iter().chain(preview.duplicates.iter().map(|d| &d.imported)).collect();
        for account in &accounts {
            prop_assert!(read.iter().any(|imported| imported.otp == account.otp));
        }
    }

    #[test]
    fn importers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), which in 0..Format::ALL.len()) {
        let _ = formats::import(&bytes, Some(Format::ALL[which]), Some("pw"), &[]);
        let _ = formats::import(&bytes, None, None, &[]);
    }

    #[test]
    fn json_shaped_input_never_panics(
        key in "(header|db|services|schemaVersion|items|encrypted|secret|label|entries|slots)",
        value in "(null|true|1|-1|\"x\"|\\[\\]|\\{\\}|\"JBSWY3DP\")",
        which in 0..Format::ALL.len(),
    ) {
        let text = format!(r#"{{"{key}": {value}, "db": {{"version": 1, "entries": [{{"{key}": {value}}}]}}, "items": [{value}]}}"#);
        let _ = formats::import(text.as_bytes(), Some(Format::ALL[which]), Some("pw"), &[]);
    }
}
