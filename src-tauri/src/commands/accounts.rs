//! The Authenticator room: list accounts with their live codes, add by URI,
//! remove, advance an HOTP counter, copy a code.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, State};
use twofold_authenticator::formats::AccountFields;
use twofold_authenticator::{Account, AccountEdit, OtpAuth, OtpKind, move_to, qr, unix_now};

use zeroize::Zeroizing;

use crate::clipboard;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::{AppState, find, find_mut};

/// An account's QR code, shown when the user asks to see it. The secret
/// itself stays out until the user presses Reveal.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountQr {
    /// A standalone SVG document.
    pub svg: String,
}

/// An account as the web view sees it: labels and codes, never the secret.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountCode {
    pub id: String,
    pub issuer: Option<String>,
    pub name: String,
    pub kind: CodeKind,
    pub tags: Vec<String>,
    pub note: String,
    /// Pinned to the top of the list.
    pub favourite: bool,
    /// The code to type now.
    pub code: String,
    /// The code of the next period (time-based accounts only).
    pub next_code: Option<String>,
    /// Seconds until `code` changes (time-based accounts only).
    pub seconds_left: Option<u32>,
    pub period: Option<u32>,
    /// The Verify factor it is the other half of, when enrolled in Twofold.
    pub factor: Option<LinkedFactor>,
}

/// The Verify factor an account belongs to.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LinkedFactor {
    pub factor_sid: String,
    pub identity: String,
    pub profile: String,
    /// The factor was deleted: the codes verify nothing any more.
    pub deleted: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CodeKind {
    Totp,
    Hotp,
    Steam,
}

impl AccountCode {
    fn of(account: &Account, now: u64) -> AccountCode {
        let otp = &account.otp;
        let (kind, period) = match otp.kind() {
            OtpKind::Totp { period } => (CodeKind::Totp, Some(period)),
            OtpKind::Steam { period } => (CodeKind::Steam, Some(period)),
            OtpKind::Hotp { .. } => (CodeKind::Hotp, None),
        };
        AccountCode {
            id: account.id.to_string(),
            issuer: otp.issuer().map(str::to_owned),
            name: otp.name().to_owned(),
            kind,
            tags: account.tags.clone(),
            note: account.note.clone(),
            favourite: account.favourite,
            code: otp.code_at(now),
            next_code: period.map(|period| otp.code_at(now + u64::from(period))),
            seconds_left: otp.seconds_left(now),
            period,
            factor: account.factor.as_ref().map(|link| LinkedFactor {
                factor_sid: link.factor_sid.clone(),
                identity: link.identity.clone(),
                profile: link.profile.clone(),
                deleted: link.deleted_at.is_some(),
            }),
        }
    }
}

/// The accounts in the user's order, favourites first, with their codes at
/// `now`: what the web view is given, by this command and by the events
/// that follow changes.
pub fn account_codes(accounts: &[Account], now: u64) -> Vec<AccountCode> {
    let mut ordered: Vec<&Account> = accounts.iter().collect();
    ordered.sort_by_key(|account| (!account.favourite, account.position));
    ordered
        .into_iter()
        .map(|account| AccountCode::of(account, now))
        .collect()
}

/// The accounts in the user's order, with the codes for this moment. Later
/// changes arrive as `AccountsChanged` events.
#[tauri::command]
#[specta::specta]
pub fn list_accounts(state: State<'_, AppState>) -> AppResult<Vec<AccountCode>> {
    state.read(|accounts| account_codes(accounts, unix_now()))
}

/// Adds the account an `otpauth://` URI describes, at the end of the list;
/// refuses one the vault already keeps, naming it.
#[tauri::command]
#[specta::specta]
pub fn add_account(state: State<'_, AppState>, uri: String) -> AppResult<AccountCode> {
    let otp = OtpAuth::parse(uri.trim())
        .map_err(|error| AppError::new(ErrorKind::InvalidInput, error.to_string()))?;
    add_new(&state, otp)
}

/// Keeps a new account (refused when the vault has it already) and shows it.
fn add_new(state: &AppState, otp: OtpAuth) -> AppResult<AccountCode> {
    let now = unix_now();
    state.change_vault(|vault| {
        let account = vault.add_account(Account::new(otp, now))?;
        Ok(AccountCode::of(&account, now))
    })
}

/// An account typed in by hand, field by field.
#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ManualEntry {
    pub issuer: Option<String>,
    pub name: String,
    /// Base32.
    pub secret: String,
    /// `totp`, `hotp` or `steam`.
    pub kind: String,
    pub algorithm: Option<String>,
    pub digits: Option<u32>,
    pub period: Option<u32>,
    /// HOTP's next counter (JavaScript numbers hold it exactly up to 2^53).
    #[specta(type = Option<f64>)]
    pub counter: Option<u64>,
}

