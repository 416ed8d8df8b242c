//! The Admin room: pick a profile and a Verify Service, send a verification,
//! check the code read back, fetch, approve or cancel it, see its attempts,
//! look a number up, and the local history. Each command calls one function
//! of `twofold-console` (the CLI's `verify` calls the same).

use std::path::Path;

use serde::Serialize;
use specta::Type;
use tauri::State;
use twofold_console::history::{History, HistoryEntry, HistoryFilter};
use twofold_console::{DestinationHint, destination_hint};
use twofold_twilio::{PhoneNumber, Service, Verification, VerificationAttempt, VerificationCheck};
use twofold_verify::{AttemptFilter, Closing, CodeCheck, NewVerification, ServiceSettings};

use crate::console::ConsoleState;
use crate::error::{AppError, AppResult, ErrorKind};

/// A Verify Service: its SID and its settings, in the shape the edit form
/// sends back.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSummary {
    pub sid: String,
    pub settings: ServiceSettings,
}

impl From<Service> for ServiceSummary {
    fn from(service: Service) -> ServiceSummary {
        let totp = service.totp.unwrap_or_default();
        let whatsapp = service.whatsapp.unwrap_or_default();
        ServiceSummary {
            sid: service.sid.unwrap_or_default(),
            settings: ServiceSettings {
                friendly_name: service.friendly_name,
                code_length: u8::try_from(service.code_length).ok(),
                lookup_enabled: service.lookup_enabled,
                skip_sms_to_landlines: service.skip_sms_to_landlines,
                dtmf_input_required: service.dtmf_input_required,
                tts_name: service.tts_name,
                psd2_enabled: service.psd2_enabled,
                do_not_share_warning_enabled: service.do_not_share_warning_enabled,
                custom_code_enabled: service.custom_code_enabled,
                totp_issuer: totp.issuer,
                totp_time_step: totp.time_step,
                totp_code_length: totp.code_length,
                totp_skew: totp.skew,
                default_template_sid: service.default_template_sid,
                whatsapp_msg_service_sid: whatsapp.msg_service_sid,
                whatsapp_from: whatsapp.from,
                verify_event_subscription_enabled: service.verify_event_subscription_enabled,
            },
        }
    }
}

/// A verification (or a check's answer) as the room shows it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VerificationSummary {
    pub sid: String,
    pub to: String,
    pub channel: String,
    /// `pending`, `approved`, `canceled`, `max_attempts_reached`, `expired`…
    pub status: String,
    pub amount: Option<String>,
    pub payee: Option<String>,
    /// How many times a code was sent for it.
    pub sends: u32,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub date_created: Option<String>,
    /// For SNA: the URL the customer's phone must open.
    pub sna_url: Option<String>,
}

pub fn date(time: Option<time::OffsetDateTime>) -> Option<String> {
    time.map(twofold_twilio::twilio_time::format)
}

impl From<Verification> for VerificationSummary {
    fn from(v: Verification) -> VerificationSummary {
        VerificationSummary {
            sid: v.sid.unwrap_or_default(),
            to: v.to.unwrap_or_default(),
            channel: v.channel.to_string(),
            status: v.status.map(|s| s.to_string()).unwrap_or_default(),
            amount: v.amount,
            payee: v.payee,
            sends: v
                .send_code_attempts
                .map_or(0, |sends| u32::try_from(sends.len()).unwrap_or(u32::MAX)),
            date_created: date(v.date_created),
            sna_url: v.sna.map(|sna| sna.url),
        }
    }
}

impl From<VerificationCheck> for VerificationSummary {
    fn from(v: VerificationCheck) -> VerificationSummary {
        VerificationSummary {
            sid: v.sid.unwrap_or_default(),
            to: v.to.unwrap_or_default(),
            channel: v.channel.to_string(),
            status: v.status.map(|s| s.to_string()).unwrap_or_default(),
            amount: v.amount,
            payee: v.payee,
            sends: 0,
            date_created: date(v.date_created),
            sna_url: None,
        }
    }
}

/// One delivery attempt.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AttemptSummary {
    pub sid: String,
    pub channel: String,
    /// `converted` (the code was checked right) or `unconverted`.
    pub conversion_status: String,
    pub date_created: Option<String>,
}

impl From<VerificationAttempt> for AttemptSummary {
    fn from(attempt: VerificationAttempt) -> AttemptSummary {
        AttemptSummary {
            sid: attempt.sid.unwrap_or_default(),
            channel: attempt.channel.to_string(),
            conversion_status: attempt.conversion_status.to_string(),
            date_created: date(attempt.date_created),
        }
    }
}

/// What Lookups says about a number.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LookupSummary {
    pub phone_number: String,
    pub valid: bool,
    pub country_code: Option<String>,
    pub national_format: Option<String>,
    /// `mobile`, `landline`, `nonFixedVoip`…
    pub line_type: Option<String>,
    pub carrier: Option<String>,
}

impl From<PhoneNumber> for LookupSummary {
    fn from(number: PhoneNumber) -> LookupSummary {
        let line = number.line_type_intelligence.unwrap_or_default();
        LookupSummary {
            phone_number: number.phone_number.unwrap_or_default(),
            valid: number.valid.unwrap_or(false),
            country_code: number.country_code,
            national_format: number.national_format,
            line_type: line.line_type.map(|kind| kind.to_string()),
            carrier: line.carrier_name,
        }
    }
}

