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
//! it is folded into a new snapshot. The cost is the state's size, paid once per (at
//! least) its size in journal lines, so per change it stays constant; and it is paid
//! off the requests' path. A thread of its own (the folder) keeps a replica of the
//! state as the files hold it — the snapshot with every appended line applied — so
//! writing a snapshot of a hundred thousand records (a second) holds neither the
//! state's lock nor the writer, which goes on appending and answering meanwhile.
//! The folder writes the replica as of line N to `FILE.next`; the writer then puts
//! the change in place in three steps, each whole on disk before the next:
//! 1. `FILE.journal.next`: the new snapshot's header and the lines after N;
//! 2. `FILE.next` renamed over `FILE`;
//! 3. `FILE.journal.next` renamed over `FILE.journal`.
//!
//! A crash after 1 finds `FILE.journal` still naming `FILE` (everything is in it);
//! after 2, `FILE.journal` names the old snapshot and `FILE.journal.next` the new
//! one: loading takes the journal whose header names the snapshot it found. For
//! the same reason, once step 2 is done the writer appends to `FILE.journal.next`
//! even if step 3 fails (a disk error), and retries step 3 before anything else
//! could write that name again.
//!
//! `POST /sandbox/reset` and `PUT /sandbox/snapshot` replace the state: the writer
//! appends the replacement as a line (so a crash before the new snapshot is in place
//! still finds it), then makes it the snapshot at once, and a fold under way is
//! dropped.
//!
//! Loading replays the journal's lines onto the snapshot. A line cut short by a
//! crash in mid-write (the last one, never answered) is ignored and cut off the file
//! before anything is appended after it.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

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
    /// Step 3 of putting a fold in place failed: the journal being appended to is
    /// still named `FILE.journal.next` (loading finds it there) until a retry.
    misnamed: bool,
    folder: Folder,
}

/// The writer's side of the folder thread.
struct Folder {
    jobs: mpsc::Sender<Job>,
    folded: mpsc::Receiver<Folded>,
    /// The fold under way: its number, and the lines appended since it began.
    running: Option<(u64, Vec<u8>)>,
    folds: u64,
}

enum Job {
    /// Lines now on disk, to apply to the replica.
    Apply(Vec<u8>),
    /// Write the replica, as of the lines applied so far, to `FILE.next`.
    Fold(u64),
}

/// A new snapshot in `FILE.next`, ready to be put in place.
struct Folded {
    fold: u64,
    written: io::Result<Header>,
}

