//! `--state FILE` on disk: a snapshot plus an append-only journal of changes.
//!
//! Why a journal: rewriting the whole state for every group commit made a request's
//! cost grow with the state (15,000 verifications are megabytes of JSON per commit).
//! Now a write appends one line — the records it changed, whole, or `null` for
//! the ones it removed, the outbox messages that arrived and how many left, the
//! clock and sequence — and the writer thread appends every line made since its
//! last turn with one `fdatasync` (a group commit), releasing those requests only
//! then, so an answered change survives `kill -9`. SQLite in WAL mode would also do,
//! but would add a C library and a second model of the records; the line format is
//! the state file's own JSON, per record.
//!
//! Files:
//! - `FILE`: the snapshot, the very document `GET /sandbox/snapshot` answers (so
//!   state files from before the journal load as they are, with no journal).
//! - `FILE.journal`: a header line naming the snapshot it follows (its length and
//!   SHA-1), then one JSON object per line.
//!
//! Compaction: once the journal is larger than both 8 MiB and twice the snapshot,
//! the writer writes the whole state as a new snapshot (temp file, fsync, rename)
//! and then a new journal holding only the header for it. The cost is the state's
//! size, paid once per (at least) its size in journal lines, so per change it stays
//! constant. A crash between the two renames leaves a journal whose header names
//! the old snapshot: loading sees that and ignores it, as everything in it is in
//! the new snapshot. `POST /sandbox/reset` and `PUT /sandbox/snapshot` compact at once.
//!
//! Loading replays the journal's lines onto the snapshot. A line cut short by a
//! crash in mid-write (the last one, never answered) is ignored and cut off the file
//! before anything is appended after it.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use crate::error::SandboxError;
use crate::store::State;

/// The journal is compacted once it passes this size and twice the snapshot's.
const COMPACT_MIN_BYTES: u64 = 8 << 20;

/// The first line of a journal: which snapshot its lines follow.
#[derive(Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    twofold_sandbox_journal: u32,
    snapshot_len: u64,
    snapshot_sha1: String,
}

impl Header {
    fn of(snapshot: &[u8]) -> Header {
        Header {
            twofold_sandbox_journal: 1,
            snapshot_len: snapshot.len() as u64,
            snapshot_sha1: hex::encode(Sha1::digest(snapshot)),
        }
    }

    fn line(&self) -> Vec<u8> {
        let mut line = serde_json::to_vec(self).unwrap_or_default();
        line.push(b'\n');
        line
    }
}

/// The journal file, open for appending; owned by the writer thread.
pub(crate) struct Journal {
    state_path: PathBuf,
    journal_path: PathBuf,
    file: File,
    len: u64,
    snapshot_len: u64,
    compact_min: u64,
}

