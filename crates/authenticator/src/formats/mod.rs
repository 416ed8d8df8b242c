//! Moving accounts in and out: other apps' export files, Google
//! Authenticator's migration QR codes and plain `otpauth://` lists.
//!
//! Importing is two steps, so nothing is added before the user has seen it:
//!
//! ```
//! use twofold_authenticator::formats::{self, Format};
//!
//! let file = b"otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP\n";
//! let preview = formats::import(file, None, None, &[])?;
//! assert_eq!(preview.format, Format::OtpauthList);
//! assert_eq!(preview.added.len(), 1);
//!
//! let mut accounts = Vec::new();
//! preview.apply(&mut accounts, 1_700_000_000)?;
//! assert_eq!(accounts[0].otp.name(), "alice");
//! # Ok::<(), twofold_authenticator::formats::FormatError>(())
//! ```
//!
//! 1. [`import`] recognises the format (or takes the one given), reads every
//!    entry and returns an [`ImportPreview`]: what will be added, what is
//!    already there, and what cannot be read and why.
//! 2. [`ImportPreview::apply`] adds the new accounts, all or none: if any
//!    entry could not be read, nothing is added and the error names it.
//!
//! Each format is one module behind the [`Importer`] trait (and [`Exporter`]
//! for those we write). Formats follow each app's published file layout:
//!
//! | [`Format`] | file | encrypted |
//! | --- | --- | --- |
//! | `otpauth` | one `otpauth://` URI per line | no |
//! | `google` | `otpauth-migration://offline?data=…` lines (or QR codes) | no |
//! | `aegis` | Aegis JSON vault export (`docs/vault.md`) | scrypt + AES-256-GCM, read and written |
//! | `2fas` | 2FAS `.2fas` backup | PBKDF2-SHA256 + AES-256-GCM, read |
//! | `bitwarden` | Bitwarden JSON or CSV export (`login.totp`, `steam://` too) | plain only |
//! | `andotp` | andOTP JSON backup, or its binary `.json.aes` | PBKDF2-SHA1 (or SHA-256) + AES-256-GCM, read |
//! | `ente` | Ente Auth plain-text export (URIs with `codeDisplay`), written too, or its encrypted JSON | Argon2id + libsodium secretstream, read |
//! | `proton` | Proton Authenticator JSON export (`otpauth://totp` and `steam://` URIs, notes) | Argon2id + AES-256-GCM, read and written |
//! | `freeotpplus` | FreeOTP+ JSON backup (secrets as signed bytes, `tokenOrder`) | plain only |
//! | `stratum` | Stratum (Authenticator Pro) backup | plain only; encrypted ones are recognised and refused |
//! | `lastpass` | LastPass Authenticator JSON export | plain only |
//! | `authy`, `microsoft` | none: these apps cannot export; naming them gives advice | — |

mod aegis;
mod andotp;
mod bitwarden;
mod crypto;
mod csv;
mod ente;
mod freeotp_plus;
mod google;
mod lastpass;
mod no_export;
mod otpauth_list;
mod proton;
mod secretstream;
mod stratum;
mod twofas;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::account::{Account, AccountId, next_position};
use crate::otpauth::{Algorithm, OtpAuth, OtpKind};
use crate::qr::{self, Payload, QrError};
use crate::secret::Secret;

pub use google::MAX_ACCOUNTS_PER_QR;

/// A file format we read (and for some, write).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One `otpauth://` URI per line.
    OtpauthList,
    /// Google Authenticator's `otpauth-migration://` export.
    GoogleMigration,
    /// Aegis Authenticator's JSON export, plain or encrypted.
    Aegis,
    /// 2FAS Authenticator's `.2fas` backup.
    TwoFas,
    /// Bitwarden's JSON vault export.
    Bitwarden,
    /// andOTP's backup, plain JSON or encrypted.
    AndOtp,
    /// Ente Auth's export, plain text or encrypted.
    Ente,
    /// Proton Authenticator's JSON export, plain or encrypted.
    Proton,
    /// FreeOTP+'s JSON backup.
    FreeOtpPlus,
    /// Stratum's (formerly Authenticator Pro) plain backup.
    Stratum,
    /// LastPass Authenticator's JSON export.
    LastPass,
    /// Authy: it has no export; naming it gives advice instead.
    Authy,
    /// Microsoft Authenticator: it has no export; naming it gives advice
    /// instead.
    MicrosoftAuthenticator,
}

