//! The embedded Sandbox: where it listens, the credentials an SDK needs to reach
//! it, and its outbox — what a real Verify would have delivered.

use serde::Serialize;
use specta::Type;
use tauri::State;
use twofold_sandbox::{OutboxMessage, RunningSandbox};

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
