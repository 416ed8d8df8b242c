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

/// Sends a code to each of `numbers` at once; answers `(to, verification SID)` in order.
async fn send_all(
    api: &Api,
    va: &str,
    numbers: impl Iterator<Item = String>,
) -> Vec<(String, String)> {
    let mut sends = tokio::task::JoinSet::new();
    for (i, to) in numbers.enumerate() {
        let (api, va) = (Api::new(api.base.clone()), va.to_owned());
        sends.spawn(async move {
            let sent = api.send_code(&va, &to, "sms").await;
            assert_eq!(sent.status, 201);
            (i, to, sent.str("sid"))
        });
    }
    let mut all = sends.join_all().await;
    all.sort();
    all.into_iter().map(|(_, to, sid)| (to, sid)).collect()
}

#[tokio::test]
async fn every_answered_send_survives_sigkill_through_the_journal_and_a_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let (mut child, base) = spawn(&state);
    let api = Api::new(base);
    let va = api.service(&[]).await;
    // Concurrent sends share group commits: several lines per fsync.
    let mut sent = send_all(
        &api,
        &va,
        (0..40).map(|n| format!("+1415555{:04}", 1000 + n)),
    )
    .await;
    // Putting a snapshot back replaces the state: the journal is folded into a new
    // snapshot file and starts again.
    let snapshot = api
        .http
        .get(format!("{}/sandbox/snapshot", api.base))
        .basic_auth(&api.user, Some(&api.pass))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        api.put_json("/sandbox/snapshot", snapshot).await.status,
        204
    );
    let journal = dir.path().join("sandbox.json.journal");
    let after_compaction = std::fs::metadata(&journal).unwrap().len();
    sent.extend(
        send_all(
            &api,
            &va,
            (40..80).map(|n| format!("+1415555{:04}", 1000 + n)),
        )
        .await,
    );
    let code = api.last_code("+14155551079").await;
    assert_eq!(
        api.check(&va, "+14155551079", &code).await.str("status"),
        "approved"
    );
    assert!(std::fs::metadata(&journal).unwrap().len() > after_compaction);
    child.kill().unwrap();
    child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&journal).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the journal holds codes and secrets too"
        );
    }
    // A crash in mid-write leaves half a line: it is ignored.
    let mut torn = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    std::io::Write::write_all(&mut torn, br#"{"clock_offset":0,"verifications":{"VE"#).unwrap();
    drop(torn);

    for round in 0..2 {
        let (mut child, base) = spawn(&state);
        let api = Api::new(base);
        let outbox = api.get("/sandbox/outbox").await.body["messages"].clone();
        assert_eq!(
            outbox.as_array().unwrap().len(),
            80 + round,
            "round {round}"
        );
        for (to, sid) in &sent[..79] {
            let fetched = api
                .get(&format!("/v2/Services/{va}/Verifications/{sid}"))
                .await;
            assert_eq!((fetched.status, fetched.str("to")), (200, to.clone()));
        }
        let approved = api
            .get(&format!("/v2/Services/{va}/Verifications/{}", sent[79].1))
            .await;
        assert_eq!(approved.status, 404, "the approval survived too");
        // After the torn line was cut off, new lines append cleanly.
        api.send_code(&va, "+14155552000", "sms").await;
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
