//! What each command does: a thin layer over `twofold_authenticator`.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use serde_json::json;
use twofold_authenticator::formats::{
    self, AccountFields, ExportFormat, Format, FormatError, ImportPreview,
};
use twofold_authenticator::qr::{self, QrError};
use twofold_authenticator::{
    Account, AccountEdit, OtpAuth, OtpAuthError, OtpKind, Passphrase, Protection, Unlock, Vault,
    VaultError, unix_now,
};
use zeroize::Zeroizing;

use crate::{ByHand, Cli, Command, QrCommand, VaultCommand};

/// Why a command failed; each maps to a documented exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// No QR code in any of the pictures.
    #[error("no QR code found in {0}; show the whole code, uncropped and in focus")]
    NoQrCode(String),
    /// No account matches the name given.
    #[error("no account matches '{0}'; `twofold-cli list` shows them all")]
    NoMatch(String),
    /// The vault holds no account at all.
    #[error(
        "the vault has no accounts yet; add one with `twofold-cli add URI` or `twofold-cli import FILE`"
    )]
    NoAccounts,
    /// A bad otpauth URI.
    #[error("{0}")]
    Uri(#[from] OtpAuthError),
    /// An import or export problem.
    #[error("{0}")]
    Format(#[from] FormatError),
    /// A QR code problem.
    #[error("{0}")]
    Qr(#[from] QrError),
    /// The vault could not be created, unlocked or saved.
    #[error("{0}")]
    Vault(#[from] VaultError),
    /// A passphrase or password was needed and none was given.
    #[error("{what} is needed: give it with {how}")]
    Missing {
        /// What is missing.
        what: &'static str,
        /// Where to give it.
        how: &'static str,
    },
    /// A file could not be read.
    #[error("cannot read {}: {}", path.display(), twofold_atomic_file::plain(source))]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {}", path.display(), twofold_atomic_file::plain(source))]
    Write {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: io::Error,
    },
    /// A Twilio profile or request failed.
    #[error("{0}")]
    Console(#[from] twofold_console::ConsoleError),
    /// Input that cannot be used, with the rule.
    #[error("{0}")]
    BadInput(String),
    /// The runtime that makes network calls could not start (the system is
    /// out of threads or file handles).
    #[error("cannot start the network runtime: {0}; close some programs and try again")]
    Runtime(std::io::Error),
    /// A check that did not approve (exit 1, not an error message).
    #[error("the code was not approved (status: {0})")]
    NotApproved(String),
    /// No home directory to find the default vault in.
    #[error(
        "cannot find the data folder (is HOME set?); name the vault with --vault or TWOFOLD_VAULT"
    )]
    NoDataDir,
}

impl CliError {
    /// The exit code documented in `--help`.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::NoQrCode(_)
            | CliError::NoMatch(_)
            | CliError::NotApproved(_)
            | CliError::NoAccounts
            | CliError::Format(FormatError::NoQrCode { .. }) => 1,
            CliError::Uri(_)
            | CliError::BadInput(_)
            | CliError::Format(_)
            | CliError::Qr(_)
            | CliError::Vault(VaultError::AlreadyThere { .. }) => 3,
            CliError::Vault(_) | CliError::Missing { .. } => 4,
            CliError::Read { .. } | CliError::Write { .. } | CliError::NoDataDir => 5,
            CliError::Console(_) | CliError::Runtime(_) => 6,
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, CliError>;

pub fn run(cli: &Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Code { name, uri } => code(cli, name.as_deref(), uri.as_deref()),
        Command::List => list(cli),
        Command::Add { uri, by_hand } => add(cli, uri.as_deref(), by_hand),
        Command::Remove { account } => remove(cli, account),
        Command::Edit {
            account,
            issuer,
            name,
            tags,
            note,
            favourite,
        } => edit(
            cli,
            account,
            Changes {
                issuer: issuer.as_deref(),
                name: name.as_deref(),
                tags,
                note: note.as_deref(),
                favourite: *favourite,
            },
        ),
        Command::Import {
            files,
            format,
            dry_run,
            password_file,
        } => import(
            cli,
            files,
            format.as_deref(),
            *dry_run,
            password_file.as_deref(),
        ),
        Command::Export {
            format,
            output,
            password_file,
            plain,
        } => export(cli, format, output, password_file.as_deref(), *plain),
        Command::Qr {
            command: QrCommand::Decode { images },
        } => qr_decode(cli, images),
        Command::Qr {
            command: QrCommand::Encode { uri, output },
        } => qr_encode(uri, output),
        Command::Vault {
            command: VaultCommand::Init { keyring },
        } => vault_init(cli, *keyring),
        Command::Vault {
            command: VaultCommand::Info,
        } => vault_info(cli),
        Command::Vault {
            command:
                VaultCommand::Passwd {
                    new_passphrase_file,
                    remove,
                },
        } => vault_passwd(cli, new_passphrase_file.as_deref(), *remove),
        Command::Verify { service, command } => {
            crate::verify::run(cli, service.as_deref(), command)
        }
        Command::Factors { service, command } => {
            crate::factors::run(cli, service.as_deref(), command)
        }
        Command::Entities { service, command } => {
            crate::factors::entities(cli, service.as_deref(), command)
        }
        Command::Lookup { number, fields } => crate::verify::lookup(cli, number, fields),
        Command::Profiles => crate::verify::profiles(cli),
    }
    .map(|()| ExitCode::SUCCESS)
}

fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    fs::read(path)
        .map(Zeroizing::new)
        .map_err(|source| CliError::Read {
            path: path.to_owned(),
            source,
        })
}

/// A write error, explaining the one people meet: the file is already there.
fn write_error(path: &Path, source: io::Error) -> CliError {
    let source = if source.kind() == io::ErrorKind::AlreadyExists {
        io::Error::new(
            source.kind(),
            "it already exists; choose another name or remove it",
        )
    } else {
        source
    };
    CliError::Write {
        path: path.to_owned(),
        source,
    }
}

/// A secret from a file (`-`: stdin) or else an environment variable,
/// without its trailing line break.
fn secret_from(file: Option<&Path>, env: &str) -> Result<Option<Zeroizing<String>>> {
    let mut text = Zeroizing::new(String::new());
    match file {
        Some(path) if path == Path::new("-") => {
            io::stdin()
                .read_to_string(&mut text)
                .map_err(|source| CliError::Read {
                    path: path.to_owned(),
                    source,
                })?;
        }
        Some(path) => {
            let bytes = read_file(path)?;
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
        None => match std::env::var(env) {
            Ok(value) => text.push_str(&Zeroizing::new(value)),
            Err(_) => return Ok(None),
        },
    }
    let trimmed = text.trim_end_matches(['\n', '\r']).len();
    text.truncate(trimmed);
    Ok(Some(text))
}

fn vault_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.vault {
        Some(path) => Ok(path.clone()),
        None => Vault::default_path().ok_or(CliError::NoDataDir),
    }
}

fn passphrase(cli: &Cli) -> Result<Option<Passphrase>> {
    Ok(
        secret_from(cli.passphrase_file.as_deref(), "TWOFOLD_PASSPHRASE")?
            .map(|text| Passphrase::new(text.as_str())),
    )
}

pub(crate) fn open_vault(cli: &Cli) -> Result<Vault> {
    let unlock = match passphrase(cli)? {
        Some(passphrase) => Unlock::Passphrase(passphrase),
        None => Unlock::Keyring,
    };
    Ok(Vault::open(vault_path(cli)?, unlock)?)
}

pub(crate) fn print_json(value: &impl Serialize) {
    // Serialising plain data to a String cannot fail.
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn kind_json(kind: OtpKind) -> serde_json::Value {
    match kind {
        OtpKind::Totp { period } => json!({"type": "totp", "period": period}),
        OtpKind::Hotp { counter } => json!({"type": "hotp", "counter": counter}),
        OtpKind::Steam { period } => json!({"type": "steam", "period": period}),
    }
}

// --- code, list, add -------------------------------------------------------

fn code(cli: &Cli, name: Option<&str>, uri: Option<&str>) -> Result<()> {
    let now = unix_now();
    if let Some(uri) = uri {
        let otp = OtpAuth::parse(uri)?;
        let code = Zeroizing::new(otp.code_at(now));
        if cli.json {
            print_json(&json!({"code": *code, "secondsLeft": otp.seconds_left(now)}));
        } else {
            println!("{}", *code);
        }
        return Ok(());
    }
    let mut vault = open_vault(cli)?;
    let matches: Vec<Account> = vault
        .accounts()
        .iter()
        .filter(|account| name.is_none_or(|name| matches_name(account, name)))
        .cloned()
        .collect();
    if matches.is_empty() {
        return Err(name.map_or(CliError::NoAccounts, |name| {
            CliError::NoMatch(name.to_owned())
        }));
    }
    let single = name.is_some() && matches.len() == 1;
    let mut rows = Vec::new();
    for account in matches {
        let is_hotp = matches!(account.otp.kind(), OtpKind::Hotp { .. });
        // An HOTP code is used up once shown, so only a single, named
        // account's is shown, and its counter moves on.
        if is_hotp && single {
            rows.push(use_hotp_code(&mut vault, &account, now)?);
        } else if is_hotp {
            rows.push((account, None));
        } else {
            let code = Zeroizing::new(account.otp.code_at(now));
            rows.push((account, Some(code)));
        }
    }
    if cli.json {
        let json: Vec<_> = rows
            .iter()
            .map(|(account, code)| {
                json!({
                    "id": account.id.to_string(),
                    "issuer": account.otp.issuer(),
                    "name": account.otp.name(),
                    "code": code.as_ref().map(|code| code.as_str()),
                    "secondsLeft": account.otp.seconds_left(now),
                })
            })
            .collect();
        print_json(&json);
    } else if single {
        if let Some((_, Some(code))) = rows.first() {
            println!("{}", **code);
        }
    } else {
        for (account, code) in &rows {
            let shown = code
                .as_ref()
                .map_or("(hotp: run `code NAME` to use the next code)", |code| {
                    code.as_str()
                });
            println!("{shown:<8}  {}", account.otp.label());
        }
    }
    Ok(())
}

/// Shows an HOTP account's code and moves its counter on, as saved in the
/// vault now (another process may have used a code meanwhile).
fn use_hotp_code(
    vault: &mut Vault,
    account: &Account,
    now: u64,
) -> Result<(Account, Option<Zeroizing<String>>)> {
    vault.transact(|accounts| {
        let current = accounts
            .iter_mut()
            .find(|other| other.id == account.id)
            .ok_or_else(|| CliError::NoMatch(account.otp.label()))?;
        let code = Zeroizing::new(current.otp.code_at(now));
        current.otp.advance_counter();
        current.last_used_at = Some(now);
        Ok((current.clone(), Some(code)))
    })
}

fn matches_name(account: &Account, name: &str) -> bool {
    let name = name.to_lowercase();
    account.id.to_string() == name || account.otp.label().to_lowercase().contains(&name)
}

/// An account as `list --json` and `edit --json` print it: never its secret.
fn account_json(account: &Account) -> serde_json::Value {
    let otp = &account.otp;
    json!({
        "id": account.id.to_string(),
        "issuer": otp.issuer(),
        "name": otp.name(),
        "kind": kind_json(otp.kind()),
        "algorithm": otp.algorithm().as_str(),
        "digits": otp.digits(),
        "tags": account.tags,
        "note": account.note,
        "favourite": account.favourite,
    })
}

/// In the user's order, favourites first, as the app lists them.
fn list(cli: &Cli) -> Result<()> {
    let vault = open_vault(cli)?;
    let mut accounts: Vec<&Account> = vault.accounts().iter().collect();
    accounts.sort_by_key(|account| (!account.favourite, account.position));
    if cli.json {
        print_json(&accounts.iter().map(|a| account_json(a)).collect::<Vec<_>>());
    } else {
        for account in accounts {
            let star = if account.favourite { "★ " } else { "" };
            let tags = if account.tags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", account.tags.join(", "))
            };
            println!("{}  {star}{}{tags}", account.id, account.otp.label());
        }
    }
    Ok(())
}

fn add(cli: &Cli, uri: Option<&str>, by_hand: &ByHand) -> Result<()> {
    // Read first so that a bad URI is reported as such, not as a vault error.
    let otp = match (uri, &by_hand.secret) {
        (Some(uri), _) => OtpAuth::parse(uri)?,
        (None, Some(secret)) => AccountFields {
            kind: &by_hand.kind,
            issuer: by_hand.issuer.as_deref(),
            name: by_hand.name.as_deref().unwrap_or(""),
            secret,
            algorithm: by_hand.algorithm.as_deref(),
            digits: by_hand.digits,
            period: by_hand.period,
            counter: by_hand.counter,
        }
        .to_otp()
        .map_err(CliError::BadInput)?,
        (None, None) => unreachable!("clap requires a URI or --secret"),
    };
    let account = open_vault(cli)?.add_account(Account::new(otp, unix_now()))?;
    println!("{}", account.id);
    Ok(())
}

/// What `edit` changes; `None` (or no tags) leaves a field as it is.
struct Changes<'a> {
    issuer: Option<&'a str>,
    name: Option<&'a str>,
    tags: &'a [String],
    note: Option<&'a str>,
    favourite: Option<bool>,
}

