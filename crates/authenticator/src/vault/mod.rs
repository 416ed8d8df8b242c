//! The encrypted vault: one file holding every account, sealed with
//! XChaCha20-Poly1305 under a random 256-bit vault key. The vault key is
//! wrapped in slots — the OS keyring and/or a passphrase (Argon2id) — so the
//! passphrase can change without touching the key. The whole header is the
//! body's associated data. Saves are atomic and keep the previous file as
//! `<file>.bak`. The layout is documented in `docs/vault-format.md`.
//!
//! Several processes may hold the same vault open (the app, `twofold-cli`, a
//! script running many of them). Every change goes through
//! [`Vault::transact`]: under an advisory lock on `<file>.lock`, the vault is
//! first brought up to date with the file as it is on disk, then the change
//! is applied and saved. So no process ever saves over another's change.

mod backups;
mod crypto;
mod format;
mod keyring;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroizing;

pub use backups::{Backup, RestorePreview, list_backups};
pub use crypto::KdfParams;

use crate::account::{Account, FactorLink, next_position};
use twofold_atomic_file::{self as atomic, FileLock, LockError};

use crate::record;
use crypto::{Key, NONCE_LEN, NoRandomness, SALT_LEN};
use format::{Header, Kdf, ReadError, Slot, Source};
use keyring::KeyringError;

/// How long a writer waits for another process's save before giving up.
/// A save takes milliseconds; a holder this slow is hung, and the waiter
/// must fail cleanly rather than wait for ever.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);

/// A passphrase, wiped from memory on drop and never printed, with the
/// Argon2id costs to use when it protects a vault (ignored when unlocking:
/// the vault's header says which costs were used).
#[derive(Clone)]
pub struct Passphrase {
    text: Zeroizing<String>,
    kdf: KdfParams,
}

impl Passphrase {
    /// A passphrase with the default, ~0.5 s costs.
    pub fn new(text: impl Into<String>) -> Passphrase {
        Passphrase {
            text: Zeroizing::new(text.into()),
            kdf: KdfParams::DEFAULT,
        }
    }

