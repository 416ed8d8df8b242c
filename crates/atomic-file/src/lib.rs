//! # twofold-atomic-file
//!
//! Saving a file so that a crash at any instant leaves either the old or the new
//! content under its name: the bytes go to a temp file beside it (mode 0600 on Unix,
//! as both the vault and the Sandbox's state hold secrets), are synced, renamed over
//! the name, and the folder is synced.
//!
//! - [`replace`] also keeps the previous content under `.bak` ([`backup_path`]): the
//!   vault, whose last good copy a user may need.
//! - [`overwrite`] keeps none: the Sandbox's state, saved after every change.
//! - [`write_new`] creates a file that must not exist yet: exports.
//! - [`move_over`] puts a file saved whole under another name: a change made of
//!   several files (the Sandbox's snapshot and journal).
//!
//! Several processes may change one file (the app and `twofold-cli` share the
//! vault), so a writer holds a [`FileLock`] across read-modify-write. It is an
//! advisory `flock` on a `.lock` file beside the data (the data file itself is
//! replaced by every save, so a lock on it would be lost), taken through the
//! standard library's [`std::fs::File::try_lock`]. The kernel drops it when the
//! holder exits, even by SIGKILL, so a crashed writer never leaves it stuck.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What went wrong with a file, in plain words ("no such file"), without
/// the OS's error number.
pub fn plain(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::AlreadyExists => "it already exists".to_owned(),
        io::ErrorKind::IsADirectory => "it is a folder, not a file".to_owned(),
        io::ErrorKind::NotADirectory => "a part of the path is not a folder".to_owned(),
        io::ErrorKind::StorageFull => "the disk is full".to_owned(),
        io::ErrorKind::ReadOnlyFilesystem => "the disk is read-only".to_owned(),
        _ => {
            let text = error.to_string();
            // "Text (os error 5)" → "text".
            let text = text.split(" (os error").next().unwrap_or(&text);
            let mut chars = text.chars();
            chars
                .next()
                .map(|first| first.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The file that holds the previous content of `path` after a [`replace`].
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak")
}

/// Writes `bytes` to `path` (mode 0600 on Unix): temp file, fsync, the old
/// file hard-linked to `.bak`, rename over `path`, fsync of the folder.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    swap_in(path, bytes, Backup::Keep)
}

/// Writes `bytes` to `path` as [`replace`] does, without keeping a `.bak`.
pub fn overwrite(path: &Path, bytes: &[u8]) -> io::Result<()> {
    swap_in(path, bytes, Backup::None)
}

/// Renames a file saved whole (by [`overwrite`], say) over `to`, durably: the
/// rename, then an fsync of the folder. For a change made of several files
/// put in place one after the other, in an order a reader can recover from.
pub fn move_over(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)?;
    sync_dir(folder_of(to))
}

/// The file whose lock guards `path` (see [`FileLock`]).
pub fn lock_path(path: &Path) -> PathBuf {
    sibling(path, ".lock")
}

/// Why a [`FileLock`] was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process held the lock for the whole wait.
    #[error("{} is held by another process", lock.display())]
    Busy {
        /// The lock file.
        lock: PathBuf,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {}: {source}", lock.display())]
    Io {
        /// The lock file.
        lock: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
}

/// An exclusive advisory lock on `path`'s [`lock_path`], released on drop or
/// when the process ends, however it ends.
#[derive(Debug)]
pub struct FileLock {
    // Held for its lock; closing it releases the lock.
    _file: File,
}

impl FileLock {
    /// Waits up to `wait` for the lock on `path`.
    pub fn acquire(path: &Path, wait: Duration) -> Result<FileLock, LockError> {
        let file = open_lock_file(path)?;
        let deadline = Instant::now() + wait;
        // Writers hold the lock for milliseconds; a short poll keeps waiters
        // responsive without a blocking call that could never time out.
        let mut pause = Duration::from_millis(2);
        loop {
            match try_lock(&file, path)? {
                true => return Ok(FileLock { _file: file }),
                false if Instant::now() >= deadline => {
                    return Err(LockError::Busy {
                        lock: lock_path(path),
                    });
                }
                false => {
                    std::thread::sleep(
                        pause.min(deadline.saturating_duration_since(Instant::now())),
                    );
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
            }
        }
    }

    /// Takes the lock on `path` only if nobody holds it now.
    pub fn try_acquire(path: &Path) -> Result<FileLock, LockError> {
        let file = open_lock_file(path)?;
        match try_lock(&file, path)? {
            true => Ok(FileLock { _file: file }),
            false => Err(LockError::Busy {
                lock: lock_path(path),
            }),
        }
    }
}

fn open_lock_file(path: &Path) -> Result<File, LockError> {
    let lock = lock_path(path);
    // The first writer of a new file may find no folder yet, as a save would.
    if let Some(dir) = lock.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|source| LockError::Io {
            lock: lock.clone(),
            source,
        })?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(&lock)
        .map_err(|source| LockError::Io { lock, source })
}

/// `Ok(false)` when another holder has it.
fn try_lock(file: &File, path: &Path) -> Result<bool, LockError> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(source)) => Err(LockError::Io {
            lock: lock_path(path),
            source,
        }),
    }
}