/// `FILE.journal`.
pub(crate) fn journal_path(state_path: &Path) -> PathBuf {
    with_suffix(state_path, ".journal")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
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
    let snapshot = match std::fs::read(state_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // The journal needs a snapshot to follow: the empty state's.
            let bytes = serde_json::to_vec(&State::default()).unwrap_or_default();
            twofold_atomic_file::overwrite(state_path, &bytes)
                .map_err(|e| write_error(state_path, e))?;
            bytes
        }
        Err(e) => return Err(read_error(state_path, e)),
    };
    let parse_snapshot = || {
        serde_json::from_slice::<State>(&snapshot).map_err(|source| SandboxError::StateParse {
            path: state_path.to_owned(),
            source,
        })
    };
    let mut state = parse_snapshot()?;
    let header = Header::of(&snapshot);
    let journal_path = journal_path(state_path);
    let next_journal = with_suffix(&journal_path, ".next");
    // The journal whose header names this snapshot: `FILE.journal`, or, after a
    // crash in the middle of putting a fold in place, `FILE.journal.next`.
    let mut found = None;
    for path in [&journal_path, &next_journal] {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(read_error(path, e)),
        };
        let replayed =
            replay(&mut state, &header, &bytes).map_err(|source| SandboxError::StateParse {
                path: path.clone(),
                source,
            })?;
        if let Some(good) = replayed {
            if path == &next_journal {
                twofold_atomic_file::move_over(&next_journal, &journal_path)
                    .map_err(|e| write_error(&journal_path, e))?;
            }
            found = Some((bytes, good));
            break;
        }
    }
    // Left by a fold that never reached its last step: not needed.
    let _ = std::fs::remove_file(&next_journal);
    let _ = std::fs::remove_file(with_suffix(state_path, ".next"));
    // The folder's replica: the same snapshot and lines, loaded again.
    let mut replica = parse_snapshot()?;
    let len = match found {
        Some((bytes, good)) => {
            let _ = replay(&mut replica, &header, &bytes[..good as usize]);
            // Cut a torn last line off, or the next line would be glued to it.
            if good < bytes.len() as u64 {
                let file = OpenOptions::new()
                    .write(true)
                    .open(&journal_path)
                    .and_then(|f| f.set_len(good).and_then(|()| f.sync_all()));
                file.map_err(|e| write_error(&journal_path, e))?;
            }
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
    let folder =
        Folder::start(replica, state_path.to_owned()).map_err(|e| write_error(state_path, e))?;
    let journal = Journal {
        state_path: state_path.to_owned(),
        journal_path,
        file,
        len,
        snapshot_len: snapshot.len() as u64,
        compact_min: COMPACT_MIN_BYTES,
        misnamed: false,
        folder,
    };
    Ok((state, journal))
}

impl Folder {
    fn start(replica: State, state_path: PathBuf) -> io::Result<Folder> {
        let (jobs, inbox) = mpsc::channel();
        let (outbox, folded) = mpsc::channel();
        std::thread::Builder::new()
            .name("sandbox-fold".into())
            .spawn(move || fold_loop(replica, &state_path, &inbox, &outbox))?;
        Ok(Folder {
            jobs,
            folded,
            running: None,
            folds: 0,
        })
    }

    /// Lines now on disk: the replica applies them, and a fold under way keeps
    /// them for the journal that will follow its snapshot.
    fn applied(&mut self, lines: &[u8]) {
        if let Some((_, after)) = &mut self.running {
            after.extend_from_slice(lines);
        }
        let _ = self.jobs.send(Job::Apply(lines.to_vec()));
    }
}

/// The folder thread: applies the lines the writer saved to its replica, and writes
/// the replica as a snapshot when asked. Ends with the journal.
fn fold_loop(
    mut replica: State,
    state_path: &Path,
    inbox: &mpsc::Receiver<Job>,
    outbox: &mpsc::Sender<Folded>,
) {
    for job in inbox {
        match job {
            Job::Apply(lines) => {
                for line in lines.split_inclusive(|&b| b == b'\n') {
                    let applied = serde_json::from_slice(line)
                        .and_then(|changes| replica.apply_journal_line(changes));
                    if let Err(e) = applied {
                        // The writer made these lines; a line it cannot read back is a bug.
                        eprintln!("twofold-sandbox: a journal line the folder cannot apply: {e}");
                    }
                }
            }
            Job::Fold(fold) => {
                let written = serde_json::to_vec(&replica)
                    .map_err(io::Error::other)
                    .and_then(|snapshot| {
                        twofold_atomic_file::overwrite(&with_suffix(state_path, ".next"), &snapshot)
                            .map(|()| Header::of(&snapshot))
                    });
                if outbox.send(Folded { fold, written }).is_err() {
                    return;
                }
            }
        }
    }
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
    /// Appends lines and waits until they are on disk, then hands them to the
    /// folder. A failed append (a full disk) is cut back off, so the next line does
    /// not follow half of this one.
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
        self.folder.applied(lines);
        Ok(())
    }

    /// After an append: starts a fold when the journal is due for one, and puts a
    /// finished one in place.
    pub fn fold_when_due(&mut self) -> io::Result<()> {
        // A fold writes `FILE.journal.next` afresh: never while it is the journal.
        self.name_journal()?;
        let folder = &mut self.folder;
        if folder.running.is_none() && self.len > self.compact_min.max(2 * self.snapshot_len) {
            folder.folds += 1;
            folder.running = Some((folder.folds, Vec::new()));
            let _ = folder.jobs.send(Job::Fold(folder.folds));
        }
        match folder.folded.try_recv() {
            Ok(folded) => self.put_in_place(folded),
            Err(_) => Ok(()),
        }
    }

    /// The three steps of the module doc, for the fold under way (an older one,
    /// overtaken by a replacement, is dropped).
    fn put_in_place(&mut self, folded: Folded) -> io::Result<()> {
        let next_snapshot = with_suffix(&self.state_path, ".next");
        let Some((_, after)) = self
            .folder
            .running
            .take_if(|(fold, _)| *fold == folded.fold)
        else {
            let _ = std::fs::remove_file(&next_snapshot);
            return Ok(());
        };
        let header = folded.written?;
        let next_journal = with_suffix(&self.journal_path, ".next");
        let mut journal = header.line();
        journal.extend_from_slice(&after);
        twofold_atomic_file::overwrite(&next_journal, &journal)?;
        let file = append_to(&next_journal)?;
        twofold_atomic_file::move_over(&next_snapshot, &self.state_path)?;
        // The new snapshot is in place: from here on only the new journal follows
        // it, so lines go there whatever its name, even if step 3 fails.
        self.file = file;
        self.len = journal.len() as u64;
        self.snapshot_len = header.snapshot_len;
        self.misnamed = true;
        self.name_journal()
    }

    /// Step 3 of putting a fold in place, or its retry.
    fn name_journal(&mut self) -> io::Result<()> {
        if self.misnamed {
            let next_journal = with_suffix(&self.journal_path, ".next");
            match twofold_atomic_file::move_over(&next_journal, &self.journal_path) {
                // Gone: the rename was done, only the folder's sync failed.
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => self.misnamed = false,
            }
        }
        Ok(())
    }

    /// Makes `snapshot`, a replacement of the whole state (a reset, a snapshot put
    /// back), the state file and starts an empty journal after it. The replacement
    /// is first appended as a line of its own, so a crash before the new snapshot is
    /// in place still finds it.
    pub fn replace(&mut self, snapshot: &[u8]) -> io::Result<()> {
        self.folder.running = None;
        self.record_replacement(snapshot)?;
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
        if std::mem::take(&mut self.misnamed) {
            let _ = std::fs::remove_file(with_suffix(&self.journal_path, ".next"));
        }
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

    /// Waits for the fold under way, if any, and puts it in place.
    #[cfg(test)]
    fn finish_fold(&mut self) {
        if self.folder.running.is_some() {
            let folded = self.folder.folded.recv().expect("the folder thread runs");
            self.put_in_place(folded).expect("the fold is put in place");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Makes one change the way `App::write` does and appends its line.
    fn change(state: &mut State, journal: &mut Journal, f: impl FnOnce(&mut State)) {
        append_change(state, journal, f);
        journal.fold_when_due().unwrap();
    }

    /// A change whose line is appended, with no fold started or put in place.
    fn append_change(state: &mut State, journal: &mut Journal, f: impl FnOnce(&mut State)) {
        f(state);
        assert!(state.end_write(), "a change makes a line");
        let lines = state.take_journal_lines();
        journal.append(&lines).unwrap();
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
                s.rate_hits.insert(format!("k{n}"), vec![n]);
                if n % 3 == 0 {
                    s.rate_hits.remove(&format!("k{}", n / 2));
                }
            });
        }
        journal.finish_fold();
        assert!(
            std::fs::metadata(&path).unwrap().len() > 100,
            "the journal was folded into the snapshot at least once"
        );
        assert!(std::fs::metadata(journal.path()).unwrap().len() < 4_000);
        assert_eq!(snapshot(&reopen(&path)), snapshot(&state));
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (mut state, mut journal) = open(&path).unwrap();
        state.start_journal();
        change(&mut state, &mut journal, |s| {
            s.rate_hits.insert("answered".into(), vec![1]);
        });
        let answered = snapshot(&state);
        // A crash in mid-write: half of the next line reached the file.
        let torn = br#"{"clock_offset":0,"next_seq":0,"rate_hits":{"torn":[1"#;
        journal.file.write_all(torn).unwrap();
        let mut reopened = reopen(&path);
        assert_eq!(snapshot(&reopened), answered);
        // Appending after it must not glue a new line to the torn one.
        let (_, mut journal) = open(&path).unwrap();
        change(&mut reopened, &mut journal, |s| {
            s.rate_hits.insert("later".into(), vec![2]);
        });
        let restarted = reopen(&path);
        assert_eq!(restarted.rate_hits.get("later"), Some(&vec![2]));
        assert_eq!(restarted.rate_hits.get("answered"), Some(&vec![1]));
        assert!(!restarted.rate_hits.contains_key("torn"));
    }

    /// Changes until a fold is under way, then two more that go in after it
    /// (appended only: the fold stays under way, whether or not it finished).
    fn changes_across_a_fold(state: &mut State, journal: &mut Journal) {
        let mut n = 0;
        while journal.folder.running.is_none() {
            n += 1;
            change(state, journal, |s| {
                s.rate_hits.insert(format!("before{n}"), vec![n]);
            });
        }
        for n in 0..2 {
            append_change(state, journal, |s| {
                s.rate_hits.insert(format!("after{n}"), vec![n]);
            });
        }
    }

    #[test]
    fn a_crash_at_any_step_of_putting_a_fold_in_place_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let next_journal = with_suffix(&journal_path(&path), ".next");
        for crash_after_step in [0, 1, 2] {
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_file(journal_path(&path));
            let (mut state, journal) = open(&path).unwrap();
            let mut journal = journal.compact_after(0);
            state.start_journal();
            changes_across_a_fold(&mut state, &mut journal);
            let old = (
                std::fs::read(&path).unwrap(),
                std::fs::read(journal.path()).unwrap(),
            );
            journal.finish_fold();
            let new = (
                std::fs::read(&path).unwrap(),
                std::fs::read(journal.path()).unwrap(),
            );
            assert_ne!(old.0, new.0, "the fold made a new snapshot");
            // The files as a crash after each step leaves them.
            match crash_after_step {
                0 => {
                    std::fs::write(&path, &old.0).unwrap();
                    std::fs::write(journal.path(), &old.1).unwrap();
                    std::fs::write(with_suffix(&path, ".next"), &new.0).unwrap();
                }
                1 => {
                    std::fs::write(&path, &old.0).unwrap();
                    std::fs::write(journal.path(), &old.1).unwrap();
                    std::fs::write(&next_journal, &new.1).unwrap();
                }
                _ => {
                    std::fs::write(journal.path(), &old.1).unwrap();
                    std::fs::write(&next_journal, &new.1).unwrap();
                }
            }
            drop(journal);
            assert_eq!(
                snapshot(&reopen(&path)),
                snapshot(&state),
                "a crash after step {crash_after_step}"
            );
            assert!(!next_journal.exists() && !with_suffix(&path, ".next").exists());
        }
    }

    #[test]
    fn lines_after_a_failed_last_step_go_to_the_journal_that_follows_the_new_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let next_journal = with_suffix(&journal_path(&path), ".next");
        let (mut state, journal) = open(&path).unwrap();
        let mut journal = journal.compact_after(0);
        state.start_journal();
        // Step 3 will fail: a folder (not empty) stands where the journal is renamed to.
        let blocker = journal.path().to_owned();
        std::fs::remove_file(&blocker).unwrap();
        std::fs::create_dir_all(blocker.join("in-the-way")).unwrap();
        let mut change_and_fold = |state: &mut State, n: i64| {
            state.rate_hits.insert(format!("k{n}"), vec![n]);
            assert!(state.end_write());
            journal.append(&state.take_journal_lines()).unwrap();
            journal.fold_when_due()
        };
        let mut n = 0;
        while change_and_fold(&mut state, n).is_ok() {
            n += 1;
        }
        // Answered while the journal is misnamed (each retry fails too): a restart
        // must find them.
        for n in n + 1..n + 4 {
            assert!(change_and_fold(&mut state, n).is_err());
        }
        assert!(journal.misnamed);
        assert!(
            journal.folder.running.is_none(),
            "no fold overwrites the journal"
        );
        std::fs::remove_dir_all(&blocker).unwrap();
        let restarted = {
            let (mut restarted, _) = open(&path).unwrap();
            restarted.start_journal();
            restarted
        };
        assert_eq!(snapshot(&restarted), snapshot(&state));
        // Or, with the way cleared while running, the retry names it.
        let (mut state, journal) = open(&path).unwrap();
        let mut journal = journal.compact_after(0);
        state.start_journal();
        changes_across_a_fold(&mut state, &mut journal);
        journal.finish_fold();
        assert!(!journal.misnamed && !next_journal.exists());
        assert_eq!(snapshot(&reopen(&path)), snapshot(&state));
    }

    #[test]
    fn a_reset_back_to_the_first_snapshot_is_not_undone_by_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let (mut state, mut journal) = open(&path).unwrap();
        state.start_journal();
        change(&mut state, &mut journal, |s| {
            s.rate_hits.insert("a".into(), vec![1]);
        });

        // A reset back to a state whose bytes equal the first snapshot's: the
        // stale journal's header matches it, and its last line is the reset.
        state.reset();
        assert!(state.end_write());
        let empty = serde_json::to_vec(&state).unwrap();
        journal.record_replacement(&empty).unwrap();
        let stale = std::fs::read(journal.path()).unwrap();
        journal.start_after(&empty).unwrap();
        std::fs::write(journal.path(), &stale).unwrap();
        let reopened = reopen(&path);
        assert!(reopened.rate_hits.is_empty(), "the reset is not undone");
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
