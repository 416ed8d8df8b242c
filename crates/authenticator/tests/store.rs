//! The plain accounts file.
#![allow(clippy::unwrap_used)]

use twofold_authenticator::{Account, AccountStore, OtpAuth, PlainFileStore, StoreError};

fn sample_accounts() -> Vec<Account> {
    let mut github = Account::new(
        OtpAuth::parse("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP").unwrap(),
        1_700_000_000,
    );
    github.tags = vec!["work".into(), "code".into()];
    github.note = "recovery codes in the safe".into();
    github.position = 1;
    github.last_used_at = Some(1_700_000_100);
    let hotp = Account::new(
        OtpAuth::parse(
            "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&counter=7&digits=8&algorithm=SHA256",
        )
        .unwrap(),
        1_600_000_000,
    );
    let steam = Account::new(
        OtpAuth::parse("otpauth://totp/Steam:gabe?secret=KRSXG5CT&issuer=Steam").unwrap(),
        1_500_000_000,
    );
    vec![github, hotp, steam]
}

#[test]
fn saved_accounts_load_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = PlainFileStore::new(dir.path().join("data/accounts.json"));
    assert!(
        store.load().unwrap().is_empty(),
        "no file yet means no accounts"
    );
    let accounts = sample_accounts();
    store.save(&accounts).unwrap();
    assert_eq!(store.load().unwrap(), accounts);
}

#[cfg(unix)]
#[test]
fn the_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = PlainFileStore::new(dir.path().join("accounts.json"));
    store.save(&sample_accounts()).unwrap();
    let mode = std::fs::metadata(store.path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_save_keeps_the_previous_file_as_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.json");
    let store = PlainFileStore::new(&path);
    let accounts = sample_accounts();
    store.save(&accounts[..1]).unwrap();
    store.save(&accounts).unwrap();
    let backup = PlainFileStore::new(dir.path().join("accounts.json.bak"));
    assert_eq!(backup.load().unwrap(), accounts[..1].to_vec());
    assert_eq!(store.load().unwrap(), accounts);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_damaged_file_is_reported_by_name_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.json");
    let store = PlainFileStore::new(&path);
    store.save(&sample_accounts()).unwrap();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.truncate(text.len() / 2);
    std::fs::write(&path, &text).unwrap();

    let error = store.load().unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }));
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("accounts.json.bak"), "{message}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_bad_secret_inside_the_file_names_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accounts.json");
    let store = PlainFileStore::new(&path);
    let accounts = sample_accounts();
    store.save(&accounts[..1]).unwrap();
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PX1");
    std::fs::write(&path, text).unwrap();
    let message = store.load().unwrap_err().to_string();
    assert!(message.contains(&accounts[0].id.to_string()), "{message}");
    assert!(message.contains("'1' at position 16"), "{message}");
}
