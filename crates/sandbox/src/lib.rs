//! # twofold-sandbox
//!
//! A local, stateful emulator of the Twilio **Verify v2** and **Lookups v2** REST APIs,
//! faithful enough that the official SDKs (twilio-python, twilio-node) run their
//! flows against it unchanged but for the base URL.
//!
//! - Same paths, HTTP Basic auth (Account SID + Auth Token, or `SK…` API key + secret),
//!   form-encoded PascalCase requests, snake_case JSON with every field, Twilio's
//!   paging `meta` and error JSON (`{code, message, more_info, status}`).
//! - Twilio's rules: code length and 10-minute validity, the same code on resend,
//!   60203 on the sixth send, 60202 on the sixth check, 20404 once a verification is
//!   approved/canceled/expired/exhausted, PSD2, custom codes, landlines, SNA, TOTP
//!   factors and challenges checked with real TOTP, programmable rate limits, signed
//!   webhooks.
//! - What a real Verify would deliver lands in the **outbox**, read in-process with
//!   [`RunningSandbox::outbox`] or over `GET /sandbox/outbox`.
//! - An admin API (`/sandbox/…`) moves the clock (which can also stand still
//!   between moves: [`ClockMode::Frozen`]), injects faults (each with a
//!   probability and a seed, so a chaotic run can be repeated exactly), sets up
//!   test numbers (a fixed code or a fixed error for every send to them, also
//!   through [`RunningSandbox::add_test_number`]), takes and puts back snapshots
//!   of the whole state, and resets it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), twofold_sandbox::SandboxError> {
//! let sandbox = twofold_sandbox::serve(twofold_sandbox::SandboxConfig::default()).await?;
//! println!("Verify and Lookups at {}", sandbox.base_url());
//! for message in sandbox.outbox() {
//!     println!("{} → {}: {}", message.channel, message.to, message.body);
//! }
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! [`serve`] spawns onto the current tokio runtime; a non-async caller runs it with
//! its runtime's `block_on` (Tauri: `tauri::async_runtime::block_on`). See
//! `docs/sandbox.md` for the binary's flags, the admin API and the emulation's limits.

mod admin;
mod auth;
mod clock;
mod conduct;
mod connection;
mod error;
mod factors;
mod hash_index;
mod http;
mod journal;
mod lookup;
mod model;
mod outbox;
mod packed;
mod params;
mod phone;
mod resources;
mod seed;
mod sid;
mod store;
mod test_numbers;
mod verify;
mod webhook;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

pub use admin::NewFault;
pub use auth::Credentials;
pub use clock::{ClockMode, format_time};
pub use conduct::{ConductEntry, ConductExample, ConductReport};
pub use error::{ApiError, SandboxError};
pub use model::Fault;
pub use seed::{Seed, SeedError};
pub use store::{OutboxMark, Retention};
pub use test_numbers::{TestAnswer, TestNumber};
pub use webhook::signature as webhook_signature;

/// The Account SID the Sandbox accepts when none is configured (a fixed sandbox value).
pub const SANDBOX_ACCOUNT_SID: &str = "AC00000000000000000000000000000000"; // sandbox default
/// The Auth Token that goes with [`SANDBOX_ACCOUNT_SID`].
pub const SANDBOX_AUTH_TOKEN: &str = "sandbox-auth-token";
/// Where the `twofold-sandbox` binary listens by default.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 7722);

/// One message a real Verify would have delivered: the shape `GET /sandbox/outbox`
/// answers with and the app's outbox shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutboxMessage {
    /// The message's own id (`SM…`).
    pub sid: String,
    /// `sms`, `call`, `email`, `whatsapp`, `rcs` or `sna`.
    pub channel: String,
    /// The destination: E.164 number or email address.
    pub to: String,
    /// The locale the text is in.
    pub locale: String,
    /// The text as Twilio would word it, code included.
    pub body: String,
    /// The code alone; `None` for SNA, which has none.
    pub code: Option<String>,
    /// The Verify Service (`VA…`).
    pub service_sid: String,
    /// The Verification (`VE…`).
    pub verification_sid: String,
    /// When it was sent (Sandbox clock), `YYYY-MM-DDTHH:MM:SSZ`.
    pub date_created: String,
}

