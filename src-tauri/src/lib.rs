//! The Twofold desktop shell (Tauri 2).
//!
//! A thin layer in the manner of GitButler: each command in [`commands`]
//! validates its input, calls one function of a core crate and maps the error
//! to an [`error::AppError`]. Core crates know nothing of Tauri; the TypeScript
//! types the web view sees are generated from the Rust definitions here (see
//! [`ipc_builder`] and `ui/src/lib/bindings.ts`).
//!
//! The web view receives codes and seconds left, never a secret.

mod clipboard;
mod commands;
mod console;
mod error;
mod events;
mod screen;
mod screen_lock;
mod settings;
mod shortcut;
mod state;
mod tray;

use tauri::Manager;
use twofold_authenticator::Vault;
use twofold_console::history::History;
use twofold_console::profiles::ProfileStore;

use crate::error::{AppError, ErrorKind};
use tauri_specta::{Builder, collect_commands, collect_events};

/// Every command the web view may call, for the invoke handler and the
/// TypeScript bindings alike.
pub fn ipc_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .disable_serde_phases()
        .commands(collect_commands![
            commands::accounts::list_accounts,
            commands::accounts::add_account,
            commands::accounts::add_account_by_hand,
            commands::accounts::edit_account,
            commands::accounts::move_account,
            commands::accounts::remove_account,
            commands::accounts::advance_counter,
            commands::accounts::copy_code,
            commands::accounts::account_qr,
            commands::accounts::reveal_secret,
            commands::accounts::first_code_painted,
            commands::vault::open_window,
            commands::vault::vault_status,
            commands::vault::create_vault,
            commands::vault::unlock_vault,
            commands::vault::lock_vault,
            commands::vault::change_protection,
            commands::backups::list_vault_backups,
            commands::backups::back_up_vault_now,
            commands::backups::preview_restore,
            commands::backups::apply_restore,
            commands::backups::cancel_restore,
            settings::save_settings,
            commands::transfer::list_formats,
            commands::transfer::preview_import,
            commands::transfer::preview_qr_images,
            commands::transfer::preview_screen,
            commands::transfer::preview_pasted_links,
            commands::transfer::apply_import,
            commands::transfer::cancel_import,
            commands::transfer::export_accounts,
            commands::sandbox::sandbox_status,
            commands::sandbox::reveal_sandbox_token,
            commands::sandbox::sandbox_outbox,
            commands::sandbox::clear_sandbox_outbox,
            commands::sandbox::advance_sandbox_clock,
            commands::sandbox::reset_sandbox_clock,
            commands::sandbox::sandbox_test_numbers,
            commands::sandbox::add_sandbox_test_number,
            commands::sandbox::remove_sandbox_test_number,
            commands::sandbox::sandbox_faults,
            commands::sandbox::add_sandbox_fault,
            commands::sandbox::clear_sandbox_faults,
            commands::sandbox::sandbox_conduct_report,
            commands::sandbox::clear_sandbox_conduct_report,
            commands::sandbox::save_sandbox_snapshot,
            commands::sandbox::load_sandbox_snapshot,
            commands::profiles::list_profiles,
            commands::profiles::select_profile,
            commands::profiles::save_profile,
            commands::profiles::remove_profile,
            commands::profiles::test_connection,
            commands::admin::list_services,
            commands::admin::create_service,
            commands::admin::update_service,
            commands::admin::read_destination,
            commands::admin::lookup_number,
            commands::admin::send_verification,
            commands::admin::check_code,
            commands::admin::fetch_verification,
            commands::admin::close_verification,
            commands::admin::list_attempts,
            commands::admin::list_history,
            commands::admin::export_history,
            commands::factors::list_entities,
            commands::factors::create_entity,
            commands::factors::delete_entity,
            commands::factors::list_factors,
            commands::factors::create_totp_factor,
            commands::factors::reveal_factor_secret,
            commands::factors::copy_factor_secret,
            commands::factors::add_factor_to_vault,
            commands::factors::verify_factor,
            commands::factors::rename_factor,
            commands::factors::delete_factor,
            commands::factors::create_challenge,
            commands::factors::list_challenges,
            commands::factors::answer_challenge,
        ])
        .events(collect_events![
            events::AccountsChanged,
            events::VaultLocked,
            events::OutboxChanged
        ])
}

/// Starts the embedded Sandbox on 127.0.0.1 (a free port) with its state kept
/// beside the vault, so a QA session survives a restart of the app, and
/// credentials of this install's own (not the documented fixed ones, which
/// any local program could use).
fn start_sandbox(
    vault_path: &std::path::Path,
    profiles: &ProfileStore,
) -> Result<twofold_sandbox::RunningSandbox, String> {
    use secrecy::ExposeSecret;
    let (account_sid, token) = profiles.sandbox_credentials().map_err(|e| e.to_string())?;
    let config = twofold_sandbox::SandboxConfig {
        state_file: Some(vault_path.with_file_name("sandbox.json")),
        credentials: twofold_sandbox::Credentials::new(account_sid, token.expose_secret())
            .map_err(|e| e.to_string())?,
        ..twofold_sandbox::SandboxConfig::default()
    };
    tauri::async_runtime::block_on(twofold_sandbox::serve(config)).map_err(|e| e.to_string())
}

