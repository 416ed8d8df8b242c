//! FreeOTP+, Stratum (Authenticator Pro), LastPass Authenticator, Bitwarden
//! CSV, and the apps without an export (Authy, Microsoft Authenticator):
//! the samples written by `samples/make_samples.py` read back whole, their
//! broken twins add nothing, each sample is recognised as its own format
//! only, and no input makes these importers panic.
#![allow(clippy::unwrap_used)]

#[path = "support/samples.rs"]
mod samples;

use proptest::prelude::*;
use samples::*;
use twofold_authenticator::formats::{self, Format, FormatError};
use twofold_authenticator::{Account, OtpKind};

#[test]
fn freeotpplus_sample_reads_every_account_in_token_order() {
    // The file lists the tokens in reverse; tokenOrder puts them right.
    let preview = import("freeotpplus.json");
    assert_eq!(preview.format, Format::FreeOtpPlus);
    assert_accounts(&preview, &ALL, KEYS_ONLY);
}

#[test]
fn freeotpplus_keeps_tokens_that_token_order_leaves_out_and_reads_renames() {
    let file = br#"{"tokenOrder":["B:two"],"tokens":[
        {"type":"TOTP","issuerExt":"A","label":"one","secret":[1,2,3,4,5,6,7,8,9,10]},
        {"type":"HOTP","issuerExt":"B","label":"two","counter":-1,"secret":[-1,-2,-3,-4,-5,-6,-7,-8,-9,-10],
         "issuerAlt":"Bee","labelAlt":"second"}]}"#;
    let preview = formats::import(file, None, None, &[]).unwrap();
    let names: Vec<_> = preview
        .added
        .iter()
        .map(|a| (a.otp.issuer(), a.otp.name()))
        .collect();
    assert_eq!(names, [(Some("Bee"), "second"), (Some("A"), "one")]);
    // A new HOTP token (stored counter -1) shows counter 0 next; signed
    // bytes are the key's bytes.
    assert_eq!(preview.added[0].otp.kind(), OtpKind::Hotp { counter: 0 });
    assert_eq!(
        preview.added[0].otp.secret().as_bytes(),
        [255, 254, 253, 252, 251, 250, 249, 248, 247, 246]
    );
}

#[test]
fn stratum_sample_reads_every_account_with_its_categories() {
    let preview = import("stratum.json");
    assert_eq!(preview.format, Format::Stratum);
    assert_accounts(&preview, &ALL, TAGS_ONLY);
}

#[test]
fn lastpass_sample_reads_its_totp_accounts_with_folders_and_favourites() {
    let preview = import("lastpass.json");
    assert_eq!(preview.format, Format::LastPass);
    // LastPass makes TOTP codes only: no Bank (HOTP) or Steam in its export.
    assert_accounts(
        &preview,
        &[&GITHUB, &ACME, &UNICODE],
        Carries {
            tags: true,
            notes: false,
            favourites: true,
        },
    );
}

#[test]
fn lastpass_folder_ids_may_be_strings() {
    let file = br#"{"version":3,"accounts":[{"issuerName":"","originalIssuerName":"Orig",
        "userName":"me","secret":"JBSWY3DPEHPK3PXP","timeStep":30,"digits":6,"algorithm":"SHA1",
        "isFavorite":false,"folderData":{"folderId":"7","position":0}}],
        "folders":[{"id":7,"name":"Home","isOpened":true}]}"#;
    let preview = formats::import(file, None, None, &[]).unwrap();
    assert_eq!(preview.added[0].tags, ["Home"]);
    // An emptied issuer name falls back to the original one.
    assert_eq!(preview.added[0].otp.issuer(), Some("Orig"));
}

#[test]
fn bitwarden_csv_sample_reads_logins_with_keys_only() {
    let preview = import("bitwarden.csv");
    assert_eq!(preview.format, Format::Bitwarden);
    assert_accounts(&preview, &ALL, EVERYTHING);
}

#[test]
fn bitwarden_csv_with_quoted_header_and_byte_order_mark_is_read() {
    let file = "\u{feff}\"folder\",\"favorite\",\"type\",\"name\",\"login_username\",\"login_totp\"\r\n\
                Home,1,login,Site,me,JBSWY3DPEHPK3PXP\r\n";
    let preview = formats::import(file.as_bytes(), None, None, &[]).unwrap();
    assert_eq!(preview.format, Format::Bitwarden);
    let site = &preview.added[0];
    assert_eq!((site.otp.issuer(), site.otp.name()), (Some("Site"), "me"));
    assert_eq!(
        (site.tags.as_slice(), site.favourite),
        (&["Home".to_owned()][..], true)
    );
}