impl Format {
    /// Every format, in the order auto-detection tries them (most specific
    /// first: an Ente export is also an otpauth list). The apps that cannot
    /// export come last and are never detected.
    pub const ALL: [Format; 13] = [
        Format::Aegis,
        Format::TwoFas,
        Format::Bitwarden,
        Format::Proton,
        Format::AndOtp,
        Format::FreeOtpPlus,
        Format::Stratum,
        Format::LastPass,
        Format::GoogleMigration,
        Format::Ente,
        Format::OtpauthList,
        Format::Authy,
        Format::MicrosoftAuthenticator,
    ];

    /// The short name used on the command line and in settings.
    pub fn id(self) -> &'static str {
        match self {
            Format::OtpauthList => "otpauth",
            Format::GoogleMigration => "google",
            Format::Aegis => "aegis",
            Format::TwoFas => "2fas",
            Format::Bitwarden => "bitwarden",
            Format::AndOtp => "andotp",
            Format::Ente => "ente",
            Format::Proton => "proton",
            Format::FreeOtpPlus => "freeotpplus",
            Format::Stratum => "stratum",
            Format::LastPass => "lastpass",
            Format::Authy => "authy",
            Format::MicrosoftAuthenticator => "microsoft",
        }
    }

    /// The app's name as people know it.
    pub fn app_name(self) -> &'static str {
        match self {
            Format::OtpauthList => "otpauth URI list",
            Format::GoogleMigration => "Google Authenticator",
            Format::Aegis => "Aegis",
            Format::TwoFas => "2FAS",
            Format::Bitwarden => "Bitwarden",
            Format::AndOtp => "andOTP",
            Format::Ente => "Ente Auth",
            Format::Proton => "Proton Authenticator",
            Format::FreeOtpPlus => "FreeOTP+",
            Format::Stratum => "Stratum (Authenticator Pro)",
            Format::LastPass => "LastPass Authenticator",
            Format::Authy => "Authy",
            Format::MicrosoftAuthenticator => "Microsoft Authenticator",
        }
    }

    /// Whether Twofold can read this app's files: false for the apps that
    /// cannot export their accounts (see [`Format::no_export_advice`]).
    pub fn can_import(self) -> bool {
        self.no_export_advice().is_none()
    }

    /// For an app that cannot export its accounts, how to move them to
    /// Twofold anyway; `None` for the formats we read.
    pub fn no_export_advice(self) -> Option<&'static str> {
        no_export::advice(self)
    }

    /// The module that reads this format.
    pub fn importer(self) -> &'static dyn Importer {
        match self {
            Format::OtpauthList => &otpauth_list::OtpauthList,
            Format::GoogleMigration => &google::GoogleMigration,
            Format::Aegis => &aegis::Aegis,
            Format::TwoFas => &twofas::TwoFas,
            Format::Bitwarden => &bitwarden::Bitwarden,
            Format::AndOtp => &andotp::AndOtp,
            Format::Ente => &ente::Ente,
            Format::Proton => &proton::Proton,
            Format::FreeOtpPlus => &freeotp_plus::FreeOtpPlus,
            Format::Stratum => &stratum::Stratum,
            Format::LastPass => &lastpass::LastPass,
            Format::Authy => &no_export::AUTHY,
            Format::MicrosoftAuthenticator => &no_export::MICROSOFT,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.app_name())
    }
}

impl FromStr for Format {
    type Err = FormatError;

    fn from_str(text: &str) -> Result<Format, FormatError> {
        Format::ALL
            .into_iter()
            .find(|format| format.id().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| FormatError::UnknownFormatName {
                found: text.to_owned(),
            })
    }
}

