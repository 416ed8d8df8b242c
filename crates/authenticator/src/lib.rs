//! Twofold's authenticator core: accounts, `otpauth` URIs, one-time codes,
//! QR codes, import/export formats and the encrypted vault.
//!
//! This crate knows nothing of Tauri or Twilio; the desktop shell and
//! `twofold-cli` are thin layers over it.