    /// The same passphrase with other Argon2id costs (cheaper ones make tests
    /// and benchmarks fast; they are still real Argon2id).
    pub fn with_kdf(mut self, kdf: KdfParams) -> Passphrase {
        self.kdf = kdf;
        self
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// How a new vault's key is protected.
#[derive(Debug, Clone)]
pub enum Protection {
    /// A random key in the OS keyring: unlocks without typing anything.
    Keyring,
    /// A passphrase: portable, needs no keyring.
    Passphrase(Passphrase),
    /// Either unlocks it.
    KeyringAndPassphrase(Passphrase),
}

/// How to unlock an existing vault.
#[derive(Debug, Clone)]
pub enum Unlock {
    /// With the key kept in the OS keyring (one keyring access).
    Keyring,
    /// With the passphrase.
    Passphrase(Passphrase),
}

/// What a vault file says about itself before it is unlocked. Nothing here
/// is authenticated until an unlock succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultInfo {
    /// The vault file.
    pub path: PathBuf,
    /// Its layout version.
    pub version: u16,
    /// How many accounts it holds.
    pub accounts: usize,
    /// Whether the OS keyring can unlock it.
    pub keyring: bool,
    /// The passphrase slot's Argon2id costs, when it has one.
    pub passphrase: Option<KdfParams>,
    /// When it was last saved, in Unix seconds.
    pub saved_at: u64,
}

/// What went wrong with a vault; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// `create` found a file already there.
    #[error("{} already exists; open it, or move it away to create a new vault", path.display())]
    Exists {
        /// The vault file.
        path: PathBuf,
    },
    /// `open` found no file.
    #[error("there is no vault at {}; create one first", path.display())]
    NotFound {
        /// The vault file.
        path: PathBuf,
    },
    /// The file could not be read.
    #[error("cannot read {}: {}; check its permissions", path.display(), atomic::plain(source))]
    Read {
        /// The vault file.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// The file could not be written; the previous file is intact.
    #[error("cannot save {}: {}; the previous vault is kept — check free space and permissions of the folder", path.display(), atomic::plain(source))]
    Write {
        /// The vault file.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// An automatic backup could not be written; the vault itself is saved.
    #[error("cannot write a backup to {}: {}; your vault itself is saved — check that the folder exists and is writable, or choose another in Settings", folder.display(), atomic::plain(source))]
    Backup {
        /// The backup folder.
        folder: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// Not a vault, truncated, or an unreadable header.
    #[error("{} is not a readable Twofold vault: {reason}; it was not changed — restore {} or another backup", path.display(), atomic::backup_path(path).display())]
    Corrupt {
        /// The vault file.
        path: PathBuf,
        /// What is wrong, in words.
        reason: String,
    },
    /// The sealed content does not match its header or key.
    #[error("{} failed its integrity check: it was damaged, truncated or changed outside Twofold; it was not changed — restore {} or another backup", path.display(), atomic::backup_path(path).display())]
    Tampered {
        /// The vault file.
        path: PathBuf,
    },
    /// Written by a newer Twofold.
    #[error("{} uses vault format {version}, newer than this Twofold reads ({}); update Twofold", path.display(), format::VERSION)]
    Newer {
        /// The vault file.
        path: PathBuf,
        /// The file's format version.
        version: u16,
    },
    /// The passphrase does not unlock the vault.
    #[error("wrong passphrase for {}; check it (and the keyboard layout) and try again — nothing was changed", path.display())]
    WrongPassphrase {
        /// The vault file.
        path: PathBuf,
    },
    /// A passphrase was given for a keyring-only vault.
    #[error("{} has no passphrase; unlock it with the OS keyring", path.display())]
    NoPassphraseSlot {
        /// The vault file.
        path: PathBuf,
    },
    /// The keyring was asked for a passphrase-only vault.
    #[error("{} is not kept in the OS keyring; unlock it with its passphrase", path.display())]
    NoKeyringSlot {
        /// The vault file.
        path: PathBuf,
    },
    /// No Secret Service (or other OS keyring) answers.
    #[error(
        "the OS keyring is not available ({reason}); start a keyring service such as gnome-keyring, or protect the vault with a passphrase instead"
    )]
    KeyringUnavailable {
        /// What the platform said.
        reason: String,
    },
    /// The keyring is locked or refuses access.
    #[error(
        "the OS keyring refused access ({reason}); unlock your keyring (log in to the desktop session), or use the vault's passphrase"
    )]
    KeyringLocked {
        /// What the platform said.
        reason: String,
    },
    /// The vault's keyring entry is gone or does not hold its key.
    #[error("the OS keyring has no usable key for {} (entry '{service}' / '{user}'); unlock with the passphrase, or restore the keyring", path.display())]
    KeyringKeyMissing {
        /// The vault file.
        path: PathBuf,
        /// The entry's service.
        service: String,
        /// The entry's user.
        user: String,
    },
    /// Removing the slot would leave no way to unlock the vault.
    #[error(
        "cannot remove the only way to unlock the vault; add a passphrase or the OS keyring first"
    )]
    LastSlot,
    /// An empty passphrase.
    #[error("passphrase: it is empty; choose one you can remember (a few words make a good one)")]
    EmptyPassphrase,
    /// Argon2id costs it cannot run.
    #[error(
        "passphrase: Argon2id costs {memory_kib} KiB × {iterations} passes × {parallelism} lanes are not usable (8 KiB per lane at least, at most {} KiB, {} passes and {} lanes)",
        KdfParams::MAX_MEMORY_KIB,
        KdfParams::MAX_ITERATIONS,
        KdfParams::MAX_PARALLELISM
    )]
    KdfParams {
        /// Memory in KiB.
        memory_kib: u32,
        /// Passes.
        iterations: u32,
        /// Lanes.
        parallelism: u32,
    },
    /// The OS gave no random bytes.
    #[error("the operating system's random number source failed; nothing was written — try again")]
    NoRandomness,
    /// Another process kept the vault locked for all of [`LOCK_WAIT`].
    #[error("{} is being saved by another Twofold process (the app or twofold-cli), which held it for over {} s; nothing was changed — try again, and if this keeps happening, close the other process", path.display(), LOCK_WAIT.as_secs())]
    Busy {
        /// The vault file.
        path: PathBuf,
    },
    /// The file now holds a different vault than the one unlocked.
    #[error("{} now holds a different vault (it was replaced by another file); nothing was changed — lock Twofold and unlock again to open the new one", path.display())]
    Replaced {
        /// The vault file.
        path: PathBuf,
    },
    /// Adding an account the vault already keeps.
    #[error("“{existing}” is already in the vault with the same secret; nothing was added")]
    AlreadyThere {
        /// The label of the account that is there.
        existing: String,
    },
}

