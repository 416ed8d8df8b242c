//! The OS keyring slot against a real Secret Service. `make test` runs these
//! inside a private D-Bus session with gnome-keyring unlocked
//! (scripts/test-rust); without one they fail rather than skip.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;
use std::process::Command;

use twofold_authenticator::{Account, Protection, Unlock, Vault, VaultError};

mod vault_support;
use vault_support::{header_text, passphrase};

fn account() -> Account {
    vault_support::account("GitHub", "JBSWY3DPEHPK3PXP")
}

/// The keyring entry's service and user, as the header records them.
fn keyring_entry(path: &Path) -> keyring::Entry {
    let header: serde_json::Value =
        serde_json::from_str(&header_text(&fs::read(path).unwrap())).unwrap();
    let slot = header["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|slot| slot["type"] == "keyring")
        .expect("a keyring slot");
    keyring::Entry::new(
        slot["service"].as_str().unwrap(),
        slot["user"].as_str().unwrap(),
    )
    .unwrap()
}

#[test]
fn a_keyring_vault_unlocks_without_a_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let mut vault = Vault::create(&path, Protection::Keyring)
        .expect("a Secret Service must be running (make test starts gnome-keyring)");
    vault_support::add_all(&mut vault, [account()]);
    let entry = keyring_entry(&path);
    assert_eq!(
        entry.get_password().unwrap().len(),
        64,
        "a 256-bit key, hex"
    );

    let reopened = Vault::open(&path, Unlock::Keyring).unwrap();
    assert_eq!(reopened.accounts(), vault.accounts());
    let info = Vault::inspect(&path).unwrap();
    assert!(info.keyring);
    assert_eq!(info.passphrase, None);
    assert!(matches!(
        Vault::open(&path, Unlock::Passphrase(passphrase("x"))).unwrap_err(),
        VaultError::NoPassphraseSlot { .. }
    ));

    // The keyring is the only slot: it cannot go until a passphrase exists.
    assert!(matches!(
        vault.remove_keyring_slot().unwrap_err(),
        VaultError::LastSlot
    ));
    vault.set_passphrase(passphrase("later")).unwrap();
    vault.remove_keyring_slot().unwrap();
    assert!(
        matches!(entry.get_password(), Err(keyring::Error::NoEntry)),
        "removing the slot deletes the entry"
    );
    let after = Vault::open(&path, Unlock::Passphrase(passphrase("later"))).unwrap();
    assert_eq!(after.accounts(), vault.accounts());
    assert!(matches!(
        Vault::open(&path, Unlock::Keyring).unwrap_err(),
        VaultError::NoKeyringSlot { .. }
    ));
}

#[test]
fn either_slot_unlocks_a_vault_that_has_both() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let mut vault = Vault::create(
        &path,
        Protection::KeyringAndPassphrase(passphrase("correct horse")),
    )
    .unwrap();
    vault_support::add_all(&mut vault, [account()]);
    let by_keyring = Vault::open(&path, Unlock::Keyring).unwrap();
    let by_passphrase =
        Vault::open(&path, Unlock::Passphrase(passphrase("correct horse"))).unwrap();
    assert_eq!(by_keyring.accounts(), by_passphrase.accounts());

    vault.remove_passphrase().unwrap();
    assert!(matches!(
        Vault::open(&path, Unlock::Passphrase(passphrase("correct horse"))).unwrap_err(),
        VaultError::NoPassphraseSlot { .. }
    ));
    assert_eq!(
        Vault::open(&path, Unlock::Keyring).unwrap().accounts(),
        vault.accounts()
    );
    vault.set_passphrase(passphrase("p")).unwrap();
    vault.remove_keyring_slot().unwrap();
}

#[test]
fn a_lost_keyring_entry_points_to_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    Vault::create(&path, Protection::KeyringAndPassphrase(passphrase("pw"))).unwrap();
    let entry = keyring_entry(&path);
    entry.delete_credential().unwrap();
    let before = fs::read(&path).unwrap();
    let error = Vault::open(&path, Unlock::Keyring).unwrap_err();
    assert!(
        matches!(error, VaultError::KeyringKeyMissing { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("unlock with the passphrase"),
        "{error}"
    );

    // A different key under the same entry does not open it either.
    entry.set_password(&"ab".repeat(32)).unwrap();
    assert!(matches!(
        Vault::open(&path, Unlock::Keyring).unwrap_err(),
        VaultError::KeyringKeyMissing { .. }
    ));
    entry.delete_credential().unwrap();
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(Vault::open(&path, Unlock::Passphrase(passphrase("pw"))).is_ok());
}

/// With no Secret Service, creating a keyring vault fails with a message
/// offering the passphrase and writes nothing; opening one says the same.
/// Runs in a child process whose session bus address leads nowhere.
#[test]
fn without_a_secret_service_the_error_offers_the_passphrase() {
    const CHILD: &str = "TWOFOLD_TEST_NO_SECRET_SERVICE_DIR";
    if let Ok(dir) = std::env::var(CHILD) {
        let dir = Path::new(&dir);
        let fresh = dir.join("fresh.bin");
        let error = Vault::create(&fresh, Protection::Keyring).unwrap_err();
        assert!(
            matches!(error, VaultError::KeyringUnavailable { .. }),
            "{error:?}"
        );
        assert!(
            !fresh.exists(),
            "no file without its key: never a plaintext fallback"
        );
        println!("create: {error}");
        let error = Vault::open(dir.join("existing.bin"), Unlock::Keyring).unwrap_err();
        assert!(
            matches!(error, VaultError::KeyringUnavailable { .. }),
            "{error:?}"
        );
        println!("open: {error}");
        return;
    }

    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("existing.bin");
    let mut vault = Vault::create(
        &existing,
        Protection::KeyringAndPassphrase(passphrase("pw")),
    )
    .unwrap();
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "without_a_secret_service_the_error_offers_the_passphrase",
            "--nocapture",
        ])
        .env(CHILD, dir.path())
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/twofold-test-bus",
        )
        .output()
        .unwrap();
    vault.remove_keyring_slot().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for action in ["create:", "open:"] {
        let line = stdout
            .lines()
            .find(|line| line.starts_with(action))
            .unwrap_or_else(|| panic!("no '{action}' line in:\n{stdout}"));
        assert!(line.contains("the OS keyring is not available"), "{line}");
        assert!(line.contains("passphrase"), "{line}");
    }
}
