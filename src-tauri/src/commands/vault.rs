//! The vault's life: first run (keyring or passphrase), unlock, lock.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use twofold_authenticator::{Passphrase, Protection, Unlock};

use crate::commands::accounts::{AccountCode, list_accounts};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::settings::{AppSettings, SettingsFile};
use crate::state::{AppState, StartUnlock};

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    pub state: VaultState,
    /// Whether the OS keyring can unlock the vault.
    pub keyring: bool,
    /// Whether a passphrase can unlock the vault.
    pub passphrase: bool,
    /// The vault file, to show the user where their data is.
    pub path: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum VaultState {
    /// First run: no vault yet.
    Missing,
    Locked,
    Unlocked,
}

/// How the user chose to protect a new vault.
#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewVault {
    pub keyring: bool,
    pub passphrase: Option<String>,
}

/// How the user unlocks the vault.
#[derive(Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "method")]
pub enum UnlockWith {
    Keyring,
    Passphrase { passphrase: String },
}

/// What the window shows first, in one answer: the settings, the vault's
/// state once the start unlock has run, and the accounts with their codes
/// when it is unlocked. The page asks this once, as it loads, so the first
/// codes are one round trip away.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Opening {
    pub settings: AppSettings,
    pub status: VaultStatus,
    /// Why the keyring did not unlock the vault at start, when it was tried.
    pub keyring_problem: Option<String>,
    /// The accounts in the user's order with their codes, when unlocked.
    pub accounts: Option<Vec<AccountCode>>,
}

#[tauri::command]
#[specta::specta]
pub async fn open_window(
    state: State<'_, AppState>,
    start: State<'_, StartUnlock>,
    settings: State<'_, SettingsFile>,
) -> AppResult<Opening> {
    let keyring_problem = start.problem().await;
    let status = vault_status(state.clone())?;
    let accounts = match status.state {
        VaultState::Unlocked => Some(list_accounts(state)?),
        VaultState::Missing | VaultState::Locked => None,
    };
    Ok(Opening {
        settings: settings.load(),
        status,
        keyring_problem,
        accounts,
    })
}

#[tauri::command]
#[specta::specta]
pub fn vault_status(state: State<'_, AppState>) -> AppResult<VaultStatus> {
    let (info, unlocked) = state.inspect()?;
    Ok(match info {
        None => VaultStatus {
            state: VaultState::Missing,
            keyring: false,
            passphrase: false,
            path: None,
        },
        Some(info) => VaultStatus {
            state: if unlocked {
                VaultState::Unlocked
            } else {
                VaultState::Locked
            },
            keyring: info.keyring,
            passphrase: info.passphrase.is_some(),
            path: Some(info.path.display().to_string()),
        },
    })
}

/// Creates the vault on first run.
#[tauri::command]
#[specta::specta]
pub async fn create_vault(state: State<'_, AppState>, choice: NewVault) -> AppResult<()> {
    let passphrase = choice
        .passphrase
        .filter(|text| !text.is_empty())
        .map(Passphrase::new);
    let protection = match (choice.keyring, passphrase) {
        (true, None) => Protection::Keyring,
        (true, Some(passphrase)) => Protection::KeyringAndPassphrase(passphrase),
        (false, Some(passphrase)) => Protection::Passphrase(passphrase),
        (false, None) => {
            return Err(AppError::new(
                ErrorKind::InvalidInput,
                "Choose how to protect the vault: the system keyring, a passphrase, or both.",
            ));
        }
    };
    state.create(protection)
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_vault(state: State<'_, AppState>, unlock: UnlockWith) -> AppResult<()> {
    state.unlock(match unlock {
        UnlockWith::Keyring => Unlock::Keyring,
        UnlockWith::Passphrase { passphrase } => Unlock::Passphrase(Passphrase::new(passphrase)),
    })
}

/// Locks the vault now: the key and every secret leave memory.
#[tauri::command]
#[specta::specta]
pub fn lock_vault(state: State<'_, AppState>) {
    state.lock();
}

/// How the vault is protected, changed from Settings: the same operations
/// `twofold-cli vault passwd` runs.
#[derive(Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "change")]
pub enum ProtectionChange {
    /// Sets or replaces the passphrase.
    SetPassphrase { passphrase: String },
    /// Removes the passphrase (the keyring must remain).
    RemovePassphrase,
    /// Lets the system keyring unlock the vault.
    AddKeyring,
    /// Stops the system keyring from unlocking it (a passphrase must remain).
    RemoveKeyring,
}

/// Changes how the vault is protected; the accounts are not re-encrypted
/// (see docs/vault-format.md). Async: a new passphrase takes half a second.
#[tauri::command]
#[specta::specta]
pub async fn change_protection(
    state: State<'_, AppState>,
    change: ProtectionChange,
) -> AppResult<VaultStatus> {
    state.change_vault(|vault| {
        match change {
            ProtectionChange::SetPassphrase { passphrase } => {
                vault.set_passphrase(Passphrase::new(passphrase))
            }
            ProtectionChange::RemovePassphrase => vault.remove_passphrase(),
            ProtectionChange::AddKeyring => vault.add_keyring_slot(),
            ProtectionChange::RemoveKeyring => vault.remove_keyring_slot(),
        }
        .map_err(AppError::from)
    })?;
    vault_status(state)
}
