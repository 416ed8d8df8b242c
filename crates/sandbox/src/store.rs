//! The Sandbox's whole state behind one lock, its retention, and its optional
//! persistence.
//!
//! One `std::sync::Mutex` guards everything: each request holds it for microseconds
//! and never across an `.await`, which keeps the attempt limits exact under heavy
//! concurrency. With a state file, the tables note which keys a write touched; at the
//! end of the write (still under the lock) those records, whole, become one journal
//! line, and the writer thread appends every line made since its last turn with one
//! fsync (a group commit) before the requests that made them are answered, so an
//! answered change survives a SIGKILL and a request's cost does not grow with the
//! state. `journal.rs` has the file format and why.
//!
//! Retention keeps memory bounded: after every write the oldest outbox messages and
//! finished verifications beyond the [`Retention`] limits are dropped (each write
//! drops what its own sends pushed out, so the work per request stays constant).

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::ops::Deref;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, TryLockError, Weak};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use tokio::sync::{Notify, watch};

use crate::auth::Credentials;
use crate::clock::{BaseClock, ClockMode};
use crate::error::SandboxError;
use crate::hash_index::{HashIndex, Hashed};
use crate::journal::Journal;
use crate::model::*;
use crate::outbox::Outbox;
use crate::sid::Sid;

/// How much of the past the Sandbox keeps in memory (and in its state file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// The most outbox messages kept; the oldest go first.
    pub outbox_messages: usize,
    /// Outbox messages older than this (Sandbox clock) are dropped.
    pub outbox_max_age_secs: u64,
    /// The most verifications kept, whatever their status: past it the oldest go
    /// (with 100,000 that is only ever a pending one under load-test rates, as a
    /// verification is pending for 10 minutes at most).
    pub verifications: usize,
    /// Finished verifications created longer ago than this (Sandbox clock) are
    /// dropped, with their Verification Attempts.
    pub verification_max_age_secs: u64,
}

impl Default for Retention {
    /// 100,000 messages and verifications, 24 hours.
    fn default() -> Self {
        Retention {
            outbox_messages: 100_000,
            outbox_max_age_secs: 86_400,
            verifications: 100_000,
            verification_max_age_secs: 86_400,
        }
    }
}

/// Everything the Sandbox knows; serialised as the state file.
#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct State {
    pub clock_offset: i64,
    pub next_seq: u64,
    pub services: Table<Service>,
    pub verifications: Table<Box<Verification>, Sid>,
    /// `(service_sid, to)` → the pending verification's SID (read through
    /// [`State::pending_for`]). Not in the state file: built from the verifications
    /// on load.
    #[serde(skip)]
    pending: HashIndex<Sid>,
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
    pub outbox: Outbox,
    /// State files from before each send kept its own attempt's details had a
    /// table of Verification Attempts: read only to fill those details in on load.
    #[serde(rename = "attempts", skip_serializing)]
    legacy_attempts: Map<LegacyAttempt>,
    pub faults: Vec<Fault>,
    /// Destinations whose sends always get a fixed code or error, oldest first.
    pub test_numbers: Vec<crate::TestNumber>,
    /// What clients did that a careful client avoids (`GET /sandbox/report`):
    /// diagnostics, not kept in the state file; a reset clears it.
    #[serde(skip)]
    pub conduct: crate::conduct::Conduct,
    /// Webhook deliveries produced by the last write, sent once the lock is released.
    #[serde(skip)]
    pub events: Vec<WebhookDelivery>,
    /// Bumped by every write that has something to save; the writer reports the
    /// generation it has saved.
    #[serde(skip)]
    pub generation: u64,
    #[serde(skip)]
    retention: Retention,
    /// Verification SIDs oldest first, for retention.
    #[serde(skip)]
    verification_order: VecDeque<Kept>,
    /// With a state file: what the journal has, and the lines not yet on disk.
    #[serde(skip)]
    journal: Option<Tracking>,
    /// How often the state was replaced: a new outbox may have the old one's length.
    #[serde(skip)]
    replacements: u64,
    /// Records the retention dropped, freed once the lock is released: freeing a
    /// long-untouched record is a cache miss per field.
    #[serde(skip)]
    dropped: Dropped,
}

