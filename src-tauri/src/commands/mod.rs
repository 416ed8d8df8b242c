//! The commands the web view may call, one module per room.

pub mod accounts;
pub mod transfer;
pub mod vault;