/// The profile's Verify Services.
#[tauri::command]
#[specta::specta]
pub async fn list_services(
    console: State<'_, ConsoleState>,
    profile: String,
) -> AppResult<Vec<ServiceSummary>> {
    let console = console.console(&profile)?;
    let services = console.client().list_services().await?;
    Ok(services.into_iter().map(ServiceSummary::from).collect())
}

/// Creates a Verify Service.
#[tauri::command]
#[specta::specta]
pub async fn create_service(
    console: State<'_, ConsoleState>,
    profile: String,
    settings: ServiceSettings,
) -> AppResult<ServiceSummary> {
    if settings
        .friendly_name
        .as_deref()
        .is_none_or(|name| name.trim().is_empty())
    {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            "Give the service a name: customers see it in their messages.",
        ));
    }
    let console = console.console(&profile)?;
    let created = console.client().create_service(&settings).await?;
    Ok(created.into())
}

/// Saves a Verify Service's settings.
#[tauri::command]
#[specta::specta]
pub async fn update_service(
    console: State<'_, ConsoleState>,
    profile: String,
    sid: String,
    settings: ServiceSettings,
) -> AppResult<ServiceSummary> {
    let console = console.console(&profile)?;
    let updated = console.client().update_service(&sid, &settings).await?;
    Ok(updated.into())
}

/// Reads a typed destination: E.164, the suggestion, or what is wrong. A
/// number without a country code is read as one of the user's region.
#[tauri::command]
#[specta::specta]
pub fn read_destination(text: String) -> DestinationHint {
    destination_hint(&text, user_region().as_deref())
}

/// The region of the user's locale (`en_GB.UTF-8` → `GB`).
fn user_region() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .and_then(|locale| {
            let region = locale.split(['.', '@']).next()?.split('_').nth(1)?;
            (region.len() == 2).then(|| region.to_ascii_uppercase())
        })
}

/// Looks a number up with its line type.
#[tauri::command]
#[specta::specta]
pub async fn lookup_number(
    console: State<'_, ConsoleState>,
    profile: String,
    number: String,
) -> AppResult<LookupSummary> {
    let console = console.console(&profile)?;
    let fields = ["line_type_intelligence".to_owned()];
    Ok(console.lookup(&number, &fields).await?.into())
}

/// Sends a verification.
#[tauri::command]
#[specta::specta]
pub async fn send_verification(
    console: State<'_, ConsoleState>,
    profile: String,
    service: String,
    send: NewVerification,
) -> AppResult<VerificationSummary> {
    let console = console.console(&profile)?;
    Ok(console.send(&service, &send).await?.into())
}

/// Checks the code the customer read back.
#[tauri::command]
#[specta::specta]
pub async fn check_code(
    console: State<'_, ConsoleState>,
    profile: String,
    service: String,
    check: CodeCheck,
) -> AppResult<VerificationSummary> {
    let console = console.console(&profile)?;
    Ok(console.check(&service, &check).await?.into())
}

/// Fetches a verification.
#[tauri::command]
#[specta::specta]
pub async fn fetch_verification(
    console: State<'_, ConsoleState>,
    profile: String,
    service: String,
    sid: String,
) -> AppResult<VerificationSummary> {
    let console = console.console(&profile)?;
    Ok(console.fetch(&service, &sid).await?.into())
}

/// Approves or cancels a verification.
#[tauri::command]
#[specta::specta]
pub async fn close_verification(
    console: State<'_, ConsoleState>,
    profile: String,
    service: String,
    sid: String,
    closing: Closing,
) -> AppResult<VerificationSummary> {
    let console = console.console(&profile)?;
    Ok(console.close(&service, &sid, closing).await?.into())
}

/// A verification's delivery attempts.
#[tauri::command]
#[specta::specta]
pub async fn list_attempts(
    console: State<'_, ConsoleState>,
    profile: String,
    verification_sid: String,
) -> AppResult<Vec<AttemptSummary>> {
    let console = console.console(&profile)?;
    let filter = AttemptFilter {
        verification_sid: Some(verification_sid),
        ..AttemptFilter::default()
    };
    let attempts = console.client().list_attempts(&filter).await?;
    Ok(attempts.into_iter().map(AttemptSummary::from).collect())
}

/// The local history, newest first.
#[tauri::command]
#[specta::specta]
pub fn list_history(
    console: State<'_, ConsoleState>,
    filter: HistoryFilter,
) -> AppResult<Vec<HistoryEntry>> {
    history_entries(console.history(), &filter)
}

/// Writes the filtered history as CSV to a new file; returns how many rows.
#[tauri::command]
#[specta::specta]
pub fn export_history(
    console: State<'_, ConsoleState>,
    path: String,
    filter: HistoryFilter,
) -> AppResult<u32> {
    let path = Path::new(path.trim());
    let written = console
        .history()
        .export_csv(path, &filter)
        .map_err(|error| {
            AppError::new(
                ErrorKind::Storage,
                format!(
                    "Cannot write {}: {}; choose another file.",
                    path.display(),
                    twofold_atomic_file::plain(&error)
                ),
            )
        })?;
    Ok(u32::try_from(written).unwrap_or(u32::MAX))
}

fn history_entries(history: &History, filter: &HistoryFilter) -> AppResult<Vec<HistoryEntry>> {
    history.entries(filter).map_err(|error| {
        AppError::new(
            ErrorKind::Storage,
            format!(
                "Cannot read the history {}: {}.",
                history.path().display(),
                twofold_atomic_file::plain(&error)
            ),
        )
    })
}