/// What [`State::prune`] dropped, to be freed outside the lock. The records stay in
/// the boxes their tables kept them in: unboxing would copy them under the lock.
#[allow(clippy::vec_box)]
#[derive(Default)]
pub(crate) struct Dropped {
    verifications: Vec<Box<Verification>>,
    messages: Vec<crate::outbox::Packed>,
}

impl Dropped {
    fn is_empty(&self) -> bool {
        self.verifications.is_empty() && self.messages.is_empty()
    }
}

/// A verification as the retention order keeps it, with what dropping it needs.
struct Kept {
    sid: Sid,
    destination: Hashed,
}

/// Notes `v` in the pending index if it is pending; answers its place in the
/// retention order.
fn index(pending: &mut HashIndex<Sid>, v: &Verification) -> Kept {
    let destination = pending.key((v.service_sid.as_str(), v.to.as_str()));
    if v.status == twofold_twilio::VerificationStatus::Pending {
        pending.push(destination, v.sid);
    }
    Kept {
        sid: v.sid,
        destination,
    }
}

/// What an older state file's Verification Attempt kept that its send now keeps.
#[derive(Deserialize)]
struct LegacyAttempt {
    seq: u64,
    verification_sid: String,
    code_length: u8,
    locale: String,
}

/// What the journal last recorded of the parts that are not tables, and the
/// lines made since the writer's last turn.
#[derive(Default)]
struct Tracking {
    lines: Vec<u8>,
    /// The whole state is to be written as a new snapshot (a reset, a snapshot put back).
    compact: bool,
    clock_offset: i64,
    next_seq: u64,
    outbox_start: u64,
    outbox_end: u64,
    faults: Vec<u8>,
    test_numbers: Vec<u8>,
}

/// The outbox part of a journal line: how many of the oldest messages left, then
/// the messages that arrived.
#[derive(Serialize, Deserialize)]
struct OutboxChange<M> {
    drop: u64,
    add: Vec<M>,
}

