//! The vault with a passphrase: round trips, slots, and every way a file can
//! be wrong. (The keyring slot and crash safety have their own test files.)
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use twofold_authenticator::{
    Account, AccountEdit, FactorLink, KdfParams, Passphrase, Protection, Unlock, Vault, VaultError,
    move_to,
};

mod vault_support;
use vault_support::{CHEAP, account, add_all, header_end, header_text, passphrase, with_header};

fn vault_with_two_accounts(path: &Path) -> Vault {
    let mut vault =
        Vault::create(path, Protection::Passphrase(passphrase("correct horse"))).unwrap();
    add_all(
        &mut vault,
        [
            account("GitHub", "JBSWY3DPEHPK3PXP"),
            account("GitLab", "GEZDGNBVGY3TQOJQ"),
        ],
    );
    vault
}

fn open(path: &Path, text: &str) -> Result<Vault, VaultError> {
    Vault::open(path, Unlock::Passphrase(Passphrase::new(text)))
}

#[test]
fn accounts_survive_a_save_and_an_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let vault = vault_with_two_accounts(&path);
    let reopened = open(&path, "correct horse").unwrap();
    assert_eq!(reopened.accounts(), vault.accounts());
    assert_eq!(
        reopened
            .accounts()
            .iter()
            .map(|a| a.position)
            .collect::<Vec<_>>(),
        [0, 1]
    );
}

#[test]
fn the_file_hides_secrets_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    vault_with_two_accounts(&path);
    let bytes = fs::read(&path).unwrap();
    for needle in ["JBSWY3DPEHPK3PXP", "GitHub", "GitLab"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} is readable in the file"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn info_is_readable_without_unlocking() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    vault_with_two_accounts(&path);
    let info = Vault::inspect(&path).unwrap();
    assert_eq!(info.accounts, 2);
    assert!(!info.keyring);
    assert_eq!(info.passphrase, Some(CHEAP));
    assert!(info.saved_at > 1_700_000_000);
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    vault_with_two_accounts(&path);
    let before = fs::read(&path).unwrap();
    let error = open(&path, "correct horse!").unwrap_err();
    assert!(
        matches!(error, VaultError::WrongPassphrase { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("wrong passphrase for"),
        "{error}"
    );
    assert!(matches!(
        Vault::open(&path, Unlock::Keyring).unwrap_err(),
        VaultError::NoKeyringSlot { .. }
    ));
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn changing_the_passphrase_keeps_the_vault_key_and_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let mut vault = vault_with_two_accounts(&path);
    vault.set_passphrase(passphrase("battery staple")).unwrap();
    assert!(matches!(
        open(&path, "correct horse").unwrap_err(),
        VaultError::WrongPassphrase { .. }
    ));
    let reopened = open(&path, "battery staple").unwrap();
    assert_eq!(reopened.accounts(), vault.accounts());
    // The previous file (old passphrase) is the backup, and the same vault
    // key still opens both: a slot change never re-keys the accounts.
    let backup = open(&dir.path().join("vault.bin.bak"), "correct horse").unwrap();
    assert_eq!(backup.accounts(), vault.accounts());
}

#[test]
fn the_only_slot_cannot_be_removed() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = vault_with_two_accounts(&dir.path().join("vault.bin"));
    assert!(matches!(
        vault.remove_passphrase().unwrap_err(),
        VaultError::LastSlot
    ));
    // There is no keyring slot to remove: nothing happens.
    vault.remove_keyring_slot().unwrap();
    assert!(open(vault.path(), "correct horse").is_ok());
}

#[test]
fn empty_passphrases_and_unusable_costs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    assert!(matches!(
        Vault::create(&path, Protection::Passphrase(passphrase(""))).unwrap_err(),
        VaultError::EmptyPassphrase
    ));
    let huge = KdfParams {
        memory_kib: u32::MAX,
        ..CHEAP
    };
    let error = Vault::create(
        &path,
        Protection::Passphrase(Passphrase::new("x").with_kdf(huge)),
    )
    .unwrap_err();
    assert!(matches!(error, VaultError::KdfParams { .. }), "{error:?}");
    assert!(!path.exists(), "a refused vault writes nothing");
}

