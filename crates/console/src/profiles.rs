//! Twilio profiles: which account to talk to, how, and where. Their plain
//! settings live in `profiles.json` under the XDG config dir; each one's Auth
//! Token or API key secret lives in the OS keyring only. Two profiles are
//! always offered without being saved: **Sandbox**, the app's built-in
//! emulator (the default when nothing else is configured), and
//! **Environment**, made from the `TWILIO_*` variables the official SDKs read.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use twofold_atomic_file::{self as atomic, FileLock};
use twofold_verify::{Client, Credentials, Endpoint};

use crate::ConsoleError;

/// The built-in Sandbox's profile name.
pub const SANDBOX: &str = "Sandbox";
/// The profile made from `TWILIO_*` environment variables.
pub const ENVIRONMENT: &str = "Environment";

const KEYRING_SERVICE: &str = "Twofold";

/// How a profile authenticates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum AuthKind {
    /// The account's Auth Token.
    AuthToken,
    /// An API key (`SK…`) and its secret.
    ApiKey {
        /// The key's SID.
        key_sid: String,
    },
}

/// Where a profile's requests go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Target {
    /// Twilio, optionally in a region and through an edge.
    Twilio {
        /// e.g. `ie1`, `au1`.
        region: Option<String>,
        /// e.g. `dublin`, `sydney`.
        edge: Option<String>,
    },
    /// One base URL for Verify and Lookups: a Sandbox, a proxy.
    BaseUrl {
        /// `http://127.0.0.1:7722`.
        url: String,
    },
}

/// A profile's settings (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Its name, unique.
    pub name: String,
    /// The account (`AC…`).
    pub account_sid: String,
    pub auth: AuthKind,
    pub target: Target,
    /// The Verify Service used when none is named (`VA…`).
    pub default_service: Option<String>,
}