impl State {
    /// Whether nothing was ever made here (the clock may have moved): a seed
    /// file applies only then.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
            && self.verifications.is_empty()
            && self.entities.is_empty()
            && self.rate_limits.is_empty()
            && self.webhooks.is_empty()
            && self.safe_list.is_empty()
            && self.outbox.len() == 0
            && self.faults.is_empty()
            && self.test_numbers.is_empty()
    }

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
    /// counting up and the retention stays; with a state file the next save is
    /// a whole new snapshot.
    pub fn replace(&mut self, other: State) {
        let generation = self.generation;
        let retention = self.retention;
        let replacements = self.replacements + 1;
        let journaled = self.journal.is_some();
        *self = State {
            generation,
            retention,
            replacements,
            ..other
        };
        self.after_load();
        if journaled {
            self.start_journal();
            if let Some(tracking) = &mut self.journal {
                tracking.compact = true;
            }
        }
    }

    fn outbox_mark(&self) -> OutboxMark {
        OutboxMark {
            len: self.outbox.len(),
            end: self.outbox.end(),
            replacements: self.replacements,
        }
    }

    /// The SID of the pending verification for `to` on a service: the newest, if an
    /// older one expired without being looked at since. Its expiry is the caller's
    /// to check.
    pub fn pending_for(&self, service_sid: &str, to: &str) -> Option<Sid> {
        (self
            .pending
            .candidates(self.pending.key((service_sid, to)))
            .rev())
        .copied()
        .find(|sid| {
            (self.verifications.get(sid.as_str()))
                .is_some_and(|v| v.service_sid == service_sid && v.to == to)
        })
    }

    /// Forgets that verification `sid` is pending.
    pub fn forget_pending(&mut self, sid: &str) {
        if let Some(v) = self.verifications.get(sid) {
            let destination = self.pending.key((v.service_sid.as_str(), v.to.as_str()));
            self.pending
                .remove(destination, |pending| *pending == v.sid);
        }
    }

    /// Adds a new verification, pending for `(service, to)`.
    pub fn add_verification(&mut self, v: Verification) {
        let kept = index(&mut self.pending, &v);
        self.verification_order.push_back(kept);
        self.verifications.insert(v.sid, Box::new(v));
    }

    /// Makes room for what the retention keeps (up to 100,000 of each) at once:
    /// a table growing to it would rehash, and a deque reallocate, under the lock
    /// while every request waits. Untouched room costs address space, not memory.
    fn reserve_for_retention(&mut self) {
        let verifications = self.retention.verifications.min(100_000);
        self.verifications.reserve(verifications);
        self.pending.reserve(verifications);
        self.verification_order
            .reserve(verifications.saturating_sub(self.verification_order.len()));
        self.outbox
            .reserve(self.retention.outbox_messages.min(100_000));
    }

    /// Builds what the state file does not hold, and brings an older file's
    /// records up to date.
    fn after_load(&mut self) {
        self.fold_legacy_attempts();
        self.index_verifications();
    }

    /// Gives each send the details its attempt kept in an older state file.
    fn fold_legacy_attempts(&mut self) {
        for (sid, attempt) in std::mem::take(&mut self.legacy_attempts) {
            let send = (self
                .verifications
                .map
                .get_mut(attempt.verification_sid.as_str()))
            .and_then(|v| {
                (v.send_attempts.iter_mut())
                    .find(|s| s.attempt_sid.is_some_and(|a| a == sid.as_str()))
            });
            if let Some(send) = send {
                send.seq = attempt.seq;
                send.code_length = attempt.code_length;
                send.locale = attempt.locale.into();
            }
        }
    }

    fn index_verifications(&mut self) {
        let mut all: Vec<&Verification> = self.verifications.values().map(|v| &**v).collect();
        all.sort_unstable_by_key(|v| v.seq);
        // Oldest first, as they were made: of two pending for one destination (the
        // older expired but not looked at since), the newer is the one found.
        let pending = &mut self.pending;
        *pending = HashIndex::default();
        self.verification_order = all.into_iter().map(|v| index(pending, v)).collect();
    }

    /// Drops what the retention no longer keeps.
    fn prune(&mut self, now: i64) {
        let keep = self.retention;
        let age = |secs: u64| now.saturating_sub(i64::try_from(secs).unwrap_or(i64::MAX));
        self.outbox.prune(
            keep.outbox_messages,
            age(keep.outbox_max_age_secs),
            &mut self.dropped.messages,
        );
        let oldest = age(keep.verification_max_age_secs);
        while let Some(Kept { sid, .. }) = self.verification_order.front() {
            let Some(v) = self.verifications.get(sid) else {
                // Only the retention removes verifications, and the order is
                // rebuilt whenever the state is replaced; an order that outlived
                // its record holds nothing to drop.
                self.verification_order.pop_front();
                continue;
            };
            // Past the count, the status is not read: under load that is every
            // drop, and a long-untouched status is a cache miss.
            let too_many = self.verification_order.len() > keep.verifications;
            let over = || {
                v.status != twofold_twilio::VerificationStatus::Pending
                    || now >= v.created + crate::verify::VALIDITY_SECS
            };
            if !(too_many || v.created < oldest && over()) {
                break;
            }
            let Some(kept) = self.verification_order.pop_front() else {
                break;
            };
            // From what the order kept: the record's own texts are cold by now.
            (self.pending).remove(kept.destination, |sid| *sid == kept.sid);
            let Some(v) = self.verifications.remove(&kept.sid) else {
                continue;
            };
            self.dropped.verifications.push(v);
        }
    }

    /// Every table with its name in the state file.
    fn tables(&mut self) -> [(&'static str, &mut dyn Journaled); 11] {
        [
            ("services", &mut self.services),
            ("verifications", &mut self.verifications),
            ("entities", &mut self.entities),
            ("factors", &mut self.factors),
            ("challenges", &mut self.challenges),
            ("rate_limits", &mut self.rate_limits),
            ("buckets", &mut self.buckets),
            ("rate_hits", &mut self.rate_hits),
            (
                "messaging_configurations",
                &mut self.messaging_configurations,
            ),
            ("webhooks", &mut self.webhooks),
            ("safe_list", &mut self.safe_list),
        ]
    }

    /// From now on every write makes a journal line of what it changed, relative
    /// to the state as it is now.
    pub(crate) fn start_journal(&mut self) {
        for (_, table) in self.tables() {
            table.track(true);
        }
        self.journal = Some(Tracking {
            lines: Vec::new(),
            compact: false,
            clock_offset: self.clock_offset,
            next_seq: self.next_seq,
            outbox_start: self.outbox.start(),
            outbox_end: self.outbox.end(),
            faults: serde_json::to_vec(&self.faults).unwrap_or_default(),
            test_numbers: serde_json::to_vec(&self.test_numbers).unwrap_or_default(),
        });
    }

    /// Ends a write: with a state file, turns what it changed into a journal line.
    /// Answers whether there is something to save.
    pub(crate) fn end_write(&mut self) -> bool {
        let Some(mut tracking) = self.journal.take() else {
            return false;
        };
        let to_save = if tracking.compact {
            // The snapshot will hold everything; the changes noted are in it.
            let lines = std::mem::take(&mut tracking.lines);
            self.start_journal();
            if let Some(fresh) = &mut self.journal {
                fresh.compact = true;
                fresh.lines = lines;
            }
            true
        } else {
            let made = self.journal_line(&mut tracking);
            self.journal = Some(tracking);
            made
        };
        if to_save {
            self.generation += 1;
        }
        to_save
    }

    /// Appends to `tracking.lines` the line for what changed since the last one.
    fn journal_line(&mut self, tracking: &mut Tracking) -> bool {
        let mut line = Vec::with_capacity(1024);
        let mut changed =
            self.clock_offset != tracking.clock_offset || self.next_seq != tracking.next_seq;
        line.extend_from_slice(
            format!(
                r#"{{"clock_offset":{},"next_seq":{}"#,
                self.clock_offset, self.next_seq
            )
            .as_bytes(),
        );
        for (name, table) in self.tables() {
            if table.has_changes() {
                line.extend_from_slice(format!(r#","{name}":"#).as_bytes());
                table.write_changes(&mut line);
                changed = true;
            }
        }
        let (start, end) = (self.outbox.start(), self.outbox.end());
        if (start, end) != (tracking.outbox_start, tracking.outbox_end) {
            let change = OutboxChange {
                drop: start.saturating_sub(tracking.outbox_start),
                add: self.outbox.since(tracking.outbox_end).collect(),
            };
            line.extend_from_slice(br#","outbox":"#);
            write_json(&mut line, &change);
            changed = true;
        }
        for (name, now, before) in [
            (
                "faults",
                serde_json::to_vec(&self.faults),
                &mut tracking.faults,
            ),
            (
                "test_numbers",
                serde_json::to_vec(&self.test_numbers),
                &mut tracking.test_numbers,
            ),
        ] {
            let now = now.unwrap_or_default();
            if now != *before {
                line.extend_from_slice(format!(r#","{name}":"#).as_bytes());
                line.extend_from_slice(&now);
                *before = now;
                changed = true;
            }
        }
        if changed {
            line.extend_from_slice(b"}\n");
            tracking.lines.extend_from_slice(&line);
            tracking.clock_offset = self.clock_offset;
            tracking.next_seq = self.next_seq;
            tracking.outbox_start = start;
            tracking.outbox_end = end;
        }
        changed
    }

    /// The journal lines made since the last call.
    pub(crate) fn take_journal_lines(&mut self) -> Vec<u8> {
        self.journal
            .as_mut()
            .map(|t| std::mem::take(&mut t.lines))
            .unwrap_or_default()
    }

    /// Applies one journal line, as loading replays them.
    pub(crate) fn apply_journal_line(
        &mut self,
        line: serde_json::Map<String, Value>,
    ) -> serde_json::Result<()> {
        for (name, value) in line {
            match name.as_str() {
                "clock_offset" => self.clock_offset = serde_json::from_value(value)?,
                "next_seq" => self.next_seq = serde_json::from_value(value)?,
                "faults" => self.faults = serde_json::from_value(value)?,
                "test_numbers" => self.test_numbers = serde_json::from_value(value)?,
                "attempts" => apply_changes(&mut self.legacy_attempts, value)?,
                "replace" => self.replace(serde_json::from_value(value)?),
                "outbox" => {
                    let change: OutboxChange<crate::OutboxMessage> = serde_json::from_value(value)?;
                    self.outbox.drop_oldest(change.drop);
                    self.outbox.extend(change.add);
                }
                other => {
                    if let Some((_, table)) = self.tables().into_iter().find(|(n, _)| *n == other) {
                        table.apply(value)?;
                    }
                }
            }
        }
        Ok(())
    }
}

fn write_json(out: &mut Vec<u8>, value: &impl Serialize) {
    // Only a map with non-string keys fails, and the state has none.
    let _ = serde_json::to_writer(out, value);
}

/// A map keyed by SID or composite key. foldhash rather than SipHash: a table of a
/// hundred thousand verifications rehashes while every request waits on the lock,
/// and a local emulator needs no defence against hash flooding.
pub(crate) type Map<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// The Sandbox's records by SID or composite key. Reads go straight to the map;
/// every change goes through a method here that, with a state file, notes the key,
/// so the journal line of a write holds exactly the records it touched.
pub(crate) struct Table<V, K = String> {
    map: HashMap<K, V, foldhash::fast::RandomState>,
    /// Keys changed since the last journal line; `None` without a state file.
    changed: Option<Vec<String>>,
}

impl<V, K> Default for Table<V, K> {
    fn default() -> Self {
        Table {
            map: HashMap::default(),
            changed: None,
        }
    }
}

impl<V, K> Deref for Table<V, K> {
    type Target = HashMap<K, V, foldhash::fast::RandomState>;
    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<V, K: Hash + Eq + Borrow<str>> Table<V, K> {
    /// Room for `n` records in all.
    fn reserve(&mut self, n: usize) {
        self.map.reserve(n.saturating_sub(self.map.len()));
    }

    fn note(&mut self, key: &str) {
        if let Some(changed) = &mut self.changed {
            changed.push(key.to_owned());
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        if self.map.contains_key(key) {
            self.note(key);
        }
        self.map.get_mut(key)
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.note(key.borrow());
        self.map.insert(key, value)
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let removed = self.map.remove(key);
        if removed.is_some() {
            self.note(key);
        }
        removed
    }

    pub fn entry(&mut self, key: K) -> std::collections::hash_map::Entry<'_, K, V> {
        self.note(key.borrow());
        self.map.entry(key)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let changed = &mut self.changed;
        self.map.retain(|k, v| {
            let kept = keep(k, v);
            if let (false, Some(changed)) = (kept, changed.as_mut()) {
                changed.push(k.borrow().to_owned());
            }
            kept
        });
    }
}

impl<V: Serialize, K: Serialize> Serialize for Table<V, K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(serializer)
    }
}

impl<'de, V: Deserialize<'de>, K: Deserialize<'de> + Hash + Eq> Deserialize<'de> for Table<V, K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Table {
            map: HashMap::deserialize(deserializer)?,
            changed: None,
        })
    }
}

/// A table as the journal sees it.
trait Journaled {
    fn track(&mut self, on: bool);
    fn has_changes(&self) -> bool;
    /// Writes `{"key":record,…}` for the keys changed (`null`: removed), and forgets them.
    fn write_changes(&mut self, out: &mut Vec<u8>);
    fn apply(&mut self, changes: Value) -> serde_json::Result<()>;
}

impl<V, K> Journaled for Table<V, K>
where
    V: Serialize + DeserializeOwned,
    K: Hash + Eq + Borrow<str> + DeserializeOwned,
{
    fn track(&mut self, on: bool) {
        self.changed = on.then(Vec::new);
    }

    fn has_changes(&self) -> bool {
        self.changed.as_ref().is_some_and(|c| !c.is_empty())
    }

    fn write_changes(&mut self, out: &mut Vec<u8>) {
        let Some(changed) = &mut self.changed else {
            return;
        };
        changed.sort_unstable();
        changed.dedup();
        out.push(b'{');
        for (i, key) in changed.drain(..).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json(out, &key);
            out.push(b':');
            match self.map.get(key.as_str()) {
                Some(record) => write_json(out, record),
                None => out.extend_from_slice(b"null"),
            }
        }
        out.push(b'}');
    }

    fn apply(&mut self, changes: Value) -> serde_json::Result<()> {
        apply_changes(&mut self.map, changes)
    }
}