/// A format we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// One `otpauth://` URI per line (never encrypted: keep it safe).
    OtpauthList,
    /// An Aegis JSON vault: encrypted when a password is given.
    Aegis,
    /// PNG images of Google Authenticator migration QR codes, to scan with
    /// a phone (Google Authenticator, Aegis, 2FAS and others read them).
    GoogleMigrationQr,
    /// A Proton Authenticator JSON export: encrypted when a password is given.
    Proton,
    /// Ente Auth's plain-text export: otpauth URIs with Ente's `codeDisplay`
    /// (tags, note, pinned). Never encrypted: keep it safe.
    Ente,
}

impl ExportFormat {
    /// Every export format.
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::OtpauthList,
        ExportFormat::Aegis,
        ExportFormat::GoogleMigrationQr,
        ExportFormat::Proton,
        ExportFormat::Ente,
    ];

    /// The short name used on the command line.
    pub fn id(self) -> &'static str {
        match self {
            ExportFormat::OtpauthList => "otpauth",
            ExportFormat::Aegis => "aegis",
            ExportFormat::GoogleMigrationQr => "google-qr",
            ExportFormat::Proton => "proton",
            ExportFormat::Ente => "ente",
        }
    }

    /// The file name extension of the files written, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::OtpauthList => "txt",
            ExportFormat::Aegis => "json",
            ExportFormat::GoogleMigrationQr => "png",
            ExportFormat::Proton => "json",
            ExportFormat::Ente => "txt",
        }
    }

    /// Whether a password encrypts this format (the others refuse one).
    pub fn encrypts(self) -> bool {
        matches!(self, ExportFormat::Aegis | ExportFormat::Proton)
    }

    /// The module that writes this format.
    pub fn exporter(self) -> &'static dyn Exporter {
        match self {
            ExportFormat::OtpauthList => &otpauth_list::OtpauthList,
            ExportFormat::Aegis => &aegis::Aegis,
            ExportFormat::GoogleMigrationQr => &google::GoogleMigration,
            ExportFormat::Proton => &proton::Proton,
            ExportFormat::Ente => &ente::Ente,
        }
    }
}

impl FromStr for ExportFormat {
    type Err = FormatError;

    fn from_str(text: &str) -> Result<ExportFormat, FormatError> {
        ExportFormat::ALL
            .into_iter()
            .find(|format| format.id().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| FormatError::UnknownFormatName {
                found: text.to_owned(),
            })
    }
}

