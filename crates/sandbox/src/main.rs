//! `twofold-sandbox`: the Sandbox as a standalone server for QA and CI.
//! The first line on stdout is `twofold-sandbox listening on http://ADDR`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use twofold_sandbox::{
    ClockMode, Credentials, DEFAULT_LISTEN, Retention, SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN,
    SandboxConfig,
};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A local, stateful emulator of Twilio Verify v2 and Lookups v2.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value_t = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// Account SID clients authenticate with.
    #[arg(long, env = "TWILIO_ACCOUNT_SID", default_value = SANDBOX_ACCOUNT_SID)]
    account_sid: String,
    /// Auth Token clients authenticate with; it also signs webhooks.
    #[arg(long, env = "TWILIO_AUTH_TOKEN", default_value = SANDBOX_AUTH_TOKEN, hide_env_values = true, hide_default_value = true)]
    auth_token: String,
    /// Also accept this API key, given as SK…:SECRET (repeatable).
    #[arg(long = "api-key", value_name = "SK…:SECRET")]
    api_keys: Vec<String>,
    /// Keep all state in this file (and FILE.journal) so it survives restarts and crashes.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Start with the services, test numbers and fault rules in this JSON
    /// file (applied only to an empty state; layout in docs/sandbox.md).
    #[arg(long, value_name = "FILE")]
    seed_file: Option<PathBuf>,
    /// Outbox messages kept; the oldest go first.
    #[arg(long, value_name = "N", default_value_t = Retention::default().outbox_messages)]
    keep_messages: usize,
    /// Seconds an outbox message is kept (Sandbox clock).
    #[arg(long, value_name = "SECONDS", default_value_t = Retention::default().outbox_max_age_secs)]
    keep_messages_for: u64,
    /// Verifications kept; the oldest finished ones go first.
    #[arg(long, value_name = "N", default_value_t = Retention::default().verifications)]
    keep_verifications: usize,
    /// Seconds a finished verification is kept after it was created (Sandbox clock).
    #[arg(long, value_name = "SECONDS", default_value_t = Retention::default().verification_max_age_secs)]
    keep_verifications_for: u64,
    /// Stop the Sandbox clock at the second it starts: it then moves only by
    /// `POST /sandbox/clock`, so expiry and Retry-After come out the same on every run.
    #[arg(long)]
    frozen_clock: bool,
}

// One thread serves every connection. The whole state sits behind one lock, so
// a second worker added no throughput, only handoffs: with two, creates under
// `wrk` went as fast, but each cost a quarter more CPU (the workers took the
// lock and the tables' cache lines from each other, and were preempted by
// the client after half of their answers) and the p99 was 2.5–11 ms instead
// of 1.1 ms (docs/sandbox.md). The journal's writer and folder keep their own
// threads.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("twofold-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), twofold_sandbox::SandboxError> {
    let mut credentials = Credentials::new(args.account_sid, args.auth_token)?;
    for key in &args.api_keys {
        credentials = credentials.with_api_key(key)?;
    }
    if let Some(warning) = exposure_warning(args.listen) {
        eprintln!("twofold-sandbox: {warning}");
    }
    let seed = args
        .seed_file
        .as_deref()
        .map(twofold_sandbox::Seed::read)
        .transpose()?;
    let sandbox = twofold_sandbox::serve(SandboxConfig {
        listen: args.listen,
        credentials,
        state_file: args.state,
        retention: Retention {
            outbox_messages: args.keep_messages,
            outbox_max_age_secs: args.keep_messages_for,
            verifications: args.keep_verifications,
            verification_max_age_secs: args.keep_verifications_for,
        },
        seed,
        clock: if args.frozen_clock {
            ClockMode::Frozen
        } else {
            ClockMode::Running
        },
    })
    .await?;
    println!("twofold-sandbox listening on {}", sandbox.base_url());
    shutdown_signal().await;
    sandbox.shutdown().await;
    Ok(())
}

/// What to tell the operator when the Sandbox is reachable beyond this machine.
fn exposure_warning(listen: SocketAddr) -> Option<String> {
    (!listen.ip().is_loopback()).then(|| {
        format!(
            "warning: listening on {listen} makes the Sandbox (and every code in its outbox) reachable from other machines"
        )
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_non_loopback_addresses_warn() {
        assert_eq!(
            exposure_warning("127.0.0.1:7722".parse().unwrap_or(DEFAULT_LISTEN)),
            None
        );
        assert_eq!(
            exposure_warning("[::1]:0".parse().unwrap_or(DEFAULT_LISTEN)),
            None
        );
        let warning = exposure_warning("0.0.0.0:7722".parse().unwrap_or(DEFAULT_LISTEN));
        assert!(
            warning.is_some_and(|w| w.contains("0.0.0.0:7722") && w.contains("other machines"))
        );
    }
}
