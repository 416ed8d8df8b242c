//! The Sandbox: a stateful emulator of Twilio Verify v2 and Lookups v2.
