//! The app's own settings (appearance, locking), kept in `settings.json`
//! beside the Twilio profiles. A missing or unreadable file gives the
//! defaults: settings are preferences, never data a user could lose.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, State};

use crate::error::{AppError, AppResult, ErrorKind};

/// Light, dark, or as the desktop says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Appearance {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    pub appearance: Appearance,
    /// Lock the vault after this long without a key press or pointer move;
    /// `None`: never.
    pub lock_after_idle_seconds: Option<u32>,
    /// Ask for the passphrase when the app starts, even when the keyring
    /// could unlock the vault (the keyring still unlocks after an idle lock).
    pub require_passphrase_at_start: bool,
    /// Lock when the desktop session locks (screen saver, logind) or sleeps.
    pub lock_on_screen_lock: bool,
    /// Lock when the window is minimised.
    pub lock_on_minimise: bool,
    /// After every save, copy the vault file into this folder; `None`: no
    /// automatic backups.
    pub backup_folder: Option<String>,
    /// How many automatic backups to keep (the oldest go first).
    pub backups_to_keep: u32,
    /// How long a copied code stays on the clipboard.
    pub clear_clipboard_after_seconds: u32,
    /// Closing the window hides it in the tray (when the desktop has one).
    pub close_to_tray: bool,
    /// The key combination that shows the window from anywhere, e.g.
    /// `Ctrl+Alt+T`; `None`: none.
    pub show_window_shortcut: Option<String>,
}

impl Default for AppSettings {
    fn default() -> AppSettings {
        AppSettings {
            appearance: Appearance::System,
            // KeePassXC's habit: an authenticator left open locks itself.
            lock_after_idle_seconds: Some(15 * 60),
            require_passphrase_at_start: false,
            lock_on_screen_lock: true,
            lock_on_minimise: false,
            backup_folder: None,
            backups_to_keep: 10,
            clear_clipboard_after_seconds: 30,
            close_to_tray: false,
            show_window_shortcut: None,
        }
    }
}

pub struct SettingsFile(pub PathBuf);

impl SettingsFile {
    pub fn load(&self) -> AppSettings {
        std::fs::read(&self.0)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }
}

#[tauri::command]
#[specta::specta]
pub fn save_settings(
    app: AppHandle,
    file: State<'_, SettingsFile>,
    settings: AppSettings,
) -> AppResult<AppSettings> {
    // A shortcut that cannot be taken is refused before anything is saved.
    crate::shortcut::apply(&app, settings.show_window_shortcut.as_deref())?;
    let bytes = serde_json::to_vec_pretty(&settings).unwrap_or_default();
    twofold_atomic_file::overwrite(&file.0, &bytes).map_err(|error| {
        AppError::new(
            ErrorKind::Storage,
            format!(
                "Cannot save the settings to {}: {}; check the folder's permissions.",
                file.0.display(),
                twofold_atomic_file::plain(&error)
            ),
        )
    })?;
    Ok(settings)
}
