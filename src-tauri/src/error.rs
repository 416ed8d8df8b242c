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
    /// What Twilio said, when it was Twilio that refused.
    pub twilio: Option<TwilioFailure>,
}

/// A Twilio error as the web view shows it: the code (a link to Twilio's
/// page), Twilio's message, and what to do.
#[derive(Debug, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TwilioFailure {
    pub status: u16,
    pub code: u32,
    pub message: String,
    pub more_info: String,
    pub fix: Option<String>,
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
    /// Twilio (or the Sandbox) refused; `twilio` says how.
    Twilio,
    /// Twilio (or the Sandbox) could not be reached.
    Network,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            twilio: None,
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

/// A client error reads as the console's, so commands calling the client
/// directly and those calling a console operation say it the same way.
impl From<twofold_verify::Error> for AppError {
    fn from(error: twofold_verify::Error) -> AppError {
        twofold_console::ConsoleError::from(error).into()
    }
}

impl From<twofold_console::ConsoleError> for AppError {
    fn from(error: twofold_console::ConsoleError) -> AppError {
        use twofold_console::ConsoleError;
        let message = error.to_string();
        match error {
            ConsoleError::Verify(twofold_verify::Error::Twilio(twilio)) => AppError {
                kind: ErrorKind::Twilio,
                message,
                twilio: Some(TwilioFailure {
                    status: twilio.status,
                    code: twilio.code,
                    fix: twilio.fix().map(str::to_owned),
                    message: twilio.message,
                    more_info: twilio.more_info,
                }),
            },
            ConsoleError::Verify(_) => AppError::new(ErrorKind::Network, message),
            ConsoleError::Keyring { .. } | ConsoleError::SecretMissing { .. } => {
                AppError::new(ErrorKind::Keyring, message)
            }
            ConsoleError::ProfilesFile { .. } | ConsoleError::History { .. } => {
                AppError::new(ErrorKind::Storage, message)
            }
            ConsoleError::NoSuchProfile { .. } => AppError::new(ErrorKind::NotFound, message),
            ConsoleError::Vault(error) => crate::state::vault_error(error),
            ConsoleError::InvalidProfile { .. }
            | ConsoleError::NoProfile { .. }
            | ConsoleError::NoService
            | ConsoleError::NoBinding
            | ConsoleError::Binding { .. }
            | ConsoleError::NoLinkedAccount { .. } => {
                AppError::new(ErrorKind::InvalidInput, message)
            }
        }
    }
}