impl From<NoRandomness> for VaultError {
    fn from(_: NoRandomness) -> VaultError {
        VaultError::NoRandomness
    }
}

/// An unlocked vault: its accounts in memory and the key to save them.
/// Dropping it (or [`Vault::lock`]) wipes the key and the secrets.
pub struct Vault {
    path: PathBuf,
    header: Header,
    key: Key,
    accounts: Vec<Account>,
    /// How many times this value saved the file.
    saves: u64,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("accounts", &self.accounts.len())
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// Creates an empty vault at `path` (never over an existing file). With
    /// the keyring, its entry is written first; if the keyring is missing
    /// nothing is written at all.
    pub fn create(path: impl Into<PathBuf>, protection: Protection) -> Result<Vault, VaultError> {
        let path = path.into();
        // Held so that two processes creating at once cannot both succeed.
        let _lock = lock_for_writing(&path)?;
        if fs::symlink_metadata(&path).is_ok() {
            return Err(VaultError::Exists { path });
        }
        let (keyring, passphrase) = match protection {
            Protection::Keyring => (true, None),
            Protection::Passphrase(passphrase) => (false, Some(passphrase)),
            Protection::KeyringAndPassphrase(passphrase) => (true, Some(passphrase)),
        };
        let mut vault = Vault {
            path,
            header: Header {
                vault_id: uuid::Uuid::new_v4().simple().to_string(),
                accounts: 0,
                saved_at: 0,
                nonce: String::new(),
                slots: Vec::new(),
            },
            key: crypto::random_key()?,
            accounts: Vec::new(),
            saves: 0,
        };
        if let Some(passphrase) = passphrase {
            vault.header.slots.push(vault.passphrase_slot(&passphrase)?);
        }
        if keyring {
            vault.push_keyring_slot()?;
        } else {
            vault.save()?;
        }
        Ok(vault)
    }

    /// Reads and unlocks the vault at `path`. Nothing is written, whatever
    /// goes wrong.
    pub fn open(path: impl Into<PathBuf>, unlock: Unlock) -> Result<Vault, VaultError> {
        let path = path.into();
        let file = read_file(&path)?;
        let parsed = parse(&path, &file)?;
        let header = &parsed.header;
        let key = match unlock {
            Unlock::Keyring => {
                let (slot, service, user) = header
                    .keyring_slot()
                    .ok_or_else(|| VaultError::NoKeyringSlot { path: path.clone() })?;
                let missing = || VaultError::KeyringKeyMissing {
                    path: path.clone(),
                    service: service.to_owned(),
                    user: user.to_owned(),
                };
                let kek = keyring::load(service, user).map_err(|error| match error {
                    KeyringError::Missing | KeyringError::Garbled => missing(),
                    other => keyring_error(other),
                })?;
                slot.unwrap_key(&kek, &header.vault_id)
                    .ok_or_else(missing)?
            }
            Unlock::Passphrase(passphrase) => {
                let (slot, kdf, salt) = header
                    .passphrase_slot()
                    .ok_or_else(|| VaultError::NoPassphraseSlot { path: path.clone() })?;
                let corrupt = |reason: &str| VaultError::Corrupt {
                    path: path.clone(),
                    reason: reason.to_owned(),
                };
                let params = kdf
                    .params()
                    .ok_or_else(|| corrupt("its passphrase slot has unusable Argon2id costs"))?;
                let salt = hex::decode(salt)
                    .map_err(|_| corrupt("its passphrase slot's salt is not hex"))?;
                let kek = params
                    .derive(passphrase.text.as_bytes(), &salt)
                    .ok_or_else(|| corrupt("its passphrase slot's Argon2id costs are rejected"))?;
                slot.unwrap_key(&kek, &header.vault_id)
                    .ok_or_else(|| VaultError::WrongPassphrase { path: path.clone() })?
            }
        };
        let accounts = decrypt_accounts(&path, &key, &parsed)?;
        Ok(Vault {
            path,
            header: parsed.header,
            key,
            accounts,
            saves: 0,
        })
    }

