//! The console's errors, each saying what to do.

use std::path::PathBuf;

/// What went wrong in a console operation.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// Twilio (or the Sandbox) refused, or could not be reached.
    #[error(transparent)]
    Verify(#[from] twofold_verify::Error),
    /// A profile field that cannot be used.
    #[error("profile {field}: {rule}")]
    InvalidProfile {
        /// The field.
        field: &'static str,
        /// What it must look like.
        rule: String,
    },
    /// No profile can act, and why.
    #[error("no Twilio profile to act as: {why}")]
    NoProfile {
        /// What to do.
        why: String,
    },
    /// No saved profile by that name.
    #[error("there is no profile called “{name}”; `twofold-cli profiles` lists them")]
    NoSuchProfile {
        /// The name asked for.
        name: String,
    },
    /// The keyring holds no secret for a saved profile.
    #[error(
        "the OS keyring has no token for profile “{name}”; edit the profile and give its token again"
    )]
    SecretMissing {
        /// The profile.
        name: String,
    },
    /// The OS keyring failed.
    #[error(
        "the OS keyring is not available ({reason}); unlock it, or start a keyring service such as gnome-keyring"
    )]
    Keyring {
        /// What the platform said.
        reason: String,
    },
    /// `profiles.json` cannot be read or written.
    #[error("cannot use {}: {reason}; check the file and its folder", path.display())]
    ProfilesFile {
        /// The file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// An operation needs a Verify Service and none was named.
    #[error("no Verify Service: name one (VA…), or set the profile's default service")]
    NoService,
    /// A created factor came back without a TOTP binding.
    #[error(
        "Twilio returned no TOTP binding for the factor; create a TOTP factor (the binding comes only once)"
    )]
    NoBinding,
    /// The binding's URI is not one the authenticator reads.
    #[error("the factor's binding is not a TOTP URI Twofold can read: {reason}")]
    Binding {
        /// What the parser said.
        reason: String,
    },
    /// No vault account is linked to the factor.
    #[error(
        "no account in the vault is linked to factor {factor_sid}; add the factor to Twofold when you create it, or type the code"
    )]
    NoLinkedAccount {
        /// The factor (`YF…`).
        factor_sid: String,
    },
    /// The vault refused.
    #[error(transparent)]
    Vault(#[from] twofold_authenticator::VaultError),
    /// The history cannot be written or read.
    #[error("cannot use the history {}: {source}", path.display())]
    History {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}
