//! Moving accounts in and out: import files of other apps (with a preview
//! first), QR images, the screen, and exports.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use twofold_authenticator::formats::{self, ExportFormat, Format, FormatError, ImportPreview};
use twofold_authenticator::{OtpAuth, Passphrase, unix_now};
use zeroize::Zeroizing;

use crate::error::{AppError, AppResult, ErrorKind};
use crate::screen;
use crate::state::{AppState, vault_error};

/// The export that is a copy of the vault itself rather than an interchange
/// format.
const VAULT_BACKUP: &str = "vault";

/// A file format the user can pick.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FormatChoice {
    pub id: String,
    pub name: String,
    /// The file can be encrypted with a password.
    pub encrypts: bool,
    /// It cannot be written without one.
    pub needs_password: bool,
    /// Twofold reads this app's files: false for apps that cannot export
    /// (Authy, Microsoft Authenticator), which the import picker still
    /// lists so the user learns what to do instead (`advice`). Always true
    /// in the export list.
    pub can_import: bool,
    /// For an app that cannot export, how to move its accounts anyway.
    pub advice: Option<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Formats {
    pub import: Vec<FormatChoice>,
    pub export: Vec<FormatChoice>,
}

#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportRequest {
    pub path: String,
    /// A format id, or `None` to recognise the file.
    pub format: Option<String>,
    /// The password of an encrypted export.
    pub password: Option<String>,
}

/// An account named in a preview, without its secret.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountLabel {
    pub issuer: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnreadableEntry {
    pub entry: String,
    pub reason: String,
}

/// What an import would do; nothing changes until `apply_import`.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub format: String,
    pub added: Vec<AccountLabel>,
    pub duplicates: Vec<AccountLabel>,
    pub unreadable: Vec<UnreadableEntry>,
}

#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    pub format: String,
    pub path: String,
    /// Encrypts the export where the format allows it.
    pub password: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub fn list_formats() -> Formats {
    Formats {
        import: Format::ALL
            .into_iter()
            .map(|format| FormatChoice {
                id: format.id().to_owned(),
                name: format.app_name().to_owned(),
                encrypts: false,
                needs_password: false,
                can_import: format.can_import(),
                advice: format.no_export_advice().map(str::to_owned),
            })
            .collect(),
        export: ExportFormat::ALL
            .into_iter()
            .map(|format| FormatChoice {
                id: format.id().to_owned(),
                name: export_name(format).to_owned(),
                encrypts: format.encrypts(),
                needs_password: false,
                can_import: true,
                advice: None,
            })
            .chain([FormatChoice {
                id: VAULT_BACKUP.to_owned(),
                name: "Twofold vault backup (encrypted with a passphrase)".to_owned(),
                encrypts: true,
                needs_password: true,
                can_import: true,
                advice: None,
            }])
            .collect(),
    }
}