/// Applies a journal line's `{"key":record,…}` (`null`: removed) to a map.
fn apply_changes<K, V, S>(map: &mut HashMap<K, V, S>, changes: Value) -> serde_json::Result<()>
where
    K: Hash + Eq + DeserializeOwned,
    V: DeserializeOwned,
    S: std::hash::BuildHasher,
{
    let changes: HashMap<K, Option<V>> = serde_json::from_value(changes)?;
    for (key, record) in changes {
        match record {
            Some(record) => map.insert(key, record),
            None => map.remove(&key),
        };
    }
    Ok(())
}

/// Pairs a `Table` key from two parts.
pub(crate) fn key(a: &str, b: &str) -> String {
    let mut key = String::with_capacity(a.len() + 1 + b.len());
    key.push_str(a);
    key.push('\n');
    key.push_str(b);
    key
}

/// What tells one outbox from the next: its length, the number its next message
/// will get (every message ever sent counts) and how often the state was replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMark {
    len: usize,
    end: u64,
    replacements: u64,
}

/// The shared handle every request handler gets.
#[derive(Clone)]
pub(crate) struct App {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<State>,
    /// Signalled when a write leaves journal lines for the writer thread.
    to_save: Condvar,
    /// Whether any fault rule is set, kept outside the lock: every request asks.
    faults_set: AtomicBool,
    /// Whether some answer's `Retry-After` may still be running, kept outside the
    /// lock for the same reason: only then is every request looked at.
    retries_watched: AtomicBool,
    credentials: Credentials,
    clock: BaseClock,
    outbox_changed: Notify,
    /// The outbox's length and newest message, for watchers outside the
    /// Sandbox (the app's live outbox panel).
    outbox_mark: watch::Sender<OutboxMark>,
    /// With a state file: the generation the writer has on disk.
    saved: Option<watch::Receiver<u64>>,
    webhooks: reqwest::Client,
}

