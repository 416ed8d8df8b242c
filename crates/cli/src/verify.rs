//! `twofold-cli verify`, `lookup` and `profiles`: the console operations of
//! `twofold-console`, as the app's Admin room runs them, from a terminal.

use clap::Subcommand;
use serde::Serialize;
use serde_json::json;
use twofold_console::history::History;
use twofold_console::profiles::{AuthKind, ProfileStore, SANDBOX, Target, environment_profile};
use twofold_console::{Console, ConsoleError};
use twofold_verify::{AttemptFilter, Closing, CodeCheck, NewVerification, ServiceSettings};

use crate::Cli;
use crate::commands::{CliError, Result, print_json};

#[derive(Subcommand)]
pub enum VerifyCommand {
    /// Verify Services: list, create
    Services {
        #[command(subcommand)]
        command: ServicesCommand,
    },
    /// Send a verification code
    Send {
        /// E.164 number (+14155550100), or an email address for --channel email
        #[arg(long)]
        to: String,
        /// sms, call, email, whatsapp, rcs, sna or auto
        #[arg(long, default_value = "sms")]
        channel: String,
        /// The message language, e.g. en, pt-BR
        #[arg(long)]
        locale: Option<String>,
        /// A code of your own (the service must allow custom codes)
        #[arg(long)]
        custom_code: Option<String>,
        /// Replaces the service's name in this message
        #[arg(long)]
        friendly_name: Option<String>,
        /// PSD2: the amount being approved
        #[arg(long, requires = "payee")]
        amount: Option<String>,
        /// PSD2: who is being paid
        #[arg(long, requires = "amount")]
        payee: Option<String>,
    },
    /// Check the code the customer read back (exit 0 approved, 1 not)
    Check {
        /// The destination the code went to
        #[arg(long, required_unless_present = "sid", conflicts_with = "sid")]
        to: Option<String>,
        /// Or the verification (VE…)
        #[arg(long, value_name = "VE…")]
        sid: Option<String>,
        /// The code; none for SNA
        #[arg(long)]
        code: Option<String>,
        /// PSD2: the same amount as the send
        #[arg(long)]
        amount: Option<String>,
        /// PSD2: the same payee as the send
        #[arg(long)]
        payee: Option<String>,
    },
    /// Show a verification
    Fetch {
        /// The verification (VE…)
        sid: String,
    },
    /// Cancel a pending verification
    Cancel {
        /// The verification (VE…)
        sid: String,
    },
    /// Approve a pending verification by hand
    Approve {
        /// The verification (VE…)
        sid: String,
    },
    /// Delivery attempts, newest first
    Attempts {
        /// Only those to this destination
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ServicesCommand {
    /// Every Verify Service of the account
    List,
    /// Create a Verify Service
    Create {
        /// The name customers see in messages
        #[arg(long)]
        name: String,
        /// Digits in a code, 4–10
        #[arg(long)]
        code_length: Option<u8>,
        /// Look numbers up before sending
        #[arg(long)]
        lookup: bool,
        /// Refuse SMS to landlines (with --lookup)
        #[arg(long)]
        skip_sms_to_landlines: bool,
        /// PSD2: sends and checks carry an amount and a payee
        #[arg(long)]
        psd2: bool,
        /// Allow codes of your own
        #[arg(long)]
        custom_code: bool,
        /// Add "do not share this code" to messages
        #[arg(long)]
        do_not_share_warning: bool,
    },
}

pub(crate) fn console(cli: &Cli) -> Result<Console> {
    let store = profile_store()?;
    let (profile, secret) =
        store.pick(cli.profile.as_deref(), cli.base_url.as_deref(), |name| {
            std::env::var(name).ok()
        })?;
    let history = History::at(History::default_path().ok_or(CliError::NoDataDir)?);
    Ok(Console::new(profile, secret, history)?)
}

fn profile_store() -> Result<ProfileStore> {
    Ok(ProfileStore::at(
        ProfileStore::default_path().ok_or(CliError::NoDataDir)?,
    ))
}

/// Runs the async console call on a runtime of its own.
pub(crate) fn block_on<T>(
    work: impl std::future::Future<Output = std::result::Result<T, ConsoleError>>,
) -> Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    Ok(runtime.block_on(work)?)
}

fn text(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(serde_json::Value::Null) | Err(_) => "-".to_owned(),
        Ok(other) => other.to_string(),
    }
}

