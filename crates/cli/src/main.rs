//! `twofold-cli`: Twofold's authenticator from a terminal or a script.
//!
//! ```text
//! twofold-cli code --uri 'otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP'
//! twofold-cli vault init            # keyring-protected vault in the data dir
//! twofold-cli add 'otpauth://totp/GitHub:alice?secret=...'
//! twofold-cli code github           # just the code when one account matches
//! twofold-cli import aegis-export.json --password-file pw.txt --dry-run
//! twofold-cli export --format aegis -o backup.json --password-file pw.txt
//! twofold-cli qr decode screenshot.png
//! twofold-cli verify send --to +14155550100 --channel sms
//! twofold-cli verify check --to +14155550100 --code 123456
//! twofold-cli lookup +14155550100 --fields line_type_intelligence
//! ```
//!
//! The vault is `$XDG_DATA_HOME/twofold/vault.twofold` (the app's own), or
//! `--vault PATH` / `TWOFOLD_VAULT`. It unlocks with the OS keyring, or with
//! the passphrase read from `--passphrase-file FILE` (`-` for stdin) or
//! `TWOFOLD_PASSPHRASE`. Output is text, or JSON with `--json`; errors go to
//! stderr. Files written hold secrets: they are created with mode 0600 and
//! never overwrite an existing file.
//!
//! The app and any number of `twofold-cli` processes may use one vault at
//! once: every change is applied under a lock to the vault as it is on disk,
//! so none is lost (see `docs/vault-format.md`).
//!
//! `verify` and `lookup` act as a Twilio profile: `--profile NAME` (one saved
//! in the app's Settings, or `Environment`), else the `TWILIO_*` variables,
//! else the profile last picked in the app. `--base-url URL` (or
//! `TWOFOLD_TWILIO_BASE_URL`) sends the requests to a Sandbox or proxy instead.
//!
//! Exit codes (also in `--help`):
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | nothing found: no QR code in the images, no account matches, an empty vault |
//! | 2 | usage error: unknown command or option |
//! | 3 | bad input: invalid URI, unreadable or unknown import file, entries that cannot be imported, an account already in the vault |
//! | 4 | vault: cannot be created, unlocked (wrong passphrase, no keyring) or saved, is damaged, or another process kept it locked |
//! | 5 | a file cannot be read or written |
//! | 6 | Twilio (or the Sandbox) refused or could not be reached, or no profile can act |

mod commands;
mod factors;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  nothing found: no QR code in the images, no account matches, an empty vault
  2  usage error: unknown command or option
  3  bad input: invalid URI, unreadable or unknown import file, entries that cannot be imported,
     an account already in the vault
  4  vault: cannot be created, unlocked (wrong passphrase, no keyring) or saved, is damaged,
     or another process kept it locked
  5  a file cannot be read or written
  6  Twilio (or the Sandbox) refused or could not be reached, or no profile can act;
     printed as \"Twilio error CODE: message. Fix: …\"
  For `verify check`, `factors verify` and `factors challenge`: 0 approved/verified, 1 not.

Environment:
  TWOFOLD_VAULT            the vault file (like --vault)
  TWOFOLD_PASSPHRASE       the vault's passphrase (like --passphrase-file)
  TWOFOLD_NEW_PASSPHRASE   the new passphrase for `vault passwd` and `vault init`
  TWOFOLD_FILE_PASSWORD    the password of an import or export file
  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_KEY, TWILIO_API_SECRET,
  TWILIO_REGION, TWILIO_EDGE, TWILIO_VERIFY_SERVICE_SID
                           the Environment profile, as the official SDKs read them
  TWOFOLD_TWILIO_BASE_URL  send Twilio requests to this base URL (like --base-url)";