/// Adds an account typed in by hand, read with the same rules and messages
/// as a URI; refuses one the vault already keeps.
#[tauri::command]
#[specta::specta]
pub fn add_account_by_hand(
    state: State<'_, AppState>,
    entry: ManualEntry,
) -> AppResult<AccountCode> {
    let fields = AccountFields {
        kind: &entry.kind,
        issuer: entry
            .issuer
            .as_deref()
            .filter(|issuer| !issuer.trim().is_empty()),
        name: &entry.name,
        secret: &entry.secret,
        algorithm: entry.algorithm.as_deref(),
        digits: entry.digits,
        period: entry.period,
        counter: entry.counter,
    };
    let otp = fields
        .to_otp()
        .map_err(|reason| AppError::new(ErrorKind::InvalidInput, reason))?;
    add_new(&state, otp)
}

/// What the edit form sends back.
#[derive(Debug, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountChanges {
    pub issuer: Option<String>,
    pub name: String,
    pub tags: Vec<String>,
    pub note: String,
    pub favourite: bool,
}

/// Renames an account, sets its tags, note and favourite.
#[tauri::command]
#[specta::specta]
pub fn edit_account(
    state: State<'_, AppState>,
    id: String,
    changes: AccountChanges,
) -> AppResult<AccountCode> {
    state.change(|accounts| {
        let account = find_mut(accounts, &id)?;
        account
            .apply(AccountEdit {
                issuer: changes.issuer,
                name: changes.name,
                tags: changes.tags,
                note: changes.note,
                favourite: changes.favourite,
            })
            .map_err(|error| AppError::new(ErrorKind::InvalidInput, error.to_string()))?;
        Ok(AccountCode::of(account, unix_now()))
    })
}

/// Moves an account to `index` in the user's order.
#[tauri::command]
#[specta::specta]
pub fn move_account(state: State<'_, AppState>, id: String, index: u32) -> AppResult<()> {
    state.change(|accounts| {
        let target = find_mut(accounts, &id)?.id;
        move_to(
            accounts,
            target,
            usize::try_from(index).unwrap_or(usize::MAX),
        );
        Ok(())
    })
}

/// Deletes an account and its secret.
#[tauri::command]
#[specta::specta]
pub fn remove_account(state: State<'_, AppState>, id: String) -> AppResult<()> {
    state.change(|accounts| {
        let target = find_mut(accounts, &id)?.id;
        accounts.retain(|account| account.id != target);
        Ok(())
    })
}

/// Moves an HOTP account to its next code.
#[tauri::command]
#[specta::specta]
pub fn advance_counter(state: State<'_, AppState>, id: String) -> AppResult<AccountCode> {
    state.change(|accounts| {
        let account = find_mut(accounts, &id)?;
        account.otp.advance_counter();
        Ok(AccountCode::of(account, unix_now()))
    })
}

/// Copies an account's current code to the clipboard (see
/// [`SecretClipboard`]: out of clipboard managers' history, cleared after
/// 30 s, on lock and on quit). Returns how many seconds the code will stay.
/// Async so that it runs off the main thread, as clipboard access must.
#[tauri::command]
#[specta::specta]
pub async fn copy_code(app: AppHandle, id: String) -> AppResult<u32> {
    copy_account_code(&app, &id)
}

/// Copies account `id`'s current code (and notes it as used); the web view
/// and the tray menu both copy this way.
pub fn copy_account_code(app: &AppHandle, id: &str) -> AppResult<u32> {
    let now = unix_now();
    let code = app.state::<AppState>().change(|accounts| {
        let account = find_mut(accounts, id)?;
        account.last_used_at = Some(now);
        Ok(Zeroizing::new(account.otp.code_at(now)))
    })?;
    clipboard::copy_secret(app, code, "code")
}

/// The account's `otpauth://` URI drawn as a QR code, to add it to another
/// device.
#[tauri::command]
#[specta::specta]
pub fn account_qr(state: State<'_, AppState>, id: String) -> AppResult<AccountQr> {
    let uri = state.read(|accounts| find(accounts, &id).map(|account| account.otp.to_uri()))??;
    let svg = qr::encode_svg(&uri)
        .map_err(|error| AppError::new(ErrorKind::InvalidInput, error.to_string()))?;
    Ok(AccountQr { svg })
}

/// The account's secret in base32, in groups of four, because the user
/// pressed Reveal.
#[tauri::command]
#[specta::specta]
pub fn reveal_secret(state: State<'_, AppState>, id: String) -> AppResult<String> {
    state.read(|accounts| {
        find(accounts, &id).map(|account| group_in_fours(&account.otp.secret().to_base32()))
    })?
}

pub fn group_in_fours(text: &str) -> String {
    text.as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The web view's word that it painted the first codes. With
/// `TWOFOLD_BENCH_PAINT` set, the time goes to stdout for `make bench`
/// (scripts/bench-desktop), which compares it with a bare Tauri app's.
#[tauri::command]
#[specta::specta]
pub fn first_code_painted() {
    if std::env::var_os("TWOFOLD_BENCH_PAINT").is_some() {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis());
        println!("painted at {millis}");
    }
}