/// The console's state: profiles, history, and the Sandbox as a profile.
fn console_state(
    vault_path: &std::path::Path,
    profiles: ProfileStore,
    sandbox: &commands::sandbox::SandboxState,
) -> console::ConsoleState {
    let history = History::at(vault_path.with_file_name("history.jsonl"));
    let state = console::ConsoleState::new(profiles, history);
    match &sandbox.0 {
        Ok(running) => state.with_sandbox(
            running.base_url(),
            running.credentials().account_sid().to_owned(),
            secrecy::SecretString::from(running.credentials().auth_token()),
        ),
        Err(_) => state,
    }
}

/// Brings the window forward: shown, not minimised, focused.
fn show_main_window(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Opens the window the config describes. Made at the end of setup rather
/// than before it (Tauri's default): a window shown while setup held the main
/// thread met a web process half way through its launch, and WebKit then
/// waited half a second for it before the page could load, in about half of
/// the starts measured.
fn open_main_window(app: &tauri::App) -> tauri::Result<()> {
    for config in app
        .config()
        .app
        .windows
        .iter()
        .filter(|config| !config.create)
    {
        let window = tauri::WebviewWindowBuilder::from_config(app.handle(), config)?.build()?;
        draw_without_gl_compositing(&window);
    }
    Ok(())
}

/// WebKitGTK composites pages with OpenGL by default. Twofold's window is a
/// list whose only motion is one countdown a second: composited, each second
/// redrew the whole window through GL, which with 50 accounts cost the web
/// process 6 % of a core and 150 MB of buffers; drawn directly, only the
/// changed pixels are painted (1 %, 85 MB; `make bench` measures it). Set
/// before the page's first frame: the page loads only once setup returns.
fn draw_without_gl_compositing(window: &tauri::WebviewWindow) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    let _ = window.with_webview(|webview| {
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
}

/// Starts the app; returns when its last window closes.
pub fn run() {
    let ipc = ipc_builder();
    let result = tauri::Builder::default()
        // A second copy of the app would race the first for the vault file:
        // bring the running window forward instead.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            show_main_window(app);
        }))
        .plugin(shortcut::plugin())
        .plugin(tauri_plugin_window_state::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(ipc.invoke_handler())
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::Resized(_)
                if window.is_minimized().unwrap_or(false)
                    && window.state::<settings::SettingsFile>().load().lock_on_minimise =>
            {
                window
                    .state::<state::AppState>()
                    .lock_with_notice("Twofold locked itself when its window was minimised.");
            }
            tauri::WindowEvent::CloseRequested { api, .. }
                if window.state::<settings::SettingsFile>().load().close_to_tray
                    && tray::host_present() =>
            {
                api.prevent_close();
                let _ = window.hide();
            }
            _ => {}
        })
        .setup(move |app| {
            ipc.mount_events(app);
            let vault_path = Vault::default_path().ok_or_else(|| {
                AppError::new(
                    ErrorKind::Storage,
                    "Cannot find your home folder to keep Twofold's data in; set HOME and start Twofold again.",
                )
            })?;
            let profiles = ProfileStore::at(ProfileStore::default_path().ok_or_else(|| {
                AppError::new(
                    ErrorKind::Storage,
                    "Cannot find your config folder; set HOME and start Twofold again.",
                )
            })?);
            // The Sandbox's state, the history and the watch on the vault all
            // need the vault's folder, before the vault itself is first saved.
            if let Some(dir) = vault_path.parent()
                && let Err(error) = std::fs::create_dir_all(dir)
            {
                eprintln!("twofold: cannot create {}: {error}", dir.display());
            }
            let settings = settings::SettingsFile(profiles.path().with_file_name("settings.json"));
            app.manage(shortcut::Registered::default());
            if let Err(error) =
                shortcut::apply(app.handle(), settings.load().show_window_shortcut.as_deref())
            {
                eprintln!("twofold: {}", error.message);
            }
            app.manage(settings);
            // The Sandbox (its state file, its token from the keyring, its port)
            // starts on a thread of its own while this one sets up the rest and
            // the tray: the first codes came ~24 ms sooner.
            let sandbox_start = {
                let (vault_path, profiles) = (vault_path.clone(), profiles.clone());
                std::thread::spawn(move || start_sandbox(&vault_path, &profiles))
            };
            app.manage(commands::factors::PendingBindings::default());
            app.manage(clipboard::SecretClipboard::new());
            app.manage(state::AppState::new(vault_path.clone(), app.handle().clone()));
            if let Err(error) = events::watch_vault(app.handle().clone(), &vault_path) {
                // The app still works; it shows other processes' changes after
                // its next own save or a restart.
                eprintln!("twofold: cannot watch the vault for changes made elsewhere: {error}");
            }
            events::start_code_ticker(app.handle().clone());
            screen_lock::watch(app.handle());
            if let Err(error) = tray::install(app.handle()) {
                // The window still works; only the tray menu is missing.
                eprintln!("twofold: no tray icon: {error}");
            }
            let sandbox = commands::sandbox::SandboxState(
                sandbox_start
                    .join()
                    .unwrap_or_else(|_| Err("the Sandbox failed as it started".to_owned())),
            );
            app.manage(console_state(&vault_path, profiles, &sandbox));
            app.manage(sandbox);
            events::follow_outbox(app.handle().clone());
            app.manage(state::StartUnlock::begin(app.handle()));
            open_main_window(app)?;
            Ok(())
        })
        .build(tauri::generate_context!());
    match result {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                app.state::<clipboard::SecretClipboard>()
                    .clear_before_exit();
            }
        }),
        Err(error) => {
            eprintln!("twofold: {error}");
            std::process::exit(1);
        }
    }
}