/// Reads an export file of another app (or ours), or a picture of QR codes,
/// and says what importing it would do.
#[tauri::command]
#[specta::specta]
pub async fn preview_import(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> AppResult<ImportSummary> {
    let bytes = read_file(Path::new(request.path.trim()))?;
    let format = request
        .format
        .filter(|id| !id.is_empty())
        .map(|id| id.parse::<Format>())
        .transpose()
        .map_err(format_error)?;
    let password = request
        .password
        .filter(|text| !text.is_empty())
        .map(Zeroizing::new);
    preview_files(
        &state,
        &[&bytes],
        format,
        password.as_deref().map(String::as_str),
    )
}

/// Reads `otpauth://` links pasted as text (one a line, or the
/// `otpauth-migration://` links of a Google Authenticator export) and says
/// what adding them would do.
#[tauri::command]
#[specta::specta]
pub async fn preview_pasted_links(
    state: State<'_, AppState>,
    text: String,
) -> AppResult<ImportSummary> {
    // The text holds secrets: it goes the way an imported file does, and is wiped after.
    let text = Zeroizing::new(text);
    preview_files(&state, &[text.as_bytes()], Some(Format::OtpauthList), None)
}

/// Reads export files (`format`: recognised when `None`) against the vault's
/// accounts and holds the preview for `apply_import`.
fn preview_files(
    state: &AppState,
    files: &[&[u8]],
    format: Option<Format>,
    password: Option<&str>,
) -> AppResult<ImportSummary> {
    let preview =
        state.read(|accounts| formats::import_files(files, format, password, accounts))?;
    hold(state, preview.map_err(format_error)?)
}

/// Finds the QR codes in picture files and says what adding them would do.
#[tauri::command]
#[specta::specta]
pub async fn preview_qr_images(
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> AppResult<ImportSummary> {
    let images = paths
        .iter()
        .map(|path| read_file(Path::new(path.trim())))
        .collect::<AppResult<Vec<_>>>()?;
    let images: Vec<&[u8]> = images.iter().map(|bytes| bytes.as_slice()).collect();
    let preview = state.read(|accounts| formats::import_qr_images(&images, accounts))?;
    hold(&state, preview.map_err(format_error)?)
}

/// Captures the screen, finds the QR codes on it and says what adding them
/// would do.
#[tauri::command]
#[specta::specta]
pub async fn preview_screen(state: State<'_, AppState>) -> AppResult<ImportSummary> {
    let payloads = screen::scan_qr_codes()?;
    if payloads.is_empty() {
        return Err(AppError::new(
            ErrorKind::NotFound,
            "No QR code was found on the screen; show the whole code, uncovered, and scan again.",
        ));
    }
    let preview = state.read(|accounts| formats::import_qr_payloads(&payloads, accounts))?;
    hold(&state, preview)
}

/// Adds the accounts of the last preview, all or none. Returns how many
/// were added.
#[tauri::command]
#[specta::specta]
pub fn apply_import(state: State<'_, AppState>) -> AppResult<u32> {
    let preview = state.take_import().ok_or_else(|| {
        AppError::new(
            ErrorKind::NotFound,
            "There is no import to confirm any more; choose the file again.",
        )
    })?;
    let now = unix_now();
    let added = state.change(|accounts| preview.apply(accounts, now).map_err(format_error))?;
    Ok(u32::try_from(added.len()).unwrap_or(u32::MAX))
}

#[tauri::command]
#[specta::specta]
pub fn cancel_import(state: State<'_, AppState>) {
    state.take_import();
}

/// Writes every account to `path` (Google QR codes: one PNG per batch,
/// numbered), never over an existing file. Returns the files written.
#[tauri::command]
#[specta::specta]
pub async fn export_accounts(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> AppResult<Vec<String>> {
    let output = PathBuf::from(request.path.trim());
    let password = request
        .password
        .filter(|text| !text.is_empty())
        .map(Zeroizing::new);
    if request.format == VAULT_BACKUP {
        let passphrase = password.ok_or_else(|| {
            AppError::new(
                ErrorKind::InvalidInput,
                "Choose a passphrase for the backup: it is what will open it.",
            )
        })?;
        state.with_vault(|vault| {
            vault
                .write_backup(&output, Passphrase::new(passphrase.as_str()))
                .map_err(vault_error)
        })?;
        return Ok(vec![output.display().to_string()]);
    }
    let format: ExportFormat = request.format.parse().map_err(format_error)?;
    let files = state.read(|accounts| {
        formats::export(format, accounts, password.as_deref().map(String::as_str))
    })?;
    let files = files.map_err(format_error)?;
    let mut written = Vec::with_capacity(files.len());
    for file in &files {
        let path = file.path_for(&output, format);
        file.write_new(&path)
            .map_err(|error| write_error(&path, &error))?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

fn hold(state: &AppState, preview: ImportPreview) -> AppResult<ImportSummary> {
    let summary = ImportSummary {
        format: preview.format.app_name().to_owned(),
        added: preview
            .added
            .iter()
            .map(|imported| AccountLabel::from(&imported.otp))
            .collect(),
        duplicates: preview
            .duplicates
            .iter()
            .map(|duplicate| AccountLabel::from(&duplicate.imported.otp))
            .collect(),
        unreadable: preview
            .unreadable
            .iter()
            .map(|entry| UnreadableEntry {
                entry: entry.entry.clone(),
                reason: entry.reason.clone(),
            })
            .collect(),
    };
    state.hold_import(preview);
    Ok(summary)
}

impl From<&OtpAuth> for AccountLabel {
    fn from(otp: &OtpAuth) -> AccountLabel {
        AccountLabel {
            issuer: otp.issuer().map(str::to_owned),
            name: otp.name().to_owned(),
        }
    }
}

fn export_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::OtpauthList => "otpauth URI list (plain text)",
        ExportFormat::Aegis => "Aegis JSON (encrypted with a password, or plain)",
        ExportFormat::GoogleMigrationQr => "Google Authenticator QR codes (PNG images)",
        ExportFormat::Proton => "Proton Authenticator JSON (encrypted with a password, or plain)",
        ExportFormat::Ente => "Ente Auth plain text (tags, notes and pins kept)",
    }
}

fn read_file(path: &Path) -> AppResult<Zeroizing<Vec<u8>>> {
    if path.as_os_str().is_empty() {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            "Choose a file first.",
        ));
    }
    std::fs::read(path).map(Zeroizing::new).map_err(|error| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!(
                "Cannot read {}: {}; check the path and that you may read it.",
                path.display(),
                twofold_atomic_file::plain(&error)
            ),
        )
    })
}

fn write_error(path: &Path, error: &std::io::Error) -> AppError {
    let why = if error.kind() == std::io::ErrorKind::AlreadyExists {
        "it already exists; choose another name, Twofold never replaces a file".to_owned()
    } else {
        format!(
            "{}; choose a folder you can write to",
            twofold_atomic_file::plain(error)
        )
    };
    AppError::new(
        ErrorKind::Storage,
        format!("Cannot write {}: {why}.", path.display()),
    )
}

fn format_error(error: FormatError) -> AppError {
    AppError::new(ErrorKind::InvalidInput, error.to_string())
}
