//! The Sandbox's whole state behind one lock, and its optional persistence.
//!
//! One `std::sync::Mutex` guards everything: each request holds it for microseconds
//! and never across an `.await`, which keeps the attempt limits exact under heavy
//! concurrency. With a state file, every write is followed by a group commit: one
//! background task writes the latest snapshot atomically (temp file, fsync, rename)
//! and each writer waits until a snapshot containing its change is on disk, so an
//! answered request survives a SIGKILL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, watch};

use crate::auth::Credentials;
use crate::clock;
use crate::error::SandboxError;
use crate::model::*;

/// Everything the Sandbox knows; serialised as the state file.
#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct State {
    pub clock_offset: i64,
    pub next_seq: u64,
    pub services: Table<Service>,
    pub verifications: Table<Box<Verification>>,
    /// `service_sid\nto` → the pending verification's SID.
    pub pending: Table<String>,
    pub attempts: Table<Box<Attempt>>,
    /// `service_sid\nidentity` → entity.
    pub entities: Table<Entity>,
    pub factors: Table<Factor>,
    pub challenges: Table<Challenge>,
    pub rate_limits: Table<RateLimit>,
    pub buckets: Table<Bucket>,
    /// `bucket_sid\nvalue` → times of sends counted against the bucket.
    pub rate_hits: Table<Vec<i64>>,
    /// `service_sid\ncountry` → configuration.
    pub messaging_configurations: Table<MessagingConfiguration>,
    pub webhooks: Table<Webhook>,
    /// phone number → entry.
    pub safe_list: Table<SafeListEntry>,
    pub outbox: Vec<crate::OutboxMessage>,
    pub faults: Vec<Fault>,
    /// Destinations whose sends always get a fixed code or error, oldest first.
    pub test_numbers: Vec<crate::TestNumber>,
    /// Webhook deliveries produced by the last write, sent once the lock is released.
    #[serde(skip)]
    pub events: Vec<WebhookDelivery>,
    /// Bumped by every write; the persister writes snapshots tagged with it.
    #[serde(skip)]
    pub generation: u64,
}

impl State {
    /// A sequence number that orders records by creation.
    pub fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Forgets everything but the clock, as `POST /sandbox/reset` asks.
    pub fn reset(&mut self) {
        self.replace(State {
            clock_offset: self.clock_offset,
            ..State::default()
        });
    }

    /// Becomes `other` (a reset, a snapshot put back). The generation carries on
    /// counting up: the persister saves by it, and waiters wait for it to pass theirs.
    pub fn replace(&mut self, other: State) {
        let generation = self.generation;
        *self = State {
            generation,
            ..other
        };
    }
}

/// The Sandbox's records by SID or composite key. foldhash rather than SipHash: a
/// table of a hundred thousand verifications rehashes while every request waits
/// on the lock, and a local emulator needs no defence against hash flooding.
pub(crate) type Table<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// Pairs a `Table` key from two parts.
pub(crate) fn key(a: &str, b: &str) -> String {
    format!("{a}\n{b}")
}

/// What tells one outbox from the next: its length and newest message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMark {
    len: usize,
    newest: Option<String>,
}

/// The shared handle every request handler gets.
#[derive(Clone)]
pub(crate) struct App {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    /// Whether any fault rule is set, kept outside the lock: every request asks.
    faults_set: AtomicBool,
    credentials: Credentials,
    outbox_changed: Notify,
    /// The outbox's length and newest message, for watchers outside the
    /// Sandbox (the app's live outbox panel).
    outbox_mark: watch::Sender<OutboxMark>,
    persister: Option<Persister>,
    webhooks: reqwest::Client,
}

struct Persister {
    dirty: Arc<Notify>,
    written: watch::Receiver<u64>,
}

impl App {
    /// Loads the state file when there is one and starts its writer task.
    pub fn open(credentials: Credentials, state_file: Option<&Path>) -> Result<App, SandboxError> {
        let state = match state_file {
            Some(path) => load(path)?,
            None => State::default(),
        };
        let faults_set = AtomicBool::new(!state.faults.is_empty());
        let outbox_mark = OutboxMark {
            len: state.outbox.len(),
            newest: state.outbox.last().map(|message| message.sid.clone()),
        };
        let app_state = Mutex::new(state);
        let webhooks = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        let (persister, writer) = match state_file {
            Some(path) => {
                let dirty = Arc::new(Notify::new());
                let (tx, rx) = watch::channel(0);
                (
                    Some(Persister {
                        dirty: dirty.clone(),
                        written: rx,
                    }),
                    Some((path.to_owned(), dirty, tx)),
                )
            }
            None => (None, None),
        };
        let app = App {
            inner: Arc::new(Inner {
                state: app_state,
                faults_set,
                credentials,
                outbox_changed: Notify::new(),
                outbox_mark: watch::channel(outbox_mark).0,
                persister,
                webhooks,
            }),
        };
        if let Some((path, dirty, tx)) = writer {
            tokio::spawn(write_loop(app.clone(), path, dirty, tx));
        }
        Ok(app)
    }

    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether a fault rule may apply; false means no request needs to look.
    pub fn faults_set(&self) -> bool {
        self.inner.faults_set.load(Ordering::Acquire)
    }

