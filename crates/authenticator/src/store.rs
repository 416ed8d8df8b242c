//! Where accounts are kept between runs, behind one small trait.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::account::Account;
use crate::{atomic, record};

/// Why accounts could not be loaded or saved. Each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but could not be read.
    #[error("cannot read {}: {source}; check its permissions", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// The new content could not be written; the previous file is intact.
    #[error("cannot save {}: {source}; the previous content is kept — check free space and permissions of the folder", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// The file is not a readable accounts file; it is left as it is.
    #[error("{} is damaged ({reason}); it was not changed — restore it from {} or a backup, or move it away to start empty", path.display(), atomic::backup_path(path).display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with its content.
        reason: String,
    },
}

/// Loads and saves the whole list of accounts at once.
pub trait AccountStore {
    /// All accounts; an empty list when nothing was saved yet.
    fn load(&self) -> Result<Vec<Account>, StoreError>;
    /// Replaces the saved accounts with `accounts`, atomically.
    fn save(&self, accounts: &[Account]) -> Result<(), StoreError>;
}

/// Accounts as a plain JSON file (mode 0600): the stepping stone before the
/// encrypted vault. Saves are atomic and keep the previous file as `.bak`.
#[derive(Debug, Clone)]
pub struct PlainFileStore {
    path: PathBuf,
}

impl PlainFileStore {
    /// A store at `path`; nothing is touched until `load` or `save`.
    pub fn new(path: impl Into<PathBuf>) -> PlainFileStore {
        PlainFileStore { path: path.into() }
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl AccountStore for PlainFileStore {
    fn load(&self) -> Result<Vec<Account>, StoreError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => zeroize::Zeroizing::new(bytes),
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(StoreError::Read {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        record::decode(&bytes).map_err(|reason| StoreError::Corrupt {
            path: self.path.clone(),
            reason,
        })
    }

    fn save(&self, accounts: &[Account]) -> Result<(), StoreError> {
        atomic::replace(&self.path, &record::encode(accounts)).map_err(|source| StoreError::Write {
            path: self.path.clone(),
            source,
        })
    }
}