/// Twofold's authenticator from a terminal: one-time codes, the encrypted
/// vault, imports and exports, QR codes.
#[derive(Parser)]
#[command(name = "twofold-cli", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// The vault file [default: the app's, in the XDG data dir]
    #[arg(long, global = true, env = "TWOFOLD_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,
    /// Read the vault's passphrase from FILE (`-`: stdin) instead of using
    /// the OS keyring; TWOFOLD_PASSPHRASE also works
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Print JSON instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// The Twilio profile for verify and lookup [default: TWILIO_* variables, else the app's]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Send Twilio requests to this base URL (a Sandbox, a proxy)
    #[arg(
        long,
        global = true,
        env = "TWOFOLD_TWILIO_BASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub base_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Print current codes: of every account, of those matching NAME, or of --uri
    Code {
        /// Part of an account's issuer or name (case-insensitive), or its id
        name: Option<String>,
        /// Compute the code of this otpauth URI; no vault needed
        #[arg(long, conflicts_with = "name")]
        uri: Option<String>,
    },
    /// List the accounts (never their secrets)
    List,
    /// Add an account from its otpauth:// URI, or typed in with --secret
    Add {
        /// The otpauth:// URI, as in the service's QR code
        #[arg(required_unless_present = "secret", conflicts_with = "secret")]
        uri: Option<String>,
        #[command(flatten)]
        by_hand: ByHand,
    },
    /// Delete an account and its secret from the vault
    Remove {
        /// Part of the account's issuer or name (one must match), or its id
        account: String,
    },
    /// Rename an account, set its tags and note, pin it as a favourite
    Edit {
        /// Part of the account's issuer or name (one must match), or its id
        account: String,
        /// New issuer ("" for none)
        #[arg(long)]
        issuer: Option<String>,
        /// New account name
        #[arg(long)]
        name: Option<String>,
        /// Set the tags (repeat for several; --tag "" clears them)
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Set the note
        #[arg(long)]
        note: Option<String>,
        /// Pin to the top of the list, or unpin with --favourite=false
        #[arg(long, num_args = 0..=1, default_missing_value = "true")]
        favourite: Option<bool>,
    },
    /// Import accounts from another app's export, or from QR code images
    Import {
        /// The export file; or one or more pictures of QR codes (PNG, JPEG,
        /// WebP, BMP), e.g. Google Authenticator's export codes
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The app that wrote it: otpauth, google, aegis, 2fas, ... (a name we do
        /// not know lists them all) [default: recognised]
        #[arg(long, value_name = "F")]
        format: Option<String>,
        /// Only show what would be imported (exit 3 when an entry cannot be read)
        #[arg(long)]
        dry_run: bool,
        /// Read the password of an encrypted export from FILE (`-`: stdin);
        /// TWOFOLD_FILE_PASSWORD also works
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Export every account
    Export {
        /// otpauth (text), aegis (JSON; encrypted with a password),
        /// google-qr (PNG QR codes for Google Authenticator), proton (Proton
        /// Authenticator JSON; encrypted with a password), or vault (an
        /// encrypted Twofold vault backup; needs a password)
        #[arg(long, value_name = "F")]
        format: String,
        /// The file to write; google-qr writes FILE-1.png, FILE-2.png... when
        /// there is more than one code
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Encrypt with the password in FILE (`-`: stdin);
        /// TWOFOLD_FILE_PASSWORD also works
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Write an unencrypted export: every secret in the clear
        #[arg(long)]
        plain: bool,
    },
    /// QR codes: decode pictures, encode a URI
    Qr {
        #[command(subcommand)]
        command: QrCommand,
    },
    /// Create the vault, describe it, change its passphrase
    Vault {
        #[command(subcommand)]
        command: VaultCommand,
    },
    /// Twilio Verify: services, send, check, fetch, approve, cancel, attempts
    Verify {
        /// The Verify Service [default: the profile's, or TWILIO_VERIFY_SERVICE_SID]
        #[arg(long, global = true, value_name = "VA…")]
        service: Option<String>,
        #[command(subcommand)]
        command: verify::VerifyCommand,
    },
    /// Verify TOTP factors: create (and keep in the vault), verify, challenge, list, delete
    Factors {
        /// The Verify Service [default: the profile's, or TWILIO_VERIFY_SERVICE_SID]
        #[arg(long, global = true, value_name = "VA…")]
        service: Option<String>,
        #[command(subcommand)]
        command: factors::FactorsCommand,
    },
    /// Verify entities: list, delete
    Entities {
        /// The Verify Service [default: the profile's, or TWILIO_VERIFY_SERVICE_SID]
        #[arg(long, global = true, value_name = "VA…")]
        service: Option<String>,
        #[command(subcommand)]
        command: factors::EntitiesCommand,
    },
    /// Look a phone number up (Twilio Lookups v2)
    Lookup {
        /// The number, in E.164 (+14155550100)
        number: String,
        /// Data packages, comma-separated (e.g. line_type_intelligence)
        #[arg(long, value_name = "F", value_delimiter = ',')]
        fields: Vec<String>,
    },
    /// The Twilio profiles verify and lookup can act as (never their secrets)
    Profiles,
}

/// An account typed in field by field (same rules as a URI).
#[derive(clap::Args)]
pub struct ByHand {
    /// The secret, base32 as services show it
    #[arg(long)]
    pub secret: Option<String>,
    /// The account at the service
    #[arg(long, requires = "secret")]
    pub name: Option<String>,
    /// The service
    #[arg(long, requires = "secret")]
    pub issuer: Option<String>,
    /// totp, hotp or steam
    #[arg(long = "type", default_value = "totp", value_name = "TYPE")]
    pub kind: String,
    /// SHA1, SHA256 or SHA512
    #[arg(long)]
    pub algorithm: Option<String>,
    /// 6 to 8
    #[arg(long)]
    pub digits: Option<u32>,
    /// Seconds per code
    #[arg(long)]
    pub period: Option<u32>,
    /// HOTP's next counter
    #[arg(long)]
    pub counter: Option<u64>,
}

#[derive(Subcommand)]
pub enum QrCommand {
    /// Print the text of every QR code in the pictures, one per line (exit 1 if none)
    Decode {
        /// PNG, JPEG, WebP or BMP files, screenshots up to 8K
        #[arg(required = true)]
        images: Vec<PathBuf>,
    },
    /// Draw a QR code: SVG if FILE ends in .svg, PNG otherwise
    Encode {
        /// The text, usually an otpauth:// URI
        uri: String,
        /// The picture to write
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum VaultCommand {
    /// Create an empty vault, protected by the OS keyring, or by a
    /// passphrase (from --passphrase-file or TWOFOLD_PASSPHRASE), or both
    Init {
        /// Also keep the key in the OS keyring when a passphrase is given
        #[arg(long)]
        keyring: bool,
    },
    /// Describe the vault without unlocking it
    Info,
    /// Set or change the passphrase (read from --new-passphrase-file or
    /// TWOFOLD_NEW_PASSPHRASE), or remove it
    Passwd {
        /// Read the new passphrase from FILE (`-`: stdin)
        #[arg(long, value_name = "FILE", conflicts_with = "remove")]
        new_passphrase_file: Option<PathBuf>,
        /// Remove the passphrase; the OS keyring alone will unlock the vault
        #[arg(long)]
        remove: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(&cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("twofold-cli: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
