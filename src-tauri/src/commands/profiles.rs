//! Settings → Profiles: the Twilio accounts the Admin room can act as.
//! Secrets go to the OS keyring and never come back to the web view.

use secrecy::SecretString;
use serde::Serialize;
use specta::Type;
use tauri::State;
use twofold_console::profiles::{ENVIRONMENT, Profile, SANDBOX};

use crate::commands::admin::ServiceSummary;
use crate::console::ConsoleState;
use crate::error::AppResult;

/// Where a profile comes from, which says what the user may do with it.
#[derive(Debug, Clone, Copy, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ProfileSource {
    /// The built-in Sandbox: always there, never edited.
    Sandbox,
    /// Made from `TWILIO_*` variables: shown, not edited.
    Environment,
    /// Saved in Settings: edited and removed there.
    Saved,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileChoice {
    pub source: ProfileSource,
    pub profile: Profile,
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileList {
    /// The profile the Admin room acts as.
    pub active: String,
    pub choices: Vec<ProfileChoice>,
}

/// Every profile, and which one is picked.
#[tauri::command]
#[specta::specta]
pub fn list_profiles(console: State<'_, ConsoleState>) -> AppResult<ProfileList> {
    let choices = console
        .profiles()?
        .into_iter()
        .map(|profile| ProfileChoice {
            source: match profile.name.as_str() {
                SANDBOX => ProfileSource::Sandbox,
                ENVIRONMENT => ProfileSource::Environment,
                _ => ProfileSource::Saved,
            },
            profile,
        })
        .collect();
    Ok(ProfileList {
        active: console.active()?,
        choices,
    })
}

/// Picks the profile the Admin room acts as.
#[tauri::command]
#[specta::specta]
pub fn select_profile(console: State<'_, ConsoleState>, name: String) -> AppResult<()> {
    Ok(console.store().set_active(&name)?)
}

/// Adds a profile, or replaces the one called `replacing`. An empty
/// `secret` keeps the one in the keyring.
#[tauri::command]
#[specta::specta]
pub fn save_profile(
    console: State<'_, ConsoleState>,
    profile: Profile,
    replacing: Option<String>,
    secret: Option<String>,
) -> AppResult<()> {
    let secret = secret
        .filter(|text| !text.is_empty())
        .map(SecretString::from);
    let name = profile.name.clone();
    console
        .store()
        .save(profile, replacing.as_deref(), secret)?;
    console.forget(&name);
    if let Some(old) = replacing {
        console.forget(&old);
    }
    Ok(())
}

/// Removes a saved profile and its secret.
#[tauri::command]
#[specta::specta]
pub fn remove_profile(console: State<'_, ConsoleState>, name: String) -> AppResult<()> {
    console.store().remove(&name)?;
    console.forget(&name);
    Ok(())
}

/// Lists the profile's Verify Services: proof that it can talk to Twilio.
#[tauri::command]
#[specta::specta]
pub async fn test_connection(
    console: State<'_, ConsoleState>,
    name: String,
) -> AppResult<Vec<ServiceSummary>> {
    crate::commands::admin::list_services(console, name).await
}