/// The one account `wanted` names (part of its label, or its id).
fn only_match<'a>(accounts: &'a mut [Account], wanted: &str) -> Result<&'a mut Account> {
    let mut found = accounts
        .iter_mut()
        .filter(|account| matches_name(account, wanted));
    match (found.next(), found.next()) {
        (Some(account), None) => Ok(account),
        (None, _) => Err(CliError::NoMatch(wanted.to_owned())),
        (Some(_), Some(_)) => Err(CliError::BadInput(format!(
            "'{wanted}' matches more than one account; give more of the name, or the id from `twofold-cli list`"
        ))),
    }
}

fn remove(cli: &Cli, wanted: &str) -> Result<()> {
    let removed = open_vault(cli)?.transact(|accounts| {
        let id = only_match(accounts, wanted)?.id;
        let at = accounts.iter().position(|account| account.id == id);
        Ok::<_, CliError>(at.map(|at| accounts.remove(at)))
    })?;
    if let Some(account) = removed {
        println!("removed {}", account.otp.label());
    }
    Ok(())
}

fn edit(cli: &Cli, wanted: &str, changes: Changes<'_>) -> Result<()> {
    let mut vault = open_vault(cli)?;
    let edited = vault.transact(|accounts| {
        let account = only_match(accounts, wanted)?;
        let otp = &account.otp;
        let edit = AccountEdit {
            issuer: match changes.issuer {
                Some(issuer) => Some(issuer.to_owned()),
                None => otp.issuer().map(str::to_owned),
            },
            name: changes.name.unwrap_or(otp.name()).to_owned(),
            tags: if changes.tags.is_empty() {
                account.tags.clone()
            } else {
                changes.tags.to_vec()
            },
            note: changes
                .note
                .map_or_else(|| account.note.clone(), str::to_owned),
            favourite: changes.favourite.unwrap_or(account.favourite),
        };
        account.apply(edit)?;
        Ok::<_, CliError>(account.clone())
    })?;
    if cli.json {
        print_json(&account_json(&edited));
    } else {
        println!("{}  {}", edited.id, edited.otp.label());
    }
    Ok(())
}

