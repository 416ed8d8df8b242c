//! `twofold-cli factors` and `entities` against a Sandbox on 127.0.0.1: a TOTP
//! factor created and kept in the vault, its codes checked against oathtool
//! (an independent TOTP), verified and challenged with the vault's code.
#![allow(clippy::unwrap_used)]

#[path = "../../authenticator/tests/vault_support/mod.rs"]
mod vault_support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{SystemTime, UNIX_EPOCH};

use twofold_authenticator::{FactorLink, Protection, Unlock, Vault};
use twofold_sandbox::{RunningSandbox, SandboxConfig};

const PASSPHRASE: &str = "factors test";

struct Sandbox {
    running: RunningSandbox,
    _runtime: tokio::runtime::Runtime,
}

fn sandbox() -> Sandbox {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime
        .block_on(twofold_sandbox::serve(SandboxConfig::default()))
        .unwrap();
    Sandbox {
        running,
        _runtime: runtime,
    }
}

fn cli(sandbox: &Sandbox, home: &Path, args: &[&str]) -> Output {
    let credentials = sandbox.running.credentials();
    Command::new(env!("CARGO_BIN_EXE_twofold-cli"))
        .args(args)
        .env("TWILIO_ACCOUNT_SID", credentials.account_sid())
        .env("TWILIO_AUTH_TOKEN", credentials.auth_token())
        .env_remove("TWILIO_VERIFY_SERVICE_SID")
        .env("TWOFOLD_TWILIO_BASE_URL", sandbox.running.base_url())
        .env("TWOFOLD_VAULT", home.join("vault.twofold"))
        .env("TWOFOLD_PASSPHRASE", PASSPHRASE)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .unwrap()
}

#[track_caller]
fn exits(output: &Output, code: i32) -> String {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn oathtool(secret: &str, at: u64) -> String {
    let out = Command::new("oathtool")
        .args(["--totp", "-b", secret, &format!("--now=@{at}")])
        .output()
        .expect("oathtool (make test installs it)");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// What the vault at `path` keeps of the factor `sid`.
fn factor_link(path: &Path, sid: &str) -> FactorLink {
    let vault = Vault::open(
        path,
        Unlock::Passphrase(vault_support::passphrase(PASSPHRASE)),
    )
    .unwrap();
    vault.factor_account(sid).unwrap().factor.clone().unwrap()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn enrol_keep_verify_and_challenge_a_totp_factor_from_a_terminal() {
    let sandbox = sandbox();
    let home = tempfile::tempdir().unwrap();
    let vault_path = home.path().join("vault.twofold");
    Vault::create(
        &vault_path,
        Protection::Passphrase(vault_support::passphrase(PASSPHRASE)),
    )
    .unwrap();
    let run = |args: &[&str]| cli(&sandbox, home.path(), args);

    let va = exits(
        &run(&["verify", "services", "create", "--name", "Acme QA"]),
        0,
    );
    let identity = "qa-user-0001";
    let bad = run(&[
        "factors",
        "--service",
        &va,
        "create",
        "--identity",
        "ada@x",
        "--name",
        "x",
    ]);
    exits(&bad, 3);
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("8 to 64 letters and digits, in groups joined by single dashes")
    );

    let created = exits(
        &run(&[
            "factors",
            "--service",
            &va,
            "create",
            "--identity",
            identity,
            "--name",
            "QA phone",
            "--add",
        ]),
        0,
    );
    let mut lines = created.lines();
    let first = lines.next().unwrap();
    assert!(first.ends_with("unverified"), "{created}");
    let factor = first.split_whitespace().next().unwrap().to_owned();
    let secret = lines
        .find_map(|line| line.strip_prefix("secret: "))
        .unwrap()
        .to_owned();

    // The vault keeps it, linked, and its code is oathtool's.
    let shown = exits(&run(&["code", "QA phone"]), 0);
    let at = now();
    assert!(
        [at - 1, at].iter().any(|t| oathtool(&secret, *t) == shown),
        "the vault's code {shown} is not oathtool's"
    );
    let link = factor_link(&vault_path, &factor);
    assert_eq!(
        (link.service_sid.as_str(), link.identity.as_str()),
        (va.as_str(), identity)
    );

    // A wrong code leaves it unverified; the vault's code verifies it.
    let wrong = run(&[
        "factors",
        "--service",
        &va,
        "verify",
        "--identity",
        identity,
        &factor,
        "--code",
        "000000",
    ]);
    assert_eq!(exits(&wrong, 1), "unverified");
    let verified = run(&[
        "factors",
        "--service",
        &va,
        "verify",
        "--identity",
        identity,
        &factor,
    ]);
    assert_eq!(exits(&verified, 0), "verified");

    // Challenges: the vault's code approves, a wrong one stays pending.
    let approved = exits(
        &run(&[
            "factors",
            "--service",
            &va,
            "challenge",
            "--identity",
            identity,
            &factor,
        ]),
        0,
    );
    assert!(approved.ends_with("approved"), "{approved}");
    let pending = run(&[
        "factors",
        "--service",
        &va,
        "challenge",
        "--identity",
        identity,
        &factor,
        "--code",
        "000000",
    ]);
    assert!(exits(&pending, 1).ends_with("pending"));

    let listed = exits(
        &run(&["factors", "--service", &va, "list", "--identity", identity]),
        0,
    );
    assert!(
        listed.contains(&factor) && listed.contains("verified"),
        "{listed}"
    );
    let entities = exits(&run(&["entities", "--service", &va, "list"]), 0);
    assert!(entities.contains(identity), "{entities}");

    // Deleting the factor marks the linked account instead of losing it.
    exits(
        &run(&[
            "factors",
            "--service",
            &va,
            "delete",
            "--identity",
            identity,
            &factor,
        ]),
        0,
    );
    let link = factor_link(&vault_path, &factor);
    assert!(link.deleted_at.is_some());
    exits(&run(&["entities", "--service", &va, "delete", identity]), 0);
    assert_eq!(exits(&run(&["entities", "--service", &va, "list"]), 0), "");
}
