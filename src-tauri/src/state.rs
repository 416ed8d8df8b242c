//! The app's state: the vault (locked or not) and an import waiting for the
//! user's go-ahead.
//!
//! Every change to the accounts is made on a copy and committed to the vault
//! file before it replaces what is in memory, so a failed save changes
//! nothing the user can see.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use twofold_authenticator::formats::ImportPreview;
use twofold_authenticator::{Account, AccountId};
use twofold_authenticator::{Protection, Unlock, Vault, VaultError, VaultInfo};

use crate::error::{AppError, AppResult, ErrorKind};

pub struct AppState {
    vault_path: PathBuf,
    vault: Mutex<Option<Vault>>,
    pending_import: Mutex<Option<ImportPreview>>,
}

impl AppState {
    pub fn new(vault_path: PathBuf) -> AppState {
        AppState {
            vault_path,
            vault: Mutex::new(None),
            pending_import: Mutex::new(None),
        }
    }

    /// What the vault file says about itself (`None`: there is none yet),
    /// and whether it is unlocked.
    pub fn inspect(&self) -> AppResult<(Option<VaultInfo>, bool)> {
        let unlocked = lock(&self.vault);
        if let Some(vault) = unlocked.as_ref() {
            return Ok((Some(vault.info()), true));
        }
        match Vault::inspect(&self.vault_path) {
            Ok(info) => Ok((Some(info), false)),
            Err(VaultError::NotFound { .. }) => Ok((None, false)),
            Err(error) => Err(vault_error(error)),
        }
    }

    pub fn create(&self, protection: Protection) -> AppResult<()> {
        if let Some(parent) = self.vault_path.parent() {
            std::fs::create_dir_all(parent).map_err(|error| {
                AppError::new(
                    ErrorKind::Storage,
                    format!(
                        "Cannot create {}: {error}; check its permissions.",
                        parent.display()
                    ),
                )
            })?;
        }
        let vault = Vault::create(&self.vault_path, protection).map_err(vault_error)?;
        *lock(&self.vault) = Some(vault);
        Ok(())
    }

    pub fn unlock(&self, unlock: Unlock) -> AppResult<()> {
        let vault = Vault::open(&self.vault_path, unlock).map_err(vault_error)?;
        *lock(&self.vault) = Some(vault);
        Ok(())
    }

    /// Wipes the key and every secret from memory.
    pub fn lock(&self) {
        if let Some(vault) = lock(&self.vault).take() {
            vault.lock();
        }
        lock(&self.pending_import).take();
    }

    /// Runs `read` on the unlocked vault.
    pub fn with_vault<T>(&self, read: impl FnOnce(&mut Vault) -> AppResult<T>) -> AppResult<T> {
        let mut guard = lock(&self.vault);
        let vault = guard.as_mut().ok_or_else(locked)?;
        read(vault)
    }

    /// Runs `read` on the accounts of the unlocked vault.
    pub fn read<T>(&self, read: impl FnOnce(&[Account]) -> T) -> AppResult<T> {
        self.with_vault(|vault| Ok(read(vault.accounts())))
    }

    /// Applies `change` to a copy of the accounts, commits the copy to the
    /// vault file, and only then makes it current.
    pub fn change<T>(
        &self,
        change: impl FnOnce(&mut Vec<Account>) -> AppResult<T>,
    ) -> AppResult<T> {
        self.with_vault(|vault| {
            let mut next = vault.accounts().to_vec();
            let outcome = change(&mut next)?;
            vault.commit(next).map_err(vault_error)?;
            Ok(outcome)
        })
    }

    /// Keeps an import preview until the user confirms or cancels it.
    pub fn hold_import(&self, preview: ImportPreview) {
        *lock(&self.pending_import) = Some(preview);
    }

    pub fn take_import(&self) -> Option<ImportPreview> {
        lock(&self.pending_import).take()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Changes are made on copies, so a panic elsewhere cannot leave the
    // guarded value half-changed.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn locked() -> AppError {
    AppError::new(
        ErrorKind::Locked,
        "The vault is locked; unlock it to see and change your accounts.",
    )
}

/// Finds an account by the id the web view sent back.
pub fn find_mut<'a>(accounts: &'a mut [Account], id: &str) -> AppResult<&'a mut Account> {
    let index = position(accounts, id)?;
    Ok(&mut accounts[index])
}

/// Finds an account by the id the web view sent back.
pub fn find<'a>(accounts: &'a [Account], id: &str) -> AppResult<&'a Account> {
    position(accounts, id).map(|index| &accounts[index])
}

fn position(accounts: &[Account], id: &str) -> AppResult<usize> {
    let id: AccountId = id
        .parse()
        .map_err(|error: twofold_authenticator::AccountIdError| {
            AppError::new(ErrorKind::InvalidInput, error.to_string())
        })?;
    accounts
        .iter()
        .position(|account| account.id == id)
        .ok_or_else(AppError::not_found_account)
}

pub fn vault_error(error: VaultError) -> AppError {
    let kind = match &error {
        VaultError::WrongPassphrase { .. }
        | VaultError::EmptyPassphrase
        | VaultError::KdfParams { .. }
        | VaultError::NoPassphraseSlot { .. }
        | VaultError::NoKeyringSlot { .. }
        | VaultError::LastSlot => ErrorKind::InvalidInput,
        VaultError::KeyringUnavailable { .. }
        | VaultError::KeyringLocked { .. }
        | VaultError::KeyringKeyMissing { .. } => ErrorKind::Keyring,
        VaultError::NoSuchAccount { .. } => ErrorKind::NotFound,
        _ => ErrorKind::Storage,
    };
    AppError::new(kind, error.to_string())
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
