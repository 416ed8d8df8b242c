//! What the shell pushes to the web view without being asked: new codes when
//! a time step turns over, the accounts when the vault changes (here or in
//! another process, seen by a file watcher), and a lock forced by the file.
//! The web view never polls for these.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use notify::{RecursiveMode, Watcher};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::commands::accounts::AccountCode;
use crate::commands::sandbox::{SandboxState, newest_first};
use crate::state::AppState;

/// The accounts, in order, with their codes at the moment it was sent.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct AccountsChanged {
    pub accounts: Vec<AccountCode>,
}

/// The built-in Sandbox's outbox, newest first, whenever a message enters
/// it or it is cleared.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct OutboxChanged {
    pub messages: Vec<twofold_sandbox::OutboxMessage>,
}

/// Pushes the outbox to the web view each time it changes.
pub fn follow_outbox(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<SandboxState>();
        let Ok(running) = state.0.as_ref() else {
            return;
        };
        let mut changes = running.watch_outbox();
        while changes.changed().await.is_ok() {
            let _ = OutboxChanged {
                messages: newest_first(running),
            }
            .emit(&app);
        }
    });
}

/// The vault was locked by the app itself, and why.
#[derive(Debug, Clone, Serialize, Type, Event)]
#[serde(rename_all = "camelCase")]
pub struct VaultLocked {
    pub reason: String,
}

pub fn accounts_changed(app: &AppHandle, accounts: Vec<AccountCode>) {
    // Best effort: with no window left there is nobody to tell.
    let _ = AccountsChanged { accounts }.emit(app);
}

pub fn vault_locked(app: &AppHandle, reason: String) {
    let _ = VaultLocked { reason }.emit(app);
}

/// Pushes the codes just after each wall-clock second at which any account's
/// code turns over. Between those the web view counts down by itself.
pub fn start_code_ticker(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            let millis = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |since| since.subsec_millis());
            std::thread::sleep(Duration::from_millis(u64::from(1_020 - millis)));
            if let Some(codes) = app.state::<AppState>().codes_if_due() {
                accounts_changed(&app, codes);
            }
        }
    });
}

/// Watches the vault's folder (saves replace the file by a rename, so the
/// file itself cannot be watched) and has the state catch up after every
/// change to the vault file. Our own saves are noticed too and found to be
/// nothing new.
/// Whether `event` changed the file called `name`. A change, not a read:
/// catching up reads the vault, and inotify reports that read (open, close)
/// too, which made a loop that read the vault every 50 ms for as long as the
/// app ran.
fn changes_file(event: &notify::Event, name: &std::ffi::OsStr) -> bool {
    !matches!(event.kind, notify::EventKind::Access(_))
        && event
            .paths
            .iter()
            .any(|path| path.file_name() == Some(name))
}

pub fn watch_vault(app: AppHandle, vault: &Path) -> notify::Result<()> {
    let (Some(folder), Some(name)) = (vault.parent(), vault.file_name()) else {
        return Ok(());
    };
    let name = name.to_owned();
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)?;
    watcher.watch(folder, RecursiveMode::NonRecursive)?;
    std::thread::spawn(move || {
        // The watcher stops when dropped: it lives as long as this thread.
        let _watcher = watcher;
        let changes_vault = |event: &notify::Result<notify::Event>| {
            event.as_ref().is_ok_and(|event| changes_file(event, &name))
        };
        while let Ok(event) = rx.recv() {
            if !changes_vault(&event) {
                continue;
            }
            // One save is several events (create, rename, ...): gather them,
            // for a bounded time, as the Sandbox beside the vault may keep
            // its own file busy.
            let deadline = Instant::now() + Duration::from_millis(50);
            while Instant::now() < deadline
                && rx
                    .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                    .is_ok()
            {}
            app.state::<AppState>().catch_up();
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind, RenameMode};
    use notify::{Event, EventKind};

    use super::changes_file;

    #[test]
    fn a_read_of_the_vault_is_not_a_change_but_a_save_is() {
        let vault = std::ffi::OsStr::new("vault.twofold");
        let on = |kind, file: &str| Event::new(kind).add_path(format!("/data/{file}").into());
        let read = [
            EventKind::Access(AccessKind::Open(AccessMode::Read)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
        ];
        for kind in read {
            assert!(!changes_file(&on(kind, "vault.twofold"), vault), "{kind:?}");
        }
        // Saves are a temporary file renamed over the vault; other writers may
        // write in place.
        let saved = [
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Modify(ModifyKind::Data(DataChange::Content)),
        ];
        for kind in saved {
            assert!(changes_file(&on(kind, "vault.twofold"), vault), "{kind:?}");
            assert!(!changes_file(&on(kind, "sandbox.json"), vault), "{kind:?}");
        }
    }
}
