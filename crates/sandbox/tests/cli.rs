//! The `twofold-sandbox` binary's contract: its first stdout line, credentials from
//! flags or the environment, API keys. (The non-loopback warning is a unit test in
//! main.rs: tests bind 127.0.0.1 only.)
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::process::{Child, Command};

use common::{Api, spawn_binary as spawn};

const OTHER_SANDBOX_ACCOUNT: &str = "AC11111111111111111111111111111111";
const SANDBOX_API_KEY: &str = "SK22222222222222222222222222222222";

fn stop(mut child: Child) -> String {
    child.kill().unwrap();
    child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    stderr
}

fn base(line: &str) -> String {
    line.trim_end()
        .strip_prefix("twofold-sandbox listening on ")
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn first_line_names_the_loopback_address_and_defaults_authenticate() {
    let (child, line) = spawn(&["--listen", "127.0.0.1:0"], &[]);
    assert!(
        line.starts_with("twofold-sandbox listening on http://127.0.0.1:"),
        "{line:?}"
    );
    assert!(
        line.ends_with('\n') && !line.trim_end().ends_with(":0"),
        "a real port: {line:?}"
    );
    let api = Api::new(base(&line));
    assert_eq!(api.get("/v2/Services").await.status, 200);
    assert!(
        !stop(child).contains("warning"),
        "loopback needs no warning"
    );
}

#[tokio::test]
async fn credentials_come_from_the_environment_and_api_keys_from_flags() {
    let key = format!("{SANDBOX_API_KEY}:key-secret");
    let (child, line) = spawn(
        &["--listen", "127.0.0.1:0", "--api-key", &key],
        &[
            ("TWILIO_ACCOUNT_SID", OTHER_SANDBOX_ACCOUNT),
            ("TWILIO_AUTH_TOKEN", "env-token"),
        ],
    );
    let mut api = Api::new(base(&line));
    assert_eq!(
        api.get("/v2/Services").await.status,
        401,
        "the built-in pair is replaced"
    );
    api.user = OTHER_SANDBOX_ACCOUNT.into();
    api.pass = "env-token".into();
    let created = api.post("/v2/Services", &[("FriendlyName", "Env")]).await;
    assert_eq!(created.str("account_sid"), OTHER_SANDBOX_ACCOUNT);
    api.user = SANDBOX_API_KEY.into();
    api.pass = "key-secret".into();
    assert_eq!(
        api.get("/v2/Services").await.status,
        200,
        "the API key works too"
    );
    stop(child);
}

#[test]
fn bad_credentials_are_refused_at_start() {
    let out = Command::new(env!("CARGO_BIN_EXE_twofold-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--api-key", "SK-no-secret"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SK…:SECRET"));
}
