//! The one error type that crosses the IPC boundary: a kind the UI can branch
//! on and a sentence the user can act on. Core errors are turned into text
//! here, at the edge, and nowhere else.

use serde::Serialize;
use specta::Type;

#[derive(Debug, Serialize, Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// What the user typed or chose cannot be used; the message says why.
    InvalidInput,
    /// The thing asked for is not there (any more).
    NotFound,
    /// Reading or writing the user's data failed; nothing was changed.
    Storage,
    /// The desktop (clipboard, screen, windowing) refused.
    Desktop,
    /// The vault is locked: show the unlock screen.
    Locked,
    /// The OS keyring is missing or refused; a passphrase can be used instead.
    Keyring,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn not_found_account() -> Self {
        Self::new(
            ErrorKind::NotFound,
            "That account is no longer in the list; it may have been removed in another window.",
        )
    }
}

pub type AppResult<T> = Result<T, AppError>;