/// How to run a Sandbox. `Default` listens on 127.0.0.1 with an ephemeral port,
/// accepts the fixed sandbox credentials and keeps state in memory.
#[derive(Clone)]
pub struct SandboxConfig {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Who may call, and the token that signs webhooks.
    pub credentials: Credentials,
    /// Persist everything here (a snapshot plus `FILE.journal`, every answered
    /// change on disk first) so a session survives a restart or a crash.
    pub state_file: Option<PathBuf>,
    /// How many outbox messages and finished verifications are kept, and how long.
    pub retention: Retention,
    /// Services, test numbers and fault rules to start with, applied when the
    /// state is empty (see [`Seed`]).
    pub seed: Option<Seed>,
    /// Whether the Sandbox clock follows the machine's or stands still until
    /// advanced.
    pub clock: ClockMode,
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("listen", &self.listen)
            .field("credentials", &self.credentials)
            .field("state_file", &self.state_file)
            .field("retention", &self.retention)
            .field("clock", &self.clock)
            .finish()
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        let credentials = Credentials::new(SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN)
            .unwrap_or_else(|_| unreachable!("the built-in sandbox SID is well formed"));
        SandboxConfig {
            listen: SocketAddr::new(DEFAULT_LISTEN.ip(), 0),
            credentials,
            state_file: None,
            retention: Retention::default(),
            seed: None,
            clock: ClockMode::Running,
        }
    }
}