/// Why an import or export failed. Messages never contain a secret.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// A format name that we do not know.
    #[error(
        "'{found}' is not a format we know: use {} (exports: {})",
        ids(Format::ALL.map(Format::id)),
        ids(ExportFormat::ALL.map(ExportFormat::id))
    )]
    UnknownFormatName {
        /// The name given.
        found: String,
    },
    /// Auto-detection recognised none of the formats.
    #[error(
        "cannot tell which app wrote this file: name its format ({}), or export it again from the app",
        ids(Format::ALL.into_iter().filter(|format| format.can_import()).map(Format::id))
    )]
    UnknownFormat,
    /// The file is not the JSON it should be (often: it was cut short).
    #[error(
        "this {format} file is not valid JSON at line {line}, column {column} ({reason}); \
         it may be truncated: export it again"
    )]
    Json {
        /// The format being read.
        format: Format,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the parser expected, with any quoted values removed.
        reason: String,
    },
    /// The file is valid but not laid out as the format says.
    #[error("this is not a valid {format} file: {reason}")]
    Layout {
        /// The format being read.
        format: Format,
        /// What is missing or wrong.
        reason: String,
    },
    /// An encrypted export and no password given.
    #[error("this {format} export is encrypted: give its password")]
    PasswordNeeded {
        /// The format being read.
        format: Format,
    },
    /// The password did not open the file.
    #[error(
        "the password does not open this {format} export: check it (it is case-sensitive) and try again"
    )]
    WrongPassword {
        /// The format being read.
        format: Format,
    },
    /// A feature of the format we do not read, e.g. encrypted Bitwarden exports.
    #[error("{format}: {what} is not supported; {advice}")]
    Unsupported {
        /// The format being read or written.
        format: Format,
        /// What is not supported.
        what: String,
        /// What to do instead.
        advice: &'static str,
    },
    /// The file held no accounts at all.
    #[error("no accounts found in this {format} file: is it the right file?")]
    Empty {
        /// The format read.
        format: Format,
    },
    /// None of the pictures shows a QR code.
    #[error("no QR code found in the picture{plural}: show the whole code, uncropped and in focus",
        plural = if *pictures == 1 { "" } else { "s" })]
    NoQrCode {
        /// How many pictures were searched.
        pictures: usize,
    },
    /// `apply` was called on a preview with entries that could not be read.
    #[error(
        "nothing was imported: {count} entr{plural} could not be read, the first is {first}; \
         fix or remove {them} in the file and import again",
        plural = if *count == 1 { "y" } else { "ies" },
        them = if *count == 1 { "it" } else { "them" }
    )]
    Unreadable {
        /// How many entries could not be read.
        count: usize,
        /// The first of them, with its reason.
        first: Unreadable,
    },
    /// An account that this export format cannot carry.
    #[error("cannot export {account} as {format}: {reason}")]
    CannotExport {
        /// The export format.
        format: &'static str,
        /// Which account ("Issuer: name").
        account: String,
        /// Why, and what to do.
        reason: String,
    },
    /// A password given for a format that is never encrypted.
    #[error("{format} exports cannot be encrypted: leave the password out, or export as aegis")]
    CannotEncrypt {
        /// The export format.
        format: &'static str,
    },
    /// Drawing or reading a QR code failed.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// The system's random number generator failed (no entropy source).
    #[error("the system random number generator is unavailable ({0}); try again")]
    Random(String),
}

/// "a, b or c": the format names a message offers.
fn ids(ids: impl IntoIterator<Item = &'static str>) -> String {
    let ids: Vec<_> = ids.into_iter().collect();
    match ids.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// One account read from an import file, before it is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Issuer, name, key and code parameters.
    pub otp: OtpAuth,
    /// Groups or tags the other app kept.
    pub tags: Vec<String>,
    /// The other app's note for the account.
    pub note: String,
    /// Whether the other app pinned it (a favourite, starred, pinned).
    pub favourite: bool,
}

impl Imported {
    fn new(otp: OtpAuth) -> Imported {
        Imported {
            otp,
            tags: Vec::new(),
            note: String::new(),
            favourite: false,
        }
    }
}

/// An entry of an import file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Which entry: its number in the file (from 1) and its label if known.
    pub entry: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.entry, self.reason)
    }
}

/// What an importer makes of one entry of a file.
pub type Entry = Result<Imported, Unreadable>;

/// Reads one format. Implemented by one module per format.
pub trait Importer: Sync {
    /// The format this importer reads.
    fn format(&self) -> Format;
    /// Whether `bytes` look like this format (cheap; no password needed).
    fn detect(&self, bytes: &[u8]) -> bool;
    /// Reads every entry; a problem with the file as a whole is an error, a
    /// problem with one entry is an [`Unreadable`] in the list.
    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Vec<Entry>, FormatError>;
}

/// One file of an export: most formats write one, Google migration QR codes
/// one PNG per batch.
pub struct ExportFile {
    /// 1-based number of this file in the series.
    pub part: usize,
    /// How many files the export has.
    pub parts: usize,
    /// The file's content (secrets inside: wiped on drop).
    pub bytes: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for ExportFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ExportFile({}/{}, {} bytes)",
            self.part,
            self.parts,
            self.bytes.len()
        )
    }
}

impl ExportFile {
    /// An export that is one file.
    fn only(bytes: Zeroizing<Vec<u8>>) -> Vec<ExportFile> {
        vec![ExportFile {
            part: 1,
            parts: 1,
            bytes,
        }]
    }