#[derive(PartialEq, Eq)]
enum Backup {
    Keep,
    None,
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn swap_in(path: &Path, bytes: &[u8], backup: Backup) -> io::Result<()> {
    let dir = folder_of(path);
    fs::create_dir_all(dir)?;
    remove_stale_temps(dir, path);

    let temp = sibling(path, &format!(".tmp-{}", uuid::Uuid::new_v4().simple()));
    let written = write_new(&temp, bytes);
    if let Err(error) = written {
        // Best effort: a leftover temp file is harmless but untidy.
        let _ = fs::remove_file(&temp);
        return Err(error);
    }

    // The backup is swapped in with a rename too, so a crash here leaves the
    // old backup rather than none.
    match fs::symlink_metadata(path) {
        Ok(_) if backup == Backup::Keep => {
            let staged = sibling(path, ".bak.tmp");
            let _ = fs::remove_file(&staged);
            fs::hard_link(path, &staged).or_else(|_| fs::copy(path, &staged).map(drop))?;
            fs::rename(&staged, backup_path(path))?;
            // When a killed save left `.bak` linked to the current file,
            // the rename above is a no-op (POSIX: both names are one file)
            // and the staged name stays: drop it.
            let _ = fs::remove_file(&staged);
        }
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }

    fs::rename(&temp, path)?;
    sync_dir(dir)
}

/// Temp files of saves that were killed before their rename; a save racing
/// this one from another process loses its temp file and fails cleanly.
fn remove_stale_temps(dir: &Path, path: &Path) {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return;
    };
    let prefix = format!("{name}.tmp-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|other| other.starts_with(&prefix))
        {
            // Best effort: whatever stays is retried on the next save.
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Creates `path` (mode 0600 on Unix: it holds secrets) with `bytes`, synced;
/// fails if the file exists.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Other platforms cannot open a directory to sync it; their rename is
    // already durable or offers no way to make it so.
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn replace_keeps_the_previous_content_and_overwrite_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let (kept, plain) = (dir.path().join("kept"), dir.path().join("plain"));
        for bytes in [&b"one"[..], b"two"] {
            replace(&kept, bytes).unwrap();
            overwrite(&plain, bytes).unwrap();
        }
        assert_eq!(fs::read(&kept).unwrap(), b"two");
        assert_eq!(fs::read(backup_path(&kept)).unwrap(), b"one");
        assert_eq!(fs::read(&plain).unwrap(), b"two");
        assert!(!backup_path(&plain).exists());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 3, "no temp file is left: {names:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for path in [&kept, &plain] {
                assert_eq!(
                    fs::metadata(path).unwrap().permissions().mode() & 0o777,
                    0o600
                );
            }
        }
    }

    #[test]
    fn a_held_lock_makes_others_wait_then_fail_and_is_free_once_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let held = FileLock::try_acquire(&path).unwrap();
        // Each open is its own lock holder, as another process's would be.
        assert!(matches!(
            FileLock::try_acquire(&path),
            Err(LockError::Busy { .. })
        ));
        let started = Instant::now();
        let busy = FileLock::acquire(&path, Duration::from_millis(150)).unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(150));
        assert_eq!(
            busy.to_string(),
            format!("{} is held by another process", lock_path(&path).display())
        );
        drop(held);
        FileLock::acquire(&path, Duration::from_millis(150)).unwrap();
    }

    #[test]
    fn a_waiting_writer_gets_the_lock_when_the_holder_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let held = FileLock::try_acquire(&path).unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            drop(held);
        });
        FileLock::acquire(&path, Duration::from_secs(5)).unwrap();
        releaser.join().unwrap();
    }

    #[test]
    fn io_errors_read_as_plain_words() {
        let dir = tempfile::tempdir().unwrap();
        let missing = fs::read(dir.path().join("nope")).unwrap_err();
        assert_eq!(plain(&missing), "no such file");
        let folder = fs::read(dir.path()).unwrap_err();
        assert_eq!(plain(&folder), "it is a folder, not a file");
        let other = io::Error::other("Something odd (os error 99)");
        assert_eq!(plain(&other), "something odd");
    }

    #[test]
    fn write_new_refuses_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export");
        write_new(&path, b"first").unwrap();
        assert_eq!(
            write_new(&path, b"second").unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        assert_eq!(fs::read(&path).unwrap(), b"first");
    }
}