// --- import and export -----------------------------------------------------

fn import(
    cli: &Cli,
    files: &[PathBuf],
    format: Option<&str>,
    dry_run: bool,
    password_file: Option<&Path>,
) -> Result<()> {
    let format = format.map(str::parse::<Format>).transpose()?;
    let password = secret_from(password_file, "TWOFOLD_FILE_PASSWORD")?;
    let contents = files
        .iter()
        .map(|path| read_file(path))
        .collect::<Result<Vec<_>>>()?;
    let mut vault = open_vault(cli)?;
    let files: Vec<&[u8]> = contents.iter().map(|bytes| bytes.as_slice()).collect();
    let preview = formats::import_files(
        &files,
        format,
        password.as_deref().map(String::as_str),
        vault.accounts(),
    )?;
    print_preview(cli, &preview, dry_run);
    if dry_run {
        // A preview that could not be imported says so in its exit code.
        return match preview.unreadable.first() {
            Some(first) => Err(FormatError::Unreadable {
                count: preview.unreadable.len(),
                first: first.clone(),
            }
            .into()),
            None => Ok(()),
        };
    }
    vault.transact(|accounts| preview.apply(accounts, unix_now()).map_err(CliError::from))?;
    Ok(())
}

fn print_preview(cli: &Cli, preview: &ImportPreview, dry_run: bool) {
    let imported = !dry_run && preview.unreadable.is_empty();
    if cli.json {
        let account = |otp: &OtpAuth| json!({"issuer": otp.issuer(), "name": otp.name()});
        print_json(&json!({
            "format": preview.format.id(),
            "added": preview.added.iter().map(|a| account(&a.otp)).collect::<Vec<_>>(),
            "duplicates": preview.duplicates.iter().map(|d| account(&d.imported.otp)).collect::<Vec<_>>(),
            "unreadable": preview.unreadable.iter().map(|u| json!({"entry": u.entry, "reason": u.reason})).collect::<Vec<_>>(),
            "imported": imported,
        }));
        return;
    }
    println!(
        "{}: {} to add, {} already there, {} unreadable",
        preview.format,
        preview.added.len(),
        preview.duplicates.len(),
        preview.unreadable.len()
    );
    for added in &preview.added {
        println!("  + {}", added.otp.label());
    }
    for duplicate in &preview.duplicates {
        println!("  = {} (already there)", duplicate.imported.otp.label());
    }
    for unreadable in &preview.unreadable {
        println!("  ! {unreadable}");
    }
    if imported {
        println!("imported {} accounts", preview.added.len());
    } else if dry_run {
        println!("dry run: nothing was imported");
    }
}