impl Profile {
    /// Checks every field, saying what is wrong and how it should look.
    pub fn validate(&self) -> Result<(), ConsoleError> {
        let invalid = |field: &'static str, rule: &str| ConsoleError::InvalidProfile {
            field,
            rule: rule.to_owned(),
        };
        let name = self.name.trim();
        if name.is_empty() || name.len() > 64 {
            return Err(invalid("name", "give it a name of 1 to 64 characters"));
        }
        if !is_sid(&self.account_sid, "AC") {
            return Err(invalid(
                "Account SID",
                "it is AC followed by 32 hex digits, as the Twilio Console shows it",
            ));
        }
        if let AuthKind::ApiKey { key_sid } = &self.auth
            && !is_sid(key_sid, "SK")
        {
            return Err(invalid("API key SID", "it is SK followed by 32 hex digits"));
        }
        if let Some(service) = &self.default_service
            && !is_sid(service, "VA")
        {
            return Err(invalid(
                "default Verify Service",
                "it is VA followed by 32 hex digits",
            ));
        }
        match &self.target {
            Target::BaseUrl { url } => {
                Endpoint::base_url(url).map_err(|error| invalid("base URL", &error.to_string()))?;
            }
            Target::Twilio { region, edge } => {
                for (field, value) in [("region", region), ("edge", edge)] {
                    if let Some(value) = value
                        && !value
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                    {
                        return Err(invalid(
                            field,
                            "lower-case letters and digits, like ie1 or dublin",
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Where its requests go.
    pub fn endpoint(&self) -> Result<Endpoint, ConsoleError> {
        Ok(match &self.target {
            Target::BaseUrl { url } => Endpoint::base_url(url)?,
            Target::Twilio { region, edge } => Endpoint::Twilio {
                region: region.clone().filter(|r| !r.is_empty()),
                edge: edge.clone().filter(|e| !e.is_empty()),
            },
        })
    }

    /// A client acting with this profile and its secret.
    pub fn client(&self, secret: SecretString) -> Result<Client, ConsoleError> {
        let credentials = match &self.auth {
            AuthKind::AuthToken => Credentials::auth_token(&self.account_sid, secret),
            AuthKind::ApiKey { key_sid } => {
                Credentials::api_key(&self.account_sid, key_sid, secret)
            }
        };
        Ok(Client::new(credentials, self.endpoint()?)?)
    }
}

/// `PREFIX` + 32 hex digits.
pub fn is_sid(text: &str, prefix: &str) -> bool {
    text.len() == 34 && text.starts_with(prefix) && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The profile the standard `TWILIO_*` variables describe, with its secret:
/// `TWILIO_ACCOUNT_SID` with `TWILIO_AUTH_TOKEN`, or with `TWILIO_API_KEY`
/// and `TWILIO_API_SECRET`; `TWILIO_REGION`, `TWILIO_EDGE` and
/// `TWILIO_VERIFY_SERVICE_SID` as the SDKs and Twilio's samples use them.
pub fn environment_profile(
    var: impl Fn(&str) -> Option<String>,
) -> Option<(Profile, SecretString)> {
    let var = |name: &str| var(name).filter(|value| !value.trim().is_empty());
    let account_sid = var("TWILIO_ACCOUNT_SID")?;
    let (auth, secret) = match (var("TWILIO_API_KEY"), var("TWILIO_API_SECRET")) {
        (Some(key_sid), Some(secret)) => (AuthKind::ApiKey { key_sid }, secret),
        _ => (AuthKind::AuthToken, var("TWILIO_AUTH_TOKEN")?),
    };
    let profile = Profile {
        name: ENVIRONMENT.to_owned(),
        account_sid,
        auth,
        target: Target::Twilio {
            region: var("TWILIO_REGION"),
            edge: var("TWILIO_EDGE"),
        },
        default_service: var("TWILIO_VERIFY_SERVICE_SID"),
    };
    Some((profile, SecretString::from(secret)))
}

/// What `profiles.json` holds.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ProfilesFile {
    profiles: Vec<Profile>,
    /// The profile last picked in the app.
    #[serde(default)]
    active: Option<String>,
    /// The built-in Sandbox's account, made once per install.
    #[serde(default)]
    sandbox_account_sid: Option<String>,
}

/// The saved profiles and their secrets.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    file: PathBuf,
}

/// How long a writer waits for another process's save of the file.
const LOCK_WAIT: Duration = Duration::from_secs(5);

impl ProfileStore {
    /// The profiles kept in `file`.
    pub fn at(file: impl Into<PathBuf>) -> ProfileStore {
        ProfileStore { file: file.into() }
    }

    /// `$XDG_CONFIG_HOME/twofold/profiles.json` (the platform's config dir
    /// elsewhere); `None` without a home folder.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("app", "twofold", "twofold")
            .map(|dirs| dirs.config_dir().join("profiles.json"))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// The saved profiles, in the order they were added.
    pub fn saved(&self) -> Result<Vec<Profile>, ConsoleError> {
        Ok(self.read()?.profiles)
    }

    /// A saved profile by name.
    pub fn find(&self, name: &str) -> Result<Profile, ConsoleError> {
        self.saved()?
            .into_iter()
            .find(|profile| profile.name == name)
            .ok_or_else(|| ConsoleError::NoSuchProfile {
                name: name.to_owned(),
            })
    }

    /// The profile last picked in the app, if any.
    pub fn active(&self) -> Result<Option<String>, ConsoleError> {
        Ok(self.read()?.active)
    }

    /// Remembers the profile picked in the app.
    pub fn set_active(&self, name: &str) -> Result<(), ConsoleError> {
        self.change(|file| {
            file.active = Some(name.to_owned());
            Ok(())
        })
    }

    /// Adds a profile, or replaces the one called `replacing` (its old name
    /// when renamed). `secret` goes to the keyring; `None` keeps the one
    /// kept for `replacing` (a new profile needs one).
    pub fn save(
        &self,
        profile: Profile,
        replacing: Option<&str>,
        secret: Option<SecretString>,
    ) -> Result<(), ConsoleError> {
        profile.validate()?;
        if [SANDBOX, ENVIRONMENT].contains(&profile.name.trim()) {
            return Err(ConsoleError::InvalidProfile {
                field: "name",
                rule: format!("“{}” is built in; choose another name", profile.name.trim()),
            });
        }
        let secret = match (secret, replacing) {
            (Some(secret), _) => secret,
            (None, Some(old)) => self.secret_of(old)?,
            (None, None) => {
                return Err(ConsoleError::InvalidProfile {
                    field: "secret",
                    rule: "give the Auth Token or the API key secret".to_owned(),
                });
            }
        };
        self.change(|file| {
            let clash = file
                .profiles
                .iter()
                .any(|other| other.name == profile.name && Some(other.name.as_str()) != replacing);
            if clash {
                return Err(ConsoleError::InvalidProfile {
                    field: "name",
                    rule: format!("a profile called “{}” exists already", profile.name),
                });
            }
            store_secret(&profile_user(&profile.name), &secret)?;
            if let Some(old) = replacing.filter(|old| *old != profile.name) {
                delete_secret(&profile_user(old))?;
                if file.active.as_deref() == Some(old) {
                    file.active = Some(profile.name.clone());
                }
            }
            match file
                .profiles
                .iter_mut()
                .find(|other| Some(other.name.as_str()) == replacing)
            {
                Some(slot) => *slot = profile,
                None => file.profiles.push(profile),
            }
            Ok(())
        })
    }

    /// Removes a saved profile and its secret.
    pub fn remove(&self, name: &str) -> Result<(), ConsoleError> {
        self.change(|file| {
            let before = file.profiles.len();
            file.profiles.retain(|profile| profile.name != name);
            if file.profiles.len() == before {
                return Err(ConsoleError::NoSuchProfile {
                    name: name.to_owned(),
                });
            }
            if file.active.as_deref() == Some(name) {
                file.active = None;
            }
            delete_secret(&profile_user(name))
        })
    }

    /// A saved profile's secret, from the keyring.
    pub fn secret_of(&self, name: &str) -> Result<SecretString, ConsoleError> {
        load_secret(&profile_user(name))?.ok_or_else(|| ConsoleError::SecretMissing {
            name: name.to_owned(),
        })
    }

    /// The profile a command-line run acts as: `named` (a saved profile, or
    /// `Environment`), else the `TWILIO_*` variables, else the profile last
    /// picked in the app, else the only saved one. `base_url` (a Sandbox, a
    /// proxy) replaces where its requests go.
    pub fn pick(
        &self,
        named: Option<&str>,
        base_url: Option<&str>,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<(Profile, SecretString), ConsoleError> {
        let from_environment = || {
            environment_profile(&var).ok_or_else(|| ConsoleError::NoProfile {
                why: "the Environment profile needs TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET)".to_owned(),
            })
        };
        let (mut profile, secret) = match named {
            Some(ENVIRONMENT) => from_environment()?,
            Some(SANDBOX) => {
                return Err(ConsoleError::NoProfile {
                    why: "the built-in Sandbox lives inside the app; run `make sandbox` (or twofold-sandbox) and point at it with --base-url and its TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN".to_owned(),
                });
            }
            Some(name) => (self.find(name)?, self.secret_of(name)?),
            None => match environment_profile(&var) {
                Some(found) => found,
                None => {
                    let saved = self.saved()?;
                    let active = self.active()?;
                    let chosen = active
                        .and_then(|name| saved.iter().find(|p| p.name == name).cloned())
                        .or_else(|| (saved.len() == 1).then(|| saved[0].clone()))
                        .ok_or_else(|| ConsoleError::NoProfile {
                            why: "set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, add a profile in the app's Settings, or name one with --profile".to_owned(),
                        })?;
                    let secret = self.secret_of(&chosen.name)?;
                    (chosen, secret)
                }
            },
        };
        if let Some(url) = base_url.filter(|url| !url.trim().is_empty()) {
            profile.target = Target::BaseUrl {
                url: url.trim().to_owned(),
            };
        }
        profile.validate()?;
        Ok((profile, secret))
    }

    /// The built-in Sandbox's credentials, made at random on first use and
    /// kept like a profile's (the SID here, the token in the keyring), so no
    /// other local program can guess them. Without a keyring the token
    /// lasts until the app quits.
    pub fn sandbox_credentials(&self) -> Result<(String, SecretString), ConsoleError> {
        let account_sid = self.change(|file| {
            Ok(file
                .sandbox_account_sid
                .get_or_insert_with(|| random_hex("AC"))
                .clone())
        })?;
        let user = "sandbox auth token";
        let token = match load_secret(user) {
            Ok(Some(token)) => token,
            Ok(None) => {
                let token = SecretString::from(random_hex(""));
                // Kept for the next start; a keyring that refuses leaves a
                // token for this run only.
                let _ = store_secret(user, &token);
                token
            }
            // No keyring: a token for this run only.
            Err(_) => SecretString::from(random_hex("")),
        };
        Ok((account_sid, token))
    }

    fn read(&self) -> Result<ProfilesFile, ConsoleError> {
        match fs::read(&self.file) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|error| ConsoleError::ProfilesFile {
                    path: self.file.clone(),
                    reason: error.to_string(),
                })
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(ProfilesFile::default()),
            Err(error) => Err(ConsoleError::ProfilesFile {
                path: self.file.clone(),
                reason: error.to_string(),
            }),
        }
    }

    /// Read-modify-write under the file's lock, as the app and the CLI may
    /// both change it. A change that leaves the file as it was writes
    /// nothing (the app asks for the Sandbox's credentials at every start).
    fn change<T>(
        &self,
        change: impl FnOnce(&mut ProfilesFile) -> Result<T, ConsoleError>,
    ) -> Result<T, ConsoleError> {
        let file_error = |reason: String| ConsoleError::ProfilesFile {
            path: self.file.clone(),
            reason,
        };
        let _lock =
            FileLock::acquire(&self.file, LOCK_WAIT).map_err(|e| file_error(e.to_string()))?;
        let before = self.read()?;
        let mut file = before.clone();
        let outcome = change(&mut file)?;
        if file != before {
            let bytes = serde_json::to_vec_pretty(&file).map_err(|e| file_error(e.to_string()))?;
            atomic::overwrite(&self.file, &bytes).map_err(|e| file_error(e.to_string()))?;
        }
        Ok(outcome)
    }
}

fn profile_user(name: &str) -> String {
    format!("twilio profile {name}")
}

fn random_hex(prefix: &str) -> String {
    format!("{prefix}{:032x}", rand::random::<u128>())
}

fn keyring_error(error: keyring::Error) -> ConsoleError {
    ConsoleError::Keyring {
        // BadEncoding carries the stored bytes: never format it.
        reason: match error {
            keyring::Error::BadEncoding(_) => "the entry is not text".to_owned(),
            other => other.to_string(),
        },
    }
}

fn store_secret(user: &str, secret: &SecretString) -> Result<(), ConsoleError> {
    use secrecy::ExposeSecret;
    keyring::Entry::new(KEYRING_SERVICE, user)
        .and_then(|entry| entry.set_password(secret.expose_secret()))
        .map_err(keyring_error)
}

fn load_secret(user: &str) -> Result<Option<SecretString>, ConsoleError> {
    match keyring::Entry::new(KEYRING_SERVICE, user).and_then(|entry| entry.get_password()) {
        Ok(secret) => Ok(Some(SecretString::from(secret))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(error) => Err(keyring_error(error)),
    }
}

fn delete_secret(user: &str) -> Result<(), ConsoleError> {
    match keyring::Entry::new(KEYRING_SERVICE, user).and_then(|entry| entry.delete_credential()) {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(error) => Err(keyring_error(error)),
    }
}
