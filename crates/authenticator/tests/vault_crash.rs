//! Crash safety: a child process saves the vault in a loop and is killed
//! (SIGKILL) at random moments, 200 times; after each kill the vault must
//! open and hold exactly the last completed save or the one in flight. And a
//! writer killed while it holds the vault's lock leaves the lock free.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use twofold_authenticator::{
    Account, LOCK_WAIT, OtpAuth, Passphrase, Protection, Unlock, Vault, VaultError,
};

mod vault_support;

const KILLS: usize = 200;
const CHILD: &str = "TWOFOLD_TEST_CRASH_VAULT";
const HOLDER: &str = "TWOFOLD_TEST_LOCK_HOLDER";

fn passphrase() -> Passphrase {
    vault_support::passphrase("crash test")
}

/// The generation a vault holds: every account's note carries it, and there
/// are `10 + generation % 7` accounts, so a half-written mix would show.
fn generation(vault: &Vault) -> u64 {
    let accounts = vault.accounts();
    let generation: u64 = accounts[0].note.parse().unwrap();
    assert!(
        accounts.iter().all(|a| a.note == accounts[0].note),
        "accounts from different saves in one file"
    );
    assert_eq!(accounts.len() as u64, 10 + generation % 7);
    generation
}

/// Saves `generation` as one change.
fn set_generation(vault: &mut Vault, generation: u64) {
    vault
        .transact(|accounts| {
            accounts.clear();
            for i in 0..10 + generation % 7 {
                let uri = format!("otpauth://totp/Issuer{i}:user?secret=JBSWY3DPEHPK3PXP");
                let mut account = Account::new(OtpAuth::parse(&uri).unwrap(), 1_700_000_000);
                account.note = generation.to_string();
                accounts.push(account);
            }
            Ok::<(), VaultError>(())
        })
        .unwrap();
}

/// The child: open, then save generation after generation, reporting each
/// completed save on stdout, until killed.
fn run_child(path: &Path) -> ! {
    let mut vault = Vault::open(path, Unlock::Passphrase(passphrase())).unwrap();
    let mut next = generation(&vault) + 1;
    println!("ready");
    loop {
        set_generation(&mut vault, next);
        println!("saved {next}");
        next += 1;
    }
}

fn random_below(bound: u64) -> u64 {
    let mut bytes = [0; 8];
    getrandom::fill(&mut bytes).unwrap();
    u64::from_le_bytes(bytes) % bound
}

#[test]
fn killing_a_save_at_any_moment_leaves_the_old_or_the_new_vault() {
    if let Ok(path) = std::env::var(CHILD) {
        run_child(Path::new(&path));
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let mut vault = Vault::create(&path, Protection::Passphrase(passphrase())).unwrap();
    set_generation(&mut vault, 0);
    let mut on_disk = 0;

    for round in 0..KILLS {
        let (mut child, reported) = spawn_child(
            "killing_a_save_at_any_moment_leaves_the_old_or_the_new_vault",
            (CHILD, &path),
        );
        // libtest prints its own text first, on the same line. The deadline
        // only keeps a broken child from hanging the run.
        let deadline = Instant::now() + Duration::from_secs(60);
        let ready = loop {
            match reported.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) if line.ends_with("ready") => break true,
                Ok(_) => {}
                Err(_) => break false,
            }
        };
        if !ready {
            let _ = child.kill();
        }
        assert!(ready, "round {round}: the child never got ready");
        // Somewhere in the first few saves, at a random instant.
        std::thread::sleep(Duration::from_micros(random_below(8_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        // Ends when the reader has passed on the dead child's last line.
        let last_completed = reported
            .iter()
            .filter_map(|line| {
                line.strip_prefix("saved ")
                    .map(|n| n.parse::<u64>().unwrap())
            })
            .last()
            .unwrap_or(on_disk);

        let reopened = Vault::open(&path, Unlock::Passphrase(passphrase()))
            .unwrap_or_else(|error| panic!("round {round}: {error}"));
        let found = generation(&reopened);
        assert!(
            found == last_completed || found == last_completed + 1,
            "round {round}: the vault holds generation {found}, but the last completed save was {last_completed}"
        );
        on_disk = found;
    }

    // One ordinary save (it needs the lock the killed children held) clears
    // the temp files they left behind.
    let mut vault = Vault::open(&path, Unlock::Passphrase(passphrase())).unwrap();
    set_generation(&mut vault, on_disk + 1);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        names
            .iter()
            .all(|name| ["vault.bin", "vault.bin.bak", "vault.bin.lock"].contains(&name.as_str())),
        "{names:?}"
    );
}

/// Spawns this test binary as a child running `test` with `env` set, and
/// returns it with its stdout lines.
fn spawn_child(test: &str, env: (&str, &Path)) -> (std::process::Child, mpsc::Receiver<String>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(env.0, env.1)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, reported) = mpsc::channel();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    (child, reported)
}

#[test]
fn a_writer_killed_while_holding_the_lock_leaves_it_free() {
    if let Ok(path) = std::env::var(HOLDER) {
        // The child: inside a change, with the lock held, say so and hang.
        let mut vault = Vault::open(&path, Unlock::Passphrase(passphrase())).unwrap();
        vault
            .transact(|_| -> Result<(), VaultError> {
                println!("holding");
                loop {
                    std::thread::sleep(Duration::from_secs(60));
                }
            })
            .unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.bin");
    let mut vault = Vault::create(&path, Protection::Passphrase(passphrase())).unwrap();
    set_generation(&mut vault, 4);
    let (mut child, reported) = spawn_child(
        "a_writer_killed_while_holding_the_lock_leaves_it_free",
        (HOLDER, &path),
    );
    let holding = reported.iter().any(|line| line.ends_with("holding"));
    assert!(holding, "the child never took the lock");

    // While it holds the lock, a writer waits, then gives up cleanly.
    let before = std::fs::read(&path).unwrap();
    let started = Instant::now();
    let busy = vault
        .add_account(Account::new(
            OtpAuth::parse("otpauth://totp/Waiting:me?secret=KRSXG5CTMVRXEZLU").unwrap(),
            1_700_000_000,
        ))
        .unwrap_err();
    assert!(matches!(busy, VaultError::Busy { .. }), "{busy:?}");
    assert!(started.elapsed() >= LOCK_WAIT);
    assert!(busy.to_string().contains("nothing was changed"), "{busy}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the busy writer wrote nothing"
    );
    assert_eq!(generation(&vault), 4);

    child.kill().unwrap();
    child.wait().unwrap();
    // The kernel let go of the dead holder's lock: the next writer goes
    // straight in, and the vault it leaves opens.
    let started = Instant::now();
    set_generation(&mut vault, 5);
    assert!(
        started.elapsed() < LOCK_WAIT,
        "the lock outlived its holder"
    );
    let reopened = Vault::open(&path, Unlock::Passphrase(passphrase())).unwrap();
    assert_eq!(generation(&reopened), 5);
}
