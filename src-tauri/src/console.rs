//! The app's side of the Verify console: which profiles there are (the
//! built-in Sandbox, the environment's, the saved ones), a ready client for
//! each, and the history every action is recorded in.

use std::collections::HashMap;
use std::sync::Mutex;

use secrecy::SecretString;
use twofold_console::history::History;
use twofold_console::profiles::{
    AuthKind, ENVIRONMENT, Profile, ProfileStore, SANDBOX, Target, environment_profile,
};
use twofold_console::{Console, ConsoleError};

use crate::error::AppResult;

pub struct ConsoleState {
    store: ProfileStore,
    history: History,
    /// The built-in Sandbox as a profile, with its secret; `None` when it
    /// did not start.
    sandbox: Option<(Profile, SecretString)>,
    /// One client per profile, reused: building one loads the system's
    /// certificates.
    consoles: Mutex<HashMap<String, Console>>,
}

impl ConsoleState {
    pub fn new(store: ProfileStore, history: History) -> ConsoleState {
        ConsoleState {
            store,
            history,
            sandbox: None,
            consoles: Mutex::new(HashMap::new()),
        }
    }

    /// Offers the running Sandbox as the "Sandbox" profile.
    pub fn with_sandbox(
        mut self,
        base_url: String,
        account_sid: String,
        token: SecretString,
    ) -> ConsoleState {
        let profile = Profile {
            name: SANDBOX.to_owned(),
            account_sid,
            auth: AuthKind::AuthToken,
            target: Target::BaseUrl { url: base_url },
            default_service: None,
        };
        self.sandbox = Some((profile, token));
        self
    }

    pub fn store(&self) -> &ProfileStore {
        &self.store
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// Every profile the user can pick: Sandbox first (when it runs), the
    /// environment's, then the saved ones.
    pub fn profiles(&self) -> AppResult<Vec<Profile>> {
        let mut all: Vec<Profile> = self
            .sandbox
            .iter()
            .map(|(profile, _)| profile.clone())
            .collect();
        all.extend(
            environment_profile(|name| std::env::var(name).ok()).map(|(profile, _)| profile),
        );
        all.extend(self.store.saved()?);
        Ok(all)
    }

    /// The profile last picked, else the Sandbox, else the first there is.
    pub fn active(&self) -> AppResult<String> {
        let all = self.profiles()?;
        let picked = self
            .store
            .active()?
            .filter(|name| all.iter().any(|p| p.name == *name));
        Ok(picked
            .or_else(|| all.first().map(|profile| profile.name.clone()))
            .unwrap_or_else(|| SANDBOX.to_owned()))
    }

    /// The console acting as `name`.
    pub fn console(&self, name: &str) -> AppResult<Console> {
        let mut consoles = self
            .consoles
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(console) = consoles.get(name) {
            return Ok(console.clone());
        }
        let (profile, secret) = match name {
            SANDBOX => self
                .sandbox
                .clone()
                .ok_or_else(|| ConsoleError::NoProfile {
                    why: "the built-in Sandbox did not start; Settings → Sandbox says why"
                        .to_owned(),
                })?,
            ENVIRONMENT => {
                environment_profile(|name| std::env::var(name).ok()).ok_or_else(|| {
                    ConsoleError::NoProfile {
                        why: "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set".to_owned(),
                    }
                })?
            }
            saved => (self.store.find(saved)?, self.store.secret_of(saved)?),
        };
        let console = Console::new(profile, secret, self.history.clone())?;
        consoles.insert(name.to_owned(), console.clone());
        Ok(console)
    }

    /// Forgets the client of a profile that was edited or removed.
    pub fn forget(&self, name: &str) {
        self.consoles
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(name);
    }
}