    /// Where this file goes when an export in `format` is written to
    /// `output`: `output` itself for a one-file export, `stem-N.ext` for
    /// part N of several (the format's extension when `output` has none).
    pub fn path_for(&self, output: &Path, format: ExportFormat) -> PathBuf {
        if self.parts == 1 {
            return output.to_owned();
        }
        let stem = output
            .file_stem()
            .map_or_else(|| "export".into(), |stem| stem.to_string_lossy());
        let extension = output.extension().map_or_else(
            || format.extension().into(),
            |extension| extension.to_string_lossy(),
        );
        output.with_file_name(format!("{stem}-{}.{extension}", self.part))
    }

    /// Writes the file to `path` as a new file readable by its owner alone
    /// (it holds secrets); an existing file is never replaced.
    pub fn write_new(&self, path: &Path) -> io::Result<()> {
        twofold_atomic_file::write_new(path, &self.bytes)
    }
}

/// Writes one format. Implemented by one module per format.
pub trait Exporter: Sync {
    /// Writes `accounts`; `password` (only given to formats that
    /// [encrypt](ExportFormat::encrypts)) encrypts them.
    fn export(
        &self,
        accounts: &[Account],
        password: Option<&str>,
    ) -> Result<Vec<ExportFile>, FormatError>;
}

/// Writes `accounts` in `format`; see [`ExportFormat`].
pub fn export(
    format: ExportFormat,
    accounts: &[Account],
    password: Option<&str>,
) -> Result<Vec<ExportFile>, FormatError> {
    if password.is_some() && !format.encrypts() {
        return Err(FormatError::CannotEncrypt {
            format: format.id(),
        });
    }
    format.exporter().export(accounts, password)
}

/// Recognises the format of an export file, trying [`Format::ALL`] in order.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    Format::ALL
        .into_iter()
        .find(|format| format.importer().detect(bytes))
}

/// Reads an export file into a preview against the `existing` accounts.
/// `format` `None` auto-detects; `password` opens encrypted exports.
pub fn import(
    bytes: &[u8],
    format: Option<Format>,
    password: Option<&str>,
    existing: &[Account],
) -> Result<ImportPreview, FormatError> {
    let format = match format {
        Some(format) => format,
        None => detect(bytes).ok_or(FormatError::UnknownFormat)?,
    };
    let entries = format.importer().read(bytes, password)?;
    if entries.is_empty() {
        return Err(FormatError::Empty { format });
    }
    Ok(ImportPreview::new(format, entries, existing))
}

/// Reads what the user chose to import: one export file (of the `format`
/// named, or one recognised), or else pictures of QR codes. A single file
/// that is neither is reported as an unknown format. The app and the CLI
/// both decide this way.
pub fn import_files(
    files: &[&[u8]],
    format: Option<Format>,
    password: Option<&str>,
    existing: &[Account],
) -> Result<ImportPreview, FormatError> {
    if let Some(format) = format {
        no_export::refuse(format)?;
    }
    match files {
        [bytes] if format.is_some() || detect(bytes).is_some() => {
            import(bytes, format, password, existing)
        }
        _ => import_qr_images(files, existing).map_err(|error| match error {
            FormatError::Qr(QrError::Image { .. }) if files.len() == 1 => {
                FormatError::UnknownFormat
            }
            other => other,
        }),
    }
}

/// Reads the payloads of scanned QR codes (`otpauth://` accounts and Google
/// migration batches, in any mix) into a preview against `existing`. Other
/// codes on the same screen (a web address, a Wi-Fi login) are passed over,
/// unless there is nothing else: then they are listed as unreadable.
pub fn import_qr_payloads(payloads: &[Payload], existing: &[Account]) -> ImportPreview {
    let any_account = payloads
        .iter()
        .any(|payload| otpauth_list::is_account_uri(payload.as_str()));
    let mut entries = Vec::new();
    let mut batches = google::Batches::default();
    for (index, payload) in payloads.iter().enumerate() {
        if otpauth_list::is_account_uri(payload.as_str()) || !any_account {
            let place = format!("QR code {}", index + 1);
            otpauth_list::read_uri(payload.as_str(), &place, &mut entries, &mut batches);
        }
    }
    entries.extend(batches.missing());
    let all_migration = payloads
        .iter()
        .filter(|payload| otpauth_list::is_account_uri(payload.as_str()))
        .all(|payload| google::is_migration_uri(payload.as_str()));
    let format = if any_account && all_migration {
        Format::GoogleMigration
    } else {
        Format::OtpauthList
    };
    ImportPreview::new(format, entries, existing)
}

