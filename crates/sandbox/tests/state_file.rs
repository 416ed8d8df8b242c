//! `--state FILE`: everything survives a SIGKILL of the binary and a restart.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Child, Command};

use common::{Api, spawn_binary};

fn spawn(state: &std::path::Path) -> (Child, String) {
    let state = state.to_str().unwrap();
    let (child, line) = spawn_binary(&["--listen", "127.0.0.1:0", "--state", state], &[]);
    let base = line
        .trim()
        .strip_prefix("twofold-sandbox listening on ")
        .unwrap()
        .to_owned();
    (child, base)
}

#[tokio::test]
async fn state_survives_sigkill_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox-state.json");
    let (mut child, base) = spawn(&state);
    let api = Api::new(base);
    let va = api.service(&[("CodeLength", "7")]).await;
    let to = "+14155550131";
    let sent = api.send_code(&va, to, "sms").await;
    let code = api.last_code(to).await;
    api.post("/sandbox/clock", &[("AdvanceSeconds", "60")])
        .await;
    api.check(&va, to, "0000000").await;
    let reviewer = [("To", "+14155550132"), ("Code", "2468")];
    assert_eq!(
        api.post("/sandbox/test-numbers", &reviewer).await.status,
        201
    );
    // SIGKILL: no chance to flush anything the response did not already wait for.
    child.kill().unwrap();
    child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "factor secrets are for the owner only");
    }

    let (mut child, base) = spawn(&state);
    let api = Api::new(base);
    assert_eq!(
        api.get(&format!("/v2/Services/{va}")).await.body["code_length"],
        7
    );
    assert_eq!(api.last_code(to).await, code, "the outbox survived");
    assert_eq!(
        api.get("/sandbox/clock").await.body["offset_seconds"],
        60,
        "so did the clock"
    );
    assert_eq!(
        api.get("/sandbox/test-numbers").await.body["test_numbers"],
        serde_json::json!([{ "to": "+14155550132", "code": "2468" }]),
        "and the test numbers"
    );
    let fetched = api
        .get(&format!(
            "/v2/Services/{va}/Verifications/{}",
            sent.str("sid")
        ))
        .await;
    assert_eq!(fetched.status, 200);
    for _ in 0..4 {
        assert_eq!(api.check(&va, to, "0000000").await.str("status"), "pending");
    }
    assert_eq!(
        api.check(&va, to, &code).await.code(),
        60202,
        "the check count survived too"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn a_foreign_state_file_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("notes.txt");
    std::fs::write(&state, "not json").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_twofold-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a Sandbox state file"), "{err}");
}

#[tokio::test]
async fn a_second_sandbox_on_a_state_file_in_use_says_so_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let (mut first, base) = spawn(&state);
    let api = Api::new(base.clone());
    let va = api.service(&[("CodeLength", "8")]).await;
    let second = Command::new(env!("CARGO_BIN_EXE_twofold-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .output()
        .unwrap();
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("is in use by another Sandbox"), "{err}");
    // The first one's state is untouched and it keeps serving.
    assert_eq!(
        api.get(&format!("/v2/Services/{va}")).await.body["code_length"],
        8
    );
    first.kill().unwrap();
    first.wait().unwrap();
    // Killed, it no longer holds the file: a new Sandbox takes it over.
    let (mut third, base) = spawn(&state);
    assert_eq!(
        Api::new(base).get(&format!("/v2/Services/{va}")).await.body["code_length"],
        8
    );
    third.kill().unwrap();
    third.wait().unwrap();
}