    /// Reads the state at the Sandbox's current time.
    pub fn read<T>(&self, f: impl FnOnce(&State, i64) -> T) -> T {
        let state = self.lock();
        let now = clock::system_now() + state.clock_offset;
        f(&state, now)
    }

    /// Changes the state at the Sandbox's current time, then delivers the webhooks it
    /// produced, wakes outbox waiters and (with a state file) waits until it is saved.
    pub async fn write<T>(&self, f: impl FnOnce(&mut State, i64) -> T) -> T {
        let (out, generation, events) = {
            let mut state = self.lock();
            let now = clock::system_now() + state.clock_offset;
            let out = f(&mut state, now);
            state.generation += 1;
            self.inner
                .faults_set
                .store(!state.faults.is_empty(), Ordering::Release);
            let (len, newest) = (
                state.outbox.len(),
                state.outbox.last().map(|m| m.sid.as_str()),
            );
            self.inner.outbox_mark.send_if_modified(|mark| {
                let changed = mark.len != len || mark.newest.as_deref() != newest;
                if changed {
                    *mark = OutboxMark {
                        len,
                        newest: newest.map(str::to_owned),
                    };
                }
                changed
            });
            (out, state.generation, std::mem::take(&mut state.events))
        };
        for event in events {
            tokio::spawn(crate::webhook::deliver(
                self.inner.webhooks.clone(),
                self.inner.credentials.auth_token().to_owned(),
                event,
            ));
        }
        self.inner.outbox_changed.notify_waiters();
        if let Some(persister) = &self.inner.persister {
            persister.dirty.notify_one();
            let mut written = persister.written.clone();
            // An error means the writer task is gone (runtime shutting down): nothing to wait for.
            let _ = written.wait_for(|&saved| saved >= generation).await;
        }
        out
    }

    /// Wakes whenever a message enters the outbox or leaves it.
    pub fn watch_outbox(&self) -> watch::Receiver<OutboxMark> {
        self.inner.outbox_mark.subscribe()
    }

    /// Waits up to `wait` for `f` to find something in the state (the outbox `Wait`).
    pub async fn wait_for<T>(
        &self,
        wait: Duration,
        f: impl Fn(&State, i64) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let changed = self.inner.outbox_changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if let Some(found) = self.read(&f) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return None;
            }
        }
    }
}

fn load(path: &Path) -> Result<State, SandboxError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| SandboxError::StateParse {
            path: path.to_owned(),
            source,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
        Err(source) => Err(SandboxError::StateRead {
            path: path.to_owned(),
            source,
        }),
    }
}

async fn write_loop(app: App, path: PathBuf, dirty: Arc<Notify>, written: watch::Sender<u64>) {
    loop {
        dirty.notified().await;
        let (generation, bytes) = {
            let state = app.lock();
            (state.generation, serde_json::to_vec(&*state))
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                eprintln!("twofold-sandbox: cannot serialise the state: {e}");
                continue;
            }
        };
        let target = path.clone();
        match tokio::task::spawn_blocking(move || twofold_atomic_file::overwrite(&target, &bytes))
            .await
        {
            Ok(Ok(())) => {}
            Ok(Err(source)) => eprintln!(
                "twofold-sandbox: {}",
                SandboxError::StateWrite {
                    path: path.clone(),
                    source
                }
            ),
            Err(e) => eprintln!("twofold-sandbox: the state writer failed: {e}"),
        }
        // Waiters are released even after a failed write so requests never hang; the
        // error above tells the operator the file is behind.
        written.send_replace(generation);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn state_files_from_before_probabilities_and_test_numbers_still_load() {
        let old = r#"{"clock_offset":60,"faults":[{"sid":"FR1","method":null,
            "path_prefix":"/v2/Services","to_prefix":null,"status":503,"code":null,
            "message":null,"latency_ms":0,"remaining":2}]}"#;
        let state: State = serde_json::from_str(old).unwrap();
        assert_eq!(state.clock_offset, 60);
        let fault = &state.faults[0];
        assert_eq!((fault.probability, fault.remaining), (1.0, Some(2)));
        assert!(state.test_numbers.is_empty());
    }

    #[test]
    fn reset_keeps_the_clock_only() {
        let mut state: State = serde_json::from_str(
            r#"{"clock_offset":600,"test_numbers":[{"to":"+14155550101","code":"1234"}]}"#,
        )
        .unwrap();
        state.generation = 7;
        state.reset();
        assert_eq!((state.clock_offset, state.generation), (600, 7));
        assert!(state.test_numbers.is_empty());
    }
}
