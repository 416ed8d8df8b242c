//! A small client for the Sandbox tests: real HTTP on 127.0.0.1.
#![allow(clippy::unwrap_used, dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use twofold_sandbox::{
    ClockMode, RunningSandbox, SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, SandboxConfig,
};

pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub user: String,
    pub pass: String,
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap_or(0)
    }
    pub fn str(&self, key: &str) -> String {
        self.body[key].as_str().unwrap_or_default().to_owned()
    }
    /// Asserts Twilio's error: this HTTP status and error code, with a message
    /// that names `subject` (the parameter at fault, the number, ...).
    #[track_caller]
    pub fn assert_error(&self, (status, code): (u16, i64), subject: &str) {
        assert_eq!((self.status, self.code()), (status, code), "{}", self.body);
        assert!(
            self.str("message").contains(subject),
            "the message should name {subject}: {}",
            self.body
        );
    }
}

impl Api {
    pub fn new(base: impl Into<String>) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: base.into(),
            user: SANDBOX_ACCOUNT_SID.into(),
            pass: SANDBOX_AUTH_TOKEN.into(),
        }
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> Reply {
        let r = rb
            .basic_auth(&self.user, Some(&self.pass))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        Reply {
            status,
            body,
            headers,
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.send(self.http.post(self.url(path)).form(form)).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.http.get(self.url(path))).await
    }

    /// PUT of a raw body, as JSON (`PUT /sandbox/snapshot`).
    pub async fn put_json(&self, path: &str, body: impl Into<reqwest::Body>) -> Reply {
        let request = self.http.put(self.url(path)).body(body);
        self.send(request.header(reqwest::header::CONTENT_TYPE, "application/json"))
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.http.delete(self.url(path))).await
    }

    pub async fn service(&self, extra: &[(&str, &str)]) -> String {
        let mut form = vec![("FriendlyName", "Acme")];
        form.extend_from_slice(extra);
        let r = self.post("/v2/Services", &form).await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.str("sid")
    }

    pub async fn send_code(&self, service: &str, to: &str, channel: &str) -> Reply {
        self.post(
            &format!("/v2/Services/{service}/Verifications"),
            &[("To", to), ("Channel", channel)],
        )
        .await
    }

    pub async fn check(&self, service: &str, to: &str, code: &str) -> Reply {
        self.post(
            &format!("/v2/Services/{service}/VerificationCheck"),
            &[("To", to), ("Code", code)],
        )
        .await
    }

    /// The code of the newest outbox message to `to`.
    pub async fn last_code(&self, to: &str) -> String {
        let r = self
            .get(&format!("/sandbox/outbox?To={}", to.replace('+', "%2B")))
            .await;
        let messages = r.body["messages"].as_array().unwrap();
        messages.last().unwrap()["code"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// The Sandbox binary at `$TWOFOLD_SANDBOX_URL` when set (scripts/test-sdk runs the
/// concurrency test against it), else one started in-process.
pub async fn target() -> (Option<RunningSandbox>, Api) {
    match std::env::var("TWOFOLD_SANDBOX_URL") {
        Ok(url) => (None, Api::new(url)),
        Err(_) => {
            let (sandbox, api) = start().await;
            (Some(sandbox), api)
        }
    }
}

/// A Sandbox as configured by default, on a frozen clock (see [`serve`]).
pub async fn start() -> (RunningSandbox, Api) {
    serve(SandboxConfig::default()).await
}

/// A Sandbox serving `config` on a frozen clock: the rules are checked to the
/// second, and a second turning between two requests of a test must not change
/// an answer.
pub async fn serve(config: SandboxConfig) -> (RunningSandbox, Api) {
    let sandbox = twofold_sandbox::serve(SandboxConfig {
        clock: ClockMode::Frozen,
        ..config
    })
    .await
    .unwrap();
    let api = Api::new(sandbox.base_url());
    (sandbox, api)
}

/// Starts the `twofold-sandbox` binary with `args` and `env` (and without the
/// caller's `TWILIO_*` credentials), and reads its first stdout line.
pub fn spawn_binary(args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_twofold-sandbox"));
    cmd.args(args)
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("TWILIO_AUTH_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}