/// Finds the QR codes in picture files (PNG, JPEG, WebP, BMP) and reads them
/// like [`import_qr_payloads`]; a Google export shown as several QR codes
/// can be given as several pictures. Errors when a picture cannot be read
/// or no QR code is found in any.
pub fn import_qr_images(
    images: &[&[u8]],
    existing: &[Account],
) -> Result<ImportPreview, FormatError> {
    let mut payloads = Vec::new();
    for image in images {
        for payload in qr::decode_image(image)? {
            if !payloads.contains(&payload) {
                payloads.push(payload);
            }
        }
    }
    if payloads.is_empty() {
        return Err(FormatError::NoQrCode {
            pictures: images.len(),
        });
    }
    Ok(import_qr_payloads(&payloads, existing))
}

/// An account from the file that is already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The entry from the file.
    pub imported: Imported,
    /// The existing account with the same key; `None` when the file itself
    /// holds the key twice.
    pub existing: Option<AccountId>,
}

/// What an import would do; nothing is changed until [`ImportPreview::apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPreview {
    /// The format read.
    pub format: Format,
    /// Accounts that will be added, in file order.
    pub added: Vec<Imported>,
    /// Entries whose key (same secret and code kind) is already an account,
    /// or appeared earlier in the file; they are skipped.
    pub duplicates: Vec<Duplicate>,
    /// Entries that could not be read, and why.
    pub unreadable: Vec<Unreadable>,
}

impl ImportPreview {
    fn new(format: Format, entries: Vec<Entry>, existing: &[Account]) -> ImportPreview {
        let mut preview = ImportPreview {
            format,
            added: Vec::new(),
            duplicates: Vec::new(),
            unreadable: Vec::new(),
        };
        for entry in entries {
            match entry {
                Err(unreadable) => preview.unreadable.push(unreadable),
                Ok(imported) => {
                    if let Some(account) = existing.iter().find(|a| a.otp.same_key(&imported.otp)) {
                        preview.duplicates.push(Duplicate {
                            imported,
                            existing: Some(account.id),
                        });
                    } else if preview.added.iter().any(|a| a.otp.same_key(&imported.otp)) {
                        preview.duplicates.push(Duplicate {
                            imported,
                            existing: None,
                        });
                    } else {
                        preview.added.push(imported);
                    }
                }
            }
        }
        preview
    }

    /// Adds the new accounts at the end of `accounts`, all or none, and
    /// returns their ids. Refuses (adding nothing) when any entry could not
    /// be read. `accounts` may have changed since the preview (another
    /// process saved meanwhile): entries it now holds are skipped, never
    /// added twice. Call it inside [`crate::Vault::transact`].
    pub fn apply(
        self,
        accounts: &mut Vec<Account>,
        now: u64,
    ) -> Result<Vec<AccountId>, FormatError> {
        if let Some(first) = self.unreadable.first() {
            return Err(FormatError::Unreadable {
                count: self.unreadable.len(),
                first: first.clone(),
            });
        }
        let mut ids = Vec::with_capacity(self.added.len());
        for imported in self.added {
            if accounts.iter().any(|a| a.otp.same_key(&imported.otp)) {
                continue;
            }
            let mut account = Account::new(imported.otp, now);
            account.tags = imported.tags;
            account.note = imported.note;
            account.favourite = imported.favourite;
            account.position = next_position(accounts);
            ids.push(account.id);
            accounts.push(account);
        }
        Ok(ids)
    }
}