/// `export --format vault`: not one of the interchange formats, a vault of
/// our own under the given password.
const VAULT_BACKUP: &str = "vault";

fn export(
    cli: &Cli,
    format: &str,
    output: &Path,
    password_file: Option<&Path>,
    plain: bool,
) -> Result<()> {
    let password = secret_from(password_file, "TWOFOLD_FILE_PASSWORD")?;
    if format.trim().eq_ignore_ascii_case(VAULT_BACKUP) {
        let password = password.ok_or(CliError::Missing {
            what: "a password for the vault backup",
            how: "--password-file FILE or TWOFOLD_FILE_PASSWORD",
        })?;
        let vault = open_vault(cli)?;
        vault.write_backup(output, Passphrase::new(password.as_str()))?;
        println!("{}", output.display());
        return Ok(());
    }
    let format: ExportFormat = format.parse()?;
    if password.is_none() && !plain {
        let how = if format.encrypts() {
            "give a password with --password-file, or add --plain to write it anyway"
        } else {
            "add --plain to write it anyway, or export --format aegis with --password-file"
        };
        return Err(CliError::BadInput(format!(
            "a {} export without a password holds every secret in the clear; {how}",
            format.id()
        )));
    }
    let vault = open_vault(cli)?;
    let files = formats::export(
        format,
        vault.accounts(),
        password.as_deref().map(String::as_str),
    )?;
    for file in &files {
        let path = file.path_for(output, format);
        file.write_new(&path).map_err(|e| write_error(&path, e))?;
        println!("{}", path.display());
    }
    Ok(())
}

