//! # twofold-console
//!
//! What the desktop app and `twofold-cli` both do with Twilio Verify, written
//! once: Twilio **profiles** (settings in `profiles.json`, secrets in the OS
//! keyring, the built-in Sandbox and the `TWILIO_*` environment as ready-made
//! profiles), the Verify **operations** a support person runs (send, check,
//! fetch, approve, cancel, look up), each recorded in the local **history**
//! (`history.jsonl`, destinations masked, never a code or token), and the
//! **destination hints** that turn what was typed into E.164, and the TOTP
//! **factors** flow that joins Verify and the authenticator's vault (a
//! factor's binding read by the otpauth parser, kept as a linked account).
//!
//! The shell and the CLI parse their input, call one function here and turn
//! its [`ConsoleError`] into words or an exit code. Nothing here knows Tauri.

mod destination;
mod error;
pub mod factors;
pub mod history;
mod ops;
pub mod profiles;

pub use destination::{DestinationHint, destination_hint};
pub use error::ConsoleError;
pub use ops::Console;