pub fn run(cli: &Cli, service: Option<&str>, command: &VerifyCommand) -> Result<()> {
    let console = console(cli)?;
    match command {
        VerifyCommand::Services { command } => services(cli, &console, command),
        VerifyCommand::Send {
            to,
            channel,
            locale,
            custom_code,
            friendly_name,
            amount,
            payee,
        } => {
            let service = console.service(service)?;
            let send = NewVerification {
                to: to.clone(),
                channel: channel.clone(),
                locale: locale.clone(),
                custom_code: custom_code.clone(),
                custom_friendly_name: friendly_name.clone(),
                amount: amount.clone(),
                payee: payee.clone(),
                ..NewVerification::default()
            };
            let sent = block_on(console.send(service, &send))?;
            if cli.json {
                print_json(&sent);
            } else {
                println!(
                    "{}  {}  {} to {}",
                    sent.sid.as_deref().unwrap_or("-"),
                    text(&sent.status),
                    text(&sent.channel),
                    sent.to.as_deref().unwrap_or("-")
                );
            }
            Ok(())
        }
        VerifyCommand::Check {
            to,
            sid,
            code,
            amount,
            payee,
        } => {
            let service = console.service(service)?;
            let check = CodeCheck {
                to: to.clone(),
                verification_sid: sid.clone(),
                code: code.clone(),
                amount: amount.clone(),
                payee: payee.clone(),
            };
            let checked = block_on(console.check(service, &check))?;
            let status = text(&checked.status);
            if cli.json {
                print_json(&checked);
            } else {
                println!("{status}");
            }
            if status == "approved" {
                Ok(())
            } else {
                Err(CliError::NotApproved(status))
            }
        }
        VerifyCommand::Fetch { sid } => {
            let service = console.service(service)?;
            let fetched = block_on(console.fetch(service, sid))?;
            print_verification(cli, &fetched);
            Ok(())
        }
        VerifyCommand::Cancel { sid } | VerifyCommand::Approve { sid } => {
            let closing = match command {
                VerifyCommand::Approve { .. } => Closing::Approved,
                _ => Closing::Canceled,
            };
            let service = console.service(service)?;
            let closed = block_on(console.close(service, sid, closing))?;
            print_verification(cli, &closed);
            Ok(())
        }
        VerifyCommand::Attempts { to } => {
            let filter = AttemptFilter {
                to: to.clone(),
                service_sid: service.map(str::to_owned),
                ..AttemptFilter::default()
            };
            let attempts = block_on(async { Ok(console.client().list_attempts(&filter).await?) })?;
            if cli.json {
                print_json(&attempts);
            } else {
                for attempt in &attempts {
                    println!(
                        "{}  {}  {}  {}",
                        attempt.sid.as_deref().unwrap_or("-"),
                        text(&attempt.channel),
                        text(&attempt.conversion_status),
                        attempt.verification_sid.as_deref().unwrap_or("-"),
                    );
                }
            }
            Ok(())
        }
    }
}

fn print_verification(cli: &Cli, verification: &twofold_twilio::Verification) {
    if cli.json {
        print_json(verification);
    } else {
        println!(
            "{}  {}  {} to {}",
            verification.sid.as_deref().unwrap_or("-"),
            text(&verification.status),
            text(&verification.channel),
            verification.to.as_deref().unwrap_or("-")
        );
    }
}

fn services(cli: &Cli, console: &Console, command: &ServicesCommand) -> Result<()> {
    match command {
        ServicesCommand::List => {
            let services = block_on(async { Ok(console.client().list_services().await?) })?;
            if cli.json {
                print_json(&services);
            } else {
                for service in &services {
                    println!(
                        "{}  {}",
                        service.sid.as_deref().unwrap_or("-"),
                        service.friendly_name.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(())
        }
        ServicesCommand::Create {
            name,
            code_length,
            lookup,
            skip_sms_to_landlines,
            psd2,
            custom_code,
            do_not_share_warning,
        } => {
            let flag = |on: bool| on.then_some(true);
            let settings = ServiceSettings {
                friendly_name: Some(name.clone()),
                code_length: *code_length,
                lookup_enabled: flag(*lookup),
                skip_sms_to_landlines: flag(*skip_sms_to_landlines),
                psd2_enabled: flag(*psd2),
                custom_code_enabled: flag(*custom_code),
                do_not_share_warning_enabled: flag(*do_not_share_warning),
                ..ServiceSettings::default()
            };
            let created =
                block_on(async { Ok(console.client().create_service(&settings).await?) })?;
            if cli.json {
                print_json(&created);
            } else {
                println!("{}", created.sid.as_deref().unwrap_or("-"));
            }
            Ok(())
        }
    }
}

pub fn lookup(cli: &Cli, number: &str, fields: &[String]) -> Result<()> {
    let console = console(cli)?;
    let found = block_on(console.lookup(number, fields))?;
    if cli.json {
        print_json(&found);
    } else {
        let line_type = found
            .line_type_intelligence
            .as_ref()
            .map(|lti| text(&lti.line_type))
            .unwrap_or_else(|| "-".to_owned());
        println!(
            "{}  valid: {}  country: {}  line type: {line_type}",
            found.phone_number.as_deref().unwrap_or(number),
            found
                .valid
                .map_or("-".to_owned(), |valid| valid.to_string()),
            found.country_code.as_deref().unwrap_or("-"),
        );
    }
    Ok(())
}

/// Lists the profiles, never a secret.
pub fn profiles(cli: &Cli) -> Result<()> {
    let store = profile_store()?;
    let mut rows = Vec::new();
    if let Some((profile, _secret)) = environment_profile(|name| std::env::var(name).ok()) {
        rows.push(profile);
    }
    rows.extend(store.saved()?);
    if cli.json {
        print_json(&json!({ "builtIn": SANDBOX, "profiles": rows }));
    } else {
        println!("{SANDBOX}  (built into the app)");
        for profile in &rows {
            let auth = match &profile.auth {
                AuthKind::AuthToken => "auth token".to_owned(),
                AuthKind::ApiKey { key_sid } => format!("API key {key_sid}"),
            };
            let target = match &profile.target {
                Target::Twilio { region, edge } => format!(
                    "Twilio{}{}",
                    region
                        .as_deref()
                        .map(|r| format!(" region {r}"))
                        .unwrap_or_default(),
                    edge.as_deref()
                        .map(|e| format!(" edge {e}"))
                        .unwrap_or_default()
                ),
                Target::BaseUrl { url } => url.clone(),
            };
            println!(
                "{}  {}  {auth}  {target}",
                profile.name, profile.account_sid
            );
        }
    }
    Ok(())
}
