//! The Twofold desktop shell (Tauri 2).
mod error;

pub fn run() {}
