//! Many `twofold-cli` processes changing one vault at the same moment, as a
//! script or a user with the app open would: no change is lost, the same
//! account is kept once, and the vault still opens.
#![allow(clippy::unwrap_used)]

#[path = "../../authenticator/tests/vault_support/mod.rs"]
mod vault_support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use twofold_authenticator::{Protection, Unlock, Vault};

const PASSPHRASE: &str = "many writers";
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A distinct 80-bit secret per account, so no two are the same account.
fn uri(index: usize) -> String {
    let secret = format!("JBSWY3DPEHPK3P{}A", BASE32[index] as char);
    format!("otpauth://totp/Service{index}:user{index}?secret={secret}&issuer=Service{index}")
}

fn new_vault(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("vault.twofold");
    Vault::create(
        &path,
        Protection::Passphrase(vault_support::passphrase(PASSPHRASE)),
    )
    .unwrap();
    path
}

fn spawn_add(vault: &Path, uri: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_twofold-cli"))
        .args(["add", uri])
        .env("TWOFOLD_VAULT", vault)
        .env("TWOFOLD_PASSPHRASE", PASSPHRASE)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn describe(output: &Output) -> String {
    format!(
        "exit {:?}, stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn labels(vault: &Path) -> Vec<String> {
    let vault = Vault::open(
        vault,
        Unlock::Passphrase(vault_support::passphrase(PASSPHRASE)),
    )
    .unwrap();
    vault
        .accounts()
        .iter()
        .map(|account| account.otp.label())
        .collect()
}

#[test]
fn twenty_four_adds_at_once_keep_all_twenty_four_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path());
    // All started before any is waited for, so they overlap.
    let children: Vec<Child> = (0..24).map(|i| spawn_add(&vault, &uri(i))).collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    }
    let kept: BTreeSet<String> = labels(&vault).into_iter().collect();
    let expected: BTreeSet<String> = (0..24).map(|i| format!("Service{i}: user{i}")).collect();
    assert_eq!(kept, expected);
}

#[test]
fn the_same_account_added_by_eight_processes_at_once_is_kept_once() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path());
    let children: Vec<Child> = (0..8).map(|_| spawn_add(&vault, &uri(7))).collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect();
    let added = outputs.iter().filter(|o| o.status.success()).count();
    assert_eq!(
        added,
        1,
        "{:?}",
        outputs.iter().map(describe).collect::<Vec<_>>()
    );
    for refused in outputs.iter().filter(|o| !o.status.success()) {
        assert_eq!(refused.status.code(), Some(3), "{}", describe(refused));
        assert!(
            String::from_utf8_lossy(&refused.stderr)
                .contains("“Service7: user7” is already in the vault"),
            "{}",
            describe(refused)
        );
    }
    assert_eq!(labels(&vault), ["Service7: user7"]);
}