#[test]
fn create_never_replaces_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    fs::write(&path, b"precious").unwrap();
    let error = Vault::create(&path, Protection::Passphrase(passphrase("x"))).unwrap_err();
    assert!(matches!(error, VaultError::Exists { .. }));
    assert_eq!(fs::read(&path).unwrap(), b"precious");
}

#[test]
fn a_transaction_changes_and_saves_the_accounts_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let mut vault = vault_with_two_accounts(&path);
    let mut renamed = vault.accounts()[0].clone();
    renamed.otp.set_name("you");
    renamed.last_used_at = Some(1_800_000_000);
    vault
        .transact(|accounts| {
            accounts[0] = renamed.clone();
            accounts.remove(1);
            Ok::<(), VaultError>(())
        })
        .unwrap();
    let reopened = open(&path, "correct horse").unwrap();
    assert_eq!(reopened.accounts(), [renamed.clone()]);
    assert_eq!(Vault::inspect(&path).unwrap().accounts, 1);

    // A change that fails leaves memory and file as they were.
    let file = fs::read(&path).unwrap();
    let refused = vault.transact(|accounts| {
        accounts.clear();
        Err::<(), VaultError>(VaultError::LastSlot)
    });
    assert!(matches!(refused, Err(VaultError::LastSlot)));
    assert_eq!(vault.accounts(), [renamed]);
    assert_eq!(fs::read(&path).unwrap(), file);
}

#[test]
fn adding_an_account_the_vault_keeps_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let mut vault = vault_with_two_accounts(&path);
    let file = fs::read(&path).unwrap();
    // The same key under another label is still the same account.
    let twin = account("GitHub", "JBSWY3DPEHPK3PXP");
    let error = vault.add_account(twin).unwrap_err();
    assert_eq!(
        error.to_string(),
        "“GitHub: me” is already in the vault with the same secret; nothing was added"
    );
    assert_eq!(fs::read(&path).unwrap(), file, "nothing was saved");

    let added = vault
        .add_account(account("Codeberg", "KRSXG5CTMVRXEZLU"))
        .unwrap();
    assert_eq!(added.position, 2, "after the others");
    let reopened = open(&path, "correct horse").unwrap();
    assert_eq!(reopened.accounts().len(), 3);
    assert_eq!(reopened.accounts()[2], added);
}

#[test]
fn a_missing_vault_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let error = open(&dir.path().join("nope.bin"), "x").unwrap_err();
    assert!(matches!(error, VaultError::NotFound { .. }), "{error:?}");
}

/// Every damaged variant must be refused with a message naming the file,
/// and left byte for byte as it was.
fn assert_refused(path: &Path, damaged: &[u8], expect: fn(&VaultError) -> bool) {
    fs::write(path, damaged).unwrap();
    let error = open(path, "correct horse").unwrap_err();
    assert!(expect(&error), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("vault.bin.bak"), "{message}");
    assert_eq!(
        fs::read(path).unwrap(),
        damaged,
        "a damaged vault must not be rewritten"
    );
}

#[test]
fn a_truncated_file_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    vault_with_two_accounts(&path);
    let good = fs::read(&path).unwrap();
    let corrupt = |e: &VaultError| matches!(e, VaultError::Corrupt { .. });
    let tampered = |e: &VaultError| matches!(e, VaultError::Tampered { .. });
    for cut in [0, 5, 12, 20, header_end(&good) + 3] {
        assert_refused(&path, &good[..cut], corrupt);
    }
    assert_refused(&path, &good[..good.len() - 1], tampered);
    assert_refused(&path, &good[..header_end(&good) + 40], tampered);
}

#[test]
fn a_changed_body_byte_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    vault_with_two_accounts(&path);
    let mut bytes = fs::read(&path).unwrap();
    let at = header_end(&bytes) + 10;
    bytes[at] ^= 0x01;
    assert_refused(&path, &bytes, |e| matches!(e, VaultError::Tampered { .. }));
}

#[test]
fn a_changed_header_is_detected_even_where_no_key_depends_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    vault_with_two_accounts(&path);
    let good = fs::read(&path).unwrap();
    let text = header_text(&good);
    // Claim a different account count, or add a field: the slots and key
    // are untouched, so only the header binding can notice.
    for forged in [
        text.replace("\"accounts\":2", "\"accounts\":9"),
        text.replacen('{', "{\"note\":\"hi\",", 1),
    ] {
        assert_ne!(forged, text);
        let bytes = with_header(&good, &forged);
        assert_refused(&path, &bytes, |e| matches!(e, VaultError::Tampered { .. }));
    }
}

