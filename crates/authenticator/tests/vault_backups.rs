//! Automatic backups: the newest N copies of the vault file as saved, and a
//! restore that adds back what the vault lost, with everything it carried.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use twofold_authenticator::{
    AccountEdit, OtpKind, Protection, Unlock, Vault, VaultError, list_backups,
};

mod vault_support;
use vault_support::{account, add_all, passphrase};

const PASSPHRASE: &str = "correct horse";

fn new_vault(path: &Path) -> Vault {
    Vault::create(path, Protection::Passphrase(passphrase(PASSPHRASE))).unwrap()
}

fn open(path: &Path) -> Vault {
    open_with(path, PASSPHRASE)
}

#[test]
fn only_the_newest_backups_are_kept_and_each_opens_as_it_was_saved() {
    let dir = tempfile::tempdir().unwrap();
    let backups = dir.path().join("backups");
    fs::create_dir(&backups).unwrap();
    fs::write(backups.join("notes.txt"), "not a backup").unwrap();
    let mut vault = new_vault(&dir.path().join("vault.twofold"));
    let secrets = [
        "JBSWY3DPEHPK3PXP",
        "GEZDGNBVGY3TQOJQ",
        "MFRGGZDFMZTWQ2LK",
        "ONSWG4TFOQYTEMZU",
    ];
    let mut written = Vec::new();
    for (i, secret) in secrets.iter().enumerate() {
        add_all(&mut vault, [account(&format!("Service{i}"), secret)]);
        written.push(vault.back_up_to(&backups, 3).unwrap());
    }

    let kept = list_backups(&backups).unwrap();
    let kept_paths: Vec<_> = kept.iter().map(|b| b.path.clone()).collect();
    let newest_first: Vec<_> = written.iter().rev().take(3).cloned().collect();
    assert_eq!(kept_paths, newest_first);
    assert!(!written[0].exists(), "the oldest backup is gone");
    assert!(
        backups.join("notes.txt").exists(),
        "other files are left alone"
    );
    assert_eq!(kept[0].info.accounts, 4);
    assert_eq!(kept[2].info.accounts, 2);
    assert_eq!(open(&kept[2].path).accounts().len(), 2);
    assert_eq!(open(&kept[0].path).accounts(), vault.accounts());
}

#[test]
fn a_backup_folder_that_cannot_be_written_says_so_and_the_vault_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.twofold");
    let mut vault = new_vault(&path);
    add_all(&mut vault, [account("GitHub", "JBSWY3DPEHPK3PXP")]);
    let not_a_folder = dir.path().join("file");
    fs::write(&not_a_folder, "").unwrap();
    let error = vault.back_up_to(&not_a_folder, 5).unwrap_err();
    assert!(matches!(error, VaultError::Backup { .. }), "{error:?}");
    assert!(
        error.to_string().contains("your vault itself is saved"),
        "{error}"
    );
    assert_eq!(open(&path).accounts().len(), 1);
}

#[test]
fn restoring_adds_back_what_the_vault_lost_with_all_it_carried() {
    let dir = tempfile::tempdir().unwrap();
    let backups = dir.path().join("backups");
    let mut vault = new_vault(&dir.path().join("vault.twofold"));
    let mut counter = account("Bank", "GEZDGNBVGY3TQOJQ");
    counter.otp = twofold_authenticator::OtpAuth::parse(
        "otpauth://hotp/Bank:carol?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&counter=42",
    )
    .unwrap();
    add_all(&mut vault, [account("GitHub", "JBSWY3DPEHPK3PXP"), counter]);
    let bank = vault.accounts()[1].id;
    vault
        .transact(|accounts| {
            let account = accounts.iter_mut().find(|a| a.id == bank).unwrap();
            account.tags = vec!["Money".into()];
            account.note = "the safe".into();
            account.favourite = true;
            Ok::<(), VaultError>(())
        })
        .unwrap();
    let backup = vault.back_up_to(&backups, 5).unwrap();
    let saved_bank = vault.accounts()[1].clone();

    // The Bank account is deleted, GitHub renamed; another account is new.
    vault
        .transact(|accounts| {
            accounts.retain(|a| a.id != bank);
            accounts[0]
                .apply(AccountEdit {
                    issuer: Some("GitHub".into()),
                    name: "renamed".into(),
                    tags: Vec::new(),
                    note: String::new(),
                    favourite: false,
                })
                .unwrap();
            Ok::<(), VaultError>(())
        })
        .unwrap();
    add_all(&mut vault, [account("GitLab", "MFRGGZDFMZTWQ2LK")]);

    let preview = vault.restore_preview(&open(&backup));
    assert_eq!(preview.present, 1, "GitHub is still there, renamed");
    assert_eq!(preview.missing.len(), 1);
    let ids = vault.restore(preview).unwrap();
    assert_eq!(ids, [bank]);

    let reopened = open(vault.path());
    let names: Vec<_> = reopened.accounts().iter().map(|a| a.otp.name()).collect();
    assert_eq!(names, ["renamed", "me", "carol"]);
    let restored = &reopened.accounts()[2];
    assert_eq!(restored.tags, saved_bank.tags);
    assert_eq!(restored.note, "the safe");
    assert!(restored.favourite);
    assert_eq!(restored.otp.kind(), OtpKind::Hotp { counter: 42 });
    assert!(restored.position > reopened.accounts()[1].position);

    // Restoring the same backup again adds nothing.
    let again = reopened.restore_preview(&open(&backup));
    assert!(again.missing.is_empty());
}

#[test]
fn a_folder_without_backups_lists_none() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        list_backups(&dir.path().join("missing"))
            .unwrap()
            .is_empty()
    );
    assert!(list_backups(dir.path()).unwrap().is_empty());
}

#[test]
fn saves_count_the_changes_that_reached_the_disk_and_nothing_else() {
    // The app backs up after a change only when this count moved.
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(&dir.path().join("vault.twofold"));
    let after_create = vault.saves();
    add_all(&mut vault, [account("GitHub", "JBSWY3DPEHPK3PXP")]);
    assert_eq!(vault.saves(), after_create + 1);
    vault.transact(|_| Ok::<(), VaultError>(())).unwrap();
    assert_eq!(
        vault.saves(),
        after_create + 1,
        "an unchanged vault saves nothing"
    );
    vault.set_passphrase(passphrase("another one")).unwrap();
    assert_eq!(vault.saves(), after_create + 2, "a slot change saves");
    assert_eq!(open_with(vault.path(), "another one").saves(), 0);
}

fn open_with(path: &Path, text: &str) -> Vault {
    Vault::open(path, Unlock::Passphrase(passphrase(text))).unwrap()
}