// --- qr ------------------------------------------------------------------------

fn qr_decode(cli: &Cli, images: &[PathBuf]) -> Result<()> {
    let mut found = Vec::new();
    for path in images {
        for payload in qr::decode_image(&read_file(path)?)? {
            if !found.contains(&payload) {
                found.push(payload);
            }
        }
    }
    if found.is_empty() {
        let names: Vec<_> = images
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        return Err(CliError::NoQrCode(names.join(", ")));
    }
    if cli.json {
        print_json(&found.iter().map(qr::Payload::as_str).collect::<Vec<_>>());
    } else {
        for payload in &found {
            println!("{}", payload.as_str());
        }
    }
    Ok(())
}

fn qr_encode(uri: &str, output: &Path) -> Result<()> {
    let is_svg = output
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("svg"));
    let bytes = if is_svg {
        qr::encode_svg(uri)?.into_bytes()
    } else {
        qr::encode_png(uri)?
    };
    twofold_atomic_file::write_new(output, &bytes).map_err(|e| write_error(output, e))
}

// --- vault -------------------------------------------------------------------

fn new_passphrase(file: Option<&Path>) -> Result<Option<Passphrase>> {
    Ok(secret_from(file, "TWOFOLD_NEW_PASSPHRASE")?.map(|text| Passphrase::new(text.as_str())))
}

