//! The tray icon (a StatusNotifierItem through libayatana-appindicator on
//! Linux) and its menu: show or hide the window, copy a favourite's code,
//! lock, quit. The menu is rebuilt when the favourites or the lock change.
//!
//! Without a tray host (no StatusNotifierWatcher on the session bus) the
//! icon shows nowhere, so closing the window quits as it always did, even
//! when Settings asks to close to the tray.

use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::commands::accounts::copy_account_code;
use crate::state::AppState;

const TRAY: &str = "twofold";
const TOGGLE: &str = "toggle";
const LOCK: &str = "lock";
const QUIT: &str = "quit";
/// Menu ids of favourites' copy items: this prefix and the account id.
const COPY: &str = "copy:";

pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip("Twofold")
        .menu(&menu(app)?)
        .on_menu_event(on_menu_event);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// Rebuilds the menu from the favourites and the lock as they are now.
pub fn refresh(app: &AppHandle) {
    if let Some(tray) = app.tray_by_id(TRAY)
        && let Ok(menu) = menu(app)
    {
        // Best effort: a menu that cannot be set keeps its last state.
        let _ = tray.set_menu(Some(menu));
    }
}

/// Whether a tray host shows tray icons in this session.
pub fn host_present() -> bool {
    zbus::blocking::Connection::session()
        .and_then(|bus| {
            bus.call_method(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                Some("org.freedesktop.DBus"),
                "NameHasOwner",
                &("org.kde.StatusNotifierWatcher"),
            )
        })
        .and_then(|reply| reply.body().deserialize::<bool>())
        .unwrap_or(false)
}

fn menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let item = |id: &str, label: &str, enabled: bool| {
        MenuItem::with_id(app, id, label, enabled, None::<&str>)
    };
    // Notes the user cannot click share one id.
    let note = |label: &str| item("note", label, false);
    let favourites = app.state::<AppState>().favourites();
    let menu = Menu::new(app)?;
    menu.append(&item(TOGGLE, "Show or hide Twofold", true)?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    match &favourites {
        None => menu.append(&note("Unlock Twofold to copy codes")?)?,
        Some(none) if none.is_empty() => {
            menu.append(&note("Pin favourites to copy their codes here")?)?;
        }
        Some(favourites) => {
            for (id, title) in favourites {
                let copy = item(
                    &format!("{COPY}{id}"),
                    &format!("Copy the code of {title}"),
                    true,
                )?;
                menu.append(&copy)?;
            }
        }
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(LOCK, "Lock", favourites.is_some())?)?;
    menu.append(&item(QUIT, "Quit Twofold", true)?)?;
    Ok(menu)
}

fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    match event.id().as_ref() {
        TOGGLE => toggle_window(app),
        LOCK => app
            .state::<AppState>()
            .lock_with_notice("Locked from the tray menu."),
        QUIT => app.exit(0),
        id => {
            if let Some(account) = id.strip_prefix(COPY) {
                let (app, account) = (app.clone(), account.to_owned());
                // Saving the vault (the code's last use) stays off the main thread.
                std::thread::spawn(move || {
                    if let Err(error) = copy_account_code(&app, &account) {
                        eprintln!("twofold: {}", error.message);
                    }
                });
            }
        }
    }
}

fn toggle_window(app: &AppHandle) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    if window.is_visible().unwrap_or(false) && !window.is_minimized().unwrap_or(false) {
        let _ = window.hide();
    } else {
        crate::show_main_window(app);
    }
}