impl App {
    /// Loads the state file (snapshot and journal) when there is one and starts its
    /// writer thread.
    pub fn open(
        credentials: Credentials,
        state_file: Option<&Path>,
        retention: Retention,
        clock: ClockMode,
    ) -> Result<App, SandboxError> {
        let (mut state, journal) = match state_file {
            Some(path) => {
                let (state, journal) = crate::journal::open(path)?;
                (state, Some(journal))
            }
            None => (State::default(), None),
        };
        state.retention = retention;
        state.after_load();
        state.reserve_for_retention();
        if journal.is_some() {
            state.start_journal();
        }
        let faults_set = AtomicBool::new(!state.faults.is_empty());
        let outbox_mark = state.outbox_mark();
        let webhooks = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        let (saved_tx, saved_rx) = watch::channel(0);
        let app = App {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                to_save: Condvar::new(),
                faults_set,
                retries_watched: AtomicBool::new(false),
                credentials,
                clock: BaseClock::new(clock),
                outbox_changed: Notify::new(),
                outbox_mark: watch::channel(outbox_mark).0,
                saved: journal.is_some().then_some(saved_rx),
                webhooks,
            }),
        };
        if let Some(journal) = journal {
            let inner = Arc::downgrade(&app.inner);
            std::thread::Builder::new()
                .name("sandbox-journal".into())
                .spawn(move || write_loop(inner, journal, saved_tx))
                .map_err(|source| SandboxError::StateWrite {
                    path: state_file.map(Path::to_owned).unwrap_or_default(),
                    source,
                })?;
        }
        Ok(app)
    }

    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The time the Sandbox clock's offset is added to.
    pub fn base_clock(&self) -> BaseClock {
        self.inner.clock
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.lock()
    }

    /// The state lock for a write. While another worker holds it (a few
    /// microseconds), this worker serves other connections and tries again rather
    /// than parking its thread: under load a parked worker cost two context switches
    /// and a futex wake per collision. A lock still held after a few turns (the
    /// journal writer folding its file) is waited for.
    async fn lock_for_write(&self) -> std::sync::MutexGuard<'_, State> {
        const TURNS: usize = 8;
        for _ in 0..TURNS {
            match self.inner.state.try_lock() {
                Ok(state) => return state,
                Err(TryLockError::Poisoned(state)) => return state.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
            tokio::task::yield_now().await;
        }
        self.lock()
    }

    /// Whether a fault rule may apply; false means no request needs to look.
    pub fn faults_set(&self) -> bool {
        self.inner.faults_set.load(Ordering::Acquire)
    }

    /// Whether a request's answer must be noted for the conduct report even
    /// without a `Retry-After` of its own.
    pub fn retries_watched(&self) -> bool {
        self.inner.retries_watched.load(Ordering::Acquire)
    }

    /// Reads the state at the Sandbox's current time.
    pub fn read<T>(&self, f: impl FnOnce(&State, i64) -> T) -> T {
        let state = self.lock();
        let now = self.inner.clock.now() + state.clock_offset;
        f(&state, now)
    }

    /// Changes the state at the Sandbox's current time, then delivers the webhooks it
    /// produced, wakes outbox waiters and (with a state file) waits until it is saved.
    pub async fn write<T>(&self, f: impl FnOnce(&mut State, i64) -> T) -> T {
        let (out, to_save, events, outbox_changed, dropped) = {
            let mut state = self.lock_for_write().await;
            let offset = state.clock_offset;
            let now = self.inner.clock.now() + offset;
            let out = f(&mut state, now);
            // After the write, at its clock: moving the clock ages records too.
            let now = now - offset + state.clock_offset;
            state.prune(now);
            let to_save = state.end_write().then_some(state.generation);
            self.inner
                .faults_set
                .store(!state.faults.is_empty(), Ordering::Release);
            self.inner
                .retries_watched
                .store(state.conduct.watching_retries(), Ordering::Release);
            let mark = state.outbox_mark();
            let outbox_changed = self
                .inner
                .outbox_mark
                .send_if_modified(|old| std::mem::replace(old, mark.clone()) != mark);
            let events = if state.events.is_empty() {
                Vec::new()
            } else {
                std::mem::take(&mut state.events)
            };
            let dropped = if state.dropped.is_empty() {
                Dropped::default()
            } else {
                std::mem::take(&mut state.dropped)
            };
            (out, to_save, events, outbox_changed, dropped)
        };
        drop(dropped);
        for event in events {
            tokio::spawn(crate::webhook::deliver(
                self.inner.webhooks.clone(),
                self.inner.credentials.auth_token().to_owned(),
                event,
            ));
        }
        if outbox_changed {
            self.inner.outbox_changed.notify_waiters();
        }
        if let (Some(generation), Some(saved)) = (to_save, &self.inner.saved) {
            self.inner.to_save.notify_one();
            let mut saved = saved.clone();
            // An error means the writer is gone (the Sandbox is being dropped): nothing to wait for.
            let _ = saved.wait_for(|&on_disk| on_disk >= generation).await;
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

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The writer thread: appends the journal lines writes made (or, after a reset or
/// a snapshot put back, writes the new state whole), one fsync for all of them, then
/// tells their requests; puts a fold of the journal in place when one is ready. It
/// ends once the Sandbox is gone.
fn write_loop(inner: Weak<Inner>, mut journal: Journal, saved: watch::Sender<u64>) {
    let report = |journal: &Journal, source| {
        eprintln!(
            "twofold-sandbox: {}",
            SandboxError::StateWrite {
                path: journal.path().to_owned(),
                source
            }
        );
    };
    loop {
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let (generation, lines, replacement) = {
            let mut state = inner.lock();
            let idle = |s: &mut State| {
                s.journal
                    .as_ref()
                    .is_none_or(|t| t.lines.is_empty() && !t.compact)
            };
            if idle(&mut state) {
                // Timed, so the thread sees the Sandbox go and a fold finish.
                state = inner
                    .to_save
                    .wait_timeout(state, Duration::from_millis(250))
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
                if idle(&mut state) {
                    drop(state);
                    if let Err(source) = journal.fold_when_due() {
                        report(&journal, source);
                    }
                    continue;
                }
            }
            let lines = state.take_journal_lines();
            let replaced = state
                .journal
                .as_mut()
                .is_some_and(|t| std::mem::take(&mut t.compact));
            // A replacement is written whole (the lines before it are in it).
            let replacement = replaced.then(|| serde_json::to_vec(&*state));
            (state.generation, lines, replacement)
        };
        let written = match replacement {
            Some(Ok(bytes)) => journal.replace(&bytes),
            Some(Err(e)) => Err(std::io::Error::other(e)),
            None => journal
                .append(&lines)
                .and_then(|()| journal.fold_when_due()),
        };
        if let Err(source) = written {
            report(&journal, source);
        }
        // Waiters are released even after a failed write so requests never hang; the
        // error above tells the operator the file is behind.
        saved.send_replace(generation);
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
        assert_eq!(state.outbox.len(), 0);
        let fault = &state.faults[0];
        assert_eq!((fault.probability, fault.remaining), (1.0, Some(2)));
        assert!(state.test_numbers.is_empty());
    }

    #[test]
    fn an_older_state_files_attempts_table_is_folded_into_the_sends() {
        let verification = |sid: &str, sends: &str| {
            format!(
                r#"{{"seq":1,"sid":"{sid}","service_sid":"VA1","to":"+14155550101",
                "channel":"sms","status":"approved","code":"123456","locale":"en",
                "amount":null,"payee":null,"send_attempts":[{sends}],"checks":1,
                "sna_completed":false,"lookup":{{}},"created":100,"updated":160}}"#
            )
        };
        let attempt = |sid: &str, seq: u64, locale: &str| {
            format!(
                r#"{{"seq":{seq},"sid":"{sid}","service_sid":"VA1","verification_sid":"VE1",
                "channel":"sms","to":"+14155550101","country":"US","code_length":6,
                "locale":"{locale}","converted":true,"created":100,"updated":160}}"#
            )
        };
        let old = format!(
            r#"{{"next_seq":9,"verifications":{{"VE1":{}}},"attempts":{{"VL1":{}}}}}"#,
            verification(
                "VE1",
                r#"{"time":100,"channel":"sms","attempt_sid":"VL1"},
                   {"time":130,"channel":"sms","attempt_sid":"VL2"}"#
            ),
            attempt("VL1", 2, "fr"),
        );
        let mut state: State = serde_json::from_str(&old).unwrap();
        // A journal line of that time adds the second send's attempt.
        let line = format!(r#"{{"attempts":{{"VL2":{}}}}}"#, attempt("VL2", 4, "es"));
        (state.apply_journal_line(serde_json::from_str(&line).unwrap())).unwrap();
        state.after_load();
        let v = &state.verifications["VE1"];
        let sends: Vec<_> = (v.attempts())
            .map(|a| (a.sid, a.seq(), a.send.code_length, &*a.send.locale))
            .collect();
        assert_eq!(sends, [("VL1", 2, 6, "fr"), ("VL2", 4, 6, "es")]);
        assert!(v.attempts().all(|a| a.converted() && a.updated() == 160));
        let saved = serde_json::to_value(&state).unwrap();
        assert!(
            saved.get("attempts").is_none(),
            "the table is not written back"
        );
    }

    #[test]
    fn the_pending_index_follows_the_verifications_kept_and_is_built_on_load() {
        let kept = 16;
        let mut state = State {
            retention: Retention {
                verifications: kept,
                ..Retention::default()
            },
            ..State::default()
        };
        for n in 0..1_000 {
            let v = serde_json::from_value(serde_json::json!({
                "seq": n, "sid": format!("VE{n}"), "service_sid": "VA1",
                "to": format!("+1415555{n:04}"), "channel": "sms", "status": "pending",
                "code": "123456", "amount": null, "payee": null, "send_attempts": [],
                "checks": 0, "sna_completed": false, "lookup": {}, "created": 0, "updated": 0
            }))
            .unwrap();
            state.add_verification(v);
            state.prune(0);
        }
        assert_eq!(state.verifications.len(), kept);
        assert_eq!(state.pending.len(), kept, "dropped ones are forgotten");
        for v in state.verifications.values() {
            assert_eq!(state.pending_for("VA1", &v.to), Some(v.sid));
        }
        // A load builds the index from the verifications alone.
        let mut reloaded: State =
            serde_json::from_value(serde_json::to_value(&state).unwrap()).unwrap();
        reloaded.after_load();
        for v in state.verifications.values() {
            assert_eq!(reloaded.pending_for("VA1", &v.to), Some(v.sid));
        }
        assert_eq!(reloaded.pending_for("VA1", "+14155550000"), None, "dropped");
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
