//! The clipboard as a password manager uses it (KeePassXC's rules). A copied
//! code is marked with `x-kde-passwordManagerHint` so clipboard managers
//! keep it out of their history, and is cleared after the time Settings
//! gives (30 s unless changed), when the vault locks and when the app quits: each time only if the clipboard
//! still holds that code, so something the user copied since is never
//! wiped. The primary selection is left alone.
//!
//! Reading the clipboard can wait on whoever owns it (the web view itself,
//! when the user copied text there), so nothing here runs on the main thread.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tauri::{AppHandle, Manager};
use zeroize::Zeroizing;

use crate::error::{AppError, AppResult, ErrorKind};
use crate::settings::SettingsFile;

/// Copies `secret` (a code, or a factor's secret: `what` names it in an
/// error) for as long as Settings says, and returns those seconds.
pub fn copy_secret(app: &AppHandle, secret: Zeroizing<String>, what: &str) -> AppResult<u32> {
    let seconds = app
        .state::<SettingsFile>()
        .load()
        .clear_clipboard_after_seconds;
    app.state::<SecretClipboard>()
        .copy(secret, Duration::from_secs(u64::from(seconds)))
        .map_err(|error| {
            AppError::new(
                ErrorKind::Desktop,
                format!("Could not copy the {what}: {error}"),
            )
        })?;
    Ok(seconds)
}

#[derive(Clone)]
pub struct SecretClipboard(Arc<Mutex<Inner>>);

struct Inner {
    clipboard: Option<arboard::Clipboard>,
    /// What Twofold put there last, until it is cleared or replaced.
    copied: Option<Zeroizing<String>>,
}

impl SecretClipboard {
    pub fn new() -> SecretClipboard {
        SecretClipboard(Arc::new(Mutex::new(Inner {
            clipboard: arboard::Clipboard::new().ok(),
            copied: None,
        })))
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts `code` on the clipboard, out of clipboard managers' history,
    /// and clears it after `clear_after` if it is still there.
    fn copy(&self, code: Zeroizing<String>, clear_after: Duration) -> Result<(), String> {
        {
            let mut inner = self.inner();
            let clipboard = inner
                .clipboard
                .as_mut()
                .ok_or("no clipboard is available in this desktop session")?;
            set_secret(clipboard, &code).map_err(|error| error.to_string())?;
            inner.copied = Some(code.clone());
        }
        let this = self.clone();
        std::thread::spawn(move || {
            std::thread::sleep(clear_after);
            this.clear_if_holding(Some(&code));
        });
        Ok(())
    }

    /// Clears the clipboard if it still holds what Twofold put there (on
    /// lock). Runs on a thread of its own.
    pub fn clear_ours(&self) {
        let this = self.clone();
        std::thread::spawn(move || this.clear_if_holding(None));
    }

    /// Clears what Twofold put there before the app exits, waiting briefly:
    /// an app that hangs on quit is worse than a code left behind.
    pub fn clear_before_exit(&self) {
        let (done, finished) = std::sync::mpsc::channel();
        let this = self.clone();
        std::thread::spawn(move || {
            this.clear_if_holding(None);
            // arboard's X11 worker must stop before the process exits.
            this.inner().clipboard.take();
            let _ = done.send(());
        });
        let _ = finished.recv_timeout(Duration::from_secs(1));
    }

    /// Clears when the clipboard holds what Twofold copied last (and, with
    /// `code`, only if that is still `code`: a later copy has its own timer).
    fn clear_if_holding(&self, code: Option<&Zeroizing<String>>) {
        let mut inner = self.inner();
        let Some(copied) = inner.copied.clone() else {
            return;
        };
        if code.is_some_and(|code| *code != copied) {
            return;
        }
        inner.copied = None;
        if let Some(clipboard) = inner.clipboard.as_mut() {
            let holds = clipboard
                .get_text()
                .is_ok_and(|current| Zeroizing::new(current) == copied);
            if holds {
                // Best effort: a clipboard that went away holds nothing.
                let _ = clipboard.clear();
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn set_secret(clipboard: &mut arboard::Clipboard, code: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtLinux;
    clipboard.set().exclude_from_history().text(code)
}

#[cfg(not(target_os = "linux"))]
fn set_secret(clipboard: &mut arboard::Clipboard, code: &str) -> Result<(), arboard::Error> {
    clipboard.set().text(code)
}
