//! Moving accounts in and out: import files of other apps (with a preview
//! first), QR images, the screen, and exports.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use twofold_authenticator::formats::{
    self, ExportFormat, Format, FormatError, ImportPreview, Imported,
};
use zeroize::Zeroizing;

use crate::error::{AppError, AppResult, ErrorKind};
use crate::screen;
use crate::state::{AppState, unix_now};

/// A file format the user can pick.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FormatChoice {
    pub id: String,
    pub name: String,
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
            })
            .collect(),
        export: ExportFormat::ALL
            .into_iter()
            .map(|format| FormatChoice {
                id: format.id().to_owned(),
                name: export_name(format).to_owned(),
            })
            .collect(),
    }
}

/// Reads an export file of another app (or ours), or a picture of QR codes,
/// and says what importing it would do.
#[tauri::command]
#[specta::specta]
pub fn preview_import(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> AppResult<ImportSummary> {
    let bytes = read_file(Path::new(request.path.trim()))?;
    if image::guess_format(&bytes).is_ok() {
        let preview = state.read(|accounts| formats::import_qr_images(&[&bytes], accounts))?;
        return hold(&state, preview.map_err(format_error)?);
    }
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
    let preview = state.read(|accounts| {
        formats::import(
            &bytes,
            format,
            password.as_deref().map(String::as_str),
            accounts,
        )
    })?;
    hold(&state, preview.map_err(format_error)?)
}

/// Finds the QR codes in picture files and says what adding them would do.
#[tauri::command]
#[specta::specta]
pub fn preview_qr_images(
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
pub fn preview_screen(state: State<'_, AppState>) -> AppResult<ImportSummary> {
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
/// numbered). Returns the files written.
#[tauri::command]
#[specta::specta]
pub fn export_accounts(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> AppResult<Vec<String>> {
    let format: ExportFormat = request.format.parse().map_err(format_error)?;
    let password = request
        .password
        .filter(|text| !text.is_empty())
        .map(Zeroizing::new);
    let files = state.read(|accounts| {
        formats::export(format, accounts, password.as_deref().map(String::as_str))
    })?;
    let files = files.map_err(format_error)?;
    let target = PathBuf::from(request.path.trim());
    let mut written = Vec::with_capacity(files.len());
    for file in &files {
        let path = if file.parts > 1 {
            numbered(&target, file.part, file.parts)
        } else {
            target.clone()
        };
        write_private(&path, &file.bytes)?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

fn hold(state: &AppState, preview: ImportPreview) -> AppResult<ImportSummary> {
    let summary = ImportSummary {
        format: preview.format.app_name().to_owned(),
        added: preview.added.iter().map(label).collect(),
        duplicates: preview
            .duplicates
            .iter()
            .map(|duplicate| label(&duplicate.imported))
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

fn label(imported: &Imported) -> AccountLabel {
    AccountLabel {
        issuer: imported.otp.issuer().map(str::to_owned),
        name: imported.otp.name().to_owned(),
    }
}

fn export_name(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::OtpauthList => "otpauth URI list (plain text)",
        ExportFormat::Aegis => "Aegis JSON (encrypted with a password, or plain)",
        ExportFormat::GoogleMigrationQr => "Google Authenticator QR codes (PNG images)",
    }
}

/// `codes.png` part 2 of 3 → `codes-2-of-3.png`.
fn numbered(path: &Path, part: usize, parts: usize) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "export".into(), |stem| stem.to_string_lossy());
    let name = match path.extension() {
        Some(extension) => format!("{stem}-{part}-of-{parts}.{}", extension.to_string_lossy()),
        None => format!("{stem}-{part}-of-{parts}"),
    };
    path.with_file_name(name)
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
                "Cannot read {}: {error}; check the path and that you may read it.",
                path.display()
            ),
        )
    })
}

/// Exports hold secrets: create them readable by the user alone.
fn write_private(path: &Path, bytes: &[u8]) -> AppResult<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;

    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    options
        .open(path)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .map_err(|error| {
            AppError::new(
                ErrorKind::Storage,
                format!(
                    "Cannot write {}: {error}; choose a folder you can write to.",
                    path.display()
                ),
            )
        })
}

fn format_error(error: FormatError) -> AppError {
    AppError::new(ErrorKind::InvalidInput, error.to_string())
}