fn vault_init(cli: &Cli, keyring: bool) -> Result<()> {
    let path = vault_path(cli)?;
    let passphrase = match passphrase(cli)? {
        Some(passphrase) => Some(passphrase),
        None => new_passphrase(None)?,
    };
    let protection = match passphrase {
        Some(passphrase) if keyring => Protection::KeyringAndPassphrase(passphrase),
        Some(passphrase) => Protection::Passphrase(passphrase),
        None => Protection::Keyring,
    };
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs::create_dir_all(parent).map_err(|source| CliError::Write {
            path: parent.to_owned(),
            source,
        })?;
    }
    Vault::create(&path, protection)?;
    println!("{}", path.display());
    Ok(())
}

fn vault_info(cli: &Cli) -> Result<()> {
    let info = Vault::inspect(vault_path(cli)?)?;
    let passphrase = info.passphrase.map(|kdf| {
        json!({"memoryKib": kdf.memory_kib, "iterations": kdf.iterations, "parallelism": kdf.parallelism})
    });
    if cli.json {
        print_json(&json!({
            "path": info.path,
            "version": info.version,
            "accounts": info.accounts,
            "keyring": info.keyring,
            "passphrase": passphrase,
            "savedAt": info.saved_at,
        }));
    } else {
        println!("vault:      {}", info.path.display());
        println!("format:     {}", info.version);
        println!("accounts:   {}", info.accounts);
        println!("keyring:    {}", if info.keyring { "yes" } else { "no" });
        match info.passphrase {
            Some(kdf) => println!(
                "passphrase: yes (Argon2id, {} KiB, {} passes, {} lanes)",
                kdf.memory_kib, kdf.iterations, kdf.parallelism
            ),
            None => println!("passphrase: no"),
        }
        println!("saved at:   {} (Unix time)", info.saved_at);
    }
    Ok(())
}

fn vault_passwd(cli: &Cli, new_file: Option<&Path>, remove: bool) -> Result<()> {
    let new = if remove {
        None
    } else {
        Some(new_passphrase(new_file)?.ok_or(CliError::Missing {
            what: "the new passphrase",
            how: "--new-passphrase-file FILE or TWOFOLD_NEW_PASSPHRASE",
        })?)
    };
    let mut vault = open_vault(cli)?;
    match new {
        Some(passphrase) => vault.set_passphrase(passphrase)?,
        None => vault.remove_passphrase()?,
    }
    Ok(())
}
