//! The Factors room: Verify entities, TOTP factors and challenges, with the
//! authenticator's vault as the factor's other half. A new factor's binding
//! stays in the shell: the web view gets its QR code, and its secret only
//! when the user presses Reveal.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, State};
use twofold_authenticator::{FactorLink, qr, unix_now};
use twofold_console::factors::{FactorPlace, check_identity, factor_account, linked_code};
use twofold_twilio::{Challenge, Entity, Factor, FactorBinding, FactorConfig, NewFactor};
use twofold_verify::NewTotpFactor;

use zeroize::Zeroizing;

use crate::clipboard;
use crate::commands::admin::date;
use crate::console::ConsoleState;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::AppState;

/// Bindings of factors created in this run, until added to the vault.
#[derive(Default)]
pub struct PendingBindings(Mutex<HashMap<String, (NewFactor, String)>>);

impl PendingBindings {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (NewFactor, String)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Where the room is working: profile, service and entity.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EntityPlace {
    pub profile: String,
    pub service: String,
    pub identity: String,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EntitySummary {
    pub sid: String,
    pub identity: String,
    pub date_created: Option<String>,
}

impl From<Entity> for EntitySummary {
    fn from(entity: Entity) -> EntitySummary {
        EntitySummary {
            sid: entity.sid.unwrap_or_default(),
            identity: entity.identity.unwrap_or_default(),
            date_created: date(entity.date_created),
        }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FactorSummary {
    pub sid: String,
    pub friendly_name: String,
    /// `unverified` or `verified`.
    pub status: String,
    pub factor_type: String,
    /// TOTP: `sha1`, `sha256`, `sha512`.
    pub algorithm: Option<String>,
    pub digits: Option<u32>,
    pub period: Option<u32>,
    pub skew: Option<u32>,
    pub date_created: Option<String>,
}

impl From<Factor> for FactorSummary {
    fn from(factor: Factor) -> FactorSummary {
        let totp = match factor.config {
            Some(FactorConfig::Totp(config)) => Some(config),
            _ => None,
        };
        FactorSummary {
            sid: factor.sid.unwrap_or_default(),
            friendly_name: factor.friendly_name.unwrap_or_default(),
            status: factor.status.to_string(),
            factor_type: factor.factor_type.to_string(),
            algorithm: totp.as_ref().map(|c| c.alg.to_string()),
            digits: totp.as_ref().map(|c| c.code_length),
            period: totp.as_ref().map(|c| c.time_step),
            skew: totp.as_ref().map(|c| c.skew),
            date_created: date(factor.date_created),
        }
    }
}

/// A factor just created, with its binding drawn as a QR code.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedFactor {
    pub factor: FactorSummary,
    /// A standalone SVG of the binding's `otpauth://` URI.
    pub qr_svg: String,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeSummary {
    pub sid: String,
    pub factor_sid: String,
    /// `pending`, `approved`, `denied` or `expired`.
    pub status: String,
    pub responded_reason: String,
    pub message: Option<String>,
    pub date_created: Option<String>,
    pub expiration_date: Option<String>,
}

impl From<Challenge> for ChallengeSummary {
    fn from(challenge: Challenge) -> ChallengeSummary {
        ChallengeSummary {
            sid: challenge.sid.unwrap_or_default(),
            factor_sid: challenge.factor_sid.unwrap_or_default(),
            status: challenge.status.to_string(),
            responded_reason: challenge.responded_reason.to_string(),
            message: challenge.details.and_then(|details| details.message),
            date_created: date(challenge.date_created),
            expiration_date: date(challenge.expiration_date),
        }
    }
}

/// Which code answers: the one the linked vault account shows now, or one
/// typed; `None` leaves a challenge pending.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Answer {
    Linked,
    Typed { code: String },
    None,
}

fn code_of(state: &AppState, factor_sid: &str, answer: &Answer) -> AppResult<Option<String>> {
    match answer {
        Answer::Typed { code } => Ok(Some(code.trim().to_owned())),
        Answer::None => Ok(None),
        Answer::Linked => state
            .with_vault(|vault| Ok(linked_code(vault, factor_sid, unix_now())?))
            .map(Some),
    }
}

fn place_error(identity: &str) -> AppResult<()> {
    check_identity(identity)
        .map_err(|rule| AppError::new(ErrorKind::InvalidInput, format!("Identity: {rule}.")))
}

#[tauri::command]
#[specta::specta]
pub async fn list_entities(
    console: State<'_, ConsoleState>,
    profile: String,
    service: String,
) -> AppResult<Vec<EntitySummary>> {
    let console = console.console(&profile)?;
    let entities = console.client().list_entities(&service).await?;
    Ok(entities.into_iter().map(EntitySummary::from).collect())
}

#[tauri::command]
#[specta::specta]
pub async fn create_entity(
    console: State<'_, ConsoleState>,
    place: EntityPlace,
) -> AppResult<EntitySummary> {
    place_error(&place.identity)?;
    let console = console.console(&place.profile)?;
    let entity = console
        .client()
        .create_entity(&place.service, &place.identity)
        .await?;
    Ok(entity.into())
}

/// Deletes an entity with its factors and challenges; linked vault
/// accounts stay and say their factor is gone.
#[tauri::command]
#[specta::specta]
pub async fn delete_entity(
    console: State<'_, ConsoleState>,
    state: State<'_, AppState>,
    place: EntityPlace,
) -> AppResult<()> {
    let console = console.console(&place.profile)?;
    console
        .client()
        .delete_entity(&place.service, &place.identity)
        .await?;
    mark_deleted(&state, |link| {
        link.service_sid == place.service && link.identity == place.identity
    })
}

/// Marks the vault accounts of deleted factors. A locked vault cannot be
/// marked now; the factors are gone all the same.
fn mark_deleted(state: &AppState, gone: impl Fn(&FactorLink) -> bool) -> AppResult<()> {
    match state.change_vault(|vault| Ok(vault.mark_factors_deleted(gone, unix_now())?)) {
        Err(error) if error.kind == ErrorKind::Locked => Ok(()),
        other => other.map(drop),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_factors(
    console: State<'_, ConsoleState>,
    place: EntityPlace,
) -> AppResult<Vec<FactorSummary>> {
    let console = console.console(&place.profile)?;
    let factors = console
        .client()
        .list_factors(&place.service, &place.identity)
        .await?;
    Ok(factors.into_iter().map(FactorSummary::from).collect())
}

/// Creates a TOTP factor; its binding waits here for "Add to Twofold".
#[tauri::command]
#[specta::specta]
pub async fn create_totp_factor(
    console: State<'_, ConsoleState>,
    pending: State<'_, PendingBindings>,
    place: EntityPlace,
    factor: NewTotpFactor,
) -> AppResult<CreatedFactor> {
    place_error(&place.identity)?;
    if factor.friendly_name.trim().is_empty() {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            "Give the factor a name: authenticator apps show it.",
        ));
    }
    let console = console.console(&place.profile)?;
    let created = console
        .client()
        .create_totp_factor(&place.service, &place.identity, &factor)
        .await?;
    let Some(FactorBinding::Totp { uri, .. }) = &created.binding else {
        return Err(twofold_console::ConsoleError::NoBinding.into());
    };
    let qr_svg = qr::encode_svg(uri)
        .map_err(|error| AppError::new(ErrorKind::InvalidInput, error.to_string()))?;
    let summary = FactorSummary::from(created.factor.clone());
    pending
        .lock()
        .insert(summary.sid.clone(), (created, place.profile.clone()));
    Ok(CreatedFactor {
        factor: summary,
        qr_svg,
    })
}

/// A new factor's secret in groups of four, because the user pressed Reveal.
#[tauri::command]
#[specta::specta]
pub fn reveal_factor_secret(
    pending: State<'_, PendingBindings>,
    factor_sid: String,
) -> AppResult<String> {
    match pending
        .lock()
        .get(&factor_sid)
        .and_then(|(created, _)| created.binding.clone())
    {
        Some(FactorBinding::Totp { secret, .. }) => {
            Ok(crate::commands::accounts::group_in_fours(&secret))
        }
        _ => Err(AppError::new(
            ErrorKind::NotFound,
            "Twilio gives a factor's secret only when it is created; it is no longer here.",
        )),
    }
}

/// Copies a new factor's secret, as a code is copied: out of clipboard
/// history, cleared after 30 s, on lock and on quit.
#[tauri::command]
#[specta::specta]
pub async fn copy_factor_secret(
    app: AppHandle,
    pending: State<'_, PendingBindings>,
    factor_sid: String,
) -> AppResult<u32> {
    let secret = match pending
        .lock()
        .get(&factor_sid)
        .and_then(|(created, _)| created.binding.clone())
    {
        Some(FactorBinding::Totp { secret, .. }) => Zeroizing::new(secret),
        _ => return Err(secret_gone()),
    };
    clipboard::copy_secret(&app, secret, "secret")
}

fn secret_gone() -> AppError {
    AppError::new(
        ErrorKind::NotFound,
        "Twilio gives a factor's secret only when it is created; it is no longer here.",
    )
}

/// Keeps a new factor in the vault, linked to it ("Add to Twofold").
#[tauri::command]
#[specta::specta]
pub fn add_factor_to_vault(
    state: State<'_, AppState>,
    pending: State<'_, PendingBindings>,
    place: EntityPlace,
    factor_sid: String,
) -> AppResult<()> {
    let mut bindings = pending.lock();
    let (created, _) = bindings.get(&factor_sid).ok_or_else(|| {
        AppError::new(
            ErrorKind::NotFound,
            "The factor's secret is no longer here (Twilio gives it only at creation); create a new factor.",
        )
    })?;
    let where_ = FactorPlace {
        profile: &place.profile,
        service_sid: &place.service,
        identity: &place.identity,
    };
    let account = factor_account(created, &where_, unix_now())?;
    state.change_vault(|vault| Ok(vault.add_account(account)?))?;
    bindings.remove(&factor_sid);
    Ok(())
}

/// Verifies a new factor with a code: the linked account's, or one typed.
#[tauri::command]
#[specta::specta]
pub async fn verify_factor(
    console: State<'_, ConsoleState>,
    state: State<'_, AppState>,
    place: EntityPlace,
    factor_sid: String,
    answer: Answer,
) -> AppResult<FactorSummary> {
    let code = code_of(&state, &factor_sid, &answer)?.ok_or_else(|| {
        AppError::new(
            ErrorKind::InvalidInput,
            "Give the code to verify the factor with.",
        )
    })?;
    let console = console.console(&place.profile)?;
    let factor = console
        .client()
        .verify_factor(&place.service, &place.identity, &factor_sid, &code)
        .await?;
    Ok(factor.into())
}

#[tauri::command]
#[specta::specta]
pub async fn rename_factor(
    console: State<'_, ConsoleState>,
    place: EntityPlace,
    factor_sid: String,
    friendly_name: String,
) -> AppResult<FactorSummary> {
    let console = console.console(&place.profile)?;
    let factor = console
        .client()
        .rename_factor(
            &place.service,
            &place.identity,
            &factor_sid,
            friendly_name.trim(),
        )
        .await?;
    Ok(factor.into())
}

/// Deletes a factor; a linked vault account stays and says its factor is gone.
#[tauri::command]
#[specta::specta]
pub async fn delete_factor(
    console: State<'_, ConsoleState>,
    state: State<'_, AppState>,
    place: EntityPlace,
    factor_sid: String,
) -> AppResult<()> {
    let console = console.console(&place.profile)?;
    console
        .client()
        .delete_factor(&place.service, &place.identity, &factor_sid)
        .await?;
    mark_deleted(&state, |link| link.factor_sid == factor_sid)
}

/// Creates a challenge for a factor, answered as `answer` says.
#[tauri::command]
#[specta::specta]
pub async fn create_challenge(
    console: State<'_, ConsoleState>,
    state: State<'_, AppState>,
    place: EntityPlace,
    factor_sid: String,
    answer: Answer,
) -> AppResult<ChallengeSummary> {
    let code = code_of(&state, &factor_sid, &answer)?;
    let console = console.console(&place.profile)?;
    let challenge = console
        .client()
        .create_challenge(
            &place.service,
            &place.identity,
            &factor_sid,
            code.as_deref(),
        )
        .await?;
    Ok(challenge.into())
}

#[tauri::command]
#[specta::specta]
pub async fn list_challenges(
    console: State<'_, ConsoleState>,
    place: EntityPlace,
) -> AppResult<Vec<ChallengeSummary>> {
    let console = console.console(&place.profile)?;
    let challenges = console
        .client()
        .list_challenges(&place.service, &place.identity)
        .await?;
    Ok(challenges.into_iter().map(ChallengeSummary::from).collect())
}

/// Answers a pending challenge.
#[tauri::command]
#[specta::specta]
pub async fn answer_challenge(
    console: State<'_, ConsoleState>,
    state: State<'_, AppState>,
    place: EntityPlace,
    challenge_sid: String,
    factor_sid: String,
    answer: Answer,
) -> AppResult<ChallengeSummary> {
    let code = code_of(&state, &factor_sid, &answer)?.ok_or_else(|| {
        AppError::new(
            ErrorKind::InvalidInput,
            "Give the code to answer the challenge with.",
        )
    })?;
    let console = console.console(&place.profile)?;
    let answered = console
        .client()
        .answer_challenge(&place.service, &place.identity, &challenge_sid, &code)
        .await?;
    Ok(answered.into())
}
