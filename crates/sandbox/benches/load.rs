//! Loopback load on the Sandbox, run by `scripts/bench-sandbox` (`make bench`):
//! a baseline on the cheapest route (`GET /sandbox/health`, the same server and
//! client doing almost nothing), a warm-up, create-verification (each to a number
//! the service has no verification for), then check (each approving one of the
//! verifications just created), over keep-alive HTTP/1.1 connections driven by
//! a minimal client so the load generator costs little CPU. Prints req/s, p50, p99.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use twofold_sandbox::{RunningSandbox, SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, SandboxConfig};

/// The allocator of the `twofold-sandbox` binary, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const REQUESTS: usize = 60_000;
const CONNECTIONS: usize = 64;
const ROUNDS: usize = 3;

fn number(i: usize) -> String {
    format!("+1415{:07}", 2_000_000 + i)
}

/// Sends one request on a keep-alive connection; returns the status code.
async fn exchange(conn: &mut TcpStream, buf: &mut Vec<u8>, request: &[u8]) -> u16 {
    conn.write_all(request).await.unwrap();
    buf.clear();
    loop {
        let mut chunk = [0u8; 8192];
        let n = conn.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the Sandbox closed the connection");
        buf.extend_from_slice(&chunk[..n]);
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = std::str::from_utf8(&buf[..end])
            .unwrap()
            .to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        if buf.len() >= end + 4 + length {
            return head[9..12].parse().unwrap();
        }
    }
}

fn request(addr: &str, auth: &str, path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Runs `make(i)` for i in 0..REQUESTS over CONNECTIONS connections; prints the
/// figures and returns the rate.
async fn load(name: &str, addr: &str, make: MakeRequest, expect: u16) -> f64 {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (next, make, addr, name) =
            (next.clone(), make.clone(), addr.to_owned(), name.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut conn = TcpStream::connect(&addr).await.unwrap();
            conn.set_nodelay(true).unwrap();
            let mut buf = Vec::with_capacity(16 * 1024);
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= REQUESTS {
                    return latencies;
                }
                let req = make(i);
                let t = Instant::now();
                let status = exchange(&mut conn, &mut buf, &req).await;
                latencies.push(t.elapsed());
                assert_eq!(status, expect, "request {i} of {name}");
            }
        }));
    }
    let mut all: Vec<Duration> = Vec::with_capacity(REQUESTS);
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort_unstable();
    let pct =
        |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1000.0;
    let rate = all.len() as f64 / elapsed.as_secs_f64();
    println!(
        "{name:<22} {rate:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests, {CONNECTIONS} connections)",
        pct(0.50),
        pct(0.99),
        all.len()
    );
    rate
}

/// The middle of an odd number of rates.
fn median(mut rates: Vec<f64>) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

async fn create_service(addr: &str, auth: &str, name: &str) -> String {
    let mut conn = TcpStream::connect(addr).await.unwrap();
    let mut buf = Vec::new();
    let body = format!("FriendlyName={}", name.replace(' ', "+"));
    let status = exchange(
        &mut conn,
        &mut buf,
        &request(addr, auth, "/v2/Services", &body),
    )
    .await;
    assert_eq!(status, 201);
    let text = String::from_utf8_lossy(&buf).into_owned();
    text.split("\"sid\":\"").nth(1).unwrap()[..34].to_owned()
}

/// Builds request number `i` of a run.
type MakeRequest = Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync>;

/// Request `i` sends a code by SMS to number `i`.
fn sends(addr: &str, auth: &str, service: &str) -> MakeRequest {
    let (addr, auth) = (addr.to_owned(), auth.to_owned());
    let path = format!("/v2/Services/{service}/Verifications");
    Arc::new(move |i| {
        let body = format!("To=%2B{}&Channel=sms", &number(i)[1..]);
        request(&addr, &auth, &path, &body)
    })
}

/// Request `i` checks the code sent to number `i` by `service`.
fn checks_of(sandbox: &RunningSandbox, addr: &str, auth: &str, service: &str) -> MakeRequest {
    let codes: HashMap<String, String> = sandbox
        .outbox()
        .into_iter()
        .filter(|m| m.service_sid == service)
        .map(|m| (m.to, m.code.unwrap_or_default()))
        .collect();
    let (addr, auth) = (addr.to_owned(), auth.to_owned());
    let path = format!("/v2/Services/{service}/VerificationCheck");
    Arc::new(move |i| {
        let to = number(i);
        let body = format!("To=%2B{}&Code={}", &to[1..], codes[&to]);
        request(&addr, &auth, &path, &body)
    })
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sandbox = twofold_sandbox::serve(SandboxConfig::default())
            .await
            .unwrap();
        let addr = sandbox.addr().to_string();
        let auth = base64::engine::general_purpose::STANDARD
            .encode(format!("{SANDBOX_ACCOUNT_SID}:{SANDBOX_AUTH_TOKEN}"));

        // The same load on the cheapest route: what this machine and client allow.
        let health = format!("GET /sandbox/health HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes();
        load(
            "baseline (health)",
            &addr,
            Arc::new(move |_| health.clone()),
            200,
        )
        .await;

        // Compiles the +1 numbering plan's patterns and grows the tables once, so the
        // figures are of a Sandbox that has been in use.
        let warm = create_service(&addr, &auth, "Warm up").await;
        load("warm-up (create)", &addr, sends(&addr, &auth, &warm), 201).await;

        // Rounds, each on a service of its own, tell the machine's noise from the Sandbox.
        let (mut creates, mut checks) = (Vec::new(), Vec::new());
        for round in 1..=ROUNDS {
            let va = create_service(&addr, &auth, &format!("Bench {round}")).await;
            let sends = sends(&addr, &auth, &va);
            creates.push(load("create verification", &addr, sends, 201).await);
            checks.push(
                load(
                    "check (approve)",
                    &addr,
                    checks_of(&sandbox, &addr, &auth, &va),
                    200,
                )
                .await,
            );
        }
        println!(
            "median of {ROUNDS} rounds: create {:.0} req/s, check {:.0} req/s",
            median(creates),
            median(checks)
        );
        sandbox.shutdown().await;
    });
}
