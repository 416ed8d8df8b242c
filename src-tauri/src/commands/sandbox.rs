//! The embedded Sandbox: where it listens, the credentials an SDK needs to reach
//! it, its outbox — what a real Verify would have delivered — and its QA tools:
//! test numbers, fault rules, snapshots and the client conduct report.

use std::path::PathBuf;

use serde::Serialize;
use specta::Type;
use tauri::State;
use twofold_sandbox::{
    ApiError, ConductReport, Fault, NewFault, OutboxMessage, RunningSandbox, TestAnswer, TestNumber,
};

use crate::error::{AppError, AppResult, ErrorKind};

/// The Sandbox the app started, or why it could not.
pub struct SandboxState(pub Result<RunningSandbox, String>);

impl SandboxState {
    fn running(&self) -> AppResult<&RunningSandbox> {
        self.0.as_ref().map_err(|why| {
            AppError::new(
                ErrorKind::Storage,
                format!("The built-in Sandbox did not start: {why}. Restart Twofold to try again."),
            )
        })
    }
}

#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SandboxStatus {
    /// `http://127.0.0.1:PORT`: the base URL of both Verify and Lookups.
    pub base_url: String,
    /// This install's own Sandbox account (`AC…`).
    pub account_sid: String,
}

#[tauri::command]
#[specta::specta]
pub fn sandbox_status(sandbox: State<'_, SandboxState>) -> AppResult<SandboxStatus> {
    let running = sandbox.running()?;
    Ok(SandboxStatus {
        base_url: running.base_url(),
        account_sid: running.credentials().account_sid().to_owned(),
    })
}

/// The Sandbox's Auth Token, because the user pressed Reveal: it is made at
/// random for this install, so only who can read the keyring can call it.
#[tauri::command]
#[specta::specta]
pub fn reveal_sandbox_token(sandbox: State<'_, SandboxState>) -> AppResult<String> {
    Ok(sandbox.running()?.credentials().auth_token().to_owned())
}

/// Newest first, as the room shows them. Later changes arrive as
/// `OutboxChanged` events.
#[tauri::command]
#[specta::specta]
pub fn sandbox_outbox(sandbox: State<'_, SandboxState>) -> AppResult<Vec<OutboxMessage>> {
    Ok(newest_first(sandbox.running()?))
}

pub fn newest_first(running: &RunningSandbox) -> Vec<OutboxMessage> {
    let mut messages = running.outbox();
    messages.reverse();
    messages
}

/// Moves the Sandbox's clock forward, for expiry tests.
#[tauri::command]
#[specta::specta]
pub async fn advance_sandbox_clock(
    sandbox: State<'_, SandboxState>,
    seconds: u32,
) -> AppResult<()> {
    sandbox.running()?.advance_clock(seconds).await;
    Ok(())
}

/// Puts the Sandbox's clock back to the real time.
#[tauri::command]
#[specta::specta]
pub async fn reset_sandbox_clock(sandbox: State<'_, SandboxState>) -> AppResult<()> {
    sandbox.running()?.reset_clock().await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn clear_sandbox_outbox(sandbox: State<'_, SandboxState>) -> AppResult<()> {
    sandbox.running()?.clear_outbox().await;
    Ok(())
}

/// The Sandbox refused what the user typed; its message says which field and why.
fn refused(error: ApiError) -> AppError {
    AppError::new(ErrorKind::InvalidInput, error.message)
}

/// Oldest first, as `GET /sandbox/test-numbers` lists them.
#[tauri::command]
#[specta::specta]
pub fn sandbox_test_numbers(sandbox: State<'_, SandboxState>) -> AppResult<Vec<TestNumber>> {
    Ok(sandbox.running()?.test_numbers())
}

/// Answers the number as stored (`to` in E.164); adding one again replaces
/// what it answered.
#[tauri::command]
#[specta::specta]
pub async fn add_sandbox_test_number(
    sandbox: State<'_, SandboxState>,
    to: String,
    answer: TestAnswer,
) -> AppResult<TestNumber> {
    sandbox
        .running()?
        .add_test_number(&to, answer)
        .await
        .map_err(refused)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_sandbox_test_number(
    sandbox: State<'_, SandboxState>,
    to: String,
) -> AppResult<()> {
    match sandbox.running()?.remove_test_number(&to).await {
        true => Ok(()),
        false => Err(AppError::new(
            ErrorKind::NotFound,
            format!("{to} is no longer a test number; it may have been removed already."),
        )),
    }
}

/// In the order they are tried.
#[tauri::command]
#[specta::specta]
pub fn sandbox_faults(sandbox: State<'_, SandboxState>) -> AppResult<Vec<Fault>> {
    Ok(sandbox.running()?.faults())
}

/// Answers the rule as added, with the seed drawn when none was given.
#[tauri::command]
#[specta::specta]
pub async fn add_sandbox_fault(
    sandbox: State<'_, SandboxState>,
    rule: NewFault,
) -> AppResult<Fault> {
    sandbox.running()?.add_fault(rule).await.map_err(refused)
}

#[tauri::command]
#[specta::specta]
pub async fn clear_sandbox_faults(sandbox: State<'_, SandboxState>) -> AppResult<()> {
    sandbox.running()?.clear_faults().await;
    Ok(())
}

/// What clients did that real Twilio would punish or a careful client avoids,
/// each kind with a count, an example and advice.
#[tauri::command]
#[specta::specta]
pub fn sandbox_conduct_report(sandbox: State<'_, SandboxState>) -> AppResult<ConductReport> {
    Ok(sandbox.running()?.conduct_report())
}

#[tauri::command]
#[specta::specta]
pub async fn clear_sandbox_conduct_report(sandbox: State<'_, SandboxState>) -> AppResult<()> {
    sandbox.running()?.clear_conduct_report().await;
    Ok(())
}

/// Writes the Sandbox's whole state to a new file, mode 0600: it holds test
/// factors' secrets. An existing file is never overwritten.
#[tauri::command]
#[specta::specta]
pub fn save_sandbox_snapshot(sandbox: State<'_, SandboxState>, path: String) -> AppResult<()> {
    let path = PathBuf::from(path.trim());
    let snapshot = sandbox.running()?.snapshot();
    twofold_atomic_file::write_new(&path, snapshot.as_bytes()).map_err(|error| {
        AppError::new(
            ErrorKind::Storage,
            format!(
                "The snapshot could not be saved to {}: {}. Choose a file that does not exist yet.",
                path.display(),
                twofold_atomic_file::plain(&error)
            ),
        )
    })
}

/// Replaces the Sandbox's whole state with a saved snapshot; a file that is
/// not one changes nothing.
#[tauri::command]
#[specta::specta]
pub async fn load_sandbox_snapshot(
    sandbox: State<'_, SandboxState>,
    path: String,
) -> AppResult<()> {
    let path = PathBuf::from(path.trim());
    let running = sandbox.running()?;
    let json = std::fs::read_to_string(&path).map_err(|error| {
        AppError::new(
            ErrorKind::Storage,
            format!(
                "{} could not be read: {}. Nothing was changed.",
                path.display(),
                twofold_atomic_file::plain(&error)
            ),
        )
    })?;
    running.restore(&json).await.map_err(|error| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("{}: {}", path.display(), error.message),
        )
    })
}