/// "entry 3 (GitHub: alice)": how an unreadable entry is named to the user.
fn entry_label(index: usize, issuer: Option<&str>, name: Option<&str>) -> String {
    let label = match (
        issuer.filter(|s| !s.is_empty()),
        name.filter(|s| !s.is_empty()),
    ) {
        (Some(issuer), Some(name)) => format!(" ({issuer}: {name})"),
        (Some(one), None) | (None, Some(one)) => format!(" ({one})"),
        (None, None) => String::new(),
    };
    format!("entry {}{label}", index + 1)
}

/// An account spelled out field by field, as JSON exports and the app's
/// "add by hand" form give it; read with the same rules and messages as a URI.
#[derive(Debug, Clone, Copy)]
pub struct AccountFields<'a> {
    /// `totp`, `hotp` or `steam` (any case).
    pub kind: &'a str,
    /// The service.
    pub issuer: Option<&'a str>,
    /// The account at the service.
    pub name: &'a str,
    /// Base32.
    pub secret: &'a str,
    /// `SHA1` (default), `SHA256` or `SHA512`.
    pub algorithm: Option<&'a str>,
    /// 6 (default) to 8.
    pub digits: Option<u32>,
    /// Seconds per code, 30 by default.
    pub period: Option<u32>,
    /// HOTP's next counter, 0 by default.
    pub counter: Option<u64>,
}

impl AccountFields<'_> {
    /// Builds the account, or says what is wrong with the entry.
    pub fn to_otp(&self) -> Result<OtpAuth, String> {
        let period = self.period.unwrap_or(30);
        let kind = match self.kind.to_ascii_lowercase().as_str() {
            "totp" => OtpKind::Totp { period },
            "hotp" => OtpKind::Hotp {
                counter: self.counter.unwrap_or(0),
            },
            "steam" => OtpKind::Steam { period },
            other => {
                return Err(format!(
                    "type '{other}' is not supported (TOTP, HOTP and Steam are)"
                ));
            }
        };
        let algorithm = match self.algorithm {
            Some(text) => text.parse::<Algorithm>().map_err(|e| e.to_string())?,
            None => Algorithm::Sha1,
        };
        let digits = match self.digits {
            None => 6,
            Some(digits) => u8::try_from(digits)
                .map_err(|_| format!("digits: {digits} is not supported (6, 7 or 8)"))?,
        };
        let secret = Secret::from_base32(self.secret).map_err(|e| e.to_string())?;
        OtpAuth::new(
            self.issuer.map(str::to_owned),
            self.name,
            secret,
            algorithm,
            digits,
            kind,
        )
        .map_err(|e| e.to_string())
    }
}

/// serde's message without its location and with every quoted value
/// replaced by `…`: a misplaced secret would otherwise be echoed.
fn json_reason(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(before, _)| before);
    let mut reason = String::new();
    for (i, part) in message.split('"').enumerate() {
        if i > 0 {
            reason.push('"');
        }
        reason.push_str(if i % 2 == 0 { part } else { "…" });
    }
    reason
}

/// Parses JSON into `T`, naming the place of any problem.
fn parse_json<'a, T: serde::Deserialize<'a>>(
    format: Format,
    bytes: &'a [u8],
) -> Result<T, FormatError> {
    serde_json::from_slice(bytes).map_err(|e| {
        if e.is_data() {
            FormatError::Layout {
                format,
                reason: format!(
                    "{} (line {}, column {})",
                    json_reason(&e),
                    e.line(),
                    e.column()
                ),
            }
        } else {
            FormatError::Json {
                format,
                line: e.line(),
                column: e.column(),
                reason: json_reason(&e),
            }
        }
    })
}

/// Whether the text starts (after white space) with `{` or `[` and contains
/// `needle`: a cheap first look for the JSON formats' detectors.
fn json_containing(bytes: &[u8], needle: &str) -> bool {
    let trimmed = bytes.trim_ascii_start();
    matches!(trimmed.first(), Some(b'{' | b'['))
        && trimmed
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
}

/// Fills a buffer from the OS random number generator.
fn random_bytes<const N: usize>() -> Result<[u8; N], FormatError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| FormatError::Random(e.to_string()))?;
    Ok(bytes)
}