/// `FILE.journal`.
pub(crate) fn journal_path(state_path: &Path) -> PathBuf {
    let mut name = state_path.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

/// Loads the snapshot and replays the journal over it; starts a journal if there is
/// none (or only a stale one), so the writer can append from the first change.
pub(crate) fn open(state_path: &Path) -> Result<(State, Journal), SandboxError> {
    let read_error = |path: &Path, source| SandboxError::StateRead {
        path: path.to_owned(),
        source,
    };
    let write_error = |path: &Path, source| SandboxError::StateWrite {
        path: path.to_owned(),
        source,
    };
    let (mut state, snapshot) = match std::fs::read(state_path) {
        Ok(bytes) => {
            let state: State =
                serde_json::from_slice(&bytes).map_err(|source| SandboxError::StateParse {
                    path: state_path.to_owned(),
                    source,
                })?;
            (state, bytes)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // The journal needs a snapshot to follow: the empty state's.
            let state = State::default();
            let bytes = serde_json::to_vec(&state).unwrap_or_default();
            twofold_atomic_file::overwrite(state_path, &bytes)
                .map_err(|e| write_error(state_path, e))?;
            (state, bytes)
        }
        Err(e) => return Err(read_error(state_path, e)),
    };
    let header = Header::of(&snapshot);
    let journal_path = journal_path(state_path);
    let replayed = match std::fs::read(&journal_path) {
        Ok(bytes) => {
            replay(&mut state, &header, &bytes).map_err(|source| SandboxError::StateParse {
                path: journal_path.clone(),
                source,
            })?
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(read_error(&journal_path, e)),
    };
    let len = match replayed {
        Some(good) => {
            // Cut a torn last line off, or the next line would be glued to it.
            let file = OpenOptions::new()
                .write(true)
                .open(&journal_path)
                .and_then(|f| f.set_len(good).and_then(|()| f.sync_all()));
            file.map_err(|e| write_error(&journal_path, e))?;
            good
        }
        None => {
            let line = header.line();
            twofold_atomic_file::overwrite(&journal_path, &line)
                .map_err(|e| write_error(&journal_path, e))?;
            line.len() as u64
        }
    };
    let file = append_to(&journal_path).map_err(|e| write_error(&journal_path, e))?;
    let journal = Journal {
        state_path: state_path.to_owned(),
        journal_path,
        file,
        len,
        snapshot_len: snapshot.len() as u64,
        compact_min: COMPACT_MIN_BYTES,
    };
    Ok((state, journal))
}

fn append_to(path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).open(path)
}

/// Applies the journal's lines to `state` if its header names this snapshot, and
/// answers how many bytes of it are good (`None`: it belongs to an older snapshot,
/// or is not a journal, and is to be started afresh). A line that does not parse is
/// where a crash cut the file: it and anything after it are left out.
fn replay(state: &mut State, header: &Header, journal: &[u8]) -> serde_json::Result<Option<u64>> {
    let mut lines = journal.split_inclusive(|&b| b == b'\n');
    let Some(first) = lines.next() else {
        return Ok(None);
    };
    if serde_json::from_slice::<Header>(first).ok().as_ref() != Some(header) {
        return Ok(None);
    }
    let mut good = first.len();
    for line in lines {
        if !line.ends_with(b"\n") {
            break;
        }
        let Ok(changes) =
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(line)
        else {
            let rest = journal.len() - good - line.len();
            if rest > 0 {
                eprintln!(
                    "twofold-sandbox: a damaged line in the journal; {rest} bytes after it were left out"
                );
            }
            break;
        };
        state.apply_journal_line(changes)?;
        good += line.len();
    }
    Ok(Some(good as u64))
}

impl Journal {
    /// Appends lines and waits until they are on disk. A failed append (a full
    /// disk) is cut back off, so the next line does not follow half of this one.
    pub fn append(&mut self, lines: &[u8]) -> io::Result<()> {
        let written = self
            .file
            .write_all(lines)
            .and_then(|()| self.file.sync_data());
        if let Err(error) = written {
            let _ = self.file.set_len(self.len);
            return Err(error);
        }
        self.len += lines.len() as u64;
        Ok(())
    }

    /// Whether the journal, with `more` bytes, is due to be folded into a new snapshot.
    pub fn wants_compaction(&self, more: usize) -> bool {
        self.len + more as u64 > self.compact_min.max(2 * self.snapshot_len)
    }

    /// Makes `snapshot` the state file and starts an empty journal after it. When the
    /// state was replaced (a reset, a snapshot put back) rather than changed line by
    /// line, the replacement is first appended as a line of its own, so a crash
    /// before the new snapshot is in place still finds it.
    pub fn compact(&mut self, snapshot: &[u8], replaced: bool) -> io::Result<()> {
        if replaced {
            self.record_replacement(snapshot)?;
        }
        self.start_after(snapshot)
    }

    /// Appends `{"replace": snapshot}`: the old journal then ends in the state the
    /// new snapshot holds, whether or not the two snapshots' bytes are alike.
    fn record_replacement(&mut self, snapshot: &[u8]) -> io::Result<()> {
        let mut line = Vec::with_capacity(snapshot.len() + 16);
        line.extend_from_slice(br#"{"replace":"#);
        line.extend_from_slice(snapshot);
        line.extend_from_slice(b"}\n");
        self.append(&line)
    }

    fn start_after(&mut self, snapshot: &[u8]) -> io::Result<()> {
        twofold_atomic_file::overwrite(&self.state_path, snapshot)?;
        let line = Header::of(snapshot).line();
        twofold_atomic_file::overwrite(&self.journal_path, &line)?;
        self.file = append_to(&self.journal_path)?;
        self.len = line.len() as u64;
        self.snapshot_len = snapshot.len() as u64;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.journal_path
    }

    #[cfg(test)]
    fn compact_after(mut self, bytes: u64) -> Journal {
        self.compact_min = bytes;
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Makes one change the way `App::write` does and appends its line.
    fn change(state: &mut State, journal: &mut Journal, f: impl FnOnce(&mut State)) {
        f(state);
        assert!(state.end_write(), "a change makes a line");
        let lines = state.take_journal_lines();
        if journal.wants_compaction(lines.len()) {
            journal
                .compact(&serde_json::to_vec(&*state).unwrap(), false)
                .unwrap();
        } else {
            journal.append(&lines).unwrap();
        }
    }

    fn reopen(path: &Path) -> State {
        let (mut state, _) = open(path).unwrap();
        state.start_journal();
        state
    }

    fn snapshot(state: &State) -> serde_json::Value {
        serde_json::to_value(state).unwrap()
    }

    #[test]
    fn replays_changes_and_removals_over_the_snapshot_and_across_compactions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (mut state, journal) = open(&path).unwrap();
        let mut journal = journal.compact_after(2_000);
        state.start_journal();
        for n in 0..60 {
            change(&mut state, &mut journal, |s| {
                s.clock_offset = n;
                s.pending.insert(format!("k{n}"), format!("VE{n}"));
                if n % 3 == 0 {
                    s.pending.remove(&format!("k{}", n / 2));
                }
            });
        }
        assert!(
            std::fs::metadata(&path).unwrap().len() > 100,
            "the journal was compacted into the snapshot at least once"
        );
        assert!(std::fs::metadata(journal.path()).unwrap().len() < 2_100);
        assert_eq!(snapshot(&reopen(&path)), snapshot(&state));
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (mut state, mut journal) = open(&path).unwrap();
        state.start_journal();
        change(&mut state, &mut journal, |s| {
            s.pending.insert("answered".into(), "VE1".into());
        });
        let answered = snapshot(&state);
        // A crash in mid-write: half of the next line reached the file.
        let torn = br#"{"clock_offset":0,"next_seq":0,"pending":{"torn":"VE"#;
        journal.file.write_all(torn).unwrap();
        let mut reopened = reopen(&path);
        assert_eq!(snapshot(&reopened), answered);
        // Appending after it must not glue a new line to the torn one.
        let (_, mut journal) = open(&path).unwrap();
        change(&mut reopened, &mut journal, |s| {
            s.pending.insert("later".into(), "VE2".into());
        });
        let restarted = reopen(&path);
        assert_eq!(
            restarted.pending.get("later").map(String::as_str),
            Some("VE2")
        );
        assert_eq!(
            restarted.pending.get("answered").map(String::as_str),
            Some("VE1")
        );
        assert!(!restarted.pending.contains_key("torn"));
    }

    #[test]
    fn a_crash_between_the_new_snapshot_and_the_new_journal_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (mut state, mut journal) = open(&path).unwrap();
        state.start_journal();
        change(&mut state, &mut journal, |s| {
            s.pending.insert("a".into(), "VE1".into());
        });
        // Compaction: the old journal (header of the first snapshot) survives the crash.
        let stale = std::fs::read(journal.path()).unwrap();
        journal
            .compact(&serde_json::to_vec(&state).unwrap(), false)
            .unwrap();
        std::fs::write(journal.path(), &stale).unwrap();
        assert_eq!(
            reopen(&path).pending.get("a").map(String::as_str),
            Some("VE1")
        );

        // A reset back to a state whose bytes equal the first snapshot's: the
        // stale journal's header matches it, and its last line is the reset.
        let (_, mut journal) = open(&path).unwrap();
        state.reset();
        assert!(state.end_write());
        let empty = serde_json::to_vec(&state).unwrap();
        journal.record_replacement(&empty).unwrap();
        let stale = std::fs::read(journal.path()).unwrap();
        journal.start_after(&empty).unwrap();
        std::fs::write(journal.path(), &stale).unwrap();
        let reopened = reopen(&path);
        assert!(reopened.pending.is_empty(), "the reset is not undone");
        assert_eq!(snapshot(&reopened), snapshot(&state));
    }

    #[test]
    fn a_state_file_from_before_the_journal_loads_and_gets_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sandbox.json");
        std::fs::write(
            &path,
            r#"{"clock_offset":60,"outbox":[{"sid":"SM1","channel":"sms","to":"+14155550101",
            "locale":"en","body":"Your code is: 1234","code":"1234","service_sid":"VA1",
            "verification_sid":"VE1","date_created":"2026-11-25T10:01:55Z"}]}"#,
        )
        .unwrap();
        let mut state = reopen(&path);
        assert_eq!((state.clock_offset, state.outbox.len()), (60, 1));
        let (_, mut journal) = open(&path).unwrap();
        change(&mut state, &mut journal, |s| s.clock_offset = 120);
        let state = reopen(&path);
        assert_eq!((state.clock_offset, state.outbox.len()), (120, 1));
    }
}
