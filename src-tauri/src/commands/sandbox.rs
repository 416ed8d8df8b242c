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
    pub account_sid: String,
    /// The Sandbox's fixed, documented token: it guards nothing but the emulator.
    pub auth_token: String,
}

#[tauri::command]
#[specta::specta]
pub fn sandbox_status(sandbox: State<'_, SandboxState>) -> AppResult<SandboxStatus> {
    let running = sandbox.running()?;
    Ok(SandboxStatus {
        base_url: running.base_url(),
        account_sid: running.credentials().account_sid().to_owned(),
        auth_token: running.credentials().auth_token().to_owned(),
    })
}

/// Newest first, as the room shows them.
#[tauri::command]
#[specta::specta]
pub fn sandbox_outbox(sandbox: State<'_, SandboxState>) -> AppResult<Vec<OutboxMessage>> {
    let mut messages = sandbox.running()?.outbox();
    messages.reverse();
    Ok(messages)
}

#[tauri::command]
#[specta::specta]
pub async fn clear_sandbox_outbox(sandbox: State<'_, SandboxState>) -> AppResult<()> {
    sandbox.running()?.clear_outbox().await;
    Ok(())
}
