//! `twofold-cli verify` and `lookup` as a script runs them, against a Sandbox
//! on 127.0.0.1 acting as Twilio: send, check, 60202, exit codes, and no
//! token in any output.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use twofold_sandbox::{Credentials, RunningSandbox, SandboxConfig};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "tok-never-printed-7f3a";

/// A Sandbox serving from a runtime of its own while the test runs the CLI.
struct Sandbox {
    running: RunningSandbox,
    _runtime: tokio::runtime::Runtime,
}

impl Sandbox {
    fn start() -> Sandbox {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let config = SandboxConfig {
            credentials: Credentials::new(ACCOUNT, TOKEN).unwrap(),
            ..SandboxConfig::default()
        };
        let running = runtime.block_on(twofold_sandbox::serve(config)).unwrap();
        Sandbox {
            running,
            _runtime: runtime,
        }
    }

    fn last_code(&self) -> String {
        self.running.outbox().last().unwrap().code.clone().unwrap()
    }
}

/// The CLI with the Environment profile pointed at the Sandbox, and a
/// scratch home for its history.
fn cli(sandbox: &Sandbox, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twofold-cli"))
        .args(args)
        .env("TWILIO_ACCOUNT_SID", ACCOUNT)
        .env("TWILIO_AUTH_TOKEN", TOKEN)
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_REGION")
        .env_remove("TWILIO_EDGE")
        .env_remove("TWILIO_VERIFY_SERVICE_SID")
        .env("TWOFOLD_TWILIO_BASE_URL", sandbox.running.base_url())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[track_caller]
fn exits(output: &Output, code: i32) -> String {
    assert_eq!(output.status.code(), Some(code), "{}", text(output));
    assert!(
        !text(output).contains(TOKEN),
        "the token was printed: {}",
        text(output)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn send_check_and_the_sixth_wrong_check_from_a_terminal() {
    let sandbox = Sandbox::start();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| cli(&sandbox, home.path(), args);

    let va = exits(&run(&["verify", "services", "create", "--name", "Acme"]), 0);
    assert!(va.starts_with("VA"), "{va}");
    let to = "+14155550123";
    let check = |code: &str| {
        run(&[
            "verify",
            "--service",
            &va,
            "check",
            "--to",
            to,
            "--code",
            code,
        ])
    };
    let sent = exits(&run(&["verify", "--service", &va, "send", "--to", to]), 0);
    assert!(
        sent.contains("pending") && sent.contains("sms to +14155550123"),
        "{sent}"
    );

    let wrong = check("000000");
    assert_eq!(exits(&wrong, 1), "pending");
    let code = sandbox.last_code();
    let right = check(&code);
    assert_eq!(exits(&right, 0), "approved");

    // A new verification: five wrong checks, then Twilio's 60202 and its fix.
    exits(&run(&["verify", "--service", &va, "send", "--to", to]), 0);
    for _ in 0..5 {
        exits(&check("000000"), 1);
    }
    let sixth = check("000000");
    exits(&sixth, 6);
    let stderr = String::from_utf8_lossy(&sixth.stderr);
    assert!(
        stderr.contains("Twilio error 60202: ") && stderr.contains("Fix: five wrong codes"),
        "{stderr}"
    );

    // The history names what happened, masked, with no code in it.
    let history = std::fs::read_to_string(home.path().join("data/twofold/history.jsonl")).unwrap();
    assert_eq!(history.lines().count(), 10, "{history}");
    assert!(
        history.contains("••••••••••23") && !history.contains(to),
        "{history}"
    );
    assert!(history.contains("\"errorCode\":60202"), "{history}");
    assert!(!history.contains(&code), "a code reached the history");
}

#[test]
fn json_output_lookup_and_help_never_show_the_token() {
    let sandbox = Sandbox::start();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| cli(&sandbox, home.path(), args);

    let created = exits(
        &run(&["--json", "verify", "services", "create", "--name", "Json"]),
        0,
    );
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let va = created["sid"].as_str().unwrap().to_owned();
    let sent = exits(
        &run(&[
            "--json",
            "verify",
            "--service",
            &va,
            "send",
            "--to",
            "+14155550188",
        ]),
        0,
    );
    let sent: serde_json::Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(sent["status"], "pending");
    let sid = sent["sid"].as_str().unwrap();
    let canceled = exits(&run(&["verify", "--service", &va, "cancel", sid]), 0);
    assert!(canceled.contains("canceled"), "{canceled}");

    let landline = exits(
        &run(&[
            "lookup",
            "+14155550100",
            "--fields",
            "line_type_intelligence",
        ]),
        0,
    );
    assert!(landline.contains("line type: landline"), "{landline}");
    for args in [
        &["--help"][..],
        &["verify", "--help"],
        &["verify", "send", "--help"],
        &["profiles"],
    ] {
        exits(&run(args), 0);
    }

    // Without a service, the CLI says how to name one.
    let no_service = run(&["verify", "send", "--to", "+14155550188"]);
    exits(&no_service, 6);
    assert!(
        text(&no_service).contains("no Verify Service"),
        "{}",
        text(&no_service)
    );
}
