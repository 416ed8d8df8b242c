//! The commands the web view may call, one module per room.
//!
//! Commands that can take a noticeable time (key derivation, decoding
//! pictures, capturing the screen) are `async`, so Tauri runs them off the
//! main thread and the window keeps painting their progress.

pub mod accounts;
pub mod admin;
pub mod backups;
pub mod factors;
pub mod profiles;
pub mod sandbox;
pub mod transfer;
pub mod vault;
