//! Locks the vault when the desktop session locks, as KeePassXC does: when
//! the screen saver's `ActiveChanged(true)` signal arrives on the session bus
//! (freedesktop, GNOME, Cinnamon and MATE name it alike), when logind asks
//! this session to `Lock`, and before the machine sleeps. Each bus is
//! listened to on a thread of its own; a desktop without one of them (no
//! logind in a container) just has fewer reasons to lock.

use tauri::{AppHandle, Manager};
use zbus::blocking::{Connection, MessageIterator};
use zbus::message::Type as MessageType;
use zbus::{MatchRule, Message};

use crate::settings::SettingsFile;
use crate::state::AppState;

/// The screen savers' D-Bus interfaces; each sends `ActiveChanged(bool)`.
const SCREEN_SAVERS: [&str; 4] = [
    "org.freedesktop.ScreenSaver",
    "org.gnome.ScreenSaver",
    "org.cinnamon.ScreenSaver",
    "org.mate.ScreenSaver",
];

/// Starts listening; returns at once.
pub fn watch(app: &AppHandle) {
    let session = app.clone();
    std::thread::spawn(move || {
        if let Err(error) = follow_screen_saver(&session) {
            eprintln!("twofold: not locking with the screen saver: {error}");
        }
    });
    let system = app.clone();
    // Most test machines and containers have no logind: nothing to say then.
    std::thread::spawn(move || follow_logind(&system).ok());
}

fn follow_screen_saver(app: &AppHandle) -> zbus::Result<()> {
    let bus = Connection::session()?;
    let rule = MatchRule::builder()
        .msg_type(MessageType::Signal)
        .member("ActiveChanged")?
        .build();
    for message in MessageIterator::for_match_rule(rule, &bus, None)? {
        let message = message?;
        let from_screen_saver = message
            .header()
            .interface()
            .is_some_and(|interface| SCREEN_SAVERS.contains(&interface.as_str()));
        if from_screen_saver && message.body().deserialize::<bool>().unwrap_or(false) {
            lock(app, "Twofold locked itself because the screen was locked.");
        }
    }
    Ok(())
}

fn follow_logind(app: &AppHandle) -> zbus::Result<()> {
    let bus = Connection::system()?;
    let session: zbus::zvariant::OwnedObjectPath = bus
        .call_method(
            Some("org.freedesktop.login1"),
            "/org/freedesktop/login1",
            Some("org.freedesktop.login1.Manager"),
            "GetSessionByPID",
            &(std::process::id()),
        )?
        .body()
        .deserialize()?;
    let lock_rule = MatchRule::builder()
        .msg_type(MessageType::Signal)
        .interface("org.freedesktop.login1.Session")?
        .member("Lock")?
        .path(session)?
        .build();
    let sleep_rule = MatchRule::builder()
        .msg_type(MessageType::Signal)
        .interface("org.freedesktop.login1.Manager")?
        .member("PrepareForSleep")?
        .build();
    let locks = MessageIterator::for_match_rule(lock_rule, &bus, None)?;
    let sleeps = MessageIterator::for_match_rule(sleep_rule, &bus, None)?;
    let sleep_app = app.clone();
    std::thread::spawn(move || {
        for message in sleeps.flatten() {
            if going_to_sleep(&message) {
                lock(
                    &sleep_app,
                    "Twofold locked itself before the computer slept.",
                );
            }
        }
    });
    for message in locks {
        message?;
        lock(app, "Twofold locked itself because the session was locked.");
    }
    Ok(())
}

fn going_to_sleep(message: &Message) -> bool {
    message.body().deserialize::<bool>().unwrap_or(false)
}

fn lock(app: &AppHandle, reason: &str) {
    let settings = app.state::<SettingsFile>().load();
    if settings.lock_on_screen_lock {
        app.state::<AppState>().lock_with_notice(reason);
    }
}
