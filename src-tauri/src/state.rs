//! The app's state: the vault (locked or not) and an import waiting for the
//! user's go-ahead.
//!
//! Every change to the accounts goes through [`Vault::transact`], which
//! applies it to the vault file as it is on disk (other processes may have
//! saved meanwhile) and keeps it in memory only once saved, so a failed save
//! changes nothing the user can see. Whatever changes the accounts, here or
//! in another process, is pushed to the web view as an event.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Manager};
use twofold_authenticator::formats::ImportPreview;
use twofold_authenticator::{Account, AccountId, OtpKind, unix_now};
use twofold_authenticator::{Protection, RestorePreview, Unlock, Vault, VaultError, VaultInfo};

use crate::clipboard::SecretClipboard;
use crate::commands::accounts::{AccountCode, account_codes};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::events;
use crate::settings::{AppSettings, SettingsFile};
use crate::tray;

pub struct AppState {
    vault_path: PathBuf,
    vault: Mutex<Option<Vault>>,
    pending_import: Mutex<Option<ImportPreview>>,
    pending_restore: Mutex<Option<RestorePreview>>,
    /// Why the last automatic backup failed; `None` after one that worked.
    backup_problem: Mutex<Option<String>>,
    /// The time step of every account when codes were last pushed.
    pushed_steps: Mutex<Vec<u64>>,
    app: AppHandle,
}

impl AppState {
    pub fn new(vault_path: PathBuf, app: AppHandle) -> AppState {
        AppState {
            vault_path,
            vault: Mutex::new(None),
            pending_import: Mutex::new(None),
            pending_restore: Mutex::new(None),
            backup_problem: Mutex::new(None),
            pushed_steps: Mutex::new(Vec::new()),
            app,
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
        tray::refresh(&self.app);
        Ok(())
    }

    /// The unlock the app tries by itself when it starts: the keyring, when
    /// the vault has a keyring slot and Settings does not ask for the
    /// passphrase at start. `Some(problem)` when the keyring was tried and
    /// refused.
    pub fn unlock_at_start(&self, settings: &AppSettings) -> Option<String> {
        let info = Vault::inspect(&self.vault_path).ok()?;
        let passphrase_first = settings.require_passphrase_at_start && info.passphrase.is_some();
        if !info.keyring || passphrase_first {
            return None;
        }
        self.unlock(Unlock::Keyring)
            .err()
            .map(|error| error.message)
    }

    pub fn unlock(&self, unlock: Unlock) -> AppResult<()> {
        let vault = Vault::open(&self.vault_path, unlock).map_err(vault_error)?;
        *lock(&self.vault) = Some(vault);
        tray::refresh(&self.app);
        Ok(())
    }

    /// Wipes the key and every secret from memory, and a copied code from
    /// the clipboard if it is still there.
    pub fn lock(&self) {
        if let Some(vault) = lock(&self.vault).take() {
            vault.lock();
        }
        lock(&self.pending_import).take();
        lock(&self.pending_restore).take();
        self.app.state::<SecretClipboard>().clear_ours();
        tray::refresh(&self.app);
    }

    /// Locks an unlocked vault on the app's own decision (screen locked,
    /// vault file replaced) and tells the web view why.
    pub fn lock_with_notice(&self, reason: impl Into<String>) {
        if lock(&self.vault).is_none() {
            return;
        }
        self.lock();
        events::vault_locked(&self.app, reason.into());
    }

    /// Runs `read` on the unlocked vault.
    pub fn with_vault<T>(&self, read: impl FnOnce(&mut Vault) -> AppResult<T>) -> AppResult<T> {
        let mut guard = lock(&self.vault);
        let vault = guard.as_mut().ok_or_else(locked)?;
        read(vault)
    }

    /// The favourites' ids and titles ("Issuer (name)"), in the order shown;
    /// `None` while the vault is locked.
    pub fn favourites(&self) -> Option<Vec<(String, String)>> {
        let guard = lock(&self.vault);
        let mut favourites: Vec<&Account> = guard
            .as_ref()?
            .accounts()
            .iter()
            .filter(|account| account.favourite)
            .collect();
        favourites.sort_by_key(|account| account.position);
        Some(
            favourites
                .into_iter()
                .map(|account| {
                    let otp = &account.otp;
                    let title = match otp.issuer() {
                        Some(issuer) => format!("{issuer} ({})", otp.name()),
                        None => otp.name().to_owned(),
                    };
                    (account.id.to_string(), title)
                })
                .collect(),
        )
    }

    /// Runs `read` on the accounts of the unlocked vault.
    pub fn read<T>(&self, read: impl FnOnce(&[Account]) -> T) -> AppResult<T> {
        self.with_vault(|vault| Ok(read(vault.accounts())))
    }

    /// Applies `change` to the accounts as saved now (see [`Vault::transact`])
    /// and pushes the result to the web view.
    pub fn change<T>(
        &self,
        change: impl FnOnce(&mut Vec<Account>) -> AppResult<T>,
    ) -> AppResult<T> {
        self.change_vault(|vault| vault.transact(change))
    }

    /// Runs a change on the unlocked vault, backs it up if Settings says
    /// so, then pushes its accounts to the web view.
    pub fn change_vault<T>(&self, change: impl FnOnce(&mut Vault) -> AppResult<T>) -> AppResult<T> {
        let (outcome, codes) = self.with_vault(|vault| {
            let saves = vault.saves();
            let outcome = change(vault)?;
            if vault.saves() != saves {
                self.back_up(vault);
            }
            Ok((outcome, self.codes_of(vault)))
        })?;
        events::accounts_changed(&self.app, codes);
        tray::refresh(&self.app);
        Ok(outcome)
    }

    /// Catches up with a save made by another process (the file watcher
    /// calls this) and pushes the accounts when they changed. If the file no
    /// longer opens with this vault's key, the vault is locked and the web
    /// view told why.
    pub fn catch_up(&self) {
        let caught_up = match lock(&self.vault).as_mut() {
            None => return,
            Some(vault) => vault
                .reload()
                .map(|changed| changed.then(|| self.codes_of(vault))),
        };
        match caught_up {
            Ok(Some(codes)) => {
                events::accounts_changed(&self.app, codes);
                tray::refresh(&self.app);
            }
            Ok(None) => {}
            Err(error) => self.lock_with_notice(vault_error(error).message),
        }
    }

    /// The codes, when any account's code has moved to its next time step
    /// since they were last pushed (the code ticker calls this every second).
    pub fn codes_if_due(&self) -> Option<Vec<AccountCode>> {
        let guard = lock(&self.vault);
        let vault = guard.as_ref()?;
        let now = unix_now();
        let steps = time_steps(vault.accounts(), now);
        let mut pushed = lock(&self.pushed_steps);
        if *pushed == steps {
            return None;
        }
        *pushed = steps;
        drop(pushed);
        Some(account_codes(vault.accounts(), now))
    }

    /// The accounts as the web view shows them, remembering which time
    /// steps their codes belong to.
    fn codes_of(&self, vault: &Vault) -> Vec<AccountCode> {
        let now = unix_now();
        *lock(&self.pushed_steps) = time_steps(vault.accounts(), now);
        account_codes(vault.accounts(), now)
    }

    /// Copies the vault file into the backup folder Settings names, if any.
    /// A failed backup does not undo the change (it is saved); the problem
    /// is kept for Settings to show until a backup works again.
    fn back_up(&self, vault: &Vault) {
        let settings = self.app.state::<SettingsFile>().load();
        let Some(folder) = settings.backup_folder.filter(|f| !f.trim().is_empty()) else {
            return;
        };
        let keep = settings.backups_to_keep as usize;
        *lock(&self.backup_problem) = vault
            .back_up_to(std::path::Path::new(folder.trim()), keep)
            .err()
            .map(|error| error.to_string());
    }

    /// Backs the vault up now (Settings' "Back up now").
    pub fn back_up_now(&self) -> AppResult<()> {
        self.with_vault(|vault| {
            self.back_up(vault);
            Ok(())
        })?;
        match self.backup_problem() {
            Some(problem) => Err(AppError::new(ErrorKind::Storage, problem)),
            None => Ok(()),
        }
    }

    pub fn backup_problem(&self) -> Option<String> {
        lock(&self.backup_problem).clone()
    }

    /// Keeps a restore preview until the user confirms or cancels it.
    pub fn hold_restore(&self, preview: RestorePreview) {
        *lock(&self.pending_restore) = Some(preview);
    }

    pub fn take_restore(&self) -> Option<RestorePreview> {
        lock(&self.pending_restore).take()
    }

    /// Keeps an import preview until the user confirms or cancels it.
    pub fn hold_import(&self, preview: ImportPreview) {
        *lock(&self.pending_import) = Some(preview);
    }

    pub fn take_import(&self) -> Option<ImportPreview> {
        lock(&self.pending_import).take()
    }
}

/// The unlock the app tries by itself at start, begun in the background
/// while the web view loads, so that the keyring's answer is in by the time
/// the page asks what to show.
pub struct StartUnlock(Mutex<Option<JoinHandle<Option<String>>>>);

impl StartUnlock {
    pub fn begin(app: &AppHandle) -> StartUnlock {
        let app = app.clone();
        StartUnlock(Mutex::new(Some(tauri::async_runtime::spawn_blocking(
            move || {
                let settings = app.state::<SettingsFile>().load();
                app.state::<AppState>().unlock_at_start(&settings)
            },
        ))))
    }

