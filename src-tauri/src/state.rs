//! The app's state: the accounts in memory and the store that keeps them.
//!
//! Every change is made on a copy and saved before it replaces the list in
//! memory, so a failed save changes nothing the user can see.

use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use twofold_authenticator::{Account, AccountId, AccountStore, PlainFileStore};

use crate::error::{AppError, AppResult, ErrorKind};

pub struct AppState {
    accounts: Mutex<Vec<Account>>,
    store: Box<dyn AccountStore + Send + Sync>,
}

impl AppState {
    pub fn open(data_dir: &Path) -> AppResult<AppState> {
        let store = PlainFileStore::new(data_dir.join("accounts.json"));
        let accounts = store.load().map_err(storage_error)?;
        Ok(AppState {
            accounts: Mutex::new(accounts),
            store: Box::new(store),
        })
    }

    /// Runs `read` on the current accounts.
    pub fn read<T>(&self, read: impl FnOnce(&[Account]) -> T) -> T {
        read(&self.lock())
    }

    /// Applies `change` to a copy of the accounts, saves the copy, and only
    /// then makes it current.
    pub fn change<T>(
        &self,
        change: impl FnOnce(&mut Vec<Account>) -> AppResult<T>,
    ) -> AppResult<T> {
        let mut accounts = self.lock();
        let mut next = accounts.clone();
        let outcome = change(&mut next)?;
        self.store.save(&next).map_err(storage_error)?;
        *accounts = next;
        Ok(outcome)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Account>> {
        // A panic while holding the lock cannot leave a half-applied change:
        // changes are made on a copy.
        self.accounts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Finds an account by the id the web view sent back.
pub fn find_mut<'a>(accounts: &'a mut [Account], id: &str) -> AppResult<&'a mut Account> {
    let id: AccountId = id
        .parse()
        .map_err(|error: twofold_authenticator::AccountIdError| {
            AppError::new(ErrorKind::InvalidInput, error.to_string())
        })?;
    accounts
        .iter_mut()
        .find(|account| account.id == id)
        .ok_or_else(AppError::not_found_account)
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

fn storage_error(error: impl std::fmt::Display) -> AppError {
    AppError::new(ErrorKind::Storage, error.to_string())
}
