//! The `twofold-sandbox` binary's contract: its first stdout line, credentials from
//! flags or the environment, API keys, the frozen clock. (The non-loopback warning is a unit test in
//! main.rs: tests bind 127.0.0.1 only.)
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::process::{Child, Command};

use common::{Api, spawn_binary as spawn};
use time::format_description::well_known::Rfc3339;

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
    assert_eq!(
        api.get("/sandbox/clock").await.body["frozen"],
        false,
        "the clock runs unless asked"
    );
    assert!(
        !stop(child).contains("warning"),
        "loopback needs no warning"
    );
}

#[tokio::test]
async fn a_frozen_clock_moves_only_when_advanced() {
    let (child, line) = spawn(&["--listen", "127.0.0.1:0", "--frozen-clock"], &[]);
    let api = Api::new(base(&line));
    let seconds = |reply: common::Reply| {
        time::OffsetDateTime::parse(&reply.str("now"), &Rfc3339)
            .unwrap()
            .unix_timestamp()
    };
    let started = api.get("/sandbox/clock").await;
    assert_eq!(started.body["frozen"], true);
    let started = seconds(started);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(
        seconds(api.get("/sandbox/clock").await),
        started,
        "a second passed on the machine, none in the Sandbox"
    );
    let advanced = api
        .post("/sandbox/clock", &[("AdvanceSeconds", "90")])
        .await;
    assert_eq!(seconds(advanced), started + 90);
    stop(child);
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

const SEED: &str = r#"{
  "services": [{ "Sid": "VA00000000000000000000000000000001", "FriendlyName": "Demo", "CodeLength": 8 }],
  "test_numbers": [
    { "to": "+14155550100", "code": "12345678" },
    { "to": "+14155550199", "error_code": 60410 }
  ],
  "faults": [{ "method": "GET", "path_prefix": "/v2/Attempts", "status": 503, "code": 20503, "seed": 7 }]
}"#;

#[tokio::test]
async fn a_seed_file_starts_the_sandbox_with_its_services_test_numbers_and_faults() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, SEED).unwrap();
    let state = dir.path().join("state.json");
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--seed-file",
        seed.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ];
    let (child, line) = spawn(&args, &[]);
    let api = Api::new(base(&line));
    let va = "VA00000000000000000000000000000001";
    let service = api.get(&format!("/v2/Services/{va}")).await;
    assert_eq!(
        (
            service.str("friendly_name"),
            service.body["code_length"].as_i64()
        ),
        ("Demo".into(), Some(8))
    );
    assert_eq!(api.send_code(va, "+14155550100", "sms").await.status, 201);
    assert_eq!(api.last_code("+14155550100").await, "12345678");
    let blocked = api.send_code(va, "+14155550199", "sms").await;
    assert_eq!((blocked.status, blocked.code()), (403, 60410));
    assert_eq!(api.get("/v2/Attempts").await.status, 503);
    api.delete("/sandbox/faults").await;
    api.post("/v2/Services", &[("FriendlyName", "made after the seed")])
        .await;
    stop(child);

    // The state holds something now: a second start leaves it as it is.
    let (child, line) = spawn(&args, &[]);
    let api = Api::new(base(&line));
    let services = api.get("/v2/Services").await;
    assert_eq!(services.body["services"].as_array().unwrap().len(), 2);
    assert_eq!(
        api.get("/sandbox/faults").await.body["faults"],
        serde_json::json!([])
    );
    stop(child);
}

/// Starts the binary on a seed file holding `seed`, expecting it to refuse
/// to start; answers what it said on stderr.
fn refused_seed(seed: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.json");
    std::fs::write(&path, seed).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_twofold-sandbox"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--seed-file",
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_seed_file_with_a_mistake_names_it_and_the_sandbox_does_not_start() {
    let stderr = refused_seed(
        r#"{"services": [{"FriendlyName": "ok"}, {"FriendlyName": "bad", "CodeLength": 12}]}"#,
    );
    assert!(
        stderr.contains("seed file's service 2 was refused") && stderr.contains("CodeLength"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was seeded"), "{stderr}");
    let stderr = refused_seed(r#"{"service": []}"#);
    assert!(
        stderr.contains("is not a seed") && stderr.contains("unknown field `service`"),
        "{stderr}"
    );
}
