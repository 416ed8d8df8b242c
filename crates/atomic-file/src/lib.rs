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

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

#[derive(PartialEq, Eq)]
enum Backup {
    Keep,
    None,
}

fn swap_in(path: &Path, bytes: &[u8], backup: Backup) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
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
