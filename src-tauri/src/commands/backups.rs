//! Settings → Backups: the automatic backups in the folder Settings names,
//! "Back up now", and a restore that shows what it would add back first.

use serde::Serialize;
use specta::Type;
use tauri::State;
use twofold_authenticator::{Passphrase, Unlock, Vault, list_backups};

use crate::commands::transfer::AccountLabel;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::settings::SettingsFile;
use crate::state::AppState;

/// One backup file, as its header describes it (nothing is decrypted).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BackupRow {
    pub path: String,
    /// When the vault was saved, `YYYY-MM-DDTHH:MM:SSZ`.
    pub saved_at: String,
    pub accounts: u32,
    /// Whether the system keyring opens it (else only its passphrase).
    pub keyring: bool,
    pub passphrase: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Backups {
    /// Newest first.
    pub backups: Vec<BackupRow>,
    /// Why the last automatic backup failed, until one works again.
    pub problem: Option<String>,
}

/// What restoring a backup would add back.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RestoreSummary {
    /// The backup's accounts the vault no longer has.
    pub missing: Vec<AccountLabel>,
    /// How many of its accounts the vault still has.
    pub present: u32,
}

#[tauri::command]
#[specta::specta]
pub fn list_vault_backups(
    state: State<'_, AppState>,
    settings: State<'_, SettingsFile>,
) -> AppResult<Backups> {
    let backups = match settings.load().backup_folder {
        Some(folder) if !folder.trim().is_empty() => list_backups(folder.trim().as_ref())?,
        _ => Vec::new(),
    };
    Ok(Backups {
        backups: backups
            .into_iter()
            .map(|backup| BackupRow {
                path: backup.path.display().to_string(),
                saved_at: i64::try_from(backup.info.saved_at)
                    .ok()
                    .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
                    .map(twofold_twilio::twilio_time::format)
                    .unwrap_or_default(),
                accounts: u32::try_from(backup.info.accounts).unwrap_or(u32::MAX),
                keyring: backup.info.keyring,
                passphrase: backup.info.passphrase.is_some(),
            })
            .collect(),
        problem: state.backup_problem(),
    })
}

#[tauri::command]
#[specta::specta]
pub fn back_up_vault_now(
    state: State<'_, AppState>,
    settings: State<'_, SettingsFile>,
) -> AppResult<Backups> {
    if settings
        .load()
        .backup_folder
        .is_none_or(|f| f.trim().is_empty())
    {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            "Choose a backup folder first.",
        ));
    }
    state.back_up_now()?;
    list_vault_backups(state, settings)
}

/// Opens a backup (with its passphrase if given, else the system keyring)
/// and says what restoring it would add back. Async: a passphrase takes
/// half a second.
#[tauri::command]
#[specta::specta]
pub async fn preview_restore(
    state: State<'_, AppState>,
    path: String,
    passphrase: Option<String>,
) -> AppResult<RestoreSummary> {
    let unlock = match passphrase.filter(|text| !text.is_empty()) {
        Some(text) => Unlock::Passphrase(Passphrase::new(text)),
        None => Unlock::Keyring,
    };
    let backup = Vault::open(path.trim(), unlock)?;
    let preview = state.with_vault(|vault| Ok(vault.restore_preview(&backup)))?;
    let summary = RestoreSummary {
        missing: preview
            .missing
            .iter()
            .map(|a| AccountLabel::from(&a.otp))
            .collect(),
        present: u32::try_from(preview.present).unwrap_or(u32::MAX),
    };
    state.hold_restore(preview);
    Ok(summary)
}

/// Adds back what the previewed backup holds and the vault lost; returns
/// how many accounts were added.
#[tauri::command]
#[specta::specta]
pub fn apply_restore(state: State<'_, AppState>) -> AppResult<u32> {
    let preview = state.take_restore().ok_or_else(|| {
        AppError::new(
            ErrorKind::InvalidInput,
            "There is no restore waiting; choose the backup again.",
        )
    })?;
    let added = state.change_vault(|vault| Ok(vault.restore(preview)?))?;
    Ok(u32::try_from(added.len()).unwrap_or(u32::MAX))
}

#[tauri::command]
#[specta::specta]
pub fn cancel_restore(state: State<'_, AppState>) {
    state.take_restore();
}