    /// Why the keyring did not unlock the vault at start, once it has
    /// answered; `None` when it did, was not tried, or was asked before.
    pub async fn problem(&self) -> Option<String> {
        let start = lock(&self.0).take()?;
        start.await.ok().flatten()
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

/// Which code each account shows at `now`: its time step, or its counter.
fn time_steps(accounts: &[Account], now: u64) -> Vec<u64> {
    accounts
        .iter()
        .map(|account| match account.otp.kind() {
            OtpKind::Totp { period } | OtpKind::Steam { period } => now / u64::from(period.max(1)),
            OtpKind::Hotp { counter } => counter,
        })
        .collect()
}

impl From<VaultError> for AppError {
    fn from(error: VaultError) -> AppError {
        vault_error(error)
    }
}

pub fn vault_error(error: VaultError) -> AppError {
    let kind = match &error {
        VaultError::WrongPassphrase { .. }
        | VaultError::EmptyPassphrase
        | VaultError::KdfParams { .. }
        | VaultError::NoPassphraseSlot { .. }
        | VaultError::NoKeyringSlot { .. }
        | VaultError::LastSlot
        | VaultError::AlreadyThere { .. } => ErrorKind::InvalidInput,
        VaultError::KeyringUnavailable { .. }
        | VaultError::KeyringLocked { .. }
        | VaultError::KeyringKeyMissing { .. } => ErrorKind::Keyring,
        _ => ErrorKind::Storage,
    };
    AppError::new(kind, error.to_string())
}
