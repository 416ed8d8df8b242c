//! Loopback load on the Sandbox, run by `scripts/bench-sandbox` (`make bench`):
//! a baseline on the cheapest route (`GET /sandbox/health`, the same server and
//! client doing almost nothing), create-verification, then check (each approving one
//! of the verifications just created), over keep-alive HTTP/1.1 connections driven by
//! a minimal client so the load generator costs little CPU. Prints req/s, p50, p99.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use twofold_sandbox::{SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, SandboxConfig};

/// The allocator of the `twofold-sandbox` binary, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const REQUESTS: usize = 60_000;
const CONNECTIONS: usize = 64;

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

/// Runs `make(i)` for i in 0..REQUESTS over CONNECTIONS connections; prints the figures.
async fn load(name: &str, addr: &str, make: MakeRequest, expect: u16) {
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
    println!(
        "{name:<22} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests, {CONNECTIONS} connections)",
        all.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99),
        all.len()
    );
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

        let va = create_service(&addr, &auth, "Bench").await;
        load("create verification", &addr, sends(&addr, &auth, &va), 201).await;

        let codes: std::collections::HashMap<String, String> = sandbox
            .outbox()
            .into_iter()
            .map(|m| (m.to, m.code.unwrap_or_default()))
            .collect();
        let codes = Arc::new(codes);
        let (a, au) = (addr.clone(), auth.clone());
        let check_path = format!("/v2/Services/{va}/VerificationCheck");
        let check: MakeRequest = Arc::new(move |i| {
            let to = number(i);
            let body = format!("To=%2B{}&Code={}", &to[1..], codes[&to]);
            request(&a, &au, &check_path, &body)
        });
        load("check (approve)", &addr, check, 200).await;

        // The same numbers again on a second service: libphonenumber's parsing, the
        // largest cost of a send to a number never seen before, is remembered per number.
        let again = create_service(&addr, &auth, "Bench again").await;
        load(
            "create (known numbers)",
            &addr,
            sends(&addr, &auth, &again),
            201,
        )
        .await;
        sandbox.shutdown().await;
    });
}
