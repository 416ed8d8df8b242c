//! The global shortcut that brings Twofold's window forward from anywhere on
//! the desktop: off unless Settings sets one (it takes a key combination
//! away from every other program).

use std::sync::Mutex;

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Wry};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

use crate::error::{AppError, AppResult, ErrorKind};

/// The shortcut registered now, to put back if a new one cannot be taken.
#[derive(Default)]
pub struct Registered(Mutex<Option<Shortcut>>);

pub fn plugin() -> TauriPlugin<Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                crate::show_main_window(app);
            }
        })
        .build()
}

/// Makes `wanted` ("Ctrl+Alt+T"; `None` or blank: none) the one shortcut.
/// On an error the shortcut registered before stays.
pub fn apply(app: &AppHandle, wanted: Option<&str>) -> AppResult<()> {
    let wanted = wanted.map(str::trim).filter(|text| !text.is_empty());
    let shortcut = wanted
        .map(|text| {
            text.parse::<Shortcut>().map_err(|error| {
                AppError::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "'{text}' is not a key combination Twofold understands ({error}); \
                         write it like Ctrl+Alt+T"
                    ),
                )
            })
        })
        .transpose()?;
    let registered = app.state::<Registered>();
    let mut current = registered
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if *current == shortcut {
        return Ok(());
    }
    let shortcuts = app.global_shortcut();
    let old = *current;
    if let Some(old) = old {
        let _ = shortcuts.unregister(old);
    }
    if let (Some(new), Some(text)) = (shortcut, wanted)
        && let Err(error) = shortcuts.register(new)
    {
        *current = old.filter(|old| shortcuts.register(*old).is_ok());
        return Err(AppError::new(
            ErrorKind::Desktop,
            format!(
                "Cannot take {text} for Twofold: {error}; another program may use it, choose another"
            ),
        ));
    }
    *current = shortcut;
    Ok(())
}