#[test]
fn foreign_and_newer_files_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    assert_refused(
        &path,
        b"{\"version\":1,\"header\":{}}",
        |e| matches!(e, VaultError::Corrupt { reason, .. } if reason.contains("signature")),
    );
    let path = dir.path().join("newer.bin");
    vault_with_two_accounts(&path);
    let mut bytes = fs::read(&path).unwrap();
    bytes[9] = 7;
    fs::write(&path, &bytes).unwrap();
    let error = open(&path, "correct horse").unwrap_err();
    assert!(
        matches!(error, VaultError::Newer { version: 7, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("update Twofold"), "{error}");
}

#[test]
fn a_hostile_kdf_cost_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    vault_with_two_accounts(&path);
    let good = fs::read(&path).unwrap();
    let forged = header_text(&good).replace("\"memory_kib\":64", "\"memory_kib\":4000000000");
    let bytes = with_header(&good, &forged);
    assert_refused(
        &path,
        &bytes,
        |e| matches!(e, VaultError::Corrupt { reason, .. } if reason.contains("Argon2id")),
    );
}

#[test]
fn debug_output_shows_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault_with_two_accounts(&dir.path().join("vault.bin"));
    let text = format!(
        "{vault:?} {:?} {:?}",
        vault.accounts(),
        passphrase("correct horse")
    );
    for needle in ["JBSWY3DP", "correct horse"] {
        assert!(!text.contains(needle), "{text}");
    }
}

#[test]
fn a_transaction_that_cannot_be_saved_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let path = folder.join("vault.bin");
    let mut vault = vault_with_two_accounts(&path);
    let before = vault.accounts().to_vec();

    let imported = vec![account("Imported", "KRSXG5CTMVRXEZLU")];
    let replace_all = |with: Vec<Account>| {
        move |accounts: &mut Vec<Account>| {
            *accounts = with;
            Ok::<(), VaultError>(())
        }
    };
    vault.transact(replace_all(imported.clone())).unwrap();
    assert_eq!(vault.accounts(), imported);
    assert_eq!(open(&path, "correct horse").unwrap().accounts(), imported);

    // A save that cannot happen (its folder is now a plain file, which even
    // root cannot write into) leaves the accounts as they were.
    fs::remove_dir_all(&folder).unwrap();
    fs::write(&folder, b"not a folder").unwrap();
    let error = vault.transact(replace_all(before)).unwrap_err();
    assert!(matches!(error, VaultError::Write { .. }), "{error:?}");
    assert_eq!(vault.accounts(), imported);
}

#[test]
fn a_passphrase_change_that_cannot_be_saved_is_undone() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let mut vault = vault_with_two_accounts(&folder.join("vault.bin"));
    fs::remove_dir_all(&folder).unwrap();
    fs::write(&folder, b"not a folder").unwrap();
    let other_costs = KdfParams {
        iterations: 2,
        ..CHEAP
    };
    let error = vault
        .set_passphrase(Passphrase::new("new").with_kdf(other_costs))
        .unwrap_err();
    assert!(matches!(error, VaultError::Write { .. }), "{error:?}");
    assert_eq!(vault.info().passphrase, Some(CHEAP));
}