/// A Sandbox serving in the background of the current tokio runtime.
pub struct RunningSandbox {
    addr: SocketAddr,
    app: store::App,
    /// Held while it runs: one Sandbox per state file, or two would
    /// overwrite each other's state.
    _state_lock: Option<twofold_atomic_file::FileLock>,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for RunningSandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningSandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Binds `config.listen`, loads the state file if any, and serves until
/// [`RunningSandbox::shutdown`] (or the runtime ends).
pub async fn serve(config: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    let state_lock = config.state_file.as_deref().map(lock_state).transpose()?;
    let app = store::App::open(
        config.credentials,
        config.state_file.as_deref(),
        config.retention,
        config.clock,
    )?;
    if let Some(seed) = &config.seed {
        seed::apply(&app, seed).await?;
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| SandboxError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: config.listen,
        source,
    })?;
    let (stop, stopped) = oneshot::channel::<()>();
    let router = http::router(app.clone());
    let task = tokio::spawn(async move {
        let served = axum::serve(connection::Listener(listener), router)
            .with_graceful_shutdown(async {
                // A dropped sender means the handle is gone: stop as well.
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = served {
            eprintln!("twofold-sandbox: the server stopped: {e}");
        }
    });
    Ok(RunningSandbox {
        addr,
        app,
        _state_lock: state_lock,
        stop,
        task,
    })
}

fn lock_state(path: &std::path::Path) -> Result<twofold_atomic_file::FileLock, SandboxError> {
    use twofold_atomic_file::{FileLock, LockError};
    FileLock::try_acquire(path).map_err(|error| match error {
        LockError::Busy { .. } => SandboxError::StateInUse {
            path: path.to_owned(),
        },
        LockError::Io { source, .. } => SandboxError::StateLock {
            path: path.to_owned(),
            source,
        },
    })
}

impl RunningSandbox {
    /// The bound address (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`: the base URL for both the Verify and the Lookups domain.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The credentials clients must use.
    pub fn credentials(&self) -> &Credentials {
        self.app.credentials()
    }

    /// Every message sent so far, oldest first.
    pub fn outbox(&self) -> Vec<OutboxMessage> {
        self.app
            .read(|db, _| db.outbox.iter().map(|m| m.to_owned()).collect())
    }

    /// Changes whenever a message enters the outbox or it is cleared: the
    /// way to show it live without polling.
    pub fn watch_outbox(&self) -> tokio::sync::watch::Receiver<OutboxMark> {
        self.app.watch_outbox()
    }

    /// Empties the outbox, as `DELETE /sandbox/outbox` does.
    pub async fn clear_outbox(&self) {
        self.app.write(|db, _| db.outbox.clear()).await;
    }

    /// Moves the Sandbox clock forward (expiry, TOTP time), as `POST /sandbox/clock` does.
    pub async fn advance_clock(&self, seconds: u32) {
        self.app
            .write(|db, _| db.clock_offset += i64::from(seconds))
            .await;
    }

    /// Puts the Sandbox clock back to the real time, as `DELETE /sandbox/clock` does.
    pub async fn reset_clock(&self) {
        self.app.write(|db, _| db.clock_offset = 0).await;
    }

    /// The test numbers, oldest first, as `GET /sandbox/test-numbers` lists them.
    pub fn test_numbers(&self) -> Vec<TestNumber> {
        self.app.read(|db, _| db.test_numbers.clone())
    }

    /// Makes `to` (E.164 number or email address) a test number, as
    /// `POST /sandbox/test-numbers` does: every send to it then gets `answer`.
    /// Answers the number as stored (`to` in E.164), or the 60200 error saying
    /// what is wrong with `to` or `answer`.
    pub async fn add_test_number(
        &self,
        to: &str,
        answer: TestAnswer,
    ) -> Result<TestNumber, ApiError> {
        test_numbers::add(&self.app, to, answer).await
    }

    /// Makes `to` an ordinary destination again, as `DELETE /sandbox/test-numbers/{To}`
    /// does; false if it was not a test number.
    pub async fn remove_test_number(&self, to: &str) -> bool {
        test_numbers::remove(&self.app, to).await
    }

    /// The fault rules in the order they are tried, as `GET /sandbox/faults` lists them.
    pub fn faults(&self) -> Vec<Fault> {
        self.app.read(|db, _| db.faults.clone())
    }

    /// Adds a fault rule, tried after the others, as `POST /sandbox/faults` does:
    /// answers it (with the seed drawn if none was given), or the 60200 error
    /// saying what is wrong.
    pub async fn add_fault(&self, new: NewFault) -> Result<Fault, ApiError> {
        admin::add_fault_rule(&self.app, new).await
    }

    /// Removes every fault rule, as `DELETE /sandbox/faults` does.
    pub async fn clear_faults(&self) {
        self.app.write(|db, _| db.faults.clear()).await;
    }

    /// What clients did that real Twilio would punish or a careful client avoids,
    /// as `GET /sandbox/report` answers it: empty for a clean client.
    pub fn conduct_report(&self) -> ConductReport {
        self.app.read(|db, _| db.conduct.report())
    }

    /// Forgets the conduct seen so far, as `DELETE /sandbox/report` does.
    pub async fn clear_conduct_report(&self) {
        admin::clear_conduct(&self.app).await;
    }

    /// The whole state as JSON, the document `GET /sandbox/snapshot` answers
    /// (test factors' secrets included).
    pub fn snapshot(&self) -> String {
        self.app.read(|db, _| {
            serde_json::to_string(db)
                .unwrap_or_else(|_| unreachable!("the state has only string-keyed maps"))
        })
    }

    /// Replaces the whole state with a snapshot, as `PUT /sandbox/snapshot` does;
    /// if `json` is not one, answers the 60200 error saying why and changes nothing.
    pub async fn restore(&self, json: &str) -> Result<(), ApiError> {
        admin::restore(&self.app, json.as_bytes()).await
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for it.
    pub async fn shutdown(self) {
        // The server may already have stopped on its own; either way it is down after the join.
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn fault_rules_and_snapshots_work_in_process_as_over_http() {
        let sandbox = serve(SandboxConfig::default()).await.unwrap();
        let refused = sandbox
            .add_fault(NewFault {
                status: Some(503),
                probability: Some(1.5),
                ..NewFault::default()
            })
            .await
            .unwrap_err();
        assert!(refused.message.contains("Probability"), "{refused}");
        let needs_status = sandbox.add_fault(NewFault::default()).await.unwrap_err();
        assert!(needs_status.message.contains("Status"), "{needs_status}");
        assert!(sandbox.faults().is_empty());

        let rule = sandbox
            .add_fault(NewFault {
                method: Some("post".into()),
                status: Some(503),
                seed: Some(7),
                ..NewFault::default()
            })
            .await
            .unwrap();
        assert_eq!((rule.method.as_deref(), rule.seed), (Some("POST"), 7));
        assert_eq!(sandbox.faults(), vec![rule]);

        let saved = sandbox.snapshot();
        sandbox.clear_faults().await;
        assert!(sandbox.faults().is_empty());
        assert_eq!(sandbox.restore("[]").await.unwrap_err().code, 60200);
        assert!(
            sandbox.faults().is_empty(),
            "a bad snapshot changes nothing"
        );
        sandbox.restore(&saved).await.unwrap();
        assert_eq!(sandbox.faults().len(), 1);
        sandbox.shutdown().await;
    }
}
