//! Where Twofold keeps the user's data: `$XDG_DATA_HOME/twofold` on Linux
//! (usually `~/.local/share/twofold`), the platform's equivalent elsewhere.

use std::path::PathBuf;

use crate::error::{AppError, ErrorKind};

pub fn data_dir() -> Result<PathBuf, AppError> {
    directories::ProjectDirs::from("app", "twofold", "twofold")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            AppError::new(
                ErrorKind::Storage,
                "Cannot find your home folder to keep Twofold's data in; set HOME and start Twofold again.",
            )
        })
}
