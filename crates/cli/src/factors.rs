//! `twofold-cli factors` and `entities`: Verify's TOTP flow from a terminal,
//! on the same profiles and the same `twofold-console` functions as the
//! app's Factors room. Codes come from the vault account linked to the
//! factor unless one is typed.

use clap::Subcommand;
use twofold_authenticator::unix_now;
use twofold_console::factors::{FactorPlace, check_identity, factor_account, linked_code};
use twofold_twilio::{ChallengeStatus, FactorBinding, FactorStatus};
use twofold_verify::NewTotpFactor;

use crate::Cli;
use crate::commands::{CliError, Result, open_vault, print_json};
use crate::verify::{block_on, console};

#[derive(Subcommand)]
pub enum FactorsCommand {
    /// Create a TOTP factor for an entity (created with it if new)
    Create {
        /// Your user's id at Twilio: 8–64 letters, digits or dashes
        #[arg(long)]
        identity: String,
        /// The account name authenticator apps show
        #[arg(long)]
        name: String,
        /// sha1, sha256 or sha512 [default: the service's]
        #[arg(long)]
        algorithm: Option<String>,
        /// Code digits, 3–8 [default: the service's]
        #[arg(long)]
        digits: Option<u32>,
        /// Seconds per code, 20–60 [default: the service's]
        #[arg(long)]
        period: Option<u32>,
        /// Time steps accepted either side, 0–2 [default: the service's]
        #[arg(long)]
        skew: Option<u32>,
        /// Keep it in the vault too, linked to the factor
        #[arg(long)]
        add: bool,
    },
    /// Verify a new factor (exit 0 verified, 1 not)
    Verify {
        #[arg(long)]
        identity: String,
        /// The factor (YF…)
        sid: String,
        /// The code [default: from the vault account linked to the factor]
        #[arg(long)]
        code: Option<String>,
    },
    /// Create a challenge answered with a code (exit 0 approved, 1 not)
    Challenge {
        #[arg(long)]
        identity: String,
        /// The factor (YF…)
        sid: String,
        /// The code [default: from the vault account linked to the factor]
        #[arg(long)]
        code: Option<String>,
    },
    /// The factors of an entity
    List {
        #[arg(long)]
        identity: String,
    },
    /// Delete a factor (a linked vault account is marked, not removed)
    Delete {
        #[arg(long)]
        identity: String,
        /// The factor (YF…)
        sid: String,
    },
}

#[derive(Subcommand)]
pub enum EntitiesCommand {
    /// Every entity of the service
    List,
    /// Delete an entity with its factors and challenges
    Delete {
        /// The entity's identity
        identity: String,
    },
}

/// The code to send: typed, or made by the linked vault account.
fn code_for(cli: &Cli, factor_sid: &str, typed: Option<&str>) -> Result<String> {
    match typed {
        Some(code) => Ok(code.to_owned()),
        None => Ok(linked_code(&open_vault(cli)?, factor_sid, unix_now())?),
    }
}

fn identity_ok(identity: &str) -> Result<()> {
    check_identity(identity)
        .map_err(|rule| CliError::BadInput(format!("identity {identity:?}: {rule}")))
}

pub fn run(cli: &Cli, service: Option<&str>, command: &FactorsCommand) -> Result<()> {
    let console = console(cli)?;
    let service = console.service(service)?.to_owned();
    let client = console.client();
    match command {
        FactorsCommand::Create {
            identity,
            name,
            algorithm,
            digits,
            period,
            skew,
            add,
        } => {
            identity_ok(identity)?;
            let factor = NewTotpFactor {
                friendly_name: name.clone(),
                algorithm: algorithm.clone(),
                code_length: *digits,
                time_step: *period,
                skew: *skew,
            };
            let created = block_on(async {
                Ok(client
                    .create_totp_factor(&service, identity, &factor)
                    .await?)
            })?;
            if *add {
                let place = FactorPlace {
                    profile: &console.profile().name,
                    service_sid: &service,
                    identity,
                };
                let account = factor_account(&created, &place, unix_now())?;
                open_vault(cli)?.add_account(account)?;
            }
            if cli.json {
                print_json(&created);
            } else {
                println!(
                    "{}  {}",
                    created.factor.sid.as_deref().unwrap_or("-"),
                    created.factor.status
                );
                if let Some(FactorBinding::Totp { secret, uri }) = &created.binding {
                    println!("secret: {secret}\nuri:    {uri}");
                }
                if *add {
                    println!("kept in the vault, linked to the factor");
                }
            }
            Ok(())
        }
        FactorsCommand::Verify {
            identity,
            sid,
            code,
        } => {
            let code = code_for(cli, sid, code.as_deref())?;
            let factor = block_on(async {
                Ok(client.verify_factor(&service, identity, sid, &code).await?)
            })?;
            if cli.json {
                print_json(&factor);
            } else {
                println!("{}", factor.status);
            }
            match factor.status {
                FactorStatus::Verified => Ok(()),
                other => Err(CliError::NotApproved(other.to_string())),
            }
        }
        FactorsCommand::Challenge {
            identity,
            sid,
            code,
        } => {
            let code = code_for(cli, sid, code.as_deref())?;
            let challenge = block_on(async {
                Ok(client
                    .create_challenge(&service, identity, sid, Some(&code))
                    .await?)
            })?;
            if cli.json {
                print_json(&challenge);
            } else {
                println!(
                    "{}  {}",
                    challenge.sid.as_deref().unwrap_or("-"),
                    challenge.status
                );
            }
            match challenge.status {
                ChallengeStatus::Approved => Ok(()),
                other => Err(CliError::NotApproved(other.to_string())),
            }
        }
        FactorsCommand::List { identity } => {
            let factors = block_on(async { Ok(client.list_factors(&service, identity).await?) })?;
            if cli.json {
                print_json(&factors);
            } else {
                for factor in &factors {
                    println!(
                        "{}  {}  {}",
                        factor.sid.as_deref().unwrap_or("-"),
                        factor.status,
                        factor.friendly_name.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(())
        }
        FactorsCommand::Delete { identity, sid } => {
            block_on(async { Ok(client.delete_factor(&service, identity, sid).await?) })?;
            // The linked account stays (its secret may still matter) and
            // says its factor is gone; without a vault there is none.
            if let Ok(mut vault) = open_vault(cli) {
                vault.mark_factors_deleted(|link| link.factor_sid == *sid, unix_now())?;
            }
            println!("deleted {sid}");
            Ok(())
        }
    }
}

pub fn entities(cli: &Cli, service: Option<&str>, command: &EntitiesCommand) -> Result<()> {
    let console = console(cli)?;
    let service = console.service(service)?.to_owned();
    let client = console.client();
    match command {
        EntitiesCommand::List => {
            let entities = block_on(async { Ok(client.list_entities(&service).await?) })?;
            if cli.json {
                print_json(&entities);
            } else {
                for entity in &entities {
                    println!(
                        "{}  {}",
                        entity.sid.as_deref().unwrap_or("-"),
                        entity.identity.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(())
        }
        EntitiesCommand::Delete { identity } => {
            block_on(async { Ok(client.delete_entity(&service, identity).await?) })?;
            if let Ok(mut vault) = open_vault(cli) {
                vault.mark_factors_deleted(
                    |link| link.service_sid == service && link.identity == *identity,
                    unix_now(),
                )?;
            }
            println!("deleted {identity} with its factors and challenges");
            Ok(())
        }
    }
}