#[test]
fn a_factor_link_survives_a_save_and_a_deleted_factor_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let mut vault = vault_with_two_accounts(&path);
    let mut linked = account("Acme QA", "KRSXG5CTMVRXEZLU");
    linked.factor = Some(FactorLink {
        profile: "Sandbox".to_owned(),
        service_sid: format!("VA{}", "1".repeat(32)),
        identity: "qa-user-0001".to_owned(),
        factor_sid: format!("YF{}", "2".repeat(32)),
        deleted_at: None,
    });
    vault.add_account(linked.clone()).unwrap();
    let factor_sid = format!("YF{}", "2".repeat(32));
    let reopened = open(&path, "correct horse").unwrap();
    assert_eq!(
        reopened.factor_account(&factor_sid).unwrap().factor,
        linked.factor
    );
    // The two accounts from before the link carry none.
    assert_eq!(
        reopened
            .accounts()
            .iter()
            .filter(|a| a.factor.is_none())
            .count(),
        2
    );

    let this_factor = |link: &FactorLink| link.factor_sid == factor_sid;
    let someone_else = |link: &FactorLink| link.identity == "someone-else-01";
    assert!(
        !vault
            .mark_factors_deleted(someone_else, 1_800_000_000)
            .unwrap()
    );
    assert!(
        vault
            .mark_factors_deleted(this_factor, 1_800_000_000)
            .unwrap()
    );
    assert!(
        !vault
            .mark_factors_deleted(this_factor, 1_800_000_001)
            .unwrap(),
        "once"
    );
    let reopened = open(&path, "correct horse").unwrap();
    let link = reopened
        .factor_account(&factor_sid)
        .unwrap()
        .factor
        .clone()
        .unwrap();
    assert_eq!(link.deleted_at, Some(1_800_000_000));
}

#[test]
fn an_edit_relabels_tags_and_pins_an_account_and_keeps_its_key() {
    let mut account = account("GitHub", "JBSWY3DPEHPK3PXP");
    let code = account.otp.code_at(1_800_000_000);
    account
        .apply(AccountEdit {
            issuer: Some("GitHub Enterprise".to_owned()),
            name: "octo".to_owned(),
            tags: vec![
                " work ".to_owned(),
                "Work".to_owned(),
                String::new(),
                "code".to_owned(),
            ],
            note: "recovery codes in the safe\n".to_owned(),
            favourite: true,
        })
        .unwrap();
    assert_eq!(account.otp.label(), "GitHub Enterprise: octo");
    assert_eq!(account.tags, ["work", "code"]);
    assert_eq!(account.note, "recovery codes in the safe");
    assert!(account.favourite);
    assert_eq!(account.otp.code_at(1_800_000_000), code, "the key stays");

    let before = account.clone();
    let long = "n".repeat(twofold_authenticator::MAX_LABEL_CHARS + 1);
    let refused = account.apply(AccountEdit {
        issuer: None,
        name: long,
        tags: Vec::new(),
        note: String::new(),
        favourite: false,
    });
    assert!(refused.is_err());
    assert_eq!(account, before, "a refused edit changes nothing");

    // Favourites and tags survive the vault.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let mut vault =
        Vault::create(&path, Protection::Passphrase(passphrase("correct horse"))).unwrap();
    add_all(&mut vault, [account.clone()]);
    assert_eq!(open(&path, "correct horse").unwrap().accounts()[0], account);
}

#[test]
fn moving_an_account_renumbers_the_order() {
    let mut accounts = vec![
        account("A", "JBSWY3DPEHPK3PXP"),
        account("B", "GEZDGNBVGY3TQOJQ"),
        account("C", "KRSXG5CTMVRXEZLU"),
    ];
    for (position, account) in accounts.iter_mut().enumerate() {
        account.position = position as u32 * 10;
    }
    let c = accounts[2].id;
    assert!(move_to(&mut accounts, c, 0));
    let order = |accounts: &[Account]| {
        let mut sorted: Vec<&Account> = accounts.iter().collect();
        sorted.sort_by_key(|account| account.position);
        sorted
            .iter()
            .map(|a| a.otp.issuer().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(order(&accounts), ["C", "A", "B"]);
    assert_eq!(accounts.iter().map(|a| a.position).max(), Some(2));
    assert!(move_to(&mut accounts, c, 99), "past the end is the end");
    assert_eq!(order(&accounts), ["A", "B", "C"]);
    assert!(!move_to(
        &mut accounts,
        twofold_authenticator::AccountId::random(),
        0
    ));

    // The index is the place in the list as shown: favourites first.
    accounts[1].favourite = true; // B
    let a = accounts[0].id;
    assert!(move_to(&mut accounts, a, 1));
    let shown = |accounts: &[Account]| {
        let mut sorted: Vec<&Account> = accounts.iter().collect();
        sorted.sort_by_key(|account| (!account.favourite, account.position));
        sorted
            .iter()
            .map(|a| a.otp.issuer().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(shown(&accounts), ["B", "A", "C"]);
}
