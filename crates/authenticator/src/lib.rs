//! Twofold's authenticator core: accounts, `otpauth` URIs, one-time codes,
//! QR codes, import/export formats and the encrypted vault.
//!
//! This crate knows nothing of Tauri or Twilio; the desktop shell and
//! `twofold-cli` are thin layers over it.
//!
//! ```
//! use twofold_authenticator::OtpAuth;
//!
//! let otp = OtpAuth::parse(
//!     "otpauth://totp/ACME%20Co:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co",
//! )?;
//! assert_eq!(otp.issuer(), Some("ACME Co"));
//! assert_eq!(otp.code_at(59), "287082");
//! assert_eq!(otp.seconds_left(59), Some(1));
//! # Ok::<(), twofold_authenticator::OtpAuthError>(())
//! ```
//!
//! - [`OtpAuth`] reads and writes Google's Key Uri Format and computes codes
//!   (TOTP and HOTP through totp-rs, Steam Guard's 5-character codes).
//! - [`Secret`] holds key bytes, zeroized on drop and never printed.
//! - [`Account`] adds identity, tags, note, order and times.
//! - [`Vault`] keeps accounts in one encrypted file (XChaCha20-Poly1305 under
//!   a random key wrapped for the OS keyring and/or a passphrase, Argon2id);
//!   its layout is in `docs/vault-format.md`.
//! - [`formats`] imports and exports other apps' files; [`qr`] encodes and
//!   decodes QR codes.
//!
//! Every error type's message says what is wrong and what to do; [`Error`]
//! gathers them for callers that only pass errors on.

mod account;
mod code;
pub mod formats;
mod otpauth;
pub mod qr;
mod record;
mod secret;
mod vault;

pub use account::{Account, AccountEdit, AccountId, AccountIdError, FactorLink, move_to, unix_now};
pub use otpauth::{Algorithm, MAX_LABEL_CHARS, OtpAuth, OtpAuthError, OtpKind};
pub use secret::{Secret, SecretError};
pub use vault::{
    Backup, KdfParams, LOCK_WAIT, Passphrase, Protection, RestorePreview, Unlock, Vault,
    VaultError, VaultInfo, list_backups,
};

/// Any error of this crate; each module's error converts into it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad `otpauth` URI or account parameter.
    #[error(transparent)]
    OtpAuth(#[from] OtpAuthError),
    /// A bad base32 secret.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// A bad account id.
    #[error(transparent)]
    AccountId(#[from] AccountIdError),
    /// An import or export failed.
    #[error(transparent)]
    Format(#[from] formats::FormatError),
    /// A QR code could not be made or read.
    #[error(transparent)]
    Qr(#[from] qr::QrError),
    /// The vault could not be created, unlocked or saved.
    #[error(transparent)]
    Vault(#[from] VaultError),
}