    /// Catches up with saves made by other processes since this vault was
    /// read or saved; `true` when the accounts (or slots) changed. Needs no
    /// lock: saves replace the file whole, so it is always complete.
    pub fn reload(&mut self) -> Result<bool, VaultError> {
        let file = read_file(&self.path)?;
        let parsed = parse(&self.path, &file)?;
        // Every save draws a new random nonce: the same nonce is the same save.
        if parsed.header.nonce == self.header.nonce {
            return Ok(false);
        }
        if parsed.header.vault_id != self.header.vault_id {
            return Err(VaultError::Replaced {
                path: self.path.clone(),
            });
        }
        // The vault key never changes, so it opens any save of this vault.
        self.accounts = decrypt_accounts(&self.path, &self.key, &parsed)?;
        self.header = parsed.header;
        Ok(true)
    }

    /// Where the user's vault lives unless told otherwise:
    /// `$XDG_DATA_HOME/twofold/vault.twofold` on Linux, the platform's data
    /// dir elsewhere. `None` when the OS gives no home folder.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("app", "twofold", "twofold")
            .map(|dirs| dirs.data_dir().join("vault.twofold"))
    }

    /// What the file at `path` says about itself, without unlocking it.
    pub fn inspect(path: impl Into<PathBuf>) -> Result<VaultInfo, VaultError> {
        let path = path.into();
        let file = read_file(&path)?;
        let header = parse(&path, &file)?.header;
        Ok(info(path, &header))
    }

    /// This vault's description (as saved last).
    pub fn info(&self) -> VaultInfo {
        info(self.path.clone(), &self.header)
    }

    /// The vault file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many times this value saved the file (changes and slot changes;
    /// not other processes' saves it caught up with): tells a caller
    /// whether a change reached the disk.
    pub fn saves(&self) -> u64 {
        self.saves
    }

    /// The accounts, in the order they were added.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// Changes the accounts, as the one way to change them: under the lock,
    /// the vault first catches up with the file on disk, then `change` edits
    /// the accounts, and the result is saved. If `change` fails or the save
    /// fails, nothing changes, in memory or on disk. A change that leaves the
    /// accounts as they were saves nothing.
    pub fn transact<T, E>(
        &mut self,
        change: impl FnOnce(&mut Vec<Account>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<VaultError>,
    {
        let _lock = self.lock_and_catch_up()?;
        let mut next = self.accounts.clone();
        let outcome = change(&mut next)?;
        if next != self.accounts {
            let previous = std::mem::replace(&mut self.accounts, next);
            self.save().inspect_err(|_| self.accounts = previous)?;
        }
        Ok(outcome)
    }

    /// Adds `account` after the others, unless the vault already keeps it
    /// (the same key, whatever its label): then nothing is added and the
    /// error names the account that is there.
    pub fn add_account(&mut self, mut account: Account) -> Result<Account, VaultError> {
        self.transact(|accounts| {
            if let Some(existing) = accounts
                .iter()
                .find(|other| other.otp.same_key(&account.otp))
            {
                return Err(VaultError::AlreadyThere {
                    existing: existing.otp.label(),
                });
            }
            account.position = next_position(accounts);
            accounts.push(account.clone());
            Ok(account)
        })
    }

    /// Notes on every account whose Verify factor is `gone` (one factor, or
    /// all of a deleted entity's) that the factor was deleted; `true` when
    /// one was. The accounts themselves stay.
    pub fn mark_factors_deleted(
        &mut self,
        gone: impl Fn(&FactorLink) -> bool,
        now: u64,
    ) -> Result<bool, VaultError> {
        self.transact(|accounts| {
            let mut marked = false;
            for link in accounts
                .iter_mut()
                .filter_map(|account| account.factor.as_mut())
            {
                if gone(link) && link.deleted_at.is_none() {
                    link.deleted_at = Some(now);
                    marked = true;
                }
            }
            Ok(marked)
        })
    }

    /// The account linked to Verify factor `factor_sid`, if any.
    pub fn factor_account(&self, factor_sid: &str) -> Option<&Account> {
        self.accounts.iter().find(|account| {
            account
                .factor
                .as_ref()
                .is_some_and(|link| link.factor_sid == factor_sid)
        })
    }

    /// Takes the writers' lock and brings this vault up to date with the
    /// file under it: what every change starts from. The change is safe
    /// while the returned guard lives.
    fn lock_and_catch_up(&mut self) -> Result<FileLock, VaultError> {
        let lock = lock_for_writing(&self.path)?;
        self.reload()?;
        Ok(lock)
    }

    /// Writes the vault atomically, keeping the previous file as `.bak`.
    /// The caller holds the lock and has caught up with the file.
    fn save(&mut self) -> Result<(), VaultError> {
        let nonce = crypto::random::<NONCE_LEN>()?;
        let mut header = self.header.clone();
        header.nonce = hex::encode(nonce);
        header.accounts = self.accounts.len();
        header.saved_at = crate::unix_now();
        let plaintext = record::encode(&self.accounts);
        let file = format::encode(&header, &nonce, &self.key, &plaintext);
        atomic::replace(&self.path, &file).map_err(|source| VaultError::Write {
            path: self.path.clone(),
            source,
        })?;
        // Only a save that reached the disk changes what this vault knows
        // of the file.
        self.header = header;
        self.saves += 1;
        Ok(())
    }

    /// Writes a copy of the accounts as a new vault at `output`, under
    /// `passphrase` alone (another machine has no access to this keyring).
    /// It is built in a scratch folder beside `output` and linked into
    /// place, so no intermediate `.bak` is left behind and an existing file
    /// is never replaced.
    pub fn write_backup(&self, output: &Path, passphrase: Passphrase) -> Result<(), VaultError> {
        let write_error = |source| VaultError::Write {
            path: output.to_owned(),
            source,
        };
        let parent = output
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let scratch = tempfile::tempdir_in(parent).map_err(write_error)?;
        let built = scratch.path().join("backup.twofold");
        Vault::create(&built, Protection::Passphrase(passphrase))?.transact(|accounts| {
            accounts.clone_from(&self.accounts);
            Ok::<(), VaultError>(())
        })?;
        fs::hard_link(&built, output).map_err(write_error)
    }

    /// Sets or replaces the passphrase (the vault key stays the same), and
    /// saves.
    pub fn set_passphrase(&mut self, passphrase: Passphrase) -> Result<(), VaultError> {
        // Argon2id takes half a second: derived before the lock is taken.
        let slot = self.passphrase_slot(&passphrase)?;
        self.change_slots(|header| {
            header.remove_slots(false);
            header.slots.push(slot);
            Ok(())
        })
    }

    /// Removes the passphrase, leaving the keyring to unlock the vault, and
    /// saves.
    pub fn remove_passphrase(&mut self) -> Result<(), VaultError> {
        self.change_slots(|header| {
            if header.keyring_slot().is_none() {
                return Err(VaultError::LastSlot);
            }
            header.remove_slots(false);
            Ok(())
        })
    }

    /// Lets the OS keyring unlock the vault (a new random entry), and saves.
    /// Does nothing when it already can.
    pub fn add_keyring_slot(&mut self) -> Result<(), VaultError> {
        let _lock = self.lock_and_catch_up()?;
        self.push_keyring_slot()
    }

    /// [`Vault::add_keyring_slot`] with the lock held and the vault caught up:
    /// the keyring entry is named after the vault, so whether a slot exists
    /// must be known from the file as it is before an entry is written.
    fn push_keyring_slot(&mut self) -> Result<(), VaultError> {
        if self.header.keyring_slot().is_some() {
            return Ok(());
        }
        let kek = crypto::random_key()?;
        let service = keyring::SERVICE.to_owned();
        let user = keyring::user_for(&self.header.vault_id);
        let slot = Slot::wrap(
            Source::Keyring {
                service: service.clone(),
                user: user.clone(),
            },
            &kek,
            &self.key,
            &self.header.vault_id,
        )?;
        keyring::store(&service, &user, &kek).map_err(keyring_error)?;
        self.header.slots.push(slot);
        self.save().inspect_err(|_| {
            self.header.slots.pop();
            // The entry would unlock nothing; failing to remove it leaves
            // only a useless random key behind.
            let _ = keyring::delete(&service, &user);
        })
    }

    /// Stops the OS keyring from unlocking the vault: saves without the
    /// slot, then deletes the keyring entry. Needs a passphrase slot; does
    /// nothing when the keyring has no slot.
    pub fn remove_keyring_slot(&mut self) -> Result<(), VaultError> {
        let mut entry = None;
        self.change_slots(|header| {
            let Some((_, service, user)) = header.keyring_slot() else {
                return Ok(());
            };
            if header.passphrase_slot().is_none() {
                return Err(VaultError::LastSlot);
            }
            entry = Some((service.to_owned(), user.to_owned()));
            header.remove_slots(true);
            Ok(())
        })?;
        match entry {
            Some((service, user)) => keyring::delete(&service, &user).map_err(keyring_error),
            None => Ok(()),
        }
    }

    /// Applies a slot change to the header as it is on disk, under the lock,
    /// and saves it; if `change` refuses or the save fails, the slots stay
    /// as the file holds them.
    fn change_slots(
        &mut self,
        change: impl FnOnce(&mut Header) -> Result<(), VaultError>,
    ) -> Result<(), VaultError> {
        let _lock = self.lock_and_catch_up()?;
        let before = self.header.slots.clone();
        change(&mut self.header)
            .and_then(|()| self.save())
            .inspect_err(|_| self.header.slots = before)
    }

    /// Locks the vault: the key and every secret are wiped from memory.
    pub fn lock(self) {
        drop(self);
    }

    fn passphrase_slot(&self, passphrase: &Passphrase) -> Result<Slot, VaultError> {
        if passphrase.text.is_empty() {
            return Err(VaultError::EmptyPassphrase);
        }
        let params = passphrase.kdf;
        let unusable = VaultError::KdfParams {
            memory_kib: params.memory_kib,
            iterations: params.iterations,
            parallelism: params.parallelism,
        };
        if !params.within_bounds() {
            return Err(unusable);
        }
        let salt = crypto::random::<SALT_LEN>()?;
        let kek = params
            .derive(passphrase.text.as_bytes(), &salt)
            .ok_or(unusable)?;
        Ok(Slot::wrap(
            Source::Passphrase {
                kdf: Kdf::new(params),
                salt: hex::encode(salt),
            },
            &kek,
            &self.key,
            &self.header.vault_id,
        )?)
    }
}

fn info(path: PathBuf, header: &Header) -> VaultInfo {
    VaultInfo {
        path,
        version: format::VERSION,
        accounts: header.accounts,
        keyring: header.keyring_slot().is_some(),
        passphrase: header
            .passphrase_slot()
            .and_then(|(_, kdf, _)| kdf.params()),
        saved_at: header.saved_at,
    }
}

/// The lock every writer of `path` holds across read-modify-write.
fn lock_for_writing(path: &Path) -> Result<FileLock, VaultError> {
    FileLock::acquire(path, LOCK_WAIT).map_err(|error| match error {
        LockError::Busy { .. } => VaultError::Busy {
            path: path.to_owned(),
        },
        LockError::Io { lock, source } => VaultError::Write { path: lock, source },
    })
}

fn decrypt_accounts(
    path: &Path,
    key: &Key,
    parsed: &format::Parsed<'_>,
) -> Result<Vec<Account>, VaultError> {
    let nonce =
        format::fixed::<NONCE_LEN>(&parsed.header.nonce).ok_or_else(|| VaultError::Corrupt {
            path: path.to_owned(),
            reason: "its header's nonce is not 24 bytes of hex".to_owned(),
        })?;
    let plaintext = crypto::open(key, &nonce, parsed.body, parsed.associated).ok_or_else(|| {
        VaultError::Tampered {
            path: path.to_owned(),
        }
    })?;
    record::decode(&plaintext).map_err(|reason| VaultError::Corrupt {
        path: path.to_owned(),
        reason,
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>, VaultError> {
    fs::read(path).map_err(|source| match source.kind() {
        io::ErrorKind::NotFound => VaultError::NotFound {
            path: path.to_owned(),
        },
        _ => VaultError::Read {
            path: path.to_owned(),
            source,
        },
    })
}

fn parse<'a>(path: &Path, file: &'a [u8]) -> Result<format::Parsed<'a>, VaultError> {
    format::read(file).map_err(|error| match error {
        ReadError::Damaged(reason) => VaultError::Corrupt {
            path: path.to_owned(),
            reason,
        },
        ReadError::Newer(version) => VaultError::Newer {
            path: path.to_owned(),
            version,
        },
    })
}

fn keyring_error(error: KeyringError) -> VaultError {
    match error {
        KeyringError::Locked(reason) => VaultError::KeyringLocked { reason },
        KeyringError::Unavailable(reason) => VaultError::KeyringUnavailable { reason },
        KeyringError::Missing => VaultError::KeyringUnavailable {
            reason: "the entry just written cannot be found".to_owned(),
        },
        KeyringError::Garbled => VaultError::KeyringUnavailable {
            reason: "the entry just written cannot be read back".to_owned(),
        },
    }
}
