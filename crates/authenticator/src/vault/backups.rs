//! Automatic backups, as Aegis keeps them: after a save, the vault file as
//! saved (still encrypted, under the same passphrase and keyring slots) is
//! copied into a folder the user chose, and only the newest few are kept.
//!
//! A backup is a vault file, so it opens like the vault. Restoring never
//! removes anything: [`Vault::restore_preview`] lists the backup's accounts
//! that the vault no longer has (by key, whatever their labels), and
//! [`Vault::restore`] adds those back with everything they carried (tags,
//! note, favourite, counter, factor link).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::{Vault, VaultError, VaultInfo, read_file};
use crate::account::{Account, AccountId, next_position};

/// Backup files are named `twofold-backup-YYYYMMDD-HHMMSS-mmm.twofold` (UTC),
/// so their names sort by age and nothing else in the folder is touched.
const PREFIX: &str = "twofold-backup-";
const SUFFIX: &str = ".twofold";

/// A backup in the folder.
#[derive(Debug, Clone)]
pub struct Backup {
    /// The file.
    pub path: PathBuf,
    /// What its header says (accounts, when saved, what unlocks it).
    pub info: VaultInfo,
}

/// What restoring a backup would add; nothing changes until
/// [`Vault::restore`].
#[derive(Debug, Clone)]
pub struct RestorePreview {
    /// The backup's accounts the vault does not have, in the backup's order.
    pub missing: Vec<Account>,
    /// How many of the backup's accounts the vault still has.
    pub present: usize,
}

impl Vault {
    /// Copies the vault file, as last saved, into `folder` (created if need
    /// be), then deletes the oldest backups there beyond the newest `keep`.
    /// Returns the new backup's path.
    pub fn back_up_to(&self, folder: &Path, keep: usize) -> Result<PathBuf, VaultError> {
        let error = |source: io::Error| VaultError::Backup {
            folder: folder.to_owned(),
            source,
        };
        let bytes = read_file(&self.path)?;
        fs::create_dir_all(folder).map_err(error)?;
        let mut at = OffsetDateTime::now_utc();
        let path = loop {
            let path = folder.join(backup_name(at));
            match twofold_atomic_file::write_new(&path, &bytes) {
                Ok(()) => break path,
                // Two saves within a millisecond: the next name.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    at += time::Duration::milliseconds(1);
                }
                Err(e) => return Err(error(e)),
            }
        };
        let mut names = backup_names(folder).map_err(error)?;
        names.sort_unstable();
        let excess = names.len().saturating_sub(keep.max(1));
        for name in &names[..excess] {
            fs::remove_file(folder.join(name)).map_err(error)?;
        }
        Ok(path)
    }

    /// What restoring `backup` would add to this vault.
    pub fn restore_preview(&self, backup: &Vault) -> RestorePreview {
        let (present, missing): (Vec<&Account>, Vec<&Account>) = backup
            .accounts
            .iter()
            .partition(|old| self.accounts.iter().any(|a| a.otp.same_key(&old.otp)));
        RestorePreview {
            missing: missing.into_iter().cloned().collect(),
            present: present.len(),
        }
    }

    /// Adds the preview's missing accounts after the others (skipping any
    /// another process added meanwhile) and returns their ids.
    pub fn restore(&mut self, preview: RestorePreview) -> Result<Vec<AccountId>, VaultError> {
        self.transact(|accounts| {
            let mut ids = Vec::new();
            for mut account in preview.missing {
                if accounts.iter().any(|a| a.otp.same_key(&account.otp)) {
                    continue;
                }
                if accounts.iter().any(|a| a.id == account.id) {
                    account.id = AccountId::random();
                }
                account.position = next_position(accounts);
                ids.push(account.id);
                accounts.push(account);
            }
            Ok(ids)
        })
    }
}

/// The backups in `folder`, newest first. Files that are not readable
/// vaults are left out.
pub fn list_backups(folder: &Path) -> Result<Vec<Backup>, VaultError> {
    let mut names = match backup_names(folder) {
        Ok(names) => names,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(VaultError::Backup {
                folder: folder.to_owned(),
                source,
            });
        }
    };
    names.sort_unstable_by(|a, b| b.cmp(a));
    Ok(names
        .into_iter()
        .filter_map(|name| {
            let path = folder.join(name);
            let info = Vault::inspect(&path).ok()?;
            Some(Backup { path, info })
        })
        .collect())
}

fn backup_names(folder: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(folder)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with(PREFIX) && name.ends_with(SUFFIX) {
            names.push(name);
        }
    }
    Ok(names)
}

fn backup_name(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year][month][day]-[hour][minute][second]-[subsecond digits:3]"
    );
    let stamp = at
        .to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_else(|_| at.unix_timestamp().to_string());
    format!("{PREFIX}{stamp}{SUFFIX}")
}

#[cfg(test)]
mod tests {
    use super::backup_name;
    use time::macros::datetime;

    #[test]
    fn backup_names_are_utc_times_that_sort_by_age() {
        let at = datetime!(2026-11-29 16:33:01.007 +01:00);
        assert_eq!(
            backup_name(at),
            "twofold-backup-20261129-153301-007.twofold"
        );
        assert!(backup_name(at) < backup_name(at + time::Duration::milliseconds(3)));
        assert!(
            backup_name(datetime!(2026-11-29 9:59:59 UTC))
                < backup_name(datetime!(2026-11-29 10:00:00 UTC))
        );
    }
}