#[test]
fn bitwarden_csv_and_json_samples_read_the_same() {
    assert_eq!(
        import("bitwarden.csv").added,
        import("bitwarden.json").added
    );
}

#[test]
fn broken_samples_import_nothing() {
    for file in [
        "freeotpplus-broken.json",
        "stratum-broken.json",
        "bitwarden-broken.csv",
    ] {
        let preview = import(file);
        assert_eq!(preview.unreadable.len(), 1, "{file}");
        assert_eq!(preview.added.len(), 1, "{file}");
        let mut accounts = Vec::new();
        let error = preview.apply(&mut accounts, 1).unwrap_err();
        assert!(
            matches!(error, FormatError::Unreadable { count: 1, .. }),
            "{file}: {error}"
        );
        assert!(accounts.is_empty(), "{file}");
    }
    let error = formats::import(&sample("lastpass-broken.json"), None, None, &[]).unwrap_err();
    assert!(
        matches!(
            error,
            FormatError::Json {
                format: Format::LastPass,
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn unreadable_entries_say_why() {
    let stratum = import("stratum-broken.json");
    assert_eq!(stratum.unreadable[0].entry, "entry 2 (Mobile: frank)");
    assert!(stratum.unreadable[0].reason.contains("mOTP"));
    let yandex = br#"{"Authenticators":[{"Type":5,"Issuer":"Yandex","Username":"y","Secret":"JBSWY3DPEHPK3PXP","Algorithm":0,"Digits":8,"Period":30,"Counter":0}]}"#;
    let preview = formats::import(yandex, None, None, &[]).unwrap();
    assert!(preview.unreadable[0].reason.contains("Yandex"));

    let freeotp = import("freeotpplus-broken.json");
    assert_eq!(freeotp.unreadable[0].entry, "entry 2 (Empty: nobody)");
    let csv = import("bitwarden-broken.csv");
    assert_eq!(csv.unreadable[0].entry, "entry 2 (Broken: gina)");
    assert!(
        csv.unreadable[0].reason.contains("base32"),
        "{}",
        csv.unreadable[0].reason
    );
}

#[test]
fn encrypted_stratum_backups_are_refused_with_advice() {
    for bytes in [
        sample("stratum-encrypted.bin"),
        b"AuthenticatorPro\x01\x02\x03".to_vec(),
    ] {
        let error = formats::import(&bytes, None, Some(AEGIS_PASSWORD), &[]).unwrap_err();
        assert!(
            matches!(
                error,
                FormatError::Unsupported {
                    format: Format::Stratum,
                    ..
                }
            ),
            "{error}"
        );
        assert!(
            error.to_string().contains("leave the password empty"),
            "{error}"
        );
    }
}

#[test]
fn csv_errors_name_the_line_and_never_a_secret() {
    let header = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n";
    let unclosed = format!("{header},,login,X,\"note\n,,,,,,SECRETPASSWORD,JBSWY3DPEHPK3PXP\n");
    let error = formats::import(unclosed.as_bytes(), None, None, &[]).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("line 2"), "{message}");
    assert!(!message.contains("SECRETPASSWORD") && !message.contains("JBSWY3DP"));

    let short = format!("{header},,login,X,,,0,,me,SECRETPASSWORD\n");
    let message = formats::import(short.as_bytes(), None, None, &[])
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("line 2: 10 fields where the header has 11"),
        "{message}"
    );

    let after_quote = format!("{header},,login,\"X\"y,,,0,,me,SECRETPASSWORD,JBSWY3DPEHPK3PXP\n");
    let message = formats::import(after_quote.as_bytes(), None, None, &[])
        .unwrap_err()
        .to_string();
    assert!(message.contains("line 2: text after"), "{message}");
    assert!(!message.contains("SECRETPASSWORD"));
}

#[test]
fn apps_without_an_export_are_named_and_answered_with_advice() {
    for (id, format) in [
        ("authy", Format::Authy),
        ("microsoft", Format::MicrosoftAuthenticator),
    ] {
        assert_eq!(id.parse::<Format>().unwrap(), format);
        assert!(!format.can_import());
        let advice = format.no_export_advice().unwrap();
        assert!(
            advice.contains("scan the new QR code with Twofold"),
            "{advice}"
        );
        // Whatever file is given with it, the answer is the advice.
        for file in [sample("otpauth.txt"), Vec::new()] {
            let error = formats::import(&file, Some(format), None, &[]).unwrap_err();
            assert!(
                matches!(&error, FormatError::Unsupported { format: f, advice: a, .. }
                    if *f == format && *a == advice),
                "{error}"
            );
        }
        // Several pictures with it (the QR path) get the same answer.
        let picture = sample("otpauth.txt");
        let error =
            formats::import_files(&[&picture, &picture], Some(format), None, &[]).unwrap_err();
        assert!(matches!(error, FormatError::Unsupported { .. }), "{error}");
    }
    assert!(
        Format::Authy
            .no_export_advice()
            .unwrap()
            .contains("Authy cannot export")
    );
    for format in Format::ALL {
        assert_eq!(
            format.can_import(),
            !matches!(format, Format::Authy | Format::MicrosoftAuthenticator),
            "{format}"
        );
    }
    // "Name its format" offers only formats that can be read.
    let message = FormatError::UnknownFormat.to_string();
    assert!(message.contains("freeotpplus") && message.contains("lastpass"));
    assert!(
        !message.contains("authy") && !message.contains("microsoft"),
        "{message}"
    );
}

#[test]
fn imported_samples_apply_into_a_vault() {
    let mut accounts: Vec<Account> = Vec::new();
    import("stratum.json").apply(&mut accounts, 1).unwrap();
    assert_eq!(accounts.len(), 5);
    assert_eq!(accounts[0].tags, ["Work"]);
    // The same keys from another app are duplicates, not new accounts.
    let again = formats::import(&sample("freeotpplus.json"), None, None, &accounts).unwrap();
    assert!(again.added.is_empty());
    assert_eq!(again.duplicates.len(), 5);
}

/// A CSV field as RFC 4180 writes it: quoted when it must be, quotes doubled.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) || text.starts_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn new_importers_never_panic_on_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        which in 0usize..5,
    ) {
        let format = [Format::FreeOtpPlus, Format::Stratum, Format::LastPass, Format::Bitwarden, Format::Authy][which];
        let _ = formats::import(&bytes, Some(format), None, &[]);
        let _ = formats::import(&bytes, None, None, &[]);
    }

    #[test]
    fn new_importers_never_panic_on_json_like_text(
        text in r#"[\[\]{}",:0-9a-zA-Z \-]{0,200}"#,
        key in prop::sample::select(vec![
            "tokens", "tokenOrder", "secret", "counter", "Authenticators", "Type", "Secret",
            "Counter", "accounts", "timeStep", "folderData", "folderId", "folders",
        ]),
        which in 0usize..3,
    ) {
        let format = [Format::FreeOtpPlus, Format::Stratum, Format::LastPass][which];
        let text = format!("{{\"{key}\":{text}}}");
        let _ = formats::import(text.as_bytes(), Some(format), None, &[]);
    }

    #[test]
    fn bitwarden_csv_never_panics(
        text in r#"[a-z_,"\r\n 0-9:/=?&]{0,300}"#,
    ) {
        let header = "name,login_totp,folder,favorite,notes\n";
        let _ = formats::import(format!("{header}{text}").as_bytes(), None, None, &[]);
    }

    /// Any text in the quoted columns comes back as written: what Python's
    /// csv module (the sample) or Bitwarden would write, we read.
    #[test]
    fn bitwarden_csv_fields_read_back_as_written(
        rows in proptest::collection::vec(("\\PC{0,12}[,\"\n]?\\PC{0,12}", "(\\PC|[\r\n,\"]){0,40}", any::<bool>(), any::<bool>()), 1..6),
    ) {
        let mut text = String::from("folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n");
        for (index, (folder, note, favourite, crlf)) in rows.iter().enumerate() {
            // A distinct valid key per row, so none is a duplicate.
            let key = data_encoding::BASE32_NOPAD.encode(&[index as u8 + 1; 10]);
            let fields = [folder.as_str(), if *favourite { "1" } else { "" }, "login", "Site", note, "", "0", "", "me", note, &key];
            let row: Vec<_> = fields.iter().map(|field| csv_field(field)).collect();
            text.push_str(&row.join(","));
            text.push_str(if *crlf { "\r\n" } else { "\n" });
        }
        let preview = formats::import(text.as_bytes(), None, None, &[]).unwrap();
        prop_assert_eq!(preview.format, Format::Bitwarden);
        prop_assert!(preview.unreadable.is_empty());
        prop_assert_eq!(preview.added.len(), rows.len());
        for (imported, (folder, note, favourite, _)) in preview.added.iter().zip(&rows) {
            prop_assert_eq!(&imported.note, note);
            let tags: Vec<String> = if folder.is_empty() { vec![] } else { vec![folder.clone()] };
            prop_assert_eq!(&imported.tags, &tags);
            prop_assert_eq!(imported.favourite, *favourite);
        }
    }
}
